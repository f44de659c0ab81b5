//! Secrets at rest: the database, its WAL and every backup are encrypted with the key file's
//! key; a missing or wrong key is a clear error that changes nothing; a backup restores on a
//! new PC with the recovery key; hostile or foreign files are refused.

use gatehouse::backup;
use gatehouse::visits::{self, NewVisit};
use gatehouse::{Clock, DatabaseKey, Db, ErrorCode, KeyFile};

use crate::util::{keys_in, raw, valid_id, without_triggers, Fixture, T0_MS};

fn visitor(name: &str, seq: u32) -> NewVisit {
    NewVisit {
        name: name.into(),
        id_number: valid_id("19900307", seq),
        phone: Some("13812345678".into()),
        host: "陈老师".into(),
        purpose: "面试".into(),
        ..Default::default()
    }
}

fn contains(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// What plain SQLite (no key) makes of a file: it must not read a single table name.
fn plain_sqlite_reads(path: &std::path::Path) -> bool {
    rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)))
        .is_ok()
}

#[test]
fn no_name_id_number_phone_or_site_name_is_in_the_database_its_wal_or_a_backup() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    gatehouse::demo::generate(&fx.db, &supervisor, 300, 20, 7).unwrap();
    let guard = fx.guard();
    visits::check_in(&fx.db, &guard, &visitor("欧阳娜娜", 1)).unwrap();
    let backup_file = fx.dir.path().join("usb.db");
    backup::backup_to(&fx.db, &backup_file).unwrap();

    // What must not be readable: every visitor's name, ID number and phone, and the site.
    let secrets: Vec<String> = fx
        .db
        .read(|c| {
            let mut stmt = c.prepare("SELECT name, id_number, phone FROM visit")?;
            let rows = stmt.query_map([], |r| Ok([r.get::<_, Option<String>>(0)?, r.get(1)?, r.get(2)?]))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.into_iter().flatten().flatten().filter(|s| s.len() >= 6).collect())
        })
        .unwrap();
    assert!(secrets.len() > 300, "demo data has names, ID numbers and phones ({})", secrets.len());
    let wal = fx.dir.path().join("gatehouse.db-wal");
    let files = [fx.path(), wal.clone(), backup_file.clone()];
    assert!(std::fs::metadata(&wal).unwrap().len() > 0, "the WAL holds the latest commits");
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for secret in secrets.iter().chain([&"示例学校".to_string(), &"欧阳娜娜".to_string()]) {
            assert!(!contains(&bytes, secret), "{secret:?} is readable in {}", file.display());
        }
    }
    assert!(!plain_sqlite_reads(&fx.path()), "plain SQLite opens the database");
    assert!(!plain_sqlite_reads(&backup_file), "plain SQLite opens the backup");
    // The stock sqlite3 tool too, where it is installed (make test installs it).
    if let Ok(out) = std::process::Command::new("sqlite3").arg(&backup_file).arg("SELECT count(*) FROM sqlite_master;").output() {
        assert!(!out.status.success(), "sqlite3 read the backup: {}", String::from_utf8_lossy(&out.stdout));
        assert!(String::from_utf8_lossy(&out.stderr).contains("not a database"), "{}", String::from_utf8_lossy(&out.stderr));
    }
    // With the key it is all there.
    let names: i64 = raw(&backup_file, &fx.keys).query_row("SELECT count(*) FROM visit WHERE name = '欧阳娜娜'", [], |r| r.get(0)).unwrap();
    assert_eq!(names, 1);
}

