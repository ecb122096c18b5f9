//! The pages' `Content.xml`, and the custom tags that find the figures on them.
//!
//! Each run of the layout becomes a `TextObject` (a run holding a figure's value is cut where
//! the figure begins and ends, so that the figure is an object of its own a tag can point at):
//! its `Boundary` in mm on the page, its `TextCode` the characters it shows, at `X`/`Y` within
//! the boundary, and `DeltaX`, one value fewer than the characters: the distance from each
//! glyph's left edge to the next, as the layout placed them (spread lines, squeezed marks,
//! kerned digits). Positions are rounded to a thousandth of a millimetre once, absolutely, and
//! the distances taken between the rounded positions, so that no rounding adds up along a
//! line.

use crate::document::{Block, Document};
use crate::pdf::layout::{MARGIN_LEFT_MM, MARGIN_TOP_MM, PT_PER_MM, Part, Plan, Run};

use super::{Ids, NS, XML_HEAD, esc, mm, thousandths};

pub(super) struct Written {
    /// Each page's `Content.xml`.
    pub pages: Vec<String>,
    /// Each page's ID (`Document.xml` and the tags' `PageRef`).
    pub page_ids: Vec<u32>,
    /// `Tags/CustomTag.xml`: each figure's id and the objects that print it.
    pub tags: String,
}

/// One figure as printed: its id and the (page ID, object ID) of each of its pieces.
struct Occurrence {
    id: String,
    objects: Vec<(u32, u32)>,
}

/// Which figure occurrence each printed character of a block belongs to, in the order the
/// layout prints them, and how far the runs of the block have been read.
struct BlockFigures {
    chars: Vec<(char, Option<usize>)>,
    at: usize,
}

impl BlockFigures {
    /// The occurrence of the next character of the block, which the layout prints as `c`. A
    /// blank the layout left out (at a line's end) is stepped over; a character that does not
    /// follow (the layout changed the text) is in no figure, and the rest of the block neither.
    fn take(&mut self, c: char) -> Option<usize> {
        while let Some(&(b, _)) = self.chars.get(self.at) {
            if b == c || !crate::pdf::layout::is_blank(b) {
                break;
            }
            self.at += 1;
        }
        match self.chars.get(self.at) {
            Some(&(b, occurrence)) if b == c => {
                self.at += 1;
                occurrence
            }
            _ => {
                self.at = self.chars.len();
                None
            }
        }
    }
}

/// The characters of every heading and paragraph as the layout prints them (a run of blanks
/// between two printed characters one space, none at the ends: `layout::printed`, the layout's
/// own rule), each with its figure occurrence; and the occurrences, in order.
fn figures_of(doc: &Document) -> (Vec<BlockFigures>, Vec<BlockFigures>, Vec<Occurrence>) {
    let (mut headings, mut paragraphs, mut occurrences) = (Vec::new(), Vec::new(), Vec::new());
    for block in &doc.blocks {
        let mut typed: Vec<(char, Option<usize>)> = Vec::new();
        for inline in block.inlines() {
            let occurrence = inline.figure.as_ref().map(|id| {
                occurrences.push(Occurrence {
                    id: id.clone(),
                    objects: Vec::new(),
                });
                occurrences.len() - 1
            });
            typed.extend(inline.text.chars().map(|c| (c, occurrence)));
        }
        let chars = crate::pdf::layout::printed(typed);
        let figures = BlockFigures { chars, at: 0 };
        match block {
            Block::Heading { .. } => headings.push(figures),
            Block::Paragraph { .. } => paragraphs.push(figures),
        }
    }
    (headings, paragraphs, occurrences)
}

/// The objects of one page layer, written into `out`.
struct Layer<'a> {
    plan: &'a Plan,
    font_ids: &'a [u32],
    page_id: u32,
}

