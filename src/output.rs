//! Writing outputs: each file goes to a temporary name beside its target and is renamed into
//! place, so a crash or a failed render never leaves a half-written speech.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Writes every file or none: all are rendered in memory before this is called, and each is
/// renamed into place only after its bytes are on disk.
pub fn write_all(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    let mut staged = Vec::new();
    for (path, bytes) in files {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let fail = |e: std::io::Error| Error::io(path, "无法写入输出文件", &e);
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
        staged.push((tmp, path));
    }
    for (tmp, path) in staged {
        tmp.persist(path)
            .map_err(|e| Error::io(path, "无法写入输出文件", &e.error))?;
    }
    Ok(())
}
