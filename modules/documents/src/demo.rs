//! The documents of the demo: two years (2025, and 2026 up to 20 November) of what 示例市's
//! departments, 示例县's departments and its towns send to the levels below, with their
//! annual plans, the county's length limit for 通知, and 青石镇's copy of the county's safety
//! notice. Generated from phrase tables with the module's own seeded random sequence, so every
//! demo is the same; shaped so that most issuers go down year on year (只减不增) and every rule
//! of documents (and of document intelligence, which reads them) is tripped somewhere.
mod body;

use crate::model::{self as documents, Carrier, DocumentInput, CHANNEL};
use crate::rules::DocRule;
use chrono::{Datelike, Duration, NaiveDate};
use jianfu_core::{Actor, AppError, AppResult, Level};
use jianfu_demo::{
    pick, random_day, workday, year_end, ymd, DemoSeed, SeedFuture, Seeding, Tier, YEARS,
};
use jianfu_domain::approvals::{self, Kind};
use jianfu_domain::targets::Target;
use jianfu_store::Tx;
use jianfu_text::DocKind;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use std::collections::HashMap;

/// The documents module's demo seed.
pub static DEMO: DemoSeed = DemoSeed {
    seed,
    after_commit: None,
};

fn seed<'a>(tx: &'a mut Tx, s: &'a mut Seeding) -> SeedFuture<'a> {
    Box::pin(seed_documents(tx, s))
}

/// Documents each city and county department issued in 2025; a town issues 10 to 16.
const ISSUED_2025: &[(&str, u32)] = &[
    ("示例市委办公室", 14),
    ("示例市人民政府办公室", 20),
    ("示例市委组织部", 10),
    ("示例市教育局", 12),
    ("示例市农业农村局", 16),
    ("示例市卫生健康委员会", 12),
    ("示例市应急管理局", 16),
    ("示例市纪委监委", 6),
    ("县委办公室", 30),
    ("县整治形式主义为基层减负工作专班办公室", 8),
    ("县人民政府办公室", 36),
    ("县纪委监委", 10),
    ("县委组织部", 22),
    ("县委宣传部", 14),
    ("县委统战部", 8),
    ("县委政法委员会", 16),
    ("县委社会工作部", 10),
    ("县发展和改革局", 14),
    ("县教育局", 24),
    ("县科学技术和工业信息化局", 10),
    ("县公安局", 10),
    ("县民政局", 16),
    ("县司法局", 10),
    ("县财政局", 14),
    ("县人力资源和社会保障局", 14),
    ("县自然资源局", 16),
    ("县生态环境分局", 16),
    ("县住房和城乡建设局", 16),
    ("县交通运输局", 10),
    ("县水利局", 16),
    ("县农业农村局", 28),
    ("县商务局", 8),
    ("县文化和旅游局", 10),
    ("县卫生健康局", 22),
    ("县退役军人事务局", 8),
    ("县应急管理局", 24),
    ("县审计局", 6),
    ("县市场监督管理局", 14),
    ("县统计局", 10),
    ("县医疗保障局", 10),
    ("县信访局", 8),
    ("县数据局", 8),
];

/// Issuers whose documents rise in 2026 (doc.count_rise, doc.quota, doc.base_year_cut).
const DOC_RISE: &[&str] = &["县数据局", "县委社会工作部", "县医疗保障局", "白马镇"];
/// Issuers that cut, but by less than the 30% their base year asks (doc.base_year_cut).
const DOC_MODEST: &[&str] = &["县水利局", "县自然资源局", "县委宣传部"];
/// Issuers that move to 白头文件、便函、便笺、OA in 2026 (doc.informal_share).
const INFORMAL_2026: &[&str] = &["县住房和城乡建设局", "县卫生健康局", "柳河镇"];
/// City departments and the county departments that forward their documents; the second
/// one forwards only now and then (doc.forwarded_twice).
const FORWARDERS: &[(&str, &str, &str)] = &[
    (
        "示例市委办公室",
        "县委办公室",
        "县整治形式主义为基层减负工作专班办公室",
    ),
    ("示例市人民政府办公室", "县人民政府办公室", "县发展和改革局"),
    ("示例市委组织部", "县委组织部", "县委社会工作部"),
    ("示例市教育局", "县教育局", "县市场监督管理局"),
    ("示例市农业农村局", "县农业农村局", "县自然资源局"),
    ("示例市卫生健康委员会", "县卫生健康局", "县医疗保障局"),
    ("示例市应急管理局", "县应急管理局", "县水利局"),
    ("示例市纪委监委", "县纪委监委", "县委组织部"),
];

