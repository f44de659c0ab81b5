//! The 24-hour duty log (值班记录): entries on a duty day's timeline, follow-up items
//! (限期整改), key places for patrols (重点部位), closing a duty day, the daily report.
//!
//! Entries are never edited or deleted (triggers refuse it): a correction is a new entry
//! that voids the old one with a reason, and both stay visible. An entry may be dated
//! earlier within the current duty day, never in the future; a late entry keeps both
//! times. A closed duty day takes no more entries.
//!
//! Supervision (issue 14): a spot check (查岗) at the desk names the supervisor by guard id
//! and is confirmed by that supervisor's own PIN; a phone check records the caller and is
//! unverified. A follow-up item goes open → done (a guard's entry says it was corrected) →
//! closed by a supervisor's re-check (复查, PIN), or back to open when the re-check reopens
//! it; `REPEAT_AFTER_REOPENINGS` reopenings make it a repeat problem (屡查屡犯). A serious
//! incident (fire, fight, forced entry, injury, theft) is saved only with whom it was
//! reported to and when. Must not: build the handover (see `handover`).
//! Called by: the shell, `handover`, `status`, `reports::supervision`.

use chrono::{Duration, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::db::{Db, Tx};
use crate::error::{Error, ErrorCode, Result};
use crate::guards;
use crate::{site, validate};

/// An item reopened by this many re-checks is a repeat problem (屡查屡犯): it was marked
/// corrected, found not corrected, marked again and found again.
pub const REPEAT_AFTER_REOPENINGS: i64 = 2;

const TEXT_MAX: usize = 1000;
const SHORT_MAX: usize = 50;
/// An entry recorded more than this after it happened is shown as late, with both times.
const LATE_AFTER_MS: i64 = 5 * 60_000;
/// Patrols per duty day when the site has not set a number.
pub const DEFAULT_MIN_PATROLS: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// 巡逻
    Patrol,
    /// 事件
    Incident,
    /// 电话
    Call,
    /// 查岗 (a supervisor checks the post, in person or by phone)
    SpotCheck,
    /// 替岗 (leaving the post with a replacement)
    Replacement,
    /// 设备检查
    EquipmentCheck,
    Other,
}

impl EntryKind {
    fn as_str(self) -> &'static str {
        match self {
            EntryKind::Patrol => "patrol",
            EntryKind::Incident => "incident",
            EntryKind::Call => "call",
            EntryKind::SpotCheck => "spot_check",
            EntryKind::Replacement => "replacement",
            EntryKind::EquipmentCheck => "equipment_check",
            EntryKind::Other => "other",
        }
    }

    fn parse(text: &str) -> EntryKind {
        match text {
            "patrol" => EntryKind::Patrol,
            "incident" => EntryKind::Incident,
            "call" => EntryKind::Call,
            "spot_check" => EntryKind::SpotCheck,
            "replacement" => EntryKind::Replacement,
            "equipment_check" => EntryKind::EquipmentCheck,
            _ => EntryKind::Other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SpotCheckMode {
    /// 现场查岗: the supervisor stands at the desk and confirms with their own PIN.
    InPerson,
    /// 电话查岗: the caller's name or number is written down; nobody can confirm it (未核实).
    Phone,
}

/// What an incident was. The serious ones must say whom they were reported to and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IncidentCategory {
    /// 火情
    Fire,
    /// 打架斗殴
    Fight,
    /// 强行闯入
    ForcedEntry,
    /// 人员受伤
    Injury,
    /// 盗窃
    Theft,
    /// 其他
    Other,
}

impl IncidentCategory {
    /// Every category, in the order the form offers them.
    pub const ALL: [IncidentCategory; 6] = [
        IncidentCategory::Fire,
        IncidentCategory::Fight,
        IncidentCategory::ForcedEntry,
        IncidentCategory::Injury,
        IncidentCategory::Theft,
        IncidentCategory::Other,
    ];

    /// The stored and serialised name (`forced_entry`).
    pub fn name(self) -> String {
        enum_text(&self)
    }

    /// Fire, fight, forced entry, injury and theft are reported at once (保卫处值班室, 110,
    /// 119, 120 or a named person), and the log says to whom and when.
    pub fn is_serious(self) -> bool {
        !matches!(self, IncidentCategory::Other)
    }
}

/// Where a follow-up item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpStatus {
    /// 待整改
    Open,
    /// 已整改待复查: a guard marked it corrected; a supervisor's re-check closes or reopens it.
    Done,
    /// 已复查关闭 (or, before schema 13, closed by a guard's entry)
    Closed,
}

/// A supervisor's re-check (复查) of an item marked corrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOutcome {
    Close,
    Reopen,
}

fn enum_text<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn enum_parse<T: for<'de> Deserialize<'de>>(text: Option<String>) -> Option<T> {
    text.and_then(|t| serde_json::from_value(serde_json::Value::String(t)).ok())
}

