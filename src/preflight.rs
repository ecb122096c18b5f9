//! The PDF's problems, placed at their source.
//!
//! The PDF is laid out from the document long after the facts and the template were read: a
//! character no face has, or a word wider than a line, is found there, in "the 5th paragraph".
//! A clerk fixes it in the facts file or the template, so it is reported there: at the facts
//! value's own `file:line:column` when a figure printed it, else at the template line, in the same
//! words whether `check` or `render` found it.
//!
//! [`problems`] finds every such problem in one run: laying out stops at the first, so each one
//! found is taken out of a copy of the document and the layout tried again.

use crate::diagnostic::{Diagnostic, Location};
use crate::document::{Block, Document};
use crate::facts::Facts;
use crate::figures::Evaluation;
use crate::pdf::{PdfError, Place};
use crate::template::Template;
use crate::yaml::{Node, Value};

/// Where each part of the speech comes from.
#[derive(Debug, Clone)]
pub struct Origins {
    template: Template,
    /// The template's output, with one placeholder per figure.
    output: String,
    /// Per figure the speech prints, the facts values it is printed from.
    values: Vec<(String, Vec<FactText>)>,
}

/// A facts value as written, with where it stands.
#[derive(Debug, Clone)]
struct FactText {
    /// The fact's path (`political.media_column`, `organisation.training_bases`).
    fact: String,
    location: Location,
    source_line: Option<String>,
    /// The text for a name, None for anything else (a number prints only digits).
    text: Option<String>,
}

impl Origins {
    pub fn new(
        template: Template,
        output: String,
        ids: &[String],
        evaluation: &Evaluation,
        facts: &Facts,
    ) -> Origins {
        let values = ids
            .iter()
            .map(|id| {
                let mut texts = Vec::new();
                for (path, pos) in evaluation.figure(id).map_or(&[][..], |f| &f.sources[..]) {
                    let at = |node: &Node| FactText {
                        fact: path.clone(),
                        location: facts.doc.location(node.pos),
                        source_line: facts.doc.line_text(node.pos.line),
                        text: node.as_str().map(str::to_owned),
                    };
                    match resolved(facts, path) {
                        Some(node) => match &node.value {
                            Value::Seq(items) => texts.extend(items.iter().map(at)),
                            _ => texts.push(at(node)),
                        },
                        None => texts.push(FactText {
                            fact: path.clone(),
                            location: facts.doc.location(*pos),
                            source_line: facts.doc.line_text(pos.line),
                            text: None,
                        }),
                    }
                }
                (id.clone(), texts)
            })
            .collect();
        Origins {
            template,
            output,
            values,
        }
    }

    /// The facts value of `figure` (or, failing that, of any figure) whose text holds `needle`.
    fn value_holding(&self, figure: Option<&str>, needle: &str) -> Option<&FactText> {
        let holds = |t: &&FactText| t.text.as_deref().is_some_and(|s| s.contains(needle));
        let of_figure = figure.and_then(|id| {
            self.values
                .iter()
                .find(|(f, _)| f == id)
                .and_then(|(_, texts)| texts.iter().find(holds))
        });
        of_figure.or_else(|| self.values.iter().flat_map(|(_, t)| t).find(holds))
    }

    /// The first facts value `figure` is printed from.
    fn first_value(&self, figure: &str) -> Option<&FactText> {
        self.values
            .iter()
            .find(|(f, _)| f == figure)
            .and_then(|(_, texts)| texts.first())
    }

    /// A diagnostic at the template line that printed `needle`, if the template's own text holds
    /// it.
    fn in_template(&self, code: &'static str, needle: &str, message: String) -> Option<Diagnostic> {
        let offset = self.output.find(needle)?;
        Some(
            self.template
                .error_in_output(code, &self.output, offset, message),
        )
    }

    /// The problem as a diagnostic at its source; None for a failure of the fonts or the engine,
    /// which is not the speech's.
    pub fn diagnostic(&self, error: &PdfError) -> Option<Diagnostic> {
        match error {
            PdfError::MissingChar { ch, place, .. } => Some(self.missing_char(*ch, place)),
            PdfError::Overlong { place, segment } => Some(self.overlong(segment, place)),
            PdfError::Font { .. } | PdfError::Engine(_) => None,
        }
    }

    fn missing_char(&self, ch: char, place: &Place) -> Diagnostic {
        const CODE: &str = "missing-glyph";
        let head = format!(
            "所选字体都缺少字符“{ch}”(U+{:04X})，PDF 里印不出来",
            u32::from(ch)
        );
        let hint = missing_char_hint(ch);
        let needle = ch.to_string();
        let figure = place_figure(place);
        let d = if let Some(v) = self.value_holding(figure, &needle) {
            let text = v.text.as_deref().unwrap_or_default();
            at_value(
                CODE,
                v,
                format!("{head}：它在 {} 的值“{}”中", v.fact, excerpt(text)),
            )
        } else if let Some(d) =
            self.in_template(CODE, &needle, format!("{head}：它在模板的这一行中"))
        {
            d
        } else if let Some(v) = figure.and_then(|f| self.first_value(f)) {
            at_value(CODE, v, format!("{head}：它在数据项的文字中（{place}）"))
        } else {
            Diagnostic::error(CODE, format!("{head}（位于{place}）"), None)
        };
        d.with_hint(hint)
    }

