//! Walks the MIME tree of a message: its bodies (the HTML part chosen over
//! its plain-text alternative) and every part that has a file name,
//! including those inside an attached message (a forwarded application).

use crate::form::readers::Limits;
use mail_parser::{Message, MessagePart, MimeHeaders, PartType};

/// The source name of a body for provenance.
pub const EMAIL_BODY: &str = "email body";
/// The source name of the body of an attached (forwarded) message.
pub const FORWARDED_BODY: &str = "forwarded message";

/// One body: its HTML and, when sent as an alternative, its plain text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Body {
    pub source: &'static str,
    /// The message holding this body says it is a forward ("FW:").
    pub forwarded: bool,
    pub html: Option<String>,
    pub text: Option<String>,
}

/// The start of a body, at most `max` bytes: the form is typed at the top,
/// and a body of many megabytes (thirty of "Name:" lines took 1.3 GB to
/// read) holds nothing more of it.
fn capped(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

/// One part with a file name.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// The part's Content-Description, when it has one.
    pub description: Option<String>,
}

/// What a message carries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Content {
    pub bodies: Vec<Body>,
    pub files: Vec<File>,
    /// Nesting went deeper than [`Limits::max_mime_depth`]; the rest was skipped.
    pub truncated: bool,
}

/// Collects the bodies and files of a parsed message.
pub fn walk(msg: &Message, limits: &Limits) -> Content {
    let mut content = Content::default();
    let mut walker = Walker {
        limits,
        content: &mut content,
    };
    walker.part(msg, 0, 0, EMAIL_BODY, &mut None);
    for body in &mut content.bodies {
        body.forwarded = match body.source {
            EMAIL_BODY => super::quotes::is_forward_subject(msg.subject().unwrap_or("")),
            _ => false,
        };
    }
    content
}

struct Walker<'a> {
    limits: &'a Limits,
    content: &'a mut Content,
}

fn content_type(part: &MessagePart) -> String {
    part.content_type().map_or_else(
        || match part.body {
            PartType::Text(_) => "text/plain".to_string(),
            PartType::Html(_) => "text/html".to_string(),
            _ => "application/octet-stream".to_string(),
        },
        |ct| {
            let sub = ct.subtype().unwrap_or("");
            format!("{}/{}", ct.ctype(), sub).to_lowercase()
        },
    )
}

/// A text part's body as sent, less only its transfer encoding (base64 or
/// quoted-printable); `None` when it cannot be found or decoded.
fn file_bytes(msg: &Message, part: &MessagePart) -> Option<Vec<u8>> {
    use mail_parser::decoders::{base64::base64_decode, quoted_printable::quoted_printable_decode};
    let start = usize::try_from(part.raw_body_offset()).ok()?;
    let end = usize::try_from(part.raw_end_offset()).ok()?;
    let raw = msg.raw_message().get(start..end)?;
    let encoding = part
        .content_transfer_encoding()
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match encoding.as_str() {
        "base64" => base64_decode(raw),
        "quoted-printable" => quoted_printable_decode(raw),
        _ => Some(raw.to_vec()),
    }
}

/// A plain text part as written, its `format=flowed` soft breaks joined.
fn unflowed(part: &MessagePart, text: &str) -> String {
    let attribute = |name: &str| {
        part.content_type()
            .and_then(|ct| ct.attribute(name))
            .map(str::to_ascii_lowercase)
    };
    if attribute("format").as_deref() == Some("flowed") {
        super::flowed::unflow(text, attribute("delsp").as_deref() == Some("yes"))
    } else {
        text.to_string()
    }
}

fn is_attachment(part: &MessagePart) -> bool {
    part.content_disposition()
        .is_some_and(|cd| cd.ctype().eq_ignore_ascii_case("attachment"))
}

