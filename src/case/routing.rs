//! What an incoming message leads to. The loop rules come first: we never
//! answer ourselves, an automatic reply or a bounce.

use crate::message::Kind;

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
    /// The reference of the case this message answers (by thread or subject), if any.
    pub answers_case: Option<String>,
    /// Taken in from a backlog without replies.
    pub quiet: bool,
}

/// What to do with the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// Record it and never answer (loops, auto-replies, bounces).
    Ignore { reason: &'static str },
    /// Open a case; `reply` says whether to send the receipt.
    OpenCase { reply: bool },
    /// Record it on an existing case.
    JoinCase { reference: String },
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
    if let Some(reference) = &f.answers_case {
        return Route::JoinCase {
            reference: reference.clone(),
        };
    }
    match f.kind {
        Some(Kind::Application) => Route::OpenCase { reply: !f.quiet },
        _ => Route::Record {
            reason: "no application form found",
        },
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
    }

    #[test]
    fn a_reply_joins_its_case_and_an_enquiry_is_only_recorded() {
        let reply = RouteFacts {
            answers_case: Some("LSM-2026-0001".into()),
            ..facts(Kind::Other)
        };
        assert_eq!(
            route(&reply),
            Route::JoinCase {
                reference: "LSM-2026-0001".into()
            }
        );
        assert!(matches!(route(&facts(Kind::Other)), Route::Record { .. }));
    }
}
