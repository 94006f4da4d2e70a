//! Normalising what people write before comparing it with a register:
//! care-home names, people's names, UK postcodes, telephone numbers.

const NAME_NOISE: &[&str] = &[
    "the",
    "ltd",
    "limited",
    "care",
    "home",
    "homes",
    "nursing",
    "residential",
    "and",
    "centre",
    "plc",
];

fn name_tokens(name: &str) -> Vec<String> {
    let lower = name.to_lowercase().replace('&', " and ");
    let mut t: Vec<String> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !NAME_NOISE.contains(w))
        .map(str::to_string)
        .collect();
    t.sort();
    t.dedup();
    t
}

/// Two names of a care home agree when, without words such as "care home"
/// and "Ltd", one's words are all in the other.
pub fn names_agree(a: &str, b: &str) -> bool {
    let (x, y) = (name_tokens(a), name_tokens(b));
    if x.is_empty() || y.is_empty() {
        return a.trim().eq_ignore_ascii_case(b.trim());
    }
    x.iter().all(|w| y.contains(w)) || y.iter().all(|w| x.contains(w))
}

/// Two people agree when their family names do and their first given names
/// (or initials) do; titles are ignored.
pub fn people_agree(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.to_lowercase()
            .split(|c: char| !c.is_alphabetic() && c != '-' && c != '\'')
            .filter(|w| !w.is_empty() && !["mr", "mrs", "ms", "miss", "dr", "mx"].contains(w))
            .map(str::to_string)
            .collect()
    };
    let (x, y) = (words(a), words(b));
    match (x.first(), x.last(), y.first(), y.last()) {
        (Some(xf), Some(xl), Some(yf), Some(yl)) => {
            xl == yl
                && (xf == yf
                    || xf.chars().next() == yf.chars().next() && (xf.len() == 1 || yf.len() == 1))
        }
        _ => false,
    }
}

pub(super) fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
}

fn is_outward(w: &str) -> bool {
    let b = w.as_bytes();
    (2..=4).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b.iter().any(u8::is_ascii_digit)
        && b.iter().all(u8::is_ascii_alphanumeric)
}

fn is_inward(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() == 3
        && b[0].is_ascii_digit()
        && b[1].is_ascii_alphabetic()
        && b[2].is_ascii_alphabetic()
}

/// The last UK postcode in an address, as `LS1 4AB`.
pub fn postcode(address: &str) -> Option<String> {
    let upper = address.to_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = None;
    for (i, w) in words.iter().enumerate() {
        if is_outward(w) && words.get(i + 1).is_some_and(|n| is_inward(n)) {
            found = Some(format!("{w} {}", words[i + 1]));
        } else if (5..=7).contains(&w.len())
            && is_inward(&w[w.len() - 3..])
            && is_outward(&w[..w.len() - 3])
        {
            found = Some(format!("{} {}", &w[..w.len() - 3], &w[w.len() - 3..]));
        }
    }
    found
}

/// A UK telephone number as digits, `+44` written as `0`.
pub fn phone_digits(s: &str) -> String {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    match d.strip_prefix("44") {
        // `+44 (0)113 ...`: the bracketed 0 is dropped with the country code.
        Some(rest) if s.trim_start().starts_with('+') || d.len() >= 12 => {
            format!("0{}", rest.strip_prefix('0').unwrap_or(rest))
        }
        _ => d,
    }
}
