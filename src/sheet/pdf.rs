//! The sheet as a PDF: a ruled table on A4 landscape, written with krilla as the speech is.
//!
//! Cell text is broken here at the break opportunities `pdf::linebreak` finds (between CJK
//! characters, never before 。，、 or after “《, never inside 1380 or 96.7%); a segment wider than
//! its cell (a long fact path) is broken at its dots, and as a last resort between characters:
//! nothing is ever dropped. Faces are the speech's, measured for the characters the sheet prints
//! (`pdf::textset`); `pdf::write` writes the file (PDF/A-2b, tagged, reproducible) as for the
//! speech.
//!
//! Every row of the table keeps together on a page; the header row repeats on each page; every
//! page's foot names the year, the digest and the page count.

use super::{ClaimRow, FigureRow, Sheet};
use crate::figures::FigureStatus;
use crate::pdf::fonts::Role;
use crate::pdf::layout::{PT_PER_MM, Part, Run};
use crate::pdf::textset::TextFaces;
use crate::pdf::write::{self, DocInfo, PageContent, PdfStandard};
use crate::pdf::{FontChoice, PdfError, PdfOptions, Place, linebreak};

const PAGE_W_MM: f64 = 297.0;
const PAGE_H_MM: f64 = 210.0;
const MARGIN_MM: f64 = 12.0;
const BOTTOM_MM: f64 = 14.0;

const TITLE_PT: u8 = 14;
const HEADING_PT: u8 = 10;
const META_PT: u8 = 8;
const CELL_PT: u8 = 8;
const FOOT_PT: u8 = 7;
/// Line pitch as a multiple of the size.
const LEADING: f64 = 1.32;
/// Cell padding in points.
const PAD_X: f64 = 2.0;
const PAD_Y: f64 = 2.2;
/// Table rules' width, in points (thinner than the PDF default of 1 pt, heavy for a table).
const RULE_PT: f64 = 0.5;

/// A zero-width break opportunity, never printed.
const BREAK: char = '\u{200b}';

fn pt(mm: f64) -> f64 {
    mm * PT_PER_MM
}

/// A cell's paragraphs, each in a role: the body face, or the heading face (Hei) for what a
/// reviewer must not miss (the printed value, a flag, a failed claim).
struct Cell {
    paras: Vec<(Role, String)>,
}

impl Cell {
    fn body(paras: Vec<String>) -> Cell {
        Cell {
            paras: paras.into_iter().map(|p| (Role::Body, p)).collect(),
        }
    }
    fn strong(paras: Vec<String>) -> Cell {
        Cell {
            paras: paras.into_iter().map(|p| (Role::Heading, p)).collect(),
        }
    }
    fn blank() -> Cell {
        Cell::body(Vec::new())
    }
}

struct Table {
    title: String,
    widths_mm: Vec<f64>,
    header: Vec<&'static str>,
    rows: Vec<Vec<Cell>>,
}

/// Fact paths break at their dots and underscores rather than anywhere.
fn breakable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        out.push(c);
        if c == '.' || c == '_' || c == '/' {
            out.push(BREAK);
        }
    }
    out
}

fn figure_cells(f: &FigureRow) -> Vec<Cell> {
    let mut place: Vec<String> = f.places().iter().map(|p| breakable(p)).collect();
    if let Some(s) = &f.source {
        place.push(format!("来源：{s}"));
    }
    let mut last = Cell::body(f.last_year_lines());
    if let Some(flag) = f.change.as_ref().and_then(|c| c.flag_text()) {
        last.paras.push((Role::Heading, format!("※{flag}")));
    }
    let printed = if f.status == FigureStatus::Ok {
        f.printed_or_marker()
    } else {
        format!("※{}", f.printed_or_marker())
    };
    vec![
        Cell::body(vec![f.number.to_string()]),
        Cell::body(vec![f.label.clone(), breakable(&f.id)]),
        Cell::strong(vec![printed]),
        Cell::body(f.inputs.iter().map(|i| breakable(&i.shown())).collect()),
        Cell::body(vec![breakable(&f.formula)]),
        Cell::body(place),
        last,
        Cell::blank(),
        Cell::blank(),
    ]
}

fn claim_cells(c: &ClaimRow) -> Vec<Cell> {
    let mut place: Vec<String> = c.places().iter().map(|p| breakable(p)).collect();
    if let Some(s) = &c.source {
        place.push(format!("来源：{s}"));
    }
    let verdict = if c.holds == Some(true) {
        c.verdict().to_owned()
    } else {
        format!("※{}", c.verdict())
    };
    vec![
        Cell::body(vec![c.number.to_string()]),
        Cell::body(vec![
            c.label.clone(),
            breakable(&format!("{}（{}）", c.id, c.kind)),
        ]),
        Cell::body(c.inputs.iter().map(|i| breakable(&i.shown())).collect()),
        Cell::body(vec![c.detail.clone()]),
        Cell::body(place),
        Cell::strong(vec![verdict]),
        Cell::blank(),
        Cell::blank(),
    ]
}

