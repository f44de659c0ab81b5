//! Vehicle statistics (车辆统计) of a range: vehicles in and out per duty day, by vehicle
//! type, registered staff vehicles against visiting ones, and overnight stays.
//!
//! "Overnight" (过夜): a vehicle that came in on a duty day of the range and was still on
//! site when the next duty day started. Must not: read drivers' personal data.
//! Called by: `reports::overview`, `reports::export`, the shell.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use super::{DateRange, NamedCount, Window, DAY_MS};
use crate::actor::{Actor, Role};
use crate::db::Db;
use crate::error::Result;
use crate::guards;

/// One duty day of vehicle traffic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VehicleDay {
    pub day: String,
    /// Vehicles checked in on this duty day.
    #[ts(type = "number")]
    pub vehicles_in: i64,
    /// Vehicles checked out on this duty day (whenever they came in).
    #[ts(type = "number")]
    pub vehicles_out: i64,
    /// Of this day's arrivals, those still on site when the next duty day began.
    #[ts(type = "number")]
    pub overnight: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VehicleStats {
    #[ts(type = "number")]
    pub total_in: i64,
    #[ts(type = "number")]
    pub total_out: i64,
    /// Arrivals of pre-registered staff vehicles.
    #[ts(type = "number")]
    pub registered: i64,
    /// Arrivals of other (visiting) vehicles.
    #[ts(type = "number")]
    pub visiting: i64,
    #[ts(type = "number")]
    pub overnight: i64,
    /// Every duty day of the range, oldest first.
    pub per_day: Vec<VehicleDay>,
    /// Arrivals by vehicle type (`car`, `van`, `truck`, `bus`, `motorcycle`, `other`), most first.
    pub per_type: Vec<NamedCount>,
}

/// Vehicle statistics of a range (any guard).
pub fn stats(db: &Db, actor: &Actor, range: &DateRange) -> Result<VehicleStats> {
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        stats_conn(conn, &Window::of(conn, db, range)?)
    })
}

pub(crate) fn stats_conn(conn: &Connection, window: &Window) -> Result<VehicleStats> {
    let day_in = window.day_sql("checked_in_at_ms");
    // The first instant of the duty day after the one the vehicle came in on.
    let next_start = format!("(({day_in} + 1) * {DAY_MS} - {})", window.day_shift_ms);
    let mut stmt = conn.prepare(&format!(
        "SELECT {day_in} AS d, count(*),
                count(*) FILTER (WHERE (checked_out_at_ms IS NULL AND ?3 >= {next_start}) OR checked_out_at_ms >= {next_start}),
                count(*) FILTER (WHERE registered_vehicle_id IS NOT NULL)
         FROM vehicle_visit WHERE checked_in_at_ms >= ?1 AND checked_in_at_ms < ?2 GROUP BY d"
    ))?;
    let arrivals: Vec<(i64, i64, i64, i64)> = stmt
        .query_map([window.start_ms, window.end_ms, window.now_ms], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {} AS d, count(*) FROM vehicle_visit WHERE checked_out_at_ms >= ?1 AND checked_out_at_ms < ?2 GROUP BY d",
        window.day_sql("checked_out_at_ms")
    ))?;
    let departures: Vec<(i64, i64)> = stmt.query_map([window.start_ms, window.end_ms], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;

    let ins = window.fill_days(&arrivals.iter().map(|a| (a.0, a.1)).collect::<Vec<_>>());
    let outs = window.fill_days(&departures);
    let nights = window.fill_days(&arrivals.iter().map(|a| (a.0, a.2)).collect::<Vec<_>>());
    let per_day: Vec<VehicleDay> = ins
        .into_iter()
        .zip(outs)
        .zip(nights)
        .map(|((i, o), n)| VehicleDay { day: i.day, vehicles_in: i.count, vehicles_out: o.count, overnight: n.count })
        .collect();
    let total_in: i64 = arrivals.iter().map(|a| a.1).sum();
    let registered: i64 = arrivals.iter().map(|a| a.3).sum();

    let mut stmt = conn.prepare(
        "SELECT vehicle_type, count(*) AS n FROM vehicle_visit WHERE checked_in_at_ms >= ?1 AND checked_in_at_ms < ?2
         GROUP BY vehicle_type ORDER BY n DESC, vehicle_type",
    )?;
    let per_type =
        stmt.query_map([window.start_ms, window.end_ms], |r| Ok(NamedCount { name: r.get(0)?, count: r.get(1)? }))?.collect::<rusqlite::Result<_>>()?;
    Ok(VehicleStats {
        total_in,
        total_out: departures.iter().map(|d| d.1).sum(),
        registered,
        visiting: total_in - registered,
        overnight: arrivals.iter().map(|a| a.2).sum(),
        per_day,
        per_type,
    })
}
