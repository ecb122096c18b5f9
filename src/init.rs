//! `speechgen init DIR`: a new speech project for any office, ready to render: a short example
//! speech with one figure of each kind, their declarations, the office's settings, this year's
//! facts with example values marked `sample: true`, and a README. Also the texts every new
//! project shares (`import --new` writes them too).

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::project::{FIGURES_FILE, SETTINGS_FILE, TEMPLATE_FILE};

/// What a new project is called when nothing is said.
pub const DEFAULT_OFFICE: &str = "本单位";

/// The title a speech gets when none is given: 本单位年度工作情况汇报.
pub fn default_title(office: &str) -> String {
    format!("{office}年度工作情况汇报")
}

/// The calendar year now (UTC), for the first facts file.
pub fn this_year() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    year_of_day((secs / 86_400) as i64)
}

/// The Gregorian year of a day counted from 1970-01-01: the date module's civil calendar.
fn year_of_day(days: i64) -> i64 {
    i64::from(crate::date::Date::from_days(days).year)
}

/// Refuses a folder that holds anything: a new project never lands over files someone keeps.
pub fn refuse_non_empty(dir: &Path) -> Result<(), Error> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::NotEmpty {
                    dir: dir.to_path_buf(),
                });
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(dir, "无法读取文件夹", &e)),
    }
}

/// A text as a YAML scalar: plain when YAML reads it back as the same text, else double-quoted.
pub fn yaml_text(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c))
        && !s.ends_with(' ')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.chars().any(char::is_control)
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
        )
        && s.parse::<f64>().is_err();
    if plain {
        s.to_owned()
    } else {
        let escaped: String = s
            .chars()
            .flat_map(|c| match c {
                '"' => vec!['\\', '"'],
                '\\' => vec!['\\', '\\'],
                c => vec![c],
            })
            .collect();
        format!("\"{escaped}\"")
    }
}

/// A text given on the command line (the title, the office) as it goes into the speech template:
/// Markdown's markup characters backslash-escaped, and every `{` that would open a Tera tag
/// (`{{`, `{%`, `{#`) written as the expression `{{ "{" }}`, so that `统计{{ 7*7 }}局` prints as
/// typed and `x{% if %}` leaves the template whole.
pub fn template_text(s: &str) -> String {
    let mut markdown = String::with_capacity(s.len());
    crate::markdown::escape_into(s, &mut markdown);
    let mut out = String::with_capacity(markdown.len());
    let mut chars = markdown.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' && matches!(chars.peek(), Some('{' | '%' | '#')) {
            out.push_str("{{ \"{\" }}");
        } else {
            out.push(c);
        }
    }
    out
}

/// The opening comment of a speech template: what the file is and what it may hold.
pub const TEMPLATE_HEADER: &str = "{#- 讲话稿模板：正文中每个 {{ fig.<id> }} 是 templates/figures.yaml 中声明的一个数据项，其值由事实文件算出。
    改写句子只需改这里；新增数字请先在 figures.yaml 中声明。某一年的措辞不同，把本文件复制到
    templates/<年份>/ 再改，往年的讲话不受影响。
    引导句写作 **引导句**。，句号放在加粗之外（CommonMark 无法闭合 **……。** 后紧跟文字的情形）。
    只写标题（# 标题、## 一级小标题、### 二级小标题）、段落和加粗的引导句：列表、表格、链接、图片、
    HTML 等网页与 PDF 无法同样印出，speechgen 会在其所在行报错。 -#}
";

/// The opening comment of a figure declarations file: the kinds and their keys.
pub const FIGURES_HEADER: &str = "# 数据项的声明：讲话稿模板 speech.md.tera 中每个 {{ fig.<id> }} 从哪些事实、按什么算法得出。
#
# 每个数据项：
#   label  中文名称（出现在提示、核对清单和错误信息中）
#   unit   单位（仅供核对，正文里的单位写在模板中）
#   kind   种类：
#          count     整数，直接取 fact
#          cn_count  整数，写成汉字（2 写作“两”）
#          approx    “多/余”：fact 向下取整后加 suffix（多 或 余，默认 多）；恰为整数时不加
#          sum       facts 中各项之和（路径中的 * 表示列表的每一项）
#          percent   part ÷ whole × 100，保留一位小数；只有没有计数时才用 rate（填报的 0–100 比率）
#                    claim: 全覆盖 要求正好 100%
#          names     名称或名称列表；quote: “” 或 《》 或 none；separator 默认：加引号时不用顿号，否则用“、”
#   zero: ok  count、cn_count、approx 确实可以印出 0（零）时写上；否则印出 0 会有警告
# 事实路径写作 分组.键，对应 facts/<年份>.yaml 中的层级。
# rules: 跨事实的规则（讲话中的判断，如“逐年提升”“全部”）。
";

