//! `jianfu bench ledger --items N`: generates a synthetic region with N burden items over two
//! years, shared among the modules that offer a part in the benchmark (documents, meetings, …, see
//! `jianfu_web::bench`), bulk-loads it, runs the full rule re-evaluation and times burden-ledger
//! queries and single document writes. Prints load rate, re-evaluation time, ledger p50/p95,
//! single-write p50/p95 and peak memory.
use chrono::{Duration, NaiveDate};
use jianfu_core::{Actor, Level};
use jianfu_domain::{burden, warnings};
use jianfu_store::burden::{self as spine, BulkItem, BulkTarget};
use jianfu_store::org::{self as org_store, NewUnit};
use jianfu_store::{migrate, Db, Tx};
use jianfu_web::bench::{Bench, BenchItem, BenchLoader, BenchWrite};
use jianfu_web::module;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

pub struct Options {
    pub items: usize,
    pub database: String,
    pub queries: usize,
}

/// Units of the synthetic region.
struct Region {
    counties: Vec<County>,
}

struct County {
    id: i64,
    departments: Vec<i64>,
    townships: Vec<(i64, Vec<i64>)>,
}

const TOWNSHIPS_PER_COUNTY: usize = 12;
const VILLAGES_PER_TOWNSHIP: usize = 12;
const DEPARTMENTS_PER_COUNTY: usize = 25;
/// Items per county: a busy county issues about 20,000 documents and meetings a year.
const ITEMS_PER_COUNTY: usize = 40_000;

async fn unit(
    tx: &mut Tx,
    parent: Option<i64>,
    name: String,
    code: String,
    level: Level,
) -> anyhow::Result<i64> {
    let u = NewUnit {
        parent_id: parent,
        name: &name,
        code: &code,
        level: level.as_str(),
        sort_order: 0,
        region_root: level.is_region_root(),
    };
    Ok(org_store::insert(tx, &u, &jianfu_core::time::now()).await?)
}

async fn build_region(db: &Db, counties: usize) -> anyhow::Result<Region> {
    let mut tx = db.begin().await?;
    let province = unit(&mut tx, None, "测试省".into(), "BP".into(), Level::Province).await?;
    let city = unit(
        &mut tx,
        Some(province),
        "测试市".into(),
        "BC".into(),
        Level::City,
    )
    .await?;
    let mut out = Vec::new();
    for c in 0..counties {
        let county = unit(
            &mut tx,
            Some(city),
            format!("测试{c}县"),
            format!("B{c}"),
            Level::County,
        )
        .await?;
        let mut departments = Vec::new();
        for d in 0..DEPARTMENTS_PER_COUNTY {
            departments.push(
                unit(
                    &mut tx,
                    Some(county),
                    format!("测试{c}县第{d}局"),
                    format!("B{c}-D{d}"),
                    Level::Department,
                )
                .await?,
            );
        }
        let mut townships = Vec::new();
        for t in 0..TOWNSHIPS_PER_COUNTY {
            let town = unit(
                &mut tx,
                Some(county),
                format!("测试{c}县{t}镇"),
                format!("B{c}-T{t}"),
                Level::Township,
            )
            .await?;
            let mut villages = Vec::new();
            for v in 0..VILLAGES_PER_TOWNSHIP {
                villages.push(
                    unit(
                        &mut tx,
                        Some(town),
                        format!("测试{c}县{t}镇{v}村"),
                        format!("B{c}-T{t}-V{v}"),
                        Level::Village,
                    )
                    .await?,
                );
            }
            townships.push((town, villages));
        }
        out.push(County {
            id: county,
            departments,
            townships,
        });
    }
    tx.commit().await?;
    Ok(Region { counties: out })
}

/// The modules that take part in the benchmark, with their loaders for one county.
struct Channels {
    benches: Vec<(&'static str, &'static Bench)>,
    total_weight: u32,
}

impl Channels {
    fn installed() -> anyhow::Result<Channels> {
        let benches: Vec<_> = module::modules()
            .iter()
            .filter_map(|m| m.bench.map(|b| (m.name, b)))
            .collect();
        let total_weight = benches.iter().map(|(_, b)| b.weight).sum();
        anyhow::ensure!(total_weight > 0, "没有模块参与台账基准测试");
        Ok(Channels {
            benches,
            total_weight,
        })
    }

