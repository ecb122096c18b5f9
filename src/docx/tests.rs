use std::collections::BTreeMap;
use std::io::Read;

use super::*;
use crate::document::{Block, FigureNote, Inline, InlineStyle};

const W: &str = body::W_NS;

fn run(text: &str, style: InlineStyle, figure: Option<&str>, unfilled: bool) -> Inline {
    Inline {
        text: text.into(),
        style,
        figure: figure.map(str::to_owned),
        unfilled,
    }
}

/// A speech with a heading, a lead sentence holding a figure, a figure printed twice, one
/// unfilled and one invalid figure, and text that must be escaped.
fn sample(draft: bool) -> Document {
    let note = |id: &str, status: &'static str| FigureNote {
        id: id.into(),
        provenance: format!("{id} 标签：37人\n算法：a ÷ b\n来源：facts/2021.yaml:3:5（a.b）"),
        status,
        unit: String::new(),
        number: true,
    };
    Document {
        title: "市直工委在全市机关党建工作推进会上的发言".into(),
        blocks: vec![
            Block::Heading {
                level: 2,
                inlines: vec![run("一、强化政治引领", InlineStyle::Plain, None, false)],
            },
            Block::Paragraph {
                inlines: vec![
                    run("扛起", InlineStyle::Lead, None, false),
                    run("3", InlineStyle::Lead, Some("lead_fig"), false),
                    run("项责任", InlineStyle::Lead, None, false),
                    run("。配备<副书记> & “专职”", InlineStyle::Plain, None, false),
                    run("37", InlineStyle::Plain, Some("deputies"), false),
                    run("人，又", InlineStyle::Plain, None, false),
                    run("37", InlineStyle::Plain, Some("deputies"), false),
                    run("人；", InlineStyle::Plain, None, false),
                    run(
                        "【未填：工作人员】",
                        InlineStyle::Plain,
                        Some("workers"),
                        true,
                    ),
                    run("【有误：占比】", InlineStyle::Plain, Some("share"), true),
                    run("。", InlineStyle::Plain, None, false),
                ],
            },
            Block::Heading {
                level: 3,
                inlines: vec![run("（一）小节", InlineStyle::Plain, None, false)],
            },
        ],
        draft,
        figures: vec![
            note("lead_fig", "ok"),
            note("deputies", "ok"),
            note("workers", "unfilled"),
            note("share", "invalid"),
        ],
        ..Default::default()
    }
}

fn meta() -> DocxMeta {
    DocxMeta {
        title: "发言 <草稿> & “定稿”'s".into(),
        author: "市直机关工委 & <办公室>".into(),
        digest: Some("sha256:abc<&>".into()),
        created: crate::date::Date::parse("2021-06-30"),
        fonts: Vec::new(),
    }
}

/// Every entry of the package, by name, in the package's order.
fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            (f.name().unwrap().into_owned(), text)
        })
        .collect()
}

fn parts(doc: &Document, meta: &DocxMeta) -> BTreeMap<String, String> {
    unzip(&write_docx(doc, meta).unwrap()).into_iter().collect()
}

fn w<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    node.descendants()
        .filter(|n| n.tag_name().namespace() == Some(W) && n.tag_name().name() == name)
        .collect()
}

fn val<'a>(node: roxmltree::Node<'a, 'a>) -> &'a str {
    node.attribute((W, "val")).unwrap_or_default()
}

#[test]
fn every_part_is_well_formed_typed_and_reachable() {
    for draft in [false, true] {
        let parts = parts(&sample(draft), &meta());
        for (name, text) in &parts {
            roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        }
        let types = roxmltree::Document::parse(&parts["[Content_Types].xml"])
            .unwrap()
            .descendants()
            .filter_map(|n| n.attribute("PartName"))
            .map(|p| p.trim_start_matches('/').to_owned())
            .collect::<Vec<_>>();
        for name in parts
            .keys()
            .filter(|n| !n.ends_with(".rels") && n.contains('/'))
        {
            assert!(types.contains(name), "{name} has no content type");
        }
        for (rels, base) in [
            ("_rels/.rels", ""),
            ("word/_rels/document.xml.rels", "word/"),
        ] {
            let doc = roxmltree::Document::parse(&parts[rels]).unwrap();
            for target in doc.descendants().filter_map(|n| n.attribute("Target")) {
                assert!(
                    parts.contains_key(&format!("{base}{target}")),
                    "{rels} points to a missing {target}"
                );
            }
        }
        assert_eq!(parts.contains_key("word/header1.xml"), draft);
        assert_eq!(parts.contains_key("word/comments.xml"), draft);
    }
}

