//! Export (导出): any report, or the visit list of a range, as a CSV or XLSX file.
//!
//! Owns: the ONE table model every export goes through, and its two writers.
//!
//! - A table is a `TableHead` (a title and its `Column`s: header text and width) and rows
//!   of `Cell`s (`Text`, `Int`, `Empty`). Small tables (the reports) are a `Table` with
//!   their rows in a `Vec` and go through `write_table`; long ones (the visit list, search
//!   results) push rows one at a time into the `RowSink` that `write_streamed` lends them,
//!   so nothing holds all rows in memory. To export something new (e.g. search results):
//!   build a `TableHead`, then `write_streamed(&head, format, path, |sink| { for each row:
//!   sink.row(&cells)?; Ok(()) })`. The caller does role checks and audit events.
//! - CSV: UTF-8 with a byte-order mark (so Excel opens Chinese right), the `csv` crate's
//!   quoting, a header row. A text cell starting with `= + - @` (or a tab or CR) gets a
//!   leading `'`, so a visitor's "name" cannot become a spreadsheet formula.
//! - XLSX: `rust_xlsxwriter` in constant-memory mode (rows go to a temp file as they are
//!   written), header row bold and frozen, column widths from the head; past Excel's
//!   1,048,576 rows a sheet continues on the next one, header repeated. Strings are
//!   written as strings, never as formulas.
//! - Files: written to a hidden temp file in the target folder and renamed over the target
//!   only when complete, so a failed export (full disk, folder gone) leaves no partial
//!   file; an existing file is replaced. A target that exists and is not a regular file
//!   (a device such as `/dev/full`, a pipe) is written directly. Errors name the field
//!   `out`: a missing folder (`export_folder_missing`), a folder given as the file
//!   (`export_path_is_folder`), a full disk (`storage_full`).
//!
//! ID numbers are masked (`validate::document::mask`, last four characters shown) and
//! phones masked (`visits::mask_phone`) unless a supervisor asks for `IdNumbers::Full`;
//! a guard asking for them gets Forbidden. Every export of the visit list appends a
//! `visits_exported` audit event (who, range, format, masked or full, how many rows).
//! Search results go through the same model (`export_search`, a `search_exported` event).
//! Called by: the shell (`commands/reports.rs`, `commands/search.rs`), the CLI (`gatehouse export visits`), benches.

use std::fs::File;
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{scans, vehicles, visitors, DateRange, Window};
use crate::audit::{self, Event};
use crate::db::Db;
use crate::error::{Error, ErrorCode, ErrorKind, Result};
use crate::guards::{self, Actor, Role};
use crate::passes::scan::Outcome;
use crate::search::{self, SearchKind, SearchQuery};
use crate::site::{self, Language};
use crate::validate::document::{self, DocType};

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// `csv` or `xlsx` (any case); the error names the field `format`.
    pub fn parse(text: &str) -> Result<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            _ => Err(Error::invalid("format", ErrorCode::InvalidChoice, format!("`{text}` is not a format: use csv or xlsx"))),
        }
    }
}

/// Whether an export shows ID numbers (and phones) masked or in full.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IdNumbers {
    #[default]
    Masked,
    /// Supervisors only; logged in the audit chain.
    Full,
}

/// The reports that export as a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    VisitorStats,
    VehicleStats,
    RefusedScans,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportReport {
    pub path: String,
    /// Data rows (the header not counted).
    #[ts(type = "number")]
    pub rows: u64,
    #[ts(type = "number")]
    pub bytes: u64,
    pub format: Format,
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Empty,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        if text.is_empty() { Cell::Empty } else { Cell::Text(text) }
    }
}
impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::from(text.to_string())
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Int(n)
    }
}
impl From<Option<i64>> for Cell {
    fn from(n: Option<i64>) -> Cell {
        n.map_or(Cell::Empty, Cell::Int)
    }
}

/// A column: its header and its width in characters (XLSX; CSV has no widths).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    pub width: f64,
}

impl Column {
    pub fn new(header: impl Into<String>, width: f64) -> Column {
        Column { header: header.into(), width }
    }
}

/// A table's title (the XLSX sheet name) and columns.
#[derive(Debug, Clone, PartialEq)]
pub struct TableHead {
    pub title: String,
    pub columns: Vec<Column>,
}

