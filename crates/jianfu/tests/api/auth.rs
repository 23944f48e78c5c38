//! Signing in through the web UI: the pages, CSRF, rate limiting, scope in the pages.
use crate::both_backends;
use crate::helpers::{csrf_of, spawn_app, spawn_app_with, Backend, TestApp};
use reqwest::StatusCode;

both_backends!(
    login_home_and_logout,
    wrong_passwords_are_throttled,
    forms_need_the_csrf_token,
    pages_follow_the_callers_scope,
    answers_carry_security_headers,
    half_sent_requests_are_cut_off,
    one_address_holds_a_bounded_number_of_connections,
    clients_behind_a_trusted_proxy_are_told_apart
);

/// Every answer forbids framing and sniffing and states what a page may load; signed-in pages
/// and the API are not cached, the static assets are.
async fn answers_carry_security_headers(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.browser_login("village").await;
    for path in ["/", "/burden", "/api/v1/me", "/login"] {
        let r = c.get(app.url(path)).send().await.unwrap();
        let h = r.headers();
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["cache-control"], "no-store", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
    }
    let r = c.get(app.url("/static/app.css")).send().await.unwrap();
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));

    // Served over HTTPS (`--public-url https://…`), the session cookie is Secure.
    let app = crate::helpers::spawn_app_with(backend, |s| s.secure_cookies = true).await;
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("username", "village"),
            ("password", jianfu_demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

/// `n` connections to `addr`, each having sent part of a request head and nothing more.
async fn half_sent(addr: &str, n: usize) -> Vec<tokio::net::TcpStream> {
    use tokio::io::AsyncWriteExt;
    let mut held = Vec::new();
    for _ in 0..n {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /login HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        held.push(s);
    }
    held
}

/// A client that sends a request head slower than the header limit has its connection closed,
/// and so has one that opens a connection and sends nothing, or keeps one alive after an answer
/// and sends nothing more; hundreds of them do not keep the server from answering others.
async fn half_sent_requests_are_cut_off(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::helpers::spawn_app_with(backend, |s| {
        s.time_limits.header = std::time::Duration::from_secs(1);
    })
    .await;
    let addr = app.url("").trim_start_matches("http://").to_string();
    let held = half_sent(&addr, 300).await;
    let mut silent = Vec::new();
    for _ in 0..100 {
        silent.push(tokio::net::TcpStream::connect(&addr).await.unwrap());
    }
    let mut kept = tokio::net::TcpStream::connect(&addr).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 512];
    let n = kept.read(&mut answer).await.unwrap();
    assert!(
        answer[..n].starts_with(b"HTTP/1.1 200"),
        "kept-alive request answered"
    );
    // Others are served meanwhile.
    let r = app.client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Past the limit the half-sent requests' connections are closed (read gives EOF, or the
    // peer resets), whatever hyper says before closing.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    for mut s in held.into_iter().take(20).chain(silent).chain([kept]) {
        let mut buf = Vec::new();
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(5), s.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "connection still open after the header limit");
    }
}

