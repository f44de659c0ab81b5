//! This PC's own preferences for a dedicated desk: start the app when the guard's session
//! starts (an XDG autostart entry), and open it full screen.
//!
//! Owns: the two preferences, where each is kept, and who may change them (a supervisor).
//! They belong to the PC, not to the site: a restored backup or a second gate's database
//! must not switch a PC's start-up behaviour, so nothing here is in the database (no
//! migration). Start on boot *is* the autostart file
//! (`$XDG_CONFIG_HOME/autostart/gatehouse.desktop`, default `~/.config/…`): the
//! desktop reads that file, so keeping the setting anywhere else could disagree with it.
//! Full screen is kept in `$XDG_CONFIG_HOME/gatehouse/desk.json`, beside the key file.
//! Must not: touch the window (the shell applies full screen) or write outside those files.
//! Who calls it: the shell's `commands/desk.rs` and its start-up (`lib.rs`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::guards;
use crate::{Db, Error, ErrorCode, Result};

/// The autostart entry's file name: the desktop entry's own name, so a desktop that lists
/// start-up programs shows the same app.
pub const AUTOSTART_FILE: &str = "gatehouse.desktop";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeskPreferences {
    /// The app starts when this user's desktop session starts.
    pub start_on_boot: bool,
    /// The window opens full screen (Esc leaves it until the next start).
    pub full_screen: bool,
}

/// What is kept in desk.json (start on boot is the autostart file itself).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    #[serde(default)]
    full_screen: bool,
}

/// Where this PC's preferences live: the user's config directory (`$XDG_CONFIG_HOME`,
/// default `~/.config`).
#[derive(Debug, Clone)]
pub struct DeskFiles {
    config_dir: PathBuf,
}

impl DeskFiles {
    pub fn at(config_dir: impl Into<PathBuf>) -> DeskFiles {
        DeskFiles { config_dir: config_dir.into() }
    }

    /// `$XDG_CONFIG_HOME` (default `~/.config`) of the user running the app.
    pub fn default_location() -> Result<DeskFiles> {
        let dirs = directories::BaseDirs::new().ok_or_else(|| Error::internal("cannot find the home directory: set HOME"))?;
        Ok(DeskFiles::at(dirs.config_dir()))
    }

    pub fn autostart_entry(&self) -> PathBuf {
        self.config_dir.join("autostart").join(AUTOSTART_FILE)
    }

    fn stored(&self) -> PathBuf {
        self.config_dir.join("gatehouse").join("desk.json")
    }

    /// The preferences as the files say now. An unreadable desk.json counts as "not full
    /// screen": a window that opens normally is the safe way to be wrong.
    pub fn read(&self) -> DeskPreferences {
        let stored: Stored = std::fs::read(self.stored()).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        DeskPreferences { start_on_boot: self.autostart_entry().is_file(), full_screen: stored.full_screen }
    }

    /// Writes `prefs` (a supervisor's change; the role is checked against the database).
    /// `program` is the app to start on boot: the running executable.
    pub fn update(&self, db: &Db, actor: &Actor, prefs: &DeskPreferences, program: &Path) -> Result<DeskPreferences> {
        db.read(|conn| guards::authorize(conn, actor, Role::Supervisor))?;
        if prefs.start_on_boot {
            write_atomically(&self.autostart_entry(), autostart_entry(program).as_bytes())?;
        } else {
            match std::fs::remove_file(self.autostart_entry()) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io_error(&self.autostart_entry(), e)),
                _ => {}
            }
        }
        let stored = serde_json::to_vec_pretty(&Stored { full_screen: prefs.full_screen }).map_err(|e| Error::internal(e.to_string()))?;
        write_atomically(&self.stored(), &stored)?;
        tracing::info!(start_on_boot = prefs.start_on_boot, full_screen = prefs.full_screen, "a supervisor changed this PC's preferences");
        Ok(self.read())
    }
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::new(ErrorCode::Storage, format!("cannot write {}: {e}", path.display()))
}

/// Temp file and rename: the desktop never reads half an entry.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(|e| io_error(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io_error(path, e))
}

/// The autostart entry (XDG Desktop Entry 1.5 and the Desktop Application Autostart spec).
fn autostart_entry(program: &Path) -> String {
    format!(
        "[Desktop Entry]\nType=Application\nVersion=1.5\nName=Gatehouse\nName[zh_CN]=门卫值班\n\
         Comment=Start the guard post's record with the session\nComment[zh_CN]=开机后自动打开门卫值班\n\
         Exec={}\nIcon=gatehouse-desktop\nTerminal=false\nX-GNOME-Autostart-enabled=true\n",
        exec_quoted(program)
    )
}

/// `program` as the Exec key's one argument: in double quotes, with `"`, `` ` ``, `$` and
/// `\` escaped by a backslash (the Exec rules), then every backslash doubled (the rules for
/// a string value, which are applied first when the entry is read).
fn exec_quoted(program: &Path) -> String {
    let mut quoted = String::from("\"");
    for c in program.to_string_lossy().chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted.replace('\\', "\\\\")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exec_line_quotes_and_escapes_the_program() {
        assert_eq!(exec_quoted(Path::new("/usr/bin/gatehouse-desktop")), "\"/usr/bin/gatehouse-desktop\"");
        assert_eq!(exec_quoted(Path::new("/opt/my app/$x\"")), "\"/opt/my app/\\\\$x\\\\\"\"");
    }

    #[test]
    fn nothing_written_reads_as_both_off() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(DeskFiles::at(dir.path()).read(), DeskPreferences::default());
        std::fs::create_dir_all(dir.path().join("gatehouse")).unwrap();
        std::fs::write(dir.path().join("gatehouse/desk.json"), "not json").unwrap();
        assert_eq!(DeskFiles::at(dir.path()).read(), DeskPreferences::default());
    }
}
