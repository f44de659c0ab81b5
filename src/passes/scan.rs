//! The gate's answer to a scanned pass, and the log of every scan.
//!
//! Checks in this order, so the reason shown is the most useful one: malformed, unknown key,
//! forged (bad signature), key misused (a good signature on a pass no gate issues: valid for
//! longer than the cap, or by a retired key with a `valid_from` after its retirement, unless
//! it is a pass this database issued before the retirement), key distrusted (停用), revoked,
//! not yet valid, expired, outside the daily window, wrong gate, uses exhausted, already
//! inside (anti-passback: an `in` after an accepted `in`), and last the clock: a pass that
//! passed every check is still refused on the way in while the PC's clock is behind the times
//! already recorded (`clock_trust`), since "not expired" means nothing then. Leaving is not
//! held up by a wrong clock. The forgeries come before the
//! distrusted key because they tell the guard more: keep the holder and report.
//! Every scan, accepted or refused, is one sealed `pass_scan` row and an audit event, in the
//! same transaction as the decision. A supervisor can let a refused holder in (PIN and
//! reason), logged as its own scan row. The holder hint (the name the code carries) is
//! personal data: the row keeps it beside a salted commitment, the snapshot holds only the
//! commitment, and `retention` purges hint and salt once the scan and its pass are past the
//! period; the row itself stays (sealed but for that purge, see migrations/0015).
//! Called by: the shell, the CLI, `make bench`.

use base64::Engine;
use chrono::Timelike;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use super::code::{self, DecodeError};
use super::{keys, PassKind};
use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::db::{Db, Tx};
use crate::error::{Error, ErrorCode, Result};
use crate::guards::{self, SupervisorOverride};
use crate::pii;

/// The snapshot columns before schema 15, when the holder hint was in the snapshot in clear,
/// for `audit::commit_personal_data_once`.
pub(crate) const SNAPSHOT_COLUMNS_BEFORE_0015: &[&str] = &[
    "id",
    "uid",
    "key_id",
    "serial",
    "outcome",
    "accepted",
    "direction",
    "gate_number",
    "guard_id",
    "scanned_at_ms",
    "holder_hint",
    "override_by",
    "override_reason",
];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    In,
    Out,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Valid,
    Expired,
    NotYetValid,
    OutsideWindow,
    WrongGate,
    Revoked,
    Forged,
    /// Signed by a key this gate distrusts (签发密钥已停用).
    KeyDistrusted,
    /// A good signature on a pass no gate issues: a retired key's, valid from after its
    /// retirement, or valid for longer than the cap. Someone holds the secret key.
    KeyMisused,
    UnknownKey,
    Malformed,
    AlreadyInside,
    UsesExhausted,
    /// Otherwise valid, scanned in while the PC's clock reads earlier than times already
    /// recorded: expiry cannot be judged, so only a supervisor lets the holder in.
    ClockBehind,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Valid => "valid",
            Outcome::Expired => "expired",
            Outcome::NotYetValid => "not_yet_valid",
            Outcome::OutsideWindow => "outside_window",
            Outcome::WrongGate => "wrong_gate",
            Outcome::Revoked => "revoked",
            Outcome::Forged => "forged",
            Outcome::KeyDistrusted => "key_distrusted",
            Outcome::KeyMisused => "key_misused",
            Outcome::UnknownKey => "unknown_key",
            Outcome::Malformed => "malformed",
            Outcome::AlreadyInside => "already_inside",
            Outcome::UsesExhausted => "uses_exhausted",
            Outcome::ClockBehind => "clock_behind",
        }
    }
}

