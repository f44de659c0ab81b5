//! Backups and restore: the dashboard's backup line, "back up now", the list of backups in
//! the folder, and a restore that the core stages and the app applies when it restarts.

use std::path::PathBuf;

use gatehouse::backup::{self, BackupFile, BackupReport, BackupStatus, StagedRestore};
use tauri::{AppHandle, State};

use super::CommandResult;
use crate::state::Desk;

/// How long the UI has to show "restarting" before the window goes.
const RESTART_DELAY: std::time::Duration = std::time::Duration::from_millis(1500);

#[tauri::command(async)]
pub fn get_backup_status(desk: State<'_, Desk>) -> CommandResult<BackupStatus> {
    let (_, db) = desk.actor()?;
    Ok(backup::status(db)?)
}

#[tauri::command(async)]
pub fn backup_now(desk: State<'_, Desk>) -> CommandResult<BackupReport> {
    let (actor, db) = desk.actor()?;
    Ok(backup::backup_now(db, &actor)?)
}

#[tauri::command(async)]
pub fn list_backup_files(desk: State<'_, Desk>) -> CommandResult<Vec<BackupFile>> {
    let (actor, db) = desk.actor()?;
    Ok(backup::list_backups(db, &actor)?)
}

/// Checks and stages `file`, then restarts the app, which applies it before opening the
/// database (see `state::open_default`).
#[tauri::command(async)]
pub fn restore_backup(app: AppHandle, desk: State<'_, Desk>, file: String) -> CommandResult<StagedRestore> {
    let (actor, db) = desk.actor()?;
    let staged = backup::stage_restore(db, &actor, &PathBuf::from(file.trim()))?;
    std::thread::spawn(move || {
        std::thread::sleep(RESTART_DELAY);
        app.restart();
    });
    Ok(staged)
}
