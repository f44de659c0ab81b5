//! Search (查询): each query shape, filters, grouping and order, 2-character names,
//! fragments, bad input, reindex after a purge, the backfill, demo data, and the CLI.

use std::process::Command;

use gatehouse::actor::Actor;
use gatehouse::checklist::{self, CheckResult, ChecklistKind};
use gatehouse::duty::{self, EntryKind, NewEntry, Severity};
use gatehouse::passes::{self, NewPass};
use gatehouse::pickups::{self, NewPickup, TeacherConfirmation};
use gatehouse::search::{self, SearchKind, SearchNotice, SearchQuery, SearchResults};
use gatehouse::vehicles::{self, NewVehicleVisit, VehicleType};
use gatehouse::visits::{self, NewVisit};
use gatehouse::{Db, ErrorCode, ErrorKind};
use proptest::prelude::*;

use crate::util::{duty_entry, valid_id, Fixture, T0_MS};

const MINUTE: i64 = 60_000;

fn visit(name: &str, seq: u32) -> NewVisit {
    NewVisit {
        name: name.into(),
        id_number: valid_id("19850312", seq),
        phone: Some(format!("1391234{:04}", 5600 + seq)),
        host: "陈老师".into(),
        purpose: "家长会".into(),
        ..Default::default()
    }
}

fn pickup(child: &str, picker: &str) -> NewPickup {
    NewPickup {
        child_name: child.into(),
        class_name: "大一班".into(),
        picker_name: picker.into(),
        relation: "父亲".into(),
        picker_id_number: valid_id("19880808", 11),
        picker_phone: "13812345678".into(),
        teacher: "刘老师".into(),
        teacher_confirmation: Some(TeacherConfirmation::Phone),
        ..Default::default()
    }
}

fn car(fx: &Fixture, actor: &Actor, plate: &str, driver: &str) -> NewVehicleVisit {
    let inspection = checklist::items(&fx.db, actor, ChecklistKind::Vehicle, false)
        .unwrap()
        .into_iter()
        .map(|item| CheckResult { item: item.label, ok: true, note: None })
        .collect();
    NewVehicleVisit {
        plate: plate.into(),
        vehicle_type: VehicleType::Car,
        driver_name: driver.into(),
        driver_phone: "13700001111".into(),
        purpose: "送货".into(),
        inspection,
        ..Default::default()
    }
}

fn pass(holder: &str) -> NewPass {
    NewPass {
        holder_name: holder.into(),
        department: "计算机学院".into(),
        valid_from_ms: T0_MS,
        valid_to_ms: T0_MS + 30 * 86_400_000,
        approved_by: "学工处".into(),
        ..Default::default()
    }
}

fn find(db: &Db, actor: &Actor, text: &str) -> SearchResults {
    search::search(db, actor, &SearchQuery { text: text.into(), ..Default::default() }).unwrap()
}

/// (kind, title) of every hit, newest first.
fn titles(results: &SearchResults) -> Vec<(SearchKind, String)> {
    results.hits().into_iter().map(|h| (h.kind, h.title.clone())).collect()
}

fn kinds(results: &SearchResults) -> Vec<(SearchKind, i64)> {
    results.groups.iter().map(|g| (g.kind, g.count)).collect()
}

#[test]
fn a_two_character_name_finds_every_kind_grouped_by_kind_newest_first() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let supervisor = fx.supervisor();
    visits::check_in(&fx.db, &guard, &visit("张伟", 1)).unwrap();
    fx.clock.set_ms(T0_MS + MINUTE);
    pickups::record(&fx.db, &guard, &pickup("张小明", "张伟")).unwrap();
    fx.clock.set_ms(T0_MS + 2 * MINUTE);
    vehicles::check_in(&fx.db, &guard, &car(&fx, &guard, "京A12345", "张伟")).unwrap();
    fx.clock.set_ms(T0_MS + 3 * MINUTE);
    passes::issue(&fx.db, &supervisor, &pass("张伟")).unwrap();
    fx.clock.set_ms(T0_MS + 4 * MINUTE);
    visits::check_in(&fx.db, &guard, &visit("张伟", 2)).unwrap();
    visits::check_in(&fx.db, &guard, &visit("李娜", 3)).unwrap();

    let results = find(&fx.db, &guard, "张伟");
    assert_eq!(kinds(&results), vec![(SearchKind::Visit, 2), (SearchKind::Pickup, 1), (SearchKind::Vehicle, 1), (SearchKind::Pass, 1)]);
    let order: Vec<SearchKind> = results.hits().iter().map(|h| h.kind).collect();
    assert_eq!(order, vec![SearchKind::Visit, SearchKind::Pass, SearchKind::Vehicle, SearchKind::Pickup, SearchKind::Visit]);
    let visits_group = &results.groups[0];
    assert!(visits_group.hits[0].at_ms > visits_group.hits[1].at_ms, "newest first within a kind");
    assert_eq!(visits_group.hits[0].guard_name, "李保安");
    assert_eq!(results.total, 5);
    assert!(!results.truncated);
}

