//! The pages every burden channel's module builds on: the ledger list (`items.html`), an item's
//! page (`item.html`) with the live warnings about it, the form helpers of a filing form (units
//! the user may file for, targets to choose, the submitted pairs), and where a submitted form
//! goes. A module fills these with its own rows and facts.
use super::Chrome;
use crate::auth::Identity;
use crate::error::PageError;
use crate::extract::{empty_as_none, parse_query};
use crate::AppState;
use askama::Template;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use jianfu_core::{Actor, AppResult, Level, Page, Paged, Role};
use jianfu_domain::approvals;
use jianfu_domain::burden::Channel;
use jianfu_domain::org::{self, ListUnits};
use jianfu_domain::policy::{can, Action};
use jianfu_domain::rules::Severity;
use jianfu_domain::targets::{self, ItemInput, ListItems, Target};
use jianfu_domain::warnings::{self, ListWarnings};
use jianfu_domain::Db;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default, deserialize_with = "empty_as_none")]
    pub unit: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub to: Option<NaiveDate>,
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub page: Option<u32>,
    /// The withdrawn items (已作废) instead of those in force.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub withdrawn: Option<bool>,
}

impl PeriodQuery {
    /// The list filter of a ledger page (the search box and the period).
    pub fn items(&self) -> ListItems {
        ListItems {
            issuer: None,
            from: self.from,
            to: self.to,
            q: self.q.clone(),
            withdrawn: self.withdrawn.unwrap_or(false),
        }
    }
}

pub struct ItemRow {
    pub id: i64,
    pub title: String,
    pub who: String,
    pub date: String,
    pub detail: String,
    pub reach: i64,
    /// What reading the document found (documents only): demands and copying.
    pub reading: Option<String>,
}

#[derive(Template)]
#[template(path = "items.html")]
pub struct ItemsPage {
    pub chrome: Chrome,
    /// The channel's pages: `/meetings`.
    pub base: String,
    pub noun: &'static str,
    pub measure_word: &'static str,
    pub headers: &'static [&'static str],
    pub rows: Vec<ItemRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub q: String,
    pub from: String,
    pub to: String,
    pub can_file: bool,
    /// The channel's records can be withdrawn (作废): the page links the two lists.
    pub withdrawable: bool,
    /// This is the list of the withdrawn ones.
    pub withdrawn: bool,
    /// Panels the module adds above the list (an import form, …), as HTML.
    pub panels: Vec<String>,
}

/// The query of a channel's ledger list (search, period, page) and the page it asks for, 50
/// rows a page.
pub fn list_query(uri: &Uri) -> Result<(PeriodQuery, Page), PageError> {
    let q: PeriodQuery = parse_query(uri.query().unwrap_or(""))?;
    let page = Page::parse(q.page, Some(50))?;
    Ok((q, page))
}

impl ItemsPage {
    /// A channel's ledger list: the rows `found` with the query that found them, each item made
    /// a row by `row`; the filing link shows to those granted `file`.
    #[allow(clippy::too_many_arguments)]
    pub fn of<T>(
        id: &Identity,
        channel: &Channel,
        file: Action,
        title: &'static str,
        headers: &'static [&'static str],
        q: PeriodQuery,
        found: Paged<T>,
        row: impl FnMut(T) -> ItemRow,
    ) -> ItemsPage {
        let base = format!("/{}", channel.name);
        ItemsPage {
            chrome: Chrome::new(id, &base, title),
            noun: channel.noun,
            measure_word: channel.count_unit,
            headers,
            total: found.total,
            page: i64::from(found.page),
            pages: found.pages().max(1),
            rows: found.items.into_iter().map(row).collect(),
            q: q.q.unwrap_or_default(),
            from: q.from.map(|d| d.to_string()).unwrap_or_default(),
            to: q.to.map(|d| d.to_string()).unwrap_or_default(),
            can_file: can(&id.actor, file),
            withdrawable: false,
            withdrawn: q.withdrawn.unwrap_or(false),
            panels: Vec::new(),
            base,
        }
    }
}

