//! Every email we send is written in Tera templates under `templates/`
//! (`<name>/subject.txt`, `<name>/body.txt`, `<name>/body.html`, extending
//! `base.txt` and `base.html`) and built here into a whole RFC 5322 message
//! whose Message-ID is fixed before it reaches the outbox.

mod draft;
mod sample;
mod template;

pub use draft::{Draft, Part};
pub use sample::sample_context;
pub use template::Template;

use crate::store::Outgoing;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use std::path::Path;

/// The header that marks our own emails, so that we never answer them.
pub const MARKER_HEADER: &str = "X-Sponsor-Intake";

/// Why an email could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("cannot load the templates in {dir}: {reason}")]
    Load { dir: String, reason: String },
    #[error("template {name} is missing")]
    Missing { name: String },
    #[error("template {name} failed: {reason}")]
    Render { name: String, reason: String },
    #[error("{0:?} is not a usable email address")]
    Address(String),
    #[error("cannot build the email: {0}")]
    Build(String),
}

/// The loaded templates.
#[derive(Debug)]
pub struct Templates {
    tera: tera::Tera,
}

/// One rendered email: subject and both bodies.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Templates {
    /// Loads every template under `dir`.
    pub fn load(dir: &Path) -> Result<Templates, EmailError> {
        let glob = format!("{}/**/*", dir.display());
        let mut tera = tera::Tera::new(&glob).map_err(|e| EmailError::Load {
            dir: dir.display().to_string(),
            reason: tera_reason(&e),
        })?;
        // Only HTML is escaped; text bodies are plain text.
        tera.autoescape_on(vec![".html"]);
        for template in Template::ALL {
            for part in ["subject.txt", "body.txt", "body.html"] {
                let full = format!("{}/{part}", template.name());
                if !tera.get_template_names().any(|n| n == full) {
                    return Err(EmailError::Missing { name: full });
                }
            }
        }
        Ok(Templates { tera })
    }

    /// Renders one email.
    pub fn render(
        &self,
        template: Template,
        context: &tera::Context,
    ) -> Result<Rendered, EmailError> {
        let name = template.name();
        let one = |part: &str| {
            let full = format!("{name}/{part}");
            self.tera
                .render(&full, context)
                .map_err(|e| EmailError::Render {
                    name: full,
                    reason: tera_reason(&e),
                })
        };
        let subject = one("subject.txt")?
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Rendered {
            subject,
            text: one("body.txt")?,
            html: one("body.html")?,
        })
    }
}

/// Tera's errors nest their cause; people need the whole chain on one line.
pub fn tera_reason(e: &tera::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Who we are when we write.
#[derive(Clone, Debug)]
pub struct Sender {
    pub display_name: String,
    pub address: String,
    /// Identifies this daemon in the marker header.
    pub instance: String,
    /// Dates the emails: the same clock as the case changes (`--now`).
    pub clock: std::sync::Arc<dyn crate::clock::Clock>,
}

impl Sender {
    /// Renders and builds an email, ready for the outbox.
    pub fn compose(
        &self,
        templates: &Templates,
        draft: &Draft<'_>,
        context: &tera::Context,
    ) -> Result<Outgoing, EmailError> {
        self.compose_with_headers(templates, draft, context, &[])
    }

    /// The same, with extra headers (name, value): the canary's token.
    pub fn compose_with_headers(
        &self,
        templates: &Templates,
        draft: &Draft<'_>,
        context: &tera::Context,
        extra_headers: &[(&str, &str)],
    ) -> Result<Outgoing, EmailError> {
        let rendered = templates.render(draft.template, context)?;
        let message_id = new_message_id(draft.reference.unwrap_or(draft.purpose), &self.address);
        let from = Mailbox::new(
            Some(self.display_name.clone()),
            self.address
                .parse()
                .map_err(|_| EmailError::Address(self.address.clone()))?,
        );
        let mut builder = lettre::Message::builder()
            .from(from)
            .subject(rendered.subject.clone())
            .message_id(Some(format!("<{message_id}>")))
            .date(std::time::SystemTime::from(self.clock.now()))
            .header(Marker(self.instance.clone()));
        for (name, value) in extra_headers {
            let name = HeaderName::new_from_ascii(name.to_string())
                .map_err(|e| EmailError::Build(format!("header {name}: {e}")))?;
            builder = builder.raw_header(HeaderValue::new(name, value.to_string()));
        }
        for to in &draft.to {
            let mbox: Mailbox = to.parse().map_err(|_| EmailError::Address(to.clone()))?;
            builder = builder.to(mbox);
        }
        // The thread's Message-IDs come from care homes' messages: any that
        // could break out of its header (CR, LF, spaces, angle brackets) is left out.
        let thread: Vec<&String> = draft.thread.iter().filter(|id| usable_id(id)).collect();
        if let Some(last) = thread.last() {
            builder = builder.in_reply_to(format!("<{last}>"));
            let refs: Vec<String> = thread.iter().map(|id| format!("<{id}>")).collect();
            builder = builder.references(refs.join(" "));
        }
        if draft.auto_reply {
            builder = builder.header(AutoSubmitted("auto-replied".into()));
        } else {
            builder = builder.header(AutoSubmitted("auto-generated".into()));
        }
        let alternative = MultiPart::alternative()
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(rendered.text),
            )
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(rendered.html),
            );
        let body = if draft.attachments.is_empty() {
            alternative
        } else {
            let mut mixed = MultiPart::mixed().multipart(alternative);
            for Part {
                name,
                content_type,
                bytes,
            } in &draft.attachments
            {
                let ct = ContentType::parse(content_type)
                    .or_else(|_| ContentType::parse("application/octet-stream"))
                    .map_err(|e| EmailError::Build(e.to_string()))?;
                mixed = mixed.singlepart(
                    lettre::message::Attachment::new(safe_filename(name)).body(bytes.clone(), ct),
                );
            }
            mixed
        };
        let message = builder
            .multipart(body)
            .map_err(|e| EmailError::Build(e.to_string()))?;
        Ok(Outgoing {
            message_id,
            purpose: draft.purpose.to_string(),
            recipients: draft.to.clone(),
            subject: rendered.subject,
            raw: message.formatted(),
            suppressed: draft.suppressed,
        })
    }
}