fn tables(sheet: &Sheet) -> [Table; 2] {
    [
        Table {
            title: format!("一、数字（{} 个，按讲话中出现的顺序）", sheet.figures.len()),
            widths_mm: vec![9.0, 40.0, 28.0, 66.0, 50.0, 30.0, 30.0, 8.0, 12.0],
            header: vec![
                "序号",
                "数字",
                "印出",
                "输入（确数、部分与整体、加数）",
                "算法",
                "位置与来源",
                "上年与变化",
                "✓",
                "核对人",
            ],
            rows: sheet.figures.iter().map(figure_cells).collect(),
        },
        Table {
            title: format!("二、讲话中的判断（{} 项）", sheet.claims.len()),
            widths_mm: vec![9.0, 45.0, 75.0, 60.0, 34.0, 18.0, 8.0, 24.0],
            header: vec![
                "序号",
                "判断",
                "依据",
                "核对",
                "位置与来源",
                "结论",
                "✓",
                "核对人",
            ],
            rows: sheet.claims.iter().map(claim_cells).collect(),
        },
    ]
}

/// Breaks one paragraph into lines no wider than `width`, at the break opportunities of
/// `linebreak::clusters`; a cluster wider than a whole line is broken between characters.
fn break_paragraph(faces: &TextFaces, role: Role, text: &str, size: u8, width: f64) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let w = |r: &std::ops::Range<usize>| -> f64 {
        chars[r.clone()]
            .iter()
            .map(|c| faces.advance(role, *c, size))
            .sum()
    };
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0.0;
    for cluster in linebreak::clusters(&chars) {
        let cw = w(&cluster);
        let blank = chars[cluster.clone()]
            .iter()
            .all(|c| c.is_whitespace() || *c == BREAK);
        if used + cw <= width + 1e-6 {
            line.extend(&chars[cluster]);
            used += cw;
            continue;
        }
        if blank {
            // A space at the end of a line is dropped with the break.
            continue;
        }
        if !line.trim().is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0.0;
        }
        if cw <= width + 1e-6 {
            line.extend(&chars[cluster]);
            used = cw;
            continue;
        }
        // Wider than a whole line: broken between characters, so that nothing is lost.
        for &c in &chars[cluster] {
            let a = faces.advance(role, c, size);
            if used + a > width + 1e-6 && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
            line.push(c);
            used += a;
        }
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
        .into_iter()
        .map(|l| l.trim().trim_matches(BREAK).to_owned())
        .collect()
}

/// A straight rule, (x0, y0, x1, y1) in points from the page's top left.
type Rule = (f64, f64, f64, f64);

#[derive(Default, Clone)]
struct Page {
    runs: Vec<Run>,
    rules: Vec<Rule>,
}

struct Composer<'a> {
    faces: &'a TextFaces,
    pages: Vec<Page>,
    page: Page,
    /// The next free height on the page, points from the top.
    y: f64,
    /// Texts set so far: each one a paragraph of its own in the PDF's reading order.
    texts: usize,
}

