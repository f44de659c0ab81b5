//! Kindergarten mid-day pick-ups (中途离园登记): which child left with whom, confirmed by
//! which teacher, when. The picker's identity is personal data under a commitment, like a
//! visitor's. Must not: format for display. Called by: the shell.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::{self, Audited, Event};
use crate::db::Db;
use crate::error::{Error, ErrorCode, Result};
use crate::guards::{self, Actor, Role};
use crate::validate::{self, cn_id, phone};
use crate::{pii, site};

pub(crate) const AUDITED: Audited = Audited {
    entity: "pickup",
    table: "pickup",
    columns: &["id", "uid", "pii_commitment", "class_name", "relation", "teacher", "picked_up_at_ms", "recorded_by"],
    pii_columns: &["child_name", "picker_name", "picker_id_number", "picker_phone"], blob_digests: &[],
};

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
    /// The teacher who confirmed the pick-up.
    pub teacher: String,
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
    pub picker_phone: String,
    pub teacher: String,
    #[ts(type = "number")]
    pub picked_up_at_ms: i64,
    pub recorded_by: String,
}

const SELECT: &str = "SELECT p.id, p.child_name, p.class_name, p.picker_name, p.relation, p.picker_id_number, p.picker_phone,
        p.teacher, p.picked_up_at_ms, g.name, p.pii_salt IS NULL
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
        picker_phone: text(6)?,
        teacher: r.get(7)?,
        picked_up_at_ms: r.get(8)?,
        recorded_by: r.get(9)?,
    })
}

fn row(conn: &Connection, id: i64) -> Result<PickupRow> {
    conn.query_row(&format!("{SELECT} WHERE p.id = ?1"), [id], map_row)
        .optional()?
        .ok_or_else(|| Error::not_found(ErrorCode::Internal, "the pick-up just saved is missing"))
}

pub fn record(db: &Db, actor: &Actor, new: &NewPickup) -> Result<PickupRow> {
    let today = db.clock().local(db.clock().now_ms()).date_naive();
    let child_name = validate::person_name("child_name", &new.child_name, 50)?;
    let class_name = validate::required_text("class_name", &new.class_name, 30)?;
    let picker_name = validate::person_name("picker_name", &new.picker_name, 50)?;
    let relation = validate::required_text("relation", &new.relation, 20)?;
    let picker_id_number = cn_id::parse(&new.picker_id_number, today).map_err(|e| e.on_field("picker_id_number"))?.number;
    let picker_phone = phone::parse("picker_phone", &new.picker_phone)?;
    let teacher = validate::person_name("teacher", &new.teacher, 50)?;
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Guard)?;
        let salt = pii::new_salt();
        let commitment = pii::commitment(
            &salt,
            &[
                ("child_name", Some(&child_name)),
                ("picker_name", Some(&picker_name)),
                ("picker_id_number", Some(&picker_id_number)),
                ("picker_phone", Some(&picker_phone)),
            ],
        );
        tx.execute(
            "INSERT INTO pickup (uid, child_name, class_name, picker_name, relation, picker_id_number, picker_phone, pii_salt,
                 pii_commitment, teacher, picked_up_at_ms, recorded_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            rusqlite::params![
                uuid::Uuid::now_v7().to_string(),
                child_name,
                class_name,
                picker_name,
                relation,
                picker_id_number,
                picker_phone,
                salt,
                commitment,
                teacher,
                tx.now_ms(),
                actor.guard_id
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::record_change(tx, &AUDITED, id, Event::new("pickup_recorded", Some(actor)))?;
        crate::search::index_new(tx, crate::search::SearchKind::Pickup, id)?;
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
