//! Shift handover (交接班): the summary of the shift, the joint check, what is handed over,
//! both guards' PINs and drawn signatures, and the seal.
//!
//! A handover is written once, sealed: triggers refuse any change, and the audit event of
//! the seal carries the signatures' SHA-256. The slip prints the seal event's hash (short
//! hex) so the paper anchors the digital record; every print is recorded and the second and
//! later ones are reprints (补打). The sealing rule (issue 14): a handover seals when the
//! joint check is all OK, or when every problem found comes with its follow-up item
//! (限期整改: a deadline, and whom it was reported to and when); each then opens that item.
//! Must not: switch the session (the shell does it through `session`).
//! Called by: `session::Session::hand_over`, the shell, `duty` (daily report).

use base64::Engine;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::checklist::{self, CheckResult, ChecklistKind};
use crate::db::Db;
use crate::duty::{self, FollowUpRow, NewFollowUp};
use crate::error::{Error, ErrorCode, Result};
use crate::guards;
use crate::{signature, site, validate};

/// The most of one item a handover may list (the UI checks the same, from `form-rules.ts`).
pub(crate) const HANDED_OVER_COUNT_MAX: i64 = 10_000;

/// Something handed over, with how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HandedOver {
    pub item: String,
    #[ts(type = "number")]
    pub count: i64,
}

/// What happened during the shift, built by the core (never taken from the UI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ShiftSummary {
    #[ts(type = "number")]
    pub from_ms: i64,
    #[ts(type = "number")]
    pub to_ms: i64,
    #[ts(type = "number")]
    pub visitors_in: i64,
    #[ts(type = "number")]
    pub visitors_out: i64,
    #[ts(type = "number")]
    pub vehicles_in: i64,
    #[ts(type = "number")]
    pub vehicles_out: i64,
    /// Names of visitors still inside ("" once purged). Not sealed: the sealed summary
    /// keeps `people_inside_visits` only, and the names are read from the visits when the
    /// handover is shown, so the retention purge removes them here too.
    pub people_inside: Vec<String>,
    /// The uids of those visits, in the same order.
    #[serde(default)]
    pub people_inside_visits: Vec<String>,
    pub vehicles_inside: Vec<String>,
    /// Pass scans refused during the shift (holiday passes).
    #[ts(type = "number")]
    pub refused_pass_scans: i64,
    /// Incident entries of the shift: "HH:MM text".
    pub incidents: Vec<String>,
    pub open_items: Vec<FollowUpRow>,
    #[ts(type = "number")]
    pub duty_entries: i64,
    #[ts(type = "number")]
    pub goods_held: i64,
}

/// Everything the wizard collected, sent at the last step.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct HandoverInput {
    #[ts(type = "number")]
    pub outgoing_guard_id: i64,
    pub outgoing_pin: String,
    /// PNG bytes from the drawing pad.
    pub outgoing_signature: Vec<u8>,
    #[ts(type = "number")]
    pub incoming_guard_id: i64,
    pub incoming_pin: String,
    pub incoming_signature: Vec<u8>,
    pub checklist: Vec<CheckResult>,
    pub handed_over: Vec<HandedOver>,
    pub notes: Option<String>,
    /// One per problem of the joint check (`item` = the check item's label): its follow-up.
    pub problems: Vec<ProblemFollowUp>,
}

/// What the two guards did about a problem found in the joint check: the follow-up item
/// (限期整改) it opens, with a deadline, and whom it was reported to and when.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct ProblemFollowUp {
    pub item: String,
    /// Who sees to it; blank: the incoming guard.
    pub owner: String,
    /// `YYYY-MM-DD`
    pub deadline: String,
    /// e.g. 保卫处值班室, 110, 119, 120 or a name.
    pub reported_to: String,
    #[ts(type = "number | null")]
    pub reported_at_ms: Option<i64>,
}

/// A problem's follow-up, checked.
struct CheckedProblem {
    title: String,
    owner: Option<String>,
    deadline: String,
    reported_to: String,
    reported_at_ms: i64,
}

