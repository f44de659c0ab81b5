//! Revocation lists shared between gates: this site's revoked passes, signed and numbered,
//! so another gate refuses them offline; and the import of other gates' lists, where an
//! older or replayed list never replaces a newer one.
//!
//! File format `gatehouse-revocations/2`: `{format, lists: [list…]}`, one list per own key
//! that is current or has revoked passes (current key first). A list is
//! `{issuerKeyId, number, issuedAtMs, entries, signature}`; the signature is Ed25519 with
//! the issuer key over `DOMAIN ‖ {format, issuerKeyId, number, issuedAtMs, entries}` (JSON,
//! keys sorted), so the number and the issue time are signed. Every entry is for a pass the
//! issuer key itself signed: a list can only revoke its own key's passes, and an entry for
//! any other key makes the importer refuse the whole file (`RevocationEntryForeign`).
//!
//! The number. It is per issuing key and must grow across every list this gate ever sent,
//! even after the database is restored from an older backup (which rolls back any counter
//! kept in it). `revocation_list_seen` remembers, per issuer key, the newest number this
//! gate has seen: accepted from another gate's key, or sent for one of its own keys (its own
//! lists are never imported, so the two never share a row). The next number is the larger of:
//! - every number in `revocation_list_seen`, own and other gates', + 1 (the persisted
//!   counter, which also keeps two lists made in the same millisecond apart);
//! - the issue time in milliseconds.
//!
//! The issue time is the floor a restore cannot roll back: a list sent before the restore
//! carries a number at most its own issue time plus the lists made in the same millisecond,
//! so a list made later is above it. Other gates' numbers are issue times too, which lifts
//! the floor when this PC's clock is behind theirs. What could still roll it back is this
//! PC's clock set back after a restore: the status bar flags a clock that went backwards
//! (`clock_trust`) and the supervisor fixes the clock before exporting.
//! A state file beside the key file was the other choice; it was not taken because a
//! restore on a new PC (with the recovery key) has no such file, while it has a clock. No
//! migration: the issue time lives in the signed list and in the import's audit event.
//!
//! The first format (`gatehouse-revocations/1`: numbered by its entry count, undated, with
//! entries for any key) is refused with a message asking the issuing gate to export again;
//! importing it could lock out that gate's newer lists or accept foreign entries.
//! Called by: the shell, the CLI.

use ed25519_dalek::{Signature, Signer, Verifier};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use super::keys;
use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::db::{Db, Tx};
use crate::error::{Error, ErrorCode, Result};
use crate::guards;

const FORMAT: &str = "gatehouse-revocations/2";
const OLD_FORMAT: &str = "gatehouse-revocations/1";
const DOMAIN: &[u8] = b"gatehouse/revocations/v2\0";

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

/// One key's signed list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevocationList {
    #[ts(type = "number")]
    pub issuer_key_id: u32,
    /// Grows with every list this key signs, across restores (see the module header).
    #[ts(type = "number")]
    pub number: i64,
    /// When the list was signed (UTC ms).
    #[ts(type = "number")]
    pub issued_at_ms: i64,
    /// Revoked passes signed by `issuer_key_id`, and by no other key.
    pub entries: Vec<RevokedEntry>,
    pub signature: String,
}

/// The file one gate hands another: a list per own key, the current key's first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevocationFile {
    pub format: String,
    pub lists: Vec<RevocationList>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RevocationImport {
    /// The number of the first list imported (the issuing gate's current key).
    #[ts(type = "number")]
    pub number: i64,
    /// When that list was signed.
    #[ts(type = "number")]
    pub issued_at_ms: i64,
    /// Entries in every list imported.
    #[ts(type = "number")]
    pub entries: i64,
    /// Lists imported.
    #[ts(type = "number")]
    pub lists: i64,
    /// Lists left out: signed by a key not imported here (its passes are refused anyway) or
    /// distrusted here.
    #[ts(type = "number")]
    pub skipped: i64,
}