/// One address cannot take every connection the server has: past its bound a new connection is
/// answered 429 in Chinese and closed, other requests wait for nothing, and the address gets its
/// places back as its connections close.
async fn one_address_holds_a_bounded_number_of_connections(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::helpers::spawn_app_with(backend, |s| s.connections_per_address = 8).await;
    let addr = app.url("").trim_start_matches("http://").to_string();
    let held = half_sent(&addr, 8).await;
    // The ninth: refused with a reason, whether or not it sends its request.
    for request in [&b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"[..], b""] {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(request).await.unwrap();
        let mut answer = Vec::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(5),
            s.read_to_end(&mut answer),
        )
        .await
        .expect("answered and closed at once")
        .unwrap();
        let answer = String::from_utf8(answer).unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 429")
                && answer.ends_with("来自本地址的连接过多，请关闭多余的页面后稍后再试"),
            "{answer}"
        );
    }
    drop(held);
    // Its places come back once the server has seen them close.
    let mut served = false;
    for _ in 0..50 {
        if let Ok(r) = app.client.get(app.url("/healthz")).send().await {
            if r.status() == StatusCode::OK {
                served = true;
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(served, "the address is served again");
}

async fn login_home_and_logout(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
    let page = app
        .client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("lang=\"zh-CN\"") && page.contains("用户名") && page.contains("密码"));

    let c = app.browser_login("supervisor").await;
    let home = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("县专班 王建国") && home.contains("示例县"));
    // Real counts: 12 towns and streets in the county.
    assert!(
        home.contains("<span class=\"figure\">12</span><span class=\"label\">乡镇（街道）</span>"),
        "{home}"
    );
    let r = c
        .post(app.url("/logout"))
        .form(&[("csrf_token", csrf_of(&home))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cleared = r.headers()["set-cookie"].to_str().unwrap();
    for part in [
        "jianfu_session=;",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=0",
    ] {
        assert!(cleared.contains(part), "{part} missing in {cleared}");
    }
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "signed out");

    // A `next` that leaves the site is ignored.
    let c2 = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c2
        .post(app.url("/login"))
        .form(&[
            ("username", "village"),
            ("password", jianfu_demo::DEMO_PASSWORD),
            ("next", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/");
    let session = r.headers()["set-cookie"].to_str().unwrap();
    for part in [
        "jianfu_session=",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=43200",
    ] {
        assert!(session.contains(part), "{part} missing in {session}");
    }
    assert!(
        !session.contains("Secure"),
        "not served over HTTPS: {session}"
    );

    // Nor one a browser would turn into another site (a tab it drops, a backslash it reads as
    // a slash), while a path of this site is followed.
    for (next, expect) in [
        ("/\t/evil.example/x", "/"),
        ("/%09/evil.example/x", "/%09/evil.example/x"),
        ("/\\evil.example", "/"),
        ("/documents?page=2", "/documents?page=2"),
    ] {
        let c3 = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = c3
            .post(app.url("/login"))
            .form(&[
                ("username", "village"),
                ("password", jianfu_demo::DEMO_PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], expect, "next={next:?}");
    }
}

async fn wrong_passwords_are_throttled(backend: Backend) {
    let app = spawn_app(backend).await;
    for _ in 0..5 {
        let r = app
            .client
            .post(app.url("/login"))
            .form(&[("username", "filer"), ("password", "wrong-pass1")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("用户名或密码错误"));
    }
    // The sixth attempt is refused even with the right password.
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("username", "filer"),
            ("password", jianfu_demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("登录失败次数过多"));
    // Another account is not locked, and an unknown user gets the same answer as a wrong password.
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[("username", "nobody"), ("password", "whatever1")])
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("用户名或密码错误"));
    app.browser_login("township").await;

    // Random user names from one address: after 30 failures in all (6 so far), the address is
    // refused whatever the account, the right password included.
    for i in 0..24 {
        let r = app
            .client
            .post(app.url("/login"))
            .form(&[
                ("username", format!("random{i}")),
                ("password", "whatever1".into()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
    }
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("username", "supervisor"),
            ("password", jianfu_demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("登录失败次数过多"));
}

async fn forms_need_the_csrf_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.browser_login("supervisor").await;
    let dept = app.unit_id("县统计局").await;
    let page = c
        .get(app.url(&format!("/org/{dept}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let form = |token: &str| {
        vec![
            ("csrf_token", token.to_string()),
            ("name", "县统计局（县普查中心）".into()),
            ("code", "139921-D31".into()),
            ("sort_order", "31".into()),
            ("active", "on".into()),
        ]
    };
    let r = c
        .post(app.url(&format!("/org/{dept}/edit")))
        .form(&form("forged"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("安全令牌"));
    let r = c
        .post(app.url(&format!("/org/{dept}/edit")))
        .json(&serde_json::json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a cookie-only JSON write needs the header"
    );
    let r = c
        .post(app.url(&format!("/org/{dept}/edit")))
        .header("origin", "http://evil.example")
        .form(&form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a foreign origin is refused"
    );
    let (_, unit) = app
        .get("supervisor", &format!("/api/v1/org-units/{dept}"))
        .await;
    assert_eq!(unit["name"], "县统计局", "nothing changed");

    // Nor can another site sign a browser in to an account of its choosing (login CSRF).
    let r = reqwest::Client::new()
        .post(app.url("/login"))
        .header("origin", "http://evil.example")
        .form(&[
            ("username", "filer"),
            ("password", jianfu_demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers().get("set-cookie").is_none());

    let r = c
        .post(app.url(&format!("/org/{dept}/edit")))
        .form(&form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, unit) = app
        .get("supervisor", &format!("/api/v1/org-units/{dept}"))
        .await;
    assert_eq!(unit["name"], "县统计局（县普查中心）");

    // The same page reports a bad value on the form, naming the field in Chinese.
    let town = app.unit_id("青石镇").await;
    let r = c
        .post(app.url(&format!("/org/{town}/children")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "新村"),
            ("code", "139921102201"),
            ("level", "village"),
            ("sort_order", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("单位代码“139921102201”已被使用"));
    // An htmx request carries the token in its header.
    let r = c
        .post(app.url(&format!("/org/{town}/children")))
        .header("x-csrf-token", &csrf)
        .form(&[
            ("name", "新建村"),
            ("code", "139921102288"),
            ("level", "village"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

async fn pages_follow_the_callers_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.browser_login("village").await;
    let org = c
        .get(app.url("/org"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(org.contains("李家庄村") && !org.contains("青石镇</a>"));
    assert!(
        !org.contains("用户管理"),
        "no user management in the village's navigation"
    );
    let county = app.unit_id("示例县").await;
    let r = c
        .get(app.url(&format!("/org/{county}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let page = r.text().await.unwrap();
    assert!(page.contains("无权访问") && page.contains("返回首页"));
    let r = c.get(app.url("/users")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c.get(app.url("/no-such-page")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("页面不存在"));

    // The office browses the tree, expands a town and searches the county.
    let c = app.browser_login("supervisor").await;
    let org = c
        .get(app.url("/org"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(org.contains("青石镇") && org.contains("县农业农村局"));
    let town = app.unit_id("青石镇").await;
    let children = c
        .get(app.url(&format!("/org/{town}/tree")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(children.contains("李家庄村") && !children.contains("柳河村"));
    let hits = c
        .get(app.url(&format!("/org/{county}/search?q=%E5%BA%84")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap(); // 庄
    assert!(hits.contains("李家庄村") && !hits.contains("张家营村") && hits.contains("吴家庄村"));
    let users = c
        .get(app.url("/users?role=grassroots"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(users.contains("青石镇党政办 张伟") && !users.contains("系统管理员</td>"));
    let new_user = c
        .get(app.url(&format!("/users/new?unit={town}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        new_user.contains("青石镇") && !new_user.contains("value=\"admin\""),
        "the office cannot pick the admin role"
    );
}

/// A sign-in through `app` as if relayed by a proxy that says the client is `forwarded_for`.
async fn login_via(
    app: &TestApp,
    forwarded_for: &str,
    username: &str,
    password: &str,
) -> StatusCode {
    app.client
        .post(app.url("/login"))
        .header("X-Forwarded-For", forwarded_for)
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
}

/// Thirty sign-ins with made-up user names, each answered as a wrong password, the i-th
/// with `X-Forwarded-For: forwarded(i)`.
async fn guess_random_names(app: &TestApp, forwarded: impl Fn(usize) -> String) {
    for i in 0..30 {
        let status = login_via(app, &forwarded(i), &format!("random{i}"), "whatever1").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
    }
}

/// Behind a reverse proxy every request comes from the proxy's address. With the proxy trusted
/// (`--trusted-proxy`), the throttle and the audit trail see the client it names: random user
/// names from one client lock out that client — but not an account that signed in from there
/// before — and not the county's other offices. Without it, the header is the client's own word
/// and changes nothing: rotating it does not dodge the limit.
async fn clients_behind_a_trusted_proxy_are_told_apart(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.trusted_proxies = jianfu_web::extract::trusted_proxies(&["127.0.0.1".into()])
            .unwrap()
            .into()
    })
    .await;
    // The office's clerk signed in from its address before.
    let status = login_via(
        &app,
        "203.0.113.5",
        "supervisor",
        jianfu_demo::DEMO_PASSWORD,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // The client wrote a first hop of its own; the proxy appended the address it saw.
    guess_random_names(&app, |i| format!("10.9.9.{i}, 203.0.113.5")).await;
    let status = login_via(&app, "203.0.113.5", "filer", jianfu_demo::DEMO_PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the guessing address is refused"
    );
    let status = login_via(
        &app,
        "203.0.113.5",
        "supervisor",
        jianfu_demo::DEMO_PASSWORD,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "an account known at the address is not locked out"
    );
    let status = login_via(&app, "198.51.100.7", "filer", jianfu_demo::DEMO_PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "another office signs in");
    let (status, trail) = app
        .get("inspector", "/api/v1/audit?entity=session&per_page=100")
        .await;
    assert_eq!(status, StatusCode::OK, "{trail}");
    let summaries: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    assert!(
        summaries[0].contains("（filer）登录平台，来源地址198.51.100.7"),
        "{summaries:?}"
    );

    let app = spawn_app(backend).await;
    guess_random_names(&app, |i| format!("203.0.113.{i}")).await;
    let status = login_via(
        &app,
        "198.51.100.7",
        "supervisor",
        jianfu_demo::DEMO_PASSWORD,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "an untrusted header is ignored"
    );
}
