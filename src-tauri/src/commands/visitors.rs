//! Visitor check-in, the on-site list, check-out.

use gatehouse::visits::{self, NewVisit, VisitRow};
use tauri::State;

use super::CommandResult;
use crate::state::Desk;

#[tauri::command(async)]
pub fn check_in_visitor(desk: State<'_, Desk>, visitor: NewVisit) -> CommandResult<VisitRow> {
    let (mut session, db) = desk.session()?;
    let actor = session.actor(db)?;
    Ok(visits::check_in(db, &actor, &visitor)?)
}

#[tauri::command(async)]
pub fn list_on_site(desk: State<'_, Desk>) -> CommandResult<Vec<VisitRow>> {
    let (mut session, db) = desk.session()?;
    let actor = session.actor(db)?;
    Ok(visits::list_on_site(db, &actor)?)
}

#[tauri::command(async)]
pub fn check_out_visitor(desk: State<'_, Desk>, visit_id: i64) -> CommandResult<VisitRow> {
    let (mut session, db) = desk.session()?;
    let actor = session.actor(db)?;
    Ok(visits::check_out(db, &actor, visit_id)?)
}
