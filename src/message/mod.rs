//! An email as the intake sees it: its envelope (who, what it answers), its
//! kind (application, auto-reply, bounce, other), its bodies and attachments.
//! Built with mail-parser; no IO.

pub mod encoded_words;
pub mod flowed;
pub mod kind;
pub mod quotes;
pub mod walk;

use mail_parser::{Address, HeaderValue, Message};
use serde::{Deserialize, Serialize};

/// What a message is, as in the parse contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Application,
    AutoReply,
    Bounce,
    Other,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Application => "application",
            Kind::AutoReply => "auto_reply",
            Kind::Bounce => "bounce",
            Kind::Other => "other",
        }
    }
}

/// A name and an address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    pub name: Option<String>,
    /// Lower-cased address.
    pub address: String,
}

/// The headers the intake acts on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// Message-ID without angle brackets.
    pub message_id: Option<String>,
    /// In-Reply-To ids, without angle brackets.
    pub in_reply_to: Vec<String>,
    /// References ids, without angle brackets.
    pub references: Vec<String>,
    pub from: Option<Mailbox>,
    pub reply_to: Option<Mailbox>,
    pub to: Vec<Mailbox>,
    pub subject: String,
    /// The Date header as RFC 3339, when it parses.
    pub date: Option<String>,
    /// Value of our own `X-Sponsor-Intake` marker header, if present: the
    /// message was sent by a sponsor-intake daemon.
    pub sent_by_us: Option<String>,
}

/// What an attachment is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    ApplicationForm,
    IgAssessmentReport,
    Other,
}

/// One MIME part that has a file name (including parts inside an attached
/// message/rfc822 or a winmail.dat).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The decoded Unicode file name.
    pub filename: String,
    pub content_type: String,
    /// Size in bytes, decoded.
    pub size: usize,
    pub role: Role,
    /// Why it could not be read, in plain words; `None` when read or not tried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
    /// The same as a code (`password`, `format`, `scanned`, `too_large`,
    /// `damaged`, `picture`), for the emails to word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable_code: Option<String>,
}

fn mailboxes(address: Option<&Address>) -> Vec<Mailbox> {
    address
        .map(|a| {
            a.iter()
                .filter_map(|addr| {
                    Some(Mailbox {
                        name: addr.name().map(str::to_string),
                        address: addr.address()?.trim().to_lowercase(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Message ids from an In-Reply-To or References header, without brackets.
fn ids(value: &HeaderValue) -> Vec<String> {
    let clean = |s: &str| {
        s.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string()
    };
    match value {
        HeaderValue::Text(t) => t.split_whitespace().map(clean).collect(),
        HeaderValue::TextList(list) => list.iter().map(|t| clean(t)).collect(),
        _ => Vec::new(),
    }
}

/// The headers the intake acts on.
/// A header's text as mail-parser decodes it, except where it holds UTF-7
/// encoded words, which mail-parser decodes with the character after a
/// shifted run lost ("Zoë O'Brien" as "ZoëO'Brien").
fn header_text(msg: &Message, name: &str, decoded: Option<&str>) -> String {
    msg.header_raw(name)
        .and_then(encoded_words::decode_if_utf7)
        .unwrap_or_else(|| decoded.unwrap_or("").to_string())
        .trim()
        .to_string()
}

pub fn envelope(msg: &Message) -> Envelope {
    Envelope {
        message_id: msg
            .message_id()
            .map(|id| id.trim_start_matches('<').trim_end_matches('>').to_string()),
        in_reply_to: ids(msg.in_reply_to()),
        references: ids(msg.references()),
        from: mailboxes(msg.from()).into_iter().next(),
        reply_to: mailboxes(msg.reply_to()).into_iter().next(),
        to: mailboxes(msg.to()),
        subject: header_text(msg, "Subject", msg.subject()),
        date: msg.date().map(|d| d.to_rfc3339()),
        sent_by_us: msg
            .header_raw("X-Sponsor-Intake")
            .map(|v| v.trim().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::MessageParser;

    #[test]
    fn envelope_fields() {
        let raw = "Message-ID: <abc@x.example>\r\nIn-Reply-To: <p@x.example>\r\nReferences: <o@x.example> <p@x.example>\r\nFrom: Jane <Jane.Smith@Example.org>\r\nTo: Sponsor <NHSmail.Sponsor@x.example>, b@x.example\r\nSubject: RE: Application\r\nDate: Mon, 17 Jun 2024 10:02:07 +0100\r\nX-Sponsor-Intake: case-42\r\n\r\nHi";
        let msg = MessageParser::default().parse(raw.as_bytes());
        let env = msg.as_ref().map(envelope).unwrap_or_default();
        assert_eq!(env.message_id.as_deref(), Some("abc@x.example"));
        assert_eq!(env.in_reply_to, vec!["p@x.example"]);
        assert_eq!(env.references, vec!["o@x.example", "p@x.example"]);
        assert_eq!(
            env.from.map(|m| m.address).as_deref(),
            Some("jane.smith@example.org")
        );
        assert_eq!(env.to.len(), 2);
        assert_eq!(env.subject, "RE: Application");
        assert!(env.date.is_some_and(|d| d.starts_with("2024-06-17")));
        assert_eq!(env.sent_by_us.as_deref(), Some("case-42"));
    }
}
