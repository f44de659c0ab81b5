//! Storage faults: a full disk, a database locked by another program, a file that is not
//! a database, a read-only database file. Each is a clear `Storage` error that says what to
//! do, and nothing saved before is lost.

use gatehouse::visits::{self, NewVisit};
use gatehouse::{Clock, Db, ErrorCode, ErrorKind};

use crate::util::{valid_id, Fixture};

fn visitor(seq: u32) -> NewVisit {
    NewVisit { name: "张伟".into(), id_number: valid_id("19900307", seq), host: "陈老师".into(), purpose: "面试".into(), ..Default::default() }
}

#[test]
fn a_full_disk_is_a_clear_error_and_earlier_visits_stay() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let kept = visits::check_in(&fx.db, &guard, &visitor(1)).unwrap();
    // The database may not grow by one more page: what a full disk looks like to SQLite.
    fx.db
        .read(|c| {
            let pages: i64 = c.query_row("PRAGMA page_count", [], |r| r.get(0))?;
            c.pragma_update(None, "max_page_count", pages)?;
            Ok(())
        })
        .unwrap();
    let mut error = None;
    for seq in 2..400 {
        if let Err(err) = visits::check_in(&fx.db, &guard, &visitor(seq)) {
            error = Some(err);
            break;
        }
    }
    let err = error.expect("the database fills up");
    assert_eq!((err.kind(), err.code()), (ErrorKind::Storage, ErrorCode::StorageFull));
    assert!(err.message().contains("disk is full"), "{err}");
    let on_site = visits::list_on_site(&fx.db, &guard).unwrap();
    assert!(on_site.iter().any(|v| v.id == kept.id));
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok(), "a failed write leaves the chain whole");
}

#[test]
fn a_database_locked_by_another_program_is_busy_not_lost() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let other = fx.conn();
    other.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    let err = visits::check_in(&fx.db, &guard, &visitor(1)).unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Storage, ErrorCode::StorageBusy));
    other.execute_batch("COMMIT;").unwrap();
    visits::check_in(&fx.db, &guard, &visitor(1)).expect("works again once the other program lets go");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_at_start_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gatehouse.db");
    let garbage = b"this is not an SQLite database, it is a stray text file. ".repeat(200);
    std::fs::write(&path, &garbage).unwrap();
    let err = Db::open(&path, Clock::fixed(0), &crate::util::keys_in(dir.path())).err().expect("refused");
    assert_eq!((err.kind(), err.code()), (ErrorKind::Storage, ErrorCode::StorageCorrupt));
    assert!(err.to_string().contains("restore the latest backup"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), garbage, "the file is not overwritten");
}

