//! Golden files: every `tests/fixtures/emails/NAME.eml` is parsed and
//! compared with `NAME.expected.json` (kind, form, findings as code/field
//! pairs, complete, attachment roles), the shape of the shared corpus.

use super::parse;
use crate::form::readers::Limits;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn pairs(findings: &Value) -> BTreeSet<(String, String)> {
    findings
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    let s = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                    (s("code"), s("field"))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn check(eml: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let expected_path = eml.with_extension("expected.json");
    let raw = std::fs::read(eml).unwrap_or_default();
    let expected: Value = std::fs::read_to_string(&expected_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    if expected.is_null() {
        return vec![format!("{}: no readable expected file", eml.display())];
    }
    let got = parse(&raw, &Limits::default()).to_contract_json("golden");
    let name = eml.file_name().and_then(|n| n.to_str()).unwrap_or("?");
    for key in ["kind", "complete"] {
        if got.get(key) != expected.get(key) {
            problems.push(format!(
                "{name}: {key} {:?} != expected {:?}",
                got.get(key),
                expected.get(key)
            ));
        }
    }
    if let Some(form) = expected.get("form").and_then(Value::as_object) {
        for (field, want) in form {
            let have = got
                .get("form")
                .and_then(|f| f.get(field))
                .unwrap_or(&Value::Null);
            if have != want {
                problems.push(format!("{name}: form.{field} {have} != expected {want}"));
            }
        }
    }
    let (want, have) = (
        pairs(expected.get("findings").unwrap_or(&Value::Null)),
        pairs(got.get("findings").unwrap_or(&Value::Null)),
    );
    if want != have {
        problems.push(format!("{name}: findings {have:?} != expected {want:?}"));
    }
    let roles: serde_json::Map<String, Value> = got
        .get("attachments")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| {
                    let s = |k: &str| x.get(k).cloned().unwrap_or(Value::Null);
                    (s("filename").as_str().unwrap_or("").to_string(), s("role"))
                })
                .collect()
        })
        .unwrap_or_default();
    if Some(&Value::Object(roles.clone())) != expected.get("attachment_roles") {
        problems.push(format!(
            "{name}: roles {roles:?} != expected {:?}",
            expected.get("attachment_roles")
        ));
    }
    problems
}

#[test]
fn golden_emails_parse_as_expected() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/emails");
    let mut emls: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    emls.retain(|p| p.extension().is_some_and(|e| e == "eml"));
    emls.sort();
    assert!(!emls.is_empty(), "no golden emails in {}", dir.display());
    let problems: Vec<String> = emls.iter().flat_map(|p| check(p)).collect();
    assert!(
        problems.is_empty(),
        "{} golden files, problems:\n{}",
        emls.len(),
        problems.join("\n")
    );
}

/// Issue 16: the daemon gets the parse result from a reader process as
/// JSON, so every golden email's result must come back from JSON unchanged.
#[test]
fn every_result_survives_the_trip_through_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for sub in [
        "tests/fixtures/emails",
        "tests/fixtures/hostile",
        "examples/mail",
    ] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().and_then(|x| x.to_str()) != Some("eml") {
                continue;
            }
            let parsed = parse(&std::fs::read(&path).unwrap(), &Limits::default());
            let json = serde_json::to_string(&parsed).unwrap();
            let back: super::Parsed = serde_json::from_str(&json)
                .unwrap_or_else(|e| panic!("{}: {e}\n{json}", path.display()));
            assert_eq!(back, parsed, "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen > 10, "only {seen} emails");
}
