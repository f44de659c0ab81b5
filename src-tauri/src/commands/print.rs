//! Files the app saves into `exports/` beside the database, and tells the guard where:
//! PDFs of the print layouts (WebKitGTK's print operation to GTK's "Print to File"
//! printer, no dialog: the UI shows the layout first, CSS `@media print` / `@page`, then
//! calls `save_page_pdf`) and text files the UI made (templates, exported keys and
//! revocation lists: `save_export_file`). `window.print()` stays available for a real
//! printer (it opens the system dialog).

use std::path::PathBuf;
use std::time::Duration;

use gatehouse::{AppError, ErrorCode};
use tauri::{State, WebviewWindow};

use super::{guarded, guarded_async, CommandResult};
use crate::state::Desk;

/// How long a print may take before the guard is told it failed (about 0.5 s a page).
const PRINT_TIMEOUT: Duration = Duration::from_secs(60);

fn print_error(message: impl Into<String>) -> AppError {
    gatehouse::Error::new(ErrorCode::PrintFailed, message).into()
}

/// A file name safe to create in exports/: letters (any script), digits, `-`, `_`, `.`;
/// never a path, never hidden.
fn safe_file_name(name: &str) -> String {
    let cleaned: String = name.chars().filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.')).take(80).collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "export.txt".into()
    } else {
        cleaned
    }
}

/// Writes `text` as `exports/<file_name>` (a timestamp is added if the name is taken);
/// returns the path.
#[tauri::command(async)]
pub fn save_export_file(desk: State<'_, Desk>, file_name: String, text: String) -> CommandResult<String> {
    guarded("save_export_file", || {
        desk.actor()?;
        let dir = desk.exports_dir()?;
        std::fs::create_dir_all(&dir).map_err(|e| AppError::from(gatehouse::Error::from(e)))?;
        let name = safe_file_name(&file_name);
        let mut path = dir.join(&name);
        if path.exists() {
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name.as_str(), "txt"));
            path = dir.join(format!("{stem}-{}.{ext}", chrono::Local::now().format("%Y%m%d-%H%M%S")));
        }
        std::fs::write(&path, text).map_err(|e| AppError::from(gatehouse::Error::from(e)))?;
        Ok(path.display().to_string())
    })
}

/// Paper the print layouts use: A4 (reports, rosters, card sheets), A5 (visitor slips),
/// A6 (labels) and CR80 (a pass card, 85.6 x 54 mm).
#[derive(Debug, Clone, Copy, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    #[default]
    A4,
    A5,
    A6,
    Cr80,
}

/// Saves the page as `exports/<name>-YYYYMMDD-HHMMSS.pdf` beside the database; returns the path.
#[tauri::command]
pub async fn save_page_pdf(window: WebviewWindow, desk: State<'_, Desk>, name: String, paper: Option<Paper>) -> CommandResult<String> {
    guarded_async("save_page_pdf", async {
        desk.actor()?;
        let stem: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(40).collect();
        let stem = if stem.is_empty() { "print".to_string() } else { stem };
        let dir = desk.exports_dir()?;
        std::fs::create_dir_all(&dir).map_err(|e| AppError::from(gatehouse::Error::from(e)))?;
        let path = dir.join(format!("{stem}-{}.pdf", chrono::Local::now().format("%Y%m%d-%H%M%S")));
        let (done_tx, done_rx) = std::sync::mpsc::channel::<Result<(), String>>();
        let target = path.clone();
        window
            .with_webview(move |webview| print_to_pdf(webview, &target, paper.unwrap_or_default(), done_tx))
            .map_err(|e| print_error(format!("the window cannot print: {e}")))?;
        tauri::async_runtime::spawn_blocking(move || done_rx.recv_timeout(PRINT_TIMEOUT))
            .await
            .map_err(|e| print_error(e.to_string()))?
            .map_err(|_| print_error("printing did not finish in time"))?
            .map_err(print_error)?;
        Ok(path.display().to_string())
    })
    .await
}

#[cfg(target_os = "linux")]
fn print_to_pdf(webview: tauri::webview::PlatformWebview, path: &std::path::Path, paper: Paper, done: std::sync::mpsc::Sender<Result<(), String>>) {
    use webkit2gtk::PrintOperationExt;

    let uri = format!("file://{}", path.display());
    let settings = gtk::PrintSettings::new();
    settings.set_printer("Print to File");
    settings.set(gtk::PRINT_SETTINGS_OUTPUT_FILE_FORMAT, Some("pdf"));
    settings.set(gtk::PRINT_SETTINGS_OUTPUT_URI, Some(&uri));
    let page = gtk::PageSetup::new();
    let size = match paper {
        Paper::A4 => gtk::PaperSize::new(Some(gtk::PAPER_NAME_A4)),
        Paper::A5 => gtk::PaperSize::new(Some(gtk::PAPER_NAME_A5)),
        Paper::A6 => gtk::PaperSize::new(Some("iso_a6")),
        Paper::Cr80 => gtk::PaperSize::new_custom("cr80", "CR80", 85.6, 54.0, gtk::Unit::Mm),
    };
    page.set_paper_size(&size);
    if let Paper::Cr80 = paper {
        // GTK's default margins (6 mm) would eat a tenth of a card.
        for set in [gtk::PageSetup::set_top_margin, gtk::PageSetup::set_bottom_margin, gtk::PageSetup::set_left_margin, gtk::PageSetup::set_right_margin] {
            set(&page, 1.5, gtk::Unit::Mm);
        }
    }
    let operation = webkit2gtk::PrintOperation::new(&webview.inner());
    operation.set_print_settings(&settings);
    operation.set_page_setup(&page);
    let failed = done.clone();
    operation.connect_failed(move |_, err| {
        let _ = failed.send(Err(err.to_string()));
    });
    let expected: PathBuf = path.to_path_buf();
    operation.connect_finished(move |_| {
        // "finished" also follows a failure; only a written file counts as done.
        let _ = done.send(if expected.exists() { Ok(()) } else { Err("no file was written".into()) });
    });
    operation.print();
}

#[cfg(not(target_os = "linux"))]
fn print_to_pdf(_: tauri::webview::PlatformWebview, _: &std::path::Path, _: Paper, done: std::sync::mpsc::Sender<Result<(), String>>) {
    let _ = done.send(Err("saving as PDF is only built for Linux so far".into()));
}
