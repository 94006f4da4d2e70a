//! The labelled-value structure every reader produces, whatever the format:
//! text lines and tables of cells, each with its place. One matching stage
//! (`extract`) turns it into a [`Form`](super::Form).
//!
//! Readers normalise presentation so that matching never needs to know the
//! format: struck-through text is removed (a struck option is the one not
//! chosen), checked and unchecked boxes become `☒` and `☐`, line breaks
//! inside a cell or paragraph become `\n`, non-breaking spaces become spaces.

/// What a reader made of one attachment or body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    /// The attachment's file name, or `email body`.
    pub source: String,
    /// Text and tables in reading order.
    pub blocks: Vec<Block>,
}

/// A paragraph or a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A paragraph or a line of text (may hold `\n` for soft breaks).
    Text { text: String, place: String },
    /// A table (a Word table, an HTML table, a sheet, a CSV file), as rows
    /// of cells. Rows may differ in length. Empty cells are kept as empty
    /// strings so that columns line up.
    Table { rows: Vec<Vec<Cell>>, place: String },
}

/// One table cell.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    /// The cell's text; several paragraphs are joined with `\n`.
    pub text: String,
    /// Where it is: `Sheet1!B7`, `table 1, row 3, cell 2`.
    pub place: String,
}

impl Cell {
    pub fn new(text: impl Into<String>, place: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            place: place.into(),
        }
    }
}

impl Document {
    pub fn new(source: impl Into<String>) -> Self {
        Document {
            source: source.into(),
            blocks: Vec::new(),
        }
    }

    /// Appends a paragraph, skipping empty ones.
    pub fn push_text(&mut self, text: impl Into<String>, place: impl Into<String>) {
        let text = text.into();
        if !text.trim().is_empty() {
            self.blocks.push(Block::Text {
                text,
                place: place.into(),
            });
        }
    }

    /// All the text, for classifying a document by its content (roles).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Text { text, .. } => {
                    out.push_str(text);
                    out.push('\n');
                }
                Block::Table { rows, .. } => {
                    for row in rows {
                        for cell in row {
                            out.push_str(&cell.text);
                            out.push('\t');
                        }
                        out.push('\n');
                    }
                }
            }
        }
        out
    }
}