/// A whole table in memory (reports: a few hundred rows at most).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub head: TableHead,
    pub rows: Vec<Vec<Cell>>,
}

/// Where `write_streamed` takes rows, one at a time.
pub trait RowSink {
    fn row(&mut self, cells: &[Cell]) -> Result<()>;
}

/// Writes a table held in memory.
pub fn write_table(table: &Table, format: Format, path: &Path) -> Result<ExportReport> {
    write_streamed(&table.head, format, path, |sink| {
        for row in &table.rows {
            sink.row(row)?;
        }
        Ok(())
    })
}

/// Writes a table whose rows `fill` pushes into the sink; the file appears at `path` only
/// when complete.
pub fn write_streamed(head: &TableHead, format: Format, path: &Path, fill: impl FnOnce(&mut dyn RowSink) -> Result<()>) -> Result<ExportReport> {
    let mut target = Target::open(path)?;
    let rows = match format {
        Format::Csv => {
            let mut sink = CsvSink::new(target.file()?, head)?;
            fill(&mut sink)?;
            sink.finish()?
        }
        Format::Xlsx => {
            let mut sink = XlsxSink::new(head)?;
            fill(&mut sink)?;
            match &mut target {
                Target::Temp { file, .. } => sink.save(file.as_file_mut())?,
                // A device cannot be seeked back to patch the zip: build the file aside,
                // then copy it over (a full device fails the copy, not the zip writer).
                Target::Device { file } => {
                    let mut aside = tempfile::tempfile().map_err(file_error)?;
                    let rows = sink.save(&mut aside)?;
                    aside.seek(std::io::SeekFrom::Start(0)).map_err(file_error)?;
                    std::io::copy(&mut aside, file).map_err(file_error)?;
                    rows
                }
            }
        }
    };
    let bytes = target.commit()?;
    Ok(ExportReport { path: path.display().to_string(), rows, bytes, format })
}

// ---- files ---------------------------------------------------------------------------

enum Target {
    /// A hidden temp file beside the destination, renamed over it when complete.
    Temp { file: tempfile::NamedTempFile, dest: PathBuf },
    /// An existing non-regular file (a device, a pipe): written directly.
    Device { file: File },
}

impl Target {
    fn open(path: &Path) -> Result<Target> {
        if path.as_os_str().is_empty() {
            return Err(Error::required("out"));
        }
        if path.is_dir() {
            return Err(Error::invalid("out", ErrorCode::ExportPathIsFolder, format!("{} is a folder: give a file name in it", path.display())));
        }
        if let Ok(meta) = std::fs::metadata(path) {
            if !meta.is_file() {
                let file = File::options().write(true).open(path).map_err(file_error)?;
                return Ok(Target::Device { file });
            }
        }
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !folder.is_dir() {
            return Err(Error::invalid("out", ErrorCode::ExportFolderMissing, format!("the folder {} does not exist: plug in the drive or choose another folder", folder.display())));
        }
        let file = tempfile::Builder::new().prefix(".gatehouse-export-").suffix(".partial").tempfile_in(folder).map_err(file_error)?;
        Ok(Target::Temp { file, dest: path.to_path_buf() })
    }

    fn file(&mut self) -> Result<&mut File> {
        Ok(match self {
            Target::Temp { file, .. } => file.as_file_mut(),
            Target::Device { file } => file,
        })
    }

    /// Makes the file durable and puts it in place; returns its size.
    fn commit(self) -> Result<u64> {
        match self {
            Target::Temp { file, dest } => {
                file.as_file().sync_all().map_err(file_error)?;
                let persisted = file.persist(&dest).map_err(|e| file_error(e.error))?;
                Ok(persisted.metadata().map(|m| m.len()).unwrap_or_default())
            }
            Target::Device { mut file } => {
                file.flush().map_err(file_error)?;
                Ok(0)
            }
        }
    }
}

/// An I/O failure while writing the export, named on the field `out`.
fn file_error(err: std::io::Error) -> Error {
    if err.raw_os_error() == Some(28) || err.kind() == std::io::ErrorKind::StorageFull {
        return Error::new(ErrorKind::Storage, ErrorCode::StorageFull, "the disk is full: nothing was exported; free some space or choose another drive")
            .on_field("out");
    }
    Error::from(err).on_field("out")
}

