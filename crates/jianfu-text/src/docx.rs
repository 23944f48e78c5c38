//! Paragraph text of a Word .docx file.
//!
//! A .docx is a zip archive whose main part (normally `word/document.xml`)
//! holds the paragraphs. Reading is bounded by [`crate::zip_part`]: parts
//! inflated are counted and capped against zip bombs, XML nesting depth is
//! capped, and parsing stops at a deadline.

use std::time::Instant;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::zip_part::{attribute, resolve_reference, xml_as_str, Package, XmlWalker};
use crate::TextError;

/// Signature of an OLE compound file: legacy .doc/.wps/.xls, and also a
/// password-protected .docx (Office wraps the encrypted package in OLE).
pub const OLE_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Bounds on the work one .docx may cause: the limits of any zip-packaged
/// document (the name is kept from before .ofd was read too).
pub type DocxLimits = crate::zip_part::ZipLimits;

/// What an OLE compound file most likely is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OleKind {
    /// A password-protected Office Open XML file.
    EncryptedOoxml,
    /// A Word 97–2003 .doc.
    WordDoc,
    /// A WPS 文字 .wps.
    Wps,
    /// An Excel 97–2003 .xls or WPS 表格 .et.
    Spreadsheet,
    /// A PowerPoint 97–2003 .ppt or WPS 演示 .dps.
    Presentation,
    /// Some other compound file.
    Other,
}

/// Whether `bytes` start like an OLE compound file.
pub fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&OLE_SIGNATURE)
}

/// Guess what an OLE compound file holds from the stream names in its
/// directory (stored as UTF-16LE), e.g. `EncryptedPackage`, `WordDocument`.
pub fn classify_ole(bytes: &[u8]) -> OleKind {
    if contains_utf16(bytes, "EncryptedPackage") {
        OleKind::EncryptedOoxml
    } else if contains_utf16(bytes, "WpsCustomData") || contains_utf16(bytes, "WpsContent") {
        OleKind::Wps
    } else if contains_utf16(bytes, "WordDocument") {
        OleKind::WordDoc
    } else if contains_utf16(bytes, "Workbook") || contains_utf16(bytes, "Book") {
        OleKind::Spreadsheet
    } else if contains_utf16(bytes, "PowerPoint Document") {
        OleKind::Presentation
    } else {
        OleKind::Other
    }
}

/// The error to give for an OLE file; `extension` (lowercase, with dot) is
/// the uploaded name's hint when the directory says nothing clear.
pub fn ole_error(bytes: &[u8], extension: Option<&str>) -> TextError {
    match (classify_ole(bytes), extension) {
        (OleKind::EncryptedOoxml, _) => TextError::Encrypted,
        (_, Some(".wps")) | (OleKind::Wps, _) => TextError::unsupported(".wps"),
        (OleKind::WordDoc, _) => TextError::unsupported(".doc"),
        (OleKind::Spreadsheet, Some(ext @ (".et" | ".xls"))) => TextError::unsupported(ext),
        (OleKind::Spreadsheet, _) => TextError::unsupported(".xls"),
        (OleKind::Presentation, _) => TextError::unsupported(".ppt"),
        (OleKind::Other, Some(".docx")) => TextError::Encrypted,
        (OleKind::Other, Some(ext)) if !ext.is_empty() => TextError::unsupported(ext),
        (OleKind::Other, _) => TextError::unsupported("Office 97-2003"),
    }
}

fn contains_utf16(haystack: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    // memmem, not a window-by-window compare: a 20 MB upload is scanned
    // for several names.
    memchr::memmem::find(haystack, &pattern).is_some()
}

/// The paragraph text of a .docx with default limits.
pub fn docx_text(bytes: &[u8]) -> Result<String, TextError> {
    docx_text_with(bytes, &DocxLimits::default())
}

