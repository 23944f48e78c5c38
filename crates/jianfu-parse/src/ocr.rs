//! Reading scanned documents: image-only PDFs and .png/.jpg pictures, by OCR with Tesseract
//! and its simplified-Chinese data (Debian's `tesseract-ocr`, `tesseract-ocr-chi-sim`), PDF
//! pages rasterised by poppler's `pdftoppm` and counted by its `pdfinfo` (`poppler-utils`).
//!
//! The tools run as subprocesses of the parse worker, so they inherit its limits on address
//! space and CPU time (`RLIMIT_AS`, `RLIMIT_CPU`) and belong to its process group, which the
//! server kills at the deadline. Each tool is also killed by the worker itself when the job's
//! own budget runs out: a rasteriser that hangs is stopped either way. Before anything is
//! decoded, a scan is bounded:
//!
//! - **Pages**: at most [`MAX_PAGES`], counted by `pdfinfo` before any page is rasterised; a
//!   longer scan is refused at once.
//! - **Pixels**: a picture's size is read from its header ([`image_size`], PNG's IHDR or JPEG's
//!   SOF, by bounded hand-written readers) and refused past [`MAX_SIDE`] pixels a side or
//!   [`MAX_PIXELS`] in all; a PDF page is rasterised at [`DPI`] dpi into a crop of at most
//!   [`MAX_PAGE_PX`] pixels a side whatever size the page claims.
//! - **Time**: every tool gets what is left of the job's budget, and is killed past it.
//!
//! Tesseract runs with `--psm 6` (one uniform block of text: a document page) and one thread
//! (`OMP_THREAD_LIMIT=1`; the pool, not the OCR engine, decides how many cores are busy). Its
//! TSV output gives each word's confidence; the text's confidence is their mean weighted by
//! characters. Lines are joined into paragraphs where a line runs to the right margin and the
//! next starts at the left one, and ASCII punctuation beside Chinese characters becomes the
//! full-width mark a county document uses.
//!
//! When a tool is missing (or the Chinese data is), the uploader is told so in Chinese and the
//! packages are named ([`OcrError::Unavailable`]).
use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Most pages of a scan read by OCR (about 2.5 s a page on one core: rasterising and
/// recognising; 30 pages fit in the default deadline of [`crate::ParseConfig::ocr_deadline`]).
pub const MAX_PAGES: u32 = 30;
/// Most pixels a side of an uploaded picture.
pub const MAX_SIDE: u32 = 10_000;
/// Most pixels of an uploaded picture in all (an A4 page at 600 dpi is 35 million).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Resolution PDF pages are rasterised at: a clean scan.
pub const DPI: u32 = 300;
/// Most pixels a side of a rasterised page: A3's long side at 300 dpi.
pub const MAX_PAGE_PX: u32 = 4961;
/// Tesseract's language: simplified Chinese (its model reads digits and Latin letters too).
pub const LANGUAGE: &str = "chi_sim";
/// The Debian packages OCR needs, as the message for missing tools names them.
pub const PACKAGES: &str = "tesseract-ocr、tesseract-ocr-chi-sim、poppler-utils";
/// Most bytes of a tool's output read back.
const MAX_TOOL_OUTPUT: u64 = 8 * 1024 * 1024;

/// Where the OCR tools are. By default their names, found on `PATH`; `JIANFU_TESSERACT`,
/// `JIANFU_PDFTOPPM` and `JIANFU_PDFINFO` name other executables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrTools {
    pub tesseract: PathBuf,
    pub pdftoppm: PathBuf,
    pub pdfinfo: PathBuf,
}

impl Default for OcrTools {
    fn default() -> Self {
        let tool = |var: &str, name: &str| {
            std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map_or_else(|| PathBuf::from(name), PathBuf::from)
        };
        OcrTools {
            tesseract: tool("JIANFU_TESSERACT", "tesseract"),
            pdftoppm: tool("JIANFU_PDFTOPPM", "pdftoppm"),
            pdfinfo: tool("JIANFU_PDFINFO", "pdfinfo"),
        }
    }
}

/// What a text job needs to read a scan: the tools and the time it may take in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrJob {
    pub tools: OcrTools,
    /// The whole job's budget (text layer and OCR), from the job's start.
    pub budget_ms: u64,
}

/// Text read by OCR.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcrText {
    /// One paragraph per line, `\n` line ends.
    pub text: String,
    /// Mean confidence of the words read, 0–100, weighted by characters.
    pub confidence: u8,
    /// Pages read (1 for a picture).
    pub pages: u32,
}

