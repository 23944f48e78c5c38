//! Reads a document as the upload does and prints what was found: the
//! format, the GB/T 9704 elements, the Word 字数, the burdens and the text.
//! For trying real files by hand:
//! `cargo run -p jianfu-text --example extract -- 通知.pdf`

use jianfu_text::burden::{detect, Lexicon};
use jianfu_text::{extract, parse_elements, word_count};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("用法：extract 文件路径");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("无法读取{path}：{e}");
            std::process::exit(1);
        }
    };
    match extract(&path, &bytes) {
        Ok(found) => {
            println!("格式：{:?}，编码：{:?}", found.format, found.encoding);
            println!("字数：{}", word_count(&found.text));
            println!("要素：{:#?}", parse_elements(&found.text));
            for b in detect(&found.text, Lexicon::builtin()) {
                println!("负担[{}]：{}", b.kind, b.sentence);
            }
            println!("──── 正文 ────\n{}", found.text);
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
