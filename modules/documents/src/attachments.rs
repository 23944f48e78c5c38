//! 附件: files attached to a document. They are kept with the document and served back as
//! downloads; their text never counts toward the document's length (2024 art. 2).
use crate::store as ledger_store;
use crate::store::attachments::AttachmentRow;
use crate::store::attachments::{self as store, NewAttachment};
use axum::body::Bytes;
use jianfu_core::{Actor, AppError, AppResult};
use jianfu_domain::audit::{self, Change};
use jianfu_domain::policy;
use jianfu_store::Db;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// An attachment as the API and pages show it, without its content.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub document_id: i64,
    /// File name as uploaded.
    pub name: String,
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    pub sha256: String,
    /// Word's 字数 of the attachment's text, when it could be read.
    pub char_count: Option<i64>,
    pub created_at: String,
}

impl From<AttachmentRow> for Attachment {
    fn from(r: AttachmentRow) -> Attachment {
        Attachment {
            id: r.id,
            document_id: r.document_id,
            name: r.name,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
            char_count: r.char_count,
            created_at: r.created_at,
        }
    }
}

/// Largest attachment: 20 MB.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// Most attachments one document may carry.
pub const MAX_PER_DOCUMENT: usize = 50;

/// File kinds an office attaches to a document, with the type they are served as.
const KINDS: &[(&str, &str)] = &[
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("doc", "application/msword"),
    ("wps", "application/vnd.ms-works"),
    ("pdf", "application/pdf"),
    ("ofd", "application/ofd"),
    ("txt", "text/plain"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("xls", "application/vnd.ms-excel"),
    ("et", "application/vnd.ms-excel"),
    ("csv", "text/csv"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("zip", "application/zip"),
];

/// The formats accepted, for messages.
pub fn accepted_formats() -> String {
    KINDS
        .iter()
        .map(|(ext, _)| format!(".{ext}"))
        .collect::<Vec<_>>()
        .join("、")
}

/// The name as it will be stored: the last path component, without control characters.
fn clean_name(raw: &str) -> AppResult<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = last
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(120)
        .collect();
    if name.is_empty() {
        return Err(AppError::invalid("file", "缺少文件名"));
    }
    Ok(name)
}

fn content_type_of(name: &str) -> AppResult<&'static str> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    KINDS
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            AppError::invalid(
                "file",
                &format!("格式不支持，附件可为：{}", accepted_formats()),
            )
        })
}

/// The document, when the actor may read it (issued in its scope, or sent to it).
async fn readable_document(
    conn: &mut jianfu_store::Conn,
    actor: &Actor,
    document_id: i64,
) -> AppResult<ledger_store::DocumentRow> {
    let d = ledger_store::get_document(conn, document_id)
        .await?
        .ok_or(AppError::NotFound("文件"))?;
    jianfu_domain::burden::ensure_readable(
        conn,
        actor,
        crate::model::CHANNEL.name,
        d.id,
        d.issuer_id,
    )
    .await?;
    Ok(d)
}

pub async fn list(db: &Db, actor: &Actor, document_id: i64) -> AppResult<Vec<Attachment>> {
    policy::ensure(actor, crate::permissions::READ)?;
    let mut conn = db.reader();
    readable_document(&mut conn, actor, document_id).await?;
    Ok(store::list(&mut conn, document_id)
        .await?
        .into_iter()
        .map(Attachment::from)
        .collect())
}

/// Whether the actor may attach files to this document (a document of its own unit, or of its
/// region for the office). The upload handlers ask before they read the body, so a caller
/// refused gets its 403 at once; [`add`] asks again in its transaction.
pub async fn may_attach(db: &Db, actor: &Actor, document_id: i64) -> AppResult<()> {
    policy::ensure(actor, crate::permissions::FILE)?;
    let mut conn = db.reader();
    let doc = ledger_store::get_document(&mut conn, document_id)
        .await?
        .ok_or(AppError::NotFound("文件"))?;
    policy::ensure_issuer(&mut conn, actor, doc.issuer_id, "document_id").await
}

/// Formats whose text may be read for the attachment's 字数; the others are kept unread.
const READABLE: &[&str] = &["docx", "doc", "wps", "pdf", "ofd", "txt", "csv"];

