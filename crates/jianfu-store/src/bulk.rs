//! Bulk loads: many rows in one statement, in each backend's own bulk format (PostgreSQL's
//! COPY, SQLite's json_each), written once for both.
use crate::db::{StoreError, Tx, Q};

/// Rows of a bulk load, written once into one buffer in the backend's own bulk format:
/// CSV for PostgreSQL's `COPY … WITH (FORMAT csv)`, a JSON array of row arrays for SQLite's
/// `INSERT … SELECT … FROM json_each($1)`. Either way one statement carries thousands of rows
/// as one parameter: bound one value at a time, the SQLite driver spent ~13 µs per document
/// row (10-row INSERTs; larger statements were slower still).
pub struct BulkRows {
    out: String,
    fields: usize,
    rows: usize,
    json: bool,
}

impl BulkRows {
    fn new(backend: crate::Backend) -> Self {
        let json = backend == crate::Backend::Sqlite;
        BulkRows {
            out: String::from(if json { "[" } else { "" }),
            fields: 0,
            rows: 0,
            json,
        }
    }

    fn sep(&mut self) {
        if self.fields == 0 {
            if self.json {
                self.out.push_str(if self.rows == 0 { "[" } else { ",[" });
            }
        } else {
            self.out.push(',');
        }
        self.fields += 1;
    }

    /// CSV text is always quoted (quotes doubled), so an empty string stays distinct from
    /// NULL (an unquoted empty field); JSON text is escaped as RFC 8259 requires.
    pub fn text(&mut self, v: &str) -> &mut Self {
        self.sep();
        self.out.push('"');
        if self.json {
            for c in v.chars() {
                match c {
                    '"' => self.out.push_str("\\\""),
                    '\\' => self.out.push_str("\\\\"),
                    c if u32::from(c) < 0x20 => {
                        use std::fmt::Write;
                        // Writing to a String cannot fail.
                        let _ = write!(self.out, "\\u{:04x}", u32::from(c));
                    }
                    c => self.out.push(c),
                }
            }
        } else if v.contains('"') {
            self.out.push_str(&v.replace('"', "\"\""));
        } else {
            self.out.push_str(v);
        }
        self.out.push('"');
        self
    }

    pub fn opt_text(&mut self, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    pub fn int(&mut self, v: i64) -> &mut Self {
        use std::fmt::Write;
        self.sep();
        // Writing to a String cannot fail.
        let _ = write!(self.out, "{v}");
        self
    }

    pub fn opt_int(&mut self, v: Option<i64>) -> &mut Self {
        match v {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }

    /// NULL: an unquoted empty CSV field, JSON `null`.
    fn null(&mut self) -> &mut Self {
        self.sep();
        if self.json {
            self.out.push_str("null");
        }
        self
    }

    pub fn boolean(&mut self, v: bool) -> &mut Self {
        self.sep();
        self.out.push_str(match (self.json, v) {
            (true, true) => "1",
            (true, false) => "0",
            (false, true) => "t",
            (false, false) => "f",
        });
        self
    }

    fn end_row(&mut self) {
        self.out.push(if self.json { ']' } else { '\n' });
        self.fields = 0;
        self.rows += 1;
    }

    /// Appends the rows to `table` (`cols` lists its columns in the order the rows give them).
    async fn load(mut self, tx: &mut Tx, table: &str, cols: &str) -> Result<(), StoreError> {
        if self.rows == 0 {
            return Ok(());
        }
        if !self.json {
            return tx
                .pg_copy_in(
                    &format!("COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)"),
                    self.out.into_bytes(),
                )
                .await
                .map(drop);
        }
        self.out.push(']');
        let picks: Vec<String> = (0..cols.split(',').count())
            .map(|i| format!("value ->> {i}"))
            .collect();
        tx.execute(
            &Q::new(format!(
                "INSERT INTO {table} ({cols}) SELECT {} FROM json_each($1)",
                picks.join(", ")
            ))
            .bind(self.out),
        )
        .await
        .map(drop)
    }
}

/// Rows per statement on SQLite (PostgreSQL takes each call's rows in one COPY).
const SQLITE_BULK_ROWS: usize = 5_000;

/// Loads `rows` into `table`, each written by `write` as the values of `cols`, in order.
pub async fn bulk_load<T>(
    tx: &mut Tx,
    table: &str,
    cols: &str,
    rows: &[T],
    write: impl Fn(&mut BulkRows, &T),
) -> Result<(), StoreError> {
    let backend = tx.backend();
    let per_statement = match backend {
        crate::Backend::Postgres => rows.len().max(1),
        crate::Backend::Sqlite => SQLITE_BULK_ROWS,
    };
    for part in rows.chunks(per_statement) {
        let mut w = BulkRows::new(backend);
        for row in part {
            write(&mut w, row);
            w.end_row();
        }
        w.load(tx, table, cols).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Db;

    #[tokio::test]
    async fn sqlite_rows_come_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display()))
            .await
            .unwrap();
        db.raw_script("CREATE TABLE t (a TEXT, b BIGINT, c TEXT, d BOOLEAN)")
            .await
            .unwrap();
        let rows: Vec<(String, Option<i64>, Option<&str>, bool)> = vec![
            ("引号\"与反斜杠\\".into(), Some(i64::MAX), Some(""), true),
            ("换行\n制表\t\u{1}控制符".into(), None, None, false),
            (
                "𠀀 emoji 😀 全角，标点".into(),
                Some(-7),
                Some("null"),
                true,
            ),
        ];
        // More rows than one statement holds.
        let many: Vec<_> = (0..SQLITE_BULK_ROWS * 2 + 3)
            .map(|i| rows[i % rows.len()].clone())
            .collect();
        let mut tx = db.begin().await.unwrap();
        bulk_load(&mut tx, "t", "a, b, c, d", &many, |w, r| {
            w.text(&r.0).opt_int(r.1).opt_text(r.2).boolean(r.3);
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let back: Vec<(String, Option<i64>, Option<String>, bool)> = db
            .fetch_all(&Q::new("SELECT a, b, c, d FROM t ORDER BY rowid"))
            .await
            .unwrap();
        assert_eq!(back.len(), many.len());
        for (got, want) in back.iter().zip(&many) {
            assert_eq!(got.0, want.0);
            assert_eq!(got.1, want.1);
            assert_eq!(got.2.as_deref(), want.2);
            assert_eq!(got.3, want.3);
        }
    }
}
