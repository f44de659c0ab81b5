//! Holiday access control (假期出入管理): passes issued and printed as signed QR codes,
//! scanned at the gate, every scan logged.
//!
//! `code` is the signed digits format, `keys` the site's Ed25519 keys, `scan` the decision
//! at the gate, `revocation` the signed lists gates exchange, `import` bulk issue from
//! CSV/XLSX. This module issues, lists and revokes. Supervisors issue and revoke; guards
//! scan. The holder's ID number and phone stay in the database, never in the code.
//! Called by: the shell, the CLI, `handover` (refused scans in the summary).

pub mod code;
pub mod import;
pub mod keys;
pub mod revocation;
pub mod scan;

use chrono::NaiveTime;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::db::Db;
use crate::error::{Error, ErrorCode, Result};
use crate::guards;
use crate::validate::{self, cn_id, phone};
use crate::{photo, pii, qr};

/// Longest validity a pass may have: a school year. The gate refuses a longer one as a
/// misused key (`scan`), since no gate signs it.
pub(crate) const MAX_VALIDITY_MS: i64 = 400 * 86_400_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PassKind {
    /// 留校学生
    #[default]
    HolidayResident,
    /// 教职工
    Staff,
    /// 外来施工人员
    Contractor,
    /// 临时访客
    TemporaryVisitor,
}

impl PassKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PassKind::HolidayResident => "holiday_resident",
            PassKind::Staff => "staff",
            PassKind::Contractor => "contractor",
            PassKind::TemporaryVisitor => "temporary_visitor",
        }
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            PassKind::HolidayResident => 1,
            PassKind::Staff => 2,
            PassKind::Contractor => 3,
            PassKind::TemporaryVisitor => 4,
        }
    }

    pub fn parse(text: &str) -> Option<PassKind> {
        match text.trim() {
            "holiday_resident" | "留校学生" => Some(PassKind::HolidayResident),
            "staff" | "教职工" => Some(PassKind::Staff),
            "contractor" | "外来施工人员" | "施工人员" => Some(PassKind::Contractor),
            "temporary_visitor" | "临时访客" | "访客" => Some(PassKind::TemporaryVisitor),
            _ => None,
        }
    }
}

/// What a supervisor fills in to issue a pass.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct NewPass {
    pub kind: PassKind,
    pub holder_name: String,
    /// Department or class.
    pub department: String,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub photo: Option<Vec<u8>>,
    #[ts(type = "number")]
    pub valid_from_ms: i64,
    #[ts(type = "number")]
    pub valid_to_ms: i64,
    /// Daily window `HH:MM-HH:MM` (e.g. `06:00-22:00`); empty: all day.
    pub daily_window: String,
    /// Gate numbers the pass opens; empty: every gate.
    pub gates: Vec<u8>,
    #[ts(type = "number | null")]
    pub max_uses: Option<u16>,
    /// Who approved it (department head, 保卫处…).
    pub approved_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PassRow {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub serial: u32,
    #[ts(type = "number")]
    pub key_id: u32,
    pub kind: PassKind,
    pub holder_name: String,
    pub department: String,
    pub phone_masked: String,
    pub id_number_masked: String,
    pub has_photo: bool,
    #[ts(type = "number")]
    pub valid_from_ms: i64,
    #[ts(type = "number")]
    pub valid_to_ms: i64,
    /// `HH:MM-HH:MM` or empty.
    pub daily_window: String,
    /// Gate numbers; empty: every gate.
    pub gates: Vec<u8>,
    #[ts(type = "number | null")]
    pub max_uses: Option<u16>,
    #[ts(type = "number")]
    pub uses: i64,
    pub approved_by: String,
    #[ts(type = "number")]
    pub issued_at_ms: i64,
    pub issued_by: String,
    #[ts(type = "number | null")]
    pub revoked_at_ms: Option<i64>,
    pub revoke_reason: String,
    /// The holder's data was removed after the retention period (see `retention`).
    pub purged: bool,
    /// What a scan in would answer now, as far as the pass itself decides (not the window,
    /// the gate or anti-passback): the list's status column.
    pub status: PassStatus,
}

/// A pass's state in the list, from the scan's own checks, in the scan's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PassStatus {
    Active,
    /// Its signing key was distrusted (停用): every gate refuses it.
    KeyDistrusted,
    Revoked,
    NotYetValid,
    Expired,
    UsedUp,
}

