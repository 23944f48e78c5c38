//! The inspections of the demo: 示例县's departments' 督查、检查、考核 of 2025 and 2026 and its
//! leaders' research visits (调研), most approved, with the cases every rule is about — out-of-plan
//! items started before approval, items filed after they started, weeks in which the townships
//! host four safety checks, 县委组织部's assessments crowded into December, more research visits
//! to 青石镇 in one week than one, and a 2026 total cut by far less than half against 2025 (the
//! county's base year) — then the departments' 2027 plans, filed in November 2026 and mostly
//! waiting for the office, in which April's safety checks crowd the townships (a staggered
//! schedule moves them apart) and three departments' checks could be done in one visit (打捆).
//! 青石镇 has objected to one of them. Generated with the module's own seeded random sequence.
use crate::model::{self, Category, InspectionInput};
use crate::review::{decide_in, Decision, DecisionInput};
use crate::rules::InspRule;
use crate::store::{self, NewObjection};
use crate::CHANNEL;
use chrono::{Duration, NaiveDate};
use jianfu_core::{Actor, AppResult, Level};
use jianfu_demo::{pick, random_day, year_end, ymd, DemoSeed, SeedFuture, Seeding, YEARS};
use jianfu_domain::targets::Target;
use jianfu_store::Tx;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

/// The inspections module's demo seed.
pub static DEMO: DemoSeed = DemoSeed {
    seed,
    after_commit: None,
};

fn seed<'a>(tx: &'a mut Tx, s: &'a mut Seeding) -> SeedFuture<'a> {
    Box::pin(seed_inspections(tx, s))
}

/// The departments that inspect: the kind they mostly run, their items in 2025 and 2026, and
/// what they inspect.
const ORGANIZERS: &[(&str, Category, [u32; 2], &[&str])] = &[
    (
        "县委办公室",
        Category::Supervision,
        [5, 4],
        &["县委重大决策部署落实情况督查", "全县重点工作推进情况督查"],
    ),
    (
        "县人民政府办公室",
        Category::Supervision,
        [5, 4],
        &[
            "政府工作报告重点任务落实情况督查",
            "民生实事项目推进情况督查",
        ],
    ),
    (
        "县委组织部",
        Category::Assessment,
        [4, 3],
        &[
            "乡镇领导班子和领导干部年度考核",
            "基层党建工作责任制考核",
            "村（社区）“两委”班子运行情况考核",
        ],
    ),
    (
        "县纪委监委",
        Category::Check,
        [3, 2],
        &["纠治“四风”监督检查", "村级“小微权力”运行监督检查"],
    ),
    (
        "县教育局",
        Category::Check,
        [4, 3],
        &["校园安全专项检查", "防溺水安全教育落实情况检查"],
    ),
    (
        "县应急管理局",
        Category::Check,
        [6, 5],
        &[
            "安全生产大排查大整治检查",
            "森林防火专项检查",
            "汛前安全隐患排查检查",
        ],
    ),
    (
        "县农业农村局",
        Category::Check,
        [5, 4],
        &[
            "高标准农田建设检查",
            "农村人居环境整治提升检查",
            "防止返贫动态监测核查",
        ],
    ),
    (
        "县卫生健康局",
        Category::Check,
        [4, 3],
        &["基本公共卫生服务项目检查", "爱国卫生运动检查"],
    ),
    (
        "县市场监督管理局",
        Category::Check,
        [4, 3],
        &["食品安全专项检查", "燃气具质量安全检查"],
    ),
    (
        "县住房和城乡建设局",
        Category::Check,
        [4, 3],
        &["自建房安全专项整治检查", "农村危房改造检查"],
    ),
    (
        "县生态环境分局",
        Category::Check,
        [4, 3],
        &["秸秆禁烧巡查检查", "农村生活污水治理检查"],
    ),
    (
        "县自然资源局",
        Category::Check,
        [3, 2],
        &["耕地保护专项检查", "地质灾害隐患点巡查"],
    ),
    (
        "县民政局",
        Category::Check,
        [3, 2],
        &["低保和特困供养核查", "村务公开检查"],
    ),
    (
        "县水利局",
        Category::Check,
        [3, 3],
        &["河湖长制落实情况检查", "水利工程安全度汛检查"],
    ),
];

