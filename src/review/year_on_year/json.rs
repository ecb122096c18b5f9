//! The year-on-year report as one JSON document, for programs.

use serde_json::{Value, json};

use super::{Place, YearOnYear};

fn place(p: &Place) -> Value {
    json!({"file": p.file, "line": p.line, "column": p.column})
}

pub fn write(r: &YearOnYear) -> String {
    let doc = json!({
        "old": {"year": r.old.year, "file": r.old.file, "sample": r.old.sample},
        "new": {"year": r.new.year, "file": r.new.file, "sample": r.new.sample},
        "figures": r.figures.iter().map(|c| json!({
            "id": c.id,
            "label": c.label,
            "before": c.before,
            "after": c.after,
        })).collect::<Vec<_>>(),
        "facts": r.facts.iter().map(|f| json!({
            "path": f.path,
            "label": f.label,
            "before": f.before,
            "after": f.after,
            "place": f.place.as_ref().map(place),
            "printed_same": f.printed_same,
        })).collect::<Vec<_>>(),
        "carried": r.carried.iter().map(|c| json!({
            "path": c.path,
            "label": c.label,
            "kind": if c.name { "names" } else { "number" },
            "value": c.value,
            "place": place(&c.place),
            "confirmed": c.confirmed,
        })).collect::<Vec<_>>(),
        "summary": r.summary(),
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("a JSON value serialises");
    s.push('\n');
    s
}
