//! The database handle: one encrypted SQLite file, one writer connection, one transaction per
//! write.
//!
//! Owns: opening the file (its key from the key file, see `dbkey`; our own schema only, see
//! `schema`) with the house pragmas, encrypting a plaintext database from an earlier version
//! in place, applying the embedded migrations, the `Tx` every write runs in
//! (`BEGIN IMMEDIATE` … `COMMIT`, with "now" fixed for the whole transaction), and the clock
//! high-water mark. Must not: hold any business rule.
//! Called by: every core module; the shell and the CLI open it once.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use include_dir::{include_dir, Dir};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{Migrations, M};

use crate::cipher::{encrypt_in_place, not_a_database, scrub_upgrade_leftover, unlock, FileKind};
use crate::clock::Clock;
use crate::dbkey::{DatabaseKey, KeyFile};
use crate::error::{Error, ErrorCode, Result};

static MIGRATIONS_DIR: Dir = include_dir!("$CARGO_MANIFEST_DIR/migrations");

/// How far back (ms) the clock may step behind the largest instant ever written before it is
/// doubted (issue 15: 5 minutes): NTP corrections and a guard's nudge are normal, a clock set
/// back to reopen expired passes is not. See `clock_trust` for what a doubt pauses.
const CLOCK_BACKWARDS_TOLERANCE_MS: i64 = 5 * 60_000;

/// Environment variable that overrides the database path for the app and the CLI.
pub const DB_ENV: &str = "GATEHOUSE_DB";

pub struct Db {
    conn: Mutex<Connection>,
    clock: Clock,
    path: PathBuf,
    key: DatabaseKey,
}

/// A write transaction. Everything a command changes, and its audit events, commit together.
pub struct Tx<'conn> {
    pub(crate) tx: rusqlite::Transaction<'conn>,
    now_ms: i64,
}

impl Tx<'_> {
    /// The instant this transaction stamps on everything it writes.
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

/// The migrations in file-name order (`NNNN_verb_object.sql`); the schema version is the
/// number of migrations applied, kept in `user_version`.
pub(crate) fn migrations() -> Migrations<'static> {
    let mut files: Vec<_> = MIGRATIONS_DIR.files().filter(|f| f.path().extension().is_some_and(|e| e == "sql")).collect();
    files.sort_by_key(|f| f.path());
    Migrations::new(files.into_iter().map(|f| M::up(f.contents_utf8().expect("migrations are UTF-8"))).collect())
}

/// The schema version this build writes: the number of embedded migrations.
pub(crate) fn latest_version() -> usize {
    MIGRATIONS_DIR.files().filter(|f| f.path().extension().is_some_and(|e| e == "sql")).count()
}

/// The database path: `$GATEHOUSE_DB`, else the OS data directory
/// (`~/.local/share/gatehouse/gatehouse.db` on Linux).
pub fn default_db_path() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os(DB_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let dirs = directories::ProjectDirs::from("", "", "gatehouse")
        .ok_or_else(|| Error::internal("cannot find the home directory: set GATEHOUSE_DB to the database path"))?;
    Ok(dirs.data_dir().join("gatehouse.db"))
}

/// `path` against the working directory, without touching the file system. `Db::path` is
/// always absolute: the files beside the database (exports, backups) are handed to GTK and
/// WebKit as `file://` URIs, and a relative `GATEHOUSE_DB=site.db` made every PDF fail.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

impl Db {
    /// Opens (creating if needed) the database at `path` with the key in `keys`, and brings
    /// its schema up to date.
    ///
    /// - No database yet: the key file's key is used, or a new key is made and stored.
    /// - A plaintext database from an earlier version: encrypted in place first
    ///   (`encrypt_in_place`), with the key file's key or a new one.
    /// - An encrypted database: the key file must exist and hold its key; otherwise a clear
    ///   error, and the file is left exactly as it is (never a new empty database over it).
    pub fn open(path: impl AsRef<Path>, clock: Clock, keys: &KeyFile) -> Result<Db> {
        let path = absolute(path.as_ref());
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let key = match FileKind::of(&path)? {
            FileKind::Empty => keys.load_or_create()?,
            FileKind::Plaintext => {
                let key = keys.load_or_create()?;
                encrypt_in_place(&path, &key)?;
                key
            }
            FileKind::Encrypted => {
                scrub_upgrade_leftover(&path);
                keys.load()?
            }
            FileKind::NotADatabase => return Err(not_a_database(&path)),
        };
        Db::open_keyed(&path, clock, key)
    }

