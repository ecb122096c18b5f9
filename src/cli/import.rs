//! `speechgen import FILE`: a delivered speech brought back, as a year's wording (`--year`) or
//! as a new project (`--new DIR`).

use std::path::Path;

use crate::error::Error;
use crate::import;
use crate::project::Project;
use crate::report::shown_path;

/// `import FILE --year Y [--write]`.
pub fn update(project: &Project, file: &Path, year: i64, write: bool) -> Result<(), Error> {
    let facts = project.facts_file(Some(Path::new(&year.to_string())))?;
    let delivered = import::read(file)?;
    let update = import::update(project, &facts, &delivered)?;
    print!("{}", update.diff.text());
    for note in delivered.notes.iter().chain(&update.notes) {
        eprintln!("说明：{note}");
    }
    for (i, report) in update.reports.iter().enumerate() {
        eprintln!("需要决定 {}：{}", i + 1, report.message());
    }
    eprintln!(
        "{}：{}；数据项绑定 {} 处；需要决定的 {} 处",
        shown_path(file),
        update.diff.summary(),
        update.bound,
        update.reports.len()
    );
    let written = update.wording_changed() && write && !update.blocked();
    if update.blocked() {
        eprintln!(
            "未写入：文稿中有内容控件的标记有误或复制了带数据项的句子，须由人决定（即使加了 --write 也不写入）；改正后再导入"
        );
    } else if written {
        update.write()?;
        eprintln!(
            "已写入 {}（{} 年的措辞；往年不受影响）",
            shown_path(&update.target),
            update.year
        );
    } else if update.wording_changed() {
        eprintln!(
            "未写入：看过以上改动后，加 --write 写入 {}",
            shown_path(&update.target)
        );
    } else {
        eprintln!("措辞没有变化，不需要写入");
    }
    if update.undecided(written) {
        Err(Error::Failed)
    } else {
        Ok(())
    }
}

/// `import FILE --new DIR`.
pub fn new_project(
    file: &Path,
    dir: &Path,
    year: Option<i64>,
    office: Option<&str>,
) -> Result<(), Error> {
    let made = import::create(file, dir, year, office)?;
    for note in made.delivered.notes.iter().chain(&made.year_note) {
        eprintln!("说明：{note}");
    }
    for p in &made.detection.proposals {
        println!("{}  {}  {}  = {}", p.id, p.kind.word(), p.label, p.printed);
    }
    made.prove()?;
    let detection = &made.detection;
    eprintln!(
        "已创建 {}：{} 个数据项——计数 {}，百分比 {}，约数 {}，汉字数字 {}，名称 {}{}；重新生成的讲话与原文一致",
        shown_path(dir),
        detection.proposals.len(),
        made.count("count"),
        made.count("percent"),
        made.count("approx"),
        made.count("cn_count"),
        made.count("names"),
        if detection.years > 0 {
            format!("；年份 {} 处写作 {{{{ year }}}}", detection.years)
        } else {
            String::new()
        }
    );
    for (i, p) in made.to_confirm().iter().enumerate() {
        eprintln!(
            "待确认 {}：{}（{}）“{}”：{}\n    {}",
            i + 1,
            p.id,
            p.label,
            p.printed,
            p.confirm.as_deref().unwrap_or(""),
            p.sentence
        );
    }
    for (i, u) in detection.unclassified.iter().enumerate() {
        eprintln!(
            "未归类 {}：“{}”（{}），保留为文字\n    {}",
            i + 1,
            u.text,
            u.why,
            u.sentence
        );
    }
    eprintln!(
        "数据项的名称是按上下文拟的，请在 {} 中核对；然后运行 speechgen --root {} check",
        shown_path(&made.figures_file()),
        shown_path(dir)
    );
    if made.undecided() {
        Err(Error::Failed)
    } else {
        Ok(())
    }
}
