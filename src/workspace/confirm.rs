//! Confirming carried-over values: their paths written into the facts file's `confirmed:` list
//! (the list `confirmed.rs` reads), with the file's comments and every other byte kept. The
//! page's one click and `speechgen confirm FACTS PATH…` are this same code.

use std::path::Path;

use super::form::{CARRIED_OVER, Problem};
use super::save::{OnDisk, SaveError, Saved, saved};
use crate::confirmed::{self, KEY};
use crate::error::Error;
use crate::facts::Facts;
use crate::pipeline;
use crate::project::Project;
use crate::yaml::{self, Document, Value};

/// One value that could be confirmed: its fact path and check's warning about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub path: String,
    pub message: String,
}

/// The values of the facts file at `file` still last year's and not yet confirmed, in the order
/// of the file: check's carried-over warnings.
pub fn candidates(project: &Project, file: &Path) -> Result<Vec<Candidate>, Error> {
    let checked = pipeline::check(&project.root, file).map_err(Error::from)?;
    Ok(checked
        .diagnostics
        .iter()
        .filter(|d| CARRIED_OVER.contains(&d.code))
        .filter_map(|d| {
            Some(Candidate {
                path: d.fact.clone()?,
                message: d.message.clone(),
            })
        })
        .collect())
}

/// Adds `paths` to `confirmed:` in `year`'s facts file when its hash is still `expected_sha256`.
/// Each must be a value still carried over (else nothing is written).
pub fn confirm(
    project: &Project,
    year: i64,
    expected_sha256: &str,
    paths: &[String],
) -> Result<Saved, SaveError> {
    let disk = OnDisk::read(project, year)?;
    confirm_on_disk(project, year, &disk, expected_sha256, paths)
}

/// [`confirm`] for the facts file at `file` (the command line names a file).
pub fn confirm_file(
    project: &Project,
    file: &Path,
    expected_sha256: &str,
    paths: &[String],
) -> Result<Saved, SaveError> {
    let disk = OnDisk::read_path(file)?;
    let year = disk
        .doc()
        .ok()
        .and_then(|d| Facts::from_document(d).ok())
        .map_or(0, |f| f.year);
    confirm_on_disk(project, year, &disk, expected_sha256, paths)
}

fn confirm_on_disk(
    project: &Project,
    year: i64,
    disk: &OnDisk,
    expected_sha256: &str,
    paths: &[String],
) -> Result<Saved, SaveError> {
    disk.expect(expected_sha256, KEY, &paths.join("\n"))?;
    if paths.is_empty() {
        return Err(SaveError::Invalid(vec![Problem::error(
            "nothing-to-confirm",
            "没有指定要确认的值",
        )]));
    }
    let open = candidates(project, &disk.path).map_err(|e| SaveError::Io(e.to_string()))?;
    let not_carried: Vec<Problem> = paths
        .iter()
        .filter(|p| !open.iter().any(|c| &c.path == *p))
        .map(|p| {
            Problem::error(
                "not-carried-over",
                format!("{p} 不是沿用上年而待确认的值（可能已确认，或今年已改过）：未写入"),
            )
        })
        .collect();
    if !not_carried.is_empty() {
        return Err(SaveError::Invalid(not_carried));
    }
    let doc = disk.doc()?;
    let (at, text) = insertion(&doc, paths).map_err(|p| SaveError::Invalid(vec![p]))?;
    // Read back: every path listed, every other value as it was.
    let mut new_text = doc.text.clone();
    new_text.insert_str(at, &text);
    verify(&doc, &new_text, paths)
        .map_err(|m| SaveError::Invalid(vec![Problem::error("not-writable", m)]))?;
    let at = disk.skip + at;
    let (sha256, undo) = disk.write(KEY, at, at, text.as_bytes())?;
    saved(project, year, &disk.path, sha256, undo)
}

