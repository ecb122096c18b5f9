//! The comparison as JSON, for other programs.

use super::{ChangeKind, Mark, WordingDiff};

impl WordingDiff {
    /// The changes as JSON, for other programs.
    pub fn json(&self) -> serde_json::Value {
        let changes: Vec<serde_json::Value> = self
            .changes
            .iter()
            .map(|c| {
                serde_json::json!({
                    "kind": c.kind.name(),
                    "part": c.part,
                    "old": c.old_text(),
                    "new": c.new_text(),
                    "marks": c.marks.iter().filter_map(mark_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::json!({
            "old": self.old_name,
            "new": self.new_name,
            "summary": {
                "reworded": self.count(ChangeKind::Reworded),
                "inserted": self.count(ChangeKind::Inserted),
                "deleted": self.count(ChangeKind::Deleted),
                "figures": self.count(ChangeKind::Figures),
            },
            "changes": changes,
        })
    }
}

fn mark_json(mark: &Mark) -> Option<serde_json::Value> {
    match mark {
        Mark::Break { .. } => None,
        Mark::Text { text, op, .. } => Some(serde_json::json!({"op": op.name(), "text": text})),
        Mark::Figure {
            id, old, new, op, ..
        } => Some(serde_json::json!({
            "op": if mark.is_changed_figure() { "figure" } else { op.name() },
            "figure": id,
            "old": old,
            "new": new,
        })),
    }
}
