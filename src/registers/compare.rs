//! The form beside the registers: pure comparison, with the normalising of
//! names, postcodes and telephone numbers. No IO here.

use super::records::{CqcLocation, CqcProvider, DsptOrganisation, Fetch, OdsOrganisation};
use super::{CheckOutcome, RegisterCheck, Row};
use crate::findings::{Finding, Severity};
use crate::form::Form;
use chrono::{Datelike, NaiveDate};

/// Everything the registers said about one CQC location.
#[derive(Clone, Debug, PartialEq)]
pub struct Gathered {
    pub cqc_id: String,
    pub location: Fetch<CqcLocation>,
    pub provider: Option<Fetch<CqcProvider>>,
    pub site: Option<Fetch<OdsOrganisation>>,
    pub head_office: Option<Fetch<OdsOrganisation>>,
    /// The DSPT answers tried, in order: (code, "site" or "head office", answer).
    pub dspt: Vec<(String, &'static str, Fetch<DsptOrganisation>)>,
}

/// What the sponsor expects of a care home's registration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Policy {
    /// The sponsor's ICB code (`onspdIcbCode`); `None`: not checked.
    pub sponsor_icb: Option<String>,
}

fn finding(code: &str, field: &str, severity: Severity, message: String) -> Finding {
    Finding {
        code: code.into(),
        field: field.into(),
        severity,
        message,
    }
}

fn notice(code: &str, field: &str, message: String) -> Finding {
    finding(code, field, Severity::Notice, message)
}

fn row(
    section: &str,
    label: &str,
    form: Option<&str>,
    register: Option<&str>,
    verdict: Option<bool>,
) -> Row {
    Row {
        section: section.into(),
        label: label.into(),
        form: form
            .filter(|s| !s.trim().is_empty())
            .unwrap_or("-")
            .to_string(),
        register: register
            .filter(|s| !s.trim().is_empty())
            .unwrap_or("-")
            .to_string(),
        verdict: match verdict {
            Some(true) => "agrees",
            Some(false) => "differs",
            None => "",
        }
        .into(),
    }
}

/// Compares the form with what the registers said.
pub fn compare(form: &Form, g: &Gathered, policy: &Policy, today: NaiveDate) -> RegisterCheck {
    let mut check = RegisterCheck::empty(CheckOutcome::Checked, today);
    let loc = match &g.location {
        Fetch::Found(l) => l,
        Fetch::NotFound => {
            check.findings.push(finding(
                "invalid",
                "cqc_registration_number",
                Severity::Blocking,
                format!(
                    "The CQC register has no location with the registration number '{}'. Please check the number on your CQC registration certificate or on the CQC website (www.cqc.org.uk/search) and send us the right one.",
                    g.cqc_id
                ),
            ));
            check.rows.push(row(
                "CQC",
                "CQC number",
                Some(&g.cqc_id),
                Some("not on the register"),
                Some(false),
            ));
            return check;
        }
        Fetch::Unreachable(why) => {
            check.outcome = CheckOutcome::CouldNotCheck;
            check.unreachable.push(format!("CQC register: {why}"));
            check
                .findings
                .push(unreachable_notice("the CQC register", why));
            return check;
        }
    };
    cqc_rows(form, g, loc, policy, &mut check);
    ods_rows(g, &mut check);
    dspt_rows(form, g, today, &mut check);
    if !check.unreachable.is_empty() {
        check.outcome = CheckOutcome::Partial;
    }
    check
}

fn unreachable_notice(register: &str, why: &str) -> Finding {
    notice(
        "register_could_not_check",
        "cqc_registration_number",
        format!(
            "Could not check {register} ({why}). The case goes on without it; the check is repeated and you will be told the result."
        ),
    )
}

