//! Two years of demo activity (2025 and 2026 up to 20 November): the documents and meetings
//! that 示例市's departments, 示例县's departments and its towns put on the levels below,
//! with annual plans and the county's own rule settings. Generated from phrase tables with a
//! seeded random generator, so every demo is the same; shaped so that most units go down
//! year on year (只减不增) and every rule of the catalogue is tripped somewhere.
use super::TOWNSHIPS;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use jianfu_core::{Actor, AppError, AppResult, Level};
use jianfu_documents::model::{self as documents, Carrier, DocumentInput};
use jianfu_domain::plans::{self, PlanInput};
use jianfu_domain::targets::Target;
use jianfu_meetings::model::{self as meetings, MeetingInput, MeetingKind};
use jianfu_store::Tx;
use jianfu_text::DocKind;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

const SEED: u64 = 0x6a69_616e_6675;
const YEARS: [i32; 2] = [2025, 2026];

/// A city department: name, 发文字号 stem, system (for its yearly work meeting), documents and
/// meetings in 2025, and its work topics.
type Dept = (
    &'static str,
    &'static str,
    &'static str,
    u32,
    u32,
    &'static [&'static str],
);

const CITY: &[Dept] = &[
    (
        "示例市委办公室",
        "示办发",
        "党委办公室系统",
        14,
        3,
        &[
            "全市重点工作督查落实",
            "党委信息报送",
            "机要保密管理",
            "节假日值班值守",
        ],
    ),
    (
        "示例市人民政府办公室",
        "示政办发",
        "政府系统办公室",
        20,
        3,
        &[
            "优化营商环境",
            "政务服务效能提升",
            "政务公开",
            "防汛抗旱",
            "冬春火灾防控",
        ],
    ),
    (
        "示例市委组织部",
        "示组发",
        "组织",
        10,
        3,
        &[
            "村（社区）“两委”班子建设",
            "发展党员",
            "党员冬春训",
            "软弱涣散基层党组织整顿",
        ],
    ),
    (
        "示例市教育局",
        "示教发",
        "教育",
        12,
        3,
        &[
            "校园安全",
            "防溺水安全教育",
            "义务教育控辍保学",
            "秋季学期开学",
        ],
    ),
    (
        "示例市农业农村局",
        "示农发",
        "农业农村",
        16,
        3,
        &[
            "春季农业生产",
            "高标准农田建设",
            "农村人居环境整治提升",
            "防止返贫动态监测",
            "秋粮收购",
        ],
    ),
    (
        "示例市卫生健康委员会",
        "示卫健发",
        "卫生健康",
        12,
        3,
        &[
            "传染病防控",
            "基本公共卫生服务",
            "家庭医生签约服务",
            "医疗机构安全生产",
        ],
    ),
    (
        "示例市应急管理局",
        "示应急发",
        "应急管理",
        16,
        3,
        &[
            "安全生产大排查大整治",
            "汛期安全防范",
            "森林防火",
            "危险化学品安全",
        ],
    ),
    (
        "示例市纪委监委",
        "示纪发",
        "纪检监察",
        6,
        2,
        &[
            "纠治“四风”",
            "群众身边不正之风和腐败问题集中整治",
            "形式主义官僚主义问题专项整治",
        ],
    ),
];

