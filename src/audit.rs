//! The audit hash chain: every change appends an event in the same transaction, and
//! `verify` proves that neither the chain nor the records were changed behind its back.
//!
//! Each event's body is canonical JSON (keys sorted) with the action, the actor, the
//! instant, a detail object and, for a record change, the record's snapshot after the
//! change. `hash = SHA-256(DOMAIN ‖ 0x00 ‖ seq as u64 BE ‖ body ‖ prev_hash)`.
//! Personal data never enters a snapshot: records keep it beside a salted commitment
//! (see `pii`), and the snapshot holds only the commitment, so a retention purge that
//! deletes the data and the salt leaves the chain verifiable. Nor does a secret: a guard's
//! PIN hash is bound to the snapshot through its SHA-256 (`blob_digests`, see `guards`).
//!
//! Owns: `audit_event`, `append`, `record_change`,
//! `verify`, `head`, and the one-time re-snapshots after a migration changed a snapshot's
//! shape (`resnapshot_once`, `commit_personal_data_once`). Must not: decide what is allowed.
//! What each table's snapshot is comes from `catalogue`; `verify` checks every table in
//! `catalogue::ALL`. Called by: every module that writes; `Db::open`.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::actor::Actor;
use crate::catalogue::{self, Table};
use crate::clock::Clock;
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::pii;

const DOMAIN: &[u8] = b"gatehouse/audit/v1";
const GENESIS: [u8; 32] = [0; 32];

/// Row `id` of `table` as its snapshot.
fn snapshot_of(conn: &Connection, table: &Table, id: i64) -> Result<Value> {
    let sql = format!("SELECT {} FROM {} WHERE id = ?1", table.columns.join(", "), table.table);
    Ok(conn.query_row(&sql, [id], |row| row_to_json(row, table.columns))?)
}

fn row_to_json(row: &rusqlite::Row<'_>, columns: &[&str]) -> rusqlite::Result<Value> {
    let mut map = Map::new();
    for (i, name) in columns.iter().enumerate() {
        let value = match row.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(n) => json!(n),
            ValueRef::Real(x) => json!(x),
            ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::String(hex::encode(b)),
        };
        map.insert((*name).to_string(), value);
    }
    Ok(Value::Object(map))
}

/// What happened, for `append`.
pub struct Event<'a> {
    pub action: &'static str,
    pub actor: Option<&'a Actor>,
    /// Facts about the event that are not a record's state (e.g. which guard failed a PIN).
    pub detail: Value,
}

impl<'a> Event<'a> {
    pub fn new(action: &'static str, actor: Option<&'a Actor>) -> Self {
        Event { action, actor, detail: Value::Object(Map::new()) }
    }

    pub fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
}

/// Appends a record change: the row `id` of `audited` (its catalogue entry) as it is now, inside `tx`.
pub fn record_change(tx: &Tx<'_>, audited: &Table, id: i64, event: Event<'_>) -> Result<i64> {
    record_change_at(tx, tx.now_ms(), audited, id, event)
}

/// `record_change` for a one-time fix-up that runs in `Db::open` after the migrations, in
/// its own `BEGIN IMMEDIATE` transaction on `conn`, before a `Db` (and so a `Tx`) exists.
pub(crate) fn record_change_at(conn: &Connection, now_ms: i64, audited: &Table, id: i64, event: Event<'_>) -> Result<i64> {
    let snapshot = snapshot_of(conn, audited, id)?;
    let uid = snapshot.get("uid").and_then(Value::as_str).map(str::to_owned);
    append_raw(conn, now_ms, event, Some((audited.entity, uid, snapshot)))
}

/// Appends an event that changes no record (a failed login, a lock, …).
pub fn append(tx: &Tx<'_>, event: Event<'_>) -> Result<i64> {
    append_raw(tx, tx.now_ms(), event, None)
}