/// The I/O error at the root of a writer's error, if there is one.
fn root_io(err: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(io.kind()).filter(|_| io.raw_os_error() != Some(28)).or(Some(std::io::ErrorKind::StorageFull));
        }
        current = e.source();
    }
    None
}

fn writer_error(err: impl std::error::Error + 'static, what: &str) -> Error {
    match root_io(&err) {
        Some(std::io::ErrorKind::StorageFull) => file_error(std::io::Error::from(std::io::ErrorKind::StorageFull)),
        Some(kind) => file_error(std::io::Error::new(kind, err.to_string())),
        None => Error::new(ErrorKind::Storage, ErrorCode::Storage, format!("cannot write the {what} file: {err}")).on_field("out"),
    }
}

// ---- CSV -----------------------------------------------------------------------------

struct CsvSink<'f> {
    writer: csv::Writer<&'f mut File>,
    rows: u64,
    record: Vec<String>,
}

/// A cell as CSV text; text that a spreadsheet would read as a formula gets a leading `'`.
fn csv_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) if text.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{text}"),
        Cell::Text(text) => text.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Empty => String::new(),
    }
}

impl<'f> CsvSink<'f> {
    fn new(file: &'f mut File, head: &TableHead) -> Result<CsvSink<'f>> {
        file.write_all("\u{feff}".as_bytes()).map_err(file_error)?;
        let mut writer = csv::WriterBuilder::new().buffer_capacity(64 * 1024).from_writer(file);
        writer.write_record(head.columns.iter().map(|c| c.header.as_str())).map_err(|e| writer_error(e, "CSV"))?;
        Ok(CsvSink { writer, rows: 0, record: Vec::new() })
    }

    fn finish(mut self) -> Result<u64> {
        self.writer.flush().map_err(file_error)?;
        Ok(self.rows)
    }
}

impl RowSink for CsvSink<'_> {
    fn row(&mut self, cells: &[Cell]) -> Result<()> {
        self.record.clear();
        self.record.extend(cells.iter().map(csv_text));
        self.writer.write_record(&self.record).map_err(|e| writer_error(e, "CSV"))?;
        self.rows += 1;
        Ok(())
    }
}

// ---- XLSX ----------------------------------------------------------------------------

/// A file that remembers the first I/O error written to it.
struct Recording<'f> {
    file: &'f mut File,
    error: Option<std::io::Error>,
}

impl Recording<'_> {
    fn note<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(err) = &result {
            if self.error.is_none() {
                self.error = Some(std::io::Error::new(err.kind(), err.to_string()));
                if err.raw_os_error() == Some(28) {
                    self.error = Some(std::io::Error::from_raw_os_error(28));
                }
            }
        }
        result
    }
}

impl Write for Recording<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.file.write(buf);
        self.note(result)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.file.flush();
        self.note(result)
    }
}

impl std::io::Seek for Recording<'_> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        let result = self.file.seek(pos);
        self.note(result)
    }
}

/// Excel's rows per sheet.
const XLSX_MAX_ROWS: u32 = 1_048_576;
/// Excel's longest string in a cell.
const XLSX_MAX_TEXT: usize = 32_767;

struct XlsxSink {
    workbook: rust_xlsxwriter::Workbook,
    head: TableHead,
    bold: rust_xlsxwriter::Format,
    sheets: usize,
    next_row: u32,
    rows: u64,
}

/// A valid, unique sheet name from the title: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str, number: usize) -> String {
    let suffix = if number > 1 { format!(" ({number})") } else { String::new() };
    let cleaned: String = title.chars().map(|c| if "[]:*?/\\'".contains(c) { '-' } else { c }).collect();
    let keep = 31 - suffix.chars().count();
    let name: String = cleaned.trim().chars().take(keep).collect();
    let name = if name.is_empty() { "Sheet".to_string() } else { name };
    name + &suffix
}

fn xlsx_error(err: rust_xlsxwriter::XlsxError) -> Error {
    match err {
        rust_xlsxwriter::XlsxError::IoError(io) => file_error(io),
        other => writer_error(other, "XLSX"),
    }
}

