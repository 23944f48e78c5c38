//! Timestamps are stored as RFC 3339 UTC text with millisecond precision on both backends,
//! so that they sort as text and read the same in SQLite and PostgreSQL.
use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};

pub fn now() -> String {
    format_ts(Utc::now())
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
    let beijing = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    match parse_ts(s) {
        Some(t) => t
            .with_timezone(&beijing)
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
}
