//! The one matching stage: labelled values in [`Document`]s, whatever their
//! format, become the form's fields. It understands "Label: value" in a line
//! or a cell, a label cell with its value to the right or below, a question
//! line answered on the following lines, accounts tables, and answers that
//! hold several things (see [`super::accounts`]).

use super::accounts::{
    accounts_answer, after_answer, clean_text, name_and_mobile, shared_mailbox_answer,
};
use super::document::{Block, Cell, Document};
use super::fields::{AccountColumn, Slot, account_column, is_form_specific, match_label};
use super::normalise::{self, is_placeholder, join_address};
use super::{Account, Field, Form, Origin, Provenance};
use std::collections::HashSet;

/// A label found with what was written for it.
#[derive(Clone, Debug, PartialEq)]
struct Candidate {
    slot: Slot,
    /// The answer (lines joined with `\n`); may be empty.
    value: String,
    /// Further cells in the same row after the answer (a reason, addresses).
    extras: Vec<String>,
    origin: Origin,
}

/// The labelled values found in one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matched {
    candidates: Vec<Candidate>,
}

impl Matched {
    /// How many different questions only the application form asks.
    pub fn specific_questions(&self) -> usize {
        self.candidates
            .iter()
            .map(|c| c.slot)
            .filter(|s| is_form_specific(*s))
            .collect::<HashSet<_>>()
            .len()
    }

    /// How many different form questions the document carries: a document
    /// with several is the application form, whatever its name or type.
    pub fn questions(&self) -> usize {
        self.candidates
            .iter()
            .map(|c| c.slot)
            .collect::<HashSet<_>>()
            .len()
    }
}

/// Finds the form's labels and answers in one document.
pub fn match_document(doc: &Document) -> Matched {
    Matched {
        candidates: document_candidates(doc),
    }
}

/// Reads the form's fields out of the documents of one message. Earlier
/// documents win where two give the same field.
pub fn extract(docs: &[Document]) -> (Form, Provenance) {
    let matched: Vec<Matched> = docs.iter().map(match_document).collect();
    extract_matched(docs.iter().zip(&matched))
}

/// As [`extract`], for documents already matched.
pub fn extract_matched<'a>(
    docs: impl IntoIterator<Item = (&'a Document, &'a Matched)> + Clone,
) -> (Form, Provenance) {
    let mut built = Builder::default();
    for (_, matched) in docs.clone() {
        for c in &matched.candidates {
            built.take(c);
        }
    }
    if built.form.cqc_registration_number.is_none() {
        cqc_in_sentences(docs.into_iter().map(|(d, _)| d), &mut built);
    }
    built.finish()
}

/// How many different form questions a document carries.
pub fn form_questions(doc: &Document) -> usize {
    match_document(doc).questions()
}

fn document_candidates(doc: &Document) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut lines: Vec<Line> = Vec::new();
    for block in &doc.blocks {
        match block {
            Block::Text { text, place } => {
                for part in text.split('\n') {
                    lines.push(Line { text: part, place });
                }
            }
            Block::Table { rows, .. } => {
                text_candidates(&doc.source, &lines, &mut out);
                lines.clear();
                table_candidates(&doc.source, rows, &mut out);
            }
        }
    }
    text_candidates(&doc.source, &lines, &mut out);
    out
}

// ---------------------------------------------------------------- labels

/// A label found at the start of a line or cell.
struct Split {
    slot: Slot,
    /// What follows the label in the same line or cell.
    inline: String,
}

/// Answer hints printed in the question itself, not answers.
fn is_hint(text: &str) -> bool {
    let t: String = text
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && !"()[].".contains(*c))
        .collect();
    matches!(
        t.as_str(),
        "y/n" | "yes/no" | "yesno" | "yorn" | "yes/no/na"
    )
}

/// Text that continues a question rather than answering it.
fn is_question_like(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    t.ends_with(':')
        || t.ends_with('?')
        || [
            "if yes",
            "if so",
            "please",
            "note",
            "for further",
            "(",
            "see ",
        ]
        .iter()
        .any(|p| t.starts_with(p))
}

