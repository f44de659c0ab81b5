//! Supervision of the post (issue 14, items 4-7): the sealing rule for a handover whose joint
//! check found problems, spot checks confirmed by the supervisor's PIN or marked unverified,
//! follow-up items closed or reopened only by a supervisor's re-check (repeats counted), and
//! serious incidents that must say whom they were reported to and when.

use gatehouse::checklist::CheckResult;
use gatehouse::duty::{self, EntryKind, FollowUpStatus, IncidentCategory, NewEntry, NewFollowUp, ReviewOutcome, Severity, SpotCheckMode};
use gatehouse::guards::SupervisorOverride;
use gatehouse::handover::{self, HandoverInput, ProblemFollowUp};
use gatehouse::reports::{self, DateRange};
use gatehouse::{ErrorCode, ErrorKind};

use crate::handover::{input, on_duty};
use crate::util::{duty_entry as entry, Fixture, GUARD_PIN, SUPERVISOR_PIN, T0_MS};

fn overview(fx: &Fixture) -> reports::Overview {
    reports::overview(&fx.db, &fx.supervisor(), &DateRange::parse("2026-11-28", "2026-11-28").unwrap()).unwrap()
}

fn entries_today(fx: &Fixture) -> usize {
    duty::timeline(&fx.db, &fx.guard(), None).unwrap().entries.len()
}

// ---- Item 4: the sealing rule ----

#[test]
fn a_handover_whose_joint_check_failed_seals_only_when_every_problem_is_followed_up_and_reported() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let (mut session, guard) = on_duty(&fx);
    let mut failed = input(&fx, &guard, &supervisor);
    let radio = failed.checklist[1].item.clone();
    let gate = failed.checklist[4].item.clone();
    failed.checklist[1] = CheckResult { item: radio.clone(), ok: false, note: Some("2号对讲机没电".into()) };
    failed.checklist[4] = CheckResult { item: gate.clone(), ok: false, note: Some("门锁损坏".into()) };
    let complete = |item: &str| ProblemFollowUp {
        item: item.into(),
        owner: String::new(),
        deadline: "2026-11-30".into(),
        reported_to: "保卫处值班室".into(),
        reported_at_ms: Some(T0_MS - 60_000),
    };
    let refused = |session: &mut gatehouse::session::Session, problems: Vec<ProblemFollowUp>| {
        let err = session.hand_over(&fx.db, &HandoverInput { problems, ..failed.clone() }).unwrap_err();
        (err.field(), err.code(), err.params().get("item").cloned().unwrap_or_default())
    };

    // No follow-up at all: refused, naming the first problem.
    assert_eq!(refused(&mut session, vec![]), (Some("problems"), ErrorCode::ProblemNotFollowedUp, radio.clone()));
    // One of two problems followed up: the other one is named.
    assert_eq!(refused(&mut session, vec![complete(&radio)]), (Some("problems"), ErrorCode::ProblemNotFollowedUp, gate.clone()));
    // Each missing fact is named at its field, with the item.
    let without = |f: fn(&mut ProblemFollowUp)| {
        let mut p = complete(&gate);
        f(&mut p);
        vec![complete(&radio), p]
    };
    assert_eq!(refused(&mut session, without(|p| p.reported_to = " ".into())), (Some("problem_reported_to"), ErrorCode::Required, gate.clone()));
    assert_eq!(refused(&mut session, without(|p| p.reported_at_ms = None)), (Some("problem_reported_at_ms"), ErrorCode::Required, gate.clone()));
    assert_eq!(
        refused(&mut session, without(|p| p.reported_at_ms = Some(T0_MS + 3_600_000))),
        (Some("problem_reported_at_ms"), ErrorCode::EntryInFuture, gate.clone())
    );
    assert_eq!(refused(&mut session, without(|p| p.deadline = String::new())).0, Some("problem_deadline"));

    // Nothing was saved by the refusals, and the outgoing guard is still on duty.
    assert!(handover::list(&fx.db, &guard).unwrap().is_empty());
    assert!(duty::open_items(&fx.db, &guard).unwrap().is_empty());
    assert_eq!(session.actor(&fx.db).unwrap().name(), "李保安");

    let row = session.hand_over(&fx.db, &HandoverInput { problems: vec![complete(&radio), complete(&gate)], ..failed.clone() }).unwrap();
    let items = duty::open_items(&fx.db, &supervisor).unwrap();
    assert_eq!(items.len(), 2);
    for item in &items {
        assert_eq!(
            (item.reported_to.as_str(), item.reported_at_ms, item.deadline.as_str(), item.owner.as_str()),
            ("保卫处值班室", Some(T0_MS - 60_000), "2026-11-30", "王主管")
        );
        assert_eq!(item.status, FollowUpStatus::Open);
    }
    assert_eq!(row.checklist.iter().filter(|c| !c.ok).count(), 2);
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn an_all_ok_joint_check_seals_without_any_follow_up() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let (mut session, guard) = on_duty(&fx);
    session.hand_over(&fx.db, &input(&fx, &guard, &supervisor)).unwrap();
    assert!(duty::open_items(&fx.db, &supervisor).unwrap().is_empty());
}

