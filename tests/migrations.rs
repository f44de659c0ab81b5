//! Schema migrations: every migration applies to an empty database and re-opening is a no-op.

use gatehouse::{Clock, Db};

#[test]
fn all_migrations_apply_to_an_empty_database_and_reopen_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.db");
    drop(Db::open(&path, Clock::fixed(0)).unwrap());
    let version: i64 = rusqlite::Connection::open(&path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")).unwrap().count() as i64;
    assert_eq!(version, files);
    let db = Db::open(&path, Clock::fixed(0)).unwrap();
    let tables: i64 = db.read(|c| Ok(c.query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'audit_event'", [], |r| r.get(0))?)).unwrap();
    assert_eq!(tables, 1);
}

#[test]
fn a_database_from_a_newer_release_is_refused_not_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    drop(Db::open(&path, Clock::fixed(0)).unwrap());
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", 999).unwrap();
    let err = Db::open(&path, Clock::fixed(0)).err().expect("a newer schema is refused");
    assert_eq!(err.kind(), gatehouse::ErrorKind::Storage);
}