/// True when row `id` of `table`, read as a snapshot of `columns`, equals the snapshot in the
/// latest event of `entity` about it (same rule as `verify`: a key missing on either side is
/// NULL). A fix-up that re-snapshots records after a migration changed their snapshot
/// columns asks this first, with the columns of before the change: re-snapshotting a row
/// that was changed behind the chain's back would launder the change.
pub(crate) fn matches_last_event(conn: &Connection, entity: &str, table: &str, columns: &[&str], id: i64) -> Result<bool> {
    let sql = format!("SELECT {} FROM {table} WHERE id = ?1", columns.join(", "));
    let actual = conn.query_row(&sql, [id], |row| row_to_json(row, columns))?;
    let uid = actual["uid"].as_str().unwrap_or_default().to_owned();
    let body: Option<String> = conn
        .query_row("SELECT body FROM audit_event WHERE entity = ?1 AND entity_uid = ?2 ORDER BY seq DESC LIMIT 1", [entity, uid.as_str()], |r| r.get(0))
        .optional()?;
    let Some(body) = body else { return Ok(false) };
    let Ok(body) = serde_json::from_str::<Value>(&body) else { return Ok(false) };
    Ok(first_difference(&body["snapshot"], &actual).is_none())
}

/// A one-time re-snapshot after a migration changed what `audited`'s snapshot holds (run by
/// `Db::open` after the migrations; one query when nothing is pending). Each row that the SQL
/// condition `pending` selects is first compared with its latest event under
/// `columns_before`, the snapshot columns of before the migration: only a row that still
/// matches gets `fill` (which writes the new columns) and one `action` event with the new
/// snapshot. A row changed behind the app before the upgrade is left alone, so `verify` keeps
/// reporting it: a fresh snapshot would launder the change. All rows in one `BEGIN IMMEDIATE`
/// transaction.
pub(crate) fn resnapshot_once(
    conn: &mut Connection,
    now_ms: i64,
    audited: &Table,
    columns_before: &[&str],
    pending: &str,
    (action, reason): (&'static str, &str),
    mut fill: impl FnMut(&Connection, i64) -> Result<()>,
) -> Result<()> {
    let table = audited.table;
    let any: bool = conn.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE {pending})"), [], |r| r.get(0))?;
    if !any {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let ids: Vec<i64> =
        tx.prepare(&format!("SELECT id FROM {table} WHERE {pending} ORDER BY id"))?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    for id in ids {
        if !matches_last_event(&tx, audited.entity, table, columns_before, id)? {
            continue;
        }
        fill(&tx, id)?;
        record_change_at(&tx, now_ms, audited, id, Event::new(action, None).detail(json!({ "reason": reason })))?;
    }
    tx.commit()?;
    Ok(())
}

/// Once per database written before `audited`'s personal columns went under a commitment:
/// gives each row not yet committed (`pii_commitment IS NULL`) a fresh salt and the
/// commitment to its personal data, and records the new snapshot (`resnapshot_once`, with
/// the snapshot columns of before). The events written before keep the data in clear: a
/// hash chain cannot be rewritten (see migrations/0015).
pub(crate) fn commit_personal_data_once(conn: &mut Connection, clock: &Clock, audited: &Table, columns_before: &[&str], action: &'static str) -> Result<()> {
    let reason = "personal data is kept beside a salted commitment, and the snapshot holds only the commitment";
    resnapshot_once(conn, clock.now_ms(), audited, columns_before, "pii_commitment IS NULL", (action, reason), |tx, id| {
        let salt = pii::new_salt();
        let commitment = commitment_of_row(tx, audited, id, &salt)?;
        tx.execute(&format!("UPDATE {} SET pii_salt = ?2, pii_commitment = ?3 WHERE id = ?1", audited.table), rusqlite::params![id, salt, commitment])?;
        Ok(())
    })
}

/// The commitment to row `id`'s personal columns under `salt`, as `verify` tests it.
fn commitment_of_row(conn: &Connection, audited: &Table, id: i64, salt: &[u8]) -> Result<String> {
    let sql = format!("SELECT {} FROM {} WHERE id = ?1", audited.pii_columns.join(", "), audited.table);
    let values = conn.query_row(&sql, [id], |row| pii_values(row, 0, audited.pii_columns.len()))?;
    Ok(commit_values(audited, salt, &values))
}

/// `count` personal columns of `row` from column `base` on, as the commitment sees them.
fn pii_values(row: &rusqlite::Row<'_>, base: usize, count: usize) -> rusqlite::Result<Vec<Option<String>>> {
    (0..count).map(|i| row.get_ref(base + i).map(pii::value_text)).collect()
}

fn commit_values(audited: &Table, salt: &[u8], values: &[Option<String>]) -> String {
    let fields: Vec<(&str, Option<&str>)> = audited.pii_columns.iter().copied().zip(values.iter().map(|v| v.as_deref())).collect();
    pii::commitment(salt, &fields)
}

fn append_raw(tx: &Connection, now_ms: i64, event: Event<'_>, record: Option<(&str, Option<String>, Value)>) -> Result<i64> {
    let (prev_seq, prev_hash) = head_of(tx)?;
    let seq = prev_seq + 1;
    let uid = uuid::Uuid::now_v7().to_string();
    let (entity, entity_uid, snapshot) = match record {
        Some((entity, uid, snapshot)) => (Some(entity), uid, snapshot),
        None => (None, None, Value::Null),
    };
    let body = json!({
        "action": event.action,
        "actor": event.actor.map(|a| a.guard_uid.clone()),
        "at": now_ms,
        "detail": event.detail,
        "entity": entity,
        "entity_uid": entity_uid,
        "snapshot": snapshot,
        "uid": uid,
    })
    .to_string();
    let hash = chain_hash(seq, &body, &prev_hash);
    tx.execute(
        "INSERT INTO audit_event (seq, uid, at_ms, action, entity, entity_uid, body, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![seq, uid, now_ms, event.action, entity, entity_uid, body, prev_hash.to_vec(), hash.to_vec()],
    )?;
    Ok(seq)
}

fn chain_hash(seq: i64, body: &str, prev_hash: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    hasher.update([0u8]);
    hasher.update((seq as u64).to_be_bytes());
    hasher.update(body.as_bytes());
    hasher.update(prev_hash);
    hasher.finalize().into()
}

fn head_of(conn: &Connection) -> Result<(i64, Vec<u8>)> {
    let head = conn.query_row("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    Ok(head.unwrap_or((0, GENESIS.to_vec())))
}

/// The chain's head: how many events and the fingerprint of the last one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash_hex: String,
}

impl Head {
    /// The short fingerprint printed on paper (handover slips): the first 16 hex digits.
    pub fn short(&self) -> &str {
        &self.hash_hex[..16.min(self.hash_hex.len())]
    }
}

pub fn head(conn: &Connection) -> Result<Head> {
    let (seq, hash) = head_of(conn)?;
    Ok(Head { seq, hash_hex: hex::encode(hash) })
}

/// What `verify` found wrong first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The bad record, e.g. "audit event #12" or "visit 0191… (id 3)".
    pub record: String,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.record, self.reason)
    }
}

