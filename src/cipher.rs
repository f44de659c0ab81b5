//! SQLCipher plumbing: telling a plaintext file from an encrypted one, unlocking a
//! connection with the database key, copying a database under a key, and encrypting an
//! earlier version's plaintext database in place.
//!
//! Every file Gatehouse writes that holds records (the database, its WAL, backups, a staged
//! restore, the copy kept before a restore) is encrypted with the database key; only files
//! from before encryption existed are plaintext, and those are read once and re-encrypted.
//!
//! Owns: `FileKind`, `unlock`, `copy_database`, `encrypt_in_place`. Must not: decide which
//! key a file gets (that is `db` and `backup`), or keep a key. Called by: `db`, `backup`.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::dbkey::DatabaseKey;
use crate::error::{Error, ErrorCode, Result};

/// What is at a database path, from its first 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// No file, or an empty one: a new database.
    Empty,
    /// A plain SQLite file ("SQLite format 3\0"): an earlier version's database or backup.
    Plaintext,
    /// Anything else of whole pages: an SQLCipher file (its first bytes are a random salt),
    /// or a file of random bytes, which the key check then refuses.
    Encrypted,
    /// Not a whole number of 512-byte pages: no SQLite file, encrypted or not (a stray text
    /// file, a cut-off copy).
    NotADatabase,
}

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

impl FileKind {
    pub(crate) fn of(path: &Path) -> Result<FileKind> {
        let mut file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::Empty),
            Err(err) => return Err(err.into()),
        };
        let mut header = [0u8; 16];
        let mut read = 0;
        while read < header.len() {
            match file.read(&mut header[read..])? {
                0 => break,
                n => read += n,
            }
        }
        let whole_pages = file.metadata()?.len() % 512 == 0;
        Ok(match read {
            0 => FileKind::Empty,
            16 if &header == SQLITE_HEADER => FileKind::Plaintext,
            _ if whole_pages => FileKind::Encrypted,
            _ => FileKind::NotADatabase,
        })
    }
}

/// The error for a file at the database's path that is no database at all.
pub(crate) fn not_a_database(path: &Path) -> Error {
    Error::new(ErrorCode::StorageCorrupt, format!("the database file {} is damaged or is not a Gatehouse database: restore the latest backup", path.display()))
}

/// Opens a connection, SQLCipher made ready first. Every connection Gatehouse opens comes
/// from here.
///
/// Why: SQLite marks itself initialised before it runs SQLCipher's own initialisation, which
/// registers `sqlcipher_export` for every later connection; a connection opened by another
/// thread in that window lacks the function (seen as "no such function: sqlcipher_export"
/// under parallel tests). Initialising once, before any connection, closes the window.
pub(crate) fn connect(target: impl AsRef<Path>, flags: rusqlite::OpenFlags) -> Result<Connection> {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        // SAFETY: sqlite3_initialize has no preconditions and may be called any number of times.
        unsafe {
            rusqlite::ffi::sqlite3_initialize();
        }
        // SQLCipher writes every page it cannot decrypt to stderr ("ERROR CORE …"); a wrong
        // key is already one clear error of ours (`unlock`), so its own log stays quiet.
        if let Ok(conn) = Connection::open_in_memory() {
            let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE");
        }
    });
    Ok(Connection::open_with_flags(target, flags)?)
}

/// Gives `conn` its key (the first statement on a new connection) and proves it opens the
/// file. A key that does not (another database's key file, or a file that is no database)
/// is `DatabaseKeyWrong`, and nothing is written.
pub(crate) fn unlock(conn: &Connection, key: &DatabaseKey, path: &Path) -> Result<()> {
    conn.pragma_update(None, "key", key.pragma_value())?;
    // `SELECT 1` reads nothing; the schema count reads page 1, which a wrong key cannot decrypt.
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(()),
        Err(err) if err.sqlite_error_code() == Some(rusqlite::ffi::ErrorCode::NotADatabase) => Err(Error::new(
            ErrorCode::DatabaseKeyWrong,
            format!(
                "the key file does not open the database {}: the key file belongs to another database, or the file \
                 is damaged; put this database's key file back, or restore the latest backup with the recovery key",
                path.display()
            ),
        )
        .with_param("path", path.display())),
        Err(err) => Err(err.into()),
    }
}

