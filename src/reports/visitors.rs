//! Visitor statistics (访客统计) of a range: per duty day, per local hour of the day, per
//! host (被访人) and per purpose (事由), with totals.
//!
//! Must not: read personal data (names, ID numbers): only counts leave this module.
//! Called by: `reports::overview`, `reports::export` (the table), the shell.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use super::{DateRange, DayCount, NamedCount, Window, DAY_MS, HOUR_MS};
use crate::actor::{Actor, Role};
use crate::db::Db;
use crate::error::Result;
use crate::guards;

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

/// One pass over the range, read from the covering index `visit_report` (no table rows, no
/// sort): the groupings are counted here rather than with four GROUP BY scans.
pub(crate) fn stats_conn(conn: &Connection, window: &Window) -> Result<VisitorStats> {
    let mut stmt = conn.prepare_cached(
        "SELECT checked_in_at_ms, host, purpose, companions, checked_out_at_ms IS NOT NULL FROM visit
         WHERE checked_in_at_ms >= ?1 AND checked_in_at_ms < ?2",
    )?;
    let mut rows = stmt.query([window.start_ms, window.end_ms])?;
    let (mut total, mut companions, mut checked_out) = (0i64, 0i64, 0i64);
    let mut per_hour = vec![0i64; 24];
    let mut days: HashMap<i64, i64> = HashMap::new();
    let mut hosts: HashMap<String, i64> = HashMap::new();
    let mut purposes: HashMap<String, i64> = HashMap::new();
    fn bump(map: &mut HashMap<String, i64>, key: &str) {
        match map.get_mut(key) {
            Some(n) => *n += 1,
            None => {
                map.insert(key.to_owned(), 1);
            }
        }
    }
    while let Some(r) = rows.next()? {
        let at: i64 = r.get(0)?;
        total += 1;
        companions += r.get::<_, Option<i64>>(3)?.unwrap_or(0);
        checked_out += i64::from(r.get::<_, bool>(4)?);
        *days.entry((at + window.day_shift_ms).div_euclid(DAY_MS)).or_default() += 1;
        let hour = (at + window.offset_ms).div_euclid(HOUR_MS).rem_euclid(24);
        if let Some(slot) = usize::try_from(hour).ok().and_then(|h| per_hour.get_mut(h)) {
            *slot += 1;
        }
        bump(&mut hosts, r.get_ref(1)?.as_str().unwrap_or_default());
        bump(&mut purposes, r.get_ref(2)?.as_str().unwrap_or_default());
    }
    let days: Vec<(i64, i64)> = days.into_iter().collect();
    Ok(VisitorStats {
        total,
        companions,
        checked_out,
        still_inside: total - checked_out,
        per_day: window.fill_days(&days),
        per_hour,
        per_host: ranked(hosts),
        per_purpose: ranked(purposes),
    })
}

/// Most first; ties by name (code point order, as SQLite's BINARY collation).
fn ranked(map: HashMap<String, i64>) -> Vec<NamedCount> {
    let mut out: Vec<NamedCount> = map.into_iter().map(|(name, count)| NamedCount { name, count }).collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    out
}