/// The full-screen answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScanResult {
    #[ts(type = "number")]
    pub scan_id: i64,
    pub outcome: Outcome,
    pub accepted: bool,
    pub direction: Direction,
    /// The holder's name from this database, else the hint carried in the code.
    pub holder_name: String,
    pub department: String,
    pub kind: Option<PassKind>,
    /// `data:image/jpeg;base64,…` for the face check, when this database has the photo.
    pub photo_data_url: String,
    #[ts(type = "number | null")]
    pub serial: Option<u32>,
    #[ts(type = "number | null")]
    pub valid_to_ms: Option<i64>,
    pub revoke_reason: String,
    #[ts(type = "number")]
    pub scanned_at_ms: i64,
}

/// A refused scan's decision, for the log.
struct Decision {
    outcome: Outcome,
    payload: Option<code::Payload>,
}

/// A pass this database issued, as a scan shows it.
struct LocalHolder {
    name: String,
    department: String,
    photo: Option<Vec<u8>>,
    revoked_at_ms: Option<i64>,
    revoke_reason: String,
}

fn local_holder(conn: &Connection, key_id: u32, serial: u32) -> Result<Option<LocalHolder>> {
    Ok(conn
        .query_row(
            "SELECT coalesce(holder_name, ''), department, photo, revoked_at_ms, coalesce(revoke_reason, '') FROM pass WHERE key_id = ?1 AND serial = ?2",
            rusqlite::params![key_id, serial],
            |r| Ok(LocalHolder { name: r.get(0)?, department: r.get(1)?, photo: r.get(2)?, revoked_at_ms: r.get(3)?, revoke_reason: r.get(4)? }),
        )
        .optional()?)
}

fn decide(conn: &Connection, db: &Db, input: &str, direction: Direction, now_ms: i64, gate: u16) -> Result<Decision> {
    let decoded = match code::decode(input) {
        Ok(decoded) => decoded,
        Err(DecodeError::Malformed | DecodeError::UnknownVersion) => return Ok(Decision { outcome: Outcome::Malformed, payload: None }),
    };
    let p = decoded.payload.clone();
    let refuse = |outcome| Ok(Decision { outcome, payload: Some(p.clone()) });
    let Some(key) = keys::key_state(conn, p.key_id)? else {
        return refuse(Outcome::UnknownKey);
    };
    if !decoded.signed_by(&key.key) {
        return refuse(Outcome::Forged);
    }
    if p.valid_to_ms - p.valid_from_ms > super::MAX_VALIDITY_MS {
        return refuse(Outcome::KeyMisused);
    }
    if let Some(retired_at_ms) = key.retired_at_ms.filter(|retired| p.valid_from_ms > *retired) {
        // A pass issued here before the rotation may start after it (issued in advance):
        // that one is in this database, digit for digit.
        let issued_before: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM pass WHERE key_id = ?1 AND serial = ?2 AND code = ?3 AND issued_at_ms <= ?4)",
            rusqlite::params![p.key_id, p.serial, code::normalise(input), retired_at_ms],
            |r| r.get(0),
        )?;
        if !issued_before {
            return refuse(Outcome::KeyMisused);
        }
    }
    if key.distrusted {
        return refuse(Outcome::KeyDistrusted);
    }
    let revoked_here = local_holder(conn, p.key_id, p.serial)?.is_some_and(|h| h.revoked_at_ms.is_some());
    let revoked_elsewhere: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM imported_revocation WHERE key_id = ?1 AND serial = ?2)", rusqlite::params![p.key_id, p.serial], |r| {
            r.get(0)
        })?;
    if revoked_here || revoked_elsewhere {
        return refuse(Outcome::Revoked);
    }
    if let Some(outside) = outside_validity(p.valid_from_ms, p.valid_to_ms, now_ms) {
        return refuse(outside);
    }
    if let Some((start, end)) = p.window {
        let local = db.clock().local(now_ms);
        let minute = (local.hour() * 60 + local.minute()) as u16;
        // A window may run over midnight (22:00-06:00).
        let inside = if start < end { minute >= start && minute < end } else { minute >= start || minute < end };
        if !inside {
            return refuse(Outcome::OutsideWindow);
        }
    }
    if p.gates != 0 && p.gates & (1 << (gate - 1)) == 0 {
        return refuse(Outcome::WrongGate);
    }
    if direction == Direction::In {
        if p.max_uses > 0 {
            let uses: i64 = conn.query_row(
                "SELECT count(*) FROM pass_scan WHERE key_id = ?1 AND serial = ?2 AND accepted = 1 AND direction = 'in'",
                rusqlite::params![p.key_id, p.serial],
                |r| r.get(0),
            )?;
            if uses_exhausted(p.max_uses, uses) {
                return refuse(Outcome::UsesExhausted);
            }
        }
        let last: Option<String> = conn
            .query_row(
                // The last scan by insertion order, not by time: a clock set back must not
                // make an earlier "in" look like the last one (anti-passback).
                "SELECT direction FROM pass_scan WHERE key_id = ?1 AND serial = ?2 AND accepted = 1 ORDER BY id DESC LIMIT 1",
                rusqlite::params![p.key_id, p.serial],
                |r| r.get(0),
            )
            .optional()?;
        if last.as_deref() == Some("in") {
            return refuse(Outcome::AlreadyInside);
        }
    }
    Ok(Decision { outcome: Outcome::Valid, payload: Some(p) })
}

