//! Finding labels: where a question ends and its answer begins, in a line or a cell.

use crate::form::fields::{Slot, is_label_word, match_label, match_label_how};
use crate::form::{Guess, Origin};

/// A label found at the start of a line or cell.
pub(super) struct Split {
    pub(super) slot: Slot,
    /// What follows the label in the same line or cell, up to the next label
    /// on the same line if there is one.
    pub(super) inline: String,
    /// The rest of the line from a second label on ("Name: Jane Smith  Role:
    /// Manager" leaves "Role: Manager"), with the lines below it.
    pub(super) more: Option<String>,
    /// The label was read loosely (see [`match_label_how`]).
    pub(super) loose: bool,
}

impl Split {
    /// Where the answer stands, marked as a guess when the label was loose.
    pub(super) fn origin(&self, source: &str, place: &str) -> Origin {
        let origin = Origin::new(source, place);
        if self.loose {
            origin.guessed(Guess::LooseLabel)
        } else {
            origin
        }
    }

    fn new((slot, loose): (Slot, bool), inline: String) -> Self {
        let inline = without_printed_first_line(inline);
        match inner_label(&inline) {
            Some(at) => Split {
                slot,
                inline: inline
                    .get(..at)
                    .unwrap_or("")
                    .trim_end_matches(|c: char| c.is_whitespace() || "|;,–—".contains(c))
                    .trim()
                    .to_string(),
                more: Some(inline.get(at..).unwrap_or("").trim().to_string()),
                loose,
            },
            None => Split {
                slot,
                inline,
                more: None,
                loose,
            },
        }
    }
}

/// Where a second label starts in the first line of an answer: "Jane Smith
/// Role: Manager" gives the offset of "Role". The label must end with a
/// colon; between it and the answer before it stands a wide gap, a tab, a
/// bar or a semicolon, or else the label is made only of words that labels
/// use and starts with a capital ("Jane Smith Email address: ...").
/// The answer less the rest of the printed question on the label's own
/// line ("Do you require a shared mailbox? If yes, please state the
/// preferred mailbox name ..."): the question goes on, the answer is below.
fn without_printed_first_line(inline: String) -> String {
    let (first, rest) = inline.split_once('\n').unwrap_or((&inline, ""));
    let left = crate::form::template::strip(first);
    // A tick alone ("✓") has no words to be printed.
    let worded = first.chars().any(char::is_alphanumeric);
    if !worded || left.chars().any(char::is_alphanumeric) {
        return inline;
    }
    rest.trim().to_string()
}

fn inner_label(inline: &str) -> Option<usize> {
    let first = inline.split('\n').next().unwrap_or("");
    for (colon, _) in first.match_indices(':') {
        let after = first.get(colon + 1..).unwrap_or("");
        let before = first.get(..colon).unwrap_or("");
        // A time (10:30) or a URL (https://) is no label's end.
        if after.starts_with("//")
            || (before.ends_with(|c: char| c.is_ascii_digit())
                && after.starts_with(|c: char| c.is_ascii_digit()))
        {
            continue;
        }
        if let Some(start) = label_start(before) {
            return Some(start);
        }
    }
    None
}

