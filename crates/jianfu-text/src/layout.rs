//! Text of a fixed-layout page (OFD, PDF) rebuilt from where it is drawn.
//!
//! A fixed layout has no paragraphs, only text placed on the page: text on
//! the same baseline is one line, read left to right; lines are read top to
//! bottom; lines the layout wrapped are joined back into paragraphs, also
//! from one page to the next; page numbers ("— 3 —") are dropped.

use std::collections::HashMap;

/// Text whose baseline is within this share of the font size of a line's
/// baseline is on that line (a superscript still is, the next line is not).
const BASELINE_TOLERANCE: f64 = 0.5;
/// A horizontal gap wider than this many font sizes becomes a space, as
/// between a 发文字号 and the 签发人 at the other end of its line.
const GAP_AS_SPACE: f64 = 1.5;

/// A piece of text drawn at one place (an OFD `TextCode`, a PDF string), in
/// page coordinates with y growing downwards, its baseline at `y`.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub x: f64,
    pub y: f64,
    /// Font size, for the line tolerance and the gap between runs.
    pub size: f64,
    /// Estimated advance of the whole run.
    pub width: f64,
    pub text: String,
}

/// Coordinates and sizes are clamped to this: no page is kilometres wide
/// (OFD measures in mm, PDF in pt), and a hostile file's huge numbers stay
/// finite.
const COORD_LIMIT: f64 = 1.0e7;

/// `v` within the coordinate limit; NaN is 0.
pub(crate) fn clamp(v: f64) -> f64 {
    if v.is_nan() {
        0.0
    } else {
        v.clamp(-COORD_LIMIT, COORD_LIMIT)
    }
}

/// How much a transformation matrix `[a b c d e f]` (OFD `CTM`, PDF `cm`/`Tm`)
/// scales lengths: the square root of its determinant; 1 when degenerate.
pub(crate) fn matrix_scale(m: &[f64; 6]) -> f64 {
    let s = (m[0] * m[3] - m[1] * m[2]).abs().sqrt();
    if s.is_finite() && s > 1e-9 {
        s
    } else {
        1.0
    }
}

/// Advance of one character: full width for CJK and other wide
/// characters, half for Latin letters, digits and ASCII punctuation.
pub(crate) fn char_width(c: char, size: f64) -> f64 {
    if c.is_ascii() || ('\u{FF61}'..='\u{FFDC}').contains(&c) {
        size / 2.0
    } else {
        size
    }
}

/// Pages laid out one after another into one text.
#[derive(Debug, Default)]
pub(crate) struct Pages {
    out: String,
    previous_open: bool,
    /// The text block of the pages so far (see [`lay_out`]).
    block: Option<(f64, f64)>,
}

impl Pages {
    /// Lays out the next page from its runs, in any order.
    pub fn push(&mut self, runs: Vec<Run>) {
        let page = lay_out(runs, &mut self.block);
        join_pages(&mut self.out, page, &mut self.previous_open);
    }

    /// The text: one paragraph a line, `\n` line ends, a blank line between
    /// pages unless a paragraph runs on.
    pub fn into_text(self) -> String {
        self.out
    }
}

/// One visual line of a page.
#[derive(Debug)]
struct Line {
    text: String,
    left: f64,
    right: f64,
    y: f64,
    size: f64,
}

/// The text of one page: its paragraphs, one per line, each ending with
/// `\n` ("" for a page without text), and whether the page ends inside a
/// paragraph and starts with one's continuation (for [`join_pages`]).
#[derive(Debug, Default)]
struct PageText {
    text: String,
    ends_open: bool,
    starts_at_margin: bool,
}

/// Lines from runs, by baseline top to bottom, each left to right, then
/// joined into paragraphs where the layout wrapped them (see [`reflow`]).
/// `block` is the text block of the pages before; a page too short to show
/// its own (the end of a document) keeps it.
fn lay_out(mut runs: Vec<Run>, block: &mut Option<(f64, f64)>) -> PageText {
    runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut lines = Vec::new();
    let mut line: Vec<Run> = Vec::new();
    for run in runs {
        let same_line = line
            .first()
            .is_some_and(|first| run.y - first.y <= BASELINE_TOLERANCE * first.size.max(run.size));
        if !same_line && !line.is_empty() {
            lines.extend(line_of(std::mem::take(&mut line)));
        }
        line.push(run);
    }
    if !line.is_empty() {
        lines.extend(line_of(line));
    }
    // Page numbers ("— 3 —") are furniture, not text.
    lines.retain(|l| !is_page_number(&l.text));
    if let Some(own) = text_block(&lines) {
        *block = Some(own);
    }
    reflow(&lines, *block)
}

