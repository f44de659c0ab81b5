//! Revocation lists shared between gates: this site's revoked passes, signed with its
//! current key and numbered, so another gate refuses them offline; and the import of other
//! gates' lists, where an older list never replaces a newer one.
//!
//! The list is JSON: `{format, issuerKeyId, number, entries, signature}`; the signature is
//! Ed25519 over `DOMAIN ‖ the same JSON without the signature` (keys sorted).
//! Called by: the shell, the CLI.

use ed25519_dalek::{Signature, Signer, Verifier};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use super::keys;
use crate::audit::{self, Event};
use crate::db::Db;
use crate::error::{Error, ErrorCode, Result};
use crate::guards::{self, Actor, Role};

const FORMAT: &str = "gatehouse-revocations/1";
const DOMAIN: &[u8] = b"gatehouse/revocations/v1\0";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevokedEntry {
    #[ts(type = "number")]
    pub key_id: u32,
    #[ts(type = "number")]
    pub serial: u32,
    pub reason: String,
    #[ts(type = "number")]
    pub revoked_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevocationList {
    pub format: String,
    #[ts(type = "number")]
    pub issuer_key_id: u32,
    /// Grows with every revocation at the issuing site.
    #[ts(type = "number")]
    pub number: i64,
    pub entries: Vec<RevokedEntry>,
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevocationImport {
    #[ts(type = "number")]
    pub number: i64,
    #[ts(type = "number")]
    pub entries: i64,
}

fn signed_bytes(list: &RevocationList) -> Vec<u8> {
    let body = json!({ "format": list.format, "issuerKeyId": list.issuer_key_id, "number": list.number, "entries": list.entries });
    [DOMAIN, body.to_string().as_bytes()].concat()
}

/// This site's revocations as a signed list (supervisor).
pub fn export(db: &Db, actor: &Actor) -> Result<RevocationList> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let (issuer_key_id, key) = keys::current_signing_key(tx, actor)?;
        let mut stmt = tx.prepare(
            "SELECT p.key_id, p.serial, p.revoke_reason, p.revoked_at_ms FROM pass p JOIN pass_key k ON k.key_id = p.key_id
             WHERE p.revoked_at_ms IS NOT NULL AND k.secret_key IS NOT NULL ORDER BY p.revoked_at_ms, p.id",
        )?;
        let entries: Vec<RevokedEntry> = stmt
            .query_map([], |r| Ok(RevokedEntry { key_id: r.get(0)?, serial: r.get(1)?, reason: r.get(2)?, revoked_at_ms: r.get(3)? }))?
            .collect::<rusqlite::Result<_>>()?;
        let mut list = RevocationList { format: FORMAT.into(), issuer_key_id, number: entries.len() as i64, entries, signature: String::new() };
        list.signature = hex::encode(key.sign(&signed_bytes(&list)).to_bytes());
        audit::append(tx, Event::new("revocation_list_exported", Some(actor)).detail(json!({ "number": list.number })))?;
        Ok(list)
    })
}

/// Imports another gate's signed list (supervisor). The issuer's public key must be known.
pub fn import(db: &Db, actor: &Actor, text: &str) -> Result<RevocationImport> {
    let bad = |message: &str| Error::invalid("revocation_file", ErrorCode::RevocationListInvalid, message.to_string());
    let list: RevocationList = serde_json::from_str(text).map_err(|_| bad("this is not a Gatehouse revocation list"))?;
    if list.format != FORMAT {
        return Err(bad("this is not a Gatehouse revocation list"));
    }
    let signature = hex::decode(&list.signature).ok().and_then(|b| Signature::from_slice(&b).ok()).ok_or_else(|| bad("the list's signature is damaged"))?;
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let key = keys::key_state(tx, list.issuer_key_id)?
            .ok_or_else(|| bad("the list comes from a gate whose public key is not imported: import its key first"))?;
        if key.key.verify(&signed_bytes(&list), &signature).is_err() {
            return Err(bad("the list's signature does not match: it was changed or forged"));
        }
        if key.distrusted {
            return Err(Error::invalid("revocation_file", ErrorCode::KeyDistrusted, "the list is signed by a key distrusted here: it cannot be trusted"));
        }
        if keys::signing_key_by_id(tx, list.issuer_key_id)?.is_some() {
            return Err(Error::invalid("revocation_file", ErrorCode::RevocationListOwn, "this is this site's own list: there is nothing to import"));
        }
        let seen: Option<i64> =
            tx.query_row("SELECT list_number FROM revocation_list_seen WHERE issuer_key_id = ?1", [list.issuer_key_id], |r| r.get(0)).optional()?;
        if seen.is_some_and(|seen| list.number <= seen) {
            return Err(Error::conflict(ErrorCode::RevocationListOld, "this list is not newer than the one already imported")
                .on_field("revocation_file")
                .with_param("number", list.number)
                .with_param("seen", seen.unwrap_or_default()));
        }
        for entry in &list.entries {
            tx.execute(
                "INSERT INTO imported_revocation (key_id, serial, reason, revoked_at_ms) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(key_id, serial) DO NOTHING",
                rusqlite::params![entry.key_id, entry.serial, entry.reason, entry.revoked_at_ms],
            )?;
        }
        tx.execute(
            "INSERT INTO revocation_list_seen (issuer_key_id, list_number, imported_at_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT(issuer_key_id) DO UPDATE SET list_number = excluded.list_number, imported_at_ms = excluded.imported_at_ms",
            rusqlite::params![list.issuer_key_id, list.number, tx.now_ms()],
        )?;
        audit::append(
            tx,
            Event::new("revocation_list_imported", Some(actor)).detail(json!({ "issuer": list.issuer_key_id, "number": list.number, "entries": list.entries.len() })),
        )?;
        Ok(RevocationImport { number: list.number, entries: list.entries.len() as i64 })
    })
}
