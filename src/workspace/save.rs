//! One edit of a facts file: the file's hash compared first (a changed file is found by its
//! bytes, never by its time), only the value's bytes replaced, written to a temporary file beside
//! it and renamed into place (retried while another program holds the file), with an undo.
//!
//! Nothing else is ever written: the new text is parsed back before it is written, and must hold
//! the typed value at the edited path; the rest is the old file's bytes as they were.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use super::field::{explain_at, refuses};
use super::form::{FieldKind, Form, Problem, facts_path, form_of_file, kind_at};
use crate::digest::sha256_hex;
use crate::figures::Declarations;
use crate::project::Project;
use crate::yaml::{self, Document};

/// What the clerk typed into the field at `path`; the workspace decides the quoting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Edit {
    pub path: String,
    pub raw: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    pub sha256: String,
    #[serde(skip)]
    pub undo: Undo,
    pub form: Form,
}

/// The previous bytes of one place in the file and the hash of the file they were replaced in:
/// opaque to the server, which keeps the last one per year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undo {
    /// The fact path edited (for the conflict's on-disk value), or `confirmed`.
    pub(crate) path: String,
    /// Byte range of the bytes written, in the file as saved.
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The bytes that stood there before.
    pub(crate) previous: Vec<u8>,
    /// SHA-256 of the file as saved: the undo applies to that file only.
    pub(crate) after: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SaveError {
    /// The file changed since the page read it: nothing was written.
    Conflict {
        on_disk_sha256: String,
        on_disk_value: Option<String>,
        yours: String,
    },
    /// The typed value cannot be saved as it is (or the path is not in the file).
    Invalid(Vec<Problem>),
    /// Another program holds the file; tried `tries` times.
    Locked {
        tries: u32,
        message: String,
    },
    Io(String),
}

/// How many times a refused rename is tried, and the pause between tries.
pub const RENAME_TRIES: u32 = 5;
const RENAME_PAUSE: Duration = Duration::from_millis(200);

/// A byte-order mark: kept in front of the text the spans index.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The file as read: its bytes, their hash, and the parsed text (without a byte-order mark).
pub(crate) struct OnDisk {
    pub(crate) path: PathBuf,
    pub(crate) bytes: Vec<u8>,
    pub(crate) sha256: String,
    /// Bytes before the text the spans index (a byte-order mark).
    pub(crate) skip: usize,
}

impl OnDisk {
    /// Reads `year`'s facts file through the bounded reader.
    pub(crate) fn read(project: &Project, year: i64) -> Result<OnDisk, SaveError> {
        let path = facts_path(project, year).map_err(|e| SaveError::Io(e.to_string()))?;
        OnDisk::read_path(&path)
    }

    pub(crate) fn read_path(path: &Path) -> Result<OnDisk, SaveError> {
        let bytes = yaml::read_bounded(path).map_err(|d| SaveError::Io(d.message))?;
        Ok(OnDisk {
            path: path.to_path_buf(),
            sha256: sha256_hex(&bytes),
            skip: if bytes.starts_with(BOM) { BOM.len() } else { 0 },
            bytes,
        })
    }

    /// The parsed file, or its syntax error as a problem.
    pub(crate) fn doc(&self) -> Result<Document, SaveError> {
        yaml::from_bytes(&self.path, &self.bytes)
            .map_err(|d| SaveError::Invalid(vec![Problem::from_diagnostic(&d)]))
    }

    /// A conflict when the file is no longer the one the page read.
    pub(crate) fn expect(&self, expected: &str, path: &str, yours: &str) -> Result<(), SaveError> {
        if self.sha256 == expected {
            return Ok(());
        }
        let on_disk_value = self.doc().ok().and_then(|doc| {
            let (node, _) = yaml::span_at(&doc, path)?;
            yaml::typed_text(node)
        });
        Err(SaveError::Conflict {
            on_disk_sha256: self.sha256.clone(),
            on_disk_value,
            yours: yours.to_owned(),
        })
    }