/// A sound database: how much was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub events: i64,
    pub records: i64,
    pub head: Head,
}

/// Walks the whole chain, then compares every audited record with its last event.
/// Returns the first problem found, or a report of what was checked.
pub fn verify(conn: &Connection) -> Result<Result<Report, Problem>> {
    if let Err(problem) = verify_chain(conn)? {
        return Ok(Err(problem));
    }
    let mut records = 0;
    for audited in catalogue::ALL {
        match verify_records(conn, audited)? {
            Ok(count) => records += count,
            Err(problem) => return Ok(Err(problem)),
        }
    }
    let head = head(conn)?;
    Ok(Ok(Report { events: head.seq, records, head }))
}

fn verify_chain(conn: &Connection) -> Result<Result<(), Problem>> {
    let mut stmt = conn.prepare("SELECT seq, at_ms, action, entity, entity_uid, body, prev_hash, hash FROM audit_event ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1_i64;
    let mut prev_hash = GENESIS.to_vec();
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let record = format!("audit event #{seq}");
        let bad = |reason: String| Ok(Err(Problem { record: record.clone(), reason }));
        if seq != expected_seq {
            return Ok(Err(Problem { record: format!("audit event #{expected_seq}"), reason: format!("missing: the chain jumps to #{seq}") }));
        }
        let body: String = row.get(5)?;
        let stored_prev: Vec<u8> = row.get(6)?;
        let stored_hash: Vec<u8> = row.get(7)?;
        if stored_prev != prev_hash {
            return bad("does not link to the event before it".into());
        }
        if chain_hash(seq, &body, &prev_hash).as_slice() != stored_hash.as_slice() {
            return bad("its content does not match its hash".into());
        }
        let parsed: Value = match serde_json::from_str(&body) {
            Ok(v) => v,
            Err(_) => return bad("its body is not valid JSON".into()),
        };
        let at: i64 = row.get(1)?;
        let action: String = row.get(2)?;
        let entity: Option<String> = row.get(3)?;
        let entity_uid: Option<String> = row.get(4)?;
        if parsed["at"] != json!(at) || parsed["action"] != json!(action) || parsed["entity"] != json!(entity) || parsed["entity_uid"] != json!(entity_uid) {
            return bad("its columns do not match its hashed body".into());
        }
        prev_hash = stored_hash;
        expected_seq += 1;
    }
    Ok(Ok(()))
}

