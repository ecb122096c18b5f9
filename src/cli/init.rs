//! `speechgen init DIR`: a new speech project for any office.

use std::path::Path;

use crate::error::Error;
use crate::report::shown_path;

pub fn run(
    dir: &Path,
    office: Option<&str>,
    title: Option<&str>,
    year: Option<i64>,
) -> Result<(), Error> {
    let created = crate::init::create(dir, office, title, year)?;
    for path in &created.files {
        eprintln!("已创建 {}", shown_path(path));
    }
    eprintln!(
        "新项目“{}”：facts/{}.yaml 中是示例数字（sample: true）。下一步：cd {} && speechgen check",
        created.title,
        created.year,
        shown_path(dir)
    );
    Ok(())
}
