//! Issue 7: the CQC, ODS and DSPT checks of sections 2.1 and 2.2, through
//! the real daemon against a register server on loopback that answers in
//! the real APIs' shapes: what the administrators and the care home
//! receive, and what the case holds.

use crate::on_both_backends;
use crate::support::mail::{self, Mail, Mailboxes};
use crate::support::registers::{Home, Mode, Registers};
use crate::support::{ADMINS, Backend, Bed, Settings};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

/// A CQC number and an ODS code of this run.
fn ids() -> (String, String) {
    let n: u32 = rand::random::<u32>() % 900_000_000 + 100_000_000;
    (format!("1-{n}"), format!("VN{:03}", n % 1000))
}

/// A test bed whose config points `[registers]` at `server`.
async fn bed(name: &str, backend: Backend, server: &Registers) -> (Bed, PathBuf) {
    let bed = Bed::new(name, backend).await;
    let settings = Settings {
        extra: server.config(),
        ..Settings::default()
    };
    let config = bed.write_config("config.toml", &settings);
    (bed, config)
}

/// The test application (complete, with a report) for `home`, with CQC number `cqc`.
async fn apply(bed: &Bed, from: &str, home: &str, cqc: &str) -> String {
    let mid = bed.message_id("application");
    let raw = String::from_utf8(mail::application(from, &mid, home))
        .expect("utf-8")
        .replace("1-123456789", cqc);
    bed.deliver(from, raw.as_bytes(), &mid).await;
    mid
}

async fn notice_for(home: &str) -> Mail {
    let mut found = Mailboxes::wait_for(ADMINS, WAIT, "ready-for-decision notice", |m| {
        m.subject.contains("ready for decision") && m.subject.contains(home)
    })
    .await;
    assert_eq!(found.len(), 1, "one notice for {home}");
    found.remove(0)
}

/// `cases show --json` of the only case of this bed.
async fn only_case(bed: &Bed, config: &std::path::Path) -> serde_json::Value {
    let cases = bed.cases(config).await;
    assert_eq!(cases.len(), 1, "{cases:?}");
    bed.case(config, cases[0]["reference"].as_str().unwrap())
        .await
}

/// A label as the text body pads it.
fn pad(label: &str) -> String {
    format!("{:<21}", format!("{label}:"))
}

fn finding_codes(case: &serde_json::Value) -> Vec<String> {
    case["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Acceptance 1: a known identifier gives the side-by-side comparison and
/// no register notices.
async fn known_number_gives_the_comparison(backend: Backend) {
    let server = Registers::start();
    let (bed, config) = bed("reg-known", backend, &server).await;
    let home = format!("Rosewood Lodge {}", bed.tag);
    let (cqc, ods) = ids();
    server.add(&Home::matching(&cqc, &home, &ods));
    apply(&bed, "carehome1@example.test", &home, &cqc).await;
    let summary = bed.once(&config).await;
    assert!(summary.contains("1 new case(s)"), "{summary}");

    let notice = notice_for(&home).await;
    let text = &notice.text;
    assert!(
        text.contains("THE FORM BESIDE THE REGISTERS (checked"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}{home}  |  {home}", pad("Name"))),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}LS1 4AB  |  LS1 4AB", pad("Postcode"))),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{}Jane Carer  |  Jane Carer",
            pad("Registered manager")
        )),
        "{text}"
    );
    assert!(text.contains("Standards Met (2025-26, site"), "{text}");
    assert!(!text.contains("DIFFERS"), "{text}");
    assert!(!text.contains("FOR YOUR ATTENTION"), "{text}");
    assert!(!text.contains("COULD NOT CHECK"), "{text}");
    let parsed = mail_parser::MessageParser::default()
        .parse(notice.raw.as_bytes())
        .expect("the notice parses");
    let html = parsed.body_html(0).expect("an HTML part").into_owned();
    assert!(
        html.contains("<strong>The form beside the registers</strong>")
            && html.contains(&format!(
                "<td>CQC Name</td><td style=\"padding: 0 1em;\">{home}</td><td>{home}</td>"
            )),
        "the HTML part has the table too: {html}"
    );

    let case = only_case(&bed, &config).await;
    assert_eq!(case["state"], "ready_for_decision");
    assert_eq!(case["registers"]["outcome"], "checked");
    assert!(finding_codes(&case).is_empty(), "{case:#}");
    let hits = server.hits();
    for path in [
        format!("/cqc/locations/{cqc}"),
        format!("/ods/organisations/{ods}"),
        format!("/dspt/OrganisationSearch/{ods}"),
    ] {
        assert!(hits.contains(&path), "{path} not asked: {hits:?}");
    }
    // `cases show` puts the two side by side too.
    let shown = bed
        .cli_ok(
            &config,
            &["cases", "show", case["reference"].as_str().unwrap()],
        )
        .await;
    assert!(shown.contains("Registers (checked"), "{shown}");
    assert!(shown.contains("CQC Care home"), "{shown}");
}

