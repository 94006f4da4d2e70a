//! The application form of Appendix 1: its fields, the values a care home gave,
//! and where each value came from. Pure data and pure functions: no IO.

pub mod accounts;
pub mod document;
pub mod extract;
pub mod fields;
pub mod normalise;
pub mod readers;

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

/// Which field came from where. Fields not given have no entry.
pub type Provenance = BTreeMap<Field, Origin>;
