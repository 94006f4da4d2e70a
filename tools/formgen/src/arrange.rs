//! Arranges a form's entries as a grid of cells (tables, spreadsheets,
//! HTML) or as lines of text (mail bodies, Word paragraphs), following the
//! draw's layout; and struck-through words, where a format has them.

use crate::layout::{Cell, Entry};
use crate::style::{Labels, Layout, Style};

fn with_colon(label: &str, labels: Labels) -> String {
    if label.ends_with(['?', ':', '/']) || labels == Labels::Upper && label.len() < 4 {
        label.to_string()
    } else {
        format!("{label}:")
    }
}

fn joined(label: &str, answer: &str, sep: &str) -> String {
    if answer.is_empty() {
        label.to_string()
    } else if label.ends_with(['?', '/']) {
        format!("{label} {answer}")
    } else {
        format!("{label}{sep}{answer}")
    }
}

/// The entries as a grid of cells (tables, spreadsheets, HTML).
pub fn grid(entries: &[Entry], s: &Style) -> Vec<Vec<Cell>> {
    let colon = |l: &str| {
        let l = l.split('\n').map(str::to_string).collect::<Vec<_>>();
        let mut l = l;
        if s.labels == Labels::Guidance
            && let Some(first) = l.first_mut()
        {
            *first = with_colon(first, s.labels);
        }
        l
    };
    let mut rows = vec![];
    for e in entries {
        match e {
            Entry::Q { label, answer } => q_rows(&mut rows, colon(label), answer.clone(), s.layout),
            Entry::Pair(p) if s.layout == Layout::TwoColumn => {
                rows.push(p.iter().flat_map(|(l, a)| [colon(l), a.clone()]).collect());
            }
            Entry::Pair(p) => {
                for (l, a) in p {
                    q_rows(&mut rows, colon(l), a.clone(), s.layout);
                }
            }
            Entry::Bool {
                label, value, mark, ..
            } if s.layout == Layout::TickColumns => {
                let m = |b: bool| {
                    if *value == Some(b) {
                        vec![mark.to_string()]
                    } else {
                        vec![String::new()]
                    }
                };
                rows.push(vec![
                    colon(label),
                    vec!["Yes".into()],
                    m(true),
                    vec!["No".into()],
                    m(false),
                ]);
            }
            Entry::Bool { label, text, .. } => {
                let a = if text.is_empty() {
                    vec![]
                } else {
                    vec![text.clone()]
                };
                q_rows(&mut rows, colon(label), a, s.layout)
            }
            Entry::Table { header, rows: r } => {
                rows.push(header.iter().map(|h| vec![h.clone()]).collect());
                for row in r {
                    rows.push(row.iter().map(|c| vec![c.clone()]).collect());
                }
            }
            Entry::Note(n) => rows.push(vec![vec![n.clone()]]),
        }
    }
    rows
}

fn q_rows(rows: &mut Vec<Vec<Cell>>, label: Cell, answer: Vec<String>, layout: Layout) {
    match layout {
        Layout::LabelAbove => {
            rows.push(vec![label]);
            rows.push(vec![answer]);
        }
        Layout::OneCell => {
            let mut cell = label;
            if answer.len() == 1 {
                let last = cell.pop().unwrap_or_default();
                cell.push(joined(&last, &answer[0], " "));
            } else {
                cell.extend(answer);
            }
            rows.push(vec![cell]);
        }
        _ => rows.push(vec![label, answer]),
    }
}

/// The entries as lines of text (mail bodies, Word paragraphs, PDF lines).
pub fn lines(entries: &[Entry], s: &Style) -> Vec<String> {
    let mut out = vec![];
    let colon = |l: &str| {
        let mut parts: Vec<String> = l.split('\n').map(str::to_string).collect();
        parts[0] = with_colon(&parts[0], s.labels);
        parts.join("\n")
    };
    let one = |out: &mut Vec<String>, label: &str, answer: &[String], layout: Layout| {
        let label_lines: Vec<&str> = label.split('\n').collect();
        let (head, last) = label_lines.split_at(label_lines.len() - 1);
        out.extend(head.iter().map(|x| x.to_string()));
        let last = last[0];
        match layout {
            Layout::LabelAbove => {
                out.push(last.trim_end_matches(':').to_string());
                out.extend(answer.iter().cloned());
                out.push(String::new());
            }
            _ if answer.len() == 1 => {
                let sep = " ";
                out.push(joined(last, &answer[0], sep));
            }
            _ => {
                out.push(last.to_string());
                out.extend(answer.iter().map(|a| format!("  {a}")));
            }
        }
    };
    for e in entries {
        match e {
            Entry::Q { label, answer } => one(&mut out, &colon(label), answer, s.layout),
            Entry::Pair(p)
                if s.layout == Layout::TwoColumn && p.iter().all(|(_, a)| a.len() <= 1) =>
            {
                let parts: Vec<String> = p
                    .iter()
                    .map(|(l, a)| {
                        joined(&with_colon(l, s.labels), a.first().map_or("", |x| x), " ")
                    })
                    .collect();
                out.push(parts.join("     "));
            }
            Entry::Pair(p) => {
                for (l, a) in p {
                    one(&mut out, &colon(l), a, s.layout);
                }
            }
            Entry::Bool { label, value, .. } if s.layout == Layout::TickColumns => {
                let m = |b: bool| if *value == Some(b) { "[X]" } else { "[ ]" };
                out.push(format!(
                    "{}   Yes {}   No {}",
                    colon(label),
                    m(true),
                    m(false)
                ));
            }
            Entry::Bool { label, text, .. } => {
                let a = if text.is_empty() {
                    vec![]
                } else {
                    vec![text.clone()]
                };
                one(&mut out, &colon(label), &a, s.layout)
            }
            Entry::Table { header, rows } => {
                out.push(header.join(" | "));
                for r in rows {
                    out.push(r.join(" | "));
                }
                out.push(String::new());
            }
            Entry::Note(n) => {
                out.push(n.clone());
                out.push(String::new());
            }
        }
    }
    out
}

/// Struck-through text is written `~~No~~` in a cell; the renderers that
/// have strike-through (Word, HTML) draw it, the others cannot.
pub fn struck_runs(s: &str) -> Vec<(String, bool)> {
    let mut out = vec![];
    for (i, part) in s.split("~~").enumerate() {
        if !part.is_empty() {
            out.push((part.to_string(), i % 2 == 1));
        }
    }
    out
}

/// Where strike-through is not to be had, people delete the word
/// instead: "Yes/~~No~~" becomes "Yes/", "~~Yes~~/No" becomes "No".
pub fn deleted(s: &str) -> String {
    let kept: String = struck_runs(s)
        .into_iter()
        .filter(|(_, st)| !st)
        .map(|(t, _)| t)
        .collect();
    if s.starts_with("~~") {
        kept.trim_start_matches('/').to_string()
    } else {
        kept
    }
}

/// The text of struck cells as a plain-text copy shows it: "Yes/No".
pub fn unstruck(s: &str) -> String {
    s.replace("~~", "")
}

/// A grid with every line mapped.
pub fn map_grid(rows: &[Vec<Cell>], f: fn(&str) -> String) -> Vec<Vec<Cell>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.iter().map(|l| f(l)).collect()).collect())
        .collect()
}
