//! Cross-site request forgery: every form carries its session's token in a
//! hidden field, and every POST is refused (403) unless the field matches
//! the session's token. The comparison takes the same time wherever the
//! two differ, so the token cannot be found a digit at a time.

/// The hidden field's name.
pub const FIELD: &str = "csrf_token";

/// Whether `given` (from the form) is the session's token, in constant time.
pub fn matches(expected: &str, given: Option<&str>) -> bool {
    let Some(given) = given else {
        return false;
    };
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    if a.is_empty() || a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_token_matches() {
        let t = "5f1d0a";
        assert!(matches(t, Some("5f1d0a")));
        assert!(!matches(t, Some("5f1d0b")));
        assert!(!matches(t, Some("5f1d0")));
        assert!(!matches(t, Some("5f1d0a0")));
        assert!(!matches(t, Some("")));
        assert!(!matches(t, None));
    }

    #[test]
    fn an_empty_expected_token_matches_nothing() {
        assert!(!matches("", Some("")));
        assert!(!matches("", None));
    }
}
