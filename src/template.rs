//! The speech template (`templates/speech.md.tera`), rendered with Tera into Markdown.
//!
//! Figures never enter Tera as their values. Each `{{ fig.<id> }}` is given a single private-use
//! character (a placeholder) instead, and the stages after Markdown put the value in: escaped for
//! Markdown in the .md file, as a `<span data-figure>` in HTML, as text in the PDF. So a campaign
//! name holding `{{ 7*7 }}`, `**` or `<script>` can never be evaluated, turn bold or run, and one
//! character cannot be split by the Markdown parser.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Location};
use crate::facts::did_you_mean;

/// Placeholders are taken from Supplementary Private Use Area-A, which no speech text contains.
const PLACEHOLDER_BASE: u32 = 0xF0000;
const PLACEHOLDER_LIMIT: u32 = 0xFFFFD;

pub fn placeholder(index: usize) -> char {
    char::from_u32(PLACEHOLDER_BASE + index as u32).expect("placeholder index in range")
}

pub fn placeholder_index(c: char) -> Option<usize> {
    let code = c as u32;
    (PLACEHOLDER_BASE..=PLACEHOLDER_LIMIT)
        .contains(&code)
        .then(|| (code - PLACEHOLDER_BASE) as usize)
}

#[derive(Debug, Clone)]
pub struct Template {
    pub path: PathBuf,
    pub source: String,
}

/// One `fig.<id>` in the template, with where it stands (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub id: String,
    pub line: usize,
    pub column: usize,
}

impl Template {
    pub fn load(path: &Path) -> Result<Template, Diagnostic> {
        let source = std::fs::read_to_string(path).map_err(|e| {
            let location = Location {
                file: path.to_path_buf(),
                line: 1,
                column: 1,
            };
            Diagnostic::error(
                Diagnostic::IO,
                format!("无法读取讲话稿模板：{}", crate::error::explain_io(&e)),
                Some(location),
            )
        })?;
        Ok(Template {
            path: path.to_path_buf(),
            source,
        })
    }

    fn diagnostic(
        &self,
        code: &'static str,
        line: usize,
        column: usize,
        message: String,
    ) -> Diagnostic {
        let location = Location {
            file: self.path.clone(),
            line,
            column,
        };
        let mut d = Diagnostic::error(code, message, Some(location));
        d.source_line = self
            .source
            .lines()
            .nth(line.wrapping_sub(1))
            .map(str::to_owned);
        d
    }

