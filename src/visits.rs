//! Visitor registration (来访登记): check-in, the on-site board, check-out, slips, returning
//! visitors, the evacuation roster.
//!
//! Validation lives here; personal data (name, document number, phone, companions' names,
//! photo) is stored beside a salted commitment (see `pii`), and screens get the document
//! number and phone masked: only a supervisor can reveal a number, and that is an audit
//! event. A watchlist hit must be acknowledged and a `deny` hit needs a supervisor's
//! override. In school mode a check-out without the signed slip needs one too.
//! Must not: format times for display. Called by: the shell, the CLI, `status`.

use chrono::{Duration, NaiveTime};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::db::Db;
use crate::error::{Error, ErrorCode, ErrorKind, Result};
use crate::guards::{self, SupervisorOverride};
use crate::validate::document::{self, DocType};
use crate::validate::{self, phone};
use crate::watchlist::{self, ScreenQuery};
use crate::{photo, pii, site, slip, staff};

pub const NAME_MAX: usize = 50;
const HOST_MAX: usize = 50;
const PURPOSE_MAX: usize = 100;
const ORGANISATION_MAX: usize = 100;
const TEXT_MAX: usize = 500;
const COMPANIONS_MAX: i64 = 200;
/// Longest expected stay a guard can enter: 7 days.
const EXPECTED_MINUTES_MAX: i64 = 7 * 24 * 60;

/// What the guard types at the desk.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct NewVisit {
    pub name: String,
    pub doc_type: DocType,
    pub id_number: String,
    pub phone: Option<String>,
    pub organisation: Option<String>,
    /// The host picked from the staff directory; `host` is then taken from it.
    #[ts(type = "number | null")]
    pub host_staff_id: Option<i64>,
    pub host: String,
    pub purpose: String,
    #[ts(type = "number")]
    pub companions: i64,
    pub companion_names: Option<String>,
    pub items_in: Option<String>,
    pub plate: Option<String>,
    #[ts(type = "number | null")]
    pub expected_minutes: Option<i64>,
    pub notes: Option<String>,
    /// Who confirmed by phone that the host expects the visitor (recorded with the time).
    pub host_confirmed_by: Option<String>,
    /// JPEG or PNG bytes (webcam or file); stored downscaled.
    pub photo: Option<Vec<u8>>,
    /// Watchlist entries the guard has seen and acknowledged on screen.
    #[ts(type = "number[]")]
    pub acknowledged_watchlist: Vec<i64>,
    /// Needed when a `deny` entry matches.
    pub watchlist_override: Option<SupervisorOverride>,
    /// The card read on the desk's reader that filled the ID number. Set by the shell from
    /// its own read (the UI only names which read), never taken from the UI's JSON.
    #[serde(skip)]
    #[ts(skip)]
    pub id_card: Option<CardRead>,
    /// The guard saw that the card read has expired and lets the visitor in on it.
    pub expired_card_confirmed: bool,
}

/// What a visit keeps of a card read on the desk's reader (`idcard`): the number it filled
/// and the card's validity, to prove later that the number was not typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRead {
    pub id_number: String,
    /// None: valid for the long term (长期).
    pub valid_until: Option<chrono::NaiveDate>,
    pub read_at_ms: i64,
}

impl CardRead {
    /// The stored form of `valid_until` (`id_card_valid_until`).
    fn valid_until_text(&self) -> String {
        self.valid_until.map_or_else(|| "long_term".to_owned(), |d| d.format("%Y-%m-%d").to_string())
    }
}

/// What the guard records at the exit.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct CheckOut {
    #[ts(type = "number")]
    pub visit_id: i64,
    pub items_out: Option<String>,
    /// School mode: was the signed slip handed back?
    pub slip_returned: Option<bool>,
    /// School mode: a supervisor lets the visitor out without the signed slip.
    pub exit_override: Option<SupervisorOverride>,
}

