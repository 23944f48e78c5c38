//! 文件智能分析: reading documents. The pre-issue assessment (一致性评估) of a draft, the
//! background analysis of every stored document (burden demands, padding, copies of earlier
//! documents), and the full-text search of the ledger.
//!
//! The copy index and the search index live in memory (the search index optionally on disk)
//! and are derived from the database: [`Intelligence::load`] rebuilds them at start, and the
//! analyser keeps them current as documents are written (a queue row is written in the same
//! transaction as the document, so nothing is missed when the process dies).
use crate::store::{self, AnalysisRow, QueuedDocument};
use jianfu_core::{Actor, AppError, AppResult};
pub use jianfu_documents::model::read_text;
use jianfu_documents::rules::{length_limit, DocRule, LengthParams};
use jianfu_domain::policy;
use jianfu_domain::rules::{self, Settings};
use jianfu_domain::warnings;
use jianfu_search::{IndexedDoc, SearchIndex, SearchQuery};
use jianfu_store::{org, Conn, Db, Q};
use jianfu_text::burden::{self, Burden, BurdenKind, Lexicon, Who};
use jianfu_text::copy::{classify, CopyConfig, CopyIndex, DocMeta, MatchClass, PreparedText};
use jianfu_text::padding::{self, PaddingLexicon, SentenceClass};
use jianfu_text::{DocKind, DocumentElements};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

pub use jianfu_text::DocKind as Kind;

/// A 文种 given by a user: one of the 15 lawful kinds, or none.
pub fn parse_kind(kind: Option<&str>) -> AppResult<Option<DocKind>> {
    match kind.map(str::trim).filter(|k| !k.is_empty()) {
        None => Ok(None),
        Some(k) => k.parse().map(Some).map_err(|_| {
            AppError::invalid("kind", "不是《党政机关公文处理工作条例》规定的15种文种之一")
        }),
    }
}

/// Longest text the assessment reads: 200,000 characters (a 20 MB upload is refused earlier).
pub const MAX_TEXT_CHARS: usize = 200_000;
/// Matches reported per document.
const MAX_MATCHES: usize = 10;

/// The indexes over stored documents, shared by the web handlers and the analyser.
pub struct Intelligence {
    copy: RwLock<CopyIndex>,
    /// Documents in the copy index (it keeps no ids of its own to look up).
    in_copy_index: std::sync::Mutex<std::collections::HashSet<u64>>,
    search: SearchIndex,
}

/// A demand for implementation reports or supporting documents (2024 art. 3).
fn is_report_demand(b: &Burden) -> bool {
    crate::demands::is_report_demand(b.rule_id.as_deref(), &b.sentence)
}

/// One copy of (or by) an earlier document.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CopyMatchView {
    pub document_id: i64,
    pub title: String,
    pub issuer_name: String,
    pub issued_on: String,
    /// Share of this text found in the other document, 0..1.
    pub share: f64,
    /// copied_from_upper | reissued | forwarded, or null when the match is left to a person.
    pub class: Option<String>,
    pub spans: Vec<SpanView>,
    /// The copied passages on both sides, in the order of `spans`.
    #[serde(default)]
    pub excerpts: Vec<SpanText>,
    /// Whether the viewer may open the other document's page (it is in the viewer's scope);
    /// an upper level's document is shown as a source, not opened.
    #[serde(default)]
    pub openable: bool,
}

impl CopyMatchView {
    /// The class in Chinese.
    pub fn class_label(&self) -> &'static str {
        copy_class_label(self.class.as_deref())
    }
}

/// A kind of copy (copied_from_upper | reissued | forwarded) in Chinese; a match of no known
/// kind is 内容重合.
pub fn copy_class_label(class: Option<&str>) -> &'static str {
    match class {
        Some("copied_from_upper") => "照抄上级文件",
        Some("reissued") => "重发本单位已发文件",
        Some("forwarded") => "重复转发",
        _ => "内容重合",
    }
}

/// The text of a copied span on both sides, for showing them side by side.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SpanText {
    pub text: String,
    pub source_text: String,
}

