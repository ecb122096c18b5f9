//! Pages that end well, over many layouts: the sample and the sample with names of other
//! lengths (each shifts every line and page break after it), rendered with the bundled faces and
//! read back from the PDF. On every layout: no last page under five lines (the sample sets on
//! four pages), no page ending more than a row short of its 22 unless a heading follows, no
//! figure split from its unit, no paragraph ending with one character alone (孤字), adjacent
//! marks at one blank half. With `grid: strict`, the full lines hold 28 cells.

use crate::harness::Project;
use crate::harness::mutate::Rng;
use crate::harness::pdf_glyphs::{self, Glyph};
use crate::typography::{check_figures_whole, check_marks};

/// GB/T 9704: the text block's top and foot, its left edge, in points from the page's
/// top-left corner; the grid cell and the line pitch.
const TOP: f64 = 37.0 * 72.0 / 25.4;
const FOOT: f64 = (297.0 - 35.0) * 72.0 / 25.4;
const LEFT: f64 = 28.0 * 72.0 / 25.4;
const CELL: f64 = 156.0 * 72.0 / 25.4 / 28.0;
const PITCH: f64 = 225.0 * 72.0 / 25.4 / 22.0;

/// How many layouts: the sample and this many less one with names changed.
const LAYOUTS: u64 = 68;

/// The sample's names that print as they are written (one string each), where they are in
/// the facts file.
const NAMES: &[&str] = &[
    "  guideline_document: 关于全面加强新时代机关党的建设的意见",
    "  lecture_hall: 党课大讲堂",
    "  media_column: 机关党建先锋",
    "  epidemic_film: 强化机关党建引领助力常态化疫情防控",
    "  brand_plan: 深化市直机关党建品牌建设暨基层党组织达标创优工作方案",
    "  position_standard: 八有",
    "  cloud_platform: 智慧党建云平台",
    "  liaison_system: 机关工委领导干部联系基层党组织制度",
    "  epidemic_initiative: 筑堡垒战疫情齐行动",
    "  pairing_notice: 关于开展市直机关扶贫后盾单位党组织与扶贫村党组织结对共建活动的通知",
    "  civilised_city_campaign: 创建全国文明城市",
    "  volunteer_plan: 市直机关党员志愿服务活动实施方案",
];

/// Layout `k`: the sample (k = 0), or three of its names set to other lengths, chosen from `k`.
fn layout(k: u64, strict: bool) -> Project {
    let p = Project::sample();
    if k > 0 {
        let filler: Vec<char> = "党建工作品牌建设提升强化机关服务先锋堡垒示范引领"
            .chars()
            .collect();
        let mut rng = Rng::new(k * 7919);
        let mut facts = p.read_facts();
        for _ in 0..3 {
            let line = *rng.pick(NAMES);
            let key = &line[..line.find(':').unwrap()];
            let len = 2 + rng.below(30);
            let from = rng.below(filler.len());
            let name: String = filler.iter().cycle().skip(from).take(len).collect();
            // The value as written (it may have been replaced already), up to its comment or
            // the line's end: the name alone replaced.
            let at = facts
                .find(&format!("\n{key}: "))
                .unwrap_or_else(|| panic!("{key}"))
                + 1;
            let rest = &facts[at..];
            let end = at + rest.find(['\n', '#']).unwrap();
            facts.replace_range(at..end, &format!("{key}: {name} "));
        }
        p.save_facts(&facts);
    }
    if strict {
        let settings = p.read("templates/speech.yaml");
        p.write(
            "templates/speech.yaml",
            &format!("{settings}\ngrid: strict\n"),
        );
    }
    p
}

/// A line of the text block: its row on its page (0–21) and its glyphs.
struct Row {
    row: usize,
    glyphs: Vec<Glyph>,
}

/// The text block's lines of every page, with their rows.
fn rows(pdf: &[u8]) -> Vec<Vec<Row>> {
    pdf_glyphs::glyphs(pdf)
        .iter()
        .map(|page| {
            pdf_glyphs::lines(page)
                .into_iter()
                .filter(|l| l[0].baseline < FOOT && l[0].baseline > TOP)
                .map(|glyphs| {
                    // The baseline sits 0.38 of the size below the row's middle.
                    let g = &glyphs[0];
                    let row = (g.baseline - 0.38 * g.size - TOP - PITCH / 2.0) / PITCH;
                    Row {
                        row: row.round() as usize,
                        glyphs,
                    }
                })
                .collect()
        })
        .collect()
}

/// A line that starts a block: indented two cells (a heading or paragraph), or the title.
fn starts_block(line: &[Glyph]) -> bool {
    line[0].x > LEFT + 0.75 * CELL || line[0].size > 20.0
}