/// The county's leaders who go down on research visits, and the office that files each's.
const LEADERS: &[(&str, &str)] = &[
    ("县委书记 张志远", "县委办公室"),
    ("县长 李国华", "县人民政府办公室"),
    ("县委副书记 王海涛", "县委办公室"),
    ("常务副县长 赵立新", "县人民政府办公室"),
    ("副县长 孙晓梅", "县人民政府办公室"),
    ("副县长 周德明", "县人民政府办公室"),
];

const RESEARCH_TOPICS: &[&str] = &[
    "乡村振兴重点工作",
    "基层治理和为基层减负",
    "农业产业发展",
    "民生实事项目",
    "安全生产和防汛备汛",
    "农村人居环境整治",
];

fn materials(rng: &mut StdRng, c: Category) -> Vec<String> {
    let all: &[&str] = match c {
        Category::Supervision => &["工作进展情况汇报", "任务落实佐证材料", "问题整改清单"],
        Category::Check => &["自查报告", "工作台账", "问题整改清单", "会议记录"],
        Category::Assessment => &[
            "述职报告",
            "年度工作总结",
            "考核指标佐证材料",
            "民主测评组织材料",
        ],
        Category::Research => &["情况汇报"],
    };
    let n = rng.gen_range(1..=all.len());
    all[..n].iter().map(|m| m.to_string()).collect()
}

/// One item of the demo, as it will be filed.
struct Item {
    organizer: i64,
    category: Category,
    title: String,
    targets: Vec<Target>,
    starts_on: NaiveDate,
    days: i64,
    window: (NaiveDate, NaiveDate),
    team: i64,
    unannounced: bool,
    fixed: bool,
    leader: Option<String>,
    materials: Vec<String>,
    in_plan: bool,
    filed_on: NaiveDate,
    /// None: left waiting for a decision.
    decision: Option<Decision>,
}

struct Ctx<'s> {
    rng: StdRng,
    s: &'s Seeding,
}

impl Ctx<'_> {
    fn all_townships(&self) -> Vec<Target> {
        vec![Target {
            unit_id: self.s.county,
            level: Some(Level::Township),
        }]
    }

    /// What an item lands on: every township, a few towns, the villages of one town, or a town
    /// and some of its villages.
    fn targets(&mut self) -> Vec<Target> {
        let towns = &self.s.towns;
        match self.rng.gen_range(0..10) {
            0..=2 => self.all_townships(),
            3..=6 => {
                let mut chosen: Vec<usize> = towns.clone();
                chosen.shuffle(&mut self.rng);
                chosen
                    .iter()
                    .take(self.rng.gen_range(2..=4))
                    .map(|&t| Target {
                        unit_id: self.s.issuers[t].id,
                        level: None,
                    })
                    .collect()
            }
            7..=8 => {
                let t = *pick(&mut self.rng, towns);
                vec![Target {
                    unit_id: self.s.issuers[t].id,
                    level: Some(Level::Village),
                }]
            }
            _ => {
                let town = &self.s.issuers[*pick(&mut self.rng, towns)];
                let mut out = vec![Target {
                    unit_id: town.id,
                    level: None,
                }];
                let mut villages = town.villages.clone();
                villages.shuffle(&mut self.rng);
                out.extend(villages.iter().take(3).map(|(_, id)| Target {
                    unit_id: *id,
                    level: None,
                }));
                out
            }
        }
    }

    /// An item of a department around `start`: its window a few weeks around it.
    #[allow(clippy::too_many_arguments)]
    fn item(
        &mut self,
        organizer: i64,
        category: Category,
        title: String,
        targets: Vec<Target>,
        start: NaiveDate,
        days: i64,
    ) -> Item {
        let from = start - Duration::days(self.rng.gen_range(0..21));
        let to = start + Duration::days(days - 1 + self.rng.gen_range(7..35));
        Item {
            organizer,
            category,
            title,
            targets,
            starts_on: start,
            days,
            window: (from, to),
            team: self.rng.gen_range(2..=8),
            unannounced: false,
            fixed: false,
            leader: None,
            materials: materials(&mut self.rng, category),
            in_plan: !self.rng.gen_bool(0.1),
            filed_on: start - Duration::days(self.rng.gen_range(12..60)),
            decision: Some(Decision::Approve),
        }
    }
}

