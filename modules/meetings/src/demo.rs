//! The meetings of the demo: two years (2025, and 2026 up to 20 November) of what 示例市's
//! departments, 示例县's departments and its towns convene the levels below to, with city
//! meetings relayed level by level, their annual plans, the county's 无会日 (every Monday), and
//! the county's same-evening relay of the city's flood-control meeting. Generated with the
//! module's own seeded random sequence, so every demo is the same; shaped so that most
//! organizers go down year on year and every rule of meetings is tripped somewhere.
use crate::model::{self as meetings, MeetingInput, MeetingKind};
use crate::rules::MeetRule;
use crate::CHANNEL;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use jianfu_core::{Actor, AppError, AppResult, Level};
use jianfu_demo::{pick, random_day, year_end, ymd, DemoSeed, SeedFuture, Seeding, Tier, YEARS};
use jianfu_domain::approvals::{self, Kind};
use jianfu_domain::targets::Target;
use jianfu_store::Tx;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use std::collections::HashMap;

/// The meetings module's demo seed.
pub static DEMO: DemoSeed = DemoSeed {
    seed,
    after_commit: None,
};

fn seed<'a>(tx: &'a mut Tx, s: &'a mut Seeding) -> SeedFuture<'a> {
    Box::pin(seed_meetings(tx, s))
}

/// Meetings each city and county department held in 2025; a town holds 8 to 11.
const HELD_2025: &[(&str, u32)] = &[
    ("示例市委办公室", 3),
    ("示例市人民政府办公室", 3),
    ("示例市委组织部", 3),
    ("示例市教育局", 3),
    ("示例市农业农村局", 3),
    ("示例市卫生健康委员会", 3),
    ("示例市应急管理局", 3),
    ("示例市纪委监委", 2),
    ("县委办公室", 8),
    ("县整治形式主义为基层减负工作专班办公室", 5),
    ("县人民政府办公室", 9),
    ("县纪委监委", 5),
    ("县委组织部", 8),
    ("县委宣传部", 6),
    ("县委统战部", 4),
    ("县委政法委员会", 7),
    ("县委社会工作部", 5),
    ("县发展和改革局", 6),
    ("县教育局", 8),
    ("县科学技术和工业信息化局", 5),
    ("县公安局", 5),
    ("县民政局", 6),
    ("县司法局", 5),
    ("县财政局", 6),
    ("县人力资源和社会保障局", 6),
    ("县自然资源局", 7),
    ("县生态环境分局", 7),
    ("县住房和城乡建设局", 6),
    ("县交通运输局", 5),
    ("县水利局", 7),
    ("县农业农村局", 9),
    ("县商务局", 4),
    ("县文化和旅游局", 5),
    ("县卫生健康局", 8),
    ("县退役军人事务局", 4),
    ("县应急管理局", 9),
    ("县审计局", 3),
    ("县市场监督管理局", 6),
    ("县统计局", 4),
    ("县医疗保障局", 5),
    ("县信访局", 4),
    ("县数据局", 4),
];

/// Organizers whose meetings rise in 2026 (meet.count_rise, meet.quota).
const MEET_RISE: &[&str] = &["县数据局", "县委社会工作部"];
/// City meetings relayed level by level (meet.cascade): year, city organizer, title, kind,
/// month, county relayer.
const CASCADES: &[(i32, &str, &str, MeetingKind, u32, &str)] = &[
    (
        2025,
        "示例市应急管理局",
        "全市安全生产工作会议",
        MeetingKind::Plenary,
        2,
        "县应急管理局",
    ),
    (
        2025,
        "示例市应急管理局",
        "全市防汛抗旱工作视频会议",
        MeetingKind::Video,
        5,
        "县水利局",
    ),
    (
        2025,
        "示例市农业农村局",
        "全市农村人居环境整治提升现场推进会",
        MeetingKind::Progress,
        4,
        "县农业农村局",
    ),
    (
        2025,
        "示例市委办公室",
        "全市整治形式主义为基层减负工作推进会",
        MeetingKind::Progress,
        7,
        "县整治形式主义为基层减负工作专班办公室",
    ),
    (
        2025,
        "示例市卫生健康委员会",
        "全市秋冬季传染病防控工作视频会议",
        MeetingKind::Video,
        10,
        "县卫生健康局",
    ),
    (
        2026,
        "示例市应急管理局",
        "全市安全生产工作会议",
        MeetingKind::Plenary,
        2,
        "县应急管理局",
    ),
    (
        2026,
        "示例市应急管理局",
        "全市森林防火工作视频会议",
        MeetingKind::Video,
        3,
        "县应急管理局",
    ),
    (
        2026,
        "示例市农业农村局",
        "全市防止返贫动态监测帮扶工作推进会",
        MeetingKind::Progress,
        6,
        "县农业农村局",
    ),
];

