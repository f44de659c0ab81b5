//! The site's pass-signing keys: made at first use, rotated on request, exported as a
//! public key another gate imports to verify this site's passes offline, and distrusted
//! (停用) by a supervisor when a secret may have leaked.
//!
//! Secret halves never leave the database (the encrypted file) through these functions;
//! export is public-key only; only supervisors reach them (issuing, rotating and
//! distrusting are supervisor commands). Only the current key signs; a rotation retires the
//! old one, which then only verifies passes it signed before. Distrust is permanent (a
//! trigger refuses undoing it): every pass the key signed is refused at the gate from then
//! on; distrusting the current key retires it and makes a new one in the same transaction,
//! so issuing goes on. Must not: sign passes itself.
//!
//! Fingerprints. A key file travels on a USB stick or by mail and could be swapped on the
//! way, so another gate's key is imported only after a supervisor compared its fingerprint
//! on screen with the one printed at (or read out on the phone by) the exporting gate, and
//! confirmed with their PIN. The fingerprint is 24 decimal digits in six groups of four
//! (`fingerprint`): digits read aloud in Chinese or English without confusion, 80 bits so
//! nobody can make a key that matches a given one. It binds the key id and the public key.
//! The importer computes it itself (the file carries none), the supervisor types or confirms
//! it, the core compares, and the audit event records it.
//! Called by: `passes` (issue, scan, revocation lists), the shell, the CLI.

use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::RngCore;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::db::{Db, Tx};
use crate::error::{Error, ErrorCode, Result};
use crate::guards::{self, SupervisorOverride};
use crate::{site, validate};

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
    /// Distrusted (停用): every pass this key signed is refused. Permanent.
    #[ts(type = "number | null")]
    pub distrusted_at_ms: Option<i64>,
    /// The supervisor who distrusted it (empty when trusted).
    pub distrusted_by: String,
    pub distrust_reason: String,
    /// What supervisors compare between gates before an import (`fingerprint`).
    pub fingerprint: String,
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
const FINGERPRINT_DOMAIN: &[u8] = b"gatehouse/pass-key-fingerprint/v1\0";

/// The fingerprint of a public key: `1234 5678 9012 3456 7890 1234` (see the module header).
pub fn fingerprint(key_id: u32, public_key: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new().chain_update(FINGERPRINT_DOMAIN).chain_update(key_id.to_be_bytes()).chain_update(public_key).finalize();
    let value = u128::from_be_bytes(digest[..16].try_into().expect("16 bytes")) % 10u128.pow(24);
    let digits = format!("{value:024}");
    digits.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).expect("ascii")).collect::<Vec<_>>().join(" ")
}

/// Only the digits of a fingerprint as a person typed it (spaces, dashes, full-width digits).
fn fingerprint_digits(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            _ => None,
        })
        .collect()
}

/// Another gate's key file as this gate reads it, before anything is stored: what the
/// supervisor compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyImportPreview {
    #[ts(type = "number")]
    pub key_id: u32,
    pub label: String,
    pub fingerprint: String,
    /// This key is already imported (importing it again changes nothing).
    pub already_imported: bool,
}

/// A supervisor's confirmation that the fingerprint matches the other gate's.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyImportConfirmation {
    /// The fingerprint as the supervisor confirmed it (the one shown, or typed in).
    pub fingerprint: String,
    /// The supervisor's PIN and a note on how it was compared (e.g. 与东门打印件核对).
    pub approval: SupervisorOverride,
}

fn key_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PassKey> {
    let public: Vec<u8> = r.get(2)?;
    let key_id: u32 = r.get(0)?;
    Ok(PassKey {
        fingerprint: fingerprint(key_id, &public),
        key_id,
        label: r.get(1)?,
        public_key_hex: hex::encode(public),
        own: r.get(3)?,
        current: r.get(4)?,
        retired_at_ms: r.get(5)?,
        distrusted_at_ms: r.get(6)?,
        distrusted_by: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
        distrust_reason: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
    })
}

const SELECT: &str = "SELECT k.key_id, k.label, k.public_key, k.secret_key IS NOT NULL, k.current, k.retired_at_ms,
        k.distrusted_at_ms, g.name, k.distrust_reason
     FROM pass_key k LEFT JOIN guard g ON g.id = k.distrusted_by";

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
    for id in tx
        .prepare("SELECT id FROM pass_key WHERE retired_at_ms = ?1")?
        .query_map([tx.now_ms()], |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?
    {
        audit::record_change(tx, &catalogue::PASS_KEY, id, Event::new("pass_key_retired", actor))?;
    }
    tx.execute(
        "INSERT INTO pass_key (uid, key_id, label, public_key, secret_key, current, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
        rusqlite::params![uuid::Uuid::now_v7().to_string(), key_id, label, key.verifying_key().to_bytes().to_vec(), key.to_bytes().to_vec(), tx.now_ms()],
    )?;
    let id = tx.last_insert_rowid();
    audit::record_change(tx, &catalogue::PASS_KEY, id, Event::new("pass_key_created", actor))?;
    Ok((key_id, key))
}

