//! The DSPT side of the comparison: which year's published status counts,
//! how statuses rank, and the row and findings they give.

use super::{Gathered, notice, row, unreachable_notice};
use crate::form::Form;
use crate::registers::RegisterCheck;
use crate::registers::records::{DsptOrganisation, Fetch};
use chrono::{Datelike, NaiveDate};

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

pub(super) fn dspt_rows(form: &Form, g: &Gathered, today: NaiveDate, check: &mut RegisterCheck) {
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
