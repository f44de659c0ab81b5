//! Test helpers: a fresh, set-up database on a fixed clock, and valid synthetic IDs.

use gatehouse::guards::{self, Actor, NewGuard, Role};
use gatehouse::session::Session;
use gatehouse::site::{self, SiteSetup};
use gatehouse::validate::cn_id;
use gatehouse::{Clock, Db};

/// 2026-11-28 10:00 in China (UTC+8).
pub const T0_MS: i64 = 1_795_831_200_000;
pub const SUPERVISOR_PIN: &str = "246810";
pub const GUARD_PIN: &str = "135790";

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub db: Db,
    pub clock: Clock,
}

impl Fixture {
    /// A database set up with site 示例学校 / 东门 and supervisor 王主管.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = Clock::fixed(T0_MS);
        let db = Db::open(dir.path().join("gatehouse.db"), clock.clone()).expect("open");
        site::set_up(
            &db,
            &SiteSetup {
                site_name: "示例学校".into(),
                gate_name: "东门".into(),
                supervisor_name: "王主管".into(),
                pin: SUPERVISOR_PIN.into(),
            },
        )
        .expect("setup");
        Fixture { dir, db, clock }
    }

    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("gatehouse.db")
    }

    pub fn guard_id(&self, name: &str) -> i64 {
        guards::list_login_guards(&self.db).unwrap().into_iter().find(|g| g.name == name).expect("guard exists").id
    }

    /// Logs in and returns the actor.
    pub fn log_in(&self, name: &str, pin: &str) -> Actor {
        let mut session = Session::new();
        session.log_in(&self.db, self.guard_id(name), pin).expect("login");
        session.actor(&self.db).expect("actor")
    }

    pub fn supervisor(&self) -> Actor {
        self.log_in("王主管", SUPERVISOR_PIN)
    }

    /// Adds guard 李保安 and logs them in.
    pub fn guard(&self) -> Actor {
        let supervisor = self.supervisor();
        if guards::list_login_guards(&self.db).unwrap().iter().all(|g| g.name != "李保安") {
            guards::add_guard(&self.db, &supervisor, &NewGuard { name: "李保安".into(), role: Role::Guard, pin: GUARD_PIN.into() }).unwrap();
        }
        self.log_in("李保安", GUARD_PIN)
    }

    pub fn sqlite(&self, sql: &str) {
        let conn = rusqlite::Connection::open(self.path()).unwrap();
        conn.execute_batch(sql).unwrap();
    }
}

/// A valid synthetic 18-digit ID number: Beijing Dongcheng, born `yyyymmdd`, sequence `seq`.
pub fn valid_id(yyyymmdd: &str, seq: u32) -> String {
    let first17 = format!("110101{yyyymmdd}{seq:03}");
    format!("{first17}{}", cn_id::check_char(&first17).unwrap())
}

/// A PNG of a drawing pad with a zig-zag stroke across it (a stand-in for a signature).
pub fn drawn_signature(seed: u32) -> Vec<u8> {
    let (width, height) = (600u32, 200u32);
    let mut pad = image::RgbaImage::from_pixel(width, height, image::Rgba([255, 255, 255, 255]));
    for x in 30..width - 30 {
        let y = height / 2 + ((x as f32 / (7.0 + seed as f32)).sin() * 60.0) as u32;
        for dy in 0..3 {
            pad.put_pixel(x, (y + dy).min(height - 1), image::Rgba([10, 10, 40, 255]));
        }
    }
    let mut out = Vec::new();
    pad.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

/// A duty-log entry of `kind` with `text` and nothing else filled in (set the rest with
/// `NewEntry { place: ..., ..duty_entry(kind, text) }`).
pub fn duty_entry(kind: gatehouse::duty::EntryKind, text: &str) -> gatehouse::duty::NewEntry {
    gatehouse::duty::NewEntry {
        kind,
        occurred_at_ms: None,
        place: None,
        text: text.into(),
        reported_to: None,
        severity: None,
        spot_check_by: None,
        spot_check_mode: None,
        replacement_guard: None,
        replacement_from_ms: None,
        replacement_to_ms: None,
        patrol_stops: vec![],
        follow_up: None,
        closes_item_id: None,
    }
}
