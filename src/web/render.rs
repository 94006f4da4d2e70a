//! The console's pages: Tera templates in `<templates.directory>/web/`,
//! named `web/<file>` (as the email templates' loader also sees them), with
//! HTML autoescaped, so a care home's form text is always shown as text.

use super::WebError;
use crate::emails::tera_reason;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use std::path::Path;

/// The loaded page templates.
#[derive(Debug)]
pub struct Pages {
    tera: tera::Tera,
}

impl Pages {
    /// Loads every `.html` file of `<dir>/web/`.
    pub fn load(dir: &Path) -> Result<Pages, WebError> {
        let web = dir.join("web");
        let failed = |reason: String| WebError::Templates {
            dir: web.display().to_string(),
            reason,
        };
        let entries = std::fs::read_dir(&web).map_err(|e| failed(e.to_string()))?;
        let mut files = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| failed(e.to_string()))?.path();
            if path.extension().is_some_and(|x| x == "html") {
                let name = format!(
                    "web/{}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                );
                files.push((path, Some(name)));
            }
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.add_template_files(files)
            .map_err(|e| failed(tera_reason(&e)))?;
        Ok(Pages { tera })
    }

    /// Renders `web/<name>` with `context`.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, WebError> {
        let full = format!("web/{name}");
        self.tera
            .render(&full, context)
            .map_err(|e| WebError::Render {
                name: full,
                reason: tera_reason(&e),
            })
    }

    /// A page as a response with `status`.
    pub fn page(
        &self,
        status: StatusCode,
        name: &str,
        context: &tera::Context,
    ) -> Result<Response, WebError> {
        Ok((status, Html(self.render(name, context)?)).into_response())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pages() -> Pages {
        Pages::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")).unwrap()
    }

    fn signed_in() -> tera::Context {
        let mut c = tera::Context::new();
        c.insert("admin_email", "la@example.nhs.uk");
        c.insert("csrf_field", "csrf_token");
        c.insert("csrf_token", "t0k3n");
        c
    }

    const SCRIPT: &str = "<script>alert(1)</script>";

    #[test]
    fn the_case_page_shows_form_text_as_text() {
        let mut c = signed_in();
        c.insert(
            "case",
            &json!({
                "reference": "LSM-2026-0001", "state": "ready_for_decision",
                "care_home_name": SCRIPT, "applicant_name": "Jane", "applicant_email": null,
                "contact_address": "a@b.example", "opened_at": "2026-12-01", "due_on": null,
                "please_check": [{"field": "care_home_name", "value": SCRIPT, "reason": "guess", "place": "body"}],
                "findings": [{"severity": "missing", "message": SCRIPT}],
                "messages_in": [{"received_at": "x", "from": "a@b", "subject": SCRIPT, "kind": "application"}],
                "messages_out": [{"created_at": "x", "to": ["a@b"], "subject": "Receipt", "status": "sent"}],
                "history_intact": true,
            }),
        );
        c.insert(
            "form",
            &json!([{"key": "care_home_name", "lines": [SCRIPT, "two"], "from": "body"}]),
        );
        c.insert(
            "history",
            &json!([{"at": "x", "actor": "a", "event": "opened", "detail": SCRIPT}]),
        );
        c.insert("opened", "2026-12-01 09:00");
        c.insert("may_approve", &true);
        c.insert("may_reject", &true);
        c.insert("may_pack", &false);
        c.insert("done", &Option::<String>::None);
        let html = pages().render("case.html", &c).unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
            "{html}"
        );
        assert_eq!(
            html.matches("value=\"t0k3n\"").count(),
            3,
            "every form carries the token"
        );
        assert!(html.contains("action=\"/cases/LSM-2026-0001/approve\""));
        assert!(!html.contains("pack.csv"));
    }

    #[test]
    fn every_page_renders() {
        let p = pages();
        let mut c = signed_in();
        c.insert("counts", &json!([{"state": "approved", "n": 2}]));
        c.insert(
            "overdue",
            &json!([{"reference": "R", "care_home": SCRIPT, "date": "d", "days": 3}]),
        );
        c.insert("waiting", &json!([]));
        c.insert(
            "quarantined",
            &json!([{"at": "t", "who": "w", "subject": SCRIPT, "note": null}]),
        );
        c.insert("held", &json!([]));
        c.insert("cases", &json!([{"reference": "R", "state": "lapsed", "care_home": null, "cqc_id": null, "opened": "o", "due_on": null}]));
        c.insert("states", &["approved", "lapsed"]);
        c.insert("selected_state", "lapsed");
        c.insert("q", SCRIPT);
        c.insert("why", SCRIPT);
        c.insert("reference", "R");
        c.insert("decided_by", "administrator x@y (web console)");
        c.insert("decision", "approved");
        c.insert("decided_at", "2026-12-04 10:00");
        c.insert("token", "abc");
        for name in [
            "dashboard.html",
            "cases.html",
            "forbidden.html",
            "not_found.html",
            "already_decided.html",
            "action_refused.html",
            "sign_in.html",
        ] {
            let html = p.render(name, &c).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!html.contains("<script"), "{name}: {html}");
            assert!(html.contains("Sign out"), "{name} shows who is signed in");
        }
        let cases = p.render("cases.html", &c).unwrap();
        assert!(
            cases.contains("<option value=\"lapsed\" selected>Lapsed</option>"),
            "{cases}"
        );
        let mut anonymous = tera::Context::new();
        anonymous.insert("token", "abc");
        for name in ["signed_out.html", "sign_in_refused.html", "sign_in.html"] {
            let html = p
                .render(name, &anonymous)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!html.contains("Sign out"), "{name}");
        }
    }
}
