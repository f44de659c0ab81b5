//! Visitor registration: check-in and check-out, the on-site board, slips, returning
//! visitors, ID reveal, photos and the evacuation roster.

use gatehouse::headcount::{self, Roster};
use gatehouse::validate::document::DocType;
use gatehouse::visits::{self, CheckOut, NewVisit, ReturningVisitor, VisitRow, VisitSlip};
use tauri::State;

use super::{guarded, CommandResult};
use crate::state::Desk;

#[tauri::command(async)]
pub fn check_in_visitor(desk: State<'_, Desk>, visitor: NewVisit) -> CommandResult<VisitRow> {
    guarded("check_in_visitor", || {
        let (actor, db) = desk.actor()?;
        Ok(visits::check_in(db, &actor, &visitor)?)
    })
}

#[tauri::command(async)]
pub fn list_on_site(desk: State<'_, Desk>) -> CommandResult<Vec<VisitRow>> {
    guarded("list_on_site", || {
        let (actor, db) = desk.actor()?;
        Ok(visits::list_on_site(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn list_visits_today(desk: State<'_, Desk>) -> CommandResult<Vec<VisitRow>> {
    guarded("list_visits_today", || {
        let (actor, db) = desk.actor()?;
        Ok(visits::list_today(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn check_out_visitor(desk: State<'_, Desk>, check_out: CheckOut) -> CommandResult<VisitRow> {
    guarded("check_out_visitor", || {
        let (actor, db) = desk.actor()?;
        Ok(visits::check_out(db, &actor, &check_out)?)
    })
}

#[tauri::command(async)]
pub fn find_visit_by_slip(desk: State<'_, Desk>, code: String) -> CommandResult<VisitRow> {
    guarded("find_visit_by_slip", || {
        let (actor, db) = desk.actor()?;
        Ok(visits::find_by_slip(db, &actor, &code)?)
    })
}

#[tauri::command(async)]
pub fn find_returning_visitor(desk: State<'_, Desk>, doc_type: DocType, query: String) -> CommandResult<Option<ReturningVisitor>> {
    guarded("find_returning_visitor", || {
        let (actor, db) = desk.actor()?;
        Ok(visits::returning_visitor(db, &actor, doc_type, &query)?)
    })
}

#[tauri::command(async)]
pub fn reveal_id_number(desk: State<'_, Desk>, visit_id: i64) -> CommandResult<String> {
    guarded("reveal_id_number", || {
        let (actor, db) = desk.actor()?;
        Ok(visits::reveal_id_number(db, &actor, visit_id)?)
    })
}

#[tauri::command(async)]
pub fn get_visit_photo(desk: State<'_, Desk>, visit_id: i64) -> CommandResult<Option<Vec<u8>>> {
    guarded("get_visit_photo", || {
        let (actor, db) = desk.actor()?;
        Ok(visits::photo(db, &actor, visit_id)?)
    })
}

#[tauri::command(async)]
pub fn get_roster(desk: State<'_, Desk>) -> CommandResult<Roster> {
    guarded("get_roster", || {
        let (actor, db) = desk.actor()?;
        Ok(headcount::roster(db, &actor)?)
    })
}

#[tauri::command(async)]
pub fn get_visit_slip(desk: State<'_, Desk>, visit_id: i64) -> CommandResult<VisitSlip> {
    guarded("get_visit_slip", || {
        let (actor, db) = desk.actor()?;
        Ok(visits::slip(db, &actor, visit_id)?)
    })
}
