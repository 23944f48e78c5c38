//! The text layer of a PDF.
//!
//! Text is read with where it is drawn: the content stream's text and
//! graphics state (`cm`, `Tm`, `Td`, `T*`, `Tf`, `Tc`, `Tw`, `Tz`, `TJ`
//! adjustments) place each string on the page, and `layout` rebuilds lines
//! in reading order and the paragraphs the layout wrapped, as for an .ofd.
//! Glyph widths are estimated (full width for CJK, half for Latin), which is
//! close for the fonts of official documents; text inside form XObjects is
//! not read.
//!
//! `lopdf` is not written for hostile input, so it runs on its own thread
//! with a large stack, under `catch_unwind`, and we wait for it only until
//! the time budget runs out. Decompression is capped per page. A thread that
//! overruns is left to finish on its own (threads cannot be killed): the
//! server therefore never calls this in its own process but in a worker
//! process under memory and CPU limits that it kills at its deadline
//! (`jianfu-parse`), so an overrunning thread ends with its process.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};

use crate::decode::normalize_newlines;
use crate::layout::{char_width, clamp, matrix_scale, Pages, Run};
use crate::TextError;

/// Most bytes one page's content may inflate to.
const MAX_PAGE_CONTENT: usize = 16 * 1024 * 1024;
/// Most pages read; an official document is rarely past a few dozen.
const MAX_PAGES: usize = 500;
/// Most characters of text kept.
const MAX_TEXT_CHARS: usize = 2_000_000;
/// Stack for the parsing thread: deep nesting in a hostile file must hit the
/// parser's own limits long before it overflows this.
const STACK_BYTES: usize = 64 * 1024 * 1024;
/// Most nested `q` (save graphics state) kept; deeper saves are ignored.
const MAX_STATE_DEPTH: usize = 64;

/// The text of a PDF, page after page.
pub(crate) fn pdf_text(bytes: &[u8], budget: Duration) -> Result<String, TextError> {
    let owned = bytes.to_vec();
    let (sender, receiver) = mpsc::channel();
    let spawned = thread::Builder::new()
        .name("jianfu-pdf-text".to_owned())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let result = panic::catch_unwind(AssertUnwindSafe(|| read_pdf(&owned)));
            // The receiver may have given up waiting; nothing to do then.
            let _ = sender.send(result);
        });
    if spawned.is_err() {
        return Err(TextError::Timeout);
    }
    match receiver.recv_timeout(budget) {
        Ok(Ok(result)) => result,
        Ok(Err(_panic)) => Err(TextError::corrupt("PDF结构异常")),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(TextError::Timeout),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(TextError::corrupt("PDF结构异常")),
    }
}

fn read_pdf(bytes: &[u8]) -> Result<String, TextError> {
    let doc = Document::load_mem(bytes).map_err(load_error)?;
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return Err(TextError::Encrypted);
    }
    let pages: Vec<ObjectId> = doc.get_pages().into_values().take(MAX_PAGES).collect();
    if pages.is_empty() {
        return Err(TextError::corrupt("PDF中没有页面"));
    }
    let mut laid_out = Pages::default();
    let mut chars = 0usize;
    for page in pages {
        // A page we cannot read is skipped, as a reader would show it blank.
        let Ok(runs) = page_runs(&doc, page, MAX_TEXT_CHARS - chars) else {
            continue;
        };
        chars += runs.iter().map(|r| r.text.chars().count()).sum::<usize>();
        laid_out.push(runs);
        if chars >= MAX_TEXT_CHARS {
            break;
        }
    }
    let text = laid_out.into_text();
    if text.chars().all(|c| c.is_whitespace() || c.is_control()) {
        return Err(TextError::PdfWithoutText);
    }
    Ok(normalize_newlines(&text))
}

fn load_error(e: lopdf::Error) -> TextError {
    match e {
        lopdf::Error::Decryption(_)
        | lopdf::Error::InvalidPassword
        | lopdf::Error::UnsupportedSecurityHandler(_) => TextError::Encrypted,
        _ => TextError::corrupt("不是有效的PDF文件，文件可能不完整"),
    }
}

