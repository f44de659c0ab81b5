//! Visitor registration (来访登记): check-in, the on-site list, check-out.
//!
//! Validation lives here (name, resident ID number, host, purpose); personal data (name, ID
//! number) is stored beside a salted commitment, see `pii`. Every check-in and check-out is
//! one transaction with its audit event. Screens get the ID number masked.
//! Must not: format times for display. Called by: the shell, the CLI (`stress`, demo data).

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::{self, Audited, Event};
use crate::db::Db;
use crate::error::{Error, ErrorCode, Result};
use crate::guards::{self, Actor, Role};
use crate::validate::{self, cn_id};
use crate::pii;

pub(crate) const AUDITED: Audited = Audited {
    entity: "visit",
    table: "visit",
    columns: &[
        "id",
        "uid",
        "pii_commitment",
        "host",
        "purpose",
        "checked_in_at_ms",
        "checked_in_by",
        "checked_out_at_ms",
        "checked_out_by",
    ],
    pii_columns: &["name", "id_number"],
};

pub const NAME_MAX: usize = 50;
pub const HOST_MAX: usize = 50;
pub const PURPOSE_MAX: usize = 100;

/// What the guard types at the desk.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewVisit {
    pub name: String,
    pub id_number: String,
    pub host: String,
    pub purpose: String,
}

/// A visit as screens show it: the ID number masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitRow {
    #[ts(type = "number")]
    pub id: i64,
    pub uid: String,
    /// Empty once the retention period purged it.
    pub name: String,
    pub id_number_masked: String,
    pub host: String,
    pub purpose: String,
    #[ts(type = "number")]
    pub checked_in_at_ms: i64,
    /// The guard who registered the visitor.
    pub checked_in_by: String,
    #[ts(type = "number | null")]
    pub checked_out_at_ms: Option<i64>,
}

/// Validates in the order of the form, so the error shown is the first field to fix.
fn validate(new: &NewVisit, today: chrono::NaiveDate) -> Result<(String, String, String, String)> {
    let name = validate::required_text("name", &new.name, NAME_MAX)?;
    let id_number = cn_id::parse(&new.id_number, today)?.number;
    let host = validate::required_text("host", &new.host, HOST_MAX)?;
    let purpose = validate::required_text("purpose", &new.purpose, PURPOSE_MAX)?;
    Ok((name, id_number, host, purpose))
}

/// Registers a visitor as on site now.
pub fn check_in(db: &Db, actor: &Actor, new: &NewVisit) -> Result<VisitRow> {
    let now = db.clock().now_ms();
    let today = db.clock().local(now).date_naive();
    let (name, id_number, host, purpose) = validate(new, today)?;
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Guard)?;
        let salt = pii::new_salt();
        let commitment = pii::commitment(&salt, &[("name", Some(&name)), ("id_number", Some(&id_number))]);
        tx.execute(
            "INSERT INTO visit (uid, name, id_number, pii_salt, pii_commitment, host, purpose, checked_in_at_ms, checked_in_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params![uuid::Uuid::now_v7().to_string(), name, id_number, salt, commitment, host, purpose, tx.now_ms(), actor.guard_id],
        )?;
        let id = tx.last_insert_rowid();
        audit::record_change(tx, &AUDITED, id, Event::new("visit_checked_in", Some(actor)))?;
        visit_row(tx, id)
    })
}

/// Checks a visitor out. A visit already out is a conflict, so a double click or a second
/// scan never rewrites the first check-out time.
pub fn check_out(db: &Db, actor: &Actor, visit_id: i64) -> Result<VisitRow> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Guard)?;
        let row = visit_row(tx, visit_id)?;
        if row.checked_out_at_ms.is_some() {
            return Err(Error::conflict(ErrorCode::AlreadyCheckedOut, "this visitor has already checked out")
                .with_param("name", &row.name)
                .with_param("atMs", row.checked_out_at_ms.unwrap_or_default()));
        }
        tx.execute(
            "UPDATE visit SET checked_out_at_ms = ?2, checked_out_by = ?3 WHERE id = ?1",
            rusqlite::params![visit_id, tx.now_ms(), actor.guard_id],
        )?;
        audit::record_change(tx, &AUDITED, visit_id, Event::new("visit_checked_out", Some(actor)))?;
        visit_row(tx, visit_id)
    })
}

const SELECT_ROW: &str = "SELECT v.id, v.uid, v.name, v.id_number, v.host, v.purpose, v.checked_in_at_ms, g.name, v.checked_out_at_ms
     FROM visit v JOIN guard g ON g.id = v.checked_in_by";

fn map_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VisitRow> {
    let id_number: Option<String> = r.get(3)?;
    Ok(VisitRow {
        id: r.get(0)?,
        uid: r.get(1)?,
        name: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        id_number_masked: id_number.as_deref().map(cn_id::mask).unwrap_or_default(),
        host: r.get(4)?,
        purpose: r.get(5)?,
        checked_in_at_ms: r.get(6)?,
        checked_in_by: r.get(7)?,
        checked_out_at_ms: r.get(8)?,
    })
}

fn visit_row(conn: &Connection, visit_id: i64) -> Result<VisitRow> {
    conn.query_row(&format!("{SELECT_ROW} WHERE v.id = ?1"), [visit_id], map_row)
        .optional()?
        .ok_or_else(|| Error::not_found(ErrorCode::VisitNotFound, format!("there is no visit number {visit_id}")))
}

/// Everyone on site now, newest first.
pub fn list_on_site(db: &Db, actor: &Actor) -> Result<Vec<VisitRow>> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let mut stmt = conn.prepare(&format!("{SELECT_ROW} WHERE v.checked_out_at_ms IS NULL ORDER BY v.checked_in_at_ms DESC, v.id DESC"))?;
        let rows = stmt.query_map([], map_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    })
}

pub(crate) fn count_on_site(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM visit WHERE checked_out_at_ms IS NULL", [], |r| r.get(0))?)
}
