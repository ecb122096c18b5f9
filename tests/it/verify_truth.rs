//! `verify` says current only when it is (issue 18 §2), and the circulation copy is marked on
//! every page and carries the combined digest alone (§6).

use std::io::{Read as _, Write as _};

use crate::harness::{Project, pdf_tools, unzip};

/// Last year's facts beside the sample's, with one value of its own.
fn with_last_year(p: &Project) {
    let last = p
        .read("facts/2021.yaml")
        .replace("year: 2021", "year: 2020")
        .replace(
            "full_time_deputy_secretaries: 37 ",
            "full_time_deputy_secretaries: 30 ",
        );
    p.write("facts/2020.yaml", &last);
}

/// The Word package with `part` replaced by `edit(part)`, every other part as it was (the custom
/// property holding the digest kept, as Word keeps it).
fn docx_with(bytes: &[u8], part: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == part {
            data = edit(std::str::from_utf8(&data).unwrap()).into_bytes();
        }
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn info_id(doc: &lopdf::Document) -> lopdf::ObjectId {
    match doc.trailer.get(b"Info").unwrap() {
        lopdf::Object::Reference(id) => *id,
        other => panic!("Info is not a reference: {other:?}"),
    }
}

/// The Keywords a PDF carries in its Info dictionary (the same as its XMP's pdf:Keywords):
/// `speechgen-digest=<sha256>, <manifest>`, with the characters beyond ASCII the PDF writes as
/// `\uXXXX` given back.
fn pdf_manifest(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let info = info_id(&doc);
    let entry = doc.get_dictionary(info).unwrap().get(b"Keywords").unwrap();
    let keywords = lopdf::decode_text_string(entry).unwrap();
    assert!(keywords.starts_with("speechgen-digest="), "{keywords}");
    speechgen::digest::ascii_unescaped(&keywords)
}

#[test]
fn verify_sees_a_change_to_last_years_facts() {
    let p = Project::sample();
    with_last_year(&p);
    p.run(["figures", "--format", "pdf"]).expect_code(0);
    p.run([
        "render", "--fonts", "bundled", "--format", "md", "-o", "out",
    ])
    .expect_code(0);
    for file in ["output/2021/figures.pdf", "out/speech.md"] {
        p.run(["verify", file]).expect_code(0);
    }
    p.edit(
        "facts/2020.yaml",
        "full_time_deputy_secretaries: 30 ",
        "full_time_deputy_secretaries: 31 ",
    );
    for file in ["output/2021/figures.pdf", "out/speech.md"] {
        let run = p.run(["verify", file]);
        run.expect_code(1);
        assert!(
            run.stdout
                .contains("facts/2020.yaml：political.full_time_deputy_secretaries：30 → 31"),
            "{file}: {}",
            run.stdout
        );
    }
}

#[test]
fn a_comment_changes_nothing_and_verify_names_the_fact_that_changed() {
    let p = Project::sample();
    p.run(["render", "--format", "md,html", "-o", "out"])
        .expect_code(0);
    let before = p.read("out/speech.md");
    p.edit_facts("# 达标党支部（个）", "# 达标党支部（个，已核）");
    p.edit("templates/figures.yaml", "# rules:", "# rules（规则）:");
    for file in ["out/speech.md", "out/speech.html"] {
        let run = p.run(["verify", file]);
        run.expect_code(0);
        run.expect_stdout("与当前输入一致");
    }
    p.run(["render", "--format", "md", "-o", "out"])
        .expect_code(0);
    assert_eq!(p.read("out/speech.md"), before, "the same digest");

    p.edit_facts("branches_qualified: 1380", "branches_qualified: 1381");
    let run = p.run(["verify", "out/speech.md"]);
    run.expect_code(1);
    assert!(
        run.stdout
            .contains("facts/2021.yaml：organisation.branches_qualified：1380 → 1381"),
        "{}",
        run.stdout
    );
}

#[test]
fn verify_compares_the_text_each_format_carries() {
    let p = Project::sample();
    p.run(["render", "--fonts", "bundled", "-o", "out"])
        .expect_code(0);
    for file in [
        "out/speech.md",
        "out/speech.html",
        "out/speech.docx",
        "out/speech.pdf",
    ] {
        p.run(["verify", file]).expect_code(0);
    }

    // A hand-edited Markdown file.
    let md = p.read("out/speech.md");
    p.write(
        "out/speech.md",
        &md.replace("专职副书记37人", "专职副书记38人"),
    );
    let run = p.run(["verify", "out/speech.md"]);
    run.expect_code(1);
    assert!(
        run.stdout.contains("第 9 行") && run.stdout.contains("专职副书记38人"),
        "{}",
        run.stdout
    );

    // The page.
    let html = p.read("out/speech.html");
    p.write(
        "out/speech.html",
        &html.replacen("专职副书记", "专职付书记", 1),
    );
    let run = p.run(["verify", "out/speech.html"]);
    run.expect_code(1);
    assert!(run.stdout.contains("专职付书记"), "{}", run.stdout);

    // A Word file typed over: 37 → 38, the custom property kept.
    let docx = std::fs::read(p.path("out/speech.docx")).unwrap();
    assert!(unzip(&docx)["word/document.xml"].contains(">37<"));
    let typed = docx_with(&docx, "word/document.xml", |x| {
        x.replacen(">37<", ">38<", 1)
    });
    std::fs::write(p.path("out/typed.docx"), typed).unwrap();
    let run = p.run(["verify", "out/typed.docx"]);
    run.expect_code(1);
    assert!(
        run.stdout.contains("段：") && run.stdout.contains("副书记38人"),
        "{}",
        run.stdout
    );

    // A PDF with one glyph changed: two codes of a shown string swapped.
    let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
    let mut doc = lopdf::Document::load_mem(&pdf).unwrap();
    let page = *doc.get_pages().values().next().unwrap();
    let mut content = doc.get_and_decode_page_content(page).unwrap();
    let swap = |s: &mut Vec<u8>| {
        if s.len() >= 4 && s[0..2] != s[2..4] {
            let (a, b) = (s[0..2].to_vec(), s[2..4].to_vec());
            s[0..2].copy_from_slice(&b);
            s[2..4].copy_from_slice(&a);
            true
        } else {
            false
        }
    };
    let swapped = content.operations.iter_mut().any(|op| {
        let strings: Vec<&mut Vec<u8>> = match (op.operator.as_str(), op.operands.first_mut()) {
            ("Tj", Some(lopdf::Object::String(s, _))) => vec![s],
            ("TJ", Some(lopdf::Object::Array(items))) => items
                .iter_mut()
                .filter_map(|o| match o {
                    lopdf::Object::String(s, _) => Some(s),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        strings.into_iter().any(swap)
    });
    assert!(swapped, "a string of two glyphs or more on page 1");
    doc.change_page_content(page, content.encode().unwrap())
        .unwrap();
    let mut edited = Vec::new();
    doc.save_to(&mut edited).unwrap();
    std::fs::write(p.path("out/glyph.pdf"), edited).unwrap();
    let run = p.run(["verify", "out/glyph.pdf"]);
    run.expect_code(1);
    assert!(run.stdout.contains("第 1 页：文件中为"), "{}", run.stdout);
}

#[test]
fn the_pdf_records_its_faces_and_other_faces_are_not_stale() {
    let p = Project::sample();
    p.run([
        "render", "--fonts", "bundled", "--format", "pdf", "-o", "out",
    ])
    .expect_code(0);
    let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
    let manifest = pdf_manifest(&pdf);
    let face = manifest
        .split("; ")
        .find(|e| e.starts_with("face:正文=AR PL SungtiL GB@"))
        .unwrap_or_else(|| panic!("{manifest}"));
    // As made on a machine whose body face is another file.
    let other = format!("face:正文=AR PL SungtiL GB@{}", "0".repeat(64));
    let mut doc = lopdf::Document::load_mem(&pdf).unwrap();
    let info = info_id(&doc);
    doc.get_dictionary_mut(info).unwrap().set(
        "Keywords",
        lopdf::text_string(&manifest.replace(face, &other)),
    );
    let mut elsewhere = Vec::new();
    doc.save_to(&mut elsewhere).unwrap();
    std::fs::write(p.path("out/elsewhere.pdf"), elsewhere).unwrap();
    let run = p.run(["verify", "out/elsewhere.pdf"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("与当前输入一致")
            && run.stdout.contains("字体与本机不同")
            && run
                .stdout
                .contains("正文：生成时用 AR PL SungtiL GB（SHA-256 000000000000）"),
        "{}",
        run.stdout
    );
}

#[test]
fn verify_says_what_a_file_is_and_whose_year_it_is() {
    let p = Project::sample();
    p.write("broken.pdf", "%PDF-1.7\n1 0 obj <<\n");
    let run = p.run(["verify", "broken.pdf"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("PDF 无法读取")
            && run.stderr.contains("已损坏或不是 speechgen 生成的")
            && !run.stderr.contains("摘要不完整或已被改动"),
        "{}",
        run.stderr
    );
    std::fs::write(p.path("photo.zip"), b"PK\x03\x04 not a package").unwrap();
    let run = p.run(["verify", "photo.zip"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("已损坏或不是 speechgen 生成的")
            && !run.stderr.contains("摘要不完整或已被改动"),
        "{}",
        run.stderr
    );

    p.run(["render", "--format", "md", "-o", "out"])
        .expect_code(0);
    let facts = p
        .read("facts/2021.yaml")
        .replace("year: 2021", "year: 2022");
    p.write("facts/2022.yaml", &facts);
    let run = p.run(["verify", "out/speech.md", "2022"]);
    run.expect_code(1);
    assert!(
        run.stdout
            .contains("年份不符：它是 2021 年的讲话稿或核对表，要比较的事实文件是 2022 年的"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_circulation_copy_is_marked_on_every_page_and_carries_the_combined_digest_alone() {
    let p = Project::sample();
    p.run(["render", "--fonts", "bundled", "--mask", "-o", "out"])
        .expect_code(0);
    let md = p.read("out/speech-masked.md");
    let facts_sha = {
        let bytes = std::fs::read(p.path("facts/2021.yaml")).unwrap();
        let (canonical, _) =
            speechgen::digest::canonical(std::path::Path::new("facts/2021.yaml"), &bytes);
        speechgen::digest::sha256_hex(&canonical)
    };
    let raw_sha = speechgen::digest::sha256_hex(&std::fs::read(p.path("facts/2021.yaml")).unwrap());
    let docx = std::fs::read(p.path("out/speech-masked.docx")).unwrap();
    let parts = unzip(&docx);
    let pdf = std::fs::read(p.path("out/speech-masked.pdf")).unwrap();
    let pdf_digest = pdf_manifest(&pdf);
    // The XMP metadata (PDF/A) carries the keywords again: nothing hidden there either.
    let xmp = {
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let at = doc.catalog().unwrap().get(b"Metadata").unwrap();
        let stream = doc.get_object(at.as_reference().unwrap()).unwrap();
        let stream = stream.as_stream().unwrap();
        let bytes = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        String::from_utf8(bytes).unwrap()
    };
    assert!(xmp.contains("speechgen-digest="), "{xmp}");
    for (what, text) in [
        ("md", md.as_str()),
        ("html", &p.read("out/speech-masked.html")),
        ("docx", &parts["docProps/custom.xml"]),
        ("pdf", &pdf_digest),
        ("pdf xmp", &xmp),
    ] {
        for sha in [&facts_sha, &raw_sha] {
            assert!(!text.contains(sha.as_str()), "{what}: {text}");
        }
        assert!(!text.contains("facts/2021.yaml="), "{what}: {text}");
        assert!(!text.contains("value:"), "{what}: {text}");
    }

    // The line on every page: the Word file's header, the PDF's pages.
    let header = parts
        .iter()
        .find(|(name, _)| name.starts_with("word/header"))
        .map(|(_, x)| x.clone())
        .expect("a header part");
    assert!(header.contains("传阅稿（数字已隐去）"), "{header}");
    assert!(parts["word/document.xml"].contains("w:headerReference"));
    if pdf_tools::have(&["pdftotext"]) {
        let text = pdf_tools::pdftotext(&pdf);
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert!(pages.len() > 1, "{text}");
        for (i, page) in pages.iter().enumerate() {
            assert!(
                page.contains("传阅稿（数字已隐去）"),
                "page {}: {page}",
                i + 1
            );
        }
    }

    // verify: made from the current inputs, its wording compared, the hidden values not.
    for file in [
        "out/speech-masked.md",
        "out/speech-masked.docx",
        "out/speech-masked.pdf",
    ] {
        let run = p.run(["verify", file]);
        run.expect_code(0);
        assert!(
            run.stdout.contains("与当前输入一致")
                && run.stdout.contains("隐去的数字无法与当前的数字比较"),
            "{file}: {}",
            run.stdout
        );
    }
    p.write(
        "out/speech-masked.md",
        &md.replacen("立足新时代", "立足新世纪", 1),
    );
    let run = p.run(["verify", "out/speech-masked.md"]);
    run.expect_code(1);
    assert!(run.stdout.contains("立足新世纪"), "{}", run.stdout);
    p.write("out/speech-masked.md", &md);
    p.edit_facts("branches_qualified: 1380", "branches_qualified: 1381");
    let run = p.run(["verify", "out/speech-masked.md"]);
    run.expect_code(1);
    assert!(
        run.stdout.contains("已过期") && run.stdout.contains("无法指出是哪一个输入变了"),
        "{}",
        run.stdout
    );
}
