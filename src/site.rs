//! The site this database belongs to: first-run setup, settings, and this PC's preferences.
//!
//! Setup creates the site row and the first supervisor in one transaction, once. Settings
//! (names, idle-lock minutes, duty-day start hour) are supervisor-only and audited. The UI
//! language is a preference of the PC, not a record, so it is stored without an event.
//! Must not: authenticate (see `guards`). Called by: the shell, the CLI, `session`, `status`.

use chrono::NaiveTime;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::clock::Clock;
use crate::db::Db;
use crate::error::{Error, ErrorCode, Result};
use crate::guards::{self, NameField, NewGuard};
use crate::validate;

const SITE_NAME_MAX: usize = 50;
const PRIVACY_NOTICE_MAX: usize = 1000;
const GATE_NAME_MAX: usize = 30;

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SiteSetup {
    pub site_name: String,
    pub gate_name: String,
    pub supervisor_name: String,
    pub pin: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub site_name: String,
    pub gate_name: String,
    pub idle_lock_minutes: u32,
    pub duty_day_start_hour: u32,
    /// School mode: a visitor leaves only with the slip signed by the host, or with a
    /// supervisor's approval.
    pub slip_required: bool,
    /// "HH:MM": visitors still inside after it stand out on the board. Empty: no closing time.
    pub closing_time: String,
    /// Shown on the registration screen; empty: the built-in notice of the UI's language.
    pub privacy_notice: String,
    /// This PC's gate number (1-16), as holiday passes name the gates they open.
    pub gate_number: u16,
}

impl Settings {
    pub fn closing_time(&self) -> Option<NaiveTime> {
        NaiveTime::parse_from_str(&self.closing_time, "%H:%M").ok()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum Language {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Language {
    fn as_str(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::En => "en",
        }
    }
}

pub fn is_set_up(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM site)", [], |r| r.get(0))?)
}

/// First run: the site, its gate and the first supervisor. Fails once the site exists.
/// What set-up hands back, once: the recovery key (`dbkey`), to be written down or printed
/// for the security office before the app is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetUpDone {
    pub recovery_key: String,
}

pub fn set_up(db: &Db, setup: &SiteSetup) -> Result<SetUpDone> {
    let site_name = validate::required_text("site_name", &setup.site_name, SITE_NAME_MAX)?;
    let gate_name = validate::required_text("gate_name", &setup.gate_name, GATE_NAME_MAX)?;
    db.write(|tx| {
        if is_set_up(tx)? {
            return Err(Error::new(ErrorCode::AlreadySetUp, "this database is already set up: log in instead"));
        }
        tx.execute(
            "INSERT INTO site (id, uid, site_name, gate_name, created_at_ms) VALUES (1, ?1, ?2, ?3, ?4)",
            rusqlite::params![uuid::Uuid::now_v7().to_string(), site_name, gate_name, tx.now_ms()],
        )?;
        audit::record_change(tx, &catalogue::SITE, 1, Event::new("site_created", None))?;
        let supervisor = NewGuard { name: setup.supervisor_name.clone(), role: Role::Supervisor, pin: setup.pin.clone() };
        guards::insert_guard(tx, None, &supervisor, NameField("supervisor_name"))?;
        crate::checklist::seed_defaults(tx)?;
        Ok(())
    })?;
    Ok(SetUpDone { recovery_key: db.key().recovery_text() })
}

pub(crate) fn read_settings(conn: &Connection) -> Result<Settings> {
    conn.query_row(
        "SELECT site_name, gate_name, idle_lock_minutes, duty_day_start_hour, slip_required, closing_time, privacy_notice, gate_number
         FROM site WHERE id = 1",
        [],
        |r| {
            Ok(Settings {
                site_name: r.get(0)?,
                gate_name: r.get(1)?,
                idle_lock_minutes: r.get(2)?,
                duty_day_start_hour: r.get(3)?,
                slip_required: r.get::<_, Option<bool>>(4)?.unwrap_or(false),
                closing_time: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                privacy_notice: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                gate_number: r.get::<_, Option<u16>>(7)?.unwrap_or(1),
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::new(ErrorCode::NotSetUp, "this database is not set up yet: run setup first"))
}

pub fn settings(db: &Db) -> Result<Settings> {
    db.read(read_settings)
}

pub fn update_settings(db: &Db, actor: &Actor, new: &Settings) -> Result<Settings> {
    let site_name = validate::required_text("site_name", &new.site_name, SITE_NAME_MAX)?;
    let gate_name = validate::required_text("gate_name", &new.gate_name, GATE_NAME_MAX)?;
    let idle = validate::in_range("idle_lock_minutes", i64::from(new.idle_lock_minutes), 1, 120)?;
    let start = validate::in_range("duty_day_start_hour", i64::from(new.duty_day_start_hour), 0, 23)?;
    let gate_number = validate::in_range("gate_number", i64::from(new.gate_number), 1, 16)?;
    let closing_time = match new.closing_time.trim() {
        "" => None,
        text => Some(
            NaiveTime::parse_from_str(text, "%H:%M")
                .map_err(|_| Error::invalid("closing_time", ErrorCode::TimeFormat, "must be a time like 18:30"))?
                .format("%H:%M")
                .to_string(),
        ),
    };
    let privacy_notice = match new.privacy_notice.trim() {
        "" => None,
        text if text.chars().count() > PRIVACY_NOTICE_MAX => {
            return Err(Error::invalid("privacy_notice", ErrorCode::TooLong, "is too long").with_param("max", PRIVACY_NOTICE_MAX))
        }
        text => Some(text.to_string()),
    };
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let before = read_settings(tx)?;
        tx.execute(
            "UPDATE site SET site_name = ?1, gate_name = ?2, idle_lock_minutes = ?3, duty_day_start_hour = ?4,
                 slip_required = ?5, closing_time = ?6, privacy_notice = ?7, gate_number = ?8
             WHERE id = 1",
            rusqlite::params![site_name, gate_name, idle, start, new.slip_required, closing_time, privacy_notice, gate_number],
        )?;
        let after = read_settings(tx)?;
        if after != before {
            audit::record_change(tx, &catalogue::SITE, 1, Event::new("settings_changed", Some(actor)))?;
        }
        Ok(after)
    })
}

/// How long personal data is kept and where the automatic backups go (a separate form from
/// the site's names and desk settings: the supervisor's "data" section).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DataSettings {
    /// Days personal data of visits, pick-ups and vehicle visits is kept after they ended.
    pub retention_days: u32,
    /// The folder (e.g. a USB drive) for automatic backups; empty: none set.
    pub backup_dir: String,
    /// How many of Gatehouse's backups to keep in the folder.
    pub backup_keep: u32,
}

