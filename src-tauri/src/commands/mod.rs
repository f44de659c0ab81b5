//! Tauri commands, one module per area. Every command runs off the UI thread
//! (`async`), because a PIN check (Argon2id) or an fsync must not freeze the window.
//! Add a command in three places: here, `build.rs` (COMMANDS) and capabilities/default.json.

pub mod app;
pub mod backup;
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
