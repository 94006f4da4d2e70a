//! The expected parse of a truth, computed from the guidance (sections 2
//! to 5) and the parse contract, never by running the reader.

use crate::truth::{Answer, Report, Truth};
use serde_json::{Value, json};

/// The canonical CQC id (`1-` and 9 to 11 digits) a written value stands
/// for, if it stands for one.
pub fn canonical_cqc(written: &str) -> Option<String> {
    let s = written.trim();
    let s = s
        .strip_prefix("CQC")
        .or_else(|| s.strip_prefix("Location ID:"))
        .unwrap_or(s)
        .trim();
    let mut chars = s.chars();
    if chars.next() != Some('1') {
        return None;
    }
    let rest: String = chars.collect();
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(['-', '–'])?;
    let digits: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.chars().all(|c| c.is_ascii_digit()) && (9..=11).contains(&digits.len()) {
        Some(format!("1-{digits}"))
    } else {
        None
    }
}

/// A UK telephone number: 0 or +44, then 9 or 10 more digits.
pub fn uk_phone(v: &str) -> bool {
    let d: String = v.chars().filter(|c| c.is_ascii_digit()).collect();
    let national = if v.trim_start().starts_with('+') {
        match d.strip_prefix("44") {
            Some(rest) => format!("0{}", rest.strip_prefix('0').unwrap_or(rest)),
            None => return false,
        }
    } else {
        d
    };
    national.starts_with('0') && (10..=11).contains(&national.len())
}

/// A shared mailbox name the guidance accepts: under 30 characters,
/// letters only.
pub fn mailbox_name_conforms(name: &str) -> bool {
    name.chars().count() < 30 && name.chars().all(|c| c.is_alphabetic())
}

/// The number of individual accounts the form asks for.
pub fn accounts_requested(t: &Truth) -> Option<u32> {
    t.accounts_number
        .or_else(|| (!t.accounts.is_empty()).then_some(t.accounts.len() as u32))
}

fn opt(a: &Answer) -> Value {
    a.value().map_or(Value::Null, |s| json!(s.trim()))
}

/// The `form` object of the contract.
pub fn form(t: &Truth) -> Value {
    let cqc = match t.cqc.value() {
        Some(w) => json!(canonical_cqc(w).unwrap_or_else(|| w.trim().to_string())),
        None => Value::Null,
    };
    let accounts: Vec<Value> = t
        .accounts
        .iter()
        .map(|a| json!({"name": a.name, "preferred_account_name": a.preferred, "mobile": a.mobile}))
        .collect();
    json!({
        "applicant_name": opt(&t.applicant_name),
        "applicant_role": opt(&t.applicant_role),
        "applicant_email": t.applicant_email.value().map(|e| e.trim().to_lowercase()),
        "care_home_name": opt(&t.care_home_name),
        "care_home_address": t.address.as_ref().map(|l| l.join(", ")),
        "care_home_telephone": opt(&t.telephone),
        "cqc_registration_number": cqc,
        "ig_toolkit_completed": t.ig,
        "has_existing_nhsmail_accounts": t.existing,
        "existing_nhsmail_addresses": t.existing_addresses.iter().map(|a| a.to_lowercase()).collect::<Vec<_>>(),
        "secure_exchange_required": t.secure,
        "secure_exchange_reason": t.secure_reason,
        "individual_accounts_requested": accounts_requested(t),
        "accounts": accounts,
        "business_justification": t.justification,
        "shared_mailbox_required": t.shared,
        "shared_mailbox_name": opt(&t.shared_name),
        "shared_mailbox_owner": t.shared_owner,
        "shared_mailbox_owner_mobile": t.shared_owner_mobile,
        "expected_benefits": t.benefits,
    })
}

/// The `{code, field}` findings, in a fixed order.
pub fn findings(t: &Truth) -> Vec<(&'static str, &'static str)> {
    let mut f = vec![];
    let mut missing = |given: bool, field: &'static str| {
        if !given {
            f.push(("missing", field));
        }
    };
    missing(t.applicant_name.value().is_some(), "applicant_name");
    missing(t.applicant_role.value().is_some(), "applicant_role");
    missing(t.applicant_email.value().is_some(), "applicant_email");
    missing(t.care_home_name.value().is_some(), "care_home_name");
    missing(t.address.is_some(), "care_home_address");
    missing(t.telephone.value().is_some(), "care_home_telephone");
    missing(t.cqc.value().is_some(), "cqc_registration_number");
    missing(t.ig.is_some(), "ig_toolkit_completed");
    missing(
        matches!(t.report, Report::Named | Report::Scan),
        "ig_assessment_report",
    );
    missing(t.existing.is_some(), "has_existing_nhsmail_accounts");
    missing(
        t.existing != Some(true) || !t.existing_addresses.is_empty(),
        "existing_nhsmail_addresses",
    );
    missing(t.secure.is_some(), "secure_exchange_required");
    let n = accounts_requested(t);
    missing(n.is_some(), "individual_accounts_requested");
    missing(n.unwrap_or(0) == 0 || !t.accounts.is_empty(), "accounts");
    missing(t.shared.is_some(), "shared_mailbox_required");
    missing(
        t.shared != Some(true) || t.shared_name.value().is_some(),
        "shared_mailbox_name",
    );
    if t.cqc.value().is_some_and(|w| canonical_cqc(w).is_none()) {
        f.push(("invalid", "cqc_registration_number"));
    }
    if t.applicant_email.value().is_some_and(|e| !e.contains('@')) {
        f.push(("invalid", "applicant_email"));
    }
    if t.telephone.value().is_some_and(|p| !uk_phone(p)) {
        f.push(("invalid", "care_home_telephone"));
    }
    let shared = u32::from(t.shared == Some(true));
    if n.is_some_and(|n| n > 3 || n + shared > 4) {
        f.push(("accounts_over_limit", "individual_accounts_requested"));
    }
    if t.shared == Some(true)
        && t.shared_name
            .value()
            .is_some_and(|s| !mailbox_name_conforms(s))
    {
        f.push(("shared_mailbox_name_nonconforming", "shared_mailbox_name"));
    }
    if t.ig == Some(false) {
        f.push(("ig_toolkit_not_completed", "ig_toolkit_completed"));
    }
    if t.secure == Some(false) {
        f.push(("no_secure_exchange_requirement", "secure_exchange_required"));
    }
    if t.existing == Some(true) {
        f.push(("existing_nhsmail_accounts", "has_existing_nhsmail_accounts"));
    }
    f
}

