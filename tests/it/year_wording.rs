//! Per-year wording: `templates/<year>/` holds a year's own template and figure declarations, so
//! rewording this year's speech never changes what a past year's said.

use crate::harness::Project;

/// The sample's 2021 facts as a filled-in 2022 (the same values, the series extended).
fn facts_2022(p: &Project) -> String {
    p.read("facts/2021.yaml")
        .replace("year: 2021", "year: 2022")
        .replace("    2021: 342\n", "    2021: 342\n    2022: 360\n")
        .replace("branches_qualified: 1380", "branches_qualified: 1400")
}

/// Every file a render of 2021 writes, in every format, with the bundled faces (the same PDF on
/// every machine).
fn render_2021(p: &Project, dir: &str) -> Vec<(String, Vec<u8>)> {
    p.run(["render", "2021", "--fonts", "bundled", "-o", dir])
        .expect_code(0);
    ["md", "html", "pdf", "docx"]
        .iter()
        .map(|ext| {
            let name = format!("{dir}/speech.{ext}");
            let bytes = std::fs::read(p.path(&name)).unwrap();
            (name, bytes)
        })
        .collect()
}

#[test]
fn rewording_2022_leaves_2021_byte_identical() {
    let p = Project::sample();
    let before = render_2021(&p, "before");

    // next-year carries 2021's wording into templates/2022/.
    let run = p.run(["next-year"]);
    run.expect_code(0)
        .expect_stderr("已复制 templates/2022/speech.md.tera")
        .expect_stderr("已复制 templates/2022/figures.yaml");
    assert_eq!(
        p.read("templates/2022/speech.md.tera"),
        p.read("templates/speech.md.tera")
    );
    assert_eq!(
        p.read("templates/2022/figures.yaml"),
        p.read("templates/figures.yaml")
    );
    p.write("facts/2022.yaml", &facts_2022(&p));

    // 2022 is reworded: a sentence rewritten, a figure dropped from its declarations and its
    // sentence; the facts keep the fact that figure read.
    p.edit(
        "templates/2022/speech.md.tera",
        "面对突如其来的新冠肺炎疫情，第一时间响应市委号召",
        "坚持常态化疫情防控，第一时间响应市委号召",
    );
    p.edit(
        "templates/2022/speech.md.tera",
        "制作{{ fig.epidemic_film }}抗疫宣传片，",
        "",
    );
    let decls = p.read("templates/2022/figures.yaml");
    let start = decls.find("  epidemic_film:\n").unwrap();
    let end = start + decls[start..].find("\n\n").unwrap();
    p.write(
        "templates/2022/figures.yaml",
        &format!("{}{}", &decls[..start], &decls[end + 1..]),
    );

    // The checks of a year use its own declarations: the fact no 2022 figure reads any more is
    // an unknown key in 2022 only, and 2021 still declares and prints the film.
    let check = p.run(["check", "2022", "--message-format", "short"]);
    check.expect_problem(
        "facts/2022.yaml",
        p.position("facts/2022.yaml", "epidemic_film"),
        "unknown-key",
        "political.epidemic_film",
    );
    let check = p.run(["check", "2021", "--message-format", "short"]);
    check.expect_code(0);
    assert!(!check.stderr.contains("unknown-key"), "{}", check.stderr);
    assert!(!check.stderr.contains("unused-figure"), "{}", check.stderr);
    let facts = p.read("facts/2022.yaml");
    let line = facts
        .lines()
        .find(|l| l.contains("epidemic_film:"))
        .unwrap();
    p.write("facts/2022.yaml", &facts.replace(&format!("{line}\n"), ""));

    let after = render_2021(&p, "after");
    for ((name, old), (_, new)) in before.iter().zip(&after) {
        assert!(old == new, "{name} changed after 2022 was reworded");
    }
    let md_2021 = p.read("after/speech.md");
    assert!(md_2021.contains("面对突如其来的新冠肺炎疫情"));

    p.run(["render", "2022", "--format", "md", "-o", "out2022"])
        .expect_code(0);
    let md_2022 = p.read("out2022/speech.md");
    assert!(md_2022.contains("坚持常态化疫情防控，第一时间响应市委号召"));
    assert!(!md_2022.contains("面对突如其来"));
    assert!(!md_2022.contains("抗疫宣传片"));
}

#[test]
fn each_file_falls_back_on_its_own() {
    let p = Project::sample();
    p.write("facts/2022.yaml", &facts_2022(&p));
    // 2022 has its own template only: the declarations are the shared ones.
    p.write(
        "templates/2022/speech.md.tera",
        &p.read("templates/speech.md.tera")
            .replace("**扛起主体责任**。", "**压实主体责任**。"),
    );
    p.run(["render", "2022", "--format", "md", "-o", "o"])
        .expect_code(0);
    assert!(p.read("o/speech.md").contains("**压实主体责任**。"));
    // A figure the year's template uses but only the year's declarations could declare: the
    // error is at the year's own template line.
    p.edit(
        "templates/2022/speech.md.tera",
        "**压实主体责任**。",
        "**压实主体责任**。新增{{ fig.new_count }}个。",
    );
    let (line, column) = p.position("templates/2022/speech.md.tera", "fig.new_count");
    p.run(["check", "2022", "--message-format", "short"])
        .expect_code(1)
        .expect_problem(
            "templates/2022/speech.md.tera",
            (line, column),
            "undeclared-figure",
            "new_count",
        );
    // The year's own declarations declare it; 2021 is not affected by either file.
    p.write(
        "templates/2022/figures.yaml",
        &p.read("templates/figures.yaml").replace(
            "figures:\n",
            "figures:\n  new_count:\n    label: 新增\n    unit: 个\n    kind: count\n    fact: political.new_count\n",
        ),
    );
    p.run(["check", "2022", "--message-format", "short"])
        .expect_code(1)
        .expect_stderr("political.new_count");
    p.run(["check", "2021"]).expect_code(0);
    p.write(
        "facts/2022.yaml",
        &p.read("facts/2022.yaml")
            .replace("political:\n", "political:\n  new_count: 5\n"),
    );
    p.run(["render", "2022", "--format", "md", "-o", "o"])
        .expect_code(0);
    assert!(p.read("o/speech.md").contains("新增5个。"));
}

#[test]
fn next_year_keeps_a_years_own_wording_already_there() {
    let p = Project::sample();
    p.write(
        "templates/2022/speech.md.tera",
        "# 已改写的讲话\n\n正文。\n",
    );
    p.run(["next-year"])
        .expect_code(0)
        .expect_stderr("templates/2022/speech.md.tera 已存在，保留原样")
        .expect_stderr("已复制 templates/2022/figures.yaml");
    assert_eq!(
        p.read("templates/2022/speech.md.tera"),
        "# 已改写的讲话\n\n正文。\n"
    );
}
