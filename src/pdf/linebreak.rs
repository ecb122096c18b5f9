//! Chinese line breaking (禁则) as pure functions: pieces with widths in, lines with glyph positions out.
//!
//! genpdf's own wrapping splits only at ASCII spaces and silently drops a "word" wider than the
//! line, which loses whole Chinese paragraphs; this module replaces it. It knows nothing of fonts
//! or PDF: the caller measures each character and reads how far its punctuation may be squeezed.
//!
//! Rules (W3C clreq, GB/T 15834): a line may break between any two CJK characters, except before a
//! mark that may not start a line (。，、；：？！”’）》 …) or after one that may not end a line
//! (“‘（《 …); a run of Latin letters or digits (1380, 96.6%) and the doubled marks —— and …… are
//! never split, nor a piece the caller joins to the one before (a figure and its unit: 42个).
//! Adjacent marks share one blank half. A segment that does not fit is pulled in by compressing
//! the line's marks evenly (edges first, then a quarter cell at most each) before it is pushed
//! down and the line spread; a line never overflows the text block, and a block never ends with
//! one character alone on its last line.
//!
//! A space (U+0020) is a break opportunity and takes its advance inside a line, none at a line's
//! start or end. Which spaces are printed at all is the caller's choice (`layout::collect`
//! prints one wherever the text has one between two characters).

use std::ops::Range;

/// One character to set, measured by the caller (points).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Piece {
    pub ch: char,
    pub advance: f64,
    /// Blank space on the glyph's left that may be removed (an opening mark whose ink sits right).
    pub squeeze_left: f64,
    /// Blank space on the glyph's right that may be removed (a closing mark whose ink sits left).
    pub squeeze_right: f64,
    /// No line break between this piece and the one before: a figure's number and its unit
    /// (1200多人, 96.7%) stay on one line.
    pub joined: bool,
}

impl Piece {
    pub fn new(ch: char, advance: f64) -> Piece {
        Piece {
            ch,
            advance,
            squeeze_left: 0.0,
            squeeze_right: 0.0,
            joined: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Full lines are spread to the width; the last line of the block is set flush left.
    Justify,
    /// Every line is centred (titles).
    Center,
}

/// How a block's lines are filled. The default is the speech's own setting; the pagination asks
/// for a block set one line shorter (`tight`) or longer (`loose`) where that lets a page end
/// well, and `grid: strict` in speech.yaml fills lines by the 28-column grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// How much of its cell a mark inside a line may give when the line must hold more
    /// (`INNER_SQUEEZE`; half a cell for a tight setting, none on the strict grid).
    pub inner_squeeze: f64,
    /// Width left unused when lines are filled (they are still spread to the full width): a
    /// loose setting that pushes a segment or two down so that the block takes one more line.
    pub reserve: f64,
    /// Fill by the grid: a line takes what its cells hold at full width, each mark counted as
    /// its whole cell even where it shares a blank half with the mark beside it, and no mark is
    /// compressed inside a line to fit one more character (`grid: strict`). A closing mark that
    /// falls in the cell after the last gives its blank half, which faces the margin, where that
    /// makes room; else a pause or stop (，。、；：？！) hangs past the line's end, as Word's and
    /// WPS's document grid set it by default (允许标点溢出边界), rather than pushing a character
    /// down and spreading the line off the grid.
    pub grid: bool,
    /// From this line on, marks inside a line give half their cell (and the grid is not kept):
    /// a tight setting that takes the block's last line in, compressing only the lines it must.
    pub tight_from: Option<usize>,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            inner_squeeze: INNER_SQUEEZE,
            reserve: 0.0,
            grid: false,
            tight_from: None,
        }
    }
}

impl Rules {
    /// Marks inside a line compressed to half their cell when that takes one more segment: the
    /// block may end a line sooner.
    pub fn tight(self) -> Rules {
        self.tight_from(0)
    }

    /// `tight` from line `line` on (0: the first), the lines before it as they were.
    pub fn tight_from(self, line: usize) -> Rules {
        Rules {
            tight_from: Some(line),
            ..self
        }
    }

    /// How much a mark inside line `line_no` may give, and whether the line keeps the grid.
    fn for_line(&self, line_no: usize) -> (f64, bool) {
        match self.tight_from {
            Some(from) if line_no >= from => (0.5, false),
            _ if self.grid => (0.0, true),
            _ => (self.inner_squeeze, false),
        }
    }

    /// Lines filled `cells` grid cells short of the width, then spread.
    pub fn loose(self, cells: f64, pitch: f64) -> Rules {
        Rules {
            reserve: cells * pitch,
            ..self
        }
    }
}

/// A set line: which pieces it holds and where each glyph's origin lies, measured from the
/// left edge of the text block (the first line's indent included).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub range: Range<usize>,
    pub x: Vec<f64>,
    /// The last line of the block (not spread).
    pub last: bool,
}

/// A segment that may not be broken is wider than an empty line: it cannot be set without
/// dropping or overflowing text, so the caller must report it.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlong {
    pub range: Range<usize>,
    pub width: f64,
    pub available: f64,
}

/// How much of its cell a mark inside a line gives at most: a quarter. Marks squeezed to half
/// width all along one line while the next sets them full reads as crowding, and a mark whose
/// ink reaches the middle of its cell (SungtiL's 、 and 。) would touch the next character; a
/// quarter keeps the lines alike. A mark at a line's edge gives its whole blank half (it faces
/// the margin), and two adjacent marks always share one (the second's blank stands between).
const INNER_SQUEEZE: f64 = 0.25;

/// Below this, a gap is not worth a separate text run in the PDF (a fifth of a point is invisible).
const TOLERANCE: f64 = 0.25;

