//! 发文: the ledger of documents with their GB/T 9704 elements, carrier and reach.
use crate::attachments::Attachment;
use crate::reading;
use crate::store::{self, DocumentRow, NewDocument};
use axum::body::Bytes;
use chrono::NaiveDate;
use jianfu_core::validate::{optional_text, required_text};
use jianfu_core::{Actor, AppError, AppResult, Page, Paged};
use jianfu_domain::approvals::{self, Kind};
use jianfu_domain::burden::{self, Channel, PlanFields};
use jianfu_domain::policy;
pub use jianfu_domain::targets::Written;
use jianfu_domain::targets::{
    self, parse_date, Filing, ItemChange, ItemInput, ListItems, Target, Touched, Withdrawal,
    Withdrawn,
};
use jianfu_store::burden::LedgerItem;
use jianfu_store::{Db, Tx};
use jianfu_text::DocKind;
use serde::{Deserialize, Serialize};

/// The documents channel of the burden ledger: a unit receives, counted in characters.
pub const CHANNEL: Channel = Channel {
    name: "documents",
    noun: "文件",
    entity: "document",
    received: "收文",
    count_unit: "件",
    measure_unit: "字",
    color: "#b3261e",
    plan: Some(PlanFields {
        planned: "planned_documents",
        planned_label: "计划发文（件）",
        quota: "document_quota",
        quota_label: "发文总量上限",
    }),
    approvals: &[Kind::Plan, Kind::OutOfPlan, Kind::HeadSignoff],
};

/// 载体: formal documents and the informal carriers that dodge the count (文件"改头换面").
/// Its stored and API spelling is the snake_case name; its label is Chinese.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
    strum::EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Carrier {
    /// 正式文件（红头）
    #[strum(message = "正式文件")]
    Formal,
    /// 白头文件
    #[strum(message = "白头文件")]
    WhiteHeader,
    /// 便函
    #[strum(message = "便函")]
    Letter,
    /// 便笺
    #[strum(message = "便笺")]
    Memo,
    /// OA 通知
    #[strum(message = "OA通知")]
    Oa,
}

impl Carrier {
    /// Every carrier, formal first.
    pub fn all() -> impl Iterator<Item = Carrier> {
        <Carrier as strum::IntoEnumIterator>::iter()
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        strum::EnumMessage::get_message(&self).unwrap_or_default()
    }

    pub fn is_informal(self) -> bool {
        self != Carrier::Formal
    }
}

/// Input of `POST /api/v1/documents` and `PUT /api/v1/documents/{id}`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    /// 发文机关
    pub issuer_id: i64,
    /// 发文字号, e.g. 示政办发〔2025〕12号
    #[serde(default)]
    pub doc_number: Option<String>,
    /// 标题
    pub title: String,
    /// 文种: one of the 15 lawful kinds, e.g. 通知
    #[schema(value_type = String, example = "通知")]
    pub kind: DocKind,
    pub carrier: Carrier,
    /// 成文日期
    #[schema(value_type = String, example = "2025-03-05")]
    pub issued_on: NaiveDate,
    /// 主送机关 as written
    #[serde(default)]
    pub main_recipients: Option<String>,
    /// 抄送机关 as written
    #[serde(default)]
    pub cc_recipients: Option<String>,
    /// Units or whole levels the document reaches.
    pub targets: Vec<Target>,
    /// A document about a single task (≤ 4,000 characters).
    #[serde(default)]
    pub single_task: bool,
    /// Forwards an upper-level document (转发).
    #[serde(default)]
    pub forwards_upper: bool,
    /// 发文字号 of the forwarded upper document.
    #[serde(default)]
    pub upper_doc_number: Option<String>,
    /// Goes to schools or hospitals.
    #[serde(default)]
    pub to_schools_hospitals: bool,
    /// The approvals the document cites (审批记录: 年度计划立项 or 计划外事项审批, 主要负责同志签发),
    /// granted to its issuer; one of each kind at most.
    #[serde(default)]
    pub approval_ids: Vec<i64>,
    /// What a paper ledger records of plan and sign-off for an imported row (none through the API).
    #[serde(skip)]
    pub ledger: Option<LedgerFlags>,
    /// Body text without attachments; its length is counted the way Word's 字数 does.
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub attachment_count: i64,
    /// The recorded 字数 when no body is given (ledger imports); ignored when there is a body.
    #[serde(default)]
    pub char_count: Option<i64>,
}

