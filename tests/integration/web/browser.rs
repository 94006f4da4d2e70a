//! The console in a real headless browser (Debian's chromium through
//! chromium-driver, driven over WebDriver by fantoccini): sign in with a
//! link, find the case taken in through the real mail servers, approve it
//! with a note, and the care home's mailbox gets the approval. Each step
//! saves a screenshot in `<target>/tmp/web-screenshots/`; a failing step
//! says which one to look at.

use super::{Console, WAIT, admin_link, ready_case};
use crate::support::mail::Mailboxes;
use crate::support::{ADMINS, Backend, Bed};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// chromium-driver on a port of its own, in a process group of its own with
/// the browsers it starts: the whole group is killed when dropped, so a
/// failed test leaves no browser behind.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    async fn start() -> Driver {
        let port = super::free_port();
        use std::os::unix::process::CommandExt;
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "chromedriver (Debian's chromium-driver; scripts/install-test-deps.sh installs it)",
            );
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {port}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    async fn browser(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--disable-crash-reporter",
                         "--window-size=1280,1600"],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a chromium session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = self.child.id() as libc::pid_t;
        // SAFETY: kill(2) with a negative pid signals that process group only.
        unsafe { libc::kill(-group, libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// Saves what the browser shows as `<name>.png`; returns its path.
async fn shot(browser: &Client, name: &str) -> PathBuf {
    let path = screenshots().join(format!("{name}.png"));
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(&path, png);
    }
    path
}

/// Fails the test with the step's screenshot.
async fn fail(browser: &Client, step: &str, why: String) -> ! {
    let path = shot(browser, &format!("failed-{step}-{}", std::process::id())).await;
    panic!("{step}: {why}\nscreenshot: {}", path.display());
}

/// Clicks the element `css`, or fails the step.
async fn click(browser: &Client, step: &str, css: &str) {
    match browser.find(Locator::Css(css)).await {
        Ok(e) => {
            if let Err(err) = e.click().await {
                fail(browser, step, format!("cannot click {css}: {err}")).await;
            }
        }
        Err(err) => fail(browser, step, format!("no {css}: {err}")).await,
    }
}

/// The page's text comes to contain `needle` (the page may still be loading).
async fn expect_text(browser: &Client, step: &str, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut text = String::new();
    while Instant::now() < deadline {
        if let Ok(main) = browser.find(Locator::Css("main")).await {
            text = main.text().await.unwrap_or_default();
            if text.contains(needle) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    fail(browser, step, format!("{needle:?} not on the page: {text}")).await;
}

async fn approve_in_a_browser(backend: Backend) {
    let care_home = "carehome5@example.test";
    let bed = Bed::new("web-browser", backend).await;
    let console = Console::start(&bed).await;
    let home = format!("Browser Lodge {}", bed.tag);
    let (mid, reference) = ready_case(&bed, &console, care_home, &home).await;

    let driver = Driver::start().await;
    let browser = driver.browser().await;
    let tag = format!("{backend:?}").to_lowercase();

    let link = admin_link(&bed, &console.config, ADMINS, None).await;
    browser.goto(&link).await.expect("open the sign-in link");
    expect_text(&browser, "sign-in", "works once").await;
    click(&browser, "sign-in", "form[action='/sign-in'] button").await;
    expect_text(&browser, "dashboard", "Decisions overdue").await;
    shot(&browser, &format!("dashboard-{tag}")).await;

    click(&browser, "dashboard", "a[href='/cases']").await;
    expect_text(&browser, "cases", &reference).await;
    click(&browser, "cases", &format!("a[href='/cases/{reference}']")).await;
    expect_text(&browser, "case", "The form as read").await;
    shot(&browser, &format!("case-{tag}")).await;

    let note = "Set up by Friday; we will ring the manager.";
    match browser.find(Locator::Css("#note")).await {
        Ok(field) => field.send_keys(note).await.expect("type the note"),
        Err(err) => fail(&browser, "case", format!("no note field: {err}")).await,
    }
    click(&browser, "approve", "form[action$='/approve'] button").await;
    expect_text(&browser, "approved", "is approved").await;
    let url = browser.current_url().await.expect("url");
    assert_eq!(url.path(), format!("/cases/{reference}"));

    let approval = Mailboxes::wait_for(care_home, WAIT, "approval", |m| {
        m.refers_to(&mid) && m.subject.contains("approved")
    })
    .await;
    assert_eq!(approval.len(), 1);
    assert!(approval[0].text.contains(note), "{}", approval[0].text);

    click(&browser, "sign-out", ".nhsuk-header__account-button").await;
    expect_text(&browser, "signed-out", "You are signed out").await;
    browser
        .goto(&format!("{}/", console.base))
        .await
        .expect("dashboard again");
    expect_text(&browser, "signed-out-after", "You are signed out").await;
    let _ = browser.close().await;
}
crate::on_both_backends!(approve_in_a_browser, approve_in_a_browser);
