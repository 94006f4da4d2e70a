//! What a message is from its headers alone: a bounce or an automatic reply.
//! Whether it is an application depends on its content (see `parse`).

use super::Kind;
use mail_parser::{Message, MimeHeaders};

/// `Bounce` or `AutoReply` when the headers say so; `None` otherwise.
pub fn from_headers(msg: &Message) -> Option<Kind> {
    if is_bounce(msg) {
        return Some(Kind::Bounce);
    }
    is_auto_reply(msg).then_some(Kind::AutoReply)
}

fn header(msg: &Message, name: &str) -> Option<String> {
    msg.header_raw(name).map(|v| v.trim().to_lowercase())
}

fn subject(msg: &Message) -> String {
    msg.subject().unwrap_or("").trim().to_lowercase()
}

fn is_bounce(msg: &Message) -> bool {
    let report = msg.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct
                .attribute("report-type")
                .is_some_and(|r| r.eq_ignore_ascii_case("delivery-status"))
    });
    if report {
        return true;
    }
    let from = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or("")
        .to_lowercase();
    let local = from.split('@').next().unwrap_or("");
    let daemon = matches!(local, "mailer-daemon" | "postmaster" | "mail-daemon");
    let s = subject(msg);
    let dsn_subject = [
        "undeliver",
        "delivery status notification",
        "returned mail",
        "returned to sender",
        "delivery failure",
        "delivery has failed",
        "failure notice",
        "could not be delivered",
        "mail delivery failed",
        "non-delivery",
    ]
    .iter()
    .any(|p| s.contains(p));
    daemon && dsn_subject
}

const AUTO_SUBJECTS: [&str; 16] = [
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "auto-response",
    "out of office",
    "out of the office",
    "autosvar",
    "abwesenheitsnotiz",
    "automatische antwort",
    "réponse automatique",
    "respuesta automática",
    "risposta automatica",
    "automatisch antwoord",
    "away from the office",
];

fn is_auto_reply(msg: &Message) -> bool {
    if header(msg, "Auto-Submitted").is_some_and(|v| !v.is_empty() && !v.starts_with("no")) {
        return true;
    }
    let flagged = |name: &str| header(msg, name).is_some_and(|v| v != "no" && v != "false");
    if flagged("X-Autoreply") || flagged("X-Autorespond") || flagged("X-Autoresponder") {
        return true;
    }
    let precedence = header(msg, "Precedence").or_else(|| header(msg, "X-Precedence"));
    if precedence.is_some_and(|p| matches!(p.as_str(), "auto_reply" | "bulk" | "junk" | "list")) {
        return true;
    }
    let s = subject(msg);
    AUTO_SUBJECTS.iter().any(|p| s.starts_with(p))
        || s.contains("out of office")
        || s.starts_with("read:")
            && msg.content_type().is_some_and(|ct| {
                ct.attribute("report-type")
                    .is_some_and(|r| r.eq_ignore_ascii_case("disposition-notification"))
            })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::MessageParser;

    fn kind(raw: &str) -> Option<Kind> {
        let msg = MessageParser::default().parse(raw.as_bytes());
        msg.as_ref().and_then(from_headers)
    }

    #[test]
    fn bounces() {
        assert_eq!(
            kind(
                "From: MAILER-DAEMON@mx.example\r\nSubject: x\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b--\r\n"
            ),
            Some(Kind::Bounce)
        );
        assert_eq!(
            kind("From: postmaster@mx.example\r\nSubject: Undeliverable: NHSmail\r\n\r\nx"),
            Some(Kind::Bounce)
        );
    }

    #[test]
    fn auto_replies() {
        for h in [
            "Auto-Submitted: auto-replied",
            "X-Autoreply: yes",
            "X-Autorespond: yes",
            "Precedence: bulk",
            "Subject: Automatic reply: NHSmail",
            "Subject: Out of Office: back Monday",
            "Subject: Autosvar: NHSmail",
        ] {
            let raw = format!("From: a@b.example\r\n{h}\r\n\r\nAway.");
            assert_eq!(kind(&raw), Some(Kind::AutoReply), "{h}");
        }
    }

    #[test]
    fn ordinary_mail_is_neither() {
        for h in [
            "Auto-Submitted: no",
            "X-Auto-Response-Suppress: All",
            "Subject: RE: NHSmail form",
        ] {
            let raw = format!("From: a@b.example\r\n{h}\r\n\r\nHello.");
            assert_eq!(kind(&raw), None, "{h}");
        }
    }
}
