//! The overdue-decision digest: one email per run to the administrators
//! listing every ready-for-decision case past its due date, with how many
//! working days overdue and the command to decide. Once a case is more than
//! `escalate_after_working_days` working days overdue the digest also goes to
//! the primary Local Administrator (section 7: the primary LA remains
//! responsible). A case is listed at most once per period.

use super::{JobError, Period};
use crate::actions::{long_date, sponsor};
use crate::app::App;
use crate::calendar::Calendar;
use crate::case::CaseState;
use crate::emails::{Draft, Template};
use crate::store::{CaseRecord, DigestEntry, NewEvent, timestamp};
use chrono::NaiveDate;
use serde_json::json;

/// The kind in `reminders_sent`.
pub const KIND: &str = "overdue";

/// How late a decision is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lateness {
    /// Working days after the due date, up to and including today.
    pub working_days: u32,
    /// Late enough for the primary LA to be copied.
    pub escalated: bool,
}

/// Whether a decision due on `due_on` is overdue on `today`: the due date
/// has passed (the decision may be made on the due date itself).
pub fn lateness(
    due_on: NaiveDate,
    today: NaiveDate,
    calendar: &Calendar,
    escalate_after_working_days: u32,
) -> Option<Lateness> {
    if today <= due_on {
        return None;
    }
    let working_days = calendar.working_days_between(due_on, today);
    Some(Lateness {
        working_days,
        escalated: working_days > escalate_after_working_days,
    })
}

/// The digest's recipients: the administrators, and the primary LA when
/// any listed case is escalated (once, whatever the case of the address).
pub fn recipients(
    administrators: &[String],
    primary: Option<&str>,
    escalated: bool,
) -> Vec<String> {
    let mut to = administrators.to_vec();
    if escalated
        && let Some(p) = primary
        && !to.iter().any(|a| a.eq_ignore_ascii_case(p))
    {
        to.push(p.to_string());
    }
    to
}

pub async fn run(app: &App, period: &Period) -> Result<String, JobError> {
    let settings = &app.config.jobs.overdue;
    let today = app.today();
    let cases = app
        .store
        .cases_in_state(CaseState::ReadyForDecision.as_str())
        .await?;
    let listed = app.store.reminded_in_period(KIND, &period.key).await?;
    let mut due: Vec<(CaseRecord, NaiveDate, Lateness)> = Vec::new();
    for case in cases {
        if listed.contains(&case.id) {
            continue;
        }
        let Some(due_on) = case.due_on.as_deref().and_then(|d| d.parse().ok()) else {
            continue;
        };
        if let Some(l) = lateness(
            due_on,
            today,
            &app.calendar,
            settings.escalate_after_working_days,
        ) {
            due.push((case, due_on, l));
        }
    }
    if due.is_empty() {
        return Ok("no overdue decision to list".into());
    }
    let escalated = due.iter().any(|(_, _, l)| l.escalated);
    let rows: Vec<_> = due
        .iter()
        .map(|(c, due_on, l)| {
            json!({
                "reference": c.reference,
                "care_home_name": c.care_home_name,
                "due_date": long_date(*due_on),
                "days_overdue": l.working_days,
                "escalated": l.escalated,
                "approve_command": format!("sponsor-intake cases approve {}", c.reference),
                "reject_command": format!("sponsor-intake cases reject {} --reason \"...\"", c.reference),
            })
        })
        .collect();
    let mut c = tera::Context::new();
    c.insert("sponsor", &sponsor(app));
    c.insert("cases", &rows);
    c.insert("escalated", &escalated);
    c.insert("escalate_after", &settings.escalate_after_working_days);
    let to = recipients(
        &app.config.administrators.addresses,
        app.config.administrators.primary.as_deref(),
        escalated,
    );
    let draft = Draft::new(Template::OverdueDigest, to.clone()).purpose("overdue digest");
    let email = app.compose(&draft, &c)?;
    let now = timestamp(app.clock.now());
    let entries: Vec<DigestEntry> = due
        .iter()
        .map(|(c, _, l)| DigestEntry {
            case_id: c.id,
            event: NewEvent {
                at: now.clone(),
                actor: "daemon".into(),
                event: "overdue reminder".into(),
                detail: json!({
                    "period": period.key,
                    "days_overdue": l.working_days,
                    "escalated": l.escalated,
                    "to": to,
                    "email": email.message_id,
                })
                .to_string(),
            },
        })
        .collect();
    if !app
        .store
        .record_digest(KIND, &period.key, &now, &entries, &email)
        .await?
    {
        return Ok("already listed in this period by another run".into());
    }
    Ok(format!(
        "{} overdue case(s) listed{}",
        entries.len(),
        if escalated {
            "; the primary LA copied"
        } else {
            ""
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cal() -> Calendar {
        // England and Wales, Christmas 2026.
        Calendar::parse("2026-12-25\n2026-12-28\n2027-01-01\n").unwrap()
    }

    #[test]
    fn not_overdue_on_the_due_date() {
        assert_eq!(lateness(d("2026-12-21"), d("2026-12-21"), &cal(), 5), None);
        assert_eq!(lateness(d("2026-12-21"), d("2026-12-20"), &cal(), 5), None);
    }

    #[test]
    fn counts_working_days_overdue() {
        // Due Monday 14 December; Friday 18th is 4 working days late.
        let l = lateness(d("2026-12-14"), d("2026-12-18"), &cal(), 5).unwrap();
        assert_eq!(l.working_days, 4);
        assert!(!l.escalated);
        // Due Friday, looked at on Saturday: past, though no working day late yet.
        let l = lateness(d("2026-12-11"), d("2026-12-12"), &cal(), 0).unwrap();
        assert_eq!(l.working_days, 0);
        assert!(!l.escalated);
    }

    #[test]
    fn bank_holidays_inside_the_period_move_the_escalation_day_for_day() {
        // Due Monday 21 December, escalate after 5 working days late.
        // Without holidays: 22, 23, 24, 25, 28 -> 5 late on the 28th, escalated on the 29th.
        let none = Calendar::default();
        assert!(
            !lateness(d("2026-12-21"), d("2026-12-28"), &none, 5)
                .unwrap()
                .escalated
        );
        assert!(
            lateness(d("2026-12-21"), d("2026-12-29"), &none, 5)
                .unwrap()
                .escalated
        );
        // With Christmas (25th) and Boxing Day (28th) off: 22, 23, 24, 29, 30, 31.
        let c = cal();
        assert_eq!(
            lateness(d("2026-12-21"), d("2026-12-29"), &c, 5)
                .unwrap()
                .working_days,
            4
        );
        assert!(
            !lateness(d("2026-12-21"), d("2026-12-30"), &c, 5)
                .unwrap()
                .escalated
        );
        assert!(
            lateness(d("2026-12-21"), d("2026-12-31"), &c, 5)
                .unwrap()
                .escalated
        );
    }

    #[test]
    fn the_primary_la_is_copied_only_on_escalation_and_once() {
        let admins = vec!["la@x.example".to_string()];
        assert_eq!(
            recipients(&admins, Some("primary@x.example"), false),
            admins
        );
        assert_eq!(
            recipients(&admins, Some("primary@x.example"), true),
            vec!["la@x.example", "primary@x.example"]
        );
        assert_eq!(recipients(&admins, Some("LA@x.example"), true), admins);
        assert_eq!(recipients(&admins, None, true), admins);
    }
}