struct MeetPlan {
    organizer: usize,
    starts_at: NaiveDateTime,
    /// Write order among meetings starting together: relays after what they relay.
    depth: u8,
    title: String,
    topic: Option<String>,
    kind: MeetingKind,
    planned: i64,
    actual: Option<i64>,
    reach: Level,
    targets: Vec<Target>,
    attendees: i64,
    heads_required: bool,
    heads_approved: bool,
    reach_approved: bool,
    leader: Option<i64>,
    speeches: i64,
    speech_minutes: Option<i64>,
    in_plan: bool,
    approved: bool,
    relays: Option<usize>,
}

struct Ctx<'s> {
    rng: StdRng,
    s: &'s Seeding,
    /// Per issuer, in the order of `s.issuers`: its meetings in 2025 and 2026.
    held: Vec<[u32; 2]>,
}

/// Sets the county's 无会日, writes two years of meetings and gives their organizers' plans,
/// then the relay scenario.
async fn seed_meetings(tx: &mut Tx, s: &mut Seeding) -> AppResult<()> {
    let actor = Actor::system();
    // 每周一为无会日.
    jianfu_store::rules::save_setting(
        tx,
        s.county,
        MeetRule::NoMeetingDay.id(),
        true,
        r#"{"weekday":1,"week_of_month":0}"#,
        &jianfu_core::time::now(),
    )
    .await?;
    let mut rng = s.rng(CHANNEL.name);
    let held = held(&mut rng, s)?;
    plan_figures(s, &held);
    let mut ctx = Ctx { rng, s, held };
    let mut meets = Vec::new();
    for (y, year) in YEARS.iter().copied().enumerate() {
        plan_meetings(&mut ctx, y, year, &mut meets);
    }
    write_meetings(tx, &actor, &ctx, meets).await?;
    relay_scenario(tx, s).await?;
    applications_scenario(tx, s).await
}

/// Each organizer's meetings in 2025 and 2026: most fewer, a few more.
fn held(rng: &mut StdRng, s: &Seeding) -> AppResult<Vec<[u32; 2]>> {
    let mut out = Vec::new();
    for is in &s.issuers {
        let name = is.name.as_str();
        let m25 = match is.tier {
            Tier::Town => rng.gen_range(8..=11),
            _ => HELD_2025
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, n)| *n)
                .ok_or_else(|| AppError::internal(format!("demo meetings of {name} missing")))?,
        };
        let m26 = if MEET_RISE.contains(&name) {
            m25 + rng.gen_range(2..=3)
        } else {
            let f = rng.gen_range(0.6..0.85);
            ((f64::from(m25) * f).round() as u32).clamp(1, m25.saturating_sub(1).max(1))
        };
        out.push([m25, m26]);
    }
    Ok(out)
}

/// The meetings in the annual plans of the county's departments and towns: 2025 with room to
/// spare; 2026 with a quota below 2025 and 2025 as the base year of the cut.
fn plan_figures(s: &mut Seeding, held: &[[u32; 2]]) {
    let planned: Vec<(i64, [i64; 2], bool)> = s
        .issuers
        .iter()
        .zip(held)
        .filter(|(is, _)| is.tier != Tier::City)
        .map(|(is, h)| {
            (
                is.id,
                h.map(i64::from),
                MEET_RISE.contains(&is.name.as_str()),
            )
        })
        .collect();
    for (unit, [m25, m26], rises) in planned {
        s.plan(unit, 2025, None, CHANNEL.name, m25, m25 + 2);
        let quota = if rises { m25 } else { (m25 * 9 / 10).max(m26) };
        s.plan(unit, 2026, Some(2025), CHANNEL.name, quota.min(m26), quota);
    }
}

/// The first weekday after `d` that is not a Monday (the county's 无会日).
fn meeting_day(mut d: NaiveDate) -> NaiveDate {
    d += Duration::days(1);
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun | Weekday::Mon) {
        d += Duration::days(1);
    }
    d
}

fn meeting_time(rng: &mut StdRng, day: NaiveDate) -> NaiveDateTime {
    let (h, m) = *pick(
        rng,
        &[(9, 0), (9, 0), (9, 30), (10, 0), (14, 30), (15, 0), (16, 0)],
    );
    day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default())
}

