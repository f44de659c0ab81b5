//! The background timer: the retention purge and the automatic backup, at start-up and
//! then every few minutes. Both core calls are idempotent and decide themselves whether
//! anything is due (the purge finds nothing new until a record ages out; the backup runs
//! once per duty day), so a frequent tick costs a query. Each purge batch is one short
//! transaction, so the desk is never held up for long. Must not: hold business rules.

use std::time::Duration;

use gatehouse::AppError;
use tauri::{AppHandle, Manager};

use crate::state::Desk;

const TICK: Duration = Duration::from_secs(10 * 60);
/// Let the window come up before the first run.
const FIRST_RUN_AFTER: Duration = Duration::from_secs(5);

pub fn start(app: AppHandle) {
    std::thread::Builder::new()
        .name("gatehouse-timer".into())
        .spawn(move || {
            std::thread::sleep(FIRST_RUN_AFTER);
            loop {
                let desk = app.state::<Desk>();
                if let Ok(db) = desk.db() {
                    run_jobs(db);
                }
                std::thread::sleep(TICK);
            }
        })
        .map(|_| ())
        .unwrap_or_else(|err| tracing::error!("cannot start the background timer: {err}"));
}

/// One tick: purge, then backup. Logged with counts and error codes only (no names; an
/// error's text could name the backup folder's owner or quote a record).
fn run_jobs(db: &gatehouse::Db) {
    match gatehouse::retention::purge_due(db) {
        Ok(report) if report.paused.is_some() => tracing::warn!("retention purge paused: the clock is in doubt until a supervisor confirms the date"),
        Ok(report) => tracing::info!(
            visits = report.visits,
            pickups = report.pickups,
            vehicle_visits = report.vehicle_visits,
            authorised_pickers = report.authorised_pickers,
            passes = report.passes,
            pass_scans = report.pass_scans,
            restore_copies = report.leftover_files,
            export_files = report.export_files,
            "retention purge ran"
        ),
        Err(err) => gatehouse::logs::error_fields("retention purge", &AppError::from(&err)),
    }
    match gatehouse::backup::backup_if_due(db) {
        Ok(Some(Ok(report))) => tracing::info!(bytes = report.bytes, records = report.records, "automatic backup written and checked"),
        Ok(Some(Err(err))) | Err(err) => gatehouse::logs::error_fields("automatic backup", &AppError::from(&err)),
        Ok(None) => tracing::info!("automatic backup: not due"),
    }
}
