//! The session: idle auto-lock, unlock with the same guard's PIN, status bar.

use gatehouse::session::{self, Session};
use gatehouse::site::{self, Language};
use gatehouse::status;
use gatehouse::{ErrorCode, ErrorKind};

use gatehouse::guards::SupervisorOverride;

use crate::util::{Fixture, GUARD_PIN, SUPERVISOR_PIN};

#[test]
fn the_session_locks_itself_after_the_idle_minutes() {
    let fx = Fixture::new();
    let mut session = Session::new();
    session.log_in(&fx.db, fx.guard_id("王主管"), SUPERVISOR_PIN).unwrap();
    fx.clock.advance(chrono::Duration::minutes(4));
    session.actor(&fx.db).expect("4 idle minutes are fine");
    fx.clock.advance(chrono::Duration::minutes(5) + chrono::Duration::seconds(1));
    let err = session.actor(&fx.db).unwrap_err();
    assert_eq!((err.kind(), err.code()), (ErrorKind::Locked, ErrorCode::SessionLocked));
    assert!(session::app_state(&fx.db, &session).unwrap().locked);

    assert_eq!(session.unlock(&fx.db, "000000").unwrap_err().code(), ErrorCode::WrongPin);
    session.unlock(&fx.db, SUPERVISOR_PIN).unwrap();
    session.actor(&fx.db).expect("unlocked");
}

#[test]
fn nobody_logged_in_gets_not_logged_in() {
    let fx = Fixture::new();
    assert_eq!(Session::new().actor(&fx.db).unwrap_err().code(), ErrorCode::NotLoggedIn);
}

#[test]
fn app_state_reports_setup_language_and_session() {
    let dir = tempfile::tempdir().unwrap();
    let db = gatehouse::Db::open(dir.path().join("g.db"), gatehouse::Clock::fixed(0), &crate::util::keys_in(dir.path())).unwrap();
    let state = session::app_state(&db, &Session::new()).unwrap();
    assert!(!state.setup_done && state.session.is_none());
    assert_eq!(state.language, Language::ZhCn);
    site::set_language(&db, Language::En).unwrap();
    assert_eq!(session::app_state(&db, &Session::new()).unwrap().language, Language::En);
}

#[test]
fn status_bar_shows_duty_day_and_people_on_site() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let bar = status::status(&fx.db, &guard).unwrap();
    assert_eq!((bar.site_name.as_str(), bar.gate_name.as_str(), bar.guard_name.as_str()), ("示例学校", "东门", "李保安"));
    assert_eq!(bar.duty_day, "2026-11-28");
    assert_eq!(bar.people_on_site, 0);
    assert_eq!(bar.clock_doubt, None);
    // 07:00 the next morning is still the same duty day (it starts at 08:00).
    fx.clock.advance(chrono::Duration::hours(21));
    assert_eq!(status::status(&fx.db, &guard).unwrap().duty_day, "2026-11-28");
}

/// Adds a second guard, 赵保安, for the desk's change of hands.
fn second_guard(fx: &Fixture) -> i64 {
    let supervisor = fx.supervisor();
    gatehouse::guards::add_guard(
        &fx.db,
        &supervisor,
        &gatehouse::guards::NewGuard { name: "赵保安".into(), role: gatehouse::actor::Role::Guard, pin: "112233".into() },
    )
    .unwrap()
    .id
}

