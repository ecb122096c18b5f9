//! The comparison as a page: the new speech with the changes marked as Word's tracked changes.

use std::fmt::Write as _;

use super::{Mark, Op, WordingDiff};
use crate::html::escape;

impl WordingDiff {
    /// A page showing the new speech with the changes marked as Word's tracked changes show
    /// them: deletions struck through in red (`<del>`), insertions underlined (`<ins>`), a figure
    /// whose value changed boxed with both values.
    pub fn html(&self) -> String {
        let title = format!("措辞变化：{} → {}", self.old_name, self.new_name);
        let mut h = format!(
            "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<header><h1>{}</h1><p class=\"summary\">{}</p><p class=\"legend\"><del>删去的文字</del> <ins>新增的文字</ins> <span class=\"figure changed\"><del>原数字</del><ins>新数字</ins></span> 数字变化（不是措辞变化）</p></header>\n<article class=\"speech\">\n",
            escape(&title),
            escape(&title),
            escape(&self.summary())
        );
        let mut open: Option<String> = None;
        let mut wrap = Wrap(Op::Same);
        let close = |h: &mut String, open: &mut Option<String>, wrap: &mut Wrap| {
            wrap.to(h, Op::Same);
            if let Some(tag) = open.take() {
                let _ = writeln!(h, "</{tag}>");
            }
        };
        for (i, mark) in self.marks.iter().enumerate() {
            match mark {
                Mark::Break { level, op } => {
                    // A paragraph deleted whole is shown as a struck-through paragraph; a break
                    // deleted inside a passage (two paragraphs made one) as a struck ¶.
                    let rest_deleted = self.marks[i + 1..]
                        .iter()
                        .take_while(|m| !matches!(m, Mark::Break { .. }))
                        .all(|m| op_of(m) == Op::Deleted);
                    if *op == Op::Deleted && !rest_deleted {
                        wrap.to(&mut h, Op::Same);
                        h.push_str("<del class=\"break\">¶</del>");
                        continue;
                    }
                    close(&mut h, &mut open, &mut wrap);
                    let tag = match level {
                        0 => "p".to_owned(),
                        l => format!("h{}", (*l).clamp(1, 6)),
                    };
                    let class = match op {
                        Op::Same => "",
                        Op::Inserted => " class=\"inserted\"",
                        Op::Deleted => " class=\"deleted\"",
                    };
                    let _ = write!(h, "<{tag}{class}>");
                    open = Some(tag);
                }
                Mark::Text { text, lead, op } => {
                    let inner = if *lead {
                        format!("<strong>{}</strong>", escape(text))
                    } else {
                        escape(text)
                    };
                    wrap.to(&mut h, *op);
                    h.push_str(&inner);
                }
                Mark::Figure {
                    id, old, new, op, ..
                } => {
                    let id_attr = escape(id);
                    let figure = match op {
                        Op::Same if old != new => format!(
                            "<span class=\"figure changed\" data-figure=\"{id_attr}\" title=\"数字 {id_attr}：{} → {}\"><del>{}</del><ins>{}</ins></span>",
                            escape(old.as_deref().unwrap_or("")),
                            escape(new.as_deref().unwrap_or("")),
                            escape(old.as_deref().unwrap_or("")),
                            escape(new.as_deref().unwrap_or(""))
                        ),
                        _ => format!(
                            "<span class=\"figure\" data-figure=\"{id_attr}\" title=\"数字 {id_attr}\">{}</span>",
                            escape(new.as_deref().or(old.as_deref()).unwrap_or(""))
                        ),
                    };
                    wrap.to(&mut h, *op);
                    h.push_str(&figure);
                }
            }
        }
        close(&mut h, &mut open, &mut wrap);
        h.push_str("</article>\n</body>\n</html>\n");
        h
    }
}

fn op_of(mark: &Mark) -> Op {
    match mark {
        Mark::Break { op, .. } | Mark::Text { op, .. } | Mark::Figure { op, .. } => *op,
    }
}

/// The `<ins>` or `<del>` open in the HTML view: consecutive marks of one change share one.
struct Wrap(Op);

impl Wrap {
    fn to(&mut self, h: &mut String, op: Op) {
        if op == self.0 {
            return;
        }
        h.push_str(match self.0 {
            Op::Same => "",
            Op::Inserted => "</ins>",
            Op::Deleted => "</del>",
        });
        h.push_str(match op {
            Op::Same => "",
            Op::Inserted => "<ins>",
            Op::Deleted => "<del>",
        });
        self.0 = op;
    }
}

const STYLE: &str = "body { margin: 0; background: #f4f4f2; color: #1f1f1f; font: 17px/1.9 \"Noto Serif CJK SC\", \"Songti SC\", serif; }
header { max-width: 46rem; margin: 0 auto; padding: 1.5rem 2rem 0; font-family: sans-serif; font-size: 14px; }
header h1 { font-size: 18px; margin: 0 0 .3rem; }
article.speech { max-width: 46rem; margin: 1rem auto 3rem; padding: 2rem 3rem; background: #fff; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
article.speech h1 { text-align: center; font-size: 24px; }
article.speech h2, article.speech h3 { font-size: 19px; font-family: sans-serif; }
article.speech p { text-indent: 2em; margin: 0 0 .4rem; }
ins { color: #1a5fb4; text-decoration: underline; background: #e8f0fb; }
del { color: #c01c28; text-decoration: line-through; background: #fbeaea; }
.deleted, .deleted * { color: #c01c28; text-decoration: line-through; }
.inserted { border-left: 3px solid #1a5fb4; padding-left: .5rem; }
.figure.changed { border: 1px solid #986a44; border-radius: 3px; padding: 0 .15em; background: #fdf3e7; }
.figure.changed ins, .figure.changed del { background: none; }
";
