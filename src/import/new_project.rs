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
    /// Where the facts' year came from, when `--year` did not say.
    pub year_note: Option<String>,
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
    let (year, year_note) = match year {
        Some(year) => (year, None),
        None => match speech_year(&delivered.document) {
            Some((year, from)) => (
                year,
                Some(format!(
                    "年份取自讲话{from}的“{year}年”：事实文件为 facts/{year}.yaml，讲话中的 {year} 年写作 {{{{ year }}}}；不对时用 --year 指定"
                )),
            ),
            None => {
                let year = crate::init::this_year();
                (
                    year,
                    Some(format!(
                        "讲话中没有年份：按今年（{year} 年）建事实文件 facts/{year}.yaml；不对时用 --year 指定"
                    )),
                )
            }
        },
    };
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
        year_note,
    })
}

/// The year a speech is about: the one its title prints (市统计局2025年度工作汇报), else the one
/// its text prints most often (the latest of those printed as often), with where it was found.
fn speech_year(doc: &crate::document::Document) -> Option<(i64, &'static str)> {
    use super::numbers::{Found, numbers};
    let years = |text: &str| -> Vec<i64> {
        let chars: Vec<char> = text.chars().collect();
        numbers(&chars)
            .into_iter()
            .filter_map(|n| match n.found {
                Found::Year(y) => Some(y),
                _ => None,
            })
            .collect()
    };
    if let Some(&year) = years(&doc.title).first() {
        return Some((year, "标题"));
    }
    let mut counts: std::collections::BTreeMap<i64, usize> = std::collections::BTreeMap::new();
    for block in &doc.blocks {
        for y in years(&block.plain_text()) {
            *counts.entry(y).or_default() += 1;
        }
    }
    counts
        .iter()
        .max_by_key(|(y, n)| (**n, **y))
        .map(|(y, _)| (*y, "正文"))
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
