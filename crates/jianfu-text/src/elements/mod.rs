//! The GB/T 9704—2012 elements of an official document, found in its plain
//! text: 发文机关标志, 发文字号, 签发人, 标题, 文种, 主送机关, 正文, 附件说明,
//! 发文机关署名, 成文日期, 附注, 附件, 抄送机关, 印发机关和印发日期.
//!
//! Text pasted or extracted from Word has lost the layout (red header,
//! centring, fonts), so each element is recognised by its words and its
//! place in the order the standard prescribes:
//!
//! ```text
//! 份号 / 密级 / 紧急程度
//! 发文机关标志            平安县人民政府办公室文件
//! 发文字号 (签发人)       平政办发〔2024〕12号
//! 标题                    关于……的通知
//! 主送机关                各乡镇人民政府，县直各部门：
//! 正文
//! 附件说明                附件：1．……
//! 发文机关署名            平安县人民政府办公室
//! 成文日期                2024年3月5日
//! 附注                    （此件公开发布）
//! 附件                    附件1 ……
//! 版记: 抄送机关, 印发机关和印发日期
//! ```
//!
//! Every element is optional: white-header documents (白头文件) have no
//! 发文字号, minutes (纪要) no 主送 and no 署名.

mod date;
mod kind;
mod lines;
mod number;

use chrono::NaiveDate;
use serde::Serialize;

pub use date::parse_cn_date;
pub use kind::{DocKind, UnknownDocKind};
pub use number::{parse_doc_number, DocNumber};

use crate::count::word_count;
use lines::{
    date_only, ends_with_colon, is_body_like, is_copy_number, is_doc_number_line, is_issue_number,
    is_separator, issuer_and_date, looks_like_org, printing, secrecy, signer, split_lines,
    strip_item_number, urgency, Line,
};

/// A range of the input text in chars (not bytes), end exclusive, for a UI
/// to highlight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// 印发机关和印发日期.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Printing {
    /// 印发机关, e.g. "平安县人民政府办公室".
    pub office: Option<String>,
    /// 印发日期.
    pub date: Option<NaiveDate>,
}

/// The elements found in a document; each is `None` or empty when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DocumentElements {
    /// 密级和保密期限, e.g. "机密★1年".
    pub secrecy: Option<String>,
    /// 紧急程度: 特急 or 加急.
    pub urgency: Option<String>,
    /// 发文机关标志, e.g. "平安县人民政府办公室文件" (lines joined by `\n`).
    pub issuer_mark: Option<String>,
    /// 发文字号, brackets normalised to 〔〕.
    pub doc_number: Option<DocNumber>,
    /// 签发人 (on documents sent upwards).
    pub signer: Option<String>,
    /// 标题, its lines joined.
    pub title: Option<String>,
    pub title_span: Option<Span>,
    /// 文种, from the title's last word.
    pub kind: Option<DocKind>,
    /// 主送机关, without the closing colon.
    pub recipients: Option<String>,
    /// 正文: from after 主送 to before 附件说明 / 署名 / 成文日期.
    pub body: Option<String>,
    pub body_span: Option<Span>,
    /// 附件说明: the attachment names, numbering removed.
    pub attachment_names: Vec<String>,
    /// 发文机关署名, one entry per issuer.
    pub signatories: Vec<String>,
    /// 成文日期.
    pub date: Option<NaiveDate>,
    /// 附注, e.g. "（此件公开发布）".
    pub notes: Vec<String>,
    /// Where the attached documents themselves (附件1 …) are.
    pub attachments_span: Option<Span>,
    /// 抄送机关, one entry per office.
    pub copied_to: Vec<String>,
    /// 印发机关和印发日期.
    pub printing: Option<Printing>,
}

impl DocumentElements {
    /// Word's 字数 of the body alone: the 2024 规定 (art. 2) limits length
    /// with attachments excluded.
    pub fn body_word_count(&self) -> usize {
        self.body.as_deref().map_or(0, word_count)
    }
}

/// Find the GB/T 9704 elements of `text`.
pub fn parse_elements(text: &str) -> DocumentElements {
    let lines = split_lines(text);
    let chars: Vec<char> = text.chars().collect();
    let mut doc = DocumentElements::default();
    let head = parse_head(&lines, &mut doc);
    let tail = parse_tail(&lines, head.body_from, &mut doc);
    if doc.date.is_none() {
        doc.date = head.front_date;
    }
    let body_lines = &lines[head.body_from.min(tail.body_to)..tail.body_to];
    let first = body_lines.iter().find(|l| !l.is_blank());
    let last = body_lines.iter().rev().find(|l| !l.is_blank());
    if let (Some(first), Some(last)) = (first, last) {
        let span = Span {
            start: first.start,
            end: last.end,
        };
        doc.body = Some(chars[span.start..span.end].iter().collect());
        doc.body_span = Some(span);
    }
    doc
}

