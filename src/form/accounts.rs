//! Reading the answers that hold more than one thing: the accounts asked
//! for (a count, one line per owner, a business justification), the shared
//! mailbox answer ("Yes", a mailbox name, an owner and mobile), and a name
//! written together with a mobile number.

use super::Account;
use super::Field;
use super::fields::{Slot, match_label};
use super::normalise::{count, find_phone, is_placeholder, yes_no};

/// At most this many account owners are read from one form: far above the
/// guidance's three or four, and it keeps a case and its notice small
/// whatever a form lists. The ones beyond are counted, not kept.
pub const MAX_ACCOUNTS_READ: usize = 100;

/// What the accounts answer holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccountsAnswer {
    pub count: Option<u32>,
    pub accounts: Vec<Account>,
    /// Owners listed beyond [`MAX_ACCOUNTS_READ`].
    pub beyond: usize,
    pub justification: Option<String>,
}

/// Reads an accounts answer: "2\nJane Smith – jane.smith – 07700 900123\n...",
/// "Two accounts:", "None – shared mailbox only", "Business justification: ...".
pub fn accounts_answer(lines: &[&str]) -> AccountsAnswer {
    let mut answer = AccountsAnswer::default();
    let lines: Vec<&str> = lines
        .iter()
        .flat_map(|l| l.split('\n'))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    for (i, &whole) in lines.iter().enumerate() {
        let mut line = whole;
        if answer.count.is_none() && answer.accounts.is_empty() && is_count_line(line) {
            answer.count = count(line);
            continue;
        }
        if let Some((label, value)) = whole.split_once(':')
            && let Some(slot) = match_label(label)
        {
            // "Account 2: Tom Jones ...", "Preferred account name and
            // mobile number for each account owner: Jane Smith – ...": the
            // owner is what follows the question.
            line = value.trim();
            match slot {
                Slot::Field(Field::BusinessJustification) => {
                    let mut text: Vec<&str> = vec![value.trim()];
                    text.extend(lines.iter().skip(i + 1));
                    answer.justification = clean_text(&text.join(" "));
                    break;
                }
                Slot::Field(Field::IndividualAccountsRequested) if answer.count.is_none() => {
                    answer.count = count(value);
                    continue;
                }
                _ if value.trim().is_empty() => continue,
                _ => {}
            }
        }
        if let Some(account) = account_line(line) {
            if answer.accounts.len() < MAX_ACCOUNTS_READ {
                answer.accounts.push(account);
            } else {
                answer.beyond += 1;
            }
        }
    }
    answer
}

/// A short line that starts with a number and holds no phone or account
/// ("1. Fiona Thompson - fiona.thompson" is the first owner, not a count).
fn is_count_line(line: &str) -> bool {
    count(line).is_some()
        && find_phone(line).is_none()
        && !line.contains('@')
        && line.split_whitespace().count() <= 8
        && account_line(line).is_none()
}

/// What stands between the parts of an account line. Where a strong one is
/// used, commas belong to the parts ("Smith, Jane – jane.smith").
const STRONG_SEPARATORS: [&str; 7] = [" – ", " — ", " - ", " / ", "|", "\t", "   "];
const WEAK_SEPARATORS: [&str; 3] = ["/", ",", ";"];

