//! Synthetic demo data for trying the app and for benchmarks: Chinese names, valid ID
//! numbers, phones, hosts, plates, duty entries and passes, spread over the last months.
//!
//! Everything is generated (a seeded RNG), never real people. Records go through the same
//! tables and audit chain as the app's, in large transactions so a million visits take
//! minutes, not hours. Must not: run on a database in use at a gate (the CLI says so).
//! Called by: the CLI (`gatehouse demo`), `make bench`.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::catalogue;
use crate::db::{Db, Tx};
use crate::error::Result;
use crate::guards;
use crate::pii;
use crate::search::{self, SearchKind};
use crate::validate::cn_id;
use crate::{passes, site, staff};

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许",
    "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "欧阳",
    "司马",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "华", "飞", "玉兰",
    "建华", "建国", "红", "鹏", "辉", "婷", "雪", "琳", "晨", "宇", "浩", "欣", "佳", "子涵", "思远", "梓轩", "雨桐",
];
const PURPOSES: &[&str] = &["公务", "送货", "施工维修", "探访", "面试", "家长会", "送材料", "参观", "快递"];
const ORGANISATIONS: &[&str] = &["示例物流", "示例建筑公司", "示例快递", "示例电力", "示例设备厂", "个人"];
const PROVINCES: &[&str] = &["110101", "310104", "440106", "510107", "330106", "320102", "420102", "610113"];
const PLATE_HEADS: &[&str] = &["京A", "沪B", "粤A", "川A", "浙A", "苏A", "鄂A", "陕A"];
const HOSTS: &[(&str, &str, &str)] = &[
    ("陈老师", "教务处", "8001"),
    ("李主任", "总务处", "8002"),
    ("王老师", "学生处", "8003"),
    ("赵校长", "校长办公室", "8000"),
    ("刘会计", "财务处", "8005"),
    ("孙工", "后勤处", "8006"),
];

/// What `generate` made.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub visits: u64,
    pub staff: u64,
    pub vehicles: u64,
    pub pickups: u64,
    pub duty_entries: u64,
    pub passes: u64,
    pub pass_scans: u64,
}

/// Per 1,000 visits: vehicle visits (with plates), kindergarten pick-ups, duty entries; and
/// one pass per `VISITS_PER_PASS` visits (at most `MAX_PASSES`).
const VEHICLES_PER_1000: u64 = 100;
const PICKUPS_PER_1000: u64 = 30;
const DUTY_PER_1000: u64 = 20;
const VISITS_PER_PASS: u64 = 200;
const MAX_PASSES: u64 = 2_000;
const CLASSES: &[&str] = &["小一班", "小二班", "中一班", "中二班", "大一班", "大二班"];
const RELATIONS: &[&str] = &["父亲", "母亲", "祖父", "祖母", "外公", "外婆"];
const TEACHERS: &[&str] = &["周老师", "吴老师", "郑老师"];
const VEHICLE_TYPES: &[&str] = &["car", "van", "truck", "car", "car"];
const PLACES: &[&str] = &["东门", "教学楼", "实验楼", "配电房", "食堂", "操场", "图书馆"];
const DUTY_TEXTS: &[(&str, &str)] = &[
    ("patrol", "巡查重点部位，门窗完好，无异常"),
    ("incident", "发现可疑人员在围墙外徘徊，已劝离并报告"),
    ("call", "接到家长电话询问接送时间，已答复"),
    ("equipment_check", "检查监控与门禁设备，运行正常"),
    ("other", "快递集中到达，协助登记分发"),
];

fn name(rng: &mut StdRng) -> String {
    let given = if rng.gen_bool(0.4) {
        format!("{}{}", GIVEN[rng.gen_range(0..GIVEN.len())], GIVEN[rng.gen_range(0..GIVEN.len())])
    } else {
        GIVEN[rng.gen_range(0..GIVEN.len())].to_string()
    };
    let full = format!("{}{}", SURNAMES[rng.gen_range(0..SURNAMES.len())], given);
    full.chars().take(4).collect()
}

