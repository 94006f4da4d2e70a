//! Findings: what is missing or wrong in a form, judged against section 2 of
//! the guidance, in words for a care home manager and an administrator.

use crate::form::fields::question;
use crate::form::normalise::{is_canonical_cqc, is_uk_phone, is_valid_email};
use crate::form::{Field, Form};
use serde::{Deserialize, Serialize};

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The application cannot be assessed until this is put right.
    Blocking,
    /// For the administrators' decision; does not stop the application.
    Notice,
}

/// One finding, as in the parse contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// `missing`, `invalid`, `accounts_over_limit`, ... (the contract's codes).
    pub code: String,
    /// A form key, `ig_assessment_report` or `accounts`.
    pub field: String,
    pub severity: Severity,
    /// Plain words for people.
    pub message: String,
}

/// What validation needs to know besides the form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence {
    /// An IG Toolkit / DSPT assessment report is attached.
    pub has_assessment_report: bool,
}

/// The guidance's expectation: three individual accounts and one shared
/// mailbox per care home.
const MAX_INDIVIDUAL: u32 = 3;
const MAX_MAILBOXES: u32 = 4;
/// A shared mailbox name must be shorter than this.
const MAX_MAILBOX_NAME: usize = 30;

fn blocking(code: &str, field: &str, message: String) -> Finding {
    Finding {
        code: code.into(),
        field: field.into(),
        severity: Severity::Blocking,
        message,
    }
}

fn notice(code: &str, field: Field, message: String) -> Finding {
    Finding {
        code: code.into(),
        field: field.key().into(),
        severity: Severity::Notice,
        message,
    }
}

fn missing(field: Field, what: &str) -> Finding {
    blocking(
        "missing",
        field.key(),
        format!("Please give {what} (the form asks: '{}').", question(field)),
    )
}

/// Judges a form against section 2 of the guidance.
pub fn validate(form: &Form, evidence: &Evidence) -> Vec<Finding> {
    let mut out = Vec::new();
    required_items(form, evidence, &mut out);
    invalid_values(form, &mut out);
    notices(form, &mut out);
    out
}

fn required_items(form: &Form, evidence: &Evidence, out: &mut Vec<Finding>) {
    let texts = [
        (Field::ApplicantName, &form.applicant_name, "your name"),
        (
            Field::ApplicantRole,
            &form.applicant_role,
            "your role at the care home",
        ),
        (
            Field::ApplicantEmail,
            &form.applicant_email,
            "a contact email address",
        ),
        (
            Field::CareHomeName,
            &form.care_home_name,
            "the care home's name",
        ),
        (
            Field::CareHomeAddress,
            &form.care_home_address,
            "the care home's address",
        ),
        (
            Field::CareHomeTelephone,
            &form.care_home_telephone,
            "the care home's telephone number",
        ),
        (
            Field::CqcRegistrationNumber,
            &form.cqc_registration_number,
            "your CQC registration number (it looks like 1-123456789)",
        ),
    ];
    for (field, value, what) in texts {
        if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
            out.push(missing(field, what));
        }
    }
    if form.ig_toolkit_completed.is_none() {
        out.push(missing(
            Field::IgToolkitCompleted,
            "a Yes or No answer to whether the care home has completed the IG Toolkit (Data Security and Protection Toolkit)",
        ));
    }
    if !evidence.has_assessment_report {
        out.push(blocking(
            "missing",
            "ig_assessment_report",
            "Please attach your IG Toolkit (Data Security and Protection Toolkit) assessment report; we could not find it with this email.".into(),
        ));
    }
    match form.has_existing_nhsmail_accounts {
        None => out.push(missing(
            Field::HasExistingNhsmailAccounts,
            "a Yes or No answer to whether the care home already holds NHSmail accounts",
        )),
        Some(true) if form.existing_nhsmail_addresses.is_empty() => out.push(missing(
            Field::ExistingNhsmailAddresses,
            "the email addresses of the NHSmail accounts the care home already holds",
        )),
        Some(_) => {}
    }
    if form.secure_exchange_required.is_none() {
        out.push(missing(
            Field::SecureExchangeRequired,
            "a Yes or No answer to whether the care home regularly needs to exchange data securely, and why",
        ));
    }
    match form.individual_accounts_requested {
        None => out.push(missing(
            Field::IndividualAccountsRequested,
            "the number of individual NHSmail accounts you need",
        )),
        Some(n) if n > 0 && form.accounts.is_empty() => out.push(blocking(
            "missing",
            Field::Accounts.key(),
            format!(
                "You asked for {n} individual account{}; please give the name, preferred account name and mobile number of each account owner (the form asks: '{}').",
                if n == 1 { "" } else { "s" },
                question(Field::Accounts)
            ),
        )),
        Some(_) => {}
    }
    match form.shared_mailbox_required {
        None => out.push(missing(
            Field::SharedMailboxRequired,
            "a Yes or No answer to whether you need a shared mailbox",
        )),
        Some(true)
            if form
                .shared_mailbox_name
                .as_deref()
                .is_none_or(|n| n.trim().is_empty()) =>
        {
            out.push(missing(
                Field::SharedMailboxName,
                "the name you would like for the shared mailbox",
            ));
        }
        Some(_) => {}
    }
}

