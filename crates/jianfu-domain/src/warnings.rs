//! 预警: findings of the rules become warnings, one live warning per rule and subject.
//! Evaluation runs inside every write's transaction (the warning appears at once): the written
//! channel's pack re-evaluates only the subjects the write touched (its [`Focus`]), other packs
//! that read the channel the whole region over the years the write touches; a full run
//! (`jianfu rules run`), a changed setting or plan evaluates whole regions.
//! Warnings whose cause went away are resolved automatically; their history is kept.
use crate::audit::{self, Change};
use crate::policy::{self, Action};
use crate::rules::{
    self, Cover, Covered, Evaluation, Finding, Focus, RuleDef, RulePack, Scope, Settings,
};
use chrono::{Datelike, NaiveDate};
use jianfu_core::{Actor, AppError, AppResult, Page, Paged};
use jianfu_store::rules::{self as store, NewWarning, Warning, WarningEventRow, WarningFilter};
use jianfu_store::{org, Conn, Db, Tx};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// What an evaluation changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub raised: usize,
    /// Resolved warnings whose cause returned.
    pub reopened: usize,
    pub updated: usize,
    pub resolved: usize,
    pub live: usize,
}

impl Outcome {
    fn add(&mut self, o: Outcome) {
        self.raised += o.raised;
        self.reopened += o.reopened;
        self.updated += o.updated;
        self.resolved += o.resolved;
        self.live += o.live;
    }
}