const COUNTY: &[Dept] = &[
    (
        "县委办公室",
        "例办发",
        "党委办公室系统",
        30,
        8,
        &[
            "全县重点工作督查落实",
            "党委信息报送",
            "机要保密管理",
            "节假日值班值守",
            "县委重大决策部署落实情况督查",
        ],
    ),
    (
        "县整治形式主义为基层减负工作专班办公室",
        "例减负办发",
        "整治形式主义为基层减负",
        8,
        5,
        &[
            "整治形式主义为基层减负",
            "督查检查考核计划管理",
            "精文简会",
            "基层减负观察点监测",
            "村级组织工作事务清理规范",
        ],
    ),
    (
        "县人民政府办公室",
        "例政办发",
        "政府系统办公室",
        36,
        9,
        &[
            "政务服务效能提升",
            "政务公开",
            "优化营商环境",
            "12345政务服务便民热线办理",
            "防汛抗旱",
            "冬春火灾防控",
        ],
    ),
    (
        "县纪委监委",
        "例纪发",
        "纪检监察",
        10,
        5,
        &[
            "纠治“四风”",
            "村级“小微权力”监督",
            "群众身边不正之风和腐败问题集中整治",
            "形式主义官僚主义问题专项整治",
        ],
    ),
    (
        "县委组织部",
        "例组发",
        "组织",
        22,
        8,
        &[
            "村（社区）“两委”班子建设",
            "发展党员",
            "干部教育培训",
            "软弱涣散基层党组织整顿",
            "党员冬春训",
        ],
    ),
    (
        "县委宣传部",
        "例宣发",
        "宣传思想文化",
        14,
        6,
        &[
            "新时代文明实践",
            "意识形态工作责任制落实",
            "移风易俗",
            "全民阅读",
        ],
    ),
    (
        "县委统战部",
        "例统发",
        "统一战线",
        8,
        4,
        &[
            "民族团结进步创建",
            "宗教活动场所安全管理",
            "新的社会阶层人士统战",
        ],
    ),
    (
        "县委政法委员会",
        "例政法发",
        "政法",
        16,
        7,
        &[
            "平安建设",
            "矛盾纠纷排查化解",
            "扫黑除恶常态化",
            "综治中心规范化建设",
            "网格化服务管理",
        ],
    ),
    (
        "县委社会工作部",
        "例社工发",
        "社会工作",
        10,
        5,
        &[
            "新兴领域党建",
            "志愿服务",
            "社区工作者队伍建设",
            "基层治理",
            "物业服务企业党建",
        ],
    ),
    (
        "县发展和改革局",
        "例发改发",
        "发展改革",
        14,
        6,
        &[
            "重点项目谋划储备",
            "粮食安全责任制考核",
            "价格监测",
            "节能降碳",
        ],
    ),
    (
        "县教育局",
        "例教发",
        "教育",
        24,
        8,
        &[
            "校园安全",
            "防溺水安全教育",
            "义务教育控辍保学",
            "秋季学期开学",
            "学生资助",
        ],
    ),
    (
        "县科学技术和工业信息化局",
        "例科工发",
        "科技和工业信息化",
        10,
        5,
        &["规上工业企业培育", "科技型中小企业评价", "工业企业安全生产"],
    ),
    (
        "县公安局",
        "例公发",
        "公安",
        10,
        5,
        &[
            "道路交通安全整治",
            "电信网络诈骗防范",
            "流动人口登记",
            "烟花爆竹禁限放",
        ],
    ),
    (
        "县民政局",
        "例民发",
        "民政",
        16,
        6,
        &[
            "低保和特困供养",
            "农村养老服务",
            "殡葬改革",
            "困难群众冬春救助",
            "村务公开",
        ],
    ),
    (
        "县司法局",
        "例司发",
        "司法行政",
        10,
        5,
        &["人民调解", "法治乡村建设", "普法宣传", "社区矫正"],
    ),
    (
        "县财政局",
        "例财发",
        "财政",
        14,
        6,
        &[
            "惠民惠农财政补贴资金“一卡通”管理",
            "村级财务管理",
            "预算执行",
            "政府采购",
        ],
    ),
    (
        "县人力资源和社会保障局",
        "例人社发",
        "人力资源社会保障",
        14,
        6,
        &[
            "城乡居民养老保险参保缴费",
            "根治欠薪",
            "稳就业",
            "职业技能培训",
        ],
    ),
    (
        "县自然资源局",
        "例自然资发",
        "自然资源",
        16,
        7,
        &[
            "耕地保护",
            "地质灾害防治",
            "卫片执法",
            "农村乱占耕地建房整治",
        ],
    ),
    (
        "县生态环境分局",
        "例环发",
        "生态环境",
        16,
        7,
        &[
            "大气污染防治",
            "秸秆禁烧",
            "中央生态环境保护督察反馈问题整改",
            "农村生活污水治理",
        ],
    ),
    (
        "县住房和城乡建设局",
        "例住建发",
        "住房城乡建设",
        16,
        6,
        &[
            "农村危房改造",
            "城镇燃气安全",
            "自建房安全专项整治",
            "建筑施工安全",
        ],
    ),
    (
        "县交通运输局",
        "例交发",
        "交通运输",
        10,
        5,
        &["农村公路管理养护", "“四好农村路”建设", "道路运输安全"],
    ),
    (
        "县水利局",
        "例水发",
        "水利",
        16,
        7,
        &["防汛抗旱", "河湖长制", "农村饮水安全", "水利工程安全度汛"],
    ),
    (
        "县农业农村局",
        "例农发",
        "农业农村",
        28,
        9,
        &[
            "春季农业生产",
            "高标准农田建设",
            "农村人居环境整治提升",
            "秋粮收购",
            "动物防疫",
            "防止返贫动态监测",
            "秸秆综合利用",
        ],
    ),
    (
        "县商务局",
        "例商发",
        "商务",
        8,
        4,
        &["消费品以旧换新", "电子商务进农村", "成品油市场整治"],
    ),
    (
        "县文化和旅游局",
        "例文旅发",
        "文化和旅游",
        10,
        5,
        &[
            "文物安全",
            "文化市场综合执法",
            "乡村旅游",
            "“村晚”群众文化活动",
        ],
    ),
    (
        "县卫生健康局",
        "例卫健发",
        "卫生健康",
        22,
        8,
        &[
            "家庭医生签约服务",
            "基本公共卫生服务",
            "传染病防控",
            "医疗机构安全生产",
            "爱国卫生运动",
        ],
    ),
    (
        "县退役军人事务局",
        "例退役军人发",
        "退役军人事务",
        8,
        4,
        &["退役军人服务站规范化建设", "光荣牌悬挂", "优抚对象走访慰问"],
    ),
    (
        "县应急管理局",
        "例应急发",
        "应急管理",
        24,
        9,
        &[
            "安全生产大排查大整治",
            "森林防火",
            "汛期安全防范",
            "应急救援演练",
            "危险化学品安全",
        ],
    ),
    (
        "县审计局",
        "例审发",
        "审计",
        6,
        3,
        &["村级财务审计", "领导干部经济责任审计", "审计整改"],
    ),
    (
        "县市场监督管理局",
        "例市监发",
        "市场监管",
        14,
        6,
        &["食品安全", "特种设备安全", "校园食品安全", "燃气具质量安全"],
    ),
    (
        "县统计局",
        "例统计发",
        "统计",
        10,
        4,
        &["统计数据质量", "农业统计调查", "统计执法检查"],
    ),
    (
        "县医疗保障局",
        "例医保发",
        "医疗保障",
        10,
        5,
        &["城乡居民医保参保缴费", "医保基金监管", "医保电子凭证推广"],
    ),
    (
        "县信访局",
        "例信访发",
        "信访",
        8,
        4,
        &["信访积案化解", "重要节点信访维稳", "领导干部接访下访"],
    ),
    (
        "县数据局",
        "例数据发",
        "数据",
        8,
        4,
        &[
            "数字乡村建设",
            "政务数据共享",
            "“一网通办”",
            "政务信息系统整合",
        ],
    ),
];

