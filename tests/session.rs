//! The session: idle auto-lock, unlock with the same guard's PIN, status bar.

use gatehouse::session::{self, Session};
use gatehouse::site::{self, Language};
use gatehouse::status;
use gatehouse::{ErrorCode, ErrorKind};

use crate::util::{Fixture, SUPERVISOR_PIN};

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
    assert!(!bar.clock_suspect);
    // 07:00 the next morning is still the same duty day (it starts at 08:00).
    fx.clock.advance(chrono::Duration::hours(21));
    assert_eq!(status::status(&fx.db, &guard).unwrap().duty_day, "2026-11-28");
}