/// One key place on a patrol: visited or not, and what was wrong there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PatrolStop {
    pub place: String,
    pub visited: bool,
    #[serde(default)]
    pub anomaly: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct NewFollowUp {
    pub title: String,
    pub owner: String,
    /// `YYYY-MM-DD`
    pub deadline: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewEntry {
    pub kind: EntryKind,
    /// When it happened; absent: now.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub occurred_at_ms: Option<i64>,
    #[serde(default)]
    pub place: Option<String>,
    pub text: String,
    /// e.g. 保卫处值班室, 110, 120
    #[serde(default)]
    pub reported_to: Option<String>,
    #[serde(default)]
    pub severity: Option<Severity>,
    /// When it was reported (serious incidents must say).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub reported_at_ms: Option<i64>,
    #[serde(default)]
    pub incident_category: Option<IncidentCategory>,
    /// A phone spot check: the caller's name or number. A desk check: ignored (the core
    /// writes the supervisor's name).
    #[serde(default)]
    pub spot_check_by: Option<String>,
    #[serde(default)]
    pub spot_check_mode: Option<SpotCheckMode>,
    /// A desk spot check: the supervisor (a guard id) and their PIN.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub spot_check_supervisor_id: Option<i64>,
    #[serde(default)]
    pub spot_check_pin: Option<String>,
    #[serde(default)]
    pub replacement_guard: Option<String>,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub replacement_from_ms: Option<i64>,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub replacement_to_ms: Option<i64>,
    #[serde(default)]
    pub patrol_stops: Vec<PatrolStop>,
    /// Opens a follow-up item (限期整改).
    #[serde(default)]
    pub follow_up: Option<NewFollowUp>,
    /// Closes this open follow-up item.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub closes_item_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpRow {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub owner: String,
    pub deadline: String,
    #[ts(type = "number")]
    pub opened_at_ms: i64,
    pub opened_by: String,
    #[ts(type = "number | null")]
    pub closed_at_ms: Option<i64>,
    /// Open and past its deadline.
    pub overdue: bool,
    pub status: FollowUpStatus,
    /// Whom the problem was reported to ("" when not recorded) and when.
    pub reported_to: String,
    #[ts(type = "number | null")]
    pub reported_at_ms: Option<i64>,
    /// When a guard marked it corrected (status `done`), and who.
    #[ts(type = "number | null")]
    pub done_at_ms: Option<i64>,
    pub done_by: String,
    /// The supervisor whose re-check closed it ("" for items closed before re-checks).
    pub closed_by: String,
    /// How many re-checks reopened it.
    #[ts(type = "number")]
    pub reopened: i64,
    /// Reopened `REPEAT_AFTER_REOPENINGS` times or more (屡查屡犯).
    pub repeat: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EntryRow {
    #[ts(type = "number")]
    pub id: i64,
    pub duty_day: String,
    pub kind: EntryKind,
    #[ts(type = "number")]
    pub occurred_at_ms: i64,
    #[ts(type = "number")]
    pub recorded_at_ms: i64,
    /// Recorded well after it happened: show both times.
    pub late: bool,
    pub place: String,
    pub text: String,
    pub guard: String,
    pub reported_to: String,
    #[ts(type = "number | null")]
    pub reported_at_ms: Option<i64>,
    pub severity: Option<Severity>,
    pub incident_category: Option<IncidentCategory>,
    pub spot_check_by: String,
    pub spot_check_mode: Option<SpotCheckMode>,
    #[ts(type = "number | null")]
    pub spot_check_supervisor_id: Option<i64>,
    /// true: confirmed by the supervisor's PIN at the desk; false: a phone check (未核实);
    /// null: written before checks were confirmed (a name as the post wrote it down).
    pub spot_check_verified: Option<bool>,
    pub replacement_guard: String,
    #[ts(type = "number | null")]
    pub replacement_from_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub replacement_to_ms: Option<i64>,
    pub patrol_stops: Vec<PatrolStop>,
    /// This entry voids an earlier one (its id), with `void_reason`.
    #[ts(type = "number | null")]
    pub voids_entry_id: Option<i64>,
    /// This entry was voided by a later one (its id).
    #[ts(type = "number | null")]
    pub voided_by_entry_id: Option<i64>,
    pub void_reason: String,
    pub opened_item: Option<FollowUpRow>,
    #[ts(type = "number | null")]
    pub closes_item_id: Option<i64>,
}

/// A duty day's log as the timeline shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DutyDay {
    pub duty_day: String,
    pub entries: Vec<EntryRow>,
    #[ts(type = "number")]
    pub patrols_done: i64,
    #[ts(type = "number")]
    pub patrols_required: i64,
    pub short_of_patrols: bool,
    pub closed: bool,
    pub key_places: Vec<KeyPlace>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyPlace {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub active: bool,
}

/// The daily duty report (值班记录表) a supervisor prints.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DutyReport {
    pub site_name: String,
    pub gate_name: String,
    pub day: DutyDay,
    #[ts(type = "number")]
    pub visitors_in: i64,
    #[ts(type = "number")]
    pub vehicles_in: i64,
    pub handovers: Vec<crate::handover::HandoverBrief>,
    /// Takeovers without handover (接班未交接) in the day: flagged on the report.
    pub takeovers: Vec<crate::on_duty::Takeover>,
    pub open_items: Vec<FollowUpRow>,
    #[ts(type = "number | null")]
    pub closed_at_ms: Option<i64>,
    pub closed_by: String,
    #[ts(type = "number")]
    pub generated_at_ms: i64,
}

fn today(db: &Db) -> NaiveDate {
    db.clock().local(db.clock().now_ms()).date_naive()
}

/// The current duty day and when it started.
pub(crate) fn current_day(conn: &Connection, db: &Db, now_ms: i64) -> Result<(NaiveDate, i64)> {
    let start_hour = site::read_settings(conn)?.duty_day_start_hour;
    Ok((db.clock().duty_day(now_ms, start_hour), site::duty_day_start_ms(db.clock(), now_ms, start_hour)))
}

fn is_closed(conn: &Connection, day: &str) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM duty_day_close WHERE duty_day = ?1)", [day], |r| r.get(0))?)
}

