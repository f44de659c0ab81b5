//! `gatehouse`: the admin command line over the core, for deployments, tests and repair.
//!
//! Each subcommand opens the database, calls the core once and prints a one-line result.
//! Exit codes: 0 done, 1 the database is unsound (verify) or the command failed, 2 usage.
//! Must not: hold business rules.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use gatehouse::site::{self, SiteSetup};
use gatehouse::{audit, db, Clock, Db, Error, KeyFile};

#[derive(Parser)]
#[command(name = "gatehouse", version, about = "Gatehouse guard-post records: set-up, checks and repair")]
struct Cli {
    /// The database file (default: $GATEHOUSE_DB, else the OS data directory).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// The database key file (default: $GATEHOUSE_KEY_FILE, else
    /// ~/.config/gatehouse/database.key).
    #[arg(long, global = true, value_name = "FILE")]
    key_file: Option<PathBuf>,
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
    Verify {
        /// A checkpoint file: checked if it exists, then (when sound) rewritten with the
        /// current head, so a later truncation or rewrite of the chain is caught.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        /// A fingerprint printed on a handover slip, `SEQ:HEX` (repeatable).
        #[arg(long = "fingerprint", value_name = "SEQ:HEX")]
        fingerprints: Vec<String>,
    },
    /// Fills the database with synthetic demo data (never on a database in use at a gate).
    Demo {
        #[arg(long, default_value_t = 200)]
        visits: u64,
        /// Spread over this many past days.
        #[arg(long, default_value_t = 90)]
        days: i64,
        /// The PIN of the first supervisor.
        #[arg(long)]
        pin: String,
    },
    /// Writes a checked backup of the database to FILE (online backup API).
    Backup { file: PathBuf },
    /// Replaces the database with a checked backup (refused while the app is running). On a
    /// PC without the key file, --recovery-key opens the backup and becomes the key file.
    Restore {
        file: PathBuf,
        /// The site's recovery key as printed on its recovery sheet (XXXX-XXXX-…).
        #[arg(long, value_name = "KEY")]
        recovery_key: Option<String>,
    },
    /// Shows the recovery key again (a supervisor's --pin; the showing is logged).
    RecoveryKey {
        #[arg(long)]
        pin: String,
    },
    /// Purges the personal data of records older than the site's retention period (the app
    /// does this itself at start-up and daily); prints how many records it touched. Exits 3,
    /// touching nothing, while the PC's clock is in doubt (see confirm-date).
    Purge,
    /// A supervisor confirms that the PC's date and time are right, after the clock was found
    /// behind the times already recorded or more than a day ahead of the last purge: pass
    /// scans, the purge and backup rotation then work again. Logged.
    ConfirmDate {
        /// The first supervisor's PIN.
        #[arg(long)]
        pin: String,
        /// What the time was checked against (e.g. "mobile network time").
        #[arg(long)]
        reason: String,
    },
    /// Registers N synthetic visitors through the app's own check-in path, printing each
    /// visit's uid once its transaction committed (the crash test kills it mid-way).
    Stress {
        #[arg(long)]
        visits: u64,
        /// The PIN of the first supervisor (the check-ins are made as that account).
        #[arg(long)]
        pin: String,
    },
    /// Searches visits, pick-ups, vehicles, passes and duty entries (names, ID number,
    /// phone and plate fragments, serials), newest first.
    Search {
        /// At least 2 letters or digits.
        text: String,
        /// Only this kind: visit, pickup, vehicle, pass or duty (repeatable).
        #[arg(long = "kind")]
        kinds: Vec<String>,
        /// From this local date or time (`YYYY-MM-DD` or `YYYY-MM-DD HH:MM`).
        #[arg(long)]
        from: Option<String>,
        /// Until the end of this local date (or this time).
        #[arg(long)]
        to: Option<String>,
        /// Print the results as a JSON array (kind, uid, at_ms, title, subtitle).
        #[arg(long)]
        json: bool,
    },
    /// The evacuation roster (人员清点): everyone on site now, counted in people, by group.
    /// For a security office whose desk screen is unusable; works while the app runs.
    Roster {
        /// Print it as JSON: total_people, and groups (kind, people, rows).
        #[arg(long)]
        json: bool,
    },
    /// Holiday passes: issue one, import a sheet, or check a scanned code.
    #[command(subcommand)]
    Pass(PassCommand),
    /// Exports records of a range of duty days as CSV or XLSX.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Kindergarten authorised pickers lists (接送人名单).
    #[command(subcommand)]
    Pickers(PickersCommand),
}