#[test]
fn any_two_characters_of_a_name_match_but_not_across_two_names() {
    let fx = Fixture::new();
    let guard = fx.guard();
    visits::check_in(&fx.db, &guard, &NewVisit { companion_names: Some("李四、王五".into()), ..visit("欧阳娜娜", 1) }).unwrap();
    pickups::record(&fx.db, &guard, &pickup("张小明", "张大山")).unwrap();
    assert_eq!(titles(&find(&fx.db, &guard, "欧阳")), vec![(SearchKind::Visit, "欧阳娜娜".into())]);
    assert_eq!(titles(&find(&fx.db, &guard, "阳娜")), vec![(SearchKind::Visit, "欧阳娜娜".into())]);
    assert_eq!(titles(&find(&fx.db, &guard, "王五")), vec![(SearchKind::Visit, "欧阳娜娜".into())], "a companion's name");
    assert!(find(&fx.db, &guard, "四王").groups.is_empty(), "two companions are two names");
    assert_eq!(titles(&find(&fx.db, &guard, "小明")), vec![(SearchKind::Pickup, "张小明".into())]);
    assert_eq!(titles(&find(&fx.db, &guard, "大山")), vec![(SearchKind::Pickup, "张小明".into())], "the picker's name");
}

#[test]
fn a_three_character_name_matches_as_a_substring() {
    let fx = Fixture::new();
    let guard = fx.guard();
    visits::check_in(&fx.db, &guard, &visit("王秀英", 1)).unwrap();
    visits::check_in(&fx.db, &guard, &visit("王秀英子", 2)).unwrap();
    visits::check_in(&fx.db, &guard, &visit("王秀", 3)).unwrap();
    let results = find(&fx.db, &guard, "王秀英");
    let mut names: Vec<String> = titles(&results).into_iter().map(|t| t.1).collect();
    names.sort();
    assert_eq!(names, vec!["王秀英", "王秀英子"]);
}

#[test]
fn id_phone_and_plate_fragments_match_typed_any_way() {
    let fx = Fixture::new();
    let guard = fx.guard();
    // ID number and phone fragments are a supervisor's search (issue 15); plates anyone's.
    let supervisor = fx.supervisor();
    let id = valid_id("19850312", 7);
    visits::check_in(&fx.db, &guard, &NewVisit { id_number: id.clone(), phone: Some("13955501234".into()), ..visit("周杰", 7) }).unwrap();
    vehicles::check_in(&fx.db, &guard, &car(&fx, &guard, "粤B9X7K2", "赵师傅")).unwrap();

    for fragment in [&id[6..14], &id[10..], "19850312007"] {
        assert_eq!(titles(&find(&fx.db, &supervisor, fragment)), vec![(SearchKind::Visit, "周杰".into())], "{fragment}");
    }
    assert_eq!(titles(&find(&fx.db, &supervisor, "１９８５０３１２")), vec![(SearchKind::Visit, "周杰".into())], "full-width digits");
    assert_eq!(titles(&find(&fx.db, &supervisor, "5550")), vec![(SearchKind::Visit, "周杰".into())], "phone fragment");
    assert_eq!(titles(&find(&fx.db, &supervisor, "139-5550")), vec![(SearchKind::Visit, "周杰".into())], "phone typed with a dash");
    for plate in ["9x7k", "B9X7", "粤b9", "粤B 9X7K2", "ｂ９ｘ", "粤B", "K2"] {
        assert_eq!(titles(&find(&fx.db, &guard, plate)), vec![(SearchKind::Vehicle, "粤B9X7K2".into())], "{plate}");
    }
    assert!(find(&fx.db, &supervisor, "0000000").groups.is_empty());
}

