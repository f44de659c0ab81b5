//! Backups and restore: never lose the record.
//!
//! A backup is a consistent copy made inside one read transaction (never by copying the live
//! file), encrypted with the database key like the database itself, and checked right after
//! it is written (`integrity_check`, our schema and the audit chain); a backup that fails its
//! check is deleted and reported. A restore first checks the file it is given: opened
//! read-only with `trusted_schema=OFF`, its schema must be exactly ours at its version
//! (`schema`), it must belong to this site, and after it is migrated its chain must verify.
//! It refuses while the app has the database open (the app holds `<db>.app-lock`), and keeps
//! the replaced database beside it as `<db>.before-restore-<time>`, encrypted too.
//!
//! Keys: a backup opens with the key file's key. On a replacement PC without the key file,
//! the site's recovery key (`dbkey`) opens it, and becomes the new key file when the restore
//! is put in place.
//!
//! Automatic backups: the supervisor sets a folder (e.g. a USB drive) and how many to keep
//! (`site::DataSettings`). Each duty day the shell's background timer calls `backup_if_due`
//! (and a supervisor may press "back up now", `backup_now`: supervisors only, like the other
//! data-handling actions, since a backup is a full copy of everyone's personal data on a
//! removable drive); the file is named
//! `gatehouse-backup-YYYYMMDD-HHMMSS.db` (local time), and after a good backup only files
//! of exactly that pattern beyond the newest N are deleted. Every attempt, good or failed,
//! is a row of `backup_attempt` with its error code; `status` tells the dashboard whether
//! to warn (no folder, last attempt failed, nothing good for 26 hours).
//!
//! Restore in the app: the app holds the database open and the app lock, so a restore is
//! staged (`stage_restore`, or `stage_restore_at_setup` on a PC not set up yet: checked,
//! migrated and verified in a copy, `<db>.restore`) and the shell restarts; at
//! the next open, before anything else touches the database, `apply_staged_restore`
//! checks the staged file again and puts it in place, keeping the replaced database as
//! `<db>.before-restore-<time>`; the shell then records `database_restored` in the chain.
//!
//! Leftovers: the kept `<db>.before-restore-<time>` and a rejected `<db>.restore-rejected`
//! are full copies of personal data, so the retention purge deletes them once they are older
//! than the retention period (`delete_restore_leftovers`, by the file's modification time);
//! nothing else beside the database is touched.
//! Called by: the CLI, the shell (supervisor screens, start-up, the daily timer).

use std::fs::File;
use std::path::{Path, PathBuf};

use rusqlite::OptionalExtension;
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::cipher::{self, beside, FileKind};
use crate::db::Db;
use crate::dbkey::{DatabaseKey, KeyFile};
use crate::error::{Error, ErrorCode, Result};
use crate::guards;
use crate::schema;

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
    beside(db_path, ".app-lock")
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
        Err(_) => Err(Error::new(ErrorCode::StorageBusy, "Gatehouse is already running on this database: use that window")),
    }
}

/// A file to restore (or a backup just written), open read-only with its key: SQLite's own
/// check passed and its schema is ours at its version.
struct Inspected {
    conn: Connection,
    version: usize,
}