fn line_of(mut runs: Vec<Run>) -> Option<Line> {
    runs.sort_by(|a, b| a.x.total_cmp(&b.x));
    let mut text = String::new();
    let mut previous: Option<&Run> = None;
    let mut end = f64::NEG_INFINITY;
    for run in &runs {
        if let Some(p) = previous {
            // Some producers fake bold by drawing the same text twice, a
            // hair apart: read it once.
            let near = 0.3 * p.size.max(run.size);
            if p.text == run.text && (run.x - p.x).abs() < near && (run.y - p.y).abs() < near {
                continue;
            }
            if run.x - end > GAP_AS_SPACE * run.size && !text.ends_with(' ') {
                text.push(' ');
            }
        }
        text.push_str(&run.text);
        end = end.max(run.x + run.width);
        previous = Some(run);
    }
    let first = runs.first()?;
    let text = text.trim();
    (!text.is_empty()).then(|| Line {
        text: text.to_string(),
        left: first.x,
        right: end,
        y: first.y,
        size: runs.iter().map(|r| r.size).fold(0.0, f64::max),
    })
}

/// "— 3 —", "－3－", "- 12 -": a page number.
fn is_page_number(text: &str) -> bool {
    let core = text.trim_matches(|c: char| c.is_whitespace() || "—－–-".contains(c));
    core.len() < text.len()
        && !core.is_empty()
        && core.len() <= 4
        && core.chars().all(|c| c.is_ascii_digit())
}

/// Characters that end a paragraph when a line ends with them.
const PARAGRAPH_END: &str = "。！？；：…”’）》」』";

/// Joins the lines of a page that the layout wrapped: a line that reaches
/// the right edge of the text block, without ending a sentence, goes on in
/// the next line when that starts at the left edge in the same font size.
/// (Paragraphs of an official document start indented by two characters,
/// so a line at the left edge continues one.) The text block is where most
/// full lines end and the leftmost start of body-size lines; a page with
/// too few lines to tell is left as it is.
fn reflow(lines: &[Line], block: Option<(f64, f64)>) -> PageText {
    let Some((left, right)) = block else {
        let mut text = String::new();
        for l in lines {
            text.push_str(&l.text);
            text.push('\n');
        }
        return PageText {
            text,
            ..PageText::default()
        };
    };
    let reaches_right = |l: &Line| (right - l.right).abs() <= l.size;
    let at_left = |l: &Line| (l.left - left).abs() <= 0.5 * l.size;
    let open = |l: &Line| reaches_right(l) && !l.text.ends_with(|c| PARAGRAPH_END.contains(c));
    let mut text = String::new();
    for (i, l) in lines.iter().enumerate() {
        text.push_str(&l.text);
        let joined = lines.get(i + 1).is_some_and(|next| {
            open(l)
                && at_left(next)
                && (next.size - l.size).abs() <= 0.15 * l.size
                && next.y - l.y <= 3.0 * l.size
        });
        if !joined {
            text.push('\n');
        }
    }
    PageText {
        ends_open: lines.last().is_some_and(open),
        starts_at_margin: lines.first().is_some_and(at_left),
        text,
    }
}

/// The left and right edges of a page's text block: the right edge is the
/// most common line end (to the unit: mm in OFD, pt in PDF) among lines of at least ten
/// characters, if at least two lines share it; the left edge the leftmost
/// start of a line in the same font size as those.
fn text_block(lines: &[Line]) -> Option<(f64, f64)> {
    let mut ends: HashMap<i64, (usize, f64, f64)> = HashMap::new();
    for l in lines.iter().filter(|l| l.text.chars().count() >= 10) {
        let e = ends
            .entry(l.right.round() as i64)
            .or_insert((0, l.right, l.size));
        e.0 += 1;
        e.1 = e.1.max(l.right);
    }
    let (count, right, size) = ends
        .into_values()
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))?;
    if count < 2 {
        return None;
    }
    let left = lines
        .iter()
        .filter(|l| (l.size - size).abs() <= 0.15 * size && l.left < right)
        .map(|l| l.left)
        .fold(f64::INFINITY, f64::min);
    left.is_finite().then_some((left, right))
}

/// Pages one after another, a paragraph that runs on from one page to the
/// next joined again.
fn join_pages(out: &mut String, page: PageText, previous_open: &mut bool) {
    if page.text.is_empty() {
        return;
    }
    if *previous_open && page.starts_at_margin && out.ends_with('\n') {
        out.pop();
    } else if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&page.text);
    *previous_open = page.ends_open;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_told_from_numbers_in_text() {
        for yes in ["— 1 —", "－12－", "- 3 -", "—1—"] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in ["2024", "一、", "— —", "— 12345 —", "第1页", "1．统计表"] {
            assert!(!is_page_number(no), "{no}");
        }
    }
}
