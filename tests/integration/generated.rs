//! Issue 15: the reader on the generative corpus (tools/formgen), and
//! metamorphic checks: one truth rendered many ways reads the same.
//! Needs no mail servers: it runs `sponsor-intake parse --json` only.

use formgen::compose;
use formgen::rng::Rng;
use formgen::score::{self, Totals};
use formgen::style::{Format, Labels, Layout, Order, Style, Wrapping};
use formgen::truth;
use serde_json::{Value, json};
use std::path::PathBuf;

const BIN: &str = env!("CARGO_BIN_EXE_sponsor-intake");

/// The fixed seed the thresholds are measured on.
const SEED: u64 = 20261204;

/// Scores 1,000 generated forms and checks them against the given floors.
fn reaches(fields: f64, findings: f64) {
    let dir = tempfile::tempdir().unwrap();
    formgen::generate(SEED, 1000, dir.path()).unwrap();
    let report = score::score_dir(dir.path(), BIN).unwrap();
    let table = report.dimension_table();
    assert!(
        report.field_accuracy() >= fields && report.findings_exact() >= findings,
        "fields {:.2}% (need {fields}), findings exact {:.2}% (need {findings})\n{}\n{table}",
        report.field_accuracy(),
        report.findings_exact(),
        report.summary()
    );
}

/// Issue 15's target: fields at least 99.5%, findings exactly right on at
/// least 97% of the draws. Measured on this seed: fields 74.91%, findings
/// exact 28.60% at the start of 2026-12-04; 99.65% and 98.0% at its end. A change that loses ground fails here rather than on a care
/// home's form.
#[test]
fn reader_reaches_the_thresholds_on_1000_generated_forms() {
    reaches(99.5, 97.0);
}

/// Renders each truth in each style, parses them all at once, and
/// returns every difference between a variant and the first style's parse.
fn differences(seeds: std::ops::Range<u64>, styles: &[(&str, Style)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = vec![];
    for seed in seeds.clone() {
        let t = truth::draw(&mut Rng::new(seed));
        for (name, s) in styles {
            let out = compose::render(&t, s, seed);
            let path = dir.path().join(format!("{seed:03}-{name}.eml"));
            std::fs::write(&path, out.eml).unwrap();
            files.push(path);
        }
    }
    let parsed = score::run_parser(BIN, &files).unwrap();
    let mut diffs = vec![];
    for seed in seeds {
        let key = |name: &str| format!("{seed:03}-{name}.eml");
        let Some(base) = parsed.get(&key(styles[0].0)) else {
            diffs.push(format!("{}: no output", key(styles[0].0)));
            continue;
        };
        let as_expected = json!({
            "kind": base.get("kind"),
            "form": base.get("form"),
            "findings": base.get("findings").cloned().unwrap_or(Value::Null),
            "complete": base.get("complete"),
        });
        for (name, _) in &styles[1..] {
            let mut t = Totals::default();
            let s = score::score_sample(&key(name), &as_expected, parsed.get(&key(name)), &mut t);
            for n in s.notes {
                diffs.push(format!("{} vs {}: {n}", key(name), key(styles[0].0)));
            }
        }
    }
    diffs
}

fn assert_same(diffs: Vec<String>) {
    for d in &diffs {
        eprintln!("{d}");
    }
    assert!(
        diffs.is_empty(),
        "{} differences, first ones:\n{}",
        diffs.len(),
        diffs
            .iter()
            .take(25)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn one_truth_in_every_format_reads_the_same() {
    let styles: Vec<(&str, Style)> = Format::ALL
        .iter()
        .map(|f| {
            (
                f.name(),
                Style {
                    format: *f,
                    ..Style::plain()
                },
            )
        })
        .collect();
    assert_same(differences(0..20, &styles));
}

#[test]
fn reordered_rows_and_reworded_labels_read_the_same() {
    let base = Style::plain();
    let mut styles = vec![
        ("plain", base),
        (
            "shuffled",
            Style {
                order: Order::Shuffled,
                ..base
            },
        ),
    ];
    for l in &Labels::ALL[1..] {
        styles.push((l.name(), Style { labels: *l, ..base }));
    }
    styles.push((
        "text-shuffled",
        Style {
            format: Format::Text,
            order: Order::Shuffled,
            ..base
        },
    ));
    styles.push((
        "text-reworded",
        Style {
            format: Format::Text,
            labels: Labels::Reworded,
            layout: Layout::LabelLeft,
            ..base
        },
    ));
    assert_same(differences(0..20, &styles));
}

#[test]
fn replies_and_forwards_read_the_same() {
    let mut styles = vec![];
    for f in [Format::DocxTable, Format::Text] {
        for w in Wrapping::ALL {
            styles.push((
                w.name(),
                Style {
                    format: f,
                    wrapping: *w,
                    ..Style::plain()
                },
            ));
        }
    }
    // Two groups (docx, text): compare each group within itself.
    let (docx, text) = styles.split_at(Wrapping::ALL.len());
    let mut diffs = differences(0..20, docx);
    diffs.extend(differences(100..120, text));
    assert_same(diffs);
}
