//! Issue 20: a care home whose file could not be read is told, in the email
//! that reaches it, which file, why, and what to send instead; not asked
//! for everything as if it had sent nothing.

use crate::hostile::{docx_bomb, encrypted_workbook, with_attachment};
use crate::support::imap::Imap;
use crate::support::mail::Mailboxes;
use crate::support::{Backend, Bed, Settings, repo};
use std::time::Duration;

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

struct Unreadable {
    what: &'static str,
    file: &'static str,
    content_type: &'static str,
    bytes: Vec<u8>,
    /// Words of the reason and of what to send instead.
    said: [&'static str; 2],
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures").join(path)).expect("fixture")
}

fn set() -> Vec<Unreadable> {
    // A compound-file header: what Word 97-2003 writes.
    let mut doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    doc.resize(4096, 0);
    let large: Vec<u8> = (0..2u32 * 1024 * 1024)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    // Any bytes do: a picture is judged by its type and name.
    let mut jpeg = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0,
    ];
    jpeg.resize(2048, 7);
    vec![
        Unreadable {
            what: "password-protected PDF",
            file: "NHSmail application form.pdf",
            content_type: "application/pdf",
            bytes: fixture("pdf/encrypted.pdf"),
            said: ["protected with a password", "without the password"],
        },
        Unreadable {
            what: "password-protected workbook",
            file: "Application form.xlsx",
            content_type: XLSX,
            bytes: encrypted_workbook(),
            said: ["protected with a password", "without the password"],
        },
        Unreadable {
            what: "legacy .doc",
            file: "Application form.doc",
            content_type: "application/msword",
            bytes: doc,
            said: ["Word 97-2003", "save the form as a Word document (.docx)"],
        },
        Unreadable {
            what: "image-only PDF",
            file: "Application form scan.pdf",
            content_type: "application/pdf",
            bytes: fixture("pdf/image-only.pdf"),
            said: ["it is a scan", "send the form typed"],
        },
        Unreadable {
            what: "over-large file",
            file: "Application form.docx",
            content_type: DOCX,
            bytes: large,
            said: ["too large for us to read", "send the form on its own"],
        },
        Unreadable {
            what: "zip bomb",
            file: "Application form.docx",
            content_type: DOCX,
            bytes: docx_bomb(),
            said: ["too large for us to read", "send the form on its own"],
        },
        Unreadable {
            what: "photo of the form",
            file: "Application form.jpg",
            content_type: "image/jpeg",
            bytes: jpeg,
            said: ["picture of the form", "type your answers into a reply"],
        },
    ]
}

async fn each_unreadable_file_is_named_with_its_reason(backend: Backend) {
    let bed = Bed::new("unreadable", backend).await;
    let config = bed.write_config(
        "config.toml",
        &Settings {
            max_attachment_mb: 1,
            ..Settings::default()
        },
    );
    let homes = ["carehome3", "carehome4", "carehome5"];
    let mut imap = Imap::login(crate::support::SPONSOR).await;
    let mut sent = Vec::new();
    for (i, u) in set().into_iter().enumerate() {
        let home = format!("{}@example.test", homes[i % homes.len()]);
        let mid = bed.message_id(&format!("unreadable-{i}"));
        let subject = format!("NHSmail application {}", bed.tag);
        let raw = with_attachment(&home, &mid, &subject, u.file, u.content_type, &u.bytes);
        imap.append(&bed.incoming, &raw).await;
        sent.push((u, home, mid));
    }
    imap.logout().await;
    bed.once(&config).await;
    for (u, home, mid) in &sent {
        let user = home.trim_end_matches("@example.test");
        let found =
            Mailboxes::wait_for(user, Duration::from_secs(20), u.what, |m| m.refers_to(mid)).await;
        assert_eq!(found.len(), 1, "{}: one receipt", u.what);
        let text = &found[0].text;
        assert!(
            text.contains(&format!("We could not read the attachment \"{}\"", u.file)),
            "{}: the file is named:\n{text}",
            u.what
        );
        for words in u.said {
            assert!(text.contains(words), "{}: {words:?} in:\n{text}", u.what);
        }
        // The form's questions are asked once, under the file, not as a
        // list of thirteen "Please give ..." items.
        assert!(
            text.contains("we do not yet have your answers to the form")
                && !text.contains("\n  - Please"),
            "{}:\n{text}",
            u.what
        );
        assert!(
            found[0].subject.contains("could not read"),
            "{}: {}",
            u.what,
            found[0].subject
        );
    }
}
crate::on_both_backends!(
    each_unreadable_file_is_named_in_the_receipt,
    each_unreadable_file_is_named_with_its_reason
);

/// Issue 20: a form listing 100,000 account owners keeps its case and its
/// notice small, and the administrators are told the list was cut.
async fn a_hundred_thousand_accounts_give_a_short_notice(backend: Backend) {
    let bed = Bed::new("accounts-100k", backend).await;
    let config = bed.config();
    let from = "carehome5@example.test";
    let home = format!("Long List House {}", bed.tag);
    let owners: String = (1..=100_000u32)
        .map(|i| {
            format!(
                "  {i}. Person Number{i} (07700 {:06})\n",
                900_000 + i % 100_000
            )
        })
        .collect();
    // The list last: only the first megabyte of a body is read, and the
    // rest of the form must be in it.
    let form = crate::support::mail::form_body(&home, from)
        .replace(
            "How many individual accounts? 2\n",
            "How many individual accounts? 100000\n",
        )
        .replace(
            "  1. Jane Carer (07700 900111)\n  2. Tom Helper (07700 900112)\n",
            "",
        )
        .replace("\nRegards\nJane\n", "");
    let body = format!("{form}Account owners:\n{owners}\nRegards\nJane\n");
    assert!(
        body.contains("Person Number99999"),
        "the list is in the form"
    );
    let mid = bed.message_id("accounts-100k");
    let raw = crate::casework::email(
        from,
        &mid,
        "NHSmail application",
        None,
        &body,
        &[crate::casework::report(&home)],
    );
    let mut imap = Imap::login(crate::support::SPONSOR).await;
    imap.append(&bed.incoming, &raw).await;
    imap.logout().await;
    bed.once(&config).await;
    let notice = Mailboxes::wait_for(
        crate::support::ADMINS,
        Duration::from_secs(30),
        "ready-for-decision notice",
        |m| m.subject.contains("ready for decision") && m.subject.contains(&home),
    )
    .await;
    assert_eq!(notice.len(), 1);
    let size = notice[0].raw.len();
    assert!(size < 100 * 1024, "the notice is {size} bytes");
    assert!(
        notice[0].text.contains("only the first 100 were kept"),
        "{}",
        notice[0].text
    );
    let reference = bed.cases(&config).await[0]["reference"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let case = bed.case(&config, &reference).await;
    assert_eq!(case["form"]["accounts"].as_array().map(Vec::len), Some(100));
    assert_eq!(case["form"]["individual_accounts_requested"], 100_000);
}
crate::on_both_backends!(
    a_form_with_100000_accounts_gives_a_short_notice,
    a_hundred_thousand_accounts_give_a_short_notice
);
