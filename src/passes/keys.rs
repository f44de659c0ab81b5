//! The site's pass-signing keys: made at first use, rotated on request, exported as a
//! public key another gate imports to verify this site's passes offline.
//!
//! Secret halves never leave the database through these functions; only supervisors reach
//! them (issuing and rotating are supervisor commands). Must not: sign passes itself.
//! Called by: `passes` (issue, scan, revocation lists), the shell, the CLI.

use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::{self, Audited, Event};
use crate::db::{Db, Tx};
use crate::error::{Error, ErrorCode, Result};
use crate::guards::{self, Actor, Role};
use crate::{site, validate};

pub(crate) const AUDITED: Audited = Audited {
    entity: "pass_key",
    table: "pass_key",
    // The secret half stays out of every event body.
    columns: &["id", "uid", "key_id", "label", "public_key", "current", "created_at_ms", "retired_at_ms"],
    pii_columns: &[],
    blob_digests: &[],
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PassKey {
    #[ts(type = "number")]
    pub key_id: u32,
    pub label: String,
    pub public_key_hex: String,
    /// This site's own key (it can sign); false for keys imported from other gates.
    pub own: bool,
    /// Signs new passes.
    pub current: bool,
    #[ts(type = "number | null")]
    pub retired_at_ms: Option<i64>,
}

/// A public key as one gate hands it to another (a small JSON file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PublicKeyExport {
    pub format: String,
    #[ts(type = "number")]
    pub key_id: u32,
    pub label: String,
    pub public_key_hex: String,
}

const EXPORT_FORMAT: &str = "gatehouse-pass-key/1";

fn key_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PassKey> {
    let public: Vec<u8> = r.get(2)?;
    Ok(PassKey {
        key_id: r.get(0)?,
        label: r.get(1)?,
        public_key_hex: hex::encode(public),
        own: r.get(3)?,
        current: r.get(4)?,
        retired_at_ms: r.get(5)?,
    })
}

const SELECT: &str = "SELECT key_id, label, public_key, secret_key IS NOT NULL, current, retired_at_ms FROM pass_key";

fn new_key(tx: &Tx<'_>, actor: Option<&Actor>, label: &str) -> Result<(u32, SigningKey)> {
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let key = SigningKey::from_bytes(&secret);
    // A random id: gates that exchange keys must not collide, and ids leak nothing.
    let key_id = loop {
        let candidate = rand::rngs::OsRng.next_u32();
        let taken: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM pass_key WHERE key_id = ?1)", [candidate], |r| r.get(0))?;
        if candidate != 0 && !taken {
            break candidate;
        }
    };
    tx.execute("UPDATE pass_key SET current = 0, retired_at_ms = ?1 WHERE current = 1", [tx.now_ms()])?;
    for id in tx.prepare("SELECT id FROM pass_key WHERE retired_at_ms = ?1")?.query_map([tx.now_ms()], |r| r.get::<_, i64>(0))?.collect::<rusqlite::Result<Vec<_>>>()? {
        audit::record_change(tx, &AUDITED, id, Event::new("pass_key_retired", actor))?;
    }
    tx.execute(
        "INSERT INTO pass_key (uid, key_id, label, public_key, secret_key, current, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
        rusqlite::params![uuid::Uuid::now_v7().to_string(), key_id, label, key.verifying_key().to_bytes().to_vec(), key.to_bytes().to_vec(), tx.now_ms()],
    )?;
    let id = tx.last_insert_rowid();
    audit::record_change(tx, &AUDITED, id, Event::new("pass_key_created", actor))?;
    Ok((key_id, key))
}