fn optional(field: &'static str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    validate::optional_text(field, value, max)
}

/// Whom a problem was reported to, and when.
pub(crate) struct Reported<'a> {
    pub to: &'a str,
    pub at_ms: i64,
}

/// Inserts a follow-up item opened by an entry or a handover.
pub(crate) fn open_follow_up(
    tx: &Tx<'_>,
    actor: &Actor,
    new: &NewFollowUp,
    entry_id: Option<i64>,
    handover_id: Option<i64>,
    reported: Option<Reported<'_>>,
) -> Result<i64> {
    let title = validate::required_text("follow_up_title", &new.title, 200)?;
    let owner = validate::required_text("follow_up_owner", &new.owner, SHORT_MAX)?;
    let deadline = validate::date("follow_up_deadline", &new.deadline)?;
    tx.execute(
        "INSERT INTO follow_up (uid, title, owner, deadline, opened_at_ms, opened_by, opened_by_entry_id, opened_by_handover_id, reported_to, reported_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        rusqlite::params![
            uuid::Uuid::now_v7().to_string(),
            title,
            owner,
            deadline.to_string(),
            tx.now_ms(),
            actor.guard_id,
            entry_id,
            handover_id,
            reported.as_ref().map(|r| r.to),
            reported.as_ref().map(|r| r.at_ms)
        ],
    )?;
    let id = tx.last_insert_rowid();
    audit::record_change(tx, &catalogue::FOLLOW_UP, id, Event::new("follow_up_opened", Some(actor)))?;
    Ok(id)
}

/// A time something was reported: given, not in the future, not before `after_ms`
/// (`after_field` names that earlier time).
pub(crate) fn reported_time(field: &'static str, at_ms: Option<i64>, now_ms: i64, after: Option<(&'static str, i64)>) -> Result<i64> {
    let at = at_ms.ok_or_else(|| Error::required(field))?;
    if at > now_ms {
        return Err(Error::invalid(field, ErrorCode::EntryInFuture, "the time reported cannot be in the future"));
    }
    // Guards type times to the minute: a report in the same minute as the event is fine.
    let minute = |ms: i64| ms.div_euclid(60_000);
    if let Some((after_field, after_ms)) = after.filter(|(_, after_ms)| minute(at) < minute(*after_ms)) {
        return Err(Error::invalid(field, ErrorCode::EndsBeforeStart, "it was reported before it happened: check both times")
            .with_param("startField", after_field)
            .with_param("startMs", after_ms));
    }
    Ok(at)
}

/// A desk spot check: the chosen supervisor's own PIN, checked like every supervisor
/// approval (same throttle as a log-in). Runs its own transaction: call before the write.
fn confirm_spot_check(db: &Db, supervisor_id: Option<i64>, pin: Option<&str>) -> Result<Actor> {
    let supervisor_id = supervisor_id.ok_or_else(|| Error::required("spot_check_supervisor_id"))?;
    let pin = pin.filter(|p| !p.trim().is_empty()).ok_or_else(|| Error::required("spot_check_pin"))?;
    let supervisor = guards::authenticate(db, supervisor_id, pin).map_err(|e| match e.code() {
        ErrorCode::GuardNotFound => e.on_field("spot_check_supervisor_id"),
        _ => e.on_field("spot_check_pin"),
    })?;
    db.read(|conn| guards::authorize(conn, &supervisor, Role::Supervisor)).map_err(|_| {
        Error::new(ErrorCode::NotASupervisor, "a spot check is confirmed by a supervisor: pick a supervisor from the list").on_field("spot_check_supervisor_id")
    })?;
    Ok(supervisor)
}

