//! One pass over the parsed DOM (open and close edges, no recursion, so a
//! deeply nested hostile document cannot overflow the stack), turning it
//! into blocks labelled with the part of the thread they belong to.

use super::Part;
use super::line::{CellBuf, LineBuf};
use super::quote::{self, HeaderField, Marker};
use super::style;
use crate::form::document::{Block, Cell};
use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::node::Element;
use scraper::{Html, Node};

/// Walks the whole document and returns its blocks in reading order.
pub(super) fn walk(dom: &Html) -> Vec<(Part, Block)> {
    let mut walker = Walker::default();
    for edge in dom.tree.root().traverse() {
        match edge {
            Edge::Open(node) => walker.open(node),
            Edge::Close(node) => walker.close(node),
        }
    }
    walker.finish()
}

/// An element that changes which part of the thread its content is in.
#[derive(Debug)]
struct Frame {
    /// The element that opened it; `None` for the whole document.
    node: Option<NodeId>,
    part: Part,
    /// The `Subject:` of the header block this section started with.
    subject: Option<String>,
    /// A Gmail-style quote container, reply or forward depending on its
    /// first line.
    undecided: bool,
}

/// A table being read as a table (layout tables only mark line boundaries).
#[derive(Debug)]
struct Table {
    node: NodeId,
    number: usize,
    part: Part,
    rows: Vec<Vec<Cell>>,
    row: Option<Vec<Cell>>,
    cell: Option<CellBuf>,
    /// Tables found inside this one's cells, emitted after it.
    nested: Vec<(Part, Block)>,
}

impl Table {
    fn finish_cell(&mut self) {
        if let Some(cell) = self.cell.take() {
            let row = self.row.get_or_insert_with(Vec::new);
            let place = format!(
                "table {}, row {}, cell {}",
                self.number,
                self.rows.len() + 1,
                row.len() + 1
            );
            row.push(Cell::new(cell.finish(), place));
        }
    }

    fn finish_row(&mut self) {
        self.finish_cell();
        if let Some(row) = self.row.take().filter(|r| !r.is_empty()) {
            self.rows.push(row);
        }
    }

    /// The table as blocks: itself (unless every cell is empty), then the
    /// tables nested in it.
    fn into_blocks(mut self) -> Vec<(Part, Block)> {
        self.finish_row();
        let mut blocks = Vec::with_capacity(1 + self.nested.len());
        if self.rows.iter().flatten().any(|c| !c.text.is_empty()) {
            blocks.push((
                self.part,
                Block::Table {
                    rows: self.rows,
                    place: format!("table {}", self.number),
                },
            ));
        }
        blocks.extend(self.nested);
        blocks
    }
}

#[derive(Debug)]
struct Walker {
    out: Vec<(Part, Block)>,
    frames: Vec<Frame>,
    /// Open tables read as tables, innermost last.
    tables: Vec<Table>,
    /// Every open table, innermost last: `true` for a layout table.
    table_layout: Vec<bool>,
    /// Inside this element nothing is read (hidden, struck, `<style>`…).
    skip: Option<NodeId>,
    flow: LineBuf,
    pre_depth: usize,
    symbol_depth: usize,
    /// Dropping the header lines (`From:`, `Sent:`…) after a marker.
    header_mode: bool,
    /// A `From:` line that starts an Outlook header if `Sent:` follows.
    held_from: Option<String>,
    /// A forward marker was just seen: a quote opening now is the forward.
    forward_pending: bool,
    paragraphs: usize,
    table_count: usize,
}

impl Default for Walker {
    fn default() -> Self {
        Walker {
            out: Vec::new(),
            frames: vec![Frame {
                node: None,
                part: Part::New,
                subject: None,
                undecided: false,
            }],
            tables: Vec::new(),
            table_layout: Vec::new(),
            skip: None,
            flow: LineBuf::default(),
            pre_depth: 0,
            symbol_depth: 0,
            header_mode: false,
            held_from: None,
            forward_pending: false,
            paragraphs: 0,
            table_count: 0,
        }
    }
}

impl Walker {
    fn open(&mut self, node: NodeRef<'_, Node>) {
        if self.skip.is_some() {
            return;
        }
        match node.value() {
            Node::Text(text) => self.text(text),
            Node::Element(el) => self.open_element(node, el),
            _ => {}
        }
    }

    fn close(&mut self, node: NodeRef<'_, Node>) {
        let Node::Element(el) = node.value() else {
            return;
        };
        if let Some(skipped) = self.skip {
            if skipped == node.id() {
                self.skip = None;
                if style::is_block(el) {
                    self.boundary();
                }
            }
            return;
        }
        self.close_element(node.id(), el);
    }

    fn finish(mut self) -> Vec<(Part, Block)> {
        self.boundary();
        self.release_held();
        self.out
    }

