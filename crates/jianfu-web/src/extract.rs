//! Extractors that turn malformed input into the SPEC §5 error body with the field named in Chinese.
use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use jianfu_core::labels::field_label;
use jianfu_core::AppError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use std::str::FromStr;

/// A JSON body, read with the field path of any error.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/json")
            });
        if !is_json {
            return Err(ApiError(AppError::bad_request(
                "unsupported_media_type",
                "请求内容须为JSON（Content-Type: application/json）",
                None,
            )));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|_| {
            ApiError(AppError::PayloadTooLarge(format!(
                "{}MB",
                crate::BODY_LIMIT / 1024 / 1024
            )))
        })?;
        parse_json(&bytes).map(JsonBody).map_err(ApiError)
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return AppError::bad_request("malformed_json", "请求体不是合法的JSON", None);
        }
        describe(&path, &inner.to_string())
    })
}

/// Turns a serde message into a Chinese one that names the field.
fn describe(path: &str, msg: &str) -> AppError {
    if let Some(name) = between(msg, "unknown field `", "`") {
        let field = if path == "." || path.is_empty() {
            name.to_string()
        } else {
            path.to_string()
        };
        return AppError::Validation {
            code: "unknown_field",
            message: format!("不允许的字段“{name}”"),
            field: Some(field),
        };
    }
    if let Some(name) = between(msg, "missing field `", "`") {
        return AppError::Validation {
            code: "missing_field",
            message: format!("缺少必填字段“{}”", field_label(name)),
            field: Some(name.to_string()),
        };
    }
    let field = path.trim_start_matches('.').to_string();
    let what = if msg.starts_with("unknown variant") {
        "取值无效"
    } else {
        "格式或类型不正确"
    };
    AppError::Validation {
        code: "invalid_field",
        message: format!("{}{}", field_label(&field), what),
        field: (!field.is_empty()).then_some(field),
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// Query parameters, with the parameter at fault named.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parse_query(parts.uri.query().unwrap_or(""))
            .map(ApiQuery)
            .map_err(ApiError)
    }
}

/// A query string or urlencoded form, parsed as axum-extra's form extractor does (a repeated
/// field fills a `Vec`), with the field at fault named.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let de = serde_html_form::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        describe(&path, &e.into_inner().to_string())
    })
}

/// The numeric `{id}` of a path; anything else is a 404 (no such record can exist).
pub struct IdPath(pub i64);

/// The numeric `{id}` of a path and the numeric id after it (e.g. `{attachment_id}`).
pub struct IdPair(pub i64, pub i64);

/// The positive numeric path parameters, in order, or the 404 answer.
async fn path_ids<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
) -> Result<Vec<i64>, axum::response::Response> {
    use axum::response::IntoResponse;
    let raw = axum::extract::RawPathParams::from_request_parts(parts, state)
        .await
        .ok();
    let ids: Option<Vec<i64>> = raw.as_ref().map(|p| {
        p.iter()
            .map(|(_, v)| v.parse::<i64>().ok().filter(|id| *id > 0))
            .collect::<Option<Vec<i64>>>()
            .unwrap_or_default()
    });
    match ids {
        Some(ids) if !ids.is_empty() => Ok(ids),
        _ => {
            let err = AppError::NotFound("记录");
            Err(if parts.uri.path().starts_with("/api/") {
                ApiError(err).into_response()
            } else {
                crate::error::PageError(err).into_response()
            })
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = axum::response::Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ids = path_ids(parts, state).await?;
        Ok(IdPath(ids[0]))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IdPair {
    type Rejection = axum::response::Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ids = path_ids(parts, state).await?;
        match ids[..] {
            [a, b, ..] => Ok(IdPair(a, b)),
            _ => Err(<ApiError as axum::response::IntoResponse>::into_response(
                ApiError(AppError::NotFound("记录")),
            )),
        }
    }
}

/// The client's address as the server loop resolved it (see [`client_address`]); empty when the
/// app runs without the loop (no peer known).
pub struct ClientIp(pub String);

/// The resolved address the server loop puts in each request's extensions.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub std::net::IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ClientAddr>()
            .map(|c| c.0.to_string());
        Ok(ClientIp(ip.unwrap_or_default()))
    }
}

/// Who sent a request. A peer that is not a trusted reverse proxy is the client, whatever its
/// headers say (they cannot be used to dodge the sign-in throttle). A request that came through
/// trusted proxies names its client in `X-Forwarded-For`, each proxy appending the address it
/// was reached from: read from the right, the first address that is not a trusted proxy is the
/// client (addresses further left were written by the client itself). Behind a proxy without
/// this list every request would come from the proxy, and one address's failed sign-ins would
/// lock everyone out.
pub fn client_address(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[ipnet::IpNet],
) -> std::net::IpAddr {
    let is_trusted = |ip: &std::net::IpAddr| is_trusted_proxy(ip, trusted);
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) if is_trusted(&ip) => client = ip,
            Ok(ip) => return ip,
            // A hop that is no address (a port, "unknown", garbage): what lies beyond it cannot
            // be trusted; the last proxy that named it is the best known client.
            Err(_) => return client,
        }
    }
    client
}

/// Whether `ip` is one of the trusted reverse proxies (`--trusted-proxy`).
pub fn is_trusted_proxy(ip: &std::net::IpAddr, trusted: &[ipnet::IpNet]) -> bool {
    trusted.iter().any(|net| net.contains(ip))
}