/// Writes a copy of the database open on `source` to `target` (a new file), encrypted with
/// `key`, in one read transaction (a consistent copy even while the app writes). Works from a
/// plaintext or encrypted source, whatever its key. The copy keeps `user_version` and is in
/// rollback-journal mode: one self-contained file, no `-wal` beside it on a USB drive.
pub(crate) fn copy_database(source: &Connection, target: &Path, key: &DatabaseKey) -> Result<()> {
    let written = (|| -> Result<()> {
        source.execute("ATTACH DATABASE ?1 AS gatehouse_copy KEY ?2", [target.to_string_lossy().as_ref(), key.pragma_value().as_str()])?;
        let copied = (|| -> Result<()> {
            source.execute_batch("BEGIN")?;
            let version: i64 = source.pragma_query_value(None, "user_version", |r| r.get(0))?;
            source.query_row("SELECT sqlcipher_export('gatehouse_copy')", [], |_| Ok(()))?;
            source.pragma_update(Some("gatehouse_copy"), "user_version", version)?;
            source.execute_batch("COMMIT")?;
            Ok(())
        })();
        if copied.is_err() {
            let _ = source.execute_batch("ROLLBACK");
        }
        let detached = source.execute_batch("DETACH DATABASE gatehouse_copy");
        copied?;
        detached?;
        let file = std::fs::File::open(target)?;
        file.sync_all()?;
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(target);
    }
    written
}

/// `<path><suffix>` in the same folder.
pub(crate) fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The plaintext database of an earlier version while it is being replaced (a second name
/// of the same file, removed after it has been overwritten with zeros).
const PLAINTEXT_OLD: &str = ".plaintext-old";
/// The encrypted copy being made.
const ENCRYPTING: &str = ".encrypting";

/// Encrypts an earlier version's plaintext database in place: an encrypted copy is made
/// beside it and checked (SQLite's integrity check, same tables with the same row counts,
/// the same audit chain head), then put in place with one atomic rename; the plaintext file
/// and its WAL are overwritten with zeros and removed. A crash at any point leaves either
/// the plaintext database or the encrypted one at `path`, never neither.
pub(crate) fn encrypt_in_place(path: &Path, key: &DatabaseKey) -> Result<()> {
    let staging = beside(path, ENCRYPTING);
    let plaintext_old = beside(path, PLAINTEXT_OLD);
    // A leftover second name from an interrupted upgrade is the plaintext database itself:
    // only unlink it (zeroing it would zero the database).
    let _ = std::fs::remove_file(&plaintext_old);
    let _ = std::fs::remove_file(&staging);
    let expected = {
        let plain = connect(path, rusqlite::OpenFlags::default())?;
        plain.busy_timeout(std::time::Duration::from_millis(5000))?;
        // Only our own schema is carried over (nothing in the file runs while it is copied).
        plain.pragma_update(None, "trusted_schema", "OFF")?;
        crate::schema::check(&plain)?;
        copy_database(&plain, &staging, key)?;
        let summary = summary(&plain)?;
        // Fold the WAL into the main file, so no plaintext WAL outlives the swap.
        plain.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        summary
    };
    let checked = (|| -> Result<()> {
        let copy = connect(&staging, rusqlite::OpenFlags::default())?;
        unlock(&copy, key, &staging)?;
        let integrity: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        let found = summary(&copy)?;
        if integrity != "ok" || found != expected {
            return Err(Error::new(
                ErrorCode::Storage,
                "the encrypted copy of the database did not match it, so the database was left as it was: free some disk space and restart",
            ));
        }
        Ok(())
    })();
    if let Err(err) = checked {
        let _ = std::fs::remove_file(&staging);
        return Err(err);
    }
    let linked = std::fs::hard_link(path, &plaintext_old).is_ok();
    std::fs::rename(&staging, path)?;
    sync_folder(path);
    for suffix in ["-wal", "-shm"] {
        scrub_and_remove(&beside(path, suffix));
    }
    if linked {
        scrub_and_remove(&plaintext_old);
    }
    Ok(())
}

/// At the open of an encrypted database: the plaintext database an interrupted upgrade left
/// under its second name is zeroed and removed.
pub(crate) fn scrub_upgrade_leftover(path: &Path) {
    let leftover = beside(path, PLAINTEXT_OLD);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Never the database itself (a hard link to the live file).
        if let (Ok(a), Ok(b)) = (std::fs::metadata(path), std::fs::metadata(&leftover)) {
            if (a.dev(), a.ino()) == (b.dev(), b.ino()) {
                return;
            }
        }
    }
    if FileKind::of(&leftover).ok() == Some(FileKind::Plaintext) {
        scrub_and_remove(&leftover);
    }
}

/// Table names with their row counts, and the audit chain's head: what an encrypted copy
/// must have in common with the plaintext original.
fn summary(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut summary = Vec::with_capacity(tables.len() + 1);
    for table in tables {
        let count: i64 = conn.query_row(&format!("SELECT count(*) FROM \"{}\"", table.replace('"', "\"\"")), [], |r| r.get(0))?;
        summary.push((table, count));
    }
    let has_chain = summary.iter().any(|(t, _)| t == "audit_event");
    if has_chain {
        let head = crate::audit::head(conn)?;
        summary.push((head.hash_hex, head.seq));
    }
    Ok(summary)
}

/// Overwrites a file with zeros, syncs it and removes it (best effort: a missing file is
/// fine). On flash media the old blocks may survive in the drive's spare area; the file
/// system no longer points at them.
pub(crate) fn scrub_and_remove(path: &Path) {
    let Ok(mut file) = std::fs::OpenOptions::new().write(true).open(path) else {
        return;
    };
    if let Ok(meta) = file.metadata() {
        let zeros = vec![0u8; 1 << 16];
        let mut left = meta.len();
        let _ = file.seek(std::io::SeekFrom::Start(0));
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            if file.write_all(&zeros[..n]).is_err() {
                break;
            }
            left -= n as u64;
        }
        let _ = file.sync_all();
    }
    drop(file);
    let _ = std::fs::remove_file(path);
}

fn sync_folder(path: &Path) {
    if let Some(folder) = path.parent() {
        if let Ok(dir) = std::fs::File::open(folder) {
            let _ = dir.sync_all();
        }
    }
}