/// Writes a new entry into the current duty day.
pub fn add_entry(db: &Db, actor: &Actor, new: &NewEntry) -> Result<EntryRow> {
    let text = validate::required_text("text", &new.text, TEXT_MAX)?;
    let place = optional("place", new.place.as_deref(), SHORT_MAX)?;
    let reported_to = optional("reported_to", new.reported_to.as_deref(), SHORT_MAX)?;
    let spot_check_by = optional("spot_check_by", new.spot_check_by.as_deref(), SHORT_MAX)?;
    let replacement_guard = optional("replacement_guard", new.replacement_guard.as_deref(), SHORT_MAX)?;
    match new.kind {
        EntryKind::Incident if new.severity.is_none() => return Err(Error::required("severity")),
        EntryKind::Incident if new.incident_category.is_none() => return Err(Error::required("incident_category")),
        EntryKind::SpotCheck if new.spot_check_mode.is_none() => return Err(Error::required("spot_check_mode")),
        EntryKind::SpotCheck if new.spot_check_mode == Some(SpotCheckMode::Phone) && spot_check_by.is_none() => {
            return Err(Error::invalid("spot_check_by", ErrorCode::Required, "write down who called (name or number)"))
        }
        EntryKind::Replacement if replacement_guard.is_none() => return Err(Error::required("replacement_guard")),
        EntryKind::Replacement => match (new.replacement_from_ms, new.replacement_to_ms) {
            (Some(from), Some(to)) if from < to => {}
            (Some(_), Some(_)) => {
                return Err(Error::invalid("replacement_to_ms", ErrorCode::EndsBeforeStart, "the replacement must end after it starts")
                    .with_param("startField", "replacement_from_ms"))
            }
            (None, _) => return Err(Error::required("replacement_from_ms")),
            (_, None) => return Err(Error::required("replacement_to_ms")),
        },
        _ => {}
    }
    let patrol_stops = validate_stops(new)?;
    let now = db.clock().now_ms();
    let occurred = new.occurred_at_ms.unwrap_or(now);
    let category = new.incident_category.filter(|_| new.kind == EntryKind::Incident);
    let serious = category.is_some_and(IncidentCategory::is_serious);
    if serious && reported_to.is_none() {
        return Err(Error::invalid(
            "reported_to",
            ErrorCode::SeriousIncidentUnreported,
            "a serious incident must say whom it was reported to (保卫处值班室, 110, 119, 120 or a name)",
        ));
    }
    let reported_at_ms = match (serious, new.reported_at_ms) {
        (true, None) => return Err(Error::invalid("reported_at_ms", ErrorCode::SeriousIncidentUnreported, "a serious incident must say when it was reported")),
        (_, Some(at)) if reported_to.is_some() => Some(reported_time("reported_at_ms", Some(at), now, Some(("occurred_at_ms", occurred)))?),
        _ => None,
    };
    // The PIN is checked before the write, in its own transaction (a wrong PIN counts
    // towards the supervisor's lock-out even though nothing is saved).
    let spot_check = match (new.kind, new.spot_check_mode) {
        (EntryKind::SpotCheck, Some(SpotCheckMode::InPerson)) => Some(confirm_spot_check(db, new.spot_check_supervisor_id, new.spot_check_pin.as_deref())?),
        _ => None,
    };
    let (spot_check_by, spot_check_supervisor_id, spot_check_verified) = match (new.kind, &spot_check) {
        (EntryKind::SpotCheck, Some(supervisor)) => (Some(supervisor.name.clone()), Some(supervisor.guard_id), Some(true)),
        (EntryKind::SpotCheck, None) => (spot_check_by, None, Some(false)),
        _ => (None, None, None),
    };
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Guard)?;
        let (day, day_start) = current_day(tx, db, now)?;
        if occurred > now {
            return Err(Error::invalid("occurred_at_ms", ErrorCode::EntryInFuture, "an entry cannot be dated in the future"));
        }
        if occurred < day_start {
            return Err(Error::invalid("occurred_at_ms", ErrorCode::EntryBeforeDutyDay, "an entry can only be dated within the current duty day")
                .with_param("dayStartMs", day_start));
        }
        if is_closed(tx, &day.to_string())? {
            return Err(Error::new(ErrorCode::DutyDayClosed, "this duty day has been closed by a supervisor"));
        }
        if let Some(item) = new.closes_item_id {
            let row = follow_up_row(tx, item, today(db))?;
            match row.status {
                FollowUpStatus::Open => {}
                FollowUpStatus::Done => {
                    return Err(Error::new(ErrorCode::FollowUpAwaitingReview, "this item is already marked corrected: a supervisor's re-check closes it")
                        .on_field("closes_item_id"))
                }
                FollowUpStatus::Closed => return Err(Error::new(ErrorCode::FollowUpClosed, "this follow-up item is already closed").on_field("closes_item_id")),
            }
        }
        let id = insert_entry(
            tx,
            actor,
            &day.to_string(),
            new.kind,
            occurred,
            EntryFields {
                place: place.as_deref(),
                text: &text,
                reported_to: reported_to.as_deref(),
                reported_at_ms,
                severity: new.severity.as_ref().map(enum_text),
                incident_category: category.as_ref().map(enum_text),
                spot_check_by: spot_check_by.as_deref(),
                spot_check_mode: new.spot_check_mode.filter(|_| new.kind == EntryKind::SpotCheck).as_ref().map(enum_text),
                spot_check_supervisor_id,
                spot_check_verified,
                replacement_guard: replacement_guard.as_deref(),
                replacement_from_ms: new.replacement_from_ms.filter(|_| new.kind == EntryKind::Replacement),
                replacement_to_ms: new.replacement_to_ms.filter(|_| new.kind == EntryKind::Replacement),
                patrol_stops: patrol_stops.as_deref(),
                voids: None,
                closes_item_id: new.closes_item_id,
            },
        )?;
        if let Some(follow_up) = &new.follow_up {
            open_follow_up(tx, actor, follow_up, Some(id), None, None)?;
        }
        // The entry says what was corrected; the item waits for a supervisor's re-check.
        if let Some(item) = new.closes_item_id {
            tx.execute("UPDATE follow_up SET done_at_ms = ?2, done_by = ?3 WHERE id = ?1", rusqlite::params![item, tx.now_ms(), actor.guard_id])?;
            audit::record_change(tx, &catalogue::FOLLOW_UP, item, Event::new("follow_up_done", Some(actor)).detail(serde_json::json!({ "entry": id })))?;
        }
        entry_row(tx, id, today(db))
    })
}

