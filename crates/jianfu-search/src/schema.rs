//! The index's fields.

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};

use crate::analyzer::TOKENIZER;

/// Handles to the fields of the one schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub title: Field,
    pub doc_number: Field,
    pub body: Field,
    pub issuer_name: Field,
    pub issuer_id: Field,
    pub issuer_path: Field,
    pub year: Field,
    pub carrier: Field,
    pub kind: Field,
    /// YYYYMMDD as an integer, for listing by date.
    pub issued_on: Field,
}

/// Name of the fast field ordered on when listing without query text.
pub(crate) const ISSUED_ON: &str = "issued_on";

impl Fields {
    pub fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let segmented = |stored: bool| {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            let options = TextOptions::default().set_indexing_options(indexing);
            if stored {
                options.set_stored()
            } else {
                options
            }
        };
        let fields = Fields {
            id: builder.add_i64_field("id", INDEXED | STORED | FAST),
            title: builder.add_text_field("title", segmented(true)),
            doc_number: builder.add_text_field("doc_number", segmented(false)),
            body: builder.add_text_field("body", segmented(true)),
            issuer_name: builder.add_text_field("issuer_name", segmented(false)),
            issuer_id: builder.add_i64_field("issuer_id", INDEXED),
            issuer_path: builder.add_i64_field("issuer_path", INDEXED),
            year: builder.add_i64_field("year", INDEXED),
            carrier: builder.add_text_field("carrier", STRING),
            kind: builder.add_text_field("kind", STRING),
            issued_on: builder.add_u64_field(ISSUED_ON, FAST),
        };
        (builder.build(), fields)
    }
}

/// "2025-03-07" → 20250307; anything else → 0, which lists last.
pub(crate) fn date_key(date: &str) -> u64 {
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 8 {
        digits.parse().unwrap_or(0)
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::date_key;

    #[test]
    fn dates_become_sortable_numbers() {
        assert_eq!(date_key("2025-03-07"), 20250307);
        assert_eq!(date_key(""), 0);
        assert_eq!(date_key("2025-3-7"), 0);
    }
}
