//! Vehicles and goods at the gate: check-in with inspection, registered vehicles, exit
//! permits with discrepancies, returnable goods.

use gatehouse::actor::Actor;
use gatehouse::checklist::{self, CheckResult, ChecklistKind};
use gatehouse::goods::{self, NewDelivery, NewExitPermit, PermitItemCheck, PermitStatus};
use gatehouse::guards::SupervisorOverride;
use gatehouse::validate::plate::PlateKind;
use gatehouse::vehicles::{self, NewRegisteredVehicle, NewVehicleVisit, RegisteredPass, VehicleType};
use gatehouse::watchlist::{self, NewWatchEntry, WatchAction};
use gatehouse::{ErrorCode, ErrorKind};

use crate::util::{Fixture, SUPERVISOR_PIN};

fn inspection(fx: &Fixture, actor: &Actor) -> Vec<CheckResult> {
    checklist::items(&fx.db, actor, ChecklistKind::Vehicle, false)
        .unwrap()
        .into_iter()
        .map(|item| CheckResult { item: item.label, ok: true, note: None })
        .collect()
}

fn truck(fx: &Fixture, actor: &Actor, plate: &str) -> NewVehicleVisit {
    NewVehicleVisit {
        plate: plate.into(),
        vehicle_type: VehicleType::Truck,
        driver_name: "赵师傅".into(),
        driver_phone: "13912345678".into(),
        organisation: Some("示例物流".into()),
        purpose: "送货".into(),
        inspection: inspection(fx, actor),
        ..Default::default()
    }
}

fn item(description: &str, quantity: &str, matched: bool, note: Option<&str>) -> PermitItemCheck {
    PermitItemCheck { description: description.into(), quantity: quantity.into(), unit: "台".into(), matched, note: note.map(Into::into) }
}

fn permit(items: Vec<PermitItemCheck>) -> NewExitPermit {
    NewExitPermit {
        permit_number: "FX-2026-118".into(),
        department: "总务处".into(),
        issued_by: "李主任".into(),
        issued_on: "2026-11-28".into(),
        items,
        ..Default::default()
    }
}

