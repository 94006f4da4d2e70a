//! Labelled values in tables: a label beside or above its answer, a row of labels over a row of answers, accounts tables.

use super::Candidate;
use super::labels::{
    answer_fits, is_count_of, is_flag, is_label_cell, is_note, label_alone, names_no_one,
    split_all, split_label,
};
use super::lines::{is_address, is_multiline};
use crate::form::document::Cell;
use crate::form::fields::{AccountColumn, Slot, account_column};
use crate::form::normalise::is_placeholder;
use crate::form::{Field, Origin, template};

pub(super) fn table_candidates(source: &str, rows: &[Vec<Cell>], out: &mut Vec<Candidate>) {
    let joined = join_wrapped_questions(rows);
    let rows = joined.as_deref().unwrap_or(rows);
    let mut r = 0;
    let mut options: Option<Vec<(usize, bool)>> = None;
    while let Some(row) = rows.get(r) {
        if let Some(columns) = option_columns(row) {
            options = Some(columns);
            r += 1;
            continue;
        }
        if let Some(marked) = options.as_deref().and_then(|c| marked_row(row, c)) {
            let _ = row_candidates(source, &marked, None, out);
            r += 1;
            continue;
        }
        if row.iter().all(|c| c.text.trim().is_empty()) {
            options = None;
        }
        if continue_answer(row, out.last_mut()) {
            r += 1;
            continue;
        }
        if let Some(columns) = accounts_header(row) {
            r = accounts_table(source, rows, r + 1, &columns, out);
            continue;
        }
        if header_row_above_values(source, row, rows.get(r + 1), out) {
            r += 2;
            continue;
        }
        let took_below = row_candidates(source, row, rows.get(r + 1), out);
        r += if took_below { 2 } else { 1 };
    }
}

/// A question wrapped over two or three rows of its column, its answer
/// beside the first ("Does your care home already hold any" | "No" over
/// "NHSmail accounts?" | ""), as a PDF's layout gives it: the rows joined.
/// Only where the table's questions end with their colon or question mark,
/// so that a fragment without one may carry on.
fn join_wrapped_questions(rows: &[Vec<Cell>]) -> Option<Vec<Vec<Cell>>> {
    let label = |row: &Vec<Cell>| {
        row.first()
            .map(|c| c.text.trim().to_string())
            .filter(|t| !t.is_empty() && row.len() <= 3)
    };
    let ends = |t: &str| t.ends_with([':', '?']);
    let labels: Vec<String> = rows.iter().filter_map(label).collect();
    let ended = labels.iter().filter(|t| ends(t)).count();
    // Questions with answers beside them: in a one-column table of
    // questions over answers, an answer is no piece of a question.
    let filled = |row: &Vec<Cell>| row.iter().filter(|c| !c.text.trim().is_empty()).count();
    let beside = rows.iter().filter(|row| filled(row) >= 2).count();
    if labels.len() < 4 || ended < 2 || ended == labels.len() || beside < 2 {
        return None;
    }
    // A fragment carries on into the next row when that row starts in lower
    // case, or the fragment stops on a word no question ends with.
    const OPEN_ENDS: [&str; 20] = [
        "the", "a", "an", "any", "and", "or", "of", "for", "from", "to", "your", "using", "with",
        "has", "have", "by", "in", "on", "that", "each",
    ];
    let carries_on = |fragment: &str, next: &str| {
        let last = fragment
            .split_whitespace()
            .last()
            .unwrap_or("")
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        !ends(fragment)
            && (next.starts_with(|c: char| c.is_lowercase()) || OPEN_ENDS.contains(&last.as_str()))
    };
    let mut out: Vec<Vec<Cell>> = Vec::new();
    let mut r = 0;
    while let Some(row) = rows.get(r) {
        let mut end = r;
        while end < r + 2 {
            let (Some(this), Some(next)) = (
                rows.get(end).and_then(label),
                rows.get(end + 1).and_then(label),
            ) else {
                break;
            };
            if !carries_on(&this, &next) {
                break;
            }
            end += 1;
        }
        if end == r {
            out.push(row.clone());
            r += 1;
            continue;
        }
        let group = rows.get(r..=end).unwrap_or_default();
        let width = group.iter().map(Vec::len).max().unwrap_or(0);
        let merged: Vec<Cell> = (0..width)
            .map(|col| {
                let parts: Vec<&str> = group
                    .iter()
                    .filter_map(|g| g.get(col))
                    .map(|c| c.text.trim())
                    .filter(|t| !t.is_empty())
                    .collect();
                let place = group
                    .iter()
                    .filter_map(|g| g.get(col))
                    .find(|c| !c.text.trim().is_empty())
                    .or_else(|| row.get(col))
                    .map(|c| c.place.clone())
                    .unwrap_or_default();
                Cell::new(parts.join(if col == 0 { " " } else { "\n" }), place)
            })
            .collect();
        out.push(merged);
        r = end + 1;
    }
    Some(out)
}