/// `NotYetValid` or `Expired` when `now_ms` lies outside `[valid_from_ms, valid_to_ms)`: the
/// scan's rule, and the pass list's status (`PassStatus`).
pub(crate) fn outside_validity(valid_from_ms: i64, valid_to_ms: i64, now_ms: i64) -> Option<Outcome> {
    if now_ms < valid_from_ms {
        Some(Outcome::NotYetValid)
    } else if now_ms >= valid_to_ms {
        Some(Outcome::Expired)
    } else {
        None
    }
}

/// A pass limited to `max_uses` entries (0: no limit) that has had `uses` accepted ones.
pub(crate) fn uses_exhausted(max_uses: u16, uses: i64) -> bool {
    max_uses > 0 && uses >= i64::from(max_uses)
}

pub(crate) fn gate_number(conn: &Connection) -> Result<u16> {
    let gate: Option<i64> = conn.query_row("SELECT gate_number FROM site WHERE id = 1", [], |r| r.get(0)).optional()?.flatten();
    Ok(gate.unwrap_or(1).clamp(1, 16) as u16)
}

fn result_of(conn: &Connection, scan_id: i64) -> Result<ScanResult> {
    let (key_id, serial, outcome, accepted, direction, scanned_at_ms, hint): (Option<u32>, Option<u32>, String, bool, String, i64, Option<String>) = conn
        .query_row("SELECT key_id, serial, outcome, accepted, direction, scanned_at_ms, holder_hint FROM pass_scan WHERE id = ?1", [scan_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
        })?;
    let outcome: Outcome = serde_json::from_value(json!(outcome)).unwrap_or(Outcome::Malformed);
    let holder = match (key_id, serial) {
        (Some(k), Some(s)) => local_holder(conn, k, s)?,
        _ => None,
    };
    let (kind, valid_to_ms) = match (key_id, serial) {
        (Some(k), Some(s)) => conn
            .query_row("SELECT kind, valid_to_ms FROM pass WHERE key_id = ?1 AND serial = ?2", rusqlite::params![k, s], |r| {
                Ok((PassKind::parse(&r.get::<_, String>(0)?), Some(r.get::<_, i64>(1)?)))
            })
            .optional()?
            .unwrap_or((None, None)),
        _ => (None, None),
    };
    let (holder_name, department, photo, revoke_reason) = match holder {
        Some(h) => (h.name, h.department, h.photo, h.revoke_reason),
        None => (hint.unwrap_or_default(), String::new(), None, String::new()),
    };
    Ok(ScanResult {
        scan_id,
        outcome,
        accepted,
        direction: if direction == "out" { Direction::Out } else { Direction::In },
        holder_name,
        department,
        kind,
        photo_data_url: photo.map(|p| format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(p))).unwrap_or_default(),
        serial,
        valid_to_ms,
        revoke_reason,
        scanned_at_ms,
    })
}

