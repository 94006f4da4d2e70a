//! `sponsor-intake parse [--json] FILE...`: the daemon's reading of an email,
//! printed for people or as the JSON Lines of the parse contract.

use crate::form::document::{Block, Document};
use crate::form::readers::Limits;
use crate::parse::{Parsed, documents, parse};
use std::io::Write;
use std::path::PathBuf;

/// Why `parse` could not finish.
#[derive(Debug, thiserror::Error)]
pub enum ParseCommandError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the output: {0}")]
    Write(#[from] std::io::Error),
}

/// What `parse` prints for each file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Show {
    /// A report for people.
    Report,
    /// The parse contract's JSON Lines.
    Json,
    /// The documents the reader saw, before any field was matched.
    Documents,
}

/// Parses each file and prints the result. Files that cannot be read are
/// reported and the rest still printed; the error is the first such failure.
pub fn run(files: &[PathBuf], show: Show, out: &mut dyn Write) -> Result<(), ParseCommandError> {
    let limits = Limits::default();
    let mut first_error = None;
    for path in files {
        let raw = match read_capped(path, limits.max_message_bytes) {
            Ok(raw) => raw,
            Err(source) => {
                eprintln!("sponsor-intake: cannot read {}: {source}", path.display());
                first_error.get_or_insert(ParseCommandError::Read {
                    path: path.clone(),
                    source,
                });
                continue;
            }
        };
        let source = path.display().to_string();
        match show {
            Show::Json => writeln!(out, "{}", parse(&raw, &limits).to_contract_json(&source))?,
            Show::Report => write_report(out, &source, &parse(&raw, &limits))?,
            Show::Documents => write_documents(out, &source, &documents(&raw, &limits))?,
        }
    }
    first_error.map_or(Ok(()), Err)
}

fn read_capped(path: &PathBuf, cap: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut raw = Vec::new();
    std::fs::File::open(path)?
        .take(cap as u64)
        .read_to_end(&mut raw)?;
    Ok(raw)
}

fn write_documents(out: &mut dyn Write, source: &str, docs: &[Document]) -> std::io::Result<()> {
    writeln!(out, "== {source}")?;
    for doc in docs {
        writeln!(out, "-- {}", doc.source)?;
        for block in &doc.blocks {
            match block {
                Block::Text { text, place } => writeln!(out, "[{place}] {text:?}")?,
                Block::Table { rows, place } => {
                    writeln!(out, "[{place}] table")?;
                    for row in rows {
                        let cells: Vec<String> =
                            row.iter().map(|c| format!("{:?}", c.text)).collect();
                        writeln!(out, "  | {}", cells.join(" | "))?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn write_report(out: &mut dyn Write, source: &str, parsed: &Parsed) -> std::io::Result<()> {
    writeln!(out, "== {source}")?;
    writeln!(out, "kind: {}", parsed.kind.as_str())?;
    let form = serde_json::to_value(&parsed.form).unwrap_or_default();
    if let Some(map) = form.as_object() {
        for (key, value) in map {
            if value.is_null() || value.as_array().is_some_and(|a| a.is_empty()) {
                continue;
            }
            let from = crate::form::Field::from_key(key)
                .and_then(|f| parsed.provenance.get(&f))
                .map(|o| format!("  ({o})"))
                .unwrap_or_default();
            writeln!(out, "  {key}: {value}{from}")?;
        }
    }
    for a in &parsed.attachments {
        writeln!(
            out,
            "attachment: {} [{}] {:?}",
            a.filename, a.content_type, a.role
        )?;
    }
    for f in &parsed.findings {
        writeln!(
            out,
            "{:?} {} {}: {}",
            f.severity, f.code, f.field, f.message
        )?;
    }
    writeln!(out, "complete: {}", parsed.complete)?;
    Ok(())
}