on_both_backends!(known_number, known_number_gives_the_comparison);

/// Acceptance 1: a name mismatch, a deregistered location, a location that
/// is not a care home and a DSPT below standard each give their notice.
#[tokio::test]
async fn each_disagreement_gives_its_notice() {
    let server = Registers::start();
    let (bed, config) = bed("reg-notices", Backend::Sqlite, &server).await;
    let cases = [
        (
            "Name",
            "carehome2@example.test",
            "but the CQC register calls location",
        ),
        (
            "Dereg",
            "carehome3@example.test",
            "is Deregistered since 2025-09-30",
        ),
        (
            "NotHome",
            "carehome4@example.test",
            "does not list location",
        ),
        (
            "Dspt",
            "carehome5@example.test",
            "The DSPT shows 'Standards Not Met' for 2025-26",
        ),
    ];
    for (what, from, _) in &cases {
        let home = format!("{what} House {}", bed.tag);
        let (cqc, ods) = ids();
        let mut h = Home::matching(&cqc, &home, &ods);
        match *what {
            "Name" => h.name = format!("Oakfield Manor {}", bed.tag),
            "Dereg" => h.status = "Deregistered",
            "NotHome" => h.care_home = "N",
            _ => h.dspt = "Standards Not Met",
        }
        server.add(&h);
        apply(&bed, from, &home, &cqc).await;
    }
    let summary = bed.once(&config).await;
    assert!(summary.contains("4 new case(s)"), "{summary}");
    for (what, _, expected) in &cases {
        let home = format!("{what} House {}", bed.tag);
        let notice = notice_for(&home).await;
        let text = &notice.text;
        assert!(text.contains("FOR YOUR ATTENTION"), "{what}: {text}");
        assert!(
            text.contains(expected),
            "{what}: {expected:?} not in {text}"
        );
        assert!(text.contains("<-- DIFFERS"), "{what}: {text}");
    }
    let name = notice_for(&format!("Name House {}", bed.tag)).await;
    assert!(
        name.text.contains("calls location 1-")
            && name.text.contains(&format!("'Oakfield Manor {}'", bed.tag)),
        "{}",
        name.text
    );
}