/// The cells of a row that say something, merged duplicates (Word repeats a
/// merged cell's text in every column it spans) and printed notes removed.
fn meaningful_cells(row: &[Cell]) -> Vec<(usize, &Cell)> {
    let mut kept: Vec<(usize, &Cell)> = Vec::new();
    for (col, cell) in row.iter().enumerate() {
        let t = cell.text.trim();
        // A printed note alone is no answer; one with an answer below it is.
        if t.is_empty() || (is_note(t) && template::strip(t).is_empty()) {
            continue;
        }
        if kept.last().is_some_and(|(_, prev)| prev.text.trim() == t) {
            continue;
        }
        kept.push((col, cell));
    }
    kept
}

/// The candidates of one row; true when its answer was the row below
/// (which is then no row of its own).
pub(super) fn row_candidates(
    source: &str,
    row: &[Cell],
    below: Option<&Vec<Cell>>,
    out: &mut Vec<Candidate>,
) -> bool {
    let mut took_below = false;
    let cells = meaningful_cells(row);
    let mut i = 0;
    while let Some(&(col, cell)) = cells.get(i) {
        let mut splits = split_all(&cell.text, true);
        let Some(split) = splits.pop() else {
            i += 1;
            continue;
        };
        for earlier in splits {
            out.push(Candidate {
                slot: earlier.slot,
                origin: earlier.origin(source, &cell.place),
                value: earlier.inline,
                extras: Vec::new(),
            });
        }
        let mut j = i + 1;
        let mut value_col = col;
        // The form's note printed in the question's cell is no answer.
        let inline = if is_note(&split.inline) && template::strip(&split.inline).is_empty() {
            String::new()
        } else {
            split.inline.clone()
        };
        let (value, place) = if !inline.is_empty() {
            (inline, cell.place.clone())
        } else if let Some(&(next_col, next)) = cells
            .get(j)
            .filter(|(_, c)| !is_label_cell(&c.text) && !asks_beside(&cells, j))
        {
            j += 1;
            value_col = next_col;
            (next.text.trim().to_string(), next.place.clone())
        } else if cells.len() == 1 {
            let found = value_below(split.slot, col, below);
            took_below = found.is_some();
            found.unwrap_or_default()
        } else {
            (String::new(), cell.place.clone())
        };
        let (value, mut j) = with_option_cells(split.slot, value, value_col, &cells, j);
        let mut extras = Vec::new();
        while let Some(&(_, next)) = cells.get(j) {
            if is_label_cell(&next.text) || asks_another_question(&next.text) {
                break;
            }
            extras.push(next.text.trim().to_string());
            j += 1;
        }
        out.push(Candidate {
            slot: split.slot,
            value,
            extras,
            origin: split.origin(source, &place),
        });
        i = j;
    }
    took_below
}

/// A Yes/No question answered across cells ("Yes | X | No |", "☐ Yes |
/// ☒ No"): the option and mark cells after the answer belong to it, and
/// the answer is the option marked, so that the marks are not read as a
/// reason or a mailbox name.
fn with_option_cells(
    slot: Slot,
    value: String,
    value_col: usize,
    cells: &[(usize, &Cell)],
    mut j: usize,
) -> (String, usize) {
    if !is_flag(slot) || !(value.is_empty() || is_option(&value)) {
        return (value, j);
    }
    let mut group: Vec<(usize, String)> = Vec::new();
    if !value.is_empty() {
        group.push((value_col, value.clone()));
    }
    while let Some(&(col, next)) = cells.get(j) {
        if !is_option(&next.text) {
            break;
        }
        group.push((col, next.text.trim().to_string()));
        j += 1;
    }
    match marked_option(&group) {
        Some(yes) => ((if yes { "Yes" } else { "No" }).to_string(), j),
        None => {
            let parts: Vec<&str> = group.iter().map(|(_, t)| t.as_str()).collect();
            (parts.join(" ").trim().to_string(), j)
        }
    }
}

