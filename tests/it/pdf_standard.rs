//! The standard each PDF declares (`--pdf-standard`, Typst's names), as krilla writes and checks
//! it: PDF/A-2b by default for what is kept, plain PDF for a draft, PDF/UA-1 with its outline
//! and heading titles; the creation date from the inputs (the meeting's `date:`, else
//! `SOURCE_DATE_EPOCH`, else the facts' year), never the clock; and `check` validating the file
//! as `render` writes it, so that a green check means render succeeds.

use std::process::Command;

use crate::harness::pdf_tools;
use crate::harness::{Project, bundled_fonts, seed_document};
use speechgen::pdf::{Date, Metadata, PdfStandard, Typesetter};

/// `pdfinfo` with extra options (`-meta`: the XMP; `-isodates`).
fn pdfinfo(path: &std::path::Path, options: &[&str]) -> String {
    let exe = pdf_tools::tool("pdfinfo").expect("pdfinfo");
    let out = Command::new(exe).args(options).arg(path).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn render(p: &Project, out: &str, extra: &[&str]) -> std::path::PathBuf {
    let mut args = vec!["render", "--fonts", "bundled", "--format", "pdf", "-o", out];
    args.extend_from_slice(extra);
    p.run(&args).expect_code(0);
    let file = if extra.contains(&"--draft") {
        "speech-draft.pdf"
    } else {
        "speech.pdf"
    };
    p.path(&format!("{out}/{file}"))
}

/// The PDF/A and PDF/UA identification in the XMP: (part, conformance) and the UA part.
fn declared(xmp: &str) -> (Option<String>, Option<String>, Option<String>) {
    let field = |name: &str| {
        let open = format!("<{name}>");
        let start = xmp.find(&open)? + open.len();
        Some(xmp[start..start + xmp[start..].find('<')?].to_owned())
    };
    (
        field("pdfaid:part"),
        field("pdfaid:conformance"),
        field("pdfuaid:part"),
    )
}

/// The outline's titles, in order, depth first.
fn outline_titles(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let Ok(outlines) = doc.catalog().unwrap().get(b"Outlines") else {
        return Vec::new();
    };
    let mut titles = Vec::new();
    let mut stack = vec![outlines.as_reference().unwrap()];
    while let Some(id) = stack.pop() {
        let dict = doc.get_dictionary(id).unwrap();
        if let Ok(title) = dict.get(b"Title") {
            titles.push(lopdf::decode_text_string(title).unwrap());
        }
        if let Ok(next) = dict.get(b"Next").and_then(|n| n.as_reference()) {
            stack.push(next);
        }
        if let Ok(first) = dict.get(b"First").and_then(|n| n.as_reference()) {
            stack.push(first);
        }
    }
    titles
}

/// The titles (`/T`) of the structure elements of type `kind` (H1, H2).
fn heading_titles(pdf: &[u8], kind: &[u8]) -> Vec<Option<String>> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut out = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict
            .get(b"S")
            .and_then(|s| s.as_name())
            .is_ok_and(|s| s == kind)
        {
            out.push(
                dict.get(b"T")
                    .ok()
                    .map(|t| lopdf::decode_text_string(t).unwrap()),
            );
        }
    }
    out
}