fn cqc_rows(
    form: &Form,
    g: &Gathered,
    loc: &CqcLocation,
    policy: &Policy,
    check: &mut RegisterCheck,
) {
    let rows = &mut check.rows;
    let out = &mut check.findings;
    rows.push(row(
        "CQC",
        "CQC number",
        Some(&g.cqc_id),
        Some(&loc.location_id),
        Some(true),
    ));
    let name_ok = match (&form.care_home_name, &loc.name) {
        (Some(f), Some(r)) => Some(names_agree(f, r)),
        _ => None,
    };
    rows.push(row(
        "CQC",
        "Name",
        form.care_home_name.as_deref(),
        loc.name.as_deref(),
        name_ok,
    ));
    if name_ok == Some(false) {
        out.push(notice(
            "cqc_name_mismatch",
            "care_home_name",
            format!(
                "The form names the care home '{}' but the CQC register calls location {} '{}'.",
                form.care_home_name.as_deref().unwrap_or("-"),
                g.cqc_id,
                loc.name.as_deref().unwrap_or("-")
            ),
        ));
    }
    rows.push(row(
        "CQC",
        "Address",
        form.care_home_address.as_deref(),
        Some(&loc.address()),
        None,
    ));
    let form_pc = form.care_home_address.as_deref().and_then(postcode);
    let reg_pc = loc.postal_code.as_deref().map(compact);
    let pc_ok = match (&form_pc, &reg_pc) {
        (Some(f), Some(r)) => Some(compact(f) == *r),
        _ => None,
    };
    rows.push(row(
        "CQC",
        "Postcode",
        form_pc.as_deref(),
        loc.postal_code.as_deref(),
        pc_ok,
    ));
    if pc_ok == Some(false) {
        out.push(notice(
            "cqc_postcode_mismatch",
            "care_home_address",
            format!(
                "The form's postcode {} is not the registered postcode {} of CQC location {}.",
                form_pc.as_deref().unwrap_or("-"),
                loc.postal_code.as_deref().unwrap_or("-"),
                g.cqc_id
            ),
        ));
    }
    let tel_ok = match (&form.care_home_telephone, &loc.main_phone_number) {
        (Some(f), Some(r)) => Some(phone_digits(f) == phone_digits(r)),
        _ => None,
    };
    rows.push(row(
        "CQC",
        "Telephone",
        form.care_home_telephone.as_deref(),
        loc.main_phone_number.as_deref(),
        tel_ok,
    ));
    let status = loc.registration_status.as_deref().unwrap_or("unknown");
    let registered = status.eq_ignore_ascii_case("Registered");
    rows.push(row(
        "CQC",
        "Registration",
        Some("Registered"),
        Some(status),
        Some(registered),
    ));
    if !registered {
        let since = loc
            .deregistration_date
            .as_deref()
            .map(|d| format!(" since {d}"))
            .unwrap_or_default();
        out.push(notice(
            "cqc_deregistered",
            "cqc_registration_number",
            format!(
                "CQC location {} is {status}{since}: it is not a registered service.",
                g.cqc_id
            ),
        ));
    }
    let care_home = loc.care_home.as_deref().unwrap_or("-");
    let is_care_home = care_home.eq_ignore_ascii_case("Y");
    rows.push(row(
        "CQC",
        "Care home",
        Some("Y"),
        Some(care_home),
        Some(is_care_home),
    ));
    if !is_care_home {
        out.push(notice(
            "cqc_not_care_home",
            "cqc_registration_number",
            format!(
                "The CQC register does not list location {} as a care home (careHome: {care_home}); the local sponsorship model is for care homes.",
                g.cqc_id
            ),
        ));
    }
    let managers = loc.registered_managers();
    let manager_ok = match (&form.applicant_name, managers.is_empty()) {
        (Some(a), false) => Some(managers.iter().any(|m| people_agree(a, m))),
        _ => None,
    };
    let listed = if managers.is_empty() {
        "none listed".to_string()
    } else {
        managers.join(", ")
    };
    rows.push(row(
        "CQC",
        "Registered manager",
        form.applicant_name.as_deref(),
        Some(&listed),
        manager_ok,
    ));
    if manager_ok == Some(false) {
        out.push(notice(
            "cqc_applicant_not_registered_manager",
            "applicant_name",
            format!(
                "The applicant, {}, is not the registered manager on the CQC register ({listed}).",
                form.applicant_name.as_deref().unwrap_or("-")
            ),
        ));
    }
    provider_rows(g, loc, check);
    let icb = loc.onspd_icb_code.as_deref();
    let icb_text = match (icb, loc.onspd_icb_name.as_deref()) {
        (Some(c), Some(n)) => Some(format!("{n} ({c})")),
        (Some(c), None) => Some(c.to_string()),
        _ => None,
    };
    let icb_ok = match (&policy.sponsor_icb, icb) {
        (Some(ours), Some(theirs)) => Some(ours.eq_ignore_ascii_case(theirs)),
        _ => None,
    };
    check.rows.push(row(
        "CQC",
        "ICB",
        policy.sponsor_icb.as_deref(),
        icb_text.as_deref(),
        icb_ok,
    ));
    if icb_ok == Some(false) {
        check.findings.push(notice(
            "cqc_outside_sponsor_area",
            "care_home_address",
            format!(
                "The CQC register places the care home in {}, not in the sponsor's ICB ({}).",
                icb_text.as_deref().unwrap_or("-"),
                policy.sponsor_icb.as_deref().unwrap_or("-")
            ),
        ));
    }
}