/// How a unit's counts move from 2025 to 2026.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Trend {
    Cut,
    Modest,
    Rise,
}

/// An issuer's documents in 2025 and 2026, and how they move.
struct Volume {
    docs: [u32; 2],
    trend: Trend,
    informal_2026: bool,
}

struct DocPlan {
    issuer: usize,
    date: NaiveDate,
    title: String,
    kind: DocKind,
    carrier: Carrier,
    topic: &'static str,
    main_recipients: String,
    cc: Option<String>,
    targets: Vec<Target>,
    single_task: bool,
    /// (upper 发文字号, upper issuer, upper title)
    forward: Option<(String, String, String)>,
    to_schools_hospitals: bool,
    head_signed: bool,
    length: usize,
    number: Option<String>,
}

struct Ctx<'s> {
    rng: StdRng,
    s: &'s Seeding,
    /// Per issuer, in the order of `s.issuers`.
    volumes: Vec<Volume>,
}

/// Sets the county's length limit for 通知, writes two years of documents and gives their
/// issuers' plans, then the copy scenario.
async fn seed_documents(tx: &mut Tx, s: &mut Seeding) -> AppResult<()> {
    let actor = Actor::system();
    // 通知 no longer than 3,000 characters.
    jianfu_store::rules::save_setting(
        tx,
        s.county,
        DocRule::Length.id(),
        true,
        r#"{"notice_limit":3000}"#,
        &jianfu_core::time::now(),
    )
    .await?;
    let mut rng = s.rng(CHANNEL.name);
    let volumes = volumes(&mut rng, s)?;
    plan_figures(s, &volumes);
    let mut ctx = Ctx { rng, s, volumes };
    let mut docs = Vec::new();
    for (y, year) in YEARS.iter().copied().enumerate() {
        plan_documents(&mut ctx, y, year, &mut docs);
    }
    write_documents(tx, &actor, &mut ctx, docs).await?;
    copy_scenario(tx, s).await
}

/// Each issuer's documents in 2025 and 2026: most cut by a third or more; a few cut too
/// little; a few rise.
fn volumes(rng: &mut StdRng, s: &Seeding) -> AppResult<Vec<Volume>> {
    let mut out = Vec::new();
    for is in &s.issuers {
        let name = is.name.as_str();
        let d25 = match is.tier {
            Tier::Town => rng.gen_range(10..=16),
            _ => ISSUED_2025
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, n)| *n)
                .ok_or_else(|| AppError::internal(format!("demo documents of {name} missing")))?,
        };
        let trend = if DOC_RISE.contains(&name) {
            Trend::Rise
        } else if DOC_MODEST.contains(&name) {
            Trend::Modest
        } else {
            Trend::Cut
        };
        let cap = d25 * 70 / 100;
        let d26 = match trend {
            Trend::Rise => d25 + rng.gen_range(3..=5),
            Trend::Modest => (d25 * 82 / 100).max(cap + 1).min(d25.saturating_sub(1)),
            Trend::Cut => {
                let f = rng.gen_range(0.48..0.68);
                ((f64::from(d25) * f).round() as u32).clamp(1, cap.max(1))
            }
        };
        out.push(Volume {
            docs: [d25, d26],
            trend,
            informal_2026: INFORMAL_2026.contains(&name),
        });
    }
    Ok(out)
}

