//! Backups and restore: the dashboard's backup line, "back up now", the list of backups in
//! the folder, and a restore that the core stages and the app applies when it restarts.

use std::path::PathBuf;

use gatehouse::backup::{self, BackupFile, BackupReport, BackupStatus, StagedRestore};
use gatehouse::DatabaseKey;
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

/// The recovery key typed on a restore screen, if any (blank means the key file's key).
fn recovery_key(text: Option<String>) -> gatehouse::Result<Option<DatabaseKey>> {
    text.filter(|t| !t.trim().is_empty()).map(|t| DatabaseKey::parse_recovery(&t)).transpose()
}

fn restart_soon(app: AppHandle) {
    std::thread::spawn(move || {
        std::thread::sleep(RESTART_DELAY);
        app.restart();
    });
}

/// Checks and stages `file`, then restarts the app, which applies it before opening the
/// database (see `state::open_default`).
#[tauri::command(async)]
pub fn restore_backup(app: AppHandle, desk: State<'_, Desk>, file: String, recovery_key: Option<String>) -> CommandResult<StagedRestore> {
    let (actor, db) = desk.actor()?;
    let recovery = self::recovery_key(recovery_key)?;
    let staged = backup::stage_restore(db, &actor, &desk.key_file()?, &PathBuf::from(file.trim()), recovery.as_ref())?;
    restart_soon(app);
    Ok(staged)
}

/// The set-up screen's "restore a backup" on a new or replacement PC (no login yet).
#[tauri::command(async)]
pub fn restore_backup_at_setup(app: AppHandle, desk: State<'_, Desk>, file: String, recovery_key: Option<String>) -> CommandResult<StagedRestore> {
    let recovery = self::recovery_key(recovery_key)?;
    let staged = backup::stage_restore_at_setup(desk.db()?, &desk.key_file()?, &PathBuf::from(file.trim()), recovery.as_ref())?;
    restart_soon(app);
    Ok(staged)
}

/// The recovery key, shown again to the supervisor on duty (logged).
#[tauri::command(async)]
pub fn show_recovery_key(desk: State<'_, Desk>) -> CommandResult<String> {
    let (actor, db) = desk.actor()?;
    Ok(backup::recovery_key(db, &actor)?)
}
