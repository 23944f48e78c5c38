//! A demo document's text: 主送, background, general requirements, tasks, time plan and
//! requirements up to the wanted length, contact, attachments, 落款 and date, from phrase tables.
use super::{Ctx, DocPlan};
use chrono::{Datelike, Duration};
use jianfu_demo::{cn_date, pick, Tier};
use jianfu_text::DocKind;
use rand::seq::SliceRandom;
use rand::Rng;

const BACKGROUND: &[&str] = &[
    "为深入贯彻落实党中央、国务院和省委、省政府关于{t}的决策部署，按照上级有关工作要求，结合{p}实际，现就做好{t}工作有关事项通知如下。",
    "{t}事关人民群众切身利益，事关经济社会发展大局。近年来，各地各部门认真履职、协同发力，{t}工作取得了阶段性成效，但仍存在工作推进不平衡、基层基础薄弱、部分问题整改不到位等问题，与上级要求和群众期盼相比还有一定差距。",
    "当前，{t}工作进入攻坚阶段，任务艰巨繁重。各地各部门要切实提高政治站位，增强责任感和紧迫感，以钉钉子精神抓好各项任务落实，确保{y}年各项目标任务如期完成。",
    "根据上级关于{t}的统一部署，经研究，决定在全{a}范围内组织开展{t}工作。为确保工作取得实效，现将有关事项明确如下。",
];

const GENERAL: &[&str] = &[
    "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届历次全会精神，坚持问题导向、目标导向和结果导向，聚焦{t}中的突出问题，坚持标本兼治、综合施策。",
    "到{y}年底，{t}工作机制进一步健全，突出问题得到有效解决，群众满意度明显提升，为全{a}经济社会高质量发展提供有力保障。",
    "坚持实事求是、因地制宜，不搞“一刀切”，不层层加码，切实把有限的人力物力用在解决实际问题上。",
];

/// Task sections: heading and sentences.
const TASKS: &[(&str, &[&str])] = &[
    ("全面摸底排查", &[
        "各乡镇（街道）要组织力量对辖区内{t}情况开展一次全覆盖排查，做到不漏一村、不漏一户，逐项登记存在问题和风险隐患。",
        "排查工作要坚持实地走访与资料核查相结合，确保底数清、情况明，严禁以填表代替实地排查。",
        "排查工作于{d1}前完成。",
    ]),
    ("建立工作台账", &[
        "对排查发现的问题，要建立问题清单、任务清单和责任清单，明确责任单位、责任人和整改时限，实行销号管理。",
        "各村（社区）要同步建立{t}工作台账，做到一村一档、一户一表，台账资料于每月25日前报乡镇（街道）汇总。",
    ]),
    ("压实工作责任", &[
        "各乡镇（街道）党委（党工委）、政府（办事处）是{t}工作的责任主体，主要负责同志是第一责任人，分管负责同志是直接责任人，要亲自研究、亲自部署、亲自督办。",
        "县直各有关部门要按照职责分工，加强业务指导，形成上下联动、齐抓共管的工作格局。",
    ]),
    ("开展集中整治", &[
        "{d1}至{d2}，集中开展{t}专项整治，聚焦群众反映强烈的突出问题，边查边改、立行立改。",
        "对一时难以整改到位的，要制定整改方案，明确整改措施和时限，落实管控措施，确保问题不反弹、不回潮。",
    ]),
    ("加强宣传引导", &[
        "要充分利用村村响广播、宣传栏、新媒体平台等载体，广泛宣传{t}相关政策和典型经验，提高群众知晓率和参与度。",
        "要注重发现和培育先进典型，及时总结推广好经验好做法，营造全社会共同参与的良好氛围。",
    ]),
    ("强化督导检查", &[
        "{o}将会同有关部门采取“四不两直”方式适时开展督导检查，对工作推进不力、问题整改不到位的，予以通报批评。",
        "对因工作不力造成严重后果的，移交纪检监察机关依规依纪依法严肃问责。",
    ]),
    ("做好信息报送", &[
        "请各乡镇（街道）明确一名分管负责同志和一名联络员，于{d1}前将联络员名单报送{o}。",
        "自即日起，每周五下午5时前报送工作进展情况，无进展的无需报送；重要情况随时报告。",
        "请于{d3}前报送工作总结。",
    ]),
    ("完善长效机制", &[
        "要认真总结经验做法，健全完善常态长效工作机制，推动{t}工作制度化、规范化、常态化。",
        "要把{t}工作纳入年度目标责任考核，考核结果作为评先评优的重要依据。",
    ]),
    ("推进数据共享", &[
        "依托县级数据共享平台，推动{t}相关数据一次采集、多方共享，凡能通过系统获取的数据，不得要求基层重复填报。",
        "各部门不得擅自建设面向基层的政务应用程序和工作群组，切实防止“指尖上的形式主义”。",
    ]),
    ("注重工作实效", &[
        "各村（社区）要把精力放在解决实际问题上，不得以拍照留痕代替实地工作。",
        "工作开展情况将纳入年度考核，重点看群众满意度和问题解决情况。",
    ]),
    ("加强队伍建设", &[
        "要配齐配强{t}工作力量，加强业务培训，提高基层干部依法履职和解决实际问题的能力。",
        "要关心关爱基层一线干部，落实容错纠错机制，激励干部担当作为。",
    ]),
    ("抓好问题整改", &[
        "对上级督查检查反馈的问题，要逐条制定整改措施，明确整改时限，整改情况于{d2}前书面报送。",
        "要举一反三，深入查找制度机制方面的漏洞，从根本上解决问题。",
    ]),
];

