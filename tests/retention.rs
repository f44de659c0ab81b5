//! Retention (PIPL): after the retention period the personal data of ended visits, pick-ups
//! and vehicle visits is gone from the database file and its WAL, the records and the chain
//! stay, and every purge is one audit event with its counts.

use gatehouse::actor::Actor;
use gatehouse::clock_trust::ClockDoubt;
use gatehouse::pickups::{self, NewPickup, TeacherConfirmation};
use gatehouse::site::{self, DataSettings};
use gatehouse::vehicles::{self, NewVehicleVisit, VehicleType};
use gatehouse::visits::{self, CheckOut, NewVisit};
use gatehouse::{audit, checklist, clock_trust, duty, retention, ErrorCode, ErrorKind};

use crate::util::{valid_id, Fixture, T0_MS};

const DAY_MS: i64 = 86_400_000;

/// A photo whose bytes do not repeat, so a window of them is a fingerprint.
fn noisy_png() -> Vec<u8> {
    let mut state: u32 = 12345;
    let img = image::RgbImage::from_fn(200, 200, |_, _| {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let b = state.to_be_bytes();
        image::Rgb([b[0], b[1], b[2]])
    });
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    png
}

fn visitor(name: &str, seq: u32) -> NewVisit {
    NewVisit {
        name: name.into(),
        id_number: valid_id("19900307", seq),
        phone: Some(format!("1370000{seq:04}")),
        host: "陈老师".into(),
        purpose: "面试".into(),
        companions: 1,
        companion_names: Some(format!("{name}伴")),
        ..Default::default()
    }
}

fn vehicle(fx: &Fixture, actor: &Actor, plate: &str, driver: &str, phone: &str) -> NewVehicleVisit {
    let inspection = checklist::items(&fx.db, actor, checklist::ChecklistKind::Vehicle, false)
        .unwrap()
        .into_iter()
        .map(|item| checklist::CheckResult { item: item.label, ok: true, note: None })
        .collect();
    NewVehicleVisit {
        plate: plate.into(),
        vehicle_type: VehicleType::Truck,
        driver_name: driver.into(),
        driver_phone: phone.into(),
        driver_id_number: Some(valid_id("19750505", 77)),
        purpose: "送货".into(),
        inspection,
        ..Default::default()
    }
}

