//! The case process of sections 2 to 5 end to end (issue 4), and forms in
//! every format through the real servers (issue 3): what the care home and
//! the administrators receive, and what `cases show` holds.

use crate::intake::outgoing;
use crate::support::mail::{self, Mail, Mailboxes};
use crate::support::{ADMINS, Backend, Bed};
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// A whole message with a text body and attachments (name, content type, bytes).
pub(crate) fn email(
    from: &str,
    mid: &str,
    subject: &str,
    in_reply_to: Option<&str>,
    body: &str,
    files: &[(&str, &str, Vec<u8>)],
) -> Vec<u8> {
    use base64::Engine;
    let mut out = format!(
        "From: <{from}>\r\nTo: NHSmail Sponsorship <{}>\r\nSubject: {subject}\r\nDate: {}\r\nMessage-ID: <{mid}>\r\nMIME-Version: 1.0\r\n",
        crate::support::SPONSOR,
        chrono::Utc::now().to_rfc2822()
    );
    if let Some(parent) = in_reply_to {
        out.push_str(&format!(
            "In-Reply-To: <{parent}>\r\nReferences: <{parent}>\r\n"
        ));
    }
    out.push_str("Content-Type: multipart/mixed; boundary=\"=-b-=\"\r\n\r\n--=-b-=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
    out.push_str(&body.replace('\n', "\r\n"));
    out.push_str("\r\n");
    for (name, ct, bytes) in files {
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        let wrapped: Vec<String> = b64
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        out.push_str(&format!(
            "--=-b-=\r\nContent-Type: {ct}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            wrapped.join("\r\n")
        ));
    }
    out.push_str("--=-b-=--\r\n");
    out.into_bytes()
}

pub(crate) fn report(home: &str) -> (&'static str, &'static str, Vec<u8>) {
    let text = format!(
        "Data Security and Protection Toolkit\nAssessment Report\nOrganisation: {home}\nStatus: Standards Met\n"
    );
    (
        "DSPT assessment report.txt",
        "text/plain",
        text.into_bytes(),
    )
}

/// The form typed in the body, with some lines left out.
fn form_without(home: &str, email: &str, leave_out: &[&str]) -> String {
    mail::form_body(home, email)
        .lines()
        .filter(|l| !leave_out.iter().any(|x| l.starts_with(x)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The one case whose incoming messages include `mid`.
async fn case_of(bed: &Bed, config: &Path, mid: &str) -> serde_json::Value {
    for summary in bed.cases(config).await {
        let case = bed
            .case(config, summary["reference"].as_str().unwrap_or_default())
            .await;
        let has = case["messages_in"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|m| m["message_id"] == mid);
        if has {
            return case;
        }
    }
    panic!("no case holds message {mid}");
}

/// The "still needed" list of a reply, without what it says was read.
fn missing_list(text: &str) -> &str {
    text.split("This is what we read").next().unwrap_or(text)
}

fn replies_to(user: &str, mid: &str) -> Vec<Mail> {
    Mailboxes::matching(user, |m| m.in_reply_to.iter().any(|r| r == mid))
}

async fn wait_reply(user: &str, mid: &str, what: &str) -> Mail {
    let mut found =
        Mailboxes::wait_for(user, WAIT, what, |m| m.in_reply_to.iter().any(|r| r == mid)).await;
    assert_eq!(found.len(), 1, "exactly one {what}");
    found.remove(0)
}

fn the_message_id(mail: &Mail) -> String {
    let line = mail
        .raw
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
        .expect("Message-ID");
    line.split_once(':')
        .map(|(_, v)| v.trim().trim_matches(['<', '>']).to_string())
        .unwrap_or_default()
}

/// The notice to the administrators about the home named `home`.
async fn notice_for(home: &str) -> Mail {
    let mut found = Mailboxes::wait_for(ADMINS, WAIT, "ready-for-decision notice", |m| {
        m.subject.contains("ready for decision") && m.subject.contains(home)
    })
    .await;
    assert_eq!(found.len(), 1, "one notice for {home}");
    found.remove(0)
}

fn decision_code(notice: &Mail) -> String {
    let at = notice
        .text
        .find("Decision code: ")
        .expect("the notice carries a decision code");
    notice.text[at + 15..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// Issue 3, acceptance 5: a form as .docx, as .xlsx and as an HTML table each becomes a case with the right fields.
async fn forms_in_every_format_become_cases(backend: Backend) {
    let bed = Bed::new("formats", backend).await;
    let config = bed.config();
    let fixtures = crate::support::repo().join("tests/fixtures/emails");
    let mut sent = Vec::new();
    for (file, user) in [
        (
            "03-docx-checkboxes-one-line-address",
            "carehome2@example.test",
        ),
        (
            "02-gmail-xlsx-labels-above-values",
            "carehome3@example.test",
        ),
    ] {
        let raw =
            std::fs::read_to_string(fixtures.join(format!("{file}.eml"))).expect("golden email");
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(fixtures.join(format!("{file}.expected.json")))
                .expect("expected"),
        )
        .expect("json");
        let mid = bed.message_id(file);
        // Re-sent as the test user, with a Message-ID of this run.
        let raw: String = raw
            .split_inclusive('\n')
            .map(|l| {
                let lower = l.to_ascii_lowercase();
                if lower.starts_with("message-id:") {
                    format!("Message-ID: <{mid}>\r\n")
                } else if lower.starts_with("from:") {
                    format!("From: <{user}>\r\n")
                } else {
                    l.to_string()
                }
            })
            .collect();
        bed.deliver(user, raw.as_bytes(), &mid).await;
        sent.push((mid, expected));
    }
    let home = format!("Willowmere House {}", bed.tag);
    let html_mid = bed.message_id("html");
    let html = format!(
        "From: <carehome4@example.test>\r\nTo: {}\r\nSubject: application\r\nMessage-ID: <{html_mid}>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
         <html><body><p>Our application:</p><table border=1>\
         <tr><td>Name:</td><td>Ann Lee</td><td>Role:</td><td>Home Manager</td></tr>\
         <tr><td>Email address:</td><td>ann.lee@willowmere.example</td></tr>\
         <tr><td>Organisation name and address:</td><td>{home}<br>3 Mere Road<br>Harrogate<br>HG1 2AB</td></tr>\
         <tr><td>Organisation telephone number:</td><td>01423 496 000</td></tr>\
         <tr><td>CQC registration number:</td><td>1-987654321</td></tr></table></body></html>\r\n",
        crate::support::SPONSOR
    );
    bed.deliver("carehome4@example.test", html.as_bytes(), &html_mid)
        .await;

    let summary = bed.once(&config).await;
    assert!(summary.contains("3 new case(s)"), "{summary}");
    for (mid, expected) in &sent {
        let case = case_of(&bed, &config, mid).await;
        for key in [
            "cqc_registration_number",
            "care_home_name",
            "applicant_email",
            "care_home_telephone",
            "individual_accounts_requested",
        ] {
            assert_eq!(
                case["form"][key], expected["form"][key],
                "{key} of {mid}: {case:#}"
            );
        }
        let prov = case["provenance"]["cqc_registration_number"]
            .as_str()
            .unwrap_or_default();
        assert!(
            prov.contains(".docx") || prov.contains(".xlsx"),
            "provenance names the attachment: {prov}"
        );
    }
    let case = case_of(&bed, &config, &html_mid).await;
    assert_eq!(case["form"]["care_home_name"], home.as_str(), "{case:#}");
    assert_eq!(case["form"]["cqc_registration_number"], "1-987654321");
    assert_eq!(
        case["form"]["applicant_email"],
        "ann.lee@willowmere.example"
    );
    assert_eq!(
        case["form"]["care_home_address"],
        "3 Mere Road, Harrogate, HG1 2AB"
    );
}
crate::on_both_backends!(
    forms_in_every_format_become_cases,
    forms_in_every_format_become_cases
);

/// Issue 4, acceptance 2 and 4: incomplete → exactly what is missing → a partial reply gets a
/// shorter list → the rest → acknowledgement and notice → rejected on the command line.
async fn incomplete_to_rejection(backend: Backend) {
    let care_home = "carehome1@example.test";
    let bed = Bed::new("incomplete", backend).await;
    let config = bed.config();
    let home = format!("Birch Court {}", bed.tag);

    let first = bed.message_id("first");
    let body = form_without(&home, care_home, &["CQC registration number"]);
    bed.deliver(
        care_home,
        &email(care_home, &first, "NHSmail application", None, &body, &[]),
        &first,
    )
    .await;
    bed.once(&config).await;
    let receipt = wait_reply(care_home, &first, "receipt").await;
    assert!(
        receipt.text.contains("CQC registration number"),
        "{}",
        receipt.text
    );
    assert!(
        receipt.text.contains("assessment report"),
        "{}",
        receipt.text
    );
    // Issue 15: the receipt says what was read, and how to correct it.
    for line in [
        "This is what we read from your application".to_string(),
        format!("Care home name: {home}"),
        "Telephone number: 0113 496 0123".into(),
        "Account 2: Tom Helper, mobile 07700 900112".into(),
        "Shared mailbox name: rosewoodlodge".into(),
        "If anything here is wrong, just reply to this email with the right value".into(),
    ] {
        assert!(
            receipt.text.contains(&line),
            "{line:?} in:\n{}",
            receipt.text
        );
    }
    assert_eq!(
        case_of(&bed, &config, &first).await["state"],
        "awaiting_information"
    );

    // The reply gives the CQC number only: the next list names only the report.
    let second = bed.message_id("second");
    let reply = email(
        care_home,
        &second,
        &format!("Re: {}", receipt.subject),
        Some(&the_message_id(&receipt)),
        "Our CQC registration number is 1-123456789.\n\nJane",
        &[],
    );
    bed.deliver(care_home, &reply, &second).await;
    bed.once(&config).await;
    let shorter = wait_reply(care_home, &second, "still-missing reply").await;
    let asked = missing_list(&shorter.text);
    assert!(!asked.contains("CQC registration number"), "{asked}");
    assert!(
        shorter
            .text
            .contains("CQC registration number: 1-123456789"),
        "the reading now includes it: {}",
        shorter.text
    );
    assert!(
        shorter.text.contains("assessment report"),
        "{}",
        shorter.text
    );
    let case = case_of(&bed, &config, &second).await;
    assert_eq!(case["form"]["cqc_registration_number"], "1-123456789");
    assert_eq!(case["state"], "awaiting_information");

    // The report arrives: complete, acknowledged, and handed to the administrators.
    let third = bed.message_id("third");
    let reply = email(
        care_home,
        &third,
        &format!("Re: {}", shorter.subject),
        Some(&the_message_id(&shorter)),
        "Report attached.",
        &[report(&home)],
    );
    bed.deliver(care_home, &reply, &third).await;
    bed.once(&config).await;
    let ack = wait_reply(care_home, &third, "acknowledgement").await;
    assert!(ack.subject.contains("now complete"), "{}", ack.subject);
    let notice = notice_for(&home).await;
    assert!(
        notice.text.contains("1-123456789")
            && notice
                .text
                .contains("https://www.cqc.org.uk/location/1-123456789"),
        "{}",
        notice.text
    );
    assert!(
        notice.raw.contains("DSPT assessment report.txt"),
        "the report is attached"
    );
    let case = case_of(&bed, &config, &third).await;
    assert_eq!(case["state"], "ready_for_decision");
    let reference = case["reference"].as_str().unwrap_or_default().to_string();

    // Issue 15: a one-line correction, above the quoted acknowledgement,
    // changes that value and nothing else; the care home hears it was
    // taken and the administrators get the corrected notice.
    let fourth = bed.message_id("fourth");
    let correction = format!(
        "Sorry, our telephone number is actually 0113 496 0999.\n\nJane\n\nFrom: NHSmail Sponsorship <{}>\nSent: 3 December 2026 10:00\nTo: {care_home}\nSubject: {}\n\n{}",
        crate::support::SPONSOR,
        ack.subject,
        ack.text
    );
    bed.deliver(
        care_home,
        &email(
            care_home,
            &fourth,
            &format!("Re: {}", ack.subject),
            Some(&the_message_id(&ack)),
            &correction,
            &[],
        ),
        &fourth,
    )
    .await;
    bed.once(&config).await;
    let taken = wait_reply(care_home, &fourth, "correction acknowledgement").await;
    assert!(
        taken
            .text
            .contains("We have corrected your application as you asked")
            && taken.text.contains("0113 496 0999 (was 0113 496 0123)"),
        "{}",
        taken.text
    );
    let case = bed.case(&config, &reference).await;
    assert_eq!(case["form"]["care_home_telephone"], "0113 496 0999");
    assert_eq!(case["state"], "ready_for_decision");
    let corrected: Vec<_> = case["history"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["event"] == "corrected by the care home")
        .collect();
    assert_eq!(corrected.len(), 1, "{:#}", case["history"]);
    assert_eq!(
        corrected[0]["detail"]["corrections"],
        serde_json::json!([{"field": "care_home_telephone", "old": "0113 496 0123", "new": "0113 496 0999"}]),
        "exactly the one value changed"
    );
    assert!(
        case["please_check"]
            .as_array()
            .is_some_and(|g| g.iter().any(|g| g["field"] == "care_home_telephone")),
        "a value read from a sentence is for the administrators to check: {:#}",
        case["please_check"]
    );
    let renewed = Mailboxes::wait_for(ADMINS, WAIT, "corrected notice", |m| {
        m.subject.contains("ready for decision")
            && m.subject.contains(&home)
            && m.text.contains("CORRECTED BY THE CARE HOME")
    })
    .await;
    assert_eq!(renewed.len(), 1);
    assert!(
        renewed[0]
            .text
            .contains("0113 496 0999 (was 0113 496 0123)")
            && renewed[0].text.contains("PLEASE CHECK"),
        "{}",
        renewed[0].text
    );

    // Rejected on the command line: the care home gets the reasons and the alternatives.
    bed.cli_ok(
        &config,
        &[
            "cases",
            "reject",
            &reference,
            "--reason",
            "The home is not registered for personal care.",
        ],
    )
    .await;
    bed.once(&config).await;
    let rejection = Mailboxes::wait_for(care_home, WAIT, "rejection", |m| {
        m.in_reply_to.iter().any(|r| r == &first) && m.subject.contains("outcome")
    })
    .await;
    assert_eq!(rejection.len(), 1, "one rejection");
    let rejection = &rejection[0];
    assert!(
        rejection.text.contains("not registered for personal care"),
        "{}",
        rejection.text
    );
    assert!(
        rejection.text.contains("feedback@nhs.net")
            && rejection.text.contains("sending secure email"),
        "{}",
        rejection.text
    );
    let case = bed.case(&config, &reference).await;
    assert_eq!(case["state"], "rejected");
    assert_eq!(outgoing(&case, "rejection")["status"], "sent");
}
crate::on_both_backends!(incomplete_application_to_rejection, incomplete_to_rejection);

/// Issue 4, acceptance 1, 3 and 5: a complete application with five accounts and no
/// justification; a forged approval changes nothing and is reported; the real one is
/// acted on with the section 2.3 wording; then the pack and the registration.
async fn emailed_decision_with_its_code_and_registration(backend: Backend) {
    let care_home = "carehome5@example.test";
    let bed = Bed::new("decide", backend).await;
    let config = bed.config();
    let home = format!("Aspen Lodge {}", bed.tag);
    let body = mail::form_body(&home, care_home)
        .replace("How many individual accounts? 2", "How many individual accounts? 5")
        .replace("Business justification: Two managers cover seven days a week.\n", "")
        .replace(
            "  2. Tom Helper (07700 900112)",
            "  2. Tom Helper (07700 900112)\n  3. Amy Day (07700 900113)\n  4. Raj Patel (07700 900114)\n  5. Lee Ford (07700 900115)",
        );
    let mid = bed.message_id("app");
    bed.deliver(
        care_home,
        &email(
            care_home,
            &mid,
            "NHSmail application",
            None,
            &body,
            &[report(&home)],
        ),
        &mid,
    )
    .await;
    bed.once(&config).await;
    wait_reply(care_home, &mid, "receipt").await;
    let notice = notice_for(&home).await;
    let code = decision_code(&notice);
    assert_eq!(code.len(), 12, "{}", notice.text);
    let notice_id = the_message_id(&notice);

    // A care home forging an administrator's From, without the code: nothing happens.
    let forged = bed.message_id("forged");
    let raw = email(
        ADMINS,
        &forged,
        &format!("Re: {}", notice.subject),
        Some(&notice_id),
        "Approve",
        &[],
    );
    bed.deliver(care_home, &raw, &forged).await;
    bed.once(&config).await;
    let case = case_of(&bed, &config, &mid).await;
    assert_eq!(
        case["state"], "ready_for_decision",
        "a forged decision changed the case"
    );
    let reference = case["reference"].as_str().unwrap_or_default().to_string();
    Mailboxes::wait_for(ADMINS, WAIT, "refused-decision report", |m| {
        m.subject.contains(&reference)
            && m.subject.contains("NOT acted on")
            && m.text.contains("decision code")
    })
    .await;

    // The administrator's reply, quoting the notice and so its code.
    let real = bed.message_id("real");
    let quoted: String = notice.text.lines().map(|l| format!("> {l}\n")).collect();
    let raw = email(
        ADMINS,
        &real,
        &format!("Re: {}", notice.subject),
        Some(&notice_id),
        &format!("Approve\n\nOn Monday, sponsor-intake wrote:\n{quoted}"),
        &[],
    );
    bed.deliver(ADMINS, &raw, &real).await;
    bed.once(&config).await;
    let approval = Mailboxes::wait_for(care_home, WAIT, "approval", |m| {
        m.in_reply_to.iter().any(|r| r == &mid) && m.subject.contains("approved")
    })
    .await;
    assert_eq!(approval.len(), 1);
    assert!(
        approval[0].text.contains("we will create four"),
        "{}",
        approval[0].text
    );
    assert!(
        !approval[0].text.contains("Decision code"),
        "the quoted notice is no note for the care home: {}",
        approval[0].text
    );
    assert_eq!(bed.case(&config, &reference).await["state"], "approved");

    let csv = bed
        .cli_ok(&config, &["cases", "pack", &reference, "--csv"])
        .await;
    assert!(
        csv.contains("jane.carer@nhs.net") && csv.contains("exicb."),
        "{csv}"
    );
    assert_eq!(
        csv.lines().filter(|l| l.starts_with("User,")).count(),
        3,
        "three users plus the shared mailbox: {csv}"
    );
    bed.cli_ok(&config, &["cases", "registered", &reference])
        .await;
    bed.once(&config).await;
    let ready = Mailboxes::wait_for(care_home, WAIT, "first-login guidance", |m| {
        m.in_reply_to.iter().any(|r| r == &mid) && m.subject.contains("accounts are ready")
    })
    .await;
    assert!(
        ready[0].text.contains("0113 496 0000") && ready[0].text.contains("Acceptable Use Policy"),
        "{}",
        ready[0].text
    );
    bed.cli_ok(&config, &["cases", "verify"]).await;
}
crate::on_both_backends!(
    emailed_decision_with_its_code_and_registration,
    emailed_decision_with_its_code_and_registration
);

/// Issue 4, acceptance 6: a second application for the same CQC number joins the live case.
async fn second_application_for_the_same_cqc_number_is_linked(backend: Backend) {
    let care_home = "carehome2@example.test";
    let bed = Bed::new("second", backend).await;
    let config = bed.config();
    let home = format!("Cedar View {}", bed.tag);
    let first = bed.message_id("first");
    let body = form_without(&home, care_home, &["Telephone"]);
    bed.deliver(
        care_home,
        &email(
            care_home,
            &first,
            "application",
            None,
            &body,
            &[report(&home)],
        ),
        &first,
    )
    .await;
    bed.once(&config).await;
    let second = bed.message_id("second");
    let body = mail::form_body(&home, care_home);
    bed.deliver(
        care_home,
        &email(
            care_home,
            &second,
            "application again",
            None,
            &body,
            &[report(&home)],
        ),
        &second,
    )
    .await;
    bed.once(&config).await;
    let cases = bed.cases(&config).await;
    assert_eq!(cases.len(), 1, "not opened twice: {cases:#?}");
    let case = case_of(&bed, &config, &second).await;
    assert_eq!(case["state"], "ready_for_decision", "{case:#}");
    let events: Vec<_> = case["history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["event"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        events.iter().any(|e| e == "second application linked"),
        "{events:?}"
    );
    assert_eq!(
        replies_to(care_home, &second).len(),
        1,
        "the second message is answered once"
    );
}
crate::on_both_backends!(
    second_application_for_the_same_cqc_number_is_linked,
    second_application_for_the_same_cqc_number_is_linked
);

/// Issue 16: the note given with an approval on the command line reaches the care home.
async fn approval_note_reaches_the_care_home(backend: Backend) {
    let care_home = "carehome1@example.test";
    let bed = Bed::new("approval-note", backend).await;
    let config = bed.config();
    let home = format!("Note House {}", bed.tag);
    let mid = bed.message_id("application");
    let raw = email(
        care_home,
        &mid,
        "NHSmail application",
        None,
        &mail::form_body(&home, care_home),
        &[report(&home)],
    );
    bed.deliver(care_home, &raw, &mid).await;
    bed.once(&config).await;
    let case = case_of(&bed, &config, &mid).await;
    assert_eq!(case["state"], "ready_for_decision", "{case:#}");
    let reference = case["reference"].as_str().unwrap_or_default().to_string();
    let note = "Your accounts will be set up by Friday; we will telephone the manager.";
    bed.cli_ok(&config, &["cases", "approve", &reference, "--note", note])
        .await;
    bed.once(&config).await;
    let approval = Mailboxes::wait_for(care_home, WAIT, "approval", |m| {
        m.refers_to(&mid) && m.subject.contains("approved")
    })
    .await;
    assert_eq!(approval.len(), 1);
    assert!(approval[0].text.contains(note), "{}", approval[0].text);
}
crate::on_both_backends!(
    approval_note_reaches_the_care_home,
    approval_note_reaches_the_care_home
);
