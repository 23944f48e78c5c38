//! 负担台账, 发文台账, 会议台账, 年度计划: the ledger pages.
use super::{render, Chrome};
use crate::auth::{Identity, PageUser};
use crate::error::PageError;
use crate::extract::{empty_as_none, parse_query, IdPath};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveDateTime};
use jianfu_core::{Actor, AppError, AppResult, Level, Page, Role};
use jianfu_domain::analysis::copy_class_label;
use jianfu_domain::documents::{self, Carrier, DocumentInput, ListedDocument};
use jianfu_domain::meetings::{self, MeetingInput, MeetingKind};
use jianfu_domain::org::{self, ListUnits};
use jianfu_domain::policy::{can, Action};
use jianfu_domain::rules::Severity;
use jianfu_domain::targets::{ListItems, Target};
use jianfu_domain::warnings::{self, ListWarnings};
use jianfu_domain::Db;
use serde::Deserialize;

fn today() -> NaiveDate {
    jianfu_core::time::today()
}

#[derive(Deserialize, Default)]
pub(super) struct PeriodQuery {
    #[serde(default, deserialize_with = "empty_as_none")]
    pub(super) unit: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub(super) from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub(super) to: Option<NaiveDate>,
    #[serde(default)]
    pub(super) q: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub(super) page: Option<u32>,
}

pub struct ItemRow {
    pub id: i64,
    pub title: String,
    pub who: String,
    pub date: String,
    pub detail: String,
    pub reach: i64,
    /// What reading the document found (documents only): demands and copying.
    pub reading: Option<String>,
}

/// The 审读 cell of a document row: demands on grassroots units and the largest copy.
fn reading_note(d: &ListedDocument) -> String {
    let Some(burdens) = d.burden_count else {
        return "待审读".into();
    };
    let mut note = if burdens > 0 {
        format!("负担事项{burdens}项")
    } else {
        "未见负担事项".into()
    };
    if let Some(share) = d.copy_share.filter(|s| *s >= 0.3) {
        note.push_str(&format!(
            " · {}{:.0}%",
            copy_class_label(d.copy_class.as_deref()),
            share * 100.0
        ));
    }
    note
}

#[derive(Template)]
#[template(path = "items.html")]
struct ItemsPage {
    chrome: Chrome,
    base: &'static str,
    noun: &'static str,
    measure_word: &'static str,
    headers: &'static [&'static str],
    rows: Vec<ItemRow>,
    total: i64,
    page: i64,
    pages: i64,
    q: String,
    from: String,
    to: String,
    can_file: bool,
}

fn carrier_label(c: &str) -> &'static str {
    c.parse::<Carrier>().map(Carrier::label).unwrap_or("")
}

fn kind_label(k: &str) -> &'static str {
    k.parse::<MeetingKind>()
        .map(MeetingKind::label)
        .unwrap_or("")
}

pub async fn documents_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: PeriodQuery = parse_query(uri.query().unwrap_or(""))?;
    let page = Page::parse(q.page, Some(50))?;
    let f = ListItems {
        issuer: None,
        from: q.from,
        to: q.to,
        q: q.q.clone(),
    };
    let found = documents::list(&s.db, &id.actor, f, page).await?;
    render(&ItemsPage {
        chrome: Chrome::new(&id, "/documents", "发文台账"),
        base: "/documents",
        noun: "文件",
        measure_word: "件",
        headers: &[
            "标题",
            "发文机关",
            "成文日期",
            "文种 · 载体 · 字数",
            "覆盖乡镇、村",
            "审读",
        ],
        total: found.total,
        page: i64::from(found.page),
        pages: found.pages().max(1),
        rows: found
            .items
            .into_iter()
            .map(|listed| {
                let reading = Some(reading_note(&listed));
                let d = listed.document;
                ItemRow {
                    id: d.id,
                    detail: format!(
                        "{} · {} · {}字",
                        d.kind,
                        carrier_label(&d.carrier),
                        d.char_count
                    ),
                    title: d.title,
                    who: d.issuer_name,
                    date: d.issued_on,
                    reach: d.reach,
                    reading,
                }
            })
            .collect(),
        q: q.q.unwrap_or_default(),
        from: q.from.map(|d| d.to_string()).unwrap_or_default(),
        to: q.to.map(|d| d.to_string()).unwrap_or_default(),
        can_file: can(&id.actor, Action::FileItems),
    })
}