const TOWN_TOPICS: &[&str] = &[
    "农村人居环境整治",
    "森林防火",
    "防汛",
    "秸秆禁烧",
    "矛盾纠纷排查化解",
    "安全生产",
    "城乡居民医保参保缴费",
    "防止返贫动态监测",
    "村级财务管理",
    "网格化服务管理",
    "自建房安全排查",
    "移风易俗",
];

/// Issuers whose documents rise in 2026 (doc.count_rise, doc.quota, doc.base_year_cut).
const DOC_RISE: &[&str] = &["县数据局", "县委社会工作部", "县医疗保障局", "白马镇"];
/// Issuers that cut, but by less than the 30% their base year asks (doc.base_year_cut).
const DOC_MODEST: &[&str] = &["县水利局", "县自然资源局", "县委宣传部"];
/// Issuers that move to 白头文件、便函、便笺、OA in 2026 (doc.informal_share).
const INFORMAL_2026: &[&str] = &["县住房和城乡建设局", "县卫生健康局", "柳河镇"];
/// Organizers whose meetings rise in 2026 (meet.count_rise, meet.quota).
const MEET_RISE: &[&str] = &["县数据局", "县委社会工作部"];
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tier {
    City,
    County,
    Town,
}

/// How a unit's counts move from 2025 to 2026.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Trend {
    Cut,
    Modest,
    Rise,
}

