//! The `gatehouse` CLI: init, verify (exit codes and the named record), version.

use std::process::Command;

use crate::util::{valid_id, Fixture};

/// Runs the CLI; with `--db PATH`, the key file is the one a fixture in PATH's folder has
/// (`util::keys_in`), never the real ~/.config.
fn gatehouse(args: &[&str]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    command.args(args).env_remove("GATEHOUSE_DB");
    // The log goes beside the test's database (never into the runner's ~/.local/state).
    match args.iter().position(|a| *a == "--db").and_then(|i| args.get(i + 1)) {
        Some(db) => {
            let dir = std::path::Path::new(db).parent().unwrap();
            command.env("GATEHOUSE_KEY_FILE", crate::util::keys_in(dir).path()).env("XDG_STATE_HOME", dir.join("state"))
        }
        None => {
            command.env("GATEHOUSE_KEY_FILE", "/nonexistent/gatehouse-test.key").env("XDG_STATE_HOME", std::env::temp_dir().join("gatehouse-cli-test-state"))
        }
    };
    command.output().expect("run gatehouse")
}

#[test]
fn init_then_verify_exits_zero_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site.db");
    let db = db.to_str().unwrap();
    let out = gatehouse(&["--db", db, "init", "--site", "示例学校", "--gate", "东门", "--supervisor", "王主管", "--pin", "246810"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = gatehouse(&["--db", db, "verify"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.starts_with("ok: ") && stdout.lines().count() == 1, "{stdout}");
}

#[test]
fn a_relative_database_path_is_used_as_an_absolute_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["--db", "site.db", "init", "--site", "示例学校", "--gate", "东门", "--supervisor", "王主管", "--pin", "246810"])
        .current_dir(dir.path())
        .env_remove("GATEHOUSE_DB")
        .env("GATEHOUSE_KEY_FILE", crate::util::keys_in(dir.path()).path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let expected = format!("set up {}", dir.path().join("site.db").display());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().next(), Some(expected.as_str()), "the path files beside the database are named from");
}

#[test]
fn init_with_a_short_pin_fails_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site.db");
    let out = gatehouse(&["--db", db.to_str().unwrap(), "init", "--site", "s", "--gate", "g", "--supervisor", "n", "--pin", "123"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pin: must be 6 to 12 digits"));
}

/// Issue 16: the CLI logs to $XDG_STATE_HOME/gatehouse/logs, a failure by its code only:
/// the names and the PIN on the command line never reach the file.
#[test]
fn the_cli_logs_a_failure_by_its_code_and_never_what_was_typed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site.db");
    let out = gatehouse(&["--db", db.to_str().unwrap(), "init", "--site", "示例学校", "--gate", "东门", "--supervisor", "欧阳主管", "--pin", "98765"]);
    assert_eq!(out.status.code(), Some(1));
    let logs = dir.path().join("state/gatehouse/logs");
    let files: Vec<_> = std::fs::read_dir(&logs).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("gatehouse.") && name.ends_with(".log"), "{name}");
    let log = std::fs::read_to_string(&files[0]).unwrap();
    assert!(log.contains("gatehouse started") && log.contains("command=\"init\""), "{log}");
    assert!(log.contains("code=PinFormat") && log.contains("field=\"pin\""), "{log}");
    for typed in ["示例学校", "东门", "欧阳主管", "98765"] {
        assert!(!log.contains(typed), "{typed:?} in the log:\n{log}");
    }
}

#[test]
fn verify_names_a_visit_edited_with_sqlite() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let new = gatehouse::visits::NewVisit {
        name: "张伟".into(),
        id_number: valid_id("19900307", 5),
        host: "陈老师".into(),
        purpose: "面试".into(),
        ..Default::default()
    };
    let row = gatehouse::visits::check_in(&fx.db, &guard, &new).unwrap();
    fx.sqlite(&format!("UPDATE visit SET checked_in_at_ms = checked_in_at_ms - 3600000 WHERE id = {}", row.id));
    let out = gatehouse(&["--db", fx.path().to_str().unwrap(), "verify"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&format!("visit {} (id {})", row.uid, row.id)) && stdout.contains("checked_in_at_ms"), "{stdout}");
}

