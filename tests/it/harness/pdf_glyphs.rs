//! Where each glyph of a PDF stands, read from the file as a viewer reads it: the content
//! stream's text operators (BT, Tf, Td/Tm, Tc, TJ/Tj, cm) with the widths (`/W`) and the
//! ToUnicode map of each font. pdftotext gives only words and lines; the typography tests need
//! every glyph (how far a mark sits from its neighbour). Checked against pdftotext `-bbox` in
//! tests/it/typography.rs.

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object};

/// One glyph: its text, its box's left edge and width (its advance) and its baseline, in points
/// from the page's top-left corner, and its size.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub ch: char,
    pub x: f64,
    pub width: f64,
    pub baseline: f64,
    pub size: f64,
}

impl Glyph {
    pub fn right(&self) -> f64 {
        self.x + self.width
    }
}

/// A font as far as placing its glyphs goes.
struct FontInfo {
    widths: HashMap<u32, f64>,
    default_width: f64,
    /// Glyph space to text space: a thousandth, or a Type 3 font's `FontMatrix` (Chromium
    /// prints some faces as Type 3).
    scale: f64,
    to_unicode: HashMap<u32, char>,
    /// Bytes a character code takes (2 for Identity-H, 1 for simple fonts).
    code_len: usize,
}

fn number(o: &Object) -> f64 {
    match o {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        _ => 0.0,
    }
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

fn font_info(doc: &Document, font: &Dictionary) -> FontInfo {
    let mut info = FontInfo {
        widths: HashMap::new(),
        default_width: 1000.0,
        scale: 0.001,
        to_unicode: HashMap::new(),
        code_len: 1,
    };
    // A simple font (TrueType, Type 1, Type 3, as LibreOffice and Chromium write them): its
    // widths from `FirstChar` on.
    if let Some(widths) = font
        .get(b"Widths")
        .ok()
        .map(|o| resolve(doc, o))
        .and_then(|o| o.as_array().ok())
    {
        let first = font
            .get(b"FirstChar")
            .map(|o| number(resolve(doc, o)))
            .unwrap_or(0.0) as u32;
        for (k, w) in widths.iter().enumerate() {
            info.widths
                .insert(first + k as u32, number(resolve(doc, w)));
        }
        info.default_width = 0.0;
    }
    if let Some(matrix) = font
        .get(b"FontMatrix")
        .ok()
        .map(|o| resolve(doc, o))
        .and_then(|o| o.as_array().ok())
    {
        info.scale = number(resolve(doc, &matrix[0]));
    }
    let type0 = font.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Type0");
    if type0 {
        info.code_len = 2;
        let descendant = font
            .get(b"DescendantFonts")
            .ok()
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_dict().ok());
        if let Some(d) = descendant {
            if let Ok(dw) = d.get(b"DW") {
                info.default_width = number(resolve(doc, dw));
            }
            if let Some(w) = d
                .get(b"W")
                .ok()
                .map(|o| resolve(doc, o))
                .and_then(|o| o.as_array().ok())
            {
                let mut i = 0;
                while i < w.len() {
                    let first = number(resolve(doc, &w[i])) as u32;
                    match resolve(doc, &w[i + 1]) {
                        Object::Array(list) => {
                            for (k, v) in list.iter().enumerate() {
                                info.widths
                                    .insert(first + k as u32, number(resolve(doc, v)));
                            }
                            i += 2;
                        }
                        last => {
                            let last = number(last) as u32;
                            let v = number(resolve(doc, &w[i + 2]));
                            for c in first..=last {
                                info.widths.insert(c, v);
                            }
                            i += 3;
                        }
                    }
                }
            }
        }
    }
    if let Some(stream) = font
        .get(b"ToUnicode")
        .ok()
        .map(|o| resolve(doc, o))
        .and_then(|o| o.as_stream().ok())
    {
        let bytes = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        let text = String::from_utf8_lossy(&bytes);
        // bfchar lines: <GGGG> <UUUU[UUUU]>
        for line in text.lines() {
            let parts: Vec<&str> = line
                .split(['<', '>'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if !(2..=3).contains(&parts.len())
                || !parts
                    .iter()
                    .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
            {
                continue;
            }
            // bfrange lines: <first> <last> <UUUU>, consecutive characters.
            let (first, last, target) = match parts[..] {
                [code, target] => (code, code, target),
                [first, last, target] => (first, last, target),
                _ => continue,
            };
            let first = u32::from_str_radix(first, 16).unwrap();
            let last = u32::from_str_radix(last, 16).unwrap();
            let units: Vec<u16> = (0..target.len() / 4)
                .map(|k| u16::from_str_radix(&target[4 * k..4 * k + 4], 16).unwrap())
                .collect();
            if let Some(Ok(c)) = char::decode_utf16(units).next() {
                for code in first..=last.min(first + 0xFFFF) {
                    if let Some(c) = char::from_u32(c as u32 + code - first) {
                        info.to_unicode.insert(code, c);
                    }
                }
            }
        }
    }
    info
}

/// 2×3 affine matrices, as PDF writes them: [a b c d e f].
type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn multiply(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// Every page's glyphs in the order the content stream draws them.
pub fn glyphs(pdf: &[u8]) -> Vec<Vec<Glyph>> {
    let doc = Document::load_mem(pdf).expect("a PDF lopdf reads");
    let mut out = Vec::new();
    for (_, page_id) in doc.get_pages() {
        let page_height = doc
            .get_dictionary(page_id)
            .ok()
            .and_then(|p| p.get(b"MediaBox").ok())
            .map(|o| resolve(&doc, o))
            .and_then(|o| o.as_array().ok())
            .map_or(841.89, |a| number(&a[3]));
        let fonts: HashMap<Vec<u8>, FontInfo> = doc
            .get_page_fonts(page_id)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, dict)| (name, font_info(&doc, dict)))
            .collect();
        let content = Content::decode(&doc.get_page_content(page_id)).unwrap();
        let mut page = Vec::new();
        let (mut ctm, mut stack) = (IDENTITY, Vec::new());
        let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
        let (mut font, mut size, mut tc) = (None::<&FontInfo>, 0.0, 0.0);
        for op in &content.operations {
            let args: Vec<f64> = op.operands.iter().map(number).collect();
            match op.operator.as_str() {
                "q" => stack.push(ctm),
                "Q" => ctm = stack.pop().unwrap_or(IDENTITY),
                "cm" => ctm = multiply(&args[..6].try_into().unwrap(), &ctm),
                "BT" => (tm, tlm) = (IDENTITY, IDENTITY),
                "Tf" => {
                    let name = op.operands[0].as_name().unwrap();
                    font = fonts.get(name);
                    size = args[1];
                }
                "Tc" => tc = args[0],
                "Td" => {
                    tlm = multiply(&[1.0, 0.0, 0.0, 1.0, args[0], args[1]], &tlm);
                    tm = tlm;
                }
                "Tm" => {
                    tlm = args[..6].try_into().unwrap();
                    tm = tlm;
                }
                "TJ" | "Tj" => {
                    let f = font.expect("a font set before text");
                    let items: Vec<&Object> = match &op.operands[0] {
                        Object::Array(a) => a.iter().collect(),
                        o => vec![o],
                    };
                    for item in items {
                        match item {
                            Object::String(bytes, _) => {
                                for code in bytes.chunks(f.code_len) {
                                    let code =
                                        code.iter().fold(0u32, |acc, b| acc << 8 | u32::from(*b));
                                    let w = f.widths.get(&code).copied().unwrap_or(f.default_width)
                                        * f.scale
                                        * size;
                                    let at = multiply(&tm, &ctm);
                                    page.push(Glyph {
                                        ch: f.to_unicode.get(&code).copied().unwrap_or('\u{FFFD}'),
                                        x: at[4],
                                        width: w * at[0],
                                        baseline: page_height - at[5],
                                        size: size * at[3],
                                    });
                                    tm[4] += (w + tc) * tm[0];
                                }
                            }
                            n => tm[4] -= number(n) / 1000.0 * size * tm[0],
                        }
                    }
                }
                _ => {}
            }
        }
        out.push(page);
    }
    out
}

/// A page's glyphs as lines: glyphs sharing a baseline (to a point), top to bottom, each line
/// left to right.
pub fn lines(page: &[Glyph]) -> Vec<Vec<Glyph>> {
    let mut lines: Vec<Vec<Glyph>> = Vec::new();
    for g in page {
        match lines
            .iter_mut()
            .find(|l| (l[0].baseline - g.baseline).abs() < 2.5)
        {
            Some(l) => l.push(g.clone()),
            None => lines.push(vec![g.clone()]),
        }
    }
    lines.sort_by(|a, b| a[0].baseline.total_cmp(&b[0].baseline));
    for l in &mut lines {
        l.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    lines
}

/// A line's text.
pub fn text(line: &[Glyph]) -> String {
    line.iter().map(|g| g.ch).collect()
}
