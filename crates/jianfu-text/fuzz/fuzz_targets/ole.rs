//! Any bytes as an OLE compound file (legacy .doc/.wps/.et): the sniffing
//! that names the format in the refusal returns, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if jianfu_text::docx::is_ole(bytes) {
        let _ = jianfu_text::docx::classify_ole(bytes);
        let _ = jianfu_text::docx::ole_error(bytes, Some("doc"));
    }
});
