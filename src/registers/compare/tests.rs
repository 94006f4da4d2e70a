use super::*;
use crate::registers::records::{CqcContact, DsptAssessment, RegulatedActivity};

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn form() -> Form {
    Form {
        applicant_name: Some("Jane Carer".into()),
        care_home_name: Some("Rosewood Lodge".into()),
        care_home_address: Some("12 Rose Lane, Leeds, LS1 4AB".into()),
        care_home_telephone: Some("0113 496 0123".into()),
        cqc_registration_number: Some("1-123456789".into()),
        ig_toolkit_completed: Some(true),
        ..Form::default()
    }
}

fn location() -> CqcLocation {
    CqcLocation {
        location_id: "1-123456789".into(),
        provider_id: Some("1-101".into()),
        name: Some("Rosewood Lodge Care Home".into()),
        postal_address_line1: Some("12 Rose Lane".into()),
        postal_address_town_city: Some("Leeds".into()),
        postal_code: Some("LS1 4AB".into()),
        main_phone_number: Some("01134960123".into()),
        registration_status: Some("Registered".into()),
        care_home: Some("Y".into()),
        ods_code: Some("VN4AB".into()),
        onspd_icb_code: Some("QWO".into()),
        onspd_icb_name: Some("NHS West Yorkshire ICB".into()),
        regulated_activities: vec![RegulatedActivity {
            name: Some("Accommodation for persons who require nursing or personal care".into()),
            code: Some("RA2".into()),
            contacts: vec![CqcContact {
                person_title: Some("Mrs".into()),
                person_given_name: Some("Jane".into()),
                person_family_name: Some("Carer".into()),
                person_roles: vec!["Registered Manager".into()],
            }],
        }],
        ..CqcLocation::default()
    }
}

fn dspt(status: &str) -> DsptOrganisation {
    DsptOrganisation {
        organisation_code: "VN4AB".into(),
        organisation_name: None,
        assessments: vec![DsptAssessment {
            year: "2025-26".into(),
            status: status.into(),
            published_date: None,
        }],
    }
}

fn gathered(loc: CqcLocation, status: &str) -> Gathered {
    Gathered {
        cqc_id: "1-123456789".into(),
        location: Fetch::Found(loc),
        provider: Some(Fetch::Found(CqcProvider {
            provider_id: "1-101".into(),
            name: Some("Rosewood Care Ltd".into()),
            location_ids: vec!["1-123456789".into()],
        })),
        site: Some(Fetch::NotFound),
        head_office: None,
        dspt: vec![("VN4AB".into(), "site", Fetch::Found(dspt(status)))],
    }
}

fn policy() -> Policy {
    Policy {
        sponsor_icb: Some("QWO".into()),
    }
}