impl PassStatus {
    fn of(row: &PassRow, key_distrusted: bool, now_ms: i64) -> PassStatus {
        if key_distrusted {
            return PassStatus::KeyDistrusted;
        }
        if row.revoked_at_ms.is_some() {
            return PassStatus::Revoked;
        }
        match scan::outside_validity(row.valid_from_ms, row.valid_to_ms, now_ms) {
            Some(scan::Outcome::NotYetValid) => PassStatus::NotYetValid,
            Some(_) => PassStatus::Expired,
            None if scan::uses_exhausted(row.max_uses.unwrap_or(0), row.uses) => PassStatus::UsedUp,
            None => PassStatus::Active,
        }
    }
}

/// A pass ready to print: the row, its digits and the QR code.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PassCard {
    pub pass: PassRow,
    pub site_name: String,
    pub code: String,
    /// `data:image/svg+xml;base64,…`, error correction Q.
    pub qr_data_url: String,
}

/// The digits of the QR code in a camera frame, or `None`: the frame's size in bytes and
/// pixels is checked (`photo::check_camera_frame`) before `scan::decode_frame` decodes it.
pub fn decode_camera_frame(bytes: &[u8]) -> Result<Option<String>> {
    crate::photo::check_camera_frame(bytes)?;
    scan::decode_frame(bytes)
}

/// Parses `HH:MM-HH:MM` into local minutes of the day.
pub fn parse_window(text: &str) -> Result<Option<(u16, u16)>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || Error::invalid("daily_window", ErrorCode::WindowInvalid, "write the daily window as 06:00-22:00");
    let (start, end) = text.split_once(['-', '–', '~', '～']).ok_or_else(bad)?;
    let minute = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map(|t| (t.hour() * 60 + t.minute()) as u16).map_err(|_| bad());
    use chrono::Timelike;
    let window = (minute(start)?, minute(end)?);
    if window.0 == window.1 {
        return Err(bad());
    }
    Ok(Some(window))
}

fn window_text(start: Option<i64>, end: Option<i64>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("{:02}:{:02}-{:02}:{:02}", s / 60, s % 60, e / 60, e % 60),
        _ => String::new(),
    }
}

fn gates_mask(gates: &[u8]) -> Result<u16> {
    gates.iter().try_fold(0u16, |mask, gate| match gate {
        1..=16 => Ok(mask | 1 << (gate - 1)),
        _ => Err(Error::invalid("gates", ErrorCode::GatesInvalid, "gate numbers go from 1 to 16")),
    })
}

fn gates_list(mask: i64) -> Vec<u8> {
    (1..=16u8).filter(|g| mask & (1 << (g - 1)) != 0).collect()
}

/// Validated fields of a new pass.
pub(crate) struct ValidPass {
    kind: PassKind,
    holder_name: String,
    department: String,
    phone: Option<String>,
    id_number: Option<String>,
    photo: Option<Vec<u8>>,
    valid_from_ms: i64,
    valid_to_ms: i64,
    window: Option<(u16, u16)>,
    gates: u16,
    max_uses: Option<u16>,
    approved_by: String,
}

pub(crate) fn validate_new(new: &NewPass, today: chrono::NaiveDate) -> Result<ValidPass> {
    let holder_name = validate::person_name("holder_name", &new.holder_name, 50)?;
    let department = validate::required_text("department", &new.department, 50)?;
    let phone = new.phone.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|p| phone::parse("phone", p)).transpose()?;
    let id_number = new.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|n| cn_id::parse(n, today).map(|id| id.number)).transpose()?;
    let photo = new.photo.as_deref().map(|b| photo::normalise("photo", b)).transpose()?;
    let valid_from_ms = code::to_minute(new.valid_from_ms);
    let valid_to_ms = code::to_minute(new.valid_to_ms);
    if valid_to_ms <= valid_from_ms {
        return Err(Error::invalid("valid_to_ms", ErrorCode::EndsBeforeStart, "the pass must end after it starts").with_param("startField", "valid_from_ms"));
    }
    if valid_to_ms - valid_from_ms > MAX_VALIDITY_MS {
        return Err(Error::invalid("valid_to_ms", ErrorCode::ValidityTooLong, "a pass is valid for at most 400 days").with_param("max", 400));
    }
    let window = parse_window(&new.daily_window)?;
    let gates = gates_mask(&new.gates)?;
    let max_uses = match new.max_uses {
        Some(0) => return Err(Error::invalid("max_uses", ErrorCode::BelowMinimum, "must be at least 1, or empty for no limit").with_param("min", 1)),
        other => other,
    };
    let approved_by = validate::required_text("approved_by", &new.approved_by, 50)?;
    Ok(ValidPass { kind: new.kind, holder_name, department, phone, id_number, photo, valid_from_ms, valid_to_ms, window, gates, max_uses, approved_by })
}

