//! The dependency tree keeps none of the crates the PDF's engine change (issue 19) took out:
//! genpdf and its printpdf, the unmaintained font parsers rusttype, stb_truetype and ttf-parser,
//! lopdf 0.26 (with its lzw and encoding) and time 0.2. Read from `Cargo.lock` itself, so the
//! test needs no network and no cargo-deny (whose `deny.toml` bans say the same for CI).

use std::path::Path;

/// Crate name and the version prefix that may not come back ("" for any version).
const RETIRED: &[(&str, &str)] = &[
    ("genpdf", ""),
    ("printpdf", ""),
    ("rusttype", ""),
    ("stb_truetype", ""),
    ("ttf-parser", ""),
    ("lopdf", "0.26."),
    ("time", "0.2."),
];

/// Every (name, version) of `Cargo.lock`'s `[[package]]` entries.
fn locked(lock: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut name = None;
    for line in lock.lines() {
        let value = |key: &str| {
            line.strip_prefix(key)
                .and_then(|v| v.trim().strip_prefix('='))
                .map(|v| v.trim().trim_matches('"').to_owned())
        };
        if line == "[[package]]" {
            name = None;
        } else if let Some(n) = value("name ") {
            name = Some(n);
        } else if let (Some(v), Some(n)) = (value("version "), name.take()) {
            out.push((n, v));
        }
    }
    out
}

fn retired_in(lock: &str) -> Vec<String> {
    locked(lock)
        .into_iter()
        .filter(|(name, version)| {
            RETIRED
                .iter()
                .any(|(n, v)| n == name && version.starts_with(v))
        })
        .map(|(name, version)| format!("{name} {version}"))
        .collect()
}

#[test]
fn the_lockfile_holds_none_of_the_retired_pdf_chain() {
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
        .expect("Cargo.lock is committed");
    let packages = locked(&lock);
    assert!(
        packages.iter().any(|(n, _)| n == "krilla"),
        "the lockfile was read: {} packages",
        packages.len()
    );
    let found = retired_in(&lock);
    assert!(
        found.is_empty(),
        "retired with genpdf (docs/pdf.md), back in Cargo.lock: {found:?}"
    );
}

#[test]
fn the_reader_finds_each_retired_crate_and_its_version() {
    let lock = "version = 4\n\n[[package]]\nname = \"lopdf\"\nversion = \"0.26.0\"\n\n\
                [[package]]\nname = \"lopdf\"\nversion = \"0.47.0\"\n\n\
                [[package]]\nname = \"time\"\nversion = \"0.2.27\"\n\n\
                [[package]]\nname = \"time\"\nversion = \"0.3.41\"\n\n\
                [[package]]\nname = \"ttf-parser\"\nversion = \"0.25.1\"\n";
    assert_eq!(
        retired_in(lock),
        ["lopdf 0.26.0", "time 0.2.27", "ttf-parser 0.25.1"]
    );
}