#[test]
fn a_truck_delivers_and_leaves_with_a_permit_missing_an_item() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let visit = vehicles::check_in(&fx.db, &guard, &truck(&fx, &guard, "京a 12345")).unwrap();
    assert_eq!((visit.plate.as_str(), visit.plate_kind), ("京A12345", PlateKind::Standard));
    assert_eq!(vehicles::list_on_site(&fx.db, &guard).unwrap().len(), 1);
    let delivery =
        NewDelivery {
            vehicle_visit_id: Some(visit.id), description: "办公桌".into(), quantity: "12".into(), unit: "张".into(), recipient: "总务处".into()
        };
    assert_eq!(goods::record_delivery(&fx.db, &guard, &delivery).unwrap().plate, "京A12345");

    let new = NewExitPermit {
        vehicle_visit_id: Some(visit.id),
        ..permit(vec![item("旧电脑", "5", true, None), item("旧打印机", "2", false, Some("车上只有1台"))])
    };
    let held = goods::check_exit_permit(&fx.db, &guard, &new).unwrap();
    assert_eq!((held.all_match, held.status), (false, PermitStatus::Held));
    assert_eq!(held.items[1].note.as_deref(), Some("车上只有1台"));

    // Held goods stay: the vehicle cannot leave, by its id or by its plate, until released.
    let on_site = vehicles::list_on_site(&fx.db, &guard).unwrap();
    assert_eq!(on_site[0].held_permits.iter().map(|p| p.permit_number.as_str()).collect::<Vec<_>>(), ["FX-2026-118"]);
    for err in [vehicles::check_out(&fx.db, &guard, visit.id).unwrap_err(), vehicles::check_out_plate(&fx.db, &guard, "京A12345").unwrap_err()] {
        assert_eq!((err.kind(), err.code()), (ErrorKind::Conflict, ErrorCode::GoodsHeld));
        assert_eq!(err.params().get("permit").map(String::as_str), Some("FX-2026-118"));
        assert_eq!(err.params().get("permitId").map(String::as_str), Some(held.id.to_string().as_str()));
    }
    assert!(vehicles::list_on_site(&fx.db, &guard).unwrap()[0].checked_out_at_ms.is_none());
    // A wrong PIN or no reason releases nothing.
    let supervisor = fx.supervisor();
    let wrong = SupervisorOverride { supervisor_id: supervisor.guard_id(), pin: "000000".into(), reason: "另一台已先行送修".into() };
    assert_eq!(goods::release_held_permit(&fx.db, &guard, held.id, &wrong).unwrap_err().code(), ErrorCode::WrongPin);
    let no_reason = SupervisorOverride { supervisor_id: supervisor.guard_id(), pin: SUPERVISOR_PIN.into(), reason: " ".into() };
    assert_eq!(goods::release_held_permit(&fx.db, &guard, held.id, &no_reason).unwrap_err().code(), ErrorCode::Required);
    assert_eq!(vehicles::check_out(&fx.db, &guard, visit.id).unwrap_err().code(), ErrorCode::GoodsHeld);

    let approval = SupervisorOverride { supervisor_id: supervisor.guard_id(), pin: SUPERVISOR_PIN.into(), reason: "另一台已先行送修".into() };
    let released = goods::release_held_permit(&fx.db, &guard, held.id, &approval).unwrap();
    assert_eq!((released.status, released.released_by.as_str()), (PermitStatus::Released, "王主管"));
    assert!(vehicles::list_on_site(&fx.db, &guard).unwrap()[0].held_permits.is_empty());
    vehicles::check_out(&fx.db, &guard, visit.id).unwrap();
    let err = vehicles::check_out(&fx.db, &guard, visit.id).unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Conflict, ErrorCode::VehicleNotInside));
    let err = vehicles::check_out_plate(&fx.db, &guard, "京A12345").unwrap_err();
    assert_eq!((err.field(), err.code()), (Some("plate"), ErrorCode::VehicleNotInside));
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn a_registered_staff_car_passes_with_one_action() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let reg = NewRegisteredVehicle {
        plate: "粤B12345F".into(),
        owner: "陈老师".into(),
        department: "教务处".into(),
        valid_until: "2027-06-30".into(),
        ..Default::default()
    };
    vehicles::add_registered(&fx.db, &supervisor, &reg).unwrap();
    let guard = fx.guard();
    let check = vehicles::check_plate(&fx.db, &guard, "粤b12345f", false).unwrap();
    assert!(check.registered.as_ref().is_some_and(|r| r.valid_today) && check.inside.is_none());
    let row = vehicles::pass_registered(&fx.db, &guard, &RegisteredPass { plate: "粤B12345F".into(), ..Default::default() }).unwrap();
    assert_eq!((row.registered_owner.as_str(), row.plate_kind), ("陈老师", PlateKind::NewEnergy));
    let err = vehicles::pass_registered(&fx.db, &guard, &RegisteredPass { plate: "粤B12345F".into(), ..Default::default() }).unwrap_err();
    assert_eq!(err.code(), ErrorCode::VehicleAlreadyInside);
    let err = vehicles::pass_registered(&fx.db, &guard, &RegisteredPass { plate: "京A99999".into(), ..Default::default() }).unwrap_err();
    assert_eq!(err.code(), ErrorCode::VehicleNotRegistered);
}

#[test]
fn an_expired_registration_needs_a_gate_registration() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let reg = NewRegisteredVehicle { plate: "京A11111".into(), owner: "陈老师".into(), valid_until: "2026-11-27".into(), ..Default::default() };
    vehicles::add_registered(&fx.db, &supervisor, &reg).unwrap();
    let err = vehicles::pass_registered(&fx.db, &fx.guard(), &RegisteredPass { plate: "京A11111".into(), ..Default::default() }).unwrap_err();
    assert_eq!(err.code(), ErrorCode::RegistrationExpired);
}

#[test]
fn returnable_goods_are_overdue_after_their_due_date() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let new = NewExitPermit { returnable: true, due_on: "2026-11-30".into(), ..permit(vec![item("投影仪", "1", true, None)]) };
    let out = goods::check_exit_permit(&fx.db, &guard, &new).unwrap();
    assert_eq!(out.status, PermitStatus::Released);
    assert!(!goods::list_out(&fx.db, &guard).unwrap()[0].overdue);
    fx.clock.advance(chrono::Duration::days(2));
    assert!(!goods::list_out(&fx.db, &guard).unwrap()[0].overdue, "due today is not overdue yet");
    fx.clock.advance(chrono::Duration::days(1));
    assert!(goods::list_out(&fx.db, &guard).unwrap()[0].overdue);
    assert_eq!(gatehouse::status::status(&fx.db, &guard).unwrap().goods_overdue, 1);
    goods::mark_returned(&fx.db, &guard, out.id).unwrap();
    assert!(goods::list_out(&fx.db, &guard).unwrap().is_empty());
    assert_eq!(goods::mark_returned(&fx.db, &guard, out.id).unwrap_err().code(), ErrorCode::AlreadyReturned);
}