#[test]
fn a_pass_is_found_by_its_serial_and_a_duty_entry_by_its_text() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let supervisor = fx.supervisor();
    let holders = ["刘洋", "陈静", "杨帆", "赵敏", "钱进", "孙丽", "李雷", "周涛", "吴敏", "郑重", "冯华", "褚明"];
    for holder in holders {
        passes::issue(&fx.db, &supervisor, &pass(holder)).unwrap();
    }
    // Serial 12, not 1 or 2 (a 2-digit serial is matched exactly, not as part of a name).
    let results = search::search(&fx.db, &guard, &SearchQuery { text: "12".into(), kinds: vec![SearchKind::Pass], ..Default::default() }).unwrap();
    assert_eq!(titles(&results), vec![(SearchKind::Pass, "褚明".into())]);
    assert_eq!(titles(&find(&fx.db, &guard, "12")), vec![(SearchKind::Pass, "褚明".into())]);
    duty::add_entry(
        &fx.db,
        &guard,
        &NewEntry {
            place: Some("配电房".into()),
            reported_to: Some("孙工".into()),
            severity: Some(Severity::Medium),
            incident_category: Some(gatehouse::duty::IncidentCategory::Other),
            ..duty_entry(EntryKind::Incident, "发现配电房门锁损坏，已报告后勤")
        },
    )
    .unwrap();
    let results = find(&fx.db, &guard, "门锁损坏");
    assert_eq!(kinds(&results), vec![(SearchKind::Duty, 1)]);
    assert!(results.groups[0].hits[0].title.starts_with("发现配电房"));
    assert_eq!(kinds(&find(&fx.db, &guard, "孙工")), vec![(SearchKind::Duty, 1)], "a name on a duty entry");
}

#[test]
fn filters_narrow_by_kind_date_guard_and_gate() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let supervisor = fx.supervisor();
    visits::check_in(&fx.db, &supervisor, &visit("张伟", 1)).unwrap();
    fx.clock.set_ms(T0_MS + 86_400_000);
    visits::check_in(&fx.db, &guard, &visit("张伟", 2)).unwrap();
    pickups::record(&fx.db, &guard, &pickup("张小明", "张伟")).unwrap();
    let query = |q: SearchQuery| search::search(&fx.db, &guard, &SearchQuery { text: "张伟".into(), ..q }).unwrap();

    assert_eq!(kinds(&query(SearchQuery { kinds: vec![SearchKind::Pickup], ..Default::default() })), vec![(SearchKind::Pickup, 1)]);
    assert_eq!(kinds(&query(SearchQuery { to_ms: Some(T0_MS + 1), ..Default::default() })), vec![(SearchKind::Visit, 1)]);
    let day_two = query(SearchQuery { from_ms: Some(T0_MS + 1), kinds: vec![SearchKind::Visit], ..Default::default() });
    assert_eq!(day_two.hits()[0].at_ms, T0_MS + 86_400_000);
    assert_eq!(kinds(&query(SearchQuery { guard_id: Some(supervisor.guard_id()), ..Default::default() })), vec![(SearchKind::Visit, 1)]);
    assert_eq!(query(SearchQuery { gate: Some(1), ..Default::default() }).total, 3, "this PC is gate 1");
    assert!(query(SearchQuery { gate: Some(2), ..Default::default() }).groups.is_empty());
    // The same filters on the trigram path (3+ characters).
    let by_id = search::search(&fx.db, &supervisor, &SearchQuery { text: "19850312".into(), guard_id: Some(guard.guard_id()), ..Default::default() }).unwrap();
    assert_eq!(kinds(&by_id), vec![(SearchKind::Visit, 1)]);
}

#[test]
fn one_character_or_only_punctuation_is_refused_on_the_query_field() {
    let fx = Fixture::new();
    let guard = fx.guard();
    visits::check_in(&fx.db, &guard, &visit("张伟", 1)).unwrap();
    for text in ["张", "a", "%_'\"", "   ", "", "%", "'--", "**", "Ｚ"] {
        let err = search::search(&fx.db, &guard, &SearchQuery { text: text.into(), ..Default::default() }).unwrap_err();
        assert_eq!((err.kind(), err.field(), err.code()), (ErrorKind::Invalid, Some("query"), ErrorCode::QueryTooShort), "{text:?}");
        assert!(err.message().contains("at least 2 letters or digits"));
    }
    // FTS syntax and quotes around real text are just dropped.
    for text in ["\"张伟\"", "张伟*", "NEAR(张伟)", "张伟 OR 1=1", "'; DROP TABLE visit; --", "^19850312", "1985-03-12"] {
        search::search(&fx.db, &guard, &SearchQuery { text: text.into(), ..Default::default() }).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
    assert_eq!(find(&fx.db, &guard, "\"张伟\"").total, 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn arbitrary_text_never_fails_with_a_storage_error_or_panics(text in "\\PC{0,20}|[\"'%_*^():\\- A-Za-z0-9张伟]{0,12}") {
        let fx = shared();
        let result = search::search(&fx.0.db, &fx.1, &SearchQuery { text, ..Default::default() });
        if let Err(err) = result {
            prop_assert_eq!(err.kind(), ErrorKind::Invalid);
            prop_assert_eq!(err.field(), Some("query"));
        }
    }
}

/// One database for the property test (set-up is the slow part).
fn shared() -> &'static (Fixture, Actor) {
    static SHARED: std::sync::OnceLock<(Fixture, Actor)> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let fx = Fixture::new();
        let guard = fx.guard();
        visits::check_in(&fx.db, &guard, &visit("张伟", 1)).unwrap();
        (fx, guard)
    })
}

