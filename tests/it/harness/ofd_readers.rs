//! The OFD readers written by others: `ofdkit` (the document, pages, text runs, custom tags) and
//! `fontTools` (each embedded face), from the Python package registry, installed by `.ci/run`
//! into a virtual environment. Its python is `$SPEECHGEN_OFD_PYTHON`, else
//! `target/ofd-venv/bin/python` in the repository. Missing outside CI, a test is passed over
//! with a note; under `CI=true` it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::REPO;

/// The virtual environment's python, or None (with a note) when it is missing outside CI.
pub fn python() -> Option<PathBuf> {
    let found = std::env::var_os("SPEECHGEN_OFD_PYTHON")
        .map(PathBuf::from)
        .or_else(|| Some(Path::new(REPO).join("target/ofd-venv/bin/python")))
        .filter(|p| p.is_file());
    if found.is_none() {
        const INSTALL: &str = "python3 -m venv target/ofd-venv && target/ofd-venv/bin/pip install ofdkit==0.2.0 fonttools==4.68.0 (as .ci/run does), or set SPEECHGEN_OFD_PYTHON";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the OFD readers are required under CI=true ({INSTALL})"
        );
        eprintln!("SKIPPED: the OFD readers not found, check not made ({INSTALL})");
    }
    found
}

/// What ofdkit and fontTools read from the OFD at `path` (`ofd_readers.py`'s JSON): `info`
/// (DocInfo), `pages` (each `width`, `height`, `text`, `runs` with `text`, `x`, `y` (the
/// baseline), `size` in mm), `figures` (each custom tag's `name` and the `texts` of the objects
/// it points at), `faces` (each embedded face: `tables`, `glyphs`, `chars` shown, `mapped` by its
/// cmap, `missing` from it), `warnings`.
pub fn read(python: &Path, path: &Path) -> serde_json::Value {
    let script = Path::new(REPO).join("tests/it/harness/ofd_readers.py");
    let out = Command::new(python)
        .arg(&script)
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", python.display()));
    assert!(
        out.status.success(),
        "the OFD readers failed on {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the readers' JSON")
}
