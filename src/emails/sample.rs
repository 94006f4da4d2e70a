//! A context with every variable the templates use, filled with sample
//! values: `check-config` renders each template with it, and the tests do.

/// Sample data that exercises every template variable.
pub fn sample_context() -> tera::Context {
    let mut c = tera::Context::new();
    c.insert("sponsor", &serde_json::json!({"name": "Sample ICB", "display_name": "NHSmail Sponsorship", "address": "sponsor@example.org", "helpdesk_telephone": "0113 496 0000"}));
    c.insert("reference", "LSM-2026-0001");
    c.insert("applicant_name", "Jane Smith");
    c.insert("care_home_name", "Rose Hill Care Home");
    c.insert("complete", &false);
    c.insert("working_days", &10);
    c.insert("due_date", "Monday 7 December 2026");
    c.insert("missing", &serde_json::json!([{"field": "cqc_registration_number", "message": "Please give your CQC registration number."}]));
    c.insert("folder", "Quarantine");
    c.insert(
        "first_lines",
        "Hello, how do we get NHSmail for our care home?",
    );
    c.insert("reason", "sample");
    c.insert("message", &serde_json::json!({"from": "someone@example.org", "subject": "Sample", "received_at": "2026-11-23T10:00:00Z"}));
    c.insert("from", "someone@example.org");
    c.insert("subject", "Sample");
    c.insert("received_at", "2026-11-23T10:00:00Z");
    c.insert("contact_address", "manager@home.example");
    c.insert("state", "ready_for_decision");
    c.insert("due_date_short", "7 Dec");
    c.insert("decision_code", "0123456789ab");
    c.insert(
        "linked",
        &serde_json::json!({"reference": "LSM-2026-0000", "state": "approved"}),
    );
    c.insert("head_office", &true);
    c.insert("home", &serde_json::json!({"name": "Rose Hill Care Home", "address": "1 Rose Hill, Leeds, LS6 2AB", "telephone": "0113 496 0000"}));
    c.insert("applicant", &serde_json::json!({"name": "Jane Smith", "role": "Registered Manager", "email": "jane@home.example"}));
    c.insert("cqc_id", "1-123456789");
    c.insert("cqc_link", "https://www.cqc.org.uk/location/1-123456789");
    c.insert("registers", &serde_json::json!({"outcome": "checked", "words": "checked", "checked_on": "2026-11-23",
        "rows": [{"section": "CQC", "label": "Name", "label_padded": "Name:                ", "form": "Rose Hill", "register": "Rose Hill Care Home", "differs": false, "agrees": true},
                 {"section": "DSPT", "label": "DSPT status", "label_padded": "DSPT status:         ", "form": "completed (Yes)", "register": "Standards Met (2025-26, site VN4AB)", "differs": false, "agrees": true}],
        "unreachable": ["ODS: no answer in time"], "dspt_stands_in": true,
        "notices": ["The form names the care home 'Rose Hill' but the CQC register calls it 'Oak Lodge'."]}));
    c.insert(
        "before",
        "could not check (the CQC register could not be reached)",
    );
    c.insert("ig", &serde_json::json!({"answer": "Yes", "report": true}));
    c.insert(
        "existing",
        &serde_json::json!({"answer": "No", "addresses": []}),
    );
    c.insert(
        "secure",
        &serde_json::json!({"answer": "Yes", "reason": "Discharge summaries"}),
    );
    c.insert("accounts_requested", &2);
    let user = serde_json::json!({"display_name": "Jane Smith", "email_alias": "jane.smith@nhs.net", "mobile": "07700 900123"});
    c.insert("users", &serde_json::json!([user]));
    c.insert("left_out", &serde_json::json!(["Tom Jones"]));
    c.insert("business_justification", "Three shifts");
    c.insert("shared", &serde_json::json!({"requested": "RoseHill", "display_name": "RoseHill", "email_address": "icb.rosehillleeds@nhs.net", "owner": "Jane Smith", "owner_mobile": "07700 900123"}));
    c.insert("shared_mailbox", &serde_json::json!({"display_name": "RoseHill", "email_address": "icb.rosehillleeds@nhs.net"}));
    c.insert("notices", &serde_json::json!([{"code": "accounts_over_limit", "message": "Five accounts asked for."}]));
    c.insert("read", &serde_json::json!({"any": true, "care_home_name": "Rose Hill Care Home", "care_home_address": "1 Rose Hill, Leeds, LS6 2AB",
        "care_home_telephone": "0113 496 0000", "cqc_registration_number": "1-123456789", "applicant_name": "Jane Smith", "applicant_role": "Registered Manager",
        "applicant_email": "jane@home.example", "individual_accounts_requested": 1, "accounts": [{"name": "Jane Smith", "account": "jane.smith", "mobile": "07700 900123"}],
        "shared_mailbox": {"name": "RoseHill", "owner": "Jane Smith", "owner_mobile": "07700 900123"}}));
    c.insert("guessed", &["care_home_telephone", "shared_mailbox_name"]);
    let change = serde_json::json!([{"field": "cqc_registration_number", "old": "1-111111111", "new": "1-123456789"}]);
    c.insert("changes", &change);
    c.insert("corrections", &change);
    c.insert("unreadable", &serde_json::json!([{"filename": "form.pdf", "code": "password", "reason": "the file is protected with a password"}]));
    c.insert("form_unread", &true);
    c.insert(
        "form_missing",
        &["applicant_name", "cqc_registration_number"],
    );
    c.insert("report_missing", &true);
    c.insert("please_check", &serde_json::json!([{"field": "care_home_telephone", "value": "0113 496 0000", "why": "layout",
        "reason": "it had no label of its own and was read from where it stands", "place": "form.docx, table 1 row 3"}]));
    c.insert("limited_to_four", &true);
    c.insert("mailboxes_requested", &5);
    c.insert("note", "Approved at the meeting");
    c.insert("secure_email_link", "https://example.org/secure-email");
    c.insert("helpdesk_telephone", "0113 496 0000");
    c.insert("password_arrangement", "by telephone");
    // Scheduled jobs (issue 5).
    c.insert("cases", &serde_json::json!([{"reference": "LSM-2026-0001", "care_home_name": "Rose Hill Care Home", "due_date": "Monday 7 December 2026", "days_overdue": 6, "escalated": true, "approve_command": "sponsor-intake cases approve LSM-2026-0001", "reject_command": "sponsor-intake cases reject LSM-2026-0001 --reason \"...\""}]));
    c.insert("escalated", &true);
    c.insert("escalate_after", &5);
    c.insert("opened_date", "Monday 23 November 2026");
    c.insert("chaser_number", &2);
    c.insert("final_chaser", &true);
    c.insert("lapse_date", "Monday 14 December 2026");
    c.insert("week_from", "Monday 30 November 2026");
    c.insert("week_to", "Monday 7 December 2026");
    c.insert("counts", &serde_json::json!({"received": 4, "completed": 3, "awaiting_information": 2, "awaiting_decision": 1, "decided": 3, "approved": 2, "rejected": 1, "overdue": 1}));
    c.insert("median_working_days", "4.0");
    c.insert("token", "0123456789abcdef0123456789abcdef");
    c.insert("sent_at", "2026-12-07T09:00:00.000Z");
    c.insert("timeout_minutes", &30);
    // Credential health (issue 6).
    c.insert("mailbox", "nhsmail.sponsor@xyzicb.example");
    c.insert("lapses_on", "Monday 7 December 2026");
    c.insert("left", "12 days");
    // Emails held over the per-recipient limit.
    c.insert("recipient", "manager@home.example");
    c.insert("purpose", "follow-up");
    c.insert("created_at", "2026-12-07T09:00:00.000Z");
    c.insert("limit", &10);
    c.insert("message_id", "receipt.0123456789abcdef@example.org");
    c
}
