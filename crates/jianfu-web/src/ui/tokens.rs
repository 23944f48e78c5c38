//! 接口令牌 page: one's own tokens (name, issued, expiry, last use, revoke), the form that issues
//! one and shows its secret once; the administrator also sees, and may revoke, the tokens of the
//! accounts in its scope (all of them, or one account's with `?user=ID`).
use super::{render, Chrome, FormBody};
use crate::auth::{Identity, PageUser};
use crate::error::PageError;
use crate::extract::{empty_as_none, parse_query, IdPath};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_core::time::display_ts;
use jianfu_core::{AppError, Page};
use jianfu_domain::policy::{can, Action};
use jianfu_domain::tokens::{self, ApiToken, ListTokens, TokenInput, TokenStatus};
use serde::Deserialize;

/// One line of a token table.
pub struct TokenLine {
    pub id: i64,
    pub name: String,
    pub owner: String,
    pub user_id: i64,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    pub status: &'static str,
    pub active: bool,
    /// Revoked tokens are not offered for revoking; expired ones are (they leave the list of
    /// what may still be used).
    pub revocable: bool,
}

impl From<ApiToken> for TokenLine {
    fn from(t: ApiToken) -> Self {
        TokenLine {
            id: t.id,
            owner: format!("{}（{}）", t.display_name, t.username),
            user_id: t.user_id,
            created: display_ts(&t.created_at),
            expires: display_ts(&t.expires_at),
            last_used: t
                .last_used_at
                .as_deref()
                .map_or_else(|| "从未使用".to_string(), display_ts),
            status: t.status.label(),
            active: t.status == TokenStatus::Active,
            revocable: t.status != TokenStatus::Revoked,
            name: t.name,
        }
    }
}

/// The administrator's table of other accounts' tokens.
struct Scope {
    title: String,
    /// The account the table is limited to, kept across a revoke.
    user: Option<i64>,
    lines: Vec<TokenLine>,
    total: i64,
    page: i64,
    pages: i64,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    chrome: Chrome,
    own: Vec<TokenLine>,
    own_total: i64,
    scope: Option<Scope>,
    /// The secret of the token just issued, and its name: shown this once.
    issued: Option<(String, String)>,
    form: TokenForm,
    error: Option<String>,
    notice: Option<String>,
    default_days: i64,
    max_days: i64,
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default, deserialize_with = "empty_as_none")]
    user: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<u32>,
    #[serde(default, deserialize_with = "empty_as_none")]
    revoked: Option<u8>,
}

/// The issuing form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

impl TokenForm {
    fn input(&self) -> Result<TokenInput, AppError> {
        let days = match self.days.trim() {
            "" => None,
            d => Some(d.parse::<i64>().map_err(|_| {
                AppError::invalid("days", &format!("应为1至{}之间的整数", tokens::MAX_DAYS))
            })?),
        };
        Ok(TokenInput {
            name: self.name.clone(),
            days,
        })
    }
}

struct Shown {
    issued: Option<(String, String)>,
    form: TokenForm,
    error: Option<String>,
    notice: Option<String>,
}

async fn page(
    s: &AppState,
    id: &Identity,
    q: &ListQuery,
    shown: Shown,
) -> Result<Response, PageError> {
    let actor = &id.actor;
    let own = tokens::list(
        &s.db,
        actor,
        ListTokens::default(),
        Page::parse(None, Some(100))?,
    )
    .await?;
    let scope = if can(actor, Action::ManageTokens) {
        let ask = ListTokens {
            user: q.user,
            all: q.user.is_none(),
        };
        let found = tokens::list(&s.db, actor, ask, Page::parse(q.page, Some(50))?).await?;
        let title = match (q.user, found.items.first()) {
            (Some(_), Some(t)) => format!("{}（{}）的接口令牌", t.display_name, t.username),
            (Some(_), None) => "该账号的接口令牌".to_string(),
            (None, _) => "管辖范围内全部接口令牌".to_string(),
        };
        Some(Scope {
            title,
            user: q.user,
            total: found.total,
            page: i64::from(found.page),
            pages: found.pages().max(1),
            lines: found.items.into_iter().map(TokenLine::from).collect(),
        })
    } else {
        None
    };
    let status = if shown.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let view = TokensPage {
        chrome: Chrome::new(id, "/tokens", "接口令牌"),
        own_total: own.total,
        own: own.items.into_iter().map(TokenLine::from).collect(),
        scope,
        issued: shown.issued,
        form: shown.form,
        error: shown.error,
        notice: shown.notice,
        default_days: tokens::DEFAULT_DAYS,
        max_days: tokens::MAX_DAYS,
    };
    Ok((status, render(&view)?).into_response())
}

pub async fn list(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    uri: Uri,
) -> Result<Response, PageError> {
    let q: ListQuery = parse_query(uri.query().unwrap_or(""))?;
    let notice = q.revoked.map(|_| "接口令牌已撤销".to_string());
    let shown = Shown {
        issued: None,
        form: TokenForm::default(),
        error: None,
        notice,
    };
    page(&s, &id, &q, shown).await
}

/// Issues a token for the signed-in user and shows its secret once (the answer is not kept in
/// any cache: every page is sent `no-store`).
pub async fn issue(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    FormBody(f): FormBody<TokenForm>,
) -> Result<Response, PageError> {
    let q = ListQuery {
        user: None,
        page: None,
        revoked: None,
    };
    let issued = match f.input() {
        Ok(input) => tokens::issue(&s.db, &id.actor, input).await,
        Err(e) => Err(e),
    };
    match issued {
        Ok(t) => {
            let shown = Shown {
                issued: Some((t.token.name, t.secret)),
                form: TokenForm::default(),
                error: None,
                notice: None,
            };
            page(&s, &id, &q, shown).await
        }
        Err(e) if e.status() == 422 => {
            let shown = Shown {
                issued: None,
                form: f,
                error: Some(e.to_string()),
                notice: None,
            };
            page(&s, &id, &q, shown).await
        }
        Err(e) => Err(PageError(e)),
    }
}

/// Where a revoke returns: the administrator's view of one account stays on that account.
#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default, deserialize_with = "empty_as_none")]
    user: Option<i64>,
}

pub async fn revoke(
    State(s): State<AppState>,
    PageUser(id): PageUser,
    IdPath(token): IdPath,
    FormBody(f): FormBody<RevokeForm>,
) -> Result<Response, PageError> {
    tokens::revoke(&s.db, &id.actor, token).await?;
    let to = match f.user {
        Some(user) => format!("/tokens?user={user}&revoked=1"),
        None => "/tokens?revoked=1".to_string(),
    };
    Ok(Redirect::to(&to).into_response())
}
