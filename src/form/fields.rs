//! The one table of the form's fields and the many ways people label them:
//! Appendix 1's own questions, short forms ("Tel", "CQC number", "Job
//! title"), abbreviations ("DSPT", "IGT") and small typos. Matching works on
//! words, so case, punctuation and hints such as "(Yes/No)" do not matter.

use super::Field;
use std::sync::LazyLock;

/// What a label asks for. Most labels name one field; a few name a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    Field(Field),
    /// Appendix 1's "Organisation name and address": name on the first line.
    NameAndAddress,
    /// A separate postcode, added to the address.
    Postcode,
}

/// One way of labelling a slot. Every group must be met by one of its
/// phrases (consecutive words); no phrase of `not` may occur. An `exact`
/// rule matches only when the whole label, less filler words, is a phrase
/// of its first group (for short, common words such as "Name").
struct Rule {
    slot: Slot,
    groups: &'static [&'static [&'static str]],
    not: &'static [&'static str],
    exact: bool,
    /// A last resort that may mean another question: what it reads is a guess.
    loose: bool,
}

const fn rule(slot: Slot, groups: &'static [&'static [&'static str]]) -> Rule {
    Rule {
        slot,
        groups,
        not: &[],
        exact: false,
        loose: false,
    }
}

const fn f(field: Field) -> Slot {
    Slot::Field(field)
}

const MAILBOX: &[&str] = &["mailbox", "inbox", "generic account", "team account"];
const SHARED: &[&str] = &[
    "shared mailbox",
    "shared inbox",
    "shared account",
    "shared email",
    "generic mailbox",
    "team mailbox",
    "shared nhsmail",
];

/// Ordered: the first rule that matches wins, so specific rules come first.
static RULES: &[Rule] = &[
    rule(
        f(Field::BusinessJustification),
        &[&["justification", "justify", "business case"]],
    ),
    // "Reason for more than 3 accounts", "Why do you need more than three?"
    rule(
        f(Field::BusinessJustification),
        &[
            &["reason", "reasons", "why"],
            &["more than", "over", "extra", "additional"],
        ],
    ),
    rule(f(Field::ExpectedBenefits), &[&["benefit", "benefits"]]),
    Rule {
        slot: f(Field::SharedMailboxRequired),
        groups: &[
            SHARED,
            &[
                "require",
                "required",
                "requested",
                "need",
                "needed",
                "want",
                "do you",
                "would you",
                "would like",
            ],
        ],
        not: &["owner", "mailbox name", "name of"],
        exact: false,
        loose: false,
    },
    Rule {
        slot: f(Field::SharedMailboxRequired),
        groups: &[
            &[
                "do you require",
                "do you need",
                "do you want",
                "would you like",
            ],
            SHARED,
        ],
        not: &[],
        exact: false,
        loose: false,
    },
    Rule {
        slot: f(Field::SharedMailboxOwnerMobile),
        groups: &[
            &["owner", "owners"],
            &["mobile", "phone", "telephone", "tel", "contact number"],
        ],
        not: &[
            "name and",
            "and mobile",
            "and phone",
            "and telephone",
            "and contact",
        ],
        exact: false,
        loose: false,
    },
    rule(
        f(Field::SharedMailboxOwner),
        &[MAILBOX, &["owner", "owners", "responsible", "own", "owns"]],
    ),
    rule(
        f(Field::IndividualAccountsRequested),
        &[
            &["number", "how many", "no"],
            &["account", "accounts", "mailboxes", "users"],
        ],
    ),
    rule(
        f(Field::Accounts),
        &[&[
            "account owner",
            "account owners",
            "account holder",
            "account holders",
            "account users",
            "account user",
            "user accounts",
            "accounts for",
            "staff needing",
            "people needing",
        ]],
    ),
    rule(f(Field::SharedMailboxOwner), &[&["owner", "owners"]]),
    rule(
        f(Field::SharedMailboxName),
        &[MAILBOX, &["name", "called", "address"]],
    ),
    rule(f(Field::SharedMailboxRequired), &[SHARED]),
    rule(
        f(Field::IgToolkitCompleted),
        &[&[
            "ig toolkit",
            "igt",
            "dspt",
            "dsp toolkit",
            "toolkit",
            "data security and protection",
            "data security protection",
            "information governance",
            "ig",
        ]],
    ),
    rule(
        f(Field::ExistingNhsmailAddresses),
        &[
            &["address", "addresses", "account names", "email"],
            &[
                "existing",
                "if yes",
                "if so",
                "current",
                "currently",
                "already",
                "nhsmail",
            ],
        ],
    ),
    Rule {
        slot: f(Field::HasExistingNhsmailAccounts),
        groups: &[
            &[
                "nhsmail",
                "nhs mail",
                "nhs net",
                "nhs email",
                "nhs account",
                "nhs accounts",
            ],
            &[
                "already",
                "existing",
                "hold",
                "current",
                "currently",
                "have",
                "any",
                "previous",
            ],
        ],
        not: &["number", "how many", "benefit", "benefits", "expect"],
        exact: false,
        loose: false,
    },
    // "Why do you need to exchange data securely?" asks for the reason,
    // though it says "do you" as the yes/no question does.
    Rule {
        slot: f(Field::SecureExchangeReason),
        groups: &[
            &["why do you", "why does", "why would", "why is", "why are"],
            &["exchange", "securely", "secure", "data", "information"],
        ],
        not: &["confirm"],
        exact: false,
        loose: false,
    },
    Rule {
        slot: f(Field::SecureExchangeReason),
        groups: &[&["why", "reason", "reasons", "purpose"]],
        not: &[
            "confirm",
            "requirement",
            "do you",
            "regular",
            "account",
            "accounts",
        ],
        exact: false,
        loose: false,
    },
    rule(
        f(Field::SecureExchangeRequired),
        &[&[
            "exchange",
            "securely",
            "secure exchange",
            "secure email",
            "share information",
            "share data",
            "sharing",
            "send and receive",
        ]],
    ),
    Rule {
        slot: f(Field::IndividualAccountsRequested),
        groups: &[
            &["account", "accounts", "mailboxes", "users", "logins"],
            &[
                "number",
                "how many",
                "no",
                "quantity",
                "count",
                "required",
                "requested",
                "individual",
                "need",
                "needed",
                "require",
                "total",
            ],
        ],
        not: &[],
        exact: false,
        loose: false,
    },
    rule(
        f(Field::Accounts),
        &[&["accounts", "account", "users", "user", "people", "staff"]],
    ),
    rule(
        f(Field::CqcRegistrationNumber),
        &[&[
            "cqc",
            "location id",
            "provider id",
            "registration number",
            "registration no",
            "reg number",
            "reg no",
            "registration",
        ]],
    ),
    rule(Slot::Postcode, &[&["postcode", "post code", "zip"]]),
    Rule {
        slot: Slot::NameAndAddress,
        groups: &[&["name"], &["address"]],
        not: &["email", "mail address"],
        exact: false,
        loose: false,
    },
    Rule {
        slot: f(Field::CareHomeTelephone),
        groups: &[&[
            "telephone",
            "tel",
            "phone",
            "landline",
            "contact number",
            "phone number",
            "tel no",
        ]],
        not: &["mobile"],
        exact: false,
        loose: false,
    },
    rule(
        f(Field::ApplicantEmail),
        &[&["email", "mail address", "mail"]],
    ),
    rule(f(Field::CareHomeAddress), &[&["address", "location"]]),
    rule(
        f(Field::CareHomeName),
        &[
            &[
                "care home",
                "organisation",
                "organization",
                "org",
                "establishment",
                "company",
                "setting",
                "home",
                "business",
                "service",
                "premises",
                "provider",
            ],
            &["name", "called"],
        ],
    ),
    Rule {
        slot: f(Field::CareHomeName),
        groups: &[&[
            "care home",
            "organisation",
            "organization",
            "org",
            "home",
            "establishment",
            "nursing home",
            "residential home",
            "setting",
        ]],
        not: &[],
        exact: true,
        loose: false,
    },
    rule(
        f(Field::ApplicantRole),
        &[&[
            "role",
            "position",
            "job title",
            "designation",
            "job role",
            "job",
        ]],
    ),
    Rule {
        slot: f(Field::ApplicantName),
        groups: &[&[
            "name",
            "full name",
            "applicant",
            "applicant name",
            "contact name",
            "name of applicant",
            "completed by",
            "person completing",
            "requested by",
            "requester",
            "contact",
            "first name and surname",
        ]],
        not: &[],
        exact: true,
        loose: false,
    },
    // "Manager's name", "Name of person applying": a name that is not the
    // home's, the mailbox's or an account's (those rules come first).
    Rule {
        slot: f(Field::ApplicantName),
        groups: &[&["name", "names"]],
        not: &[
            "user", "file", "document", "form", "report", "doctor", "gp", "surgery",
        ],
        exact: false,
        loose: true,
    },
];

/// Words that carry no meaning in a label ("Your name", "Please give the ...").
const FILLER: &[&str] = &[
    "your", "the", "a", "an", "of", "please", "give", "enter", "state", "provide", "s", "main",
    "our", "my", "write", "insert", "here", "below",
];

/// Every word the rules use, for correcting small typos.
static VOCABULARY: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut words: Vec<&'static str> = RULES
        .iter()
        .flat_map(|r| r.groups.iter().flat_map(|g| g.iter()).chain(r.not.iter()))
        .flat_map(|p| p.split(' '))
        .collect();
    words.sort_unstable();
    words.dedup();
    words
});