fn with_year(title: &str, year: i32) -> String {
    format!("{year}年{title}")
}

async fn seed_inspections(tx: &mut Tx, s: &mut Seeding) -> AppResult<()> {
    // The county measures its cut against 2025 (inspect.base_cut).
    jianfu_store::rules::save_setting(
        tx,
        s.county,
        InspRule::BaseCut.id(),
        true,
        r#"{"base_year":2025,"cut_percent":50}"#,
        &jianfu_core::time::now(),
    )
    .await?;
    let mut ctx = Ctx {
        rng: s.rng(CHANNEL.name),
        s,
    };
    let mut items = Vec::new();
    for (y, year) in YEARS.iter().copied().enumerate() {
        history(&mut ctx, y, year, &mut items)?;
        research(&mut ctx, year, &mut items)?;
    }
    scenarios(&mut ctx, &mut items)?;
    plan_2027(&mut ctx, &mut items)?;
    write(tx, &ctx, items).await
}

/// Each department's items of a year, spread over it; 县委组织部's assessments in December of
/// 2025; a few unannounced (四不两直), a few fixed.
fn history(ctx: &mut Ctx<'_>, y: usize, year: i32, out: &mut Vec<Item>) -> AppResult<()> {
    let end = year_end(year);
    for (name, category, counts, titles) in ORGANIZERS.iter().copied() {
        let organizer = ctx.s.unit(name)?;
        for k in 0..counts[y] {
            let title = with_year(titles[k as usize % titles.len()], year);
            let targets = ctx.targets();
            let start = if category == Category::Assessment && year == 2025 && k > 0 {
                random_day(&mut ctx.rng, ymd(year, 12, 1), ymd(year, 12, 19))
            } else {
                random_day(&mut ctx.rng, ymd(year, 2, 20), end - Duration::days(10))
            };
            let days = ctx.rng.gen_range(1..=3);
            let mut item = ctx.item(organizer, category, title, targets, start, days);
            item.unannounced = name == "县纪委监委" || (name == "县应急管理局" && k == 0);
            item.fixed = category == Category::Assessment;
            out.push(item);
        }
    }
    Ok(())
}

/// The leaders' research visits of a year: four each, to a town and some of its villages.
fn research(ctx: &mut Ctx<'_>, year: i32, out: &mut Vec<Item>) -> AppResult<()> {
    let end = year_end(year);
    for (leader, office) in LEADERS.iter().copied() {
        let organizer = ctx.s.unit(office)?;
        for _ in 0..4 {
            let town = &ctx.s.issuers[*pick(&mut ctx.rng, &ctx.s.towns)];
            let topic = *pick(&mut ctx.rng, RESEARCH_TOPICS);
            let title = format!("{}到{}调研{topic}", leader_title(leader), town.name);
            let mut targets = vec![Target {
                unit_id: town.id,
                level: None,
            }];
            if let Some((_, v)) = town.villages.choose(&mut ctx.rng) {
                targets.push(Target {
                    unit_id: *v,
                    level: None,
                });
            }
            let start = random_day(&mut ctx.rng, ymd(year, 3, 1), end - Duration::days(7));
            let mut item = ctx.item(organizer, Category::Research, title, targets, start, 1);
            item.leader = Some(leader.to_string());
            item.team = ctx.rng.gen_range(3..=6);
            item.in_plan = false;
            out.push(item);
        }
    }
    Ok(())
}

/// 县委书记 of "县委书记 张志远".
fn leader_title(leader: &str) -> &str {
    leader.split(' ').next().unwrap_or(leader)
}

