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
use jianfu_core::{AppError, Level, Page};
use jianfu_domain::analysis::copy_class_label;
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
        rules: rules::CATALOG.iter().map(|r| (r.id, r.name)).collect(),
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
    w: jianfu_store::rules::Warning,
    rule: rules::RuleDef,
    severity_label: &'static str,
    status_label: &'static str,
    unit_name: String,
    figures: Vec<(String, String)>,
    /// Link (when the viewer may open it) and name of each offending record.
    records: Vec<(Option<String>, String)>,
    events: Vec<EventRow>,
    actions: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

pub struct EventRow {
    pub at: String,
    pub actor_name: String,
    pub action: &'static str,
    pub note: Option<String>,
}

fn figure_label(key: &str) -> String {
    match key {
        "char_count" => "正文字数",
        "limit" => "字数上限",
        "basis" => "适用标准",
        "count" => "本年数量",
        "last_year" => "上年数量",
        "quota" => "年度计划总量",
        "year" => "年度",
        "base_year" => "基准年",
        "base_count" => "基准年数量",
        "target" => "压减目标",
        "minutes" => "会议时长（分钟）",
        "cap" => "时长上限（分钟）",
        "leader_minutes" => "领导讲话（分钟）",
        "speakers" => "交流发言人数",
        "speaker_minutes" => "单人发言（分钟）",
        "levels_down" => "下延层级",
        "reach_level" => "开到层级",
        "relays" => "下级再开会次数",
        "days" => "间隔天数",
        "upper_meeting" => "上级会议编号",
        "upper_doc_number" => "上级文件字号",
        "departments" => "转发部门数",
        "issuers" => "转发部门",
        "informal" => "非正式载体件数",
        "total" => "发文总数",
        "share_percent" => "非正式载体占比（%）",
        "last_year_percent" => "上年占比（%）",
        "week" => "周次",
        "meetings" => "会议数",
        "weekday" => "星期",
        "week_of_month" => "当月第几周",
        "max" => "每年上限",
        "demands" => "要求报送落实情况的条款数",
        "copied_percent" => "与来源文件重合（%）",
        "class" => "重合类型",
        "source_id" => "来源文件编号",
        "heads_required" => "要求主要负责同志参会",
        "head_signed" => "主要负责同志已签发",
        "to_schools_hospitals" => "发往学校、医院",
        "approved" => "已经审批",
        "in_plan" => "列入年度计划",
        "starts_at" => "开始时间",
        "upper_meeting_id" => "上级会议编号",
        // A key without a label is shown as a plain "数据项", never as code.
        _ => "数据项",
    }
    .to_string()
}

fn figure_value(key: &str, v: &serde_json::Value) -> String {
    match (key, v) {
        ("reach_level", serde_json::Value::String(s)) => s
            .parse::<Level>()
            .map(|l| l.label().to_string())
            .unwrap_or_else(|_| s.clone()),
        ("class", serde_json::Value::String(s)) => copy_class_label(Some(s)).to_string(),
        ("starts_at", serde_json::Value::String(s)) => s.replace('T', " "),
        // ISO weeks, "2025-W06": 2025年第6周.
        ("week", serde_json::Value::String(s)) => match s.split_once("-W") {
            Some((year, week)) => format!("{year}年第{}周", week.trim_start_matches('0')),
            None => s.clone(),
        },
        ("weekday", serde_json::Value::Number(n)) => {
            const DAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
            match n
                .as_u64()
                .and_then(|d| DAYS.get((d as usize).wrapping_sub(1)))
            {
                Some(day) => format!("星期{day}"),
                None => n.to_string(),
            }
        }
        (_, serde_json::Value::String(s)) => s.clone(),
        (_, serde_json::Value::Bool(b)) => if *b { "是" } else { "否" }.to_string(),
        (_, serde_json::Value::Null) => "—".to_string(),
        (_, serde_json::Value::Array(a)) => a
            .iter()
            .map(|x| figure_value(key, x))
            .collect::<Vec<_>>()
            .join("、"),
        (_, other) => other.to_string(),
    }
}

fn event_label(a: &str) -> &'static str {
    match a {
        "raised" => "产生预警",
        "updated" => "数据更新",
        "justified" => "说明理由",
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
    let figures: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&d.warning.figures).unwrap_or_default();
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
        actions.push(("acknowledge", "确认"));
        actions.push(("close", "办结"));
    }
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let page = WarningPage {
        chrome: Chrome::new(id, "/warnings", format!("预警 {}", d.warning.id)),
        severity_label: severity_label(&d.warning.severity),
        status_label: warnings::status_label(&d.warning.status),
        unit_name,
        figures: figures
            .iter()
            .map(|(k, v)| (figure_label(k), figure_value(k, v)))
            .collect(),
        records: d
            .record_links
            .iter()
            .map(|r| {
                let noun = if r.channel == "documents" {
                    "文件"
                } else {
                    "会议"
                };
                let href = r.openable.then(|| format!("/{}/{}", r.channel, r.id));
                (href, format!("{noun} {}", r.id))
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn figures_read_as_officials_write_them() {
        assert_eq!(figure_value("week", &json!("2025-W06")), "2025年第6周");
        assert_eq!(figure_value("week", &json!("2025-W10")), "2025年第10周");
        assert_eq!(figure_value("weekday", &json!(1)), "星期一");
        assert_eq!(figure_value("weekday", &json!(7)), "星期日");
        assert_eq!(figure_value("weekday", &json!(0)), "0");
        assert_eq!(figure_value("reach_level", &json!("village")), "村（社区）");
        assert_eq!(
            figure_value("class", &json!("reissued")),
            "重发本单位已发文件"
        );
        assert_eq!(
            figure_value("starts_at", &json!("2025-06-12T19:30")),
            "2025-06-12 19:30"
        );
        assert_eq!(figure_value("in_plan", &json!(false)), "否");
        assert_eq!(figure_label("copied_percent"), "与来源文件重合（%）");
        assert_eq!(figure_label("some_new_key"), "数据项");
    }
}