/// A Message-ID (without brackets) that is safe to put in a header.
fn usable_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 250
        && id
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | '\\'))
}

/// A care home's file name, without anything that could break a header or a path.
fn safe_filename(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\' | '"'))
        .take(120)
        .collect();
    if clean.trim().is_empty() {
        "attachment".into()
    } else {
        clean
    }
}

/// A Message-ID no one else will make: `<tag>.<random>@<our domain>`.
fn new_message_id(tag: &str, address: &str) -> String {
    let domain = address
        .rsplit_once('@')
        .map_or("sponsor-intake.invalid", |(_, d)| d);
    let tag: String = tag
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    let random: u64 = rand::random();
    format!("{tag}.{random:016x}@{domain}")
}

/// `Auto-Submitted` (RFC 3834): tells other robots not to answer us.
#[derive(Clone, Debug)]
struct AutoSubmitted(String);

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// Our marker header, naming the instance that sent the email.
#[derive(Clone, Debug)]
struct Marker(String);

impl Header for Marker {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str(MARKER_HEADER)
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Marker(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates() -> Templates {
        Templates::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")).unwrap()
    }

    /// The header block of a raw message, one entry per header (unfolded).
    fn headers(raw: &[u8]) -> Vec<String> {
        let text = String::from_utf8_lossy(raw);
        let head = text.split("\r\n\r\n").next().unwrap().to_string();
        let mut out: Vec<String> = Vec::new();
        for line in head.split("\r\n") {
            if line.starts_with(' ') || line.starts_with('\t') {
                out.last_mut().unwrap().push_str(line);
            } else {
                out.push(line.to_string());
            }
        }
        out
    }

    #[test]
    fn care_home_text_never_makes_a_header() {
        let sender = Sender {
            display_name: "NHSmail Sponsorship".into(),
            address: "sponsor@example.org".into(),
            instance: "test".into(),
            clock: std::sync::Arc::new(crate::clock::SystemClock),
        };
        let evil = "Rose Hill\r\nBcc: victim@example.net\r\nX-Evil: 1\nContent-Type: text/html";
        let mut c = crate::emails::sample_context();
        c.insert("care_home_name", evil);
        c.insert("applicant_name", evil);
        c.insert("reference", evil);
        c.insert("subject", evil);
        let draft = Draft::new(Template::Receipt, vec!["home@example.net".into()])
            .about(Some("LSM-2026-0001"))
            .answering(vec![
                "ok.1@home.example.net".into(),
                "x@y>\r\nBcc: victim@example.net".into(),
            ])
            .attach(vec![Part {
                name: "../../etc/passwd\r\nX-Evil: 1".into(),
                content_type: "text/plain\r\nX-Evil: 2".into(),
                bytes: b"x".to_vec(),
            }]);
        for template in [
            Template::Receipt,
            Template::HeldReport,
            Template::QuarantineReport,
        ] {
            let draft = Draft {
                template,
                ..draft.clone()
            };
            let out = sender.compose(&templates(), &draft, &c).unwrap();
            let text = String::from_utf8_lossy(&out.raw).to_string();
            for h in headers(&out.raw) {
                let name = h.split(':').next().unwrap().to_ascii_lowercase();
                assert!(
                    !["bcc", "x-evil", "cc"].contains(&name.as_str()),
                    "injected header {h:?} in:\n{text}"
                );
            }
            let parsed = mail_parser::MessageParser::default()
                .parse(&out.raw)
                .unwrap();
            for part in &parsed.parts {
                for h in part.headers() {
                    let name = h.name().to_ascii_lowercase();
                    assert!(name != "bcc" && name != "x-evil", "{h:?} in:\n{text}");
                }
            }
            assert!(!out.subject.contains('\n') && !out.subject.contains('\r'));
            let irt = headers(&out.raw)
                .into_iter()
                .find(|h| h.starts_with("In-Reply-To:"))
                .unwrap();
            assert_eq!(irt, "In-Reply-To: <ok.1@home.example.net>");
            assert!(!text.contains("../"), "attachment name as a path: {text}");
        }
    }
}