/// The documents in the annual plans of the county's departments and towns: 2025 with room to
/// spare; 2026 with a quota below 2025 and 2025 as the base year of the cut.
fn plan_figures(s: &mut Seeding, volumes: &[Volume]) {
    let planned: Vec<(i64, [i64; 2], Trend)> = s
        .issuers
        .iter()
        .zip(volumes)
        .filter(|(is, _)| is.tier != Tier::City)
        .map(|(is, v)| (is.id, v.docs.map(i64::from), v.trend))
        .collect();
    for (unit, [d25, d26], trend) in planned {
        s.plan(unit, 2025, None, CHANNEL.name, d25, d25 + 2);
        let quota = if trend == Trend::Rise {
            d25
        } else {
            (d25 * 85 / 100).max(d26)
        };
        s.plan(unit, 2026, Some(2025), CHANNEL.name, quota.min(d26), quota);
    }
}

const NOTICE_TITLES: &[&str] = &[
    "关于做好{y}年{t}工作的通知",
    "关于开展{t}专项行动的通知",
    "关于印发《{p}{t}工作方案》的通知",
    "关于进一步加强{t}工作的通知",
    "关于报送{t}工作开展情况的通知",
    "关于开展{t}督导检查的通知",
    "关于{t}有关事项的通知",
    "关于印发《{p}{y}年{t}工作要点》的通知",
    "关于做好{t}集中攻坚工作的通知",
];

fn title_for(
    rng: &mut StdRng,
    kind: DocKind,
    topic: &str,
    year: i32,
    place: &str,
) -> (String, bool) {
    let y = year.to_string();
    let fill = |t: &str| {
        t.replace("{y}", &y)
            .replace("{t}", topic)
            .replace("{p}", place)
            .replace("工作工作", "工作")
    };
    match kind {
        DocKind::Opinion => (
            fill(pick::<&str>(
                rng,
                &[
                    "关于推进{t}高质量发展的实施意见",
                    "关于进一步加强{t}的意见",
                    "关于{t}的指导意见",
                ],
            )),
            false,
        ),
        DocKind::Bulletin => (
            fill(pick::<&str>(
                rng,
                &[
                    "关于{y}年上半年{t}工作情况的通报",
                    "关于{t}工作进展情况的通报",
                    "关于{t}督导检查发现问题的通报",
                ],
            )),
            false,
        ),
        DocKind::Letter => (
            fill(pick::<&str>(
                rng,
                &[
                    "关于征求《{p}{t}实施方案（征求意见稿）》意见的函",
                    "关于商请协助做好{t}工作的函",
                    "关于提供{t}有关资料的函",
                ],
            )),
            false,
        ),
        DocKind::Minutes => (fill("{t}工作专题会议纪要"), false),
        _ => {
            let t = pick(rng, NOTICE_TITLES);
            (fill(t), t.contains("专项行动") || t.contains("集中攻坚"))
        }
    }
}

fn pick_kind(rng: &mut StdRng) -> DocKind {
    match rng.gen_range(0..100) {
        0..=69 => DocKind::Notice,
        70..=77 => DocKind::Opinion,
        78..=87 => DocKind::Bulletin,
        88..=95 => DocKind::Letter,
        _ => DocKind::Minutes,
    }
}

/// Target body length in Word's 字数 for a document of this kind.
fn pick_length(rng: &mut StdRng, kind: DocKind) -> usize {
    let r = rng.gen_range(0..100);
    match kind {
        DocKind::Notice => match r {
            0..=1 => rng.gen_range(5200..6800),
            2..=8 => rng.gen_range(3150..4800),
            _ => rng.gen_range(800..2800),
        },
        DocKind::Opinion => match r {
            0..=11 => rng.gen_range(5200..7200),
            _ => rng.gen_range(2000..4600),
        },
        DocKind::Letter => rng.gen_range(400..1200),
        _ => rng.gen_range(800..2200),
    }
}