/// Characters `[start, end)` of `s`.
pub fn char_slice(s: &str, start: usize, end: usize) -> String {
    s.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

/// A copied span: `[start, end)` in this text and `[source_start, source_end)` in the other, in
/// characters.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SpanView {
    pub start: usize,
    pub end: usize,
    pub source_start: usize,
    pub source_end: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LimitCheck {
    pub rule_id: String,
    /// What the limit is based on: 通知, 一般文件, 专项工作文件.
    pub basis: String,
    pub limit: i64,
    pub actual: i64,
    pub exceeded: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BurdenView {
    /// materials | form | ledger | periodic_report | zero_report | pledge | veto | checkin |
    /// app_download | ranking | trace_photo | meeting | relay | inspection | signboard | certificate
    pub kind: String,
    /// The kind in Chinese.
    pub label: String,
    pub sentence: String,
    /// Character offsets of the sentence in the text.
    pub start: usize,
    pub end: usize,
    pub cue: String,
    pub frequency: Option<String>,
    pub deadline: Option<String>,
    pub targets: Vec<String>,
    /// Who must do it: township | village | grassroots | department | upper. Only township,
    /// village and grassroots demands are burdens on grassroots units: counted in the ledger,
    /// warned, marked in the text.
    pub who: String,
    /// Who, in Chinese: 乡镇, 村（社区）, 基层, 县直部门, 上级机关.
    pub who_label: String,
    pub rule_id: Option<String>,
    /// The rule's Chinese name.
    pub rule_name: Option<String>,
}

impl BurdenView {
    /// Whether the demand is one on grassroots units (not on the county's departments or on
    /// the office itself).
    pub fn is_grassroots(&self) -> bool {
        self.who.parse::<Who>().is_ok_and(Who::is_grassroots)
    }
}

impl From<&Burden> for BurdenView {
    fn from(b: &Burden) -> Self {
        BurdenView {
            kind: b.kind.as_str().to_string(),
            label: b.kind.label_zh().to_string(),
            sentence: b.sentence.clone(),
            start: b.start,
            end: b.end,
            cue: b.cue.clone(),
            frequency: b.frequency.clone(),
            deadline: b.deadline.clone(),
            targets: b.targets.clone(),
            who: b.who.as_str().to_string(),
            who_label: b.who.label_zh().to_string(),
            rule_name: b
                .rule_id
                .as_deref()
                .and_then(rules::rule_name)
                .map(str::to_string),
            rule_id: b.rule_id.clone(),
        }
    }
}

/// A boilerplate sentence (穿靴戴帽), by character offsets.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PaddingSpan {
    pub start: usize,
    pub end: usize,
}

/// The answer of `POST /api/v1/analysis/document`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Assessment {
    /// Word's 字数 of the body (of the whole text when no body is found).
    pub char_count: usize,
    #[schema(value_type = Object)]
    pub elements: DocumentElements,
    pub limit_checks: Vec<LimitCheck>,
    /// Every burden found, on whomever it falls (see `who`): one per kind and sentence.
    pub burdens: Vec<BurdenView>,
    /// The demands: a sentence (with its heading) and all its kinds, with the words that made
    /// it and, for one on grassroots units, the rules it breaks and their severity.
    pub demands: Vec<crate::demands::DemandView>,
    /// How many demands fall on grassroots units (`who` township, village or grassroots): a
    /// sentence and its heading count once, whatever their kinds.
    pub grassroots_burdens: usize,
    /// Share of boilerplate against concrete tasks, 0..1.
    pub padding_share: f64,
    pub padding_sentences: Vec<PaddingSpan>,
    pub copy_matches: Vec<CopyMatchView>,
    /// Earlier documents the text also copies that the viewer may not read (neither issued in
    /// its scope nor sent to it): counted, not named.
    pub hidden_copy_matches: usize,
    /// The text assessed (offsets refer to it).
    pub text: String,
    /// Set when the text was read from a scan by OCR: the mean confidence of its words, 0–100.
    /// What was assessed is what OCR read; check it against the scan.
    pub ocr_confidence: Option<u8>,
}

/// What the background analysis stored for a document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentAnalysis {
    pub analyzed_at: String,
    pub padding_share: f64,
    pub burdens: Vec<BurdenView>,
    pub report_demands: i64,
    pub copy_matches: Vec<CopyMatchView>,
}

