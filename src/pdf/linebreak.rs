//! Chinese line breaking (禁则) as pure functions: pieces with widths in, lines with glyph positions out.
//!
//! genpdf's own wrapping splits only at ASCII spaces and silently drops a "word" wider than the
//! line, which loses whole Chinese paragraphs; this module replaces it. It knows nothing of fonts
//! or PDF: the caller measures each character and reads how far its punctuation may be squeezed.
//!
//! Rules (W3C clreq, GB/T 15834): a line may break between any two CJK characters, except before a
//! mark that may not start a line (。，、；：？！”’）》 …) or after one that may not end a line
//! (“‘（《 …); a run of Latin letters or digits (1380, 96.6%) and the doubled marks —— and …… are
//! never split. A violation is fixed by squeezing punctuation to pull the next segment in, or else
//! by pushing a segment down and spreading the line; a line never overflows the text block.
//!
//! A space (U+0020) is a break opportunity and takes its advance inside a line, none at a line's
//! start or end. Which spaces are printed at all is the caller's choice (`is_word_space`): one
//! between Latin words is, CJK text has none.

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
}

impl Piece {
    pub fn new(ch: char, advance: f64) -> Piece {
        Piece {
            ch,
            advance,
            squeeze_left: 0.0,
            squeeze_right: 0.0,
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

/// Whether a space between `before` and `after` is a word space, printed and measured: between
/// Latin words and numbers (`Party Building`, `Windows 10`) it is. Beside a CJK character or a
/// full-width mark it is not: Chinese sets no spaces between words (a line may break anywhere),
/// so such a space is a slip or a soft line break and takes no room.
pub fn is_word_space(before: char, after: char) -> bool {
    is_word_char(before) && is_word_char(after)
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
    glued_clusters(chars).into_iter().map(|(r, _)| r).collect()
}

/// Clusters, each with whether a 禁则 rule glued several segments together (务。 “两). Spaces
/// are break opportunities, but never between a mark and the character it must stay with.
fn glued_clusters(chars: &[char]) -> Vec<(Range<usize>, bool)> {
    let mut out: Vec<(Range<usize>, bool)> = Vec::new();
    let is_space = |r: &Range<usize>| chars[r.clone()].iter().all(|c| *c == ' ');
    let last_visible = |out: &[(Range<usize>, bool)]| {
        out.iter()
            .rev()
            .flat_map(|(r, _)| chars[r.clone()].iter().rev())
            .find(|c| **c != ' ')
            .copied()
    };
    for t in tokens(chars) {
        let prev = last_visible(&out);
        if is_space(&t) {
            if prev.is_some_and(forbidden_end)
                && let Some(last) = out.last_mut()
            {
                last.0.end = t.end;
            } else {
                out.push((t, false));
            }
            continue;
        }
        let glue =
            prev.is_some_and(forbidden_end) || (prev.is_some() && forbidden_start(chars[t.start]));
        if glue {
            // Fold trailing spaces into the cluster that holds the previous visible character.
            while out.len() > 1 && is_space(&out[out.len() - 1].0) {
                let sp = out.pop().expect("checked").0;
                out.last_mut().expect("checked").0.end = sp.end;
            }
            let last = out.last_mut().expect("a previous visible character");
            last.0.end = t.end;
            last.1 = true;
        } else {
            out.push((t, false));
        }
    }
    out
}

/// Breaks one block (paragraph, heading or title) into lines `width` wide, the first indented by
/// `first_indent`. `em` is the body size, used to cap how much punctuation a line may squeeze.
pub fn break_lines(
    pieces: &[Piece],
    width: f64,
    first_indent: f64,
    em: f64,
    align: Align,
) -> Result<Vec<Line>, Overlong> {
    let chars: Vec<char> = pieces.iter().map(|p| p.ch).collect();
    let n = pieces.len();
    // Space removed on each side of each glyph; adjacent marks (”“ 。” ”，) are always set tight,
    // else two half-blank cells make a visible hole.
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
    // Spaces count: one that ends up at a line's end is dropped from it when the line is set.
    let width_of = |r: &Range<usize>, cut_l: &[f64], cut_r: &[f64]| -> f64 {
        r.clone()
            .map(|i| pieces[i].advance - cut_l[i] - cut_r[i])
            .sum()
    };

    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut start = 0usize;
    let mut used = 0.0;
    let avail_for = |line_no: usize| {
        if line_no == 0 {
            width - first_indent
        } else {
            width
        }
    };
    for (cl, glued) in glued_clusters(&chars) {
        let is_space = chars[cl.clone()].iter().all(|c| *c == ' ');
        let avail = avail_for(lines.len());
        let w = width_of(&cl, &cut_l, &cut_r);
        if is_space || used + w <= avail + 1e-6 {
            used += w;
            continue;
        }
        // A segment glued by a 禁则 rule (务。) is pulled in by squeezing marks, from the end of
        // the line backwards. Any other segment simply starts the next line: squeezing then
        // would only crowd a line that can end well without it.
        let over = used + w - avail;
        let candidates: Vec<usize> = (start..cl.end).rev().collect();
        let room = squeeze_room(pieces, &candidates, &cut_l, &cut_r);
        // At most one em is squeezed out of a line (two half-blank marks): more makes the
        // line visibly denser than its neighbours, and pushing down reads better.
        if glued && over <= room.min(em) + 1e-6 {
            let mut left = over;
            for &i in &candidates {
                if left <= 1e-9 {
                    break;
                }
                // Never cut both sides of one gap: glyph boxes overlapping by a whole half
                // em read as a new line to text extraction (pdftotext).
                if i + 1 >= n || cut_l[i + 1] == 0.0 {
                    let r = (pieces[i].squeeze_right - cut_r[i]).min(left);
                    cut_r[i] += r;
                    left -= r;
                }
                if i == 0 || cut_r[i - 1] == 0.0 {
                    let l = (pieces[i].squeeze_left - cut_l[i]).min(left);
                    cut_l[i] += l;
                    left -= l;
                }
            }
            used = width_of(&(start..cl.end), &cut_l, &cut_r);
            continue;
        }
        if start == cl.start {
            // Nothing set yet on this line: the segment alone is too wide for any line.
            if w > width + 1e-6 || lines.is_empty() && first_indent == 0.0 {
                return Err(Overlong {
                    range: cl.clone(),
                    width: w,
                    available: width,
                });
            }
            // Only the indented first line is too short: leave it empty rather than lose text.
            lines.push(start..start);
            used = w;
            continue;
        }
        lines.push(start..cl.start);
        start = cl.start;
        used = w;
        if used > avail_for(lines.len()) + 1e-6 {
            return Err(Overlong {
                range: cl.clone(),
                width: w,
                available: width,
            });
        }
    }
    lines.push(start..n);

    let count = lines.len();
    let mut out = Vec::with_capacity(count);
    for (no, range) in lines.into_iter().enumerate() {
        let last = no + 1 == count;
        let avail = avail_for(no);
        let indent = width - avail;
        // Glyph widths as set; spaces at a line's ends take no room.
        let mut adv: Vec<f64> = range
            .clone()
            .map(|i| pieces[i].advance - cut_l[i] - cut_r[i])
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
        for (k, i) in range.clone().enumerate() {
            x.push(pen - cut_l[i]);
            pen += adv[k] + extra[k];
        }
        out.push(Line { range, x, last });
    }
    Ok(out)
}

/// How much the marks among `candidates` (from the line's end backwards) can still give, never
/// cutting both sides of one gap.
fn squeeze_room(pieces: &[Piece], candidates: &[usize], cut_l: &[f64], cut_r: &[f64]) -> f64 {
    let n = pieces.len();
    let (mut cut_l, mut cut_r) = (cut_l.to_vec(), cut_r.to_vec());
    let mut room = 0.0;
    for &i in candidates {
        if i + 1 >= n || cut_l[i + 1] == 0.0 {
            room += pieces[i].squeeze_right - cut_r[i];
            cut_r[i] = pieces[i].squeeze_right;
        }
        if i == 0 || cut_r[i - 1] == 0.0 {
            room += pieces[i].squeeze_left - cut_l[i];
            cut_l[i] = pieces[i].squeeze_left;
        }
    }
    room
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
        let lines = break_lines(&p, cells as f64 * EM, 0.0, EM, Align::Justify).unwrap();
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
        // 。 falls at the start of the second line: squeezed back into the first.
        let lines = set("一，三四。五六", 4);
        assert_eq!(lines, ["一，三四。", "五六"]);
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
        let lines = break_lines(&p, 4.0 * EM, 0.0, EM, Align::Justify).unwrap();
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
        let s = "甲乙，丙12丁戊己。";
        let p: Vec<Piece> = s
            .chars()
            .map(|c| Piece::new(c, if c.is_ascii() { EM / 2.0 } else { EM }))
            .collect();
        let lines = break_lines(&p, 8.0 * EM, 0.0, EM, Align::Justify).unwrap();
        assert_eq!(texts(s, &lines), ["甲乙，丙12丁戊", "己。"]);
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
        let lines = break_lines(&p, 6.0 * EM, 0.0, EM, Align::Justify).unwrap();
        assert_eq!(texts(s, &lines), ["甲乙Party ", "Building丙"]);
        // The first line is spread to the full width over its glyphs: the space at its end takes
        // no room, so y ends at the right edge.
        let y = lines[0].x[6];
        assert!((y + EM / 2.0 - 6.0 * EM).abs() < 1e-9, "{:?}", lines[0].x);
        // On one line the space holds its width.
        let lines = break_lines(&p, 20.0 * EM, 0.0, EM, Align::Justify).unwrap();
        let x = &lines[0].x;
        assert!((x[8] - x[6] - EM).abs() < 1e-9, "y, space, B: {x:?}");
    }

    #[test]
    fn word_spaces_are_between_latin_words_only() {
        assert!(is_word_space('y', 'B'));
        assert!(is_word_space('s', '1'));
        assert!(!is_word_space('党', 'P'));
        assert!(!is_word_space('y', '建'));
        assert!(!is_word_space('”', 'A'));
        assert!(!is_word_space('。', '“'));
    }

    #[test]
    fn a_soft_break_counts_as_one_gap() {
        // A space the caller gives no width (a Markdown soft line break) gets no double share.
        let s = "甲乙 丙丁戊。";
        let p: Vec<Piece> = s
            .chars()
            .map(|c| Piece::new(c, if c == ' ' { 0.0 } else { EM }))
            .collect();
        let lines = break_lines(&p, 5.0 * EM, 0.0, EM, Align::Justify).unwrap();
        assert_eq!(texts(s, &lines), ["甲乙 丙丁", "戊。"]);
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
        let lines = break_lines(&p, w, 2.0 * EM, EM, Align::Justify).unwrap();
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
        let err = break_lines(&p, 6.0 * EM, 0.0, EM, Align::Justify).unwrap_err();
        assert_eq!(err.range, 1..21);
    }

    #[test]
    fn adjacent_marks_are_set_tight() {
        let s = "“小讲堂”“微课堂”";
        let p = pieces(s);
        let lines = break_lines(&p, 20.0 * EM, 0.0, EM, Align::Justify).unwrap();
        let x = &lines[0].x;
        // ” is cut to half: the next “ starts half an em after it.
        assert!((x[5] - x[4] - EM / 2.0).abs() < 1e-9, "{x:?}");
    }

    #[test]
    fn centred_lines() {
        let p = pieces("标题");
        let lines = break_lines(&p, 10.0 * EM, 0.0, EM, Align::Center).unwrap();
        assert_eq!(lines[0].x[0], 4.0 * EM);
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
            cells in 4usize..30,
            indent in 0usize..3,
        ) {
            let s: String = text.iter().collect();
            let p = pieces(&s);
            let width = cells as f64 * EM;
            match break_lines(&p, width, indent as f64 * EM, EM, Align::Justify) {
                Err(e) => proptest::prop_assert!(e.width > width - indent as f64 * EM - 1e-6),
                Ok(lines) => {
                    let got: Vec<String> = texts(&s, &lines);
                    proptest::prop_assert_eq!(got.concat(), s.clone());
                    for (i, l) in lines.iter().enumerate() {
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
