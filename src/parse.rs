//! The whole reading of one email: classify it, read every body and
//! attachment, extract the form, validate it. `sponsor-intake parse` prints
//! exactly this; the daemon's intake runs exactly this.

use crate::findings::{self, Finding};
use crate::form::readers::Limits;
use crate::form::{Form, Provenance};
use crate::message::{Attachment, Envelope, Kind};

/// The result of reading one email.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub kind: Kind,
    pub envelope: Envelope,
    pub form: Form,
    pub provenance: Provenance,
    pub attachments: Vec<Attachment>,
    pub findings: Vec<Finding>,
    pub complete: bool,
}

/// Reads and judges one raw RFC 5322 message. Never panics on bad input.
pub fn parse(_raw: &[u8], _limits: &Limits) -> Parsed {
    let form = Form::default();
    let findings = Vec::new();
    Parsed {
        kind: Kind::Other,
        envelope: Envelope::default(),
        complete: findings::is_complete(&findings),
        form,
        provenance: Provenance::new(),
        attachments: Vec::new(),
        findings,
    }
}

impl Parsed {
    /// The contract's JSON object (`../shared/contract/parse-output.md`),
    /// with `provenance` as an extra key.
    pub fn to_contract_json(&self, source: &str) -> serde_json::Value {
        let provenance: serde_json::Map<String, serde_json::Value> = self
            .provenance
            .iter()
            .map(|(field, origin)| {
                (
                    field.key().to_string(),
                    serde_json::Value::String(origin.to_string()),
                )
            })
            .collect();
        serde_json::json!({
            "source": source,
            "kind": self.kind.as_str(),
            "form": self.form,
            "attachments": self.attachments,
            "findings": self.findings,
            "complete": self.complete && self.kind == Kind::Application,
            "provenance": provenance,
        })
    }
}
