//! Any bytes under any name: `extract` returns, never panics, and what it
//! extracts parses. The input is `NAME\nBYTES` (no newline: no name), so
//! seeds are easy to write by hand.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (name, bytes) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (String::from_utf8_lossy(&data[..i]), &data[i + 1..]),
        None => ("".into(), data),
    };
    if let Ok(extracted) = jianfu_text::extract(&name, bytes) {
        let _ = jianfu_text::parse_elements(&extracted.text);
    }
});
