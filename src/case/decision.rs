//! An administrator's decision written in an email: "Approve" or "Reject"
//! and the reasons, at the top of a reply to the ready-for-decision notice.
//! It only counts when it also carries the case's decision code (see intake).

/// Approve or reject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Approve,
    Reject,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approve => "approved",
            Verdict::Reject => "rejected",
        }
    }
}

/// A decision read from an email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailedDecision {
    pub verdict: Verdict,
    /// The words after the verdict (the reasons or a note), if any.
    pub reason: Option<String>,
}

fn verdict_of(word: &str) -> Option<Verdict> {
    match word.to_ascii_lowercase().as_str() {
        "approve" | "approved" | "approval" | "accept" | "accepted" => Some(Verdict::Approve),
        "reject" | "rejected" | "decline" | "declined" | "refuse" | "refused" => {
            Some(Verdict::Reject)
        }
        _ => None,
    }
}

/// Reads the decision from the new (top-posted) text of a reply: the first
/// line that says something must start with the verdict.
pub fn read(new_text: &str) -> Option<EmailedDecision> {
    let mut lines = new_text.lines().map(str::trim).skip_while(|l| l.is_empty());
    let first = lines.next()?;
    let word_end = first
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(first.len());
    let verdict = verdict_of(&first[..word_end])?;
    let mut reason: Vec<&str> = Vec::new();
    let rest = first[word_end..]
        .trim_start_matches([' ', ':', '-', '\u{2013}', ',', '.'])
        .trim();
    if !rest.is_empty() {
        reason.push(rest);
    }
    for line in lines {
        if line.starts_with('>')
            || line.starts_with("From:")
            || line.starts_with("-----")
            || line.starts_with("On ") && line.ends_with("wrote:")
        {
            break;
        }
        reason.push(line);
    }
    let reason = reason.join("\n").trim().to_string();
    Some(EmailedDecision {
        verdict,
        reason: (!reason.is_empty()).then_some(reason),
    })
}

/// Whether a text looks like someone trying to decide (for reporting forgeries).
pub fn looks_like_decision(new_text: &str) -> bool {
    read(new_text).is_some()
}

/// Whether the message carries the case's decision code (anywhere: a reply quotes the notice).
pub fn carries_code(texts: &[&str], code: &str) -> bool {
    !code.is_empty() && texts.iter().any(|t| t.contains(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_verdict_and_its_reasons() {
        let d = read("\nReject: the CQC number does not match the register.\nPlease ask them to check.\n\n> quoted").unwrap();
        assert_eq!(d.verdict, Verdict::Reject);
        assert_eq!(
            d.reason.as_deref(),
            Some("the CQC number does not match the register.\nPlease ask them to check.")
        );
        let a = read("APPROVED").unwrap();
        assert_eq!((a.verdict, a.reason), (Verdict::Approve, None));
    }

    #[test]
    fn ignores_text_that_does_not_start_with_a_verdict() {
        assert_eq!(read("Thanks, I will approve this tomorrow"), None);
        assert_eq!(read(""), None);
    }

    #[test]
    fn the_code_must_be_there() {
        assert!(carries_code(
            &["subject", "Decision code: a1b2c3d4e5f6"],
            "a1b2c3d4e5f6"
        ));
        assert!(!carries_code(&["approve"], "a1b2c3d4e5f6"));
        assert!(!carries_code(&["anything"], ""));
    }
}
