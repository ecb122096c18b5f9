//! The speech as OFD (issue 22): `--format ofd` writes speech.ofd (and -draft, -masked) from the
//! PDF's layout. Read back by readers written by others (ofdkit, fontTools: see
//! `harness::ofd_readers`), compared with the PDF as poppler reads it, and checked for the shape
//! strict readers ask for.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};

use crate::harness::pdf_glyphs;
use crate::harness::pdf_tools::{self, squeeze};
use crate::harness::{Project, Run, ofd_readers};

const NS: &str = "http://www.ofdspec.org/2016";
const MM_PER_PT: f64 = 25.4 / 72.0;

fn render(p: &Project, extra: &[&str]) -> Run {
    let mut args = vec!["render", "--fonts", "bundled", "-o", "out"];
    args.extend_from_slice(extra);
    p.run(&args)
}

/// Every entry of a zip package, decompressed, as bytes.
fn entries(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    (0..archive.len())
        .map(|i| {
            let mut part = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            part.read_to_end(&mut data).unwrap();
            (part.name().unwrap().into_owned(), data)
        })
        .collect()
}

fn xml(entries: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(
        entries
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .clone(),
    )
    .expect("UTF-8 XML")
}

/// The three copies, each as its PDF and its OFD.
const COPIES: [(&str, &[&str]); 3] = [
    ("speech", &[]),
    ("speech-draft", &["--draft"]),
    ("speech-masked", &["--mask"]),
];

/// Lines of a page: (baseline, left edge, text), items within 2.5 pt of a baseline on one line
/// (as `pdf_glyphs::lines` groups the PDF's glyphs), the line's baseline its highest, in mm.
fn lines_of(items: Vec<(f64, f64, String)>) -> Vec<(f64, f64, String)> {
    let mut lines: Vec<Vec<(f64, f64, String)>> = Vec::new();
    for item in items {
        match lines
            .iter_mut()
            .find(|l| (l[0].0 - item.0).abs() < 2.5 * MM_PER_PT)
        {
            Some(l) => l.push(item),
            None => lines.push(vec![item]),
        }
    }
    let mut out: Vec<(f64, f64, String)> = lines
        .into_iter()
        .map(|mut l| {
            l.sort_by(|a, b| a.1.total_cmp(&b.1));
            let baseline = l.iter().map(|i| i.0).fold(f64::INFINITY, f64::min);
            let text: String = l.iter().map(|i| squeeze(&i.2)).collect();
            (baseline, l[0].1, text)
        })
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

#[test]
fn ofdkit_reads_every_copy_as_the_pdf_prints_it_text_pages_size_and_baselines() {
    let Some(python) = ofd_readers::python() else {
        return;
    };
    if !pdf_tools::have(&["pdftotext", "pdfinfo"]) {
        return;
    }
    let p = Project::sample();
    for (stem, extra) in COPIES {
        let mut args = vec!["--format", "pdf,ofd"];
        args.extend_from_slice(extra);
        render(&p, &args).expect_code(0);
        let pdf = std::fs::read(p.path(&format!("out/{stem}.pdf"))).unwrap();
        let read = ofd_readers::read(&python, &p.path(&format!("out/{stem}.ofd")));
        assert_eq!(read["warnings"], serde_json::json!([]), "{stem}");
        let pages = read["pages"].as_array().unwrap();

        // Pages and their size, as pdfinfo gives them.
        let info = pdf_tools::pdfinfo(&pdf);
        let field = |name: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}:")))
                .unwrap_or_else(|| panic!("{name} in {info}"))
                .trim()
                .to_owned()
        };
        assert_eq!(field("Pages"), pages.len().to_string(), "{stem}");
        let size: Vec<f64> = field("Page size")
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        for page in pages {
            assert!((page["width"].as_f64().unwrap() - size[0] * MM_PER_PT).abs() < 0.1);
            assert!((page["height"].as_f64().unwrap() - size[1] * MM_PER_PT).abs() < 0.1);
        }
        // The metadata the PDF carries.
        let doc_info = &read["info"];
        assert_eq!(
            doc_info["title"].as_str().unwrap(),
            field("Title"),
            "{stem}"
        );
        assert_eq!(doc_info["author"].as_str().unwrap(), field("Author"));
        let date = doc_info["creation_date"].as_str().unwrap();
        assert!(field("CreationDate").contains(&date[..4]), "{date} {info}");
        assert!(
            doc_info["custom_data"]["speechgen-digest"]
                .as_str()
                .unwrap()
                .starts_with("sha256="),
            "{doc_info}"
        );

        // The text, page by page, as pdftotext reads it.
        let text = pdf_tools::pdftotext(&pdf);
        let pdf_pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|t| !t.trim().is_empty())
            .collect();
        assert_eq!(pdf_pages.len(), pages.len());
        for (n, (page, pdf_page)) in pages.iter().zip(&pdf_pages).enumerate() {
            assert_eq!(
                squeeze(page["text"].as_str().unwrap()),
                squeeze(pdf_page),
                "{stem}, page {}",
                n + 1
            );
        }

        // Each line where the PDF sets it: its baseline and left edge within 0.5 mm, its text.
        let glyphs = pdf_glyphs::glyphs(&pdf);
        for (n, (page, pdf_page)) in pages.iter().zip(&glyphs).enumerate() {
            let ofd_lines = lines_of(
                page["runs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        (
                            r["y"].as_f64().unwrap(),
                            r["x"].as_f64().unwrap(),
                            r["text"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect(),
            );
            let pdf_lines = lines_of(
                pdf_page
                    .iter()
                    .map(|g| (g.baseline * MM_PER_PT, g.x * MM_PER_PT, g.ch.to_string()))
                    .collect(),
            );
            assert_eq!(ofd_lines.len(), pdf_lines.len(), "{stem}, page {}", n + 1);
            for (o, p) in ofd_lines.iter().zip(&pdf_lines) {
                assert_eq!(o.2, p.2, "{stem}, page {}", n + 1);
                assert!(
                    (o.0 - p.0).abs() < 0.5 && (o.1 - p.1).abs() < 0.5,
                    "{stem}, page {}: “{}” at {:.2}/{:.2} mm in the OFD, {:.2}/{:.2} in the PDF",
                    n + 1,
                    o.2,
                    o.1,
                    o.0,
                    p.1,
                    p.0
                );
            }
        }
    }
}

