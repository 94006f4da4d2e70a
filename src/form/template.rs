//! The form's own printed words. Appendix 1 of the guidance prints
//! questions, notes and options; care homes often leave some of them in the
//! answer cells or lines ("Note: a maximum of 3 user accounts ...", "If yes,
//! please provide the email address(es):", "Yes/No"), and forms made from
//! it add prompts of their own ("(delete as appropriate)", "Please list",
//! "Click or tap here to enter text."). None of that is an answer.
//!
//! Two tests, one mechanism: a clause is printed text when most of its words
//! run, in order, through the printed text of Appendix 1, or when it is an
//! instruction to whoever fills the form in (an imperative prompt such as
//! "please list", "delete as appropriate", "e.g. ..."). [`strip`] removes
//! such clauses from a value and keeps the rest.

use std::sync::LazyLock;

/// The printed text of Appendix 1, as the guidance gives it.
const APPENDIX_1: &str = "\
NHSmail account application form for CQC registered care homes.
Care homes should complete this form and email it to the nominated contact in their sponsoring organisation.
If this has not been identified, please contact feedback@nhs.net.
Name: Role: Email address: Organisation name and address: Organisation telephone number: CQC registration number:
Confirm that you have completed the IG Toolkit. For further information see: https://www.igt.hscic.gov.uk/ Yes/No
Does your care home already hold any NHSmail accounts? Y/N
If yes, please provide the email address(es):
Confirm that your care home has a regular requirement to exchange data securely and why. Yes/No
Number of individual person accounts required, preferred account name and mobile number for each account owner:
Note: a maximum of 3 user accounts will be provided. Please provide a business justification if you require more than this.
Do you require a shared mailbox for your care home?
If yes, please state the preferred mailbox name (it may not be possible to use the exact name requested).
Please also confirm the account owner name and mobile number:
Note: The sponsoring organisation's short name will automatically preface the shared mailbox email address.
What benefits do you expect from using NHSmail?";

/// Verbs that open a prompt to the person filling the form in. "Please"
/// opens one whatever follows; the others only when what follows is an
/// instruction's words ("tick one", "delete as appropriate", "enter your
/// name"), since a name may start with them ("Circle Care", "Select Homes").
const PROMPT_VERBS: &[&str] = &[
    "please",
    "delete",
    "tick",
    "circle",
    "click",
    "select",
    "enter",
    "insert",
    "type",
    "underline",
    "strike",
    "highlight",
];

/// What follows an instruction's verb: "tick *the* box", "delete *as*
/// appropriate", "enter *your* name".
const INSTRUCTION_OBJECTS: &[&str] = &[
    "a",
    "an",
    "the",
    "as",
    "one",
    "all",
    "any",
    "your",
    "yes",
    "no",
    "here",
    "below",
    "above",
    "if",
    "which",
    "whichever",
    "from",
    "box",
    "boxes",
    "appropriate",
    "applicable",
    "option",
    "options",
    "name",
    "names",
    "details",
    "number",
    "to",
    "in",
    "that",
    "this",
    "each",
];

/// Single-word openers ("Note", "NB", "Example") open a prompt only as a
/// heading, with their stop or colon ("Note:", "NB.", "Example -"): a
/// home may be called Note House.
fn opens_as_heading(clause: &str, opener: &[&str]) -> bool {
    if opener.len() > 1 || matches!(opener, ["e" | "i" | "n", ..]) {
        return true;
    }
    let raw = clause
        .trim_start_matches(['(', '[', ' ', '*'])
        .to_lowercase();
    let Some(first) = opener.first() else {
        return false;
    };
    let after = raw.get(first.len()..).unwrap_or("");
    raw.starts_with(first)
        && (after.is_empty()
            || after.starts_with([':', '.', ',', ')', ';'])
            || after.trim_start().starts_with(['-', '–', '—', ':']))
}

