//! facts → figures → template → Markdown → Document → HTML / PDF, in memory.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::document::Document;

/// What to render.
#[derive(Debug, Clone)]
pub struct RenderRequest {
    /// The speech project folder (holds `templates/` and `facts/`).
    pub root: PathBuf,
    /// The facts file, e.g. `<root>/facts/2021.yaml`.
    pub facts: PathBuf,
    /// Render even with errors: unfilled figures become visible markers; the speech is marked 草稿.
    pub draft: bool,
    /// Print every figure written in digits as `*`.
    pub mask: bool,
}

/// One figure as a reviewer sees it.
#[derive(Debug, Clone)]
pub struct FigureReport {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub kind: String,
    /// The printed text (e.g. `96.6`, `1200多`, `两`), or None when unfilled or invalid.
    pub value: Option<String>,
    pub status: FigureStatus,
    /// How it is computed, in words, e.g. `达标党支部数 ÷ 党支部总数 × 100，保留一位小数`.
    pub formula: String,
    /// Where its facts come from: `facts/2021.yaml:12:5` for each fact read.
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureStatus {
    Ok,
    Unfilled,
    Invalid,
}

/// A finished render, all in memory; nothing is written to disk here.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub year: i64,
    pub markdown: String,
    pub document: Document,
    /// The speech alone as an HTML fragment (`<article class="speech">…</article>`).
    pub html_body: String,
    /// A standalone page around `html_body`.
    pub html_page: String,
    pub figures: Vec<FigureReport>,
    /// Warnings, and in draft mode also the errors that did not stop the render.
    pub diagnostics: Vec<Diagnostic>,
}

/// Renders in memory. `Err` when nothing can be rendered: malformed YAML or template, or, unless
/// `draft`, any error at all. The diagnostics are sorted by file, line and column.
pub fn render(req: &RenderRequest) -> Result<Rendered, Vec<Diagnostic>> {
    // FAKE until the real pipeline is merged (issue 2): lets `speechgen serve` be built and tested.
    fake::render(req)
}

// FAKE until the real pipeline is merged: everything below is replaced by the real pipeline.
// It reads the facts YAML directly, knows four figures by name (the real one never does) and
// writes a speech-shaped article long enough to scroll, so the preview server has something real
// to serve: figures from facts, an unfilled marker, warnings, and YAML errors with line:column.
mod fake {
    use super::*;
    use crate::diagnostic::{Location, Severity};
    use crate::document::{Block, Inline, InlineStyle};
    use serde_yaml::Value;