/// A supervisor's re-check (复查) of an item a guard marked corrected: closes it, or
/// reopens it with the reason. The supervisor confirms with their own PIN at the desk, as
/// every supervisor approval; `approval.reason` is the re-check's note.
pub fn review_follow_up(db: &Db, actor: &Actor, item_id: i64, outcome: ReviewOutcome, approval: &guards::SupervisorOverride) -> Result<FollowUpRow> {
    let today = today(db);
    let row = db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        follow_up_row(conn, item_id, today)
    })?;
    ensure_awaiting_review(&row)?;
    let (supervisor, note) = guards::approve_override(db, approval)?;
    db.write(|tx| {
        // Checked again inside the write: another desk may have re-checked it meanwhile.
        ensure_awaiting_review(&follow_up_row(tx, item_id, today)?)?;
        let (action, stored) = match outcome {
            ReviewOutcome::Close => {
                tx.execute(
                    "UPDATE follow_up SET closed_at_ms = ?2, closed_by = ?3 WHERE id = ?1",
                    rusqlite::params![item_id, tx.now_ms(), supervisor.guard_id],
                )?;
                ("follow_up_closed", "closed")
            }
            ReviewOutcome::Reopen => {
                tx.execute("UPDATE follow_up SET done_at_ms = NULL, done_by = NULL WHERE id = ?1", [item_id])?;
                ("follow_up_reopened", "reopened")
            }
        };
        tx.execute(
            "INSERT INTO follow_up_review (uid, follow_up_id, outcome, note, reviewed_by, reviewed_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![uuid::Uuid::now_v7().to_string(), item_id, stored, note, supervisor.guard_id, tx.now_ms()],
        )?;
        let review_id = tx.last_insert_rowid();
        audit::record_change(
            tx,
            &catalogue::FOLLOW_UP_REVIEW,
            review_id,
            Event::new("follow_up_reviewed", Some(&supervisor)).detail(serde_json::json!({ "guard": actor.guard_uid })),
        )?;
        audit::record_change(tx, &catalogue::FOLLOW_UP, item_id, Event::new(action, Some(&supervisor)))?;
        follow_up_row(tx, item_id, today)
    })
}

fn ensure_awaiting_review(row: &FollowUpRow) -> Result<()> {
    match row.status {
        FollowUpStatus::Done => Ok(()),
        FollowUpStatus::Open => Err(Error::new(ErrorCode::FollowUpNotDone, "this item is not marked corrected yet: a guard records the correction first")),
        FollowUpStatus::Closed => Err(Error::new(ErrorCode::FollowUpClosed, "this follow-up item is already closed")),
    }
}

fn validate_stops(new: &NewEntry) -> Result<Option<String>> {
    if new.kind != EntryKind::Patrol {
        return Ok(None);
    }
    let mut stops = Vec::new();
    for stop in &new.patrol_stops {
        let place = validate::required_text("patrol_stops", &stop.place, SHORT_MAX)?;
        let anomaly = optional("patrol_stops", stop.anomaly.as_deref(), 200)?;
        stops.push(PatrolStop { place, visited: stop.visited, anomaly });
    }
    if !stops.iter().any(|s| s.visited) {
        return Err(Error::invalid("patrol_stops", ErrorCode::Required, "tick the key places the patrol visited"));
    }
    Ok(Some(serde_json::to_string(&stops).unwrap_or_else(|_| "[]".into())))
}

struct EntryFields<'a> {
    place: Option<&'a str>,
    text: &'a str,
    reported_to: Option<&'a str>,
    reported_at_ms: Option<i64>,
    severity: Option<String>,
    incident_category: Option<String>,
    spot_check_by: Option<&'a str>,
    spot_check_mode: Option<String>,
    spot_check_supervisor_id: Option<i64>,
    spot_check_verified: Option<bool>,
    replacement_guard: Option<&'a str>,
    replacement_from_ms: Option<i64>,
    replacement_to_ms: Option<i64>,
    patrol_stops: Option<&'a str>,
    voids: Option<(i64, &'a str)>,
    closes_item_id: Option<i64>,
}

fn insert_entry(tx: &Tx<'_>, actor: &Actor, day: &str, kind: EntryKind, occurred_at_ms: i64, f: EntryFields<'_>) -> Result<i64> {
    tx.execute(
        "INSERT INTO duty_entry (uid, duty_day, kind, occurred_at_ms, recorded_at_ms, place, text, guard_id, reported_to, severity,
             spot_check_by, spot_check_mode, replacement_guard, replacement_from_ms, replacement_to_ms, patrol_places, voids_entry_id,
             void_reason, closes_item_id, reported_at_ms, incident_category, spot_check_supervisor_id, spot_check_verified)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
        rusqlite::params![
            uuid::Uuid::now_v7().to_string(),
            day,
            kind.as_str(),
            occurred_at_ms,
            tx.now_ms(),
            f.place,
            f.text,
            actor.guard_id,
            f.reported_to,
            f.severity,
            f.spot_check_by,
            f.spot_check_mode,
            f.replacement_guard,
            f.replacement_from_ms,
            f.replacement_to_ms,
            f.patrol_stops,
            f.voids.map(|(id, _)| id),
            f.voids.map(|(_, reason)| reason),
            f.closes_item_id,
            f.reported_at_ms,
            f.incident_category,
            f.spot_check_supervisor_id,
            f.spot_check_verified,
        ],
    )?;
    let id = tx.last_insert_rowid();
    let action = if f.voids.is_some() { "duty_entry_voided" } else { "duty_entry_added" };
    audit::record_change(tx, &catalogue::DUTY_ENTRY, id, Event::new(action, Some(actor)))?;
    crate::search::index_new(tx, crate::search::SearchKind::Duty, id)?;
    Ok(id)
}

