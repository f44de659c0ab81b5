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
mod handover;
mod headcount;
mod import_fuzz;
mod limits;
mod guards;
mod hostile;
mod migrations;
mod session;
mod passes;
mod pickers;
mod pickups;
mod reports;
mod search;
mod retention;
mod staff;
mod supervision;
mod visits;
mod vehicles;
mod watchlist;
