//! Time to render the seed-sized speech to PDF with the bundled faces (`cargo bench --bench pdf`).
//! A plain timing loop rather than criterion: it builds in seconds and prints one line to quote.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use speechgen::pdf::{FontChoice, PdfOptions, write_pdf};

fn main() {
    let doc = common::seed_document();
    let opts = PdfOptions {
        fonts: FontChoice::Bundled,
        font_dirs: vec![],
    };
    // Warm-up (page faults on the compiled-in fonts, allocator).
    let out = write_pdf(&doc, &opts).expect("render");
    let runs = 20;
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(write_pdf(std::hint::black_box(&doc), &opts).expect("render"));
            t.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "write_pdf, seed speech, bundled faces: median {:.1} ms, min {:.1} ms, max {:.1} ms over {runs} runs; {} bytes, {} pages",
        ms(times[runs / 2]),
        ms(times[0]),
        ms(times[runs - 1]),
        out.bytes.len(),
        out.pages
    );
}
