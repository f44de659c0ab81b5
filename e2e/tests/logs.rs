//! Issue 16: after the real-window suite, its log files exist and hold none of the personal
//! data the suite typed (names, ID numbers, phones, plates, PINs).
//!
//! `#[ignore]`: it reads what the whole run left in `harness::run_dir()`, so `make e2e` runs
//! it once the suite is done (`--ignored`), never in the middle of it.

use std::path::PathBuf;

use anyhow::{ensure, Context, Result};

use crate::harness::{run_dir, state_dir};

/// What counts as personal data among the typed text: anything with a Chinese character
/// (names, plates, and addresses or notes that could name someone) and anything with 6 or
/// more digits in a row (PINs, phones, ID numbers). Short numbers (a count of companions) and
/// dates (`2026-12-03`, which every log line's time holds) are not.
fn personal(typed: &str) -> bool {
    let longest_digit_run = typed.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
    typed.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) || longest_digit_run >= 6
}

/// Whether `needle` is in `log` and, when it is all digits, not merely inside a longer number.
fn found(log: &str, needle: &str) -> bool {
    if !needle.chars().all(|c| c.is_ascii_digit()) {
        return log.contains(needle);
    }
    log.match_indices(needle).any(|(at, _)| {
        let before = log[..at].chars().next_back().is_some_and(|c| c.is_ascii_digit());
        let after = log[at + needle.len()..].chars().next().is_some_and(|c| c.is_ascii_digit());
        !before && !after
    })
}

#[test]
#[ignore = "run by `make e2e` after the suite"]
fn the_logs_hold_nothing_personal_the_suite_typed() {
    if let Err(e) = check() {
        panic!("{e:#}");
    }
}

fn check() -> Result<()> {
    let logs_dir = state_dir().join("gatehouse").join("logs");
    let files: Vec<PathBuf> = std::fs::read_dir(&logs_dir)
        .with_context(|| format!("no log folder {} (run the suite first: make e2e)", logs_dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    let name = |f: &PathBuf| f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    ensure!(files.iter().any(|f| name(f).starts_with("gatehouse-desktop.")), "no app log in {files:?}");
    ensure!(files.iter().any(|f| name(f).starts_with("gatehouse.")), "no CLI log in {files:?}");
    let mut logs = String::new();
    for f in &files {
        logs.push_str(&std::fs::read_to_string(f).with_context(|| format!("read {}", f.display()))?);
    }
    // What the log must say: start-up facts, errors answered to the UI by code, the timer.
    for needle in ["gatehouse-desktop started", "schema=", "webkit=", "op=\"log_in\"", "code=WrongPin", "retention purge ran"] {
        ensure!(logs.contains(needle), "the logs lack {needle:?}");
    }

    let typed = std::fs::read_to_string(run_dir().join("typed.txt")).context("typed.txt: the suite noted nothing it typed")?;
    let mut checked = 0;
    let mut leaks = Vec::new();
    for value in typed.lines().map(str::trim).filter(|v| personal(v)) {
        checked += 1;
        if found(&logs, value) {
            leaks.push(value.to_string());
        }
    }
    ensure!(checked >= 20, "only {checked} personal values typed: did the suite run?");
    leaks.sort();
    leaks.dedup();
    ensure!(leaks.is_empty(), "personal data in the logs ({}): {leaks:?}", logs_dir.display());
    eprintln!("logs: {checked} typed personal values checked against {} log files: none found", files.len());
    Ok(())
}

#[test]
fn a_pin_inside_a_longer_number_is_not_a_leak_but_alone_it_is() {
    assert!(!found("bytes=17304190", "730419"));
    assert!(found("pin 730419 typed", "730419"));
    assert!(found("name=张伟", "张伟"));
    assert!(personal("张伟") && personal("13800138000") && personal("11010119900307451X"));
    assert!(!personal("3") && !personal("ok") && !personal("2026-12-03"));
}
