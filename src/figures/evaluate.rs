//! One evaluator: every figure computed and every claim judged against one year's facts, once.
//! What it finds is the trace (`trace`) every view formats, and the diagnostics `check` prints.

use crate::diagnostic::Diagnostic;
use crate::facts::Facts;

use super::declaration::{Declarations, FigureDecl};
use super::trace::Evaluation;

/// Computes every declared figure and checks every rule against one year's facts.
pub fn evaluate(decls: &Declarations, facts: &Facts) -> Evaluation {
    let patterns = decls.fact_patterns();
    let unknown = facts.unknown_keys(&patterns);
    let mut ev = Evaluator {
        decls,
        facts,
        diagnostics: Vec::new(),
        figure: None,
        typos: unknown.iter().filter_map(|u| u.meant.clone()).collect(),
    };
    let figures = decls.figures.iter().map(|d| ev.figure_value(d)).collect();
    let rules = decls
        .rules
        .iter()
        .map(|rule| {
            ev.figure = None;
            ev.claim(rule)
        })
        .collect();
    let mut diagnostics = ev.diagnostics;
    diagnostics.extend(unknown.into_iter().map(|u| u.diagnostic));
    diagnostics.extend(facts.reserved_key_problems());
    diagnostics.extend(crate::sources::check(facts, &patterns));
    diagnostics.extend(crate::confirmed::check(facts, &patterns));
    if facts.sample {
        let pos = facts
            .doc
            .root
            .get("sample")
            .map(|e| e.key_pos)
            .unwrap_or(facts.doc.root.pos);
        diagnostics.push(
            facts
                .doc
                .warning(
                    "sample-data",
                    pos,
                    "这是样例数据（sample: true）：数字是虚构的，不能用于正式讲话",
                )
                .with_hint("填入真实数据并核对后，删除 sample: true 这一行"),
        );
    }
    dedup(&mut diagnostics);
    Evaluation {
        figures,
        rules,
        diagnostics,
    }
}

/// A fact read by several figures is reported once, for the first figure that reads it.
fn dedup(diagnostics: &mut Vec<Diagnostic>) {
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    for d in diagnostics.drain(..) {
        if !kept
            .iter()
            .any(|k| k.code == d.code && k.location == d.location)
        {
            kept.push(d);
        }
    }
    *diagnostics = kept;
}

pub(super) struct Evaluator<'a> {
    pub(super) decls: &'a Declarations,
    pub(super) facts: &'a Facts,
    pub(super) diagnostics: Vec<Diagnostic>,
    /// The figure being computed, named in every diagnostic it causes.
    pub(super) figure: Option<&'a FigureDecl>,
    /// Fact paths an unknown key was probably meant to be: missing because of that one typo,
    /// which is reported once, as the unknown key.
    pub(super) typos: Vec<String>,
}