    fn overlong(&self, segment: &str, place: &Place) -> Diagnostic {
        const CODE: &str = "overlong";
        let head = format!(
            "“{}”中间不能换行，又比一整行还宽，PDF 排不下",
            excerpt(segment)
        );
        let hint =
            "在词与词之间加空格，或改写得短一些（网址可去掉 https:// 等部分，或只写网站名称）";
        let core = word_core(segment);
        let figure = place_figure(place);
        let d = if let Some(v) = self.value_holding(figure, &core) {
            let text = v.text.as_deref().unwrap_or_default();
            at_value(
                CODE,
                v,
                format!("{head}：它在 {} 的值“{}”中", v.fact, excerpt(text)),
            )
        } else if let Some(d) = self.in_template(CODE, &core, format!("{head}：它在模板的这一行中"))
        {
            d
        } else {
            Diagnostic::error(CODE, format!("{head}（位于{place}）"), None)
        };
        d.with_hint(hint)
    }
}

/// The node at a concrete fact path.
fn resolved<'a>(facts: &'a Facts, path: &str) -> Option<&'a Node> {
    match facts.resolve(path) {
        crate::facts::Resolved::Found(nodes) if nodes.len() == 1 => Some(nodes[0].1),
        _ => None,
    }
}

fn at_value(code: &'static str, v: &FactText, message: String) -> Diagnostic {
    let mut d = Diagnostic::error(code, message, Some(v.location.clone()))
        .with_source_line(v.source_line.clone());
    d.fact = Some(v.fact.clone());
    d
}

fn place_figure(place: &Place) -> Option<&str> {
    match place {
        Place::Heading { figure, .. } | Place::Paragraph { figure, .. } => figure.as_deref(),
        _ => None,
    }
}

/// What to do about a character no face has, in plain words for the kind of character it is.
fn missing_char_hint(ch: char) -> String {
    let code = u32::from(ch);
    let emoji = (0x1F000..=0x1FAFF).contains(&code) || (0x2600..=0x27BF).contains(&code);
    let private = (0xE000..=0xF8FF).contains(&code) || code >= 0xF0000;
    if emoji {
        "这是表情符号，讲话稿中印不出来：请删去它".to_owned()
    } else if private {
        "这是私用区字符（多半是从别处复制来的，各台电脑显示不一）：请删去它，或换成正常的字"
            .to_owned()
    } else {
        "请换成常用字，或改写这几个字；确实需要这个字时，用 --font-dir 指定一个含有它的字体所在的文件夹"
            .to_owned()
    }
}

/// The longest run of letters and digits in a segment (what a clerk wrote, without the marks
/// glued to it: “Supercalifragilistic”, → Supercalifragilistic).
fn word_core(segment: &str) -> String {
    segment
        .split(|c: char| !(c.is_alphanumeric() || "-_./:?=&%#@+~".contains(c)) || is_cjk(c))
        .max_by_key(|w| w.chars().count())
        .filter(|w| !w.is_empty())
        .unwrap_or(segment)
        .to_owned()
}

fn is_cjk(c: char) -> bool {
    matches!(u32::from(c), 0x3000..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

fn excerpt(s: &str) -> String {
    let t: String = s.chars().take(30).collect();
    if s.chars().count() > 30 {
        format!("{t}……")
    } else {
        t
    }
}

/// The most rounds of laying out: each finds one problem; a speech with more is reported in part
/// (fixing those shows the rest).
const MAX_ROUNDS: usize = 12;

/// Every problem laying `doc` out finds, each a diagnostic from `origins`, found by taking each
/// out of a copy and laying out again. `Err` for a failure of the fonts or the engine.
pub fn problems(
    doc: &Document,
    origins: &Origins,
    lay_out: impl Fn(&Document) -> Result<(), PdfError>,
) -> Result<Vec<Diagnostic>, PdfError> {
    let mut doc = doc.clone();
    let mut found: Vec<Diagnostic> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let error = match lay_out(&doc) {
            Ok(()) => break,
            Err(e) => e,
        };
        let Some(d) = origins.diagnostic(&error) else {
            return Err(error);
        };
        if !found.contains(&d) {
            found.push(d);
        }
        let taken_out = match &error {
            PdfError::MissingChar { ch, place, .. } => {
                !matches!(place, Place::PageNumber | Place::Draft | Place::Mark { .. })
                    && remove(&mut doc, &ch.to_string())
            }
            PdfError::Overlong { segment, .. } => remove(&mut doc, &word_core(segment)),
            _ => false,
        };
        if !taken_out {
            break;
        }
    }
    Ok(found)
}

/// Removes every `needle` from the document's text; false when there was none.
fn remove(doc: &mut Document, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let mut any = false;
    let mut take = |text: &mut String| {
        if text.contains(needle) {
            *text = text.replace(needle, "");
            any = true;
        }
    };
    take(&mut doc.title);
    for block in &mut doc.blocks {
        let inlines = match block {
            Block::Heading { inlines, .. } | Block::Paragraph { inlines } => inlines,
        };
        for inline in inlines {
            take(&mut inline.text);
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_of_a_segment_drops_the_marks_glued_to_it() {
        assert_eq!(
            word_core("“Supercalifragilistic”，"),
            "Supercalifragilistic"
        );
        assert_eq!(
            word_core("https://example.org/a?b=1"),
            "https://example.org/a?b=1"
        );
        assert_eq!(word_core("日报“ABC”"), "ABC");
    }

    #[test]
    fn hints_say_what_kind_of_character_it_is() {
        assert!(missing_char_hint('😀').contains("表情符号"));
        assert!(missing_char_hint('\u{E000}').contains("私用区"));
        assert!(missing_char_hint('𠀀').contains("--font-dir"));
    }
}
