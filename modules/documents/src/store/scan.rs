//! 扫描件识别: whether a document's body was read from a scan by OCR, and how confidently.
use jianfu_store::{Conn, StoreError, Tx, Q};

/// Records the OCR confidence of a document's body (`None`: not read by OCR).
pub async fn set_ocr_confidence(
    tx: &mut Tx,
    document_id: i64,
    confidence: Option<i64>,
) -> Result<(), StoreError> {
    tx.execute(
        &Q::new("UPDATE documents SET ocr_confidence = $1 WHERE id = $2")
            .bind(confidence)
            .bind(document_id),
    )
    .await?;
    Ok(())
}

/// The OCR confidence of a document's body, when OCR read it.
pub async fn ocr_confidence(conn: &mut Conn, document_id: i64) -> Result<Option<i64>, StoreError> {
    let row: Option<(Option<i64>,)> = conn
        .fetch_optional(
            &Q::new("SELECT ocr_confidence FROM documents WHERE id = $1").bind(document_id),
        )
        .await?;
    Ok(row.and_then(|(c,)| c))
}
