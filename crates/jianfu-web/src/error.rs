//! Rendering of [`AppError`]: as the SPEC §5 JSON body for the API, as a Chinese page for the UI.
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;
use jianfu_core::AppError;
use serde::Serialize;

/// `{"error":{"code","message","field"}}`
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code for programs.
    pub code: String,
    /// Chinese message for people.
    pub message: String,
    /// The input field at fault, when there is one.
    pub field: Option<String>,
}

fn log(e: &AppError) {
    if let AppError::Internal(ctx) = e {
        tracing::error!(context = %ctx, "internal error");
    }
}

fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        log(&self.0);
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.0.code().to_string(),
                message: self.0.to_string(),
                field: self.0.field().map(str::to_string),
            },
        };
        (status_of(&self.0), Json(body)).into_response()
    }
}

/// An error answered as a page; 401 sends the browser to the sign-in page.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        log(&self.0);
        if self.0 == AppError::Unauthorized {
            return Redirect::to("/login").into_response();
        }
        let status = self.0.status();
        let title = match status {
            503 if matches!(self.0, AppError::Busy(_)) => "系统繁忙",
            403 => "无权访问",
            404 => "页面不存在",
            429 => "操作过于频繁",
            400 | 413 | 422 => "提交的内容有误",
            409 => "记录冲突",
            503 => "请求超时",
            _ => "系统错误",
        };
        let page = ErrorPage {
            status,
            title,
            message: self.0.to_string(),
        };
        match page.render() {
            Ok(html) => (status_of(&self.0), Html(html)).into_response(),
            Err(_) => (status_of(&self.0), self.0.to_string()).into_response(),
        }
    }
}