/// A visit as screens show it: the document number and phone masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitRow {
    #[ts(type = "number")]
    pub id: i64,
    pub uid: String,
    /// The 11-digit code printed as the slip's QR code.
    pub slip_code: String,
    /// Empty once the retention period purged it (then `purged` is true).
    pub name: String,
    /// The retention period ended: name, document, phone, companions and photo are gone.
    pub purged: bool,
    pub doc_type: DocType,
    pub id_number_masked: String,
    pub phone_masked: String,
    pub organisation: String,
    pub host: String,
    pub host_department: String,
    pub purpose: String,
    #[ts(type = "number")]
    pub companions: i64,
    pub items_in: String,
    pub plate: String,
    #[ts(type = "number | null")]
    pub expected_minutes: Option<i64>,
    pub notes: String,
    pub has_photo: bool,
    pub host_confirmed_by: String,
    #[ts(type = "number | null")]
    pub host_confirmed_at_ms: Option<i64>,
    #[ts(type = "number")]
    pub checked_in_at_ms: i64,
    /// The guard who registered the visitor.
    pub checked_in_by: String,
    #[ts(type = "number | null")]
    pub checked_out_at_ms: Option<i64>,
    pub checked_out_by: String,
    pub items_out: String,
    /// Still inside past the expected duration or past the site's closing time.
    pub overstay: bool,
}

/// What a visitor slip (回执) prints: the visit and its QR code.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitSlip {
    pub site_name: String,
    pub gate_name: String,
    pub visit: VisitRow,
    /// `data:image/svg+xml;base64,…` of the QR code holding `visit.slipCode`.
    pub qr_data_url: String,
    /// School mode: the slip must come back signed by the host.
    pub must_return_signed: bool,
}

/// The last visit of a returning visitor, to fill the form again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReturningVisitor {
    pub name: String,
    pub doc_type: DocType,
    /// The full number, only when it is what the guard typed (never revealed otherwise).
    pub id_number: String,
    pub phone: String,
    pub organisation: String,
    pub host: String,
    #[ts(type = "number | null")]
    pub host_staff_id: Option<i64>,
    pub purpose: String,
    pub plate: String,
    #[ts(type = "number")]
    pub last_visit_at_ms: i64,
    #[ts(type = "number")]
    pub visits: i64,
}

struct Valid {
    name: String,
    doc_type: DocType,
    id_number: String,
    phone: Option<String>,
    organisation: Option<String>,
    host_staff_id: Option<i64>,
    host: String,
    purpose: String,
    companions: i64,
    companion_names: Option<String>,
    items_in: Option<String>,
    plate: Option<String>,
    expected_minutes: Option<i64>,
    notes: Option<String>,
    host_confirmed_by: Option<String>,
    photo: Option<Vec<u8>>,
    id_card: Option<CardRead>,
}

/// Validates in the order of the form, so the error shown is the first field to fix.
fn validate(conn: &Connection, new: &NewVisit, today: chrono::NaiveDate) -> Result<Valid> {
    let name = validate::person_name("name", &new.name, NAME_MAX)?;
    let id_number = document::parse(new.doc_type, &new.id_number, today)?;
    let id_card = match &new.id_card {
        Some(card) => Some(check_card_read(card, new, &id_number, today)?),
        None => None,
    };
    let phone = match new.phone.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => Some(phone::parse("phone", p)?),
        None => None,
    };
    let organisation = validate::optional_text("organisation", new.organisation.as_deref(), ORGANISATION_MAX)?;
    let (host_staff_id, host) = match new.host_staff_id {
        Some(id) => {
            let member = staff::member(conn, id)?;
            (Some(id), member.name)
        }
        None => (None, validate::required_text("host", &new.host, HOST_MAX)?),
    };
    let purpose = validate::required_text("purpose", &new.purpose, PURPOSE_MAX)?;
    let companions = validate::in_range("companions", new.companions, 0, COMPANIONS_MAX)?;
    let companion_names = validate::optional_text("companion_names", new.companion_names.as_deref(), TEXT_MAX)?;
    let items_in = validate::optional_text("items_in", new.items_in.as_deref(), TEXT_MAX)?;
    let plate = validate::optional_text("plate", new.plate.as_deref(), 12)?.map(|p| p.to_uppercase());
    let expected_minutes = match new.expected_minutes {
        Some(m) => Some(validate::in_range("expected_minutes", m, 1, EXPECTED_MINUTES_MAX)?),
        None => None,
    };
    let notes = validate::optional_text("notes", new.notes.as_deref(), TEXT_MAX)?;
    let host_confirmed_by = validate::optional_text("host_confirmed_by", new.host_confirmed_by.as_deref(), HOST_MAX)?;
    let photo = match &new.photo {
        Some(bytes) => Some(photo::normalise("photo", bytes)?),
        None => None,
    };
    Ok(Valid {
        name,
        doc_type: new.doc_type,
        id_number,
        phone,
        organisation,
        host_staff_id,
        host,
        purpose,
        companions,
        companion_names,
        items_in,
        plate,
        expected_minutes,
        notes,
        host_confirmed_by,
        photo,
        id_card,
    })
}

