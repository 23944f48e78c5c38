//! The demo region: 示例市 → 示例县 with its departments, towns and streets, villages and
//! communities, and one account per role. Created once; a second start reuses it.
//! Tests build on the same region, so the demo and the tests share one factory.
//!
//! The demo knows no module: each module seeds its own two years of activity through the
//! [`DemoSeed`] of its manifest, in the [`Seeding`] context this crate offers.
mod seeding;

pub use seeding::{
    cn_date, pick, random_day, workday, year_end, ymd, Issuer, Seeding, Tier, YEARS,
};

use jianfu_core::{Actor, AppResult, Level, Role};
use jianfu_domain::{org, people};
use jianfu_store::{settings, Db, Tx};
use std::future::Future;
use std::pin::Pin;

pub const DEMO_PASSWORD: &str = "Jianfu2026";
const SEEDED_KEY: &str = "demo.region.v1";

/// A demo account, as printed at start.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub unit_name: String,
}

pub struct DemoRegion {
    /// Whether this call created the region (false: it was already there).
    pub created: bool,
    pub logins: Vec<DemoLogin>,
}

const CITY_DEPARTMENTS: &[&str] = &[
    "示例市委办公室",
    "示例市人民政府办公室",
    "示例市委组织部",
    "示例市教育局",
    "示例市农业农村局",
    "示例市卫生健康委员会",
    "示例市应急管理局",
    "示例市纪委监委",
];

const COUNTY_DEPARTMENTS: &[&str] = &[
    "县委办公室",
    "县整治形式主义为基层减负工作专班办公室",
    "县人民政府办公室",
    "县纪委监委",
    "县委组织部",
    "县委宣传部",
    "县委统战部",
    "县委政法委员会",
    "县委社会工作部",
    "县发展和改革局",
    "县教育局",
    "县科学技术和工业信息化局",
    "县公安局",
    "县民政局",
    "县司法局",
    "县财政局",
    "县人力资源和社会保障局",
    "县自然资源局",
    "县生态环境分局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县水利局",
    "县农业农村局",
    "县商务局",
    "县文化和旅游局",
    "县卫生健康局",
    "县退役军人事务局",
    "县应急管理局",
    "县审计局",
    "县市场监督管理局",
    "县统计局",
    "县医疗保障局",
    "县信访局",
    "县数据局",
];

/// Towns and streets with their villages or communities.
const TOWNSHIPS: &[(&str, &[&str])] = &[
    (
        "城关街道",
        &[
            "东关社区",
            "西关社区",
            "南街社区",
            "北街社区",
            "文昌社区",
            "滨河社区",
            "育才社区",
            "建设路社区",
            "新华社区",
            "和平社区",
            "幸福里社区",
        ],
    ),
    (
        "东城街道",
        &[
            "东城社区",
            "朝阳社区",
            "光明社区",
            "团结社区",
            "站前社区",
            "锦绣社区",
            "金桥社区",
            "花园社区",
            "东湖社区",
            "明珠社区",
            "永安社区",
            "龙湾社区",
        ],
    ),
    (
        "青石镇",
        &[
            "青石村",
            "李家庄村",
            "王家沟村",
            "石门村",
            "上坪村",
            "下坪村",
            "柏树村",
            "红岩村",
            "大湾村",
            "小河村",
            "黄土岭村",
            "枣园村",
            "马家岭村",
        ],
    ),
    (
        "柳河镇",
        &[
            "柳河村",
            "张家营村",
            "杨树湾村",
            "前进村",
            "胜利村",
            "东风村",
            "红旗村",
            "新民村",
            "沙河村",
            "北岗村",
            "南岗村",
            "三合村",
            "五里铺村",
        ],
    ),
    (
        "白马镇",
        &[
            "白马村",
            "刘家寨村",
            "赵家坪村",
            "马鞍山村",
            "石桥村",
            "槐树村",
            "兴隆村",
            "长岭村",
            "后沟村",
            "前沟村",
            "白土村",
            "双河村",
            "四方村",
        ],
    ),
    (
        "龙泉镇",
        &[
            "龙泉村",
            "陈家湾村",
            "周家堡村",
            "泉水村",
            "龙王庙村",
            "凤凰村",
            "金星村",
            "银杏村",
            "茶园村",
            "高桥村",
            "双龙村",
            "大坪村",
            "松林村",
        ],
    ),
    (
        "石桥镇",
        &[
            "石桥社区",
            "孙家洼村",
            "吴家庄村",
            "郑家岗村",
            "河西村",
            "河东村",
            "桃花村",
            "杏花村",
            "梨园村",
            "万家村",
            "新庄村",
            "老庄村",
            "古城村",
        ],
    ),
    (
        "杨柳乡",
        &[
            "杨柳村",
            "黄家沟村",
            "何家湾村",
            "清泉村",
            "团山村",
            "梅子村",
            "竹园村",
            "牛角村",
            "羊山村",
            "白云村",
            "青龙村",
            "三道河村",
        ],
    ),
    (
        "高山乡",
        &[
            "高山村",
            "林家岭村",
            "罗家坝村",
            "云雾村",
            "天池村",
            "鹰嘴岩村",
            "松树坪村",
            "石板村",
            "大山村",
            "小山村",
            "岭上村",
            "坪上村",
        ],
    ),
    (
        "清水镇",
        &[
            "清水村",
            "徐家桥村",
            "朱家台村",
            "水口村",
            "沙坪村",
            "柳林村",
            "荷花村",
            "新桥村",
            "旧县村",
            "东岳村",
            "太平村",
            "永丰村",
            "丰收村",
        ],
    ),
    (
        "红星乡",
        &[
            "红星村",
            "郭家庄村",
            "宋家坡村",
            "星火村",
            "先锋村",
            "建国村",
            "民主村",
            "跃进村",
            "友谊村",
            "向阳村",
            "长青村",
            "立新村",
        ],
    ),
    (
        "桃源镇",
        &[
            "桃源村",
            "谢家湾村",
            "韩家岭村",
            "桃林村",
            "花果山村",
            "柿子园村",
            "核桃坪村",
            "山楂村",
            "樱桃沟村",
            "葡萄园村",
            "石榴村",
            "板栗村",
            "枫香村",
        ],
    ),
];

