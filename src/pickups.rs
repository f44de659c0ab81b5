//! Kindergarten mid-day pick-ups (中途离园登记): which child left with whom, confirmed by
//! which teacher, when. The picker's identity is personal data under a commitment, like a
//! visitor's.
//!
//! Rules (issue 14 item 8):
//! - A picker chosen from the child's authorised pickers list (`pickers`) goes with the
//!   list's name, relation and phone; an ID number shown at the gate must end in the list's
//!   last four characters.
//! - Anyone else is stopped (`PickerNotListed`, logged as `pickup_stopped_not_listed`)
//!   until the class teacher confirms by name and the guard records how (phone, in person,
//!   video call); the full ID number is then required, as for a visitor.
//! - Every picker is screened against the watchlist as a visitor is: hits must be
//!   acknowledged and a `deny` hit needs a supervisor's PIN and reason (`watchlist`).
//! - Phones are shown masked, like ID numbers.
//!
//! Must not: format for display. Called by: the shell.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::db::Db;
use crate::error::{Error, ErrorCode, Result};
use crate::guards::{self, SupervisorOverride};
use crate::validate::{self, cn_id, phone};
use crate::watchlist::{self, ScreenQuery};
use crate::{pickers, pii, site};

/// How the class teacher confirmed a picker who is not on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TeacherConfirmation {
    /// The guard phoned the teacher.
    Phone,
    /// The teacher came to the gate.
    InPerson,
    /// A video call.
    Video,
}

impl TeacherConfirmation {
    fn as_str(self) -> &'static str {
        match self {
            TeacherConfirmation::Phone => "phone",
            TeacherConfirmation::InPerson => "in_person",
            TeacherConfirmation::Video => "video",
        }
    }
}

