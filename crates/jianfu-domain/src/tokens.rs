//! Bearer tokens for the API (接口令牌): each has a name, an expiry (90 days unless asked,
//! at most 365), a last-used time, and can be revoked by its owner or by the administrator of
//! the owner's scope. A password reset or a deactivation revokes all of an account's tokens
//! ([`revoke_all_of`], called by `people::update`). Only a hash of a token's secret is stored;
//! the secret is shown once, when the token is issued. Every issue and revoke is audited.
//!
//! Functions that depend on the time take it as an argument (`*_at`), so that a test can issue
//! a token that has already expired without fixing the process's clock.
use crate::audit::{self, Change};
use crate::auth::{active_actor, random_secret, secret_hash};
use crate::policy::{self, Action};
use chrono::{DateTime, Duration, Utc};
use jianfu_core::validate::required_text;
use jianfu_core::{time, Actor, AppError, AppResult, Page, Paged};
use jianfu_store::tokens::{self as store, TokenFilter, TokenRow};
use jianfu_store::users::{self, Credentials};
use jianfu_store::{org, Db, Tx};
use serde::{Deserialize, Serialize};

/// How long a token lives unless its issuer asks otherwise.
pub const DEFAULT_DAYS: i64 = 90;
/// The longest a token may live.
pub const MAX_DAYS: i64 = 365;
/// Live tokens one account may hold at once.
pub const MAX_LIVE: i64 = 20;
/// A token's last use is written at most once in this many seconds (not on every request).
pub const TOUCH_SECONDS: i64 = 60;
const NAME_MAX: usize = 50;

/// Where a token stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    Active,
    Expired,
    Revoked,
}

impl TokenStatus {
    pub fn label(self) -> &'static str {
        match self {
            TokenStatus::Active => "有效",
            TokenStatus::Expired => "已过期",
            TokenStatus::Revoked => "已撤销",
        }
    }
}

/// A token as the API and the page show it (never its secret nor its hash).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: i64,
    /// The owner.
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    /// What the token is for (its label).
    pub name: String,
    pub created_at: String,
    pub expires_at: String,
    /// Updated at most once a minute.
    pub last_used_at: Option<String>,
    /// active|expired|revoked
    pub status: TokenStatus,
    pub revoked_at: Option<String>,
}

impl ApiToken {
    /// The view of a stored token as it stands at `now` (a stored timestamp).
    pub fn at(r: TokenRow, now: &str) -> ApiToken {
        let status = if r.revoked {
            TokenStatus::Revoked
        } else if r.expires_at.as_str() <= now {
            TokenStatus::Expired
        } else {
            TokenStatus::Active
        };
        ApiToken {
            id: r.id,
            user_id: r.user_id,
            username: r.username,
            display_name: r.display_name,
            name: r.label,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            status,
            revoked_at: r.revoked_at,
        }
    }
}

impl From<TokenRow> for ApiToken {
    fn from(r: TokenRow) -> ApiToken {
        ApiToken::at(r, &time::now())
    }
}

/// Input of `POST /api/v1/tokens`: a token for the caller.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    /// What the token is for, e.g. 数据报送脚本 (at most 50 characters).
    pub name: String,
    /// Days it lives, 1 to 365 (default 90).
    #[serde(default)]
    pub days: Option<i64>,
}

/// A token just issued: the only time its secret is shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IssuedToken {
    pub token: ApiToken,
    /// The bearer secret (`jf_…`); it is not stored and cannot be shown again.
    pub secret: String,
}

/// The days a token lives: 1 to [`MAX_DAYS`], [`DEFAULT_DAYS`] when not given.
pub fn parse_days(days: Option<i64>) -> AppResult<i64> {
    match days {
        None => Ok(DEFAULT_DAYS),
        Some(d) if (1..=MAX_DAYS).contains(&d) => Ok(d),
        Some(_) => Err(AppError::invalid(
            "days",
            &format!("应为1至{MAX_DAYS}之间的整数"),
        )),
    }
}

fn parse_name(name: &str) -> AppResult<String> {
    required_text("name", name, NAME_MAX)
}

async fn region_of(tx: &mut Tx, unit_id: i64) -> AppResult<Option<i64>> {
    Ok(org::get(tx, unit_id).await?.and_then(|u| u.region_id))
}