/// Removes URLs: Appendix 1 puts one inside a question, after a colon.
fn without_urls(text: &str) -> String {
    text.split(' ')
        .filter(|t| !(t.starts_with("http") || t.starts_with("www.")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Finds a label at the start of `text`. In a cell the whole first line may
/// be the label; in running text a label needs a `:` or `?` after it (or a
/// dash after a short label), so prose is not mistaken for questions.
fn split_label(text: &str, in_cell: bool) -> Option<Split> {
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let first = without_urls(first.trim());
    let rest = rest.trim();
    let with_rest = |inline: &str| {
        let inline = if is_hint(inline) { "" } else { inline.trim() };
        match (inline.is_empty(), rest.is_empty()) {
            (true, _) => rest.to_string(),
            (false, true) => inline.to_string(),
            (false, false) => format!("{inline}\n{rest}"),
        }
    };
    let points: Vec<usize> = first
        .char_indices()
        .filter(|(_, c)| matches!(c, ':' | '?'))
        .map(|(i, _)| i)
        .collect();
    for (n, &p) in points.iter().enumerate() {
        let left = first.get(..p).unwrap_or("");
        let right = first.get(p + 1..).unwrap_or("").trim();
        let more = n + 1 < points.len();
        if more && is_question_like(right) {
            continue;
        }
        if let Some(slot) = match_label(left) {
            return Some(Split {
                slot,
                inline: with_rest(right),
            });
        }
    }
    if in_cell {
        return match_label(&first).map(|slot| Split {
            slot,
            inline: rest.to_string(),
        });
    }
    // "Tel – 0113 496 0000"
    for dash in [" – ", " - ", " — "] {
        if let Some((left, right)) = first.split_once(dash)
            && left.split_whitespace().count() <= 4
            && let Some(slot) = match_label(left)
        {
            return Some(Split {
                slot,
                inline: with_rest(right),
            });
        }
    }
    None
}

/// A cell that is a question, not an answer: it ends with `:` or `?` (a
/// hint such as "(Yes/No)" aside), or is a long question.
fn is_label_cell(text: &str) -> bool {
    let first = text.split('\n').next().unwrap_or("").trim();
    let stripped = strip_trailing_hint(first);
    let ends = stripped.ends_with(':') || stripped.ends_with('?');
    let long_question = first.split_whitespace().count() >= 6
        && [
            "do ", "does ", "have ", "confirm ", "number ", "what ", "please ", "are ", "is ",
            "how ",
        ]
        .iter()
        .any(|w| first.to_lowercase().starts_with(w));
    (ends || long_question) && split_label(text, true).is_some()
}

fn strip_trailing_hint(text: &str) -> &str {
    let mut t = text.trim();
    loop {
        let before = t;
        for hint in ["(Yes/No)", "(Y/N)", "Y/N", "Yes/No", "(yes/no)", "(y/n)"] {
            if let Some(s) = t.strip_suffix(hint) {
                t = s.trim_end();
            }
        }
        if t == before {
            return t;
        }
    }
}

/// Appendix 1's printed notes ("Note: a maximum of 3 user accounts ...").
fn is_note(text: &str) -> bool {
    let t = text.trim_start().to_lowercase();
    t.starts_with("note:") || t.starts_with("note ") || t.starts_with("nb:")
}

// ---------------------------------------------------------------- text

struct Line<'a> {
    text: &'a str,
    place: &'a str,
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
fn is_multiline(slot: Slot) -> bool {
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

/// Whether a line below a label's answer carries on that answer: lists and
/// addresses run on; free text given after the label does so only when
/// indented or bulleted, so the next sentence of the email is not taken in.
fn continues(slot: Slot, multi: bool, label_alone: bool, line: &str) -> bool {
    if !multi {
        return false;
    }
    let listing = matches!(
        slot,
        Slot::NameAndAddress
            | Slot::Field(
                Field::CareHomeAddress
                    | Field::Accounts
                    | Field::IndividualAccountsRequested
                    | Field::ExistingNhsmailAddresses
                    | Field::HasExistingNhsmailAccounts
                    | Field::SharedMailboxRequired
            )
    );
    let indented =
        line.starts_with([' ', '\t']) || line.trim_start().starts_with(['-', '*', '•', '–']);
    label_alone || listing || indented
}

fn text_candidates(source: &str, lines: &[Line], out: &mut Vec<Candidate>) {
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        if is_columnar(line.text) {
            i = tabbed_row(source, lines, i, out);
            continue;
        }
        let Some(split) = split_label(line.text, false) else {
            i += 1;
            continue;
        };
        let mut value: Vec<&str> = Vec::new();
        let mut origin_place = line.place;
        let mut j = i + 1;
        let multi = is_multiline(split.slot);
        let mut prev = line;
        while let Some(next) = lines.get(j) {
            let t = next.text.trim();
            let first_value = split.inline.is_empty() && value.is_empty();
            let allowed_gap = if first_value { 1 } else { 0 };
            if t.is_empty()
                || gap_between(prev, next) > allowed_gap
                || split_label(t, false).is_some()
                || is_sign_off(t)
                || !(first_value
                    || continues(split.slot, multi, split.inline.is_empty(), next.text))
            {
                break;
            }
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
            origin: Origin {
                source: source.to_string(),
                place: origin_place.to_string(),
            },
        });
        i = j;
    }
}

/// A table pasted as text (Outlook's plain-text copy of an HTML table):
/// cells split by tabs, a multi-line last cell running on in the lines
/// below. Returns the index of the next line to read.
fn tabbed_row(source: &str, lines: &[Line], i: usize, out: &mut Vec<Candidate>) -> usize {
    let Some(line) = lines.get(i) else {
        return i + 1;
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
        if t.is_empty()
            || is_columnar(next.text)
            || gap_between(prev, next) > 0
            || is_sign_off(t)
            || split_label(t, false).is_some_and(|s| !is_sub_answer(s.slot))
        {
            break;
        }
        if let Some(last) = cells.iter_mut().rev().find(|c| !c.text.is_empty()) {
            last.text.push('\n');
            last.text.push_str(t);
        }
        prev = next;
        j += 1;
    }
    row_candidates(source, &cells, None, out);
    j
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

// ---------------------------------------------------------------- tables

fn table_candidates(source: &str, rows: &[Vec<Cell>], out: &mut Vec<Candidate>) {
    let mut r = 0;
    while let Some(row) = rows.get(r) {
        if let Some(columns) = accounts_header(row) {
            r = accounts_table(source, rows, r + 1, &columns, out);
            continue;
        }
        if header_row_above_values(source, row, rows.get(r + 1), out) {
            r += 2;
            continue;
        }
        row_candidates(source, row, rows.get(r + 1), out);
        r += 1;
    }
}

/// The cells of a row that say something, merged duplicates (Word repeats a
/// merged cell's text in every column it spans) and printed notes removed.
fn meaningful_cells(row: &[Cell]) -> Vec<(usize, &Cell)> {
    let mut kept: Vec<(usize, &Cell)> = Vec::new();
    for (col, cell) in row.iter().enumerate() {
        let t = cell.text.trim();
        if t.is_empty() || is_note(t) {
            continue;
        }
        if kept.last().is_some_and(|(_, prev)| prev.text.trim() == t) {
            continue;
        }
        kept.push((col, cell));
    }
    kept
}

fn row_candidates(source: &str, row: &[Cell], below: Option<&Vec<Cell>>, out: &mut Vec<Candidate>) {
    let cells = meaningful_cells(row);
    let mut i = 0;
    while let Some(&(col, cell)) = cells.get(i) {
        let Some(split) = split_label(&cell.text, true) else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        let (value, place) = if !split.inline.is_empty() {
            (split.inline.clone(), cell.place.clone())
        } else if let Some(&(_, next)) = cells.get(j).filter(|(_, c)| !is_label_cell(&c.text)) {
            j += 1;
            (next.text.trim().to_string(), next.place.clone())
        } else if cells.len() == 1 {
            value_below(col, below).unwrap_or_default()
        } else {
            (String::new(), cell.place.clone())
        };
        let mut extras = Vec::new();
        while let Some(&(_, next)) = cells.get(j) {
            if is_label_cell(&next.text) {
                break;
            }
            extras.push(next.text.trim().to_string());
            j += 1;
        }
        out.push(Candidate {
            slot: split.slot,
            value,
            extras,
            origin: Origin {
                source: source.to_string(),
                place,
            },
        });
        i = j;
    }
}

/// A label alone in its row, answered in the cell below it.
fn value_below(col: usize, below: Option<&Vec<Cell>>) -> Option<(String, String)> {
    let cell = below?.get(col)?;
    let t = cell.text.trim();
    if t.is_empty() || is_note(t) || split_label(t, true).is_some() {
        return None;
    }
    Some((t.to_string(), cell.place.clone()))
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
                origin: Origin {
                    source: source.to_string(),
                    place: cell.place.clone(),
                },
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
        columns.push((i, account_column(t)?));
    }
    let has = |k: AccountColumn| columns.iter().any(|(_, c)| *c == k);
    let ok = columns.len() >= 2
        && has(AccountColumn::Name)
        && (has(AccountColumn::PreferredName) || has(AccountColumn::Mobile));
    ok.then_some(columns)
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
                origin: Origin {
                    source: source.to_string(),
                    place,
                },
            });
        }
        r += 1;
    }
    r
}