/// Opens `path` read-only (`trusted_schema=OFF`, nothing in it runs) with `key` when it is
/// encrypted (a plaintext file is an earlier version's backup), then checks it: SQLite's
/// integrity check, then the schema (`schema::check`: not newer than ours, nothing added or
/// removed). Every refusal names `backup_file`, or `recovery_key` when the key does not fit.
///
/// `typed` is the recovery key the person typed, if any; `key` is what the file is opened
/// with (that key, else this PC's). A key file's key that does not fit means a recovery key
/// is needed; a typed one that does not fit is "another key".
fn inspect(path: &Path, key: Option<&DatabaseKey>, typed: bool) -> Result<Inspected> {
    let not_ours = || Error::invalid("backup_file", ErrorCode::BackupInvalid, "this file is not a Gatehouse database");
    if !path.is_file() {
        return Err(Error::new(ErrorCode::BackupInvalid, "there is no such file").on_field("backup_file"));
    }
    let kind = FileKind::of(path)?;
    if matches!(kind, FileKind::Empty | FileKind::NotADatabase) {
        return Err(not_ours());
    }
    // The file itself read-only (`mode=ro`); the connection may still write the copy it
    // attaches (`cipher::copy_database`).
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = cipher::connect(format!("file:{}?mode=ro", crate::db::uri_path(path)), flags).map_err(|_| not_ours())?;
    if kind == FileKind::Encrypted {
        let Some(key) = key else {
            return Err(Error::invalid(
                "recovery_key",
                ErrorCode::BackupNeedsRecoveryKey,
                "this backup is encrypted and this PC has no database key yet: type the recovery key from the site's recovery sheet",
            ));
        };
        cipher::unlock(&conn, key, path).map_err(|err| match err.code() {
            ErrorCode::DatabaseKeyWrong if !typed => Error::invalid(
                "recovery_key",
                ErrorCode::BackupNeedsRecoveryKey,
                "this backup was encrypted with another key than this PC's: type the recovery key from the recovery sheet of the site it comes from",
            ),
            ErrorCode::DatabaseKeyWrong => Error::invalid(
                "recovery_key",
                ErrorCode::BackupOtherKey,
                "this backup was encrypted with another key (or it is not a Gatehouse backup): type the recovery key of the site it comes from",
            ),
            _ => not_ours(),
        })?;
    }
    conn.pragma_update(None, "trusted_schema", "OFF")?;
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|_| not_ours())?;
    if integrity != "ok" {
        return Err(Error::invalid("backup_file", ErrorCode::BackupInvalid, format!("the file is damaged: {integrity}")));
    }
    // Some other program's SQLite file: no Gatehouse migration was ever applied to it.
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|_| not_ours())?;
    if version == 0 {
        return Err(not_ours());
    }
    let version = schema::check(&conn).map_err(|err| err.on_field("backup_file"))?;
    Ok(Inspected { conn, version })
}

/// Checks a database file without changing it: SQLite's own check, our schema, then the
/// audit chain (the file must be of this version; an older backup is checked after it has
/// been migrated, when it is restored).
pub fn check_file(path: &Path, key: Option<&DatabaseKey>) -> Result<audit::Report> {
    let inspected = inspect(path, key, false)?;
    if inspected.version != crate::db::latest_version() {
        return Err(Error::invalid("backup_file", ErrorCode::BackupInvalid, "this backup was written by an earlier version: restore it to check it"));
    }
    verify_chain(&inspected.conn)
}

fn verify_chain(conn: &Connection) -> Result<audit::Report> {
    match audit::verify(conn) {
        Ok(Ok(report)) => Ok(report),
        Ok(Err(problem)) => Err(Error::tampered(format!("the file's records do not verify: {problem}")).on_field("backup_file")),
        Err(_) => Err(Error::invalid("backup_file", ErrorCode::BackupInvalid, "this file is not a Gatehouse database")),
    }
}

/// Writes a checked backup of `db` to `dest` (a new file), encrypted with the database key.
pub fn backup_to(db: &Db, dest: &Path) -> Result<BackupReport> {
    let folder = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !folder.is_dir() {
        return Err(Error::invalid(
            "backup_dir",
            ErrorCode::BackupFolderMissing,
            "the backup folder does not exist: plug in the USB drive or choose another folder",
        ));
    }
    if dest.exists() {
        return Err(Error::new(ErrorCode::BackupExists, "a file with this name is already there: choose another name").on_field("backup_file"));
    }
    db.read(|conn| cipher::copy_database(conn, dest, db.key()))?;
    match check_file(dest, Some(db.key())) {
        Ok(report) => Ok(BackupReport {
            path: dest.display().to_string(),
            bytes: std::fs::metadata(dest).map(|m| m.len()).unwrap_or_default(),
            events: report.events,
            records: report.records,
        }),
        Err(err) => {
            let _ = std::fs::remove_file(dest);
            // A copy fails its check either because the drive damaged it or because the
            // database itself no longer verifies: the second is a tamper alarm, not a bad drive.
            if let Ok(Err(problem)) = db.read(audit::verify) {
                return Err(Error::tampered(format!("the database failed its integrity check, so no backup was kept: {problem}")));
            }
            Err(Error::new(ErrorCode::BackupFailedCheck, format!("the backup did not pass its check and was deleted: {err}")))
        }
    }
}

/// Replaces the database at `db_path` with a checked copy of `backup`, opened with the key
/// file's key or, on a PC without it, the `recovery` key (which then becomes the key file).
/// The old database is kept beside it. Refuses while the app runs on that database.
pub fn restore(db_path: &Path, backup: &Path, keys: &KeyFile, recovery: Option<&DatabaseKey>) -> Result<audit::Report> {
    let _lock =
        lock_for_app(db_path).map_err(|_| Error::new(ErrorCode::StorageBusy, "Gatehouse is running on this database: close the app first, then restore"))?;
    stage(db_path, backup, keys, recovery)?;
    let applied = apply_staged_restore(db_path, keys)?.ok_or_else(|| Error::internal("the staged restore disappeared"))?;
    Ok(applied.report)
}