/// One row of the scan log, as `insert` writes it.
struct NewScan {
    key_id: Option<u32>,
    serial: Option<u32>,
    outcome: Outcome,
    accepted: bool,
    direction: Direction,
    gate: u16,
    guard_id: i64,
    /// The name carried in the code: personal, so kept beside a salted commitment (the
    /// snapshot holds only the commitment) and purged with the salt after retention.
    holder_hint: Option<String>,
    /// The supervisor who let a refused holder in, and why.
    overridden: Option<(i64, String)>,
}

/// Writes one sealed scan row, stamped now, with its salt and commitment; returns its id.
fn insert(tx: &Tx<'_>, scan: &NewScan) -> Result<i64> {
    let salt = pii::new_salt();
    let commitment = pii::commitment(&salt, &[("holder_hint", scan.holder_hint.as_deref())]);
    tx.execute(
        "INSERT INTO pass_scan (uid, key_id, serial, outcome, accepted, direction, gate_number, guard_id, scanned_at_ms, holder_hint,
             pii_salt, pii_commitment, override_by, override_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        rusqlite::params![
            uuid::Uuid::now_v7().to_string(),
            scan.key_id,
            scan.serial,
            scan.outcome.as_str(),
            scan.accepted,
            scan.direction.as_str(),
            scan.gate,
            scan.guard_id,
            tx.now_ms(),
            scan.holder_hint,
            salt,
            commitment,
            scan.overridden.as_ref().map(|o| o.0),
            scan.overridden.as_ref().map(|o| o.1.as_str()),
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Checks a scanned code at this gate and logs the scan. Refusals are results, not errors.
pub fn scan(db: &Db, actor: &Actor, input: &str, direction: Direction) -> Result<ScanResult> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Guard)?;
        let now = tx.now_ms();
        let gate = gate_number(tx)?;
        let mut decision = decide(tx, db, input, direction, now, gate)?;
        if decision.outcome == Outcome::Valid && direction == Direction::In && crate::db::clock_behind_ms(tx, now)?.is_some() {
            decision.outcome = Outcome::ClockBehind;
        }
        let accepted = decision.outcome == Outcome::Valid;
        let p = decision.payload.as_ref();
        let id = insert(
            tx,
            &NewScan {
                key_id: p.map(|p| p.key_id),
                serial: p.map(|p| p.serial),
                outcome: decision.outcome,
                accepted,
                direction,
                gate,
                guard_id: actor.guard_id,
                holder_hint: p.map(|p| p.name_hint.clone()),
                overridden: None,
            },
        )?;
        audit::record_change(tx, &catalogue::PASS_SCAN, id, Event::new(if accepted { "pass_accepted" } else { "pass_refused" }, Some(actor)))?;
        result_of(tx, id)
    })
}

/// The digits of the first QR code in a camera frame (JPEG or PNG), decoded with rqrr;
/// `None` when the frame holds no readable code (the guard holds the card up again).
pub fn decode_frame(bytes: &[u8]) -> Result<Option<String>> {
    let frame = image::load_from_memory(bytes).map_err(|_| Error::invalid("camera", ErrorCode::PhotoInvalid, "the camera picture cannot be read"))?.to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(frame);
    Ok(prepared.detect_grids().iter().find_map(|grid| grid.decode().ok()).map(|(_, content)| content))
}

/// A check without a log entry (the CLI's `pass verify`, scripted checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub outcome: Outcome,
    /// The name hint carried in the code (empty when unreadable).
    pub holder_hint: String,
}

