//! The application form of Appendix 1: its fields, the values a care home gave,
//! and where each value came from. Pure data and pure functions: no IO.

pub mod accounts;
pub mod document;
pub mod extract;
pub mod fields;
pub mod normalise;
pub mod readers;
pub mod template;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One field of the Appendix 1 form, named as in the parse contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    ApplicantName,
    ApplicantRole,
    ApplicantEmail,
    CareHomeName,
    CareHomeAddress,
    CareHomeTelephone,
    CqcRegistrationNumber,
    IgToolkitCompleted,
    HasExistingNhsmailAccounts,
    ExistingNhsmailAddresses,
    SecureExchangeRequired,
    SecureExchangeReason,
    IndividualAccountsRequested,
    Accounts,
    BusinessJustification,
    SharedMailboxRequired,
    SharedMailboxName,
    SharedMailboxOwner,
    SharedMailboxOwnerMobile,
    ExpectedBenefits,
}

impl Field {
    /// Every field, in the order of the form.
    pub const ALL: [Field; 20] = [
        Field::ApplicantName,
        Field::ApplicantRole,
        Field::ApplicantEmail,
        Field::CareHomeName,
        Field::CareHomeAddress,
        Field::CareHomeTelephone,
        Field::CqcRegistrationNumber,
        Field::IgToolkitCompleted,
        Field::HasExistingNhsmailAccounts,
        Field::ExistingNhsmailAddresses,
        Field::SecureExchangeRequired,
        Field::SecureExchangeReason,
        Field::IndividualAccountsRequested,
        Field::Accounts,
        Field::BusinessJustification,
        Field::SharedMailboxRequired,
        Field::SharedMailboxName,
        Field::SharedMailboxOwner,
        Field::SharedMailboxOwnerMobile,
        Field::ExpectedBenefits,
    ];

    /// The contract's key for this field (`applicant_name`, ...).
    pub fn key(self) -> &'static str {
        match self {
            Field::ApplicantName => "applicant_name",
            Field::ApplicantRole => "applicant_role",
            Field::ApplicantEmail => "applicant_email",
            Field::CareHomeName => "care_home_name",
            Field::CareHomeAddress => "care_home_address",
            Field::CareHomeTelephone => "care_home_telephone",
            Field::CqcRegistrationNumber => "cqc_registration_number",
            Field::IgToolkitCompleted => "ig_toolkit_completed",
            Field::HasExistingNhsmailAccounts => "has_existing_nhsmail_accounts",
            Field::ExistingNhsmailAddresses => "existing_nhsmail_addresses",
            Field::SecureExchangeRequired => "secure_exchange_required",
            Field::SecureExchangeReason => "secure_exchange_reason",
            Field::IndividualAccountsRequested => "individual_accounts_requested",
            Field::Accounts => "accounts",
            Field::BusinessJustification => "business_justification",
            Field::SharedMailboxRequired => "shared_mailbox_required",
            Field::SharedMailboxName => "shared_mailbox_name",
            Field::SharedMailboxOwner => "shared_mailbox_owner",
            Field::SharedMailboxOwnerMobile => "shared_mailbox_owner_mobile",
            Field::ExpectedBenefits => "expected_benefits",
        }
    }

    /// The field for a contract key.
    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// One individual NHSmail account asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The account owner's name.
    pub name: Option<String>,
    /// The account name they would like (`jane.smith`), if given.
    pub preferred_account_name: Option<String>,
    /// The owner's mobile number, as written.
    pub mobile: Option<String>,
}

