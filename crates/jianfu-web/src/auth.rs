//! Who is calling: resolved once per request from a bearer token or the session cookie,
//! with the CSRF check for cookie-authenticated writes. Handlers take [`ApiActor`] or [`PageUser`].
use crate::error::{ApiError, PageError};
use crate::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, HOST, ORIGIN, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use jianfu_core::{Actor, AppError};
use jianfu_domain::auth as domain;

pub const SESSION_COOKIE: &str = "jianfu_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf_token";

/// The caller of a request.
#[derive(Debug, Clone)]
pub struct Identity {
    pub actor: Actor,
    /// The session's CSRF token; `None` for bearer-token calls, which carry no ambient credential.
    pub csrf: Option<String>,
}

async fn resolve(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<Option<Identity>, AppError> {
    if let Some(h) = headers.get(AUTHORIZATION) {
        let token = h
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or("");
        return match domain::token_actor(&state.db, token).await? {
            Some(actor) => Ok(Some(Identity { actor, csrf: None })),
            None => Err(AppError::Unauthorized),
        };
    }
    match CookieJar::from_headers(headers).get(SESSION_COOKIE) {
        Some(c) => Ok(domain::session_actor(&state.db, c.value())
            .await?
            .map(|(actor, csrf)| Identity {
                actor,
                csrf: Some(csrf),
            })),
        None => Ok(None),
    }
}

fn reject(path: &str, e: AppError) -> Response {
    if path.starts_with("/api/") {
        ApiError(e).into_response()
    } else {
        PageError(e).into_response()
    }
}

/// The 401 of an API call whose bearer token is unknown, expired or revoked: the error body of
/// every 401 (code `unauthorized`), with a message that says what to do, and the challenge
/// RFC 6750 asks for.
fn bad_token() -> Response {
    let body = crate::error::ErrorBody {
        error: crate::error::ErrorDetail {
            code: AppError::Unauthorized.code().to_string(),
            message: "接口令牌无效、已过期或已被撤销，请重新签发令牌".into(),
            field: None,
        },
    };
    (
        StatusCode::UNAUTHORIZED,
        [(WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")],
        Json(body),
    )
        .into_response()
}

fn csrf_error() -> AppError {
    AppError::Forbidden {
        message: "安全令牌无效或已过期，请刷新页面后重试".into(),
        field: Some(CSRF_FIELD.into()),
    }
}

/// A cross-site form post carries a foreign Origin; refuse it whatever else it carries.
fn origin_matches(req: &Request) -> bool {
    let Some(origin) = req.headers().get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = req
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin == "null" && host.is_empty() || origin.split("://").nth(1) == Some(host)
}

/// Middleware: resolves the caller, checks CSRF on cookie-authenticated writes, and stores
/// the [`Identity`] in the request's extensions.
pub async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let identity = match resolve(&state, req.headers()).await {
        Ok(i) => i,
        // Only a bearer token that is unknown, expired or revoked is refused here as 401.
        Err(AppError::Unauthorized) if path.starts_with("/api/") => return bad_token(),
        Err(e) => return reject(&path, e),
    };
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let mut req = req;
    if unsafe_method {
        if !origin_matches(&req) {
            return reject(&path, csrf_error());
        }
        if let Some(Identity {
            csrf: Some(expected),
            ..
        }) = &identity
        {
            match check_csrf(req, expected).await {
                Ok(r) => req = r,
                Err(e) => return reject(&path, e),
            }
        }
    }
    req.extensions_mut().insert(identity);
    next.run(req).await
}

/// Accepts the token from the `X-CSRF-Token` header (htmx, scripts) or the `csrf_token`
/// field of a urlencoded form; the body is read and put back for the handler.
async fn check_csrf(req: Request, expected: &str) -> Result<Request, AppError> {
    if req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) == Some(expected) {
        return Ok(req);
    }
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // A file upload carries the token in its URL: the body is not read here.
    if content_type.starts_with("multipart/form-data") {
        let query = req.uri().query().unwrap_or("");
        return if form_urlencoded::parse(query.as_bytes())
            .any(|(k, v)| k == CSRF_FIELD && v == expected)
        {
            Ok(req)
        } else {
            Err(csrf_error())
        };
    }
    let is_form = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(csrf_error());
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, crate::BODY_LIMIT)
        .await
        .map_err(|_| AppError::PayloadTooLarge("2MB".into()))?;
    let ok = form_urlencoded::parse(&bytes).any(|(k, v)| k == CSRF_FIELD && v == expected);
    if !ok {
        return Err(csrf_error());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn identity_of(parts: &Parts) -> Option<Identity> {
    parts
        .extensions
        .get::<Option<Identity>>()
        .cloned()
        .flatten()
}

/// The signed-in actor of an API call; 401 otherwise.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        identity_of(parts)
            .map(|i| ApiActor(i.actor))
            .ok_or(ApiError(AppError::Unauthorized))
    }
}

/// The caller of an API call and how it signed in (a session carries its CSRF token, a bearer
/// token none); 401 otherwise.
pub struct ApiIdentity(pub Identity);

impl FromRequestParts<AppState> for ApiIdentity {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        identity_of(parts)
            .map(ApiIdentity)
            .ok_or(ApiError(AppError::Unauthorized))
    }
}

/// The signed-in user of a page; the browser goes to the sign-in page otherwise.
pub struct PageUser(pub Identity);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Response> {
        match identity_of(parts) {
            Some(i) => Ok(PageUser(i)),
            None => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let target = format!(
                    "/login?next={}",
                    form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                );
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// The session cookie: HttpOnly, SameSite=Lax, for the whole site, as long as the session;
/// `Secure` when the site is served over HTTPS.
pub fn session_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::hours(domain::SESSION_HOURS))
        .secure(secure)
        .build()
}

/// The session cookie emptied and expired at once (sign-out).
pub fn clear_cookie() -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::ZERO)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header::COOKIE;
    use axum::http::HeaderMap;

    #[test]
    fn the_session_cookie_is_http_only_lax_and_secure_when_asked() {
        let c = session_cookie("abc123".into(), false).to_string();
        for part in [
            "jianfu_session=abc123",
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
            "Max-Age=43200",
        ] {
            assert!(c.contains(part), "{part} missing in {c}");
        }
        assert!(!c.contains("Secure"), "{c}");
        assert!(session_cookie("abc123".into(), true)
            .to_string()
            .contains("; Secure"));
        // The cookie that signs out is checked where it is sent: tests/api/auth.rs (logout).
    }

    #[test]
    fn reads_the_session_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, "theme=dark; jianfu_session=abc123".parse().unwrap());
        headers.append(COOKIE, "lang=zh".parse().unwrap());
        let jar = CookieJar::from_headers(&headers);
        assert_eq!(jar.get(SESSION_COOKIE).map(|c| c.value()), Some("abc123"));
        assert!(CookieJar::from_headers(&HeaderMap::new())
            .get(SESSION_COOKIE)
            .is_none());
    }
}
