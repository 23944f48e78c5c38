//! Time in Jianfu: one process-wide clock, Beijing dates, and stored timestamps.
//!
//! Timestamps are stored as RFC 3339 UTC text with millisecond precision on both backends,
//! so that they sort as text and read the same in SQLite and PostgreSQL.
//!
//! Dates (today, this year) are Beijing dates (UTC+8, no daylight saving) whatever the
//! server's own time zone: a server on UTC would otherwise think it is yesterday before
//! 08:00 in Beijing. Code asks [`today`], [`current_year`], [`now`] or [`utc_now`], never
//! `chrono::Local` or `Utc::now()`, so that a test can fix the clock with [`fix_clock`].
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat, TimeZone, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Milliseconds since the epoch of the fixed clock, or [`NOT_FIXED`] for the real one.
static FIXED_MILLIS: AtomicI64 = AtomicI64::new(NOT_FIXED);
const NOT_FIXED: i64 = i64::MIN;
/// Serialises the tests that fix the clock, so that two of them never overlap.
static FIXERS: Mutex<()> = Mutex::new(());

/// Beijing time: UTC+8 all year.
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The current instant: the real clock, or the one a test fixed.
pub fn utc_now() -> DateTime<Utc> {
    match FIXED_MILLIS.load(Ordering::Relaxed) {
        NOT_FIXED => Utc::now(),
        ms => Utc
            .timestamp_millis_opt(ms)
            .single()
            .unwrap_or_else(Utc::now),
    }
}

/// The current instant as a stored timestamp.
pub fn now() -> String {
    format_ts(utc_now())
}

/// Today's date in Beijing.
pub fn today() -> NaiveDate {
    beijing_date(utc_now())
}

/// This year in Beijing.
pub fn current_year() -> i32 {
    today().year()
}

/// The Beijing date of an instant.
pub fn beijing_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&beijing()).date_naive()
}

/// A fixed clock, for tests: until the returned guard drops, every reading of the clock
/// in this process is `at`. Tests that fix the clock wait for each other; a test that
/// reads the real clock while another has fixed it sees the fixed time, so fix it only in
/// tests whose process does not depend on the real date elsewhere.
pub fn fix_clock(at: DateTime<Utc>) -> FixedClock {
    let serial = FIXERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    FIXED_MILLIS.store(at.timestamp_millis(), Ordering::Relaxed);
    FixedClock { _serial: serial }
}

/// The guard of [`fix_clock`]: the real clock runs again when it drops.
#[must_use = "the clock is fixed only while the guard lives"]
pub struct FixedClock {
    _serial: MutexGuard<'static, ()>,
}

impl FixedClock {
    /// Moves the fixed clock to another instant.
    pub fn set(&self, at: DateTime<Utc>) {
        FIXED_MILLIS.store(at.timestamp_millis(), Ordering::Relaxed);
    }
}

impl Drop for FixedClock {
    fn drop(&mut self) {
        FIXED_MILLIS.store(NOT_FIXED, Ordering::Relaxed);
    }
}

pub fn format_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A stored timestamp as officials read it: Beijing time (UTC+8, no daylight
/// saving), to the second: `2026-11-29 12:57:45`. Text that is no timestamp is
/// shown as it is.
pub fn display_ts(s: &str) -> String {
    match parse_ts(s) {
        Some(t) => t
            .with_timezone(&beijing())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_show_in_beijing_time() {
        assert_eq!(
            display_ts("2026-11-29T04:57:45.620Z"),
            "2026-11-29 12:57:45"
        );
        assert_eq!(
            display_ts("2026-12-31T20:00:00.000Z"),
            "2027-01-01 04:00:00"
        );
        assert_eq!(display_ts("不是时间"), "不是时间");
    }

    fn at(s: &str) -> DateTime<Utc> {
        parse_ts(s).expect("a timestamp")
    }

    #[test]
    fn today_is_the_beijing_date_whatever_the_server_zone() {
        let clock = fix_clock(at("2026-12-01T23:30:00Z"));
        assert_eq!(today(), NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        assert_eq!(now(), "2026-12-01T23:30:00.000Z");
        clock.set(at("2026-12-02T00:30:00Z"));
        assert_eq!(today(), NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        // New Year comes eight hours earlier in Beijing.
        clock.set(at("2026-12-31T15:59:59Z"));
        assert_eq!(current_year(), 2026);
        clock.set(at("2026-12-31T16:00:00Z"));
        assert_eq!(current_year(), 2027);
        drop(clock);
        let real = Utc::now();
        assert!((utc_now() - real).num_seconds().abs() < 5);
    }
}
