//! The server's side: the queue, the worker process and its deadline.
use crate::error::ParseError;
use crate::job::{self, Failure, Job, Parsed, MAX_FILE_BYTES};
use crate::ocr::{self, ImageKind, OcrJob, OcrText, OcrTools};
use crate::sheet::Sheet;
use crate::worker::WORKER_COMMAND;
use bytes::Bytes;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Semaphore;

/// Most bytes of result read back from a worker (the text of a document is capped far below).
const MAX_OUTPUT: u64 = 256 * 1024 * 1024;

/// How uploaded files are parsed.
#[derive(Debug, Clone)]
pub struct ParseConfig {
    /// The executable run as `<worker> parse-worker`: the `jianfu` binary itself in production.
    /// `None` parses in-process (see the crate's documentation for what that gives up).
    pub worker: Option<PathBuf>,
    /// Parses that run at once.
    pub workers: usize,
    /// Parses that may wait for a free worker; one more is answered 503.
    pub queue: usize,
    /// Wall-clock time a parse may take; the worker is killed at it.
    pub deadline: Duration,
    /// CPU seconds a worker may use (`RLIMIT_CPU`).
    pub cpu_seconds: u64,
    /// Address space a worker may map (`RLIMIT_AS`), its own code included; each OCR tool it
    /// runs has the same limit.
    pub memory_bytes: u64,
    /// Wall-clock time a read that may need OCR (a PDF, a picture) may take, OCR included; the
    /// worker and the tools it runs are killed at it. Also their CPU seconds.
    pub ocr_deadline: Duration,
    /// Where the OCR tools are.
    pub ocr_tools: OcrTools,
}

impl Default for ParseConfig {
    /// In-process, two parses at once (one on a single core), eight waiting, 15 s wall-clock,
    /// 15 CPU-seconds, 1 GiB of address space; 120 s for a read that may need OCR (up to
    /// [`ocr::MAX_PAGES`] pages at about 2.5 s each), the tools found on `PATH`.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        ParseConfig {
            worker: None,
            workers: cores.clamp(1, 2),
            queue: 8,
            deadline: Duration::from_secs(15),
            cpu_seconds: 15,
            memory_bytes: 1024 * 1024 * 1024,
            ocr_deadline: Duration::from_secs(120),
            ocr_tools: OcrTools::default(),
        }
    }
}

impl ParseConfig {
    /// The defaults, with this executable as the worker.
    pub fn with_worker(worker: impl Into<PathBuf>) -> Self {
        ParseConfig {
            worker: Some(worker.into()),
            ..ParseConfig::default()
        }
    }
}

/// Runs parse jobs under the configured bounds. Cheap to clone (one queue for all clones).
#[derive(Clone)]
pub struct Parser {
    inner: Arc<Inner>,
}

struct Inner {
    config: ParseConfig,
    /// Running and waiting parses together.
    admitted: Arc<Semaphore>,
    /// Running parses.
    running: Semaphore,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new(ParseConfig::default())
    }
}

impl std::fmt::Debug for Parser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Parser").field(&self.inner.config).finish()
    }
}

impl Parser {
    pub fn new(config: ParseConfig) -> Parser {
        let workers = config.workers.max(1);
        Parser {
            inner: Arc::new(Inner {
                admitted: Arc::new(Semaphore::new(workers + config.queue)),
                running: Semaphore::new(workers),
                config,
            }),
        }
    }

    pub fn config(&self) -> &ParseConfig {
        &self.inner.config
    }

    /// The text of an uploaded .docx, .doc, .wps, .pdf (text layer), .ofd or .txt. A scan is
    /// refused (see [`Parser::read`] to read it by OCR).
    pub async fn text(&self, file_name: &str, bytes: Bytes) -> Result<String, ParseError> {
        match self
            .run(self.text_job(file_name, None), bytes, self.limits())
            .await?
        {
            Parsed::Text(text) => Ok(text),
            _ => Err(ParseError::Internal("文本解析返回了表格".into())),
        }
    }

