//! Reports (统计报表): what happened at the gate over a range of duty days, counted.
//!
//! Owns: the date range every report takes (`DateRange`, whole local duty days, `from` and
//! `to` included), visitor statistics (`visitors`), vehicle statistics (`vehicles`), refused
//! pass scans (`scans`), and the export of any of them, or of the visit list, as CSV or XLSX
//! (`export`, through the table model in `table`, named by `labels`). The daily duty report (值班记录表) stays in `duty`; the reports screen links
//! to it. Must not: change any record (reports only read; the one write is the audit event
//! an export of the visit list appends), or format for a screen (the UI labels the keys).
//! Called by: the shell (`commands/reports.rs`), the CLI (`gatehouse export visits`), benches.
//!
//! Speed: every query reads one index range of the table it counts (`visit_report`,
//! `vehicle_visit_time`, `pass_scan_refused`, migration 0008) and groups in SQLite, so a
//! month of a busy gate (1,000,000 visits in the file) is counted in milliseconds, not read
//! into memory. Times are bucketed with the local UTC offset at the start of the range
//! (China has no daylight saving time; a range across a DST change elsewhere would put one
//! hour's visits into the neighbouring hour).

pub mod export;
mod labels;
pub mod scans;
pub mod supervision;
pub mod table;
pub mod vehicles;
pub mod visitors;

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::db::Db;
use crate::error::{Error, ErrorCode, Result};
use crate::guards;
use crate::{site, validate};

pub use export::{export_report, export_visits, export_visits_unattended, IdNumbers, ReportKind};
pub use scans::{RefusedScan, RefusedScans};
pub use supervision::{RepeatItem, SpotCheckCounts, SupervisionStats};
pub use table::{ExportReport, Format};
pub use vehicles::{VehicleDay, VehicleStats};
pub use visitors::VisitorStats;

/// The longest range a report or an export covers: a year (and a day for a leap year).
pub const MAX_RANGE_DAYS: i64 = 366;

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;

/// A range of duty days, both ends included (local dates `YYYY-MM-DD`, as the duty log
/// names its days: a duty day starts at the site's duty-day start hour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    /// Parses `from` and `to` (`YYYY-MM-DD`); errors name the field: `from`/`to` for a
    /// malformed date, `to` for a range that ends before it starts or is longer than
    /// `MAX_RANGE_DAYS`.
    pub fn parse(from: &str, to: &str) -> Result<DateRange> {
        let from = validate::date("from", from)?;
        let to = validate::date("to", to)?;
        DateRange::new(from, to)
    }

    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<DateRange> {
        if to < from {
            return Err(Error::invalid("to", ErrorCode::RangeReversed, format!("{to} is before {from}: the end of the range must be on or after its start")));
        }
        let days = (to - from).num_days() + 1;
        if days > MAX_RANGE_DAYS {
            return Err(Error::invalid(
                "to",
                ErrorCode::RangeTooLong,
                format!("the range is {days} days long; at most {MAX_RANGE_DAYS} days are allowed: choose a shorter range"),
            )
            .with_param("max", MAX_RANGE_DAYS));
        }
        Ok(DateRange { from, to })
    }

    /// Number of duty days in the range.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

/// The range as the UI sends it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RangeInput {
    /// `YYYY-MM-DD`, the first duty day.
    pub from: String,
    /// `YYYY-MM-DD`, the last duty day (included).
    pub to: String,
}

impl RangeInput {
    pub fn parse(&self) -> Result<DateRange> {
        DateRange::parse(&self.from, &self.to)
    }
}

/// A label and how many: one bar of a chart, one row of a grouping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NamedCount {
    pub name: String,
    #[ts(type = "number")]
    pub count: i64,
}

/// A duty day and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DayCount {
    /// `YYYY-MM-DD`
    pub day: String,
    #[ts(type = "number")]
    pub count: i64,
}

/// Everything the reports screen shows for one range, read in one go.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    pub site_name: String,
    pub gate_name: String,
    pub from: String,
    pub to: String,
    pub visitors: VisitorStats,
    pub vehicles: VehicleStats,
    pub refused_scans: RefusedScans,
    /// Spot checks, serious incidents, follow-up items and repeat problems.
    pub supervision: SupervisionStats,
    #[ts(type = "number")]
    pub generated_at_ms: i64,
}

/// The range in instants, and how to bucket an instant into a local hour or a duty day.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// First instant of the range (start of the duty day `from`).
    pub start_ms: i64,
    /// First instant after the range (start of the duty day after `to`).
    pub end_ms: i64,
    /// The local UTC offset in ms.
    pub offset_ms: i64,
    /// `offset_ms - start_hour`: `(ms + day_shift_ms) / DAY_MS` is the duty day's number.
    pub day_shift_ms: i64,
    pub now_ms: i64,
}

impl Window {
    pub(crate) fn of(conn: &Connection, db: &Db, range: &DateRange) -> Result<Window> {
        let start_hour = i64::from(site::read_settings(conn)?.duty_day_start_hour);
        let now_ms = db.clock().now_ms();
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let naive_start_ms = (range.from - epoch).num_days() * DAY_MS + start_hour * HOUR_MS;
        let offset_ms = i64::from(db.clock().offset_at(naive_start_ms).local_minus_utc()) * 1000;
        let start_ms = naive_start_ms - offset_ms;
        let end_ms = start_ms + range.days() * DAY_MS;
        Ok(Window { from: range.from, to: range.to, start_ms, end_ms, offset_ms, day_shift_ms: offset_ms - start_hour * HOUR_MS, now_ms })
    }

    /// SQL for the duty-day number of the instant column `col`.
    pub(crate) fn day_sql(&self, col: &str) -> String {
        format!("(({col} + {}) / {DAY_MS})", self.day_shift_ms)
    }

    /// The duty day number of `from` (day numbers count from 1970-01-01).
    pub(crate) fn first_day_number(&self) -> i64 {
        (self.start_ms + self.day_shift_ms).div_euclid(DAY_MS)
    }

    /// Every day of the range with its count (zero where nothing happened).
    pub(crate) fn fill_days(&self, counts: &[(i64, i64)]) -> Vec<DayCount> {
        let first = self.first_day_number();
        let mut out: Vec<DayCount> =
            (0..(self.to - self.from).num_days() + 1).map(|i| DayCount { day: (self.from + Duration::days(i)).to_string(), count: 0 }).collect();
        for &(number, count) in counts {
            if let Some(slot) = usize::try_from(number - first).ok().and_then(|i| out.get_mut(i)) {
                slot.count += count;
            }
        }
        out
    }
}

/// A read-only connection of its own (WAL: one consistent snapshot per statement), so a
/// long report or export does not hold the desk's connection while check-ins wait.
pub(crate) fn reader(db: &Db) -> Result<Connection> {
    db.reader()
}

/// All reports of a range, for the reports screen (read on a connection of its own).
pub fn overview(db: &Db, actor: &Actor, range: &DateRange) -> Result<Overview> {
    let (window, settings) = db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        Ok((Window::of(conn, db, range)?, site::read_settings(conn)?))
    })?;
    let conn = reader(db)?;
    Ok(Overview {
        site_name: settings.site_name,
        gate_name: settings.gate_name,
        from: range.from.to_string(),
        to: range.to.to_string(),
        visitors: visitors::stats_conn(&conn, &window)?,
        vehicles: vehicles::stats_conn(&conn, &window)?,
        refused_scans: scans::refused_conn(&conn, db, &window, scans::SCREEN_LIMIT)?,
        supervision: supervision::stats_conn(&conn, &window)?,
        generated_at_ms: window.now_ms,
    })
}