    struct Fig {
        id: &'static str,
        label: &'static str,
        unit: &'static str,
        kind: &'static str,
        formula: &'static str,
        facts: &'static [&'static str],
    }

    const FIGURES: &[Fig] = &[
        Fig {
            id: "deputy_secretaries",
            label: "专职副书记人数",
            unit: "人",
            kind: "count",
            formula: "直接取自事实",
            facts: &["organisation.deputy_secretaries"],
        },
        Fig {
            id: "party_affairs_staff",
            label: "专职党务工作人员数",
            unit: "人",
            kind: "count",
            formula: "直接取自事实",
            facts: &["organisation.party_affairs_staff"],
        },
        Fig {
            id: "branches_qualified_share",
            label: "达标党支部占比",
            unit: "%",
            kind: "percent",
            formula: "达标党支部数 ÷ 党支部总数 × 100，保留一位小数",
            facts: &[
                "organisation.branches.qualified",
                "organisation.branches.total",
            ],
        },
        Fig {
            id: "volunteer_teams",
            label: "志愿服务队数",
            unit: "支",
            kind: "count",
            formula: "直接取自事实",
            facts: &["volunteering.teams"],
        },
    ];

    const FILLER: &str = "坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻落实全面从严治党要求，推动机关党建工作与业务工作深度融合、相互促进，以高质量党建引领保障机关各项工作高质量发展。";

    pub(super) fn render(req: &RenderRequest) -> Result<Rendered, Vec<Diagnostic>> {
        let display = display_path(req);
        let text = std::fs::read_to_string(&req.facts).map_err(|e| {
            vec![diag(
                Severity::Error,
                "io",
                format!("无法读取事实文件：{e}"),
                None,
                None,
            )]
        })?;
        let facts: Value = serde_yaml::from_str(&text).map_err(|e| {
            let location = e.location().map(|l| Location {
                file: display.clone(),
                line: l.line(),
                column: l.column(),
            });
            let line = location
                .as_ref()
                .and_then(|l| text.lines().nth(l.line - 1))
                .map(str::to_owned);
            let mut d = diag(
                Severity::Error,
                "yaml-syntax",
                format!("YAML 格式错误：{e}"),
                location,
                None,
            );
            d.source_line = line;
            d.hint = Some("检查缩进和冒号；每个键后是“: ”和值。".into());
            vec![d]
        })?;
        let year = facts.get("year").and_then(Value::as_i64).unwrap_or(0);
        let mut diagnostics = Vec::new();
        let mut figures = Vec::new();
        for f in FIGURES {
            let values: Vec<Option<i64>> = f.facts.iter().map(|p| lookup(&facts, p)).collect();
            let sources = f
                .facts
                .iter()
                .map(|p| {
                    let (line, col) = locate(&text, p);
                    format!("{}:{line}:{col}", display.display())
                })
                .collect();
            let (value, status) = match (f.kind, values.as_slice()) {
                (_, v) if v.iter().any(Option::is_none) => (None, FigureStatus::Unfilled),
                ("count", [Some(n)]) if *n >= 0 => (Some(n.to_string()), FigureStatus::Ok),
                ("percent", [Some(part), Some(whole)])
                    if *whole > 0 && part <= whole && *part >= 0 =>
                {
                    let tenths = (part * 1000 + whole / 2) / whole;
                    let v = if tenths % 10 == 0 {
                        format!("{}", tenths / 10)
                    } else {
                        format!("{}.{}", tenths / 10, tenths % 10)
                    };
                    (Some(v), FigureStatus::Ok)
                }
                _ => (None, FigureStatus::Invalid),
            };
            if status != FigureStatus::Ok {
                let (line, column) = locate(&text, f.facts[0]);
                let (code, message) = if status == FigureStatus::Unfilled {
                    ("unfilled", format!("“{}”未填写", f.label))
                } else {
                    ("invalid", format!("“{}”的数值不合规则", f.label))
                };
                let mut d = diag(
                    Severity::Error,
                    code,
                    message,
                    Some(Location {
                        file: display.clone(),
                        line,
                        column,
                    }),
                    Some(f.id),
                );
                d.source_line = text.lines().nth(line.saturating_sub(1)).map(str::to_owned);
                d.fact = Some(f.facts[0].to_owned());
                d.hint = Some(format!("在 {} 中填写 {}", display.display(), f.facts[0]));
                diagnostics.push(d);
            }
            figures.push(FigureReport {
                id: f.id.into(),
                label: f.label.into(),
                unit: f.unit.into(),
                kind: f.kind.into(),
                value,
                status,
                formula: f.formula.into(),
                sources,
            });
        }
        if !req.draft && !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let title = "市直工委在全市机关党建工作推进会上的发言".to_string();
        let fig = |id: &str| figures.iter().find(|f| f.id == id).unwrap();
        let run = |text: &str| Inline {
            text: text.into(),
            style: InlineStyle::Plain,
            figure: None,
            unfilled: false,
        };
        let lead = |text: &str| Inline {
            text: text.into(),
            style: InlineStyle::Lead,
            figure: None,
            unfilled: false,
        };
        let figrun = |id: &str| {
            let f = fig(id);
            let text = match &f.value {
                Some(v) if !req.mask => v.clone(),
                Some(v) => "*".repeat(v.chars().count()),
                None => format!("【未填：{}】", f.label),
            };
            Inline {
                text,
                style: InlineStyle::Plain,
                figure: Some(id.into()),
                unfilled: f.value.is_none(),
            }
        };
        let heading = |t: &str| Block::Heading {
            level: 2,
            inlines: vec![run(t)],
        };
        let mut blocks = vec![
            Block::Paragraph {
                inlines: vec![run(
                    "近年来，市直机关工委在市委的正确领导下，持续深化机关党建品牌建设和基层党组织达标创优工作，扎实推进机关党建工作往实里做、朝高处走。",
                )],
            },
            heading("一、强化政治引领，把好机关党建“方向盘”"),
            Block::Paragraph {
                inlines: vec![
                    lead("扛起主体责任"),
                    run("。直属党组织中，已配备专职副书记"),
                    figrun("deputy_secretaries"),
                    run("人，落实专职党务工作人员"),
                    figrun("party_affairs_staff"),
                    run("人，党建经费逐年提升。"),
                ],
            },
        ];
        for (i, part) in [
            "二、建强基层堡垒，激活组织力提升“新引擎”",
            "三、持续正风肃纪，筑牢监督执纪“防火墙”",
            "四、服务中心大局，当好高质量发展“助推器”",
        ]
        .iter()
        .enumerate()
        {
            blocks.push(heading(part));
            for j in 0..4 {
                let mut inlines = vec![
                    lead(["夯实组织基础", "强化政治监督", "关键时刻冲得上去"][i]),
                    run("。"),
                    run(&FILLER.repeat(2 + j)),
                ];
                if i == 0 && j == 1 {
                    inlines.extend([
                        run("所属党支部中，达标党支部占比"),
                        figrun("branches_qualified_share"),
                        run("%。"),
                    ]);
                }
                if i == 2 && j == 2 {
                    inlines.extend([
                        run("组建志愿服务队共"),
                        figrun("volunteer_teams"),
                        run("支。"),
                    ]);
                }
                blocks.push(Block::Paragraph { inlines });
            }
        }
        let document = Document {
            title: title.clone(),
            blocks,
            draft: req.draft,
        };
        let mut html = format!("<article class=\"speech\"><h1>{title}</h1>");
        let mut markdown = format!("# {title}\n\n");
        for b in &document.blocks {
            let (open, close) = match b {
                Block::Heading { .. } => ("<h2>", "</h2>"),
                Block::Paragraph { .. } => ("<p>", "</p>"),
            };
            html.push_str(open);
            for i in b.inlines() {
                match (&i.figure, i.style) {
                    (Some(id), _) => {
                        let f = fig(id);
                        let class = if i.unfilled {
                            "figure unfilled"
                        } else {
                            "figure"
                        };
                        html.push_str(&format!(
                            "<span class=\"{class}\" data-figure=\"{id}\" title=\"{}\">{}</span>",
                            f.label, i.text
                        ));
                    }
                    (None, InlineStyle::Lead) => {
                        html.push_str(&format!("<strong>{}</strong>", i.text))
                    }
                    (None, InlineStyle::Plain) => html.push_str(&i.text),
                }
            }
            html.push_str(close);
            markdown.push_str(&b.plain_text());
            markdown.push_str("\n\n");
        }
        html.push_str("</article>");
        let html_page =
            format!("<!doctype html><meta charset=\"utf-8\"><title>{title}</title>{html}");
        Ok(Rendered {
            year,
            markdown,
            document,
            html_body: html,
            html_page,
            figures,
            diagnostics,
        })
    }

    fn display_path(req: &RenderRequest) -> PathBuf {
        req.facts
            .strip_prefix(&req.root)
            .map(PathBuf::from)
            .unwrap_or_else(|_| req.facts.clone())
    }

    fn diag(
        severity: Severity,
        code: &'static str,
        message: String,
        location: Option<Location>,
        figure: Option<&str>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            message,
            location,
            figure: figure.map(str::to_owned),
            fact: None,
            hint: None,
            source_line: None,
        }
    }

    fn lookup(facts: &Value, path: &str) -> Option<i64> {
        path.split('.').try_fold(facts, |v, k| v.get(k))?.as_i64()
    }

    /// Line and column (1-based) of a dotted key's value, by indentation; good enough for a fake.
    fn locate(text: &str, path: &str) -> (usize, usize) {
        let keys: Vec<&str> = path.split('.').collect();
        let mut depth = 0;
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            if let Some(rest) = trimmed
                .strip_prefix(keys[depth])
                .and_then(|r| r.strip_prefix(':'))
            {
                if depth + 1 == keys.len() {
                    let col = line.len() - rest.trim_start().len() + 1;
                    return (n + 1, col.min(line.len() + 1));
                }
                depth += 1;
            }
        }
        (1, 1)
    }
}
