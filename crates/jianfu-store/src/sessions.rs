//! SQL of web sessions. Only hashes of the secrets are stored (bearer tokens: [`crate::tokens`]).
use crate::db::{Conn, StoreError, Tx, Q};

pub async fn insert_session(
    tx: &mut Tx,
    id_hash: &str,
    user_id: i64,
    csrf: &str,
    now: &str,
    expires: &str,
) -> Result<(), StoreError> {
    tx.execute(
        &Q::new("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id_hash)
            .bind(user_id)
            .bind(csrf)
            .bind(now)
            .bind(expires),
    )
    .await?;
    Ok(())
}

/// The user and CSRF token of a live session.
pub async fn find_session(
    conn: &mut Conn,
    id_hash: &str,
    now: &str,
) -> Result<Option<(i64, String)>, StoreError> {
    conn.fetch_optional(
        &Q::new("SELECT user_id, csrf_token FROM sessions WHERE id_hash = $1 AND expires_at > $2")
            .bind(id_hash)
            .bind(now),
    )
    .await
}

pub async fn delete_session(tx: &mut Tx, id_hash: &str) -> Result<(), StoreError> {
    tx.execute(&Q::new("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash))
        .await?;
    Ok(())
}

pub async fn delete_sessions_of(tx: &mut Tx, user_id: i64) -> Result<(), StoreError> {
    tx.execute(&Q::new("DELETE FROM sessions WHERE user_id = $1").bind(user_id))
        .await?;
    Ok(())
}

pub async fn delete_expired(tx: &mut Tx, now: &str) -> Result<u64, StoreError> {
    tx.execute(&Q::new("DELETE FROM sessions WHERE expires_at <= $1").bind(now))
        .await
}