#[test]
fn render_declares_the_standard_asked_for_and_a_draft_is_plain_pdf() {
    if !pdf_tools::have(&["pdfinfo", "pdftotext"]) {
        return;
    }
    let p = Project::sample();
    // Per case: its name, the options, and the XMP's (PDF/A part, conformance, PDF/UA part).
    type Declared<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);
    let cases: [(&str, &[&str], Declared); 6] = [
        ("default", &[], (Some("2"), Some("B"), None)),
        (
            "a-2b",
            &["--pdf-standard", "a-2b"],
            (Some("2"), Some("B"), None),
        ),
        (
            "a-2u",
            &["--pdf-standard", "a-2u"],
            (Some("2"), Some("U"), None),
        ),
        ("ua-1", &["--pdf-standard", "ua-1"], (None, None, Some("1"))),
        ("1.7", &["--pdf-standard", "1.7"], (None, None, None)),
        ("draft", &["--draft"], (None, None, None)),
    ];
    for (name, extra, want) in cases {
        let path = render(&p, &format!("out-{name}"), extra);
        let (part, conformance, ua) = declared(&pdfinfo(&path, &["-meta"]));
        assert_eq!(
            (part.as_deref(), conformance.as_deref(), ua.as_deref()),
            want,
            "{name}"
        );
        let pdf = std::fs::read(&path).unwrap();
        // Tagged in every standard, the text read back as the speech.
        assert!(
            pdf_tools::pdfinfo(&pdf).contains("Tagged:          yes"),
            "{name}"
        );
        assert!(pdf_tools::pdftotext(&pdf).contains("市直工委在全市机关党建工作推进会上的发言"));
        let outline = outline_titles(&pdf);
        if name == "ua-1" {
            // The outline: the title, then each heading under it, as the speech reads.
            assert_eq!(
                outline.first().map(String::as_str),
                Some("市直工委在全市机关党建工作推进会上的发言"),
                "{outline:?}"
            );
            assert!(
                outline.iter().any(|t| t.starts_with("一、强化政治引领")),
                "{outline:?}"
            );
            assert!(outline.len() >= 5, "{outline:?}");
            let info = pdfinfo(&path, &[]);
            let version = info.lines().find_map(|l| l.strip_prefix("PDF version:"));
            assert_eq!(version.map(str::trim), Some("1.7"), "{info}");
        } else {
            assert!(outline.is_empty(), "{name}: {outline:?}");
        }
        // Every heading carries its title (PDF/UA asks for it; the others have it too).
        let h2 = heading_titles(&pdf, b"H2");
        assert!(
            !h2.is_empty() && h2.iter().all(Option::is_some),
            "{name}: {h2:?}"
        );
    }
    // A name krilla has no standard for is refused before anything is written.
    let run = p.run(["render", "--pdf-standard", "a-3b", "-o", "out-bad"]);
    run.expect_code(2);
    assert!(!p.path("out-bad").exists());
}

#[test]
fn check_validates_each_standard_as_render_writes_it() {
    let p = Project::sample();
    for standard in PdfStandard::NAMES {
        p.run(["check", "--fonts", "bundled", "--pdf-standard", standard])
            .expect_code(0);
    }
    p.run(["check", "--pdf-standard", "a-1b"]).expect_code(2);
}

/// `check` lays the speech out and writes the whole file as render would, keeping nothing: what
/// krilla refuses at `Document::finish` (here PDF/A-2b's creation date left out) fails it, named.
#[test]
fn laying_out_runs_the_writers_validation() {
    let doc = seed_document();
    let typesetter = Typesetter::new(&bundled_fonts()).unwrap();
    let date = Some(Date {
        year: 2021,
        month: 6,
        day: 30,
    });
    let meta = |standard, date| Metadata {
        standard,
        date,
        ..Metadata::default()
    };
    typesetter
        .lay_out(&doc, &meta(PdfStandard::A2b, date))
        .unwrap();
    typesetter
        .lay_out(&doc, &meta(PdfStandard::V1_7, None))
        .unwrap();
    let err = typesetter
        .lay_out(&doc, &meta(PdfStandard::A2b, None))
        .expect_err("PDF/A needs a date")
        .to_string();
    assert!(
        err.contains("不符合所选标准") && err.contains("MissingDocumentDate"),
        "{err}"
    );
    // render fails alike: the two agree.
    assert!(
        typesetter
            .typeset(&doc, &meta(PdfStandard::A2b, None))
            .is_err()
    );
}

fn creation_date(path: &std::path::Path) -> String {
    pdfinfo(path, &["-isodates"])
        .lines()
        .find_map(|l| l.strip_prefix("CreationDate:"))
        .map(|d| d.trim().to_owned())
        .unwrap_or_default()
}

