//! What retention keeps of an email that was sent: its headers (who, when,
//! which Message-ID, for the audit and the threads) and a line saying the
//! rest went. The body and the attachments (the care home's form, its
//! assessment report) are personal data and go with the case's messages.

/// The email's header block, as plain text, with a note for a body.
pub fn headers_only(raw: &[u8], note: &str) -> Vec<u8> {
    let end = find(raw, b"\r\n\r\n")
        .or_else(|| find(raw, b"\n\n"))
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(raw.get(..end).unwrap_or(raw));
    let mut out = String::new();
    let mut skipping = false;
    for line in head.lines() {
        let continued = line.starts_with([' ', '\t']);
        if !continued {
            let name = line.split(':').next().unwrap_or("").to_ascii_lowercase();
            // The body is replaced: its MIME headers would describe what is gone.
            skipping = name.starts_with("content-") || name == "mime-version";
        }
        if !skipping {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
    out.push_str(note);
    out.push_str("\r\n");
    out.into_bytes()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_headers_and_drops_body_and_attachments() {
        let raw = b"From: Sponsor <s@x.example>\r\nSubject: LSM-2026-0001 ready\r\nMessage-ID: <a@x>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nJane Smith 07700 900123\r\n--b\r\nContent-Disposition: attachment; filename=form.docx\r\n\r\nUEsDBBQ\r\n--b--\r\n";
        let kept = String::from_utf8(headers_only(raw, "Deleted by retention.")).unwrap();
        assert!(
            kept.contains("Message-ID: <a@x>") && kept.contains("Subject: LSM-2026-0001 ready")
        );
        assert!(
            !kept.contains("Jane Smith")
                && !kept.contains("UEsDBBQ")
                && !kept.contains("form.docx")
        );
        assert!(
            !kept.contains("multipart") && !kept.contains("boundary"),
            "{kept}"
        );
        assert!(kept.ends_with("Deleted by retention.\r\n"));
        let parsed = mail_parser::MessageParser::default()
            .parse(kept.as_bytes())
            .unwrap();
        assert_eq!(parsed.attachment_count(), 0);
    }
}