/// `templates/speech.yaml` for an office.
/// `title` None: the title is left to the template's heading (one that prints the year).
pub fn settings_text(title: Option<&str>, office: Option<&str>) -> String {
    let mut s = String::from(
        "# 讲话稿的整体设置：与哪一年无关、属于这份讲话本身的内容。
# 每个数字的设置写在 figures.yaml 中该数字的声明里。
#
#   title             讲话稿的名称，写入 PDF、Word 等文件的属性；不写则取模板中 # 开头的标题
#   author            讲话单位，写入文件的属性（作者）；不写则不记作者
#   chars_per_minute  讲话语速（每分钟字数，默认 220），用来估算讲话时长
#   max_minutes       讲话限时（分钟）；超过时 render 给出警告

",
    );
    match title {
        Some(title) => s.push_str(&format!("title: {}\n", yaml_text(title))),
        None => s.push_str("# title: 不写：取模板中 # 开头的标题（其中的年份每年自动更新）\n"),
    }
    match office {
        Some(office) => s.push_str(&format!("author: {}\n", yaml_text(office))),
        None => s.push_str("# author: 某某单位\n"),
    }
    s.push_str("chars_per_minute: 220\n# max_minutes: 15\n");
    s
}

/// The README of a new project: how to use it, in Chinese.
pub fn readme(title: &str, origin: &str) -> String {
    format!(
        "# {title}

{origin}

## 文件

- `templates/speech.md.tera`：讲话稿正文（模板），每个数字写作 `{{{{ fig.<id> }}}}`；
- `templates/figures.yaml`：每个数字（数据项）的名称、种类和它读取的事实；
- `templates/speech.yaml`：讲话稿的名称、讲话单位、语速与限时；
- `facts/<年份>.yaml`：一年的事实（数字与名称）。

## 常用命令

```sh
speechgen check                 # 检查事实、数字与模板；全部通过时退出码为 0
speechgen render                # 生成 output/<年份>/speech.md、.html、.pdf、.docx
speechgen serve --open          # 边填边在浏览器中看草稿
speechgen next-year             # 由今年的事实生成明年的（数字清空，措辞复制到 templates/<明年>/）
speechgen diff 2024 2025 --wording   # 两年讲话的措辞变化
speechgen import 改过的讲话.docx --year 2025          # 把 Word 中改过的措辞带回模板（先看改动）
speechgen import 改过的讲话.docx --year 2025 --write  # 确认后写入 templates/2025/speech.md.tera
```
"
    )
}

/// A project `speechgen init` wrote.
pub struct Created {
    /// Every file written, in order.
    pub files: Vec<PathBuf>,
    pub title: String,
    pub year: i64,
}

/// Writes a new project into `dir`, which must be empty or missing: the office that gives the
/// speech (default [`DEFAULT_OFFICE`]), its title (default [`default_title`]) and the year of
/// its first facts (default: this year).
pub fn create(
    dir: &Path,
    office: Option<&str>,
    title: Option<&str>,
    year: Option<i64>,
) -> Result<Created, Error> {
    refuse_non_empty(dir)?;
    let name = office.unwrap_or(DEFAULT_OFFICE);
    let title = title.map_or_else(|| default_title(name), str::to_owned);
    let year = year.unwrap_or_else(this_year);
    let files: Vec<(PathBuf, Vec<u8>)> = starter(name, &title, year, office.is_some())
        .into_iter()
        .map(|(rel, text)| (dir.join(rel), text.into_bytes()))
        .collect();
    crate::output::write_all(&files)?;
    Ok(Created {
        files: files.into_iter().map(|(path, _)| path).collect(),
        title,
        year,
    })
}

