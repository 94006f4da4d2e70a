//! `db copy`: a sponsor's whole database from one backend to another
//! (SQLite to PostgreSQL and back). Every table is copied in dependency
//! order inside one transaction on the target, then both sides are read
//! again and compared table by table: the row count and a SHA-256 over the
//! rows that does not depend on their order or on the backend.
//!
//! Tables and columns are read from the schema itself, so a table added by
//! a later migration is copied too; both sides are migrated to the same
//! version first.

use super::{Backend, Store, StoreError, timestamp};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// Parents before children (foreign keys); tables not named here follow in name order.
const ORDER: &[&str] = &[
    "mailbox_state",
    "reference_counters",
    "cases",
    "messages",
    "case_events",
    "outbox",
    "job_runs",
    "reminders_sent",
    "canaries",
];

/// Not copied: the migrations' own bookkeeping (each side has its own) and
/// the intake lease (it belongs to running instances, not to the data).
const SKIP: &[&str] = &["_sqlx_migrations", "intake_leases"];

/// The kind of a column, as the copy reads and writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    Int,
    Text,
    Blob,
}

impl ColumnKind {
    /// From a declared type (`BIGINT`, `INTEGER`, `TEXT`, `BLOB`, `bytea`, ...).
    pub fn from_declared(declared: &str) -> ColumnKind {
        let d = declared.to_ascii_lowercase();
        if d.contains("int") {
            ColumnKind::Int
        } else if d.contains("blob") || d.contains("bytea") {
            ColumnKind::Blob
        } else {
            ColumnKind::Text
        }
    }
}

/// One column's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// A table as the copy sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<(String, ColumnKind)>,
}

/// Row count and checksum of one table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSum {
    pub rows: i64,
    pub sha256: String,
}

/// One table of a copy: what the source and the target hold afterwards.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TableReport {
    pub table: String,
    pub source_rows: i64,
    pub target_rows: i64,
    pub source_sha256: String,
    pub target_sha256: String,
}

impl TableReport {
    pub fn matches(&self) -> bool {
        self.source_rows == self.target_rows && self.source_sha256 == self.target_sha256
    }
}

/// The digest of one row: columns in name order, each with its name, kind
/// and length, so that no two different rows encode alike.
pub fn row_digest(columns: &[(String, ColumnKind)], values: &[Value]) -> [u8; 32] {
    let mut named: Vec<(&str, &Value)> = columns
        .iter()
        .map(|(n, _)| n.as_str())
        .zip(values)
        .collect();
    named.sort_by(|a, b| a.0.cmp(b.0));
    let mut h = Sha256::new();
    for (name, value) in named {
        h.update((name.len() as u64).to_be_bytes());
        h.update(name.as_bytes());
        match value {
            Value::Null => h.update(b"N"),
            Value::Int(i) => {
                h.update(b"I");
                h.update(i.to_be_bytes());
            }
            Value::Text(t) => {
                h.update(b"T");
                h.update((t.len() as u64).to_be_bytes());
                h.update(t.as_bytes());
            }
            Value::Blob(b) => {
                h.update(b"B");
                h.update((b.len() as u64).to_be_bytes());
                h.update(b);
            }
        }
    }
    h.finalize().into()
}