/// A number filled from a card must still be that card's, on a resident ID, and an expired
/// card needs the guard's confirmation (the form shows the warning first).
fn check_card_read(card: &CardRead, new: &NewVisit, id_number: &str, today: chrono::NaiveDate) -> Result<CardRead> {
    if new.doc_type != DocType::ResidentId || !card.id_number.eq_ignore_ascii_case(id_number) {
        return Err(Error::invalid(
            "id_number",
            ErrorCode::IdCardChanged,
            "the ID number is not the one read from the card: read the card again, or clear the form and type the number",
        ));
    }
    if let Some(until) = card.valid_until.filter(|until| *until < today) {
        if !new.expired_card_confirmed {
            return Err(Error::invalid("id_number", ErrorCode::IdCardExpired, format!("this ID card expired on {until}: confirm to let the visitor in on it"))
                .with_param("validUntil", until));
        }
    }
    Ok(card.clone())
}

/// Registers a visitor as on site now.
pub fn check_in(db: &Db, actor: &Actor, new: &NewVisit) -> Result<VisitRow> {
    let today = db.clock().local(db.clock().now_ms()).date_naive();
    let valid = db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        validate(conn, new, today)
    })?;

    let query = ScreenQuery { name: Some(valid.name.clone()), id_number: Some(valid.id_number.clone()), plate: valid.plate.clone() };
    let cleared = watchlist::clear_for_entry(db, actor, &query, &new.acknowledged_watchlist, new.watchlist_override.as_ref())?;
    let approval = cleared.approval.clone();

    db.write(|tx| {
        let salt = pii::new_salt();
        let photo_text = valid.photo.as_deref().and_then(|b| pii::value_text(rusqlite::types::ValueRef::Blob(b)));
        let commitment = pii::commitment(
            &salt,
            &[
                ("name", Some(&valid.name)),
                ("id_number", Some(&valid.id_number)),
                ("phone", valid.phone.as_deref()),
                ("companion_names", valid.companion_names.as_deref()),
                ("photo", photo_text.as_deref()),
            ],
        );
        let confirmed_at = valid.host_confirmed_by.as_ref().map(|_| tx.now_ms());
        tx.execute(
            "INSERT INTO visit (uid, name, doc_type, id_number, phone, pii_salt, pii_commitment, organisation, host, host_staff_id,
                 purpose, companions, companion_names, items_in, plate, expected_minutes, notes, photo, host_confirmed_by,
                 host_confirmed_at_ms, checked_in_at_ms, checked_in_by, watchlist_override_by, watchlist_override_reason,
                 id_card_read_at_ms, id_card_valid_until)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24,
                 ?25, ?26)",
            rusqlite::params![
                uuid::Uuid::now_v7().to_string(),
                valid.name,
                valid.doc_type.as_str(),
                valid.id_number,
                valid.phone,
                salt,
                commitment,
                valid.organisation,
                valid.host,
                valid.host_staff_id,
                valid.purpose,
                valid.companions,
                valid.companion_names,
                valid.items_in,
                valid.plate,
                valid.expected_minutes,
                valid.notes,
                valid.photo,
                valid.host_confirmed_by,
                confirmed_at,
                tx.now_ms(),
                actor.guard_id,
                approval.as_ref().map(|(s, _)| s.guard_id),
                approval.as_ref().map(|(_, reason)| reason.as_str()),
                valid.id_card.as_ref().map(|card| card.read_at_ms),
                valid.id_card.as_ref().map(CardRead::valid_until_text),
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::record_change(tx, &catalogue::VISIT, id, Event::new("visit_checked_in", Some(actor)).detail(cleared.detail()))?;
        crate::search::index_new(tx, crate::search::SearchKind::Visit, id)?;
        cleared.record_override(tx, actor)?;
        visit_row(tx, id)
    })
}

