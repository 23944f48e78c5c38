//! The rule engine. A rule has an id, a Chinese name and description, the regulation it comes
//! from, a severity that follows the wording of the source (不得/严禁 → violation, 一般/原则上 →
//! warning asking for a written justification), and typed integer parameters that a region may
//! change without a rebuild.
//!
//! Rules come in [`RulePack`]s, one or more per module: the pack names the channels whose facts
//! it reads, loads those facts itself and turns them into [`Finding`]s. The packs of the running
//! modules are [`install`]ed once at start (the way a module registers itself); a write
//! re-evaluates only the packs that read its channel ([`packs_reading`]).
mod counts;

mod figures;

pub use counts::{count_rules, CountRules, YearCounts};
pub use figures::{Figure, Figures};

use jianfu_core::AppResult;
use jianfu_store::rules::RuleSetting;
use jianfu_store::Conn;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema, strum::IntoStaticStr)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Severity {
    Violation,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Violation => "违规",
            Severity::Warning => "预警",
        }
    }
}

/// One parameter of a rule: its key, Chinese label, national default and bounds.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParamDef {
    pub key: &'static str,
    pub label: &'static str,
    pub default: i64,
    pub min: i64,
    pub max: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RuleDef {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// The regulation the rule comes from.
    pub source: &'static str,
    pub severity: Severity,
    /// The burden channel the rule is about (documents, meetings, …).
    pub channel: &'static str,
    pub params: &'static [ParamDef],
}

impl RuleDef {
    /// A rule of `channel` (each module keeps a one-line `def` that fills in its channel).
    pub const fn new(
        id: &'static str,
        channel: &'static str,
        text: (&'static str, &'static str, &'static str),
        severity: Severity,
        params: &'static [ParamDef],
    ) -> RuleDef {
        let (name, description, source) = text;
        RuleDef {
            id,
            name,
            description,
            source,
            severity,
            channel,
            params,
        }
    }
}

/// A module's rule ids: an enum per module whose variants name its rules ("meet.duration").
pub trait RuleId: Copy {
    fn id(self) -> &'static str;
}

/// A rule's parameters as a typed struct (see [`rule_params!`]): reading a parameter is a field
/// access, so a mistyped key does not compile.
pub trait RuleParams: Sized {
    const DEFS: &'static [ParamDef];
    fn from_values(values: &Params) -> Self;
}

/// Declares a rule's parameter struct with each field's Chinese label, default and bounds:
///
/// ```ignore
/// rule_params! {
///     pub struct DurationParams {
///         cap_minutes: "一般会议时长上限（分钟）" = 90, 10..=600;
///     }
/// }
/// ```
#[macro_export]
macro_rules! rule_params {
    ($(#[$meta:meta])* $vis:vis struct $name:ident {
        $($field:ident : $label:literal = $default:literal, $min:literal ..= $max:literal;)*
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis struct $name { $(pub $field: i64,)* }

        impl $crate::rules::RuleParams for $name {
            const DEFS: &'static [$crate::rules::ParamDef] = &[$($crate::rules::ParamDef {
                key: stringify!($field), label: $label, default: $default, min: $min, max: $max,
            },)*];
            fn from_values(_values: &$crate::rules::Params) -> Self {
                $name { $($field: _values.get(stringify!($field), $default),)* }
            }
        }
    };
}

/// The parameters of a rule that has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoParams;

impl RuleParams for NoParams {
    const DEFS: &'static [ParamDef] = &[];
    fn from_values(_: &Params) -> Self {
        NoParams
    }
}

/// The effective parameter values of one rule in one region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub BTreeMap<String, i64>);

impl Params {
    pub fn defaults(def: &RuleDef) -> Params {
        Params(
            def.params
                .iter()
                .map(|p| (p.key.to_string(), p.default))
                .collect(),
        )
    }

    pub fn get(&self, key: &str, default: i64) -> i64 {
        self.0.get(key).copied().unwrap_or(default)
    }
}

