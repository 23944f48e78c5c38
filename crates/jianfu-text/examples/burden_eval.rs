//! Quality of burden detection on both labelled sets, and its speed.
//!
//! `cargo run -p jianfu-text --example burden_eval -- [--errors dev|test|all|none] [--heldout-dev-errors] [--heldout] [--extend FILE.toml] [--labelled FILE.tsv]`
//!
//! Prints per-kind and micro precision/recall, exact kind-set accuracy and
//! bearer accuracy for the splits of the labelled set (written with the
//! detector) and of the held-out set (written blind to it); the mistakes of
//! the chosen split of the labelled set (dev by default: tune on dev only),
//! with `--heldout-dev-errors` those of the held-out set's dev split (its
//! heldout split's figures only with `--heldout`, its mistakes never); and
//! the time to analyse a
//! 20,000-character document.

use std::time::Instant;

use jianfu_text::burden::eval::{self, LabelledSentence, Split, HELDOUT_SET, LABELLED_SET};
use jianfu_text::burden::{detect, Lexicon};
use jianfu_text::padding::{padding_share, PaddingLexicon};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };

    let mut lex = Lexicon::default();
    if let Some(path) = value("--extend") {
        lex = lex.extended_with(&std::fs::read_to_string(path)?)?;
    }
    let labelled = match value("--labelled") {
        Some(path) => std::fs::read_to_string(path)?,
        None => LABELLED_SET.to_string(),
    };

    let report = eval::evaluate(&lex, &labelled)?;
    print!("{}", report.render_scores());
    match value("--errors").as_deref().unwrap_or("dev") {
        "none" => {}
        "all" => print!("\n{}", report.render_mistakes(None)),
        "test" => print!("\n{}", report.render_mistakes(Some(Split::Test))),
        _ => print!("\n{}", report.render_mistakes(Some(Split::Dev))),
    }
    // Tuning sees the dev split only; `--heldout` adds the held-out figures.
    let shown: String = if args.iter().any(|a| a == "--heldout") {
        HELDOUT_SET.to_string()
    } else {
        // Blank lines keep the line numbers of the file.
        HELDOUT_SET
            .lines()
            .map(|l| {
                if l.starts_with("heldout\t") {
                    "\n".to_string()
                } else {
                    format!("{l}\n")
                }
            })
            .collect()
    };
    let heldout = eval::evaluate(&lex, &shown)?;
    print!(
        "\n盲写留出集（burden_heldout.tsv）\n{}",
        heldout.render_scores()
    );
    if args.iter().any(|a| a == "--heldout-dev-errors") {
        print!("\n{}", heldout.render_mistakes(Some(Split::Dev)));
    }

    // Speed: a 20,000-character document made of the labelled sentences,
    // far denser in burdens than a real notice.
    let doc = document_of(&eval::parse_labelled(&labelled)?, 20_000);
    let runs = 20;
    let time = |f: &dyn Fn() -> usize| {
        let started = Instant::now();
        let mut n = 0;
        for _ in 0..runs {
            n = std::hint::black_box(f());
        }
        (started.elapsed().as_secs_f64() * 1000.0 / runs as f64, n)
    };
    let (detect_ms, found) = time(&|| detect(&doc, &lex).len());
    let padding_lex = PaddingLexicon::builtin();
    let (padding_ms, _) = time(&|| padding_share(&doc, padding_lex).sentences.len());
    println!(
        "\n速度：{}字的文档，负担识别{detect_ms:.2}毫秒（{found}项负担），套话占比{padding_ms:.2}毫秒（{runs}次平均）",
        doc.chars().count()
    );
    Ok(())
}

/// The labelled sentences one after another, repeated up to `chars` characters.
fn document_of(set: &[LabelledSentence], chars: usize) -> String {
    let mut doc = String::new();
    let mut n = 0;
    for s in set.iter().cycle() {
        if n >= chars {
            break;
        }
        n += s.sentence.chars().count();
        doc.push_str(&s.sentence);
    }
    doc
}