/// Runs `gatehouse --db PATH ARGS` as user 65534 (nobody), to whom the file's mode applies.
/// `stress --visits 1` opens the database exactly as the app does (`Db::open`), then writes.
/// Returns (exit code, stdout, stderr).
#[cfg(unix)]
fn cli_as_unprivileged(dir: &std::path::Path, path: &std::path::Path, keys: &gatehouse::KeyFile, args: &[&str]) -> (Option<i32>, String, String) {
    use std::os::unix::fs::PermissionsExt;
    // The build dir may not be reachable for that user: run a copy from the test's own dir.
    let bin = dir.join("gatehouse-cli");
    if !bin.exists() {
        std::fs::copy(env!("CARGO_BIN_EXE_gatehouse"), &bin).unwrap();
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // That user's own copy of the key file (a key file is private to its owner).
    let key_file = dir.join("nobody.key");
    if !key_file.exists() {
        std::fs::copy(keys.path(), &key_file).unwrap();
        std::os::unix::fs::chown(&key_file, Some(65534), Some(65534)).unwrap();
    }
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .arg("--db")
        .arg(path)
        .args(args)
        .env_remove("GATEHOUSE_DB")
        .env("GATEHOUSE_KEY_FILE", &key_file)
        .output()
        .expect("run setpriv (util-linux)");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

const STRESS_ONE: [&str; 5] = ["stress", "--visits", "1", "--pin", crate::util::SUPERVISOR_PIN];

#[test]
#[cfg(unix)]
fn a_read_only_database_file_is_refused_at_start_with_what_to_do_and_left_alone() {
    use std::os::unix::fs::PermissionsExt;
    let fx = Fixture::new();
    let guard = fx.guard();
    // Marked as a stress check-in: `stress` below refuses a database with a real visitor.
    let kept = visits::check_in(&fx.db, &guard, &NewVisit { purpose: gatehouse::demo::STRESS_MARK.into(), ..visitor(1) }).unwrap();
    let path = fx.path();
    let dir = fx.dir.path().to_path_buf();
    let keys = fx.keys.clone();
    drop(fx.db);
    let before = std::fs::read(&path).unwrap();
    // The folder stays writable for everyone: only the file itself is read-only, which is
    // the case SQLite hides (it opens such a file read-only without an error).
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();

    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // root writes any file whatever its mode: ask as a user the mode applies to.
        let (code, stdout, stderr) = cli_as_unprivileged(&dir, &path, &keys, &STRESS_ONE);
        assert_eq!(code, Some(1), "stdout {stdout:?} stderr {stderr:?}");
        assert!(stdout.trim().is_empty(), "a visit was reported saved: {stdout:?}");
        assert!(stderr.contains("is read-only") && stderr.contains("write-protected"), "{stderr}");
        // A write-protected copy can still be checked.
        let (code, stdout, stderr) = cli_as_unprivileged(&dir, &path, &keys, &["verify"]);
        assert_eq!(code, Some(0), "stdout {stdout:?} stderr {stderr:?}");
        assert!(stdout.starts_with("ok"), "{stdout}");
        for leftover in ["gatehouse.db-wal", "gatehouse.db-shm"] {
            assert!(!dir.join(leftover).exists(), "verify left {leftover} behind");
        }
    } else {
        let err = Db::open(&path, Clock::fixed(0), &keys).err().expect("refused");
        assert_eq!((err.kind(), err.code()), (ErrorKind::Storage, ErrorCode::DatabaseReadOnly));
        assert!(err.message().contains("write-protected"), "{err}");
        let db = Db::open_read_only(&path, Clock::fixed(0), &keys).expect("a read-only copy opens for reading");
        assert!(db.read(gatehouse::audit::verify).unwrap().is_ok());
    }
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file is not changed");

    // Once the file may be written again, the same start works and nothing is lost.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
    if unsafe { libc::geteuid() } == 0 {
        let (code, stdout, stderr) = cli_as_unprivileged(&dir, &path, &keys, &STRESS_ONE);
        assert_eq!(code, Some(0), "stdout {stdout:?} stderr {stderr:?}");
        assert_eq!(stdout.lines().count(), 1, "{stdout:?}");
    }
    let db = Db::open(&path, Clock::fixed(crate::util::T0_MS), &keys).unwrap();
    let supervisor = {
        let mut session = gatehouse::session::Session::new();
        let id = gatehouse::guards::list_login_guards(&db).unwrap().into_iter().find(|g| g.name == "王主管").unwrap().id;
        session.log_in(&db, id, crate::util::SUPERVISOR_PIN).unwrap();
        session.actor(&db).unwrap()
    };
    assert!(visits::list_on_site(&db, &supervisor).unwrap().iter().any(|v| v.id == kept.id), "the earlier visit is still there");
    assert!(db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn a_database_that_turns_read_only_while_open_fails_the_write_clearly_and_keeps_what_was_saved() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let kept = visits::check_in(&fx.db, &guard, &visitor(1)).unwrap();
    // What SQLite reports when the file or its drive stops accepting writes under an open
    // connection (a permission change does not reach an open descriptor, so simulate the
    // SQLITE_READONLY answer itself).
    fx.db.read(|c| Ok(c.pragma_update(None, "query_only", true)?)).unwrap();
    let err = visits::check_in(&fx.db, &guard, &visitor(2)).unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Storage, ErrorCode::StorageReadOnly), "{err}");
    assert!(err.message().contains("permissions"), "{err}");
    // Reading still works: the desk can see who is on site.
    let on_site = visits::list_on_site(&fx.db, &guard).unwrap();
    assert_eq!(on_site.iter().map(|v| v.id).collect::<Vec<_>>(), vec![kept.id]);
    fx.db.read(|c| Ok(c.pragma_update(None, "query_only", false)?)).unwrap();
    visits::check_in(&fx.db, &guard, &visitor(2)).expect("works again once writes are allowed");
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}
