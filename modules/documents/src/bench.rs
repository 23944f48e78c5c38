//! Documents in `jianfu bench ledger`: a notice of 400–4,800 characters (3% past 5,000), one in
//! ten on white-header paper, and single writes through [`model::save`].
use crate::model::{self, Carrier, DocumentInput};
use crate::store::{self, BulkDocument};
use jianfu_core::{Actor, AppResult, Level};
use jianfu_domain::targets::Target;
use jianfu_store::{Db, StoreError, Tx};
use jianfu_text::DocKind;
use jianfu_web::bench::{Bench, BenchItem, BenchLoader, BenchWrite, HttpWrite};
use jianfu_web::module::BoxFuture;
use rand::rngs::StdRng;
use rand::Rng;

pub static BENCH: Bench = Bench {
    weight: 7,
    table: "documents",
    loader: || Box::new(Loader::default()),
    write: Some(write),
    http: Some(http),
};

/// The single write's notice: to the county's townships, 1,040 characters.
const BODY: &str = "请各乡镇认真抓好贯彻落实。";

fn title(w: &BenchWrite) -> String {
    format!("关于做好单条写入测试第{}项工作的通知", w.index)
}

fn http(w: &BenchWrite) -> HttpWrite {
    HttpWrite {
        path: "/api/v1/documents",
        body: serde_json::json!({
            "issuer_id": w.issuer_id,
            "title": title(w),
            "kind": "通知",
            "carrier": "formal",
            "issued_on": w.on_date.to_string(),
            "targets": [{"unit_id": w.region_id, "level": "township"}],
            "body": BODY.repeat(80),
        }),
    }
}

#[derive(Default)]
struct Loader {
    rows: Vec<BulkDocument>,
}

impl BenchLoader for Loader {
    fn add(&mut self, item: &BenchItem, rng: &mut StdRng) -> i64 {
        let chars = if rng.gen_bool(0.03) {
            rng.gen_range(5001..9000)
        } else {
            rng.gen_range(400..4800)
        };
        self.rows.push(BulkDocument {
            id: item.id,
            region_id: item.region_id,
            issuer_id: item.issuer_id,
            title: format!("关于做好第{}项重点工作的通知", item.id),
            kind: "通知",
            carrier: if rng.gen_bool(0.1) {
                "white_header"
            } else {
                "formal"
            },
            issued_on: item.on_date.to_string(),
            char_count: chars,
            reach: item.reach,
            single_task: false,
            to_schools_hospitals: rng.gen_bool(0.01),
            head_signed: false,
            upper_doc_number: None,
        });
        chars
    }

    fn load<'a>(
        &'a mut self,
        tx: &'a mut Tx,
        now: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(
            async move { store::bulk_documents(tx, &std::mem::take(&mut self.rows), now).await },
        )
    }
}

fn write(db: &Db, w: BenchWrite) -> BoxFuture<'_, AppResult<()>> {
    Box::pin(async move {
        let input = DocumentInput {
            issuer_id: w.issuer_id,
            doc_number: None,
            title: title(&w),
            kind: DocKind::Notice,
            carrier: Carrier::Formal,
            issued_on: w.on_date,
            main_recipients: None,
            cc_recipients: None,
            targets: vec![Target {
                unit_id: w.region_id,
                level: Some(Level::Township),
            }],
            single_task: false,
            forwards_upper: false,
            upper_doc_number: None,
            to_schools_hospitals: false,
            approval_ids: Vec::new(),
            ledger: None,
            body: BODY.repeat(80),
            attachment_count: 0,
            char_count: None,
        };
        model::save(db, &Actor::system(), None, input)
            .await
            .map(drop)
    })
}
