//! No one let in, nothing answered that should not be: forged decisions,
//! mail loops, the per-recipient limit, header injection, HTML in a care
//! home's answers, attachment names as paths, and secrets in the logs.

use crate::on_both_backends;
use crate::support::imap::Imap;
use crate::support::mail::{self, Mail, Mailboxes};
use crate::support::{ADMINS, Backend, Bed, SPONSOR, Settings, password};
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// A whole message: headers (extra ones as given), a text body, attachments (name, type, bytes).
fn email(
    from: &str,
    mid: &str,
    subject: &str,
    extra_headers: &str,
    body: &str,
    files: &[(&str, &str, &[u8])],
) -> Vec<u8> {
    use base64::Engine;
    let mut out = format!(
        "From: <{from}>\r\nTo: NHSmail Sponsorship <{SPONSOR}>\r\nSubject: {subject}\r\nDate: {}\r\nMessage-ID: <{mid}>\r\nMIME-Version: 1.0\r\n{extra_headers}",
        chrono::Utc::now().to_rfc2822()
    );
    out.push_str("Content-Type: multipart/mixed; boundary=\"=-s-=\"\r\n\r\n--=-s-=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
    out.push_str(&body.replace('\n', "\r\n"));
    out.push_str("\r\n");
    for (name, ct, bytes) in files {
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        out.push_str(&format!(
            "--=-s-=\r\nContent-Type: {ct}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n"
        ));
    }
    out.push_str("--=-s-=--\r\n");
    out.into_bytes()
}

/// The form in the body, with its CQC number made unique to `n`.
fn application_body(home_name: &str, from: &str, n: u32) -> String {
    mail::form_body(home_name, from).replace("1-123456789", &format!("1-{}", 500_000_000 + n))
}

const DSPT: &[u8] =
    b"Data Security and Protection Toolkit\nAssessment Report\nStatus: Standards Met\n";

fn message_id_of(mail: &Mail) -> String {
    let line = mail
        .raw
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
        .expect("Message-ID");
    line.split_once(':')
        .map(|(_, v)| v.trim().trim_matches(['<', '>']).to_string())
        .unwrap_or_default()
}

/// The HTML part of a received email.
fn html_of(mail: &Mail) -> String {
    let bytes = std::fs::read(&mail.path).expect("read mail");
    let m = mail_parser::MessageParser::default()
        .parse(&bytes)
        .expect("parse mail");
    m.body_html(0).expect("an HTML part").into_owned()
}

async fn notice_for(home_name: &str) -> Mail {
    let mut found = Mailboxes::wait_for(ADMINS, WAIT, "ready-for-decision notice", |m| {
        m.subject.contains("ready for decision") && m.subject.contains(home_name)
    })
    .await;
    assert_eq!(found.len(), 1, "one notice for {home_name}");
    found.remove(0)
}

fn decision_code(notice: &Mail) -> String {
    let at = notice.text.find("Decision code: ").expect("decision code");
    notice.text[at + 15..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

async fn only_case(bed: &Bed, config: &Path) -> serde_json::Value {
    let cases = bed.cases(config).await;
    assert_eq!(cases.len(), 1, "{cases:#?}");
    let reference = cases[0]["reference"]
        .as_str()
        .expect("reference")
        .to_string();
    bed.case(config, &reference).await
}

/// An administrator's From with no code or a wrong one, and a stranger
/// with the right one: the case does not move; each is reported.
#[tokio::test]
async fn forged_decisions_never_change_a_case() {
    let home = "carehome4@example.test";
    let bed = Bed::new("forged", Backend::Sqlite).await;
    let config = bed.config();
    let name = format!("Birch House {}", bed.tag);
    let app = bed.message_id("app");
    let raw = email(
        home,
        &app,
        "NHSmail application",
        "",
        &application_body(&name, home, 1),
        &[("DSPT report.txt", "text/plain", DSPT)],
    );
    bed.deliver(home, &raw, &app).await;
    bed.once(&config).await;
    let notice = notice_for(&name).await;
    let code = decision_code(&notice);
    assert_eq!(code.len(), 12);
    let wrong: String = code
        .chars()
        .map(|c| if c == '0' { '1' } else { '0' })
        .collect();
    let reply_to = message_id_of(&notice);
    let thread = format!("In-Reply-To: <{reply_to}>\r\nReferences: <{reply_to}>\r\n");
    let subject = format!("Re: {}", notice.subject);

    // 1. The administrators' address, no code. 2. The same, a wrong code.
    // 3. Someone else, quoting the notice with the right code.
    let attempts = [
        (ADMINS, "no code", "Approve".to_string(), "decision code"),
        (
            ADMINS,
            "wrong code",
            format!("Approve\n\nDecision code: {wrong}"),
            "decision code",
        ),
        (
            "outside@example.test",
            "stranger",
            format!("Approve\n\nDecision code: {code}"),
            "administrator",
        ),
    ];
    let reference = only_case(&bed, &config).await["reference"]
        .as_str()
        .unwrap()
        .to_string();
    for (n, (from, what, body, reason)) in attempts.into_iter().enumerate() {
        let mid = bed.message_id(&what.replace(' ', "-"));
        let raw = email(from, &mid, &subject, &thread, &body, &[]);
        // A forged From is typed by whoever sends: the care home submits it.
        bed.deliver(home, &raw, &mid).await;
        let summary = bed.once(&config).await;
        let case = bed.case(&config, &reference).await;
        assert_eq!(
            case["state"], "ready_for_decision",
            "{what}: {summary}\n{case:#}"
        );
        assert!(
            case["history"].as_array().unwrap().iter().all(|e| {
                let ev = e["event"].as_str().unwrap_or_default();
                !ev.contains("approv") && !ev.contains("reject")
            }),
            "{what}: {case:#}"
        );
        // One more refusal report about this test's case, saying why.
        let deadline = std::time::Instant::now() + WAIT;
        let reports = loop {
            let r = Mailboxes::matching(ADMINS, |m| {
                m.subject.contains("NOT acted on") && m.text.contains(&bed.tag)
            });
            if r.len() > n || std::time::Instant::now() > deadline {
                break r;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(reports.len(), n + 1, "{what}: {reports:#?}");
        assert!(
            reports
                .iter()
                .any(|m| m.text.contains(from) && m.text.contains(reason)),
            "{what}: {reports:#?}"
        );
        // The care home was told nothing about it.
        assert!(
            Mailboxes::matching(home, |m| m.refers_to(&mid)).is_empty(),
            "{what} was answered"
        );
    }
    assert!(
        Mailboxes::matching(home, |m| m.in_reply_to.iter().any(|r| r == &app)
            && m.subject.contains("approved"))
        .is_empty(),
        "no approval went out"
    );
}

/// Loops: a care home's auto-responder answering our receipt (with and
/// without RFC 3834 headers but with an out-of-office subject), our own
/// receipt coming back, and another sponsor-intake acknowledging us are
/// recorded and never answered.
#[tokio::test]
async fn mail_loops_are_never_answered() {
    let home = "carehome3@example.test";
    let bed = Bed::new("loops", Backend::Sqlite).await;
    let config = bed.config();
    let name = format!("Cedar Court {}", bed.tag);
    let app = bed.message_id("app");
    let raw = email(
        home,
        &app,
        "NHSmail application",
        "",
        &application_body(&name, home, 2),
        &[("DSPT report.txt", "text/plain", DSPT)],
    );
    bed.deliver(home, &raw, &app).await;
    bed.once(&config).await;
    let receipt = Mailboxes::wait_for(home, WAIT, "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &app)
    })
    .await
    .remove(0);
    let receipt_id = message_id_of(&receipt);
    let thread = format!("In-Reply-To: <{receipt_id}>\r\nReferences: <{app}> <{receipt_id}>\r\n");

    let mut loops = Vec::new();
    // The care home's auto-responder, RFC 3834.
    let mid = bed.message_id("auto");
    loops.push(mid.clone());
    let raw = email(
        home,
        &mid,
        &format!("Automatic reply: {}", receipt.subject),
        &format!("{thread}Auto-Submitted: auto-replied\r\n"),
        "I am away until Monday.",
        &[],
    );
    bed.deliver(home, &raw, &mid).await;
    // An older auto-responder: no headers, an out-of-office subject.
    let mid = bed.message_id("ooo");
    loops.push(mid.clone());
    let raw = email(
        home,
        &mid,
        &format!("Out of Office: {}", receipt.subject),
        &thread,
        "Thank you for your email. I am out of the office.",
        &[],
    );
    bed.deliver(home, &raw, &mid).await;
    // Our own receipt, bounced back into the mailbox as it was.
    loops.push(receipt_id.clone());
    let mut imap = Imap::login(SPONSOR).await;
    imap.append(&bed.incoming, receipt.raw.as_bytes()).await;
    // Another sponsor's sponsor-intake acknowledging our receipt (its
    // marker header, no Auto-Submitted): two daemons must not talk forever.
    let mid = bed.message_id("other-daemon");
    loops.push(mid.clone());
    let raw = email(
        "outside@example.test",
        &mid,
        "LSM-2026-0042: we have received your NHSmail application",
        &format!("{thread}X-Sponsor-Intake: other-icb\r\n"),
        "Thank you for your application. Our reference is LSM-2026-0042.",
        &[],
    );
    bed.deliver("outside@example.test", &raw, &mid).await;

    let summary = bed.once(&config).await;
    assert!(
        summary.contains("4 recorded without reply") && summary.contains("0 email(s) sent"),
        "{summary}"
    );
    for mid in &loops {
        assert_eq!(imap.find(&bed.processed, mid).await.len(), 1, "{mid} filed");
    }
    imap.logout().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    for mid in &loops {
        let answers: Vec<_> = Mailboxes::anywhere(mid)
            .into_iter()
            .filter(|m| !m.path.starts_with(Mailboxes::maildir(SPONSOR)) && m.refers_to(mid))
            .collect();
        assert!(answers.is_empty(), "{mid} was answered: {answers:#?}");
    }
    assert_eq!(
        Mailboxes::matching(home, |m| m.refers_to(&app)).len(),
        1,
        "only the receipt"
    );
    assert!(Mailboxes::matching("outside@example.test", |m| m.raw.contains(&bed.tag)).is_empty());
}

on_both_backends!(
    replies_to_one_sender_are_rate_limited_and_the_excess_reported,
    rate_limited
);

/// `outbox.max_per_recipient_per_hour`: the emails over the limit are held,
/// not sent, and the administrators are told once for the burst.
async fn rate_limited(backend: Backend) {
    let home = "carehome2@example.test";
    let bed = Bed::new("ratelimit", backend).await;
    let path = bed.write_config("config.toml", &Settings::default());
    let toml = std::fs::read_to_string(&path).unwrap().replace(
        "max_attempts = 5\n",
        "max_attempts = 5\nmax_per_recipient_per_hour = 1\n",
    );
    std::fs::write(&path, toml).unwrap();
    let config = path;
    bed.cli_ok(&config, &["check-config"]).await;
    let mut apps = Vec::new();
    for n in 0..5 {
        let name = format!("Elm Lodge {n} {}", bed.tag);
        let mid = bed.message_id("app");
        let raw = email(
            home,
            &mid,
            "NHSmail application",
            "",
            &application_body(&name, home, 10 + n),
            &[("DSPT report.txt", "text/plain", DSPT)],
        );
        bed.deliver(home, &raw, &mid).await;
        apps.push(mid);
    }
    bed.once(&config).await;
    let mut statuses = Vec::new();
    let mut held = Vec::new();
    for c in bed.cases(&config).await {
        let case = bed.case(&config, c["reference"].as_str().unwrap()).await;
        for m in case["messages_out"].as_array().unwrap() {
            if m["purpose"] == "receipt" {
                statuses.push(m["status"].as_str().unwrap().to_string());
                if m["status"] == "held" {
                    held.push(m["message_id"].as_str().unwrap().to_string());
                }
            }
        }
    }
    statuses.sort();
    assert_eq!(
        statuses,
        ["held", "held", "held", "held", "sent"],
        "receipts' statuses"
    );
    let is_report = |m: &crate::support::mail::Mail| {
        m.subject.contains("was held")
            && m.text.contains(home)
            && held.iter().any(|h| m.text.contains(h.as_str()))
    };
    Mailboxes::wait_for(ADMINS, WAIT, "held-email report", is_report).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let reports = Mailboxes::matching(ADMINS, is_report);
    assert_eq!(reports.len(), 1, "one report for the burst: {reports:#?}");
    assert!(
        reports[0].text.contains("Any more emails to"),
        "{}",
        reports[0].text
    );
    let receipts: usize = apps
        .iter()
        .map(|a| Mailboxes::matching(home, |m| m.in_reply_to.iter().any(|r| r == a)).len())
        .sum();
    assert_eq!(receipts, 1, "one receipt sent, four held");
    // The administrators' emails are not limited: every notice went.
    for n in 0..5 {
        notice_for(&format!("Elm Lodge {n} {}", bed.tag)).await;
    }
}

/// A care home's HTML is escaped in every notice, CR/LF in its name or
/// subject never makes a header in our emails, and an attachment named
/// `../../etc/passwd` is never used as a path.
#[tokio::test]
async fn hostile_names_html_and_paths_stay_inert() {
    let home = "carehome1@example.test";
    let bed = Bed::new("inert", Backend::Sqlite).await;
    let config = bed.config();
    // Values a reader keeps (a name with an ampersand, a justification
    // with markup) carry HTML into every notice.
    let name = format!("Oak & Ash \"Lodge\" {}", bed.tag);
    let body = application_body(&name, home, 3).replace(
        "Business justification: Two managers cover seven days a week.",
        "Business justification: <script>alert(1)</script><a href=\"http://evil.example/\">Two managers</a> <img src=x onerror=alert(2)> cover the week.",
    );
    let app = bed.message_id("app");
    let passwd_before = std::fs::metadata("/etc/passwd")
        .and_then(|m| m.modified())
        .ok();
    let raw = email(
        home,
        &app,
        // An encoded subject with CR/LF inside, meant to add a Bcc to our reply.
        "=?utf-8?B?TkhTbWFpbCBhcHBsaWNhdGlvbg0KQmNjOiBvdXRzaWRlQGV4YW1wbGUudGVzdA==?=",
        "",
        &body,
        &[
            ("DSPT report.txt", "text/plain", DSPT),
            (
                "../../etc/passwd",
                "text/plain",
                b"root:x:0:0:pwned:/root:/bin/bash\n",
            ),
            ("..\\..\\boot.ini", "text/plain", b"[boot loader]\n"),
        ],
    );
    bed.deliver(home, &raw, &app).await;
    bed.once(&config).await;
    let receipt = Mailboxes::wait_for(home, WAIT, "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &app)
    })
    .await
    .remove(0);
    let notice = Mailboxes::wait_for(ADMINS, WAIT, "notice", |m| {
        m.subject.contains("ready for decision")
            && (m.subject.contains(&bed.tag) || m.text.contains(&bed.tag))
    })
    .await
    .remove(0);
    let receipt_html = html_of(&receipt);
    assert!(receipt_html.contains("Oak &amp; Ash"), "{receipt_html}");
    assert!(!receipt_html.contains("Oak & Ash"), "{receipt_html}");
    let notice_html = html_of(&notice);
    assert!(notice_html.contains("Oak &amp; Ash"), "{notice_html}");
    assert!(
        notice_html.contains("&lt;script&gt;"),
        "the justification, escaped: {notice_html}"
    );
    for (what, mail) in [("receipt", &receipt), ("notice", &notice)] {
        let html = html_of(mail);
        assert!(
            !html.contains("<script")
                && !html.contains("<img")
                && !html.contains("evil.example/\">"),
            "{what}: {html}"
        );
        let head = mail.raw.split("\r\n\r\n").next().unwrap_or_default();
        assert!(
            !head
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{what}: {head}"
        );
    }
    // Nobody else was copied.
    assert!(Mailboxes::matching("outside@example.test", |m| m.raw.contains(&bed.tag)).is_empty());
    // Nothing was written under an attachment's name: the state holds only
    // raw messages named by their digest.
    let mut files = Vec::new();
    let mut stack = vec![bed.dir.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    for f in &files {
        let n = f.file_name().unwrap().to_string_lossy();
        assert!(
            !n.contains("passwd") && !n.contains("boot"),
            "{}",
            f.display()
        );
        if f.starts_with(bed.dir.path().join("state")) {
            let stem = n.trim_end_matches(".eml");
            assert!(
                n.ends_with(".eml")
                    && stem.len() == 64
                    && stem.chars().all(|c| c.is_ascii_hexdigit()),
                "unexpected file in the state directory: {}",
                f.display()
            );
        }
    }
    assert_eq!(
        std::fs::metadata("/etc/passwd")
            .and_then(|m| m.modified())
            .ok(),
        passwd_before
    );
    // The notice's attachments keep no path in their names.
    assert!(!notice.raw.contains("filename=\"../"), "{}", notice.raw);
    assert!(!notice.raw.contains("filename=\"..\\"), "{}", notice.raw);
}

/// Secrets never reach the log, even at the most verbose level.
#[tokio::test]
async fn secrets_are_never_logged_even_at_trace() {
    let home = "carehome5@example.test";
    let bed = Bed::new("secrets", Backend::Sqlite).await;
    let path = bed.write_config("config.toml", &Settings::default());
    let toml = std::fs::read_to_string(&path)
        .unwrap()
        .replace("level = \"info\"", "level = \"trace\"");
    std::fs::write(&path, toml).unwrap();
    let app = bed.message_id("app");
    let raw = email(
        home,
        &app,
        "NHSmail application",
        "",
        &application_body(&format!("Ash {}", bed.tag), home, 4),
        &[("DSPT report.txt", "text/plain", DSPT)],
    );
    bed.deliver(home, &raw, &app).await;
    let mut outputs = Vec::new();
    for args in [&["once"][..], &["check-config"][..], &["reconcile"][..]] {
        let out = bed.run_cli(&path, args).await;
        outputs.push(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    // RUST_LOG overrides the configured level: at its most verbose too.
    let mut c = bed.command(&path, &["once"]);
    c.env("RUST_LOG", "trace,async_imap=trace,lettre=trace,sqlx=trace");
    let out = tokio::task::spawn_blocking(move || c.output().expect("run"))
        .await
        .expect("join");
    outputs.push(String::from_utf8_lossy(&out.stderr).into_owned());
    let all = outputs.join("\n");
    assert!(
        all.contains("TRACE") || all.contains("DEBUG"),
        "verbose logging is on: {all}"
    );
    Mailboxes::wait_for(home, WAIT, "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &app)
    })
    .await;
    use base64::Engine;
    let secret = password(SPONSOR);
    let b64 = base64::engine::general_purpose::STANDARD;
    for needle in [
        secret.clone(),
        b64.encode(format!("\0{SPONSOR}\0{secret}")),
        b64.encode(&secret),
    ] {
        let lines: Vec<&str> = all.lines().filter(|l| l.contains(&needle)).collect();
        assert!(lines.is_empty(), "{needle:?} in the log: {lines:#?}");
    }
}