    /// Opens the database at `path` with `key` (no key file involved): `open`, and the
    /// staging of a restore, which migrates and checks a copy before it is put in place.
    pub(crate) fn open_keyed(path: &Path, clock: Clock, key: DatabaseKey) -> Result<Db> {
        Db::open_connection(path, clock, key, true)
    }

    /// A plaintext database, for `make bench` only: the baseline the cost of encryption is
    /// measured against in the same run. The feature is off in every build that ships.
    #[cfg(feature = "plaintext-baseline")]
    #[doc(hidden)]
    pub fn open_plaintext_baseline(path: impl AsRef<Path>, clock: Clock) -> Result<Db> {
        Db::open_connection(path.as_ref(), clock, DatabaseKey::generate(), false)
    }

    fn open_connection(path: &Path, clock: Clock, key: DatabaseKey, encrypted: bool) -> Result<Db> {
        let path = absolute(path);
        let mut conn = crate::cipher::connect(&path, rusqlite::OpenFlags::default())?;
        // SQLite opens a file it may not write read-only without a word; the first check-in
        // would then fail at the desk. Say so at start, before anything is shown as working.
        if conn.is_readonly(rusqlite::MAIN_DB)? {
            return Err(Error::new(
                ErrorCode::DatabaseReadOnly,
                format!(
                    "the database file {} is read-only, so nothing could be saved: give this user write \
                     permission on the file (and its folder), make sure the drive is not write-protected, then retry",
                    path.display()
                ),
            ));
        }
        // After the read-only check: the first read of a WAL database makes its -wal/-shm.
        if encrypted {
            unlock(&conn, &key, &path)?;
        }
        configure(&conn)?;
        crate::schema::check(&conn)?;
        migrations().to_latest(&mut conn)?;
        crate::search::backfill_once(&mut conn)?;
        crate::guards::commit_pin_hashes_once(&mut conn, &clock)?;
        // Schema 16 took the scan log's holder hint and the watchlist's names and ID numbers
        // out of their snapshots (see migrations/0015): rows written before get their commitment.
        for (audited, columns_before, action) in [
            (&crate::catalogue::PASS_SCAN, crate::passes::scan::SNAPSHOT_COLUMNS_BEFORE_0015, "pass_scan_pii_committed"),
            (&crate::catalogue::WATCHLIST, crate::watchlist::SNAPSHOT_COLUMNS_BEFORE_0015, "watchlist_pii_committed"),
        ] {
            crate::audit::commit_personal_data_once(&mut conn, &clock, audited, columns_before, action)?;
        }
        Ok(Db { conn: Mutex::new(conn), clock, path, key })
    }

