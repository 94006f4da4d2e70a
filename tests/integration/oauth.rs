//! Issue 6: signing in to IMAP and SMTP with OAuth2 tokens, as NHSmail
//! (Exchange Online) asks. Dovecot checks every token against the local
//! token service (its oauth2 passdb, introspection) and Postfix
//! authenticates through Dovecot, so a token the service does not know,
//! or one that has expired, is refused by the real servers.

use crate::intake::{receipts, send_application};
use crate::support::mail::Mailboxes;
use crate::support::oauth::{self, control, count};
use crate::support::{ADMINS, Backend, Bed, SPONSOR, Settings};
use std::io::BufRead;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// A client id of this test's own.
fn client_id(bed: &Bed) -> String {
    format!("app-{}", bed.tag)
}

/// Runs `sponsor-intake login`, reads the code it prints, signs in as the
/// sponsor's mailbox at the token service (as the administrator would in a
/// browser), and waits for `login` to store the refresh token.
async fn login(bed: &Bed, config: &Path) -> String {
    let mut child = bed
        .command(config, &["login"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start login");
    let stdout = child.stdout.take().expect("stdout");
    let printed = tokio::task::spawn_blocking(move || {
        let mut seen = String::new();
        let mut reader = std::io::BufReader::new(stdout);
        let mut line = String::new();
        while reader.read_line(&mut line).expect("login output") > 0 {
            seen.push_str(&line);
            if let Some(rest) = line.split("enter the code ").nth(1) {
                let code = rest.split_whitespace().next().unwrap_or("").to_string();
                return (seen, code, child, reader);
            }
            line.clear();
        }
        let _ = child.kill();
        let status = child.wait();
        panic!("login printed no code ({status:?}): {seen}");
    })
    .await
    .expect("join");
    let (mut seen, code, child, mut reader) = printed;
    assert!(seen.contains("https://microsoft.com/devicelogin"), "{seen}");
    control(
        "/control/approve",
        serde_json::json!({"user_code": code, "username": SPONSOR}),
    );
    let out = tokio::task::spawn_blocking(move || {
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut reader, &mut rest).expect("login output");
        (rest, child.wait_with_output().expect("login"))
    })
    .await
    .expect("join");
    let (rest, out) = out;
    seen.push_str(&rest);
    assert!(
        out.status.success(),
        "login failed: {seen}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(seen.contains("Signed in."), "{seen}");
    seen
}

fn stored_token_file(bed: &Bed) -> std::path::PathBuf {
    bed.dir.path().join("state/oauth2/refresh-token.json")
}

fn stored_refresh_token(bed: &Bed) -> String {
    let text = std::fs::read_to_string(stored_token_file(bed)).expect("token file");
    let v: serde_json::Value = serde_json::from_str(&text).expect("token JSON");
    v["refresh_token"]
        .as_str()
        .expect("refresh_token")
        .to_string()
}

/// Acceptance 1 and 2 (first half): `login` stores a refresh token (0600);
/// the daemon signs in to IMAP and SMTP with XOAUTH2 and the backbone's
/// flow (application in, receipt in the care home's mailbox) passes.
#[tokio::test]
async fn xoauth2_after_login_takes_in_and_answers() {
    let care_home = "carehome2@example.test";
    let bed = Bed::new("oauth-x", Backend::Sqlite).await;
    let client = client_id(&bed);
    let config = bed.write_config(
        "config.toml",
        &Settings {
            imap_auth: "xoauth2",
            smtp_auth: "xoauth2",
            extra: oauth::device_code_section(&client),
            ..Settings::default()
        },
    );
    // Before `login`, the daemon says what to do.
    let out = bed.run_cli(&config, &["once"]).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("run `sponsor-intake login`"), "{err}");

    login(&bed, &config).await;
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(stored_token_file(&bed))
        .expect("token file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the refresh token is owner-only");
    let first = stored_refresh_token(&bed);
    let log = std::fs::read_to_string(stored_token_file(&bed)).unwrap();
    assert!(first.starts_with("rt-"), "{log}");

    let mid = send_application(&bed, care_home).await;
    let out = bed.run_cli(&config, &["once"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{}\n{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr.contains("auth=\"XOAUTH2\"") || stderr.contains("auth=XOAUTH2"),
        "{stderr}"
    );
    assert!(!stderr.contains(&first), "a token in the log: {stderr}");
    // Delivery after `once` is asynchronous: wait for the receipt, then count.
    Mailboxes::wait_for(care_home, Duration::from_secs(30), "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &mid)
    })
    .await;
    assert_eq!(receipts(care_home, &mid).len(), 1, "one receipt");
    assert_eq!(bed.cases(&config).await.len(), 1);
    // The refresh token was used and rotated; the new one was saved.
    assert!(count(&client, "refresh") >= 1);
    assert_ne!(
        stored_refresh_token(&bed),
        first,
        "the rotated token is saved"
    );
    // Dovecot saw a valid token (IMAP, and SMTP through Postfix's SASL).
    assert!(
        count(&client, "introspect_active") >= 2,
        "{}",
        oauth::stats(&client)
    );

    let report = bed.cli_ok(&config, &["check-config", "--connect"]).await;
    assert!(
        report.contains("signed in to 127.0.0.1 as sponsor@example.test (XOAUTH2)"),
        "{report}"
    );
    assert!(
        report.contains("outbox:    signed in to 127.0.0.1 (XOAUTH2)"),
        "{report}"
    );
    assert!(report.contains("lapses by"), "{report}");
    assert!(
        report.contains("90 days left") || report.contains("89 days left"),
        "{report}"
    );
}

/// Acceptance 1 with OAUTHBEARER for IMAP (SMTP: XOAUTH2, lettre has no
/// OAUTHBEARER), tokens from the client-credentials flow of an application.
#[tokio::test]
async fn oauthbearer_with_client_credentials_takes_in_and_answers() {
    let care_home = "carehome3@example.test";
    let bed = Bed::new("oauth-b", Backend::Sqlite).await;
    let client = client_id(&bed);
    control(
        "/control/client",
        serde_json::json!({"client_id": client, "client_secret": "app-secret", "username": SPONSOR}),
    );
    let config = bed.write_config(
        "config.toml",
        &Settings {
            imap_auth: "oauthbearer",
            smtp_auth: "xoauth2",
            extra: oauth::client_credentials_section(&client),
            ..Settings::default()
        },
    );
    let mid = send_application(&bed, care_home).await;
    let out = bed
        .command(&config, &["once"])
        .env("SI_TEST_CLIENT_SECRET", "app-secret")
        .output()
        .expect("once");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("OAUTHBEARER"), "{stderr}");
    assert!(!stderr.contains("at-"), "a token in the log: {stderr}");
    // Delivery after `once` is asynchronous: wait for the receipt, then count.
    Mailboxes::wait_for(care_home, Duration::from_secs(30), "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &mid)
    })
    .await;
    assert_eq!(receipts(care_home, &mid).len(), 1, "one receipt");
    assert_eq!(
        count(&client, "client_credentials"),
        1,
        "{}",
        oauth::stats(&client)
    );

    // A wrong secret: refused, and the message says what to check.
    let out = bed
        .command(&config, &["once"])
        .env("SI_TEST_CLIENT_SECRET", "wrong")
        .output()
        .expect("once");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("invalid_client"), "{stderr}");
    assert!(stderr.contains("app registration"), "{stderr}");
    assert!(!stderr.contains("wrong"), "the secret in the log: {stderr}");
}

