//! The guard on duty at this PC: login, idle auto-lock, unlock, log-out.
//!
//! One `Session` per app. Every command asks it for the `Actor`; when the guard has been
//! idle longer than the site's setting, the session locks itself right there and the
//! command fails with `Locked`/`session_locked`, so a forgotten timer in the UI cannot keep
//! a desk open. Logins, log-outs, locks and unlocks are audit events.
//! A guard who logs in while another guard is on duty (`on_duty`) must take over first:
//! every command but the handover's fails with `handover_required` until the handover is
//! sealed or a supervisor approves a takeover without handover.
//! Must not: check PINs itself (see `guards::authenticate`). Called by: the shell.

use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::db::Db;
use crate::error::{Error, ErrorCode, Result};
use crate::guards::{self, SupervisorOverride};
use crate::on_duty::{self, AtLogin, OnDuty};
use crate::site;

/// The logged-in guard, as the UI needs it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    #[ts(type = "number")]
    pub guard_id: i64,
    pub guard_name: String,
    pub role: Role,
    pub idle_lock_minutes: u32,
    /// The guard on duty at this desk (maybe someone else), none before the first watch.
    pub on_duty: Option<OnDuty>,
    /// This guard must take over from the guard on duty before anything else.
    pub handover_required: bool,
}

struct Active {
    actor: Actor,
    last_activity_ms: i64,
    locked: bool,
    /// Logged in while another guard is on duty, not taken over yet.
    handover_required: bool,
}

#[derive(Default)]
pub struct Session {
    active: Option<Active>,
}

impl Session {
    pub fn new() -> Self {
        Session::default()
    }

    /// Logs in `guard_id` (replacing whoever was logged in). The first guard to log in when
    /// nobody is on duty goes on duty; another guard must take over first.
    pub fn log_in(&mut self, db: &Db, guard_id: i64, pin: &str) -> Result<SessionInfo> {
        let actor = guards::authenticate(db, guard_id, pin)?;
        db.write(|tx| audit::append(tx, Event::new("login", Some(&actor))))?;
        let handover_required = on_duty::after_login(db, &actor)? == AtLogin::HandoverRequired;
        self.active = Some(Active { actor, last_activity_ms: db.clock().now_ms(), locked: false, handover_required });
        self.info(db)
    }

    pub fn log_out(&mut self, db: &Db) -> Result<()> {
        if let Some(active) = self.active.take() {
            db.write(|tx| audit::append(tx, Event::new("logout", Some(&active.actor))))?;
        }
        Ok(())
    }

    /// The logged-in guard, for a command. Locks the session if it has been idle too long;
    /// refuses while this guard must take over from the guard on duty.
    pub fn actor(&mut self, db: &Db) -> Result<Actor> {
        let actor = self.handover_actor(db)?;
        if self.active.as_ref().is_some_and(|a| a.handover_required) {
            return Err(handover_required(db)?);
        }
        Ok(actor)
    }

    /// The logged-in guard for the handover's own commands (its summary, its check list,
    /// the status bar), which also serve a guard who must take over first.
    pub fn handover_actor(&mut self, db: &Db) -> Result<Actor> {
        let idle_limit_ms = i64::from(site::settings(db)?.idle_lock_minutes) * 60_000;
        let now = db.clock().now_ms();
        let active = self.active.as_mut().ok_or_else(not_logged_in)?;
        if !active.locked && now - active.last_activity_ms > idle_limit_ms {
            active.locked = true;
            let actor = active.actor.clone();
            db.write(|tx| audit::append(tx, Event::new("session_locked", Some(&actor)).detail(json!({ "reason": "idle" }))))?;
        }
        if active.locked {
            return Err(session_locked());
        }
        active.last_activity_ms = now;
        Ok(active.actor.clone())
    }

    /// The user is active in the UI (typing, clicking) without calling a command.
    pub fn touch(&mut self, db: &Db) -> Result<()> {
        self.actor(db).map(|_| ())
    }

    /// Locks at once (the lock button, or the UI's idle timer).
    pub fn lock(&mut self, db: &Db) -> Result<()> {
        let active = self.active.as_mut().ok_or_else(not_logged_in)?;
        if !active.locked {
            active.locked = true;
            let actor = active.actor.clone();
            db.write(|tx| audit::append(tx, Event::new("session_locked", Some(&actor)).detail(json!({ "reason": "manual" }))))?;
        }
        Ok(())
    }