/// Why a scan could not be read. Crosses the pipe from the worker as JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum OcrError {
    /// Tesseract, its Chinese data or poppler's tools are not installed on the server.
    #[error("服务器未安装文字识别组件（{PACKAGES}），无法识别扫描件。请联系系统管理员安装，或上传可复制文字的文件")]
    Unavailable,
    /// A scan of more pages than OCR reads.
    #[error("扫描件共{pages}页，超过文字识别上限{limit}页，请拆分后分批上传")]
    TooManyPages { pages: u64, limit: u32 },
    /// A picture whose header declares more pixels than OCR reads.
    #[error("图片尺寸过大（{width}×{height}像素），文字识别上限为每边{}像素、共{}万像素，请缩小或按页拆分后重新上传", MAX_SIDE, MAX_PIXELS / 10_000)]
    ImageTooLarge { width: u32, height: u32 },
    /// A picture whose header cannot be read.
    #[error(
        "图片已损坏，无法识别：请重新扫描后上传，或另存为{}后上传",
        jianfu_text::SUPPORTED_FORMATS
    )]
    BadImage,
    /// The job's budget ran out while a tool was working.
    #[error("扫描件识别超时：{seconds}秒内未能识别完毕，请拆分后分批上传")]
    Timeout { seconds: u64 },
    /// A tool failed on the file.
    #[error("扫描件无法识别（{reason}），请重新扫描后上传")]
    Failed { reason: String },
    /// The scan was read but no text was found on it.
    #[error("扫描件中没有识别出文字，请确认扫描清晰、方向正确后重新上传")]
    NoText,
}

impl OcrError {
    /// Stable snake_case code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            OcrError::Unavailable => "ocr_unavailable",
            OcrError::TooManyPages { .. } => "scan_too_many_pages",
            OcrError::ImageTooLarge { .. } => "image_too_large",
            OcrError::BadImage => "corrupt_image",
            OcrError::Timeout { .. } => "ocr_timeout",
            OcrError::Failed { .. } => "ocr_failed",
            OcrError::NoText => "ocr_no_text",
        }
    }

    /// Past a bound (rather than a file that cannot be read, or a server without the tools).
    pub fn over_limit(&self) -> bool {
        matches!(
            self,
            OcrError::TooManyPages { .. }
                | OcrError::ImageTooLarge { .. }
                | OcrError::Timeout { .. }
        )
    }
}

/// A picture format OCR reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
}

impl ImageKind {
    /// By the file's first bytes (its name is no guide).
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageKind::Png)
        } else if bytes.starts_with(b"\xFF\xD8\xFF") {
            Some(ImageKind::Jpeg)
        } else {
            None
        }
    }

    fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
        }
    }
}

/// A picture's width and height as its header declares them, without decoding it: PNG's IHDR
/// chunk, or the first start-of-frame segment of a JPEG. Reads only inside `bytes` and walks at
/// most a bounded number of JPEG segments.
pub fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let be32 = |at: usize| -> Option<u32> {
        let b = bytes.get(at..at.checked_add(4)?)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let be16 = |at: usize| -> Option<u16> {
        let b = bytes.get(at..at.checked_add(2)?)?;
        Some(u16::from_be_bytes([b[0], b[1]]))
    };
    match ImageKind::sniff(bytes)? {
        ImageKind::Png => {
            // Signature (8), then the IHDR chunk: length (4), "IHDR", width (4), height (4).
            if bytes.get(12..16)? != b"IHDR" {
                return None;
            }
            Some((be32(16)?, be32(20)?))
        }
        ImageKind::Jpeg => {
            const MAX_SEGMENTS: usize = 4096;
            let mut at = 2usize;
            for _ in 0..MAX_SEGMENTS {
                // Markers may be preceded by fill bytes 0xFF.
                while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
                    at += 1;
                }
                if *bytes.get(at)? != 0xFF {
                    return None;
                }
                let marker = *bytes.get(at + 1)?;
                at += 2;
                match marker {
                    // Standalone markers: no length.
                    0x01 | 0xD0..=0xD7 => continue,
                    // End of image, or start of scan before any frame: no size.
                    0xD9 | 0xDA => return None,
                    _ => {}
                }
                let length = usize::from(be16(at)?);
                if length < 2 {
                    return None;
                }
                let is_frame =
                    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
                if is_frame {
                    // Length (2), precision (1), height (2), width (2).
                    let height = be16(at + 3)?;
                    let width = be16(at + 5)?;
                    return Some((u32::from(width), u32::from(height)));
                }
                at = at.checked_add(length)?;
            }
            None
        }
    }
}

