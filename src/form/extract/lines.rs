//! Labelled values in running text: "Label: value" lines, questions answered on the lines below, tables laid out with tabs or spaces.

use super::Candidate;
use super::labels::{
    answer_fits, answers_its_flag, is_flag, is_listing, is_note, is_tick_boxes, label_alone,
    label_run_on, names_no_one, split_all, split_label,
};
use super::tables::is_option;
use crate::form::accounts::is_heading_line;
use crate::form::document::Cell;
use crate::form::fields::Slot;
use crate::form::{Field, template};

pub(super) struct Line<'a> {
    pub(super) text: &'a str,
    pub(super) place: &'a str,
}

/// The last number in a place ("line 12"), to see blank lines between lines.
fn place_number(place: &str) -> Option<usize> {
    let digits: String = place
        .chars()
        .rev()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.chars().rev().collect::<String>().parse().ok()
}

fn gap_between(a: &Line, b: &Line) -> usize {
    match (place_number(a.place), place_number(b.place)) {
        (Some(x), Some(y)) if y > x => y - x - 1,
        _ => 0,
    }
}

fn is_sign_off(text: &str) -> bool {
    crate::message::quotes::is_sign_off(text) || matches!(text.trim(), "--" | "-- ")
}

/// Fields whose answer may run over several lines.
pub(super) fn is_multiline(slot: Slot) -> bool {
    !matches!(
        slot,
        Slot::Field(
            Field::ApplicantName
                | Field::ApplicantRole
                | Field::ApplicantEmail
                | Field::CareHomeTelephone
                | Field::CqcRegistrationNumber
                | Field::IgToolkitCompleted
                | Field::SharedMailboxName
                | Field::SharedMailboxOwner
                | Field::SharedMailboxOwnerMobile
                | Field::CareHomeName
        ) | Slot::Postcode
    )
}

/// The accounts answer, which lists one owner a line.
/// A question whose answer is an address, which ends with its postcode.
pub(super) fn is_address(slot: Slot) -> bool {
    matches!(
        slot,
        Slot::NameAndAddress | Slot::Field(Field::CareHomeAddress)
    )
}

/// Whether a line below a label's answer carries on that answer: lists and
/// addresses run on; free text given after the label does so only when
/// indented or bulleted, so the next sentence of the email is not taken in.
fn continues(slot: Slot, multi: bool, label_alone: bool, line: &str) -> bool {
    if !multi {
        return false;
    }
    let listing = is_listing(slot)
        || matches!(
            slot,
            Slot::NameAndAddress
                | Slot::Field(
                    Field::CareHomeAddress
                        | Field::ExistingNhsmailAddresses
                        | Field::HasExistingNhsmailAccounts
                        | Field::SharedMailboxRequired
                )
        );
    let indented =
        line.starts_with([' ', '\t']) || line.trim_start().starts_with(['-', '*', '•', '–']);
    label_alone || listing || indented
}