#[test]
fn bad_goods_input_names_the_field_and_saves_nothing() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let code = |new: NewExitPermit| {
        let err = goods::check_exit_permit(&fx.db, &guard, &new).unwrap_err();
        (err.field(), err.code())
    };
    assert_eq!(code(permit(vec![item("电脑", "-3", true, None)])), (Some("item_quantity"), ErrorCode::NotPositive));
    assert_eq!(code(permit(vec![item("电脑", "lots", true, None)])), (Some("item_quantity"), ErrorCode::QuantityFormat));
    assert_eq!(code(permit(vec![item("电脑", "1", false, None)])), (Some("item_note"), ErrorCode::ChecklistNoteRequired));
    assert_eq!(code(permit(vec![])), (Some("items"), ErrorCode::PermitNeedsItems));
    let early = NewExitPermit { returnable: true, due_on: "2026-11-01".into(), ..permit(vec![item("电脑", "1", true, None)]) };
    assert_eq!(code(early), (Some("due_on"), ErrorCode::DueBeforeIssue));
    let delivery = NewDelivery { description: "纸".into(), quantity: "lots".into(), unit: "箱".into(), recipient: "教务处".into(), ..Default::default() };
    assert_eq!(goods::record_delivery(&fx.db, &guard, &delivery).unwrap_err().code(), ErrorCode::QuantityFormat);
    assert!(goods::list_permits_today(&fx.db, &guard).unwrap().is_empty());
    assert!(goods::list_deliveries_today(&fx.db, &guard).unwrap().is_empty());
}

#[test]
fn bad_vehicle_input_names_the_field() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let check = |new: NewVehicleVisit| {
        let err = vehicles::check_in(&fx.db, &guard, &new).unwrap_err();
        (err.field(), err.code())
    };
    assert_eq!(check(truck(&fx, &guard, "京A1234")), (Some("plate"), ErrorCode::PlateTooShort));
    assert_eq!(check(truck(&fx, &guard, "ABCDEFG")), (Some("plate"), ErrorCode::PlateNotCivil));
    assert_eq!(check(NewVehicleVisit { driver_phone: "123".into(), ..truck(&fx, &guard, "京A12345") }), (Some("driver_phone"), ErrorCode::PhoneFormat));
    assert_eq!(check(NewVehicleVisit { inspection: vec![], ..truck(&fx, &guard, "京A12345") }), (Some("checklist"), ErrorCode::ChecklistIncomplete));
    let mut problem = truck(&fx, &guard, "京A12345");
    problem.inspection[0].ok = false;
    assert_eq!(check(problem), (Some("checklist"), ErrorCode::ChecklistNoteRequired));
    assert!(vehicles::list_on_site(&fx.db, &guard).unwrap().is_empty());

    let special = NewVehicleVisit { confirm_special: true, ..truck(&fx, &guard, "WJ1234567") };
    assert_eq!(vehicles::check_in(&fx.db, &guard, &special).unwrap().plate_kind, PlateKind::Special);
    let corrected = vehicles::check_in(&fx.db, &guard, &truck(&fx, &guard, "京AO1234")).unwrap();
    assert_eq!(corrected.plate, "京A01234");
}

#[test]
fn a_watchlisted_plate_raises_the_banner_and_overnight_vehicles_stand_out() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let entry = watchlist::add(
        &fx.db,
        &supervisor,
        &NewWatchEntry { plate: Some("京A12345".into()), reason: "曾强行闯入".into(), action: Some(WatchAction::Alert), ..Default::default() },
    )
    .unwrap();
    let guard = fx.guard();
    assert_eq!(vehicles::check_plate(&fx.db, &guard, "京A12345", false).unwrap().watchlist.hits.len(), 1);
    let err = vehicles::check_in(&fx.db, &guard, &truck(&fx, &guard, "京A12345")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::WatchlistUnacknowledged);
    let row = vehicles::check_in(&fx.db, &guard, &NewVehicleVisit { acknowledged_watchlist: vec![entry.id], ..truck(&fx, &guard, "京A12345") }).unwrap();
    assert!(!row.overnight);
    fx.clock.advance(chrono::Duration::hours(15));
    assert!(vehicles::list_on_site(&fx.db, &guard).unwrap()[0].overnight);
    let roster = gatehouse::headcount::roster(&fx.db, &guard).unwrap();
    assert_eq!(roster.groups[1].rows.len(), 1);
}
