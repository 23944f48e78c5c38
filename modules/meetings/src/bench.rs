//! Meetings in `jianfu bench ledger`: a progress meeting of 30–90 minutes (5% past 90), starting
//! on the hour between 08:00 and 16:00.
use crate::store::{self, BulkMeeting};
use jianfu_store::{StoreError, Tx};
use jianfu_web::bench::{Bench, BenchItem, BenchLoader};
use jianfu_web::module::BoxFuture;
use rand::rngs::StdRng;
use rand::Rng;

pub static BENCH: Bench = Bench {
    weight: 3,
    table: "meetings",
    loader: || Box::new(Loader::default()),
    write: None,
    http: None,
};

#[derive(Default)]
struct Loader {
    rows: Vec<BulkMeeting>,
}

impl BenchLoader for Loader {
    fn add(&mut self, item: &BenchItem, rng: &mut StdRng) -> i64 {
        let minutes = if rng.gen_bool(0.05) {
            rng.gen_range(91..180)
        } else {
            rng.gen_range(30..90)
        };
        let hour = rng.gen_range(8..17);
        self.rows.push(BulkMeeting {
            id: item.id,
            region_id: item.region_id,
            organizer_id: item.issuer_id,
            title: format!("第{}次工作推进会", item.id),
            kind: "progress",
            starts_at: format!("{}T{hour:02}:00", item.on_date),
            planned_minutes: minutes,
            reach_level: if item.target_level.is_empty() {
                "township"
            } else {
                item.target_level
            },
            reach: item.reach,
            heads_required: rng.gen_bool(0.02),
            in_plan: !rng.gen_bool(0.02),
        });
        minutes
    }

    fn load<'a>(
        &'a mut self,
        tx: &'a mut Tx,
        now: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move { store::bulk(tx, &std::mem::take(&mut self.rows), now).await })
    }
}
