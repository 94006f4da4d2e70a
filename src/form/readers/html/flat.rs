//! A guard against pathologically nested HTML. Building a DOM for thousands
//! of nested elements takes time quadratic in the depth (the tree builder
//! scans its stack of open elements), which a hostile message could use to
//! stall the daemon. No mail client nests that deep, so such input is read
//! as flat text instead: every tag ends a line.

/// Deeper than any real email; deep enough to be cheap to parse.
const MAX_DEPTH: usize = 400;

/// Elements that never hold content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose end tag is often left out: the parser closes them itself,
/// so they do not pile up.
const SELF_ENDING: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "tbody", "thead", "tfoot", "option", "optgroup",
    "colgroup", "caption", "rb", "rt", "rp",
];

/// True when the tags open deeper than [`MAX_DEPTH`] (a rough count: start
/// tags minus end tags, ignoring void and self-ending elements).
pub(super) fn too_deep(html: &str) -> bool {
    let mut depth = 0usize;
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = rest.get(at + 1..).unwrap_or("");
        let closing = rest.starts_with('/');
        let name_start = usize::from(closing);
        let name: String = rest
            .get(name_start..)
            .unwrap_or("")
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .take(12)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if name.is_empty() || VOID.contains(&name.as_str()) || SELF_ENDING.contains(&name.as_str())
        {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            if depth > MAX_DEPTH {
                return true;
            }
        }
    }
    false
}

/// The text of the HTML, one line per run between tags, entities decoded.
pub(super) fn lines(html: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let end = rest.find('<').unwrap_or(rest.len());
        let text = decode_entities(rest.get(..end).unwrap_or(""));
        let text = text.split(super::line::is_space).filter(|w| !w.is_empty());
        let line = text.collect::<Vec<_>>().join(" ");
        if !line.is_empty() {
            lines.push(line);
        }
        rest = rest.get(end..).unwrap_or("");
        let close = rest.find('>').map_or(rest.len(), |i| i + 1);
        rest = rest.get(close..).unwrap_or("");
    }
    lines
}

/// The common named entities and numeric references.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at).unwrap_or(""));
        rest = rest.get(at..).unwrap_or("");
        let decoded = rest
            .find(';')
            .filter(|&semi| semi <= 10)
            .and_then(|semi| Some((entity(rest.get(1..semi)?)?, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = rest.get(semi + 1..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = rest.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "rsquo" => '\u{2019}',
        "lsquo" => '\u{2018}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_only_nesting_tags() {
        assert!(!too_deep(&"<p>x".repeat(5_000)));
        assert!(!too_deep(&"<div>x</div>".repeat(5_000)));
        assert!(too_deep(&"<div>".repeat(MAX_DEPTH + 1)));
        assert!(!too_deep("a < b and c <"));
    }

    #[test]
    fn flat_lines_decode_entities() {
        assert_eq!(
            lines(
                "<div><div>Name:&nbsp;Jane &amp; Co</div><b>Role</b>: &#8211; &#x41; &bogus;</div>"
            ),
            ["Name: Jane & Co", "Role", ": \u{2013} A &bogus;"]
        );
    }
}
