//! `word/styles.xml` and `word/fontTable.xml`: every look of the speech is a named style, so the
//! office restyles the whole speech the way it restyles its own templates.
//!
//! 正文 and 标题 are Word's built-in `Normal` and `Title`: Chinese Word and WPS show those two under
//! exactly these names, and a custom style called 正文 would sit beside (and clash with) the
//! built-in one. The others are the speech's own: 一级标题 (一、), 二级标题 （一）, 三级标题 (1.),
//! the character styles 段首句 (lead sentences) and 数据项 (every figure), and 段首句数据项 for a
//! figure inside a lead sentence (a run has one character style; this one is 段首句's child).

use super::XML_HEAD;
use super::page::*;
use super::xml::esc;

/// The body face as offices name it, and the face each role uses. The names are written as the
/// office's fonts are installed (Windows 仿宋_GB2312, 方正小标宋简体); the font table gives each its
/// other names and its GB2312 character set, which Word and WPS use to substitute a face when it
/// is missing. Nothing is embedded.
pub const BODY_FONT: &str = "仿宋_GB2312";
pub const TITLE_FONT: &str = "方正小标宋简体";
pub const HEADING_FONT: &str = "黑体";
pub const KAI_FONT: &str = "楷体_GB2312";
pub const PAGE_NUMBER_FONT: &str = "宋体";

/// Style ids (what the document refers to) and the names people see.
pub const NORMAL: &str = "Normal";
pub const TITLE: &str = "Title";
pub const PART_HEADING: &str = "PartHeading";
pub const SECTION_HEADING: &str = "SectionHeading";
pub const SUBSECTION_HEADING: &str = "SubsectionHeading";
pub const LEAD: &str = "LeadSentence";
pub const FIGURE: &str = "Figure";
pub const LEAD_FIGURE: &str = "LeadFigure";
pub const HEADER: &str = "Header";
pub const CIRCULATION: &str = "CirculationMark";
pub const FOOTER: &str = "Footer";
pub const COMMENT_TEXT: &str = "CommentText";
pub const COMMENT_REFERENCE: &str = "CommentReference";

/// The font table: for each face its other names (`w:altName`, comma-separated), character set
/// 86 (GB2312), family and pitch, the hints Word and WPS use to pick a stand-in when it is missing.
/// The title's list names Noto Serif CJK SC (the heavy serif the PDF bundles for it) after the
/// office's 小标宋 names.
///
/// LibreOffice (7.4, tried on a machine with only Noto Sans/Serif CJK) reads none of these hints
/// when a face is missing: neither `w:altName` (a list or a single "Noto Serif CJK SC"), nor
/// `w:family` roman, nor `w:panose1`; it asks fontconfig for the name as written, and fontconfig
/// gives an unknown name its default sans (Noto Sans CJK) for every role. Only a face carried in
/// the package (`--embed-fonts`, `embed.rs`) changes that.
const FONTS: [(&str, &str, &str, &str); 5] = [
    (
        BODY_FONT,
        "FangSong_GB2312,仿宋,FangSong",
        "modern",
        "fixed",
    ),
    (
        TITLE_FONT,
        "FZXiaoBiaoSong-B05S,方正小标宋_GBK,Noto Serif CJK SC,宋体",
        "auto",
        "variable",
    ),
    (HEADING_FONT, "SimHei", "modern", "fixed"),
    (KAI_FONT, "KaiTi_GB2312,楷体,KaiTi", "modern", "fixed"),
    (PAGE_NUMBER_FONT, "SimSun", "auto", "variable"),
];

/// `word/fontTable.xml`; `embedded` gives, per office name carried in the package, the
/// relationship id of its part (in `word/_rels/fontTable.xml.rels`) and its key.
pub fn font_table(embedded: &[(&str, String, String)]) -> String {
    let mut xml = format!(
        "{XML_HEAD}<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    );
    for (name, alt, family, pitch) in FONTS {
        let embed = embedded
            .iter()
            .find(|(office, _, _)| *office == name)
            .map_or(String::new(), |(_, rid, key)| {
                format!("<w:embedRegular r:id=\"{rid}\" w:fontKey=\"{key}\"/>")
            });
        xml.push_str(&format!(
            "<w:font w:name=\"{}\"><w:altName w:val=\"{}\"/><w:charset w:val=\"86\"/>\
             <w:family w:val=\"{family}\"/><w:pitch w:val=\"{pitch}\"/>{embed}</w:font>",
            esc(name),
            esc(alt)
        ));
    }
    xml.push_str("</w:fonts>");
    xml
}

/// The same face in every script slot, with the East Asian slot deciding ambiguous characters
/// (“”—…), so quotation marks and dashes are full-width as in print.
fn fonts(face: &str) -> String {
    let f = esc(face);
    format!(
        "<w:rFonts w:ascii=\"{f}\" w:eastAsia=\"{f}\" w:hAnsi=\"{f}\" w:cs=\"{f}\" w:hint=\"eastAsia\"/>"
    )
}

fn size(half_points: u32) -> String {
    format!("<w:sz w:val=\"{half_points}\"/><w:szCs w:val=\"{half_points}\"/>")
}

/// Line spacing exactly one grid pitch (see `page::LINE_PITCH`).
fn on_grid() -> String {
    format!("<w:spacing w:line=\"{LINE_PITCH}\" w:lineRule=\"exact\"/>")
}

/// No first-line indent (overrides 正文's two characters).
const NO_INDENT: &str = "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>";

struct Style<'a> {
    kind: &'a str,
    id: &'a str,
    name: &'a str,
    based_on: Option<&'a str>,
    next: Option<&'a str>,
    /// Shown in the style gallery (Word's “quick styles”).
    gallery: bool,
    ppr: String,
    rpr: String,
}