impl Composer<'_> {
    fn top() -> f64 {
        pt(MARGIN_MM)
    }
    fn bottom() -> f64 {
        pt(PAGE_H_MM - BOTTOM_MM)
    }
    fn left() -> f64 {
        pt(MARGIN_MM)
    }
    fn right() -> f64 {
        pt(PAGE_W_MM - MARGIN_MM)
    }

    fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.page));
        self.y = Self::top();
    }

    fn text(&mut self, role: Role, size: u8, x: f64, baseline: f64, text: &str) {
        self.texts += 1;
        let part = Part::Paragraph(self.texts);
        self.page.runs.extend(
            (self.faces.runs(role, text, size, x, baseline).into_iter()).map(|r| Run { part, ..r }),
        );
    }

    /// A line of text at the current height, moving down by its pitch.
    fn line(&mut self, role: Role, size: u8, text: &str) {
        let baseline = self.y + f64::from(size);
        self.text(role, size, Self::left(), baseline, text);
        self.y += f64::from(size) * LEADING;
    }

    /// 核对人：____ 日期：____ with drawn lines to write on.
    fn signoff(&mut self) {
        let size = 10u8;
        let baseline = self.y + f64::from(size) + 4.0;
        let mut x = Self::left();
        for (label, blank_mm) in [("核对人：", 60.0), ("日期：", 45.0)] {
            self.text(Role::Body, size, x, baseline, label);
            x += self.faces.width(Role::Body, label, size);
            self.page
                .rules
                .push((x, baseline + 2.0, x + pt(blank_mm), baseline + 2.0));
            x += pt(blank_mm) + pt(10.0);
        }
        self.y = baseline + 10.0;
    }

    fn cell_lines(&self, table: &Table, row: &[Cell]) -> Vec<Vec<(Role, String)>> {
        row.iter()
            .zip(&table.widths_mm)
            .map(|(cell, w)| {
                let width = pt(*w) - 2.0 * PAD_X;
                cell.paras
                    .iter()
                    .flat_map(|(role, p)| {
                        break_paragraph(self.faces, *role, p, CELL_PT, width)
                            .into_iter()
                            .map(|l| (*role, l))
                    })
                    .collect()
            })
            .collect()
    }

    fn row_height(lines: &[Vec<(Role, String)>]) -> f64 {
        let n = lines.iter().map(Vec::len).max().unwrap_or(0).max(1);
        2.0 * PAD_Y + n as f64 * f64::from(CELL_PT) * LEADING
    }

    /// Draws one row at the current height: every cell's first line on one baseline.
    fn row(&mut self, table: &Table, lines: &[Vec<(Role, String)>], first_on_page: bool) {
        let height = Self::row_height(lines);
        let top = self.y;
        let bottom = top + height;
        let (left, right) = (Self::left(), Self::right());
        if first_on_page {
            self.page.rules.push((left, top, right, top));
        }
        self.page.rules.push((left, bottom, right, bottom));
        let mut x = left;
        self.page.rules.push((x, top, x, bottom));
        for (cell, w) in lines.iter().zip(&table.widths_mm) {
            let mut baseline = top + PAD_Y + f64::from(CELL_PT);
            for (role, text) in cell {
                self.text(*role, CELL_PT, x + PAD_X, baseline, text);
                baseline += f64::from(CELL_PT) * LEADING;
            }
            x += pt(*w);
            self.page.rules.push((x, top, x, bottom));
        }
        self.y = bottom;
    }

    fn table(&mut self, table: &Table) {
        let header: Vec<Vec<(Role, String)>> = {
            let cells: Vec<Cell> = table
                .header
                .iter()
                .map(|h| Cell::strong(vec![h.to_string()]))
                .collect();
            self.cell_lines(table, &cells)
        };
        let rows: Vec<Vec<Vec<(Role, String)>>> = table
            .rows
            .iter()
            .map(|r| self.cell_lines(table, r))
            .collect();
        let title_h = f64::from(HEADING_PT) * LEADING + 8.0;
        let header_h = Self::row_height(&header);
        // The title stays with the header row and the first row.
        let first_h = rows.first().map_or(0.0, |r| Self::row_height(r));
        if self.y + title_h + header_h + first_h > Self::bottom() {
            self.new_page();
        }
        self.y += 8.0;
        self.line(Role::Heading, HEADING_PT, &table.title);
        self.row(table, &header, true);
        for r in &rows {
            if self.y + Self::row_height(r) > Self::bottom() {
                self.new_page();
                self.row(table, &header, true);
            }
            self.row(table, r, false);
        }
    }
}

/// Every text the sheet may print, for subsetting: cells, headings, the page foot's digits.
fn all_texts(sheet: &Sheet, tables: &[Table]) -> Vec<(Role, String)> {
    let mut texts = vec![
        (Role::Heading, sheet.title()),
        (Role::Body, "核对人：日期：".to_owned()),
        (Role::Body, "0123456789".to_owned()),
        (Role::Body, footer(sheet, 0, 0)),
        (Role::Body, super::text::summary(sheet)),
    ];
    for (k, v) in sheet.header() {
        texts.push((Role::Body, format!("{k}：{v}")));
    }
    for t in tables {
        texts.push((Role::Heading, t.title.clone()));
        texts.extend(t.header.iter().map(|h| (Role::Heading, h.to_string())));
        for row in &t.rows {
            for cell in row {
                texts.extend(cell.paras.iter().cloned());
            }
        }
    }
    texts
}

fn footer(sheet: &Sheet, page: usize, pages: usize) -> String {
    format!(
        "{} · 摘要 {} · 第 {page} 页，共 {pages} 页",
        sheet.title(),
        sheet.digest.short()
    )
}

