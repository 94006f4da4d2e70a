//! Chasers: a case awaiting information whose care home has been silent for
//! `chase_after_working_days` working days gets a reminder restating what is
//! still missing; after `max_chasers` reminders and one more silent period
//! the case lapses, with a closing email saying how to apply again.
//!
//! The clock starts when the case began waiting (`awaiting_since`) or, if
//! later, when the care home last wrote on the case: a care home that
//! replies in time is not chased, and its reply starts the count again.

use super::{JobError, Period, local_date, parse_time};
use crate::actions::long_date;
use crate::actions::to_care_home;
use crate::app::App;
use crate::calendar::Calendar;
use crate::case::CaseState;
use crate::emails::Template;
use crate::findings::{Finding, Severity};
use crate::store::{CaseRecord, MessageStatus, NewEvent, StoreError, timestamp};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::json;
use tracing::warn;

pub const CHASER: &str = "chaser";
pub const LAPSE: &str = "lapse";

/// What a waiting case is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Wait,
    /// The `number`th reminder since the care home last wrote; `last` when
    /// no other will follow before the case lapses.
    Chase {
        number: u32,
        last: bool,
    },
    Lapse,
}

/// The rules' settings.
#[derive(Clone, Copy, Debug)]
pub struct Rules<'a> {
    pub calendar: &'a Calendar,
    pub timezone: Tz,
    pub chase_after_working_days: u32,
    pub max_chasers: u32,
}

