//! The status bar's facts: site and gate, guard on duty, duty day, how many people are on site,
//! whether the clock is in doubt, and for a supervisor the accounts with repeated wrong PINs.
//!
//! Must not: format the clock for display (the UI ticks it). Called by: the shell.

use serde::Serialize;
use ts_rs::TS;

use crate::actor::{Actor, Role};
use crate::clock_trust::{self, ClockDoubt};
use crate::db::Db;
use crate::error::Result;
use crate::guards::{self, FailedLogins};
use crate::headcount::{self, HeadcountTally};
use crate::on_duty::{self, OnDuty, Takeover};
use crate::{duty, goods, site, vehicles};

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StatusBar {
    pub site_name: String,
    pub gate_name: String,
    pub guard_name: String,
    /// `YYYY-MM-DD`: the local date the current duty day started on.
    pub duty_day: String,
    #[ts(type = "number")]
    pub now_ms: i64,
    /// People on site (visitors with companions, vehicles' occupants, pass holders inside).
    #[ts(type = "number")]
    pub people_on_site: i64,
    /// The same per group, in the roster's order.
    pub people_by_kind: Vec<HeadcountTally>,
    #[ts(type = "number")]
    pub vehicles_on_site: i64,
    /// Returnable goods past their due date.
    #[ts(type = "number")]
    pub goods_overdue: i64,
    /// Patrols logged in the current duty day, and how many it needs.
    #[ts(type = "number")]
    pub patrols_done: i64,
    #[ts(type = "number")]
    pub patrols_required: i64,
    /// Open follow-up items (限期整改), and how many are past their deadline.
    #[ts(type = "number")]
    pub open_items: i64,
    #[ts(type = "number")]
    pub open_items_overdue: i64,
    /// Why the PC's clock is not believed (behind the times already recorded, or jumped more
    /// than a day): the bar turns red and a supervisor confirms the date (`clock_trust`).
    pub clock_doubt: Option<ClockDoubt>,
    /// The guard on duty at this desk.
    pub on_duty: Option<OnDuty>,
    /// Takeovers without handover (接班未交接) in the current duty day: the dashboard flags them.
    pub takeovers: Vec<Takeover>,
    /// Supervisors only (empty for a guard): accounts with repeated wrong PINs in the last
    /// 24 hours (issue 15), so someone trying PINs at the login screen is seen.
    pub failed_logins: Vec<FailedLogins>,
}

pub fn status(db: &Db, actor: &Actor) -> Result<StatusBar> {
    let now_ms = db.clock().now_ms();
    db.read(|conn| {
        let settings = site::read_settings(conn)?;
        let (patrols_done, patrols_required) = duty::patrols_so_far(conn, db, now_ms)?;
        let open_items = duty::open_items_conn(conn, db.clock().local(now_ms).date_naive())?;
        let people_by_kind = headcount::tallies(conn)?;
        let (_, day_start_ms) = duty::current_day(conn, db, now_ms)?;
        Ok(StatusBar {
            patrols_done,
            patrols_required,
            open_items: open_items.len() as i64,
            open_items_overdue: open_items.iter().filter(|i| i.overdue).count() as i64,
            duty_day: db.clock().duty_day(now_ms, settings.duty_day_start_hour).to_string(),
            site_name: settings.site_name,
            gate_name: settings.gate_name,
            guard_name: actor.name().to_string(),
            now_ms,
            people_on_site: people_by_kind.iter().map(|t| t.people).sum(),
            people_by_kind,
            vehicles_on_site: vehicles::count_on_site(conn)?,
            goods_overdue: goods::count_overdue(conn, db.clock().local(now_ms).date_naive())?,
            clock_doubt: clock_trust::doubt_at(conn, now_ms)?,
            on_duty: on_duty::current(conn)?,
            takeovers: on_duty::takeovers_between(conn, day_start_ms, i64::MAX)?,
            failed_logins: if guards::authorize(conn, actor, Role::Supervisor).is_ok() { guards::repeated_failed_logins(conn, now_ms)? } else { Vec::new() },
        })
    })
}