pub(super) fn text_candidates(source: &str, lines: &[Line], out: &mut Vec<Candidate>) {
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        if is_columnar(line.text) {
            i = tabbed_table(source, lines, i, out);
            continue;
        }
        let (joined, used) = wrapped_question(lines, i);
        let line = match used {
            0 => line,
            _ => lines.get(i + used).unwrap_or(line),
        };
        let text = joined.as_deref().unwrap_or(line.text);
        let mut splits = split_all(text, false);
        if splits.is_empty()
            && let Some(alone) = label_alone(text)
            && answered_below(lines, i + used, alone.slot)
        {
            splits.push(alone);
        } else if splits.is_empty()
            && let Some(run_on) = label_run_on(text)
        {
            splits.push(run_on);
        }
        let Some(split) = splits.pop() else {
            i += 1;
            continue;
        };
        i += used;
        for earlier in splits {
            out.push(Candidate {
                slot: earlier.slot,
                origin: earlier.origin(source, line.place),
                value: earlier.inline,
                extras: Vec::new(),
            });
        }
        let mut value: Vec<&str> = Vec::new();
        let mut origin_place = line.place;
        let mut j = i + 1;
        let multi = is_multiline(split.slot);
        let mut prev = line;
        while let Some(next) = lines.get(j) {
            let t = next.text.trim();
            if is_listing(split.slot) && is_heading_line(t) {
                prev = next;
                j += 1;
                continue;
            }
            // A row of a table pasted as text that asks its own question.
            if is_columnar(next.text) && asks_in_first_column(next.text) {
                break;
            }
            let first_value = split.inline.is_empty() && value.is_empty();
            let printed_part = is_printed_note(t)
                || printed_sub_question(split.slot, t)
                || (!t.contains(char::is_whitespace) && crate::form::normalise::is_link(t));
            if first_value && j - i <= MAX_NOTE_LINES && printed_part {
                prev = next;
                j += 1;
                continue;
            }
            // Tick boxes below a question that asks no yes or no answer
            // another question ("Please also confirm the account owner ...").
            if first_value && !is_flag(split.slot) {
                if let Some(flag) = answers_its_flag(split.slot, t) {
                    out.push(Candidate {
                        slot: flag,
                        value: t.to_string(),
                        extras: Vec::new(),
                        origin: split.origin(source, next.place),
                    });
                    break;
                }
                if is_tick_boxes(t) || names_no_one(split.slot, t) {
                    break;
                }
            }
            let allowed_gap = if first_value { 1 } else { 0 };
            let last = value.last().copied().unwrap_or(split.inline.as_str());
            if t.is_empty()
                || gap_between(prev, next) > allowed_gap
                || split_label(t, false)
                    .is_some_and(|s| !(is_listing(s.slot) && is_listing(split.slot)))
                || is_sign_off(t)
                || (!split.inline.is_empty() && is_printed_note(t))
                || (is_address(split.slot)
                    && !(split.inline.is_empty() && value.is_empty())
                    && crate::form::normalise::ends_with_postcode(last))
                // Under a question left unanswered, the next question
                // ("Care home nmae"), not the kind of answer asked for.
                || (first_value
                    && answer_fits(split.slot, t) == Some(false)
                    && !template::is_printed(t)
                    && label_alone(t).is_some())
                || (!first_value
                    && (label_alone(t).is_some_and(|s| answered_below(lines, j, s.slot))
                        || label_run_on(t).is_some()))
                || !(first_value
                    || continues(split.slot, multi, split.inline.is_empty(), next.text)
                    || wraps(split.slot, last, t))
            {
                break;
            }
            // "HTTPS://WWW.IGT.HSCIC.GOV.UK/ y": the question's printed link
            // before the answer typed after it.
            let t = if first_value { after_links(t) } else { t };
            // "Number of accounts:" over "Account owners: 1. Jo Bloggs ...":
            // the owners, less their own question.
            let t = split_label(t, false)
                .filter(|s| is_listing(s.slot) && is_listing(split.slot) && !s.inline.is_empty())
                .and_then(|s| t.rfind(s.inline.as_str()).and_then(|at| t.get(at..)))
                .unwrap_or(t);
            if first_value {
                origin_place = next.place;
            }
            value.push(t);
            prev = next;
            j += 1;
        }
        let mut all = Vec::new();
        if !split.inline.is_empty() {
            all.push(split.inline.as_str());
        }
        all.extend(value);
        out.push(Candidate {
            slot: split.slot,
            value: all.join("\n"),
            extras: Vec::new(),
            origin: split.origin(source, origin_place),
        });
        i = j;
    }
}

/// The line below a label standing alone is its answer: close below it,
/// no question itself, and the kind of answer the question asks for (a
/// report's heading "Data Security and Protection Toolkit" over "Assessment
/// Report" asks nothing). An answer that reads like a question ("To send
/// care plans securely") still answers, unless it has an answer of its own
/// below it.
fn answered_below(lines: &[Line], i: usize, slot: Slot) -> bool {
    answered_within(lines, i, slot, 2)
}

fn answered_within(lines: &[Line], i: usize, slot: Slot, depth: u8) -> bool {
    let Some(mut label) = lines.get(i) else {
        return false;
    };
    let mut n = i + 1;
    // The form's printed note under a question stands between it and the answer.
    while let Some(line) = lines.get(n)
        && n - i <= MAX_NOTE_LINES
        && is_printed_note(line.text)
        && gap_between(label, line) <= 1
    {
        label = line;
        n += 1;
    }
    let Some(next) = lines.get(n) else {
        return false;
    };
    let i = n - 1;
    let t = next.text.trim();
    let fits = answer_fits(slot, t).unwrap_or(true);
    let asks = |t: &str| match label_alone(t) {
        Some(s) => depth == 0 || answered_within(lines, i + 1, s.slot, depth - 1),
        None => false,
    };
    fits && gap_between(label, next) <= 1
        && !t.is_empty()
        && !names_no_one(slot, t)
        && split_label(t, false).is_none()
        && label_run_on(t).is_none()
        && !asks(t)
}

/// `text` less the links it opens with.
fn after_links(text: &str) -> &str {
    let mut rest = text.trim_start();
    while let Some((first, more)) = rest.split_once(char::is_whitespace) {
        if !crate::form::normalise::is_link(first) {
            break;
        }
        rest = more.trim_start();
    }
    rest
}

/// How many lines of printed note may stand between a question and its answer.
const MAX_NOTE_LINES: usize = 3;

