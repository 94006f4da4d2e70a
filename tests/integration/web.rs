//! The administrators' web console (issue 19, first slice), served by the
//! daemon (`run`) from the same database: nothing without a session, no
//! action without the session's CSRF token, one-time sign-in links, form
//! text shown as text, and an approval on the web that reaches the care
//! home exactly as one on the command line does.

mod browser;

use crate::casework::{email, report};
use crate::support::mail::{self, Mailboxes};
use crate::support::{ADMINS, Backend, Bed, Daemon, Settings};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

/// A daemon with the console on a free port, and an HTTP client that
/// follows no redirects and keeps no cookies (each test says which it sends).
struct Console {
    base: String,
    http: reqwest::Client,
    config: PathBuf,
    daemon: Daemon,
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn client() -> reqwest::Client {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("HTTP client")
}

/// A second administrator, who may sign in to the console.
const ADMIN2: &str = "admin2@example.test";

/// The `[web]` section on `port`.
fn web_section(port: u16) -> String {
    format!("[web]\nlisten = \"127.0.0.1:{port}\"\nadministrators = [\"{ADMINS}\", \"{ADMIN2}\"]\n")
}

impl Console {
    async fn start(bed: &Bed) -> Console {
        Console::start_with(bed, Settings::default()).await
    }

    /// The daemon with `settings` and the console on a free port.
    async fn start_with(bed: &Bed, settings: Settings) -> Console {
        let port = free_port();
        let config = bed.write_config(
            "config.toml",
            &Settings {
                extra: format!("{}\n{}", settings.extra, web_section(port)),
                ..settings
            },
        );
        Console::spawn(bed, config, port).await
    }

