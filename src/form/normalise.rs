//! Pure normalisations of the values people write: CQC identifiers, yes/no
//! answers, counts, email addresses, UK telephone numbers, addresses.
//! Nothing here allocates more than the value itself or can panic.

/// The dash-like characters people (and Word) put between `1` and the digits.
fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '‑' | '‐' | '−')
}

/// Reads a CQC identifier (`1-` and 9 to 11 digits) out of what was written:
/// `"1 - 1234 56789"`, `"CQC 1-123456789"`, `"Location ID: 1-123456789"`.
/// `None` when no such identifier can be read.
pub fn cqc(raw: &str) -> Option<String> {
    let chars: Vec<char> = raw.chars().collect();
    for (start, &c) in chars.iter().enumerate() {
        let after_boundary = start == 0
            || !chars
                .get(start.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric());
        if c != '1' || !after_boundary {
            continue;
        }
        if let Some(digits) = digits_after_dash(chars.get(start + 1..).unwrap_or(&[]))
            && (9..=11).contains(&digits.len())
        {
            return Some(format!("1-{digits}"));
        }
    }
    // Some write the identifier without its dash: "1123456789".
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() >= 10
        && compact.len() <= 12
        && compact.starts_with('1')
        && compact.chars().all(|c| c.is_ascii_digit())
    {
        return compact.get(1..).map(|d| format!("1-{d}"));
    }
    None
}

/// After the leading `1`: optional spaces, one dash, then digits that may be
/// broken by spaces. Stops at anything else; a trailing letter spoils it.
fn digits_after_dash(rest: &[char]) -> Option<String> {
    let mut i = 0;
    while rest.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    if !rest.get(i).is_some_and(|&c| is_dash(c)) {
        return None;
    }
    i += 1;
    while rest.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    let mut digits = String::new();
    while let Some(&c) = rest.get(i) {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if c == ' ' && rest.get(i + 1).is_some_and(|d| d.is_ascii_digit()) {
            // a space inside the number: "1234 56789"
        } else if c.is_alphanumeric() {
            return None;
        } else {
            break;
        }
        i += 1;
    }
    (!digits.is_empty()).then_some(digits)
}

/// True for the canonical form `1-` + 9..=11 digits.
pub fn is_canonical_cqc(value: &str) -> bool {
    value
        .strip_prefix("1-")
        .is_some_and(|d| (9..=11).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()))
}

const CHECKED: [&str; 9] = ["☒", "☑", "✓", "✔", "✅", "[x]", "(x)", "[✓]", "[✔]"];
const UNCHECKED: [&str; 4] = ["☐", "[ ]", "( )", "[]"];

/// A web address as printed or typed: "https://...", "www...", in any case.
pub fn is_link(token: &str) -> bool {
    let t = token.trim_start_matches(['(', '<', '[']).as_bytes();
    let opens = |p: &str| {
        t.get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()))
    };
    opens("http://") || opens("https://") || opens("www.")
}