    /// The text of an uploaded .docx, .doc, .wps, .pdf, .ofd or .txt, and of a scan (an
    /// image-only PDF, a .png or .jpg) by OCR, marked as such with its confidence. A file that
    /// may need OCR has [`ParseConfig::ocr_deadline`].
    pub async fn read(&self, file_name: &str, bytes: Bytes) -> Result<ReadText, ParseError> {
        let config = self.config();
        let head = bytes.get(..1024).unwrap_or(&bytes);
        let may_be_scan =
            ImageKind::sniff(&bytes).is_some() || head.windows(5).any(|w| w == b"%PDF-");
        let limits = if may_be_scan {
            Limits {
                deadline: config.ocr_deadline,
                cpu_seconds: config.cpu_seconds.max(config.ocr_deadline.as_secs()),
            }
        } else {
            self.limits()
        };
        let ocr = may_be_scan.then(|| OcrJob {
            tools: config.ocr_tools.clone(),
            // The worker's own clock stops a second before the kill.
            budget_ms: config
                .ocr_deadline
                .saturating_sub(Duration::from_secs(1))
                .max(Duration::from_millis(500))
                .as_millis() as u64,
        });
        match self
            .run(self.text_job(file_name, ocr), bytes, limits)
            .await?
        {
            Parsed::Text(text) => Ok(ReadText { text, ocr: None }),
            Parsed::Ocr(OcrText {
                text,
                confidence,
                pages,
            }) => Ok(ReadText {
                text,
                ocr: Some(OcrMark { confidence, pages }),
            }),
            Parsed::Sheet(_) => Err(ParseError::Internal("文本解析返回了表格".into())),
        }
    }

    fn text_job(&self, file_name: &str, ocr: Option<OcrJob>) -> Job {
        // The reader's own clock stops a second before the kill, so a slow file usually gets
        // its message; the kill is what guarantees the end.
        let budget = self
            .config()
            .deadline
            .saturating_sub(Duration::from_secs(1))
            .max(Duration::from_millis(500));
        Job::Text {
            file_name: file_name.to_string(),
            budget_ms: budget.as_millis() as u64,
            ocr,
        }
    }

    fn limits(&self) -> Limits {
        Limits {
            deadline: self.config().deadline,
            cpu_seconds: self.config().cpu_seconds,
        }
    }

    /// The used rows of the first worksheet of an uploaded .xlsx, `columns` cells each.
    pub async fn sheet(&self, bytes: Bytes, columns: usize) -> Result<Sheet, ParseError> {
        match self
            .run(Job::Sheet { columns }, bytes, self.limits())
            .await?
        {
            Parsed::Sheet(sheet) => Ok(sheet),
            _ => Err(ParseError::Internal("表格解析返回了文本".into())),
        }
    }

    /// Queues the job (503 when the queue is full), then runs it in the worker or in-process.
    async fn run(&self, job: Job, bytes: Bytes, limits: Limits) -> Result<Parsed, ParseError> {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(ParseError::Text(jianfu_text::TextError::FileTooLarge {
                limit_bytes: MAX_FILE_BYTES as u64,
            }));
        }
        let _admitted = Arc::clone(&self.inner.admitted)
            .try_acquire_owned()
            .map_err(|_| ParseError::Busy)?;
        let _running = self
            .inner
            .running
            .acquire()
            .await
            .map_err(|_| ParseError::Busy)?;
        let config = self.config();
        match &config.worker {
            Some(worker) => in_worker(worker, config.memory_bytes, limits, &job, &bytes).await,
            None => in_process(limits.deadline, job, bytes).await,
        }
    }
}

/// Text read from an upload, and whether OCR read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadText {
    pub text: String,
    /// Set when the text was read from a scan by OCR: the uploader must check it.
    pub ocr: Option<OcrMark>,
}