impl rusqlite::types::FromSql for TeacherConfirmation {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match value.as_str()? {
            "phone" => Ok(TeacherConfirmation::Phone),
            "in_person" => Ok(TeacherConfirmation::InPerson),
            "video" => Ok(TeacherConfirmation::Video),
            _ => Err(rusqlite::types::FromSqlError::InvalidType),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct NewPickup {
    pub child_name: String,
    pub class_name: String,
    pub picker_name: String,
    /// e.g. 父亲, 母亲, 祖父母
    pub relation: String,
    pub picker_id_number: String,
    pub picker_phone: String,
    /// The teacher who confirmed the pick-up (required for a picker not on the list).
    pub teacher: String,
    /// The entry of the child's authorised pickers list the guard chose; `None`: the
    /// picker is not on the list. The list's name, relation and phone are then used.
    #[ts(type = "number | null")]
    pub authorised_picker_id: Option<i64>,
    /// How the teacher confirmed a picker not on the list.
    pub teacher_confirmation: Option<TeacherConfirmation>,
    /// Watchlist entries the guard has seen and acknowledged on screen.
    #[ts(type = "number[]")]
    pub acknowledged_watchlist: Vec<i64>,
    /// A supervisor's approval for a `deny` hit.
    pub watchlist_override: Option<SupervisorOverride>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PickupRow {
    #[ts(type = "number")]
    pub id: i64,
    pub child_name: String,
    /// The retention period ended: the names, ID number and phone are gone.
    pub purged: bool,
    pub class_name: String,
    pub picker_name: String,
    pub relation: String,
    pub picker_id_number_masked: String,
    /// `138****5678`.
    pub picker_phone_masked: String,
    /// The picker was chosen from the child's authorised pickers list.
    pub on_list: bool,
    pub teacher: String,
    /// How the teacher confirmed a picker not on the list.
    pub teacher_confirmation: Option<TeacherConfirmation>,
    #[ts(type = "number")]
    pub picked_up_at_ms: i64,
    pub recorded_by: String,
}

const SELECT: &str = "SELECT p.id, p.child_name, p.class_name, p.picker_name, p.relation, p.picker_id_number, p.picker_phone,
        p.teacher, p.picked_up_at_ms, g.name, p.pii_salt IS NULL, p.authorised_picker_id IS NOT NULL, p.teacher_confirmation
     FROM pickup p JOIN guard g ON g.id = p.recorded_by";

fn map_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PickupRow> {
    let text = |i: usize| -> rusqlite::Result<String> { Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default()) };
    Ok(PickupRow {
        id: r.get(0)?,
        child_name: text(1)?,
        purged: r.get(10)?,
        class_name: r.get(2)?,
        picker_name: text(3)?,
        relation: r.get(4)?,
        picker_id_number_masked: cn_id::mask(&text(5)?),
        picker_phone_masked: crate::visits::mask_phone(&text(6)?),
        on_list: r.get(11)?,
        teacher: r.get(7)?,
        teacher_confirmation: r.get(12)?,
        picked_up_at_ms: r.get(8)?,
        recorded_by: r.get(9)?,
    })
}

fn row(conn: &Connection, id: i64) -> Result<PickupRow> {
    conn.query_row(&format!("{SELECT} WHERE p.id = ?1"), [id], map_row)
        .optional()?
        .ok_or_else(|| Error::new(ErrorCode::Internal, "the pick-up just saved is missing"))
}

/// The picker as the pick-up records them: from the list, or as typed and confirmed.
struct Picker {
    name: String,
    relation: String,
    id_number: Option<String>,
    phone: String,
    teacher: String,
    authorised_picker_id: Option<i64>,
    confirmation: Option<TeacherConfirmation>,
}

/// The chosen entry is not (or no longer) on this child's current list.
fn no_longer_listed() -> Error {
    Error::new(ErrorCode::PickerNotFound, "this picker is no longer on the child's list: look the child up again").on_field("picker_name")
}

/// A picker chosen from the child's current list; an ID number shown must match it.
fn listed_picker(db: &Db, new: &NewPickup, id: i64, class_name: &str, child_name: &str, today: chrono::NaiveDate) -> Result<Picker> {
    let entry = db.read(|conn| pickers::current_entry(conn, id))?.ok_or_else(no_longer_listed)?;
    if entry.class_name != class_name || entry.child_name != child_name {
        return Err(no_longer_listed());
    }
    let id_number = match new.picker_id_number.trim() {
        "" => None,
        typed => {
            let number = cn_id::parse(typed, today).map_err(|e| e.on_field("picker_id_number"))?.number;
            if !number.ends_with(&entry.id_last4) {
                return Err(Error::invalid(
                    "picker_id_number",
                    ErrorCode::PickerIdMismatch,
                    "this ID number does not end in the four characters on the list: check the card, or record the picker as not on the list",
                )
                .with_param("last4", &entry.id_last4));
            }
            Some(number)
        }
    };
    let teacher = match new.teacher.trim() {
        "" => String::new(),
        name => validate::person_name("teacher", name, 50)?,
    };
    Ok(Picker { name: entry.picker_name, relation: entry.relation, id_number, phone: entry.phone, teacher, authorised_picker_id: Some(id), confirmation: None })
}

/// A picker not on the list: identified in full, and let through only with the class
/// teacher's name and how they confirmed (otherwise stopped, and the stop is logged).
fn unlisted_picker(db: &Db, actor: &Actor, new: &NewPickup, class_name: &str, today: chrono::NaiveDate) -> Result<Picker> {
    let name = validate::person_name("picker_name", &new.picker_name, 50)?;
    let relation = validate::required_text("relation", &new.relation, 20)?;
    let id_number = cn_id::parse(&new.picker_id_number, today).map_err(|e| e.on_field("picker_id_number"))?.number;
    let phone = phone::parse("picker_phone", &new.picker_phone)?;
    let (teacher, confirmation) = match (new.teacher.trim(), new.teacher_confirmation) {
        ("", _) | (_, None) => {
            db.write(|tx| audit::append(tx, Event::new("pickup_stopped_not_listed", Some(actor)).detail(serde_json::json!({ "class_name": class_name }))))?;
            let field = if new.teacher.trim().is_empty() { "teacher" } else { "teacher_confirmation" };
            return Err(Error::new(
                ErrorCode::PickerNotListed,
                "this person is not on the child's authorised pickers list: the class teacher must confirm, give the teacher's name and how they confirmed",
            )
            .on_field(field));
        }
        (teacher, Some(how)) => (validate::person_name("teacher", teacher, 50)?, how),
    };
    Ok(Picker { name, relation, id_number: Some(id_number), phone, teacher, authorised_picker_id: None, confirmation: Some(confirmation) })
}

pub fn record(db: &Db, actor: &Actor, new: &NewPickup) -> Result<PickupRow> {
    let today = db.clock().local(db.clock().now_ms()).date_naive();
    db.read(|conn| guards::authorize(conn, actor, Role::Guard))?;
    let child_name = validate::person_name("child_name", &new.child_name, 50)?;
    let class_name = validate::required_text("class_name", &new.class_name, 30)?;
    let picker = match new.authorised_picker_id {
        Some(id) => listed_picker(db, new, id, &class_name, &child_name, today)?,
        None => unlisted_picker(db, actor, new, &class_name, today)?,
    };
    let query = ScreenQuery { name: Some(picker.name.clone()), id_number: picker.id_number.clone(), plate: None };
    let cleared = watchlist::clear_for_entry(db, actor, &query, &new.acknowledged_watchlist, new.watchlist_override.as_ref())?;
    let approval = cleared.approval.clone();
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Guard)?;
        // The list may have been replaced since it was read: the entry must still be on it.
        if let Some(id) = picker.authorised_picker_id {
            if pickers::current_entry(tx, id)?.is_none() {
                return Err(no_longer_listed());
            }
        }
        let salt = pii::new_salt();
        let commitment = pii::commitment(
            &salt,
            &[
                ("child_name", Some(&child_name)),
                ("picker_name", Some(&picker.name)),
                ("picker_id_number", picker.id_number.as_deref()),
                ("picker_phone", Some(&picker.phone)),
            ],
        );
        tx.execute(
            "INSERT INTO pickup (uid, child_name, class_name, picker_name, relation, picker_id_number, picker_phone, pii_salt,
                 pii_commitment, teacher, picked_up_at_ms, recorded_by, authorised_picker_id, teacher_confirmation,
                 watchlist_override_by, watchlist_override_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            rusqlite::params![
                uuid::Uuid::now_v7().to_string(),
                child_name,
                class_name,
                picker.name,
                picker.relation,
                picker.id_number,
                picker.phone,
                salt,
                commitment,
                picker.teacher,
                tx.now_ms(),
                actor.guard_id,
                picker.authorised_picker_id,
                picker.confirmation.map(TeacherConfirmation::as_str),
                approval.as_ref().map(|(s, _)| s.guard_id),
                approval.as_ref().map(|(_, reason)| reason.as_str()),
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::record_change(tx, &catalogue::PICKUP, id, Event::new("pickup_recorded", Some(actor)).detail(cleared.detail()))?;
        crate::search::index_new(tx, crate::search::SearchKind::Pickup, id)?;
        cleared.record_override(tx, actor)?;
        row(tx, id)
    })
}

/// Pick-ups of the current duty day, newest first; `query` (2+ characters) filters by
/// child, class or picker.
pub fn list_today(db: &Db, actor: &Actor, query: &str) -> Result<Vec<PickupRow>> {
    let now = db.clock().now_ms();
    let query = query.trim();
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let settings = site::read_settings(conn)?;
        let start = site::duty_day_start_ms(db.clock(), now, settings.duty_day_start_hour);
        let pattern = format!("%{}%", query.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let mut stmt = conn.prepare(&format!(
            "{SELECT} WHERE p.picked_up_at_ms >= ?1
               AND (?2 = '' OR p.child_name LIKE ?3 ESCAPE '\\' OR p.class_name LIKE ?3 ESCAPE '\\' OR p.picker_name LIKE ?3 ESCAPE '\\')
             ORDER BY p.picked_up_at_ms DESC, p.id DESC"
        ))?;
        let rows = stmt.query_map(rusqlite::params![start, query, pattern], map_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    })
}