/// Reads a Yes/No answer as people write it. `None` when unanswered or
/// when the `Yes/No` placeholder was left untouched.
pub fn yes_no(raw: &str) -> Option<bool> {
    let lower = raw.trim().to_lowercase();
    if lower.is_empty() {
        return None;
    }
    if let Some(answer) = checkbox_answer(&x_as_mark(&lower)) {
        return Some(answer);
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let Some(first) = words.first() else {
        // Only marks and punctuation: a lone tick is a yes, a cross a no.
        return lone_mark(&lower);
    };
    let second = words.get(1).copied().unwrap_or("");
    // The untouched placeholder "Yes/No", "Y/N", "Yes or No".
    let pair =
        |a: &str, b: &str| (is_yes_word(a) && is_no_word(b)) || (is_no_word(a) && is_yes_word(b));
    let untouched = if pair(first, second) {
        Some(2)
    } else if second == "or" && pair(first, words.get(2).copied().unwrap_or("")) {
        Some(3)
    } else {
        None
    };
    if let Some(n) = untouched {
        // "Yes/No   Yes": a word typed after the printed options.
        return match words.get(n).copied() {
            Some(w) if is_yes_word(w) => Some(true),
            Some(w) if is_no_word(w) => Some(false),
            _ => None,
        };
    }
    if words.len() == 1 && *first == "x" {
        return Some(true);
    }
    if is_yes_word(first) {
        return Some(true);
    }
    if is_no_word(first) {
        return Some(false);
    }
    match *first {
        "completed" | "complete" | "done" | "confirmed" | "correct" | "true" | "yeah" | "yep"
        | "ok" | "tick" | "ticked" | "absolutely" | "definitely" | "certainly" => Some(true),
        "not" | "none" | "nope" | "false" | "never" | "nil" | "zero" => Some(false),
        _ => lone_mark(&lower),
    }
}

/// A lone "x" beside the options marks one: "Yes X  No", "Yes  No x".
fn x_as_mark(lower: &str) -> std::borrow::Cow<'_, str> {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let options = words.iter().any(|w| is_yes_word(w)) && words.iter().any(|w| is_no_word(w));
    if !options || !words.contains(&"x") {
        return lower.into();
    }
    let mut out = String::with_capacity(lower.len());
    let chars: Vec<char> = lower.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let alone = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_none_or(|n| !n.is_alphanumeric())
        };
        if c == 'x' && alone(i.checked_sub(1)) && alone(Some(i + 1)) {
            out.push('☒');
        } else {
            out.push(c);
        }
    }
    out.into()
}

fn is_yes_word(w: &str) -> bool {
    matches!(w, "yes" | "y")
}

fn is_no_word(w: &str) -> bool {
    matches!(w, "no" | "n" | "na" | "nope")
}

fn lone_mark(lower: &str) -> Option<bool> {
    let t = lower.trim();
    if CHECKED.iter().any(|m| t.starts_with(m)) {
        Some(true)
    } else if ["✗", "✘", "❌"].iter().any(|m| t.starts_with(m)) {
        Some(false)
    } else {
        None
    }
}

/// "[x] Yes [ ] No", "☒ Yes ☐ No", "Yes ☒ No ☐": the option beside the
/// checked mark is the answer.
fn checkbox_answer(lower: &str) -> Option<bool> {
    let mut tokens: Vec<(bool, String)> = Vec::new(); // (is_checked_mark, word)
    let mut rest = lower;
    let mut any_mark = false;
    while !rest.is_empty() {
        if let Some(m) = CHECKED.iter().find(|m| rest.starts_with(**m)) {
            tokens.push((true, String::new()));
            any_mark = true;
            rest = rest.get(m.len()..).unwrap_or("");
            continue;
        }
        if let Some(m) = UNCHECKED.iter().find(|m| rest.starts_with(**m)) {
            tokens.push((false, "\u{0}".into()));
            rest = rest.get(m.len()..).unwrap_or("");
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        if c.is_alphanumeric() {
            let end = rest
                .char_indices()
                .find(|(_, ch)| !ch.is_alphanumeric())
                .map_or(rest.len(), |(i, _)| i);
            tokens.push((false, rest.get(..end).unwrap_or("").to_string()));
            rest = rest.get(end..).unwrap_or("");
        } else {
            rest = rest.get(c.len_utf8()..).unwrap_or("");
        }
    }
    if !any_mark {
        return None;
    }
    let answer_of = |w: &str| match w {
        "yes" | "y" => Some(true),
        "no" | "n" => Some(false),
        _ => None,
    };
    // Marks stand either before their options ("☒ Yes ☐ No") or after them
    // ("Yes ☒ No ☐"); the first token tells which.
    let marks_first = tokens
        .first()
        .is_some_and(|(checked, w)| *checked || w == "\u{0}");
    for (i, (checked, _)) in tokens.iter().enumerate() {
        if !checked {
            continue;
        }
        let option = if marks_first {
            tokens.get(i + 1)
        } else {
            i.checked_sub(1).and_then(|p| tokens.get(p))
        };
        if let Some(a) = option.and_then(|(_, w)| answer_of(w)) {
            return Some(a);
        }
    }
    None
}

const NUMBER_WORDS: [&str; 21] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

/// A number written at the start of a value, in digits or words: `"2"`,
/// `"2.0"` (a spreadsheet cell), `"Two accounts:"`, `"None – shared mailbox
/// only"` (0), `"a single account"` (1).
pub fn count(raw: &str) -> Option<u32> {
    let lower = raw.trim().to_lowercase();
    let mut words = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .filter(|w| !w.is_empty());
    let mut first = words.next()?.trim_end_matches('.');
    if matches!(first, "a" | "an" | "just" | "only") {
        first = words.next()?.trim_end_matches('.');
    }
    if let Some(whole) = first.strip_suffix(".0").or(Some(first))
        && let Ok(n) = whole.parse::<u32>()
    {
        return Some(n);
    }
    if let Some(n) = NUMBER_WORDS.iter().position(|w| *w == first) {
        return u32::try_from(n).ok();
    }
    match first {
        "none" | "no" | "nil" | "nothing" => Some(0),
        "single" => Some(1),
        "couple" => Some(2),
        _ => None,
    }
}

/// An email address as written, trimmed and lower-cased, without `mailto:`
/// or angle brackets.
pub fn email(raw: &str) -> String {
    let t = raw
        .trim()
        .trim_start_matches('<')
        .trim_end_matches(['>', '.', ',', ';']);
    let t = t.strip_prefix("mailto:").unwrap_or(t);
    t.trim().to_lowercase()
}

/// A plausible email address: one `@`, a local part, a dotted domain, no spaces.
pub fn is_valid_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let ok_char = |c: char| c.is_alphanumeric() || "._%+-'!#$&*/=?^`{|}~".contains(c);
    !local.is_empty()
        && local.chars().all(ok_char)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && domain.contains('.')
        && domain
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
}

