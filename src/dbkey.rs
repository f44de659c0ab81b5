//! The database key: 256 random bits with which SQLCipher encrypts the database, its WAL and
//! every backup, kept in a key file outside the data folder.
//!
//! Where the key lives: `$GATEHOUSE_KEY_FILE` when set, else
//! `$XDG_CONFIG_HOME/gatehouse/database.key` (`~/.config/gatehouse/database.key`). The file
//! holds exactly the 64 hex characters of the raw key (a final newline is tolerated, since
//! editors add one), is created with mode 0600 and refused when others may read it. A stolen
//! USB backup without this file is unreadable; a copied data folder is too.
//!
//! The recovery key is the same 256 bits written for people: 16 groups of 4 hex characters.
//! The security office keeps it on paper; with it, a backup restores on a new PC.
//!
//! Owns: `DatabaseKey`, `KeyFile`. Must not: log, print or export a key (the CLI's
//! `recovery-key` and the set-up screen show it on purpose, audited). Called by: `db`
//! (every open), `backup` (copies and restores), the CLI and the shell.

use std::io::Write;
use std::path::{Path, PathBuf};

use rand::RngCore;
use zeroize::Zeroize;

use crate::error::{Error, ErrorCode, Result};

/// Environment variable that names the key file.
pub const KEY_FILE_ENV: &str = "GATEHOUSE_KEY_FILE";

/// A 256-bit SQLCipher key. Zeroed when dropped; never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseKey([u8; 32]);

impl std::fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseKey(…)")
    }
}

impl Drop for DatabaseKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl DatabaseKey {
    /// 256 bits from the operating system's random source.
    pub fn generate() -> DatabaseKey {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        DatabaseKey(bytes)
    }

    /// Exactly 64 hex digits (either case).
    fn from_hex(text: &str) -> Option<DatabaseKey> {
        if text.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(DatabaseKey(bytes))
    }

    /// The key as the key file holds it: 64 lower-case hex digits.
    fn hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The recovery key as shown and printed: `XXXX-XXXX-…`, 16 groups of 4 upper-case hex
    /// digits.
    pub fn recovery_text(&self) -> String {
        let hex = self.hex().to_uppercase();
        hex.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
    }

    /// Reads a recovery key as people type it: groups separated by dashes or spaces, any
    /// case, full-width digits and letters (an input method) mapped back to ASCII.
    pub fn parse_recovery(text: &str) -> Result<DatabaseKey> {
        let digits: String = text
            .chars()
            .map(|c| match c {
                '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF26}' | '\u{FF41}'..='\u{FF46}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                other => other,
            })
            .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}' | '\u{FF0D}' | '\t' | '\n' | '\r'))
            .collect();
        DatabaseKey::from_hex(&digits).ok_or_else(|| {
            Error::invalid(
                "recovery_key",
                ErrorCode::RecoveryKeyFormat,
                "a recovery key is 64 letters and digits (0-9, A-F) in 16 groups of 4: type it as printed on the recovery sheet",
            )
        })
    }

    /// The value of `PRAGMA key` (and of `ATTACH … KEY`): a raw key, so SQLCipher skips its
    /// key derivation (the key is already 256 random bits). Also for tools and tests that open
    /// the file with a connection of their own.
    pub fn pragma_value(&self) -> String {
        format!("x'{}'", self.hex())
    }
}

/// Where the database key is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFile {
    path: PathBuf,
}

fn key_error(code: ErrorCode, path: &Path, message: String) -> Error {
    Error::new(code, message).with_param("path", path.display())
}

impl KeyFile {
    pub fn at(path: impl Into<PathBuf>) -> KeyFile {
        KeyFile { path: path.into() }
    }

