//! MIME building blocks: charsets, transfer encodings, encoded words,
//! parameters, and the multipart tree written out as bytes.

use crate::rng::Rng;

/// Encodes text in `charset` ("utf-8", "iso-8859-1", "windows-1252"), or
/// `None` when the text has a character the charset lacks.
pub fn encode_charset(text: &str, charset: &str) -> Option<Vec<u8>> {
    if charset == "utf-8" {
        return Some(text.as_bytes().to_vec());
    }
    let mut out = vec![];
    for ch in text.chars() {
        let c = ch as u32;
        let b = match ch {
            _ if c < 0x80 || (0xA0..0x100).contains(&c) => c as u8,
            '€' => 0x80,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            _ => return None,
        };
        if charset == "iso-8859-1" && (0x80..0xA0).contains(&b) {
            return None;
        }
        out.push(b);
    }
    Some(out)
}

/// Quoted-printable (RFC 2045), CRLF line ends, soft breaks at 76.
pub fn quoted_printable(data: &[u8]) -> String {
    let mut out = String::new();
    for (n, line) in data.split(|&b| b == b'\n').enumerate() {
        if n > 0 {
            out.push_str("\r\n");
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let mut col = 0;
        for (i, &b) in line.iter().enumerate() {
            let last = i + 1 == line.len();
            let plain = (b == b' ' || b == b'\t') && !last || (33..=126).contains(&b) && b != b'=';
            let piece = if plain {
                (b as char).to_string()
            } else {
                format!("={b:02X}")
            };
            if col + piece.len() > 75 {
                out.push_str("=\r\n");
                col = 0;
            }
            col += piece.len();
            out.push_str(&piece);
        }
    }
    out
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 without line breaks.
pub fn base64(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 in lines of 76 (or 72, as Thunderbird does).
pub fn base64_lines(data: &[u8], width: usize) -> String {
    let s = base64(data);
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && i % width == 0 {
            out.push_str("\r\n");
        }
        out.push(ch);
    }
    out
}

/// A header value with non-ASCII text as RFC 2047 encoded words.
pub fn encoded_word(s: &str, q: bool) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    if q {
        let mut out = String::from("=?UTF-8?Q?");
        for b in s.bytes() {
            match b {
                b' ' => out.push('_'),
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' => out.push(b as char),
                _ => out.push_str(&format!("={b:02X}")),
            }
        }
        out + "?="
    } else {
        format!("=?UTF-8?B?{}?=", base64(s.as_bytes()))
    }
}

/// A `filename` parameter: plain, RFC 2231 (`filename*=UTF-8''…`), or an
/// RFC 2047 encoded word in quotes.
pub fn filename_param(name: &str, rfc2231: bool) -> String {
    if name.is_ascii() {
        format!("filename=\"{name}\"")
    } else if rfc2231 {
        let enc: String = name
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        format!("filename*=UTF-8''{enc}")
    } else {
        format!("filename=\"{}\"", encoded_word(name, false))
    }
}

/// A part of a message: headers then body, or a multipart of parts.
pub enum Part {
    Leaf {
        headers: Vec<String>,
        body: String,
    },
    Multi {
        subtype: String,
        boundary: String,
        parts: Vec<Part>,
        preamble: bool,
    },
}

impl Part {
    /// Writes the part (its headers first) with CRLF line ends.
    pub fn write(&self, out: &mut String) {
        match self {
            Part::Leaf { headers, body } => {
                for h in headers {
                    out.push_str(h);
                    out.push_str("\r\n");
                }
                out.push_str("\r\n");
                out.push_str(body);
                out.push_str("\r\n");
            }
            Part::Multi {
                subtype,
                boundary,
                parts,
                preamble,
            } => {
                out.push_str(&format!(
                    "Content-Type: multipart/{subtype};\r\n\tboundary=\"{boundary}\"\r\n\r\n"
                ));
                if *preamble {
                    out.push_str("This is a multi-part message in MIME format.\r\n");
                }
                for p in parts {
                    out.push_str(&format!("--{boundary}\r\n"));
                    p.write(out);
                }
                out.push_str(&format!("--{boundary}--\r\n"));
            }
        }
    }
}

/// A text part in the draw's charset and transfer encoding; returns the
/// part and the charset actually used (a mail program falls back to UTF-8
/// when the text needs it).
pub fn text_part(
    subtype: &str,
    text: &str,
    charset: &str,
    encoding: &str,
    flowed: bool,
) -> (Part, String) {
    let (bytes, cs) = match encode_charset(text, charset) {
        Some(b) => (b, charset.to_string()),
        None => (text.as_bytes().to_vec(), "utf-8".to_string()),
    };
    let flowed = flowed && subtype == "plain" && encoding == "8bit";
    let (cte, body) = match encoding {
        "quoted-printable" => ("quoted-printable".to_string(), quoted_printable(&bytes)),
        "base64" => ("base64".to_string(), base64_lines(&bytes, 76)),
        _ => {
            let cte = if bytes.is_ascii() { "7bit" } else { "8bit" };
            let text = latin_or_utf8_string(&bytes);
            let text = if flowed { flow(&text) } else { text };
            (cte.to_string(), text.replace('\n', "\r\n"))
        }
    };
    let fl = if flowed { "; format=flowed" } else { "" };
    let headers = vec![
        format!("Content-Type: text/{subtype}; charset=\"{cs}\"{fl}"),
        format!("Content-Transfer-Encoding: {cte}"),
    ];
    (Part::Leaf { headers, body }, cs)
}

/// Raw 8-bit bodies are carried in a `String` byte for byte: Latin-1
/// bytes are kept as the chars U+0000..U+00FF and written back as bytes
/// by [`to_bytes`].
fn latin_or_utf8_string(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes
            .iter()
            .map(|&b| char::from_u32(0xF700 + u32::from(b)).unwrap_or('?'))
            .collect(),
    }
}