#[test]
fn fonttools_finds_every_character_of_each_embedded_face_in_its_cmap() {
    let Some(python) = ofd_readers::python() else {
        return;
    };
    let p = Project::sample();
    for (stem, extra) in COPIES {
        let mut args = vec!["--format", "ofd"];
        args.extend_from_slice(extra);
        render(&p, &args).expect_code(0);
        let read = ofd_readers::read(&python, &p.path(&format!("out/{stem}.ofd")));
        let faces = read["faces"].as_array().unwrap();
        assert_eq!(
            faces.len(),
            4,
            "Song, Kai, Hei, the title's serif: {faces:?}"
        );
        for face in faces {
            assert_eq!(face["missing"], serde_json::json!([]), "{stem}: {face}");
            // A subset: its cmap maps exactly the characters shown, its glyphs a few hundred
            // of the tens of thousands the face has.
            assert_eq!(face["mapped"], face["chars"], "{face}");
            assert!(face["glyphs"].as_u64().unwrap() < 1000, "{face}");
            let tables = face["tables"].to_string();
            // The title's bundled serif has CFF outlines, the others TrueType.
            let outlines = if face["family"] == "Noto Serif CJK SC" {
                "CFF "
            } else {
                "glyf"
            };
            for table in ["cmap", outlines, "head", "hmtx", "OS/2", "name"] {
                assert!(tables.contains(&format!("\"{table}\"")), "{face}");
            }
        }
    }
}

/// `render --format ofd` with the office fonts of `office-fonts/` (and the machine's shared
/// folders, not the user's).
fn render_with_office_fonts(p: &Project) -> Run {
    let mut cmd = p.command([
        "render",
        "--fonts",
        "auto",
        "--font-dir",
        "office-fonts",
        "--format",
        "ofd",
        "-o",
        "out",
    ]);
    cmd.env("HOME", p.path("home"))
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_DATA_DIRS");
    Run::of(&mut cmd)
}