/// Voids an entry with a reason: a new entry that points at it. The old one stays visible.
pub fn void_entry(db: &Db, actor: &Actor, entry_id: i64, reason: &str) -> Result<EntryRow> {
    let reason = validate::required_text("void_reason", reason, 200)?;
    let now = db.clock().now_ms();
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Guard)?;
        let old = entry_row(tx, entry_id, today(db))?;
        if old.voided_by_entry_id.is_some() || old.voids_entry_id.is_some() {
            return Err(Error::new(ErrorCode::EntryAlreadyVoided, "this entry is already voided (or is itself a correction)"));
        }
        let (day, _) = current_day(tx, db, now)?;
        if is_closed(tx, &old.duty_day)? || is_closed(tx, &day.to_string())? {
            return Err(Error::new(ErrorCode::DutyDayClosed, "this duty day has been closed by a supervisor"));
        }
        let id = insert_entry(
            tx,
            actor,
            &day.to_string(),
            old.kind,
            now,
            EntryFields {
                place: None,
                text: &reason,
                reported_to: None,
                reported_at_ms: None,
                severity: None,
                incident_category: None,
                spot_check_by: None,
                spot_check_mode: None,
                spot_check_supervisor_id: None,
                spot_check_verified: None,
                replacement_guard: None,
                replacement_from_ms: None,
                replacement_to_ms: None,
                patrol_stops: None,
                voids: Some((entry_id, &reason)),
                closes_item_id: None,
            },
        )?;
        entry_row(tx, id, today(db))
    })
}

const SELECT_ENTRY: &str = "SELECT e.id, e.duty_day, e.kind, e.occurred_at_ms, e.recorded_at_ms, e.place, e.text, g.name, e.reported_to,
        e.severity, e.spot_check_by, e.spot_check_mode, e.replacement_guard, e.replacement_from_ms, e.replacement_to_ms,
        e.patrol_places, e.voids_entry_id, e.void_reason, e.closes_item_id,
        (SELECT v.id FROM duty_entry v WHERE v.voids_entry_id = e.id),
        (SELECT v.void_reason FROM duty_entry v WHERE v.voids_entry_id = e.id),
        (SELECT f.id FROM follow_up f WHERE f.opened_by_entry_id = e.id),
        e.reported_at_ms, e.incident_category, e.spot_check_supervisor_id, e.spot_check_verified
     FROM duty_entry e JOIN guard g ON g.id = e.guard_id";

fn map_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<(EntryRow, Option<i64>)> {
    let text = |i: usize| -> rusqlite::Result<String> { Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default()) };
    let occurred: i64 = r.get(3)?;
    let recorded: i64 = r.get(4)?;
    let voids_entry_id: Option<i64> = r.get(16)?;
    let own_reason = text(17)?;
    let voided_by_reason = text(20)?;
    Ok((
        EntryRow {
            id: r.get(0)?,
            duty_day: r.get(1)?,
            kind: EntryKind::parse(&r.get::<_, String>(2)?),
            occurred_at_ms: occurred,
            recorded_at_ms: recorded,
            late: recorded - occurred > LATE_AFTER_MS,
            place: text(5)?,
            text: r.get(6)?,
            guard: r.get(7)?,
            reported_to: text(8)?,
            reported_at_ms: r.get(22)?,
            severity: enum_parse(r.get(9)?),
            incident_category: enum_parse(r.get(23)?),
            spot_check_by: text(10)?,
            spot_check_mode: enum_parse(r.get(11)?),
            spot_check_supervisor_id: r.get(24)?,
            spot_check_verified: r.get(25)?,
            replacement_guard: text(12)?,
            replacement_from_ms: r.get(13)?,
            replacement_to_ms: r.get(14)?,
            patrol_stops: r.get::<_, Option<String>>(15)?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default(),
            voids_entry_id,
            voided_by_entry_id: r.get(19)?,
            void_reason: if voids_entry_id.is_some() { own_reason } else { voided_by_reason },
            opened_item: None,
            closes_item_id: r.get(18)?,
        },
        r.get(21)?,
    ))
}

fn with_item(conn: &Connection, (mut row, item): (EntryRow, Option<i64>), today: NaiveDate) -> Result<EntryRow> {
    row.opened_item = item.map(|id| follow_up_row(conn, id, today)).transpose()?;
    Ok(row)
}

fn entry_row(conn: &Connection, id: i64, today: NaiveDate) -> Result<EntryRow> {
    let raw = conn
        .query_row(&format!("{SELECT_ENTRY} WHERE e.id = ?1"), [id], map_entry)
        .optional()?
        .ok_or_else(|| Error::new(ErrorCode::EntryNotFound, "there is no such duty log entry"))?;
    with_item(conn, raw, today)
}

fn entries_of(conn: &Connection, day: &str, today: NaiveDate) -> Result<Vec<EntryRow>> {
    let mut stmt = conn.prepare(&format!("{SELECT_ENTRY} WHERE e.duty_day = ?1 ORDER BY e.occurred_at_ms, e.id"))?;
    let raws: Vec<(EntryRow, Option<i64>)> = stmt.query_map([day], map_entry)?.collect::<rusqlite::Result<_>>()?;
    raws.into_iter().map(|raw| with_item(conn, raw, today)).collect()
}

fn min_patrols(conn: &Connection) -> Result<i64> {
    let value: Option<i64> = conn.query_row("SELECT min_patrols_per_day FROM site WHERE id = 1", [], |r| r.get(0)).optional()?.flatten();
    Ok(value.unwrap_or(i64::from(DEFAULT_MIN_PATROLS)))
}

