//! RFC 2047 encoded words in headers, for the one case mail-parser gets
//! wrong: UTF-7 (RFC 2152), still written by some old mail programs. A
//! shifted run ends at the first character outside base64; only a `-` there
//! is absorbed, any other character (a space) is text and stays.

use base64::Engine;

/// The header decoded, when it holds a UTF-7 encoded word; `None` otherwise
/// (mail-parser's own decoding stands).
pub fn decode_if_utf7(raw: &str) -> Option<String> {
    if !raw.to_ascii_lowercase().contains("=?utf-7?") {
        return None;
    }
    Some(decode_header(raw))
}

/// Encoded words and the text between them; whitespace between two encoded
/// words is not text (RFC 2047, section 6.2).
fn decode_header(raw: &str) -> String {
    let unfolded = raw.replace(['\r', '\n'], "");
    let mut out = String::new();
    let mut rest = unfolded.as_str();
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, from) = rest.split_at(start);
        let Some((word, len)) = encoded_word(from) else {
            out.push_str(before);
            out.push_str("=?");
            rest = from.get(2..).unwrap_or("");
            after_word = false;
            continue;
        };
        if !(after_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        out.push_str(&word);
        rest = from.get(len..).unwrap_or("");
        after_word = true;
    }
    out.push_str(rest);
    out
}

/// `=?charset?Q|B?text?=` at the start of `s`: its text and its length.
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let body = s.strip_prefix("=?")?;
    let (charset, body) = body.split_once('?')?;
    let (encoding, body) = body.split_once('?')?;
    let end = body.find("?=")?;
    let text = body.get(..end)?;
    if text.contains(char::is_whitespace) {
        return None;
    }
    let bytes = match encoding.to_ascii_lowercase().as_str() {
        "b" => base64::engine::general_purpose::STANDARD
            .decode(text.trim_end_matches('='))
            .or_else(|_| {
                base64::engine::general_purpose::STANDARD_NO_PAD.decode(text.trim_end_matches('='))
            })
            .ok()?,
        "q" => q_decode(text),
        _ => return None,
    };
    let len = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    // Any language tag ("utf-8*en") is not part of the charset.
    let charset = charset.split('*').next().unwrap_or(charset);
    let decoded = if charset.eq_ignore_ascii_case("utf-7") {
        utf7(&String::from_utf8_lossy(&bytes))
    } else {
        let encoding =
            encoding_rs::Encoding::for_label(charset.as_bytes()).unwrap_or(encoding_rs::UTF_8);
        encoding.decode_without_bom_handling(&bytes).0.into_owned()
    };
    Some((decoded, len))
}

fn q_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'='),
                }
            }
            _ => out.push(b),
        }
        i += 1;
    }
    out
}

/// Decodes UTF-7 text (RFC 2152).
pub fn utf7(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '+' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'-') {
            chars.next();
            out.push('+');
            continue;
        }
        let mut bits: u32 = 0;
        let mut count = 0;
        let mut units: Vec<u16> = Vec::new();
        while let Some(&d) = chars.peek() {
            let Some(v) = base64_value(d) else { break };
            chars.next();
            bits = (bits << 6) | v;
            count += 6;
            if count >= 16 {
                count -= 16;
                units.push(((bits >> count) & 0xFFFF) as u16);
            }
        }
        out.extend(char::decode_utf16(units).map(|r| r.unwrap_or('\u{FFFD}')));
        if chars.peek() == Some(&'-') {
            chars.next();
        }
    }
    out
}

fn base64_value(c: char) -> Option<u32> {
    match c {
        'A'..='Z' => Some(c as u32 - 'A' as u32),
        'a'..='z' => Some(c as u32 - 'a' as u32 + 26),
        '0'..='9' => Some(c as u32 - '0' as u32 + 52),
        '+' => Some(62),
        '/' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf7_runs_end_where_base64_ends() {
        assert_eq!(utf7("Zo+AOs- O'Brien"), "Zoë O'Brien");
        assert_eq!(utf7("Zo+AOs O'Brien"), "Zoë O'Brien");
        assert_eq!(utf7("Zo+AOs"), "Zoë");
        assert_eq!(utf7("1 +- 1"), "1 + 1");
        assert_eq!(utf7("+2D3eAQ-"), "\u{1F601}");
    }

    #[test]
    fn headers_with_utf7_words() {
        for (raw, want) in [
            ("=?utf-7?Q?Zo+AOs_O'Brien?=", "Zoë O'Brien"),
            ("=?UTF-7?B?Wm8rQU9zIE8nQnJpZW4=?=", "Zoë O'Brien"),
            ("=?utf-7?Q?Zo+AOs?= O'Brien", "Zoë O'Brien"),
            (
                "Application from =?utf-7?Q?Zo+AOs-?= =?utf-7?Q?_O'Brien?=",
                "Application from Zoë O'Brien",
            ),
            (
                "=?utf-7?Q?Zo+AOs=20O'Brien?= =?utf-8?Q?=E2=80=93_Rose?=",
                "Zoë O'Brien– Rose",
            ),
        ] {
            assert_eq!(decode_if_utf7(raw).as_deref(), Some(want), "{raw}");
        }
        assert_eq!(decode_if_utf7("=?utf-8?Q?Zo=C3=AB?= O'Brien"), None);
    }
}
