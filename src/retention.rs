//! Retention of personal data (PIPL): records older than the site's retention period lose
//! their personal data and its salt; the records themselves, their counts and the audit
//! chain stay.
//!
//! Owns: `purge_due`. Which tables and columns are personal, and when a record has ended, is
//! not decided here: it is each table's catalogue entry (`Table::pii_columns`, the columns
//! under `pii_commitment`, and `Table::retention`), so a personal column or table added later
//! is purged without touching this file. The salt goes with them, so the commitment
//! in the chain can no longer be tested against a guess; `audit::verify` skips the check
//! for a row without salt, and the snapshots (which never held personal data) still match.
//!
//! Decisions (written down as the brief asks):
//! - Kinds: visits and vehicle visits once they have ended (checked out) and their check-out
//!   is older than the period; pick-ups by their time; kindergarten authorised pickers
//!   (`pickers`) once they have been off the list (replaced by a later import of their
//!   class, or the class removed) for the period: an entry on a current list is in use and
//!   is kept. Records still on site are never purged.
//! - Passes: the holder's name, phone, ID number and photo once the pass has ended (expired,
//!   or revoked, whichever came first) before the cutoff: a pass in use keeps its holder.
//!   The pass itself (serial, validity, department, revocation) stays: revocation lists and
//!   the scan log refer to it. Not yet covered: the pass's `code` (the printed digits, part of
//!   its snapshot) encodes the short name hint (`code::name_hint`, the first two characters),
//!   so that hint stays in the row and the chain; taking it out needs the code out of the
//!   snapshot (a digest, as for the PIN hash) and a rebuild of `pass` (the column is NOT NULL).
//! - Pass scans: the scan log keeps every row (it is sealed: counts, outcomes, overrides) and
//!   loses only the holder hint (the name carried in the code) once the scan is older than
//!   the cutoff and its pass, if this database issued it, has ended before the cutoff. A scan
//!   of another gate's pass goes by its own time: this gate does not know when that ended.
//! - Watchlist entries are not purged: an active entry is in use, and a deactivated one has
//!   no recorded time of deactivation (only its event in the chain) and may be enabled again;
//!   their names and ID numbers are under a commitment (schema 15), so they leave the chain.
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
//! Must not: delete records, touch the chain or any other file, or change a sealed table
//! beyond what its triggers allow (the scan log: only the hint and its salt go to NULL, see
//! migrations/0015). Called by: the shell, the CLI.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::audit::{self, Event};
use crate::catalogue::{self, Retention, Table};
use crate::clock_trust::{self, ClockDoubt};
use crate::db::{Db, Tx};
use crate::error::Result;
use crate::search::{self, SearchKind};
use crate::{backup, site};

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
    /// Passes whose holder's name, phone, ID number and photo were purged.
    #[ts(type = "number")]
    pub passes: i64,
    /// Pass scans whose holder hint was purged (the scans themselves are kept).
    #[ts(type = "number")]
    pub pass_scans: i64,
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
        self.visits + self.pickups + self.vehicle_visits + self.authorised_pickers + self.passes + self.pass_scans
    }
}

/// The tables whose personal data is purged once their records ended, with that rule.
fn purged_tables() -> impl Iterator<Item = (&'static Table, &'static str, &'static str)> {
    catalogue::ALL.iter().filter_map(|table| match table.retention {
        Retention::PurgeWhenEnded { ended_before, count_key } => Some((*table, ended_before, count_key)),
        Retention::NoPersonalData | Retention::Kept { .. } => None,
    })
}

impl PurgeReport {
    /// The report's count for a table's `count_key` (the catalogue's name for it).
    fn count_mut(&mut self, count_key: &str) -> &mut i64 {
        match count_key {
            "visits" => &mut self.visits,
            "pickups" => &mut self.pickups,
            "vehicle_visits" => &mut self.vehicle_visits,
            "authorised_pickers" => &mut self.authorised_pickers,
            "passes" => &mut self.passes,
            "pass_scans" => &mut self.pass_scans,
            other => unreachable!("catalogue count key `{other}` has no field in PurgeReport (test `every_purged_table_is_counted`)"),
        }
    }
}

/// Purges one batch of one kind: returns how many records it touched.
fn purge_batch(tx: &Tx<'_>, table: &Table, ended_before: &str, cutoff_ms: i64, limit: i64) -> Result<i64> {
    let search = SearchKind::of_table(table);
    let pii_columns = table.pii_columns;
    let table = table.table;
    let ids: Vec<i64> = {
        let mut stmt = tx.prepare(&format!("SELECT id FROM {table} WHERE pii_salt IS NOT NULL AND {ended_before} ORDER BY id LIMIT ?2"))?;
        let ids = stmt.query_map(rusqlite::params![cutoff_ms, limit], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        ids
    };
    let set: Vec<String> = pii_columns.iter().chain(["pii_salt"].iter()).map(|c| format!("{c} = NULL")).collect();
    let mut update = tx.prepare(&format!("UPDATE {table} SET {} WHERE id = ?1", set.join(", ")))?;
    for id in &ids {
        update.execute([id])?;
        // The index holds the names too: rebuilt from the purged row, they leave it.
        if let Some(search) = search {
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
            let mut counts: Vec<(&'static str, i64)> = Vec::new();
            for (table, ended_before, count_key) in purged_tables() {
                let count = if left == 0 { 0 } else { purge_batch(tx, table, ended_before, cutoff_ms, left)? };
                left -= count;
                counts.push((count_key, count));
            }
            if counts.iter().any(|(_, count)| *count > 0) {
                let mut detail = serde_json::Map::new();
                for (count_key, count) in &counts {
                    detail.insert((*count_key).into(), json!(count));
                }
                detail.insert("retention_days".into(), json!(days));
                detail.insert("cutoff_ms".into(), json!(cutoff_ms));
                audit::append(tx, Event::new("retention_purged", None).detail(detail.into()))?;
            }
            Ok(counts)
        })?;
        for (count_key, count) in &batch {
            *total.count_mut(count_key) += count;
        }
        if batch.iter().map(|(_, count)| count).sum::<i64>() < BATCH {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_purged_table_is_counted() {
        let mut report = PurgeReport::default();
        let mut keys: Vec<&str> = purged_tables().map(|(_, _, count_key)| count_key).collect();
        for key in &keys {
            *report.count_mut(key) += 1;
        }
        // Each key counts into its own field, and the total sees them all.
        assert_eq!(report.total(), keys.len() as i64);
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len() as i64, report.total(), "two catalogue tables share a count key");
    }
}