// ---- Item 5: spot checks ----

fn desk_check(supervisor_id: Option<i64>, pin: Option<&str>) -> NewEntry {
    NewEntry {
        spot_check_mode: Some(SpotCheckMode::InPerson),
        spot_check_supervisor_id: supervisor_id,
        spot_check_pin: pin.map(str::to_owned),
        // Typed text is not who checked: the core writes the confirmed supervisor's name.
        spot_check_by: Some("随便写的名字".into()),
        ..entry(EntryKind::SpotCheck, "夜间查岗，在岗，记录齐全")
    }
}

#[test]
fn a_desk_spot_check_is_confirmed_by_the_chosen_supervisors_own_pin() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let guard = fx.guard();
    let err = |new: NewEntry| {
        let e = duty::add_entry(&fx.db, &guard, &new).unwrap_err();
        (e.field(), e.code())
    };
    assert_eq!(err(desk_check(None, Some(SUPERVISOR_PIN))), (Some("spot_check_supervisor_id"), ErrorCode::Required));
    assert_eq!(err(desk_check(Some(supervisor.guard_id()), None)), (Some("spot_check_pin"), ErrorCode::Required));
    assert_eq!(err(desk_check(Some(supervisor.guard_id()), Some("000000"))), (Some("spot_check_pin"), ErrorCode::WrongPin));
    // A guard's own PIN does not make them a supervisor.
    assert_eq!(err(desk_check(Some(guard.guard_id()), Some(GUARD_PIN))), (Some("spot_check_supervisor_id"), ErrorCode::NotASupervisor));
    assert_eq!(entries_today(&fx), 0, "nothing saved by a refused check");

    let row = duty::add_entry(&fx.db, &guard, &desk_check(Some(supervisor.guard_id()), Some(SUPERVISOR_PIN))).unwrap();
    assert_eq!((row.spot_check_by.as_str(), row.spot_check_supervisor_id, row.spot_check_verified), ("王主管", Some(supervisor.guard_id()), Some(true)));
    assert_eq!(row.guard, "李保安", "the guard on duty wrote the entry");
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn a_phone_spot_check_records_the_caller_and_is_unverified() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let call = NewEntry { spot_check_mode: Some(SpotCheckMode::Phone), ..entry(EntryKind::SpotCheck, "电话查岗，在岗") };
    assert_eq!(duty::add_entry(&fx.db, &guard, &call).unwrap_err().field(), Some("spot_check_by"));
    let row = duty::add_entry(&fx.db, &guard, &NewEntry { spot_check_by: Some("保卫处 010-62345678".into()), ..call }).unwrap();
    assert_eq!((row.spot_check_by.as_str(), row.spot_check_supervisor_id, row.spot_check_verified), ("保卫处 010-62345678", None, Some(false)));
}

