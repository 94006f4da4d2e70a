//! The reply or forward around the care home's email: a reply quoting
//! the sponsor's request, a chaser quoting the form, a colleague's forward
//! (inline, or the whole message attached as message/rfc822).

use crate::mail::{self, Letter, SPONSOR};
use crate::render::html;
use crate::rng::Rng;
use crate::style::{Client, Style, Wrapping};

const SPONSOR_TEXT: &str = "Dear colleague,\n\nThank you for your interest in NHSmail. Please complete the attached application form (Appendix 1) and return it to this mailbox together with your IG Toolkit assessment report.\n\nKind regards\nNHSmail Sponsorship team\nXYZ Integrated Care Board";

fn quote_header(client: Client, from: &str, date_said: &str, subject: &str, to: &str) -> String {
    match client {
        Client::Outlook => {
            format!("From: {from}\nSent: {date_said}\nTo: {to}\nSubject: {subject}\n")
        }
        _ => format!("On {date_said}, {from} wrote:\n"),
    }
}

fn quoted(client: Client, text: &str) -> String {
    match client {
        Client::Outlook => text.to_string(),
        _ => text
            .lines()
            .map(|l| {
                if l.is_empty() {
                    ">".to_string()
                } else {
                    format!("> {l}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

pub fn wrap(
    mut l: Letter,
    s: &Style,
    w: Wrapping,
    date_said: &str,
    r: &mut Rng,
) -> (String, String) {
    let applicant = format!("{} <{}>", l.from_name, l.from_addr);
    match w {
        Wrapping::None => mail::write(&l, s, r),
        Wrapping::Reply => {
            let head = quote_header(
                s.client,
                SPONSOR,
                date_said,
                "NHSmail account application",
                &applicant,
            );
            l.text = format!("{}\n\n{}\n{}", l.text, head, quoted(s.client, SPONSOR_TEXT));
            if let Some(h) = &l.html {
                l.html = Some(format!(
                    "{h}<hr>\n<p>{}</p>\n<blockquote>{}</blockquote>\n",
                    crate::render::zip::xml(&head).replace('\n', "<br>"),
                    html::paragraphs(&SPONSOR_TEXT.lines().map(str::to_string).collect::<Vec<_>>())
                ));
            }
            l.subject = format!(
                "{} NHSmail account application",
                if s.client == Client::Outlook {
                    "RE:"
                } else {
                    "Re:"
                }
            );
            l.in_reply_to = Some("<sponsor-0042@xyzicb.example>".into());
            mail::write(&l, s, r)
        }
        Wrapping::QuotedForm => {
            let head = quote_header(s.client, &applicant, date_said, &l.subject, SPONSOR);
            let note = "Hello,\n\nI have not heard back about our application below - could you confirm you received it? I have attached our documents again.\n\nThanks";
            let old = std::mem::take(&mut l.text);
            let q = if s.client == Client::Outlook {
                old.clone()
            } else {
                quoted(Client::Gmail, &old)
            };
            l.text = format!("{note}\n\n{head}\n{q}");
            if let Some(h) = &l.html {
                l.html = Some(format!(
                    "{}<hr>\n<p>{}</p>\n<blockquote>{h}</blockquote>\n",
                    html::paragraphs(&note.lines().map(str::to_string).collect::<Vec<_>>()),
                    crate::render::zip::xml(&head).replace('\n', "<br>")
                ));
            }
            l.subject = format!("Re: {}", l.subject);
            l.in_reply_to = Some(format!(
                "<first-{}@{}>",
                r.digits(6),
                l.from_addr.split('@').nth(1).unwrap_or("x")
            ));
            mail::write(&l, s, r)
        }
        Wrapping::ForwardAttached | Wrapping::ForwardInline => {
            l.to = "Care Homes Team <carehomes.team@xyzicb.example>".into();
            let colleague = Letter {
                from_name: "Mark Dawson".into(),
                from_addr: "mark.dawson@xyzicb.example".into(),
                to: SPONSOR.into(),
                subject: format!("FW: {}", l.subject),
                date: "Thu, 27 Jun 2024 16:25:00 +0100".into(),
                text: String::new(),
                html: None,
                attachments: vec![],
                messages: vec![],
                in_reply_to: None,
            };
            let note = "Hi,\n\nPlease see the application below, which was sent to the care homes team.\n\nThanks\nMark\n\nMark Dawson\nDigital Care Homes Lead\nXYZ Integrated Care Board";
            let outer_style = Style {
                client: Client::Outlook,
                ..*s
            };
            if w == Wrapping::ForwardAttached {
                let (inner, _) = mail::write(&l, s, r);
                let c = Letter {
                    text: note.replace("below", "attached"),
                    messages: vec![inner],
                    ..colleague
                };
                let (out, _) = mail::write(&c, &outer_style, r);
                // The inner message's charset is the one recorded.
                let cs = crate::mime::text_part(
                    "plain",
                    &l.text,
                    s.charset.name(),
                    s.encoding.name(),
                    false,
                )
                .1;
                (out, cs)
            } else {
                let head = format!(
                    "---------- Forwarded message ---------\nFrom: {applicant}\nDate: {date_said}\nSubject: {}\nTo: <carehomes.team@xyzicb.example>\n",
                    l.subject
                );
                let text = format!("{note}\n\n{head}\n\n{}", l.text);
                let html = l.html.as_ref().map(|h| {
                    format!(
                        "{}<p>{}</p>\n{h}",
                        html::paragraphs(&note.lines().map(str::to_string).collect::<Vec<_>>()),
                        crate::render::zip::xml(&head).replace('\n', "<br>")
                    )
                });
                let c = Letter {
                    text,
                    html,
                    attachments: l.attachments.clone(),
                    ..colleague
                };
                mail::write(&c, s, r)
            }
        }
    }
}
