//! What one edit in the workspace costs (issue 21: under 150 ms for a field shown in the speech):
//! `workspace::apply` (read, hash, replace the value's bytes, parse back, write atomically, the
//! form rebuilt with `check`'s problems) and then the speech re-rendered to HTML for the preview
//! (`serve::rerender`, as the server does after a change).
//!
//! `cargo bench --bench workspace_edit`, on a copy of the repository's sample. A benchmark, not a
//! timed test: a shared machine's wall times are too noisy to fail a build on.

#[path = "../tests/it/harness/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use speechgen::pipeline::{RenderKind, RenderRequest};
use speechgen::project::Project;
use speechgen::serve;
use speechgen::workspace::{self, Edit};

const TARGET: Duration = Duration::from_millis(150);

fn main() {
    let sample = common::Project::sample();
    let project = Project::at(sample.root()).unwrap();
    let req = RenderRequest {
        root: sample.root().to_path_buf(),
        facts: sample.facts(),
        kind: RenderKind::Draft,
    };
    let mut sha = workspace::form(&project, 2021).unwrap().sha256;
    // A count the speech prints (达标党支部), typed as a clerk types it, alternating values.
    let values = ["1381", "1380"];
    let mut apply_times = Vec::new();
    let mut total_times = Vec::new();
    for i in 0..120 {
        let edit = Edit {
            path: "organisation.branches_qualified".into(),
            raw: values[i % 2].into(),
        };
        let t = Instant::now();
        let saved = workspace::apply(&project, 2021, &sha, &edit).expect("saved");
        let applied = t.elapsed();
        let view = serve::rerender(&req);
        let total = t.elapsed();
        std::hint::black_box(&view);
        sha = saved.sha256;
        if i >= 20 {
            apply_times.push(applied);
            total_times.push(total);
        }
    }
    apply_times.sort();
    total_times.sort();
    report(
        "workspace::apply (write + form with check's problems)",
        &apply_times,
    );
    report(
        "apply + speech re-rendered to HTML (serve::rerender)",
        &total_times,
    );
    let median = total_times[total_times.len() / 2];
    println!(
        "target: one edit under {TARGET:?}: {} (median {median:?})",
        if median < TARGET { "met" } else { "MISSED" }
    );
}

fn report(what: &str, sorted: &[Duration]) {
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q) as usize];
    println!(
        "{what}: median {:?}, p90 {:?}, max {:?} ({} runs)",
        at(0.5),
        at(0.9),
        sorted[sorted.len() - 1],
        sorted.len()
    );
}
