//! `gatehouse`: the admin command line over the core, for deployments, tests and repair.
//!
//! Each subcommand opens the database, calls the core once and prints a one-line result.
//! Exit codes: 0 done, 1 the database is unsound (verify) or the command failed, 2 usage.
//! Must not: hold business rules.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use gatehouse::site::{self, SiteSetup};
use gatehouse::{audit, db, Clock, Db, Error};

#[derive(Parser)]
#[command(name = "gatehouse", version, about = "Gatehouse guard-post records: set-up, checks and repair")]
struct Cli {
    /// The database file (default: $GATEHOUSE_DB, else the OS data directory).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sets up a new database: the site, its gate and the first supervisor.
    Init {
        #[arg(long)]
        site: String,
        #[arg(long)]
        gate: String,
        #[arg(long)]
        supervisor: String,
        /// The supervisor's PIN, 6 to 12 digits.
        #[arg(long)]
        pin: String,
    },
    /// Checks the file (integrity_check) and the audit chain; names the first bad record.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("gatehouse: {err}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let path = match cli.db {
        Some(path) => path,
        None => db::default_db_path()?,
    };
    match cli.command {
        Command::Init { site, gate, supervisor, pin } => {
            let db = Db::open(&path, Clock::System)?;
            site::set_up(&db, &SiteSetup { site_name: site, gate_name: gate, supervisor_name: supervisor, pin })?;
            println!("set up {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify => verify(&path),
    }
}

fn verify(path: &std::path::Path) -> Result<ExitCode, Error> {
    if !path.exists() {
        eprintln!("gatehouse: no database at {}: check the path or GATEHOUSE_DB", path.display());
        return Ok(ExitCode::from(1));
    }
    let db = Db::open(path, Clock::System)?;
    let integrity: String = db.read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))?;
    if integrity != "ok" {
        println!("UNSOUND: the database file is damaged: {integrity}");
        return Ok(ExitCode::from(1));
    }
    match db.read(audit::verify)? {
        Ok(report) => {
            println!(
                "ok: {} audit events and {} records verified; chain head #{} {}",
                report.events,
                report.records,
                report.head.seq,
                report.head.short()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problem) => {
            println!("TAMPERED: {problem}");
            Ok(ExitCode::from(1))
        }
    }
}
