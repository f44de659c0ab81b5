//! Goods at the gate (物资): deliveries coming in, exit permits (出门证/放行条) checked item
//! by item as goods go out, and returnable goods that must come back.
//!
//! An exit permit is recorded from the paper at the gate with the guard's tick for each
//! item. All items match: released. Any item missing or different: a discrepancy, and the
//! vehicle is held unless a supervisor lets it out with PIN and reason (then or later).
//! Returnable goods stay on the "out, not back yet" list until marked returned; past their
//! due date they are overdue. Must not: handle the vehicle's stay (see `vehicles`).
//! Called by: the shell, `status`.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::db::Db;
use crate::error::{Error, ErrorCode, Result};
use crate::guards::{self, SupervisorOverride};
use crate::validate;

const TEXT_MAX: usize = 100;
const MAX_ITEMS: usize = 50;

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct NewDelivery {
    #[ts(type = "number | null")]
    pub vehicle_visit_id: Option<i64>,
    pub description: String,
    /// As typed: "3", "2.5".
    pub quantity: String,
    pub unit: String,
    /// Whom the goods are for.
    pub recipient: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRow {
    #[ts(type = "number")]
    pub id: i64,
    pub plate: String,
    pub description: String,
    pub quantity: f64,
    pub unit: String,
    pub recipient: String,
    #[ts(type = "number")]
    pub received_at_ms: i64,
    pub received_by: String,
}

/// One line of an exit permit and the guard's tick for it.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct PermitItemCheck {
    pub description: String,
    /// As typed on the permit.
    pub quantity: String,
    pub unit: String,
    /// What is on the vehicle matches this line.
    pub matched: bool,
    /// What differs (required when not matched).
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PermitItem {
    pub description: String,
    pub quantity: f64,
    pub unit: String,
    pub matched: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct NewExitPermit {
    pub permit_number: String,
    pub department: String,
    pub issued_by: String,
    /// `YYYY-MM-DD`
    pub issued_on: String,
    pub returnable: bool,
    /// `YYYY-MM-DD`, returnable goods only.
    pub due_on: String,
    #[ts(type = "number | null")]
    pub vehicle_visit_id: Option<i64>,
    pub items: Vec<PermitItemCheck>,
    pub discrepancy_note: Option<String>,
    /// A supervisor letting goods with a discrepancy out.
    pub release: Option<SupervisorOverride>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PermitStatus {
    Released,
    Held,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExitPermitRow {
    #[ts(type = "number")]
    pub id: i64,
    pub permit_number: String,
    pub department: String,
    pub issued_by: String,
    pub issued_on: String,
    pub returnable: bool,
    pub due_on: String,
    pub plate: String,
    pub items: Vec<PermitItem>,
    pub all_match: bool,
    pub status: PermitStatus,
    pub discrepancy_note: String,
    pub released_by: String,
    pub release_reason: String,
    #[ts(type = "number")]
    pub checked_at_ms: i64,
    pub checked_by: String,
    #[ts(type = "number | null")]
    pub returned_at_ms: Option<i64>,
    /// Returnable, not back, and past its due date.
    pub overdue: bool,
}

fn today(db: &Db) -> NaiveDate {
    db.clock().local(db.clock().now_ms()).date_naive()
}

fn ensure_vehicle(conn: &Connection, vehicle_visit_id: Option<i64>) -> Result<()> {
    if let Some(id) = vehicle_visit_id {
        let exists: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM vehicle_visit WHERE id = ?1)", [id], |r| r.get(0))?;
        if !exists {
            return Err(Error::new(ErrorCode::VehicleNotFound, "there is no such vehicle record").on_field("vehicle_visit_id"));
        }
    }
    Ok(())
}

pub fn record_delivery(db: &Db, actor: &Actor, new: &NewDelivery) -> Result<DeliveryRow> {
    let description = validate::required_text("description", &new.description, TEXT_MAX)?;
    let quantity = validate::quantity("quantity", &new.quantity)?;
    let unit = validate::required_text("unit", &new.unit, 10)?;
    let recipient = validate::required_text("recipient", &new.recipient, 50)?;
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Guard)?;
        ensure_vehicle(tx, new.vehicle_visit_id)?;
        tx.execute(
            "INSERT INTO delivery (uid, vehicle_visit_id, description, quantity, unit, recipient, received_at_ms, received_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![uuid::Uuid::now_v7().to_string(), new.vehicle_visit_id, description, quantity, unit, recipient, tx.now_ms(), actor.guard_id],
        )?;
        let id = tx.last_insert_rowid();
        audit::record_change(tx, &catalogue::DELIVERY, id, Event::new("delivery_received", Some(actor)))?;
        delivery_row(tx, id)
    })
}