pub async fn meetings_page(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: PeriodQuery = parse_query(uri.query().unwrap_or(""))?;
    let page = Page::parse(q.page, Some(50))?;
    let f = ListItems {
        issuer: None,
        from: q.from,
        to: q.to,
        q: q.q.clone(),
    };
    let found = meetings::list(&s.db, &id.actor, f, page).await?;
    render(&ItemsPage {
        chrome: Chrome::new(&id, "/meetings", "会议台账"),
        base: "/meetings",
        noun: "会议",
        measure_word: "次",
        headers: &[
            "会议名称",
            "主办单位",
            "日期",
            "类型 · 时长",
            "覆盖乡镇、村",
        ],
        total: found.total,
        page: i64::from(found.page),
        pages: found.pages().max(1),
        rows: found
            .items
            .into_iter()
            .map(|m| ItemRow {
                id: m.id,
                detail: format!(
                    "{} · {}分钟",
                    kind_label(&m.kind),
                    m.actual_minutes.unwrap_or(m.planned_minutes)
                ),
                title: m.title,
                who: m.organizer_name,
                date: m.starts_at.replace('T', " "),
                reach: m.reach,
                reading: None,
            })
            .collect(),
        q: q.q.unwrap_or_default(),
        from: q.from.map(|d| d.to_string()).unwrap_or_default(),
        to: q.to.map(|d| d.to_string()).unwrap_or_default(),
        can_file: can(&id.actor, Action::FileItems),
    })
}

