//! Lays a truth out as the entries of a form (questions and answers,
//! Yes/No rows, an accounts table, printed notes); [`crate::arrange`] puts
//! them in a grid or in lines.

use crate::rng::Rng;
use crate::style::{AccountsStyle, Answers, Layout, Leftovers, Order, Style};
use crate::truth::{Answer, Truth};
use crate::words::{self, Q};

/// One piece of the form.
#[derive(Clone, Debug)]
pub enum Entry {
    /// A question and its answer lines (none: left blank).
    Q { label: String, answer: Vec<String> },
    /// Several questions on one row / line.
    Pair(Vec<(String, Vec<String>)>),
    /// A Yes/No question: the value (for tick columns) and the answer as written.
    Bool {
        label: String,
        value: Option<bool>,
        text: String,
        mark: &'static str,
    },
    /// A table with a header row.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// Printed words of the form.
    Note(String),
}

/// A cell: its lines.
pub type Cell = Vec<String>;

const HEADING: &str = "Appendix 1: NHSmail account application form for CQC registered care homes";
const INTRO: &str = "Care homes should complete this form and email it to the nominated contact in their sponsoring organisation. If this has not been identified, please contact feedback@nhs.net";
const LIMIT_NOTE: &str = "Note: a maximum of 3 user accounts will be provided. Please provide a business justification if you require more than this.";
const SHARED_NOTE: &str = "Note: The sponsoring organisation's short name will automatically preface the shared mailbox email address.";

struct Ctx<'a> {
    s: &'a Style,
    r: &'a mut Rng,
    template: bool,
}

impl Ctx<'_> {
    fn label(&mut self, q: Q) -> String {
        words::label(q, self.s.labels, self.r)
    }
    fn yes_no(&mut self, q: Q, v: Option<bool>) -> String {
        words::yes_no(q, v, self.s.answers, self.template, self.r)
    }
    fn q(&mut self, q: Q, answer: Vec<String>) -> Entry {
        Entry::Q {
            label: self.label(q),
            answer,
        }
    }
    fn bool(&mut self, q: Q, v: Option<bool>, after: Option<String>) -> Entry {
        let mut text = self.yes_no(q, v);
        if let Some(a) = after {
            // A reason after the answer: the answer is a bare Yes/No, so
            // that where the answer ends and the reason starts is plain.
            let bare = if self.s.answers == Answers::Terse {
                Answers::Terse
            } else {
                Answers::Plain
            };
            let yes = words::yes_no(q, v, bare, false, self.r);
            text = format!("{yes}{}{a}", self.r.pick(&[" – ", " - ", ", ", ". "]));
        }
        let mark = words::tick(self.r);
        Entry::Bool {
            label: self.label(q),
            value: v,
            text,
            mark,
        }
    }
}

fn answer(a: &Answer) -> Option<Vec<String>> {
    match a {
        Answer::Given(s) | Answer::Deferred(s) => Some(vec![s.clone()]),
        Answer::Blank => Some(vec![]),
        Answer::Omitted => None,
    }
}

fn account_line(a: &crate::truth::Account, style: AccountsStyle, i: usize, sep: &str) -> String {
    let mut parts = vec![a.name.clone()];
    parts.extend(a.preferred.clone());
    parts.extend(a.mobile.clone());
    let body = parts.join(sep);
    match style {
        AccountsStyle::Numbered => format!("{}. {body}", i + 1),
        AccountsStyle::Bullets => format!("- {body}"),
        _ => body,
    }
}

