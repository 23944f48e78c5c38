//! Any bytes under any name: `extract` returns, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &[u8])| {
    let (name, bytes) = input;
    if let Ok(extracted) = jianfu_text::extract(name, bytes) {
        let _ = jianfu_text::parse_elements(&extracted.text);
    }
});
