//! Where "now" comes from, and the duty-day arithmetic built on it.
//!
//! Owns: the `Clock` (system time, or a fixed/settable instant for tests) and the mapping
//! of an instant to its duty day (a duty day starts at a configured local hour, default
//! 08:00, and is named by the local date it starts on). Instants are UTC milliseconds.
//! Must not: read the database. Called by: `Db` (every write stamps `now_ms`) and `status`.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, FixedOffset, Local, NaiveDate, Offset, TimeZone, Utc};

/// The source of the current instant and of the local UTC offset.
#[derive(Clone, Debug)]
pub enum Clock {
    /// The PC's clock and time zone.
    System,
    /// A settable instant and a fixed offset, for tests.
    Fixed { now_ms: Arc<AtomicI64>, offset: FixedOffset },
}

impl Clock {
    /// A test clock at `now_ms`, in China's time zone (UTC+8) unless told otherwise.
    pub fn fixed(now_ms: i64) -> Self {
        Clock::fixed_with_offset(now_ms, FixedOffset::east_opt(8 * 3600).expect("valid offset"))
    }

    pub fn fixed_with_offset(now_ms: i64, offset: FixedOffset) -> Self {
        Clock::Fixed { now_ms: Arc::new(AtomicI64::new(now_ms)), offset }
    }

    pub fn now_ms(&self) -> i64 {
        match self {
            Clock::System => Utc::now().timestamp_millis(),
            Clock::Fixed { now_ms, .. } => now_ms.load(Ordering::SeqCst),
        }
    }

    /// Moves a fixed clock (tests only; the system clock ignores it).
    pub fn set_ms(&self, ms: i64) {
        if let Clock::Fixed { now_ms, .. } = self {
            now_ms.store(ms, Ordering::SeqCst);
        }
    }

    pub fn advance(&self, by: Duration) {
        self.set_ms(self.now_ms() + by.num_milliseconds());
    }

    /// The local UTC offset at the given instant.
    pub fn offset_at(&self, at_ms: i64) -> FixedOffset {
        match self {
            Clock::System => Local.timestamp_millis_opt(at_ms).single().map(|t| t.offset().fix()).unwrap_or_else(|| Utc.fix()),
            Clock::Fixed { offset, .. } => *offset,
        }
    }

    /// The instant in local time.
    pub fn local(&self, at_ms: i64) -> DateTime<FixedOffset> {
        let offset = self.offset_at(at_ms);
        let utc = DateTime::<Utc>::from_timestamp_millis(at_ms).unwrap_or_default();
        utc.with_timezone(&offset)
    }

    /// The duty day an instant belongs to: the local date on which that duty day started.
    pub fn duty_day(&self, at_ms: i64, start_hour: u32) -> NaiveDate {
        let local = self.local(at_ms).naive_local();
        (local - Duration::hours(i64::from(start_hour))).date()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(rfc3339: &str) -> i64 {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().timestamp_millis()
    }

    #[test]
    fn duty_day_starts_at_the_configured_local_hour() {
        let clock = Clock::fixed(0);
        let day = |s: &str| clock.duty_day(ms(s), 8).to_string();
        assert_eq!(day("2026-11-28T07:59:59+08:00"), "2026-11-27");
        assert_eq!(day("2026-11-28T08:00:00+08:00"), "2026-11-28");
        assert_eq!(day("2026-11-29T03:00:00+08:00"), "2026-11-28");
    }

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let clock = Clock::fixed(1_000);
        assert_eq!(clock.now_ms(), 1_000);
        clock.advance(Duration::seconds(2));
        assert_eq!(clock.now_ms(), 3_000);
    }
}
