//! Test helpers: a fresh, set-up database on a fixed clock, and valid synthetic IDs.

use gatehouse::actor::{Actor, Role};
use gatehouse::guards::{self, NewGuard};
use gatehouse::session::Session;
use gatehouse::site::{self, SiteSetup};
use gatehouse::validate::cn_id;
use gatehouse::{Clock, Db, KeyFile};

/// 2026-11-28 10:00 in China (UTC+8).
pub const T0_MS: i64 = 1_795_831_200_000;
pub const SUPERVISOR_PIN: &str = "246810";
pub const GUARD_PIN: &str = "135790";

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub db: Db,
    pub clock: Clock,
    /// This PC's key file (in the fixture's temp dir, standing in for ~/.config).
    pub keys: KeyFile,
}

/// A key file in `dir` (standing in for ~/.config/gatehouse/database.key).
pub fn keys_in(dir: &std::path::Path) -> KeyFile {
    KeyFile::at(dir.join("config/database.key"))
}

/// A connection to the database at `path` unlocked with the key in `keys`: what a tool
/// that tampers with the file (or reads it behind the app) must do.
pub fn raw(path: &std::path::Path, keys: &KeyFile) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "key", keys.load().unwrap().pragma_value()).unwrap();
    conn
}

impl Fixture {
    /// A database set up with site 示例学校 / 东门 and supervisor 王主管.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = Clock::fixed(T0_MS);
        let keys = keys_in(dir.path());
        let db = Db::open(dir.path().join("gatehouse.db"), clock.clone(), &keys).expect("open");
        site::set_up(&db, &SiteSetup { site_name: "示例学校".into(), gate_name: "东门".into(), supervisor_name: "王主管".into(), pin: SUPERVISOR_PIN.into() })
            .expect("setup");
        Fixture { dir, db, clock, keys }
    }

    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("gatehouse.db")
    }

    pub fn guard_id(&self, name: &str) -> i64 {
        guards::list_login_guards(&self.db).unwrap().into_iter().find(|g| g.name == name).expect("guard exists").id
    }

    /// Logs in and returns the actor (whoever is on duty: the core's functions take any
    /// logged-in guard; only the session keeps a guard who must take over from the desk).
    pub fn log_in(&self, name: &str, pin: &str) -> Actor {
        let mut session = Session::new();
        session.log_in(&self.db, self.guard_id(name), pin).expect("login");
        session.handover_actor(&self.db).expect("actor")
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

    /// 王主管 confirms the PC's date (`clock_trust`): needed after a test moves the clock
    /// more than a day past the last retention run.
    pub fn confirm_date(&self) {
        let approval =
            gatehouse::guards::SupervisorOverride {
                supervisor_id: self.guard_id("王主管"), pin: SUPERVISOR_PIN.into(), reason: "已与手机网络时间核对".into()
            };
        gatehouse::clock_trust::confirm_date(&self.db, &self.supervisor(), &approval).unwrap();
    }

    pub fn sqlite(&self, sql: &str) {
        self.conn().execute_batch(sql).unwrap();
    }

    /// Runs `sql` behind the app's back as a skilled attacker with the key would: every
    /// trigger dropped first and re-created after, so the schema is ours again and only the
    /// chain can tell.
    pub fn sqlite_around_triggers(&self, sql: &str) {
        without_triggers(&self.conn(), |conn| conn.execute_batch(sql).unwrap());
    }

    /// Rows in `table` and events in the chain: what a refused import must leave unchanged
    /// (and a successful one may add to).
    pub fn counts(&self, table: &str) -> (i64, i64) {
        self.db
            .read(|c| {
                let rows = c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
                let events = c.query_row("SELECT count(*) FROM audit_event", [], |r| r.get(0))?;
                Ok((rows, events))
            })
            .unwrap()
    }

    /// A second connection to the database, unlocked with its key (behind the app's back).
    pub fn conn(&self) -> rusqlite::Connection {
        raw(&self.path(), &self.keys)
    }

    /// The database opened again, as the app does at its next start.
    pub fn reopen(&self) -> Db {
        Db::open(self.path(), self.clock.clone(), &self.keys).unwrap()
    }
}

/// Every page of an SQLCipher 4 database file decrypted with the key in `keys` (free pages
/// included), as an attacker holding the key would read the raw file. The format with a raw
/// key: 4096-byte pages, AES-256-CBC with the key itself, each page's IV in the 16 bytes
/// after its content, 80 reserved bytes (IV and HMAC) at the end of each page, and the
/// file's 16-byte salt in place of page 1's first 16 bytes.
pub fn decrypted_pages(path: &std::path::Path, keys: &KeyFile) -> Vec<u8> {
    use aes::cipher::{BlockDecryptMut, KeyIvInit};
    const PAGE: usize = 4096;
    const RESERVED: usize = 80;
    let key_hex = keys.load().unwrap().pragma_value();
    let key = hex::decode(key_hex.trim_start_matches("x'").trim_end_matches('\'')).unwrap();
    let file = std::fs::read(path).unwrap();
    assert_eq!(file.len() % PAGE, 0, "whole pages");
    let mut out = Vec::with_capacity(file.len());
    for (index, page) in file.chunks(PAGE).enumerate() {
        let start = if index == 0 { 16 } else { 0 };
        let mut content = page[start..PAGE - RESERVED].to_vec();
        let iv = &page[PAGE - RESERVED..PAGE - RESERVED + 16];
        cbc::Decryptor::<aes::Aes256>::new_from_slices(&key, iv).unwrap().decrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(&mut content).unwrap();
        out.extend_from_slice(&content);
    }
    out
}

/// Runs `f` with every trigger of the database dropped, then re-creates them as they were.
pub fn without_triggers(conn: &rusqlite::Connection, f: impl FnOnce(&rusqlite::Connection)) {
    let triggers: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (name, _) in &triggers {
        conn.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
    }
    f(conn);
    for (_, sql) in &triggers {
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
        reported_at_ms: None,
        severity: None,
        incident_category: None,
        spot_check_by: None,
        spot_check_mode: None,
        spot_check_supervisor_id: None,
        spot_check_pin: None,
        replacement_guard: None,
        replacement_from_ms: None,
        replacement_to_ms: None,
        patrol_stops: vec![],
        follow_up: None,
        closes_item_id: None,
    }
}