/// The whole `NAME.expected.json` object.
pub fn expected(t: &Truth, description: &str, roles: &[(String, &'static str)]) -> Value {
    let roles_map: serde_json::Map<String, Value> =
        roles.iter().map(|(n, r)| (n.clone(), json!(r))).collect();
    if t.kind != crate::truth::Kind::Application {
        // Contract: another kind is never complete; its form is empty.
        let mut form = form(t);
        for (k, v) in form.as_object_mut().into_iter().flatten() {
            *v = if k == "accounts" || k == "existing_nhsmail_addresses" {
                json!([])
            } else {
                Value::Null
            };
        }
        return json!({
            "description": description,
            "kind": t.kind.name(),
            "form": form,
            "findings": [],
            "complete": false,
            "attachment_roles": roles_map,
        });
    }
    let f = findings(t);
    let complete = !f.iter().any(|(c, _)| *c == "missing" || *c == "invalid");
    let roles: serde_json::Map<String, Value> =
        roles.iter().map(|(n, r)| (n.clone(), json!(r))).collect();
    json!({
        "description": description,
        "kind": "application",
        "form": form(t),
        "findings": f.iter().map(|(c, k)| json!({"code": c, "field": k})).collect::<Vec<_>>(),
        "complete": complete,
        "attachment_roles": roles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cqc_forms() {
        assert_eq!(
            canonical_cqc("1 - 1234 56789").as_deref(),
            Some("1-123456789")
        );
        assert_eq!(
            canonical_cqc("CQC 1-123456789").as_deref(),
            Some("1-123456789")
        );
        assert_eq!(
            canonical_cqc("Location ID: 1-12345678901").as_deref(),
            Some("1-12345678901")
        );
        assert_eq!(canonical_cqc("1–123456789").as_deref(), Some("1-123456789"));
        assert_eq!(canonical_cqc("1-12345678"), None);
        assert_eq!(canonical_cqc("VNX4T"), None);
    }

    fn complete_truth() -> Truth {
        (0..)
            .map(|seed| crate::truth::draw(&mut crate::rng::Rng::new(seed)))
            .find(|t| {
                t.scenario.is_empty() && t.shared == Some(true) && t.accounts_number.is_some()
            })
            .unwrap()
    }

    #[test]
    fn a_complete_form_has_no_findings() {
        let t = complete_truth();
        assert_eq!(findings(&t), vec![]);
        assert_eq!(expected(&t, "", &[])["complete"], json!(true));
    }

    #[test]
    fn the_guidance_rules() {
        let mut t = complete_truth();
        t.accounts_number = Some(4);
        t.ig = Some(false);
        t.report = Report::None;
        t.shared_name = Answer::Given("Rose Hill".into());
        t.cqc = Answer::Deferred("TBC".into());
        let f = findings(&t);
        for want in [
            ("accounts_over_limit", "individual_accounts_requested"),
            ("ig_toolkit_not_completed", "ig_toolkit_completed"),
            ("missing", "ig_assessment_report"),
            ("shared_mailbox_name_nonconforming", "shared_mailbox_name"),
            ("missing", "cqc_registration_number"),
        ] {
            assert!(f.contains(&want), "{want:?} in {f:?}");
        }
        assert_eq!(f.len(), 5, "{f:?}");
        t.accounts_number = Some(0);
        t.accounts.clear();
        assert!(
            !findings(&t)
                .iter()
                .any(|(_, k)| *k == "accounts" || *k == "individual_accounts_requested")
        );
        t.accounts_number = Some(2);
        assert!(findings(&t).contains(&("missing", "accounts")));
    }

    #[test]
    fn phones() {
        assert!(uk_phone("0113 496 0152"));
        assert!(uk_phone("+44 (0)113 496 0871"));
        assert!(uk_phone("(0113) 496 0645"));
        assert!(uk_phone("020 7946 0123"));
        assert!(!uk_phone("+1 (212) 555-0147"));
    }
}