const SELECT_DELIVERY: &str = "SELECT d.id, coalesce(v.plate, ''), d.description, d.quantity, d.unit, d.recipient, d.received_at_ms, g.name
     FROM delivery d JOIN guard g ON g.id = d.received_by LEFT JOIN vehicle_visit v ON v.id = d.vehicle_visit_id";

fn map_delivery(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeliveryRow> {
    Ok(DeliveryRow {
        id: r.get(0)?,
        plate: r.get(1)?,
        description: r.get(2)?,
        quantity: r.get(3)?,
        unit: r.get(4)?,
        recipient: r.get(5)?,
        received_at_ms: r.get(6)?,
        received_by: r.get(7)?,
    })
}

fn delivery_row(conn: &Connection, id: i64) -> Result<DeliveryRow> {
    Ok(conn.query_row(&format!("{SELECT_DELIVERY} WHERE d.id = ?1"), [id], map_delivery)?)
}

/// Deliveries of the current duty day, newest first.
pub fn list_deliveries_today(db: &Db, actor: &Actor) -> Result<Vec<DeliveryRow>> {
    let now = db.clock().now_ms();
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let start = crate::site::duty_day_start_ms(db.clock(), now, crate::site::read_settings(conn)?.duty_day_start_hour);
        let mut stmt = conn.prepare(&format!("{SELECT_DELIVERY} WHERE d.received_at_ms >= ?1 ORDER BY d.received_at_ms DESC, d.id DESC"))?;
        let rows = stmt.query_map([start], map_delivery)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    })
}

