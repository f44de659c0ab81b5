//! Configurable checklists: the vehicle inspection at the gate and (issue 5) the joint check
//! at shift handover. Supervisors keep the items; a new site starts with sensible defaults.
//! A filled-in checklist is a list of `CheckResult`s stored with the record it belongs to.
//! Called by: `site` (defaults), `vehicles`, the shell.

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

const LABEL_MAX: usize = 40;
const NOTE_MAX: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChecklistKind {
    Vehicle,
    Handover,
}

impl ChecklistKind {
    fn as_str(self) -> &'static str {
        match self {
            ChecklistKind::Vehicle => "vehicle",
            ChecklistKind::Handover => "handover",
        }
    }

    /// A new site's items (the site's own language is Chinese; supervisors change them).
    fn defaults(self) -> &'static [&'static str] {
        match self {
            ChecklistKind::Vehicle => &["后备箱已检查", "货物与单据相符", "封条完好", "车内人数与登记一致"],
            ChecklistKind::Handover => &["钥匙齐全", "对讲机正常", "监控设备正常", "消防器材完好", "大门已上锁", "值班记录已填写"],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChecklistItem {
    #[ts(type = "number")]
    pub id: i64,
    pub label: String,
    pub active: bool,
}

/// One item as checked: OK, or a problem with a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub item: String,
    pub ok: bool,
    #[serde(default)]
    pub note: Option<String>,
}

fn insert(tx: &Tx<'_>, actor: Option<&Actor>, list: ChecklistKind, label: &str) -> Result<i64> {
    let position: i64 = tx.query_row("SELECT coalesce(max(position), 0) + 1 FROM checklist_item WHERE list = ?1", [list.as_str()], |r| r.get(0))?;
    tx.execute(
        "INSERT INTO checklist_item (uid, list, label, position, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![uuid::Uuid::now_v7().to_string(), list.as_str(), label, position, tx.now_ms()],
    )?;
    let id = tx.last_insert_rowid();
    audit::record_change(tx, &catalogue::CHECKLIST_ITEM, id, Event::new("checklist_item_added", actor))?;
    Ok(id)
}

/// Puts the default items on a new site's lists.
pub(crate) fn seed_defaults(tx: &Tx<'_>) -> Result<()> {
    for list in [ChecklistKind::Vehicle, ChecklistKind::Handover] {
        for label in list.defaults() {
            insert(tx, None, list, label)?;
        }
    }
    Ok(())
}

fn item(conn: &Connection, id: i64) -> Result<ChecklistItem> {
    conn.query_row("SELECT id, label, active FROM checklist_item WHERE id = ?1", [id], |r| {
        Ok(ChecklistItem { id: r.get(0)?, label: r.get(1)?, active: r.get(2)? })
    })
    .optional()?
    .ok_or_else(|| Error::new(ErrorCode::ChecklistItemNotFound, "no such checklist item"))
}

/// The items of a list in order; active ones only unless `all` (supervisors editing it).
pub fn items(db: &Db, actor: &Actor, list: ChecklistKind, all: bool) -> Result<Vec<ChecklistItem>> {
    db.read(|conn| {
        guards::authorize(conn, actor, if all { Role::Supervisor } else { Role::Guard })?;
        active_items(conn, list, all)
    })
}

fn active_items(conn: &Connection, list: ChecklistKind, all: bool) -> Result<Vec<ChecklistItem>> {
    let mut stmt = conn.prepare("SELECT id, label, active FROM checklist_item WHERE list = ?1 AND (?2 OR active = 1) ORDER BY position")?;
    let rows = stmt
        .query_map(rusqlite::params![list.as_str(), all], |r| Ok(ChecklistItem { id: r.get(0)?, label: r.get(1)?, active: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn add_item(db: &Db, actor: &Actor, list: ChecklistKind, label: &str) -> Result<ChecklistItem> {
    let label = validate::required_text("label", label, LABEL_MAX)?;
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let exists: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM checklist_item WHERE list = ?1 AND label = ?2)", [list.as_str(), &label], |r| r.get(0))?;
        if exists {
            return Err(Error::new(ErrorCode::ChecklistItemExists, "this item is already on the list").on_field("label"));
        }
        let id = insert(tx, Some(actor), list, &label)?;
        item(tx, id)
    })
}

pub fn set_item_active(db: &Db, actor: &Actor, id: i64, active: bool) -> Result<ChecklistItem> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        if item(tx, id)?.active != active {
            tx.execute("UPDATE checklist_item SET active = ?2 WHERE id = ?1", rusqlite::params![id, active])?;
            audit::record_change(
                tx,
                &catalogue::CHECKLIST_ITEM,
                id,
                Event::new(if active { "checklist_item_enabled" } else { "checklist_item_disabled" }, Some(actor)),
            )?;
        }
        item(tx, id)
    })
}

/// Checks a filled-in list: every active item answered once, a note on every problem.
pub(crate) fn validate_results(conn: &Connection, list: ChecklistKind, results: &[CheckResult]) -> Result<Vec<CheckResult>> {
    let expected = active_items(conn, list, false)?;
    let mut checked = Vec::with_capacity(expected.len());
    for item in &expected {
        let result = results.iter().find(|r| r.item == item.label).ok_or_else(|| {
            Error::invalid("checklist", ErrorCode::ChecklistIncomplete, "answer every checklist item (OK or problem)").with_param("item", &item.label)
        })?;
        let note = validate::optional_text("checklist", result.note.as_deref(), NOTE_MAX)?;
        if !result.ok && note.is_none() {
            return Err(Error::invalid("checklist", ErrorCode::ChecklistNoteRequired, "say what the problem is").with_param("item", &item.label));
        }
        checked.push(CheckResult { item: item.label.clone(), ok: result.ok, note });
    }
    Ok(checked)
}