#[test]
fn properties_keep_names_with_markup_and_quotes_exactly() {
    let m = meta();
    let parts = parts(&sample(false), &m);
    let core = roxmltree::Document::parse(&parts["docProps/core.xml"]).unwrap();
    let text = |name: &str| {
        core.descendants()
            .find(|n| n.tag_name().name() == name)
            .and_then(|n| n.text())
            .map(str::to_owned)
    };
    assert_eq!(text("title").as_deref(), Some(m.title.as_str()));
    assert_eq!(text("creator").as_deref(), Some(m.author.as_str()));
    assert_eq!(text("contentStatus"), None, "a final is not a draft");
    let custom = roxmltree::Document::parse(&parts["docProps/custom.xml"]).unwrap();
    let prop = custom
        .descendants()
        .find(|n| n.attribute("name") == Some(crate::digest::KEY))
        .expect("digest property");
    assert_eq!(
        prop.descendants().find_map(|n| n.text()),
        Some("sha256:abc<&>")
    );

    let no_digest = DocxMeta {
        digest: None,
        author: String::new(),
        ..m
    };
    let parts = super::tests::parts(&sample(true), &no_digest);
    assert!(!parts.contains_key("docProps/custom.xml"));
    assert!(!parts["docProps/core.xml"].contains("creator"));
    assert!(parts["docProps/core.xml"].contains("<cp:contentStatus>草稿</cp:contentStatus>"));
}

#[test]
fn text_is_escaped_and_read_back_as_written() {
    let mut doc = sample(false);
    doc.title = "标题\u{1}<b>&".into();
    let parts = parts(&doc, &meta());
    let xml = roxmltree::Document::parse(&parts["word/document.xml"]).unwrap();
    let text: String = w(xml.root(), "t").iter().filter_map(|t| t.text()).collect();
    assert!(text.starts_with("标题<b>&一、强化政治引领扛起3项责任。配备<副书记> & “专职”37人"));
}

#[test]
fn figures_are_tagged_content_controls_in_the_figure_style() {
    for draft in [false, true] {
        let parts = parts(&sample(draft), &meta());
        let xml = roxmltree::Document::parse(&parts["word/document.xml"]).unwrap();
        let controls = w(xml.root(), "sdt");
        let tags: Vec<&str> = controls.iter().map(|c| val(w(*c, "tag")[0])).collect();
        assert_eq!(
            tags,
            [
                "fig:lead_fig",
                "fig:deputies",
                "fig:deputies",
                "fig:workers",
                "fig:share"
            ]
        );
        let ids: Vec<&str> = controls.iter().map(|c| val(w(*c, "id")[0])).collect();
        assert_eq!(ids, ["1", "2", "3", "4", "5"], "unique and fixed");
        for c in &controls {
            let runs = w(*c, "r");
            assert_eq!(runs.len(), 1);
            let style = val(w(runs[0], "rStyle")[0]);
            let expected = if val(w(*c, "tag")[0]) == "fig:lead_fig" {
                styles::LEAD_FIGURE
            } else {
                styles::FIGURE
            };
            assert_eq!(style, expected);
        }
        let highlights: Vec<&str> = w(xml.root(), "highlight").into_iter().map(val).collect();
        if draft {
            assert_eq!(highlights, ["yellow", "red"], "unfilled, invalid");
        } else {
            assert!(highlights.is_empty());
        }
    }
}