/// The plan and sign-off of a document as an imported ledger (发文台账) records them: the platform
/// did not see them given, so no approval record stands behind them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerFlags {
    pub in_plan: bool,
    pub head_signed: bool,
}

pub const MAX_BODY_CHARS: usize = 200_000;

pub async fn list(
    db: &Db,
    actor: &Actor,
    f: ListItems,
    page: Page,
) -> AppResult<Paged<ListedDocument>> {
    let mut conn = db.reader();
    let withdrawn = f.withdrawn;
    let filter = f.scoped(&mut conn, actor).await?;
    let (docs, total) =
        store::list_documents(&mut conn, &filter, withdrawn, page.limit(), page.offset()).await?;
    let mut read = match reading::reader() {
        Some(r) => {
            let ids: Vec<i64> = docs.iter().map(|d| d.id).collect();
            (r.summaries)(&mut conn, &ids).await?
        }
        None => Default::default(),
    };
    let items = docs
        .into_iter()
        .map(|document| {
            let found = read.remove(&document.id);
            ListedDocument {
                burden_count: found.as_ref().map(|f| f.burden_count),
                copy_share: found.as_ref().and_then(|f| f.copy_share),
                copy_class: found.as_ref().and_then(|f| f.copy_class.clone()),
                reading: found.map_or_else(|| "待审读".into(), |f| f.note),
                document: document.into(),
            }
        })
        .collect();
    Ok(Paged::new(items, total, page))
}

/// A document as the API and pages show it (without its body).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Document {
    pub id: i64,
    pub region_id: i64,
    pub issuer_id: i64,
    pub issuer_name: String,
    pub doc_number: Option<String>,
    pub title: String,
    /// 文种, e.g. 通知
    pub kind: String,
    /// formal|white_header|letter|memo|oa
    pub carrier: String,
    pub issued_on: String,
    pub main_recipients: Option<String>,
    pub cc_recipients: Option<String>,
    pub single_task: bool,
    pub forwards_upper: bool,
    pub upper_doc_number: Option<String>,
    pub to_schools_hospitals: bool,
    pub head_signed: bool,
    pub in_plan: bool,
    pub char_count: i64,
    pub attachment_count: i64,
    /// Townships and villages reached.
    pub reach: i64,
    /// 作废: when it was withdrawn (it no longer counts), by whom, why.
    pub withdrawn: Option<Withdrawn>,
}

impl From<DocumentRow> for Document {
    fn from(r: DocumentRow) -> Document {
        Document {
            id: r.id,
            region_id: r.region_id,
            issuer_id: r.issuer_id,
            issuer_name: r.issuer_name,
            doc_number: r.doc_number,
            title: r.title,
            kind: r.kind,
            carrier: r.carrier,
            issued_on: r.issued_on,
            main_recipients: r.main_recipients,
            cc_recipients: r.cc_recipients,
            single_task: r.single_task,
            forwards_upper: r.forwards_upper,
            upper_doc_number: r.upper_doc_number,
            to_schools_hospitals: r.to_schools_hospitals,
            head_signed: r.head_signed,
            in_plan: r.in_plan,
            char_count: r.char_count,
            attachment_count: r.attachment_count,
            reach: r.reach,
            withdrawn: Withdrawn::of(r.withdrawn_at, r.withdrawn_by, r.withdrawn_reason),
        }
    }
}

/// A row of the document ledger: the document and what reading its text found (all `None`
/// until it has been read; see [`reading`]).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ListedDocument {
    #[serde(flatten)]
    pub document: Document,
    /// Demands on grassroots units found in the text.
    pub burden_count: Option<i64>,
    /// Share of the text copied from the earlier document it copies most, 0..1.
    pub copy_share: Option<f64>,
    /// copied_from_upper|reissued|forwarded, when the copy has a known kind.
    pub copy_class: Option<String>,
    /// The 审读 cell of the ledger page.
    #[serde(skip)]
    pub reading: String,
}