impl Style<'_> {
    fn xml(&self) -> String {
        let mut x = format!(
            "<w:style w:type=\"{}\" w:styleId=\"{}\"",
            self.kind, self.id
        );
        if self.id == NORMAL {
            x.push_str(" w:default=\"1\"");
        }
        x.push_str(&format!("><w:name w:val=\"{}\"/>", esc(self.name)));
        if let Some(b) = self.based_on {
            x.push_str(&format!("<w:basedOn w:val=\"{b}\"/>"));
        }
        if let Some(n) = self.next {
            x.push_str(&format!("<w:next w:val=\"{n}\"/>"));
        }
        if self.gallery {
            x.push_str("<w:qFormat/>");
        }
        if !self.ppr.is_empty() {
            x.push_str(&format!("<w:pPr>{}</w:pPr>", self.ppr));
        }
        if !self.rpr.is_empty() {
            x.push_str(&format!("<w:rPr>{}</w:rPr>", self.rpr));
        }
        x.push_str("</w:style>");
        x
    }
}

fn paragraph<'a>(id: &'a str, name: &'a str, ppr: String, rpr: String) -> Style<'a> {
    Style {
        kind: "paragraph",
        id,
        name,
        based_on: Some(NORMAL),
        next: Some(NORMAL),
        gallery: true,
        ppr,
        rpr,
    }
}

fn character<'a>(id: &'a str, name: &'a str, based_on: Option<&'a str>, rpr: String) -> Style<'a> {
    Style {
        kind: "character",
        id,
        name,
        based_on,
        next: None,
        gallery: true,
        ppr: String::new(),
        rpr,
    }
}

