//! Hostile input for the two imports (staff directory CSV, bulk pass issue CSV/XLSX):
//! arbitrary bytes, CSV-shaped text built from nasty cells (quotes, BOMs, CR/LF, huge cells,
//! formula-like `=cmd|...`), and damaged copies of a valid workbook. Whatever comes in, the
//! import does not panic, answers with `Ok` (every problem naming its row and field) or an
//! `Invalid` error naming the field, and is all-or-nothing: when it reports a problem or an
//! error, the database has no new rows and no new audit events.
//!
//! One database per property (setting one up hashes PINs, too slow per case); case counts
//! are kept small so `make test` stays quick.

use gatehouse::actor::Actor;
use gatehouse::passes::import as pass_import;
use gatehouse::staff;
use gatehouse::ErrorKind;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use crate::util::Fixture;

const CASES: u32 = 96;

fn runner(cases: u32) -> TestRunner {
    // No regression files for these: a failure prints the input, which is what is needed.
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}

/// A cell a hostile or careless sheet might hold.
fn nasty_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("张三".to_string()),
        Just("计算机学院".to_string()),
        Just("\u{feff}姓名".to_string()),
        Just("\"".to_string()),
        Just("\"\"".to_string()),
        Just("\"a\"\"b\"".to_string()),
        Just("\"line\r\nbreak\"".to_string()),
        Just("\"unterminated".to_string()),
        Just("=cmd|' /C calc'!A0".to_string()),
        Just("+SUM(1,2)".to_string()),
        Just("-2+3".to_string()),
        Just("@SUM(A1)".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("\u{0}\u{7}\u{1b}[31m".to_string()),
        Just("\u{202e}evil".to_string()),
        Just("🙂".repeat(50)),
        (1usize..40_000).prop_map(|n| "长".repeat(n)),
        "[ -~]{0,20}",
        "\\PC{0,12}",
    ]
}

/// CSV-shaped text: rows of nasty cells joined by commas and any line ending, sometimes with
/// a BOM or a header in front.
fn csv_text(header: &'static str) -> impl Strategy<Value = String> {
    let row = prop::collection::vec(nasty_cell(), 0..14);
    let ending = prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("")];
    (any::<bool>(), any::<bool>(), prop::collection::vec((row, ending), 0..8)).prop_map(move |(bom, head, rows)| {
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        if head {
            text.push_str(header);
            text.push('\n');
        }
        for (cells, ending) in rows {
            text.push_str(&cells.join(","));
            text.push_str(ending);
        }
        text
    })
}

// ---- staff directory --------------------------------------------------------------------

fn check_staff_import(fx: &Fixture, actor: &Actor, text: &str) -> Result<(), TestCaseError> {
    let (rows_before, events_before) = fx.counts("staff");
    let outcome = staff::import_csv(&fx.db, actor, text);
    let (rows_after, events_after) = fx.counts("staff");
    match outcome {
        Ok(report) if !report.problems.is_empty() => {
            prop_assert_eq!(report.imported, 0);
            prop_assert_eq!((rows_after, events_after), (rows_before, events_before), "a refused import saved rows");
            for p in &report.problems {
                prop_assert!(p.row >= 1 && !p.field.is_empty() && !p.message.is_empty(), "problem without row/field: {:?}", p);
            }
        }
        Ok(report) => {
            prop_assert_eq!(rows_after, rows_before + report.imported as i64, "rows saved differ from the report");
        }
        Err(err) => {
            prop_assert_eq!(err.kind(), ErrorKind::Invalid, "{}", err);
            prop_assert!(err.field().is_some(), "error without a field: {}", err);
            prop_assert_eq!((rows_after, events_after), (rows_before, events_before), "a failed import saved rows");
        }
    }
    Ok(())
}