/// Which option a row of option and mark cells chose: a cell that holds an
/// option with a ticked box ("☒ No"), or a mark alone in the cell next to
/// an option ("Yes | X | No |": the mark stands right of its option).
fn marked_option(group: &[(usize, String)]) -> Option<bool> {
    let word = |t: &str| -> Option<bool> {
        let w = t
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        match w.as_str() {
            "yes" | "y" => Some(true),
            "no" | "n" => Some(false),
            _ => None,
        }
    };
    let ticked = |t: &str| t.contains(['☒', '☑', '✓', '✔', '■', '●', '✅']);
    let blank = |t: &str| t.contains(['☐', '□', '○']);
    for (_, t) in group {
        let option = t
            .split_whitespace()
            .find_map(|w| word(w.trim_matches(|c: char| "☒☐☑✓✔■□●○✅[]()".contains(c))));
        // "Yes X": a cross typed in the option's own box.
        let crossed = {
            let words: Vec<String> = t.split_whitespace().map(str::to_lowercase).collect();
            words.len() == 2 && words.iter().any(|w| w == "x")
        };
        if let Some(option) = option
            && (ticked(t) || crossed || t.to_lowercase().contains("[x]"))
            && !blank(t)
        {
            return Some(option);
        }
    }
    let mark_only = |t: &str| {
        let l = t.trim().to_lowercase();
        matches!(l.as_str(), "x" | "[x]" | "✗" | "✘")
            || (!l.is_empty() && l.chars().all(|c| "☒☑✓✔■●✅".contains(c)))
    };
    for (k, (col, t)) in group.iter().enumerate() {
        if !mark_only(t) {
            continue;
        }
        let beside = |other: Option<&(usize, String)>, next_to: bool| {
            other.filter(|_| next_to).and_then(|(_, o)| word(o))
        };
        let left = k.checked_sub(1).and_then(|p| group.get(p));
        let right = group.get(k + 1);
        let left_adjacent = left.is_some_and(|(c, _)| c + 1 == *col);
        let right_adjacent = right.is_some_and(|(c, _)| *c == col + 1);
        return beside(left, left_adjacent).or(beside(right, right_adjacent));
    }
    None
}

/// An option, a mark, or both: "Yes", "N", "X", "✓", "☒ No".
pub(super) fn is_option(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    !t.is_empty()
        && t.split_whitespace().count() <= 3
        && t.split_whitespace().all(|w| {
            matches!(
                w,
                "yes" | "no" | "y" | "n" | "n/a" | "x" | "[x]" | "[" | "]" | "[]" | "[ ]"
            ) || w.chars().all(|c| "☒☐☑✓✔✗✘●○■□✅❌".contains(c))
                || w.trim_matches(|c: char| "☒☐☑✓✔[]x ".contains(c)).is_empty()
                || matches!(
                    w.trim_matches(|c: char| "☒☐☑✓✔✗✘[]() ".contains(c)),
                    "yes" | "no" | "y" | "n"
                )
        })
}

/// A header of option columns: "| Yes | No |" over rows of questions
/// marked in one of them.
fn option_columns(row: &[Cell]) -> Option<Vec<(usize, bool)>> {
    let mut columns = Vec::new();
    for (i, cell) in row.iter().enumerate() {
        let t = cell.text.trim().to_lowercase();
        match t.trim_end_matches(['.', ':']) {
            "yes" | "y" => columns.push((i, true)),
            "no" | "n" => columns.push((i, false)),
            "" | "n/a" | "question" | "questions" | "item" | "answer" | "please tick" | "tick" => {}
            _ => return None,
        }
    }
    let has = |b: bool| columns.iter().any(|(_, v)| *v == b);
    (has(true) && has(false)).then_some(columns)
}

/// A row under option columns, with the marked option as its answer in
/// place of the mark.
fn marked_row(row: &[Cell], columns: &[(usize, bool)]) -> Option<Vec<Cell>> {
    let mut answer = None;
    let mut out = Vec::new();
    for (i, cell) in row.iter().enumerate() {
        match columns.iter().find(|(c, _)| *c == i) {
            Some(&(_, option)) => {
                let t = cell.text.trim();
                if !t.is_empty() && is_option(t) && !t.contains(['☐', '□', '○']) {
                    answer = Some(if option { "Yes" } else { "No" });
                }
            }
            None => out.push(cell.clone()),
        }
    }
    let answer = answer?;
    let label_at = out.iter().position(|c| !c.text.trim().is_empty())?;
    out.insert(
        label_at + 1,
        Cell::new(
            answer,
            row.get(label_at)
                .map(|c| c.place.clone())
                .unwrap_or_default(),
        ),
    );
    Some(out)
}