/// Word's 字数 of the body of `text`, attachments excluded; the whole text
/// when no body can be told apart.
pub fn body_word_count(text: &str) -> usize {
    let doc = parse_elements(text);
    match doc.body {
        Some(body) => word_count(&body),
        None => word_count(text),
    }
}

/// What the head of the document settled.
struct Head {
    /// Index of the first line after title and 主送.
    body_from: usize,
    /// A date printed under the title (minutes), used when no 成文日期 follows.
    front_date: Option<NaiveDate>,
}

/// How many non-blank lines the head (版头 and title) may take.
const HEAD_LINES: usize = 14;

/// Lines of the head that are labels rather than the issuer or the title.
fn is_head_meta(line: &Line) -> bool {
    is_copy_number(line)
        || secrecy(line).is_some()
        || urgency(line).is_some()
        || is_separator(line)
        || is_doc_number_line(line)
        || is_issue_number(line)
        || date_only(line).is_some()
        || issuer_and_date(line).is_some()
        || (signer(line).is_some() && line.len() <= 40)
}

fn parse_head(lines: &[Line], doc: &mut DocumentElements) -> Head {
    // The head ends where running text or a 主送 line begins.
    let head_end = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.is_blank())
        .take(HEAD_LINES)
        .find(|(_, l)| is_body_like(l) || (ends_with_colon(l) && !is_head_meta(l)))
        .map_or_else(|| head_limit(lines), |(i, _)| i);
    let mut front_date = None;
    let mut number_at = None;
    for (i, line) in lines[..head_end].iter().enumerate() {
        doc.secrecy = doc.secrecy.take().or_else(|| secrecy(line));
        doc.urgency = doc.urgency.take().or_else(|| urgency(line));
        if is_doc_number_line(line) && doc.doc_number.is_none() {
            let chars: Vec<char> = line.text.chars().collect();
            doc.doc_number = number::find_doc_number(&chars).map(|f| f.number);
            number_at = Some(i);
        }
        if doc.signer.is_none() && line.len() <= 40 {
            doc.signer = signer(line);
        }
        if front_date.is_none() {
            front_date = date_only(line).or_else(|| issuer_and_date(line).map(|(_, f)| f.date));
        }
    }
    let title_from = title_start(lines, head_end, number_at);
    let mark_end = title_from.or(number_at).unwrap_or(head_end);
    doc.issuer_mark = issuer_mark(&lines[..mark_end]);
    let body_from = match title_from {
        Some(from) => read_title(lines, from, doc),
        None => mark_end,
    };
    let mut body_from = skip_meta(lines, body_from);
    if let Some(after) = read_recipients(lines, body_from, doc) {
        body_from = after;
    }
    Head {
        body_from,
        front_date,
    }
}

/// Index after the last line the head may reach when no body line shows.
fn head_limit(lines: &[Line]) -> usize {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.is_blank())
        .nth(HEAD_LINES)
        .map_or(lines.len(), |(i, _)| i)
}

/// The first line of the title among the head's lines.
fn title_start(lines: &[Line], head_end: usize, number_at: Option<usize>) -> Option<usize> {
    let head = &lines[..head_end];
    let titled = head.iter().position(|l| {
        !is_head_meta(l)
            && !l.text.ends_with("文件")
            && (l.text.starts_with("关于") || DocKind::from_title(&l.text).is_some())
    });
    match (number_at, titled) {
        // "平安县人民政府办公室\n关于……的函" after the number: the title
        // starts on the first line after the number.
        (Some(n), Some(t)) if n < t => first_content_line(lines, n + 1, head_end),
        (_, Some(t)) => Some(glued_title_start(lines, t)),
        (Some(n), None) => first_content_line(lines, n + 1, head_end),
        (None, None) => head
            .iter()
            .position(|l| !l.is_blank() && !is_head_meta(l) && !is_mark_line(l)),
    }
}

/// A title wraps: "平安县人民政府办公室关于印发《……" above "……》的通知".
/// Walk back from the line that names the kind over lines glued to it; an
/// office name alone on the document's first line is the header, not title.
fn glued_title_start(lines: &[Line], t: usize) -> usize {
    let mut start = t;
    while start > 0 && t - start < TITLE_LINES - 1 {
        let above = &lines[start - 1];
        let first_line = lines[..start - 1].iter().all(Line::is_blank);
        let glued = !above.is_blank()
            && !is_head_meta(above)
            && !is_body_like(above)
            && !ends_with_colon(above)
            && !above.text.ends_with("文件")
            && above.len() <= 60
            && DocKind::from_title(&above.text).is_none()
            && (above.text.contains("关于") || (looks_like_org(&above.text) && !first_line));
        if !glued {
            break;
        }
        start -= 1;
    }
    start
}

