//! 督查检查考核、调研: the inspections and visits module (SPEC module 5, issue 12) — departments'
//! annual plans and out-of-plan applications with the office's approval, the monthly public
//! pre-notice (预通知), every grassroots unit's weekly calendar with the staggered schedule (错峰)
//! of [`schedule`] and bundling proposals (打捆), the leaders' weekly schedule, the townships' and
//! villages' view with their objections (申请调整), the rules, pages, API, exports and the burden
//! channel (a unit hosts, counted in days on site). [`module`] is its manifest.
pub mod api;
mod bench;
pub mod calendar;
pub mod demo;
pub mod export;
pub mod hosted;
pub mod model;
pub mod overview;
pub mod permissions;
pub mod prenotice;
pub mod review;
pub mod rules;
pub mod schedule;
pub mod store;
pub mod ui;

use jianfu_domain::burden::Channel;
use jianfu_domain::rules::RulePack;
use jianfu_store::migrate::Migration;
use jianfu_web::module::{nav, Module, NavEntry};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The inspections channel of the burden ledger: a unit hosts (迎检), counted in days on site.
/// Its annual plan is the items filed as planned, so it declares no plan fields.
pub const CHANNEL: Channel = Channel {
    name: "inspections",
    noun: "督查检查考核",
    entity: "inspection",
    received: "迎检",
    count_unit: "项",
    measure_unit: "天",
    color: "#047857",
    plan: None,
    // Its items are themselves the applications (审核 → 批准/驳回).
    approvals: &[],
};

const RULES: &[&RulePack] = &[&rules::PACK];

/// Its migrations, in order.
const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "inspections",
    sql: include_str!("../migrations/0001_inspections.sql"),
}];

/// Labels of the fields of its forms and API, for the errors that name them.
const LABELS: &[(&str, &str)] = &[
    ("organizer_id", "主办单位"),
    ("category", "事项类别"),
    ("basis", "依据"),
    ("window_from", "时间窗口开始日期"),
    ("window_to", "时间窗口结束日期"),
    ("starts_on", "进驻开始日期"),
    ("days_on_site", "在基层天数"),
    ("team_size", "检查组人数"),
    ("unannounced", "四不两直"),
    ("fixed", "时间已固定"),
    ("leader", "带队领导"),
    ("materials", "要求准备的材料"),
    ("in_plan", "列入年度计划"),
    ("items", "计划事项"),
    ("decision", "审批意见"),
    ("reason", "理由"),
    ("preferred_on", "建议调整日期"),
    ("answer", "答复意见"),
    ("reply", "答复内容"),
    ("moves", "错峰调整方案"),
    ("month", "月份"),
    ("region", "地区"),
    ("week", "周次"),
    ("open", "仅看待答复"),
    ("organizer", "主办单位"),
];

const NAV: &[NavEntry] = &[
    nav(60, "/inspections", "督查检查考核", permissions::READ),
    nav(62, "/inspections/hosted", "迎检安排", permissions::OBJECT),
    nav(
        64,
        "/inspections/calendar",
        "错峰与打捆",
        permissions::REVIEW,
    ),
];

const TAGS: &[(&str, &str)] = &[(
    "inspections",
    "督查检查考核、调研：计划与审批、预通知、错峰、打捆、迎检安排",
)];

/// The manifest of the inspections module.
pub fn module() -> Module {
    Module {
        api: || {
            OpenApiRouter::new()
                .routes(routes!(api::list_inspections, api::create_inspection))
                .routes(routes!(api::get_inspection, api::replace_inspection))
                .routes(routes!(api::file_plan))
                .routes(routes!(api::decide))
                .routes(routes!(api::object))
                .routes(routes!(api::list_objections))
                .routes(routes!(api::answer_objection))
                .routes(routes!(api::list_notices))
                .routes(routes!(api::get_hosted))
                .routes(routes!(api::get_calendar))
                .routes(routes!(api::get_stagger, api::apply_stagger))
                .routes(routes!(api::get_bundles))
                .routes(routes!(api::get_overview))
                .routes(routes!(api::get_leaders))
                .routes(routes!(api::get_pre_notice))
        },
        ui: ui::pages,
        nav: NAV,
        rules: RULES,
        migrations: MIGRATIONS,
        labels: LABELS,
        channel: Some(&CHANNEL),
        tags: TAGS,
        bench: Some(&bench::BENCH),
        demo: Some(&demo::DEMO),
        grants: permissions::GRANTS,
        ..Module::named("inspections", "督查检查考核")
    }
}