#[derive(Subcommand)]
enum PickersCommand {
    /// Imports a CSV or XLSX sheet of authorised pickers, as the settings screen does: the
    /// classes in it have their lists replaced, all rows or none (as the first active
    /// supervisor, PIN asked with --pin). Exit 0 when imported, 1 when a row has a problem.
    Import {
        /// The sheet (`.xlsx`, else read as CSV); at most 10 MB.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The importing supervisor's PIN.
        #[arg(long)]
        pin: String,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// The visits checked in from --from to --to (duty days, both included), ID numbers and
    /// phones masked unless --full-ids with a supervisor's --pin (that choice is logged).
    Visits {
        /// First duty day, YYYY-MM-DD (local).
        #[arg(long)]
        from: String,
        /// Last duty day, YYYY-MM-DD (local), included.
        #[arg(long)]
        to: String,
        /// csv or xlsx
        #[arg(long)]
        format: String,
        /// The file to write (replaced if it exists; written completely or not at all).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Full ID numbers and phones (needs --pin of the first active supervisor).
        #[arg(long)]
        full_ids: bool,
        /// The supervisor's PIN (with --full-ids; without it, the export is made as that supervisor).
        #[arg(long)]
        pin: Option<String>,
    },
}

#[derive(Subcommand)]
enum PassCommand {
    /// Issues a pass (as the first active supervisor, whose PIN is asked with --pin) and
    /// prints its serial and code digits.
    Issue {
        /// holiday_resident, staff, contractor or temporary_visitor
        #[arg(long)]
        kind: String,
        #[arg(long)]
        holder: String,
        #[arg(long, default_value = "-")]
        department: String,
        /// Local time, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD`.
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// Gate numbers, e.g. `1,2` (default: every gate).
        #[arg(long, value_delimiter = ',')]
        gates: Vec<u8>,
        /// Daily window, e.g. `06:00-22:00`.
        #[arg(long, default_value = "")]
        window: String,
        #[arg(long, default_value = "CLI")]
        approved_by: String,
        /// The issuing supervisor's PIN.
        #[arg(long)]
        pin: String,
        /// Also write the QR code as a PNG image.
        #[arg(long)]
        png: Option<PathBuf>,
    },
    /// Pass-signing keys: list them, or distrust one.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Issues passes from a CSV or XLSX sheet, as the import screen does (all rows or none;
    /// as the first active supervisor, PIN asked with --pin) and prints the report: exit 0
    /// when issued, 1 when a row has a problem or the file is refused.
    Import {
        /// The sheet (`.xlsx`, else read as CSV); at most 10 MB.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The issuing supervisor's PIN.
        #[arg(long)]
        pin: String,
    },
    /// Checks a code as the gate would, without logging a scan: exit 0 valid, 1 refused.
    Verify {
        digits: String,
        /// Check as this gate number (default: the database's gate).
        #[arg(long)]
        gate: Option<u16>,
        /// Check at this local time instead of now (`YYYY-MM-DD HH:MM`).
        #[arg(long)]
        at: Option<String>,
        /// Direction: in or out.
        #[arg(long, default_value = "in")]
        direction: String,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Lists this database's pass-signing keys (own and imported), one a line, with their
    /// fingerprints.
    List {
        /// The supervisor's PIN.
        #[arg(long)]
        pin: String,
    },
    /// Writes this gate's current public key to FILE for another gate, and prints its
    /// fingerprint: print it or read it out, so the other gate's supervisor can compare.
    Export {
        file: PathBuf,
        /// The supervisor's PIN.
        #[arg(long)]
        pin: String,
    },
    /// Imports another gate's public key from FILE. Without --fingerprint it only prints the
    /// key's fingerprint; compare it with the one printed at the other gate, then run again
    /// with the fingerprint as you read it there.
    Import {
        file: PathBuf,
        /// The fingerprint shown at the exporting gate (24 digits, spaces allowed).
        #[arg(long)]
        fingerprint: Option<String>,
        /// How it was compared (kept in the audit log).
        #[arg(long, default_value = "指纹已在命令行核对 / fingerprint compared on the command line")]
        note: String,
        /// The supervisor's PIN.
        #[arg(long)]
        pin: String,
    },
    /// Distrusts (停用) a key, own or imported: every pass it signed is refused from now on.
    /// Permanent. The current own key is replaced by a new one at once.
    Distrust {
        /// The key's id, as `pass key list` prints it.
        key_id: u32,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: String,
        /// The supervisor's PIN.
        #[arg(long)]
        pin: String,
    },
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    // The subcommand's name only (`pass issue`): its arguments hold names and PINs.
    let command = match matches.subcommand() {
        Some((name, sub)) => sub.subcommand_name().map_or_else(|| name.to_owned(), |inner| format!("{name} {inner}")),
        None => String::new(),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    start_logging();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), command, "gatehouse started");
    match run(cli) {
        Ok(code) => {
            tracing::info!(command, ?code, "gatehouse done");
            code
        }
        Err(err) => {
            gatehouse::logs::error_fields(&command, &gatehouse::AppError::from(&err));
            eprintln!("gatehouse: {err}");
            ExitCode::from(1)
        }
    }
}

/// Logs to `$XDG_STATE_HOME/gatehouse/logs/gatehouse.DATE.log` (see `gatehouse::logs`); a
/// panic is logged by its place only. Without a writable log folder the command still runs.
fn start_logging() {
    if let Err(err) = gatehouse::logs::init("gatehouse", false) {
        eprintln!("gatehouse: no log file: {err}");
        return;
    }
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        gatehouse::logs::panic_location("gatehouse", info);
        default_hook(info);
    }));
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let path = match cli.db {
        Some(path) => path,
        None => db::default_db_path()?,
    };
    let keys = match cli.key_file {
        Some(file) => KeyFile::at(file),
        None => KeyFile::default_location()?,
    };
    match cli.command {
        Command::Init { site, gate, supervisor, pin } => {
            let db = Db::open(&path, Clock::System, &keys)?;
            let done = site::set_up(&db, &SiteSetup { site_name: site, gate_name: gate, supervisor_name: supervisor, pin })?;
            println!("set up {}", db.path().display());
            println!("database key file: {}", keys.path().display());
            println!("recovery key: {}", done.recovery_key);
            println!("write the recovery key down and give it to the security office: without it and the key file, no backup can be read");
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { checkpoint, fingerprints } => verify(&path, &keys, checkpoint.as_deref(), &fingerprints),
        Command::Stress { visits, pin } => stress(&path, &keys, visits, &pin),
        Command::Demo { visits, days, pin } => {
            let db = Db::open(&path, Clock::System, &keys)?;
            let actor = supervisor(&db, &pin)?;
            let started = std::time::Instant::now();
            let report = gatehouse::demo::generate(&db, &actor, visits, days, 20261128)?;
            println!(
                "added {} visits, {} vehicle visits, {} pick-ups, {} duty entries, {} passes ({} scans at the gate) and {} staff to {} in {:.1} s (all indexed for search)",
                report.visits,
                report.vehicles,
                report.pickups,
                report.duty_entries,
                report.passes,
                report.pass_scans,
                report.staff,
                path.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { file } => {
            let db = Db::open(&path, Clock::System, &keys)?;
            let report = gatehouse::backup::backup_to(&db, &file)?;
            println!("backed up to {} ({} bytes, {} records verified)", report.path, report.bytes, report.records);
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { file, recovery_key } => {
            let recovery = recovery_key.as_deref().map(gatehouse::DatabaseKey::parse_recovery).transpose()?;
            let report = gatehouse::backup::restore(&path, &file, &keys, recovery.as_ref())?;
            println!("restored {} from {} ({} records verified)", path.display(), file.display(), report.records);
            Ok(ExitCode::SUCCESS)
        }
        Command::Purge => {
            let db = Db::open(&path, Clock::System, &keys)?;
            let report = gatehouse::retention::purge_due(&db)?;
            if let Some(doubt) = report.paused {
                println!("purge paused: {}; check the PC's date and time, then run `gatehouse confirm-date --pin PIN --reason TEXT`", clock_doubt_text(doubt));
                return Ok(ExitCode::from(3));
            }
            println!(
                "purged personal data older than {} days: {} visits, {} pick-ups, {} vehicle visits, {} authorised pickers, {} passes, {} pass scans, {} old restore copies, {} old exports",
                report.retention_days,
                report.visits,
                report.pickups,
                report.vehicle_visits,
                report.authorised_pickers,
                report.passes,
                report.pass_scans,
                report.leftover_files,
                report.export_files
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::ConfirmDate { pin, reason } => {
            let db = Db::open(&path, Clock::System, &keys)?;
            let actor = supervisor(&db, &pin)?;
            let approval = gatehouse::guards::SupervisorOverride { supervisor_id: actor.guard_id(), pin, reason };
            gatehouse::clock_trust::confirm_date(&db, &actor, &approval)?;
            println!("date confirmed: {}", chrono::Local::now().format("%Y-%m-%d %H:%M"));
            Ok(ExitCode::SUCCESS)
        }
        Command::RecoveryKey { pin } => {
            let db = Db::open(&path, Clock::System, &keys)?;
            let actor = supervisor(&db, &pin)?;
            println!("recovery key: {}", gatehouse::backup::recovery_key(&db, &actor)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Pass(command) => pass(&path, &keys, command),
        Command::Pickers(PickersCommand::Import { file, pin }) => import_pickers(&path, &keys, &file, &pin),
        Command::Export(ExportCommand::Visits { from, to, format, out, full_ids, pin }) => {
            use gatehouse::reports::{self, DateRange, Format, IdNumbers};
            let range = DateRange::parse(&from, &to)?;
            let format = Format::parse(&format)?;
            if !path.is_file() {
                return Err(Error::new(gatehouse::ErrorCode::NotSetUp, format!("no database at {}: check the path or GATEHOUSE_DB", path.display())));
            }
            let db = Db::open(&path, Clock::System, &keys)?;
            let report = match (pin, full_ids) {
                (Some(pin), full) => {
                    let actor = supervisor(&db, &pin)?;
                    let ids = if full { IdNumbers::Full } else { IdNumbers::Masked };
                    reports::export_visits(&db, &actor, &range, format, &out, ids)?
                }
                (None, true) => return Err(Error::invalid("pin", gatehouse::ErrorCode::Required, "--full-ids needs a supervisor's --pin")),
                (None, false) => reports::export_visits_unattended(&db, &range, format, &out)?,
            };
            println!("exported {} visits to {} ({} bytes)", report.rows, report.path, report.bytes);
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { text, kinds, from, to, json } => search(&path, &keys, text, &kinds, from.as_deref(), to.as_deref(), json),
        Command::Roster { json } => roster(&path, &keys, json),
    }
}

fn roster(path: &std::path::Path, keys: &KeyFile, json: bool) -> Result<ExitCode, Error> {
    use gatehouse::headcount;
    use std::io::Write;
    if !path.exists() {
        eprintln!("gatehouse: no database at {}: check the path or GATEHOUSE_DB", path.display());
        return Ok(ExitCode::from(1));
    }
    let db = Db::open(path, Clock::System, keys)?;
    let roster = headcount::roster_as_admin(&db)?;
    let local =
        |ms: i64| chrono::DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default();
    let mut out = std::io::stdout().lock();
    if json {
        let groups: Vec<serde_json::Value> = roster
            .groups
            .iter()
            .map(|g| {
                let rows: Vec<serde_json::Value> = g
                    .rows
                    .iter()
                    .map(|r| {
                        serde_json::json!({ "id": r.id, "label": r.label, "names": r.names, "people": r.people, "detail": r.detail,
                        "id_number_masked": r.id_number_masked, "phone_masked": r.phone_masked, "since_ms": r.since_ms })
                    })
                    .collect();
                serde_json::json!({ "kind": g.kind.as_str(), "people": g.people, "rows": rows })
            })
            .collect();
        let doc = serde_json::json!({ "site": roster.site_name, "gate": roster.gate_name, "generated_at_ms": roster.generated_at_ms,
            "total_people": roster.total_people, "groups": groups });
        let _ = writeln!(out, "{doc}");
    } else {
        let _ =
            writeln!(out, "{} · {}   {}   total people on site: {}", roster.site_name, roster.gate_name, local(roster.generated_at_ms), roster.total_people);
        for group in &roster.groups {
            let _ = writeln!(out, "\n{} ({} people)", group.kind.as_str(), group.people);
            for (n, row) in group.rows.iter().enumerate() {
                let names = if row.names.is_empty() { String::new() } else { format!(" [{}]", row.names.join("、")) };
                let _ = writeln!(out, "{:>4}. {}  {} people{names}  {}  since {}", n + 1, row.label, row.people, row.detail, local(row.since_ms));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The first active supervisor, logged in with `pin` (the CLI acts as a supervisor).
fn clock_doubt_text(doubt: gatehouse::clock_trust::ClockDoubt) -> String {
    use gatehouse::clock_trust::ClockDoubt;
    let minutes = |ms: i64| ms / 60_000;
    match doubt {
        ClockDoubt::Behind { behind_ms } => format!("the clock reads {} minutes earlier than times already recorded", minutes(behind_ms)),
        ClockDoubt::JumpedForward { since_last_run_ms } => format!("{} hours have passed since the last purge", minutes(since_last_run_ms) / 60),
    }
}

fn supervisor(db: &Db, pin: &str) -> Result<gatehouse::actor::Actor, Error> {
    let id = gatehouse::guards::list_login_guards(db)?
        .into_iter()
        .find(|g| g.role == gatehouse::actor::Role::Supervisor)
        .map(|g| g.id)
        .ok_or_else(|| Error::forbidden("no active supervisor: run init first"))?;
    let mut session = gatehouse::session::Session::new();
    session.log_in(db, id, pin)?;
    session.actor(db)
}

fn local_ms(text: &str, end_of_day: bool) -> Result<i64, Error> {
    use chrono::{Local, NaiveDate, NaiveDateTime, TimeZone};
    let text = text.trim();
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(if end_of_day { 23 } else { 0 }, if end_of_day { 59 } else { 0 }, 0))
        })
        .ok_or_else(|| Error::invalid("time", gatehouse::ErrorCode::DateFormat, format!("`{text}` is not a time like 2027-01-10 08:00")))?;
    Local
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| Error::invalid("time", gatehouse::ErrorCode::DateFormat, "not a valid local time"))
}

fn search(path: &std::path::Path, keys: &KeyFile, text: String, kinds: &[String], from: Option<&str>, to: Option<&str>, json: bool) -> Result<ExitCode, Error> {
    use gatehouse::search::{self, SearchKind, SearchQuery};
    use std::io::Write;
    let kinds = kinds
        .iter()
        .map(|k| {
            SearchKind::parse(k).ok_or_else(|| {
                Error::invalid("kind", gatehouse::ErrorCode::InvalidChoice, format!("`{k}` is not a kind: use visit, pickup, vehicle, pass or duty"))
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let query = SearchQuery {
        text,
        kinds,
        from_ms: from.map(|t| local_ms(t, false)).transpose()?,
        // `--to DATE` includes that whole day.
        to_ms: to.map(|t| local_ms(t, true).map(|ms| if t.trim().len() == 10 { ms + 60_000 } else { ms })).transpose()?,
        ..Default::default()
    };
    if !path.exists() {
        eprintln!("gatehouse: no database at {}: check the path or GATEHOUSE_DB", path.display());
        return Ok(ExitCode::from(1));
    }
    let db = Db::open(path, Clock::System, keys)?;
    let results = search::search_as_admin(&db, &query)?;
    if json {
        let rows: Vec<serde_json::Value> = results
            .hits()
            .into_iter()
            .map(|h| serde_json::json!({ "kind": h.kind, "id": h.id, "uid": h.uid, "at_ms": h.at_ms, "title": h.title, "subtitle": h.subtitle }))
            .collect();
        // A closed pipe (`| head`) is not an error worth a panic.
        let _ = writeln!(std::io::stdout().lock(), "{}", serde_json::to_string(&rows).unwrap_or_default());
    } else {
        for hit in results.hits() {
            let at = chrono::DateTime::from_timestamp_millis(hit.at_ms)
                .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default();
            let _ = writeln!(std::io::stdout().lock(), "{:<8} {at}  {}  {}", hit.kind.as_str(), hit.title, hit.subtitle);
        }
        println!("{} found{}", results.total, if results.truncated { " (more match: narrow the search)" } else { "" });
    }
    Ok(ExitCode::SUCCESS)
}

fn stress(path: &std::path::Path, keys: &KeyFile, visits: u64, pin: &str) -> Result<ExitCode, Error> {
    use std::io::Write;
    let db = Db::open(path, Clock::System, keys)?;
    let actor = supervisor(&db, pin)?;
    db.read(gatehouse::demo::refuse_live_database)?;
    let mut out = std::io::stdout().lock();
    for i in 0..visits {
        let first17 = format!("110101{}{:02}{:02}{:03}", 1960 + i % 40, 1 + i % 12, 1 + i % 28, i % 1000);
        let check = gatehouse::validate::cn_id::check_char(&first17).unwrap_or('0');
        let new = gatehouse::visits::NewVisit {
            name: gatehouse::demo::STRESS_MARK.into(),
            id_number: format!("{first17}{check}"),
            host: "值班室".into(),
            purpose: gatehouse::demo::STRESS_MARK.into(),
            ..Default::default()
        };
        let row = gatehouse::visits::check_in(&db, &actor, &new)?;
        // Printed only after COMMIT returned: every uid printed must survive a crash.
        writeln!(out, "{}", row.uid)?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

fn pass(path: &std::path::Path, keys: &KeyFile, command: PassCommand) -> Result<ExitCode, Error> {
    use gatehouse::passes::{self, scan};
    match command {
        PassCommand::Issue { kind, holder, department, from, to, gates, window, approved_by, pin, png } => {
            let db = Db::open(path, Clock::System, keys)?;
            let actor = supervisor(&db, &pin)?;
            let kind = passes::PassKind::parse(&kind).ok_or_else(|| {
                Error::invalid("kind", gatehouse::ErrorCode::InvalidChoice, "must be holiday_resident, staff, contractor or temporary_visitor")
            })?;
            let new = passes::NewPass {
                kind,
                holder_name: holder,
                department,
                valid_from_ms: local_ms(&from, false)?,
                valid_to_ms: local_ms(&to, true)?,
                daily_window: window,
                gates,
                approved_by,
                ..Default::default()
            };
            let card = passes::issue(&db, &actor, &new)?;
            if let Some(png_path) = png {
                std::fs::write(&png_path, passes::qr_png(&card.code, 6)?)?;
            }
            println!("serial {}", card.pass.serial);
            println!("{}", card.code);
            Ok(ExitCode::SUCCESS)
        }
        PassCommand::Key(KeyCommand::List { pin }) => {
            use std::io::Write;
            let db = Db::open(path, Clock::System, keys)?;
            let actor = supervisor(&db, &pin)?;
            let mut out = std::io::stdout().lock();
            for key in passes::keys::list(&db, &actor)? {
                let _ = writeln!(out, "{}", key_line(&key));
            }
            Ok(ExitCode::SUCCESS)
        }
        PassCommand::Key(KeyCommand::Export { file, pin }) => {
            let db = Db::open(path, Clock::System, keys)?;
            let actor = supervisor(&db, &pin)?;
            let export = passes::keys::export_public(&db, &actor)?;
            std::fs::write(&file, serde_json::to_string_pretty(&export).map_err(|e| Error::internal(e.to_string()))?)?;
            let public = hex::decode(&export.public_key_hex).unwrap_or_default();
            println!("public key {} ({}) written to {}", export.key_id, export.label, file.display());
            println!("fingerprint {}", passes::keys::fingerprint(export.key_id, &public));
            Ok(ExitCode::SUCCESS)
        }
        PassCommand::Key(KeyCommand::Import { file, fingerprint, note, pin }) => {
            let json = std::fs::read_to_string(&file)?;
            let db = Db::open(path, Clock::System, keys)?;
            let actor = supervisor(&db, &pin)?;
            let preview = passes::keys::preview_import(&db, &actor, &json)?;
            let Some(fingerprint) = fingerprint else {
                println!("key {} ({})", preview.key_id, preview.label);
                println!("fingerprint {}", preview.fingerprint);
                eprintln!(
                    "not imported: compare this fingerprint with the one printed at the other gate, then run again with --fingerprint \"{}\"",
                    preview.fingerprint
                );
                return Ok(ExitCode::from(2));
            };
            let approval = gatehouse::guards::SupervisorOverride { supervisor_id: actor.guard_id(), pin, reason: note };
            let key = passes::keys::import_public(&db, &actor, &json, &passes::keys::KeyImportConfirmation { fingerprint, approval })?;
            println!("imported key {} ({}), fingerprint {}", key.key_id, key.label, key.fingerprint);
            Ok(ExitCode::SUCCESS)
        }
        PassCommand::Key(KeyCommand::Distrust { key_id, reason, pin }) => {
            let db = Db::open(path, Clock::System, keys)?;
            let actor = supervisor(&db, &pin)?;
            let done = passes::keys::distrust(&db, &actor, key_id, &reason)?;
            println!("distrusted key {}: every pass it signed is refused from now on", done.key.key_id);
            if let Some(new) = done.replaced_by {
                println!("new signing key {}: re-issue the passes, and export the public key to the other gates again", new.key_id);
            }
            Ok(ExitCode::SUCCESS)
        }
        PassCommand::Import { file, pin } => {
            // Refused by its size before it is read into memory.
            gatehouse::sheet::check_file_size("import_file", usize::try_from(std::fs::metadata(&file)?.len()).unwrap_or(usize::MAX))?;
            let bytes = std::fs::read(&file)?;
            let db = Db::open(path, Clock::System, keys)?;
            let actor = supervisor(&db, &pin)?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let report = passes::import::import(&db, &actor, &name, &bytes)?;
            for problem in &report.problems {
                println!("row {}, {}: {}", problem.row, problem.field, problem.message);
            }
            if !report.problems.is_empty() {
                println!("nothing issued: {} problem(s); fix the rows and import the whole file again", report.problems.len());
                return Ok(ExitCode::from(1));
            }
            for pass in &report.issued {
                println!("serial {} {}", pass.serial, pass.holder_name);
            }
            println!("issued {} passes", report.issued.len());
            Ok(ExitCode::SUCCESS)
        }
        PassCommand::Verify { digits, gate, at, direction } => {
            let db = Db::open(path, Clock::System, keys)?;
            let at_ms = at.as_deref().map(|text| local_ms(text, false)).transpose()?;
            let direction = if direction == "out" { scan::Direction::Out } else { scan::Direction::In };
            let check = scan::check(&db, &digits, direction, gate, at_ms)?;
            println!("{} {}", check.outcome.as_str(), check.holder_hint);
            Ok(if check.outcome == scan::Outcome::Valid { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

fn import_pickers(path: &std::path::Path, keys: &KeyFile, file: &std::path::Path, pin: &str) -> Result<ExitCode, Error> {
    // Refused by its size before it is read into memory.
    gatehouse::sheet::check_file_size("import_file", usize::try_from(std::fs::metadata(file)?.len()).unwrap_or(usize::MAX))?;
    let bytes = std::fs::read(file)?;
    let db = Db::open(path, Clock::System, keys)?;
    let actor = supervisor(&db, pin)?;
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let report = gatehouse::pickers::import(&db, &actor, &name, &bytes)?;
    for problem in &report.problems {
        println!("row {}, {}: {}", problem.row, problem.field, problem.message);
    }
    if !report.problems.is_empty() {
        println!("no list changed: {} problem(s); fix the rows and import the whole file again", report.problems.len());
        return Ok(ExitCode::from(1));
    }
    for class in &report.classes {
        println!("{}: {} added, {} replaced", class.class_name, class.added, class.removed);
    }
    Ok(ExitCode::SUCCESS)
}

/// `KEY_ID  own|imported  LABEL  FINGERPRINT  STATE` (tab-separated; STATE: current, retired, verifies or distrusted with when, by whom and why).
fn key_line(key: &gatehouse::passes::keys::PassKey) -> String {
    let when =
        |ms: i64| chrono::DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default();
    let state = match (key.distrusted_at_ms, key.retired_at_ms) {
        (Some(at), _) => format!("distrusted {} by {}: {}", when(at), key.distrusted_by, key.distrust_reason),
        (None, _) if key.current => "current".to_string(),
        (None, Some(at)) => format!("retired {}", when(at)),
        (None, None) => "verifies".to_string(),
    };
    format!("{}\t{}\t{}\t{}\t{}", key.key_id, if key.own { "own" } else { "imported" }, key.label, key.fingerprint, state)
}

fn verify(path: &std::path::Path, keys: &KeyFile, checkpoint: Option<&std::path::Path>, fingerprints: &[String]) -> Result<ExitCode, Error> {
    if !path.exists() {
        eprintln!("gatehouse: no database at {}: check the path or GATEHOUSE_DB", path.display());
        return Ok(ExitCode::from(1));
    }
    // A write-protected copy (an archive, evidence on read-only media) can still be checked.
    let db = match Db::open(path, Clock::System, keys) {
        Err(err) if err.code() == gatehouse::ErrorCode::DatabaseReadOnly => Db::open_read_only(path, Clock::System, keys)?,
        other => other?,
    };
    let integrity: String = db.read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))?;
    if integrity != "ok" {
        println!("UNSOUND: the database file is damaged: {integrity}");
        return Ok(ExitCode::from(1));
    }
    let mut anchors = Vec::new();
    for text in fingerprints {
        match audit::Anchor::parse(text) {
            Some(anchor) => anchors.push(anchor),
            None => {
                eprintln!("gatehouse: `{text}` is not a fingerprint like 1234:1acb77d0b0437b5b");
                return Ok(ExitCode::from(2));
            }
        }
    }
    if let Some(file) = checkpoint.filter(|f| f.exists()) {
        let text = std::fs::read_to_string(file)?;
        match serde_json::from_str::<audit::Anchor>(&text) {
            Ok(anchor) => anchors.push(anchor),
            Err(_) => {
                println!("UNSOUND: the checkpoint file {} cannot be read", file.display());
                return Ok(ExitCode::from(1));
            }
        }
    }
    for anchor in &anchors {
        if let Err(problem) = db.read(|c| audit::check_anchor(c, anchor))? {
            println!("TAMPERED: {problem}");
            return Ok(ExitCode::from(1));
        }
    }
    match db.read(audit::verify)? {
        Ok(report) => {
            if let Some(file) = checkpoint {
                let anchor = audit::Anchor { seq: report.head.seq, hash_prefix: report.head.hash_hex.clone() };
                std::fs::write(file, serde_json::to_string(&anchor).unwrap_or_default())?;
            }
            println!("ok: {} audit events and {} records verified; chain head #{} {}", report.events, report.records, report.head.seq, report.head.short());
            Ok(ExitCode::SUCCESS)
        }
        Err(problem) => {
            println!("TAMPERED: {problem}");
            Ok(ExitCode::from(1))
        }
    }
}
