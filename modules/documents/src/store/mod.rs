//! SQL of the documents ledger.
pub mod attachments;
pub mod facts;
pub mod scan;
use jianfu_store::bulk::bulk_load;
use jianfu_store::{Conn, StoreError, Tx, Q};

/// A document as stored (without its body).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DocumentRow {
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
    /// 作废: when, by whom (name and unit as they were), why.
    pub withdrawn_at: Option<String>,
    pub withdrawn_by: Option<String>,
    pub withdrawn_reason: Option<String>,
}

const DOC_COLS: &str = "d.id, d.region_id, d.issuer_id, o.name AS issuer_name, d.doc_number, d.title, d.kind, d.carrier, d.issued_on, \
     d.main_recipients, d.cc_recipients, d.single_task, d.forwards_upper, d.upper_doc_number, d.to_schools_hospitals, d.head_signed, \
     d.in_plan, d.char_count, d.attachment_count, d.reach, d.withdrawn_at, d.withdrawn_by, d.withdrawn_reason";

pub struct NewDocument<'a> {
    pub region_id: i64,
    pub issuer_id: i64,
    pub doc_number: Option<&'a str>,
    pub title: &'a str,
    pub kind: &'a str,
    pub carrier: &'a str,
    pub issued_on: &'a str,
    pub main_recipients: Option<&'a str>,
    pub cc_recipients: Option<&'a str>,
    pub single_task: bool,
    pub forwards_upper: bool,
    pub upper_doc_number: Option<&'a str>,
    pub to_schools_hospitals: bool,
    pub head_signed: bool,
    pub in_plan: bool,
    pub body: &'a str,
    pub char_count: i64,
    pub attachment_count: i64,
    pub reach: i64,
    pub created_by: Option<i64>,
}

fn doc_args(q: Q, d: &NewDocument<'_>) -> Q {
    q.bind(d.region_id)
        .bind(d.issuer_id)
        .bind(d.doc_number)
        .bind(d.title)
        .bind(d.kind)
        .bind(d.carrier)
        .bind(d.issued_on)
        .bind(d.main_recipients)
        .bind(d.cc_recipients)
        .bind(d.single_task)
        .bind(d.forwards_upper)
        .bind(d.upper_doc_number)
        .bind(d.to_schools_hospitals)
        .bind(d.head_signed)
        .bind(d.in_plan)
        .bind(d.body)
        .bind(d.char_count)
        .bind(d.attachment_count)
        .bind(d.reach)
}

pub async fn insert_document(
    tx: &mut Tx,
    d: &NewDocument<'_>,
    now: &str,
) -> Result<i64, StoreError> {
    let q = Q::new(
        "INSERT INTO documents (region_id, issuer_id, doc_number, title, kind, carrier, issued_on, main_recipients, cc_recipients, \
         single_task, forwards_upper, upper_doc_number, to_schools_hospitals, head_signed, in_plan, body, char_count, attachment_count, \
         reach, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21) RETURNING id",
    );
    tx.scalar(&doc_args(q, d).bind(d.created_by).bind(now))
        .await
}

pub async fn replace_document(
    tx: &mut Tx,
    id: i64,
    d: &NewDocument<'_>,
    now: &str,
) -> Result<(), StoreError> {
    let q = Q::new(
        "UPDATE documents SET region_id = $1, issuer_id = $2, doc_number = $3, title = $4, kind = $5, carrier = $6, issued_on = $7, \
         main_recipients = $8, cc_recipients = $9, single_task = $10, forwards_upper = $11, upper_doc_number = $12, \
         to_schools_hospitals = $13, head_signed = $14, in_plan = $15, body = $16, char_count = $17, attachment_count = $18, reach = $19, \
         updated_at = $20 WHERE id = $21",
    );
    tx.execute(&doc_args(q, d).bind(now).bind(id)).await?;
    Ok(())
}

/// Marks a document withdrawn (作废).
pub async fn withdraw_document(
    tx: &mut Tx,
    id: i64,
    by: &str,
    reason: &str,
    now: &str,
) -> Result<(), StoreError> {
    tx.execute(
        &Q::new(
            "UPDATE documents SET withdrawn_at = $1, withdrawn_by = $2, withdrawn_reason = $3, updated_at = $1 WHERE id = $4",
        )
        .bind(now)
        .bind(by)
        .bind(reason)
        .bind(id),
    )
    .await?;
    Ok(())
}

