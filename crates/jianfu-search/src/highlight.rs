//! HTML snippets with `<mark>` around the query's words.
//!
//! Highlighting finds the query words in the stored text directly instead of
//! segmenting every hit's body again: a hit matched either the word itself or
//! the phrase of its sub-words, and both read as the word in the text. This
//! keeps snippets at a few microseconds per hit.

use std::ops::Range;

/// Length of a body snippet, in characters.
const SNIPPET_CHARS: usize = 120;
/// Characters of context kept before the first highlighted word.
const LEAD_CHARS: usize = 20;
/// Occurrences looked at when choosing the snippet window.
const MAX_MATCHES: usize = 256;

/// The whole text, escaped, with every occurrence of `words` marked.
pub(crate) fn highlight_all(text: &str, words: &[String]) -> String {
    let matches = find_matches(text, words);
    render(text, 0..text.len(), &matches)
}

/// A window of about [`SNIPPET_CHARS`] characters holding the most distinct
/// query words, escaped and marked; the start of the text when none occurs.
pub(crate) fn snippet(text: &str, words: &[String]) -> String {
    let matches = find_matches(text, words);
    let window = best_window(text, &matches);
    let mut html = String::new();
    if window.start > 0 {
        html.push('…');
    }
    html.push_str(&render(text, window.clone(), &matches));
    if window.end < text.len() {
        html.push('…');
    }
    html
}

/// Byte ranges of the words in `text` (ASCII case-insensitive), sorted, with
/// overlapping and adjacent ones merged, each tagged with the index of the word.
fn find_matches(text: &str, words: &[String]) -> Vec<(Range<usize>, usize)> {
    // ASCII lower-casing keeps byte offsets, unlike full Unicode lower-casing.
    let haystack = text.to_ascii_lowercase();
    let mut found: Vec<(Range<usize>, usize)> = Vec::new();
    for (index, word) in words.iter().enumerate() {
        if word.is_empty() {
            continue;
        }
        let occurrences = haystack
            .match_indices(word.as_str())
            .take(MAX_MATCHES)
            .map(|(at, w)| (at..at + w.len(), index));
        found.extend(occurrences);
    }
    found.sort_by_key(|(r, _)| (r.start, r.end));
    let mut merged: Vec<(Range<usize>, usize)> = Vec::with_capacity(found.len());
    for (range, index) in found {
        match merged.last_mut() {
            Some((last, _)) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push((range, index)),
        }
    }
    merged.truncate(MAX_MATCHES);
    merged
}

/// The window with the most distinct words, then the most occurrences,
/// preferring the earliest.
fn best_window(text: &str, matches: &[(Range<usize>, usize)]) -> Range<usize> {
    let mut best = (0usize, 0usize, 0..advance(text, 0, SNIPPET_CHARS));
    for (i, (first, _)) in matches.iter().enumerate() {
        let start = back(text, first.start, LEAD_CHARS);
        let mut end = advance(text, start, SNIPPET_CHARS);
        let mut distinct: Vec<usize> = Vec::new();
        let mut count = 0;
        for (range, word) in &matches[i..] {
            if range.start >= end {
                break;
            }
            // Never cut a highlighted word in two.
            end = end.max(range.end);
            count += 1;
            if !distinct.contains(word) {
                distinct.push(*word);
            }
        }
        if (distinct.len(), count) > (best.0, best.1) {
            best = (distinct.len(), count, start..end);
        }
    }
    let window = best.2;
    if window.end == text.len() {
        // Near the end, fill the snippet with what comes before instead.
        return window.start.min(back(text, text.len(), SNIPPET_CHARS))..window.end;
    }
    window
}

/// Byte index `chars` characters after `from`, or the end of the text.
fn advance(text: &str, from: usize, chars: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| from + i)
}

/// Byte index `chars` characters before `to`, or the start of the text.
fn back(text: &str, to: usize, chars: usize) -> usize {
    text[..to]
        .char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

fn render(text: &str, window: Range<usize>, matches: &[(Range<usize>, usize)]) -> String {
    let mut html = String::with_capacity(window.len() + 64);
    let mut at = window.start;
    for (range, _) in matches {
        if range.start < window.start || range.end > window.end {
            continue;
        }
        escape_into(&text[at..range.start], &mut html);
        html.push_str("<mark>");
        escape_into(&text[range.clone()], &mut html);
        html.push_str("</mark>");
        at = range.end;
    }
    escape_into(&text[at..window.end], &mut html);
    html
}

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn marks_every_word_and_escapes_the_rest() {
        let html = highlight_all("<b>基层减负</b>通知", &w(&["减负"]));
        assert_eq!(html, "&lt;b&gt;基层<mark>减负</mark>&lt;/b&gt;通知");
    }

    #[test]
    fn overlapping_words_make_one_mark() {
        let html = highlight_all("督查检查考核", &w(&["督查检查", "检查考核"]));
        assert_eq!(html, "<mark>督查检查考核</mark>");
        let html = highlight_all("防汛值班", &w(&["防汛", "值班"]));
        assert_eq!(html, "<mark>防汛值班</mark>");
    }

    #[test]
    fn ascii_matching_ignores_case() {
        assert_eq!(highlight_all("OA系统", &w(&["oa"])), "<mark>OA</mark>系统");
    }

    #[test]
    fn snippet_centres_on_the_densest_window() {
        let filler = "各单位要认真贯彻落实。".repeat(30);
        let text = format!("{filler}严禁搞一票否决，切实为基层减负。{filler}");
        let html = snippet(&text, &w(&["一票否决", "减负"]));
        assert!(html.starts_with('…') && html.ends_with('…'));
        assert!(html.contains("<mark>一票否决</mark>"));
        assert!(html.contains("<mark>减负</mark>"));
        assert!(html.chars().count() < SNIPPET_CHARS + 40);
    }

    #[test]
    fn snippet_without_matches_is_the_start() {
        let text = "一".repeat(500);
        let html = snippet(&text, &w(&["减负"]));
        assert_eq!(html, format!("{}…", "一".repeat(SNIPPET_CHARS)));
        assert_eq!(snippet("短文", &w(&["减负"])), "短文");
        let text = format!("{}减负", "一".repeat(200));
        let html = snippet(&text, &w(&["减负"]));
        assert_eq!(
            html.chars().count(),
            1 + SNIPPET_CHARS + "<mark></mark>".len()
        );
    }
}
