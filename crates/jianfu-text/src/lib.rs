//! Chinese document text for Jianfu 减负: reading uploaded files (.docx,
//! Word 97–2003 .doc and WPS .wps, .txt in UTF-8/UTF-16/GBK/GB18030, .pdf,
//! .ofd per GB/T 33190), counting their length the way Word's 字数 does, and
//! finding the GB/T 9704 elements of an official document (发文字号, 标题,
//! 主送, 正文, 成文日期, …).
//!
//! Every parser here takes untrusted uploads: none may panic, and each is
//! bounded in size and time. Besides the proptests, `fuzz/` holds a cargo-fuzz
//! target for each parser (its own workspace): `scripts/fuzz-smoke` builds
//! them on the stable toolchain and runs each for a short time (the test
//! script does it on every run); `cargo +nightly fuzz run TARGET` works too.

pub mod burden;
pub mod copy;
pub mod count;
pub mod decode;
pub mod doc;
pub mod docx;
pub mod elements;
mod error;
pub mod extract;
mod ideographs;
mod layout;
pub mod ofd;
pub mod padding;
mod pdf;
pub mod timex;
mod zip_part;

pub use count::{count_detail, word_count, CountDetail};
pub use decode::{decode_text, DecodedText, TextEncoding};
pub use elements::{body_word_count, parse_elements, DocKind, DocumentElements};
pub use error::{TextError, SUPPORTED_FORMATS};
pub use extract::{extract, extract_with, ExtractOptions, Extracted, SourceFormat};
pub use ideographs::unify_ideographs;
pub use zip_part::ZipLimits;
