//! The watchlist (关注名单): people and plates the gate must stop (`deny`) or watch (`alert`).
//!
//! Supervisors keep the entries. At registration `screen` finds the entries a visitor
//! matches: the same ID number, the same name, or a name that sounds the same (toneless
//! pinyin: 张伟 matches 章伟), or the same plate. A surname with more than one reading
//! (曾 zeng/ceng, 单 shan/dan, 解 xie/jie, 仇 qiu/chou, 朴 piao/pu, 查 zha/cha, 区 ou/qu …)
//! sounds like every one of them (`name_sounds`): 曾伟 on the list matches a visitor
//! written 增伟, and the other way round. Only the surname's readings are expanded: a
//! given name's characters take their usual reading, so a name has a handful of sounds, not
//! a product over every character. The comparison is done here in Rust over the active
//! named entries (a watchlist holds hundreds of entries, not millions); the stored
//! `name_pinyin` (the usual reading) is kept as it was, so no migration rewrites it.
//!
//! Names (and their pinyin) and ID numbers are personal data: each entry keeps them beside a
//! salted commitment and its audit snapshot holds only the commitment (see `pii`); the plate
//! is in the snapshot (a plate names a vehicle, see `retention`). Events about hits and
//! overrides name entries by id, never by name.
//!
//! The guard must acknowledge every hit;
//! a `deny` hit blocks check-in unless a supervisor overrides with PIN and reason (see
//! `visits::check_in`). Must not: decide the check-in itself. Called by: `visits`, the shell.

use pinyin::{ToPinyin, ToPinyinMulti};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::db::{Db, Tx};
use crate::error::{Error, ErrorCode, Result};
use crate::guards::{self, SupervisorOverride};
use crate::pii;
use crate::validate::{self, cn_id};

/// The snapshot columns before schema 15, when names and ID numbers were in it in clear,
/// for `audit::commit_personal_data_once`.
pub(crate) const SNAPSHOT_COLUMNS_BEFORE_0015: &[&str] =
    &["id", "uid", "name", "name_pinyin", "id_number", "plate", "reason", "action", "active", "created_at_ms", "created_by"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WatchAction {
    /// Entry refused unless a supervisor overrides.
    Deny,
    /// Entry allowed once the guard has seen the warning.
    Alert,
}

impl WatchAction {
    fn as_str(self) -> &'static str {
        match self {
            WatchAction::Deny => "deny",
            WatchAction::Alert => "alert",
        }
    }
}

impl rusqlite::types::FromSql for WatchAction {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match value.as_str()? {
            "deny" => Ok(WatchAction::Deny),
            _ => Ok(WatchAction::Alert),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WatchEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub name: Option<String>,
    /// Masked: the list is shown on screen.
    pub id_number_masked: Option<String>,
    pub plate: Option<String>,
    pub reason: String,
    pub action: WatchAction,
    pub active: bool,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewWatchEntry {
    pub name: Option<String>,
    pub id_number: Option<String>,
    pub plate: Option<String>,
    pub reason: String,
    pub action: Option<WatchAction>,
}

/// Why a visitor matched an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    IdNumber,
    Name,
    NameSound,
    Plate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WatchHit {
    #[ts(type = "number")]
    pub entry_id: i64,
    pub matched_by: MatchKind,
    pub name: Option<String>,
    pub reason: String,
    pub action: WatchAction,
}

/// What the desk must do before an entry with these hits is saved. It is the rule that
/// `clear_for_entry` enforces at the save, said once here so the UI does not derive it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WatchNeeds {
    /// No hit: save.
    Nothing,
    /// Alert hits only: the guard acknowledges them, then saves.
    Acknowledge,
    /// A deny hit: the guard acknowledges, and a supervisor overrides with PIN and reason.
    Override,
}

impl WatchNeeds {
    pub fn of(hits: &[WatchHit]) -> WatchNeeds {
        if hits.iter().any(|h| h.action == WatchAction::Deny) {
            WatchNeeds::Override
        } else if hits.is_empty() {
            WatchNeeds::Nothing
        } else {
            WatchNeeds::Acknowledge
        }
    }
}

/// A screening: the hits (deny first) and what they need before the save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Screening {
    pub hits: Vec<WatchHit>,
    pub needs: WatchNeeds,
}

