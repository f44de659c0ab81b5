//! Site settings: everyone reads them, supervisors change them (the core checks the role).

use gatehouse::site::{self, Settings};
use tauri::State;

use super::{guarded, CommandResult};
use crate::state::Desk;

#[tauri::command(async)]
pub fn get_settings(desk: State<'_, Desk>) -> CommandResult<Settings> {
    guarded("get_settings", || {
        let (_, db) = desk.actor()?;
        Ok(site::settings(db)?)
    })
}

#[tauri::command(async)]
pub fn update_settings(desk: State<'_, Desk>, settings: Settings) -> CommandResult<Settings> {
    guarded("update_settings", || {
        let (actor, db) = desk.actor()?;
        Ok(site::update_settings(db, &actor, &settings)?)
    })
}

/// Retention of personal data and the backup folder (supervisor; the core checks it).
#[tauri::command(async)]
pub fn get_data_settings(desk: State<'_, Desk>) -> CommandResult<site::DataSettings> {
    guarded("get_data_settings", || {
        let (_, db) = desk.actor()?;
        Ok(site::data_settings(db)?)
    })
}

#[tauri::command(async)]
pub fn update_data_settings(desk: State<'_, Desk>, settings: site::DataSettings) -> CommandResult<site::DataSettings> {
    guarded("update_data_settings", || {
        let (actor, db) = desk.actor()?;
        Ok(site::update_data_settings(db, &actor, &settings)?)
    })
}
