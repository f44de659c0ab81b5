//! Vehicles at the gate (车辆): check-in with driver and inspection, registered staff
//! vehicles that pass with one action, the on-site list, check-out.
//!
//! A plate is validated and normalised (see `validate::plate`); a special plate needs the
//! guard's confirmation. A watchlisted plate raises the same banner as a visitor (see
//! `watchlist::clear_for_entry`). The driver's identity is personal data under a
//! commitment. Must not: handle goods (see `goods`). Called by: the shell, `status`, `visits`.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::checklist::{self, CheckResult, ChecklistKind};
use crate::db::Db;
use crate::error::{Error, ErrorCode, Result};
use crate::guards::{self, SupervisorOverride};
use crate::validate::plate::{self, Plate, PlateKind};
use crate::validate::{self, cn_id, phone};
use crate::watchlist::{self, ScreenQuery, Screening};
use crate::{photo, pii};

const TEXT_MAX: usize = 100;
const NOTES_MAX: usize = 500;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum VehicleType {
    #[default]
    Car,
    Van,
    Truck,
    Bus,
    Motorcycle,
    Other,
}

impl VehicleType {
    fn as_str(self) -> &'static str {
        match self {
            VehicleType::Car => "car",
            VehicleType::Van => "van",
            VehicleType::Truck => "truck",
            VehicleType::Bus => "bus",
            VehicleType::Motorcycle => "motorcycle",
            VehicleType::Other => "other",
        }
    }

    fn parse(text: &str) -> VehicleType {
        match text {
            "van" => VehicleType::Van,
            "truck" => VehicleType::Truck,
            "bus" => VehicleType::Bus,
            "motorcycle" => VehicleType::Motorcycle,
            "other" => VehicleType::Other,
            _ => VehicleType::Car,
        }
    }
}

/// What the guard records when an outside vehicle comes in.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct NewVehicleVisit {
    pub plate: String,
    /// The guard confirmed a plate that fits no civil form (警, 使, WJ, military…).
    pub confirm_special: bool,
    pub vehicle_type: VehicleType,
    pub colour: Option<String>,
    pub driver_name: String,
    pub driver_phone: String,
    pub driver_id_number: Option<String>,
    pub organisation: Option<String>,
    pub purpose: String,
    #[ts(type = "number")]
    pub passengers: i64,
    /// Visitors (already registered) who came in the vehicle.
    #[ts(type = "number[]")]
    pub linked_visit_ids: Vec<i64>,
    pub inspection: Vec<CheckResult>,
    pub notes: Option<String>,
    pub photo: Option<Vec<u8>>,
    #[ts(type = "number[]")]
    pub acknowledged_watchlist: Vec<i64>,
    pub watchlist_override: Option<SupervisorOverride>,
}

/// A registered vehicle passing with one action.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct RegisteredPass {
    pub plate: String,
    #[ts(type = "number[]")]
    pub acknowledged_watchlist: Vec<i64>,
    pub watchlist_override: Option<SupervisorOverride>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VehicleRow {
    #[ts(type = "number")]
    pub id: i64,
    pub uid: String,
    pub plate: String,
    pub plate_kind: PlateKind,
    pub vehicle_type: VehicleType,
    pub colour: String,
    /// The owner when this is a registered vehicle.
    pub registered_owner: String,
    pub driver_name: String,
    /// The retention period ended: the driver's name, phone, ID number and photo are gone.
    pub purged: bool,
    pub driver_phone_masked: String,
    pub organisation: String,
    pub purpose: String,
    #[ts(type = "number")]
    pub passengers: i64,
    pub linked_visitors: Vec<String>,
    pub inspection: Vec<CheckResult>,
    pub notes: String,
    #[ts(type = "number")]
    pub checked_in_at_ms: i64,
    pub checked_in_by: String,
    #[ts(type = "number | null")]
    pub checked_out_at_ms: Option<i64>,
    pub checked_out_by: String,
    /// Still inside from an earlier day.
    pub overnight: bool,
    /// Exit permits of this stay whose goods are held: the vehicle may not leave until a
    /// supervisor releases each of them.
    pub held_permits: Vec<HeldPermit>,
}

