//! Kindergarten authorised pickers (issue 14 item 8): the list imported by class (CSV and
//! XLSX, replace by class, every bad row reported and nothing changed), the desk's rules
//! (a listed picker goes with the list's data; anyone else is stopped until the class
//! teacher confirms by name and how), watchlist screening, masked phones, retention.

use gatehouse::actor::Actor;
use gatehouse::guards::SupervisorOverride;
use gatehouse::pickers::{self, ChildPickers};
use gatehouse::pickups::{self, NewPickup, TeacherConfirmation};
use gatehouse::watchlist::{self, NewWatchEntry, WatchAction};
use gatehouse::{audit, retention, ErrorCode, ErrorKind};

use crate::util::{valid_id, Fixture, SUPERVISOR_PIN, T0_MS};

const DAY_MS: i64 = 86_400_000;

/// Two classes: 小一班 (张小明 with two pickers, 王小红 with one) and 大二班 (李小刚).
const LISTS: &str = "班级,幼儿姓名,接送人姓名,关系,电话,身份证后四位
小一班,张小明,张伟,父亲,13812345678,123X
小一班,张小明,李芳,母亲,13987654321,0021
小一班,王小红,王强,祖父,010-87654321,5555
大二班,李小刚,李建国,父亲,13700001111,7777
";

fn import_csv(fx: &Fixture, text: &str) -> pickers::PickerImportReport {
    pickers::import(&fx.db, &fx.supervisor(), "pickers.csv", text.as_bytes()).unwrap()
}

fn child(fx: &Fixture, actor: &Actor, name: &str) -> ChildPickers {
    pickers::find_children(&fx.db, actor, name).unwrap().into_iter().find(|c| c.child_name == name).expect("child on a list")
}