/// Search input of the ledger's full-text search.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct SearchInput {
    pub q: String,
    pub issuer: Option<i64>,
    pub year: Option<i32>,
    pub carrier: Option<String>,
    pub kind: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchPage {
    pub total: usize,
    pub page: u32,
    pub per_page: u32,
    pub hits: Vec<SearchHit>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    pub id: i64,
    /// HTML: the title escaped, matched words in `<mark>`.
    pub title_html: String,
    /// HTML: a passage of the body escaped, matched words in `<mark>`.
    pub snippet_html: String,
}

fn level_rank(level: &str) -> u8 {
    match level {
        "province" => 0,
        "city" => 1,
        "county" => 2,
        "township" => 3,
        _ => 4,
    }
}

/// The rank of a document's issuer: a department ranks with its government.
fn issuer_rank(d: &QueuedDocument) -> u8 {
    match (d.issuer_level.as_str(), d.issuer_parent_level.as_deref()) {
        ("department", Some(parent)) => level_rank(parent),
        (level, _) => level_rank(level),
    }
}

fn meta(d: &QueuedDocument) -> DocMeta {
    DocMeta {
        issuer: d.issuer_id as u64,
        level_rank: issuer_rank(d),
        date: d.issued_on.parse().unwrap_or_default(),
        copies_upper: None,
    }
}

fn class_name(c: MatchClass) -> &'static str {
    match c {
        MatchClass::CopiedFromUpper => "copied_from_upper",
        MatchClass::Reissued => "reissued",
        MatchClass::Forwarded => "forwarded",
    }
}

fn blocking_error(e: tokio::task::JoinError) -> AppError {
    AppError::internal(format!("analysis task: {e}"))
}

fn search_error(e: jianfu_search::SearchError) -> AppError {
    AppError::internal(e)
}

impl Intelligence {
    /// Empty indexes; the search index in `search_dir` when given (kept across restarts), in
    /// memory otherwise. Call [`Intelligence::load`] before serving.
    pub fn open(search_dir: Option<&Path>) -> AppResult<Arc<Intelligence>> {
        let search = match search_dir {
            Some(dir) => SearchIndex::open_in_dir(dir),
            None => SearchIndex::in_memory(),
        }
        .map_err(|e| AppError::internal(format!("search index: {e}")))?;
        let cfg = CopyConfig::default();
        let boilerplate = jianfu_text::copy::Boilerplate::builtin(&cfg);
        Ok(Arc::new(Intelligence {
            copy: RwLock::new(CopyIndex::new(cfg, boilerplate)),
            in_copy_index: Default::default(),
            search,
        }))
    }

    /// Fills the copy index with every stored document, and rebuilds the search index when it
    /// does not hold as many documents as the database.
    pub async fn load(self: &Arc<Self>, db: &Db) -> AppResult<usize> {
        let mut conn = db.reader();
        let total = store::document_count(&mut conn).await?;
        let reindex = self.search.len() as i64 != total;
        if reindex {
            let s = self.clone();
            tokio::task::spawn_blocking(move || s.search.clear())
                .await
                .map_err(blocking_error)?
                .map_err(search_error)?;
        }
        // Passages shared by many stored documents (公文套话, templates) never make a copy: the
        // boilerplate is learned from a sample of the corpus, as MOSS does.
        let sample = store::documents_after(&mut conn, 0, 5000).await?;
        if !sample.is_empty() {
            let s = self.clone();
            tokio::task::spawn_blocking(move || -> AppResult<()> {
                let cfg = CopyConfig::default();
                let pairs: Vec<(u64, &str)> = sample
                    .iter()
                    .map(|d| (d.id as u64, d.body.as_str()))
                    .collect();
                let boilerplate = CopyIndex::learn_boilerplate(&cfg, &pairs);
                *s.copy
                    .write()
                    .map_err(|_| AppError::internal("copy index lock"))? =
                    CopyIndex::new(cfg, boilerplate);
                s.in_copy_index
                    .lock()
                    .map_err(|_| AppError::internal("copy index lock"))?
                    .clear();
                Ok(())
            })
            .await
            .map_err(blocking_error)??;
        }
        let mut paths = PathCache::default();
        let mut after = 0;
        let mut loaded = 0;
        loop {
            let docs = store::documents_after(&mut conn, after, 1000).await?;
            let Some(last) = docs.last() else { break };
            after = last.id;
            loaded += docs.len();
            let indexed = if reindex {
                let mut v = Vec::with_capacity(docs.len());
                for d in &docs {
                    v.push(indexed_doc(d, paths.get(&mut conn, d.issuer_id).await?));
                }
                v
            } else {
                Vec::new()
            };
            let s = self.clone();
            tokio::task::spawn_blocking(move || -> AppResult<()> {
                {
                    let mut copy = s
                        .copy
                        .write()
                        .map_err(|_| AppError::internal("copy index lock"))?;
                    let batch: Vec<(u64, &str)> = docs
                        .iter()
                        .map(|d| (d.id as u64, d.body.as_str()))
                        .collect();
                    copy.insert_batch(&batch);
                }
                if !indexed.is_empty() {
                    s.search.upsert(&indexed).map_err(search_error)?;
                }
                Ok(())
            })
            .await
            .map_err(blocking_error)??;
        }
        Ok(loaded)
    }