/// The `--trusted-proxy` list: addresses (`127.0.0.1`, `::1`) or networks (`10.0.0.0/8`).
pub fn trusted_proxies(list: &[String]) -> Result<Vec<ipnet::IpNet>, String> {
    list.iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    format!("可信反向代理（--trusted-proxy）“{s}”不是IP地址或网段，如 127.0.0.1 或 10.0.0.0/8")
                })
        })
        .collect()
}

/// For optional query parameters from HTML forms, where an empty field means "not given".
pub fn empty_as_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
{
    let s: Option<String> = Option::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse::<T>()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("invalid value: {v}"))),
    }
}

/// The `file` field of a multipart upload: its name and bytes (`None` when the form has none).
pub async fn file_field(
    multipart: &mut axum::extract::Multipart,
) -> Result<Option<(String, Bytes)>, AppError> {
    let broken = || AppError::invalid("file", "上传不完整或超过20MB，请重新选择文件");
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| broken())? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            file = Some((name, field.bytes().await.map_err(|_| broken())?));
        }
    }
    Ok(file)
}

/// An API upload whose body has not been read yet: the handler checks who may upload first
/// (a caller refused gets its 403 before sending 20 MB is waited for), then reads the `file`
/// field with [`Upload::file`]. A body that is not multipart gets a Chinese error naming `file`.
pub struct Upload(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        // Takes the body stream; nothing is read until `file`.
        let multipart = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|_| {
                ApiError(AppError::bad_request(
                    "unsupported_media_type",
                    "请以 multipart/form-data 表单上传文件（字段名 file）",
                    Some("file".into()),
                ))
            })?;
        Ok(Upload(multipart))
    }
}

impl Upload {
    /// Reads the body: the `file` field's name and bytes (`None` when the form has none).
    pub async fn file(mut self) -> Result<Option<(String, Bytes)>, AppError> {
        file_field(&mut self.0).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Input {
        name: String,
        parent_id: i64,
    }

    #[test]
    fn names_the_field_of_each_error() {
        let e = parse_json::<Input>(br#"{"name": 1, "parent_id": 2}"#).unwrap_err();
        assert_eq!(
            (e.field(), e.to_string().as_str()),
            (Some("name"), "名称格式或类型不正确")
        );
        let e = parse_json::<Input>(br#"{"name": "a"}"#).unwrap_err();
        assert_eq!(e.field(), Some("parent_id"));
        assert_eq!(e.to_string(), "缺少必填字段“上级单位”");
        let e = parse_json::<Input>(br#"{"name": "a", "parent_id": 1, "x": 0}"#).unwrap_err();
        assert_eq!((e.code(), e.field()), ("unknown_field", Some("x")));
        let e = parse_json::<Input>(b"{not json").unwrap_err();
        assert_eq!((e.status(), e.code()), (400, "malformed_json"));
    }

    #[test]
    fn the_client_is_the_first_untrusted_hop_from_the_right() {
        let trusted = trusted_proxies(&["127.0.0.1".into(), "10.0.0.0/8".into()]).unwrap();
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let headers = |values: &[&str]| {
            let mut h = axum::http::HeaderMap::new();
            for v in values {
                h.append("x-forwarded-for", v.parse().unwrap());
            }
            h
        };
        let at = |peer: &str, values: &[&str]| client_address(ip(peer), &headers(values), &trusted);
        // A peer that is no proxy is the client, whatever it writes.
        assert_eq!(at("203.0.113.9", &["198.51.100.1"]), ip("203.0.113.9"));
        // Through the proxy: what the proxy appended, not what the client wrote before it.
        assert_eq!(
            at("127.0.0.1", &["1.2.3.4, 203.0.113.5"]),
            ip("203.0.113.5")
        );
        // Through two proxies (one header each), the inner one trusted.
        assert_eq!(
            at("127.0.0.1", &["203.0.113.5", "10.1.2.3"]),
            ip("203.0.113.5")
        );
        // No header: the proxy itself; a hop that is no address stops the walk.
        assert_eq!(at("127.0.0.1", &[]), ip("127.0.0.1"));
        assert_eq!(
            at("127.0.0.1", &["203.0.113.5, unknown, 10.1.2.3"]),
            ip("10.1.2.3")
        );
        // Only trusted hops: the leftmost of them.
        assert_eq!(at("127.0.0.1", &["10.4.4.4, 10.1.2.3"]), ip("10.4.4.4"));
        // With no trusted proxy the header is never read.
        assert_eq!(
            client_address(ip("127.0.0.1"), &headers(&["203.0.113.5"]), &[]),
            ip("127.0.0.1")
        );
        assert!(trusted_proxies(&["10.0.0.0/33".into()])
            .unwrap_err()
            .contains("不是IP地址或网段"));
        assert_eq!(
            trusted_proxies(&["::1".into(), " ".into()]).unwrap().len(),
            1
        );
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Query {
        #[serde(default, deserialize_with = "empty_as_none")]
        page: Option<u32>,
    }

    #[test]
    fn query_errors_name_the_parameter() {
        assert_eq!(parse_query::<Query>("page=").unwrap().page, None);
        assert_eq!(parse_query::<Query>("page=3").unwrap().page, Some(3));
        let e = parse_query::<Query>("page=abc").unwrap_err();
        assert_eq!(e.field(), Some("page"));
    }
}