// ---------------------------------------------------------------- values

#[derive(Default)]
struct Builder {
    form: Form,
    provenance: Provenance,
    count: Option<u32>,
    postcode: Option<String>,
    /// Accounts come from one answer only, so two listings do not add up.
    accounts_from: Option<(String, String)>,
}

impl Builder {
    fn note(&mut self, field: Field, origin: &Origin) {
        self.provenance
            .entry(field)
            .or_insert_with(|| origin.clone());
    }

    fn text(&mut self, field: Field, value: Option<String>, origin: &Origin) {
        let Some(value) = value else { return };
        let slot = match field {
            Field::ApplicantName => &mut self.form.applicant_name,
            Field::ApplicantRole => &mut self.form.applicant_role,
            Field::ApplicantEmail => &mut self.form.applicant_email,
            Field::CareHomeName => &mut self.form.care_home_name,
            Field::CareHomeAddress => &mut self.form.care_home_address,
            Field::CareHomeTelephone => &mut self.form.care_home_telephone,
            Field::CqcRegistrationNumber => &mut self.form.cqc_registration_number,
            Field::SecureExchangeReason => &mut self.form.secure_exchange_reason,
            Field::BusinessJustification => &mut self.form.business_justification,
            Field::SharedMailboxName => &mut self.form.shared_mailbox_name,
            Field::SharedMailboxOwner => &mut self.form.shared_mailbox_owner,
            Field::SharedMailboxOwnerMobile => &mut self.form.shared_mailbox_owner_mobile,
            Field::ExpectedBenefits => &mut self.form.expected_benefits,
            _ => return,
        };
        if slot.is_none() {
            *slot = Some(value);
            self.note(field, origin);
        }
    }

