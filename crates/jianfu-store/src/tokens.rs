//! SQL of bearer tokens (`api_tokens`). Only a hash of each secret is stored. A token is live
//! while it is not revoked and its expiry lies ahead; timestamps are stored text that sorts.
use crate::db::{Conn, StoreError, Tx, Q};

/// A token as lists show it, with its owner (never with its hash).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    /// The owner's unit, whose place in the tree decides who else may see the token.
    pub unit_id: i64,
    pub label: String,
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
    pub revoked_at: Option<String>,
}

/// What a request authenticated by a token needs: whose it is, and when it was last used.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveToken {
    pub id: i64,
    pub user_id: i64,
    pub last_used_at: Option<String>,
}

const COLS: &str =
    "t.id, t.user_id, u.username, u.display_name, u.unit_id, t.label, t.created_at, \
     t.expires_at, t.last_used_at, t.revoked, t.revoked_at";

/// Which tokens a list holds: those of users in a subtree, of one user, or both.
#[derive(Debug, Clone, Default)]
pub struct TokenFilter {
    pub scope_root: Option<i64>,
    pub user: Option<i64>,
}

fn where_clause(q: &mut Q, f: &TokenFilter) {
    q.push(" FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE 1 = 1");
    if let Some(root) = f.scope_root {
        let p = q.arg(root);
        q.push(&format!(" AND EXISTS (SELECT 1 FROM org_closure s WHERE s.ancestor_id = {p} AND s.descendant_id = u.unit_id)"));
    }
    if let Some(user) = f.user {
        let p = q.arg(user);
        q.push(&format!(" AND t.user_id = {p}"));
    }
}

pub async fn insert(
    tx: &mut Tx,
    hash: &str,
    user_id: i64,
    label: &str,
    now: &str,
    expires: &str,
) -> Result<i64, StoreError> {
    tx.scalar(
        &Q::new("INSERT INTO api_tokens (token_hash, user_id, label, created_at, expires_at, revoked) VALUES ($1, $2, $3, $4, $5, FALSE) RETURNING id")
            .bind(hash)
            .bind(user_id)
            .bind(label)
            .bind(now)
            .bind(expires),
    )
    .await
}

/// The live token with this hash: not revoked, not expired at `now`.
pub async fn find_live(
    conn: &mut Conn,
    hash: &str,
    now: &str,
) -> Result<Option<LiveToken>, StoreError> {
    conn.fetch_optional(
        &Q::new("SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked = FALSE AND expires_at > $2")
            .bind(hash)
            .bind(now),
    )
    .await
}

/// Sets the last use to `now` unless it is already later than `since` (another request of the
/// same minute got there first); returns whether it changed.
pub async fn touch(tx: &mut Tx, id: i64, now: &str, since: &str) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            &Q::new("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)")
                .bind(now)
                .bind(id)
                .bind(since),
        )
        .await?
        > 0)
}

/// One page of tokens, newest first, and their total.
pub async fn list(
    conn: &mut Conn,
    f: &TokenFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<TokenRow>, i64), StoreError> {
    conn.page(
        COLS,
        |q| where_clause(q, f),
        "t.created_at DESC, t.id DESC",
        limit,
        offset,
    )
    .await
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<TokenRow>, StoreError> {
    conn.fetch_optional(
        &Q::new(format!(
            "SELECT {COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1"
        ))
        .bind(id),
    )
    .await
}

/// Marks a token revoked at `now`; returns whether it was not revoked before.
pub async fn revoke(tx: &mut Tx, id: i64, now: &str) -> Result<bool, StoreError> {
    Ok(tx
        .execute(
            &Q::new("UPDATE api_tokens SET revoked = TRUE, revoked_at = $1 WHERE id = $2 AND revoked = FALSE")
                .bind(now)
                .bind(id),
        )
        .await?
        > 0)
}

/// The ids and names of a user's tokens not yet revoked (expired ones too).
pub async fn unrevoked_of(tx: &mut Tx, user_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
    tx.fetch_all(
        &Q::new(
            "SELECT id, label FROM api_tokens WHERE user_id = $1 AND revoked = FALSE ORDER BY id",
        )
        .bind(user_id),
    )
    .await
}

/// How many live tokens a user holds at `now`.
pub async fn count_live(conn: &mut Conn, user_id: i64, now: &str) -> Result<i64, StoreError> {
    conn.scalar(
        &Q::new(
            "SELECT COUNT(*) FROM api_tokens WHERE user_id = $1 AND revoked = FALSE AND expires_at > $2",
        )
        .bind(user_id)
        .bind(now),
    )
    .await
}