    /// Analyses up to `limit` queued documents (oldest first), stores what it found, keeps the
    /// indexes current and re-runs the rules of their regions. Returns how many it analysed.
    pub async fn run_queue(self: &Arc<Self>, db: &Db, limit: i64) -> AppResult<usize> {
        let mut conn = db.reader();
        let queued = store::queued(&mut conn, limit).await?;
        if queued.is_empty() {
            return Ok(0);
        }
        let mut paths = PathCache::default();
        let mut regions: HashMap<i64, rules::Focus> = HashMap::new();
        let (mut results, mut indexed) = (Vec::new(), Vec::new());
        for d in &queued {
            let (matches, _) = self.copies(&mut conn, &d.body, Some(d), None).await?;
            let text = d.body.clone();
            let (burdens, padding) = tokio::task::spawn_blocking(move || {
                (
                    burden::detect(&text, Lexicon::builtin()),
                    padding::padding_share(&text, PaddingLexicon::builtin()),
                )
            })
            .await
            .map_err(blocking_error)?;
            let best = matches
                .iter()
                .filter(|m| m.class.is_some())
                .max_by(|a, b| a.share.total_cmp(&b.share));
            // Demands on the county's departments or on the office itself are no burden on
            // grassroots units: shown, not counted or warned.
            let grassroots: Vec<&Burden> =
                burdens.iter().filter(|b| b.who.is_grassroots()).collect();
            let views: Vec<BurdenView> = burdens.iter().map(BurdenView::from).collect();
            let result = AnalysisRow {
                document_id: d.id,
                analyzed_at: jianfu_core::time::now(),
                padding_share: padding.share,
                // A sentence and its heading are one demand, whatever their kinds.
                burden_count: crate::demands::grassroots_count(&views) as i64,
                report_demands: grassroots.iter().filter(|b| is_report_demand(b)).count() as i64,
                burdens: serde_json::to_string(&views).unwrap_or_else(|_| "[]".into()),
                copy_source_id: best.map(|m| m.document_id),
                copy_share: best.map(|m| m.share),
                copy_class: best.and_then(|m| m.class.clone()),
                copy_matches: serde_json::to_string(&matches).unwrap_or_else(|_| "[]".into()),
            };
            // Later documents of this batch may copy this one.
            let (id, body, s) = (d.id as u64, d.body.clone(), self.clone());
            tokio::task::spawn_blocking(move || -> AppResult<()> {
                let mut copy = s
                    .copy
                    .write()
                    .map_err(|_| AppError::internal("copy index lock"))?;
                copy.insert(id, &body);
                Ok(())
            })
            .await
            .map_err(blocking_error)??;
            indexed.push(indexed_doc(d, paths.get(&mut conn, d.issuer_id).await?));
            results.push((d, result));
            let focus = regions
                .remove(&d.region_id)
                .unwrap_or_else(|| rules::Focus::new("analysis"));
            let focus = focus.touch(d.id, d.issuer_id, None, Some(&d.issued_on));
            regions.insert(d.region_id, focus);
        }
        // Searchable by the time the analysis shows as done.
        let s = self.clone();
        tokio::task::spawn_blocking(move || s.search.upsert(&indexed))
            .await
            .map_err(blocking_error)?
            .map_err(search_error)?;
        // The results and the warnings they raise are stored together.
        let mut tx = db.begin().await?;
        for (d, result) in &results {
            store::save(&mut tx, d.region_id, result, &d.queued_at).await?;
        }
        for (region, focus) in regions {
            // What reading found changes only the facts of the reading rules, for the
            // documents just read.
            let dates = focus.dates.clone();
            warnings::evaluate_after_write(&mut tx, "analysis", region, &dates, Some(focus))
                .await?;
        }
        tx.commit().await?;
        Ok(queued.len())
    }

