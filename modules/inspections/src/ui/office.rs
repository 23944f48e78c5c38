//! The office's pages (专班办公室): the annual plan and its export, the applications waiting for a
//! decision, the per-unit calendar with the staggered schedule and its application, the bundling
//! proposals, the year's overview with its chart, the leaders' weekly schedule and the townships'
//! objections.
use super::{back, Flash};
use crate::calendar::{self, ApplyInput, ApplyMove, YearQuery};
use crate::model::{self, Category, Inspection, ListInspections, Status};
use crate::overview::{self, WeekQuery};
use crate::review::{self, Answer, AnswerInput};
use askama::Template;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use jianfu_core::{AppError, Page};
use jianfu_domain::policy;
use jianfu_domain::targets::ListItems;
use jianfu_web::auth::PageUser;
use jianfu_web::error::PageError;
use jianfu_web::extract::{parse_query, IdPath};
use jianfu_web::ui::{render, script_json, Chrome, FormBody};
use jianfu_web::AppState;
use serde::Deserialize;

fn year_query(uri: &Uri) -> Result<YearQuery, PageError> {
    Ok(parse_query(&super::page_query(uri))?)
}

/// The years a page offers: last year to next.
fn years(current: i32) -> Vec<(i32, bool)> {
    let this = jianfu_core::time::current_year();
    (this - 1..=this + 1).map(|y| (y, y == current)).collect()
}

#[derive(Debug, Default, Deserialize)]
struct PlanQuery {
    #[serde(default, deserialize_with = "jianfu_web::extract::empty_as_none")]
    year: Option<i32>,
    #[serde(default, deserialize_with = "jianfu_web::extract::empty_as_none")]
    organizer: Option<i64>,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    year: i32,
    years: Vec<(i32, bool)>,
    organizer: String,
    items: Vec<Inspection>,
    planned: usize,
    pending: usize,
    can_file: bool,
}

pub async fn plan_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: PlanQuery = parse_query(uri.query().unwrap_or(""))?;
    let plan = model::annual_plan(&s.db, &id.actor, q.year, q.organizer).await?;
    render(&PlanPage {
        chrome: Chrome::new(
            &id,
            "/inspections",
            format!("{}年度督查检查考核计划", plan.year),
        ),
        years: years(plan.year),
        year: plan.year,
        organizer: plan.organizer_id.map(|o| o.to_string()).unwrap_or_default(),
        planned: plan.items.iter().filter(|i| i.in_plan).count(),
        pending: plan
            .items
            .iter()
            .filter(|i| i.status == Status::Pending.as_str())
            .count(),
        items: plan.items,
        can_file: policy::can(&id.actor, crate::permissions::FILE),
    })
}

/// `/inspections/plan.xlsx?year=`: the annual plan as a workbook.
pub async fn plan_xlsx(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: PlanQuery = parse_query(uri.query().unwrap_or(""))?;
    let plan = model::annual_plan(&s.db, &id.actor, q.year, q.organizer).await?;
    let place = jianfu_domain::org::get(&s.db, &id.actor, plan.region_id)
        .await
        .map(|u| u.name)
        .unwrap_or_default();
    let bytes = crate::export::plan_xlsx(&plan, &place)?;
    Ok(xlsx(
        bytes,
        &format!("{}年度督查检查考核计划.xlsx", plan.year),
    ))
}

/// A workbook as a download.
pub(crate) fn xlsx(bytes: Vec<u8>, name: &str) -> Response {
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    (
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"inspections.xlsx\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    chrome: Chrome,
    tab: &'static str,
    csrf: String,
    items: Vec<Inspection>,
    flash: Option<(bool, String)>,
}

pub async fn review_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    policy::ensure(&id.actor, crate::permissions::REVIEW)?;
    let f = ListInspections {
        items: ListItems::default(),
        status: Some(Status::Pending),
        category: None,
    };
    let page = Page {
        page: 1,
        per_page: 200,
    };
    let mut items = model::list(&s.db, &id.actor, f, page).await?.items;
    items.sort_by(|a, b| a.starts_on.cmp(&b.starts_on).then(a.id.cmp(&b.id)));
    render(&ReviewPage {
        chrome: Chrome::new(&id, "/inspections/calendar", "审批督查检查考核"),
        tab: "review",
        csrf: id.csrf.clone().unwrap_or_default(),
        items,
        flash: Flash::of(&uri),
    })
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    tab: &'static str,
    csrf: String,
    years: Vec<(i32, bool)>,
    view: calendar::CalendarView,
    units: Vec<(i64, String, bool)>,
    proposal: calendar::StaggerView,
    flash: Option<(bool, String)>,
}

pub async fn calendar_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q = year_query(&uri)?;
    let view = calendar::calendar(&s.db, &id.actor, q.clone()).await?;
    let proposal = calendar::propose(&s.db, &id.actor, q).await?;
    let chosen = view.unit.as_ref().map(|u| u.unit_id);
    let units = crate::store::grassroots_units(&mut s.db.reader(), view.region_id)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|u| {
            let name = if u.level == "village" {
                format!("　{}", u.name)
            } else {
                u.name
            };
            (u.id, name, Some(u.id) == chosen)
        })
        .collect();
    render(&CalendarPage {
        chrome: Chrome::new(&id, "/inspections/calendar", "迎检日历与错峰"),
        tab: "calendar",
        csrf: id.csrf.clone().unwrap_or_default(),
        years: years(view.year),
        view,
        units,
        proposal,
        flash: Flash::of(&uri),
    })
}