/// Marks that may not begin a line.
pub fn forbidden_start(c: char) -> bool {
    matches!(
        c,
        '。' | '，'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '．'
            | '”'
            | '’'
            | '）'
            | '〕'
            | '］'
            | '｝'
            | '】'
            | '》'
            | '〉'
            | '」'
            | '』'
            | '〗'
            | '…'
            | '—'
            | '～'
            | '·'
            | '・'
            | '／'
            | '％'
            | '‰'
            | '℃'
            | '々'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | ')'
            | ']'
            | '}'
            | '%'
    )
}

/// The pauses and stops (点号) that may hang past a line's end on the strict grid (clreq: 行尾点号
/// 悬挂): their ink sits in their cell's left half. Closing quotes and brackets (标号) never hang.
pub fn hangs(c: char) -> bool {
    matches!(c, '。' | '，' | '、' | '；' | '：' | '？' | '！' | '．')
}

/// Marks that may not end a line.
pub fn forbidden_end(c: char) -> bool {
    matches!(
        c,
        '“' | '‘'
            | '（'
            | '〔'
            | '［'
            | '｛'
            | '【'
            | '《'
            | '〈'
            | '「'
            | '『'
            | '〖'
            | '('
            | '['
            | '{'
    )
}

/// Closing marks and pauses (the test face gives them a squeezable right half).
#[cfg(test)]
fn is_closing_punct(c: char) -> bool {
    forbidden_start(c) && !c.is_ascii() && !matches!(c, '…' | '—' | '々' | '℃' | '‰')
}

/// Letters and digits that belong to one unbreakable run with their neighbours (1380, 96.6%, A4).
fn is_word_char(c: char) -> bool {
    c.is_ascii_graphic() || (c.is_alphanumeric() && !is_cjk(c))
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F | 0x31A0..=0x31BF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// Doubled marks (—— ……) are one segment.
fn is_doubling_mark(c: char) -> bool {
    matches!(c, '—' | '…' | '⋯' | '―')
}

/// Splits the pieces into segments that are never broken inside: a word/number run, a run of
/// one doubling mark, or a single character.
pub fn tokens(chars: &[char]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut j = i + 1;
        if c != ' ' && is_word_char(c) {
            while j < chars.len() && chars[j] != ' ' && is_word_char(chars[j]) {
                j += 1;
            }
        } else if is_doubling_mark(c) {
            while j < chars.len() && chars[j] == c {
                j += 1;
            }
        }
        out.push(i..j);
        i = j;
    }
    out
}

/// Groups tokens into clusters: maximal runs with no allowed break inside.
pub fn clusters(chars: &[char]) -> Vec<Range<usize>> {
    joined_clusters(chars, &vec![false; chars.len()])
}

/// Clusters, where `joined[i]` also forbids a break before character `i` (a figure and its
/// unit: 42个). Spaces are break opportunities, but never between a mark and the character it
/// must stay with, nor inside a joined run.
fn joined_clusters(chars: &[char], joined: &[bool]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let is_space = |r: &Range<usize>| chars[r.clone()].iter().all(|c| *c == ' ');
    let last_visible = |out: &[Range<usize>]| {
        out.iter()
            .rev()
            .flat_map(|r| chars[r.clone()].iter().rev())
            .find(|c| **c != ' ')
            .copied()
    };
    for t in tokens(chars) {
        let prev = last_visible(&out);
        let join = joined[t.start] && !out.is_empty();
        if is_space(&t) {
            if (prev.is_some_and(forbidden_end) || join)
                && let Some(last) = out.last_mut()
            {
                last.end = t.end;
            } else {
                out.push(t);
            }
            continue;
        }
        let glue = join
            || prev.is_some_and(forbidden_end)
            || (prev.is_some() && forbidden_start(chars[t.start]));
        if glue {
            // Fold trailing spaces into the cluster that holds the previous visible character.
            while out.len() > 1 && is_space(&out[out.len() - 1]) {
                let sp = out.pop().expect("checked");
                out.last_mut().expect("checked").end = sp.end;
            }
            out.last_mut().expect("a previous character").end = t.end;
        } else {
            out.push(t);
        }
    }
    out
}

/// Which side of a glyph a cut takes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

/// Blank that a line may still take out of one mark.
#[derive(Debug, Clone, Copy)]
struct Give {
    at: usize,
    side: Side,
    room: f64,
}

/// A candidate line measured: its width at natural spacing (adjacent marks already sharing a
/// blank half) and the blank its marks may still give, at its edges and inside.
struct Measure {
    natural: f64,
    /// What adjacent marks sharing a blank half took out of `natural`: counted back on the
    /// strict grid, where each mark holds its whole cell.
    shared: f64,
    /// A closing mark ending the line, an opening mark starting one (not the block's first):
    /// their blank half faces the margin, so giving it up is not seen beside a neighbour.
    edge: Vec<Give>,
    /// Marks inside the line: compressed evenly when the line must hold more.
    inner: Vec<Give>,
}

impl Measure {
    fn room(&self) -> f64 {
        self.edge.iter().chain(&self.inner).map(|g| g.room).sum()
    }

    /// The cuts that take `over` out of the line: the edges first, then the marks inside all by
    /// the same amount (each up to its room), so that no single mark is squeezed tight while its
    /// neighbours keep their blank.
    fn cuts(&self, over: f64) -> Vec<(usize, Side, f64)> {
        let mut left = over.max(0.0);
        let mut out = Vec::new();
        for g in &self.edge {
            let take = g.room.min(left);
            if take > 0.0 {
                out.push((g.at, g.side, take));
                left -= take;
            }
        }
        let mut inner = self.inner.clone();
        inner.sort_by(|a, b| a.room.total_cmp(&b.room));
        let count = inner.len();
        for (k, g) in inner.iter().enumerate() {
            if left <= 1e-9 {
                break;
            }
            let take = g.room.min(left / (count - k) as f64);
            out.push((g.at, g.side, take));
            left -= take;
        }
        out
    }
}