/// One account owner on one line: "Jane Smith – jane.smith – 07700 900123",
/// "- Dawn Whitaker, dawn.whitaker, 07700 900214", "Rob Kaye / 07700 900872".
pub fn account_line(line: &str) -> Option<Account> {
    let body = strip_bullet(line);
    let mut mobile = None;
    let mut rest = body.to_string();
    if let Some((s, e)) = find_phone(body) {
        mobile = body.get(s..e).map(unbracket);
        rest = format!(
            "{} | {}",
            body.get(..s).unwrap_or(""),
            body.get(e..).unwrap_or("")
        );
    }
    let strong = STRONG_SEPARATORS.iter().any(|s| body.contains(s));
    let separators: &[&str] = if strong {
        &STRONG_SEPARATORS
    } else {
        &WEAK_SEPARATORS
    };
    let mut parts: Vec<String> = vec![rest];
    for sep in separators.iter().chain(["|"].iter()) {
        parts = parts
            .iter()
            .flat_map(|p| p.split(sep).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    let mut name: Option<String> = None;
    let mut preferred: Option<String> = None;
    for part in parts {
        let part = strip_sublabel(
            part.trim()
                .trim_matches(['(', ')', '-', '–', ',', ';'])
                .trim(),
        );
        if part.is_empty() || is_placeholder(part) || is_row_number(part) {
            continue;
        }
        if looks_like_account_name(part) {
            preferred.get_or_insert_with(|| part.to_string());
        } else if name.is_none() && part.chars().any(char::is_alphabetic) {
            name = Some(part.to_string());
        }
    }
    let name = name?;
    if crate::form::template::is_printed(&name) || crate::form::template::is_prompt(line) {
        return None;
    }
    let words = name.split_whitespace().count();
    let person_like = words <= 5 && name.chars().next().is_some_and(char::is_alphabetic);
    let named_only = mobile.is_none() && preferred.is_none();
    if !person_like || (named_only && !looks_like_person(&name)) || count(&name).is_some() {
        return None;
    }
    Some(Account {
        name: Some(name),
        preferred_account_name: preferred,
        mobile,
    })
}

/// "Name – preferred account name – mobile": the headings of a listing,
/// written as a line above it.
pub fn is_heading_line(line: &str) -> bool {
    let body = strip_bullet(line);
    let parts: Vec<&str> = STRONG_SEPARATORS
        .iter()
        .chain(WEAK_SEPARATORS.iter())
        .fold(vec![body], |parts, sep| {
            parts.iter().flat_map(|p| p.split(sep)).collect()
        })
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| crate::form::fields::account_column(p).is_some())
}

/// "1", "2.", "(3)", "#4": a list's own numbering, not a value.
pub fn is_row_number(part: &str) -> bool {
    let t = part.trim_matches(|c: char| "().#:".contains(c) || c.is_whitespace());
    !t.is_empty() && t.len() <= 3 && t.chars().all(|c| c.is_ascii_digit())
}

/// "Name: Jane", "mobile 07700 900123", "account name jane.smith" inside an
/// account line: keep the value. A part that is only such a word ("mobile",
/// left when the number was taken out) is empty.
fn strip_sublabel(part: &str) -> &str {
    if let Some((label, value)) = part.split_once(':')
        && label.split_whitespace().count() <= 3
    {
        return value.trim();
    }
    let mut rest = part;
    for _ in 0..3 {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = rest.get(..word_end).unwrap_or("");
        if !is_column_word(word) {
            break;
        }
        rest = rest.get(word_end..).unwrap_or("").trim_start();
    }
    rest
}

/// A word that names a part of an account line rather than being one.
fn is_column_word(word: &str) -> bool {
    let w = word.trim_matches(['.', ',', ':']).to_lowercase();
    !w.is_empty()
        && (crate::form::fields::account_column(&w).is_some()
            || ["account", "preferred", "number", "no", "mob", "email"].contains(&w.as_str()))
}

/// An account name such as `jane.smith` or `jane.smith@nhs.net`: one token
/// with a dot, `@` or underscore, or all lower case.
fn looks_like_account_name(part: &str) -> bool {
    !part.contains(char::is_whitespace)
        && (part.contains(['.', '@', '_'])
            || part
                .chars()
                .all(|c| c.is_lowercase() || c.is_ascii_digit() || c == '-'))
}

/// A name alone on a line: two to four capitalised words.
fn looks_like_person(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

fn strip_bullet(line: &str) -> &str {
    let t = line.trim_start_matches(|c: char| c.is_whitespace() || "-*•–—·>+▪◦".contains(c));
    // "1. Jane", "2) Tom", "(3) Ann"
    let digits = t
        .trim_start_matches('(')
        .trim_start_matches(|c: char| c.is_ascii_digit());
    if digits.len() < t.trim_start_matches('(').len()
        && let Some(after) = digits.strip_prefix(['.', ')'])
    {
        return after.trim_start();
    }
    t
}

/// "(07700 900123)" as a whole: the brackets are not part of the number,
/// but in "(0113) 496 0645" they are.
fn unbracket(phone: &str) -> String {
    let t = phone.trim();
    if let Some(inner) = t.strip_prefix('(').and_then(|x| x.strip_suffix(')'))
        && !inner.contains(['(', ')'])
    {
        return inner.trim().to_string();
    }
    if t.ends_with(')') && !t.contains('(') {
        return t.trim_end_matches(')').trim().to_string();
    }
    t.to_string()
}

/// A name and a mobile written together: "Jane Smith – 07700 900123",
/// "Dawn Whitaker, 07700 900214". Either may be missing.
pub fn name_and_mobile(text: &str) -> (Option<String>, Option<String>) {
    let text = text.trim();
    match find_phone(text) {
        Some((s, e)) => {
            let name = text
                .get(..s)
                .unwrap_or("")
                .trim()
                .trim_end_matches(['–', '—', '-', ',', '/', '(', ':', ';'])
                .trim();
            let mobile = text.get(s..e).map(unbracket);
            let name = (!name.is_empty() && !is_placeholder(name)).then(|| name.to_string());
            (name, mobile)
        }
        None => (clean_text(text), None),
    }
}

/// What the shared mailbox answer holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SharedMailboxAnswer {
    pub required: Option<bool>,
    pub name: Option<String>,
    pub owner: Option<String>,
    pub owner_mobile: Option<String>,
}

/// Reads "Yes\nPreferred mailbox name: X\nOwner: Jane Smith – 07700 900123"
/// or "Yes - preferred name: X; owner: Name – mobile".
pub fn shared_mailbox_answer(lines: &[&str]) -> SharedMailboxAnswer {
    let mut answer = SharedMailboxAnswer::default();
    let segments: Vec<&str> = lines
        .iter()
        .flat_map(|l| l.split(['\n', ';', ',']))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let Some((first, rest)) = segments.split_first() else {
        return answer;
    };
    answer.required = yes_no(first);
    let mut todo: Vec<&str> = Vec::new();
    let after = if answer.required.is_some() {
        after_answer(first)
    } else {
        first
    };
    if !after.is_empty() {
        todo.push(after);
    }
    todo.extend(rest.iter().copied());
    for segment in todo {
        shared_segment(segment, &mut answer);
    }
    if let Some(name) = answer.name.take() {
        let named = mailbox_name(&name);
        answer.name = named.name;
        set_if_none(&mut answer.owner, named.owner);
        set_if_none(&mut answer.owner_mobile, named.owner_mobile);
    }
    answer
}

/// A mailbox name as asked for, less its decoration: the quotes around it
/// and an aside about its owner or the name itself, in brackets or after a
/// dash ("\"RoseHillLeeds\" (owner Jane Smith)", "OakLeeds - if available");
/// the owner and mobile in an aside are kept apart. Other brackets and
/// dashes are part of the name as written.
pub fn mailbox_name(text: &str) -> SharedMailboxAnswer {
    let mut answer = SharedMailboxAnswer::default();
    let mut name = text.trim().to_string();
    let mut searched = 0;
    while let Some(open) = name
        .get(searched..)
        .and_then(|t| t.find(['(', '[']))
        .map(|o| o + searched)
    {
        let close = name
            .get(open..)
            .and_then(|t| t.find([')', ']']))
            .map_or(name.len(), |c| open + c + 1);
        let aside = name
            .get(open + 1..close)
            .unwrap_or("")
            .trim_end_matches([')', ']'])
            .to_string();
        if is_aside(&aside) {
            shared_segment(aside.trim(), &mut answer);
            name.replace_range(open..close, " ");
        } else {
            searched = close;
        }
    }
    for dash in [" – ", " — ", " - ", ", "] {
        if let Some((head, tail)) = name.split_once(dash)
            && is_aside(tail)
        {
            shared_segment(tail.trim(), &mut answer);
            name = head.to_string();
        }
    }
    let name = name
        .trim()
        .trim_matches(|c: char| "\"'“”‘’«»`".contains(c) || c.is_whitespace())
        .trim_end_matches(['.', ',', ';'])
        .trim();
    answer.name = (!name.is_empty() && !is_placeholder(name)).then(|| name.to_string());
    answer
}

/// Words about a requested name rather than part of it.
const HEDGES: [&str; 8] = [
    "if available",
    "if possible",
    "or similar",
    "preferred",
    "first choice",
    "suggested",
    "or something similar",
    "subject to availability",
];

fn is_aside(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    find_phone(&t).is_some()
        || SHARED_LEADS.iter().any(|l| t.starts_with(l))
        || ["managed by", "run by", "looked after by", "responsible"]
            .iter()
            .any(|l| t.starts_with(l))
        || HEDGES.iter().any(|h| t.starts_with(h))
        || crate::form::template::is_printed(&t)
}

/// Words that introduce a part of the shared mailbox answer when written
/// without a colon: "owner Jo Bloggs 07700 900100", "called ElmsLeeds".
const SHARED_LEADS: [&str; 9] = [
    "mailbox owner",
    "owned by",
    "owner",
    "preferred mailbox name",
    "preferred name",
    "mailbox name",
    "called",
    "named",
    "mobile",
];

fn with_colon(segment: &str) -> std::borrow::Cow<'_, str> {
    let lower = segment.to_lowercase();
    if !segment.contains(':')
        && let Some(lead) = SHARED_LEADS.iter().find(|l| lower.starts_with(*l))
        && let Some(rest) = segment.get(lead.len()..)
        && rest.starts_with(' ')
    {
        return format!("{lead}:{rest}").into();
    }
    segment.into()
}

