//! What a save costs in `speechgen serve`: the re-render the server runs after a change
//! (`serve::rerender`: pipeline + preview view, PDF excluded; target under 20 ms for the sample),
//! and the whole path from saving the facts file to the new version being published.
//!
//! `cargo bench --bench rerender`, on a copy of the repository's sample (`facts/`, `templates/`).

#[path = "../tests/it/harness/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use speechgen::pipeline::{self, RenderKind, RenderRequest};
use speechgen::serve;

const TARGET: Duration = Duration::from_millis(20);

fn main() {
    let project = common::Project::sample();
    let req = RenderRequest {
        root: project.root().to_path_buf(),
        facts: project.facts(),
        kind: RenderKind::Draft,
    };
    let original = project.read_facts();
    // The preview page as the server would show it.
    let page = serve::rerender(&req).view.html;
    let (_, changed, _) = common::change_one_count(&project, &page);
    let versions = [original.as_str(), changed.as_str()];

    // Each iteration renders after a real change on disk, as the server does; the write is not timed.
    let measure = |f: &dyn Fn()| {
        let mut times = Vec::new();
        for i in 0..220 {
            project.save_facts(versions[i % 2]);
            let t = Instant::now();
            f();
            if i >= 20 {
                times.push(t.elapsed());
            }
        }
        times.sort();
        times
    };
    let pipeline_only = measure(&|| {
        let _ = std::hint::black_box(pipeline::render(&req));
    });
    let rerender = measure(&|| {
        std::hint::black_box(serve::rerender(&req));
    });
    report("pipeline::render (draft)", &pipeline_only);
    report("serve::rerender (pipeline + preview view)", &rerender);
    let median = rerender[rerender.len() / 2];
    println!(
        "target: re-render under {TARGET:?}: {} (median {median:?})",
        if median < TARGET { "met" } else { "MISSED" }
    );

    // Save → new version published, through the running server (includes the debounce).
    project.save_facts(versions[1]);
    let server = project.serve();
    let mut latencies = Vec::new();
    for i in 0..30 {
        let tag = server.get("/view").header("x-preview-tag").unwrap();
        let t = Instant::now();
        project.save_facts(versions[i % 2]);
        let next = server.get(&format!("/version?after={tag}")).text();
        latencies.push(t.elapsed());
        assert_ne!(next, tag);
        // Let the watcher settle so that saves do not merge into one debounce window.
        std::thread::sleep(serve::DEBOUNCE * 2);
    }
    latencies.sort();
    report(
        &format!("save → new version served (debounce {:?})", serve::DEBOUNCE),
        &latencies,
    );
    project.save_facts(&original);
}

fn report(what: &str, sorted: &[Duration]) {
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    println!(
        "{what}: n={} min {:?}  median {:?}  p95 {:?}  max {:?}",
        sorted.len(),
        sorted[0],
        at(0.5),
        at(0.95),
        sorted[sorted.len() - 1]
    );
}
