//! Who is on site now, counted in people rather than records (人员清点): the evacuation
//! roster, the status bar's and the dashboard's figures.
//!
//! A visit counts its visitor and companions. A vehicle counts its driver and passengers,
//! less the passengers registered as visitors who are still inside (they are counted with
//! the visitors). A pass holder counts once their last accepted scan at this gate is "in",
//! taken after the gate first scanned a pass out: a gate that only ever scans in cannot
//! know who left, so it counts none. Pick-ups are recorded as the child leaves with the
//! picker, so pickers are never inside in the record, and contractor crews are pass holders
//! until contractors have a register of their own.
//! Must not: write anything. Called by: the shell (roster, status), the CLI (`roster`).

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::db::Db;
use crate::error::Result;
use crate::guards;
use crate::site;
use crate::validate::document;
use crate::visits::mask_phone;

/// The groups of the roster, in the order it lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HeadcountKind {
    Visitors,
    Vehicles,
    PassHolders,
}

impl HeadcountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HeadcountKind::Visitors => "visitors",
            HeadcountKind::Vehicles => "vehicles",
            HeadcountKind::PassHolders => "pass_holders",
        }
    }
}

/// One record on site and the people it stands for.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HeadcountRow {
    /// The visit's, vehicle visit's or pass's id.
    #[ts(type = "number")]
    pub id: i64,
    /// The visitor's or pass holder's name, or the plate. Empty once retention removed it.
    pub label: String,
    /// People named with the record: companions, or the driver.
    pub names: Vec<String>,
    #[ts(type = "number")]
    pub people: i64,
    /// Whom they came to see, the organisation, the department or class.
    pub detail: String,
    pub id_number_masked: String,
    pub phone_masked: String,
    /// When they came in (the visit, the vehicle, the pass's last "in" scan).
    #[ts(type = "number")]
    pub since_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HeadcountGroup {
    pub kind: HeadcountKind,
    #[ts(type = "number")]
    pub people: i64,
    /// Oldest arrival first (the order of a roll call).
    pub rows: Vec<HeadcountRow>,
}

/// Everyone on site now, for a roll call (人员清点), with the time it was drawn.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Roster {
    pub site_name: String,
    pub gate_name: String,
    #[ts(type = "number")]
    pub generated_at_ms: i64,
    pub generated_by: String,
    #[ts(type = "number")]
    pub total_people: i64,
    /// Every group, empty ones included, so a printed "0" shows the group was counted.
    pub groups: Vec<HeadcountGroup>,
}

/// The evacuation roster (any guard on duty).
pub fn roster(db: &Db, actor: &Actor) -> Result<Roster> {
    let groups = db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        groups(conn)
    })?;
    drawn(db, actor.name(), groups)
}

/// The roster for the admin CLI, whose user holds the database file itself (like `verify`).
pub fn roster_as_admin(db: &Db) -> Result<Roster> {
    let groups = db.read(groups)?;
    drawn(db, "gatehouse roster", groups)
}

fn drawn(db: &Db, by: &str, groups: Vec<HeadcountGroup>) -> Result<Roster> {
    let settings = site::settings(db)?;
    Ok(Roster {
        site_name: settings.site_name,
        gate_name: settings.gate_name,
        generated_at_ms: db.clock().now_ms(),
        generated_by: by.to_string(),
        total_people: groups.iter().map(|g| g.people).sum(),
        groups,
    })
}

/// People on site in one group, without the rows (the status bar's figures).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HeadcountTally {
    pub kind: HeadcountKind,
    #[ts(type = "number")]
    pub people: i64,
}

pub(crate) fn tallies(conn: &Connection) -> Result<Vec<HeadcountTally>> {
    Ok(groups(conn)?.into_iter().map(|g| HeadcountTally { kind: g.kind, people: g.people }).collect())
}

fn groups(conn: &Connection) -> Result<Vec<HeadcountGroup>> {
    let groups = [(HeadcountKind::Visitors, visitors(conn)?), (HeadcountKind::Vehicles, vehicles(conn)?), (HeadcountKind::PassHolders, pass_holders(conn)?)];
    Ok(groups.into_iter().map(|(kind, rows)| HeadcountGroup { kind, people: rows.iter().map(|r| r.people).sum(), rows }).collect())
}

