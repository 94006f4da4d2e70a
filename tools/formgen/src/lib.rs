//! formgen: a generative test corpus for the sponsor-intake form reader.
//!
//! # Layout
//! - [`truth`], [`perturb`]: a draw's truth, the form as the care home
//!   means it, with items missing, deferred or wrong on purpose;
//! - [`expected`]: the expected parse of a truth, from the guidance and the
//!   parse contract (never from the reader);
//! - [`style`]: the rendering choices, one value per dimension;
//! - [`words`], [`layout`]: labels and answers as people write them, laid
//!   out as a grid or as lines;
//! - [`render`]: docx, xlsx, ods, csv, pdf, html writers;
//! - [`arrange`]: entries as a grid of cells or as lines;
//! - [`mime`], [`mail`], [`wrap`], [`other`], [`compose`]: the email around the
//!   form, replies and forwards, the messages that are not applications;
//! - [`normalise`], [`score`]: the scorer, mirroring `score-corpus`, with a
//!   breakdown by dimension.
//!
//! It shares no code with sponsor-intake: it writes forms from its own
//! knowledge of Appendix 1.
#![warn(missing_docs)]
#![allow(missing_docs)]

pub mod arrange;
pub mod compose;
pub mod expected;
pub mod layout;
pub mod mail;
pub mod mime;
pub mod normalise;
pub mod other;
pub mod perturb;
pub mod pools;
pub mod render;
pub mod rng;
pub mod score;
pub mod style;
pub mod truth;
pub mod words;
pub mod wrap;

use rng::Rng;
use serde_json::Value;
use std::path::Path;

/// One generated sample.
pub struct Sample {
    pub name: String,
    pub eml: Vec<u8>,
    pub expected: Value,
    pub dimensions: Value,
}

/// Draw `index` of the corpus seeded with `seed`.
pub fn sample(seed: u64, index: u64) -> Sample {
    sample_with(seed, index, Mode::Drawn)
}

/// How the rendering of each draw is chosen (the truths are the same).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Every dimension drawn: the corpus.
    Drawn,
    /// The plainest rendering: tells the reader's trouble with the truths
    /// from its trouble with the renderings.
    Plain,
    /// The plainest rendering but for one dimension: that value's effect alone.
    OneOff,
}

/// Draw `index`, rendered as `mode` says.
pub fn sample_with(seed: u64, index: u64, mode: Mode) -> Sample {
    let mut r = Rng::for_draw(seed, index);
    let truth = truth::draw(&mut r.fork());
    let mut sr = r.fork();
    let drawn = style::Style::draw(&mut sr);
    let style = match mode {
        Mode::Drawn => drawn,
        Mode::Plain => style::Style::plain(),
        Mode::OneOff => style::Style::one_off(&mut sr),
    };
    let name = format!(
        "{:04}-{}-{}",
        index + 1,
        if truth.kind == truth::Kind::Application {
            style.format.name().replace('_', "-")
        } else {
            "mail".into()
        },
        truth
            .scenario
            .first()
            .copied()
            .unwrap_or("complete")
            .replace('_', "-")
    );
    let out = compose::render(&truth, &style, r.next_u64());
    Sample {
        name,
        eml: out.eml,
        expected: out.expected,
        dimensions: out.dimensions,
    }
}

/// Writes `count` samples and `dimensions.json` into `dir`.
pub fn generate(seed: u64, count: u64, dir: &Path) -> std::io::Result<()> {
    generate_with(seed, count, dir, Mode::Drawn)
}

/// [`generate`], the renderings chosen as `mode` says.
pub fn generate_with(seed: u64, count: u64, dir: &Path, mode: Mode) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut dims = serde_json::Map::new();
    for i in 0..count {
        let s = sample_with(seed, i, mode);
        std::fs::write(dir.join(format!("{}.eml", s.name)), &s.eml)?;
        let exp = serde_json::to_string_pretty(&s.expected).map_err(std::io::Error::other)?;
        std::fs::write(dir.join(format!("{}.expected.json", s.name)), exp + "\n")?;
        dims.insert(s.name, s.dimensions);
    }
    let text = serde_json::to_string_pretty(&Value::Object(dims)).map_err(std::io::Error::other)?;
    std::fs::write(dir.join("dimensions.json"), text + "\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        for i in 0..30 {
            let (a, b) = (super::sample(5, i), super::sample(5, i));
            assert_eq!(a.name, b.name);
            assert_eq!(a.eml, b.eml);
            assert_eq!(a.expected, b.expected);
        }
    }
}