/// Where in the text the paths go and what is inserted there: lines under `confirmed:` (the
/// list added at the end of the file when there is none), or items inside its brackets.
fn insertion(doc: &Document, paths: &[String]) -> Result<(usize, String), Problem> {
    let text = &doc.text;
    let line_break = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let after_line = |line: usize| -> (usize, &str) {
        // The start of the next line, or the end of the text (then a line break is needed first).
        match doc_line_start(doc, line + 1) {
            Some(start) => (start, ""),
            None if text.ends_with('\n') => (text.len(), ""),
            None => (text.len(), line_break),
        }
    };
    let items = |indent: usize| -> String {
        paths
            .iter()
            .map(|p| format!("{}- {p}{line_break}", " ".repeat(indent)))
            .collect()
    };
    let Some(entry) = doc.root.get(KEY) else {
        let lead = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            line_break
        };
        return Ok((
            text.len(),
            format!("{lead}{line_break}{KEY}:{line_break}{}", items(2)),
        ));
    };
    match &entry.value.value {
        Value::Null => {
            let (at, lead) = after_line(entry.key_pos.line);
            Ok((at, format!("{lead}{}", items(entry.key_pos.column - 1 + 2))))
        }
        Value::Seq(list) if yaml::is_flow(doc, &entry.value) => {
            let (open, _) = yaml::span_at(doc, KEY)
                .map(|(n, _)| (n, ()))
                .ok_or_else(wrong)?;
            let from = yaml::byte_offset(doc, open.pos.line, open.pos.column).ok_or_else(wrong)?;
            let close = match list.last() {
                Some(_) => {
                    let last = yaml::span_at(doc, &format!("{KEY}.{}", list.len() - 1))
                        .and_then(|(_, s)| s)
                        .ok_or_else(wrong)?;
                    let rest = &text[last.end..];
                    return rest
                        .find(']')
                        .map(|_| (last.end, paths.iter().map(|p| format!(", {p}")).collect()))
                        .ok_or_else(wrong);
                }
                None => text[from..].find(']').map(|i| from + i).ok_or_else(wrong)?,
            };
            Ok((close, paths.join(", ")))
        }
        Value::Seq(list) => {
            let last = list.last().ok_or_else(wrong)?;
            let line = doc.line_text(last.pos.line).unwrap_or_default();
            let indent = line.len() - line.trim_start_matches(' ').len();
            let (at, lead) = after_line(last.pos.line);
            Ok((at, format!("{lead}{}", items(indent))))
        }
        _ => Err(wrong()),
    }
}

fn wrong() -> Problem {
    Problem::error(
        "wrong-type",
        "confirmed: 应是事实路径的列表（每行 - 事实路径）：请先在文本编辑器中改正",
    )
}

/// The byte offset where line `line` (from 1) starts, if the text has it.
fn doc_line_start(doc: &Document, line: usize) -> Option<usize> {
    doc.line_text(line)?;
    yaml::byte_offset(doc, line, 1)
}

/// The new text lists every path under `confirmed:` and holds every other value as before.
fn verify(old: &Document, new_text: &str, paths: &[String]) -> Result<(), String> {
    let new = yaml::parse(&old.path, new_text.to_owned())
        .map_err(|d| format!("写入 confirmed: 后文件无法解析（{}）：未写入", d.message))?;
    let facts =
        Facts::from_document(new.clone()).map_err(|_| "写入后无法读取：未写入".to_owned())?;
    let listed = confirmed::read(&facts);
    if let Some(p) = paths.iter().find(|p| !listed.contains(p)) {
        return Err(format!("写入后 confirmed: 中读不到 {p}：未写入"));
    }
    for (path, _) in yaml::spans(old) {
        if path == KEY || path.starts_with("confirmed.") {
            continue;
        }
        let before = yaml::span_at(old, &path).and_then(|(n, _)| yaml::typed_text(n));
        let after = yaml::span_at(&new, &path).and_then(|(n, _)| yaml::typed_text(n));
        if before != after {
            return Err(format!("写入 confirmed: 会改动 {path}：未写入"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(text: &str, paths: &[&str]) -> String {
        let doc = yaml::parse(Path::new("facts/2022.yaml"), text.to_owned()).unwrap();
        let paths: Vec<String> = paths.iter().map(|p| (*p).to_owned()).collect();
        let (at, ins) = insertion(&doc, &paths).unwrap();
        let mut out = text.to_owned();
        out.insert_str(at, &ins);
        verify(&doc, &out, &paths).unwrap();
        out
    }

    #[test]
    fn paths_go_into_the_list_in_each_of_its_shapes() {
        let base = "year: 2022\na:\n  n: 1   # 注\n";
        assert_eq!(
            add(base, &["a.n"]),
            format!("{base}\nconfirmed:\n  - a.n\n")
        );
        assert_eq!(
            add("year: 2022\na:\n  n: 1", &["a.n"]),
            "year: 2022\na:\n  n: 1\n\nconfirmed:\n  - a.n\n"
        );
        let emptied = format!("{base}confirmed:   # 核实后逐项列出\nz: 1\n");
        assert_eq!(
            add(&emptied, &["a.n", "a.m"]),
            format!("{base}confirmed:   # 核实后逐项列出\n  - a.n\n  - a.m\nz: 1\n")
        );
        let block = format!("{base}confirmed:\n  - a.x\n# 尾注\n");
        assert_eq!(
            add(&block, &["a.n"]),
            format!("{base}confirmed:\n  - a.x\n  - a.n\n# 尾注\n")
        );
        assert_eq!(
            add(&format!("{base}confirmed: [a.x]  # 注\n"), &["a.n"]),
            format!("{base}confirmed: [a.x, a.n]  # 注\n")
        );
        assert_eq!(
            add(&format!("{base}confirmed: []\n"), &["a.n", "a.m"]),
            format!("{base}confirmed: [a.n, a.m]\n")
        );
        let crlf = "year: 2022\r\na:\r\n  n: 1\r\nconfirmed:\r\n";
        assert_eq!(
            add(crlf, &["a.n"]),
            "year: 2022\r\na:\r\n  n: 1\r\nconfirmed:\r\n  - a.n\r\n"
        );
    }
}
