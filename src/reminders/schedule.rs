//! When a job is due: cron expressions read in the daemon's time zone, and
//! the period a run belongs to (the latest occurrence not after now). Pure.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::str::FromStr;

/// Reads a cron expression: six or seven fields (seconds first, as the
/// `cron` crate has them) or the usual five of a crontab (seconds = 0).
/// Days of the week are best written by name (`Mon-Fri`): in six-field form
/// the numbers run from 1 = Sunday.
pub fn parse(expr: &str) -> Result<cron::Schedule, String> {
    let trimmed = expr.trim();
    let fields = trimmed.split_whitespace().count();
    let full = if fields == 5 && !trimmed.starts_with('@') {
        format!("0 {trimmed}")
    } else {
        trimmed.to_string()
    };
    let schedule = cron::Schedule::from_str(&full).map_err(|e| {
        // The crate's message spans lines with a caret under the fault; one line is enough.
        let text = e.to_string();
        let reason = text
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty() && *l != "^")
            .unwrap_or("")
            .to_string();
        format!("{expr:?} is not a cron expression: {reason}")
    })?;
    if schedule.upcoming(Utc).next().is_none() {
        return Err(format!("{expr:?} never runs again"));
    }
    Ok(schedule)
}

/// The occurrence a run at `now` belongs to: the latest one not after `now`.
pub fn current_period(
    schedule: &cron::Schedule,
    tz: Tz,
    now: DateTime<Utc>,
) -> Option<DateTime<Tz>> {
    let after = tz.from_utc_datetime(&(now + chrono::Duration::seconds(1)).naive_utc());
    schedule.after(&after).next_back()
}

/// The occurrence before `period` (the start of the period a summary covers).
pub fn previous(schedule: &cron::Schedule, period: &DateTime<Tz>) -> Option<DateTime<Tz>> {
    schedule.after(period).next_back()
}

/// The next occurrence after `now`.
pub fn next_after(schedule: &cron::Schedule, tz: Tz, now: DateTime<Utc>) -> Option<DateTime<Tz>> {
    schedule
        .after(&tz.from_utc_datetime(&now.naive_utc()))
        .next()
}

/// How a period is named in `job_runs` and `reminders_sent`: the local time
/// with its offset (so the repeated hour when the clocks go back stays two periods).
pub fn period_key(occurrence: &DateTime<Tz>) -> String {
    occurrence.to_rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const LONDON: Tz = chrono_tz::Europe::London;

    #[test]
    fn five_and_six_fields() {
        assert!(parse("0 8 * * Mon-Fri").is_ok());
        assert!(parse("0 0 8 * * Mon-Fri").is_ok());
        assert!(parse("@daily").is_ok());
        let e = parse("every morning").unwrap_err();
        assert!(e.contains("every morning"), "{e}");
        assert!(parse("0 0 8 * * * 2001").unwrap_err().contains("never"));
    }

    #[test]
    fn the_period_is_the_latest_occurrence_not_after_now() {
        let s = parse("0 0 8 * * Mon-Fri").unwrap();
        // Monday 21 December 2026, 09:00 in London (GMT).
        let p = current_period(&s, LONDON, utc("2026-12-21T09:00:00Z")).unwrap();
        assert_eq!(period_key(&p), "2026-12-21T08:00:00+00:00");
        // Exactly at the occurrence: it counts.
        let p = current_period(&s, LONDON, utc("2026-12-21T08:00:00Z")).unwrap();
        assert_eq!(period_key(&p), "2026-12-21T08:00:00+00:00");
        // Before 08:00 on Monday: still Friday's period.
        let p = current_period(&s, LONDON, utc("2026-12-21T07:59:59Z")).unwrap();
        assert_eq!(period_key(&p), "2026-12-18T08:00:00+00:00");
        assert_eq!(
            period_key(&previous(&s, &p).unwrap()),
            "2026-12-17T08:00:00+00:00"
        );
        let n = next_after(&s, LONDON, utc("2026-12-21T09:00:00Z")).unwrap();
        assert_eq!(period_key(&n), "2026-12-22T08:00:00+00:00");
    }

    #[test]
    fn runs_in_local_time_across_daylight_saving() {
        let s = parse("0 0 8 * * *").unwrap();
        // In British Summer Time 08:00 local is 07:00 UTC.
        let p = current_period(&s, LONDON, utc("2026-07-01T07:30:00Z")).unwrap();
        assert_eq!(period_key(&p), "2026-07-01T08:00:00+01:00");
        assert_eq!(p.with_timezone(&Utc), utc("2026-07-01T07:00:00Z"));
        // The clocks go forward on 29 March 2026.
        let n = next_after(&s, LONDON, utc("2026-03-28T12:00:00Z")).unwrap();
        assert_eq!(period_key(&n), "2026-03-29T08:00:00+01:00");
    }
}