/// The cases every rule is about, in 2025 and 2026.
fn scenarios(ctx: &mut Ctx<'_>, out: &mut Vec<Item>) -> AppResult<()> {
    let townships = ctx.all_townships();
    // The week of 8 June 2026: four safety checks on every township (inspect.weekly_cap).
    for (k, (name, title)) in [
        ("县应急管理局", "汛前安全隐患排查检查"),
        ("县住房和城乡建设局", "自建房安全专项整治检查"),
        ("县市场监督管理局", "燃气具质量安全检查"),
        ("县水利局", "水利工程安全度汛检查"),
    ]
    .into_iter()
    .enumerate()
    {
        let start = ymd(2026, 6, 8) + Duration::days(k as i64);
        let mut item = ctx.item(
            ctx.s.unit(name)?,
            Category::Check,
            format!("2026年{title}（第二轮）"),
            townships.clone(),
            start,
            2,
        );
        item.team = 5;
        out.push(item);
    }
    // Three leaders to 青石镇 in the week of 13 April 2026 (inspect.multi_visit).
    let qingshi = ctx.s.unit("青石镇")?;
    for (k, (leader, office)) in LEADERS.iter().take(3).copied().enumerate() {
        let start = ymd(2026, 4, 13) + Duration::days(k as i64 * 2);
        let mut item = ctx.item(
            ctx.s.unit(office)?,
            Category::Research,
            format!("{}到青石镇调研春季农业生产", leader_title(leader)),
            vec![Target {
                unit_id: qingshi,
                level: None,
            }],
            start,
            1,
        );
        item.leader = Some(leader.to_string());
        item.in_plan = false;
        out.push(item);
    }
    // Out-of-plan checks started in October 2026 with the application still waiting
    // (inspect.unapproved_start), and items filed after they began (inspect.filed_late).
    for (name, title, start) in [
        ("县农业农村局", "2026年秋粮收购专项检查", ymd(2026, 10, 19)),
        (
            "县卫生健康局",
            "2026年秋冬季传染病防控检查",
            ymd(2026, 11, 2),
        ),
    ] {
        let targets = ctx.targets();
        let mut item = ctx.item(
            ctx.s.unit(name)?,
            Category::Check,
            title.into(),
            targets,
            start,
            2,
        );
        item.in_plan = false;
        item.decision = None;
        out.push(item);
    }
    for (name, title, start, filed) in [
        (
            "县教育局",
            "2025年秋季学期开学安全检查",
            ymd(2025, 9, 2),
            ymd(2025, 9, 10),
        ),
        (
            "县民政局",
            "2026年困难群众冬春救助落实情况检查",
            ymd(2026, 1, 12),
            ymd(2026, 1, 20),
        ),
        (
            "县人民政府办公室",
            "2026年防汛备汛工作督查",
            ymd(2026, 5, 18),
            ymd(2026, 5, 25),
        ),
    ] {
        let targets = ctx.targets();
        let category = if name == "县人民政府办公室" {
            Category::Supervision
        } else {
            Category::Check
        };
        let mut item = ctx.item(ctx.s.unit(name)?, category, title.into(), targets, start, 2);
        item.filed_on = filed;
        item.in_plan = false;
        out.push(item);
    }
    // Two applications the office refused.
    for (name, title, start) in [
        ("县商务局", "2026年电子商务进农村工作检查", ymd(2026, 7, 6)),
        ("县统计局", "2026年统计数据质量核查", ymd(2026, 9, 7)),
    ] {
        let targets = ctx.targets();
        let mut item = ctx.item(
            ctx.s.unit(name)?,
            Category::Check,
            title.into(),
            targets,
            start,
            2,
        );
        item.in_plan = false;
        item.decision = Some(Decision::Reject);
        out.push(item);
    }
    Ok(())
}

