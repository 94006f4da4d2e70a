//! What the receipt and follow-up replies say: the reference, the locally
//! agreed timescale in working days and the date it lands on, what is
//! missing, and what was read from the form so that the care home can
//! correct a misreading before an administrator decides on it.

use crate::actions::{corrections, long_date, sponsor};
use crate::app::App;
use crate::case::merge::Change;
use crate::findings::{Finding, Severity};
use crate::form::{Form, Provenance};
use crate::message::{Attachment, Role};
use chrono::NaiveDate;
use serde_json::{Value, json};

pub struct Reply<'a> {
    pub form: &'a Form,
    pub provenance: &'a Provenance,
    pub findings: &'a [Finding],
    pub complete: bool,
    pub reference: &'a str,
    /// What this message changed in the case (follow-ups only).
    pub changes: &'a [Change],
    /// This message's attachments, to say which could not be read.
    pub attachments: &'a [Attachment],
}

pub fn reply(app: &App, r: &Reply<'_>, today: NaiveDate) -> tera::Context {
    let days = app.config.sponsor.decision_working_days;
    let due = app.calendar.add_working_days(today, days);
    let missing: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Blocking)
        .map(|f| json!({ "field": f.field, "message": f.message }))
        .collect();
    let mut c = tera::Context::new();
    c.insert("sponsor", &sponsor(app));
    c.insert("reference", r.reference);
    c.insert("applicant_name", &r.form.applicant_name);
    c.insert("care_home_name", &r.form.care_home_name);
    c.insert("complete", &r.complete);
    c.insert("working_days", &days);
    c.insert("due_date", &long_date(due));
    c.insert("missing", &missing);
    c.insert("read", &read_back(r.form));
    c.insert("guessed", &guessed(r.provenance));
    c.insert("changes", &corrections(r.changes));
    let unreadable = unreadable(r.attachments);
    // The care home did send its form but we could not read it: what is
    // missing is asked for once, under the file, not as if nothing came.
    let form_unread = !unreadable.is_empty()
        && !r
            .attachments
            .iter()
            .any(|a| a.role == Role::ApplicationForm)
        && answered(r.form) < FORM_ANSWERS;
    c.insert("unreadable", &unreadable);
    c.insert("form_unread", &form_unread);
    let blocking = || {
        r.findings
            .iter()
            .filter(|f| f.severity == Severity::Blocking)
    };
    let form_missing: Vec<&str> = blocking()
        .filter(|f| f.field != REPORT)
        .map(|f| f.field.as_str())
        .collect();
    c.insert("form_missing", &form_missing);
    c.insert("report_missing", &blocking().any(|f| f.field == REPORT));
    c
}

const REPORT: &str = "ig_assessment_report";

/// Fewer answers than this, beside an unreadable file, means the file was the form.
const FORM_ANSWERS: usize = 3;

fn unreadable(attachments: &[Attachment]) -> Vec<Value> {
    attachments
        .iter()
        .filter_map(|a| {
            let code = a.unreadable_code.as_deref()?;
            Some(json!({ "filename": a.filename, "code": code, "reason": a.unreadable }))
        })
        .collect()
}

