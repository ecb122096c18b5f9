//! A speech project on disk: a folder holding `templates/` and `facts/`, found like cargo finds
//! Cargo.toml (from the current folder upward) or given with `--root`.

use std::path::{Path, PathBuf};

use crate::error::Error;

pub const TEMPLATE_FILE: &str = "speech.md.tera";
pub const FIGURES_FILE: &str = "figures.yaml";
pub const SETTINGS_FILE: &str = "speech.yaml";

#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
}

impl Project {
    /// The nearest folder at or above `start` that holds both `templates/` and `facts/`.
    pub fn discover(start: &Path) -> Result<Project, Error> {
        let start = start
            .canonicalize()
            .map_err(|e| Error::io(start, "无法访问", &e))?;
        for dir in start.ancestors() {
            if dir.join("templates").is_dir() && dir.join("facts").is_dir() {
                return Ok(Project {
                    root: dir.to_path_buf(),
                });
            }
        }
        Err(Error::ProjectNotFound { from: start })
    }

    pub fn at(root: &Path) -> Result<Project, Error> {
        if root.join("templates").is_dir() && root.join("facts").is_dir() {
            Ok(Project {
                root: root.to_path_buf(),
            })
        } else {
            Err(Error::NotAProject {
                root: root.to_path_buf(),
            })
        }
    }

    /// The speech template shared by every year without its own (`templates/speech.md.tera`).
    pub fn template(&self) -> PathBuf {
        self.root.join("templates").join(TEMPLATE_FILE)
    }

    /// The figure declarations shared by every year without its own (`templates/figures.yaml`).
    pub fn figures(&self) -> PathBuf {
        self.root.join("templates").join(FIGURES_FILE)
    }

    /// A year's own wording folder, `templates/<year>/`: it may hold `speech.md.tera` and
    /// `figures.yaml`, each overriding the shared one on its own.
    pub fn year_dir(&self, year: i64) -> PathBuf {
        self.root.join("templates").join(year.to_string())
    }

    /// The one lookup of a year's wording: the file `name` ([`TEMPLATE_FILE`] or
    /// [`FIGURES_FILE`]) that a render of `year` reads, `templates/<year>/<name>` when the year
    /// folder holds it, else `templates/<name>`. So rewording this year (in its own folder) never
    /// changes what a past year's speech says. `None` (a facts file whose year cannot be read)
    /// is the shared file. Every reader of the wording (render, check, the preview, the list of
    /// a render's input files) goes through here.
    pub fn wording_file(&self, year: Option<i64>, name: &str) -> PathBuf {
        if let Some(year) = year {
            let own = self.year_dir(year).join(name);
            if own.is_file() {
                return own;
            }
        }
        self.root.join("templates").join(name)
    }

    /// The template a render of `year` reads (see [`Project::wording_file`]).
    pub fn template_for(&self, year: Option<i64>) -> PathBuf {
        self.wording_file(year, TEMPLATE_FILE)
    }

    /// The figure declarations a render of `year` reads (see [`Project::wording_file`]).
    pub fn figures_for(&self, year: Option<i64>) -> PathBuf {
        self.wording_file(year, FIGURES_FILE)
    }

    /// Speech-wide settings (author, title, …); may be missing.
    pub fn settings(&self) -> PathBuf {
        self.root.join("templates").join(SETTINGS_FILE)
    }

    pub fn facts_dir(&self) -> PathBuf {
        self.root.join("facts")
    }

    /// The facts files whose names are years, oldest first.
    pub fn years(&self) -> Vec<(i64, PathBuf)> {
        let mut years: Vec<(i64, PathBuf)> = std::fs::read_dir(self.facts_dir())
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let path = entry.path();
                let ext = path.extension()?.to_str()?;
                if ext != "yaml" && ext != "yml" {
                    return None;
                }
                let year = path.file_stem()?.to_str()?.parse().ok()?;
                Some((year, path))
            })
            .collect();
        years.sort();
        years
    }

    /// The facts file an argument names: a path, or a bare year (`2021` → facts/2021.yaml).
    /// Without an argument, the latest year in `facts/`.
    pub fn facts_file(&self, arg: Option<&Path>) -> Result<PathBuf, Error> {
        match arg {
            Some(p) if p.exists() => Ok(p.to_path_buf()),
            Some(p) => {
                let s = p.to_string_lossy();
                if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
                    let candidate = self.facts_dir().join(format!("{s}.yaml"));
                    if candidate.exists() {
                        return Ok(candidate);
                    }
                }
                Err(Error::FactsNotFound {
                    arg: p.to_path_buf(),
                })
            }
            None => self
                .years()
                .pop()
                .map(|(_, p)| p)
                .ok_or_else(|| Error::NoFacts {
                    dir: self.facts_dir(),
                }),
        }
    }

    /// The facts files the arguments name (the latest year when there are none).
    pub fn facts_files(&self, args: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
        if args.is_empty() {
            return Ok(vec![self.facts_file(None)?]);
        }
        args.iter().map(|a| self.facts_file(Some(a))).collect()
    }

    /// Where the outputs of one facts file go: `output/<year>/`, or `DIR` given with `-o DIR`;
    /// when `several` facts files are rendered at once, each gets a folder named after its file
    /// (`2021` for facts/2021.yaml) under either.
    pub fn output_dir(
        &self,
        output: Option<&Path>,
        facts: &Path,
        several: bool,
        year: i64,
    ) -> PathBuf {
        let base = output.map_or_else(|| self.root.join("output"), Path::to_path_buf);
        match (several, output) {
            (true, _) => base.join(stem(facts)),
            (false, Some(_)) => base,
            (false, None) => base.join(year.to_string()),
        }
    }

    /// Refuses several facts files that would be written into one folder (`a/2021.yaml` and
    /// `b/2021.yaml`, or one file named twice): the second would silently replace the first.
    pub fn refuse_shared_output(
        &self,
        output: Option<&Path>,
        files: &[PathBuf],
    ) -> Result<(), Error> {
        if files.len() < 2 {
            return Ok(());
        }
        for (i, second) in files.iter().enumerate() {
            let dir = self.output_dir(output, second, true, 0);
            if let Some(first) = files[..i]
                .iter()
                .find(|f| self.output_dir(output, f, true, 0) == dir)
            {
                return Err(Error::SharedOutput {
                    dir,
                    first: first.clone(),
                    second: second.clone(),
                });
            }
        }
        Ok(())
    }
}

/// The folder name for a facts file's outputs: its stem (`2021` for facts/2021.yaml).
fn stem(facts: &Path) -> String {
    facts
        .file_stem()
        .unwrap_or(facts.as_os_str())
        .to_string_lossy()
        .into_owned()
}
