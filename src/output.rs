//! Writing outputs: each file goes to a temporary name beside its target and is renamed into
//! place, so a crash or a failed render never leaves a half-written speech.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::input::Refused;
use crate::report::shown_path;

/// Writes `bytes` to `path` and says so on standard error, or writes them to standard output
/// when there is no path (the machine formats, and a report asked for without `-o`).
pub fn write_or_print(path: Option<&Path>, bytes: &[u8]) -> Result<(), Error> {
    match path {
        Some(path) => {
            write_all(&[(path.to_path_buf(), bytes.to_vec())])?;
            eprintln!("已写入 {}", shown_path(path));
            Ok(())
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .map_err(|e| Error::io("标准输出", "无法输出", &e))
        }
    }
}

/// Writes every file or none: each is staged, and all are renamed into place only once every
/// one is on disk.
pub fn write_all(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    let staged = files
        .iter()
        .map(|(path, bytes)| Staged::new(path, bytes))
        .collect::<Result<Vec<_>, _>>()?;
    commit(staged)
}

/// A file written under a temporary name in its target's folder, not yet in place: `commit`
/// renames it into place; dropped uncommitted, it is removed. A render stages each format as it
/// is made, so that its bytes need not stay in memory until the last one is done.
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Staged {
    /// Writes `bytes` to a temporary file beside `path` (its folder is created if need be).
    pub fn new(path: &Path, bytes: &[u8]) -> Result<Staged, Error> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let fail = |e: std::io::Error| Error::io(path, "无法写入输出文件", &e);
        // The file is renamed over whatever has its name: never over a folder, a named pipe or
        // a device (as root, over /dev/full itself). A link is followed to what it names.
        if let Some(refused) = std::fs::metadata(path).ok().as_ref().and_then(Refused::of) {
            return Err(Error::Io {
                path: path.to_path_buf(),
                message: format!(
                    "无法写入：这是一个{}，不是普通文件；输出只写成普通文件，不会替换文件夹、命名管道或设备，请另选一个文件名",
                    refused.what()
                ),
            });
        }
        std::fs::create_dir_all(dir).map_err(fail)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".speechgen-")
            .tempfile_in(dir)
            .map_err(fail)?;
        tmp.write_all(bytes).map_err(fail)?;
        // Temporary files are created private (0600); an output is an ordinary readable file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(fail)?;
        }
        tmp.as_file().sync_all().map_err(fail)?;
        Ok(Staged {
            tmp,
            path: path.to_path_buf(),
        })
    }

    /// Where the file goes.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Renames every staged file into place.
pub fn commit(staged: Vec<Staged>) -> Result<(), Error> {
    for Staged { tmp, path } in staged {
        tmp.persist(&path)
            .map_err(|e| Error::io(&path, "无法写入输出文件", &e.error))?;
    }
    Ok(())
}
