//! Any bytes as a text file: `decode_text` (UTF-8/UTF-16/GBK/GB18030
//! detection) returns, never panics, and newline normalisation leaves no
//! carriage return.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(decoded) = jianfu_text::decode_text(bytes) {
        let text = jianfu_text::decode::normalize_newlines(&decoded.text);
        assert!(!text.contains('\r'));
    }
});
