//! Key-value settings of an installation (e.g. whether the demo region was created).
use crate::db::{Conn, StoreError, Tx, Q};

pub async fn get(conn: &mut Conn, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .fetch_optional::<(String,)>(&Q::new("SELECT value FROM settings WHERE key = $1").bind(key))
        .await?
        .map(|(v,)| v))
}

pub async fn set(tx: &mut Tx, key: &str, value: &str) -> Result<(), StoreError> {
    tx.execute(
        &Q::new("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value),
    )
    .await?;
    Ok(())
}
