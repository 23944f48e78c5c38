//! The public pre-notice (预通知), for anyone without signing in: the month's page, its printable
//! view and its workbook.
use crate::prenotice::{self, PreNotice, PreNoticeQuery};
use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use chrono::{Datelike, Months, NaiveDate};
use jianfu_web::error::PageError;
use jianfu_web::extract::parse_query;
use jianfu_web::ui::render;
use jianfu_web::AppState;

#[derive(Template)]
#[template(path = "public_notice.html")]
struct NoticePage {
    notice: PreNotice,
    region: String,
    previous: String,
    next: String,
}

#[derive(Template)]
#[template(path = "public_print.html")]
struct PrintPage {
    notice: PreNotice,
    today: String,
}

async fn load(s: &AppState, uri: &Uri) -> Result<PreNotice, PageError> {
    let q: PreNoticeQuery = parse_query(uri.query().unwrap_or(""))?;
    Ok(prenotice::pre_notice(&s.db, q).await?)
}

fn month_next_to(month: &str, forward: bool) -> String {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok();
    let moved = first.and_then(|d| {
        if forward {
            d.checked_add_months(Months::new(1))
        } else {
            d.checked_sub_months(Months::new(1))
        }
    });
    moved
        .map(|d| format!("{}-{:02}", d.year(), d.month()))
        .unwrap_or_default()
}

pub async fn notice_page(State(s): State<AppState>, uri: Uri) -> Result<Response, PageError> {
    let notice = load(&s, &uri).await?;
    render(&NoticePage {
        region: notice.region_id.map(|r| r.to_string()).unwrap_or_default(),
        previous: month_next_to(&notice.month, false),
        next: month_next_to(&notice.month, true),
        notice,
    })
}

pub async fn print_page(State(s): State<AppState>, uri: Uri) -> Result<Response, PageError> {
    let notice = load(&s, &uri).await?;
    let today = jianfu_core::time::today();
    render(&PrintPage {
        notice,
        today: format!("{}年{}月{}日", today.year(), today.month(), today.day()),
    })
}

pub async fn notice_xlsx(State(s): State<AppState>, uri: Uri) -> Result<Response, PageError> {
    let notice = load(&s, &uri).await?;
    let bytes = crate::export::notice_xlsx(&notice)?;
    Ok(super::office::xlsx(
        bytes,
        &format!("{}督查检查考核预通知.xlsx", notice.month_label),
    ))
}