/// A word that labels may hold without changing what they ask ("the",
/// "your", "please").
pub fn is_filler(word: &str) -> bool {
    FILLER.contains(&word)
}

/// A word that the labels of `slot` use ("name" for the care home's name,
/// "benefits" for the benefits), lower case: a word after a label that
/// carries that question on rather than starting its answer.
pub fn is_word_of(slot: Slot, word: &str) -> bool {
    FILLER.contains(&word)
        || RULES
            .iter()
            .filter(|r| r.slot == slot)
            .flat_map(|r| r.groups.iter().flat_map(|g| g.iter()))
            .flat_map(|p| p.split(' '))
            .any(|w| w == word)
}

/// A word that labels use ("telephone", "number", "your"), lower case.
pub fn is_label_word(word: &str) -> bool {
    FILLER.contains(&word) || VOCABULARY.binary_search(&word).is_ok()
}

/// A label as lower-case words: hints in brackets, URLs and `Y/N` removed,
/// `e-mail` read as `email`, small typos corrected.
pub fn label_words(label: &str) -> Vec<String> {
    let mut words = raw_words(label);
    if words.len() > MAX_LABEL_WORDS {
        return words;
    }
    for w in &mut words {
        if let Some(fixed) = correct(w) {
            *w = fixed;
        }
    }
    words
}

