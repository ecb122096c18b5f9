//! `import FILE --new DIR`: the project [`detect`](super::detect) proposes, written into an
//! empty folder, then proved: rendered from its own files, it must print the speech it came
//! from, block by block.

use std::path::{Path, PathBuf};

use super::detect::{Detection, Proposal};
use super::read::{self, Delivered};
use crate::error::Error;
use crate::pipeline::{self, RenderKind, RenderRequest};
use crate::project::Project;
use crate::report;

/// A project made from a delivered speech, its files written.
pub struct NewProject {
    /// Its folder.
    pub dir: PathBuf,
    pub delivered: Delivered,
    pub detection: Detection,
}

/// Reads the speech in `file`, proposes its figures and writes the project into `dir`, which
/// must be empty or missing. `year` is the year of its facts (default: this year), `office` the
/// office that gives the speech.
pub fn create(
    file: &Path,
    dir: &Path,
    year: Option<i64>,
    office: Option<&str>,
) -> Result<NewProject, Error> {
    crate::init::refuse_non_empty(dir)?;
    let delivered = read::read(file)?;
    let year = year.unwrap_or_else(crate::init::this_year);
    let detection = super::detect(&delivered, year);
    let source_name = file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let files: Vec<(PathBuf, Vec<u8>)> = detection
        .files(year, office, &source_name)
        .into_iter()
        .map(|(rel, text)| (dir.join(rel), text.into_bytes()))
        .collect();
    crate::output::write_all(&files)?;
    Ok(NewProject {
        dir: dir.to_path_buf(),
        delivered,
        detection,
    })
}

impl NewProject {
    /// The new project must print the speech it came from: rendered from its files, compared
    /// block by block. A difference is a defect here, never the clerk's.
    pub fn prove(&self) -> Result<(), Error> {
        let project = Project::at(&self.dir)?;
        let facts = project.facts_file(None)?;
        let rendered = pipeline::render(&RenderRequest {
            root: project.root.clone(),
            facts,
            kind: RenderKind::Final,
        })
        .map_err(|d| {
            Error::Internal(format!(
                "导入生成的项目无法生成讲话稿（{}）：请报告这个问题",
                report::summary(&d)
            ))
        })?;
        let original = &self.delivered.document;
        let differs: Vec<String> = original
            .blocks
            .iter()
            .zip(&rendered.document.blocks)
            .filter(|(a, b)| a.plain_text() != b.plain_text())
            .map(|(a, _)| a.plain_text().chars().take(30).collect())
            .collect();
        if !differs.is_empty()
            || original.blocks.len() != rendered.document.blocks.len()
            || original.title != rendered.document.title
        {
            return Err(Error::Internal(format!(
                "导入生成的项目印出的讲话与原文不同（{}）：请报告这个问题",
                differs.join("；")
            )));
        }
        Ok(())
    }

    /// How many figures of a kind were proposed (`count`, `percent`, `names`, …).
    pub fn count(&self, kind: &str) -> usize {
        self.detection
            .proposals
            .iter()
            .filter(|p| p.kind.kind() == kind)
            .count()
    }

    /// The proposals a person must confirm.
    pub fn to_confirm(&self) -> Vec<&Proposal> {
        self.detection.to_confirm().collect()
    }

    /// Where the proposed declarations are, for the clerk to check their names.
    pub fn figures_file(&self) -> PathBuf {
        self.dir.join("templates/figures.yaml")
    }

    /// Whether anything is left for the clerk: a proposal to confirm or a number left as text.
    pub fn undecided(&self) -> bool {
        self.detection.to_confirm().next().is_some() || !self.detection.unclassified.is_empty()
    }
}
