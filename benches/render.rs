//! Rendering the sample speech to all three formats, as `speechgen render` does, in process
//! (`cargo bench --bench render`). A plain timing loop rather than criterion: it builds in seconds
//! and prints lines to quote. The goal for the whole render is under 50 ms.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use speechgen::pdf::{FontChoice, PdfOptions, write_pdf};
use speechgen::pipeline::{RenderRequest, render};

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
        "{what}: median {:.2} ms (min {:.2}, max {:.2})",
        ms(median),
        ms(min),
        ms(max)
    );
}

fn main() {
    let project = common::TestProject::sample();
    let request = RenderRequest {
        root: project.root().to_path_buf(),
        facts: project.path("facts/2021.yaml"),
        draft: false,
        mask: false,
    };
    let pdf = PdfOptions {
        fonts: FontChoice::Bundled,
        font_dirs: vec![],
    };
    let rendered = render(&request).expect("the sample renders");
    let out = write_pdf(&rendered.document, &pdf).expect("the sample lays out");
    let runs = 30;

    report(
        "facts → Markdown + HTML (pipeline::render)",
        time(runs, || {
            black_box(render(black_box(&request)).unwrap());
        }),
    );
    report(
        "Document → PDF (write_pdf, bundled faces)",
        time(runs, || {
            black_box(write_pdf(black_box(&rendered.document), &pdf).unwrap());
        }),
    );
    let all = time(runs, || {
        let r = render(black_box(&request)).unwrap();
        black_box(write_pdf(&r.document, &pdf).unwrap());
    });
    report("all three formats (md, html, pdf)", all);
    println!(
        "sample PDF: {} bytes, {} pages; goal under 50 ms: {}",
        out.bytes.len(),
        out.pages,
        if all.1 < Duration::from_millis(50) {
            "met"
        } else {
            "NOT met"
        }
    );
}
