//! The staff directory (hosts), the watchlist, kindergarten pick-ups and their authorised
//! pickers lists.

use gatehouse::pickers::{self, ChildPickers, ClassList, PickerImportReport};
use gatehouse::pickups::{self, NewPickup, PickupRow};
use gatehouse::staff::{self, ImportReport, NewStaff, StaffMember};
use gatehouse::watchlist::{self, NewWatchEntry, ScreenQuery, Screening, WatchEntry};
use tauri::State;

use super::{guarded, CommandResult};
use crate::state::Desk;

#[tauri::command(async)]
pub fn search_staff(desk: State<'_, Desk>, query: String) -> CommandResult<Vec<StaffMember>> {
    guarded("search_staff", || {
        let (actor, db) = desk.actor()?;
        Ok(staff::search(db, &actor, &query)?)
    })
}

#[tauri::command(async)]
pub fn list_staff(desk: State<'_, Desk>) -> CommandResult<Vec<StaffMember>> {
    guarded("list_staff", || {
        let (actor, db) = desk.actor()?;
        Ok(staff::list(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn add_staff(desk: State<'_, Desk>, staff: NewStaff) -> CommandResult<StaffMember> {
    guarded("add_staff", || {
        let (actor, db) = desk.actor()?;
        Ok(staff::add(db, &actor, &staff)?)
    })
}

#[tauri::command(async)]
pub fn set_staff_active(desk: State<'_, Desk>, staff_id: i64, active: bool) -> CommandResult<StaffMember> {
    guarded("set_staff_active", || {
        let (actor, db) = desk.actor()?;
        Ok(staff::set_active(db, &actor, staff_id, active)?)
    })
}

#[tauri::command(async)]
pub fn import_staff_csv(desk: State<'_, Desk>, csv: String) -> CommandResult<ImportReport> {
    guarded("import_staff_csv", || {
        let (actor, db) = desk.actor()?;
        Ok(staff::import_csv(db, &actor, &csv)?)
    })
}

#[tauri::command(async)]
pub fn screen_watchlist(desk: State<'_, Desk>, query: ScreenQuery) -> CommandResult<Screening> {
    guarded("screen_watchlist", || {
        let (actor, db) = desk.actor()?;
        Ok(watchlist::screen(db, &actor, &query)?)
    })
}

#[tauri::command(async)]
pub fn list_watchlist(desk: State<'_, Desk>) -> CommandResult<Vec<WatchEntry>> {
    guarded("list_watchlist", || {
        let (actor, db) = desk.actor()?;
        Ok(watchlist::list(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn add_watchlist_entry(desk: State<'_, Desk>, entry: NewWatchEntry) -> CommandResult<WatchEntry> {
    guarded("add_watchlist_entry", || {
        let (actor, db) = desk.actor()?;
        Ok(watchlist::add(db, &actor, &entry)?)
    })
}

#[tauri::command(async)]
pub fn set_watchlist_entry_active(desk: State<'_, Desk>, entry_id: i64, active: bool) -> CommandResult<WatchEntry> {
    guarded("set_watchlist_entry_active", || {
        let (actor, db) = desk.actor()?;
        Ok(watchlist::set_active(db, &actor, entry_id, active)?)
    })
}

#[tauri::command(async)]
pub fn record_pickup(desk: State<'_, Desk>, pickup: NewPickup) -> CommandResult<PickupRow> {
    guarded("record_pickup", || {
        let (actor, db) = desk.actor()?;
        Ok(pickups::record(db, &actor, &pickup)?)
    })
}

#[tauri::command(async)]
pub fn list_pickups_today(desk: State<'_, Desk>, query: String) -> CommandResult<Vec<PickupRow>> {
    guarded("list_pickups_today", || {
        let (actor, db) = desk.actor()?;
        Ok(pickups::list_today(db, &actor, &query)?)
    })
}

#[tauri::command(async)]
pub fn find_child_pickers(desk: State<'_, Desk>, query: String) -> CommandResult<Vec<ChildPickers>> {
    guarded("find_child_pickers", || {
        let (actor, db) = desk.actor()?;
        Ok(pickers::find_children(db, &actor, &query)?)
    })
}

#[tauri::command(async)]
pub fn list_picker_classes(desk: State<'_, Desk>) -> CommandResult<Vec<ClassList>> {
    guarded("list_picker_classes", || {
        let (actor, db) = desk.actor()?;
        Ok(pickers::list_classes(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn import_pickers(desk: State<'_, Desk>, file_name: String, bytes: Vec<u8>) -> CommandResult<PickerImportReport> {
    guarded("import_pickers", || {
        let (actor, db) = desk.actor()?;
        Ok(pickers::import(db, &actor, &file_name, &bytes)?)
    })
}

#[tauri::command(async)]
pub fn get_picker_import_template() -> CommandResult<String> {
    guarded("get_picker_import_template", || Ok(pickers::template_csv()))
}

#[tauri::command(async)]
pub fn remove_picker_class(desk: State<'_, Desk>, class_name: String) -> CommandResult<i64> {
    guarded("remove_picker_class", || {
        let (actor, db) = desk.actor()?;
        Ok(pickers::remove_class(db, &actor, &class_name)?)
    })
}