/// The words before typo correction, hints and URLs removed.
fn raw_words(label: &str) -> Vec<String> {
    let lower = label.to_lowercase().replace("e-mail", "email");
    let mut kept = String::with_capacity(lower.len());
    let mut depth = 0usize;
    for token in lower.split_whitespace() {
        if crate::form::normalise::is_link(token) {
            continue;
        }
        for c in token.chars() {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                '&' if depth == 0 => kept.push_str(" and "),
                _ if depth == 0 => kept.push(c),
                _ => {}
            }
        }
        kept.push(' ');
    }
    let mut words: Vec<String> = kept
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    // Drop the Yes/No hint left at the end of a question.
    while words
        .last()
        .is_some_and(|w| matches!(w.as_str(), "yes" | "no" | "y" | "n" | "or"))
    {
        words.pop();
    }
    words
}

thread_local! {
    /// Words already looked up: the same words come back in every form.
    static CORRECTIONS: std::cell::RefCell<std::collections::HashMap<String, Option<String>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Most distinct words remembered; past that the memory starts afresh.
const MAX_REMEMBERED: usize = 20_000;

/// The vocabulary word a word is a slip of ("telphone"), if it is one.
fn correct(word: &str) -> Option<String> {
    let length = word.chars().count();
    // The form's words hold no digits: "Number12" is no slip of "number".
    if length < 3
        || word.chars().any(|c| !c.is_alphabetic())
        || VOCABULARY.binary_search(&word).is_ok()
    {
        return None;
    }
    if let Some(known) = CORRECTIONS.with(|c| c.borrow().get(word).cloned()) {
        return known;
    }
    let found = if length < 5 {
        short_slip(word)
    } else {
        let budget = if length >= 9 { 2 } else { 1 };
        VOCABULARY
            .iter()
            .filter(|v| v.len().abs_diff(word.len()) <= budget)
            .find(|v| edit_distance_within(word, v, budget) <= budget)
            .map(|v| (*v).to_string())
    };
    CORRECTIONS.with(|c| {
        let mut memo = c.borrow_mut();
        if memo.len() >= MAX_REMEMBERED {
            memo.clear();
        }
        memo.insert(word.to_string(), found.clone());
    });
    found
}

/// A slip in a short word, read only where it cannot be another word: two
/// letters swapped ("nmae") or the last letter missing ("rol"), the first
/// letter kept.
fn short_slip(word: &str) -> Option<String> {
    let w = word.as_bytes();
    VOCABULARY
        .iter()
        .find(|v| {
            let v = v.as_bytes();
            if v.first() != w.first() {
                return false;
            }
            let swapped = v.len() == w.len() && {
                let diff: Vec<usize> = (0..w.len()).filter(|&i| v.get(i) != w.get(i)).collect();
                matches!(diff.as_slice(), [a, b] if *b == a + 1 && v.get(*a) == w.get(*b) && v.get(*b) == w.get(*a))
            };
            let last_missing = v.len() == w.len() + 1 && v.starts_with(w);
            swapped || last_missing
        })
        .map(|v| (*v).to_string())
}

/// Levenshtein distance with adjacent transpositions (optimal string
/// alignment), given up as soon as it must exceed `limit` (then `limit + 1`):
/// most words are far from most of the vocabulary, and said so early.
fn edit_distance_within(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    // Three rows: the one before last (for transpositions), last, this.
    let mut before: Vec<usize> = Vec::new();
    let mut last: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let at = |r: &[usize], k: usize| r.get(k).copied().unwrap_or(usize::MAX / 2);
            let cost = usize::from(ca != cb);
            let mut best = (at(&last, j + 1) + 1)
                .min(at(&row, j) + 1)
                .min(at(&last, j) + cost);
            if i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca) {
                best = best.min(at(&before, j - 1) + 1);
            }
            if let Some(x) = row.get_mut(j + 1) {
                *x = best;
            }
        }
        if row.iter().min().is_some_and(|&m| m > limit) {
            return limit + 1;
        }
        before = std::mem::replace(&mut last, row);
    }
    last.last().copied().unwrap_or(0).min(limit + 1)
}

