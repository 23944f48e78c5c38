//! Any text: `parse_elements` returns spans inside the text, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let doc = jianfu_text::parse_elements(text);
    let chars = text.chars().count();
    for span in [doc.title_span, doc.body_span, doc.attachments_span]
        .into_iter()
        .flatten()
    {
        assert!(span.start <= span.end && span.end <= chars);
    }
    let _ = jianfu_text::word_count(text);
});