/// The start of a label that ends `segment`, leaving an answer before it.
fn label_start(segment: &str) -> Option<usize> {
    // After a clear separator, the longest label that matches.
    let separators = ["\t", "   ", "  ", " | ", "|", "; ", " – ", " — "];
    let mut cuts: Vec<usize> = separators
        .iter()
        .flat_map(|sep| segment.match_indices(sep).map(|(i, s)| i + s.len()))
        .collect();
    cuts.sort_unstable();
    for &cut in &cuts {
        let (value, label) = (
            segment.get(..cut).unwrap_or(""),
            segment.get(cut..).unwrap_or(""),
        );
        if has_answer(value)
            && label.split_whitespace().count() <= 8
            && match_label(label).is_some()
        {
            return Some(cut + (label.len() - label.trim_start().len()));
        }
    }
    // At a plain space: the longest run of label words, capitalised.
    let words: Vec<(usize, &str)> = segment
        .split(' ')
        .scan(0usize, |at, w| {
            let start = *at;
            *at += w.len() + 1;
            Some((start, w))
        })
        .filter(|(_, w)| !w.is_empty())
        .collect();
    let mut start = None;
    for &(at, word) in words.iter().rev().take(5) {
        // Small slips read as labels are ("Rol", "adress").
        let read = crate::form::fields::label_words(word);
        if read.is_empty() || !read.iter().all(|w| is_label_word(w)) {
            break;
        }
        if word.starts_with(char::is_uppercase) {
            start = Some(at);
        }
    }
    let start = start?;
    let (value, label) = (segment.get(..start)?, segment.get(start..)?);
    (has_answer(value) && match_label(label).is_some()).then_some(start)
}

fn has_answer(value: &str) -> bool {
    value.chars().any(char::is_alphanumeric)
}

/// Answer hints printed in the question itself, not answers.
pub(super) fn is_hint(text: &str) -> bool {
    let t: String = text
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && !"()[].".contains(*c))
        .collect();
    matches!(
        t.as_str(),
        "y/n" | "yes/no" | "yesno" | "yorn" | "yes/no/na"
    )
}

/// Text that continues a question rather than answering it.
fn is_question_like(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    t.ends_with(':')
        || t.ends_with('?')
        || [
            "if yes",
            "if so",
            "please",
            "note",
            "for further",
            "(",
            "see ",
        ]
        .iter()
        .any(|p| t.starts_with(p))
}