/// How a text read by OCR was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OcrMark {
    /// Mean confidence of its words, 0–100.
    pub confidence: u8,
    pub pages: u32,
}

/// The wall-clock and CPU bounds of one job.
#[derive(Debug, Clone, Copy)]
struct Limits {
    deadline: Duration,
    cpu_seconds: u64,
}

/// Runs the job in a worker process and kills it at the deadline.
async fn in_worker(
    worker: &Path,
    memory_bytes: u64,
    limits: Limits,
    job: &Job,
    bytes: &[u8],
) -> Result<Parsed, ParseError> {
    let mut command = tokio::process::Command::new(worker);
    command
        .arg(WORKER_COMMAND)
        .arg(memory_bytes.to_string())
        .arg(limits.cpu_seconds.to_string())
        // One malloc arena: each thread's arena reserves address space the limit counts.
        .env("MALLOC_ARENA_MAX", "1");
    // Its own process group, so that the OCR tools it runs are killed with it.
    #[cfg(unix)]
    command.process_group(0);
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            ParseError::Internal(format!("无法启动文件解析进程{}：{e}", worker.display()))
        })?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(ParseError::Internal("文件解析进程没有标准输入输出".into()));
    };
    let mut header = serde_json::to_vec(job).map_err(|e| ParseError::Internal(e.to_string()))?;
    header.push(b'\n');
    let send = async move {
        // A worker that dies early closes its stdin: its exit status says why.
        if stdin.write_all(&header).await.is_ok() {
            let _ = stdin.write_all(bytes).await;
        }
        let _ = stdin.shutdown().await;
    };
    let receive = async move {
        let mut out = Vec::new();
        let _ = stdout.take(MAX_OUTPUT).read_to_end(&mut out).await;
        out
    };
    let complain = async move {
        let mut err = Vec::new();
        let _ = stderr.take(16 * 1024).read_to_end(&mut err).await;
        err
    };
    let pid = child.id();
    let work = async {
        let ((), out, err) = tokio::join!(send, receive, complain);
        let status = child.wait().await;
        (out, err, status)
    };
    let finished = tokio::time::timeout(limits.deadline, work).await;
    let Ok((out, err, status)) = finished else {
        // Past the deadline: kill it and the tools it runs, and reap it; nothing keeps running.
        kill_group(pid);
        let _ = child.kill().await;
        if let Some(pid) = pid {
            ocr::remove_leftovers(pid);
        }
        tracing::warn!(
            seconds = limits.deadline.as_secs_f64(),
            "file parse killed at its deadline"
        );
        return Err(timeout(limits.deadline));
    };
    if let Ok(result) = serde_json::from_slice::<Result<Parsed, Failure>>(&out) {
        return result.map_err(ParseError::from);
    }
    // A worker that died by its limits may leave a tool behind, and its working files.
    kill_group(pid);
    if let Some(pid) = pid {
        ocr::remove_leftovers(pid);
    }
    let status = status.map_err(|e| ParseError::Internal(e.to_string()))?;
    let complaint = String::from_utf8_lossy(&err);
    tracing::warn!(%status, stderr = %complaint.trim(), "file parse worker ended without a result");
    Err(died(status, limits.deadline))
}

