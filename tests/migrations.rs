//! Schema migrations: every migration applies to an empty database and re-opening is a no-op.

use gatehouse::{Clock, Db};

use crate::util::{keys_in, raw};

#[test]
fn all_migrations_apply_to_an_empty_database_and_reopen_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.db");
    let keys = keys_in(dir.path());
    drop(Db::open(&path, Clock::fixed(0), &keys).unwrap());
    let version: i64 = raw(&path, &keys).query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")).unwrap().count() as i64;
    assert_eq!(version, files);
    let db = Db::open(&path, Clock::fixed(0), &keys).unwrap();
    let tables: i64 =
        db.read(|c| Ok(c.query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'audit_event'", [], |r| r.get(0))?)).unwrap();
    assert_eq!(tables, 1);
}

#[test]
fn a_database_from_a_newer_release_is_refused_not_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    let keys = keys_in(dir.path());
    drop(Db::open(&path, Clock::fixed(0), &keys).unwrap());
    raw(&path, &keys).pragma_update(None, "user_version", 999).unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Db::open(&path, Clock::fixed(0), &keys).err().expect("a newer schema is refused");
    assert_eq!((err.kind(), err.code()), (gatehouse::ErrorKind::Storage, gatehouse::ErrorCode::SchemaNewer));
    assert!(err.to_string().contains("newer Gatehouse"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file is left as it was");
}

/// `tests/fixtures/schema-0001.db` was written by the first release's code (schema 1, a
/// plaintext file): a site, two guards, two visits (one checked out). The first open
/// encrypts it in place and migrates it; every record is kept and the chain still
/// verifies, before and after new writes.
#[test]
fn a_database_from_the_first_release_is_encrypted_migrates_and_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-0001.db"), &path).unwrap();
    assert!(std::fs::read(&path).unwrap().starts_with(b"SQLite format 3\0"), "the fixture is plaintext");
    let keys = keys_in(dir.path());
    let db = Db::open(&path, Clock::fixed(1_795_831_200_000 + 3_600_000), &keys).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"), "encrypted in place");
    assert!(!bytes.windows("李娜".len()).any(|w| w == "李娜".as_bytes()), "no visitor name in the encrypted file");
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("plaintext") || n.contains("encrypting"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let plain = rusqlite::Connection::open(&path).unwrap();
    assert!(plain.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_err(), "plain SQLite cannot read it");
    let report = db.read(gatehouse::audit::verify).unwrap().expect("old records verify after migrating");
    assert_eq!(report.records, 5);
    // Schema 10 took the PIN hash out of the guard's snapshot: one event per guard re-snapshots
    // it with the hash's digest (the old events keep the old hashes: a chain is not rewritten).
    let count = |db: &Db, sql: &str| -> i64 { db.read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?)).unwrap() };
    assert_eq!(count(&db, "SELECT count(*) FROM audit_event WHERE action = 'guard_pin_committed'"), 2);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM audit_event WHERE action = 'guard_pin_committed' AND body NOT LIKE '%$argon2%' AND body LIKE '%\"pin_hash_sha256\":\"%'"
        ),
        2
    );
    drop(db);
    let db = Db::open(&path, Clock::fixed(1_795_831_200_000 + 3_600_000), &keys).unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM audit_event WHERE action = 'guard_pin_committed'"), 2, "once only");

    let mut session = gatehouse::session::Session::new();
    let guard_id = gatehouse::guards::list_login_guards(&db).unwrap().into_iter().find(|g| g.name == "李保安").unwrap().id;
    session.log_in(&db, guard_id, "135790").unwrap();
    // The first release hashed with 19 MiB and 2 passes: the good PIN upgraded it.
    let hash: String = db.read(|c| Ok(c.query_row("SELECT pin_hash FROM guard WHERE id = ?1", [guard_id], |r| r.get(0))?)).unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=65536,t=3,p=1$"), "{hash}");
    assert_eq!(count(&db, "SELECT count(*) FROM audit_event WHERE action = 'pin_rehashed'"), 1);
    let guard = session.actor(&db).unwrap();
    let on_site = gatehouse::visits::list_on_site(&db, &guard).unwrap();
    assert_eq!(on_site.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), vec!["李娜"]);
    assert_eq!(on_site[0].doc_type, gatehouse::validate::document::DocType::ResidentId);
    let check_out = gatehouse::visits::CheckOut { visit_id: on_site[0].id, ..Default::default() };
    gatehouse::visits::check_out(&db, &guard, &check_out).unwrap();
    assert!(db.read(gatehouse::audit::verify).unwrap().is_ok());
}

