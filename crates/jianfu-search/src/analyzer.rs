//! Chinese segmentation: the tantivy analyzer over jieba, and the analysis of
//! a user's query into the words it must match.

use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};
use tantivy_jieba::JiebaTokenizer;

/// Name under which the analyzer is registered on every opened index.
pub(crate) const TOKENIZER: &str = "jianfu_jieba";

/// Longer query text is cut here: a search box needs no more, and it bounds
/// the work spent on a pasted document.
const MAX_QUERY_CHARS: usize = 200;

/// At most this many words of a query are required, so that a pasted
/// paragraph cannot make one search arbitrarily slow.
const MAX_QUERY_WORDS: usize = 12;

/// Function words that would only narrow an all-words match by accident.
const STOPWORDS: &[&str] = &[
    "的", "了", "和", "与", "及", "或", "在", "是", "对", "把", "被", "之",
];

/// jieba in search mode (a word and its dictionary sub-words, so that
/// "督查检查" is found as a whole and by "检查"), then punctuation and
/// whitespace dropped, then lower-cased. Tokens carry byte offsets and use the
/// character offset as position, which keeps phrase queries exact even though
/// search mode emits overlapping tokens.
///
/// `JiebaTokenizer::new()` uses one process-wide dictionary, loaded on first
/// use and shared by every clone.
pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(JiebaTokenizer::new())
        .filter(WordsOnly)
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .build()
}

/// Loads the jieba dictionary now rather than on the first request.
pub(crate) fn warm_up() {
    let mut analyzer = analyzer();
    let mut stream = analyzer.token_stream("基层减负");
    while stream.advance() {}
}

/// Drops tokens without a letter or digit (punctuation, spaces, symbols).
#[derive(Clone)]
struct WordsOnly;

impl TokenFilter for WordsOnly {
    type Tokenizer<T: Tokenizer> = WordsOnlyTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> WordsOnlyTokenizer<T> {
        WordsOnlyTokenizer(tokenizer)
    }
}

#[derive(Clone)]
struct WordsOnlyTokenizer<T>(T);

impl<T: Tokenizer> Tokenizer for WordsOnlyTokenizer<T> {
    type TokenStream<'a> = WordsOnlyStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordsOnlyStream(self.0.token_stream(text))
    }
}

struct WordsOnlyStream<S>(S);

impl<S: TokenStream> TokenStream for WordsOnlyStream<S> {
    fn advance(&mut self) -> bool {
        while self.0.advance() {
            if self.0.token().text.chars().any(char::is_alphanumeric) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// A segmented token: its text and its span in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Piece {
    text: String,
    start: usize,
    len: usize,
}

impl Piece {
    fn contains(&self, other: &Piece) -> bool {
        self.start <= other.start && other.start + other.len <= self.start + self.len
    }
}

/// One word of the query as jieba cuts it in its default mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryWord {
    pub text: String,
    /// Character offset of the word in the query.
    pub start: usize,
    /// Dictionary sub-words that tile the word exactly, with their character
    /// offsets inside it, or empty. A document whose own segmentation cut the
    /// word differently (e.g. "督查" + "检查考核") still matches the phrase of
    /// the sub-words.
    pub tiling: Vec<(usize, String)>,
}

/// The analysed query: the words every hit must contain, and all words in
/// order (function words included) for the phrase bonus.
#[derive(Debug, Default)]
pub(crate) struct AnalyzedQuery {
    pub required: Vec<QueryWord>,
    pub sequence: Vec<QueryWord>,
}

pub(crate) fn analyze_query(analyzer: &mut TextAnalyzer, text: &str) -> AnalyzedQuery {
    let text = match text.char_indices().nth(MAX_QUERY_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    };
    let mut pieces: Vec<Piece> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        let piece = Piece {
            text: token.text.clone(),
            start: token.position,
            len: token.position_length.max(1),
        };
        if !pieces.contains(&piece) {
            pieces.push(piece);
        }
    }
    // Search mode emits the default-mode words together with their
    // sub-words; the default-mode words are the ones no other piece contains.
    let mut sequence: Vec<QueryWord> = pieces
        .iter()
        .filter(|p| !pieces.iter().any(|q| q.len > p.len && q.contains(p)))
        .map(|word| QueryWord {
            text: word.text.clone(),
            start: word.start,
            tiling: tile(word, &pieces),
        })
        .collect();
    sequence.sort_by_key(|w| w.start);
    sequence.dedup_by(|a, b| a.start == b.start && a.text == b.text);

    let mut required: Vec<QueryWord> = Vec::new();
    for word in &sequence {
        if !required.iter().any(|r| r.text == word.text) {
            required.push(word.clone());
        }
    }
    if required.iter().any(|w| !is_stopword(&w.text)) {
        required.retain(|w| !is_stopword(&w.text));
    }
    required.truncate(MAX_QUERY_WORDS);
    AnalyzedQuery { required, sequence }
}

fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&word)
}

/// The fewest (at least two) sub-words of `word` among `pieces` that cover it
/// end to end, or empty when there is no such tiling.
fn tile(word: &Piece, pieces: &[Piece]) -> Vec<(usize, String)> {
    let inner: Vec<&Piece> = pieces
        .iter()
        .filter(|p| p.len < word.len && word.contains(p))
        .collect();
    // best[i]: the fewest pieces covering characters i.. of the word, and
    // the piece that starts that cover.
    let mut best: Vec<Option<(usize, &Piece)>> = vec![None; word.len + 1];
    for i in (0..word.len).rev() {
        for piece in inner.iter().filter(|p| p.start - word.start == i) {
            let rest = i + piece.len;
            let count = if rest == word.len {
                Some(0)
            } else {
                best[rest].map(|(n, _)| n)
            };
            if let Some(count) = count {
                if best[i].is_none_or(|(n, _)| count + 1 < n) {
                    best[i] = Some((count + 1, piece));
                }
            }
        }
    }
    let mut tiling = Vec::new();
    let mut at = 0;
    while at < word.len {
        let Some((_, piece)) = best[at] else {
            return Vec::new();
        };
        tiling.push((at, piece.text.clone()));
        at += piece.len;
    }
    tiling
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        analyze_query(&mut analyzer(), text)
            .required
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn punctuation_and_spaces_yield_no_words() {
        assert!(words("，。！？ ()\"':+-").is_empty());
        assert!(words("   ").is_empty());
    }

    #[test]
    fn words_are_default_cut_and_lowercased() {
        assert_eq!(words("一票否决"), vec!["一票否决"]);
        assert_eq!(words("OA 减负"), vec!["oa", "减负"]);
    }

    #[test]
    fn function_words_are_dropped_unless_alone() {
        assert_eq!(words("防汛的"), vec!["防汛"]);
        assert_eq!(words("的"), vec!["的"]);
    }

    #[test]
    fn long_words_are_tiled_by_their_sub_words() {
        let analyzed = analyze_query(&mut analyzer(), "一票否决");
        let word = &analyzed.required[0];
        assert_eq!(
            word.tiling,
            vec![(0, "一票".to_string()), (2, "否决".to_string())]
        );
    }

    #[test]
    fn offsets_are_bytes_and_positions_are_characters() {
        let mut analyzer = analyzer();
        let text = "关于基层减负的通知";
        let mut stream = analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            assert_eq!(&text[token.offset_from..token.offset_to], token.text);
            let chars_before = text[..token.offset_from].chars().count();
            assert_eq!(token.position, chars_before);
        }
    }
}