/// Where a restore waits to be put in place: `<db>.restore`, encrypted with the key it will
/// be opened with.
pub fn staged_restore_path(db_path: &Path) -> PathBuf {
    beside(db_path, ".restore")
}

/// The key of a staged restore that differs from the key file's (a backup restored with a
/// recovery key): `<key file>.pending`, beside the key file, private like it. It replaces the
/// key file when the restore is put in place.
fn pending_key_file(keys: &KeyFile) -> KeyFile {
    KeyFile::at(beside(keys.path(), ".pending"))
}

/// The site a database belongs to (its `site.uid`), if it is set up and can be read.
fn site_uid(conn: &Connection) -> Option<String> {
    conn.query_row("SELECT uid FROM site WHERE id = 1", [], |r| r.get(0)).optional().ok().flatten()
}

/// Checks `backup` and writes a migrated, verified copy of it to `<db>.restore`, encrypted
/// with the key the database will have afterwards (the key file's, or `recovery`). The
/// database itself is not touched. A backup of another site than a set-up database's is
/// refused.
fn stage(db_path: &Path, backup: &Path, keys: &KeyFile, recovery: Option<&DatabaseKey>) -> Result<audit::Report> {
    let current_key = if keys.exists() { Some(keys.load()?) } else { None };
    let inspected = inspect(backup, recovery.or(current_key.as_ref()), recovery.is_some())?;
    if let Some(current_site) = current_key.as_ref().and_then(|key| open_current(db_path, key)).and_then(|conn| site_uid(&conn)) {
        if site_uid(&inspected.conn).is_some_and(|site| site != current_site) {
            return Err(Error::invalid(
                "backup_file",
                ErrorCode::BackupOtherSite,
                "this backup belongs to another site (another gate's or school's database): choose a backup of this site",
            ));
        }
    }
    let target_key = recovery.cloned().or(current_key.clone()).unwrap_or_else(DatabaseKey::generate);
    if let Some(folder) = db_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)?;
    }
    let staged = staged_restore_path(db_path);
    let partial = beside(&staged, ".partial");
    let _ = std::fs::remove_file(&partial);
    let made = (|| -> Result<audit::Report> {
        cipher::copy_database(&inspected.conn, &partial, &target_key)?;
        // An earlier version's backup is migrated like a database at open, then verified.
        let copy = Db::open_keyed(&partial, crate::Clock::System, target_key.clone())?;
        let report = copy.read(verify_chain)?;
        drop(copy);
        std::fs::rename(&partial, &staged)?;
        Ok(report)
    })();
    let report = made.inspect_err(|_| {
        for leftover in [partial.clone(), beside(&partial, "-wal"), beside(&partial, "-shm")] {
            let _ = std::fs::remove_file(leftover);
        }
    })?;
    let pending = pending_key_file(keys);
    if current_key.as_ref() == Some(&target_key) {
        let _ = std::fs::remove_file(pending.path());
    } else {
        pending.store(&target_key)?;
    }
    Ok(report)
}

/// The database at `db_path` opened with `key`, if there is one and the key fits.
fn open_current(db_path: &Path, key: &DatabaseKey) -> Option<Connection> {
    let kind = FileKind::of(db_path).ok()?;
    if matches!(kind, FileKind::Empty | FileKind::NotADatabase) {
        return None;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = cipher::connect(format!("file:{}?mode=ro", crate::db::uri_path(db_path)), flags).ok()?;
    if kind == FileKind::Encrypted {
        cipher::unlock(&conn, key, db_path).ok()?;
    }
    Some(conn)
}

/// Keeps the database a restore replaces as `<db>.before-restore-<time>`, encrypted with
/// `new_key` (the key the key file will hold). A database the current key does not open is
/// moved aside as it is: it stays encrypted with its own key.
fn keep_replaced(db_path: &Path, current_key: Option<&DatabaseKey>, new_key: &DatabaseKey) -> Result<Option<PathBuf>> {
    if FileKind::of(db_path)? == FileKind::Empty {
        return Ok(None);
    }
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let kept = beside(db_path, &format!("{BEFORE_RESTORE}{stamp}"));
    match current_key.and_then(|key| open_current(db_path, key)) {
        Some(current) => {
            cipher::copy_database(&current, &kept, new_key)?;
            drop(current);
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(beside(db_path, suffix));
            }
        }
        None => {
            std::fs::rename(db_path, &kept)?;
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::rename(beside(db_path, suffix), beside(&kept, suffix));
            }
        }
    }
    Ok(Some(kept))
}