    fn open_element(&mut self, node: NodeRef<'_, Node>, el: &Element) {
        let block = style::is_block(el);
        if block {
            self.boundary();
        }
        if style::is_dropped(el) || el.has_class("moz-email-headers-table", CASE) {
            self.skip = Some(node.id());
            return;
        }
        self.open_quote(node.id(), el);
        match el.name() {
            "table" => self.open_table(node),
            "tr" => {
                if let Some(table) = self.row_owner() {
                    table.finish_row();
                    table.row = Some(Vec::new());
                }
            }
            "td" | "th" => {
                if let Some(table) = self.row_owner() {
                    table.finish_cell();
                    table.cell = Some(CellBuf::default());
                }
            }
            "br" => self.boundary(),
            "input" => self.input(el),
            _ => {}
        }
        if style::is_preformatted(el) {
            self.pre_depth += 1;
        }
        if style::is_symbol_font(el) {
            self.symbol_depth += 1;
        }
    }

    fn close_element(&mut self, id: NodeId, el: &Element) {
        match el.name() {
            "td" | "th" => {
                if let Some(table) = self.row_owner() {
                    table.finish_cell();
                }
            }
            "tr" => {
                if let Some(table) = self.row_owner() {
                    table.finish_row();
                }
            }
            "table" => self.close_table(id),
            _ => {}
        }
        if style::is_block(el) {
            self.boundary();
        }
        if style::is_preformatted(el) {
            self.pre_depth = self.pre_depth.saturating_sub(1);
        }
        if style::is_symbol_font(el) {
            self.symbol_depth = self.symbol_depth.saturating_sub(1);
        }
        if self.frames.len() > 1 && self.frames.last().is_some_and(|f| f.node == Some(id)) {
            self.boundary();
            self.release_held();
            self.frames.pop();
        }
    }

    /// Starts a new part of the thread where a client marks one.
    fn open_quote(&mut self, id: NodeId, el: &Element) {
        let is_id = |name: &str| el.id().is_some_and(|i| i.eq_ignore_ascii_case(name));
        if is_id("divRplyFwdMsg") || is_id("appendonsend") || style::is_outlook_header_rule(el) {
            self.sticky(Part::Unlabelled);
        } else if el.name() == "blockquote"
            && el
                .attr("type")
                .is_some_and(|t| t.eq_ignore_ascii_case("cite"))
        {
            let part = if self.forward_pending {
                Part::Forwarded
            } else {
                Part::Quoted
            };
            self.push_frame(id, part, false);
        } else if el.has_class("moz-forward-container", CASE) {
            self.push_frame(id, Part::Forwarded, false);
        } else if el.has_class("moz-cite-prefix", CASE) {
            self.push_frame(id, Part::Quoted, false);
        } else if ["gmail_quote", "yahoo_quoted", "protonmail_quote"]
            .iter()
            .any(|c| el.has_class(c, CASE))
        {
            self.push_frame(id, Part::Quoted, true);
        }
    }

    fn push_frame(&mut self, id: NodeId, part: Part, undecided: bool) {
        self.release_held();
        let (outer, subject) = self.current();
        let part = quote::nest(outer, part, subject.as_deref());
        self.frames.push(Frame {
            node: Some(id),
            part,
            subject: None,
            undecided,
        });
    }

    /// The rest of the current section belongs to `inner` (a marker line or
    /// an Outlook header block); the header lines that follow are dropped.
    fn sticky(&mut self, inner: Part) {
        self.release_held();
        if let Some(frame) = self.frames.last_mut() {
            frame.part = quote::nest(frame.part, inner, frame.subject.as_deref());
            frame.subject = None;
            frame.undecided = false;
        }
        self.header_mode = true;
        self.forward_pending = inner == Part::Forwarded;
    }

    fn current(&self) -> (Part, Option<String>) {
        self.frames
            .last()
            .map_or((Part::New, None), |f| (f.part, f.subject.clone()))
    }

    fn open_table(&mut self, node: NodeRef<'_, Node>) {
        let layout = is_layout_table(node);
        let number = if layout {
            0
        } else {
            self.release_held();
            self.table_count += 1;
            self.table_count
        };
        self.table_layout.push(layout);
        if layout {
            return;
        }
        let part = self.current().0;
        self.tables.push(Table {
            node: node.id(),
            number,
            part,
            rows: Vec::new(),
            row: None,
            cell: None,
            nested: Vec::new(),
        });
    }

    fn close_table(&mut self, id: NodeId) {
        self.table_layout.pop();
        if self.tables.last().is_none_or(|t| t.node != id) {
            return;
        }
        let Some(table) = self.tables.pop() else {
            return;
        };
        let blocks = table.into_blocks();
        if blocks.is_empty() {
            return;
        }
        self.header_mode = false;
        self.forward_pending = false;
        match self.real_top() {
            Some(outer) => outer.nested.extend(blocks),
            None => self.out.extend(blocks),
        }
    }

    /// The innermost table that is read as a table.
    fn real_top(&mut self) -> Option<&mut Table> {
        self.tables.last_mut()
    }

    /// The table a `<tr>` or `<td>` belongs to, unless that is a layout table.
    fn row_owner(&mut self) -> Option<&mut Table> {
        if self.table_layout.last() == Some(&false) {
            self.tables.last_mut()
        } else {
            None
        }
    }

