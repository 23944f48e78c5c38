//! Export of the shingles the detector uses, so that the same corpus can be
//! indexed by the Python tool datasketch (`MinHashLSH`) and the two
//! compared (`bench/datasketch_compare.py`).

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

/// Write JSON lines: first `{"config":{…}}` with the LSH parameters, then
/// one `{"id":…,"shingles":[…]}` per document (64-bit hashes as integers).
pub fn write_datasketch_jsonl<W: Write>(
    cfg: &CopyConfig,
    boilerplate: &Boilerplate,
    docs: &[(DocId, &str)],
    mut out: W,
) -> io::Result<()> {
    writeln!(
        out,
        r#"{{"config":{{"num_perm":{},"bands":{},"rows":{},"shingle_len":{}}}}}"#,
        cfg.num_perm(),
        cfg.bands,
        cfg.rows,
        cfg.shingle_len
    )?;
    let mut line = String::new();
    for (id, text) in docs {
        line.clear();
        line.push_str(&format!(r#"{{"id":{id},"shingles":["#));
        for (i, h) in shingles_for_datasketch(cfg, boilerplate, text)
            .iter()
            .enumerate()
        {
            if i > 0 {
                line.push(',');
            }
            line.push_str(&h.to_string());
        }
        line.push_str("]}\n");
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_parses() {
        let cfg = CopyConfig::default();
        let mut buf = Vec::new();
        let docs = [(7, "关于进一步规范督查检查考核工作的通知"), (8, "")];
        let written = write_datasketch_jsonl(&cfg, &Boilerplate::none(), &docs, &mut buf);
        assert!(written.is_ok());
        let text = String::from_utf8(buf).unwrap_or_default();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["config"]["num_perm"], 128);
        assert_eq!(lines[1]["id"], 7);
        assert_eq!(lines[1]["shingles"].as_array().map(Vec::len), Some(11));
        assert_eq!(lines[2]["shingles"].as_array().map(Vec::len), Some(0));
    }
}