/// A document with its body and targets, as its page shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentDetail {
    #[serde(flatten)]
    pub document: Document,
    pub body: String,
    pub targets: Vec<Target>,
    /// Files attached (附件), without their content.
    pub attachments: Vec<Attachment>,
    /// The approvals it cites (审批记录).
    pub approvals: Vec<approvals::Approval>,
}

pub async fn get(db: &Db, actor: &Actor, id: i64) -> AppResult<DocumentDetail> {
    policy::ensure(actor, crate::permissions::READ)?;
    let mut conn = db.reader();
    let document = store::get_document(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound("文件"))?;
    burden::ensure_readable(&mut conn, actor, CHANNEL.name, id, document.issuer_id).await?;
    let body = store::document_body(&mut conn, id).await?;
    let targets = targets::of_item(&mut conn, CHANNEL.name, id).await?;
    let attachments = crate::store::attachments::list(&mut conn, id)
        .await?
        .into_iter()
        .map(Attachment::from)
        .collect();
    let approvals = approvals::of_item(&mut conn, CHANNEL.name, id).await?;
    Ok(DocumentDetail {
        document: document.into(),
        body,
        targets,
        attachments,
        approvals,
    })
}

/// Records a new document (or replaces one) and re-evaluates the rules it touches, in one
/// transaction: the warning is there as soon as the document is.
pub async fn save(
    db: &Db,
    actor: &Actor,
    id: Option<i64>,
    input: DocumentInput,
) -> AppResult<DocumentDetail> {
    targets::save(db, actor, id, input).await
}

impl ItemInput for DocumentInput {
    const CHANNEL: &'static str = CHANNEL.name;
    type Detail = DocumentDetail;

    async fn write(self, tx: &mut Tx, actor: &Actor, id: Option<i64>) -> AppResult<Written> {
        write(tx, actor, id, self).await
    }

    async fn detail(db: &Db, actor: &Actor, id: i64) -> AppResult<DocumentDetail> {
        get(db, actor, id).await
    }
}

