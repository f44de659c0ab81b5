//! Crash and tamper tests through the `gatehouse` CLI: SIGKILL in the middle of check-ins
//! loses nothing that was reported saved; a truncated or fully rewritten chain is caught by
//! a checkpoint file or a handover slip's fingerprint.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use rand::Rng;
use sha2::{Digest, Sha256};

use crate::util::{Fixture, SUPERVISOR_PIN};

/// `gatehouse --db PATH` with the key file of the fixture that `path` belongs to.
fn gatehouse(path: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    command.env_remove("GATEHOUSE_DB").env("GATEHOUSE_KEY_FILE", crate::util::keys_in(path.parent().unwrap()).path()).arg("--db").arg(path);
    command
}

fn verify(path: &std::path::Path, extra: &[&str]) -> (Option<i32>, String) {
    let out = gatehouse(path).arg("verify").args(extra).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn fifty_sigkills_during_check_ins_lose_nothing_reported_saved() {
    let fx = Fixture::new();
    let path = fx.path();
    drop(fx.db);
    let mut saved = Vec::new();
    let mut rng = rand::thread_rng();
    for _ in 0..50 {
        let mut child =
            gatehouse(&path).args(["stress", "--visits", "1000000", "--pin", SUPERVISOR_PIN]).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        // The kill falls 60-400 ms into the check-ins, counted from the first one reported
        // saved: the start before it (open, the PIN's Argon2id hash at log-in) is no part of
        // what is tested, and its length depends on the build and the machine.
        let (first_tx, first_rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut lines = Vec::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines.is_empty() {
                    let _ = first_tx.send(());
                }
                lines.push(line);
            }
            lines
        });
        let _ = first_rx.recv_timeout(Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(rng.gen_range(60..400)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        saved.extend(reader.join().unwrap());
    }
    assert!(saved.len() > 50, "the stress runs saved only {} visits", saved.len());
    let conn = crate::util::raw(&path, &fx.keys);
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    let mut stmt = conn.prepare("SELECT EXISTS (SELECT 1 FROM visit WHERE uid = ?1)").unwrap();
    let lost: Vec<&String> = saved.iter().filter(|uid| !stmt.query_row([uid.as_str()], |r| r.get::<_, bool>(0)).unwrap()).collect();
    assert!(lost.is_empty(), "{} visits reported saved are missing, e.g. {:?}", lost.len(), lost.first());
    let (code, stdout) = verify(&path, &[]);
    assert_eq!(code, Some(0), "{stdout}");
}

fn failed_logins(fx: &Fixture, count: usize) {
    let id = fx.guard_id("王主管");
    for _ in 0..count {
        let _ = gatehouse::session::Session::new().log_in(&fx.db, id, "000000");
    }
    // Unlock again so later logins in the test work.
    let mut session = gatehouse::session::Session::new();
    let _ = session.log_in(&fx.db, id, SUPERVISOR_PIN);
}

#[test]
fn cutting_the_chain_tail_is_caught_by_the_checkpoint_file() {
    let fx = Fixture::new();
    let checkpoint = fx.dir.path().join("checkpoint.json");
    let arg = checkpoint.to_str().unwrap();
    assert_eq!(verify(&fx.path(), &["--checkpoint", arg]).0, Some(0));
    failed_logins(&fx, 3);
    assert_eq!(verify(&fx.path(), &["--checkpoint", arg]).0, Some(0), "new events after the checkpoint are fine");
    // Failed logins change no record, so only the checkpoint can see them cut away.
    fx.sqlite_around_triggers("DELETE FROM audit_event WHERE seq > (SELECT max(seq) - 2 FROM audit_event);");
    assert_eq!(verify(&fx.path(), &[]).0, Some(0), "a clean cut leaves a consistent chain");
    let (code, stdout) = verify(&fx.path(), &["--checkpoint", arg]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("TAMPERED") && stdout.contains("cut back"), "{stdout}");
}

/// Rewrites every hash from `from_seq` on, as an attacker who knows the algorithm would.
fn rewrite_chain(conn: &rusqlite::Connection, from_seq: i64) {
    let rows: Vec<(i64, String)> = conn
        .prepare("SELECT seq, body FROM audit_event ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut prev = vec![0u8; 32];
    for (seq, body) in rows {
        let body = if seq == from_seq { body.replace("\"detail\":{}", "\"detail\":{\"forged\":1}") } else { body };
        let mut hasher = Sha256::new();
        hasher.update(b"gatehouse/audit/v1");
        hasher.update([0u8]);
        hasher.update((seq as u64).to_be_bytes());
        hasher.update(body.as_bytes());
        hasher.update(&prev);
        let hash = hasher.finalize().to_vec();
        conn.execute("UPDATE audit_event SET body = ?2, prev_hash = ?3, hash = ?4 WHERE seq = ?1", rusqlite::params![seq, body, prev, hash]).unwrap();
        prev = hash;
    }
}

#[test]
fn rewriting_the_whole_chain_is_caught_by_a_printed_fingerprint() {
    let fx = Fixture::new();
    failed_logins(&fx, 2);
    let head = fx.db.read(gatehouse::audit::head).unwrap();
    let fingerprint = format!("{}:{}", head.seq, head.short());
    assert_eq!(verify(&fx.path(), &["--fingerprint", &fingerprint]).0, Some(0));
    crate::util::without_triggers(&fx.conn(), |conn| rewrite_chain(conn, 3));
    assert_eq!(verify(&fx.path(), &[]).0, Some(0), "a full rewrite is internally consistent");
    let (code, stdout) = verify(&fx.path(), &["--fingerprint", &fingerprint]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains(&format!("audit event #{}", head.seq)) && stdout.contains("rewritten"), "{stdout}");
}

#[test]
fn reordering_events_is_caught() {
    let fx = Fixture::new();
    failed_logins(&fx, 2);
    fx.sqlite_around_triggers(
        "UPDATE audit_event SET seq = -1 WHERE seq = 4; UPDATE audit_event SET seq = 4 WHERE seq = 5; UPDATE audit_event SET seq = 5 WHERE seq = -1;",
    );
    let (code, stdout) = verify(&fx.path(), &[]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("audit event #4"), "{stdout}");
}

#[test]
fn demo_and_stress_refuse_a_database_with_records_made_at_a_gate() {
    use gatehouse::visits::{self, NewVisit};
    use gatehouse::ErrorCode;
    let fx = Fixture::new();
    let supervisor = fx.supervisor();
    // A demo database, and one that also holds stress check-ins, takes more of both.
    gatehouse::demo::generate(&fx.db, &supervisor, 40, 5, 1).unwrap();
    let path = fx.path();
    let stress = |path: &std::path::Path| gatehouse(path).args(["stress", "--visits", "2", "--pin", SUPERVISOR_PIN]).output().unwrap();
    assert!(stress(&path).status.success());
    gatehouse::demo::generate(&fx.db, &supervisor, 40, 5, 2).unwrap();

    // One visitor registered at the desk makes it a gate's database.
    let guard = fx.guard();
    let new = NewVisit {
        name: "张伟".into(),
        id_number: crate::util::valid_id("19900307", 123),
        host: "陈老师".into(),
        purpose: "家长会".into(),
        ..Default::default()
    };
    visits::check_in(&fx.db, &guard, &new).unwrap();
    let err = gatehouse::demo::generate(&fx.db, &supervisor, 40, 5, 3).unwrap_err();
    assert_eq!(err.code(), ErrorCode::DemoOnLiveDatabase);
    assert_eq!((err.params().get("kind").map(String::as_str), err.params().get("count").map(String::as_str)), (Some("visits"), Some("1")));
    let (visits_before, _) = fx.counts("visit");
    let out = stress(&path);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds records made at a gate (visits: 1)"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = gatehouse(&path).args(["demo", "--visits", "10", "--pin", SUPERVISOR_PIN]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(fx.counts("visit").0, visits_before, "no visit was added");
}