/// The most lines an address runs to, with the home's name.
const MAX_ADDRESS_LINES: usize = 8;

/// A row with no label of its own under an answer that may run on (an
/// address down several rows, a second account): its text joins that
/// answer. The row's first cell is empty, where the label would stand.
fn continue_answer(row: &[Cell], last: Option<&mut Candidate>) -> bool {
    let Some(last) = last else { return false };
    let first_empty = row.first().is_none_or(|c| c.text.trim().is_empty());
    let cells: Vec<&str> = row
        .iter()
        .map(|c| c.text.trim())
        .filter(|t| !t.is_empty())
        .collect();
    let address = is_address(last.slot);
    let ended = address
        && last
            .value
            .lines()
            .last()
            .is_some_and(crate::form::normalise::ends_with_postcode);
    // An address runs down the rows below it, one line a row, whichever
    // column the line stands in, until its postcode.
    let address_line =
        address && cells.len() == 1 && last.value.lines().count() < MAX_ADDRESS_LINES;
    if !(first_empty || address_line)
        || ended
        || cells.is_empty()
        || !is_multiline(last.slot)
        || !last.extras.is_empty()
        || last.value.is_empty()
        || row
            .iter()
            .any(|c| is_label_cell(&c.text) || split_label(&c.text, true).is_some())
    {
        return false;
    }
    last.value.push('\n');
    last.value.push_str(&cells.join(" "));
    true
}

/// A label alone in its row, answered in the cell below it.
fn value_below(slot: Slot, col: usize, below: Option<&Vec<Cell>>) -> Option<(String, String)> {
    let below = below?;
    // A row of its own question and answer ("Tel | 0113 ...") is no answer.
    if meaningful_cells(below).len() > 1 {
        return None;
    }
    let cell = below.get(col)?;
    let t = cell.text.trim();
    // An answer may share words with a question ("CQC 1-370605640", "Less
    // time on the phone"); only a cell that is plainly a question is one.
    let printed_note = is_note(t) && template::strip(t).is_empty();
    if t.is_empty()
        || printed_note
        || names_no_one(slot, t)
        || looks_like_question(t)
        || opens_another_question(slot, t)
    {
        return None;
    }
    Some((t.to_string(), cell.place.clone()))
}

/// A cell whose first line is a question other than `slot`'s, asked
/// alone ("Shared mailbox If yes, please state ..." over "Yes"): that
/// question and its answer, not the answer to the label above. An answer
/// that only shares a word with a question further in ("Less time on the
/// phone") opens with no question's words, and a single word that could
/// be a label run into an answer ("Home Manager", a role) is one only when
/// what follows is plainly that question's kind of answer ("Tel 0113 ...").
fn opens_another_question(slot: Slot, t: &str) -> bool {
    let first_line = t.lines().next().unwrap_or("");
    let first = first_line.split_whitespace().next().unwrap_or("");
    let opens_with_label_word = crate::form::fields::label_words(first)
        .first()
        .is_some_and(|w| crate::form::fields::is_label_word(w));
    let split = split_label(first_line, true).filter(|s| s.slot != slot);
    // "E-mail adress jo@home.example": a label however it is spelt, when
    // the kind of answer its question asks for follows it.
    if split.as_ref().is_some_and(|s| {
        !s.inline.is_empty()
            && (answer_fits(s.slot, &s.inline) == Some(true) || is_count_of(s.slot, &s.inline))
    }) {
        return true;
    }
    let Some(s) = split.filter(|s| !s.loose) else {
        return false;
    };
    // Alone, it must read as a question: its words only, or the form's
    // printed question ("Secure email instead of fax" answers).
    let alone_asks =
        s.inline.is_empty() && (all_label_words(first_line) || template::is_printed(first_line));
    // "Address 81 Rose Street": a one-word label, a word of questions only.
    let label_part = first_line
        .strip_suffix(s.inline.as_str())
        .unwrap_or_default();
    let run_on = !s.inline.is_empty()
        && (first_line.split_whitespace().count() - s.inline.split_whitespace().count() >= 2
            || answer_fits(s.slot, &s.inline) == Some(true)
            || all_label_words(label_part));
    let asked = first_line.contains([':', '?']) || alone_asks || run_on;
    opens_with_label_word && asked
}

