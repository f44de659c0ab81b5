//! Reports (统计报表) and exports: exact counts per duty day, hour, host and purpose on known
//! data; vehicle statistics with overnight stays; refused pass scans; CSV/XLSX exports with
//! masked or full ID numbers, the audit event, and the bad inputs (range, folder, full disk).

use calamine::{open_workbook_auto, Data, Reader};
use chrono::{NaiveDate, TimeZone};
use gatehouse::actor::Actor;
use gatehouse::passes::scan::{self, Direction, Outcome};
use gatehouse::passes::{self, NewPass, PassKind};
use gatehouse::reports::table::{self, Cell, Column, TableHead};
use gatehouse::reports::{self, DateRange, DayCount, Format, IdNumbers, NamedCount, ReportKind};
use gatehouse::vehicles::{self, NewRegisteredVehicle, NewVehicleVisit, RegisteredPass, VehicleType};
use gatehouse::visits::{self, CheckOut, NewVisit};
use gatehouse::{ErrorCode, ErrorKind};

use crate::util::{valid_id, Fixture};

/// A local (UTC+8) time as the fixture's clock reads it.
fn at(text: &str) -> i64 {
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    chrono::FixedOffset::east_opt(8 * 3600).unwrap().from_local_datetime(&naive).unwrap().timestamp_millis()
}

fn range(from: &str, to: &str) -> DateRange {
    DateRange::parse(from, to).unwrap()
}

const NAMES: [&str; 8] = ["", "张一", "王二", "李三", "赵四", "钱五", "孙六", "周七"];

fn visit(fx: &Fixture, guard: &Actor, when: &str, seq: u32, host: &str, purpose: &str, companions: i64) -> i64 {
    fx.clock.set_ms(at(when));
    let new = NewVisit {
        name: NAMES[seq as usize].into(),
        id_number: valid_id("19900307", seq),
        phone: Some("13812345678".into()),
        host: host.into(),
        purpose: purpose.into(),
        companions,
        ..Default::default()
    };
    visits::check_in(&fx.db, guard, &new).unwrap().id
}

fn vehicle(fx: &Fixture, guard: &Actor, when: &str, plate: &str, vehicle_type: VehicleType) -> i64 {
    fx.clock.set_ms(at(when));
    let inspection = gatehouse::checklist::items(&fx.db, guard, gatehouse::checklist::ChecklistKind::Vehicle, false)
        .unwrap()
        .into_iter()
        .map(|item| gatehouse::checklist::CheckResult { item: item.label, ok: true, note: None })
        .collect();
    let new = NewVehicleVisit {
        plate: plate.into(),
        vehicle_type,
        driver_name: "赵师傅".into(),
        driver_phone: "13912345678".into(),
        purpose: "送货".into(),
        inspection,
        ..Default::default()
    };
    vehicles::check_in(&fx.db, guard, &new).unwrap().id
}

/// Known data around the range 2026-11-27..=2026-11-28 (duty days start at 08:00):
/// visits A..E inside it (two of them before 08:00 on the next calendar day), F and G just
/// outside; three vehicles (one overnight and checked out, one registered still inside);
/// refused and accepted pass scans.
struct Known {
    fx: Fixture,
    guard: Actor,
    supervisor: Actor,
}