/// Companions' names as typed: separated by 、，,；; or spaces.
pub(crate) fn listed_names(text: &str) -> Vec<String> {
    text.split(|c: char| matches!(c, '、' | '，' | ',' | '；' | ';') || c.is_whitespace()).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

fn text(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<String> {
    Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
}

fn visitors(conn: &Connection) -> Result<Vec<HeadcountRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.id, v.name, v.companions, v.companion_names, v.host, s.department, v.organisation, v.id_number, v.phone, v.checked_in_at_ms
         FROM visit v LEFT JOIN staff s ON s.id = v.host_staff_id
         WHERE v.checked_out_at_ms IS NULL ORDER BY v.checked_in_at_ms, v.id",
    )?;
    let rows = stmt.query_map([], |r| {
        let companions: i64 = r.get::<_, Option<i64>>(2)?.unwrap_or(0).max(0);
        let department = text(r, 5)?;
        let host = if department.is_empty() { text(r, 4)? } else { format!("{}（{department}）", text(r, 4)?) };
        Ok(HeadcountRow {
            id: r.get(0)?,
            label: text(r, 1)?,
            names: listed_names(&text(r, 3)?),
            people: 1 + companions,
            detail: [host, text(r, 6)?].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · "),
            id_number_masked: document::mask(&text(r, 7)?),
            phone_masked: mask_phone(&text(r, 8)?),
            since_ms: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn vehicles(conn: &Connection) -> Result<Vec<HeadcountRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.id, v.plate, coalesce(v.driver_name, r.owner), v.passengers, v.organisation, v.driver_phone, v.checked_in_at_ms,
             (SELECT count(*) FROM vehicle_visitor l JOIN visit x ON x.id = l.visit_id WHERE l.vehicle_visit_id = v.id AND x.checked_out_at_ms IS NULL)
         FROM vehicle_visit v LEFT JOIN registered_vehicle r ON r.id = v.registered_vehicle_id
         WHERE v.checked_out_at_ms IS NULL ORDER BY v.checked_in_at_ms, v.id",
    )?;
    let rows = stmt.query_map([], |r| {
        let passengers: i64 = r.get(3)?;
        let registered_inside: i64 = r.get(7)?;
        let driver = text(r, 2)?;
        Ok(HeadcountRow {
            id: r.get(0)?,
            label: r.get(1)?,
            names: if driver.is_empty() { Vec::new() } else { vec![driver] },
            people: 1 + (passengers - registered_inside).max(0),
            detail: text(r, 4)?,
            id_number_masked: String::new(),
            phone_masked: mask_phone(&text(r, 5)?),
            since_ms: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn pass_holders(conn: &Connection) -> Result<Vec<HeadcountRow>> {
    // Scans in insertion order (the id), not by time: a clock set back must not reorder them.
    let mut stmt = conn.prepare_cached(
        "WITH last AS (
             SELECT id, key_id, serial, direction, scanned_at_ms, holder_hint,
                 row_number() OVER (PARTITION BY key_id, serial ORDER BY id DESC) AS nth
             FROM pass_scan WHERE accepted = 1 AND key_id IS NOT NULL AND serial IS NOT NULL)
         SELECT coalesce(p.id, 0), coalesce(p.holder_name, l.holder_hint), p.department, p.holder_id_number, p.holder_phone, l.scanned_at_ms
         FROM last l LEFT JOIN pass p ON p.key_id = l.key_id AND p.serial = l.serial
         WHERE l.nth = 1 AND l.direction = 'in'
           AND l.id > (SELECT min(id) FROM pass_scan WHERE accepted = 1 AND direction = 'out')
         ORDER BY l.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(HeadcountRow {
            id: r.get(0)?,
            label: text(r, 1)?,
            names: Vec::new(),
            people: 1,
            detail: text(r, 2)?,
            id_number_masked: document::mask(&text(r, 3)?),
            phone_masked: mask_phone(&text(r, 4)?),
            since_ms: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::listed_names;

    #[test]
    fn companions_are_listed_by_any_separator_a_guard_types() {
        assert_eq!(listed_names("张三、李四，王五, 赵六；钱七 孙八"), ["张三", "李四", "王五", "赵六", "钱七", "孙八"]);
        assert!(listed_names(" 、 ").is_empty());
    }
}