/// A line of the 发文机关标志: an office name, or ending with 文件.
fn is_mark_line(line: &Line) -> bool {
    !line.text.starts_with("关于")
        && line.len() <= 40
        && (line.text.ends_with("文件") || looks_like_org(&line.text))
}

/// First non-blank, non-meta line in `from..to`.
fn first_content_line(lines: &[Line], from: usize, to: usize) -> Option<usize> {
    (from..to.min(lines.len())).find(|&i| !lines[i].is_blank() && !is_head_meta(&lines[i]))
}

fn issuer_mark(head: &[Line]) -> Option<String> {
    let marks: Vec<&str> = head
        .iter()
        .filter(|l| !l.is_blank() && !is_head_meta(l))
        .take_while(|l| is_mark_line(l) || l.text == "文件")
        .map(|l| l.text.as_str())
        .collect();
    (!marks.is_empty()).then(|| marks.join("\n"))
}

/// Most lines a title wraps over.
const TITLE_LINES: usize = 4;

/// Read the title from line `from`; returns the index after it.
fn read_title(lines: &[Line], from: usize, doc: &mut DocumentElements) -> usize {
    let mut text = String::new();
    let mut end = from;
    for (i, line) in lines.iter().enumerate().skip(from).take(TITLE_LINES) {
        let stop = line.is_blank()
            || is_body_like(line)
            || ends_with_colon(line)
            || line.len() > 60
            || (i > from && is_head_meta(line));
        if stop {
            break;
        }
        text.push_str(&line.text);
        end = i + 1;
        if DocKind::from_title(&text).is_some() {
            break;
        }
    }
    if end == from {
        return from;
    }
    doc.kind = DocKind::from_title(&text);
    doc.title = Some(text);
    doc.title_span = Some(Span {
        start: lines[from].start,
        end: lines[end - 1].end,
    });
    end
}

/// Skip blank lines and head labels (a date or issuer printed under the title).
fn skip_meta(lines: &[Line], mut i: usize) -> usize {
    while i < lines.len() && (lines[i].is_blank() || is_head_meta(&lines[i])) {
        i += 1;
    }
    i
}

/// 主送机关 at line `i`, possibly wrapped over two lines; returns the index
/// after it.
fn read_recipients(lines: &[Line], i: usize, doc: &mut DocumentElements) -> Option<usize> {
    let line = lines.get(i)?;
    let fits = |l: &Line| !l.text.contains('。') && l.len() <= 200 && !l.text.starts_with("附件");
    let (text, next) = if ends_with_colon(line) && fits(line) {
        (line.text.clone(), i + 1)
    } else {
        let second = lines.get(i + 1)?;
        let wrapped = line.text.ends_with(['、', '，', ',']) && ends_with_colon(second);
        if !(wrapped && fits(line) && fits(second)) {
            return None;
        }
        (format!("{}{}", line.text, second.text), i + 2)
    };
    doc.recipients = Some(text.trim_end_matches(['：', ':']).trim().to_owned());
    Some(next)
}

/// What the tail settled.
struct Tail {
    /// Index of the first line after the body.
    body_to: usize,
}

fn parse_tail(lines: &[Line], body_from: usize, doc: &mut DocumentElements) -> Tail {
    let n = lines.len();
    let imprint = read_imprint(lines, body_from, doc);
    let attachments = (body_from..imprint).find(|&i| is_attachment_heading(&lines[i]));
    let tail_end = attachments.unwrap_or(imprint);
    if let Some(a) = attachments {
        let last = lines[a..imprint].iter().rev().find(|l| !l.is_blank());
        doc.attachments_span = last.map(|last| Span {
            start: lines[a].start,
            end: last.end,
        });
    }
    let date_at = (body_from..tail_end).find(|&i| date_only(&lines[i]).is_some());
    let mut body_to = tail_end;
    if let Some(d) = date_at {
        doc.date = date_only(&lines[d]);
        let sign_from = signature_start(lines, body_from, d);
        doc.signatories = lines[sign_from..d].iter().map(|l| l.text.clone()).collect();
        doc.notes = lines[d + 1..tail_end]
            .iter()
            .filter(|l| l.text.starts_with(['（', '(']))
            .map(|l| l.text.clone())
            .collect();
        body_to = sign_from;
    }
    if let Some(a) = (body_from..body_to).find(|&i| is_attachment_note(&lines[i])) {
        doc.attachment_names = read_attachment_names(lines, a, body_to);
        body_to = body_to.min(a);
    }
    Tail {
        body_to: body_to.clamp(body_from.min(n), n),
    }
}

