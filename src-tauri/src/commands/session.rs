//! Login, lock and the status bar.

use gatehouse::guards::{self, LoginGuard, SupervisorOverride};
use gatehouse::session::SessionInfo;
use gatehouse::status::{self, StatusBar};
use tauri::State;

use super::{guarded, CommandResult};
use crate::state::Desk;

#[tauri::command(async)]
pub fn list_login_guards(desk: State<'_, Desk>) -> CommandResult<Vec<LoginGuard>> {
    guarded("list_login_guards", || Ok(guards::list_login_guards(desk.db()?)?))
}

#[tauri::command(async)]
pub fn log_in(desk: State<'_, Desk>, guard_id: i64, pin: String) -> CommandResult<SessionInfo> {
    guarded("log_in", || {
        let (mut session, db) = desk.session()?;
        Ok(session.log_in(db, guard_id, &pin)?)
    })
}

#[tauri::command(async)]
pub fn log_out(desk: State<'_, Desk>) -> CommandResult<()> {
    guarded("log_out", || {
        let (mut session, db) = desk.session()?;
        Ok(session.log_out(db)?)
    })
}

#[tauri::command(async)]
pub fn lock_session(desk: State<'_, Desk>) -> CommandResult<()> {
    guarded("lock_session", || {
        let (mut session, db) = desk.session()?;
        Ok(session.lock(db)?)
    })
}

#[tauri::command(async)]
pub fn unlock_session(desk: State<'_, Desk>, pin: String) -> CommandResult<SessionInfo> {
    guarded("unlock_session", || {
        let (mut session, db) = desk.session()?;
        Ok(session.unlock(db, &pin)?)
    })
}

#[tauri::command(async)]
pub fn touch_session(desk: State<'_, Desk>) -> CommandResult<()> {
    guarded("touch_session", || {
        let (mut session, db) = desk.session()?;
        Ok(session.touch(db)?)
    })
}

/// Takes over the desk without a handover (接班未交接), approved by a supervisor.
#[tauri::command(async)]
pub fn take_over_without_handover(desk: State<'_, Desk>, approval: SupervisorOverride) -> CommandResult<SessionInfo> {
    guarded("take_over_without_handover", || {
        let (mut session, db) = desk.session()?;
        Ok(session.take_over(db, &approval)?)
    })
}

#[tauri::command(async)]
pub fn get_status(desk: State<'_, Desk>) -> CommandResult<StatusBar> {
    guarded("get_status", || {
        let (actor, db) = desk.handover_actor()?;
        Ok(status::status(db, &actor)?)
    })
}

/// A supervisor confirms the PC's date and time (the status bar's clock warning).
#[tauri::command(async)]
pub fn confirm_clock_date(desk: State<'_, Desk>, approval: SupervisorOverride) -> CommandResult<()> {
    guarded("confirm_clock_date", || {
        let (actor, db) = desk.handover_actor()?;
        Ok(gatehouse::clock_trust::confirm_date(db, &actor, &approval)?)
    })
}