    /// Opens an existing database only to read it (`gatehouse verify` of a write-protected
    /// copy): no migration, so its schema must already be current.
    ///
    /// Without a `-wal` file beside it (every change is in the main file) it is opened
    /// `immutable`: SQLite then creates no `-wal`/`-shm` files, which would otherwise be left
    /// behind read-only and make the file unwritable for the app even after its permissions
    /// are fixed.
    pub fn open_read_only(path: impl AsRef<Path>, clock: Clock, keys: &KeyFile) -> Result<Db> {
        use rusqlite::OpenFlags;
        let path = absolute(path.as_ref());
        if FileKind::of(&path)? != FileKind::Encrypted {
            return Err(Error::new(
                ErrorCode::DatabaseReadOnly,
                format!(
                    "the database file {} is read-only and not encrypted yet: open a writable copy once so it can be \
                     encrypted and upgraded",
                    path.display()
                ),
            ));
        }
        let key = keys.load()?;
        let mut wal = path.clone().into_os_string();
        wal.push("-wal");
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let uri = format!("file:{}?mode=ro", uri_path(&path));
        let uri = if Path::new(&wal).exists() { uri } else { format!("{uri}&immutable=1") };
        let conn = crate::cipher::connect(uri, flags)?;
        unlock(&conn, &key, &path)?;
        conn.pragma_update(None, "trusted_schema", "OFF")?;
        conn.busy_timeout(std::time::Duration::from_millis(5000))?;
        let version = crate::schema::check(&conn)?;
        let latest = latest_version();
        if version != latest {
            return Err(Error::new(
                ErrorCode::DatabaseReadOnly,
                format!(
                    "the database file {} is read-only and its schema is version {version}, not {latest}: \
                     open a writable copy once so it can be upgraded",
                    path.display()
                ),
            ));
        }
        Ok(Db { conn: Mutex::new(conn), clock, path, key })
    }

    /// A second, read-only connection to the database, unlocked with its key: for long reads
    /// (reports, exports) that must not hold the desk's connection while check-ins wait.
    pub(crate) fn reader(&self) -> Result<Connection> {
        use rusqlite::OpenFlags;
        let conn = crate::cipher::connect(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        unlock(&conn, &self.key, &self.path)?;
        conn.pragma_update(None, "trusted_schema", "OFF")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(conn)
    }

    /// The key this database is encrypted with (backups are written with it too).
    pub(crate) fn key(&self) -> &DatabaseKey {
        &self.key
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open file (`user_version`: migrations applied), for the
    /// start-up line of the log.
    pub fn schema_version(&self) -> Result<i64> {
        self.read(|conn| Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?))
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the transaction rolls
        // back on drop), so a poisoned mutex is safe to keep using.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction and commits it. The caller may report
    /// "saved" once this returns `Ok`.
    pub fn write<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now_ms = self.clock.now_ms();
        let tx = Tx { tx, now_ms };
        raise_high_water(&tx, now_ms)?;
        let value = f(&tx)?;
        tx.tx.commit()?;
        Ok(value)
    }

    /// Runs `f` against the connection for reading.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.lock();
        f(&conn)
    }

    /// Copies the write-ahead log into the database file and truncates the log to zero
    /// bytes, so content replaced by the last transactions (e.g. purged names) is left in
    /// neither file. Returns false when a reader kept it from finishing (try again later).
    pub fn checkpoint_truncate(&self) -> Result<bool> {
        self.read(|conn| {
            let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
            Ok(busy == 0)
        })
    }
}

/// How far (ms) `now_ms` lies behind the high-water mark, when that is more than the
/// tolerance; `None` when the clock can be believed. Inside a write, pass the transaction's
/// own `now_ms` (the mark is only ever raised, so the write's own stamp never hides a doubt).
pub(crate) fn clock_behind_ms(conn: &Connection, now_ms: i64) -> Result<Option<i64>> {
    let high: Option<i64> = conn.query_row("SELECT at_ms FROM clock_high_water WHERE id = 1", [], |r| r.get(0)).optional()?;
    Ok(high.map(|high| high - now_ms).filter(|behind| *behind > CLOCK_BACKWARDS_TOLERANCE_MS))
}

/// Lowers the high-water mark to this transaction's instant: a supervisor has confirmed the
/// clock (`clock_trust::confirm_date`), so times recorded under a wrong clock set ahead no
/// longer make every later instant look "behind".
pub(crate) fn reset_high_water(tx: &Tx<'_>) -> Result<()> {
    tx.execute("UPDATE clock_high_water SET at_ms = ?1 WHERE id = 1", [tx.now_ms])?;
    Ok(())
}