fn town_recipient(name: &str) -> String {
    if name.ends_with("街道") {
        format!("{name}办事处")
    } else {
        format!("{name}人民政府")
    }
}

/// Targets and 主送 of a document of `issuer`.
fn doc_targets(ctx: &mut Ctx<'_>, issuer: usize) -> (Vec<Target>, String) {
    let county = ctx.s.county;
    let r = ctx.rng.gen_range(0..100);
    match ctx.s.issuers[issuer].tier {
        Tier::City => {
            let mut targets = vec![Target {
                unit_id: county,
                level: None,
            }];
            if r < 20 {
                targets.push(Target {
                    unit_id: county,
                    level: Some(Level::Township),
                });
                (
                    targets,
                    "各县（市、区）人民政府，各乡镇人民政府、街道办事处，市直各有关单位：".into(),
                )
            } else if r < 60 {
                targets.push(Target {
                    unit_id: county,
                    level: Some(Level::Department),
                });
                (targets, "各县（市、区）人民政府，市直各有关单位：".into())
            } else {
                let sys = ctx.s.issuers[issuer].system.clone();
                (targets, format!("各县（市、区）{sys}主管部门："))
            }
        }
        Tier::County => {
            if r < 45 {
                let mut t = vec![Target {
                    unit_id: county,
                    level: Some(Level::Township),
                }];
                if r < 25 {
                    t.push(Target {
                        unit_id: county,
                        level: Some(Level::Department),
                    });
                    (t, "各乡镇人民政府、街道办事处，县直各有关单位：".into())
                } else {
                    (t, "各乡镇人民政府、街道办事处：".into())
                }
            } else if r < 72 {
                let n = ctx.rng.gen_range(2..=5);
                let mut towns = ctx.s.towns.clone();
                towns.shuffle(&mut ctx.rng);
                towns.truncate(n);
                towns.sort_unstable();
                let names: Vec<String> = towns
                    .iter()
                    .map(|t| town_recipient(&ctx.s.issuers[*t].name))
                    .collect();
                let t = towns
                    .iter()
                    .map(|t| Target {
                        unit_id: ctx.s.issuers[*t].id,
                        level: None,
                    })
                    .collect();
                (t, format!("{}：", names.join("、")))
            } else if r < 78 {
                (
                    vec![Target {
                        unit_id: county,
                        level: Some(Level::Village),
                    }],
                    "各乡镇人民政府、街道办事处，各村（社区）：".into(),
                )
            } else if r < 86 {
                let town = ctx.s.towns[ctx.rng.gen_range(0..ctx.s.towns.len())];
                let name = ctx.s.issuers[town].name.clone();
                (
                    vec![Target {
                        unit_id: ctx.s.issuers[town].id,
                        level: Some(Level::Village),
                    }],
                    format!("{}，{name}各村（社区）：", town_recipient(&name)),
                )
            } else {
                (
                    vec![Target {
                        unit_id: county,
                        level: Some(Level::Department),
                    }],
                    "县直各有关单位：".into(),
                )
            }
        }
        Tier::Town => {
            let town = &ctx.s.issuers[issuer];
            if r < 75 || town.villages.len() < 4 {
                let who = if town.name.ends_with("街道") {
                    "各社区居民委员会："
                } else {
                    "各村（社区），镇直各单位："
                };
                (
                    vec![Target {
                        unit_id: town.id,
                        level: Some(Level::Village),
                    }],
                    who.into(),
                )
            } else {
                let mut vs = town.villages.clone();
                let n = ctx.rng.gen_range(2..=4);
                vs.shuffle(&mut ctx.rng);
                vs.truncate(n);
                let names: Vec<&str> = vs.iter().map(|(n, _)| n.as_str()).collect();
                let who = format!("{}：", names.join("、"));
                (
                    vs.iter()
                        .map(|(_, id)| Target {
                            unit_id: *id,
                            level: None,
                        })
                        .collect(),
                    who,
                )
            }
        }
    }
}

