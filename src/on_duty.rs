//! Who is on duty at this gate's desk (值班), and how the desk changes hands.
//!
//! The guard on duty is the incoming guard of the newest sealed handover or the guard of the
//! newest `duty_watch`, whichever was recorded last. The first guard to log in when nobody is on duty
//! begins a watch. Another guard logging in while someone else is on duty must take over
//! through the handover (交接班), or record a takeover without handover (接班未交接) that a
//! supervisor approves with PIN and reason; until then that guard's session does nothing else
//! (`session`). A supervisor logging in for a supervisor's task changes nothing here.
//! Must not: seal handovers (see `handover`). Called by: `session`, `status`, the shell.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::db::{Db, Tx};
use crate::error::Result;
use crate::guards::{self, SupervisorOverride};

/// The guard on duty and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OnDuty {
    #[ts(type = "number")]
    pub guard_id: i64,
    pub guard_name: String,
    #[ts(type = "number")]
    pub since_ms: i64,
}

/// A takeover without handover (接班未交接), as the duty report and the dashboard flag it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Takeover {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub at_ms: i64,
    /// Who took over the desk.
    pub guard: String,
    /// Who was on duty and did not hand over.
    pub previous_guard: String,
    pub approved_by: String,
    pub reason: String,
}

/// What a log-in means for the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AtLogin {
    /// The guard is (now) on duty, or a supervisor logged in: nothing to do.
    Free,
    /// Someone else is on duty: this guard must take over first.
    HandoverRequired,
}

/// The guard on duty now, if any.
pub fn current(conn: &Connection) -> Result<Option<OnDuty>> {
    // The newest sealed handover and the newest watch, each by insertion order; of the two,
    // the one whose audit event came later. Never by time: a clock set back, or two records
    // in the same millisecond, must not put the wrong guard on duty.
    Ok(conn
        .query_row(
            "SELECT guard_id, g.name, since FROM (
                 SELECT * FROM (SELECT h.incoming_guard_id AS guard_id, h.sealed_at_ms AS since,
                     (SELECT max(seq) FROM audit_event WHERE entity = 'handover' AND entity_uid = h.uid) AS seq
                     FROM handover h ORDER BY h.id DESC LIMIT 1)
                 UNION ALL
                 SELECT * FROM (SELECT w.guard_id, w.began_at_ms,
                     (SELECT max(seq) FROM audit_event WHERE entity = 'duty_watch' AND entity_uid = w.uid)
                     FROM duty_watch w ORDER BY w.id DESC LIMIT 1))
             JOIN guard g ON g.id = guard_id
             ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok(OnDuty { guard_id: r.get(0)?, guard_name: r.get(1)?, since_ms: r.get(2)? }),
        )
        .optional()?)
}

/// After `actor` logged in: begins the first watch when nobody is on duty, and says whether
/// another guard's watch stands in the way.
pub(crate) fn after_login(db: &Db, actor: &Actor) -> Result<AtLogin> {
    if actor.role == Role::Supervisor {
        return Ok(AtLogin::Free);
    }
    db.write(|tx| match current(tx)? {
        Some(on_duty) if on_duty.guard_id == actor.guard_id => Ok(AtLogin::Free),
        Some(_) => Ok(AtLogin::HandoverRequired),
        None => {
            begin(tx, actor, "first_login", None, None, None)?;
            Ok(AtLogin::Free)
        }
    })
}

/// Whether `actor`, logged in, may work the desk now (no other guard's watch in the way).
pub(crate) fn must_take_over(conn: &Connection, actor: &Actor) -> Result<bool> {
    if actor.role == Role::Supervisor {
        return Ok(false);
    }
    Ok(current(conn)?.is_some_and(|on_duty| on_duty.guard_id != actor.guard_id))
}

/// Records a takeover without handover (接班未交接): `actor` goes on duty in place of the
/// guard on duty, approved by a supervisor's PIN and reason.
pub(crate) fn take_over(db: &Db, actor: &Actor, approval: &SupervisorOverride) -> Result<OnDuty> {
    let (supervisor, reason) = guards::approve_override(db, approval)?;
    db.write(|tx| {
        let previous = current(tx)?.filter(|on_duty| on_duty.guard_id != actor.guard_id).ok_or_else(|| {
            crate::error::Error::new(crate::error::ErrorCode::NoHandoverPending, "you are on duty already: there is nobody to take over from")
        })?;
        begin(tx, actor, "without_handover", Some(previous.guard_id), Some(&supervisor), Some(&reason))?;
        Ok(current(tx)?.expect("the watch just begun"))
    })
}

fn begin(tx: &Tx<'_>, guard: &Actor, how: &str, previous: Option<i64>, approved_by: Option<&Actor>, reason: Option<&str>) -> Result<()> {
    tx.execute(
        "INSERT INTO duty_watch (uid, guard_id, began_at_ms, how, previous_guard_id, approved_by, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![uuid::Uuid::now_v7().to_string(), guard.guard_id, tx.now_ms(), how, previous, approved_by.map(|s| s.guard_id), reason],
    )?;
    let id = tx.last_insert_rowid();
    let action = if how == "first_login" { "duty_began" } else { "duty_taken_over_without_handover" };
    audit::record_change(tx, &catalogue::DUTY_WATCH, id, Event::new(action, Some(approved_by.unwrap_or(guard))))?;
    Ok(())
}

/// Takeovers without handover from `from_ms` to before `to_ms` (a duty day), oldest first.
pub fn takeovers_between(conn: &Connection, from_ms: i64, to_ms: i64) -> Result<Vec<Takeover>> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.id, w.began_at_ms, g.name, p.name, s.name, w.reason FROM duty_watch w
         JOIN guard g ON g.id = w.guard_id JOIN guard p ON p.id = w.previous_guard_id JOIN guard s ON s.id = w.approved_by
         WHERE w.how = 'without_handover' AND w.began_at_ms >= ?1 AND w.began_at_ms < ?2 ORDER BY w.id",
    )?;
    let rows = stmt.query_map([from_ms, to_ms], |r| {
        Ok(Takeover { id: r.get(0)?, at_ms: r.get(1)?, guard: r.get(2)?, previous_guard: r.get(3)?, approved_by: r.get(4)?, reason: r.get(5)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
