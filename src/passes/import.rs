//! Bulk issue of passes from a CSV or XLSX sheet (supervisor).
//!
//! Columns, in this order (the first row may be a header): kind, holder name, department or
//! class, phone, ID number, valid from, valid to (`YYYY-MM-DD HH:MM` or `YYYY-MM-DD`, local
//! time), daily window (`06:00-22:00`), gates (`1,2`), max uses, approved by. Every row is
//! checked first and every problem reported as `row N, field: reason`; if any row is bad
//! nothing is issued, so an import is never half done. A file over 10 MB, a sheet over
//! 50,000 rows or 50 columns and an XLSX that unpacks past its caps are refused before any
//! row is read (`sheet`). Called by: the shell (import screen), the CLI (`pass import`).

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use ts_rs::TS;

use super::{NewPass, PassKind, PassRow};
use crate::actor::{Actor, Role};
use crate::db::Db;
use crate::error::{Error, ErrorCode, Result};
use crate::guards;
use crate::sheet;
use crate::staff::ImportProblem;

/// The header of the template (Chinese, as supervisors fill it in).
pub const TEMPLATE_HEADER: &str = "类型,姓名,部门/班级,电话,身份证号,生效时间,失效时间,每日时段,门岗,次数上限,审批人";

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PassImportReport {
    /// Passes issued (0 when any row had a problem).
    pub issued: Vec<PassRow>,
    pub problems: Vec<ImportProblem>,
}

/// The template as CSV text (UTF-8 with BOM, so spreadsheet programs read the Chinese).
pub fn template_csv() -> String {
    format!("\u{feff}{TEMPLATE_HEADER}\n留校学生,张三,计算机学院2023级,13800000000,,2027-01-10 00:00,2027-02-20 23:59,06:00-22:00,1,,学工处\n")
}

fn local_ms(db: &Db, field: &'static str, text: &str, end_of_day: bool) -> Result<i64> {
    let text = text.trim();
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().and_then(|d| if end_of_day { d.and_hms_opt(23, 59, 0) } else { d.and_hms_opt(0, 0, 0) }))
        .ok_or_else(|| Error::invalid(field, ErrorCode::DateFormat, "must be a date and time like 2027-01-10 08:00"))?;
    let offset = db.clock().offset_at(db.clock().now_ms());
    naive
        .and_local_timezone(offset)
        .single()
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| Error::invalid(field, ErrorCode::DateFormat, "is not a valid local time"))
}

fn parse_row(db: &Db, cells: &[String]) -> Result<NewPass> {
    let cell = |i: usize| cells.get(i).map(String::as_str).unwrap_or("").trim().to_string();
    let kind =
        PassKind::parse(&cell(0)).ok_or_else(|| Error::invalid("kind", ErrorCode::InvalidChoice, "must be 留校学生, 教职工, 外来施工人员 or 临时访客"))?;
    let gates = cell(8)
        .split([',', '，', ' '])
        .filter(|g| !g.is_empty())
        .map(|g| g.parse::<u8>().map_err(|_| Error::invalid("gates", ErrorCode::GatesInvalid, "list gate numbers like 1,2")))
        .collect::<Result<Vec<_>>>()?;
    let max_uses = match cell(9).as_str() {
        "" => None,
        text => Some(text.parse::<u16>().map_err(|_| Error::invalid("max_uses", ErrorCode::QuantityFormat, "must be a whole number"))?),
    };
    Ok(NewPass {
        kind,
        holder_name: cell(1),
        department: cell(2),
        phone: Some(cell(3)),
        id_number: Some(cell(4)),
        photo: None,
        valid_from_ms: local_ms(db, "valid_from_ms", &cell(5), false)?,
        valid_to_ms: local_ms(db, "valid_to_ms", &cell(6), true)?,
        daily_window: cell(7),
        gates,
        max_uses,
        approved_by: cell(10),
    })
}

/// Imports a sheet (`file_name` tells CSV from XLSX). All rows or none.
pub fn import(db: &Db, actor: &Actor, file_name: &str, bytes: &[u8]) -> Result<PassImportReport> {
    db.read(|conn| guards::authorize(conn, actor, Role::Supervisor))?;
    // Size and shape are checked before any row is read (see `sheet`).
    sheet::check_file_size("import_file", bytes.len())?;
    let rows = if file_name.to_lowercase().ends_with(".xlsx") {
        sheet::xlsx_rows("import_file", bytes)?
    } else {
        sheet::csv_rows("import_file", &String::from_utf8_lossy(bytes))?
    };
    let today = db.clock().local(db.clock().now_ms()).date_naive();
    let mut valid = Vec::new();
    let mut problems = Vec::new();
    for (index, cells) in rows.iter().enumerate() {
        let row = index as u64 + 1;
        if cells.iter().all(|c| c.trim().is_empty())
            || (row == 1
                && PassKind::parse(cells.first().map(String::as_str).unwrap_or("")).is_none()
                && cells.first().is_some_and(|c| c.contains("类型") || c.eq_ignore_ascii_case("kind")))
        {
            continue;
        }
        match parse_row(db, cells).and_then(|new| super::validate_new(&new, today)) {
            Ok(pass) => valid.push(pass),
            Err(err) => problems.push(ImportProblem::from_error(row, &err)),
        }
    }
    if valid.is_empty() && problems.is_empty() {
        return Err(Error::invalid("import_file", ErrorCode::ImportFileInvalid, "the file has no passes in it"));
    }
    if !problems.is_empty() {
        return Ok(PassImportReport { issued: Vec::new(), problems });
    }
    let ids = db.write(|tx| {
        guards::authorize(tx, actor, Role::Supervisor)?;
        valid.iter().map(|pass| super::insert(tx, actor, pass)).collect::<Result<Vec<i64>>>()
    })?;
    let now_ms = db.clock().now_ms();
    let issued = db.read(|conn| ids.iter().map(|id| super::row(conn, *id, now_ms)).collect::<Result<Vec<_>>>())?;
    Ok(PassImportReport { issued, problems: Vec::new() })
}
