//! The audit chain: every write is chained, and any change made behind Gatehouse's back is
//! caught by `audit::verify` and named.

use gatehouse::audit;
use gatehouse::visits::{self, CheckOut, NewVisit};

use crate::util::{valid_id, Fixture};

fn fixture_with_visits() -> (Fixture, Vec<i64>) {
    let fx = Fixture::new();
    let guard = fx.guard();
    let ids = ["张伟", "李娜", "王芳"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let new = NewVisit {
                name: (*name).into(),
                id_number: valid_id("19850101", i as u32),
                host: "陈老师".into(),
                purpose: "送材料".into(),
                ..Default::default()
            };
            visits::check_in(&fx.db, &guard, &new).unwrap().id
        })
        .collect();
    (fx, ids)
}

fn problem(fx: &Fixture) -> audit::Problem {
    // Re-open so nothing cached hides the change.
    let db = fx.reopen();
    db.read(audit::verify).unwrap().expect_err("tampering is caught")
}

#[test]
fn an_untouched_database_verifies() {
    let (fx, _) = fixture_with_visits();
    let report = fx.db.read(audit::verify).unwrap().unwrap();
    // site + supervisor + 10 default checklist items + guard + the guard's first watch at the
    // desk + 3 visits = 17 records.
    assert_eq!(report.records, 17);
    assert!(report.events >= 6);
    assert_eq!(report.head.short().len(), 16);
}

#[test]
fn editing_a_visit_row_is_caught_and_named() {
    let (fx, ids) = fixture_with_visits();
    fx.sqlite(&format!("UPDATE visit SET host = '别人' WHERE id = {}", ids[1]));
    let p = problem(&fx);
    assert!(p.record.starts_with("visit ") && p.record.ends_with(&format!("(id {})", ids[1])), "{p}");
    assert!(p.reason.contains("`host`"), "{p}");
}

#[test]
fn editing_personal_data_is_caught_through_the_commitment() {
    let (fx, ids) = fixture_with_visits();
    fx.sqlite(&format!("UPDATE visit SET name = '假名' WHERE id = {}", ids[0]));
    let p = problem(&fx);
    assert!(p.record.ends_with(&format!("(id {})", ids[0])) && p.reason.contains("personal data"), "{p}");
}

#[test]
fn a_purge_of_personal_data_with_its_salt_still_verifies() {
    let (fx, ids) = fixture_with_visits();
    fx.sqlite(&format!("UPDATE visit SET name = NULL, id_number = NULL, pii_salt = NULL WHERE id = {}", ids[0]));
    assert!(fx.db.read(audit::verify).unwrap().is_ok());
}

#[test]
fn deleting_a_visit_row_is_caught() {
    let (fx, ids) = fixture_with_visits();
    fx.sqlite(&format!("DELETE FROM visit WHERE id = {}", ids[2]));
    let p = problem(&fx);
    assert!(p.record.starts_with("visit ") && p.reason.contains("deleted"), "{p}");
}

#[test]
fn a_row_inserted_outside_gatehouse_is_caught() {
    let (fx, _) = fixture_with_visits();
    fx.sqlite(
        "INSERT INTO visit (uid, name, id_number, pii_commitment, host, purpose, checked_in_at_ms, checked_in_by)
         VALUES ('forged', 'x', 'y', 'z', 'h', 'p', 0, 1)",
    );
    let p = problem(&fx);
    assert!(p.record.contains("forged") && p.reason.contains("no audit event"), "{p}");
}

#[test]
fn promoting_a_guard_behind_the_chain_is_caught() {
    let (fx, _) = fixture_with_visits();
    fx.sqlite("UPDATE guard SET role = 'supervisor' WHERE name = '李保安'");
    let p = problem(&fx);
    assert!(p.record.starts_with("guard ") && p.reason.contains("`role`"), "{p}");
}