fn known() -> Known {
    let fx = Fixture::new();
    let guard = fx.guard();
    let supervisor = fx.supervisor();
    vehicles::add_registered(
        &fx.db,
        &supervisor,
        &NewRegisteredVehicle {
            plate: "粤B12345F".into(),
            owner: "陈老师".into(),
            department: "教务处".into(),
            valid_until: "2027-06-30".into(),
            ..Default::default()
        },
    )
    .unwrap();
    visit(&fx, &guard, "2026-11-27 07:59", 1, "外人", "外事", 0); // F: duty day 11-26
    visit(&fx, &guard, "2026-11-27 09:15", 2, "陈老师", "面试", 0); // A: 11-27, 09h
    let v1 = vehicle(&fx, &guard, "2026-11-27 10:00", "京A12345", VehicleType::Truck);
    fx.clock.set_ms(at("2026-11-27 12:00"));
    vehicles::check_out(&fx.db, &guard, v1).unwrap();
    let v2 = vehicle(&fx, &guard, "2026-11-27 20:00", "京B54321", VehicleType::Car);
    visit(&fx, &guard, "2026-11-28 07:30", 3, "陈老师", "送货", 0); // B: 11-27, 07h
    fx.clock.set_ms(at("2026-11-28 08:30"));
    vehicles::pass_registered(&fx.db, &guard, &RegisteredPass { plate: "粤B12345F".into(), ..Default::default() }).unwrap();
    fx.clock.set_ms(at("2026-11-28 09:00"));
    vehicles::check_out(&fx.db, &guard, v2).unwrap();
    let c = visit(&fx, &guard, "2026-11-28 09:10", 4, "李老师", "面试", 0); // C: 11-28, 09h
    visit(&fx, &guard, "2026-11-28 09:50", 5, "陈老师", "面试", 2); // D: 11-28, 09h, 2 companions
    fx.clock.set_ms(at("2026-11-28 10:30"));
    visits::check_out(&fx.db, &guard, &CheckOut { visit_id: c, ..Default::default() }).unwrap();
    fx.clock.set_ms(at("2026-11-28 11:00"));
    let card = passes::issue(
        &fx.db,
        &supervisor,
        &NewPass {
            kind: PassKind::Staff,
            holder_name: "周老师".into(),
            department: "教务处".into(),
            valid_from_ms: at("2026-11-28 00:00"),
            valid_to_ms: at("2026-12-28 00:00"),
            approved_by: "学工处".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(scan::scan(&fx.db, &guard, &card.code, Direction::In).unwrap().outcome, Outcome::Valid);
    fx.clock.set_ms(at("2026-11-28 11:05"));
    assert_ne!(scan::scan(&fx.db, &guard, &card.code, Direction::In).unwrap().outcome, Outcome::Valid);
    fx.clock.set_ms(at("2026-11-28 11:10"));
    assert_ne!(scan::scan(&fx.db, &guard, "12345678901234567890", Direction::In).unwrap().outcome, Outcome::Valid);
    visit(&fx, &guard, "2026-11-29 07:59", 6, "王老师", "开会", 0); // E: 11-28, 07h
    visit(&fx, &guard, "2026-11-29 08:00", 7, "外人", "外事", 0); // G: duty day 11-29
    Known { fx, guard, supervisor }
}

fn named(pairs: &[(&str, i64)]) -> Vec<NamedCount> {
    pairs.iter().map(|(name, count)| NamedCount { name: (*name).into(), count: *count }).collect()
}

#[test]
fn visitor_statistics_count_each_duty_day_hour_host_and_purpose_exactly() {
    let k = known();
    let stats = reports::visitors::stats(&k.fx.db, &k.guard, &range("2026-11-27", "2026-11-28")).unwrap();
    assert_eq!((stats.total, stats.companions, stats.checked_out, stats.still_inside), (5, 2, 1, 4));
    assert_eq!(stats.per_day, vec![DayCount { day: "2026-11-27".into(), count: 2 }, DayCount { day: "2026-11-28".into(), count: 3 }]);
    let mut hours = vec![0i64; 24];
    hours[7] = 2;
    hours[9] = 3;
    assert_eq!(stats.per_hour, hours);
    assert_eq!(stats.per_host, named(&[("陈老师", 3), ("李老师", 1), ("王老师", 1)]));
    assert_eq!(stats.per_purpose, named(&[("面试", 3), ("开会", 1), ("送货", 1)]));
}

#[test]
fn a_range_with_no_visits_has_every_day_at_zero() {
    let k = known();
    let stats = reports::visitors::stats(&k.fx.db, &k.guard, &range("2026-10-01", "2026-10-03")).unwrap();
    assert_eq!(stats.total, 0);
    assert_eq!(stats.per_day.iter().map(|d| (d.day.as_str(), d.count)).collect::<Vec<_>>(), vec![("2026-10-01", 0), ("2026-10-02", 0), ("2026-10-03", 0)]);
    assert!(stats.per_host.is_empty() && stats.per_hour.iter().all(|h| *h == 0));
}

#[test]
fn vehicle_statistics_count_in_out_types_registered_and_overnight_stays() {
    let k = known();
    let stats = reports::vehicles::stats(&k.fx.db, &k.guard, &range("2026-11-27", "2026-11-28")).unwrap();
    assert_eq!((stats.total_in, stats.total_out, stats.registered, stats.visiting, stats.overnight), (3, 2, 1, 2, 2));
    let days: Vec<_> = stats.per_day.iter().map(|d| (d.day.as_str(), d.vehicles_in, d.vehicles_out, d.overnight)).collect();
    assert_eq!(days, vec![("2026-11-27", 2, 1, 1), ("2026-11-28", 1, 1, 1)]);
    assert_eq!(stats.per_type, named(&[("car", 2), ("truck", 1)]));
    // Seen from the morning of 11-28, the registered car that came in at 08:30 is not yet overnight.
    k.fx.clock.set_ms(at("2026-11-28 12:00"));
    let stats = reports::vehicles::stats(&k.fx.db, &k.guard, &range("2026-11-28", "2026-11-28")).unwrap();
    assert_eq!(stats.overnight, 0);
}

#[test]
fn refused_scans_list_time_serial_outcome_and_guard_but_not_accepted_scans() {
    let k = known();
    let refused = reports::scans::refused(&k.fx.db, &k.guard, &range("2026-11-27", "2026-11-28")).unwrap();
    assert_eq!(refused.total, 2);
    assert_eq!(refused.rows.len(), 2);
    let newest = &refused.rows[0];
    assert_eq!((newest.scanned_at_ms, newest.serial, newest.guard.as_str()), (at("2026-11-28 11:10"), None, "李保安"));
    let second = &refused.rows[1];
    assert_eq!(second.scanned_at_ms, at("2026-11-28 11:05"));
    assert!(second.serial.is_some() && !second.outcome.is_empty() && second.outcome != "valid");
    assert_eq!(refused.per_outcome.iter().map(|o| o.count).sum::<i64>(), 2);
    let none = reports::scans::refused(&k.fx.db, &k.guard, &range("2026-11-29", "2026-11-29")).unwrap();
    assert_eq!(none.total, 0);
}

#[test]
fn the_overview_holds_all_reports_of_the_range() {
    let k = known();
    let overview = reports::overview(&k.fx.db, &k.guard, &range("2026-11-27", "2026-11-28")).unwrap();
    assert_eq!((overview.visitors.total, overview.vehicles.total_in, overview.refused_scans.total), (5, 3, 2));
    assert_eq!((overview.site_name.as_str(), overview.from.as_str(), overview.to.as_str()), ("示例学校", "2026-11-27", "2026-11-28"));
}

#[test]
fn bad_ranges_are_refused_naming_the_field() {
    let err = DateRange::parse("2026-11-28", "2026-11-27").unwrap_err();
    assert_eq!((err.kind(), err.code(), err.field()), (ErrorKind::Invalid, ErrorCode::RangeReversed, Some("to")));
    let err = DateRange::parse("2025-01-01", "2026-11-28").unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::RangeTooLong, Some("to")));
    assert_eq!(err.params().get("max").map(String::as_str), Some("366"));
    let err = DateRange::parse("28.11.2026", "2026-11-28").unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::DateFormat, Some("from")));
    let err = DateRange::parse("2026-11-28", "").unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::Required, Some("to")));
    assert_eq!(DateRange::parse("2026-11-28", "2026-11-28").unwrap().days(), 1);
    assert_eq!(DateRange::new(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()).unwrap().days(), 366);
}

