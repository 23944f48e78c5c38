//! The township's and village's page (迎检安排): what it will host and has hosted, with dates,
//! organizers and the materials asked of it, its objections (申请调整) and the notices to it.
use super::{back, Flash};
use crate::hosted::{self, HostedQuery};
use crate::review::{self, ObjectionInput};
use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use jianfu_core::AppError;
use jianfu_domain::policy::can;
use jianfu_web::auth::PageUser;
use jianfu_web::error::PageError;
use jianfu_web::extract::{parse_query, IdPath};
use jianfu_web::ui::{render, Chrome, FormBody};
use jianfu_web::AppState;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "hosted.html")]
struct HostedPage {
    chrome: Chrome,
    csrf: String,
    hosted: hosted::Hosted,
    can_object: bool,
    objections: Vec<review::Objection>,
    notices: Vec<review::Notice>,
    flash: Option<(bool, String)>,
}

pub async fn hosted_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: HostedQuery = parse_query(&super::page_query(&uri))?;
    let hosted = hosted::hosted(&s.db, &id.actor, q).await?;
    let own = hosted.unit_id == id.actor.unit_id;
    let can_object = own && can(&id.actor, crate::permissions::OBJECT);
    let objections = if can_object {
        review::objections(&s.db, &id.actor, None, false).await?
    } else {
        Vec::new()
    };
    let notices = if own {
        review::notices(&s.db, &id.actor).await?
    } else {
        Vec::new()
    };
    render(&HostedPage {
        chrome: Chrome::new(
            &id,
            "/inspections/hosted",
            format!("{}迎检安排", hosted.unit_name),
        ),
        csrf: id.csrf.clone().unwrap_or_default(),
        hosted,
        can_object,
        objections,
        notices,
        flash: Flash::of(&uri),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ObjectionForm {
    reason: String,
    preferred_on: String,
}

pub async fn object(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(iid): IdPath,
    FormBody(form): FormBody<ObjectionForm>,
) -> Result<Response, PageError> {
    let result = async {
        let input = ObjectionInput {
            reason: form.reason.clone(),
            preferred_on: super::date("preferred_on", &form.preferred_on)?,
        };
        let o = review::object(&s.db, &id.actor, iid, input).await?;
        Ok::<String, AppError>(format!(
            "已就“{}”提出调整申请，请等待专班办公室答复",
            o.inspection_title
        ))
    }
    .await;
    back("/inspections/hosted", result)
}
