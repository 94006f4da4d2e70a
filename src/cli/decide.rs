//! `cases approve`, `cases reject`, `cases pack`, `cases registered`,
//! `cases verify`: an administrator's work on the server.

use super::{CliError, exit};
use crate::actions::{self, DecideError};
use crate::app::App;
use crate::case::decision::Verdict;
use crate::store::{CaseRecord, verify_chain};
use std::io::Write;

async fn case(app: &App, reference: &str) -> Result<CaseRecord, CliError> {
    app.store
        .case_by_reference(reference)
        .await
        .map_err(|e| CliError::new(exit::FAILURE, e))?
        .ok_or_else(|| {
            CliError::new(
                exit::NOT_FOUND,
                format!("no case with reference {reference}"),
            )
        })
}

fn who() -> String {
    let user = std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "unknown".into());
    format!("{user} (command line)")
}

fn decide_error(e: DecideError) -> CliError {
    CliError::new(exit::FAILURE, e)
}

pub async fn decide(
    app: &App,
    reference: &str,
    verdict: Verdict,
    text: Option<&str>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let case = case(app, reference).await?;
    let decided = actions::decide(
        app,
        &case,
        verdict,
        text,
        &format!("administrator {}", who()),
        None,
    )
    .await
    .map_err(decide_error)?;
    let _ = writeln!(
        out,
        "{} is now {}; the care home's email is in the outbox and will be sent by the daemon",
        decided.reference, decided.state
    );
    Ok(())
}

pub async fn pack(
    app: &App,
    reference: &str,
    csv: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let case = case(app, reference).await?;
    if !matches!(case.state.as_str(), "approved" | "registered") {
        return Err(CliError::new(
            exit::FAILURE,
            format!(
                "{reference} is {}; a registration pack is made for an approved case",
                case.state
            ),
        ));
    }
    let p = actions::pack_for(app, &case);
    let w = |e: std::io::Error| CliError::new(exit::FAILURE, e);
    if csv {
        return write!(out, "{}", crate::case::pack::to_csv(&p)).map_err(w);
    }
    writeln!(
        out,
        "Registration pack for {} ({})",
        case.reference, p.organisational_unit
    )
    .map_err(w)?;
    writeln!(
        out,
        "\n1. Organisational unit (Admin > Organisation > Manage Organisation > Add):\n   {}",
        p.organisational_unit
    )
    .map_err(w)?;
    writeln!(out, "\n2. Users (Admin > User Management > Add > User):").map_err(w)?;
    for u in &p.users {
        writeln!(
            out,
            "   - Title: {}  First name: {}  Last name: {}\n     Display name: {}  Email alias: {}  Mobile: {}",
            u.title.as_deref().unwrap_or("-"),
            u.first_name,
            u.last_name,
            u.display_name,
            u.email_alias,
            u.mobile.as_deref().unwrap_or("-")
        )
        .map_err(w)?;
    }
    for name in &p.left_out {
        writeln!(out, "   - NOT created: {name} (over four mailboxes without a business justification, section 2.3)").map_err(w)?;
    }
    match &p.shared_mailbox {
        Some(s) => writeln!(
            out,
            "\n3. Shared mailbox (Admin > User Management > Add > Shared Mailbox):\n   Display name: {}\n   Email name: {}  ({})\n   Owner: {} {}",
            s.display_name,
            s.email_name,
            s.email_address,
            s.owner.as_deref().unwrap_or("-"),
            s.owner_mobile.as_deref().unwrap_or("")
        )
        .map_err(w)?,
        None => writeln!(out, "\n3. No shared mailbox asked for.").map_err(w)?,
    }
    writeln!(
        out,
        "\nThen: sponsor-intake cases registered {}",
        case.reference
    )
    .map_err(w)
}

pub async fn registered(app: &App, reference: &str, out: &mut dyn Write) -> Result<(), CliError> {
    let case = case(app, reference).await?;
    let done = actions::register(app, &case, &format!("administrator {}", who()))
        .await
        .map_err(decide_error)?;
    let _ = writeln!(
        out,
        "{} is registered; the first-login guidance is in the outbox and will be sent by the daemon",
        done.reference
    );
    Ok(())
}

pub async fn verify(app: &App, out: &mut dyn Write) -> Result<(), CliError> {
    let cases = app
        .store
        .list_cases(None)
        .await
        .map_err(|e| CliError::new(exit::FAILURE, e))?;
    let mut broken = Vec::new();
    for summary in &cases {
        let case = case(app, &summary.reference).await?;
        let events = app
            .store
            .events_for_case(case.id)
            .await
            .map_err(|e| CliError::new(exit::FAILURE, e))?;
        if let Err(id) = verify_chain(case.id, &events) {
            broken.push(format!("{} (event {id})", case.reference));
        }
    }
    if broken.is_empty() {
        let _ = writeln!(
            out,
            "history of {} case(s) verified: every event is chained to the one before",
            cases.len()
        );
        Ok(())
    } else {
        Err(CliError::new(
            exit::FAILURE,
            format!("the history has been altered in: {}", broken.join(", ")),
        ))
    }
}
