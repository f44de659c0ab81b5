//! Refused pass scans (拒绝通行记录) of a range: every scan the gate refused, with its time,
//! the pass serial (when the code could be read), the outcome, the guard, and a supervisor's
//! override if one let the holder in.
//!
//! Must not: decide outcomes (that is `passes::scan`). Called by: `reports::overview`,
//! `reports::export`, the shell.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use super::{DateRange, Window};
use crate::actor::{Actor, Role};
use crate::db::Db;
use crate::error::Result;
use crate::guards;

/// How many refused scans the screen lists (the export has them all).
pub const SCREEN_LIMIT: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RefusedScan {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub scanned_at_ms: i64,
    /// Null when the code could not be read at all (forged, damaged).
    #[ts(type = "number | null")]
    pub serial: Option<i64>,
    #[ts(type = "number | null")]
    pub key_id: Option<i64>,
    /// The scan outcome code (`expired`, `revoked`, `bad_signature`, ...), as the pass screens show it.
    pub outcome: String,
    pub direction: String,
    pub gate_number: u16,
    /// The guard at the scanner.
    pub guard: String,
    /// The short name hint carried by the code, if any.
    pub holder_hint: String,
    /// The supervisor who let the holder in anyway, if any.
    pub override_by: String,
    pub override_reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RefusedScans {
    #[ts(type = "number")]
    pub total: i64,
    /// Newest first, at most `SCREEN_LIMIT` (the export has all of them).
    pub rows: Vec<RefusedScan>,
    /// Outcome codes with their counts, most first.
    pub per_outcome: Vec<super::NamedCount>,
}

pub(crate) const SELECT_REFUSED: &str = "SELECT s.id, s.scanned_at_ms, s.serial, s.key_id, s.outcome, s.direction, s.gate_number, g.name,
        coalesce(s.holder_hint, ''), coalesce(o.name, ''), coalesce(s.override_reason, '')
     FROM pass_scan s JOIN guard g ON g.id = s.guard_id LEFT JOIN guard o ON o.id = s.override_by
     WHERE s.accepted = 0 AND s.scanned_at_ms >= ?1 AND s.scanned_at_ms < ?2";

pub(crate) fn map_refused(r: &rusqlite::Row<'_>) -> rusqlite::Result<RefusedScan> {
    Ok(RefusedScan {
        id: r.get(0)?,
        scanned_at_ms: r.get(1)?,
        serial: r.get(2)?,
        key_id: r.get(3)?,
        outcome: r.get(4)?,
        direction: r.get(5)?,
        gate_number: r.get(6)?,
        guard: r.get(7)?,
        holder_hint: r.get(8)?,
        override_by: r.get(9)?,
        override_reason: r.get(10)?,
    })
}

/// Refused scans of a range (any guard).
pub fn refused(db: &Db, actor: &Actor, range: &DateRange) -> Result<RefusedScans> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        refused_conn(conn, db, &Window::of(conn, db, range)?, SCREEN_LIMIT)
    })
}

pub(crate) fn refused_conn(conn: &Connection, _db: &Db, window: &Window, limit: usize) -> Result<RefusedScans> {
    let mut stmt = conn.prepare(
        "SELECT outcome, count(*) AS n FROM pass_scan WHERE accepted = 0 AND scanned_at_ms >= ?1 AND scanned_at_ms < ?2
         GROUP BY outcome ORDER BY n DESC, outcome",
    )?;
    let per_outcome: Vec<super::NamedCount> =
        stmt.query_map([window.start_ms, window.end_ms], |r| Ok(super::NamedCount { name: r.get(0)?, count: r.get(1)? }))?.collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(&format!("{SELECT_REFUSED} ORDER BY s.scanned_at_ms DESC, s.id DESC LIMIT ?3"))?;
    let rows = stmt.query_map(rusqlite::params![window.start_ms, window.end_ms, limit as i64], map_refused)?.collect::<rusqlite::Result<_>>()?;
    Ok(RefusedScans { total: per_outcome.iter().map(|o| o.count).sum(), rows, per_outcome })
}