    /// `$GATEHOUSE_KEY_FILE`, else `$XDG_CONFIG_HOME/gatehouse/database.key`
    /// (`~/.config/gatehouse/database.key`).
    pub fn default_location() -> Result<KeyFile> {
        if let Some(path) = std::env::var_os(KEY_FILE_ENV).filter(|p| !p.is_empty()) {
            return Ok(KeyFile::at(path));
        }
        let dirs = directories::ProjectDirs::from("", "", "gatehouse")
            .ok_or_else(|| Error::internal(format!("cannot find the home directory: set {KEY_FILE_ENV} to the key file's path")))?;
        Ok(KeyFile::at(dirs.config_dir().join("database.key")))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    /// Reads the key. A missing file, a file that others may read, or one that does not
    /// hold exactly 64 hex digits is refused with what to do about it.
    pub fn load(&self) -> Result<DatabaseKey> {
        let path = &self.path;
        let meta = std::fs::metadata(path).map_err(|err| {
            if err.kind() == std::io::ErrorKind::NotFound {
                key_error(
                    ErrorCode::DatabaseKeyMissing,
                    path,
                    format!(
                        "the database is encrypted and its key file {} is missing: put the key file back (from the PC's \
                         configuration backup), or restore the latest backup with the recovery key",
                        path.display()
                    ),
                )
            } else {
                key_error(ErrorCode::DatabaseKeyInvalid, path, format!("the key file {} cannot be read ({err}): check its permissions", path.display()))
            }
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if meta.permissions().mode() & 0o077 != 0 {
                return Err(key_error(
                    ErrorCode::DatabaseKeyUnsafe,
                    path,
                    format!("the key file {} may be read by other users: make it private with `chmod 600 {}`, then retry", path.display(), path.display()),
                ));
            }
        }
        let invalid = || {
            key_error(
                ErrorCode::DatabaseKeyInvalid,
                path,
                format!(
                    "the key file {} does not hold a database key (exactly 64 hex digits): put the right key file back, or \
                     restore the latest backup with the recovery key",
                    path.display()
                ),
            )
        };
        if meta.len() > 128 {
            return Err(invalid());
        }
        let mut text = std::fs::read_to_string(path).map_err(|_| invalid())?;
        let key = DatabaseKey::from_hex(text.strip_suffix('\n').unwrap_or(&text)).ok_or_else(invalid);
        text.zeroize();
        key
    }

    /// Writes `key` to the key file (mode 0600, folder made if needed), replacing any file
    /// there in one atomic rename.
    pub fn store(&self, key: &DatabaseKey) -> Result<()> {
        let folder = self.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder)?;
        let mut temp = tempfile::Builder::new().prefix(".database.key.").tempfile_in(folder)?;
        // tempfile creates the file with mode 0600 already; say it here too, since a key file
        // readable by others is refused at the next open.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            temp.as_file().set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        let mut hex = key.hex();
        let written = temp.write_all(hex.as_bytes()).and_then(|_| temp.as_file().sync_all());
        hex.zeroize();
        written?;
        temp.persist(&self.path).map_err(|e| Error::from(e.error))?;
        if let Ok(dir) = std::fs::File::open(folder) {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    /// The key, made and stored first when there is no key file yet.
    pub fn load_or_create(&self) -> Result<DatabaseKey> {
        if self.exists() {
            return self.load();
        }
        let key = DatabaseKey::generate();
        self.store(&key)?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recovery_text_is_16_groups_of_4_and_reads_back() {
        let key = DatabaseKey::generate();
        let text = key.recovery_text();
        assert_eq!(text.len(), 16 * 4 + 15);
        assert!(text.split('-').all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())));
        assert_eq!(DatabaseKey::parse_recovery(&text).unwrap(), key);
        assert_eq!(DatabaseKey::parse_recovery(&text.to_lowercase().replace('-', " ")).unwrap(), key);
        let full_width: String = text.chars().map(|c| if c.is_ascii_alphanumeric() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c }).collect();
        assert_eq!(DatabaseKey::parse_recovery(&full_width).unwrap(), key);
    }

    #[test]
    fn a_malformed_recovery_key_names_its_field() {
        for bad in ["", "1234", &"G".repeat(64), &"A".repeat(63), &"A".repeat(65)] {
            let err = DatabaseKey::parse_recovery(bad).unwrap_err();
            assert_eq!((err.code(), err.field()), (ErrorCode::RecoveryKeyFormat, Some("recovery_key")), "{bad}");
        }
    }

    #[test]
    #[cfg(unix)]
    fn a_key_file_is_private_holds_64_hex_digits_and_reads_back() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = KeyFile::at(dir.path().join("conf/gatehouse/database.key"));
        let key = file.load_or_create().unwrap();
        assert_eq!(std::fs::metadata(file.path()).unwrap().permissions().mode() & 0o777, 0o600);
        let text = std::fs::read_to_string(file.path()).unwrap();
        assert!(text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(file.load().unwrap(), key);
        assert_eq!(file.load_or_create().unwrap(), key, "an existing key is kept");
    }

    #[test]
    #[cfg(unix)]
    fn a_bad_key_file_is_refused_with_what_to_do() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = KeyFile::at(dir.path().join("database.key"));
        assert_eq!(file.load().unwrap_err().code(), ErrorCode::DatabaseKeyMissing);
        for bad in ["abc", &"a".repeat(63), &"z".repeat(64), &"a".repeat(65)] {
            std::fs::write(file.path(), bad).unwrap();
            std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
            assert_eq!(file.load().unwrap_err().code(), ErrorCode::DatabaseKeyInvalid, "{bad}");
        }
        std::fs::write(file.path(), format!("{}\n", "a".repeat(64))).unwrap();
        assert!(file.load().is_ok(), "a final newline is tolerated");
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = file.load().unwrap_err();
        assert_eq!(err.code(), ErrorCode::DatabaseKeyUnsafe);
        assert!(err.to_string().contains("chmod 600"), "{err}");
    }
}