#[test]
fn reports_count_desk_phone_and_earlier_spot_checks_apart() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let guard = fx.guard();
    duty::add_entry(&fx.db, &guard, &desk_check(Some(supervisor.guard_id()), Some(SUPERVISOR_PIN))).unwrap();
    let call = NewEntry { spot_check_mode: Some(SpotCheckMode::Phone), spot_check_by: Some("刘科长".into()), ..entry(EntryKind::SpotCheck, "电话查岗") };
    duty::add_entry(&fx.db, &guard, &call).unwrap();
    let voided = duty::add_entry(&fx.db, &guard, &call).unwrap();
    duty::void_entry(&fx.db, &guard, voided.id, "重复记录").unwrap();
    // A row as an earlier version wrote it: a free-text name, neither confirmed nor marked.
    fx.sqlite(&format!(
        "INSERT INTO duty_entry (uid, duty_day, kind, occurred_at_ms, recorded_at_ms, text, guard_id, spot_check_by, spot_check_mode)
         VALUES ('old-spot-check', '2026-11-28', 'spot_check', {T0_MS}, {T0_MS}, '查岗', {}, '王主管', 'in_person');",
        guard.guard_id()
    ));
    let checks = overview(&fx).supervision.spot_checks;
    assert_eq!((checks.total, checks.verified, checks.unverified, checks.earlier), (3, 1, 1, 1));
}

// ---- Item 6: follow-ups and the supervisor's re-check ----

fn approval(supervisor_id: i64, pin: &str, reason: &str) -> SupervisorOverride {
    SupervisorOverride { supervisor_id, pin: pin.into(), reason: reason.into() }
}

#[test]
fn only_a_supervisors_recheck_closes_or_reopens_an_item_and_a_second_reopening_is_a_repeat() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let guard = fx.guard();
    let finding = NewEntry {
        follow_up: Some(NewFollowUp { title: "消防通道堆放杂物".into(), owner: "后勤处".into(), deadline: "2026-11-30".into() }),
        ..entry(EntryKind::Other, "巡查发现消防通道堆物")
    };
    let item = duty::add_entry(&fx.db, &guard, &finding).unwrap().opened_item.unwrap();
    let ok = approval(supervisor.guard_id(), SUPERVISOR_PIN, "现场复查");
    let review = |outcome, approval: &SupervisorOverride| duty::review_follow_up(&fx.db, &guard, item.id, outcome, approval);
    let mark_done = || duty::add_entry(&fx.db, &guard, &NewEntry { closes_item_id: Some(item.id), ..entry(EntryKind::Other, "杂物已清理") }).unwrap();

    // Nothing to re-check until a guard marks it corrected.
    assert_eq!(review(ReviewOutcome::Close, &ok).unwrap_err().code(), ErrorCode::FollowUpNotDone);
    mark_done();
    // A guard's entry never closes it; a guard's PIN, a wrong PIN or no note do not either.
    assert_eq!(review(ReviewOutcome::Close, &approval(guard.guard_id(), GUARD_PIN, "自查")).unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(review(ReviewOutcome::Close, &approval(supervisor.guard_id(), "000000", "x")).unwrap_err().code(), ErrorCode::WrongPin);
    assert_eq!(review(ReviewOutcome::Reopen, &approval(supervisor.guard_id(), SUPERVISOR_PIN, " ")).unwrap_err().field(), Some("override_reason"));
    assert_eq!(duty::open_items(&fx.db, &guard).unwrap()[0].status, FollowUpStatus::Done);

    let reopened = review(ReviewOutcome::Reopen, &approval(supervisor.guard_id(), SUPERVISOR_PIN, "仍有纸箱")).unwrap();
    assert_eq!((reopened.status, reopened.reopened, reopened.repeat), (FollowUpStatus::Open, 1, false));
    mark_done();
    let again = review(ReviewOutcome::Reopen, &approval(supervisor.guard_id(), SUPERVISOR_PIN, "又堆上了")).unwrap();
    assert_eq!((again.status, again.reopened, again.repeat), (FollowUpStatus::Open, 2, true), "reopened twice: 屡查屡犯");
    mark_done();
    let closed = review(ReviewOutcome::Close, &ok).unwrap();
    assert_eq!((closed.status, closed.closed_by.as_str(), closed.repeat), (FollowUpStatus::Closed, "王主管", true));
    assert!(duty::open_items(&fx.db, &guard).unwrap().is_empty());
    assert_eq!(review(ReviewOutcome::Reopen, &ok).unwrap_err().code(), ErrorCode::FollowUpClosed);

    let stats = overview(&fx).supervision;
    assert_eq!((stats.follow_ups_opened, stats.follow_ups_closed, stats.reopenings, stats.awaiting_review), (1, 1, 2, 0));
    assert_eq!(stats.repeats.iter().map(|r| (r.id, r.reopened, r.closed)).collect::<Vec<_>>(), vec![(item.id, 2, true)]);
    // The re-checks are records of their own: sealed, and under the chain.
    let conn = fx.conn();
    assert!(conn.execute("UPDATE follow_up_review SET note = 'x'", []).is_err());
    assert!(conn.execute("DELETE FROM follow_up_review", []).is_err());
    assert!(conn.execute("UPDATE follow_up SET done_at_ms = NULL WHERE id = ?1", [item.id]).is_err(), "a closed item never changes");
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn an_item_closed_before_rechecks_existed_stays_closed() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let item = duty::add_entry(
        &fx.db,
        &guard,
        &NewEntry {
            follow_up: Some(NewFollowUp { title: "旧整改项".into(), owner: "后勤处".into(), deadline: "2026-11-30".into() }),
            ..entry(EntryKind::Other, "旧记录")
        },
    )
    .unwrap()
    .opened_item
    .unwrap();
    // As schema 12 closed items: a guard's entry set closed_at_ms, nothing else.
    fx.sqlite_around_triggers(&format!("UPDATE follow_up SET closed_at_ms = {T0_MS} WHERE id = {};", item.id));
    assert!(duty::open_items(&fx.db, &guard).unwrap().is_empty());
    let report = duty::report(&fx.db, &guard, "2026-11-28").unwrap();
    assert!(report.open_items.is_empty());
}