#[test]
fn the_creation_date_comes_from_the_inputs_never_the_clock() {
    if !pdf_tools::have(&["pdfinfo"]) {
        return;
    }
    let p = Project::sample();
    // Nothing given: 1 January of the facts' year.
    let first = render(&p, "out-a", &[]);
    assert_eq!(creation_date(&first), "2021-01-01T00:00:00Z");
    // Rendered again: the same bytes.
    let again = render(&p, "out-b", &[]);
    assert!(std::fs::read(&first).unwrap() == std::fs::read(&again).unwrap());

    // SOURCE_DATE_EPOCH (2021-06-30 12:00 UTC): its day.
    let run = crate::harness::Run::of(
        p.command([
            "render",
            "--fonts",
            "bundled",
            "--format",
            "pdf",
            "-o",
            "out-epoch",
        ])
        .env("SOURCE_DATE_EPOCH", "1625054400"),
    );
    run.expect_code(0);
    assert_eq!(
        creation_date(&p.path("out-epoch/speech.pdf")),
        "2021-06-30T00:00:00Z"
    );

    // The meeting's date in the settings comes before both.
    let settings = p.read("templates/speech.yaml");
    p.write(
        "templates/speech.yaml",
        &format!("{settings}\ndate: 2021-07-01\n"),
    );
    let run = crate::harness::Run::of(
        p.command([
            "render",
            "--fonts",
            "bundled",
            "--format",
            "pdf",
            "-o",
            "out-meeting",
        ])
        .env("SOURCE_DATE_EPOCH", "1625054400"),
    );
    run.expect_code(0);
    assert_eq!(
        creation_date(&p.path("out-meeting/speech.pdf")),
        "2021-07-01T00:00:00Z"
    );
    // The Word file declares the same date.
    p.run(["render", "--format", "docx", "-o", "out-meeting"])
        .expect_code(0);
    let docx = std::fs::read(p.path("out-meeting/speech.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut core = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("docProps/core.xml").unwrap(), &mut core)
        .unwrap();
    assert!(
        core.contains(
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2021-07-01T00:00:00Z</dcterms:created>"
        ),
        "{core}"
    );
    // The sheet's PDF declares the same date.
    p.run(["figures", "--format", "pdf"]).expect_code(0);
    assert_eq!(
        creation_date(&p.path("output/2021/figures.pdf")),
        "2021-07-01T00:00:00Z"
    );

    // The facts' own `date:` (this year's meeting) comes before the settings'.
    p.edit_facts("year: 2021\n", "year: 2021\ndate: 2021-06-28\n");
    render(&p, "out-facts", &[]);
    assert_eq!(
        creation_date(&p.path("out-facts/speech.pdf")),
        "2021-06-28T00:00:00Z"
    );
    // Next year's facts start without last year's meeting date.
    p.run(["next-year"]).expect_code(0);
    let next = p.read("facts/2022.yaml");
    assert!(
        next.contains("\ndate:  # 会议日期") && !next.contains("2021-06-28"),
        "{next}"
    );
    p.edit_facts("date: 2021-06-28\n", "date: 2021-6-31\n");
    let (line, column) = p.position("facts/2021.yaml", "2021-6-31");
    let check = p.run(["check", "facts/2021.yaml"]);
    check.expect_code(1);
    check.expect_stderr(&format!("facts/2021.yaml:{line}:{column}"));
    p.edit_facts("date: 2021-6-31\n", "");

    // A date that is none is refused at its line, by check and render alike.
    p.write(
        "templates/speech.yaml",
        &format!("{settings}\ndate: 2021-02-30\n"),
    );
    let line = p.read("templates/speech.yaml").lines().count();
    let check = p.run(["check", "facts/2021.yaml"]);
    check.expect_code(1);
    check.expect_stderr(&format!("templates/speech.yaml:{line}:7"));
    check.expect_stderr("date: 2021-06-30");
    p.run(["render", "facts/2021.yaml", "-o", "out-bad"])
        .expect_code(1);
}

/// PDF/A allows no string past 32,767 bytes, and the manifest in the Keywords lists every facts
/// value: a facts file of several hundred values would make PDF/A refuse the file. Its values
/// are left out of the PDF's manifest (the digest and every input's hash stay), so render and
/// check succeed and verify still reads the PDF as current.
#[test]
fn a_long_facts_file_still_makes_an_archival_pdf_that_verifies() {
    let p = Project::sample();
    let facts = p.read_facts();
    let start = facts.find("  training_classes:").unwrap();
    let end = facts.find("  brand_plan:").unwrap();
    let mut items = String::from("  training_classes:\n");
    for i in 0..400 {
        items.push_str(&format!(
            "    - name: 第{i}期机关党组织书记专题培训班\n      trainees: {}\n",
            i % 90 + 10
        ));
    }
    p.save_facts(&format!("{}{items}{}", &facts[..start], &facts[end..]));
    p.run(["check", "--fonts", "bundled"]).expect_code(0);
    let path = render(&p, "out", &[]);
    let pdf = std::fs::read(&path).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let info = match doc.trailer.get(b"Info").unwrap() {
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        other => panic!("{other:?}"),
    };
    let keywords = lopdf::decode_text_string(info.get(b"Keywords").unwrap()).unwrap();
    assert!(keywords.starts_with("speechgen-digest="), "{keywords}");
    assert!(keywords.contains("facts/2021.yaml="), "{keywords}");
    assert!(!keywords.contains("value:"), "values left out");
    if pdf_tools::have(&["pdfinfo"]) {
        let (part, conformance, _) = declared(&pdfinfo(&path, &["-meta"]));
        assert_eq!(
            (part.as_deref(), conformance.as_deref()),
            (Some("2"), Some("B"))
        );
    }
    p.run(["verify", "out/speech.pdf"]).expect_code(0);
    // A value changed: stale, read from the hashes.
    p.edit_facts("第0期机关党组织书记", "第0期市直机关党组织书记");
    p.run(["verify", "out/speech.pdf"]).expect_code(1);
}
