//! Any two texts (split at the first NUL): copy-detection normalisation
//! keeps its offset map consistent, its fast path agrees with it, and the
//! alignment of the two texts reports spans inside both that normalise to
//! the same text.
#![no_main]

use std::sync::OnceLock;

use jianfu_text::copy::{compare, normalize, normalize::normalize_chars, Boilerplate, CopyConfig};
use libfuzzer_sys::fuzz_target;

fn config() -> &'static (CopyConfig, Boilerplate) {
    static CONFIG: OnceLock<(CopyConfig, Boilerplate)> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let cfg = CopyConfig {
            min_span: 8,
            ..CopyConfig::default()
        };
        let boilerplate = Boilerplate::builtin(&cfg);
        (cfg, boilerplate)
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_once('\0').unwrap_or((&text, &text));

    let norm = normalize(a);
    let mut fast = Vec::new();
    normalize_chars(a, &mut fast);
    assert_eq!(norm.chars(), fast.as_slice());
    let chars = a.chars().count();
    for i in 0..norm.len() {
        let (start, end) = norm
            .char_origin(i)
            .expect("every normalised char has an origin");
        assert!(start < end && end <= chars);
    }

    let (cfg, boilerplate) = config();
    let alignment = compare(cfg, boilerplate, a, b);
    let (a_chars, b_chars): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    for span in &alignment.spans {
        assert!(span.a_start < span.a_end && span.a_end <= a_chars.len());
        assert!(span.b_start < span.b_end && span.b_end <= b_chars.len());
        let a_text: String = a_chars[span.a_start..span.a_end].iter().collect();
        let b_text: String = b_chars[span.b_start..span.b_end].iter().collect();
        assert_eq!(normalize(&a_text).chars(), normalize(&b_text).chars());
    }
    assert!((0.0..=1.0).contains(&alignment.share_of_query));
    assert!((0.0..=1.0).contains(&alignment.share_of_source));
});
