//! API tokens (接口令牌): named, expiring, last use kept, listed and revoked by their owner and
//! the administrator, revoked by a password reset or a deactivation; the API and the page.
use crate::both_backends;
use crate::helpers::{assert_error, csrf_of, spawn_app, Backend, TestApp};
use chrono::{Duration, Utc};
use jianfu_core::time::{format_ts, parse_ts};
use jianfu_domain::tokens;
use reqwest::StatusCode;
use serde_json::{json, Value};

both_backends!(
    tokens_are_issued_used_and_revoked_by_their_owner,
    others_cannot_list_or_revoke_a_token_but_the_administrator_can,
    an_expired_or_revoked_token_is_refused,
    a_password_reset_or_deactivation_revokes_every_token,
    last_use_is_written_at_most_once_a_minute,
    the_tokens_page_issues_lists_and_revokes,
    the_token_command_takes_days,
    tokens_issued_before_expiries_get_ninety_days
);

/// `GET path` with a bearer secret: status, body and the `WWW-Authenticate` challenge.
async fn get_with(app: &TestApp, secret: &str, path: &str) -> (StatusCode, Value, String) {
    let r = app
        .client
        .get(app.url(path))
        .bearer_auth(secret)
        .send()
        .await
        .expect("request");
    let status = r.status();
    let challenge = r
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, r.json().await.unwrap_or(Value::Null), challenge)
}

/// The answer to a refused token: 401, the error body in Chinese, the Bearer challenge.
async fn assert_refused(app: &TestApp, secret: &str) {
    let (status, body, challenge) = get_with(app, secret, "/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_error(&body, "unauthorized", None);
    assert!(
        body["error"]["message"].as_str().unwrap().contains("令牌"),
        "{body}"
    );
    assert!(challenge.starts_with("Bearer"), "{challenge}");
}

/// The item of a token list with this id.
fn item(list: &Value, id: i64) -> Option<&Value> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["id"].as_i64() == Some(id))
}