fn provider_rows(g: &Gathered, loc: &CqcLocation, check: &mut RegisterCheck) {
    let Some(provider_id) = loc.provider_id.as_deref() else {
        return;
    };
    match &g.provider {
        Some(Fetch::Found(p)) => {
            let n = p.location_ids.len();
            let text = format!(
                "{} ({provider_id}), {n} location{}",
                p.name.as_deref().unwrap_or("-"),
                if n == 1 { "" } else { "s" }
            );
            check
                .rows
                .push(row("CQC", "Provider", None, Some(&text), None));
            if n > 1 {
                check.findings.push(notice(
                    "cqc_care_home_group",
                    "care_home_name",
                    format!(
                        "The provider {} runs {n} locations: the home may belong to a care-home group (section 1: make sure the head office knows of the request).",
                        p.name.as_deref().unwrap_or(provider_id)
                    ),
                ));
            }
        }
        Some(Fetch::Unreachable(why)) => check.unreachable.push(format!("CQC provider: {why}")),
        _ => check
            .rows
            .push(row("CQC", "Provider", None, Some(provider_id), None)),
    }
}

fn ods_rows(g: &Gathered, check: &mut RegisterCheck) {
    let org_text = |o: &OdsOrganisation| {
        format!(
            "{} {} ({})",
            o.org_id.extension,
            o.name.as_deref().unwrap_or("-"),
            o.status.as_deref().unwrap_or("-")
        )
    };
    match &g.site {
        Some(Fetch::Found(o)) => {
            check
                .rows
                .push(row("ODS", "ODS site", None, Some(&org_text(o)), None))
        }
        Some(Fetch::NotFound) => {
            check
                .rows
                .push(row("ODS", "ODS site", None, Some("not in ODS"), None))
        }
        Some(Fetch::Unreachable(why)) => {
            check.unreachable.push(format!("ODS: {why}"));
            check
                .findings
                .push(unreachable_notice("the ODS register", why));
        }
        None => check.rows.push(row(
            "ODS",
            "ODS site",
            None,
            Some("no ODS code on the CQC register"),
            None,
        )),
    }
    match &g.head_office {
        Some(Fetch::Found(o)) => {
            check
                .rows
                .push(row("ODS", "Head office", None, Some(&org_text(o)), None))
        }
        Some(Fetch::Unreachable(why)) if !matches!(g.site, Some(Fetch::Unreachable(_))) => {
            check.unreachable.push(format!("ODS: {why}"));
            check
                .findings
                .push(unreachable_notice("the ODS register", why));
        }
        _ => {}
    }
}

/// How a DSPT status ranks; `None` for anything we do not know.
pub fn dspt_rank(status: &str) -> Option<u8> {
    match status.trim().to_ascii_lowercase().as_str() {
        "standards exceeded" => Some(4),
        "standards met" => Some(3),
        "approaching standards" => Some(2),
        "standards not met" => Some(1),
        "not published" => Some(0),
        _ => None,
    }
}

/// NHSmail asks for "Approaching Standards" or better.
pub const DSPT_REQUIRED: u8 = 2;

/// The DSPT years that count today: the current financial year (April to
/// March, `2026-27`) and, while that is still open, the one before.
pub fn dspt_years(today: NaiveDate) -> [String; 2] {
    let start = if today.month() >= 4 {
        today.year()
    } else {
        today.year() - 1
    };
    let label = |y: i32| format!("{y}-{:02}", (y + 1) % 100);
    [label(start), label(start - 1)]
}

/// The published status that counts for an organisation today: the current
/// year's when published, else the previous year's.
pub fn current_dspt(org: &DsptOrganisation, today: NaiveDate) -> Option<(String, String)> {
    for year in dspt_years(today) {
        if let Some(a) = org
            .assessments
            .iter()
            .find(|a| a.year == year && dspt_rank(&a.status).is_some_and(|r| r > 0))
        {
            return Some((year, a.status.clone()));
        }
    }
    None
}

