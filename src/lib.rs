//! Gatehouse core: the guard post's official record on one SQLite file.
//!
//! Everything that decides or stores lives here; the desktop shell (`src-tauri/`) and the
//! `gatehouse` CLI (`src/main.rs`) only call it. No Tauri, no WebKit in this crate.
//! Start reading at `db` (the store), `audit` (the hash chain) and `session` (who is on duty).

pub mod actor;
pub mod audit;
pub mod backup;
pub mod bindings;
pub mod catalogue;
pub mod checklist;
pub(crate) mod cipher;
pub mod clock;
pub mod clock_trust;
pub mod db;
pub mod dbkey;
pub mod demo;
pub mod desk;
pub mod duty;
pub mod error;
pub mod goods;
pub mod guards;
pub mod handover;
pub mod headcount;
pub mod logs;
pub mod on_duty;
pub mod passes;
pub mod photo;
pub mod pickers;
pub mod pickups;
pub mod pii;
pub mod qr;
pub mod reports;
pub mod retention;
pub(crate) mod schema;
pub mod search;
pub mod session;
pub mod sheet;
pub mod signature;
pub mod site;
pub mod slip;
pub mod staff;
pub mod status;
pub mod validate;
pub mod vehicles;
pub mod visits;
pub mod watchlist;

pub use clock::Clock;
pub use db::Db;
pub use dbkey::{DatabaseKey, KeyFile};
pub use error::{AppError, Error, ErrorCode, ErrorKind, Result};
