//! Core integration tests: a real SQLite file in a temp dir per test, driven through the
//! public API the shell and the CLI use. One module per area; helpers in `util`.

mod util;

mod audit;
mod backup;
mod cli;
mod crash;
mod desk;
mod duty;
mod encryption;
mod faults;
mod guards;
mod handover;
mod headcount;
mod hostile;
mod import_fuzz;
mod limits;
mod migrations;
mod passes;
mod pickers;
mod pickups;
mod reports;
mod retention;
mod search;
mod session;
mod staff;
mod supervision;
mod vehicles;
mod visits;
mod watchlist;