    fn flag(&mut self, field: Field, value: Option<bool>, origin: &Origin) {
        let Some(value) = value else { return };
        let slot = match field {
            Field::IgToolkitCompleted => &mut self.form.ig_toolkit_completed,
            Field::HasExistingNhsmailAccounts => &mut self.form.has_existing_nhsmail_accounts,
            Field::SecureExchangeRequired => &mut self.form.secure_exchange_required,
            Field::SharedMailboxRequired => &mut self.form.shared_mailbox_required,
            _ => return,
        };
        if slot.is_none() {
            *slot = Some(value);
            self.note(field, origin);
        }
    }

    fn take(&mut self, c: &Candidate) {
        let o = &c.origin;
        let first_line = c.value.split('\n').map(str::trim).find(|l| !l.is_empty());
        let single = first_line
            .filter(|l| !is_placeholder(l))
            .map(str::to_string);
        let Slot::Field(field) = c.slot else {
            return self.take_pair(c);
        };
        match field {
            Field::ApplicantName
            | Field::ApplicantRole
            | Field::CareHomeName
            | Field::CareHomeTelephone
            | Field::SharedMailboxName
            | Field::SharedMailboxOwnerMobile => self.text(field, single, o),
            Field::ApplicantEmail => {
                let email = single.map(|v| {
                    let token = v.split_whitespace().find(|t| t.contains('@')).unwrap_or(&v);
                    normalise::email(token)
                });
                self.text(field, email, o);
            }
            Field::CareHomeAddress => {
                let joined = join_address(c.value.split('\n'));
                self.text(field, (!is_placeholder(&joined)).then_some(joined), o);
            }
            Field::CqcRegistrationNumber => {
                let value = single.map(|v| normalise::cqc(&v).unwrap_or(v));
                self.text(field, value, o);
            }
            Field::SecureExchangeReason
            | Field::BusinessJustification
            | Field::ExpectedBenefits => {
                let mut all = vec![c.value.as_str()];
                all.extend(c.extras.iter().map(String::as_str));
                self.text(field, clean_text(&all.join("\n")), o);
            }
            Field::IgToolkitCompleted => self.flag(field, normalise::yes_no(&c.value), o),
            Field::SecureExchangeRequired => self.secure_exchange(c),
            Field::HasExistingNhsmailAccounts => {
                self.flag(field, normalise::yes_no(&c.value), o);
                self.addresses(c);
            }
            Field::ExistingNhsmailAddresses => self.addresses(c),
            Field::IndividualAccountsRequested | Field::Accounts => self.accounts(c),
            Field::SharedMailboxRequired => self.shared_mailbox(c),
            Field::SharedMailboxOwner => {
                let (name, mobile) = name_and_mobile(c.value.split('\n').next().unwrap_or(""));
                self.text(Field::SharedMailboxOwner, name, o);
                self.text(Field::SharedMailboxOwnerMobile, mobile, o);
            }
        }
    }

