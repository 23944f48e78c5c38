//! 文种: the 15 kinds of official document that 《党政机关公文处理工作条例》
//! (2012) art. 8 allows.

use std::fmt;
use std::str::FromStr;

/// One of the 15 lawful kinds of party and government document. Its name, stored and in the
/// API, is the 条例's Chinese name; parsing also accepts "命令"/"令"/"命令(令)" and "会议纪要".
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::IntoStaticStr,
    strum::EnumIter,
    strum::EnumMessage,
)]
pub enum DocKind {
    /// 决议
    #[strum(serialize = "决议")]
    Resolution,
    /// 决定
    #[strum(serialize = "决定")]
    Decision,
    /// 命令（令）
    #[strum(
        to_string = "命令（令）",
        serialize = "命令",
        serialize = "令",
        serialize = "命令(令)"
    )]
    Order,
    /// 公报
    #[strum(serialize = "公报")]
    Communique,
    /// 公告
    #[strum(serialize = "公告")]
    Announcement,
    /// 通告
    #[strum(serialize = "通告")]
    PublicNotice,
    /// 意见
    #[strum(serialize = "意见")]
    Opinion,
    /// 通知
    #[strum(serialize = "通知")]
    Notice,
    /// 通报
    #[strum(serialize = "通报")]
    Bulletin,
    /// 报告
    #[strum(serialize = "报告")]
    Report,
    /// 请示
    #[strum(serialize = "请示")]
    Request,
    /// 批复
    #[strum(serialize = "批复")]
    Reply,
    /// 议案
    #[strum(serialize = "议案")]
    Motion,
    /// 函
    #[strum(serialize = "函")]
    Letter,
    /// 纪要
    #[strum(to_string = "纪要", serialize = "会议纪要")]
    Minutes,
}

impl DocKind {
    /// All kinds in the order of the 条例.
    pub fn all() -> impl Iterator<Item = DocKind> {
        <DocKind as strum::IntoEnumIterator>::iter()
    }

    /// The name the 条例 gives the kind.
    pub fn as_str(&self) -> &'static str {
        self.into()
    }

    /// The kind a title names by its last word: "关于……的通知" → 通知.
    /// A trailing bracketed note such as "（试行）" or "（征求意见稿）" is
    /// looked past.
    pub fn from_title(title: &str) -> Option<DocKind> {
        let title = strip_trailing_notes(title);
        // Longer words first: "命令" before "令".
        const ENDINGS: &[(&str, DocKind)] = &[
            ("命令", DocKind::Order),
            ("决议", DocKind::Resolution),
            ("决定", DocKind::Decision),
            ("公报", DocKind::Communique),
            ("公告", DocKind::Announcement),
            ("通告", DocKind::PublicNotice),
            ("意见", DocKind::Opinion),
            ("通知", DocKind::Notice),
            ("通报", DocKind::Bulletin),
            ("报告", DocKind::Report),
            ("请示", DocKind::Request),
            ("批复", DocKind::Reply),
            ("议案", DocKind::Motion),
            ("纪要", DocKind::Minutes),
            ("函", DocKind::Letter),
            ("令", DocKind::Order),
        ];
        ENDINGS
            .iter()
            .find(|(ending, _)| title.ends_with(ending))
            .map(|&(_, kind)| kind)
    }
}

/// "办法（试行）的通知" stays; "实施意见（征求意见稿）" → "实施意见".
fn strip_trailing_notes(title: &str) -> &str {
    let mut t = title.trim_end_matches(|c: char| c.is_whitespace() || c == '。');
    loop {
        let Some(stripped) = t.strip_suffix('）').or_else(|| t.strip_suffix(')')) else {
            return t;
        };
        match stripped.rfind(['（', '(']) {
            Some(open) => t = stripped[..open].trim_end(),
            None => return t,
        }
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the 15 kinds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}”不是《党政机关公文处理工作条例》规定的公文种类")]
pub struct UnknownDocKind(pub String);

impl FromStr for DocKind {
    type Err = UnknownDocKind;

    /// Accepts the 条例's names, "命令"/"令"/"命令(令)" and "会议纪要", with surrounding
    /// whitespace. (Not `strum::EnumString`, which does not trim.)
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim();
        DocKind::all()
            .find(|k| strum::EnumMessage::get_serializations(k).contains(&name))
            .ok_or_else(|| UnknownDocKind(name.to_owned()))
    }
}

impl serde::Serialize for DocKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for DocKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let names: Vec<_> = DocKind::all().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "决议",
                "决定",
                "命令（令）",
                "公报",
                "公告",
                "通告",
                "意见",
                "通知",
                "通报",
                "报告",
                "请示",
                "批复",
                "议案",
                "函",
                "纪要"
            ]
        );
        for kind in DocKind::all() {
            assert_eq!(kind.as_str().parse::<DocKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.as_str());
        }
        assert_eq!("命令(令)".parse::<DocKind>(), Ok(DocKind::Order));
        assert_eq!("令".parse::<DocKind>(), Ok(DocKind::Order));
        assert_eq!(" 命令 ".parse::<DocKind>(), Ok(DocKind::Order));
        assert_eq!("会议纪要".parse::<DocKind>(), Ok(DocKind::Minutes));
        assert_eq!(
            " Notice ".parse::<DocKind>(),
            Err(UnknownDocKind("Notice".into()))
        );
        let err = "便函".parse::<DocKind>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "“便函”不是《党政机关公文处理工作条例》规定的公文种类"
        );
    }

    #[test]
    fn kind_from_title() {
        let cases = [
            ("关于做好2024年基层减负工作的通知", Some(DocKind::Notice)),
            (
                "关于印发《平安县精文减会实施办法（试行）》的通知",
                Some(DocKind::Notice),
            ),
            ("关于商请支持开展专项调研的函", Some(DocKind::Letter)),
            ("关于同意设立某某镇便民服务中心的批复", Some(DocKind::Reply)),
            ("平安县人民政府常务会议纪要", Some(DocKind::Minutes)),
            (
                "关于进一步减轻基层负担的实施意见（征求意见稿）",
                Some(DocKind::Opinion),
            ),
            (
                "关于2023年度整治形式主义为基层减负工作情况的报告",
                Some(DocKind::Report),
            ),
            ("关于申请追加专项经费的请示", Some(DocKind::Request)),
            ("中华人民共和国主席令", Some(DocKind::Order)),
            ("平安县基层减负工作要点", None),
            ("《整治形式主义为基层减负若干规定》", None),
        ];
        for (title, kind) in cases {
            assert_eq!(DocKind::from_title(title), kind, "{title}");
        }
    }

    #[test]
    fn serde_uses_chinese_names() {
        let json = serde_json::to_string(&DocKind::Letter).unwrap();
        assert_eq!(json, "\"函\"");
        let back: DocKind = serde_json::from_str("\"通报\"").unwrap();
        assert_eq!(back, DocKind::Bulletin);
        assert!(serde_json::from_str::<DocKind>("\"便笺\"").is_err());
    }
}