/// Checks a visitor out. A visit already out is a conflict, so a double click or a second
/// scan never rewrites the first check-out time.
pub fn check_out(db: &Db, actor: &Actor, request: &CheckOut) -> Result<VisitRow> {
    let items_out = validate::optional_text("items_out", request.items_out.as_deref(), TEXT_MAX)?;
    let (row, slip_required) = db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        Ok((visit_row(conn, request.visit_id)?, site::read_settings(conn)?.slip_required))
    })?;
    ensure_on_site(&row)?;
    let approval = if slip_required && request.slip_returned != Some(true) {
        match &request.exit_override {
            None => {
                return Err(Error::new(ErrorCode::SlipNotReturned, "the signed slip was not handed back: a supervisor must approve this exit")
                    .on_field("slip_returned"))
            }
            Some(approval) => Some(guards::approve_override(db, approval)?),
        }
    } else {
        None
    };
    db.write(|tx| {
        let row = visit_row(tx, request.visit_id)?;
        ensure_on_site(&row)?;
        tx.execute(
            "UPDATE visit SET checked_out_at_ms = ?2, checked_out_by = ?3, items_out = ?4, slip_returned = ?5,
                 exit_override_by = ?6, exit_override_reason = ?7
             WHERE id = ?1",
            rusqlite::params![
                request.visit_id,
                tx.now_ms(),
                actor.guard_id,
                items_out,
                slip_required.then_some(request.slip_returned == Some(true)),
                approval.as_ref().map(|(s, _)| s.guard_id),
                approval.as_ref().map(|(_, r)| r.as_str()),
            ],
        )?;
        audit::record_change(tx, &catalogue::VISIT, request.visit_id, Event::new("visit_checked_out", Some(actor)))?;
        if let Some((supervisor, reason)) = &approval {
            audit::append(tx, Event::new("exit_override", Some(supervisor)).detail(json!({ "visit": row.uid, "reason": reason })))?;
        }
        visit_row(tx, request.visit_id)
    })
}

fn ensure_on_site(row: &VisitRow) -> Result<()> {
    match row.checked_out_at_ms {
        None => Ok(()),
        Some(at) => Err(Error::new(ErrorCode::AlreadyCheckedOut, "this visitor has already checked out").with_param("name", &row.name).with_param("atMs", at)),
    }
}

/// The visit a scanned slip belongs to, ready for check-out.
pub fn find_by_slip(db: &Db, actor: &Actor, code: &str) -> Result<VisitRow> {
    let id = slip::decode(code)?;
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        visit_row(conn, id).map_err(|e| if e.kind() == ErrorKind::NotFound { e.on_field("slip_code") } else { e })
    })
}

