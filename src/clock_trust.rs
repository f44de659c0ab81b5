//! Whether the PC's clock can be believed for what it decides (issue 15 item 4).
//!
//! The record's times come from the PC's clock, and so do three decisions that a wrong clock
//! turns against the post: a pass scanned in is judged against its validity (set back,
//! expired passes open the gate), the retention purge deletes personal data older than the
//! period, and backup rotation deletes backups by age (set forward, both destroy what they
//! must keep). Two doubts are kept:
//! - **behind**: the clock reads more than 5 minutes earlier than the latest instant ever
//!   written (the high-water mark, see `db`);
//! - **jumped forward**: more than a day has passed since the last retention run (the shell
//!   runs it every 10 minutes while the app is open). A PC that was switched off for a
//!   weekend looks the same as a clock set a year ahead, so both ask a supervisor.
//!
//! While the clock is behind, the status bar turns red and a pass scanned in needs a
//! supervisor's override (`passes::scan`). While either doubt holds, the purge and backup
//! rotation pause (`retention`, `backup`) and the status bar says so. A clock ahead needs no
//! override at the gate: it can only make valid passes look expired, which refuses them.
//! A supervisor who has checked the time confirms the date (`confirm_date`, audited): the
//! high-water mark drops to now and the retention run is dated now, so both doubts clear.
//!
//! Owns: `ClockDoubt`, `doubt`, `confirm_date`, the last-run preference. Must not: decide what
//! a doubt pauses (each caller does). Called by: `status`, `retention`, `backup`, the shell.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::db::{self, Db, Tx};
use crate::error::Result;
use crate::guards::{self, SupervisorOverride};

/// More than this since the last retention run is a jump forward.
const JUMP_FORWARD_MS: i64 = 86_400_000;
/// `preference` key: the instant (ms) of the last retention run that was not paused.
const LAST_RUN_KEY: &str = "retention_last_run_ms";

/// Why the clock is not believed right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum ClockDoubt {
    /// The clock reads this much earlier than times already recorded.
    Behind {
        #[ts(type = "number")]
        behind_ms: i64,
    },
    /// This much time has passed since the last retention run (more than a day).
    JumpedForward {
        #[ts(type = "number")]
        since_last_run_ms: i64,
    },
}

/// The doubt about the clock at `now_ms`, if any ("behind" first: it is the one that lets
/// expired passes in).
pub(crate) fn doubt_at(conn: &Connection, now_ms: i64) -> Result<Option<ClockDoubt>> {
    if let Some(behind_ms) = db::clock_behind_ms(conn, now_ms)? {
        return Ok(Some(ClockDoubt::Behind { behind_ms }));
    }
    let since_last_run_ms = last_run_ms(conn)?.map(|last| now_ms - last).filter(|since| *since > JUMP_FORWARD_MS);
    Ok(since_last_run_ms.map(|since_last_run_ms| ClockDoubt::JumpedForward { since_last_run_ms }))
}

/// The doubt about the clock now, if any.
pub fn doubt(db: &Db) -> Result<Option<ClockDoubt>> {
    let now_ms = db.clock().now_ms();
    db.read(|conn| doubt_at(conn, now_ms))
}

fn last_run_ms(conn: &Connection) -> Result<Option<i64>> {
    let value: Option<String> = conn.query_row("SELECT value FROM preference WHERE key = ?1", [LAST_RUN_KEY], |r| r.get(0)).optional()?;
    Ok(value.and_then(|v| v.parse().ok()))
}

/// Dates the retention run now: the next jump is measured from here. A database that never
/// ran one has no reference, so its first run finds no jump.
pub(crate) fn record_run(tx: &Tx<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO preference (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        rusqlite::params![LAST_RUN_KEY, tx.now_ms().to_string()],
    )?;
    Ok(())
}

/// A supervisor confirms that the PC's date and time are right (PIN and what they checked it
/// against): the high-water mark drops to now and the retention run is dated now, so the
/// passes, the purge and backup rotation work again. Logged as `clock_confirmed` with the
/// doubt it cleared. Harmless when there is no doubt.
pub fn confirm_date(db: &Db, actor: &Actor, approval: &SupervisorOverride) -> Result<()> {
    db.read(|conn| guards::authorize(conn, actor, Role::Guard))?;
    let (supervisor, reason) = guards::approve_override(db, approval)?;
    db.write(|tx| {
        let cleared = doubt_at(tx, tx.now_ms())?;
        db::reset_high_water(tx)?;
        record_run(tx)?;
        audit::append(tx, Event::new("clock_confirmed", Some(&supervisor)).detail(json!({ "cleared": cleared, "reason": reason })))?;
        Ok(())
    })
}
