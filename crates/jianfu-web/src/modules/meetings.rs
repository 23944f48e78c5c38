//! 会议: the meetings ledger's manifest.
use crate::api::ledger as api;
use crate::module::{nav, Module, NavEntry};
use crate::ui::ledger as ui;
use crate::AppState;
use axum::routing::get;
use axum::Router;
use jianfu_domain::policy::Action;
use jianfu_domain::rules::meetings::PACK;
use jianfu_domain::rules::RulePack;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const RULES: &[&RulePack] = &[&PACK];

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

const NAV: &[NavEntry] = &[nav(50, "/meetings", "会议台账", Action::ViewLedger)];

pub fn module() -> Module {
    Module {
        api: || {
            OpenApiRouter::new()
                .routes(routes!(api::list_meetings, api::create_meeting))
                .routes(routes!(api::get_meeting, api::replace_meeting))
        },
        ui: pages,
        nav: NAV,
        rules: RULES,
        labels: LABELS,
        channel: Some(&jianfu_domain::meetings::CHANNEL),
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
}