// ---- Item 7: serious incidents ----

fn incident(category: IncidentCategory) -> NewEntry {
    NewEntry {
        severity: Some(Severity::High),
        incident_category: Some(category),
        place: Some("东门".into()),
        ..entry(EntryKind::Incident, "东门有人强行闯入，已拦下")
    }
}

#[test]
fn a_serious_incident_is_not_saved_without_whom_it_was_reported_to_and_when() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let refused = |new: NewEntry| {
        let e = duty::add_entry(&fx.db, &guard, &new).unwrap_err();
        (e.field(), e.code())
    };
    for category in [IncidentCategory::Fire, IncidentCategory::Fight, IncidentCategory::ForcedEntry, IncidentCategory::Injury, IncidentCategory::Theft] {
        assert!(category.is_serious());
        assert_eq!(
            refused(NewEntry { reported_at_ms: Some(T0_MS), ..incident(category) }),
            (Some("reported_to"), ErrorCode::SeriousIncidentUnreported),
            "{category:?}"
        );
        assert_eq!(
            refused(NewEntry { reported_to: Some("110".into()), ..incident(category) }),
            (Some("reported_at_ms"), ErrorCode::SeriousIncidentUnreported),
            "{category:?}"
        );
    }
    let reported = |at| NewEntry { reported_to: Some("110".into()), reported_at_ms: Some(at), ..incident(IncidentCategory::ForcedEntry) };
    assert_eq!(refused(reported(T0_MS + 60_000)), (Some("reported_at_ms"), ErrorCode::EntryInFuture));
    let late = NewEntry { occurred_at_ms: Some(T0_MS - 600_000), ..reported(T0_MS - 900_000) };
    assert_eq!(refused(late), (Some("reported_at_ms"), ErrorCode::EndsBeforeStart), "reported before it happened");
    assert_eq!(entries_today(&fx), 0, "nothing saved by a refused incident");

    // Times are typed to the minute: reported in the same minute as it happened is fine.
    let same_minute = NewEntry { occurred_at_ms: Some(T0_MS - 30_000), ..reported(T0_MS - 59_000) };
    assert!(duty::add_entry(&fx.db, &guard, &same_minute).is_ok());
    let row = duty::add_entry(&fx.db, &guard, &NewEntry { occurred_at_ms: Some(T0_MS - 300_000), ..reported(T0_MS - 60_000) }).unwrap();
    assert_eq!((row.incident_category, row.reported_to.as_str(), row.reported_at_ms), (Some(IncidentCategory::ForcedEntry), "110", Some(T0_MS - 60_000)));
    // A typed name is as good as a preset.
    let named = NewEntry { reported_to: Some("保卫处张科长".into()), reported_at_ms: Some(T0_MS), ..incident(IncidentCategory::Theft) };
    duty::add_entry(&fx.db, &guard, &named).unwrap();
    // Not serious: saved without.
    duty::add_entry(&fx.db, &guard, &incident(IncidentCategory::Other)).unwrap();
    assert_eq!(overview(&fx).supervision.serious_incidents, 3);
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}
