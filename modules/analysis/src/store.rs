//! The analysis queue and the stored results of reading documents (document intelligence).
use jianfu_store::{Conn, StoreError, Q};

/// Queues a document for (re-)analysis; called in the transaction that writes it.
pub async fn enqueue(conn: &mut Conn, document_id: i64, now: &str) -> Result<(), StoreError> {
    conn.execute(
        &Q::new(
            "INSERT INTO analysis_queue (document_id, queued_at) VALUES ($1, $2) \
             ON CONFLICT (document_id) DO UPDATE SET queued_at = excluded.queued_at",
        )
        .bind(document_id)
        .bind(now),
    )
    .await?;
    Ok(())
}

/// A queued document with what its analysis reads.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedDocument {
    pub id: i64,
    pub region_id: i64,
    pub issuer_id: i64,
    pub issuer_level: String,
    pub issuer_parent_level: Option<String>,
    pub issuer_name: String,
    pub title: String,
    pub doc_number: Option<String>,
    pub kind: String,
    pub carrier: String,
    pub issued_on: String,
    pub body: String,
    pub queued_at: String,
}

const DOC_META: &str = "d.id, d.region_id, d.issuer_id, o.level AS issuer_level, p.level AS issuer_parent_level, o.name AS issuer_name, \
     d.title, d.doc_number, d.kind, d.carrier, d.issued_on, d.body";

/// The oldest queued documents.
pub async fn queued(conn: &mut Conn, limit: i64) -> Result<Vec<QueuedDocument>, StoreError> {
    conn.fetch_all(
        &Q::new(format!(
            "SELECT {DOC_META}, q.queued_at FROM analysis_queue q JOIN documents d ON d.id = q.document_id \
             JOIN org_units o ON o.id = d.issuer_id LEFT JOIN org_units p ON p.id = o.parent_id \
             ORDER BY q.queued_at, q.document_id LIMIT $1"
        ))
        .bind(limit),
    )
    .await
}

pub async fn queue_len(conn: &mut Conn) -> Result<i64, StoreError> {
    conn.scalar(&Q::new("SELECT COUNT(*) FROM analysis_queue"))
        .await
}

/// Documents by id with what a comparison needs (the candidates of a copy search).
pub async fn documents_by_id(
    conn: &mut Conn,
    ids: &[i64],
) -> Result<Vec<QueuedDocument>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(format!(
        "SELECT {DOC_META}, '' AS queued_at FROM documents d JOIN org_units o ON o.id = d.issuer_id \
         LEFT JOIN org_units p ON p.id = o.parent_id WHERE d.id IN ("
    ));
    q.push_list(ids.iter().copied());
    q.push(")");
    conn.fetch_all(&q).await
}

/// Documents after `after_id` in id order, for loading the in-memory indexes.
pub async fn documents_after(
    conn: &mut Conn,
    after_id: i64,
    limit: i64,
) -> Result<Vec<QueuedDocument>, StoreError> {
    conn.fetch_all(
        &Q::new(format!(
            "SELECT {DOC_META}, '' AS queued_at FROM documents d JOIN org_units o ON o.id = d.issuer_id \
             LEFT JOIN org_units p ON p.id = o.parent_id WHERE d.id > $1 ORDER BY d.id LIMIT $2"
        ))
        .bind(after_id)
        .bind(limit),
    )
    .await
}

pub async fn document_count(conn: &mut Conn) -> Result<i64, StoreError> {
    conn.scalar(&Q::new("SELECT COUNT(*) FROM documents")).await
}

/// What the analysis of one document found, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AnalysisRow {
    pub document_id: i64,
    pub analyzed_at: String,
    pub padding_share: f64,
    /// JSON array of burdens.
    pub burdens: String,
    pub burden_count: i64,
    pub report_demands: i64,
    pub copy_source_id: Option<i64>,
    pub copy_share: Option<f64>,
    pub copy_class: Option<String>,
    /// JSON array of copy matches.
    pub copy_matches: String,
}

