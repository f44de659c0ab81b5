//! Uploaded sheets (CSV or XLSX) read within limits, so a hostile or broken file is refused
//! fast with a clear error on the file's field and never takes the app's memory.
//!
//! Limits: a file of at most 10 MB; at most 50,000 rows and 50 columns; for XLSX, at most
//! 1,000 zip entries, none inflating past 64 MB and all together past 128 MB. The zip is
//! inflated once into a sink to measure it before calamine opens it (calamine reads the
//! shared strings whole when it opens a workbook), and the sheet's declared `<dimension ref>`
//! is checked before any cell is read; cells are then read one by one and any cell outside
//! the limits stops the read, so a sheet with cells at A1 and XFD1048576 never makes a
//! rows × columns grid.
//! Must not: touch the database. Called by: `passes::import`, `staff`.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader};

use crate::error::{Error, ErrorCode, Result};

/// The largest file an import accepts.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Rows and columns a sheet may have (a header row counts as a row).
pub const MAX_ROWS: u32 = 50_000;
pub const MAX_COLUMNS: u32 = 50;
/// What one zip entry of an XLSX may inflate to, and all of them together.
pub const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
pub const MAX_INFLATED_BYTES: u64 = 128 * 1024 * 1024;
/// Zip entries an XLSX may hold (a real one has a few dozen).
pub const MAX_ENTRIES: usize = 1_000;

const MB: usize = 1024 * 1024;

/// Refuses a file larger than `MAX_FILE_BYTES` (`len` in bytes).
pub fn check_file_size(field: &'static str, len: usize) -> Result<()> {
    if len > MAX_FILE_BYTES {
        return Err(Error::invalid(field, ErrorCode::ImportFileTooLarge, "the file is larger than 10 MB: split it into smaller files")
            .with_param("maxMb", MAX_FILE_BYTES / MB));
    }
    Ok(())
}

/// Refuses a sheet with more than `MAX_ROWS` rows or `MAX_COLUMNS` columns.
pub fn check_shape(field: &'static str, rows: u64, columns: u64) -> Result<()> {
    if rows > u64::from(MAX_ROWS) || columns > u64::from(MAX_COLUMNS) {
        return Err(Error::invalid(
            field,
            ErrorCode::ImportSheetTooLarge,
            format!("the sheet has {rows} rows and {columns} columns; at most {MAX_ROWS} rows and {MAX_COLUMNS} columns are read: split it or delete the extra cells"),
        )
        .with_param("rows", rows)
        .with_param("columns", columns)
        .with_param("maxRows", MAX_ROWS)
        .with_param("maxColumns", MAX_COLUMNS));
    }
    Ok(())
}

/// The rows of a CSV text (UTF-8, BOM dropped), cells trimmed, within the limits.
pub fn csv_rows(field: &'static str, text: &str) -> Result<Vec<Vec<String>>> {
    check_file_size(field, text.len())?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| Error::invalid(field, ErrorCode::ImportFileInvalid, "the file is not a readable CSV"))?;
        check_shape(field, rows.len() as u64 + 1, record.len() as u64)?;
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Ok(rows)
}

/// Inflates every entry of the zip into a sink, refusing it once an entry or the whole
/// passes its cap: measured, not taken from the sizes the zip declares (a bomb lies).
fn check_zip(field: &'static str, bytes: &[u8]) -> Result<()> {
    let bad = || Error::invalid(field, ErrorCode::ImportFileInvalid, "the file is not a readable XLSX workbook");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| bad())?;
    if zip.len() > MAX_ENTRIES {
        return Err(Error::invalid(field, ErrorCode::ImportFileInvalid, format!("the workbook holds {} parts; a real one has a few dozen", zip.len())));
    }
    let mut total = 0u64;
    for index in 0..zip.len() {
        let entry = zip.by_index(index).map_err(|_| bad())?;
        let name = entry.name().map(|n| n.chars().take(100).collect::<String>()).unwrap_or_default();
        let cap = MAX_ENTRY_BYTES.min(MAX_INFLATED_BYTES - total);
        let inflated = std::io::copy(&mut entry.take(cap + 1), &mut std::io::sink()).map_err(|_| bad())?;
        if inflated > cap {
            return Err(Error::invalid(
                field,
                ErrorCode::ImportEntryTooLarge,
                format!("the workbook part {name} unpacks to more than {} MB (a zip bomb or a far too large sheet): save the sheet again with only the rows to import", cap / MB as u64),
            )
            .with_param("entry", name)
            .with_param("maxMb", cap / MB as u64));
        }
        total += inflated;
    }
    Ok(())
}

/// The rows of the first sheet of an XLSX workbook, cells as text, within the limits.
/// Rows and columns count from the first row and column that hold a cell.
pub fn xlsx_rows(field: &'static str, bytes: &[u8]) -> Result<Vec<Vec<String>>> {
    let bad = || Error::invalid(field, ErrorCode::ImportFileInvalid, "the file is not a readable XLSX workbook");
    check_file_size(field, bytes.len())?;
    check_zip(field, bytes)?;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| bad())?;
    let first = book.sheet_names().first().cloned().ok_or_else(bad)?;
    let mut cells = book.worksheet_cells_reader(&first).map_err(|_| bad())?;
    // The declared size first: a sheet that says it is too large is refused unread.
    let declared = cells.dimensions();
    if declared.start <= declared.end {
        check_shape(field, u64::from(declared.end.0 - declared.start.0) + 1, u64::from(declared.end.1 - declared.start.1) + 1)?;
    }
    let mut found: Vec<(u32, u32, String)> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|_| bad())? {
        let (row, column) = cell.get_position();
        let text = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::DateTime(dt) => dt.as_datetime().map(|d| d.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default(),
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            other => calamine::Data::from(other.clone()).to_string().trim().to_string(),
        };
        // The sheet may lie about its size (or not declare it): every cell is checked too.
        check_shape(field, u64::from(row) + 1, u64::from(column) + 1)?;
        found.push((row, column, text));
    }
    let (Some(top), Some(left)) = (found.iter().map(|c| c.0).min(), found.iter().map(|c| c.1).min()) else {
        return Ok(Vec::new());
    };
    let height = found.iter().map(|c| c.0).max().unwrap_or(top) - top + 1;
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); height as usize];
    for (row, column, text) in found {
        let cells = &mut rows[(row - top) as usize];
        let at = (column - left) as usize;
        if cells.len() <= at {
            cells.resize(at + 1, String::new());
        }
        cells[at] = text;
    }
    Ok(rows)
}
