//! Collecting positioned characters from pdf-extract's content-stream
//! interpreter, page by page, within a time budget.

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};
use std::time::Instant;

/// One character drawn on a page, in PDF user space (y grows upwards).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Glyph {
    pub(super) x: f64,
    /// Where the next character would start.
    pub(super) end_x: f64,
    /// Baseline.
    pub(super) y: f64,
    /// Effective font size on the page.
    pub(super) size: f64,
    pub(super) text: String,
}

impl Glyph {
    pub(super) fn is_blank(&self) -> bool {
        self.text.chars().all(char::is_whitespace)
    }
}

/// The glyphs of each page read, in drawing order.
#[derive(Debug)]
pub(super) struct Collector {
    pub(super) pages: Vec<Vec<Glyph>>,
    deadline: Instant,
    /// Set when the deadline passed and reading stopped.
    pub(super) timed_out: bool,
}

impl Collector {
    pub(super) fn new(deadline: Instant) -> Self {
        Collector {
            pages: Vec::new(),
            deadline,
            timed_out: false,
        }
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        _media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.pages.push(Vec::new());
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        // Checked per glyph: pdf-extract has no other hook to stop a page
        // whose content stream is huge or loops through forms.
        if Instant::now() > self.deadline {
            self.timed_out = true;
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        // Rotated or mirrored text (watermarks, vertical labels) is not part
        // of the form's lines.
        let upright = trm.m11 > 0.0
            && trm.m22 > 0.0
            && trm.m12.abs() <= trm.m11 * 0.05
            && trm.m21.abs() <= trm.m22 * 0.05;
        let size = font_size * trm.m22;
        if !upright || !size.is_finite() || size <= 0.0 || char.is_empty() {
            return Ok(());
        }
        let advance = width * font_size * trm.m11;
        let glyph = Glyph {
            x: trm.m31,
            end_x: trm.m31
                + if advance.is_finite() {
                    advance.max(0.0)
                } else {
                    0.0
                },
            y: trm.m32,
            size,
            text: char.replace('\u{a0}', " "),
        };
        if glyph.x.is_finite()
            && glyph.y.is_finite()
            && let Some(page) = self.pages.last_mut()
        {
            page.push(glyph);
        }
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}