/// Records an exit permit checked at the gate. Returns it released or held.
pub fn check_exit_permit(db: &Db, actor: &Actor, new: &NewExitPermit) -> Result<ExitPermitRow> {
    let permit_number = validate::required_text("permit_number", &new.permit_number, 30)?;
    let department = validate::required_text("department", &new.department, 50)?;
    let issued_by = validate::person_name("issued_by", &new.issued_by, 50)?;
    let issued_on = validate::date("issued_on", &new.issued_on)?;
    let due_on = match (new.returnable, new.due_on.trim()) {
        (false, _) => None,
        (true, "") => return Err(Error::invalid("due_on", ErrorCode::DueRequired, "returnable goods need the date they are due back")),
        (true, text) => {
            let due = validate::date("due_on", text)?;
            if due < issued_on {
                return Err(Error::invalid("due_on", ErrorCode::DueBeforeIssue, "the due date is before the permit's date: check both dates")
                    .with_param("issuedOn", issued_on));
            }
            Some(due)
        }
    };
    if new.items.is_empty() || new.items.len() > MAX_ITEMS {
        return Err(Error::invalid("items", ErrorCode::PermitNeedsItems, "list the permit's items (at least one, at most 50)").with_param("max", MAX_ITEMS));
    }
    let mut items = Vec::with_capacity(new.items.len());
    for (index, item) in new.items.iter().enumerate() {
        let line = |e: Error| e.with_param("line", index + 1);
        let description = validate::required_text("item_description", &item.description, TEXT_MAX).map_err(line)?;
        let quantity = validate::quantity("item_quantity", &item.quantity).map_err(line)?;
        let unit = validate::required_text("item_unit", &item.unit, 10).map_err(line)?;
        let note = validate::optional_text("item_note", item.note.as_deref(), 200).map_err(line)?;
        if !item.matched && note.is_none() {
            return Err(line(Error::invalid("item_note", ErrorCode::ChecklistNoteRequired, "say what differs for this item")));
        }
        items.push(PermitItem { description, quantity, unit, matched: item.matched, note });
    }
    let all_match = items.iter().all(|i| i.matched);
    let discrepancy_note = validate::optional_text("discrepancy_note", new.discrepancy_note.as_deref(), 500)?;
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        ensure_vehicle(conn, new.vehicle_visit_id)
    })?;
    let release = match (&new.release, all_match) {
        (Some(approval), false) => Some(guards::approve_override(db, approval)?),
        _ => None,
    };
    let status = if all_match || release.is_some() { "released" } else { "held" };
    db.write(|tx| {
        tx.execute(
            "INSERT INTO exit_permit (uid, permit_number, department, issued_by, issued_on, returnable, due_on, vehicle_visit_id, items,
                 outcome, status, discrepancy_note, released_by, release_reason, checked_at_ms, checked_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            rusqlite::params![
                uuid::Uuid::now_v7().to_string(),
                permit_number,
                department,
                issued_by,
                issued_on.to_string(),
                new.returnable,
                due_on.map(|d| d.to_string()),
                new.vehicle_visit_id,
                serde_json::to_string(&items).unwrap_or_else(|_| "[]".into()),
                if all_match { "all_match" } else { "discrepancy" },
                status,
                discrepancy_note,
                release.as_ref().map(|(s, _)| s.guard_id),
                release.as_ref().map(|(_, r)| r.as_str()),
                tx.now_ms(),
                actor.guard_id,
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::record_change(tx, &catalogue::EXIT_PERMIT, id, Event::new("exit_permit_checked", Some(actor)))?;
        if let Some((supervisor, reason)) = &release {
            audit::append(tx, Event::new("exit_permit_released", Some(supervisor)).detail(json!({ "permit": permit_number, "reason": reason })))?;
        }
        permit_row(tx, id, today(db))
    })
}

/// A supervisor lets a held permit's goods out after all.
pub fn release_held_permit(db: &Db, actor: &Actor, permit_id: i64, approval: &SupervisorOverride) -> Result<ExitPermitRow> {
    let row = db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        permit_row(conn, permit_id, today(db))
    })?;
    if row.status != PermitStatus::Held {
        return Err(Error::new(ErrorCode::PermitNotHeld, "these goods are not held"));
    }
    let (supervisor, reason) = guards::approve_override(db, approval)?;
    db.write(|tx| {
        let changed = tx.execute(
            "UPDATE exit_permit SET status = 'released', released_by = ?2, release_reason = ?3 WHERE id = ?1 AND status = 'held'",
            rusqlite::params![permit_id, supervisor.guard_id, reason],
        )?;
        if changed == 0 {
            return Err(Error::new(ErrorCode::PermitNotHeld, "these goods are not held"));
        }
        audit::record_change(
            tx,
            &catalogue::EXIT_PERMIT,
            permit_id,
            Event::new("exit_permit_released", Some(&supervisor)).detail(json!({ "guard": actor.guard_uid })),
        )?;
        permit_row(tx, permit_id, today(db))
    })
}

/// Returnable goods came back.
pub fn mark_returned(db: &Db, actor: &Actor, permit_id: i64) -> Result<ExitPermitRow> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Guard)?;
        let row = permit_row(tx, permit_id, today(db))?;
        if !row.returnable {
            return Err(Error::new(ErrorCode::NotReturnable, "these goods were not lent out: nothing is due back"));
        }
        if row.returned_at_ms.is_some() {
            return Err(Error::new(ErrorCode::AlreadyReturned, "these goods were already marked as returned"));
        }
        tx.execute("UPDATE exit_permit SET returned_at_ms = ?2, returned_by = ?3 WHERE id = ?1", rusqlite::params![permit_id, tx.now_ms(), actor.guard_id])?;
        audit::record_change(tx, &catalogue::EXIT_PERMIT, permit_id, Event::new("goods_returned", Some(actor)))?;
        permit_row(tx, permit_id, today(db))
    })
}

