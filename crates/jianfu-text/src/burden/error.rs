//! Errors in the data a supervisor supplies: lexicons and labelled sets.
//!
//! `Display` is the zh-CN sentence shown to the supervisor and names the
//! offending entry; `code()` is stable snake_case for the API.

/// Why a lexicon (or a labelled set) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LexiconError {
    /// The TOML itself does not parse, or a field has the wrong name or type.
    #[error("词库格式错误{at}：{detail}")]
    Syntax {
        /// "（第3行第5列）", or empty when the position is unknown.
        at: String,
        detail: String,
    },

    /// A cue group or rule names a kind that does not exist.
    #[error(
        "词库条目“{entry}”：未知的负担类别“{kind}”，可用类别为{}",
        super::BurdenKind::all_names()
    )]
    UnknownKind { entry: String, kind: String },

    /// A phrase is empty or its "…" gaps are misplaced.
    #[error("词库条目“{entry}”：短语“{phrase}”无效，{reason}")]
    BadPhrase {
        entry: String,
        phrase: String,
        reason: String,
    },

    /// Any other invalid value, explained in `reason`.
    #[error("词库条目“{entry}”：{reason}")]
    BadEntry { entry: String, reason: String },

    /// The phrases are too many to compile.
    #[error("词库过大，无法编译：{0}")]
    TooLarge(String),

    /// A line of a labelled set (`split\tkinds\tsentence`) is malformed.
    #[error("标注集第{line}行格式错误：{reason}")]
    BadLabelledLine { line: usize, reason: String },
}

impl LexiconError {
    /// Stable snake_case code for the API (`{"error":{"code": …}}`).
    pub fn code(&self) -> &'static str {
        match self {
            LexiconError::Syntax { .. } => "lexicon_syntax",
            LexiconError::UnknownKind { .. } => "lexicon_unknown_kind",
            LexiconError::BadPhrase { .. } => "lexicon_bad_phrase",
            LexiconError::BadEntry { .. } => "lexicon_bad_entry",
            LexiconError::TooLarge(_) => "lexicon_too_large",
            LexiconError::BadLabelledLine { .. } => "labelled_set_bad_line",
        }
    }

    /// A TOML parse error, with its position and a Chinese gloss of the
    /// common serde messages.
    pub(crate) fn from_toml(source: &str, err: &toml::de::Error) -> Self {
        let at = err
            .span()
            .map(|span| {
                let (line, column) = line_column(source, span.start);
                format!("（第{line}行第{column}列）")
            })
            .unwrap_or_default();
        LexiconError::Syntax {
            at,
            detail: gloss(err.message()),
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `source`.
fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Chinese for the messages serde and toml give most often; the original
/// stays in brackets for anything else.
fn gloss(message: &str) -> String {
    let quoted = |m: &str| m.split('`').nth(1).unwrap_or("").to_string();
    if message.starts_with("unknown field") {
        format!("未知字段“{}”", quoted(message))
    } else if message.starts_with("missing field") {
        format!("缺少字段“{}”", quoted(message))
    } else if message.starts_with("invalid type") {
        format!("字段类型不符（{message}）")
    } else if message.starts_with("duplicate key") {
        format!("重复的键（{message}）")
    } else {
        format!("无法解析（{message}）")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_from_one() {
        assert_eq!(line_column("ab\n中文x", 9), (2, 3));
        assert_eq!(line_column("", 5), (1, 1));
    }
}