/// Refuses a picture past the pixel bounds, or whose header cannot be read.
pub fn check_image(bytes: &[u8]) -> Result<(u32, u32), OcrError> {
    let (width, height) = image_size(bytes).ok_or(OcrError::BadImage)?;
    if width == 0 || height == 0 {
        return Err(OcrError::BadImage);
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(OcrError::ImageTooLarge { width, height });
    }
    Ok((width, height))
}

/// Reads a .png or .jpg by OCR.
pub fn read_image(bytes: &[u8], job: &OcrJob, started: Instant) -> Result<OcrText, OcrError> {
    let kind = ImageKind::sniff(bytes).ok_or(OcrError::BadImage)?;
    check_image(bytes)?;
    let run = Run::new(job, started)?;
    let input = format!("scan.{}", kind.extension());
    run.write(&input, bytes)?;
    let mut page = Recognised::default();
    run.recognise(&input, &mut page)?;
    page.finish(1)
}

/// The number of pages of a PDF, by `pdfinfo`.
pub fn pdf_pages(bytes: &[u8], job: &OcrJob, started: Instant) -> Result<u64, OcrError> {
    let run = Run::new(job, started)?;
    run.write("scan.pdf", bytes)?;
    run.pages("scan.pdf")
}

/// Reads a PDF by OCR, page after page: refused past [`MAX_PAGES`] before any page is drawn.
pub fn read_pdf(bytes: &[u8], job: &OcrJob, started: Instant) -> Result<OcrText, OcrError> {
    let run = Run::new(job, started)?;
    run.write("scan.pdf", bytes)?;
    let pages = run.pages("scan.pdf")?;
    if pages > u64::from(MAX_PAGES) {
        return Err(OcrError::TooManyPages {
            pages,
            limit: MAX_PAGES,
        });
    }
    let mut read = Recognised::default();
    for page in 1..=pages {
        let number = page.to_string();
        let side = MAX_PAGE_PX.to_string();
        let dpi = DPI.to_string();
        let args: [&str; 16] = [
            "-r", &dpi, "-gray", "-png", "-f", &number, "-l", &number, "-x", "0", "-y", "0", "-W",
            &side, "-H", &side,
        ];
        let mut args: Vec<OsString> = args.iter().map(OsString::from).collect();
        args.extend(["-singlefile".into(), "scan.pdf".into(), "page".into()]);
        let out = run.tool(&run.job.tools.pdftoppm, &args, &[])?;
        if !out.success || !run.dir.join("page.png").is_file() {
            return Err(OcrError::Failed {
                reason: format!("第{page}页无法转换为图像"),
            });
        }
        run.recognise("page.png", &mut read)?;
        let _ = std::fs::remove_file(run.dir.join("page.png"));
    }
    read.finish(pages as u32)
}

/// One OCR job's working directory and clock. The directory is removed when it ends; a worker
/// killed at its deadline leaves it to the server ([`remove_leftovers`]).
struct Run<'a> {
    job: &'a OcrJob,
    dir: PathBuf,
    deadline: Instant,
}

/// Prefix of working directories, followed by the process id.
const DIR_PREFIX: &str = "jianfu-ocr-";