/// Kills the process group a worker leads (the worker and the OCR tools it started).
fn kill_group(pid: Option<u32>) {
    #[cfg(unix)]
    if let Some(pid) = pid.and_then(|p| rustix::process::Pid::from_raw(p as i32)) {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// What a worker that ended without a result means.
fn died(status: ExitStatus, deadline: Duration) -> ParseError {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        // Past its CPU time: SIGXCPU at the soft limit, SIGKILL at the hard one.
        const SIGKILL: i32 = 9;
        const SIGXCPU: i32 = 24;
        if matches!(status.signal(), Some(SIGXCPU | SIGKILL)) {
            return timeout(deadline);
        }
    }
    let _ = deadline;
    match status.code() {
        // Called wrongly, or ended well without a result: the server's fault, not the file's.
        Some(0 | 2) => ParseError::Internal(format!("文件解析进程没有返回结果（{status}）")),
        _ => ParseError::TooComplex,
    }
}

fn timeout(deadline: Duration) -> ParseError {
    ParseError::Timeout {
        seconds: deadline.as_secs().max(1),
    }
}

/// Runs the job on a blocking thread of this process (no worker configured): the same bounds
/// of size, dimension and inflation, no memory or CPU limit, and a thread past its deadline is
/// answered but not stopped.
async fn in_process(deadline: Duration, job: Job, bytes: Bytes) -> Result<Parsed, ParseError> {
    let task = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job::run(&job, &bytes)))
            .unwrap_or_else(|_| Err(job::panicked(&job)))
    });
    match tokio::time::timeout(deadline, task).await {
        Ok(Ok(result)) => result.map_err(ParseError::from),
        Ok(Err(e)) => Err(ParseError::Internal(e.to_string())),
        Err(_) => Err(timeout(deadline)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::tests::{sheet_xml, xlsx};

    #[tokio::test]
    async fn in_process_reads_text_and_sheets_within_the_same_bounds() {
        let parser = Parser::default();
        let (gbk, _, _) = encoding_rs::GBK.encode("关于做好基层减负工作的通知\r\n");
        let text = parser
            .text("通知.txt", Bytes::from(gbk.into_owned()))
            .await
            .unwrap();
        assert_eq!(text, "关于做好基层减负工作的通知\n");
        let far = xlsx(
            &sheet_xml(Some("A1:XFD1048576"), &[("A1", "x"), ("XFD1048576", "y")]),
            None,
        );
        let err = parser.sheet(Bytes::from(far), 12).await.unwrap_err();
        assert_eq!(err.code(), "sheet_too_large");
        let app: jianfu_core::AppError = err.into();
        assert_eq!(app.status(), 422);
        assert_eq!(app.field(), Some("file"));
    }

    /// Stand-in workers (shell scripts): one that never ends is killed at the deadline and is
    /// gone when the answer comes; one that aborts (as an allocation past `RLIMIT_AS` does) is
    /// a file too complex; one that answers nothing is the server's fault. (The real worker is
    /// exercised by the HTTP tests, which have the `jianfu` binary.) One test, so no other test
    /// of this binary forks while a script is being written.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_worker_is_killed_at_its_deadline_and_read_from_its_end() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("jianfu-parse-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pid_file = dir.join("pid");
        let script = |name: &str, body: &str| {
            let path = dir.join(name);
            std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            path
        };
        let endless = script(
            "endless",
            &format!("echo $$ > {}\nexec sleep 60", pid_file.display()),
        );
        let aborting = script("aborting", "kill -ABRT $$");
        let silent = script("silent", "cat > /dev/null\nexit 0");
        let parser = |worker: &std::path::Path| {
            Parser::new(ParseConfig {
                deadline: Duration::from_millis(700),
                ..ParseConfig::with_worker(worker)
            })
        };
        let bytes = || Bytes::from_static("文字".as_bytes());

        let started = std::time::Instant::now();
        let err = parser(&endless).text("a.txt", bytes()).await.unwrap_err();
        assert_eq!(err, ParseError::Timeout { seconds: 1 });
        assert_eq!(err.code(), "parse_timeout");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        assert!(
            !std::path::Path::new(&format!("/proc/{}", pid.trim())).exists(),
            "the worker {pid} still runs after its deadline"
        );

        let err = parser(&aborting).text("a.txt", bytes()).await.unwrap_err();
        assert_eq!(err, ParseError::TooComplex);
        let app: jianfu_core::AppError = err.into();
        assert_eq!(
            (app.status(), app.code(), app.field()),
            (422, "file_too_complex", Some("file"))
        );
        assert!(app.to_string().starts_with("文件过于复杂"), "{app}");

        let err = parser(&silent).text("a.txt", bytes()).await.unwrap_err();
        assert!(matches!(err, ParseError::Internal(_)), "{err:?}");
        let missing = parser(&dir.join("missing")).text("a.txt", bytes()).await;
        assert!(
            matches!(missing, Err(ParseError::Internal(_))),
            "{missing:?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The committed scan (an image-only PDF of a notice) and the same page as a .png are read
    /// by OCR, marked with their confidence; a text file is not. Needs the OCR tools
    /// (`./scripts/test` installs them).
    #[tokio::test]
    async fn scans_are_read_by_ocr_and_marked() {
        let parser = Parser::default();
        let truth = include_str!("../tests/fixtures/scan_notice.txt");
        let pdf = include_bytes!("../tests/fixtures/scan_notice.pdf");
        let read = parser
            .read("扫描件.pdf", Bytes::from_static(pdf))
            .await
            .unwrap();
        let mark = read.ocr.expect("read by OCR");
        assert_eq!(mark.pages, 1);
        assert!(mark.confidence >= 80, "{mark:?}");
        let accuracy = ocr::character_accuracy(truth, &read.text);
        assert!(accuracy >= 0.95, "{accuracy}: {}", read.text);
        let png = include_bytes!("../tests/fixtures/scan_notice.png");
        let read = parser
            .read("扫描件.png", Bytes::from_static(png))
            .await
            .unwrap();
        assert!(read.ocr.is_some());
        assert!(
            ocr::character_accuracy(truth, &read.text) >= 0.9,
            "{}",
            read.text
        );
        // Without OCR the scan is refused as before.
        let err = parser
            .text("扫描件.pdf", Bytes::from_static(pdf))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "pdf_without_text");
        let read = parser
            .read(
                "通知.txt",
                Bytes::from_static("关于做好基层减负工作的通知".as_bytes()),
            )
            .await
            .unwrap();
        assert_eq!(read.ocr, None);
    }

    #[tokio::test]
    async fn missing_ocr_tools_are_named_in_chinese() {
        let parser = Parser::new(ParseConfig {
            ocr_tools: OcrTools {
                tesseract: "/nonexistent/tesseract".into(),
                pdftoppm: "/nonexistent/pdftoppm".into(),
                pdfinfo: "/nonexistent/pdfinfo".into(),
            },
            ..ParseConfig::default()
        });
        let pdf = include_bytes!("../tests/fixtures/scan_notice.pdf");
        let err = parser
            .read("扫描件.pdf", Bytes::from_static(pdf))
            .await
            .unwrap_err();
        let app: jianfu_core::AppError = err.into();
        assert_eq!(
            (app.status(), app.code(), app.field()),
            (422, "ocr_unavailable", Some("file"))
        );
        assert!(
            app.to_string().contains(
                "服务器未安装文字识别组件（tesseract-ocr、tesseract-ocr-chi-sim、poppler-utils）"
            ),
            "{app}"
        );
    }

    #[tokio::test]
    async fn a_full_queue_is_busy() {
        let parser = Parser::new(ParseConfig {
            workers: 1,
            queue: 0,
            ..ParseConfig::default()
        });
        let held = Arc::clone(&parser.inner.admitted)
            .try_acquire_owned()
            .unwrap();
        let err = parser
            .text("a.txt", Bytes::from_static("文字".as_bytes()))
            .await
            .unwrap_err();
        assert_eq!(err, ParseError::Busy);
        let app: jianfu_core::AppError = err.into();
        assert_eq!(app.status(), 503);
        assert_eq!(app.to_string(), "文件解析任务繁忙，请稍后再试");
        drop(held);
        assert!(parser
            .text("a.txt", Bytes::from_static("文字".as_bytes()))
            .await
            .is_ok());
    }
}