impl XlsxSink {
    fn new(head: &TableHead) -> Result<XlsxSink> {
        let mut sink = XlsxSink {
            workbook: rust_xlsxwriter::Workbook::new(),
            head: head.clone(),
            bold: rust_xlsxwriter::Format::new().set_bold(),
            sheets: 0,
            next_row: 0,
            rows: 0,
        };
        sink.add_sheet()?;
        Ok(sink)
    }

    fn add_sheet(&mut self) -> Result<()> {
        self.sheets += 1;
        let name = sheet_name(&self.head.title, self.sheets);
        let sheet = self.workbook.add_worksheet_with_constant_memory();
        sheet.set_name(&name).map_err(xlsx_error)?;
        for (i, column) in self.head.columns.iter().enumerate() {
            let col = u16::try_from(i).map_err(|_| Error::internal("too many columns"))?;
            sheet.set_column_width(col, column.width).map_err(xlsx_error)?;
            sheet.write_string_with_format(0, col, &column.header, &self.bold).map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        self.next_row = 1;
        Ok(())
    }

    fn save(mut self, file: &mut File) -> Result<u64> {
        // The zip layer does not always keep the I/O error it met: remember it here, so a
        // full disk is reported as one.
        let mut recording = Recording { file, error: None };
        match self.workbook.save_to_writer(&mut recording) {
            Ok(()) => Ok(self.rows),
            Err(err) => Err(match recording.error.take() {
                Some(io) => file_error(io),
                None => xlsx_error(err),
            }),
        }
    }
}

impl RowSink for XlsxSink {
    fn row(&mut self, cells: &[Cell]) -> Result<()> {
        if self.next_row >= XLSX_MAX_ROWS {
            self.add_sheet()?;
        }
        let row = self.next_row;
        let sheet = self.workbook.worksheet_from_index(self.sheets - 1).map_err(xlsx_error)?;
        for (i, cell) in cells.iter().enumerate() {
            let col = u16::try_from(i).map_err(|_| Error::internal("too many columns"))?;
            match cell {
                Cell::Text(text) if text.chars().count() > XLSX_MAX_TEXT => {
                    let cut: String = text.chars().take(XLSX_MAX_TEXT).collect();
                    sheet.write_string(row, col, cut).map_err(xlsx_error)?;
                }
                Cell::Text(text) => {
                    sheet.write_string(row, col, text).map_err(xlsx_error)?;
                }
                Cell::Int(n) => {
                    sheet.write_number(row, col, *n as f64).map_err(xlsx_error)?;
                }
                Cell::Empty => {}
            }
        }
        self.next_row += 1;
        self.rows += 1;
        Ok(())
    }
}

// ---- what is exported ----------------------------------------------------------------

fn tr(language: Language, zh: &str, en: &str) -> String {
    match language {
        Language::ZhCn => zh.to_string(),
        Language::En => en.to_string(),
    }
}

fn doc_label(language: Language, doc: DocType) -> &'static str {
    match (language, doc) {
        (Language::ZhCn, DocType::ResidentId) => "居民身份证",
        (Language::ZhCn, DocType::Passport) => "护照",
        (Language::ZhCn, DocType::HkMacauPermit) => "港澳居民来往内地通行证",
        (Language::ZhCn, DocType::TaiwanPermit) => "台湾居民来往大陆通行证",
        (Language::ZhCn, DocType::Other) => "其他证件",
        (Language::En, DocType::ResidentId) => "Resident ID",
        (Language::En, DocType::Passport) => "Passport",
        (Language::En, DocType::HkMacauPermit) => "HK/Macau permit",
        (Language::En, DocType::TaiwanPermit) => "Taiwan permit",
        (Language::En, DocType::Other) => "Other",
    }
}

fn range_title(language: Language, what_zh: &str, what_en: &str, range: &DateRange) -> String {
    match language {
        Language::ZhCn => format!("{what_zh} {}至{}", range.from, range.to),
        Language::En => format!("{what_en} {} to {}", range.from, range.to),
    }
}

