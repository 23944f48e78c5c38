//! 预警 and 规则 pages: the office sees every warning of its region, filters, opens one and acts.
use super::{render, Chrome, FormBody};
use crate::auth::{Identity, PageUser};
use crate::error::PageError;
use crate::extract::{empty_as_none, parse_query, IdPath};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use jianfu_core::{AppError, Page};
use jianfu_domain::policy::{can, Action};
use jianfu_domain::rules::{self, Severity};
use jianfu_domain::warnings::{self, ListWarnings, RuleUpdate, WarningAction, WarningActionInput};
use jianfu_domain::Db;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

pub struct WarningRow {
    pub id: i64,
    pub severity: String,
    pub severity_label: &'static str,
    pub rule_name: &'static str,
    pub subject: String,
    pub unit_id: Option<i64>,
    pub unit_name: String,
    pub on_date: String,
    pub status_label: &'static str,
}

fn severity_label(s: &str) -> &'static str {
    if s == Severity::Violation.as_str() {
        Severity::Violation.label()
    } else {
        Severity::Warning.label()
    }
}

#[derive(Template)]
#[template(path = "warnings.html")]
struct WarningsPage {
    chrome: Chrome,
    items: Vec<WarningRow>,
    total: i64,
    page: i64,
    pages: i64,
    /// The filters without the unit (for the unit links and for clearing the unit).
    query_base: String,
    /// The filters with the unit (for the pager).
    query: String,
    /// The unit filtered on: its id and name.
    f_unit: Option<(i64, String)>,
    rules: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    f_rule: String,
    f_severity: String,
    f_status: String,
    f_from: String,
    f_to: String,
}

#[derive(Deserialize, Default)]
struct WarningQuery {
    #[serde(default, deserialize_with = "empty_as_none")]
    rule: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    severity: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "empty_as_none")]
    to: Option<NaiveDate>,
    #[serde(default, deserialize_with = "empty_as_none")]
    unit: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<u32>,
}

async fn unit_names(db: &Db, ids: impl Iterator<Item = i64>) -> HashMap<i64, String> {
    let mut out = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(id) {
            if let Ok(Some(u)) = jianfu_store::org::get(&mut db.reader(), id).await {
                e.insert(u.name);
            }
        }
    }
    out
}

pub async fn list(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: WarningQuery = parse_query(uri.query().unwrap_or(""))?;
    let status = match q.status.as_deref() {
        None => Some("open".to_string()),
        Some("") | Some("all") => None,
        Some(st) if warnings::STATUSES.contains(&st) => Some(st.to_string()),
        Some(_) => return Err(PageError(AppError::invalid("status", "取值无效"))),
    };
    let page = Page::parse(q.page, Some(50))?;
    let f = ListWarnings {
        rule: q.rule.clone(),
        unit: q.unit,
        status: status.clone(),
        severity: q.severity.clone(),
        from: q.from,
        to: q.to,
    };
    let found = warnings::list(&s.db, &id.actor, f, page).await?;
    let names = unit_names(
        &s.db,
        found.items.iter().filter_map(|w| w.unit_id).chain(q.unit),
    )
    .await;
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("rule", q.rule.clone().unwrap_or_default()),
        ("severity", q.severity.clone().unwrap_or_default()),
        ("status", status.clone().unwrap_or_else(|| "all".into())),
        ("from", q.from.map(|d| d.to_string()).unwrap_or_default()),
        ("to", q.to.map(|d| d.to_string()).unwrap_or_default()),
    ] {
        query.append_pair(k, &v);
    }
    let query_base = query.finish();
    let query = match q.unit {
        Some(u) => format!("{query_base}&unit={u}"),
        None => query_base.clone(),
    };
    let mut statuses = vec![("all", "全部状态")];
    statuses.extend(warnings::STATUSES.iter().map(|st| {
        (
            *st,
            if *st == "open" {
                "未办结"
            } else {
                warnings::status_label(st)
            },
        )
    }));
    render(&WarningsPage {
        chrome: Chrome::new(&id, "/warnings", "预警"),
        total: found.total,
        page: i64::from(found.page),
        pages: found.pages().max(1),
        items: found
            .items
            .into_iter()
            .map(|w| WarningRow {
                severity_label: severity_label(&w.severity),
                rule_name: rules::rule(&w.rule_id).map(|r| r.name).unwrap_or(""),
                unit_name: w
                    .unit_id
                    .and_then(|u| names.get(&u).cloned())
                    .unwrap_or_default(),
                status_label: warnings::status_label(&w.status),
                id: w.id,
                unit_id: w.unit_id,
                severity: w.severity,
                subject: w.subject,
                on_date: w.on_date,
            })
            .collect(),
        f_unit: q
            .unit
            .map(|u| (u, names.get(&u).cloned().unwrap_or_else(|| u.to_string()))),
        query_base,
        query,
        rules: rules::catalogue().map(|r| (r.id, r.name)).collect(),
        statuses,
        f_rule: q.rule.unwrap_or_default(),
        f_severity: q.severity.unwrap_or_default(),
        f_status: status.unwrap_or_else(|| "all".into()),
        f_from: q.from.map(|d| d.to_string()).unwrap_or_default(),
        f_to: q.to.map(|d| d.to_string()).unwrap_or_default(),
    })
}

