//! Telling new text from earlier messages: the lines mail clients write
//! above a forwarded or quoted message, and the header lines that follow.

use super::Part;

/// What a line of text announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Marker {
    /// `---------- Forwarded message ---------`, `Begin forwarded message:`…
    Forward,
    /// `-----Original Message-----`: Outlook writes it above replies and
    /// forwards alike.
    Original,
    /// `On Mon, 3 Jun 2024, Jane wrote:`: the attribution line of a reply.
    Attribution,
}

/// The marker a line is, if any.
pub(super) fn marker(line: &str) -> Option<Marker> {
    let core = line
        .trim_matches(|c: char| c == '-' || c == '_' || c == '=' || c.is_whitespace())
        .trim_end_matches(':')
        .trim()
        .to_lowercase();
    const FORWARD: &[&str] = &[
        "forwarded message",
        "begin forwarded message",
        "weitergeleitete nachricht",
        "message transféré",
        "mensaje reenviado",
    ];
    if FORWARD.contains(&core.as_str()) {
        return Some(Marker::Forward);
    }
    if matches!(
        core.as_str(),
        "original message" | "ursprüngliche nachricht"
    ) {
        return Some(Marker::Original);
    }
    let attribution = (core.starts_with("on ") && core.ends_with("wrote"))
        || (core.starts_with("le ") && core.ends_with("a écrit"))
        || (core.starts_with("am ") && core.ends_with("schrieb"));
    attribution.then_some(Marker::Attribution)
}

/// The fields of a message header block as clients print them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum HeaderField {
    From,
    /// `Sent:` or `Date:`, which follows `From:` in Outlook and Gmail.
    Sent,
    Subject,
    /// `To:`, `Cc:` and the other address or bookkeeping lines.
    Other,
}

/// The header field a line is (`From: Jane <jane@…>`), with its value.
pub(super) fn header_field(line: &str) -> Option<(HeaderField, &str)> {
    let (name, value) = line.split_once(':')?;
    let name = name.trim().to_lowercase();
    let field = match name.as_str() {
        "from" | "von" | "de" | "van" => HeaderField::From,
        "sent" | "date" | "gesendet" | "datum" | "envoyé" | "verzonden" => HeaderField::Sent,
        "subject" | "betreff" | "objet" | "onderwerp" => HeaderField::Subject,
        "to" | "cc" | "bcc" | "reply-to" | "an" | "à" | "aan" | "importance" | "attachments" => {
            HeaderField::Other
        }
        _ => return None,
    };
    Some((field, value.trim()))
}

/// True for a subject that forwards (`FW:`, `Fwd:`, `WG:`, `TR:`), looking
/// past a leading `[EXTERNAL]`-style tag.
pub fn is_forward_subject(subject: &str) -> bool {
    let mut rest = subject.trim_start();
    if rest.starts_with('[')
        && let Some(end) = rest.find(']')
    {
        rest = rest.get(end + 1..).unwrap_or("").trim_start();
    }
    let Some((prefix, _)) = rest.split_once(':') else {
        return false;
    };
    matches!(
        prefix.trim().to_lowercase().as_str(),
        "fw" | "fwd" | "wg" | "tr" | "fwd:fw" | "doorst"
    )
}

/// The part a section nested inside `outer` belongs to. Anything inside a
/// quoted reply stays quoted; inside a forward, an unlabelled header block
/// is a forward only if the forwarded message's own subject says so.
pub(super) fn nest(outer: Part, inner: Part, outer_subject: Option<&str>) -> Part {
    let resolve = |subject: &str, forwarded: Part| {
        if is_forward_subject(subject) {
            forwarded
        } else {
            Part::Quoted
        }
    };
    match (outer, inner) {
        (Part::New, inner) => inner,
        (Part::Quoted, _) | (_, Part::Quoted) => Part::Quoted,
        (Part::Forwarded, Part::Forwarded) => Part::Forwarded,
        (Part::Forwarded, _) => {
            outer_subject.map_or(Part::Unlabelled, |s| resolve(s, Part::Forwarded))
        }
        (Part::Unlabelled, Part::Unlabelled) => {
            outer_subject.map_or(Part::Unlabelled, |s| resolve(s, Part::Unlabelled))
        }
        (Part::Unlabelled, _) => Part::Unlabelled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(
            marker("---------- Forwarded message ---------"),
            Some(Marker::Forward)
        );
        assert_eq!(
            marker("-------- Forwarded Message --------"),
            Some(Marker::Forward)
        );
        assert_eq!(marker("Begin forwarded message:"), Some(Marker::Forward));
        assert_eq!(marker("-----Original Message-----"), Some(Marker::Original));
        assert_eq!(
            marker("On Mon, 17 Jun 2024 at 16:02, Jane Smith <jane@x.example> wrote:"),
            Some(Marker::Attribution)
        );
        assert_eq!(marker("Name: Jane Smith"), None);
        assert_eq!(marker("On call rota attached"), None);
    }

    #[test]
    fn header_fields() {
        assert_eq!(
            header_field("From: NHSmail Sponsorship <a@b.example>"),
            Some((HeaderField::From, "NHSmail Sponsorship <a@b.example>"))
        );
        assert_eq!(
            header_field("Sent: 18 June 2024 14:05"),
            Some((HeaderField::Sent, "18 June 2024 14:05"))
        );
        assert_eq!(
            header_field("Subject: RE: x"),
            Some((HeaderField::Subject, "RE: x"))
        );
        assert_eq!(header_field("Role: Manager"), None);
    }

    #[test]
    fn forward_subjects() {
        assert!(is_forward_subject("FW: NHSmail application"));
        assert!(is_forward_subject("Fwd: application"));
        assert!(is_forward_subject("[EXTERNAL] Fw: application"));
        assert!(!is_forward_subject("RE: NHSmail application"));
        assert!(!is_forward_subject("Application form"));
    }

    #[test]
    fn nesting() {
        assert_eq!(nest(Part::New, Part::Forwarded, None), Part::Forwarded);
        assert_eq!(nest(Part::Quoted, Part::Forwarded, None), Part::Quoted);
        assert_eq!(
            nest(Part::Forwarded, Part::Unlabelled, Some("FW: x")),
            Part::Forwarded
        );
        assert_eq!(
            nest(Part::Forwarded, Part::Unlabelled, Some("RE: x")),
            Part::Quoted
        );
        assert_eq!(
            nest(Part::Forwarded, Part::Unlabelled, None),
            Part::Unlabelled
        );
        assert_eq!(
            nest(Part::Unlabelled, Part::Forwarded, None),
            Part::Unlabelled
        );
    }
}
