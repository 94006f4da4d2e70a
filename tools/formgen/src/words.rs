//! How people word the questions and write the answers: the Appendix 1
//! wording, abbreviations, rewordings, light typos; Yes/No and numbers in
//! the many ways they are written.

use crate::rng::Rng;
use crate::style::{Answers, Labels};

/// A question of the form (or a part of one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Q {
    Name,
    Role,
    Email,
    HomeName,
    Address,
    NameAndAddress,
    Telephone,
    Cqc,
    Ig,
    Existing,
    ExistingAddresses,
    Secure,
    SecureReason,
    AccountsNumber,
    Accounts,
    AccountsCombined,
    Justification,
    Shared,
    SharedName,
    SharedOwner,
    SharedOwnerMobile,
    SharedOwnerAndMobile,
    Benefits,
}

/// [Appendix wording, abbreviated, reworded, with a typo].
fn variants(q: Q) -> [&'static str; 4] {
    match q {
        Q::Name => ["Name", "Name", "Full name", "Nmae"],
        Q::Role => ["Role", "Role", "Job title", "Rol"],
        Q::Email => [
            "Email address",
            "Email",
            "Contact email address",
            "E-mail adress",
        ],
        Q::HomeName => [
            "Organisation name",
            "Care home",
            "Name of care home",
            "Care home nmae",
        ],
        Q::Address => ["Address", "Address", "Care home address", "Adress"],
        Q::NameAndAddress => [
            "Organisation name and address",
            "Home name & address",
            "Name and address of the care home",
            "Organisation name and adress",
        ],
        Q::Telephone => [
            "Organisation telephone number",
            "Tel",
            "Care home phone number",
            "Organisation telphone number",
        ],
        Q::Cqc => [
            "CQC registration number",
            "CQC no.",
            "CQC location ID",
            "CQC registartion number",
        ],
        Q::Ig => [
            "Confirm that you have completed the IG Toolkit. For further information see: https://www.igt.hscic.gov.uk/",
            "IG Toolkit completed",
            "Have you completed the IG Toolkit (Data Security and Protection Toolkit)?",
            "Confirm that you have completed the IG Tooklit",
        ],
        Q::Existing => [
            "Does your care home already hold any NHSmail accounts?",
            "Existing NHSmail accounts",
            "Do you already have any NHSmail accounts?",
            "Does your care home allready hold any NHSmail accounts?",
        ],
        Q::ExistingAddresses => [
            "If yes, please provide the email address(es)",
            "Existing addresses",
            "Current NHSmail addresses",
            "If yes, please provide the email adress(es)",
        ],
        Q::Secure => [
            "Confirm that your care home has a regular requirement to exchange data securely and why",
            "Secure exchange required",
            "Do you regularly need to exchange data securely?",
            "Confirm that your care home has a regular requirment to exchange data securely and why",
        ],
        Q::SecureReason => [
            "Why",
            "Reason",
            "Why do you need to exchange data securely",
            "Reason why",
        ],
        Q::AccountsNumber => [
            "Number of individual person accounts required",
            "No. of accounts",
            "How many individual accounts do you need?",
            "Number of individual person acounts required",
        ],
        Q::Accounts => [
            "Preferred account name and mobile number for each account owner",
            "Account owners",
            "Account holders (name, preferred account name, mobile)",
            "Account owners, prefered account name and mobile number",
        ],
        Q::AccountsCombined => [
            "Number of individual person accounts required, preferred account name and mobile number for each account owner",
            "Accounts required (number, names, mobiles)",
            "How many accounts do you need, and who for (account name and mobile)?",
            "Number of individual person accounts required, preffered account name and mobile number for each account owner",
        ],
        Q::Justification => [
            "Business justification",
            "Justification",
            "Reason for more than 3 accounts",
            "Buisness justification",
        ],
        Q::Shared => [
            "Do you require a shared mailbox for your care home?",
            "Shared mailbox",
            "Would you like a shared mailbox?",
            "Do you requre a shared mailbox for your care home?",
        ],
        Q::SharedName => [
            "Preferred mailbox name",
            "Mailbox name",
            "Name for the shared mailbox",
            "Prefered mailbox name",
        ],
        // Split out of the Appendix's shared-mailbox cell, the owner rows say
        // whose owner: a bare "Account owner name" would read as an individual account.
        Q::SharedOwner => [
            "Mailbox account owner name",
            "Owner",
            "Mailbox owner",
            "Mailbox acount owner name",
        ],
        Q::SharedOwnerMobile => [
            "Mailbox owner mobile number",
            "Owner mobile",
            "Mailbox owner's mobile",
            "Mailbox owner mobile numbr",
        ],
        Q::SharedOwnerAndMobile => [
            "Mailbox account owner name and mobile number",
            "Owner & mobile",
            "Who will own the mailbox (name and mobile)",
            "Mailbox acount owner name and mobile number",
        ],
        Q::Benefits => [
            "What benefits do you expect from using NHSmail?",
            "Benefits",
            "Expected benefits",
            "What benifits do you expect from using NHSmail?",
        ],
    }
}