/// Compares each row of `audited` with the snapshot in its latest event, checks the personal
/// data commitment where the data is still held, and finds records deleted behind the chain.
fn verify_records(conn: &Connection, audited: &Table) -> Result<Result<i64, Problem>> {
    let mut last_snapshots: std::collections::HashMap<String, (i64, Value)> = std::collections::HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT entity_uid, seq, body FROM audit_event
             WHERE entity = ?1 AND seq IN (SELECT max(seq) FROM audit_event WHERE entity = ?1 GROUP BY entity_uid)",
        )?;
        let mut rows = stmt.query([audited.entity])?;
        while let Some(row) = rows.next()? {
            let uid: String = row.get(0)?;
            let seq: i64 = row.get(1)?;
            let body: String = row.get(2)?;
            let body: Value = serde_json::from_str(&body).map_err(|e| Error::tampered(format!("audit event #{seq}: {e}")))?;
            last_snapshots.insert(uid, (seq, body["snapshot"].clone()));
        }
    }

    let mut columns: Vec<&str> = audited.columns.to_vec();
    columns.extend(audited.pii_columns);
    if !audited.pii_columns.is_empty() {
        columns.push("pii_salt");
    }
    let digests_at = columns.len();
    columns.extend(audited.blob_digests.iter().map(|(blob, _)| *blob));
    let sql = format!("SELECT {} FROM {} ORDER BY id", columns.join(", "), audited.table);
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut count = 0;
    while let Some(row) = rows.next()? {
        count += 1;
        let snapshot = row_to_json(row, audited.columns)?;
        let id = snapshot["id"].as_i64().unwrap_or_default();
        let uid = snapshot["uid"].as_str().unwrap_or_default().to_owned();
        let record = format!("{} {} (id {})", audited.entity, uid, id);
        let Some((seq, expected)) = last_snapshots.remove(&uid) else {
            return Ok(Err(Problem { record, reason: "has no audit event: it was written outside Gatehouse".into() }));
        };
        if let Some(field) = first_difference(&expected, &snapshot) {
            return Ok(Err(Problem { record, reason: format!("field `{field}` differs from audit event #{seq}: the row was changed outside Gatehouse") }));
        }
        if !audited.pii_columns.is_empty() {
            let base = audited.columns.len();
            let salt: Option<Vec<u8>> = row.get(base + audited.pii_columns.len())?;
            if let Some(salt) = salt {
                let values = pii_values(row, base, audited.pii_columns.len())?;
                let commitment = commit_values(audited, &salt, &values);
                if snapshot["pii_commitment"] != json!(commitment) {
                    return Ok(Err(Problem { record, reason: "its personal data (name or ID number) was changed outside Gatehouse".into() }));
                }
            }
        }
        for (i, (blob, digest_column)) in audited.blob_digests.iter().enumerate() {
            // A blob (an image) or text (a PIN hash) is digested as its bytes; NULL as none.
            let bytes: &[u8] = match row.get_ref(digests_at + i)? {
                ValueRef::Blob(b) | ValueRef::Text(b) => b,
                _ => &[],
            };
            if snapshot[*digest_column] != json!(hex::encode(Sha256::digest(bytes))) {
                return Ok(Err(Problem { record, reason: format!("`{blob}` does not match its SHA-256: it was changed outside Gatehouse") }));
            }
        }
    }
    finish_records(audited, last_snapshots, count)
}

