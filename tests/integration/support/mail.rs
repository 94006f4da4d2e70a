//! Mail as people see it: sending as a care home over SMTP submission, and
//! what was delivered into whose Maildir (read straight from the files that
//! Dovecot's LMTP delivery wrote).

use super::{DOMAIN, password, servers};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Sends a whole message over submission (STARTTLS, signed in as `from_user`).
pub async fn submit(from_user: &str, to: &[&str], raw: &[u8]) {
    let s = servers();
    let pem = std::fs::read(&s.ca_cert).expect("read the test CA");
    let tls = TlsParameters::builder(s.host.clone())
        .add_root_certificate(Certificate::from_pem(&pem).expect("CA certificate"))
        .build_rustls()
        .expect("TLS parameters");
    let smtp = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.clone())
        .port(s.submission_port)
        .tls(Tls::Required(tls))
        .credentials(Credentials::new(from_user.into(), password(from_user)))
        .timeout(Some(Duration::from_secs(20)))
        .build();
    let envelope = Envelope::new(
        Some(from_user.parse().expect("from address")),
        to.iter().map(|t| t.parse().expect("to address")).collect(),
    )
    .expect("envelope");
    smtp.send_raw(&envelope, raw)
        .await
        .unwrap_or_else(|e| panic!("SMTP submission as {from_user} failed: {e}"));
}

/// One delivered message, with what the tests look at.
#[derive(Clone, Debug)]
pub struct Mail {
    pub path: PathBuf,
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub auto_submitted: Option<String>,
    pub text: String,
    pub raw: String,
}

impl Mail {
    fn read(path: PathBuf) -> Option<Mail> {
        let bytes = std::fs::read(&path).ok()?;
        let m = mail_parser::MessageParser::default().parse(&bytes)?;
        let list = |v: &mail_parser::HeaderValue| -> Vec<String> {
            match v {
                mail_parser::HeaderValue::Text(t) => vec![t.to_string()],
                mail_parser::HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
                _ => Vec::new(),
            }
        };
        let addrs = |a: Option<&mail_parser::Address>| -> Vec<String> {
            a.map(|a| {
                a.iter()
                    .filter_map(|x| x.address.as_ref().map(|s| s.to_lowercase()))
                    .collect()
            })
            .unwrap_or_default()
        };
        Some(Mail {
            from: addrs(m.from()).into_iter().next().unwrap_or_default(),
            to: addrs(m.to()),
            subject: m.subject().unwrap_or_default().to_string(),
            in_reply_to: list(m.in_reply_to()),
            references: list(m.references()),
            auto_submitted: m.header_raw("Auto-Submitted").map(|s| s.trim().to_string()),
            text: m.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
            raw: String::from_utf8_lossy(&bytes).into_owned(),
            path,
        })
    }

    /// It answers (or refers to) the message with this Message-ID.
    pub fn refers_to(&self, message_id: &str) -> bool {
        self.in_reply_to.iter().any(|m| m == message_id)
            || self.references.iter().any(|m| m == message_id)
    }
}

/// The delivered mail of the test users.
pub struct Mailboxes;

impl Mailboxes {
    pub fn maildir(user: &str) -> PathBuf {
        let local = user.split('@').next().unwrap_or(user);
        servers()
            .dir
            .join("mail")
            .join(DOMAIN)
            .join(local)
            .join("Maildir")
    }