/// Signs and stores one validated pass inside `tx`; returns its id.
pub(crate) fn insert(tx: &crate::db::Tx<'_>, actor: &Actor, valid: &ValidPass) -> Result<i64> {
    let (key_id, key) = keys::current_signing_key(tx, actor)?;
    let serial: u32 = tx.query_row("SELECT coalesce(max(serial), 0) + 1 FROM pass WHERE key_id = ?1", [key_id], |r| r.get(0))?;
    let payload = code::Payload {
        key_id,
        serial,
        valid_from_ms: valid.valid_from_ms,
        valid_to_ms: valid.valid_to_ms,
        window: valid.window,
        gates: valid.gates,
        kind: valid.kind.code(),
        max_uses: valid.max_uses.unwrap_or(0),
        name_hint: valid.holder_name.clone(),
    };
    let digits = code::encode(&payload, &key);
    let salt = pii::new_salt();
    let photo_text = valid.photo.as_deref().and_then(|b| pii::value_text(rusqlite::types::ValueRef::Blob(b)));
    let commitment = pii::commitment(
        &salt,
        &[
            ("holder_name", Some(&valid.holder_name)),
            ("holder_phone", valid.phone.as_deref()),
            ("holder_id_number", valid.id_number.as_deref()),
            ("photo", photo_text.as_deref()),
        ],
    );
    tx.execute(
        "INSERT INTO pass (uid, serial, key_id, kind, holder_name, holder_phone, holder_id_number, photo, pii_salt, pii_commitment,
             department, valid_from_ms, valid_to_ms, window_start_min, window_end_min, gates, max_uses, approved_by, code, issued_at_ms, issued_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
        rusqlite::params![
            uuid::Uuid::now_v7().to_string(),
            serial,
            key_id,
            valid.kind.as_str(),
            valid.holder_name,
            valid.phone,
            valid.id_number,
            valid.photo,
            salt,
            commitment,
            valid.department,
            valid.valid_from_ms,
            valid.valid_to_ms,
            valid.window.map(|w| w.0),
            valid.window.map(|w| w.1),
            valid.gates,
            valid.max_uses,
            valid.approved_by,
            digits,
            tx.now_ms(),
            actor.guard_id,
        ],
    )?;
    let id = tx.last_insert_rowid();
    audit::record_change(tx, &catalogue::PASS, id, Event::new("pass_issued", Some(actor)))?;
    crate::search::index_new(tx, crate::search::SearchKind::Pass, id)?;
    Ok(id)
}

fn today(db: &Db) -> chrono::NaiveDate {
    db.clock().local(db.clock().now_ms()).date_naive()
}

/// Issues one pass (supervisor).
pub fn issue(db: &Db, actor: &Actor, new: &NewPass) -> Result<PassCard> {
    let valid = validate_new(new, today(db))?;
    let id = db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        insert(tx, actor, &valid)
    })?;
    card(db, actor, id)
}

const SELECT: &str = "SELECT p.id, p.serial, p.key_id, p.kind, p.holder_name, p.department, p.holder_phone, p.holder_id_number, p.photo IS NOT NULL,
        p.valid_from_ms, p.valid_to_ms, p.window_start_min, p.window_end_min, p.gates, p.max_uses, p.approved_by, p.issued_at_ms, g.name,
        p.revoked_at_ms, p.revoke_reason, p.pii_salt IS NULL,
        (SELECT count(*) FROM pass_scan s WHERE s.key_id = p.key_id AND s.serial = p.serial AND s.accepted = 1 AND s.direction = 'in'),
        (SELECT k.distrusted_at_ms IS NOT NULL FROM pass_key k WHERE k.key_id = p.key_id)
     FROM pass p JOIN guard g ON g.id = p.issued_by";

/// Maps a `SELECT` row, its status as at `now_ms`.
fn map_row(now_ms: i64) -> impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<PassRow> {
    move |r| {
        let mut row = map_fields(r)?;
        row.status = PassStatus::of(&row, r.get::<_, Option<bool>>(22)?.unwrap_or(false), now_ms);
        Ok(row)
    }
}