fn plan_documents(ctx: &mut Ctx<'_>, y: usize, year: i32, out: &mut Vec<DocPlan>) {
    let start = ymd(year, 1, 1);
    let end = year_end(year);
    let first = out.len();
    for i in 0..ctx.s.issuers.len() {
        let n = ctx.volumes[i].docs[y];
        for k in 0..n {
            let date = random_day(&mut ctx.rng, start, end);
            let kind = pick_kind(&mut ctx.rng);
            let is = &ctx.s.issuers[i];
            let topic = *pick(&mut ctx.rng, &is.topics);
            let place = is.place().to_string();
            let (title, single_task) = title_for(&mut ctx.rng, kind, topic, year, &place);
            let switched = ctx.volumes[i].informal_2026 && year == 2026;
            let informal =
                is.tier != Tier::City && ((switched && k % 2 == 0) || ctx.rng.gen_bool(0.03));
            let carrier = if informal {
                *pick(
                    &mut ctx.rng,
                    &[
                        Carrier::WhiteHeader,
                        Carrier::Letter,
                        Carrier::Memo,
                        Carrier::Oa,
                    ],
                )
            } else {
                Carrier::Formal
            };
            let kind = match carrier {
                Carrier::Letter => DocKind::Letter,
                Carrier::Formal => kind,
                _ if kind == DocKind::Letter => DocKind::Notice,
                _ => kind,
            };
            let title = if kind == DocKind::Letter && !title.ends_with('函') {
                format!("关于{topic}有关工作的函")
            } else if kind == DocKind::Notice && !title.ends_with("通知") {
                format!("关于做好{topic}有关工作的通知")
            } else {
                title
            };
            let schools = matches!(
                is.name.as_str(),
                "县教育局" | "县卫生健康局" | "示例市教育局"
            ) && ctx.rng.gen_bool(0.35);
            let head_signed = !schools || ctx.rng.gen_bool(0.85);
            let (targets, main_recipients) = doc_targets(ctx, i);
            let cc = match ctx.s.issuers[i].tier {
                Tier::County => Some("县委办公室，县人民政府办公室".to_string()),
                Tier::City => Some("市委办公室，市人民政府办公室".to_string()),
                Tier::Town => None,
            };
            let length = pick_length(&mut ctx.rng, kind);
            out.push(DocPlan {
                issuer: i,
                date,
                title,
                kind,
                carrier,
                topic,
                main_recipients,
                cc,
                targets,
                single_task,
                forward: None,
                to_schools_hospitals: schools,
                head_signed,
                length,
                number: None,
            });
        }
    }
    // Number the city documents first: the county forwards them by number.
    number_documents(ctx, &mut out[first..], Some(Tier::City));
    // 转发: the first county department forwards about a third of its city department's
    // notices; for a few, the second one forwards the same document too.
    let mut twice = 0;
    for (city, first_dept, second_dept) in FORWARDERS {
        let (Some(ci), Some(f1), Some(f2)) = (
            ctx.s.issuer(city),
            ctx.s.issuer(first_dept),
            ctx.s.issuer(second_dept),
        ) else {
            continue;
        };
        let uppers: Vec<usize> = (first..out.len())
            .filter(|&d| out[d].issuer == ci && out[d].kind == DocKind::Notice)
            .collect();
        for u in uppers {
            let double = twice < 3 && ctx.rng.gen_bool(0.25);
            let forwarders: &[usize] = if double { &[f1, f2] } else { &[f1] };
            if !double && !ctx.rng.gen_bool(0.35) {
                continue;
            }
            let mut done = 0;
            for &f in forwarders {
                let Some(number) = out[u].number.clone() else {
                    continue;
                };
                // A free slot of the forwarding department in this year.
                let slots: Vec<usize> = (first..out.len())
                    .filter(|&d| {
                        out[d].issuer == f
                            && out[d].forward.is_none()
                            && out[d].carrier == Carrier::Formal
                            && !out[d].to_schools_hospitals
                    })
                    .collect();
                let Some(&slot) = slots.get(ctx.rng.gen_range(0..slots.len().max(1))) else {
                    continue;
                };
                let date = workday(out[u].date + Duration::days(ctx.rng.gen_range(2..=8)));
                let (upper_issuer, upper_title) =
                    (ctx.s.issuers[ci].name.clone(), out[u].title.clone());
                let topic = out[u].topic;
                let d = &mut out[slot];
                d.date = date.min(end);
                d.kind = DocKind::Notice;
                d.title = format!("转发{upper_issuer}{upper_title}");
                d.topic = topic;
                d.single_task = false;
                d.length = ctx.rng.gen_range(300..900);
                d.forward = Some((number, upper_issuer, upper_title));
                done += 1;
            }
            if double && done == 2 {
                twice += 1;
            }
        }
    }
    number_documents(ctx, &mut out[first..], None);
}