impl From<Vec<WatchHit>> for Screening {
    fn from(hits: Vec<WatchHit>) -> Screening {
        Screening { needs: WatchNeeds::of(&hits), hits }
    }
}

/// What a visitor presents, for screening.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScreenQuery {
    pub name: Option<String>,
    pub id_number: Option<String>,
    pub plate: Option<String>,
}

/// Toneless pinyin of the Chinese characters in `name`, one word per character; other
/// letters are lower-cased and run together. `张伟` and `章伟` both give `zhang wei`.
pub fn name_sound(name: &str) -> String {
    let spaced: String = name
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '·')
        .map(|c| match c.to_pinyin() {
            Some(p) => format!(" {} ", p.plain()),
            None => c.to_lowercase().to_string(),
        })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every way `name` may be read aloud: `name_sound` with its first Chinese character (the
/// surname) read each way the pinyin tables give for it, the usual reading first. `曾伟`
/// gives `ceng wei` and `zeng wei`; a name without Chinese characters gives its one sound.
pub fn name_sounds(name: &str) -> Vec<String> {
    let usual = name_sound(name);
    let Some((at, surname)) = name.char_indices().find(|(_, c)| c.to_pinyin().is_some()) else {
        return vec![usual];
    };
    let rest = name_sound(&name[at + surname.len_utf8()..]);
    let before = name_sound(&name[..at]);
    let mut sounds = vec![usual];
    for reading in surname.to_pinyin_multi().into_iter().flatten() {
        let sound = [before.as_str(), reading.plain(), rest.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ");
        if !sounds.contains(&sound) {
            sounds.push(sound);
        }
    }
    sounds
}

/// Plates compare as the plate validator normalises them.
fn plate_key(plate: &str) -> String {
    crate::validate::plate::normalise(plate)
}

/// The active entries `query` matches, strongest match first.
pub(crate) fn screen_conn(conn: &Connection, query: &ScreenQuery) -> Result<Vec<WatchHit>> {
    let name = query.name.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let id_number = query.id_number.as_deref().map(cn_id::normalise).filter(|s| !s.is_empty());
    let plate = query.plate.as_deref().map(plate_key).filter(|s| !s.is_empty());
    let sounds = name.map(name_sounds).unwrap_or_default();
    // Exact keys in SQL; a named entry is then tested by sound (every reading of both
    // surnames, see `name_sounds`), which SQL cannot compute.
    let mut stmt = conn.prepare(
        "SELECT id, name, id_number, plate, reason, action FROM watchlist
         WHERE active = 1 AND (id_number = ?1 OR name IS NOT NULL OR plate = ?2)",
    )?;
    let candidates = stmt.query_map(rusqlite::params![id_number, plate], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, WatchAction>(5)?,
        ))
    })?;
    let mut hits = Vec::new();
    for candidate in candidates {
        let (entry_id, entry_name, entry_id_number, entry_plate, reason, action) = candidate?;
        let matched_by = if entry_id_number.is_some() && entry_id_number == id_number {
            MatchKind::IdNumber
        } else if entry_name.is_some() && entry_name.as_deref() == name {
            MatchKind::Name
        } else if entry_name.as_deref().is_some_and(|n| name.is_some() && name_sounds(n).iter().any(|s| sounds.contains(s))) {
            MatchKind::NameSound
        } else if entry_plate.is_some() && entry_plate == plate {
            MatchKind::Plate
        } else {
            continue;
        };
        hits.push(WatchHit { entry_id, matched_by, name: entry_name, reason, action });
    }
    hits.sort_by_key(|h| (h.action != WatchAction::Deny, h.matched_by as u8, h.entry_id));
    Ok(hits)
}