/// The head of the visit list export, in the site's language.
pub fn visits_head(language: Language, range: &DateRange) -> TableHead {
    let c = |zh: &str, en: &str, width: f64| Column::new(tr(language, zh, en), width);
    TableHead {
        title: range_title(language, "访客登记", "Visits", range),
        columns: vec![
            c("登记时间", "Checked in", 17.0),
            c("离开时间", "Checked out", 17.0),
            c("姓名", "Name", 12.0),
            c("证件类型", "Document", 14.0),
            c("证件号码", "ID number", 21.0),
            c("电话", "Phone", 14.0),
            c("单位", "Organisation", 20.0),
            c("被访人", "Host", 12.0),
            c("事由", "Purpose", 20.0),
            c("同行人数", "Companions", 9.0),
            c("车牌号", "Plate", 11.0),
            c("登记门卫", "Registered by", 11.0),
            c("放行门卫", "Checked out by", 11.0),
            c("记录编号", "Record", 38.0),
        ],
    }
}

fn local_text(db: &Db, ms: Option<i64>) -> Cell {
    ms.map_or(Cell::Empty, |ms| Cell::Text(db.clock().local(ms).format("%Y-%m-%d %H:%M").to_string()))
}

/// Exports the visits checked in during `range` (oldest first) to `path`, streaming them
/// from the database; ID numbers and phones masked unless `id_numbers` is `Full`, which
/// only a supervisor may ask (Forbidden otherwise). Appends a `visits_exported` audit event
/// (who, range, format, masked or full, rows).
pub fn export_visits(db: &Db, actor: &Actor, range: &DateRange, format: Format, path: &Path, id_numbers: IdNumbers) -> Result<ExportReport> {
    export_visits_by(db, Some(actor), range, format, path, id_numbers)
}

/// The admin command line's masked export without a login (whoever holds the database file
/// can read it anyway); the audit event records that no one was logged in (`actor` null,
/// `logged_in: false`). Full ID numbers always need `export_visits` with a supervisor.
pub fn export_visits_unattended(db: &Db, range: &DateRange, format: Format, path: &Path) -> Result<ExportReport> {
    export_visits_by(db, None, range, format, path, IdNumbers::Masked)
}

fn export_visits_by(db: &Db, actor: Option<&Actor>, range: &DateRange, format: Format, path: &Path, id_numbers: IdNumbers) -> Result<ExportReport> {
    let language = site::language(db)?;
    let window = db.read(|conn| {
        if let Some(actor) = actor {
            guards::authorize(conn, actor, Role::Guard)?;
            if id_numbers == IdNumbers::Full {
                guards::authorize(conn, actor, Role::Supervisor).map_err(|_| {
                    Error::forbidden("only a supervisor may export full ID numbers: export them masked, or ask a supervisor").on_field("id_numbers")
                })?;
            }
        } else if id_numbers == IdNumbers::Full {
            return Err(Error::forbidden("full ID numbers need a supervisor's PIN").on_field("id_numbers"));
        }
        Window::of(conn, db, range)
    })?;
    // A reader of its own (WAL: it sees one consistent snapshot), so the desk keeps working
    // while a long export runs.
    let conn = super::reader(db)?;
    let head = visits_head(language, range);
    let full = id_numbers == IdNumbers::Full;
    let report = write_streamed(&head, format, path, |sink| stream_visits(&conn, db, &window, language, full, sink))?;
    let logged = db.write(|tx| {
        let detail = serde_json::json!({
            "from": range.from.to_string(),
            "to": range.to.to_string(),
            "format": format.extension(),
            "id_numbers": if full { "full" } else { "masked" },
            "rows": report.rows,
            "file": path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            // false: the admin command line's masked export without a PIN.
            "logged_in": actor.is_some(),
        });
        audit::append(tx, Event::new("visits_exported", actor).detail(detail))
    });
    logged_or_removed(path, logged)?;
    Ok(report)
}

