//! Document intelligence in the demo: it writes nothing of its own, and once the region is
//! committed reads every queued document (the server would in the background), so that the
//! copy and report-demand warnings are there from the first page.
use crate::model::Intelligence;
use jianfu_demo::{DemoSeed, SeedFuture};
use jianfu_store::Db;

/// The document intelligence module's demo seed.
pub static DEMO: DemoSeed = DemoSeed {
    seed: |_, _| Box::pin(std::future::ready(Ok(()))),
    after_commit: Some(read_queued),
};

fn read_queued(db: &Db) -> SeedFuture<'_> {
    Box::pin(async move {
        let intel = Intelligence::open(None)?;
        intel.load(db).await?;
        intel.drain(db).await?;
        Ok(())
    })
}
