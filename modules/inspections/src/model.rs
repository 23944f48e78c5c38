//! 督查检查考核、调研: an item as filed — a planned one or an out-of-plan application — its input
//! parsed at the edge, its write with what it reaches and its audit entry, its list and its page's
//! data.
use crate::store::{self, InspectionFilter, InspectionRow, NewInspection};
use chrono::{Datelike, Duration, NaiveDate};
use jianfu_core::validate::{optional_text, required_text};
use jianfu_core::{Actor, AppError, AppResult, Page, Paged};
use jianfu_domain::policy;
pub use jianfu_domain::targets::Written;
use jianfu_domain::targets::{
    self, parse_date, yes, Filing, ItemChange, ItemInput, ListItems, Target, Touched,
};
use jianfu_store::burden::LedgerItem;
use jianfu_store::{Db, Tx};
use serde::{Deserialize, Serialize};

/// 督查、检查、考核、调研. Its stored and API spelling is the snake_case name.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
    strum::EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Category {
    #[strum(message = "督查")]
    Supervision,
    #[strum(message = "检查")]
    Check,
    #[strum(message = "考核")]
    Assessment,
    #[strum(message = "调研")]
    Research,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        strum::EnumMessage::get_message(&self).unwrap_or_default()
    }

    pub fn all() -> impl Iterator<Item = Category> {
        <Category as strum::IntoEnumIterator>::iter()
    }

    /// The label of a stored spelling ("" for an unknown one).
    pub fn label_of(s: &str) -> &'static str {
        s.parse::<Category>().map(Category::label).unwrap_or("")
    }
}

/// Where an item stands in the approval workflow (申请 → 审核 → 批准/驳回).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    #[strum(message = "待审核")]
    Pending,
    #[strum(message = "已批准")]
    Approved,
    #[strum(message = "已驳回")]
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label_of(s: &str) -> &'static str {
        s.parse::<Status>()
            .ok()
            .and_then(|s| strum::EnumMessage::get_message(&s))
            .unwrap_or("")
    }
}

/// The most days an item may spend on site.
pub const MAX_DAYS_ON_SITE: i64 = 31;
/// The most materials an item may ask for.
pub const MAX_MATERIALS: usize = 50;

/// Input of `POST /api/v1/inspections` and `PUT /api/v1/inspections/{id}`: one item of a
/// department's annual plan (`in_plan`), or an application for an out-of-plan one.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionInput {
    /// 主办单位: the department (or township) that carries the item out.
    pub organizer_id: i64,
    /// supervision (督查) | check (检查) | assessment (考核) | research (调研)
    pub category: Category,
    pub title: String,
    /// 依据: the document or decision the item rests on.
    #[serde(default)]
    pub basis: Option<String>,
    /// The units it lands on, or whole levels below a unit.
    pub targets: Vec<Target>,
    /// First day of its window (YYYY-MM-DD).
    #[schema(value_type = String, example = "2026-06-01")]
    pub window_from: NaiveDate,
    /// Last day of its window.
    #[schema(value_type = String, example = "2026-06-30")]
    pub window_to: NaiveDate,
    /// The planned first day on site; the window's first day when absent.
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "2026-06-09")]
    pub starts_on: Option<NaiveDate>,
    /// Days on site (1–31).
    #[serde(default = "one")]
    pub days_on_site: i64,
    /// People in the team (检查组人数).
    pub team_size: i64,
    /// 四不两直: unannounced; its dates and targets are published only once it is done.
    #[serde(default)]
    pub unannounced: bool,
    /// Its dates may not be moved by a staggered schedule (错峰).
    #[serde(default)]
    pub fixed: bool,
    /// The leader who leads it (带队领导), e.g. 县委副书记 王某.
    #[serde(default)]
    pub leader: Option<String>,
    /// Materials asked of the units (汇报材料、台账…), one entry each.
    #[serde(default)]
    pub materials: Vec<String>,
    /// In the organizer's annual plan; `false` applies for an out-of-plan item.
    #[serde(default = "yes")]
    pub in_plan: bool,
    /// The day it was filed, when a seed records history; today otherwise.
    #[serde(skip)]
    pub filed_on: Option<NaiveDate>,
}