    /// Every message in the user's INBOX (Maildir new/ and cur/).
    pub fn all(user: &str) -> Vec<Mail> {
        let dir = Self::maildir(user);
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
                continue;
            };
            for e in entries.flatten() {
                if let Some(m) = Mail::read(e.path()) {
                    out.push(m);
                }
            }
        }
        out
    }

    /// The messages in the user's INBOX for which `pred` holds.
    pub fn matching(user: &str, pred: impl Fn(&Mail) -> bool) -> Vec<Mail> {
        Self::all(user).into_iter().filter(|m| pred(m)).collect()
    }

    /// Waits (at most `limit`) until at least one message matches, and returns all that do.
    pub async fn wait_for(
        user: &str,
        limit: Duration,
        what: &str,
        pred: impl Fn(&Mail) -> bool,
    ) -> Vec<Mail> {
        let deadline = Instant::now() + limit;
        loop {
            let found = Self::matching(user, &pred);
            if !found.is_empty() {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "no {what} arrived in {user}'s mailbox within {limit:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Every user's mail that refers to (In-Reply-To / References) or mentions `needle`.
    pub fn anywhere(needle: &str) -> Vec<Mail> {
        let root = servers().dir.join("mail").join(DOMAIN);
        let Ok(users) = std::fs::read_dir(&root) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for u in users.flatten() {
            let user = u.file_name().to_string_lossy().into_owned();
            out.extend(Self::matching(&user, |m| {
                m.refers_to(needle) || m.raw.contains(needle)
            }));
        }
        out
    }
}

/// The Appendix 1 form, every field typed in the body as "Label: value" lines.
pub fn form_body(care_home: &str, applicant_email: &str) -> String {
    format!(
        "Hello,\n\
         \n\
         Please find our application below.\n\
         \n\
         Applicant name: Jane Carer\n\
         Job role: Registered Manager\n\
         Contact email: {applicant_email}\n\
         Name of care home: {care_home}\n\
         Address: 12 Rose Lane, Leeds\n\
         Postcode: LS1 4AB\n\
         Telephone: 0113 496 0123\n\
         CQC registration number: 1-123456789\n\
         IG Toolkit / DSPT completed? Yes\n\
         Do you already have NHSmail accounts? No\n\
         Regular secure data exchange needed? Yes - hospital discharge letters\n\
         How many individual accounts? 2\n\
         \x20 1. Jane Carer (07700 900111)\n\
         \x20 2. Tom Helper (07700 900112)\n\
         Business justification: Two managers cover seven days a week.\n\
         Shared mailbox needed? Yes\n\
         Shared mailbox name: rosewoodlodge\n\
         Shared mailbox owner: Jane Carer\n\
         Shared mailbox owner mobile: 07700 900111\n\
         What benefits do you expect? Faster, safer discharge letters.\n\
         \n\
         Regards\n\
         Jane\n"
    )
}

fn date() -> String {
    chrono::Utc::now().to_rfc2822()
}

/// A complete application: the form in the body and the DSPT assessment report attached.
pub fn application(from: &str, message_id: &str, care_home: &str) -> Vec<u8> {
    let body = form_body(care_home, from);
    format!(
        "From: Jane Carer <{from}>\r\n\
         To: NHSmail Sponsorship <{sponsor}>\r\n\
         Subject: NHSmail application - {care_home}\r\n\
         Date: {date}\r\n\
         Message-ID: <{message_id}>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"=-=form=-=\"\r\n\
         \r\n\
         --=-=form=-=\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         {body}\r\n\
         --=-=form=-=\r\n\
         Content-Type: text/plain; charset=utf-8; name=\"DSPT assessment report.txt\"\r\n\
         Content-Disposition: attachment; filename=\"DSPT assessment report.txt\"\r\n\
         \r\n\
         Data Security and Protection Toolkit\r\n\
         Assessment report for {care_home} (1-123456789)\r\n\
         Status: Standards Met\r\n\
         Published: 2026-06-30\r\n\
         \r\n\
         --=-=form=-=--\r\n",
        sponsor = super::SPONSOR,
        date = date(),
        body = body.replace('\n', "\r\n"),
    )
    .into_bytes()
}

/// An out-of-office reply (RFC 3834 Auto-Submitted: auto-replied).
pub fn out_of_office(from: &str, message_id: &str, tag: &str) -> Vec<u8> {
    format!(
        "From: Jane Carer <{from}>\r\n\
         To: {sponsor}\r\n\
         Subject: Automatic reply: NHSmail application {tag}\r\n\
         Date: {date}\r\n\
         Message-ID: <{message_id}>\r\n\
         Auto-Submitted: auto-replied\r\n\
         X-Auto-Response-Suppress: All\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         I am out of the office until Monday with no access to email.\r\n\
         For urgent matters please call the home on 0113 496 0123.\r\n",
        sponsor = super::SPONSOR,
        date = date(),
    )
    .into_bytes()
}

/// A delivery status notification from MAILER-DAEMON (multipart/report).
pub fn bounce(message_id: &str, tag: &str) -> Vec<u8> {
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@mail.{DOMAIN}>\r\n\
         To: {sponsor}\r\n\
         Subject: Undelivered Mail Returned to Sender {tag}\r\n\
         Date: {date}\r\n\
         Message-ID: <{message_id}>\r\n\
         Auto-Submitted: auto-replied\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"=-=dsn=-=\"\r\n\
         \r\n\
         --=-=dsn=-=\r\n\
         Content-Type: text/plain; charset=us-ascii\r\n\
         \r\n\
         This is the mail system at host mail.{DOMAIN}.\r\n\
         I'm sorry to have to inform you that your message could not\r\n\
         be delivered to one or more recipients.\r\n\
         \r\n\
         <nobody@carehome.{DOMAIN}>: host mx.carehome.{DOMAIN} said: 550 5.1.1 User unknown\r\n\
         \r\n\
         --=-=dsn=-=\r\n\
         Content-Type: message/delivery-status\r\n\
         \r\n\
         Reporting-MTA: dns; mail.{DOMAIN}\r\n\
         \r\n\
         Final-Recipient: rfc822; nobody@carehome.{DOMAIN}\r\n\
         Action: failed\r\n\
         Status: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\
         \r\n\
         --=-=dsn=-=\r\n\
         Content-Type: text/rfc822-headers\r\n\
         \r\n\
         From: NHSmail Sponsorship <{sponsor}>\r\n\
         To: nobody@carehome.{DOMAIN}\r\n\
         Subject: LSM-2026-0001: we have received your NHSmail application\r\n\
         \r\n\
         --=-=dsn=-=--\r\n",
        sponsor = super::SPONSOR,
        date = date(),
    )
    .into_bytes()
}

/// A message over `mb` megabytes: a short note with a large attachment.
pub fn oversized(from: &str, message_id: &str, tag: &str, mb: usize) -> Vec<u8> {
    let mut out = format!(
        "From: Jane Carer <{from}>\r\n\
         To: {sponsor}\r\n\
         Subject: Scanned form {tag}\r\n\
         Date: {date}\r\n\
         Message-ID: <{message_id}>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"=-=big=-=\"\r\n\
         \r\n\
         --=-=big=-=\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         Our form is attached as a scan.\r\n\
         \r\n\
         --=-=big=-=\r\n\
         Content-Type: application/octet-stream; name=\"scan.bin\"\r\n\
         Content-Disposition: attachment; filename=\"scan.bin\"\r\n\
         Content-Transfer-Encoding: base64\r\n\
         \r\n",
        sponsor = super::SPONSOR,
        date = date(),
    );
    // 76-character base64 lines of pseudo-random bytes, just over `mb` MB decoded.
    let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
    let lines = (mb * 1024 * 1024) / 57 + 1;
    out.reserve(lines * line.len() + 32);
    for _ in 0..lines {
        out.push_str(line);
    }
    out.push_str("\r\n--=-=big=-=--\r\n");
    out.into_bytes()
}