fn answered(form: &Form) -> usize {
    match serde_json::to_value(form) {
        Ok(Value::Object(m)) => m
            .values()
            .filter(|v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
            .count(),
        _ => 0,
    }
}

/// The values a care home would recognise and could correct, one per line
/// in the template, under the form's own questions (so that a reply which
/// quotes them is read back as the same values).
pub fn read_back(form: &Form) -> Value {
    let accounts: Vec<_> = form
        .accounts
        .iter()
        .map(|a| json!({ "name": a.name, "account": a.preferred_account_name, "mobile": a.mobile }))
        .collect();
    let shared = (form.shared_mailbox_required == Some(true)).then(|| {
        json!({
            "name": form.shared_mailbox_name,
            "owner": form.shared_mailbox_owner,
            "owner_mobile": form.shared_mailbox_owner_mobile,
        })
    });
    json!({
        "care_home_name": form.care_home_name,
        "care_home_address": form.care_home_address,
        "care_home_telephone": form.care_home_telephone,
        "cqc_registration_number": form.cqc_registration_number,
        "applicant_name": form.applicant_name,
        "applicant_role": form.applicant_role,
        "applicant_email": form.applicant_email,
        "individual_accounts_requested": form.individual_accounts_requested,
        "accounts": accounts,
        "shared_mailbox": shared,
        "any": form != &Form::default(),
    })
}

/// The fields read as guesses, by contract key, in the order of the form.
pub fn guessed(provenance: &Provenance) -> Vec<&'static str> {
    provenance
        .iter()
        .filter(|(_, origin)| origin.guess.is_some())
        .map(|(field, _)| field.key())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emails::Templates;
    use crate::form::{Account, Field, Origin};
    use crate::message::quotes::{READ_BACK_END, READ_BACK_START, quoted_answers};

    fn templates() -> Templates {
        Templates::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"))
            .unwrap()
    }

    fn form() -> Form {
        Form {
            care_home_name: Some("Rose Hill Care Home".into()),
            cqc_registration_number: Some("1-103847261".into()),
            applicant_name: Some("Jane Smith".into()),
            accounts: vec![Account {
                name: Some("Tom Hughes".into()),
                preferred_account_name: Some("tom.hughes".into()),
                mobile: Some("07700 900456".into()),
            }],
            shared_mailbox_required: Some(true),
            shared_mailbox_name: Some("RoseHillLeeds".into()),
            ..Form::default()
        }
    }

    fn receipt(form: &Form, guessed_fields: &[Field]) -> String {
        let mut provenance = Provenance::new();
        for f in guessed_fields {
            provenance.insert(
                *f,
                Origin::new("email body", "line 2").guessed(crate::form::Guess::Sentence),
            );
        }
        let mut c = crate::emails::sample_context();
        c.insert("read", &read_back(form));
        c.insert("guessed", &guessed(&provenance));
        c.insert("complete", &true);
        templates()
            .render(crate::emails::Template::Receipt, &c)
            .unwrap()
            .text
    }

    #[test]
    fn the_receipt_lists_what_was_read_and_how_to_correct_it() {
        let text = receipt(&form(), &[Field::CqcRegistrationNumber]);
        for line in [
            "Care home name: Rose Hill Care Home",
            "CQC registration number: 1-103847261",
            "Account 1: Tom Hughes, account name tom.hughes, mobile 07700 900456",
            "Shared mailbox name: RoseHillLeeds",
            "the CQC registration number. Please check it in particular.",
        ] {
            assert!(text.contains(line), "{line:?} not in:\n{text}");
        }
        let lower = text.to_lowercase();
        assert!(lower.contains(READ_BACK_START) && lower.contains(READ_BACK_END));
        assert!(
            !text.contains("Telephone number:"),
            "nothing read, nothing listed"
        );
    }

    #[test]
    fn an_empty_reading_lists_nothing() {
        let text = receipt(&Form::default(), &[]);
        assert!(!text.to_lowercase().contains(READ_BACK_START), "{text}");
    }

    #[test]
    fn a_reply_quoting_the_receipt_does_not_hand_its_values_back() {
        let quoted = receipt(&form(), &[]);
        let reply = format!(
            "The CQC number is 1-222333444, sorry.\n\nFrom: NHSmail Sponsorship <sponsor@example.org>\nSent: 3 December 2026 10:00\nTo: Jane Smith\nSubject: LSM-2026-0001\n\n{quoted}"
        );
        let lines: Vec<String> = quoted_answers(&reply).into_iter().map(|(_, l)| l).collect();
        assert!(
            !lines.is_empty(),
            "the rest of the quoted email is still read"
        );
        assert!(
            !lines
                .iter()
                .any(|l| l.contains("1-103847261") || l.contains("RoseHillLeeds")),
            "{lines:#?}"
        );
    }
}

#[cfg(test)]
mod unreadable_tests {
    use super::*;
    use crate::emails::Templates;

    fn render(
        template: crate::emails::Template,
        code: &str,
        form_unread: bool,
    ) -> crate::emails::Rendered {
        let t =
            Templates::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"))
                .unwrap();
        let mut c = crate::emails::sample_context();
        c.insert("read", &read_back(&Form::default()));
        c.insert("guessed", &Vec::<&str>::new());
        c.insert("changes", &Vec::<Value>::new());
        c.insert(
            "unreadable",
            &json!([{ "filename": "Application form.pdf", "code": code, "reason": "x" }]),
        );
        c.insert("form_unread", &form_unread);
        c.insert(
            "form_missing",
            &["applicant_name", "cqc_registration_number"],
        );
        c.insert("report_missing", &true);
        t.render(template, &c).unwrap()
    }

    #[test]
    fn each_unreadable_kind_is_named_with_what_to_send_instead() {
        for (code, instead) in [
            ("password", "without the password"),
            ("format", "save the form as a Word document (.docx)"),
            ("scanned", "send the form typed"),
            ("picture", "cannot read answers from a picture"),
            ("too_large", "send the form on its own"),
            ("damaged", "save the form again"),
        ] {
            for template in [
                crate::emails::Template::Receipt,
                crate::emails::Template::FollowUp,
            ] {
                let r = render(template, code, true);
                assert!(
                    r.text
                        .contains("We could not read the attachment \"Application form.pdf\"")
                        && r.text.contains(instead),
                    "{code} {template}:\n{}",
                    r.text
                );
                assert!(r.html.contains(instead), "{code} {template}: {}", r.html);
                // Asked for once, under the file, not as a fresh list.
                assert!(!r.text.contains("\n  - "), "{code} {template}:\n{}", r.text);
                assert!(
                    r.text.contains("your name, the CQC registration number")
                        && r.text.contains("Please also attach your IG Toolkit"),
                    "{}",
                    r.text
                );
            }
        }
        assert!(
            render(crate::emails::Template::Receipt, "password", true)
                .subject
                .contains("could not read")
        );
    }

    #[test]
    fn a_readable_form_beside_an_unreadable_file_keeps_its_list() {
        let r = render(crate::emails::Template::Receipt, "damaged", false);
        assert!(
            r.text.contains("We could not read the attachment"),
            "{}",
            r.text
        );
        assert!(r.text.contains("\n  - "), "{}", r.text);
        assert!(!r.subject.contains("could not read"), "{}", r.subject);
    }
}