/// A part heading of the sample's template: 一、 二、 …
fn is_heading(line: &[Glyph]) -> bool {
    let t = pdf_glyphs::text(line);
    let mut c = t.chars();
    c.next().is_some_and(|c| "一二三四五六七八九十".contains(c)) && c.next() == Some('、')
}

fn is_mark(c: char) -> bool {
    "，。、；：？！”’）》」』〉】“‘（《「『〈【…—·".contains(c)
}

/// The cells a line's characters hold on the grid: an ideograph or a mark one (a mark sharing
/// its blank half with the one beside it still holds its cell), a half-width letter or digit
/// half; an indented line's two cells of indent.
fn cells(line: &[Glyph]) -> f64 {
    let indent = if line[0].x > LEFT + 0.75 * CELL {
        2.0
    } else {
        0.0
    };
    // A pause hung past the block's right edge (`grid: strict`) stands outside the grid; a
    // closing mark that ends a line within its last cell, having given its blank half to the
    // margin, holds what is left of that cell.
    let last = line.last().expect("a line has glyphs");
    let right = LEFT + 28.0 * CELL;
    let (inside, end) = if is_mark(last.ch) && last.x > LEFT + 27.25 * CELL {
        let end = if last.x > right - 0.25 * CELL {
            0.0
        } else {
            (right - last.x) / CELL
        };
        (&line[..line.len() - 1], end)
    } else {
        (line, 0.0)
    };
    indent
        + end
        + inside
            .iter()
            .map(|g| if g.ch.is_ascii() { 0.5 } else { 1.0 })
            .sum::<f64>()
}

/// What one layout's PDF shows.
#[derive(Default, Debug)]
struct Measure {
    pages: usize,
    last_page_lines: usize,
    /// Pages (not the last) ending two rows short or more with no heading following.
    short_pages: usize,
    /// Paragraphs ending with one character alone.
    lone_characters: usize,
    /// A paragraph's first line alone at a page's foot, or its last alone at a page's head.
    lone_lines: usize,
    /// Full lines (not a block's last), and those holding 28 cells (27.5 with a half-width
    /// figure), 29 or more.
    full_lines: usize,
    at_28: usize,
    over_28: usize,
    /// Marks set past the block's right edge, and whether each is a pause hung whole in the
    /// cell after the last.
    hung: usize,
    hung_wrong: usize,
}

fn measure(pdf: &[u8]) -> Measure {
    let pages = rows(pdf);
    let mut m = Measure {
        pages: pages.len(),
        last_page_lines: pages.last().map_or(0, |p| p.len()),
        ..Default::default()
    };
    for r in pages.iter().flatten() {
        let last = r.glyphs.last().expect("a line has glyphs");
        if last.x > LEFT + 27.75 * CELL && !last.ch.is_ascii() {
            m.hung += 1;
            let whole_cell = (last.x - (LEFT + 28.0 * CELL)).abs() < 0.05 * CELL;
            if !"，。、；：？！".contains(last.ch) || !whole_cell {
                m.hung_wrong += 1;
            }
        }
    }
    for (n, page) in pages.iter().enumerate().take(pages.len() - 1) {
        let used = page.last().map_or(0, |r| r.row + 1);
        let heading_next = pages[n + 1].first().is_some_and(|r| is_heading(&r.glyphs));
        if used + 1 < 22 && !heading_next {
            m.short_pages += 1;
        }
    }
    // Blocks as (page, line) lists, following a block over a page break.
    let mut blocks: Vec<Vec<(usize, &Row)>> = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        for r in page {
            if starts_block(&r.glyphs) || blocks.is_empty() {
                blocks.push(Vec::new());
            }
            blocks.last_mut().unwrap().push((n, r));
        }
    }
    for b in &blocks {
        if b.len() < 2 {
            continue;
        }
        let last = &b[b.len() - 1].1.glyphs;
        if last.iter().filter(|g| !is_mark(g.ch)).count() < 2 {
            m.lone_characters += 1;
        }
        let (first_page, last_page) = (b[0].0, b[b.len() - 1].0);
        if first_page != last_page {
            if b.iter().filter(|(n, _)| *n == first_page).count() < 2 {
                m.lone_lines += 1;
            }
            if b.iter().filter(|(n, _)| *n == last_page).count() < 2 {
                m.lone_lines += 1;
            }
        }
        for (_, r) in &b[..b.len() - 1] {
            // Title lines are centred, not on the grid.
            if r.glyphs[0].size > 20.0 {
                continue;
            }
            let c = cells(&r.glyphs);
            m.full_lines += 1;
            // (A mark's part of its cell is measured from its place: a hair either way.)
            if (27.45..=28.05).contains(&c) {
                m.at_28 += 1;
            } else if c > 28.05 {
                m.over_28 += 1;
            }
        }
    }
    m
}