/// A weekday for a meeting: Tuesday to Friday, now and then a Monday (无会日).
fn meeting_date(rng: &mut StdRng, from: NaiveDate, to: NaiveDate, monday_p: f64) -> NaiveDate {
    let d = random_day(rng, from, to);
    if d.weekday() == Weekday::Mon && !rng.gen_bool(monday_p * 3.0) {
        let next = d + Duration::days(1);
        if next <= to {
            return next;
        }
    }
    d
}

#[allow(clippy::too_many_arguments)]
fn base_meeting(
    organizer: usize,
    starts_at: NaiveDateTime,
    title: String,
    kind: MeetingKind,
    planned: i64,
    reach: Level,
    targets: Vec<Target>,
    attendees: i64,
) -> MeetPlan {
    MeetPlan {
        organizer,
        starts_at,
        depth: 0,
        title,
        topic: None,
        kind,
        planned,
        actual: None,
        reach,
        targets,
        attendees,
        heads_required: false,
        heads_approved: false,
        reach_approved: false,
        leader: None,
        speeches: 0,
        speech_minutes: None,
        in_plan: true,
        approved: false,
        relays: None,
    }
}

fn plan_meetings(ctx: &mut Ctx<'_>, y: usize, year: i32, out: &mut Vec<MeetPlan>) {
    let county = ctx.s.county;
    let end = year_end(year);
    let mut taken: HashMap<usize, u32> = HashMap::new();
    // Cascades: the city meets, the county relays within days, then some towns.
    for (cy, city, title, kind, month, relayer) in CASCADES.iter().copied() {
        if cy != year {
            continue;
        }
        let (Some(ci), Some(ri)) = (ctx.s.issuer(city), ctx.s.issuer(relayer)) else {
            continue;
        };
        let day = meeting_day(ymd(year, month, ctx.rng.gen_range(3..=20)));
        let up_at = meeting_time(&mut ctx.rng, day);
        let mut up = base_meeting(
            ci,
            up_at,
            title.to_string(),
            kind,
            if kind == MeetingKind::Plenary {
                150
            } else {
                90
            },
            Level::Township,
            vec![
                Target {
                    unit_id: county,
                    level: None,
                },
                Target {
                    unit_id: county,
                    level: Some(Level::Township),
                },
            ],
            ctx.rng.gen_range(300..600),
        );
        up.reach_approved = true;
        up.heads_required = true;
        up.heads_approved = true;
        up.leader = Some(ctx.rng.gen_range(35..55));
        up.speeches = ctx.rng.gen_range(2..=4);
        up.speech_minutes = Some(8);
        let up_index = out.len();
        *taken.entry(ci).or_default() += 1;
        out.push(up);
        let topic = format!("传达学习{title}精神");
        let county_day = meeting_day(day);
        let area = title.trim_start_matches("全市");
        let mut rel = base_meeting(
            ri,
            meeting_time(&mut ctx.rng, county_day),
            format!(
                "传达学习{title}精神暨全县{}",
                area.replace("视频会议", "部署会")
                    .replace("会议", "部署会")
                    .replace("现场推进会", "推进会")
            ),
            MeetingKind::Special,
            ctx.rng.gen_range(60..=90),
            Level::Township,
            vec![Target {
                unit_id: county,
                level: Some(Level::Township),
            }],
            ctx.rng.gen_range(40..80),
        );
        rel.topic = Some(topic.clone());
        rel.relays = Some(up_index);
        rel.depth = 1;
        rel.heads_required = true;
        rel.heads_approved = ctx.rng.gen_bool(0.5);
        rel.leader = Some(ctx.rng.gen_range(25..45));
        let rel_index = out.len();
        *taken.entry(ri).or_default() += 1;
        out.push(rel);
        let mut towns = ctx.s.towns.clone();
        towns.shuffle(&mut ctx.rng);
        for &t in towns.iter().take(ctx.rng.gen_range(2..=4)) {
            let day = meeting_day(county_day);
            let town = &ctx.s.issuers[t];
            let mut m = base_meeting(
                t,
                meeting_time(&mut ctx.rng, day),
                format!("{}传达学习{title}精神会议", town.name),
                MeetingKind::Special,
                ctx.rng.gen_range(45..=80),
                Level::Village,
                vec![Target {
                    unit_id: town.id,
                    level: Some(Level::Village),
                }],
                ctx.rng.gen_range(30..60),
            );
            m.topic = Some(topic.clone());
            m.relays = Some(rel_index);
            m.depth = 2;
            m.leader = Some(ctx.rng.gen_range(20..40));
            *taken.entry(t).or_default() += 1;
            out.push(m);
        }
    }
    // Everybody's own meetings.
    let monday_p = if year == 2025 { 0.06 } else { 0.03 };
    for i in 0..ctx.s.issuers.len() {
        let n = ctx.held[i][y].saturating_sub(taken.get(&i).copied().unwrap_or(0));
        for k in 0..n {
            let m = one_meeting(ctx, i, k, year, end, monday_p);
            out.push(m);
        }
    }
}

