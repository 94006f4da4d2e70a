//! The perturbations: what a draw leaves missing, defers ("TBC"), gets
//! wrong or varies on purpose, each named in `dimensions.json`.

use crate::pools::{FIRST, JUSTIFICATIONS, LAST};
use crate::rng::Rng;
use crate::truth::{Account, Answer, Report, Truth, account_name, ascii_fold, camel, mobile, slug};

/// The perturbations a draw may carry; each names what it does.
pub const PERTURB: &[&str] = &[
    "missing_name",
    "missing_role",
    "deferred_role",
    "missing_email",
    "invalid_email",
    "missing_home_name",
    "missing_address",
    "missing_telephone",
    "deferred_telephone",
    "invalid_telephone",
    "missing_cqc",
    "deferred_cqc",
    "invalid_cqc",
    "ig_no",
    "ig_unanswered",
    "existing_yes",
    "existing_unlisted",
    "existing_unanswered",
    "secure_no",
    "secure_unanswered",
    "accounts_over_limit",
    "accounts_over_justified",
    "accounts_count_only_names",
    "accounts_unnamed",
    "accounts_none_shared_only",
    "accounts_unanswered",
    "shared_no",
    "shared_unanswered",
    "shared_unnamed",
    "deferred_mailbox_name",
    "mailbox_name_spaces",
    "mailbox_name_digit",
    "mailbox_name_special",
    "mailbox_name_long",
    "no_report",
    "certificate_only",
    "report_scan",
    "preferred_missing",
    "mobile_missing",
];

fn blank_or_omitted(r: &mut Rng) -> Answer {
    if r.chance(60) {
        Answer::Blank
    } else {
        Answer::Omitted
    }
}

fn set_shared_name(t: &mut Truth, name: String) {
    if t.shared != Some(true) {
        t.shared = Some(true);
        t.shared_owner = t.accounts.first().map(|a| a.name.clone());
        t.shared_owner_mobile = t.accounts.first().and_then(|a| a.mobile.clone());
    }
    t.shared_name = Answer::Given(name);
}

fn more_accounts(t: &mut Truth, r: &mut Rng) {
    let n = r.range(4, 6) as usize;
    while t.accounts.len() < n {
        let (f, l) = (r.pick(FIRST).to_string(), r.pick(LAST).to_string());
        if t.accounts.iter().any(|a| a.name == format!("{f} {l}")) {
            continue;
        }
        t.accounts.push(Account {
            name: format!("{f} {l}"),
            preferred: Some(account_name(&f, &l)),
            mobile: Some(mobile(r)),
        });
    }
    t.accounts_number = Some(n as u32);
}