#[test]
fn a_missing_or_wrong_key_file_is_a_clear_error_and_the_database_is_left_alone() {
    let fx = Fixture::new();
    visits::check_in(&fx.db, &fx.guard(), &visitor("张伟", 1)).unwrap();
    let path = fx.path();
    let Fixture { dir, db, keys, .. } = fx;
    drop(db);
    let before = std::fs::read(&path).unwrap();

    let elsewhere = KeyFile::at(dir.path().join("other-home/.config/gatehouse/database.key"));
    let err = Db::open(&path, Clock::fixed(T0_MS), &elsewhere).err().expect("no key file: refused");
    assert_eq!(err.code(), ErrorCode::DatabaseKeyMissing);
    assert!(err.to_string().contains("recovery key"), "{err}");
    assert!(!elsewhere.exists(), "no new key is made for an existing database");

    let wrong = KeyFile::at(dir.path().join("wrong.key"));
    wrong.store(&DatabaseKey::generate()).unwrap();
    let err = Db::open(&path, Clock::fixed(T0_MS), &wrong).err().expect("another key: refused");
    assert_eq!(err.code(), ErrorCode::DatabaseKeyWrong);

    std::fs::write(wrong.path(), "0123").unwrap();
    assert_eq!(Db::open(&path, Clock::fixed(T0_MS), &wrong).err().unwrap().code(), ErrorCode::DatabaseKeyInvalid);
    // A key file others may read is refused where files have Unix modes.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::copy(keys.path(), wrong.path()).unwrap();
        std::fs::set_permissions(wrong.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(Db::open(&path, Clock::fixed(T0_MS), &wrong).err().unwrap().code(), ErrorCode::DatabaseKeyUnsafe);
    }

    assert_eq!(std::fs::read(&path).unwrap(), before, "the database is untouched");
    let db = Db::open(&path, Clock::fixed(T0_MS), &keys).expect("the right key still opens it");
    assert!(db.read(gatehouse::audit::verify).unwrap().is_ok());
}

/// A new PC: an empty data folder and no key file, only the USB backup and the recovery
/// sheet. Without the recovery key, or with another one, nothing happens.
#[test]
fn a_backup_restores_on_a_new_pc_only_with_the_recovery_key() {
    let fx = Fixture::new();
    visits::check_in(&fx.db, &fx.guard(), &visitor("张伟", 1)).unwrap();
    let usb = fx.dir.path().join("usb.db");
    backup::backup_to(&fx.db, &usb).unwrap();
    let recovery = backup::recovery_key(&fx.db, &fx.supervisor()).unwrap();

    let new_pc = tempfile::tempdir().unwrap();
    let new_keys = keys_in(new_pc.path());
    let new_db = new_pc.path().join("data/gatehouse.db");
    let err = backup::restore(&new_db, &usb, &new_keys, None).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::BackupNeedsRecoveryKey, Some("recovery_key")));
    let other = DatabaseKey::generate();
    let err = backup::restore(&new_db, &usb, &new_keys, Some(&other)).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::BackupOtherKey, Some("recovery_key")));
    assert!(err.to_string().contains("encrypted with another key"), "{err}");
    assert!(!new_db.exists() && !new_keys.exists(), "nothing was written");

    let key = DatabaseKey::parse_recovery(&recovery.to_lowercase()).unwrap();
    backup::restore(&new_db, &usb, &new_keys, Some(&key)).unwrap();
    assert_eq!(new_keys.load().unwrap(), fx.keys.load().unwrap(), "the recovery key became the key file");
    let db = Db::open(&new_db, Clock::fixed(T0_MS), &new_keys).unwrap();
    assert!(db.read(gatehouse::audit::verify).unwrap().is_ok());
    let names: Vec<String> = db.read(|c| Ok(c.prepare("SELECT name FROM visit")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)).unwrap();
    assert_eq!(names, vec!["张伟".to_string()]);
}