fn one_meeting(
    ctx: &mut Ctx<'_>,
    i: usize,
    k: u32,
    year: i32,
    end: NaiveDate,
    monday_p: f64,
) -> MeetPlan {
    let county = ctx.s.county;
    let rng = &mut ctx.rng;
    let is = &ctx.s.issuers[i];
    let topic = *pick(rng, &is.topics);
    let plenary = k == 0 && ctx.held[i][0] >= 3;
    let day = if plenary {
        meeting_date(rng, ymd(year, 1, 6), ymd(year, 3, 20), monday_p)
    } else {
        meeting_date(rng, ymd(year, 1, 6), end, monday_p)
    };
    let at = meeting_time(rng, day);
    let kind = if plenary {
        MeetingKind::Plenary
    } else {
        *pick(
            rng,
            &[
                MeetingKind::Special,
                MeetingKind::Special,
                MeetingKind::Progress,
                MeetingKind::Dispatch,
                MeetingKind::Dispatch,
                MeetingKind::Video,
            ],
        )
    };
    let title = match (is.tier, kind) {
        (Tier::City, MeetingKind::Plenary) => format!("全市{}工作会议", is.system),
        (Tier::County, MeetingKind::Plenary) => format!("全县{}工作会议", is.system),
        (Tier::Town, MeetingKind::Plenary) => {
            format!("{}{year}年经济工作会议暨三级干部大会", is.name)
        }
        (Tier::City, MeetingKind::Video) => format!("全市{topic}工作视频会议"),
        (Tier::City, _) => format!("全市{topic}工作推进会"),
        (Tier::County, MeetingKind::Video) => format!("全县{topic}工作视频调度会"),
        (Tier::County, MeetingKind::Progress) => format!("全县{topic}工作推进会"),
        (Tier::County, MeetingKind::Dispatch) => format!("{topic}工作调度会"),
        (Tier::County, _) => format!("{topic}工作专题会"),
        (Tier::Town, MeetingKind::Dispatch) if rng.gen_bool(0.4) => {
            format!("{}村（社区）党组织书记工作例会", is.name)
        }
        (Tier::Town, MeetingKind::Dispatch) => format!("{}{topic}工作调度会", is.name),
        (Tier::Town, MeetingKind::Progress) => format!("{}{topic}工作推进会", is.name),
        (Tier::Town, _) => format!("{}{topic}工作部署会", is.name),
    };
    let mut planned = if plenary {
        rng.gen_range(110..=160)
    } else {
        rng.gen_range(40..=90)
    };
    let over = rng.gen_bool(0.045);
    if over {
        planned = if plenary {
            rng.gen_range(190..=220)
        } else {
            rng.gen_range(100..=150)
        };
    }
    let actual = if rng.gen_bool(0.5) {
        Some((planned + rng.gen_range(-10..=10)).max(20))
    } else {
        None
    };
    let actual = match actual {
        Some(a) if !over && a > if plenary { 180 } else { 90 } => Some(planned),
        a => a,
    };
    let (reach, targets, attendees) = match is.tier {
        Tier::City => (
            Level::Township,
            vec![
                Target {
                    unit_id: county,
                    level: None,
                },
                Target {
                    unit_id: county,
                    level: Some(Level::Township),
                },
            ],
            rng.gen_range(80..300),
        ),
        Tier::County => {
            let r = rng.gen_range(0..100);
            if r < 5 {
                (
                    Level::Village,
                    vec![Target {
                        unit_id: county,
                        level: Some(Level::Village),
                    }],
                    rng.gen_range(180..320),
                )
            } else if r < 22 || plenary {
                let mut t = vec![Target {
                    unit_id: county,
                    level: Some(Level::Township),
                }];
                if plenary || rng.gen_bool(0.3) {
                    t.push(Target {
                        unit_id: county,
                        level: Some(Level::Department),
                    });
                }
                (Level::Township, t, rng.gen_range(40..120))
            } else if r < 75 {
                let mut towns = ctx.s.towns.clone();
                towns.shuffle(rng);
                let t = towns
                    .iter()
                    .take(rng.gen_range(2..=6))
                    .map(|&t| Target {
                        unit_id: ctx.s.issuers[t].id,
                        level: None,
                    })
                    .collect();
                (Level::Township, t, rng.gen_range(12..40))
            } else {
                // Some county departments, e.g. the members of a 联席会议.
                let mut depts: Vec<i64> = ctx
                    .s
                    .issuers
                    .iter()
                    .filter(|d| d.tier == Tier::County && d.id != is.id)
                    .map(|d| d.id)
                    .collect();
                depts.shuffle(rng);
                depts.truncate(rng.gen_range(3..=8));
                let t = depts
                    .into_iter()
                    .map(|unit_id| Target {
                        unit_id,
                        level: None,
                    })
                    .collect();
                (Level::Department, t, rng.gen_range(10..40))
            }
        }
        Tier::Town => {
            if rng.gen_bool(0.8) || is.villages.len() < 4 {
                (
                    Level::Village,
                    vec![Target {
                        unit_id: is.id,
                        level: Some(Level::Village),
                    }],
                    rng.gen_range(20..60),
                )
            } else {
                let mut vs = is.villages.clone();
                vs.shuffle(rng);
                let t = vs
                    .iter()
                    .take(rng.gen_range(2..=5))
                    .map(|(_, id)| Target {
                        unit_id: *id,
                        level: None,
                    })
                    .collect();
                (Level::Village, t, rng.gen_range(10..25))
            }
        }
    };
    let mut m = base_meeting(i, at, title, kind, planned, reach, targets, attendees);
    m.actual = actual;
    // Reaching villages from the county: approved in half the cases.
    m.reach_approved = match is.tier {
        Tier::City => rng.gen_bool(0.85),
        Tier::County => reach == Level::Village && rng.gen_bool(0.6),
        Tier::Town => false,
    };
    let heads_p = if plenary { 0.8 } else { 0.15 };
    m.heads_required = is.tier != Tier::Town && rng.gen_bool(heads_p);
    m.heads_approved = m.heads_required && rng.gen_bool(if plenary { 0.9 } else { 0.75 });
    if plenary || rng.gen_bool(0.6) {
        m.leader = Some(if rng.gen_bool(0.04) {
            rng.gen_range(65..=95)
        } else {
            rng.gen_range(15..=55)
        });
    }
    if plenary && rng.gen_bool(0.2) {
        m.speeches = rng.gen_range(7..=10);
        m.speech_minutes = Some(rng.gen_range(10..=15));
    } else if plenary || kind == MeetingKind::Progress {
        m.speeches = rng.gen_range(2..=5);
        m.speech_minutes = Some(rng.gen_range(5..=8));
    }
    m.in_plan = plenary || rng.gen_bool(0.9);
    m.approved = !m.in_plan && rng.gen_bool(0.6);
    m
}

