//! The case list's filters: a state, decisions overdue, and a search over
//! the care home's name, its CQC number and the case reference. Pure: the
//! list is filtered after it is read.

use crate::case::CaseState;
use crate::store::CaseSummary;
use chrono::NaiveDate;

/// What the administrator asked the list for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub state: Option<CaseState>,
    /// Only cases ready for decision past their due date.
    pub overdue: bool,
    /// The search, lower case, spaces trimmed; `None` when empty.
    pub search: Option<String>,
}

impl CaseFilter {
    /// From the query string; an unknown state or an empty search means "any".
    pub fn from_query(state: Option<&str>, search: Option<&str>) -> CaseFilter {
        CaseFilter {
            state: state.and_then(CaseState::parse),
            overdue: false,
            search: search
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty()),
        }
    }

    /// Only decisions overdue on `today`, too.
    pub fn overdue(mut self, overdue: bool) -> CaseFilter {
        self.overdue = overdue;
        self
    }

    /// Whether a case is in the list on `today`.
    pub fn admits(&self, case: &CaseSummary, today: NaiveDate) -> bool {
        if let Some(state) = self.state
            && case.state != state.as_str()
        {
            return false;
        }
        if self.overdue && !is_overdue(case, today) {
            return false;
        }
        let Some(search) = &self.search else {
            return true;
        };
        let name = case.care_home_name.as_deref().unwrap_or("").to_lowercase();
        name.contains(search.as_str())
            || case.reference.to_lowercase().contains(search.as_str())
            || cqc_matches(case.cqc_id.as_deref(), search)
    }
}

/// Ready for decision, and its due date has passed (a decision may be made
/// on the due date itself, as the overdue digest counts it).
fn is_overdue(case: &CaseSummary, today: NaiveDate) -> bool {
    case.state == CaseState::ReadyForDecision.as_str()
        && case
            .due_on
            .as_deref()
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .is_some_and(|due| today > due)
}

/// A CQC number matches however it is typed: `1-123456789`, `1123456789`, `123 456 789`.
fn cqc_matches(cqc: Option<&str>, search: &str) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let wanted = digits(search);
    // Only a search that is mostly a number is read as one.
    if wanted.len() < 3 || wanted.len() * 2 < search.chars().filter(|c| !c.is_whitespace()).count()
    {
        return false;
    }
    cqc.is_some_and(|c| digits(c).contains(&wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
    }

    fn case(reference: &str, state: &str, home: Option<&str>, cqc: Option<&str>) -> CaseSummary {
        CaseSummary {
            reference: reference.into(),
            state: state.into(),
            care_home_name: home.map(Into::into),
            cqc_id: cqc.map(Into::into),
            contact_address: "manager@rosewood.example".into(),
            opened_at: "2026-12-01T09:00:00.000Z".into(),
            due_on: None,
        }
    }

    impl CaseFilter {
        fn admits_today(&self, case: &CaseSummary) -> bool {
            self.admits(case, today())
        }
    }

    #[test]
    fn overdue_is_ready_for_decision_past_the_due_date() {
        let f = CaseFilter::from_query(None, None).overdue(true);
        let due = |state: &str, on: Option<&str>| CaseSummary {
            due_on: on.map(Into::into),
            ..case("LSM-2026-0009", state, None, None)
        };
        assert!(f.admits_today(&due("ready_for_decision", Some("2026-12-03"))));
        assert!(
            !f.admits_today(&due("ready_for_decision", Some("2026-12-04"))),
            "due today"
        );
        assert!(!f.admits_today(&due("ready_for_decision", None)));
        assert!(!f.admits_today(&due("approved", Some("2026-11-01"))));
        assert!(CaseFilter::default().admits_today(&due("approved", Some("2026-11-01"))));
    }

    #[test]
    fn no_filter_admits_everything() {
        let f = CaseFilter::from_query(None, Some("  "));
        assert_eq!(f, CaseFilter::default());
        assert!(f.admits_today(&case("LSM-2026-0001", "approved", None, None)));
        assert_eq!(CaseFilter::from_query(Some("nonsense"), None).state, None);
    }

    #[test]
    fn the_state_filter_keeps_one_state() {
        let f = CaseFilter::from_query(Some("ready_for_decision"), None);
        assert!(f.admits_today(&case("LSM-2026-0001", "ready_for_decision", None, None)));
        assert!(!f.admits_today(&case("LSM-2026-0002", "approved", None, None)));
    }

    #[test]
    fn the_search_finds_a_home_by_name_reference_or_cqc_number() {
        let rose = case(
            "LSM-2026-0007",
            "approved",
            Some("Rosewood Lodge"),
            Some("1-123456789"),
        );
        for q in [
            "rosewood",
            "ROSEWOOD LODGE",
            "lsm-2026-0007",
            "1-123456789",
            "123456789",
            "123 456",
        ] {
            assert!(
                CaseFilter::from_query(None, Some(q)).admits_today(&rose),
                "{q}"
            );
        }
        for q in ["oak", "987654", "lsm-2026-0008"] {
            assert!(
                !CaseFilter::from_query(None, Some(q)).admits_today(&rose),
                "{q}"
            );
        }
        let both = CaseFilter::from_query(Some("rejected"), Some("rosewood"));
        assert!(!both.admits_today(&rose));
    }

    #[test]
    fn a_case_without_a_name_or_number_is_found_by_reference_only() {
        let bare = case("LSM-2026-0003", "awaiting_information", None, None);
        assert!(CaseFilter::from_query(None, Some("0003")).admits_today(&bare));
        assert!(!CaseFilter::from_query(None, Some("lodge")).admits_today(&bare));
    }
}