/// Text written as an email address, valid or not: with an `@`, or one
/// dotted word with no `@` ("jane.smith.riverside.example.org", the `@`
/// typed as a dot), which the form's answer gives wrongly rather than not at all.
pub fn is_email_attempt(text: &str) -> bool {
    let t = text.trim().trim_end_matches(['.', ',', ';']);
    if t.contains('@') {
        return true;
    }
    let ok_char = |c: char| c.is_alphanumeric() || "._%+-'".contains(c);
    let labels: Vec<&str> = t.split('.').collect();
    !t.contains(char::is_whitespace)
        && t.chars().all(ok_char)
        && labels.len() >= 3
        && labels.iter().all(|l| l.chars().any(char::is_alphabetic))
}

/// A UK telephone number, landline or mobile, as people write it:
/// `0113 496 0000`, `(0113) 496 0645`, `+44 (0)113 496 0871`, `07700 900123`,
/// with an optional extension. A number abroad (`+1 (212) 555-0147`) is not.
pub fn is_uk_phone(raw: &str) -> bool {
    if is_uk_number(raw) {
        return true;
    }
    // "0113 496 0000 / 07700 900123", "Tel 0113 496 0000": the first number.
    find_phone(raw)
        .and_then(|(s, e)| raw.get(s..e))
        .is_some_and(|first| first.len() < raw.trim().len() && is_uk_number(first))
}

fn is_uk_number(raw: &str) -> bool {
    let lower = raw.trim().to_lowercase();
    // An extension is not part of the number.
    let main = ["ext", "extn", "x"]
        .iter()
        .filter_map(|e| lower.find(&format!(" {e}")))
        .min()
        .and_then(|i| lower.get(..i))
        .unwrap_or(&lower);
    if main
        .chars()
        .any(|c| !(c.is_ascii_digit() || " +()-.".contains(c)))
    {
        return false;
    }
    let national = if let Some(rest) = main.trim().strip_prefix("+44") {
        rest.replacen("(0)", "", 1)
    } else if let Some(rest) = main.trim().strip_prefix("0044") {
        rest.replacen("(0)", "", 1)
    } else if main.trim_start().starts_with('+') {
        return false;
    } else {
        main.to_string()
    };
    let digits: String = national.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = if digits.starts_with('0') {
        digits
    } else {
        format!("0{digits}")
    };
    let second = digits.chars().nth(1).unwrap_or('0');
    (10..=11).contains(&digits.len()) && matches!(second, '1' | '2' | '3' | '5' | '7' | '8')
}

