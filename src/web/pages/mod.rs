//! The console's pages, one module each: the dashboard, the case list and
//! a case. Each reads the store and hands plain values to its template.

pub mod case;
pub mod cases;
pub mod dashboard;

use super::csrf;
use super::session::Admin;

/// What every page's layout needs: who is signed in, and the CSRF token
/// every form on it carries.
pub fn context(admin: &Admin) -> tera::Context {
    let mut c = tera::Context::new();
    c.insert("admin_email", &admin.email);
    c.insert("csrf_field", csrf::FIELD);
    c.insert("csrf_token", &admin.csrf_token);
    c
}

/// A stored time (RFC 3339) as people read it: `2026-12-04 14:05`.
pub fn when(stored: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(stored) {
        Ok(t) => t
            .with_timezone(&chrono_tz::Europe::London)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => stored.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_uk_time() {
        assert_eq!(when("2026-07-01T13:05:00.000Z"), "2026-07-01 14:05");
        assert_eq!(when("2026-12-01T13:05:00.000Z"), "2026-12-01 13:05");
        assert_eq!(when("not a time"), "not a time");
    }
}
