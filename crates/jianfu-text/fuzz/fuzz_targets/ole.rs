//! Any bytes as an OLE compound file (legacy .doc/.wps/.et): the Word 97
//! reader (compound file, FIB, piece table, fields) and the sniffing that
//! names the formats it refuses return, never panic.
#![no_main]

use std::time::Duration;

use jianfu_text::doc::{doc_text_with, DocLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let limits = DocLimits {
        time_budget: Duration::from_secs(2),
        ..DocLimits::default()
    };
    let _ = doc_text_with(bytes, Some(".doc"), &limits);
    if jianfu_text::docx::is_ole(bytes) {
        let _ = jianfu_text::docx::ole_error(bytes, Some(".wps"));
    }
});
