//! Visitor check-in and check-out through the core.

use gatehouse::guards::SupervisorOverride;
use gatehouse::validate::document::DocType;
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

#[test]
fn every_field_of_a_registration_is_kept_and_personal_ones_are_masked() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let new = NewVisit {
        phone: Some("138 1234 5678".into()),
        organisation: Some("示例建筑公司".into()),
        companions: 2,
        companion_names: Some("李四，王五".into()),
        items_in: Some("笔记本电脑一台".into()),
        plate: Some("京a12345".into()),
        expected_minutes: Some(90),
        notes: Some("下午三点前离开".into()),
        host_confirmed_by: Some("陈老师本人".into()),
        ..visitor("张伟")
    };
    let row = visits::check_in(&fx.db, &guard, &new).unwrap();
    assert_eq!(row.phone_masked, "138****5678");
    assert_eq!((row.companions, row.items_in.as_str(), row.plate.as_str()), (2, "笔记本电脑一台", "京A12345"));
    assert_eq!((row.expected_minutes, row.host_confirmed_by.as_str()), (Some(90), "陈老师本人"));
    assert_eq!(row.host_confirmed_at_ms, Some(crate::util::T0_MS));
    assert_eq!(row.slip_code, gatehouse::slip::encode(row.id));
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn bad_phone_document_and_counts_name_their_field() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let cases = [
        (NewVisit { phone: Some("1381234567".into()), ..visitor("张伟") }, "phone", ErrorCode::PhoneFormat),
        (NewVisit { doc_type: DocType::Passport, id_number: "E1".into(), ..visitor("张伟") }, "id_number", ErrorCode::IdNumberFormat),
        (NewVisit { id_number: "110101203001011234".into(), ..visitor("张伟") }, "id_number", ErrorCode::IdNumberBirthFuture),
        (NewVisit { id_number: "990101199003071234".into(), ..visitor("张伟") }, "id_number", ErrorCode::IdNumberProvince),
        (NewVisit { id_number: "110101199002301234".into(), ..visitor("张伟") }, "id_number", ErrorCode::IdNumberBirthDate),
        (NewVisit { companions: -1, ..visitor("张伟") }, "companions", ErrorCode::OutOfRange),
        (NewVisit { expected_minutes: Some(0), ..visitor("张伟") }, "expected_minutes", ErrorCode::OutOfRange),
        (NewVisit { photo: Some(b"not a photo".to_vec()), ..visitor("张伟") }, "photo", ErrorCode::PhotoInvalid),
        (NewVisit { host_staff_id: Some(999), ..visitor("张伟") }, "host", ErrorCode::StaffNotFound),
    ];
    for (input, field, code) in cases {
        let err = visits::check_in(&fx.db, &guard, &input).unwrap_err();
        assert_eq!((err.field(), err.code()), (Some(field), code), "{input:?}");
    }
    assert!(visits::list_on_site(&fx.db, &guard).unwrap().is_empty());
}

#[test]
fn a_passport_visitor_is_registered_with_the_number_upper_cased() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let new = NewVisit { name: "Mary O'Brien".into(), doc_type: DocType::Passport, id_number: "e1234 5678".into(), ..visitor("x") };
    let row = visits::check_in(&fx.db, &guard, &new).unwrap();
    assert_eq!((row.doc_type, row.id_number_masked.as_str()), (DocType::Passport, "*****5678"));
}

#[test]
fn a_slip_scan_opens_the_visit_and_a_bad_code_says_so() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let row = visits::check_in(&fx.db, &guard, &visitor("张伟")).unwrap();
    assert_eq!(visits::find_by_slip(&fx.db, &guard, &row.slip_code).unwrap().id, row.id);
    let slip = visits::slip(&fx.db, &guard, row.id).unwrap();
    assert!(slip.qr_data_url.starts_with("data:image/svg+xml;base64,"));
    let err = visits::find_by_slip(&fx.db, &guard, "12345678901").unwrap_err();
    assert_eq!((err.field(), err.code()), (Some("slip_code"), ErrorCode::SlipCodeInvalid));
    let err = visits::find_by_slip(&fx.db, &guard, &gatehouse::slip::encode(777)).unwrap_err();
    assert_eq!((err.kind(), err.field()), (ErrorKind::NotFound, Some("slip_code")));
}

