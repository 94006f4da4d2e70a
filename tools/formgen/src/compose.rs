//! Puts a draw together: the form in its format, the report beside it,
//! the covering email, the reply or forward around it; and the expected
//! parse and the dimension values that go with it.

use crate::expected;
use crate::layout;
use crate::mail::{Attachment, Letter, SPONSOR};
use crate::mime;
use crate::render::{csv, docx, html, ods, pdf, xlsx};
use crate::rng::Rng;
use crate::style::{Format, Style, Wrapping};
use crate::truth::{Kind, Report, Truth};
use serde_json::{Value, json};

/// A rendered draw.
pub struct Rendered {
    pub eml: Vec<u8>,
    pub expected: Value,
    pub dimensions: Value,
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const ODS: &str = "application/vnd.oasis.opendocument.spreadsheet";

fn date(r: &mut Rng) -> (String, String) {
    let day = r.range(3, 28);
    let dow = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][((day - 3) % 7) as usize];
    let (h, m, s) = (r.range(8, 17), r.range(0, 59), r.range(0, 59));
    (
        format!("{dow}, {day:02} Jun 2024 {h:02}:{m:02}:{s:02} +0100"),
        format!("{dow} {day} Jun 2024 at {h:02}:{m:02}"),
    )
}

fn form_file(t: &Truth, s: &Style, entries: &[layout::Entry], r: &mut Rng) -> Option<Attachment> {
    let home = &t.home_short;
    let dash = if r.chance(25) { "–" } else { "-" };
    let stem = match r.below(3) {
        0 => format!("NHSmail application form {dash} {home}"),
        1 => format!("{home} NHSmail application"),
        _ => "Appendix 1 application form".to_string(),
    };
    let grid = || layout::grid(entries, s);
    // No strike-through in spreadsheets, CSV or this PDF: the word is deleted.
    let plain_grid = || layout::map_grid(&grid(), layout::deleted);
    let (ext, ct, data) = match s.format {
        Format::DocxTable => (
            "docx",
            DOCX,
            docx::table("NHSmail account application form", &grid()),
        ),
        Format::DocxParagraphs => ("docx", DOCX, docx::paragraphs(&layout::lines(entries, s))),
        Format::Xlsx => ("xlsx", XLSX, xlsx::xlsx(&plain_grid())),
        Format::Ods => ("ods", ODS, ods::ods(&plain_grid())),
        Format::Csv => {
            let text = csv::csv(&plain_grid());
            let data = match mime::encode_charset(&text, "windows-1252") {
                Some(b) if r.chance(50) => b,
                _ => [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
            };
            let ct = if r.chance(50) {
                "text/csv"
            } else {
                "application/vnd.ms-excel"
            };
            ("csv", ct, data)
        }
        Format::Pdf => (
            "pdf",
            "application/pdf",
            pdf::pdf(
                &pdf::Page::from_grid(&plain_grid()),
                "NHSmail account application form",
            ),
        ),
        Format::Text | Format::Html => return None,
    };
    Some(Attachment {
        filename: format!("{stem}.{ext}"),
        content_type: ct.to_string(),
        data,
    })
}

fn report_file(t: &Truth, r: &mut Rng) -> Option<(Attachment, &'static str)> {
    let home = &t.home_short;
    let (name, lines, role) = match t.report {
        Report::None => return None,
        Report::Named | Report::Scan => {
            let dspt = r.chance(50);
            let title = if dspt {
                "Data Security and Protection Toolkit"
            } else {
                "Information Governance Toolkit"
            };
            let name = if t.report == Report::Scan {
                "scan0001.pdf".to_string()
            } else if dspt {
                r.pick(&[
                    format!("{home} DSPT Assessment Report.pdf"),
                    "DSPT report 2023-24.pdf".to_string(),
                ])
                .clone()
            } else {
                r.pick(&[
                    "IG Toolkit Assessment Report.pdf".to_string(),
                    format!("IGT assessment report - {home}.pdf"),
                ])
                .clone()
            };
            let status = if t.ig == Some(false) {
                "Approaching Standards"
            } else {
                "Standards Met"
            };
            let lines = vec![
                title.to_string(),
                "Assessment Report".into(),
                format!("Organisation: {home}"),
                format!("Status: {status}"),
                "Published: 12/03/2024".into(),
            ];
            (name, lines, "ig_assessment_report")
        }
        Report::CertificateOnly => {
            let mut lines: Vec<String> =
                crate::pools::CQC_CERT.lines().map(str::to_string).collect();
            lines.push(format!("Provider: {home}"));
            (
                "CQC registration certificate.pdf".to_string(),
                lines,
                "other",
            )
        }
    };
    let data = pdf::pdf(&pdf::Page::from_lines(&lines), &lines[0]);
    Some((
        Attachment {
            filename: name,
            content_type: "application/pdf".into(),
            data,
        },
        role,
    ))
}

fn signature(t: &Truth) -> String {
    let mut s = format!("{} {}", t.first, t.last);
    if let Some(h) = t.care_home_name.value() {
        s.push('\n');
        s.push_str(h);
    }
    s
}

/// Renders `t` as `s` says; `seed` drives the remaining small choices.
pub fn render(t: &Truth, s: &Style, seed: u64) -> Rendered {
    let mut r = Rng::new(seed);
    let mut lr = r.fork();
    let mut mr = r.fork();
    if t.kind != Kind::Application {
        return not_an_application(t, s, &mut mr);
    }
    let entries = layout::entries(t, s, &mut lr);
    let form = form_file(t, s, &entries, &mut lr);
    let report = report_file(t, &mut lr);
    let mut roles: Vec<(String, &'static str)> = vec![];
    let mut attachments = vec![];
    if let Some(f) = &form {
        roles.push((f.filename.clone(), "application_form"));
        attachments.push(f.clone());
    }
    if let Some((a, role)) = &report {
        roles.push((a.filename.clone(), role));
        attachments.push(a.clone());
    }
    let has_report = matches!(t.report, Report::Named | Report::Scan);
    let greeting = *lr.pick(&["Dear Sir/Madam,", "Hello,", "Hi,", "Good morning,"]);
    let sign = format!(
        "{}\n\n{}",
        lr.pick(&["Kind regards,", "Many thanks", "Regards"]),
        signature(t)
    );
    let (text, html_fragment) = match s.format {
        Format::Text => {
            let lines: Vec<String> = layout::lines(&entries, s)
                .iter()
                .map(|l| layout::deleted(l))
                .collect();
            let intro = if has_report {
                "Our application for NHSmail is below, and our assessment report is attached."
            } else {
                "Our application for NHSmail is below."
            };
            (
                format!(
                    "{greeting}\n\n{intro}\n\n{}\n\n{sign}",
                    lines.join("\n").trim_end()
                ),
                None,
            )
        }
        Format::Html => {
            let grid = layout::grid(&entries, s);
            let intro = "Please see our NHSmail application below.";
            let text = format!(
                "{greeting}\n\n{intro}\n\n{}\n\n{sign}",
                html::table_as_text(&layout::map_grid(&grid, layout::unstruck)).join("\n")
            );
            let frag = format!(
                "<p>{greeting}</p>\n<p>{intro}</p>\n{}<p>{}</p>\n",
                html::table(&grid),
                sign.replace("\n\n", "<br>").replace('\n', "<br>")
            );
            (text, Some(frag))
        }
        _ => {
            let what = if has_report {
                "our completed NHSmail account application form and a copy of our IG Toolkit assessment report"
            } else {
                "our completed NHSmail account application form"
            };
            (
                format!("{greeting}\n\nPlease find attached {what}.\n\n{sign}"),
                None,
            )
        }
    };
    let (date_hdr, date_said) = date(&mut mr);
    let applicant_addr = format!(
        "{}@{}",
        t.first.to_lowercase().replace(['ë', 'é'], "e"),
        t.domain
    );
    let letter = Letter {
        from_name: format!("{} {}", t.first, t.last),
        from_addr: applicant_addr.clone(),
        to: SPONSOR.to_string(),
        subject: format!("NHSmail application - {}", t.home_short),
        date: date_hdr.clone(),
        text,
        html: html_fragment,
        attachments,
        messages: vec![],
        in_reply_to: None,
    };
    let body_form = matches!(s.format, Format::Text | Format::Html);
    let wrapping = match s.wrapping {
        Wrapping::QuotedForm if !body_form => Wrapping::Reply,
        w => w,
    };
    let (eml, charset) = crate::wrap::wrap(letter, s, wrapping, &date_said, &mut mr);
    let mut dims = serde_json::Map::new();
    for (k, v) in s.dimensions() {
        dims.insert(k.into(), json!(v));
    }
    dims.insert("charset".into(), json!(charset));
    dims.insert("wrapping".into(), json!(wrapping.name()));
    let scenario: Vec<&str> = if t.scenario.is_empty() {
        vec!["complete"]
    } else {
        t.scenario.clone()
    };
    dims.insert("scenario".into(), json!(scenario));
    dims.insert("kind".into(), json!("application"));
    let description = format!(
        "formgen: {} / {} / labels {} / answers {} / accounts {} / {}; scenario {}",
        s.format.name(),
        s.layout.name(),
        s.labels.name(),
        s.answers.name(),
        s.accounts.name(),
        wrapping.name(),
        scenario.join(", ")
    );
    let expected = expected::expected(t, &description, &roles);
    Rendered {
        eml: mime::to_bytes(&eml),
        expected,
        dimensions: Value::Object(dims),
    }
}

/// An auto-reply, a bounce or a message with no form: only the mail
/// program's dimensions apply.
fn not_an_application(t: &Truth, s: &Style, r: &mut Rng) -> Rendered {
    let (date_hdr, _) = date(r);
    let (eml, charset) = crate::other::render(t, s, &date_hdr, r);
    let mut dims = serde_json::Map::new();
    dims.insert("kind".into(), json!(t.kind.name()));
    dims.insert("client".into(), json!(s.client.name()));
    dims.insert("charset".into(), json!(charset));
    dims.insert("encoding".into(), json!(s.encoding.name()));
    dims.insert("scenario".into(), json!([t.kind.name()]));
    let description = format!("formgen: {} from {}", t.kind.name(), s.client.name());
    Rendered {
        eml: mime::to_bytes(&eml),
        expected: expected::expected(t, &description, &[]),
        dimensions: Value::Object(dims),
    }
}
