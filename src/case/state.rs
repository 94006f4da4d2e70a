//! The states a case passes through (sections 2 to 5 of the guidance).

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaseState {
    /// Something the guidance requires is missing; waiting on the care home.
    AwaitingInformation,
    /// Complete; waiting on the administrators' decision.
    ReadyForDecision,
    Approved,
    Rejected,
    /// Approved and the accounts created.
    Registered,
    /// The care home never sent what was missing.
    Lapsed,
}

impl CaseState {
    pub const ALL: [CaseState; 6] = [
        CaseState::AwaitingInformation,
        CaseState::ReadyForDecision,
        CaseState::Approved,
        CaseState::Rejected,
        CaseState::Registered,
        CaseState::Lapsed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::AwaitingInformation => "awaiting_information",
            CaseState::ReadyForDecision => "ready_for_decision",
            CaseState::Approved => "approved",
            CaseState::Rejected => "rejected",
            CaseState::Registered => "registered",
            CaseState::Lapsed => "lapsed",
        }
    }

    /// Reads a state name; `-` and spaces are accepted for `_`.
    pub fn parse(s: &str) -> Option<CaseState> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        CaseState::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Still in progress (not decided, lapsed or registered).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseState::AwaitingInformation | CaseState::ReadyForDecision
        )
    }

    /// The state a new application starts in.
    pub fn for_new_application(complete: bool) -> CaseState {
        if complete {
            CaseState::ReadyForDecision
        } else {
            CaseState::AwaitingInformation
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in CaseState::ALL {
            assert_eq!(CaseState::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            CaseState::parse("Ready-for-decision"),
            Some(CaseState::ReadyForDecision)
        );
        assert_eq!(CaseState::parse("nonsense"), None);
    }
}