#[test]
fn the_first_guard_goes_on_duty_and_another_must_take_over_first() {
    let fx = Fixture::new();
    let first = fx.guard();
    let second = second_guard(&fx);
    let on_duty = |session: &mut Session| session::app_state(&fx.db, session).unwrap().session.unwrap();
    let mut desk = Session::new();
    desk.log_in(&fx.db, first.guard_id(), GUARD_PIN).unwrap();
    let info = on_duty(&mut desk);
    assert_eq!((info.on_duty.as_ref().map(|d| d.guard_name.as_str()), info.handover_required), (Some("李保安"), false));

    // 赵保安 logs in while 李保安 has not handed over: nothing but the handover works.
    let info = desk.log_in(&fx.db, second, "112233").unwrap();
    assert!(info.handover_required);
    let err = desk.actor(&fx.db).unwrap_err();
    assert_eq!((err.code(), err.params().get("name").map(String::as_str)), (ErrorCode::HandoverRequired, Some("李保安")));
    assert_eq!(desk.handover_actor(&fx.db).unwrap().name(), "赵保安");
    // Logging out and in again changes nothing; a supervisor's log-in works and changes nothing.
    desk.log_out(&fx.db).unwrap();
    assert!(desk.log_in(&fx.db, second, "112233").unwrap().handover_required);
    let mut office = Session::new();
    let info = office.log_in(&fx.db, fx.guard_id("王主管"), SUPERVISOR_PIN).unwrap();
    assert!(!info.handover_required);
    office.actor(&fx.db).expect("a supervisor's task");
    assert_eq!(status::status(&fx.db, &office.actor(&fx.db).unwrap()).unwrap().on_duty.unwrap().guard_name, "李保安");

    // A takeover without handover needs a supervisor's right PIN and a reason.
    let approval = |pin: &str, reason: &str| SupervisorOverride { supervisor_id: fx.guard_id("王主管"), pin: pin.into(), reason: reason.into() };
    assert_eq!(desk.take_over(&fx.db, &approval("000000", "李保安急病送医")).unwrap_err().code(), ErrorCode::WrongPin);
    let err = desk.take_over(&fx.db, &approval(SUPERVISOR_PIN, " ")).unwrap_err();
    assert_eq!((err.field(), err.code()), (Some("override_reason"), ErrorCode::Required));
    assert_eq!(desk.actor(&fx.db).unwrap_err().code(), ErrorCode::HandoverRequired, "still refused");
    let info = desk.take_over(&fx.db, &approval(SUPERVISOR_PIN, "李保安急病送医")).unwrap();
    assert_eq!((info.on_duty.unwrap().guard_name.as_str(), info.handover_required), ("赵保安", false));
    assert_eq!(desk.actor(&fx.db).unwrap().name(), "赵保安");
    // It is flagged on the status bar (the dashboard) and on the day's duty report.
    let bar = status::status(&fx.db, &desk.actor(&fx.db).unwrap()).unwrap();
    assert_eq!(
        bar.takeovers.iter().map(|t| (t.guard.as_str(), t.previous_guard.as_str(), t.approved_by.as_str(), t.reason.as_str())).collect::<Vec<_>>(),
        [("赵保安", "李保安", "王主管", "李保安急病送医")]
    );
    let report = gatehouse::duty::report(&fx.db, &desk.actor(&fx.db).unwrap(), &bar.duty_day).unwrap();
    assert_eq!(report.takeovers.len(), 1);
    // Now 李保安 is the one who must take over; a second takeover by 赵保安 is refused.
    assert_eq!(desk.take_over(&fx.db, &approval(SUPERVISOR_PIN, "再次")).unwrap_err().code(), ErrorCode::NoHandoverPending);
    assert!(Session::new().log_in(&fx.db, first.guard_id(), GUARD_PIN).unwrap().handover_required);
    // Watches are sealed.
    let conn = fx.conn();
    assert!(conn.execute("UPDATE duty_watch SET reason = 'x'", []).is_err());
    assert!(conn.execute("DELETE FROM duty_watch", []).is_err());
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn a_guard_who_must_take_over_does_so_through_the_handover_from_the_guard_on_duty() {
    use gatehouse::checklist::{self, CheckResult, ChecklistKind};
    use gatehouse::handover::HandoverInput;
    let fx = Fixture::new();
    let first = fx.guard();
    let second = second_guard(&fx);
    Session::new().log_in(&fx.db, first.guard_id(), GUARD_PIN).unwrap();
    let mut desk = Session::new();
    assert!(desk.log_in(&fx.db, second, "112233").unwrap().handover_required);
    let checks = checklist::items(&fx.db, &first, ChecklistKind::Handover, false)
        .unwrap()
        .into_iter()
        .map(|i| CheckResult { item: i.label, ok: true, note: None })
        .collect();
    let input = HandoverInput {
        outgoing_guard_id: first.guard_id(),
        outgoing_pin: GUARD_PIN.into(),
        outgoing_signature: crate::util::drawn_signature(1),
        incoming_guard_id: second,
        incoming_pin: "112233".into(),
        incoming_signature: crate::util::drawn_signature(2),
        checklist: checks,
        ..Default::default()
    };
    // The outgoing guard must be the one on duty.
    let supervisor_out = HandoverInput { outgoing_guard_id: fx.guard_id("王主管"), outgoing_pin: SUPERVISOR_PIN.into(), ..input.clone() };
    let err = desk.hand_over(&fx.db, &supervisor_out).unwrap_err();
    assert_eq!((err.field(), err.code()), (Some("outgoing_guard_id"), ErrorCode::NotOnDuty));
    let row = desk.hand_over(&fx.db, &input).unwrap();
    assert_eq!((row.outgoing.as_str(), row.incoming.as_str()), ("李保安", "赵保安"));
    assert_eq!(desk.actor(&fx.db).unwrap().name(), "赵保安");
    let info = session::app_state(&fx.db, &desk).unwrap().session.unwrap();
    assert_eq!((info.on_duty.unwrap().guard_name.as_str(), info.handover_required), ("赵保安", false));
    assert!(status::status(&fx.db, &desk.actor(&fx.db).unwrap()).unwrap().takeovers.is_empty(), "a handover is no takeover");
}
