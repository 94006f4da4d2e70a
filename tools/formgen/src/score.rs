//! The scorer: the same normalisation and totals as
//! `../shared/tools/score-corpus`, plus a breakdown by dimension.

use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::normalise::py_str;
pub use crate::normalise::{phone, same, text, words};

const CONTRACT_CODES: &[&str] = &[
    "missing",
    "invalid",
    "accounts_over_limit",
    "shared_mailbox_name_nonconforming",
    "ig_toolkit_not_completed",
    "no_secure_exchange_requirement",
    "existing_nhsmail_accounts",
];

fn score_accounts(exp: Option<&Value>, got: Option<&Value>, notes: &mut Vec<String>) -> (u64, u64) {
    let mut got: Vec<Value> = got.and_then(Value::as_array).cloned().unwrap_or_default();
    let (mut right, mut total) = (0, 0);
    for e in exp.and_then(Value::as_array).cloned().unwrap_or_default() {
        total += 3;
        let Some(i) = got
            .iter()
            .position(|g| same("name", e.get("name"), g.get("name")))
        else {
            notes.push(format!(
                "account {} not found",
                e.get("name").map_or("None".into(), py_str)
            ));
            continue;
        };
        let m = got.remove(i);
        for k in ["name", "preferred_account_name", "mobile"] {
            let f = if k == "name" { "applicant_name" } else { k };
            if same(f, e.get(k), m.get(k)) {
                right += 1;
            } else {
                notes.push(format!(
                    "account {} {k}: expected {:?}, got {:?}",
                    py_str(e.get("name").unwrap_or(&Value::Null)),
                    e.get(k),
                    m.get(k)
                ));
            }
        }
    }
    for g in got {
        total += 3;
        notes.push(format!("unexpected account {:?}", g.get("name")));
    }
    (right, total)
}

/// The totals of score-corpus.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Totals {
    pub samples: u64,
    pub parsed: u64,
    pub kind_ok: u64,
    pub complete_ok: u64,
    pub fields: u64,
    pub fields_ok: u64,
    pub findings_exact: u64,
    pub find_tp: u64,
    pub find_fp: u64,
    pub find_fn: u64,
    pub roles: u64,
    pub roles_ok: u64,
    pub values: u64,
    pub values_ok: u64,
    pub nulls: u64,
    pub nulls_ok: u64,
}

/// One sample's score.
#[derive(Clone, Debug)]
pub struct SampleScore {
    pub name: String,
    pub fields: u64,
    pub fields_ok: u64,
    pub findings_exact: bool,
    pub notes: Vec<String>,
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

fn finding_set(v: Option<&Value>, filter: bool) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for f in v.and_then(Value::as_array).into_iter().flatten() {
        let code = f.get("code").map_or("None".into(), py_str);
        if filter && !CONTRACT_CODES.contains(&code.as_str()) {
            continue;
        }
        out.insert((code, f.get("field").map_or("None".into(), py_str)));
    }
    out
}