/// The sheet as a finished PDF, set in the bundled faces (the same file on every machine).
pub fn write(sheet: &Sheet) -> Result<Vec<u8>, PdfError> {
    let set = &crate::pdf::fonts::choose(&PdfOptions {
        fonts: FontChoice::Bundled,
        font_dirs: Vec::new(),
        standard: None,
    })?;
    let tables = tables(sheet);
    let texts = all_texts(sheet, &tables);
    let refs: Vec<(Role, &str)> = texts.iter().map(|(r, t)| (*r, t.as_str())).collect();
    let faces = TextFaces::new(set, &refs, |text| {
        let excerpt: String = text.chars().take(20).collect();
        Place::Elsewhere(format!("核对表中“{excerpt}”"))
    })?;

    let mut c = Composer {
        faces: &faces,
        pages: Vec::new(),
        page: Page::default(),
        y: Composer::top(),
        texts: 0,
    };
    c.line(Role::Heading, TITLE_PT, &sheet.title());
    c.y += 2.0;
    for (k, v) in sheet.header() {
        c.line(Role::Body, META_PT, &format!("{k}：{v}"));
    }
    c.signoff();
    for t in &tables {
        c.table(t);
    }
    let summary = super::text::summary(sheet);
    if c.y + 40.0 > Composer::bottom() {
        c.new_page();
    }
    c.y += 6.0;
    c.line(Role::Body, 9, &summary);
    c.signoff();
    c.pages.push(std::mem::take(&mut c.page));

    // The foot of every page, now that the count is known.
    let total = c.pages.len();
    for (i, page) in c.pages.iter_mut().enumerate() {
        let text = footer(sheet, i + 1, total);
        let baseline = pt(PAGE_H_MM - BOTTOM_MM / 2.0);
        let x = Composer::right() - faces.width(Role::Body, &text, FOOT_PT);
        // The page's foot is an artifact, as the speech's page numbers are.
        page.runs.extend(
            (faces
                .runs(Role::Body, &text, FOOT_PT, x, baseline)
                .into_iter())
            .map(|r| Run {
                part: Part::Artifact,
                ..r
            }),
        );
    }

    let rules: Vec<Vec<write::Rule>> = (c.pages.iter())
        .map(|p| {
            (p.rules.iter())
                .map(|&(x0, y0, x1, y1)| (x0, y0, x1, y1, RULE_PT))
                .collect()
        })
        .collect();
    let pages: Vec<PageContent<'_>> = (c.pages.iter().zip(&rules))
        .map(|(p, rules)| PageContent {
            runs: p.runs.iter().map(|r| (r, (0.0, 0.0))).collect(),
            rules,
        })
        .collect();
    let title = sheet.title();
    let info = DocInfo {
        title: &title,
        author: sheet.author.as_deref(),
        keywords: sheet.digest.pdf_keywords(),
        date: crate::pdf::Date::of_inputs(sheet.date, sheet.year),
        standard: PdfStandard::A2b,
    };
    let size = (pt(PAGE_W_MM), pt(PAGE_H_MM));
    write::write(&faces.faces, &faces.metrics, size, &pages, &info)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faces(text: &str) -> TextFaces {
        let set = crate::pdf::fonts::choose(&PdfOptions {
            fonts: FontChoice::Bundled,
            font_dirs: Vec::new(),
            standard: None,
        })
        .unwrap();
        TextFaces::new(&set, &[(Role::Body, text)], |_| Place::Draft).unwrap()
    }

    #[test]
    fn cell_text_breaks_between_characters_and_never_loses_any() {
        let text =
            "讲话说“全覆盖”，须正好 100；organisation.\u{200b}branches_\u{200b}qualified 为 1380。";
        let f = faces(text);
        let lines = break_paragraph(&f, Role::Body, text, 8, 60.0);
        assert!(lines.len() > 2, "{lines:?}");
        let joined: String = lines.concat();
        let want: String = text.chars().filter(|c| *c != ' ' && *c != BREAK).collect();
        let got: String = joined
            .chars()
            .filter(|c| *c != ' ' && *c != BREAK)
            .collect();
        assert_eq!(got, want);
        for l in &lines {
            assert!(f.width(Role::Body, l, 8) <= 60.0 + 1e-6, "{l}");
            // 禁则: no line starts with a closing mark.
            assert!(!l.starts_with(['，', '。', '；', '”']), "{l}");
        }
        // 1380 is never split.
        assert!(lines.iter().any(|l| l.contains("1380")), "{lines:?}");
    }

    #[test]
    fn a_segment_wider_than_the_cell_is_broken_not_dropped() {
        let text = "abcdefghijklmnopqrstuvwxyz0123456789";
        let f = faces(text);
        let lines = break_paragraph(&f, Role::Body, text, 8, 30.0);
        assert!(lines.len() > 3);
        assert_eq!(lines.concat(), text);
    }
}
