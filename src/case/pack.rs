//! The registration pack (section 5): what a Local Administrator creates in
//! the NHSmail portal for an approved case: the organisational unit, each
//! user (`firstname.lastname@nhs.net`) and the shared mailbox
//! (`<short name>.<care home name><location>@nhs.net`).

use crate::form::Form;
use serde::Serialize;

/// One user account to create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    pub title: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub email_alias: String,
    pub mobile: Option<String>,
}

/// The shared mailbox to create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SharedMailbox {
    /// Under 30 characters, letters only (section 5.1.3).
    pub display_name: String,
    pub email_name: String,
    pub email_address: String,
    pub owner: Option<String>,
    pub owner_mobile: Option<String>,
}

/// Everything to create for one care home.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pack {
    pub organisational_unit: String,
    pub users: Vec<User>,
    pub shared_mailbox: Option<SharedMailbox>,
    /// Users asked for but left out: more than four mailboxes without a business justification.
    pub left_out: Vec<String>,
}

const TITLES: [&str; 7] = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof"];

/// Letters only, lower case, for addresses (`O'Brien-Smith` → `obriensmith`).
fn letters(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn user(name: &str, mobile: Option<String>) -> Option<User> {
    let mut words: Vec<&str> = name.split_whitespace().collect();
    let title = words
        .first()
        .filter(|w| TITLES.contains(&w.trim_end_matches('.').to_ascii_lowercase().as_str()))
        .map(|w| w.trim_end_matches('.').to_string());
    if title.is_some() {
        words.remove(0);
    }
    let first = words.first()?.to_string();
    let last = words.last().filter(|_| words.len() > 1)?.to_string();
    Some(User {
        email_alias: format!("{}.{}@nhs.net", letters(&first), letters(&last)),
        display_name: format!("{first} {last}"),
        title,
        first_name: first,
        last_name: last,
        mobile,
    })
}

/// The town of an address: the last part that is not a postcode.
fn location(address: &str) -> String {
    let is_postcode = |p: &str| {
        let p = p.trim();
        p.len() <= 8
            && p.chars().any(|c| c.is_ascii_digit())
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
    };
    address
        .split(',')
        .map(str::trim)
        .rfind(|p| !p.is_empty() && !is_postcode(p))
        .map(letters)
        .unwrap_or_default()
}

/// A display name that meets the rule: letters only, under 30 characters.
pub fn conforming_display_name(requested: &str) -> String {
    requested
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(29)
        .collect()
}

/// Builds the pack; `limit_to_four` applies section 2.3 when no justification was given.
pub fn build(form: &Form, short_name: &str, limit_to_four: bool) -> Pack {
    let home = form.care_home_name.clone().unwrap_or_default();
    let shared = form.shared_mailbox_required == Some(true);
    let allowed = if limit_to_four {
        4 - usize::from(shared)
    } else {
        usize::MAX
    };
    let mut users = Vec::new();
    let mut left_out = Vec::new();
    for account in &form.accounts {
        let Some(name) = account.name.as_deref() else {
            continue;
        };
        match user(name, account.mobile.clone()) {
            Some(u) if users.len() < allowed => users.push(u),
            _ => left_out.push(name.to_string()),
        }
    }
    let shared_mailbox = shared.then(|| {
        let requested = form
            .shared_mailbox_name
            .clone()
            .unwrap_or_else(|| home.clone());
        let email_name = format!(
            "{}{}",
            letters(&home),
            location(form.care_home_address.as_deref().unwrap_or(""))
        );
        SharedMailbox {
            display_name: conforming_display_name(&requested),
            email_address: format!("{}.{}@nhs.net", letters(short_name), email_name),
            email_name,
            owner: form.shared_mailbox_owner.clone(),
            owner_mobile: form.shared_mailbox_owner_mobile.clone(),
        }
    });
    Pack {
        organisational_unit: home,
        users,
        shared_mailbox,
        left_out,
    }
}

fn csv_field(s: &str) -> String {
    // A leading = + - @ would be run as a formula by a spreadsheet.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A CSV a Local Administrator can use for bulk creation.
pub fn to_csv(pack: &Pack) -> String {
    let mut out = String::from(
        "Type,Title,First Name,Last Name,Display Name,Email Address,Mobile,Organisational Unit\n",
    );
    for u in &pack.users {
        let row = [
            "User",
            u.title.as_deref().unwrap_or(""),
            &u.first_name,
            &u.last_name,
            &u.display_name,
            &u.email_alias,
            u.mobile.as_deref().unwrap_or(""),
            &pack.organisational_unit,
        ];
        out.push_str(&row.map(csv_field).join(","));
        out.push('\n');
    }
    if let Some(s) = &pack.shared_mailbox {
        let row = [
            "Shared mailbox",
            "",
            "",
            "",
            &s.display_name,
            &s.email_address,
            "",
            &pack.organisational_unit,
        ];
        out.push_str(&row.map(csv_field).join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Account;

    fn form() -> Form {
        Form {
            care_home_name: Some("Rose Hill Care Home".into()),
            care_home_address: Some("14 Rosehill Avenue, Headingley, Leeds, LS6 3QZ".into()),
            accounts: vec![
                Account {
                    name: Some("Dr Jane O'Brien".into()),
                    preferred_account_name: None,
                    mobile: Some("07700 900123".into()),
                },
                Account {
                    name: Some("Tom Hughes".into()),
                    preferred_account_name: None,
                    mobile: None,
                },
            ],
            shared_mailbox_required: Some(true),
            shared_mailbox_name: Some("Rose Hill Leeds 2".into()),
            ..Form::default()
        }
    }

    #[test]
    fn names_follow_the_conventions_of_section_5() {
        let p = build(&form(), "xyzicb", true);
        assert_eq!(p.users[0].email_alias, "jane.obrien@nhs.net");
        assert_eq!(p.users[0].title.as_deref(), Some("Dr"));
        let s = p.shared_mailbox.unwrap();
        assert_eq!(s.email_address, "xyzicb.rosehillcarehomeleeds@nhs.net");
        assert_eq!(s.display_name, "RoseHillLeeds");
    }

    #[test]
    fn only_four_mailboxes_without_justification() {
        let mut f = form();
        f.accounts = (0..5)
            .map(|i| Account {
                name: Some(format!("Person Number{i}")),
                ..Account::default()
            })
            .collect();
        let p = build(&f, "xyzicb", true);
        assert_eq!(p.users.len(), 3);
        assert_eq!(p.left_out.len(), 2);
        assert_eq!(build(&f, "xyzicb", false).users.len(), 5);
    }

    #[test]
    fn csv_neutralises_formulas() {
        let mut f = form();
        f.care_home_name = Some("=HYPERLINK(\"x\")".into());
        let csv = to_csv(&build(&f, "xyzicb", true));
        assert!(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""));
        assert_eq!(csv.lines().count(), 4);
    }
}