fn invalid_values(form: &Form, out: &mut Vec<Finding>) {
    if let Some(cqc) = form
        .cqc_registration_number
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        && !is_canonical_cqc(cqc)
    {
        out.push(blocking(
            "invalid",
            Field::CqcRegistrationNumber.key(),
            format!(
                "The CQC registration number '{cqc}' does not look right: CQC numbers are '1-' followed by 9 to 11 digits, for example 1-123456789. Please check it on your CQC registration certificate or the CQC website."
            ),
        ));
    }
    if let Some(email) = form
        .applicant_email
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        && !is_valid_email(email)
    {
        out.push(blocking(
            "invalid",
            Field::ApplicantEmail.key(),
            format!("The email address '{email}' is not a complete email address; please check it (it should look like name@carehome.co.uk)."),
        ));
    }
    if let Some(tel) = form
        .care_home_telephone
        .as_deref()
        .filter(|v| !v.trim().is_empty())
        && !is_uk_phone(tel)
    {
        out.push(blocking(
            "invalid",
            Field::CareHomeTelephone.key(),
            format!("The telephone number '{tel}' is not a UK telephone number; please give the care home's own UK number."),
        ));
    }
}

fn notices(form: &Form, out: &mut Vec<Finding>) {
    let individual = form
        .individual_accounts_requested
        .unwrap_or_else(|| u32::try_from(form.accounts.len()).unwrap_or(u32::MAX));
    let shared = u32::from(form.shared_mailbox_required == Some(true));
    let total = individual.saturating_add(shared);
    if individual > MAX_INDIVIDUAL || total > MAX_MAILBOXES {
        let justification = match form.business_justification.as_deref() {
            Some(j) if !j.trim().is_empty() => format!("A business justification was given: '{j}'."),
            _ => "No business justification was given; only four mailboxes will be created without one.".into(),
        };
        let listed = form.accounts.len();
        let cut = if listed >= crate::form::accounts::MAX_ACCOUNTS_READ
            && individual as usize > listed
        {
            format!(
                " The form lists more account owners than we read; only the first {listed} were kept."
            )
        } else {
            String::new()
        };
        out.push(notice(
            "accounts_over_limit",
            Field::IndividualAccountsRequested,
            format!(
                "The care home asks for {individual} individual account{} and {shared} shared mailbox{}, {total} in all; the guidance expects at most three individual accounts plus one shared mailbox. {justification}{cut}",
                if individual == 1 { "" } else { "s" },
                if shared == 1 { "" } else { "es" },
            ),
        ));
    }
    if form.shared_mailbox_required == Some(true)
        && let Some(name) = form
            .shared_mailbox_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
        && let Some(problem) = mailbox_name_problem(name)
    {
        out.push(notice(
            "shared_mailbox_name_nonconforming",
            Field::SharedMailboxName,
            format!("The shared mailbox name '{name}' {problem}; a name may need to be agreed with the care home."),
        ));
    }
    if form.ig_toolkit_completed == Some(false) {
        out.push(notice(
            "ig_toolkit_not_completed",
            Field::IgToolkitCompleted,
            "The care home says it has not completed the IG Toolkit (Data Security and Protection Toolkit).".into(),
        ));
    }
    if form.secure_exchange_required == Some(false) {
        out.push(notice(
            "no_secure_exchange_requirement",
            Field::SecureExchangeRequired,
            "The care home says it has no regular requirement to exchange data securely.".into(),
        ));
    }
    if form.has_existing_nhsmail_accounts == Some(true) {
        let listed = if form.existing_nhsmail_addresses.is_empty() {
            "none were listed".to_string()
        } else {
            form.existing_nhsmail_addresses.join(", ")
        };
        out.push(notice(
            "existing_nhsmail_accounts",
            Field::HasExistingNhsmailAccounts,
            format!("The care home already holds NHSmail accounts ({listed})."),
        ));
    }
}