fn shared_segment(segment: &str, answer: &mut SharedMailboxAnswer) {
    let segment = with_colon(segment);
    let segment = segment.as_ref();
    if let Some((label, value)) = segment.split_once(':')
        && label.split_whitespace().count() <= 6
    {
        let label = label.to_lowercase();
        let value = value.trim();
        let has = |w: &[&str]| w.iter().any(|x| label.contains(x));
        if has(&["owner", "responsible"]) {
            if has(&["mobile", "phone", "tel"]) && !has(&["name"]) {
                answer.owner_mobile.get_or_insert_with(|| value.to_string());
            } else {
                let (name, mobile) = name_and_mobile(value);
                set_if_none(&mut answer.owner, name);
                set_if_none(&mut answer.owner_mobile, mobile);
            }
        } else if has(&["mobile", "phone", "tel", "number"]) {
            answer.owner_mobile.get_or_insert_with(|| value.to_string());
        } else if has(&["name", "mailbox", "called", "address"]) {
            set_if_none(&mut answer.name, clean_text(value));
        }
        return;
    }
    if find_phone(segment).is_some() {
        let (name, mobile) = name_and_mobile(segment);
        set_if_none(&mut answer.owner, name);
        set_if_none(&mut answer.owner_mobile, mobile);
    } else if answer.name.is_none()
        && !is_courtesy(segment)
        && segment.split_whitespace().count() <= 4
        && !segment.ends_with('.')
        && !is_placeholder(segment)
    {
        answer.name = Some(segment.to_string());
    }
}

