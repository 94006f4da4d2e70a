//! From candidates to the form: each field takes its value once, and answers that hold several things are taken apart.

use super::Candidate;
use crate::form::accounts::{
    MAX_ACCOUNTS_READ, accounts_answer, after_answer, clean_text, is_row_number, mailbox_name,
    name_and_mobile, shared_mailbox_answer,
};
use crate::form::fields::Slot;
use crate::form::normalise::{self, is_placeholder, join_address};
use crate::form::{Account, Field, Form, Guess, Origin, Provenance, template};

#[derive(Default)]
pub(super) struct Builder {
    pub(super) form: Form,
    provenance: Provenance,
    count: Option<u32>,
    postcode: Option<String>,
    /// Accounts come from one answer only, so two listings do not add up.
    accounts_from: Option<(String, String)>,
    /// Account owners listed beyond what is kept.
    accounts_beyond: usize,
    /// How many questions the part of the form being taken answers.
    strength: usize,
}

/// A part of a document answering this many questions is a form, and an
/// answer there that differs from one already taken is a conflict.
const FORM_STRENGTH: usize = 3;

/// Two readings of the same answer, one perhaps fuller ("12 Rose Hill,
/// Leeds" and "12 Rose Hill, Leeds, LS6 2AB"), are no conflict.
fn same_answer(a: &str, b: &str) -> bool {
    let words = |t: &str| -> String {
        t.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (a, b) = (words(a), words(b));
    a.contains(&b) || b.contains(&a)
}

impl Builder {
    fn note(&mut self, field: Field, origin: &Origin) {
        self.provenance
            .entry(field)
            .or_insert_with(|| origin.clone());
    }

    pub(super) fn text(&mut self, field: Field, value: Option<String>, origin: &Origin) {
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
        match slot {
            None => {
                *slot = Some(value);
                self.note(field, origin);
            }
            Some(kept) if self.strength >= FORM_STRENGTH && !same_answer(kept, &value) => {
                self.conflict(field);
            }
            Some(_) => {}
        }
    }

    /// The form answers this field twice, differently: the first answer
    /// stands, as a guess.
    fn conflict(&mut self, field: Field) {
        if let Some(origin) = self.provenance.get_mut(&field) {
            *origin = origin.guessed(Guess::Conflict);
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
        match slot {
            None => {
                *slot = Some(value);
                self.note(field, origin);
            }
            Some(kept) if *kept != value && self.strength >= FORM_STRENGTH => self.conflict(field),
            Some(_) => {}
        }
    }

    pub(super) fn take(&mut self, c: &Candidate, strength: usize) {
        self.strength = strength;
        let mut cleaned = without_printed_words(c);
        cleaned.value = rejoin_wrapped_numbers(&cleaned.value);
        let c = &cleaned;
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
            | Field::SharedMailboxOwnerMobile => self.text(field, single, o),
            Field::SharedMailboxName => {
                let named = mailbox_name(single.as_deref().unwrap_or(""));
                self.text(field, named.name, o);
                self.text(Field::SharedMailboxOwner, named.owner, o);
                self.text(Field::SharedMailboxOwnerMobile, named.owner_mobile, o);
            }
            Field::ApplicantEmail => {
                let email = single.map(|v| {
                    let token = v
                        .split_whitespace()
                        .find(|t| t.contains('@'))
                        .or_else(|| {
                            v.split_whitespace()
                                .find(|t| normalise::is_email_attempt(t))
                        })
                        .unwrap_or(&v);
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
            self.accounts_beyond = answer.beyond;
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
        if same_source && self.form.accounts.len() >= MAX_ACCOUNTS_READ {
            self.accounts_beyond += 1;
            return;
        }
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

    pub(super) fn finish(mut self) -> (Form, Provenance) {
        if let Some(postcode) = self.postcode.take() {
            let address = self.form.care_home_address.get_or_insert_with(String::new);
            if !address.to_lowercase().contains(&postcode.to_lowercase()) {
                *address = join_address([address.as_str(), postcode.as_str()]);
            }
        }
        self.form.individual_accounts_requested = self.count.or_else(|| {
            (!self.form.accounts.is_empty()).then(|| {
                let listed = self.form.accounts.len() + self.accounts_beyond;
                u32::try_from(listed).unwrap_or(u32::MAX)
            })
        });
        if self.count.is_none()
            && let Some(origin) = self.provenance.get(&Field::Accounts).cloned()
        {
            self.note(Field::IndividualAccountsRequested, &origin);
        }
        (self.form, self.provenance)
    }
}

/// The candidate less the form's printed words left in its answer; a text
/// answer that lost some is marked as a guess.
/// A telephone number that a narrow cell or a PDF's column wrapped onto the
/// next line ("Daniel Robson - 07700" over "900145") put back on one line.
fn rejoin_wrapped_numbers(value: &str) -> String {
    let lines: Vec<&str> = value.split('\n').collect();
    let mut out = String::with_capacity(value.len());
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        let Some(next) = lines.get(i + 1) else { break };
        let tail = line.split_whitespace().last().unwrap_or("");
        let head = next.split_whitespace().next().unwrap_or("");
        let digits = |t: &str| t.len() >= 3 && t.chars().all(|ch| ch.is_ascii_digit());
        let number_starts = (tail.starts_with('0') || tail.starts_with("+44")) && tail.len() >= 4;
        let wrapped = number_starts
            && tail
                .trim_start_matches('+')
                .chars()
                .all(|ch| ch.is_ascii_digit())
            && digits(head);
        out.push(if wrapped { ' ' } else { '\n' });
    }
    out
}

fn without_printed_words(c: &Candidate) -> Candidate {
    let value = template::strip(&c.value);
    let extras: Vec<String> = c.extras.iter().map(|e| template::strip(e)).collect();
    let lost = |before: &str, after: &str| {
        let words = |t: &str| {
            t.split(|ch: char| !ch.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .count()
        };
        words(before) > words(after)
    };
    let changed = lost(&c.value, &value) || c.extras.iter().zip(&extras).any(|(b, a)| lost(b, a));
    let is_flag = matches!(
        c.slot,
        Slot::Field(
            Field::IgToolkitCompleted
                | Field::HasExistingNhsmailAccounts
                | Field::SecureExchangeRequired
                | Field::SharedMailboxRequired
        )
    );
    let origin = if changed && !is_flag && !value.trim().is_empty() {
        c.origin.guessed(Guess::Cleaned)
    } else {
        c.origin.clone()
    };
    Candidate {
        slot: c.slot,
        value,
        extras,
        origin,
    }
}

/// An account from cells in a row: "Name | account | mobile" in any order.
fn account_from_cells(line: &str) -> Option<Account> {
    let mut account = Account::default();
    if template::is_prompt(line) {
        return None;
    }
    for part in line.split(" | ").map(str::trim) {
        if part.is_empty()
            || is_placeholder(part)
            || is_row_number(part)
            || template::is_printed(part)
        {
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
pub(super) fn split_name_and_address(value: &str) -> (Option<String>, Option<String>) {
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
