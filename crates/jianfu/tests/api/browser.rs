//! Headless Chromium (Debian's chromium and chromedriver): a person signs in, sees the home
//! page, and expands the region tree, which htmx loads from the server.
//! WebDriver is spoken directly over reqwest: five JSON calls do not justify a TLS-carrying client crate.
use crate::helpers::{spawn_app, Backend};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

pub(crate) struct Driver {
    child: Child,
    base: String,
    session: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl Driver {
    pub(crate) async fn start() -> Driver {
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{chromedriver} must be installed for the browser test (.ci/run installs it): {e}"));
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while http.get(format!("{base}/status")).send().await.is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().expect("profile dir");
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                     format!("--user-data-dir={}", profile.path().display())]
        }}}});
        let r: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .expect("new session")
            .json()
            .await
            .expect("json");
        let session = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {r}"))
            .to_string();
        Driver {
            child,
            base,
            session,
            http,
            _profile: profile,
        }
    }

    /// The WebDriver answer to one call, errors included.
    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        let req = match method {
            "GET" => self.http.get(url),
            _ => self.http.post(url).json(&body),
        };
        req.send()
            .await
            .expect("webdriver call")
            .json()
            .await
            .expect("webdriver json")
    }

    pub(crate) async fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        let r = self.call(method, path, body).await;
        assert!(r["value"]["error"].is_null(), "{method} {path}: {r}");
        r["value"].clone()
    }

    pub(crate) async fn goto(&self, url: &str) {
        self.cmd("POST", "/url", json!({"url": url})).await;
    }

    pub(crate) async fn find(&self, css: &str) -> String {
        let v = self
            .cmd(
                "POST",
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .await;
        v[ELEMENT_KEY].as_str().expect("element id").to_string()
    }

    pub(crate) async fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        self.cmd(
            "POST",
            &format!("/element/{e}/value"),
            json!({"text": text}),
        )
        .await;
    }

    pub(crate) async fn click(&self, css: &str) {
        let e = self.find(css).await;
        self.cmd("POST", &format!("/element/{e}/click"), json!({}))
            .await;
    }

    /// The page's text; empty while a navigation replaces the page (the body found a moment
    /// ago is then stale), so that a waiting loop polls again instead of failing.
    pub(crate) async fn body_text(&self) -> String {
        let Some(e) = self.try_find("body").await else {
            return String::new();
        };
        let r = self
            .call("GET", &format!("/element/{e}/text"), Value::Null)
            .await;
        let message = r["value"]["message"].as_str().unwrap_or_default();
        match r["value"]["error"].as_str() {
            Some("stale element reference") | Some("no such element") => String::new(),
            // Chromium's own word for a stale node, when the navigation lands between the
            // find and the read.
            Some("unknown error") if message.contains("does not belong to the document") => {
                String::new()
            }
            Some(_) => panic!("element text: {r}"),
            None => r["value"].as_str().unwrap_or_default().to_string(),
        }
    }

    /// Waits until the page's text contains `needle`.
    pub(crate) async fn wait_for_text(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let text = self.body_text().await;
            if text.contains(needle) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "“{needle}” did not appear; page text: {text}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The element matching `css`, or `None` while there is none (a page still loading).
    pub(crate) async fn try_find(&self, css: &str) -> Option<String> {
        let r = self
            .call(
                "POST",
                "/element",
                json!({"using": "css selector", "value": css}),
            )
            .await;
        r["value"][ELEMENT_KEY].as_str().map(str::to_string)
    }

    /// Waits until an element matching `css` exists (e.g. after an htmx swap).
    pub(crate) async fn wait_for_element(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.try_find(css).await.is_none() {
            assert!(Instant::now() < deadline, "no element {css}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs a script in the page and returns its value, or `None` when the page went away
    /// under it (a navigation landing meanwhile), for waiting loops that poll again.
    pub(crate) async fn try_script(&self, script: &str) -> Option<Value> {
        let r = self
            .call(
                "POST",
                "/execute/sync",
                json!({"script": script, "args": []}),
            )
            .await;
        r["value"]["error"].is_null().then(|| r["value"].clone())
    }

    /// Runs a script in the page and returns its value.
    pub(crate) async fn script(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": []}),
        )
        .await
    }

    pub(crate) async fn screenshot(&self, name: &str) {
        let v = self.cmd("GET", "/screenshot", Value::Null).await;
        if let Some(png) = v.as_str().and_then(base64_decode) {
            let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(dir.join(name), png);
        }
    }
}

/// Standard base64 (WebDriver screenshots), without pulling in a crate for it.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let bytes: Vec<u8> = s
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let v: Vec<u8> = chunk.iter().map(|c| val(*c)).collect::<Option<_>>()?;
        let n = v
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, x)| acc | (u32::from(*x) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..v.len()]);
    }
    Some(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_and_browses_the_region_tree() {
    let app = spawn_app(Backend::Sqlite).await;
    let driver = Driver::start().await;
    driver.goto(&app.url("/")).await;
    driver.wait_for_text("登录").await;
    driver.type_into("input[name=username]", "supervisor").await;
    driver
        .type_into("input[name=password]", jianfu_demo::DEMO_PASSWORD)
        .await;
    // Something recorded this year, for the charts to draw.
    let agri = app.unit_id("县农业农村局").await;
    let county = app.unit_id("示例县").await;
    let (status, d) = app
        .send(
            "supervisor",
            "POST",
            "/api/v1/documents",
            &json!({"issuer_id": agri, "title": "关于做好冬季防火工作的通知", "kind": "通知", "carrier": "formal",
                    "issued_on": jianfu_core::time::today().to_string(), "targets": [{"unit_id": county, "level": "village"}],
                    "body": "请各村认真做好冬季防火工作。"}),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{d}");
    driver.click("button[type=submit]").await;
    let home = driver.wait_for_text("快捷入口").await;
    assert!(
        home.contains("县专班 王建国") && home.contains("乡镇（街道）") && home.contains("12"),
        "{home}"
    );
    // The dashboard draws its charts: counts and reach apart.
    driver.wait_for_element("#trend-chart canvas").await;
    driver.wait_for_element("#issuers-reach-chart canvas").await;
    driver.wait_for_element("#issuers-chart canvas").await;
    driver.screenshot("home.png").await;

    driver.goto(&app.url("/org")).await;
    driver.wait_for_text("组织树").await;
    // Expanding the county loads its towns through htmx.
    let town = app.unit_id("青石镇").await;
    driver.click(".tree .expander").await;
    driver
        .wait_for_element(&format!(".tree ul a[href='/org/{town}']"))
        .await;
    driver.click("a[href='/users']").await;
    let users = driver.wait_for_text("用户管理").await;
    assert!(users.contains("filer"), "{users}");
    driver.screenshot("users.png").await;

    // The burden ledger draws its chart with ECharts (embedded from npm).
    let town = app.unit_id("青石镇").await;
    driver.goto(&app.url(&format!("/burden?unit={town}"))).await;
    driver.wait_for_text("负担台账 · 青石镇").await;
    driver.wait_for_element("#burden-chart canvas").await;
    driver.goto(&app.url("/warnings")).await;
    driver.wait_for_text("筛选").await;
    driver.goto(&app.url("/burden")).await;
    driver.screenshot("burden.png").await;

    // 发文前评估: a pasted draft comes back with its demands marked in the text.
    driver.goto(&app.url("/analysis")).await;
    driver.wait_for_text("开始评估").await;
    driver
        .type_into(
            "textarea[name=text]",
            "各村（社区）：请于每周五前报送防汛工作周报告，无情况实行零报告。不再要求报送纸质台账。",
        )
        .await;
    driver.click(".analysis-form button[type=submit]").await;
    let page = driver.wait_for_text("向基层提出的要求").await;
    assert!(page.contains("零报告"), "{page}");
    driver.wait_for_element(".marked mark.burden").await;
    driver.screenshot("analysis.png").await;
}

/// On a phone 390 px wide the pages fit: nothing scrolls the page sideways (a wide table
/// scrolls inside its own box).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_a_phone_390_px_wide() {
    let app = spawn_app(Backend::Sqlite).await;
    // Plans of two units, so that the plans table has rows to be wide with.
    for unit in ["县农业农村局", "县教育局"] {
        let id = app.unit_id(unit).await;
        let (status, body) = app
            .send(
                "supervisor",
                "PUT",
                "/api/v1/plans",
                &json!({"unit_id": id, "year": jianfu_core::time::current_year(), "planned_documents": 30,
                        "planned_meetings": 10, "document_quota": 40, "meeting_quota": 12}),
            )
            .await;
        assert!(status.is_success(), "{body}");
    }
    let driver = Driver::start().await;
    driver
        .cmd("POST", "/window/rect", json!({"width": 390, "height": 844}))
        .await;
    driver.goto(&app.url("/")).await;
    driver.wait_for_text("登录").await;
    driver.type_into("input[name=username]", "supervisor").await;
    driver
        .type_into("input[name=password]", jianfu_demo::DEMO_PASSWORD)
        .await;
    driver.click("button[type=submit]").await;
    driver.wait_for_text("快捷入口").await;
    let width = driver.script("return window.innerWidth;").await;
    assert!(
        width.as_i64().is_some_and(|w| w <= 390),
        "the window is a phone's: {width}"
    );
    // The side-by-side copy view: a township's notice that copies the county's, whose long
    // title heads a column.
    let copy = copied_notice(&app).await;
    let copy_page = format!("/documents/{copy}");
    for (path, text) in [
        ("/plans", "年度计划"),
        ("/", "快捷入口"),
        ("/warnings", "筛选"),
        ("/burden", "负担台账"),
        (copy_page.as_str(), "重合"),
    ] {
        driver.goto(&app.url(path)).await;
        driver.wait_for_text(text).await;
        let scroll = driver
            .script(
                "document.querySelectorAll('details').forEach(function (d) { d.open = true; }); \
                 return document.documentElement.scrollWidth;",
            )
            .await;
        driver
            .screenshot(&format!("phone{}.png", path.replace('/', "-")))
            .await;
        assert!(
            scroll.as_i64().is_some_and(|w| w <= 390),
            "{path} scrolls sideways on a phone: scrollWidth {scroll}"
        );
    }
}

/// A county notice with a long title and a township notice copying it, once the copy's reading
/// has found the match: the copy's id.
async fn copied_notice(app: &crate::helpers::TestApp) -> i64 {
    let county = app.unit_id("示例县").await;
    let town = app.unit_id("青石镇").await;
    let notice = "为深入贯彻落实上级关于冬春农田水利建设的决策部署，切实做好今冬明春全县农田水利基本建设工作，现将有关事项通知如下。\n\
一、明确建设任务。今冬明春全县计划新建和改造高标准农田一万二千亩，整治山塘水库四十座，清淤疏浚灌溉渠道八十公里，各乡镇要按照分解下达的任务，逐项落实到村到地块。\n\
二、加强资金保障。县财政统筹安排农田水利建设专项资金，实行项目化管理，专款专用，严禁截留挪用；各乡镇要积极争取社会资本参与小型水利工程建设和管护。\n\
三、严格质量管理。项目建设严格执行招标投标、工程监理和竣工验收制度，县水利局组织技术人员分片包干，对渠道衬砌、泵站改造等关键环节开展现场技术指导。\n\
四、落实管护责任。工程建成后及时明确管护主体，落实管护经费，建立健全小型水利工程长效管护机制，确保工程建得成、管得好、长受益。";
    let file = |issuer: i64,
                target: Value,
                title: &'static str,
                body: String,
                date: &'static str| {
        let body = json!({"issuer_id": issuer, "title": title, "kind": "通知", "carrier": "formal", "issued_on": date,
                          "targets": [target], "body": body});
        async move {
            let (status, d) = app
                .send("supervisor", "POST", "/api/v1/documents", &body)
                .await;
            assert_eq!(status, reqwest::StatusCode::CREATED, "{d}");
            d["id"].as_i64().unwrap()
        }
    };
    file(
        county,
        json!({"unit_id": county, "level": "township"}),
        "关于认真做好二〇二六年今冬明春全县农田水利基本建设和高标准农田建设工作的通知",
        notice.to_string(),
        "2026-10-08",
    )
    .await;
    let copy = file(
        town,
        json!({"unit_id": town, "level": "village"}),
        "关于做好全镇农田水利基本建设工作的通知",
        format!(
            "各村（社区）：\n{}",
            notice.replace("全县", "全镇").replace("各乡镇", "各村")
        ),
        "2026-10-15",
    )
    .await;
    for _ in 0..120 {
        let (_, a) = app
            .get("supervisor", &format!("/api/v1/documents/{copy}/analysis"))
            .await;
        if a["status"] == "done" {
            assert!(
                !a["analysis"]["copy_matches"].as_array().unwrap().is_empty(),
                "{a}"
            );
            return copy;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("the copy was not read within 30 s");
}
