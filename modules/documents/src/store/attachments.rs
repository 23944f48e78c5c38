//! 附件: the files attached to a document.
use jianfu_store::{Conn, StoreError, Q};

/// An attachment as stored, without its content.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentRow {
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

const COLS: &str = "id, document_id, name, content_type, size, sha256, char_count, created_at";

pub struct NewAttachment<'a> {
    pub region_id: i64,
    pub document_id: i64,
    pub name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub char_count: Option<i64>,
    pub content: Vec<u8>,
    pub created_by: Option<i64>,
}

pub async fn insert(conn: &mut Conn, a: NewAttachment<'_>, now: &str) -> Result<i64, StoreError> {
    let size = a.content.len() as i64;
    let (id,): (i64,) = conn
        .fetch_one(
            &Q::new(
                "INSERT INTO document_attachments (region_id, document_id, name, content_type, size, sha256, char_count, content, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(a.region_id)
            .bind(a.document_id)
            .bind(a.name)
            .bind(a.content_type)
            .bind(size)
            .bind(a.sha256)
            .bind(a.char_count)
            .bind(a.content)
            .bind(a.created_by)
            .bind(now),
        )
        .await?;
    sync_count(conn, a.document_id).await?;
    Ok(id)
}

/// The attachments of one document, in upload order.
pub async fn list(conn: &mut Conn, document_id: i64) -> Result<Vec<AttachmentRow>, StoreError> {
    conn.fetch_all(
        &Q::new(format!(
            "SELECT {COLS} FROM document_attachments WHERE document_id = $1 ORDER BY id"
        ))
        .bind(document_id),
    )
    .await
}

pub async fn get(
    conn: &mut Conn,
    document_id: i64,
    id: i64,
) -> Result<Option<AttachmentRow>, StoreError> {
    conn.fetch_optional(
        &Q::new(format!(
            "SELECT {COLS} FROM document_attachments WHERE document_id = $1 AND id = $2"
        ))
        .bind(document_id)
        .bind(id),
    )
    .await
}

pub async fn content(conn: &mut Conn, id: i64) -> Result<Vec<u8>, StoreError> {
    let (c,): (Vec<u8>,) = conn
        .fetch_one(&Q::new("SELECT content FROM document_attachments WHERE id = $1").bind(id))
        .await?;
    Ok(c)
}

pub async fn delete(conn: &mut Conn, document_id: i64, id: i64) -> Result<u64, StoreError> {
    let n = conn
        .execute(
            &Q::new("DELETE FROM document_attachments WHERE document_id = $1 AND id = $2")
                .bind(document_id)
                .bind(id),
        )
        .await?;
    sync_count(conn, document_id).await?;
    Ok(n)
}

/// Once files are attached, the document's attachment count is the number of files.
async fn sync_count(conn: &mut Conn, document_id: i64) -> Result<(), StoreError> {
    conn.execute(
        &Q::new(
            "UPDATE documents SET attachment_count = (SELECT COUNT(*) FROM document_attachments WHERE document_id = $1) WHERE id = $1",
        )
        .bind(document_id),
    )
    .await?;
    Ok(())
}