/// Finds a telephone-looking run (10 or more digits with spaces, brackets,
/// `+` or dashes) in a value: `"Jane Smith – 07700 900123"` gives the number.
pub fn find_phone(text: &str) -> Option<(usize, usize)> {
    let allowed = |c: char| c.is_ascii_digit() || " +()-".contains(c);
    let mut start = None;
    let mut prev = ' ';
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), '\u{0}')))
    {
        let inside = c != '\u{0}' && allowed(c);
        // A number does not start inside a word ("dev.patel2").
        let at_boundary = !(prev.is_alphanumeric() || "._@".contains(prev));
        prev = c;
        match (start, inside) {
            (None, true) if at_boundary && (c.is_ascii_digit() || c == '+' || c == '(') => {
                start = Some(i);
            }
            (Some(s), false) => {
                let run = text.get(s..i).unwrap_or("");
                let trimmed = run.trim_end_matches([' ', '-', '(']);
                if trimmed.chars().filter(char::is_ascii_digit).count() >= 10 {
                    return Some((s, s + trimmed.len()));
                }
                start = None;
            }
            _ => {}
        }
    }
    None
}

/// True when the whole value is a telephone number.
pub fn is_phone_like(text: &str) -> bool {
    let t = text.trim();
    find_phone(t).is_some_and(|(s, e)| s == 0 && e == t.len())
}

/// Joins address lines with `", "`, dropping empty lines and the commas
/// people already put at line ends.
pub fn join_address<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for line in lines.into_iter().flat_map(|l| l.split('\n')) {
        let line = line.trim().trim_end_matches(',').trim();
        if line.is_empty() {
            continue;
        }
        parts.push(line);
        // A UK address ends with its postcode; what follows is another answer.
        if ends_with_postcode(line) {
            break;
        }
    }
    parts.join(", ")
}

/// Whether `line` ends with a UK postcode ("Leeds LS16 2FD", "BD18 2JW",
/// "EC1A 1BB").
pub fn ends_with_postcode(line: &str) -> bool {
    let words: Vec<&str> = line
        .trim()
        .trim_end_matches(['.', ','])
        .split_whitespace()
        .collect();
    let [.., outward, inward] = words.as_slice() else {
        return false;
    };
    let inward: Vec<char> = inward.to_uppercase().chars().collect();
    let inward_ok = matches!(inward.as_slice(), [d, a, b]
        if d.is_ascii_digit() && a.is_ascii_uppercase() && b.is_ascii_uppercase());
    let out: Vec<char> = outward.to_uppercase().chars().collect();
    let letters = out.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let rest = out.get(letters..).unwrap_or_default();
    let outward_ok = (1..=2).contains(&letters)
        && (1..=2).contains(&rest.len())
        && rest.first().is_some_and(char::is_ascii_digit)
        && rest.iter().all(char::is_ascii_alphanumeric);
    inward_ok && outward_ok
}

/// Values that mean "nothing given" in a text field, including template
/// prompts left in place ("[Enter name]", Word's "Click or tap here to
/// enter text.").
pub fn is_placeholder(value: &str) -> bool {
    let trimmed = value.trim();
    let prompt = (trimmed.starts_with('[') && trimmed.ends_with(']'))
        || (trimmed.starts_with('<') && trimmed.ends_with('>') && !trimmed.contains('@'))
        || trimmed.to_lowercase().starts_with("click or tap here")
        || trimmed.to_lowercase().starts_with("click here to enter");
    if prompt {
        return true;
    }
    let t = value
        .trim()
        .trim_matches(|c: char| c == '.' || c == '-' || c == '–' || c.is_whitespace())
        .to_lowercase();
    if is_deferred(value.trim()) || is_untouched_options(&t) {
        return true;
    }
    matches!(
        t.as_str(),
        "" | "n/a"
            | "na"
            | "n.a"
            | "none"
            | "nil"
            | "tbc"
            | "tba"
            | "?"
            | "not applicable"
            | "x"
            | "yes/no"
            | "y/n"
            | "[name]"
            | "name"
    )
}

