//! Backups and restore: never lose the record.
//!
//! A backup is made with SQLite's online backup API (never by copying the live file) and
//! checked right after it is written (`integrity_check` and the audit chain); a backup that
//! fails its check is deleted and reported. A restore first checks the file it is given the
//! same way, refuses while the app has the database open (the app holds `<db>.app-lock`),
//! and keeps the replaced database beside it as `<db>.before-restore-<time>`.
//! Called by: the CLI, the shell (supervisor screens), the daily automatic backup.

use std::fs::File;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use ts_rs::TS;

use crate::audit;
use crate::db::Db;
use crate::error::{Error, ErrorCode, ErrorKind, Result};

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupReport {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number")]
    pub events: i64,
    #[ts(type = "number")]
    pub records: i64,
}

/// The lock file the running app holds, so a restore cannot pull the database from under it.
pub fn app_lock_path(db_path: &Path) -> PathBuf {
    let mut name = db_path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".app-lock");
    db_path.with_file_name(name)
}

/// Held by the app while it runs (dropping it releases the lock).
pub struct AppLock(#[allow(dead_code)] File);

/// Takes the app lock; fails if another app instance holds it.
pub fn lock_for_app(db_path: &Path) -> Result<AppLock> {
    if let Some(parent) = db_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let file = File::options().create(true).truncate(false).write(true).open(app_lock_path(db_path)).map_err(|err| {
        // EACCES or EROFS: the folder (or the whole drive) may not be written, so neither may
        // the database; say that, not "a file error".
        if err.kind() == std::io::ErrorKind::PermissionDenied || err.raw_os_error() == Some(30) {
            let folder = db_path.parent().unwrap_or(db_path);
            Error::new(
                ErrorKind::Storage,
                ErrorCode::DatabaseReadOnly,
                format!(
                    "the database folder {} is read-only ({err}), so nothing could be saved: give this user write \
                     permission on it, make sure the drive is not write-protected, then retry",
                    folder.display()
                ),
            )
        } else {
            Error::from(err)
        }
    })?;
    match file.try_lock() {
        Ok(()) => Ok(AppLock(file)),
        Err(_) => Err(Error::new(ErrorKind::Storage, ErrorCode::StorageBusy, "Gatehouse is already running on this database: use that window")),
    }
}

/// Checks a database file without changing it: SQLite's own check, then the audit chain.
pub fn check_file(path: &Path) -> Result<audit::Report> {
    let not_ours = || Error::invalid("backup_file", ErrorCode::BackupInvalid, "this file is not a Gatehouse database");
    if !path.is_file() {
        return Err(Error::not_found(ErrorCode::BackupInvalid, "there is no such file").on_field("backup_file"));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(|_| not_ours())?;
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|_| not_ours())?;
    if integrity != "ok" {
        return Err(Error::invalid("backup_file", ErrorCode::BackupInvalid, format!("the file is damaged: {integrity}")));
    }
    let has_chain: bool = conn
        .query_row("SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'audit_event')", [], |r| r.get(0))
        .map_err(|_| not_ours())?;
    if !has_chain {
        return Err(not_ours());
    }
    match audit::verify(&conn) {
        Ok(Ok(report)) => Ok(report),
        Ok(Err(problem)) => Err(Error::tampered(format!("the file's records do not verify: {problem}")).on_field("backup_file")),
        Err(_) => Err(not_ours()),
    }
}

/// Writes a checked backup of `db` to `dest` (a new file).
pub fn backup_to(db: &Db, dest: &Path) -> Result<BackupReport> {
    let folder = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !folder.is_dir() {
        return Err(Error::invalid("backup_folder", ErrorCode::BackupFolderMissing, "the backup folder does not exist: plug in the USB drive or choose another folder"));
    }
    if dest.exists() {
        return Err(Error::conflict(ErrorCode::BackupExists, "a file with this name is already there: choose another name").on_field("backup_file"));
    }
    db.read(|conn| {
        let mut target = Connection::open(dest)?;
        let backup = rusqlite::backup::Backup::new(conn, &mut target)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
        Ok(())
    })
    .inspect_err(|_| {
        let _ = std::fs::remove_file(dest);
    })?;
    match check_file(dest) {
        Ok(report) => Ok(BackupReport {
            path: dest.display().to_string(),
            bytes: std::fs::metadata(dest).map(|m| m.len()).unwrap_or_default(),
            events: report.events,
            records: report.records,
        }),
        Err(err) => {
            let _ = std::fs::remove_file(dest);
            Err(Error::new(ErrorKind::Storage, ErrorCode::BackupFailedCheck, format!("the backup did not pass its check and was deleted: {err}")))
        }
    }
}

/// Replaces the database at `db_path` with a checked copy of `backup`. The old file is kept
/// beside it. Refuses while the app runs on that database.
pub fn restore(db_path: &Path, backup: &Path) -> Result<audit::Report> {
    let report = check_file(backup)?;
    let _lock = lock_for_app(db_path).map_err(|_| {
        Error::new(ErrorKind::Storage, ErrorCode::StorageBusy, "Gatehouse is running on this database: close the app first, then restore")
    })?;
    if db_path.exists() {
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let mut kept = db_path.as_os_str().to_os_string();
        kept.push(format!(".before-restore-{stamp}"));
        // Copy through SQLite so a WAL that holds the latest commits comes along.
        let current = Connection::open(db_path)?;
        current.execute("VACUUM INTO ?1", [Path::new(&kept).to_string_lossy()])?;
        drop(current);
    }
    let source = Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut target = Connection::open(db_path)?;
    rusqlite::backup::Backup::new(&source, &mut target)?.run_to_completion(256, std::time::Duration::from_millis(0), None)?;
    drop(target);
    check_file(db_path)?;
    Ok(report)
}
