//! The JSON API under `/api/v1`. Every route is declared with `#[utoipa::path]` and collected
//! by `routes!`, so `/api/v1/openapi.json` is generated from the code and lists every route
//! (the permission-matrix test walks that list).
mod approvals;
pub(crate) mod audit;
mod dashboard;
pub mod ledger;
mod me;
mod org;
mod tokens;
mod users;
mod warnings;

use crate::AppState;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Jianfu 减负 API", description = "基层减负在线监管平台接口。认证：`Authorization: Bearer TOKEN`（`jianfu token --user NAME [--days N]` 或“接口令牌”页面签发，默认90天、最长365天后失效，可撤销；修改密码或停用账号时全部作废）或网页登录会话。错误体：`{\"error\":{\"code\",\"message\",\"field\"}}`。"),
    modifiers(&BearerAuth),
    tags(
        (name = "org", description = "组织机构"),
        (name = "users", description = "用户"),
        (name = "audit", description = "审计日志"),
        (name = "session", description = "当前用户与接口令牌"),
        (name = "ledger", description = "发文、会议与基层负担台账"),
        (name = "warnings", description = "规则与预警"),
        (name = "approvals", description = "审批记录：立项、计划外事项、一把手参会、扩大范围、签发"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

/// The platform's own routes (org, people, audit, the burden ledger, plans, rules, warnings).
fn platform_api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(org::list_units, org::create_unit))
        .routes(routes!(org::get_unit, org::update_unit))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::get_user, users::update_user))
        .routes(routes!(audit::list_audit))
        .routes(routes!(audit::audit_xlsx))
        .routes(routes!(audit::verify_audit))
        .routes(routes!(me::me))
        .routes(routes!(tokens::list_tokens, tokens::issue_token))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(dashboard::dashboard))
        .routes(routes!(ledger::burden_ledger))
        .routes(routes!(ledger::issuer_ranking))
        .routes(routes!(ledger::burden_items))
        .routes(routes!(ledger::burden_months))
        .routes(routes!(ledger::burden_xlsx))
        .routes(routes!(ledger::list_plans, ledger::set_plan))
        .routes(routes!(warnings::list_rules))
        .routes(routes!(warnings::update_rule))
        .routes(routes!(warnings::list_warnings))
        .routes(routes!(warnings::get_warning))
        .routes(routes!(warnings::act_on_warning))
        .routes(routes!(approvals::list_approvals, approvals::apply))
        .routes(routes!(approvals::get_approval))
        .routes(routes!(approvals::decide))
}

/// The (METHOD, path) pairs of the platform's own routes.
pub(crate) fn platform_routes() -> Vec<(String, String)> {
    crate::module::api_routes(platform_api())
}

/// The API routes of the platform and the installed modules, and their OpenAPI document.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let mut api = OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(platform_api());
    let mut uploads = OpenApiRouter::new();
    for m in crate::module::modules() {
        for (name, description) in m.tags {
            let tag = utoipa::openapi::tag::TagBuilder::new()
                .name(*name)
                .description(Some(*description))
                .build();
            api.get_openapi_mut()
                .tags
                .get_or_insert_with(Vec::new)
                .push(tag);
        }
        api = api.merge((m.api)());
        uploads = uploads.merge((m.uploads)());
    }
    // Routes that take files: the upload limit instead of the JSON body limit.
    let uploads = uploads.layer(DefaultBodyLimit::max(crate::UPLOAD_LIMIT));
    let (router, doc) = api.merge(uploads).split_for_parts();
    let router = router.route("/api/v1/openapi.json", get(openapi_json));
    (router, doc)
}

async fn openapi_json(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "application/json")],
        state.openapi_json.as_str().to_string(),
    )
}
