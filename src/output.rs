//! Writing outputs: each file goes to a temporary name beside its target and is renamed into
//! place, so a crash or a failed render never leaves a half-written speech.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes every file or none: all are rendered in memory before this is called, and each is
/// renamed into place only after its bytes are on disk.
pub fn write_all(files: &[(PathBuf, Vec<u8>)]) -> std::io::Result<()> {
    let mut staged = Vec::new();
    for (path, bytes) in files {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".speechgen-")
            .tempfile_in(dir)?;
        tmp.write_all(bytes)?;
        // Temporary files are created private (0600); an output is an ordinary readable file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        tmp.as_file().sync_all()?;
        staged.push((tmp, path));
    }
    for (tmp, path) in staged {
        tmp.persist(path).map_err(|e| e.error)?;
    }
    Ok(())
}