/// Assigns 发文字号 in date order per issuer: formal documents in the issuer's series, 函 in
/// its 函 series, informal carriers none (except a 便函's 函 number).
fn number_documents(ctx: &Ctx<'_>, docs: &mut [DocPlan], tier: Option<Tier>) {
    let mut order: Vec<usize> = (0..docs.len())
        .filter(|&i| tier.is_none_or(|t| ctx.s.issuers[docs[i].issuer].tier == t))
        .collect();
    order.sort_by_key(|&i| (docs[i].issuer, docs[i].date, i));
    let mut counters: HashMap<(usize, bool), u32> = HashMap::new();
    for i in order {
        let d = &mut docs[i];
        let letter = d.kind == DocKind::Letter;
        let numbered = d.carrier == Carrier::Formal || d.carrier == Carrier::Letter;
        if !numbered {
            d.number = None;
            continue;
        }
        let n = counters.entry((d.issuer, letter)).or_insert(0);
        *n += 1;
        let is = &ctx.s.issuers[d.issuer];
        let stem = if letter {
            is.abbr.replace('发', "函")
        } else {
            is.abbr.clone()
        };
        d.number = Some(format!("{stem}〔{}〕{}号", d.date.year(), n));
    }
}

async fn write_documents(
    tx: &mut Tx,
    actor: &Actor,
    ctx: &mut Ctx<'_>,
    mut docs: Vec<DocPlan>,
) -> AppResult<()> {
    docs.sort_by_key(|d| d.date);
    for d in &docs {
        let (body, attachment_count) = body::build_body(ctx, d);
        let (forwards_upper, upper_doc_number) = match &d.forward {
            Some((n, _, _)) => (true, Some(n.clone())),
            None => (false, None),
        };
        let issuer = ctx.s.issuers[d.issuer].id;
        // What the office approved beforehand: formal documents were planned (立项), and most
        // to schools and hospitals were signed off by the issuer's head.
        let mut approval_ids = Vec::new();
        if d.carrier == Carrier::Formal {
            approval_ids.push(
                approvals::seed_approved(tx, &CHANNEL, Kind::Plan, issuer, &d.title, d.date, None)
                    .await?,
            );
        }
        if d.to_schools_hospitals && d.head_signed {
            approval_ids.push(
                approvals::seed_approved(
                    tx,
                    &CHANNEL,
                    Kind::HeadSignoff,
                    issuer,
                    &d.title,
                    d.date,
                    Some("主要负责同志"),
                )
                .await?,
            );
        }
        let input = DocumentInput {
            issuer_id: issuer,
            doc_number: d.number.clone(),
            title: d.title.clone(),
            kind: d.kind,
            carrier: d.carrier,
            issued_on: d.date,
            main_recipients: Some(d.main_recipients.trim_end_matches('：').to_string()),
            cc_recipients: d.cc.clone(),
            targets: d.targets.clone(),
            single_task: d.single_task,
            forwards_upper,
            upper_doc_number,
            to_schools_hospitals: d.to_schools_hospitals,
            approval_ids,
            ledger: None,
            body,
            attachment_count,
            char_count: None,
        };
        documents::write(tx, actor, None, input).await?;
    }
    Ok(())
}