/// Measures `range` as one line. `cut_l`/`cut_r` hold the cuts every line keeps (adjacent marks);
/// `first` is the block's first line, whose opening mark keeps its full width after the indent.
fn measure(
    pieces: &[Piece],
    range: &Range<usize>,
    first: bool,
    cut_l: &[f64],
    cut_r: &[f64],
    inner_squeeze: f64,
) -> Measure {
    let visible: Vec<usize> = range.clone().filter(|&i| pieces[i].ch != ' ').collect();
    let (Some(&lo), Some(&hi)) = (visible.first(), visible.last()) else {
        return Measure {
            natural: 0.0,
            shared: 0.0,
            edge: Vec::new(),
            inner: Vec::new(),
        };
    };
    // Spaces at a line's ends take no room.
    let natural = (lo..=hi)
        .map(|i| pieces[i].advance - cut_l[i] - cut_r[i])
        .sum();
    let shared = (lo..=hi).map(|i| cut_l[i] + cut_r[i]).sum();
    let (mut edge, mut inner) = (Vec::new(), Vec::new());
    for i in lo..=hi {
        let p = &pieces[i];
        if p.squeeze_right > 0.0 && cut_r[i] == 0.0 {
            let give = Give {
                at: i,
                side: Side::Right,
                room: p.squeeze_right,
            };
            if i == hi {
                edge.insert(0, give);
            } else if cut_l[i + 1] == 0.0 {
                // Never both sides of one gap: glyph boxes overlapping by a whole half em read
                // as a new line to text extraction (pdftotext).
                inner.push(Give {
                    room: give.room.min(p.advance * inner_squeeze),
                    ..give
                });
            }
        }
        if p.squeeze_left > 0.0 && cut_l[i] == 0.0 {
            let give = Give {
                at: i,
                side: Side::Left,
                room: p.squeeze_left,
            };
            if i == lo {
                if !first {
                    edge.push(give);
                }
            } else if cut_r[i - 1] == 0.0 {
                inner.push(Give {
                    room: give.room.min(p.advance * inner_squeeze),
                    ..give
                });
            }
        }
    }
    Measure {
        natural,
        shared,
        edge,
        inner,
    }
}

/// Whether the line's text is one character and its punctuation (作。): a paragraph ending so
/// leaves a lone character on the last line (孤字).
fn is_lone_character(chars: &[char]) -> bool {
    let letters = chars
        .iter()
        .filter(|c| **c != ' ' && !forbidden_start(**c) && !forbidden_end(**c))
        .count();
    letters <= 1
}

/// Breaks one block (paragraph, heading or title) into lines `width` wide, the first indented by
/// `first_indent`.
///
/// Adjacent marks (”。 ）， 》、 “《) always share one blank half. A line takes each segment that
/// fits; one that does not fit is pulled in by compressing the line's marks (the blank half of a
/// mark at either end first, then every mark inside by the same amount, none below its ink)
/// before the segment is pushed down and the line spread: compressing first keeps the grid of
/// characters regular. A last line holding one character and its punctuation is avoided by
/// taking it into the line before or giving it one more segment.
pub fn break_lines(
    pieces: &[Piece],
    width: f64,
    first_indent: f64,
    align: Align,
) -> Result<Vec<Line>, Overlong> {
    break_lines_with(pieces, width, first_indent, align, Rules::default())
}