/// A cell that asks rather than answers: a label with its colon or
/// question mark, one that opens as a question does ("Why do you need
/// ..."), or a short one that is a question's words alone ("Expected
/// benefits"). An answer that shares words with a question ("Less time on
/// the phone", "CQC 1-370605640") is not one.
fn looks_like_question(t: &str) -> bool {
    if is_label_cell(t) {
        return true;
    }
    if has_long_number(t) || label_alone(t).is_none() {
        return false;
    }
    let first = t.split_whitespace().next().unwrap_or("").to_lowercase();
    const OPENERS: [&str; 14] = [
        "why", "what", "how", "do", "does", "is", "are", "have", "has", "would", "confirm",
        "number", "please", "if",
    ];
    OPENERS.contains(&first.as_str()) || (t.split_whitespace().count() <= 4 && all_label_words(t))
}

/// Every word of `t` is a word questions are made of: "Email address" is a
/// question's words, "Home Manager" (a role) is not.
fn all_label_words(t: &str) -> bool {
    let words = crate::form::fields::label_words(t);
    !words.is_empty() && words.iter().all(|w| crate::form::fields::is_label_word(w))
}

/// Six digits or more in a row: a number, a telephone, a CQC ID; no
/// question of the form holds one.
fn has_long_number(t: &str) -> bool {
    let digits: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '–'))
        .collect();
    digits
        .split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() >= 6)
}

/// A row of labels over a row of answers (a spreadsheet laid out in columns).
fn header_row_above_values(
    source: &str,
    row: &[Cell],
    below: Option<&Vec<Cell>>,
    out: &mut Vec<Candidate>,
) -> bool {
    let Some(below) = below else { return false };
    let labels: Vec<(usize, Slot)> = row
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.text.trim().is_empty())
        .map(|(i, c)| {
            (
                i,
                split_label(&c.text, true).filter(|s| s.inline.is_empty()),
            )
        })
        .map(|(i, s)| s.map(|s| (i, s.slot)))
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default();
    // Answers below, not more questions: none ends like a question, the
    // first is no label, and few read like labels at all.
    let filled: Vec<&Cell> = below.iter().filter(|c| !c.text.trim().is_empty()).collect();
    let label_like = filled
        .iter()
        .filter(|c| split_label(&c.text, true).is_some())
        .count();
    let values_below = filled.iter().all(|c| !is_label_cell(&c.text))
        && filled
            .first()
            .is_some_and(|c| split_label(&c.text, true).is_none())
        && label_like * 3 <= filled.len();
    let answered = labels
        .iter()
        .filter(|(i, _)| below.get(*i).is_some_and(|c| !c.text.trim().is_empty()))
        .count();
    if labels.len() < 2 || !values_below || answered < 2 {
        return false;
    }
    for (i, slot) in labels {
        if let Some(cell) = below.get(i) {
            out.push(Candidate {
                slot,
                value: cell.text.trim().to_string(),
                extras: Vec::new(),
                origin: Origin::new(source.to_string(), cell.place.clone()),
            });
        }
    }
    true
}

/// "Name | Preferred account name | Mobile number": the columns of an
/// accounts table, when every heading is one of them and a name is there.
fn accounts_header(row: &[Cell]) -> Option<Vec<(usize, AccountColumn)>> {
    let mut columns = Vec::new();
    for (i, cell) in row.iter().enumerate() {
        let t = cell.text.trim();
        if t.is_empty() {
            continue;
        }
        if t.split_whitespace().count() > 5 || t.contains('\n') {
            return None;
        }
        match account_column(t) {
            Some(column) => columns.push((i, column)),
            None if is_side_column(t) => {}
            None => return None,
        }
    }
    let has = |k: AccountColumn| columns.iter().any(|(_, c)| *c == k);
    let ok = columns.len() >= 2
        && has(AccountColumn::Name)
        && (has(AccountColumn::PreferredName) || has(AccountColumn::Mobile));
    ok.then_some(columns)
}

