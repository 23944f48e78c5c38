//! What the modules' demo seeds share: the region's issuers (示例市's departments, 示例县's
//! departments and its towns, with their 发文字号 stems, systems and work topics), the demo's
//! years, each module's own random sequence, the annual plans the seeds put together, and small
//! helpers for dates and random choices. A module's seed (`modules/<name>/src/demo.rs`) decides
//! how much each issuer puts on the levels below in its channel; this file knows no module.
use super::TOWNSHIPS;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use jianfu_core::{Actor, AppError, AppResult};
use jianfu_domain::plans::{self, PlanInput};
use jianfu_store::Tx;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;

/// Every demo starts from this seed, so every demo is the same.
const SEED: u64 = 0x6a69_616e_6675;

/// The demo's years: 2025, and 2026 up to 20 November.
pub const YEARS: [i32; 2] = [2025, 2026];

/// A city or county department: name, 发文字号 stem, system (named in its yearly work
/// meeting) and its work topics.
type Dept = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const CITY: &[Dept] = &[
    (
        "示例市委办公室",
        "示办发",
        "党委办公室系统",
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
        &["规上工业企业培育", "科技型中小企业评价", "工业企业安全生产"],
    ),
    (
        "县公安局",
        "例公发",
        "公安",
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
        &["人民调解", "法治乡村建设", "普法宣传", "社区矫正"],
    ),
    (
        "县财政局",
        "例财发",
        "财政",
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
        &["农村公路管理养护", "“四好农村路”建设", "道路运输安全"],
    ),
    (
        "县水利局",
        "例水发",
        "水利",
        &["防汛抗旱", "河湖长制", "农村饮水安全", "水利工程安全度汛"],
    ),
    (
        "县农业农村局",
        "例农发",
        "农业农村",
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
        &["消费品以旧换新", "电子商务进农村", "成品油市场整治"],
    ),
    (
        "县文化和旅游局",
        "例文旅发",
        "文化和旅游",
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
        &["退役军人服务站规范化建设", "光荣牌悬挂", "优抚对象走访慰问"],
    ),
    (
        "县应急管理局",
        "例应急发",
        "应急管理",
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
        &["村级财务审计", "领导干部经济责任审计", "审计整改"],
    ),
    (
        "县市场监督管理局",
        "例市监发",
        "市场监管",
        &["食品安全", "特种设备安全", "校园食品安全", "燃气具质量安全"],
    ),
    (
        "县统计局",
        "例统计发",
        "统计",
        &["统计数据质量", "农业统计调查", "统计执法检查"],
    ),
    (
        "县医疗保障局",
        "例医保发",
        "医疗保障",
        &["城乡居民医保参保缴费", "医保基金监管", "医保电子凭证推广"],
    ),
    (
        "县信访局",
        "例信访发",
        "信访",
        &["信访积案化解", "重要节点信访维稳", "领导干部接访下访"],
    ),
    (
        "县数据局",
        "例数据发",
        "数据",
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

/// Where an issuer sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    City,
    County,
    Town,
}

/// A unit that issues documents and holds meetings in the demo.
#[derive(Debug, Clone)]
pub struct Issuer {
    pub id: i64,
    pub name: String,
    /// 发文字号 stem, e.g. 例农发
    pub abbr: String,
    /// The system whose yearly work meeting it holds (empty for towns): 农业农村.
    pub system: String,
    pub topics: Vec<&'static str>,
    pub tier: Tier,
    /// For towns: their villages or communities, (name, id).
    pub villages: Vec<(String, i64)>,
}

impl Issuer {
    /// The name a title or a 落款 uses: 示例市应急管理局, 示例县农业农村局, 青石镇人民政府.
    pub fn signature(&self) -> String {
        match self.tier {
            Tier::Town if self.name.ends_with("街道") => format!("{}办事处", self.name),
            Tier::Town => format!("{}人民政府", self.name),
            Tier::County => format!("示例{}", self.name),
            Tier::City => self.name.clone(),
        }
    }

    /// How the place is named in a plan's title: 示例县, 示例市, 青石镇.
    pub fn place(&self) -> &str {
        match self.tier {
            Tier::City => "示例市",
            Tier::County => "示例县",
            Tier::Town => &self.name,
        }
    }
}

/// The context a module's demo seed works in: the region and its issuers, and the annual plans
/// the seeds put together (written once every seed has run, one plan per unit and year with
/// every planned channel's figures).
pub struct Seeding {
    /// 示例县: the region whose rule settings the seeds set.
    pub county: i64,
    /// The city's departments, the county's departments, then the towns.
    pub issuers: Vec<Issuer>,
    /// The towns' indexes in `issuers`.
    pub towns: Vec<usize>,
    units: Vec<(String, i64)>,
    plans: BTreeMap<(i64, i64), PlanSeed>,
}

/// A unit's plan for a year as the seeds give it: the base year and, per channel, the planned
/// count and the quota.
#[derive(Default)]
struct PlanSeed {
    base_year: Option<i64>,
    measures: Vec<(&'static str, i64, i64)>,
}

impl Seeding {
    /// The issuers of the region just created, given its units as (name, id).
    pub(crate) fn new(units: Vec<(String, i64)>) -> AppResult<Seeding> {
        let mut s = Seeding {
            county: lookup(&units, "示例县")?,
            issuers: Vec::new(),
            towns: Vec::new(),
            units,
            plans: BTreeMap::new(),
        };
        for (tier, table) in [(Tier::City, CITY), (Tier::County, COUNTY)] {
            for (name, abbr, system, topics) in table.iter().copied() {
                s.issuers.push(Issuer {
                    id: s.unit(name)?,
                    name: name.to_string(),
                    abbr: abbr.to_string(),
                    system: system.to_string(),
                    topics: topics.to_vec(),
                    tier,
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
                vs.push((v.to_string(), s.unit(v)?));
            }
            s.towns.push(s.issuers.len());
            s.issuers.push(Issuer {
                id: s.unit(town)?,
                name: town.to_string(),
                abbr,
                system: String::new(),
                topics: TOWN_TOPICS.to_vec(),
                tier: Tier::Town,
                villages: vs,
            });
        }
        Ok(s)
    }

    /// The random sequence of one module's seed: the demo's seed mixed with the module's name,
    /// so that what a module seeds does not depend on which other modules are installed.
    pub fn rng(&self, module: &str) -> StdRng {
        // FNV-1a: stable across Rust versions, unlike the standard library's hasher.
        let mixed = module.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        StdRng::seed_from_u64(SEED ^ mixed)
    }

    /// The id of the demo unit called `name`.
    pub fn unit(&self, name: &str) -> AppResult<i64> {
        lookup(&self.units, name)
    }

    /// The index in `issuers` of the issuer called `name`.
    pub fn issuer(&self, name: &str) -> Option<usize> {
        self.issuers.iter().position(|i| i.name == name)
    }

    /// Adds a channel's figures to a unit's annual plan: the planned count and the quota. The
    /// plan's base year is the last one given for the unit and year.
    pub fn plan(
        &mut self,
        unit_id: i64,
        year: i64,
        base_year: Option<i64>,
        channel: &'static str,
        planned: i64,
        quota: i64,
    ) {
        let p = self.plans.entry((unit_id, year)).or_default();
        p.base_year = base_year.or(p.base_year);
        p.measures.push((channel, planned, quota));
    }

    /// Writes the annual plans the seeds gave, each with the fields its channels declare.
    pub(crate) async fn write_plans(&self, tx: &mut Tx) -> AppResult<()> {
        let actor = Actor::system();
        for ((unit_id, year), p) in &self.plans {
            let mut measures = BTreeMap::new();
            for (channel, planned, quota) in &p.measures {
                let (_, fields) = plans::planned_channels()
                    .find(|(c, _)| c.name == *channel)
                    .ok_or_else(|| {
                        AppError::internal(format!("demo plan of unplanned channel {channel}"))
                    })?;
                measures.insert(fields.planned.to_string(), (*planned).into());
                measures.insert(fields.quota.to_string(), (*quota).into());
            }
            let input = PlanInput {
                unit_id: *unit_id,
                year: *year,
                base_year: p.base_year,
                measures,
            };
            plans::write(tx, &actor, &input).await?;
        }
        Ok(())
    }
}

/// The id of the unit called `name` among (name, id) pairs.
pub(crate) fn lookup(units: &[(String, i64)], name: &str) -> AppResult<i64> {
    units
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, id)| *id)
        .ok_or_else(|| AppError::internal(format!("demo unit {name} missing")))
}

/// The last day of a demo year: 31 December, or 20 November for 2026 (the demo's "today").
pub fn year_end(year: i32) -> NaiveDate {
    let (m, d) = if year >= 2026 { (11, 20) } else { (12, 31) };
    NaiveDate::from_ymd_opt(year, m, d).unwrap_or_default()
}

/// A date from its parts (the demo's dates are all valid).
pub fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

/// 2026年3月9日
pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The same day or the next working day (Monday to Friday).
pub fn workday(mut d: NaiveDate) -> NaiveDate {
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d += Duration::days(1);
    }
    d
}

/// A working day between `from` and `to`.
pub fn random_day(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    let d = from + Duration::days(rng.gen_range(0..=span));
    let d = workday(d);
    if d > to {
        workday(from)
    } else {
        d
    }
}

/// One of `items` (not empty).
pub fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}