/// A first-release database whose guard row was changed behind the app's back before the
/// upgrade: the schema-10 fix-up leaves that guard alone (a fresh snapshot would launder the
/// change), so `verify` still names it; the untouched guard is re-snapshotted as usual.
#[test]
fn a_pin_hash_swapped_in_an_old_database_is_not_laundered_by_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-0001.db"), &path).unwrap();
    rusqlite::Connection::open(&path) // still plaintext: encrypted at the first open below
        .unwrap()
        .execute_batch("UPDATE guard SET pin_hash = (SELECT pin_hash FROM guard WHERE name = '王主管') WHERE name = '李保安'")
        .unwrap();
    let keys = keys_in(dir.path());
    let db = Db::open(&path, Clock::fixed(1_795_831_200_000 + 3_600_000), &keys).unwrap();
    let problem = db.read(gatehouse::audit::verify).unwrap().expect_err("the swap is caught");
    assert!(problem.record.starts_with("guard ") && problem.record.ends_with("(id 2)") && problem.reason.contains("`pin_hash"), "{problem}");
    let committed: Vec<String> = db
        .read(|c| {
            Ok(c.prepare("SELECT entity_uid FROM audit_event WHERE action = 'guard_pin_committed'")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    let supervisor_uid: String = db.read(|c| Ok(c.query_row("SELECT uid FROM guard WHERE id = 1", [], |r| r.get(0))?)).unwrap();
    assert_eq!(committed, vec![supervisor_uid]);
}

/// `tests/fixtures/schema-0008.db` was written by the release before pass-key distrust
/// (schema 8) with its CLI: `init` (示例学校 / 东门 / 王主管, PIN 246810) and one `pass issue`
/// (张伟, gate 1, 2026-12-01 to 2027-01-31), which made the signing key. Its key events lack
/// the distrust columns; after migrating they read as NULL, the chain verifies, the pass
/// still checks valid, and a distrust on top verifies too.
#[test]
fn a_database_from_before_key_distrust_migrates_and_its_key_and_pass_still_verify() {
    use gatehouse::passes::{self, keys, scan};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema8.db");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-0008.db"), &path).unwrap();
    let db = Db::open(&path, Clock::fixed(1_796_436_000_000), &keys_in(dir.path())).unwrap(); // 2026-12-05 10:00 +08:00, encrypted in place first
    db.read(gatehouse::audit::verify).unwrap().expect("old records verify after migrating");

    let mut session = gatehouse::session::Session::new();
    let id = gatehouse::guards::list_login_guards(&db).unwrap().into_iter().find(|g| g.name == "王主管").unwrap().id;
    session.log_in(&db, id, "246810").unwrap();
    let supervisor = session.actor(&db).unwrap();
    let pass = passes::list(&db, &supervisor, "").unwrap().pop().expect("the fixture's pass");
    let code = passes::card(&db, &supervisor, pass.id).unwrap().code;
    assert_eq!(scan::check(&db, &code, scan::Direction::In, Some(1), None).unwrap().outcome, scan::Outcome::Valid);
    let key = keys::list(&db, &supervisor).unwrap().pop().expect("the fixture's key");
    assert_eq!((key.distrusted_at_ms, key.distrust_reason.as_str()), (None, ""));

    keys::distrust(&db, &supervisor, key.key_id, "迁移后停用").unwrap();
    assert_eq!(scan::check(&db, &code, scan::Direction::In, Some(1), None).unwrap().outcome, scan::Outcome::KeyDistrusted);
    assert!(db.read(gatehouse::audit::verify).unwrap().is_ok());
}

/// `tests/fixtures/schema-0014.db` was written by the release before schema 15 (schema 14,
/// decrypted to a plaintext file with `sqlcipher_export`): `init` (示例学校 / 东门 / 王主管,
/// PIN 246810), guard 李保安 (PIN 135790), passes for 张伟 and 李娜 (李娜's revoked), four
/// scans (张伟 in; 李娜 refused, then let in by the supervisor; a malformed code), and three
/// watchlist entries (赵六 with an ID number, a plate, 钱七 disabled), all at 2026-11-28 10:00.
/// Their snapshots hold the holder hints, names and ID numbers in clear.
fn schema_14_copy(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("schema14.db");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-0014.db"), &path).unwrap();
    path
}

const AFTER_SCHEMA_14_MS: i64 = 1_795_831_200_000 + 86_400_000;

fn column<T: rusqlite::types::FromSql>(db: &Db, sql: &str) -> Vec<T> {
    db.read(|c| Ok(c.prepare(sql)?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)).unwrap()
}

