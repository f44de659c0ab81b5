//! Kindergarten authorised pickers (接送人名单): per child, who may pick them up (name,
//! relation, phone, the last four characters of the ID number), kept per class.
//!
//! A supervisor imports a class's sheet (CSV or XLSX, read within limits by `sheet`).
//! Columns, in this order (the first row may be a header): class, child, picker, relation,
//! phone, ID last four (`TEMPLATE_HEADER`). Every row is checked first and every problem
//! reported as `row N, field: reason`; if any row is bad nothing changes, so the lists on
//! file are never half replaced. A good file replaces the list of every class it names:
//! that class's current entries are marked removed (never deleted: the pick-ups that named
//! them and the audit chain still resolve) and the file's rows are added, each change an
//! audited event, plus one `authorised_pickers_imported` event with the counts per class.
//! `remove_class` empties a class's list (a class that left). The retention purge clears
//! a removed entry's personal data once it has been removed for the retention period
//! (`retention`), so a replaced list does not linger.
//!
//! The desk looks children up (`find_children`) and `pickups::record` checks a chosen
//! entry with `current_entry`. Phones are masked in everything this module returns.
//! Must not: decide a pick-up (that is `pickups`). Called by: `pickups`, the shell.

use std::collections::{BTreeMap, HashSet};

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::db::{Db, Tx};
use crate::error::{Error, ErrorCode, Result};
use crate::guards;
use crate::staff::ImportProblem;
use crate::validate::{self, cn_id, phone};
use crate::{pii, sheet};

/// The header of the template (Chinese, as the kindergarten fills it in).
pub const TEMPLATE_HEADER: &str = "班级,幼儿姓名,接送人姓名,关系,电话,身份证后四位";
/// Children one look-up returns at most (the desk shows a short list).
pub const FIND_LIMIT: usize = 20;

const CLASS_MAX: usize = 30;
const NAME_MAX: usize = 50;
const RELATION_MAX: usize = 20;

/// One entry of a child's list, as the desk shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuthorisedPicker {
    #[ts(type = "number")]
    pub id: i64,
    pub picker_name: String,
    pub relation: String,
    /// `138****5678`: the list is shown on screen.
    pub phone_masked: String,
    /// The last four characters of the picker's ID number, to compare with the card.
    pub id_last4: String,
}

/// A child and their current list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChildPickers {
    pub class_name: String,
    pub child_name: String,
    pub pickers: Vec<AuthorisedPicker>,
}

/// A class's current list, for the supervisor's screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClassList {
    pub class_name: String,
    #[ts(type = "number")]
    pub children: i64,
    #[ts(type = "number")]
    pub pickers: i64,
    #[ts(type = "number")]
    pub imported_at_ms: i64,
}

/// What an import did to one class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClassReplaced {
    pub class_name: String,
    #[ts(type = "number")]
    pub added: i64,
    #[ts(type = "number")]
    pub removed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PickerImportReport {
    /// The classes replaced (empty when any row had a problem: then nothing changed).
    pub classes: Vec<ClassReplaced>,
    pub problems: Vec<ImportProblem>,
}

/// An entry as `pickups` needs it: the full phone, to copy into the pick-up record.
pub(crate) struct Entry {
    pub class_name: String,
    pub child_name: String,
    pub picker_name: String,
    pub relation: String,
    pub phone: String,
    pub id_last4: String,
}

/// A valid row of an import.
struct Row {
    class_name: String,
    child_name: String,
    picker_name: String,
    relation: String,
    phone: String,
    id_last4: String,
}

/// The template as CSV text (UTF-8 with BOM, so spreadsheet programs read the Chinese).
/// The rows are examples (synthetic), to be replaced.
pub fn template_csv() -> String {
    format!("\u{feff}{TEMPLATE_HEADER}\n小一班,张小明,张伟,父亲,13800000000,123X\n小一班,张小明,李芳,母亲,13900000000,0021\n")
}

/// `123x`, `１２３Ｘ` → `123X`: four characters, digits with an optional final X, like the
/// end of an 18-character ID number.
fn id_last4(input: &str) -> Result<String> {
    let text = cn_id::normalise(input);
    if text.is_empty() {
        return Err(Error::required("id_last4"));
    }
    let chars: Vec<char> = text.chars().collect();
    let ok = chars.len() == 4 && chars[..3].iter().all(char::is_ascii_digit) && (chars[3].is_ascii_digit() || chars[3] == 'X');
    if !ok {
        return Err(Error::invalid(
            "id_last4",
            ErrorCode::PickerIdLast4Format,
            "must be the last four characters of the ID number: 4 digits, or 3 digits and X",
        ));
    }
    Ok(text)
}