/// The options printed for a yes-or-no answer, neither marked: "Yes No",
/// "Yes / No", "Y/N".
fn is_untouched_options(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '/' || c == '|')
        .filter(|w| !w.is_empty())
        .collect();
    let yes = words.iter().filter(|w| matches!(**w, "yes" | "y")).count();
    let no = words.iter().filter(|w| matches!(**w, "no" | "n")).count();
    yes == 1 && no == 1 && words.len() == 2
}

/// Words that put an answer off: "TBC", "to follow", "will send later",
/// "awaiting new number". Such an answer is not given yet (missing), never
/// a wrong one.
const DEFERRALS: [&str; 33] = [
    "tbc",
    "tba",
    "tbd",
    "to be confirmed",
    "to be advised",
    "to be agreed",
    "to be decided",
    "to follow",
    "will follow",
    "will send",
    "will confirm",
    "will provide",
    "will forward",
    "will let you know",
    "will be sent",
    "will be provided",
    "awaiting",
    "pending",
    "not yet known",
    "not known",
    "unknown",
    "don't know",
    "do not know",
    "not sure",
    "unsure",
    "n/k",
    "not decided",
    "not yet decided",
    "undecided",
    "still deciding",
    "not chosen",
    "not yet chosen",
    "to be chosen",
];

