//! 发文前评估 and 全文检索 pages, and the analysis panel of a document's page.
use crate::demands::DemandView;
use crate::model::{
    parse_kind, read_text, Assessment, CopyMatchView, PaddingSpan, SearchInput, SearchPage,
};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use jianfu_core::AppError;
use jianfu_documents::model::Carrier;
use jianfu_documents::ui::DOC_KINDS;
use jianfu_web::auth::{Identity, PageUser};
use jianfu_web::error::PageError;
use jianfu_web::extract::{empty_as_none, parse_query};
use jianfu_web::ui::{render, Chrome};
use jianfu_web::AppState;
use serde::Deserialize;

/// A run of the assessed text with how it is marked.
pub struct Segment {
    pub text: String,
    /// "" | "burden" | "cue" | "padding": a demanding sentence, the words that made it, a
    /// boilerplate sentence.
    pub class: &'static str,
    /// The demand's kinds and severity, for a marked run.
    pub title: String,
    /// The demand's severity (violation | warning), "" when it breaks no rule.
    pub severity: &'static str,
}

/// The text cut into runs: demands on grassroots units marked over boilerplate sentences, and
/// in each demand the words that made it.
pub fn segments(text: &str, demands: &[DemandView], padding: &[PaddingSpan]) -> Vec<Segment> {
    let chars: Vec<char> = text.chars().collect();
    // 0 none, 1 padding, 2 demand, 3 cue; the demand of each marked character.
    let mut mark = vec![0u8; chars.len()];
    let mut of: Vec<Option<usize>> = vec![None; chars.len()];
    for p in padding {
        for m in mark.iter_mut().take(p.end.min(chars.len())).skip(p.start) {
            *m = 1;
        }
    }
    for (n, d) in demands.iter().enumerate().filter(|(_, d)| d.grassroots) {
        let end = d.end.min(chars.len());
        for i in d.start.min(end)..end {
            mark[i] = 2;
            of[i] = Some(n);
        }
        for c in &d.cues {
            let end = c.end.min(chars.len());
            for m in mark.iter_mut().take(end).skip(c.start.min(end)) {
                *m = 3;
            }
        }
    }
    let title = |d: &DemandView| {
        let mut t = d.labels.join("、");
        t.push_str(" · ");
        t.push_str(d.severity_label());
        t
    };
    let mut out: Vec<Segment> = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        let class = match mark[i] {
            3 => "cue",
            2 => "burden",
            1 => "padding",
            _ => "",
        };
        let demand = of[i].and_then(|n| demands.get(n)).filter(|_| mark[i] >= 2);
        let (t, severity) = match demand {
            Some(d) => (
                title(d),
                match d.severity.as_deref() {
                    Some("violation") => "violation",
                    Some("warning") => "warning",
                    _ => "",
                },
            ),
            None => (String::new(), ""),
        };
        match out.last_mut() {
            Some(s) if s.class == class && s.title == t => s.text.push(*c),
            _ => out.push(Segment {
                text: c.to_string(),
                class,
                title: t,
                severity,
            }),
        }
    }
    out
}

/// The draft as the user gave it: its kind, its text (pasted, or read from the uploaded file),
/// whether it is a single-task document.
#[derive(Default)]
struct AssessForm {
    kind: String,
    text: String,
    single_task: bool,
}

