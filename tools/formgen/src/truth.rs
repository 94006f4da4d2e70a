//! The truth of one draw: what the care home means to tell the sponsor,
//! with some items missing, deferred or wrong on purpose.

use crate::pools::*;
use crate::rng::Rng;

/// One individual account asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub name: String,
    pub preferred: Option<String>,
    pub mobile: Option<String>,
}

/// The attachment sent beside the form, as evidence of the IG Toolkit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Report {
    /// An IG Toolkit / DSPT assessment report PDF with a telling name.
    Named,
    /// The report, scanned and named `scan0001.pdf`: known by content.
    Scan,
    /// No report attached.
    None,
    /// Only a CQC registration certificate attached (role `other`).
    CertificateOnly,
}

/// What the message is (contract `kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Application,
    AutoReply,
    Bounce,
    Other,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Application => "application",
            Kind::AutoReply => "auto_reply",
            Kind::Bounce => "bounce",
            Kind::Other => "other",
        }
    }
}

/// A text answer as written: the value, or a deferral ("TBC") that gives
/// no value, or nothing at all.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    Given(String),
    /// Written but saying the value will follow: no value.
    Deferred(String),
    /// The question is left blank.
    Blank,
    /// The question is not on the form at all.
    Omitted,
}

impl Answer {
    pub fn value(&self) -> Option<&str> {
        match self {
            Answer::Given(s) => Some(s),
            _ => None,
        }
    }
}

/// Everything the form says.
#[derive(Clone, Debug)]
pub struct Truth {
    pub first: String,
    pub last: String,
    pub applicant_name: Answer,
    pub applicant_role: Answer,
    pub applicant_email: Answer,
    pub care_home_name: Answer,
    /// Address lines (street, district, town, postcode).
    pub address: Option<Vec<String>>,
    pub telephone: Answer,
    pub cqc: Answer,
    pub ig: Option<bool>,
    pub existing: Option<bool>,
    pub existing_addresses: Vec<String>,
    pub secure: Option<bool>,
    pub secure_reason: Option<String>,
    /// The number written in the accounts question, if any.
    pub accounts_number: Option<u32>,
    pub accounts: Vec<Account>,
    pub justification: Option<String>,
    pub shared: Option<bool>,
    pub shared_name: Answer,
    pub shared_owner: Option<String>,
    pub shared_owner_mobile: Option<String>,
    pub benefits: Option<String>,
    pub report: Report,
    /// Most draws are applications; a few are what else reaches the mailbox.
    pub kind: Kind,
    /// The home's mail domain (for headers and addresses).
    pub domain: String,
    /// What was done on purpose, for `dimensions.json` ("complete" if nothing).
    pub scenario: Vec<&'static str>,
    /// The home's short name ("Rose Hill") and town, for file names and mailboxes.
    pub home_short: String,
    pub town: String,
}