#[derive(Template)]
#[template(path = "item.html")]
pub struct ItemPage {
    pub chrome: Chrome,
    pub base: &'static str,
    pub list_title: &'static str,
    pub title: String,
    pub saved: bool,
    pub facts: Vec<(&'static str, String)>,
    pub body: String,
    /// (severity, label, warning id, subject)
    pub warnings: Vec<(String, &'static str, i64, String)>,
    /// Panels the item's module and the modules that extend it add (attachments, what reading
    /// the text found), as HTML, between the facts and the body.
    pub panels: Vec<String>,
    /// Checks of the item still running (its text is being read), said instead of "no rule
    /// broken".
    pub pending_checks: Option<&'static str>,
}

impl ItemPage {
    /// An item the viewer received (issued outside its records) leads back to its burden ledger
    /// (负担台账), where it found it, not to the issuers' list it is not in.
    pub async fn seen_from(
        mut self,
        db: &Db,
        actor: &Actor,
        issuer_id: i64,
    ) -> AppResult<ItemPage> {
        if jianfu_domain::burden::received(&mut db.reader(), actor, issuer_id).await? {
            self.base = "/burden";
            self.list_title = "负担台账（收到的事项）";
        }
        Ok(self)
    }
}

/// The 作废 panel of an item's page: the withdrawal (when, by whom, why) of a withdrawn item, or,
/// for who may withdraw it, the form that asks why.
#[derive(Template)]
#[template(path = "withdraw_panel.html")]
pub struct WithdrawPanel {
    pub csrf: String,
    /// Where the form posts: `/documents/12/withdraw`.
    pub action: String,
    /// 文件, 会议, …
    pub noun: &'static str,
    /// (when, by whom, why) once withdrawn.
    pub withdrawn: Option<(String, String, String)>,
    pub can_withdraw: bool,
    pub error: Option<String>,
}

impl WithdrawPanel {
    /// The panel of an item at `base/id` (`/documents/12`); `may` when the viewer may withdraw it.
    pub fn of(
        id: &Identity,
        base: &str,
        item: i64,
        noun: &'static str,
        withdrawn: Option<&targets::Withdrawn>,
        may: bool,
        error: Option<String>,
    ) -> Self {
        WithdrawPanel {
            csrf: id.csrf.clone().unwrap_or_default(),
            action: format!("{base}/{item}/withdraw"),
            noun,
            withdrawn: withdrawn.map(|w| {
                (
                    w.at.chars().take(16).collect(),
                    w.by.clone(),
                    w.reason.clone(),
                )
            }),
            can_withdraw: withdrawn.is_none() && may,
            error,
        }
    }
}

/// The reason a 作废 form sends.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    pub reason: String,
}

/// Live warnings whose records include this item.
pub async fn item_warnings(
    db: &Db,
    actor: &Actor,
    unit: i64,
    channel: &str,
    item: i64,
) -> Result<Vec<(String, &'static str, i64, String)>, PageError> {
    let f = ListWarnings {
        unit: Some(unit),
        status: Some("open".into()),
        ..Default::default()
    };
    let found = match warnings::list(
        db,
        actor,
        f,
        Page {
            page: 1,
            per_page: 200,
        },
    )
    .await
    {
        Ok(found) => found,
        // An item that reached the viewer from outside its scope: the issuer's warnings are not
        // the viewer's to see; the item still opens.
        Err(jianfu_core::AppError::Forbidden { .. }) => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    Ok(found
        .items
        .into_iter()
        .filter(|w| {
            w.records
                .iter()
                .any(|r| r.channel == channel && r.id == item)
        })
        .map(|w| {
            let label = if w.severity == "violation" {
                Severity::Violation.label()
            } else {
                Severity::Warning.label()
            };
            (w.severity, label, w.id, w.subject)
        })
        .collect())
}

pub fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.to_string()
}

/// Whom an item was sent to, in words. The names are read outside the viewer's scope: a
/// village reading a notice sent to 各村 of the county sees the county named, not a number.
pub async fn targets_text(db: &Db, targets: &[Target]) -> String {
    let mut parts = Vec::new();
    for t in targets {
        let name = match jianfu_store::org::get(&mut db.reader(), t.unit_id).await {
            Ok(Some(u)) => u.name,
            _ => format!("单位{}", t.unit_id),
        };
        parts.push(match t.level {
            Some(l) => format!("{name}所属各{}", l.label()),
            None => name,
        });
    }
    parts.join("、")
}

/// Parsing a filing form's fields (the strings the filer typed, kept to show the form again)
/// into the module's input, naming the field at fault.
pub mod fields {
    use jianfu_core::AppError;
    use jianfu_domain::targets::Target;

