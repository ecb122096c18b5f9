//! Rendering the sample speech as `speechgen render` does, in process, stage by stage and whole
//! (`cargo bench --bench render`). A plain timing loop rather than criterion: it builds in seconds
//! and prints lines to quote. Wall times on a shared machine are noisy; for comparing two
//! versions of the code, count instructions instead (`valgrind --tool=callgrind` on one
//! `speechgen render`, see docs/pdf.md). The whole process, against Typst, with many facts files
//! and under the preview server: `benches/compare.py`.

#[path = "../tests/it/harness/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use speechgen::format::{Format, Renderers};
use speechgen::pdf::{PageNumbers, Typesetter};
use speechgen::pipeline::{RenderKind, RenderRequest, render};

fn time(runs: usize, mut f: impl FnMut()) -> (Duration, Duration, Duration) {
    f(); // warm-up: page faults on the compiled-in fonts, allocator
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    (times[0], times[runs / 2], times[runs - 1])
}

fn report(what: &str, (min, median, max): (Duration, Duration, Duration)) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what:<52} median {:>6.2} ms (min {:.2}, max {:.2})",
        ms(median),
        ms(min),
        ms(max)
    );
}

fn main() {
    let project = common::Project::sample();
    let request = RenderRequest {
        root: project.root().to_path_buf(),
        facts: project.path("facts/2021.yaml"),
        kind: RenderKind::Final,
    };
    let pdf = common::bundled_fonts();
    let rendered = render(&request).expect("the sample renders");
    let doc = &rendered.document;
    let typesetter = Typesetter::new(&pdf).expect("the bundled faces");
    let plan = typesetter
        .plan(doc, PageNumbers::default())
        .expect("the sample lays out");
    let runs = 30;

    println!("stages (the sample speech, bundled faces):");
    report(
        "  facts → Markdown + HTML (pipeline::render)",
        time(runs, || {
            black_box(render(black_box(&request)).unwrap());
        }),
    );
    report(
        "  choosing the faces (Typesetter::new)",
        time(runs, || {
            black_box(Typesetter::new(&pdf).unwrap());
        }),
    );
    report(
        "  layout: measure, break, paginate (plan)",
        time(runs, || {
            black_box(
                typesetter
                    .plan(black_box(doc), PageNumbers::default())
                    .unwrap(),
            );
        }),
    );
    report(
        "  krilla writes the file: glyphs, subsets, tags (write)",
        time(runs, || {
            black_box(Typesetter::write(doc, black_box(&plan), &Default::default()).unwrap());
        }),
    );
    let out = typesetter
        .typeset(doc, &Default::default())
        .expect("the sample lays out");

    // What one `speechgen render --format md,html,pdf` does after reading its arguments: the
    // faces chosen, the pipeline, each format's bytes.
    println!("whole render:");
    let formats = [Format::Md, Format::Html, Format::Pdf];
    let whole = time(runs, || {
        let renderers = Renderers::new(pdf.clone());
        let r = render(black_box(&request)).unwrap();
        for f in formats {
            black_box(f.render(&r, &renderers).unwrap());
        }
    });
    report("  md + html + pdf, faces chosen anew", whole);
    let renderers = Renderers::new(pdf.clone());
    report(
        "  md + html + pdf, one typesetter for every render",
        time(runs, || {
            let r = render(black_box(&request)).unwrap();
            for f in formats {
                black_box(f.render(&r, &renderers).unwrap());
            }
        }),
    );
    println!("sample PDF: {} bytes, {} pages", out.bytes.len(), out.pages);
}