/// The strings a page draws, where it draws them, up to `max_chars` characters.
fn page_runs(doc: &Document, page: ObjectId, max_chars: usize) -> Result<Vec<Run>, lopdf::Error> {
    // What a font's text means is its ToUnicode map when it has one (PDF
    // 32000-1 §9.10.2); lopdf would read /Encoding first, which for a Type3
    // font (as Chromium writes CJK) names only glyphs.
    let fonts: Vec<(Vec<u8>, Cow<'_, Dictionary>)> = doc
        .get_page_fonts(page)?
        .into_iter()
        .map(|(name, font)| {
            if font.has(b"ToUnicode") && font.has(b"Encoding") {
                let mut own = font.clone();
                own.remove(b"Encoding");
                (name, Cow::Owned(own))
            } else {
                (name, Cow::Borrowed(font))
            }
        })
        .collect();
    // A font whose encoding cannot be read shows nothing we can decode.
    let encodings: BTreeMap<Vec<u8>, Encoding<'_>> = fonts
        .iter()
        .filter_map(|(name, font)| {
            let encoding = font
                .get_font_encoding_with_limit(doc, MAX_PAGE_CONTENT)
                .ok()?;
            Some((name.clone(), encoding))
        })
        .collect();
    let content = Content::decode(&doc.get_page_content_with_limit(page, MAX_PAGE_CONTENT)?)?;
    let mut state = PageState::new(&encodings, max_chars);
    for op in &content.operations {
        if state.chars_left == 0 {
            break;
        }
        state.apply(op);
    }
    Ok(state.runs)
}

/// A PDF matrix `[a b c d e f]`, points as row vectors: `p' = p × M`.
type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n`: `m` applied first, then `n`.
fn multiply(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn translation(tx: f64, ty: f64) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, tx, ty]
}

/// The graphics and text state of a content stream (PDF 32000-1 §8.4, §9.3),
/// as far as it places text, and the runs drawn so far.
struct PageState<'a> {
    encodings: &'a BTreeMap<Vec<u8>, Encoding<'a>>,
    ctm: Matrix,
    saved: Vec<Matrix>,
    /// Saves past [`MAX_STATE_DEPTH`], restored without effect.
    ignored_saves: usize,
    tm: Matrix,
    tlm: Matrix,
    font: Option<&'a Encoding<'a>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    horizontal_scale: f64,
    leading: f64,
    runs: Vec<Run>,
    /// Characters still to be kept.
    chars_left: usize,
}

impl<'a> PageState<'a> {
    fn new(encodings: &'a BTreeMap<Vec<u8>, Encoding<'a>>, chars_left: usize) -> Self {
        PageState {
            encodings,
            ctm: IDENTITY,
            saved: Vec::new(),
            ignored_saves: 0,
            tm: IDENTITY,
            tlm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            horizontal_scale: 1.0,
            leading: 0.0,
            runs: Vec::new(),
            chars_left,
        }
    }

    fn apply(&mut self, op: &Operation) {
        let n = |i: usize| number(op.operands.get(i));
        match op.operator.as_str() {
            "q" if self.saved.len() < MAX_STATE_DEPTH => self.saved.push(self.ctm),
            "q" => self.ignored_saves += 1,
            "Q" if self.ignored_saves > 0 => self.ignored_saves -= 1,
            "Q" => self.ctm = self.saved.pop().unwrap_or(IDENTITY),
            "cm" => self.ctm = multiply(&matrix(&op.operands), &self.ctm),
            "BT" => {
                self.tm = IDENTITY;
                self.tlm = IDENTITY;
            }
            "Tf" => {
                self.font = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|name| self.encodings.get(name));
                self.size = n(1);
            }
            "Tc" => self.char_spacing = n(0),
            "Tw" => self.word_spacing = n(0),
            "Tz" => self.horizontal_scale = n(0) / 100.0,
            "TL" => self.leading = n(0),
            "Td" => self.move_line(n(0), n(1)),
            "TD" => {
                self.leading = -n(1);
                self.move_line(n(0), n(1));
            }
            "Tm" => {
                self.tlm = matrix(&op.operands);
                self.tm = self.tlm;
            }
            "T*" => self.move_line(0.0, -self.leading),
            "Tj" => self.show(op.operands.first()),
            "'" => {
                self.move_line(0.0, -self.leading);
                self.show(op.operands.first());
            }
            "\"" => {
                self.word_spacing = n(0);
                self.char_spacing = n(1);
                self.move_line(0.0, -self.leading);
                self.show(op.operands.get(2));
            }
            "TJ" => {
                let Some(Object::Array(parts)) = op.operands.first() else {
                    return;
                };
                for part in parts {
                    match part {
                        Object::String(..) => self.show(Some(part)),
                        // Thousandths of a text space unit, to the left.
                        other => self.advance(-number(Some(other)) / 1000.0 * self.size),
                    }
                }
            }
            _ => {}
        }
    }

    fn move_line(&mut self, tx: f64, ty: f64) {
        self.tlm = multiply(&translation(tx, ty), &self.tlm);
        self.tm = self.tlm;
    }

    /// Moves the text position `tx` text space units to the right.
    fn advance(&mut self, tx: f64) {
        self.tm = multiply(
            &translation(clamp(tx * self.horizontal_scale), 0.0),
            &self.tm,
        );
    }

    fn show(&mut self, operand: Option<&Object>) {
        let (Some(Object::String(bytes, _)), Some(font)) = (operand, self.font) else {
            return;
        };
        let Ok(decoded) = Document::decode_text(font, bytes) else {
            return;
        };
        let text: String = decoded
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let at = multiply(&self.tm, &self.ctm);
        let mut width = 0.0;
        for c in text.chars() {
            width += char_width(c, self.size) + self.char_spacing;
            if c == ' ' {
                width += self.word_spacing;
            }
        }
        self.advance(width);
        if text.trim().is_empty() {
            return;
        }
        self.chars_left = self.chars_left.saturating_sub(text.chars().count());
        let scale = matrix_scale(&at);
        self.runs.push(Run {
            x: clamp(at[4]),
            // Page space has y growing upwards; the layout reads downwards.
            y: clamp(-at[5]),
            size: clamp((self.size * scale).abs()).max(0.01),
            width: clamp((width * self.horizontal_scale * scale).abs()),
            text,
        });
    }
}

fn number(o: Option<&Object>) -> f64 {
    o.and_then(|o| o.as_float().ok())
        .map(|v| clamp(f64::from(v)))
        .unwrap_or(0.0)
}

/// Six numbers as a matrix; anything else is the identity.
fn matrix(operands: &[Object]) -> Matrix {
    if operands.len() != 6 {
        return IDENTITY;
    }
    let mut m = IDENTITY;
    for (slot, o) in m.iter_mut().zip(operands) {
        *slot = number(Some(o));
    }
    m
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Object, Stream};

    /// A one-page PDF whose content stream is `operations`, with `F1` a
    /// Courier font and `F2` a Type0 font whose ToUnicode maps 0001→减,
    /// 0002→负 and the code of each CJK, ASCII and punctuation character to
    /// itself (see [`cjk`]).
    pub(crate) fn pdf_of(operations: Vec<Operation>) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let courier = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier",
        });
        let cmap = b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n2 beginbfchar\n<0001> <51CF>\n<0002> <8D1F>\nendbfchar\n5 beginbfrange\n<0020> <007E> <0020>\n<2000> <206F> <2000>\n<3000> <303F> <3000>\n<4E00> <9FFF> <4E00>\n<FF00> <FFEF> <FF00>\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.to_vec()));
        let descendant = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "SimSun",
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"),
                "Supplement" => 0,
            },
        });
        let cjk = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "SimSun",
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![descendant.into()],
            "ToUnicode" => to_unicode,
        });
        let resources = doc.add_object(dictionary! {
            "Font" => dictionary! { "F1" => courier, "F2" => cjk },
        });
        let content = Content { operations }.encode().unwrap_or_default();
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
                "Resources" => resources,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    pub(crate) fn text_ops(font: &str, text: Object) -> Vec<Operation> {
        vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec![font.into(), 12.into()]),
            Operation::new("Td", vec![100.into(), 700.into()]),
            Operation::new("Tj", vec![text]),
            Operation::new("ET", vec![]),
        ]
    }

    /// `text` as a string for `F2`: its UTF-16 code units as two-byte codes.
    pub(crate) fn cjk(text: &str) -> Object {
        let bytes = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        Object::String(bytes, lopdf::StringFormat::Hexadecimal)
    }

    /// `text` drawn in `F2` at `size` points with its baseline starting at
    /// (`x`, `y`), the size given by the text matrix as Word does.
    fn line_at(x: f64, y: f64, size: f64, text: &str) -> Vec<Operation> {
        let f = |v: f64| Object::Real(v as f32);
        vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F2".into(), 1.into()]),
            Operation::new("Tm", vec![f(size), f(0.0), f(0.0), f(size), f(x), f(y)]),
            Operation::new("Tj", vec![cjk(text)]),
            Operation::new("ET", vec![]),
        ]
    }

    const BUDGET: Duration = Duration::from_secs(10);

    #[test]
    fn wrapped_lines_come_back_as_paragraphs_in_reading_order() {
        // GB/T 9704: 三号 (16 pt) body, 28 characters a line from x = 80,
        // paragraphs indented two characters; the title in 二号 (22 pt).
        let p1 = [
            "各乡镇（街道）和县直各部门要严格控制发文数量，确需印",
            "发的文件须经主要负责同志审签，不得以便函、白头文件等形式",
            "变相发文。",
        ];
        let p2 = [
            "各部门每季度向县委办公室报送一次发文情况，由县委督查",
            "室汇总后在全县通报。",
        ];
        let mut lines = [
            line_at(80.0 + 32.0, 600.0, 16.0, p1[0]),
            line_at(80.0, 571.0, 16.0, p1[1]),
            line_at(80.0, 542.0, 16.0, p1[2]),
            line_at(80.0 + 32.0, 513.0, 16.0, p2[0]),
            line_at(80.0, 484.0, 16.0, p2[1]),
            line_at(150.0, 700.0, 22.0, "关于严格控制发文数量的通知"),
            line_at(270.0, 60.0, 14.0, "— 1 —"),
        ];
        // Drawn bottom first, as some producers do: read top first.
        lines.reverse();
        let text = pdf_text(&pdf_of(lines.concat()), BUDGET).unwrap();
        assert_eq!(
            text,
            format!(
                "关于严格控制发文数量的通知\n{}\n{}\n",
                p1.concat(),
                p2.concat()
            )
        );
    }

    #[test]
    fn spacing_operators_place_the_text() {
        // Two strings of one line set apart by a TJ adjustment and Td: the
        // 发文字号 at the left margin, the 签发人 at the right.
        let ops = vec![
            Operation::new("q", vec![]),
            Operation::new(
                "cm",
                vec![1.into(), 0.into(), 0.into(), 1.into(), 0.into(), 0.into()],
            ),
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F2".into(), 16.into()]),
            Operation::new("TL", vec![29.into()]),
            Operation::new("Td", vec![80.into(), 700.into()]),
            Operation::new(
                "TJ",
                vec![Object::Array(vec![
                    cjk("示发〔2026〕3号"),
                    Object::Integer(-8000),
                    cjk("签发人：王明"),
                ])],
            ),
            Operation::new("T*", vec![]),
            Operation::new("Tj", vec![cjk("第二行")]),
            Operation::new("ET", vec![]),
            Operation::new("Q", vec![]),
        ];
        let text = pdf_text(&pdf_of(ops), BUDGET).unwrap();
        assert_eq!(text, "示发〔2026〕3号 签发人：王明\n第二行\n");
    }

    #[test]
    fn latin_text_layer() {
        let pdf = pdf_of(text_ops("F1", Object::string_literal("Notice 2024")));
        let text = pdf_text(&pdf, BUDGET).unwrap();
        assert!(text.contains("Notice 2024"), "{text:?}");
    }

    #[test]
    fn chinese_through_to_unicode() {
        let codes = Object::String(vec![0, 1, 0, 2], lopdf::StringFormat::Hexadecimal);
        let pdf = pdf_of(text_ops("F2", codes));
        let text = pdf_text(&pdf, BUDGET).unwrap();
        assert!(text.contains("减负"), "{text:?}");
    }

    #[test]
    fn image_only_pdf_has_no_text_layer() {
        // A scanned page: only drawing operators, no text.
        let ops = vec![
            Operation::new("q", vec![]),
            Operation::new("re", vec![0.into(), 0.into(), 595.into(), 842.into()]),
            Operation::new("f", vec![]),
            Operation::new("Q", vec![]),
        ];
        let err = pdf_text(&pdf_of(ops), BUDGET).unwrap_err();
        assert_eq!(err, TextError::PdfWithoutText);
        assert!(err.to_string().starts_with("该PDF没有文字层"));
    }

    #[test]
    fn broken_pdfs_are_errors_not_panics() {
        let pdf = pdf_of(text_ops("F1", Object::string_literal("Notice")));
        for cut in (0..pdf.len()).step_by(13) {
            let _ = pdf_text(&pdf[..cut], BUDGET);
        }
        assert!(pdf_text(b"%PDF-1.7\n", BUDGET).is_err());
        let nested = format!("%PDF-1.4\n1 0 obj\n{}\nendobj\n", "[".repeat(100_000));
        assert!(pdf_text(nested.as_bytes(), BUDGET).is_err());
        let dicts = format!(
            "%PDF-1.4\n1 0 obj\n{}\nendobj\ntrailer\n<< /Root 1 0 R >>\n",
            "<< /A ".repeat(50_000)
        );
        assert!(pdf_text(dicts.as_bytes(), BUDGET).is_err());
    }
}
