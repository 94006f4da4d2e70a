//! The one matching stage: labelled values in [`Document`]s, whatever their
//! format, become the form's fields. It understands "Label: value" in a line
//! or a cell, a label cell with its value to the right or below, a question
//! line answered on the following lines, accounts tables, and answers that
//! hold several things (see [`super::accounts`]).

use super::document::{Block, Document};
use super::fields::{Slot, is_form_specific};
use super::{Form, Origin, Provenance};
use build::Builder;
use lines::{Line, text_candidates};
use sentences::values_in_sentences;
use std::collections::HashSet;
use tables::table_candidates;

/// A label found with what was written for it.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Candidate {
    pub(super) slot: Slot,
    /// The answer (lines joined with `\n`); may be empty.
    pub(super) value: String,
    /// Further cells in the same row after the answer (a reason, addresses).
    pub(super) extras: Vec<String>,
    pub(super) origin: Origin,
}

/// The labelled values found in one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matched {
    candidates: Vec<Candidate>,
    /// For each candidate, how many different questions its part of the
    /// document (a table, a sheet, a run of text) answers: the fuller part
    /// of a form wins over a summary sheet or a covering note.
    strengths: Vec<usize>,
}

impl Matched {
    /// How many different questions only the application form asks.
    pub fn specific_questions(&self) -> usize {
        self.candidates
            .iter()
            .map(|c| c.slot)
            .filter(|s| is_form_specific(*s))
            .collect::<HashSet<_>>()
            .len()
    }

    /// How many different form questions the document carries: a document
    /// with several is the application form, whatever its name or type.
    pub fn questions(&self) -> usize {
        self.candidates
            .iter()
            .map(|c| c.slot)
            .collect::<HashSet<_>>()
            .len()
    }
}

/// Finds the form's labels and answers in one document.
pub fn match_document(doc: &Document) -> Matched {
    let found = document_candidates(doc);
    let mut slots: Vec<HashSet<Slot>> = Vec::new();
    for (region, c) in &found {
        if slots.len() <= *region {
            slots.resize_with(region + 1, HashSet::new);
        }
        if let Some(set) = slots.get_mut(*region) {
            set.insert(c.slot);
        }
    }
    let strengths = found
        .iter()
        .map(|(region, _)| slots.get(*region).map_or(0, HashSet::len))
        .collect();
    Matched {
        candidates: found.into_iter().map(|(_, c)| c).collect(),
        strengths,
    }
}

/// Reads the form's fields out of the documents of one message. Earlier
/// documents win where two give the same field.
pub fn extract(docs: &[Document]) -> (Form, Provenance) {
    let matched: Vec<Matched> = docs.iter().map(match_document).collect();
    extract_matched(docs.iter().zip(&matched))
}

/// As [`extract`], for documents already matched.
pub fn extract_matched<'a>(
    docs: impl IntoIterator<Item = (&'a Document, &'a Matched)> + Clone,
) -> (Form, Provenance) {
    let mut ranked: Vec<(usize, &Candidate)> = docs
        .clone()
        .into_iter()
        .flat_map(|(_, m)| m.strengths.iter().copied().zip(&m.candidates))
        .collect();
    // Stable: within equal strength, document and reading order decide.
    ranked.sort_by_key(|(strength, _)| std::cmp::Reverse(*strength));
    let mut built = Builder::default();
    for (strength, c) in ranked {
        built.take(c, strength);
    }
    values_in_sentences(docs.into_iter().map(|(d, _)| d), &mut built);
    built.finish()
}

/// How many different form questions a document carries.
pub fn form_questions(doc: &Document) -> usize {
    match_document(doc).questions()
}

/// The candidates of a document, each with the number of its region: a
/// table, or a run of text between tables.
fn document_candidates(doc: &Document) -> Vec<(usize, Candidate)> {
    let mut out = Vec::new();
    let mut region = 0;
    let mut found = Vec::new();
    let mut take = |found: &mut Vec<Candidate>, region: &mut usize| {
        if !found.is_empty() {
            out.extend(found.drain(..).map(|c| (*region, c)));
            *region += 1;
        }
    };
    let mut lines: Vec<Line> = Vec::new();
    for block in &doc.blocks {
        match block {
            Block::Text { text, place } => {
                for part in text.split('\n') {
                    lines.push(Line { text: part, place });
                }
            }
            Block::Table { rows, .. } => {
                text_candidates(&doc.source, &lines, &mut found);
                take(&mut found, &mut region);
                lines.clear();
                table_candidates(&doc.source, rows, &mut found);
                take(&mut found, &mut region);
            }
        }
    }
    text_candidates(&doc.source, &lines, &mut found);
    take(&mut found, &mut region);
    out
}

mod build;
mod labels;
mod lines;
mod sentences;
mod tables;
#[cfg(test)]
mod tests;
