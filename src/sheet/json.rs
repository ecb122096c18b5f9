//! The sheet as one JSON document: everything the printed sheet shows, typed, for programs.
//! It carries the digest manifest under `speechgen-digest`, so `speechgen verify` reads it too.

use serde_json::{Value, json};

use super::{ChangeUnit, Input, InputValue, Previous, Sheet};

fn input(i: &Input) -> Value {
    let value = match &i.value {
        InputValue::Count(n) => json!(n),
        InputValue::Number(t) => t
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| json!(t), Value::Number),
        InputValue::Names(names) => json!(names),
        InputValue::Unfilled | InputValue::Missing => Value::Null,
        InputValue::Invalid(t) => json!(t),
    };
    let state = match &i.value {
        InputValue::Unfilled => "unfilled",
        InputValue::Missing => "missing",
        InputValue::Invalid(_) => "invalid",
        _ => "ok",
    };
    json!({
        "role": i.role,
        "path": i.path,
        "value": value,
        "state": state,
        "place": i.place,
    })
}

pub fn write(sheet: &Sheet) -> String {
    let previous = match &sheet.previous {
        Previous::Loaded { file, year, sample } => {
            json!({"file": file, "year": year, "state": "loaded", "sample": sample})
        }
        Previous::Missing { file } => json!({"file": file, "state": "missing"}),
        Previous::Unreadable { file, reason } => {
            json!({"file": file, "state": "unreadable", "reason": reason})
        }
    };
    let figures: Vec<Value> = sheet
        .figures
        .iter()
        .map(|f| {
            json!({
                "number": f.number,
                "id": f.id,
                "label": f.label,
                "unit": f.unit,
                "kind": f.kind,
                "status": f.status.as_str(),
                "printed": f.printed,
                "inputs": f.inputs.iter().map(input).collect::<Vec<_>>(),
                "formula": f.formula,
                "places": f.places(),
                "source": f.source,
                "last_year": f.last_year.as_ref().map(|l| json!({
                    "status": l.status.as_str(),
                    "printed": l.printed,
                })),
                "change": f.change.as_ref().map(|c| json!({
                    "text": c.text,
                    "amount": c.amount,
                    "unit": match c.unit {
                        ChangeUnit::Percent => "percent",
                        ChangeUnit::Points => "points",
                        ChangeUnit::Names => "names",
                    },
                    "flagged": c.flagged,
                    "limit": c.limit,
                    "confirmed": c.confirmed,
                })),
            })
        })
        .collect();
    let claims: Vec<Value> = sheet
        .claims
        .iter()
        .map(|c| {
            json!({
                "number": c.number,
                "id": c.id,
                "label": c.label,
                "kind": c.kind,
                "inputs": c.inputs.iter().map(input).collect::<Vec<_>>(),
                "detail": c.detail,
                "holds": c.holds,
                "places": c.places(),
                "source": c.source,
            })
        })
        .collect();
    let doc = json!({
        "year": sheet.year,
        "facts": sheet.facts_file,
        "sample": sheet.sample,
        "digest": {
            "sha256": sheet.digest.sha256,
            "short": sheet.digest.short(),
            "version": sheet.digest.version,
            "inputs": sheet.digest.inputs.iter().map(|i| json!({"path": i.path, "sha256": i.sha256})).collect::<Vec<_>>(),
        },
        "speechgen-digest": sheet.digest.manifest(),
        "previous": previous,
        "figures": figures,
        "claims": claims,
        "open_rows": sheet.open_rows(),
        "errors": sheet.errors,
        "flagged": sheet.flagged(),
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("a JSON value always serialises");
    out.push('\n');
    out
}
