//! `import FILE --year Y`: a delivered speech made year Y's template again, each figure bound to
//! its declaration.
//!
//! The speech Y's template prints now (with Y's facts) is aligned with the delivered one,
//! character by character (Myers), each figure one unit where a .docx kept its tag and its
//! printed characters where not. Then each figure of the template is, in this order:
//! - **bound by its tag** (a .docx): the content control `fig:<id>` is the figure, whatever it
//!   says now; if it says something other than the facts give, it was changed by hand: reported
//!   (sentence, value computed, text typed), never taken as a fact; the template keeps the figure;
//! - **bound by place**: its printed characters are where they were, unchanged;
//! - **changed by hand at its place**: the text around it is unchanged and another number stands
//!   where it printed: reported as above;
//! - **found by value** in the rewritten text: when exactly one figure prints that value and it
//!   stands at exactly one new place. Otherwise it is ambiguous (两, 100, a value printed twice):
//!   listed for the clerk with the sentences, never guessed; the text stays as written.
//!
//! A figure of the template that the delivered speech no longer prints (its sentence deleted) is
//! reported as unused; a number in new wording that no figure prints is reported too: it would
//! be a number no fact stands behind.
//!
//! In phases: `now` reads the year as it prints today, `align` pairs its speech with the
//! delivered one, `binding` binds each figure (by place, then by value), rebuilds the delivered
//! speech with its figures and reports what the clerk must decide.

mod align;
mod binding;
mod now;

use std::path::{Path, PathBuf};

use self::align::Aligned;
use self::binding::Binding;
use self::now::Now;
use super::read::Delivered;
use crate::error::Error;
use crate::project::{Project, TEMPLATE_FILE};
use crate::wording::{self, ChangeKind, WordingDiff};

/// Something the clerk must decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// A figure's text differs from what the facts give: changed by hand in the copy.
    HandChanged {
        id: String,
        label: String,
        sentence: String,
        computed: String,
        typed: String,
    },
    /// A figure's value stands at several places, or several figures print it.
    Ambiguous {
        ids: Vec<String>,
        value: String,
        sentences: Vec<String>,
    },
    /// A figure of the template that the delivered speech no longer prints.
    Unused {
        id: String,
        label: String,
        value: String,
    },
    /// A number in new wording that no figure prints.
    UnboundNumber { text: String, sentence: String },
    /// A content control whose tag names another figure than the one printed at its place
    /// (tags swapped, or a control copied with its tag).
    WrongTag {
        tag: String,
        label: String,
        text: String,
        sentence: String,
        /// The figure printed at the control's place, its label and what the facts give it.
        place: String,
        place_label: String,
        place_value: String,
        /// What the facts give the tag's figure, and the sentence it stands in now.
        tag_value: String,
        tag_sentence: String,
    },
    /// A tag used more often than the template prints its figure.
    DuplicateTag {
        tag: String,
        label: String,
        printed: usize,
        sentences: Vec<String>,
    },
    /// A sentence holding a figure copied to another place (its tags lost, or never there): the
    /// figure's number printed twice, the copy bound to nothing.
    CopiedFigure {
        id: String,
        label: String,
        value: String,
        /// The figure's own sentence and its paragraph (counted from 1, the title first).
        sentence: String,
        paragraph: usize,
        /// The copy and its paragraph.
        copy: String,
        copy_paragraph: usize,
    },
    /// A content control tagged with a figure the year does not declare.
    UnknownTag {
        id: String,
        text: String,
        sentence: String,
    },
}