#[test]
fn an_opened_record_shows_its_fields_with_the_id_number_and_phone_masked() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let id = valid_id("19850312", 5);
    let row = visits::check_in(&fx.db, &guard, &NewVisit { id_number: id.clone(), phone: Some("13955501234".into()), ..visit("周杰", 5) }).unwrap();
    let hit = find(&fx.db, &guard, "周杰").hits()[0].clone();
    assert_eq!((hit.kind, hit.id, hit.uid.clone()), (SearchKind::Visit, row.id, row.uid.clone()));
    let record = search::record(&fx.db, &guard, hit.kind, hit.id).unwrap();
    let field = |key: &str| record.fields.iter().find(|f| f.key == key).unwrap_or_else(|| panic!("no field {key}")).clone();
    assert_eq!(record.title, "周杰");
    assert_eq!(field("id_number").value, format!("**************{}", &id[14..]));
    assert_eq!(field("phone").value, "139****1234");
    assert_eq!(field("host").value, "陈老师");
    assert_eq!(field("checked_in_at").at_ms, Some(T0_MS));
    assert!(record.fields.iter().all(|f| !f.value.contains(&id)));
    let err = search::record(&fx.db, &guard, SearchKind::Pickup, 999).unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::NotFound, ErrorCode::RecordNotFound));
}

#[test]
fn reindex_after_a_purge_blanks_the_name_makes_it_unfindable() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let old = visits::check_in(&fx.db, &guard, &NewVisit { plate: Some("京A12345".into()), ..visit("欧阳娜娜", 1) }).unwrap();
    fx.clock.set_ms(T0_MS + MINUTE);
    visits::check_in(&fx.db, &guard, &visit("欧阳修", 2)).unwrap();
    let id_fragment = valid_id("19850312", 1)[8..16].to_string();
    assert_eq!(find(&fx.db, &guard, "娜娜").total, 1);

    // What the retention purge does: NULL the personal fields, then reindex, in one transaction.
    let mut conn = fx.conn();
    let tx = conn.transaction().unwrap();
    tx.execute("UPDATE visit SET name = NULL, id_number = NULL, phone = NULL WHERE id = ?1", [old.id]).unwrap();
    search::reindex(&tx, SearchKind::Visit, old.id).unwrap();
    tx.commit().unwrap();
    drop(conn);

    assert!(find(&fx.db, &guard, "娜娜").groups.is_empty(), "the 2-character index forgot the name");
    assert!(find(&fx.db, &guard, "欧阳娜娜").groups.is_empty(), "the trigram index forgot the name");
    assert!(find(&fx.db, &guard, &id_fragment).hits().iter().all(|h| h.id != old.id), "the ID number is gone");
    assert_eq!(titles(&find(&fx.db, &guard, "欧阳")), vec![(SearchKind::Visit, "欧阳修".into())]);
    // What was not purged (the plate) is still found, the record keeps its place in time.
    let plate = find(&fx.db, &guard, "a12345");
    assert_eq!((plate.hits()[0].id, plate.hits()[0].at_ms, plate.hits()[0].title.as_str()), (old.id, T0_MS, ""));
    let entries: i64 = fx.db.read(|c| Ok(c.query_row("SELECT count(*) FROM search_entry", [], |r| r.get(0))?)).unwrap();
    assert_eq!(entries, 2);
}

