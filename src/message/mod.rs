//! An email as the intake sees it: its envelope (who, what it answers), its
//! kind (application, auto-reply, bounce, other), its bodies and attachments.
//! Built with mail-parser; no IO.

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
}
