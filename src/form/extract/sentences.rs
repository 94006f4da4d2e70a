//! Values given in sentences rather than against labels, as in a short
//! follow-up: "Our CQC registration number is 1-108765432", "Sorry, my email
//! address should be jane.smith@rosehill.example.org", "the home's phone
//! number has changed to 0113 496 0999". Only values whose shape can be
//! checked are read this way (a CQC number, an email address, a telephone
//! number, a mailbox name), only when the sentence names the field and says
//! what it is, and only for fields no label has answered. Each is a guess.

use super::build::Builder;
use crate::form::document::{Block, Document};
use crate::form::normalise;
use crate::form::{Field, Guess, Origin};

/// Words that say what a value is: "is", "should be", "has changed to".
const STATEMENTS: [&str; 12] = [
    " is ",
    " are ",
    " should be ",
    " should read ",
    " changed to ",
    " is now ",
    " now ",
    " correct ",
    " use ",
    " it's ",
    " its ",
    " = ",
];

/// Reads values from the sentences of the documents' text, for fields that
/// are still empty.
pub(super) fn values_in_sentences<'a>(
    docs: impl IntoIterator<Item = &'a Document>,
    built: &mut Builder,
) {
    for doc in docs {
        for block in &doc.blocks {
            let Block::Text { text, place } = block else {
                continue;
            };
            let origin = Origin::new(doc.source.clone(), place.clone()).guessed(Guess::Sentence);
            for sentence in sentences(text) {
                read_sentence(sentence, &origin, built);
            }
        }
    }
}

/// A text cut at full stops that end a sentence (not those inside an email
/// address or a number), question marks and line breaks.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (n, &(i, c)) in chars.iter().enumerate() {
        let next = chars.get(n + 1).map(|&(_, c)| c);
        let ends =
            matches!(c, '\n' | '?' | '!') || (c == '.' && next.is_none_or(char::is_whitespace));
        if ends {
            out.push(text.get(start..i).unwrap_or(""));
            start = i + c.len_utf8();
        }
    }
    out.push(text.get(start..).unwrap_or(""));
    out.into_iter().filter(|s| !s.trim().is_empty()).collect()
}

fn read_sentence(sentence: &str, origin: &Origin, built: &mut Builder) {
    let lower = format!(" {} ", sentence.to_lowercase());
    let mentions = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    let states = STATEMENTS.iter().any(|s| lower.contains(s));
    if mentions(&["cqc", "registration", "location id"])
        && let Some(cqc) = normalise::cqc(sentence)
    {
        built.text(Field::CqcRegistrationNumber, Some(cqc), origin);
    }
    if mentions(&["shared mailbox", "mailbox name", "shared inbox"])
        && let Some(name) = named_in(sentence)
    {
        built.text(Field::SharedMailboxName, Some(name), origin);
    }
    if !states {
        return;
    }
    if mentions(&["email", "e-mail", "address"])
        && !mentions(&["nhsmail account", "existing", "already", "shared"])
        && let Some(email) = email_in(sentence)
    {
        built.text(Field::ApplicantEmail, Some(email), origin);
    }
    if mentions(&["phone", "telephone", " tel ", "landline", "number"])
        && !mentions(&["mobile", "cqc", "registration"])
        && let Some((s, e)) = normalise::find_phone(sentence)
        && let Some(phone) = sentence.get(s..e)
    {
        built.text(
            Field::CareHomeTelephone,
            Some(phone.trim().to_string()),
            origin,
        );
    }
}

/// The email address in a sentence, lower-cased, without the punctuation
/// that ends the sentence.
fn email_in(sentence: &str) -> Option<String> {
    sentence
        .split(|c: char| c.is_whitespace() || ",;<>()\"'".contains(c))
        .find(|t| t.contains('@'))
        .map(normalise::email)
        .filter(|e| normalise::is_valid_email(e))
}

/// The name after "called", "named" or "should be" in a sentence about the
/// shared mailbox: one word, as mailbox names are.
fn named_in(sentence: &str) -> Option<String> {
    let lower = sentence.to_lowercase();
    ["called ", "named ", "should be ", "name is ", "be called "]
        .iter()
        .filter_map(|lead| lower.find(lead).map(|at| at + lead.len()))
        .min()
        .and_then(|at| sentence.get(at..))
        .and_then(|rest| rest.split_whitespace().next())
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .filter(|w| w.len() >= 3 && w.chars().any(char::is_uppercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> crate::form::Form {
        let mut doc = Document::new("email body");
        doc.push_text(text, "line 1");
        let mut built = Builder::default();
        values_in_sentences([&doc], &mut built);
        built.finish().0
    }

    #[test]
    fn corrections_in_sentences() {
        let f = read("Sorry, my email address should be Jane.Smith@RoseHill.example.org.");
        assert_eq!(
            f.applicant_email.as_deref(),
            Some("jane.smith@rosehill.example.org")
        );
        let f = read("Our telephone number has changed to 0113 496 0999, apologies.");
        assert_eq!(f.care_home_telephone.as_deref(), Some("0113 496 0999"));
        let f = read("Our CQC registration number is 1-108765432 and the report is attached.");
        assert_eq!(f.cqc_registration_number.as_deref(), Some("1-108765432"));
        let f = read("We would like the shared mailbox to be called RoseHillLeeds please.");
        assert_eq!(f.shared_mailbox_name.as_deref(), Some("RoseHillLeeds"));
    }

    #[test]
    fn mentions_without_a_statement_give_nothing() {
        let f = read("Call me on 07700 900123 if you need anything. Email jane@x.example.org");
        assert_eq!(f.care_home_telephone, None);
        assert_eq!(f.applicant_email, None);
        let f = read("Jane's mobile number is 07700 900123");
        assert_eq!(f.care_home_telephone, None);
    }
}