/// The accounts the demo prints, and where they sit.
struct Account {
    username: &'static str,
    display_name: &'static str,
    role: Role,
    /// Name of the unit, looked up among the units created.
    unit: &'static str,
}

const ACCOUNTS: &[Account] = &[
    Account {
        username: "admin",
        display_name: "系统管理员",
        role: Role::Admin,
        unit: "示例市",
    },
    Account {
        username: "city_supervisor",
        display_name: "市专班 周敏",
        role: Role::Supervisor,
        unit: "示例市委办公室",
    },
    Account {
        username: "supervisor",
        display_name: "县专班 王建国",
        role: Role::Supervisor,
        unit: "县整治形式主义为基层减负工作专班办公室",
    },
    Account {
        username: "filer",
        display_name: "县农业农村局 李明",
        role: Role::Filer,
        unit: "县农业农村局",
    },
    Account {
        username: "filer_edu",
        display_name: "县教育局 赵静",
        role: Role::Filer,
        unit: "县教育局",
    },
    Account {
        username: "township",
        display_name: "青石镇党政办 张伟",
        role: Role::Grassroots,
        unit: "青石镇",
    },
    Account {
        username: "village",
        display_name: "李家庄村 刘芳",
        role: Role::Grassroots,
        unit: "李家庄村",
    },
    Account {
        username: "inspector",
        display_name: "县纪委监委 陈刚",
        role: Role::Inspector,
        unit: "县纪委监委",
    },
];

pub fn logins() -> Vec<DemoLogin> {
    ACCOUNTS
        .iter()
        .map(|a| DemoLogin {
            username: a.username,
            display_name: a.display_name,
            role: a.role,
            unit_name: a.unit.to_string(),
        })
        .collect()
}

/// A module's demo seed, declared in its manifest (`modules/<name>/src/demo.rs`).
pub struct DemoSeed {
    /// Writes the module's demo items and sets the rule settings they need, in the region's
    /// transaction, after the seeds of the modules listed before it.
    pub seed: for<'a> fn(&'a mut Tx, &'a mut Seeding) -> SeedFuture<'a>,
    /// Runs once the region's transaction has committed (document intelligence reads every
    /// queued document, so that its warnings are there from the first page).
    pub after_commit: Option<for<'a> fn(&'a Db) -> SeedFuture<'a>>,
}

/// What a demo seed returns.
pub type SeedFuture<'a> = Pin<Box<dyn Future<Output = AppResult<()>> + Send + 'a>>;