/// 版记 at the end: 抄送 and 印发 lines. Returns the index where it starts
/// (the number of lines when there is none).
fn read_imprint(lines: &[Line], body_from: usize, doc: &mut DocumentElements) -> usize {
    // The imprint is within the last few non-blank lines.
    let window: Vec<usize> = (body_from..lines.len())
        .rev()
        .filter(|&i| !lines[i].is_blank())
        .take(8)
        .collect();
    let copied = window
        .iter()
        .rev()
        .copied()
        .find(|&i| copied_to(&lines[i]).is_some());
    let printed = window
        .iter()
        .rev()
        .copied()
        .find(|&i| printing(&lines[i]).is_some());
    if let Some(c) = copied {
        let mut text = copied_to(&lines[c]).unwrap_or_default();
        // A long list wraps onto following lines.
        for line in lines[c + 1..].iter().take_while(|l| {
            !l.is_blank() && printing(l).is_none() && !is_separator(l) && !l.text.starts_with('（')
        }) {
            text.push_str(&line.text);
        }
        doc.copied_to = text
            .trim_end_matches(['。', '.'])
            .split(['，', '、', ',', '；'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
    }
    if let Some(p) = printed {
        doc.printing = printing(&lines[p]).map(|(office, date)| Printing { office, date });
    }
    let start = match (copied, printed) {
        (Some(c), Some(p)) => c.min(p),
        (Some(i), None) | (None, Some(i)) => i,
        (None, None) => return lines.len(),
    };
    // A separator rule just above belongs to the imprint too.
    let mut start = start;
    while start > body_from && (lines[start - 1].is_blank() || is_separator(&lines[start - 1])) {
        start -= 1;
    }
    start
}

/// "抄送：县委办，县人大办。" → the list after the colon.
fn copied_to(line: &Line) -> Option<String> {
    let compact = line.compact();
    let rest = compact.strip_prefix("抄送")?.strip_prefix(['：', ':'])?;
    Some(rest.to_owned())
}

/// "附件1", "附件 2", "附件一": the heading of an attached document.
fn is_attachment_heading(line: &Line) -> bool {
    let compact = line.compact();
    let Some(rest) = compact.strip_prefix("附件") else {
        return false;
    };
    let rest = rest.trim_end_matches(['：', ':']);
    rest.chars().count() <= 3
        && rest.chars().all(|c| {
            c.is_ascii_digit() || ('０'..='９').contains(&c) || "一二三四五六七八九十".contains(c)
        })
        && compact != "附件："
        && compact != "附件:"
}

/// "附件：1．……": the 附件说明 under the body.
fn is_attachment_note(line: &Line) -> bool {
    line.text.starts_with("附件：") || line.text.starts_with("附件:")
}

/// The attachment names listed from line `from` up to `to`.
fn read_attachment_names(lines: &[Line], from: usize, to: usize) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let first = lines[from]
        .text
        .trim_start_matches("附件")
        .trim_start_matches(['：', ':'])
        .trim();
    let push = |text: &str, names: &mut Vec<String>| {
        let name = strip_item_number(text).unwrap_or(text).trim();
        if !name.is_empty() {
            names.push(name.to_owned());
        }
    };
    push(first, &mut names);
    for line in lines.iter().take(to).skip(from + 1) {
        if line.is_blank() {
            break;
        }
        match strip_item_number(&line.text) {
            Some(_) => push(&line.text, &mut names),
            // A long name wraps onto the next line.
            None => match names.last_mut() {
                Some(last) => last.push_str(&line.text),
                None => push(&line.text, &mut names),
            },
        }
    }
    names
}

/// Most issuers that sign one document (joint documents).
const MAX_SIGNATORIES: usize = 4;

/// The first line of the 署名 block just above the 成文日期 at `date_at`.
fn signature_start(lines: &[Line], body_from: usize, date_at: usize) -> usize {
    let mut start = date_at;
    while start > body_from && date_at - start < MAX_SIGNATORIES {
        let line = &lines[start - 1];
        let signature_like = !line.is_blank()
            && line.len() <= 40
            && !line.text.contains(['。', '；', '，', '：', ':'])
            && !line.text.starts_with("附件")
            && strip_item_number(&line.text).is_none();
        if !signature_like {
            break;
        }
        start -= 1;
    }
    start
}

#[cfg(test)]
mod tests;