/// The staggered schedule's form: its moves as `id:YYYY-MM-DD`, the year to come back to.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ApplyForm {
    year: String,
    #[serde(rename = "move")]
    moves: Vec<String>,
}

fn parse_moves(f: &ApplyForm) -> Result<ApplyInput, AppError> {
    let moves = f
        .moves
        .iter()
        .map(|m| {
            let (id, date) = m.split_once(':').unwrap_or((m, ""));
            Ok(ApplyMove {
                inspection_id: id
                    .parse()
                    .map_err(|_| AppError::invalid("moves", "取值无效"))?,
                starts_on: date
                    .parse()
                    .map_err(|_| AppError::invalid("moves", "取值无效"))?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(ApplyInput {
        region: None,
        moves,
    })
}

pub async fn apply_stagger(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    FormBody(form): FormBody<ApplyForm>,
) -> Result<Response, PageError> {
    let year: String = form
        .year
        .chars()
        .filter(char::is_ascii_digit)
        .take(4)
        .collect();
    let result = match parse_moves(&form) {
        Ok(input) => calendar::apply(&s.db, &id.actor, input).await.map(|a| {
            format!(
                "已按错峰方案调整{}项督查检查考核的进驻时间，并通知各主办单位",
                a.moved
            )
        }),
        Err(e) => Err(e),
    };
    back(&format!("/inspections/calendar?year={year}"), result)
}

#[derive(Template)]
#[template(path = "bundles.html")]
struct BundlesPage {
    chrome: Chrome,
    tab: &'static str,
    years: Vec<(i32, bool)>,
    bundles: calendar::Bundles,
}

pub async fn bundles_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let bundles = calendar::bundles(&s.db, &id.actor, year_query(&uri)?).await?;
    render(&BundlesPage {
        chrome: Chrome::new(&id, "/inspections/calendar", "合并同类项、打捆建议"),
        tab: "bundles",
        years: years(bundles.year),
        bundles,
    })
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    chrome: Chrome,
    tab: &'static str,
    years: Vec<(i32, bool)>,
    o: overview::Overview,
    chart_json: String,
}

pub async fn overview_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let o = overview::overview(&s.db, &id.actor, year_query(&uri)?).await?;
    let series = |c: Category| -> Vec<i64> {
        o.months
            .iter()
            .map(|m| match c {
                Category::Supervision => m.supervision,
                Category::Check => m.check,
                Category::Assessment => m.assessment,
                Category::Research => m.research,
            })
            .collect()
    };
    let chart = serde_json::json!({
        "title": format!("{}年各月督查检查考核、调研（项）", o.year),
        "series": Category::all().map(|c| serde_json::json!({"name": c.label(), "data": series(c)})).collect::<Vec<_>>(),
    });
    render(&OverviewPage {
        chrome: Chrome::new(&id, "/inspections/calendar", "督查检查考核总量与年底扎堆"),
        tab: "overview",
        years: years(o.year),
        chart_json: script_json(&chart),
        o,
    })
}

#[derive(Template)]
#[template(path = "leaders.html")]
struct LeadersPage {
    chrome: Chrome,
    tab: &'static str,
    week: overview::LeadersWeek,
}

pub async fn leaders_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: WeekQuery = parse_query(&super::page_query(&uri))?;
    let week = overview::leaders(&s.db, &id.actor, q).await?;
    render(&LeadersPage {
        chrome: Chrome::new(&id, "/inspections/calendar", "领导周要事计划单"),
        tab: "leaders",
        week,
    })
}

#[derive(Template)]
#[template(path = "objections.html")]
struct ObjectionsPage {
    chrome: Chrome,
    tab: &'static str,
    csrf: String,
    objections: Vec<review::Objection>,
    flash: Option<(bool, String)>,
}

pub async fn objections_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    policy::ensure(&id.actor, crate::permissions::REVIEW)?;
    let mut objections = review::objections(&s.db, &id.actor, None, false).await?;
    objections.sort_by_key(|o| o.status != "open");
    render(&ObjectionsPage {
        chrome: Chrome::new(&id, "/inspections/calendar", "基层申请调整"),
        tab: "objections",
        csrf: id.csrf.clone().unwrap_or_default(),
        objections,
        flash: Flash::of(&uri),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    answer: String,
    reply: String,
    starts_on: String,
}

pub async fn answer(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(oid): IdPath,
    FormBody(form): FormBody<AnswerForm>,
) -> Result<Response, PageError> {
    let result = async {
        let answer = match form.answer.as_str() {
            "accept" => Answer::Accept,
            "decline" => Answer::Decline,
            _ => return Err(AppError::invalid("answer", "取值无效")),
        };
        let input = AnswerInput {
            answer,
            reply: form.reply.clone(),
            starts_on: super::date("starts_on", &form.starts_on)?,
        };
        let o = review::answer(&s.db, &id.actor, oid, input).await?;
        Ok(format!(
            "已答复{}的调整申请（{}）",
            o.unit_name,
            o.status_label()
        ))
    }
    .await;
    back("/inspections/objections", result)
}