/// `path` percent-encoded for an SQLite `file:` URI (RFC 3986 unreserved characters and `/`
/// stay as they are).
pub(crate) fn uri_path(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::new();
    for &b in absolute.to_string_lossy().as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "trusted_schema", "OFF")?;
    // Deleted or overwritten content (a retention purge's names, ID numbers, photos) is
    // zeroed in the file, not left in free space. Always on, not only during a purge: any
    // delete of personal data must not linger, and the cost at a gate's volume is nil.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.busy_timeout(std::time::Duration::from_millis(5000))?;
    Ok(())
}

fn raise_high_water(tx: &Tx<'_>, now_ms: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO clock_high_water (id, at_ms) VALUES (1, ?1)
         ON CONFLICT(id) DO UPDATE SET at_ms = max(at_ms, excluded.at_ms)",
        [now_ms],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key file in the test's temp dir, standing in for ~/.config/gatehouse.
    fn test_keys(dir: &Path) -> KeyFile {
        KeyFile::at(dir.join("config/database.key"))
    }

    #[test]
    fn migration_files_are_numbered_in_order() {
        let mut names: Vec<String> = MIGRATIONS_DIR.files().map(|f| f.path().display().to_string()).collect();
        names.sort();
        for (i, name) in names.iter().enumerate() {
            assert!(name.starts_with(&format!("{:04}_", i + 1)) && name.ends_with(".sql"), "{name} breaks NNNN_verb_object.sql");
        }
        assert!(!names.is_empty());
    }

    #[test]
    fn migrations_are_valid() {
        migrations().validate().expect("migrations validate");
    }

    #[test]
    fn open_sets_the_house_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("g.db"), Clock::fixed(0), &test_keys(dir.path())).unwrap();
        db.read(|c| {
            let mode: String = c.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
            let sync: i64 = c.pragma_query_value(None, "synchronous", |r| r.get(0))?;
            let fk: i64 = c.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
            let trusted: i64 = c.pragma_query_value(None, "trusted_schema", |r| r.get(0))?;
            let secure_delete: i64 = c.pragma_query_value(None, "secure_delete", |r| r.get(0))?;
            assert_eq!((mode.as_str(), sync, fk, trusted, secure_delete), ("wal", 2, 1, 0, 1));
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(uri_path(Path::new("/a b/x?y#z%.db")), "/a%20b/x%3Fy%23z%25.db");
        assert_eq!(uri_path(Path::new("/数据/g.db")), "/%E6%95%B0%E6%8D%AE/g.db");
    }

    #[test]
    fn a_read_only_open_of_a_closed_database_reads_it_and_creates_no_side_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("odd name?#.db");
        let config = tempfile::tempdir().unwrap();
        let keys = test_keys(config.path());
        Db::open(&path, Clock::fixed(0), &keys).unwrap().write(|_| Ok(())).unwrap();
        let db = Db::open_read_only(&path, Clock::fixed(0), &keys).unwrap();
        let at: i64 = db.read(|c| Ok(c.query_row("SELECT at_ms FROM clock_high_water", [], |r| r.get(0))?)).unwrap();
        assert_eq!(at, 0);
        assert!(db.write(|_| Ok(())).is_err(), "read-only means read-only");
        drop(db);
        let names: Vec<String> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(names, vec!["odd name?#.db".to_string()]);
    }

    #[test]
    fn a_clock_behind_the_high_water_mark_is_flagged() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Clock::fixed(10_000_000);
        let db = Db::open(dir.path().join("g.db"), clock.clone(), &test_keys(dir.path())).unwrap();
        db.write(|_| Ok(())).unwrap();
        let behind = |now: i64| db.read(|c| clock_behind_ms(c, now)).unwrap();
        assert_eq!(behind(10_000_000), None);
        assert_eq!(behind(10_000_000 - 5 * 60_000), None, "5 minutes back is within the tolerance");
        assert_eq!(behind(10_000_000 - 5 * 60_000 - 1), Some(5 * 60_000 + 1));
        clock.set_ms(9_000_000);
        db.write(|_| Ok(())).unwrap();
        assert_eq!(behind(9_000_000), Some(1_000_000), "a write under a clock set back never lowers the mark");
    }
}