fn events(fx: &Fixture, action: &str) -> Vec<serde_json::Value> {
    fx.db
        .read(|c| {
            let mut stmt = c.prepare("SELECT body FROM audit_event WHERE action = ?1 ORDER BY seq")?;
            let bodies: Vec<String> = stmt.query_map([action], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(bodies.into_iter().map(|b| serde_json::from_str(&b).unwrap()).collect())
        })
        .unwrap()
}

/// A pick-up of `child` by the listed picker `picker` (one keystroke at the desk).
fn listed(fx: &Fixture, actor: &Actor, child_name: &str, picker: &str) -> NewPickup {
    let found = child(fx, actor, child_name);
    let entry = found.pickers.iter().find(|p| p.picker_name == picker).expect("picker on the list");
    NewPickup { child_name: found.child_name.clone(), class_name: found.class_name.clone(), authorised_picker_id: Some(entry.id), ..Default::default() }
}

/// A pick-up by someone not on the list, typed in full, without the teacher's confirmation.
fn unlisted(child_name: &str, class_name: &str) -> NewPickup {
    NewPickup {
        child_name: child_name.into(),
        class_name: class_name.into(),
        picker_name: "赵大妈".into(),
        relation: "邻居".into(),
        picker_id_number: valid_id("19650303", 21),
        picker_phone: "13600002222".into(),
        ..Default::default()
    }
}

#[test]
fn a_class_import_lists_each_child_with_masked_phones_and_is_audited() {
    let fx = Fixture::new();
    let report = import_csv(&fx, LISTS);
    assert!(report.problems.is_empty());
    assert_eq!(report.classes.iter().map(|c| (c.class_name.as_str(), c.added, c.removed)).collect::<Vec<_>>(), vec![("大二班", 1, 0), ("小一班", 3, 0)]);
    let guard = fx.guard();
    let xiaoming = child(&fx, &guard, "张小明");
    assert_eq!(xiaoming.class_name, "小一班");
    assert_eq!(
        xiaoming.pickers.iter().map(|p| (p.picker_name.as_str(), p.relation.as_str(), p.phone_masked.as_str(), p.id_last4.as_str())).collect::<Vec<_>>(),
        vec![("张伟", "父亲", "138****5678", "123X"), ("李芳", "母亲", "139****4321", "0021")]
    );
    assert_eq!(child(&fx, &guard, "王小红").pickers[0].phone_masked, "010-****4321");
    // By class too, and the supervisor's overview.
    assert_eq!(pickers::find_children(&fx.db, &guard, "小一班").unwrap().len(), 2);
    let classes = pickers::list_classes(&fx.db, &fx.supervisor()).unwrap();
    assert_eq!(classes.iter().map(|c| (c.class_name.as_str(), c.children, c.pickers)).collect::<Vec<_>>(), vec![("大二班", 1, 1), ("小一班", 2, 3)]);
    assert_eq!(events(&fx, "authorised_picker_added").len(), 4);
    assert_eq!(events(&fx, "authorised_pickers_imported").len(), 1);
    // The chain holds no personal data: only the commitment.
    let bodies = events(&fx, "authorised_picker_added").iter().map(|e| e.to_string()).collect::<String>();
    assert!(!bodies.contains("张伟") && !bodies.contains("13812345678") && !bodies.contains("张小明"));
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
}

#[test]
fn importing_a_class_again_replaces_only_that_class_and_the_old_entries_are_kept_as_removed() {
    let fx = Fixture::new();
    import_csv(&fx, LISTS);
    let guard = fx.guard();
    let old_zhangwei = child(&fx, &guard, "张小明").pickers[0].id;
    let report = import_csv(
        &fx,
        "班级,幼儿姓名,接送人姓名,关系,电话,身份证后四位\n小一班,张小明,张伟,父亲,13812340000,123X\n小一班,陈小美,陈刚,父亲,13800008888,4321\n",
    );
    assert_eq!(report.classes.iter().map(|c| (c.class_name.as_str(), c.added, c.removed)).collect::<Vec<_>>(), vec![("小一班", 2, 3)]);
    let xiaoming = child(&fx, &guard, "张小明");
    assert_eq!(xiaoming.pickers.iter().map(|p| (p.picker_name.as_str(), p.phone_masked.as_str())).collect::<Vec<_>>(), vec![("张伟", "138****0000")]);
    assert!(pickers::find_children(&fx.db, &guard, "王小红").unwrap().is_empty(), "王小红 is no longer on 小一班's list");
    assert_eq!(child(&fx, &guard, "李小刚").pickers.len(), 1, "大二班 was not in the file: untouched");
    assert_eq!(events(&fx, "authorised_picker_removed").len(), 3);
    // The old entries stay in the table (marked removed), so nothing in the chain dangles.
    let (all, removed): (i64, i64) =
        fx.db.read(|c| Ok(c.query_row("SELECT count(*), count(removed_at_ms) FROM authorised_picker", [], |r| Ok((r.get(0)?, r.get(1)?)))?)).unwrap();
    assert_eq!((all, removed), (6, 3));
    // A pick-up that names a replaced entry is refused: the desk must look the child up again.
    let err = pickups::record(
        &fx.db,
        &guard,
        &NewPickup { child_name: "张小明".into(), class_name: "小一班".into(), authorised_picker_id: Some(old_zhangwei), ..Default::default() },
    )
    .unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Conflict, ErrorCode::PickerNotFound));
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
}

#[test]
fn an_xlsx_sheet_imports_like_a_csv_and_the_template_imports_as_is() {
    let fx = Fixture::new();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in LISTS.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            sheet.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    // A phone typed as a number in Excel arrives as digits.
    sheet.write_number(4, 4, 13700001111.0).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let report = pickers::import(&fx.db, &fx.supervisor(), "名单.xlsx", &bytes).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.classes.iter().map(|c| c.added).sum::<i64>(), 4);
    assert_eq!(child(&fx, &fx.guard(), "李小刚").pickers[0].phone_masked, "137****1111");

    let report = pickers::import(&fx.db, &fx.supervisor(), "template.csv", pickers::template_csv().as_bytes()).unwrap();
    assert!(report.problems.is_empty() && !report.classes.is_empty(), "{report:?}");
}

