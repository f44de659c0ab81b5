//! Supervision statistics (查岗与整改统计) of a range: spot checks by how they were made,
//! serious incidents, follow-up items opened, closed by a re-check, reopened, and the
//! repeat problems (屡查屡犯).
//!
//! How spot checks count: a desk check confirmed by the supervisor's PIN is `verified`; a
//! phone check is `unverified` (nobody can confirm the caller); a check written before
//! checks were confirmed (schema 13) counts as `earlier`: the name as the post wrote it,
//! neither confirmed nor marked unverified. All three are spot checks (`total`). Voided
//! entries and the corrections that void them do not count.
//! Must not: change anything. Called by: `reports::overview`, the shell.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use super::Window;
use crate::duty::REPEAT_AFTER_REOPENINGS;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SpotCheckCounts {
    #[ts(type = "number")]
    pub total: i64,
    /// At the desk, confirmed by the supervisor's PIN.
    #[ts(type = "number")]
    pub verified: i64,
    /// By phone: the caller as written down (未核实).
    #[ts(type = "number")]
    pub unverified: i64,
    /// Written before checks were confirmed: a name as the post wrote it.
    #[ts(type = "number")]
    pub earlier: i64,
}

/// An item reopened `REPEAT_AFTER_REOPENINGS` times or more, reopened in the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RepeatItem {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub owner: String,
    #[ts(type = "number")]
    pub reopened: i64,
    pub closed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SupervisionStats {
    pub spot_checks: SpotCheckCounts,
    /// Fire, fight, forced entry, injury, theft.
    #[ts(type = "number")]
    pub serious_incidents: i64,
    #[ts(type = "number")]
    pub follow_ups_opened: i64,
    /// Closed in the range (by a supervisor's re-check; before schema 13, by a guard's entry).
    #[ts(type = "number")]
    pub follow_ups_closed: i64,
    /// Re-checks in the range that reopened an item.
    #[ts(type = "number")]
    pub reopenings: i64,
    /// Marked corrected and waiting for a re-check now.
    #[ts(type = "number")]
    pub awaiting_review: i64,
    pub repeats: Vec<RepeatItem>,
}

/// An entry of the range that stands (neither voided nor itself a correction).
const STANDING_ENTRY: &str = "e.duty_day BETWEEN ?1 AND ?2 AND e.voids_entry_id IS NULL
    AND NOT EXISTS (SELECT 1 FROM duty_entry v WHERE v.voids_entry_id = e.id)";

pub(crate) fn stats_conn(conn: &Connection, window: &Window) -> Result<SupervisionStats> {
    let days = [window.from.to_string(), window.to.to_string()];
    let (total, verified, unverified, earlier): (i64, i64, i64, i64) = conn.query_row(
        &format!(
            "SELECT count(*), count(*) FILTER (WHERE e.spot_check_verified = 1), count(*) FILTER (WHERE e.spot_check_verified = 0),
                    count(*) FILTER (WHERE e.spot_check_verified IS NULL)
             FROM duty_entry e WHERE e.kind = 'spot_check' AND {STANDING_ENTRY}"
        ),
        days.clone(),
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let serious_incidents: i64 = conn.query_row(
        &format!("SELECT count(*) FROM duty_entry e WHERE e.kind = 'incident' AND e.incident_category IN ('fire', 'fight', 'forced_entry', 'injury', 'theft') AND {STANDING_ENTRY}"),
        days.clone(),
        |r| r.get(0),
    )?;
    let span = [window.start_ms, window.end_ms];
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, span, |r| r.get(0))?) };
    let mut stmt = conn.prepare(
        "SELECT f.id, f.title, f.owner, (SELECT count(*) FROM follow_up_review r WHERE r.follow_up_id = f.id AND r.outcome = 'reopened') AS n,
                f.closed_at_ms IS NOT NULL
         FROM follow_up f
         WHERE EXISTS (SELECT 1 FROM follow_up_review r WHERE r.follow_up_id = f.id AND r.outcome = 'reopened' AND r.reviewed_at_ms >= ?1 AND r.reviewed_at_ms < ?2)
           AND n >= ?3
         ORDER BY n DESC, f.id",
    )?;
    let repeats = stmt
        .query_map(rusqlite::params![window.start_ms, window.end_ms, REPEAT_AFTER_REOPENINGS], |r| {
            Ok(RepeatItem { id: r.get(0)?, title: r.get(1)?, owner: r.get(2)?, reopened: r.get(3)?, closed: r.get(4)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(SupervisionStats {
        spot_checks: SpotCheckCounts { total, verified, unverified, earlier },
        serious_incidents,
        follow_ups_opened: count("SELECT count(*) FROM follow_up WHERE opened_at_ms >= ?1 AND opened_at_ms < ?2")?,
        follow_ups_closed: count("SELECT count(*) FROM follow_up WHERE closed_at_ms >= ?1 AND closed_at_ms < ?2")?,
        reopenings: count("SELECT count(*) FROM follow_up_review WHERE outcome = 'reopened' AND reviewed_at_ms >= ?1 AND reviewed_at_ms < ?2")?,
        awaiting_review: conn.query_row("SELECT count(*) FROM follow_up WHERE done_at_ms IS NOT NULL AND closed_at_ms IS NULL", [], |r| r.get(0))?,
        repeats,
    })
}