impl Walker<'_> {
    fn part(
        &mut self,
        msg: &Message,
        id: usize,
        depth: usize,
        source: &'static str,
        pending_text: &mut Option<String>,
    ) {
        if depth > self.limits.max_mime_depth {
            self.content.truncated = true;
            return;
        }
        let Some(part) = msg.parts.get(id) else {
            return;
        };
        let filename = part.attachment_name().map(str::to_string);
        let description = part.content_description().map(str::to_string);
        match &part.body {
            PartType::Multipart(children) => {
                let children: Vec<usize> = children.iter().map(|c| *c as usize).collect();
                if content_type(part) == "multipart/alternative" {
                    self.alternative(msg, &children, depth, source);
                } else {
                    for child in children {
                        self.part(msg, child, depth + 1, source, pending_text);
                    }
                }
            }
            PartType::Message(nested) => {
                self.part(nested, 0, depth + 1, FORWARDED_BODY, &mut None);
            }
            PartType::Text(text) | PartType::Html(text) => {
                let ct = content_type(part);
                if let Some(name) = filename {
                    // The file's own bytes: the reader tells their encoding
                    // from what they hold, where the parser's reading of a
                    // missing charset turned Windows-1252 into U+FFFD.
                    let bytes = file_bytes(msg, part);
                    let bytes = bytes.as_deref().unwrap_or(text.as_bytes());
                    self.file(name, ct, bytes, description);
                } else if is_attachment(part) {
                    // A nameless attached text is not a body.
                } else if ct == "text/html" || matches!(part.body, PartType::Html(_)) {
                    self.content.bodies.push(Body {
                        source,
                        forwarded: false,
                        html: Some(capped(text, self.limits.max_body_bytes)),
                        text: pending_text.take(),
                    });
                } else if ct == "text/plain" {
                    let text = unflowed(part, &capped(text, self.limits.max_body_bytes));
                    self.content.bodies.push(Body {
                        source,
                        forwarded: false,
                        html: None,
                        text: Some(text),
                    });
                }
            }
            PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
                if let Some(name) = filename {
                    self.file(name, content_type(part), bytes, description);
                }
            }
        }
    }

    /// The HTML alternative (or the part holding it) is read; the plain
    /// text goes with it as a fallback for when the HTML yields nothing.
    fn alternative(
        &mut self,
        msg: &Message,
        children: &[usize],
        depth: usize,
        source: &'static str,
    ) {
        let plain = children.iter().find_map(|&c| {
            let part = msg.parts.get(c)?;
            match &part.body {
                PartType::Text(t)
                    if content_type(part) == "text/plain" && part.attachment_name().is_none() =>
                {
                    Some(unflowed(part, &capped(t, self.limits.max_body_bytes)))
                }
                _ => None,
            }
        });
        let richer = children.iter().rev().copied().find(|&c| {
            msg.parts.get(c).is_some_and(|p| {
                matches!(p.body, PartType::Html(_) | PartType::Multipart(_))
                    || content_type(p) == "text/html"
            })
        });
        match richer {
            Some(chosen) => {
                let mut pending = plain;
                self.part(msg, chosen, depth + 1, source, &mut pending);
                if let Some(text) = pending {
                    // The richer part held no HTML body after all.
                    self.content.bodies.push(Body {
                        source,
                        forwarded: false,
                        html: None,
                        text: Some(text),
                    });
                }
                // Attachments may sit beside the alternatives.
                for &c in children {
                    if c != chosen
                        && msg
                            .parts
                            .get(c)
                            .is_some_and(|p| p.attachment_name().is_some())
                    {
                        self.part(msg, c, depth + 1, source, &mut None);
                    }
                }
            }
            None => {
                for &c in children {
                    self.part(msg, c, depth + 1, source, &mut None);
                }
            }
        }
    }

    fn file(
        &mut self,
        filename: String,
        content_type: String,
        bytes: &[u8],
        description: Option<String>,
    ) {
        self.content.files.push(File {
            filename,
            content_type,
            description,
            bytes: bytes.to_vec(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::MessageParser;

    fn content(raw: &str) -> Content {
        let msg = MessageParser::default().parse(raw.as_bytes());
        msg.map(|m| walk(&m, &Limits::default()))
            .unwrap_or_default()
    }

    /// Issue 16: a body of megabytes is read from its start only.
    #[test]
    fn a_huge_body_is_read_from_its_start_only() {
        let lines = "Name: Ünïcode House\r\n".repeat(200_000);
        let c = content(&format!(
            "Content-Type: text/plain; charset=utf-8\r\n\r\n{lines}"
        ));
        let text = c.bodies[0].text.clone().unwrap_or_default();
        assert!(
            text.len() <= Limits::default().max_body_bytes,
            "{}",
            text.len()
        );
        assert!(text.len() > 1_000_000 && text.starts_with("Name: Ünïcode House"));
        assert_eq!(capped("ab€", 3), "ab");
        assert_eq!(capped("ab", 3), "ab");
    }

    #[test]
    fn html_alternative_is_chosen_with_text_fallback() {
        let c = content(
            "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nYes/No\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Yes/<s>No</s></p>\r\n--b--\r\n",
        );
        assert_eq!(c.bodies.len(), 1);
        let body = c.bodies.first().cloned().unwrap_or_default();
        assert!(body.html.is_some_and(|h| h.contains("<s>")));
        assert!(body.text.is_some_and(|t| t.contains("Yes/No")));
    }

    #[test]
    fn attachments_inside_a_forwarded_message_are_listed() {
        let c = content(
            "Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nFYI\r\n--o\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\nName: Ann\r\n--i\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=UTF-8''report%E2%80%93x.pdf\r\n\r\n%PDF-1.4\r\n--i--\r\n--o--\r\n",
        );
        assert_eq!(c.files.len(), 1);
        assert_eq!(
            c.files.first().map(|f| f.filename.as_str()),
            Some("report–x.pdf")
        );
        assert!(c.bodies.iter().any(|b| b.source == FORWARDED_BODY));
    }

    #[test]
    fn nesting_is_bounded() {
        let mut raw = String::new();
        for i in 0..30 {
            raw.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n"
            ));
        }
        raw.push_str("Content-Type: text/plain\r\n\r\nx\r\n");
        let limits = Limits {
            max_mime_depth: 5,
            ..Limits::default()
        };
        let msg = MessageParser::default().parse(raw.as_bytes());
        let c = msg.map(|m| walk(&m, &limits)).unwrap_or_default();
        assert!(c.truncated);
    }
}