fn codes(c: &RegisterCheck) -> Vec<&str> {
    c.findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn a_matching_home_has_no_register_findings() {
    let c = compare(
        &form(),
        &gathered(location(), "Standards Met"),
        &policy(),
        day(),
    );
    assert_eq!(c.outcome, CheckOutcome::Checked);
    assert!(c.findings.is_empty(), "{:?}", c.findings);
    assert!(c.dspt_meets_requirement);
    assert!(
        c.rows.iter().all(|r| r.verdict != "differs"),
        "{:?}",
        c.rows
    );
    assert!(
        c.rows
            .iter()
            .any(|r| r.label == "Name" && r.register == "Rosewood Lodge Care Home")
    );
}

#[test]
fn each_disagreement_gives_its_notice() {
    let mut loc = location();
    loc.name = Some("Oakfield Manor".into());
    loc.postal_code = Some("LS9 9ZZ".into());
    loc.registration_status = Some("Deregistered".into());
    loc.deregistration_date = Some("2025-03-31".into());
    loc.care_home = Some("N".into());
    loc.onspd_icb_code = Some("QHM".into());
    loc.regulated_activities[0].contacts[0].person_given_name = Some("Mary".into());
    let c = compare(
        &form(),
        &gathered(loc, "Standards Not Met"),
        &policy(),
        day(),
    );
    assert_eq!(
        codes(&c),
        vec![
            "cqc_name_mismatch",
            "cqc_postcode_mismatch",
            "cqc_deregistered",
            "cqc_not_care_home",
            "cqc_applicant_not_registered_manager",
            "cqc_outside_sponsor_area",
            "dspt_below_standard"
        ]
    );
    assert!(c.findings.iter().all(|f| f.severity == Severity::Notice));
    assert!(!c.dspt_meets_requirement);
    assert!(c.findings[2].message.contains("since 2025-03-31"));
}

#[test]
fn an_unknown_number_is_invalid_and_blocking() {
    let mut g = gathered(location(), "Standards Met");
    g.location = Fetch::NotFound;
    let c = compare(&form(), &g, &policy(), day());
    assert_eq!(codes(&c), vec!["invalid"]);
    assert_eq!(c.findings[0].field, "cqc_registration_number");
    assert_eq!(c.findings[0].severity, Severity::Blocking);
    assert!(c.findings[0].message.contains("check the number"));
}

#[test]
fn an_unreachable_register_is_a_could_not_check_notice() {
    let mut g = gathered(location(), "Standards Met");
    g.location = Fetch::Unreachable("HTTP 500".into());
    let c = compare(&form(), &g, &policy(), day());
    assert_eq!(c.outcome, CheckOutcome::CouldNotCheck);
    assert_eq!(codes(&c), vec!["register_could_not_check"]);
    assert_eq!(c.findings[0].severity, Severity::Notice);

    let mut g = gathered(location(), "Standards Met");
    g.dspt = vec![(
        "VN4AB".into(),
        "site",
        Fetch::Unreachable("no answer in time".into()),
    )];
    let c = compare(&form(), &g, &policy(), day());
    assert_eq!(c.outcome, CheckOutcome::Partial);
    assert_eq!(codes(&c), vec!["register_could_not_check"]);
}

#[test]
fn dspt_falls_back_to_the_head_office_and_says_when_none_is_published() {
    let mut g = gathered(location(), "Standards Met");
    g.dspt = vec![
        ("VN4AB".into(), "site", Fetch::NotFound),
        (
            "VM1HQ".into(),
            "head office",
            Fetch::Found(dspt("Approaching Standards")),
        ),
    ];
    let c = compare(&form(), &g, &policy(), day());
    assert!(c.findings.is_empty(), "{:?}", c.findings);
    assert!(c.dspt_meets_requirement);
    assert!(
        c.rows
            .iter()
            .any(|r| r.register.contains("head office VM1HQ"))
    );

    g.dspt = vec![("VN4AB".into(), "site", Fetch::Found(dspt("Not Published")))];
    let c = compare(&form(), &g, &policy(), day());
    assert_eq!(codes(&c), vec!["dspt_not_found"]);
}

#[test]
fn a_provider_with_several_locations_is_a_group() {
    let mut g = gathered(location(), "Standards Met");
    g.provider = Some(Fetch::Found(CqcProvider {
        provider_id: "1-101".into(),
        name: Some("Big Care Group".into()),
        location_ids: vec!["1-1".into(), "1-2".into(), "1-3".into()],
    }));
    let c = compare(&form(), &g, &policy(), day());
    assert_eq!(codes(&c), vec!["cqc_care_home_group"]);
}

#[test]
fn dspt_years_follow_the_financial_year() {
    assert_eq!(
        dspt_years(day()),
        ["2026-27".to_string(), "2025-26".to_string()]
    );
    let march = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
    assert_eq!(dspt_years(march)[0], "2026-27");
    let old = DsptOrganisation {
        assessments: vec![DsptAssessment {
            year: "2023-24".into(),
            status: "Standards Met".into(),
            published_date: None,
        }],
        ..DsptOrganisation::default()
    };
    assert_eq!(current_dspt(&old, day()), None);
    assert!(dspt_rank("Approaching Standards").unwrap() >= DSPT_REQUIRED);
    assert!(dspt_rank("Standards Not Met").unwrap() < DSPT_REQUIRED);
}

#[test]
fn normalising_names_postcodes_and_phones() {
    assert!(names_agree("Rose Hill", "ROSE HILL CARE HOME LTD"));
    assert!(names_agree("St. Anne's Nursing Home", "St Anne s"));
    assert!(names_agree("Ash & Elm House", "Ash and Elm House"));
    assert!(!names_agree("Rose Hill", "Oak Lodge"));
    assert!(people_agree("Mrs Jane Carer", "Jane Carer"));
    assert!(people_agree("J Carer", "Jane Carer"));
    assert!(!people_agree("Jane Carer", "Mary Carer"));
    assert!(!people_agree("Jane Carer", "Jane Smith"));
    assert_eq!(
        postcode("12 Rose Lane, Leeds, ls1 4ab").as_deref(),
        Some("LS1 4AB")
    );
    assert_eq!(
        postcode("1 High St, London SW1A1AA").as_deref(),
        Some("SW1A 1AA")
    );
    assert_eq!(postcode("12 Rose Lane, Leeds"), None);
    assert_eq!(phone_digits("+44 (0)113 496 0123"), "01134960123");
    assert_eq!(phone_digits("+44 113 496 0123"), "01134960123");
    assert_eq!(phone_digits("0113 496 0123"), "01134960123");
}

#[test]
fn merging_lets_a_good_dspt_stand_in_for_the_report() {
    let missing_report = Finding {
        code: "missing".into(),
        field: "ig_assessment_report".into(),
        severity: Severity::Blocking,
        message: "attach it".into(),
    };
    let c = compare(
        &form(),
        &gathered(location(), "Standards Met"),
        &policy(),
        day(),
    );
    assert!(crate::registers::merge_findings(vec![missing_report.clone()], &c).is_empty());
    let c = compare(
        &form(),
        &gathered(location(), "Standards Not Met"),
        &policy(),
        day(),
    );
    let merged = crate::registers::merge_findings(vec![missing_report], &c);
    assert_eq!(merged.len(), 2);
}