#[test]
fn a_file_with_bad_rows_reports_each_row_and_field_and_changes_nothing() {
    let fx = Fixture::new();
    import_csv(&fx, LISTS);
    let supervisor = fx.supervisor();
    let (rows_before, events_before) = fx.counts("authorised_picker");
    let bad = "班级,幼儿姓名,接送人姓名,关系,电话,身份证后四位
小一班,张小明,张伟,父亲,13812345678,123X
小一班,张小明,张伟,父亲,13812345678,123X
小一班,,李芳,母亲,13987654321,0021
小一班,王小红,王强,祖父,12345,5555
小一班,王小红,王奶奶,祖母,13800001234,12X4
,王小红,王大爷,祖父,13800001235,1234
";
    let report = pickers::import(&fx.db, &supervisor, "pickers.csv", bad.as_bytes()).unwrap();
    assert!(report.classes.is_empty());
    assert_eq!(
        report.problems.iter().map(|p| (p.row, p.field.as_str(), p.code)).collect::<Vec<_>>(),
        vec![
            (3, "picker_name", ErrorCode::PickerDuplicate),
            (4, "child_name", ErrorCode::Required),
            (5, "phone", ErrorCode::PhoneFormat),
            (6, "id_last4", ErrorCode::PickerIdLast4Format),
            (7, "class_name", ErrorCode::Required),
        ]
    );
    assert!(report.problems.iter().all(|p| !p.message.is_empty()));
    // Nothing saved is lost: the lists on file are as they were, and nothing was logged.
    assert_eq!(fx.counts("authorised_picker"), (rows_before, events_before));

    // A file that is not a sheet at all, or holds only its header: one clear error on the file.
    let err = pickers::import(&fx.db, &supervisor, "pickers.xlsx", b"not a workbook").unwrap_err();
    assert_eq!((err.field(), err.code()), (Some("import_file"), ErrorCode::ImportFileInvalid));
    let err = pickers::import(&fx.db, &supervisor, "pickers.csv", pickers::TEMPLATE_HEADER.as_bytes()).unwrap_err();
    assert_eq!((err.field(), err.code()), (Some("import_file"), ErrorCode::ImportFileInvalid));
    assert_eq!(fx.counts("authorised_picker"), (rows_before, events_before));
    assert_eq!(child(&fx, &fx.guard(), "王小红").pickers.len(), 1);
}

