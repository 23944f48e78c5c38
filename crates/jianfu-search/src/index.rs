//! The index itself: one writer behind a mutex, one reader reloaded after
//! every commit so that a caller sees its own writes.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{BooleanQuery, Query};
use tantivy::schema::Value;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument,
    TantivyError, Term,
};

use crate::analyzer::{self, analyze_query, TOKENIZER};
use crate::highlight;
use crate::query::{filter_clauses, text_clauses};
use crate::schema::{date_key, Fields, ISSUED_ON};
use crate::{Hit, IndexedDoc, SearchError, SearchQuery, SearchResults, MAX_LIMIT};

/// Indexing memory for an on-disk index, shared by the writer threads; a
/// segment is flushed each time it fills.
const DISK_WRITER_MEMORY: usize = 160 * 1024 * 1024;
/// Tests and small in-memory indexes need little.
const RAM_WRITER_MEMORY: usize = 32 * 1024 * 1024;
/// Indexing threads: segmentation is the bulk of the work and this is a
/// two-core server shared with the web application.
const MAX_WRITER_THREADS: usize = 2;

/// The full-text index of the document ledger. Cheap to clone; all clones
/// share one writer and one reader. Writes are serialised; searches run in
/// parallel with each other and with writes.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

struct Inner {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    analyzer: TextAnalyzer,
}