/// Verbs that open a prompt only after a condition ("If yes, list ..."):
/// alone they may start an answer ("Provide safer care").
const CONDITIONAL_VERBS: &[&str] = &[
    "state", "provide", "list", "give", "specify", "describe", "confirm", "attach", "include",
    "write", "add", "name", "supply", "detail", "explain",
];

/// Words that open a prompt that is not an imperative: a note, an example.
const PROMPT_OPENERS: &[&[&str]] = &[
    &["note"],
    &["nb"],
    &["n", "b"],
    &["e", "g"],
    &["eg"],
    &["example"],
    &["for", "example"],
    &["i", "e"],
    &["see", "guidance"],
    &["see", "note"],
    &["see", "notes"],
    &["see", "below"],
    &["see", "above"],
    &["delete", "as", "appropriate"],
    &["as", "appropriate"],
    &["if", "applicable"],
    &["where", "applicable"],
    &["if", "required"],
    &["if", "known"],
    &["optional"],
    &["mandatory"],
    &["required", "field"],
];

/// Conditions a prompt may start with: "If yes, please list".
const CONDITIONS: &[&[&str]] = &[
    &["if", "yes"],
    &["if", "so"],
    &["if", "no"],
    &["if", "not"],
    &["if", "applicable"],
    &["where", "applicable"],
    &["if", "you", "do"],
    &["if", "required"],
];

/// The printed text as runs of words: one run per sentence of Appendix 1.
static RUNS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    APPENDIX_1
        .split(['.', '?', ':', '\n', '(', ')'])
        .map(words)
        .filter(|w| !w.is_empty())
        .collect()
});