/// The digest of a table: its rows' digests sorted, so that neither the
/// order rows come back in nor the backend's collation matters.
pub fn table_digest(mut rows: Vec<[u8; 32]>) -> String {
    rows.sort_unstable();
    let mut h = Sha256::new();
    for r in &rows {
        h.update(r);
    }
    hex::encode(h.finalize())
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn read_value(row: &AnyRow, i: usize, kind: ColumnKind) -> Result<Value, StoreError> {
    Ok(match kind {
        ColumnKind::Int => row
            .try_get::<Option<i64>, _>(i)?
            .map_or(Value::Null, Value::Int),
        ColumnKind::Text => row
            .try_get::<Option<String>, _>(i)?
            .map_or(Value::Null, Value::Text),
        ColumnKind::Blob => row
            .try_get::<Option<Vec<u8>>, _>(i)?
            .map_or(Value::Null, Value::Blob),
    })
}

fn select_all(table: &Table) -> String {
    let cols: Vec<String> = table.columns.iter().map(|(n, _)| quote(n)).collect();
    let order = if table.columns.iter().any(|(n, _)| n == "id") {
        " ORDER BY \"id\"".to_string()
    } else {
        String::new()
    };
    format!(
        "SELECT {} FROM {}{order}",
        cols.join(", "),
        quote(&table.name)
    )
}

impl Store {
    /// The holder of any intake lease that has not expired: a running daemon.
    async fn live_intake_lease(&self) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT holder FROM intake_leases WHERE expires_at > $1 ORDER BY holder LIMIT 1",
        )
        .bind(timestamp(chrono::Utc::now()))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// The tables a copy moves, parents first, with their columns.
    pub async fn copy_tables(&self) -> Result<Vec<Table>, StoreError> {
        let names_sql = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            }
            Backend::Postgres => {
                "SELECT table_name::text FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            }
        };
        let mut names: Vec<String> = sqlx::query(names_sql)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        names.retain(|n| !SKIP.contains(&n.as_str()));
        names.sort_by_key(|n| {
            (
                ORDER.iter().position(|o| o == n).unwrap_or(ORDER.len()),
                n.clone(),
            )
        });
        let columns_sql = match self.backend {
            Backend::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
            Backend::Postgres => {
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
            }
        };
        let mut tables = Vec::new();
        for name in names {
            let columns = sqlx::query(columns_sql)
                .bind(&name)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| {
                    let declared: String = r.try_get(1)?;
                    Ok((r.try_get(0)?, ColumnKind::from_declared(&declared)))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            tables.push(Table { name, columns });
        }
        Ok(tables)
    }

    /// Row count and order-independent checksum of a table.
    pub async fn table_sum(&self, table: &Table) -> Result<TableSum, StoreError> {
        let sql = select_all(table);
        let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&self.pool);
        let mut digests = Vec::new();
        while let Some(row) = rows.try_next().await? {
            let values = table
                .columns
                .iter()
                .enumerate()
                .map(|(i, (_, kind))| read_value(&row, i, *kind))
                .collect::<Result<Vec<_>, _>>()?;
            digests.push(row_digest(&table.columns, &values));
        }
        Ok(TableSum {
            rows: digests.len() as i64,
            sha256: table_digest(digests),
        })
    }

    /// Copies every table of this store into `target` (both migrated to the
    /// same version), in one transaction on the target, then compares both
    /// sides. Refuses when the target already holds data unless `replace`
    /// (which empties it first, in the same transaction), and when a daemon
    /// is taking in mail on this store.
    pub async fn copy_to(
        &self,
        target: &Store,
        replace: bool,
    ) -> Result<Vec<TableReport>, StoreError> {
        let tables = self.copy_tables().await?;
        let target_tables = target.copy_tables().await?;
        for t in &tables {
            let same = target_tables
                .iter()
                .find(|o| o.name == t.name)
                .is_some_and(|o| {
                    let mut a: Vec<_> = o.columns.iter().map(|c| &c.0).collect();
                    let mut b: Vec<_> = t.columns.iter().map(|c| &c.0).collect();
                    a.sort();
                    b.sort();
                    a == b
                });
            if !same {
                return Err(StoreError::Refused(format!(
                    "the target's table {} differs from the source's; are both on the same version?",
                    t.name
                )));
            }
        }
        for (store, side) in [(self, "source"), (target, "target")] {
            if let Some(holder) = store.live_intake_lease().await? {
                return Err(StoreError::Refused(format!(
                    "a daemon ({holder}) is taking in mail on the {side}; stop every instance before copying"
                )));
            }
        }
        let mut tx = target.pool.begin().await?;
        for t in &tables {
            let count: i64 = sqlx::query(AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM {}",
                quote(&t.name)
            )))
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
            if count > 0 && !replace {
                return Err(StoreError::Refused(format!(
                    "the target is not empty (table {} holds {count} row(s)); copy into a new database, or pass --replace to empty it first",
                    t.name
                )));
            }
        }
        if replace {
            for name in tables
                .iter()
                .rev()
                .map(|t| t.name.as_str())
                .chain(["intake_leases"])
            {
                sqlx::query(AssertSqlSafe(format!("DELETE FROM {}", quote(name))))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for t in &tables {
            let cols: Vec<String> = t.columns.iter().map(|(n, _)| quote(n)).collect();
            let marks: Vec<String> = (1..=t.columns.len()).map(|i| format!("${i}")).collect();
            let insert = format!(
                "INSERT INTO {} ({}) VALUES ({})",
                quote(&t.name),
                cols.join(", "),
                marks.join(", ")
            );
            let mut rows = sqlx::query(AssertSqlSafe(select_all(t))).fetch(&self.pool);
            let mut copied = 0u64;
            while let Some(row) = rows.try_next().await? {
                let mut q = sqlx::query(AssertSqlSafe(insert.clone()));
                for (i, (_, kind)) in t.columns.iter().enumerate() {
                    q = match (read_value(&row, i, *kind)?, kind) {
                        (Value::Int(v), _) => q.bind(v),
                        (Value::Text(v), _) => q.bind(v),
                        (Value::Blob(v), _) => q.bind(v),
                        (Value::Null, ColumnKind::Int) => q.bind(None::<i64>),
                        (Value::Null, ColumnKind::Text) => q.bind(None::<String>),
                        (Value::Null, ColumnKind::Blob) => q.bind(None::<Vec<u8>>),
                    };
                }
                q.execute(&mut *tx).await?;
                copied += 1;
            }
            tracing::info!(table = %t.name, rows = copied, "table copied");
        }
        if target.backend == Backend::Postgres {
            // Explicit ids do not move the sequences: new rows must start after them.
            for t in tables
                .iter()
                .filter(|t| t.columns.iter().any(|(n, _)| n == "id"))
            {
                let name = quote(&t.name);
                sqlx::query(AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)::bigint"
                )))
                .bind(&t.name)
                .fetch_one(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        let mut reports = Vec::new();
        for t in &tables {
            let (s, d) = (self.table_sum(t).await?, target.table_sum(t).await?);
            reports.push(TableReport {
                table: t.name.clone(),
                source_rows: s.rows,
                target_rows: d.rows,
                source_sha256: s.sha256,
                target_sha256: d.sha256,
            });
        }
        Ok(reports)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Vec<(String, ColumnKind)> {
        vec![
            ("id".into(), ColumnKind::Int),
            ("name".into(), ColumnKind::Text),
            ("raw".into(), ColumnKind::Blob),
        ]
    }

    #[test]
    fn a_row_digest_sees_every_value_and_not_the_column_order() {
        let a = row_digest(
            &cols(),
            &[
                Value::Int(1),
                Value::Text("x".into()),
                Value::Blob(b"y".to_vec()),
            ],
        );
        let mut reordered = cols();
        reordered.reverse();
        let b = row_digest(
            &reordered,
            &[
                Value::Blob(b"y".to_vec()),
                Value::Text("x".into()),
                Value::Int(1),
            ],
        );
        assert_eq!(a, b);
        for other in [
            [
                Value::Int(2),
                Value::Text("x".into()),
                Value::Blob(b"y".to_vec()),
            ],
            [Value::Int(1), Value::Null, Value::Blob(b"y".to_vec())],
            [
                Value::Int(1),
                Value::Text(String::new()),
                Value::Blob(b"y".to_vec()),
            ],
            [
                Value::Int(1),
                Value::Text("x".into()),
                Value::Text("y".into()),
            ],
            [
                Value::Int(1),
                Value::Text("xy".into()),
                Value::Blob(Vec::new()),
            ],
        ] {
            assert_ne!(a, row_digest(&cols(), &other), "{other:?}");
        }
    }

    #[test]
    fn a_table_digest_does_not_depend_on_row_order() {
        let r1 = row_digest(&cols(), &[Value::Int(1), Value::Null, Value::Null]);
        let r2 = row_digest(&cols(), &[Value::Int(2), Value::Null, Value::Null]);
        assert_eq!(table_digest(vec![r1, r2]), table_digest(vec![r2, r1]));
        assert_ne!(table_digest(vec![r1, r2]), table_digest(vec![r1]));
        assert_ne!(table_digest(vec![r1]), table_digest(vec![r1, r1]));
    }

    #[test]
    fn declared_types_map_to_kinds() {
        for (d, k) in [
            ("INTEGER", ColumnKind::Int),
            ("BIGINT", ColumnKind::Int),
            ("bigint", ColumnKind::Int),
            ("TEXT", ColumnKind::Text),
            ("text", ColumnKind::Text),
            ("BLOB", ColumnKind::Blob),
            ("bytea", ColumnKind::Blob),
        ] {
            assert_eq!(ColumnKind::from_declared(d), k, "{d}");
        }
    }

    async fn sqlite(dir: &tempfile::TempDir, name: &str) -> Store {
        let url = format!("sqlite://{}", dir.path().join(name).display());
        Store::open(&url, 2).await.unwrap()
    }

    #[tokio::test]
    async fn sqlite_to_sqlite_copies_everything_and_refuses_a_full_target() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (sqlite(&dir, "a.db").await, sqlite(&dir, "b.db").await);
        sqlx::query("INSERT INTO reference_counters (year, last) VALUES (2026, 7)")
            .execute(a.pool())
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO job_runs (job, period, started_at, finished_at, outcome) VALUES ('overdue', 'p1', 't', NULL, NULL)",
        )
        .execute(a.pool())
        .await
        .unwrap();
        let tables = a.copy_tables().await.unwrap();
        let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            &names[..3],
            ["mailbox_state", "reference_counters", "cases"]
        );
        assert!(!names.contains(&"intake_leases") && !names.contains(&"_sqlx_migrations"));
        let reports = a.copy_to(&b, false).await.unwrap();
        assert!(reports.iter().all(TableReport::matches), "{reports:#?}");
        let jobs = reports.iter().find(|r| r.table == "job_runs").unwrap();
        assert_eq!((jobs.source_rows, jobs.target_rows), (1, 1));
        // Again: the target is not empty now.
        assert!(matches!(
            a.copy_to(&b, false).await,
            Err(StoreError::Refused(_))
        ));
        // A change on one side shows in the checksum.
        sqlx::query("UPDATE reference_counters SET last = 8")
            .execute(b.pool())
            .await
            .unwrap();
        let t = tables
            .iter()
            .find(|t| t.name == "reference_counters")
            .unwrap();
        assert_ne!(a.table_sum(t).await.unwrap(), b.table_sum(t).await.unwrap());
        // --replace empties the target first.
        let reports = a.copy_to(&b, true).await.unwrap();
        assert!(reports.iter().all(TableReport::matches), "{reports:#?}");
        // A daemon holding the intake lease on the source: refused.
        a.acquire_intake_lease(
            "mb",
            "host:1",
            chrono::Utc::now(),
            chrono::Duration::seconds(30),
        )
        .await
        .unwrap();
        let refused = a.copy_to(&b, true).await.unwrap_err().to_string();
        assert!(
            refused.contains("host:1") && refused.contains("source"),
            "{refused}"
        );
        // The same on the target.
        a.release_intake_lease("mb", "host:1").await.unwrap();
        b.acquire_intake_lease(
            "mb",
            "host:2",
            chrono::Utc::now(),
            chrono::Duration::seconds(30),
        )
        .await
        .unwrap();
        let refused = a.copy_to(&b, true).await.unwrap_err().to_string();
        assert!(
            refused.contains("host:2") && refused.contains("target"),
            "{refused}"
        );
    }
}