// ---------------------------------------------------------------------------------------
// Automatic backups into the configured folder

const NAME_PREFIX: &str = "gatehouse-backup-";
const NAME_SUFFIX: &str = ".db";
/// No good backup for this long while a folder is set: the dashboard warns.
pub const OVERDUE_MS: i64 = 26 * 3_600_000;
/// A failed automatic attempt is retried after this long (not on every tick of the timer).
const RETRY_AFTER_MS: i64 = 3_600_000;

/// Who started a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Automatic,
    Manual,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Trigger::Automatic => "automatic",
            Trigger::Manual => "manual",
        }
    }
}

/// One backup attempt as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupAttempt {
    #[ts(type = "number")]
    pub at_ms: i64,
    pub trigger: Trigger,
    /// The guard who pressed "back up now"; empty for automatic backups.
    pub by: String,
    pub path: String,
    pub ok: bool,
    /// The `ErrorCode` (snake_case) of a failed attempt.
    pub error_code: Option<String>,
    pub message: Option<String>,
    #[ts(type = "number | null")]
    pub bytes: Option<i64>,
}

/// What the dashboard warns about, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BackupWarning {
    /// No backup folder is set: nothing is backed up.
    NoFolder,
    /// The last attempt failed.
    LastFailed,
    /// No good backup in the last 26 hours.
    Overdue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupStatus {
    pub folder: String,
    pub keep: u32,
    pub last: Option<BackupAttempt>,
    #[ts(type = "number | null")]
    pub last_ok_at_ms: Option<i64>,
    pub warning: Option<BackupWarning>,
}

/// A Gatehouse backup found in the folder (the restore screen's list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupFile {
    pub name: String,
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// The part of a backup file name that orders it: (stamp, same-second number), or None if
/// the name is not exactly Gatehouse's pattern (other files in the folder are never touched).
fn backup_name_key(name: &str) -> Option<(String, u32)> {
    let core = name.strip_prefix(NAME_PREFIX)?.strip_suffix(NAME_SUFFIX)?;
    let (stamp, number) = match core.get(15..) {
        Some("") => (core, 0),
        Some(rest) => (&core[..15], rest.strip_prefix('-')?.parse::<u32>().ok().filter(|n| *n >= 2)?),
        None => return None,
    };
    let bytes = stamp.as_bytes();
    let ok = bytes.len() == 15 && bytes[8] == b'-' && bytes.iter().enumerate().all(|(i, b)| i == 8 || b.is_ascii_digit());
    ok.then(|| (stamp.to_string(), number))
}

/// The Gatehouse backups in `folder`, newest first.
fn backups_in(folder: &Path) -> Result<Vec<(PathBuf, (String, u32))>> {
    let mut found: Vec<(PathBuf, (String, u32))> = std::fs::read_dir(folder)
        .map_err(|e| folder_error(folder, &e))?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|entry| backup_name_key(&entry.file_name().to_string_lossy()).map(|key| (entry.path(), key)))
        .collect();
    found.sort_by(|a, b| b.1.cmp(&a.1));
    Ok(found)
}

fn folder_error(folder: &Path, err: &std::io::Error) -> Error {
    let shown = folder.display().to_string();
    match err.kind() {
        std::io::ErrorKind::NotFound => {
            Error::invalid("backup_dir", ErrorCode::BackupFolderMissing, "the backup folder does not exist: plug in the USB drive or choose another folder")
        }
        std::io::ErrorKind::StorageFull => {
            Error::invalid("backup_dir", ErrorCode::BackupDiskFull, "the backup drive is full: free some space or use another drive")
        }
        _ => {
            Error::invalid("backup_dir", ErrorCode::BackupFolderNotWritable, format!("cannot write into this folder ({err}): choose a folder you can write to"))
        }
    }
    .with_param("folder", shown)
}