    fn take_pair(&mut self, c: &Candidate) {
        match c.slot {
            Slot::NameAndAddress => {
                let (name, address) = split_name_and_address(&c.value);
                self.text(Field::CareHomeName, name, &c.origin);
                self.text(Field::CareHomeAddress, address, &c.origin);
            }
            Slot::Postcode => {
                let v = c.value.trim();
                if self.postcode.is_none() && !v.is_empty() && !is_placeholder(v) {
                    self.postcode = Some(v.to_string());
                }
            }
            Slot::Field(_) => {}
        }
    }

    fn secure_exchange(&mut self, c: &Candidate) {
        let answer = normalise::yes_no(&c.value);
        self.flag(Field::SecureExchangeRequired, answer, &c.origin);
        if answer.is_none() && c.value.trim().is_empty() {
            return;
        }
        let mut lines = c.value.split('\n');
        let first = after_answer(lines.next().unwrap_or(""));
        let mut reason: Vec<&str> = vec![first];
        reason.extend(lines);
        reason.extend(c.extras.iter().map(String::as_str));
        self.text(
            Field::SecureExchangeReason,
            clean_text(&reason.join("\n")),
            &c.origin,
        );
    }

    fn addresses(&mut self, c: &Candidate) {
        if !self.form.existing_nhsmail_addresses.is_empty() {
            return;
        }
        let mut texts = vec![c.value.as_str()];
        texts.extend(c.extras.iter().map(String::as_str));
        let found: Vec<String> = texts
            .iter()
            .flat_map(|t| t.split(|ch: char| ch.is_whitespace() || ",;<>()".contains(ch)))
            .filter(|t| t.contains('@'))
            .map(normalise::email)
            .collect();
        if !found.is_empty() {
            self.form.existing_nhsmail_addresses = found;
            self.note(Field::ExistingNhsmailAddresses, &c.origin);
        }
    }

    fn accounts(&mut self, c: &Candidate) {
        let mut lines = vec![c.value.as_str()];
        let joined_extras = c.extras.join(" | ");
        if !c.extras.is_empty() {
            // Cells across a row belong to one account (a CSV row).
            if c.value.trim().is_empty() || !c.value.contains('\n') {
                let line = if c.value.trim().is_empty() {
                    joined_extras.clone()
                } else {
                    format!("{} | {}", c.value.trim(), joined_extras)
                };
                return self.account_row(&line, c);
            }
            lines.push(&joined_extras);
        }
        let answer = accounts_answer(&lines);
        if self.count.is_none() && answer.count.is_some() {
            self.count = answer.count;
            self.note(Field::IndividualAccountsRequested, &c.origin);
        }
        if !answer.accounts.is_empty() && self.accounts_from.is_none() {
            self.form.accounts = answer.accounts;
            self.accounts_from = Some((c.origin.source.clone(), c.origin.place.clone()));
            self.note(Field::Accounts, &c.origin);
        }
        self.text(
            Field::BusinessJustification,
            answer.justification,
            &c.origin,
        );
    }

    /// One account per row (an accounts table, or CSV columns): rows from
    /// the same document add up.
    fn account_row(&mut self, line: &str, c: &Candidate) {
        let Some(account) = account_from_cells(line) else {
            return;
        };
        let same_source = self
            .accounts_from
            .as_ref()
            .is_none_or(|(source, _)| *source == c.origin.source);
        if same_source && !self.form.accounts.contains(&account) {
            self.form.accounts.push(account);
            if self.accounts_from.is_none() {
                self.accounts_from = Some((c.origin.source.clone(), c.origin.place.clone()));
            }
            self.note(Field::Accounts, &c.origin);
        }
    }

    fn shared_mailbox(&mut self, c: &Candidate) {
        let mut lines = vec![c.value.as_str()];
        lines.extend(c.extras.iter().map(String::as_str));
        let answer = shared_mailbox_answer(&lines);
        let o = &c.origin;
        self.flag(Field::SharedMailboxRequired, answer.required, o);
        self.text(Field::SharedMailboxName, answer.name, o);
        self.text(Field::SharedMailboxOwner, answer.owner, o);
        self.text(Field::SharedMailboxOwnerMobile, answer.owner_mobile, o);
    }

