//! The log files of the app and the CLI: `$XDG_STATE_HOME/gatehouse/logs/` (default
//! `~/.local/state/gatehouse/logs/`), one file per program and day
//! (`gatehouse-desktop.2026-12-03.log`, `gatehouse.2026-12-03.log`), the last 14 of each kept.
//!
//! Owns: where the logs are, the subscriber that writes them (`tracing`, daily rotation by
//! `tracing-appender`), the line format, and the helpers that log an error by its kind and
//! code. Every crate of ours then logs with the `tracing` macros.
//! Must not: receive personal data. Names, ID numbers, phones, plates, PINs, keys and
//! free text typed at the desk never go into a log line; an error is logged by kind, code
//! and field only (`error_fields`), because its message may quote what was typed. A site's
//! files (database, backups) are logged by path: a path is where to look, not who came.
//! Who calls it: `gatehouse-desktop` at start (src-tauri/src/lib.rs), the CLI in `main`.

use std::path::{Path, PathBuf};

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

use crate::{AppError, Error, ErrorCode, Result};

/// Daily files kept per program: two weeks covers a holiday closure and the time it takes
/// for someone from IT to come to the post.
pub const KEPT_FILES: usize = 14;

/// Where the logs go: `$XDG_STATE_HOME/gatehouse/logs`, else `~/.local/state/gatehouse/logs`.
/// The state directory is XDG's place for logs (they outlive a restart but are not data to
/// back up); `directories` only knows it on Linux, so elsewhere the data directory is used.
pub fn logs_dir() -> Result<PathBuf> {
    let dirs =
        directories::ProjectDirs::from("", "", "gatehouse").ok_or_else(|| Error::internal("cannot find the home directory for the log files: set HOME"))?;
    Ok(dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir()).join("logs"))
}

/// Local time to the second. No fractions: a log line then holds no digit run that a PIN or
/// phone check in the tests could match by chance, and nobody at a post needs microseconds.
struct LocalSeconds;

impl FormatTime for LocalSeconds {
    fn format_time(&self, w: &mut Writer<'_>) -> std::fmt::Result {
        write!(w, "{}", chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%:z"))
    }
}

/// Our crates log at `info`, everything else (Tauri, WebKit's wrappers, D-Bus) only warnings.
fn targets() -> Targets {
    Targets::new().with_default(LevelFilter::WARN).with_target("gatehouse", LevelFilter::INFO).with_target("gatehouse_desktop", LevelFilter::INFO)
}

/// Sets the process's subscriber: daily files named after `program` in `dir`, and, when
/// `echo_to_stderr`, warnings and errors on stderr as well (the app's terminal; the CLI
/// keeps stderr for its own messages). Returns where the files go.
pub fn init_in(dir: &Path, program: &str, echo_to_stderr: bool) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::new(ErrorCode::Storage, format!("cannot create the log folder {}: {e}", dir.display())))?;
    let files = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(program)
        .filename_suffix("log")
        .max_log_files(KEPT_FILES)
        .build(dir)
        .map_err(|e| Error::internal(format!("cannot open a log file in {}: {e}", dir.display())))?;
    let file_layer = tracing_subscriber::fmt::layer().with_writer(files).with_ansi(false).with_timer(LocalSeconds).with_filter(targets());
    let stderr_layer =
        echo_to_stderr.then(|| tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_timer(LocalSeconds).with_filter(LevelFilter::WARN));
    tracing_subscriber::registry().with(file_layer).with(stderr_layer).try_init().map_err(|e| Error::internal(format!("logging was already set up: {e}")))?;
    Ok(dir.to_path_buf())
}

/// `init_in` at `logs_dir()`. A PC where the logs cannot be written still runs: the caller
/// says so once on stderr and goes on without a log.
pub fn init(program: &str, echo_to_stderr: bool) -> Result<PathBuf> {
    init_in(&logs_dir()?, program, echo_to_stderr)
}

/// Logs an error by what it is, never by its text (which may quote a name or an ID number).
/// `what` names the operation (a command, a CLI subcommand, a background job).
pub fn error_fields(what: &str, err: &AppError) {
    tracing::warn!(op = what, kind = ?err.kind, code = ?err.code, field = err.field.as_deref().unwrap_or("-"), "failed");
}

/// A panic, logged by where it happened only: the panic's text may quote input.
pub fn panic_location(program: &str, info: &std::panic::PanicHookInfo<'_>) {
    let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
    let thread = std::thread::current().name().unwrap_or("unnamed").to_owned();
    tracing::error!(program, thread, at, "internal error (panic)");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_has_no_fraction_of_a_second() {
        let mut s = String::new();
        LocalSeconds.format_time(&mut Writer::new(&mut s)).unwrap();
        assert!(!s.contains('.'), "{s}");
        assert_eq!(s.len(), "2026-12-03T14:52:32+08:00".len(), "{s}");
    }
}