/// `break_lines` filling the lines as `rules` say.
pub fn break_lines_with(
    pieces: &[Piece],
    width: f64,
    first_indent: f64,
    align: Align,
    rules: Rules,
) -> Result<Vec<Line>, Overlong> {
    let chars: Vec<char> = pieces.iter().map(|p| p.ch).collect();
    let joined: Vec<bool> = pieces.iter().map(|p| p.joined).collect();
    let n = pieces.len();
    // Adjacent marks (”“ 。” ”，) share one blank half, else two half-blank cells make a hole.
    let mut cut_l = vec![0.0; n];
    let mut cut_r = vec![0.0; n];
    for i in 1..n {
        let (a, b) = (&pieces[i - 1], &pieces[i]);
        let both_marks = (a.squeeze_left > 0.0 || a.squeeze_right > 0.0)
            && (b.squeeze_left > 0.0 || b.squeeze_right > 0.0);
        if both_marks {
            if a.squeeze_right > 0.0 && cut_l[i - 1] == 0.0 {
                cut_r[i - 1] = a.squeeze_right;
            } else if b.squeeze_left > 0.0 {
                cut_l[i] = b.squeeze_left;
            }
        }
    }
    let avail_for = |line_no: usize| {
        if line_no == 0 {
            width - first_indent
        } else {
            width
        }
    };
    // Whether `range` can be set as line `line_no` at all, compressing its marks if need be.
    let sets = |range: &Range<usize>, line_no: usize| {
        let (inner, _) = rules.for_line(line_no);
        let m = measure(pieces, range, line_no == 0, &cut_l, &cut_r, inner);
        m.natural <= avail_for(line_no) + 1e-6 || m.natural - avail_for(line_no) <= m.room() + 1e-6
    };
    // The last character a line shows after something else (trailing spaces take no room).
    let last_shown = |range: &Range<usize>| {
        range
            .clone()
            .rev()
            .find(|&i| chars[i] != ' ')
            .filter(|&hi| hi > range.start)
    };
    // What a line of the strict grid may give at its end: the blank half of a closing mark that
    // faces the margin (its ink stays inside, the columns before it keep their cells).
    let end_room = |range: &Range<usize>| -> f64 {
        last_shown(range)
            .filter(|&hi| cut_r[hi] == 0.0)
            .map_or(0.0, |hi| pieces[hi].squeeze_right)
    };
    // What a line of the strict grid may set past its end when that blank half is not enough:
    // a pause or stop standing alone (not one of two marks sharing a blank half), never in a
    // centred line.
    let hanging = |range: &Range<usize>| -> f64 {
        let alone = |hi: usize| cut_l[hi] == 0.0 && cut_r[hi] == 0.0 && cut_r[hi - 1] == 0.0;
        last_shown(range)
            .filter(|&hi| align == Align::Justify && hangs(chars[hi]) && alone(hi))
            .map_or(0.0, |hi| pieces[hi].advance)
    };
    // Whether line `line_no` takes `range` when filled as `rules` say.
    let fits = |range: &Range<usize>, line_no: usize| {
        let (inner, grid) = rules.for_line(line_no);
        let m = measure(pieces, range, line_no == 0, &cut_l, &cut_r, inner);
        let avail = avail_for(line_no) - rules.reserve;
        if grid {
            m.natural + m.shared - end_room(range).max(hanging(range)) <= avail + 1e-6
        } else {
            m.natural <= avail + 1e-6 || m.natural - avail <= m.room() + 1e-6
        }
    };

    let all = joined_clusters(&chars, &joined);
    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut start = 0usize;
    for cl in &all {
        let is_space = chars[cl.clone()].iter().all(|c| *c == ' ');
        if is_space || fits(&(start..cl.end), lines.len()) {
            continue;
        }
        if start == cl.start {
            // Nothing set yet on this line: a segment the rules would not fill in (a long name
            // on the strict grid) is set alone if it fits at all.
            if sets(&(start..cl.end), lines.len()) {
                continue;
            }
            // Else the segment alone is too wide for any line.
            let w = measure(pieces, cl, false, &cut_l, &cut_r, 0.0).natural;
            if w > width + 1e-6 || lines.is_empty() && first_indent == 0.0 {
                return Err(Overlong {
                    range: cl.clone(),
                    width: w,
                    available: width,
                });
            }
            // Only the indented first line is too short: leave it empty rather than lose text.
            lines.push(start..start);
            continue;
        }
        lines.push(start..cl.start);
        start = cl.start;
        if !sets(&(start..cl.end), lines.len()) {
            let w = measure(pieces, cl, false, &cut_l, &cut_r, 0.0).natural;
            return Err(Overlong {
                range: cl.clone(),
                width: w,
                available: width,
            });
        }
    }
    lines.push(start..n);
    avoid_lone_last_character(&mut lines, &all, &chars, |r, no| fits(r, no));

    let count = lines.len();
    let mut out = Vec::with_capacity(count);
    for (no, range) in lines.into_iter().enumerate() {
        let last = no + 1 == count;
        let avail = avail_for(no);
        let indent = width - avail;
        let (inner, grid) = rules.for_line(no);
        let m = measure(pieces, &range, no == 0, &cut_l, &cut_r, inner);
        // A grid line that holds its cells only with its last mark hung: that mark is set past
        // the end, nothing compressed and nothing spread for it. (One whose last mark's blank
        // half makes room has it cut below, as the edge of any line.)
        let over = m.natural + m.shared - avail;
        let avail = if grid && over > 1e-6 && over > end_room(&range) + 1e-6 {
            avail + hanging(&range)
        } else {
            avail
        };
        // This line's cuts only (indexed from `range.start`): a copy of the whole paragraph's
        // per line made a paragraph of 20 000 names cost the square of its length.
        let (mut left, mut right) = (cut_l[range.clone()].to_vec(), cut_r[range.clone()].to_vec());
        for (at, side, take) in m.cuts(m.natural - avail) {
            match side {
                Side::Left => left[at - range.start] += take,
                Side::Right => right[at - range.start] += take,
            }
        }
        // Glyph widths as set; spaces at a line's ends take no room.
        let mut adv: Vec<f64> = range
            .clone()
            .zip(left.iter().zip(&right))
            .map(|(i, (l, r))| pieces[i].advance - l - r)
            .collect();
        let line = &chars[range.clone()];
        let leading = line.iter().take_while(|c| **c == ' ').count();
        let trailing = line.iter().rev().take_while(|c| **c == ' ').count();
        for (k, a) in adv.iter_mut().enumerate() {
            if k < leading || k >= line.len() - trailing {
                *a = 0.0;
            }
        }
        let natural: f64 = adv.iter().sum();
        let slack = (avail - natural).max(0.0);
        let mut extra = vec![0.0; adv.len()]; // space added after piece k
        let mut offset = 0.0;
        match align {
            Align::Center => offset = slack / 2.0,
            Align::Justify if !last && slack > TOLERANCE => {
                spread(&chars, &range, slack, &mut extra);
            }
            Align::Justify => {}
        }
        let mut x = Vec::with_capacity(adv.len());
        let mut pen = indent + offset;
        for k in 0..range.len() {
            x.push(pen - left[k]);
            pen += adv[k] + extra[k];
        }
        out.push(Line { range, x, last });
    }
    Ok(out)
}

/// A block must not end with one character and its punctuation alone on a line (孤字): the line
/// before gives its last segment to it (and is spread), as long as the new last line fits. (The
/// line before could not take the lone character in: it would have, compressing its marks.)
fn avoid_lone_last_character(
    lines: &mut [Range<usize>],
    clusters: &[Range<usize>],
    chars: &[char],
    fits: impl Fn(&Range<usize>, usize) -> bool,
) {
    let count = lines.len();
    if count < 2 {
        return;
    }
    let (prev, last) = (lines[count - 2].clone(), lines[count - 1].clone());
    if !is_lone_character(&chars[last.clone()]) || prev.is_empty() {
        return;
    }
    // The start of the previous line's last visible segment.
    let Some(cut) = clusters
        .iter()
        .filter(|c| c.start > prev.start && c.start < prev.end)
        .filter(|c| chars[(*c).clone()].iter().any(|ch| *ch != ' '))
        .map(|c| c.start)
        .next_back()
    else {
        return;
    };
    let new_last = cut..last.end;
    if fits(&new_last, count - 1) {
        lines[count - 2] = prev.start..cut;
        lines[count - 1] = new_last;
    }
}