    /// An optional whole number.
    pub fn int(field: &str, v: &str) -> Result<Option<i64>, AppError> {
        match v.trim() {
            "" => Ok(None),
            v => v
                .parse()
                .map(Some)
                .map_err(|_| AppError::invalid(field, "应为整数")),
        }
    }

    pub fn required_int(field: &str, v: &str) -> Result<i64, AppError> {
        int(field, v)?.ok_or_else(|| AppError::invalid(field, "不能为空"))
    }

    /// The trimmed text, none when empty.
    pub fn text(v: &str) -> Option<String> {
        Some(v.trim().to_string()).filter(|v| !v.is_empty())
    }

    /// A value of a closed list (a kind, a level).
    pub fn choice<T: std::str::FromStr>(field: &str, v: &str) -> Result<T, AppError> {
        v.parse().map_err(|_| AppError::invalid(field, "取值无效"))
    }

    /// The ids ticked in a list of checkboxes (the approvals an item cites).
    pub fn ids(field: &str, chosen: &[String]) -> Result<Vec<i64>, AppError> {
        chosen
            .iter()
            .map(|v| {
                v.trim()
                    .parse()
                    .map_err(|_| AppError::invalid(field, "取值无效"))
            })
            .collect()
    }

    /// The targets chosen: `unit` or `unit:level` each.
    pub fn targets(chosen: &[String]) -> Result<Vec<Target>, AppError> {
        chosen
            .iter()
            .map(|t| {
                let (unit, level) = t.split_once(':').unwrap_or((t, ""));
                let unit_id = unit
                    .parse()
                    .map_err(|_| AppError::invalid("targets", "取值无效"))?;
                let level = match level {
                    "" => None,
                    l => Some(choice("targets", l)?),
                };
                Ok(Target { unit_id, level })
            })
            .collect()
    }
}

/// Units the actor may file for: a filer or grassroots account its own unit, the office the
/// government of its scope and the departments under it.
pub async fn filing_units(db: &Db, actor: &Actor) -> Result<Vec<(i64, String)>, PageError> {
    if matches!(actor.role, Role::Filer | Role::Grassroots) {
        return Ok(vec![(actor.unit_id, actor.unit_name.clone())]);
    }
    let root = org::scope_root(db, actor).await?;
    let f = ListUnits {
        parent: Some(root.id),
        level: Some(Level::Department),
        ..Default::default()
    };
    let depts = org::list(
        db,
        actor,
        f,
        Page {
            page: 1,
            per_page: 200,
        },
    )
    .await?;
    let mut out = vec![(root.id, root.name)];
    out.extend(depts.items.into_iter().map(|u| (u.id, u.name)));
    Ok(out)
}

/// Target choices: whole levels under the actor's scope, then each unit one level down, a
/// township with the choice of every village under it.
pub async fn target_options(db: &Db, actor: &Actor) -> Result<Vec<(String, String)>, PageError> {
    let root = org::scope_root(db, actor).await?;
    let level: Option<Level> = root.level.parse().ok();
    let mut out = Vec::new();
    for l in [Level::Township, Level::Village, Level::Department] {
        if level.is_some_and(|r| {
            r.rank()
                .zip(l.rank())
                .map(|(a, b)| b > a)
                .unwrap_or(r.rank().is_some_and(|a| a < 5))
        }) {
            out.push((
                format!("{}:{}", root.id, l.as_str()),
                format!("{}所属各{}", root.name, l.label()),
            ));
        }
    }
    // Each unit one level down, and for a township every village under it (各村 of one town).
    for u in super::burden::children(db, actor, root.id).await? {
        if u.level == "department" {
            continue;
        }
        if u.level == "township" {
            out.push((
                format!("{}:village", u.id),
                format!("{}所属各{}", u.name, Level::Village.label()),
            ));
        }
        out.push((format!("{}:", u.id), u.name));
    }
    if out.is_empty() {
        out.push((format!("{}:", root.id), root.name));
    }
    Ok(out)
}

#[derive(Template)]
#[template(source = "{{ text }}", ext = "html")]
struct Fragment {
    text: String,
}

#[derive(Debug, Default, Deserialize)]
struct ReachQuery {
    #[serde(default)]
    target: Vec<String>,
}

/// `GET /targets/reach?target=…`: how many townships and villages the targets ticked on a
/// filing form reach, shown beside them before the item is saved (htmx).
pub async fn reach_preview(
    axum::extract::State(s): axum::extract::State<AppState>,
    crate::auth::PageUser(id): crate::auth::PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: ReachQuery = parse_query(uri.query().unwrap_or(""))?;
    let text = if q.target.is_empty() {
        "请选择发送范围".to_string()
    } else {
        let reach = match fields::targets(&q.target) {
            Ok(t) => targets::reach_of(&s.db, &id.actor, &t).await,
            Err(e) => Err(e),
        };
        match reach {
            Ok(n) => format!("将送达{n}个乡镇（街道）、村（社区）"),
            Err(e) if matches!(e.status(), 403 | 422) => e.to_string(),
            Err(e) => return Err(PageError(e)),
        }
    };
    Ok(super::render(&Fragment { text })?.into_response())
}

/// The approvals a filing form offers to cite: those granted to a unit the actor files for and
/// not cited yet (a filer's own unit's; the office's whole scope), and those the item already
/// cites. Each as (id, what it is).
pub async fn approval_options(
    db: &Db,
    actor: &Actor,
    channel: &str,
    cited: &[approvals::Approval],
) -> Result<Vec<(String, String)>, PageError> {
    let free = approvals::list(
        db,
        actor,
        approvals::ListFilter {
            channel: Some(channel.to_string()),
            free: true,
            ..Default::default()
        },
        Page {
            page: 1,
            per_page: 200,
        },
    )
    .await?;
    Ok(cited
        .iter()
        .chain(free.items.iter())
        .map(|a| (a.id.to_string(), approval_text(a)))
        .collect())
}

/// One approval in words: 第12号 计划外事项审批 · 县农业农村局 · 标题（张三2026-05-01批准）.
pub fn approval_text(a: &approvals::Approval) -> String {
    let decided = match (&a.decided_by, &a.decided_on) {
        (by, Some(on)) => format!(
            "，{}于{}{}",
            by.as_deref().unwrap_or("专班办公室"),
            on,
            a.status_label
        ),
        _ => format!("，{}", a.status_label),
    };
    format!(
        "第{}号 {} · {} · {}{}",
        a.id, a.kind_label, a.unit_name, a.title, decided
    )
}

/// The approvals an item cites, for its page: each with its state, or why the item lacks it.
pub fn approvals_fact(cited: &[approvals::Approval], kind: approvals::Kind, day: &str) -> String {
    match cited.iter().find(|a| a.approval_kind == kind.as_str()) {
        Some(a) if approvals::late(a, day) => {
            format!("{}（批准晚于事项日期，属事后补批）", approval_text(a))
        }
        Some(a) => approval_text(a),
        None => "无审批记录".to_string(),
    }
}

/// An item's plan line: its 计划外 approval when it cites one, else its 立项.
pub fn plan_fact(cited: &[approvals::Approval], day: &str) -> String {
    let out_of_plan = cited
        .iter()
        .any(|a| a.approval_kind == approvals::Kind::OutOfPlan.as_str());
    let kind = if out_of_plan {
        approvals::Kind::OutOfPlan
    } else {
        approvals::Kind::Plan
    };
    approvals_fact(cited, kind, day)
}

pub fn mark<T: ToString + Clone>(
    opts: Vec<(T, String)>,
    chosen: &[&str],
) -> Vec<(T, String, bool)> {
    opts.into_iter()
        .map(|(v, l)| (v.clone(), l, chosen.contains(&v.to_string().as_str())))
        .collect()
}

/// Files the item a submitted form describes through its channel's one save path: the saved
/// item's page, or (for an error that names a field the filer can correct) the message to show
/// in the form again; other errors are pages.
pub async fn file<F, I: ItemInput>(
    s: &AppState,
    id: &Identity,
    form: &F,
    parse: fn(&F) -> AppResult<I>,
    base: &str,
) -> Result<Result<Response, String>, PageError> {
    let result = match parse(form) {
        Ok(input) => targets::record(&s.db, &id.actor, None, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(saved) => Ok(Ok(
            Redirect::to(&format!("{base}/{saved}?saved=1")).into_response()
        )),
        Err(e) if matches!(e.status(), 403 | 409 | 422) && e.field().is_some() => {
            Ok(Err(e.to_string()))
        }
        Err(e) => Err(PageError(e)),
    }
}