/// Evaluates the given rule packs over a region and some years and reconciles their warnings
/// (and only theirs: the warnings of other packs are not touched).
pub async fn evaluate_region(
    tx: &mut Tx,
    region: i64,
    years: &[i32],
    packs: &[&'static RulePack],
) -> AppResult<Outcome> {
    evaluate(tx, Scope::whole(region, years.to_vec()), packs).await
}

/// Evaluates the packs over a scope and reconciles, pack by pack, the warnings each one covers.
pub async fn evaluate(
    tx: &mut Tx,
    scope: Scope,
    packs: &[&'static RulePack],
) -> AppResult<Outcome> {
    let started = std::time::Instant::now();
    store::lock(tx, &lock_keys(&scope, packs)).await?;
    let settings = Settings::from_overrides(&store::settings(tx, scope.region_id).await?);
    let mut outcome = Outcome::default();
    for pack in packs {
        let evaluated = (pack.evaluate)(tx, &scope, &settings).await?;
        outcome.add(reconcile(tx, &scope, pack, evaluated).await?);
    }
    tracing::debug!(
        region = scope.region_id,
        packs = packs.len(),
        focused = scope.focus.is_some(),
        ms = started.elapsed().as_millis() as u64,
        raised = outcome.raised,
        "rules evaluated"
    );
    Ok(outcome)
}

/// The advisory locks of an evaluation (`store::lock`): a pack evaluated for a write it
/// re-evaluates subject by subject ([`RulePack::keyed_focus`]) shares its region's lock and
/// takes one per record, unit and group of the write; any other evaluation of a pack takes its
/// region's lock alone. Keys are hashes of the pack, the region and the subject.
fn lock_keys(scope: &Scope, packs: &[&'static RulePack]) -> Vec<(i64, bool)> {
    let region = scope.region_id;
    let mut keys = Vec::new();
    for pack in packs {
        let key = |subject: &str| lock_key(&format!("{}|{region}|{subject}", pack.name));
        match pack.keyed_focus.and_then(|c| scope.focus_on(c)) {
            Some(f) => {
                keys.push((key("region"), false));
                keys.extend(
                    f.records
                        .iter()
                        .map(|r| (key(&format!("record:{r}")), true)),
                );
                keys.extend(f.units.iter().map(|u| (key(&format!("unit:{u}")), true)));
                keys.extend(f.groups.iter().map(|g| (key(&format!("group:{g}")), true)));
            }
            None => keys.push((key("region"), true)),
        }
    }
    keys
}

/// A stable 64-bit key (FNV-1a): every server process of one database must compute the same.
fn lock_key(name: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

/// The live warnings of a pack that an evaluation covers.
async fn covered_warnings(
    tx: &mut Tx,
    scope: &Scope,
    pack: &RulePack,
    covers: Option<&[Cover]>,
) -> AppResult<Vec<Warning>> {
    let region = scope.region_id;
    let Some(covers) = covers else {
        let (first, last) = (
            scope.years.iter().min().copied().unwrap_or(2000),
            scope.years.iter().max().copied().unwrap_or(2000),
        );
        let rule_ids: Vec<&str> = pack.rules.iter().map(|r| r.id).collect();
        return Ok(store::live_warnings(
            tx,
            region,
            &format!("{first}-01-01"),
            &format!("{last}-12-31"),
            &rule_ids,
        )
        .await?);
    };
    let mut out: Vec<Warning> = Vec::new();
    for cover in covers {
        let found = match &cover.subjects {
            Covered::Keys(keys) => store::live_warnings_of(tx, region, &cover.rules, keys).await?,
            Covered::Dates(from, to) => {
                store::live_warnings(tx, region, from, to, &cover.rules).await?
            }
        };
        for w in found {
            if !out.iter().any(|o| o.id == w.id) {
                out.push(w);
            }
        }
    }
    Ok(out)
}

async fn reconcile(
    tx: &mut Tx,
    scope: &Scope,
    pack: &RulePack,
    evaluated: Evaluation,
) -> AppResult<Outcome> {
    let region = scope.region_id;
    let covers = evaluated.covers.as_deref();
    let live = covered_warnings(tx, scope, pack, covers).await?;
    let mut by_key: HashMap<(String, String), Warning> = live
        .into_iter()
        .map(|w| ((w.rule_id.clone(), w.subject_key.clone()), w))
        .collect();
    let now = jianfu_core::time::now();
    let mut out = Outcome::default();
    let mut seen = HashSet::new();
    let mut fresh: Vec<(Finding, String, String)> = Vec::new();
    // A focused evaluation answers only for what it covers: a finding outside it would meet
    // a warning it did not load.
    let findings = evaluated.findings.into_iter().filter(|f| {
        covers.is_none_or(|cs| {
            cs.iter()
                .any(|c| c.holds(f.rule_id, &f.subject_key, &f.on_date))
        })
    });
    for f in findings {
        if !seen.insert((f.rule_id, f.subject_key.clone())) {
            continue;
        }
        out.live += 1;
        let figures = f.figures.to_json().to_string();
        let records = serde_json::to_string(&f.records).unwrap_or_else(|_| "[]".into());
        match by_key.remove(&(f.rule_id.to_string(), f.subject_key.clone())) {
            Some(w)
                if w.figures == figures
                    && w.subject == f.subject
                    && w.records == records
                    && w.on_date == f.on_date
                    && w.unit_id == f.unit_id => {}
            Some(w) => {
                store::refresh_warning(
                    tx,
                    w.id,
                    &new_warning(region, &f, &figures, &records),
                    &now,
                )
                .await?;
                store::add_event(tx, w.id, "系统", "updated", Some(&f.subject), &now).await?;
                out.updated += 1;
            }
            None => fresh.push((f, figures, records)),
        }
    }
    // The warning of a rule and subject is one warning for its whole life: when its cause
    // returns, the resolved one reopens with its status, justification and history.
    let keys: Vec<(&str, &str)> = fresh
        .iter()
        .map(|(f, _, _)| (f.rule_id, f.subject_key.as_str()))
        .collect();
    let mut resolved: HashMap<(String, String), i64> =
        store::resolved_warnings_of(tx, region, &keys)
            .await?
            .into_iter()
            .map(|w| ((w.rule_id, w.subject_key), w.id))
            .collect();
    let mut rows: Vec<NewWarning> = Vec::with_capacity(fresh.len());
    for (f, figures, records) in &fresh {
        let row = new_warning(region, f, figures, records);
        match resolved.remove(&(f.rule_id.to_string(), f.subject_key.clone())) {
            Some(id) => {
                store::reopen_warning(tx, id, &row, &now).await?;
                let note = format!("原因再次出现，预警重新开启：{}", f.subject);
                store::add_event(tx, id, "系统", "reopened", Some(&note), &now).await?;
                out.reopened += 1;
            }
            None => rows.push(row),
        }
    }
    // New warnings and resolutions are written in batches: a full run over a province raises
    // hundreds of thousands. The "raised" event is the warning's own `raised_at` (see `get`).
    store::insert_warnings(tx, &rows, &now).await?;
    out.raised += rows.len();
    let gone: Vec<i64> = by_key.into_values().map(|w| w.id).collect();
    store::resolve_warnings(tx, &gone, "原因已消除，自动解除", &now).await?;
    out.resolved += gone.len();
    Ok(out)
}

fn new_warning<'a>(
    region: i64,
    f: &'a Finding,
    figures: &'a str,
    records: &'a str,
) -> NewWarning<'a> {
    NewWarning {
        region_id: region,
        rule_id: f.rule_id,
        severity: f.severity.as_str(),
        subject_key: &f.subject_key,
        subject: &f.subject,
        unit_id: f.unit_id,
        figures,
        records,
        on_date: &f.on_date,
    }
}

/// After a write to a channel: the rule packs that read the channel, over the region and the
/// years of the changed dates and the years after them (this year's count is next year's
/// baseline). With a focus, the channel's own pack re-evaluates only what the write touched.
pub async fn evaluate_after_write(
    tx: &mut Tx,
    channel: &str,
    region: i64,
    dates: &[NaiveDate],
    focus: Option<Focus>,
) -> AppResult<Outcome> {
    let scope = Scope {
        region_id: region,
        years: years_after(dates),
        focus,
    };
    evaluate(tx, scope, &rules::packs_reading(channel)).await
}

fn years_after(dates: &[NaiveDate]) -> Vec<i32> {
    let mut years: Vec<i32> = dates
        .iter()
        .flat_map(|d| [d.year(), d.year() + 1])
        .collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// The full re-evaluation of every region and year (`jianfu rules run`).
pub async fn run_all(db: &Db) -> AppResult<Outcome> {
    let regions = jianfu_store::burden::region_years(&mut db.reader()).await?;
    let mut total = Outcome::default();
    for (region, years) in regions {
        total.add(run_region(db, region, with_next(years)).await?);
    }
    // A full run may raise thousands of warnings at once: without fresh statistics PostgreSQL
    // keeps planning the warning lookups of every later write as if the table were small.
    store::analyze_warnings(db).await?;
    Ok(total)
}

/// A region's years with items and the year after the last (whose baseline they are).
fn with_next(mut years: Vec<i32>) -> Vec<i32> {
    if let Some(last) = years.last().copied() {
        years.push(last + 1);
    }
    years
}

async fn run_region(db: &Db, region: i64, years: Vec<i32>) -> AppResult<Outcome> {
    let mut tx = db.begin().await?;
    let o = evaluate_region(&mut tx, region, &years, &rules::all_packs()).await?;
    tx.commit().await?;
    Ok(o)
}

/// A rule as `GET /api/v1/rules` shows it: the definition and the values in force in the caller's region.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RuleView {
    #[serde(flatten)]
    pub rule: RuleDef,
    pub enabled: bool,
    pub values: std::collections::BTreeMap<String, i64>,
}

async fn region_of(conn: &mut Conn, actor: &Actor) -> AppResult<i64> {
    let root = org::get(conn, actor.scope_root)
        .await?
        .ok_or(AppError::NotFound("单位"))?;
    Ok(root.region_id.unwrap_or(root.id))
}

pub async fn list_rules(db: &Db, actor: &Actor) -> AppResult<Vec<RuleView>> {
    policy::ensure(actor, Action::ViewWarnings)?;
    let mut conn = db.reader();
    let region = region_of(&mut conn, actor).await?;
    let settings = Settings::from_overrides(&store::settings(&mut conn, region).await?);
    Ok(rules::catalogue()
        .map(|r| {
            let (enabled, params) = settings.0.get(r.id).cloned().unwrap_or_default();
            RuleView {
                rule: r.clone(),
                enabled,
                values: params.0,
            }
        })
        .collect())
}

/// Input of `PUT /api/v1/rules/{id}`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleUpdate {
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Parameter values by key; keys not given keep their value.
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, i64>,
}

/// Changes a rule for the actor's region and re-evaluates the region.
pub async fn update_rule(
    db: &Db,
    actor: &Actor,
    rule_id: &str,
    input: RuleUpdate,
) -> AppResult<RuleView> {
    policy::ensure(actor, Action::ManageRules)?;
    let def = rules::rule(rule_id).ok_or(AppError::NotFound("规则"))?;
    let mut tx = db.begin().await?;
    let region = region_of(&mut tx, actor).await?;
    let own = store::own_settings(&mut tx, region).await?;
    let current = Settings::from_overrides(&store::settings(&mut tx, region).await?);
    let (was_enabled, mut values) = current.0.get(def.id).cloned().unwrap_or_default();
    let mut stored: std::collections::BTreeMap<String, i64> = own
        .iter()
        .find(|o| o.rule_id == def.id)
        .and_then(|o| serde_json::from_str(&o.params).ok())
        .unwrap_or_default();
    for (k, v) in &input.params {
        let pd = def
            .params
            .iter()
            .find(|p| p.key == k)
            .ok_or_else(|| AppError::Validation {
                code: "unknown_field",
                message: format!("规则“{}”没有参数“{k}”", def.name),
                field: Some(format!("params.{k}")),
            })?;
        if *v < pd.min || *v > pd.max {
            return Err(AppError::Validation {
                code: "invalid_field",
                message: format!("{}应在{}至{}之间", pd.label, pd.min, pd.max),
                field: Some(format!("params.{k}")),
            });
        }
        stored.insert(k.clone(), *v);
        values.0.insert(k.clone(), *v);
    }
    let enabled = input.enabled.unwrap_or(was_enabled);
    let params_json = serde_json::to_string(&stored).unwrap_or_else(|_| "{}".into());
    store::save_setting(
        &mut tx,
        region,
        def.id,
        enabled,
        &params_json,
        &jianfu_core::time::now(),
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        Change {
            action: "rule.update",
            entity: "rule_setting",
            entity_id: format!("{region}:{}", def.id),
            region_id: Some(region),
            before: None,
            after: Some(&serde_json::json!({"enabled": enabled, "params": stored})),
            summary: format!(
                "调整规则“{}”：{}",
                def.name,
                if enabled {
                    params_json.clone()
                } else {
                    "停用".into()
                }
            ),
        },
    )
    .await?;
    // Re-evaluate the rule's pack in every region under this one: a city's setting applies
    // to its counties.
    let pack: Vec<&'static RulePack> = rules::all_packs()
        .into_iter()
        .filter(|p| p.rules.iter().any(|r| r.id == def.id))
        .collect();
    for (r, years) in jianfu_store::burden::region_years(&mut tx).await? {
        if org::is_within(&mut tx, region, r).await? {
            evaluate_region(&mut tx, r, &with_next(years), &pack).await?;
        }
    }
    tx.commit().await?;
    Ok(RuleView {
        rule: def.clone(),
        enabled,
        values: values.0,
    })
}

#[derive(Debug, Clone, Default)]
pub struct ListWarnings {
    pub rule: Option<String>,
    pub unit: Option<i64>,
    pub status: Option<String>,
    pub severity: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A warning's statuses. `open` as a filter means every warning still to be dealt with
/// (everything but closed and resolved), a returned one included: the unit has to answer it.
pub const STATUSES: [&str; 6] = [
    "open",
    "justified",
    "returned",
    "acknowledged",
    "closed",
    "resolved",
];

pub fn status_label(s: &str) -> &'static str {
    match s {
        "open" => "待处理",
        "justified" => "已说明理由",
        "returned" => "已退回",
        "acknowledged" => "已确认",
        "closed" => "已办结",
        "resolved" => "已自动解除",
        _ => "",
    }
}

pub async fn list(
    db: &Db,
    actor: &Actor,
    f: ListWarnings,
    page: Page,
) -> AppResult<Paged<WarningView>> {
    policy::ensure(actor, Action::ViewWarnings)?;
    let mut conn = db.reader();
    if let Some(u) = f.unit {
        policy::ensure_in_scope(&mut conn, actor, u, Some("unit")).await?;
    }
    if let Some(r) = &f.rule {
        if rules::rule(r).is_none() {
            return Err(AppError::invalid("rule", "不存在"));
        }
    }
    let filter = WarningFilter {
        scope_root: policy::scope_filter(actor),
        unit: policy::own_unit_only(actor).or(f.unit),
        rule: f.rule,
        status: f.status,
        severity: f.severity,
        from: f.from.map(|d| d.to_string()),
        to: f.to.map(|d| d.to_string()),
    };
    let (items, total) =
        store::list_warnings(&mut conn, &filter, page.limit(), page.offset()).await?;
    Ok(Paged::new(
        items.into_iter().map(WarningView::from).collect(),
        total,
        page,
    ))
}

/// A warning as the API and the pages show it: its figures and records as JSON, not as the
/// text the database keeps.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WarningView {
    pub id: i64,
    pub region_id: i64,
    pub rule_id: String,
    /// violation|warning
    pub severity: String,
    pub subject_key: String,
    pub subject: String,
    pub unit_id: Option<i64>,
    /// The figures that broke the rule, by key, each with its Chinese label, value and unit.
    #[schema(value_type = Object)]
    pub figures: serde_json::Map<String, serde_json::Value>,
    /// The offending records.
    pub records: Vec<RecordRef>,
    /// open|justified|returned|acknowledged|closed|resolved
    pub status: String,
    pub on_date: String,
    pub raised_at: String,
    pub updated_at: String,
    pub resolved_at: Option<String>,
    pub justification: Option<String>,
}

