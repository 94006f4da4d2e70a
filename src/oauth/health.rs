//! The health of the stored credentials. A refresh token lapses after a
//! period unused (Microsoft: 90 days) and when the mailbox's password is
//! changed (NHSmail application accounts change it yearly:
//! `refresh_token_max_age_days`). Pure reckoning; telling the
//! administrators is `reminders::credentials`'.

use super::stored::StoredToken;
use crate::config::OAuth2;
use chrono::{DateTime, Duration, Utc};

/// When the stored refresh token lapses at the latest.
pub fn lapses_at(token: &StoredToken, o: &OAuth2) -> DateTime<Utc> {
    let unused = token.last_used_at + Duration::days(i64::from(o.refresh_token_inactivity_days));
    match o.refresh_token_max_age_days {
        Some(days) => unused.min(token.obtained_at + Duration::days(i64::from(days))),
        None => unused,
    }
}

/// Whether to warn now: within `warn_before_days` of the lapse.
pub fn due_for_warning(token: &StoredToken, o: &OAuth2, now: DateTime<Utc>) -> bool {
    now + Duration::days(i64::from(o.warn_before_days)) >= lapses_at(token, o)
}

/// "41 days", "5 hours", "lapsed": how long is left, for people.
pub fn describe_left(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let left = until - now;
    if left <= Duration::zero() {
        "lapsed".into()
    } else if left >= Duration::days(2) {
        format!("{} days", left.num_days())
    } else if left >= Duration::hours(2) {
        format!("{} hours", left.num_hours())
    } else {
        format!("{} minutes", left.num_minutes().max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn settings(max_age: Option<u32>) -> OAuth2 {
        let toml = format!(
            "flow = \"device-code\"\nclient_id = \"x\"\n{}",
            max_age.map_or(String::new(), |d| format!(
                "refresh_token_max_age_days = {d}\n"
            ))
        );
        toml::from_str(&toml).unwrap()
    }

    fn token(obtained_days_ago: i64, used_days_ago: i64, now: DateTime<Utc>) -> StoredToken {
        StoredToken {
            refresh_token: Secret::new("rt"),
            obtained_at: now - Duration::days(obtained_days_ago),
            last_used_at: now - Duration::days(used_days_ago),
        }
    }

    #[test]
    fn lapses_ninety_days_after_last_use_by_default() {
        let now = Utc::now();
        let t = token(200, 80, now);
        let o = settings(None);
        assert_eq!(lapses_at(&t, &o), now + Duration::days(10));
        assert!(due_for_warning(&t, &o, now), "10 days left, warned at 14");
        assert!(!due_for_warning(&token(200, 1, now), &o, now));
    }

    #[test]
    fn a_yearly_password_change_comes_first() {
        let now = Utc::now();
        let o = settings(Some(365));
        let t = token(360, 0, now);
        assert_eq!(lapses_at(&t, &o), now + Duration::days(5));
        assert!(due_for_warning(&t, &o, now));
    }

    #[test]
    fn time_left_reads_well() {
        let now = Utc::now();
        assert_eq!(describe_left(now + Duration::days(41), now), "41 days");
        assert_eq!(describe_left(now + Duration::hours(5), now), "5 hours");
        assert_eq!(describe_left(now - Duration::hours(5), now), "lapsed");
    }
}
