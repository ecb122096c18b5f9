//! The year as it stands: its inputs checked, the speech its template prints now, and what each
//! figure prints in it.

use std::collections::BTreeMap;
use std::path::Path;

use super::Report;
use super::align::Aligned;
use super::binding::sentence_at;
use crate::document::Document;
use crate::error::Error;
use crate::figures::FigureStatus;
use crate::import::numbers::ungrouped;
use crate::import::template_source;
use crate::pipeline::{self, RenderRequest};
use crate::project::{Project, TEMPLATE_FILE};

/// The year as it stands: its inputs checked, the speech its template prints now, and what each
/// figure prints in it.
pub(super) struct Now {
    pub(super) checked: pipeline::Checked,
    /// The draft: a figure left unfilled prints its marker.
    pub(super) document: Document,
    /// What each figure prints now: its value, or the draft's marker.
    computed: BTreeMap<String, String>,
}

impl Now {
    pub(super) fn read(project: &Project, facts: &Path) -> Result<Now, Error> {
        let checked = pipeline::check(&project.root, facts)?;
        // The draft built from the inputs just read: a render would read and check them all again.
        let old = pipeline::build(
            checked.clone(),
            &RenderRequest {
                root: project.root.clone(),
                facts: facts.to_path_buf(),
                kind: pipeline::RenderKind::Draft,
            },
        )?;
        let mut computed: BTreeMap<String, String> = BTreeMap::new();
        for inline in old.document.blocks.iter().flat_map(|b| b.inlines()) {
            if let Some(id) = &inline.figure {
                computed.insert(id.clone(), inline.text.clone());
            }
        }
        for f in &checked.evaluation.figures {
            computed
                .entry(f.id.clone())
                .or_insert_with(|| f.text.clone().unwrap_or_default());
        }
        Ok(Now {
            checked,
            document: old.document,
            computed,
        })
    }

    pub(super) fn is_declared(&self, id: &str) -> bool {
        self.checked.declarations.figure(id).is_some()
    }

    pub(super) fn label(&self, id: &str) -> String {
        self.checked
            .declarations
            .figure(id)
            .map_or_else(String::new, |d| d.label.clone())
    }

    pub(super) fn kind_of(&self, id: &str) -> &'static str {
        self.checked
            .declarations
            .figure(id)
            .map_or("names", |d| d.kind.name())
    }

    /// What the figure prints in the circulation copy (`*`, `*多`).
    pub(super) fn masked(&self, id: &str) -> Option<String> {
        self.checked
            .evaluation
            .figure(id)
            .and_then(|f| f.masked_text())
    }

    pub(super) fn computed(&self, id: &str) -> String {
        self.computed.get(id).cloned().unwrap_or_default()
    }

    /// Whether `typed` is what the figure prints now: the same text, the circulation copy's
    /// mark, or the same number with its thousands parted (`1,001` for 1001, `1,200多`).
    pub(super) fn prints(&self, id: &str, typed: &str) -> bool {
        typed == self.computed(id)
            || self.masked(id).as_deref() == Some(typed)
            || self.regrouped(id, typed).is_some()
    }

    /// The figure's text when `typed` is its number with the thousands parted (`1,001`): the
    /// template prints it as the facts give it, so the wording is unchanged.
    pub(super) fn regrouped(&self, id: &str, typed: &str) -> Option<String> {
        let computed = self.computed(id);
        (ungrouped(typed).as_deref() == Some(computed.as_str())).then_some(computed)
    }

    /// A figure's value as people read it (with its unit), or 未填 when the facts leave it empty.
    pub(super) fn shown(&self, text: &str, id: &str) -> String {
        match self.checked.evaluation.figure(id) {
            Some(f) if f.status == FigureStatus::Ok => text.to_owned(),
            Some(_) => "（事实文件中未填或有误）".to_owned(),
            None => text.to_owned(),
        }
    }

    /// A figure at token `at` of the delivered speech typed as `typed`, where the facts give
    /// another value.
    pub(super) fn hand_changed(
        &self,
        id: &str,
        aligned: &Aligned,
        at: usize,
        typed: String,
    ) -> Report {
        Report::HandChanged {
            id: id.to_owned(),
            label: self.label(id),
            sentence: sentence_at(&aligned.new_tokens, at),
            computed: self.shown(&self.computed(id), id),
            typed,
        }
    }

    /// The template text of `document`, under the year's template's opening comment. The
    /// template made must read back as a speech: a defect here, never the clerk's.
    pub(super) fn template_for(
        &self,
        project: &Project,
        document: &Document,
    ) -> Result<String, Error> {
        let year = self.checked.facts.year;
        let header = leading_comment(&self.checked.template.source);
        let template = template_source(&header, document);
        let made = crate::template::Template::new(
            project.year_dir(year).join(TEMPLATE_FILE),
            template.clone(),
        );
        let readable = made
            .render(&made.figure_ids(), year)
            .ok()
            .is_some_and(|md| crate::markdown::to_document(&made, &md, &[], false).is_ok());
        if !readable {
            return Err(Error::Internal(
                "导入后生成的模板无法读回（请报告这个问题）".into(),
            ));
        }
        Ok(template)
    }
}

/// The template's opening Tera comment (`{#- … -#}` and the line break after it), kept.
fn leading_comment(source: &str) -> String {
    if !source.starts_with("{#") {
        return String::new();
    }
    match source.find("#}") {
        Some(end) => {
            let mut end = end + 2;
            if source[end..].starts_with('\n') {
                end += 1;
            }
            source[..end].to_owned()
        }
        None => String::new(),
    }
}
