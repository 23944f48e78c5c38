//! Export of a corpus as the detector sees it, so that the Python tool
//! datasketch (`MinHashLSH`) can index exactly the same shingle sets and
//! the two be compared (`bench/datasketch_compare.py`, driven by
//! [`crate::copy::bench::datasketch_ratio`]).

use std::io::{self, Write};

use super::normalize::normalize_chars;
use super::shingle::{shingle_hashes, Boilerplate};
use super::{CopyConfig, DocId};

/// The distinct non-boilerplate shingle hashes of `text`, sorted: exactly
/// the set the MinHash signature is computed from.
pub fn shingles_for_datasketch(
    cfg: &CopyConfig,
    boilerplate: &Boilerplate,
    text: &str,
) -> Vec<u64> {
    let (mut chars, mut hashes) = (Vec::new(), Vec::new());
    normalize_chars(text, &mut chars);
    shingle_hashes(&chars, cfg.shingle_len, &mut hashes);
    hashes.retain(|&h| !boilerplate.contains(h));
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// First bytes of a shingle-set file.
pub const SHINGLE_SETS_MAGIC: &[u8; 8] = b"JFSHINGL";

/// Write shingle sets in the binary format `datasketch_compare.py --sets`
/// reads, all little-endian: [`SHINGLE_SETS_MAGIC`], `u32` num_perm, bands,
/// rows and shingle length, `u64` number of documents; then per document
/// `u64` id, `u64` count and `count` `u64` hashes.
pub fn write_shingle_sets<W: Write, S: AsRef<[u64]>>(
    cfg: &CopyConfig,
    sets: &[(DocId, S)],
    mut out: W,
) -> io::Result<()> {
    out.write_all(SHINGLE_SETS_MAGIC)?;
    for n in [cfg.num_perm(), cfg.bands, cfg.rows, cfg.shingle_len] {
        let n = u32::try_from(n).map_err(|_| io::Error::other("parameter too large"))?;
        out.write_all(&n.to_le_bytes())?;
    }
    out.write_all(&(sets.len() as u64).to_le_bytes())?;
    let mut bytes = Vec::new();
    for (id, set) in sets {
        let set = set.as_ref();
        bytes.clear();
        bytes.extend_from_slice(&id.to_le_bytes());
        bytes.extend_from_slice(&(set.len() as u64).to_le_bytes());
        for h in set {
            bytes.extend_from_slice(&h.to_le_bytes());
        }
        out.write_all(&bytes)?;
    }
    out.flush()
}

/// Write documents as JSON lines `{"id":…,"text":"…"}`.
pub fn write_texts_jsonl<W: Write>(docs: &[(DocId, &str)], mut out: W) -> io::Result<()> {
    let mut line = String::new();
    for (id, text) in docs {
        line.clear();
        line.push_str(&format!("{{\"id\":{id},\"text\":"));
        push_json_string(&mut line, text);
        line.push_str("}\n");
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

/// Append `s` as a JSON string literal.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shingle_sets_have_the_documented_layout() {
        let cfg = CopyConfig::default();
        let sets = [(7u64, vec![1u64, 2, 3]), (8, vec![])];
        let mut buf = Vec::new();
        assert!(write_shingle_sets(&cfg, &sets, &mut buf).is_ok());
        assert_eq!(&buf[..8], SHINGLE_SETS_MAGIC);
        assert_eq!(buf[8..12], 128u32.to_le_bytes());
        assert_eq!(buf[24..32], 2u64.to_le_bytes());
        assert_eq!(buf[32..40], 7u64.to_le_bytes());
        assert_eq!(buf[40..48], 3u64.to_le_bytes());
        assert_eq!(buf.len(), 32 + 16 + 24 + 16);
    }

    #[test]
    fn texts_are_json_lines() {
        let mut buf = Vec::new();
        let docs = [(7, "关于\"督查\"\n\t的\u{1}通知\\"), (8, "")];
        assert!(write_texts_jsonl(&docs, &mut buf).is_ok());
        let text = String::from_utf8(buf).unwrap_or_default();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["id"], 7);
        assert_eq!(lines[0]["text"], docs[0].1);
        assert_eq!(lines[1]["text"], "");
    }

    #[test]
    fn exported_sets_skip_boilerplate() {
        let cfg = CopyConfig::default();
        let text = "关于进一步规范督查检查考核工作的通知";
        assert_eq!(
            shingles_for_datasketch(&cfg, &Boilerplate::none(), text).len(),
            11
        );
        let builtin = Boilerplate::builtin(&cfg);
        let slogan = "深入学习贯彻习近平新时代中国特色社会主义思想";
        assert!(shingles_for_datasketch(&cfg, &builtin, slogan).is_empty());
    }
}