#[test]
fn swapping_a_pin_hash_behind_the_chain_is_caught() {
    let (fx, _) = fixture_with_visits();
    // The supervisor's hash (whose PIN the intruder knows, say) copied onto the guard's row.
    fx.sqlite("UPDATE guard SET pin_hash = (SELECT pin_hash FROM guard WHERE name = '王主管') WHERE name = '李保安'");
    let p = problem(&fx);
    assert!(p.record.starts_with("guard ") && p.reason.contains("`pin_hash`"), "{p}");
}

#[test]
fn swapping_a_pin_hash_with_its_digest_is_caught() {
    let (fx, _) = fixture_with_visits();
    fx.sqlite(
        "UPDATE guard SET (pin_hash, pin_hash_sha256) = (SELECT pin_hash, pin_hash_sha256 FROM guard WHERE name = '王主管')
         WHERE name = '李保安'",
    );
    let p = problem(&fx);
    assert!(p.record.starts_with("guard ") && p.reason.contains("`pin_hash_sha256`"), "{p}");
}

#[test]
fn clearing_a_pin_digest_does_not_get_a_swapped_hash_recommitted_at_open() {
    // A NULL digest is what a database from before schema 10 has; the one-time fix-up at
    // open must not take a row changed behind the chain for one and snapshot it afresh.
    let (fx, _) = fixture_with_visits();
    let events = |fx: &Fixture| -> i64 { fx.db.read(|c| Ok(c.query_row("SELECT count(*) FROM audit_event", [], |r| r.get(0))?)).unwrap() };
    let before = events(&fx);
    fx.sqlite(
        "UPDATE guard SET pin_hash = (SELECT pin_hash FROM guard WHERE name = '王主管'), pin_hash_sha256 = NULL
         WHERE name = '李保安'",
    );
    let p = problem(&fx);
    assert!(p.record.starts_with("guard ") && p.reason.contains("`pin_hash_sha256`"), "{p}");
    assert_eq!(events(&fx), before, "nothing was appended for it");
}

#[test]
fn events_are_sealed_by_triggers() {
    let (fx, _) = fixture_with_visits();
    let conn = fx.conn();
    assert!(conn.execute("UPDATE audit_event SET action = 'x' WHERE seq = 1", []).is_err());
    assert!(conn.execute("DELETE FROM audit_event WHERE seq = 1", []).is_err());
}

#[test]
fn rewriting_an_event_body_is_caught_even_without_triggers() {
    let (fx, _) = fixture_with_visits();
    fx.sqlite_around_triggers("UPDATE audit_event SET body = replace(body, '\"at\":', '\"at\":1') WHERE seq = 5;");
    let p = problem(&fx);
    assert_eq!(p.record, "audit event #5", "{p}");
}

#[test]
fn deleting_an_event_in_the_middle_is_caught() {
    let (fx, _) = fixture_with_visits();
    fx.sqlite_around_triggers("DELETE FROM audit_event WHERE seq = 3;");
    let p = problem(&fx);
    assert_eq!(p.record, "audit event #3", "{p}");
}

#[test]
fn every_write_appends_exactly_one_record_event() {
    let fx = Fixture::new();
    let guard = fx.guard();
    let before = fx.db.read(audit::head).unwrap().seq;
    let new = NewVisit { name: "张伟".into(), id_number: valid_id("19900307", 1), host: "陈老师".into(), purpose: "面试".into(), ..Default::default() };
    let row = visits::check_in(&fx.db, &guard, &new).unwrap();
    visits::check_out(&fx.db, &guard, &CheckOut { visit_id: row.id, ..Default::default() }).unwrap();
    let events: Vec<String> = fx
        .db
        .read(|c| {
            let mut stmt = c.prepare("SELECT action FROM audit_event WHERE seq > ?1 ORDER BY seq")?;
            let rows = stmt.query_map([before], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
        .unwrap();
    assert_eq!(events, vec!["visit_checked_in", "visit_checked_out"]);
    // Personal data never enters the chain.
    let leaked: i64 = fx
        .db
        .read(|c| Ok(c.query_row("SELECT count(*) FROM audit_event WHERE body LIKE '%张伟%' OR body LIKE ?1", [format!("%{}%", new.id_number)], |r| r.get(0))?))
        .unwrap();
    assert_eq!(leaked, 0);
}