/// Spreads `slack` evenly over every gap between the line's segments (each CJK character, mark,
/// number or doubled mark), as a typesetter spreads a short line: putting it after marks or
/// around numbers first leaves single holes (“会议， 起草下发 《关于…”) that catch the eye.
/// A number stays tight inside, and a space counts as one gap with its neighbours, not one on
/// each side: the gap between two words is their space and one share of the slack. The layout sets the evenly spread glyphs as one run with character spacing.
fn spread(chars: &[char], range: &Range<usize>, slack: f64, extra: &mut [f64]) {
    let line = &chars[range.clone()];
    let visible: Vec<Range<usize>> = tokens(line)
        .into_iter()
        .filter(|t| line[t.clone()].iter().any(|c| *c != ' '))
        .collect();
    if visible.len() < 2 {
        return;
    }
    let each = slack / (visible.len() - 1) as f64;
    for t in &visible[..visible.len() - 1] {
        extra[t.end - 1] += each;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EM: f64 = 10.0;

    /// A Song-like face: CJK one em, ASCII half, marks with their ink on one side.
    fn pieces(s: &str) -> Vec<Piece> {
        s.chars()
            .map(|c| {
                let mut p = Piece::new(c, if c.is_ascii() { EM / 2.0 } else { EM });
                if is_closing_punct(c) && c != '—' {
                    p.squeeze_right = EM / 2.0;
                }
                if forbidden_end(c) && !c.is_ascii() {
                    p.squeeze_left = EM / 2.0;
                }
                p
            })
            .collect()
    }

    fn texts(s: &str, lines: &[Line]) -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        lines
            .iter()
            .map(|l| chars[l.range.clone()].iter().collect())
            .collect()
    }

    fn set(s: &str, cells: usize) -> Vec<String> {
        let p = pieces(s);
        let lines = break_lines(&p, cells as f64 * EM, 0.0, Align::Justify).unwrap();
        texts(s, &lines)
    }

    #[test]
    fn breaks_between_cjk_characters() {
        assert_eq!(
            set("一二三四五六七八九十", 4),
            ["一二三四", "五六七八", "九十"]
        );
    }

    #[test]
    fn nothing_is_dropped() {
        let s = "近年来，市直机关工委在市委的正确领导下，深入学习贯彻“两个维护”作为根本政治任务，1380名党员96.6%……完成——好。";
        for cells in 5..30 {
            let joined: String = set(s, cells).concat();
            assert_eq!(joined, s, "width {cells}");
        }
    }

    #[test]
    fn no_line_starts_with_a_closing_mark() {
        // 。 falls at the start of the second line: squeezed back into the first (half an em
        // short: the 。 at the line's end gives its blank half).
        let s = "一二三四。五六";
        let lines = break_lines(&pieces(s), 4.5 * EM, 0.0, Align::Justify).unwrap();
        assert_eq!(texts(s, &lines), ["一二三四。", "五六"]);
        // A whole em short: the 。 and a quarter of the ， inside are not enough; 四 goes down.
        assert_eq!(set("一，三四。五六", 4), ["一，三", "四。五六"]);
        for cells in 3..12 {
            for l in set(
                "甲乙，丙丁。戊己、庚辛；壬癸：子丑！寅卯）辰巳》午未”申酉",
                cells,
            ) {
                let first = l.chars().next().unwrap();
                assert!(!forbidden_start(first), "{l:?} at width {cells}");
            }
        }
    }

    #[test]
    fn no_line_ends_with_an_opening_mark() {
        for cells in 3..12 {
            let lines = set("甲乙“丙丁”戊己（庚辛）壬癸《子丑》寅卯【辰巳】", cells);
            for l in &lines[..lines.len() - 1] {
                let last = l.chars().last().unwrap();
                assert!(!forbidden_end(last), "{l:?} at width {cells}");
            }
        }
    }

    #[test]
    fn a_mark_without_room_pushes_the_previous_character_down() {
        // No squeezable mark in the line: 四 goes down with 。
        let p: Vec<Piece> = "一二三四。五".chars().map(|c| Piece::new(c, EM)).collect();
        let lines = break_lines(&p, 4.0 * EM, 0.0, Align::Justify).unwrap();
        assert_eq!(texts("一二三四。五", &lines), ["一二三", "四。五"]);
        // The short line is spread to the full width.
        let l = &lines[0];
        let end = l.x.last().unwrap() + EM;
        assert!((end - 4.0 * EM).abs() < 1e-6, "{end}");
    }

    #[test]
    fn a_spread_line_has_even_gaps() {
        // 己。 goes down; the seven segments left share the em of slack in six equal gaps:
        // none larger after the comma or around the number, and none inside it.
        let s = "甲乙，丙12丁戊己。庚辛";
        let p: Vec<Piece> = s
            .chars()
            .map(|c| Piece::new(c, if c.is_ascii() { EM / 2.0 } else { EM }))
            .collect();
        let lines = break_lines(&p, 8.0 * EM, 0.0, Align::Justify).unwrap();
        assert_eq!(texts(s, &lines), ["甲乙，丙12丁戊", "己。庚辛"]);
        let x = &lines[0].x;
        let gap = |k: usize| x[k + 1] - x[k] - p[k].advance;
        assert!(gap(4).abs() < 1e-9, "inside 12: {x:?}");
        for k in [0, 1, 2, 3, 5, 6] {
            assert!((gap(k) - EM / 6.0).abs() < 1e-9, "gap {k}: {x:?}");
        }
    }

    #[test]
    fn a_space_between_words_keeps_its_width_and_breaks_there() {
        let s = "甲乙Party Building丙";
        let p = pieces(s);
        // Room for 甲乙Party and its space, not for Building: the line breaks at the space.
        let lines = break_lines(&p, 6.0 * EM, 0.0, Align::Justify).unwrap();
        assert_eq!(texts(s, &lines), ["甲乙Party ", "Building丙"]);
        // The first line is spread to the full width over its glyphs: the space at its end takes
        // no room, so y ends at the right edge.
        let y = lines[0].x[6];
        assert!((y + EM / 2.0 - 6.0 * EM).abs() < 1e-9, "{:?}", lines[0].x);
        // On one line the space holds its width.
        let lines = break_lines(&p, 20.0 * EM, 0.0, Align::Justify).unwrap();
        let x = &lines[0].x;
        assert!((x[8] - x[6] - EM).abs() < 1e-9, "y, space, B: {x:?}");
    }

    #[test]
    fn a_soft_break_counts_as_one_gap() {
        // A space the caller gives no width (a Markdown soft line break) gets no double share.
        let s = "甲乙 丙丁戊。己";
        let p: Vec<Piece> = s
            .chars()
            .map(|c| Piece::new(c, if c == ' ' { 0.0 } else { EM }))
            .collect();
        let lines = break_lines(&p, 5.0 * EM, 0.0, Align::Justify).unwrap();
        assert_eq!(texts(s, &lines), ["甲乙 丙丁", "戊。己"]);
        // Four segments, three gaps of a third of an em each.
        let x = &lines[0].x;
        for (a, b) in [(0, 1), (1, 3), (3, 4)] {
            assert!((x[b] - x[a] - EM - EM / 3.0).abs() < 1e-9, "{x:?}");
        }
    }

    #[test]
    fn numbers_are_not_split() {
        for cells in 5..12 {
            for l in set("达标1380个，占比96.6%，共12345678人", cells) {
                assert!(
                    !l.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '%')
                        || l.starts_with("1380")
                        || l.starts_with("96.6%")
                        || l.starts_with("12345678"),
                    "{l:?}"
                );
            }
        }
    }

    #[test]
    fn doubled_marks_stay_together() {
        for cells in 3..10 {
            let lines = set("一二三四——五六七……八九十。", cells);
            for l in &lines {
                assert!(!l.starts_with('—') && !l.starts_with('…'), "{lines:?}");
                assert!(!l.ends_with('—') || l.ends_with("——"), "{lines:?}");
                assert!(!l.ends_with('…') || l.ends_with("……"), "{lines:?}");
            }
        }
    }

    #[test]
    fn full_lines_are_justified_to_the_width() {
        let s = "甲乙丙丁戊己庚辛壬癸，子丑寅卯辰巳午未申酉戌亥。1380名党员中有96.6%参加了学习";
        let p = pieces(s);
        let w = 9.0 * EM;
        let lines = break_lines(&p, w, 2.0 * EM, Align::Justify).unwrap();
        assert!((lines[0].x[0] - 2.0 * EM).abs() < 1e-9, "indent");
        for l in &lines[..lines.len() - 1] {
            let i = l.range.end - 1;
            let end = l.x.last().unwrap() + p[i].advance;
            // A closing mark at the end may be squeezed: its ink ends in its left half.
            let ink_end = if p[i].squeeze_right > 0.0 {
                end - p[i].squeeze_right
            } else {
                end
            };
            assert!(end <= w + 1e-6, "overflow {end}");
            assert!(ink_end >= w - EM / 2.0 - TOLERANCE, "short line {l:?}");
        }
        // The last line is flush left at natural spacing.
        let l = lines.last().unwrap();
        assert_eq!(l.x[0], 0.0);
    }

    #[test]
    fn an_unbreakable_segment_wider_than_the_line_is_an_error() {
        let p = pieces("甲12345678901234567890乙");
        let err = break_lines(&p, 6.0 * EM, 0.0, Align::Justify).unwrap_err();
        assert_eq!(err.range, 1..21);
    }

    #[test]
    fn adjacent_marks_are_set_tight() {
        let s = "“小讲堂”“微课堂”";
        let p = pieces(s);
        let lines = break_lines(&p, 20.0 * EM, 0.0, Align::Justify).unwrap();
        let x = &lines[0].x;
        // ” is cut to half: the next “ starts half an em after it.
        assert!((x[5] - x[4] - EM / 2.0).abs() < 1e-9, "{x:?}");
    }

    #[test]
    fn centred_lines() {
        let p = pieces("标题");
        let lines = break_lines(&p, 10.0 * EM, 0.0, Align::Center).unwrap();
        assert_eq!(lines[0].x[0], 4.0 * EM);
    }

    #[test]
    fn a_figure_and_its_unit_stay_on_one_line() {
        // 42个 is joined: the line that would end in 42 gives it to the next one whole.
        let s = "党组织42个、占比10.9%。";
        let mut p = pieces(s);
        p[5].joined = true; // 个 after 42
        for cells in 4..12 {
            let lines = break_lines(&p, cells as f64 * EM, 0.0, Align::Justify).unwrap();
            for l in &lines[1..] {
                assert!(!p[l.range.start].joined, "{:?}", texts(s, &lines));
            }
        }
        // Without the join, 42 and 个 part at width 5: the test above is not empty.
        let free = pieces(s);
        let lines = break_lines(&free, 5.0 * EM, 0.0, Align::Justify).unwrap();
        assert_eq!(texts(s, &lines)[0], "党组织42");
    }

    #[test]
    fn no_last_line_of_one_character() {
        // Greedily: 甲乙丙丁 / 戊。 leaves 戊 alone; the line before gives it 丁.
        assert_eq!(set("甲乙丙丁戊。", 4), ["甲乙丙", "丁戊。"]);
        assert!(is_lone_character(&['戊', '。', '”']));
        assert!(!is_lone_character(&['丁', '戊', '。']));
    }

    #[test]
    fn compression_is_shared_evenly_by_the_marks_inside() {
        // 甲，乙、丙，丁戊: 8 cells at natural width in 7.4: the 0.6 em is taken from the three
        // marks by 0.2 each, not all from the last one.
        let s = "甲，乙、丙，丁戊";
        let p = pieces(s);
        let lines = break_lines(&p, 7.4 * EM, 0.0, Align::Justify).unwrap();
        assert_eq!(lines.len(), 1, "{:?}", texts(s, &lines));
        let x = &lines[0].x;
        for k in [1, 3, 5] {
            assert!((x[k + 1] - x[k] - 0.8 * EM).abs() < 1e-9, "{k}: {x:?}");
        }
        for k in [0, 2, 4, 6] {
            assert!((x[k + 1] - x[k] - EM).abs() < 1e-9, "{k}: {x:?}");
        }
    }

    #[test]
    fn a_mark_at_the_line_end_gives_its_blank_first() {
        // 甲，乙丙丁。 in 5.5 cells: the final 。 gives its half; the ， keeps its full cell.
        let s = "甲，乙丙丁。";
        let p = pieces(s);
        let lines = break_lines(&p, 5.5 * EM, 0.0, Align::Justify).unwrap();
        assert_eq!(lines.len(), 1);
        let x = &lines[0].x;
        assert!((x[2] - x[1] - EM).abs() < 1e-9, "{x:?}");
    }

    #[test]
    fn an_opening_mark_starting_a_line_may_be_set_half_width() {
        // Line 2 “乙丙”丁 needs half an em: the “ at its start gives it before the ” inside.
        let s = "甲乙丙丁“乙丙”丁";
        let p = pieces(s);
        let lines = break_lines(&p, 4.5 * EM, 0.0, Align::Justify).unwrap();
        assert_eq!(texts(s, &lines), ["甲乙丙丁", "“乙丙”丁"]);
        assert!((lines[1].x[0] + EM / 2.0).abs() < 1e-9, "{:?}", lines[1].x);
    }

    #[test]
    fn the_strict_grid_compresses_no_mark_and_counts_a_shared_half_as_a_cell() {
        let strict = Rules {
            grid: true,
            ..Rules::default()
        };
        // 8 cells in 7.4: the default takes them in one line, compressing its three marks.
        let s = "甲，乙、丙，丁戊";
        let p = pieces(s);
        let own = break_lines(&p, 7.4 * EM, 0.0, Align::Justify).unwrap();
        assert_eq!(own.len(), 1);
        let grid = break_lines_with(&p, 7.4 * EM, 0.0, Align::Justify, strict).unwrap();
        assert_eq!(grid.len(), 2, "{:?}", texts(s, &grid));
        // A pair sharing a blank half takes 9.5 cells but holds 10 on the grid.
        let s = "“小讲堂”“微课堂”好";
        let p = pieces(s);
        assert_eq!(
            break_lines(&p, 10.5 * EM, 0.0, Align::Justify)
                .unwrap()
                .len(),
            1
        );
        let grid = break_lines_with(&p, 10.5 * EM, 0.0, Align::Justify, strict).unwrap();
        assert_eq!(grid.len(), 2, "{:?}", texts(s, &grid));
    }

    #[test]
    fn on_the_strict_grid_a_pause_in_the_cell_after_the_last_hangs_and_nothing_else_does() {
        let strict = Rules {
            grid: true,
            ..Rules::default()
        };
        // ， falls in cell 5 of 4: hung, set whole at the line's end, the four cells unspread.
        let s = "甲乙丙丁，戊己庚";
        let lines = break_lines_with(&pieces(s), 4.0 * EM, 0.0, Align::Justify, strict).unwrap();
        assert_eq!(texts(s, &lines), ["甲乙丙丁，", "戊己庚"]);
        let x = &lines[0].x;
        for (k, x) in x.iter().enumerate() {
            assert!((x - k as f64 * EM).abs() < 1e-9, "{:?}", lines[0].x);
        }
        // Where the mark's blank half facing the margin makes room (a half-width letter before
        // it), that half is given and nothing hangs.
        let half = "甲乙丙a，丁戊己";
        let lines = break_lines_with(&pieces(half), 4.0 * EM, 0.0, Align::Justify, strict).unwrap();
        assert_eq!(texts(half, &lines), ["甲乙丙a，", "丁戊己"]);
        assert!((lines[0].x[4] - 3.5 * EM).abs() < 1e-9, "{:?}", lines[0].x);
        // The default grid hangs nothing: 丁 goes down with ， and the line is spread.
        let own = break_lines(&pieces(s), 4.0 * EM, 0.0, Align::Justify).unwrap();
        assert_eq!(texts(s, &own)[0], "甲乙丙");
        // A closing quote does not hang, nor a pause sharing its blank half with one: 丁 goes
        // down with them.
        for s in ["甲乙丙丁”戊己庚", "甲乙丙丁”，戊己庚", "甲乙丙丁。”戊己庚"]
        {
            let lines =
                break_lines_with(&pieces(s), 4.0 * EM, 0.0, Align::Justify, strict).unwrap();
            assert_eq!(texts(s, &lines)[0], "甲乙丙", "{s}");
        }
        // Nor does anything in a centred line (a title).
        let s = "甲乙丙丁，戊己庚";
        let lines = break_lines_with(&pieces(s), 4.0 * EM, 0.0, Align::Center, strict).unwrap();
        assert_eq!(texts(s, &lines)[0], "甲乙丙", "{:?}", texts(s, &lines));
    }

    #[test]
    fn a_tight_setting_compresses_marks_to_half_a_cell_and_saves_a_line() {
        // 9 cells in 8: a quarter from each of three marks is not enough (and 己 alone would
        // be a 孤字, so 戊 goes down with it); half of each is.
        let s = "甲，乙、丙，丁戊己";
        let p = pieces(s);
        let own = break_lines(&p, 8.0 * EM, 0.0, Align::Justify).unwrap();
        assert_eq!(texts(s, &own), ["甲，乙、丙，丁", "戊己"]);
        let tight =
            break_lines_with(&p, 8.0 * EM, 0.0, Align::Justify, Rules::default().tight()).unwrap();
        assert_eq!(texts(s, &tight), [s]);
        // A loose setting fills a cell short: one line more.
        let s = "甲乙丙丁戊己庚辛壬癸子丑";
        let p = pieces(s);
        let own = break_lines(&p, 6.0 * EM, 0.0, Align::Justify).unwrap();
        let loose = Rules::default().loose(1.0, EM);
        let more = break_lines_with(&p, 6.0 * EM, 0.0, Align::Justify, loose).unwrap();
        assert_eq!((own.len(), more.len()), (2, 3));
        // Its lines still spread to the full width.
        let l = &more[0];
        assert!(
            (l.x.last().unwrap() + EM - 6.0 * EM).abs() < 1e-9,
            "{:?}",
            l.x
        );
    }

    proptest::proptest! {
        /// Sentences of words, pauses, quotations and titles, at any width of eight cells or
        /// more: no block ends with one character and its punctuation on a line of its own.
        #[test]
        fn no_text_ends_with_a_lone_character(
            words in proptest::collection::vec((1usize..5, 0usize..7), 1..40),
            cells in 8usize..30,
            indent in 0usize..3,
        ) {
            let mut s = String::new();
            for (len, mark) in words {
                let word: String = "党建工作品牌".chars().cycle().take(len).collect();
                match mark {
                    0 => s += &format!("“{word}”"),
                    1 => s += &format!("《{word}》"),
                    2 => s += &format!("（{word}）"),
                    3 => s += &format!("{word}，"),
                    4 => s += &format!("{word}、"),
                    _ => s += &word,
                }
            }
            s.push('。');
            let text: Vec<char> = s.chars().collect();
            let p = pieces(&s);
            let lines = break_lines(&p, cells as f64 * EM, indent as f64 * EM, Align::Justify)
                .unwrap();
            let got = texts(&s, &lines);
            let last: Vec<char> = got.last().unwrap().chars().collect();
            proptest::prop_assert!(
                lines.len() < 2 || !is_lone_character(&last) || is_lone_character(&text),
                "{:?}", got
            );
        }
    }

    proptest::proptest! {
        /// Whatever the text and width: nothing dropped, nothing past the right edge, no line
        /// starting with a closing mark or ending with an opening one (unless the text itself
        /// starts or ends so), or else an error naming an overlong segment.
        #[test]
        fn any_text_sets_or_is_refused(
            text in proptest::collection::vec(
                proptest::sample::select(vec![
                    '党', '建', '工', '作', '，', '。', '、', '“', '”', '《', '》', '（', '）',
                    '1', '3', '8', '0', '.', '%', '*', '—', '…', ' ', 'A',
                ]),
                0..120,
            ),
            joins in proptest::collection::vec(proptest::bool::weighted(0.15), 120),
            cells in 4usize..30,
            indent in 0usize..3,
        ) {
            let s: String = text.iter().collect();
            let mut p = pieces(&s);
            // A join glues a piece to the one before it, so the first piece of a block has none
            // (layout joins only a figure's unit, which follows the figure).
            for (piece, j) in p.iter_mut().zip(&joins).skip(1) {
                piece.joined = *j;
            }
            let width = cells as f64 * EM;
            match break_lines(&p, width, indent as f64 * EM, Align::Justify) {
                Err(e) => proptest::prop_assert!(e.width > width - indent as f64 * EM - 1e-6),
                Ok(lines) => {
                    let got: Vec<String> = texts(&s, &lines);
                    proptest::prop_assert_eq!(got.concat(), s.clone());
                    for (i, l) in lines.iter().enumerate() {
                        // A joined piece (a figure's unit) never starts a line.
                        if i > 0 && l.range.start < p.len() {
                            proptest::prop_assert!(!p[l.range.start].joined, "{:?}", got);
                        }
                        // No mark set narrower than half an em, no gap cut from both sides.
                        for k in 1..l.range.len() {
                            let (a, b) = (l.range.start + k - 1, l.range.start + k);
                            let most = p[a].squeeze_right.max(p[b].squeeze_left);
                            proptest::prop_assert!(
                                p[a].ch == ' ' || l.x[k] - l.x[k - 1] >= p[a].advance - most - 1e-9,
                                "over-squeezed {:?} in {:?}", (p[a].ch, p[b].ch), got
                            );
                        }
                        for (k, idx) in l.range.clone().enumerate() {
                            let cut = p[idx].squeeze_right;
                            proptest::prop_assert!(
                                p[idx].ch == ' ' || l.x[k] + p[idx].advance - cut <= width + 1e-6,
                                "overflow in {:?}", got
                            );
                        }
                        // A space between glyphs of a line keeps its width up to the next
                        // glyph's ink.
                        for k in 1..l.range.len().saturating_sub(1) {
                            let (i0, i1) = (l.range.start + k, l.range.start + k + 1);
                            let inside = p[l.range.start..i0].iter().any(|q| q.ch != ' ');
                            if inside && p[i0].ch == ' ' && p[i1].ch != ' ' {
                                proptest::prop_assert!(
                                    l.x[k + 1] + p[i1].squeeze_left - l.x[k] >= p[i0].advance - 1e-9,
                                    "space squeezed in {:?}", got
                                );
                            }
                        }
                        let t = &got[i];
                        // Only the text's own start may be a space: a line breaks after one.
                        if i > 0 {
                            proptest::prop_assert!(!t.starts_with(' '), "{:?}", got);
                        }
                        // The text's own first character may be anything.
                        let after_text = got[..i].iter().any(|g| g.chars().any(|c| c != ' '));
                        if after_text && let Some(c) = t.chars().find(|c| *c != ' ') {
                            proptest::prop_assert!(!forbidden_start(c), "{:?}", got);
                        }
                        if i + 1 < lines.len() && let Some(c) = t.chars().last() {
                            proptest::prop_assert!(!forbidden_end(c), "{:?}", got);
                        }
                    }
                }
            }
        }
    }
}