/// A record a warning is about: its channel (documents|meetings|…) and id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordRef {
    pub channel: String,
    pub id: i64,
}

impl WarningView {
    /// Each stored figure with its label (figures stored before they carried labels read as 数据项).
    pub fn labelled_figures(&self) -> Vec<(String, rules::Figure)> {
        rules::Figures::parse(&serde_json::Value::Object(self.figures.clone()).to_string())
    }
}

/// A warning's date: the date of the matter, but never after the day it was raised — a finding
/// over a year in progress is reckoned at 31 December, and a meeting planned ahead is held
/// later, yet the warning exists from the day it was raised, not from a day still to come.
pub fn dated(on_date: &str, raised_at: &str) -> String {
    let raised = jianfu_core::time::parse_ts(raised_at)
        .map(|t| jianfu_core::time::beijing_date(t).to_string());
    match raised {
        Some(r) if r.as_str() < on_date => r,
        _ => on_date.to_string(),
    }
}

impl From<Warning> for WarningView {
    fn from(w: Warning) -> WarningView {
        let figures = match serde_json::from_str(&w.figures) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        let records: Vec<(String, i64)> = serde_json::from_str(&w.records).unwrap_or_default();
        WarningView {
            id: w.id,
            region_id: w.region_id,
            rule_id: w.rule_id,
            severity: w.severity,
            subject_key: w.subject_key,
            subject: w.subject,
            unit_id: w.unit_id,
            figures,
            records: records
                .into_iter()
                .map(|(channel, id)| RecordRef { channel, id })
                .collect(),
            status: w.status,
            on_date: dated(&w.on_date, &w.raised_at),
            raised_at: w.raised_at,
            updated_at: w.updated_at,
            resolved_at: w.resolved_at,
            justification: w.justification,
        }
    }
}