/// `word/styles.xml`. Element order inside `w:pPr`/`w:rPr` follows the schema: Word rejects a
/// document whose properties are out of order.
pub fn styles() -> String {
    // Widow and orphan control: no paragraph leaves one line alone at a page's foot or head
    // (with the headings' keep-with-next, no heading stays at a foot with one line of its
    // text, as 四、 did at the foot of page 3).
    //
    // `w:overflowPunct w:val="1"`: nothing past the right margin in LibreOffice. ECMA-376 reads
    // 1 as "punctuation may hang past the margin", which is also Word's default, so Word is
    // unchanged; LibreOffice 7.4 reads the value the other way round (its import sets
    // `ParaIsHangingPunctuation` to `val == 0`, and with the element absent it hangs): with 1 it
    // does not hang `，` 1.7 mm past the margin but carries the character before it down.
    //
    // `w:autoSpaceDE/DN` 0: Word adds no space between Chinese and Latin text or digits.
    // LibreOffice ignores both (its import has no case for them); see `body.rs` for the gap it
    // puts inside a figure such as 1200多.
    let body_ppr = format!(
        "<w:widowControl/><w:overflowPunct w:val=\"1\"/><w:autoSpaceDE w:val=\"0\"/><w:autoSpaceDN w:val=\"0\"/>{}\
         <w:ind w:firstLineChars=\"200\" w:firstLine=\"{INDENT_TWO_CHARS}\"/><w:jc w:val=\"both\"/>",
        on_grid()
    );
    let styles = [
        Style {
            kind: "paragraph",
            id: NORMAL,
            name: "Normal", // 正文 in Chinese Word and WPS
            based_on: None,
            next: None,
            gallery: true,
            ppr: body_ppr,
            // Set a quarter point tight (see `page::TIGHTEN`), so that 28 characters fill a line.
            rpr: format!(
                "{}<w:spacing w:val=\"{TIGHTEN}\"/>{}",
                fonts(BODY_FONT),
                size(BODY_SIZE)
            ),
        },
        paragraph(
            TITLE,
            "Title", // 标题 in Chinese Word and WPS
            // Centred, followed by one blank grid line (GB/T 9704 7.3.1). Off the grid: a 22 pt
            // character is wider than a grid cell and a client that snaps to the grid would give
            // it two cells (a gappy title) and its line two grid lines; its exact line spacing
            // keeps it on the 22-line rhythm all the same.
            format!(
                "<w:keepNext/><w:snapToGrid w:val=\"0\"/><w:spacing w:after=\"{LINE_PITCH}\" w:line=\"{LINE_PITCH}\" w:lineRule=\"exact\"/>{NO_INDENT}<w:jc w:val=\"center\"/>"
            ),
            format!(
                "{}<w:snapToGrid w:val=\"0\"/>{}",
                fonts(TITLE_FONT),
                size(TITLE_SIZE)
            ),
        ),
        // The circulation copy's line above the title, flush left in 黑体, where GB/T 9704 puts a
        // document's 密级.
        paragraph(
            CIRCULATION,
            "传阅标记",
            format!("<w:keepNext/>{NO_INDENT}<w:jc w:val=\"left\"/>"),
            fonts(HEADING_FONT),
        ),
        paragraph(
            PART_HEADING,
            "一级标题",
            "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"0\"/>".into(),
            fonts(HEADING_FONT),
        ),
        paragraph(
            SECTION_HEADING,
            "二级标题",
            "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"1\"/>".into(),
            fonts(KAI_FONT),
        ),
        paragraph(
            SUBSECTION_HEADING,
            "三级标题",
            "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"2\"/>".into(),
            "<w:b/><w:bCs/>".into(),
        ),
        character(LEAD, "段首句", None, fonts(KAI_FONT)),
        // No look of its own: a figure reads as the text around it. The style is there so the
        // office can show every figure at once (colour the style) and so each figure run is
        // recognisable beside its content control.
        character(FIGURE, "数据项", None, String::new()),
        character(LEAD_FIGURE, "段首句数据项", Some(LEAD), String::new()),
        Style {
            next: None,
            gallery: false,
            ..paragraph(
                HEADER,
                "header", // 页眉
                // 1.25 lines: the sample mark and the circulation line, one under the other,
                // must not touch (at one line exactly, CJK ink of the two meets).
                format!(
                    "<w:snapToGrid w:val=\"0\"/><w:spacing w:line=\"{}\" w:lineRule=\"exact\"/>{NO_INDENT}<w:jc w:val=\"right\"/>",
                    BODY_SIZE * 25 / 2
                ),
                String::new(),
            )
        },
        Style {
            next: None,
            gallery: false,
            ..paragraph(
                FOOTER,
                "footer", // 页脚
                format!(
                    "<w:snapToGrid w:val=\"0\"/><w:spacing w:line=\"{PAGE_NUMBER_LINE}\" w:lineRule=\"exact\"/>{NO_INDENT}<w:jc w:val=\"center\"/>"
                ),
                format!("{}{}", fonts(PAGE_NUMBER_FONT), size(PAGE_NUMBER_SIZE)),
            )
        },
        Style {
            next: None,
            gallery: false,
            ..paragraph(
                COMMENT_TEXT,
                "annotation text", // 批注文字
                format!(
                    "<w:snapToGrid w:val=\"0\"/><w:spacing w:line=\"240\" w:lineRule=\"auto\"/>{NO_INDENT}<w:jc w:val=\"left\"/>"
                ),
                size(21),
            )
        },
        Style {
            gallery: false,
            ..character(COMMENT_REFERENCE, "annotation reference", None, size(21))
        },
    ];
    let mut xml = format!(
        "{XML_HEAD}<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    );
    // Defaults for anything without a style of its own (a paragraph the office adds by hand).
    // Latin text (the digits of every figure) is en-US, Chinese zh-CN: LibreOffice breaks a
    // Latin run by its language's rules, and with zh-CN it broke inside numbers (五星级4 / 2个,
    // 2800 / 0多人: 12 of 26 splits over the 28 shifted paragraphs of the typography test).
    xml.push_str(&format!(
        "<w:docDefaults><w:rPrDefault><w:rPr>{}{}<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>\
         <w:pPrDefault><w:pPr>{}</w:pPr></w:pPrDefault></w:docDefaults>",
        fonts(BODY_FONT),
        size(BODY_SIZE),
        on_grid()
    ));
    // Word expects its default character style by this id.
    xml.push_str(
        "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\">\
         <w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>",
    );
    for s in &styles {
        xml.push_str(&s.xml());
    }
    xml.push_str("</w:styles>");
    xml
}
