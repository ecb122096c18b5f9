//! Which faces set the speech: the office fonts when the machine has them, else the free faces
//! compiled into the binary; and turning a face into the small subset the PDF embeds.

mod cff;
mod dirs;
mod files;
mod names;

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use fontcull_write_fonts::read::collections::IntSet;
use fontcull_write_fonts::types::{GlyphId, NameId, Tag};

use super::{FontChoice, PdfError, PdfOptions};

static SONG: &[u8] = include_bytes!("../../fonts/gbsn00lp.ttf");
static KAI: &[u8] = include_bytes!("../../fonts/gkai00mp.ttf");
static HEI: &[u8] = include_bytes!("../../fonts/wqy-microhei.ttf");

/// What a face is used for; the office convention gives each its own face.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Body,
    Title,
    Heading,
    Lead,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Body, Role::Title, Role::Heading, Role::Lead];

    pub fn label(self) -> &'static str {
        match self {
            Role::Body => "正文",
            Role::Title => "标题",
            Role::Heading => "一级标题",
            Role::Lead => "段首句",
        }
    }

    /// Family names of the office fonts, best first (matched without spaces, case-insensitive).
    fn office_families(self) -> &'static [&'static str] {
        match self {
            Role::Body => &[
                "仿宋_GB2312",
                "FangSong_GB2312",
                "仿宋",
                "FangSong",
                "华文仿宋",
                "STFangsong",
            ],
            Role::Title => &[
                "方正小标宋简体",
                "FZXiaoBiaoSong-B05S",
                "方正小标宋_GBK",
                "FZXiaoBiaoSong-B05",
            ],
            Role::Heading => &[
                "黑体",
                "SimHei",
                "方正黑体简体",
                "FZHei-B01S",
                "华文黑体",
                "STHeiti",
            ],
            Role::Lead => &[
                "楷体_GB2312",
                "KaiTi_GB2312",
                "楷体",
                "KaiTi",
                "华文楷体",
                "STKaiti",
            ],
        }
    }

    fn bundled(self) -> usize {
        match self {
            Role::Body => 0,
            Role::Lead => 1,
            Role::Title | Role::Heading => 2,
        }
    }
}

/// A font file's face, not yet subset.
#[derive(Clone)]
pub struct Face {
    pub family: String,
    pub data: Arc<dyn AsRef<[u8]> + Send + Sync>,
    /// Face index inside a .ttc collection.
    pub index: u32,
    /// None for a compiled-in face.
    pub path: Option<PathBuf>,
}

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Face")
            .field("family", &self.family)
            .field("index", &self.index)
            .field("path", &self.path)
            .finish()
    }
}

impl Face {
    pub fn bytes(&self) -> &[u8] {
        (*self.data).as_ref()
    }

    pub fn parse(&self) -> ttf_parser::Face<'_> {
        // Every face was parsed once when chosen, so this cannot fail.
        ttf_parser::Face::parse(self.bytes(), self.index).expect("face checked when chosen")
    }

    pub fn describe(&self) -> String {
        match &self.path {
            None => format!("{} (内置)", self.family),
            Some(p) => format!("{} ({})", self.family, p.display()),
        }
    }
}

/// The faces a render may use: `faces[role_face[role]]` per role, the rest fall-backs for
/// characters a role's face lacks.
#[derive(Debug, Clone)]
pub struct FaceSet {
    pub faces: Vec<Face>,
    role_face: [usize; 4],
    notes: Vec<String>,
}

impl FaceSet {
    /// What the user should know about the choice: one 提示 naming each office face that was
    /// not found and what stands in for it. Empty with `--fonts bundled`.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    pub fn for_role(&self, role: Role) -> usize {
        self.role_face[role as usize]
    }

    /// The face that sets `c` in `role`: the role's own face when it has the character, else the
    /// bundled face of the same style (Song for a 仿宋 body), else any face that has it.
    pub fn resolve(&self, role: Role, c: char) -> Option<usize> {
        let own = self.for_role(role);
        let candidates = [own, role.bundled()]
            .into_iter()
            .chain(Role::ALL.iter().map(|r| self.for_role(*r)))
            .chain(0..self.faces.len());
        let mut parsed: Vec<Option<ttf_parser::Face<'_>>> = vec![None; self.faces.len()];
        for i in candidates {
            let face = parsed[i].get_or_insert_with(|| self.faces[i].parse());
            if face.glyph_index(c).is_some_and(|g| g.0 != 0) {
                return Some(i);
            }
        }
        None
    }
}

