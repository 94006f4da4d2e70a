//! What an incoming message leads to. The loop rules come first: we never
//! answer ourselves, an automatic reply or a bounce. Then who may touch a
//! case: only an administrator decides, only the care home adds to its case.

use crate::message::Kind;

/// A case that a message answers (by its thread, the reference in its
/// subject, or its sender's one open case).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseLink {
    pub reference: String,
    /// The sender is the care home's applicant, contact or a known address of the case.
    pub sender_known: bool,
}

/// The live case that already holds the CQC number on an application
/// that answers no case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveCase {
    pub reference: String,
    /// Not yet decided: the new application joins it. A decided case
    /// (approved, registered) is only linked to.
    pub open: bool,
}

/// The facts about one message that decide its route.
#[derive(Clone, Debug, Default)]
pub struct RouteFacts {
    pub kind: Option<Kind>,
    /// The sender's address, lower-cased.
    pub from: Option<String>,
    /// The message carries our own marker header.
    pub sent_by_us: bool,
    /// Our own addresses, lower-cased.
    pub own_addresses: Vec<String>,
    /// The sender is a configured administrator.
    pub from_admin: bool,
    pub answers_case: Option<CaseLink>,
    /// Its new text starts with "approve" or "reject".
    pub looks_like_decision: bool,
    /// Taken in from a backlog without replies.
    pub quiet: bool,
    /// Not a reply: no In-Reply-To and no case reference in the subject.
    pub fresh: bool,
    /// For an application that answers no case: the live case of its CQC number.
    pub live_case_for_cqc: Option<LiveCase>,
}