/// The files of a new project, relative to its folder.
pub fn starter(office: &str, title: &str, year: i64, office_given: bool) -> Vec<(PathBuf, String)> {
    let (title_in_template, office_in_template) = (template_text(title), template_text(office));
    let template = format!(
        "{TEMPLATE_HEADER}# {title_in_template}

近年来，{office_in_template}在上级的正确领导下，扎实推进各项工作，取得了新的成效。

## 一、抓好队伍建设

**加强学习培训**。全年举办{{{{ fig.training_classes }}}}等培训班，培训干部{{{{ fig.trainees }}}}名，开展专题研讨{{{{ fig.seminars }}}}次。

**夯实基层基础**。所属支部中，达标{{{{ fig.branches_qualified }}}}个，占比{{{{ fig.branches_qualified_share }}}}%。

## 二、服务中心大局

**推进重点工作**。围绕{{{{ fig.campaign }}}}，组织志愿服务{{{{ fig.volunteer_activities }}}}场次，开展专项督查{{{{ fig.inspections }}}}次。
"
    );
    let figures = format!(
        "{FIGURES_HEADER}
figures:
  # 一、抓好队伍建设
  training_classes:
    label: 举办的培训班
    kind: names
    quote: “”
    fact: team.training_classes.*.name
  trainees:
    label: 培训干部
    unit: 名
    kind: sum
    facts: [team.training_classes.*.trainees]
  seminars:
    label: 开展专题研讨
    unit: 次
    kind: count
    fact: team.seminars
  branches_qualified:
    label: 达标支部
    unit: 个
    kind: count
    fact: team.branches_qualified
  branches_qualified_share:
    label: 达标支部占比
    unit: \"%\"
    kind: percent
    part: team.branches_qualified
    whole: team.branches

  # 二、服务中心大局
  campaign:
    label: 重点工作
    kind: names
    quote: “”
    fact: service.campaign
  volunteer_activities:
    label: 组织志愿服务
    unit: 场次
    kind: approx
    suffix: 余
    fact: service.volunteer_activities
  inspections:
    label: 开展专项督查
    unit: 次
    kind: cn_count
    fact: service.inspections

# 跨事实的规则写在 rules: 下，例如讲话说“全部”时：
# rules:
#   all_branches_qualified:
#     label: 所属支部全部达标
#     kind: all
#     part: team.branches_qualified
#     whole: team.branches
"
    );
    let facts = format!(
        "# ================================================================================
#  样例数据（SAMPLE DATA）—— 本文件的数字与名称是示例，只用于演示。
#  填入真实数据并逐项核对后，删除下面的 sample: true。
# ================================================================================
year: {year}
sample: true

# 一、抓好队伍建设
team:
  training_classes:          # 举办的培训班及其培训人数（名）；讲话中的人数是合计
    - name: 支部书记
      trainees: 86
    - name: 业务骨干
      trainees: 124
  seminars: 12               # 开展专题研讨（次）
  branches: 48               # 所属支部（个，讲话中不出现，用于算占比）
  branches_qualified: 45     # 达标支部（个）

# 二、服务中心大局
service:
  campaign: 优化营商环境       # 围绕的重点工作（名称，不加引号）
  volunteer_activities: 263  # 组织志愿服务（场次，讲话写作“200余场次”）
  inspections: 2             # 开展专项督查（次，讲话写作汉字：两次）
"
    );
    let origin = format!(
        "由 `speechgen init` 创建。`facts/{year}.yaml` 中是示例数字（`sample: true`）：换成本单位的事实，\n改写 `templates/speech.md.tera` 中的讲话，再运行 `speechgen check`。"
    );
    vec![
        (Path::new("templates").join(TEMPLATE_FILE), template),
        (Path::new("templates").join(FIGURES_FILE), figures),
        (
            Path::new("templates").join(SETTINGS_FILE),
            settings_text(Some(title), office_given.then_some(office)),
        ),
        (Path::new("facts").join(format!("{year}.yaml")), facts),
        (PathBuf::from("README.md"), readme(title, &origin)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_of_days() {
        assert_eq!(year_of_day(0), 1970);
        assert_eq!(year_of_day(18_627), 2020); // 2020-12-31
        assert_eq!(year_of_day(18_628), 2021); // 2021-01-01
        assert_eq!(year_of_day(-1), 1969);
    }

    #[test]
    fn text_for_the_template_opens_no_tag() {
        assert_eq!(template_text("市统计局"), "市统计局");
        assert_eq!(template_text("x{% if %}"), "x\\{{ \"{\" }}% if %\\}");
        assert_eq!(
            template_text("统计{{ 7*7 }}局"),
            "统计\\{\\{ 7\\*7 \\}\\}局"
        );
    }

    #[test]
    fn text_that_yaml_would_misread_is_quoted() {
        assert_eq!(yaml_text("周五党日+"), "周五党日+");
        assert_eq!(yaml_text("社区吹哨、部门报到"), "社区吹哨、部门报到");
        for (text, quoted) in [
            ("123", "\"123\""),
            ("yes", "\"yes\""),
            ("a: b", "\"a: b\""),
            ("- x", "\"- x\""),
            ("say \"hi\"", "say \"hi\""),
            ("\"hi\"", "\"\\\"hi\\\"\""),
            ("", "\"\""),
        ] {
            assert_eq!(yaml_text(text), quoted, "{text}");
        }
    }
}