/// An exit permit holding a vehicle at the gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HeldPermit {
    #[ts(type = "number")]
    pub id: i64,
    pub permit_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RegisteredVehicle {
    #[ts(type = "number")]
    pub id: i64,
    pub plate: String,
    pub owner: String,
    pub department: String,
    /// `YYYY-MM-DD`, empty: no end.
    pub valid_until: String,
    pub active: bool,
    /// Active and not past `valid_until` today.
    pub valid_today: bool,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct NewRegisteredVehicle {
    pub plate: String,
    pub confirm_special: bool,
    pub owner: String,
    pub department: String,
    /// `YYYY-MM-DD` or empty.
    pub valid_until: String,
}

/// Everything the gate should know about a plate as soon as it is typed.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlateCheck {
    pub plate: Plate,
    pub registered: Option<RegisteredVehicle>,
    /// The vehicle's open stay if it is inside now (offer check-out).
    pub inside: Option<VehicleRow>,
    pub watchlist: Screening,
}

fn today(db: &Db) -> NaiveDate {
    db.clock().local(db.clock().now_ms()).date_naive()
}

/// What the guard types, as a plate (special plates only when confirmed).
fn parse_plate(input: &str, confirm_special: bool) -> Result<Plate> {
    let plate = plate::parse("plate", input, confirm_special)?;
    Ok(plate)
}

fn inside_id(conn: &Connection, plate: &str) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT id FROM vehicle_visit WHERE plate = ?1 AND checked_out_at_ms IS NULL", [plate], |r| r.get(0)).optional()?)
}

fn registered_by_plate(conn: &Connection, plate: &str, today: NaiveDate) -> Result<Option<RegisteredVehicle>> {
    let id: Option<i64> = conn.query_row("SELECT id FROM registered_vehicle WHERE plate = ?1", [plate], |r| r.get(0)).optional()?;
    id.map(|id| registered(conn, id, today)).transpose()
}

fn registered(conn: &Connection, id: i64, today: NaiveDate) -> Result<RegisteredVehicle> {
    conn.query_row("SELECT id, plate, owner, department, valid_until, active FROM registered_vehicle WHERE id = ?1", [id], |r| {
        let valid_until: Option<String> = r.get(4)?;
        let active: bool = r.get(5)?;
        let in_date = valid_until.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).is_none_or(|until| today <= until);
        Ok(RegisteredVehicle {
            id: r.get(0)?,
            plate: r.get(1)?,
            owner: r.get(2)?,
            department: r.get(3)?,
            valid_until: valid_until.unwrap_or_default(),
            active,
            valid_today: active && in_date,
        })
    })
    .optional()?
    .ok_or_else(|| Error::new(ErrorCode::VehicleNotRegistered, "no such registered vehicle"))
}

/// Looks a typed plate up: registered? inside? watchlisted?
pub fn check_plate(db: &Db, actor: &Actor, input: &str, confirm_special: bool) -> Result<PlateCheck> {
    let plate = parse_plate(input, confirm_special)?;
    let today = today(db);
    let now = db.clock().now_ms();
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let inside = inside_id(conn, &plate.plate)?.map(|id| vehicle_row(conn, id, db, now)).transpose()?;
        Ok(PlateCheck {
            registered: registered_by_plate(conn, &plate.plate, today)?,
            inside,
            watchlist: watchlist::screen_conn(conn, &ScreenQuery { plate: Some(plate.plate.clone()), ..Default::default() })?.into(),
            plate,
        })
    })
}