fn signed_bytes(list: &RevocationList) -> Vec<u8> {
    let body = json!({
        "format": FORMAT,
        "issuerKeyId": list.issuer_key_id,
        "number": list.number,
        "issuedAtMs": list.issued_at_ms,
        "entries": list.entries,
    });
    [DOMAIN, body.to_string().as_bytes()].concat()
}

/// The next list number for `key_id` (see the module header), remembered as seen.
fn next_number(tx: &Tx<'_>, key_id: u32) -> Result<i64> {
    let seen: i64 = tx.query_row("SELECT coalesce(max(list_number), 0) FROM revocation_list_seen", [], |r| r.get(0))?;
    let number = (seen + 1).max(tx.now_ms());
    tx.execute(
        "INSERT INTO revocation_list_seen (issuer_key_id, list_number, imported_at_ms) VALUES (?1, ?2, ?3)
         ON CONFLICT(issuer_key_id) DO UPDATE SET list_number = excluded.list_number, imported_at_ms = excluded.imported_at_ms",
        rusqlite::params![key_id, number, tx.now_ms()],
    )?;
    Ok(number)
}

/// This site's revocations as signed lists (supervisor).
pub fn export(db: &Db, actor: &Actor) -> Result<RevocationFile> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let (current, _) = keys::current_signing_key(tx, actor)?;
        // Own keys still trusted: the current one, and older ones with revoked passes. A
        // distrusted key signs nothing, and every pass it signed is refused anyway.
        let key_ids: Vec<u32> = tx
            .prepare(
                "SELECT k.key_id FROM pass_key k WHERE k.secret_key IS NOT NULL AND k.distrusted_at_ms IS NULL
                   AND (k.key_id = ?1 OR EXISTS (SELECT 1 FROM pass p WHERE p.key_id = k.key_id AND p.revoked_at_ms IS NOT NULL))
                 ORDER BY k.key_id = ?1 DESC, k.created_at_ms DESC",
            )?
            .query_map([current], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut lists = Vec::new();
        for key_id in key_ids {
            let key = keys::signing_key_by_id(tx, key_id)?.ok_or_else(|| Error::tampered("a pass signing key is damaged"))?;
            let entries: Vec<RevokedEntry> = tx
                .prepare(
                    "SELECT key_id, serial, revoke_reason, revoked_at_ms FROM pass WHERE key_id = ?1 AND revoked_at_ms IS NOT NULL ORDER BY revoked_at_ms, id",
                )?
                .query_map([key_id], |r| Ok(RevokedEntry { key_id: r.get(0)?, serial: r.get(1)?, reason: r.get(2)?, revoked_at_ms: r.get(3)? }))?
                .collect::<rusqlite::Result<_>>()?;
            let mut list =
                RevocationList { issuer_key_id: key_id, number: next_number(tx, key_id)?, issued_at_ms: tx.now_ms(), entries, signature: String::new() };
            list.signature = hex::encode(key.sign(&signed_bytes(&list)).to_bytes());
            lists.push(list);
        }
        let numbers: Vec<_> = lists.iter().map(|l| json!({ "key": l.issuer_key_id, "number": l.number, "entries": l.entries.len() })).collect();
        audit::append(tx, Event::new("revocation_list_exported", Some(actor)).detail(json!({ "lists": numbers, "issuedAtMs": tx.now_ms() })))?;
        Ok(RevocationFile { format: FORMAT.into(), lists })
    })
}

