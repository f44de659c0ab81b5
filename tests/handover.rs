//! Shift handover: both guards sign with their own PIN, the handover is sealed for good,
//! a joint-check problem becomes an open item, the slip carries the chain fingerprint.

use gatehouse::actor::Actor;
use gatehouse::checklist::{self, CheckResult, ChecklistKind};
use gatehouse::duty::{self, EntryKind, NewEntry};
use gatehouse::handover::{self, HandedOver, HandoverInput, ProblemFollowUp};
use gatehouse::session::Session;
use gatehouse::ErrorCode;

use crate::util::{drawn_signature, duty_entry, Fixture, GUARD_PIN, SUPERVISOR_PIN};

fn all_ok(fx: &Fixture, actor: &Actor) -> Vec<CheckResult> {
    checklist::items(&fx.db, actor, ChecklistKind::Handover, false).unwrap().into_iter().map(|i| CheckResult { item: i.label, ok: true, note: None }).collect()
}

pub(crate) fn input(fx: &Fixture, guard: &Actor, supervisor: &Actor) -> HandoverInput {
    HandoverInput {
        outgoing_guard_id: guard.guard_id(),
        outgoing_pin: GUARD_PIN.into(),
        outgoing_signature: drawn_signature(1),
        incoming_guard_id: supervisor.guard_id(),
        incoming_pin: SUPERVISOR_PIN.into(),
        incoming_signature: drawn_signature(2),
        checklist: all_ok(fx, guard),
        handed_over: vec![HandedOver { item: "钥匙".into(), count: 12 }, HandedOver { item: "对讲机".into(), count: 2 }],
        notes: Some("西门施工，注意车辆".into()),
        problems: vec![],
    }
}

/// The guard on duty at the PC, logged in through a session.
pub(crate) fn on_duty(fx: &Fixture) -> (Session, Actor) {
    let guard = fx.guard();
    let mut session = Session::new();
    session.log_in(&fx.db, guard.guard_id(), GUARD_PIN).unwrap();
    (session, guard)
}

#[test]
fn a_sealed_handover_puts_the_incoming_guard_on_duty_and_never_changes() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let (mut session, guard) = on_duty(&fx);
    let row = session.hand_over(&fx.db, &input(&fx, &guard, &supervisor)).unwrap();
    assert_eq!((row.outgoing.as_str(), row.incoming.as_str()), ("李保安", "王主管"));
    assert_eq!(session.actor(&fx.db).unwrap().name(), "王主管");
    assert_eq!(row.seal_fingerprint.len(), 16);
    assert!(row.outgoing_signature.starts_with("data:image/png;base64,"));

    let conn = fx.conn();
    assert!(conn.execute("UPDATE handover SET notes = 'x' WHERE id = ?1", [row.id]).is_err());
    assert!(conn.execute("DELETE FROM handover WHERE id = ?1", [row.id]).is_err());
    // A forced change (trigger dropped) is caught by verify.
    fx.sqlite_around_triggers(&format!("UPDATE handover SET incoming_signature = x'00' WHERE id = {};", row.id));
    let db = fx.reopen();
    let problem = db.read(gatehouse::audit::verify).unwrap().unwrap_err();
    assert!(problem.record.starts_with("handover ") && problem.reason.contains("incoming_signature"), "{problem}");
}

#[test]
fn the_seal_fingerprint_is_the_hash_of_the_seal_event() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let (mut session, guard) = on_duty(&fx);
    let row = session.hand_over(&fx.db, &input(&fx, &guard, &supervisor)).unwrap();
    let hash: Vec<u8> = fx.db.read(|c| Ok(c.query_row("SELECT hash FROM audit_event WHERE seq = ?1", [row.seal_event_seq], |r| r.get(0))?)).unwrap();
    assert_eq!(row.seal_fingerprint, hex::encode(hash)[..16]);
    let first = handover::record_print(&fx.db, &supervisor, row.id).unwrap();
    let second = handover::record_print(&fx.db, &supervisor, row.id).unwrap();
    assert_eq!((first.prints, second.prints), (1, 2), "the second print is a reprint");
}

#[test]
fn bad_handovers_are_refused_and_nothing_is_saved() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let (mut session, guard) = on_duty(&fx);
    let good = input(&fx, &guard, &supervisor);
    let code = |session: &mut Session, bad: HandoverInput| {
        let err = session.hand_over(&fx.db, &bad).unwrap_err();
        (err.field(), err.code())
    };
    assert_eq!(code(&mut session, HandoverInput { incoming_guard_id: guard.guard_id(), ..good.clone() }), (Some("incoming_guard_id"), ErrorCode::SameGuard));
    let blank = {
        let pad = image::RgbaImage::from_pixel(600, 200, image::Rgba([255, 255, 255, 255]));
        let mut out = Vec::new();
        pad.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
        out
    };
    assert_eq!(code(&mut session, HandoverInput { outgoing_signature: blank, ..good.clone() }), (Some("outgoing_signature"), ErrorCode::SignatureBlank));
    assert_eq!(code(&mut session, HandoverInput { incoming_pin: "000000".into(), ..good.clone() }), (Some("incoming_pin"), ErrorCode::WrongPin));
    assert_eq!(code(&mut session, HandoverInput { checklist: vec![], ..good.clone() }), (Some("checklist"), ErrorCode::ChecklistIncomplete));
    assert!(handover::list(&fx.db, &guard).unwrap().is_empty());
    assert_eq!(session.actor(&fx.db).unwrap().name(), "李保安", "a refused handover leaves the outgoing guard on duty");
}

