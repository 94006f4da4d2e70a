//! Secrets handed to a person (a sign-in link, a session cookie, a form's
//! CSRF token): random, long enough not to be guessed, and kept in the
//! database only as their SHA-256, so a copy of the database signs nobody in.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

/// How long a sign-in link may be used after it is made.
pub const LINK_LIFETIME: Duration = Duration::minutes(15);

/// 32 random bytes as 64 hexadecimal digits (256 bits, from the OS's generator).
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// What the database keeps of a token: its SHA-256, in hexadecimal.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// When a link made at `made` stops working.
pub fn link_expiry(made: DateTime<Utc>) -> DateTime<Utc> {
    made + LINK_LIFETIME
}

/// Whether a link made at `made` still works at `now`.
pub fn link_valid(made: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now < link_expiry(made)
}

/// A token as it may appear in a link or a cookie: 64 hex digits. Anything
/// else is refused before the database is asked.
pub fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_well_formed() {
        let a = random_token();
        let b = random_token();
        assert_ne!(a, b);
        assert!(well_formed(&a) && well_formed(&b));
        assert!(!well_formed("abc"));
        assert!(!well_formed(&"g".repeat(64)));
    }

    #[test]
    fn the_digest_is_sha256_and_never_the_token_itself() {
        // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let t = random_token();
        assert_ne!(digest(&t), t);
        assert_eq!(digest(&t), digest(&t));
    }

    #[test]
    fn a_link_works_for_fifteen_minutes() {
        let made = DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert!(link_valid(made, made));
        assert!(link_valid(made, made + Duration::seconds(14 * 60 + 59)));
        assert!(!link_valid(made, made + Duration::minutes(15)));
        assert!(!link_valid(made, made + Duration::hours(2)));
        assert_eq!(link_expiry(made).to_rfc3339(), "2026-12-04T10:15:00+00:00");
    }
}