/// A replacement PC that already made its own key (the app was started once): the restore
/// with the recovery key keeps the new PC's empty database, re-encrypted with the site's key,
/// and the key file becomes the site's.
#[test]
fn restoring_with_the_recovery_key_over_another_key_keeps_the_replaced_database_readable() {
    let fx = Fixture::new();
    let usb = fx.dir.path().join("usb.db");
    backup::backup_to(&fx.db, &usb).unwrap();
    let site_key = fx.keys.load().unwrap();

    let new_pc = tempfile::tempdir().unwrap();
    let new_keys = keys_in(new_pc.path());
    let new_db = new_pc.path().join("gatehouse.db");
    drop(Db::open(&new_db, Clock::fixed(T0_MS), &new_keys).unwrap());
    assert_ne!(new_keys.load().unwrap(), site_key);
    backup::restore(&new_db, &usb, &new_keys, Some(&site_key)).unwrap();
    assert_eq!(new_keys.load().unwrap(), site_key);
    let kept = std::fs::read_dir(new_pc.path()).unwrap().flatten().map(|e| e.path()).find(|p| p.to_string_lossy().contains(".before-restore-")).unwrap();
    let version: i64 = raw(&kept, &new_keys).query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert!(version > 0, "the kept copy opens with the key file's key");
    assert!(!plain_sqlite_reads(&kept));
}

#[test]
fn a_backup_of_another_site_is_refused_and_nothing_changes() {
    let ours = Fixture::new();
    let theirs = Fixture::new();
    let usb = theirs.dir.path().join("theirs.db");
    backup::backup_to(&theirs.db, &usb).unwrap();
    // Their file does not open with our key.
    let err = backup::restore(&ours.dir.path().join("x.db"), &usb, &ours.keys, None).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::BackupNeedsRecoveryKey, Some("recovery_key")));
    // Even with their recovery key, it is not restored over our set-up site.
    let path = ours.path();
    let Fixture { dir: _dir, db, keys, .. } = ours;
    drop(db);
    let before = std::fs::read(&path).unwrap();
    let err = backup::restore(&path, &usb, &keys, Some(&theirs.keys.load().unwrap())).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::BackupOtherSite, Some("backup_file")));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!backup::staged_restore_path(&path).exists());
}

/// Our own backup, changed with the key by someone who knows the schema: each change of
/// structure is refused by name before anything is copied.
#[test]
fn hostile_backups_with_a_foreign_schema_or_a_newer_version_are_refused() {
    let fx = Fixture::new();
    let current = std::fs::read(fx.path()).unwrap();
    for (label, sql, expected) in [
        ("extra trigger", "CREATE TRIGGER steal AFTER INSERT ON visit BEGIN SELECT 1; END;", "extra trigger `steal` on `visit`"),
        ("extra view", "CREATE VIEW everyone AS SELECT name, id_number FROM visit;", "extra view `everyone`"),
        ("extra table", "CREATE TABLE notes (x);", "extra table `notes`"),
        ("changed table", "ALTER TABLE guard ADD COLUMN backdoor TEXT;", "table `guard` differs"),
    ] {
        let file = fx.dir.path().join(format!("{label}.db"));
        backup::backup_to(&fx.db, &file).unwrap();
        raw(&file, &fx.keys).execute_batch(sql).unwrap();
        let err = backup::restore(&fx.dir.path().join("target.db"), &file, &fx.keys, None).unwrap_err();
        assert_eq!((err.code(), err.field()), (ErrorCode::SchemaForeign, Some("backup_file")), "{label}: {err}");
        assert_eq!(err.params()["difference"], expected, "{label}");
    }
    let newer = fx.dir.path().join("newer.db");
    backup::backup_to(&fx.db, &newer).unwrap();
    raw(&newer, &fx.keys).pragma_update(None, "user_version", 99).unwrap();
    let err = backup::restore(&fx.dir.path().join("target.db"), &newer, &fx.keys, None).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::SchemaNewer, Some("backup_file")));
    assert!(!fx.dir.path().join("target.db").exists());
    assert_eq!(std::fs::read(fx.path()).unwrap(), current);
}