/// The compiled-in faces, in the order `Role::bundled` indexes them; `choose` puts them first.
fn bundled_faces() -> Vec<Face> {
    let face = |family: &str, data: &'static [u8]| Face {
        family: family.to_string(),
        data: Arc::new(data),
        index: 0,
        path: None,
    };
    vec![
        face("AR PL SungtiL GB", SONG),
        face("AR PL KaitiM GB", KAI),
        face("WenQuanYi Micro Hei", HEI),
    ]
}

pub fn choose(opts: &PdfOptions) -> Result<FaceSet, PdfError> {
    let mut faces = bundled_faces();
    let mut role_face = Role::ALL.map(Role::bundled);
    let mut office = [false; 4];
    if matches!(opts.fonts, FontChoice::Auto) {
        let found = files::discover(&opts.font_dirs);
        // Two faces of one collection (a .ttc) share the file's bytes.
        let mut loaded: HashMap<PathBuf, Arc<Vec<u8>>> = HashMap::new();
        for role in Role::ALL {
            let hit = role.office_families().iter().find_map(|want| {
                found
                    .iter()
                    .find(|f| f.names.iter().any(|n| same_family(n, want)))
            });
            if let Some(hit) = hit {
                let data = match loaded.get(&hit.path) {
                    Some(data) => data.clone(),
                    None => {
                        let data =
                            Arc::new(std::fs::read(&hit.path).map_err(|e| PdfError::Font {
                                face: hit.path.display().to_string(),
                                reason: e.to_string(),
                            })?);
                        loaded.insert(hit.path.clone(), data.clone());
                        data
                    }
                };
                let family = role
                    .office_families()
                    .iter()
                    .find(|w| hit.names.iter().any(|n| same_family(n, w)))
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| hit.names[0].clone());
                let existing = faces
                    .iter()
                    .position(|f| f.path.as_deref() == Some(&hit.path) && f.index == hit.index);
                let idx = existing.unwrap_or_else(|| {
                    faces.push(Face {
                        family,
                        data,
                        index: hit.index,
                        path: Some(hit.path.clone()),
                    });
                    faces.len() - 1
                });
                role_face[role as usize] = idx;
                office[role as usize] = true;
            }
        }
    }
    // Without 方正小标宋, an office 黑体 still sets a title better than the bundled Hei.
    let (title, heading) = (Role::Title as usize, Role::Heading as usize);
    if faces[role_face[title]].path.is_none() && faces[role_face[heading]].path.is_some() {
        role_face[title] = role_face[heading];
    }
    let notes = match opts.fonts {
        FontChoice::Auto => missing_office_faces(&faces, &role_face, &office),
        FontChoice::Bundled => Vec::new(),
    };
    Ok(FaceSet {
        faces,
        role_face,
        notes,
    })
}

/// The 提示 for the roles no office face was found for: “提示：未找到方正小标宋简体，标题改用
/// WenQuanYi Micro Hei；…；安装该字体或用 --font-dir 指定其所在文件夹”. One line, so that a
/// render prints it once however many faces are missing.
fn missing_office_faces(faces: &[Face], role_face: &[usize; 4], office: &[bool; 4]) -> Vec<String> {
    let missing: Vec<String> = Role::ALL
        .iter()
        .filter(|role| !office[**role as usize])
        .map(|role| {
            format!(
                "未找到{}，{}改用 {}",
                role.office_families()[0],
                role.label(),
                faces[role_face[*role as usize]].family
            )
        })
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let these = if missing.len() == 1 { "该" } else { "这些" };
    vec![format!(
        "提示：{}；安装{these}字体或用 --font-dir 指定其所在文件夹",
        missing.join("；")
    )]
}

fn same_family(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    };
    norm(a) == norm(b)
}