pub const RETENTION_DAYS_DEFAULT: u32 = 180;
pub const RETENTION_DAYS_MIN: i64 = 30;
pub const RETENTION_DAYS_MAX: i64 = 3650;
pub const BACKUP_KEEP_DEFAULT: u32 = 7;
const BACKUP_DIR_MAX: usize = 500;

pub(crate) fn read_data_settings(conn: &Connection) -> Result<DataSettings> {
    conn.query_row("SELECT retention_days, backup_dir, backup_keep FROM site WHERE id = 1", [], |r| {
        Ok(DataSettings {
            retention_days: r.get::<_, Option<u32>>(0)?.unwrap_or(RETENTION_DAYS_DEFAULT),
            backup_dir: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            backup_keep: r.get::<_, Option<u32>>(2)?.unwrap_or(BACKUP_KEEP_DEFAULT),
        })
    })
    .optional()?
    .ok_or_else(|| Error::new(ErrorCode::NotSetUp, "this database is not set up yet: run setup first"))
}

pub fn data_settings(db: &Db) -> Result<DataSettings> {
    db.read(read_data_settings)
}

/// Supervisor only, audited. A backup folder must exist and take a file now (the USB drive
/// plugged in while it is chosen); empty turns automatic backups off.
pub fn update_data_settings(db: &Db, actor: &Actor, new: &DataSettings) -> Result<DataSettings> {
    let retention = validate::in_range("retention_days", i64::from(new.retention_days), RETENTION_DAYS_MIN, RETENTION_DAYS_MAX)?;
    let keep = validate::in_range("backup_keep", i64::from(new.backup_keep), 1, 365)?;
    let backup_dir = match validate::optional_text("backup_dir", Some(&new.backup_dir), BACKUP_DIR_MAX)? {
        None => None,
        Some(dir) => Some(crate::backup::check_folder(std::path::Path::new(&dir))?.display().to_string()),
    };
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let before = read_data_settings(tx)?;
        tx.execute("UPDATE site SET retention_days = ?1, backup_dir = ?2, backup_keep = ?3 WHERE id = 1", rusqlite::params![retention, backup_dir, keep])?;
        let after = read_data_settings(tx)?;
        if after != before {
            audit::record_change(tx, &catalogue::SITE, 1, Event::new("data_settings_changed", Some(actor)))?;
        }
        Ok(after)
    })
}

pub fn language(db: &Db) -> Result<Language> {
    db.read(|conn| {
        let value: Option<String> = conn.query_row("SELECT value FROM preference WHERE key = 'language'", [], |r| r.get(0)).optional()?;
        Ok(if value.as_deref() == Some("en") { Language::En } else { Language::ZhCn })
    })
}

pub fn set_language(db: &Db, language: Language) -> Result<()> {
    db.write(|tx| {
        tx.execute("INSERT INTO preference (key, value) VALUES ('language', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [language.as_str()])?;
        Ok(())
    })
}

/// The instant the duty day containing `now_ms` started.
pub fn duty_day_start_ms(clock: &Clock, now_ms: i64, start_hour: u32) -> i64 {
    let day = clock.duty_day(now_ms, start_hour);
    let local_start = day.and_hms_opt(start_hour, 0, 0).unwrap_or_default();
    let offset = clock.offset_at(now_ms);
    local_start.and_local_timezone(offset).single().map_or(now_ms, |t| t.timestamp_millis())
}