/// Creates the demo region with two years of the modules' activity unless it exists: the
/// region and its accounts, then each seed in order, the annual plans they give, and after the
/// commit each seed's `after_commit` and one evaluation of every rule.
pub async fn ensure(db: &Db, seeds: &[&DemoSeed]) -> AppResult<DemoRegion> {
    ensure_with(db, Some(seeds)).await
}

/// The region and its accounts without two years of activity: the empty ledger that the
/// HTTP tests start from.
pub async fn ensure_region(db: &Db) -> AppResult<DemoRegion> {
    ensure_with(db, None).await
}

async fn ensure_with(db: &Db, seeds: Option<&[&DemoSeed]>) -> AppResult<DemoRegion> {
    let logins = logins();
    if settings::get(&mut db.reader(), SEEDED_KEY).await?.is_some() {
        return Ok(DemoRegion {
            created: false,
            logins,
        });
    }
    let password_hash = jianfu_domain::auth::hash_password(DEMO_PASSWORD).await?;
    let mut tx = db.begin().await?;
    let units = seed_units(&mut tx).await?;
    let system = Actor::system();
    for a in ACCOUNTS {
        let unit_id = seeding::lookup(&units, a.unit)?;
        let input = people::CreateUser {
            username: a.username.into(),
            display_name: a.display_name.into(),
            password: DEMO_PASSWORD.into(),
            role: a.role,
            unit_id,
            phone: None,
        };
        people::insert(&mut tx, &system, &input, &password_hash).await?;
    }
    if let Some(seeds) = seeds {
        let mut seeding = Seeding::new(units)?;
        for s in seeds {
            (s.seed)(&mut tx, &mut seeding).await?;
        }
        seeding.write_plans(&mut tx).await?;
    }
    settings::set(&mut tx, SEEDED_KEY, &jianfu_core::time::now()).await?;
    tx.commit().await?;
    if let Some(seeds) = seeds {
        for after in seeds.iter().filter_map(|s| s.after_commit) {
            after(db).await?;
        }
        // The plans come after the items they count: evaluate every rule once over it all.
        jianfu_domain::warnings::run_all(db).await?;
    }
    Ok(DemoRegion {
        created: true,
        logins,
    })
}

/// Creates the units and returns (name, id) of each.
async fn seed_units(tx: &mut Tx) -> AppResult<Vec<(String, i64)>> {
    let system = Actor::system();
    let mut out = Vec::new();
    let mut add = |name: &str, id: i64| out.push((name.to_string(), id));
    let city = org::insert(
        tx,
        &system,
        None,
        "示例市",
        "139900000000",
        Level::City,
        Some(0),
    )
    .await?;
    add("示例市", city);
    for (i, name) in CITY_DEPARTMENTS.iter().enumerate() {
        let id = org::insert(
            tx,
            &system,
            Some(city),
            name,
            &format!("139900-D{:02}", i + 1),
            Level::Department,
            Some(i as i64 + 1),
        )
        .await?;
        add(name, id);
    }
    let county = org::insert(
        tx,
        &system,
        Some(city),
        "示例县",
        "139921000000",
        Level::County,
        Some(100),
    )
    .await?;
    add("示例县", county);
    for (i, name) in COUNTY_DEPARTMENTS.iter().enumerate() {
        let id = org::insert(
            tx,
            &system,
            Some(county),
            name,
            &format!("139921-D{:02}", i + 1),
            Level::Department,
            Some(i as i64 + 1),
        )
        .await?;
        add(name, id);
    }
    for (t, (town, villages)) in TOWNSHIPS.iter().enumerate() {
        let town_code = format!("139921{:03}000", 100 + t);
        let tid = org::insert(
            tx,
            &system,
            Some(county),
            town,
            &town_code,
            Level::Township,
            Some(100 + t as i64),
        )
        .await?;
        add(town, tid);
        let is_street = town.ends_with("街道");
        for (v, village) in villages.iter().enumerate() {
            // Statistical division codes: 1xx for 社区 (residents' committees), 2xx for 村.
            let kind = if is_street || village.ends_with("社区") {
                100
            } else {
                200
            };
            let code = format!("139921{:03}{:03}", 100 + t, kind + v + 1);
            let vid = org::insert(
                tx,
                &system,
                Some(tid),
                village,
                &code,
                Level::Village,
                Some(v as i64 + 1),
            )
            .await?;
            add(village, vid);
        }
    }
    Ok(out)
}