    /// Writes the bytes with `start..end` replaced by `new`, and returns the new hash and the
    /// undo of it.
    pub(crate) fn write(
        &self,
        path_edited: &str,
        start: usize,
        end: usize,
        new: &[u8],
    ) -> Result<(String, Undo), SaveError> {
        let mut bytes = Vec::with_capacity(self.bytes.len() + new.len());
        bytes.extend_from_slice(&self.bytes[..start]);
        bytes.extend_from_slice(new);
        bytes.extend_from_slice(&self.bytes[end..]);
        // The file must still be the one read: another program may have saved it meanwhile.
        let again = yaml::read_bounded(&self.path).map_err(|d| SaveError::Io(d.message))?;
        if sha256_hex(&again) != self.sha256 {
            let doc = yaml::from_bytes(&self.path, &again).ok();
            return Err(SaveError::Conflict {
                on_disk_sha256: sha256_hex(&again),
                on_disk_value: doc
                    .and_then(|d| yaml::typed_text(yaml::span_at(&d, path_edited)?.0)),
                yours: String::from_utf8_lossy(new).into_owned(),
            });
        }
        write_atomically(&self.path, &bytes)?;
        let after = sha256_hex(&bytes);
        let undo = Undo {
            path: path_edited.to_owned(),
            start,
            end: start + new.len(),
            previous: self.bytes[start..end].to_vec(),
            after: after.clone(),
        };
        Ok((after, undo))
    }
}

/// Writes `edit` into `year`'s facts file when its hash is still `expected_sha256`.
pub fn apply(
    project: &Project,
    year: i64,
    expected_sha256: &str,
    edit: &Edit,
) -> Result<Saved, SaveError> {
    let disk = OnDisk::read(project, year)?;
    disk.expect(expected_sha256, &edit.path, &edit.raw)?;
    let doc = disk.doc()?;
    let Some((node, span)) = yaml::span_at(&doc, &edit.path) else {
        return Err(SaveError::Invalid(vec![Problem::error(
            "unknown-path",
            format!("事实文件中没有 {} 这一项：请刷新页面", edit.path),
        )]));
    };
    if yaml::typed_text(node).is_none() {
        return Err(SaveError::Invalid(vec![Problem::error(
            "not-a-value",
            format!("{} 是一组或一个列表，不是一个值：请逐项填写", edit.path),
        )]));
    }
    let Some(span) = span else {
        return Err(SaveError::Invalid(vec![Problem::error(
            "not-editable",
            format!(
                "{} 在文件中跨行书写（第 {} 行），页面上无法只改它：请在文本编辑器中修改",
                edit.path, node.pos.line
            ),
        )]));
    };
    if edit.raw.len() > MAX_VALUE_BYTES {
        return Err(SaveError::Invalid(vec![Problem::error(
            "too-long",
            format!("输入的内容太长（超过 {} KB）", MAX_VALUE_BYTES / 1024),
        )]));
    }
    let decls = Declarations::load(&project.figures_for(Some(year))).ok();
    let kind = kind_at(decls.as_ref(), &doc, &edit.path);
    let problems = explain_at(kind, &edit.path, &edit.raw);
    if refuses(&problems) {
        return Err(SaveError::Invalid(problems));
    }
    let as_text = matches!(kind, FieldKind::Name | FieldKind::Text);
    let written = yaml::written_for(&doc.text, &span, &edit.raw, as_text);
    let new_text = yaml::replace_value(&doc.text, &span, &edit.raw, as_text);
    // Read back before writing: the edited path holds what was typed, the file still parses.
    let back = yaml::parse(&disk.path, new_text);
    let reads_back = back.as_ref().ok().and_then(|d| {
        let (n, _) = yaml::span_at(d, &edit.path)?;
        yaml::typed_text(n)
    });
    if reads_back.as_deref() != Some(edit.raw.as_str()) {
        return Err(SaveError::Invalid(vec![Problem::error(
            "not-writable",
            format!(
                "“{}”无法写成 YAML 而原样读回：未保存",
                crate::text::escape_invisible(&edit.raw)
            ),
        )]));
    }
    let (start, end) = (disk.skip + span.start, disk.skip + span.end);
    let (sha256, undo) = disk.write(&edit.path, start, end, written.as_bytes())?;
    saved(project, year, &disk.path, sha256, undo)
}

/// The largest value the page may type: a facts value is a number or a name.
pub const MAX_VALUE_BYTES: usize = 16 * 1024;