/// A deferral phrase opens the answer. What follows it must not be a name
/// ("Unknown Court", "Pending Lodge" are homes): a capital after the phrase
/// means the phrase was a name's first word.
fn is_deferred(value: &str) -> bool {
    let start = value.len()
        - value
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .len();
    let text = value.get(start..).unwrap_or("");
    let lower = text.to_lowercase();
    DEFERRALS.iter().any(|d| {
        let Some(rest) = lower.strip_prefix(d) else {
            return false;
        };
        if rest.starts_with(|c: char| c.is_alphanumeric()) {
            return false;
        }
        let after = text.get(d.len()..).unwrap_or("").trim_start();
        !(rest.starts_with(' ') && after.starts_with(|c: char| c.is_uppercase()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn deferred_answers_are_placeholders() {
        for deferred in [
            "TBC",
            "tbc - new number soon",
            "To follow",
            "Will send later",
            "Awaiting new number",
            "(to be confirmed)",
            "To Follow",
            "not decided yet",
            "Pending approval",
        ] {
            assert!(is_placeholder(deferred), "{deferred}");
        }
        for given in [
            "Tbcare Ltd",
            "Pendle House",
            "Unknowns Lane",
            "Unknown Court",
            "Pending Lodge",
            "0113 496 0000",
        ] {
            assert!(!is_placeholder(given), "{given}");
        }
    }

    #[test]
    fn cqc_forms_people_write() {
        assert_eq!(cqc("1-123456789").as_deref(), Some("1-123456789"));
        assert_eq!(cqc("1 - 1234 56789").as_deref(), Some("1-123456789"));
        assert_eq!(cqc("1 – 1095 23847").as_deref(), Some("1-109523847"));
        assert_eq!(cqc("CQC 1-116384920").as_deref(), Some("1-116384920"));
        assert_eq!(
            cqc("Location ID: 1-119876543").as_deref(),
            Some("1-119876543")
        );
        assert_eq!(cqc("1-10293847561 ").as_deref(), Some("1-10293847561"));
        assert_eq!(cqc("1123456789").as_deref(), Some("1-123456789"));
    }

    #[test]
    fn cqc_unreadable_values() {
        assert_eq!(cqc("1-10987654"), None);
        assert_eq!(cqc("VNX4T"), None);
        assert_eq!(cqc("11-123456789"), None);
        assert_eq!(cqc("1-123456789012"), None);
        assert!(!is_canonical_cqc("1-10987654"));
        assert!(is_canonical_cqc("1-2847193650"));
    }

    #[test]
    fn yes_no_variants() {
        for yes in [
            "Yes",
            "Y",
            "yes - completed March 2024",
            "Yes/",
            "Yes/ ",
            "✓",
            "☑",
            "[x] Yes [ ] No",
            "☒ Yes ☐ No",
            "Yes ☒ No ☐",
            "Yes – standards met",
            "Completed",
            "X",
        ] {
            assert_eq!(yes_no(yes), Some(true), "{yes}");
        }
        for no in [
            "No",
            "N",
            "n/a",
            "N/A",
            "/No",
            "No – we are working through it",
            "[ ] Yes [x] No",
            "☐ Yes ☒ No",
            "Not yet",
            "None",
        ] {
            assert_eq!(yes_no(no), Some(false), "{no}");
        }
        for none in [
            "",
            "Yes/No",
            "Y/N",
            "Yes / No",
            "yes or no",
            "maybe",
            "No/Yes",
            "Yes/No TBC",
        ] {
            assert_eq!(yes_no(none), None, "{none}");
        }
        for (raw, want) in [
            ("Yes/No   Yes", true),
            ("Yes/No - No", false),
            ("Y/N: Y", true),
            ("Yes X No", true),
            ("Yes  No X", false),
            ("X Yes  No", true),
            ("Yes ☐ No ☒", false),
        ] {
            assert_eq!(yes_no(raw), Some(want), "{raw}");
        }
    }

    #[test]
    fn counts_in_digits_and_words() {
        assert_eq!(count("2"), Some(2));
        assert_eq!(count("2.0"), Some(2));
        assert_eq!(count("Two accounts:"), Some(2));
        assert_eq!(count("five"), Some(5));
        assert_eq!(count("None – shared mailbox only"), Some(0));
        assert_eq!(count("a single account"), Some(1));
        assert_eq!(count("Jane Smith"), None);
        assert_eq!(count(""), None);
    }

    #[test]
    fn options_left_unmarked_are_no_answer() {
        for t in ["Yes No", "Yes / No", "YES/NO", "y / n", "Yes | No"] {
            assert!(is_placeholder(t), "{t}");
        }
        for t in ["Yes", "No", "Yes no thanks", "Noah Yesson"] {
            assert!(!is_placeholder(t), "{t}");
        }
    }

    #[test]
    fn postcodes_end_addresses() {
        for yes in [
            "Leeds LS16 2FD",
            "BD18 2JW",
            "London EC1A 1BB",
            "Leeds, LS8 9ZJ.",
            "m1 1ae",
        ] {
            assert!(ends_with_postcode(yes), "{yes}");
        }
        for no in [
            "Leeds",
            "84 Beechcroft Lane",
            "Flat 2 3AB",
            "07700 900123",
            "Room 12 Block",
        ] {
            assert!(!ends_with_postcode(no), "{no}");
        }
        assert_eq!(
            join_address(["9 Silverdale Street\nShipley\nBD18 2JW\n[x] Yes [ ] No"]),
            "9 Silverdale Street, Shipley, BD18 2JW"
        );
    }

    #[test]
    fn email_attempts() {
        assert!(is_email_attempt("jane.smith@riverside.example.org"));
        assert!(is_email_attempt("Jane.Smith.riverside.example.org"));
        assert!(is_email_attempt("jane smith@riverside"));
        assert!(!is_email_attempt("Riverside Care Home"));
        assert!(!is_email_attempt("0113.496.0000"));
        assert!(!is_email_attempt("riverside.org"));
        assert!(!is_email_attempt("Yes. See above."));
    }

    #[test]
    fn emails() {
        assert_eq!(
            email(" Jane.Smith@Example.CO.UK "),
            "jane.smith@example.co.uk"
        );
        assert_eq!(email("mailto:a@b.org"), "a@b.org");
        assert!(is_valid_email("jane.smith@example.co.uk"));
        assert!(!is_valid_email(
            "kerry-ann.walsh.brooksidecare.example.co.uk"
        ));
        assert!(!is_valid_email("jane@localhost"));
        assert!(!is_valid_email("jane smith@example.org"));
    }

    #[test]
    fn uk_phones() {
        for ok in [
            "0113 496 0000",
            "(0113) 496 0645",
            "+44 (0)113 496 0871",
            "+44 113 496 0871",
            "07700 900123",
            "020 7946 0381",
            "0113 496 0000 ext 12",
            "0113 496 0000 / 07700 900123",
            "Tel 0113 496 0000",
        ] {
            assert!(is_uk_phone(ok), "{ok}");
        }
        for bad in [
            "+1 (212) 555-0147",
            "12345",
            "0113 496",
            "call me",
            "001 212 555 0147",
        ] {
            assert!(!is_uk_phone(bad), "{bad}");
        }
    }

    #[test]
    fn phones_inside_text() {
        let t = "Jane Smith – 07700 900123";
        let (s, e) = find_phone(t).unwrap_or((0, 0));
        assert_eq!(&t[s..e], "07700 900123");
        assert!(is_phone_like("+44 (0)7700 900123"));
        let t = "dev.patel2 - 07700 900522";
        assert_eq!(
            find_phone(t).and_then(|(s, e)| t.get(s..e)),
            Some("07700 900522")
        );
        assert!(!is_phone_like("jane.smith"));
    }

    #[test]
    fn template_prompts_are_placeholders() {
        assert!(is_placeholder("[Enter name]"));
        assert!(is_placeholder("Click or tap here to enter text."));
        assert!(is_placeholder("N/A"));
        assert!(!is_placeholder("Jane Smith"));
        assert!(!is_placeholder("<jane@x.example.org>"));
    }

    #[test]
    fn addresses() {
        assert_eq!(
            join_address(["14 Rosehill Avenue\nHeadingley,", "Leeds", "", "LS6 3QZ"]),
            "14 Rosehill Avenue, Headingley, Leeds, LS6 3QZ"
        );
    }

    proptest! {
        #[test]
        fn cqc_never_panics_and_is_canonical(s in "\\PC{0,40}") {
            if let Some(v) = cqc(&s) {
                prop_assert!(is_canonical_cqc(&v));
            }
        }

        #[test]
        fn cqc_reads_any_spacing(d in "[0-9]{9,11}", sp in " {0,2}", dash in "[-–—]") {
            let written = format!("1{sp}{dash}{sp}{d}");
            prop_assert_eq!(cqc(&written), Some(format!("1-{d}")));
        }

        #[test]
        fn yes_no_never_panics(s in "\\PC{0,30}") {
            let _ = yes_no(&s);
        }

        #[test]
        fn count_reads_digits(n in 0u32..10_000) {
            prop_assert_eq!(count(&n.to_string()), Some(n));
        }

        #[test]
        fn uk_mobile_numbers_are_valid(rest in "[0-9]{9}") {
            let mobile = format!("07{rest}");
            prop_assert!(is_uk_phone(&mobile));
            let intl = format!("+44 7{rest}");
            prop_assert!(is_uk_phone(&intl));
        }

        #[test]
        fn email_lowercases(local in "[A-Za-z]{1,10}", dom in "[A-Za-z]{1,10}") {
            let e = email(&format!("{local}@{dom}.org"));
            prop_assert!(is_valid_email(&e));
            prop_assert_eq!(e.clone(), e.to_lowercase());
        }

        #[test]
        fn find_phone_never_panics(s in "\\PC{0,60}") {
            if let Some((a, b)) = find_phone(&s) {
                prop_assert!(s.get(a..b).is_some());
            }
        }

        /// Normalising a normalised CQC identifier changes nothing, whether
        /// it came from free text or from an identifier as people write it.
        #[test]
        fn cqc_is_idempotent(s in cqc_like()) {
            if let Some(v) = cqc(&s) {
                prop_assert!(is_canonical_cqc(&v), "{s:?} -> {v:?}");
                prop_assert_eq!(cqc(&v), Some(v.clone()), "{:?}", s);
            }
        }

        #[test]
        fn canonical_cqc_is_a_fixed_point(d in "[0-9]{9,11}") {
            let v = format!("1-{d}");
            prop_assert!(is_canonical_cqc(&v));
            prop_assert_eq!(cqc(&v), Some(v.clone()));
        }

        /// Any string at all (controls, surrogate-free Unicode of every
        /// plane, combining marks) goes through every normaliser.
        #[test]
        fn no_normaliser_panics(s in any::<String>(), t in "\\PC{0,80}") {
            for v in [s.as_str(), t.as_str()] {
                let _ = cqc(v);
                let _ = is_canonical_cqc(v);
                let _ = yes_no(v);
                let _ = count(v);
                let e = email(v);
                let _ = is_valid_email(&e);
                let _ = is_valid_email(v);
                let _ = is_uk_phone(v);
                let _ = is_phone_like(v);
                if let Some((a, b)) = find_phone(v) {
                    prop_assert!(a <= b && v.get(a..b).is_some());
                }
                let _ = join_address(v.split(['\n', ',']));
                let _ = is_placeholder(v);
            }
        }

        #[test]
        fn yes_written_any_way_is_yes(
            word in "[yY]|[yY][eE][sS]",
            pad in "[ \t]{0,3}",
            comment in prop::option::of(prop::sample::select(COMMENTS.to_vec())),
            dash in prop::sample::select(vec!["-", "–", "—", ",", ":"]),
        ) {
            let written = match comment {
                Some(c) => format!("{pad}{word} {dash} {c}{pad}"),
                None => format!("{pad}{word}{pad}"),
            };
            prop_assert_eq!(yes_no(&written), Some(true), "{:?}", written);
        }

        #[test]
        fn no_written_any_way_is_no(
            word in "[nN]|[nN][oO]|[nN]/[aA]|[nN][oO][tT] [yY][eE][tT]",
            pad in "[ \t]{0,3}",
            comment in prop::option::of(prop::sample::select(COMMENTS.to_vec())),
        ) {
            let written = match comment {
                Some(c) => format!("{pad}{word} – {c}{pad}"),
                None => format!("{pad}{word}{pad}"),
            };
            prop_assert_eq!(yes_no(&written), Some(false), "{:?}", written);
        }

        /// Ticked boxes, before or after their options, in any case.
        #[test]
        fn ticked_box_gives_the_answer(
            checked in prop::sample::select(CHECKED.to_vec()),
            unchecked in prop::sample::select(UNCHECKED.to_vec()),
            yes in "[yY][eE][sS]",
            no in "[nN][oO]",
            sp in " {1,3}",
            answer in any::<bool>(),
            marks_first in any::<bool>(),
        ) {
            let (y, n) = if answer { (checked, unchecked) } else { (unchecked, checked) };
            let written = if marks_first {
                format!("{y}{sp}{yes}{sp}{n}{sp}{no}")
            } else {
                format!("{yes}{sp}{y}{sp}{no}{sp}{n}")
            };
            prop_assert_eq!(yes_no(&written), Some(answer), "{:?}", written);
            prop_assert_eq!(yes_no(&written.to_uppercase()), Some(answer), "{:?}", written);
        }

        /// The untouched placeholder is no answer, however it is spaced.
        #[test]
        fn untouched_placeholder_is_no_answer(
            pair in "[yY]([eE][sS])?( ?/ ?| or | )[nN][oO]?|[nN][oO]( ?/ ?| or )[yY]([eE][sS])?",
            pad in " {0,2}",
        ) {
            let written = format!("{pad}{pair}{pad}");
            prop_assert_eq!(yes_no(&written), None, "{:?}", written);
        }
    }

    /// Words an answer is often followed by; none is itself a yes or a no.
    const COMMENTS: [&str; 5] = [
        "completed March 2024",
        "standards met",
        "we are working through it",
        "see attached",
        "all staff trained",
    ];

    /// Free text, and CQC identifiers as people write them inside it.
    fn cqc_like() -> impl Strategy<Value = String> {
        prop_oneof![
            "\\PC{0,40}",
            "(CQC |Location ID: |ID )?1 ?[-–—‑−] ?[0-9]{3,5} ?[0-9]{4,7}[ .,)]?",
            "1 ?[0-9]{4,6} ?[0-9]{4,6}",
            "[ 0-9–-]{0,20}",
        ]
    }
}
