//! The normalisation of `score-corpus` (`text`, `words`, `phone`, `same`),
//! with Python's equality and `str()` where they matter.

use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

const BOOL_FIELDS: &[&str] = &[
    "ig_toolkit_completed",
    "has_existing_nhsmail_accounts",
    "secure_exchange_required",
    "shared_mailbox_required",
];
const PHONE_FIELDS: &[&str] = &["care_home_telephone", "shared_mailbox_owner_mobile"];
const WORD_FIELDS: &[&str] = &[
    "care_home_address",
    "secure_exchange_reason",
    "expected_benefits",
    "business_justification",
    "applicant_role",
    "care_home_name",
];
/// Python's `str(v)` for the JSON values that occur.
pub(crate) fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        other => other.to_string(),
    }
}

/// `text()` of score-corpus: NFKC, casefold, quotes and dashes, spaces, a final full stop.
pub fn text(v: &Value) -> String {
    let s: String = py_str(v)
        .nfkc()
        .collect::<String>()
        .to_lowercase()
        .replace('ß', "ss");
    let s = s
        .replace(['\u{2019}', '\u{2018}'], "'")
        .replace(['\u{2013}', '\u{2014}'], "-");
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    s.trim().trim_end_matches('.').trim().to_string()
}

/// `words()` of score-corpus.
pub fn words(v: &Value) -> Vec<String> {
    let t = text(v);
    let mut out = vec![];
    let mut cur = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() || c.is_ascii_lowercase() {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `phone()` of score-corpus.
pub fn phone(v: &Value) -> String {
    let d: String = py_str(v).chars().filter(|c| c.is_ascii_digit()).collect();
    match d.strip_prefix("44") {
        Some(rest) => format!("0{rest}"),
        None => d,
    }
}

fn blank(v: Option<&Value>) -> Option<&Value> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::Array(a)) if a.is_empty() => None,
        other => other,
    }
}

fn py_eq(a: &Value, b: &Value) -> bool {
    let num = |v: &Value| match v {
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Number(n) => n.as_f64(),
        _ => None,
    };
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn as_items(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        Value::String(s) => s.chars().map(|c| json!(c.to_string())).collect(),
        other => vec![other.clone()],
    }
}

/// `same()` of score-corpus.
pub fn same(field: &str, exp: Option<&Value>, got: Option<&Value>) -> bool {
    let (exp, got) = (blank(exp), blank(got));
    let (Some(e), Some(g)) = (exp, got) else {
        return exp.is_none() && got.is_none();
    };
    if BOOL_FIELDS.contains(&field) || field == "individual_accounts_requested" {
        py_eq(e, g)
    } else if PHONE_FIELDS.contains(&field) || field == "mobile" {
        phone(e) == phone(g)
    } else if WORD_FIELDS.contains(&field) {
        words(e) == words(g)
    } else if field == "existing_nhsmail_addresses" {
        let norm = |v: &Value| {
            let mut l: Vec<String> = as_items(v).iter().map(text).collect();
            l.sort();
            l
        };
        norm(e) == norm(g)
    } else {
        text(e) == text(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_score_corpus_normalises() {
        assert_eq!(text(&json!("  O’Brien  Care. ")), "o'brien care");
        assert_eq!(phone(&json!("+44 (0)113 496 0871")), "001134960871");
        assert!(same(
            "care_home_telephone",
            Some(&json!("+44 113 496 0000")),
            Some(&json!("0113 496 0000"))
        ));
        assert!(same(
            "care_home_address",
            Some(&json!("1 A Road, Leeds")),
            Some(&json!("1 A Road\nLeeds"))
        ));
        assert!(same(
            "individual_accounts_requested",
            Some(&json!(2)),
            Some(&json!(2.0))
        ));
        assert!(same("existing_nhsmail_addresses", Some(&json!([])), None));
        assert!(!same("applicant_name", Some(&json!("Jane")), None));
    }
}
