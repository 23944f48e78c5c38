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