    /// Starts the daemon on a configuration that serves the console on `port`.
    async fn spawn(bed: &Bed, config: PathBuf, port: u16) -> Console {
        let mut daemon = bed.spawn_daemon(&config);
        daemon
            .wait_for_log("web console listening", Duration::from_secs(20))
            .await;
        Console {
            base: format!("http://127.0.0.1:{port}"),
            http: client(),
            config,
            daemon,
        }
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut r = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            r = r.header("Cookie", c);
        }
        r.send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    async fn post(
        &self,
        path: &str,
        cookie: Option<&str>,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(c) = cookie {
            r = r.header("Cookie", c);
        }
        r.send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    /// Opens a sign-in link and presses "Sign in"; the answer to the press.
    async fn use_link(&self, link: &str) -> reqwest::Response {
        let path = link
            .strip_prefix(&self.base)
            .expect("the link is on the console");
        let page = self.get(path, None).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("page");
        let token = hidden(&html, "token");
        self.post("/sign-in", None, &[("token", &token)]).await
    }

    /// Signs in as `email` with a fresh link; the `Cookie` header value to send.
    async fn sign_in(&self, bed: &Bed, email: &str) -> String {
        let link = admin_link(bed, &self.config, email, None).await;
        let r = self.use_link(&link).await;
        assert_eq!(r.status(), 303, "signing in");
        assert_eq!(location(&r), "/");
        session_cookie(&r)
    }
}

/// `admin-link EMAIL` (at `--now`, when given); the link it printed.
async fn admin_link(bed: &Bed, config: &Path, who: &str, now: Option<&str>) -> String {
    let mut args = Vec::new();
    if let Some(t) = now {
        args.extend(["--now", t]);
    }
    args.extend(["admin-link", who]);
    let out = bed.cli_ok(config, &args).await;
    out.lines()
        .find(|l| l.starts_with("http://"))
        .unwrap_or_else(|| panic!("no link in {out:?}"))
        .trim()
        .to_string()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The session cookie set by a response, as a `Cookie` header value; checks its attributes.
fn session_cookie(r: &reqwest::Response) -> String {
    let set = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a session cookie")
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "served over http here: {set}");
    set.split(';').next().unwrap_or_default().to_string()
}

/// The value of the hidden field `name` in a page.
fn hidden(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no {name} field in {html}"))
        + needle.len();
    html[at..].split('"').next().unwrap_or_default().to_string()
}

/// Delivers an application from `care_home` for the home `home` and waits
/// until its case is ready for decision: the application's Message-ID and
/// the case's reference.
async fn ready_case(bed: &Bed, console: &Console, care_home: &str, home: &str) -> (String, String) {
    let mid = bed.message_id("application");
    let raw = email(
        care_home,
        &mid,
        &format!("NHSmail application {}", bed.tag),
        None,
        &mail::form_body(home, care_home),
        &[report(home)],
    );
    bed.deliver(care_home, &raw, &mid).await;
    let reference = wait_for_case(bed, &console.config, &bed.tag, "ready_for_decision").await;
    (mid, reference)
}

/// Waits until the case holding message `mid` is in `state`; its reference.
async fn wait_for_case(bed: &Bed, config: &Path, care_home: &str, state: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let found = bed.cases(config).await.into_iter().find(|c| {
            c["care_home_name"]
                .as_str()
                .is_some_and(|n| n.contains(care_home))
        });
        if let Some(c) = found
            && c["state"] == state
        {
            return c["reference"].as_str().unwrap_or_default().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "no case for {care_home} in {state} within {WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every page redirects to the signed-out page and every action is refused
/// without a session, also with a made-up or signed-out session cookie.
async fn nothing_is_reachable_without_a_session(backend: Backend) {
    let bed = Bed::new("web-nosession", backend).await;
    let mut console = Console::start(&bed).await;
    let made_up = format!("si_session={}", "ab".repeat(32));
    let signed_out = {
        let cookie = console.sign_in(&bed, ADMINS).await;
        let page = console.get("/", Some(&cookie)).await;
        assert_eq!(page.status(), 200);
        let csrf = hidden(&page.text().await.unwrap(), "csrf_token");
        let r = console
            .post("/sign-out", Some(&cookie), &[("csrf_token", &csrf)])
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/signed-out");
        cookie
    };
    let pages = [
        "/",
        "/cases",
        "/cases?state=approved",
        "/cases/LSM-2026-0001",
        "/no/such/page",
    ];
    let actions = [
        "/cases/LSM-2026-0001/approve",
        "/cases/LSM-2026-0001/reject",
        "/cases/LSM-2026-0001/pack.csv",
        "/sign-out",
    ];
    for cookie in [None, Some(made_up.as_str()), Some(signed_out.as_str())] {
        for path in pages {
            let r = console.get(path, cookie).await;
            assert_eq!(r.status(), 303, "GET {path} with {cookie:?}");
            assert_eq!(location(&r), "/signed-out", "GET {path}");
        }
        for path in actions {
            let r = console
                .post(path, cookie, &[("csrf_token", "x"), ("note", "n")])
                .await;
            assert_eq!(r.status(), 403, "POST {path} with {cookie:?}");
        }
    }
    let page = console.get("/signed-out", None).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("You are signed out"));
    let css = console.get("/assets/nhsuk-frontend.min.css", None).await;
    assert_eq!(css.status(), 200, "the stylesheet needs no session");
    assert!(css.text().await.unwrap().contains(".nhsuk-header"));

    // The console stops with the daemon, also with a connection left open.
    let _open = console.get("/signed-out", None).await;
    let code = console.daemon.terminate(Duration::from_secs(15)).await;
    assert_eq!(code, Some(0), "{}", console.daemon.log_text());
}
crate::on_both_backends!(
    nothing_is_reachable_without_a_session,
    nothing_is_reachable_without_a_session
);

/// A sign-in link works once, and not once 15 minutes have passed; only an
/// administrator gets one.
async fn sign_in_links_work_once_and_only_for_fifteen_minutes(backend: Backend) {
    let bed = Bed::new("web-links", backend).await;
    let console = Console::start(&bed).await;

    let link = admin_link(&bed, &console.config, ADMINS, None).await;
    let first = console.use_link(&link).await;
    assert_eq!(first.status(), 303);
    let cookie = session_cookie(&first);
    assert_eq!(console.get("/", Some(&cookie)).await.status(), 200);
    let again = console.use_link(&link).await;
    assert_eq!(again.status(), 403, "a link works once");
    assert!(again.headers().get("set-cookie").is_none());
    assert!(again.text().await.unwrap().contains("does not work"));

    let made = (chrono::Utc::now() - chrono::Duration::minutes(16)).to_rfc3339();
    let old = admin_link(&bed, &console.config, ADMINS, Some(&made)).await;
    let late = console.use_link(&old).await;
    assert_eq!(late.status(), 403, "a link made 16 minutes ago");
    assert!(late.headers().get("set-cookie").is_none());

    let forged = format!("{}/sign-in?token={}", console.base, "0".repeat(64));
    assert_eq!(console.use_link(&forged).await.status(), 403);

    let refused = bed
        .run_cli(&console.config, &["admin-link", "outside@example.test"])
        .await;
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("not among the administrators"), "{stderr}");
    assert!(refused.stdout.is_empty(), "no link printed");
}
crate::on_both_backends!(
    sign_in_links_work_once_and_only_for_fifteen_minutes,
    sign_in_links_work_once_and_only_for_fifteen_minutes
);

/// `admin-link` with no `[web]` section says the console is off (exit 78).
#[tokio::test]
async fn admin_link_without_web_says_the_console_is_off() {
    let bed = Bed::new("web-off", Backend::Sqlite).await;
    let config = bed.config();
    let out = bed.run_cli(&config, &["admin-link", ADMINS]).await;
    assert_eq!(out.status.code(), Some(78));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[web]"));
}

/// A care home's form with HTML and script in it is shown as text; a forged
/// CSRF token changes nothing; an approval on the web reaches the care home
/// with its note, is recorded with the administrator's email, and a second
/// decision is told who decided first. The pack downloads as CSV.
async fn approval_on_the_web_reaches_the_care_home(backend: Backend) {
    let care_home = "carehome3@example.test";
    let bed = Bed::new("web-approve", backend).await;
    let console = Console::start(&bed).await;
    let home = format!("<b>Rose</b> Lodge <script>alert(1)</script> {}", bed.tag);
    let (mid, reference) = ready_case(&bed, &console, care_home, &home).await;

    let cookie = console.sign_in(&bed, ADMINS).await;
    let page = console
        .get(&format!("/cases/{reference}"), Some(&cookie))
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("<script>alert"),
        "form text must be escaped: {html}"
    );
    assert!(!html.contains("<b>Rose</b>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
        "{html}"
    );
    assert!(html.contains("&lt;b&gt;Rose&lt;&#x2F;b&gt;"), "{html}");
    let csrf = hidden(&html, "csrf_token");

    let path = format!("/cases/{reference}/approve");
    let note = "Your accounts will be ready by Friday.";
    let made_up = "0".repeat(64);
    for forged in [
        vec![("note", note)],
        vec![("csrf_token", made_up.as_str()), ("note", note)],
    ] {
        let r = console.post(&path, Some(&cookie), &forged).await;
        assert_eq!(r.status(), 403, "{forged:?}");
    }
    assert_eq!(
        bed.case(&console.config, &reference).await["state"],
        "ready_for_decision"
    );

    let r = console
        .post(
            &path,
            Some(&cookie),
            &[("csrf_token", &csrf), ("note", note)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/cases/{reference}?done=approved"));
    let approval = Mailboxes::wait_for(care_home, WAIT, "approval", |m| {
        m.refers_to(&mid) && m.subject.contains("approved")
    })
    .await;
    assert_eq!(approval.len(), 1);
    assert!(approval[0].text.contains(note), "{}", approval[0].text);

    let case = bed.case(&console.config, &reference).await;
    assert_eq!(case["state"], "approved");
    let decided = case["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "approved")
        .expect("the approval in the history");
    assert_eq!(
        decided["actor"],
        format!("administrator {ADMINS} (web console)")
    );

    let second = console.sign_in(&bed, ADMIN2).await;
    let page = console
        .get(&format!("/cases/{reference}"), Some(&second))
        .await;
    let html = page.text().await.unwrap();
    assert!(
        !html.contains(&format!("action=\"{path}\"")),
        "no approve button once approved"
    );
    let csrf2 = hidden(&html, "csrf_token");
    let late = console
        .post(
            &path,
            Some(&second),
            &[("csrf_token", &csrf2), ("note", "me too")],
        )
        .await;
    assert_eq!(late.status(), 409);
    let text = late.text().await.unwrap();
    assert!(
        text.contains("already decided") && text.contains(ADMINS),
        "{text}"
    );

    let csv = console
        .post(
            &format!("/cases/{reference}/pack.csv"),
            Some(&cookie),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = csv.text().await.unwrap();
    assert!(body.contains("Jane") && body.contains("Tom"), "{body}");

    let dashboard = console.get("/", Some(&cookie)).await.text().await.unwrap();
    assert!(dashboard.contains("Approved"), "{dashboard}");
    let list = console
        .get("/cases?state=approved&q=1-123456789", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains(&reference), "{list}");
    drop(console.daemon);
}
crate::on_both_backends!(
    approval_on_the_web_reaches_the_care_home,
    approval_on_the_web_reaches_the_care_home
);

/// Two administrators decide the same case at the same moment, one to
/// approve and one to reject: one wins, the other is told who decided, and
/// the care home gets one outcome.
async fn two_administrators_at_once_one_wins(backend: Backend) {
    let care_home = "carehome4@example.test";
    let bed = Bed::new("web-race", backend).await;
    let console = Console::start(&bed).await;
    let home = format!("Race Lodge {}", bed.tag);
    let (mid, reference) = ready_case(&bed, &console, care_home, &home).await;
    let mut signed_in = Vec::new();
    for who in [ADMINS, ADMIN2] {
        let cookie = console.sign_in(&bed, who).await;
        let page = console
            .get(&format!("/cases/{reference}"), Some(&cookie))
            .await;
        let csrf = hidden(&page.text().await.unwrap(), "csrf_token");
        signed_in.push((cookie, csrf));
    }
    let approve = format!("/cases/{reference}/approve");
    let reject = format!("/cases/{reference}/reject");
    let first = [("csrf_token", signed_in[0].1.as_str()), ("note", "")];
    let second = [
        ("csrf_token", signed_in[1].1.as_str()),
        ("reason", "Not in our area"),
    ];
    let (a, b) = tokio::join!(
        console.post(&approve, Some(&signed_in[0].0), &first),
        console.post(&reject, Some(&signed_in[1].0), &second),
    );
    let (status_a, status_b) = (a.status().as_u16(), b.status().as_u16());
    let (text_a, text_b) = (a.text().await.unwrap(), b.text().await.unwrap());
    let case = bed.case(&console.config, &reference).await;
    let (winner, loser_page) = match (status_a, status_b) {
        (303, 409) => (ADMINS, text_b),
        (409, 303) => (ADMIN2, text_a),
        other => panic!("one must win and one be told: {other:?}\n{text_a}\n{text_b}"),
    };
    let expected_state = if winner == ADMINS {
        "approved"
    } else {
        "rejected"
    };
    assert_eq!(case["state"], expected_state);
    assert!(
        loser_page.contains("already decided") && loser_page.contains(winner),
        "{loser_page}"
    );
    let decisions: Vec<_> = case["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "approved" || e["event"] == "rejected")
        .collect();
    assert_eq!(decisions.len(), 1, "{decisions:#?}");
    let outcome = |m: &crate::support::mail::Mail| {
        m.refers_to(&mid) && (m.subject.contains("approved") || m.subject.contains("outcome"))
    };
    Mailboxes::wait_for(care_home, WAIT, "the outcome", outcome).await;
    // Give a second email, if one were queued, the sender's next round.
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(Mailboxes::matching(care_home, outcome).len(), 1);
}
crate::on_both_backends!(
    two_administrators_at_once_one_wins,
    two_administrators_at_once_one_wins
);

/// The dashboard lists what waits: a decision overdue (with its working
/// days), a case waiting on the care home, a quarantined message.
async fn the_dashboard_shows_what_waits(backend: Backend) {
    let care_home = "carehome2@example.test";
    // Another home: a message from the same address would join the first case.
    let other_home = "carehome1@example.test";
    let bed = Bed::new("web-dashboard", backend).await;
    let port = free_port();
    let config = bed.write_config(
        "config.toml",
        &Settings {
            max_message_mb: 1,
            extra: web_section(port),
            ..Settings::default()
        },
    );
    let late_home = format!("Late Lodge {}", bed.tag);
    let waiting_home = format!("Waiting Lodge {}", bed.tag);
    let incomplete: String = mail::form_body(&waiting_home, other_home)
        .lines()
        .filter(|l| !l.starts_with("CQC registration number"))
        .collect::<Vec<_>>()
        .join("\n");
    let late = bed.message_id("late");
    let waiting = bed.message_id("waiting");
    let big = bed.message_id("big");
    let subject = format!("NHSmail application {}", bed.tag);
    let late_raw = email(
        care_home,
        &late,
        &subject,
        None,
        &mail::form_body(&late_home, care_home),
        &[report(&late_home)],
    );
    bed.deliver(care_home, &late_raw, &late).await;
    let waiting_raw = email(
        other_home,
        &waiting,
        &subject,
        None,
        &incomplete,
        &[report(&waiting_home)],
    );
    bed.deliver(other_home, &waiting_raw, &waiting).await;
    bed.deliver(
        care_home,
        &mail::oversized(care_home, &big, &bed.tag, 2),
        &big,
    )
    .await;
    // Taken in a month ago: the decision is long overdue by now.
    let month_ago = (chrono::Utc::now() - chrono::Duration::days(30)).to_rfc3339();
    bed.cli_ok(&config, &["--now", &month_ago, "once"]).await;
    let cases = bed.cases(&config).await;
    let reference_of = |home: &str| {
        cases
            .iter()
            .find(|c| c["care_home_name"] == home)
            .and_then(|c| c["reference"].as_str())
            .unwrap_or_else(|| panic!("no case for {home}: {cases:#?}"))
            .to_string()
    };
    let (late_ref, waiting_ref) = (reference_of(&late_home), reference_of(&waiting_home));

    let console = Console::spawn(&bed, config, port).await;
    let cookie = console.sign_in(&bed, ADMINS).await;
    let html = console.get("/", Some(&cookie)).await.text().await.unwrap();
    let section = |title: &str| {
        let start = html
            .find(&format!("<h2>{title}</h2>"))
            .unwrap_or_else(|| panic!("no {title} in {html}"));
        let rest = &html[start + title.len() + 9..];
        rest[..rest.find("<h2>").unwrap_or(rest.len())].to_string()
    };
    let overdue = section("Decisions overdue");
    assert!(
        overdue.contains(&late_ref) && overdue.contains("working days"),
        "{overdue}"
    );
    assert!(!overdue.contains(&waiting_ref), "{overdue}");
    let waits = section("Waiting on the care home");
    assert!(
        waits.contains(&waiting_ref) && !waits.contains(&late_ref),
        "{waits}"
    );
    let days: u32 = waits
        .split("<td class=\"nhsuk-table__cell\">")
        .last()
        .and_then(|cell| cell.split('<').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("days waiting in {waits}"));
    assert!((29..=31).contains(&days), "{days} days waiting: {waits}");
    let quarantined = section("Quarantined messages");
    assert!(
        quarantined.contains(&format!("Scanned form {}", bed.tag)),
        "{quarantined}"
    );
    let counts = section("Cases");
    assert!(counts.contains("Ready for decision"), "{counts}");
    let list = console
        .get("/cases?overdue=1", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        list.contains(&late_ref) && !list.contains(&waiting_ref),
        "{list}"
    );
}
crate::on_both_backends!(
    the_dashboard_shows_what_waits,
    the_dashboard_shows_what_waits
);