/// The sealing rule: a handover seals when the joint check is all OK, or when every
/// problem found has its follow-up with a deadline and whom it was reported to, and when.
/// Errors name the field and (param `item`) the check item.
fn check_problems(checklist: &[CheckResult], problems: &[ProblemFollowUp], now_ms: i64) -> Result<Vec<CheckedProblem>> {
    let mut checked = Vec::new();
    for failed in checklist.iter().filter(|c| !c.ok) {
        let with_item = |e: Error| e.with_param("item", &failed.item);
        let Some(problem) = problems.iter().find(|p| p.item == failed.item) else {
            return Err(with_item(Error::invalid(
                "problems",
                ErrorCode::ProblemNotFollowedUp,
                format!("the problem with «{}» needs a follow-up: a deadline, and whom it was reported to and when", failed.item),
            )));
        };
        let deadline = validate::date("problem_deadline", &problem.deadline).map_err(with_item)?;
        let reported_to = validate::required_text("problem_reported_to", &problem.reported_to, 50).map_err(with_item)?;
        let reported_at_ms = duty::reported_time("problem_reported_at_ms", problem.reported_at_ms, now_ms, None).map_err(with_item)?;
        let owner = validate::optional_text("problem_owner", Some(&problem.owner), 50).map_err(with_item)?;
        checked.push(CheckedProblem {
            title: format!("{}: {}", failed.item, failed.note.clone().unwrap_or_default()),
            owner,
            deadline: deadline.to_string(),
            reported_to,
            reported_at_ms,
        });
    }
    Ok(checked)
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HandoverBrief {
    #[ts(type = "number")]
    pub id: i64,
    pub duty_day: String,
    pub outgoing: String,
    pub incoming: String,
    #[ts(type = "number")]
    pub sealed_at_ms: i64,
}

/// A sealed handover, read-only, as the slip prints it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HandoverRow {
    #[ts(type = "number")]
    pub id: i64,
    pub uid: String,
    pub duty_day: String,
    pub site_name: String,
    pub gate_name: String,
    pub outgoing: String,
    pub incoming: String,
    #[ts(type = "number")]
    pub sealed_at_ms: i64,
    pub summary: ShiftSummary,
    pub checklist: Vec<CheckResult>,
    pub handed_over: Vec<HandedOver>,
    pub notes: String,
    /// `data:image/png;base64,…` for an `<img>`.
    pub outgoing_signature: String,
    pub incoming_signature: String,
    pub outgoing_signature_sha256: String,
    pub incoming_signature_sha256: String,
    /// The audit event that sealed it: its number and the first 16 hex digits of its hash.
    #[ts(type = "number")]
    pub seal_event_seq: i64,
    pub seal_fingerprint: String,
    /// How many times the slip has been printed (a print after the first is a reprint).
    #[ts(type = "number")]
    pub prints: i64,
}

/// Where the current shift started: the last handover's seal, else the duty day's start.
fn shift_start(conn: &Connection, db: &Db, now_ms: i64) -> Result<i64> {
    let last: Option<i64> = conn.query_row("SELECT max(sealed_at_ms) FROM handover", [], |r| r.get(0))?;
    let (_, day_start) = duty::current_day(conn, db, now_ms)?;
    Ok(last.unwrap_or(day_start))
}

fn summary_conn(conn: &Connection, db: &Db, now_ms: i64) -> Result<ShiftSummary> {
    let from = shift_start(conn, db, now_ms)?;
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [from], |r| r.get(0))?) };
    let strings = |sql: &str, param: Option<i64>| -> Result<Vec<String>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = match param {
            Some(p) => stmt.query_map([p], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?,
            None => stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?,
        };
        Ok(rows)
    };
    let incidents = {
        let mut stmt = conn.prepare(
            "SELECT e.occurred_at_ms, e.text FROM duty_entry e WHERE e.kind = 'incident' AND e.recorded_at_ms >= ?1 AND e.voids_entry_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM duty_entry v WHERE v.voids_entry_id = e.id) ORDER BY e.occurred_at_ms",
        )?;
        let rows: Vec<(i64, String)> = stmt.query_map([from], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        rows.into_iter().map(|(at, text)| format!("{} {text}", db.clock().local(at).format("%H:%M"))).collect()
    };
    let today = db.clock().local(now_ms).date_naive();
    let refused_pass_scans = count("SELECT count(*) FROM pass_scan WHERE scanned_at_ms >= ?1 AND accepted = 0")?;
    Ok(ShiftSummary {
        from_ms: from,
        to_ms: now_ms,
        visitors_in: count("SELECT count(*) FROM visit WHERE checked_in_at_ms >= ?1")?,
        visitors_out: count("SELECT count(*) FROM visit WHERE checked_out_at_ms >= ?1")?,
        vehicles_in: count("SELECT count(*) FROM vehicle_visit WHERE checked_in_at_ms >= ?1")?,
        vehicles_out: count("SELECT count(*) FROM vehicle_visit WHERE checked_out_at_ms >= ?1")?,
        people_inside: strings("SELECT coalesce(name, '') FROM visit WHERE checked_out_at_ms IS NULL ORDER BY checked_in_at_ms", None)?,
        people_inside_visits: strings("SELECT uid FROM visit WHERE checked_out_at_ms IS NULL ORDER BY checked_in_at_ms", None)?,
        vehicles_inside: strings("SELECT plate FROM vehicle_visit WHERE checked_out_at_ms IS NULL ORDER BY checked_in_at_ms", None)?,
        refused_pass_scans,
        incidents,
        open_items: duty::open_items_conn(conn, today)?,
        duty_entries: count("SELECT count(*) FROM duty_entry WHERE recorded_at_ms >= ?1")?,
        goods_held: conn.query_row("SELECT count(*) FROM exit_permit WHERE status = 'held'", [], |r| r.get(0))?,
    })
}