fn one() -> i64 {
    1
}

/// An item as the API and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Inspection {
    pub id: i64,
    pub region_id: i64,
    pub organizer_id: i64,
    pub organizer_name: String,
    /// supervision|check|assessment|research
    pub category: String,
    pub title: String,
    pub basis: String,
    pub window_from: String,
    pub window_to: String,
    pub starts_on: String,
    pub ends_on: String,
    pub days_on_site: i64,
    pub team_size: i64,
    pub unannounced: bool,
    pub fixed: bool,
    pub leader: String,
    pub materials: Vec<String>,
    pub in_plan: bool,
    /// pending|approved|rejected
    pub status: String,
    pub decision_reason: Option<String>,
    pub decided_at: Option<String>,
    pub filed_on: String,
    pub reach: i64,
}

impl From<InspectionRow> for Inspection {
    fn from(r: InspectionRow) -> Inspection {
        Inspection {
            materials: serde_json::from_str(&r.materials).unwrap_or_default(),
            id: r.id,
            region_id: r.region_id,
            organizer_id: r.organizer_id,
            organizer_name: r.organizer_name,
            category: r.category,
            title: r.title,
            basis: r.basis,
            window_from: r.window_from,
            window_to: r.window_to,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            days_on_site: r.days_on_site,
            team_size: r.team_size,
            unannounced: r.unannounced,
            fixed: r.fixed,
            leader: r.leader,
            in_plan: r.in_plan,
            status: r.status,
            decision_reason: r.decision_reason,
            decided_at: r.decided_at,
            filed_on: r.filed_on,
            reach: r.reach,
        }
    }
}

impl Inspection {
    pub fn category_label(&self) -> &'static str {
        Category::label_of(&self.category)
    }

    pub fn status_label(&self) -> &'static str {
        Status::label_of(&self.status)
    }

    /// 6月9日—6月11日, or one day.
    pub fn dates_text(&self) -> String {
        dates_text(&self.starts_on, &self.ends_on)
    }
}

/// `6月9日` or `6月9日—6月11日`.
pub fn dates_text(from: &str, to: &str) -> String {
    let day = |s: &str| {
        s.parse::<NaiveDate>()
            .map(|d| format!("{}月{}日", d.month(), d.day()))
            .unwrap_or_else(|_| s.to_string())
    };
    if from == to {
        day(from)
    } else {
        format!("{}—{}", day(from), day(to))
    }
}

/// The list's filters beyond the ledger's.
#[derive(Debug, Clone, Default)]
pub struct ListInspections {
    pub items: ListItems,
    pub status: Option<Status>,
    pub category: Option<Category>,
}

