//! What a parse job asks and answers: the same function runs in the worker process and, when
//! no worker is configured, in-process.
use crate::sheet::{self, Sheet, SheetError};
use jianfu_text::{ExtractOptions, TextError};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Largest file a job takes: the upload limit.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// A parse job: what to read from the bytes that follow it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Job {
    /// The plain text of a .docx, .doc, .wps, .pdf (text layer), .ofd or .txt (UTF-8/GBK/GB18030).
    Text {
        /// The uploaded file's name (its extension is a hint only).
        file_name: String,
        /// The text reader's own time budget, a little inside the worker's deadline, so a slow
        /// file usually gets the reader's message before the kill.
        budget_ms: u64,
    },
    /// The rows of the first worksheet of an .xlsx, their first `columns` cells as text.
    Sheet { columns: usize },
}

/// What a job found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parsed {
    Text(String),
    Sheet(Sheet),
}

/// Why a job found nothing, as the worker reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    Text(TextError),
    Sheet(SheetError),
}

/// Runs one job over the file's bytes. Never panics on purpose; the worker catches a panic of
/// a parser anyway.
pub fn run(job: &Job, bytes: &[u8]) -> Result<Parsed, Failure> {
    match job {
        Job::Text {
            file_name,
            budget_ms,
        } => {
            let options = ExtractOptions {
                max_bytes: MAX_FILE_BYTES as u64,
                time_budget: Duration::from_millis(*budget_ms),
                ..ExtractOptions::default()
            };
            jianfu_text::extract_with(file_name, bytes, &options)
                .map(|e| Parsed::Text(e.text))
                .map_err(Failure::Text)
        }
        Job::Sheet { columns } => sheet::read(bytes, *columns, &sheet::SheetLimits::default())
            .map(Parsed::Sheet)
            .map_err(Failure::Sheet),
    }
}

/// What a file whose parser panicked is told.
pub(crate) fn panicked(job: &Job) -> Failure {
    match job {
        Job::Text { .. } => Failure::Text(TextError::CorruptFile {
            reason: "文件结构异常".into(),
        }),
        Job::Sheet { .. } => Failure::Sheet(SheetError::Unreadable),
    }
}
