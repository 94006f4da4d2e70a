//! The other messages that reach the sponsor's mailbox: out-of-office
//! replies, delivery failures, enquiries and thank-yous with no form.

use crate::mail::{self, Letter, SPONSOR};
use crate::mime::Part;
use crate::rng::Rng;
use crate::style::Style;
use crate::truth::{Kind, Truth};

/// The message for a draw whose kind is not `application`: its text (see
/// `mime::to_bytes`) and its charset.
pub fn render(t: &Truth, s: &Style, date: &str, r: &mut Rng) -> (String, String) {
    let name = format!("{} {}", t.first, t.last);
    let addr = format!(
        "{}@{}",
        t.first.to_lowercase().replace(['ë', 'é'], "e"),
        t.domain
    );
    match t.kind {
        Kind::Bounce => (bounce(&addr, date, r), "us-ascii".into()),
        Kind::AutoReply => {
            let l = letter(
                t,
                &name,
                &addr,
                date,
                "Automatic reply: NHSmail account application",
                &format!(
                    "Thank you for your email. I am out of the office until Monday {} July with limited access to email.\n\nFor urgent matters please call the home on the main number.\n\n{name}",
                    r.range(1, 28)
                ),
            );
            let (mut text, cs) = mail::write(&l, s, r);
            let header = *r.pick(&[
                "Auto-Submitted: auto-replied",
                "X-Autoreply: yes",
                "Precedence: auto_reply",
            ]);
            text = format!("{header}\r\n{text}");
            (text, cs)
        }
        _ => {
            let body = if r.chance(50) {
                format!(
                    "Hello,\n\nWe are a care home in {} and would like to apply for NHSmail. Could you tell me what we need to send and who the form should go to?\n\nThank you\n{name}",
                    t.town
                )
            } else {
                format!(
                    "Hi,\n\nThank you for setting up our NHSmail accounts, everyone has logged in now.\n\nBest wishes\n{name}"
                )
            };
            let l = letter(t, &name, &addr, date, "NHSmail", &body);
            mail::write(&l, s, r)
        }
    }
}

fn letter(t: &Truth, name: &str, addr: &str, date: &str, subject: &str, text: &str) -> Letter {
    let _ = t;
    Letter {
        from_name: name.to_string(),
        from_addr: addr.to_string(),
        to: SPONSOR.to_string(),
        subject: subject.to_string(),
        date: date.to_string(),
        text: text.to_string(),
        html: None,
        attachments: vec![],
        messages: vec![],
        in_reply_to: None,
    }
}

fn bounce(addr: &str, date: &str, r: &mut Rng) -> String {
    let b = format!("{}/{}.mx1.xyzicb.example", r.digits(8), r.digits(10));
    let text = Part::Leaf {
        headers: vec![
            "Content-Type: text/plain; charset=us-ascii".into(),
            "Content-Description: Notification".into(),
        ],
        body: format!(
            "This is the mail system at host mx1.xyzicb.example.\r\n\r\nI'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients.\r\n\r\n<{addr}>: host mail.example.org said: 550 5.1.1 User unknown"
        ),
    };
    let status = Part::Leaf {
        headers: vec![
            "Content-Type: message/delivery-status".into(),
            "Content-Description: Delivery report".into(),
        ],
        body: format!(
            "Reporting-MTA: dns; mx1.xyzicb.example\r\n\r\nFinal-Recipient: rfc822; {addr}\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown"
        ),
    };
    let original = Part::Leaf {
        headers: vec![
            "Content-Type: text/rfc822-headers".into(),
            "Content-Description: Undelivered Message Headers".into(),
        ],
        body: format!(
            "From: {SPONSOR}\r\nTo: <{addr}>\r\nSubject: Your NHSmail application: information needed\r\nDate: {date}"
        ),
    };
    let mut out = format!(
        "From: MAILER-DAEMON@mx1.xyzicb.example (Mail Delivery System)\r\nTo: {SPONSOR}\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: {date}\r\nMessage-ID: <{}@mx1.xyzicb.example>\r\nMIME-Version: 1.0\r\nAuto-Submitted: auto-replied\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"{b}\"\r\n\r\nThis is a MIME-encapsulated message.\r\n\r\n",
        r.digits(12)
    );
    for p in [text, status, original] {
        out.push_str(&format!("--{b}\r\n"));
        p.write(&mut out);
    }
    out.push_str(&format!("--{b}--\r\n"));
    out
}
