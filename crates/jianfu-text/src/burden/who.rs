//! Who must do what a sentence demands (承担主体): townships, villages,
//! grassroots units in general, the county's own departments, or the
//! county office and upper units. Only the first three are grassroots
//! burdens (基层负担); a demand on 县直各部门 or on 县委办 itself is not.
//!
//! The bearer is read from the units the sentence names (`[who]` of the
//! lexicon), skipping those that receive, host or sign with it ("报县财政局",
//! "向市委", "与县委", "传达到各村") and those that act on another ("县教育局
//! 将组织专家对各学校…", "街道部署的"). A lower unit wins over an upper one:
//! in "县委将对各乡镇…开展考核" the townships bear the inspection.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::lexicon::Lexicon;

/// Who bears a demand (`who` of the API and of `burden_heldout.tsv`).
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
pub enum Who {
    /// 乡镇（街道）.
    #[strum(message = "乡镇")]
    Township,
    /// 村（社区）.
    #[strum(message = "村（社区）")]
    Village,
    /// Both, 基层 in general, or grassroots service units (学校、卫生院).
    #[strum(message = "基层")]
    Grassroots,
    /// The county's own departments (县直各部门、成员单位).
    #[strum(message = "县直部门")]
    Department,
    /// The county office itself (县委办) or upper units (市委).
    #[strum(message = "上级机关")]
    Upper,
}

impl Who {
    /// Every class, in declaration order.
    pub fn all() -> impl Iterator<Item = Who> {
        <Who as strum::IntoEnumIterator>::iter()
    }

    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The name shown to officials.
    pub fn label_zh(self) -> &'static str {
        strum::EnumMessage::get_message(&self).unwrap_or_default()
    }

    /// Whether a demand on this bearer is a burden on grassroots units.
    pub fn is_grassroots(self) -> bool {
        matches!(self, Who::Township | Who::Village | Who::Grassroots)
    }
}

impl std::str::FromStr for Who {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::all()
            .find(|w| w.as_str() == s.trim())
            .ok_or_else(|| s.to_string())
    }
}

/// What joins two units of one list: 各乡镇、各村.
const JOINERS: [&str; 5] = ["、", "和", "及", "以及", "或"];

/// A unit named in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Mention {
    range: Range<usize>,
    /// None for a topic ("基层减负工作"), which names no unit.
    who: Option<Who>,
}

/// Who bears what `sentence` demands; grassroots units in general when it
/// names none.
pub fn who_of(sentence: &str, lex: &Lexicon) -> Who {
    match super::detect(sentence, lex).first() {
        Some(b) => b.who,
        None => bearer(sentence, lex, false),
    }
}

/// Who bears the demands of `sentence`. When it only applies something to
/// units (`applied`: inspections, rankings, a veto), the unit it is applied
/// to bears it: in "各乡镇要对所辖村的台账管理情况开展检查" the villages.
pub(crate) fn bearer(sentence: &str, lex: &Lexicon, applied: bool) -> Who {
    let mut mentions = mentions(sentence, lex);
    if applied {
        let object = mentions.iter().position(|m| {
            let before = &sentence[..m.range.start];
            let before = ["所辖", "所属", "辖区内", "本辖区"]
                .iter()
                .find_map(|w| before.strip_suffix(w))
                .unwrap_or(before);
            m.who.is_some() && before.ends_with('对')
        });
        if let Some(i) = object {
            mentions.drain(..i);
        }
    }
    // (who, named together with the unit before it or led by it)
    let mut bearers: Vec<(Who, bool)> = Vec::new();
    // Units acting on others (县教育局将组织专家对各学校…): bearers only
    // when no other unit is.
    let mut actors: Vec<(Who, bool)> = Vec::new();
    // (end, receives) of the previous unit: "传达到所属各村、各单位" lists
    // receivers.
    let mut previous: Option<(usize, bool)> = None;
    for m in mentions {
        let Some(who) = m.who else { continue };
        let before = &sentence[..m.range.start];
        let joined = previous.filter(|(end, _)| {
            *end <= m.range.start && JOINERS.contains(&&sentence[*end..m.range.start])
        });
        let receives = match joined {
            Some((_, receives)) => receives,
            None => lex.who.receives(before),
        };
        let together = joined.is_some() || lex.who.leads(before);
        previous = Some((m.range.end, receives));
        if receives {
            continue;
        }
        match lex.who.acts(&sentence[m.range.end..]) {
            true => actors.push((who, together)),
            false => bearers.push((who, together)),
        }
    }
    let lower_of = |units: &[(Who, bool)]| -> Vec<(Who, bool)> {
        units
            .iter()
            .copied()
            .filter(|(w, _)| *w != Who::Upper)
            .collect()
    };
    // "县里将适时对落实情况进行督导": the upper unit acts on units it
    // does not name.
    if bearers.is_empty() && !actors.is_empty() && actors.iter().all(|(w, _)| *w == Who::Upper) {
        return Who::Grassroots;
    }
    let mut lower = lower_of(&bearers);
    if lower.is_empty() {
        lower = lower_of(&actors);
        bearers.extend(actors);
    }
    let Some((first, _)) = lower.first().copied() else {
        return match bearers.is_empty() {
            true => Who::Grassroots,
            false => Who::Upper,
        };
    };
    let with = |w: Who| lower[1..].iter().any(|(x, together)| *together && *x == w);
    match first {
        Who::Township if with(Who::Village) || with(Who::Grassroots) => Who::Grassroots,
        Who::Village if with(Who::Township) || with(Who::Grassroots) => Who::Grassroots,
        first => first,
    }
}

