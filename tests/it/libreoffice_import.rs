//! Issue 18, "Done when": the speech's .docx opened and saved by LibreOffice, edited over its XML
//! as a clerk edits it there, brought back with `import`.
//!
//! LibreOffice 7.4 keeps the content controls but drops their properties (`<w:sdtPr></w:sdtPr>`:
//! every `fig:` tag is gone), renames the styles (`Style14`, `Style15`, …) and writes `<w:t>`
//! without `xml:space`. Import then binds each figure by its place in the text.

use std::sync::OnceLock;

use crate::harness::office;
use crate::harness::{Project, unzip};
use crate::import::rendered_sample;

/// The sample's .docx as LibreOffice saves it (one conversion for the module: it takes seconds).
fn resaved() -> &'static [u8] {
    static RESAVED: OnceLock<Vec<u8>> = OnceLock::new();
    RESAVED.get_or_init(|| {
        let p = rendered_sample();
        office::docx_resaved(&std::fs::read(p.path("out/speech.docx")).unwrap())
    })
}

/// The one control's number `from` typed as `to` (its 多 or 余 after it in the same run, as
/// speechgen writes it, or in a run of its own, as LibreOffice does).
fn retyped(xml: String, from: &str, to: &str) -> String {
    for after in ["", "多", "余"] {
        let needle = format!(">{from}{after}</w:t>");
        if xml.matches(&needle).count() == 1 {
            return xml.replace(&needle, &format!(">{to}{after}</w:t>"));
        }
    }
    panic!("{from} printed once in a run of its own")
}

/// `digits` with its thousands parted by `sep` (1001 → 1,001).
fn grouped(digits: &str, sep: &str) -> String {
    let chars: Vec<char> = digits.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if i > 0 && (chars.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(*c);
    }
    out
}

/// Imports `docx` as 2021's wording, with and without `--write`: the same figures, the same
/// wording, exit 0 and nothing written.
fn imports_unchanged(p: &Project, docx: &[u8], what: &str) {
    std::fs::write(p.path("edited.docx"), docx).unwrap();
    for write in [false, true] {
        let mut args = vec!["import", "edited.docx", "--year", "2021"];
        if write {
            args.push("--write");
        }
        let run = p.run(args);
        run.expect_code(0).expect_stderr("措辞相同，数字也相同");
        for wrong in ["手工改成了", "新写的", "已不再出现", "需要决定 1"] {
            assert!(!run.stderr.contains(wrong), "{what}: {}", run.stderr);
        }
        assert!(
            !p.path("templates/2021").exists(),
            "{what}: nothing written"
        );
    }
}

#[test]
fn libreoffice_keeps_the_controls_and_drops_their_tags() {
    let xml = unzip(resaved())["word/document.xml"].clone();
    assert!(xml.contains("<w:sdtContent>"), "controls kept");
    assert!(
        !xml.contains("fig:"),
        "this LibreOffice drops the tags: {}",
        &xml[..400]
    );
}

#[test]
fn resaved_unedited_is_the_same_speech() {
    let p = rendered_sample();
    imports_unchanged(&p, resaved(), "unedited");
}

#[test]
fn a_number_retyped_with_a_thousands_separator_is_the_same_figure() {
    let p = rendered_sample();
    let tagged = std::fs::read(p.path("out/speech.docx")).unwrap();
    for sep in [",", "，", " "] {
        let typed = grouped("1001", sep);
        let lo = crate::import::edited_docx(resaved(), |xml| retyped(xml, "1001", &typed));
        imports_unchanged(&p, &lo, &format!("LibreOffice, {typed}"));
        // The tag kept (the .docx as speechgen wrote it, typed over in Word).
        let kept = crate::import::edited_docx(&tagged, |xml| retyped(xml, "1001", &typed));
        imports_unchanged(&p, &kept, &format!("tagged, {typed}"));
    }
}