/// Validates and stores a document with its targets and audit entry, without evaluating
/// rules (the demo seed writes many, then evaluates once).
pub async fn write(
    tx: &mut Tx,
    actor: &Actor,
    id: Option<i64>,
    input: DocumentInput,
) -> AppResult<Written> {
    policy::ensure(actor, crate::permissions::FILE)?;
    // Text pasted from a PDF may carry radicals for ideographs (⽂ for 文).
    let title = required_text("title", &jianfu_text::unify_ideographs(&input.title), 200)?;
    let body = jianfu_text::unify_ideographs(&input.body);
    let doc_number = optional_text("doc_number", input.doc_number.as_deref(), 60)?;
    // One number, one spelling: the rules group forwards by it.
    let upper_doc_number =
        optional_text("upper_doc_number", input.upper_doc_number.as_deref(), 60)?
            .map(|n| n.chars().filter(|c| !c.is_whitespace()).collect::<String>());
    let main_recipients = optional_text("main_recipients", input.main_recipients.as_deref(), 500)?;
    let cc_recipients = optional_text("cc_recipients", input.cc_recipients.as_deref(), 500)?;
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(AppError::invalid(
            "body",
            &format!("不能超过{MAX_BODY_CHARS}字"),
        ));
    }
    if !(0..=1000).contains(&input.attachment_count) {
        return Err(AppError::invalid(
            "attachment_count",
            "应为0至1000之间的整数",
        ));
    }
    if input.forwards_upper && upper_doc_number.is_none() {
        return Err(AppError::invalid(
            "upper_doc_number",
            "不能为空：转发上级文件时须填写上级文件的发文字号",
        ));
    }
    let issued_on = parse_date("issued_on", input.issued_on)?;
    let before = match id {
        Some(id) => Some(
            store::get_document(tx, id)
                .await?
                .map(Document::from)
                .ok_or(AppError::NotFound("文件"))?,
        ),
        None => None,
    };
    if before.as_ref().is_some_and(|d| d.withdrawn.is_some()) {
        return Err(AppError::conflict(
            "document_id",
            "该文件已作废，不能修改；如需登记，请重新登记一份",
        ));
    }
    let old_issuer = before.as_ref().map(|d| d.issuer_id);
    let Filing {
        issuer,
        region_id,
        rows,
        reach,
    } = targets::filing(
        tx,
        actor,
        "issuer_id",
        old_issuer,
        input.issuer_id,
        &input.targets,
    )
    .await?;
    let granted = approvals::check_cited(
        tx,
        &CHANNEL,
        id,
        input.issuer_id,
        issued_on,
        &input.approval_ids,
    )
    .await?;
    let (in_plan, head_signed) = match input.ledger {
        Some(l) => (l.in_plan, l.head_signed),
        None => (
            granted.has(Kind::Plan) || granted.has(Kind::OutOfPlan),
            granted.has(Kind::HeadSignoff),
        ),
    };
    let char_count = match input.char_count {
        Some(n) if body.trim().is_empty() => {
            if !(0..=1_000_000).contains(&n) {
                return Err(AppError::invalid("char_count", "应为0至1000000之间的整数"));
            }
            n
        }
        _ => jianfu_text::body_word_count(&body) as i64,
    };
    let issued = issued_on.to_string();
    let new = NewDocument {
        region_id,
        issuer_id: input.issuer_id,
        doc_number: doc_number.as_deref(),
        title: &title,
        kind: input.kind.as_str(),
        carrier: input.carrier.as_str(),
        issued_on: &issued,
        main_recipients: main_recipients.as_deref(),
        cc_recipients: cc_recipients.as_deref(),
        single_task: input.single_task,
        forwards_upper: input.forwards_upper,
        upper_doc_number: upper_doc_number.as_deref(),
        to_schools_hospitals: input.to_schools_hospitals,
        head_signed,
        in_plan,
        body: &body,
        char_count,
        attachment_count: input.attachment_count,
        reach,
        created_by: (!actor.is_system()).then_some(actor.user_id),
    };
    let now = jianfu_core::time::now();
    let id = match id {
        Some(id) => {
            store::replace_document(tx, id, &new, &now).await?;
            id
        }
        None => store::insert_document(tx, &new, &now).await?,
    };
    approvals::cite(tx, CHANNEL.name, id, &input.approval_ids).await?;
    // Read (burden demands, padding, copies) by the reader of texts, if one runs.
    if let Some(r) = reading::reader() {
        (r.written)(tx, id, &now).await?;
    }
    let item = LedgerItem {
        channel: "documents",
        item_id: id,
        region_id,
        issuer_id: input.issuer_id,
        on_date: &issued,
        measure: char_count,
        reach,
    };
    let after = store::get_document(tx, id)
        .await?
        .map(Document::from)
        .ok_or(AppError::NotFound("文件"))?;
    let summary = format!(
        "{}文件《{}》（{}）",
        if before.is_some() { "修改" } else { "登记" },
        title,
        issuer.name
    );
    let change = ItemChange {
        entity: "document",
        before: before.as_ref(),
        after: &after,
        old: before.as_ref().map(|b| Touched {
            unit: b.issuer_id,
            date: &b.issued_on,
            group: crate::rules::forward_group(b.forwards_upper, b.upper_doc_number.as_deref()),
        }),
        group: crate::rules::forward_group(input.forwards_upper, upper_doc_number.as_deref()),
        summary,
    };
    targets::store_reach_and_audit(tx, actor, &item, &rows, change).await
}

/// 作废: withdraws a document with a reason. Its issuer's filer or the office may; it leaves every
/// count and rule (its warnings resolve themselves) and stays readable, marked, with its history.
pub async fn withdraw(db: &Db, actor: &Actor, id: i64, reason: &str) -> AppResult<DocumentDetail> {
    policy::ensure(actor, crate::permissions::FILE)?;
    let reason = targets::withdraw_reason(reason)?;
    let mut tx = db.begin().await?;
    let d = store::get_document(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("文件"))?;
    policy::ensure_issuer(&mut tx, actor, d.issuer_id, "document_id").await?;
    if d.withdrawn_at.is_some() {
        return Err(AppError::conflict("document_id", "该文件已作废"));
    }
    let by = targets::withdrawer(actor);
    let now = jianfu_core::time::now();
    store::withdraw_document(&mut tx, id, &by, &reason, &now).await?;
    targets::withdraw(
        &mut tx,
        actor,
        Withdrawal {
            channel: CHANNEL.name,
            entity: "document",
            item_id: id,
            region_id: d.region_id,
            issuer_id: d.issuer_id,
            on_date: &d.issued_on,
            group: crate::rules::forward_group(d.forwards_upper, d.upper_doc_number.as_deref()),
            reason: &reason,
            summary: format!("作废文件《{}》（{}）：{reason}", d.title, d.issuer_name),
        },
    )
    .await?;
    // Read again: the rules on what reading found drop it as they re-run.
    if let Some(r) = reading::reader() {
        (r.written)(&mut tx, id, &now).await?;
    }
    tx.commit().await?;
    get(db, actor, id).await
}