    /// Runs the queue until it is empty (the demo, commands and tests).
    pub async fn drain(self: &Arc<Self>, db: &Db) -> AppResult<usize> {
        let mut n = 0;
        loop {
            let step = self.run_queue(db, 500).await?;
            if step == 0 {
                return Ok(n);
            }
            n += step;
        }
    }

    /// Earlier documents that `text` copies from, aligned. `own` is the stored document being
    /// analysed (never matched with itself; only earlier documents count); `viewer` limits the
    /// sources to those the user may see.
    /// The earlier documents `text` copies (those before `own`, when it is a stored document),
    /// best first; for a `viewer`, only those it may read are named and the others counted.
    async fn copies(
        self: &Arc<Self>,
        conn: &mut Conn,
        text: &str,
        own: Option<&QueuedDocument>,
        viewer: Option<&Actor>,
    ) -> AppResult<(Vec<CopyMatchView>, usize)> {
        let (s, t) = (self.clone(), text.to_string());
        let candidates: Vec<i64> = tokio::task::spawn_blocking(move || {
            let copy = s.copy.read().ok()?;
            let sig = copy.signature(&t)?;
            Some(
                copy.candidates_for(&sig)
                    .into_iter()
                    .map(|(id, _)| id as i64)
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>(),
            )
        })
        .await
        .map_err(blocking_error)?
        .unwrap_or_default();
        let mut sources = store::documents_by_id(conn, &candidates).await?;
        if let Some(own) = own {
            sources.retain(|s| {
                s.id != own.id && (s.issued_on.as_str(), s.id) < (own.issued_on.as_str(), own.id)
            });
        }
        let mut openable = std::collections::HashSet::new();
        let mut hidden = std::collections::HashSet::new();
        if let Some(actor) = viewer {
            for s in &sources {
                match source_access(conn, actor, s.id, s.issuer_id).await? {
                    SourceAccess::Open => {
                        openable.insert(s.id);
                    }
                    SourceAccess::None => {
                        hidden.insert(s.id);
                    }
                }
            }
        }
        if sources.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let query_meta = match own {
            Some(d) => meta(d),
            None => DocMeta {
                issuer: viewer.map(|a| a.unit_id as u64).unwrap_or(0),
                level_rank: match viewer {
                    Some(a) => viewer_rank(conn, a).await?,
                    None => 4,
                },
                date: jianfu_core::time::today(),
                copies_upper: None,
            },
        };
        let (s, t) = (self.clone(), text.to_string());
        let (mut out, hidden_matches) =
            tokio::task::spawn_blocking(move || -> AppResult<(Vec<CopyMatchView>, usize)> {
                let copy = s
                    .copy
                    .read()
                    .map_err(|_| AppError::internal("copy index lock"))?;
                let min_share = copy.config().min_share;
                let query = PreparedText::new(copy.config(), &t);
                let mut out = Vec::new();
                let mut hidden_matches = 0;
                for src in &sources {
                    let m = copy.compare(src.id as u64, &query, &src.body);
                    let share = m.share_of_query.max(m.share_of_source);
                    if share < min_share {
                        continue;
                    }
                    if hidden.contains(&src.id) {
                        hidden_matches += 1;
                        continue;
                    }
                    out.push(CopyMatchView {
                        document_id: src.id,
                        title: src.title.clone(),
                        issuer_name: src.issuer_name.clone(),
                        issued_on: src.issued_on.clone(),
                        share: f64::from(m.share_of_query),
                        class: classify(&query_meta, &meta(src), share)
                            .map(|c| class_name(c).to_string()),
                        excerpts: m
                            .spans
                            .iter()
                            .map(|sp| SpanText {
                                text: char_slice(&t, sp.a_start, sp.a_end),
                                source_text: char_slice(&src.body, sp.b_start, sp.b_end),
                            })
                            .collect(),
                        spans: m
                            .spans
                            .iter()
                            .map(|sp| SpanView {
                                start: sp.a_start,
                                end: sp.a_end,
                                source_start: sp.b_start,
                                source_end: sp.b_end,
                            })
                            .collect(),
                        openable: openable.contains(&src.id),
                    });
                }
                Ok((out, hidden_matches))
            })
            .await
            .map_err(blocking_error)??;
        out.sort_by(|a, b| {
            b.share
                .total_cmp(&a.share)
                .then(a.document_id.cmp(&b.document_id))
        });
        out.truncate(MAX_MATCHES);
        Ok((out, hidden_matches))
    }