/// Writes and removes a small file at `probe`: proves a backup can be written there.
fn probe_write(probe: &Path, folder: &Path) -> Result<()> {
    use std::io::Write;
    let result = File::options().create(true).truncate(true).write(true).open(probe).and_then(|mut f| {
        f.write_all(&[0u8; 4096])?;
        f.sync_all()
    });
    if probe.is_file() {
        let _ = std::fs::remove_file(probe);
    }
    // The folder exists (we just looked), so "not found" here means files cannot be made in
    // it (e.g. under /proc): not writable, not missing.
    result.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => folder_error(folder, &std::io::Error::new(std::io::ErrorKind::PermissionDenied, e)),
        _ => folder_error(folder, &e),
    })
}

/// A backup folder that exists, is a folder, and takes a file now. Returns it as a full path.
pub fn check_folder(folder: &Path) -> Result<PathBuf> {
    let full = std::fs::canonicalize(folder).map_err(|e| folder_error(folder, &e))?;
    if !full.is_dir() {
        return Err(Error::invalid("backup_dir", ErrorCode::BackupFolderNotWritable, "this is a file, not a folder: choose a folder")
            .with_param("folder", folder.display()));
    }
    probe_write(&full.join(format!(".gatehouse-write-test-{}", std::process::id())), &full)?;
    Ok(full)
}

fn record_attempt(db: &Db, trigger: Trigger, actor: Option<&Actor>, path: &str, outcome: &Result<BackupReport>) -> Result<()> {
    db.write(|tx| {
        let (ok, code, message, bytes) = match outcome {
            Ok(report) => (true, None, None, Some(report.bytes as i64)),
            Err(err) => {
                let code = serde_json::to_value(err.code()).ok().and_then(|v| v.as_str().map(str::to_owned));
                (false, code, Some(err.to_string()), None)
            }
        };
        tx.execute(
            "INSERT INTO backup_attempt (at_ms, trigger, guard_id, path, ok, error_code, message, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![tx.now_ms(), trigger.as_str(), actor.map(Actor::guard_id), path, ok, code, message, bytes],
        )?;
        Ok(())
    })
}

/// Writes one checked backup into the configured folder, records the attempt, and on
/// success deletes Gatehouse's own backups beyond the newest `keep` and those older than the
/// retention period, unless the clock is in doubt.
fn run_backup(db: &Db, trigger: Trigger, actor: Option<&Actor>) -> Result<BackupReport> {
    let settings = db.read(crate::site::read_data_settings)?;
    if settings.backup_dir.is_empty() {
        return Err(Error::invalid("backup_dir", ErrorCode::BackupFolderNotSet, "no backup folder is set: choose one in settings"));
    }
    let folder = PathBuf::from(&settings.backup_dir);
    let stamp = db.clock().local(db.clock().now_ms()).format("%Y%m%d-%H%M%S").to_string();
    let mut dest = folder.join(format!("{NAME_PREFIX}{stamp}{NAME_SUFFIX}"));
    let mut n = 2;
    while dest.exists() {
        dest = folder.join(format!("{NAME_PREFIX}{stamp}-{n}{NAME_SUFFIX}"));
        n += 1;
    }
    let outcome = check_folder(&folder).and_then(|_| backup_to(db, &dest)).map_err(|err| match err.code() {
        ErrorCode::StorageFull => Error::invalid("backup_dir", ErrorCode::BackupDiskFull, "the backup drive is full: free some space or use another drive"),
        ErrorCode::StorageReadOnly => Error::invalid("backup_dir", ErrorCode::BackupFolderNotWritable, format!("cannot write into this folder: {err}")),
        // A tamper alarm is about the records, not the folder: it stays a form-level message.
        ErrorCode::Tampered => err,
        _ if err.field().is_none() => err.on_field("backup_dir"),
        _ => err,
    });
    record_attempt(db, trigger, actor, &dest.display().to_string(), &outcome)?;
    let report = outcome?;
    // Rotation: beyond the newest `keep`, and any older than the retention period (a backup
    // holds everyone's personal data, so it may not outlive the purge in the database).
    // Both go by the time in the names, so a clock in doubt pauses it (`clock_trust`): set
    // ahead it would delete every good backup as "old", set back it would rank today's last.
    if crate::clock_trust::doubt(db)?.is_some() {
        return Ok(report);
    }
    let oldest_kept = db.clock().local(db.clock().now_ms() - i64::from(settings.retention_days) * 86_400_000).format("%Y%m%d-%H%M%S").to_string();
    if let Ok(found) = backups_in(&folder) {
        for (index, (path, (stamp, _))) in found.into_iter().enumerate() {
            if index >= settings.backup_keep.max(1) as usize || (index > 0 && stamp < oldest_kept) {
                let _ = std::fs::remove_file(path);
            }
        }
    }
    Ok(report)
}