#[test]
fn every_figure_retyped_with_any_separator_binds_to_itself() {
    let p = rendered_sample();
    let tagged = std::fs::read(p.path("out/speech.docx")).unwrap();
    let xml = unzip(resaved())["word/document.xml"].clone();
    // Every figure of four digits or more that the LibreOffice copy prints in a run of its own.
    let mut values: Vec<String> = xml
        .split("<w:t>")
        .skip(1)
        .filter_map(|t| t.split("</w:t>").next())
        .filter(|t| t.len() >= 4 && t.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_owned)
        .collect();
    values.sort();
    values.dedup();
    assert!(values.len() >= 4, "{values:?}");
    for value in &values {
        for sep in [",", "，", " "] {
            let typed = grouped(value, sep);
            let lo = crate::import::edited_docx(resaved(), |xml| retyped(xml, value, &typed));
            imports_unchanged(&p, &lo, &format!("LibreOffice, {typed}"));
            let kept = crate::import::edited_docx(&tagged, |xml| retyped(xml, value, &typed));
            imports_unchanged(&p, &kept, &format!("tagged, {typed}"));
        }
    }
}

/// The runs of the sentence holding 37 (已配备专职副书记37人), its control with them, copied to the
/// end of the next paragraph.
fn sentence_copied(xml: String) -> String {
    let at = xml.find(">37</w:t>").expect("37 in a control");
    let open = xml[..at].rfind("<w:sdt>").unwrap();
    let close = at + xml[at..].find("</w:sdt>").unwrap() + "</w:sdt>".len();
    let control = xml[open..close].to_owned();
    let next = xml.find("深化理论武装").unwrap();
    let end = next + xml[next..].find("</w:p>").unwrap();
    format!(
        "{}<w:r><w:rPr></w:rPr><w:t>直属党组织中，已配备专职副书记</w:t></w:r>{control}<w:r><w:rPr></w:rPr><w:t>人。</w:t></w:r>{}",
        &xml[..end],
        &xml[end..]
    )
}

#[test]
fn a_sentence_copied_with_its_figure_is_named_as_a_copy_and_not_written() {
    let p = rendered_sample();
    std::fs::write(
        p.path("copied.docx"),
        crate::import::edited_docx(resaved(), sentence_copied),
    )
    .unwrap();
    for write in [false, true] {
        let mut args = vec!["import", "copied.docx", "--year", "2021"];
        if write {
            args.push("--write");
        }
        let run = p.run(args);
        run.expect_code(1)
            .expect_stderr("deputy_secretaries")
            .expect_stderr("所在的句子被复制")
            .expect_stderr(
                "原句（第 4 段）：直属党组织中，已配备专职副书记37人，落实专职党务工作人员126人",
            )
            .expect_stderr("复制的（第 5 段）：直属党组织中，已配备专职副书记37人。")
            .expect_stderr("未写入");
        assert!(
            !run.stderr.contains("新写的文字中有数字“37人”"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("已写入"), "{}", run.stderr);
        assert!(!p.path("templates/2021").exists(), "nothing written");
    }
}

#[test]
fn a_real_edit_beside_them_is_written_and_prints() {
    let p = rendered_sample();
    let docx = crate::import::edited_docx(resaved(), |xml| {
        let xml = retyped(xml, "1001", "1,001");
        assert!(xml.contains("真正把党务干部培养成为"));
        xml.replace("真正把党务干部培养成为", "切实把党务干部培养成为")
    });
    std::fs::write(p.path("edited.docx"), docx).unwrap();
    let run = p.run(["import", "edited.docx", "--year", "2021"]);
    run.expect_code(1)
        .expect_stdout("[-真正-]{+切实+}")
        .expect_stderr("加 --write 写入");
    let run = p.run(["import", "edited.docx", "--year", "2021", "--write"]);
    run.expect_code(0).expect_stderr("已写入");
    for wrong in ["手工改成了", "新写的", "已不再出现", "需要决定 1"] {
        assert!(!run.stderr.contains(wrong), "{}", run.stderr);
    }
    let template = p.read("templates/2021/speech.md.tera");
    assert!(template.contains("切实把党务干部培养成为"), "{template}");
    assert!(!template.contains("1,001"), "{template}");
    p.run(["render", "--format", "md", "-o", "again"])
        .expect_code(0);
    let speech = p.read("again/speech.md");
    assert!(speech.contains("培训党建带头人1001名"), "{speech}");
    assert!(speech.contains("切实把党务干部培养成为"), "{speech}");
    assert!(!speech.contains("真正把党务干部"), "{speech}");
}