fn stream_visits(conn: &Connection, db: &Db, window: &Window, language: Language, full: bool, sink: &mut dyn RowSink) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT v.checked_in_at_ms, v.checked_out_at_ms, v.name, v.doc_type, v.id_number, v.phone, v.organisation, v.host,
                v.purpose, v.companions, v.plate, gi.name, go.name, v.uid
         FROM visit v JOIN guard gi ON gi.id = v.checked_in_by LEFT JOIN guard go ON go.id = v.checked_out_by
         WHERE v.checked_in_at_ms >= ?1 AND v.checked_in_at_ms < ?2
         ORDER BY v.checked_in_at_ms, v.id",
    )?;
    let mut rows = stmt.query([window.start_ms, window.end_ms])?;
    let mut cells: Vec<Cell> = Vec::with_capacity(14);
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> rusqlite::Result<String> { Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default()) };
        let id_number = text(4)?;
        let phone = text(5)?;
        cells.clear();
        cells.push(local_text(db, Some(r.get(0)?)));
        cells.push(local_text(db, r.get(1)?));
        cells.push(text(2)?.into());
        let doc: Option<String> = r.get(3)?;
        cells.push(if id_number.is_empty() { Cell::Empty } else { doc_label(language, DocType::parse(doc.as_deref())).into() });
        cells.push(if full { id_number.into() } else { document::mask(&id_number).into() });
        cells.push(if full { phone.into() } else { crate::visits::mask_phone(&phone).into() });
        cells.push(text(6)?.into());
        cells.push(text(7)?.into());
        cells.push(text(8)?.into());
        cells.push(r.get::<_, Option<i64>>(9)?.unwrap_or(0).into());
        cells.push(text(10)?.into());
        cells.push(text(11)?.into());
        cells.push(text(12)?.into());
        cells.push(text(13)?.into());
        sink.row(&cells)?;
    }
    Ok(())
}

/// A report of a range as a table, in the site's language (any guard).
pub fn report_table(db: &Db, actor: &Actor, kind: ReportKind, range: &DateRange) -> Result<Table> {
    let language = site::language(db)?;
    let l = |zh: &str, en: &str| tr(language, zh, en);
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let window = Window::of(conn, db, range)?;
        Ok(match kind {
            ReportKind::VisitorStats => {
                let stats = visitors::stats_conn(conn, &window)?;
                let mut rows: Vec<Vec<Cell>> = vec![
                    vec![l("合计", "Total").into(), l("访客人次", "Visitors").into(), stats.total.into()],
                    vec![l("合计", "Total").into(), l("同行人数", "Companions").into(), stats.companions.into()],
                    vec![l("合计", "Total").into(), l("已离开", "Checked out").into(), stats.checked_out.into()],
                    vec![l("合计", "Total").into(), l("仍在场", "Still inside").into(), stats.still_inside.into()],
                ];
                rows.extend(stats.per_day.iter().map(|d| vec![l("按日", "Per day").into(), d.day.as_str().into(), d.count.into()]));
                rows.extend(stats.per_hour.iter().enumerate().map(|(h, n)| {
                    vec![l("按小时", "Per hour").into(), format!("{h:02}:00-{h:02}:59").into(), (*n).into()]
                }));
                rows.extend(stats.per_host.iter().map(|h| vec![l("按被访人", "Per host").into(), h.name.as_str().into(), h.count.into()]));
                rows.extend(stats.per_purpose.iter().map(|p| vec![l("按事由", "Per purpose").into(), p.name.as_str().into(), p.count.into()]));
                Table {
                    head: TableHead {
                        title: range_title(language, "访客统计", "Visitor statistics", range),
                        columns: vec![Column::new(l("分类", "Grouping"), 12.0), Column::new(l("项目", "Item"), 24.0), Column::new(l("人次", "Count"), 10.0)],
                    },
                    rows,
                }
            }
            ReportKind::VehicleStats => {
                let stats = vehicles::stats_conn(conn, &window)?;
                let mut rows: Vec<Vec<Cell>> = stats
                    .per_day
                    .iter()
                    .map(|d| vec![d.day.as_str().into(), d.vehicles_in.into(), d.vehicles_out.into(), d.overnight.into()])
                    .collect();
                rows.push(vec![l("合计", "Total").into(), stats.total_in.into(), stats.total_out.into(), stats.overnight.into()]);
                rows.push(vec![Cell::Empty]);
                rows.push(vec![l("登记车辆", "Registered vehicles").into(), stats.registered.into()]);
                rows.push(vec![l("外来车辆", "Visiting vehicles").into(), stats.visiting.into()]);
                rows.extend(stats.per_type.iter().map(|t| vec![vehicle_type_label(language, &t.name).into(), t.count.into()]));
                Table {
                    head: TableHead {
                        title: range_title(language, "车辆统计", "Vehicle statistics", range),
                        columns: vec![
                            Column::new(l("日期", "Day"), 18.0),
                            Column::new(l("入场", "In"), 10.0),
                            Column::new(l("出场", "Out"), 10.0),
                            Column::new(l("过夜", "Overnight"), 10.0),
                        ],
                    },
                    rows,
                }
            }
            ReportKind::RefusedScans => {
                let all = scans::refused_conn(conn, db, &window, usize::MAX >> 1)?;
                let rows = all
                    .rows
                    .iter()
                    .map(|s| {
                        vec![
                            local_text(db, Some(s.scanned_at_ms)),
                            s.serial.into(),
                            outcome_label(language, &s.outcome).into(),
                            match s.direction.as_str() {
                                "in" => l("进", "In"),
                                _ => l("出", "Out"),
                            }
                            .into(),
                            i64::from(s.gate_number).into(),
                            s.guard.as_str().into(),
                            s.holder_hint.as_str().into(),
                            s.override_by.as_str().into(),
                            s.override_reason.as_str().into(),
                        ]
                    })
                    .collect();
                Table {
                    head: TableHead {
                        title: range_title(language, "拒绝通行记录", "Refused pass scans", range),
                        columns: vec![
                            Column::new(l("时间", "Time"), 17.0),
                            Column::new(l("证件序号", "Serial"), 10.0),
                            Column::new(l("结果", "Outcome"), 16.0),
                            Column::new(l("方向", "Direction"), 8.0),
                            Column::new(l("门", "Gate"), 6.0),
                            Column::new(l("值班门卫", "Guard"), 11.0),
                            Column::new(l("持证人提示", "Holder hint"), 12.0),
                            Column::new(l("放行主管", "Override by"), 11.0),
                            Column::new(l("放行理由", "Override reason"), 24.0),
                        ],
                    },
                    rows,
                }
            }
        })
    })
}