/// The paragraph text of a .docx: one line per paragraph, `w:tab` as a tab,
/// `w:br`/`w:cr` as a line break.
pub fn docx_text_with(bytes: &[u8], limits: &DocxLimits) -> Result<String, TextError> {
    if is_ole(bytes) {
        return Err(ole_error(bytes, Some(".docx")));
    }
    let mut package = Package::open(bytes, limits)?;
    docx_text_in(&mut package)
}

/// The paragraph text of the .docx in an opened zip.
pub(crate) fn docx_text_in(package: &mut Package<'_>) -> Result<String, TextError> {
    let main = main_part_name(package)?;
    let xml = package.read(&main)?.ok_or(TextError::NotWordDocument)?;
    let xml = xml_as_str(&xml)?;
    paragraphs_text(&xml, package.limits().max_depth, package.deadline())
}

/// Name of the main document part: `_rels/.rels` says where it is; Word
/// always puts it at `word/document.xml`, other producers sometimes not.
fn main_part_name(package: &mut Package<'_>) -> Result<String, TextError> {
    const DEFAULT: &str = "word/document.xml";
    if package.has(DEFAULT) {
        return Ok(DEFAULT.to_owned());
    }
    if let Some(target) = office_document_target(package)? {
        if package.has(&target) {
            return Ok(target);
        }
    }
    Err(not_word_error(package))
}

/// The `Target` of the `officeDocument` relationship in `_rels/.rels`.
fn office_document_target(package: &mut Package<'_>) -> Result<Option<String>, TextError> {
    let Some(rels) = package.read("_rels/.rels")? else {
        return Ok(None);
    };
    let rels = xml_as_str(&rels)?;
    let mut reader = Reader::from_str(&rels);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                let kind = attribute(&e, "Type").unwrap_or_default();
                if kind.ends_with("/officeDocument") {
                    return Ok(
                        attribute(&e, "Target").map(|t| t.trim_start_matches('/').to_owned())
                    );
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(None),
            Ok(_) => {}
        }
    }
}

/// A zip that is not a Word document: say what it is when we can tell.
/// (An .ofd never gets here: [`crate::extract`] reads it as OFD.)
fn not_word_error(package: &Package<'_>) -> TextError {
    if package.has("xl/workbook.xml") {
        TextError::unsupported(".xlsx")
    } else if package.has("ppt/presentation.xml") {
        TextError::unsupported(".pptx")
    } else if package.has("content.xml") && package.has("mimetype") {
        TextError::unsupported(".odt")
    } else {
        TextError::NotWordDocument
    }
}

/// Elements whose whole subtree holds no visible body text: field codes,
/// the fallback copy of drawings (the `mc:Choice` copy is read instead),
/// deleted revisions, and properties.
const SKIPPED: &[&str] = &[
    "instrText",
    "delInstrText",
    "delText",
    "Fallback",
    "rPr",
    "pPr",
    "sectPr",
    "tblPr",
    "trPr",
    "tcPr",
];