/// Decides as `scan` would, at `gate` (default: this database's) and `at_ms` (default:
/// now), and records nothing.
pub fn check(db: &Db, input: &str, direction: Direction, gate: Option<u16>, at_ms: Option<i64>) -> Result<Check> {
    if gate.is_some_and(|g| !(1..=16).contains(&g)) {
        return Err(Error::invalid("gate", ErrorCode::GatesInvalid, "gate numbers go from 1 to 16"));
    }
    db.read(|conn| {
        let gate = match gate {
            Some(g) => g,
            None => gate_number(conn)?,
        };
        let decision = decide(conn, db, input, direction, at_ms.unwrap_or_else(|| db.clock().now_ms()), gate)?;
        Ok(Check { outcome: decision.outcome, holder_hint: decision.payload.map(|p| p.name_hint).unwrap_or_default() })
    })
}

/// A supervisor lets the holder of a refused scan in (or out), with PIN and reason.
pub fn override_refusal(db: &Db, actor: &Actor, scan_id: i64, approval: &SupervisorOverride) -> Result<ScanResult> {
    let refused = db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        result_of(conn, scan_id)
    })?;
    if refused.accepted {
        return Err(Error::new(ErrorCode::PassRefused, "this scan was not refused: nothing to override"));
    }
    let (supervisor, reason) = guards::approve_override(db, approval)?;
    db.write(|tx| {
        let (key_id, serial, hint): (Option<u32>, Option<u32>, Option<String>) =
            tx.query_row("SELECT key_id, serial, holder_hint FROM pass_scan WHERE id = ?1", [scan_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let id = insert(
            tx,
            &NewScan {
                key_id,
                serial,
                outcome: refused.outcome,
                accepted: true,
                direction: refused.direction,
                gate: gate_number(tx)?,
                guard_id: actor.guard_id,
                holder_hint: hint,
                overridden: Some((supervisor.guard_id, reason.clone())),
            },
        )?;
        audit::record_change(tx, &catalogue::PASS_SCAN, id, Event::new("pass_override", Some(&supervisor)).detail(json!({ "refused_scan": scan_id })))?;
        result_of(tx, id)
    })
}

/// A logged scan, for the scan log screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScanLogRow {
    #[ts(type = "number")]
    pub id: i64,
    pub outcome: Outcome,
    pub accepted: bool,
    pub overridden: bool,
    pub direction: Direction,
    pub holder: String,
    #[ts(type = "number | null")]
    pub serial: Option<u32>,
    #[ts(type = "number")]
    pub gate_number: i64,
    pub guard: String,
    #[ts(type = "number")]
    pub scanned_at_ms: i64,
}

/// The latest scans, newest first (`refused_only` for the refused ones).
pub fn log(db: &Db, actor: &Actor, refused_only: bool, limit: i64) -> Result<Vec<ScanLogRow>> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let mut stmt = conn.prepare(
            "SELECT s.id, s.outcome, s.accepted, s.override_by IS NOT NULL, s.direction,
                    coalesce((SELECT p.holder_name FROM pass p WHERE p.key_id = s.key_id AND p.serial = s.serial), s.holder_hint, ''),
                    s.serial, s.gate_number, g.name, s.scanned_at_ms
             FROM pass_scan s JOIN guard g ON g.id = s.guard_id
             WHERE NOT ?1 OR s.accepted = 0 ORDER BY s.scanned_at_ms DESC, s.id DESC LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(rusqlite::params![refused_only, limit.clamp(1, 1000)], |r| {
                Ok(ScanLogRow {
                    id: r.get(0)?,
                    outcome: serde_json::from_value(json!(r.get::<_, String>(1)?)).unwrap_or(Outcome::Malformed),
                    accepted: r.get(2)?,
                    overridden: r.get(3)?,
                    direction: if r.get::<_, String>(4)? == "out" { Direction::Out } else { Direction::In },
                    holder: r.get(5)?,
                    serial: r.get(6)?,
                    gate_number: r.get(7)?,
                    guard: r.get(8)?,
                    scanned_at_ms: r.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    })
}
