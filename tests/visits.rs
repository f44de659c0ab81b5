//! Visitor check-in and check-out through the core.

use gatehouse::visits::{self, CheckOut, NewVisit};
use gatehouse::{ErrorCode, ErrorKind};

use crate::util::{valid_id, Fixture};

fn visitor(name: &str) -> NewVisit {
    NewVisit { name: name.into(), id_number: valid_id("19900307", 123), host: "陈老师".into(), purpose: "家长会".into(), ..Default::default() }
}

#[test]
fn a_checked_in_visitor_is_on_site_with_the_id_masked_until_checked_out() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let row = visits::check_in(&fx.db, &guard, &visitor("张伟")).unwrap();
    assert_eq!(row.name, "张伟");
    assert_eq!(row.checked_in_by, "李保安");
    assert_eq!(row.id_number_masked, format!("**************{}", &valid_id("19900307", 123)[14..]));
    let on_site = visits::list_on_site(&fx.db, &guard).unwrap();
    assert_eq!(on_site.iter().map(|v| v.id).collect::<Vec<_>>(), vec![row.id]);

    let out = visits::check_out(&fx.db, &guard, &CheckOut { visit_id: row.id, ..Default::default() }).unwrap();
    assert!(out.checked_out_at_ms.is_some());
    assert!(visits::list_on_site(&fx.db, &guard).unwrap().is_empty());
}

#[test]
fn check_out_twice_is_a_conflict_and_keeps_the_first_time() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let row = visits::check_in(&fx.db, &guard, &visitor("张伟")).unwrap();
    let first = visits::check_out(&fx.db, &guard, &CheckOut { visit_id: row.id, ..Default::default() }).unwrap();
    fx.clock.advance(chrono::Duration::minutes(5));
    let err = visits::check_out(&fx.db, &guard, &CheckOut { visit_id: row.id, ..Default::default() }).unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Conflict, ErrorCode::AlreadyCheckedOut));
    let stored: i64 = fx.db.read(|c| Ok(c.query_row("SELECT checked_out_at_ms FROM visit WHERE id = ?1", [row.id], |r| r.get(0))?)).unwrap();
    assert_eq!(Some(stored), first.checked_out_at_ms);
}

#[test]
fn checking_out_an_unknown_visit_is_not_found() {
    let fx = Fixture::new();
    let err = visits::check_out(&fx.db, &fx.guard(), &CheckOut { visit_id: 4242, ..Default::default() }).unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::NotFound, ErrorCode::VisitNotFound));
}

#[test]
fn bad_input_names_the_field_and_saves_nothing() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let cases = [
        (NewVisit { name: " ".into(), ..visitor("x") }, "name", ErrorCode::Required),
        (NewVisit { name: "张".repeat(51), ..visitor("x") }, "name", ErrorCode::TooLong),
        (NewVisit { id_number: "110101199003071230".into(), ..visitor("张伟") }, "id_number", ErrorCode::IdNumberCheckDigit),
        (NewVisit { id_number: "".into(), ..visitor("张伟") }, "id_number", ErrorCode::Required),
        (NewVisit { host: "".into(), ..visitor("张伟") }, "host", ErrorCode::Required),
        (NewVisit { purpose: "a\nb".into(), ..visitor("张伟") }, "purpose", ErrorCode::ControlCharacters),
    ];
    for (input, field, code) in cases {
        let err = visits::check_in(&fx.db, &guard, &input).unwrap_err();
        assert_eq!((err.kind(), err.field(), err.code()), (ErrorKind::Invalid, Some(field), code), "{input:?}");
    }
    assert!(visits::list_on_site(&fx.db, &guard).unwrap().is_empty());
}

#[test]
fn markup_in_a_name_is_refused_and_in_free_text_is_stored_as_typed() {
    let fx = Fixture::new();
    let guard = fx.guard();
    for name in ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"] {
        let err = visits::check_in(&fx.db, &guard, &visitor(name)).unwrap_err();
        assert_eq!((err.field(), err.code()), (Some("name"), ErrorCode::NameCharacters));
    }
    let markup = "<img src=x onerror=alert(1)>";
    let new = NewVisit { purpose: markup.into(), notes: Some(markup.into()), ..visitor("张伟") };
    visits::check_in(&fx.db, &guard, &new).unwrap();
    let row = &visits::list_on_site(&fx.db, &guard).unwrap()[0];
    assert_eq!((row.purpose.as_str(), row.notes.as_str()), (markup, markup));
}

#[test]
fn a_disabled_guard_can_no_longer_register_visitors() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let supervisor = fx.supervisor();
    gatehouse::guards::set_guard_active(&fx.db, &supervisor, guard.guard_id(), false).unwrap();
    let err = visits::check_in(&fx.db, &guard, &visitor("张伟")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::AccountDisabled);
}
