//! Reports (统计报表): the statistics of a range of duty days, and their export (and the
//! visit list's) as CSV or XLSX into `exports/` beside the database.

use gatehouse::reports::{self, ExportReport, Format, IdNumbers, Overview, RangeInput, ReportKind};
use gatehouse::search::SearchQuery;
use tauri::State;

use super::{guarded, CommandResult};
use crate::state::Desk;

#[tauri::command(async)]
pub fn get_reports(desk: State<'_, Desk>, range: RangeInput) -> CommandResult<Overview> {
    guarded("get_reports", || {
        let (actor, db) = desk.actor()?;
        let range = range.parse()?;
        Ok(reports::overview(db, &actor, &range)?)
    })
}

/// `exports/<stem>-<from>-<to>-<time>.<ext>`; the exports folder is created if missing.
fn export_path(desk: &Desk, stem: &str, range: &RangeInput, format: Format) -> CommandResult<std::path::PathBuf> {
    let day = |d: &str| d.chars().filter(|c| c.is_ascii_digit()).take(8).collect::<String>();
    export_file(desk, &format!("{stem}-{}-{}", day(&range.from), day(&range.to)), format)
}

/// `exports/<name>-<time>.<ext>`; the exports folder is created if missing.
fn export_file(desk: &Desk, name: &str, format: Format) -> CommandResult<std::path::PathBuf> {
    let dir = desk.exports_dir()?;
    std::fs::create_dir_all(&dir).map_err(|e| gatehouse::AppError::from(gatehouse::Error::from(e)))?;
    let stamp = chrono::Local::now().format("%H%M%S");
    Ok(dir.join(format!("{name}-{stamp}.{}", format.extension())))
}

/// Exports the visit list of the range; full ID numbers only for a supervisor (logged).
#[tauri::command(async)]
pub fn export_visits(desk: State<'_, Desk>, range: RangeInput, format: Format, id_numbers: IdNumbers) -> CommandResult<ExportReport> {
    guarded("export_visits", || {
        let (actor, db) = desk.actor()?;
        let parsed = range.parse()?;
        let path = export_path(&desk, "visits", &range, format)?;
        Ok(reports::export_visits(db, &actor, &parsed, format, &path, id_numbers)?)
    })
}

#[tauri::command(async)]
pub fn export_report(desk: State<'_, Desk>, kind: ReportKind, range: RangeInput, format: Format) -> CommandResult<ExportReport> {
    guarded("export_report", || {
        let (actor, db) = desk.actor()?;
        let parsed = range.parse()?;
        let stem = match kind {
            ReportKind::VisitorStats => "visitor-stats",
            ReportKind::VehicleStats => "vehicle-stats",
            ReportKind::RefusedScans => "refused-scans",
        };
        let path = export_path(&desk, stem, &range, format)?;
        Ok(reports::export_report(db, &actor, kind, &parsed, format, &path)?)
    })
}

/// Exports the results of a search (`exports/search-<date>-<time>.<ext>`).
#[tauri::command(async)]
pub fn export_search_results(desk: State<'_, Desk>, query: SearchQuery, format: Format) -> CommandResult<ExportReport> {
    guarded("export_search_results", || {
        let (actor, db) = desk.actor()?;
        let path = export_file(&desk, &format!("search-{}", chrono::Local::now().format("%Y%m%d")), format)?;
        Ok(reports::export::export_search(db, &actor, &query, format, &path)?)
    })
}