/// The form's values, exactly the `form` object of the parse contract.
/// A value the message does not give is `None` (or an empty list).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Form {
    pub applicant_name: Option<String>,
    pub applicant_role: Option<String>,
    pub applicant_email: Option<String>,
    pub care_home_name: Option<String>,
    pub care_home_address: Option<String>,
    pub care_home_telephone: Option<String>,
    pub cqc_registration_number: Option<String>,
    pub ig_toolkit_completed: Option<bool>,
    pub has_existing_nhsmail_accounts: Option<bool>,
    pub existing_nhsmail_addresses: Vec<String>,
    pub secure_exchange_required: Option<bool>,
    pub secure_exchange_reason: Option<String>,
    pub individual_accounts_requested: Option<u32>,
    pub accounts: Vec<Account>,
    pub business_justification: Option<String>,
    pub shared_mailbox_required: Option<bool>,
    pub shared_mailbox_name: Option<String>,
    pub shared_mailbox_owner: Option<String>,
    pub shared_mailbox_owner_mobile: Option<String>,
    pub expected_benefits: Option<String>,
}

/// Where a value came from, for the administrators:
/// `application.xlsx, Sheet1!B7` or `email body, line 12`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The attachment's file name, or `email body`.
    pub source: String,
    /// The place inside it: a cell, a table row, a paragraph, a line.
    pub place: String,
    /// Why the reader is not sure of the value; `None` when it stood against
    /// a label of its own and read cleanly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guess: Option<Guess>,
}

impl Origin {
    pub fn new(source: impl Into<String>, place: impl Into<String>) -> Self {
        Origin {
            source: source.into(),
            place: place.into(),
            guess: None,
        }
    }

    /// The same place, read less surely.
    pub fn guessed(&self, guess: Guess) -> Self {
        Origin {
            guess: self.guess.or(Some(guess)),
            ..self.clone()
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.place.is_empty() {
            f.write_str(&self.source)
        } else {
            write!(f, "{}, {}", self.source, self.place)
        }
    }
}

/// Why a value is a guess rather than a clean reading: an administrator
/// should check it before relying on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Guess {
    /// It had no label of its own and was taken from where it stands.
    Layout,
    /// Its label was read loosely (a misspelling, or a label that could
    /// mean more than one question).
    LooseLabel,
    /// The form's printed words or a decoration were removed from it.
    Cleaned,
    /// It was read from a sentence, not against a label.
    Sentence,
    /// The form gave another, different answer too.
    Conflict,
    /// It was typed into the quoted earlier email rather than the reply.
    Quoted,
}

impl Guess {
    /// Plain words for the administrators.
    pub fn describe(self) -> &'static str {
        match self {
            Guess::Layout => "it had no label of its own and was read from where it stands",
            Guess::LooseLabel => "its question was worded unusually or misspelt",
            Guess::Cleaned => "the form's printed words were removed from the answer",
            Guess::Sentence => "it was read from a sentence, not from the form",
            Guess::Conflict => "the form gives a different answer elsewhere too",
            Guess::Quoted => "it was typed into the quoted earlier email",
        }
    }
}

/// Which field came from where. Fields not given have no entry.
pub type Provenance = BTreeMap<Field, Origin>;

impl Form {
    /// Fills the fields this form leaves empty from `other`, each marked
    /// with `guess`; what this form gives stands.
    pub fn fill_gaps(
        &mut self,
        from: &mut Provenance,
        other: &Form,
        other_from: &Provenance,
        guess: Guess,
    ) {
        let (Ok(serde_json::Value::Object(mut mine)), Ok(serde_json::Value::Object(theirs))) =
            (serde_json::to_value(&*self), serde_json::to_value(other))
        else {
            return;
        };
        for field in Field::ALL {
            let key = field.key();
            let empty = |v: Option<&serde_json::Value>| {
                v.is_none_or(|v| v.is_null() || v.as_array().is_some_and(Vec::is_empty))
            };
            if empty(mine.get(key)) && !empty(theirs.get(key)) {
                if let Some(value) = theirs.get(key) {
                    mine.insert(key.to_string(), value.clone());
                }
                if let Some(origin) = other_from.get(&field) {
                    from.insert(field, origin.guessed(guess));
                }
            }
        }
        if let Ok(filled) = serde_json::from_value(serde_json::Value::Object(mine)) {
            *self = filled;
        }
    }
}
