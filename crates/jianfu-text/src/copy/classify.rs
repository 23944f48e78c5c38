//! What kind of copy a match is, from facts only the caller knows: who
//! issued each document, at which level, when.

use chrono::NaiveDate;

use super::DocId;

/// The least share (of either document) for a match to be classified.
pub const CLASSIFY_MIN_SHARE: f32 = 0.5;

/// What the caller knows about one document of a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocMeta {
    /// The issuing unit (发文机关).
    pub issuer: u64,
    /// The issuer's level, smaller is higher: e.g. 0 省, 1 市, 2 县,
    /// 3 乡镇/街道, 4 村/社区 (departments take their government's rank).
    pub level_rank: u8,
    /// 成文日期.
    pub date: NaiveDate,
    /// The upper-level document this one was already found to copy, if
    /// any (from an earlier [`classify`] giving
    /// [`MatchClass::CopiedFromUpper`]).
    pub copies_upper: Option<DocId>,
}

/// The kind of a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchClass {
    /// 照抄照搬、以文件落实文件: the query copies an earlier document of a
    /// higher level.
    CopiedFromUpper,
    /// 改头换面: the same issuer re-issues an earlier document.
    Reissued,
    /// 重复转发: two units of the same level both pass on the same upper
    /// document.
    Forwarded,
}

/// Classify a match of `query` against `source` with copied `share` (the
/// larger of the two shares). The rule, in order:
/// 1. `share` below [`CLASSIFY_MIN_SHARE`] → `None`;
/// 2. the source's issuer ranks higher and the source is not dated after
///    the query → [`MatchClass::CopiedFromUpper`];
/// 3. the same issuer, the source dated before the query →
///    [`MatchClass::Reissued`];
/// 4. the same level, different issuers, both already known to copy the
///    same upper document → [`MatchClass::Forwarded`];
/// 5. anything else (a lower unit copied upward, a later source, peers
///    without a common upper source) → `None`: left to a person.
pub fn classify(query: &DocMeta, source: &DocMeta, share: f32) -> Option<MatchClass> {
    if share.is_nan() || share < CLASSIFY_MIN_SHARE {
        return None;
    }
    if source.level_rank < query.level_rank && source.date <= query.date {
        return Some(MatchClass::CopiedFromUpper);
    }
    if source.issuer == query.issuer && source.date < query.date {
        return Some(MatchClass::Reissued);
    }
    let same_upper = query.copies_upper.is_some() && query.copies_upper == source.copies_upper;
    if source.level_rank == query.level_rank && source.issuer != query.issuer && same_upper {
        return Some(MatchClass::Forwarded);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(issuer: u64, level_rank: u8, day: u32, copies_upper: Option<DocId>) -> DocMeta {
        let date = NaiveDate::from_ymd_opt(2025, 3, day).unwrap_or_default();
        DocMeta {
            issuer,
            level_rank,
            date,
            copies_upper,
        }
    }

    #[test]
    fn the_rule() {
        let city = meta(1, 1, 1, None);
        let county_a = meta(2, 2, 5, Some(100));
        let county_b = meta(3, 2, 6, Some(100));
        assert_eq!(
            classify(&county_a, &city, 0.9),
            Some(MatchClass::CopiedFromUpper)
        );
        assert_eq!(classify(&county_a, &city, 0.3), None);
        assert_eq!(classify(&city, &county_a, 0.9), None);
        assert_eq!(
            classify(&meta(2, 2, 20, None), &county_a, 0.8),
            Some(MatchClass::Reissued)
        );
        assert_eq!(
            classify(&county_b, &county_a, 0.8),
            Some(MatchClass::Forwarded)
        );
        assert_eq!(classify(&meta(3, 2, 6, None), &county_a, 0.8), None);
    }
}
