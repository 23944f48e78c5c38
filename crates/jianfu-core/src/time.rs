//! Timestamps are stored as RFC 3339 UTC text with millisecond precision on both backends,
//! so that they sort as text and read the same in SQLite and PostgreSQL.
use chrono::{DateTime, SecondsFormat, Utc};

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