/// "Back up now" (supervisor).
pub fn backup_now(db: &Db, actor: &Actor) -> Result<BackupReport> {
    db.read(|conn| guards::authorize(conn, actor, Role::Supervisor))?;
    run_backup(db, Trigger::Manual, Some(actor))
}

/// The daily automatic backup: runs when a folder is set, nothing succeeded since this duty
/// day began, and no attempt was made in the last hour. Idempotent; the shell's timer calls it.
pub fn backup_if_due(db: &Db) -> Result<Option<Result<BackupReport>>> {
    let now = db.clock().now_ms();
    let due = db.read(|conn| {
        if !crate::site::is_set_up(conn)? || crate::site::read_data_settings(conn)?.backup_dir.is_empty() {
            return Ok(false);
        }
        let start_hour = crate::site::read_settings(conn)?.duty_day_start_hour;
        let day_start = crate::site::duty_day_start_ms(db.clock(), now, start_hour);
        let (ok_today, recent): (bool, bool) = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM backup_attempt WHERE ok = 1 AND at_ms >= ?1),
                    EXISTS (SELECT 1 FROM backup_attempt WHERE at_ms > ?2)",
            rusqlite::params![day_start, now - RETRY_AFTER_MS],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(!ok_today && !recent)
    })?;
    if !due {
        return Ok(None);
    }
    Ok(Some(run_backup(db, Trigger::Automatic, None)))
}

fn read_attempt(r: &rusqlite::Row<'_>) -> rusqlite::Result<BackupAttempt> {
    Ok(BackupAttempt {
        at_ms: r.get(0)?,
        trigger: if r.get::<_, String>(1)? == "manual" { Trigger::Manual } else { Trigger::Automatic },
        by: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        path: r.get(3)?,
        ok: r.get(4)?,
        error_code: r.get(5)?,
        message: r.get(6)?,
        bytes: r.get(7)?,
    })
}

/// The dashboard's backup line (any guard may see it).
pub fn status(db: &Db) -> Result<BackupStatus> {
    let now = db.clock().now_ms();
    db.read(|conn| {
        let settings = crate::site::read_data_settings(conn)?;
        let last = conn
            .query_row(
                "SELECT b.at_ms, b.trigger, g.name, b.path, b.ok, b.error_code, b.message, b.bytes
                 FROM backup_attempt b LEFT JOIN guard g ON g.id = b.guard_id ORDER BY b.at_ms DESC, b.id DESC LIMIT 1",
                [],
                read_attempt,
            )
            .optional()?;
        let last_ok_at_ms: Option<i64> = conn.query_row("SELECT max(at_ms) FROM backup_attempt WHERE ok = 1", [], |r| r.get(0))?;
        let warning = if settings.backup_dir.is_empty() {
            Some(BackupWarning::NoFolder)
        } else if last.as_ref().is_some_and(|a| !a.ok) {
            Some(BackupWarning::LastFailed)
        } else if !matches!(last_ok_at_ms, Some(at) if now - at <= OVERDUE_MS) {
            Some(BackupWarning::Overdue)
        } else {
            None
        };
        Ok(BackupStatus { folder: settings.backup_dir, keep: settings.backup_keep, last, last_ok_at_ms, warning })
    })
}

/// Gatehouse's backups in the configured folder, newest first (supervisor: the restore list).
pub fn list_backups(db: &Db, actor: &Actor) -> Result<Vec<BackupFile>> {
    let settings = db.read(|conn| {
        guards::authorize(conn, actor, Role::Supervisor)?;
        crate::site::read_data_settings(conn)
    })?;
    if settings.backup_dir.is_empty() {
        return Ok(Vec::new());
    }
    Ok(backups_in(Path::new(&settings.backup_dir))?
        .into_iter()
        .map(|(path, _)| BackupFile {
            name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            bytes: std::fs::metadata(&path).map(|m| m.len()).unwrap_or_default(),
            path: path.display().to_string(),
        })
        .collect())
}

// ---------------------------------------------------------------------------------------
// Restore inside the app: stage, restart, apply at open

/// What a staged restore checked (for the confirmation that the app will restart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StagedRestore {
    pub file: String,
    #[ts(type = "number")]
    pub events: i64,
    #[ts(type = "number")]
    pub records: i64,
}