/// A warning with its rule, its history and the records it is about.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WarningDetail {
    #[serde(flatten)]
    pub warning: WarningView,
    pub rule: RuleDef,
    pub events: Vec<WarningEvent>,
    /// The offending records, each with whether the viewer may open its page (a merge
    /// suggestion names other organizers' meetings, which are shown but not opened).
    pub record_links: Vec<RecordLink>,
}

/// One step of a warning's history: raised, justified, returned, acknowledged, closed, resolved.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WarningEvent {
    pub at: String,
    pub actor_name: String,
    /// raised|updated|reopened|justified|returned|acknowledged|closed|resolved
    pub action: String,
    pub note: Option<String>,
}

impl From<WarningEventRow> for WarningEvent {
    fn from(r: WarningEventRow) -> WarningEvent {
        WarningEvent {
            at: r.at,
            actor_name: r.actor_name,
            action: r.action,
            note: r.note,
        }
    }
}

/// An offending record of a warning.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordLink {
    /// The channel (documents, meetings, …).
    pub channel: String,
    pub id: i64,
    pub openable: bool,
    /// Its title, for a record the viewer may open.
    pub title: Option<String>,
}

/// Most records of one warning listed with their access.
const MAX_RECORD_LINKS: usize = 100;

async fn record_links(
    conn: &mut Conn,
    actor: &Actor,
    records: &[RecordRef],
) -> AppResult<Vec<RecordLink>> {
    let mut out = Vec::new();
    for RecordRef { channel, id } in records.iter().take(MAX_RECORD_LINKS).cloned() {
        let unit = jianfu_store::burden::issuer_of(conn, &channel, id).await?;
        // A source that reached the viewer opens for it, as what it issued does.
        let openable = match unit {
            Some(u) => crate::burden::readable(conn, actor, &channel, id, u).await?,
            None => false,
        };
        out.push(RecordLink {
            channel,
            id,
            openable,
            title: None,
        });
    }
    let open: Vec<(&str, i64)> = out
        .iter()
        .filter(|r| r.openable)
        .map(|r| (r.channel.as_str(), r.id))
        .collect();
    let mut titles = crate::ledger_items::titles(conn, &open).await?;
    for r in &mut out {
        if r.openable {
            r.title = titles.remove(&(r.channel.clone(), r.id));
        }
    }
    Ok(out)
}