/// Checks an outside vehicle in.
pub fn check_in(db: &Db, actor: &Actor, new: &NewVehicleVisit) -> Result<VehicleRow> {
    let plate = parse_plate(&new.plate, new.confirm_special)?;
    let colour = validate::optional_text("colour", new.colour.as_deref(), 20)?;
    let driver_name = validate::person_name("driver_name", &new.driver_name, 50)?;
    let driver_phone = phone::parse("driver_phone", &new.driver_phone)?;
    let driver_id_number = match new.driver_id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(number) => Some(cn_id::parse(number, today(db)).map_err(|e| e.on_field("driver_id_number"))?.number),
        None => None,
    };
    let organisation = validate::optional_text("organisation", new.organisation.as_deref(), TEXT_MAX)?;
    let purpose = validate::required_text("purpose", &new.purpose, TEXT_MAX)?;
    let passengers = validate::in_range("passengers", new.passengers, 0, 100)?;
    let notes = validate::optional_text("notes", new.notes.as_deref(), NOTES_MAX)?;
    let photo = new.photo.as_deref().map(|bytes| photo::normalise("photo", bytes)).transpose()?;
    let inspection = db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        ensure_not_inside(conn, &plate.plate)?;
        for visit_id in &new.linked_visit_ids {
            let exists: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM visit WHERE id = ?1)", [visit_id], |r| r.get(0))?;
            if !exists {
                return Err(Error::new(ErrorCode::VisitNotFound, "a linked visitor is not registered").on_field("linked_visit_ids"));
            }
        }
        checklist::validate_results(conn, ChecklistKind::Vehicle, &new.inspection)
    })?;
    let query = ScreenQuery { name: Some(driver_name.clone()), id_number: driver_id_number.clone(), plate: Some(plate.plate.clone()) };
    let cleared = watchlist::clear_for_entry(db, actor, &query, &new.acknowledged_watchlist, new.watchlist_override.as_ref())?;

    db.write(|tx| {
        ensure_not_inside(tx, &plate.plate)?;
        let salt = pii::new_salt();
        let photo_text = photo.as_deref().and_then(|b| pii::value_text(rusqlite::types::ValueRef::Blob(b)));
        let commitment = pii::commitment(
            &salt,
            &[
                ("driver_name", Some(&driver_name)),
                ("driver_phone", Some(&driver_phone)),
                ("driver_id_number", driver_id_number.as_deref()),
                ("photo", photo_text.as_deref()),
            ],
        );
        tx.execute(
            "INSERT INTO vehicle_visit (uid, plate, plate_kind, vehicle_type, colour, driver_name, driver_phone, driver_id_number, photo,
                 pii_salt, pii_commitment, organisation, purpose, passengers, inspection, notes, checked_in_at_ms, checked_in_by,
                 watchlist_override_by, watchlist_override_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
            rusqlite::params![
                uuid::Uuid::now_v7().to_string(),
                plate.plate,
                plate.kind.as_str(),
                new.vehicle_type.as_str(),
                colour,
                driver_name,
                driver_phone,
                driver_id_number,
                photo,
                salt,
                commitment,
                organisation,
                purpose,
                passengers,
                serde_json::to_string(&inspection).unwrap_or_else(|_| "[]".into()),
                notes,
                tx.now_ms(),
                actor.guard_id,
                cleared.approval.as_ref().map(|(s, _)| s.guard_id),
                cleared.approval.as_ref().map(|(_, r)| r.as_str()),
            ],
        )?;
        let id = tx.last_insert_rowid();
        for visit_id in &new.linked_visit_ids {
            tx.execute("INSERT OR IGNORE INTO vehicle_visitor (vehicle_visit_id, visit_id) VALUES (?1, ?2)", [id, *visit_id])?;
        }
        let mut detail = cleared.detail();
        if !new.linked_visit_ids.is_empty() {
            detail["linked_visits"] = serde_json::json!(new.linked_visit_ids);
        }
        if plate.corrected {
            detail["plate_corrected_from"] = serde_json::json!(plate::normalise(&new.plate));
        }
        audit::record_change(tx, &catalogue::VEHICLE_VISIT, id, Event::new("vehicle_checked_in", Some(actor)).detail(detail))?;
        crate::search::index_new(tx, crate::search::SearchKind::Vehicle, id)?;
        cleared.record_override(tx, actor)?;
        vehicle_row(tx, id, db, tx.now_ms())
    })
}

/// A registered staff or resident vehicle passes in with one action.
pub fn pass_registered(db: &Db, actor: &Actor, pass: &RegisteredPass) -> Result<VehicleRow> {
    let plate = parse_plate(&pass.plate, true)?;
    let today = today(db);
    let vehicle = db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        ensure_not_inside(conn, &plate.plate)?;
        let vehicle = registered_by_plate(conn, &plate.plate, today)?
            .ok_or_else(|| Error::new(ErrorCode::VehicleNotRegistered, "this plate is not registered: register the vehicle at the gate").on_field("plate"))?;
        if !vehicle.valid_today {
            return Err(Error::new(ErrorCode::RegistrationExpired, "this vehicle's registration is not valid today: register it at the gate")
                .on_field("plate")
                .with_param("validUntil", &vehicle.valid_until));
        }
        Ok(vehicle)
    })?;
    let query = ScreenQuery { plate: Some(plate.plate.clone()), ..Default::default() };
    let cleared = watchlist::clear_for_entry(db, actor, &query, &pass.acknowledged_watchlist, pass.watchlist_override.as_ref())?;
    db.write(|tx| {
        ensure_not_inside(tx, &plate.plate)?;
        let salt = pii::new_salt();
        tx.execute(
            "INSERT INTO vehicle_visit (uid, plate, plate_kind, vehicle_type, registered_vehicle_id, pii_salt, pii_commitment, purpose,
                 checked_in_at_ms, checked_in_by, watchlist_override_by, watchlist_override_reason)
             VALUES (?1, ?2, ?3, 'car', ?4, ?5, ?6, NULL, ?7, ?8, ?9, ?10)",
            rusqlite::params![
                uuid::Uuid::now_v7().to_string(),
                vehicle.plate,
                plate.kind.as_str(),
                vehicle.id,
                salt,
                pii::commitment(&salt, &[]),
                tx.now_ms(),
                actor.guard_id,
                cleared.approval.as_ref().map(|(s, _)| s.guard_id),
                cleared.approval.as_ref().map(|(_, r)| r.as_str()),
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::record_change(tx, &catalogue::VEHICLE_VISIT, id, Event::new("registered_vehicle_passed", Some(actor)).detail(cleared.detail()))?;
        crate::search::index_new(tx, crate::search::SearchKind::Vehicle, id)?;
        cleared.record_override(tx, actor)?;
        vehicle_row(tx, id, db, tx.now_ms())
    })
}

