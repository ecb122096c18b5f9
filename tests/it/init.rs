//! `speechgen init DIR`: a project for any office's speech, that renders and checks clean.

use crate::harness;

use crate::harness::Project;

#[test]
fn a_new_project_renders_and_checks_clean() {
    let p = Project::empty();
    let run = p.run([
        "init",
        "统计局讲话",
        "--office",
        "市统计局",
        "--title",
        "市统计局2025年工作汇报",
        "--year",
        "2025",
    ]);
    run.expect_code(0)
        .expect_stderr("已创建 统计局讲话/templates/speech.md.tera")
        .expect_stderr("已创建 统计局讲话/facts/2025.yaml")
        .expect_stderr("下一步：cd 统计局讲话 && speechgen check");
    let settings = p.read("统计局讲话/templates/speech.yaml");
    assert!(
        settings.contains("title: 市统计局2025年工作汇报\nauthor: 市统计局\n"),
        "{settings}"
    );
    assert!(
        p.read("统计局讲话/README.md")
            .starts_with("# 市统计局2025年工作汇报\n")
    );
    let facts = p.read("统计局讲话/facts/2025.yaml");
    assert!(facts.contains("year: 2025\nsample: true\n"));

    // One figure of each kind.
    let decls = p.read("统计局讲话/templates/figures.yaml");
    for kind in ["count", "cn_count", "approx", "sum", "percent", "names"] {
        assert!(decls.contains(&format!("    kind: {kind}\n")), "{kind}");
    }

    // Checks clean: exit 0, the sample warning and nothing else.
    let root = p.path("统计局讲话");
    let check = p.run([
        "--root",
        root.to_str().unwrap(),
        "check",
        "--message-format",
        "short",
    ]);
    check.expect_code(0);
    let problems: Vec<&str> = check
        .stderr
        .lines()
        .filter(|l| l.contains(": warning[") || l.contains(": error["))
        .collect();
    assert_eq!(problems.len(), 1, "{}", check.stderr);
    assert!(problems[0].contains("warning[sample-data]"));

    // Renders every format, from inside the folder as a clerk would.
    let run = harness::Run::of(
        p.command(["render", "--fonts", "bundled"])
            .current_dir(&root),
    );
    run.expect_code(0);
    let md = p.read("统计局讲话/output/2025/speech.md");
    // The example facts are sample data: their mark comes first, then the title.
    assert!(
        md.starts_with(
            "<!-- 样例：数字是虚构的，不能用于正式讲话 -->\n\n# 市统计局2025年工作汇报\n"
        ),
        "{md}"
    );
    assert!(md.contains("近年来，市统计局在上级的正确领导下"));
    assert!(md.contains("培训干部210名，开展专题研讨12次"), "{md}");
    assert!(md.contains("达标45个，占比93.8%"));
    assert!(md.contains("组织志愿服务200余场次，开展专项督查两次"));
    for ext in ["html", "pdf", "docx"] {
        assert!(
            root.join(format!("output/2025/speech.{ext}")).exists(),
            "{ext}"
        );
    }
}

#[test]
fn defaults_and_a_folder_that_is_not_empty() {
    let p = Project::empty();
    p.run(["init", "new"]).expect_code(0);
    let settings = p.read("new/templates/speech.yaml");
    assert!(
        settings.contains("title: 本单位年度工作情况汇报\n# author: 某某单位\n"),
        "{settings}"
    );
    assert!(
        p.read("new/templates/speech.md.tera")
            .contains("近年来，本单位在上级的正确领导下")
    );
    // The folder now holds a project: refused, nothing changed.
    let before = p.read("new/templates/speech.yaml");
    p.run(["init", "new", "--office", "别的单位"])
        .expect_code(1)
        .expect_stderr("new 不是空文件夹，未写入任何文件");
    assert_eq!(p.read("new/templates/speech.yaml"), before);
    // Any file makes a folder not empty; an empty one is fine.
    p.write("other/notes.txt", "x");
    p.run(["init", "other"]).expect_code(1);
    std::fs::create_dir(p.path("empty")).unwrap();
    p.run(["init", "empty"]).expect_code(0);
    // init needs no project around it, and a file as the folder is an I/O failure.
    p.run(["init", "other/notes.txt"]).expect_code(2);
}