fn export_events(fx: &Fixture) -> Vec<serde_json::Value> {
    let conn = fx.conn();
    let mut stmt = conn.prepare("SELECT body FROM audit_event WHERE action = 'visits_exported' ORDER BY seq").unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|body| {
            let body: serde_json::Value = serde_json::from_str(&body.unwrap()).unwrap();
            body
        })
        .collect()
}

fn find_detail<'a>(body: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
    body.get("detail").and_then(|d| d.get(key))
}

#[test]
fn a_masked_csv_export_has_a_bom_a_header_every_visit_and_no_full_id_number() {
    let k = known();
    let out = k.fx.dir.path().join("visits.csv");
    let report = reports::export_visits(&k.fx.db, &k.guard, &range("2026-11-27", "2026-11-28"), Format::Csv, &out, IdNumbers::Masked).unwrap();
    assert_eq!(report.rows, 5);
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(report.bytes, bytes.len() as u64);
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM first");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6);
    assert!(lines[0].starts_with("登记时间,离开时间,姓名,证件类型,证件号码,电话"), "{}", lines[0]);
    assert!(lines[1].starts_with("2026-11-27 09:15,,王二,居民身份证,**************"), "{}", lines[1]);
    for seq in 1..=7 {
        assert!(!text.contains(&valid_id("19900307", seq)), "full ID number {seq} leaked");
    }
    assert!(text.contains("138****5678") && !text.contains("13812345678"));
    assert!(text.contains("2026-11-28 09:10,2026-11-28 10:30,赵四"));
    let events = export_events(&k.fx);
    assert_eq!(events.len(), 1);
    let body = &events[0];
    assert_eq!(find_detail(body, "id_numbers").and_then(|v| v.as_str()), Some("masked"));
    assert_eq!(find_detail(body, "rows").and_then(|v| v.as_u64()), Some(5));
}