async fn write_meetings(
    tx: &mut Tx,
    actor: &Actor,
    ctx: &Ctx<'_>,
    meets: Vec<MeetPlan>,
) -> AppResult<()> {
    let mut order: Vec<usize> = (0..meets.len()).collect();
    order.sort_by_key(|&i| (meets[i].starts_at, meets[i].depth, i));
    let mut ids: HashMap<usize, i64> = HashMap::new();
    for i in order {
        let m = &meets[i];
        let relays_meeting_id = match m.relays {
            Some(r) => Some(*ids.get(&r).ok_or_else(|| {
                AppError::internal("demo relay written before its upper meeting")
            })?),
            None => None,
        };
        let organizer = ctx.s.issuers[m.organizer].id;
        let approval_ids = granted(
            tx,
            organizer,
            &m.title,
            m.starts_at.date(),
            &[
                (Kind::Plan, m.in_plan),
                (Kind::OutOfPlan, m.approved),
                (Kind::Leaders, m.heads_required && m.heads_approved),
                (Kind::Reach, m.reach_approved),
            ],
        )
        .await?;
        let input = MeetingInput {
            organizer_id: organizer,
            title: m.title.clone(),
            topic: m.topic.clone(),
            kind: m.kind,
            starts_at: m.starts_at,
            planned_minutes: m.planned,
            actual_minutes: m.actual,
            reach_level: m.reach,
            targets: m.targets.clone(),
            attendee_count: m.attendees,
            heads_required: m.heads_required,
            leader_speech_minutes: m.leader,
            exchange_speeches: m.speeches,
            exchange_speech_minutes: m.speech_minutes,
            approval_ids,
            relays_meeting_id,
        };
        let written = meetings::write(tx, actor, None, input).await?;
        ids.insert(i, written.id);
    }
    Ok(())
}

