//! Plain text sent as `format=flowed` (RFC 3676), as Thunderbird and Apple
//! Mail send it: a line ending in a space is soft-broken and goes on in the
//! next line of the same quote depth. Joined again here, so that an answer
//! the mail program wrapped ("We receive discharge summaries and " /
//! "referrals from the hospital") is read whole, quoted or not.

/// `text` with its soft line breaks joined. With `delete_space` (`DelSp=yes`)
/// the space before a soft break was added by the sender and is dropped.
pub fn unflow(text: &str, delete_space: bool) -> String {
    let mut out = String::with_capacity(text.len());
    // The paragraph being joined: its quote depth and text so far.
    let mut open: Option<(usize, String)> = None;
    let body = text.strip_suffix('\n').unwrap_or(text);
    for raw in body.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let (depth, content) = quoted(raw);
        // Space-stuffing: a leading space was added to protect the line.
        let content = content.strip_prefix(' ').unwrap_or(content);
        let soft = content.ends_with(' ') && content != "-- ";
        let mut line = match open.take() {
            Some((d, so_far)) if d == depth => so_far,
            Some((d, so_far)) => {
                push_line(&mut out, d, &so_far);
                String::new()
            }
            None => String::new(),
        };
        if soft {
            let kept = if delete_space {
                content.strip_suffix(' ').unwrap_or(content)
            } else {
                content
            };
            line.push_str(kept);
            open = Some((depth, line));
        } else {
            line.push_str(content);
            push_line(&mut out, depth, &line);
        }
    }
    if let Some((depth, rest)) = open {
        push_line(&mut out, depth, &rest);
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

/// A line's quote depth (its leading `>`s) and what follows them.
fn quoted(line: &str) -> (usize, &str) {
    let depth = line.chars().take_while(|&c| c == '>').count();
    (depth, line.get(depth..).unwrap_or(""))
}

fn push_line(out: &mut String, depth: usize, text: &str) {
    for _ in 0..depth {
        out.push('>');
    }
    if depth > 0 && !text.is_empty() {
        out.push(' ');
    }
    out.push_str(text.trim_end_matches(' '));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_breaks_are_joined_at_their_quote_depth() {
        let text = "Reason: We receive discharge summaries and \nreferrals from the hospital\n\
                    > Secure exchange required Yes - We receive \n> referrals\n>\n> Kind regards,\n";
        assert_eq!(
            unflow(text, false),
            "Reason: We receive discharge summaries and referrals from the hospital\n\
             > Secure exchange required Yes - We receive referrals\n>\n> Kind regards,\n"
        );
    }

    #[test]
    fn hard_breaks_the_signature_and_delsp_are_kept_apart() {
        assert_eq!(
            unflow("Name: Ann\nRole: Manager", false),
            "Name: Ann\nRole: Manager"
        );
        assert_eq!(unflow("Thanks\n-- \nAnn", false), "Thanks\n--\nAnn");
        assert_eq!(
            unflow("super \ncalifragilistic", true),
            "supercalifragilistic"
        );
        // A soft break into a different quote depth is no join.
        assert_eq!(unflow("> quoted \nmine", false), "> quoted\nmine");
    }
}
