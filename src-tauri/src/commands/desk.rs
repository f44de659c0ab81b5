//! This PC's own preferences (start on boot, full screen) and leaving full screen. The core
//! (`gatehouse::desk`) keeps them and checks that a supervisor changes them; here the window
//! is told to follow.

use gatehouse::desk::{DeskFiles, DeskPreferences};
use tauri::{State, WebviewWindow};

use super::{guarded, CommandResult};
use crate::state::Desk;

#[tauri::command(async)]
pub fn get_desk_preferences(desk: State<'_, Desk>) -> CommandResult<DeskPreferences> {
    guarded("get_desk_preferences", || {
        desk.actor()?;
        Ok(DeskFiles::default_location()?.read())
    })
}

/// Supervisor. Start on boot starts this very program (the installed
/// /usr/bin/gatehouse-desktop, or a build being tried out).
#[tauri::command(async)]
pub fn update_desk_preferences(desk: State<'_, Desk>, window: WebviewWindow, preferences: DeskPreferences) -> CommandResult<DeskPreferences> {
    guarded("update_desk_preferences", || {
        let (actor, db) = desk.actor()?;
        let program = std::env::current_exe().map_err(|e| gatehouse::Error::internal(format!("cannot tell which program is running: {e}")))?;
        let saved = DeskFiles::default_location()?.update(db, &actor, &preferences, &program)?;
        crate::set_full_screen(&window, saved.full_screen);
        Ok(saved)
    })
}

/// Esc: the window leaves full screen until the next start (the preference stays). Anyone
/// may press it, logged in or not: full screen keeps the desk tidy, it locks nothing.
#[tauri::command(async)]
pub fn leave_full_screen(window: WebviewWindow) -> CommandResult<bool> {
    guarded("leave_full_screen", || {
        let was = window.is_fullscreen().unwrap_or(false);
        if was {
            crate::set_full_screen(&window, false);
        }
        Ok(was)
    })
}