/// Effective settings of a region: enabled flag and parameters per rule.
#[derive(Debug, Clone, Default)]
pub struct Settings(pub HashMap<&'static str, (bool, Params)>);

impl Settings {
    /// The national defaults of every installed rule with the region's overrides, each value
    /// clamped to its rule's bounds.
    pub fn from_overrides(overrides: &[RuleSetting]) -> Settings {
        let mut out = HashMap::new();
        for def in catalogue() {
            let mut params = Params::defaults(def);
            let mut enabled = true;
            for o in overrides.iter().filter(|o| o.rule_id == def.id) {
                enabled = o.enabled;
                if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&o.params) {
                    for pd in def.params {
                        if let Some(v) = m.get(pd.key).and_then(Value::as_i64) {
                            params.0.insert(pd.key.to_string(), v.clamp(pd.min, pd.max));
                        }
                    }
                }
            }
            out.insert(def.id, (enabled, params));
        }
        Settings(out)
    }

    /// The parameters of a rule when it is enabled in the region.
    pub fn on<P: RuleParams>(&self, rule: impl RuleId) -> Option<P> {
        self.0
            .get(rule.id())
            .filter(|(enabled, _)| *enabled)
            .map(|(_, p)| P::from_values(p))
    }
}

/// What a rule found: one subject that breaks it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule_id: &'static str,
    pub severity: Severity,
    /// Identifies the subject across evaluations, so a warning is raised once.
    pub subject_key: String,
    /// A Chinese sentence naming the subject.
    pub subject: String,
    /// The unit responsible (the issuer or organizer).
    pub unit_id: Option<i64>,
    pub on_date: String,
    pub figures: Figures,
    /// The offending records: (channel, id).
    pub records: Vec<(&'static str, i64)>,
}

impl Finding {
    pub fn new(
        rule: impl RuleId,
        subject_key: String,
        subject: String,
        unit_id: Option<i64>,
        on_date: &str,
    ) -> Finding {
        let id = rule.id();
        Finding {
            rule_id: id,
            severity: self::rule(id).map_or(Severity::Warning, |r| r.severity),
            subject_key,
            subject,
            unit_id,
            on_date: on_date.to_string(),
            figures: Figures::default(),
            records: Vec::new(),
        }
    }

    pub fn figures(mut self, figures: Figures) -> Finding {
        self.figures = figures;
        self
    }

    pub fn records(mut self, records: Vec<(&'static str, i64)>) -> Finding {
        self.records = records;
        self
    }
}

/// The region and years one evaluation covers.
#[derive(Debug, Clone)]
pub struct Scope {
    pub region_id: i64,
    /// Findings outside these years are not reported (they belong to another window).
    pub years: Vec<i32>,
    /// What a single write touched; `None` for a whole evaluation (a full run, a changed
    /// setting or plan).
    pub focus: Option<Focus>,
}

/// What one write of a channel touched: the pack of that channel re-evaluates only the subjects
/// these can change ([`Evaluation::covers`]), not the whole region.
#[derive(Debug, Clone, Default)]
pub struct Focus {
    pub channel: &'static str,
    /// The written records (ids in the channel).
    pub records: Vec<i64>,
    /// The units responsible for them (issuer, organizer), before and after the write.
    pub units: Vec<i64>,
    /// Groups the records belonged to before and after the write, in the module's own terms
    /// (the upper document a document forwards, …).
    pub groups: Vec<String>,
    /// The records' dates, before and after the write.
    pub dates: Vec<chrono::NaiveDate>,
}

impl Focus {
    pub fn new(channel: &'static str) -> Focus {
        Focus {
            channel,
            ..Focus::default()
        }
    }

    /// Adds a record with its unit, group and date (one call for its state before the write,
    /// one for after).
    pub fn touch(
        mut self,
        record: i64,
        unit: i64,
        group: Option<String>,
        date: Option<&str>,
    ) -> Focus {
        push_new(&mut self.records, record);
        push_new(&mut self.units, unit);
        if let Some(g) = group {
            push_new(&mut self.groups, g);
        }
        if let Some(d) = date.and_then(|d| d.get(0..10)?.parse().ok()) {
            push_new(&mut self.dates, d);
        }
        self
    }
}

fn push_new<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

/// What a pack found, and which warnings its findings replace: the live warnings of the
/// covered subjects that are not found again are resolved; other warnings are left alone.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    /// `None`: every rule of the pack over the scope's years.
    pub covers: Option<Vec<Cover>>,
}

