//! The emails the daemon sends, by name: each is a folder of templates
//! under `templates/` (`subject.txt`, `body.txt`, `body.html`). Naming them
//! with an enum makes a mistyped template a compile error, and lets the
//! loader check at start that every folder is there.

/// One email the daemon can send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Template {
    /// To the care home: we have your application (and what is missing).
    Receipt,
    /// To the care home: your reply was added (and what is still missing).
    FollowUp,
    /// To the administrators: a complete case to decide.
    ReadyForDecision,
    Approval,
    Rejection,
    /// To the care home: the accounts are registered; first-login guidance.
    Registered,
    QuarantineReport,
    EnquiryReport,
    HeldReport,
    DecisionRefusedReport,
    EmailHeldReport,
    OverdueDigest,
    Chaser,
    /// To the care home: the application lapsed after the last chaser.
    Lapsed,
    WeeklySummary,
    Canary,
    CanaryAlert,
    RegisterUpdate,
    CredentialsRefused,
    CredentialsExpiring,
}

impl Template {
    /// Every email, for the loader's and `check-config`'s checks.
    pub const ALL: [Template; 20] = [
        Template::Receipt,
        Template::FollowUp,
        Template::ReadyForDecision,
        Template::Approval,
        Template::Rejection,
        Template::Registered,
        Template::QuarantineReport,
        Template::EnquiryReport,
        Template::HeldReport,
        Template::DecisionRefusedReport,
        Template::EmailHeldReport,
        Template::OverdueDigest,
        Template::Chaser,
        Template::Lapsed,
        Template::WeeklySummary,
        Template::Canary,
        Template::CanaryAlert,
        Template::RegisterUpdate,
        Template::CredentialsRefused,
        Template::CredentialsExpiring,
    ];

    /// Its folder under `templates/`.
    pub fn name(self) -> &'static str {
        match self {
            Template::Receipt => "receipt",
            Template::FollowUp => "follow_up",
            Template::ReadyForDecision => "ready_for_decision",
            Template::Approval => "approval",
            Template::Rejection => "rejection",
            Template::Registered => "registered",
            Template::QuarantineReport => "quarantine_report",
            Template::EnquiryReport => "enquiry_report",
            Template::HeldReport => "held_report",
            Template::DecisionRefusedReport => "decision_refused_report",
            Template::EmailHeldReport => "email_held_report",
            Template::OverdueDigest => "overdue_digest",
            Template::Chaser => "chaser",
            Template::Lapsed => "lapsed",
            Template::WeeklySummary => "weekly_summary",
            Template::Canary => "canary",
            Template::CanaryAlert => "canary_alert",
            Template::RegisterUpdate => "register_update",
            Template::CredentialsRefused => "credentials_refused",
            Template::CredentialsExpiring => "credentials_expiring",
        }
    }
}

impl std::fmt::Display for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Template;

    #[test]
    fn every_email_has_its_own_folder() {
        let mut names: Vec<_> = Template::ALL.iter().map(|t| t.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Template::ALL.len());
    }
}
