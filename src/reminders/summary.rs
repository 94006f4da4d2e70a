//! The weekly summary to the administrators: cases received, completed and
//! decided since the last summary, those waiting now (on the care home, on a
//! decision, overdue), and the median working days from complete to decision.

use super::{JobError, Period, local_date};
use crate::actions::{long_date, sponsor};
use crate::app::App;
use crate::calendar::Calendar;
use crate::emails::Template;
use crate::store::timestamp;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The median of some numbers of days, halves kept (`None` when there are none).
pub fn median(mut days: Vec<u32>) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    Some(if n % 2 == 1 {
        f64::from(days[n / 2])
    } else {
        (f64::from(days[n / 2 - 1]) + f64::from(days[n / 2])) / 2.0
    })
}

/// Working days from completion to decision, per decided case (dates in the sponsor's zone).
pub fn decision_days(pairs: &[(String, String)], calendar: &Calendar, tz: Tz) -> Vec<u32> {
    pairs
        .iter()
        .filter_map(|(complete, decided)| {
            Some(calendar.working_days_between(local_date(complete, tz)?, local_date(decided, tz)?))
        })
        .collect()
}

/// The start of what a summary covers: the previous occurrence, or a week before.
pub fn window_start(period: &Period) -> DateTime<Utc> {
    period.previous.as_ref().map_or_else(
        || period.at.with_timezone(&Utc) - chrono::Duration::days(7),
        |p| p.with_timezone(&Utc),
    )
}

pub async fn run(app: &App, period: &Period) -> Result<String, JobError> {
    let from = window_start(period);
    let to = period.at.with_timezone(&Utc);
    let (since, until) = (timestamp(from), timestamp(to));
    let today = app.today();
    let counts = app
        .store
        .summary_counts(&since, &until, &today.to_string())
        .await?;
    let pairs = app.store.decisions_between(&since, &until).await?;
    let median = median(decision_days(&pairs, &app.calendar, app.timezone));
    let mut c = tera::Context::new();
    c.insert("sponsor", &sponsor(app));
    c.insert(
        "week_from",
        &long_date(from.with_timezone(&app.timezone).date_naive()),
    );
    c.insert(
        "week_to",
        &long_date(to.with_timezone(&app.timezone).date_naive()),
    );
    c.insert("counts", &counts);
    c.insert(
        "median_working_days",
        &median.map_or_else(|| "-".to_string(), |m| format!("{m:.1}")),
    );
    let draft = app
        .to_administrators(Template::WeeklySummary)
        .purpose("weekly summary");
    let email = app.compose(&draft, &c)?;
    app.store.queue_email(&email).await?;
    Ok(format!(
        "summary sent: {} received, {} decided, {} overdue",
        counts.received, counts.decided, counts.overdue
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![7]), Some(7.0));
        assert_eq!(median(vec![9, 1, 4]), Some(4.0));
        assert_eq!(median(vec![3, 1, 4, 10]), Some(3.5));
    }

    #[test]
    fn decision_days_count_working_days_in_the_sponsors_zone() {
        let cal = Calendar::parse("2026-12-25\n2026-12-28\n").unwrap();
        let pairs = vec![
            // Complete Monday 21 December, decided Wednesday 30th: 22, 23, 24, 29, 30.
            (
                "2026-12-21T10:00:00.000Z".to_string(),
                "2026-12-30T16:00:00.000Z".to_string(),
            ),
            // Decided the same day.
            (
                "2026-11-02T09:00:00.000Z".to_string(),
                "2026-11-02T15:00:00.000Z".to_string(),
            ),
        ];
        assert_eq!(
            decision_days(&pairs, &cal, chrono_tz::Europe::London),
            vec![5, 0]
        );
    }
}
