//! One entry point for an uploaded file: look at its first bytes (the file
//! name's extension is only a hint, since people rename files), pick the
//! reader, and give back plain text with `\n` line ends.

use std::borrow::Cow;
use std::time::Duration;

use crate::decode::{decode_text, TextEncoding};
use crate::doc::{self, DocLimits, WordBinary};
use crate::docx;
use crate::ideographs::unify_ideographs;
use crate::ofd;
use crate::zip_part::{Package, ZipLimits};
use crate::TextError;

/// Default upload limit: 20 MB.
pub const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// The format a file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    Docx,
    /// Word 97–2003 .doc.
    Doc,
    /// WPS 文字 .wps.
    Wps,
    Pdf,
    Ofd,
    Txt,
}

/// Text extracted from an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The text, one paragraph per line, `\n` line ends.
    pub text: String,
    pub format: SourceFormat,
    /// For a text file, the encoding it was found to be in.
    pub encoding: Option<TextEncoding>,
}

/// Bounds on one extraction.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Largest upload accepted, in bytes.
    pub max_bytes: u64,
    /// Most bytes any part of a document may unpack to; all parts together
    /// may unpack to this or [`ZipLimits::default`]'s total, whichever is
    /// larger.
    pub max_unpacked_bytes: u64,
    /// Wall-clock budget for parsing one document.
    pub time_budget: Duration,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            max_bytes: DEFAULT_MAX_BYTES,
            max_unpacked_bytes: DEFAULT_MAX_BYTES,
            time_budget: Duration::from_secs(10),
        }
    }
}

/// Extract the text of an uploaded file with default limits.
pub fn extract(file_name: &str, bytes: &[u8]) -> Result<Extracted, TextError> {
    extract_with(file_name, bytes, &ExtractOptions::default())
}

/// Extract the text of an uploaded file, radicals that stand for
/// ideographs read as the ideographs (see [`unify_ideographs`]).
pub fn extract_with(
    file_name: &str,
    bytes: &[u8],
    options: &ExtractOptions,
) -> Result<Extracted, TextError> {
    let mut found = read_file(file_name, bytes, options)?;
    if let Cow::Owned(unified) = unify_ideographs(&found.text) {
        found.text = unified;
    }
    Ok(found)
}

fn read_file(
    file_name: &str,
    bytes: &[u8],
    options: &ExtractOptions,
) -> Result<Extracted, TextError> {
    if bytes.len() as u64 > options.max_bytes {
        return Err(TextError::FileTooLarge {
            limit_bytes: options.max_bytes,
        });
    }
    if bytes.is_empty() {
        return Err(TextError::EmptyFile);
    }
    let extension = extension_of(file_name);
    let ext = extension.as_deref();
    match sniff(bytes) {
        Sniffed::Ole => {
            let limits = DocLimits {
                max_stream_bytes: options.max_unpacked_bytes,
                time_budget: options.time_budget,
                ..DocLimits::default()
            };
            let read = doc::doc_text_with(bytes, ext, &limits)?;
            Ok(Extracted {
                text: read.text,
                format: match read.format {
                    WordBinary::Doc => SourceFormat::Doc,
                    WordBinary::Wps => SourceFormat::Wps,
                },
                encoding: None,
            })
        }
        Sniffed::Zip => {
            let defaults = ZipLimits::default();
            let limits = ZipLimits {
                max_part_bytes: options.max_unpacked_bytes,
                max_total_bytes: defaults.max_total_bytes.max(options.max_unpacked_bytes),
                time_budget: options.time_budget,
                ..defaults
            };
            // Whatever the name says, a zip with `OFD.xml` is an .ofd.
            let mut package = Package::open(bytes, &limits)?;
            let (text, format) = if ofd::is_ofd(&package) {
                (ofd::ofd_text_in(&mut package)?, SourceFormat::Ofd)
            } else {
                (docx::docx_text_in(&mut package)?, SourceFormat::Docx)
            };
            Ok(Extracted {
                text,
                format,
                encoding: None,
            })
        }
        Sniffed::Pdf => {
            let text = crate::pdf::pdf_text(bytes, options.time_budget)?;
            Ok(Extracted {
                text,
                format: SourceFormat::Pdf,
                encoding: None,
            })
        }
        Sniffed::Known(format) => Err(TextError::unsupported(format)),
        Sniffed::Unknown => extract_text_file(bytes, ext),
    }
}

fn extract_text_file(bytes: &[u8], ext: Option<&str>) -> Result<Extracted, TextError> {
    let decoded = decode_text(bytes).map_err(|e| match (e, ext) {
        // A binary .doc or .wps that is not an OLE file: Word for DOS or
        // Word 2, an early Kingsoft WPS.
        (TextError::BinaryContent | TextError::UnknownEncoding, Some(".doc")) => doc::old_word(),
        (TextError::BinaryContent | TextError::UnknownEncoding, Some(".wps")) => doc::old_wps(),
        // A binary file: name the format the user thinks it is, if any.
        (TextError::BinaryContent | TextError::UnknownEncoding, Some(ext))
            if !is_text_extension(ext) =>
        {
            TextError::unsupported(ext)
        }
        (e, _) => e,
    })?;
    Ok(Extracted {
        text: decoded.text,
        format: SourceFormat::Txt,
        encoding: Some(decoded.encoding),
    })
}

