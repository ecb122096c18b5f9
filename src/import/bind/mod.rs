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
    binding.by_place(&now, &aligned);
    binding.by_value(&now, &aligned);
    let rebuilt = binding.rebuild(&now, &aligned);
    binding.report_unbound_numbers(&aligned);
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