/// Acceptance 2: a number the register does not know makes the application
/// incomplete, and the receipt asks the care home to check it.
#[tokio::test]
async fn unknown_number_asks_the_care_home_to_check_it() {
    let server = Registers::start();
    let (bed, config) = bed("reg-unknown", Backend::Sqlite, &server).await;
    let home = format!("Unknown Court {}", bed.tag);
    let (cqc, _) = ids();
    let mid = apply(&bed, "carehome1@example.test", &home, &cqc).await;
    bed.once(&config).await;

    let mut replies = Mailboxes::wait_for("carehome1@example.test", WAIT, "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &mid)
    })
    .await;
    assert_eq!(replies.len(), 1);
    let receipt = replies.remove(0);
    assert!(
        receipt.text.contains(&format!(
            "The CQC register has no location with the registration number '{cqc}'"
        )),
        "{}",
        receipt.text
    );
    assert!(
        receipt.text.contains("Please check the number"),
        "{}",
        receipt.text
    );

    let case = only_case(&bed, &config).await;
    assert_eq!(case["state"], "awaiting_information");
    assert_eq!(case["complete"], false);
    assert!(
        finding_codes(&case).contains(&"invalid".to_string()),
        "{case:#}"
    );
    assert!(
        Mailboxes::matching(ADMINS, |m| m.subject.contains(&home)).is_empty(),
        "no notice for an incomplete application"
    );

    // The care home answers with the right number: checked again, complete.
    let (right, ods) = ids();
    server.add(&Home::matching(&right, &home, &ods));
    let reply_mid = bed.message_id("reply");
    let reply = format!(
        "From: Jane Carer <carehome1@example.test>\r\nTo: {}\r\nSubject: Re: {}\r\n\
         Message-ID: <{reply_mid}>\r\nIn-Reply-To: <{mid}>\r\nReferences: <{mid}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Sorry, we gave the wrong number.\r\n\r\nCQC registration number: {right}\r\n",
        crate::support::SPONSOR,
        receipt.subject
    );
    bed.deliver("carehome1@example.test", reply.as_bytes(), &reply_mid)
        .await;
    bed.once(&config).await;
    let notice = notice_for(&home).await;
    assert!(
        notice
            .text
            .contains(&format!("{}{right}  |  {right}", pad("CQC number"))),
        "{}",
        notice.text
    );
    let case = only_case(&bed, &config).await;
    assert_eq!(case["state"], "ready_for_decision");
    assert!(finding_codes(&case).is_empty(), "{case:#}");
}

/// A published DSPT status of "Approaching Standards" or better stands in
/// for the IG Toolkit report the care home did not send.
#[tokio::test]
async fn a_published_dspt_status_stands_in_for_the_report() {
    let server = Registers::start();
    let (bed, config) = bed("reg-dspt", Backend::Sqlite, &server).await;
    let home = format!("Nopaper House {}", bed.tag);
    let (cqc, ods) = ids();
    let mut h = Home::matching(&cqc, &home, &ods);
    h.dspt = "Approaching Standards";
    server.add(&h);
    let mid = bed.message_id("application");
    let full = String::from_utf8(mail::application("carehome4@example.test", &mid, &home))
        .expect("utf-8")
        .replace("1-123456789", &cqc);
    // The same application without its report attachment.
    let cut = full
        .find("--=-=form=-=\r\nContent-Type: text/plain; charset=utf-8; name=")
        .expect("the report part");
    let raw = format!("{}--=-=form=-=--\r\n", &full[..cut]);
    bed.deliver("carehome4@example.test", raw.as_bytes(), &mid)
        .await;
    bed.once(&config).await;
    let notice = notice_for(&home).await;
    assert!(
        notice
            .text
            .contains("The published DSPT status stands in for an IG Toolkit report."),
        "{}",
        notice.text
    );
    assert!(
        notice.text.contains("assessment report not received"),
        "{}",
        notice.text
    );
    let case = only_case(&bed, &config).await;
    assert_eq!(case["state"], "ready_for_decision");
    assert!(finding_codes(&case).is_empty(), "{case:#}");
}

