//! The re-check job: open cases whose register check could not be made, or
//! was made on an earlier day, are checked again. When the answer changes,
//! the case keeps the new answer and the administrators get one email with
//! the comparison, in the same transaction. The case's state is not changed
//! by a re-check: the administrators decide what a changed answer means.

use super::JobError;
use crate::actions::{form_of, sponsor};
use crate::app::App;
use crate::case::CaseState;
use crate::emails::Template;
use crate::findings::{Evidence, validate};
use crate::registers::{RegisterCheck, cqc_link, merge_findings, outcome_words, template_view};
use crate::store::{CaseRecord, NewEvent, StoreError, timestamp};
use tracing::{info, warn};

/// Runs one pass; returns the job's summary.
pub async fn run(app: &App) -> Result<String, JobError> {
    if app.registers.is_none() {
        return Ok("register checks are off (no CQC key)".into());
    }
    let today = app.today().to_string();
    let mut cases = app
        .store
        .cases_in_state(CaseState::AwaitingInformation.as_str())
        .await?;
    cases.extend(
        app.store
            .cases_in_state(CaseState::ReadyForDecision.as_str())
            .await?,
    );
    let (mut checked, mut changed) = (0, 0);
    for case in cases {
        let before = RegisterCheck::from_json(case.registers_json.as_deref());
        let due = before
            .as_ref()
            .is_none_or(|b| b.outcome.wants_retry() || b.checked_on < today);
        if !due {
            continue;
        }
        checked += 1;
        match recheck_one(app, &case, before).await {
            Ok(true) => changed += 1,
            Ok(false) => {}
            // Someone changed the case meanwhile: the next run sees it again.
            Err(JobError::Store(StoreError::Conflict(r))) => {
                warn!(case.reference = %r, "case changed during the register re-check; left for the next run")
            }
            Err(e) => return Err(e),
        }
    }
    if let Err(e) = app.store.prune_register_cache(&today).await {
        warn!(error = %e, "old register answers could not be removed");
    }
    Ok(format!("{checked} case(s) re-checked, {changed} changed"))
}

/// Checks one case again; true when the answer changed (and the
/// administrators were told).
async fn recheck_one(
    app: &App,
    case: &CaseRecord,
    before: Option<RegisterCheck>,
) -> Result<bool, JobError> {
    let form = form_of(case);
    let now_check = app.register_checker().recheck(&form, before.clone()).await;
    let mut updated = case.clone();
    updated.registers_json = Some(now_check.to_json());
    let now = timestamp(app.clock.now());
    let same = before.as_ref().is_some_and(|b| b.same_answer(&now_check));
    if same {
        // Only the date of the check moves on.
        app.store
            .update_case(&updated, &now, None, &[], &[])
            .await?;
        return Ok(false);
    }
    let findings = merge_findings(
        validate(
            &form,
            &Evidence {
                has_assessment_report: case.report_received,
            },
        ),
        &now_check,
    );
    updated.findings_json = serde_json::to_string(&findings).unwrap_or_default();
    let event = NewEvent {
        at: now.clone(),
        actor: "daemon".into(),
        event: "register check changed".into(),
        detail: serde_json::json!({
            "before": before.as_ref().map(|b| b.outcome),
            "now": now_check.outcome,
            "register_findings": now_check.findings.iter().map(|f| &f.code).collect::<Vec<_>>(),
        })
        .to_string(),
    };
    let mut c = tera::Context::new();
    c.insert("sponsor", &sponsor(app));
    c.insert("reference", &case.reference);
    c.insert("care_home_name", &form.care_home_name);
    c.insert("state", &case.state);
    c.insert("ig", &serde_json::json!({ "report": case.report_received }));
    c.insert(
        "before",
        &before
            .as_ref()
            .map(|b| outcome_words(b.outcome))
            .unwrap_or("not checked"),
    );
    c.insert("registers", &template_view(Some(&now_check)));
    c.insert(
        "cqc_link",
        &cqc_link(form.cqc_registration_number.as_deref()),
    );
    let draft = app
        .to_administrators(Template::RegisterUpdate)
        .purpose("register check changed")
        .about(Some(&case.reference));
    let email = app.compose(&draft, &c)?;
    app.store
        .update_case(&updated, &now, None, &[event], &[email])
        .await?;
    info!(case.reference = %case.reference, outcome = ?now_check.outcome, "register check changed; administrators told");
    Ok(true)
}