/// Headings an accounts table may carry beside its own: a row number, the
/// owner's role or email address.
fn is_side_column(heading: &str) -> bool {
    let t: String = heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect();
    matches!(
        t.trim(),
        "" | "no"
            | "number"
            | "ref"
            | "item"
            | "role"
            | "job title"
            | "position"
            | "email"
            | "email address"
            | "title"
            | "start date"
            | "notes"
    )
}

/// The cell at `j` is the next question of a row of several, answered in
/// the cell after it ("Name | (blank) | Role | Deputy Manager"): the
/// question before it was left unanswered.
fn asks_beside(cells: &[(usize, &Cell)], j: usize) -> bool {
    let (Some((_, this)), Some((_, after))) = (cells.get(j), cells.get(j + 1)) else {
        return false;
    };
    let t = this.text.trim();
    t.split_whitespace().count() <= 6
        && label_alone(t).is_some()
        && all_label_words(t)
        && !is_label_cell(&after.text)
        && label_alone(after.text.trim()).is_none()
}

/// A row that is one cell holding another question and its answer
/// ("JUSTIFICATION The home has 80 beds", "EMAIL ADDRESS zoe@..."): no
/// account, but the next question of the form.
fn answers_alone(row: &[Cell]) -> bool {
    let cells = meaningful_cells(row);
    let [(_, cell)] = cells.as_slice() else {
        return false;
    };
    let t = cell.text.trim();
    split_label(t, true).is_some_and(|s| {
        !s.inline.is_empty()
            && (!s.loose || crate::form::fields::is_misspelt_label(t))
            && !matches!(
                s.slot,
                Slot::Field(Field::Accounts | Field::IndividualAccountsRequested)
            )
    })
}

/// A cell that is the label of a question other than the accounts, alone
/// or with its yes or no beside it ("Would you like a shared mailbox? no").
fn asks_another_question(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.contains('\n') || t.split_whitespace().count() > 12 {
        return false;
    }
    split_label(t, true).is_some_and(|s| {
        (s.inline.is_empty() || is_flag(s.slot))
            && (!s.loose || crate::form::fields::is_misspelt_label(t))
            && !matches!(
                s.slot,
                Slot::Field(Field::Accounts | Field::IndividualAccountsRequested)
            )
    })
}

/// A row the template printed as an example ("e.g. Joe Bloggs | ..."), or
/// the table's header printed again.
fn is_example_or_header(row: &[Cell]) -> bool {
    let first = row.iter().map(|c| c.text.trim()).find(|t| !t.is_empty());
    first.is_some_and(|t| {
        let lower = t.to_lowercase();
        lower.starts_with("e.g") || lower.starts_with("eg ") || lower.starts_with("example")
    }) || accounts_header(row).is_some()
}

/// Reads account rows under a header; returns the row after the table.
fn accounts_table(
    source: &str,
    rows: &[Vec<Cell>],
    start: usize,
    columns: &[(usize, AccountColumn)],
    out: &mut Vec<Candidate>,
) -> usize {
    let mut r = start;
    while let Some(row) = rows.get(r) {
        if row.iter().all(|c| c.text.trim().is_empty())
            || row.iter().any(|c| is_label_cell(&c.text))
        {
            break;
        }
        if is_example_or_header(row) {
            r += 1;
            continue;
        }
        // The next question of the form ("Name | Jane | Role | Manager",
        // "CQC no. | 1-..."): the accounts ended.
        if row.iter().any(|c| asks_another_question(&c.text)) || answers_alone(row) {
            break;
        }
        let text_of = |kind: AccountColumn| {
            columns
                .iter()
                .find(|(_, k)| *k == kind)
                .and_then(|(i, _)| row.get(*i))
                .map(|c| c.text.trim())
                .filter(|t| !t.is_empty() && !is_placeholder(t))
                .map(str::to_string)
        };
        if let Some(name) = text_of(AccountColumn::Name) {
            let place = columns
                .first()
                .and_then(|(i, _)| row.get(*i))
                .map(|c| c.place.clone())
                .unwrap_or_default();
            let line = [
                Some(name),
                text_of(AccountColumn::PreferredName),
                text_of(AccountColumn::Mobile),
            ];
            out.push(Candidate {
                slot: Slot::Field(Field::Accounts),
                value: String::new(),
                extras: line.into_iter().map(Option::unwrap_or_default).collect(),
                origin: Origin::new(source.to_string(), place),
            });
        }
        r += 1;
    }
    r
}
