//! A speech project on disk: a folder holding `templates/` and `facts/`, found like cargo finds
//! Cargo.toml (from the current folder upward) or given with `--root`.

use std::path::{Path, PathBuf};

pub const TEMPLATE_FILE: &str = "speech.md.tera";
pub const FIGURES_FILE: &str = "figures.yaml";

#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
}

impl Project {
    /// The nearest folder at or above `start` that holds both `templates/` and `facts/`.
    pub fn discover(start: &Path) -> Result<Project, String> {
        let start = start
            .canonicalize()
            .map_err(|e| format!("无法访问 {}：{e}", start.display()))?;
        for dir in start.ancestors() {
            if dir.join("templates").is_dir() && dir.join("facts").is_dir() {
                return Ok(Project {
                    root: dir.to_path_buf(),
                });
            }
        }
        Err(format!(
            "在 {} 及其上级文件夹中找不到讲话稿项目（同时含有 templates/ 和 facts/ 的文件夹）；请进入项目文件夹，或用 --root 指定",
            start.display()
        ))
    }

    pub fn at(root: &Path) -> Result<Project, String> {
        if root.join("templates").is_dir() && root.join("facts").is_dir() {
            Ok(Project {
                root: root.to_path_buf(),
            })
        } else {
            Err(format!(
                "{} 不是讲话稿项目：需要 templates/ 和 facts/ 两个文件夹",
                root.display()
            ))
        }
    }

    pub fn template(&self) -> PathBuf {
        self.root.join("templates").join(TEMPLATE_FILE)
    }

    pub fn figures(&self) -> PathBuf {
        self.root.join("templates").join(FIGURES_FILE)
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
    pub fn facts_file(&self, arg: Option<&Path>) -> Result<PathBuf, String> {
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
                Err(format!("找不到事实文件 {}", p.display()))
            }
            None => self.years().pop().map(|(_, p)| p).ok_or_else(|| {
                format!(
                    "{} 中没有以年份命名的事实文件（如 2021.yaml）",
                    self.facts_dir().display()
                )
            }),
        }
    }
}