/// Scores one sample (`got`: the parser's object for it, if any) into `t`.
pub fn score_sample(name: &str, exp: &Value, got: Option<&Value>, t: &mut Totals) -> SampleScore {
    let mut notes = vec![];
    let empty = json!({});
    t.samples += 1;
    let got = match got {
        Some(g) => {
            t.parsed += 1;
            g
        }
        None => {
            notes.push("no output for this file".to_string());
            &empty
        }
    };
    let (ek, gk) = (
        exp.get("kind").unwrap_or(&Value::Null),
        got.get("kind").unwrap_or(&Value::Null),
    );
    if ek == gk {
        t.kind_ok += 1;
    } else {
        notes.push(format!("kind: expected {ek}, got {gk}"));
    }
    if truthy(got.get("complete")) == truthy(exp.get("complete")) {
        t.complete_ok += 1;
    } else {
        notes.push(format!(
            "complete: expected {}, got {}",
            truthy(exp.get("complete")),
            truthy(got.get("complete"))
        ));
    }
    let (f0, ok0) = (t.fields, t.fields_ok);
    let gform = got
        .get("form")
        .filter(|v| truthy(Some(v)))
        .cloned()
        .unwrap_or(json!({}));
    if let Some(form) = exp.get("form").and_then(Value::as_object) {
        for (k, ev) in form {
            if k == "accounts" {
                let (r, n) = score_accounts(Some(ev), gform.get("accounts"), &mut notes);
                t.fields += n;
                t.fields_ok += r;
                continue;
            }
            t.fields += 1;
            let is_blank = ev.is_null() || ev.as_array().is_some_and(Vec::is_empty);
            if is_blank {
                t.nulls += 1
            } else {
                t.values += 1
            }
            if same(k, Some(ev), gform.get(k)) {
                t.fields_ok += 1;
                if is_blank {
                    t.nulls_ok += 1
                } else {
                    t.values_ok += 1
                }
            } else {
                notes.push(format!(
                    "{k}: expected {ev}, got {}",
                    gform.get(k).unwrap_or(&Value::Null)
                ));
            }
        }
    }
    let ef = finding_set(exp.get("findings"), false);
    let gf = finding_set(got.get("findings"), true);
    t.find_tp += ef.intersection(&gf).count() as u64;
    t.find_fp += gf.difference(&ef).count() as u64;
    t.find_fn += ef.difference(&gf).count() as u64;
    let exact = ef == gf;
    if exact {
        t.findings_exact += 1;
    } else {
        let miss: Vec<_> = ef.difference(&gf).collect();
        let wrong: Vec<_> = gf.difference(&ef).collect();
        if !miss.is_empty() {
            notes.push(format!("findings not reported: {miss:?}"));
        }
        if !wrong.is_empty() {
            notes.push(format!("findings reported wrongly: {wrong:?}"));
        }
    }
    let mut groles = HashMap::new();
    for a in got
        .get("attachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        groles.insert(
            a.get("filename").map(py_str),
            a.get("role").cloned().unwrap_or(Value::Null),
        );
    }
    if let Some(roles) = exp.get("attachment_roles").and_then(Value::as_object) {
        for (file, role) in roles {
            t.roles += 1;
            let g = groles
                .get(&Some(file.clone()))
                .cloned()
                .unwrap_or(Value::Null);
            if &g == role {
                t.roles_ok += 1;
            } else {
                notes.push(format!(
                    "attachment {file:?}: expected role {role}, got {g}"
                ));
            }
        }
    }
    SampleScore {
        name: name.to_string(),
        fields: t.fields - f0,
        fields_ok: t.fields_ok - ok0,
        findings_exact: exact,
        notes,
    }
}

/// Runs `bin parse --json FILES...` once over all files, as score-corpus
/// does, and returns the objects by file name.
pub fn run_parser(bin: &str, files: &[PathBuf]) -> std::io::Result<HashMap<String, Value>> {
    let mut words = bin.split_whitespace();
    let program = words.next().unwrap_or("target/release/sponsor-intake");
    let out = std::process::Command::new(program)
        .args(words)
        .arg("parse")
        .arg("--json")
        .args(files)
        .output()?;
    if !out.status.success() {
        eprintln!("note: parser exited {:?}", out.status.code());
    }
    let mut objs = HashMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let line = line.trim();
        if !line.starts_with('{') {
            continue;
        }
        let Ok(obj) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let source = obj.get("source").map_or(String::new(), py_str);
        let name = Path::new(&source)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        objs.insert(name, obj);
    }
    Ok(objs)
}

/// The score of a corpus directory.
pub struct Report {
    pub totals: Totals,
    pub samples: Vec<SampleScore>,
    /// (dimension, value) → (samples, fields, fields_ok, findings exact)
    pub by_dimension: BTreeMap<(String, String), (u64, u64, u64, u64)>,
}

