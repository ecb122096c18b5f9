//! `speechgen next-year`: next year's facts started from a year's.

use std::path::Path;

use crate::error::Error;
use crate::next_year::{self, NotMade};
use crate::project::Project;
use crate::report::shown_path;

pub fn run(project: &Project, facts: Option<&Path>, force: bool, color: bool) -> Result<(), Error> {
    let file = project.facts_file(facts)?;
    let made = match next_year::make(project, &file, force) {
        Ok(made) => made,
        Err(NotMade::Unfilled {
            diagnostics,
            figures,
        }) => {
            Error::Invalid(diagnostics).print(color);
            eprintln!(
                "{} 还有 {} 个数据项未填：{}。先把这一年填完，再由它生成下一年；未写入任何文件",
                shown_path(&file),
                figures.len(),
                figures.join("、")
            );
            return Err(Error::Failed);
        }
        Err(NotMade::Failed(e)) => return Err(e),
    };
    let (from, year) = (made.from, made.year);
    eprintln!(
        "已创建 {}：名称沿用 {from} 年，数字已清空（上年数值留在注释中），{} 个数据项待填写；填写后运行 speechgen check {year}",
        shown_path(&made.facts),
        made.to_fill
    );
    for (path, _) in &made.wording.copies {
        eprintln!("已复制 {}（{from} 年所用的措辞）", shown_path(path));
    }
    for path in &made.wording.kept {
        eprintln!("{} 已存在，保留原样", shown_path(path));
    }
    eprintln!(
        "改写 {year} 年的讲话请改 {}：往年的讲话不受影响",
        shown_path(&made.template)
    );
    eprintln!(
        "已写入 {}：编辑器（如装有 YAML 扩展的 VS Code）据此补全键名、标出错误",
        shown_path(&made.schema)
    );
    Ok(())
}