impl Evaluation {
    /// Findings over the whole scope.
    pub fn whole(findings: Vec<Finding>) -> Evaluation {
        Evaluation {
            findings,
            covers: None,
        }
    }
}

/// A part of a pack's warnings that a focused evaluation computed in full: some rules, for
/// some subjects or for the findings dated in a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Cover {
    pub rules: Vec<&'static str>,
    pub subjects: Covered,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Covered {
    /// These subject keys.
    Keys(Vec<String>),
    /// Findings dated in `[from, to]` (ISO dates).
    Dates(String, String),
}

impl Cover {
    pub fn keys(rules: &[impl RuleId], keys: Vec<String>) -> Cover {
        Cover {
            rules: rules.iter().map(|r| r.id()).collect(),
            subjects: Covered::Keys(keys),
        }
    }

    pub fn dates(rules: &[impl RuleId], from: chrono::NaiveDate, to: chrono::NaiveDate) -> Cover {
        Cover {
            rules: rules.iter().map(|r| r.id()).collect(),
            subjects: Covered::Dates(from.to_string(), to.to_string()),
        }
    }

    /// Whether a finding (or warning) of `rule` about `key` dated `on_date` lies in this part.
    pub fn holds(&self, rule: &str, key: &str, on_date: &str) -> bool {
        self.rules.contains(&rule)
            && match &self.subjects {
                Covered::Keys(keys) => keys.iter().any(|k| k == key),
                Covered::Dates(from, to) => from.as_str() <= on_date && on_date <= to.as_str(),
            }
    }
}

impl Scope {
    /// The whole of a region over some years.
    pub fn whole(region_id: i64, years: Vec<i32>) -> Scope {
        Scope {
            region_id,
            years,
            focus: None,
        }
    }

    /// The focus of a write to `channel`, when this evaluation follows one.
    pub fn focus_on(&self, channel: &str) -> Option<&Focus> {
        self.focus.as_ref().filter(|f| f.channel == channel)
    }

    /// First and last day of the facts to read: a month of slack on both sides, since cascades
    /// and merged weeks cross year boundaries.
    pub fn window(&self) -> (String, String) {
        let first = self.years.iter().min().copied().unwrap_or(2000);
        let last = self.years.iter().max().copied().unwrap_or(2000);
        (
            format!("{}-12-01", first - 1),
            format!("{}-01-31", last + 1),
        )
    }

    pub fn covers(&self, date: &str) -> bool {
        self.years.contains(&year_of(date))
    }
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Loads a pack's facts for a scope and runs its enabled rules over them.
pub type EvaluateFn =
    for<'a> fn(&'a mut Conn, &'a Scope, &'a Settings) -> BoxFuture<'a, AppResult<Evaluation>>;

/// The rules of a module, the channels whose writes can change their findings, and how to
/// evaluate them.
pub struct RulePack {
    pub name: &'static str,
    pub rules: &'static [RuleDef],
    /// Channels whose facts the pack reads (its own, and for cross-channel rules the others).
    pub reads: &'static [&'static str],
    /// The channel whose writes this pack re-evaluates subject by subject, each subject one of
    /// the write's records, units or groups ([`Focus`]): two such writes wait for each other
    /// only where they share one. `None`: the pack's findings join subjects of different units
    /// (a cascade, a week's visits), and a write waits for any other in its region.
    pub keyed_focus: Option<&'static str>,
    pub evaluate: EvaluateFn,
}

static PACKS: OnceLock<Vec<&'static RulePack>> = OnceLock::new();

/// Registers the rule packs of the running modules. Fails when two rules share an id or a
/// rule's default lies outside its bounds. Installing the same packs again is allowed (tests
/// start many apps in one process); installing other packs after the first is an error.
pub fn install(packs: &[&'static RulePack]) -> Result<(), String> {
    let mut ids = HashSet::new();
    for pack in packs {
        for r in pack.rules {
            if !ids.insert(r.id) {
                return Err(format!("规则编号“{}”被重复定义（{}）", r.id, pack.name));
            }
            for p in r.params {
                if !(p.min <= p.default && p.default <= p.max) {
                    return Err(format!("规则“{}”参数{}的默认值超出范围", r.id, p.key));
                }
            }
        }
    }
    let names = |ps: &[&'static RulePack]| ps.iter().map(|p| p.name).collect::<Vec<_>>();
    let installed = PACKS.get_or_init(|| packs.to_vec());
    if names(installed) != names(packs) {
        return Err("规则包已按另一组模块注册".into());
    }
    Ok(())
}

fn packs() -> &'static [&'static RulePack] {
    PACKS.get().map(Vec::as_slice).unwrap_or(&[])
}

/// Every installed rule, in the order of the modules.
pub fn catalogue() -> impl Iterator<Item = &'static RuleDef> {
    packs().iter().flat_map(|p| p.rules.iter())
}

