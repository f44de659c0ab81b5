//! The table model every export goes through, and its two writers (CSV and XLSX).
//!
//! - A table is a `TableHead` (a title and its `Column`s: header text and width) and rows
//!   of `Cell`s (`Text`, `Int`, `Empty`). Small tables (the reports) are a `Table` with
//!   their rows in a `Vec` and go through `write_table`; long ones (the visit list, search
//!   results) push rows one at a time into the `RowSink` that `write_streamed` lends them,
//!   so nothing holds all rows in memory. To export something new: build a `TableHead`,
//!   then `write_streamed(&head, format, path, |sink| { for each row: sink.row(&cells)?;
//!   Ok(()) })`. The caller does role checks and audit events (see `export`).
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
//! Owns: `Format`, `Cell`, `Column`, `TableHead`, `Table`, `RowSink`, `write_table`,
//! `write_streamed`. Must not: know what a visit or a report is. Called by: `export`, tests.

use std::fs::File;
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, ErrorCode, Result};

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
        if text.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(text)
        }
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
            return Err(Error::invalid(
                "out",
                ErrorCode::ExportFolderMissing,
                format!("the folder {} does not exist: plug in the drive or choose another folder", folder.display()),
            ));
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
        return Error::new(ErrorCode::StorageFull, "the disk is full: nothing was exported; free some space or choose another drive").on_field("out");
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
        None => Error::new(ErrorCode::Storage, format!("cannot write the {what} file: {err}")).on_field("out"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_defused_in_csv() {
        assert_eq!(csv_text(&Cell::Text("=HYPERLINK(\"x\")".into())), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_text(&Cell::Text("张伟".into())), "张伟");
        assert_eq!(csv_text(&Cell::Int(-3)), "-3");
    }

    #[test]
    fn sheet_names_are_valid_and_numbered() {
        assert_eq!(sheet_name("a/b:c", 1), "a-b-c");
        assert_eq!(sheet_name(&"长".repeat(40), 2).chars().count(), 31);
        assert!(sheet_name(&"长".repeat(40), 2).ends_with(" (2)"));
        assert_eq!(sheet_name("  ", 1), "Sheet");
    }
}