impl Layer<'_> {
    /// Writes `run`, placed at `offset` (pt from the page's top-left corner), as one text
    /// object per piece of it that one figure (or none) prints; `occurrence_of` says which
    /// figure each character belongs to, and learns of the objects made for it.
    fn run(
        &self,
        run: &Run,
        offset: (f64, f64),
        occurrence_of: &mut dyn FnMut(char) -> Option<usize>,
        occurrences: &mut [Occurrence],
        ids: &mut Ids,
        out: &mut String,
    ) {
        let metrics = &self.plan.metrics[run.face];
        let positions = run.positions(metrics);
        let chars: Vec<char> = run.text.chars().collect();
        let tags: Vec<Option<usize>> = chars.iter().map(|&c| occurrence_of(c)).collect();
        let mut start = 0;
        while start < chars.len() {
            let end = (start..chars.len())
                .find(|&k| tags[k] != tags[start])
                .unwrap_or(chars.len());
            let id = ids.next();
            self.object(
                run,
                offset,
                &chars[start..end],
                &positions[start..end],
                id,
                out,
            );
            if let Some(o) = tags[start] {
                occurrences[o].objects.push((self.page_id, id));
            }
            start = end;
        }
    }

    /// One `TextObject`: `chars` at `positions` (pt from the offset's left).
    fn object(
        &self,
        run: &Run,
        (dx, dy): (f64, f64),
        chars: &[char],
        positions: &[f64],
        id: u32,
        out: &mut String,
    ) {
        let metrics = &self.plan.metrics[run.face];
        let size = f64::from(run.size);
        let k = |pt: f64| (pt / PT_PER_MM * 1000.0).round() as i64; // thousandths of a mm
        let xs: Vec<i64> = positions.iter().map(|p| k(dx + p)).collect();
        let last = chars.len() - 1;
        let right = k(dx + positions[last] + metrics.advance(chars[last], run.size));
        // The boundary: a tenth of the size beyond the glyphs' cells on either side (a reader
        // may clip an object to it), from a size above the baseline to a quarter below.
        let pad = k(size / 10.0);
        let left = xs[0] - pad;
        let top = k(dy + run.baseline - size);
        let width = (right + pad) - left;
        let height = k(size * 1.25);
        let baseline = k(dy + run.baseline) - top;
        let text: String = chars.iter().collect();
        out.push_str(&format!(
            "<ofd:TextObject ID=\"{id}\" Boundary=\"{} {} {} {}\" Font=\"{}\" Size=\"{}\"><ofd:FillColor Value=\"0 0 0\"/><ofd:TextCode X=\"{}\" Y=\"{}\"",
            thousandths(left),
            thousandths(top),
            thousandths(width),
            thousandths(height),
            self.font_ids[run.face],
            mm(size / PT_PER_MM),
            thousandths(xs[0] - left),
            thousandths(baseline),
        ));
        if chars.len() > 1 {
            let deltas: Vec<String> = xs.windows(2).map(|w| thousandths(w[1] - w[0])).collect();
            out.push_str(&format!(" DeltaX=\"{}\"", deltas.join(" ")));
        }
        out.push_str(&format!(">{}</ofd:TextCode></ofd:TextObject>", esc(&text)));
    }
}

/// Every page of `plan` as its `Content.xml` (A4, in mm): the text block's runs in one layer,
/// the page number, marks and digest stamp in another; and the figures' custom tags.
pub(super) fn write(doc: &Document, plan: &Plan, font_ids: &[u32], ids: &mut Ids) -> Written {
    let (mut headings, mut paragraphs, mut occurrences) = figures_of(doc);
    let block = (MARGIN_LEFT_MM * PT_PER_MM, MARGIN_TOP_MM * PT_PER_MM);
    let mut pages = Vec::with_capacity(plan.pages.len());
    let mut page_ids = Vec::with_capacity(plan.pages.len());
    for (text, decorations) in plan.pages.iter().zip(&plan.decorations) {
        let page_id = ids.next();
        page_ids.push(page_id);
        let layer = Layer {
            plan,
            font_ids,
            page_id,
        };
        let mut body = String::new();
        let body_id = ids.next();
        for run in text {
            let figures = match run.part {
                Part::Heading(n) => headings.get_mut(n.wrapping_sub(1)),
                Part::Paragraph(n) => paragraphs.get_mut(n.wrapping_sub(1)),
                _ => None,
            };
            let mut occurrence_of: Box<dyn FnMut(char) -> Option<usize>> = match figures {
                Some(f) => Box::new(move |c| f.take(c)),
                None => Box::new(|_| None),
            };
            layer.run(
                run,
                block,
                &mut occurrence_of,
                &mut occurrences,
                ids,
                &mut body,
            );
        }
        let mut around = String::new();
        let around_id = ids.next();
        for run in decorations {
            layer.run(
                run,
                (0.0, 0.0),
                &mut |_| None,
                &mut occurrences,
                ids,
                &mut around,
            );
        }
        pages.push(format!(
            "{XML_HEAD}<ofd:Page xmlns:ofd=\"{NS}\"><ofd:Area><ofd:PhysicalBox>0 0 {} {}</ofd:PhysicalBox></ofd:Area><ofd:Content><ofd:Layer ID=\"{body_id}\">{body}</ofd:Layer><ofd:Layer ID=\"{around_id}\">{around}</ofd:Layer></ofd:Content></ofd:Page>\n",
            mm(crate::pdf::layout::PAGE_W_MM),
            mm(crate::pdf::layout::PAGE_H_MM),
        ));
    }
    let mut tags = format!("{XML_HEAD}<ofd:Figures xmlns:ofd=\"{NS}\">");
    for o in occurrences.iter().filter(|o| !o.objects.is_empty()) {
        tags.push_str(&format!("<ofd:Figure Name=\"{}\">", esc(&o.id)));
        for (page, object) in &o.objects {
            tags.push_str(&format!(
                "<ofd:ObjectRef PageRef=\"{page}\">{object}</ofd:ObjectRef>"
            ));
        }
        tags.push_str("</ofd:Figure>");
    }
    tags.push_str("</ofd:Figures>\n");
    Written {
        pages,
        page_ids,
        tags,
    }
}