pub async fn list(
    db: &Db,
    actor: &Actor,
    f: ListInspections,
    page: Page,
) -> AppResult<Paged<Inspection>> {
    policy::ensure(actor, crate::permissions::READ)?;
    let mut conn = db.reader();
    let filter = InspectionFilter {
        items: f.items.scoped(&mut conn, actor).await?,
        status: f.status.map(|s| s.as_str().to_string()),
        category: f.category.map(|c| c.as_str().to_string()),
    };
    let (items, total) = store::list(&mut conn, &filter, page.limit(), page.offset()).await?;
    Ok(Paged::new(
        items.into_iter().map(Inspection::from).collect(),
        total,
        page,
    ))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InspectionDetail {
    #[serde(flatten)]
    pub inspection: Inspection,
    pub targets: Vec<Target>,
}

/// One item, for whoever may see its organizer.
pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<InspectionDetail> {
    policy::ensure(actor, crate::permissions::READ)?;
    let mut conn = db.reader();
    let row = store::get(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound("督查检查事项"))?;
    policy::ensure_in_scope(&mut conn, actor, row.organizer_id, None).await?;
    let targets = targets::of_item(&mut conn, crate::CHANNEL.name, id).await?;
    Ok(InspectionDetail {
        inspection: row.into(),
        targets,
    })
}

impl ItemInput for InspectionInput {
    const CHANNEL: &'static str = crate::CHANNEL.name;
    type Detail = InspectionDetail;

    async fn write(self, tx: &mut Tx, actor: &Actor, id: Option<i64>) -> AppResult<Written> {
        write(tx, actor, id, self).await
    }

    async fn detail(db: &Db, actor: &Actor, id: i64) -> AppResult<InspectionDetail> {
        get(db, actor, id).await
    }
}

/// Files a new item (or replaces one, which then waits for a decision again) and re-evaluates
/// the rules it touches.
pub async fn save(
    db: &Db,
    actor: &Actor,
    id: Option<i64>,
    input: InspectionInput,
) -> AppResult<InspectionDetail> {
    targets::save(db, actor, id, input).await
}

/// The input's dates checked: the window, the start within it and the last day on site.
pub struct Dates {
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// Checks a window and the days on site in it.
pub fn check_dates(
    window_from: NaiveDate,
    window_to: NaiveDate,
    starts_on: Option<NaiveDate>,
    days: i64,
) -> AppResult<Dates> {
    let window_from = parse_date("window_from", window_from)?;
    let window_to = parse_date("window_to", window_to)?;
    if window_to < window_from {
        return Err(AppError::invalid(
            "window_to",
            &format!("（{window_to}）不能早于时间窗口开始日期（{window_from}）"),
        ));
    }
    if (window_to - window_from).num_days() > 365 {
        return Err(AppError::invalid("window_to", "距开始日期不能超过一年"));
    }
    if !(1..=MAX_DAYS_ON_SITE).contains(&days) {
        return Err(AppError::invalid(
            "days_on_site",
            &format!("应为1至{MAX_DAYS_ON_SITE}之间的整数"),
        ));
    }
    let starts_on = starts_on.unwrap_or(window_from);
    let ends_on = starts_on + Duration::days(days - 1);
    if starts_on < window_from || ends_on > window_to {
        return Err(AppError::invalid(
            "starts_on",
            &format!(
                "应在时间窗口（{window_from}至{window_to}）之内，且{days}天的在基层时间不超出窗口"
            ),
        ));
    }
    Ok(Dates {
        window_from,
        window_to,
        starts_on,
        ends_on,
    })
}

/// Materials asked for: trimmed, each once, none empty, bounded.
fn check_materials(materials: &[String]) -> AppResult<Vec<String>> {
    if materials.len() > MAX_MATERIALS {
        return Err(AppError::invalid(
            "materials",
            &format!("不能超过{MAX_MATERIALS}项"),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for m in materials {
        if let Some(m) = optional_text("materials", Some(m), 100)? {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    Ok(out)
}

/// The error of a target check, naming what an inspection's targets are (检查对象).
fn as_inspection_targets(e: AppError) -> AppError {
    let rename = |m: String| m.replace("发送范围", "检查对象");
    match e {
        AppError::Forbidden { message, field } if field.as_deref() == Some("targets") => {
            AppError::Forbidden {
                message: rename(message),
                field,
            }
        }
        AppError::Validation {
            code,
            message,
            field,
        } if field.as_deref() == Some("targets") => AppError::Validation {
            code,
            message: rename(message),
            field,
        },
        e => e,
    }
}

/// Validates and stores an item with its targets and audit entry, without evaluating rules.
pub async fn write(
    tx: &mut Tx,
    actor: &Actor,
    id: Option<i64>,
    input: InspectionInput,
) -> AppResult<Written> {
    policy::ensure(actor, crate::permissions::FILE)?;
    let title = required_text("title", &input.title, 200)?;
    let basis = optional_text("basis", input.basis.as_deref(), 300)?.unwrap_or_default();
    let leader = optional_text("leader", input.leader.as_deref(), 50)?.unwrap_or_default();
    let dates = check_dates(
        input.window_from,
        input.window_to,
        input.starts_on,
        input.days_on_site,
    )?;
    if !(1..=500).contains(&input.team_size) {
        return Err(AppError::invalid("team_size", "应为1至500之间的整数"));
    }
    let materials = check_materials(&input.materials)?;
    let before = match id {
        Some(id) => Some(
            store::get(tx, id)
                .await?
                .map(Inspection::from)
                .ok_or(AppError::NotFound("督查检查事项"))?,
        ),
        None => None,
    };
    let Filing {
        issuer: organizer,
        region_id,
        rows,
        reach,
    } = targets::filing(
        tx,
        actor,
        "organizer_id",
        before.as_ref().map(|b| b.organizer_id),
        input.organizer_id,
        &input.targets,
    )
    .await
    .map_err(as_inspection_targets)?;
    // An edit keeps the day the item was first filed.
    let filed_on = match (&before, input.filed_on) {
        (_, Some(d)) => d.to_string(),
        (Some(b), None) => b.filed_on.clone(),
        (None, None) => jianfu_core::time::today().to_string(),
    };
    let (starts, ends) = (dates.starts_on.to_string(), dates.ends_on.to_string());
    let materials_json = serde_json::to_string(&materials).map_err(AppError::internal)?;
    let (window_from, window_to) = (dates.window_from.to_string(), dates.window_to.to_string());
    let new = NewInspection {
        region_id,
        organizer_id: input.organizer_id,
        category: input.category.as_str(),
        title: &title,
        basis: &basis,
        window_from: &window_from,
        window_to: &window_to,
        starts_on: &starts,
        ends_on: &ends,
        days_on_site: input.days_on_site,
        team_size: input.team_size,
        unannounced: input.unannounced,
        fixed: input.fixed,
        leader: &leader,
        materials: &materials_json,
        material_count: materials.len() as i64,
        in_plan: input.in_plan,
        filed_on: &filed_on,
        reach,
    };
    let now = jianfu_core::time::now();
    let created_by = (!actor.is_system()).then_some(actor.user_id);
    let id = match id {
        Some(id) => {
            store::replace(tx, id, &new, &now).await?;
            id
        }
        None => store::insert(tx, &new, created_by, &now).await?,
    };
    let item = LedgerItem {
        channel: crate::CHANNEL.name,
        item_id: id,
        region_id,
        issuer_id: input.organizer_id,
        on_date: &starts,
        measure: input.days_on_site,
        reach,
    };
    let after = store::get(tx, id)
        .await?
        .map(Inspection::from)
        .ok_or(AppError::NotFound("督查检查事项"))?;
    let summary = format!(
        "{}{}{}“{}”（{}）",
        if before.is_some() { "修改" } else { "报送" },
        if input.in_plan {
            "计划内"
        } else {
            "计划外"
        },
        input.category.label(),
        title,
        organizer.name
    );
    let change = ItemChange {
        entity: crate::CHANNEL.entity,
        before: before.as_ref(),
        after: &after,
        old: before.as_ref().map(|b| Touched {
            unit: b.organizer_id,
            date: &b.starts_on,
            group: None,
        }),
        group: None,
        summary,
    };
    targets::store_reach_and_audit(tx, actor, &item, &rows, change).await
}

/// Input of `POST /api/v1/inspections/plan`: a department's annual plan, every item at once.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// The plan's items (each `in_plan`), at most 500.
    pub items: Vec<InspectionInput>,
}

/// What filing a plan stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanFiled {
    /// The items' ids, in the order given.
    pub ids: Vec<i64>,
}

/// The most items one plan may hold.
pub const MAX_PLAN_ITEMS: usize = 500;

/// An error of the plan's `n`th item, naming it (`items[2].window_to`).
fn of_item(n: usize, e: AppError) -> AppError {
    let name = |field: Option<String>| Some(format!("items[{n}].{}", field.unwrap_or_default()));
    let say = |message: String| format!("第{}项：{message}", n + 1);
    match e {
        AppError::Validation {
            code,
            message,
            field,
        } => AppError::Validation {
            code,
            message: say(message),
            field: name(field),
        },
        AppError::Forbidden { message, field } if field.is_some() => AppError::Forbidden {
            message: say(message),
            field: name(field),
        },
        e => e,
    }
}

/// Files a department's annual plan in one transaction: every item or none, then the rules once.
pub async fn file_plan(db: &Db, actor: &Actor, input: PlanInput) -> AppResult<PlanFiled> {
    policy::ensure(actor, crate::permissions::FILE)?;
    if input.items.is_empty() {
        return Err(AppError::invalid("items", "不能为空"));
    }
    if input.items.len() > MAX_PLAN_ITEMS {
        return Err(AppError::invalid(
            "items",
            &format!("不能超过{MAX_PLAN_ITEMS}项"),
        ));
    }
    let mut tx = db.begin().await?;
    let mut ids = Vec::with_capacity(input.items.len());
    let mut touched: Vec<(i64, i32)> = Vec::new();
    for (n, mut item) in input.items.into_iter().enumerate() {
        item.in_plan = true;
        let written = write(&mut tx, actor, None, item)
            .await
            .map_err(|e| of_item(n, e))?;
        for d in &written.focus.dates {
            for y in [d.year(), d.year() + 1] {
                if !touched.contains(&(written.region_id, y)) {
                    touched.push((written.region_id, y));
                }
            }
        }
        ids.push(written.id);
    }
    let packs = jianfu_domain::rules::packs_reading(crate::CHANNEL.name);
    let mut regions: Vec<i64> = touched.iter().map(|(r, _)| *r).collect();
    regions.sort_unstable();
    regions.dedup();
    for region in regions {
        let years: Vec<i32> = touched
            .iter()
            .filter(|(r, _)| *r == region)
            .map(|(_, y)| *y)
            .collect();
        jianfu_domain::warnings::evaluate_region(&mut tx, region, &years, &packs).await?;
    }
    tx.commit().await?;
    Ok(PlanFiled { ids })
}

/// A year's annual plan as its page and export show it: the organizer's items (the office: every
/// organizer's of its region, or one's), every status, by organizer and start.
#[derive(Debug, Clone, Serialize)]
pub struct AnnualPlan {
    pub year: i32,
    pub region_id: i64,
    pub organizer_id: Option<i64>,
    pub items: Vec<Inspection>,
}

pub async fn annual_plan(
    db: &Db,
    actor: &Actor,
    year: Option<i32>,
    organizer: Option<i64>,
) -> AppResult<AnnualPlan> {
    policy::ensure(actor, crate::permissions::READ)?;
    let year = crate::calendar::check_year("year", year)?;
    let mut conn = db.reader();
    // A department or township sees its own plan; the office any organizer's in its scope.
    let organizer = match actor.role {
        jianfu_core::Role::Filer | jianfu_core::Role::Grassroots => Some(actor.unit_id),
        _ => organizer,
    };
    if let Some(o) = organizer {
        policy::ensure_in_scope(&mut conn, actor, o, Some("organizer")).await?;
    }
    let region = crate::calendar::region_of(&mut conn, actor, None).await?;
    let rows = store::plan_items(
        &mut conn,
        region,
        organizer,
        &format!("{year}-01-01"),
        &format!("{year}-12-31"),
    )
    .await?;
    Ok(AnnualPlan {
        year,
        region_id: region,
        organizer_id: organizer,
        items: rows.into_iter().map(Inspection::from).collect(),
    })
}