/// Supervisor: checks `file` (not a Gatehouse database, damaged, another site's, a foreign
/// schema, or its chain broken: a clear error and nothing changes), stages a checked copy as
/// `<db>.restore` and logs `restore_staged`. The shell restarts the app;
/// `apply_staged_restore` finishes it.
pub fn stage_restore(db: &Db, actor: &Actor, keys: &KeyFile, file: &Path, recovery: Option<&DatabaseKey>) -> Result<StagedRestore> {
    db.read(|conn| guards::authorize(conn, actor, Role::Supervisor))?;
    stage_and_log(db, Some(actor), keys, file, recovery)
}

/// The set-up screen's "restore a backup" on a new or replacement PC: allowed only while the
/// database is not set up (there is nothing to protect yet and nobody to log in).
pub fn stage_restore_at_setup(db: &Db, keys: &KeyFile, file: &Path, recovery: Option<&DatabaseKey>) -> Result<StagedRestore> {
    if db.read(crate::site::is_set_up)? {
        return Err(Error::new(ErrorCode::AlreadySetUp, "this database is already set up: a supervisor restores from Settings"));
    }
    stage_and_log(db, None, keys, file, recovery)
}

fn stage_and_log(db: &Db, actor: Option<&Actor>, keys: &KeyFile, file: &Path, recovery: Option<&DatabaseKey>) -> Result<StagedRestore> {
    if file.as_os_str().is_empty() {
        return Err(Error::required("backup_file"));
    }
    let report = stage(db.path(), file, keys, recovery)?;
    db.write(|tx| {
        audit::append(
            tx,
            Event::new("restore_staged", actor).detail(serde_json::json!({
                "file": file.display().to_string(),
                "events": report.events,
                "with_recovery_key": recovery.is_some(),
            })),
        )
    })?;
    Ok(StagedRestore { file: file.display().to_string(), events: report.events, records: report.records })
}

/// A staged restore that was put in place at open.
#[derive(Debug, Clone)]
pub struct AppliedRestore {
    pub kept: Option<PathBuf>,
    pub report: audit::Report,
}

/// At open, before anything else touches the database (the caller holds the app lock): puts
/// a staged restore in place. A staged file that no longer checks is set aside as
/// `<db>.restore-rejected` and the database is left as it was.
///
/// Order, for a crash at any step: the replaced database is first kept (encrypted with the
/// new key), then the key file takes the new key, then the staged file is renamed into
/// place. A crash between the last two leaves a database the key file does not open; the
/// same restore run again (the staged file is still there) completes it, and the kept copy
/// holds the old records.
pub fn apply_staged_restore(db_path: &Path, keys: &KeyFile) -> Result<Option<AppliedRestore>> {
    let staged = staged_restore_path(db_path);
    if !staged.is_file() {
        return Ok(None);
    }
    let pending = pending_key_file(keys);
    let current_key = if keys.exists() { keys.load().ok() } else { None };
    let new_key = if pending.exists() { pending.load() } else { keys.load() };
    let checked = new_key.and_then(|key| check_file(&staged, Some(&key)).map(|report| (key, report)));
    let (new_key, report) = match checked {
        Ok(checked) => checked,
        Err(err) => {
            let _ = std::fs::rename(&staged, beside(db_path, REJECTED));
            let _ = std::fs::remove_file(pending.path());
            return Err(err);
        }
    };
    let kept = keep_replaced(db_path, current_key.as_ref(), &new_key)?;
    if pending.exists() {
        keys.store(&new_key)?;
        let _ = std::fs::remove_file(pending.path());
    }
    std::fs::rename(&staged, db_path)?;
    Ok(Some(AppliedRestore { kept, report }))
}

/// The recovery key, shown again to a supervisor (`gatehouse recovery-key`, Settings); each
/// showing is an event in the chain.
pub fn recovery_key(db: &Db, actor: &Actor) -> Result<String> {
    db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        audit::append(tx, Event::new("recovery_key_shown", Some(actor)))?;
        Ok(())
    })?;
    Ok(db.key().recovery_text())
}