fn pickup(child: &str, picker: &str, seq: u32) -> NewPickup {
    NewPickup {
        child_name: child.into(),
        class_name: "大一班".into(),
        picker_name: picker.into(),
        relation: "父亲".into(),
        picker_id_number: valid_id("19880808", seq),
        picker_phone: format!("1590000{seq:04}"),
        teacher: "刘老师".into(),
        teacher_confirmation: Some(TeacherConfirmation::Phone),
        ..Default::default()
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The database file and its -wal file, as bytes.
/// Every page of the database file, free pages included, decrypted with its key (after a
/// checkpoint, so the WAL is folded in): what an attacker holding the key could read.
fn file_bytes(fx: &Fixture) -> Vec<u8> {
    fx.conn().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    crate::util::decrypted_pages(&fx.path(), &fx.keys)
}

fn purge_events(fx: &Fixture) -> Vec<serde_json::Value> {
    fx.db
        .read(|c| {
            let mut stmt = c.prepare("SELECT body FROM audit_event WHERE action = 'retention_purged' ORDER BY seq")?;
            let bodies: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(bodies.into_iter().map(|b| serde_json::from_str::<serde_json::Value>(&b).unwrap()["detail"].clone()).collect())
        })
        .unwrap()
}

#[test]
fn a_purge_after_200_days_leaves_no_old_personal_data_in_the_file_and_the_chain_verifies() {
    let fx = Fixture::new();
    let guard = fx.guard();
    // Old records, all ended.
    let old = visits::check_in(&fx.db, &guard, &NewVisit { photo: Some(noisy_png()), ..visitor("鑫淼焱", 901) }).unwrap();
    let photo = visits::photo(&fx.db, &guard, old.id).unwrap().unwrap();
    visits::check_out(&fx.db, &guard, &CheckOut { visit_id: old.id, ..Default::default() }).unwrap();
    let van =
        vehicles::check_in(&fx.db, &guard, &NewVehicleVisit { linked_visit_ids: vec![], ..vehicle(&fx, &guard, "京A12345", "犇骉驫", "13600009999") }).unwrap();
    vehicles::check_out(&fx.db, &guard, van.id).unwrap();
    pickups::record(&fx.db, &guard, &pickup("垚垚", "燚鑫", 902)).unwrap();
    // Old but still on site: never purged.
    let inside = visits::check_in(&fx.db, &guard, &visitor("羴羴", 903)).unwrap();

    // 190 days later: a recent visit, inside the retention window once we are at 200 days.
    fx.clock.set_ms(T0_MS + 190 * DAY_MS);
    let guard = fx.guard();
    let recent = visits::check_in(&fx.db, &guard, &visitor("淼淼森", 904)).unwrap();
    visits::check_out(&fx.db, &guard, &CheckOut { visit_id: recent.id, ..Default::default() }).unwrap();

    let before = file_bytes(&fx);
    for name in ["鑫淼焱", "犇骉驫", "垚垚", "燚鑫"] {
        assert!(contains(&before, name.as_bytes()), "{name} is in the file before the purge (the check can see it)");
    }

    fx.clock.set_ms(T0_MS + 200 * DAY_MS);
    let report = retention::purge_due(&fx.db).unwrap();
    assert_eq!((report.visits, report.pickups, report.vehicle_visits, report.retention_days), (1, 1, 1, 180));

    // Nothing of the old personal data is left in the file or the WAL.
    let after = file_bytes(&fx);
    let old_id = valid_id("19900307", 901);
    let old_companion = "鑫淼焱伴".to_string();
    let picker_id = valid_id("19880808", 902);
    let driver_id = valid_id("19750505", 77);
    for needle in [
        "鑫淼焱",
        old_companion.as_str(),
        old_id.as_str(),
        "13700000901",
        "犇骉驫",
        "13600009999",
        driver_id.as_str(),
        "垚垚",
        "燚鑫",
        picker_id.as_str(),
        "15900000902",
    ] {
        assert!(!contains(&after, needle.as_bytes()), "{needle} is still in the database file or its WAL");
    }
    let window = &photo[photo.len() / 2..photo.len() / 2 + 64];
    assert!(!contains(&after, window), "the photo's bytes are still in the file");

    // The chain verifies; the records, their counts and plates stay; the recent and the on-site records keep their data.
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
    let supervisor = fx.supervisor();
    let day = duty::report(&fx.db, &supervisor, "2026-11-28").unwrap();
    assert_eq!((day.visitors_in, day.vehicles_in), (2, 1));
    let on_site = visits::list_on_site(&fx.db, &guard).unwrap();
    assert_eq!(on_site.iter().map(|v| (v.name.as_str(), v.purged)).collect::<Vec<_>>(), vec![("羴羴", false)]);
    assert_eq!(inside.name, "羴羴");
    let (purged, plate, host): (bool, String, String) = fx
        .db
        .read(|c| {
            let purged: bool = c.query_row("SELECT name IS NULL AND id_number IS NULL AND phone IS NULL AND photo IS NULL AND companion_names IS NULL AND pii_salt IS NULL FROM visit WHERE id = ?1", [old.id], |r| r.get(0))?;
            let plate: String = c.query_row("SELECT plate FROM vehicle_visit WHERE id = ?1", [van.id], |r| r.get(0))?;
            let host: String = c.query_row("SELECT host FROM visit WHERE id = ?1", [old.id], |r| r.get(0))?;
            Ok((purged, plate, host))
        })
        .unwrap();
    assert!(purged);
    assert_eq!((plate.as_str(), host.as_str()), ("京A12345", "陈老师"));
    let recent_name: Option<String> = fx.db.read(|c| Ok(c.query_row("SELECT name FROM visit WHERE id = ?1", [recent.id], |r| r.get(0))?)).unwrap();
    assert_eq!(recent_name.as_deref(), Some("淼淼森"));

    // One event with the counts; a second purge touches nothing and logs nothing.
    let events = purge_events(&fx);
    assert_eq!(events.len(), 1);
    assert_eq!((events[0]["visits"].as_i64(), events[0]["pickups"].as_i64(), events[0]["vehicle_visits"].as_i64()), (Some(1), Some(1), Some(1)));
    let again = retention::purge_due(&fx.db).unwrap();
    assert_eq!(again.total(), 0);
    assert_eq!(purge_events(&fx).len(), 1);
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
}

#[test]
fn purged_records_say_so_on_screen_rows() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let visit = visits::check_in(&fx.db, &guard, &visitor("张伟", 5)).unwrap();
    assert!(!visit.purged);
    visits::check_out(&fx.db, &guard, &CheckOut { visit_id: visit.id, ..Default::default() }).unwrap();
    fx.clock.set_ms(T0_MS + 181 * DAY_MS);
    assert_eq!(retention::purge_due(&fx.db).unwrap().visits, 1);
    let row = visits::find_by_slip(&fx.db, &fx.guard(), &visit.slip_code).unwrap();
    assert!(row.purged);
    assert_eq!((row.name.as_str(), row.id_number_masked.as_str(), row.phone_masked.as_str(), row.has_photo), ("", "", "", false));
    assert_eq!((row.host.as_str(), row.purpose.as_str(), row.companions), ("陈老师", "面试", 1), "the rest of the record stays");
}

#[test]
fn a_shorter_retention_purges_sooner_and_a_large_backlog_goes_in_batches() {
    let fx = Fixture::new();
    let guard = fx.guard();
    for i in 0..450 {
        pickups::record(&fx.db, &guard, &pickup("王小明", "王大明", i)).unwrap();
    }
    let supervisor = fx.supervisor();
    site::update_data_settings(&fx.db, &supervisor, &DataSettings { retention_days: 30, backup_dir: String::new(), backup_keep: 7 }).unwrap();
    fx.clock.set_ms(T0_MS + 29 * DAY_MS);
    assert_eq!(retention::purge_due(&fx.db).unwrap().total(), 0, "inside the 30 days nothing is purged");
    fx.clock.set_ms(T0_MS + 31 * DAY_MS);
    fx.confirm_date();
    let report = retention::purge_due(&fx.db).unwrap();
    assert_eq!(report.pickups, 450);
    let events = purge_events(&fx);
    assert!(events.len() >= 2, "more than one batch");
    assert_eq!(events.iter().map(|e| e["pickups"].as_i64().unwrap()).sum::<i64>(), 450);
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
}

#[test]
fn a_retention_of_5_days_is_refused_naming_the_field_and_the_minimum() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let err = site::update_data_settings(&fx.db, &supervisor, &DataSettings { retention_days: 5, backup_dir: String::new(), backup_keep: 7 }).unwrap_err();
    assert_eq!((err.kind(), err.code(), err.field()), (ErrorKind::Invalid, ErrorCode::OutOfRange, Some("retention_days")));
    assert_eq!(err.params().get("min").map(String::as_str), Some("30"));
    assert_eq!(site::data_settings(&fx.db).unwrap().retention_days, 180, "nothing saved; the default is 180");
}

