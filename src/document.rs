//! The speech as a structured document: the one shape every output format lays out.
//!
//! The Markdown rendered from the template is parsed (pulldown-cmark) into this model; the HTML and
//! the PDF are both laid out from it, so the two can never disagree about what the speech says.

/// A whole speech: its title and its blocks in reading order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The level-1 heading (市直工委在全市机关党建工作推进会上的发言).
    pub title: String,
    pub blocks: Vec<Block>,
    /// A draft is marked 草稿 visibly in every format; a final output never is.
    pub draft: bool,
    /// The circulation copy (`--mask`): [`CIRCULATION_LINE`] stands above the title in every
    /// format, so that it can never be taken for the final speech.
    pub circulation: bool,
    /// Rendered from sample facts (`sample: true`): [`SAMPLE_MARK`] is on every page and at the
    /// top of every file, so that an invented number never passes for a final one.
    pub sample: bool,
    /// One note per distinct figure the speech prints, in order of first use: what every format
    /// needs to show a figure's provenance (HTML tooltip, Word comment) and its state.
    pub figures: Vec<FigureNote>,
}

/// The line above the title of the circulation copy.
pub const CIRCULATION_LINE: &str = "传阅稿（数字已隐去）";

/// The mark of a draft, in its header (.docx) or above the text block (PDF).
pub const DRAFT_MARK: &str = "草稿";

/// The mark of a speech rendered from sample facts.
pub const SAMPLE_MARK: &str = "样例：数字是虚构的，不能用于正式讲话";

/// The mark of a draft at the top of its text (the HTML banner, the Markdown's first line).
pub const DRAFT_LINE: &str = "草稿 · 未定稿，请勿印发";

/// What the outputs know of a figure besides its printed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureNote {
    pub id: String,
    /// Label, value, formula and sources in words (the HTML tooltip, the Word comment). In a
    /// masked render it must hold no real value.
    pub provenance: String,
    /// `ok`, `unfilled` or `invalid`.
    pub status: &'static str,
    /// The unit its declaration gives (个, %, 人次); empty when none. Print keeps a number on
    /// one line with this unit where the text right after the figure starts with it (42个).
    pub unit: String,
    /// The figure prints a number (a count, a percentage, 1200多, 两), never split across lines;
    /// false for names and titles, which break like any text.
    pub number: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A part heading such as 一、强化政治引领，把好机关党建“方向盘” (level 2 and below).
    Heading { level: u8, inlines: Vec<Inline> },
    /// A body paragraph; its first line is indented two characters in print.
    Paragraph { inlines: Vec<Inline> },
}

/// A run of text with one style. Consecutive runs of the same style and figure are merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    pub text: String,
    pub style: InlineStyle,
    /// The figure id when this run is a figure's printed value (for tooltips and error messages).
    pub figure: Option<String>,
    /// True when the figure is unfilled or invalid and `text` is a draft marker, not a value.
    pub unfilled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InlineStyle {
    /// Body text (仿宋/宋 in print).
    Plain,
    /// A lead sentence that opens a unit of text (扛起主体责任): bold on screen, 楷体 in print.
    Lead,
}

impl Document {
    /// The note of the figure with this id.
    pub fn figure(&self, id: &str) -> Option<&FigureNote> {
        self.figures.iter().find(|f| f.id == id)
    }

    /// The note of `inline`'s figure when it prints a number (1200多, 96.7), not a name or a
    /// draft marker: what no line may break inside.
    pub fn number_of(&self, inline: &Inline) -> Option<&FigureNote> {
        let id = inline.figure.as_deref()?;
        self.figure(id).filter(|n| n.number && !inline.unfilled)
    }

    /// The declared unit (个, 人, %) that the text right after `inlines[n]` starts with, when
    /// `inlines[n]` is a figure that prints a number: the characters every format keeps on one
    /// line with the number (42个, 96.7%). None after a name, a draft marker or plain text.
    pub fn unit_after<'d>(&'d self, inlines: &[Inline], n: usize) -> Option<&'d str> {
        let note = self.number_of(&inlines[n])?;
        let next = inlines.get(n + 1)?;
        let joined =
            !note.unit.is_empty() && next.figure.is_none() && next.text.starts_with(&note.unit);
        joined.then_some(note.unit.as_str())
    }
}

impl Block {
    pub fn inlines(&self) -> &[Inline] {
        match self {
            Block::Heading { inlines, .. } | Block::Paragraph { inlines } => inlines,
        }
    }

    /// The block's text with styles dropped.
    pub fn plain_text(&self) -> String {
        self.inlines().iter().map(|i| i.text.as_str()).collect()
    }
}