/// The summary of the shift so far (the wizard's first step).
pub fn summary(db: &Db, actor: &Actor) -> Result<ShiftSummary> {
    let now = db.clock().now_ms();
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        summary_conn(conn, db, now)
    })
}

/// Checks both guards (two different accounts, each with their own PIN), both signatures,
/// the joint check and the items, then seals the handover. Returns it and the incoming guard.
pub fn seal(db: &Db, actor: &Actor, input: &HandoverInput) -> Result<(HandoverRow, Actor)> {
    if input.outgoing_guard_id == input.incoming_guard_id {
        return Err(Error::invalid("incoming_guard_id", ErrorCode::SameGuard, "the incoming guard must be someone else than the outgoing guard"));
    }
    let outgoing_signature = signature::normalise("outgoing_signature", &input.outgoing_signature)?;
    let incoming_signature = signature::normalise("incoming_signature", &input.incoming_signature)?;
    let notes = validate::optional_text("handover_notes", input.notes.as_deref(), 1000)?;
    let mut handed_over = Vec::new();
    for item in &input.handed_over {
        let name = validate::required_text("handed_over", &item.item, 50)?;
        let count = validate::in_range("handed_over", item.count, 0, HANDED_OVER_COUNT_MAX)?;
        handed_over.push(HandedOver { item: name, count });
    }
    let checklist = db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        checklist::validate_results(conn, ChecklistKind::Handover, &input.checklist)
    })?;
    // Before the PINs: a missing follow-up must not cost anyone a PIN attempt.
    let problems = check_problems(&checklist, &input.problems, db.clock().now_ms())?;
    let outgoing = guards::authenticate(db, input.outgoing_guard_id, &input.outgoing_pin).map_err(|e| on_pin(e, "outgoing_pin"))?;
    let incoming = guards::authenticate(db, input.incoming_guard_id, &input.incoming_pin).map_err(|e| on_pin(e, "incoming_pin"))?;

    let now = db.clock().now_ms();
    let id = db.write(|tx| {
        let summary = summary_conn(tx, db, now)?;
        let (day, _) = duty::current_day(tx, db, now)?;
        tx.execute(
            "INSERT INTO handover (uid, duty_day, outgoing_guard_id, incoming_guard_id, period_from_ms, sealed_at_ms, summary, checklist,
                 handed_over, notes, outgoing_signature, incoming_signature, outgoing_signature_sha256, incoming_signature_sha256)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            rusqlite::params![
                uuid::Uuid::now_v7().to_string(),
                day.to_string(),
                outgoing.guard_id,
                incoming.guard_id,
                summary.from_ms,
                tx.now_ms(),
                serde_json::to_string(&ShiftSummary { people_inside: Vec::new(), ..summary.clone() }).unwrap_or_default(),
                serde_json::to_string(&checklist).unwrap_or_default(),
                serde_json::to_string(&handed_over).unwrap_or_default(),
                notes,
                outgoing_signature.png,
                incoming_signature.png,
                outgoing_signature.sha256,
                incoming_signature.sha256,
            ],
        )?;
        let id = tx.last_insert_rowid();
        let detail = json!({
            "outgoing_signature_sha256": outgoing_signature.sha256,
            "incoming_signature_sha256": incoming_signature.sha256,
            "incoming": incoming.guard_uid,
        });
        audit::record_change(tx, &catalogue::HANDOVER, id, Event::new("handover_sealed", Some(&outgoing)).detail(detail))?;
        // Each problem found in the joint check stays open until a supervisor's re-check.
        for problem in &problems {
            let owner = problem.owner.clone().unwrap_or_else(|| incoming.name.clone());
            let item = NewFollowUp { title: problem.title.clone(), owner, deadline: problem.deadline.clone() };
            let reported = duty::Reported { to: &problem.reported_to, at_ms: problem.reported_at_ms };
            duty::open_follow_up(tx, &outgoing, &item, None, Some(id), Some(reported))?;
        }
        Ok(id)
    })?;
    let row = db.read(|conn| handover_row(conn, id))?;
    Ok((row, incoming))
}

/// A PIN error names which guard's PIN it was.
fn on_pin(err: Error, field: &'static str) -> Error {
    if err.field() == Some("pin") || err.field().is_none() {
        err.on_field(field)
    } else {
        err
    }
}

fn data_url(png: &[u8]) -> String {
    format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png))
}