/// The most recent visit by this ID number or phone, to fill the form again.
pub fn returning_visitor(db: &Db, actor: &Actor, doc_type: DocType, id_number_or_phone: &str) -> Result<Option<ReturningVisitor>> {
    let today = db.clock().local(db.clock().now_ms()).date_naive();
    let id_number = document::parse(doc_type, id_number_or_phone, today).ok();
    let phone = phone::parse("phone", id_number_or_phone).ok();
    if id_number.is_none() && phone.is_none() {
        return Ok(None);
    }
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let found = conn
            .query_row(
                "SELECT name, doc_type, id_number, phone, organisation, host, host_staff_id, purpose, plate, checked_in_at_ms,
                        (SELECT count(*) FROM visit w WHERE (w.id_number = ?1 OR w.phone = ?2) AND w.name IS NOT NULL)
                 FROM visit WHERE (id_number = ?1 OR phone = ?2) AND name IS NOT NULL ORDER BY checked_in_at_ms DESC, id DESC LIMIT 1",
                rusqlite::params![id_number, phone],
                |r| {
                    Ok(ReturningVisitor {
                        name: r.get(0)?,
                        doc_type: DocType::parse(r.get::<_, Option<String>>(1)?.as_deref()),
                        id_number: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                        phone: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                        organisation: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                        host: r.get(5)?,
                        host_staff_id: r.get(6)?,
                        purpose: r.get(7)?,
                        plate: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
                        last_visit_at_ms: r.get(9)?,
                        visits: r.get(10)?,
                    })
                },
            )
            .optional()?;
        // Only hand back what the guard already typed: a phone match does not reveal the
        // stored ID number, and an ID match does not reveal the phone.
        Ok(found.map(|mut v| {
            if id_number.as_deref() != Some(v.id_number.as_str()) {
                v.id_number = String::new();
            }
            if phone.as_deref() != Some(v.phone.as_str()) {
                v.phone = String::new();
            }
            v
        }))
    })
}

/// The printable slip of a visit.
pub fn slip(db: &Db, actor: &Actor, visit_id: i64) -> Result<VisitSlip> {
    let (visit, settings) = db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        Ok((visit_row(conn, visit_id)?, site::read_settings(conn)?))
    })?;
    Ok(VisitSlip {
        qr_data_url: crate::qr::svg_data_url(&visit.slip_code)?,
        site_name: settings.site_name,
        gate_name: settings.gate_name,
        must_return_signed: settings.slip_required,
        visit,
    })
}

/// The full document number of a visit, for a supervisor; the reveal is an audit event.
pub fn reveal_id_number(db: &Db, actor: &Actor, visit_id: i64) -> Result<String> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let (uid, number): (String, Option<String>) = tx
            .query_row("SELECT uid, id_number FROM visit WHERE id = ?1", [visit_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| Error::new(ErrorCode::VisitNotFound, format!("there is no visit number {visit_id}")))?;
        audit::append(tx, Event::new("id_number_revealed", Some(actor)).detail(json!({ "visit": uid })))?;
        Ok(number.unwrap_or_default())
    })
}

/// The visit's photo bytes (JPEG), if one was taken.
pub fn photo(db: &Db, actor: &Actor, visit_id: i64) -> Result<Option<Vec<u8>>> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        Ok(conn.query_row("SELECT photo FROM visit WHERE id = ?1", [visit_id], |r| r.get(0)).optional()?.flatten())
    })
}

const SELECT_ROW: &str = "SELECT v.id, v.uid, v.name, v.doc_type, v.id_number, v.phone, v.organisation, v.host, s.department,
        v.purpose, v.companions, v.items_in, v.plate, v.expected_minutes, v.notes, v.photo IS NOT NULL, v.host_confirmed_by,
        v.host_confirmed_at_ms, v.checked_in_at_ms, gi.name, v.checked_out_at_ms, go.name, v.items_out, v.pii_salt IS NULL
     FROM visit v
     JOIN guard gi ON gi.id = v.checked_in_by
     LEFT JOIN guard go ON go.id = v.checked_out_by
     LEFT JOIN staff s ON s.id = v.host_staff_id";