/// Applies perturbation `p` to `t`.
pub fn apply(t: &mut Truth, p: &str, r: &mut Rng) {
    match p {
        "missing_name" => t.applicant_name = blank_or_omitted(r),
        "missing_role" => t.applicant_role = blank_or_omitted(r),
        "deferred_role" => t.applicant_role = Answer::Deferred(defer(r, false).into()),
        "missing_email" => t.applicant_email = blank_or_omitted(r),
        "invalid_email" => {
            if let Answer::Given(e) = &t.applicant_email {
                t.applicant_email = Answer::Given(e.replace('@', "."));
            }
        }
        "missing_home_name" => t.care_home_name = Answer::Blank,
        "missing_address" => t.address = None,
        "missing_telephone" => t.telephone = blank_or_omitted(r),
        "deferred_telephone" => t.telephone = Answer::Deferred(defer(r, false).into()),
        "invalid_telephone" => {
            t.telephone = Answer::Given(
                r.pick(&["+1 (212) 555-0147", "+33 1 23 45 67 89", "+1 415 555 0199"])
                    .to_string(),
            )
        }
        "missing_cqc" => t.cqc = blank_or_omitted(r),
        "deferred_cqc" => t.cqc = Answer::Deferred(defer(r, false).into()),
        "invalid_cqc" => {
            let v = match r.below(3) {
                0 => format!("1-{}", r.digits(8)),
                1 => "VNX4T".to_string(),
                _ => format!("1-{}", r.digits(13)),
            };
            t.cqc = Answer::Given(v);
        }
        "ig_no" => t.ig = Some(false),
        "ig_unanswered" => t.ig = None,
        "existing_yes" | "existing_unlisted" => {
            t.existing = Some(true);
            if p == "existing_yes" {
                let mut v = vec![format!("{}.{}@nhs.net", slug(&t.home_short), slug(&t.town))];
                if r.chance(50) {
                    v.push(format!(
                        "{}.{}@nhs.net",
                        ascii_fold(&t.first),
                        ascii_fold(&t.last)
                    ));
                }
                t.existing_addresses = v;
            }
        }
        "existing_unanswered" => t.existing = None,
        "secure_no" => {
            t.secure = Some(false);
            t.secure_reason = None;
        }
        "secure_unanswered" => {
            t.secure = None;
            t.secure_reason = None;
        }
        "accounts_over_limit" => more_accounts(t, r),
        "accounts_over_justified" => {
            more_accounts(t, r);
            t.justification = Some(r.pick(JUSTIFICATIONS).to_string());
        }
        "accounts_count_only_names" => t.accounts_number = None,
        "accounts_unnamed" => {
            t.accounts_number = Some(t.accounts.len() as u32);
            t.accounts.clear();
        }
        "accounts_none_shared_only" => {
            t.accounts_number = Some(0);
            let (owner, mobile) = (
                // The owner as a name, not "Surname, Forename": the owner
                // line is "Name, mobile" and a comma in the name would split it.
                format!("{} {}", t.first, t.last),
                format!("07700 900{}", r.digits(3)),
            );
            t.accounts.clear();
            t.shared = Some(true);
            if t.shared_name.value().is_none() {
                t.shared_name =
                    Answer::Given(format!("{}{}", camel(&t.home_short), camel(&t.town)));
            }
            t.shared_owner = Some(owner);
            t.shared_owner_mobile = Some(mobile);
        }
        "accounts_unanswered" => {
            t.accounts_number = None;
            t.accounts.clear();
        }
        "shared_no" => {
            t.shared = Some(false);
            t.shared_name = Answer::Omitted;
            t.shared_owner = None;
            t.shared_owner_mobile = None;
        }
        "shared_unanswered" => {
            t.shared = None;
            t.shared_name = Answer::Omitted;
            t.shared_owner = None;
            t.shared_owner_mobile = None;
        }
        "shared_unnamed" => {
            set_shared_name(t, String::new());
            t.shared_name = Answer::Blank;
        }
        "deferred_mailbox_name" => {
            set_shared_name(t, String::new());
            t.shared_name = Answer::Deferred(defer(r, true).into());
        }
        "mailbox_name_spaces" => set_shared_name(t, format!("{} {}", t.home_short, t.town)),
        "mailbox_name_digit" => {
            set_shared_name(t, format!("{}{}", camel(&t.home_short), r.range(1, 3)))
        }
        "mailbox_name_special" => {
            let sep = *r.pick(&["-", "_", "&"]);
            set_shared_name(
                t,
                format!("{}{sep}{}", camel(&t.home_short), camel(&t.town)),
            )
        }
        "mailbox_name_long" => {
            let base = format!(
                "{}NursingAndResidentialHome{}",
                camel(&t.home_short),
                camel(&t.town)
            );
            set_shared_name(t, base)
        }
        "no_report" => t.report = Report::None,
        "certificate_only" => t.report = Report::CertificateOnly,
        "report_scan" => t.report = Report::Scan,
        "preferred_missing" => {
            if let Some(a) = t.accounts.last_mut() {
                a.preferred = None;
            }
        }
        "mobile_missing" => {
            if let Some(a) = t.accounts.last_mut() {
                a.mobile = None;
            }
        }
        _ => unreachable!("unknown perturbation {p}"),
    }
}

/// A deferral as written ("TBC"): no value. Only a name can be "not
/// decided yet"; a number or a role is to follow.
fn defer(r: &mut Rng, name: bool) -> &'static str {
    const D: [&str; 5] = ["TBC", "To follow", "tbc", "Will confirm", "to be confirmed"];
    if name && r.chance(30) {
        return "not decided yet";
    }
    D[r.below(D.len())]
}