#[derive(Template)]
#[template(path = "item.html")]
struct ItemPage {
    chrome: Chrome,
    base: &'static str,
    list_title: &'static str,
    title: String,
    saved: bool,
    facts: Vec<(&'static str, String)>,
    body: String,
    /// (severity, label, warning id, subject)
    warnings: Vec<(String, &'static str, i64, String)>,
    /// Documents only: their attachments.
    attachments: Option<AttachmentsPanel>,
    /// Documents only: what reading the text found.
    analysis: Option<AnalysisPanel>,
}

/// The 文件分析 panel of a document's page.
pub struct AnalysisPanel {
    /// Still in the analysis queue.
    pub pending: bool,
    /// (kind in Chinese, sentence)
    pub burdens: Vec<(String, String)>,
    pub padding_percent: i64,
    pub matches: Vec<super::analysis::MatchRow>,
}

/// The 附件 panel of a document's page.
pub struct AttachmentsPanel {
    pub document_id: i64,
    /// (attachment id, name, size and 字数 as text)
    pub rows: Vec<(i64, String, String)>,
    pub can_attach: bool,
    pub error: Option<String>,
}

/// Live warnings whose records include this item.
async fn item_warnings(
    db: &Db,
    actor: &Actor,
    unit: i64,
    channel: &str,
    item: i64,
) -> Result<Vec<(String, &'static str, i64, String)>, PageError> {
    let f = ListWarnings {
        unit: Some(unit),
        status: Some("open".into()),
        ..Default::default()
    };
    let found = warnings::list(
        db,
        actor,
        f,
        Page {
            page: 1,
            per_page: 200,
        },
    )
    .await?;
    Ok(found
        .items
        .into_iter()
        .filter(|w| {
            w.records
                .iter()
                .any(|r| r.channel == channel && r.id == item)
        })
        .map(|w| {
            let label = if w.severity == "violation" {
                Severity::Violation.label()
            } else {
                Severity::Warning.label()
            };
            (w.severity, label, w.id, w.subject)
        })
        .collect())
}

fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.to_string()
}

async fn targets_text(db: &Db, actor: &Actor, targets: &[Target]) -> String {
    let mut parts = Vec::new();
    for t in targets {
        let name = org::get(db, actor, t.unit_id)
            .await
            .map(|u| u.name)
            .unwrap_or_else(|_| format!("单位{}", t.unit_id));
        parts.push(match t.level {
            Some(l) => format!("{name}所属各{}", l.label()),
            None => name,
        });
    }
    parts.join("、")
}

pub async fn document_detail(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(doc): IdPath,
    uri: Uri,
) -> Result<Response, PageError> {
    let saved = uri.query().is_some_and(|q| q.contains("saved=1"));
    document_page(&s, &id, doc, saved, None).await
}

/// A document's page; `attach_error` is shown in its 附件 panel (and answered as 422).
pub async fn document_page(
    s: &AppState,
    id: &Identity,
    doc: i64,
    saved: bool,
    attach_error: Option<String>,
) -> Result<Response, PageError> {
    let d = documents::get(&s.db, &id.actor, doc).await?;
    let x = &d.document;
    let facts = vec![
        ("发文机关", x.issuer_name.clone()),
        (
            "发文字号",
            x.doc_number.clone().unwrap_or_else(|| "（无）".into()),
        ),
        ("文种", x.kind.clone()),
        ("载体", carrier_label(&x.carrier).to_string()),
        ("成文日期", x.issued_on.clone()),
        ("主送机关", x.main_recipients.clone().unwrap_or_default()),
        ("发至", targets_text(&s.db, &id.actor, &d.targets).await),
        ("覆盖乡镇、村", format!("{}个", x.reach)),
        (
            "正文字数",
            format!(
                "{}字（不含附件，附件{}件）",
                x.char_count, x.attachment_count
            ),
        ),
        ("专项工作文件", yes_no(x.single_task)),
        (
            "转发上级文件",
            x.upper_doc_number
                .clone()
                .map(|n| format!("是（{n}）"))
                .unwrap_or_else(|| "否".into()),
        ),
        ("发往学校、医院", yes_no(x.to_schools_hospitals)),
        ("主要负责同志签批", yes_no(x.head_signed)),
        ("列入年度计划", yes_no(x.in_plan)),
    ];
    let status = if attach_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let attachments = AttachmentsPanel {
        document_id: x.id,
        rows: d
            .attachments
            .iter()
            .map(|a| {
                let size = if a.size >= 1024 * 1024 {
                    format!("{:.1}MB", a.size as f64 / 1024.0 / 1024.0)
                } else {
                    format!("{}KB", (a.size + 1023) / 1024)
                };
                let chars = a.char_count.map(|n| format!("，{n}字")).unwrap_or_default();
                (a.id, a.name.clone(), format!("{size}{chars}"))
            })
            .collect(),
        can_attach: can(&id.actor, Action::FileItems),
        error: attach_error,
    };
    let page = ItemPage {
        chrome: Chrome::new(id, "/documents", x.title.clone()),
        base: "/documents",
        list_title: "发文台账",
        title: x.title.clone(),
        saved,
        warnings: item_warnings(&s.db, &id.actor, x.issuer_id, "documents", x.id).await?,
        facts,
        body: d.body.clone(),
        attachments: Some(attachments),
        analysis: Some(match s.intel.of_document(&s.db, &id.actor, doc).await? {
            Some(a) => AnalysisPanel {
                pending: false,
                burdens: a
                    .burdens
                    .iter()
                    .map(|b| (b.label.clone(), b.sentence.clone()))
                    .collect(),
                padding_percent: (a.padding_share * 100.0).round() as i64,
                matches: super::analysis::match_rows(&a.copy_matches),
            },
            None => AnalysisPanel {
                pending: true,
                burdens: Vec::new(),
                padding_percent: 0,
                matches: Vec::new(),
            },
        }),
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn meeting_detail(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(mid): IdPath,
    uri: Uri,
) -> Result<Response, PageError> {
    let d = meetings::get(&s.db, &id.actor, mid).await?;
    let m = &d.meeting;
    let opt = |v: Option<i64>, unit: &str| {
        v.map(|n| format!("{n}{unit}"))
            .unwrap_or_else(|| "—".into())
    };
    let facts = vec![
        ("主办单位", m.organizer_name.clone()),
        ("议题", m.topic.clone()),
        ("类型", kind_label(&m.kind).to_string()),
        ("时间", m.starts_at.replace('T', " ")),
        ("计划时长", format!("{}分钟", m.planned_minutes)),
        ("实际时长", opt(m.actual_minutes, "分钟")),
        (
            "开到哪一级",
            m.reach_level
                .parse::<Level>()
                .map(Level::label)
                .unwrap_or("")
                .to_string(),
        ),
        ("参会单位", targets_text(&s.db, &id.actor, &d.targets).await),
        ("参会人数", format!("{}人", m.attendee_count)),
        ("领导讲话", opt(m.leader_speech_minutes, "分钟")),
        ("交流发言", format!("{}人", m.exchange_speeches)),
        (
            "要求一把手参会",
            format!(
                "{}{}",
                yes_no(m.heads_required),
                if m.heads_required && m.heads_approved {
                    "（已批准）"
                } else {
                    ""
                }
            ),
        ),
        (
            "列入年度计划",
            format!(
                "{}{}",
                yes_no(m.in_plan),
                if !m.in_plan && m.approved {
                    "（已审批）"
                } else {
                    ""
                }
            ),
        ),
    ];
    render(&ItemPage {
        chrome: Chrome::new(&id, "/meetings", m.title.clone()),
        base: "/meetings",
        list_title: "会议台账",
        title: m.title.clone(),
        saved: uri.query().is_some_and(|q| q.contains("saved=1")),
        warnings: item_warnings(&s.db, &id.actor, m.organizer_id, "meetings", m.id).await?,
        facts,
        body: String::new(),
        attachments: None,
        analysis: None,
    })
}

/// A submitted form as pairs, so that repeated fields (targets) and values can be shown again.
#[derive(Default)]
pub struct FormPairs {
    pairs: Vec<(String, String)>,
    pub posted: bool,
}

impl FormPairs {
    pub(super) fn from_pairs(pairs: Vec<(String, String)>) -> FormPairs {
        FormPairs {
            pairs,
            posted: false,
        }
    }

    /// Sets a field, replacing what was there.
    pub(super) fn set(&mut self, k: &str, v: &str) {
        self.pairs.retain(|(key, _)| key != k);
        self.pairs.push((k.to_string(), v.to_string()));
    }

    pub(super) fn parse(body: &[u8]) -> FormPairs {
        FormPairs {
            pairs: form_urlencoded::parse(body).into_owned().collect(),
            posted: true,
        }
    }

    pub fn get(&self, k: &str) -> &str {
        self.pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn flag(&self, k: &str) -> bool {
        !self.get(k).is_empty()
    }

    fn all(&self, k: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub(super) fn int(&self, k: &str) -> Result<Option<i64>, AppError> {
        match self.get(k).trim() {
            "" => Ok(None),
            v => v
                .parse()
                .map(Some)
                .map_err(|_| AppError::invalid(k, "应为整数")),
        }
    }

    pub(super) fn required_int(&self, k: &str) -> Result<i64, AppError> {
        self.int(k)?.ok_or_else(|| AppError::invalid(k, "不能为空"))
    }

    fn text(&self, k: &str) -> Option<String> {
        Some(self.get(k).trim().to_string()).filter(|v| !v.is_empty())
    }

    fn targets(&self) -> Result<Vec<Target>, AppError> {
        self.all("target")
            .into_iter()
            .map(|t| {
                let (unit, level) = t.split_once(':').unwrap_or((t, ""));
                let unit_id = unit
                    .parse()
                    .map_err(|_| AppError::invalid("targets", "取值无效"))?;
                let level = if level.is_empty() {
                    None
                } else {
                    Some(
                        level
                            .parse()
                            .map_err(|_| AppError::invalid("targets", "取值无效"))?,
                    )
                };
                Ok(Target { unit_id, level })
            })
            .collect()
    }
}

/// Units the actor may file for: a filer or grassroots account its own unit, the office the
/// government of its scope and the departments under it.
async fn filing_units(db: &Db, actor: &Actor) -> Result<Vec<(i64, String)>, PageError> {
    if matches!(actor.role, Role::Filer | Role::Grassroots) {
        return Ok(vec![(actor.unit_id, actor.unit_name.clone())]);
    }
    let root = org::scope_root(db, actor).await?;
    let f = ListUnits {
        parent: Some(root.id),
        level: Some(Level::Department),
        ..Default::default()
    };
    let depts = org::list(
        db,
        actor,
        f,
        Page {
            page: 1,
            per_page: 200,
        },
    )
    .await?;
    let mut out = vec![(root.id, root.name)];
    out.extend(depts.items.into_iter().map(|u| (u.id, u.name)));
    Ok(out)
}

/// Target choices: whole levels under the actor's scope, then each unit one level down.
async fn target_options(db: &Db, actor: &Actor) -> Result<Vec<(String, String)>, PageError> {
    let root = org::scope_root(db, actor).await?;
    let level: Option<Level> = root.level.parse().ok();
    let mut out = Vec::new();
    for l in [Level::Township, Level::Village, Level::Department] {
        if level.is_some_and(|r| {
            r.rank()
                .zip(l.rank())
                .map(|(a, b)| b > a)
                .unwrap_or(r.rank().is_some_and(|a| a < 5))
        }) {
            out.push((
                format!("{}:{}", root.id, l.as_str()),
                format!("{}所属各{}", root.name, l.label()),
            ));
        }
    }
    out.extend(
        super::burden::children(db, actor, root.id)
            .await?
            .into_iter()
            .filter(|u| u.level != "department")
            .map(|u| (format!("{}:", u.id), u.name)),
    );
    if out.is_empty() {
        out.push((format!("{}:", root.id), root.name));
    }
    Ok(out)
}

fn mark<T: ToString + Clone>(opts: Vec<(T, String)>, chosen: &[&str]) -> Vec<(T, String, bool)> {
    opts.into_iter()
        .map(|(v, l)| (v.clone(), l, chosen.contains(&v.to_string().as_str())))
        .collect()
}

#[derive(Template)]
#[template(path = "document_form.html")]
struct DocumentForm {
    chrome: Chrome,
    form: FormPairs,
    issuers: Vec<(i64, String, bool)>,
    targets: Vec<(String, String, bool)>,
    kinds: Vec<(&'static str, bool)>,
    carriers: Vec<(&'static str, &'static str, bool)>,
    error: Option<String>,
    notice: Option<String>,
}

pub(super) const DOC_KINDS: [&str; 15] = [
    "通知",
    "通报",
    "意见",
    "决定",
    "报告",
    "请示",
    "批复",
    "函",
    "纪要",
    "决议",
    "命令（令）",
    "公报",
    "公告",
    "通告",
    "议案",
];

async fn document_form(
    s: &AppState,
    id: &Identity,
    form: FormPairs,
    error: Option<String>,
) -> Result<Response, PageError> {
    document_form_with(s, id, form, error, None).await
}

async fn document_form_with(
    s: &AppState,
    id: &Identity,
    form: FormPairs,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let issuers = filing_units(&s.db, &id.actor).await?;
    let targets = target_options(&s.db, &id.actor).await?;
    let issuer_chosen = [form.get("issuer_id")];
    let chosen = form.all("target");
    let page = DocumentForm {
        chrome: Chrome::new(id, "/documents", "登记文件"),
        issuers: mark(issuers, &issuer_chosen),
        targets: mark(targets, &chosen),
        kinds: DOC_KINDS
            .iter()
            .map(|k| (*k, form.get("kind") == *k))
            .collect(),
        carriers: Carrier::ALL
            .iter()
            .map(|c| (c.as_str(), c.label(), form.get("carrier") == c.as_str()))
            .collect(),
        form,
        error,
        notice,
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}

/// Reads an uploaded document and shows the form filled with what was found in it.
pub async fn upload_document(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    jianfu_domain::policy::ensure(&id.actor, Action::FileItems)?;
    let file = crate::extract::file_field(&mut multipart).await?;
    let Some((name, bytes)) = file else {
        return document_form(
            &s,
            &id,
            FormPairs::default(),
            Some(AppError::invalid("file", "不能为空").to_string()),
        )
        .await;
    };
    match documents::read_upload(&name, &bytes) {
        Ok(p) => {
            let mut pairs = vec![(
                "issued_on".to_string(),
                p.issued_on.clone().unwrap_or_else(|| today().to_string()),
            )];
            for (k, v) in [
                ("title", &p.title),
                ("doc_number", &p.doc_number),
                ("kind", &p.kind),
                ("main_recipients", &p.main_recipients),
            ] {
                if let Some(v) = v {
                    pairs.push((k.to_string(), v.clone()));
                }
            }
            pairs.push(("body".into(), p.body.clone()));
            pairs.push(("attachment_count".into(), p.attachment_count.to_string()));
            let notice = format!(
                "已从“{name}”读取：正文{}字，请核对后选择发送范围并登记。",
                p.char_count
            );
            document_form_with(
                &s,
                &id,
                FormPairs {
                    pairs,
                    posted: false,
                },
                None,
                Some(notice),
            )
            .await
        }
        Err(e) if e.status() == 422 => {
            document_form(&s, &id, FormPairs::default(), Some(e.to_string())).await
        }
        Err(e) => Err(PageError(e)),
    }
}

pub async fn new_document(
    State(s): State<AppState>,
    PageUser(id): PageUser,
) -> Result<Response, PageError> {
    jianfu_domain::policy::ensure(&id.actor, Action::FileItems)?;
    let form = FormPairs {
        pairs: vec![("issued_on".into(), today().to_string())],
        posted: false,
    };
    document_form(&s, &id, form, None).await
}

fn parse_document(f: &FormPairs) -> Result<DocumentInput, AppError> {
    Ok(DocumentInput {
        issuer_id: f.required_int("issuer_id")?,
        doc_number: f.text("doc_number"),
        title: f.get("title").to_string(),
        kind: f
            .get("kind")
            .parse()
            .map_err(|_| AppError::invalid("kind", "取值无效"))?,
        carrier: f
            .get("carrier")
            .parse()
            .map_err(|_| AppError::invalid("carrier", "取值无效"))?,
        issued_on: f
            .get("issued_on")
            .parse()
            .map_err(|_| AppError::invalid("issued_on", "格式不正确"))?,
        main_recipients: f.text("main_recipients"),
        cc_recipients: None,
        targets: f.targets()?,
        single_task: f.flag("single_task"),
        forwards_upper: f.flag("forwards_upper"),
        upper_doc_number: f.text("upper_doc_number"),
        to_schools_hospitals: f.flag("to_schools_hospitals"),
        head_signed: f.flag("head_signed"),
        in_plan: f.flag("in_plan"),
        body: f.get("body").replace("\r\n", "\n"),
        attachment_count: f.int("attachment_count")?.unwrap_or(0),
        char_count: None,
    })
}

pub async fn create_document(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = FormPairs::parse(&body);
    let result = match parse_document(&form) {
        Ok(input) => documents::save(&s.db, &id.actor, None, input)
            .await
            .map(|d| d.document.id),
        Err(e) => Err(e),
    };
    match submitted("/documents", result)? {
        Ok(saved) => Ok(saved),
        Err(message) => document_form(&s, &id, form, Some(message)).await,
    }
}

/// Where a submitted ledger form goes: to the saved item's page, or (for an error that names a
/// field the filer can correct) back to the form with the message; other errors are pages.
fn submitted(base: &str, result: AppResult<i64>) -> Result<Result<Response, String>, PageError> {
    match result {
        Ok(id) => Ok(Ok(
            Redirect::to(&format!("{base}/{id}?saved=1")).into_response()
        )),
        Err(e) if matches!(e.status(), 403 | 409 | 422) && e.field().is_some() => {
            Ok(Err(e.to_string()))
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Template)]
#[template(path = "meeting_form.html")]
struct MeetingForm {
    chrome: Chrome,
    form: FormPairs,
    issuers: Vec<(i64, String, bool)>,
    targets: Vec<(String, String, bool)>,
    kinds: Vec<(&'static str, &'static str, bool)>,
    levels: Vec<(&'static str, &'static str, bool)>,
    error: Option<String>,
}

async fn meeting_form(
    s: &AppState,
    id: &Identity,
    form: FormPairs,
    error: Option<String>,
) -> Result<Response, PageError> {
    let issuers = filing_units(&s.db, &id.actor).await?;
    let targets = target_options(&s.db, &id.actor).await?;
    let issuer_chosen = [form.get("organizer_id")];
    let chosen = form.all("target");
    let page = MeetingForm {
        chrome: Chrome::new(id, "/meetings", "登记会议"),
        issuers: mark(issuers, &issuer_chosen),
        targets: mark(targets, &chosen),
        kinds: MeetingKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label(), form.get("kind") == k.as_str()))
            .collect(),
        levels: [
            Level::County,
            Level::Department,
            Level::Township,
            Level::Village,
        ]
        .iter()
        .map(|l| (l.as_str(), l.label(), form.get("reach_level") == l.as_str()))
        .collect(),
        form,
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn new_meeting(
    State(s): State<AppState>,
    PageUser(id): PageUser,
) -> Result<Response, PageError> {
    jianfu_domain::policy::ensure(&id.actor, Action::FileItems)?;
    let form = FormPairs {
        pairs: vec![
            ("planned_minutes".into(), "60".into()),
            ("reach_level".into(), "township".into()),
        ],
        posted: false,
    };
    meeting_form(&s, &id, form, None).await
}

fn parse_meeting(f: &FormPairs) -> Result<MeetingInput, AppError> {
    let starts_at = NaiveDateTime::parse_from_str(f.get("starts_at"), "%Y-%m-%dT%H:%M")
        .map_err(|_| AppError::invalid("starts_at", "格式不正确"))?;
    Ok(MeetingInput {
        organizer_id: f.required_int("organizer_id")?,
        title: f.get("title").to_string(),
        topic: f.text("topic"),
        kind: f
            .get("kind")
            .parse()
            .map_err(|_| AppError::invalid("kind", "取值无效"))?,
        starts_at,
        planned_minutes: f.required_int("planned_minutes")?,
        actual_minutes: None,
        reach_level: f
            .get("reach_level")
            .parse()
            .map_err(|_| AppError::invalid("reach_level", "取值无效"))?,
        targets: f.targets()?,
        attendee_count: f.int("attendee_count")?.unwrap_or(0),
        heads_required: f.flag("heads_required"),
        heads_approved: f.flag("heads_approved"),
        reach_approved: f.flag("reach_approved"),
        leader_speech_minutes: f.int("leader_speech_minutes")?,
        exchange_speeches: f.int("exchange_speeches")?.unwrap_or(0),
        exchange_speech_minutes: None,
        in_plan: f.flag("in_plan"),
        approved: f.flag("approved"),
        relays_meeting_id: None,
    })
}

pub async fn create_meeting(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = FormPairs::parse(&body);
    let result = match parse_meeting(&form) {
        Ok(input) => meetings::save(&s.db, &id.actor, None, input)
            .await
            .map(|m| m.meeting.id),
        Err(e) => Err(e),
    };
    match submitted("/meetings", result)? {
        Ok(saved) => Ok(saved),
        Err(message) => meeting_form(&s, &id, form, Some(message)).await,
    }
}

#[derive(Template)]
#[template(path = "import_report.html")]
struct ImportPage {
    chrome: Chrome,
    report: Option<jianfu_domain::ledger_import::ImportReport>,
    error: Option<String>,
}

/// The Excel template of the 发文台账.
pub async fn ledger_template(PageUser(id): PageUser) -> Result<Response, PageError> {
    jianfu_domain::policy::ensure(&id.actor, Action::FileItems)?;
    let bytes = jianfu_domain::ledger_import::template()?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"fawen-taizhang.xlsx\"; filename*=UTF-8''%E5%8F%91%E6%96%87%E5%8F%B0%E8%B4%A6%E6%A8%A1%E6%9D%BF.xlsx"),
        ],
        bytes,
    )
        .into_response())
}

/// Imports an uploaded 发文台账 and reports row by row.
pub async fn import_ledger(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    jianfu_domain::policy::ensure(&id.actor, Action::FileItems)?;
    let bytes = crate::extract::file_field(&mut multipart)
        .await?
        .map(|(_, b)| b);
    let chrome = Chrome::new(&id, "/documents", "导入发文台账");
    let (report, error) = match bytes {
        None => (
            None,
            Some(AppError::invalid("file", "不能为空").to_string()),
        ),
        Some(b) => match jianfu_domain::ledger_import::import(&s.db, &id.actor, &b).await {
            Ok(r) => (Some(r), None),
            Err(e) if e.status() == 422 => (None, Some(e.to_string())),
            Err(e) => return Err(PageError(e)),
        },
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        render(&ImportPage {
            chrome,
            report,
            error,
        })?,
    )
        .into_response())
}
