//! Site settings: everyone reads them, supervisors change them (the core checks the role).

use gatehouse::site::{self, Settings};
use tauri::State;

use super::CommandResult;
use crate::state::Desk;

#[tauri::command(async)]
pub fn get_settings(desk: State<'_, Desk>) -> CommandResult<Settings> {
    let (mut session, db) = desk.session()?;
    session.actor(db)?;
    Ok(site::settings(db)?)
}

#[tauri::command(async)]
pub fn update_settings(desk: State<'_, Desk>, settings: Settings) -> CommandResult<Settings> {
    let (mut session, db) = desk.session()?;
    let actor = session.actor(db)?;
    Ok(site::update_settings(db, &actor, &settings)?)
}