impl<'a> Run<'a> {
    fn new(job: &'a OcrJob, started: Instant) -> Result<Run<'a>, OcrError> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "{DIR_PREFIX}{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| OcrError::Failed {
            reason: format!("无法创建临时目录：{e}"),
        })?;
        Ok(Run {
            job,
            dir,
            deadline: started + Duration::from_millis(job.budget_ms),
        })
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<(), OcrError> {
        std::fs::write(self.dir.join(name), bytes).map_err(|e| OcrError::Failed {
            reason: format!("无法写入临时文件：{e}"),
        })
    }

    fn timeout(&self) -> OcrError {
        OcrError::Timeout {
            seconds: self.job.budget_ms.div_ceil(1000).max(1),
        }
    }

    /// Runs a tool in the working directory, its output into files (no pipe to fill), killed
    /// when the budget runs out.
    fn tool(
        &self,
        program: &Path,
        args: &[OsString],
        env: &[(&str, &str)],
    ) -> Result<ToolOutput, OcrError> {
        if Instant::now() >= self.deadline {
            return Err(self.timeout());
        }
        let file = |name: &str| {
            std::fs::File::create(self.dir.join(name)).map_err(|e| OcrError::Failed {
                reason: format!("无法写入临时文件：{e}"),
            })
        };
        let mut command = Command::new(program);
        command
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(file(".stdout")?)
            .stderr(file(".stderr")?);
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
                ) =>
            {
                return Err(OcrError::Unavailable)
            }
            Err(e) => {
                return Err(OcrError::Failed {
                    reason: format!("无法启动识别程序：{e}"),
                })
            }
        };
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() >= self.deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(self.timeout());
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(15)),
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(OcrError::Failed {
                        reason: e.to_string(),
                    });
                }
            }
        };
        Ok(ToolOutput {
            success: status.success(),
            stdout: self.read(".stdout"),
            stderr: self.read(".stderr"),
        })
    }

    fn read(&self, name: &str) -> String {
        use std::io::Read;
        let mut out = Vec::new();
        if let Ok(f) = std::fs::File::open(self.dir.join(name)) {
            let _ = f.take(MAX_TOOL_OUTPUT).read_to_end(&mut out);
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The page count `pdfinfo` reports.
    fn pages(&self, pdf: &str) -> Result<u64, OcrError> {
        let out = self.tool(&self.job.tools.pdfinfo, &[pdf.into()], &[])?;
        let pages = out
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse::<u64>().ok());
        match pages {
            Some(0) | None if !out.success && out.stderr.contains("password") => {
                Err(OcrError::Failed {
                    reason: "文件已加密".into(),
                })
            }
            Some(0) | None => Err(OcrError::Failed {
                reason: "PDF无法解析".into(),
            }),
            Some(n) => Ok(n),
        }
    }

    /// Recognises one picture in the working directory and adds its words to `into`.
    fn recognise(&self, image: &str, into: &mut Recognised) -> Result<(), OcrError> {
        let args: Vec<OsString> = [image, "ocr", "-l", LANGUAGE, "--psm", "6", "tsv"]
            .iter()
            .map(OsString::from)
            .collect();
        let out = self.tool(
            &self.job.tools.tesseract,
            &args,
            &[("OMP_THREAD_LIMIT", "1")],
        )?;
        if !out.success {
            if out.stderr.contains("Failed loading language")
                || out.stderr.contains("Error opening data file")
            {
                return Err(OcrError::Unavailable);
            }
            return Err(OcrError::Failed {
                reason: "图像无法解码".into(),
            });
        }
        into.add_tsv(&self.read("ocr.tsv"));
        Ok(())
    }
}

