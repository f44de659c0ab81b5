//! Tauri commands, one module per area. Every command runs off the UI thread
//! (`async`), because a PIN check (Argon2id) or an fsync must not freeze the window.
//! Add a command in three places: here, `build.rs` (COMMANDS) and capabilities/default.json.

pub mod app;
pub mod directory;
pub mod guards;
pub mod print;
pub mod session;
pub mod settings;
pub mod visitors;

use gatehouse::AppError;

pub type CommandResult<T> = Result<T, AppError>;