/// Every layout rendered and measured; the totals printed for the record.
fn all_layouts(strict: bool) -> Vec<Measure> {
    let mut out = Vec::new();
    for k in 0..LAYOUTS {
        let p = layout(k, strict);
        // Renders into out/ and checks that no figure is parted from its unit.
        check_figures_whole(&p);
        let pdf = std::fs::read(p.path("out/speech.pdf")).unwrap();
        check_marks(&pdf);
        out.push(measure(&pdf));
    }
    let count = |f: &dyn Fn(&Measure) -> bool| out.iter().filter(|m| f(m)).count();
    let sum = |f: &dyn Fn(&Measure) -> usize| out.iter().map(f).sum::<usize>();
    eprintln!(
        "{} layouts{}: last page under 5 lines {}; pages ending 2+ rows short (no heading next) {}; \
         孤字 {}; lone lines at a page break {}; full lines {} at 28 cells {} over {}; hung {}; \
         sample {:?}",
        out.len(),
        if strict { " (grid: strict)" } else { "" },
        count(&|m| m.pages > 1 && m.last_page_lines < 5),
        sum(&|m| m.short_pages),
        sum(&|m| m.lone_characters),
        sum(&|m| m.lone_lines),
        sum(&|m| m.full_lines),
        sum(&|m| m.at_28),
        sum(&|m| m.over_28),
        sum(&|m| m.hung),
        out[0],
    );
    out
}

#[test]
fn every_layout_ends_its_pages_well() {
    let all = all_layouts(false);
    assert_eq!(
        all[0].pages, 4,
        "the sample sets on four pages: {:?}",
        all[0]
    );
    for (k, m) in all.iter().enumerate() {
        assert!(
            m.pages == 1 || m.last_page_lines >= 5,
            "layout {k}: last page holds {} lines: {m:?}",
            m.last_page_lines
        );
        assert_eq!(
            m.short_pages, 0,
            "layout {k}: a page ends 2 rows short: {m:?}"
        );
        assert_eq!(m.lone_characters, 0, "layout {k}: 孤字: {m:?}");
        assert_eq!(m.hung, 0, "layout {k}: a mark past the margin: {m:?}");
    }
}

#[test]
fn the_strict_grid_holds_28_cells_a_line() {
    let all = all_layouts(true);
    let (full, at) = all
        .iter()
        .fold((0, 0), |(f, a), m| (f + m.full_lines, a + m.at_28));
    // A closing mark that falls in cell 29 gives its blank half to the margin where that makes
    // room (after a half-width glyph), and a pause that still does not fit hangs past the block
    // (as Word's and WPS's document grid set it by default), so a line is no longer pushed a
    // cell short for it. What still stands off
    // the grid: the lines of a paragraph set a line shorter so that the pages end well (29 or
    // 30 cells: the issue lets that rule win), and lines a cell or more short because the next
    // cannot be parted from what follows (an opening mark with its character, a figure with its
    // unit and mark) or a half-width glyph leaves half a cell (one line of the sample, in every
    // layout: 与线下 / “定期调 after 统计+日常). Measured: 4383 of 4652 (94.2%) over these
    // layouts, 4383 of 4527 (96.8%) outside the 125 lines the pages' rule compressed (before
    // hanging: 88.0%; the default grid: 67%), 73 pauses hung.
    let over = all.iter().map(|m| m.over_28).sum::<usize>();
    assert!(
        at * 100 >= full * 92,
        "{at} of {full} full lines at 28 cells"
    );
    assert!(
        at * 100 >= (full - over) * 95,
        "{at} of {} full lines at 28 cells outside those the pages' rule compressed",
        full - over
    );
    assert_eq!(
        all[0].pages, 4,
        "the sample still on four pages: {:?}",
        all[0]
    );
    for (k, m) in all.iter().enumerate() {
        assert!(m.pages == 1 || m.last_page_lines >= 5, "layout {k}: {m:?}");
        assert_eq!(m.short_pages, 0, "layout {k}: {m:?}");
        assert_eq!(m.lone_characters, 0, "layout {k}: {m:?}");
        assert_eq!(m.hung_wrong, 0, "layout {k}: only a pause hangs: {m:?}");
    }
    assert!(all[0].hung > 0, "the sample hangs a pause: {:?}", all[0]);
}

#[test]
fn an_unknown_grid_is_refused_at_its_value() {
    let p = Project::sample();
    let settings = p.read("templates/speech.yaml");
    p.write(
        "templates/speech.yaml",
        &format!("{settings}\ngrid: word\n"),
    );
    let line = settings.lines().count() + 2;
    p.run(["check"])
        .expect_code(1)
        .expect_stderr("error[wrong-type]: 设置 grid 只能是 compressed")
        .expect_stderr(&format!("--> templates/speech.yaml:{line}:7"));
}
