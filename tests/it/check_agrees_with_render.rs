//! `check` passes exactly when `render` succeeds (issue 8, §5): the sample's facts with one to
//! three values replaced by odd scalars (huge, signed, zero-padded, CJK, astral, emoji, spaces,
//! control characters, long Latin words, YAML's specials), each run through both commands with
//! the same font options. Neither may panic or exit with a code other than 0, 1 or 2; random
//! bytes as the facts file must not make them panic either.
//!
//! Cases are kept few (each runs the binary twice) so the suite stays quick; the long fuzz run
//! in `tests/fuzz.rs` goes much further in-process.

use std::cell::Cell;

use proptest::prelude::*;

use crate::harness::{FACTS, Project, Run, mutate};

/// `check` and `render` of the project's facts as they stand: (check's exit, render's exit).
fn both(p: &Project) -> (Run, Run) {
    let _ = std::fs::remove_dir_all(p.path("out"));
    let check = p.run(["check", "--fonts", "bundled", "--message-format", "short"]);
    let render = p.run([
        "render",
        "--fonts",
        "bundled",
        "--format",
        "md,html,pdf",
        "-o",
        "out",
    ]);
    (check, render)
}

fn assert_sane(run: &Run, what: &str, input: &str) {
    assert!(
        [0, 1, 2].contains(&run.code) && !run.stderr.contains("panicked"),
        "{what} exited {} on\n{input}\n--- stderr\n{}",
        run.code,
        run.stderr
    );
}

const CASES: u32 = 64;

#[test]
fn check_passes_exactly_when_render_succeeds() {
    let p = Project::sample();
    let sample = p.read_facts();
    let passed = Cell::new(0u32);
    let ran = Cell::new(0u32);
    // A fixed seed: the share of passing cases below is then the same on every run (random
    // seeds made it wander around 39%); the fuzz run explores further.
    let config = ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(2021),
        ..ProptestConfig::default()
    };
    proptest!(config, |(picks in proptest::collection::vec((any::<u64>(), any::<u64>()), 1..=3))| {
        let facts = mutate::mutate_facts(&sample, &picks);
        p.write(FACTS, &facts);
        let (check, render) = both(&p);
        assert_sane(&check, "check", &facts);
        assert_sane(&render, "render", &facts);
        prop_assert_eq!(
            check.code == 0,
            render.code == 0,
            "check exited {} and render {} on\n{}\n--- check\n{}\n--- render\n{}",
            check.code, render.code, facts, check.stderr, render.stderr
        );
        // A facts file render refuses writes nothing.
        if render.code != 0 {
            prop_assert!(!p.path("out").exists());
        }
        ran.set(ran.get() + 1);
        passed.set(passed.get() + u32::from(check.code == 0));
    });
    // The property cannot hold by refusing everything.
    let share = f64::from(passed.get()) / f64::from(ran.get());
    eprintln!("{} of {} cases passed check", passed.get(), ran.get());
    assert!(
        share >= 0.3,
        "only {} of {} cases passed check",
        passed.get(),
        ran.get()
    );
}

#[test]
fn random_bytes_as_facts_make_nothing_panic() {
    let p = Project::sample();
    let config = ProptestConfig {
        cases: CASES / 3,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(bytes in proptest::collection::vec(any::<u8>(), 0..600))| {
        std::fs::write(p.path(FACTS), &bytes).unwrap();
        let shown = String::from_utf8_lossy(&bytes).into_owned();
        let (check, render) = both(&p);
        assert_sane(&check, "check", &shown);
        assert_sane(&render, "render", &shown);
        prop_assert_eq!(check.code == 0, render.code == 0);
    });
}