fn map_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VisitRow> {
    let text = |i: usize| -> rusqlite::Result<String> { Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default()) };
    let id: i64 = r.get(0)?;
    Ok(VisitRow {
        id,
        uid: r.get(1)?,
        slip_code: slip::encode(id),
        name: text(2)?,
        purged: r.get(23)?,
        doc_type: DocType::parse(r.get::<_, Option<String>>(3)?.as_deref()),
        id_number_masked: document::mask(&text(4)?),
        phone_masked: mask_phone(&text(5)?),
        organisation: text(6)?,
        host: r.get(7)?,
        host_department: text(8)?,
        purpose: r.get(9)?,
        companions: r.get::<_, Option<i64>>(10)?.unwrap_or(0),
        items_in: text(11)?,
        plate: text(12)?,
        expected_minutes: r.get(13)?,
        notes: text(14)?,
        has_photo: r.get(15)?,
        host_confirmed_by: text(16)?,
        host_confirmed_at_ms: r.get(17)?,
        checked_in_at_ms: r.get(18)?,
        checked_in_by: r.get(19)?,
        checked_out_at_ms: r.get(20)?,
        checked_out_by: text(21)?,
        items_out: text(22)?,
        overstay: false,
    })
}

/// `13812345678` → `138****5678`; a landline keeps its area code and last four digits.
pub(crate) fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 7 {
        return phone.to_string();
    }
    let head = if phone.starts_with('0') { phone.find('-').map_or(3, |i| i + 1) } else { 3 };
    let tail = 4;
    chars[..head].iter().collect::<String>() + &"*".repeat(chars.len() - head - tail) + &chars[chars.len() - tail..].iter().collect::<String>()
}

fn visit_row(conn: &Connection, visit_id: i64) -> Result<VisitRow> {
    conn.query_row(&format!("{SELECT_ROW} WHERE v.id = ?1"), [visit_id], map_row)
        .optional()?
        .ok_or_else(|| Error::new(ErrorCode::VisitNotFound, format!("there is no visit number {visit_id}")))
}

/// Marks the rows still inside past their expected duration, or past the site's closing
/// time (the first closing time after they came in).
fn mark_overstays(db: &Db, rows: &mut [VisitRow], closing_time: Option<NaiveTime>) {
    let now = db.clock().now_ms();
    for row in rows.iter_mut().filter(|r| r.checked_out_at_ms.is_none()) {
        let past_expected = row.expected_minutes.is_some_and(|m| now > row.checked_in_at_ms + m * 60_000);
        let past_closing = closing_time.is_some_and(|closing| {
            let arrived = db.clock().local(row.checked_in_at_ms);
            let mut deadline = arrived.date_naive().and_time(closing);
            if deadline <= arrived.naive_local() {
                deadline += Duration::days(1);
            }
            db.clock().local(now).naive_local() >= deadline
        });
        row.overstay = past_expected || past_closing;
    }
}

/// Everyone on site now, newest first, with overstays marked.
pub fn list_on_site(db: &Db, actor: &Actor) -> Result<Vec<VisitRow>> {
    let (mut rows, settings) = db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let mut stmt = conn.prepare(&format!("{SELECT_ROW} WHERE v.checked_out_at_ms IS NULL ORDER BY v.checked_in_at_ms DESC, v.id DESC"))?;
        let rows: Vec<VisitRow> = stmt.query_map([], map_row)?.collect::<rusqlite::Result<_>>()?;
        Ok((rows, site::read_settings(conn)?))
    })?;
    mark_overstays(db, &mut rows, settings.closing_time());
    Ok(rows)
}

/// The visits checked in on the current duty day, newest first (the visitor log screen).
pub fn list_today(db: &Db, actor: &Actor) -> Result<Vec<VisitRow>> {
    let now = db.clock().now_ms();
    let (mut rows, settings) = db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let settings = site::read_settings(conn)?;
        let start = site::duty_day_start_ms(db.clock(), now, settings.duty_day_start_hour);
        let mut stmt = conn.prepare(&format!("{SELECT_ROW} WHERE v.checked_in_at_ms >= ?1 ORDER BY v.checked_in_at_ms DESC, v.id DESC"))?;
        let rows: Vec<VisitRow> = stmt.query_map([start], map_row)?.collect::<rusqlite::Result<_>>()?;
        Ok((rows, settings))
    })?;
    mark_overstays(db, &mut rows, settings.closing_time());
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::mask_phone;

    #[test]
    fn phones_are_masked_in_the_middle() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("010-12345678"), "010-****5678");
        assert_eq!(mask_phone(""), "");
    }
}