/// The key that signs new passes, made on first use.
pub(crate) fn current_signing_key(tx: &Tx<'_>, actor: &Actor) -> Result<(u32, SigningKey)> {
    let found: Option<(u32, Vec<u8>)> =
        tx.query_row("SELECT key_id, secret_key FROM pass_key WHERE current = 1 AND secret_key IS NOT NULL", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    match found {
        Some((key_id, secret)) => {
            let secret: [u8; 32] = secret.try_into().map_err(|_| Error::tampered("the pass signing key is damaged"))?;
            Ok((key_id, SigningKey::from_bytes(&secret)))
        }
        None => new_key(tx, Some(actor), &site::read_settings(tx)?.site_name),
    }
}

/// The public key with this id, if this database knows it (own or imported).
pub(crate) fn verifying_key(conn: &Connection, key_id: u32) -> Result<Option<VerifyingKey>> {
    let bytes: Option<Vec<u8>> = conn.query_row("SELECT public_key FROM pass_key WHERE key_id = ?1", [key_id], |r| r.get(0)).optional()?;
    Ok(bytes.and_then(|b| <[u8; 32]>::try_from(b).ok()).and_then(|b| VerifyingKey::from_bytes(&b).ok()))
}

pub(crate) fn signing_key_by_id(conn: &Connection, key_id: u32) -> Result<Option<SigningKey>> {
    let secret: Option<Option<Vec<u8>>> = conn.query_row("SELECT secret_key FROM pass_key WHERE key_id = ?1", [key_id], |r| r.get(0)).optional()?;
    Ok(secret.flatten().and_then(|b| <[u8; 32]>::try_from(b).ok()).map(|b| SigningKey::from_bytes(&b)))
}

pub fn list(db: &Db, actor: &Actor) -> Result<Vec<PassKey>> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Supervisor)?;
        let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY current DESC, created_at_ms DESC"))?;
        let rows = stmt.query_map([], key_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    })
}

/// Makes a new signing key; passes signed by older keys keep verifying.
pub fn rotate(db: &Db, actor: &Actor) -> Result<PassKey> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let (key_id, _) = new_key(tx, Some(actor), &site::read_settings(tx)?.site_name)?;
        Ok(tx.query_row(&format!("{SELECT} WHERE key_id = ?1"), [key_id], key_row)?)
    })
}

/// This site's current public key, for another gate to import.
pub fn export_public(db: &Db, actor: &Actor) -> Result<PublicKeyExport> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let (key_id, key) = current_signing_key(tx, actor)?;
        Ok(PublicKeyExport {
            format: EXPORT_FORMAT.into(),
            key_id,
            label: site::read_settings(tx)?.site_name,
            public_key_hex: hex::encode(key.verifying_key().to_bytes()),
        })
    })
}

/// Imports another gate's public key, so its passes verify here.
pub fn import_public(db: &Db, actor: &Actor, json: &str) -> Result<PassKey> {
    let bad = || Error::invalid("key_file", ErrorCode::KeyFileInvalid, "this is not a Gatehouse public key file");
    let export: PublicKeyExport = serde_json::from_str(json).map_err(|_| bad())?;
    let bytes: [u8; 32] = hex::decode(&export.public_key_hex).ok().and_then(|b| b.try_into().ok()).ok_or_else(bad)?;
    if export.format != EXPORT_FORMAT || VerifyingKey::from_bytes(&bytes).is_err() || export.key_id == 0 {
        return Err(bad());
    }
    let label = validate::required_text("key_file", &export.label, 50)?;
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let existing: Option<Vec<u8>> = tx.query_row("SELECT public_key FROM pass_key WHERE key_id = ?1", [export.key_id], |r| r.get(0)).optional()?;
        match existing {
            Some(public) if public == bytes => {}
            Some(_) => return Err(Error::conflict(ErrorCode::KeyIdTaken, "another key already has this id: this key cannot be imported").on_field("key_file")),
            None => {
                tx.execute(
                    "INSERT INTO pass_key (uid, key_id, label, public_key, current, created_at_ms) VALUES (?1, ?2, ?3, ?4, 0, ?5)",
                    rusqlite::params![uuid::Uuid::now_v7().to_string(), export.key_id, label, bytes.to_vec(), tx.now_ms()],
                )?;
                let id = tx.last_insert_rowid();
                audit::record_change(tx, &AUDITED, id, Event::new("pass_key_imported", Some(actor)))?;
            }
        }
        Ok(tx.query_row(&format!("{SELECT} WHERE key_id = ?1"), [export.key_id], key_row)?)
    })
}