pub async fn get_document(conn: &mut Conn, id: i64) -> Result<Option<DocumentRow>, StoreError> {
    conn.fetch_optional(&Q::new(format!("SELECT {DOC_COLS} FROM documents d JOIN org_units o ON o.id = d.issuer_id WHERE d.id = $1")).bind(id))
        .await
}

/// The document an imported ledger row stands for, when the ledger holds it already: the
/// issuer's document with that 发文字号, or, for a row without one, the issuer's document of
/// that title and date that has none either.
pub async fn find_recorded(
    conn: &mut Conn,
    issuer_id: i64,
    doc_number: Option<&str>,
    title: &str,
    issued_on: &str,
) -> Result<Option<DocumentRow>, StoreError> {
    let q = match doc_number {
        Some(number) => Q::new(format!(
            "SELECT {DOC_COLS} FROM documents d JOIN org_units o ON o.id = d.issuer_id \
             WHERE d.issuer_id = $1 AND d.doc_number = $2 ORDER BY d.id LIMIT 1"
        ))
        .bind(issuer_id)
        .bind(number),
        None => Q::new(format!(
            "SELECT {DOC_COLS} FROM documents d JOIN org_units o ON o.id = d.issuer_id \
             WHERE d.issuer_id = $1 AND d.doc_number IS NULL AND d.title = $2 AND d.issued_on = $3 \
             ORDER BY d.id LIMIT 1"
        ))
        .bind(issuer_id)
        .bind(title)
        .bind(issued_on),
    };
    conn.fetch_optional(&q).await
}

pub async fn document_body(conn: &mut Conn, id: i64) -> Result<String, StoreError> {
    let (b,): (String,) = conn
        .fetch_one(&Q::new("SELECT body FROM documents WHERE id = $1").bind(id))
        .await?;
    Ok(b)
}

/// A page of the ledger: the documents in force, or (`withdrawn`) those withdrawn.
pub async fn list_documents(
    conn: &mut Conn,
    f: &jianfu_store::burden::ItemFilter,
    withdrawn: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<DocumentRow>, i64), StoreError> {
    let from_where = |q: &mut Q| {
        q.push(" FROM documents d JOIN org_units o ON o.id = d.issuer_id");
        jianfu_store::burden::item_where(q, f, "d", "issuer_id", "issued_on");
        q.push(if withdrawn {
            " AND d.withdrawn_at IS NOT NULL"
        } else {
            " AND d.withdrawn_at IS NULL"
        });
    };
    conn.page(
        DOC_COLS,
        from_where,
        "d.issued_on DESC, d.id DESC",
        limit,
        offset,
    )
    .await
}

/// A document row for bulk loading (imports, benchmarks): the id is chosen by the caller.
pub struct BulkDocument {
    pub id: i64,
    pub region_id: i64,
    pub issuer_id: i64,
    pub title: String,
    pub kind: &'static str,
    pub carrier: &'static str,
    pub issued_on: String,
    pub char_count: i64,
    pub reach: i64,
    pub single_task: bool,
    pub to_schools_hospitals: bool,
    pub head_signed: bool,
    pub upper_doc_number: Option<String>,
}

pub async fn bulk_documents(
    tx: &mut Tx,
    rows: &[BulkDocument],
    now: &str,
) -> Result<(), StoreError> {
    bulk_load(
        tx,
        "documents",
        "id, region_id, issuer_id, title, kind, carrier, issued_on, char_count, reach, single_task, \
         to_schools_hospitals, head_signed, forwards_upper, upper_doc_number, in_plan, body, attachment_count, created_at, updated_at",
        rows,
        |w, d| {
            w.int(d.id)
                .int(d.region_id)
                .int(d.issuer_id)
                .text(&d.title)
                .text(d.kind)
                .text(d.carrier)
                .text(&d.issued_on)
                .int(d.char_count)
                .int(d.reach)
                .boolean(d.single_task)
                .boolean(d.to_schools_hospitals)
                .boolean(d.head_signed)
                .boolean(d.upper_doc_number.is_some())
                .opt_text(d.upper_doc_number.as_deref())
                .boolean(true)
                .text("")
                .int(0)
                .text(now)
                .text(now);
        },
    )
    .await
}