/// A note or guidance text printed under a question ("Note: a maximum of 3
/// user accounts will be provided ..."), never its answer.
fn is_printed_note(text: &str) -> bool {
    let t = text.trim();
    let asks = || split_label(t, false).is_some() || label_alone(t).is_some();
    // "Note House" is a name; "Note: a maximum of 3 ..." is printed.
    let printed_note = is_note(t) && !template::strip(t).chars().any(char::is_alphanumeric);
    !t.is_empty() && (printed_note || (template::is_printed(t) && !asks()))
}

/// Whether `more` finishes the question begun in `first` ("SECURE" over
/// "EXCHANGE" over "REQUIRED"): together they ask what `first` alone
/// does not, or both are the capitals a question is printed in.
fn completes_question(first: &str, more: &str) -> bool {
    let capitals =
        |t: &str| t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase);
    // Only the opening words of a question wait for more ("DOES YOUR CARE").
    const ASKING: [&str; 10] = [
        "do", "does", "have", "has", "is", "are", "would", "what", "how", "confirm",
    ];
    let words = crate::form::fields::label_words(first);
    let opening = template::is_printed(first)
        || (!words.is_empty()
            && words
                .iter()
                .all(|w| crate::form::fields::is_label_word(w) || ASKING.contains(&w.as_str())));
    let joined = format!("{first} {more}");
    let asks_more = crate::form::fields::match_label(&joined).is_some()
        && crate::form::fields::match_label(first).is_none();
    opening
        && (asks_more
            || (capitals(first) && capitals(more) && more.split_whitespace().count() <= 4))
}

/// A line of columns whose first column is a question (with or without
/// its mark), or the start of one wrapped below.
fn asks_in_first_column(text: &str) -> bool {
    let first = columns(text).into_iter().next().unwrap_or("");
    split_label(first, true).is_some_and(|s| s.inline.is_empty() && !s.loose)
        || template::is_printed(first)
}

/// A printed prompt of `slot`'s own question on a line of its own ("If yes,
/// please state the preferred mailbox name", "Please also confirm the
/// account owner name and mobile number:" under the shared mailbox
/// question): part of the question, not a question before its answer.
fn printed_sub_question(slot: Slot, text: &str) -> bool {
    let parts: &[Field] = match slot {
        Slot::Field(Field::SharedMailboxRequired) => &[
            Field::SharedMailboxName,
            Field::SharedMailboxOwner,
            Field::SharedMailboxOwnerMobile,
        ],
        Slot::Field(Field::HasExistingNhsmailAccounts) => &[Field::ExistingNhsmailAddresses],
        _ => return false,
    };
    let asks_a_part = split_label(text, false)
        .or_else(|| label_alone(text))
        .is_some_and(|s| s.inline.is_empty() && parts.iter().any(|&f| s.slot == Slot::Field(f)));
    asks_a_part && template::is_printed(text)
}

/// A question printed over several lines ("Confirm that your care home has
/// a regular requirement to exchange data" / "securely and why: Yes"): the
/// joined question with its answer, and how many lines it took beyond the
/// first. Joined only when the first line asks nothing by itself and reads
/// as the form's printed words, or runs on into a line that starts in lower
/// case.
fn wrapped_question(lines: &[Line], i: usize) -> (Option<String>, usize) {
    let Some(first) = lines.get(i) else {
        return (None, 0);
    };
    let head = first.text.trim();
    // "...? If yes, please state the preferred mailbox name (it may not be"
    // over "possible to use ...": the printed note broken mid-sentence.
    let broken_off = lines
        .get(i + 1)
        .is_some_and(|n| n.text.trim().starts_with(char::is_lowercase));
    // A question starts as one does: not in lower case, the tail of the
    // sentence above ("been identified, please contact ...").
    if head.is_empty()
        || head.starts_with(char::is_lowercase)
        || head.ends_with(['.', ':', '?'])
        || (split_label(head, false).is_some() && !broken_off)
        || label_run_on(head).is_some_and(|s| !s.inline.is_empty())
    {
        return (None, 0);
    }
    let mut joined = head.to_string();
    for used in 1..=3 {
        let Some(next) = lines.get(i + used) else {
            break;
        };
        let t = next.text.trim();
        // A row of columns ends a wrapped question only with the question's
        // own end ("information see: ... | Yes [X] | No [ ]"); any other row
        // of columns is a table of its own.
        let ends_question = |line: &str| {
            columns(line)
                .first()
                .is_some_and(|c| c.contains([':', '?']))
        };
        if t.is_empty()
            || (is_columnar(next.text) && !ends_question(next.text))
            || gap_between(lines.get(i + used - 1).unwrap_or(first), next) > 0
        {
            break;
        }
        // A line that starts a question of its own runs nothing on.
        let asks = label_run_on(t).is_some() || label_alone(t).is_some();
        let runs_on = t.starts_with(char::is_lowercase) || (template::is_printed(&joined) && !asks);
        if !runs_on {
            break;
        }
        joined = format!("{joined} {t}");
        if t.contains([':', '?']) {
            let alone = split_label(t, false);
            let together = split_label(&joined, false);
            return match (together, alone) {
                (Some(_), None) => (Some(joined), used),
                (Some(_), Some(_)) if t.starts_with(char::is_lowercase) => (Some(joined), used),
                _ => (None, 0),
            };
        }
    }
    (None, 0)
}

