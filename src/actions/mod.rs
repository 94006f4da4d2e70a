//! What is done to a case, whoever asks: the ready-for-decision notice to
//! the administrators, a decision (by email or CLI), the registration.
//! Each action is one transaction: the case change, its history and its emails.

mod context;
mod decide;
mod describe;
mod notice;
mod register;
mod reports;

pub use context::{case_context, long_date, sponsor, to_care_home};
pub use decide::{DecideError, decide};
pub use describe::describe;
pub use notice::{
    Notes, case_documents as case_documents_of, collect_parts, corrections, plain, please_check,
    ready_for_decision,
};
pub use register::{pack_for, register};
pub use reports::{Report, held_email_report, report_to_administrators};

use crate::form::Form;
use crate::store::CaseRecord;

/// The case's form as stored.
pub fn form_of(case: &CaseRecord) -> Form {
    serde_json::from_str(&case.form_json).unwrap_or_default()
}

/// More than four mailboxes asked for and no business justification (section 2.3).
pub fn limited_to_four(form: &Form) -> bool {
    let individual = form
        .individual_accounts_requested
        .map_or(form.accounts.len(), |n| n as usize);
    let total = individual + usize::from(form.shared_mailbox_required == Some(true));
    total > 4
        && form
            .business_justification
            .as_deref()
            .is_none_or(|j| j.trim().is_empty())
}
