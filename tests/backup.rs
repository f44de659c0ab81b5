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
    backup::restore(&elsewhere, &file).unwrap();
    let restored = Db::open(&elsewhere, Clock::fixed(crate::util::T0_MS)).unwrap();
    let names: Vec<String> = restored.read(|c| Ok(c.prepare("SELECT name FROM visit")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)).unwrap();
    assert_eq!(names, vec!["张伟".to_string()]);
    assert!(restored.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn restoring_over_a_database_keeps_the_old_one_and_is_refused_while_the_app_runs() {
    let fx = Fixture::new();
    let file = fx.dir.path().join("backup.db");
    backup::backup_to(&fx.db, &file).unwrap();
    let lock = backup::lock_for_app(&fx.path()).unwrap();
    assert_eq!(backup::restore(&fx.path(), &file).unwrap_err().code(), ErrorCode::StorageBusy);
    drop(lock);
    backup::restore(&fx.path(), &file).unwrap();
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
    assert_eq!(backup::restore(&fx.dir.path().join("x.db"), &not_db).unwrap_err().code(), ErrorCode::BackupInvalid);
    let other_sqlite = fx.dir.path().join("other.sqlite");
    rusqlite::Connection::open(&other_sqlite).unwrap().execute_batch("CREATE TABLE t (x);").unwrap();
    assert_eq!(backup::check_file(&other_sqlite).unwrap_err().code(), ErrorCode::BackupInvalid);
}