struct Issuer {
    id: i64,
    name: String,
    /// 发文字号 stem, e.g. 例农发
    abbr: String,
    system: String,
    topics: Vec<&'static str>,
    tier: Tier,
    docs: [u32; 2],
    meetings: [u32; 2],
    doc_trend: Trend,
    informal_2026: bool,
    /// For towns: their villages.
    villages: Vec<(String, i64)>,
}

impl Issuer {
    /// The name a title or a 落款 uses: 示例市应急管理局, 县农业农村局, 青石镇人民政府.
    fn signature(&self) -> String {
        match self.tier {
            Tier::Town if self.name.ends_with("街道") => format!("{}办事处", self.name),
            Tier::Town => format!("{}人民政府", self.name),
            Tier::County => format!("示例{}", self.name),
            Tier::City => self.name.clone(),
        }
    }

    /// How the place is named in a plan's title: 示例县, 示例市, 青石镇.
    fn place(&self) -> &str {
        match self.tier {
            Tier::City => "示例市",
            Tier::County => "示例县",
            Tier::Town => &self.name,
        }
    }
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

struct Ctx {
    rng: StdRng,
    county: i64,
    issuers: Vec<Issuer>,
    towns: Vec<usize>,
}

fn lookup(units: &[(String, i64)], name: &str) -> AppResult<i64> {
    units
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, id)| *id)
        .ok_or_else(|| AppError::internal(format!("demo unit {name} missing")))
}

fn year_end(year: i32) -> NaiveDate {
    let (m, d) = if year >= 2026 { (11, 20) } else { (12, 31) };
    NaiveDate::from_ymd_opt(year, m, d).unwrap_or_default()
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The same day or the next working day (Monday to Friday).
fn workday(mut d: NaiveDate) -> NaiveDate {
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d += Duration::days(1);
    }
    d
}

/// The first weekday after `d` that is not a Monday (the county's 无会日).
fn meeting_day(mut d: NaiveDate) -> NaiveDate {
    d += Duration::days(1);
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun | Weekday::Mon) {
        d += Duration::days(1);
    }
    d
}