const SELECT_PERMIT: &str = "SELECT p.id, p.permit_number, p.department, p.issued_by, p.issued_on, p.returnable, p.due_on, coalesce(v.plate, ''),
        p.items, p.outcome, p.status, p.discrepancy_note, s.name, p.release_reason, p.checked_at_ms, g.name, p.returned_at_ms
     FROM exit_permit p
     JOIN guard g ON g.id = p.checked_by
     LEFT JOIN guard s ON s.id = p.released_by
     LEFT JOIN vehicle_visit v ON v.id = p.vehicle_visit_id";

fn map_permit(r: &rusqlite::Row<'_>, today: NaiveDate) -> rusqlite::Result<ExitPermitRow> {
    let text = |i: usize| -> rusqlite::Result<String> { Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default()) };
    let returnable: bool = r.get(5)?;
    let due_on = text(6)?;
    let returned_at_ms: Option<i64> = r.get(16)?;
    let overdue = returnable && returned_at_ms.is_none() && NaiveDate::parse_from_str(&due_on, "%Y-%m-%d").is_ok_and(|due| today > due);
    Ok(ExitPermitRow {
        id: r.get(0)?,
        permit_number: r.get(1)?,
        department: r.get(2)?,
        issued_by: r.get(3)?,
        issued_on: r.get(4)?,
        returnable,
        due_on,
        plate: r.get(7)?,
        items: serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or_default(),
        all_match: r.get::<_, String>(9)? == "all_match",
        status: if r.get::<_, String>(10)? == "held" { PermitStatus::Held } else { PermitStatus::Released },
        discrepancy_note: text(11)?,
        released_by: text(12)?,
        release_reason: text(13)?,
        checked_at_ms: r.get(14)?,
        checked_by: r.get(15)?,
        returned_at_ms,
        overdue,
    })
}

fn permit_row(conn: &Connection, id: i64, today: NaiveDate) -> Result<ExitPermitRow> {
    conn.query_row(&format!("{SELECT_PERMIT} WHERE p.id = ?1"), [id], |r| map_permit(r, today))
        .optional()?
        .ok_or_else(|| Error::new(ErrorCode::PermitNotFound, "there is no such exit permit"))
}

/// Returnable goods out and not back yet, the overdue first.
pub fn list_out(db: &Db, actor: &Actor) -> Result<Vec<ExitPermitRow>> {
    let today = today(db);
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let mut stmt =
            conn.prepare(&format!("{SELECT_PERMIT} WHERE p.returnable = 1 AND p.returned_at_ms IS NULL AND p.status = 'released' ORDER BY p.due_on, p.id"))?;
        let rows = stmt.query_map([], |r| map_permit(r, today))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    })
}

/// Exit permits checked on the current duty day, newest first (held ones included).
pub fn list_permits_today(db: &Db, actor: &Actor) -> Result<Vec<ExitPermitRow>> {
    let now = db.clock().now_ms();
    let today = today(db);
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let start = crate::site::duty_day_start_ms(db.clock(), now, crate::site::read_settings(conn)?.duty_day_start_hour);
        let mut stmt = conn.prepare(&format!("{SELECT_PERMIT} WHERE p.checked_at_ms >= ?1 OR p.status = 'held' ORDER BY p.checked_at_ms DESC, p.id DESC"))?;
        let rows = stmt.query_map([start], |r| map_permit(r, today))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    })
}

/// How many returnable goods are overdue (the dashboard's warning).
pub(crate) fn count_overdue(conn: &Connection, today: NaiveDate) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM exit_permit WHERE returnable = 1 AND returned_at_ms IS NULL AND status = 'released' AND due_on < ?1",
        [today.to_string()],
        |r| r.get(0),
    )?)
}