/// Imports another gate's signed lists (supervisor). All or nothing: a list that is forged,
/// older than or the same as one already imported, or revokes another key's passes refuses
/// the whole file. Lists from keys not imported here are skipped; if none is known, the
/// file is refused (import that gate's key first).
pub fn import(db: &Db, actor: &Actor, text: &str) -> Result<RevocationImport> {
    let bad = |message: &str| Error::invalid("revocation_file", ErrorCode::RevocationListInvalid, message.to_string());
    let value: serde_json::Value = serde_json::from_str(text).map_err(|_| bad("this is not a Gatehouse revocation list"))?;
    if value.get("format").and_then(|f| f.as_str()) == Some(OLD_FORMAT) {
        return Err(Error::invalid(
            "revocation_file",
            ErrorCode::RevocationListOutdated,
            "this revocation list was made by an older Gatehouse version and carries no issue time: ask the issuing gate to export its list again",
        ));
    }
    let file: RevocationFile = serde_json::from_value(value).map_err(|_| bad("this is not a Gatehouse revocation list"))?;
    if file.format != FORMAT || file.lists.is_empty() {
        return Err(bad("this is not a Gatehouse revocation list"));
    }
    let mut signatures = Vec::new();
    for list in &file.lists {
        signatures.push(hex::decode(&list.signature).ok().and_then(|b| Signature::from_slice(&b).ok()).ok_or_else(|| bad("the list's signature is damaged"))?);
        if let Some(foreign) = list.entries.iter().find(|e| e.key_id != list.issuer_key_id) {
            return Err(Error::invalid(
                "revocation_file",
                ErrorCode::RevocationEntryForeign,
                format!(
                    "the list of key #{} revokes a pass of key #{}: a gate can only revoke its own passes; nothing was imported",
                    list.issuer_key_id, foreign.key_id
                ),
            )
            .with_param("key", foreign.key_id));
        }
    }
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let mut accepted = Vec::new();
        let (mut unknown, mut distrusted) = (0, 0);
        for (list, signature) in file.lists.iter().zip(&signatures) {
            let Some(key) = keys::key_state(tx, list.issuer_key_id)? else {
                unknown += 1;
                continue;
            };
            if key.key.verify(&signed_bytes(list), signature).is_err() {
                return Err(bad("the list's signature does not match: it was changed or forged"));
            }
            if keys::signing_key_by_id(tx, list.issuer_key_id)?.is_some() {
                return Err(Error::invalid("revocation_file", ErrorCode::RevocationListOwn, "this is this site's own list: there is nothing to import"));
            }
            if key.distrusted {
                distrusted += 1;
                continue;
            }
            let seen: Option<i64> =
                tx.query_row("SELECT list_number FROM revocation_list_seen WHERE issuer_key_id = ?1", [list.issuer_key_id], |r| r.get(0)).optional()?;
            if let Some(seen) = seen.filter(|seen| list.number <= *seen) {
                return Err(Error::new(ErrorCode::RevocationListOld, "this list is not newer than the one already imported: import the gate's latest list")
                    .on_field("revocation_file")
                    .with_param("number", list.number)
                    .with_param("seen", seen));
            }
            accepted.push(list);
        }
        if accepted.is_empty() {
            return Err(if distrusted > 0 {
                Error::invalid("revocation_file", ErrorCode::KeyDistrusted, "the list is signed by a key distrusted here: it cannot be trusted")
            } else {
                bad("the list comes from a gate whose public key is not imported: import its key first")
            });
        }
        for list in &accepted {
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
        }
        let entries: usize = accepted.iter().map(|l| l.entries.len()).sum();
        let detail: Vec<_> = accepted
            .iter()
            .map(|l| json!({ "issuer": l.issuer_key_id, "number": l.number, "issuedAtMs": l.issued_at_ms, "entries": l.entries.len() }))
            .collect();
        audit::append(tx, Event::new("revocation_list_imported", Some(actor)).detail(json!({ "lists": detail, "skipped": unknown + distrusted })))?;
        Ok(RevocationImport {
            number: accepted[0].number,
            issued_at_ms: accepted[0].issued_at_ms,
            entries: entries as i64,
            lists: accepted.len() as i64,
            skipped: (unknown + distrusted) as i64,
        })
    })
}