fn random_day(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    let d = from + Duration::days(rng.gen_range(0..=span));
    let d = workday(d);
    if d > to {
        workday(from)
    } else {
        d
    }
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// Seeds the county's rule settings, two years of documents and meetings, and plans.
pub(super) async fn seed(tx: &mut Tx, units: &[(String, i64)]) -> AppResult<()> {
    let actor = Actor::system();
    let county = lookup(units, "示例县")?;
    let mut ctx = Ctx {
        rng: StdRng::seed_from_u64(SEED),
        county,
        issuers: Vec::new(),
        towns: Vec::new(),
    };
    build_issuers(&mut ctx, units)?;

    let now = jianfu_core::time::now();
    // 每周一为无会日; 通知 no longer than 3,000 characters.
    jianfu_store::rules::save_setting(
        tx,
        county,
        "meet.no_meeting_day",
        true,
        r#"{"weekday":1,"week_of_month":0}"#,
        &now,
    )
    .await?;
    jianfu_store::rules::save_setting(
        tx,
        county,
        "doc.length",
        true,
        r#"{"notice_limit":3000}"#,
        &now,
    )
    .await?;

    let mut docs = Vec::new();
    let mut meets = Vec::new();
    for (y, year) in YEARS.iter().copied().enumerate() {
        plan_documents(&mut ctx, y, year, &mut docs);
        plan_meetings(&mut ctx, y, year, &mut meets);
    }
    write_plans(tx, &actor, &ctx).await?;
    write_documents(tx, &actor, &mut ctx, docs).await?;
    write_meetings(tx, &actor, &ctx, meets).await?;
    Ok(())
}

fn build_issuers(ctx: &mut Ctx, units: &[(String, i64)]) -> AppResult<()> {
    for (tier, table) in [(Tier::City, CITY), (Tier::County, COUNTY)] {
        for (name, abbr, system, docs, meetings, topics) in table.iter().copied() {
            ctx.issuers.push(Issuer {
                id: lookup(units, name)?,
                name: name.to_string(),
                abbr: abbr.to_string(),
                system: system.to_string(),
                topics: topics.to_vec(),
                tier,
                docs: [docs, 0],
                meetings: [meetings, 0],
                doc_trend: Trend::Cut,
                informal_2026: false,
                villages: Vec::new(),
            });
        }
    }
    for (town, villages) in TOWNSHIPS.iter().copied() {
        let stem = town
            .trim_end_matches("街道")
            .trim_end_matches('镇')
            .trim_end_matches('乡');
        let abbr = if town.ends_with("街道") {
            format!("{stem}办发")
        } else {
            format!("{stem}政发")
        };
        let mut vs = Vec::new();
        for v in villages.iter().copied() {
            vs.push((v.to_string(), lookup(units, v)?));
        }
        let docs = ctx.rng.gen_range(10..=16);
        let meetings = ctx.rng.gen_range(8..=11);
        ctx.towns.push(ctx.issuers.len());
        ctx.issuers.push(Issuer {
            id: lookup(units, town)?,
            name: town.to_string(),
            abbr,
            system: String::new(),
            topics: TOWN_TOPICS.to_vec(),
            tier: Tier::Town,
            docs: [docs, 0],
            meetings: [meetings, 0],
            doc_trend: Trend::Cut,
            informal_2026: false,
            villages: vs,
        });
    }
    // 2026 counts: most cut by a third or more; a few cut too little; a few rise.
    for i in 0..ctx.issuers.len() {
        let name = ctx.issuers[i].name.clone();
        let [d25, _] = ctx.issuers[i].docs;
        let [m25, _] = ctx.issuers[i].meetings;
        let trend = if DOC_RISE.contains(&name.as_str()) {
            Trend::Rise
        } else if DOC_MODEST.contains(&name.as_str()) {
            Trend::Modest
        } else {
            Trend::Cut
        };
        let cap = d25 * 70 / 100;
        let d26 = match trend {
            Trend::Rise => d25 + ctx.rng.gen_range(3..=5),
            Trend::Modest => (d25 * 82 / 100).max(cap + 1).min(d25.saturating_sub(1)),
            Trend::Cut => {
                let f = ctx.rng.gen_range(0.48..0.68);
                ((f64::from(d25) * f).round() as u32).clamp(1, cap.max(1))
            }
        };
        let m26 = if MEET_RISE.contains(&name.as_str()) {
            m25 + ctx.rng.gen_range(2..=3)
        } else {
            let f = ctx.rng.gen_range(0.6..0.85);
            ((f64::from(m25) * f).round() as u32).clamp(1, m25.saturating_sub(1).max(1))
        };
        let is = &mut ctx.issuers[i];
        is.docs[1] = d26;
        is.meetings[1] = m26;
        is.doc_trend = trend;
        is.informal_2026 = INFORMAL_2026.contains(&name.as_str());
    }
    Ok(())
}

fn index_of(ctx: &Ctx, name: &str) -> Option<usize> {
    ctx.issuers.iter().position(|i| i.name == name)
}

// ---------------------------------------------------------------- documents

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

/// Targets and 主送 of a document or meeting of `issuer`.
fn doc_targets(ctx: &mut Ctx, issuer: usize) -> (Vec<Target>, String) {
    let county = ctx.county;
    let r = ctx.rng.gen_range(0..100);
    match ctx.issuers[issuer].tier {
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
                let sys = ctx.issuers[issuer].system.clone();
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
                let mut towns = ctx.towns.clone();
                towns.shuffle(&mut ctx.rng);
                towns.truncate(n);
                towns.sort_unstable();
                let names: Vec<String> = towns
                    .iter()
                    .map(|t| town_recipient(&ctx.issuers[*t].name))
                    .collect();
                let t = towns
                    .iter()
                    .map(|t| Target {
                        unit_id: ctx.issuers[*t].id,
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
                let town = ctx.towns[ctx.rng.gen_range(0..ctx.towns.len())];
                let name = ctx.issuers[town].name.clone();
                (
                    vec![Target {
                        unit_id: ctx.issuers[town].id,
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
            let town = &ctx.issuers[issuer];
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

fn plan_documents(ctx: &mut Ctx, y: usize, year: i32, out: &mut Vec<DocPlan>) {
    let start = ymd(year, 1, 1);
    let end = year_end(year);
    let first = out.len();
    for i in 0..ctx.issuers.len() {
        let n = ctx.issuers[i].docs[y];
        for k in 0..n {
            let date = random_day(&mut ctx.rng, start, end);
            let kind = pick_kind(&mut ctx.rng);
            let is = &ctx.issuers[i];
            let topic = *pick(&mut ctx.rng, &is.topics);
            let place = is.place().to_string();
            let (title, single_task) = title_for(&mut ctx.rng, kind, topic, year, &place);
            let switched = is.informal_2026 && year == 2026;
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
            let cc = match ctx.issuers[i].tier {
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
            index_of(ctx, city),
            index_of(ctx, first_dept),
            index_of(ctx, second_dept),
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
                    (ctx.issuers[ci].name.clone(), out[u].title.clone());
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
fn number_documents(ctx: &Ctx, docs: &mut [DocPlan], tier: Option<Tier>) {
    let mut order: Vec<usize> = (0..docs.len())
        .filter(|&i| tier.is_none_or(|t| ctx.issuers[docs[i].issuer].tier == t))
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
        let is = &ctx.issuers[d.issuer];
        let stem = if letter {
            is.abbr.replace('发', "函")
        } else {
            is.abbr.clone()
        };
        d.number = Some(format!("{stem}〔{}〕{}号", d.date.year(), n));
    }
}

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
        "自即日起，每周五下午5时前报送工作进展情况，无进展的实行零报告；重要情况随时报告。",
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
    ("注重过程留痕", &[
        "各村（社区）要做好工作过程资料的收集整理，每项工作须拍照留存，并在工作群内及时反馈。",
        "工作开展情况将纳入年度考核，实行积分排名，每月通报一次。",
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
fn build_body(ctx: &mut Ctx, d: &DocPlan) -> (String, i64) {
    let is = &ctx.issuers[d.issuer];
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

async fn write_documents(
    tx: &mut Tx,
    actor: &Actor,
    ctx: &mut Ctx,
    mut docs: Vec<DocPlan>,
) -> AppResult<()> {
    docs.sort_by_key(|d| d.date);
    for d in &docs {
        let (body, attachment_count) = build_body(ctx, d);
        let (forwards_upper, upper_doc_number) = match &d.forward {
            Some((n, _, _)) => (true, Some(n.clone())),
            None => (false, None),
        };
        let input = DocumentInput {
            issuer_id: ctx.issuers[d.issuer].id,
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
            head_signed: d.head_signed,
            in_plan: d.carrier == Carrier::Formal,
            body,
            attachment_count,
            char_count: None,
        };
        documents::write(tx, actor, None, input).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------- meetings

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

fn plan_meetings(ctx: &mut Ctx, y: usize, year: i32, out: &mut Vec<MeetPlan>) {
    let county = ctx.county;
    let end = year_end(year);
    let mut taken: HashMap<usize, u32> = HashMap::new();
    // Cascades: the city meets, the county relays within days, then some towns.
    for (cy, city, title, kind, month, relayer) in CASCADES.iter().copied() {
        if cy != year {
            continue;
        }
        let (Some(ci), Some(ri)) = (index_of(ctx, city), index_of(ctx, relayer)) else {
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
        let mut towns = ctx.towns.clone();
        towns.shuffle(&mut ctx.rng);
        for &t in towns.iter().take(ctx.rng.gen_range(2..=4)) {
            let day = meeting_day(county_day);
            let town = &ctx.issuers[t];
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
    for i in 0..ctx.issuers.len() {
        let n = ctx.issuers[i].meetings[y].saturating_sub(taken.get(&i).copied().unwrap_or(0));
        for k in 0..n {
            let m = one_meeting(ctx, i, k, year, end, monday_p);
            out.push(m);
        }
    }
}

fn one_meeting(
    ctx: &mut Ctx,
    i: usize,
    k: u32,
    year: i32,
    end: NaiveDate,
    monday_p: f64,
) -> MeetPlan {
    let county = ctx.county;
    let rng = &mut ctx.rng;
    let is = &ctx.issuers[i];
    let topic = *pick(rng, &is.topics);
    let plenary = k == 0 && is.meetings[0] >= 3;
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
                let mut towns = ctx.towns.clone();
                towns.shuffle(rng);
                let t = towns
                    .iter()
                    .take(rng.gen_range(2..=6))
                    .map(|&t| Target {
                        unit_id: ctx.issuers[t].id,
                        level: None,
                    })
                    .collect();
                (Level::Township, t, rng.gen_range(12..40))
            } else {
                // Some county departments, e.g. the members of a 联席会议.
                let mut depts: Vec<i64> = ctx
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
    ctx: &Ctx,
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
        let input = MeetingInput {
            organizer_id: ctx.issuers[m.organizer].id,
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
            heads_approved: m.heads_approved,
            reach_approved: m.reach_approved,
            leader_speech_minutes: m.leader,
            exchange_speeches: m.speeches,
            exchange_speech_minutes: m.speech_minutes,
            in_plan: m.in_plan,
            approved: m.approved,
            relays_meeting_id,
        };
        let written = meetings::write(tx, actor, None, input).await?;
        ids.insert(i, written.id);
    }
    Ok(())
}

// ---------------------------------------------------------------- plans

/// A plan of documents and meetings: (planned, quota) of each.
fn plan(
    unit_id: i64,
    year: i64,
    base_year: Option<i64>,
    [docs, meets]: [(i64, i64); 2],
) -> PlanInput {
    let measures = [
        ("planned_documents", docs.0),
        ("document_quota", docs.1),
        ("planned_meetings", meets.0),
        ("meeting_quota", meets.1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into()))
    .collect();
    PlanInput {
        unit_id,
        year,
        base_year,
        measures,
    }
}

/// Annual plans of the county's departments and towns: 2025 with room to spare; 2026 with a
/// quota below 2025 and 2025 as the base year of the cut.
async fn write_plans(tx: &mut Tx, actor: &Actor, ctx: &Ctx) -> AppResult<()> {
    for is in ctx.issuers.iter().filter(|i| i.tier != Tier::City) {
        let [d25, d26] = is.docs.map(i64::from);
        let [m25, m26] = is.meetings.map(i64::from);
        plans::write(
            tx,
            actor,
            &plan(is.id, 2025, None, [(d25, d25 + 2), (m25, m25 + 2)]),
        )
        .await?;
        let doc_quota = if is.doc_trend == Trend::Rise {
            d25
        } else {
            (d25 * 85 / 100).max(d26)
        };
        let meet_quota = if MEET_RISE.contains(&is.name.as_str()) {
            m25
        } else {
            (m25 * 9 / 10).max(m26)
        };
        plans::write(
            tx,
            actor,
            &plan(
                is.id,
                2026,
                Some(2025),
                [
                    (doc_quota.min(d26), doc_quota),
                    (meet_quota.min(m26), meet_quota),
                ],
            ),
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use jianfu_store::{migrate, Db, Q};
    use std::collections::HashMap;

    #[tokio::test(flavor = "multi_thread")]
    async fn demo_activity_trips_every_rule_and_goes_down() {
        jianfu_web::module::install(vec![
            jianfu_documents::module(),
            jianfu_meetings::module(),
            jianfu_analysis::module(),
        ])
        .expect("modules");
        let dir = std::env::temp_dir().join(format!(
            "jianfu-demo-activity-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}/j.db", dir.display());
        let db = Db::connect(&url).await.expect("connect");
        migrate::run(&db).await.expect("migrate");
        let started = std::time::Instant::now();
        let region = crate::ensure(&db).await.expect("demo");
        assert!(region.created);
        eprintln!("demo seeded in {:?}", started.elapsed());

        let mut conn = db.reader();
        let docs: Vec<(String, i64)> = conn
            .fetch_all(&Q::new(
                "SELECT SUBSTR(issued_on, 1, 4), COUNT(*) FROM documents GROUP BY 1 ORDER BY 1",
            ))
            .await
            .expect("documents");
        let meets: Vec<(String, i64)> = conn
            .fetch_all(&Q::new(
                "SELECT SUBSTR(held_on, 1, 4), COUNT(*) FROM meetings GROUP BY 1 ORDER BY 1",
            ))
            .await
            .expect("meetings");
        eprintln!("documents {docs:?}, meetings {meets:?}");
        let per_year = |rows: &[(String, i64)], y: &str| {
            rows.iter().find(|(k, _)| k == y).map_or(0, |(_, n)| *n)
        };
        let (d25, d26) = (per_year(&docs, "2025"), per_year(&docs, "2026"));
        assert!((600..=900).contains(&d25), "2025 documents: {d25}");
        assert!(d26 < d25 && d26 >= 300, "2026 documents: {d26}");
        let (m25, m26) = (per_year(&meets, "2025"), per_year(&meets, "2026"));
        assert!((250..=400).contains(&m25), "2025 meetings: {m25}");
        assert!(
            (250..=400).contains(&m26) && m26 < m25,
            "2026 meetings: {m26}"
        );

        let rules: Vec<(String, i64)> = conn
            .fetch_all(&Q::new(
                "SELECT rule_id, COUNT(*) FROM warnings GROUP BY rule_id ORDER BY rule_id",
            ))
            .await
            .expect("warnings");
        eprintln!("warnings per rule: {rules:?}");
        let tripped: HashMap<String, i64> = rules.into_iter().collect();
        for r in jianfu_domain::rules::catalogue() {
            assert!(tripped.contains_key(r.id), "rule {} never tripped", r.id);
        }

        let counts: Vec<(i64, String, i64)> = conn
            .fetch_all(&Q::new(
                "SELECT issuer_id, SUBSTR(issued_on, 1, 4), COUNT(*) FROM documents GROUP BY 1, 2",
            ))
            .await
            .expect("issuer counts");
        let mut by_issuer: HashMap<i64, (i64, i64)> = HashMap::new();
        for (issuer, year, n) in counts {
            let e = by_issuer.entry(issuer).or_default();
            if year == "2025" {
                e.0 = n;
            } else if year == "2026" {
                e.1 = n;
            }
        }
        let down = by_issuer.values().filter(|(a, b)| b < a).count();
        let up = by_issuer.values().filter(|(a, b)| b > a).count();
        assert!(down > up * 3, "issuers down {down}, up {up}");
        drop(conn);
        db.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
