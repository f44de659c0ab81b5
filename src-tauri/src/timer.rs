//! The background timer: the retention purge and the automatic backup, at start-up and
//! then every few minutes. Both core calls are idempotent and decide themselves whether
//! anything is due (the purge finds nothing new until a record ages out; the backup runs
//! once per duty day), so a frequent tick costs a query. Each purge batch is one short
//! transaction, so the desk is never held up for long. Must not: hold business rules.

use std::time::Duration;

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
                    match gatehouse::retention::purge_due(db) {
                        Ok(report) if report.paused.is_some() => eprintln!("gatehouse: retention purge paused: the clock is in doubt until a supervisor confirms the date"),
                        Ok(report) if report.total() + report.leftover_files > 0 => eprintln!(
                            "gatehouse: retention purge: {} visits, {} pick-ups, {} vehicle visits, {} authorised pickers, {} passes, {} pass scans, {} old restore copies",
                            report.visits,
                            report.pickups,
                            report.vehicle_visits,
                            report.authorised_pickers,
                            report.passes,
                            report.pass_scans,
                            report.leftover_files
                        ),
                        Ok(_) => {}
                        Err(err) => eprintln!("gatehouse: retention purge failed: {err}"),
                    }
                    match gatehouse::backup::backup_if_due(db) {
                        Ok(Some(Err(err))) => eprintln!("gatehouse: automatic backup failed: {err}"),
                        Err(err) => eprintln!("gatehouse: automatic backup failed: {err}"),
                        _ => {}
                    }
                }
                std::thread::sleep(TICK);
            }
        })
        .map(|_| ())
        .unwrap_or_else(|err| eprintln!("gatehouse: cannot start the background timer: {err}"));
}