#[test]
fn records_written_before_the_index_existed_are_indexed_at_open() {
    let fx = Fixture::new();
    let guard = fx.guard();
    visits::check_in(&fx.db, &guard, &visit("张伟", 1)).unwrap();
    pickups::record(&fx.db, &guard, &pickup("张小明", "李刚")).unwrap();
    let path = fx.path();
    // A database as schema 5 left it: no index rows, no backfill mark.
    fx.sqlite("DELETE FROM search_text; DELETE FROM search_bigram; DELETE FROM search_entry; DELETE FROM preference WHERE key = 'search_index';");
    assert!(find(&fx.db, &guard, "张伟").groups.is_empty());
    let reopened = Db::open(&path, fx.clock.clone(), &fx.keys).unwrap();
    assert_eq!(kinds(&find(&reopened, &guard, "张伟")), vec![(SearchKind::Visit, 1)]);
    assert_eq!(kinds(&find(&reopened, &guard, "小明")), vec![(SearchKind::Pickup, 1)]);
}

#[test]
fn more_matches_than_the_limit_are_truncated_newest_first() {
    let fx = Fixture::new();
    let guard = fx.guard();
    for i in 0..(search::LIMIT as u32 + 5) {
        fx.clock.set_ms(T0_MS + i64::from(i) * MINUTE);
        visits::check_in(&fx.db, &guard, &visit("张伟", i)).unwrap();
    }
    let results = find(&fx.db, &guard, "张伟");
    assert!(results.truncated);
    assert_eq!(results.total, search::LIMIT as i64);
    assert_eq!(results.hits()[0].at_ms, T0_MS + (search::LIMIT as i64 + 4) * MINUTE);
    let ids = find(&fx.db, &fx.supervisor(), "19850312");
    assert!(ids.truncated);
    assert_eq!(ids.hits()[0].at_ms, T0_MS + (search::LIMIT as i64 + 4) * MINUTE);
}

#[test]
fn demo_data_of_every_kind_is_searchable_and_the_chain_verifies() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let report = gatehouse::demo::generate(&fx.db, &supervisor, 2_000, 30, 7).unwrap();
    assert_eq!((report.visits, report.vehicles, report.pickups, report.duty_entries, report.passes), (2_000, 200, 60, 40, 10));
    let (name, plate, picker, entry_text): (String, String, String, String) = fx
        .db
        .read(|c| {
            Ok((
                c.query_row("SELECT name FROM visit ORDER BY id DESC LIMIT 1", [], |r| r.get(0))?,
                c.query_row("SELECT plate FROM vehicle_visit ORDER BY id DESC LIMIT 1", [], |r| r.get(0))?,
                c.query_row("SELECT picker_name FROM pickup ORDER BY id DESC LIMIT 1", [], |r| r.get(0))?,
                c.query_row("SELECT text FROM duty_entry ORDER BY id DESC LIMIT 1", [], |r| r.get(0))?,
            ))
        })
        .unwrap();
    let two: String = name.chars().take(2).collect();
    assert!(find(&fx.db, &supervisor, &two).groups.iter().any(|g| g.kind == SearchKind::Visit), "{two}");
    assert!(find(&fx.db, &supervisor, &name).hits().iter().any(|h| h.title == name));
    assert!(find(&fx.db, &supervisor, &plate.chars().skip(1).collect::<String>()).hits().iter().any(|h| h.kind == SearchKind::Vehicle && h.title == plate));
    assert!(find(&fx.db, &supervisor, &picker).groups.iter().any(|g| g.kind == SearchKind::Pickup), "{picker}");
    assert!(find(&fx.db, &supervisor, &entry_text.chars().take(6).collect::<String>()).groups.iter().any(|g| g.kind == SearchKind::Duty));
    let serial: i64 = fx.db.read(|c| Ok(c.query_row("SELECT max(serial) FROM pass", [], |r| r.get(0))?)).unwrap();
    assert!(find(&fx.db, &supervisor, &serial.to_string()).groups.iter().any(|g| g.kind == SearchKind::Pass));
    let indexed: i64 = fx.db.read(|c| Ok(c.query_row("SELECT count(*) FROM search_entry", [], |r| r.get(0))?)).unwrap();
    assert_eq!(indexed, 2_000 + 200 + 60 + 40 + 10);
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

/// The CLI on a fixture's database (`--db` first), with that fixture's key file.
fn gatehouse(args: &[&str]) -> std::process::Output {
    let db = std::path::Path::new(args[1]);
    Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(args)
        .env_remove("GATEHOUSE_DB")
        .env("GATEHOUSE_KEY_FILE", crate::util::keys_in(db.parent().unwrap()).path())
        .output()
        .expect("run gatehouse")
}

