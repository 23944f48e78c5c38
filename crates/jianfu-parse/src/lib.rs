//! Bounded parsing of uploaded files. Every uploaded format the server reads (the text of a
//! .docx, .doc, .wps, .pdf, .ofd or .txt; the rows of an .xlsx ledger) is parsed as a job that
//! can truly be stopped:
//!
//! - **In a worker process.** The server re-executes its own binary as `jianfu parse-worker`
//!   (hidden from the help): the job and the file's bytes go in on stdin, the result comes back
//!   as JSON on stdout ([`worker`]). Before it reads anything the worker limits its own address
//!   space (`RLIMIT_AS`), CPU time (`RLIMIT_CPU`) and core dumps (`RLIMIT_CORE`), so a file that
//!   makes a parser allocate or loop without end kills only the worker.
//! - **Killed at its deadline.** The server waits for the worker until the wall-clock deadline,
//!   then kills it (`tokio::process` with `kill_on_drop`): nothing keeps running after the answer.
//! - **Behind a queue.** At most [`ParseConfig::workers`] parses run at once and
//!   [`ParseConfig::queue`] wait; past that the upload is answered 503 “文件解析任务繁忙，请稍后再试”.
//! - **Bounded before allocating.** Spreadsheets are read through their declared dimension and
//!   streamed cell by cell, refused past [`sheet::MAX_ROWS`] rows or [`sheet::MAX_COLUMNS`]
//!   columns; every zip entry is inflated into a counter under a cap before the reader sees it.
//!
//! A file past a bound (too large, too complex, too slow) is a 422 naming the field `file`
//! ([`ParseError::over_limit`]); a file that simply cannot be read is a 422 as well, which the
//! attachments keep without a 字数.
//!
//! - **Scans by OCR.** [`Parser::read`] reads an image-only PDF (or one whose text layer is too
//!   short for its pages) and a .png or .jpg with Tesseract, as subprocesses of the worker under
//!   its limits and in its process group, killed with it; bounded in pages, pixels and time
//!   before anything is decoded ([`ocr`]). Its text comes back marked as OCR, with its
//!   confidence, so that the uploader checks it before it is stored.
//!
//! Which executable is the worker is configuration ([`ParseConfig::worker`]): the `jianfu` binary
//! names itself (`std::env::current_exe()`), the HTTP tests name the built `jianfu` binary
//! (`CARGO_BIN_EXE_jianfu`). With no worker configured (the unit tests of other crates, tools
//! that build an app state without the binary) a job runs **in-process** on a blocking thread,
//! under the same queue and the same size, dimension and inflation bounds, but without the
//! memory and CPU limits and without a kill: a thread past its deadline is answered 422 and left
//! to finish.
mod error;
pub mod job;
pub mod ocr;
mod pool;
pub mod sheet;
pub mod worker;

pub use error::ParseError;
pub use job::{Job, Parsed};
pub use ocr::{OcrError, OcrText, OcrTools};
pub use pool::{ParseConfig, Parser, ReadText};
pub use sheet::{Sheet, SheetError, SheetRow};
pub use worker::WORKER_COMMAND;