#[derive(Template)]
#[template(path = "analysis.html")]
struct AnalysisPage {
    chrome: Chrome,
    form: AssessForm,
    kinds: Vec<(&'static str, bool)>,
    error: Option<String>,
    result: Option<AssessmentView>,
}

struct AssessmentView {
    a: Assessment,
    segments: Vec<Segment>,
    padding_percent: i64,
    matches: Vec<MatchRow>,
}

fn percent(share: f64) -> i64 {
    (share * 100.0).round() as i64
}

async fn page(
    id: &Identity,
    form: AssessForm,
    error: Option<String>,
    result: Option<Assessment>,
) -> Result<Response, PageError> {
    let kind = form.kind.clone();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = AnalysisPage {
        chrome: Chrome::new(id, "/analysis", "发文前评估"),
        kinds: DOC_KINDS.iter().map(|k| (*k, *k == kind)).collect(),
        form,
        error,
        result: result.map(|a| AssessmentView {
            segments: segments(&a.text, &a.demands, &a.padding_sentences),
            padding_percent: percent(a.padding_share),
            matches: match_rows(&a.copy_matches),
            a,
        }),
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn analysis_page(PageUser(id): PageUser) -> Result<Response, PageError> {
    let form = AssessForm {
        kind: "通知".into(),
        ..AssessForm::default()
    };
    page(&id, form, None, None).await
}

/// `POST /analysis`: a pasted text, or an uploaded file (multipart).
pub async fn analysis_submit(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    // Refused before the body (perhaps a 20 MB file) is read.
    jianfu_domain::policy::ensure(&id.actor, crate::permissions::ASSESS)?;
    let mut form = AssessForm::default();
    let mut file = None;
    let broken = || AppError::invalid("file", "上传不完整或超过20MB，请重新选择文件");
    while let Some(field) = multipart.next_field().await.map_err(|_| broken())? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(|_| broken())?;
            if !bytes.is_empty() {
                file = Some((file_name, bytes));
            }
        } else {
            let v = field.text().await.map_err(|_| broken())?;
            match name.as_str() {
                "kind" => form.kind = v,
                "text" => form.text = v,
                "single_task" => form.single_task = !v.is_empty(),
                _ => {}
            }
        }
    }
    let outcome = async {
        let (text, ocr) = match file {
            Some((name, bytes)) => {
                let (text, ocr) = read_text(&s.parser, &name, bytes).await?;
                form.text.clone_from(&text);
                (text, ocr)
            }
            None => (form.text.clone(), None),
        };
        let kind = parse_kind(Some(&form.kind))?;
        let mut a = crate::intelligence(&s)?
            .assess(&s.db, &id.actor, &text, kind, form.single_task)
            .await?;
        a.ocr_confidence = ocr;
        Ok::<_, AppError>(a)
    }
    .await;
    match outcome {
        Ok(a) => page(&id, form, None, Some(a)).await,
        Err(e) if matches!(e.status(), 400 | 422) => {
            page(&id, form, Some(e.to_string()), None).await
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPageView {
    chrome: Chrome,
    q: String,
    year: String,
    kinds: Vec<(&'static str, bool)>,
    carriers: Vec<(&'static str, &'static str, bool)>,
    found: Option<SearchPage>,
    pages: u32,
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    year: Option<i32>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    carrier: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<u32>,
}

pub async fn search_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: SearchQuery = parse_query(uri.query().unwrap_or(""))?;
    let kind = q.kind.clone().unwrap_or_default();
    let carrier = q.carrier.clone().unwrap_or_default();
    let text = q.q.clone().unwrap_or_default();
    let searching =
        !text.trim().is_empty() || q.year.is_some() || !kind.is_empty() || !carrier.is_empty();
    let found = if searching {
        Some(
            crate::intelligence(&s)?
                .search(
                    &s.db,
                    &id.actor,
                    SearchInput {
                        q: text.clone(),
                        issuer: None,
                        year: q.year,
                        carrier: Some(carrier.clone()),
                        kind: Some(kind.clone()),
                        page: q.page.unwrap_or(1),
                        per_page: 20,
                    },
                )
                .await?,
        )
    } else {
        None
    };
    let pages = found
        .as_ref()
        .map(|f| f.total.div_ceil(20).max(1) as u32)
        .unwrap_or(0);
    render(&SearchPageView {
        chrome: Chrome::new(&id, "/search", "全文检索"),
        q: text,
        year: q.year.map(|y| y.to_string()).unwrap_or_default(),
        kinds: DOC_KINDS.iter().map(|k| (*k, *k == kind)).collect(),
        carriers: Carrier::all()
            .map(|c| (c.as_str(), c.label(), c.as_str() == carrier))
            .collect(),
        found,
        pages,
    })
}

/// A copy match as the pages show it.
pub struct MatchRow {
    pub document_id: i64,
    /// Whether the viewer may open the other document's page.
    pub openable: bool,
    pub title: String,
    /// Issuer and date.
    pub meta: String,
    pub class: &'static str,
    pub percent: i64,
    /// Copied passages: (this text, the other document), at most five.
    pub pairs: Vec<(String, String)>,
}

pub fn match_rows(matches: &[CopyMatchView]) -> Vec<MatchRow> {
    matches
        .iter()
        .map(|m| MatchRow {
            document_id: m.document_id,
            openable: m.openable,
            title: m.title.clone(),
            meta: format!("{} · {}", m.issuer_name, m.issued_on),
            class: m.class_label(),
            percent: percent(m.share),
            pairs: m
                .excerpts
                .iter()
                .take(5)
                .map(|e| (e.text.clone(), e.source_text.clone()))
                .collect(),
        })
        .collect()
}