    fn finish(mut self) -> (Form, Provenance) {
        if let Some(postcode) = self.postcode.take() {
            let address = self.form.care_home_address.get_or_insert_with(String::new);
            if !address.to_lowercase().contains(&postcode.to_lowercase()) {
                *address = join_address([address.as_str(), postcode.as_str()]);
            }
        }
        self.form.individual_accounts_requested = self.count.or_else(|| {
            (!self.form.accounts.is_empty())
                .then(|| u32::try_from(self.form.accounts.len()).unwrap_or(u32::MAX))
        });
        if self.count.is_none()
            && let Some(origin) = self.provenance.get(&Field::Accounts).cloned()
        {
            self.note(Field::IndividualAccountsRequested, &origin);
        }
        (self.form, self.provenance)
    }
}

/// An account from cells in a row: "Name | account | mobile" in any order.
fn account_from_cells(line: &str) -> Option<Account> {
    let mut account = Account::default();
    for part in line.split(" | ").map(str::trim) {
        if part.is_empty() || is_placeholder(part) {
            continue;
        }
        if normalise::is_phone_like(part) {
            account.mobile.get_or_insert_with(|| part.to_string());
        } else if !part.contains(char::is_whitespace) && part.contains(['.', '@', '_']) {
            account
                .preferred_account_name
                .get_or_insert_with(|| part.to_string());
        } else if account.name.is_none() {
            account.name = Some(part.to_string());
        } else if account.preferred_account_name.is_none() {
            account.preferred_account_name = Some(part.to_string());
        }
    }
    account.name.is_some().then_some(account)
}

/// "Organisation name and address": the name on the first line, the
/// address on the rest; on one line, the name ends at the first comma (or
/// where the house number starts).
fn split_name_and_address(value: &str) -> (Option<String>, Option<String>) {
    let lines: Vec<&str> = value
        .split('\n')
        .map(|l| l.trim().trim_end_matches(','))
        .filter(|l| !l.is_empty())
        .collect();
    let some = |s: String| (!s.is_empty() && !is_placeholder(&s)).then_some(s);
    match lines.as_slice() {
        [] => (None, None),
        [one] => {
            let (name, rest) = one.split_once(',').unwrap_or((one, ""));
            let (name, number_rest) = split_at_house_number(name);
            let address = join_address([number_rest, rest]);
            (some(name.trim().to_string()), some(address))
        }
        [first, rest @ ..] => {
            let (name, number_rest) = split_at_house_number(first);
            let mut parts = vec![number_rest];
            parts.extend(rest.iter().copied());
            (some(name.trim().to_string()), some(join_address(parts)))
        }
    }
}

/// "Rose Hill Care Home 14 Rosehill Avenue": the name stops before the
/// house number.
fn split_at_house_number(text: &str) -> (&str, &str) {
    let mut offset = 0;
    for (n, word) in text.split(' ').enumerate() {
        if n > 0 && word.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            return (
                text.get(..offset).unwrap_or(text).trim_end(),
                text.get(offset..).unwrap_or(""),
            );
        }
        offset += word.len() + 1;
    }
    (text, "")
}