/// Stores a result and takes the document off the queue, unless it was queued again after
/// `queued_at` (written while it was being read: it will be read once more).
pub async fn save(
    conn: &mut Conn,
    region_id: i64,
    a: &AnalysisRow,
    queued_at: &str,
) -> Result<(), StoreError> {
    conn.execute(
        &Q::new("DELETE FROM document_analysis WHERE document_id = $1").bind(a.document_id),
    )
    .await?;
    conn.execute(
        &Q::new(
            "INSERT INTO document_analysis (document_id, region_id, analyzed_at, padding_share, burdens, burden_count, report_demands, \
             copy_source_id, copy_share, copy_class, copy_matches) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(a.document_id)
        .bind(region_id)
        .bind(a.analyzed_at.as_str())
        .bind(a.padding_share)
        .bind(a.burdens.as_str())
        .bind(a.burden_count)
        .bind(a.report_demands)
        .bind(a.copy_source_id)
        .bind(a.copy_share)
        .bind(a.copy_class.as_deref())
        .bind(a.copy_matches.as_str()),
    )
    .await?;
    conn.execute(
        &Q::new("DELETE FROM analysis_queue WHERE document_id = $1 AND queued_at = $2")
            .bind(a.document_id)
            .bind(queued_at),
    )
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, document_id: i64) -> Result<Option<AnalysisRow>, StoreError> {
    conn.fetch_optional(
        &Q::new(
            "SELECT document_id, analyzed_at, padding_share, burdens, burden_count, report_demands, copy_source_id, copy_share, \
             copy_class, copy_matches FROM document_analysis WHERE document_id = $1",
        )
        .bind(document_id),
    )
    .await
}

/// Whether the document waits in the queue.
pub async fn is_queued(conn: &mut Conn, document_id: i64) -> Result<bool, StoreError> {
    Ok(conn
        .scalar(
            &Q::new("SELECT COUNT(*) FROM analysis_queue WHERE document_id = $1").bind(document_id),
        )
        .await?
        > 0)
}

/// What reading found in each of these documents (those read), for the ledger's rows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Summary {
    pub document_id: i64,
    pub burden_count: i64,
    pub copy_share: Option<f64>,
    pub copy_class: Option<String>,
}

pub async fn summaries(conn: &mut Conn, ids: &[i64]) -> Result<Vec<Summary>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(
        "SELECT document_id, burden_count, copy_share, copy_class FROM document_analysis WHERE document_id IN (",
    );
    q.push_list(ids.iter().copied());
    q.push(")");
    conn.fetch_all(&q).await
}

/// The facts the rules of reading check: a region's read documents in a window, with the
/// earlier document each copies most, the demands for implementation reports and every
/// burden found.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReadFact {
    pub id: i64,
    pub issuer_id: i64,
    pub title: String,
    pub issued_on: String,
    pub copy_source_id: Option<i64>,
    pub copy_source_title: Option<String>,
    pub copy_share: Option<f64>,
    pub copy_class: Option<String>,
    pub report_demands: i64,
    /// JSON array of the burdens found.
    pub burdens: String,
    /// The townships and villages the document reaches.
    pub reach: i64,
}

const READ_FACT_COLS: &str = "SELECT d.id, d.issuer_id, d.title, d.issued_on, a.copy_source_id, s.title AS copy_source_title, \
     a.copy_share, a.copy_class, a.report_demands, a.burdens, d.reach \
     FROM documents d JOIN document_analysis a ON a.document_id = d.id LEFT JOIN documents s ON s.id = a.copy_source_id WHERE d.withdrawn_at IS NULL";

pub async fn read_facts(
    conn: &mut Conn,
    region: i64,
    from: &str,
    to: &str,
) -> Result<Vec<ReadFact>, StoreError> {
    conn.fetch_all(
        &Q::new(format!(
            "{READ_FACT_COLS} AND d.region_id = $1 AND d.issued_on >= $2 AND d.issued_on <= $3 ORDER BY d.issued_on, d.id"
        ))
        .bind(region)
        .bind(from)
        .bind(to),
    )
    .await
}

/// The readings of some documents.
pub async fn read_facts_of(conn: &mut Conn, ids: &[i64]) -> Result<Vec<ReadFact>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(format!("{READ_FACT_COLS} AND d.id IN ("));
    q.push_list(ids.iter().copied());
    q.push(") ORDER BY d.issued_on, d.id");
    conn.fetch_all(&q).await
}

/// The region of a document.
pub async fn document_region(conn: &mut Conn, document_id: i64) -> Result<Option<i64>, StoreError> {
    conn.fetch_optional::<(i64,)>(
        &Q::new("SELECT region_id FROM documents WHERE id = $1").bind(document_id),
    )
    .await
    .map(|r| r.map(|(id,)| id))
}
