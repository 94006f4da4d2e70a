use super::*;
use crate::mailbox::survey::Place;

fn seen(folder: Folder, uid: u32, id: Option<&str>, sha: Option<&str>) -> Seen {
    Seen {
        entry: Surveyed {
            folder,
            place: uid.to_string(),
            message_id: id.map(str::to_string),
            handle: Place::Uid(uid),
        },
        sha256: sha.map(str::to_string),
    }
}

fn row(id: i64, sha: &str, msgid: Option<&str>, uid: u32, case: Option<i64>) -> MessageBrief {
    MessageBrief {
        id,
        sha256: sha.into(),
        source_key: Some(format!("imap:sponsor@h/INBOX:7:{uid}")),
        message_id: msgid.map(str::to_string),
        case_id: case,
        kind: "application".into(),
        status: "processed".into(),
        opened_case: case.is_some(),
    }
}

fn receipt(id: i64, case: i64, status: &str) -> OutboxBrief {
    OutboxBrief {
        id,
        case_id: Some(case),
        message_id: format!("r{id}@x"),
        purpose: "receipt".into(),
        recipients: "home@x".into(),
        status: status.into(),
        last_error: None,
    }
}

#[test]
fn all_consistent() {
    let seen = [
        seen(Folder::Processed, 1, Some("a@x"), None),
        seen(Folder::Processed, 2, None, Some("hb")),
        seen(Folder::Incoming, 9, Some("c@x"), None),
    ];
    let rows = [
        row(1, "ha", Some("a@x"), 1, Some(1)),
        row(2, "hb", None, 2, Some(2)),
        row(3, "hc", Some("c@x"), 9, Some(3)),
    ];
    let out = [
        receipt(1, 1, "sent"),
        receipt(2, 2, "suppressed"),
        receipt(3, 3, "sent"),
    ];
    let r = compare(&seen, &rows, &out);
    assert!(r.consistent, "{r:#?}");
    assert_eq!(r.waiting.len(), 1);
    assert_eq!(r.counts.processed, 2);
    assert_eq!(r.counts.receipts_sent, 3);
}

#[test]
fn finds_lost_doubled_unanswered_and_failed() {
    let seen = [
        seen(Folder::Processed, 1, Some("a@x"), None),
        seen(Folder::Quarantine, 2, Some("a@x"), None),
        seen(Folder::Processed, 3, Some("lost@x"), Some("hl")),
        seen(Folder::Incoming, 4, Some("new@x"), Some("hn")),
    ];
    let rows = [
        row(1, "ha", Some("a@x"), 1, Some(1)),
        row(2, "hb", Some("b@x"), 5, Some(2)),
        row(3, "hb2", Some("b@x"), 6, Some(3)),
    ];
    let mut failed = receipt(3, 3, "failed");
    failed.last_error = Some("550".into());
    let out = [receipt(1, 1, "sent"), receipt(2, 2, "pending"), failed];
    let r = compare(&seen, &rows, &out);
    assert!(!r.consistent);
    assert_eq!(r.never_taken_in.len(), 1);
    assert_eq!(r.never_taken_in[0].message_id.as_deref(), Some("lost@x"));
    let twice: Vec<_> = r
        .taken_in_twice
        .iter()
        .map(|d| d.message_id.as_str())
        .collect();
    assert_eq!(twice, ["a@x", "b@x"]);
    assert_eq!(r.unanswered.len(), 2);
    assert_eq!(r.unanswered[0].receipt, "pending");
    assert_eq!(r.failed.len(), 1);
    assert_eq!(r.not_yet_taken_in.len(), 1);
}

#[test]
fn source_mailbox_drops_the_uid() {
    assert_eq!(source_mailbox("imap:s@h/INBOX:7:12"), "imap:s@h/INBOX");
    assert_eq!(source_mailbox("maildir:123.abc"), "maildir");
}