/// Records that the chain saw but the table no longer has.
fn finish_records(audited: &Table, last_snapshots: std::collections::HashMap<String, (i64, Value)>, count: i64) -> Result<Result<i64, Problem>> {
    if let Some((uid, (seq, _))) = last_snapshots.into_iter().min_by_key(|(_, (seq, _))| *seq) {
        return Ok(Err(Problem {
            record: format!("{} {}", audited.entity, uid),
            reason: format!("is missing: audit event #{seq} recorded it, but the row was deleted"),
        }));
    }
    Ok(Ok(count))
}

/// The first field whose value differs. A key missing from the event counts as NULL: a
/// column added by a later migration is NULL in the rows written before it.
fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    let (Some(expected), Some(actual)) = (expected.as_object(), actual.as_object()) else {
        return Some("snapshot".into());
    };
    let mut keys: Vec<&String> = expected.keys().chain(actual.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().find(|k| expected.get(*k).unwrap_or(&Value::Null) != actual.get(*k).unwrap_or(&Value::Null)).cloned()
}

/// A point of the chain recorded outside the database (a checkpoint file, the fingerprint
/// printed on a handover slip): event `seq` had a hash starting with `hash_prefix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub seq: i64,
    pub hash_prefix: String,
}

impl Anchor {
    /// Parses `SEQ:HEX` (as printed: `#1234 1acb77d0b0437b5b` also works).
    pub fn parse(text: &str) -> Option<Anchor> {
        let text = text.trim().trim_start_matches('#');
        let (seq, hash) = text.split_once([':', ' '])?;
        let hash_prefix = hash.trim().to_lowercase();
        (hash_prefix.len() >= 8 && hash_prefix.chars().all(|c| c.is_ascii_hexdigit())).then_some(Anchor { seq: seq.trim().parse().ok()?, hash_prefix })
    }
}

/// Checks that the chain still holds `anchor`. A truncated chain (the event is gone) or a
/// rewritten one (same seq, other hash) fails here even when it is internally consistent.
pub fn check_anchor(conn: &Connection, anchor: &Anchor) -> Result<Result<(), Problem>> {
    let hash: Option<Vec<u8>> = conn.query_row("SELECT hash FROM audit_event WHERE seq = ?1", [anchor.seq], |r| r.get(0)).optional()?;
    let record = format!("audit event #{}", anchor.seq);
    Ok(match hash {
        None => Err(Problem { record, reason: "is missing: the chain was cut back behind a recorded checkpoint".into() }),
        Some(hash) if !hex::encode(&hash).starts_with(&anchor.hash_prefix) => {
            Err(Problem { record, reason: format!("has another hash than recorded ({}…): the chain was rewritten", anchor.hash_prefix) })
        }
        Some(_) => Ok(()),
    })
}
