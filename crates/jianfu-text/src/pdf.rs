//! The text layer of a PDF.
//!
//! `lopdf` is not written for hostile input, so it runs on its own thread
//! with a large stack, under `catch_unwind`, and we wait for it only until
//! the time budget runs out. Decompression is capped per page. A thread that
//! overruns is left to finish on its own (threads cannot be killed); the
//! upload size cap bounds how long that can be.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use lopdf::Document;

use crate::decode::normalize_newlines;
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
    let pages: Vec<u32> = doc.get_pages().keys().copied().take(MAX_PAGES).collect();
    if pages.is_empty() {
        return Err(TextError::corrupt("PDF中没有页面"));
    }
    let mut text = String::new();
    let mut chars = 0usize;
    for page in pages {
        // A page we cannot read is skipped, as a reader would show it blank.
        let Ok(page_text) = doc.extract_text_with_limit(&[page], MAX_PAGE_CONTENT) else {
            continue;
        };
        chars += page_text.chars().count();
        text.push_str(&page_text);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        if chars > MAX_TEXT_CHARS {
            break;
        }
    }
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Object, Stream};

    /// A one-page PDF whose content stream is `operations`, with `F1` a
    /// Courier font and `F2` a Type0 font whose ToUnicode maps 0001→减,
    /// 0002→负.
    pub(crate) fn pdf_of(operations: Vec<Operation>) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let courier = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier",
        });
        let cmap = b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n2 beginbfchar\n<0001> <51CF>\n<0002> <8D1F>\nendbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
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

    const BUDGET: Duration = Duration::from_secs(10);

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
