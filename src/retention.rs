//! Retention of personal data (PIPL): records older than the site's retention period lose
//! their personal data and its salt; the records themselves, their counts and the audit
//! chain stay.
//!
//! Owns: `purge_due`. Which columns are personal is not decided here: it is each table's
//! `Audited::pii_columns` (the columns under `pii_commitment`), so a personal column added
//! later is purged without touching this file. The salt goes with them, so the commitment
//! in the chain can no longer be tested against a guess; `audit::verify` skips the check
//! for a row without salt, and the snapshots (which never held personal data) still match.
//!
//! Decisions (written down as the brief asks):
//! - Kinds: visits and vehicle visits once they have ended (checked out) and their check-out
//!   is older than the period; pick-ups by their time; kindergarten authorised pickers
//!   (`pickers`) once they have been off the list (replaced by a later import of their
//!   class, or the class removed) for the period: an entry on a current list is in use and
//!   is kept. Records still on site are never purged. Passes are not in scope (a pass is held until it expires or is revoked).
//! - Kept: times, hosts, purposes, counts (companions, passengers), organisation, notes,
//!   the guards, and plates. A plate names a vehicle, not a person, it is what the vehicle
//!   statistics count, and it is part of the record's audit snapshot (removing it would
//!   break the chain). Free-text fields that are in the snapshot (notes, override reasons)
//!   stay for the same reason; the desk should not write personal data into them.
//! - "Not yet purged" is `pii_salt IS NOT NULL` (every record gets a salt when written),
//!   with partial indexes so the daily run does not scan the purged history.
//! - Batches: at most `BATCH` records per transaction, so the desk waits at most one short
//!   transaction. Each batch logs one `retention_purged` event with its counts in the same
//!   transaction (a run of more than one batch is several events, each true of what it
//!   committed); a run with nothing to purge logs nothing. After a run that purged, the WAL
//!   is checkpointed (TRUNCATE); with `secure_delete` on (see `db`) the old values are left
//!   in neither the database file nor the -wal file.
//! - Restore leftovers: the same run deletes the copies a restore left beside the database
//!   (`<db>.before-restore-<time>`, `<db>.restore-rejected`, see `backup`) once their file
//!   is older than the period, and logs one `retention_files_deleted` event with the count
//!   (none when nothing was deleted). A full copy of personal data must not outlive it.
//! - Exports: the same run deletes the files in `exports/` beside the database (PDF slips,
//!   rosters, reports, CSV/XLSX exports, some with full ID numbers) last modified before the
//!   cutoff, counted in the same `retention_files_deleted` event. Only plain files directly
//!   in that folder; a folder inside it is the user's and is left alone.
//! - A clock in doubt (`clock_trust`: behind the times already recorded, or more than a day
//!   since the last run) pauses the whole run, files included: a clock set a year ahead
//!   would otherwise purge this year's records. The report says why (`paused`) and nothing
//!   is touched until a supervisor confirms the date. Each run that was not paused is dated
//!   (`clock_trust::record_run`), which is what the next run's jump is measured from.
//! - Idempotent: a second run finds nothing. The shell calls it at start-up and from its
//!   daily timer; the CLI has `gatehouse purge`.
//!
//! Must not: delete records, touch sealed tables or the chain, or touch any other file. Called by: the shell, the CLI.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::audit::{self, Audited, Event};
use crate::clock_trust::{self, ClockDoubt};
use crate::db::{Db, Tx};
use crate::error::Result;
use crate::search::{self, SearchKind};
use crate::{backup, pickers, pickups, site, vehicles, visits};

/// Records purged per transaction.
const BATCH: i64 = 200;
const DAY_MS: i64 = 86_400_000;

/// How many records one run purged, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PurgeReport {
    #[ts(type = "number")]
    pub visits: i64,
    #[ts(type = "number")]
    pub pickups: i64,
    #[ts(type = "number")]
    pub vehicle_visits: i64,
    /// Kindergarten authorised pickers removed from their class's list.
    #[ts(type = "number")]
    pub authorised_pickers: i64,
    /// Restore leftovers (old copies of the database) deleted beside it.
    #[ts(type = "number")]
    pub leftover_files: i64,
    /// Files in `exports/` (printed PDFs, exports) older than the period, deleted.
    #[ts(type = "number")]
    pub export_files: i64,
    /// Records ended before this instant were due.
    #[ts(type = "number")]
    pub cutoff_ms: i64,
    pub retention_days: u32,
    /// The run did nothing because the clock is in doubt (a supervisor confirms the date).
    pub paused: Option<ClockDoubt>,
}

impl PurgeReport {
    /// Records purged (the leftover files are counted apart).
    pub fn total(&self) -> i64 {
        self.visits + self.pickups + self.vehicle_visits + self.authorised_pickers
    }
}

