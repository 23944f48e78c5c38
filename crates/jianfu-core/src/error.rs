//! The one error type of the platform. Its `code` is stable snake_case for programs,
//! its `message` is Chinese for people, and `field` names the offending input field.
use crate::labels::field_label;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    #[error("请先登录")]
    Unauthorized,
    #[error("{message}")]
    Forbidden {
        message: String,
        field: Option<String>,
    },
    #[error("{0}不存在")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        field: Option<String>,
    },
    /// Input that parsed but does not make sense (422).
    #[error("{message}")]
    Validation {
        code: &'static str,
        message: String,
        field: Option<String>,
    },
    /// Input that could not be read at all: malformed JSON, wrong content type (400).
    #[error("{message}")]
    BadRequest {
        code: &'static str,
        message: String,
        field: Option<String>,
    },
    #[error("请求内容过大，上限为{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    TooManyRequests(String),
    /// The request took longer than the server allows (503); trying again may succeed.
    #[error("请求处理超时，请稍后再试")]
    Timeout,
    /// A bounded resource (the file-parsing queue) is full (503); trying again later may
    /// succeed. The message says which.
    #[error("{0}")]
    Busy(String),
    /// Internal errors are logged with their context and never shown.
    #[error("系统内部错误，请稍后再试或联系管理员")]
    Internal(String),
}

impl AppError {
    pub fn forbidden() -> Self {
        AppError::Forbidden {
            message: "无权执行此操作".into(),
            field: None,
        }
    }

    pub fn forbidden_field(field: &str, message: impl Into<String>) -> Self {
        AppError::Forbidden {
            message: message.into(),
            field: Some(field.into()),
        }
    }

    /// A validation error whose message starts with the field's Chinese label.
    pub fn invalid(field: &str, problem: &str) -> Self {
        AppError::Validation {
            code: "invalid_field",
            message: format!("{}{}", field_label(field), problem),
            field: Some(field.into()),
        }
    }

    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code: "conflict",
            message: message.into(),
            field: Some(field.into()),
        }
    }

    pub fn bad_request(
        code: &'static str,
        message: impl Into<String>,
        field: Option<String>,
    ) -> Self {
        AppError::BadRequest {
            code,
            message: message.into(),
            field,
        }
    }

    pub fn internal(context: impl std::fmt::Display) -> Self {
        AppError::Internal(context.to_string())
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden { .. } => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict { .. } => 409,
            AppError::Validation { .. } => 422,
            AppError::BadRequest { .. } => 400,
            AppError::PayloadTooLarge(_) => 413,
            AppError::TooManyRequests(_) => 429,
            AppError::Timeout => 503,
            AppError::Busy(_) => 503,
            AppError::Internal(_) => 500,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden { .. } => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict { code, .. }
            | AppError::Validation { code, .. }
            | AppError::BadRequest { code, .. } => code,
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::Timeout => "timeout",
            AppError::Busy(_) => "busy",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Forbidden { field, .. }
            | AppError::Conflict { field, .. }
            | AppError::Validation { field, .. }
            | AppError::BadRequest { field, .. } => field.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_names_the_field_in_chinese() {
        let e = AppError::invalid("name", "不能为空");
        assert_eq!(e.to_string(), "名称不能为空");
        assert_eq!(e.field(), Some("name"));
        assert_eq!(e.status(), 422);
    }

    #[test]
    fn internal_errors_hide_their_context() {
        let e = AppError::internal("sqlite: disk I/O error at /secret/path");
        assert!(!e.to_string().contains("secret"));
        assert_eq!(e.status(), 500);
    }
}