pub fn rule(id: &str) -> Option<&'static RuleDef> {
    catalogue().find(|r| r.id == id)
}

/// The packs that a write to `channel` can change.
pub fn packs_reading(channel: &str) -> Vec<&'static RulePack> {
    packs()
        .iter()
        .copied()
        .filter(|p| p.reads.contains(&channel))
        .collect()
}

pub fn all_packs() -> Vec<&'static RulePack> {
    packs().to_vec()
}

/// Rules that text analysis already points to but whose modules come later (forms, apps,
/// inspections, duties, villages): their Chinese names, so a finding reads well today.
const LATER_RULES: &[(&str, &str)] = &[
    ("form.daily_zero_report", "日报告、零报告"),
    ("form.catalog", "报表、台账未纳入目录"),
    (
        "digital.five_donts",
        "打卡、排名、强制下载（指尖上的形式主义）",
    ),
    ("inspect.trace_scoring", "以拍照留痕评判工作"),
    ("inspect.plan", "督查检查考核未列入计划"),
    ("duty.veto_pledge", "一票否决、责任状"),
    ("village.signboards", "村级组织挂牌"),
    ("village.certificates", "村级组织出具证明"),
];

/// The Chinese name of an installed rule, or of one a later module will bring.
pub fn rule_name(id: &str) -> Option<&'static str> {
    rule(id)
        .map(|r| r.name)
        .or_else(|| LATER_RULES.iter().find(|(k, _)| *k == id).map(|(_, n)| *n))
}

pub fn year_of(date: &str) -> i32 {
    date.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(0)
}

/// The national texts most rules cite.
pub const SRC_2024: &str =
    "中共中央办公厅、国务院办公厅《整治形式主义为基层减负若干规定》（2024年）";
pub const SRC_2019: &str = "中共中央办公厅《关于解决形式主义突出问题为基层减负的通知》（2019年）";

#[cfg(test)]
mod tests {
    use super::*;

    rule_params! {
        struct Limits {
            general_limit: "一般文件字数上限" = 5000, 500..=50000;
            notice_limit: "通知字数上限" = 5000, 500..=50000;
        }
    }

    #[derive(Clone, Copy)]
    struct Length;
    impl RuleId for Length {
        fn id(self) -> &'static str {
            "test.length"
        }
    }

    static RULES: &[RuleDef] = &[RuleDef::new(
        "test.length",
        "tests",
        ("字数超标", "测试规则", "测试"),
        Severity::Warning,
        Limits::DEFS,
    )];

    /// A pack of one rule that finds nothing: the engine's own tests need no module.
    static PACK: RulePack = RulePack {
        name: "tests",
        rules: RULES,
        reads: &["tests"],
        keyed_focus: None,
        evaluate: |_, _, _| Box::pin(async { Ok(Evaluation::whole(Vec::new())) }),
    };

    #[test]
    fn overrides_are_clamped_to_their_range() {
        install(&[&PACK]).expect("rule packs");
        let o = RuleSetting {
            rule_id: "test.length".into(),
            enabled: true,
            params: r#"{"notice_limit": 3000, "general_limit": 1}"#.into(),
        };
        let s = Settings::from_overrides(&[o]);
        let p: Limits = s.on(Length).expect("enabled");
        assert_eq!((p.notice_limit, p.general_limit), (3000, 500));
    }

    #[test]
    fn installed_catalogue_is_consistent() {
        install(&[&PACK]).expect("rule packs");
        assert_eq!(catalogue().count(), PACK.rules.len());
        assert!(install(&[&PACK]).is_ok());
        assert!(install(&[]).is_err());
        assert!(install(&[&PACK, &PACK]).unwrap_err().contains("重复"));
    }
}