/// Exports the results of a search (newest first, at most `search::EXPORT_LIMIT`) to
/// `path` (any guard). The rows hold what the results list shows, never ID numbers or
/// phones. Appends a `search_exported` audit event (who, kinds, format, rows); the searched
/// text stays out of the chain, since it is often a person's name.
pub fn export_search(db: &Db, actor: &Actor, query: &SearchQuery, format: Format, path: &Path) -> Result<ExportReport> {
    let language = site::language(db)?;
    let results = search::search_for_export(db, actor, query)?;
    let c = |zh: &str, en: &str, width: f64| Column::new(tr(language, zh, en), width);
    let head = TableHead {
        title: tr(language, "查询结果", "Search results"),
        columns: vec![
            c("类别", "Kind", 10.0),
            c("时间", "Time", 17.0),
            c("名称", "Name", 18.0),
            c("详情", "Details", 30.0),
            c("门岗号", "Gate", 6.0),
            c("登记人", "Recorded by", 11.0),
            c("记录编号", "Record", 38.0),
        ],
    };
    let report = write_streamed(&head, format, path, |sink| {
        for hit in results.hits() {
            let cells = [
                search_kind_label(language, hit.kind).into(),
                local_text(db, Some(hit.at_ms)),
                hit.title.as_str().into(),
                hit.subtitle.as_str().into(),
                hit.gate.into(),
                hit.guard_name.as_str().into(),
                hit.uid.as_str().into(),
            ];
            sink.row(&cells)?;
        }
        Ok(())
    })?;
    let kinds: Vec<&str> = query.kinds.iter().map(|k| k.as_str()).collect();
    let detail = serde_json::json!({ "kinds": kinds, "format": format.extension(), "rows": report.rows, "truncated": results.truncated });
    logged_or_removed(path, db.write(|tx| audit::append(tx, Event::new("search_exported", Some(actor)).detail(detail))))?;
    Ok(report)
}

fn search_kind_label(language: Language, kind: SearchKind) -> String {
    let (zh, en) = match kind {
        SearchKind::Visit => ("访客", "Visit"),
        SearchKind::Pickup => ("中途离园", "Pick-up"),
        SearchKind::Vehicle => ("车辆", "Vehicle"),
        SearchKind::Pass => ("通行证", "Pass"),
        SearchKind::Duty => ("值班记录", "Duty entry"),
    };
    tr(language, zh, en)
}