/// The form's entries, in blocks (one block per Appendix question).
pub fn entries(t: &Truth, s: &Style, r: &mut Rng) -> Vec<Entry> {
    let template = s.leftovers == Leftovers::Kept;
    let mut c = Ctx { s, r, template };
    let tick = s.layout == Layout::TickColumns;
    let mut blocks: Vec<Vec<Entry>> = vec![];

    // Name and role.
    let name = answer(&t.applicant_name);
    let role = answer(&t.applicant_role);
    if let (Layout::TwoColumn, Some(name), Some(role)) = (s.layout, &name, &role) {
        let p = vec![
            (c.label(Q::Name), name.clone()),
            (c.label(Q::Role), role.clone()),
        ];
        blocks.push(vec![Entry::Pair(p)]);
    } else {
        let mut b = vec![];
        if let Some(a) = name {
            b.push(c.q(Q::Name, a));
        }
        if let Some(a) = role {
            b.push(c.q(Q::Role, a));
        }
        blocks.push(b);
    }
    if let Some(a) = answer(&t.applicant_email) {
        blocks.push(vec![c.q(Q::Email, a)]);
    }
    // Home name and address: one cell of lines, or two questions.
    let home = answer(&t.care_home_name);
    let combined = matches!(t.care_home_name, Answer::Given(_)) && c.r.chance(50);
    if combined {
        let mut lines = home.unwrap_or_default();
        lines.extend(t.address.clone().unwrap_or_default());
        blocks.push(vec![c.q(Q::NameAndAddress, lines)]);
    } else {
        let mut b = vec![];
        if let Some(h) = home {
            b.push(c.q(Q::HomeName, h));
        }
        let addr = match &t.address {
            Some(l) if c.r.chance(50) => vec![l.join(", ")],
            Some(l) => l.clone(),
            None => vec![],
        };
        b.push(c.q(Q::Address, addr));
        blocks.push(b);
    }
    if let Some(a) = answer(&t.telephone) {
        blocks.push(vec![c.q(Q::Telephone, a)]);
    }
    if let Some(a) = answer(&t.cqc) {
        blocks.push(vec![c.q(Q::Cqc, a)]);
    }
    blocks.push(vec![c.bool(Q::Ig, t.ig, None)]);
    // Existing accounts.
    let mut b = vec![c.bool(Q::Existing, t.existing, None)];
    if t.existing == Some(true) || template {
        let list = if t.existing_addresses.is_empty() && t.existing != Some(true) {
            vec![c.r.pick(&["N/A", "n/a", ""]).to_string()]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect()
        } else {
            mixed_case(&t.existing_addresses, c.r)
        };
        b.push(c.q(Q::ExistingAddresses, list));
    }
    blocks.push(b);
    // Secure exchange, with its reason in the same cell or a row of its own.
    let same_cell = !tick && t.secure_reason.is_some() && c.r.chance(50);
    if same_cell {
        blocks.push(vec![c.bool(Q::Secure, t.secure, t.secure_reason.clone())]);
    } else {
        let mut b = vec![c.bool(Q::Secure, t.secure, None)];
        if let Some(why) = &t.secure_reason {
            b.push(c.q(Q::SecureReason, vec![why.clone()]));
        }
        blocks.push(b);
    }
    blocks.push(accounts(t, &mut c));
    blocks.push(shared(t, &mut c, tick));
    match &t.benefits {
        Some(b) => blocks.push(vec![c.q(Q::Benefits, vec![b.clone()])]),
        None if c.r.chance(50) => blocks.push(vec![c.q(Q::Benefits, vec![])]),
        None => {}
    }
    if s.order == Order::Shuffled {
        for i in (1..blocks.len()).rev() {
            let j = c.r.below(i + 1);
            blocks.swap(i, j);
        }
    }
    let mut out = vec![];
    if template {
        out.push(Entry::Note(HEADING.into()));
        out.push(Entry::Note(INTRO.into()));
    }
    out.extend(blocks.into_iter().flatten());
    out
}

fn mixed_case(addresses: &[String], r: &mut Rng) -> Vec<String> {
    addresses
        .iter()
        .map(|a| {
            if r.chance(30) {
                let mut ch = a.chars();
                ch.next()
                    .map(|f| f.to_uppercase().collect::<String>() + ch.as_str())
                    .unwrap_or_default()
            } else {
                a.clone()
            }
        })
        .collect()
}