/// Screens a visitor (or a plate) against the watchlist. Any guard may ask.
pub fn screen(db: &Db, actor: &Actor, query: &ScreenQuery) -> Result<Screening> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        Ok(screen_conn(conn, query)?.into())
    })
}

/// The outcome of the watchlist check for one entry (a visitor or a vehicle at the gate).
pub(crate) struct Cleared {
    pub hits: Vec<WatchHit>,
    /// The supervisor who let a `deny` hit in, and why.
    pub approval: Option<(Actor, String)>,
}

impl Cleared {
    /// The detail for the record's check-in event: which entries the guard acknowledged.
    pub fn detail(&self) -> serde_json::Value {
        if self.hits.is_empty() {
            json!({})
        } else {
            json!({ "watchlist_acknowledged": self.hits.iter().map(|h| h.entry_id).collect::<Vec<_>>() })
        }
    }

    /// Appends the override event in the check-in's own transaction.
    pub fn record_override(&self, tx: &Tx<'_>, guard: &Actor) -> Result<()> {
        if let Some((supervisor, reason)) = &self.approval {
            let entries: Vec<i64> = self.hits.iter().map(|h| h.entry_id).collect();
            audit::append(
                tx,
                Event::new("watchlist_override", Some(supervisor)).detail(json!({ "entries": entries, "reason": reason, "guard": guard.guard_uid })),
            )?;
        }
        Ok(())
    }
}

/// Records that watchlist hits were met at the gate, and how it ended.
fn log_hits(db: &Db, actor: &Actor, hits: &[WatchHit], outcome: &str) -> Result<()> {
    let entries: Vec<i64> = hits.iter().map(|h| h.entry_id).collect();
    db.write(|tx| audit::append(tx, Event::new("watchlist_hit", Some(actor)).detail(json!({ "entries": entries, "outcome": outcome }))))?;
    Ok(())
}

/// Lets an entry through the watchlist: every hit must be in `acknowledged`, and a `deny`
/// hit needs a supervisor's `approval` (checked here, in its own transaction). A refusal is
/// logged before it is returned. Call before the check-in's write.
pub(crate) fn clear_for_entry(db: &Db, actor: &Actor, query: &ScreenQuery, acknowledged: &[i64], approval: Option<&SupervisorOverride>) -> Result<Cleared> {
    let hits = db.read(|conn| screen_conn(conn, query))?;
    if hits.iter().any(|h| !acknowledged.contains(&h.entry_id)) {
        log_hits(db, actor, &hits, "not_acknowledged")?;
        return Err(Error::new(ErrorCode::WatchlistUnacknowledged, "this entry matches the watchlist: read the warning and acknowledge it")
            .with_param("entries", hits.len()));
    }
    let approval = match (approval, WatchNeeds::of(&hits) == WatchNeeds::Override) {
        (_, false) => None,
        (None, true) => {
            log_hits(db, actor, &hits, "denied")?;
            return Err(Error::new(ErrorCode::WatchlistDenied, "the watchlist says this may not enter: a supervisor can override with PIN and reason"));
        }
        (Some(approval), true) => Some(guards::approve_override(db, approval)?),
    };
    Ok(Cleared { hits, approval })
}

fn entry(conn: &Connection, id: i64) -> Result<WatchEntry> {
    conn.query_row("SELECT id, name, id_number, plate, reason, action, active FROM watchlist WHERE id = ?1", [id], |r| {
        Ok(WatchEntry {
            id: r.get(0)?,
            name: r.get(1)?,
            id_number_masked: r.get::<_, Option<String>>(2)?.as_deref().map(cn_id::mask),
            plate: r.get(3)?,
            reason: r.get(4)?,
            action: r.get(5)?,
            active: r.get(6)?,
        })
    })
    .optional()?
    .ok_or_else(|| Error::new(ErrorCode::WatchlistEntryNotFound, "no such watchlist entry"))
}