    /// The module an item falls to, by the modules' weights.
    fn pick(&self, rng: &mut StdRng) -> usize {
        let mut n = rng.gen_range(0..self.total_weight);
        for (i, (_, b)) in self.benches.iter().enumerate() {
            if n < b.weight {
                return i;
            }
            n -= b.weight;
        }
        self.benches.len() - 1
    }
}

/// Generates one county's items and loads them. `phases`: seconds spent generating, loading each
/// module's rows, loading the spine.
async fn load_county(
    tx: &mut Tx,
    channels: &Channels,
    county: &County,
    items: usize,
    next_id: &mut i64,
    rng: &mut StdRng,
    phases: &mut Phases,
) -> anyhow::Result<usize> {
    let t0 = Instant::now();
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let mut loaders: Vec<Box<dyn BenchLoader>> =
        channels.benches.iter().map(|(_, b)| (b.loader)()).collect();
    let mut targets = Vec::new();
    let mut spine_items = Vec::new();
    let villages = (TOWNSHIPS_PER_COUNTY * VILLAGES_PER_TOWNSHIP) as i64;
    for _ in 0..items {
        let id = *next_id;
        *next_id += 1;
        let day = start + Duration::days(rng.gen_range(0..730));
        let from_township = rng.gen_bool(0.15);
        let (issuer, target_unit, level, reach) = if from_township {
            let (town, _) = county.townships[rng.gen_range(0..TOWNSHIPS_PER_COUNTY)];
            (town, town, "village", VILLAGES_PER_TOWNSHIP as i64)
        } else {
            let issuer = county.departments[rng.gen_range(0..DEPARTMENTS_PER_COUNTY)];
            match rng.gen_range(0..10) {
                0..=5 => (issuer, county.id, "township", TOWNSHIPS_PER_COUNTY as i64),
                6..=7 => (issuer, county.id, "village", villages),
                _ => (
                    issuer,
                    county.townships[rng.gen_range(0..TOWNSHIPS_PER_COUNTY)].0,
                    "",
                    1,
                ),
            }
        };
        let item = BenchItem {
            id,
            region_id: county.id,
            issuer_id: issuer,
            on_date: day,
            target_level: level,
            reach,
        };
        let i = channels.pick(rng);
        let channel = channels.benches[i].0;
        let measure = loaders[i].add(&item, rng);
        let date = day.to_string();
        spine_items.push(BulkItem {
            channel,
            item_id: id,
            region_id: county.id,
            issuer_id: issuer,
            on_date: date.clone(),
            measure,
            reach,
        });
        targets.push(BulkTarget {
            channel,
            item_id: id,
            region_id: county.id,
            target_unit_id: target_unit,
            target_level: level,
            issuer_id: issuer,
            on_date: date,
            measure,
        });
    }
    let now = jianfu_core::time::now();
    phases.generate += t0.elapsed().as_secs_f64();
    for (loader, seconds) in loaders.iter_mut().zip(phases.modules.iter_mut()) {
        let t0 = Instant::now();
        loader.load(tx, &now).await?;
        *seconds += t0.elapsed().as_secs_f64();
    }
    let t0 = Instant::now();
    spine::bulk_items(tx, &spine_items).await?;
    spine::bulk_targets(tx, &targets).await?;
    phases.spine += t0.elapsed().as_secs_f64();
    Ok(items)
}

/// Seconds spent in each phase of the load.
struct Phases {
    generate: f64,
    /// Per benchmarked module, in the order of [`Channels::benches`].
    modules: Vec<f64>,
    spine: f64,
}

fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// A benchmark's database: migrated, empty, its audit trail signed with a key of its own, thrown
/// away with it.
async fn scratch(database: &str) -> anyhow::Result<Db> {
    let db = Db::connect(database)
        .await?
        .with_audit_key(jianfu_store::AuditKey::new(rand::random::<[u8; 32]>()));
    migrate::run(&db).await?;
    let existing = db
        .scalar(&jianfu_store::Q::new("SELECT COUNT(*) FROM burden_items"))
        .await?;
    anyhow::ensure!(
        existing == 0,
        "基准测试需要一个空数据库（{database} 中已有台账数据）"
    );
    Ok(db)
}