/// Acceptance 2 (second half): access tokens that live 6 seconds. The
/// daemon renews them on its own, signs in again before one expires while
/// it idles, and still answers mail that comes after several expiries.
#[tokio::test]
async fn renews_access_tokens_that_expire_while_idling() {
    let care_home = "carehome4@example.test";
    let bed = Bed::new("oauth-r", Backend::Sqlite).await;
    let client = client_id(&bed);
    control(
        "/control/lifetime",
        serde_json::json!({"client_id": client, "seconds": 6}),
    );
    let config = bed.write_config(
        "config.toml",
        &Settings {
            backlog: "start-from-now",
            imap_auth: "xoauth2",
            smtp_auth: "xoauth2",
            extra: oauth::device_code_section(&client),
            ..Settings::default()
        },
    );
    login(&bed, &config).await;
    let mut daemon = bed.spawn_daemon(&config);
    daemon
        .wait_for_log("signed in to the mailbox", Duration::from_secs(20))
        .await;
    // Two lifetimes pass in IDLE: the first token has long expired.
    daemon
        .wait_for_log("signing in to the mailbox again", Duration::from_secs(20))
        .await;
    tokio::time::sleep(Duration::from_secs(8)).await;
    let refreshes = count(&client, "refresh");
    assert!(
        refreshes >= 2,
        "renewed on its own: {}",
        oauth::stats(&client)
    );

    let mid = send_application(&bed, care_home).await;
    let got = Mailboxes::wait_for(care_home, Duration::from_secs(30), "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &mid)
    })
    .await;
    assert_eq!(got.len(), 1, "{}", daemon.log_text());
    let log = daemon.log_text();
    assert!(log.contains("access token renewed"), "{log}");
    assert!(!log.contains("sign-in was refused"), "{log}");
    assert_eq!(daemon.terminate(Duration::from_secs(10)).await, Some(0));
    assert_eq!(bed.cases(&config).await.len(), 1);
}