/// The key that signs new passes, made on first use.
pub(crate) fn current_signing_key(tx: &Tx<'_>, actor: &Actor) -> Result<(u32, SigningKey)> {
    let found: Option<(u32, Vec<u8>)> = tx
        .query_row("SELECT key_id, secret_key FROM pass_key WHERE current = 1 AND secret_key IS NOT NULL AND distrusted_at_ms IS NULL", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    match found {
        Some((key_id, secret)) => {
            let secret: [u8; 32] = secret.try_into().map_err(|_| Error::tampered("the pass signing key is damaged"))?;
            Ok((key_id, SigningKey::from_bytes(&secret)))
        }
        None => new_key(tx, Some(actor), &site::read_settings(tx)?.site_name),
    }
}

/// What the gate needs to know about a key (own or imported) when it checks a pass.
pub(crate) struct KeyState {
    pub key: VerifyingKey,
    pub retired_at_ms: Option<i64>,
    pub distrusted: bool,
}

/// The key with this id, if this database knows it.
pub(crate) fn key_state(conn: &Connection, key_id: u32) -> Result<Option<KeyState>> {
    let row: Option<(Vec<u8>, Option<i64>, bool)> = conn
        .query_row("SELECT public_key, retired_at_ms, distrusted_at_ms IS NOT NULL FROM pass_key WHERE key_id = ?1", [key_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    Ok(row.and_then(|(bytes, retired_at_ms, distrusted)| {
        let key = <[u8; 32]>::try_from(bytes).ok().and_then(|b| VerifyingKey::from_bytes(&b).ok())?;
        Some(KeyState { key, retired_at_ms, distrusted })
    }))
}

pub(crate) fn signing_key_by_id(conn: &Connection, key_id: u32) -> Result<Option<SigningKey>> {
    let secret: Option<Option<Vec<u8>>> = conn.query_row("SELECT secret_key FROM pass_key WHERE key_id = ?1", [key_id], |r| r.get(0)).optional()?;
    Ok(secret.flatten().and_then(|b| <[u8; 32]>::try_from(b).ok()).map(|b| SigningKey::from_bytes(&b)))
}

pub fn list(db: &Db, actor: &Actor) -> Result<Vec<PassKey>> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Supervisor)?;
        let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY k.current DESC, k.created_at_ms DESC"))?;
        let rows = stmt.query_map([], key_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    })
}

/// Makes a new signing key; passes signed by older keys keep verifying.
pub fn rotate(db: &Db, actor: &Actor) -> Result<PassKey> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let (key_id, _) = new_key(tx, Some(actor), &site::read_settings(tx)?.site_name)?;
        Ok(tx.query_row(&format!("{SELECT} WHERE k.key_id = ?1"), [key_id], key_row)?)
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

/// A key file checked and read: its id, public key and label.
fn read_key_file(json: &str) -> Result<(PublicKeyExport, [u8; 32], String)> {
    let bad = || Error::invalid("key_file", ErrorCode::KeyFileInvalid, "this is not a Gatehouse public key file");
    let export: PublicKeyExport = serde_json::from_str(json).map_err(|_| bad())?;
    let bytes: [u8; 32] = hex::decode(&export.public_key_hex).ok().and_then(|b| b.try_into().ok()).ok_or_else(bad)?;
    if export.format != EXPORT_FORMAT || VerifyingKey::from_bytes(&bytes).is_err() || export.key_id == 0 {
        return Err(bad());
    }
    let label = validate::required_text("key_file", &export.label, 50)?;
    Ok((export, bytes, label))
}

/// Reads another gate's key file and shows its fingerprint (supervisor); stores nothing.
pub fn preview_import(db: &Db, actor: &Actor, json: &str) -> Result<KeyImportPreview> {
    let (export, bytes, label) = read_key_file(json)?;
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Supervisor)?;
        let existing: Option<Vec<u8>> = conn.query_row("SELECT public_key FROM pass_key WHERE key_id = ?1", [export.key_id], |r| r.get(0)).optional()?;
        Ok(KeyImportPreview {
            key_id: export.key_id,
            label,
            fingerprint: fingerprint(export.key_id, &bytes),
            already_imported: existing.is_some_and(|p| p == bytes),
        })
    })
}