/// Why a shared mailbox name does not conform: 30 characters or longer, or
/// anything but letters (numbers, spaces, special characters).
fn mailbox_name_problem(name: &str) -> Option<String> {
    let length = name.chars().count();
    let mut problems = Vec::new();
    if length >= MAX_MAILBOX_NAME {
        problems.push(format!(
            "is {length} characters long (it must be under {MAX_MAILBOX_NAME})"
        ));
    }
    if name.chars().any(|c| c.is_ascii_digit()) {
        problems.push("contains numbers".to_string());
    }
    if name.chars().any(char::is_whitespace) {
        problems.push("contains spaces".to_string());
    }
    if name
        .chars()
        .any(|c| !c.is_alphanumeric() && !c.is_whitespace())
        || !name.is_ascii()
    {
        problems.push("contains special characters".to_string());
    }
    (!problems.is_empty()).then(|| problems.join(" and "))
}
/// True when nothing blocks the application.
pub fn is_complete(findings: &[Finding]) -> bool {
    findings.iter().all(|f| f.severity != Severity::Blocking)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Account;

    fn complete_form() -> Form {
        Form {
            applicant_name: Some("Jane Smith".into()),
            applicant_role: Some("Manager".into()),
            applicant_email: Some("jane@home.example.org".into()),
            care_home_name: Some("Rose Hill".into()),
            care_home_address: Some("1 Rose Hill, Leeds".into()),
            care_home_telephone: Some("0113 496 0000".into()),
            cqc_registration_number: Some("1-123456789".into()),
            ig_toolkit_completed: Some(true),
            has_existing_nhsmail_accounts: Some(false),
            secure_exchange_required: Some(true),
            individual_accounts_requested: Some(1),
            accounts: vec![Account {
                name: Some("Jane Smith".into()),
                ..Account::default()
            }],
            shared_mailbox_required: Some(false),
            ..Form::default()
        }
    }

    fn codes(form: &Form, report: bool) -> Vec<(String, String)> {
        let mut v: Vec<_> = validate(
            form,
            &Evidence {
                has_assessment_report: report,
            },
        )
        .into_iter()
        .map(|f| (f.code, f.field))
        .collect();
        v.sort();
        v
    }

    fn pair(c: &str, f: &str) -> (String, String) {
        (c.into(), f.into())
    }

    #[test]
    fn complete_form_has_no_findings() {
        assert!(codes(&complete_form(), true).is_empty());
    }

    #[test]
    fn missing_report_and_values() {
        let mut form = complete_form();
        form.cqc_registration_number = None;
        assert_eq!(
            codes(&form, false),
            vec![
                pair("missing", "cqc_registration_number"),
                pair("missing", "ig_assessment_report")
            ]
        );
    }

    #[test]
    fn invalid_values_are_blocking() {
        let mut form = complete_form();
        form.cqc_registration_number = Some("1-10987654".into());
        form.applicant_email = Some("jane.home.example.org".into());
        form.care_home_telephone = Some("+1 (212) 555-0147".into());
        let found = validate(
            &form,
            &Evidence {
                has_assessment_report: true,
            },
        );
        assert_eq!(found.len(), 3);
        assert!(!is_complete(&found));
    }

    #[test]
    fn accounts_limits() {
        let mut form = complete_form();
        form.individual_accounts_requested = Some(4);
        form.shared_mailbox_required = Some(true);
        form.shared_mailbox_name = Some("RoseHill".into());
        let found = validate(
            &form,
            &Evidence {
                has_assessment_report: true,
            },
        );
        assert_eq!(found.len(), 1);
        assert!(
            found.iter().all(|f| f.code == "accounts_over_limit"
                && f.message.contains("No business justification"))
        );
        assert!(is_complete(&found));
        form.individual_accounts_requested = Some(3);
        assert!(codes(&form, true).is_empty());
    }

    #[test]
    fn mailbox_names() {
        assert!(mailbox_name_problem("RoseHillLeeds").is_none());
        assert!(mailbox_name_problem("SycamoreLodgeResidentialLeeds").is_none());
        assert!(mailbox_name_problem("HeadingleyParkNursingHomeLeeds").is_some());
        assert!(mailbox_name_problem("ElmtreeHouse2").is_some());
        assert!(mailbox_name_problem("Meadow View").is_some());
    }

    #[test]
    fn no_answers_and_existing_accounts() {
        let mut form = complete_form();
        form.ig_toolkit_completed = Some(false);
        form.secure_exchange_required = Some(false);
        form.has_existing_nhsmail_accounts = Some(true);
        assert_eq!(
            codes(&form, true),
            vec![
                pair("existing_nhsmail_accounts", "has_existing_nhsmail_accounts"),
                pair("ig_toolkit_not_completed", "ig_toolkit_completed"),
                pair("missing", "existing_nhsmail_addresses"),
                pair("no_secure_exchange_requirement", "secure_exchange_required"),
            ]
        );
    }

    #[test]
    fn shared_only_needs_no_owners() {
        let mut form = complete_form();
        form.individual_accounts_requested = Some(0);
        form.accounts.clear();
        form.shared_mailbox_required = Some(true);
        form.shared_mailbox_name = Some("Elmtree".into());
        assert!(codes(&form, true).is_empty());
    }
}