#[test]
fn a_cff_office_face_is_embedded_as_cff_with_a_cmap_of_what_it_shows() {
    let Some(python) = ofd_readers::python() else {
        return;
    };
    let Some(fangsong) = crate::office_fonts::cff_fangsong() else {
        return;
    };
    let p = Project::sample();
    let path = p.path("office-fonts/cff/fangsong.otf");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &fangsong).unwrap();
    render_with_office_fonts(&p).expect_code(0);
    let read = ofd_readers::read(&python, &p.path("out/speech.ofd"));
    let face = read["faces"]
        .as_array()
        .unwrap()
        .iter()
        // The office face, not the title's bundled serif (CFF too).
        .find(|f| {
            f["file"].as_str().unwrap().ends_with(".otf") && f["family"] != "Noto Serif CJK SC"
        })
        .unwrap_or_else(|| panic!("the CFF office face: {}", read["faces"]))
        .clone();
    assert!(face["tables"].to_string().contains("\"CFF \""), "{face}");
    assert_eq!(face["missing"], serde_json::json!([]), "{face}");
    assert!(face["chars"].as_u64().unwrap() > 400, "{face}");
    // The subset of a 20 MB collection's face.
    assert!(face["bytes"].as_u64().unwrap() < 400_000, "{face}");
}

/// Every element of every XML part: the `ofd:` prefix (as written) and the OFD namespace.
fn assert_prefixed(name: &str, text: &str) {
    for (i, _) in text.match_indices('<') {
        let rest = &text[i + 1..];
        if rest.starts_with('?') {
            continue;
        }
        assert!(
            rest.starts_with("ofd:") || rest.starts_with("/ofd:"),
            "{name}: an element without the ofd: prefix at byte {i}: {}",
            &rest[..rest.len().min(40)]
        );
    }
    let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    for node in doc.descendants().filter(|n| n.is_element()) {
        assert_eq!(node.tag_name().namespace(), Some(NS), "{name}");
    }
}

#[test]
fn the_package_has_the_shape_strict_readers_ask_for() {
    let p = Project::sample();
    render(&p, &["--format", "ofd"]).expect_code(0);
    let files = entries(&std::fs::read(p.path("out/speech.ofd")).unwrap());
    for (name, data) in &files {
        if name.ends_with(".xml") {
            assert_prefixed(name, std::str::from_utf8(data).unwrap());
        }
    }
    let ofd = xml(&files, "OFD.xml");
    assert!(
        ofd.contains("<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"),
        "{ofd}"
    );
    let document = xml(&files, "Doc_0/Document.xml");
    let doc = roxmltree::Document::parse(&document).unwrap();
    let el = |name: &str| doc.descendants().find(|n| n.has_tag_name((NS, name)));
    assert_eq!(
        el("PhysicalBox").and_then(|n| n.text()),
        Some("0 0 210 297"),
        "A4 in mm"
    );
    // Fonts by ID, each with its file in the package.
    let res = xml(&files, "Doc_0/PublicRes.xml");
    let res = roxmltree::Document::parse(&res).unwrap();
    let base = res.root_element().attribute("BaseLoc").unwrap();
    let mut fonts = BTreeSet::new();
    for font in res.descendants().filter(|n| n.has_tag_name((NS, "Font"))) {
        fonts.insert(font.attribute("ID").unwrap().to_owned());
        let file = font
            .children()
            .find(|n| n.has_tag_name((NS, "FontFile")))
            .and_then(|n| n.text())
            .unwrap();
        assert!(
            files.contains_key(&format!("Doc_0/{base}/{file}")),
            "{file}"
        );
        assert!(!font.attribute("FontName").unwrap().is_empty());
    }
    // Pages: BaseLoc relative, from Page_0; every object ID once; TextObjects with a
    // Boundary, a font of the resources, and DeltaX one value fewer than their characters.
    let mut ids = BTreeSet::new();
    let mut add_id = |id: &str| {
        let id: u32 = id.parse().expect("an ST_ID");
        assert!(ids.insert(id), "ID {id} given twice");
        id
    };
    fonts.iter().for_each(|f| {
        add_id(f);
    });
    let pages: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name((NS, "Page")))
        .collect();
    // The sample sets on 4 pages, as the PDF does (issue 20).
    assert_eq!(pages.len(), 4);
    let mut objects = 0;
    for (n, page) in pages.iter().enumerate() {
        add_id(page.attribute("ID").unwrap());
        let loc = page.attribute("BaseLoc").unwrap();
        assert_eq!(loc, format!("Pages/Page_{n}/Content.xml"));
        let content = xml(&files, &format!("Doc_0/{loc}"));
        let content = roxmltree::Document::parse(&content).unwrap();
        for node in content.descendants().filter(|n| n.is_element()) {
            if let Some(id) = node.attribute("ID") {
                add_id(id);
            }
            if !node.has_tag_name((NS, "TextObject")) {
                continue;
            }
            objects += 1;
            let boundary: Vec<f64> = node
                .attribute("Boundary")
                .expect("a Boundary")
                .split(' ')
                .map(|v| v.parse().unwrap())
                .collect();
            assert!(boundary.len() == 4 && boundary[2] > 0.0 && boundary[3] > 0.0);
            assert!(boundary[0] >= 0.0 && boundary[0] + boundary[2] <= 210.0);
            assert!(fonts.contains(node.attribute("Font").unwrap()));
            let size: f64 = node.attribute("Size").unwrap().parse().unwrap();
            assert!(size > 2.0 && size < 10.0, "{size} mm");
            for code in node.children().filter(|n| n.has_tag_name((NS, "TextCode"))) {
                let chars = code.text().unwrap().chars().count();
                let deltas = code.attribute("DeltaX").map_or(0, |d| {
                    assert!(!d.contains('g'), "{d}");
                    d.split(' ').count()
                });
                assert_eq!(deltas, chars - 1, "{:?}", code.text());
                let x: f64 = code.attribute("X").unwrap().parse().unwrap();
                let y: f64 = code.attribute("Y").unwrap().parse().unwrap();
                assert!(x >= 0.0 && x < boundary[2] && y > 0.0 && y < boundary[3]);
            }
        }
    }
    assert!(objects > 100, "{objects}");
    let max: u32 = el("MaxUnitID")
        .and_then(|n| n.text())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(Some(&max), ids.iter().max());
    // The custom tags: listed in Document.xml, each ObjectRef a text object of its page.
    assert_eq!(
        el("CustomTags").and_then(|n| n.text()),
        Some("Tags/CustomTags.xml")
    );
    let listing = xml(&files, "Doc_0/Tags/CustomTags.xml");
    assert!(
        listing.contains("<ofd:FileLoc>CustomTag.xml</ofd:FileLoc>"),
        "{listing}"
    );
    assert!(files.contains_key("Doc_0/DocumentRes.xml"));
}