    /// 发文前评估: everything the platform finds in a draft; stores nothing.
    pub async fn assess(
        self: &Arc<Self>,
        db: &Db,
        actor: &Actor,
        text: &str,
        kind: Option<DocKind>,
        single_task: bool,
    ) -> AppResult<Assessment> {
        policy::ensure(actor, crate::permissions::ASSESS)?;
        if text.trim().is_empty() {
            return Err(AppError::invalid("text", "不能为空"));
        }
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(AppError::invalid(
                "text",
                &format!("超过{MAX_TEXT_CHARS}字，请分段评估"),
            ));
        }
        let mut conn = db.reader();
        // Text copied out of a PDF may carry radicals for ideographs (⽂ for 文).
        let text = &*jianfu_text::unify_ideographs(text);
        let t = text.to_string();
        let (elements, mut burdens, padding) = tokio::task::spawn_blocking(move || {
            (
                jianfu_text::parse_elements(&t),
                burden::detect(&t, Lexicon::builtin()),
                padding::padding_share(&t, PaddingLexicon::builtin()),
            )
        })
        .await
        .map_err(blocking_error)?;
        // The title, 发文字号 and 主送机关 demand nothing, whatever words they use.
        if let Some(body) = &elements.body_span {
            burdens.retain(|b| b.end > body.start);
        }
        let body = elements.body.as_deref().unwrap_or(text);
        let char_count = jianfu_text::word_count(body);
        let kind = kind.or(elements.kind);
        let unit = org::get(&mut conn, actor.unit_id).await?;
        let region = unit
            .map(|u| u.region_id.unwrap_or(u.id))
            .unwrap_or(actor.scope_root);
        let settings =
            Settings::from_overrides(&jianfu_store::rules::settings(&mut conn, region).await?);
        let limit_checks = settings
            .on::<LengthParams>(DocRule::Length)
            .map(|p| {
                let (limit, basis) =
                    length_limit(&p, kind.map(|k| k.as_str()).unwrap_or(""), single_task);
                vec![LimitCheck {
                    rule_id: DocRule::Length.id().into(),
                    basis: basis.into(),
                    limit,
                    actual: char_count as i64,
                    exceeded: char_count as i64 > limit,
                }]
            })
            .unwrap_or_default();
        let (copy_matches, hidden_copy_matches) =
            self.copies(&mut conn, text, None, Some(actor)).await?;
        let burdens: Vec<BurdenView> = burdens.iter().map(BurdenView::from).collect();
        Ok(Assessment {
            char_count,
            elements,
            limit_checks,
            grassroots_burdens: crate::demands::grassroots_count(&burdens),
            demands: crate::demands::demands(&burdens, &settings),
            burdens,
            padding_share: padding.share,
            padding_sentences: padding
                .sentences
                .iter()
                .filter(|s| s.class == SentenceClass::Boilerplate)
                .map(|s| PaddingSpan {
                    start: s.start,
                    end: s.end,
                })
                .collect(),
            copy_matches,
            hidden_copy_matches,
            text: text.to_string(),
            ocr_confidence: None,
        })
    }

    /// The stored analysis of a document the actor may see; `None` while it waits in the queue.
    pub async fn of_document(
        &self,
        db: &Db,
        actor: &Actor,
        document_id: i64,
    ) -> AppResult<Option<DocumentAnalysis>> {
        policy::ensure(actor, jianfu_documents::permissions::READ)?;
        let mut conn = db.reader();
        let d = jianfu_documents::store::get_document(&mut conn, document_id)
            .await?
            .ok_or(AppError::NotFound("文件"))?;
        jianfu_domain::burden::ensure_readable(
            &mut conn,
            actor,
            jianfu_documents::model::CHANNEL.name,
            d.id,
            d.issuer_id,
        )
        .await?;
        let Some(a) = store::get(&mut conn, document_id).await? else {
            return Ok(None);
        };
        // Stored for everyone; shown to this viewer as far as it may see the sources.
        let stored: Vec<CopyMatchView> = serde_json::from_str(&a.copy_matches).unwrap_or_default();
        let mut copy_matches = Vec::with_capacity(stored.len());
        for mut m in stored {
            let Some(source) =
                jianfu_documents::store::get_document(&mut conn, m.document_id).await?
            else {
                continue;
            };
            match source_access(&mut conn, actor, source.id, source.issuer_id).await? {
                SourceAccess::Open => m.openable = true,
                SourceAccess::None => continue,
            }
            copy_matches.push(m);
        }
        Ok(Some(DocumentAnalysis {
            analyzed_at: a.analyzed_at,
            padding_share: a.padding_share,
            burdens: serde_json::from_str::<Vec<StoredBurden>>(&a.burdens)
                .unwrap_or_default()
                .into_iter()
                .map(StoredBurden::into_view)
                .collect(),
            report_demands: a.report_demands,
            copy_matches,
        }))
    }

    /// 全文检索 of the documents the actor may see.
    pub async fn search(
        self: &Arc<Self>,
        db: &Db,
        actor: &Actor,
        input: SearchInput,
    ) -> AppResult<SearchPage> {
        policy::ensure(actor, crate::permissions::SEARCH)?;
        let q = jianfu_core::validate::optional_text("q", Some(&input.q), 200)?.unwrap_or_default();
        let per_page = match input.per_page {
            0 => 20,
            n if n > 100 => return Err(AppError::invalid("per_page", "应为1至100之间的整数")),
            n => n,
        };
        let page = jianfu_core::paging::Page::parse(Some(input.page.max(1)), Some(per_page))?;
        let scope_root = policy::records_filter(actor);
        // What was sent to the viewer's unit from outside its scope is found too (以下看上).
        let also_ids = match scope_root {
            Some(_) => {
                let mut conn = db.reader();
                match org::get(&mut conn, actor.unit_id).await? {
                    Some(unit) => {
                        jianfu_store::burden::items_reaching(
                            &mut conn,
                            jianfu_documents::model::CHANNEL.name,
                            unit.id,
                            &unit.level,
                        )
                        .await?
                    }
                    None => Vec::new(),
                }
            }
            None => Vec::new(),
        };
        let query = SearchQuery {
            text: q,
            scope_root,
            also_ids,
            issuer: input.issuer,
            year: input.year,
            carrier: input.carrier.filter(|c| !c.is_empty()),
            kind: input.kind.filter(|k| !k.is_empty()),
            offset: page.offset() as usize,
            limit: per_page as usize,
        };
        let s = self.clone();
        let found = tokio::task::spawn_blocking(move || s.search.search(&query))
            .await
            .map_err(blocking_error)?
            .map_err(search_error)?;
        Ok(SearchPage {
            total: found.total,
            page: page.page,
            per_page,
            hits: found
                .hits
                .into_iter()
                .map(|h| SearchHit {
                    id: h.id,
                    title_html: h.title_html,
                    snippet_html: h.snippet_html,
                })
                .collect(),
        })
    }

    /// Documents in the search index (for status pages and tests).
    pub fn indexed(&self) -> u64 {
        self.search.len()
    }
}