/// A long answer wrapped onto the next line by the sender's mail program:
/// free text whose line was long, or whose next line starts in lower case.
fn wraps(slot: Slot, last: &str, next: &str) -> bool {
    let free_text = matches!(
        slot,
        Slot::Field(
            Field::SecureExchangeReason
                | Field::SecureExchangeRequired
                | Field::BusinessJustification
                | Field::ExpectedBenefits
        )
    );
    free_text
        && !last.trim_end().ends_with(['.', '!', '?'])
        && (last.chars().count() >= 60 || next.starts_with(char::is_lowercase))
}

/// A table pasted as text (Outlook's plain-text copy of an HTML table, a
/// PDF's columns): cells split by tabs, read as the table it is, so that
/// an accounts table under its header or a row of options is read as one.
/// Returns the index of the next line to read.
fn tabbed_table(source: &str, lines: &[Line], i: usize, out: &mut Vec<Candidate>) -> usize {
    let mut rows = Vec::new();
    let mut j = i;
    while lines.get(j).is_some_and(|l| is_columnar(l.text)) {
        if j > i
            && lines
                .get(j - 1)
                .zip(lines.get(j))
                .is_some_and(|(a, b)| gap_between(a, b) > 1)
        {
            break;
        }
        let (row, next) = tabbed_row(lines, j);
        rows.push(row);
        j = next;
    }
    super::tables::table_candidates(source, &rows, out);
    j.max(i + 1)
}

/// One row of a table pasted as text, with the lines below that carry on
/// one of its cells: the question's cell when it has not yet ended ("Would
/// you like a | Yes | X | No" over "shared mailbox?"), else the last cell (a
/// value over several lines). Returns the row and the next line's index.
fn tabbed_row(lines: &[Line], i: usize) -> (Vec<Cell>, usize) {
    let Some(line) = lines.get(i) else {
        return (Vec::new(), i + 1);
    };
    let mut cells: Vec<Cell> = columns(line.text)
        .into_iter()
        .enumerate()
        .map(|(n, t)| Cell::new(t.trim(), format!("{}, cell {}", line.place, n + 1)))
        .collect();
    let mut j = i + 1;
    let mut prev = line;
    while let Some(next) = lines.get(j) {
        let t = next.text.trim();
        let question_open = cells.first().is_some_and(|c| {
            !c.text.trim_end().ends_with([':', '?'])
                && !c.text.contains('\n')
                && (t.starts_with(char::is_lowercase)
                    || (t.ends_with([':', '?']) && split_label(t, false).is_none())
                    || completes_question(&c.text, t))
        });
        if t.is_empty()
            || is_columnar(next.text)
            || gap_between(prev, next) > 0
            || is_sign_off(t)
            || (!question_open && split_label(t, false).is_some_and(|s| !is_sub_answer(s.slot)))
            || (!question_open && label_alone(t).is_some_and(|s| !is_sub_answer(s.slot)))
        {
            break;
        }
        // Options ("Yes [X] | No [ ]") end their row: what follows is no
        // more of the last option.
        let ends_in_option = cells
            .iter()
            .rev()
            .find(|c| !c.text.is_empty())
            .is_some_and(|c| is_option(&c.text));
        if ends_in_option && !question_open {
            break;
        }
        let target = if question_open {
            cells.first_mut()
        } else {
            cells.iter_mut().rev().find(|c| !c.text.is_empty())
        };
        if let Some(cell) = target {
            cell.text.push(if question_open { ' ' } else { '\n' });
            cell.text.push_str(t);
        }
        prev = next;
        j += 1;
    }
    (cells, j)
}

/// The gap between columns when a table is laid out as text: a tab, or
/// three or more spaces inside the line (not its indentation).
const COLUMN_GAP: &str = "   ";

fn is_columnar(text: &str) -> bool {
    text.contains('\t') || text.trim().contains(COLUMN_GAP)
}

fn columns(text: &str) -> Vec<&str> {
    text.trim()
        .split('\t')
        .flat_map(|part| part.split(COLUMN_GAP))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Labels that appear inside an answer ("Preferred mailbox name: X" under
/// the shared mailbox question, "Business justification:" under accounts).
fn is_sub_answer(slot: Slot) -> bool {
    matches!(
        slot,
        Slot::Field(
            Field::SharedMailboxName
                | Field::SharedMailboxOwner
                | Field::SharedMailboxOwnerMobile
                | Field::BusinessJustification
        )
    )
}
