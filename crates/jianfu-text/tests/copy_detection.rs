//! Copy detection end to end: properties of the spans, and the detector
//! scored against a generated corpus with ground truth.

use jianfu_text::copy::eval::{corpus, evaluate, family, CopyKind};
use jianfu_text::copy::{compare, normalize, Boilerplate, CopyConfig, CopyIndex};
use proptest::prelude::*;

fn slice(s: &str, from: usize, to: usize) -> String {
    s.chars().skip(from).take(to.saturating_sub(from)).collect()
}

/// Texts built from a few official phrases, punctuation and level words, so
/// that random pairs share material and compounds occur.
fn official_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "全市",
        "全县",
        "各县（市、区）",
        "各乡镇（街道）",
        "市委",
        "县人民政府",
        "市场监管",
        "，",
        "。",
        " ",
        "　",
        "２０２４",
        "2024",
        "安全生产",
        "督查检查考核",
        "不得层层加码",
        "村",
        "社区",
        "切实抓好落实",
        "建立工作台账",
        "每月报送",
        "（一）",
        "要",
        "的",
        "在",
        "前完成整改",
    ]);
    prop::collection::vec(pieces, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Every span's two sides normalise to the same text.
    #[test]
    fn spans_map_to_equal_normalised_text(a in official_text(), b in official_text(), cut in 0usize..200) {
        let cfg = CopyConfig { min_span: 8, ..CopyConfig::default() };
        // Make sure the pair shares something: `b` embeds a piece of `a`.
        let head: String = a.chars().skip(cut % (a.chars().count() + 1)).collect();
        let b = format!("{b}{head}");
        let al = compare(&cfg, &Boilerplate::none(), &a, &b);
        for s in &al.spans {
            let x = normalize(&slice(&a, s.a_start, s.a_end));
            let y = normalize(&slice(&b, s.b_start, s.b_end));
            prop_assert!(!x.is_empty());
            prop_assert_eq!(x.chars(), y.chars());
        }
        prop_assert!((0.0..=1.0).contains(&al.share_of_query));
        prop_assert!((0.0..=1.0).contains(&al.share_of_source));
    }

    /// A document compared with itself is entirely copied.
    #[test]
    fn self_comparison_covers_everything(f in 0u64..10_000) {
        let doc = &family(3, f)[0];
        let al = compare(&CopyConfig::default(), &Boilerplate::builtin(&CopyConfig::default()), &doc.text, &doc.text);
        prop_assert!(al.share_of_query > 0.99, "{}", al.share_of_query);
        prop_assert!(al.share_of_source > 0.99);
    }

    /// Arbitrary input never panics and yields consistent shares.
    #[test]
    fn arbitrary_text_is_safe(a in ".{0,300}", b in ".{0,300}") {
        let al = compare(&CopyConfig::default(), &Boilerplate::none(), &a, &b);
        prop_assert!(al.share_of_query <= 1.0 && al.share_of_source <= 1.0);
    }
}

/// Unrelated documents in the same style share boilerplate but are not
/// copies of each other.
#[test]
fn unrelated_documents_share_little() {
    let docs = corpus(5, 300);
    let cfg = CopyConfig::default();
    let pairs: Vec<(u64, &str)> = docs.iter().map(|d| (d.id, d.text.as_str())).collect();
    let boilerplate = CopyIndex::learn_boilerplate(&cfg, &pairs);
    let originals: Vec<&str> = docs
        .iter()
        .filter(|d| d.kind == CopyKind::Original)
        .map(|d| d.text.as_str())
        .take(30)
        .collect();
    for (i, a) in originals.iter().enumerate() {
        for b in &originals[i + 1..] {
            let al = compare(&cfg, &boilerplate, a, b);
            assert!(
                al.share_of_query < 0.1 && al.share_of_source < 0.1,
                "{} {}",
                al.share_of_query,
                al.share_of_source
            );
        }
    }
}

/// The detector on 300 generated documents: pairs with at least half
/// copied are found with precision and recall ≥ 0.95, spans with F1 ≥ 0.9.
#[test]
fn evaluation_at_small_scale() {
    let docs = corpus(42, 300);
    let pairs: Vec<(u64, &str)> = docs.iter().map(|d| (d.id, d.text.as_str())).collect();
    let index = CopyIndex::build(CopyConfig::default(), &pairs);
    assert_eq!(index.len(), docs.len());
    let all: Vec<usize> = (0..docs.len()).collect();
    let report = evaluate(&index, &docs, &all);
    assert!(report.true_pairs > 50, "{report:?}");
    assert!(report.precision >= 0.95, "{report:?}");
    assert!(report.recall >= 0.95, "{report:?}");
    assert!(report.span_f1 >= 0.9, "{report:?}");
    assert!(report.max_unrelated_share < 0.1, "{report:?}");
}

/// A county notice that copies the city's, reordered, with units swapped,
/// a preamble and new punctuation, is found with its spans.
#[test]
fn find_copies_returns_side_by_side_evidence() {
    let docs = corpus(9, 120);
    let pairs: Vec<(u64, &str)> = docs.iter().map(|d| (d.id, d.text.as_str())).collect();
    let index = CopyIndex::build(CopyConfig::default(), &pairs);
    let Some(copy) = docs.iter().find(|d| d.kind == CopyKind::Reordered) else {
        return;
    };
    let source = copy.family * jianfu_text::copy::eval::FAMILY_STRIDE;
    let found = index.find_copies(&copy.text, |id| {
        docs.iter().find(|d| d.id == id).map(|d| d.text.clone())
    });
    let m = found
        .iter()
        .find(|m| m.doc_id == source)
        .expect("the source is found");
    assert!(m.share_of_query > 0.8 && m.share_of_source > 0.8, "{m:?}");
    assert!(m.spans.len() > 3, "reordered paragraphs give several spans");
    let source_text = &docs
        .iter()
        .find(|d| d.id == source)
        .expect("source exists")
        .text;
    for s in &m.spans {
        let x = normalize(&slice(&copy.text, s.a_start, s.a_end));
        let y = normalize(&slice(source_text, s.b_start, s.b_end));
        assert_eq!(x.chars(), y.chars());
    }
    assert!(index.candidates(&copy.text).contains(&source));
}