/// The approvals the office gave a meeting beforehand, as records its filing cites.
async fn granted(
    tx: &mut Tx,
    organizer: i64,
    title: &str,
    day: chrono::NaiveDate,
    kinds: &[(Kind, bool)],
) -> AppResult<Vec<i64>> {
    let mut ids = Vec::new();
    for &(kind, given) in kinds {
        if given {
            ids.push(
                approvals::seed_approved(tx, &crate::CHANNEL, kind, organizer, title, day, None)
                    .await?,
            );
        }
    }
    Ok(ids)
}

/// Two applications waiting for the office (待审批): 县农业农村局's out-of-plan meeting and
/// 县教育局's request that heads of townships attend, both in the coming weeks.
async fn applications_scenario(tx: &mut Tx, s: &Seeding) -> AppResult<()> {
    let today = jianfu_core::time::today();
    let now = jianfu_core::time::now();
    let asks = [
        (
            "filer",
            "县农业农村局",
            Kind::OutOfPlan,
            "全县冬春农田水利建设现场推进会",
            14,
            "省厅12月部署冬春农田水利建设，须在元旦前召开现场会，未列入年初会议计划",
        ),
        (
            "filer_edu",
            "县教育局",
            Kind::Leaders,
            "全县校园安全工作会议",
            10,
            "寒假前校园安全形势严峻，须各乡镇主要负责同志参会压实属地责任",
        ),
    ];
    for (user, unit, kind, title, days, reason) in asks {
        let Some(who) = jianfu_store::users::credentials_by_name(tx, user).await? else {
            continue;
        };
        let planned = (today + Duration::days(days)).to_string();
        jianfu_store::approvals::insert(
            tx,
            &jianfu_store::approvals::NewApproval {
                region_id: s.county,
                channel: CHANNEL.name,
                kind: kind.as_str(),
                unit_id: s.unit(unit)?,
                year: i64::from((today + Duration::days(days)).year()),
                title,
                reason,
                planned_on: Some(&planned),
                applied_by: who.id,
                applied_at: &now,
            },
        )
        .await?;
    }
    Ok(())
}

/// The city's flood-control video meeting and the county's relay of it the same evening.
async fn relay_scenario(tx: &mut Tx, s: &Seeding) -> AppResult<()> {
    let (city, county) = (s.unit("示例市")?, s.unit("示例县")?);
    let at = |h: u32, m: u32| {
        chrono::NaiveDate::from_ymd_opt(2025, 6, 12)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .unwrap_or_default()
    };
    let meeting =
        |organizer: i64, title: &str, starts_at, reach: Level, target: i64, relays| MeetingInput {
            organizer_id: organizer,
            title: title.into(),
            topic: Some("防汛抗旱".into()),
            kind: MeetingKind::Video,
            starts_at,
            planned_minutes: 60,
            actual_minutes: Some(60),
            reach_level: reach,
            targets: vec![Target {
                unit_id: target,
                level: None,
            }],
            attendee_count: 40,
            heads_required: false,
            leader_speech_minutes: Some(30),
            exchange_speeches: 0,
            exchange_speech_minutes: None,
            approval_ids: Vec::new(),
            relays_meeting_id: relays,
        };
    let system = Actor::system();
    let planned = [(Kind::Plan, true)];
    let mut input = meeting(
        city,
        "全市防汛工作视频调度会",
        at(15, 0),
        Level::County,
        county,
        None,
    );
    input.approval_ids = granted(tx, city, &input.title, at(0, 0).date(), &planned).await?;
    let upper = meetings::write(tx, &system, None, input).await?;
    let mut input = meeting(
        county,
        "全县传达贯彻全市防汛工作视频调度会精神会议",
        at(19, 30),
        Level::County,
        county,
        Some(upper.id),
    );
    input.approval_ids = granted(tx, county, &input.title, at(0, 0).date(), &planned).await?;
    meetings::write(tx, &system, None, input).await?;
    Ok(())
}
