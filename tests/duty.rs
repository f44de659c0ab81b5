//! The duty log: entries, late entries, voiding, follow-ups, patrols, closing a day.

use gatehouse::duty::{self, EntryKind, IncidentCategory, NewEntry, NewFollowUp, PatrolStop, Severity, SpotCheckMode};
use gatehouse::{ErrorCode, ErrorKind};

use crate::util::{duty_entry as entry, Fixture, T0_MS};

#[test]
fn an_entry_may_be_dated_earlier_today_but_never_in_the_future() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let late = NewEntry { occurred_at_ms: Some(T0_MS - 30 * 60_000), ..entry(EntryKind::Call, "家长来电询问放学时间") };
    let row = duty::add_entry(&fx.db, &guard, &late).unwrap();
    assert!(row.late && row.recorded_at_ms == T0_MS && row.occurred_at_ms == T0_MS - 30 * 60_000);
    let future = NewEntry { occurred_at_ms: Some(T0_MS + 24 * 3_600_000), ..entry(EntryKind::Call, "明天") };
    let err = duty::add_entry(&fx.db, &guard, &future).unwrap_err();
    assert_eq!((err.field(), err.code()), (Some("occurred_at_ms"), ErrorCode::EntryInFuture));
    // 10:00 now; the duty day began at 08:00, so 07:00 belongs to yesterday's log.
    let yesterday = NewEntry { occurred_at_ms: Some(T0_MS - 3 * 3_600_000), ..entry(EntryKind::Call, "x") };
    assert_eq!(duty::add_entry(&fx.db, &guard, &yesterday).unwrap_err().code(), ErrorCode::EntryBeforeDutyDay);
}

#[test]
fn each_kind_asks_for_its_own_facts() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let field = |new: NewEntry| duty::add_entry(&fx.db, &guard, &new).unwrap_err().field();
    assert_eq!(field(entry(EntryKind::Incident, "门口有人争吵")), Some("severity"));
    assert_eq!(field(NewEntry { severity: Some(Severity::Low), ..entry(EntryKind::Incident, "门口有人争吵") }), Some("incident_category"));
    assert_eq!(field(entry(EntryKind::SpotCheck, "查岗")), Some("spot_check_mode"));
    assert_eq!(field(NewEntry { spot_check_mode: Some(SpotCheckMode::Phone), ..entry(EntryKind::SpotCheck, "查岗") }), Some("spot_check_by"));
    assert_eq!(field(entry(EntryKind::Replacement, "去食堂")), Some("replacement_guard"));
    let backwards = NewEntry {
        replacement_guard: Some("李四".into()),
        replacement_from_ms: Some(T0_MS),
        replacement_to_ms: Some(T0_MS - 60_000),
        ..entry(EntryKind::Replacement, "去食堂")
    };
    let err = duty::add_entry(&fx.db, &guard, &backwards).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::EndsBeforeStart, Some("replacement_to_ms")));
    assert_eq!(err.params().get("startField").map(String::as_str), Some("replacement_from_ms"), "the message can name the start field");
    assert_eq!(field(entry(EntryKind::Patrol, "巡逻")), Some("patrol_stops"));
    assert_eq!(field(entry(EntryKind::Other, "  ")), Some("text"));
    let spot =
        NewEntry {
            spot_check_by: Some("保卫处刘科长".into()), spot_check_mode: Some(SpotCheckMode::Phone), ..entry(EntryKind::SpotCheck, "电话查岗，在岗")
        };
    let row = duty::add_entry(&fx.db, &guard, &spot).unwrap();
    assert_eq!((row.spot_check_by.as_str(), row.spot_check_mode), ("保卫处刘科长", Some(SpotCheckMode::Phone)));
}

#[test]
fn a_correction_voids_the_old_entry_and_both_stay_visible() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let incident = NewEntry {
        severity: Some(Severity::High),
        incident_category: Some(IncidentCategory::Injury),
        reported_to: Some("110".into()),
        reported_at_ms: Some(T0_MS),
        ..entry(EntryKind::Incident, "东门外发生交通事故")
    };
    let wrong = duty::add_entry(&fx.db, &guard, &incident).unwrap();
    let correction = duty::void_entry(&fx.db, &guard, wrong.id, "地点记错，应为西门").unwrap();
    assert_eq!((correction.voids_entry_id, correction.void_reason.as_str()), (Some(wrong.id), "地点记错，应为西门"));
    let day = duty::timeline(&fx.db, &guard, None).unwrap();
    let old = day.entries.iter().find(|e| e.id == wrong.id).unwrap();
    assert_eq!((old.voided_by_entry_id, old.text.as_str()), (Some(correction.id), "东门外发生交通事故"));
    assert_eq!(duty::void_entry(&fx.db, &guard, wrong.id, "again").unwrap_err().code(), ErrorCode::EntryAlreadyVoided);
    // Sealed: SQLite itself refuses to change or delete an entry.
    let conn = fx.conn();
    assert!(conn.execute("UPDATE duty_entry SET text = 'x' WHERE id = ?1", [wrong.id]).is_err());
    assert!(conn.execute("DELETE FROM duty_entry WHERE id = ?1", [wrong.id]).is_err());
}

