//! The kinds of burden a draft document can put on grassroots units.

use std::fmt;
use std::str::FromStr;

/// What a sentence demands of grassroots units (SPEC §5, `burdens[].kind`). Its stable name,
/// in the API and in the data files, is the snake_case name; its label is Chinese.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    strum::IntoStaticStr,
    strum::EnumIter,
    strum::EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum BurdenKind {
    /// 报送材料: reports, summaries, supporting documents to submit.
    #[strum(message = "报送材料")]
    Materials,
    /// 填报报表: forms and tables to fill.
    #[strum(message = "填报报表")]
    Form,
    /// 台账: ledgers, logs, files to keep.
    #[strum(message = "台账档案")]
    Ledger,
    /// 日报告、周报、月报: recurring reports.
    #[strum(message = "定期报告")]
    PeriodicReport,
    /// 零报告: reporting even when there is nothing to report.
    #[strum(message = "零报告")]
    ZeroReport,
    /// 责任状、承诺书: pledges to sign.
    #[strum(message = "责任状")]
    Pledge,
    /// 一票否决.
    #[strum(message = "一票否决")]
    Veto,
    /// 打卡签到、在线时长、接龙.
    #[strum(message = "打卡签到")]
    Checkin,
    /// 强制下载、注册、关注、转发、点赞.
    #[strum(message = "强制下载使用")]
    AppDownload,
    /// 积分排名.
    #[strum(message = "积分排名")]
    Ranking,
    /// 拍照留痕.
    #[strum(message = "拍照留痕")]
    TracePhoto,
    /// 会议: meetings to hold or attend.
    #[strum(message = "会议")]
    Meeting,
    /// 层层开会、逐级传达.
    #[strum(message = "层层开会传达")]
    Relay,
    /// 督查检查考核、调研.
    #[strum(message = "督查检查考核")]
    Inspection,
    /// 挂牌上墙.
    #[strum(message = "挂牌上墙")]
    Signboard,
    /// 证明事项: certificates a village must issue.
    #[strum(message = "证明事项")]
    Certificate,
}

impl BurdenKind {
    /// Every kind, in declaration order.
    pub fn all() -> impl Iterator<Item = BurdenKind> {
        <BurdenKind as strum::IntoEnumIterator>::iter()
    }

    /// The stable snake_case name used in the API and in the data files.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The name shown to officials.
    pub fn label_zh(self) -> &'static str {
        strum::EnumMessage::get_message(&self).unwrap_or_default()
    }

    /// "materials、form、…": the list an error message offers.
    pub fn all_names() -> String {
        let names: Vec<&str> = Self::all().map(|k| k.as_str()).collect();
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

/// Trims its input, so not `strum::EnumString`.
impl FromStr for BurdenKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::all()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for kind in BurdenKind::all() {
            assert_eq!(kind.as_str().parse::<BurdenKind>(), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert!("meetings".parse::<BurdenKind>().is_err());
        assert_eq!(" veto ".parse::<BurdenKind>(), Ok(BurdenKind::Veto));
        assert_eq!(
            " Veto".parse::<BurdenKind>(),
            Err(UnknownKind(" Veto".into()))
        );
        let got: Vec<_> = BurdenKind::all()
            .map(|k| (k.as_str(), k.label_zh()))
            .collect();
        assert_eq!(
            got,
            [
                ("materials", "报送材料"),
                ("form", "填报报表"),
                ("ledger", "台账档案"),
                ("periodic_report", "定期报告"),
                ("zero_report", "零报告"),
                ("pledge", "责任状"),
                ("veto", "一票否决"),
                ("checkin", "打卡签到"),
                ("app_download", "强制下载使用"),
                ("ranking", "积分排名"),
                ("trace_photo", "拍照留痕"),
                ("meeting", "会议"),
                ("relay", "层层开会传达"),
                ("inspection", "督查检查考核"),
                ("signboard", "挂牌上墙"),
                ("certificate", "证明事项"),
            ]
        );
    }
}