    /// Unlocks with the PIN of the guard who was logged in.
    pub fn unlock(&mut self, db: &Db, pin: &str) -> Result<SessionInfo> {
        let guard_id = self.active.as_ref().ok_or_else(not_logged_in)?.actor.guard_id;
        let actor = guards::authenticate(db, guard_id, pin)?;
        db.write(|tx| audit::append(tx, Event::new("session_unlocked", Some(&actor))))?;
        let handover_required = db.read(|conn| on_duty::must_take_over(conn, &actor))?;
        self.active = Some(Active { actor, last_activity_ms: db.clock().now_ms(), locked: false, handover_required });
        self.info(db)
    }

    /// Seals a handover and puts the incoming guard on duty at this PC. The outgoing guard
    /// must be the guard on duty (once anyone is).
    pub fn hand_over(&mut self, db: &Db, input: &crate::handover::HandoverInput) -> Result<crate::handover::HandoverRow> {
        let actor = self.handover_actor(db)?;
        if let Some(on_duty) = db.read(on_duty::current)?.filter(|on_duty| on_duty.guard_id != input.outgoing_guard_id) {
            return Err(Error::invalid(
                "outgoing_guard_id",
                ErrorCode::NotOnDuty,
                format!("the outgoing guard must be the guard on duty, {}", on_duty.guard_name),
            )
            .with_param("name", on_duty.guard_name));
        }
        let (row, incoming) = crate::handover::seal(db, &actor, input)?;
        db.write(|tx| audit::append(tx, Event::new("login", Some(&incoming)).detail(json!({ "by": "handover" }))))?;
        self.active = Some(Active { actor: incoming, last_activity_ms: db.clock().now_ms(), locked: false, handover_required: false });
        Ok(row)
    }

    /// Takes over the desk without a handover (接班未交接), approved by a supervisor: for a
    /// guard who must take over while the guard on duty is gone.
    pub fn take_over(&mut self, db: &Db, approval: &SupervisorOverride) -> Result<SessionInfo> {
        let actor = self.handover_actor(db)?;
        on_duty::take_over(db, &actor, approval)?;
        if let Some(active) = self.active.as_mut() {
            active.handover_required = false;
        }
        self.info(db)
    }

    pub fn is_locked(&self) -> bool {
        self.active.as_ref().is_some_and(|a| a.locked)
    }

    /// The logged-in guard (locked or not), for the UI; `None` when nobody is logged in.
    pub fn current(&self, db: &Db) -> Result<Option<SessionInfo>> {
        match &self.active {
            None => Ok(None),
            Some(_) => self.info(db).map(Some),
        }
    }

    fn info(&self, db: &Db) -> Result<SessionInfo> {
        let active = self.active.as_ref().ok_or_else(not_logged_in)?;
        Ok(SessionInfo {
            guard_id: active.actor.guard_id,
            guard_name: active.actor.name.clone(),
            role: active.actor.role,
            idle_lock_minutes: site::settings(db)?.idle_lock_minutes,
            on_duty: db.read(on_duty::current)?,
            handover_required: active.handover_required,
        })
    }
}

fn not_logged_in() -> Error {
    Error::new(ErrorCode::NotLoggedIn, "nobody is logged in: log in first")
}

fn handover_required(db: &Db) -> Result<Error> {
    let name = db.read(on_duty::current)?.map(|on_duty| on_duty.guard_name).unwrap_or_default();
    Ok(Error::new(ErrorCode::HandoverRequired, format!("{name} is on duty and has not handed over: take over through the handover first"))
        .with_param("name", name))
}

fn session_locked() -> Error {
    Error::new(ErrorCode::SessionLocked, "the screen is locked: enter your PIN")
}

/// What the UI needs at start and after each login/lock change.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppState {
    pub setup_done: bool,
    pub language: site::Language,
    pub session: Option<SessionInfo>,
    pub locked: bool,
    /// Empty before setup.
    pub site_name: String,
    pub gate_name: String,
}

pub fn app_state(db: &Db, session: &Session) -> Result<AppState> {
    let setup_done = db.read(site::is_set_up)?;
    let (site_name, gate_name) = if setup_done {
        let settings = site::settings(db)?;
        (settings.site_name, settings.gate_name)
    } else {
        (String::new(), String::new())
    };
    Ok(AppState {
        setup_done,
        language: site::language(db)?,
        session: if setup_done { session.current(db)? } else { None },
        locked: session.is_locked(),
        site_name,
        gate_name,
    })
}
