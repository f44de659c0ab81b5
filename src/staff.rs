//! The staff directory (被访人): whom visitors come to see. Supervisors keep it by hand or
//! import it from CSV (`name,department,extension`, header optional; UTF-8 with or without
//! BOM). An import checks every row first and saves all or nothing; a file over 10 MB or a
//! sheet over 50,000 rows or 50 columns is refused whole (`sheet`).
//! Must not: hold visits. Called by: the shell (directory screen, host picker), `visits`.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::db::{Db, Tx};
use crate::error::{Error, ErrorCode, Result};
use crate::guards;
use crate::validate;

const NAME_MAX: usize = 50;
const DEPARTMENT_MAX: usize = 50;
const EXTENSION_MAX: usize = 20;
/// Most matches the host picker shows.
const PICKER_LIMIT: i64 = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StaffMember {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub department: String,
    pub extension: String,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewStaff {
    pub name: String,
    pub department: String,
    pub extension: String,
}

/// One bad row of an import: the UI lists them all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportProblem {
    /// 1-based line number in the file.
    #[ts(type = "number")]
    pub row: u64,
    pub field: String,
    pub code: crate::error::ErrorCode,
    /// The error's params (`min`, `max`, …) for the UI's message.
    pub params: std::collections::BTreeMap<String, String>,
    pub message: String,
}

impl ImportProblem {
    /// The problem of row `row` (1-based line) that failed with `err`.
    pub fn from_error(row: u64, err: &Error) -> Self {
        let app = crate::error::AppError::from(err);
        ImportProblem { row, field: app.field.unwrap_or_else(|| "row".into()), code: app.code, params: app.params, message: err.message().to_string() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Rows saved (0 when there were problems: nothing is saved then).
    #[ts(type = "number")]
    pub imported: u64,
    /// Rows skipped because the same name and department already exist.
    #[ts(type = "number")]
    pub unchanged: u64,
    pub problems: Vec<ImportProblem>,
}

fn map_member(r: &rusqlite::Row<'_>) -> rusqlite::Result<StaffMember> {
    Ok(StaffMember { id: r.get(0)?, name: r.get(1)?, department: r.get(2)?, extension: r.get(3)?, active: r.get(4)? })
}

const SELECT: &str = "SELECT id, name, department, extension, active FROM staff";

pub(crate) fn member(conn: &Connection, id: i64) -> Result<StaffMember> {
    conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], map_member)
        .optional()?
        .ok_or_else(|| Error::new(ErrorCode::StaffNotFound, "no such person in the staff directory").on_field("host"))
}

/// Active staff whose name, department or extension contains `query` (any guard; the host picker).
pub fn search(db: &Db, actor: &Actor, query: &str) -> Result<Vec<StaffMember>> {
    let pattern = format!("%{}%", query.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let mut stmt = conn.prepare(&format!(
            "{SELECT} WHERE active = 1 AND (name LIKE ?1 ESCAPE '\\' OR department LIKE ?1 ESCAPE '\\' OR extension LIKE ?1 ESCAPE '\\')
             ORDER BY name LIMIT ?2"
        ))?;
        let rows = stmt.query_map(rusqlite::params![pattern, PICKER_LIMIT], map_member)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    })
}

/// The whole directory, for supervisors.
pub fn list(db: &Db, actor: &Actor) -> Result<Vec<StaffMember>> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Supervisor)?;
        let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY active DESC, department, name"))?;
        let rows = stmt.query_map([], map_member)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    })
}

fn validated(new: &NewStaff) -> Result<NewStaff> {
    Ok(NewStaff {
        name: validate::person_name("staff_name", &new.name, NAME_MAX)?,
        department: validate::optional_text("department", Some(&new.department), DEPARTMENT_MAX)?.unwrap_or_default(),
        extension: validate::optional_text("extension", Some(&new.extension), EXTENSION_MAX)?.unwrap_or_default(),
    })
}

fn insert(tx: &Tx<'_>, actor: &Actor, new: &NewStaff) -> Result<i64> {
    tx.execute(
        "INSERT INTO staff (uid, name, department, extension, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![uuid::Uuid::now_v7().to_string(), new.name, new.department, new.extension, tx.now_ms()],
    )?;
    let id = tx.last_insert_rowid();
    audit::record_change(tx, &catalogue::STAFF, id, Event::new("staff_added", Some(actor)))?;
    Ok(id)
}

fn exists(conn: &Connection, new: &NewStaff) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM staff WHERE name = ?1 AND department = ?2)", [&new.name, &new.department], |r| r.get(0))?)
}

pub fn add(db: &Db, actor: &Actor, new: &NewStaff) -> Result<StaffMember> {
    let new = validated(new)?;
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        if exists(tx, &new)? {
            return Err(Error::new(ErrorCode::StaffExists, "this person is already in the directory for this department").on_field("staff_name"));
        }
        let id = insert(tx, actor, &new)?;
        member(tx, id)
    })
}

pub fn set_active(db: &Db, actor: &Actor, id: i64, active: bool) -> Result<StaffMember> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let before = member(tx, id)?;
        if before.active != active {
            tx.execute("UPDATE staff SET active = ?2 WHERE id = ?1", rusqlite::params![id, active])?;
            audit::record_change(tx, &catalogue::STAFF, id, Event::new(if active { "staff_enabled" } else { "staff_disabled" }, Some(actor)))?;
        }
        member(tx, id)
    })
}

/// Imports a CSV directory. Every row is checked first; if any is bad, nothing is saved and
/// every problem is reported as `row N, field: reason`.
pub fn import_csv(db: &Db, actor: &Actor, csv_text: &str) -> Result<ImportReport> {
    crate::sheet::check_file_size("import_file", csv_text.len())?;
    let text = csv_text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index as u64 + 1;
        // Counted even for unreadable rows: 50,001 bad lines are refused whole, not listed.
        crate::sheet::check_shape("import_file", line, record.as_ref().map_or(0, |r| r.len() as u64))?;
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                problems.push(ImportProblem {
                    row: line,
                    field: "row".into(),
                    code: ErrorCode::ImportRow,
                    params: Default::default(),
                    message: err.to_string(),
                });
                continue;
            }
        };
        let cell = |i: usize| record.get(i).unwrap_or("").to_string();
        // A header row names its columns; skip it.
        if line == 1 && matches!(cell(0).as_str(), "name" | "姓名") {
            continue;
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        match validated(&NewStaff { name: cell(0), department: cell(1), extension: cell(2) }) {
            Ok(new) => rows.push(new),
            Err(err) => problems.push(ImportProblem::from_error(line, &err)),
        }
    }
    if !problems.is_empty() {
        return Ok(ImportReport { imported: 0, unchanged: 0, problems });
    }
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let (mut imported, mut unchanged) = (0, 0);
        for new in &rows {
            if exists(tx, new)? {
                unchanged += 1;
            } else {
                insert(tx, actor, new)?;
                imported += 1;
            }
        }
        Ok(ImportReport { imported, unchanged, problems: Vec::new() })
    })
}
