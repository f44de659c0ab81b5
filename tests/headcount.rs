//! The headcount (人员清点) counts people, not records: companions, vehicles' occupants and
//! pass holders inside, on the roster, the status bar and `gatehouse roster --json`.

use gatehouse::headcount::{self, HeadcountKind};
use gatehouse::passes::scan::{self, Direction, Outcome};
use gatehouse::passes::{self, NewPass, PassKind};
use gatehouse::vehicles::{self, NewVehicleVisit, VehicleType};
use gatehouse::visits::{self, CheckOut, NewVisit};
use gatehouse::ErrorCode;

use crate::util::{valid_id, Fixture, T0_MS};

fn visitor(name: &str, seq: u32) -> NewVisit {
    NewVisit { name: name.into(), id_number: valid_id("19900307", seq), host: "陈老师".into(), purpose: "参观".into(), ..Default::default() }
}

fn people(roster: &headcount::Roster, kind: HeadcountKind) -> i64 {
    roster.groups.iter().find(|g| g.kind == kind).map(|g| g.people).unwrap()
}

#[test]
fn a_delegation_a_vehicle_and_pass_holders_are_counted_as_people() {
    let fx = Fixture::new();
    let guard = fx.guard();
    // A delegation leader with 3 companions, two of them named.
    let leader = visits::check_in(&fx.db, &guard, &NewVisit { companions: 3, companion_names: Some("李四、王五".into()), ..visitor("张伟", 101) }).unwrap();
    fx.clock.advance(chrono::Duration::minutes(1));
    let passenger = visits::check_in(&fx.db, &guard, &visitor("赵敏", 102)).unwrap();
    // A van with its driver and 2 passengers, one of whom registered as a visitor above.
    let inspection = gatehouse::checklist::items(&fx.db, &guard, gatehouse::checklist::ChecklistKind::Vehicle, false)
        .unwrap()
        .into_iter()
        .map(|item| gatehouse::checklist::CheckResult { item: item.label, ok: true, note: None })
        .collect();
    let van = NewVehicleVisit {
        plate: "京A12345".into(),
        vehicle_type: VehicleType::Van,
        driver_name: "赵师傅".into(),
        driver_phone: "13912345678".into(),
        purpose: "送货".into(),
        passengers: 2,
        linked_visit_ids: vec![passenger.id],
        inspection,
        ..Default::default()
    };
    let van = vehicles::check_in(&fx.db, &guard, &van).unwrap();

    let roster = headcount::roster(&fx.db, &guard).unwrap();
    assert_eq!(people(&roster, HeadcountKind::Visitors), 5, "4 in the delegation and the passenger who registered");
    assert_eq!(people(&roster, HeadcountKind::Vehicles), 2, "the driver and the passenger who did not register");
    assert_eq!(people(&roster, HeadcountKind::PassHolders), 0);
    assert_eq!(roster.total_people, 7);
    let delegation = &roster.groups[0].rows[0];
    assert_eq!((delegation.id, delegation.people, delegation.names.clone()), (leader.id, 4, vec!["李四".to_string(), "王五".to_string()]));
    assert!(delegation.id_number_masked.ends_with(&valid_id("19900307", 101)[14..]) && delegation.id_number_masked.starts_with('*'));
    assert_eq!((roster.groups[1].rows[0].label.as_str(), roster.groups[1].rows[0].names.clone()), ("京A12345", vec!["赵师傅".to_string()]));
    let status = gatehouse::status::status(&fx.db, &guard).unwrap();
    assert_eq!((status.people_on_site, status.people_by_kind.iter().map(|t| t.people).collect::<Vec<_>>()), (7, vec![5, 2, 0]));

    // Pass holders: a gate that has only scanned in cannot know who left, so none count.
    let supervisor = fx.supervisor();
    let pass = |name: &str| NewPass {
        kind: PassKind::HolidayResident,
        holder_name: name.into(),
        department: "计算机学院".into(),
        valid_from_ms: T0_MS - 86_400_000,
        valid_to_ms: T0_MS + 30 * 86_400_000,
        gates: vec![1],
        approved_by: "学工处".into(),
        ..Default::default()
    };
    let early = passes::issue(&fx.db, &supervisor, &pass("钱一")).unwrap();
    let in_and_out = passes::issue(&fx.db, &supervisor, &pass("孙二")).unwrap();
    let inside = passes::issue(&fx.db, &supervisor, &pass("周三")).unwrap();
    let scanned = |code: &str, direction| assert_eq!(scan::scan(&fx.db, &guard, code, direction).unwrap().outcome, Outcome::Valid);
    scanned(&early.code, Direction::In);
    assert_eq!(people(&headcount::roster(&fx.db, &guard).unwrap(), HeadcountKind::PassHolders), 0);
    // From the first scan out on, the gate scans both ways: holders in are counted until out.
    scanned(&in_and_out.code, Direction::In);
    scanned(&in_and_out.code, Direction::Out);
    scanned(&inside.code, Direction::In);
    let roster = headcount::roster(&fx.db, &guard).unwrap();
    let holders = &roster.groups[2];
    assert_eq!((holders.people, holders.rows.iter().map(|r| r.label.as_str()).collect::<Vec<_>>()), (1, vec!["周三"]));
    assert_eq!(roster.total_people, 8);

    // Leaving takes people off: the delegation, the van.
    visits::check_out(&fx.db, &guard, &CheckOut { visit_id: leader.id, ..Default::default() }).unwrap();
    vehicles::check_out(&fx.db, &guard, van.id).unwrap();
    let roster = headcount::roster(&fx.db, &guard).unwrap();
    assert_eq!((people(&roster, HeadcountKind::Visitors), people(&roster, HeadcountKind::Vehicles), roster.total_people), (1, 0, 2));
}

