//! Vehicles and goods: plate look-up, check-in/out, registered vehicles, checklists,
//! deliveries, exit permits, returnable goods.

use gatehouse::checklist::{self, ChecklistItem, ChecklistKind};
use gatehouse::goods::{self, DeliveryRow, ExitPermitRow, NewDelivery, NewExitPermit};
use gatehouse::guards::SupervisorOverride;
use gatehouse::vehicles::{self, NewRegisteredVehicle, NewVehicleVisit, PlateCheck, RegisteredPass, RegisteredVehicle, VehicleRow};
use tauri::State;

use super::{guarded, CommandResult};
use crate::state::Desk;

#[tauri::command(async)]
pub fn check_plate(desk: State<'_, Desk>, plate: String, confirm_special: bool) -> CommandResult<PlateCheck> {
    guarded("check_plate", || {
        let (actor, db) = desk.actor()?;
        Ok(vehicles::check_plate(db, &actor, &plate, confirm_special)?)
    })
}

#[tauri::command(async)]
pub fn check_in_vehicle(desk: State<'_, Desk>, vehicle: NewVehicleVisit) -> CommandResult<VehicleRow> {
    guarded("check_in_vehicle", || {
        let (actor, db) = desk.actor()?;
        Ok(vehicles::check_in(db, &actor, &vehicle)?)
    })
}

#[tauri::command(async)]
pub fn pass_registered_vehicle(desk: State<'_, Desk>, pass: RegisteredPass) -> CommandResult<VehicleRow> {
    guarded("pass_registered_vehicle", || {
        let (actor, db) = desk.actor()?;
        Ok(vehicles::pass_registered(db, &actor, &pass)?)
    })
}

#[tauri::command(async)]
pub fn check_out_vehicle(desk: State<'_, Desk>, vehicle_visit_id: i64) -> CommandResult<VehicleRow> {
    guarded("check_out_vehicle", || {
        let (actor, db) = desk.actor()?;
        Ok(vehicles::check_out(db, &actor, vehicle_visit_id)?)
    })
}

#[tauri::command(async)]
pub fn check_out_vehicle_by_plate(desk: State<'_, Desk>, plate: String) -> CommandResult<VehicleRow> {
    guarded("check_out_vehicle_by_plate", || {
        let (actor, db) = desk.actor()?;
        Ok(vehicles::check_out_plate(db, &actor, &plate)?)
    })
}

#[tauri::command(async)]
pub fn list_vehicles_on_site(desk: State<'_, Desk>) -> CommandResult<Vec<VehicleRow>> {
    guarded("list_vehicles_on_site", || {
        let (actor, db) = desk.actor()?;
        Ok(vehicles::list_on_site(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn list_registered_vehicles(desk: State<'_, Desk>) -> CommandResult<Vec<RegisteredVehicle>> {
    guarded("list_registered_vehicles", || {
        let (actor, db) = desk.actor()?;
        Ok(vehicles::list_registered(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn add_registered_vehicle(desk: State<'_, Desk>, vehicle: NewRegisteredVehicle) -> CommandResult<RegisteredVehicle> {
    guarded("add_registered_vehicle", || {
        let (actor, db) = desk.actor()?;
        Ok(vehicles::add_registered(db, &actor, &vehicle)?)
    })
}

#[tauri::command(async)]
pub fn set_registered_vehicle_active(desk: State<'_, Desk>, registered_id: i64, active: bool) -> CommandResult<RegisteredVehicle> {
    guarded("set_registered_vehicle_active", || {
        let (actor, db) = desk.actor()?;
        Ok(vehicles::set_registered_active(db, &actor, registered_id, active)?)
    })
}

#[tauri::command(async)]
pub fn list_checklist(desk: State<'_, Desk>, list: ChecklistKind, all: bool) -> CommandResult<Vec<ChecklistItem>> {
    guarded("list_checklist", || {
        // The handover wizard reads its check list before the takeover.
        let (actor, db) = desk.handover_actor()?;
        Ok(checklist::items(db, &actor, list, all)?)
    })
}

#[tauri::command(async)]
pub fn add_checklist_item(desk: State<'_, Desk>, list: ChecklistKind, label: String) -> CommandResult<ChecklistItem> {
    guarded("add_checklist_item", || {
        let (actor, db) = desk.actor()?;
        Ok(checklist::add_item(db, &actor, list, &label)?)
    })
}

#[tauri::command(async)]
pub fn set_checklist_item_active(desk: State<'_, Desk>, item_id: i64, active: bool) -> CommandResult<ChecklistItem> {
    guarded("set_checklist_item_active", || {
        let (actor, db) = desk.actor()?;
        Ok(checklist::set_item_active(db, &actor, item_id, active)?)
    })
}

#[tauri::command(async)]
pub fn record_delivery(desk: State<'_, Desk>, delivery: NewDelivery) -> CommandResult<DeliveryRow> {
    guarded("record_delivery", || {
        let (actor, db) = desk.actor()?;
        Ok(goods::record_delivery(db, &actor, &delivery)?)
    })
}

#[tauri::command(async)]
pub fn list_deliveries_today(desk: State<'_, Desk>) -> CommandResult<Vec<DeliveryRow>> {
    guarded("list_deliveries_today", || {
        let (actor, db) = desk.actor()?;
        Ok(goods::list_deliveries_today(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn check_exit_permit(desk: State<'_, Desk>, permit: NewExitPermit) -> CommandResult<ExitPermitRow> {
    guarded("check_exit_permit", || {
        let (actor, db) = desk.actor()?;
        Ok(goods::check_exit_permit(db, &actor, &permit)?)
    })
}

#[tauri::command(async)]
pub fn release_held_permit(desk: State<'_, Desk>, permit_id: i64, approval: SupervisorOverride) -> CommandResult<ExitPermitRow> {
    guarded("release_held_permit", || {
        let (actor, db) = desk.actor()?;
        Ok(goods::release_held_permit(db, &actor, permit_id, &approval)?)
    })
}

#[tauri::command(async)]
pub fn mark_goods_returned(desk: State<'_, Desk>, permit_id: i64) -> CommandResult<ExitPermitRow> {
    guarded("mark_goods_returned", || {
        let (actor, db) = desk.actor()?;
        Ok(goods::mark_returned(db, &actor, permit_id)?)
    })
}

#[tauri::command(async)]
pub fn list_goods_out(desk: State<'_, Desk>) -> CommandResult<Vec<ExitPermitRow>> {
    guarded("list_goods_out", || {
        let (actor, db) = desk.actor()?;
        Ok(goods::list_out(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn list_exit_permits_today(desk: State<'_, Desk>) -> CommandResult<Vec<ExitPermitRow>> {
    guarded("list_exit_permits_today", || {
        let (actor, db) = desk.actor()?;
        Ok(goods::list_permits_today(db, &actor)?)
    })
}