/// Imports another gate's public key, so its passes verify here: only with a supervisor's
/// PIN confirming that the fingerprint matches the one shown at the exporting gate.
pub fn import_public(db: &Db, actor: &Actor, json: &str, confirmation: &KeyImportConfirmation) -> Result<PassKey> {
    let (export, bytes, label) = read_key_file(json)?;
    db.read(|conn| guards::authorize(conn, actor, Role::Supervisor))?;
    let expected = fingerprint(export.key_id, &bytes);
    let typed = fingerprint_digits(&confirmation.fingerprint);
    if typed.is_empty() {
        return Err(Error::invalid("fingerprint", ErrorCode::Required, "compare the fingerprint with the one shown at the other gate, then confirm it"));
    }
    if typed != fingerprint_digits(&expected) {
        return Err(Error::invalid(
            "fingerprint",
            ErrorCode::FingerprintMismatch,
            "this fingerprint is not the key file's: the file may have been changed on the way; do not import it, ask the other gate for its key again",
        ));
    }
    let (supervisor, note) = guards::approve_override(db, &confirmation.approval)?;
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let existing: Option<Vec<u8>> = tx.query_row("SELECT public_key FROM pass_key WHERE key_id = ?1", [export.key_id], |r| r.get(0)).optional()?;
        let distrusted: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM pass_key WHERE key_id = ?1 AND distrusted_at_ms IS NOT NULL)", [export.key_id], |r| r.get(0))?;
        if distrusted {
            return Err(Error::new(ErrorCode::KeyAlreadyDistrusted, "this key was distrusted here, and distrust is permanent: it cannot be imported again")
                .on_field("key_file"));
        }
        match existing {
            Some(public) if public == bytes => {}
            Some(_) => return Err(Error::new(ErrorCode::KeyIdTaken, "another key already has this id: this key cannot be imported").on_field("key_file")),
            None => {
                tx.execute(
                    "INSERT INTO pass_key (uid, key_id, label, public_key, current, created_at_ms) VALUES (?1, ?2, ?3, ?4, 0, ?5)",
                    rusqlite::params![uuid::Uuid::now_v7().to_string(), export.key_id, label, bytes.to_vec(), tx.now_ms()],
                )?;
                let id = tx.last_insert_rowid();
                let event = Event::new("pass_key_imported", Some(&supervisor))
                    .detail(serde_json::json!({ "fingerprint": expected, "note": note, "guard": actor.guard_uid }));
                audit::record_change(tx, &catalogue::PASS_KEY, id, event)?;
            }
        }
        Ok(tx.query_row(&format!("{SELECT} WHERE k.key_id = ?1"), [export.key_id], key_row)?)
    })
}

/// Distrusts (停用) a key, own or imported (supervisor, reason required): every pass it
/// signed is refused at the gate from now on, and it never signs again. Permanent. When it
/// is this site's current key, it is retired and a new key made in the same transaction, so
/// passes can still be issued (they must be re-issued with the new key, and its public key
/// exported to the other gates again); `replaced_by` says which.
pub fn distrust(db: &Db, actor: &Actor, key_id: u32, reason: &str) -> Result<Distrusted> {
    let reason = validate::required_text("distrust_reason", reason, 200)?;
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let found: Option<(i64, bool, bool)> = tx
            .query_row("SELECT id, current, distrusted_at_ms IS NOT NULL FROM pass_key WHERE key_id = ?1", [key_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((id, current, already)) = found else {
            return Err(Error::new(ErrorCode::KeyNotFound, "there is no pass key with this id: check the id in the key list").on_field("key_id"));
        };
        if already {
            return Err(Error::new(ErrorCode::KeyAlreadyDistrusted, "this key is already distrusted"));
        }
        let replaced_by = if current { Some(new_key(tx, Some(actor), &site::read_settings(tx)?.site_name)?.0) } else { None };
        tx.execute(
            "UPDATE pass_key SET distrusted_at_ms = ?2, distrusted_by = ?3, distrust_reason = ?4 WHERE id = ?1",
            rusqlite::params![id, tx.now_ms(), actor.guard_id, reason],
        )?;
        audit::record_change(tx, &catalogue::PASS_KEY, id, Event::new("pass_key_distrusted", Some(actor)))?;
        let key = tx.query_row(&format!("{SELECT} WHERE k.key_id = ?1"), [key_id], key_row)?;
        let replaced_by = replaced_by.map(|new_id| tx.query_row(&format!("{SELECT} WHERE k.key_id = ?1"), [new_id], key_row)).transpose()?;
        Ok(Distrusted { key, replaced_by })
    })
}

/// A distrusted key, and the new key made when it was the one signing new passes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Distrusted {
    pub key: PassKey,
    pub replaced_by: Option<PassKey>,
}