impl SearchIndex {
    /// Opens the index in `path`, creating the directory and an empty index
    /// when missing. One process at a time may hold it.
    pub fn open_in_dir(path: &Path) -> Result<Self, SearchError> {
        std::fs::create_dir_all(path).map_err(|source| SearchError::CreateDir {
            path: path.to_path_buf(),
            source,
        })?;
        let (schema, fields) = Fields::schema();
        let open_error = |source: TantivyError| open_error(path, source);
        let directory = MmapDirectory::open(path).map_err(|e| open_error(e.into()))?;
        let index = Index::open_or_create(directory, schema).map_err(open_error)?;
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_WRITER_THREADS);
        Self::from_index(index, fields, threads, DISK_WRITER_MEMORY).map_err(open_error)
    }

    /// A fresh index held in memory, for tests.
    pub fn in_memory() -> Result<Self, SearchError> {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        Self::from_index(index, fields, 1, RAM_WRITER_MEMORY)
            .map_err(|source| open_error(Path::new("(内存)"), source))
    }

    fn from_index(
        index: Index,
        fields: Fields,
        threads: usize,
        memory: usize,
    ) -> Result<Self, TantivyError> {
        index.tokenizers().register(TOKENIZER, analyzer::analyzer());
        analyzer::warm_up();
        let writer = index.writer_with_num_threads(threads, memory)?;
        // Reloaded explicitly after each commit (read-your-writes) and, on
        // disk, also when background merges finish.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(SearchIndex {
            inner: Arc::new(Inner {
                reader,
                writer: Mutex::new(writer),
                fields,
                analyzer: analyzer::analyzer(),
            }),
        })
    }

    /// Adds the documents, replacing any already indexed under the same id
    /// (the last one wins within `docs`), and commits: a search after this
    /// returns sees them. Pass thousands at a time when rebuilding; every
    /// call is one commit.
    pub fn upsert(&self, docs: &[IndexedDoc]) -> Result<(), SearchError> {
        if docs.is_empty() {
            return Ok(());
        }
        self.write(|writer, fields| {
            for doc in docs {
                writer.delete_term(Term::from_field_i64(fields.id, doc.id));
                writer.add_document(to_document(fields, doc))?;
            }
            Ok(())
        })
    }

    /// Removes the document with this id, if indexed.
    pub fn delete(&self, id: i64) -> Result<(), SearchError> {
        self.write(|writer, fields| {
            writer.delete_term(Term::from_field_i64(fields.id, id));
            Ok(())
        })
    }

    /// Removes every document, e.g. before a full rebuild.
    pub fn clear(&self) -> Result<(), SearchError> {
        self.write(|writer, _| writer.delete_all_documents().map(drop))
    }

    /// Number of indexed documents.
    pub fn len(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of index segments, reported by the benchmark.
    pub(crate) fn segment_count(&self) -> usize {
        self.inner.reader.searcher().segment_readers().len()
    }

    /// Runs `change`, then commits and reloads the reader; on failure the
    /// uncommitted changes are rolled back.
    fn write(
        &self,
        change: impl FnOnce(&IndexWriter, &Fields) -> Result<(), TantivyError>,
    ) -> Result<(), SearchError> {
        let mut writer = self.lock_writer();
        let result = change(&writer, &self.inner.fields).and_then(|()| writer.commit().map(drop));
        if let Err(error) = result {
            // The rollback's own failure would hide the cause.
            let _ = writer.rollback();
            return Err(SearchError::Write(error));
        }
        self.inner.reader.reload().map_err(SearchError::Write)
    }

    fn lock_writer(&self) -> MutexGuard<'_, IndexWriter> {
        match self.inner.writer.lock() {
            Ok(writer) => writer,
            Err(poisoned) => {
                // A write panicked half-way: drop what it left pending so
                // that the next commit does not publish it.
                let mut writer = poisoned.into_inner();
                let _ = writer.rollback();
                self.inner.writer.clear_poison();
                writer
            }
        }
    }

    /// Searches; see the crate documentation for the semantics.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        let fields = &self.inner.fields;
        let filters = filter_clauses(fields, q);
        let limit = q.limit.min(MAX_LIMIT);
        let searcher = self.inner.reader.searcher();
        // No page starts past the last document; this also keeps
        // offset + limit from overflowing.
        let offset = q.offset.min(searcher.num_docs() as usize);
        if q.text.trim().is_empty() {
            if filters.is_empty() {
                return Ok(SearchResults::default());
            }
            return self.list(&searcher, BooleanQuery::new(filters), offset, limit);
        }
        let analyzed = analyze_query(&mut self.inner.analyzer.clone(), &q.text);
        if analyzed.required.is_empty() {
            return Ok(SearchResults::default());
        }
        let words: Vec<String> = analyzed.required.iter().map(|w| w.text.clone()).collect();
        let mut clauses = text_clauses(fields, &analyzed);
        clauses.extend(filters);
        let query = BooleanQuery::new(clauses);
        let (total, top) = if limit == 0 {
            (count(&searcher, &query)?, Vec::new())
        } else {
            let top = TopDocs::with_limit(limit)
                .and_offset(offset)
                .order_by_score();
            let (top, total) = searcher
                .search(&query, &(top, Count))
                .map_err(SearchError::Query)?;
            (total, top)
        };
        let hits = top
            .into_iter()
            .map(|(score, address)| self.hit(&searcher, address, score, &words))
            .collect::<Result<_, _>>()?;
        Ok(SearchResults { total, hits })
    }

    /// Filtered documents, newest first, without scores.
    fn list(
        &self,
        searcher: &Searcher,
        query: BooleanQuery,
        offset: usize,
        limit: usize,
    ) -> Result<SearchResults, SearchError> {
        if limit == 0 {
            let total = count(searcher, &query)?;
            return Ok(SearchResults {
                total,
                hits: Vec::new(),
            });
        }
        let top = TopDocs::with_limit(limit)
            .and_offset(offset)
            .order_by_fast_field::<u64>(ISSUED_ON, Order::Desc);
        let (top, total) = searcher
            .search(&query, &(top, Count))
            .map_err(SearchError::Query)?;
        let hits = top
            .into_iter()
            .map(|(_, address)| self.hit(searcher, address, 0.0, &[]))
            .collect::<Result<_, _>>()?;
        Ok(SearchResults { total, hits })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: f32,
        words: &[String],
    ) -> Result<Hit, SearchError> {
        let fields = &self.inner.fields;
        let doc: TantivyDocument = searcher.doc(address).map_err(SearchError::Query)?;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        let id = doc
            .get_first(fields.id)
            .and_then(|v| v.as_i64())
            .unwrap_or_default();
        Ok(Hit {
            id,
            score,
            title_html: highlight::highlight_all(&text(fields.title), words),
            snippet_html: highlight::snippet(&text(fields.body), words),
        })
    }
}

fn count(searcher: &Searcher, query: &dyn Query) -> Result<usize, SearchError> {
    searcher.search(query, &Count).map_err(SearchError::Query)
}

fn open_error(path: &Path, source: TantivyError) -> SearchError {
    let path: PathBuf = path.to_path_buf();
    match source {
        TantivyError::LockFailure(..) => SearchError::Locked { path },
        source => SearchError::Open { path, source },
    }
}

fn to_document(fields: &Fields, doc: &IndexedDoc) -> TantivyDocument {
    let mut out = TantivyDocument::default();
    out.add_i64(fields.id, doc.id);
    out.add_text(fields.title, &doc.title);
    out.add_text(fields.doc_number, &doc.doc_number);
    out.add_text(fields.body, &doc.body);
    out.add_text(fields.issuer_name, &doc.issuer_name);
    out.add_i64(fields.issuer_id, doc.issuer_id);
    for unit in &doc.issuer_path {
        out.add_i64(fields.issuer_path, *unit);
    }
    out.add_i64(fields.year, i64::from(doc.year));
    out.add_text(fields.carrier, &doc.carrier);
    out.add_text(fields.kind, &doc.kind);
    out.add_u64(fields.issued_on, date_key(&doc.issued_on));
    out
}
