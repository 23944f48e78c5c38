//! Any bytes as a .docx (ZIP of WordprocessingML): `docx_text` returns,
//! never panics.
#![no_main]

use std::time::Duration;

use jianfu_text::docx::{docx_text_with, DocxLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let limits = DocxLimits {
        time_budget: Duration::from_secs(2),
        ..DocxLimits::default()
    };
    let _ = docx_text_with(bytes, &limits);
});
