//! `db copy --from URL --to URL`: moves a sponsor's data between SQLite and
//! PostgreSQL (either way), then proves the copy with row counts and
//! checksums per table. Needs no configuration file.

use super::{CliError, exit};
use crate::store::{Backend, Store, StoreError, TableReport};
use std::io::Write;

/// A database URL fit for printing: any password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            let masked = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                user.to_string()
            };
            format!("{scheme}://{masked}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

fn check_url(flag: &str, url: &str) -> Result<(), CliError> {
    if url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://")
    {
        Ok(())
    } else {
        Err(CliError::new(
            exit::FAILURE,
            format!(
                "{flag}: {} must start with sqlite:// or postgres://",
                redact_url(url)
            ),
        ))
    }
}

fn sqlite_file(url: &str) -> Option<&str> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(path.split('?').next().unwrap_or(path))
}

async fn open(flag: &str, url: &str) -> Result<Store, CliError> {
    let store = Store::open(url, 2).await.map_err(|e| {
        let code = match e {
            StoreError::Open(_) => exit::UNAVAILABLE,
            _ => exit::FAILURE,
        };
        CliError::new(code, format!("{flag} {}: {e}", redact_url(url)))
    })?;
    Ok(store)
}

/// Copies every table from `from` to `to` (migrating both first) and prints
/// each table's counts and checksums. Fails when any table differs.
pub async fn copy(
    from: &str,
    to: &str,
    replace: bool,
    out: &mut impl Write,
) -> Result<(), CliError> {
    check_url("--from", from)?;
    check_url("--to", to)?;
    if from == to {
        return Err(CliError::new(
            exit::FAILURE,
            "--from and --to name the same database",
        ));
    }
    if let Some(path) = sqlite_file(from)
        && !std::path::Path::new(path).is_file()
    {
        return Err(CliError::new(
            exit::FAILURE,
            format!("--from: there is no SQLite database at {path}"),
        ));
    }
    let source = open("--from", from).await?;
    let target = open("--to", to).await?;
    let name = |s: &Store| match s.backend() {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    let _ = writeln!(
        out,
        "copying {} {} to {} {}",
        name(&source),
        redact_url(from),
        name(&target),
        redact_url(to)
    );
    let result = source.copy_to(&target, replace).await;
    source.close().await;
    target.close().await;
    let reports = result.map_err(|e| CliError::new(exit::FAILURE, format!("db copy: {e}")))?;
    print_reports(&reports, out);
    let bad: Vec<&str> = reports
        .iter()
        .filter(|r| !r.matches())
        .map(|r| r.table.as_str())
        .collect();
    if bad.is_empty() {
        let _ = writeln!(
            out,
            "copy verified: {} table(s), every row count and checksum matches",
            reports.len()
        );
        Ok(())
    } else {
        Err(CliError::new(
            exit::FAILURE,
            format!("the copy differs from the source in: {}", bad.join(", ")),
        ))
    }
}

fn print_reports(reports: &[TableReport], out: &mut impl Write) {
    let _ = writeln!(
        out,
        "{:<20} {:>8} {:>8}  {:<16} {:<16}  result",
        "table", "source", "target", "source sha256", "target sha256"
    );
    for r in reports {
        let _ = writeln!(
            out,
            "{:<20} {:>8} {:>8}  {:<16} {:<16}  {}",
            r.table,
            r.source_rows,
            r.target_rows,
            &r.source_sha256[..16],
            &r.target_sha256[..16],
            if r.matches() { "ok" } else { "DIFFERS" }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact_url("postgres://si:s3cret@db.example:5432/intake?sslmode=require"),
            "postgres://si:***@db.example:5432/intake?sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://postgres@127.0.0.1:5432/test"
        );
        assert_eq!(
            redact_url("sqlite:///var/lib/x.db"),
            "sqlite:///var/lib/x.db"
        );
    }

    #[tokio::test]
    async fn a_missing_source_is_refused_without_creating_it() {
        let dir = tempfile::tempdir().unwrap();
        let from = format!("sqlite://{}", dir.path().join("none.db").display());
        let to = format!("sqlite://{}", dir.path().join("to.db").display());
        let e = copy(&from, &to, false, &mut Vec::new()).await.unwrap_err();
        assert_eq!(e.code, exit::FAILURE);
        assert!(e.message.contains("no SQLite database"), "{}", e.message);
        assert!(!dir.path().join("none.db").exists());
    }
}