/// Acceptance 3: the register is down, the case goes on with "could not
/// check"; on a later round the check succeeds and the administrators are told.
#[tokio::test]
async fn register_down_then_up_on_a_later_round() {
    let server = Registers::start();
    server.set_mode(Mode::Failing);
    let (bed, config) = bed("reg-down", Backend::Sqlite, &server).await;
    let home = format!("Downton Grange {}", bed.tag);
    let (cqc, ods) = ids();
    apply(&bed, "carehome2@example.test", &home, &cqc).await;
    let t0 = chrono::Utc::now();
    let now0 = t0.to_rfc3339();
    bed.cli_ok(&config, &["--now", &now0, "once"]).await;

    let notice = notice_for(&home).await;
    assert!(
        notice
            .text
            .contains("COULD NOT CHECK: CQC register: HTTP 500"),
        "{}",
        notice.text
    );
    let case = only_case(&bed, &config).await;
    assert_eq!(case["state"], "ready_for_decision", "the case goes on");
    assert_eq!(case["registers"]["outcome"], "could_not_check");
    assert!(finding_codes(&case).contains(&"register_could_not_check".to_string()));

    // Put right; a later round (the next period of the re-check job) checks again.
    server.set_mode(Mode::Up);
    server.add(&Home::matching(&cqc, &home, &ods));
    let now1 = (t0 + chrono::Duration::minutes(20)).to_rfc3339();
    bed.cli_ok(&config, &["--now", &now1, "once"]).await;
    let updates = Mailboxes::wait_for(ADMINS, WAIT, "register update", |m| {
        m.subject.contains("the registers were checked again") && m.subject.contains(&home)
    })
    .await;
    assert_eq!(updates.len(), 1);
    let text = &updates[0].text;
    assert!(text.contains("Before: could not check"), "{text}");
    assert!(text.contains("Now:    checked."), "{text}");
    assert!(
        text.contains(&format!("{}{home}  |  {home}", pad("Name"))),
        "{text}"
    );
    let case = only_case(&bed, &config).await;
    assert_eq!(case["registers"]["outcome"], "checked");
    assert!(finding_codes(&case).is_empty(), "{case:#}");
    assert_eq!(case["state"], "ready_for_decision");

    // Nothing changes on a third round: no second email.
    let now2 = (t0 + chrono::Duration::minutes(40)).to_rfc3339();
    bed.cli_ok(&config, &["--now", &now2, "once"]).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let updates = Mailboxes::matching(ADMINS, |m| {
        m.subject.contains("the registers were checked again") && m.subject.contains(&home)
    });
    assert_eq!(updates.len(), 1, "told once");
}

/// A register that answers too slowly does not hold intake up.
#[tokio::test]
async fn a_slow_register_does_not_hold_intake() {
    let server = Registers::start();
    server.set_mode(Mode::Slow);
    let (bed, config) = bed("reg-slow", Backend::Sqlite, &server).await;
    let home = format!("Slowby Hall {}", bed.tag);
    let (cqc, _) = ids();
    apply(&bed, "carehome3@example.test", &home, &cqc).await;
    let started = Instant::now();
    let summary = bed.once(&config).await;
    let took = started.elapsed();
    assert!(summary.contains("1 new case(s)"), "{summary}");
    assert!(took < Duration::from_secs(15), "the round took {took:?}");
    let case = only_case(&bed, &config).await;
    assert_eq!(case["registers"]["outcome"], "could_not_check");
    assert_eq!(case["state"], "ready_for_decision");
    let notice = notice_for(&home).await;
    assert!(
        notice
            .text
            .contains("COULD NOT CHECK: CQC register: no answer in time"),
        "{}",
        notice.text
    );
}

/// With no CQC key the checks are off, nothing is asked, and the notice says so.
#[tokio::test]
async fn without_a_key_the_notice_says_the_checks_are_off() {
    let bed = Bed::new("reg-off", Backend::Sqlite).await;
    let config = bed.config();
    let home = format!("Keyless Court {}", bed.tag);
    let (cqc, _) = ids();
    apply(&bed, "carehome5@example.test", &home, &cqc).await;
    bed.once(&config).await;
    let notice = notice_for(&home).await;
    assert!(
        notice
            .text
            .contains("The register checks are off (no CQC key is configured)"),
        "{}",
        notice.text
    );
    let case = only_case(&bed, &config).await;
    assert_eq!(case["registers"]["outcome"], "off");
    assert_eq!(case["state"], "ready_for_decision");
}