async fn visible_warning(conn: &mut Conn, actor: &Actor, id: i64) -> AppResult<Warning> {
    let w = store::get_warning(conn, id)
        .await?
        .ok_or(AppError::NotFound("预警"))?;
    let unit = w.unit_id.ok_or(AppError::NotFound("预警"))?;
    policy::ensure_in_scope(conn, actor, unit, None).await?;
    if policy::own_unit_only(actor).is_some_and(|own| own != unit) {
        return Err(AppError::forbidden());
    }
    Ok(w)
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<WarningDetail> {
    policy::ensure(actor, Action::ViewWarnings)?;
    let mut conn = db.reader();
    let warning = visible_warning(&mut conn, actor, id).await?;
    let rule = rules::rule(&warning.rule_id)
        .cloned()
        .ok_or(AppError::NotFound("规则"))?;
    // The raising is the warning's own `raised_at`; later events are stored.
    let mut events = vec![WarningEvent {
        at: warning.raised_at.clone(),
        actor_name: "系统".into(),
        action: "raised".into(),
        note: Some(warning.subject.clone()),
    }];
    events.extend(
        store::events(&mut conn, id)
            .await?
            .into_iter()
            .map(WarningEvent::from),
    );
    let warning = WarningView::from(warning);
    let record_links = record_links(&mut conn, actor, &warning.records).await?;
    Ok(WarningDetail {
        warning,
        rule,
        events,
        record_links,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WarningAction {
    /// The responsible unit explains why (说明理由).
    Justify,
    /// The office sends a justification back to the unit with its reason (退回); the unit
    /// may justify again. Only a justified warning can be returned.
    Return,
    /// The office accepts the justification or takes note (确认).
    Acknowledge,
    /// The office closes the warning with a comment (办结).
    Close,
}

/// Input of `POST /api/v1/warnings/{id}/actions`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WarningActionInput {
    pub action: WarningAction,
    /// The comment, required: the justification, the reason of a return (退回理由), the
    /// office's opinion.
    pub note: String,
}

pub async fn act(
    db: &Db,
    actor: &Actor,
    id: i64,
    input: WarningActionInput,
) -> AppResult<WarningDetail> {
    let needed = if input.action == WarningAction::Justify {
        Action::JustifyWarning
    } else {
        Action::DecideWarning
    };
    policy::ensure(actor, needed)?;
    if input.action == WarningAction::Return && input.note.trim().is_empty() {
        return Err(AppError::Validation {
            code: "invalid_field",
            message: "退回理由不能为空".into(),
            field: Some("note".into()),
        });
    }
    let note = jianfu_core::validate::required_text("note", &input.note, 2000)?;
    let mut tx = db.begin().await?;
    let w = visible_warning(&mut tx, actor, id).await?;
    if matches!(w.status.as_str(), "resolved" | "closed") {
        return Err(AppError::Conflict {
            code: "warning_closed",
            message: "该预警已解除或办结，不能再处理".into(),
            field: None,
        });
    }
    if input.action == WarningAction::Return && w.status != "justified" {
        return Err(AppError::Conflict {
            code: "warning_not_justified",
            message: "只有已说明理由的预警才能退回".into(),
            field: None,
        });
    }
    // The audit action names the step (warning.justify → 说明理由 on the audit page).
    let (status, verb, action) = match input.action {
        WarningAction::Justify => ("justified", "说明理由", "warning.justify"),
        WarningAction::Return => ("returned", "退回", "warning.return"),
        WarningAction::Acknowledge => ("acknowledged", "确认", "warning.acknowledge"),
        WarningAction::Close => ("closed", "办结", "warning.close"),
    };
    let now = jianfu_core::time::now();
    let justification = (input.action == WarningAction::Justify).then_some(note.as_str());
    store::set_status(&mut tx, id, status, justification, &now).await?;
    let actor_name = format!("{}（{}）", actor.display_name, actor.unit_name);
    store::add_event(&mut tx, id, &actor_name, status, Some(&note), &now).await?;
    audit::record(
        &mut tx,
        actor,
        Change {
            action,
            entity: "warning",
            entity_id: id.to_string(),
            region_id: Some(w.region_id),
            before: Some(&serde_json::json!({"status": w.status})),
            after: Some(&serde_json::json!({"status": status, "note": note})),
            summary: match input.action {
                WarningAction::Return => format!("预警退回：{}；退回理由：{note}", w.subject),
                _ => format!("预警{verb}：{}", w.subject),
            },
        },
    )
    .await?;
    tx.commit().await?;
    get(db, actor, id).await
}

#[cfg(test)]
mod dated_tests {
    use super::dated;

    #[test]
    fn a_warning_is_never_dated_after_the_day_it_was_raised() {
        // Raised on 3 December (Beijing) about the year's count, reckoned at 31 December.
        assert_eq!(
            dated("2026-12-31", "2026-12-02T17:30:00.000Z"),
            "2026-12-03"
        );
        // A past matter keeps its own date.
        assert_eq!(
            dated("2026-03-05", "2026-12-02T17:30:00.000Z"),
            "2026-03-05"
        );
        assert_eq!(dated("2026-03-05", "not a time"), "2026-03-05");
    }
}