#[test]
fn a_supervisor_exports_full_id_numbers_and_the_choice_is_logged_with_who_range_and_rows() {
    let k = known();
    let out = k.fx.dir.path().join("full.csv");
    reports::export_visits(&k.fx.db, &k.supervisor, &range("2026-11-27", "2026-11-28"), Format::Csv, &out, IdNumbers::Full).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains(&valid_id("19900307", 2)) && text.contains("13812345678"));
    let events = export_events(&k.fx);
    assert_eq!(events.len(), 1);
    let b = &events[0];
    let supervisor_uid: String = k.fx.conn().query_row("SELECT uid FROM guard WHERE name = '王主管'", [], |r| r.get(0)).unwrap();
    assert_eq!(b.get("actor").and_then(|v| v.as_str()), Some(supervisor_uid.as_str()), "who exported");
    assert_eq!(find_detail(b, "id_numbers").and_then(|v| v.as_str()), Some("full"));
    assert_eq!(find_detail(b, "from").and_then(|v| v.as_str()), Some("2026-11-27"));
    assert_eq!(find_detail(b, "to").and_then(|v| v.as_str()), Some("2026-11-28"));
    assert_eq!(find_detail(b, "rows").and_then(|v| v.as_u64()), Some(5));
    // The chain still verifies with the event in it.
    assert!(k.fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn a_guard_asking_for_full_id_numbers_is_forbidden_and_nothing_is_written_or_logged() {
    let k = known();
    let out = k.fx.dir.path().join("guard.csv");
    let err = reports::export_visits(&k.fx.db, &k.guard, &range("2026-11-27", "2026-11-28"), Format::Csv, &out, IdNumbers::Full).unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Forbidden, ErrorCode::Forbidden));
    assert!(!out.exists());
    assert!(export_events(&k.fx).is_empty());
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn an_xlsx_export_reads_back_with_masked_id_numbers() {
    let k = known();
    let out = k.fx.dir.path().join("visits.xlsx");
    let report = reports::export_visits(&k.fx.db, &k.guard, &range("2026-11-27", "2026-11-28"), Format::Xlsx, &out, IdNumbers::Masked).unwrap();
    assert_eq!(report.rows, 5);
    let mut book = open_workbook_auto(&out).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), 1);
    let sheet = book.worksheet_range(&names[0]).unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(cell_text).collect()).collect();
    assert_eq!(rows.len(), 6);
    assert_eq!(&rows[0][..5], &["登记时间", "离开时间", "姓名", "证件类型", "证件号码"]);
    let id = valid_id("19900307", 2);
    assert_eq!(rows[1][2], "王二");
    assert_eq!(rows[1][4], format!("{}{}", "*".repeat(14), &id[14..]));
    assert_eq!(rows[4][9], "2", "companions as a number");
    assert!(rows.iter().flatten().all(|c| !c.contains(&id)));
}

