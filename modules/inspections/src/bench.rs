//! Inspections in `jianfu bench ledger`: a check of 1–3 days on site by a team of 3–8, approved,
//! starting on the generated date.
use crate::store::{self, BulkInspection};
use chrono::Duration;
use jianfu_store::{StoreError, Tx};
use jianfu_web::bench::{Bench, BenchItem, BenchLoader};
use jianfu_web::module::BoxFuture;
use rand::rngs::StdRng;
use rand::Rng;

pub static BENCH: Bench = Bench {
    weight: 1,
    table: "inspections",
    loader: || Box::new(Loader::default()),
    write: None,
    http: None,
};

#[derive(Default)]
struct Loader {
    rows: Vec<BulkInspection>,
}

impl BenchLoader for Loader {
    fn add(&mut self, item: &BenchItem, rng: &mut StdRng) -> i64 {
        let days = rng.gen_range(1..=3);
        self.rows.push(BulkInspection {
            id: item.id,
            region_id: item.region_id,
            organizer_id: item.issuer_id,
            category: "check",
            title: format!("第{}项专项检查", item.id),
            starts_on: item.on_date.to_string(),
            ends_on: (item.on_date + Duration::days(days - 1)).to_string(),
            days_on_site: days,
            team_size: rng.gen_range(3..=8),
            reach: item.reach,
        });
        days
    }

    fn load<'a>(
        &'a mut self,
        tx: &'a mut Tx,
        now: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move { store::bulk(tx, &std::mem::take(&mut self.rows), now).await })
    }
}
