//! `reconcile [--json]`: the mailbox's folders against the database.
//! Exit 0 when nothing was lost, doubled, left unanswered or failed.

use super::{CliError, exit};
use crate::app::App;
use crate::reconcile::{Item, ReconcileError, Report, reconcile};
use std::io::Write;

pub async fn run(app: &App, json: bool, out: &mut impl Write) -> Result<(), CliError> {
    let report = reconcile(app).await.map_err(|e| match e {
        ReconcileError::Mailbox(crate::mailbox::MailboxError::Setup { .. }) => {
            CliError::new(exit::CONFIG, e)
        }
        ReconcileError::Mailbox(_) => CliError::new(exit::UNAVAILABLE, e),
        ReconcileError::Store(_) => CliError::new(exit::FAILURE, e),
    })?;
    let written = if json {
        serde_json::to_string_pretty(&report)
            .map_err(std::io::Error::other)
            .and_then(|s| writeln!(out, "{s}"))
    } else {
        print_text(&report, out)
    };
    written.map_err(|e| CliError::new(exit::FAILURE, e))?;
    if report.consistent {
        Ok(())
    } else {
        Err(CliError::new(
            exit::FAILURE,
            "the mailbox and the database disagree (see above)",
        ))
    }
}

fn place(i: &Item) -> String {
    format!(
        "{} {} <{}>",
        i.folder.as_str(),
        i.place,
        i.message_id.as_deref().unwrap_or("no Message-ID")
    )
}

fn print_text(r: &Report, out: &mut impl Write) -> std::io::Result<()> {
    let c = &r.counts;
    writeln!(
        out,
        "mailbox: incoming {} ({} waiting to be filed, {} not yet taken in), processed {}, quarantine {}",
        c.incoming,
        r.waiting.len(),
        r.not_yet_taken_in.len(),
        c.processed,
        c.quarantine
    )?;
    let outbox: Vec<String> = c.outbox.iter().map(|(s, n)| format!("{n} {s}")).collect();
    writeln!(
        out,
        "database: {} message(s) taken in, {} application(s) opened a case, {} receipt(s) sent; outbox: {}",
        c.messages,
        c.applications_opened,
        c.receipts_sent,
        if outbox.is_empty() {
            "empty".to_string()
        } else {
            outbox.join(", ")
        }
    )?;
    writeln!(out, "never taken in: {}", r.never_taken_in.len())?;
    for i in &r.never_taken_in {
        writeln!(out, "  {}", place(i))?;
    }
    writeln!(out, "taken in twice: {}", r.taken_in_twice.len())?;
    for d in &r.taken_in_twice {
        let rows: Vec<String> = d.rows.iter().map(i64::to_string).collect();
        let filed: Vec<String> = d.filed.iter().map(place).collect();
        writeln!(
            out,
            "  <{}>: {} (rows {}; filed: {})",
            d.message_id,
            d.why,
            if rows.is_empty() {
                "none".into()
            } else {
                rows.join(", ")
            },
            if filed.is_empty() {
                "nowhere".into()
            } else {
                filed.join(", ")
            }
        )?;
    }
    writeln!(out, "left unanswered: {}", r.unanswered.len())?;
    for u in &r.unanswered {
        writeln!(
            out,
            "  message {} <{}> (case id {}): receipt {}",
            u.message_row,
            u.message_id.as_deref().unwrap_or("no Message-ID"),
            u.case_id,
            u.receipt
        )?;
    }
    writeln!(out, "emails failed: {}", r.failed.len())?;
    for f in &r.failed {
        writeln!(
            out,
            "  outbox {} <{}> {} to {}: {}",
            f.outbox_id,
            f.message_id,
            f.purpose,
            f.to,
            f.error.as_deref().unwrap_or("-")
        )?;
    }
    for i in &r.waiting {
        writeln!(out, "waiting: {}", place(i))?;
    }
    writeln!(
        out,
        "{}",
        if r.consistent {
            "consistent: nothing lost, doubled or left unanswered"
        } else {
            "NOT consistent"
        }
    )
}