pub(crate) fn slug(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

pub(crate) fn camel(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect()
}

pub(crate) fn ascii_fold(s: &str) -> String {
    s.replace(['ë', 'é'], "e").replace('\'', "")
}

pub(crate) fn account_name(first: &str, last: &str) -> String {
    ascii_fold(&format!("{}.{}", first, last)).to_lowercase()
}

pub(crate) fn mobile(r: &mut Rng) -> String {
    format!("07700 900{}", r.digits(3))
}

fn cqc_written(r: &mut Rng, digits: &str) -> String {
    let (a, b) = digits.split_at(4);
    match r.below(7) {
        0 => format!("1 - {a} {b}"),
        1 => format!("CQC 1-{digits}"),
        2 => format!("Location ID: 1-{digits}"),
        3 => format!("1–{digits}"),
        _ => format!("1-{digits}"),
    }
}

fn telephone(r: &mut Rng) -> String {
    let d = r.digits(3);
    match r.below(8) {
        0 => format!("(0113) 496 0{d}"),
        1 => format!("+44 113 496 0{d}"),
        2 => format!("+44 (0)113 496 0{d}"),
        3 => format!("01632 960{d}"),
        4 => format!("020 7946 0{d}"),
        _ => format!("0113 496 0{d}"),
    }
}

/// Draws a truth: a complete form, then 0 to 3 perturbations.
pub fn draw(r: &mut Rng) -> Truth {
    let first = r.pick(FIRST).to_string();
    let last = r.pick(LAST).to_string();
    let home_first = *r.pick(HOME_FIRST);
    let kind = *r.pick(HOME_KIND);
    let home = if home_first.ends_with(kind)
        || home_first.ends_with("Lodge")
        || home_first.ends_with("Court")
    {
        home_first.to_string()
    } else {
        format!("{home_first} {kind}")
    };
    let (district, town, pc) = *r.pick(PLACES);
    let domain = format!(
        "{}{}",
        slug(home_first),
        r.pick(&[".example.co.uk", "care.example.co.uk", ".example.org"])
    );
    let email_local = account_name(&first, &last);
    let email = if r.chance(15) {
        format!("{}.{}@{}", ascii_fold(&first), ascii_fold(&last), domain)
    } else {
        format!("{email_local}@{domain}")
    };
    let street = format!(
        "{} {} {}",
        r.range(1, 120),
        home_first.split(' ').next().unwrap_or("Mill"),
        r.pick(STREET_KIND)
    );
    const UNIT: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let postcode = format!(
        "{} {}{}{}",
        pc,
        r.range(1, 9),
        char::from(*r.pick(UNIT)),
        char::from(*r.pick(UNIT))
    );
    let mut address = vec![street];
    if district != town {
        address.push(district.to_string());
    }
    address.push(town.to_string());
    address.push(postcode);
    let cqc_len = r.range(9, 11) as usize;
    let cqc_digits = r.digits(cqc_len);
    let n = r.range(1, 3) as u32;
    let mut accounts = vec![Account {
        name: format!("{first} {last}"),
        preferred: Some(email_local.clone()),
        mobile: Some(mobile(r)),
    }];
    while accounts.len() < n as usize {
        let (f, l) = (r.pick(FIRST).to_string(), r.pick(LAST).to_string());
        if accounts.iter().any(|a| a.name == format!("{f} {l}")) {
            continue;
        }
        accounts.push(Account {
            name: format!("{f} {l}"),
            preferred: Some(account_name(&f, &l)),
            mobile: Some(mobile(r)),
        });
    }
    let owner = accounts[r.below(accounts.len())].clone();
    let mut t = Truth {
        applicant_name: Answer::Given(if r.chance(10) {
            format!("{last}, {first}")
        } else {
            format!("{first} {last}")
        }),
        first,
        last,
        applicant_role: Answer::Given(r.pick(ROLES).to_string()),
        applicant_email: Answer::Given(email),
        care_home_name: Answer::Given(home.clone()),
        address: Some(address),
        telephone: Answer::Given(telephone(r)),
        cqc: Answer::Given(cqc_written(r, &cqc_digits)),
        ig: Some(true),
        existing: Some(false),
        existing_addresses: vec![],
        secure: Some(true),
        secure_reason: r.chance(85).then(|| r.pick(REASONS).to_string()),
        accounts_number: r.chance(80).then_some(n),
        accounts,
        justification: None,
        shared: Some(true),
        shared_name: Answer::Given(format!("{}{}", camel(home_first), camel(district))),
        shared_owner: Some(owner.name.clone()),
        shared_owner_mobile: owner.mobile.clone(),
        benefits: r.chance(85).then(|| r.pick(BENEFITS).to_string()),
        report: Report::Named,
        kind: Kind::Application,
        domain,
        scenario: vec![],
        home_short: home_first.to_string(),
        town: district.to_string(),
    };
    if let Answer::Given(name) = &t.shared_name
        && name.len() >= 30
    {
        t.shared_name = Answer::Given(camel(home_first));
    }
    if r.chance(25) {
        t.shared = Some(false);
        t.shared_name = Answer::Omitted;
        t.shared_owner = None;
        t.shared_owner_mobile = None;
    }
    let k = *r.pick(&[0usize, 0, 1, 1, 1, 2, 2, 3]);
    for _ in 0..k {
        let p = *r.pick(crate::perturb::PERTURB);
        if !t.scenario.contains(&p) {
            crate::perturb::apply(&mut t, p, r);
            t.scenario.push(p);
        }
    }
    t.kind = match r.below(100) {
        0 | 1 => Kind::AutoReply,
        2 => Kind::Bounce,
        3 | 4 => Kind::Other,
        _ => Kind::Application,
    };
    if t.kind != Kind::Application {
        t.scenario = vec![t.kind.name()];
    }
    t
}
