//! Document intelligence in the demo: two notices of 县农业农村局 whose demands the rules of
//! reading judge. One is on the townships and villages (daily zero reports, a one-vote veto,
//! point rankings, check-ins in an app its cadres must install, photo trails: violations; a
//! responsibility pledge: a warning that asks for a justification); the other is on the
//! county's departments only (no warning). Once the region is committed it reads every queued
//! document (the server would in the background), so that the copy, report-demand and demand
//! warnings are there from the first page.
use crate::model::Intelligence;
use jianfu_core::{Actor, AppError, AppResult};
use jianfu_demo::{DemoSeed, SeedFuture, Seeding};
use jianfu_documents::model::{self as documents, DocumentInput};
use jianfu_store::{Db, Tx};
use serde_json::json;

/// The document intelligence module's demo seed.
pub static DEMO: DemoSeed = DemoSeed {
    seed,
    after_commit: Some(read_queued),
};

/// A notice that puts forbidden demands on townships and villages.
const STRAW_NOTICE: &str = "各乡镇人民政府、街道办事处：\n\
为切实做好今年秋季秸秆禁烧和综合利用工作，坚决防止因焚烧秸秆造成大气污染，经研究，现将有关事项通知如下。\n\
一、实行每日零报告。各乡镇（街道）每日17时前报送禁烧巡查情况，无火点的实行零报告。\n\
二、严格考核问责。对发生火点的乡镇在年度综合考核中实行一票否决；各乡镇禁烧工作实行积分排名，每周通报。\n\
三、强化巡查值守。各村巡查员每日在“禁烧通”APP打卡签到，巡查轨迹全程留存；各村干部须下载安装“禁烧通”APP。\n\
四、注重过程留痕。各村每次巡查须拍照上传，作为考核的依据。\n\
五、签订目标责任书。各乡镇要与所辖各村签订秸秆禁烧目标责任书。\n\
六、加强综合利用。县农业农村局将会同有关部门做好秸秆还田、离田利用的技术指导和政策支持。";

/// A notice whose demands fall on the county's own departments: listed, not warned.
const DEPARTMENT_NOTICE: &str = "县直各有关部门：\n\
为做好秋季秸秆禁烧督导工作，县直各有关部门要每日17时前报送督导情况，实行零报告；县直各有关部门主要负责同志要签订督导工作责任书。";

fn notice(
    issuer: i64,
    target: i64,
    level: &str,
    title: &str,
    body: &str,
) -> AppResult<DocumentInput> {
    serde_json::from_value(json!({
        "issuer_id": issuer,
        "title": title,
        "kind": "通知",
        "carrier": "formal",
        "issued_on": "2026-09-15",
        "targets": [{"unit_id": target, "level": level}],
        "body": body,
    }))
    .map_err(AppError::internal)
}

fn seed<'a>(tx: &'a mut Tx, s: &'a mut Seeding) -> SeedFuture<'a> {
    Box::pin(seed_notices(tx, s))
}

async fn seed_notices(tx: &mut Tx, s: &mut Seeding) -> AppResult<()> {
    let (county, agri) = (s.unit("示例县")?, s.unit("县农业农村局")?);
    let system = Actor::system();
    for input in [
        notice(
            agri,
            county,
            "township",
            "关于做好秋季秸秆禁烧工作的通知",
            STRAW_NOTICE,
        )?,
        notice(
            agri,
            county,
            "department",
            "关于做好秋季秸秆禁烧督导工作的通知",
            DEPARTMENT_NOTICE,
        )?,
    ] {
        documents::write(tx, &system, None, input).await?;
    }
    Ok(())
}

fn read_queued(db: &Db) -> SeedFuture<'_> {
    Box::pin(async move {
        let intel = Intelligence::open(None)?;
        intel.load(db).await?;
        intel.drain(db).await?;
        Ok(())
    })
}
