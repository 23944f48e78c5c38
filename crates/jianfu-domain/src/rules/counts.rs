//! 只减不增 and 总量控制 for any channel: an issuer's items of a year against the year before
//! and against its annual plan's quota. A module declares its two rules and calls [`count_rules`].
use super::{year_of, Figures, Finding, RuleId, Scope};
use jianfu_store::rules::YearCount;
use std::collections::HashMap;

/// A channel's count rules, with the enabled rules' parameters.
pub struct CountRules<R: RuleId> {
    pub channel: &'static str,
    /// 发文, 会议
    pub noun: &'static str,
    /// 件, 次
    pub unit: &'static str,
    /// `…count_rise` with its tolerance, when enabled.
    pub rise: Option<(R, i64)>,
    /// `…quota`, when enabled.
    pub quota: Option<R>,
}

/// The counts the rules read: items per issuer and year, the plans' quotas of this channel,
/// and the names of the region's units.
pub struct YearCounts {
    pub counts: Vec<YearCount>,
    /// (unit, year) → quota
    pub quotas: HashMap<(i64, i32), i64>,
    pub names: HashMap<i64, String>,
}

impl YearCounts {
    /// From the channel's counts, its quotas as `(unit, year, quota)` and the units' names.
    pub fn new(
        counts: Vec<YearCount>,
        quotas: Vec<(i64, i64, i64)>,
        names: HashMap<i64, String>,
    ) -> YearCounts {
        let quotas = quotas
            .into_iter()
            .map(|(unit, year, quota)| ((unit, year as i32), quota))
            .collect();
        YearCounts {
            counts,
            quotas,
            names,
        }
    }

    pub fn name(&self, id: i64) -> String {
        self.names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("单位{id}"))
    }

    /// (issuer, year) → count
    pub fn lookup(&self) -> HashMap<(i64, i32), &YearCount> {
        self.counts
            .iter()
            .map(|c| ((c.issuer_id, year_of(&c.year)), c))
            .collect()
    }
}

pub fn count_rules<R: RuleId>(
    spec: &CountRules<R>,
    facts: &YearCounts,
    scope: &Scope,
    out: &mut Vec<Finding>,
) {
    let lookup = facts.lookup();
    let (noun, unit, channel) = (spec.noun, spec.unit, spec.channel);
    for c in &facts.counts {
        let year = year_of(&c.year);
        if !scope.years.contains(&year) {
            continue;
        }
        let date = format!("{year}-12-31");
        let name = facts.name(c.issuer_id);
        if let (Some((rule, tolerance)), Some(last)) =
            (spec.rise, lookup.get(&(c.issuer_id, year - 1)))
        {
            if c.total > last.total + tolerance {
                out.push(
                    Finding::new(
                        rule,
                        format!("{channel}:{}:{year}", c.issuer_id),
                        format!(
                            "{name}{year}年{noun}{}{unit}，多于上年的{}{unit}",
                            c.total, last.total
                        ),
                        Some(c.issuer_id),
                        &date,
                    )
                    .figures(
                        Figures::new()
                            .num("year", "年度", year, "")
                            .num("count", "本年数量", c.total, unit)
                            .num("last_year", "上年数量", last.total, unit),
                    ),
                );
            }
        }
        if let (Some(rule), Some(q)) = (spec.quota, facts.quotas.get(&(c.issuer_id, year))) {
            if c.total > *q {
                out.push(
                    Finding::new(
                        rule,
                        format!("{channel}:{}:{year}", c.issuer_id),
                        format!(
                            "{name}{year}年{noun}{}{unit}，超出年度计划{q}{unit}",
                            c.total
                        ),
                        Some(c.issuer_id),
                        &date,
                    )
                    .figures(
                        Figures::new()
                            .num("year", "年度", year, "")
                            .num("count", "本年数量", c.total, unit)
                            .num("quota", "年度计划总量", *q, unit),
                    ),
                );
            }
        }
    }
}