fn id_number(rng: &mut StdRng) -> String {
    let first17 = format!(
        "{}{}{:02}{:02}{:03}",
        PROVINCES[rng.gen_range(0..PROVINCES.len())],
        rng.gen_range(1955..2005),
        rng.gen_range(1..=12),
        rng.gen_range(1..=28),
        rng.gen_range(0..1000)
    );
    let check = cn_id::check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

fn phone(rng: &mut StdRng) -> String {
    format!("1{}{:09}", rng.gen_range(3..=9), rng.gen_range(0..1_000_000_000u64))
}

fn plate(rng: &mut StdRng) -> String {
    const SERIAL: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let tail: String = (0..5).map(|_| SERIAL[rng.gen_range(0..SERIAL.len())] as char).collect();
    format!("{}{tail}", PLATE_HEADS[rng.gen_range(0..PLATE_HEADS.len())])
}

/// Fills `db` with `visits` synthetic visits over the last `days` days (all checked out
/// but the last few dozen), plus the staff directory they visit. Supervisor only.
pub fn generate(db: &Db, actor: &Actor, visits: u64, days: i64, seed: u64) -> Result<DemoReport> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Supervisor)?;
        refuse_live_database(conn)
    })?;
    let mut rng = StdRng::seed_from_u64(seed);
    // Companions' names and passengers (added later) come from a generator of their own.
    let mut party = StdRng::seed_from_u64(seed.wrapping_add(1));
    let mut report = DemoReport::default();
    for (name, department, extension) in HOSTS {
        let new = staff::NewStaff { name: (*name).into(), department: (*department).into(), extension: (*extension).into() };
        if staff::add(db, actor, &new).is_ok() {
            report.staff += 1;
        }
    }
    let host_ids: Vec<i64> =
        db.read(|c| Ok(c.prepare("SELECT id FROM staff WHERE active = 1")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?))?;
    let now = db.clock().now_ms();
    let span = days.max(1) * 86_400_000;
    const BATCH: u64 = 5_000;
    let start_hour = db.read(|c| Ok(site::read_settings(c)?.duty_day_start_hour))?;
    let mut counts = (0, 0, 0);
    let mut done = 0;
    while done < visits {
        let batch = BATCH.min(visits - done);
        db.write(|tx| {
            for i in 0..batch {
                let index = done + i;
                // Oldest first; the newest few dozen are still on site.
                let at = now - span + (span * index as i64) / visits.max(1) as i64 + rng.gen_range(0..60_000);
                let still_inside = visits - index <= 30;
                let name = name(&mut rng);
                let id_number = id_number(&mut rng);
                let phone = phone(&mut rng);
                let salt = pii::new_salt();
                let host_id = host_ids.get(rng.gen_range(0..host_ids.len().max(1))).copied();
                let host: String = match host_id {
                    Some(id) => tx.query_row("SELECT name FROM staff WHERE id = ?1", [id], |r| r.get(0))?,
                    None => "值班室".into(),
                };
                let out_at = (!still_inside).then(|| at + rng.gen_range(10..240) * 60_000);
                // Drawn in the order the first demo drew them, so a seed's data stays the same.
                let organisation = ORGANISATIONS[rng.gen_range(0..ORGANISATIONS.len())];
                let purpose = PURPOSES[rng.gen_range(0..PURPOSES.len())];
                let companions: i64 = rng.gen_range(0..3);
                let plate = rng.gen_bool(0.2).then(|| plate(&mut rng));
                // Half the companions are named, from a generator of their own (added later).
                let companion_names =
                    (companions > 0 && party.gen_bool(0.5)).then(|| (0..companions).map(|_| self::name(&mut party)).collect::<Vec<_>>().join("、"));
                let commitment = pii::commitment(
                    &salt,
                    &[("name", Some(&name)), ("id_number", Some(&id_number)), ("phone", Some(&phone)), ("companion_names", companion_names.as_deref())],
                );
                tx.execute(
                    "INSERT INTO visit (uid, name, doc_type, id_number, phone, pii_salt, pii_commitment, organisation, host, host_staff_id, purpose,
                         companions, companion_names, plate, checked_in_at_ms, checked_in_by, checked_out_at_ms, checked_out_by)
                     VALUES (?1, ?2, 'resident_id', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                    rusqlite::params![
                        uuid::Uuid::now_v7().to_string(),
                        name,
                        id_number,
                        phone,
                        salt,
                        commitment,
                        organisation,
                        host,
                        host_id,
                        purpose,
                        companions,
                        companion_names,
                        plate,
                        at,
                        actor.guard_id,
                        out_at,
                        out_at.map(|_| actor.guard_id),
                    ],
                )?;
                let id = tx.last_insert_rowid();
                audit::record_change(tx, &catalogue::VISIT, id, Event::new("demo_visit_generated", Some(actor)))?;
                search::index_new(tx, SearchKind::Visit, id)?;
                // The other records at the same moment, so index order stays time order.
                if per_1000(index, VEHICLES_PER_1000) {
                    vehicle(tx, actor, &mut rng, party.gen_range(0..4), at, still_inside)?;
                    counts.0 += 1;
                }
                if per_1000(index, PICKUPS_PER_1000) {
                    pickup(tx, actor, &mut rng, at)?;
                    counts.1 += 1;
                }
                if per_1000(index, DUTY_PER_1000) {
                    duty_entry(tx, actor, &mut rng, at, &db.clock().duty_day(at, start_hour).format("%Y-%m-%d").to_string())?;
                    counts.2 += 1;
                }
            }
            Ok(())
        })?;
        done += batch;
        report.visits = done;
    }
    (report.vehicles, report.pickups, report.duty_entries) = counts;
    // Passes are issued now (their issue time is the transaction's), after everything older.
    let pass_count = (visits / VISITS_PER_PASS).min(MAX_PASSES);
    let today = db.clock().local(now).date_naive();
    let mut made = 0;
    while made < pass_count {
        let batch = 500.min(pass_count - made);
        db.write(|tx| {
            for _ in 0..batch {
                let new = passes::NewPass {
                    kind: passes::PassKind::HolidayResident,
                    holder_name: name(&mut rng),
                    department: CLASSES[rng.gen_range(0..CLASSES.len())].into(),
                    phone: Some(phone(&mut rng)),
                    id_number: Some(id_number(&mut rng)),
                    valid_from_ms: now - 86_400_000,
                    valid_to_ms: now + 30 * 86_400_000,
                    approved_by: "学工处".into(),
                    ..Default::default()
                };
                let valid = passes::validate_new(&new, today)?;
                passes::insert(tx, actor, &valid)?;
                // Passes are issued the desk's way; this event tells them from a desk's.
                audit::append(tx, Event::new("demo_pass_generated", Some(actor)))?;
            }
            Ok(())
        })?;
        made += batch;
    }
    report.passes = made;
    report.pass_scans = scan_some_passes(db, actor, DEMO_PASS_SCANS)?;
    db.write(|tx| search::optimise(tx))?;
    Ok(report)
}