/// What a case is due at `now`, given when it began waiting, when the care
/// home last wrote, and when each chaser went.
pub fn step(
    rules: &Rules<'_>,
    awaiting_since: DateTime<Utc>,
    last_reply: Option<DateTime<Utc>>,
    chasers_sent: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> Step {
    let start = last_reply.map_or(awaiting_since, |r| r.max(awaiting_since));
    let since: Vec<DateTime<Utc>> = chasers_sent
        .iter()
        .copied()
        .filter(|c| *c > start)
        .collect();
    let last = since.iter().copied().max().unwrap_or(start);
    let day = |t: DateTime<Utc>| t.with_timezone(&rules.timezone).date_naive();
    let silent = rules.calendar.working_days_between(day(last), day(now));
    if silent < rules.chase_after_working_days {
        return Step::Wait;
    }
    let sent = since.len() as u32;
    if sent < rules.max_chasers {
        Step::Chase {
            number: sent + 1,
            last: sent + 1 == rules.max_chasers,
        }
    } else {
        Step::Lapse
    }
}

/// The day a case lapses if the care home stays silent after a chaser sent `today`.
pub fn lapses_on(rules: &Rules<'_>, today: NaiveDate, chasers_left_after: u32) -> NaiveDate {
    rules.calendar.add_working_days(
        today,
        rules.chase_after_working_days * (chasers_left_after + 1),
    )
}

/// What is still missing: the blocking findings.
pub fn missing(case: &CaseRecord) -> Vec<serde_json::Value> {
    let findings: Vec<Finding> = serde_json::from_str(&case.findings_json).unwrap_or_default();
    findings
        .iter()
        .filter(|f| f.severity == Severity::Blocking)
        .map(|f| json!({ "field": f.field, "message": f.message }))
        .collect()
}

pub async fn run(app: &App, period: &Period) -> Result<String, JobError> {
    let settings = &app.config.jobs.chasers;
    let rules = Rules {
        calendar: &app.calendar,
        timezone: app.timezone,
        chase_after_working_days: settings.chase_after_working_days,
        max_chasers: settings.max_chasers,
    };
    let now = app.clock.now();
    let cases = app
        .store
        .cases_in_state(CaseState::AwaitingInformation.as_str())
        .await?;
    let (mut chased, mut lapsed, mut skipped) = (0, 0, 0);
    for case in cases {
        let Some(since) = case
            .awaiting_since
            .as_deref()
            .and_then(parse_time)
            .or_else(|| parse_time(&case.opened_at))
        else {
            continue;
        };
        let last_reply = last_reply(app, &case).await?;
        let sent: Vec<DateTime<Utc>> = app
            .store
            .reminders_for_case(case.id, CHASER)
            .await?
            .iter()
            .filter_map(|r| parse_time(&r.sent_at))
            .collect();
        let done = match step(&rules, since, last_reply, &sent, now) {
            Step::Wait => continue,
            Step::Chase { number, last } => {
                let r = chase(app, &rules, &case, period, number, last).await;
                if matches!(r, Ok(true)) {
                    chased += 1;
                }
                r
            }
            Step::Lapse => {
                let r = lapse(app, &case, period).await;
                if matches!(r, Ok(true)) {
                    lapsed += 1;
                }
                r
            }
        };
        match done {
            Ok(true) => {}
            Ok(false) => skipped += 1,
            Err(JobError::Store(StoreError::Conflict(reference))) => {
                warn!(case.reference = %reference, "case changed while being chased; left for the next run");
                skipped += 1;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(format!(
        "{chased} chaser(s) sent, {lapsed} case(s) lapsed{}",
        if skipped > 0 {
            format!(", {skipped} left (already done or changed meanwhile)")
        } else {
            String::new()
        }
    ))
}

/// When the care home last wrote on the case (anyone but the administrators).
async fn last_reply(app: &App, case: &CaseRecord) -> Result<Option<DateTime<Utc>>, JobError> {
    let admins = &app.config.administrators.addresses;
    Ok(app
        .store
        .messages_for_case(case.id)
        .await?
        .iter()
        .filter(|m| m.status == MessageStatus::Processed)
        .filter(|m| !matches!(m.kind.as_str(), "auto_reply" | "bounce"))
        .filter(|m| {
            !m.from_addr
                .as_deref()
                .is_some_and(|f| admins.iter().any(|a| a.eq_ignore_ascii_case(f)))
        })
        .filter_map(|m| parse_time(&m.received_at))
        .max())
}

fn context(app: &App, case: &CaseRecord) -> tera::Context {
    let mut c = crate::actions::case_context(app, case);
    c.insert("missing", &missing(case));
    c.insert(
        "opened_date",
        &local_date(&case.opened_at, app.timezone)
            .map(long_date)
            .unwrap_or_default(),
    );
    c
}

async fn chase(
    app: &App,
    rules: &Rules<'_>,
    case: &CaseRecord,
    period: &Period,
    number: u32,
    last: bool,
) -> Result<bool, JobError> {
    let today = app.today();
    let mut c = context(app, case);
    c.insert("chaser_number", &number);
    c.insert("final_chaser", &last);
    c.insert(
        "lapse_date",
        &long_date(lapses_on(rules, today, rules.max_chasers - number)),
    );
    let email = app
        .sender
        .compose(&app.templates, &to_care_home(case, Template::Chaser), &c)?;
    let now = timestamp(app.clock.now());
    let event = NewEvent {
        at: now.clone(),
        actor: "daemon".into(),
        event: "chaser sent".into(),
        detail: json!({ "number": number, "period": period.key, "missing": missing(case).len(), "email": email.message_id }).to_string(),
    };
    Ok(app
        .store
        .record_case_reminder(case, CHASER, &period.key, &now, None, &event, &email)
        .await?)
}

async fn lapse(app: &App, case: &CaseRecord, period: &Period) -> Result<bool, JobError> {
    let c = context(app, case);
    let email = app.sender.compose(
        &app.templates,
        &to_care_home(case, Template::Lapsed).purpose("lapse notice"),
        &c,
    )?;
    let now = timestamp(app.clock.now());
    let event = NewEvent {
        at: now.clone(),
        actor: "daemon".into(),
        event: "lapsed".into(),
        detail:
            json!({ "period": period.key, "missing": missing(case), "email": email.message_id })
                .to_string(),
    };
    Ok(app
        .store
        .record_case_reminder(
            case,
            LAPSE,
            &period.key,
            &now,
            Some(CaseState::Lapsed.as_str()),
            &event,
            &email,
        )
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn christmas() -> Calendar {
        Calendar::parse("2026-12-25\n2026-12-28\n2027-01-01\n").unwrap()
    }

    fn rules(calendar: &Calendar) -> Rules<'_> {
        Rules {
            calendar,
            timezone: chrono_tz::Europe::London,
            chase_after_working_days: 5,
            max_chasers: 2,
        }
    }

    #[test]
    fn waits_until_enough_working_days_of_silence() {
        let cal = Calendar::default();
        let r = rules(&cal);
        // Waiting since Monday 7 December: 5 working days on Monday 14th.
        let since = at("2026-12-07T10:00:00Z");
        assert_eq!(
            step(&r, since, None, &[], at("2026-12-11T09:00:00Z")),
            Step::Wait
        );
        assert_eq!(
            step(&r, since, None, &[], at("2026-12-14T09:00:00Z")),
            Step::Chase {
                number: 1,
                last: false
            }
        );
    }

    #[test]
    fn a_bank_holiday_inside_the_period_moves_the_chaser_by_a_day() {
        // Waiting since Tuesday 22 December 2026. Without holidays the
        // fifth working day is Tuesday 29th; Christmas Day (Friday 25th)
        // and the Boxing Day substitute (Monday 28th) move it to Thursday 31st.
        let since = at("2026-12-22T10:00:00Z");
        let none = Calendar::default();
        assert_eq!(
            step(&rules(&none), since, None, &[], at("2026-12-29T09:00:00Z")),
            Step::Chase {
                number: 1,
                last: false
            }
        );
        let cal = christmas();
        let r = rules(&cal);
        assert_eq!(
            step(&r, since, None, &[], at("2026-12-29T09:00:00Z")),
            Step::Wait
        );
        assert_eq!(
            step(&r, since, None, &[], at("2026-12-30T09:00:00Z")),
            Step::Wait
        );
        assert!(matches!(
            step(&r, since, None, &[], at("2026-12-31T09:00:00Z")),
            Step::Chase { number: 1, .. }
        ));
        // One holiday only (Friday 1 January 2027) moves the date by one day:
        // from Tuesday 29 December, the fifth working day is Wednesday 6th, not Tuesday 5th.
        let since = at("2026-12-29T10:00:00Z");
        assert_eq!(
            step(&r, since, None, &[], at("2027-01-05T09:00:00Z")),
            Step::Wait
        );
        assert!(matches!(
            step(&r, since, None, &[], at("2027-01-06T09:00:00Z")),
            Step::Chase { number: 1, .. }
        ));
    }

    #[test]
    fn chases_then_lapses() {
        let cal = Calendar::default();
        let r = rules(&cal);
        let since = at("2026-11-02T10:00:00Z"); // Monday
        let first = at("2026-11-09T08:30:00Z");
        let second = at("2026-11-16T08:30:00Z");
        // The day after the first chaser: wait.
        assert_eq!(
            step(&r, since, None, &[first], at("2026-11-10T08:30:00Z")),
            Step::Wait
        );
        assert_eq!(
            step(&r, since, None, &[first], at("2026-11-16T08:30:00Z")),
            Step::Chase {
                number: 2,
                last: true
            }
        );
        assert_eq!(
            step(
                &r,
                since,
                None,
                &[first, second],
                at("2026-11-20T08:30:00Z")
            ),
            Step::Wait
        );
        assert_eq!(
            step(
                &r,
                since,
                None,
                &[first, second],
                at("2026-11-23T08:30:00Z")
            ),
            Step::Lapse
        );
        assert_eq!(
            lapses_on(&r, "2026-11-16".parse().unwrap(), 0),
            "2026-11-23".parse().unwrap()
        );
        assert_eq!(
            lapses_on(&r, "2026-11-09".parse().unwrap(), 1),
            "2026-11-23".parse().unwrap()
        );
    }

    #[test]
    fn a_reply_in_time_is_not_chased_and_starts_the_count_again() {
        let cal = Calendar::default();
        let r = rules(&cal);
        let since = at("2026-11-02T10:00:00Z");
        let first = at("2026-11-09T08:30:00Z");
        // The care home wrote (still incomplete) on Thursday 12th.
        let reply = Some(at("2026-11-12T15:00:00Z"));
        assert_eq!(
            step(&r, since, reply, &[first], at("2026-11-16T08:30:00Z")),
            Step::Wait
        );
        // Five working days after the reply: the first chaser of a new count.
        assert_eq!(
            step(&r, since, reply, &[first], at("2026-11-19T08:30:00Z")),
            Step::Chase {
                number: 1,
                last: false
            }
        );
        // A reply before any chaser: not chased.
        let early = Some(at("2026-11-06T09:00:00Z"));
        assert_eq!(
            step(&r, since, early, &[], at("2026-11-09T08:30:00Z")),
            Step::Wait
        );
    }

    #[test]
    fn no_chasers_configured_lapses_after_one_period() {
        let cal = Calendar::default();
        let r = Rules {
            max_chasers: 0,
            ..rules(&cal)
        };
        assert_eq!(
            step(
                &r,
                at("2026-11-02T10:00:00Z"),
                None,
                &[],
                at("2026-11-09T08:30:00Z")
            ),
            Step::Lapse
        );
    }
}