#[test]
fn school_mode_needs_the_signed_slip_or_a_supervisor() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let mut settings = gatehouse::site::settings(&fx.db).unwrap();
    settings.slip_required = true;
    gatehouse::site::update_settings(&fx.db, &supervisor, &settings).unwrap();
    let guard = fx.guard();
    let a = visits::check_in(&fx.db, &guard, &visitor("张伟")).unwrap();
    let b = visits::check_in(&fx.db, &guard, &visitor("李娜")).unwrap();

    let err = visits::check_out(&fx.db, &guard, &CheckOut { visit_id: a.id, slip_returned: Some(false), ..Default::default() }).unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Conflict, ErrorCode::SlipNotReturned));
    let wrong = SupervisorOverride { supervisor_id: supervisor.guard_id(), pin: "000000".into(), reason: "家长来接".into() };
    let err = visits::check_out(&fx.db, &guard, &CheckOut { visit_id: a.id, exit_override: Some(wrong), ..Default::default() }).unwrap_err();
    assert_eq!(err.code(), ErrorCode::WrongPin);
    let not_a_supervisor = SupervisorOverride { supervisor_id: guard.guard_id(), pin: crate::util::GUARD_PIN.into(), reason: "x".into() };
    let err = visits::check_out(&fx.db, &guard, &CheckOut { visit_id: a.id, exit_override: Some(not_a_supervisor), ..Default::default() }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(visits::list_on_site(&fx.db, &guard).unwrap().iter().any(|v| v.id == a.id), "refused exits change nothing");

    let approval =
        SupervisorOverride { supervisor_id: supervisor.guard_id(), pin: crate::util::SUPERVISOR_PIN.into(), reason: "回执遗失，已电话核实".into() };
    visits::check_out(&fx.db, &guard, &CheckOut { visit_id: a.id, exit_override: Some(approval), ..Default::default() }).unwrap();
    visits::check_out(&fx.db, &guard, &CheckOut { visit_id: b.id, slip_returned: Some(true), items_out: Some("资料一袋".into()), ..Default::default() })
        .unwrap();
    let overrides: i64 = fx.db.read(|c| Ok(c.query_row("SELECT count(*) FROM audit_event WHERE action = 'exit_override'", [], |r| r.get(0))?)).unwrap();
    assert_eq!(overrides, 1);
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn overstays_stand_out_past_the_expected_duration_or_the_closing_time() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let mut settings = gatehouse::site::settings(&fx.db).unwrap();
    settings.closing_time = "17:30".into();
    gatehouse::site::update_settings(&fx.db, &supervisor, &settings).unwrap();
    let guard = fx.guard();
    // 10:00 local: one visitor expected for an hour, one with no duration.
    let short = visits::check_in(&fx.db, &guard, &NewVisit { expected_minutes: Some(60), ..visitor("张伟") }).unwrap();
    let open = visits::check_in(&fx.db, &guard, &visitor("李娜")).unwrap();
    let overstay = |id: i64| visits::list_on_site(&fx.db, &guard).unwrap().into_iter().find(|v| v.id == id).unwrap().overstay;
    fx.clock.advance(chrono::Duration::minutes(59));
    assert!(!overstay(short.id));
    fx.clock.advance(chrono::Duration::minutes(2));
    assert!(overstay(short.id) && !overstay(open.id));
    // 17:30 local is 7.5 h after 10:00.
    fx.clock.set_ms(crate::util::T0_MS + 7 * 3_600_000 + 30 * 60_000);
    assert!(overstay(open.id));
}

#[test]
fn a_returning_visitor_is_offered_only_what_was_typed() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let first = NewVisit { phone: Some("13812345678".into()), organisation: Some("示例公司".into()), ..visitor("张伟") };
    visits::check_in(&fx.db, &guard, &first).unwrap();
    fx.clock.advance(chrono::Duration::days(3));
    visits::check_in(&fx.db, &guard, &NewVisit { purpose: "送货".into(), ..first.clone() }).unwrap();

    let by_id = visits::returning_visitor(&fx.db, &guard, DocType::ResidentId, &first.id_number).unwrap().unwrap();
    assert_eq!((by_id.name.as_str(), by_id.purpose.as_str(), by_id.visits), ("张伟", "送货", 2));
    assert_eq!((by_id.id_number.as_str(), by_id.phone.as_str()), (first.id_number.as_str(), ""));
    let by_phone = visits::returning_visitor(&fx.db, &guard, DocType::ResidentId, "138 1234 5678").unwrap().unwrap();
    assert_eq!((by_phone.organisation.as_str(), by_phone.id_number.as_str()), ("示例公司", ""));
    assert!(visits::returning_visitor(&fx.db, &guard, DocType::ResidentId, "13900000000").unwrap().is_none());
}

#[test]
fn only_a_supervisor_reveals_an_id_number_and_it_is_logged() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let row = visits::check_in(&fx.db, &guard, &visitor("张伟")).unwrap();
    assert_eq!(visits::reveal_id_number(&fx.db, &guard, row.id).unwrap_err().kind(), ErrorKind::Forbidden);
    let supervisor = fx.supervisor();
    assert_eq!(visits::reveal_id_number(&fx.db, &supervisor, row.id).unwrap(), valid_id("19900307", 123));
    let reveals: i64 = fx.db.read(|c| Ok(c.query_row("SELECT count(*) FROM audit_event WHERE action = 'id_number_revealed'", [], |r| r.get(0))?)).unwrap();
    assert_eq!(reveals, 1);
}