/// The text of an uploaded .docx, .doc, .wps, .pdf, .ofd or .txt, and of a scan (an image-only
/// PDF, a .png or .jpg) by OCR, with OCR's mean word confidence (0–100) when OCR read it; read by
/// the bounded parser (a worker process under memory and CPU limits, killed at its deadline; see
/// `jianfu_parse`). A file that cannot be read, goes past a bound or holds no text gets a Chinese
/// 422 naming `file`; a full parsing queue is a 503.
pub async fn read_text(
    parser: &jianfu_parse::Parser,
    file_name: &str,
    bytes: Bytes,
) -> AppResult<(String, Option<u8>)> {
    let read = parser.read(file_name, bytes).await?;
    if read.text.trim().is_empty() {
        return Err(AppError::Validation {
            code: "empty_document",
            message: "文件中没有可读取的文字".into(),
            field: Some("file".into()),
        });
    }
    Ok((read.text, read.ocr.map(|o| o.confidence)))
}

/// What an uploaded document fills in on the form: the GB/T 9704 elements found in it.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Prefill {
    pub title: Option<String>,
    pub doc_number: Option<String>,
    /// 文种, e.g. 通知
    pub kind: Option<String>,
    pub issued_on: Option<String>,
    pub main_recipients: Option<String>,
    /// Body without attachments.
    pub body: String,
    pub attachment_count: usize,
    /// Word's 字数 of the body.
    pub char_count: usize,
    /// Set when the text was read from a scan by OCR: the mean confidence of its words, 0–100.
    /// The filer must check such a text before it is stored (see [`crate::scan`]).
    pub ocr_confidence: Option<u8>,
}

/// Reads an uploaded .docx, .doc, .wps, .pdf, .ofd or .txt (UTF-8/GBK/GB18030), or a scan (an
/// image-only PDF, a .png or .jpg) by OCR, and finds its elements. Stores nothing; a file it
/// cannot read gets a Chinese error naming `file`.
pub async fn read_upload(
    parser: &jianfu_parse::Parser,
    file_name: &str,
    bytes: Bytes,
) -> AppResult<Prefill> {
    let (text, ocr_confidence) = read_text(parser, file_name, bytes).await?;
    let el = jianfu_text::parse_elements(&text);
    let body = el.body.clone().unwrap_or_else(|| text.clone());
    Ok(Prefill {
        char_count: jianfu_text::word_count(&body),
        title: el.title.clone(),
        doc_number: el.doc_number.as_ref().map(|n| n.text.clone()),
        kind: el.kind.map(|k| k.as_str().to_string()),
        issued_on: el.date.map(|d| d.to_string()),
        main_recipients: el.recipients.clone(),
        attachment_count: el.attachment_names.len(),
        body,
        ocr_confidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carrier_names_and_labels_are_stable() {
        let got: Vec<_> = Carrier::all().map(|c| (c.as_str(), c.label())).collect();
        assert_eq!(
            got,
            [
                ("formal", "正式文件"),
                ("white_header", "白头文件"),
                ("letter", "便函"),
                ("memo", "便笺"),
                ("oa", "OA通知"),
            ]
        );
        for c in Carrier::all() {
            assert_eq!(c.as_str().parse::<Carrier>(), Ok(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert!("便函".parse::<Carrier>().is_err());
        assert!("whiteHeader".parse::<Carrier>().is_err());
    }
}