/// A sealed summary with the names of the people inside read from their visits ("" once
/// purged). Handovers sealed before names left the seal keep theirs.
fn with_names_inside(conn: &Connection, mut summary: ShiftSummary) -> rusqlite::Result<ShiftSummary> {
    if summary.people_inside.is_empty() && !summary.people_inside_visits.is_empty() {
        let mut stmt = conn.prepare_cached("SELECT coalesce(name, '') FROM visit WHERE uid = ?1")?;
        summary.people_inside = summary
            .people_inside_visits
            .iter()
            .map(|uid| Ok(stmt.query_row([uid], |r| r.get(0)).optional()?.unwrap_or_default()))
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(summary)
}

fn handover_row(conn: &Connection, id: i64) -> Result<HandoverRow> {
    let settings = site::read_settings(conn)?;
    let row = conn
        .query_row(
            "SELECT h.id, h.uid, h.duty_day, go.name, gi.name, h.sealed_at_ms, h.summary, h.checklist, h.handed_over, h.notes,
                    h.outgoing_signature, h.incoming_signature, h.outgoing_signature_sha256, h.incoming_signature_sha256,
                    (SELECT count(*) FROM handover_print p WHERE p.handover_id = h.id)
             FROM handover h JOIN guard go ON go.id = h.outgoing_guard_id JOIN guard gi ON gi.id = h.incoming_guard_id
             WHERE h.id = ?1",
            [id],
            |r| {
                Ok(HandoverRow {
                    id: r.get(0)?,
                    uid: r.get(1)?,
                    duty_day: r.get(2)?,
                    site_name: settings.site_name.clone(),
                    gate_name: settings.gate_name.clone(),
                    outgoing: r.get(3)?,
                    incoming: r.get(4)?,
                    sealed_at_ms: r.get(5)?,
                    summary: with_names_inside(
                        conn,
                        serde_json::from_str(&r.get::<_, String>(6)?).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
                    )?,
                    checklist: serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default(),
                    handed_over: serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or_default(),
                    notes: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                    outgoing_signature: data_url(&r.get::<_, Vec<u8>>(10)?),
                    incoming_signature: data_url(&r.get::<_, Vec<u8>>(11)?),
                    outgoing_signature_sha256: r.get(12)?,
                    incoming_signature_sha256: r.get(13)?,
                    seal_event_seq: 0,
                    seal_fingerprint: String::new(),
                    prints: r.get(14)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::new(ErrorCode::HandoverNotFound, "there is no such handover"))?;
    let (seq, hash): (i64, Vec<u8>) =
        conn.query_row("SELECT seq, hash FROM audit_event WHERE entity = 'handover' AND entity_uid = ?1 ORDER BY seq LIMIT 1", [&row.uid], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok(HandoverRow { seal_event_seq: seq, seal_fingerprint: hex::encode(hash)[..16].to_string(), ..row })
}

/// A sealed handover, read-only.
pub fn get(db: &Db, actor: &Actor, id: i64) -> Result<HandoverRow> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        handover_row(conn, id)
    })
}

/// Records a print of the slip; the returned row's `prints` tells whether it is a reprint.
pub fn record_print(db: &Db, actor: &Actor, id: i64) -> Result<HandoverRow> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Guard)?;
        let row = handover_row(tx, id)?;
        tx.execute(
            "INSERT INTO handover_print (handover_id, printed_at_ms, printed_by) VALUES (?1, ?2, ?3)",
            rusqlite::params![id, tx.now_ms(), actor.guard_id],
        )?;
        let action = if row.prints == 0 { "handover_printed" } else { "handover_reprinted" };
        audit::append(tx, Event::new(action, Some(actor)).detail(json!({ "handover": row.uid })))?;
        handover_row(tx, id)
    })
}

pub(crate) fn briefs_between(conn: &Connection, from_ms: i64, to_ms: i64) -> Result<Vec<HandoverBrief>> {
    let mut stmt = conn.prepare(
        "SELECT h.id, h.duty_day, go.name, gi.name, h.sealed_at_ms FROM handover h
         JOIN guard go ON go.id = h.outgoing_guard_id JOIN guard gi ON gi.id = h.incoming_guard_id
         WHERE h.sealed_at_ms >= ?1 AND h.sealed_at_ms < ?2 ORDER BY h.sealed_at_ms DESC",
    )?;
    let rows = stmt
        .query_map([from_ms, to_ms], |r| {
            Ok(HandoverBrief { id: r.get(0)?, duty_day: r.get(1)?, outgoing: r.get(2)?, incoming: r.get(3)?, sealed_at_ms: r.get(4)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every handover, newest first (history).
pub fn list(db: &Db, actor: &Actor) -> Result<Vec<HandoverBrief>> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        briefs_between(conn, i64::MIN, i64::MAX)
    })
}