#[test]
fn only_a_supervisor_imports_or_removes_a_list() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let err = pickers::import(&fx.db, &guard, "pickers.csv", LISTS.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    import_csv(&fx, LISTS);
    assert_eq!(pickers::remove_class(&fx.db, &guard, "大二班").unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(pickers::remove_class(&fx.db, &fx.supervisor(), "大二班").unwrap(), 1);
    assert!(pickers::find_children(&fx.db, &guard, "李小刚").unwrap().is_empty());
    assert_eq!(pickers::remove_class(&fx.db, &fx.supervisor(), "大二班").unwrap_err().code(), ErrorCode::PickerClassNotFound);
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
}

#[test]
fn a_listed_picker_goes_with_the_lists_data_and_a_masked_phone() {
    let fx = Fixture::new();
    import_csv(&fx, LISTS);
    let guard = fx.guard();
    // No typing: the list's name, relation and phone; no teacher needed.
    let row = pickups::record(&fx.db, &guard, &listed(&fx, &guard, "张小明", "李芳")).unwrap();
    assert_eq!((row.picker_name.as_str(), row.relation.as_str(), row.picker_phone_masked.as_str(), row.on_list), ("李芳", "母亲", "139****4321", true));
    assert_eq!(row.teacher_confirmation, None);
    // An ID card shown must end in the list's last four.
    let err = pickups::record(&fx.db, &guard, &NewPickup { picker_id_number: valid_id("19880808", 11), ..listed(&fx, &guard, "张小明", "张伟") }).unwrap_err();
    assert_eq!((err.field(), err.code()), (Some("picker_id_number"), ErrorCode::PickerIdMismatch));
    // valid_id ends in its 3-digit sequence and the check character: vary the birth date.
    let ends_in_0021 = (1970..2000)
        .flat_map(|year| (1..=28).map(move |day| valid_id(&format!("{year}01{day:02}"), 2)))
        .find(|id| id.ends_with("0021"))
        .expect("an ID ending 0021");
    let row = pickups::record(&fx.db, &guard, &NewPickup { picker_id_number: ends_in_0021, ..listed(&fx, &guard, "张小明", "李芳") }).unwrap();
    assert!(row.picker_id_number_masked.ends_with("0021"));
    // Another child's picker is not this child's.
    let other = child(&fx, &guard, "李小刚").pickers[0].id;
    let err = pickups::record(&fx.db, &guard, &NewPickup { authorised_picker_id: Some(other), ..listed(&fx, &guard, "张小明", "张伟") }).unwrap_err();
    assert_eq!(err.code(), ErrorCode::PickerNotFound);
    assert_eq!(pickups::list_today(&fx.db, &guard, "").unwrap().len(), 2);
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
}

#[test]
fn a_picker_not_on_the_list_is_stopped_until_the_teacher_confirms_by_name_and_how() {
    let fx = Fixture::new();
    import_csv(&fx, LISTS);
    let guard = fx.guard();
    let err = pickups::record(&fx.db, &guard, &unlisted("张小明", "小一班")).unwrap_err();
    assert_eq!((err.kind(), err.code(), err.field()), (ErrorKind::Conflict, ErrorCode::PickerNotListed, Some("teacher")));
    // The teacher's name alone is not enough: how they confirmed is recorded too.
    let err = pickups::record(&fx.db, &guard, &NewPickup { teacher: "刘老师".into(), ..unlisted("张小明", "小一班") }).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::PickerNotListed, Some("teacher_confirmation")));
    assert!(pickups::list_today(&fx.db, &guard, "").unwrap().is_empty(), "stopped: nothing recorded");
    assert_eq!(events(&fx, "pickup_stopped_not_listed").len(), 2, "each stop is logged");
    // A listed picker's name typed by hand is still "not on the list": choosing the entry is what counts.
    let err = pickups::record(&fx.db, &guard, &NewPickup { picker_name: "张伟".into(), ..unlisted("张小明", "小一班") }).unwrap_err();
    assert_eq!(err.code(), ErrorCode::PickerNotListed);

    let confirmed = NewPickup { teacher: "刘老师".into(), teacher_confirmation: Some(TeacherConfirmation::Phone), ..unlisted("张小明", "小一班") };
    let row = pickups::record(&fx.db, &guard, &confirmed).unwrap();
    assert_eq!((row.on_list, row.teacher.as_str(), row.teacher_confirmation), (false, "刘老师", Some(TeacherConfirmation::Phone)));
    assert_eq!(row.picker_phone_masked, "136****2222");
    // Audited: the event's snapshot names the teacher and how.
    let recorded = events(&fx, "pickup_recorded");
    let snapshot = &recorded.last().unwrap()["snapshot"];
    assert_eq!(
        (snapshot["teacher"].as_str(), snapshot["teacher_confirmation"].as_str(), snapshot["authorised_picker_id"].as_i64()),
        (Some("刘老师"), Some("phone"), None)
    );
    // A picker not on the list shows a full, valid ID number.
    let err = pickups::record(&fx.db, &guard, &NewPickup { picker_id_number: String::new(), ..confirmed }).unwrap_err();
    assert_eq!(err.field(), Some("picker_id_number"));
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
}

