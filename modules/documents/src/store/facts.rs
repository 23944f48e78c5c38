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

pub async fn documents(
    conn: &mut Conn,
    region: i64,
    from: &str,
    to: &str,
) -> Result<Vec<DocFact>, StoreError> {
    conn.fetch_all(
        &Q::new(
            "SELECT d.id, d.issuer_id, o.name AS issuer_name, d.title, d.kind, d.carrier, d.issued_on, d.char_count, d.single_task, \
             d.to_schools_hospitals, d.head_signed, d.forwards_upper, d.upper_doc_number \
             FROM documents d JOIN org_units o ON o.id = d.issuer_id \
             WHERE d.region_id = $1 AND d.issued_on >= $2 AND d.issued_on <= $3 ORDER BY d.issued_on, d.id",
        )
        .bind(region)
        .bind(from)
        .bind(to),
    )
    .await
}

pub async fn document_year_counts(
    conn: &mut Conn,
    region: i64,
) -> Result<Vec<YearCount>, StoreError> {
    conn.fetch_all(
        &Q::new(
            "SELECT issuer_id, SUBSTR(issued_on, 1, 4) AS year, COUNT(*) AS total, \
             CAST(SUM(CASE WHEN carrier <> 'formal' THEN 1 ELSE 0 END) AS BIGINT) AS informal \
             FROM documents WHERE region_id = $1 GROUP BY issuer_id, SUBSTR(issued_on, 1, 4)",
        )
        .bind(region),
    )
    .await
}
