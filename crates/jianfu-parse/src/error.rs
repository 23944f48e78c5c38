//! Why a parse found nothing, and how the API answers it.
use crate::job::Failure;
use crate::ocr::OcrError;
use crate::sheet::SheetError;
use jianfu_core::AppError;
use jianfu_text::TextError;

/// Why a parse found nothing. `Display` is the zh-CN sentence shown to the uploader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The text reader's verdict (corrupt, unsupported, no text layer, too large …).
    #[error("{0}")]
    Text(TextError),
    /// The OCR reader's verdict on a scan (tools missing, too many pages, too many pixels …).
    #[error("{0}")]
    Ocr(OcrError),
    /// The spreadsheet reader's verdict (unreadable, past the row or column bounds …).
    #[error("{0}")]
    Sheet(SheetError),
    /// The worker ran past its deadline or its CPU time and was stopped.
    #[error("文件解析超时：{seconds}秒内未能读取完毕，请精简文件后重新上传")]
    Timeout { seconds: u64 },
    /// The worker ran out of its memory (or died otherwise): the file is too complex.
    #[error("文件过于复杂，读取所需的内存超过上限，请精简文件或另存后重新上传")]
    TooComplex,
    /// Every worker is busy and the queue is full.
    #[error("文件解析任务繁忙，请稍后再试")]
    Busy,
    /// The worker could not be started or answered nonsense: the server's fault.
    #[error("系统内部错误，请稍后再试或联系管理员")]
    Internal(String),
}

impl ParseError {
    /// Stable snake_case code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            ParseError::Text(e) => e.code(),
            ParseError::Ocr(e) => e.code(),
            ParseError::Sheet(e) => e.code(),
            ParseError::Timeout { .. } => "parse_timeout",
            ParseError::TooComplex => "file_too_complex",
            ParseError::Busy => "busy",
            ParseError::Internal(_) => "internal",
        }
    }

    /// Past a bound of size, time or memory (or refused by the queue), rather than a file that
    /// cannot be read. An attachment that cannot be read is kept without its 字数; one past a
    /// bound is refused.
    pub fn over_limit(&self) -> bool {
        match self {
            ParseError::Text(e) => matches!(
                e,
                TextError::FileTooLarge { .. }
                    | TextError::ContentTooLarge { .. }
                    | TextError::SuspiciousCompression
                    | TextError::NestingTooDeep
                    | TextError::Timeout
            ),
            ParseError::Ocr(e) => e.over_limit(),
            ParseError::Sheet(e) => e.over_limit(),
            ParseError::Timeout { .. }
            | ParseError::TooComplex
            | ParseError::Busy
            | ParseError::Internal(_) => true,
        }
    }
}

impl From<Failure> for ParseError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Text(e) => ParseError::Text(e),
            Failure::Ocr(e) => ParseError::Ocr(e),
            Failure::Sheet(e) => ParseError::Sheet(e),
        }
    }
}

/// A file that could not be read, or went past a bound, is a 422 naming the field `file`; a
/// full queue is a 503; a worker that cannot be started is the server's fault.
impl From<ParseError> for AppError {
    fn from(e: ParseError) -> Self {
        match e {
            ParseError::Busy => AppError::Busy(e.to_string()),
            ParseError::Internal(context) => AppError::Internal(context),
            e => AppError::Validation {
                code: e.code(),
                message: e.to_string(),
                field: Some("file".into()),
            },
        }
    }
}
