//! A deterministic synthetic ledger: official notices of 1,500–3,000
//! characters from county departments and townships, on the usual topics.

use crate::IndexedDoc;

/// SplitMix64: small, seeded, and the same on every platform.
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn word(&mut self, words: &[&'static str]) -> &'static str {
        words[self.below(words.len())]
    }
}

pub(crate) struct Topic {
    pub name: &'static str,
    pub keywords: &'static [&'static str],
}

pub(crate) const TOPICS: &[Topic] = &[
    Topic {
        name: "基层减负",
        keywords: &[
            "精简文件会议",
            "督查检查考核",
            "一票否决",
            "责任状",
            "过度留痕",
            "文山会海",
            "形式主义",
            "层层加码",
        ],
    },
    Topic {
        name: "安全生产",
        keywords: &[
            "隐患排查治理",
            "企业主体责任",
            "安全生产责任制",
            "重大事故隐患",
            "挂牌督办",
            "应急演练",
        ],
    },
    Topic {
        name: "防汛抗旱",
        keywords: &[
            "汛期值班",
            "水库山塘",
            "防汛责任人",
            "转移避险",
            "应急预案",
            "抗旱保苗",
        ],
    },
    Topic {
        name: "森林防火",
        keywords: &["野外用火", "火情处置", "林区巡护", "护林员", "火险等级"],
    },
    Topic {
        name: "乡村振兴",
        keywords: &[
            "产业发展",
            "防止返贫",
            "监测帮扶",
            "人居环境整治",
            "农村厕所革命",
            "村集体经济",
        ],
    },
    Topic {
        name: "耕地保护",
        keywords: &[
            "永久基本农田",
            "耕地非农化",
            "占补平衡",
            "田长制",
            "高标准农田",
        ],
    },
    Topic {
        name: "河湖长制",
        keywords: &[
            "河长巡河",
            "水环境治理",
            "入河排污口",
            "河道清淤",
            "水质监测",
        ],
    },
    Topic {
        name: "信访维稳",
        keywords: &["矛盾纠纷", "排查化解", "网格化管理", "信访积案", "源头治理"],
    },
    Topic {
        name: "食品安全",
        keywords: &["食品经营", "校园食品", "监督抽检", "冷链食品", "农贸市场"],
    },
    Topic {
        name: "燃气安全",
        keywords: &[
            "燃气管道",
            "餐饮场所",
            "瓶装液化气",
            "燃气报警器",
            "专项整治",
        ],
    },
    Topic {
        name: "文明城市创建",
        keywords: &["志愿服务", "公共秩序", "环境卫生", "文明交通", "测评指标"],
    },
    Topic {
        name: "党风廉政建设",
        keywords: &[
            "中央八项规定",
            "作风建设",
            "廉洁自律",
            "监督执纪",
            "四风问题",
        ],
    },
    Topic {
        name: "医保征缴",
        keywords: &[
            "城乡居民医保",
            "参保缴费",
            "征缴任务",
            "医保基金",
            "异地就医",
        ],
    },
    Topic {
        name: "统计调查",
        keywords: &["统计报表", "数据质量", "统计法", "经济普查", "联网直报"],
    },
    Topic {
        name: "禁毒工作",
        keywords: &["禁毒宣传", "吸毒人员", "毒品预防教育", "易制毒化学品"],
    },
    Topic {
        name: "秸秆禁烧",
        keywords: &["秸秆综合利用", "禁烧巡查", "露天焚烧", "大气污染防治"],
    },
    Topic {
        name: "营商环境",
        keywords: &["政务服务", "一网通办", "审批时限", "涉企收费", "惠企政策"],
    },
    Topic {
        name: "消防安全",
        keywords: &["火灾隐患", "消防通道", "高层建筑", "电动自行车", "消防设施"],
    },
    Topic {
        name: "数字政务",
        keywords: &[
            "政务应用程序",
            "工作群组",
            "打卡签到",
            "积分排名",
            "指尖上的形式主义",
        ],
    },
    Topic {
        name: "森林资源保护",
        keywords: &["林长制", "松材线虫病", "古树名木", "生态公益林"],
    },
];

pub(crate) struct Unit {
    pub id: i64,
    pub name: String,
    pub abbr: String,
    pub path: Vec<i64>,
}

const COUNTY: i64 = 10;
const CITY: i64 = 1;