/// The burdens of a stored analysis (JSON of [`BurdenView`]s).
pub(crate) fn stored_burdens(json: &str) -> Vec<BurdenView> {
    serde_json::from_str::<Vec<StoredBurden>>(json)
        .unwrap_or_default()
        .into_iter()
        .map(StoredBurden::into_view)
        .collect()
}

/// A burden as stored (JSON of [`BurdenView`]).
#[derive(Deserialize)]
struct StoredBurden {
    kind: String,
    sentence: String,
    start: usize,
    end: usize,
    cue: String,
    frequency: Option<String>,
    deadline: Option<String>,
    targets: Vec<String>,
    /// Absent in analyses stored before burdens said who must do them.
    #[serde(default)]
    who: Option<String>,
    rule_id: Option<String>,
}

impl StoredBurden {
    fn into_view(self) -> BurdenView {
        let label = self
            .kind
            .parse::<BurdenKind>()
            .map(|k| k.label_zh().to_string())
            .unwrap_or_else(|_| self.kind.clone());
        let who = self
            .who
            .as_deref()
            .and_then(|w| w.parse::<Who>().ok())
            .unwrap_or_else(|| burden::who_of(&self.sentence, Lexicon::builtin()));
        BurdenView {
            kind: self.kind,
            label,
            sentence: self.sentence,
            start: self.start,
            end: self.end,
            cue: self.cue,
            frequency: self.frequency,
            deadline: self.deadline,
            targets: self.targets,
            who: who.as_str().to_string(),
            who_label: who.label_zh().to_string(),
            rule_name: self
                .rule_id
                .as_deref()
                .and_then(rules::rule_name)
                .map(str::to_string),
            rule_id: self.rule_id,
        }
    }
}

