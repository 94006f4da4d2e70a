//! The new text of a reply: what the sender wrote above the quoted thread.

use mail_parser::MessageParser;

/// The first text body, cut where the quoted earlier message starts.
pub fn new_text(raw: &[u8]) -> String {
    let Some(msg) = MessageParser::default().parse(raw) else {
        return String::new();
    };
    let body = msg.body_text(0).map(|b| b.into_owned()).unwrap_or_default();
    let mut out = Vec::new();
    for line in body.lines() {
        let t = line.trim();
        let quoted = t.starts_with('>')
            || t.starts_with("-----Original Message")
            || (t.starts_with("On ") && t.ends_with("wrote:"))
            || t.starts_with("From:")
            || t.starts_with("________________");
        if quoted {
            break;
        }
        out.push(line);
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn stops_at_the_quote() {
        let raw = b"From: a@b.example\r\nSubject: Re: x\r\n\r\nApprove\r\nAll fine.\r\n\r\nOn Mon, 1 Jan 2026, Sponsor wrote:\r\n> Decision code: abc\r\n";
        assert_eq!(super::new_text(raw).trim(), "Approve\nAll fine.");
    }
}
