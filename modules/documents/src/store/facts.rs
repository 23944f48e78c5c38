//! The facts the rules of documents read: a region's documents in a window, and its yearly
//! counts per issuer.
use jianfu_store::rules::YearCount;
use jianfu_store::{Conn, StoreError, Q};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocFact {
    pub id: i64,
    pub issuer_id: i64,
    pub issuer_name: String,
    pub title: String,
    pub kind: String,
    pub carrier: String,
    pub issued_on: String,
    pub char_count: i64,
    pub single_task: bool,
    pub to_schools_hospitals: bool,
    pub head_signed: bool,
    pub forwards_upper: bool,
    pub upper_doc_number: Option<String>,
}

const FACT_COLS: &str = "SELECT d.id, d.issuer_id, o.name AS issuer_name, d.title, d.kind, d.carrier, d.issued_on, \
     d.char_count, d.single_task, d.to_schools_hospitals, d.head_signed, d.forwards_upper, d.upper_doc_number \
     FROM documents d JOIN org_units o ON o.id = d.issuer_id WHERE d.withdrawn_at IS NULL";

/// A region's documents issued in `[from, to]`.
pub async fn documents(
    conn: &mut Conn,
    region: i64,
    from: &str,
    to: &str,
) -> Result<Vec<DocFact>, StoreError> {
    conn.fetch_all(
        &Q::new(format!(
            "{FACT_COLS} AND d.region_id = $1 AND d.issued_on >= $2 AND d.issued_on <= $3 ORDER BY d.issued_on, d.id"
        ))
        .bind(region)
        .bind(from)
        .bind(to),
    )
    .await
}

/// Some documents by id.
pub async fn documents_by_id(conn: &mut Conn, ids: &[i64]) -> Result<Vec<DocFact>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(format!("{FACT_COLS} AND d.id IN ("));
    q.push_list(ids.iter().copied());
    q.push(") ORDER BY d.issued_on, d.id");
    conn.fetch_all(&q).await
}

/// A region's documents in `[from, to]` that forward one of these upper documents.
pub async fn forwarding(
    conn: &mut Conn,
    region: i64,
    numbers: &[String],
    from: &str,
    to: &str,
) -> Result<Vec<DocFact>, StoreError> {
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(format!(
        "{FACT_COLS} AND d.region_id = $1 AND d.upper_doc_number IN ("
    ))
    .bind(region);
    q.push_list(numbers.iter().map(String::as_str));
    let (a, b) = (q.arg(from), q.arg(to));
    q.push(&format!(
        ") AND d.forwards_upper AND d.issued_on >= {a} AND d.issued_on <= {b} ORDER BY d.issued_on, d.id"
    ));
    conn.fetch_all(&q).await
}

/// Documents per issuer and year in a region; only these issuers' when given.
pub async fn document_year_counts(
    conn: &mut Conn,
    region: i64,
    issuers: Option<&[i64]>,
) -> Result<Vec<YearCount>, StoreError> {
    let mut q = Q::new(
        "SELECT issuer_id, SUBSTR(issued_on, 1, 4) AS year, COUNT(*) AS total, \
         CAST(SUM(CASE WHEN carrier <> 'formal' THEN 1 ELSE 0 END) AS BIGINT) AS informal \
         FROM documents WHERE region_id = $1 AND withdrawn_at IS NULL",
    )
    .bind(region);
    if let Some(issuers) = issuers {
        q.push(" AND issuer_id IN (");
        q.push_list(issuers.iter().copied());
        q.push(")");
    }
    q.push(" GROUP BY issuer_id, SUBSTR(issued_on, 1, 4)");
    conn.fetch_all(&q).await
}