fn set_if_none(slot: &mut Option<String>, value: Option<String>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// The text after a Yes/No answer: "Yes – Referrals and discharges" gives
/// "Referrals and discharges"; "Yes/" and "[x] Yes [ ] No" give "".
pub fn after_answer(text: &str) -> &str {
    let t = text.trim();
    let lower = t.to_lowercase();
    if lower.contains(['☐', '☒', '[', '✓', '✔']) {
        return "";
    }
    let word_end = t
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(t.len(), |(i, _)| i);
    let first = lower.get(..word_end).unwrap_or("");
    if !matches!(first, "yes" | "y" | "no" | "n") {
        return "";
    }
    let rest = t.get(word_end..).unwrap_or("");
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || "-–—,:;.)/".contains(c));
    // "Yes/No" with nothing chosen, or "n/a".
    let lower_rest = rest.to_lowercase();
    if matches!(lower_rest.as_str(), "no" | "yes" | "a" | "n" | "y") {
        return "";
    }
    if is_courtesy(rest) {
        return "";
    }
    rest.trim()
}

/// "please", "thank you", "we do": words added to a yes or a no that
/// answer nothing more.
fn is_courtesy(text: &str) -> bool {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(|w| COURTESY.contains(&w))
}

/// The words people add to a yes or a no that answer nothing more.
const COURTESY: [&str; 16] = [
    "please", "thanks", "thank", "you", "we", "do", "would", "like", "it", "one", "i", "required",
    "needed", "is", "are", "does",
];