#[test]
fn verify_of_a_missing_file_fails_without_creating_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nope.db");
    let out = gatehouse(&["--db", db.to_str().unwrap(), "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!db.exists());
}

#[test]
fn version_prints_the_crate_version() {
    let out = gatehouse(&["--version"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn demo_data_verifies_and_backup_restore_round_trips_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    let backup = dir.path().join("backup.db");
    assert!(gatehouse(&["--db", db, "init", "--site", "演示学校", "--gate", "东门", "--supervisor", "王主管", "--pin", "246810"]).status.success());
    let out = gatehouse(&["--db", db, "demo", "--visits", "2000", "--pin", "246810"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let conn = crate::util::raw(std::path::Path::new(db), &crate::util::keys_in(dir.path()));
    let (visits, inside): (i64, i64) =
        conn.query_row("SELECT count(*), count(*) FILTER (WHERE checked_out_at_ms IS NULL) FROM visit", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((visits, inside), (2000, 30));
    drop(conn);
    assert_eq!(gatehouse(&["--db", db, "verify"]).status.code(), Some(0));
    let out = gatehouse(&["--db", db, "backup", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let restored = dir.path().join("restored.db");
    let out = gatehouse(&["--db", restored.to_str().unwrap(), "restore", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(gatehouse(&["--db", restored.to_str().unwrap(), "verify"]).status.code(), Some(0));
    let out = gatehouse(&["--db", db, "backup", dir.path().join("no-such-drive/b.db").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("backup folder does not exist"));
}

#[test]
fn export_visits_writes_masked_csv_and_xlsx_and_full_ids_need_the_supervisor_pin() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let id = valid_id("19900307", 5);
    let new =
        gatehouse::visits::NewVisit { name: "张伟".into(), id_number: id.clone(), host: "陈老师".into(), purpose: "面试".into(), ..Default::default() };
    gatehouse::visits::check_in(&fx.db, &guard, &new).unwrap();
    let db = fx.path();
    let db = db.to_str().unwrap();
    // The fixture's clock is 2026-11-28 10:00 in China; the CLI reads the PC's time zone, so
    // take a range that holds that instant in any zone.
    let csv = fx.dir.path().join("visits.csv");
    let out = gatehouse(&["--db", db, "export", "visits", "--from", "2026-11-27", "--to", "2026-11-29", "--format", "csv", "--out", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("exported 1 visits to "));
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("登记时间,离开时间,姓名") && lines[1].contains("张伟") && lines[1].contains(&format!("**************{}", &id[14..])));
    assert!(!text.contains(&id));

    let xlsx = fx.dir.path().join("visits.xlsx");
    let out = gatehouse(&["--db", db, "export", "visits", "--from", "2026-11-27", "--to", "2026-11-29", "--format", "xlsx", "--out", xlsx.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let cells: Vec<String> = range.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(cells.contains(&"证件号码".to_string()) && cells.contains(&"张伟".to_string()));
    assert!(cells.contains(&format!("**************{}", &id[14..])) && !cells.contains(&id));

    let out = gatehouse(&[
        "--db",
        db,
        "export",
        "visits",
        "--from",
        "2026-11-27",
        "--to",
        "2026-11-29",
        "--format",
        "csv",
        "--out",
        csv.to_str().unwrap(),
        "--full-ids",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pin: --full-ids needs a supervisor's --pin"));
    let out = gatehouse(&[
        "--db",
        db,
        "export",
        "visits",
        "--from",
        "2026-11-27",
        "--to",
        "2026-11-29",
        "--format",
        "csv",
        "--out",
        csv.to_str().unwrap(),
        "--full-ids",
        "--pin",
        "246810",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read_to_string(&csv).unwrap().contains(&id));

    let out = gatehouse(&["--db", db, "export", "visits", "--from", "2026-11-29", "--to", "2026-11-27", "--format", "csv", "--out", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("to: 2026-11-27 is before 2026-11-29"));
    let out = gatehouse(&["--db", db, "export", "visits", "--from", "2026-11-27", "--to", "2026-11-29", "--format", "pdf", "--out", csv.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("format: `pdf` is not a format"));
    // /dev/full (a device that is always full) is Linux's.
    if cfg!(target_os = "linux") {
        let out = gatehouse(&["--db", db, "export", "visits", "--from", "2026-11-27", "--to", "2026-11-29", "--format", "csv", "--out", "/dev/full"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("out: the disk is full"));
    }

    // Every export made is in the chain: the masked ones without a login (`logged_in: false`),
    // the full one as the supervisor; the chain still verifies.
    let conn = fx.conn();
    let mut stmt = conn.prepare("SELECT body FROM audit_event WHERE action = 'visits_exported' ORDER BY seq").unwrap();
    let bodies: Vec<serde_json::Value> = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(|b| serde_json::from_str(&b.unwrap()).unwrap()).collect();
    let seen: Vec<(bool, bool, &str)> =
        bodies.iter().map(|b| (b["actor"].is_null(), b["detail"]["logged_in"].as_bool().unwrap(), b["detail"]["id_numbers"].as_str().unwrap())).collect();
    assert_eq!(seen, vec![(true, false, "masked"), (true, false, "masked"), (false, true, "full")]);
    assert_eq!(gatehouse(&["--db", db, "verify"]).status.code(), Some(0));
}

#[test]
fn purge_removes_old_personal_data_and_verify_still_exits_zero() {
    let fx = Fixture::new();
    // Years before any plausible "now" of the machine running the test.
    fx.clock.set_ms(crate::util::T0_MS - 3000 * 86_400_000);
    let guard = fx.guard();
    let new = gatehouse::visits::NewVisit {
        name: "鑫淼焱".into(),
        id_number: valid_id("19900307", 6),
        host: "陈老师".into(),
        purpose: "面试".into(),
        ..Default::default()
    };
    let row = gatehouse::visits::check_in(&fx.db, &guard, &new).unwrap();
    gatehouse::visits::check_out(&fx.db, &guard, &gatehouse::visits::CheckOut { visit_id: row.id, ..Default::default() }).unwrap();
    let db = fx.path();
    let db = db.to_str().unwrap();
    let out = gatehouse(&["--db", db, "purge"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("180 days: 1 visits, 0 pick-ups, 0 vehicle visits"), "{stdout}");
    assert_eq!(gatehouse(&["--db", db, "verify"]).status.code(), Some(0));
    let again = gatehouse(&["--db", db, "purge"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains(": 0 visits"), "a second purge touches nothing");
}

#[test]
fn pass_key_distrust_from_the_cli_refuses_the_keys_passes_and_names_the_new_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site.db");
    let db = db.to_str().unwrap();
    let run = |args: &[&str]| {
        let out = gatehouse(&[&["--db", db], args].concat());
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    assert_eq!(run(&["init", "--site", "示例学校", "--gate", "东门", "--supervisor", "王主管", "--pin", "246810"]).0, Some(0));
    let today = chrono::Local::now().date_naive();
    let (from, to) = ((today - chrono::Days::new(1)).to_string(), (today + chrono::Days::new(30)).to_string());
    let (code, issued, err) = run(&["pass", "issue", "--kind", "staff", "--holder", "陈老师", "--from", &from, "--to", &to, "--pin", "246810"]);
    assert_eq!(code, Some(0), "{err}");
    let digits = issued.lines().nth(1).unwrap().to_string();
    assert_eq!(run(&["pass", "verify", &digits]).0, Some(0));

    let (code, listed, _) = run(&["pass", "key", "list", "--pin", "246810"]);
    assert_eq!(code, Some(0));
    let line = listed.lines().next().unwrap().to_string();
    let key_id = line.split('\t').next().unwrap().to_string();
    assert!(line.contains("\town\t示例学校\t") && line.ends_with("\tcurrent"), "{line}");
    let fingerprint = line.split('\t').nth(3).unwrap().to_string();
    assert_eq!(fingerprint.len(), 29, "six groups of four digits: {line}");

    let (code, _, err) = run(&["pass", "key", "distrust", &key_id, "--reason", " ", "--pin", "246810"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("distrust_reason"), "{err}");
    let (code, out, err) = run(&["pass", "key", "distrust", &key_id, "--reason", "电脑失窃", "--pin", "246810"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains(&format!("distrusted key {key_id}")) && out.contains("new signing key"), "{out}");
    let (code, out, _) = run(&["pass", "verify", &digits]);
    assert_eq!((code, out.split(' ').next()), (Some(1), Some("key_distrusted")));
    let (_, listed, _) = run(&["pass", "key", "list", "--pin", "246810"]);
    assert!(listed.lines().any(|l| l.starts_with(&format!("{key_id}\t")) && l.contains("distrusted") && l.contains("王主管: 电脑失窃")), "{listed}");
    assert_eq!(run(&["verify"]).0, Some(0));
}

#[test]
fn pass_key_import_from_the_cli_shows_the_fingerprint_and_imports_only_when_it_is_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a").join("site.db"), dir.path().join("b").join("site.db"));
    let run = |db: &std::path::Path, args: &[&str]| {
        let out = gatehouse(&[&["--db", db.to_str().unwrap()], args].concat());
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    for (db, gate) in [(&a, "东门"), (&b, "北门")] {
        assert_eq!(run(db, &["init", "--site", "示例学校", "--gate", gate, "--supervisor", "王主管", "--pin", "246810"]).0, Some(0));
    }
    let file = dir.path().join("east-key.json");
    let (code, out, err) = run(&a, &["pass", "key", "export", file.to_str().unwrap(), "--pin", "246810"]);
    assert_eq!(code, Some(0), "{err}");
    let printed = out.lines().find_map(|l| l.strip_prefix("fingerprint ")).expect("the exporting gate prints the fingerprint").to_string();

    let file = file.to_str().unwrap();
    let (code, out, err) = run(&b, &["pass", "key", "import", file, "--pin", "246810"]);
    assert_eq!(code, Some(2), "without a confirmed fingerprint nothing is imported");
    assert!(out.contains(&format!("fingerprint {printed}")) && err.contains("--fingerprint"), "{out}{err}");
    let (code, _, err) = run(&b, &["pass", "key", "import", file, "--fingerprint", "1111 2222 3333 4444 5555 6666", "--pin", "246810"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("fingerprint") && err.contains("do not import it"), "{err}");
    let (_, listed, _) = run(&b, &["pass", "key", "list", "--pin", "246810"]);
    assert!(!listed.contains("imported"), "{listed}");
    let (code, out, err) = run(&b, &["pass", "key", "import", file, "--fingerprint", &printed, "--pin", "246810"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains(&printed), "{out}");
    let (_, listed, _) = run(&b, &["pass", "key", "list", "--pin", "246810"]);
    assert!(listed.lines().any(|l| l.contains("\timported\t") && l.contains(&printed)), "{listed}");
}

/// Issue 15 item 4: with the PC's clock behind the times recorded, `purge` touches nothing,
/// says why and exits 3; `confirm-date` (a supervisor's PIN and what they checked) clears it.
#[test]
fn purge_pauses_with_exit_3_while_the_clock_is_behind_until_confirm_date() {
    let fx = Fixture::new();
    let db = fx.path();
    let db = db.to_str().unwrap();
    // The last record was written by a clock an hour ahead of this machine's.
    fx.sqlite(&format!("UPDATE clock_high_water SET at_ms = {}", chrono::Utc::now().timestamp_millis() + 3_600_000));
    let out = gatehouse(&["--db", db, "purge"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("purge paused: the clock reads 59 minutes earlier") || stdout.contains("reads 60 minutes earlier"), "{stdout}");
    assert!(stdout.contains("gatehouse confirm-date"), "{stdout}");
    let wrong = gatehouse(&["--db", db, "confirm-date", "--pin", "135799", "--reason", "核对"]);
    assert_eq!(wrong.status.code(), Some(1));
    let out = gatehouse(&["--db", db, "confirm-date", "--pin", crate::util::SUPERVISOR_PIN, "--reason", "已与手机网络时间核对"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("date confirmed: "));
    assert_eq!(gatehouse(&["--db", db, "purge"]).status.code(), Some(0));
    assert_eq!(gatehouse(&["--db", db, "verify"]).status.code(), Some(0));
}