/// A follow-up may give the CQC number in a sentence: "Our CQC registration
/// number is 1-108765432".
fn cqc_in_sentences<'a>(docs: impl IntoIterator<Item = &'a Document>, built: &mut Builder) {
    for doc in docs {
        for block in &doc.blocks {
            let Block::Text { text, place } = block else {
                continue;
            };
            let lower = text.to_lowercase();
            if !(lower.contains("cqc")
                || lower.contains("registration")
                || lower.contains("location id"))
            {
                continue;
            }
            if let Some(cqc) = normalise::cqc(text) {
                let origin = Origin {
                    source: doc.source.clone(),
                    place: place.clone(),
                };
                built.text(Field::CqcRegistrationNumber, Some(cqc), &origin);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Document {
        let mut doc = Document::new("email body");
        for (i, line) in text.lines().enumerate() {
            doc.push_text(line, format!("line {}", i + 1));
        }
        doc
    }

    fn table(rows: &[&[&str]]) -> Document {
        let rows = rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                row.iter()
                    .enumerate()
                    .map(|(c, t)| Cell::new(*t, format!("row {}, cell {}", r + 1, c + 1)))
                    .collect()
            })
            .collect();
        Document {
            source: "form.docx".into(),
            blocks: vec![Block::Table {
                rows,
                place: "table 1".into(),
            }],
        }
    }

    #[test]
    fn text_body_labels_and_continuations() {
        let doc = body(
            "Hi,\n\nName: Dawn Whitaker\nRole: Deputy Manager\nEmail: Dawn@Elm.example.org\nCare home: Elmfield\n\
             Address: 5 Elm Grove, Leeds, LS25 1BT\nTel: 0113 496 0267\nCQC number: 1-105647382\n\
             IG Toolkit completed: yes - completed March 2024\nExisting NHSmail accounts: No\n\
             Need to exchange data securely: Yes\nReason: GP letters\nAccounts:\n  - Dawn Whitaker, dawn.whitaker, 07700 900214\n\
             \x20 - Karen Holt, karen.holt, 07700 900215\nShared mailbox: Yes\nMailbox name: ElmfieldGarforth\n\
             Mailbox owner: Dawn Whitaker, 07700 900214\nBenefits: No fax\n\nThanks\nDawn",
        );
        let (form, prov) = extract(&[doc]);
        assert_eq!(form.applicant_name.as_deref(), Some("Dawn Whitaker"));
        assert_eq!(
            form.applicant_email.as_deref(),
            Some("dawn@elm.example.org")
        );
        assert_eq!(
            form.care_home_address.as_deref(),
            Some("5 Elm Grove, Leeds, LS25 1BT")
        );
        assert_eq!(form.ig_toolkit_completed, Some(true));
        assert_eq!(form.has_existing_nhsmail_accounts, Some(false));
        assert_eq!(form.secure_exchange_reason.as_deref(), Some("GP letters"));
        assert_eq!(form.individual_accounts_requested, Some(2));
        assert_eq!(form.accounts.len(), 2);
        assert_eq!(form.shared_mailbox_owner.as_deref(), Some("Dawn Whitaker"));
        assert_eq!(
            form.shared_mailbox_owner_mobile.as_deref(),
            Some("07700 900214")
        );
        assert_eq!(form.expected_benefits.as_deref(), Some("No fax"));
        assert_eq!(
            prov.get(&Field::CqcRegistrationNumber)
                .map(ToString::to_string)
                .as_deref(),
            Some("email body, line 9")
        );
    }

    #[test]
    fn question_answered_on_the_next_line() {
        let doc = body(
            "What benefits do you expect from using NHSmail?\nFaster referrals\nand fewer faxes\n\nKind regards",
        );
        let (form, _) = extract(&[doc]);
        assert_eq!(
            form.expected_benefits.as_deref(),
            Some("Faster referrals and fewer faxes")
        );
    }

    #[test]
    fn appendix_table_with_merged_cells() {
        let doc = table(&[
            &["Name:", "Jane Smith", "Role:", "Registered Manager"],
            &[
                "Email address:",
                "Jane.Smith@Example.org",
                "Jane.Smith@Example.org",
                "Jane.Smith@Example.org",
            ],
            &[
                "Organisation name and address:",
                "Rose Hill Care Home\n14 Rosehill Avenue\nLeeds\nLS6 3QZ",
                "",
                "",
            ],
            &["CQC registration number:", "1 – 1095 23847", "", ""],
            &[
                "Confirm that you have completed the IG Toolkit. For further information see: https://www.igt.hscic.gov.uk/",
                "Yes/",
                "",
                "",
            ],
            &[
                "Does your care home already hold any NHSmail accounts? Y/N",
                "No",
                "If yes, please provide the email address(es):",
                "",
            ],
            &[
                "Confirm that your care home has a regular requirement to exchange data securely and why",
                "Yes",
                "Discharge summaries",
                "Discharge summaries",
            ],
            &[
                "Number of individual person accounts required, preferred account name and mobile number for each account owner:",
                "Note: a maximum of 3 user accounts will be provided. Please provide a business justification if you require more than this.",
                "2\nJane Smith – jane.smith – 07700 900123\nTom Hughes – 07700 900456",
                "",
            ],
            &[
                "Do you require a shared mailbox for your care home? If yes, please state the preferred mailbox name (it may not be possible to use the exact name requested). Please also confirm the account owner name and mobile number:",
                "Note: The sponsoring organisation's short name will automatically preface the shared mailbox email address.",
                "Yes\nPreferred mailbox name: RoseHillLeeds\nOwner: Jane Smith – 07700 900123",
                "",
            ],
        ]);
        let (form, _) = extract(&[doc]);
        assert_eq!(form.applicant_name.as_deref(), Some("Jane Smith"));
        assert_eq!(form.applicant_role.as_deref(), Some("Registered Manager"));
        assert_eq!(
            form.applicant_email.as_deref(),
            Some("jane.smith@example.org")
        );
        assert_eq!(form.care_home_name.as_deref(), Some("Rose Hill Care Home"));
        assert_eq!(
            form.care_home_address.as_deref(),
            Some("14 Rosehill Avenue, Leeds, LS6 3QZ")
        );
        assert_eq!(form.cqc_registration_number.as_deref(), Some("1-109523847"));
        assert_eq!(form.ig_toolkit_completed, Some(true));
        assert_eq!(form.has_existing_nhsmail_accounts, Some(false));
        assert_eq!(form.secure_exchange_required, Some(true));
        assert_eq!(
            form.secure_exchange_reason.as_deref(),
            Some("Discharge summaries")
        );
        assert_eq!(form.individual_accounts_requested, Some(2));
        assert_eq!(form.accounts.len(), 2);
        assert_eq!(
            form.accounts
                .get(1)
                .and_then(|a| a.preferred_account_name.clone()),
            None
        );
        assert_eq!(form.shared_mailbox_required, Some(true));
        assert_eq!(form.shared_mailbox_name.as_deref(), Some("RoseHillLeeds"));
    }

    #[test]
    fn spreadsheet_accounts_table_and_count_from_owners() {
        let doc = table(&[
            &["Your name", "Chinedu Okafor", ""],
            &["Job title", "Owner", ""],
            &["Number of individual accounts required", "", ""],
            &["Individual accounts – one row per account owner", "", ""],
            &["Name", "Preferred account name", "Mobile number"],
            &["Chinedu Okafor", "chinedu.okafor", "07700 900563"],
            &["Margaret Ellis", "margaret.ellis", "07700 900564"],
        ]);
        let (form, _) = extract(&[doc]);
        assert_eq!(form.applicant_role.as_deref(), Some("Owner"));
        assert_eq!(form.accounts.len(), 2);
        assert_eq!(form.individual_accounts_requested, Some(2));
    }

    #[test]
    fn labels_above_values() {
        let doc = table(&[
            &["Name", "Role", "Email"],
            &["Ann Lee", "Manager", "ann@x.example.org"],
        ]);
        let (form, _) = extract(&[doc]);
        assert_eq!(form.applicant_role.as_deref(), Some("Manager"));
        assert_eq!(form.applicant_email.as_deref(), Some("ann@x.example.org"));
    }

    #[test]
    fn csv_account_rows() {
        let doc = table(&[
            &[
                "Account 1 (name / preferred account name / mobile)",
                "Renée Dubois",
                "renee.dubois",
                "07700 900512",
            ],
            &[
                "Account 2 (name / preferred account name / mobile)",
                "Hélène Martin",
                "helene.martin",
                "07700 900513",
            ],
        ]);
        let (form, _) = extract(&[doc]);
        assert_eq!(form.accounts.len(), 2);
        assert_eq!(form.individual_accounts_requested, Some(2));
    }

    #[test]
    fn columns_laid_out_with_tabs_or_spaces() {
        let doc = body(
            "Name:\tAnn Lee\tRole:\tManager\nCQC registration number      1-123456789\nOrganisation name and address:\tElm House\n1 Elm Road\nLeeds",
        );
        let (form, _) = extract(&[doc]);
        assert_eq!(form.applicant_role.as_deref(), Some("Manager"));
        assert_eq!(form.cqc_registration_number.as_deref(), Some("1-123456789"));
        assert_eq!(form.care_home_address.as_deref(), Some("1 Elm Road, Leeds"));
    }

    #[test]
    fn cqc_in_a_sentence() {
        let doc =
            body("Sorry. Our CQC registration number is 1-108765432 and the report is attached.");
        let (form, _) = extract(&[doc]);
        assert_eq!(form.cqc_registration_number.as_deref(), Some("1-108765432"));
    }

    #[test]
    fn name_and_address_on_one_line() {
        assert_eq!(
            split_name_and_address("Rose Hill Care Home, 14 Rosehill Avenue, Leeds"),
            (
                Some("Rose Hill Care Home".into()),
                Some("14 Rosehill Avenue, Leeds".into())
            )
        );
        assert_eq!(
            split_name_and_address("Rose Hill Care Home 14 Rosehill Avenue, Leeds"),
            (
                Some("Rose Hill Care Home".into()),
                Some("14 Rosehill Avenue, Leeds".into())
            )
        );
    }

    #[test]
    fn prose_gives_nothing() {
        let doc = body(
            "Hello,\nCould you let me know how we apply? Is there any cost to the home?\nMany thanks",
        );
        let (form, _) = extract(&[doc]);
        assert_eq!(form, Form::default());
    }
}
