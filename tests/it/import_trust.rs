//! Issue 18 §1: `import` never puts a value on the wrong figure. Each .docx here is one speechgen
//! rendered, its XML edited as Word or an office edits it.

use std::io::{Cursor, Read, Write};

use crate::harness::Project;
use crate::import::{edit_docx, rendered_sample};

const DEPUTY: &str = "<w:tag w:val=\"fig:deputy_secretaries\"/>";
const WORKERS: &str = "<w:tag w:val=\"fig:party_workers\"/>";

/// A copy whose controls name the wrong figures is reported with both places, never written.
fn refused_wrong_tags(p: &Project, file: &str) -> String {
    for write in [false, true] {
        let mut args = vec!["import", file, "--year", "2021"];
        if write {
            args.push("--write");
        }
        let run = p.run(args);
        run.expect_code(1)
            .expect_stderr("标记有误")
            .expect_stderr("已配备专职副书记")
            .expect_stderr("落实专职党务工作人员")
            .expect_stderr("未写入");
        assert!(
            !run.stderr.contains("手工改成了“126”"),
            "not a hand edit: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("已写入"), "{}", run.stderr);
        assert!(!p.path("templates/2021").exists(), "nothing written");
        if write {
            return run.stderr.clone();
        }
    }
    unreachable!()
}

#[test]
fn swapped_tags_are_a_wrong_tag_not_a_hand_edit() {
    let p = rendered_sample();
    edit_docx(&p, "out/speech.docx", "swapped.docx", |xml| {
        xml.replace(DEPUTY, "@@")
            .replace(WORKERS, DEPUTY)
            .replace("@@", WORKERS)
    });
    let stderr = refused_wrong_tags(&p, "swapped.docx");
    assert!(stderr.contains("fig:party_workers"), "{stderr}");
    assert!(stderr.contains("fig:deputy_secretaries"), "{stderr}");
}

#[test]
fn a_tag_used_twice_is_a_wrong_tag() {
    let p = rendered_sample();
    edit_docx(&p, "out/speech.docx", "twice.docx", |xml| {
        xml.replace(WORKERS, DEPUTY)
    });
    let stderr = refused_wrong_tags(&p, "twice.docx");
    assert!(stderr.contains("fig:deputy_secretaries"), "{stderr}");
    assert!(stderr.contains("2 处"), "{stderr}");
}

#[test]
fn a_sentence_copied_with_its_control_is_a_tag_used_twice() {
    let p = rendered_sample();
    edit_docx(&p, "out/speech.docx", "copied.docx", |xml| {
        // The control of deputy_secretaries copied into another paragraph's new sentence.
        let start = xml.find(DEPUTY).unwrap();
        let open = xml[..start].rfind("<w:sdt>").unwrap();
        let close = start + xml[start..].find("</w:sdt>").unwrap() + "</w:sdt>".len();
        let control = xml[open..close].to_owned();
        xml.replacen(
            "<w:t xml:space=\"preserve\">。立足新时代",
            &format!(
                "<w:t xml:space=\"preserve\">。新配备副书记</w:t></w:r>{control}<w:r><w:t xml:space=\"preserve\">人。立足新时代"
            ),
            1,
        )
    });
    let run = p.run(["import", "copied.docx", "--year", "2021", "--write"]);
    run.expect_code(1)
        .expect_stderr("标记有误")
        .expect_stderr("新配备副书记37人")
        .expect_stderr("未写入");
    assert!(!p.path("templates/2021").exists());
}

#[test]
fn numbers_with_thousands_separators_are_one_number() {
    let p = Project::empty();
    p.write(
        "汇报.txt",
        "市统计局2024年工作汇报\n\n　　扛起主体责任。全年培训干部1,536人次，走访企业1，204家，调查住户2 318户，发放问卷37份。\n",
    );
    let run = p.run(["import", "汇报.txt", "--new", "new", "--year", "2024"]);
    run.expect_code(1).expect_stderr("重新生成的讲话与原文一致");
    let template = p.read("new/templates/speech.md.tera");
    for written in ["1,536人次", "1，204家", "2 318户"] {
        assert!(template.contains(written), "{written}: {template}");
    }
    assert!(!template.contains("1,{{"), "{template}");
    assert!(run.stderr.contains("“1,536人次”"), "{}", run.stderr);

    // In wording import a new number with a separator is one number no figure prints.
    let p = rendered_sample();
    let md = p.read("out/speech.md").replace(
        "真正把党务干部培养成为",
        "培训干部1,536人次，把党务干部培养成为",
    );
    p.write("edited.md", &md);
    let run = p.run(["import", "edited.md", "--year", "2021"]);
    run.expect_code(1)
        .expect_stderr("新写的文字中有数字“1,536人次”");
}

#[test]
fn text_that_reads_as_a_tera_tag_round_trips() {
    let p = rendered_sample();
    let sentence = "讲清{% raw %}与{% if x %}、{{ y }}、{# z #}，“引号”和１２３。";
    let md = p.read("out/speech.md").replace(
        "真正把党务干部培养成为",
        &format!("{sentence}把党务干部培养成为"),
    );
    p.write("edited.md", &md);
    let run = p.run(["import", "edited.md", "--year", "2021", "--write"]);
    assert!(!run.stderr.contains("内部错误"), "{}", run.stderr);
    run.expect_stderr("已写入 templates/2021/speech.md.tera");
    p.run(["render", "2021", "--format", "md", "-o", "again"])
        .expect_code(0);
    p.run(["import", "again/speech.md", "--year", "2021"])
        .expect_stderr("措辞没有变化");
    let docx_again = p.run(["render", "2021", "--format", "docx", "-o", "again_docx"]);
    docx_again.expect_code(0);
    let xml = crate::harness::unzip(&std::fs::read(p.path("again_docx/speech.docx")).unwrap())
        ["word/document.xml"]
        .clone();
    assert!(
        xml.contains("讲清{% raw %}与{% if x %}、{{ y }}、{# z #}"),
        "printed as written"
    );
}

#[test]
fn a_new_project_takes_its_year_from_the_speech() {
    let p = Project::empty();
    p.write(
        "汇报.txt",
        "市统计局2025年度工作汇报\n\n　　扛起主体责任。2025年度，全年培训干部36人次。\n",
    );
    let run = p.run(["import", "汇报.txt", "--new", "new"]);
    run.expect_stderr("2025");
    assert!(p.path("new/facts/2025.yaml").exists(), "{}", run.stderr);
    assert!(
        p.read("new/templates/speech.md.tera")
            .contains("{{ year }}年度，全年培训干部")
    );
    assert!(run.stderr.contains("年份取自讲话"), "{}", run.stderr);
}

/// The sample's .docx with `word/document.xml` replaced by `data`, stored deflated.
fn with_document(p: &Project, to: &str, data: &[u8]) {
    let bytes = std::fs::read(p.path("out/speech.docx")).unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut old = Vec::new();
        entry.read_to_end(&mut old).unwrap();
        writer.start_file(name.clone(), options).unwrap();
        if name == "word/document.xml" {
            writer.write_all(data).unwrap();
        } else {
            writer.write_all(&old).unwrap();
        }
    }
    std::fs::write(p.path(to), writer.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn a_docx_part_is_read_with_a_cap() {
    let p = rendered_sample();
    let xml = crate::harness::unzip(&std::fs::read(p.path("out/speech.docx")).unwrap())
        ["word/document.xml"]
        .clone();
    // 300 MB of spaces after the body: a few hundred KB packed.
    let mut bomb = xml.clone().into_bytes();
    bomb.extend(std::iter::repeat_n(b' ', 300 << 20));
    with_document(&p, "bomb.docx", &bomb);
    assert!(std::fs::metadata(p.path("bomb.docx")).unwrap().len() < 2 << 20);
    let started = std::time::Instant::now();
    p.run(["import", "bomb.docx", "--year", "2021"])
        .expect_code(2)
        .expect_stderr("解压");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));

    // UTF-16 (as some tools save XML): read as what it says.
    let utf16 = xml.replacen("encoding=\"UTF-8\"", "encoding=\"UTF-16\"", 1);
    let mut data = vec![0xFF, 0xFE];
    for unit in utf16.encode_utf16() {
        data.extend(unit.to_le_bytes());
    }
    with_document(&p, "utf16.docx", &data);
    let run = p.run(["import", "utf16.docx", "--year", "2021"]);
    assert!(
        !run.stderr.contains("缺少 word/document.xml"),
        "{}",
        run.stderr
    );
    run.expect_code(0).expect_stdout("措辞相同，数字也相同。");
}

#[test]
fn headings_and_leads_typed_as_offices_type_them() {
    let p = rendered_sample();
    edit_docx(&p, "out/speech.docx", "office.docx", |xml| {
        // Headings as plain paragraphs: 黑体, bold; lead sentences in 楷体 runs.
        xml.replace(
            "<w:pPr><w:pStyle w:val=\"PartHeading\"/></w:pPr><w:r>",
            "<w:pPr><w:jc w:val=\"left\"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii=\"黑体\" w:eastAsia=\"黑体\"/><w:b/><w:sz w:val=\"32\"/></w:rPr>",
        )
        .replace(
            "<w:rPr><w:rStyle w:val=\"LeadSentence\"/></w:rPr>",
            "<w:rPr><w:rFonts w:ascii=\"楷体\" w:eastAsia=\"楷体_GB2312\"/></w:rPr>",
        )
        .replace("<w:pStyle w:val=\"Title\"/>", "<w:jc w:val=\"center\"/>")
    });
    let run = p.run(["import", "office.docx", "--year", "2021"]);
    run.expect_code(0)
        .expect_stdout("措辞相同，数字也相同。")
        .expect_stderr("按标题读入")
        .expect_stderr("一、强化政治引领");
}