    /// Every `fig.<id>` the template refers to, in order of appearance.
    pub fn usages(&self) -> Vec<Usage> {
        let mut out = Vec::new();
        for (line_index, line) in self.source.lines().enumerate() {
            let chars: Vec<char> = line.chars().collect();
            let mut i = 0;
            while i + 4 <= chars.len() {
                let starts_word = i == 0
                    || !(chars[i - 1].is_ascii_alphanumeric()
                        || chars[i - 1] == '_'
                        || chars[i - 1] == '.');
                if starts_word && chars[i..i + 4] == ['f', 'i', 'g', '.'] {
                    let id: String = chars[i + 4..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                        .collect();
                    if !id.is_empty() {
                        out.push(Usage {
                            id: id.clone(),
                            line: line_index + 1,
                            column: i + 1,
                        });
                        i += 4 + id.len();
                        continue;
                    }
                }
                i += 1;
            }
        }
        out
    }

    /// Problems between the template and the declarations: a figure used but not declared
    /// (an error, with "did you mean") and a figure declared but never printed (the warning
    /// `unused_at` builds at its declaration).
    pub fn check_usages(
        &self,
        declared: &[&str],
        unused_at: impl Fn(&str) -> Option<Diagnostic>,
    ) -> Vec<Diagnostic> {
        let usages = self.usages();
        let mut out = Vec::new();
        for u in &usages {
            if !declared.contains(&u.id.as_str()) {
                let mut d = self.diagnostic(
                    "undeclared-figure",
                    u.line,
                    u.column,
                    format!("模板使用了未声明的图 fig.{}", u.id),
                );
                d.figure = Some(u.id.clone());
                d.hint = Some(match did_you_mean(&u.id, declared) {
                    Some(s) => format!("是不是想写 fig.{s}？"),
                    None => "请先在 templates/figures.yaml 中声明它（label、kind 和它读取的事实）"
                        .into(),
                });
                out.push(d);
            }
        }
        for id in declared {
            if !usages.iter().any(|u| u.id == *id)
                && let Some(d) = unused_at(id)
            {
                out.push(d);
            }
        }
        out
    }

    /// Renders the template with one placeholder per figure id (see the module comment).
    /// `ids[i]` is the figure behind `placeholder(i)`.
    pub fn render(&self, ids: &[String], year: i64) -> Result<String, Diagnostic> {
        let name = self
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("speech.md.tera")
            .to_owned();
        let mut tera = tera::Tera::new();
        // The output is Markdown: HTML escaping would be wrong here; values are escaped later.
        tera.autoescape_on(Vec::<&str>::new());
        tera.add_raw_template(&name, &self.source)
            .map_err(|e| self.tera_error(e))?;
        let fig: BTreeMap<&str, String> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), placeholder(i).to_string()))
            .collect();
        let mut context = tera::Context::new();
        context.insert("fig", &fig);
        context.insert("year", &year);
        tera.render(&name, &context).map_err(|e| self.tera_error(e))
    }

    fn tera_error(&self, e: tera::Error) -> Diagnostic {
        let (report, kind) = match e.kind() {
            tera::ErrorKind::SyntaxError(r) => (Some(r), "模板语法错误"),
            tera::ErrorKind::RenderingError(r) => (Some(r), "模板渲染错误"),
            _ => (None, "模板错误"),
        };
        match report {
            Some(r) => {
                let span = r.span();
                let mut d = self.diagnostic(
                    "template",
                    span.start_line,
                    span.start_col + 1,
                    format!("{kind}：{}", r.message()),
                );
                d.hint = Some("检查 {{ }} 与 {% %} 是否成对，图写作 {{ fig.<id> }}".into());
                d
            }
            None => self.diagnostic("template", 1, 1, format!("{kind}：{e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(source: &str) -> Template {
        Template {
            path: "templates/speech.md.tera".into(),
            source: source.into(),
        }
    }

    #[test]
    fn finds_usages_with_positions() {
        let t = template("# 标题\n达标{{ fig.branches }}个，占比{{fig.share}}%。config.x\n");
        let u = t.usages();
        assert_eq!(u.len(), 2);
        assert_eq!(
            (u[0].id.as_str(), u[0].line, u[0].column),
            ("branches", 2, 6)
        );
        assert_eq!((u[1].id.as_str(), u[1].column), ("share", 27));
    }

    #[test]
    fn renders_placeholders_not_values() {
        let t = template("达标{{ fig.a }}个，{{ fig.b }}。{{ year }}");
        let out = t.render(&["a".into(), "b".into()], 2021).unwrap();
        assert_eq!(
            out,
            format!("达标{}个，{}。2021", placeholder(0), placeholder(1))
        );
        assert_eq!(placeholder_index(placeholder(7)), Some(7));
        assert_eq!(placeholder_index('达'), None);
    }

    #[test]
    fn syntax_error_points_into_the_template() {
        let t = template("第一行\n第二行 {{ fig.a \n");
        let e = t.render(&["a".into()], 2021).unwrap_err();
        assert_eq!(e.code, "template");
        assert_eq!(e.location.unwrap().line, 2, "{}", e.message);
    }

    #[test]
    fn undeclared_figure_suggests_the_declared_one() {
        let t = template("达标{{ fig.branchs }}个");
        let d = t.check_usages(&["branches"], |_| None);
        assert_eq!(d[0].code, "undeclared-figure");
        assert_eq!(d[0].location.as_ref().unwrap().column, 6);
        assert!(d[0].hint.as_ref().unwrap().contains("fig.branches"));
    }
}