#[test]
fn the_cli_prints_search_results_as_json_and_refuses_a_one_character_query() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let row = visits::check_in(&fx.db, &guard, &visit("张伟", 1)).unwrap();
    pickups::record(&fx.db, &guard, &pickup("张小明", "张伟")).unwrap();
    let db = fx.path();
    let db = db.to_str().unwrap();
    let out = gatehouse(&["--db", db, "search", "张伟", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let visit_row = rows.iter().find(|r| r["kind"] == "visit").unwrap();
    assert_eq!((visit_row["uid"].as_str(), visit_row["at_ms"].as_i64(), visit_row["title"].as_str()), (Some(row.uid.as_str()), Some(T0_MS), Some("张伟")));
    let out = gatehouse(&["--db", db, "search", "张伟", "--json", "--kind", "pickup"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect::<Vec<_>>(), vec!["pickup"]);
    let out = gatehouse(&["--db", db, "search", "张伟", "--json", "--from", "2026-11-29"]);
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(), serde_json::json!([]));
    let out = gatehouse(&["--db", db, "search", "%_'\"", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("query: type at least 2 letters or digits"));
    let out = gatehouse(&["--db", db, "search", "张伟", "--kind", "car"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a kind"));
}

/// Whether `needle` occurs in any page of the database file once decrypted with its key
/// (after a checkpoint, so the WAL is empty): free pages included, which is what
/// secure_delete is for.
fn file_contains(fx: &Fixture, needle: &str) -> bool {
    let conn = fx.conn();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    drop(conn);
    let bytes = crate::util::decrypted_pages(&fx.path(), &fx.keys);
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn with_secure_delete_a_purged_name_leaves_no_bytes_in_the_index_or_the_file() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let row = visits::check_in(&fx.db, &guard, &visit("欧阳娜娜", 1)).unwrap();
    assert!(file_contains(&fx, "欧阳娜娜"), "the name is in the file before the purge");
    assert!(file_contains(&fx, "娜娜"));

    // The purge as the retention helper runs it: secure_delete on, NULL, reindex, commit.
    let mut conn = fx.conn();
    conn.pragma_update(None, "secure_delete", "ON").unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute("UPDATE visit SET name = NULL, id_number = NULL, phone = NULL WHERE id = ?1", [row.id]).unwrap();
    search::reindex(&tx, SearchKind::Visit, row.id).unwrap();
    tx.commit().unwrap();
    drop(conn);

    for fragment in ["欧阳娜娜", "阳娜娜", "欧阳娜", "娜娜", "阳娜"] {
        assert!(!file_contains(&fx, fragment), "{fragment} is still in the file");
    }
    assert!(find(&fx.db, &guard, "欧阳").groups.is_empty());
}

#[test]
fn an_export_of_a_search_holds_every_match_beyond_the_screen_limit_and_is_logged_without_the_text() {
    use gatehouse::reports::{export::export_search, Format};
    let fx = Fixture::new();
    let guard = fx.guard();
    let matches = search::LIMIT as u32 + 20;
    for i in 0..matches {
        fx.clock.set_ms(T0_MS + i64::from(i) * MINUTE);
        visits::check_in(&fx.db, &guard, &visit("欧阳娜", i)).unwrap();
    }
    visits::check_in(&fx.db, &guard, &visit("李强", 900)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("search.csv");
    let query = SearchQuery { text: "阳娜".into(), ..Default::default() };
    let report = export_search(&fx.db, &guard, &query, Format::Csv, &out).unwrap();
    assert_eq!(report.rows, u64::from(matches));

    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    assert_eq!(lines.len(), 1 + matches as usize);
    assert!(lines[1].contains("欧阳娜") && lines[1].starts_with("访客,"), "newest first, kind in words: {}", lines[1]);
    assert!(!text.contains("李强"));
    assert!(!text.contains(&valid_id("19850312", 0)), "no ID numbers in a search export");

    let body: String = fx.db.read(|c| Ok(c.query_row("SELECT body FROM audit_event WHERE action = 'search_exported'", [], |r| r.get(0))?)).unwrap();
    assert!(body.contains(&format!("\"rows\":{matches}")), "{body}");
    assert!(!body.contains("阳娜"), "the searched name stays out of the chain: {body}");

    let short = export_search(&fx.db, &guard, &SearchQuery { text: "娜".into(), ..Default::default() }, Format::Xlsx, &dir.path().join("x.xlsx")).unwrap_err();
    assert_eq!((short.kind(), short.code(), short.field()), (ErrorKind::Invalid, ErrorCode::QueryTooShort, Some("query")));
    assert!(!dir.path().join("x.xlsx").exists());
}

/// The audit events of fragment searches: (guard's uid or none, detail).
fn fragment_searches(fx: &Fixture) -> Vec<(Option<String>, serde_json::Value)> {
    let bodies: Vec<String> = fx
        .db
        .read(|c| {
            let mut stmt = c.prepare("SELECT body FROM audit_event WHERE action = 'search_identifier_fragment' ORDER BY seq")?;
            let rows = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(rows)
        })
        .unwrap();
    bodies
        .iter()
        .map(|b| {
            let v: serde_json::Value = serde_json::from_str(b).unwrap();
            (v["actor"].as_str().map(str::to_owned), v["detail"].clone())
        })
        .collect()
}

#[test]
fn a_guards_six_digit_id_fragment_finds_nothing_and_says_why_a_supervisors_finds_it_and_is_logged_by_shape() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let supervisor = fx.supervisor();
    let id = valid_id("19850312", 7);
    visits::check_in(&fx.db, &guard, &NewVisit { id_number: id.clone(), phone: Some("13955501234".into()), ..visit("周杰", 7) }).unwrap();
    let fragment = &id[8..14];

    let refused = find(&fx.db, &guard, fragment);
    assert!(refused.groups.is_empty(), "a guard's fragment matches no ID number: {:?}", titles(&refused));
    assert_eq!(refused.notices, vec![SearchNotice::IdentifierFragmentsForSupervisors], "and the results say why");
    for phone_part in ["5550123", "1234", "139555"] {
        let r = find(&fx.db, &guard, phone_part);
        assert!(r.groups.is_empty() && r.notices == vec![SearchNotice::IdentifierFragmentsForSupervisors], "{phone_part}");
    }
    assert!(fragment_searches(&fx).is_empty(), "a guard's refused search is not a fragment search");

    let found = find(&fx.db, &supervisor, fragment);
    assert_eq!(titles(&found), vec![(SearchKind::Visit, "周杰".into())]);
    assert_eq!(found.notices, vec![SearchNotice::IdentifierFragmentSearchLogged]);
    let logged = fragment_searches(&fx);
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].1["shape"], "6 digits");
    assert_eq!(logged[0].1["purpose"], "search");
    let body: String = fx.db.read(|c| Ok(c.query_row("SELECT body FROM audit_event WHERE action = 'search_identifier_fragment'", [], |r| r.get(0))?)).unwrap();
    let uid: String = fx.db.read(|c| Ok(c.query_row("SELECT uid FROM guard WHERE id = ?1", [supervisor.guard_id()], |r| r.get(0))?)).unwrap();
    assert_eq!(logged[0].0.as_deref(), Some(uid.as_str()), "who");
    assert!(!body.contains(fragment), "never the digits: {body}");
    // A name search by a supervisor is not a fragment search of numbers: not logged.
    find(&fx.db, &supervisor, "周杰");
    assert_eq!(fragment_searches(&fx).len(), 1);
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn a_guard_finds_a_whole_id_number_or_phone_or_the_last_four_digits_with_the_name() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let id = valid_id("19850312", 7);
    visits::check_in(&fx.db, &guard, &NewVisit { id_number: id.clone(), phone: Some("13955501234".into()), ..visit("周杰", 7) }).unwrap();
    visits::check_in(&fx.db, &guard, &NewVisit { id_number: valid_id("19900101", 8), phone: Some("13800009876".into()), ..visit("周杰伦", 8) }).unwrap();
    let zhou = vec![(SearchKind::Visit, "周杰".into())];

    assert_eq!(titles(&find(&fx.db, &guard, &id)), zhou, "the whole ID number");
    assert_eq!(titles(&find(&fx.db, &guard, "139 5550 1234")), zhou, "the whole phone, typed with spaces");
    assert!(find(&fx.db, &guard, &id).notices.is_empty(), "a whole number found needs no notice");
    let last_four = &id[14..];
    for query in [format!("周杰 {last_four}"), format!("{last_four} 周杰"), format!("周杰{last_four}"), "周杰 1234".into()] {
        assert_eq!(titles(&find(&fx.db, &guard, &query)), zhou, "{query}");
    }
    assert!(find(&fx.db, &guard, "李娜 1234").groups.is_empty(), "the 4 digits of another person's number");
    assert!(find(&fx.db, &guard, "周杰 5550").groups.is_empty(), "4 digits that are not the last 4");
    assert_eq!(titles(&find(&fx.db, &guard, "周杰伦 9876")), vec![(SearchKind::Visit, "周杰伦".into())], "a 3-character name");
    assert!(find(&fx.db, &guard, &id[..17]).groups.is_empty(), "all but the last digit is a fragment");
    assert!(fragment_searches(&fx).is_empty());
}

#[test]
fn names_and_plates_with_digits_still_match_by_fragment_for_a_guard() {
    let fx = Fixture::new();
    let guard = fx.guard();
    vehicles::check_in(&fx.db, &guard, &car(&fx, &guard, "京A12345", "赵师傅")).unwrap();
    let plate = vec![(SearchKind::Vehicle, "京A12345".into())];
    for query in ["12345", "a123", "京A1234", "234"] {
        assert_eq!(titles(&find(&fx.db, &guard, query)), plate, "{query}");
    }
    // The driver's phone 13700001111 is not matched by a fragment.
    assert!(find(&fx.db, &guard, "0000111").groups.is_empty());
}

#[test]
fn an_export_follows_the_same_rule_and_a_supervisors_fragment_export_is_logged() {
    use gatehouse::reports::{export::export_search, Format};
    let fx = Fixture::new();
    let guard = fx.guard();
    let supervisor = fx.supervisor();
    let id = valid_id("19850312", 7);
    visits::check_in(&fx.db, &guard, &NewVisit { id_number: id.clone(), ..visit("周杰", 7) }).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let query = SearchQuery { text: id[8..14].into(), ..Default::default() };
    assert_eq!(export_search(&fx.db, &guard, &query, Format::Csv, &dir.path().join("g.csv")).unwrap().rows, 0);
    assert_eq!(export_search(&fx.db, &supervisor, &query, Format::Csv, &dir.path().join("s.csv")).unwrap().rows, 1);
    let logged = fragment_searches(&fx);
    assert_eq!(logged.len(), 1);
    assert_eq!((logged[0].1["shape"].as_str(), logged[0].1["purpose"].as_str()), (Some("6 digits"), Some("export")));
}

/// The index as schema 13 left it: one `body` column holding names and numbers together.
/// Made from the schema-14 fixture (see tests/migrations.rs) with migration 14 undone, not
/// from a current database with its `user_version` set back: that would apply every later
/// migration a second time.
#[test]
fn an_index_of_the_earlier_schema_is_rebuilt_with_numbers_apart_at_the_first_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema13.db");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema-0014.db"), &path).unwrap();
    rusqlite::Connection::open(&path) // still plaintext: encrypted at the first open below
        .unwrap()
        .execute_batch(
            "DROP TABLE search_text; CREATE VIRTUAL TABLE search_text USING fts5(body, tokenize = 'trigram');
             INSERT INTO search_text (rowid, body) SELECT e.id, p.holder_name || '|' || p.holder_id_number FROM search_entry e JOIN pass p ON e.kind = 'pass' AND e.record_id = p.id;
             DROP TABLE login_failure; PRAGMA user_version = 13;",
        )
        .unwrap();
    let reopened = Db::open(&path, gatehouse::Clock::fixed(T0_MS + 86_400_000), &crate::util::keys_in(dir.path())).unwrap();
    let log_in = |name: &str, pin: &str| {
        let id = gatehouse::guards::list_login_guards(&reopened).unwrap().into_iter().find(|g| g.name == name).unwrap().id;
        let mut session = gatehouse::session::Session::new();
        session.log_in(&reopened, id, pin).unwrap();
        session.actor(&reopened).unwrap()
    };
    let (guard, supervisor) = (log_in("李保安", crate::util::GUARD_PIN), log_in("王主管", crate::util::SUPERVISOR_PIN));
    let id = valid_id("19900101", 1); // 张伟's pass in the fixture
    let guard_finds = search::search(&reopened, &guard, &SearchQuery { text: id[8..14].into(), ..Default::default() }).unwrap();
    assert!(guard_finds.groups.is_empty());
    let supervisor_finds = search::search(&reopened, &supervisor, &SearchQuery { text: id[8..14].into(), ..Default::default() }).unwrap();
    assert_eq!(titles(&supervisor_finds), vec![(SearchKind::Pass, "张伟".into())]);
    assert_eq!(titles(&find(&reopened, &guard, "张伟")), vec![(SearchKind::Pass, "张伟".into())]);
}

#[test]
fn the_cli_matches_fragments_and_logs_it_without_a_guard() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let id = valid_id("19850312", 7);
    visits::check_in(&fx.db, &guard, &NewVisit { id_number: id.clone(), ..visit("周杰", 7) }).unwrap();
    let db = fx.path();
    let out = gatehouse(&["--db", db.to_str().unwrap(), "search", &id[8..14], "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1);
    let logged = fragment_searches(&fx);
    assert_eq!(logged.len(), 1);
    assert_eq!((logged[0].0.as_deref(), logged[0].1["purpose"].as_str()), (None, Some("cli")));
}