/// Issues a token for `owner` at `now` in `tx`, with its audit entry; returns its id and secret.
async fn insert(
    tx: &mut Tx,
    by: &Actor,
    owner: &Credentials,
    name: &str,
    days: i64,
    now: DateTime<Utc>,
) -> AppResult<(i64, String)> {
    let now_s = time::format_ts(now);
    if store::count_live(tx, owner.id, &now_s).await? >= MAX_LIVE {
        return Err(AppError::Validation {
            code: "too_many_tokens",
            message: format!(
                "每个账号最多同时持有{MAX_LIVE}个有效的接口令牌，请先撤销不再使用的令牌"
            ),
            field: None,
        });
    }
    let secret = format!("jf_{}", random_secret());
    let expires = time::format_ts(now + Duration::days(days));
    let id = store::insert(tx, &secret_hash(&secret), owner.id, name, &now_s, &expires).await?;
    // Kept under the region of the owner's unit, where that region's inspector reads it.
    let region_id = region_of(tx, owner.unit_id).await?;
    let summary = if by.user_id == owner.id {
        format!(
            "签发本人接口令牌“{name}”，有效期{days}天，至{}",
            time::display_ts(&expires)
        )
    } else {
        format!(
            "为用户{}签发接口令牌“{name}”，有效期{days}天，至{}",
            owner.username,
            time::display_ts(&expires)
        )
    };
    audit::record(
        tx,
        by,
        Change {
            action: "api_token.issue",
            entity: "api_token",
            entity_id: id.to_string(),
            region_id,
            before: None,
            after: Some(&serde_json::json!({
                "user_id": owner.id, "name": name, "expires_at": expires,
            })),
            summary,
        },
    )
    .await?;
    Ok((id, secret))
}

/// Issues a token for `owner` at `now` and reads it back.
async fn issue_for(
    db: &Db,
    by: &Actor,
    owner: &Credentials,
    name: &str,
    days: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<IssuedToken> {
    let name = parse_name(name)?;
    let days = parse_days(days)?;
    let mut tx = db.begin().await?;
    let (id, secret) = insert(&mut tx, by, owner, &name, days, now).await?;
    let row = store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("接口令牌"))?;
    tx.commit().await?;
    Ok(IssuedToken {
        token: ApiToken::at(row, &time::format_ts(now)),
        secret,
    })
}

/// Issues a token for the actor itself (the API and the page).
pub async fn issue(db: &Db, actor: &Actor, input: TokenInput) -> AppResult<IssuedToken> {
    policy::ensure(actor, Action::OwnTokens)?;
    let owner = users::credentials_by_id(&mut db.reader(), actor.user_id)
        .await?
        .filter(|c| c.active)
        .ok_or(AppError::Unauthorized)?;
    issue_for(db, actor, &owner, &input.name, input.days, time::utc_now()).await
}

/// Issues a token for a user by name (the `jianfu token` command, as the system).
pub async fn issue_by_name(
    db: &Db,
    username: &str,
    name: &str,
    days: Option<i64>,
) -> AppResult<IssuedToken> {
    issue_by_name_at(db, username, name, days, time::utc_now()).await
}

/// [`issue_by_name`] as if it were `now` (tests issue tokens that have already expired).
pub async fn issue_by_name_at(
    db: &Db,
    username: &str,
    name: &str,
    days: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<IssuedToken> {
    let creds = users::credentials_by_name(&mut db.reader(), username.trim())
        .await?
        .ok_or_else(|| AppError::Validation {
            code: "unknown_user",
            message: format!("用户“{username}”不存在"),
            field: Some("username".into()),
        })?;
    if !creds.active {
        return Err(AppError::Validation {
            code: "inactive_user",
            message: format!("用户“{username}”已停用"),
            field: Some("username".into()),
        });
    }
    issue_for(db, &Actor::system(), &creds, name, days, now).await
}

/// Which tokens a list asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListTokens {
    /// One user's tokens (the caller's own, or, for the administrator, any account's in scope).
    pub user: Option<i64>,
    /// Every account's tokens in the caller's scope (the administrator).
    pub all: bool,
}

/// The caller's tokens; the administrator's, one account's or every account's in its scope.
pub async fn list(
    db: &Db,
    actor: &Actor,
    ask: ListTokens,
    page: Page,
) -> AppResult<Paged<ApiToken>> {
    policy::ensure(actor, Action::OwnTokens)?;
    let mut conn = db.reader();
    let filter = match ask.user {
        Some(user) if user == actor.user_id => TokenFilter {
            scope_root: None,
            user: Some(user),
        },
        Some(user) => {
            if !policy::can(actor, Action::ManageTokens) {
                return Err(AppError::forbidden_field("user", "只能查看本人的接口令牌"));
            }
            let owner = users::get(&mut conn, user)
                .await?
                .ok_or(AppError::NotFound("用户"))?;
            policy::ensure_in_scope(&mut conn, actor, owner.unit_id, Some("user")).await?;
            TokenFilter {
                scope_root: policy::scope_filter(actor),
                user: Some(user),
            }
        }
        None if ask.all => {
            if !policy::can(actor, Action::ManageTokens) {
                return Err(AppError::forbidden_field(
                    "all",
                    "只有系统管理员可以查看管辖范围内全部接口令牌",
                ));
            }
            TokenFilter {
                scope_root: policy::scope_filter(actor),
                user: None,
            }
        }
        None => TokenFilter {
            scope_root: None,
            user: Some(actor.user_id),
        },
    };
    let (rows, total) = store::list(&mut conn, &filter, page.limit(), page.offset()).await?;
    let now = time::now();
    Ok(Paged::new(
        rows.into_iter().map(|r| ApiToken::at(r, &now)).collect(),
        total,
        page,
    ))
}

