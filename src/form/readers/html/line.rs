//! Building one line of text the way a browser lays it out: runs of
//! whitespace (including non-breaking and other Unicode spaces) collapse to a
//! single space, and leading or trailing space never counts.

/// A line being filled with text from successive text nodes.
#[derive(Debug, Default)]
pub(super) struct LineBuf {
    text: String,
    space_pending: bool,
}

impl LineBuf {
    /// Appends text, collapsing whitespace.
    pub(super) fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.push_char(c);
        }
    }

    /// Appends one character; whitespace is only remembered until the next
    /// visible character so that the line never starts or ends with space.
    pub(super) fn push_char(&mut self, c: char) {
        if is_space(c) {
            self.space_pending = true;
            return;
        }
        if self.space_pending && !self.text.is_empty() {
            self.text.push(' ');
        }
        self.space_pending = false;
        self.text.push(c);
    }

    /// Marks a word boundary that has no whitespace of its own (a checkbox
    /// next to its label).
    pub(super) fn push_space(&mut self) {
        self.space_pending = true;
    }

    pub(super) fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Takes the line out, leaving the buffer empty.
    pub(super) fn take(&mut self) -> String {
        self.space_pending = false;
        std::mem::take(&mut self.text)
    }
}

/// Whitespace as far as layout is concerned. Non-breaking and typographic
/// spaces become plain spaces here, as the readers promise.
pub(super) fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{a0}' | '\u{200b}' | '\u{feff}')
}

/// The lines of one table cell: each paragraph or `<br>` starts a new line,
/// empty ones are dropped.
#[derive(Debug, Default)]
pub(super) struct CellBuf {
    lines: Vec<String>,
    pub(super) line: LineBuf,
}

impl CellBuf {
    /// Ends the current line (a `<br>` or a paragraph boundary).
    pub(super) fn break_line(&mut self) {
        let line = self.line.take();
        if !line.is_empty() {
            self.lines.push(line);
        }
    }

    /// The cell's text, lines joined with `\n`.
    pub(super) fn finish(mut self) -> String {
        self.break_line();
        self.lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_whitespace_and_nbsp() {
        let mut line = LineBuf::default();
        line.push_str("  Meadow\u{a0}\u{a0}View \n\t Leeds  ");
        assert_eq!(line.take(), "Meadow View Leeds");
        assert!(line.is_empty());
    }

    #[test]
    fn joins_text_nodes_with_one_space() {
        let mut line = LineBuf::default();
        line.push_str("Yes ");
        line.push_str(" / No");
        assert_eq!(line.take(), "Yes / No");
    }

    #[test]
    fn cell_drops_empty_lines() {
        let mut cell = CellBuf::default();
        cell.line.push_str("77 Queens Road");
        cell.break_line();
        cell.break_line();
        cell.line.push_str("\u{a0}");
        cell.break_line();
        cell.line.push_str("Leeds");
        assert_eq!(cell.finish(), "77 Queens Road\nLeeds");
    }
}