/// Schema 16 takes the holder hint and the watchlist's names and ID numbers out of the
/// snapshots: an upgraded database gets one event per row with the commitment instead, once,
/// verifies, and a retention purge on it verifies too.
#[test]
fn an_upgraded_database_commits_scan_hints_and_watchlist_names_once_and_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = schema_14_copy(dir.path());
    let keys = keys_in(dir.path());
    let clock = Clock::fixed(AFTER_SCHEMA_14_MS);
    let db = Db::open(&path, clock.clone(), &keys).unwrap();
    db.read(gatehouse::audit::verify).unwrap().expect("the upgraded database verifies");
    let committed = |db: &Db| column::<String>(db, "SELECT action FROM audit_event WHERE action LIKE '%pii_committed' ORDER BY seq");
    let mut expected = vec!["pass_scan_pii_committed"; 4];
    expected.extend(["watchlist_pii_committed"; 3]);
    expected.sort();
    let mut actions = committed(&db);
    actions.sort();
    assert_eq!(actions, expected);
    let new_bodies = column::<String>(&db, "SELECT body FROM audit_event WHERE action LIKE '%pii_committed'");
    for needle in ["张伟", "李娜", "赵六", "钱七", "zhao liu", "110101198001010"] {
        assert!(new_bodies.iter().all(|b| !b.contains(needle)), "{needle} in a new event");
    }
    assert_eq!(column::<i64>(&db, "SELECT count(*) FROM pass_scan WHERE pii_salt IS NULL OR pii_commitment IS NULL"), vec![0]);
    assert_eq!(column::<i64>(&db, "SELECT count(*) FROM watchlist WHERE pii_salt IS NULL OR pii_commitment IS NULL"), vec![0]);
    drop(db);
    let db = Db::open(&path, clock.clone(), &keys).unwrap();
    assert_eq!(committed(&db).len(), 7, "once only");

    // The scans and entries work as before; a purge a year on verifies.
    let watch = gatehouse::watchlist::ScreenQuery { name: Some("赵六".into()), ..Default::default() };
    let mut session = gatehouse::session::Session::new();
    let id = gatehouse::guards::list_login_guards(&db).unwrap().into_iter().find(|g| g.name == "王主管").unwrap().id;
    session.log_in(&db, id, "246810").unwrap();
    let supervisor = session.actor(&db).unwrap();
    assert_eq!(gatehouse::watchlist::screen(&db, &supervisor, &watch).unwrap().hits.len(), 1);
    clock.set_ms(AFTER_SCHEMA_14_MS + 400 * 86_400_000);
    let report = gatehouse::retention::purge_due(&db).unwrap();
    assert_eq!((report.passes, report.pass_scans), (2, 4));
    assert_eq!(column::<i64>(&db, "SELECT count(*) FROM pass_scan WHERE holder_hint IS NULL"), vec![4]);
    db.read(gatehouse::audit::verify).unwrap().expect("verifies after the purge");
}

/// A scan row and a watchlist entry changed behind the app before the upgrade are not given
/// a commitment (that would launder the change): `verify` still reports them; the others are
/// committed as usual.
#[test]
fn a_scan_or_watchlist_entry_changed_before_the_upgrade_is_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = schema_14_copy(dir.path());
    let plain = rusqlite::Connection::open(&path).unwrap(); // still plaintext: encrypted at the first open below
    crate::util::without_triggers(&plain, |c| c.execute_batch("UPDATE pass_scan SET holder_hint = '王五' WHERE id = 1").unwrap());
    drop(plain);
    let keys = keys_in(dir.path());
    let db = Db::open(&path, Clock::fixed(AFTER_SCHEMA_14_MS), &keys).unwrap();
    let problem = db.read(gatehouse::audit::verify).unwrap().expect_err("the changed hint is caught");
    assert!(problem.record.starts_with("pass_scan ") && problem.record.ends_with("(id 1)") && problem.reason.contains("`holder_hint`"), "{problem}");
    assert_eq!(column::<i64>(&db, "SELECT id FROM pass_scan WHERE pii_commitment IS NULL"), vec![1]);
    assert_eq!(column::<i64>(&db, "SELECT count(*) FROM pass_scan WHERE pii_commitment IS NOT NULL"), vec![3]);
    drop(db);

    let dir = tempfile::tempdir().unwrap();
    let path = schema_14_copy(dir.path());
    rusqlite::Connection::open(&path).unwrap().execute_batch("UPDATE watchlist SET id_number = NULL WHERE name = '赵六'").unwrap();
    let db = Db::open(&path, Clock::fixed(AFTER_SCHEMA_14_MS), &keys_in(dir.path())).unwrap();
    let problem = db.read(gatehouse::audit::verify).unwrap().expect_err("the changed entry is caught");
    assert!(problem.record.starts_with("watchlist ") && problem.reason.contains("`id_number`"), "{problem}");
    assert_eq!(column::<String>(&db, "SELECT name FROM watchlist WHERE pii_commitment IS NULL"), vec!["赵六".to_string()]);
}
