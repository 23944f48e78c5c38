//! Bounded reading of zip-packaged documents (.docx, .ofd).
//!
//! Uploads are hostile until proven otherwise, so every step is bounded: the
//! bytes actually inflated are counted (the sizes in the zip headers are only
//! claims), the compression ratio is capped against zip bombs, the bytes
//! inflated by all parts together are capped, XML nesting depth is capped,
//! and parsing stops at a deadline.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::time::{Duration, Instant};

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use zip::result::ZipError;
use zip::ZipArchive;

use crate::TextError;

/// Bounds on the work one zip-packaged document may cause.
#[derive(Debug, Clone)]
pub struct ZipLimits {
    /// Most bytes one part may inflate to.
    pub max_part_bytes: u64,
    /// Most bytes all parts read from one document may inflate to together.
    pub max_total_bytes: u64,
    /// Most bytes inflated per compressed byte, above [`Self::ratio_floor`].
    pub max_ratio: u64,
    /// Parts smaller than this are never called bombs, whatever their ratio.
    pub ratio_floor: u64,
    /// Deepest XML element nesting accepted.
    pub max_depth: usize,
    /// Most entries the archive may list.
    pub max_entries: usize,
    /// Wall-clock budget for one document.
    pub time_budget: Duration,
}

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits {
            max_part_bytes: 20 * 1024 * 1024,
            max_total_bytes: 64 * 1024 * 1024,
            max_ratio: 100,
            ratio_floor: 1024 * 1024,
            max_depth: 256,
            max_entries: 10_000,
            time_budget: Duration::from_secs(10),
        }
    }
}

/// An opened zip archive with the limits and the clock of one document.
pub(crate) struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    limits: ZipLimits,
    deadline: Instant,
    /// Bytes inflated so far, all parts together.
    unpacked: u64,
    /// Entry names in ASCII lowercase, to their index.
    folded: OnceCell<HashMap<String, usize>>,
}

impl<'a> Package<'a> {
    /// Open the archive; the time budget starts now.
    pub(crate) fn open(bytes: &'a [u8], limits: &ZipLimits) -> Result<Self, TextError> {
        let deadline = Instant::now() + limits.time_budget;
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
        if archive.len() > limits.max_entries {
            return Err(TextError::corrupt("压缩包内文件数量异常"));
        }
        Ok(Package {
            archive,
            limits: limits.clone(),
            deadline,
            unpacked: 0,
            folded: OnceCell::new(),
        })
    }

    pub(crate) fn limits(&self) -> &ZipLimits {
        &self.limits
    }

    pub(crate) fn deadline(&self) -> Instant {
        self.deadline
    }

    /// `Err(Timeout)` once the time budget is spent.
    pub(crate) fn check_deadline(&self) -> Result<(), TextError> {
        if Instant::now() > self.deadline {
            Err(TextError::Timeout)
        } else {
            Ok(())
        }
    }

    /// Whether the archive has an entry of this name (see [`Self::find`]).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// Exact name first, then case-insensitively (OPC part names are, and
    /// OFD producers are not always consistent). The case-folded index is
    /// built once, so many lookups of missing names stay cheap.
    fn find(&self, name: &str) -> Option<usize> {
        self.archive
            .index_for_name_raw(name.as_bytes())
            .or_else(|| {
                let folded = self.folded.get_or_init(|| {
                    let mut folded = HashMap::new();
                    // `file_names` lists the entries in index order.
                    for (index, entry) in self.archive.file_names().enumerate() {
                        if let Ok(entry) = entry {
                            folded.entry(entry.to_ascii_lowercase()).or_insert(index);
                        }
                    }
                    folded
                });
                folded.get(&name.to_ascii_lowercase()).copied()
            })
    }

