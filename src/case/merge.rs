//! Merging a care home's follow-up into its case: values it supplies fill
//! the gaps, a value that differs replaces the earlier one, and every change
//! is listed for the history.

use crate::form::{Form, Provenance};
use serde_json::{Map, Value};

/// One field that a follow-up filled or changed.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Change {
    pub field: String,
    /// The earlier value (`null` when the follow-up filled a gap).
    pub old: Value,
    pub new: Value,
}

fn given(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Array(a) => !a.is_empty(),
        Value::String(s) => !s.trim().is_empty(),
        _ => true,
    }
}

fn as_map(form: &Form) -> Map<String, Value> {
    match serde_json::to_value(form) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// The case's form after a follow-up, its provenance, and what changed.
pub fn merge(
    base: &Form,
    base_from: &Provenance,
    update: &Form,
    update_from: &Provenance,
) -> (Form, Provenance, Vec<Change>) {
    let mut merged = as_map(base);
    let mut provenance = base_from.clone();
    let mut changes = Vec::new();
    for (key, new) in as_map(update) {
        if !given(&new) {
            continue;
        }
        let old = merged.get(&key).cloned().unwrap_or(Value::Null);
        if old == new {
            continue;
        }
        if let Some(field) = crate::form::Field::from_key(&key) {
            match update_from.get(&field) {
                Some(origin) => provenance.insert(field, origin.clone()),
                None => provenance.remove(&field),
            };
        }
        changes.push(Change {
            field: key.clone(),
            old,
            new: new.clone(),
        });
        merged.insert(key, new);
    }
    let form = serde_json::from_value(Value::Object(merged)).unwrap_or_else(|_| base.clone());
    (form, provenance, changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{Field, Origin};

    #[test]
    fn fills_gaps_and_keeps_what_the_follow_up_does_not_mention() {
        let base = Form {
            applicant_name: Some("Jane Smith".into()),
            care_home_telephone: None,
            ..Form::default()
        };
        let update = Form {
            care_home_telephone: Some("0113 496 0000".into()),
            ..Form::default()
        };
        let mut from = Provenance::new();
        from.insert(
            Field::CareHomeTelephone,
            Origin::new("email body", "line 3"),
        );
        let (form, prov, changes) = merge(&base, &Provenance::new(), &update, &from);
        assert_eq!(form.applicant_name.as_deref(), Some("Jane Smith"));
        assert_eq!(form.care_home_telephone.as_deref(), Some("0113 496 0000"));
        assert_eq!(
            prov.get(&Field::CareHomeTelephone)
                .map(|o| o.place.as_str()),
            Some("line 3")
        );
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].old, Value::Null);
    }

    #[test]
    fn a_different_value_replaces_the_earlier_one_and_is_recorded() {
        let base = Form {
            cqc_registration_number: Some("1-111111111".into()),
            ..Form::default()
        };
        let update = Form {
            cqc_registration_number: Some("1-222222222".into()),
            ..Form::default()
        };
        let (form, _, changes) = merge(&base, &Provenance::new(), &update, &Provenance::new());
        assert_eq!(form.cqc_registration_number.as_deref(), Some("1-222222222"));
        assert_eq!(changes[0].old, Value::String("1-111111111".into()));
    }

    #[test]
    fn the_same_value_again_is_no_change() {
        let base = Form {
            ig_toolkit_completed: Some(true),
            ..Form::default()
        };
        let (_, _, changes) = merge(&base, &Provenance::new(), &base.clone(), &Provenance::new());
        assert!(changes.is_empty());
    }
}