/// Attaches a file to a document of the actor's own unit (or region, for the office).
pub async fn add(
    db: &Db,
    parser: &jianfu_parse::Parser,
    actor: &Actor,
    document_id: i64,
    file_name: &str,
    bytes: Bytes,
) -> AppResult<Attachment> {
    policy::ensure(actor, crate::permissions::FILE)?;
    let name = clean_name(file_name)?;
    let content_type = content_type_of(&name)?;
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "是空文件"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(AppError::invalid("file", "超过20MB"));
    }
    // The attachment's own 字数, when its text can be read: a file that cannot be read is
    // still kept, one past a bound of the parser (too large inside, too complex, too slow) is
    // refused, and a full parsing queue is a 503.
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let char_count = if READABLE.contains(&ext.as_str()) {
        match parser.text(&name, bytes.clone()).await {
            Ok(text) => Some(jianfu_text::word_count(&text) as i64),
            Err(e) if e.over_limit() => return Err(e.into()),
            Err(_) => None,
        }
    } else {
        None
    };
    let bytes = Vec::from(bytes);
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let mut tx = db.begin().await?;
    let doc = ledger_store::get_document(&mut tx, document_id)
        .await?
        .ok_or(AppError::NotFound("文件"))?;
    policy::ensure_issuer(&mut tx, actor, doc.issuer_id, "document_id").await?;
    if store::list(&mut tx, document_id).await?.len() >= MAX_PER_DOCUMENT {
        return Err(AppError::invalid(
            "file",
            &format!("一份文件最多{MAX_PER_DOCUMENT}个附件"),
        ));
    }
    let now = jianfu_core::time::now();
    let size = bytes.len();
    let id = store::insert(
        &mut tx,
        NewAttachment {
            region_id: doc.region_id,
            document_id,
            name: &name,
            content_type,
            sha256: &sha256,
            char_count,
            content: bytes,
            created_by: (!actor.is_system()).then_some(actor.user_id),
        },
        &now,
    )
    .await?;
    let after = store::get(&mut tx, document_id, id)
        .await?
        .map(Attachment::from)
        .ok_or(AppError::NotFound("附件"))?;
    audit::record(
        &mut tx,
        actor,
        Change {
            action: "document.attach",
            entity: "document",
            entity_id: document_id.to_string(),
            region_id: Some(doc.region_id),
            before: None,
            after: Some(&audit::json(&after)?),
            summary: format!("为文件《{}》上传附件“{}”（{}字节）", doc.title, name, size),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The attachment and its bytes, for download.
pub async fn download(
    db: &Db,
    actor: &Actor,
    document_id: i64,
    id: i64,
) -> AppResult<(Attachment, Vec<u8>)> {
    policy::ensure(actor, crate::permissions::READ)?;
    let mut conn = db.reader();
    readable_document(&mut conn, actor, document_id).await?;
    let a = store::get(&mut conn, document_id, id)
        .await?
        .map(Attachment::from)
        .ok_or(AppError::NotFound("附件"))?;
    let bytes = store::content(&mut conn, a.id).await?;
    Ok((a, bytes))
}

pub async fn remove(db: &Db, actor: &Actor, document_id: i64, id: i64) -> AppResult<()> {
    policy::ensure(actor, crate::permissions::FILE)?;
    let mut tx = db.begin().await?;
    let doc = ledger_store::get_document(&mut tx, document_id)
        .await?
        .ok_or(AppError::NotFound("文件"))?;
    policy::ensure_issuer(&mut tx, actor, doc.issuer_id, "document_id").await?;
    let a = store::get(&mut tx, document_id, id)
        .await?
        .map(Attachment::from)
        .ok_or(AppError::NotFound("附件"))?;
    store::delete(&mut tx, document_id, id).await?;
    audit::record(
        &mut tx,
        actor,
        Change {
            action: "document.detach",
            entity: "document",
            entity_id: document_id.to_string(),
            region_id: Some(doc.region_id),
            before: Some(&audit::json(&a)?),
            after: None,
            summary: format!("删除文件《{}》的附件“{}”", doc.title, a.name),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(
            clean_name("C:\\Users\\x\\附件1.docx").unwrap(),
            "附件1.docx"
        );
        assert_eq!(clean_name("../../etc/附件\u{0}2.pdf").unwrap(), "附件2.pdf");
        assert!(clean_name("  ").is_err());
        assert!(clean_name("a/").is_err());
    }

    #[test]
    fn only_office_formats_are_accepted() {
        assert_eq!(content_type_of("统计表.XLSX").unwrap(), KINDS[6].1);
        let e = content_type_of("run.exe").unwrap_err().to_string();
        assert!(e.contains(".docx"), "{e}");
        assert!(content_type_of("无扩展名").is_err());
    }
}
