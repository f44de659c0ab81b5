//! Tauri commands, one module per area. Every command runs off the UI thread
//! (`async`), because a PIN check (Argon2id) or an fsync must not freeze the window.
//! Add a command in three places: here, `build.rs` (COMMANDS) and capabilities/default.json.
//! Every command body runs inside `guarded` (`guarded_async` for the one async fn): Tauri
//! runs a command in a spawned task and, when it panics, never answers the UI's promise, so
//! the form would hang. A panic becomes an `internal` error naming the command instead.

pub mod app;
pub mod backup;
pub mod desk;
pub mod directory;
pub mod duty;
pub mod guards;
pub mod passes;
pub mod print;
pub mod recovery;
pub mod reports;
pub mod search;
pub mod session;
pub mod settings;
pub mod vehicles;
pub mod visitors;

use gatehouse::AppError;

pub type CommandResult<T> = Result<T, AppError>;

/// The error the UI gets when command `name` panicked. The panic's own text is not passed on
/// (it may quote what was typed, such as an ID number).
fn panicked(name: &'static str) -> AppError {
    AppError::from(
        gatehouse::Error::internal(format!(
            "an internal error stopped `{name}`; it may not have been completed: check, try again, and tell the administrator if it happens again"
        ))
        .with_param("command", name),
    )
}

/// Every error answered to the UI goes to the log, by kind and code only (`gatehouse::logs`).
fn logged<T>(name: &'static str, result: CommandResult<T>) -> CommandResult<T> {
    if let Err(err) = &result {
        gatehouse::logs::error_fields(name, err);
    }
    result
}

/// Runs a command's body; a panic in it is answered with an `internal` error.
pub fn guarded<T>(name: &'static str, body: impl FnOnce() -> CommandResult<T>) -> CommandResult<T> {
    logged(name, std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or_else(|_| Err(panicked(name))))
}

/// `guarded` for an async command body.
pub async fn guarded_async<T>(name: &'static str, body: impl std::future::Future<Output = CommandResult<T>>) -> CommandResult<T> {
    let mut body = std::pin::pin!(body);
    let result =
        std::future::poll_fn(move |cx| match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| std::future::Future::poll(body.as_mut(), cx))) {
            Ok(poll) => poll,
            Err(_) => std::task::Poll::Ready(Err(panicked(name))),
        })
        .await;
    logged(name, result)
}

/// The event the UI shows its error screen for (App.svelte); its payload is the log folder.
pub const INTERNAL_ERROR_EVENT: &str = "internal-error";

/// The running app, for the panic hook to reach the window (set once in `setup`).
static APP: std::sync::OnceLock<tauri::AppHandle> = std::sync::OnceLock::new();

pub fn remember_app(app: &tauri::AppHandle) {
    let _ = APP.set(app.clone());
}

/// Replaces the default panic message (which would print the panic's text, possibly a
/// visitor's ID number) with the place it happened, in the log, and shows the error screen:
/// a panic in a command is answered with an `internal` error too, but one anywhere else
/// (the timer, a plugin) would otherwise leave the guard looking at a window that silently
/// stopped doing something.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        gatehouse::logs::panic_location("gatehouse-desktop", info);
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("gatehouse-desktop: internal error (panic) at {at}");
        if let Some(app) = APP.get() {
            let logs = gatehouse::logs::logs_dir().map(|d| d.display().to_string()).unwrap_or_default();
            let _ = tauri::Emitter::emit(app, INTERNAL_ERROR_EVENT, logs);
        }
    }));
}

#[cfg(test)]
mod guard_tests {
    use super::*;

    #[test]
    fn a_panicking_command_answers_with_an_internal_error_naming_it() {
        let err = guarded::<()>("check_in_visitor", || panic!("byte index 1 is not a char boundary")).unwrap_err();
        assert_eq!((err.kind, err.code), (gatehouse::ErrorKind::Internal, gatehouse::ErrorCode::Internal));
        assert_eq!(err.params.get("command").map(String::as_str), Some("check_in_visitor"));
        assert!(!err.message.contains("char boundary"), "{}", err.message);
        assert_eq!(guarded("ok", || Ok(7)).unwrap(), 7);
    }

    /// Collects what the log would get, for one test (a thread-local subscriber).
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn an_error_answered_to_the_ui_is_logged_by_code_and_field_never_by_its_text() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
        tracing::subscriber::with_default(subscriber, || {
            let err = gatehouse::Error::invalid("name", gatehouse::ErrorCode::NameCharacters, "name: 欧阳娜娜<b> is not a person's name");
            let _ = guarded::<()>("check_in_visitor", || Err(AppError::from(err)));
            let _ = guarded::<()>("scan_pass", || panic!("digits 110101199003074514"));
            let _ = guarded("get_status", || Ok(1));
        });
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("op=\"check_in_visitor\"") && log.contains("code=NameCharacters") && log.contains("field=\"name\""), "{log}");
        assert!(log.contains("op=\"scan_pass\"") && log.contains("code=Internal"), "{log}");
        assert!(!log.contains("get_status"), "a success is not an error: {log}");
        for personal in ["欧阳娜娜", "110101199003074514"] {
            assert!(!log.contains(personal), "{personal} in the log: {log}");
        }
    }

    #[test]
    fn a_panicking_async_command_answers_with_an_internal_error() {
        let err = tauri::async_runtime::block_on(guarded_async::<()>("save_page_pdf", async { panic!("boom") })).unwrap_err();
        assert_eq!((err.code, err.params.get("command").map(String::as_str)), (gatehouse::ErrorCode::Internal, Some("save_page_pdf")));
    }
}

#[cfg(test)]
mod tests {
    //! A command must be listed in three places (build.rs, the capability, the handler in
    //! lib.rs) and the UI may only call listed ones: this keeps the lists from drifting.

    use std::collections::BTreeSet;

    fn quoted_after(text: &str, marker: &str) -> BTreeSet<String> {
        text.split(marker).skip(1).filter_map(|rest| rest.split('"').next().map(str::to_owned)).collect()
    }

    #[test]
    fn every_command_is_registered_allowed_and_handled() {
        let build = include_str!("../../build.rs");
        let listed: BTreeSet<String> = build
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with('"') && l.ends_with("\","))
            .map(|l| l.trim_matches(|c| c == '"' || c == ',').to_owned())
            .collect();
        let allowed: BTreeSet<String> =
            quoted_after(include_str!("../../capabilities/default.json"), "\"allow-").into_iter().map(|p| p.replace('-', "_")).collect();
        let handled: BTreeSet<String> = include_str!("../lib.rs")
            .lines()
            .filter_map(|l| l.trim().strip_prefix("commands::"))
            .filter_map(|l| l.trim_end_matches(',').rsplit("::").next().map(str::to_owned))
            .collect();
        assert!(!listed.is_empty());
        assert_eq!(listed, allowed, "build.rs COMMANDS vs capabilities/default.json");
        assert_eq!(listed, handled, "build.rs COMMANDS vs the handler in lib.rs");
        // api.ts calls `call<T>('command', …)`: the first single-quoted word after `call<`.
        let ui_calls: BTreeSet<String> = include_str!("../../../ui/src/lib/api.ts")
            .split("call<")
            .skip(1)
            .filter_map(|rest| rest.split_once(">('").and_then(|(_, after)| after.split('\'').next()).map(str::to_owned))
            .collect();
        let unknown: Vec<&String> = ui_calls.difference(&listed).collect();
        assert!(!ui_calls.is_empty() && unknown.is_empty(), "the UI calls commands that are not allowed: {unknown:?}");
    }
}
