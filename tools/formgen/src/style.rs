//! The rendering choices of one draw, along independent dimensions; each
//! is recorded in `dimensions.json` so that scores can be broken down.

use crate::rng::Rng;

macro_rules! dimension {
    ($name:ident { $($v:ident = $s:literal),* $(,)? }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($v),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            pub fn name(self) -> &'static str {
                match self { $($name::$v => $s),* }
            }
        }
    };
}

dimension!(Format {
    DocxTable = "docx_table",
    DocxParagraphs = "docx_paragraphs",
    Xlsx = "xlsx",
    Ods = "ods",
    Csv = "csv",
    Pdf = "pdf",
    Text = "text_body",
    Html = "html_table_body",
});

dimension!(Layout {
    LabelLeft = "label_left",
    LabelAbove = "label_above",
    OneCell = "label_and_answer_in_one_cell",
    TwoColumn = "several_labels_per_row",
    TickColumns = "tick_columns",
});

dimension!(Labels {
    Guidance = "guidance",
    Short = "abbreviated",
    Reworded = "reworded",
    Typos = "light_typos",
    Upper = "upper_case",
});

dimension!(Answers {
    Plain = "plain",
    Terse = "terse_y_n",
    Wordy = "wordy",
    Marks = "marks_and_ticks",
    Asides = "parenthesised_asides",
});

dimension!(AccountsStyle {
    Table = "table",
    Numbered = "numbered_lines",
    Bullets = "bullets",
    Dashes = "name_dash_account_dash_mobile",
});

dimension!(Leftovers {
    None = "none",
    Kept = "template_words_left_in",
});

dimension!(Order {
    Appendix = "appendix_order",
    Shuffled = "shuffled",
});

dimension!(Client {
    Outlook = "outlook",
    Thunderbird = "thunderbird",
    Gmail = "gmail",
});

dimension!(Charset {
    Utf8 = "utf-8",
    Latin1 = "iso-8859-1",
});

dimension!(Encoding {
    QuotedPrintable = "quoted-printable",
    Base64 = "base64",
    EightBit = "8bit",
});

dimension!(Wrapping {
    None = "none",
    Reply = "reply",
    QuotedForm = "reply_with_form_quoted",
    ForwardAttached = "forward_as_rfc822",
    ForwardInline = "forward_inline",
});

/// One draw's rendering choices.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    pub format: Format,
    pub layout: Layout,
    pub labels: Labels,
    pub answers: Answers,
    pub accounts: AccountsStyle,
    pub leftovers: Leftovers,
    pub order: Order,
    pub client: Client,
    pub charset: Charset,
    pub encoding: Encoding,
    pub wrapping: Wrapping,
}

impl Style {
    /// Draws every dimension independently and uniformly.
    pub fn draw(r: &mut Rng) -> Style {
        Style {
            format: *r.pick(Format::ALL),
            layout: *r.pick(Layout::ALL),
            labels: *r.pick(Labels::ALL),
            answers: *r.pick(Answers::ALL),
            accounts: *r.pick(AccountsStyle::ALL),
            leftovers: *r.pick(Leftovers::ALL),
            order: *r.pick(Order::ALL),
            client: *r.pick(Client::ALL),
            charset: *r.pick(Charset::ALL),
            encoding: *r.pick(Encoding::ALL),
            wrapping: *r.pick(Wrapping::ALL),
        }
    }

    /// The plainest rendering with one dimension, drawn at random, set
    /// to a random value: its effect alone shows in the per-dimension table.
    pub fn one_off(r: &mut Rng) -> Style {
        let mut s = Style::plain();
        match r.below(11) {
            0 => s.format = *r.pick(Format::ALL),
            1 => s.layout = *r.pick(Layout::ALL),
            2 => s.labels = *r.pick(Labels::ALL),
            3 => s.answers = *r.pick(Answers::ALL),
            4 => s.accounts = *r.pick(AccountsStyle::ALL),
            5 => s.leftovers = *r.pick(Leftovers::ALL),
            6 => s.order = *r.pick(Order::ALL),
            7 => s.client = *r.pick(Client::ALL),
            8 => s.charset = *r.pick(Charset::ALL),
            9 => s.encoding = *r.pick(Encoding::ALL),
            _ => s.wrapping = *r.pick(Wrapping::ALL),
        }
        s
    }

    /// The plainest rendering: the Appendix as a Word table from Outlook.
    pub fn plain() -> Style {
        Style {
            format: Format::DocxTable,
            layout: Layout::LabelLeft,
            labels: Labels::Guidance,
            answers: Answers::Plain,
            accounts: AccountsStyle::Dashes,
            leftovers: Leftovers::None,
            order: Order::Appendix,
            client: Client::Outlook,
            charset: Charset::Utf8,
            encoding: Encoding::QuotedPrintable,
            wrapping: Wrapping::None,
        }
    }

    /// `(dimension, value)` pairs, in a fixed order.
    pub fn dimensions(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("format", self.format.name()),
            ("layout", self.layout.name()),
            ("labels", self.labels.name()),
            ("answers", self.answers.name()),
            ("accounts", self.accounts.name()),
            ("leftovers", self.leftovers.name()),
            ("order", self.order.name()),
            ("client", self.client.name()),
            ("charset", self.charset.name()),
            ("encoding", self.encoding.name()),
            ("wrapping", self.wrapping.name()),
        ]
    }
}