/// An export the audit chain does not know about must not exist: when logging it failed,
/// the file goes.
fn logged_or_removed<T>(path: &Path, logged: Result<T>) -> Result<T> {
    if logged.is_err() && std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        let _ = std::fs::remove_file(path);
    }
    logged
}

/// A scan outcome as the passes screen names it (ui i18n `passes.outcomes`; a test holds
/// the two equal). The match is exhaustive, so a new outcome does not compile without a name.
fn outcome_label(language: Language, code: &str) -> String {
    let Ok(outcome) = serde_json::from_value::<Outcome>(serde_json::Value::from(code)) else {
        return code.to_string();
    };
    let (zh, en) = match outcome {
        Outcome::Valid => ("通过", "VALID"),
        Outcome::Expired => ("已过期", "Expired"),
        Outcome::NotYetValid => ("未生效", "Not yet valid"),
        Outcome::OutsideWindow => ("不在通行时段", "Outside the daily hours"),
        Outcome::WrongGate => ("非本门岗", "Not for this gate"),
        Outcome::Revoked => ("已注销", "Revoked"),
        Outcome::Forged => ("伪造（签名无效）", "Forged (bad signature)"),
        Outcome::KeyDistrusted => ("签发密钥已停用", "Signing key withdrawn"),
        Outcome::KeyMisused => ("伪造（密钥被盗用）", "Forged (stolen signing key)"),
        Outcome::UnknownKey => ("未知发证单位", "Unknown issuer"),
        Outcome::Malformed => ("无法识别", "Unreadable"),
        Outcome::AlreadyInside => ("已在校内（防回传）", "Already inside (anti-passback)"),
        Outcome::UsesExhausted => ("次数已用完", "No uses left"),
        Outcome::ClockBehind => ("本机时间异常", "PC clock in doubt"),
    };
    tr(language, zh, en)
}

fn vehicle_type_label(language: Language, code: &str) -> String {
    let (zh, en) = match code {
        "car" => ("小客车", "Car"),
        "van" => ("面包车", "Van"),
        "truck" => ("货车", "Truck"),
        "bus" => ("客车", "Bus"),
        "motorcycle" => ("摩托车", "Motorcycle"),
        _ => ("其他", "Other"),
    };
    tr(language, zh, en)
}

/// Exports a report of `range` to `path` (any guard; reports hold counts, not personal data).
pub fn export_report(db: &Db, actor: &Actor, kind: ReportKind, range: &DateRange, format: Format, path: &Path) -> Result<ExportReport> {
    let table = report_table(db, actor, kind, range)?;
    write_table(&table, format, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_defused_in_csv() {
        assert_eq!(csv_text(&Cell::Text("=HYPERLINK(\"x\")".into())), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_text(&Cell::Text("张伟".into())), "张伟");
        assert_eq!(csv_text(&Cell::Int(-3)), "-3");
    }

    /// The `key: 'label'` pairs of the `outcomes: { … }` block of a UI dictionary.
    fn ui_outcome_labels(dictionary: &str) -> Vec<(String, String)> {
        let block = dictionary.split("\n    outcomes: {\n").nth(1).expect("an outcomes block").split("\n    },").next().unwrap();
        block
            .lines()
            .filter_map(|line| line.trim().trim_end_matches(',').split_once(": "))
            .map(|(key, label)| (key.to_string(), label.trim_matches('\'').replace("\\'", "'")))
            .collect()
    }

    #[test]
    fn scan_outcomes_are_named_as_on_the_passes_screen() {
        for (language, dictionary) in [
            (Language::ZhCn, include_str!("../../ui/src/lib/i18n/zh-CN.ts")),
            (Language::En, include_str!("../../ui/src/lib/i18n/en.ts")),
        ] {
            let labels = ui_outcome_labels(dictionary);
            assert!(labels.len() >= 14, "{labels:?}");
            for (code, label) in labels {
                assert_eq!(outcome_label(language, &code), label, "{code} in {language:?}");
            }
        }
    }

    #[test]
    fn sheet_names_are_valid_and_numbered() {
        assert_eq!(sheet_name("a/b:c", 1), "a-b-c");
        assert_eq!(sheet_name(&"长".repeat(40), 2).chars().count(), 31);
        assert!(sheet_name(&"长".repeat(40), 2).ends_with(" (2)"));
        assert_eq!(sheet_name("  ", 1), "Sheet");
    }
}
