//! The one error type of this crate.
//!
//! `code()` is stable snake_case for the API and the UI; `Display` is the
//! zh-CN sentence shown to the person who uploaded the file.

/// Why a document could not be read. It crosses the pipe from the parsing worker process
/// (`jianfu-parse`) as JSON, hence serde.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum TextError {
    /// The upload is larger than the configured limit.
    #[error("文件过大：上限为{}", format_size(*limit_bytes))]
    FileTooLarge { limit_bytes: u64 },

    /// The upload has no bytes at all.
    #[error("文件为空，请检查后重新上传")]
    EmptyFile,

    /// The bytes are not text in any encoding we accept.
    #[error("无法识别文件编码，请将文件另存为UTF-8或GBK编码的文本文件后重新上传")]
    UnknownEncoding,

    /// Lines in UTF-8 beside lines in GBK: files pasted together.
    #[error("文件中混用了多种编码（部分为UTF-8，部分为GBK），请统一另存为UTF-8编码后重新上传")]
    MixedEncoding,

    /// NUL bytes or many control characters: a binary file named `.txt`.
    #[error("文件内容不是文本，无法读取，请确认上传的是文字文件")]
    BinaryContent,

    /// Password-protected Office document.
    #[error("该文件已加密，请去除密码后重新上传")]
    Encrypted,

    /// A format we recognise but do not read; `format` names it, e.g. `.doc`.
    #[error("暂不支持{format}格式，请另存为{}后上传", SUPPORTED_FORMATS)]
    UnsupportedFormat { format: String },

    /// A version of a format we read whose layout we do not: a Word 95 .doc,
    /// an early Kingsoft .wps. `format` names it, e.g. `Word 95及更早版本的.doc文件`.
    #[error("暂不支持{format}，请用WPS Office或Word打开后另存为.docx再上传")]
    UnsupportedVersion { format: String },

    /// A zip archive or PDF whose structure is broken.
    #[error("文件已损坏，无法打开（{reason}）")]
    CorruptFile { reason: String },

    /// A zip archive that is not a Word document (an .xlsx, an .odt, …).
    #[error("该文件不是Word文档，请另存为{}后上传", SUPPORTED_FORMATS)]
    NotWordDocument,

    /// The text inside the document unpacks to more than the limit.
    #[error("文档内容过大：解压后超过{}上限", format_size(*limit_bytes))]
    ContentTooLarge { limit_bytes: u64 },

    /// Compression ratio far beyond any real document: a zip bomb.
    #[error("文档压缩比异常，疑似恶意构造的文件，已拒绝处理")]
    SuspiciousCompression,

    /// XML nested deeper than any real document.
    #[error("文档结构嵌套过深，疑似恶意构造的文件，已拒绝处理")]
    NestingTooDeep,

    /// Parsing took longer than allowed.
    #[error("文档解析超时，请精简文档后重新上传")]
    Timeout,

    /// A PDF made of scanned images, with no text to read.
    #[error("该PDF没有文字层（可能是扫描件），请上传可复制文字的PDF，或另存为.docx、.txt后上传")]
    PdfWithoutText,

    /// An OFD made of scanned images, with no text to read.
    #[error("该OFD文件没有文字层（可能是扫描件），请上传可复制文字的OFD或PDF，或另存为.docx、.txt后上传")]
    OfdWithoutText,
}

/// The formats a user may upload, in the words of every "unsupported" message.
pub const SUPPORTED_FORMATS: &str = ".docx、.doc、.wps、.pdf、.ofd或.txt";

impl TextError {
    /// Stable snake_case code for the API (`{"error":{"code": …}}`).
    pub fn code(&self) -> &'static str {
        match self {
            TextError::FileTooLarge { .. } => "file_too_large",
            TextError::EmptyFile => "empty_file",
            TextError::UnknownEncoding => "unknown_encoding",
            TextError::MixedEncoding => "mixed_encoding",
            TextError::BinaryContent => "binary_content",
            TextError::Encrypted => "encrypted_file",
            TextError::UnsupportedFormat { .. } => "unsupported_format",
            TextError::UnsupportedVersion { .. } => "unsupported_version",
            TextError::CorruptFile { .. } => "corrupt_file",
            TextError::NotWordDocument => "not_word_document",
            TextError::ContentTooLarge { .. } => "content_too_large",
            TextError::SuspiciousCompression => "suspicious_compression",
            TextError::NestingTooDeep => "nesting_too_deep",
            TextError::Timeout => "parse_timeout",
            TextError::PdfWithoutText => "pdf_without_text",
            TextError::OfdWithoutText => "ofd_without_text",
        }
    }

    pub(crate) fn corrupt(reason: impl Into<String>) -> Self {
        TextError::CorruptFile {
            reason: reason.into(),
        }
    }

    pub(crate) fn unsupported(format: impl Into<String>) -> Self {
        TextError::UnsupportedFormat {
            format: format.into(),
        }
    }
}

/// "20MB", "512KB", "100字节": sizes as a clerk writes them.
fn format_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{}MB", bytes / MB)
    } else if bytes >= MB {
        format!("{:.1}MB", bytes as f64 / MB as f64)
    } else if bytes >= KB && bytes.is_multiple_of(KB) {
        format!("{}KB", bytes / KB)
    } else {
        format!("{bytes}字节")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_chinese_and_name_the_limit() {
        let e = TextError::FileTooLarge {
            limit_bytes: 20 * 1024 * 1024,
        };
        assert_eq!(e.to_string(), "文件过大：上限为20MB");
        assert_eq!(e.code(), "file_too_large");
        assert_eq!(
            TextError::unsupported(".xls").to_string(),
            "暂不支持.xls格式，请另存为.docx、.doc、.wps、.pdf、.ofd或.txt后上传"
        );
        assert_eq!(
            TextError::Encrypted.to_string(),
            "该文件已加密，请去除密码后重新上传"
        );
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(format_size(512 * 1024), "512KB");
        assert_eq!(format_size(1536 * 1024), "1.5MB");
        assert_eq!(format_size(100), "100字节");
    }
}