/// The label a draw uses for a question.
pub fn label(q: Q, labels: Labels, r: &mut Rng) -> String {
    let v = variants(q);
    match labels {
        Labels::Guidance => v[0].to_string(),
        Labels::Short => v[1].to_string(),
        Labels::Reworded => v[2].to_string(),
        Labels::Typos => v[if r.chance(50) { 3 } else { 0 }].to_string(),
        Labels::Upper => v[r.below(2)].to_uppercase(),
    }
}

/// How a Yes/No question is answered (`None`: unanswered).
pub fn yes_no(q: Q, value: Option<bool>, answers: Answers, template: bool, r: &mut Rng) -> String {
    let Some(v) = value else {
        return if template {
            r.pick(&["Yes/No", "Y/N", "Yes / No"]).to_string()
        } else {
            String::new()
        };
    };
    let s: &[&str] = match (answers, v) {
        (Answers::Plain, true) => &["Yes", "yes", "YES"],
        (Answers::Plain, false) => &["No", "no", "NO"],
        (Answers::Terse, true) => &["Y", "y"],
        (Answers::Terse, false) => &["N", "n"],
        (Answers::Wordy, true) => match q {
            Q::Ig => &[
                "Yes - completed March 2024",
                "Yes, completed and published",
                "Yes we have",
            ],
            Q::Shared => &["Yes please", "Yes, please"],
            _ => &["Yes", "yes", "Yes."],
        },
        (Answers::Wordy, false) => match q {
            Q::Ig => &["No - we are working through it", "No, not yet"],
            Q::Shared | Q::Existing => &["No thanks", "N/A", "None"],
            // Words after Yes/No on the secure-exchange question are its
            // reason (Appendix: "... and why"): no extra words there.
            _ => &["No", "no", "No."],
        },
        (Answers::Marks, true) => &[
            "Yes/~~No~~",
            "Yes/~~No~~",
            "✓",
            "[x] Yes [ ] No",
            "☒ Yes ☐ No",
            "Yes ✓",
            "[X] Yes  [ ] No",
        ],
        (Answers::Marks, false) => &[
            "~~Yes~~/No",
            "~~Yes~~/No",
            "[ ] Yes [x] No",
            "☐ Yes ☒ No",
            "No ✓",
            "Yes [ ]  No [X]",
        ],
        // An aside after Yes on the secure-exchange or shared-mailbox
        // question would read as the reason or the mailbox name: asides
        // go on the other two questions only.
        (Answers::Asides, true) => match q {
            Q::Ig => &[
                "Yes (see attached)",
                "Yes (2024/25)",
                "Yes (published March)",
            ],
            Q::Existing => &["Yes (see below)", "Yes (listed below)"],
            _ => &["Yes"],
        },
        (Answers::Asides, false) => match q {
            Q::Ig => &["No (in progress)", "No (not yet)"],
            Q::Existing => &["No (not at present)", "No (none)"],
            _ => &["No"],
        },
    };
    r.pick(s).to_string()
}

const WORDS: &[&str] = &["none", "one", "two", "three", "four", "five", "six"];

/// How the number of accounts is written.
pub fn number(n: u32, answers: Answers, r: &mut Rng) -> String {
    if n == 0 {
        return r
            .pick(&[
                "None - shared mailbox only",
                "0",
                "None – shared mailbox only",
            ])
            .to_string();
    }
    match answers {
        Answers::Wordy => {
            let w = WORDS[n as usize];
            if r.chance(50) {
                w.to_string()
            } else {
                format!("{}{}", w[..1].to_uppercase(), &w[1..])
            }
        }
        Answers::Asides => format!(
            "{n} ({})",
            if r.chance(50) {
                "see below"
            } else {
                WORDS[n as usize]
            }
        ),
        _ => n.to_string(),
    }
}

/// A shared mailbox name as written (sometimes quoted).
pub fn mailbox(name: &str, answers: Answers, r: &mut Rng) -> String {
    match answers {
        Answers::Asides | Answers::Wordy if r.chance(60) => {
            if r.chance(50) {
                format!("\"{name}\"")
            } else {
                format!("“{name}”")
            }
        }
        _ => name.to_string(),
    }
}

/// A mark in a tick column.
pub fn tick(r: &mut Rng) -> &'static str {
    const M: [&str; 4] = ["✓", "X", "☒", "x"];
    M[r.below(M.len())]
}