fn pct(x: u64, n: u64) -> f64 {
    if n == 0 {
        100.0
    } else {
        100.0 * x as f64 / n as f64
    }
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Scores every `*.eml` of `dir` with `bin`.
pub fn score_dir(dir: &Path, bin: &str) -> std::io::Result<Report> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(std::io::Error::other(format!(
            "no .eml files in {}",
            dir.display()
        )));
    }
    let outputs = run_parser(bin, &files)?;
    let dims: Value = std::fs::read_to_string(dir.join("dimensions.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null);
    let mut totals = Totals::default();
    let mut samples = vec![];
    let mut by_dimension: BTreeMap<(String, String), (u64, u64, u64, u64)> = BTreeMap::new();
    for f in &files {
        let file = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = file.trim_end_matches(".eml").to_string();
        let exp: Value = serde_json::from_str(&std::fs::read_to_string(
            dir.join(format!("{stem}.expected.json")),
        )?)
        .map_err(std::io::Error::other)?;
        let s = score_sample(&file, &exp, outputs.get(&file), &mut totals);
        if let Some(d) = dims.get(&stem).and_then(Value::as_object) {
            for (k, v) in d {
                let values: Vec<String> = match v {
                    Value::Array(a) => a.iter().map(py_str).collect(),
                    other => vec![py_str(other)],
                };
                for v in values {
                    let e = by_dimension.entry((k.clone(), v)).or_default();
                    e.0 += 1;
                    e.1 += s.fields;
                    e.2 += s.fields_ok;
                    e.3 += u64::from(s.findings_exact);
                }
            }
        }
        samples.push(s);
    }
    Ok(Report {
        totals,
        samples,
        by_dimension,
    })
}

impl Report {
    /// The summary lines, worded as score-corpus words them.
    pub fn summary(&self) -> String {
        let t = &self.totals;
        let prec = pct(t.find_tp, t.find_tp + t.find_fp);
        let rec = pct(t.find_tp, t.find_tp + t.find_fn);
        format!(
            "samples {}, parsed {}\nkind {:?}%  complete-flag {:?}%  attachment roles {:?}%\nfindings: exact per sample {:?}%, precision {:?}%, recall {:?}%\nvalues given found {:?}%, blanks left blank {:?}% (account sub-fields scored in the total only)\nfields {}/{} = {:?}%\n",
            t.samples,
            t.parsed,
            r2(pct(t.kind_ok, t.samples)),
            r2(pct(t.complete_ok, t.samples)),
            r2(pct(t.roles_ok, t.roles)),
            r2(pct(t.findings_exact, t.samples)),
            r2(prec),
            r2(rec),
            r2(pct(t.values_ok, t.values)),
            r2(pct(t.nulls_ok, t.nulls)),
            t.fields_ok,
            t.fields,
            r2(pct(t.fields_ok, t.fields)),
        )
    }

    /// Field accuracy, percent.
    pub fn field_accuracy(&self) -> f64 {
        pct(self.totals.fields_ok, self.totals.fields)
    }

    /// Samples whose findings are exactly right, percent.
    pub fn findings_exact(&self) -> f64 {
        pct(self.totals.findings_exact, self.totals.samples)
    }

    /// The per-dimension table, lowest first.
    pub fn dimension_table(&self) -> String {
        let mut rows: Vec<(f64, f64, String, String, u64)> = self
            .by_dimension
            .iter()
            .map(|((d, v), (n, f, ok, ex))| (pct(*ok, *f), pct(*ex, *n), d.clone(), v.clone(), *n))
            .collect();
        rows.sort_by(|a, b| {
            a.0.min(a.1)
                .total_cmp(&b.0.min(b.1))
                .then(a.2.cmp(&b.2))
                .then(a.3.cmp(&b.3))
        });
        let mut out = format!(
            "{:<10} {:<32} {:>6} {:>8} {:>10}\n",
            "dimension", "value", "n", "fields%", "findings%"
        );
        for (f, e, d, v, n) in rows {
            out.push_str(&format!("{d:<10} {v:<32} {n:>6} {f:>8.2} {e:>10.2}\n"));
        }
        out
    }
}