fn accounts(t: &Truth, c: &mut Ctx) -> Vec<Entry> {
    let s = c.s;
    let sep = *c.r.pick(&[" – ", " - ", ", ", " / "]);
    let number = t.accounts_number.map(|n| words::number(n, s.answers, c.r));
    let lines: Vec<String> = t
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| account_line(a, s.accounts, i, sep))
        .collect();
    let just = t.justification.as_ref().map(|j| j.to_string());
    let mut b = vec![];
    if s.accounts != AccountsStyle::Table && c.r.chance(50) {
        // The Appendix's single cell: the number, then one line per owner.
        // The Appendix prints its note in the answer cell; typed answers follow it.
        let label = c.label(Q::AccountsCombined);
        let mut answer: Vec<String> = c
            .template
            .then(|| LIMIT_NOTE.to_string())
            .into_iter()
            .collect();
        answer.extend(number);
        answer.extend(lines);
        if let Some(j) = just {
            answer.push(format!("{}: {j}", c.label(Q::Justification)));
        }
        b.push(Entry::Q { label, answer });
        return b;
    }
    match number {
        Some(n) => b.push(c.q(Q::AccountsNumber, vec![n])),
        None if c.r.chance(40) => b.push(c.q(Q::AccountsNumber, vec![])),
        None => {}
    }
    if c.template {
        note(&mut b, LIMIT_NOTE, s.layout);
    }
    if s.accounts == AccountsStyle::Table && !t.accounts.is_empty() {
        let header = ["Name", "Preferred account name", "Mobile number"];
        b.push(Entry::Note(c.label(Q::Accounts)));
        let rows = t
            .accounts
            .iter()
            .map(|a| {
                vec![
                    a.name.clone(),
                    a.preferred.clone().unwrap_or_default(),
                    a.mobile.clone().unwrap_or_default(),
                ]
            })
            .collect();
        b.push(Entry::Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
        });
    } else if !lines.is_empty() || c.r.chance(50) {
        b.push(c.q(Q::Accounts, lines));
    }
    match just {
        Some(j) => b.push(c.q(Q::Justification, vec![j])),
        None if c.template => b.push(c.q(Q::Justification, vec![])),
        None => {}
    }
    b
}

fn shared(t: &Truth, c: &mut Ctx, tick: bool) -> Vec<Entry> {
    let name = match &t.shared_name {
        Answer::Given(n) => Some(words::mailbox(n, c.s.answers, c.r)),
        Answer::Deferred(d) => Some(d.clone()),
        _ => None,
    };
    let owner_line = match (&t.shared_owner, &t.shared_owner_mobile) {
        (Some(o), Some(m)) => Some(format!("{o}{}{m}", c.r.pick(&[" – ", ", ", " - "]))),
        (Some(o), None) => Some(o.clone()),
        _ => None,
    };
    if !tick && t.shared == Some(true) && c.r.chance(40) {
        // The Appendix's single cell: Yes, then the name and the owner.
        let mut label = c.label(Q::Shared);
        if c.template {
            label = format!(
                "{label} If yes, please state the preferred mailbox name (it may not be possible to use the exact name requested). Please also confirm the account owner name and mobile number"
            );
        }
        let mut answer: Vec<String> = c
            .template
            .then(|| SHARED_NOTE.to_string())
            .into_iter()
            .collect();
        answer.push(c.yes_no(Q::Shared, Some(true)));
        if let Some(n) = name {
            answer.push(format!("{}: {n}", c.label(Q::SharedName)));
        }
        if let Some(o) = owner_line {
            answer.push(format!("{}: {o}", c.label(Q::SharedOwner)));
        }
        return vec![Entry::Q { label, answer }];
    }
    let mut b = vec![c.bool(Q::Shared, t.shared, None)];
    if c.template {
        note(&mut b, SHARED_NOTE, c.s.layout);
    }
    if t.shared != Some(true) {
        return b;
    }
    if let Some(n) = name {
        b.push(c.q(Q::SharedName, vec![n]));
    } else if matches!(t.shared_name, Answer::Blank) {
        b.push(c.q(Q::SharedName, vec![]));
    }
    if c.r.chance(50) {
        if let Some(o) = owner_line {
            b.push(c.q(Q::SharedOwnerAndMobile, vec![o]));
        }
    } else {
        if let Some(o) = &t.shared_owner {
            b.push(c.q(Q::SharedOwner, vec![o.clone()]));
        }
        if let Some(m) = &t.shared_owner_mobile {
            b.push(c.q(Q::SharedOwnerMobile, vec![m.clone()]));
        }
    }
    b
}

/// A printed note after a question: in a label-above layout it stays in
/// the question's cell (a row of its own would read as the answer).
fn note(b: &mut Vec<Entry>, text: &str, layout: Layout) {
    if layout == Layout::LabelAbove
        && let Some(Entry::Q { label, .. } | Entry::Bool { label, .. }) = b.last_mut()
    {
        {
            label.push('\n');
            label.push_str(text);
            return;
        }
    }
    b.push(Entry::Note(text.into()));
}

pub use crate::arrange::{deleted, grid, lines, map_grid, struck_runs, unstruck};