fn duty_day_of(conn: &Connection, db: &Db, day: NaiveDate, current: NaiveDate) -> Result<DutyDay> {
    let day_text = day.to_string();
    let entries = entries_of(conn, &day_text, today(db))?;
    let patrols_done = entries.iter().filter(|e| e.kind == EntryKind::Patrol && e.voids_entry_id.is_none() && e.voided_by_entry_id.is_none()).count() as i64;
    let patrols_required = min_patrols(conn)?;
    Ok(DutyDay {
        duty_day: day_text.clone(),
        patrols_done,
        patrols_required,
        // The current day is short only once it is over; the UI shows progress meanwhile.
        short_of_patrols: patrols_done < patrols_required && day < current,
        closed: is_closed(conn, &day_text)?,
        key_places: key_places_of(conn, false)?,
        entries,
    })
}

/// A duty day's timeline (`day` = `YYYY-MM-DD`, or the current day).
pub fn timeline(db: &Db, actor: &Actor, day: Option<&str>) -> Result<DutyDay> {
    let now = db.clock().now_ms();
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let (current, _) = current_day(conn, db, now)?;
        let day = match day.map(str::trim).filter(|d| !d.is_empty()) {
            Some(text) => validate::date("duty_day", text)?,
            None => current,
        };
        duty_day_of(conn, db, day, current)
    })
}

/// Whether the current duty day is short of patrols so far (progress for the dashboard).
pub(crate) fn patrols_so_far(conn: &Connection, db: &Db, now_ms: i64) -> Result<(i64, i64)> {
    let (day, _) = current_day(conn, db, now_ms)?;
    let done: i64 = conn.query_row(
        "SELECT count(*) FROM duty_entry e WHERE e.duty_day = ?1 AND e.kind = 'patrol' AND e.voids_entry_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM duty_entry v WHERE v.voids_entry_id = e.id)",
        [day.to_string()],
        |r| r.get(0),
    )?;
    Ok((done, min_patrols(conn)?))
}

const SELECT_FOLLOW_UP: &str = "SELECT f.id, f.title, f.owner, f.deadline, f.opened_at_ms, g.name, f.closed_at_ms, f.reported_to, f.reported_at_ms,
        f.done_at_ms, (SELECT name FROM guard WHERE id = f.done_by), (SELECT name FROM guard WHERE id = f.closed_by),
        (SELECT count(*) FROM follow_up_review r WHERE r.follow_up_id = f.id AND r.outcome = 'reopened')
     FROM follow_up f JOIN guard g ON g.id = f.opened_by";

fn map_follow_up(r: &rusqlite::Row<'_>, today: NaiveDate) -> rusqlite::Result<FollowUpRow> {
    let deadline: String = r.get(3)?;
    let closed_at_ms: Option<i64> = r.get(6)?;
    let done_at_ms: Option<i64> = r.get(9)?;
    let status = match (closed_at_ms, done_at_ms) {
        (Some(_), _) => FollowUpStatus::Closed,
        (None, Some(_)) => FollowUpStatus::Done,
        (None, None) => FollowUpStatus::Open,
    };
    let reopened: i64 = r.get(12)?;
    Ok(FollowUpRow {
        id: r.get(0)?,
        title: r.get(1)?,
        owner: r.get(2)?,
        overdue: status == FollowUpStatus::Open && NaiveDate::parse_from_str(&deadline, "%Y-%m-%d").is_ok_and(|d| today > d),
        deadline,
        opened_at_ms: r.get(4)?,
        opened_by: r.get(5)?,
        closed_at_ms,
        status,
        reported_to: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
        reported_at_ms: r.get(8)?,
        done_at_ms,
        done_by: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
        closed_by: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
        reopened,
        repeat: reopened >= REPEAT_AFTER_REOPENINGS,
    })
}

fn follow_up_row(conn: &Connection, id: i64, today: NaiveDate) -> Result<FollowUpRow> {
    conn.query_row(&format!("{SELECT_FOLLOW_UP} WHERE f.id = ?1"), [id], |r| map_follow_up(r, today))
        .optional()?
        .ok_or_else(|| Error::new(ErrorCode::FollowUpNotFound, "there is no such follow-up item").on_field("closes_item_id"))
}

pub(crate) fn open_items_conn(conn: &Connection, today: NaiveDate) -> Result<Vec<FollowUpRow>> {
    let mut stmt = conn.prepare(&format!("{SELECT_FOLLOW_UP} WHERE f.closed_at_ms IS NULL ORDER BY f.deadline, f.id"))?;
    let rows = stmt.query_map([], |r| map_follow_up(r, today))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Open follow-up items, the earliest deadline first (overdue ones flagged).
pub fn open_items(db: &Db, actor: &Actor) -> Result<Vec<FollowUpRow>> {
    let today = today(db);
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        open_items_conn(conn, today)
    })
}