/// What to do with the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// Record it and never answer (loops, auto-replies, bounces).
    Ignore { reason: &'static str },
    /// Open a case; `reply` says whether to send the receipt.
    OpenCase { reply: bool },
    /// The care home writes about its case: merge what it supplies.
    /// `second_application`: a whole new application (not a reply) for the
    /// same care home, joined and flagged.
    JoinCase {
        reference: String,
        second_application: bool,
    },
    /// A new application for a CQC number whose case is already decided:
    /// linked to it and reported, never a second case.
    LinkToDecided { reference: String },
    /// An administrator writes about a case: a decision if it carries the code.
    Administrator { reference: String },
    /// About a case, from an address the case does not know: held and reported.
    Held { reference: String },
    /// Looks like a decision but is not from an administrator: recorded and reported.
    RefuseDecision {
        reference: String,
        reason: &'static str,
    },
    /// Record it without a case (an enquiry, a thank-you) for the administrators to see.
    Record { reason: &'static str },
}

/// Decides the route of one message.
pub fn route(f: &RouteFacts) -> Route {
    let from_us = f
        .from
        .as_ref()
        .is_some_and(|a| f.own_addresses.iter().any(|o| o == a));
    if f.sent_by_us || from_us {
        return Route::Ignore {
            reason: "sent by us",
        };
    }
    match f.kind {
        Some(Kind::AutoReply) => {
            return Route::Ignore {
                reason: "automatic reply",
            };
        }
        Some(Kind::Bounce) => {
            return Route::Ignore {
                reason: "delivery failure report",
            };
        }
        _ => {}
    }
    if f.from.is_none() {
        return Route::Ignore {
            reason: "no sender address to reply to",
        };
    }
    if let Some(link) = &f.answers_case {
        let reference = link.reference.clone();
        return if f.from_admin {
            Route::Administrator { reference }
        } else if f.looks_like_decision {
            Route::RefuseDecision {
                reference,
                reason: "it did not come from an administrator's address",
            }
        } else if link.sender_known {
            Route::JoinCase {
                reference,
                second_application: f.fresh && f.kind == Some(Kind::Application),
            }
        } else {
            Route::Held { reference }
        };
    }
    match f.kind {
        Some(Kind::Application) if !f.from_admin => match &f.live_case_for_cqc {
            Some(live) if live.open => Route::JoinCase {
                reference: live.reference.clone(),
                second_application: true,
            },
            Some(live) => Route::LinkToDecided {
                reference: live.reference.clone(),
            },
            None => Route::OpenCase { reply: !f.quiet },
        },
        _ => Route::Record {
            reason: "no application form found",
        },
    }
}

/// The sender writes from another organisation's address than the applicant's:
/// often a care-home group's head office applying for one of its homes.
pub fn looks_like_head_office(contact: &str, applicant_email: Option<&str>) -> bool {
    let domain = |a: &str| a.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
    match (domain(contact), applicant_email.and_then(domain)) {
        (Some(c), Some(a)) => c != a,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(kind: Kind) -> RouteFacts {
        RouteFacts {
            kind: Some(kind),
            from: Some("manager@home.example".into()),
            own_addresses: vec!["sponsor@icb.example".into()],
            ..RouteFacts::default()
        }
    }

    fn link(known: bool) -> Option<CaseLink> {
        Some(CaseLink {
            reference: "LSM-2026-0001".into(),
            sender_known: known,
        })
    }

    #[test]
    fn an_application_opens_a_case_with_a_receipt() {
        assert_eq!(
            route(&facts(Kind::Application)),
            Route::OpenCase { reply: true }
        );
        let quiet = RouteFacts {
            quiet: true,
            ..facts(Kind::Application)
        };
        assert_eq!(route(&quiet), Route::OpenCase { reply: false });
    }

    #[test]
    fn never_answers_auto_replies_bounces_or_ourselves() {
        assert!(matches!(
            route(&facts(Kind::AutoReply)),
            Route::Ignore { .. }
        ));
        assert!(matches!(route(&facts(Kind::Bounce)), Route::Ignore { .. }));
        let ours = RouteFacts {
            from: Some("sponsor@icb.example".into()),
            ..facts(Kind::Application)
        };
        assert_eq!(
            route(&ours),
            Route::Ignore {
                reason: "sent by us"
            }
        );
        let marked = RouteFacts {
            sent_by_us: true,
            ..facts(Kind::Application)
        };
        assert_eq!(
            route(&marked),
            Route::Ignore {
                reason: "sent by us"
            }
        );
        let auto_on_case = RouteFacts {
            answers_case: link(true),
            ..facts(Kind::AutoReply)
        };
        assert!(matches!(route(&auto_on_case), Route::Ignore { .. }));
    }

    #[test]
    fn only_the_care_home_adds_to_its_case() {
        let reply = RouteFacts {
            answers_case: link(true),
            ..facts(Kind::Other)
        };
        assert_eq!(
            route(&reply),
            Route::JoinCase {
                reference: "LSM-2026-0001".into(),
                second_application: false,
            }
        );
        let stranger = RouteFacts {
            answers_case: link(false),
            ..facts(Kind::Application)
        };
        assert_eq!(
            route(&stranger),
            Route::Held {
                reference: "LSM-2026-0001".into()
            }
        );
        assert!(matches!(route(&facts(Kind::Other)), Route::Record { .. }));
    }

    #[test]
    fn a_second_application_is_decided_here_once() {
        let fresh_from_known = RouteFacts {
            answers_case: link(true),
            fresh: true,
            ..facts(Kind::Application)
        };
        assert_eq!(
            route(&fresh_from_known),
            Route::JoinCase {
                reference: "LSM-2026-0001".into(),
                second_application: true,
            }
        );
        let reply_with_form = RouteFacts {
            fresh: false,
            ..fresh_from_known.clone()
        };
        assert!(matches!(
            route(&reply_with_form),
            Route::JoinCase {
                second_application: false,
                ..
            }
        ));
        let live = |open| RouteFacts {
            fresh: true,
            live_case_for_cqc: Some(LiveCase {
                reference: "LSM-2026-0007".into(),
                open,
            }),
            ..facts(Kind::Application)
        };
        assert_eq!(
            route(&live(true)),
            Route::JoinCase {
                reference: "LSM-2026-0007".into(),
                second_application: true,
            }
        );
        assert_eq!(
            route(&live(false)),
            Route::LinkToDecided {
                reference: "LSM-2026-0007".into()
            }
        );
        // An enquiry from a home with a live case is not an application.
        let enquiry = RouteFacts {
            kind: Some(Kind::Other),
            ..live(true)
        };
        assert!(matches!(route(&enquiry), Route::Record { .. }));
    }

    #[test]
    fn only_an_administrator_decides() {
        let admin = RouteFacts {
            answers_case: link(false),
            from_admin: true,
            ..facts(Kind::Other)
        };
        assert_eq!(
            route(&admin),
            Route::Administrator {
                reference: "LSM-2026-0001".into()
            }
        );
        let forged = RouteFacts {
            answers_case: link(true),
            looks_like_decision: true,
            ..facts(Kind::Other)
        };
        assert!(matches!(route(&forged), Route::RefuseDecision { .. }));
    }

    #[test]
    fn head_office_is_another_domain() {
        assert!(looks_like_head_office(
            "ops@group.example",
            Some("manager@home.example")
        ));
        assert!(!looks_like_head_office(
            "Manager@Home.example",
            Some("manager@home.example")
        ));
        assert!(!looks_like_head_office("ops@group.example", None));
    }
}