fn parse_row(cells: &[String]) -> Result<Row> {
    let cell = |i: usize| cells.get(i).map(String::as_str).unwrap_or("").trim();
    Ok(Row {
        class_name: validate::required_text("class_name", cell(0), CLASS_MAX)?,
        child_name: validate::person_name("child_name", cell(1), NAME_MAX)?,
        picker_name: validate::person_name("picker_name", cell(2), NAME_MAX)?,
        relation: validate::required_text("relation", cell(3), RELATION_MAX)?,
        phone: phone::parse("phone", cell(4))?,
        id_last4: id_last4(cell(5))?,
    })
}

fn is_header(cells: &[String]) -> bool {
    cells.first().is_some_and(|c| c.contains("班级") || c.trim().eq_ignore_ascii_case("class"))
}

/// Imports a sheet (`file_name` tells CSV from XLSX): all rows or none; the classes it
/// names have their lists replaced.
pub fn import(db: &Db, actor: &Actor, file_name: &str, bytes: &[u8]) -> Result<PickerImportReport> {
    db.read(|conn| guards::authorize(conn, actor, Role::Supervisor))?;
    sheet::check_file_size("import_file", bytes.len())?;
    let rows = if file_name.to_lowercase().ends_with(".xlsx") {
        sheet::xlsx_rows("import_file", bytes)?
    } else {
        sheet::csv_rows("import_file", &String::from_utf8_lossy(bytes))?
    };
    let mut valid = Vec::new();
    let mut problems = Vec::new();
    // (class, child, picker): the same picker twice for a child is a mistake in the file.
    let mut seen = HashSet::new();
    for (index, cells) in rows.iter().enumerate() {
        let line = index as u64 + 1;
        if cells.iter().all(|c| c.trim().is_empty()) || (line == 1 && is_header(cells)) {
            continue;
        }
        match parse_row(cells) {
            Ok(row) if !seen.insert((row.class_name.clone(), row.child_name.clone(), row.picker_name.clone())) => {
                let err = Error::invalid(
                    "picker_name",
                    ErrorCode::PickerDuplicate,
                    "this picker is already listed for this child higher up in the file: delete one of the rows",
                );
                problems.push(ImportProblem::from_error(line, &err));
            }
            Ok(row) => valid.push(row),
            Err(err) => problems.push(ImportProblem::from_error(line, &err)),
        }
    }
    if valid.is_empty() && problems.is_empty() {
        return Err(Error::invalid("import_file", ErrorCode::ImportFileInvalid, "the file has no pickers in it"));
    }
    if !problems.is_empty() {
        return Ok(PickerImportReport { classes: Vec::new(), problems });
    }
    let mut by_class: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for row in valid {
        by_class.entry(row.class_name.clone()).or_default().push(row);
    }
    let classes = db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let mut classes = Vec::new();
        for (class_name, rows) in &by_class {
            let removed = remove_current(tx, actor, class_name)?;
            for row in rows {
                insert(tx, actor, row)?;
            }
            classes.push(ClassReplaced { class_name: class_name.clone(), added: rows.len() as i64, removed });
        }
        audit::append(tx, Event::new("authorised_pickers_imported", Some(actor)).detail(json!({ "classes": classes })))?;
        Ok(classes)
    })?;
    Ok(PickerImportReport { classes, problems: Vec::new() })
}

fn insert(tx: &Tx<'_>, actor: &Actor, row: &Row) -> Result<i64> {
    let salt = pii::new_salt();
    let commitment = pii::commitment(
        &salt,
        &[("child_name", Some(&row.child_name)), ("picker_name", Some(&row.picker_name)), ("phone", Some(&row.phone)), ("id_last4", Some(&row.id_last4))],
    );
    tx.execute(
        "INSERT INTO authorised_picker (uid, class_name, child_name, picker_name, relation, phone, id_last4, pii_salt, pii_commitment,
             added_at_ms, added_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        rusqlite::params![
            uuid::Uuid::now_v7().to_string(),
            row.class_name,
            row.child_name,
            row.picker_name,
            row.relation,
            row.phone,
            row.id_last4,
            salt,
            commitment,
            tx.now_ms(),
            actor.guard_id
        ],
    )?;
    let id = tx.last_insert_rowid();
    audit::record_change(tx, &catalogue::AUTHORISED_PICKER, id, Event::new("authorised_picker_added", Some(actor)))?;
    Ok(id)
}