#[test]
fn a_picker_on_the_watchlist_is_handled_as_a_visitor_is() {
    let fx = Fixture::new();
    import_csv(&fx, LISTS);
    let supervisor = fx.supervisor();
    // 增伟 on the watchlist sounds like 曾伟 (surname 曾: zeng or ceng), who is on a list.
    import_csv(&fx, "班级,幼儿姓名,接送人姓名,关系,电话,身份证后四位\n中三班,曾小宝,曾伟,父亲,13811112222,1111\n");
    let alert = watchlist::add(
        &fx.db,
        &supervisor,
        &NewWatchEntry { name: Some("增伟".into()), reason: "抚养权纠纷，注意核实".into(), action: Some(WatchAction::Alert), ..Default::default() },
    )
    .unwrap();
    let guard = fx.guard();
    let new = listed(&fx, &guard, "曾小宝", "曾伟");
    let err = pickups::record(&fx.db, &guard, &new).unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Conflict, ErrorCode::WatchlistUnacknowledged));
    let row = pickups::record(&fx.db, &guard, &NewPickup { acknowledged_watchlist: vec![alert.id], ..new.clone() }).unwrap();
    assert!(row.on_list);
    assert_eq!(events(&fx, "pickup_recorded").last().unwrap()["detail"]["watchlist_acknowledged"], serde_json::json!([alert.id]));

    // A deny hit needs a supervisor's PIN and reason, recorded on the pick-up.
    let deny = watchlist::add(
        &fx.db,
        &supervisor,
        &NewWatchEntry { name: Some("赵大妈".into()), reason: "法院禁止令".into(), action: Some(WatchAction::Deny), ..Default::default() },
    )
    .unwrap();
    let confirmed = NewPickup {
        teacher: "刘老师".into(),
        teacher_confirmation: Some(TeacherConfirmation::InPerson),
        acknowledged_watchlist: vec![deny.id],
        ..unlisted("张小明", "小一班")
    };
    let err = pickups::record(&fx.db, &guard, &confirmed).unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Forbidden, ErrorCode::WatchlistDenied));
    let approval = SupervisorOverride { supervisor_id: fx.guard_id("王主管"), pin: SUPERVISOR_PIN.into(), reason: "园长当面核实".into() };
    pickups::record(&fx.db, &guard, &NewPickup { watchlist_override: Some(approval), ..confirmed }).unwrap();
    let (by, reason): (Option<i64>, Option<String>) = fx
        .db
        .read(|c| {
            Ok(c.query_row("SELECT watchlist_override_by, watchlist_override_reason FROM pickup ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))?)
        })
        .unwrap();
    assert_eq!((by, reason.as_deref()), (Some(fx.guard_id("王主管")), Some("园长当面核实")));
    assert_eq!(events(&fx, "watchlist_override").len(), 1);
    assert!(events(&fx, "watchlist_hit").len() >= 2, "each refusal at the gate is logged");
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
}

#[test]
fn removed_entries_lose_their_personal_data_after_the_retention_period_and_current_ones_stay() {
    let fx = Fixture::new();
    import_csv(&fx, "班级,幼儿姓名,接送人姓名,关系,电话,身份证后四位\n小一班,犇犇,鑫淼焱,父亲,15912345678,8642\n大二班,垚垚,燚燚,母亲,15987654321,9753\n");
    // 小一班's list is replaced today; 大二班's stays current.
    import_csv(&fx, "班级,幼儿姓名,接送人姓名,关系,电话,身份证后四位\n小一班,淼淼,森森,父亲,15900001111,1357\n");
    fx.clock.set_ms(T0_MS + 179 * DAY_MS);
    assert_eq!(retention::purge_due(&fx.db).unwrap().authorised_pickers, 0, "inside the period");
    fx.clock.set_ms(T0_MS + 181 * DAY_MS);
    fx.confirm_date();
    let report = retention::purge_due(&fx.db).unwrap();
    assert_eq!(report.authorised_pickers, 1);
    fx.conn().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    let file = crate::util::decrypted_pages(&fx.path(), &fx.keys);
    let contains = |needle: &str| file.windows(needle.len()).any(|w| w == needle.as_bytes());
    for gone in ["犇犇", "鑫淼焱", "15912345678"] {
        assert!(!contains(gone), "{gone} is still in the file");
    }
    let guard = fx.guard();
    assert_eq!(child(&fx, &guard, "垚垚").pickers[0].picker_name, "燚燚", "a current list is in use: kept");
    assert_eq!(child(&fx, &guard, "淼淼").pickers[0].picker_name, "森森");
    assert_eq!(retention::purge_due(&fx.db).unwrap().total(), 0, "idempotent");
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
}

#[test]
fn the_cli_import_reports_bad_rows_with_exit_1_and_imports_a_good_file() {
    let fx = Fixture::new();
    let run = |file: &std::path::Path| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
            .args(["--db", fx.path().to_str().unwrap(), "pickers", "import", file.to_str().unwrap(), "--pin", SUPERVISOR_PIN])
            .env_remove("GATEHOUSE_DB")
            .env("GATEHOUSE_KEY_FILE", fx.keys.path())
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let bad = fx.dir.path().join("bad.csv");
    std::fs::write(&bad, "小一班,张小明,张伟,父亲,123,123X\n").unwrap();
    let (code, stdout) = run(&bad);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("row 1, phone:") && stdout.contains("no list changed"), "{stdout}");
    assert_eq!(fx.counts("authorised_picker").0, 0);
    let good = fx.dir.path().join("good.csv");
    std::fs::write(&good, LISTS).unwrap();
    let (code, stdout) = run(&good);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("小一班: 3 added, 0 replaced"), "{stdout}");
}