#[test]
fn a_follow_up_stays_open_until_an_entry_marks_it_done_and_overdue_ones_stand_out() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let finding = NewEntry {
        spot_check_by: Some("保卫处 010-12345678".into()),
        spot_check_mode: Some(SpotCheckMode::Phone),
        follow_up: Some(NewFollowUp { title: "灭火器过期，需更换".into(), owner: "总务处".into(), deadline: "2026-11-29".into() }),
        ..entry(EntryKind::SpotCheck, "查岗发现灭火器过期")
    };
    let row = duty::add_entry(&fx.db, &guard, &finding).unwrap();
    let item = row.opened_item.unwrap();
    assert_eq!(duty::open_items(&fx.db, &guard).unwrap().len(), 1);
    fx.clock.advance(chrono::Duration::days(2));
    assert!(duty::open_items(&fx.db, &guard).unwrap()[0].overdue);
    assert_eq!(gatehouse::status::status(&fx.db, &guard).unwrap().open_items_overdue, 1);
    let close = NewEntry { closes_item_id: Some(item.id), ..entry(EntryKind::EquipmentCheck, "灭火器已更换") };
    duty::add_entry(&fx.db, &guard, &close).unwrap();
    // Marked corrected: it waits for a supervisor's re-check (see tests/supervision.rs).
    let waiting = duty::open_items(&fx.db, &guard).unwrap();
    assert_eq!((waiting.len(), waiting[0].status, waiting[0].overdue), (1, duty::FollowUpStatus::Done, false));
    assert_eq!(duty::add_entry(&fx.db, &guard, &close).unwrap_err().code(), ErrorCode::FollowUpAwaitingReview);
    let conn = fx.conn();
    assert!(conn.execute("UPDATE follow_up SET title = 'x' WHERE id = ?1", [item.id]).is_err());
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn a_day_short_of_patrols_shows_it_once_over() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    duty::add_key_place(&fx.db, &supervisor, "配电房").unwrap();
    duty::add_key_place(&fx.db, &supervisor, "教学楼").unwrap();
    duty::set_min_patrols(&fx.db, &supervisor, 2).unwrap();
    let guard = fx.guard();
    let stops = vec![
        PatrolStop { place: "配电房".into(), visited: true, anomaly: None },
        PatrolStop { place: "教学楼".into(), visited: true, anomaly: Some("三楼窗户未关".into()) },
    ];
    duty::add_entry(&fx.db, &guard, &NewEntry { patrol_stops: stops, ..entry(EntryKind::Patrol, "夜间巡逻") }).unwrap();
    let today = duty::timeline(&fx.db, &guard, None).unwrap();
    assert_eq!((today.patrols_done, today.patrols_required, today.short_of_patrols), (1, 2, false));
    assert_eq!(today.key_places.len(), 2);
    fx.clock.advance(chrono::Duration::days(1));
    let yesterday = duty::timeline(&fx.db, &guard, Some("2026-11-28")).unwrap();
    assert!(yesterday.short_of_patrols);
}

#[test]
fn a_closed_duty_day_takes_no_more_entries_and_only_supervisors_close() {
    let fx = Fixture::new();
    let guard = fx.guard();
    duty::add_entry(&fx.db, &guard, &entry(EntryKind::Other, "交接正常")).unwrap();
    assert_eq!(duty::close_day(&fx.db, &guard, "2026-11-28").unwrap_err().kind(), ErrorKind::Forbidden);
    let supervisor = fx.supervisor();
    assert!(duty::close_day(&fx.db, &supervisor, "2026-11-28").unwrap().closed);
    assert_eq!(duty::add_entry(&fx.db, &guard, &entry(EntryKind::Other, "x")).unwrap_err().code(), ErrorCode::DutyDayClosed);
    let report = duty::report(&fx.db, &supervisor, "2026-11-28").unwrap();
    assert_eq!((report.day.entries.len(), report.closed_by.as_str()), (1, "王主管"));
}