/// A kind of record with personal data, and when it counts as ended.
struct Kind {
    audited: &'static Audited,
    /// SQL condition, `?1` = cutoff: the record ended before the cutoff.
    ended_before: &'static str,
    /// Its entry in the search index, rebuilt from the purged row (none: not indexed).
    search: Option<SearchKind>,
}

const KINDS: [Kind; 4] = [
    Kind { audited: &visits::AUDITED, ended_before: "checked_out_at_ms IS NOT NULL AND checked_out_at_ms < ?1", search: Some(SearchKind::Visit) },
    Kind { audited: &pickups::AUDITED, ended_before: "picked_up_at_ms < ?1", search: Some(SearchKind::Pickup) },
    Kind { audited: &vehicles::AUDITED, ended_before: "checked_out_at_ms IS NOT NULL AND checked_out_at_ms < ?1", search: Some(SearchKind::Vehicle) },
    Kind { audited: &pickers::AUDITED, ended_before: "removed_at_ms IS NOT NULL AND removed_at_ms < ?1", search: None },
];

/// Purges one batch of one kind: returns how many records it touched.
fn purge_batch(tx: &Tx<'_>, kind: &Kind, cutoff_ms: i64, limit: i64) -> Result<i64> {
    let table = kind.audited.table;
    let ids: Vec<i64> = {
        let mut stmt = tx.prepare(&format!(
            "SELECT id FROM {table} WHERE pii_salt IS NOT NULL AND {} ORDER BY id LIMIT ?2",
            kind.ended_before
        ))?;
        let ids = stmt.query_map(rusqlite::params![cutoff_ms, limit], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        ids
    };
    let set: Vec<String> = kind.audited.pii_columns.iter().chain(["pii_salt"].iter()).map(|c| format!("{c} = NULL")).collect();
    let mut update = tx.prepare(&format!("UPDATE {table} SET {} WHERE id = ?1", set.join(", ")))?;
    for id in &ids {
        update.execute([id])?;
        // The index holds the names too: rebuilt from the purged row, they leave it.
        if let Some(search) = kind.search {
            search::reindex(&tx.tx, search, *id)?;
        }
    }
    Ok(ids.len() as i64)
}

/// Purges the personal data of every record older than the site's retention period, in
/// batches. Returns what it purged (all zero when nothing was due).
pub fn purge_due(db: &Db) -> Result<PurgeReport> {
    let set_up = db.read(site::is_set_up)?;
    if !set_up {
        return Ok(PurgeReport::default());
    }
    let days = site::data_settings(db)?.retention_days;
    let cutoff_ms = db.clock().now_ms() - i64::from(days) * DAY_MS;
    let mut total = PurgeReport { cutoff_ms, retention_days: days, ..PurgeReport::default() };
    if let Some(doubt) = clock_trust::doubt(db)? {
        total.paused = Some(doubt);
        return Ok(total);
    }
    db.write(clock_trust::record_run)?;
    loop {
        let batch = db.write(|tx| {
            let mut left = BATCH;
            let mut counts = [0i64; KINDS.len()];
            for (i, kind) in KINDS.iter().enumerate() {
                if left == 0 {
                    break;
                }
                counts[i] = purge_batch(tx, kind, cutoff_ms, left)?;
                left -= counts[i];
            }
            if counts.iter().sum::<i64>() > 0 {
                audit::append(
                    tx,
                    Event::new("retention_purged", None).detail(json!({
                        "visits": counts[0],
                        "pickups": counts[1],
                        "vehicle_visits": counts[2],
                        "authorised_pickers": counts[3],
                        "retention_days": days,
                        "cutoff_ms": cutoff_ms,
                    })),
                )?;
            }
            Ok(counts)
        })?;
        total.visits += batch[0];
        total.pickups += batch[1];
        total.vehicle_visits += batch[2];
        total.authorised_pickers += batch[3];
        if batch.iter().sum::<i64>() < BATCH {
            break;
        }
    }
    if total.total() > 0 {
        db.checkpoint_truncate()?;
    }
    total.leftover_files = backup::delete_restore_leftovers(db.path(), cutoff_ms)?;
    total.export_files = backup::delete_files_older_than(&exports_dir(db.path()), cutoff_ms, |_| true)?;
    if total.leftover_files + total.export_files > 0 {
        db.write(|tx| {
            audit::append(
                tx,
                Event::new("retention_files_deleted", None).detail(json!({
                    "files": total.leftover_files,
                    "exports": total.export_files,
                    "retention_days": days,
                    "cutoff_ms": cutoff_ms,
                })),
            )
        })?;
    }
    Ok(total)
}

/// Where printed files and exports are saved: `exports/` beside the database.
pub fn exports_dir(db_path: &Path) -> PathBuf {
    db_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).join("exports")
}
