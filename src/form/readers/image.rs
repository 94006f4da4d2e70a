//! Pictures: a screenshot or a phone photo of the assessment report is sent
//! as often as the report itself. An image is not read for text; what it is
//! comes from its name, its MIME description and the title it carries
//! (PNG text chunks, a JPEG comment or its XMP title).

/// Enough of an image's head to find its title; titles are written first.
const HEAD: usize = 512 * 1024;

/// True for the image formats mail programs attach.
pub fn is_image(content_type: &str, bytes: &[u8]) -> bool {
    content_type.to_ascii_lowercase().starts_with("image/")
        || bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xff, 0xd8, 0xff])
        || bytes.starts_with(b"GIF8")
        || (bytes.get(4..12) == Some(b"ftypheic") || bytes.get(4..12) == Some(b"ftypmif1"))
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
}

/// The title or description an image carries, if any.
pub fn title(bytes: &[u8]) -> Option<String> {
    let head = bytes.get(..bytes.len().min(HEAD)).unwrap_or(bytes);
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return png_text(head);
    }
    if head.starts_with(&[0xff, 0xd8]) {
        return jpeg_text(head);
    }
    None
}

/// `tEXt` and `iTXt` chunks whose keyword is a title or a description.
fn png_text(bytes: &[u8]) -> Option<String> {
    let mut at = 8;
    let mut found = Vec::new();
    while let Some(len) = bytes.get(at..at + 4) {
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let kind = bytes.get(at + 4..at + 8)?;
        let data = bytes.get(at + 8..at.saturating_add(8).saturating_add(len))?;
        if kind == b"tEXt" || kind == b"iTXt" {
            let mut parts = data.splitn(2, |b| *b == 0);
            let keyword = String::from_utf8_lossy(parts.next().unwrap_or(&[])).to_lowercase();
            let text = parts.next().unwrap_or(&[]);
            // iTXt: compression flag, method, language and translated
            // keyword stand before the text; uncompressed text only.
            let text = if kind == b"iTXt" {
                match text.split_first() {
                    Some((0, rest)) => rest
                        .get(1..)
                        .and_then(|r| r.splitn(3, |b| *b == 0).nth(2))
                        .unwrap_or(&[]),
                    _ => &[],
                }
            } else {
                text
            };
            if matches!(
                keyword.as_str(),
                "title" | "description" | "comment" | "subject"
            ) {
                found.push(String::from_utf8_lossy(text).trim().to_string());
            }
        }
        if kind == b"IDAT" || kind == b"IEND" {
            break;
        }
        at = at.saturating_add(12).saturating_add(len);
    }
    let joined = found.join(" ");
    (!joined.trim().is_empty()).then_some(joined)
}

/// A JPEG comment (`COM`) and the title in its XMP packet.
fn jpeg_text(bytes: &[u8]) -> Option<String> {
    let mut at = 2;
    let mut found = Vec::new();
    while let (Some(&0xff), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) {
        if marker == 0xda || marker == 0xd9 {
            break; // the image data starts: no more headers
        }
        let len = bytes
            .get(at + 2..at + 4)
            .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))?;
        let data = bytes.get(at + 4..at + 2 + len)?;
        if marker == 0xfe {
            found.push(String::from_utf8_lossy(data).trim().to_string());
        } else if marker == 0xe1
            && data.starts_with(b"http://ns.adobe.com/xap/1.0/")
            && let Some(title) = xmp_title(&String::from_utf8_lossy(data))
        {
            found.push(title);
        }
        at += 2 + len;
    }
    let joined = found.join(" ");
    (!joined.trim().is_empty()).then_some(joined)
}

/// The text of `<dc:title>` (its first `rdf:li`), tags removed.
fn xmp_title(xmp: &str) -> Option<String> {
    let start = xmp.find("<dc:title")?;
    let end = xmp.get(start..)?.find("</dc:title>")? + start;
    let inner = xmp.get(start..end)?;
    let mut text = String::new();
    let mut in_tag = false;
    for c in inner.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_with(keyword: &str, text: &str) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |kind: &[u8], data: &[u8]| {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&[0, 0, 0, 0]); // the CRC is not checked
        };
        chunk(b"IHDR", &[0; 13]);
        let mut data = keyword.as_bytes().to_vec();
        data.push(0);
        data.extend_from_slice(text.as_bytes());
        chunk(b"tEXt", &data);
        chunk(b"IEND", &[]);
        out
    }

    #[test]
    fn png_and_jpeg_titles() {
        let png = png_with("Title", "DSPT assessment report 2024");
        assert!(is_image("application/octet-stream", &png));
        assert_eq!(title(&png).as_deref(), Some("DSPT assessment report 2024"));
        let mut jpeg = vec![0xff, 0xd8, 0xff, 0xfe];
        let comment = b"IG Toolkit report";
        jpeg.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
        jpeg.extend_from_slice(comment);
        jpeg.extend_from_slice(&[0xff, 0xd9]);
        assert_eq!(title(&jpeg).as_deref(), Some("IG Toolkit report"));
    }

    #[test]
    fn broken_images_never_panic() {
        for bytes in [
            &b"\x89PNG\r\n\x1a\n\xff\xff\xff\xff"[..],
            &[0xff, 0xd8, 0xff, 0xe1, 0x00],
            &[0xff, 0xd8],
            b"",
        ] {
            let _ = title(bytes);
        }
    }
}
