//! Storage faults: a full disk, a database locked by another program, a file that is not
//! a database. Each is a clear `Storage` error, and nothing saved before is lost.

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
    let other = rusqlite::Connection::open(fx.path()).unwrap();
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
    let err = Db::open(&path, Clock::fixed(0)).err().expect("refused");
    assert_eq!((err.kind(), err.code()), (ErrorKind::Storage, ErrorCode::StorageCorrupt));
    assert!(err.to_string().contains("restore the latest backup"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), garbage, "the file is not overwritten");
}
