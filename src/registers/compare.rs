//! The form beside the registers: pure comparison, with the normalising of
//! names, postcodes and telephone numbers. No IO here.

use super::records::{CqcLocation, CqcProvider, DsptOrganisation, Fetch, OdsOrganisation};
use super::{CheckOutcome, RegisterCheck, Row};
use crate::findings::{Finding, Severity};
use crate::form::Form;
use chrono::NaiveDate;

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

mod dspt;
mod normalise;

use dspt::dspt_rows;
pub use dspt::{DSPT_REQUIRED, current_dspt, dspt_rank, dspt_years};
use normalise::compact;
pub use normalise::{names_agree, people_agree, phone_digits, postcode};

#[cfg(test)]
mod tests;