/// Extensions whose files are plain text we read as such.
fn is_text_extension(ext: &str) -> bool {
    matches!(
        ext,
        ".txt" | ".text" | ".csv" | ".md" | ".htm" | ".html" | ".xml"
    )
}

/// The lowercase extension with its dot, e.g. `.docx`.
fn extension_of(file_name: &str) -> Option<String> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let (stem, ext) = base.rsplit_once('.')?;
    if stem.is_empty() || ext.is_empty() || ext.chars().count() > 8 {
        return None;
    }
    Some(format!(".{}", ext.to_lowercase()))
}

/// What the first bytes say the file is.
#[derive(Debug, PartialEq, Eq)]
enum Sniffed {
    Zip,
    Ole,
    Pdf,
    /// A recognised format we do not read, with its usual extension.
    Known(&'static str),
    /// No signature: possibly text.
    Unknown,
}

fn sniff(bytes: &[u8]) -> Sniffed {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", ".png"),
        (b"\xFF\xD8\xFF", ".jpg"),
        (b"GIF87a", ".gif"),
        (b"GIF89a", ".gif"),
        (b"BM", ".bmp"),
        (b"II*\x00", ".tif"),
        (b"MM\x00*", ".tif"),
        (b"Rar!\x1a\x07", ".rar"),
        (b"7z\xBC\xAF\x27\x1C", ".7z"),
        (b"\x1F\x8B", ".gz"),
        (b"{\\rtf", ".rtf"),
        (b"\x00\x00\x01\x00", ".ico"),
    ];
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Sniffed::Zip;
    }
    if docx::is_ole(bytes) {
        return Sniffed::Ole;
    }
    // PDF readers accept the header anywhere in the first kilobyte.
    let head = bytes.get(..1024).unwrap_or(bytes);
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Sniffed::Pdf;
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Sniffed::Known(".webp");
    }
    SIGNATURES
        .iter()
        .find(|(signature, _)| bytes.starts_with(signature))
        .map_or(Sniffed::Unknown, |(_, ext)| Sniffed::Known(ext))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::tests::{word_file, TextPiece};
    use crate::docx::tests::{docx_of, ole_with_stream, paragraphs, zip_of};
    use proptest::prelude::*;

    #[test]
    fn docx_is_read_whatever_its_name() {
        let bytes = docx_of(&paragraphs(&["关于做好基层减负工作的通知", "各乡镇："]));
        for name in ["通知.docx", "通知.txt", "通知", "C:\\文件\\通知.DOCX"] {
            let got = extract(name, &bytes).unwrap();
            assert_eq!(got.format, SourceFormat::Docx);
            assert_eq!(got.text, "关于做好基层减负工作的通知\n各乡镇：\n");
        }
    }

    #[test]
    fn text_files_in_any_encoding() {
        let (gbk, _, _) = encoding_rs::GBK.encode("关于做好基层减负工作的通知\r\n");
        let got = extract("通知.txt", &gbk).unwrap();
        assert_eq!(got.format, SourceFormat::Txt);
        assert_eq!(got.encoding, Some(TextEncoding::Gbk));
        assert_eq!(got.text, "关于做好基层减负工作的通知\n");
        let got = extract("通知", "纯文本".as_bytes()).unwrap();
        assert_eq!(got.encoding, Some(TextEncoding::Utf8));
    }

    #[test]
    fn size_limit_and_empty() {
        let options = ExtractOptions {
            max_bytes: 10,
            ..ExtractOptions::default()
        };
        let err = extract_with("a.txt", "超过十个字节的文本".as_bytes(), &options).unwrap_err();
        assert_eq!(err.code(), "file_too_large");
        assert_eq!(err.to_string(), "文件过大：上限为10字节");
        let err = extract("a.txt", b"").unwrap_err();
        assert_eq!(err, TextError::EmptyFile);
        let big = vec![b'a'; DEFAULT_MAX_BYTES as usize + 1];
        assert_eq!(
            extract("a.txt", &big).unwrap_err().to_string(),
            "文件过大：上限为20MB"
        );
    }

    #[test]
    fn doc_and_wps_are_read_whatever_their_name() {
        let bytes = word_file(&[TextPiece::Unicode("关于做好基层减负工作的通知\r各乡镇：\r")]);
        for (name, format) in [
            ("通知.doc", SourceFormat::Doc),
            ("通知.DOC", SourceFormat::Doc),
            ("通知", SourceFormat::Doc),
            ("通知.docx", SourceFormat::Doc),
            ("通知.wps", SourceFormat::Wps),
        ] {
            let got = extract(name, &bytes).unwrap();
            assert_eq!(got.format, format, "{name}");
            assert_eq!(got.text, "关于做好基层减负工作的通知\n各乡镇：\n");
        }
    }

    #[test]
    fn damaged_legacy_and_encrypted_office_files() {
        // An OLE header whose directory cannot be read: damaged, whatever the name.
        for name in ["通知.doc", "通知.wps"] {
            let err = extract(name, &ole_with_stream("WordDocument")).unwrap_err();
            assert_eq!(err.code(), "corrupt_file", "{name}");
            assert!(err.to_string().starts_with("文件已损坏"), "{err}");
        }
        let encrypted = ole_with_stream("EncryptedPackage");
        assert_eq!(extract("通知.docx", &encrypted), Err(TextError::Encrypted));
        assert_eq!(extract("通知.doc", &encrypted), Err(TextError::Encrypted));
        // Not OLE, binary: Word for DOS, an early Kingsoft WPS.
        let junk = [0x31u8, 0xBE, 0, 0, 0, 0xAB, 0, 0, 0, 0, 0, 0];
        let err = extract("通知.doc", &junk).unwrap_err();
        assert_eq!(err.code(), "unsupported_version");
        assert_eq!(
            err.to_string(),
            "暂不支持Word 95及更早版本的.doc文件，请用WPS Office或Word打开后另存为.docx再上传"
        );
        let err = extract("通知.wps", &junk).unwrap_err();
        assert_eq!(
            err.to_string(),
            "暂不支持早期版本的WPS文字文件（.wps），请用WPS Office或Word打开后另存为.docx再上传"
        );
    }

    #[test]
    fn images_and_other_formats_name_what_is_supported() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
        let err = extract("扫描件.png", png).unwrap_err();
        assert_eq!(err.code(), "unsupported_format");
        assert_eq!(
            err.to_string(),
            "暂不支持.png格式，请另存为.docx、.doc、.wps、.pdf、.ofd或.txt后上传"
        );
        let jpg = b"\xFF\xD8\xFF\xE0\x00\x10JFIF";
        assert_eq!(extract("photo", jpg), Err(TextError::unsupported(".jpg")));
        // Unknown binary named after a format: say that format.
        let junk = [0u8, 1, 2, 3, 4, 5, 6, 7, 8];
        assert_eq!(
            extract("表格.et", &junk),
            Err(TextError::unsupported(".et"))
        );
        assert_eq!(
            extract("data.bin", &junk),
            Err(TextError::unsupported(".bin"))
        );
        assert_eq!(extract("data.txt", &junk), Err(TextError::BinaryContent));
        let xlsx = zip_of(&[("xl/workbook.xml", b"<workbook/>")]);
        assert_eq!(
            extract("表.xlsx", &xlsx),
            Err(TextError::unsupported(".xlsx"))
        );
    }

    #[test]
    fn pdf_text_layer_or_a_clear_refusal() {
        use crate::pdf::tests::{pdf_of, text_ops};
        let codes = lopdf::Object::String(vec![0, 1, 0, 2], lopdf::StringFormat::Hexadecimal);
        let got = extract("减负.pdf", &pdf_of(text_ops("F2", codes))).unwrap();
        assert_eq!(got.format, SourceFormat::Pdf);
        assert!(got.text.contains("减负"));
        let scanned = pdf_of(vec![lopdf::content::Operation::new("q", vec![])]);
        let err = extract("扫描件.pdf", &scanned).unwrap_err();
        assert_eq!(err.code(), "pdf_without_text");
        assert!(err.to_string().starts_with("该PDF没有文字层"));
        assert_eq!(
            extract("坏.pdf", b"%PDF-1.4\ngarbage").unwrap_err().code(),
            "corrupt_file"
        );
    }

    #[test]
    fn extensions() {
        assert_eq!(extension_of("a.DOCX").as_deref(), Some(".docx"));
        assert_eq!(extension_of("目录/通知.Txt").as_deref(), Some(".txt"));
        assert_eq!(extension_of(".bashrc"), None);
        assert_eq!(extension_of("无扩展名"), None);
        assert_eq!(extension_of("a."), None);
    }

    proptest! {
        #[test]
        fn never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048), name in "[a-z.]{0,12}") {
            let _ = extract(&name, &bytes);
        }

        #[test]
        fn never_panics_on_zip_like_bytes(tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let mut bytes = b"PK\x03\x04".to_vec();
            bytes.extend(tail);
            prop_assert!(extract("a.docx", &bytes).is_err());
        }

        #[test]
        fn never_panics_on_pdf_like_bytes(tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let mut bytes = b"%PDF-1.4\n".to_vec();
            bytes.extend(tail);
            let _ = extract("a.pdf", &bytes);
        }
    }
}