pub fn list(db: &Db, actor: &Actor) -> Result<Vec<WatchEntry>> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Supervisor)?;
        let ids: Vec<i64> =
            conn.prepare("SELECT id FROM watchlist ORDER BY active DESC, id DESC")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| entry(conn, id)).collect()
    })
}

pub fn add(db: &Db, actor: &Actor, new: &NewWatchEntry) -> Result<WatchEntry> {
    let name = match new.name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => Some(validate::person_name("name", name, 50)?),
        None => None,
    };
    let id_number = new.id_number.as_deref().map(cn_id::normalise).filter(|s| !s.is_empty());
    if let Some(number) = &id_number {
        validate::required_text("id_number", number, 30)?;
    }
    let plate = new.plate.as_deref().map(plate_key).filter(|s| !s.is_empty());
    if let Some(plate) = &plate {
        validate::required_text("plate", plate, 12)?;
    }
    if name.is_none() && id_number.is_none() && plate.is_none() {
        return Err(Error::invalid("name", ErrorCode::WatchlistNeedsKey, "give at least a name, an ID number or a plate"));
    }
    let reason = validate::required_text("reason", &new.reason, 200)?;
    let action = new.action.ok_or_else(|| Error::required("action"))?;
    let name_pinyin = name.as_deref().map(name_sound);
    let salt = pii::new_salt();
    let commitment = pii::commitment(&salt, &[("name", name.as_deref()), ("name_pinyin", name_pinyin.as_deref()), ("id_number", id_number.as_deref())]);
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        tx.execute(
            "INSERT INTO watchlist (uid, name, name_pinyin, id_number, pii_salt, pii_commitment, plate, reason, action, created_at_ms, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            rusqlite::params![
                uuid::Uuid::now_v7().to_string(),
                name,
                name_pinyin,
                id_number,
                salt,
                commitment,
                plate,
                reason,
                action.as_str(),
                tx.now_ms(),
                actor.guard_id
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::record_change(tx, &catalogue::WATCHLIST, id, Event::new("watchlist_added", Some(actor)))?;
        entry(tx, id)
    })
}

pub fn set_active(db: &Db, actor: &Actor, id: i64, active: bool) -> Result<WatchEntry> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        if entry(tx, id)?.active != active {
            tx.execute("UPDATE watchlist SET active = ?2 WHERE id = ?1", rusqlite::params![id, active])?;
            audit::record_change(tx, &catalogue::WATCHLIST, id, Event::new(if active { "watchlist_enabled" } else { "watchlist_disabled" }, Some(actor)))?;
        }
        entry(tx, id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_sound_the_same_share_their_pinyin() {
        assert_eq!(name_sound("张伟"), "zhang wei");
        assert_eq!(name_sound("章伟"), name_sound("张伟"));
        assert_ne!(name_sound("张玮琪"), name_sound("张伟"));
        assert_eq!(name_sound("Li Na"), "lina");
        assert_eq!(name_sound("买买提·艾力"), "mai mai ti ai li");
    }

    #[test]
    fn a_surname_with_several_readings_sounds_like_each() {
        for (surname, readings) in [
            ('曾', &["zeng", "ceng"][..]),
            ('单', &["shan", "dan", "chan"]),
            ('解', &["xie", "jie"]),
            ('仇', &["qiu", "chou"]),
            ('朴', &["piao", "pu"]),
            ('查', &["zha", "cha"]),
            ('区', &["ou", "qu"]),
        ] {
            let sounds = name_sounds(&format!("{surname}伟"));
            for reading in readings {
                assert!(sounds.contains(&format!("{reading} wei")), "{surname}: {sounds:?}");
            }
        }
        assert_eq!(name_sounds("张伟"), vec!["zhang wei"], "one reading, one sound");
        assert_eq!(name_sounds("Li Na"), vec!["lina"]);
    }
}
