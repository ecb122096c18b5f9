//! The GB/T 9704 page in Word's units: twips (1/20 pt) for lengths, half-points for font sizes,
//! and the document grid's two numbers.
//!
//! Every length is computed from millimetres here, once, so `sectPr`, the styles and the tests
//! agree; the tests below check that the grid really gives 22 lines of 28 characters.

/// Twips in a millimetre: 1440 twips an inch, 25.4 mm an inch.
const fn mm(tenths_of_mm: u32) -> u32 {
    // Rounded to the nearest twip: x × 1440 / 254 + ½.
    (tenths_of_mm * 1440 * 2 + 254) / (254 * 2)
}

/// A4, 210 × 297 mm (Word writes the same 11906 × 16838).
pub const PAGE_W: u32 = mm(2100);
pub const PAGE_H: u32 = mm(2970);
/// Margins of GB/T 9704-2012: top 37, bottom 35, left 28, right 26 mm.
pub const MARGIN_TOP: u32 = mm(370);
pub const MARGIN_BOTTOM: u32 = mm(350);
pub const MARGIN_LEFT: u32 = mm(280);
pub const MARGIN_RIGHT: u32 = mm(260);
/// The text block, 156 × 225 mm.
pub const TEXT_W: u32 = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT;
pub const TEXT_H: u32 = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM;

pub const LINES_PER_PAGE: u32 = 22;
pub const CHARS_PER_LINE: u32 = 28;

/// Font sizes in half-points: 三号 16 pt (body, headings), 二号 22 pt (title), 四号 14 pt (page
/// numbers).
pub const BODY_SIZE: u32 = 32;
pub const TITLE_SIZE: u32 = 44;
pub const PAGE_NUMBER_SIZE: u32 = 28;

/// `w:docGrid w:linePitch`: the line pitch in twips. 22 lines must fit in the text block's height,
/// so the pitch is rounded down: 12756 / 22 = 579.8 → 579 (28.95 pt; 580 would leave room for
/// 21 lines only). Every text style also sets its line spacing to exactly this pitch, so clients
/// that ignore the grid (or snap a large title to two grid lines) still set 22 lines a page.
pub const LINE_PITCH: u32 = TEXT_H / LINES_PER_PAGE;

/// Character spacing of the body, in twentieths of a point (`w:spacing w:val` in the Normal
/// style's run properties): −0.25 pt. GB/T 9704 sets 28 characters in 156 mm (442.2 pt), a little
/// less than 28 × 16 pt, so characters are set slightly tight: at 15.75 pt, 28 take 441 pt and a
/// 29th does not fit.
///
/// Why not the document grid's `linesAndChars` with `w:charSpace` (ECMA-376 §17.6.5), which says
/// "28 characters a line" in Word's 文档网格 dialog: LibreOffice (7.4, tried) rounds any character
/// wider than a grid cell up to two cells, so a 16 pt character in a 15.79 pt cell gave 14
/// characters a line and 8 pages instead of 4, and split numbers across lines. A lines-only grid
/// with this spacing gives 28 a line in LibreOffice, and by the same arithmetic in Word and WPS.
pub const TIGHTEN: i32 = {
    // The widest whole number of twentieths of a point at which 28 characters still fit.
    let per_char_20ths = (TEXT_W as i64) / CHARS_PER_LINE as i64; // TEXT_W is in twips (1/20 pt)
    (per_char_20ths - (BODY_SIZE as i64 / 2) * 20) as i32
};

/// The first-line indent of two body characters in twips, for clients that do not read
/// `w:firstLineChars` (which Word and LibreOffice prefer: it follows the grid's pitch).
pub const INDENT_TWO_CHARS: u32 = 2 * BODY_SIZE * 10;

/// Header distance: the 草稿 line's top 20 mm from the page's top edge, so its baseline is near
/// where the PDF puts it (25 mm, a line above the text block).
pub const HEADER_DISTANCE: u32 = mm(200);
/// Footer distance, from the page's bottom edge to the footer's bottom: GB/T 9704 puts the
/// page number's line 7 mm below the text block, so its bottom is 35 − 7 mm minus one 14 pt
/// line (the footer style's exact line height) above the edge.
pub const PAGE_NUMBER_LINE: u32 = PAGE_NUMBER_SIZE * 10;
pub const FOOTER_DISTANCE: u32 = mm(350 - 70) - PAGE_NUMBER_LINE;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a4_and_margins_in_twips() {
        assert_eq!((PAGE_W, PAGE_H), (11906, 16838));
        assert_eq!(
            (MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT),
            (2098, 1984, 1587, 1474)
        );
        // 156 × 225 mm within a twip.
        assert!((TEXT_W as f64 / 1440.0 * 25.4 - 156.0).abs() < 0.02);
        assert!((TEXT_H as f64 / 1440.0 * 25.4 - 225.0).abs() < 0.02);
    }

    #[test]
    fn grid_holds_22_lines_of_28_characters_and_no_more() {
        assert_eq!(LINE_PITCH, 579);
        let height = TEXT_H;
        assert!((LINE_PITCH * 22..LINE_PITCH * 23).contains(&height));
        assert!(
            (LINE_PITCH + 1) * 22 > height,
            "the pitch is as large as fits"
        );
        assert_eq!(TIGHTEN, -5, "a quarter point");
        let pitch_pt = BODY_SIZE as f64 / 2.0 + TIGHTEN as f64 / 20.0;
        let width_pt = TEXT_W as f64 / 20.0;
        assert!(28.0 * pitch_pt <= width_pt && 29.0 * pitch_pt > width_pt);
        let one_more = BODY_SIZE as f64 / 2.0 + (TIGHTEN + 1) as f64 / 20.0;
        assert!(28.0 * one_more > width_pt, "the spacing is as wide as fits");
    }

    #[test]
    fn page_number_sits_below_the_text_block() {
        // Its line ends 28 mm above the page's bottom edge minus a 14 pt line: 7 mm below the block.
        let top_of_line_mm = (FOOTER_DISTANCE + PAGE_NUMBER_LINE) as f64 / 1440.0 * 25.4;
        assert!((top_of_line_mm - 28.0).abs() < 0.05, "{top_of_line_mm}");
        let bottom_margin = MARGIN_BOTTOM;
        assert!(FOOTER_DISTANCE + PAGE_NUMBER_LINE < bottom_margin);
    }
}