/// Acceptance 3: the refresh token is revoked (as a password change does).
/// One clear error per attempt, with backoff, and the administrators are
/// told once; the application that arrives meanwhile waits; after `login`
/// the daemon recovers by itself: one case, one receipt.
#[tokio::test]
async fn revoked_refresh_token_backs_off_and_recovers_after_login() {
    let care_home = "carehome5@example.test";
    let started = std::time::SystemTime::now();
    let bed = Bed::new("oauth-v", Backend::Sqlite).await;
    let client = client_id(&bed);
    control(
        "/control/lifetime",
        serde_json::json!({"client_id": client, "seconds": 6}),
    );
    let config = bed.write_config(
        "config.toml",
        &Settings {
            backlog: "start-from-now",
            imap_auth: "xoauth2",
            smtp_auth: "xoauth2",
            extra: oauth::device_code_section(&client),
            ..Settings::default()
        },
    );
    login(&bed, &config).await;
    let mut daemon = bed.spawn_daemon(&config);
    daemon
        .wait_for_log("signed in to the mailbox", Duration::from_secs(20))
        .await;

    control("/control/revoke", serde_json::json!({"client_id": client}));
    control("/control/expire", serde_json::json!({"client_id": client}));
    daemon
        .wait_for_log("the mailbox sign-in was refused", Duration::from_secs(30))
        .await;
    let mid = send_application(&bed, care_home).await;
    // Let a few attempts go by: each says what to do, and they slow down.
    tokio::time::sleep(Duration::from_secs(8)).await;
    let log = daemon.log_text();
    let refusals: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("the mailbox sign-in was refused; new mail waits"))
        .collect();
    assert!(refusals.len() >= 2, "{log}");
    assert!(refusals.len() <= 6, "backoff, not a busy loop: {log}");
    assert!(
        refusals
            .iter()
            .all(|l| l.contains("run `sponsor-intake login` again")),
        "{log}"
    );
    assert!(
        receipts(care_home, &mid).is_empty(),
        "nothing taken in while refused"
    );

    login(&bed, &config).await;
    let got = Mailboxes::wait_for(care_home, Duration::from_secs(60), "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &mid)
    })
    .await;
    assert_eq!(got.len(), 1, "{}", daemon.log_text());
    daemon
        .wait_for_log("mailbox connection restored", Duration::from_secs(5))
        .await;
    // The administrators' notice waited in the outbox and went once SMTP
    // worked again. (Only this test has sign-ins refused; earlier runs on
    // the same servers are told apart by the delivery time.)
    let notices = Mailboxes::wait_for(ADMINS, Duration::from_secs(30), "refusal notice", |m| {
        m.subject.contains("can no longer sign in")
            && m.text.contains("sponsor-intake login")
            && std::fs::metadata(&m.path)
                .and_then(|f| f.modified())
                .is_ok_and(|t| t >= started)
    })
    .await;
    assert_eq!(notices.len(), 1, "{notices:#?}");
    assert_eq!(daemon.terminate(Duration::from_secs(10)).await, Some(0));
    assert_eq!(bed.cases(&config).await.len(), 1);
    assert_eq!(receipts(care_home, &mid).len(), 1);
}

/// Credential health: a sign-in that lapses within `warn_before_days` (here
/// a yearly password change, `refresh_token_max_age_days = 1`) is reported by
/// `check-config --connect`, logged, and the administrators are emailed once.
#[tokio::test]
async fn warns_before_the_stored_sign_in_lapses() {
    let started = std::time::SystemTime::now();
    let bed = Bed::new("oauth-w", Backend::Sqlite).await;
    let client = client_id(&bed);
    let config = bed.write_config(
        "config.toml",
        &Settings {
            backlog: "start-from-now",
            imap_auth: "xoauth2",
            smtp_auth: "xoauth2",
            extra: format!(
                "{}refresh_token_max_age_days = 1\n",
                oauth::device_code_section(&client)
            ),
            ..Settings::default()
        },
    );
    login(&bed, &config).await;
    let report = bed.cli_ok(&config, &["check-config", "--connect"]).await;
    assert!(
        report.contains("run `sponsor-intake login` again soon"),
        "{report}"
    );
    let mut daemon = bed.spawn_daemon(&config);
    daemon
        .wait_for_log("lapses soon", Duration::from_secs(20))
        .await;
    let warned = Mailboxes::wait_for(ADMINS, Duration::from_secs(30), "lapse warning", |m| {
        m.subject
            .contains("sign-in to sponsor@example.test lapses on")
            && std::fs::metadata(&m.path)
                .and_then(|f| f.modified())
                .is_ok_and(|t| t >= started)
    })
    .await;
    assert_eq!(warned.len(), 1, "{warned:#?}");
    assert!(
        warned[0].text.contains("sponsor-intake login"),
        "{}",
        warned[0].text
    );
    assert_eq!(daemon.terminate(Duration::from_secs(10)).await, Some(0));
    // A restart does not warn again for the same sign-in.
    let mut daemon = bed.spawn_daemon(&config);
    daemon
        .wait_for_log("signed in to the mailbox", Duration::from_secs(20))
        .await;
    assert_eq!(daemon.terminate(Duration::from_secs(10)).await, Some(0));
    assert!(
        !daemon.log_text().contains("lapses soon"),
        "{}",
        daemon.log_text()
    );
}