    /// Inflate one part, counting the bytes that actually come out;
    /// `Ok(None)` if there is no such part.
    pub(crate) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, TextError> {
        self.check_deadline()?;
        let Some(index) = self.find(name) else {
            return Ok(None);
        };
        let limits = &self.limits;
        let file = self.archive.by_index(index).map_err(zip_error)?;
        if file.encrypted() {
            return Err(TextError::Encrypted);
        }
        let ratio_cap = file
            .compressed_size()
            .saturating_mul(limits.max_ratio)
            .max(limits.ratio_floor);
        let total_left = limits.max_total_bytes.saturating_sub(self.unpacked);
        let cap = ratio_cap.min(limits.max_part_bytes).min(total_left);
        let over_cap = || {
            if cap == total_left && total_left < ratio_cap.min(limits.max_part_bytes) {
                TextError::ContentTooLarge {
                    limit_bytes: limits.max_total_bytes,
                }
            } else if cap == limits.max_part_bytes {
                TextError::ContentTooLarge {
                    limit_bytes: limits.max_part_bytes,
                }
            } else {
                TextError::SuspiciousCompression
            }
        };
        if file.size() > cap {
            return Err(over_cap());
        }
        let mut out = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0).min(1 << 20));
        file.take(cap.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| zip_error(ZipError::Io(e)))?;
        if out.len() as u64 > cap {
            return Err(over_cap());
        }
        self.unpacked = self.unpacked.saturating_add(out.len() as u64);
        Ok(Some(out))
    }
}

pub(crate) fn zip_error(e: ZipError) -> TextError {
    match e {
        ZipError::UnsupportedArchive(ZipError::PASSWORD_REQUIRED) | ZipError::InvalidPassword => {
            TextError::Encrypted
        }
        ZipError::CompressionMethodNotSupported(_) => TextError::corrupt("使用了不支持的压缩方式"),
        ZipError::Io(ref io) if io.to_string().contains("checksum") => {
            TextError::corrupt("数据校验失败")
        }
        ZipError::Io(_) => TextError::corrupt("数据不完整"),
        _ => TextError::corrupt("不是有效的压缩包，文件可能不完整"),
    }
}

/// Parts are UTF-8 by the standards; a few producers write UTF-16 with a BOM.
pub(crate) fn xml_as_str(bytes: &[u8]) -> Result<Cow<'_, str>, TextError> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        return encoding
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or_else(|| TextError::corrupt("文档内容编码错误"));
    }
    std::str::from_utf8(bytes)
        .map(Cow::Borrowed)
        .map_err(|_| TextError::corrupt("文档内容编码错误"))
}

/// The value of the attribute whose local name is `name`, any prefix.
pub(crate) fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(Cow::into_owned)
        })
}

/// The character an entity or character reference stands for.
pub(crate) fn resolve_reference(r: &BytesRef<'_>) -> Option<char> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c);
    }
    match r.xml10_content().as_ref() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

/// How often (in XML events) to look at the clock.
const CLOCK_EVERY: u32 = 4096;

/// XML events with the nesting depth capped and the deadline watched.
///
/// [`Self::depth`] is the depth of the element an event belongs to: 1 for
/// the root's `Start` and `End`, 2 for its children, and so on.
pub(crate) struct XmlWalker<'x> {
    reader: Reader<&'x [u8]>,
    depth: usize,
    /// The last event was an `End`: leave its level before the next one.
    leaving: bool,
    max_depth: usize,
    deadline: Instant,
    events: u32,
}

impl<'x> XmlWalker<'x> {
    pub(crate) fn new(xml: &'x str, max_depth: usize, deadline: Instant) -> Self {
        XmlWalker {
            reader: Reader::from_str(xml),
            depth: 0,
            leaving: false,
            max_depth,
            deadline,
            events: 0,
        }
    }

    /// The next event; malformed XML is a corrupt file.
    pub(crate) fn next_event(&mut self) -> Result<Event<'x>, TextError> {
        self.events = self.events.wrapping_add(1);
        if self.events.is_multiple_of(CLOCK_EVERY) && Instant::now() > self.deadline {
            return Err(TextError::Timeout);
        }
        if self.leaving {
            self.depth = self.depth.saturating_sub(1);
            self.leaving = false;
        }
        let event = self
            .reader
            .read_event()
            .map_err(|_| TextError::corrupt("文档结构错误"))?;
        match &event {
            Event::Start(_) => {
                self.depth += 1;
                if self.depth > self.max_depth {
                    return Err(TextError::NestingTooDeep);
                }
            }
            Event::End(_) => self.leaving = true,
            _ => {}
        }
        Ok(event)
    }

    pub(crate) fn depth(&self) -> usize {
        self.depth
    }
}
