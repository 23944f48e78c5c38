//! What a parse job asks and answers: the same function runs in the worker process and, when
//! no worker is configured, in-process.
use crate::ocr::{self, ImageKind, OcrError, OcrJob, OcrText};
use crate::sheet::{self, Sheet, SheetError};
use jianfu_text::{ExtractOptions, SourceFormat, TextError};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

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
        /// Read a scan (an image-only PDF, a .png or .jpg) by OCR; without it a scan is refused.
        #[serde(default)]
        ocr: Option<OcrJob>,
    },
    /// The rows of the first worksheet of an .xlsx, their first `columns` cells as text.
    Sheet { columns: usize },
}

/// What a job found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parsed {
    Text(String),
    /// Text read from a scan by OCR, with its confidence.
    Ocr(OcrText),
    Sheet(Sheet),
}

/// Why a job found nothing, as the worker reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    Text(TextError),
    Ocr(OcrError),
    Sheet(SheetError),
}

/// A PDF whose text layer holds fewer characters than this a page is taken for a scan (a
/// scanned notice with a typed page number, a stamp's caption) and read by OCR as well.
pub const MIN_LAYER_CHARS_PER_PAGE: usize = 20;

/// Runs one job over the file's bytes. Never panics on purpose; the worker catches a panic of
/// a parser anyway.
pub fn run(job: &Job, bytes: &[u8]) -> Result<Parsed, Failure> {
    match job {
        Job::Text {
            file_name,
            budget_ms,
            ocr,
        } => {
            let started = Instant::now();
            if let Some(ocr) = ocr {
                if ImageKind::sniff(bytes).is_some() {
                    return ocr::read_image(bytes, ocr, started)
                        .map(Parsed::Ocr)
                        .map_err(Failure::Ocr);
                }
            }
            let options = ExtractOptions {
                max_bytes: MAX_FILE_BYTES as u64,
                time_budget: Duration::from_millis(*budget_ms),
                ..ExtractOptions::default()
            };
            match (jianfu_text::extract_with(file_name, bytes, &options), ocr) {
                (Ok(e), Some(ocr)) if e.format == SourceFormat::Pdf => {
                    Ok(scan_behind(&e.text, bytes, ocr, started)
                        .map_or(Parsed::Text(e.text), Parsed::Ocr))
                }
                (Ok(e), _) => Ok(Parsed::Text(e.text)),
                (Err(TextError::PdfWithoutText), Some(ocr)) => ocr::read_pdf(bytes, ocr, started)
                    .map(Parsed::Ocr)
                    .map_err(Failure::Ocr),
                (Err(e), _) => Err(Failure::Text(e)),
            }
        }
        Job::Sheet { columns } => sheet::read(bytes, *columns, &sheet::SheetLimits::default())
            .map(Parsed::Sheet)
            .map_err(Failure::Sheet),
    }
}

/// The OCR reading of a PDF whose text layer is too short for its pages, when OCR finds more;
/// otherwise (a real text layer, or OCR failing) the layer stands.
fn scan_behind(layer: &str, bytes: &[u8], job: &OcrJob, started: Instant) -> Option<OcrText> {
    let chars = |t: &str| t.chars().filter(|c| !c.is_whitespace()).count();
    let layer_chars = chars(layer);
    if layer_chars >= MIN_LAYER_CHARS_PER_PAGE * ocr::MAX_PAGES as usize {
        return None;
    }
    let pages = ocr::pdf_pages(bytes, job, started).ok()?;
    if layer_chars as u64 >= MIN_LAYER_CHARS_PER_PAGE as u64 * pages {
        return None;
    }
    let read = ocr::read_pdf(bytes, job, started).ok()?;
    (chars(&read.text) > layer_chars).then_some(read)
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