#[derive(Template)]
#[template(path = "warning.html")]
struct WarningPage {
    chrome: Chrome,
    w: jianfu_domain::warnings::WarningView,
    rule: rules::RuleDef,
    severity_label: &'static str,
    status_label: &'static str,
    unit_name: String,
    figures: Vec<(String, String)>,
    /// Link (when the viewer may open it) and name of each offending record.
    records: Vec<(Option<String>, String)>,
    events: Vec<EventRow>,
    /// Why the office sent the justification back, while the warning is returned (退回).
    returned_reason: Option<String>,
    actions: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

pub struct EventRow {
    pub at: String,
    pub actor_name: String,
    pub action: &'static str,
    pub note: Option<String>,
}

fn event_label(a: &str) -> &'static str {
    match a {
        "raised" => "产生预警",
        "updated" => "数据更新",
        "reopened" => "重新开启",
        "justified" => "说明理由",
        "returned" => "退回",
        "acknowledged" => "确认",
        "closed" => "办结",
        "resolved" => "自动解除",
        _ => "",
    }
}

async fn warning_page(
    s: &AppState,
    id: &Identity,
    warning: i64,
    error: Option<String>,
) -> Result<Response, PageError> {
    let d = warnings::get(&s.db, &id.actor, warning).await?;
    let unit_name = unit_names(&s.db, d.warning.unit_id.into_iter())
        .await
        .into_values()
        .next()
        .unwrap_or_default();
    let live = !matches!(d.warning.status.as_str(), "resolved" | "closed");
    let mut actions = Vec::new();
    if live && can(&id.actor, Action::JustifyWarning) {
        actions.push(("justify", "说明理由"));
    }
    if live && can(&id.actor, Action::DecideWarning) {
        if d.warning.status == "justified" {
            actions.push(("return", "退回"));
        }
        actions.push(("acknowledge", "确认"));
        actions.push(("close", "办结"));
    }
    let returned_reason = (d.warning.status == "returned")
        .then(|| d.events.iter().rev().find(|e| e.action == "returned"))
        .flatten()
        .and_then(|e| e.note.clone());
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let page = WarningPage {
        chrome: Chrome::new(id, "/warnings", format!("预警：{}", d.warning.subject)),
        severity_label: severity_label(&d.warning.severity),
        status_label: warnings::status_label(&d.warning.status),
        unit_name,
        figures: d
            .warning
            .labelled_figures()
            .into_iter()
            .map(|(_, f)| (f.label.clone(), f.display()))
            .collect(),
        records: d
            .record_links
            .iter()
            .map(|r| {
                let channel = jianfu_domain::burden::channel(&r.channel);
                let noun = channel.map_or("记录", |c| c.noun);
                let href = channel.filter(|_| r.openable).map(|c| c.href(r.id));
                let name = match &r.title {
                    Some(t) if r.channel == "documents" => format!("{noun}《{t}》"),
                    Some(t) => format!("{noun}“{t}”"),
                    None => format!("一份{noun}"),
                };
                (href, name)
            })
            .collect(),
        events: d
            .events
            .into_iter()
            .map(|e| EventRow {
                at: jianfu_core::time::display_ts(&e.at),
                actor_name: e.actor_name,
                action: event_label(&e.action),
                note: e.note,
            })
            .collect(),
        returned_reason,
        actions,
        w: d.warning,
        rule: d.rule,
        error,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn detail(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(w): IdPath,
) -> Result<Response, PageError> {
    warning_page(&s, &id, w, None).await
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
}

pub async fn act(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(w): IdPath,
    FormBody(f): FormBody<ActionForm>,
) -> Result<Response, PageError> {
    let action = match f.action.as_str() {
        "justify" => WarningAction::Justify,
        "return" => WarningAction::Return,
        "acknowledge" => WarningAction::Acknowledge,
        "close" => WarningAction::Close,
        _ => return Err(PageError(AppError::invalid("action", "取值无效"))),
    };
    match warnings::act(
        &s.db,
        &id.actor,
        w,
        WarningActionInput {
            action,
            note: f.note,
        },
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/warnings/{w}")).into_response()),
        Err(e) if matches!(e.status(), 409 | 422) => {
            warning_page(&s, &id, w, Some(e.to_string())).await
        }
        Err(e) => Err(PageError(e)),
    }
}

pub struct ParamRow {
    pub key: &'static str,
    pub label: &'static str,
    pub value: i64,
    pub min: i64,
    pub max: i64,
}

pub struct RuleRow {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub source: &'static str,
    pub severity: &'static str,
    pub severity_label: &'static str,
    pub enabled: bool,
    pub params: Vec<ParamRow>,
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    chrome: Chrome,
    rules: Vec<RuleRow>,
    can_manage: bool,
    notice: Option<String>,
    error: Option<String>,
}

async fn rules_page(
    s: &AppState,
    id: &Identity,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let views = warnings::list_rules(&s.db, &id.actor).await?;
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let page = RulesPage {
        chrome: Chrome::new(id, "/rules", "规则"),
        rules: views
            .into_iter()
            .map(|v| RuleRow {
                id: v.rule.id,
                name: v.rule.name,
                description: v.rule.description,
                source: v.rule.source,
                severity: v.rule.severity.as_str(),
                severity_label: v.rule.severity.label(),
                enabled: v.enabled,
                params: v
                    .rule
                    .params
                    .iter()
                    .map(|p| ParamRow {
                        key: p.key,
                        label: p.label,
                        value: v.values.get(p.key).copied().unwrap_or(p.default),
                        min: p.min,
                        max: p.max,
                    })
                    .collect(),
            })
            .collect(),
        can_manage: can(&id.actor, Action::ManageRules),
        notice,
        error,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn rules_list(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let notice = uri
        .query()
        .and_then(|q| q.strip_prefix("saved="))
        .and_then(rules::rule)
        .map(|r| format!("已保存“{}”，预警已重新评估", r.name));
    rules_page(&s, &id, notice, None).await
}

pub async fn rule_save(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    Path(rule_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let def = rules::rule(&rule_id).ok_or(AppError::NotFound("规则"))?;
    let mut params = BTreeMap::new();
    let mut enabled = false;
    for (k, v) in form_urlencoded::parse(&body) {
        if k == "enabled" {
            enabled = true;
        } else if let Some(p) = def.params.iter().find(|p| p.key == k) {
            let n = v
                .trim()
                .parse::<i64>()
                .map_err(|_| AppError::invalid(p.key, &format!("（{}）应为整数", p.label)))?;
            params.insert(p.key.to_string(), n);
        }
    }
    match warnings::update_rule(
        &s.db,
        &id.actor,
        def.id,
        RuleUpdate {
            enabled: Some(enabled),
            params,
        },
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/rules?saved={}", def.id)).into_response()),
        Err(e) if e.status() == 422 => rules_page(&s, &id, None, Some(e.to_string())).await,
        Err(e) => Err(PageError(e)),
    }
}