fn map_fields(r: &rusqlite::Row<'_>) -> rusqlite::Result<PassRow> {
    let text = |i: usize| -> rusqlite::Result<String> { Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default()) };
    Ok(PassRow {
        id: r.get(0)?,
        serial: r.get(1)?,
        key_id: r.get(2)?,
        kind: PassKind::parse(&r.get::<_, String>(3)?).unwrap_or_default(),
        holder_name: text(4)?,
        department: r.get(5)?,
        phone_masked: crate::visits::mask_phone(&text(6)?),
        id_number_masked: cn_id::mask(&text(7)?),
        has_photo: r.get(8)?,
        valid_from_ms: r.get(9)?,
        valid_to_ms: r.get(10)?,
        daily_window: window_text(r.get(11)?, r.get(12)?),
        gates: gates_list(r.get(13)?),
        max_uses: r.get(14)?,
        approved_by: r.get(15)?,
        issued_at_ms: r.get(16)?,
        issued_by: r.get(17)?,
        revoked_at_ms: r.get(18)?,
        revoke_reason: text(19)?,
        purged: r.get(20)?,
        uses: r.get(21)?,
        status: PassStatus::Active,
    })
}

pub(crate) fn row(conn: &Connection, id: i64, now_ms: i64) -> Result<PassRow> {
    conn.query_row(&format!("{SELECT} WHERE p.id = ?1"), [id], map_row(now_ms))
        .optional()?
        .ok_or_else(|| Error::new(ErrorCode::PassNotFound, "there is no such pass"))
}

/// The printable card of a pass (QR, holder, validity).
pub fn card(db: &Db, actor: &Actor, pass_id: i64) -> Result<PassCard> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let pass = row(conn, pass_id, db.clock().now_ms())?;
        let code: String = conn.query_row("SELECT code FROM pass WHERE id = ?1", [pass_id], |r| r.get(0))?;
        Ok(PassCard { qr_data_url: qr::svg_data_url(&code)?, site_name: crate::site::read_settings(conn)?.site_name, code, pass })
    })
}

/// Passes, newest first; `query` (may be empty) filters by holder, department or serial.
pub fn list(db: &Db, actor: &Actor, query: &str) -> Result<Vec<PassRow>> {
    let query = query.trim();
    let pattern = format!("%{}%", query.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let mut stmt = conn.prepare(&format!(
            "{SELECT} WHERE ?1 = '' OR p.holder_name LIKE ?2 ESCAPE '\\' OR p.department LIKE ?2 ESCAPE '\\' OR CAST(p.serial AS TEXT) = ?1
             ORDER BY p.issued_at_ms DESC, p.id DESC LIMIT 500"
        ))?;
        let rows = stmt.query_map(rusqlite::params![query, pattern], map_row(db.clock().now_ms()))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    })
}

/// Revokes a pass with a reason (supervisor); its next scan is refused "revoked".
pub fn revoke(db: &Db, actor: &Actor, pass_id: i64, reason: &str) -> Result<PassRow> {
    let reason = validate::required_text("revoke_reason", reason, 200)?;
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let pass = row(tx, pass_id, tx.now_ms())?;
        if pass.revoked_at_ms.is_some() {
            return Err(Error::new(ErrorCode::PassAlreadyRevoked, "this pass is already revoked"));
        }
        tx.execute(
            "UPDATE pass SET revoked_at_ms = ?2, revoked_by = ?3, revoke_reason = ?4 WHERE id = ?1",
            rusqlite::params![pass_id, tx.now_ms(), actor.guard_id, reason],
        )?;
        audit::record_change(tx, &catalogue::PASS, pass_id, Event::new("pass_revoked", Some(actor)))?;
        row(tx, pass_id, tx.now_ms())
    })
}

/// A pass's QR code as a PNG (for the CLI's `--png` and for saving cards as images).
pub fn qr_png(digits: &str, module_px: u32) -> Result<Vec<u8>> {
    let code = qrcode::QrCode::with_error_correction_level(digits.as_bytes(), qrcode::EcLevel::Q)
        .map_err(|e| Error::internal(format!("cannot make a QR code: {e}")))?;
    let width = code.width() as u32;
    let quiet = 4;
    let size = (width + 2 * quiet) * module_px;
    let colors = code.to_colors();
    let image = image::GrayImage::from_fn(size, size, |x, y| {
        let (mx, my) = (x / module_px, y / module_px);
        let dark = mx >= quiet
            && my >= quiet
            && mx < width + quiet
            && my < width + quiet
            && colors[((my - quiet) * width + (mx - quiet)) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut out = Vec::new();
    image.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).map_err(|e| Error::internal(format!("cannot encode the QR code: {e}")))?;
    Ok(out)
}
