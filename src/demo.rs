//! Synthetic demo data for trying the app and for benchmarks: Chinese names, valid ID
//! numbers, phones, hosts, plates, duty entries and passes, spread over the last months.
//!
//! Everything is generated (a seeded RNG), never real people. Records go through the same
//! tables and audit chain as the app's, in large transactions so a million visits take
//! minutes, not hours. Must not: run on a database in use at a gate (the CLI says so).
//! Called by: the CLI (`gatehouse demo`), `make bench`.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::audit::{self, Event};
use crate::db::Db;
use crate::error::Result;
use crate::guards::{self, Actor, Role};
use crate::validate::cn_id;
use crate::{pii, staff, visits};

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐",
    "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈",
    "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "华", "飞",
    "玉兰", "建华", "建国", "红", "鹏", "辉", "婷", "雪", "琳", "晨", "宇", "浩", "欣", "佳", "子涵", "思远", "梓轩", "雨桐",
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
}

fn name(rng: &mut StdRng) -> String {
    let given = if rng.gen_bool(0.4) { format!("{}{}", GIVEN[rng.gen_range(0..GIVEN.len())], GIVEN[rng.gen_range(0..GIVEN.len())]) } else { GIVEN[rng.gen_range(0..GIVEN.len())].to_string() };
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
    db.read(|conn| guards::authorize(conn, actor, Role::Supervisor))?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut report = DemoReport::default();
    for (name, department, extension) in HOSTS {
        let new = staff::NewStaff { name: (*name).into(), department: (*department).into(), extension: (*extension).into() };
        if staff::add(db, actor, &new).is_ok() {
            report.staff += 1;
        }
    }
    let host_ids: Vec<i64> = db.read(|c| Ok(c.prepare("SELECT id FROM staff WHERE active = 1")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?))?;
    let now = db.clock().now_ms();
    let span = days.max(1) * 86_400_000;
    const BATCH: u64 = 5_000;
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
                let commitment = pii::commitment(&salt, &[("name", Some(&name)), ("id_number", Some(&id_number)), ("phone", Some(&phone))]);
                let host_id = host_ids.get(rng.gen_range(0..host_ids.len().max(1))).copied();
                let host: String = match host_id {
                    Some(id) => tx.query_row("SELECT name FROM staff WHERE id = ?1", [id], |r| r.get(0))?,
                    None => "值班室".into(),
                };
                let out_at = (!still_inside).then(|| at + rng.gen_range(10..240) * 60_000);
                tx.execute(
                    "INSERT INTO visit (uid, name, doc_type, id_number, phone, pii_salt, pii_commitment, organisation, host, host_staff_id, purpose,
                         companions, plate, checked_in_at_ms, checked_in_by, checked_out_at_ms, checked_out_by)
                     VALUES (?1, ?2, 'resident_id', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                    rusqlite::params![
                        uuid::Uuid::now_v7().to_string(),
                        name,
                        id_number,
                        phone,
                        salt,
                        commitment,
                        ORGANISATIONS[rng.gen_range(0..ORGANISATIONS.len())],
                        host,
                        host_id,
                        PURPOSES[rng.gen_range(0..PURPOSES.len())],
                        rng.gen_range(0..3),
                        rng.gen_bool(0.2).then(|| plate(&mut rng)),
                        at,
                        actor.guard_id,
                        out_at,
                        out_at.map(|_| actor.guard_id),
                    ],
                )?;
                let id = tx.last_insert_rowid();
                audit::record_change(tx, &visits::AUDITED, id, Event::new("demo_visit_generated", Some(actor)))?;
            }
            Ok(())
        })?;
        done += batch;
        report.visits = done;
    }
    Ok(report)
}
