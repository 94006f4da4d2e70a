//! Writes the email a care home (or a colleague forwarding it) sends: the
//! headers and MIME structure of Outlook, Thunderbird or Gmail, the body,
//! the attachments, and the reply or forward around it.

use crate::mime::{self, Part};
use crate::rng::Rng;
use crate::style::{Client, Style};

/// An attached file.
#[derive(Clone)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// A message before it is written: who, what, and the body in text and
/// (optionally) HTML.
#[derive(Clone)]
pub struct Letter {
    pub from_name: String,
    pub from_addr: String,
    pub to: String,
    pub subject: String,
    pub date: String,
    pub text: String,
    pub html: Option<String>,
    pub attachments: Vec<Attachment>,
    /// Whole messages attached (message/rfc822).
    pub messages: Vec<String>,
    pub in_reply_to: Option<String>,
}

/// The sponsor's mailbox.
pub const SPONSOR: &str = "NHSmail Sponsorship <nhsmail.sponsor@xyzicb.example>";

fn message_id(client: Client, domain: &str, r: &mut Rng) -> String {
    let hex = |r: &mut Rng, n: usize| {
        (0..n)
            .map(|_| format!("{:x}", r.below(16)))
            .collect::<String>()
    };
    match client {
        Client::Outlook => format!("<{}${}${}$@{domain}>", hex(r, 12), hex(r, 8), hex(r, 8)),
        Client::Thunderbird => format!("<{}-{}-{}@{domain}>", hex(r, 8), hex(r, 4), hex(r, 12)),
        Client::Gmail => format!("<CA{}@mail.gmail.com>", hex(r, 40)),
    }
}

/// Writes the letter as the draw's mail program would. Returns the text
/// (see [`mime::to_bytes`]) and the body charset actually used.
pub fn write(l: &Letter, s: &Style, r: &mut Rng) -> (String, String) {
    let client = s.client;
    let domain = l
        .from_addr
        .split('@')
        .nth(1)
        .unwrap_or("example.org")
        .to_string();
    let mut h = vec![
        format!("Return-Path: <{}>", l.from_addr),
        format!(
            "Received: from mail.{domain} (mail.{domain} [203.0.113.{}])\r\n\tby mx1.xyzicb.example (Postfix) with ESMTPS id 4V{}\r\n\tfor <nhsmail.sponsor@xyzicb.example>; {}",
            r.range(2, 250),
            r.digits(9),
            l.date
        ),
    ];
    let from = format!(
        "{} <{}>",
        mime::encoded_word(&l.from_name, client == Client::Outlook),
        l.from_addr
    );
    let subject = mime::encoded_word(&l.subject, client != Client::Gmail);
    let mid = message_id(client, &domain, r);
    match client {
        Client::Thunderbird => {
            h.push(format!("Message-ID: {mid}"));
            h.push(format!("Date: {}", l.date));
            h.push("MIME-Version: 1.0".into());
            h.push("User-Agent: Mozilla Thunderbird".into());
            h.push("Content-Language: en-GB".into());
            h.push(format!("To: {}", l.to));
            h.push(format!("From: {from}"));
            h.push(format!("Subject: {subject}"));
        }
        _ => {
            h.push(format!("From: {from}"));
            h.push(format!("To: {}", l.to));
            h.push(format!("Subject: {subject}"));
            h.push(format!("Date: {}", l.date));
            h.push(format!("Message-ID: {mid}"));
            h.push("MIME-Version: 1.0".into());
            if client == Client::Outlook {
                h.push("X-Mailer: Microsoft Outlook 16.0".into());
                h.push("Content-Language: en-gb".into());
            }
        }
    }
    if let Some(irt) = &l.in_reply_to {
        h.push(format!("In-Reply-To: {irt}"));
        h.push(format!("References: {irt}"));
    }
    let (body, cs) = body(l, s, r);
    let mut out = h.join("\r\n");
    out.push_str("\r\n");
    body.write(&mut out);
    (out, cs)
}

fn body(l: &Letter, s: &Style, r: &mut Rng) -> (Part, String) {
    let client = s.client;
    let (charset, enc) = (s.charset.name(), s.encoding.name());
    let flowed = client == Client::Thunderbird;
    let (text, cs) = mime::text_part("plain", &l.text, charset, enc, flowed);
    let mut used = cs;
    let html_wanted = l.html.is_some() || client != Client::Thunderbird;
    let content = if html_wanted {
        use crate::render::html;
        let fragment = l.html.clone().unwrap_or_else(|| {
            html::paragraphs(&l.text.lines().map(str::to_string).collect::<Vec<_>>())
        });
        let html = html::document(&fragment, charset);
        let (hp, hcs) = mime::text_part("html", &html, charset, enc, false);
        if hcs != used {
            used = "utf-8".into();
        }
        Part::Multi {
            subtype: "alternative".into(),
            boundary: mime::boundary(client.name(), r, 1),
            parts: vec![text, hp],
            preamble: false,
        }
    } else {
        text
    };
    if l.attachments.is_empty() && l.messages.is_empty() {
        return (content, used);
    }
    let mut parts = vec![content];
    for m in &l.messages {
        parts.push(Part::Leaf {
            headers: vec![
                "Content-Type: message/rfc822".into(),
                "Content-Disposition: attachment".into(),
            ],
            body: m.trim_end().to_string(),
        });
    }
    for (i, a) in l.attachments.iter().enumerate() {
        let extra = if client == Client::Gmail {
            vec![format!("X-Attachment-Id: f_{}{i}", r.digits(8))]
        } else {
            vec![]
        };
        parts.push(mime::attachment(
            &a.filename,
            &a.content_type,
            &a.data,
            client == Client::Thunderbird,
            &extra,
        ));
    }
    let preamble = client == Client::Outlook;
    (
        Part::Multi {
            subtype: "mixed".into(),
            boundary: mime::boundary(client.name(), r, 0),
            parts,
            preamble,
        },
        used,
    )
}