/// The client-credentials flow with a certificate (an RS256 client
/// assertion, checked by the token service) instead of a secret: both
/// servers accept the token; a key that does not match is refused.
#[tokio::test]
async fn certificate_credentials_sign_in_to_both_servers() {
    let bed = Bed::new("oauth-c", Backend::Sqlite).await;
    let client = client_id(&bed);
    let d = bed.dir.path();
    let make = |name: &str| {
        let ok = std::process::Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args(["-subj", "/CN=sponsor-intake test app"])
            .arg("-keyout")
            .arg(d.join(format!("{name}.key")))
            .arg("-out")
            .arg(d.join(format!("{name}.pem")))
            .output()
            .expect("openssl");
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
    };
    make("app");
    make("other");
    let cert = std::fs::read_to_string(d.join("app.pem")).expect("cert");
    control(
        "/control/client",
        serde_json::json!({"client_id": client, "certificate_pem": cert, "username": SPONSOR}),
    );
    let section = |key: &str| {
        format!(
            "\n[oauth2]\nflow = \"client-credentials\"\nauthority = \"{}\"\nclient_id = \"{client}\"\nclient_certificate_file = \"{}\"\nclient_key_file = \"{}\"\n",
            oauth::base_url(),
            d.join("app.pem").display(),
            d.join(format!("{key}.key")).display()
        )
    };
    let settings = |key: &str| Settings {
        imap_auth: "xoauth2",
        smtp_auth: "xoauth2",
        extra: section(key),
        ..Settings::default()
    };
    let good = bed.write_config("good.toml", &settings("app"));
    let report = bed.cli_ok(&good, &["check-config", "--connect"]).await;
    assert!(report.contains("(XOAUTH2)"), "{report}");
    assert!(report.contains("outbox:    signed in"), "{report}");
    assert_eq!(
        count(&client, "client_credentials"),
        1,
        "{}",
        oauth::stats(&client)
    );

    let bad = bed.write_config("bad.toml", &settings("other"));
    let out = bed.run_cli(&bad, &["check-config", "--connect"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(69), "{stderr}");
    assert!(stderr.contains("invalid_client"), "{stderr}");
}

/// `flow = "command"`: the site's own tooling prints the access token.
#[tokio::test]
async fn token_command_output_signs_in() {
    let care_home = "carehome1@example.test";
    let bed = Bed::new("oauth-k", Backend::Sqlite).await;
    let client = client_id(&bed);
    control(
        "/control/client",
        serde_json::json!({"client_id": client, "client_secret": "s", "username": SPONSOR}),
    );
    let token_file = bed.dir.path().join("token.txt");
    std::fs::write(
        &token_file,
        oauth::client_credentials_token(&client, "s") + "\n",
    )
    .unwrap();
    let section = |file: &Path| {
        format!(
            "\n[oauth2]\nflow = \"command\"\ntoken_command = [\"cat\", \"{}\"]\n",
            file.display()
        )
    };
    let config = bed.write_config(
        "config.toml",
        &Settings {
            imap_auth: "oauthbearer",
            smtp_auth: "xoauth2",
            extra: section(&token_file),
            ..Settings::default()
        },
    );
    let mid = send_application(&bed, care_home).await;
    bed.once(&config).await;
    // Delivery after `once` is asynchronous: wait for the receipt, then count.
    Mailboxes::wait_for(care_home, Duration::from_secs(30), "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &mid)
    })
    .await;
    assert_eq!(receipts(care_home, &mid).len(), 1, "one receipt");

    let broken = bed.write_config(
        "broken.toml",
        &Settings {
            imap_auth: "xoauth2",
            smtp_auth: "xoauth2",
            extra: section(&bed.dir.path().join("missing.txt")),
            ..Settings::default()
        },
    );
    let out = bed.run_cli(&broken, &["once"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("oauth2.token_command: cat failed"),
        "{stderr}"
    );
}