const DEPARTMENTS: &[(&str, &str)] = &[
    ("县委办公室", "县委办"),
    ("县政府办公室", "县政办"),
    ("县纪委监委", "县纪"),
    ("县委组织部", "县组"),
    ("县委宣传部", "县宣"),
    ("县发展和改革局", "县发改"),
    ("县教育局", "县教"),
    ("县公安局", "县公"),
    ("县民政局", "县民"),
    ("县财政局", "县财"),
    ("县人力资源和社会保障局", "县人社"),
    ("县自然资源局", "县自然资源"),
    ("县生态环境分局", "县环"),
    ("县住房和城乡建设局", "县住建"),
    ("县交通运输局", "县交"),
    ("县水利局", "县水"),
    ("县农业农村局", "县农"),
    ("县商务局", "县商"),
    ("县文化和旅游局", "县文旅"),
    ("县卫生健康委员会", "县卫健"),
    ("县应急管理局", "县应急"),
    ("县市场监督管理局", "县市监"),
    ("县统计局", "县统"),
    ("县医疗保障局", "县医保"),
    ("县林业局", "县林"),
    ("县信访局", "县信"),
    ("县退役军人事务局", "县退役"),
    ("县消防救援大队", "县消"),
    ("县数据局", "县数据"),
    ("县总工会", "县工"),
];

const TOWNS: &[&str] = &[
    "城关镇",
    "东关镇",
    "西河镇",
    "南山乡",
    "北坪乡",
    "青石镇",
    "白水镇",
    "柳林乡",
    "红旗镇",
    "石桥镇",
    "龙泉乡",
    "新华街道",
];

/// The county's departments (ids 100…) and the towns' party-government
/// offices (ids 300…, each under its town 200…).
pub(crate) fn units() -> Vec<Unit> {
    let mut units: Vec<Unit> = DEPARTMENTS
        .iter()
        .zip(100..)
        .map(|(&(name, abbr), id)| Unit {
            id,
            name: format!("示例{name}"),
            abbr: abbr.to_string(),
            path: vec![CITY, COUNTY, id],
        })
        .collect();
    for (i, town) in TOWNS.iter().enumerate() {
        let town_id = 200 + i as i64;
        let id = 300 + i as i64;
        let first: String = town.chars().take(2).collect();
        units.push(Unit {
            id,
            name: format!("{town}党政办公室"),
            abbr: format!("{first}政"),
            path: vec![CITY, COUNTY, town_id, id],
        });
    }
    units
}

pub(crate) const CARRIERS: &[&str] = &["formal", "white_header", "letter", "memo", "oa"];
const CARRIER_WEIGHTS: &[usize] = &[50, 15, 10, 10, 15];
pub(crate) const KINDS: &[&str] = &[
    "通知", "意见", "通报", "报告", "请示", "批复", "函", "纪要", "决定",
];
const KIND_WEIGHTS: &[usize] = &[45, 12, 10, 8, 5, 5, 8, 4, 3];
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 2019..=2026;

const LEADS: &[&str] = &[
    "做好",
    "进一步加强",
    "开展",
    "深入推进",
    "切实做好",
    "扎实开展",
    "全面加强",
    "持续深化",
];
const SUBJECTS: &[&str] = &[
    "工作",
    "专项行动",
    "集中整治",
    "督查检查",
    "宣传月活动",
    "百日攻坚行动",
    "排查整治",
    "考核评估",
];
const UNITS_ADDRESSED: &[&str] = &[
    "各乡镇（街道）",
    "县直各有关单位",
    "各村（社区）",
    "各有关部门",
];
const HEADINGS: &[&str] = &[
    "提高思想认识",
    "明确工作目标",
    "突出工作重点",
    "强化工作措施",
    "加强组织领导",
    "严格督促检查",
    "注重宣传引导",
    "健全长效机制",
    "落实工作责任",
    "强化保障措施",
];
const NUMERALS: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八"];