/// Subsets a face to exactly `chars` (so the embedded file is small and its cmap, which the PDF's
/// ToUnicode map is built from, holds only code points the text uses: no look-alike
/// compatibility ideographs), then sets every advance to `grid_factor` of its width.
pub fn subset(face: &Face, chars: &BTreeSet<char>, grid_factor: f64) -> Result<Vec<u8>, PdfError> {
    let err = |reason: String| PdfError::Font {
        face: face.family.clone(),
        reason,
    };
    let single = files::truetype_face(face.bytes(), face.index, chars).map_err(err)?;
    let font = fontcull_skrifa::FontRef::new(&single).map_err(|e| err(format!("{e:?}")))?;
    let mut unicodes: IntSet<u32> = IntSet::empty();
    unicodes.extend(chars.iter().map(|c| *c as u32));
    // Vertical metrics, layout, morphing, bitmaps and hinting are of no use to a PDF viewer
    // drawing horizontal text from outlines; vmtx alone is not subset and would be kept whole.
    let mut drop: IntSet<Tag> = IntSet::empty();
    for t in [
        b"vmtx", b"vhea", b"VORG", b"mort", b"morx", b"kern", b"GDEF", b"GPOS", b"GSUB", b"BASE",
        b"JSTF", b"MATH", b"hdmx", b"LTSH", b"VDMX", b"DSIG", b"PCLT", b"EBDT", b"EBLC", b"EBSC",
        b"FFTM", b"gasp",
    ] {
        drop.insert(Tag::new(t));
    }
    let plan = fontcull_klippa::Plan::new(
        &IntSet::<GlyphId>::empty(),
        &unicodes,
        &font,
        fontcull_klippa::SubsetFlags::SUBSET_FLAGS_NO_HINTING,
        &drop,
        &IntSet::<Tag>::empty(),
        &IntSet::<Tag>::empty(),
        &IntSet::<NameId>::empty(),
        &IntSet::<u16>::empty(),
    );
    let mut out = fontcull_klippa::subset_font(&font, &plan).map_err(|e| err(format!("{e:?}")))?;
    scale_advances(&mut out, grid_factor).ok_or_else(|| err("子集缺少 hhea/hmtx 表".into()))?;
    Ok(out)
}

/// GB/T 9704 sets 28 characters of 16 pt on a 156 mm line, slightly tighter than the glyphs'
/// own advance: a character grid. Scaling the advances in the embedded subset gives the grid
/// pitch without positioning each glyph in the content stream (which would triple its size).
fn scale_advances(font: &mut [u8], factor: f64) -> Option<()> {
    let table = |tag: &[u8; 4]| -> Option<(usize, usize)> {
        let n = u16::from_be_bytes(font.get(4..6)?.try_into().ok()?) as usize;
        (0..n).find_map(|i| {
            let r = 12 + 16 * i;
            let rec = font.get(r..r + 16)?;
            (&rec[0..4] == tag).then(|| {
                (
                    u32::from_be_bytes(rec[8..12].try_into().unwrap()) as usize,
                    u32::from_be_bytes(rec[12..16].try_into().unwrap()) as usize,
                )
            })
        })
    };
    let (hhea, _) = table(b"hhea")?;
    let (hmtx, hmtx_len) = table(b"hmtx")?;
    let metrics = u16::from_be_bytes(font.get(hhea + 34..hhea + 36)?.try_into().ok()?) as usize;
    if 4 * metrics > hmtx_len {
        return None;
    }
    for i in 0..metrics {
        let at = hmtx + 4 * i;
        let adv = u16::from_be_bytes(font[at..at + 2].try_into().ok()?);
        let scaled = (f64::from(adv) * factor).floor() as u16;
        font[at..at + 2].copy_from_slice(&scaled.to_be_bytes());
    }
    let max = hhea + 10;
    let adv_max = u16::from_be_bytes(font.get(max..max + 2)?.try_into().ok()?);
    let scaled = (f64::from(adv_max) * factor).floor() as u16;
    font[max..max + 2].copy_from_slice(&scaled.to_be_bytes());
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_faces_parse_and_have_outlines() {
        for f in bundled_faces() {
            let p = f.parse();
            assert!(p.tables().glyf.is_some(), "{}", f.family);
            assert!(p.glyph_index('中').is_some(), "{}", f.family);
        }
    }

    #[test]
    fn bundled_choice_ignores_the_system() {
        let opts = PdfOptions {
            fonts: FontChoice::Bundled,
            font_dirs: vec![],
        };
        let set = choose(&opts).unwrap();
        assert!(set.faces.iter().all(|f| f.path.is_none()));
        assert_eq!(
            set.faces[set.for_role(Role::Body)].family,
            "AR PL SungtiL GB"
        );
    }

    #[test]
    fn a_character_no_face_has_is_unresolved() {
        let set = choose(&PdfOptions {
            fonts: FontChoice::Bundled,
            font_dirs: vec![],
        })
        .unwrap();
        assert_eq!(set.resolve(Role::Body, '\u{20000}'), None);
        assert_eq!(set.resolve(Role::Body, '党'), Some(0));
    }

    #[test]
    fn subset_keeps_the_characters_and_scales_advances() {
        let face = &bundled_faces()[0];
        let chars: BTreeSet<char> = "党建工作1".chars().collect();
        let out = subset(face, &chars, 0.5).unwrap();
        let p = ttf_parser::Face::parse(&out, 0).unwrap();
        let g = p.glyph_index('党').unwrap();
        assert_eq!(p.glyph_hor_advance(g), Some(512));
        assert!(p.glyph_index('市').is_none());
        assert!(out.len() < 20_000, "{}", out.len());
    }
}
