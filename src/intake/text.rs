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

/// The opening of a message for a report: its first lines, not the whole
/// of whatever it holds.
pub fn first_lines(text: &str) -> String {
    const LINES: usize = 12;
    const CHARS: usize = 1_000;
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .skip_while(|l| l.trim().is_empty())
        .take(LINES)
        .collect();
    let mut out: String = lines.join("\n").chars().take(CHARS).collect();
    if out.len() < text.trim().len() {
        out.push_str("\n[...]");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_lines_are_bounded() {
        let long = "Hello,\n\nHow do we get NHSmail?\n".to_string() + &"more\n".repeat(100);
        let f = super::first_lines(&long);
        assert!(f.starts_with("Hello,\n\nHow do we get NHSmail?") && f.ends_with("[...]"));
        assert!(f.lines().count() <= 13);
        assert_eq!(super::first_lines("Thank you!"), "Thank you!");
    }

    #[test]
    fn stops_at_the_quote() {
        let raw = b"From: a@b.example\r\nSubject: Re: x\r\n\r\nApprove\r\nAll fine.\r\n\r\nOn Mon, 1 Jan 2026, Sponsor wrote:\r\n> Decision code: abc\r\n";
        assert_eq!(super::new_text(raw).trim(), "Approve\nAll fine.");
    }
}