fn ensure_not_inside(conn: &Connection, plate: &str) -> Result<()> {
    match inside_id(conn, plate)? {
        Some(_) => {
            Err(Error::new(ErrorCode::VehicleAlreadyInside, "this vehicle is already inside: check it out first").on_field("plate").with_param("plate", plate))
        }
        None => Ok(()),
    }
}

/// Checks a vehicle out by its stay's id.
pub fn check_out(db: &Db, actor: &Actor, vehicle_visit_id: i64) -> Result<VehicleRow> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Guard)?;
        let row = vehicle_row(tx, vehicle_visit_id, db, tx.now_ms())?;
        if row.checked_out_at_ms.is_some() {
            return Err(Error::new(ErrorCode::VehicleNotInside, "this vehicle is not inside: it has already left").with_param("plate", &row.plate));
        }
        // Goods with a discrepancy stay inside with their vehicle (seed: 物品不符的一律扣留).
        if let Some(permit) = row.held_permits.first() {
            return Err(Error::new(
                ErrorCode::GoodsHeld,
                format!(
                    "the goods on exit permit {} are held: a supervisor must release them (PIN and reason) before this vehicle leaves",
                    permit.permit_number
                ),
            )
            .with_param("plate", &row.plate)
            .with_param("permit", &permit.permit_number)
            .with_param("permitId", permit.id));
        }
        tx.execute(
            "UPDATE vehicle_visit SET checked_out_at_ms = ?2, checked_out_by = ?3 WHERE id = ?1",
            rusqlite::params![vehicle_visit_id, tx.now_ms(), actor.guard_id],
        )?;
        audit::record_change(tx, &catalogue::VEHICLE_VISIT, vehicle_visit_id, Event::new("vehicle_checked_out", Some(actor)))?;
        vehicle_row(tx, vehicle_visit_id, db, tx.now_ms())
    })
}

/// Checks out whichever stay of this plate is open.
pub fn check_out_plate(db: &Db, actor: &Actor, input: &str) -> Result<VehicleRow> {
    let plate = parse_plate(input, true)?;
    let id = db.read(|conn| inside_id(conn, &plate.plate))?.ok_or_else(|| {
        Error::new(ErrorCode::VehicleNotInside, "this vehicle is not inside: check the plate").on_field("plate").with_param("plate", &plate.plate)
    })?;
    check_out(db, actor, id)
}

const SELECT_ROW: &str = "SELECT v.id, v.uid, v.plate, v.plate_kind, v.vehicle_type, v.colour, r.owner, v.driver_name, v.driver_phone,
        v.organisation, v.purpose, v.passengers, v.inspection, v.notes, v.checked_in_at_ms, gi.name, v.checked_out_at_ms, go.name, v.pii_salt IS NULL
     FROM vehicle_visit v
     JOIN guard gi ON gi.id = v.checked_in_by
     LEFT JOIN guard go ON go.id = v.checked_out_by
     LEFT JOIN registered_vehicle r ON r.id = v.registered_vehicle_id";

fn map_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VehicleRow> {
    let text = |i: usize| -> rusqlite::Result<String> { Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default()) };
    let kind = match r.get::<_, String>(3)?.as_str() {
        "new_energy" => PlateKind::NewEnergy,
        "special" => PlateKind::Special,
        _ => PlateKind::Standard,
    };
    Ok(VehicleRow {
        id: r.get(0)?,
        uid: r.get(1)?,
        plate: r.get(2)?,
        plate_kind: kind,
        vehicle_type: VehicleType::parse(&r.get::<_, String>(4)?),
        colour: text(5)?,
        registered_owner: text(6)?,
        driver_name: text(7)?,
        purged: r.get(18)?,
        driver_phone_masked: crate::visits::mask_phone(&text(8)?),
        organisation: text(9)?,
        purpose: text(10)?,
        passengers: r.get(11)?,
        linked_visitors: Vec::new(),
        inspection: serde_json::from_str(&r.get::<_, String>(12)?).unwrap_or_default(),
        notes: text(13)?,
        checked_in_at_ms: r.get(14)?,
        checked_in_by: r.get(15)?,
        checked_out_at_ms: r.get(16)?,
        checked_out_by: text(17)?,
        overnight: false,
        held_permits: Vec::new(),
    })
}