/// A text value trimmed, its lines joined with spaces; `None` for nothing or
/// a placeholder such as "N/A".
pub fn clean_text(text: &str) -> Option<String> {
    let joined = text
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!is_placeholder(&joined)).then_some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acc(name: &str, pref: Option<&str>, mobile: Option<&str>) -> Account {
        Account {
            name: Some(name.into()),
            preferred_account_name: pref.map(Into::into),
            mobile: mobile.map(Into::into),
        }
    }

    #[test]
    fn account_lines_in_many_styles() {
        assert_eq!(
            account_line("Jane Smith – jane.smith – 07700 900123"),
            Some(acc("Jane Smith", Some("jane.smith"), Some("07700 900123")))
        );
        assert_eq!(
            account_line("  - Dawn Whitaker, dawn.whitaker, 07700 900214"),
            Some(acc(
                "Dawn Whitaker",
                Some("dawn.whitaker"),
                Some("07700 900214")
            ))
        );
        assert_eq!(
            account_line("- Amanda Fletcher / amanda.fletcher / 07700 900871"),
            Some(acc(
                "Amanda Fletcher",
                Some("amanda.fletcher"),
                Some("07700 900871")
            ))
        );
        assert_eq!(
            account_line("Aoife Brennan – 07700 900313"),
            Some(acc("Aoife Brennan", None, Some("07700 900313")))
        );
        assert_eq!(
            account_line("Kerry-Ann Walsh – kerryann.walsh – 07700 900688"),
            Some(acc(
                "Kerry-Ann Walsh",
                Some("kerryann.walsh"),
                Some("07700 900688")
            ))
        );
        assert_eq!(
            account_line("2. Tom Jones (07700 900456)"),
            Some(acc("Tom Jones", None, Some("07700 900456")))
        );
        assert_eq!(
            account_line("Tom Jones"),
            Some(acc("Tom Jones", None, None))
        );
        // The parts named in words, as the receipt's reading lists them.
        assert_eq!(
            account_line("Account 2: Tom Helper, account name tom.helper, mobile 07700 900112"),
            Some(acc("Tom Helper", Some("tom.helper"), Some("07700 900112")))
        );
        assert_eq!(
            account_line("Jane Carer, mobile 07700 900111"),
            Some(acc("Jane Carer", None, Some("07700 900111")))
        );
        assert_eq!(
            account_line("Name Ann Lee; preferred name ann.lee; mob 07700 900113"),
            Some(acc("Ann Lee", Some("ann.lee"), Some("07700 900113")))
        );
        assert_eq!(account_line("we need these for the nurses"), None);
        assert_eq!(account_line("None – shared mailbox only"), None);
    }

    #[test]
    fn accounts_answer_with_count_and_justification() {
        let a = accounts_answer(&[
            "5\nAnn Lee – ann.lee – 07700 900441\nBob Ray – bob.ray – 07700 900442\nBusiness justification: We are big.\nVery big.",
        ]);
        assert_eq!(a.count, Some(5));
        assert_eq!(a.accounts.len(), 2);
        assert_eq!(a.justification.as_deref(), Some("We are big. Very big."));
        let b = accounts_answer(&["Two accounts:\nEmma W – emma.w – 07700 900284"]);
        assert_eq!(b.count, Some(2));
        assert_eq!(b.accounts.len(), 1);
        let c = accounts_answer(&["None – shared mailbox only"]);
        assert_eq!(c.count, Some(0));
        assert!(c.accounts.is_empty());
    }

    #[test]
    fn shared_mailbox_answers() {
        let a = shared_mailbox_answer(&[
            "Yes\nPreferred mailbox name: RoseHillLeeds\nOwner: Jane Smith – 07700 900123",
        ]);
        assert_eq!(a.required, Some(true));
        assert_eq!(a.name.as_deref(), Some("RoseHillLeeds"));
        assert_eq!(a.owner.as_deref(), Some("Jane Smith"));
        assert_eq!(a.owner_mobile.as_deref(), Some("07700 900123"));
        let b = shared_mailbox_answer(&[
            "Yes - preferred name: OakLeeds; owner: Ann Lee – 07700 900999",
        ]);
        assert_eq!(b.name.as_deref(), Some("OakLeeds"));
        assert_eq!(b.owner.as_deref(), Some("Ann Lee"));
        let d = shared_mailbox_answer(&["Yes – TheElmsLeeds, owner Jo Bloggs 07700 900100"]);
        assert_eq!(d.name.as_deref(), Some("TheElmsLeeds"));
        assert_eq!(d.owner.as_deref(), Some("Jo Bloggs"));
        assert_eq!(d.owner_mobile.as_deref(), Some("07700 900100"));
        let e = shared_mailbox_answer(&["Yes\nMailbox owner: Dawn Whitaker, 07700 900214"]);
        assert_eq!(e.owner.as_deref(), Some("Dawn Whitaker"));
        assert_eq!(e.owner_mobile.as_deref(), Some("07700 900214"));
        let c = shared_mailbox_answer(&["No"]);
        assert_eq!(c.required, Some(false));
        assert_eq!(c.name, None);
    }

    #[test]
    fn text_after_answers() {
        assert_eq!(
            after_answer("Yes – Referrals and discharges"),
            "Referrals and discharges"
        );
        assert_eq!(after_answer("Yes/"), "");
        assert_eq!(after_answer("Yes/No"), "");
        assert_eq!(after_answer("n/a"), "");
        assert_eq!(after_answer("[x] Yes [ ] No"), "");
        assert_eq!(after_answer("Referrals"), "");
    }

    #[test]
    fn names_with_mobiles() {
        assert_eq!(
            name_and_mobile("Dawn Whitaker, 07700 900214"),
            (Some("Dawn Whitaker".into()), Some("07700 900214".into()))
        );
        assert_eq!(
            name_and_mobile("Linda Barker"),
            (Some("Linda Barker".into()), None)
        );
    }
}