/// Revokes a token: its owner, or the administrator of the owner's scope. Revoking a revoked
/// token changes nothing and writes no audit entry.
pub async fn revoke(db: &Db, actor: &Actor, id: i64) -> AppResult<ApiToken> {
    policy::ensure(actor, Action::OwnTokens)?;
    let mut tx = db.begin().await?;
    let row = store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("接口令牌"))?;
    if row.user_id != actor.user_id {
        if !policy::can(actor, Action::ManageTokens) {
            return Err(AppError::Forbidden {
                message: "只能撤销本人的接口令牌".into(),
                field: None,
            });
        }
        policy::ensure_in_scope(&mut tx, actor, row.unit_id, None).await?;
    }
    let now = time::now();
    if store::revoke(&mut tx, id, &now).await? {
        let region_id = region_of(&mut tx, row.unit_id).await?;
        let summary = if row.user_id == actor.user_id {
            format!("撤销本人接口令牌“{}”", row.label)
        } else {
            format!("撤销用户{}的接口令牌“{}”", row.username, row.label)
        };
        let revoked = Revoked {
            id,
            user_id: row.user_id,
            name: &row.label,
            region_id,
            at: &now,
        };
        audit_revoke(&mut tx, actor, revoked, summary).await?;
    }
    let row = store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("接口令牌"))?;
    tx.commit().await?;
    Ok(ApiToken::at(row, &now))
}

/// A token just revoked, as its audit entry records it.
struct Revoked<'a> {
    id: i64,
    user_id: i64,
    name: &'a str,
    region_id: Option<i64>,
    at: &'a str,
}

async fn audit_revoke(
    tx: &mut Tx,
    actor: &Actor,
    t: Revoked<'_>,
    summary: String,
) -> AppResult<()> {
    audit::record(
        tx,
        actor,
        Change {
            action: "api_token.revoke",
            entity: "api_token",
            entity_id: t.id.to_string(),
            region_id: t.region_id,
            before: None,
            after: Some(
                &serde_json::json!({"user_id": t.user_id, "name": t.name, "revoked_at": t.at}),
            ),
            summary,
        },
    )
    .await
}

/// Revokes every token of an account not yet revoked, each with its audit entry (`why`: 重置密码,
/// 停用账号); returns how many. Runs in the transaction of the account's change.
pub async fn revoke_all_of(
    tx: &mut Tx,
    actor: &Actor,
    user_id: i64,
    username: &str,
    why: &str,
) -> AppResult<usize> {
    let tokens = store::unrevoked_of(tx, user_id).await?;
    if tokens.is_empty() {
        return Ok(0);
    }
    let region_id = match users::get(tx, user_id).await? {
        Some(u) => region_of(tx, u.unit_id).await?,
        None => None,
    };
    let now = time::now();
    for (id, label) in &tokens {
        store::revoke(tx, *id, &now).await?;
        let revoked = Revoked {
            id: *id,
            user_id,
            name: label,
            region_id,
            at: &now,
        };
        let summary = format!("因{why}撤销用户{username}的接口令牌“{label}”");
        audit_revoke(tx, actor, revoked, summary).await?;
    }
    Ok(tokens.len())
}

/// The actor of a live token of an active account, or `None`.
pub async fn actor_of(db: &Db, secret: &str) -> AppResult<Option<Actor>> {
    actor_of_at(db, secret, time::utc_now()).await
}

/// [`actor_of`] as if it were `now`. The token's last use is written when it is older than
/// [`TOUCH_SECONDS`], so a client calling many times a minute costs one write a minute; a
/// failed write is logged and does not fail the request.
pub async fn actor_of_at(db: &Db, secret: &str, now: DateTime<Utc>) -> AppResult<Option<Actor>> {
    if secret.is_empty() {
        return Ok(None);
    }
    let now_s = time::format_ts(now);
    let mut conn = db.reader();
    let Some(token) = store::find_live(&mut conn, &secret_hash(secret), &now_s).await? else {
        return Ok(None);
    };
    let Some(actor) = active_actor(&mut conn, token.user_id).await? else {
        return Ok(None);
    };
    drop(conn);
    let since = time::format_ts(now - Duration::seconds(TOUCH_SECONDS));
    let stale = token
        .last_used_at
        .as_deref()
        .is_none_or(|t| t <= since.as_str());
    if stale {
        let touched = async {
            let mut tx = db.begin().await?;
            store::touch(&mut tx, token.id, &now_s, &since).await?;
            tx.commit().await
        };
        if let Err(e) = touched.await {
            tracing::warn!(token = token.id, error = %e, "could not record a token's last use");
        }
    }
    Ok(Some(actor))
}
