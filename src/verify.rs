//! `speechgen verify FILE [FACTS]`: was FILE (a speech or sheet speechgen wrote) rendered from the
//! inputs as they are now? Reads the digest FILE carries back (`digest::Digest::find_in`),
//! digests the current inputs the same way and names every one that differs.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::digest::{Change, Digest};
use crate::error::Error;
use crate::pipeline;
use crate::project::Project;
use crate::report::shown_path;

/// What `verify` found.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The file verified, as given.
    pub file: PathBuf,
    /// The facts file compared with: the one given, else the one FILE was rendered from.
    pub facts: PathBuf,
    /// The digest FILE carries.
    pub then: Digest,
    /// The digest of the current inputs; None when the facts file FILE was rendered from is gone.
    pub now: Option<Digest>,
    /// Every input that differs; empty when FILE is current.
    pub changes: Vec<Change>,
}

impl Verdict {
    pub fn is_current(&self) -> bool {
        self.now
            .as_ref()
            .is_some_and(|now| self.changes.is_empty() && now.sha256 == self.then.sha256)
    }

    /// Ok when FILE is current, else [`Error::Stale`] (exit 1).
    pub fn into_result(self) -> Result<(), Error> {
        if self.is_current() {
            Ok(())
        } else {
            Err(Error::Stale {
                file: self.file,
                facts: self.facts,
            })
        }
    }
}

/// Reads FILE's digest and compares it with the current inputs of `facts` (default: the facts file
/// FILE was rendered from). Fails when FILE cannot be read or carries no digest (exit 2).
pub fn verify(project: &Project, file: &Path, facts: Option<&Path>) -> Result<Verdict, Error> {
    let bytes = crate::input::read(file, crate::input::OUTPUT_LIMIT)
        .map_err(|e| Error::io(file, "无法读取", &e))?;
    let then = Digest::find_in(&bytes).map_err(|why| Error::NoDigest {
        path: file.to_path_buf(),
        why,
    })?;
    let facts = match facts {
        Some(facts) => facts.to_path_buf(),
        None => {
            let recorded = then.facts_path().unwrap_or_default();
            let path = project.root.join(recorded);
            if !path.is_file() {
                return Ok(Verdict {
                    file: file.to_path_buf(),
                    facts: path,
                    changes: vec![Change::Removed(recorded.to_owned())],
                    then,
                    now: None,
                });
            }
            path
        }
    };
    // An input that is gone is a change (Removed), not a failure to read.
    // The year's own wording when it has one, found as `check` finds it.
    let year = crate::facts::Facts::load(&facts)
        .ok()
        .map(|f| f.year)
        .or_else(|| pipeline::year_of(&facts));
    let present: Vec<PathBuf> = pipeline::input_files(&project.root, &facts, year)
        .into_iter()
        .filter(|p| p.is_file())
        .collect();
    let now = Digest::read(&project.root, &present)
        .map_err(|(path, e)| Error::io(path, "无法读取", &e))?;
    Ok(Verdict {
        file: file.to_path_buf(),
        facts,
        changes: then.changes(&now),
        then,
        now: Some(now),
    })
}

impl fmt::Display for Verdict {
    /// `out/speech.pdf：与当前输入一致（摘要 …，facts/2021.yaml、…）`, or `已过期` and each change.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = shown_path(&self.file);
        match &self.now {
            Some(now) if self.is_current() => {
                let inputs: Vec<&str> = now.inputs.iter().map(|i| i.path.as_str()).collect();
                writeln!(
                    f,
                    "{file}：与当前输入一致（摘要 {}，{}）",
                    now.short(),
                    inputs.join("、")
                )
            }
            Some(now) => {
                writeln!(
                    f,
                    "{file}：已过期（生成时摘要 {}，现在为 {}），变化的输入：",
                    self.then.short(),
                    now.short()
                )?;
                self.changes.iter().try_for_each(|c| writeln!(f, "  {c}"))
            }
            None => {
                writeln!(f, "{file}：已过期")?;
                self.changes.iter().try_for_each(|c| writeln!(f, "  {c}"))
            }
        }
    }
}