fn key_places_of(conn: &Connection, all: bool) -> Result<Vec<KeyPlace>> {
    let mut stmt = conn.prepare("SELECT id, name, active FROM key_place WHERE ?1 OR active = 1 ORDER BY position")?;
    let rows = stmt.query_map([all], |r| Ok(KeyPlace { id: r.get(0)?, name: r.get(1)?, active: r.get(2)? }))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn key_places(db: &Db, actor: &Actor, all: bool) -> Result<Vec<KeyPlace>> {
    db.read(|conn| {
        guards::authorize(conn, actor, if all { Role::Supervisor } else { Role::Guard })?;
        key_places_of(conn, all)
    })
}

pub fn add_key_place(db: &Db, actor: &Actor, name: &str) -> Result<KeyPlace> {
    let name = validate::required_text("key_place", name, SHORT_MAX)?;
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let exists: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM key_place WHERE name = ?1)", [&name], |r| r.get(0))?;
        if exists {
            return Err(Error::new(ErrorCode::KeyPlaceExists, "this key place is already on the list").on_field("key_place"));
        }
        tx.execute(
            "INSERT INTO key_place (uid, name, position, created_at_ms) VALUES (?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM key_place), ?3)",
            rusqlite::params![uuid::Uuid::now_v7().to_string(), name, tx.now_ms()],
        )?;
        let id = tx.last_insert_rowid();
        audit::record_change(tx, &catalogue::KEY_PLACE, id, Event::new("key_place_added", Some(actor)))?;
        Ok(KeyPlace { id, name, active: true })
    })
}

pub fn set_key_place_active(db: &Db, actor: &Actor, id: i64, active: bool) -> Result<KeyPlace> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let place = tx
            .query_row("SELECT id, name, active FROM key_place WHERE id = ?1", [id], |r| Ok(KeyPlace { id: r.get(0)?, name: r.get(1)?, active: r.get(2)? }))
            .optional()?
            .ok_or_else(|| Error::new(ErrorCode::KeyPlaceNotFound, "there is no such key place"))?;
        if place.active != active {
            tx.execute("UPDATE key_place SET active = ?2 WHERE id = ?1", rusqlite::params![id, active])?;
            audit::record_change(tx, &catalogue::KEY_PLACE, id, Event::new(if active { "key_place_enabled" } else { "key_place_disabled" }, Some(actor)))?;
        }
        Ok(KeyPlace { active, ..place })
    })
}

/// Sets how many patrols a duty day needs.
pub fn set_min_patrols(db: &Db, actor: &Actor, count: u32) -> Result<()> {
    let count = validate::in_range("min_patrols_per_day", i64::from(count), 0, 48)?;
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        tx.execute("UPDATE site SET min_patrols_per_day = ?1 WHERE id = 1", [count])?;
        audit::record_change(tx, &catalogue::SITE, 1, Event::new("settings_changed", Some(actor)))?;
        Ok(())
    })
}

/// Closes a finished duty day (supervisor): no more entries for it.
pub fn close_day(db: &Db, actor: &Actor, day: &str) -> Result<DutyDay> {
    let day = validate::date("duty_day", day)?;
    let now = db.clock().now_ms();
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        let (current, _) = current_day(tx, db, now)?;
        if day > current {
            return Err(Error::invalid("duty_day", ErrorCode::EntryInFuture, "a duty day in the future cannot be closed"));
        }
        if is_closed(tx, &day.to_string())? {
            return Err(Error::new(ErrorCode::DutyDayClosed, "this duty day is already closed"));
        }
        tx.execute(
            "INSERT INTO duty_day_close (uid, duty_day, closed_at_ms, closed_by) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![uuid::Uuid::now_v7().to_string(), day.to_string(), tx.now_ms(), actor.guard_id],
        )?;
        let id = tx.last_insert_rowid();
        audit::record_change(tx, &catalogue::DUTY_DAY_CLOSE, id, Event::new("duty_day_closed", Some(actor)))?;
        duty_day_of(tx, db, day, current)
    })
}

/// The daily duty report (值班记录表) of a duty day.
pub fn report(db: &Db, actor: &Actor, day: &str) -> Result<DutyReport> {
    let day = validate::date("duty_day", day)?;
    let now = db.clock().now_ms();
    let today = today(db);
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let settings = site::read_settings(conn)?;
        let (current, _) = current_day(conn, db, now)?;
        let start_hour = settings.duty_day_start_hour;
        let local_start = day.and_hms_opt(start_hour, 0, 0).unwrap_or_default();
        let from = local_start.and_local_timezone(db.clock().offset_at(now)).single().map_or(0, |t| t.timestamp_millis());
        let to = from + Duration::days(1).num_milliseconds();
        let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [from, to], |r| r.get(0))?) };
        let closed: Option<(i64, String)> = conn
            .query_row("SELECT c.closed_at_ms, g.name FROM duty_day_close c JOIN guard g ON g.id = c.closed_by WHERE c.duty_day = ?1", [day.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        Ok(DutyReport {
            site_name: settings.site_name,
            gate_name: settings.gate_name,
            day: duty_day_of(conn, db, day, current)?,
            visitors_in: count("SELECT count(*) FROM visit WHERE checked_in_at_ms >= ?1 AND checked_in_at_ms < ?2")?,
            vehicles_in: count("SELECT count(*) FROM vehicle_visit WHERE checked_in_at_ms >= ?1 AND checked_in_at_ms < ?2")?,
            handovers: crate::handover::briefs_between(conn, from, to)?,
            takeovers: crate::on_duty::takeovers_between(conn, from, to)?,
            open_items: open_items_conn(conn, today)?,
            closed_at_ms: closed.as_ref().map(|(at, _)| *at),
            closed_by: closed.map(|(_, by)| by).unwrap_or_default(),
            generated_at_ms: now,
        })
    })
}
