//! The duty log, follow-up items, key places and the shift handover.

use gatehouse::duty::{self, DutyDay, DutyReport, EntryRow, FollowUpRow, KeyPlace, NewEntry, ReviewOutcome};
use gatehouse::guards::SupervisorOverride;
use gatehouse::handover::{self, HandoverBrief, HandoverInput, HandoverRow, ShiftSummary};
use tauri::State;

use super::{guarded, CommandResult};
use crate::state::Desk;

#[tauri::command(async)]
pub fn add_duty_entry(desk: State<'_, Desk>, entry: NewEntry) -> CommandResult<EntryRow> {
    guarded("add_duty_entry", || {
        let (actor, db) = desk.actor()?;
        Ok(duty::add_entry(db, &actor, &entry)?)
    })
}

#[tauri::command(async)]
pub fn void_duty_entry(desk: State<'_, Desk>, entry_id: i64, reason: String) -> CommandResult<EntryRow> {
    guarded("void_duty_entry", || {
        let (actor, db) = desk.actor()?;
        Ok(duty::void_entry(db, &actor, entry_id, &reason)?)
    })
}

#[tauri::command(async)]
pub fn get_duty_day(desk: State<'_, Desk>, day: Option<String>) -> CommandResult<DutyDay> {
    guarded("get_duty_day", || {
        let (actor, db) = desk.actor()?;
        Ok(duty::timeline(db, &actor, day.as_deref())?)
    })
}

#[tauri::command(async)]
pub fn list_open_items(desk: State<'_, Desk>) -> CommandResult<Vec<FollowUpRow>> {
    guarded("list_open_items", || {
        let (actor, db) = desk.actor()?;
        Ok(duty::open_items(db, &actor)?)
    })
}

/// A supervisor's re-check (复查) of an item marked corrected: close or reopen it.
#[tauri::command(async)]
pub fn review_follow_up(desk: State<'_, Desk>, item_id: i64, outcome: ReviewOutcome, approval: SupervisorOverride) -> CommandResult<FollowUpRow> {
    guarded("review_follow_up", || {
        let (actor, db) = desk.actor()?;
        Ok(duty::review_follow_up(db, &actor, item_id, outcome, &approval)?)
    })
}

#[tauri::command(async)]
pub fn list_key_places(desk: State<'_, Desk>, all: bool) -> CommandResult<Vec<KeyPlace>> {
    guarded("list_key_places", || {
        let (actor, db) = desk.actor()?;
        Ok(duty::key_places(db, &actor, all)?)
    })
}

#[tauri::command(async)]
pub fn add_key_place(desk: State<'_, Desk>, name: String) -> CommandResult<KeyPlace> {
    guarded("add_key_place", || {
        let (actor, db) = desk.actor()?;
        Ok(duty::add_key_place(db, &actor, &name)?)
    })
}

#[tauri::command(async)]
pub fn set_key_place_active(desk: State<'_, Desk>, place_id: i64, active: bool) -> CommandResult<KeyPlace> {
    guarded("set_key_place_active", || {
        let (actor, db) = desk.actor()?;
        Ok(duty::set_key_place_active(db, &actor, place_id, active)?)
    })
}

#[tauri::command(async)]
pub fn set_min_patrols(desk: State<'_, Desk>, count: u32) -> CommandResult<()> {
    guarded("set_min_patrols", || {
        let (actor, db) = desk.actor()?;
        Ok(duty::set_min_patrols(db, &actor, count)?)
    })
}

#[tauri::command(async)]
pub fn close_duty_day(desk: State<'_, Desk>, day: String) -> CommandResult<DutyDay> {
    guarded("close_duty_day", || {
        let (actor, db) = desk.actor()?;
        Ok(duty::close_day(db, &actor, &day)?)
    })
}

#[tauri::command(async)]
pub fn get_duty_report(desk: State<'_, Desk>, day: String) -> CommandResult<DutyReport> {
    guarded("get_duty_report", || {
        let (actor, db) = desk.actor()?;
        Ok(duty::report(db, &actor, &day)?)
    })
}

#[tauri::command(async)]
pub fn get_shift_summary(desk: State<'_, Desk>) -> CommandResult<ShiftSummary> {
    guarded("get_shift_summary", || {
        let (actor, db) = desk.handover_actor()?;
        Ok(handover::summary(db, &actor)?)
    })
}

/// Seals the handover and puts the incoming guard on duty at this PC.
#[tauri::command(async)]
pub fn seal_handover(desk: State<'_, Desk>, handover: HandoverInput) -> CommandResult<HandoverRow> {
    guarded("seal_handover", || {
        let (mut session, db) = desk.session()?;
        Ok(session.hand_over(db, &handover)?)
    })
}

#[tauri::command(async)]
pub fn list_handovers(desk: State<'_, Desk>) -> CommandResult<Vec<HandoverBrief>> {
    guarded("list_handovers", || {
        let (actor, db) = desk.actor()?;
        Ok(handover::list(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn get_handover(desk: State<'_, Desk>, handover_id: i64) -> CommandResult<HandoverRow> {
    guarded("get_handover", || {
        let (actor, db) = desk.actor()?;
        Ok(handover::get(db, &actor, handover_id)?)
    })
}

/// Records a print of the slip before it is printed or saved; `prints > 1` is a reprint.
#[tauri::command(async)]
pub fn record_handover_print(desk: State<'_, Desk>, handover_id: i64) -> CommandResult<HandoverRow> {
    guarded("record_handover_print", || {
        let (actor, db) = desk.actor()?;
        Ok(handover::record_print(db, &actor, handover_id)?)
    })
}