/// Puts the previous bytes of the last edit back, under the same hash rule: the file must be the
/// one the edit saved. Its own undo puts the edit back again.
pub fn undo(
    project: &Project,
    year: i64,
    expected_sha256: &str,
    undo: &Undo,
) -> Result<Saved, SaveError> {
    let disk = OnDisk::read(project, year)?;
    let yours = String::from_utf8_lossy(&undo.previous).into_owned();
    disk.expect(expected_sha256, &undo.path, &yours)?;
    // An undo made for another state of the file: the file changed since that edit.
    disk.expect(&undo.after, &undo.path, &yours)?;
    if undo.end > disk.bytes.len() || undo.start > undo.end {
        return Err(SaveError::Io("撤销的位置不在文件中".into()));
    }
    let (sha256, redo) = disk.write(&undo.path, undo.start, undo.end, &undo.previous)?;
    saved(project, year, &disk.path, sha256, redo)
}

/// The result of a write: the new hash, the undo, and the form read again.
pub(crate) fn saved(
    project: &Project,
    year: i64,
    path: &Path,
    sha256: String,
    undo: Undo,
) -> Result<Saved, SaveError> {
    let form = form_of_file(project, year, path).map_err(|e| SaveError::Io(e.to_string()))?;
    Ok(Saved { sha256, undo, form })
}

/// Writes `bytes` to a temporary file in `path`'s folder and renames it over `path`; a refused
/// rename is tried again [`RENAME_TRIES`] times in all, then explained.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    // A link is written through, to the file it names.
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = target.parent().unwrap_or(Path::new("."));
    let io = |e: std::io::Error| {
        SaveError::Io(format!(
            "无法写入 {}：{}",
            target.display(),
            crate::text::explain_io(&e)
        ))
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".speechgen-")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    if let Ok(meta) = std::fs::metadata(&target) {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    let mut tmp = Some(tmp);
    let result = with_retries(RENAME_TRIES, RENAME_PAUSE, || {
        let file = tmp.take().expect("kept between tries");
        match file.persist(&target) {
            Ok(_) => Ok(()),
            Err(e) => {
                tmp = Some(e.file);
                Err(e.error)
            }
        }
    });
    match result {
        Ok(()) => Ok(()),
        Err((tries, e)) if is_held(&e) => Err(SaveError::Locked {
            tries,
            message: format!(
                "{} 正被其他程序占用（如 WPS、Excel、杀毒软件或网盘同步），试了 {tries} 次仍无法保存：请关闭占用它的程序后再保存一次。文件没有改动",
                target.display()
            ),
        }),
        Err((_, e)) => Err(io(e)),
    }
}

/// Whether a refused rename is another program holding the file (Windows: sharing or lock
/// violation, access denied while a scanner has it open).
fn is_held(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(5 | 32 | 33) if cfg!(windows))
        || matches!(
            e.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ResourceBusy
        )
}

/// Runs `op` until it succeeds or has failed `tries` times with an error [`is_held`] calls a held
/// file (any other error stops at once), pausing between tries; the error with the tries made.
fn with_retries(
    tries: u32,
    pause: Duration,
    mut op: impl FnMut() -> std::io::Result<()>,
) -> Result<(), (u32, std::io::Error)> {
    let mut made = 0;
    loop {
        made += 1;
        match op() {
            Ok(()) => return Ok(()),
            Err(e) if is_held(&e) && made < tries => std::thread::sleep(pause),
            Err(e) => return Err((made, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    #[test]
    fn a_held_file_is_tried_again_then_explained() {
        let mut calls = 0;
        let r = with_retries(5, Duration::ZERO, || {
            calls += 1;
            if calls < 3 {
                Err(Error::from(ErrorKind::PermissionDenied))
            } else {
                Ok(())
            }
        });
        assert!(r.is_ok());
        assert_eq!(calls, 3);
        let r = with_retries(5, Duration::ZERO, || {
            Err(Error::from(ErrorKind::PermissionDenied))
        });
        assert_eq!(r.unwrap_err().0, 5);
        // Any other failure is not waited on.
        let r = with_retries(5, Duration::ZERO, || Err(Error::from(ErrorKind::NotFound)));
        assert_eq!(r.unwrap_err().0, 1);
    }
}
