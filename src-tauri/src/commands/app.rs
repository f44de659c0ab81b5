//! App-level commands: what to show at start and first-run setup. Before log-in only what
//! the login and setup screens need answers (issue 15): the language switch is the UI's own
//! preference (`set_language`, which wrote the site's settings for anyone, is gone).

use gatehouse::session::{self, AppState};
use gatehouse::site::{self, SetUpDone, SiteSetup};
use tauri::State;

use super::{guarded, CommandResult};
use crate::state::Desk;

#[tauri::command(async)]
pub fn get_app_state(desk: State<'_, Desk>) -> CommandResult<AppState> {
    guarded("get_app_state", || {
        let (session, db) = desk.session()?;
        Ok(session::app_state(db, &session)?)
    })
}

#[tauri::command(async)]
pub fn setup_site(desk: State<'_, Desk>, setup: SiteSetup) -> CommandResult<SetUpDone> {
    guarded("setup_site", || Ok(site::set_up(desk.db()?, &setup)?))
}
