//! Sign-in and sign-out pages.
use super::{render, FormBody};
use crate::auth::{clear_cookie, session_cookie, SESSION_COOKIE};
use crate::error::PageError;
use crate::extract::parse_query;
use crate::extract::ClientIp;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use jianfu_domain::auth;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    error: Option<String>,
    next: String,
    username: String,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    next: Option<String>,
}

/// Only same-site paths are followed after sign-in: `next` is resolved as a browser would
/// (which drops tabs and newlines and reads a backslash as `/`) against this site, and anything that
/// lands elsewhere, or is not a plain path, goes home.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else {
        return "/".into();
    };
    if !n.starts_with('/') || n.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return "/".into();
    }
    let Ok(base) = url::Url::parse("http://jianfu.invalid/") else {
        return "/".into();
    };
    match base.join(n) {
        Ok(u) if u.origin() == base.origin() && !n.starts_with("//") && !n.contains('\\') => {
            let mut path = u.path().to_string();
            if let Some(q) = u.query() {
                path.push('?');
                path.push_str(q);
            }
            path
        }
        _ => "/".into(),
    }
}

pub async fn login_page(uri: Uri) -> Result<Response, PageError> {
    let q: LoginQuery = parse_query(uri.query().unwrap_or("")).unwrap_or_default();
    render(&LoginPage {
        error: None,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

pub async fn login(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    FormBody(f): FormBody<LoginForm>,
) -> Result<Response, PageError> {
    let address = ip;
    let next = safe_next(f.next.as_deref());
    let again = |status: StatusCode, message: String| -> Result<Response, PageError> {
        let page = LoginPage {
            error: Some(message),
            next: next.clone(),
            username: f.username.clone(),
        };
        Ok((status, render(&page)?).into_response())
    };
    if let Err(e) = s.throttle.check(&f.username, &address) {
        return again(StatusCode::TOO_MANY_REQUESTS, e.to_string());
    }
    if f.username.trim().is_empty() || f.password.is_empty() {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "请输入用户名和密码".into(),
        );
    }
    let actor = match auth::check_password(&s.db, &f.username, &f.password, &address).await {
        Ok(a) => a,
        Err(e) if e.status() == 429 => {
            return again(StatusCode::TOO_MANY_REQUESTS, e.to_string());
        }
        Err(e) if e.status() == 422 || e.status() == 403 => {
            s.throttle.fail(&f.username, &address);
            return again(
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
                e.to_string(),
            );
        }
        Err(e) => return Err(PageError(e)),
    };
    s.throttle.succeed(&f.username, &address);
    let session = auth::start_session(&s.db, &actor, &address).await?;
    let jar = jar.add(session_cookie(session.cookie, s.secure_cookies));
    Ok((jar, Redirect::to(&next)).into_response())
}

pub async fn logout(
    State(s): State<AppState>,
    ClientIp(address): ClientIp,
    jar: CookieJar,
) -> Result<Response, PageError> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        auth::end_session(&s.db, c.value(), &address).await?;
    }
    Ok((jar.add(clear_cookie()), Redirect::to("/login")).into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_same_site_paths_are_followed() {
        assert_eq!(safe_next(Some("/documents?page=2")), "/documents?page=2");
        assert_eq!(safe_next(Some("/warnings/7")), "/warnings/7");
        for bad in [
            "/\t/evil.example/x",
            "/\n/evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example/",
            "/ /evil.example",
            "evil",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