impl Drop for Run<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The working directories a process left behind (a worker killed at its deadline cannot
/// clean up after itself): the server removes them by the worker's process id.
pub fn remove_leftovers(pid: u32) {
    let prefix = format!("{DIR_PREFIX}{pid}-");
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

struct ToolOutput {
    success: bool,
    stdout: String,
    stderr: String,
}

/// One line as Tesseract found it.
#[derive(Debug, Default, Clone)]
struct Line {
    left: i64,
    right: i64,
    height: i64,
    text: String,
}

/// The paragraphs and word confidences of the pages read so far.
#[derive(Debug, Default)]
struct Recognised {
    paragraphs: Vec<String>,
    /// Confidence summed over characters, and the characters.
    confidence_sum: f64,
    chars: u64,
}

impl Recognised {
    /// Adds one page of Tesseract's TSV output (level, page, block, paragraph, line, word, left,
    /// top, width, height, confidence, text).
    fn add_tsv(&mut self, tsv: &str) {
        let mut lines: Vec<Line> = Vec::new();
        let mut key = None;
        for row in tsv.lines().skip(1) {
            let cols: Vec<&str> = row.splitn(12, '\t').collect();
            let [level, _page, block, par, line, _word, left, _top, width, height, conf, text] =
                cols[..]
            else {
                continue;
            };
            let number = |s: &str| s.trim().parse::<i64>().unwrap_or(0);
            match level {
                "4" => {
                    key = Some((block, par, line));
                    lines.push(Line {
                        left: number(left),
                        right: number(left) + number(width),
                        height: number(height),
                        text: String::new(),
                    });
                }
                "5" if key == Some((block, par, line)) => {
                    let word = text.trim();
                    let Ok(conf) = conf.trim().parse::<f64>() else {
                        continue;
                    };
                    if word.is_empty() || conf < 0.0 {
                        continue;
                    }
                    let n = word.chars().count() as u64;
                    self.confidence_sum += conf * n as f64;
                    self.chars += n;
                    if let Some(l) = lines.last_mut() {
                        let spaced =
                            l.text
                                .chars()
                                .last()
                                .zip(word.chars().next())
                                .is_some_and(|(a, b)| {
                                    a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric()
                                });
                        if spaced {
                            l.text.push(' ');
                        }
                        l.text.push_str(word);
                    }
                }
                _ => {}
            }
        }
        lines.retain(|l| !l.text.is_empty());
        let Some(left_margin) = lines.iter().map(|l| l.left).min() else {
            return;
        };
        let right_margin = lines.iter().map(|l| l.right).max().unwrap_or(0);
        let mut heights: Vec<i64> = lines.iter().map(|l| l.height).collect();
        heights.sort_unstable();
        let h = heights[heights.len() / 2].max(1);
        let mut joins_next = false;
        for (i, line) in lines.iter().enumerate() {
            let text = full_width_punctuation(&line.text);
            if joins_next {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.push_str(&text);
                }
            } else {
                self.paragraphs.push(text);
            }
            // A line that runs to the right margin, followed by one that starts at the left
            // margin (not indented), is wrapped: the paragraph goes on.
            joins_next = lines.get(i + 1).is_some_and(|next| {
                line.right >= right_margin - h * 3 / 2
                    && next.left <= left_margin + h / 2
                    && !line.text.ends_with(['。', '：', ':', '！', '？'])
            });
        }
    }

    fn finish(self, pages: u32) -> Result<OcrText, OcrError> {
        if self.chars == 0 {
            return Err(OcrError::NoText);
        }
        let mut text = self.paragraphs.join("\n");
        text.push('\n');
        Ok(OcrText {
            text,
            confidence: (self.confidence_sum / self.chars as f64)
                .round()
                .clamp(0.0, 100.0) as u8,
            pages,
        })
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// ASCII punctuation beside a Chinese character becomes the full-width mark (`县直有关单位:`
/// → `县直有关单位：`); between Latin letters and digits it stays.
fn full_width_punctuation(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let full = match c {
                ',' => '，',
                ':' => '：',
                ';' => '；',
                '?' => '？',
                '!' => '！',
                '(' => '（',
                ')' => '）',
                _ => return c,
            };
            let before = i.checked_sub(1).and_then(|j| chars.get(j));
            let after = chars.get(i + 1);
            if before.is_some_and(|&b| is_cjk(b)) || after.is_some_and(|&a| is_cjk(a)) {
                full
            } else {
                c
            }
        })
        .collect()
}

/// Character accuracy of a reading against the truth: 1 − edit distance / length of the truth,
/// whitespace removed from both (a scan's line breaks are layout, not text). At least 0.
pub fn character_accuracy(truth: &str, read: &str) -> f64 {
    let a: Vec<char> = truth.chars().filter(|c| !c.is_whitespace()).collect();
    let b: Vec<char> = read.chars().filter(|c| !c.is_whitespace()).collect();
    if a.is_empty() {
        return if b.is_empty() { 1.0 } else { 0.0 };
    }
    (1.0 - edit_distance(&a, &b) as f64 / a.len() as f64).max(0.0)
}

/// Levenshtein distance over characters, in two rows.
pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        b.extend(width.to_be_bytes());
        b.extend(height.to_be_bytes());
        b.extend([8, 0, 0, 0, 0, 0, 0, 0, 0]);
        b
    }

    fn jpeg_header(width: u16, height: u16) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        b.extend(b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00");
        // A fill byte, then a baseline frame.
        b.extend([0xFF, 0xFF, 0xC0, 0x00, 0x0B, 0x08]);
        b.extend(height.to_be_bytes());
        b.extend(width.to_be_bytes());
        b.extend([0x01, 0x01, 0x11, 0x00]);
        b
    }

    #[test]
    fn picture_sizes_come_from_the_header() {
        assert_eq!(image_size(&png_header(2480, 3508)), Some((2480, 3508)));
        assert_eq!(image_size(&jpeg_header(1653, 2339)), Some((1653, 2339)));
        assert_eq!(check_image(&png_header(2480, 3508)), Ok((2480, 3508)));
        let huge = check_image(&png_header(20_000, 20_000)).unwrap_err();
        assert_eq!(
            huge,
            OcrError::ImageTooLarge {
                width: 20_000,
                height: 20_000
            }
        );
        assert!(
            huge.to_string()
                .starts_with("图片尺寸过大（20000×20000像素）"),
            "{huge}"
        );
        assert!(
            check_image(&jpeg_header(9000, 9000)).is_err(),
            "81 million pixels"
        );
        assert_eq!(check_image(&png_header(0, 10)), Err(OcrError::BadImage));
        let fixture = include_bytes!("../tests/fixtures/scan_notice.png");
        assert_eq!(image_size(fixture), Some((1653, 2339)));
    }

    #[test]
    fn header_readers_stay_inside_the_bytes() {
        for n in 0..png_header(1, 1).len() {
            let _ = image_size(&png_header(1, 1)[..n]);
        }
        let jpeg = jpeg_header(1, 1);
        // Cut before the frame's width ends: no size.
        for n in 0..jpeg.len() - 4 {
            assert_eq!(image_size(&jpeg[..n]), None, "{n}");
        }
        // Fill bytes to the end, zero-length segments, a segment pointing past the end.
        assert_eq!(image_size(&[0xFF; 64]), None);
        assert_eq!(image_size(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x00]), None);
        assert_eq!(
            image_size(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0x00]),
            None
        );
        let mut state = 0x2545_F491_u32;
        for _ in 0..2000 {
            let len = (state % 200) as usize;
            let mut bytes = vec![0xFF, 0xD8, 0xFF];
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                bytes.push(if state.is_multiple_of(3) {
                    0xFF
                } else {
                    state as u8
                });
            }
            let _ = image_size(&bytes);
        }
    }

    #[test]
    fn tsv_lines_become_paragraphs_and_confidence_is_weighted() {
        let row = |level: u8, line: u8, left: i64, width: i64, conf: &str, text: &str| {
            format!("{level}\t1\t1\t1\t{line}\t1\t{left}\t0\t{width}\t40\t{conf}\t{text}\n")
        };
        let mut tsv = String::from("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n");
        // An indented line running to the margin, its continuation, then an indented line.
        tsv += &row(4, 1, 380, 1620, "-1", "");
        tsv += &row(5, 1, 380, 800, "90", "为切实做好今年秋季工作,");
        tsv += &row(5, 1, 1200, 800, "80", "确保稳产");
        tsv += &row(4, 2, 300, 600, "-1", "");
        tsv += &row(5, 2, 300, 600, "100", "现通知如下。");
        tsv += &row(4, 3, 380, 400, "-1", "");
        tsv += &row(5, 3, 380, 200, "60", "Word");
        tsv += &row(5, 3, 600, 200, "60", "2026");
        let mut r = Recognised::default();
        r.add_tsv(&tsv);
        let got = r.finish(1).unwrap();
        assert_eq!(
            got.text,
            "为切实做好今年秋季工作，确保稳产现通知如下。\nWord 2026\n"
        );
        // (90×12 + 80×4 + 100×6 + 60×8) / 30
        assert_eq!(got.confidence, 83);
        assert_eq!(Recognised::default().finish(1), Err(OcrError::NoText));
    }

    #[test]
    fn accuracy_ignores_whitespace() {
        assert_eq!(character_accuracy("关于 做好\n工作", "关于做好工作"), 1.0);
        assert!(
            (character_accuracy("一二三四五六七八九十", "一二三四五六七八九") - 0.9).abs() < 1e-9
        );
        assert_eq!(character_accuracy("一二", "三四五六七"), 0.0);
        assert_eq!(edit_distance(&['a', 'b'], &['b']), 1);
    }

    #[test]
    fn a_missing_tool_names_the_packages() {
        let job = OcrJob {
            tools: OcrTools {
                tesseract: "/nonexistent/tesseract".into(),
                pdftoppm: "/nonexistent/pdftoppm".into(),
                pdfinfo: "/nonexistent/pdfinfo".into(),
            },
            budget_ms: 5000,
        };
        let png = include_bytes!("../tests/fixtures/scan_notice.png");
        let err = read_image(png, &job, Instant::now()).unwrap_err();
        assert_eq!(err, OcrError::Unavailable);
        assert_eq!(err.code(), "ocr_unavailable");
        assert!(
            err.to_string().starts_with(
                "服务器未安装文字识别组件（tesseract-ocr、tesseract-ocr-chi-sim、poppler-utils），无法识别扫描件"
            ),
            "{err}"
        );
        let pdf = include_bytes!("../tests/fixtures/scan_notice.pdf");
        assert_eq!(
            read_pdf(pdf, &job, Instant::now()),
            Err(OcrError::Unavailable)
        );
    }
}