/// A text as lower-case words; `e-mail` as `email`, URLs dropped.
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|t| !crate::form::normalise::is_link(t))
        .flat_map(|t| {
            t.to_lowercase()
                .replace("e-mail", "email")
                .replace("’", "'")
                .split(|c: char| !(c.is_alphanumeric() || c == '\''))
                .map(|w| w.trim_matches('\'').to_string())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Where each word of the printed text stands: (run, position) pairs, so
/// that a clause is compared only where its words could begin a match.
static PLACES: LazyLock<std::collections::HashMap<&'static str, Vec<(usize, usize)>>> =
    LazyLock::new(|| {
        let mut places: std::collections::HashMap<&'static str, Vec<(usize, usize)>> =
            std::collections::HashMap::new();
        for (r, run) in RUNS.iter().enumerate() {
            for (p, word) in run.iter().enumerate() {
                places.entry(word.as_str()).or_default().push((r, p));
            }
        }
        places
    });

/// How many of `clause`'s words lie in runs of at least `min` words that
/// also stand, in the same order, in one sentence of Appendix 1.
fn printed_words(clause: &[String], min: usize) -> usize {
    let mut covered = vec![false; clause.len()];
    for start in 0..clause.len() {
        let rest = clause.get(start..).unwrap_or(&[]);
        let longest = longest_match(rest);
        if longest >= min {
            for c in covered.iter_mut().skip(start).take(longest) {
                *c = true;
            }
        }
    }
    covered.iter().filter(|c| **c).count()
}

/// The longest prefix of `words` that stands somewhere in the printed text.
fn longest_match(words: &[String]) -> usize {
    let Some(first) = words.first() else {
        return 0;
    };
    PLACES
        .get(first.as_str())
        .into_iter()
        .flatten()
        .map(|&(r, p)| {
            let run = RUNS
                .get(r)
                .map_or(&[][..], |run| run.get(p..).unwrap_or(&[]));
            words.iter().zip(run).take_while(|(a, b)| a == b).count()
        })
        .max()
        .unwrap_or(0)
}

fn starts_with(words: &[String], phrase: &[&str]) -> bool {
    words.len() >= phrase.len() && words.iter().zip(phrase).all(|(a, b)| a == b)
}

/// An instruction to whoever fills the form in: "Please list", "(delete as
/// appropriate)", "If yes, please provide ...", "e.g. Jane Smith".
pub fn is_prompt(clause: &str) -> bool {
    let mut w = words(clause);
    let mut conditional = false;
    for condition in CONDITIONS {
        if starts_with(&w, condition) && w.len() > condition.len() {
            w.drain(..condition.len());
            conditional = true;
            break;
        }
    }
    let Some(first) = w.first() else {
        return false;
    };
    let instruction = |w: &[String]| {
        first == "please"
            || w.get(1)
                .is_some_and(|n| INSTRUCTION_OBJECTS.contains(&n.as_str()))
    };
    let verb = (PROMPT_VERBS.contains(&first.as_str()) && instruction(&w))
        || (conditional && CONDITIONAL_VERBS.contains(&first.as_str()));
    PROMPT_OPENERS
        .iter()
        .any(|p| starts_with(&w, p) && (conditional || opens_as_heading(clause, p)))
        || (verb && w.len() >= 2)
}

/// True when the clause is the form's own printed text (wholly or nearly),
/// or a prompt: never an answer.
pub fn is_printed(clause: &str) -> bool {
    let w = words(clause);
    if w.is_empty() {
        return false;
    }
    if is_prompt(clause) {
        return true;
    }
    if w.len() < 2 {
        return false;
    }
    // "Yes please", "No thanks", "Yes we do": an answer, though "if yes,
    // please state" is printed. Only the untouched options ("Yes/No")
    // start the form's own text with a yes or a no.
    let answer_word = |x: &String| matches!(x.as_str(), "yes" | "no" | "y" | "n");
    if w.first().is_some_and(answer_word) && !w.get(1).is_some_and(answer_word) {
        return false;
    }
    // Two-word clauses must be printed as a whole ("Mobile number"); longer
    // ones may carry a stray word ("If yes, please list the addresses").
    let covered = printed_words(&w, 2);
    if w.len() <= 3 {
        covered == w.len() && !is_answer_pair(&w)
    } else {
        covered * 10 >= w.len() * 8
    }
}

/// "Yes No" is an option pair, left for the yes/no reading to judge.
fn is_answer_pair(w: &[String]) -> bool {
    w.iter()
        .all(|x| matches!(x.as_str(), "yes" | "no" | "y" | "n" | "or"))
}

/// Removes printed clauses and prompts from a value, line by line and
/// clause by clause, and returns what is left, trimmed. A clause ends at a
/// full stop, a line break or a bracket; brackets that hold a prompt go
/// with it ("Yes (delete as appropriate)" gives "Yes").
pub fn strip(value: &str) -> String {
    let mut lines = Vec::new();
    for line in value.split('\n') {
        let kept = strip_line(line);
        let kept = kept.trim();
        if !kept.is_empty() {
            lines.push(kept.to_string());
        }
    }
    lines.join("\n")
}

fn strip_line(line: &str) -> String {
    if !is_printed_anywhere(line) {
        return line.to_string();
    }
    let mut out = String::new();
    let pieces = clauses(line);
    for (n, piece) in pieces.iter().enumerate() {
        let inner = piece.trim_matches(|c: char| "()[]".contains(c) || c.is_whitespace());
        // A printed label with its answer after it ("Business justification:
        // we are ...") stays, for the label to be read.
        let label = piece.trim_end().ends_with(':') && n + 1 < pieces.len() && !is_prompt(inner);
        if is_printed(inner) && !label {
            continue;
        }
        out.push_str(piece);
    }
    let out = out.trim();
    // A prompt removed from between an answer and its full stop leaves stray
    // punctuation ("Yes ."), which is no part of the answer.
    out.trim_end_matches(|c: char| c.is_whitespace() || ",;:-–".contains(c))
        .to_string()
}

/// A cheap first look: any clause of the line printed at all.
fn is_printed_anywhere(line: &str) -> bool {
    clauses(line).into_iter().any(|piece| {
        let inner = piece.trim_matches(|c: char| "()[]".contains(c) || c.is_whitespace());
        is_printed(inner)
    })
}

/// The line cut into clauses: bracketed parts on their own, and sentences
/// ending at `.`, `?`, `!` or `:` followed by a space. Each piece keeps its
/// punctuation so that what is kept reads as written.
fn clauses(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for (n, &(i, c)) in chars.iter().enumerate() {
        let next = chars.get(n + 1).map(|&(_, c)| c);
        let prev = n.checked_sub(1).and_then(|p| chars.get(p)).map(|&(_, c)| c);
        // "address(es)" is a word, not a bracketed clause.
        let opens = prev.is_none_or(|p| !p.is_alphanumeric());
        match c {
            '(' | '[' if depth == 0 && opens => {
                if i > start {
                    out.push(line.get(start..i).unwrap_or(""));
                }
                start = i;
                depth = 1;
            }
            '(' | '[' if depth > 0 => depth += 1,
            ')' | ']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(line.get(start..i + c.len_utf8()).unwrap_or(""));
                    start = i + c.len_utf8();
                }
            }
            '.' | '?' | '!' | ':' | ';'
                if depth == 0
                    && next.is_none_or(char::is_whitespace)
                    && !is_abbreviation(line, i) =>
            {
                out.push(line.get(start..i + c.len_utf8()).unwrap_or(""));
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    if start < line.len() {
        out.push(line.get(start..).unwrap_or(""));
    }
    out.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// "e.g." and "i.e." are not the end of a sentence.
fn is_abbreviation(line: &str, dot: usize) -> bool {
    let before = line.get(..dot).unwrap_or("").to_lowercase();
    before.ends_with("e.g") || before.ends_with("i.e") || before.ends_with(" eg") || before == "eg"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_sentences_and_fragments_are_printed() {
        for printed in [
            "Note: a maximum of 3 user accounts will be provided.",
            "a maximum of 3 user accounts will be provided. Please provide a business justification if you require more than this.",
            "If yes, please provide the email address(es):",
            "Preferred account name",
            "Mobile number",
            "preferred account name and mobile number",
            "(delete as appropriate)",
            "Please list",
            "If yes, please list",
            "Please provide",
            "e.g. Jane Smith - jane.smith - 07700 900000",
            "The sponsoring organisation's short name will automatically preface the shared mailbox email address.",
            "For further information see: https://www.igt.hscic.gov.uk/",
            "NB - only three accounts",
            "Tick one",
            "delete as appropriate",
            "Enter your name",
            "Example: Jane Smith",
        ] {
            assert!(is_printed(printed), "{printed}");
        }
    }

    #[test]
    fn answers_are_not_printed() {
        for answer in [
            "Yes",
            "No",
            "Yes/No",
            "Y/N",
            "Jane Smith",
            "Registered Manager",
            "Rose Hill Care Home",
            "2",
            "Discharge summaries and referrals with the hospital",
            "We have a regular requirement to exchange data securely with GPs and the hospital",
            "RoseHillLeeds",
            "Faster, secure exchange with GPs",
            "Care home manager",
            "The care home",
            // Names that start with a prompt's word.
            "Note House",
            "Circle Care Home",
            "Select Healthcare Ltd",
            "Highlight Homes",
            "Example Court Nursing Home",
            "Yes please",
            "No thanks",
            "Yes, please",
        ] {
            assert!(!is_printed(answer), "{answer}");
        }
    }

    #[test]
    fn strip_keeps_the_answer() {
        assert_eq!(strip("Yes (delete as appropriate)"), "Yes");
        assert_eq!(
            strip(
                "2\nNote: a maximum of 3 user accounts will be provided. Please provide a business justification if you require more than this."
            ),
            "2"
        );
        assert_eq!(strip("If yes, please list"), "");
        assert_eq!(
            strip("Yes. If yes, please provide the email address(es):"),
            "Yes."
        );
        assert_eq!(strip("Jane Smith"), "Jane Smith");
        assert_eq!(
            strip("Business justification: we are a large home"),
            "Business justification: we are a large home"
        );
        assert_eq!(
            strip("Discharge letters (we get 20 a week)"),
            "Discharge letters (we get 20 a week)"
        );
    }
}
