//! Accounts through the API: create, sign in, roles and scope, deactivation, bad input.
use crate::both_backends;
use crate::helpers::{assert_error, spawn_app, Backend};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(
    office_manages_accounts_in_its_county,
    account_rules_are_enforced,
    the_grant_table_shows_the_modules_actions,
    only_the_administrator_manages_administrators_and_inspectors
);

/// Creating, changing and resetting an account, for every pair of (acting account, role of
/// the account): the administrator manages every role; the office every role but administrator
/// and discipline inspector (it must not make itself an inspector nor reset the inspector's
/// password); the others manage no accounts.
async fn only_the_administrator_manages_administrators_and_inspectors(backend: Backend) {
    let app = spawn_app(backend).await;
    let county = app.unit_id("示例县").await;
    let department = app.unit_id("县农业农村局").await;
    let township = app.unit_id("青石镇").await;
    let roles = [
        ("admin", county),
        ("supervisor", county),
        ("filer", department),
        ("grassroots", township),
        ("inspector", county),
    ];
    let actors = ["admin", "supervisor", "filer", "village", "inspector"];
    let mut n = 0;
    for actor in actors {
        for (role, unit) in roles {
            let may = match actor {
                "admin" => true,
                "supervisor" => !matches!(role, "admin" | "inspector"),
                _ => false,
            };
            let expect = if may {
                StatusCode::CREATED
            } else {
                StatusCode::FORBIDDEN
            };
            n += 1;
            let body = json!({"username": format!("pair_{n}"), "display_name": "测试", "password": "Pair2026x", "role": role, "unit_id": unit});
            let (status, created) = app.send(actor, "POST", "/api/v1/users", &body).await;
            assert_eq!(status, expect, "{actor} creates {role}: {created}");

            // An account of that role made by the administrator, changed and reset by `actor`.
            n += 1;
            let body = json!({"username": format!("pair_{n}"), "display_name": "测试", "password": "Pair2026x", "role": role, "unit_id": unit});
            let (status, target) = app.send("admin", "POST", "/api/v1/users", &body).await;
            assert_eq!(status, StatusCode::CREATED, "{target}");
            let path = format!("/api/v1/users/{}", target["id"]);
            let expect = if may {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            let (status, r) = app
                .send(actor, "PATCH", &path, &json!({"display_name": "改名"}))
                .await;
            assert_eq!(status, expect, "{actor} changes {role}: {r}");
            let (status, r) = app
                .send(actor, "PATCH", &path, &json!({"password": "Reset2026x"}))
                .await;
            assert_eq!(status, expect, "{actor} resets {role}: {r}");
            if !may && actor == "supervisor" {
                assert!(
                    r["error"]["message"]
                        .as_str()
                        .unwrap_or("")
                        .contains("只有系统管理员"),
                    "{r}"
                );
            }
        }
    }
    // Nor may the office turn an account it manages into an inspector's.
    let filer = app.user_id("filer").await;
    let (status, r) = app
        .send(
            "supervisor",
            "PATCH",
            &format!("/api/v1/users/{filer}"),
            &json!({"role": "inspector", "unit_id": county}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{r}");
    assert_eq!(r["error"]["field"], "role");
}

/// The users page lists what each role may do: the platform's actions and each installed
/// module's grants, with the roles granted them.
async fn the_grant_table_shows_the_modules_actions(backend: Backend) {
    let app = spawn_app(backend).await;
    let c = app.browser_login("supervisor").await;
    let html = app.page(&c, "/users").await;
    let row = |label: &str| -> String {
        let at = html
            .find(&format!("<td>{label}</td>"))
            .unwrap_or_else(|| panic!("no row {label} in the grant table"));
        html[at..at + html[at..].find("</tr>").unwrap()].to_string()
    };
    // Roles in order: 系统管理员, 减负办, 填报人员, 基层账号, 纪检监察.
    let marks = |row: String| row.matches("✓").count();
    assert_eq!(marks(row("查阅审计日志")), 2, "admin and inspector");
    assert_eq!(marks(row("登记、修改会议")), 4, "all but the inspector");
    assert_eq!(
        marks(row("登记、修改发文，上传、删除附件，导入发文台账")),
        4
    );
    assert_eq!(marks(row("全文检索可查阅的文件")), 5);
    assert!(
        !row("登记、修改会议").ends_with("✓</td>"),
        "the inspector may not file"
    );
}

async fn office_manages_accounts_in_its_county(backend: Backend) {
    let app = spawn_app(backend).await;
    let water = app.unit_id("县水利局").await;
    let (status, user) = app
        .send(
            "supervisor",
            "POST",
            "/api/v1/users",
            &json!({"username": "shuili_wang", "display_name": "王水利", "password": "Shuili2026", "role": "filer", "unit_id": water, "phone": "0311-1234567"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    assert_eq!(user["unit_name"], "县水利局");
    assert!(user.get("password_hash").is_none() && user.get("password").is_none());
    let id = user["id"].as_i64().unwrap();

    // The new account signs in through the login form and lands on the home page.
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c
        .post(app.url("/login"))
        .form(&[("username", "shuili_wang"), ("password", "Shuili2026")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let home = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("王水利") && home.contains("首页"));

    // Listing: by unit, by role, searching; the inspector reads, the filer may not.
    let (_, list) = app
        .get("supervisor", &format!("/api/v1/users?unit={water}"))
        .await;
    assert_eq!(list["total"], 1);
    let (_, list) = app.get("inspector", "/api/v1/users?role=grassroots").await;
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert_eq!(names, ["township", "village"]);
    let (status, _) = app.get("filer", "/api/v1/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The county office does not see the city's accounts.
    let (_, list) = app.get("supervisor", "/api/v1/users?per_page=200").await;
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["username"] != "admin" && u["username"] != "city_supervisor"));
    let admin_id = app.user_id("admin").await;
    let (status, _) = app
        .get("supervisor", &format!("/api/v1/users/{admin_id}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Deactivating the account ends its sessions and tokens.
    let token = jianfu_domain::auth::issue_token(&app.db, "shuili_wang", "test")
        .await
        .unwrap();
    let r = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (status, body) = app
        .send(
            "supervisor",
            "PATCH",
            &format!("/api/v1/users/{id}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["active"], false);
    let r = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the session ended");
    let r = c
        .post(app.url("/login"))
        .form(&[("username", "shuili_wang"), ("password", "Shuili2026")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("已停用"));

    // A password reset works and is audited without the password.
    let (status, _) = app
        .send(
            "supervisor",
            "PATCH",
            &format!("/api/v1/users/{id}"),
            &json!({"active": true, "password": "NewPass2027"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let r = c
        .post(app.url("/login"))
        .form(&[("username", "shuili_wang"), ("password", "NewPass2027")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, trail) = app
        .get(
            "inspector",
            &format!("/api/v1/audit?entity=user&entity_id={id}"),
        )
        .await;
    assert_eq!(trail["total"], 3);
    assert!(trail["items"][0]["summary"]
        .as_str()
        .unwrap()
        .contains("重置密码"));
    assert!(!trail.to_string().contains("NewPass2027"));
}

async fn account_rules_are_enforced(backend: Backend) {
    let app = spawn_app(backend).await;
    let water = app.unit_id("县水利局").await;
    let village = app.unit_id("李家庄村").await;
    let city_dept = app.unit_id("示例市教育局").await;
    let before = app.scalar("SELECT COUNT(*) FROM users").await;
    let base = |patch: serde_json::Value| {
        let mut b = json!({"username": "new_user", "display_name": "新用户", "password": "Passw0rd2026", "role": "filer", "unit_id": water});
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let cases = [
        (
            base(json!({"role": "admin"})),
            403,
            "forbidden",
            Some("role"),
        ),
        (
            base(json!({"unit_id": city_dept})),
            403,
            "forbidden",
            Some("unit_id"),
        ),
        (
            base(json!({"username": "filer"})),
            409,
            "conflict",
            Some("username"),
        ),
        (
            base(json!({"username": "x"})),
            422,
            "invalid_field",
            Some("username"),
        ),
        (
            base(json!({"username": "张三"})),
            422,
            "invalid_field",
            Some("username"),
        ),
        (
            base(json!({"password": "short1"})),
            422,
            "invalid_field",
            Some("password"),
        ),
        (
            base(json!({"password": "onlyletters"})),
            422,
            "invalid_field",
            Some("password"),
        ),
        (
            base(json!({"display_name": " "})),
            422,
            "invalid_field",
            Some("display_name"),
        ),
        (
            base(json!({"phone": "call me"})),
            422,
            "invalid_field",
            Some("phone"),
        ),
        (
            base(json!({"role": "filer", "unit_id": village})),
            422,
            "invalid_field",
            Some("role"),
        ),
        (
            base(json!({"role": "mayor"})),
            422,
            "invalid_field",
            Some("role"),
        ),
        (
            base(json!({"unit_id": -5})),
            403,
            "forbidden",
            Some("unit_id"),
        ),
    ];
    for (body, status, code, field) in cases {
        let (s, resp) = app.send("supervisor", "POST", "/api/v1/users", &body).await;
        assert_eq!(s.as_u16(), status, "{body} → {resp}");
        assert_error(&resp, code, field);
    }
    // The office cannot edit the administrator, nor stop its own account.
    let admin = app.user_id("admin").await;
    let (s, _) = app
        .send(
            "supervisor",
            "PATCH",
            &format!("/api/v1/users/{admin}"),
            &json!({"display_name": "x"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let me = app.user_id("supervisor").await;
    let (s, resp) = app
        .send(
            "supervisor",
            "PATCH",
            &format!("/api/v1/users/{me}"),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{resp}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users").await,
        before,
        "no account was created"
    );
}
