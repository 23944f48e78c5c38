//! 会议: the meetings ledger as one module of the platform — meetings with their duration,
//! reach, speeches, plan and approval, the thirteen rules of meetings, the pages, the API and
//! the burden channel (a unit attends, counted in minutes). [`module`] is its manifest.
pub mod api;
mod bench;
pub mod demo;
pub mod model;
pub mod permissions;
pub mod rules;
pub mod store;
pub mod ui;

use axum::routing::{get, post};
use axum::Router;
use jianfu_domain::burden::{Channel, PlanFields};
use jianfu_domain::rules::RulePack;
use jianfu_store::migrate::Migration;
use jianfu_web::module::{nav, Module, NavEntry};
use jianfu_web::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The meetings channel of the burden ledger: a unit attends, counted in minutes.
pub const CHANNEL: Channel = Channel {
    name: "meetings",
    noun: "会议",
    entity: "meeting",
    received: "参会",
    count_unit: "次",
    measure_unit: "分钟",
    color: "#1d4ed8",
    plan: Some(PlanFields {
        planned: "planned_meetings",
        planned_label: "计划会议（次）",
        quota: "meeting_quota",
        quota_label: "会议总量上限",
    }),
    approvals: &[
        jianfu_domain::approvals::Kind::Plan,
        jianfu_domain::approvals::Kind::OutOfPlan,
        jianfu_domain::approvals::Kind::Leaders,
        jianfu_domain::approvals::Kind::Reach,
    ],
};

const RULES: &[&RulePack] = &[&rules::PACK];

/// Its migrations, in order.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "burden_items",
        sql: include_str!("../migrations/0001_burden_items.sql"),
    },
    Migration {
        version: 2,
        name: "withdrawal",
        sql: include_str!("../migrations/0002_withdrawal.sql"),
    },
    Migration {
        version: 3,
        name: "count_index",
        sql: include_str!("../migrations/0003_count_index.sql"),
    },
];

/// Labels of the fields of its forms and API, for the errors that name them.
const LABELS: &[(&str, &str)] = &[
    ("organizer_id", "主办单位"),
    ("organizer", "主办单位"),
    ("topic", "议题"),
    ("starts_at", "开始时间"),
    ("planned_minutes", "计划时长"),
    ("actual_minutes", "实际时长"),
    ("reach_level", "开到层级"),
    ("attendee_count", "参会人数"),
    ("leader_speech_minutes", "领导讲话时长"),
    ("exchange_speeches", "交流发言人数"),
    ("exchange_speech_minutes", "交流发言时长"),
    ("relays_meeting_id", "所传达的上级会议"),
];

/// The Chinese names of its fields' values (the audit page's changes).
fn value_labels(field: &str, value: &str) -> Option<&'static str> {
    match field {
        "kind" => model::MeetingKind::all()
            .find(|k| k.as_str() == value)
            .map(model::MeetingKind::label),
        _ => None,
    }
}

const NAV: &[NavEntry] = &[nav(50, "/meetings", "会议台账", permissions::READ)];

/// The manifest of the meetings module.
pub fn module() -> Module {
    Module {
        api: || {
            OpenApiRouter::new()
                .routes(routes!(api::list_meetings, api::create_meeting))
                .routes(routes!(api::get_meeting, api::replace_meeting))
                .routes(routes!(api::withdraw_meeting))
        },
        ui: pages,
        nav: NAV,
        rules: RULES,
        migrations: MIGRATIONS,
        labels: LABELS,
        value_labels: Some(value_labels),
        channel: Some(&CHANNEL),
        bench: Some(&bench::BENCH),
        demo: Some(&demo::DEMO),
        grants: permissions::GRANTS,
        ..Module::named("meetings", "会议")
    }
}

fn pages() -> Router<AppState> {
    Router::new()
        .route("/meetings", get(ui::meetings_page))
        .route(
            "/meetings/new",
            get(ui::new_meeting).post(ui::create_meeting),
        )
        .route("/meetings/{id}", get(ui::meeting_detail))
        .route("/meetings/{id}/withdraw", post(ui::withdraw_meeting))
}
