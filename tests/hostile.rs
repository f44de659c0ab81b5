//! Hostile text for every validator and parser that reads what a guard types or a scanner
//! sends (issue 15, item 1): ID numbers, permits, passports, plates, phones, names, dates,
//! quantities, PINs, daily windows, pass codes, slip codes and search queries. Whatever comes
//! in (any Unicode: combining marks, right-to-left text, full-width forms, NUL and other
//! controls, 10,000-character strings), each answers with a value or an error that names its
//! field: never a panic. The imports have their own file (`import_fuzz`, `limits`).

use chrono::NaiveDate;
use gatehouse::passes;
use gatehouse::search::{self, SearchQuery};
use gatehouse::validate::{self, cn_id, document, document::DocType, phone, plate};
use gatehouse::visits::{self, NewVisit};
use gatehouse::{slip, staff, ErrorKind};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use crate::util::Fixture;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

/// Text as an input method, a scanner, a paste or an attacker may produce it.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "\\PC{0,12}",
        "(?s).{0,12}",
        Just("\u{0}".to_string()),
        Just("\u{301}\u{308}\u{20dd}".to_string()),
        Just("\u{202e}\u{200f}مرحبا\u{202c}".to_string()),
        Just("Ｈ１２３４５６７８ｘＸ－＋，．：".to_string()),
        Just("中".to_string()),
        Just("🙂\u{fe0f}\u{200d}".to_string()),
        Just("\u{feff}".to_string()),
        Just("\r\n\t".to_string()),
        "[0-9Xx]{0,20}",
        "[HMhm][0-9]{7,11}",
        "[京沪粤使领学警A-Z0-9]{5,9}",
        "(\\+86)?1[0-9]{9,11}",
        "0[0-9]{2,3}-?[0-9]{6,9}(-[0-9]{0,7})?",
        "[0-9]{4}-[0-9]{1,2}-[0-9]{1,3}",
        "[0-9.eE+-]{0,12}|NaN|inf|-0",
        "[0-9]{1,2}:[0-9]{1,2}[-~–～][0-9]{1,2}:[0-9]{1,2}",
        "8[0-9]{0,12}",
        "[\"'%_*^():\\\\-]{0,6}",
    ];
    prop_oneof![
        9 => prop::collection::vec(piece, 0..6).prop_map(|parts| parts.concat()),
        1 => (any::<char>(), 1usize..=10_000).prop_map(|(c, n)| c.to_string().repeat(n)),
        1 => (1usize..=5_000).prop_map(|n| "中1".repeat(n)),
    ]
}

/// `err` names `field` (validation errors must say which field to fix).
fn names(err: &gatehouse::Error, field: &str) -> std::result::Result<(), TestCaseError> {
    prop_assert_eq!(err.field(), Some(field), "{}", err);
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 512, failure_persistence: None, ..Config::default() })]

    #[test]
    fn every_validator_answers_any_text_with_a_value_or_an_error_naming_its_field(text in hostile_text()) {
        if let Err(err) = cn_id::parse(&text, today()) { names(&err, "id_number")?; }
        for doc in [DocType::ResidentId, DocType::Passport, DocType::HkMacauPermit, DocType::TaiwanPermit, DocType::Other] {
            if let Err(err) = document::parse(doc, &text, today()) { names(&err, "id_number")?; }
        }
        let _ = document::mask(&text);
        for special in [false, true] {
            if let Err(err) = plate::parse("plate", &text, special) { names(&err, "plate")?; }
        }
        let _ = plate::normalise(&text);
        if let Err(err) = phone::parse("phone", &text) { names(&err, "phone")?; }
        if let Err(err) = validate::required_text("purpose", &text, 50) { names(&err, "purpose")?; }
        if let Err(err) = validate::optional_text("notes", Some(&text), 200) { names(&err, "notes")?; }
        if let Err(err) = validate::person_name("name", &text, 50) { names(&err, "name")?; }
        if let Err(err) = validate::pin("pin", &text) { names(&err, "pin")?; }
        if let Err(err) = validate::quantity("quantity", &text) { names(&err, "quantity")?; }
        if let Err(err) = validate::date("due_on", &text) { names(&err, "due_on")?; }
        if let Err(err) = passes::parse_window(&text) { names(&err, "daily_window")?; }
        if let Err(err) = slip::decode(&text) { names(&err, "slip_code")?; }
        let _ = passes::code::decode(&text);
        let _ = search::normalise(&text);
    }
}

/// Runs `cases` hostile texts through `check` against one database (setting one up hashes
/// PINs: too slow per case).
fn against_one_database(cases: u32, check: impl Fn(&Fixture, &gatehouse::actor::Actor, String) -> std::result::Result<(), TestCaseError>) {
    let fx = Fixture::new();
    let guard = fx.guard();
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    runner.run(&hostile_text(), |text| check(&fx, &guard, text)).unwrap();
}

#[test]
fn a_check_in_with_hostile_text_in_every_field_is_saved_or_refused_never_a_panic() {
    against_one_database(64, |fx, guard, text| {
        for doc_type in [DocType::ResidentId, DocType::HkMacauPermit, DocType::Passport] {
            let visit = NewVisit {
                name: text.clone(),
                doc_type,
                id_number: text.clone(),
                phone: Some(text.clone()),
                organisation: Some(text.clone()),
                host: text.clone(),
                purpose: text.clone(),
                companion_names: Some(text.clone()),
                items_in: Some(text.clone()),
                plate: Some(text.clone()),
                notes: Some(text.clone()),
                host_confirmed_by: Some(text.clone()),
                ..NewVisit::default()
            };
            if let Err(err) = visits::check_in(&fx.db, guard, &visit) {
                prop_assert!(!matches!(err.kind(), ErrorKind::Internal | ErrorKind::Storage), "{err}");
            }
        }
        // The permit of issue 15 with the text behind a valid name and purpose.
        let permit = NewVisit {
            name: "张伟".into(),
            doc_type: DocType::HkMacauPermit,
            id_number: text.clone(),
            host: "李老师".into(),
            purpose: "送资料".into(),
            ..NewVisit::default()
        };
        if let Err(err) = visits::check_in(&fx.db, guard, &permit) {
            prop_assert_eq!((err.kind(), err.field()), (ErrorKind::Invalid, Some("id_number")), "{}", err);
        }
        Ok(())
    });
}

#[test]
fn search_slip_and_directory_lookups_answer_any_text_without_a_panic() {
    against_one_database(96, |fx, guard, text| {
        let query = SearchQuery { text: text.clone(), ..SearchQuery::default() };
        if let Err(err) = search::search(&fx.db, guard, &query) {
            prop_assert_eq!((err.kind(), err.field()), (ErrorKind::Invalid, Some("query")), "{}", err);
        }
        if let Err(err) = visits::find_by_slip(&fx.db, guard, &text) {
            prop_assert!(!matches!(err.kind(), ErrorKind::Internal | ErrorKind::Storage), "{err}");
        }
        prop_assert!(staff::search(&fx.db, guard, &text).is_ok());
        Ok(())
    });
}
