//! 督查检查考核 pages: the list, an item's page with the office's decision, the filing form (a
//! plan item or an out-of-plan application), the annual plan; the office's pages
//! ([`office`]), the townships' and villages' ([`township`]) and the public pre-notice
//! ([`public`]).
mod office;
mod public;
mod township;

use crate::model::{self, Category, InspectionInput, ListInspections, Status};
use crate::review::{self, Decision, DecisionInput};
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use jianfu_core::{AppError, AppResult};
use jianfu_domain::policy::{self, can};
use jianfu_web::auth::{Identity, PageUser};
use jianfu_web::error::PageError;
use jianfu_web::extract::{parse_query, IdPath};
use jianfu_web::ui::items::{
    fields, file, filing_units, item_warnings, list_query, mark, target_options, targets_text,
    yes_no, ItemPage, ItemRow, ItemsPage,
};
use jianfu_web::ui::{render, Chrome, FormBody};
use jianfu_web::AppState;
use serde::Deserialize;

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/inspections", get(list_page))
        .route("/inspections/new", get(new_item).post(create_item))
        .route("/inspections/{id}", get(item_page))
        .route("/inspections/{id}/decision", post(decide))
        .route("/inspections/plan", get(office::plan_page))
        .route("/inspections/plan.xlsx", get(office::plan_xlsx))
        .route("/inspections/review", get(office::review_page))
        .route(
            "/inspections/calendar",
            get(office::calendar_page).post(office::apply_stagger),
        )
        .route("/inspections/bundles", get(office::bundles_page))
        .route("/inspections/overview", get(office::overview_page))
        .route("/inspections/leaders", get(office::leaders_page))
        .route("/inspections/objections", get(office::objections_page))
        .route("/inspections/objections/{id}/answer", post(office::answer))
        .route("/inspections/hosted", get(township::hosted_page))
        .route("/inspections/{id}/objection", post(township::object))
        .route("/inspections/static/inspections.js", get(script))
        .route("/public/inspections", get(public::notice_page))
        .route("/public/inspections/print", get(public::print_page))
        .route("/public/inspections.xlsx", get(public::notice_xlsx))
}

/// The module's own script: the overview's charts (no inline script runs on these pages).
async fn script() -> impl IntoResponse {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/inspections.js"),
    )
}

/// Where a form that acted goes next: back to `to`, with what happened or what went wrong (an
/// error the user can correct); other errors are pages.
pub(crate) fn back(to: &str, result: AppResult<String>) -> Result<Response, PageError> {
    let sep = if to.contains('?') { '&' } else { '?' };
    let (key, text) = match result {
        Ok(done) => ("done", done),
        Err(e) if matches!(e.status(), 403 | 404 | 409 | 422) => ("error", e.to_string()),
        Err(e) => return Err(PageError(e)),
    };
    let text: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
    Ok(Redirect::to(&format!("{to}{sep}{key}={text}")).into_response())
}

/// The message a redirected form left in the query: (is it an error, text).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Flash {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

impl Flash {
    pub(crate) fn of(uri: &Uri) -> Option<(bool, String)> {
        let f: Flash = parse_query(uri.query().unwrap_or("")).unwrap_or_default();
        f.error.map(|e| (true, e)).or(f.done.map(|d| (false, d)))
    }
}

/// A page's query without the flash a redirected form left in it (`done`, `error`), for the
/// strict query types the API shares with the pages.
pub(crate) fn page_query(uri: &Uri) -> String {
    let pairs = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .filter(|(k, _)| k != "done" && k != "error");
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The list's extra filters.
#[derive(Debug, Default, Deserialize)]
struct ListExtra {
    #[serde(default)]
    status: Option<String>,
}

async fn list_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let (q, page) = list_query(&uri)?;
    let extra: ListExtra = parse_query(uri.query().unwrap_or("")).unwrap_or_default();
    let status = extra
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse::<Status>().ok());
    let f = ListInspections {
        items: q.items(),
        status,
        category: None,
    };
    let found = model::list(&s.db, &id.actor, f, page).await?;
    let headers = &[
        "事项名称",
        "主办单位",
        "进驻时间",
        "类别 · 状态",
        "覆盖乡镇、村",
    ];
    let mut listed = ItemsPage::of(
        &id,
        &crate::CHANNEL,
        crate::permissions::FILE,
        "督查检查考核",
        headers,
        q,
        found,
        |i| ItemRow {
            id: i.id,
            detail: format!(
                "{}{} · {}",
                i.category_label(),
                if i.in_plan { "" } else { "（计划外）" },
                i.status_label()
            ),
            date: i.dates_text(),
            title: i.title,
            who: i.organizer_name,
            reach: i.reach,
            reading: None,
        },
    );
    listed.panels.push(links_panel(&id)?);
    render(&listed)
}