#[test]
fn figures_carry_their_id_as_a_custom_tag_pointing_at_the_text_that_prints_them() {
    let Some(python) = ofd_readers::python() else {
        return;
    };
    let p = Project::sample();
    for (stem, extra) in [COPIES[0], COPIES[2]] {
        let mut args = vec!["--format", "ofd,md,html"];
        args.extend_from_slice(extra);
        render(&p, &args).expect_code(0);
        let read = ofd_readers::read(&python, &p.path(&format!("out/{stem}.ofd")));
        let figures: Vec<(String, String)> = read["figures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let texts: Vec<&str> = f["texts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().expect("every ObjectRef finds its object"))
                    .collect();
                (f["name"].as_str().unwrap().to_owned(), texts.concat())
            })
            .collect();
        // Every figure the speech prints, in the order the page (the HTML) marks them.
        let html = p.read(&format!("out/{stem}.html"));
        let marked: Vec<&str> = html
            .split("data-figure=\"")
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect();
        let tagged: Vec<&str> = figures.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(tagged, marked, "{stem}");
        assert!(figures.len() > 30, "{figures:?}");
        let value = |id: &str| {
            figures
                .iter()
                .find(|(name, _)| name == id)
                .map(|(_, t)| t.as_str())
        };
        if stem == "speech" {
            assert_eq!(value("deputy_secretaries"), Some("37"), "{figures:?}");
            assert_eq!(value("party_workers"), Some("126"));
        } else {
            assert_eq!(value("deputy_secretaries"), Some("*"), "{figures:?}");
        }
        // Each figure's text is in the speech as the Markdown prints it.
        let md = p.read(&format!("out/{stem}.md"));
        if stem == "speech" {
            for (name, text) in &figures {
                assert!(
                    md.contains(text.as_str()),
                    "{name}: “{text}” is not in the speech"
                );
            }
        }
    }
}