#[test]
fn only_a_supervisor_changes_retention_and_the_change_is_audited() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let wanted = DataSettings { retention_days: 90, backup_dir: String::new(), backup_keep: 7 };
    assert_eq!(site::update_data_settings(&fx.db, &guard, &wanted).unwrap_err().kind(), ErrorKind::Forbidden);
    let supervisor = fx.supervisor();
    assert_eq!(site::update_data_settings(&fx.db, &supervisor, &wanted).unwrap().retention_days, 90);
    let changes: i64 = fx.db.read(|c| Ok(c.query_row("SELECT count(*) FROM audit_event WHERE action = 'data_settings_changed'", [], |r| r.get(0))?)).unwrap();
    assert_eq!(changes, 1);
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
}

/// A file beside the database, last modified at `modified_ms`.
fn file_at(fx: &Fixture, name: &str, modified_ms: i64) -> std::path::PathBuf {
    let path = fx.dir.path().join(name);
    let file = std::fs::File::create(&path).unwrap();
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_millis(u64::try_from(modified_ms).unwrap());
    file.set_modified(when).unwrap();
    path
}

fn events(fx: &Fixture, action: &str) -> Vec<serde_json::Value> {
    fx.db
        .read(|c| {
            let mut stmt = c.prepare("SELECT body FROM audit_event WHERE action = ?1 ORDER BY seq")?;
            let bodies: Vec<String> = stmt.query_map([action], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(bodies.into_iter().map(|b| serde_json::from_str::<serde_json::Value>(&b).unwrap()["detail"].clone()).collect())
        })
        .unwrap()
}

#[test]
fn restore_leftovers_older_than_retention_are_deleted_newer_ones_and_other_files_stay() {
    let fx = Fixture::new();
    let now = T0_MS + 200 * DAY_MS;
    let old = T0_MS;
    let new = T0_MS + 190 * DAY_MS;
    let old_kept = file_at(&fx, "gatehouse.db.before-restore-20261128-100000", old);
    let old_rejected = file_at(&fx, "gatehouse.db.restore-rejected", old);
    let new_kept = file_at(&fx, "gatehouse.db.before-restore-20270606-100000", new);
    let unrelated = [
        file_at(&fx, "notes.txt", old),
        file_at(&fx, "gatehouse.db.before-restore-notes", old),
        file_at(&fx, "other.db.restore-rejected", old),
        file_at(&fx, "gatehouse-backup-20261128-100000.db", old),
    ];

    fx.clock.set_ms(now);
    let report = retention::purge_due(&fx.db).unwrap();
    assert_eq!(report.leftover_files, 2);
    assert!(!old_kept.exists() && !old_rejected.exists(), "the old copies are gone");
    assert!(new_kept.exists(), "a copy inside the retention period stays");
    for path in &unrelated {
        assert!(path.exists(), "{} was touched", path.display());
    }
    assert!(fx.path().exists(), "the database itself stays");
    let logged = events(&fx, "retention_files_deleted");
    assert_eq!(logged.len(), 1);
    assert_eq!((logged[0]["files"].as_i64(), logged[0]["retention_days"].as_i64()), (Some(2), Some(180)));

    // Idempotent: a second run deletes nothing and logs nothing.
    assert_eq!(retention::purge_due(&fx.db).unwrap().leftover_files, 0);
    assert_eq!(events(&fx, "retention_files_deleted").len(), 1);
    assert!(new_kept.exists());
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
}

#[test]
fn a_real_restore_copy_is_deleted_once_it_is_older_than_retention() {
    let fx = Fixture::new();
    let copy = fx.dir.path().join("copy.db");
    gatehouse::backup::backup_to(&fx.db, &copy).unwrap();
    let db_path = fx.path();
    drop(fx.db);
    gatehouse::backup::restore(&db_path, &copy, &fx.keys, None).unwrap();
    let kept: Vec<_> = std::fs::read_dir(fx.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("gatehouse.db.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "the restore kept the old database");
    let clock = gatehouse::Clock::fixed(T0_MS);
    let db = gatehouse::Db::open(&db_path, clock.clone(), &fx.keys).unwrap();
    // Its file time is now (wall clock); the purge runs well past the period after that.
    let modified = std::fs::metadata(&kept[0]).unwrap().modified().unwrap();
    let modified_ms = i64::try_from(modified.duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()).unwrap();
    clock.set_ms(modified_ms + 179 * DAY_MS);
    assert_eq!(retention::purge_due(&db).unwrap().leftover_files, 0, "inside the period it stays");
    assert!(kept[0].exists());
    // The next days' runs (a day at a time: a bigger jump would pause the purge, see below).
    clock.set_ms(modified_ms + 180 * DAY_MS);
    retention::purge_due(&db).unwrap();
    clock.set_ms(modified_ms + 181 * DAY_MS);
    assert_eq!(retention::purge_due(&db).unwrap().leftover_files, 1);
    assert!(!kept[0].exists());
}

#[test]
fn exports_older_than_retention_are_deleted_newer_ones_and_folders_stay() {
    let fx = Fixture::new();
    let exports = gatehouse::retention::exports_dir(&fx.path());
    std::fs::create_dir_all(exports.join("kept-by-hand")).unwrap();
    let now = T0_MS + 200 * DAY_MS;
    let old = ["roster-20261128-101500.pdf", "visits-2026-11.xlsx", "visits-2026-11.csv"].map(|name| file_at(&fx, &format!("exports/{name}"), T0_MS));
    let new = file_at(&fx, "exports/roster-20270606-101500.pdf", T0_MS + 190 * DAY_MS);
    let beside = file_at(&fx, "notes.txt", T0_MS);

    fx.clock.set_ms(now);
    let report = retention::purge_due(&fx.db).unwrap();
    assert_eq!((report.export_files, report.leftover_files), (3, 0));
    assert!(old.iter().all(|path| !path.exists()), "old exports (full ID numbers among them) are gone");
    assert!(new.exists() && beside.exists() && exports.join("kept-by-hand").is_dir());
    let logged = events(&fx, "retention_files_deleted");
    assert_eq!((logged.len(), logged[0]["exports"].as_i64()), (1, Some(3)));
    assert_eq!(retention::purge_due(&fx.db).unwrap().export_files, 0, "idempotent");
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
}

fn holder_pass(name: &str, seq: u32, valid_to_ms: i64) -> gatehouse::passes::NewPass {
    gatehouse::passes::NewPass {
        holder_name: name.into(),
        department: "计算机学院".into(),
        phone: Some(format!("1380000{seq:04}")),
        id_number: Some(valid_id("20040404", seq)),
        photo: Some(noisy_png()),
        valid_from_ms: T0_MS - DAY_MS,
        valid_to_ms,
        gates: vec![1],
        approved_by: "学工处".into(),
        ..Default::default()
    }
}

/// Issue 15 item 7: a pass holder's name, phone, ID number and photo are purged once the
/// pass ended (revoked, or expired) plus the period, not before; the sealed scan log keeps
/// every row and loses only the holder hint; search forgets the holder; the chain verifies.
#[test]
fn pass_holders_are_purged_after_their_pass_ended_plus_the_period_and_scans_keep_their_rows() {
    use gatehouse::passes::{self, scan};
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let expiring = passes::issue(&fx.db, &supervisor, &holder_pass("鑫垚", 11, T0_MS + 30 * DAY_MS)).unwrap();
    let revoked = passes::issue(&fx.db, &supervisor, &holder_pass("淼焱", 12, T0_MS + 300 * DAY_MS)).unwrap();
    passes::revoke(&fx.db, &supervisor, revoked.pass.id, "学生已离校").unwrap();
    // Another gate's pass: this gate does not know when it ends, so its scans go by their own time.
    let elsewhere = Fixture::new();
    let foreign = passes::issue(&elsewhere.db, &elsewhere.supervisor(), &holder_pass("犇骉", 13, T0_MS + 300 * DAY_MS)).unwrap();
    let guard = fx.guard();
    assert!(scan::scan(&fx.db, &guard, &expiring.code, scan::Direction::In).unwrap().accepted);
    assert_eq!(scan::scan(&fx.db, &guard, &revoked.code, scan::Direction::In).unwrap().outcome, scan::Outcome::Revoked);
    assert_eq!(scan::scan(&fx.db, &guard, &foreign.code, scan::Direction::In).unwrap().outcome, scan::Outcome::UnknownKey);
    let search =
        |text: &str| gatehouse::search::search_as_admin(&fx.db, &gatehouse::search::SearchQuery { text: text.into(), ..Default::default() }).unwrap().total;
    assert_eq!((search("鑫垚"), search("淼焱")), (1, 1), "the search finds both holders before");
    let hints = || -> Vec<Option<String>> {
        fx.db.read(|c| Ok(c.prepare("SELECT holder_hint FROM pass_scan ORDER BY id")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)).unwrap()
    };
    assert_eq!(hints(), vec![Some("鑫垚".to_string()), Some("淼焱".into()), Some("犇骉".into())]);

    // Revoked at T0: due at T0 + 180 days, not a day before.
    fx.clock.set_ms(T0_MS + 179 * DAY_MS);
    assert_eq!(retention::purge_due(&fx.db).unwrap().total(), 0);
    fx.clock.set_ms(T0_MS + 181 * DAY_MS);
    fx.confirm_date();
    let report = retention::purge_due(&fx.db).unwrap();
    assert_eq!((report.passes, report.pass_scans), (1, 2), "the revoked pass, its scan and the other gate's scan");
    assert_eq!(hints(), vec![Some("鑫垚".to_string()), None, None], "a scan of a pass still in use keeps its hint");
    let holder = |id: i64| -> (Option<String>, Option<String>, Option<String>, bool) {
        fx.db
            .read(|c| {
                Ok(c.query_row("SELECT holder_name, holder_phone, holder_id_number, photo IS NULL AND pii_salt IS NULL FROM pass WHERE id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?)
            })
            .unwrap()
    };
    assert_eq!(holder(revoked.pass.id), (None, None, None, true));
    assert_eq!(holder(expiring.pass.id).0.as_deref(), Some("鑫垚"));
    assert!(fx.db.read(audit::verify).unwrap().is_ok());

    // Expired at T0 + 30 days: due at T0 + 210 days.
    fx.clock.set_ms(T0_MS + 209 * DAY_MS);
    fx.confirm_date();
    assert_eq!(retention::purge_due(&fx.db).unwrap().total(), 0);
    fx.clock.set_ms(T0_MS + 211 * DAY_MS);
    fx.confirm_date();
    let report = retention::purge_due(&fx.db).unwrap();
    assert_eq!((report.passes, report.pass_scans), (1, 1));
    assert_eq!(holder(expiring.pass.id), (None, None, None, true));
    assert_eq!(hints(), vec![None, None, None]);

    // The scan log keeps its rows and outcomes; the passes keep serial, department, validity.
    let log = scan::log(&fx.db, &fx.guard(), false, 10).unwrap();
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|row| row.holder.is_empty()), "{log:?}");
    let pass = passes::list(&fx.db, &fx.supervisor(), "").unwrap().into_iter().find(|p| p.id == revoked.pass.id).unwrap();
    assert_eq!((pass.serial, pass.department.as_str(), pass.revoke_reason.as_str()), (revoked.pass.serial, "计算机学院", "学生已离校"));
    assert!(pass.purged && pass.holder_name.is_empty() && !pass.has_photo, "the list says the holder was removed: {pass:?}");
    assert!(!expiring.pass.purged, "a pass as issued is not purged");
    assert_eq!((search("鑫垚"), search("淼焱")), (0, 0), "`gatehouse search` no longer finds the holders");
    let after = file_bytes(&fx);
    for needle in ["鑫垚", "淼焱", "犇骉", "13800000011", "13800000012"] {
        assert!(!contains(&after, needle.as_bytes()), "{needle} is still in the database file");
    }
    assert!(fx.db.read(audit::verify).unwrap().is_ok(), "the chain verifies after every purge");
    let events = purge_events(&fx);
    assert_eq!(events.iter().map(|e| (e["passes"].as_i64(), e["pass_scans"].as_i64())).collect::<Vec<_>>(), vec![(Some(1), Some(2)), (Some(1), Some(1))]);
    assert_eq!(retention::purge_due(&fx.db).unwrap().total(), 0, "idempotent");
}

/// Issue 15 item 4: a clock set ahead would purge this year's records as "old". More than a
/// day since the last run pauses the purge (nothing touched, files included) until a
/// supervisor confirms the date; a clock behind the times recorded pauses it too.
#[test]
fn a_clock_jump_or_a_clock_behind_pauses_the_purge_until_a_supervisor_confirms_the_date() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let visit = visits::check_in(&fx.db, &guard, &visitor("张伟", 5)).unwrap();
    visits::check_out(&fx.db, &guard, &CheckOut { visit_id: visit.id, ..Default::default() }).unwrap();
    assert_eq!(
        retention::purge_due(&fx.db).unwrap(),
        retention::PurgeReport { cutoff_ms: T0_MS - 180 * DAY_MS, retention_days: 180, ..Default::default() },
        "the first run finds nothing and dates itself"
    );

    // The clock jumps a year ahead: the visit would be purged, but the run pauses.
    fx.clock.set_ms(T0_MS + 365 * DAY_MS);
    let paused = retention::purge_due(&fx.db).unwrap();
    assert!(matches!(paused.paused, Some(ClockDoubt::JumpedForward { since_last_run_ms }) if since_last_run_ms >= 365 * DAY_MS), "{paused:?}");
    assert_eq!(paused.total(), 0);
    assert_eq!(retention::purge_due(&fx.db).unwrap().paused, paused.paused, "a paused run does not date itself");
    let name: Option<String> = fx.db.read(|c| Ok(c.query_row("SELECT name FROM visit WHERE id = ?1", [visit.id], |r| r.get(0))?)).unwrap();
    assert_eq!(name.as_deref(), Some("张伟"));

    // A guard cannot confirm the date; a supervisor can, and the purge runs.
    let by_guard =
        gatehouse::guards::SupervisorOverride { supervisor_id: fx.guard_id("李保安"), pin: crate::util::GUARD_PIN.into(), reason: "核对".into() };
    assert!(clock_trust::confirm_date(&fx.db, &guard, &by_guard).is_err());
    assert!(clock_trust::doubt(&fx.db).unwrap().is_some());
    fx.confirm_date();
    assert_eq!(clock_trust::doubt(&fx.db).unwrap(), None);
    assert_eq!(retention::purge_due(&fx.db).unwrap().visits, 1);
    let body: String = fx.conn().query_row("SELECT body FROM audit_event WHERE action = 'clock_confirmed'", [], |r| r.get(0)).unwrap();
    assert!(body.contains("jumped_forward") && body.contains("已与手机网络时间核对"), "the event says what was cleared and why: {body}");

    // Set back 10 minutes behind what was recorded: paused again; within 5 minutes: runs.
    fx.clock.set_ms(T0_MS + 365 * DAY_MS - 10 * 60_000);
    assert!(matches!(retention::purge_due(&fx.db).unwrap().paused, Some(ClockDoubt::Behind { behind_ms: 600_000 })));
    fx.clock.set_ms(T0_MS + 365 * DAY_MS - 4 * 60_000);
    assert_eq!(retention::purge_due(&fx.db).unwrap().paused, None);
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
}
