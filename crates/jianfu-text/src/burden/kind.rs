//! The kinds of burden a draft document can put on grassroots units.

use std::fmt;
use std::str::FromStr;

/// What a sentence demands of grassroots units (SPEC §5, `burdens[].kind`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum BurdenKind {
    /// 报送材料: reports, summaries, supporting documents to submit.
    Materials,
    /// 填报报表: forms and tables to fill.
    Form,
    /// 台账: ledgers, logs, files to keep.
    Ledger,
    /// 日报告、周报、月报: recurring reports.
    PeriodicReport,
    /// 零报告: reporting even when there is nothing to report.
    ZeroReport,
    /// 责任状、承诺书: pledges to sign.
    Pledge,
    /// 一票否决.
    Veto,
    /// 打卡签到、在线时长、接龙.
    Checkin,
    /// 强制下载、注册、关注、转发、点赞.
    AppDownload,
    /// 积分排名.
    Ranking,
    /// 拍照留痕.
    TracePhoto,
    /// 会议: meetings to hold or attend.
    Meeting,
    /// 层层开会、逐级传达.
    Relay,
    /// 督查检查考核、调研.
    Inspection,
    /// 挂牌上墙.
    Signboard,
    /// 证明事项: certificates a village must issue.
    Certificate,
}

impl BurdenKind {
    /// Every kind, in declaration order.
    pub const ALL: [BurdenKind; 16] = [
        BurdenKind::Materials,
        BurdenKind::Form,
        BurdenKind::Ledger,
        BurdenKind::PeriodicReport,
        BurdenKind::ZeroReport,
        BurdenKind::Pledge,
        BurdenKind::Veto,
        BurdenKind::Checkin,
        BurdenKind::AppDownload,
        BurdenKind::Ranking,
        BurdenKind::TracePhoto,
        BurdenKind::Meeting,
        BurdenKind::Relay,
        BurdenKind::Inspection,
        BurdenKind::Signboard,
        BurdenKind::Certificate,
    ];

    /// The stable snake_case name used in the API and in the data files.
    pub fn as_str(self) -> &'static str {
        match self {
            BurdenKind::Materials => "materials",
            BurdenKind::Form => "form",
            BurdenKind::Ledger => "ledger",
            BurdenKind::PeriodicReport => "periodic_report",
            BurdenKind::ZeroReport => "zero_report",
            BurdenKind::Pledge => "pledge",
            BurdenKind::Veto => "veto",
            BurdenKind::Checkin => "checkin",
            BurdenKind::AppDownload => "app_download",
            BurdenKind::Ranking => "ranking",
            BurdenKind::TracePhoto => "trace_photo",
            BurdenKind::Meeting => "meeting",
            BurdenKind::Relay => "relay",
            BurdenKind::Inspection => "inspection",
            BurdenKind::Signboard => "signboard",
            BurdenKind::Certificate => "certificate",
        }
    }

    /// The name shown to officials.
    pub fn label_zh(self) -> &'static str {
        match self {
            BurdenKind::Materials => "报送材料",
            BurdenKind::Form => "填报报表",
            BurdenKind::Ledger => "台账档案",
            BurdenKind::PeriodicReport => "定期报告",
            BurdenKind::ZeroReport => "零报告",
            BurdenKind::Pledge => "责任状",
            BurdenKind::Veto => "一票否决",
            BurdenKind::Checkin => "打卡签到",
            BurdenKind::AppDownload => "强制下载使用",
            BurdenKind::Ranking => "积分排名",
            BurdenKind::TracePhoto => "拍照留痕",
            BurdenKind::Meeting => "会议",
            BurdenKind::Relay => "层层开会传达",
            BurdenKind::Inspection => "督查检查考核",
            BurdenKind::Signboard => "挂牌上墙",
            BurdenKind::Certificate => "证明事项",
        }
    }

    /// "materials、form、…": the list an error message offers.
    pub fn all_names() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
        names.join("、")
    }
}

impl fmt::Display for BurdenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name is not one of the sixteen kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKind(pub String);

impl FromStr for BurdenKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for kind in BurdenKind::ALL {
            assert_eq!(kind.as_str().parse::<BurdenKind>(), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert!("meetings".parse::<BurdenKind>().is_err());
    }
}
