//! Visitor statistics (访客统计) of a range: per duty day, per local hour of the day, per
//! host (被访人) and per purpose (事由), with totals.
//!
//! Must not: read personal data (names, ID numbers): only counts leave this module.
//! Called by: `reports::overview`, `reports::export` (the table), the shell.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use super::{DateRange, DayCount, NamedCount, Window};
use crate::db::Db;
use crate::error::Result;
use crate::guards::{self, Actor, Role};

/// Visitors of a range. Every visit counts once, on the duty day and hour it checked in;
/// companions are counted separately (`companions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitorStats {
    #[ts(type = "number")]
    pub total: i64,
    #[ts(type = "number")]
    pub companions: i64,
    #[ts(type = "number")]
    pub checked_out: i64,
    /// Of the range's visitors, those not checked out yet.
    #[ts(type = "number")]
    pub still_inside: i64,
    /// Every duty day of the range, oldest first, zeros included.
    pub per_day: Vec<DayCount>,
    /// 24 counts, index = local hour of the day (0 = 00:00-00:59).
    #[ts(type = "Array<number>")]
    pub per_hour: Vec<i64>,
    /// Most visited first (ties by name).
    pub per_host: Vec<NamedCount>,
    pub per_purpose: Vec<NamedCount>,
}

/// Visitor statistics of a range (any guard).
pub fn stats(db: &Db, actor: &Actor, range: &DateRange) -> Result<VisitorStats> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        stats_conn(conn, &Window::of(conn, db, range)?)
    })
}

fn grouped(conn: &Connection, key: &str, window: &Window) -> Result<Vec<(i64, i64)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {key} AS k, count(*) FROM visit WHERE checked_in_at_ms >= ?1 AND checked_in_at_ms < ?2 GROUP BY k ORDER BY k"
    ))?;
    let rows = stmt.query_map([window.start_ms, window.end_ms], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn named(conn: &Connection, column: &str, window: &Window) -> Result<Vec<NamedCount>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {column}, count(*) AS n FROM visit WHERE checked_in_at_ms >= ?1 AND checked_in_at_ms < ?2
         GROUP BY {column} ORDER BY n DESC, {column}"
    ))?;
    let rows = stmt
        .query_map([window.start_ms, window.end_ms], |r| Ok(NamedCount { name: r.get(0)?, count: r.get(1)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn stats_conn(conn: &Connection, window: &Window) -> Result<VisitorStats> {
    let (total, companions, checked_out): (i64, i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(companions), 0), count(checked_out_at_ms) FROM visit
         WHERE checked_in_at_ms >= ?1 AND checked_in_at_ms < ?2",
        [window.start_ms, window.end_ms],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let per_day = window.fill_days(&grouped(conn, &window.day_sql("checked_in_at_ms"), window)?);
    let mut per_hour = vec![0i64; 24];
    for (hour, count) in grouped(conn, &window.hour_sql("checked_in_at_ms"), window)? {
        if let Some(slot) = usize::try_from(hour).ok().and_then(|h| per_hour.get_mut(h)) {
            *slot += count;
        }
    }
    Ok(VisitorStats {
        total,
        companions,
        checked_out,
        still_inside: total - checked_out,
        per_day,
        per_hour,
        per_host: named(conn, "host", window)?,
        per_purpose: named(conn, "purpose", window)?,
    })
}