/// The units `sentence` names, in order: the lexicon's phrases, and the
/// county's bureaus (县…局) outside them.
fn mentions(sentence: &str, lex: &Lexicon) -> Vec<Mention> {
    static BUREAU: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"县[\p{Han}]{1,8}?局").expect("the bureau pattern is valid (tested)")
    });
    let mut out: Vec<Mention> = lex.who.find(sentence).collect();
    for m in BUREAU.find_iter(sentence) {
        if !out
            .iter()
            .any(|o| o.range.start < m.end() && m.start() < o.range.end)
        {
            out.push(Mention {
                range: m.range(),
                who: Some(Who::Department),
            });
        }
    }
    out.sort_by_key(|m| m.range.start);
    out
}

/// The compiled `[who]` section of the lexicon.
#[derive(Debug, Clone, Default)]
pub(crate) struct WhoTable {
    units: Option<aho_corasick::AhoCorasick>,
    /// None for a topic ("基层减负"), which names no unit.
    classes: Vec<Option<Who>>,
    receives_before: Vec<String>,
    acts_after: Vec<String>,
    leads_before: Vec<String>,
}

impl WhoTable {
    pub(crate) fn new(
        units: Option<aho_corasick::AhoCorasick>,
        classes: Vec<Option<Who>>,
        receives_before: Vec<String>,
        acts_after: Vec<String>,
        leads_before: Vec<String>,
    ) -> Self {
        WhoTable {
            units,
            classes,
            receives_before,
            acts_after,
            leads_before,
        }
    }

    fn find<'a>(&'a self, sentence: &'a str) -> impl Iterator<Item = Mention> + 'a {
        self.units
            .iter()
            .flat_map(move |ac| ac.find_iter(sentence))
            .map(|m| Mention {
                range: m.range(),
                who: self.classes[m.pattern().as_usize()],
            })
    }

    /// Whether the text before a unit makes it a receiver, host or partner.
    fn receives(&self, before: &str) -> bool {
        self.receives_before.iter().any(|w| before.ends_with(w))
    }

    /// Whether the text before a unit makes it led by the one before.
    fn leads(&self, before: &str) -> bool {
        let before = before.strip_suffix("所属").unwrap_or(before);
        self.leads_before.iter().any(|w| before.ends_with(w))
    }

    /// Whether the text after a unit makes it act on another.
    fn acts(&self, after: &str) -> bool {
        self.acts_after.iter().any(|w| after.starts_with(w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(s: &str) -> Who {
        who_of(s, Lexicon::builtin())
    }

    #[test]
    fn names_round_trip_and_labels_are_chinese() {
        for w in Who::all() {
            assert_eq!(w.as_str().parse::<Who>(), Ok(w));
            let json = serde_json::to_string(&w).unwrap();
            assert_eq!(json, format!("\"{}\"", w.as_str()));
        }
        let labels: Vec<&str> = Who::all().map(Who::label_zh).collect();
        assert_eq!(
            labels,
            ["乡镇", "村（社区）", "基层", "县直部门", "上级机关"]
        );
        assert!(Who::Village.is_grassroots() && !Who::Department.is_grassroots());
    }

    #[test]
    fn the_subject_bears_the_demand() {
        assert_eq!(who("各乡镇要建立工作台账。"), Who::Township);
        assert_eq!(who("各村（社区）要每周报送进展。"), Who::Village);
        assert_eq!(who("各乡镇及所属村要建立台账。"), Who::Grassroots);
        assert_eq!(who("各乡镇要督促各村每月报送。"), Who::Grassroots);
        assert_eq!(who("各学校要组织家长签订承诺书。"), Who::Grassroots);
        assert_eq!(who("县直各部门要签订责任书。"), Who::Department);
        assert_eq!(who("县委办公室要建立发文统计台账。"), Who::Upper);
        assert_eq!(who("要建立台账。"), Who::Grassroots);
        assert_eq!(who("请各乡镇组织所属村召开会议。"), Who::Grassroots);
        assert_eq!(
            who("请各乡镇将优秀村干部推荐名单报县委组织部。"),
            Who::Township
        );
        assert_eq!(who("县委办公室要向市委报送基层减负工作总结。"), Who::Upper);
    }

    #[test]
    fn receivers_and_actors_do_not_bear_it() {
        assert_eq!(who("各村要于月底前报乡镇民政办。"), Who::Village);
        assert_eq!(who("各镇街要将精神传达到所属各村。"), Who::Township);
        assert_eq!(
            who("县应急管理局将对各乡镇安全生产工作进行明察暗访。"),
            Who::Township
        );
        assert_eq!(who("县委将对县直各部门开展年度绩效考核。"), Who::Department);
        assert_eq!(who("市委将对各县（区）进行综合评价并排名。"), Who::Upper);
        assert_eq!(who("县里将适时对落实情况进行督导。"), Who::Grassroots);
        assert_eq!(
            who("各乡镇要对所辖村的台账管理情况开展检查。"),
            Who::Village
        );
    }
}