/// The message text as bytes: private-use chars U+F700..U+F7FF stand for
/// single raw bytes (see `latin_or_utf8_string`).
pub fn to_bytes(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut buf = [0u8; 4];
    for ch in s.chars() {
        let c = ch as u32;
        if (0xF700..0xF800).contains(&c) {
            out.push((c - 0xF700) as u8);
        } else {
            out.extend(ch.encode_utf8(&mut buf).as_bytes());
        }
    }
    out
}

/// format=flowed (RFC 3676): long lines broken at spaces, each broken
/// line ending with a space.
fn flow(text: &str) -> String {
    let mut out = vec![];
    for line in text.split('\n') {
        let line = line.trim_end_matches(' ');
        if line.chars().count() <= 76 {
            out.push(line.to_string());
            continue;
        }
        let mut cur = String::new();
        for w in line.split(' ') {
            if !cur.is_empty() && cur.chars().count() + w.chars().count() > 72 {
                out.push(std::mem::take(&mut cur));
            }
            cur.push_str(w);
            cur.push(' ');
        }
        out.push(cur.trim_end().to_string());
    }
    out.join("\n")
}

/// An attachment part, base64.
pub fn attachment(
    filename: &str,
    content_type: &str,
    data: &[u8],
    rfc2231: bool,
    extra: &[String],
) -> Part {
    let param = filename_param(filename, rfc2231);
    let mut headers = vec![
        format!(
            "Content-Type: {content_type};\r\n\tname=\"{}\"",
            if filename.is_ascii() {
                filename.to_string()
            } else {
                encoded_word(filename, false)
            }
        ),
        format!("Content-Disposition: attachment;\r\n\t{param}"),
        "Content-Transfer-Encoding: base64".to_string(),
    ];
    headers.extend(extra.iter().cloned());
    Part::Leaf {
        headers,
        body: base64_lines(data, 76),
    }
}

/// A boundary in the style of a mail program.
pub fn boundary(style: &str, r: &mut Rng, level: u32) -> String {
    let hex = |r: &mut Rng, n: usize| {
        (0..n)
            .map(|_| format!("{:X}", r.below(16)))
            .collect::<String>()
    };
    match style {
        "outlook" => format!(
            "----=_NextPart_00{level}_{}_{}.{}",
            hex(r, 4),
            hex(r, 8),
            hex(r, 8)
        ),
        "thunderbird" => {
            let a: String = (0..24)
                .map(|_| {
                    *r.pick(&b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[..])
                        as char
                })
                .collect();
            format!("------------{a}")
        }
        _ => format!("000000000000{}", hex(r, 16).to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_known() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
    }

    #[test]
    fn qp_soft_breaks_and_escapes() {
        let s = quoted_printable("a=b é ".as_bytes());
        assert_eq!(s, "a=3Db =C3=A9=20");
    }
}