#[test]
fn report_tables_export_as_csv_and_xlsx() {
    let k = known();
    let r = range("2026-11-27", "2026-11-28");
    let csv = k.fx.dir.path().join("stats.csv");
    reports::export_report(&k.fx.db, &k.guard, ReportKind::VisitorStats, &r, Format::Csv, &csv).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("按被访人,陈老师,3") && text.contains("按小时,09:00-09:59,3") && text.contains("按日,2026-11-27,2"), "{text}");
    let xlsx = k.fx.dir.path().join("vehicles.xlsx");
    reports::export_report(&k.fx.db, &k.guard, ReportKind::VehicleStats, &r, Format::Xlsx, &xlsx).unwrap();
    let mut book = open_workbook_auto(&xlsx).unwrap();
    let name = book.sheet_names()[0].clone();
    let rows: Vec<Vec<String>> = book.worksheet_range(&name).unwrap().rows().map(|r| r.iter().map(cell_text).collect()).collect();
    assert_eq!(&rows[1][..4], &["2026-11-27", "2", "1", "1"]);
    let scans = k.fx.dir.path().join("scans.csv");
    let report = reports::export_report(&k.fx.db, &k.guard, ReportKind::RefusedScans, &r, Format::Csv, &scans).unwrap();
    assert_eq!(report.rows, 2);
}

#[test]
#[cfg(target_os = "linux")]
fn an_export_to_a_full_disk_fails_with_storage_full_on_the_out_field() {
    let k = known();
    let full = std::path::Path::new("/dev/full");
    for format in [Format::Csv, Format::Xlsx] {
        let err = reports::export_visits(&k.fx.db, &k.guard, &range("2026-11-27", "2026-11-28"), format, full, IdNumbers::Masked).unwrap_err();
        assert_eq!((err.kind(), err.code(), err.field()), (ErrorKind::Storage, ErrorCode::StorageFull, Some("out")), "{format:?}: {err}");
    }
    assert!(export_events(&k.fx).is_empty(), "a failed export is not logged as made");
}

#[test]
fn an_export_to_a_missing_folder_or_onto_a_folder_names_the_out_field() {
    let k = known();
    let r = range("2026-11-27", "2026-11-28");
    let missing = k.fx.dir.path().join("no-such-drive/visits.csv");
    let err = reports::export_visits(&k.fx.db, &k.guard, &r, Format::Csv, &missing, IdNumbers::Masked).unwrap_err();
    assert_eq!((err.kind(), err.code(), err.field()), (ErrorKind::Invalid, ErrorCode::ExportFolderMissing, Some("out")));
    let err = reports::export_visits(&k.fx.db, &k.guard, &r, Format::Xlsx, k.fx.dir.path(), IdNumbers::Masked).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::ExportPathIsFolder, Some("out")));
}

#[test]
fn a_failed_export_leaves_no_partial_file_and_keeps_the_previous_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("table.csv");
    std::fs::write(&out, "previous").unwrap();
    let head = TableHead { title: "t".into(), columns: vec![Column::new("a", 5.0)] };
    for format in [Format::Csv, Format::Xlsx] {
        let err = table::write_streamed(&head, format, &out, |sink| {
            for i in 0..1000 {
                sink.row(&[Cell::Int(i)])?;
            }
            Err(gatehouse::Error::internal("stopped half-way"))
        })
        .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Internal);
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("table.csv")], "no temp file left");
    }
}