impl Report {
    /// The report in words, with what to do.
    pub fn message(&self) -> String {
        match self {
            Report::HandChanged {
                id,
                label,
                sentence,
                computed,
                typed,
            } => format!(
                "数据项 {id}（{label}）在文稿中被手工改成了“{typed}”，按事实文件应为“{computed}”：\n    {sentence}\n    模板仍印出数据项，未把“{typed}”当作事实；若新数字正确，请改事实文件"
            ),
            Report::Ambiguous {
                ids,
                value,
                sentences,
            } => {
                let mut m = format!(
                    "“{value}”不能确定是哪个数据项（{}）或哪一处，未作绑定、保留为文字：",
                    ids.join("、")
                );
                for s in sentences {
                    m.push_str(&format!("\n    {s}"));
                }
                m.push_str(&format!(
                    "\n    请在模板中把应印出数据项的那一处写作 {{{{ fig.{} }}}}",
                    ids[0]
                ));
                m
            }
            Report::Unused { id, label, value } => format!(
                "数据项 {id}（{label}，{value}）在文稿中已不再出现（所在句子已删去）：模板不再印出它；若不再需要，可从数字声明中删去"
            ),
            Report::UnboundNumber { text, sentence } => format!(
                "新写的文字中有数字“{text}”，没有对应的数据项：\n    {sentence}\n    若它是统计数字，请在数字声明中声明一个数据项，并在模板中写作 {{{{ fig.<id> }}}}"
            ),
            Report::WrongTag {
                tag,
                label,
                text,
                sentence,
                place,
                place_label,
                place_value,
                tag_value,
                tag_sentence,
            } => format!(
                "内容控件标记有误：标记为 fig:{tag}（{label}）的“{text}”所在的位置是数据项 {place}（{place_label}）的位置：\n    {sentence}\n    fig:{tag} 在模板中的位置：\n    {tag_sentence}\n    按事实文件，{place} 应为“{place_value}”，{tag} 应为“{tag_value}”。标记可能被对调，或复制句子时带上了别处的控件；程序不替人判断，未写入任何文件：请在 Word 中改正这个控件的标记（或删去它，只留文字）后再导入"
            ),
            Report::DuplicateTag {
                tag,
                label,
                printed,
                sentences,
            } => {
                let mut m = format!(
                    "内容控件标记有误：标记 fig:{tag}（{label}）在文稿中用了 {} 处，模板只印出它 {printed} 处：",
                    sentences.len()
                );
                for s in sentences {
                    m.push_str(&format!("\n    {s}"));
                }
                m.push_str("\n    复制带数据项的句子会连同控件一起复制；程序不替人判断哪一处是它，未写入任何文件：请在 Word 中删去多余的控件（只留文字）或改正标记后再导入");
                m
            }
            Report::CopiedFigure {
                id,
                label,
                value,
                sentence,
                paragraph,
                copy,
                copy_paragraph,
            } => format!(
                "数据项 {id}（{label}，{value}）所在的句子被复制到了另一处：\n    原句（第 {paragraph} 段）：{sentence}\n    复制的（第 {copy_paragraph} 段）：{copy}\n    复制的句子中的“{value}”背后没有数据项；程序不替人判断，未写入任何文件：请删去复制的句子，或改写其中的数字（要它印出数据项，请在模板中写作 {{{{ fig.{id} }}}}）后再导入"
            ),
            Report::UnknownTag { id, text, sentence } => format!(
                "文稿中标记为数据项 {id} 的“{text}”在这一年的数字声明中没有：按文字读入\n    {sentence}"
            ),
        }
    }
}

/// What importing a delivered speech as year Y's wording gives.
#[derive(Debug, Clone)]
pub struct Update {
    pub year: i64,
    /// Where the new template goes: `templates/<year>/speech.md.tera`.
    pub target: PathBuf,
    /// The new template's text.
    pub template: String,
    /// The year's speech now → the delivered one, figures as placeholders.
    pub diff: WordingDiff,
    pub reports: Vec<Report>,
    /// How it was read and bound, where worth knowing.
    pub notes: Vec<String>,
    /// Figure occurrences bound (by tag, place or value).
    pub bound: usize,
}

impl Update {
    /// Whether the wording differs (not only figures): then there is a template to write.
    pub fn wording_changed(&self) -> bool {
        self.diff
            .changes
            .iter()
            .any(|c| c.kind != ChangeKind::Figures)
    }

    /// Writes the new template over the year's.
    pub fn write(&self) -> Result<(), Error> {
        crate::output::write_all(&[(self.target.clone(), self.template.clone().into_bytes())])
    }

    /// Whether a tag names the wrong figure: then nothing is written, even with `--write`, until
    /// a person has decided.
    pub fn blocked(&self) -> bool {
        self.reports.iter().any(|r| {
            matches!(
                r,
                Report::WrongTag { .. } | Report::DuplicateTag { .. } | Report::CopiedFigure { .. }
            )
        })
    }

    /// Whether the clerk has something left to decide: a report, or changed wording not
    /// `written` yet.
    pub fn undecided(&self, written: bool) -> bool {
        !self.reports.is_empty() || (self.wording_changed() && !written)
    }
}

/// Makes the delivered speech year `facts`'s template (see the module comment).
pub fn update(project: &Project, facts: &Path, delivered: &Delivered) -> Result<Update, Error> {
    let now = Now::read(project, facts)?;
    let aligned = Aligned::new(&now.document, &delivered.document);
    let mut binding = Binding::default();
    binding.wrong_tags(&now, &aligned);
    binding.by_place(&now, &aligned);
    binding.by_value(&now, &aligned);
    let rebuilt = binding.rebuild(&now, &aligned);
    binding.report_unbound_numbers(&now, &aligned);
    binding.report_unused(&now, &aligned, &rebuilt.used);
    let notes = binding.notes(&now, &rebuilt.used);
    let year = now.checked.facts.year;
    let template = now.template_for(project, &rebuilt.document)?;
    let file_name = delivered
        .path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let diff = wording::diff_years(
        &now.document,
        &rebuilt.document,
        &format!("{year} 年现在的讲话"),
        &format!("导入的 {file_name}"),
        Some((year, year)),
    );
    Ok(Update {
        year,
        target: project.year_dir(year).join(TEMPLATE_FILE),
        template,
        diff,
        reports: binding.reports,
        notes,
        bound: rebuilt.bound,
    })
}