#[test]
fn an_absurd_companion_or_passenger_count_is_refused_at_its_field() {
    let fx = Fixture::new();
    let guard = fx.guard();
    for (companions, code) in [(-1, ErrorCode::OutOfRange), (10_000, ErrorCode::OutOfRange)] {
        let err = visits::check_in(&fx.db, &guard, &NewVisit { companions, ..visitor("张伟", 103) }).unwrap_err();
        assert_eq!((err.field(), err.code()), (Some("companions"), code), "{companions}");
    }
    for (passengers, code) in [(-1, ErrorCode::OutOfRange), (101, ErrorCode::OutOfRange)] {
        let van = NewVehicleVisit {
            plate: "京A12345".into(),
            driver_name: "赵师傅".into(),
            driver_phone: "13912345678".into(),
            purpose: "送货".into(),
            passengers,
            ..Default::default()
        };
        let err = vehicles::check_in(&fx.db, &guard, &van).unwrap_err();
        assert_eq!((err.field(), err.code()), (Some("passengers"), code), "{passengers}");
    }
    assert_eq!(headcount::roster(&fx.db, &guard).unwrap().total_people, 0, "nothing was saved");
}

#[test]
fn the_cli_roster_agrees_with_the_database_after_a_demo() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    gatehouse::demo::generate(&fx.db, &supervisor, 3000, 10, 5).unwrap();
    let path = fx.path();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .env("GATEHOUSE_KEY_FILE", crate::util::keys_in(path.parent().unwrap()).path())
        .args(["--db", path.to_str().unwrap(), "roster", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The same counts straight from the tables.
    let conn = fx.conn();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let visitors = count("SELECT coalesce(sum(1 + companions), 0) FROM visit WHERE checked_out_at_ms IS NULL");
    let vehicles = count(
        "SELECT coalesce(sum(1 + max(passengers - (SELECT count(*) FROM vehicle_visitor l JOIN visit x ON x.id = l.visit_id
             WHERE l.vehicle_visit_id = v.id AND x.checked_out_at_ms IS NULL), 0)), 0) FROM vehicle_visit v WHERE checked_out_at_ms IS NULL",
    );
    let holders = count(
        "SELECT count(*) FROM pass p WHERE (SELECT direction FROM pass_scan s WHERE s.key_id = p.key_id AND s.serial = p.serial AND accepted = 1
             ORDER BY id DESC LIMIT 1) = 'in'",
    );
    let group = |kind: &str| json["groups"].as_array().unwrap().iter().find(|g| g["kind"] == kind).unwrap().clone();
    assert_eq!(group("visitors")["people"], visitors);
    assert_eq!(group("vehicles")["people"], vehicles);
    assert_eq!(group("pass_holders")["people"], holders);
    assert_eq!(json["total_people"], visitors + vehicles + holders);
    // The demo gives the counts something to count: companions, passengers, holders inside.
    assert!(visitors > count("SELECT count(*) FROM visit WHERE checked_out_at_ms IS NULL"), "no companions on site");
    assert!(vehicles > count("SELECT count(*) FROM vehicle_visit WHERE checked_out_at_ms IS NULL"), "no passengers on site");
    assert!(holders > 0, "no pass holder inside");
    let rows: i64 = group("visitors")["rows"].as_array().unwrap().iter().map(|r| r["people"].as_i64().unwrap()).sum();
    assert_eq!(rows, visitors);
}