#[cfg(test)]
fn edit_distance(a: &str, b: &str) -> usize {
    edit_distance_within(a, b, usize::MAX / 4)
}

fn contains_phrase(words: &[String], phrase: &str) -> bool {
    let n = phrase.split(' ').count();
    words
        .windows(n)
        .any(|w| w.iter().zip(phrase.split(' ')).all(|(a, b)| a == b))
}

fn without_filler(phrase: &str) -> String {
    phrase
        .split(' ')
        .filter(|w| !FILLER.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The longest label we take for a question (Appendix 1's are ~40 words).
const MAX_LABEL_WORDS: usize = 60;

/// Which slot a label asks for, if any.
pub fn match_label(label: &str) -> Option<Slot> {
    match_label_how(label).map(|(slot, _)| slot)
}

/// Whether `label` is a sure label but for a slip in its spelling
/// ("Buisness justification", "E-mail adress"): read loosely only because
/// a word was corrected, not through a last-resort rule.
pub fn is_misspelt_label(label: &str) -> bool {
    let words = label_words(label);
    words.len() <= MAX_LABEL_WORDS
        && words != raw_words(label)
        && match_words(&words).is_some_and(|(_, loose)| !loose)
}

/// Which slot a label asks for, and whether it was read loosely: through a
/// corrected misspelling or a last-resort rule.
pub fn match_label_how(label: &str) -> Option<(Slot, bool)> {
    if let Some(known) = LABELS.with(|m| m.borrow().get(label).copied()) {
        return known;
    }
    let words = label_words(label);
    let corrected = words.len() <= MAX_LABEL_WORDS && words != raw_words(label);
    let found = match_words(&words).map(|(slot, loose)| (slot, loose || corrected));
    LABELS.with(|m| {
        let mut memo = m.borrow_mut();
        if memo.len() >= MAX_REMEMBERED {
            memo.clear();
        }
        memo.insert(label.to_string(), found);
    });
    found
}

thread_local! {
    /// Labels already matched: every form repeats the same questions, and
    /// matching is the costliest step of reading one.
    static LABELS: std::cell::RefCell<std::collections::HashMap<String, Option<(Slot, bool)>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// A rule with its phrases split into words once.
struct Compiled {
    slot: Slot,
    loose: bool,
    groups: Vec<Vec<Vec<&'static str>>>,
    not: Vec<Vec<&'static str>>,
    /// For exact rules: the phrases without filler words.
    exact: Option<Vec<String>>,
}

static COMPILED: LazyLock<Vec<Compiled>> = LazyLock::new(|| {
    let split = |p: &&'static str| p.split(' ').collect::<Vec<_>>();
    RULES
        .iter()
        .map(|r| Compiled {
            slot: r.slot,
            loose: r.loose,
            groups: r
                .groups
                .iter()
                .map(|g| g.iter().map(split).collect())
                .collect(),
            not: r.not.iter().map(split).collect(),
            exact: r.exact.then(|| {
                r.groups
                    .first()
                    .map(|g| g.iter().map(|p| without_filler(p)).collect())
                    .unwrap_or_default()
            }),
        })
        .collect()
});

fn has_words(words: &[String], phrase: &[&str]) -> bool {
    words
        .windows(phrase.len())
        .any(|w| w.iter().zip(phrase).all(|(a, b)| a == b))
}

fn match_words(words: &[String]) -> Option<(Slot, bool)> {
    if words.is_empty() || words.len() > MAX_LABEL_WORDS {
        return None;
    }
    let joined = words
        .iter()
        .map(String::as_str)
        .filter(|w| !FILLER.contains(w))
        .collect::<Vec<_>>()
        .join(" ");
    COMPILED
        .iter()
        .find(|r| match &r.exact {
            Some(phrases) => phrases.contains(&joined),
            None => {
                r.groups
                    .iter()
                    .all(|g| g.iter().any(|p| has_words(words, p)))
                    && !r.not.iter().any(|p| has_words(words, p))
            }
        })
        .map(|r| (r.slot, r.loose))
}

/// Questions only the NHSmail application form asks (a name, an address
/// or a title is on every document; these are not).
pub fn is_form_specific(slot: Slot) -> bool {
    match slot {
        Slot::Field(field) => !matches!(
            field,
            Field::ApplicantName
                | Field::ApplicantRole
                | Field::ApplicantEmail
                | Field::CareHomeName
                | Field::CareHomeAddress
                | Field::CareHomeTelephone
                | Field::SecureExchangeReason
        ),
        Slot::NameAndAddress | Slot::Postcode => false,
    }
}

/// Columns of an accounts table, by header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountColumn {
    Name,
    PreferredName,
    Mobile,
}

/// Reads an accounts-table header cell ("Name", "Preferred account name",
/// "Mobile number").
pub fn account_column(header: &str) -> Option<AccountColumn> {
    let words = label_words(header);
    let has = |p: &str| contains_phrase(&words, p);
    if has("preferred") || has("account name") || has("username") || has("user name") {
        Some(AccountColumn::PreferredName)
    } else if has("mobile") || has("phone") || has("telephone") || has("tel") {
        Some(AccountColumn::Mobile)
    } else if has("name") || has("owner") || has("holder") || has("user") || has("person") {
        Some(AccountColumn::Name)
    } else {
        None
    }
}

/// The words of Appendix 1 questions as a person would recognise them, for
/// findings that quote the form.
pub fn question(field: Field) -> &'static str {
    match field {
        Field::ApplicantName => "Name",
        Field::ApplicantRole => "Role",
        Field::ApplicantEmail => "Email address",
        Field::CareHomeName | Field::CareHomeAddress => "Organisation name and address",
        Field::CareHomeTelephone => "Organisation telephone number",
        Field::CqcRegistrationNumber => "CQC registration number",
        Field::IgToolkitCompleted => "Confirm that you have completed the IG Toolkit",
        Field::HasExistingNhsmailAccounts => {
            "Does your care home already hold any NHSmail accounts?"
        }
        Field::ExistingNhsmailAddresses => "If yes, please provide the email address(es)",
        Field::SecureExchangeRequired | Field::SecureExchangeReason => {
            "Confirm that your care home has a regular requirement to exchange data securely and why"
        }
        Field::IndividualAccountsRequested | Field::Accounts | Field::BusinessJustification => {
            "Number of individual person accounts required, preferred account name and mobile number for each account owner"
        }
        Field::SharedMailboxRequired
        | Field::SharedMailboxName
        | Field::SharedMailboxOwner
        | Field::SharedMailboxOwnerMobile => "Do you require a shared mailbox for your care home?",
        Field::ExpectedBenefits => "What benefits do you expect from using NHSmail?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(label: &str) -> Option<Slot> {
        match_label(label)
    }

    #[test]
    fn appendix_questions() {
        let cases = [
            ("Name:", f(Field::ApplicantName)),
            ("Role:", f(Field::ApplicantRole)),
            ("Email address:", f(Field::ApplicantEmail)),
            ("Organisation name and address:", Slot::NameAndAddress),
            (
                "Organisation telephone number:",
                f(Field::CareHomeTelephone),
            ),
            ("CQC registration number:", f(Field::CqcRegistrationNumber)),
            (
                "Confirm that you have completed the IG Toolkit. For further information see: https://www.igt.hscic.gov.uk/",
                f(Field::IgToolkitCompleted),
            ),
            (
                "Does your care home already hold any NHSmail accounts? Y/N",
                f(Field::HasExistingNhsmailAccounts),
            ),
            (
                "If yes, please provide the email address(es):",
                f(Field::ExistingNhsmailAddresses),
            ),
            (
                "Confirm that your care home has a regular requirement to exchange data securely and why",
                f(Field::SecureExchangeRequired),
            ),
            (
                "Number of individual person accounts required, preferred account name and mobile number for each account owner:",
                f(Field::IndividualAccountsRequested),
            ),
            (
                "Do you require a shared mailbox for your care home? If yes, please state the preferred mailbox name (it may not be possible to use the exact name requested). Please also confirm the account owner name and mobile number:",
                f(Field::SharedMailboxRequired),
            ),
            (
                "What benefits do you expect from using NHSmail?",
                f(Field::ExpectedBenefits),
            ),
        ];
        for (label, want) in cases {
            assert_eq!(slot(label), Some(want), "{label}");
        }
    }

    #[test]
    fn short_and_spreadsheet_labels() {
        let cases = [
            ("Tel", f(Field::CareHomeTelephone)),
            ("Phone", f(Field::CareHomeTelephone)),
            ("CQC number", f(Field::CqcRegistrationNumber)),
            ("CQC location ID", f(Field::CqcRegistrationNumber)),
            ("Position", f(Field::ApplicantRole)),
            ("Job title", f(Field::ApplicantRole)),
            ("Full name", f(Field::ApplicantName)),
            ("Manager's name", f(Field::ApplicantName)),
            ("Name of person applying", f(Field::ApplicantName)),
            ("Your name", f(Field::ApplicantName)),
            ("E-mail", f(Field::ApplicantEmail)),
            ("Contact email address", f(Field::ApplicantEmail)),
            ("Org name", f(Field::CareHomeName)),
            ("Care home", f(Field::CareHomeName)),
            ("Organisation name", f(Field::CareHomeName)),
            ("Organisation address", f(Field::CareHomeAddress)),
            ("Address", f(Field::CareHomeAddress)),
            ("Postcode", Slot::Postcode),
            ("IG Toolkit completed?", f(Field::IgToolkitCompleted)),
            ("DSPT", f(Field::IgToolkitCompleted)),
            (
                "Have you completed the IG Toolkit? (Yes/No)",
                f(Field::IgToolkitCompleted),
            ),
            (
                "Existing NHSmail accounts (Y/N)",
                f(Field::HasExistingNhsmailAccounts),
            ),
            (
                "Already hold NHSmail accounts",
                f(Field::HasExistingNhsmailAccounts),
            ),
            (
                "If yes, existing NHSmail address(es)",
                f(Field::ExistingNhsmailAddresses),
            ),
            (
                "Regular requirement to exchange data securely? (Yes/No)",
                f(Field::SecureExchangeRequired),
            ),
            (
                "Need to exchange data securely",
                f(Field::SecureExchangeRequired),
            ),
            ("Why?", f(Field::SecureExchangeReason)),
            (
                "Why do you need to exchange data securely",
                f(Field::SecureExchangeReason),
            ),
            ("Reason", f(Field::SecureExchangeReason)),
            ("Number of accounts", f(Field::IndividualAccountsRequested)),
            (
                "Number of individual accounts required",
                f(Field::IndividualAccountsRequested),
            ),
            ("Accounts", f(Field::Accounts)),
            (
                "Account owners (name - preferred account name - mobile)",
                f(Field::Accounts),
            ),
            ("Account holders", f(Field::Accounts)),
            (
                "Business justification (if more than 3 accounts)",
                f(Field::BusinessJustification),
            ),
            ("Shared mailbox", f(Field::SharedMailboxRequired)),
            (
                "Shared mailbox required (Y/N)",
                f(Field::SharedMailboxRequired),
            ),
            (
                "Do you require a shared mailbox? (Yes/No)",
                f(Field::SharedMailboxRequired),
            ),
            ("Preferred shared mailbox name", f(Field::SharedMailboxName)),
            ("Mailbox name", f(Field::SharedMailboxName)),
            ("Shared mailbox owner", f(Field::SharedMailboxOwner)),
            ("Mailbox owner", f(Field::SharedMailboxOwner)),
            ("Owner", f(Field::SharedMailboxOwner)),
            (
                "Shared mailbox owner mobile",
                f(Field::SharedMailboxOwnerMobile),
            ),
            ("Owner's mobile", f(Field::SharedMailboxOwnerMobile)),
            (
                "Shared mailbox owner & mobile",
                f(Field::SharedMailboxOwner),
            ),
            ("Benefits", f(Field::ExpectedBenefits)),
        ];
        for (label, want) in cases {
            assert_eq!(slot(label), Some(want), "{label}");
        }
    }

    #[test]
    fn typos_are_forgiven() {
        assert_eq!(slot("Telphone"), Some(f(Field::CareHomeTelephone)));
        assert_eq!(
            slot("Buisness justifcation"),
            Some(f(Field::BusinessJustification))
        );
        assert_eq!(
            slot("Registraton number"),
            Some(f(Field::CqcRegistrationNumber))
        );
    }

    #[test]
    fn prose_is_not_a_label() {
        for prose in [
            "Could you let me know how we apply, and whether there is a form we need to fill in",
            "Is there any cost to the home",
            "Hello",
            "Many thanks",
        ] {
            assert_eq!(slot(prose), None, "{prose}");
        }
    }

    #[test]
    fn account_table_headers() {
        assert_eq!(account_column("Name"), Some(AccountColumn::Name));
        assert_eq!(
            account_column("Preferred account name"),
            Some(AccountColumn::PreferredName)
        );
        assert_eq!(account_column("Mobile number"), Some(AccountColumn::Mobile));
        assert_eq!(account_column("Role"), None);
    }

    #[test]
    fn edit_distance_counts_slips() {
        assert_eq!(edit_distance("telephone", "telphone"), 1);
        assert_eq!(edit_distance("abc", "acb"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance_within("kitten", "sitting", 1), 2);
        assert_eq!(edit_distance_within("telephone", "telphone", 1), 1);
    }
}