/// The county's notice on safety checks, and 青石镇's copy of it that adds a demand for
/// implementation reports: 照抄照搬 and 以文件落实文件 as the document intelligence finds them.
const COUNTY_SAFETY_NOTICE: &str = "各乡镇人民政府、街道办事处，县直各单位：\n\
为深刻汲取近期事故教训，全面排查整治各类安全隐患，坚决遏制重特大事故发生，经县人民政府同意，决定在全县范围内开展安全生产大排查大整治行动，现将有关事项通知如下。\n\
一、排查范围。重点排查道路交通、建筑施工、危险化学品、消防、自建房、燃气、水上交通和人员密集场所等行业领域，做到全覆盖、无死角。\n\
二、工作步骤。十月上旬为自查自纠阶段，生产经营单位对照清单逐项自查；十月中下旬为集中整治阶段，行业主管部门组织专业力量开展检查；十一月为巩固提升阶段，对整改情况开展复核。\n\
三、整治要求。对排查发现的一般隐患立即整改，重大隐患实行挂牌督办，明确整改责任、措施、资金、时限和预案；对拒不整改的依法依规严肃处理。\n\
四、压实责任。各乡镇、各有关部门主要负责同志是本地区本行业安全生产第一责任人，要亲自研究部署，分管负责同志具体抓落实，层层压实属地管理责任、部门监管责任和企业主体责任。\n\
五、加强值守。严格执行领导带班和二十四小时值班制度，遇有突发情况及时妥善处置，重要情况第一时间按程序报告。";

async fn copy_scenario(tx: &mut Tx, s: &Seeding) -> AppResult<()> {
    let (county, town) = (s.unit("示例县")?, s.unit("青石镇")?);
    let system = Actor::system();
    let doc = |issuer: i64,
               number: &str,
               title: &str,
               date: (i32, u32, u32),
               level: Level,
               body: String| DocumentInput {
        issuer_id: issuer,
        doc_number: Some(number.into()),
        title: title.into(),
        kind: jianfu_text::DocKind::Notice,
        carrier: Carrier::Formal,
        issued_on: chrono::NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap_or_default(),
        main_recipients: None,
        cc_recipients: None,
        targets: vec![Target {
            unit_id: issuer,
            level: Some(level),
        }],
        single_task: true,
        forwards_upper: false,
        upper_doc_number: None,
        to_schools_hospitals: false,
        approval_ids: Vec::new(),
        ledger: None,
        body,
        attachment_count: 0,
        char_count: None,
    };
    documents::write(
        tx,
        &system,
        None,
        doc(
            county,
            "示政办发〔2026〕31号",
            "关于开展安全生产大排查大整治行动的通知",
            (2026, 9, 28),
            Level::Township,
            COUNTY_SAFETY_NOTICE.into(),
        ),
    )
    .await?;
    let copy = COUNTY_SAFETY_NOTICE
        .replace("各乡镇人民政府、街道办事处，县直各单位", "各村（社区），镇直各单位")
        .replace("经县人民政府同意", "经镇党委、镇政府研究")
        .replace("全县", "全镇")
        .replace("各乡镇、各有关部门", "各村（社区）、镇直各单位")
        + "\n六、报送要求。请各村（社区）于每月25日前报送排查整治工作落实情况报告及佐证材料（照片、台账），无隐患的实行零报告。";
    documents::write(
        tx,
        &system,
        None,
        doc(
            town,
            "青政发〔2026〕19号",
            "关于开展全镇安全生产大排查大整治行动的通知",
            (2026, 10, 9),
            Level::Village,
            copy,
        ),
    )
    .await?;
    Ok(())
}