    fn open_cell(&mut self) -> Option<&mut CellBuf> {
        self.real_top().and_then(|t| t.cell.as_mut())
    }

    /// Where text goes now: the open cell, or the running paragraph.
    fn line(&mut self) -> &mut LineBuf {
        match self.tables.last_mut() {
            Some(Table {
                cell: Some(cell), ..
            }) => &mut cell.line,
            _ => &mut self.flow,
        }
    }

    fn text(&mut self, text: &str) {
        let symbols = self.symbol_depth > 0;
        if self.pre_depth == 0 && !symbols {
            self.line().push_str(text);
            return;
        }
        for c in text.chars() {
            match c {
                '\n' if self.pre_depth > 0 => self.boundary(),
                c if symbols => self.line().push_char(style::wingdings_box(c)),
                c => self.line().push_char(c),
            }
        }
    }

    fn input(&mut self, el: &Element) {
        if let Some(mark) = style::check_box(el) {
            let line = self.line();
            line.push_space();
            line.push_char(mark);
            line.push_space();
        } else if el
            .attr("type")
            .is_none_or(|t| t.eq_ignore_ascii_case("text") || t.eq_ignore_ascii_case("email"))
            && let Some(value) = el.attr("value")
        {
            let line = self.line();
            line.push_space();
            line.push_str(value);
            line.push_space();
        }
    }

    /// Ends the current line: in a cell a `\n`, elsewhere a new block.
    fn boundary(&mut self) {
        if let Some(cell) = self.open_cell() {
            cell.break_line();
            return;
        }
        if !self.flow.is_empty() {
            let text = self.flow.take();
            self.emit_line(text);
        }
    }

    /// Files one line of running text, watching for the lines that start a
    /// forwarded or quoted message.
    fn emit_line(&mut self, text: String) {
        if self.frames.last().is_some_and(|f| f.undecided) {
            self.decide_quote(&text);
        }
        if self.header_mode {
            if let Some((field, value)) = quote::header_field(&text) {
                if field == HeaderField::Subject
                    && let Some(frame) = self.frames.last_mut()
                {
                    frame.subject = Some(value.to_string());
                }
                return;
            }
            self.header_mode = false;
        }
        if let Some(from) = self.held_from.take() {
            if matches!(quote::header_field(&text), Some((HeaderField::Sent, _))) {
                self.sticky(Part::Unlabelled);
                return;
            }
            self.push_text(from, None);
        }
        match quote::marker(&text) {
            Some(Marker::Forward) => return self.sticky(Part::Forwarded),
            Some(Marker::Original) => return self.sticky(Part::Unlabelled),
            Some(Marker::Attribution) => return self.push_text(text, Some(Part::Quoted)),
            None => {}
        }
        if matches!(quote::header_field(&text), Some((HeaderField::From, _))) {
            self.held_from = Some(text);
            return;
        }
        self.push_text(text, None);
    }

    /// A Gmail-style quote is a forward when its first line says so.
    fn decide_quote(&mut self, first_line: &str) {
        let outer = self
            .frames
            .len()
            .checked_sub(2)
            .and_then(|i| self.frames.get(i))
            .map(|f| (f.part, f.subject.clone()));
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        frame.undecided = false;
        if quote::marker(first_line) == Some(Marker::Forward)
            && let Some((outer, subject)) = outer
        {
            frame.part = quote::nest(outer, Part::Forwarded, subject.as_deref());
        }
    }

    fn push_text(&mut self, text: String, part: Option<Part>) {
        self.forward_pending = false;
        self.paragraphs += 1;
        let part = part.map_or(self.current().0, |p| quote::nest(self.current().0, p, None));
        let place = format!("paragraph {}", self.paragraphs);
        self.out.push((part, Block::Text { text, place }));
    }

    fn release_held(&mut self) {
        if let Some(from) = self.held_from.take() {
            self.push_text(from, None);
        }
    }
}

const CASE: scraper::CaseSensitivity = scraper::CaseSensitivity::AsciiCaseInsensitive;

/// A table that only arranges the page: one column, or a single row whose
/// cells hold further tables (a template's sidebar and body).
fn is_layout_table(table: NodeRef<'_, Node>) -> bool {
    let rows: Vec<NodeRef<'_, Node>> = table
        .children()
        .flat_map(|child| match element_name(child) {
            Some("tr") => vec![child],
            Some("tbody" | "thead" | "tfoot") => child
                .children()
                .filter(|c| element_name(*c) == Some("tr"))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let cells = |row: &NodeRef<'_, Node>| {
        row.children()
            .filter(|c| matches!(element_name(*c), Some("td" | "th")))
            .count()
    };
    if rows.iter().all(|row| cells(row) <= 1) {
        return true;
    }
    rows.len() == 1
        && table
            .descendants()
            .skip(1)
            .any(|d| element_name(d) == Some("table"))
}

fn element_name<'a>(node: NodeRef<'a, Node>) -> Option<&'a str> {
    node.value().as_element().map(|e| e.name())
}