/// A JSON call from a signed-in browser session (cookie and CSRF header).
async fn session_send(
    app: &TestApp,
    c: &reqwest::Client,
    csrf: &str,
    method: reqwest::Method,
    path: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let r = c
        .request(method, app.url(path))
        .header("x-csrf-token", csrf)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn tokens_are_issued_used_and_revoked_by_their_owner(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.browser_login("filer").await;
    let csrf = csrf_of(&app.page(&c, "/tokens").await);
    let post = reqwest::Method::POST;

    // Issued from the signed-in session: named, 30 days, the secret in this answer only.
    let before = Utc::now();
    let (status, issued) = session_send(
        &app,
        &c,
        &csrf,
        post.clone(),
        "/api/v1/tokens",
        &json!({"name": "数据报送脚本", "days": 30}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let secret = issued["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("jf_") && secret.len() > 40, "{secret}");
    let token = &issued["token"];
    let id = token["id"].as_i64().unwrap();
    assert_eq!(token["name"], "数据报送脚本");
    assert_eq!(token["username"], "filer");
    assert_eq!(token["status"], "active");
    assert!(token["last_used_at"].is_null());
    let expires = parse_ts(token["expires_at"].as_str().unwrap()).unwrap();
    let days = (expires - before).num_hours() as f64 / 24.0;
    assert!((29.9..=30.1).contains(&days), "{days} days");
    // Not stored in clear.
    let clear = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{secret}'"
        ))
        .await;
    assert_eq!(clear, 0);

    // The default is 90 days; the days and the name are checked, naming the field.
    let (status, default) = session_send(
        &app,
        &c,
        &csrf,
        post.clone(),
        "/api/v1/tokens",
        &json!({"name": "默认期限"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{default}");
    let expires = parse_ts(default["token"]["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!((expires - Utc::now()).num_days(), 89);
    for (body, field) in [
        (json!({"name": "x", "days": 0}), "days"),
        (json!({"name": "x", "days": 366}), "days"),
        (json!({"name": "  ", "days": 30}), "name"),
        (json!({"name": "长".repeat(51)}), "name"),
        (json!({"name": "x", "days": "三十"}), "days"),
    ] {
        let (status, err) =
            session_send(&app, &c, &csrf, post.clone(), "/api/v1/tokens", &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {err}");
        assert_error(&err, "invalid_field", Some(field));
    }
    let (_, err) = session_send(
        &app,
        &c,
        &csrf,
        post.clone(),
        "/api/v1/tokens",
        &json!({"name": "x", "days": 0}),
    )
    .await;
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("有效天数应为1至365"),
        "{err}"
    );

    // A token cannot issue tokens: a leaked one is over once it is revoked.
    let r = app
        .client
        .post(app.url("/api/v1/tokens"))
        .bearer_auth(&secret)
        .json(&json!({"name": "自我续期"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_error(&r.json().await.unwrap(), "forbidden", None);

    // Used: it acts as its owner, and its last use is written.
    let (status, me, _) = get_with(&app, &secret, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "filer");
    let (status, list, _) = get_with(&app, &secret, "/api/v1/tokens").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let mine = item(&list, id).expect("listed");
    assert!(mine["last_used_at"].is_string(), "{mine}");
    assert!(mine.get("secret").is_none() && !list.to_string().contains(&secret));
    // The owner's list holds only the owner's tokens (the test token, the two above).
    assert_eq!(list["total"], 3, "{list}");
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["username"] == "filer"));

    // Revoked by its owner (with another of the owner's tokens): refused from then on.
    let (status, revoked) = app
        .send(
            "filer",
            "DELETE",
            &format!("/api/v1/tokens/{id}"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert_eq!(revoked["status"], "revoked");
    assert!(revoked["revoked_at"].is_string());
    assert_refused(&app, &secret).await;
    // Again: nothing changes, no second entry.
    let (status, _) = app
        .send(
            "filer",
            "DELETE",
            &format!("/api/v1/tokens/{id}"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) = app
        .send("filer", "DELETE", "/api/v1/tokens/999999", &json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&err, "not_found", None);

    // Both the issue and the revoke are in the audit trail, without the secret.
    let (_, trail) = app
        .get(
            "inspector",
            &format!("/api/v1/audit?entity=api_token&entity_id={id}"),
        )
        .await;
    assert_eq!(trail["total"], 2, "{trail}");
    let summaries = trail.to_string();
    assert!(
        summaries.contains("撤销本人接口令牌“数据报送脚本”")
            && summaries.contains("签发本人接口令牌“数据报送脚本”，有效期30天"),
        "{summaries}"
    );
    assert!(!summaries.contains(&secret));
}

async fn others_cannot_list_or_revoke_a_token_but_the_administrator_can(backend: Backend) {
    let app = spawn_app(backend).await;
    let filer = app.user_id("filer").await;
    let issued = tokens::issue_by_name(&app.db, "filer", "农业数据接口", None)
        .await
        .unwrap();
    let id = issued.token.id;

    // A sibling department's filer, the office and the village neither list nor revoke it.
    for who in ["filer_edu", "supervisor", "village", "inspector"] {
        let (status, body) = app.get(who, &format!("/api/v1/tokens?user={filer}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {body}");
        assert_error(&body, "forbidden", Some("user"));
        let (status, body) = app.get(who, "/api/v1/tokens?all=true").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {body}");
        let (status, own) = app.get(who, "/api/v1/tokens").await;
        assert_eq!(status, StatusCode::OK);
        assert!(item(&own, id).is_none(), "{who} sees another's token");
        let (status, body) = app
            .send(who, "DELETE", &format!("/api/v1/tokens/{id}"), &json!({}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {body}");
        assert_error(&body, "forbidden", None);
    }
    let (status, me, _) = get_with(&app, &issued.secret, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK, "still live: {me}");

    // The administrator lists one account's tokens, or every account's in its scope.
    let (status, list) = app
        .get("admin", &format!("/api/v1/tokens?user={filer}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 2, "the test token and this one: {list}");
    assert!(item(&list, id).is_some());
    let (_, all) = app
        .get("admin", "/api/v1/tokens?all=true&per_page=200")
        .await;
    assert!(item(&all, id).is_some());
    let owners: std::collections::BTreeSet<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["username"].as_str())
        .collect();
    assert!(owners.contains("village") && owners.contains("city_supervisor"));
    let (status, _) = app.get("admin", "/api/v1/tokens?user=999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // … and revokes it.
    let (status, body) = app
        .send(
            "admin",
            "DELETE",
            &format!("/api/v1/tokens/{id}"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "revoked");
    assert_refused(&app, &issued.secret).await;
    let (_, trail) = app
        .get(
            "inspector",
            &format!("/api/v1/audit?entity=api_token&entity_id={id}"),
        )
        .await;
    assert!(
        trail
            .to_string()
            .contains("撤销用户filer的接口令牌“农业数据接口”"),
        "{trail}"
    );

    // An administrator of the county does not reach the city's accounts' tokens.
    let county = app.unit_id("示例县").await;
    let (status, body) = app
        .send(
            "admin",
            "POST",
            "/api/v1/users",
            &json!({"username": "county_admin", "display_name": "县管理员", "password": "Passw0rd123",
                    "role": "admin", "unit_id": county}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let county_admin = tokens::issue_by_name(&app.db, "county_admin", "测试", None)
        .await
        .unwrap()
        .secret;
    let city = tokens::issue_by_name(&app.db, "city_supervisor", "市级脚本", None)
        .await
        .unwrap();
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/tokens/{}", city.token.id)))
        .bearer_auth(&county_admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let city_supervisor = app.user_id("city_supervisor").await;
    let (status, _, _) = get_with(
        &app,
        &county_admin,
        &format!("/api/v1/tokens?user={city_supervisor}"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, all, _) = get_with(&app, &county_admin, "/api/v1/tokens?all=true&per_page=200").await;
    assert!(item(&all, city.token.id).is_none(), "{all}");
    assert!(all["total"].as_i64().unwrap() > 3, "{all}");
}

async fn an_expired_or_revoked_token_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    // Issued two days ago for one day: expired yesterday.
    let expired = tokens::issue_by_name_at(
        &app.db,
        "village",
        "旧脚本",
        Some(1),
        Utc::now() - Duration::days(2),
    )
    .await
    .unwrap();
    assert_refused(&app, &expired.secret).await;
    // Issued 23 hours ago for one day: still live.
    let live = tokens::issue_by_name_at(
        &app.db,
        "village",
        "新脚本",
        Some(1),
        Utc::now() - Duration::hours(23),
    )
    .await
    .unwrap();
    let (status, _, _) = get_with(&app, &live.secret, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = app.get("village", "/api/v1/tokens").await;
    assert_eq!(item(&list, expired.token.id).unwrap()["status"], "expired");
    assert_eq!(item(&list, live.token.id).unwrap()["status"], "active");
    // An expired token may still be revoked (it leaves the list of what could be used).
    let (status, body) = app
        .send(
            "village",
            "DELETE",
            &format!("/api/v1/tokens/{}", expired.token.id),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "revoked");
    // A revoked row whose expiry still lies ahead is refused too.
    let revoked = tokens::issue_by_name(&app.db, "village", "撤销测试", None)
        .await
        .unwrap();
    let (status, _) = app
        .send(
            "admin",
            "DELETE",
            &format!("/api/v1/tokens/{}", revoked.token.id),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_refused(&app, &revoked.secret).await;
    // A page asked with a refused token does not show.
    let r = app
        .client
        .get(app.url("/tokens"))
        .bearer_auth(&revoked.secret)
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), StatusCode::OK);
}

async fn a_password_reset_or_deactivation_revokes_every_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let edu = app.user_id("filer_edu").await;
    let one = tokens::issue_by_name(&app.db, "filer_edu", "一号", None)
        .await
        .unwrap();
    let two = tokens::issue_by_name(&app.db, "filer_edu", "二号", Some(365))
        .await
        .unwrap();
    for t in [&one, &two] {
        let (status, _, _) = get_with(&app, &t.secret, "/api/v1/me").await;
        assert_eq!(status, StatusCode::OK);
    }

    // A password reset by the office revokes them all, each audited.
    let (status, body) = app
        .send(
            "supervisor",
            "PATCH",
            &format!("/api/v1/users/{edu}"),
            &json!({"password": "NewPass2027"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for t in [&one, &two] {
        assert_refused(&app, &t.secret).await;
    }
    assert_refused(&app, app.token("filer_edu")).await;
    let (_, list) = app
        .get("admin", &format!("/api/v1/tokens?user={edu}"))
        .await;
    assert_eq!(list["total"], 3);
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] == "revoked"),
        "{list}"
    );
    let (_, trail) = app
        .get(
            "inspector",
            &format!("/api/v1/audit?entity=api_token&entity_id={}", two.token.id),
        )
        .await;
    assert!(
        trail
            .to_string()
            .contains("因重置密码撤销用户filer_edu的接口令牌“二号”"),
        "{trail}"
    );

    // A deactivation revokes the token issued since, and a reactivation does not revive it.
    let three = tokens::issue_by_name(&app.db, "filer_edu", "三号", None)
        .await
        .unwrap();
    let (status, _, _) = get_with(&app, &three.secret, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    for active in [false, true] {
        let (status, body) = app
            .send(
                "supervisor",
                "PATCH",
                &format!("/api/v1/users/{edu}"),
                &json!({"active": active}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_refused(&app, &three.secret).await;
        for t in [&one, &two] {
            assert_refused(&app, &t.secret).await;
        }
    }
    let (_, trail) = app
        .get(
            "inspector",
            &format!(
                "/api/v1/audit?entity=api_token&entity_id={}",
                three.token.id
            ),
        )
        .await;
    assert!(trail.to_string().contains("因停用账号撤销"), "{trail}");
    // A change that is neither leaves the tokens alone.
    let four = tokens::issue_by_name(&app.db, "filer_edu", "四号", None)
        .await
        .unwrap();
    let (status, _) = app
        .send(
            "supervisor",
            "PATCH",
            &format!("/api/v1/users/{edu}"),
            &json!({"phone": "13800001111"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = get_with(&app, &four.secret, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
}

async fn last_use_is_written_at_most_once_a_minute(backend: Backend) {
    let app = spawn_app(backend).await;
    let t0 = parse_ts(&format_ts(Utc::now() - Duration::hours(1))).unwrap();
    let t = tokens::issue_by_name_at(&app.db, "township", "计时", None, t0)
        .await
        .unwrap();
    let last_used = || async {
        let (_, list) = app.get("township", "/api/v1/tokens").await;
        item(&list, t.token.id).unwrap()["last_used_at"].clone()
    };
    assert!(last_used().await.is_null());
    let at = |secs: i64| t0 + Duration::seconds(secs);
    let actor = tokens::actor_of_at(&app.db, &t.secret, at(0))
        .await
        .unwrap()
        .expect("live");
    assert_eq!(actor.username, "township");
    assert_eq!(last_used().await, json!(format_ts(at(0))));
    // Within the minute: no write.
    for secs in [1, 30, 59] {
        tokens::actor_of_at(&app.db, &t.secret, at(secs))
            .await
            .unwrap()
            .expect("live");
        assert_eq!(last_used().await, json!(format_ts(at(0))), "at {secs} s");
    }
    // A minute on: written again.
    tokens::actor_of_at(&app.db, &t.secret, at(61))
        .await
        .unwrap()
        .expect("live");
    assert_eq!(last_used().await, json!(format_ts(at(61))));
    // Over HTTP, now.
    let (status, _, _) = get_with(&app, &t.secret, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    let now = parse_ts(last_used().await.as_str().unwrap()).unwrap();
    assert!((Utc::now() - now).num_seconds().abs() < 30);
}

async fn the_tokens_page_issues_lists_and_revokes(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.browser_login("township").await;
    let page = app.page(&c, "/tokens").await;
    assert!(page.contains("<h1>接口令牌</h1>") && page.contains("签发新令牌"));
    assert!(
        page.contains(r#"href="/tokens" class="active""#),
        "in the navigation"
    );
    assert!(page.contains("<td>test</td>"), "the test token is listed");
    assert!(
        !page.contains("管辖范围内全部接口令牌"),
        "only the administrator sees others' tokens"
    );
    let csrf = csrf_of(&page);

    // Issued from the form: the secret is shown this once.
    let r = c
        .post(app.url("/tokens"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "镇里的报表"),
            ("days", "7"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let shown = r.text().await.unwrap();
    assert!(shown.contains("请立即复制"), "{shown}");
    let i = shown.find("jf_").expect("the secret is shown");
    let secret: String = shown[i..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let (status, me, _) = get_with(&app, &secret, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "township");
    let page = app.page(&c, "/tokens").await;
    assert!(page.contains("镇里的报表") && !page.contains(&secret));
    assert!(
        page.contains("从未使用"),
        "the test token has not been used yet"
    );
    let (_, list) = app.get("township", "/api/v1/tokens").await;
    let id = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "镇里的报表")
        .and_then(|t| t["id"].as_i64())
        .unwrap();
    assert!(page.contains(&format!("/tokens/{id}/revoke")));

    // A bad number of days is named and the form keeps what was typed.
    let r = c
        .post(app.url("/tokens"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "再来一个"),
            ("days", "一年"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("有效天数应为1至365之间的整数") && body.contains("再来一个"));

    // Revoking needs the CSRF token; another account may not revoke it from its page.
    let r = c
        .post(app.url(&format!("/tokens/{id}/revoke")))
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let v = app.browser_login("village").await;
    let v_csrf = csrf_of(&app.page(&v, "/tokens").await);
    let r = v
        .post(app.url(&format!("/tokens/{id}/revoke")))
        .form(&[("csrf_token", v_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("只能撤销本人的接口令牌"));
    let (status, _, _) = get_with(&app, &secret, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);

    // The owner revokes it from the page.
    let r = c
        .post(app.url(&format!("/tokens/{id}/revoke")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/tokens?revoked=1");
    let page = app.page(&c, "/tokens?revoked=1").await;
    assert!(page.contains("接口令牌已撤销") && page.contains("已撤销"));
    assert!(!page.contains(&format!("/tokens/{id}/revoke")));
    assert_refused(&app, &secret).await;

    // The administrator's page lists the accounts' tokens in its scope and revokes one,
    // staying on that account's list.
    let village = app.user_id("village").await;
    let a = app.browser_login("admin").await;
    let page = app.page(&a, "/tokens").await;
    assert!(page.contains("管辖范围内全部接口令牌") && page.contains("（village）"));
    let page = app.page(&a, &format!("/tokens?user={village}")).await;
    assert!(page.contains("（village）的接口令牌"), "{page}");
    let (_, list) = app.get("village", "/api/v1/tokens").await;
    let village_token = list["items"][0]["id"].as_i64().unwrap();
    let a_csrf = csrf_of(&page);
    let r = a
        .post(app.url(&format!("/tokens/{village_token}/revoke")))
        .form(&[
            ("csrf_token", a_csrf.clone()),
            ("user", village.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        format!("/tokens?user={village}&revoked=1").as_str()
    );
    assert_refused(&app, app.token("village")).await;
}

async fn the_token_command_takes_days(backend: Backend) {
    let app = spawn_app(backend).await;
    let run = |args: &[&str]| {
        let out = crate::helpers::jianfu_command()
            .args(args)
            .args(["--database", &app.db_url])
            .output()
            .expect("run jianfu");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (ok, out, err) = run(&[
        "token",
        "--user",
        "inspector",
        "--label",
        "巡查脚本",
        "--days",
        "7",
    ]);
    assert!(ok, "{err}");
    let secret = out.trim_end();
    assert!(secret.starts_with("jf_") && !secret.contains(char::is_whitespace));
    assert!(err.contains("有效期至"), "{err}");
    let (_, list, _) = get_with(&app, secret, "/api/v1/tokens").await;
    let t = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "巡查脚本")
        .expect("listed")
        .clone();
    let expires = parse_ts(t["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!((expires - Utc::now()).num_days(), 6);
    for days in ["0", "366"] {
        let (ok, out, err) = run(&["token", "--user", "inspector", "--days", days]);
        assert!(!ok && out.is_empty(), "{days}: {out}");
        assert!(err.contains("有效天数应为1至365之间的整数"), "{err}");
    }
}

/// Migration 7 on a database whose tokens had no expiry: they get 90 days from the migration,
/// and keep working until then.
async fn tokens_issued_before_expiries_get_ninety_days(backend: Backend) {
    use jianfu_store::Q;
    let app = spawn_app(backend).await;
    // Back to the schema before migration 7, with the test tokens in it.
    let mut tx = app.db.begin().await.unwrap();
    for sql in [
        "DROP INDEX api_tokens_user_idx",
        "ALTER TABLE api_tokens DROP COLUMN expires_at",
        "ALTER TABLE api_tokens DROP COLUMN revoked_at",
        "DELETE FROM schema_migrations WHERE version = 7",
    ] {
        tx.execute(&Q::new(sql)).await.expect(sql);
    }
    tx.commit().await.unwrap();
    let applied = jianfu_store::migrate::run(&app.db).await.expect("migrate");
    assert_eq!(applied, 1);
    let (status, list, _) = get_with(&app, app.token("filer"), "/api/v1/tokens").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let expires = parse_ts(list["items"][0]["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!((expires - Utc::now()).num_days(), 89);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM api_tokens WHERE expires_at = ''")
            .await,
        0
    );
}
