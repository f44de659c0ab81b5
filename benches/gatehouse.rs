//! `make bench`: the figures the issues ask for, measured on this machine, printed as one
//! table and written to `target/bench.json`. Timings go here, never into tests.
//!
//! Each figure runs through the same core calls the app makes, on a real file with the
//! house pragmas (`synchronous=FULL`).

use std::time::{Duration, Instant};

use gatehouse::guards::{self, Actor};
use gatehouse::session::Session;
use gatehouse::site::{self, SiteSetup};
use gatehouse::validate::cn_id;
use gatehouse::visits::{self, CheckOut, NewVisit};
use gatehouse::{Clock, Db};

const CHECK_INS: usize = 1_000;
const SCANS: usize = 10_000;

struct Figure {
    name: &'static str,
    value: String,
    target: &'static str,
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn synthetic_id(i: usize) -> String {
    let first17 = format!("110101{}{:02}{:02}{:03}", 1960 + i % 40, 1 + i % 12, 1 + i % 28, i % 1000);
    format!("{first17}{}", cn_id::check_char(&first17).expect("17 digits"))
}

fn log_in(db: &Db) -> Actor {
    let mut session = Session::new();
    let id = guards::list_login_guards(db).expect("guards")[0].id;
    session.log_in(db, id, "246810").expect("login");
    session.actor(db).expect("actor")
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let mut figures = Vec::new();

    let started = Instant::now();
    let db = Db::open(&path, Clock::System).expect("open");
    figures.push(Figure { name: "database open + migrate (new file)", value: ms(started.elapsed()), target: "" });
    site::set_up(&db, &SiteSetup { site_name: "基准学校".into(), gate_name: "东门".into(), supervisor_name: "王主管".into(), pin: "246810".into() })
        .expect("setup");
    let actor = log_in(&db);

    // The floor under every figure below: one empty write transaction, i.e. one fsync.
    let mut empty = Vec::with_capacity(200);
    for _ in 0..200 {
        let t = Instant::now();
        db.write(|_| Ok(())).expect("empty write");
        empty.push(t.elapsed());
    }
    figures.push(Figure { name: "empty write commit p50 (the fsync floor)", value: ms(percentile(&mut empty, 0.50)), target: "" });
    figures.push(Figure { name: "empty write commit p99", value: ms(percentile(&mut empty, 0.99)), target: "" });

    let mut check_ins = Vec::with_capacity(CHECK_INS);
    let mut ids = Vec::with_capacity(CHECK_INS);
    for i in 0..CHECK_INS {
        let new = NewVisit {
            name: "张伟".into(),
            id_number: synthetic_id(i),
            host: "陈老师".into(),
            purpose: "家长会".into(),
            phone: Some("13812345678".into()),
            ..Default::default()
        };
        let t = Instant::now();
        let row = visits::check_in(&db, &actor, &new).expect("check-in");
        check_ins.push(t.elapsed());
        ids.push(row.id);
    }
    let mut check_outs = Vec::with_capacity(CHECK_INS);
    for id in ids {
        let t = Instant::now();
        visits::check_out(&db, &actor, &CheckOut { visit_id: id, ..Default::default() }).expect("check-out");
        check_outs.push(t.elapsed());
    }
    figures.push(Figure { name: "check-in commit p50 (1,000, synchronous=FULL)", value: ms(percentile(&mut check_ins, 0.50)), target: "" });
    figures.push(Figure { name: "check-in commit p99", value: ms(percentile(&mut check_ins, 0.99)), target: "< 10 ms" });
    figures.push(Figure { name: "check-out commit p50", value: ms(percentile(&mut check_outs, 0.50)), target: "" });
    figures.push(Figure { name: "check-out commit p99", value: ms(percentile(&mut check_outs, 0.99)), target: "" });

    // Pass scans: decode + signature + revocation + anti-passback + the log write, as at the gate.
    let pass = gatehouse::passes::NewPass {
        holder_name: "张伟".into(),
        department: "计算机学院".into(),
        valid_from_ms: chrono::Utc::now().timestamp_millis() - 86_400_000,
        valid_to_ms: chrono::Utc::now().timestamp_millis() + 86_400_000,
        approved_by: "学工处".into(),
        ..Default::default()
    };
    let card = gatehouse::passes::issue(&db, &actor, &pass).expect("issue");
    let mut scans = Vec::with_capacity(SCANS);
    for i in 0..SCANS {
        let direction = if i % 2 == 0 { gatehouse::passes::scan::Direction::In } else { gatehouse::passes::scan::Direction::Out };
        let t = Instant::now();
        let result = gatehouse::passes::scan::scan(&db, &actor, &card.code, direction).expect("scan");
        scans.push(t.elapsed());
        assert!(result.accepted, "scan {i} refused: {:?}", result.outcome);
    }
    figures.push(Figure { name: "pass scan verify + log p50 (10,000)", value: ms(percentile(&mut scans, 0.50)), target: "" });
    figures.push(Figure { name: "pass scan verify + log p99", value: ms(percentile(&mut scans, 0.99)), target: "< 5 ms" });
    let t = Instant::now();
    let png = gatehouse::passes::qr_png(&card.code, 6).expect("qr");
    figures.push(Figure { name: "pass QR render (PNG)", value: format!("{} ({} bytes)", ms(t.elapsed()), png.len()), target: "" });

    let t = Instant::now();
    let report = db.read(gatehouse::audit::verify).expect("verify").expect("sound");
    figures.push(Figure { name: "verify chain + records (1,000 visits, 10,000 scans)", value: format!("{} ({} events)", ms(t.elapsed()), report.events), target: "" });

    println!("{:<48} {:>22}  {}", "figure", "value", "target");
    for f in &figures {
        println!("{:<48} {:>22}  {}", f.name, f.value, f.target);
    }
    let json: Vec<serde_json::Value> =
        figures.iter().map(|f| serde_json::json!({ "figure": f.name, "value": f.value, "target": f.target })).collect();
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("bench.json");
    if std::fs::write(&out, serde_json::to_string_pretty(&json).unwrap_or_default()).is_ok() {
        println!("written to {}", out.display());
    }
}