#[derive(Template)]
#[template(path = "inspections_links.html")]
struct Links {
    review: bool,
    file: bool,
    object: bool,
}

fn links_panel(id: &Identity) -> Result<String, PageError> {
    Links {
        review: can(&id.actor, crate::permissions::REVIEW),
        file: can(&id.actor, crate::permissions::FILE),
        object: can(&id.actor, crate::permissions::OBJECT),
    }
    .render()
    .map_err(|e| PageError(AppError::internal(e)))
}

#[derive(Template)]
#[template(path = "inspection_panels.html")]
struct Panels {
    csrf: String,
    id: i64,
    decide: bool,
    objections: Vec<review::Objection>,
    flash: Option<(bool, String)>,
}

async fn item_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(iid): IdPath,
    uri: Uri,
) -> Result<Response, PageError> {
    let d = model::get(&s.db, &id.actor, iid).await?;
    let i = &d.inspection;
    let opt = |v: &str| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.to_string()
        }
    };
    let mut facts = vec![
        ("主办单位", i.organizer_name.clone()),
        ("类别", i.category_label().to_string()),
        (
            "计划",
            if i.in_plan {
                "列入年度计划".to_string()
            } else {
                "计划外（须事先批准）".to_string()
            },
        ),
        ("审批状态", i.status_label().to_string()),
        ("依据", opt(&i.basis)),
        ("检查对象", targets_text(&s.db, &d.targets).await),
        ("时间窗口", model::dates_text(&i.window_from, &i.window_to)),
        (
            "进驻时间",
            format!("{}（{}天）", i.dates_text(), i.days_on_site),
        ),
        ("检查组人数", format!("{}人", i.team_size)),
        ("带队领导", opt(&i.leader)),
        ("四不两直", yes_no(i.unannounced)),
        ("时间已固定", yes_no(i.fixed)),
        (
            "要求准备的材料",
            if i.materials.is_empty() {
                "无".to_string()
            } else {
                i.materials.join("、")
            },
        ),
        ("报送日期", i.filed_on.clone()),
    ];
    if let Some(r) = &i.decision_reason {
        facts.push(("审批意见", r.clone()));
    }
    let panels = Panels {
        csrf: id.csrf.clone().unwrap_or_default(),
        id: i.id,
        decide: i.status == Status::Pending.as_str() && can(&id.actor, crate::permissions::REVIEW),
        objections: review::objections_of(&s.db, i.id).await?,
        flash: Flash::of(&uri),
    }
    .render()
    .map_err(|e| PageError(AppError::internal(e)))?;
    render(
        &ItemPage {
            chrome: Chrome::new(&id, "/inspections", i.title.clone()),
            base: "/inspections",
            list_title: "督查检查考核",
            title: i.title.clone(),
            saved: uri.query().is_some_and(|q| q.contains("saved=1")),
            warnings: item_warnings(&s.db, &id.actor, i.organizer_id, crate::CHANNEL.name, i.id)
                .await?,
            facts,
            body: String::new(),
            panels: vec![panels],
            pending_checks: None,
        }
        .seen_from(&s.db, &id.actor, i.organizer_id)
        .await?,
    )
}

/// The decision form of an item's page or the review list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct DecisionForm {
    decision: String,
    reason: String,
    /// Where to go back to (the review list), else the item's page.
    back: String,
}

async fn decide(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(iid): IdPath,
    FormBody(form): FormBody<DecisionForm>,
) -> Result<Response, PageError> {
    let to = if form.back == "review" {
        "/inspections/review".to_string()
    } else {
        format!("/inspections/{iid}")
    };
    let result = async {
        let decision = match form.decision.as_str() {
            "approve" => Decision::Approve,
            "reject" => Decision::Reject,
            _ => return Err(AppError::invalid("decision", "取值无效")),
        };
        let input = DecisionInput {
            decision,
            reason: fields::text(&form.reason),
        };
        let d = review::decide(&s.db, &id.actor, iid, input).await?;
        Ok(format!(
            "已{}“{}”",
            if decision == Decision::Approve {
                "批准"
            } else {
                "驳回"
            },
            d.inspection.title
        ))
    }
    .await;
    back(&to, result)
}

