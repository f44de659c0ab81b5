//! The staff directory: the host picker's search and the all-or-nothing CSV import.

use gatehouse::staff::{self, NewStaff};
use gatehouse::visits::{self, NewVisit};
use gatehouse::{ErrorCode, ErrorKind};

use crate::util::{valid_id, Fixture};

#[test]
fn an_import_with_a_bad_row_saves_nothing_and_names_every_problem() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let csv = "姓名,部门,分机\n陈老师,教务处,8001\n,总务处,8002\n王<b>,保卫处,8003\n";
    let report = staff::import_csv(&fx.db, &supervisor, csv).unwrap();
    assert_eq!(report.imported, 0);
    let problems: Vec<(u64, &str, ErrorCode)> = report.problems.iter().map(|p| (p.row, p.field.as_str(), p.code)).collect();
    assert_eq!(problems, vec![(3, "staff_name", ErrorCode::Required), (4, "staff_name", ErrorCode::NameCharacters)]);
    assert!(staff::list(&fx.db, &supervisor).unwrap().is_empty());
}

#[test]
fn a_good_import_saves_every_row_once_and_the_host_picker_finds_them() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let csv = "\u{feff}陈老师,教务处,8001\n李主任,总务处,8002\n";
    assert_eq!(staff::import_csv(&fx.db, &supervisor, csv).unwrap().imported, 2);
    let again = staff::import_csv(&fx.db, &supervisor, csv).unwrap();
    assert_eq!((again.imported, again.unchanged), (0, 2));
    let guard = fx.guard();
    let found = staff::search(&fx.db, &guard, "总务").unwrap();
    assert_eq!(found.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), vec!["李主任"]);
    assert!(staff::search(&fx.db, &guard, "%").unwrap().is_empty(), "LIKE wildcards are literal");

    let host = &staff::search(&fx.db, &guard, "陈").unwrap()[0];
    let new = NewVisit {
        name: "张伟".into(),
        id_number: valid_id("19900101", 3),
        host_staff_id: Some(host.id),
        host: "ignored".into(),
        purpose: "送材料".into(),
        ..Default::default()
    };
    let row = visits::check_in(&fx.db, &guard, &new).unwrap();
    assert_eq!((row.host.as_str(), row.host_department.as_str()), ("陈老师", "教务处"));
}

#[test]
fn guards_search_but_only_supervisors_change_the_directory() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let new = NewStaff { name: "陈老师".into(), department: "教务处".into(), extension: "8001".into() };
    assert_eq!(staff::add(&fx.db, &guard, &new).unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(staff::import_csv(&fx.db, &guard, "a,b,c").unwrap_err().kind(), ErrorKind::Forbidden);
    let supervisor = fx.supervisor();
    let added = staff::add(&fx.db, &supervisor, &new).unwrap();
    assert_eq!(staff::add(&fx.db, &supervisor, &new).unwrap_err().code(), ErrorCode::StaffExists);
    staff::set_active(&fx.db, &supervisor, added.id, false).unwrap();
    assert!(staff::search(&fx.db, &guard, "陈").unwrap().is_empty());
}