/// How many of the demo's passes are scanned at the gate (some of them out again).
const DEMO_PASS_SCANS: u64 = 30;

/// Scans the first `count` passes in at the gate, the desk's way, and every third one out
/// again, starting with the first: the gate scans both ways, so holders inside are counted.
fn scan_some_passes(db: &Db, actor: &Actor, count: u64) -> Result<u64> {
    use crate::passes::scan::{self, Direction};
    let codes: Vec<String> =
        db.read(|c| Ok(c.prepare("SELECT code FROM pass ORDER BY id LIMIT ?1")?.query_map([count as i64], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?))?;
    let mut scans = 0;
    for (i, code) in codes.iter().enumerate() {
        let directions: &[Direction] = if i % 3 == 0 { &[Direction::In, Direction::Out] } else { &[Direction::In] };
        for &direction in directions {
            scan::scan(db, actor, code, direction)?;
            db.write(|tx| audit::append(tx, Event::new("demo_pass_scan_generated", Some(actor))))?;
            scans += 1;
        }
    }
    Ok(scans)
}

/// The name and purpose of the `stress` command's check-ins, which go through the desk's own
/// code: how a later `stress` or `demo` run tells them from a real visitor's.
pub const STRESS_MARK: &str = "压力测试";

/// Demo data and stress check-ins go only into a database that holds nothing made at a
/// gate: records are counted per kind, less those the demo (its `demo_*` audit events) or
/// `stress` made. Refuses with `demo_on_live_database`, naming the first kind found.
pub fn refuse_live_database(conn: &rusqlite::Connection) -> Result<()> {
    let made_by_demo = |action: &str| format!("(SELECT count(*) FROM audit_event WHERE action = '{action}')");
    let kinds = [
        ("visits", format!("(SELECT count(*) FROM visit WHERE purpose IS NOT '{STRESS_MARK}') - {}", made_by_demo("demo_visit_generated"))),
        ("vehicle visits", format!("(SELECT count(*) FROM vehicle_visit) - {}", made_by_demo("demo_vehicle_generated"))),
        ("pick-ups", format!("(SELECT count(*) FROM pickup) - {}", made_by_demo("demo_pickup_generated"))),
        ("duty entries", format!("(SELECT count(*) FROM duty_entry) - {}", made_by_demo("demo_duty_entry_generated"))),
        ("passes", format!("(SELECT count(*) FROM pass) - {}", made_by_demo("demo_pass_generated"))),
        ("pass scans", format!("(SELECT count(*) FROM pass_scan) - {}", made_by_demo("demo_pass_scan_generated"))),
        ("handovers", "(SELECT count(*) FROM handover)".into()),
        ("exit permits", "(SELECT count(*) FROM exit_permit)".into()),
        ("deliveries", "(SELECT count(*) FROM delivery)".into()),
        ("watchlist entries", "(SELECT count(*) FROM watchlist)".into()),
        ("authorised pickers", "(SELECT count(*) FROM authorised_picker)".into()),
    ];
    for (kind, sql) in kinds {
        let real: i64 = conn.query_row(&format!("SELECT {sql}"), [], |r| r.get(0))?;
        if real > 0 {
            return Err(crate::error::Error::new(
                crate::error::ErrorCode::DemoOnLiveDatabase,
                format!("this database holds records made at a gate ({kind}: {real}): demo and stress data go only into a new database (gatehouse --db NEW.db init …)"),
            )
            .with_param("kind", kind)
            .with_param("count", real));
        }
    }
    Ok(())
}

/// True for `per_1000` of every 1,000 consecutive indexes, spread evenly.
fn per_1000(index: u64, per_1000: u64) -> bool {
    (index * per_1000) % 1000 < per_1000
}

fn vehicle(tx: &Tx<'_>, actor: &Actor, rng: &mut StdRng, passengers: i64, at: i64, still_inside: bool) -> Result<()> {
    let driver = name(rng);
    let driver_phone = phone(rng);
    let driver_id = id_number(rng);
    let salt = pii::new_salt();
    let commitment = pii::commitment(
        &salt,
        &[("driver_name", Some(&driver)), ("driver_phone", Some(&driver_phone)), ("driver_id_number", Some(&driver_id)), ("photo", None)],
    );
    let out_at = (!still_inside).then(|| at + rng.gen_range(5..180) * 60_000);
    tx.execute(
        "INSERT INTO vehicle_visit (uid, plate, plate_kind, vehicle_type, driver_name, driver_phone, driver_id_number, pii_salt, pii_commitment,
             organisation, purpose, checked_in_at_ms, checked_in_by, checked_out_at_ms, checked_out_by, passengers)
         VALUES (?1, ?2, 'standard', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        rusqlite::params![
            uuid::Uuid::now_v7().to_string(),
            plate(rng),
            VEHICLE_TYPES[rng.gen_range(0..VEHICLE_TYPES.len())],
            driver,
            driver_phone,
            driver_id,
            salt,
            commitment,
            ORGANISATIONS[rng.gen_range(0..ORGANISATIONS.len())],
            PURPOSES[rng.gen_range(0..PURPOSES.len())],
            at,
            actor.guard_id,
            out_at,
            out_at.map(|_| actor.guard_id),
            passengers,
        ],
    )?;
    let id = tx.last_insert_rowid();
    audit::record_change(tx, &catalogue::VEHICLE_VISIT, id, Event::new("demo_vehicle_generated", Some(actor)))?;
    search::index_new(tx, SearchKind::Vehicle, id)
}

fn pickup(tx: &Tx<'_>, actor: &Actor, rng: &mut StdRng, at: i64) -> Result<()> {
    let child = name(rng);
    let picker = name(rng);
    let picker_id = id_number(rng);
    let picker_phone = phone(rng);
    let salt = pii::new_salt();
    let commitment = pii::commitment(
        &salt,
        &[("child_name", Some(&child)), ("picker_name", Some(&picker)), ("picker_id_number", Some(&picker_id)), ("picker_phone", Some(&picker_phone))],
    );
    tx.execute(
        "INSERT INTO pickup (uid, child_name, class_name, picker_name, relation, picker_id_number, picker_phone, pii_salt, pii_commitment,
             teacher, picked_up_at_ms, recorded_by, teacher_confirmation)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'phone')",
        rusqlite::params![
            uuid::Uuid::now_v7().to_string(),
            child,
            CLASSES[rng.gen_range(0..CLASSES.len())],
            picker,
            RELATIONS[rng.gen_range(0..RELATIONS.len())],
            picker_id,
            picker_phone,
            salt,
            commitment,
            TEACHERS[rng.gen_range(0..TEACHERS.len())],
            at,
            actor.guard_id,
        ],
    )?;
    let id = tx.last_insert_rowid();
    audit::record_change(tx, &catalogue::PICKUP, id, Event::new("demo_pickup_generated", Some(actor)))?;
    search::index_new(tx, SearchKind::Pickup, id)
}

fn duty_entry(tx: &Tx<'_>, actor: &Actor, rng: &mut StdRng, at: i64, day: &str) -> Result<()> {
    let (kind, text) = DUTY_TEXTS[rng.gen_range(0..DUTY_TEXTS.len())];
    let reported_to = (kind == "incident").then(|| name(rng));
    tx.execute(
        "INSERT INTO duty_entry (uid, duty_day, kind, occurred_at_ms, recorded_at_ms, place, text, guard_id, reported_to)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![
            uuid::Uuid::now_v7().to_string(),
            day,
            kind,
            at,
            at + rng.gen_range(0..600_000),
            PLACES[rng.gen_range(0..PLACES.len())],
            text,
            actor.guard_id,
            reported_to,
        ],
    )?;
    let id = tx.last_insert_rowid();
    audit::record_change(tx, &catalogue::DUTY_ENTRY, id, Event::new("demo_duty_entry_generated", Some(actor)))?;
    search::index_new(tx, SearchKind::Duty, id)
}