/// The departments' 2027 plans, filed in November 2026: April's safety checks on every township
/// crowd one week, each with room in its window; the rest spread over the year. A third approved.
fn plan_2027(ctx: &mut Ctx<'_>, out: &mut Vec<Item>) -> AppResult<()> {
    let townships = ctx.all_townships();
    let crowded = [
        (
            "县应急管理局",
            "2027年安全生产大排查大整治检查",
            ymd(2027, 4, 12),
            2,
            (ymd(2027, 4, 1), ymd(2027, 4, 30)),
        ),
        (
            "县住房和城乡建设局",
            "2027年自建房安全专项整治检查",
            ymd(2027, 4, 13),
            2,
            (ymd(2027, 4, 6), ymd(2027, 5, 14)),
        ),
        (
            "县市场监督管理局",
            "2027年燃气安全专项检查",
            ymd(2027, 4, 14),
            1,
            (ymd(2027, 4, 1), ymd(2027, 4, 28)),
        ),
        (
            "县农业农村局",
            "2027年春季农业生产和高标准农田建设检查",
            ymd(2027, 4, 12),
            3,
            (ymd(2027, 3, 15), ymd(2027, 5, 7)),
        ),
        (
            "县教育局",
            "2027年校园及周边安全专项检查",
            ymd(2027, 4, 15),
            1,
            (ymd(2027, 4, 15), ymd(2027, 4, 15)),
        ),
    ];
    for (name, title, start, days, window) in crowded {
        let mut item = ctx.item(
            ctx.s.unit(name)?,
            Category::Check,
            title.into(),
            townships.clone(),
            start,
            days,
        );
        item.window = window;
        item.team = 5;
        item.in_plan = true;
        item.fixed = name == "县教育局";
        item.filed_on = ymd(2026, 11, 12);
        item.decision = None;
        out.push(item);
    }
    for (name, category, _, titles) in ORGANIZERS.iter().copied() {
        let organizer = ctx.s.unit(name)?;
        for k in 0..2 {
            let title = with_year(titles[(k + 1) % titles.len()], 2027);
            let targets = ctx.targets();
            let start = random_day(&mut ctx.rng, ymd(2027, 3, 1), ymd(2027, 11, 30));
            let days = ctx.rng.gen_range(1..=3);
            let mut item = ctx.item(organizer, category, title, targets, start, days);
            item.in_plan = true;
            item.unannounced = name == "县纪委监委";
            item.filed_on = ymd(2026, 11, ctx.rng.gen_range(5..=28));
            item.decision = ctx.rng.gen_bool(0.35).then_some(Decision::Approve);
            out.push(item);
        }
    }
    Ok(())
}

async fn write(tx: &mut Tx, ctx: &Ctx<'_>, mut items: Vec<Item>) -> AppResult<()> {
    let actor = Actor::system();
    items.sort_by_key(|i| (i.filed_on, i.starts_on));
    let mut objected = None;
    for i in items {
        let category = i.category;
        let title = i.title.clone();
        let input = InspectionInput {
            organizer_id: i.organizer,
            category,
            title: i.title,
            basis: Some(basis(category).to_string()),
            targets: i.targets,
            window_from: i.window.0,
            window_to: i.window.1,
            starts_on: Some(i.starts_on),
            days_on_site: i.days,
            team_size: i.team,
            unannounced: i.unannounced,
            fixed: i.fixed,
            leader: i.leader,
            materials: i.materials,
            in_plan: i.in_plan,
            filed_on: Some(i.filed_on),
        };
        let written = model::write(tx, &actor, None, input).await?;
        if let Some(decision) = i.decision {
            let reason = (decision == Decision::Reject).then(|| {
                "未列入年度计划，且与同期其他检查内容重复，请合并到年度综合检查中开展".into()
            });
            decide_in(tx, &actor, written.id, DecisionInput { decision, reason }).await?;
        }
        if title == "2027年燃气安全专项检查" {
            objected = Some((written.id, written.region_id));
        }
    }
    // 青石镇 asks for the gas check to come in another week (申请调整).
    if let Some((id, region)) = objected {
        let qingshi = ctx.s.unit("青石镇")?;
        let now = jianfu_core::time::now();
        store::insert_objection(
            tx,
            &NewObjection {
                region_id: region,
                inspection_id: id,
                unit_id: qingshi,
                reason: "4月12日至16日当周已有安全生产、自建房、农业生产等4项检查进驻，且正值春耕备耕，请将燃气安全检查调整到4月下旬",
                preferred_on: Some("2027-04-21"),
                created_by: None,
            },
            &now,
        )
        .await?;
    }
    Ok(())
}

fn basis(c: Category) -> &'static str {
    match c {
        Category::Supervision => "县委、县政府年度重点工作任务分工方案",
        Category::Check => "上级部门年度工作要点和本部门年度督查检查计划",
        Category::Assessment => "年度综合考核实施方案",
        Category::Research => "县领导年度调研计划",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leader_titles() {
        assert_eq!(leader_title("县委书记 张志远"), "县委书记");
        assert_eq!(leader_title("专班"), "专班");
    }
}