#[test]
fn a_problem_in_the_joint_check_becomes_an_open_item_that_survives_the_handover() {
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let (mut session, guard) = on_duty(&fx);
    let mut handover_input = input(&fx, &guard, &supervisor);
    handover_input.checklist[1] = CheckResult { item: handover_input.checklist[1].item.clone(), ok: false, note: Some("2号对讲机没电".into()) };
    handover_input.problems = vec![ProblemFollowUp {
        item: handover_input.checklist[1].item.clone(),
        deadline: "2026-11-29".into(),
        reported_to: "保卫处值班室".into(),
        reported_at_ms: Some(crate::util::T0_MS),
        ..Default::default()
    }];
    duty::add_entry(
        &fx.db,
        &guard,
        &NewEntry {
            place: Some("东门".into()),
            reported_to: Some("保卫处值班室".into()),
            severity: Some(gatehouse::duty::Severity::Medium),
            incident_category: Some(gatehouse::duty::IncidentCategory::ForcedEntry),
            reported_at_ms: Some(crate::util::T0_MS),
            ..duty_entry(EntryKind::Incident, "有人翻越围栏，已劝离")
        },
    )
    .unwrap();
    // Four minutes later (within the idle-lock time), the handover.
    fx.clock.advance(chrono::Duration::minutes(4));
    let summary = handover::summary(&fx.db, &guard).unwrap();
    assert_eq!((summary.incidents.len(), summary.duty_entries), (1, 1));
    let row = session.hand_over(&fx.db, &handover_input).unwrap();
    assert_eq!(row.summary.incidents.len(), 1);
    let items = duty::open_items(&fx.db, &supervisor).unwrap();
    assert_eq!(items.len(), 1);
    assert!(items[0].title.contains("2号对讲机没电") && items[0].owner == "王主管");
    assert_eq!((items[0].reported_to.as_str(), items[0].reported_at_ms, items[0].deadline.as_str()), ("保卫处值班室", Some(crate::util::T0_MS), "2026-11-29"));
    // The next shift's summary starts at the seal and still carries the open item.
    fx.clock.advance(chrono::Duration::minutes(5));
    let next = handover::summary(&fx.db, &supervisor).unwrap();
    assert_eq!((next.incidents.len(), next.open_items.len()), (0, 1));
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}

#[test]
fn refused_pass_scans_of_the_shift_are_in_the_summary() {
    let fx = Fixture::new();
    let guard = fx.guard();
    gatehouse::passes::scan::scan(&fx.db, &guard, "12345", gatehouse::passes::scan::Direction::In).unwrap();
    assert_eq!(handover::summary(&fx.db, &guard).unwrap().refused_pass_scans, 1);
}

#[test]
fn names_of_people_inside_are_not_sealed_and_leave_the_handover_with_the_retention_purge() {
    use gatehouse::visits::{self, CheckOut, NewVisit};
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    let (mut session, guard) = on_duty(&fx);
    let new = NewVisit {
        name: "鑫淼焱".into(),
        id_number: crate::util::valid_id("19850312", 3),
        host: "陈老师".into(),
        purpose: "面试".into(),
        ..Default::default()
    };
    let visit = visits::check_in(&fx.db, &guard, &new).unwrap();
    let row = session.hand_over(&fx.db, &input(&fx, &guard, &supervisor)).unwrap();
    assert_eq!(row.summary.people_inside, vec!["鑫淼焱".to_string()], "the slip shows who is inside");

    let sealed: String = fx.db.read(|c| Ok(c.query_row("SELECT summary FROM handover WHERE id = ?1", [row.id], |r| r.get(0))?)).unwrap();
    assert!(!sealed.contains("鑫淼焱") && sealed.contains(&visit.uid), "the seal holds the visit, not the name: {sealed}");
    let in_chain: i64 = fx.db.read(|c| Ok(c.query_row("SELECT count(*) FROM audit_event WHERE body LIKE '%鑫淼焱%'", [], |r| r.get(0))?)).unwrap();
    assert_eq!(in_chain, 0, "no name in the audit chain");

    let incoming = session.actor(&fx.db).unwrap();
    visits::check_out(&fx.db, &incoming, &CheckOut { visit_id: visit.id, ..Default::default() }).unwrap();
    fx.clock.set_ms(crate::util::T0_MS + 200 * 86_400_000);
    gatehouse::retention::purge_due(&fx.db).unwrap();
    let shown = handover::get(&fx.db, &fx.supervisor(), row.id).unwrap();
    assert_eq!(shown.summary.people_inside, vec![String::new()], "purged: the slip's reprint shows the removed mark");
    assert!(fx.db.read(gatehouse::audit::verify).unwrap().is_ok());
}
