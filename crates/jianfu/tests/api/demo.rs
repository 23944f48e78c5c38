//! The demo as `jianfu demo` seeds it: every installed module's two years of activity.
use jianfu_store::{migrate, Db, Q};
use std::collections::HashMap;

/// Items per channel and year, read from the burden spine.
async fn per_year(db: &Db) -> HashMap<(String, String), i64> {
    let rows: Vec<(String, String, i64)> = db
        .reader()
        .fetch_all(&Q::new(
            "SELECT channel, SUBSTR(on_date, 1, 4), COUNT(*) FROM burden_items GROUP BY 1, 2",
        ))
        .await
        .expect("items per year");
    rows.into_iter().map(|(c, y, n)| ((c, y), n)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_activity_trips_every_rule_and_goes_down() {
    jianfu::install().expect("modules");
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/j.db", dir.path().display());
    let db = Db::connect(&url)
        .await
        .expect("connect")
        .with_audit_key(crate::helpers::audit_key());
    migrate::run(&db).await.expect("migrate");
    let started = std::time::Instant::now();
    let region = jianfu_web::module::seed_demo(&db).await.expect("demo");
    assert!(region.created);
    eprintln!("demo seeded in {:?}", started.elapsed());

    let items = per_year(&db).await;
    eprintln!("items per channel and year: {items:?}");
    let n = |c: &str, y: &str| items.get(&(c.into(), y.into())).copied().unwrap_or(0);
    let (d25, d26) = (n("documents", "2025"), n("documents", "2026"));
    assert!((600..=900).contains(&d25), "2025 documents: {d25}");
    assert!(d26 < d25 && d26 >= 300, "2026 documents: {d26}");
    let (m25, m26) = (n("meetings", "2025"), n("meetings", "2026"));
    assert!((250..=400).contains(&m25), "2025 meetings: {m25}");
    assert!(
        (250..=400).contains(&m26) && m26 < m25,
        "2026 meetings: {m26}"
    );

    let mut conn = db.reader();
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

    // Most issuers go down year on year (只减不增).
    let counts: Vec<(i64, String, i64)> = conn
        .fetch_all(&Q::new(
            "SELECT issuer_id, SUBSTR(on_date, 1, 4), COUNT(*) FROM burden_items \
             WHERE channel = 'documents' GROUP BY 1, 2",
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
}
