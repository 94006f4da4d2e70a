//! Working days: weekends and England and Wales bank holidays, one calendar
//! used for every timescale, due date and reminder. Pure: the holidays come
//! in as text, the caller reads the file.

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeSet;

/// A bank-holiday line that could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("line {line}: {text:?} is not a date (expected YYYY-MM-DD)")]
pub struct HolidayError {
    pub line: usize,
    pub text: String,
}

/// Weekends plus a set of bank holidays.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// Reads one `YYYY-MM-DD` per line; text after the date and `#` comments are ignored.
    pub fn parse(text: &str) -> Result<Calendar, HolidayError> {
        let mut holidays = BTreeSet::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some(first) = line.split_whitespace().next() else {
                continue;
            };
            let date = NaiveDate::parse_from_str(first, "%Y-%m-%d").map_err(|_| HolidayError {
                line: i + 1,
                text: first.to_string(),
            })?;
            holidays.insert(date);
        }
        Ok(Calendar { holidays })
    }

    /// The last bank holiday the file knows, to warn when the data runs out.
    pub fn last_known_holiday(&self) -> Option<NaiveDate> {
        self.holidays.last().copied()
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }

    /// The date `n` working days after `from` (a request received on any day
    /// counts from the next working day; 0 gives `from` itself).
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().unwrap_or(d);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days after `from` up to and including `to` (0 when `to <= from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut count = 0;
        let mut d = from;
        while d < to {
            d = d.succ_opt().unwrap_or(to);
            if self.is_working_day(d) {
                count += 1;
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> Calendar {
        Calendar::parse(
            "# E&W\n2026-12-25 Christmas Day\n2026-12-28  Boxing Day (substitute)\n\n2027-01-01\n",
        )
        .unwrap()
    }

    #[test]
    fn skips_weekends() {
        // Friday + 1 working day is Monday.
        assert_eq!(cal().add_working_days(d("2026-11-20"), 1), d("2026-11-23"));
        assert_eq!(cal().add_working_days(d("2026-11-23"), 10), d("2026-12-07"));
    }

    #[test]
    fn a_bank_holiday_moves_the_date_by_a_day() {
        let none = Calendar::default();
        assert_eq!(none.add_working_days(d("2026-12-21"), 5), d("2026-12-28"));
        // 25th and 28th are holidays: 22, 23, 24, 29, 30.
        assert_eq!(cal().add_working_days(d("2026-12-21"), 5), d("2026-12-30"));
    }

    #[test]
    fn counts_between() {
        assert_eq!(
            cal().working_days_between(d("2026-12-21"), d("2026-12-30")),
            5
        );
        assert_eq!(
            cal().working_days_between(d("2026-12-30"), d("2026-12-21")),
            0
        );
    }

    #[test]
    fn refuses_a_bad_line_naming_it() {
        let e = Calendar::parse("2026-01-01\n2026-13-01\n").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn adding_then_counting_agrees() {
        let c = cal();
        let start = d("2026-12-01");
        for n in 0..40 {
            assert_eq!(
                c.working_days_between(start, c.add_working_days(start, n)),
                n
            );
        }
    }
}
