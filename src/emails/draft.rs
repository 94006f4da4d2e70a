//! An email to compose: which template, to whom, in which thread, about
//! which case, with which files. Built with a few named steps so that a
//! caller says only what differs from the usual.

use super::Template;

/// A file to attach (or one taken from a care home's message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// An email to compose.
#[derive(Clone, Debug)]
pub struct Draft<'a> {
    pub template: Template,
    /// What the outbox row says the email is for (the template's name unless told).
    pub purpose: &'a str,
    pub to: Vec<String>,
    /// Message-IDs (without brackets) this answers, oldest first; the last is In-Reply-To.
    pub thread: Vec<String>,
    /// The case reference, used in the Message-ID.
    pub reference: Option<&'a str>,
    /// True for an automatic answer to someone's message (RFC 3834).
    pub auto_reply: bool,
    /// Recorded in the outbox but never sent (a backlog taken in quietly).
    pub suppressed: bool,
    pub attachments: Vec<Part>,
}

impl<'a> Draft<'a> {
    /// An email from this template to these addresses, about no case, in no thread.
    pub fn new(template: Template, to: Vec<String>) -> Draft<'a> {
        Draft {
            template,
            purpose: template.name(),
            to,
            thread: Vec::new(),
            reference: None,
            auto_reply: false,
            suppressed: false,
            attachments: Vec::new(),
        }
    }

    /// The outbox row's purpose, when it says more than the template's name.
    pub fn purpose(mut self, purpose: &'a str) -> Self {
        self.purpose = purpose;
        self
    }

    /// About this case (its reference goes in the Message-ID).
    pub fn about(mut self, reference: Option<&'a str>) -> Self {
        self.reference = reference;
        self
    }

    /// In this thread (Message-IDs without brackets, oldest first).
    pub fn in_thread(mut self, thread: Vec<String>) -> Self {
        self.thread = thread;
        self
    }

    /// An automatic answer to the last message of its thread (RFC 3834).
    pub fn answering(mut self, thread: Vec<String>) -> Self {
        self.thread = thread;
        self.auto_reply = true;
        self
    }

    /// Recorded but not sent.
    pub fn suppressed(mut self, suppressed: bool) -> Self {
        self.suppressed = suppressed;
        self
    }

    pub fn attach(mut self, parts: Vec<Part>) -> Self {
        self.attachments = parts;
        self
    }
}
