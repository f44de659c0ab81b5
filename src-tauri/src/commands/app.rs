//! App-level commands: what to show at start, the language, first-run setup.

use gatehouse::session::{self, AppState};
use gatehouse::site::{self, Language, SetUpDone, SiteSetup};
use tauri::State;

use super::CommandResult;
use crate::state::Desk;

#[tauri::command(async)]
pub fn get_app_state(desk: State<'_, Desk>) -> CommandResult<AppState> {
    let (session, db) = desk.session()?;
    Ok(session::app_state(db, &session)?)
}

#[tauri::command(async)]
pub fn set_language(desk: State<'_, Desk>, language: Language) -> CommandResult<()> {
    Ok(site::set_language(desk.db()?, language)?)
}

#[tauri::command(async)]
pub fn setup_site(desk: State<'_, Desk>, setup: SiteSetup) -> CommandResult<SetUpDone> {
    Ok(site::set_up(desk.db()?, &setup)?)
}