const REQUIREMENTS: &[(&str, &str)] = &[
    ("加强组织领导", "各地各部门要把{t}工作摆上重要议事日程，主要负责同志要亲自抓、负总责，确保各项任务落到实处。"),
    ("强化统筹协调", "各有关部门要加强沟通协作，统筹安排工作，能合并的合并，能精简的精简，坚决避免多头部署、重复检查、层层加码。"),
    ("严格督查问责", "对工作中敷衍塞责、弄虚作假的，依规依纪严肃追责问责。"),
    ("切实减轻基层负担", "严禁以会议落实会议、以文件落实文件，不得要求基层报送与工作无关的材料，不得简单以留痕多少评判工作实绩。"),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "胡", "朱", "郭",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "建华",
    "晓东", "海燕", "志强",
];
const ORDINALS: &[&str] = &[
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
    "十五", "十六", "十七", "十八", "十九", "二十",
];

fn ordinal(i: usize) -> &'static str {
    ORDINALS.get(i).copied().unwrap_or("二十")
}

fn add(paras: &mut Vec<String>, count: &mut usize, p: String) {
    *count += jianfu_text::word_count(&p);
    paras.push(p);
}

/// Builds the body text: 主送, paragraphs up to `length` 字数, attachments note, 落款 and date.
pub(super) fn build_body(ctx: &mut Ctx<'_>, d: &DocPlan) -> (String, i64) {
    let is = &ctx.s.issuers[d.issuer];
    let year = d.date.year().to_string();
    let area = match is.tier {
        Tier::City => "市",
        Tier::County => "县",
        Tier::Town if is.name.ends_with("街道") => "街道",
        Tier::Town if is.name.ends_with('乡') => "乡",
        Tier::Town => "镇",
    };
    let org = match is.tier {
        Tier::Town => is.signature(),
        _ => is.name.clone(),
    };
    let place = is.place().to_string();
    let signature = is.signature();
    let fmt = |t: &str, d1: &str, d2: &str, d3: &str| {
        t.replace("{t}", d.topic)
            .replace("{y}", &year)
            .replace("{a}", area)
            .replace("{p}", &place)
            .replace("{o}", &org)
            .replace("{d1}", d1)
            .replace("{d2}", d2)
            .replace("{d3}", d3)
            .replace("工作工作", "工作")
    };
    let d1 = cn_date(d.date + Duration::days(ctx.rng.gen_range(7..15)));
    let d2 = cn_date(d.date + Duration::days(ctx.rng.gen_range(30..75)));
    let d3 = cn_date(d.date + Duration::days(ctx.rng.gen_range(80..120)));
    let f = |t: &str| fmt(t, &d1, &d2, &d3);
    let mut paras: Vec<String> = Vec::new();
    let mut count = 0usize;
    let mut attachments: Vec<String> = Vec::new();
    if let Some((number, upper_issuer, upper_title)) = &d.forward {
        add(
            &mut paras,
            &mut count,
            format!("现将《{upper_issuer}{upper_title}》（{number}）转发给你们，请结合实际，认真抓好贯彻落实。"),
        );
        let extras = [
            "请各乡镇（街道）对照文件要求，逐项细化工作措施，明确责任人和完成时限。",
            "工作中遇到的重大问题，请及时报告。",
            "请于{d1}前将贯彻落实情况书面报送{o}，同时报送电子版。",
            "各有关单位要结合本地本部门实际，抓好各项任务落实，确保上级部署要求落地见效。",
            "{o}将适时对贯彻落实情况进行督导检查。",
        ];
        let mut k = 0;
        while count < d.length && k < extras.len() {
            add(&mut paras, &mut count, f(extras[k]));
            k += 1;
        }
        attachments.push(format!("{upper_issuer}{upper_title}"));
    } else {
        let bg = pick(&mut ctx.rng, BACKGROUND);
        add(&mut paras, &mut count, f(bg));
        let mut section = 0;
        if d.kind != DocKind::Letter {
            add(
                &mut paras,
                &mut count,
                format!("{}、总体要求", ordinal(section)),
            );
            section += 1;
            for g in GENERAL {
                add(&mut paras, &mut count, f(g));
            }
        }
        add(
            &mut paras,
            &mut count,
            format!("{}、重点任务", ordinal(section)),
        );
        section += 1;
        let mut tasks: Vec<usize> = (0..TASKS.len()).collect();
        tasks.shuffle(&mut ctx.rng);
        let reserve = if d.kind == DocKind::Letter { 60 } else { 420 };
        let mut round = 0;
        let mut sub = 0;
        while count + reserve < d.length {
            let Some(&t) = tasks.get(sub % tasks.len()) else {
                break;
            };
            let (heading, sentences) = TASKS[t];
            let heading = if round == 0 {
                heading.to_string()
            } else {
                format!("持续{heading}")
            };
            let mut p = format!("（{}）{heading}。", ordinal(sub));
            for s in sentences.iter() {
                p.push_str(&f(s));
            }
            if round > 0 {
                p.push_str(&f(pick::<&str>(&mut ctx.rng, GENERAL)));
            }
            add(&mut paras, &mut count, p);
            sub += 1;
            if sub % tasks.len() == 0 {
                round += 1;
                tasks.shuffle(&mut ctx.rng);
            }
            if sub >= 60 {
                break;
            }
        }
        if d.kind != DocKind::Letter {
            add(
                &mut paras,
                &mut count,
                format!("{}、时间安排", ordinal(section)),
            );
            section += 1;
            add(
                &mut paras,
                &mut count,
                format!("（一）动员部署阶段（即日起至{d1}）。制定具体实施方案，明确任务分工，做好动员部署。"),
            );
            add(
                &mut paras,
                &mut count,
                format!("（二）集中推进阶段（{d1}至{d2}）。对照任务清单逐项推进，及时研究解决工作中遇到的困难和问题。"),
            );
            add(
                &mut paras,
                &mut count,
                format!("（三）总结验收阶段（{d2}至{d3}）。全面总结工作成效，查漏补缺，巩固提升。"),
            );
            add(
                &mut paras,
                &mut count,
                format!("{}、工作要求", ordinal(section)),
            );
            for (i, (h, s)) in REQUIREMENTS.iter().enumerate() {
                if count >= d.length && i >= 2 {
                    break;
                }
                add(
                    &mut paras,
                    &mut count,
                    format!("（{}）{h}。{}", ordinal(i), f(s)),
                );
            }
        } else {
            add(
                &mut paras,
                &mut count,
                f("请于{d1}前将有关意见建议书面反馈{o}，逾期未反馈的视为无意见。"),
            );
        }
        let contact = format!(
            "联系人：{}{}，联系电话：0399-{}。",
            pick(&mut ctx.rng, SURNAMES),
            pick(&mut ctx.rng, GIVEN),
            ctx.rng.gen_range(6_100_000..6_999_999)
        );
        add(&mut paras, &mut count, contact);
        if d.kind == DocKind::Notice && ctx.rng.gen_bool(0.6) {
            attachments.push(format!("{}工作任务清单", d.topic));
            if ctx.rng.gen_bool(0.5) {
                attachments.push(format!("{}工作情况统计表", d.topic));
            }
        }
    }
    let mut body = format!("{}\n", d.main_recipients);
    for p in &paras {
        body.push_str(p);
        body.push('\n');
    }
    if !attachments.is_empty() {
        body.push('\n');
        for (i, a) in attachments.iter().enumerate() {
            if i == 0 {
                body.push_str(&format!("附件：{}.{a}\n", i + 1));
            } else {
                body.push_str(&format!("　　　{}.{a}\n", i + 1));
            }
        }
    }
    body.push('\n');
    body.push_str(&signature);
    body.push('\n');
    body.push_str(&cn_date(d.date));
    body.push('\n');
    (body, attachments.len() as i64)
}