/// An extra supervisor written straight into a backup, with the chain recomputed so it
/// verifies, and a trigger added to hide the next change: the schema check refuses it.
#[test]
fn an_extra_supervisor_with_a_recomputed_chain_in_a_foreign_schema_is_refused() {
    let fx = Fixture::new();
    let file = fx.dir.path().join("forged.db");
    backup::backup_to(&fx.db, &file).unwrap();
    let conn = raw(&file, &fx.keys);
    without_triggers(&conn, |conn| {
        conn.execute_batch(
            "INSERT INTO guard (uid, name, role, pin_hash, active, created_at_ms) SELECT 'forged', '假主管', 'supervisor', pin_hash, 1, created_at_ms FROM guard LIMIT 1;
             CREATE TRIGGER keep_forged BEFORE DELETE ON guard BEGIN SELECT RAISE(IGNORE); END;",
        )
        .unwrap();
    });
    drop(conn);
    let err = backup::restore(&fx.dir.path().join("target.db"), &file, &fx.keys, None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::SchemaForeign, "{err}");
    assert!(err.params()["difference"].contains("keep_forged"), "{err}");
}

#[test]
fn a_database_whose_schema_was_changed_behind_the_app_is_refused_at_open() {
    let fx = Fixture::new();
    fx.sqlite("DROP TRIGGER audit_event_no_delete;");
    let err = Db::open(fx.path(), Clock::fixed(T0_MS), &fx.keys).err().expect("refused");
    assert_eq!(err.code(), ErrorCode::SchemaForeign);
    assert_eq!(err.params()["difference"], "missing trigger `audit_event_no_delete` on `audit_event`");
}

#[test]
fn a_random_or_cut_off_file_is_not_a_backup() {
    let fx = Fixture::new();
    let random = fx.dir.path().join("random.db");
    let bytes: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&random, &bytes).unwrap();
    let err = backup::restore(&fx.dir.path().join("t.db"), &random, &fx.keys, Some(&DatabaseKey::generate())).unwrap_err();
    assert_eq!(err.code(), ErrorCode::BackupOtherKey, "random bytes cannot be told from another key: {err}");
    let good = fx.dir.path().join("good.db");
    backup::backup_to(&fx.db, &good).unwrap();
    let whole = std::fs::read(&good).unwrap();
    let cut = fx.dir.path().join("cut.db");
    std::fs::write(&cut, &whole[..whole.len() / 2 + 100]).unwrap();
    assert_eq!(backup::restore(&fx.dir.path().join("t.db"), &cut, &fx.keys, None).unwrap_err().code(), ErrorCode::BackupInvalid);
    assert!(!fx.dir.path().join("t.db").exists());
}

#[test]
fn only_a_supervisor_sees_the_recovery_key_again_and_each_showing_is_logged() {
    let fx = Fixture::new();
    let guard = fx.guard();
    assert_eq!(backup::recovery_key(&fx.db, &guard).unwrap_err().kind(), gatehouse::ErrorKind::Forbidden);
    let shown = backup::recovery_key(&fx.db, &fx.supervisor()).unwrap();
    assert_eq!(DatabaseKey::parse_recovery(&shown).unwrap(), fx.keys.load().unwrap());
    let logged: i64 = fx.db.read(|c| Ok(c.query_row("SELECT count(*) FROM audit_event WHERE action = 'recovery_key_shown'", [], |r| r.get(0))?)).unwrap();
    assert_eq!(logged, 1);
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

/// An upgrade cut off after the plaintext database got its second name (a hard link) and a
/// half-written encrypted copy: the next open neither zeroes the database through the link
/// nor trusts the partial copy; it encrypts again and cleans up.
#[test]
fn an_interrupted_upgrade_from_plaintext_is_finished_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-0001.db"), &path).unwrap();
    std::fs::hard_link(&path, dir.path().join("old.db.plaintext-old")).unwrap();
    std::fs::write(dir.path().join("old.db.encrypting"), vec![7u8; 8192]).unwrap();
    let keys = keys_in(dir.path());
    let db = Db::open(&path, Clock::fixed(T0_MS), &keys).unwrap();
    assert!(db.read(gatehouse::audit::verify).unwrap().is_ok());
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with("old.db")).collect();
    assert!(names.iter().all(|n| !n.contains("plaintext") && !n.contains("encrypting")), "{names:?}");
    assert!(!plain_sqlite_reads(&path));
}
