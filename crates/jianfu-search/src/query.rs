//! Tantivy queries built from segmented words and filters. User text never
//! reaches tantivy's query parser, so its syntax characters mean nothing.

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::analyzer::{AnalyzedQuery, QueryWord};
use crate::schema::Fields;
use crate::SearchQuery;

/// Relative weights of a match in each searched field: the title counts most.
fn weighted_fields(fields: &Fields) -> [(Field, f32); 4] {
    [
        (fields.title, 3.0),
        (fields.doc_number, 2.0),
        (fields.issuer_name, 1.0),
        (fields.body, 1.0),
    ]
}

/// Phrases longer than this get no adjacency bonus (cost without benefit).
const MAX_PHRASE_WORDS: usize = 8;

/// Every required word in some searched field, plus a bonus when the words
/// stand together as in the query.
pub(crate) fn text_clauses(
    fields: &Fields,
    analyzed: &AnalyzedQuery,
) -> Vec<(Occur, Box<dyn Query>)> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = analyzed
        .required
        .iter()
        .map(|word| (Occur::Must, word_query(fields, word)))
        .collect();
    let sequence = &analyzed.sequence;
    if (2..=MAX_PHRASE_WORDS).contains(&sequence.len()) {
        let first = sequence[0].start;
        for (field, boost) in [(fields.title, 3.0), (fields.body, 1.0)] {
            let terms = sequence
                .iter()
                .map(|w| (w.start - first, Term::from_field_text(field, &w.text)))
                .collect();
            let phrase = PhraseQuery::new_with_offset(terms);
            clauses.push((Occur::Should, boosted(Box::new(phrase), boost)));
        }
    }
    clauses
}

/// The word itself, or the phrase of the sub-words tiling it, in any field.
fn word_query(fields: &Fields, word: &QueryWord) -> Box<dyn Query> {
    let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
    for (field, boost) in weighted_fields(fields) {
        let term = Term::from_field_text(field, &word.text);
        let exact = TermQuery::new(term, IndexRecordOption::WithFreqs);
        alternatives.push(boosted(Box::new(exact), boost));
        if word.tiling.len() >= 2 {
            let terms = word
                .tiling
                .iter()
                .map(|(offset, piece)| (*offset, Term::from_field_text(field, piece)))
                .collect();
            let phrase = PhraseQuery::new_with_offset(terms);
            alternatives.push(boosted(Box::new(phrase), boost));
        }
    }
    Box::new(BooleanQuery::union(alternatives))
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if boost == 1.0 {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

/// The query's filters, each required and adding nothing to the score.
pub(crate) fn filter_clauses(fields: &Fields, q: &SearchQuery) -> Vec<(Occur, Box<dyn Query>)> {
    let mut terms = Vec::new();
    let mut scope: Option<Box<dyn Query>> = None;
    if let Some(root) = q.scope_root {
        let issued = TermQuery::new(
            Term::from_field_i64(fields.issuer_path, root),
            IndexRecordOption::Basic,
        );
        scope = Some(if q.also_ids.is_empty() {
            Box::new(issued)
        } else {
            let sent = TermSetQuery::new(
                q.also_ids
                    .iter()
                    .map(|id| Term::from_field_i64(fields.id, *id)),
            );
            Box::new(BooleanQuery::union(vec![Box::new(issued), Box::new(sent)]))
        });
    }
    if let Some(issuer) = q.issuer {
        terms.push(Term::from_field_i64(fields.issuer_id, issuer));
    }
    if let Some(year) = q.year {
        terms.push(Term::from_field_i64(fields.year, i64::from(year)));
    }
    if let Some(carrier) = &q.carrier {
        terms.push(Term::from_field_text(fields.carrier, carrier));
    }
    if let Some(kind) = &q.kind {
        terms.push(Term::from_field_text(fields.kind, kind));
    }
    scope
        .into_iter()
        .chain(
            terms.into_iter().map(|term| {
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>
            }),
        )
        .map(|filter| {
            let query: Box<dyn Query> = Box::new(ConstScoreQuery::new(filter, 0.0));
            (Occur::Must, query)
        })
        .collect()
}