/// Walk `word/document.xml` and collect paragraph text.
fn paragraphs_text(xml: &str, max_depth: usize, deadline: Instant) -> Result<String, TextError> {
    let mut walker = XmlWalker::new(xml, max_depth, deadline);
    let mut out = String::new();
    // Depth at which a skipped subtree began, while inside one.
    let mut skip_from: Option<usize> = None;
    // Depth of the innermost open `w:t`, while inside one.
    let mut text_at: Option<usize> = None;
    loop {
        let event = walker.next_event()?;
        let depth = walker.depth();
        match event {
            Event::Start(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if skip_from.is_none() && SKIPPED.contains(&name) {
                    skip_from = Some(depth);
                } else if skip_from.is_none() && name == "t" {
                    text_at = Some(depth);
                }
            }
            Event::End(e) => {
                if skip_from == Some(depth) {
                    skip_from = None;
                }
                if text_at == Some(depth) {
                    text_at = None;
                }
                if skip_from.is_none() && e.local_name().as_ref() == "p" {
                    out.push('\n');
                }
            }
            Event::Empty(e) if skip_from.is_none() => match e.local_name().as_ref() {
                "tab" | "ptab" => out.push('\t'),
                "br" | "cr" => out.push('\n'),
                "noBreakHyphen" => out.push('-'),
                "p" => out.push('\n'),
                _ => {}
            },
            Event::Text(t) if skip_from.is_none() && text_at.is_some() => {
                out.push_str(&t.xml10_content());
            }
            Event::CData(t) if skip_from.is_none() && text_at.is_some() => {
                out.push_str(&t.into_inner());
            }
            Event::GeneralRef(r) if skip_from.is_none() && text_at.is_some() => {
                if let Some(c) = resolve_reference(&r) {
                    out.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    /// A zip archive of the given (name, content) entries, deflated.
    pub(crate) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, content) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    /// A minimal .docx whose body is the given paragraphs' XML.
    pub(crate) fn docx_of(body: &str) -> Vec<u8> {
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
        );
        zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", document.as_bytes()),
        ])
    }

    /// Paragraphs of plain text as WordprocessingML.
    pub(crate) fn paragraphs(lines: &[&str]) -> String {
        lines
            .iter()
            .map(|l| format!("<w:p><w:r><w:t xml:space=\"preserve\">{l}</w:t></w:r></w:p>"))
            .collect()
    }

    #[test]
    fn paragraphs_tabs_and_breaks() {
        let body = r#"<w:p><w:pPr><w:jc w:val="center"/><w:rPr><w:t>隐藏</w:t></w:rPr></w:pPr><w:r><w:t>关于做好</w:t></w:r><w:r><w:t>基层减负工作的通知</w:t></w:r></w:p>
<w:p><w:r><w:t>附件：</w:t><w:tab/><w:t>1．统计表</w:t><w:br/><w:t>2．模板</w:t></w:r></w:p>
<w:p><w:r><w:instrText> PAGE </w:instrText><w:t>A&amp;B&#x4E2D;</w:t></w:r><w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del></w:p>"#;
        let text = docx_text(&docx_of(body)).unwrap();
        assert_eq!(
            text,
            "关于做好基层减负工作的通知\n附件：\t1．统计表\n2．模板\nA&B中\n"
        );
    }

    #[test]
    fn main_part_found_through_relationships() {
        let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
        let doc = format!(
            "<w:document xmlns:w=\"w\"><w:body>{}</w:body></w:document>",
            paragraphs(&["正文"])
        );
        let bytes = zip_of(&[
            ("_rels/.rels", rels.as_bytes()),
            ("word/document2.xml", doc.as_bytes()),
        ]);
        assert_eq!(docx_text(&bytes).unwrap(), "正文\n");
    }

    #[test]
    fn zip_bomb_is_refused() {
        let big = vec![b'a'; 30 * 1024 * 1024];
        let bytes = zip_of(&[("word/document.xml", &big)]);
        assert!(
            bytes.len() < 200 * 1024,
            "the bomb is small: {}",
            bytes.len()
        );
        let err = docx_text(&bytes).unwrap_err();
        assert!(
            matches!(
                err,
                TextError::SuspiciousCompression | TextError::ContentTooLarge { .. }
            ),
            "{err:?}"
        );
        // Within the part size limit, the ratio alone decides.
        let medium = vec![b'a'; 5 * 1024 * 1024];
        let bytes = zip_of(&[("word/document.xml", &medium)]);
        assert_eq!(docx_text(&bytes), Err(TextError::SuspiciousCompression));
    }

    #[test]
    fn header_sizes_are_not_trusted() {
        // Patch the declared uncompressed size down to 10 bytes in both
        // headers; the inflater still yields 5 MB, and we count those.
        let medium = vec![b'a'; 5 * 1024 * 1024];
        let mut bytes = zip_of(&[("word/document.xml", &medium)]);
        patch_declared_sizes(&mut bytes, 10);
        let err = docx_text(&bytes).unwrap_err();
        assert!(
            matches!(
                err,
                TextError::SuspiciousCompression | TextError::CorruptFile { .. }
            ),
            "{err:?}"
        );
    }

    /// Overwrite the uncompressed-size fields of every local and central
    /// header.
    fn patch_declared_sizes(bytes: &mut [u8], size: u32) {
        let mut i = 0;
        while i + 46 <= bytes.len() {
            if bytes[i..].starts_with(b"PK\x03\x04") {
                bytes[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
            } else if bytes[i..].starts_with(b"PK\x01\x02") {
                bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            }
            i += 1;
        }
    }

    #[test]
    fn part_size_limit() {
        let limits = DocxLimits {
            max_part_bytes: 1000,
            ..DocxLimits::default()
        };
        let body = paragraphs(&["基层减负"; 100]);
        let err = docx_text_with(&docx_of(&body), &limits).unwrap_err();
        assert_eq!(err, TextError::ContentTooLarge { limit_bytes: 1000 });
    }

    #[test]
    fn deep_nesting_is_refused() {
        let depth = 10_000;
        let body = format!("{}{}", "<w:x>".repeat(depth), "</w:x>".repeat(depth));
        assert_eq!(docx_text(&docx_of(&body)), Err(TextError::NestingTooDeep));
    }

    #[test]
    fn truncated_zips_are_corrupt_never_panic() {
        let bytes = docx_of(&paragraphs(&["关于做好基层减负工作的通知"; 20]));
        for cut in (0..bytes.len()).step_by(7) {
            let result = docx_text(&bytes[..cut]);
            assert!(result.is_err(), "cut at {cut} still read");
        }
    }

    #[test]
    fn flipped_bytes_never_panic() {
        let bytes = docx_of(&paragraphs(&["关于做好基层减负工作的通知"; 20]));
        for i in 0..bytes.len() {
            let mut broken = bytes.clone();
            broken[i] ^= 0x5A;
            let _ = docx_text(&broken);
        }
    }

    #[test]
    fn not_a_word_document() {
        let xlsx = zip_of(&[("xl/workbook.xml", b"<workbook/>")]);
        assert_eq!(docx_text(&xlsx), Err(TextError::unsupported(".xlsx")));
        // The Word reader does not read an .ofd; `extract` sends it to `ofd`.
        let ofd = zip_of(&[("OFD.xml", b"<ofd:OFD/>")]);
        assert_eq!(docx_text(&ofd), Err(TextError::NotWordDocument));
        let other = zip_of(&[("readme.txt", b"hello")]);
        assert_eq!(docx_text(&other), Err(TextError::NotWordDocument));
    }

    #[test]
    fn malformed_xml_is_corrupt() {
        let bytes = zip_of(&[("word/document.xml", b"<w:document><w:body><w:p></w:body>")]);
        assert!(matches!(
            docx_text(&bytes),
            Err(TextError::CorruptFile { .. })
        ));
        let bytes = zip_of(&[("word/document.xml", b"\xFF\xFE\xFF")]);
        assert!(matches!(
            docx_text(&bytes),
            Err(TextError::CorruptFile { .. })
        ));
    }

    /// An OLE header followed by a directory entry naming `stream`.
    pub(crate) fn ole_with_stream(stream: &str) -> Vec<u8> {
        let mut bytes = OLE_SIGNATURE.to_vec();
        bytes.resize(512, 0);
        bytes.extend(stream.encode_utf16().flat_map(u16::to_le_bytes));
        bytes.resize(1024, 0);
        bytes
    }

    #[test]
    fn ole_files_are_named() {
        assert_eq!(
            docx_text(&ole_with_stream("EncryptedPackage")),
            Err(TextError::Encrypted)
        );
        assert_eq!(
            docx_text(&ole_with_stream("WordDocument")),
            Err(TextError::unsupported(".doc"))
        );
        assert_eq!(
            ole_error(&ole_with_stream("Root Entry"), Some(".wps")),
            TextError::unsupported(".wps")
        );
        assert_eq!(
            ole_error(&ole_with_stream("Workbook"), Some(".et")),
            TextError::unsupported(".et")
        );
        assert_eq!(docx_text(&OLE_SIGNATURE), Err(TextError::Encrypted));
    }
}
