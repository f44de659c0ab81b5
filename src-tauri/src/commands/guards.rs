//! Guard accounts, for supervisors (the core checks the role).

use gatehouse::guards::{self, GuardRow, NewGuard};
use tauri::State;

use super::{guarded, CommandResult};
use crate::state::Desk;

#[tauri::command(async)]
pub fn list_guards(desk: State<'_, Desk>) -> CommandResult<Vec<GuardRow>> {
    guarded("list_guards", || {
        let (actor, db) = desk.actor()?;
        Ok(guards::list_guards(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn add_guard(desk: State<'_, Desk>, guard: NewGuard) -> CommandResult<GuardRow> {
    guarded("add_guard", || {
        let (actor, db) = desk.actor()?;
        Ok(guards::add_guard(db, &actor, &guard)?)
    })
}

#[tauri::command(async)]
pub fn set_guard_active(desk: State<'_, Desk>, guard_id: i64, active: bool) -> CommandResult<GuardRow> {
    guarded("set_guard_active", || {
        let (actor, db) = desk.actor()?;
        Ok(guards::set_guard_active(db, &actor, guard_id, active)?)
    })
}

#[tauri::command(async)]
pub fn reset_guard_pin(desk: State<'_, Desk>, guard_id: i64, pin: String) -> CommandResult<GuardRow> {
    guarded("reset_guard_pin", || {
        let (actor, db) = desk.actor()?;
        Ok(guards::reset_guard_pin(db, &actor, guard_id, &pin)?)
    })
}

#[tauri::command(async)]
pub fn unlock_guard(desk: State<'_, Desk>, guard_id: i64) -> CommandResult<GuardRow> {
    guarded("unlock_guard", || {
        let (actor, db) = desk.actor()?;
        Ok(guards::unlock_guard(db, &actor, guard_id)?)
    })
}
