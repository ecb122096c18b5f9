//! The digest of a render's inputs: carried by every output, printed on the PDF's last page and
//! in the sheet's header, changed by any input, and read back by `speechgen verify`.

use crate::harness;

use crate::harness::{Project, pdf_tools, render_md};

/// The manifest in a Markdown output: `sha256=…; speechgen=…; facts/2021.yaml=…; …`.
fn manifest_of_md(md: &str) -> String {
    let start = md
        .rfind("<!-- speechgen-digest: ")
        .expect("a digest comment")
        + 23;
    md[start..].split(" -->").next().unwrap().to_owned()
}

fn digest_of_md(md: &str) -> String {
    manifest_of_md(md)
        .strip_prefix("sha256=")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn every_output_carries_the_same_digest_and_the_pdf_prints_it() {
    let p = Project::sample();
    p.run(["render", "--fonts", "bundled", "-o", "out"])
        .expect_code(0);
    let md = p.read("out/speech.md");
    assert!(md.ends_with(" -->\n"), "the comment closes the file");
    let manifest = manifest_of_md(&md);
    let digest = digest_of_md(&md);
    assert_eq!(digest.len(), 64);
    for input in [
        "facts/2021.yaml=",
        "templates/figures.yaml=",
        "templates/speech.md.tera=",
    ] {
        assert!(manifest.contains(input), "{manifest}");
    }
    assert!(manifest.contains(&format!("speechgen={}", env!("CARGO_PKG_VERSION"))));
    let html = p.read("out/speech.html");
    assert!(
        html.contains(&format!(
            "<meta name=\"speechgen-digest\" content=\"{manifest}\">"
        )),
        "{html}"
    );
    let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
    if pdf_tools::have(&["pdftotext", "pdfinfo"]) {
        let info = pdf_tools::pdfinfo(&pdf);
        assert!(info.contains(&format!("Keywords:        speechgen-digest={digest}")));
        let text = pdf_tools::pdftotext(&pdf);
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        let stamp = format!("摘要 {}", &digest[..12]);
        assert!(
            pages.last().unwrap().contains(&stamp),
            "{}",
            pages.last().unwrap()
        );
        assert_eq!(text.matches(&stamp).count(), 1, "the last page only");
    }
    // The sheet's header names the same digest.
    let sheet = p.run(["figures"]);
    assert!(
        sheet
            .stdout
            .contains(&format!("摘要：{}（SHA-256：{digest}）", &digest[..12]))
    );

    // Draft and masked outputs carry it too.
    for (flag, stem) in [("--draft", "speech-draft"), ("--mask", "speech-masked")] {
        p.run(["render", "--format", "md,html", "-o", "other", flag])
            .expect_code(0);
        assert_eq!(digest_of_md(&p.read(&format!("other/{stem}.md"))), digest);
        assert!(p.read(&format!("other/{stem}.html")).contains(&digest));
    }
}

/// The stamp is set in the speech's own faces, as the page numbers are: it embeds no face of
/// its own (no second subset of the body face beside the speech's), and is still printed.
#[test]
fn the_stamp_embeds_no_face_of_its_own() {
    let p = Project::sample();
    p.run([
        "render", "--fonts", "bundled", "--format", "md,pdf", "-o", "out",
    ])
    .expect_code(0);
    if !pdf_tools::have(&["pdftotext", "pdffonts"]) {
        return;
    }
    let digest = digest_of_md(&p.read("out/speech.md"));
    let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
    assert!(pdf_tools::pdftotext(&pdf).contains(&format!("摘要 {}", &digest[..12])));
    let fonts = pdf_tools::pdffonts(&pdf);
    // `ABCDEF+BousungEG-Light-GB`: the face's name after the subset tag.
    let faces: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(|name| name.split_once('+').map_or(name, |(_, face)| face))
        .collect();
    let mut distinct = faces.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        faces.len(),
        "each face embedded once: {fonts}"
    );
    // The bundled body (宋), title (heavy serif), heading (黑) and lead sentence (楷) faces, and
    // nothing more.
    assert_eq!(faces.len(), 4, "{fonts}");
}

#[test]
fn the_digest_changes_when_any_input_changes() {
    let p = Project::sample();
    let first = digest_of_md(&render_md(&p));
    assert_eq!(
        first,
        digest_of_md(&render_md(&p)),
        "the same inputs, the same digest"
    );

    let mut seen = vec![first];
    let mut changed = |p: &Project, what: &str| {
        let d = digest_of_md(&render_md(p));
        assert!(!seen.contains(&d), "{what} must change the digest");
        seen.push(d);
    };
    // The digest is over what the speech is made from, the YAML as parsed: a comment changes
    // nothing (`verify_truth` checks it), a value does.
    p.edit_facts("branches_qualified: 1380", "branches_qualified: 1381");
    changed(&p, "the facts");
    p.edit(
        "templates/figures.yaml",
        "label: 达标党支部占比",
        "label: 达标党支部的占比",
    );
    changed(&p, "the declarations");
    let template = p.read("templates/speech.md.tera");
    p.write("templates/speech.md.tera", &format!("{template}\n"));
    changed(&p, "the template");
    p.write("templates/speech.yaml", "author: 市直机关工委\n");
    changed(&p, "templates/speech.yaml appearing");
    assert!(manifest_of_md(&p.read("out/speech.md")).contains("templates/speech.yaml="));
}