#[test]
fn the_roster_lists_everyone_on_site_oldest_first() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let first = visits::check_in(&fx.db, &guard, &visitor("张伟")).unwrap();
    fx.clock.advance(chrono::Duration::minutes(5));
    let second = visits::check_in(&fx.db, &guard, &visitor("李娜")).unwrap();
    fx.clock.advance(chrono::Duration::minutes(5));
    let gone = visits::check_in(&fx.db, &guard, &visitor("王芳")).unwrap();
    visits::check_out(&fx.db, &guard, &CheckOut { visit_id: gone.id, ..Default::default() }).unwrap();
    let roster = gatehouse::headcount::roster(&fx.db, &guard).unwrap();
    assert_eq!(roster.groups[0].rows.iter().map(|v| v.id).collect::<Vec<_>>(), vec![first.id, second.id]);
    assert_eq!((roster.total_people, roster.generated_by.as_str(), roster.site_name.as_str()), (2, "李保安", "示例学校"));
}

#[test]
fn a_photo_is_stored_small_and_covered_by_the_commitment() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let mut png = Vec::new();
    image::RgbImage::from_pixel(1000, 1000, image::Rgb([10, 20, 30])).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let row = visits::check_in(&fx.db, &guard, &NewVisit { photo: Some(png), ..visitor("张伟") }).unwrap();
    assert!(row.has_photo);
    let stored = visits::photo(&fx.db, &guard, row.id).unwrap().unwrap();
    assert!(image::load_from_memory(&stored).unwrap().width() <= 480);
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
    fx.sqlite(&format!("UPDATE visit SET photo = x'00' WHERE id = {}", row.id));
    let db = fx.reopen();
    assert!(db.read(gatehouse::audit::verify).unwrap().is_err(), "a swapped photo is caught");
}

#[test]
fn a_number_read_from_the_card_is_marked_and_sealed_and_an_expired_card_needs_the_guards_confirmation() {
    use chrono::NaiveDate;
    use gatehouse::visits::CardRead;
    let fx = Fixture::new();
    let guard = fx.guard();
    let card = |until: Option<NaiveDate>| CardRead { id_number: valid_id("19900307", 123), valid_until: until, read_at_ms: crate::util::T0_MS - 2_000 };
    let read = |until| NewVisit { id_card: Some(card(until)), ..visitor("张伟") };
    let column = |id: i64| -> (Option<i64>, Option<String>) {
        fx.db
            .read(|c| Ok(c.query_row("SELECT id_card_read_at_ms, id_card_valid_until FROM visit WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))?))
            .unwrap()
    };

    let valid = visits::check_in(&fx.db, &guard, &read(NaiveDate::from_ymd_opt(2036, 5, 1))).unwrap();
    assert_eq!(column(valid.id), (Some(crate::util::T0_MS - 2_000), Some("2036-05-01".into())));
    let long_term = visits::check_in(&fx.db, &guard, &read(None)).unwrap();
    assert_eq!(column(long_term.id).1.as_deref(), Some("long_term"));
    let typed = visits::check_in(&fx.db, &guard, &visitor("李娜")).unwrap();
    assert_eq!(column(typed.id), (None, None));

    // The number changed after the read, or the document type: refused on the ID field.
    let changed = NewVisit { id_number: valid_id("19851120", 77), ..read(None) };
    let err = visits::check_in(&fx.db, &guard, &changed).unwrap_err();
    assert_eq!((err.field(), err.code()), (Some("id_number"), ErrorCode::IdCardChanged));
    let passport = NewVisit { doc_type: DocType::Passport, id_number: "E12345678".into(), ..read(None) };
    assert_eq!(visits::check_in(&fx.db, &guard, &passport).unwrap_err().code(), ErrorCode::IdCardChanged);

    // Expired yesterday: refused until the guard confirms, then recorded with its date.
    let expired = read(NaiveDate::from_ymd_opt(2026, 11, 27));
    let err = visits::check_in(&fx.db, &guard, &expired).unwrap_err();
    assert_eq!(
        (err.field(), err.code(), err.params().get("validUntil").map(String::as_str)),
        (Some("id_number"), ErrorCode::IdCardExpired, Some("2026-11-27"))
    );
    let confirmed = visits::check_in(&fx.db, &guard, &NewVisit { expired_card_confirmed: true, ..expired }).unwrap();
    assert_eq!(column(confirmed.id).1.as_deref(), Some("2026-11-27"));
    assert_eq!(fx.counts("visit").0, 4, "the refused check-ins saved nothing");

    // The mark is in the audit snapshot: a typed number passed off as read is caught.
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
    fx.sqlite(&format!("UPDATE visit SET id_card_read_at_ms = {} WHERE id = {}", crate::util::T0_MS, typed.id));
    let db = fx.reopen();
    let problem = db.read(gatehouse::audit::verify).unwrap().unwrap_err();
    assert!(problem.reason.contains("id_card_read_at_ms"), "{}", problem.reason);
}