/// Removes URLs: Appendix 1 puts one inside a question, after a colon.
fn without_urls(text: &str) -> String {
    text.split(' ')
        .filter(|t| !crate::form::normalise::is_link(t))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Finds a label at the start of `text`. In a cell the whole first line may
/// be the label; in running text a label needs a `:` or `?` after it (or a
/// dash after a short label), so prose is not mistaken for questions.
pub(super) fn split_label(text: &str, in_cell: bool) -> Option<Split> {
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let first = first.trim();
    let rest = rest.trim();
    let with_rest = |inline: &str| {
        // A link printed in the question ("see: https://...") is no answer.
        // So is the link before an answer typed after it ("see:
        // https://www.igt.hscic.gov.uk/ Yes").
        let inline = inline
            .trim_start()
            .split_inclusive(' ')
            .skip_while(|t| crate::form::normalise::is_link(t) || t.trim().is_empty())
            .collect::<String>();
        let inline = if is_hint(&inline) || without_urls(&inline).trim().is_empty() {
            ""
        } else {
            inline.trim()
        };
        match (inline.is_empty(), rest.is_empty()) {
            (true, _) => rest.to_string(),
            (false, true) => inline.to_string(),
            (false, false) => format!("{inline}\n{rest}"),
        }
    };
    let points: Vec<usize> = first
        .char_indices()
        .filter(|&(i, c)| {
            matches!(c, ':' | '?') && !first.get(i + 1..).is_some_and(|r| r.starts_with("//"))
        })
        .map(|(i, _)| i)
        .collect();
    for (n, &p) in points.iter().enumerate() {
        let left = without_urls(first.get(..p).unwrap_or(""));
        let left = left.as_str();
        let right = first.get(p + 1..).unwrap_or("").trim();
        let more = n + 1 < points.len();
        if more && is_question_like(right) {
            continue;
        }
        if let Some(found) = match_label_how(left) {
            return Some(Split::new(found, with_rest(right)));
        }
    }
    if in_cell && let Some((found, answer)) = label_then_answer(first) {
        return Some(Split::new(found, with_rest(&answer)));
    }
    if in_cell {
        return match_label_how(&without_urls(first)).map(|(slot, loose)| Split {
            slot,
            inline: rest.to_string(),
            more: None,
            loose,
        });
    }
    // "Tel – 0113 496 0000"
    for dash in [" – ", " - ", " — "] {
        let Some((left, right)) = first.split_once(dash) else {
            continue;
        };
        // "Secure exchange required Yes - We receive ...": the answer
        // starts before the dash.
        if let Some((found, answer)) = label_then_answer(left)
            && !answer.is_empty()
        {
            return Some(Split::new(
                found,
                with_rest(&format!("{answer}{dash}{right}")),
            ));
        }
        // "Tel – 0113 ...", but not "CQC NO. 1 - 5711 38732", where the
        // answer began before the dash.
        let all_question = crate::form::fields::label_words(left)
            .iter()
            .all(|w| is_label_word(w));
        if left.split_whitespace().count() <= 4
            && all_question
            && let Some(found) = match_label_how(left)
        {
            return Some(Split::new(found, with_rest(right)));
        }
    }
    None
}

/// A cell that holds its question and the answer typed after it, with no
/// colon between ("Name Jane Smith", "Tel 0113 496 0000", "IG Toolkit
/// completed Yes"): the shortest run of opening words that is a question
/// and leaves an answer of the kind it asks for. A text answer must not
/// start with a word that carries the question on ("Care home name Oak
/// Lodge" is not the care home "name Oak Lodge").
fn label_then_answer(line: &str) -> Option<((Slot, bool), String)> {
    if line.contains([':', '?']) {
        return None;
    }
    let line = strip_trailing_hint(line);
    let words: Vec<&str> = line.split_whitespace().collect();
    // A question asked in words ("What benefits do you expect from") waits
    // for its question mark; only a label is run into its answer.
    const ASKING: [&str; 14] = [
        "what", "how", "why", "do", "does", "is", "are", "have", "has", "would", "confirm",
        "please", "if", "which",
    ];
    // The form's own questions are asked without one ("Confirm that you
    // have completed the IG Toolkit Yes"): there the printed words say
    // where the question ends.
    // "Why" alone is a label too ("WHY Discharge summaries ...").
    if words.first().is_some_and(|w| {
        ASKING.contains(&w.to_lowercase().as_str()) && match_label_how(w).is_none()
    }) {
        return printed_question_then_answer(&words);
    }
    // Read as labels are, small slips corrected ("adress"); once a word.
    // Most cells open with no label at all: say so before reading words.
    let opens_with_label = (1..words.len().min(MAX_LABEL_WORDS)).any(|k| {
        words
            .get(..k)
            .and_then(|p| match_label_how(&p.join(" ")))
            .is_some()
    });
    if !opens_with_label {
        return None;
    }
    let label_word: Vec<bool> = words
        .iter()
        .map(|w| {
            let read = crate::form::fields::label_words(w);
            !read.is_empty() && read.iter().all(|x| crate::form::fields::is_label_word(x))
        })
        .collect();
    for k in 1..words.len().min(MAX_LABEL_WORDS) {
        let Some(next) = words.get(k) else { break };
        // A hint in brackets or after a dash belongs to the question,
        // whatever follows ("Individual accounts – one row per owner").
        if next.starts_with(['(', '[', '-', '–', '—']) && !opens_an_answer(next) {
            return after_bracketed_hint(&words, k);
        }
        // "Reason for more than 3 accounts": a number the question counts
        // carries it on too.
        let counted = next.chars().all(|c| c.is_ascii_digit())
            && label_word.get(k + 1).copied().unwrap_or(false);
        let carries_on = counted || carries_on(&words, k, &label_word);
        // "Home name & address", "mobile number": more question.
        let joins_on = matches!(
            next.to_lowercase().as_str(),
            "&" | "and" | "or" | "/" | "+" | "of" | "for"
        );
        if joins_on || label_word.get(k..).unwrap_or_default().iter().all(|&l| l) {
            continue;
        }
        let label = words.get(..k)?.join(" ");
        let Some((slot, loose)) = match_label_how(&label) else {
            continue;
        };
        let answer = words.get(k..)?.join(" ");
        // "SHARED MAILBOX If yes, please state the preferred mailbox name
        // ...": the label, and the rest of its printed question.
        if !loose && wholly_printed(&answer) && crate::form::template::is_prompt(&answer) {
            return Some(((slot, loose), String::new()));
        }
        // A label read loosely ("Rol") is run into only a plain answer.
        if loose && answer_fits(slot, &answer) == Some(false) {
            continue;
        }
        // "The home has 80 beds": a sentence goes on; a typed answer after a
        // capitalised label starts as the label does.
        let goes_on = answer.starts_with(char::is_lowercase)
            && words
                .first()
                .is_some_and(|w| w.starts_with(char::is_uppercase))
            && answer_fits(slot, &answer).is_none()
            && !is_count_of(slot, &answer);
        if goes_on || is_job_title_of(slot, &answer) {
            continue;
        }
        let fits = match slot {
            // "Account owners Jane Smith / jane.smith / 07700 900123": an
            // account owner with a mobile or an account name, not the next
            // words of the question.
            Slot::Field(crate::form::Field::Accounts) => !carries_on && lists_an_owner(&answer),
            // A count typed after its label is a number, not the printed
            // note under it; the question asks for the owners too.
            Slot::Field(crate::form::Field::IndividualAccountsRequested) => {
                is_count_of(slot, &answer) || (!carries_on && lists_an_owner(&answer))
            }
            // A yes, or free text, must not be the next word of the question;
            // a number or an address cannot be.
            _ => answer_fits(slot, &answer).unwrap_or(true) && !carries_on,
        };
        if fits && !crate::form::template::is_printed(&answer) {
            return Some(((slot, loose), answer));
        }
    }
    None
}

/// A label with its hint in brackets, then the answer ("Who will own the
/// mailbox (name and mobile) Olivia Barnes, 07700 900422"): the bracket
/// says where the question ends. A dash's hint has no end, nor has an
/// unclosed bracket: there nothing is read.
fn after_bracketed_hint(words: &[&str], k: usize) -> Option<((Slot, bool), String)> {
    let open = words.get(k)?;
    let close = match open.chars().next()? {
        '(' => ')',
        '[' => ']',
        _ if matches!(*open, "-" | "–" | "—") => return after_dash(words, k),
        _ => return None,
    };
    let end = (k..words.len()).find(|&j| words.get(j).is_some_and(|w| w.contains(close)))?;
    let (slot, loose) = match_label_how(&words.get(..k)?.join(" "))?;
    let rest = words.get(end + 1..)?;
    // "Account holders (name, mobile) - Jo Bloggs – 07700 900123"
    let rest = match rest.first() {
        Some(&"-" | &"–" | &"—") => rest.get(1..)?,
        _ => rest,
    };
    let answer = rest.join(" ");
    // After the bracket the answer starts: a count however worded ("None –
    // shared mailbox only"), or the owners.
    let plain = if is_listing(slot) {
        crate::form::normalise::count(&answer).is_some() || lists_an_owner(&answer)
    } else {
        answer_fits(slot, &answer) != Some(false)
            && !crate::form::template::is_printed(&answer)
            && !wholly_printed(&answer)
    };
    (plain && !loose && !answer.is_empty()).then_some(((slot, loose), answer))
}

/// The questions that ask for the accounts, by number and by owner.
pub(super) fn is_listing(slot: Slot) -> bool {
    matches!(
        slot,
        Slot::Field(crate::form::Field::Accounts | crate::form::Field::IndividualAccountsRequested)
    )
}

/// A count ("2", "one", "3 (three)") answering how many accounts.
pub(super) fn is_count_of(slot: Slot, answer: &str) -> bool {
    slot == Slot::Field(crate::form::Field::IndividualAccountsRequested)
        && crate::form::normalise::count(answer).is_some()
        && answer.split_whitespace().count() <= 3
}

/// "Jane Smith / jane.smith / 07700 900123": an account owner with a mobile
/// or an account name, not more words of the question.
fn lists_an_owner(answer: &str) -> bool {
    crate::form::accounts::account_line(answer)
        .is_some_and(|a| a.mobile.is_some() || a.preferred_account_name.is_some())
}

/// A label, a dash, and an answer that plainly is one ("Preferred account
/// name and mobile number for each account owner - Jo Bloggs, jo.bloggs,
/// 07700 900123", "Tel – 0113 496 0000"); a hint after a dash ("Individual
/// accounts – one row per owner") is not.
fn after_dash(words: &[&str], k: usize) -> Option<((Slot, bool), String)> {
    let (slot, loose) = match_label_how(&words.get(..k)?.join(" "))?;
    let answer = words.get(k + 1..)?.join(" ");
    let plain = answer_fits(slot, &answer) == Some(true)
        || is_count_of(slot, &answer)
        || (is_listing(slot) && lists_an_owner(&answer));
    (plain && !answer.is_empty()).then_some(((slot, loose), answer))
}

/// Text that is all the form's printed words and prompts.
fn wholly_printed(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
        && !crate::form::template::strip(text)
            .chars()
            .any(char::is_alphanumeric)
}

/// A bracket that starts an answer rather than a hint: a telephone's area
/// code ("(0113) 496 0000") or a tick box ("[x] Yes [ ] No").
fn opens_an_answer(word: &str) -> bool {
    let inner = word.get(1..).unwrap_or("");
    (word.starts_with('(') && inner.starts_with(|c: char| c.is_ascii_digit() || c == '+'))
        || (word.starts_with('[')
            && (inner.is_empty() || inner.starts_with(['x', 'X', ' ', ']', '✓', '✔'])))
}

/// Whether the word at `k` goes on with the question that the words before
/// it ask: a word of that question's labels ("Organisation name"), or one
/// that makes another question of them ("Organisation telephone"). A label
/// word that asks nothing new starts the answer ("Benefits Secure email
/// instead of fax").
fn carries_on(words: &[&str], k: usize, label_word: &[bool]) -> bool {
    if in_capitals_after_capitals(words, k) {
        return true;
    }
    if !label_word.get(k).copied().unwrap_or(false) {
        return false;
    }
    let (Some(before), Some(longer)) = (words.get(..k), words.get(..=k)) else {
        return false;
    };
    let Some((slot, _)) = match_label_how(&before.join(" ")) else {
        return true;
    };
    let word = crate::form::fields::label_words(words.get(k).copied().unwrap_or(""));
    // "Name of the care home Oak Lodge", but "JUSTIFICATION The home has
    // 80 beds": a word such as "the" goes on only into more question.
    if !word.is_empty() && word.iter().all(|w| crate::form::fields::is_filler(w)) {
        return k + 1 < words.len() && carries_on(words, k + 1, label_word);
    }
    let of_this = word
        .iter()
        .all(|w| crate::form::fields::is_word_of(slot, w));
    of_this || match_label_how(&longer.join(" ")).is_some_and(|(other, _)| other != slot)
}

/// A question printed in capitals goes on in capitals ("IG TOOLKIT
/// COMPLETED No"); a yes or a no, a number or a code starts the answer
/// however it is written ("IG TOOLKIT COMPLETED YES").
fn in_capitals_after_capitals(words: &[&str], k: usize) -> bool {
    let capitals = |w: &str| {
        w.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !w.chars().any(char::is_lowercase)
    };
    let (Some(before), Some(next)) = (words.get(..k), words.get(k)) else {
        return false;
    };
    // "Y/N" left untouched is the options printed for the answer.
    let options = matches!(
        next.to_lowercase().as_str(),
        "y/n" | "yes/no" | "yes/ no" | "y / n"
    );
    let answer_like = is_yes_or_no_word(next)
        || options
        || next.chars().any(|c| c.is_ascii_digit())
        || matches!(
            next.to_lowercase().trim_end_matches('.'),
            "n/a" | "na" | "none" | "nil" | "tbc" | "tba" | "tbd"
        );
    // "OWNER & MOBILE": a sign between the words of a question is neither.
    let worded: Vec<&&str> = before
        .iter()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    !worded.is_empty() && worded.iter().all(|w| capitals(w)) && capitals(next) && !answer_like
}

/// The form's printed question run into its answer ("Confirm that you have
/// completed the IG Toolkit Yes (2024)"): the longest opening run of words
/// that is printed text and a label, and after it the kind of answer the
/// question asks for.
fn printed_question_then_answer(words: &[&str]) -> Option<((Slot, bool), String)> {
    use crate::form::template::is_printed;
    for k in (2..words.len().min(MAX_PRINTED_QUESTION)).rev() {
        let (Some(question), Some(rest)) = (words.get(..k), words.get(k..)) else {
            continue;
        };
        let question = question.join(" ");
        let answer = rest.join(" ");
        // A tick box is the answer's, never the question's ("... and why
        // [x] Yes [ ] No").
        if question.contains(['[', '☐', '☒', '☑', '□', '■', '✓', '✔']) {
            continue;
        }
        // The form's wording, or a question in other words that a label
        // rule knows ("How many individual accounts do you need 3").
        let known = is_printed(&question) || match_label_how(&question).is_some_and(|(_, l)| !l);
        if !known || is_printed(&answer) {
            continue;
        }
        let Some((slot, loose)) = match_label_how(&question) else {
            continue;
        };
        // Where a free-text question ends cannot be told without its
        // mark; a yes, a number or an address plainly starts the answer.
        let counted = slot == Slot::Field(crate::form::Field::IndividualAccountsRequested)
            && crate::form::normalise::count(&answer).is_some()
            && answer.split_whitespace().count() <= 3;
        if counted || answer_fits(slot, &answer) == Some(true) {
            return Some(((slot, loose), answer));
        }
    }
    None
}

/// The longest label run into its answer, in words, and one: "PREFERRED
/// ACCOUNT NAME AND MOBILE NUMBER FOR EACH ACCOUNT OWNER 1. Jane Smith ...".
const MAX_LABEL_WORDS: usize = 13;

/// The longest question of Appendix 1, in words, with room for its hint.
const MAX_PRINTED_QUESTION: usize = 40;

/// Words that make a job title: "Care Home Manager" is a role, not the
/// care home called "Manager".
const JOB_WORDS: &[&str] = &[
    "manager",
    "deputy",
    "assistant",
    "lead",
    "director",
    "administrator",
    "coordinator",
    "co-ordinator",
    "owner",
    "proprietor",
    "nurse",
    "officer",
    "head",
    "senior",
    "registered",
    "clinical",
    "operations",
    "office",
    "general",
];

/// An answer to the care home's name that is a job title's words alone.
fn is_job_title_of(slot: Slot, answer: &str) -> bool {
    use crate::form::Field;
    let naming = matches!(
        slot,
        Slot::Field(Field::CareHomeName) | Slot::NameAndAddress
    );
    naming
        && answer
            .split_whitespace()
            .all(|w| JOB_WORDS.contains(&w.to_lowercase().as_str()))
}

/// A Yes/No question.
pub(super) fn is_flag(slot: Slot) -> bool {
    use crate::form::Field;
    matches!(
        slot,
        Slot::Field(
            Field::IgToolkitCompleted
                | Field::HasExistingNhsmailAccounts
                | Field::SecureExchangeRequired
                | Field::SharedMailboxRequired
        )
    )
}

/// Whether `text` is the kind of answer `slot` asks for: a yes or a no, a
/// telephone or CQC number, an email address. `None`
/// for a question answered in free text, where any text will do.
pub(super) fn answer_fits(slot: Slot, text: &str) -> Option<bool> {
    use crate::form::Field;
    use crate::form::normalise::yes_no;
    let Slot::Field(field) = slot else {
        return None;
    };
    Some(match field {
        Field::IgToolkitCompleted
        | Field::HasExistingNhsmailAccounts
        | Field::SecureExchangeRequired
        | Field::SharedMailboxRequired => yes_no(text).is_some(),
        Field::CareHomeTelephone | Field::SharedMailboxOwnerMobile => {
            text.chars().filter(char::is_ascii_digit).count() >= 6
        }
        Field::CqcRegistrationNumber => is_number_or_code(text),
        Field::ApplicantEmail => crate::form::normalise::is_email_attempt(text),
        // A row of tick boxes answers a yes-or-no question only.
        _ if is_tick_boxes(text) => false,
        _ => return None,
    })
}

/// A yes or a no alone under a question that asks for a name: the answer
/// to the yes-or-no question it belongs to, for no one is called "Yes".
pub(super) fn names_no_one(slot: Slot, text: &str) -> bool {
    use crate::form::Field;
    let naming = matches!(
        slot,
        Slot::Field(
            Field::ApplicantName
                | Field::ApplicantRole
                | Field::CareHomeName
                | Field::SharedMailboxOwner
                | Field::SharedMailboxName
        )
    );
    naming && is_yes_or_no_word(text)
}

/// A number ("1-123456789") or a code written for one, valid or not
/// ("VNX4T"): one word of letters and digits with a digit in it.
fn is_number_or_code(text: &str) -> bool {
    let t = text.trim();
    let code = !t.contains(char::is_whitespace)
        && (4..=15).contains(&t.chars().count())
        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && t.chars().any(|c| c.is_ascii_digit());
    code || t.chars().filter(char::is_ascii_digit).count() >= 6
}

/// A yes or a no (or tick boxes) under a question that asks for more than
/// that ("If yes, please state the preferred mailbox name", "Why"): the
/// answer to the yes-or-no question the asking one hangs on.
pub(super) fn answers_its_flag(slot: Slot, text: &str) -> Option<Slot> {
    use crate::form::Field;
    let Slot::Field(field) = slot else {
        return None;
    };
    let flag = match field {
        Field::SharedMailboxName | Field::SharedMailboxOwner | Field::SharedMailboxOwnerMobile => {
            Field::SharedMailboxRequired
        }
        Field::ExistingNhsmailAddresses => Field::HasExistingNhsmailAccounts,
        Field::SecureExchangeReason => Field::SecureExchangeRequired,
        _ => return None,
    };
    let t = text.trim();
    // "n/a" under "If yes, the addresses" says there are none to give.
    let opens_yes_no = t
        .split([' ', ',', '.', '!', '/'])
        .next()
        .is_some_and(is_yes_or_no_word);
    let bare_yes_no = opens_yes_no
        && !crate::form::normalise::is_placeholder(t)
        && crate::form::normalise::yes_no(t).is_some()
        && t.split_whitespace().count() <= 3
        && !t.contains(|c: char| c.is_ascii_digit() || c == '@');
    (is_tick_boxes(t) || bare_yes_no).then_some(Slot::Field(flag))
}

fn is_yes_or_no_word(text: &str) -> bool {
    matches!(
        text.trim()
            .trim_end_matches(['.', '!'])
            .to_lowercase()
            .as_str(),
        "yes" | "no" | "y" | "n"
    )
}

/// Options with their boxes: "[x] Yes [ ] No", "☒ Yes ☐ No".
pub(super) fn is_tick_boxes(text: &str) -> bool {
    let t = text.trim();
    let boxes = t.matches(['☐', '☒', '☑', '□', '■']).count() + t.matches('[').count();
    boxes >= 2 && crate::form::normalise::yes_no(t).is_some() && t.split_whitespace().count() <= 8
}

/// A line that is a question and nothing else, with no colon ("Name",
/// "Organisation telephone number", "Does your care home already hold any
/// NHSmail accounts"): a label standing above its answer, as forms typed
/// into Word paragraphs have them. Read only when the line below answers
/// it (the caller checks), and never loosely, so that prose is not taken
/// for a question.
pub(super) fn label_alone(line: &str) -> Option<Split> {
    let t = line.trim();
    let words = t.split_whitespace().count();
    // A full stop ends a sentence of prose, but a short label may end in an
    // abbreviation's ("CQC no.", "Tel.").
    let abbreviated = t
        .trim_end_matches('.')
        .rsplit(' ')
        .next()
        .is_some_and(|w| w.chars().count() <= 3);
    let sentence = t.ends_with('.') && (words > 3 || !abbreviated);
    if t.is_empty() || t.contains(':') || sentence || words > 40 {
        return None;
    }
    split_label(t, true)
        .filter(|s| s.inline.is_empty() && (!s.loose || crate::form::fields::is_misspelt_label(t)))
}

/// A line of a typed form that runs its label into its answer with nothing
/// between ("Full name Amanda Patel", "Tel 0113 496 0000"), as a PDF or a
/// pasted table cell gives it. Read as a cell is, but only on a short line
/// that is not a sentence, so that prose is not taken for a form.
pub(super) fn label_run_on(line: &str) -> Option<Split> {
    let t = line.trim();
    let words = t.split_whitespace().count();
    if words < 2 {
        return None;
    }
    let (found, answer) = label_then_answer(t)?;
    // A sentence is prose; a label followed by its printed prompt is not,
    // nor is a question asked in words and answered at length.
    let prose = answer.split_whitespace().count() > 16 || t.ends_with(['.', '!']);
    (!prose || answer.is_empty()).then(|| Split::new(found, answer))
}

/// Every label on the first line of `text`, in order: all but the last
/// hold only their own part of the line; the last holds the lines below.
pub(super) fn split_all(text: &str, in_cell: bool) -> Vec<Split> {
    let mut out = Vec::new();
    let mut next = split_label(text, in_cell);
    while let Some(mut split) = next {
        next = split
            .more
            .take()
            .and_then(|more| split_label(&more, in_cell));
        out.push(split);
        if out.len() >= 8 {
            break;
        }
    }
    out
}

/// A cell that is a question, not an answer: it ends with `:` or `?` (a
/// hint such as "(Yes/No)" aside), or is a long question.
pub(super) fn is_label_cell(text: &str) -> bool {
    let first = text.split('\n').next().unwrap_or("").trim();
    let stripped = strip_trailing_hint(first);
    let ends = stripped.ends_with(':') || stripped.ends_with('?');
    let long_question = first.split_whitespace().count() >= 6
        && [
            "do ", "does ", "have ", "confirm ", "number ", "what ", "please ", "are ", "is ",
            "how ",
        ]
        .iter()
        .any(|w| first.to_lowercase().starts_with(w));
    (ends || long_question) && split_label(text, true).is_some() || colon_label(text)
}

/// A cell that opens with a label and a colon: "Role: Registered Manager".
fn colon_label(text: &str) -> bool {
    let first = text.split('\n').next().unwrap_or("");
    // "Yes - preferred name: X" is an answer that holds a label.
    let answered =
        crate::form::normalise::yes_no(first.split([':', '-', '–']).next().unwrap_or("")).is_some();
    !answered
        && first.split_once(':').is_some_and(|(label, _)| {
            label.split_whitespace().count() <= 8 && match_label(label).is_some()
        })
}

fn strip_trailing_hint(text: &str) -> &str {
    let mut t = text.trim();
    loop {
        let before = t;
        for hint in ["(Yes/No)", "(Y/N)", "Y/N", "Yes/No", "(yes/no)", "(y/n)"] {
            if let Some(s) = t.strip_suffix(hint) {
                t = s.trim_end();
            }
        }
        if t == before {
            return t;
        }
    }
}

/// Appendix 1's printed notes ("Note: a maximum of 3 user accounts ...").
pub(super) fn is_note(text: &str) -> bool {
    let t = text.trim_start().to_lowercase();
    t.starts_with("note:") || t.starts_with("note ") || t.starts_with("nb:")
}
