//! How deeply a PDF's arrays and dictionaries nest, counted in one pass
//! before lopdf sees the bytes. lopdf parses (and drops) nested objects by
//! recursion, so a file nested thousands deep overflows the stack; such a
//! file is refused here instead. Strings, comments and the contents of
//! streams are skipped: object streams that lopdf unpacks itself are left
//! to the reader process, which survives their crash (`intake::reader`).

/// Deeper than any real form: lopdf allows literal strings 100 deep.
pub(super) const MAX_NESTING: usize = 100;

/// True when the objects in `bytes` nest more than `max` deep.
pub(super) fn too_deep(bytes: &[u8], max: usize) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                while i < bytes.len() && !matches!(bytes[i], b'\r' | b'\n') {
                    i += 1;
                }
            }
            b'(' => i = skip_literal(bytes, i + 1),
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 1;
            }
            b'<' => {
                while i < bytes.len() && bytes[i] != b'>' {
                    i += 1;
                }
            }
            b'>' if bytes.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b's' if starts_stream(bytes, i) => i = skip_stream(bytes, i),
            _ => {}
        }
        if depth > max {
            return true;
        }
        i += 1;
    }
    false
}

/// The index of the `)` closing a literal string whose text starts at `i`.
fn skip_literal(bytes: &[u8], mut i: usize) -> usize {
    let mut open = 1usize;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'(' => open += 1,
            b')' => {
                open -= 1;
                if open == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// The keyword `stream` (not the end of `endstream`) followed by its end of line.
fn starts_stream(bytes: &[u8], i: usize) -> bool {
    bytes[i..].starts_with(b"stream")
        && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
        && matches!(bytes.get(i + 6), Some(b'\r' | b'\n'))
}

/// The index of the last byte of the `endstream` after the stream at `i`
/// (the end of the file when there is none).
fn skip_stream(bytes: &[u8], i: usize) -> usize {
    const END: &[u8] = b"endstream";
    bytes[i + 6..]
        .windows(END.len())
        .position(|w| w == END)
        .map_or(bytes.len(), |p| i + 6 + p + END.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_arrays_and_dictionaries_outside_strings_comments_and_streams() {
        assert!(!too_deep(b"1 0 obj << /A [1 [2 [3]]] >> endobj", 4));
        assert!(too_deep(b"1 0 obj << /A [1 [2 [3]]] >> endobj", 3));
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(too_deep(deep.as_bytes(), MAX_NESTING));
        // The same brackets where they are not structure.
        let quiet = [
            format!(
                "({}) % {}\n<{}>",
                "[".repeat(500),
                "[".repeat(500),
                "5B".repeat(50)
            ),
            format!(
                "<< /Length 1000 >>\nstream\n{}\nendstream\n",
                "[<<".repeat(500)
            ),
            format!("(a \\( {} )", "[".repeat(500)),
        ];
        for q in quiet {
            assert!(!too_deep(q.as_bytes(), MAX_NESTING), "{q}");
        }
        // After a stream, counting goes on.
        let after = format!("<<>>stream\r\n[[[[\r\nendstream {}", "[".repeat(200));
        assert!(too_deep(after.as_bytes(), MAX_NESTING));
        // Balanced but many: depth, not count.
        assert!(!too_deep("[] ".repeat(100_000).as_bytes(), 1));
    }
}