fn complete(conn: &Connection, db: &Db, now_ms: i64, mut row: VehicleRow) -> Result<VehicleRow> {
    let mut stmt =
        conn.prepare("SELECT coalesce(v.name, '') FROM vehicle_visitor l JOIN visit v ON v.id = l.visit_id WHERE l.vehicle_visit_id = ?1 ORDER BY v.id")?;
    row.linked_visitors = stmt.query_map([row.id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    row.overnight = row.checked_out_at_ms.is_none() && db.clock().local(row.checked_in_at_ms).date_naive() < db.clock().local(now_ms).date_naive();
    let mut held = conn.prepare_cached("SELECT id, permit_number FROM exit_permit WHERE vehicle_visit_id = ?1 AND status = 'held' ORDER BY id")?;
    row.held_permits = held.query_map([row.id], |r| Ok(HeldPermit { id: r.get(0)?, permit_number: r.get(1)? }))?.collect::<rusqlite::Result<_>>()?;
    Ok(row)
}

fn vehicle_row(conn: &Connection, id: i64, db: &Db, now_ms: i64) -> Result<VehicleRow> {
    let row = conn
        .query_row(&format!("{SELECT_ROW} WHERE v.id = ?1"), [id], map_row)
        .optional()?
        .ok_or_else(|| Error::new(ErrorCode::VehicleNotFound, format!("there is no vehicle record {id}")))?;
    complete(conn, db, now_ms, row)
}

/// Vehicles inside now, newest first; those from an earlier day are flagged `overnight`.
pub fn list_on_site(db: &Db, actor: &Actor) -> Result<Vec<VehicleRow>> {
    let now = db.clock().now_ms();
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let mut stmt = conn.prepare(&format!("{SELECT_ROW} WHERE v.checked_out_at_ms IS NULL ORDER BY v.checked_in_at_ms DESC, v.id DESC"))?;
        let rows: Vec<VehicleRow> = stmt.query_map([], map_row)?.collect::<rusqlite::Result<_>>()?;
        rows.into_iter().map(|row| complete(conn, db, now, row)).collect()
    })
}

pub(crate) fn count_on_site(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM vehicle_visit WHERE checked_out_at_ms IS NULL", [], |r| r.get(0))?)
}

pub fn list_registered(db: &Db, actor: &Actor) -> Result<Vec<RegisteredVehicle>> {
    let today = today(db);
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let ids: Vec<i64> =
            conn.prepare("SELECT id FROM registered_vehicle ORDER BY active DESC, plate")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| registered(conn, id, today)).collect()
    })
}

pub fn add_registered(db: &Db, actor: &Actor, new: &NewRegisteredVehicle) -> Result<RegisteredVehicle> {
    let plate = parse_plate(&new.plate, new.confirm_special)?;
    let owner = validate::person_name("owner", &new.owner, 50)?;
    let department = validate::optional_text("department", Some(&new.department), 50)?.unwrap_or_default();
    let valid_until = match new.valid_until.trim() {
        "" => None,
        text => Some(validate::date("valid_until", text)?.to_string()),
    };
    let today = today(db);
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        if registered_by_plate(tx, &plate.plate, today)?.is_some() {
            return Err(Error::new(ErrorCode::RegisteredVehicleExists, "this plate is already registered").on_field("plate"));
        }
        tx.execute(
            "INSERT INTO registered_vehicle (uid, plate, owner, department, valid_until, created_at_ms, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![uuid::Uuid::now_v7().to_string(), plate.plate, owner, department, valid_until, tx.now_ms(), actor.guard_id],
        )?;
        let id = tx.last_insert_rowid();
        audit::record_change(tx, &catalogue::REGISTERED_VEHICLE, id, Event::new("registered_vehicle_added", Some(actor)))?;
        registered(tx, id, today)
    })
}

pub fn set_registered_active(db: &Db, actor: &Actor, id: i64, active: bool) -> Result<RegisteredVehicle> {
    let today = today(db);
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        if registered(tx, id, today)?.active != active {
            tx.execute("UPDATE registered_vehicle SET active = ?2 WHERE id = ?1", rusqlite::params![id, active])?;
            audit::record_change(
                tx,
                &catalogue::REGISTERED_VEHICLE,
                id,
                Event::new(if active { "registered_vehicle_enabled" } else { "registered_vehicle_disabled" }, Some(actor)),
            )?;
        }
        registered(tx, id, today)
    })
}