#[test]
fn staff_import_of_arbitrary_bytes_never_panics_and_is_all_or_nothing() {
    let fx = Fixture::new();
    let actor = fx.supervisor();
    runner(CASES).run(&prop::collection::vec(any::<u8>(), 0..2048), |bytes| check_staff_import(&fx, &actor, &String::from_utf8_lossy(&bytes))).unwrap();
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn staff_import_of_hostile_csv_never_panics_and_is_all_or_nothing() {
    let fx = Fixture::new();
    let actor = fx.supervisor();
    runner(CASES).run(&csv_text("姓名,部门,分机"), |text| check_staff_import(&fx, &actor, &text)).unwrap();
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

// ---- bulk pass issue --------------------------------------------------------------------

const GOOD_ROW: [&str; 11] = ["留校学生", "张伟", "计算机学院", "13812345678", "", "2026-11-28", "2027-01-31", "06:00-22:00", "1", "", "学工处"];

fn check_pass_import(fx: &Fixture, actor: &Actor, file_name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let (rows_before, events_before) = fx.counts("pass");
    let outcome = pass_import::import(&fx.db, actor, file_name, bytes);
    let (rows_after, events_after) = fx.counts("pass");
    match outcome {
        Ok(report) if !report.problems.is_empty() => {
            prop_assert!(report.issued.is_empty());
            prop_assert_eq!((rows_after, events_after), (rows_before, events_before), "a refused import issued passes");
            for p in &report.problems {
                prop_assert!(p.row >= 1 && !p.field.is_empty() && !p.message.is_empty(), "problem without row/field: {:?}", p);
            }
        }
        Ok(report) => {
            prop_assert!(!report.issued.is_empty(), "Ok with neither passes nor problems");
            prop_assert_eq!(rows_after, rows_before + report.issued.len() as i64);
        }
        Err(err) => {
            prop_assert_eq!(err.kind(), ErrorKind::Invalid, "{}", err);
            prop_assert_eq!(err.field(), Some("import_file"), "{}", err);
            prop_assert_eq!((rows_after, events_after), (rows_before, events_before), "a failed import issued passes");
        }
    }
    Ok(())
}

#[test]
fn pass_import_of_arbitrary_bytes_as_csv_or_xlsx_never_panics_and_is_all_or_nothing() {
    let fx = Fixture::new();
    let actor = fx.supervisor();
    let input = (prop::collection::vec(any::<u8>(), 0..2048), prop_oneof![Just("passes.csv"), Just("passes.xlsx"), Just("PASSES.XLSX")]);
    runner(CASES).run(&input, |(bytes, name)| check_pass_import(&fx, &actor, name, &bytes)).unwrap();
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn pass_import_of_hostile_csv_never_panics_and_is_all_or_nothing() {
    let fx = Fixture::new();
    let actor = fx.supervisor();
    // Hostile rows, sometimes next to a good one (so an all-or-nothing slip would show).
    let good = GOOD_ROW.join(",");
    let input = (csv_text(pass_import::TEMPLATE_HEADER), any::<bool>());
    runner(CASES)
        .run(&input, |(text, with_good)| {
            let text = if with_good { format!("{good}\n{text}") } else { text };
            check_pass_import(&fx, &actor, "passes.csv", text.as_bytes())
        })
        .unwrap();
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

/// A valid two-row workbook (header + good row + a row of formula-like text).
fn valid_workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, title) in pass_import::TEMPLATE_HEADER.split(',').enumerate() {
        sheet.write_string(0, col as u16, title).unwrap();
    }
    for (col, cell) in GOOD_ROW.iter().enumerate() {
        sheet.write_string(1, col as u16, *cell).unwrap();
    }
    let mut second = GOOD_ROW;
    second[1] = "李娜";
    second[2] = "=cmd|' /C calc'!A0";
    for (col, cell) in second.iter().enumerate() {
        sheet.write_string(2, col as u16, *cell).unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[derive(Debug, Clone)]
enum Damage {
    /// XOR these positions (scaled to the file length) with these bytes.
    Flip(Vec<(prop::sample::Index, u8)>),
    Truncate(prop::sample::Index),
    /// Overwrite a run of bytes with zeros.
    Zero(prop::sample::Index, usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        prop::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..8).prop_map(Damage::Flip),
        any::<prop::sample::Index>().prop_map(Damage::Truncate),
        (any::<prop::sample::Index>(), 1usize..512).prop_map(|(i, n)| Damage::Zero(i, n)),
    ]
}

#[test]
fn pass_import_of_a_damaged_workbook_never_panics_and_is_all_or_nothing() {
    let fx = Fixture::new();
    let actor = fx.supervisor();
    let book = valid_workbook();
    // The undamaged workbook imports: the damage below starts from something that works.
    let report = pass_import::import(&fx.db, &actor, "passes.xlsx", &book).unwrap();
    assert_eq!((report.issued.len(), report.problems.len()), (2, 0), "{:?}", report.problems);
    runner(CASES)
        .run(&damage(), |damage| {
            let mut bytes = book.clone();
            match damage {
                Damage::Flip(flips) => {
                    for (at, mask) in flips {
                        let i = at.index(bytes.len());
                        bytes[i] ^= mask;
                    }
                }
                Damage::Truncate(at) => bytes.truncate(at.index(bytes.len())),
                Damage::Zero(at, n) => {
                    let start = at.index(bytes.len());
                    let end = (start + n).min(bytes.len());
                    bytes[start..end].fill(0);
                }
            }
            check_pass_import(&fx, &actor, "passes.xlsx", &bytes)
        })
        .unwrap();
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}
