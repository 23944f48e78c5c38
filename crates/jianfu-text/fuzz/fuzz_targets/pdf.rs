//! Any bytes after a PDF header: the PDF text extractor (reached through
//! `extract_with`, which sniffs the header) returns within its time
//! budget, never panics.
#![no_main]

use std::time::Duration;

use jianfu_text::{extract_with, ExtractOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let options = ExtractOptions {
        time_budget: Duration::from_secs(2),
        ..ExtractOptions::default()
    };
    let pdf = if bytes.starts_with(b"%PDF-") {
        bytes.to_vec()
    } else {
        [b"%PDF-1.4\n".as_slice(), bytes].concat()
    };
    let _ = extract_with("upload.pdf", &pdf, &options);
});