#[test]
fn verify_tells_a_matching_output_from_a_stale_one() {
    let p = Project::sample();
    p.run(["render", "--fonts", "bundled", "-o", "out"])
        .expect_code(0);
    p.run(["figures", "--format", "pdf"]).expect_code(0);
    for file in [
        "out/speech.md",
        "out/speech.html",
        "out/speech.pdf",
        "out/speech.docx",
        "output/2021/figures.pdf",
    ] {
        let run = p.run(["verify", file]);
        run.expect_code(0);
        assert!(
            run.stdout.contains("与当前输入一致"),
            "{file}: {}",
            run.stdout
        );
    }

    p.edit_facts("branches_qualified: 1380", "branches_qualified: 1381");
    for file in [
        "out/speech.md",
        "out/speech.html",
        "out/speech.pdf",
        "out/speech.docx",
    ] {
        let run = p.run(["verify", file]);
        run.expect_code(1);
        assert!(
            run.stdout.contains("已过期")
                && run
                    .stdout
                    .contains("facts/2021.yaml：organisation.branches_qualified：1380 → 1381"),
            "{file}: {}",
            run.stdout
        );
        assert!(
            !run.stdout.contains("templates/figures.yaml："),
            "only what changed"
        );
        run.expect_stderr("speechgen render facts/2021.yaml");
    }
    p.edit_facts("branches_qualified: 1381", "branches_qualified: 1380");
    p.run(["verify", "out/speech.pdf"]).expect_code(0);

    p.edit(
        "templates/figures.yaml",
        "label: 达标党支部占比",
        "label: 达标党支部的占比",
    );
    let run = p.run(["verify", "out/speech.pdf"]);
    run.expect_code(1);
    assert!(
        run.stdout.contains("templates/figures.yaml：内容已改变"),
        "{}",
        run.stdout
    );

    // Compared with another year's facts, the output is stale.
    let facts = p
        .read("facts/2021.yaml")
        .replace("year: 2021", "year: 2022");
    p.write("facts/2022.yaml", &facts);
    let run = p.run(["verify", "out/speech.md", "2022"]);
    run.expect_code(1);
    assert!(
        run.stdout.contains("facts/2022.yaml：新增的输入"),
        "{}",
        run.stdout
    );
    // facts/2021.yaml is read still, as 2022's last year; the years are said not to match.
    assert!(run.stdout.contains("年份不符"), "{}", run.stdout);
}

#[test]
fn verify_exits_2_when_the_file_cannot_be_read_or_carries_no_digest() {
    let p = Project::sample();
    let run = p.run(["verify", "no-such-file.pdf"]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("no-such-file.pdf：无法读取：文件或文件夹不存在"),
        "{}",
        run.stderr
    );

    p.write("notes.md", "# 讲话稿\n\n没有摘要。\n");
    let run = p.run(["verify", "notes.md"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("没有 speechgen 的摘要"),
        "{}",
        run.stderr
    );

    // A manifest edited by hand is not trusted.
    let md = render_md(&p);
    let manifest = manifest_of_md(&md);
    let facts_digest = manifest
        .split("; ")
        .find_map(|e| e.strip_prefix("facts/2021.yaml="))
        .unwrap();
    p.write("out/edited.md", &md.replace(facts_digest, &"0".repeat(64)));
    let run = p.run(["verify", "out/edited.md"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("摘要不完整或已被改动"),
        "{}",
        run.stderr
    );
}

/// The digest is of the very bytes the speech was made from: each input is read once, and its
/// hash taken from what was read (a file saved between two reads would give other bytes to the
/// second). The template, the declarations and the facts are each opened once.
#[cfg(target_os = "linux")]
#[test]
fn the_digest_is_of_the_bytes_the_speech_was_made_from() {
    use speechgen::digest::{Digest, VERSION};
    let p = Project::sample();
    let inputs = [
        "facts/2021.yaml",
        "templates/figures.yaml",
        "templates/speech.md.tera",
    ];
    let mut expected = Vec::new();
    for rel in inputs {
        let bytes = std::fs::read(p.path(rel)).unwrap();
        // Hashed in its canonical form: the YAML as parsed, the template as its bytes.
        let (canonical, _) = speechgen::digest::canonical(std::path::Path::new(rel), &bytes);
        let sha = Digest::of(VERSION, &[(rel.to_owned(), &canonical)]).inputs[0]
            .sha256
            .clone();
        expected.push(format!("{rel}={sha}"));
    }
    let (render, opens) = p.opens_during(&inputs, || {
        let mut render = p.command(["render", "--format", "md", "-o", "out"]);
        render.timeout(std::time::Duration::from_secs(30));
        harness::Run::of(&mut render)
    });
    render.expect_code(0);
    assert_eq!(opens, [1, 1, 1], "each of {inputs:?} opened once");
    let manifest = manifest_of_md(&p.read("out/speech.md"));
    for entry in expected {
        assert!(manifest.contains(&entry), "{entry} not in {manifest}");
    }
}
