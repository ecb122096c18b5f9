//! Where a value stands, written as people in the project folder know it: `facts/2021.yaml:12:5`.

use std::path::Path;

use crate::facts::Facts;
use crate::yaml::Pos;

/// `facts/2021.yaml:12:5`, relative to the project where possible (it is shown to people).
pub fn source_ref(facts: &Facts, pos: Pos) -> String {
    format!(
        "{}:{}:{}",
        display_path(&facts.doc.path),
        pos.line,
        pos.column
    )
}

/// `facts/2021.yaml:12`: the line alone, as the verification sheet lists an input's place.
pub fn line_ref(facts: &Facts, pos: Pos) -> String {
    format!("{}:{}", display_path(&facts.doc.path), pos.line)
}

/// A path as people in the project folder know it: `facts/2021.yaml`.
pub fn display_path(path: &Path) -> String {
    let parent_dir = path.parent().and_then(|p| p.file_name());
    match (parent_dir, path.file_name()) {
        (Some(dir), Some(name)) => format!("{}/{}", dir.to_string_lossy(), name.to_string_lossy()),
        _ => path.display().to_string(),
    }
}