fn dspt_rows(form: &Form, g: &Gathered, today: NaiveDate, check: &mut RegisterCheck) {
    if g.dspt.is_empty() {
        return;
    }
    let answered = match form.ig_toolkit_completed {
        Some(true) => "completed (Yes)",
        Some(false) => "not completed (No)",
        None => "not answered",
    };
    let mut unreachable = None;
    for (code, whose, answer) in &g.dspt {
        match answer {
            Fetch::Found(org) => {
                if let Some((year, status)) = current_dspt(org, today) {
                    let rank = dspt_rank(&status).unwrap_or(0);
                    let ok = rank >= DSPT_REQUIRED;
                    let text = format!("{status} ({year}, {whose} {code})");
                    check.rows.push(row(
                        "DSPT",
                        "DSPT status",
                        Some(answered),
                        Some(&text),
                        Some(ok),
                    ));
                    check.dspt_meets_requirement = ok;
                    if !ok {
                        check.findings.push(notice(
                            "dspt_below_standard",
                            "ig_toolkit_completed",
                            format!(
                                "The DSPT shows '{status}' for {year} ({whose} {code}); NHSmail asks for 'Approaching Standards' or better."
                            ),
                        ));
                    }
                    return;
                }
            }
            Fetch::NotFound => {}
            Fetch::Unreachable(why) => unreachable = Some(why.clone()),
        }
    }
    if let Some(why) = unreachable {
        check.unreachable.push(format!("DSPT: {why}"));
        check.findings.push(unreachable_notice("the DSPT", &why));
        return;
    }
    let codes: Vec<_> = g.dspt.iter().map(|(c, w, _)| format!("{w} {c}")).collect();
    check.rows.push(row(
        "DSPT",
        "DSPT status",
        Some(answered),
        Some("no published status"),
        Some(false),
    ));
    check.findings.push(notice(
        "dspt_not_found",
        "ig_toolkit_completed",
        format!(
            "The DSPT has no published status for {} ({}).",
            dspt_years(today).join(" or "),
            codes.join(", ")
        ),
    ));
}

const NAME_NOISE: &[&str] = &[
    "the",
    "ltd",
    "limited",
    "care",
    "home",
    "homes",
    "nursing",
    "residential",
    "and",
    "centre",
    "plc",
];

fn name_tokens(name: &str) -> Vec<String> {
    let lower = name.to_lowercase().replace('&', " and ");
    let mut t: Vec<String> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !NAME_NOISE.contains(w))
        .map(str::to_string)
        .collect();
    t.sort();
    t.dedup();
    t
}

/// Two names of a care home agree when, without words such as "care home"
/// and "Ltd", one's words are all in the other.
pub fn names_agree(a: &str, b: &str) -> bool {
    let (x, y) = (name_tokens(a), name_tokens(b));
    if x.is_empty() || y.is_empty() {
        return a.trim().eq_ignore_ascii_case(b.trim());
    }
    x.iter().all(|w| y.contains(w)) || y.iter().all(|w| x.contains(w))
}

/// Two people agree when their family names do and their first given names
/// (or initials) do; titles are ignored.
pub fn people_agree(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.to_lowercase()
            .split(|c: char| !c.is_alphabetic() && c != '-' && c != '\'')
            .filter(|w| !w.is_empty() && !["mr", "mrs", "ms", "miss", "dr", "mx"].contains(w))
            .map(str::to_string)
            .collect()
    };
    let (x, y) = (words(a), words(b));
    match (x.first(), x.last(), y.first(), y.last()) {
        (Some(xf), Some(xl), Some(yf), Some(yl)) => {
            xl == yl
                && (xf == yf
                    || xf.chars().next() == yf.chars().next() && (xf.len() == 1 || yf.len() == 1))
        }
        _ => false,
    }
}

fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
}

fn is_outward(w: &str) -> bool {
    let b = w.as_bytes();
    (2..=4).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b.iter().any(u8::is_ascii_digit)
        && b.iter().all(u8::is_ascii_alphanumeric)
}

fn is_inward(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() == 3
        && b[0].is_ascii_digit()
        && b[1].is_ascii_alphabetic()
        && b[2].is_ascii_alphabetic()
}

/// The last UK postcode in an address, as `LS1 4AB`.
pub fn postcode(address: &str) -> Option<String> {
    let upper = address.to_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = None;
    for (i, w) in words.iter().enumerate() {
        if is_outward(w) && words.get(i + 1).is_some_and(|n| is_inward(n)) {
            found = Some(format!("{w} {}", words[i + 1]));
        } else if (5..=7).contains(&w.len())
            && is_inward(&w[w.len() - 3..])
            && is_outward(&w[..w.len() - 3])
        {
            found = Some(format!("{} {}", &w[..w.len() - 3], &w[w.len() - 3..]));
        }
    }
    found
}

/// A UK telephone number as digits, `+44` written as `0`.
pub fn phone_digits(s: &str) -> String {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    match d.strip_prefix("44") {
        // `+44 (0)113 ...`: the bracketed 0 is dropped with the country code.
        Some(rest) if s.trim_start().starts_with('+') || d.len() >= 12 => {
            format!("0{}", rest.strip_prefix('0').unwrap_or(rest))
        }
        _ => d,
    }
}

#[cfg(test)]
mod tests;