/// Builds the synthetic region and bulk-loads `items` burden items into it, shared among the
/// installed modules by weight; prints what it took and returns the region and the seconds of
/// the load.
async fn load(
    db: &Db,
    database: &str,
    items: usize,
    rng: &mut StdRng,
) -> anyhow::Result<(Region, f64)> {
    let channels = Channels::installed()?;
    let counties = items.div_ceil(ITEMS_PER_COUNTY).max(1);
    let nouns: Vec<&str> = module::modules()
        .iter()
        .filter(|m| m.bench.is_some())
        .map(|m| m.label)
        .collect();
    println!(
        "基准测试：{} 条负担事项（{}），{} 个县，数据库 {}",
        items,
        nouns.join("、"),
        counties,
        database
    );

    let t = Instant::now();
    let region = build_region(db, counties).await?;
    println!("  组织机构：{:.2} 秒", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let mut next_id = 1;
    let mut loaded = 0;
    let mut phases = Phases {
        generate: 0.0,
        modules: vec![0.0; channels.benches.len()],
        spine: 0.0,
    };
    // One transaction: a fresh load drops the tables' indexes (and on PostgreSQL their keys and
    // foreign keys), and a failure must bring them back.
    let mut tx = db.begin().await?;
    let tables: Vec<&'static str> = channels.benches.iter().map(|(_, b)| b.table).collect();
    let dropped = spine::before_bulk_load(&mut tx, &tables).await?;
    for (i, c) in region.counties.iter().enumerate() {
        let share = items / counties + usize::from(i < items % counties);
        loaded += load_county(&mut tx, &channels, c, share, &mut next_id, rng, &mut phases).await?;
    }
    let t0 = Instant::now();
    spine::after_bulk_load(&mut tx, dropped).await?;
    let rebuild = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    tx.commit().await?;
    let commit = t0.elapsed().as_secs_f64();
    let load = t.elapsed().as_secs_f64();
    println!(
        "  装载：{loaded} 条，{load:.2} 秒，{:.0} 条/秒",
        loaded as f64 / load
    );
    let per_module: String = channels
        .benches
        .iter()
        .zip(&phases.modules)
        .filter_map(|((name, _), secs)| {
            let m = module::modules().iter().find(|m| m.name == *name)?;
            Some(format!("{} {secs:.2} 秒，", m.label))
        })
        .collect();
    println!(
        "    其中生成 {:.2} 秒，{per_module}负担主表与覆盖对象 {:.2} 秒，提交 {commit:.2} 秒，重建索引与统计 {rebuild:.2} 秒",
        phases.generate, phases.spine
    );
    // Not part of the load: what autovacuum would do to the loaded tables soon after.
    let t0 = Instant::now();
    spine::vacuum_after_load(db, &tables).await?;
    if db.backend() == jianfu_store::Backend::Postgres {
        println!(
            "  装载后清理（VACUUM）：{:.2} 秒",
            t0.elapsed().as_secs_f64()
        );
    }

    Ok((region, load))
}

pub async fn ledger_bench(o: Options) -> anyhow::Result<()> {
    let db = scratch(&o.database).await?;
    let mut rng = StdRng::seed_from_u64(2026);
    let (region, load) = load(&db, &o.database, o.items, &mut rng).await?;

    let t = Instant::now();
    let outcome = warnings::run_all(&db).await?;
    let eval = t.elapsed().as_secs_f64();
    println!(
        "  全量规则评估：{eval:.2} 秒，产生预警 {} 条",
        outcome.raised
    );
    println!("  装载加评估合计：{:.2} 秒", load + eval);

    let system = Actor::system();
    let from = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let to = NaiveDate::from_ymd_opt(2026, 12, 31).ok_or_else(|| anyhow::anyhow!("date"))?;
    let mut times = Vec::with_capacity(o.queries);
    for _ in 0..o.queries {
        let c = &region.counties[rng.gen_range(0..region.counties.len())];
        let (town, villages) = &c.townships[rng.gen_range(0..TOWNSHIPS_PER_COUNTY)];
        let unit = if rng.gen_bool(0.7) {
            villages[rng.gen_range(0..VILLAGES_PER_TOWNSHIP)]
        } else {
            *town
        };
        let t = Instant::now();
        let l = burden::ledger(&db, &system, unit, from, to).await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(l);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "  负担台账查询（{} 次，乡镇或村，一年含上年同期）：p50 {:.1} 毫秒，p95 {:.1} 毫秒",
        o.queries,
        percentile(&times, 0.5),
        percentile(&times, 0.95)
    );
    single_writes(&db, &region, &mut rng).await?;
    if let Some(m) = peak_memory_mib() {
        println!("  进程内存峰值：{m:.0} MiB");
    }
    db.close().await;
    Ok(())
}

/// Single writes through the path a filer's form takes (validate, store, spine, audit,
/// re-evaluate the rules the write can change, commit), into the loaded region, for each module
/// that offers one.
async fn single_writes(db: &Db, region: &Region, rng: &mut StdRng) -> anyhow::Result<()> {
    const WRITES: usize = 20;
    for m in module::modules() {
        let Some(write) = m.bench.and_then(|b| b.write) else {
            continue;
        };
        let mut times = Vec::with_capacity(WRITES);
        for index in 0..WRITES {
            let c = &region.counties[rng.gen_range(0..region.counties.len())];
            let issuer_id = c.departments[rng.gen_range(0..c.departments.len())];
            let on_date = NaiveDate::from_ymd_opt(2026, 6, 1 + (index % 28) as u32)
                .ok_or_else(|| anyhow::anyhow!("date"))?;
            let w = BenchWrite {
                index,
                region_id: c.id,
                issuer_id,
                on_date,
            };
            let t = Instant::now();
            write(db, w).await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "  单条{}写入（{WRITES} 次，含所涉规则重评）：p50 {:.1} 毫秒，p95 {:.1} 毫秒",
            m.label,
            percentile(&times, 0.5),
            percentile(&times, 0.95)
        );
    }
    Ok(())
}

pub struct WritesOptions {
    pub items: usize,
    pub writers: usize,
    pub seconds: u64,
    /// Ledger reads per second during the writes; 0: one reader reads back to back.
    pub reads_per_second: u32,
    pub database: String,
}

/// `jianfu bench writes`: loads `items` burden items, starts the server on a free local port and
/// lets `writers` clients write through the JSON API for `seconds` seconds (each module that
/// offers an API write gets its share), while one reader asks for grassroots units' burden
/// ledgers. Prints writes per second, write latency p50/p99 and the reads' p99 under the load.
pub async fn writes_bench(o: WritesOptions) -> anyhow::Result<()> {
    let writes: Vec<(&'static str, jianfu_web::bench::HttpWriteFn)> = module::modules()
        .iter()
        .filter_map(|m| m.bench.and_then(|b| b.http).map(|h| (m.label, h)))
        .collect();
    anyhow::ensure!(!writes.is_empty(), "没有模块提供接口写入，无法测试");
    let db = scratch(&o.database).await?;
    let mut rng = StdRng::seed_from_u64(2026);
    let (region, _) = load(&db, &o.database, o.items, &mut rng).await?;
    warnings::run_all(&db).await?;

    // An administrator of the region's city files for any of its departments, through a token.
    let city = db
        .scalar(
            &jianfu_store::Q::new("SELECT parent_id FROM org_units WHERE id = $1")
                .bind(region.counties[0].id),
        )
        .await?;
    let password = "Bench2026x";
    let hash = jianfu_domain::auth::hash_password(password).await?;
    let mut tx = db.begin().await?;
    let account = jianfu_domain::people::CreateUser {
        username: "bench_admin".into(),
        display_name: "基准测试".into(),
        password: password.into(),
        role: jianfu_core::Role::Admin,
        unit_id: city,
        phone: None,
    };
    jianfu_domain::people::insert(&mut tx, &Actor::system(), &account, &hash).await?;
    tx.commit().await?;
    let token = jianfu_domain::auth::issue_token(&db, "bench_admin", "基准测试").await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let state = jianfu_web::AppState::new(db.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(jianfu_web::serve_until(listener, state, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder().build()?;
    let region = std::sync::Arc::new(region);
    let deadline = Instant::now() + std::time::Duration::from_secs(o.seconds);
    println!(
        "  写入：{} 个并发客户端，{} 秒（{}），服务 {base}",
        o.writers,
        o.seconds,
        writes
            .iter()
            .map(|(l, _)| *l)
            .collect::<Vec<_>>()
            .join("、")
    );

    let mut tasks = Vec::new();
    for w in 0..o.writers {
        let (client, token, base, region) =
            (client.clone(), token.clone(), base.clone(), region.clone());
        let write = writes[w % writes.len()].1;
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(w as u64);
            let (mut times, mut failed, mut first_failure) = (Vec::new(), 0usize, None);
            let mut index = w * 1_000_000;
            while Instant::now() < deadline {
                let c = &region.counties[rng.gen_range(0..region.counties.len())];
                let on_date =
                    NaiveDate::from_ymd_opt(2026, rng.gen_range(1..=11), rng.gen_range(1..=28))
                        .unwrap_or_default();
                let request = write(&BenchWrite {
                    index,
                    region_id: c.id,
                    issuer_id: c.departments[rng.gen_range(0..c.departments.len())],
                    on_date,
                });
                index += 1;
                let t = Instant::now();
                let sent = client
                    .post(format!("{base}{}", request.path))
                    .bearer_auth(&token)
                    .json(&request.body)
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status().is_success() => {
                        times.push(t.elapsed().as_secs_f64() * 1000.0)
                    }
                    Ok(r) => {
                        failed += 1;
                        if first_failure.is_none() {
                            let status = r.status();
                            first_failure =
                                Some(format!("{status} {}", r.text().await.unwrap_or_default()));
                        }
                    }
                    Err(e) => {
                        failed += 1;
                        first_failure.get_or_insert_with(|| e.to_string());
                    }
                }
            }
            (times, failed, first_failure)
        }));
    }
    let reads_per_second = o.reads_per_second;
    let reader = {
        let (client, token, base, region) =
            (client.clone(), token.clone(), base.clone(), region.clone());
        tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(99);
            let mut times = Vec::new();
            let mut pace = (reads_per_second > 0).then(|| {
                let mut i = tokio::time::interval(std::time::Duration::from_secs_f64(
                    1.0 / f64::from(reads_per_second),
                ));
                i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                i
            });
            while Instant::now() < deadline {
                if let Some(p) = pace.as_mut() {
                    p.tick().await;
                }
                let c = &region.counties[rng.gen_range(0..region.counties.len())];
                let (_, villages) = &c.townships[rng.gen_range(0..TOWNSHIPS_PER_COUNTY)];
                let unit = villages[rng.gen_range(0..VILLAGES_PER_TOWNSHIP)];
                let t = Instant::now();
                let ok = client
                    .get(format!(
                        "{base}/api/v1/burden?unit={unit}&from=2026-01-01&to=2026-12-31"
                    ))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if ok {
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                }
            }
            times
        })
    };
    let started = Instant::now();
    let (mut times, mut failed, mut first_failure) = (Vec::new(), 0, None);
    for t in tasks {
        let (t, f, first) = t.await?;
        times.extend(t);
        failed += f;
        first_failure = first_failure.or(first);
    }
    let elapsed = started.elapsed().as_secs_f64().max(o.seconds as f64);
    let mut reads = reader.await?;
    // The server stops its background work (the document reader) before the database closes.
    let _ = stop.send(());
    server.await??;
    times.sort_by(|a, b| a.total_cmp(b));
    reads.sort_by(|a, b| a.total_cmp(b));
    println!(
        "  写入 {} 条（失败 {failed} 条），{:.1} 条/秒；写入延迟 p50 {:.1} 毫秒，p99 {:.1} 毫秒",
        times.len(),
        times.len() as f64 / elapsed,
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
    if let Some(f) = first_failure {
        println!("  首个失败的写入：{f}");
    }
    println!(
        "  同时读取负担台账 {} 次：p50 {:.1} 毫秒，p99 {:.1} 毫秒",
        reads.len(),
        percentile(&reads, 0.5),
        percentile(&reads, 0.99)
    );
    db.close().await;
    Ok(())
}