/// Marks the class's current entries removed, each an audited change; returns how many.
fn remove_current(tx: &Tx<'_>, actor: &Actor, class_name: &str) -> Result<i64> {
    let ids: Vec<i64> = tx
        .prepare("SELECT id FROM authorised_picker WHERE class_name = ?1 AND removed_at_ms IS NULL ORDER BY id")?
        .query_map([class_name], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &ids {
        tx.execute("UPDATE authorised_picker SET removed_at_ms = ?2, removed_by = ?3 WHERE id = ?1", rusqlite::params![id, tx.now_ms(), actor.guard_id])?;
        audit::record_change(tx, &catalogue::AUTHORISED_PICKER, *id, Event::new("authorised_picker_removed", Some(actor)))?;
    }
    Ok(ids.len() as i64)
}

/// Empties a class's list (supervisor): returns how many entries were removed. A class
/// without a list is `PickerClassNotFound`.
pub fn remove_class(db: &Db, actor: &Actor, class_name: &str) -> Result<i64> {
    let class_name = validate::required_text("class_name", class_name, CLASS_MAX)?;
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let removed = remove_current(tx, actor, &class_name)?;
        if removed == 0 {
            return Err(Error::new(ErrorCode::PickerClassNotFound, "this class has no authorised pickers list").on_field("class_name"));
        }
        audit::append(tx, Event::new("authorised_pickers_class_removed", Some(actor)).detail(json!({ "class_name": class_name, "removed": removed })))?;
        Ok(removed)
    })
}

/// The classes with a current list (supervisor).
pub fn list_classes(db: &Db, actor: &Actor) -> Result<Vec<ClassList>> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Supervisor)?;
        let mut stmt = conn.prepare(
            "SELECT class_name, count(DISTINCT child_name), count(*), max(added_at_ms) FROM authorised_picker
             WHERE removed_at_ms IS NULL GROUP BY class_name ORDER BY class_name",
        )?;
        let rows = stmt
            .query_map([], |r| Ok(ClassList { class_name: r.get(0)?, children: r.get(1)?, pickers: r.get(2)?, imported_at_ms: r.get(3)? }))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    })
}

/// Children on the current lists whose name (or class) contains `query`, each with their
/// pickers, at most `FIND_LIMIT` children. Any guard (the pick-up desk).
pub fn find_children(db: &Db, actor: &Actor, query: &str) -> Result<Vec<ChildPickers>> {
    let query = query.trim();
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let pattern = format!("%{}%", query.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let mut stmt = conn.prepare(
            "SELECT id, class_name, child_name, picker_name, relation, phone, id_last4 FROM authorised_picker
             WHERE removed_at_ms IS NULL AND (child_name LIKE ?1 ESCAPE '\\' OR class_name LIKE ?1 ESCAPE '\\')
             ORDER BY child_name = ?2 DESC, class_name, child_name, id",
        )?;
        let mut rows = stmt.query(rusqlite::params![pattern, query])?;
        let mut children: Vec<ChildPickers> = Vec::new();
        while let Some(r) = rows.next()? {
            let (class_name, child_name): (String, String) = (r.get(1)?, r.get::<_, Option<String>>(2)?.unwrap_or_default());
            let picker = AuthorisedPicker {
                id: r.get(0)?,
                picker_name: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                relation: r.get(4)?,
                phone_masked: crate::visits::mask_phone(&r.get::<_, Option<String>>(5)?.unwrap_or_default()),
                id_last4: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
            };
            if let Some(last) = children.last_mut().filter(|last| last.class_name == class_name && last.child_name == child_name) {
                last.pickers.push(picker);
            } else if children.len() == FIND_LIMIT {
                break;
            } else {
                children.push(ChildPickers { class_name, child_name, pickers: vec![picker] });
            }
        }
        Ok(children)
    })
}

/// Entry `id` while it is on a current list; `None` once removed (or never there).
pub(crate) fn current_entry(conn: &Connection, id: i64) -> Result<Option<Entry>> {
    let entry = conn
        .query_row(
            "SELECT class_name, child_name, picker_name, relation, phone, id_last4 FROM authorised_picker
             WHERE id = ?1 AND removed_at_ms IS NULL AND pii_salt IS NOT NULL",
            [id],
            |r| Ok(Entry { class_name: r.get(0)?, child_name: r.get(1)?, picker_name: r.get(2)?, relation: r.get(3)?, phone: r.get(4)?, id_last4: r.get(5)? }),
        )
        .optional()?;
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_last4_takes_digits_and_a_final_x() {
        assert_eq!(id_last4("123x").unwrap(), "123X");
        assert_eq!(id_last4("０１２３").unwrap(), "0123");
        assert_eq!(id_last4("12X4").unwrap_err().code(), ErrorCode::PickerIdLast4Format);
        assert_eq!(id_last4("12345").unwrap_err().code(), ErrorCode::PickerIdLast4Format);
        assert_eq!(id_last4("").unwrap_err().code(), ErrorCode::Required);
    }
}
