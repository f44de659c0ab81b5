//! Backup and restore: a checked backup on another path holds the same records; a restore
//! checks its file first and never runs under the app.

use gatehouse::backup;
use gatehouse::visits::{self, NewVisit};
use gatehouse::{Clock, Db, ErrorCode};

use crate::util::{valid_id, Fixture};

fn visitor(name: &str, seq: u32) -> NewVisit {
    NewVisit { name: name.into(), id_number: valid_id("19900307", seq), host: "陈老师".into(), purpose: "面试".into(), ..Default::default() }
}

#[test]
fn a_backup_restored_on_another_path_verifies_and_holds_the_same_records() {
    let fx = Fixture::new();
    let guard = fx.guard();
    visits::check_in(&fx.db, &guard, &visitor("张伟", 1)).unwrap();
    let file = fx.dir.path().join("usb").join("backup-1.db");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let report = backup::backup_to(&fx.db, &file).unwrap();
    assert!(report.records > 0 && report.bytes > 0);
    visits::check_in(&fx.db, &guard, &visitor("李娜", 2)).unwrap();

    let elsewhere = fx.dir.path().join("other").join("gatehouse.db");
    backup::restore(&elsewhere, &file, &fx.keys, None).unwrap();
    let restored = Db::open(&elsewhere, Clock::fixed(crate::util::T0_MS), &fx.keys).unwrap();
    let names: Vec<String> =
        restored.read(|c| Ok(c.prepare("SELECT name FROM visit")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)).unwrap();
    assert_eq!(names, vec!["张伟".to_string()]);
    assert!(restored.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn restoring_over_a_database_keeps_the_old_one_and_is_refused_while_the_app_runs() {
    let fx = Fixture::new();
    let file = fx.dir.path().join("backup.db");
    backup::backup_to(&fx.db, &file).unwrap();
    let lock = backup::lock_for_app(&fx.path()).unwrap();
    assert_eq!(backup::restore(&fx.path(), &file, &fx.keys, None).unwrap_err().code(), ErrorCode::StorageBusy);
    drop(lock);
    backup::restore(&fx.path(), &file, &fx.keys, None).unwrap();
    let kept = std::fs::read_dir(fx.dir.path()).unwrap().filter_map(Result::ok).any(|e| e.file_name().to_string_lossy().contains(".before-restore-"));
    assert!(kept, "the replaced database is kept beside it");
}

#[test]
fn bad_backup_targets_and_sources_get_clear_errors() {
    let fx = Fixture::new();
    let missing = fx.dir.path().join("no-usb-drive").join("b.db");
    assert_eq!(backup::backup_to(&fx.db, &missing).unwrap_err().code(), ErrorCode::BackupFolderMissing);
    let existing = fx.dir.path().join("b.db");
    std::fs::write(&existing, b"x").unwrap();
    assert_eq!(backup::backup_to(&fx.db, &existing).unwrap_err().code(), ErrorCode::BackupExists);
    let not_db = fx.dir.path().join("notes.txt");
    std::fs::write(&not_db, "hello".repeat(1000)).unwrap();
    assert_eq!(backup::restore(&fx.dir.path().join("x.db"), &not_db, &fx.keys, None).unwrap_err().code(), ErrorCode::BackupInvalid);
    let other_sqlite = fx.dir.path().join("other.sqlite");
    rusqlite::Connection::open(&other_sqlite).unwrap().execute_batch("CREATE TABLE t (x);").unwrap();
    assert_eq!(backup::check_file(&other_sqlite, None).unwrap_err().code(), ErrorCode::BackupInvalid);
}

// ---- automatic backups into a folder, status, restore in the app ----

use gatehouse::backup::{BackupWarning, Trigger};
use gatehouse::site::{self, DataSettings};
use gatehouse::ErrorKind;

fn set_folder(fx: &Fixture, folder: &std::path::Path, keep: u32) {
    let supervisor = fx.supervisor();
    site::update_data_settings(&fx.db, &supervisor, &DataSettings { retention_days: 180, backup_dir: folder.display().to_string(), backup_keep: keep })
        .unwrap();
}

fn names_in(folder: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn backup_now_writes_a_dated_checked_file_and_keeps_only_the_last_n_of_its_own() {
    let fx = Fixture::new();
    let usb = fx.dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    std::fs::write(usb.join("gatehouse-backup-notes.txt"), "not ours").unwrap();
    std::fs::write(usb.join("holiday-photos.db"), "not ours").unwrap();
    set_folder(&fx, &usb, 2);
    let supervisor = fx.supervisor();
    for minute in 0..3 {
        fx.clock.set_ms(crate::util::T0_MS + minute * 60_000);
        let report = backup::backup_now(&fx.db, &supervisor).unwrap();
        assert!(report.records > 0);
    }
    assert_eq!(
        names_in(&usb),
        vec!["gatehouse-backup-20261128-100100.db", "gatehouse-backup-20261128-100200.db", "gatehouse-backup-notes.txt", "holiday-photos.db"],
        "the oldest of Gatehouse's backups beyond 2 is gone; other files are untouched"
    );
    assert!(backup::check_file(&usb.join("gatehouse-backup-20261128-100200.db"), Some(&fx.keys.load().unwrap())).is_ok());
    let listed = backup::list_backups(&fx.db, &supervisor).unwrap();
    assert_eq!(listed.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), vec!["gatehouse-backup-20261128-100200.db", "gatehouse-backup-20261128-100100.db"]);
    let status = backup::status(&fx.db).unwrap();
    let last = status.last.unwrap();
    assert!(last.ok && last.trigger == Trigger::Manual && last.by == "王主管");
    assert_eq!(status.warning, None);
}

#[test]
fn backups_older_than_the_retention_period_are_deleted_however_many_are_kept() {
    let fx = Fixture::new();
    let usb = fx.dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let supervisor = fx.supervisor();
    site::update_data_settings(&fx.db, &supervisor, &DataSettings { retention_days: 30, backup_dir: usb.display().to_string(), backup_keep: 365 }).unwrap();
    const DAY: i64 = 86_400_000;
    for day in [0, 20, 45] {
        fx.clock.set_ms(crate::util::T0_MS + day * DAY);
        backup::backup_now(&fx.db, &supervisor).unwrap();
    }
    assert_eq!(
        names_in(&usb),
        vec!["gatehouse-backup-20261218-100000.db", "gatehouse-backup-20270112-100000.db"],
        "the day-0 backup is 45 days old: past the 30-day retention, it goes although 365 may be kept"
    );
    // The app's timer dates its purge run; then the clock jumps far ahead (issue 15). The
    // new backup is written, but rotation pauses: it would delete every good backup as "old".
    gatehouse::retention::purge_due(&fx.db).unwrap();
    fx.clock.set_ms(crate::util::T0_MS + 400 * DAY);
    backup::backup_now(&fx.db, &supervisor).unwrap();
    assert_eq!(names_in(&usb), vec!["gatehouse-backup-20261218-100000.db", "gatehouse-backup-20270112-100000.db", "gatehouse-backup-20280102-100000.db"]);
    // Set back a day behind what was recorded: paused too.
    fx.clock.set_ms(crate::util::T0_MS + 399 * DAY);
    backup::backup_now(&fx.db, &supervisor).unwrap();
    assert_eq!(names_in(&usb).len(), 4);
    // Once a supervisor confirms the date, rotation goes by it again; the newest always stays.
    fx.clock.set_ms(crate::util::T0_MS + 400 * DAY + 60_000);
    fx.confirm_date();
    backup::backup_now(&fx.db, &supervisor).unwrap();
    assert_eq!(
        names_in(&usb),
        vec!["gatehouse-backup-20280101-100000.db", "gatehouse-backup-20280102-100000.db", "gatehouse-backup-20280102-100100.db"],
        "the two of 2026-27 are past the 30 days"
    );
}

#[test]
fn only_a_supervisor_backs_up_on_demand_or_stages_a_restore() {
    let fx = Fixture::new();
    let usb = fx.dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    set_folder(&fx, &usb, 7);
    let guard = fx.guard();
    assert_eq!(backup::backup_now(&fx.db, &guard).unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(backup::stage_restore(&fx.db, &guard, &fx.keys, &usb.join("x.db"), None).unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(backup::list_backups(&fx.db, &guard).unwrap_err().kind(), ErrorKind::Forbidden);
}

#[test]
fn the_automatic_backup_runs_once_per_duty_day_and_the_dashboard_warns_when_it_should() {
    let fx = Fixture::new();
    assert_eq!(backup::status(&fx.db).unwrap().warning, Some(BackupWarning::NoFolder));
    assert!(backup::backup_if_due(&fx.db).unwrap().is_none(), "no folder: nothing to do");
    let usb = fx.dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    set_folder(&fx, &usb, 7);
    assert_eq!(backup::status(&fx.db).unwrap().warning, Some(BackupWarning::Overdue), "a folder but no backup yet");

    assert!(backup::backup_if_due(&fx.db).unwrap().unwrap().is_ok());
    fx.clock.set_ms(crate::util::T0_MS + 5 * 3_600_000);
    assert!(backup::backup_if_due(&fx.db).unwrap().is_none(), "one per duty day");
    assert_eq!(names_in(&usb).len(), 1);
    let status = backup::status(&fx.db).unwrap();
    assert_eq!((status.warning, status.last.as_ref().map(|a| a.trigger)), (None, Some(Trigger::Automatic)));

    // The next duty day the USB drive is not plugged in: the failure is recorded and shown.
    std::fs::remove_dir_all(&usb).unwrap();
    fx.clock.set_ms(crate::util::T0_MS + 24 * 3_600_000);
    let failed = backup::backup_if_due(&fx.db).unwrap().unwrap().unwrap_err();
    assert_eq!((failed.code(), failed.field()), (ErrorCode::BackupFolderMissing, Some("backup_dir")));
    let status = backup::status(&fx.db).unwrap();
    assert_eq!(status.warning, Some(BackupWarning::LastFailed));
    assert_eq!(status.last.unwrap().error_code.as_deref(), Some("backup_folder_missing"));
    fx.clock.set_ms(crate::util::T0_MS + 24 * 3_600_000 + 10 * 60_000);
    assert!(backup::backup_if_due(&fx.db).unwrap().is_none(), "a failed attempt is retried after an hour, not on every tick");

    // Plugged in again: the next try succeeds; a day and more without one is overdue.
    std::fs::create_dir_all(&usb).unwrap();
    fx.clock.set_ms(crate::util::T0_MS + 25 * 3_600_000 + 60_000);
    assert!(backup::backup_if_due(&fx.db).unwrap().unwrap().is_ok());
    assert_eq!(backup::status(&fx.db).unwrap().warning, None);
    fx.clock.set_ms(crate::util::T0_MS + 52 * 3_600_000);
    assert_eq!(backup::status(&fx.db).unwrap().warning, Some(BackupWarning::Overdue));
}

#[test]
fn bad_backup_folders_are_refused_naming_backup_dir_and_nothing_is_saved() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let try_folder = |folder: &str| {
        site::update_data_settings(&fx.db, &supervisor, &DataSettings { retention_days: 180, backup_dir: folder.into(), backup_keep: 7 }).unwrap_err()
    };
    let missing = try_folder(&fx.dir.path().join("no-usb").display().to_string());
    assert_eq!((missing.code(), missing.field()), (ErrorCode::BackupFolderMissing, Some("backup_dir")));
    let file = fx.dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let under_a_file = try_folder(&file.join("sub").display().to_string());
    assert_eq!((under_a_file.code(), under_a_file.field()), (ErrorCode::BackupFolderNotWritable, Some("backup_dir")));
    let a_file = try_folder(&file.display().to_string());
    assert_eq!((a_file.code(), a_file.field()), (ErrorCode::BackupFolderNotWritable, Some("backup_dir")));
    let proc = try_folder("/proc");
    assert_eq!((proc.code(), proc.field()), (ErrorCode::BackupFolderNotWritable, Some("backup_dir")));
    let keep = site::update_data_settings(&fx.db, &supervisor, &DataSettings { retention_days: 180, backup_dir: String::new(), backup_keep: 0 }).unwrap_err();
    assert_eq!((keep.code(), keep.field()), (ErrorCode::OutOfRange, Some("backup_keep")));
    assert_eq!(site::data_settings(&fx.db).unwrap(), DataSettings { retention_days: 180, backup_dir: String::new(), backup_keep: 7 });
    let no_folder = backup::backup_now(&fx.db, &supervisor).unwrap_err();
    assert_eq!((no_folder.code(), no_folder.field()), (ErrorCode::BackupFolderNotSet, Some("backup_dir")));
}

#[test]
fn a_staged_restore_is_checked_then_applied_at_the_next_open_keeping_the_old_database() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let supervisor = fx.supervisor();
    visits::check_in(&fx.db, &guard, &visitor("张伟", 1)).unwrap();
    let file = fx.dir.path().join("b.db");
    backup::backup_to(&fx.db, &file).unwrap();
    visits::check_in(&fx.db, &guard, &visitor("李娜", 2)).unwrap();

    // Bad files: a clear error, nothing staged.
    let not_db = fx.dir.path().join("notes.txt");
    std::fs::write(&not_db, "hello".repeat(1000)).unwrap();
    let err = backup::stage_restore(&fx.db, &supervisor, &fx.keys, &not_db, None).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::BackupInvalid, Some("backup_file")));
    let missing = backup::stage_restore(&fx.db, &supervisor, &fx.keys, &fx.dir.path().join("gone.db"), None).unwrap_err();
    assert_eq!((missing.code(), missing.field()), (ErrorCode::BackupInvalid, Some("backup_file")));
    let mut damaged = std::fs::read(&file).unwrap();
    damaged[4096..4096 * 3].fill(0xAB);
    let damaged_file = fx.dir.path().join("damaged.db");
    std::fs::write(&damaged_file, damaged).unwrap();
    assert!(backup::stage_restore(&fx.db, &supervisor, &fx.keys, &damaged_file, None).is_err());
    assert!(!backup::staged_restore_path(&fx.path()).exists());

    let staged = backup::stage_restore(&fx.db, &supervisor, &fx.keys, &file, None).unwrap();
    assert!(staged.records > 0);
    assert!(backup::staged_restore_path(&fx.path()).is_file());

    // The app restarts: the staged file is applied before the database is opened.
    let Fixture { dir, db, clock, keys } = fx;
    drop(db);
    let path = dir.path().join("gatehouse.db");
    let applied = backup::apply_staged_restore(&path, &keys).unwrap().unwrap();
    assert!(applied.kept.as_ref().unwrap().is_file(), "the replaced database is kept beside it");
    assert!(!backup::staged_restore_path(&path).exists());
    let db = Db::open(&path, clock, &keys).unwrap();
    backup::record_restore(&db, &applied).unwrap();
    let names: Vec<String> = db.read(|c| Ok(c.prepare("SELECT name FROM visit")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)).unwrap();
    assert_eq!(names, vec!["张伟".to_string()]);
    assert!(db.read(gatehouse::audit::verify).unwrap().is_ok());
    assert!(backup::apply_staged_restore(&path, &keys).unwrap().is_none(), "nothing staged: nothing to do");
}

#[test]
fn a_database_changed_behind_the_apps_back_is_a_tamper_alarm_not_a_bad_drive() {
    let fx = Fixture::new();
    let usb = fx.dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    set_folder(&fx, &usb, 7);
    fx.sqlite("UPDATE site SET gate_name = '后门' WHERE id = 1");
    let err = backup::backup_now(&fx.db, &fx.supervisor()).unwrap_err();
    assert_eq!((err.kind(), err.code(), err.field()), (ErrorKind::Tampered, gatehouse::ErrorCode::Tampered, None), "{err}");
    assert!(names_in(&usb).is_empty(), "no copy of a database that does not verify is kept");
    let last = backup::status(&fx.db).unwrap().last.unwrap();
    assert!(!last.ok && last.error_code.as_deref() == Some("tampered"), "{last:?}");
}
