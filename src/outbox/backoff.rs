//! Exponential backoff with jitter and a cap, for retries of any kind.

use std::time::Duration;

/// The delay before attempt `attempt + 1`: `base * 2^attempt`, capped, with
/// up to a quarter taken off at random so that retries do not march in step.
/// `jitter` is a number in `0.0..1.0` (the caller's randomness).
pub fn retry_delay(base: Duration, cap: Duration, attempt: u32, jitter: f64) -> Duration {
    let factor = 2u64.saturating_pow(attempt.min(30));
    let full = base
        .saturating_mul(u32::try_from(factor).unwrap_or(u32::MAX))
        .min(cap);
    let cut = full.mul_f64(jitter.clamp(0.0, 1.0) * 0.25);
    full.saturating_sub(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_until_the_cap() {
        let base = Duration::from_secs(30);
        let cap = Duration::from_secs(3600);
        assert_eq!(retry_delay(base, cap, 0, 0.0), Duration::from_secs(30));
        assert_eq!(retry_delay(base, cap, 3, 0.0), Duration::from_secs(240));
        assert_eq!(retry_delay(base, cap, 40, 0.0), cap);
    }

    #[test]
    fn jitter_takes_off_at_most_a_quarter() {
        let d = retry_delay(
            Duration::from_secs(100),
            Duration::from_secs(1000),
            0,
            0.999,
        );
        assert!(d > Duration::from_secs(75) && d <= Duration::from_secs(100));
    }
}