/// The filing form's fields as the filer typed them; [`parse_item`] makes an
/// [`InspectionInput`].
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InspectionForm {
    organizer_id: String,
    category: String,
    title: String,
    basis: String,
    target: Vec<String>,
    window_from: String,
    window_to: String,
    starts_on: String,
    days_on_site: String,
    team_size: String,
    leader: String,
    materials: String,
    unannounced: Option<String>,
    fixed: Option<String>,
    in_plan: Option<String>,
}

#[derive(Template)]
#[template(path = "inspection_form.html")]
struct FormPage {
    chrome: Chrome,
    form: InspectionForm,
    organizers: Vec<(i64, String, bool)>,
    targets: Vec<(String, String, bool)>,
    categories: Vec<(&'static str, &'static str, bool)>,
    error: Option<String>,
}

async fn form_page(
    s: &AppState,
    id: &Identity,
    form: InspectionForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let organizers = filing_units(&s.db, &id.actor).await?;
    let targets = target_options(&s.db, &id.actor).await?;
    let chosen: Vec<&str> = form.target.iter().map(String::as_str).collect();
    let page = FormPage {
        chrome: Chrome::new(id, "/inspections", "报送督查检查考核"),
        organizers: mark(organizers, &[form.organizer_id.as_str()]),
        targets: mark(targets, &chosen),
        categories: Category::all()
            .map(|c| (c.as_str(), c.label(), form.category == c.as_str()))
            .collect(),
        form,
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}

async fn new_item(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    policy::ensure(&id.actor, crate::permissions::FILE)?;
    let out_of_plan = uri.query().is_some_and(|q| q.contains("apply=1"));
    let form = InspectionForm {
        category: "check".into(),
        days_on_site: "1".into(),
        team_size: "3".into(),
        in_plan: (!out_of_plan).then(|| "on".into()),
        ..InspectionForm::default()
    };
    form_page(&s, &id, form, None).await
}

fn date(field: &str, v: &str) -> Result<Option<NaiveDate>, AppError> {
    match v.trim() {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(field, "应为日期，如2027-04-12")),
    }
}

fn required_date(field: &str, v: &str) -> Result<NaiveDate, AppError> {
    date(field, v)?.ok_or_else(|| AppError::invalid(field, "不能为空"))
}

fn parse_item(f: &InspectionForm) -> Result<InspectionInput, AppError> {
    Ok(InspectionInput {
        organizer_id: fields::required_int("organizer_id", &f.organizer_id)?,
        category: fields::choice("category", &f.category)?,
        title: f.title.clone(),
        basis: fields::text(&f.basis),
        targets: fields::targets(&f.target)?,
        window_from: required_date("window_from", &f.window_from)?,
        window_to: required_date("window_to", &f.window_to)?,
        starts_on: date("starts_on", &f.starts_on)?,
        days_on_site: fields::int("days_on_site", &f.days_on_site)?.unwrap_or(1),
        team_size: fields::required_int("team_size", &f.team_size)?,
        unannounced: f.unannounced.is_some(),
        fixed: f.fixed.is_some(),
        leader: fields::text(&f.leader),
        materials: f.materials.lines().map(str::to_string).collect(),
        in_plan: f.in_plan.is_some(),
        filed_on: None,
    })
}

async fn create_item(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    FormBody(form): FormBody<InspectionForm>,
) -> Result<Response, PageError> {
    match file(&s, &id, &form, parse_item, "/inspections").await? {
        Ok(saved) => Ok(saved),
        Err(message) => form_page(&s, &id, form, Some(message)).await,
    }
}

/// The office's pages, as tabs: (key, path, label).
pub(crate) const TABS: &[(&str, &str, &str)] = &[
    ("review", "/inspections/review", "待审批"),
    ("calendar", "/inspections/calendar", "迎检日历与错峰"),
    ("bundles", "/inspections/bundles", "打捆建议"),
    ("overview", "/inspections/overview", "总量与年底扎堆"),
    ("leaders", "/inspections/leaders", "领导周要事计划单"),
    ("objections", "/inspections/objections", "基层申请调整"),
    ("plan", "/inspections/plan", "年度计划"),
];