/// Logs in the restored database's chain that it was restored (called once it is open).
pub fn record_restore(db: &Db, applied: &AppliedRestore) -> Result<()> {
    db.write(|tx| {
        audit::append(
            tx,
            Event::new("database_restored", None).detail(serde_json::json!({
                "kept_as": applied.kept.as_ref().map(|p| p.display().to_string()),
                "events": applied.report.events,
            })),
        )
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Restore leftovers beside the database

/// `<db>.before-restore-YYYYMMDD-HHMMSS`: the database a restore replaced.
const BEFORE_RESTORE: &str = ".before-restore-";
/// `<db>.restore-rejected`: a staged restore that failed its check at open.
const REJECTED: &str = ".restore-rejected";

/// Whether `name` (a file name in the database's folder) is a restore leftover of the
/// database named `db_name`: exactly `<db_name>.restore-rejected` or
/// `<db_name>.before-restore-` and a `YYYYMMDD-HHMMSS` stamp.
fn is_restore_leftover(db_name: &str, name: &str) -> bool {
    let Some(rest) = name.strip_prefix(db_name) else { return false };
    if rest == REJECTED {
        return true;
    }
    let Some(stamp) = rest.strip_prefix(BEFORE_RESTORE) else { return false };
    stamp.len() == 15 && stamp.char_indices().all(|(i, c)| if i == 8 { c == '-' } else { c.is_ascii_digit() })
}

/// Deletes the restore leftovers beside `db_path` last modified before `cutoff_ms` (Unix
/// milliseconds); returns how many were deleted. Idempotent; any other file is left alone.
/// Called by `retention::purge_due`.
pub fn delete_restore_leftovers(db_path: &Path, cutoff_ms: i64) -> Result<i64> {
    let Some(db_name) = db_path.file_name().and_then(|n| n.to_str()) else { return Ok(0) };
    let folder = db_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    delete_files_older_than(folder, cutoff_ms, |name| is_restore_leftover(db_name, name))
}

/// Deletes the plain files directly in `folder` whose name `chosen` accepts and which were
/// last modified before `cutoff_ms` (Unix milliseconds); returns how many. A missing folder
/// is nothing to do; folders inside it are left alone.
pub(crate) fn delete_files_older_than(folder: &Path, cutoff_ms: i64, chosen: impl Fn(&str) -> bool) -> Result<i64> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(err) => return Err(err.into()),
    };
    let mut deleted = 0;
    for entry in entries {
        let entry = entry?;
        if !entry.file_name().to_str().is_some_and(&chosen) {
            continue;
        }
        let meta = entry.metadata()?;
        let modified_ms = meta.modified()?.duration_since(std::time::UNIX_EPOCH).map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)).unwrap_or(0);
        if meta.is_file() && modified_ms < cutoff_ms {
            std::fs::remove_file(entry.path())?;
            deleted += 1;
        }
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_restore_leftovers_of_this_database_are_recognised() {
        for name in ["gatehouse.db.before-restore-20261128-101500", "gatehouse.db.restore-rejected"] {
            assert!(is_restore_leftover("gatehouse.db", name), "{name}");
        }
        for name in [
            "gatehouse.db",
            "gatehouse.db-wal",
            "gatehouse.db.restore",
            "gatehouse.db.app-lock",
            "gatehouse.db.before-restore-20261128-101500-wal",
            "gatehouse.db.before-restore-2026112-101500",
            "gatehouse.db.before-restore-20261128_101500",
            "gatehouse.db.restore-rejected.txt",
            "other.db.restore-rejected",
            "other.db.before-restore-20261128-101500",
            "gatehouse-backup-20261128-101500.db",
        ] {
            assert!(!is_restore_leftover("gatehouse.db", name), "{name}");
        }
    }

    #[test]
    fn only_gatehouse_backup_names_are_recognised_and_ordered() {
        assert_eq!(backup_name_key("gatehouse-backup-20261128-101500.db"), Some(("20261128-101500".into(), 0)));
        assert_eq!(backup_name_key("gatehouse-backup-20261128-101500-3.db"), Some(("20261128-101500".into(), 3)));
        for other in [
            "gatehouse-backup-20261128-101500.db-wal",
            "gatehouse-backup-2026112-101500.db",
            "gatehouse-backup-20261128_101500.db",
            "gatehouse-backup-20261128-101500-1.db",
            "gatehouse-backup-20261128-10150x.db",
            "gatehouse.db",
            "photos.db",
            "gatehouse-backup-.db",
        ] {
            assert_eq!(backup_name_key(other), None, "{other}");
        }
        assert!(backup_name_key("gatehouse-backup-20261128-101500-2.db") > backup_name_key("gatehouse-backup-20261128-101500.db"));
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_full_disk_while_writing_is_reported_as_such_on_backup_dir() {
        let err = probe_write(Path::new("/dev/full"), Path::new("/dev")).unwrap_err();
        assert_eq!((err.code(), err.field()), (ErrorCode::BackupDiskFull, Some("backup_dir")));
    }
}