#[test]
fn a_draft_comments_every_figure_occurrence_with_its_provenance() {
    let parts = parts(&sample(true), &meta());
    let xml = roxmltree::Document::parse(&parts["word/document.xml"]).unwrap();
    let refs: Vec<&str> = w(xml.root(), "commentReference")
        .into_iter()
        .map(|n| n.attribute((W, "id")).unwrap())
        .collect();
    assert_eq!(refs, ["0", "1", "2", "3", "4"]);
    assert_eq!(w(xml.root(), "commentRangeStart").len(), 5);
    assert_eq!(w(xml.root(), "commentRangeEnd").len(), 5);
    let comments = roxmltree::Document::parse(&parts["word/comments.xml"]).unwrap();
    let texts: Vec<String> = w(comments.root(), "comment")
        .iter()
        .map(|c| {
            w(*c, "p")
                .iter()
                .map(|p| {
                    w(*p, "t")
                        .iter()
                        .filter_map(|t| t.text())
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    assert_eq!(texts.len(), 5);
    assert!(texts[1].starts_with(
        "数据项 deputies\ndeputies 标签：37人\n算法：a ÷ b\n来源：facts/2021.yaml:3:5"
    ));
    assert_eq!(texts[1], texts[2], "each occurrence carries the same note");
    assert!(
        texts[3].starts_with("数据项 workers（未填）"),
        "{}",
        texts[3]
    );
    assert!(texts[4].starts_with("数据项 share（有误）"), "{}", texts[4]);
    assert!(!parts["word/comments.xml"].contains("w:date"), "no dates");
    let header = &parts["word/header1.xml"];
    assert!(header.contains(DRAFT_MARK));
    assert!(parts["word/document.xml"].contains("r:id=\"rIdHeader\""));
}

#[test]
fn a_final_has_no_comment_highlight_header_or_draft_mark() {
    let m = DocxMeta {
        title: "发言".into(),
        ..meta()
    };
    let parts = parts(&sample(false), &m);
    let document = &parts["word/document.xml"];
    for absent in ["comment", "highlight", "headerReference"] {
        assert!(
            !document.contains(absent),
            "{absent} in a final document.xml"
        );
    }
    let all: String = parts.iter().map(|(k, v)| format!("{k}\n{v}")).collect();
    for absent in ["comments.xml", "header1.xml", "草稿"] {
        assert!(!all.contains(absent), "{absent} in a final package");
    }
}

#[test]
fn every_style_used_is_defined_with_its_kind() {
    let parts = parts(&sample(true), &meta());
    let styles = roxmltree::Document::parse(&parts["word/styles.xml"]).unwrap();
    let defined: BTreeMap<&str, &str> = w(styles.root(), "style")
        .into_iter()
        .map(|s| {
            (
                s.attribute((W, "styleId")).unwrap(),
                s.attribute((W, "type")).unwrap(),
            )
        })
        .collect();
    for part in [
        "word/document.xml",
        "word/comments.xml",
        "word/header1.xml",
        "word/footer1.xml",
    ] {
        let xml = roxmltree::Document::parse(&parts[part]).unwrap();
        for (element, kind) in [("pStyle", "paragraph"), ("rStyle", "character")] {
            for used in w(xml.root(), element).into_iter().map(val) {
                assert_eq!(defined.get(used), Some(&kind), "{part}: {used}");
            }
        }
    }
    let names: Vec<&str> = w(styles.root(), "name").into_iter().map(val).collect();
    for name in [
        "Normal",
        "Title",
        "一级标题",
        "二级标题",
        "三级标题",
        "段首句",
        "数据项",
    ] {
        assert!(names.contains(&name), "style {name}");
    }
    let document = &parts["word/document.xml"];
    for id in [
        styles::TITLE,
        styles::PART_HEADING,
        styles::SECTION_HEADING,
        styles::NORMAL,
    ] {
        assert!(
            document.contains(&format!("<w:pStyle w:val=\"{id}\"/>")),
            "{id} used"
        );
    }
    assert!(document.contains(&format!("<w:rStyle w:val=\"{}\"/>", styles::LEAD)));
    // Direct formatting in the body is only a draft's highlight: no fonts, sizes, indents.
    for direct in ["rFonts", "<w:sz ", "<w:ind ", "<w:jc ", "<w:b/>"] {
        assert!(!document.contains(direct), "{direct} in document.xml");
    }
}

#[test]
fn the_same_document_gives_the_same_bytes_dated_1980() {
    let a = write_docx(&sample(true), &meta()).unwrap();
    let b = write_docx(&sample(true), &meta()).unwrap();
    assert_eq!(a, b);
    let mut archive = zip::ZipArchive::new(Cursor::new(&a)).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    assert_eq!(
        names[0], "[Content_Types].xml",
        "first, as Office writes it"
    );
    for i in 0..archive.len() {
        let f = archive.by_index(i).unwrap();
        let t = f.last_modified().unwrap();
        assert_eq!(
            (t.year(), t.month(), t.day()),
            (1980, 1, 1),
            "{:?}",
            f.name()
        );
        assert_eq!(f.compression(), CompressionMethod::Deflated);
    }
}

/// A number and its unit (37人, 3项 in a lead sentence, 1200多人): the unit in a run of its own
/// after the figure's control, opened by a word joiner and in the East Asian language en-US,
/// the marks after it in the next run; a figure's 多 the same inside the control. Nothing of the
/// kind where the text does not start with the unit, for an unfilled figure, or for a unit
/// that is not Chinese (%). Read back without the joiners, the text is unchanged.
#[test]
fn a_number_and_its_unit_are_joined() {
    let mut doc = sample(false);
    for f in &mut doc.figures {
        f.unit = match f.id.as_str() {
            "lead_fig" => "项",
            "workers" => "人",
            "share" => "%",
            _ => "人",
        }
        .into();
    }
    doc.figures.push(FigureNote {
        id: "many".into(),
        provenance: String::new(),
        status: "ok",
        unit: "人".into(),
        number: true,
    });
    doc.figures.push(FigureNote {
        id: "rate".into(),
        provenance: String::new(),
        status: "ok",
        unit: "%".into(),
        number: true,
    });
    doc.blocks.push(Block::Paragraph {
        inlines: vec![
            run("达", InlineStyle::Plain, None, false),
            run("1200多", InlineStyle::Plain, Some("many"), false),
            run("人，占", InlineStyle::Plain, None, false),
            run("96.7", InlineStyle::Plain, Some("rate"), false),
            run("%，名单", InlineStyle::Plain, None, false),
            run("1200多", InlineStyle::Plain, Some("many"), false),
            run("名。", InlineStyle::Plain, None, false),
        ],
    });
    let parts = parts(&doc, &meta());
    let xml = &parts["word/document.xml"];
    let joined = |style: &str, unit: &str| {
        format!(
            "</w:sdt><w:r><w:rPr>{style}<w:lang w:eastAsia=\"en-US\"/></w:rPr><w:t xml:space=\"preserve\">\u{2060}{unit}</w:t></w:r>"
        )
    };
    assert!(xml.contains(&format!(
        "{}<w:r><w:rPr><w:rStyle w:val=\"LeadSentence\"/></w:rPr><w:t xml:space=\"preserve\">责任</w:t></w:r>",
        joined("<w:rStyle w:val=\"LeadSentence\"/>", "项")
    )));
    assert!(xml.contains(&format!(
        "{}<w:r><w:t xml:space=\"preserve\">，又</w:t></w:r>",
        joined("", "人")
    )));
    assert!(xml.contains(&format!(
        "{}<w:r><w:t xml:space=\"preserve\">；</w:t></w:r>",
        joined("", "人")
    )));
    assert!(xml.contains(
        "<w:r><w:rPr><w:rStyle w:val=\"Figure\"/><w:lang w:eastAsia=\"en-US\"/></w:rPr><w:t xml:space=\"preserve\">\u{2060}多</w:t></w:r></w:sdtContent></w:sdt>"
    ));
    assert!(xml.contains(&format!(
        "{}<w:r><w:t xml:space=\"preserve\">，占</w:t></w:r>",
        joined("", "人")
    )));
    // The unfilled figure, the percentage and 1200多 before 名 keep their text as it is.
    assert_eq!(xml.matches("en-US").count(), 6, "项 人 人 多 人 多");
    assert!(xml.contains("<w:t xml:space=\"preserve\">%，名单</w:t>"));
    assert!(xml.contains("</w:sdt><w:r><w:t xml:space=\"preserve\">名。</w:t>"));
    let xml = roxmltree::Document::parse(xml).unwrap();
    let read_back: String = w(xml.root(), "t")
        .iter()
        .filter_map(|t| t.text())
        .flat_map(wording_of)
        .collect();
    let written: String = doc.blocks.iter().map(|b| b.plain_text()).collect();
    assert_eq!(read_back, format!("{}{written}", doc.title));
}