fn weighted<'a>(rng: &mut Rng, items: &'a [&'a str], weights: &[usize]) -> &'a str {
    let mut roll = rng.below(weights.iter().sum());
    for (item, weight) in items.iter().zip(weights) {
        if roll < *weight {
            return item;
        }
        roll -= weight;
    }
    items[0]
}

/// One sentence of notice prose about `topic`.
fn sentence(rng: &mut Rng, topic: &Topic, issuer: &str, out: &mut String) {
    let kw = rng.word(topic.keywords);
    let kw2 = rng.word(topic.keywords);
    let units = rng.word(UNITS_ADDRESSED);
    let t = topic.name;
    let s = match rng.below(18) {
        0 => format!("{units}要充分认识做好{t}工作的重要性和紧迫性，切实把思想和行动统一到上级决策部署上来。"),
        1 => format!("要进一步压实{kw}责任，建立健全工作机制，确保各项措施落地见效。"),
        2 => format!("{units}要于{}月{}日前将{t}工作开展情况书面报送{issuer}。", rng.range(1, 12), rng.range(1, 28)),
        3 => "对工作不力、推诿扯皮的，将予以通报批评；情节严重的，依规依纪严肃追责问责。".to_string(),
        4 => format!("要坚持问题导向，聚焦{kw}、{kw2}等突出问题，开展专项整治，做到发现一起、查处一起。"),
        5 => format!("严禁层层加码、搞变通，不得以{kw}代替实际工作成效。"),
        6 => format!("成立由县政府分管领导任组长的{t}工作领导小组，领导小组办公室设在{issuer}。"),
        7 => format!("{units}要建立{kw}工作台账，实行清单化管理、项目化推进，做到底数清、情况明。"),
        8 => format!("{issuer}将会同有关部门采取明查暗访、随机抽查等方式开展督导，督导结果纳入年度综合考核。"),
        9 => format!("要充分利用广播、电视、微信公众号等渠道，广泛宣传{t}相关政策，营造良好社会氛围。"),
        10 => format!("全年共完成{kw}{}项，较上年增长{}.{}%。", rng.range(3, 400), rng.range(1, 30), rng.below(10)),
        11 => "要统筹发展和安全，坚持人民至上、生命至上，全力保障人民群众生命财产安全。".to_string(),
        12 => format!("加强经费保障，将{t}工作经费纳入年度财政预算，确保专款专用。"),
        13 => "各单位主要负责同志是第一责任人，分管负责同志是直接责任人，要亲自部署、靠前指挥。".to_string(),
        14 => "严格落实值班值守和信息报送制度，重要情况第一时间报告，不得迟报、漏报、瞒报。".to_string(),
        15 => format!("坚持以人民为中心的发展思想，着力解决群众在{kw}方面的急难愁盼问题。"),
        16 => format!("结合{kw2}工作实际，认真总结经验做法，形成一批可复制、可推广的典型案例。"),
        _ => format!("各地要把{kw}作为重要政治任务，主动担当作为，确保{t}各项目标任务按期完成。"),
    };
    out.push_str(&s);
}

/// The next document drawn from `rng`.
pub(crate) fn document(rng: &mut Rng, id: i64, units: &[Unit]) -> IndexedDoc {
    let issuer = rng.pick(units);
    let topic = rng.pick(TOPICS);
    let other = rng.pick(TOPICS);
    let year = rng.range(*YEARS.start() as usize, *YEARS.end() as usize) as i32;
    let carrier = weighted(rng, CARRIERS, CARRIER_WEIGHTS);
    let kind = weighted(rng, KINDS, KIND_WEIGHTS);
    let title = match rng.below(4) {
        0 => format!(
            "关于印发《{year}年{}{}实施方案》的{kind}",
            topic.name,
            rng.pick(SUBJECTS)
        ),
        1 => format!(
            "关于{}{}{}的{kind}",
            rng.pick(LEADS),
            rng.pick(topic.keywords),
            rng.pick(SUBJECTS)
        ),
        _ => format!(
            "关于{}{year}年{}{}的{kind}",
            rng.pick(LEADS),
            topic.name,
            rng.pick(SUBJECTS)
        ),
    };
    let doc_number = match carrier {
        "formal" => format!("{}发〔{year}〕{}号", issuer.abbr, rng.range(1, 120)),
        "letter" => format!("{}函〔{year}〕{}号", issuer.abbr, rng.range(1, 80)),
        _ => String::new(),
    };

    let target = rng.range(1_500, 3_000);
    let mut body = String::with_capacity(target * 3 + 256);
    body.push_str(rng.word(UNITS_ADDRESSED));
    body.push_str("：\n为深入贯彻落实上级关于");
    body.push_str(topic.name);
    body.push_str("工作的决策部署，现就有关事项通知如下。\n");
    let mut chars = body.chars().count();
    let mut section = 0;
    while chars < target {
        let heading = format!(
            "{}、{}\n",
            NUMERALS[section % NUMERALS.len()],
            rng.pick(HEADINGS)
        );
        section += 1;
        body.push_str(&heading);
        let before = body.len();
        for _ in 0..rng.range(4, 8) {
            let about = if rng.chance(0.15) { other } else { topic };
            sentence(rng, about, &issuer.name, &mut body);
        }
        body.push('\n');
        chars += heading.chars().count() + body[before..].chars().count();
    }
    body.push_str(&issuer.name);
    let issued_on = format!("{year}-{:02}-{:02}", rng.range(1, 12), rng.range(1, 28));
    body.push('\n');
    body.push_str(&issued_on);

    IndexedDoc {
        id,
        title,
        doc_number,
        body,
        issuer_id: issuer.id,
        issuer_name: issuer.name.clone(),
        issuer_path: issuer.path.clone(),
        year,
        carrier: carrier.to_string(),
        kind: kind.to_string(),
        issued_on,
    }
}