#[test]
fn the_same_inputs_give_the_same_bytes_and_the_ofd_is_written_only_when_asked() {
    let p = Project::sample();
    render(&p, &[]).expect_code(0);
    assert!(!p.path("out/speech.ofd").exists(), "not in the default set");
    render(&p, &["--format", "ofd"])
        .expect_code(0)
        .expect_stderr("已写入 out/speech.ofd");
    let first = std::fs::read(p.path("out/speech.ofd")).unwrap();
    std::fs::remove_file(p.path("out/speech.ofd")).unwrap();
    render(&p, &["--format", "ofd"]).expect_code(0);
    assert!(std::fs::read(p.path("out/speech.ofd")).unwrap() == first);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&first)).unwrap();
    for i in 0..archive.len() {
        let entry = archive.by_index(i).unwrap();
        let t = entry.last_modified().unwrap();
        assert_eq!(
            (t.year(), t.month(), t.day()),
            (1980, 1, 1),
            "{:?}",
            entry.name()
        );
    }
    // check lays the OFD out too (and writes nothing).
    crate::harness::check_with(&p, &["--format", "ofd"]).expect_code(0);
}

/// The package with `from` replaced by `to` in the entry `name`, every other entry as it was.
fn with_entry_changed(bytes: &[u8], name: &str, from: &str, to: &str) -> Vec<u8> {
    let files = entries(bytes);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (entry, data) in files {
        writer.start_file(entry.as_str(), options).unwrap();
        if entry == name {
            let text = String::from_utf8(data).unwrap();
            assert!(text.contains(from), "{from} in {name}");
            writer
                .write_all(text.replacen(from, to, 1).as_bytes())
                .unwrap();
        } else {
            writer.write_all(&data).unwrap();
        }
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn verify_reads_the_digest_and_the_text_of_an_ofd() {
    let p = Project::sample();
    render(&p, &["--format", "ofd"]).expect_code(0);
    let file = p.path("out/speech.ofd");
    p.run(["verify", "out/speech.ofd"])
        .expect_code(0)
        .expect_stdout("与当前输入一致");
    // The text changed after it was written: stale, the place named.
    let bytes = std::fs::read(&file).unwrap();
    let edited = with_entry_changed(
        &bytes,
        "Doc_0/Pages/Page_0/Content.xml",
        ">市直工委",
        ">市直党委",
    );
    std::fs::write(p.path("out/edited.ofd"), edited).unwrap();
    p.run(["verify", "out/edited.ofd"])
        .expect_code(1)
        .expect_stdout("文字与按当前输入重新生成的不同")
        .expect_stdout("第 1 页");
    // A fact changed since: stale, the fact named.
    p.edit_facts(
        "full_time_deputy_secretaries: 37",
        "full_time_deputy_secretaries: 38",
    );
    p.run(["verify", "out/speech.ofd"])
        .expect_code(1)
        .expect_stdout("political.full_time_deputy_secretaries");
    // Without its custom datum: no digest (exit 2).
    let bare = with_entry_changed(&bytes, "OFD.xml", "Name=\"speechgen-digest\"", "Name=\"x\"");
    std::fs::write(p.path("out/bare.ofd"), bare).unwrap();
    p.run(["verify", "out/bare.ofd"]).expect_code(2);
}

/// An XML part as text (every element's name, attributes and text) without what only places
/// things: the coordinates, sizes and ids, which are numbers whose digits may spell a value by
/// chance (a Boundary at 139.12 mm holds “39.1”). Each of them is checked to be nothing but a
/// number, so that nothing can hide there.
fn without_geometry(name: &str, xml: &str) -> String {
    const PLACES: [&str; 10] = [
        "Boundary",
        "X",
        "Y",
        "DeltaX",
        "Size",
        "ID",
        "Font",
        "PageRef",
        "Value",
        "MaxUnitID",
    ];
    let numeric = |v: &str| v.chars().all(|c| c.is_ascii_digit() || " .-".contains(c));
    let doc = roxmltree::Document::parse(xml).unwrap();
    let mut out = String::new();
    for node in doc.descendants() {
        if node.is_element() {
            out.push_str(node.tag_name().name());
            for a in node.attributes() {
                if PLACES.contains(&a.name()) {
                    assert!(numeric(a.value()), "{name}: {}={}", a.name(), a.value());
                } else {
                    out.push_str(&format!(" {}={}", a.name(), a.value()));
                }
            }
            out.push('\n');
        } else if let Some(text) = node.text() {
            let parent = node.parent().map(|p| p.tag_name().name()).unwrap_or("");
            if ["PhysicalBox", "MaxUnitID", "ObjectRef"].contains(&parent) {
                assert!(numeric(text), "{name}: {parent} {text}");
            } else {
                out.push_str(text);
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn the_masked_ofd_holds_no_real_value_anywhere_in_the_package() {
    use crate::trust_render::{assert_holds_none, real_values, sentinel_project};
    let p = sentinel_project();
    let values = real_values(&p);
    render(&p, &["--format", "ofd"]).expect_code(0);
    // The final OFD prints them: the test would see a leak.
    let final_files = entries(&std::fs::read(p.path("out/speech.ofd")).unwrap());
    let all: String = final_files
        .values()
        .map(|d| String::from_utf8_lossy(d).into_owned())
        .collect();
    for v in ["7391", "4812"] {
        assert!(all.contains(v), "{v} in the final OFD");
    }
    render(&p, &["--format", "ofd", "--mask"]).expect_code(0);
    let masked = std::fs::read(p.path("out/speech-masked.ofd")).unwrap();
    assert_holds_none(
        "speech-masked.ofd",
        &String::from_utf8_lossy(&masked),
        &values,
    );
    let files = entries(&masked);
    assert!(files.len() > 8);
    for (name, data) in &files {
        let text = if name.ends_with(".xml") {
            without_geometry(name, std::str::from_utf8(data).unwrap())
        } else {
            String::from_utf8_lossy(data).into_owned()
        };
        assert_holds_none(
            &format!("speech-masked.ofd:{name}"),
            &format!("{name}\n{text}"),
            &values,
        );
    }
    let page: String = files
        .iter()
        .filter(|(n, _)| n.contains("Content.xml"))
        .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
        .collect();
    assert!(page.contains("传阅稿（数字已隐去）"));
    assert!(page.contains(">*</ofd:TextCode>"), "the figures print as *");
}

/// The digest of an OFD is where every other reader of speechgen's outputs looks for it.
#[test]
fn the_digest_is_found_in_an_ofd_as_in_the_other_outputs() {
    let p = Project::sample();
    render(&p, &["--format", "ofd,md"]).expect_code(0);
    let ofd = speechgen::digest::Digest::find_in(&std::fs::read(p.path("out/speech.ofd")).unwrap())
        .unwrap();
    let md = speechgen::digest::Digest::find_in(p.read("out/speech.md").as_bytes()).unwrap();
    assert_eq!(ofd.sha256, md.sha256);
    assert!(!ofd.faces.is_empty(), "the faces are named, as in the PDF");
}

/// `collection` with face `index`'s licence set to forbid embedding (OS/2 fsType 2, restricted).
fn restricted(mut collection: Vec<u8>, index: usize) -> Vec<u8> {
    let word = |b: &[u8], at: usize| u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize;
    assert_eq!(&collection[0..4], b"ttcf");
    let face = word(&collection, 12 + 4 * index);
    let tables = u16::from_be_bytes([collection[face + 4], collection[face + 5]]) as usize;
    let os2 = (0..tables)
        .map(|i| face + 12 + 16 * i)
        .find(|r| &collection[*r..*r + 4] == b"OS/2")
        .expect("an OS/2 table");
    let at = word(&collection, os2 + 8) + 8;
    collection[at..at + 2].copy_from_slice(&2u16.to_be_bytes());
    collection
}

#[test]
fn a_face_whose_licence_forbids_embedding_is_not_in_the_ofd_its_role_falls_back() {
    let Some(python) = ofd_readers::python() else {
        return;
    };
    let p = Project::sample();
    let path = p.path("office-fonts/office.ttc");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    // Face 0 is 黑体 (restricted now), face 1 方正小标宋简体.
    std::fs::write(
        &path,
        restricted(crate::office_fonts::office_collection(), 0),
    )
    .unwrap();
    let run = render_with_office_fonts(&p);
    run.expect_code(0).expect_stderr("许可禁止嵌入");
    let read = ofd_readers::read(&python, &p.path("out/speech.ofd"));
    let families: Vec<String> = read["faces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["missing"], serde_json::json!([]), "{f}");
            f["family"].as_str().unwrap_or_default().to_owned()
        })
        .collect();
    assert!(
        families.iter().all(|f| f != "黑体" && f != "SimHei"),
        "{families:?}\n{}",
        run.stderr
    );
    assert!(
        families.iter().any(|f| f.contains("WenQuanYi")),
        "the bundled Hei stands in: {families:?}"
    );
    assert!(
        families
            .iter()
            .any(|f| f.contains("方正小标宋") || f.contains("FZXiaoBiaoSong")),
        "the office title face is used: {families:?}"
    );
}
