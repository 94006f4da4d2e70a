//! What an element means for the text: skipped, struck, a block boundary,
//! preformatted, drawn in a symbol font. Only inline `style` attributes are
//! read; rules in `<style>` blocks are not applied (mail clients put
//! strike-through and hiding inline).

use scraper::node::Element;

/// Elements whose content is never shown as text.
const SKIPPED: &[&str] = &[
    "head", "style", "script", "title", "noscript", "template", "svg", "math", "object", "iframe",
    "select", "button", "xml",
];

/// Elements that start and end a line of their own.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// True when neither the element nor anything inside it is visible text:
/// non-content elements, hidden elements and struck-through text (a struck
/// option is the option not chosen, so it must not be read at all).
pub(super) fn is_dropped(el: &Element) -> bool {
    let name = el.name();
    if SKIPPED.contains(&name) || matches!(name, "s" | "strike" | "del") {
        return true;
    }
    if el.attr("hidden").is_some() {
        return true;
    }
    if el
        .attr("type")
        .is_some_and(|t| t.eq_ignore_ascii_case("hidden"))
    {
        return true;
    }
    el.attr("style").is_some_and(|style| {
        declarations(style).any(|(prop, value)| {
            is_strike_declaration(prop, value) || is_hiding_declaration(prop, value)
        })
    })
}

fn is_strike_declaration(prop: &str, value: &str) -> bool {
    (prop.eq_ignore_ascii_case("text-decoration")
        || prop.eq_ignore_ascii_case("text-decoration-line"))
        && contains_ignore_case(value, "line-through")
}

fn is_hiding_declaration(prop: &str, value: &str) -> bool {
    (prop.eq_ignore_ascii_case("display") && value.eq_ignore_ascii_case("none"))
        || (prop.eq_ignore_ascii_case("mso-hide") && value.eq_ignore_ascii_case("all"))
        || (prop.eq_ignore_ascii_case("visibility") && value.eq_ignore_ascii_case("hidden"))
}

pub(super) fn is_block(el: &Element) -> bool {
    BLOCKS.contains(&el.name())
}

/// `<pre>` or `white-space: pre…`: newlines in the source are line breaks.
pub(super) fn is_preformatted(el: &Element) -> bool {
    el.name() == "pre"
        || style_has(el, |prop, value| {
            prop.eq_ignore_ascii_case("white-space") && starts_with_ignore_case(value, "pre")
        })
}

/// Word draws check boxes as Wingdings letters.
pub(super) fn is_symbol_font(el: &Element) -> bool {
    let face = el
        .attr("face")
        .is_some_and(|f| contains_ignore_case(f, "wingdings"));
    face || style_has(el, |prop, value| {
        prop.eq_ignore_ascii_case("font-family") && contains_ignore_case(value, "wingdings")
    })
}

/// The header block Outlook puts above a quoted or forwarded message:
/// `<div style="border:none;border-top:solid #E1E1E1 1.0pt;…">` (older
/// versions use `#B5C4DF`).
pub(super) fn is_outlook_header_rule(el: &Element) -> bool {
    el.name() == "div"
        && style_has(el, |prop, value| {
            prop.eq_ignore_ascii_case("border-top")
                && starts_with_ignore_case(value, "solid")
                && (contains_ignore_case(value, "#e1e1e1")
                    || contains_ignore_case(value, "#b5c4df"))
        })
}

/// A check box or radio button drawn by the HTML itself.
pub(super) fn check_box(el: &Element) -> Option<char> {
    if el.name() != "input" {
        return None;
    }
    let kind = el.attr("type")?;
    if kind.eq_ignore_ascii_case("checkbox") || kind.eq_ignore_ascii_case("radio") {
        Some(if el.attr("checked").is_some() {
            '☒'
        } else {
            '☐'
        })
    } else {
        None
    }
}

/// A Wingdings character as the box it draws; other characters unchanged.
pub(super) fn wingdings_box(c: char) -> char {
    match c {
        'x' | 'ý' | 'þ' | 'ü' => '☒',
        'o' | '¨' | 'q' => '☐',
        other => other,
    }
}

fn style_has(el: &Element, test: impl Fn(&str, &str) -> bool) -> bool {
    el.attr("style")
        .is_some_and(|style| declarations(style).any(|(prop, value)| test(prop, value)))
}

/// `prop: value` pairs of an inline style, trimmed, `!important` dropped.
fn declarations(style: &str) -> impl Iterator<Item = (&str, &str)> {
    style.split(';').filter_map(|decl| {
        let (prop, value) = decl.split_once(':')?;
        let value = value.trim();
        let value = value.strip_suffix("!important").unwrap_or(value).trim();
        Some((prop.trim(), value))
    })
}

pub(super) fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn first_element(html: &str, name: &str) -> Element {
        let doc = Html::parse_fragment(html);
        doc.tree
            .root()
            .descendants()
            .filter_map(|n| n.value().as_element())
            .find(|e| e.name() == name)
            .cloned()
            .unwrap_or_else(|| panic!("no <{name}> in test input"))
    }

    #[test]
    fn struck_and_hidden_are_dropped() {
        for html in [
            "<span style='text-decoration:line-through'>No</span>",
            "<span style='TEXT-DECORATION: underline line-through'>No</span>",
            "<span style='text-decoration-line: line-through !important'>No</span>",
            "<span style='display:none'>x</span>",
            "<span style='mso-hide:all'>x</span>",
        ] {
            assert!(is_dropped(&first_element(html, "span")), "{html}");
        }
        assert!(!is_dropped(&first_element(
            "<span style='text-decoration:underline'>Yes</span>",
            "span"
        )));
        assert!(is_dropped(&first_element("<s>No</s>", "s")));
    }

    #[test]
    fn outlook_header_rule() {
        let el = first_element(
            "<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'></div>",
            "div",
        );
        assert!(is_outlook_header_rule(&el));
    }

    #[test]
    fn check_boxes() {
        assert_eq!(
            check_box(&first_element("<input type=checkbox checked>", "input")),
            Some('☒')
        );
        assert_eq!(
            check_box(&first_element("<input type=radio>", "input")),
            Some('☐')
        );
        assert_eq!(
            check_box(&first_element("<input type=text>", "input")),
            None
        );
    }
}