/// What a viewer may do with a document found as a copy source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceAccess {
    /// Issued in the viewer's scope, or sent to a unit of it: shown and opened.
    Open,
    /// Neither: counted, not named.
    None,
}

/// What a viewer may see of a source document: the documents issued in its scope, and those
/// that reached its unit (its targets cover it).
async fn source_access(
    conn: &mut Conn,
    actor: &Actor,
    document_id: i64,
    issuer_id: i64,
) -> AppResult<SourceAccess> {
    let channel = jianfu_documents::model::CHANNEL.name;
    Ok(
        match jianfu_domain::burden::readable(conn, actor, channel, document_id, issuer_id).await? {
            true => SourceAccess::Open,
            false => SourceAccess::None,
        },
    )
}

async fn viewer_rank(conn: &mut Conn, actor: &Actor) -> AppResult<u8> {
    let Some(u) = org::get(conn, actor.unit_id).await? else {
        return Ok(4);
    };
    if u.level == "department" {
        if let Some(p) = u.parent_id {
            if let Some(parent) = org::get(conn, p).await? {
                return Ok(level_rank(&parent.level));
            }
        }
    }
    Ok(level_rank(&u.level))
}

fn indexed_doc(d: &QueuedDocument, issuer_path: Vec<i64>) -> IndexedDoc {
    IndexedDoc {
        id: d.id,
        title: d.title.clone(),
        doc_number: d.doc_number.clone().unwrap_or_default(),
        body: d.body.clone(),
        issuer_id: d.issuer_id,
        issuer_name: d.issuer_name.clone(),
        issuer_path,
        year: d
            .issued_on
            .get(0..4)
            .and_then(|y| y.parse().ok())
            .unwrap_or(0),
        carrier: d.carrier.clone(),
        kind: d.kind.clone(),
        issued_on: d.issued_on.clone(),
    }
}

/// The ancestors of issuers, looked up once per issuer.
#[derive(Default)]
struct PathCache(HashMap<i64, Vec<i64>>);

impl PathCache {
    async fn get(&mut self, conn: &mut Conn, unit: i64) -> AppResult<Vec<i64>> {
        if let Some(p) = self.0.get(&unit) {
            return Ok(p.clone());
        }
        let rows: Vec<(i64,)> = conn
            .fetch_all(
                &Q::new("SELECT ancestor_id FROM org_closure WHERE descendant_id = $1").bind(unit),
            )
            .await?;
        let path: Vec<i64> = rows.into_iter().map(|(a,)| a).collect();
        self.0.insert(unit, path.clone());
        Ok(path)
    }
}
