//! Which faces set the speech: the office fonts when the machine has them, else the free faces
//! compiled into the binary; and turning a face into the small subset the PDF embeds.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
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
        // A face from a font folder is in a FaceSet only once `check_face` accepted it, and the
        // bundled faces are tested: this cannot fail.
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
    warnings: Vec<String>,
}

impl FaceSet {
    /// What the user should know about the choice: font files that were skipped, and why (each
    /// names its file). The caller prints them; they never stop a render.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
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

/// Chooses a face for each role: with `FontChoice::Auto` the best-ranked office font found that
/// passes `check_face`, else the bundled face. A font file that cannot be used is skipped with a
/// warning, never an error: the bundled faces can always set the speech.
pub fn choose(opts: &PdfOptions) -> Result<FaceSet, PdfError> {
    let mut faces = bundled_faces();
    let mut role_face = Role::ALL.map(Role::bundled);
    let mut warnings = Vec::new();
    if matches!(opts.fonts, FontChoice::Auto) {
        let found = discover(&opts.font_dirs, &mut warnings);
        // Per face of a file: its index in `faces`, or None when it was found broken.
        let mut loaded: HashMap<(PathBuf, u32), Option<usize>> = HashMap::new();
        for role in Role::ALL {
            let wanted = role.office_families();
            let candidates = wanted.iter().flat_map(|want| {
                found
                    .iter()
                    .filter(move |f| f.names.iter().any(|n| same_family(n, want)))
            });
            for hit in candidates {
                let key = (hit.path.clone(), hit.index);
                let idx = *loaded.entry(key).or_insert_with(|| {
                    // Named by the best-ranked office name the file carries.
                    let family = wanted
                        .iter()
                        .find(|w| hit.names.iter().any(|n| same_family(n, w)))
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| hit.names[0].clone());
                    match load(hit, &family) {
                        Ok(face) => {
                            faces.push(face);
                            Some(faces.len() - 1)
                        }
                        Err(reason) => {
                            warnings.push(format!(
                                "字体文件 {}（{family}）无法使用：{reason}。已跳过，改用其他字体；请重新安装或复制该字体",
                                hit.path.display()
                            ));
                            None
                        }
                    }
                });
                if let Some(idx) = idx {
                    role_face[role as usize] = idx;
                    break;
                }
            }
        }
    }
    // Without 方正小标宋, an office 黑体 still sets a title better than the bundled Hei.
    let (title, heading) = (Role::Title as usize, Role::Heading as usize);
    if faces[role_face[title]].path.is_none() && faces[role_face[heading]].path.is_some() {
        role_face[title] = role_face[heading];
    }
    Ok(FaceSet {
        faces,
        role_face,
        warnings,
    })
}

/// Reads a found face and checks it, or says why it cannot be used.
fn load(hit: &Found, family: &str) -> Result<Face, String> {
    let data = std::fs::read(&hit.path).map_err(|e| format!("读取失败（{e}）"))?;
    check_face(&data, hit.index)?;
    Ok(Face {
        family: family.to_string(),
        data: Arc::new(data),
        index: hit.index,
        path: Some(hit.path.clone()),
    })
}

/// Checks everything the layout later relies on in a face, so that a broken or unsuitable file
/// is skipped when the faces are chosen instead of failing (or panicking) in the middle of a
/// render: the tables `ttf_parser` needs (head, hhea, maxp), TrueType outlines (glyf/loca, the
/// only ones genpdf's rusttype draws), advances (hmtx) and a Unicode cmap; then a trial subset
/// through the same code a render runs, read back as the layout and genpdf read it.
fn check_face(data: &[u8], index: u32) -> Result<(), String> {
    if data.is_empty() {
        return Err("文件是空的（0 字节）".into());
    }
    let single = extract_face(data, index).ok_or("字体集合（.ttc）文件不完整或已损坏")?;
    tables_inside(&single)?;
    let face = ttf_parser::Face::parse(&single, 0).map_err(|e| {
        use ttf_parser::FaceParsingError as E;
        match e {
            E::NoHeadTable => "缺少 head 表（字体头），或该表已损坏".to_string(),
            E::NoHheaTable => "缺少 hhea 表（水平排版信息），或该表已损坏".to_string(),
            E::NoMaxpTable => "缺少 maxp 表（字形数），或该表已损坏".to_string(),
            E::UnknownMagic => "不是 TrueType 字体文件".to_string(),
            E::MalformedFont | E::FaceIndexOutOfBounds => "字体文件已损坏".to_string(),
        }
    })?;
    let tables = face.tables();
    if tables.glyf.is_none() {
        return Err(
            "没有 TrueType 字形轮廓（glyf/loca 表）：本程序只能嵌入 TrueType 轮廓的字体，CFF（PostScript）轮廓的不行"
                .into(),
        );
    }
    if tables.hmtx.is_none() {
        return Err("缺少 hmtx 表（字宽）".into());
    }
    loca_inside_glyf(&face)?;
    // The subsetter trusts the cmap: a glyph number past the font's last glyph panics it.
    let glyphs = face.number_of_glyphs();
    let (mut mapped, mut past_end) = (BTreeSet::new(), None);
    for sub in tables
        .cmap
        .into_iter()
        .flat_map(|c| c.subtables)
        .filter(|s| s.is_unicode())
    {
        sub.codepoints(|cp| match sub.glyph_index(cp) {
            Some(g) if g.0 >= glyphs => past_end = Some(cp),
            Some(g) if g.0 != 0 && mapped.len() < 64 => mapped.extend(char::from_u32(cp)),
            _ => {}
        });
    }
    if let Some(cp) = past_end {
        return Err(format!(
            "字符表（cmap 表）已损坏：U+{cp:04X} 指向不存在的字形"
        ));
    }
    if mapped.is_empty() {
        return Err("没有 Unicode 字符表（cmap 表），无法按字取字形".into());
    }
    // A face fit for office text maps 中; otherwise any few characters it has do for the trial.
    let probe: BTreeSet<char> = if face.glyph_index('中').is_some_and(|g| g.0 != 0) {
        BTreeSet::from(['中'])
    } else {
        mapped.into_iter().take(4).collect()
    };
    let out = subset_font(&single, &probe, 1.0)?;
    ttf_parser::Face::parse(&out, 0).map_err(|e| format!("取子集后无法读取（{e}）"))?;
    genpdf::fonts::FontData::new(out, None).map_err(|e| format!("PDF 引擎无法读取（{e}）"))?;
    Ok(())
}

/// The glyph locations (loca) rise and stay inside the outlines (glyf): the subsetter reads
/// every glyph it keeps through them.
fn loca_inside_glyf(face: &ttf_parser::Face<'_>) -> Result<(), String> {
    use ttf_parser::head::IndexToLocationFormat;
    let raw = face.raw_face();
    let (Some(loca), Some(glyf)) = (
        raw.table(ttf_parser::Tag::from_bytes(b"loca")),
        raw.table(ttf_parser::Tag::from_bytes(b"glyf")),
    ) else {
        return Err("缺少 loca 或 glyf 表（字形位置与轮廓）".into());
    };
    let offsets: Vec<usize> = match face.tables().head.index_to_location_format {
        IndexToLocationFormat::Short => loca
            .chunks_exact(2)
            .map(|b| 2 * usize::from(u16::from_be_bytes([b[0], b[1]])))
            .collect(),
        IndexToLocationFormat::Long => loca
            .chunks_exact(4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .collect(),
    };
    let glyphs = usize::from(face.number_of_glyphs());
    let sane = offsets.len() > glyphs
        && offsets[..=glyphs].windows(2).all(|w| w[0] <= w[1])
        && offsets[glyphs] <= glyf.len();
    if sane {
        Ok(())
    } else {
        Err("字形位置表（loca 表）已损坏".into())
    }
}

/// Every table the directory lists lies inside the file: a file cut short (a copy broken off)
/// is named as such rather than as a missing table.
fn tables_inside(font: &[u8]) -> Result<(), String> {
    let bad = || "文件不完整或已损坏（表目录读不出）".to_string();
    let n = u16::from_be_bytes(
        font.get(4..6)
            .ok_or_else(bad)?
            .try_into()
            .map_err(|_| bad())?,
    );
    for i in 0..usize::from(n) {
        let rec = font.get(12 + 16 * i..28 + 16 * i).ok_or_else(bad)?;
        let word = |at: usize| u32::from_be_bytes([rec[at], rec[at + 1], rec[at + 2], rec[at + 3]]);
        let end = u64::from(word(8)) + u64::from(word(12));
        if end > font.len() as u64 {
            let tag = String::from_utf8_lossy(&rec[0..4]).trim().to_string();
            return Err(format!(
                "文件不完整：{tag} 表超出了文件末尾（文件只有 {} 字节），可能复制时被截断",
                font.len()
            ));
        }
    }
    Ok(())
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

#[derive(Debug)]
struct Found {
    path: PathBuf,
    index: u32,
    names: Vec<String>,
}

fn font_dirs(extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = extra.to_vec();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    for d in [
        "/usr/share/fonts",
        "/usr/local/share/fonts",
        "/Library/Fonts",
        "/System/Library/Fonts",
        "C:\\Windows\\Fonts",
    ] {
        dirs.push(PathBuf::from(d));
    }
    if let Some(h) = home {
        dirs.push(h.join(".fonts"));
        dirs.push(h.join(".local/share/fonts"));
        dirs.push(h.join("Library/Fonts"));
    }
    if let Some(local) = std::env::var_os("LOCALAPPDATA") {
        dirs.push(PathBuf::from(local).join("Microsoft\\Windows\\Fonts"));
    }
    dirs
}

/// Lists the faces under the font folders with their family names. Only the table directory and
/// the name table are read, so a folder of large CJK fonts scans quickly; a face is checked
/// whole only when it is about to be chosen (`check_face`). A file in a folder the user named
/// (`--font-dir`) that cannot be read is reported; the system's folders are not the user's
/// business.
fn discover(extra: &[PathBuf], warnings: &mut Vec<String>) -> Vec<Found> {
    let mut out = Vec::new();
    for (n, dir) in font_dirs(extra).into_iter().enumerate() {
        let named = n < extra.len();
        if named && !dir.is_dir() {
            warnings.push(format!(
                "字体文件夹 {} 不存在或不是文件夹，已忽略",
                dir.display()
            ));
            continue;
        }
        let mut files = Vec::new();
        walk(&dir, 0, &mut files);
        for path in files {
            match scan_file(&path) {
                Ok(mut found) => out.append(&mut found),
                Err(reason) if named => warnings.push(format!(
                    "字体文件 {} 无法读取：{reason}。已跳过",
                    path.display()
                )),
                Err(_) => {}
            }
        }
    }
    out
}

fn walk(dir: &Path, depth: usize, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    // Sorted, so that the same machine always picks the same file for a family.
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if depth < 6 {
                walk(&p, depth + 1, files);
            }
        } else {
            let ext = p
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            if matches!(ext.as_deref(), Some("ttf" | "ttc")) {
                files.push(p);
            }
        }
    }
}

/// The faces of one font file and their family names; Err says why the file is no font.
fn scan_file(path: &Path) -> Result<Vec<Found>, String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path).map_err(|e| format!("无法打开（{e}）"))?;
    let len = f.metadata().map_err(|e| e.to_string())?.len();
    if len == 0 {
        return Err("文件是空的（0 字节）".into());
    }
    let mut read_at = |offset: u64, len: usize| -> Result<Vec<u8>, String> {
        let mut buf = vec![0; len];
        f.seek(SeekFrom::Start(offset))
            .and_then(|_| f.read_exact(&mut buf))
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::UnexpectedEof => {
                    "文件不完整（在字体数据中间就结束了），可能复制时被截断".to_string()
                }
                _ => e.to_string(),
            })?;
        Ok(buf)
    };
    let be32 = |b: &[u8], at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let head = read_at(0, 12)?;
    let offsets: Vec<u32> = match &head[0..4] {
        b"ttcf" => {
            let n = be32(&head, 8).min(64) as usize;
            let list = read_at(12, 4 * n)?;
            (0..n).map(|i| be32(&list, 4 * i)).collect()
        }
        [0, 1, 0, 0] | b"true" | b"OTTO" => vec![0],
        _ => return Err("不是 TrueType 字体文件".into()),
    };
    let mut out = Vec::new();
    for (index, off) in offsets.into_iter().enumerate() {
        let dir = read_at(u64::from(off), 12)?;
        let tables = u16::from_be_bytes([dir[4], dir[5]]) as usize;
        let records = read_at(u64::from(off) + 12, 16 * tables)?;
        let name = records
            .chunks_exact(16)
            .find(|r| &r[0..4] == b"name")
            .map(|r| (be32(r, 8), be32(r, 12)));
        let Some((at, len)) = name else {
            continue;
        };
        let table = read_at(u64::from(at), len.min(1 << 20) as usize)?;
        let Some(names) = ttf_parser::name::Table::parse(&table) else {
            continue;
        };
        let mut fams: Vec<String> = names
            .names
            .into_iter()
            .filter(|n| {
                n.name_id == ttf_parser::name_id::FAMILY
                    || n.name_id == ttf_parser::name_id::TYPOGRAPHIC_FAMILY
            })
            .filter_map(|n| n.to_string())
            .collect();
        fams.dedup();
        if !fams.is_empty() {
            out.push(Found {
                path: path.to_path_buf(),
                index: index as u32,
                names: fams,
            });
        }
    }
    Ok(out)
}

/// Copies one face out of a .ttc collection into a standalone font (fontcull and rusttype read
/// only single fonts).
fn extract_face(data: &[u8], index: u32) -> Option<Vec<u8>> {
    let be16 = |at: usize| Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?));
    let be32 = |at: usize| Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?));
    if data.get(0..4)? != b"ttcf" {
        return Some(data.to_vec());
    }
    let off = be32(12 + 4 * index as usize)? as usize;
    let n = be16(off + 4)? as usize;
    let mut out = data.get(off..off + 12 + 16 * n)?.to_vec();
    for i in 0..n {
        let rec = off + 12 + 16 * i;
        let (t_off, t_len) = (be32(rec + 8)? as usize, be32(rec + 12)? as usize);
        let new_off = out.len() as u32;
        out.extend_from_slice(data.get(t_off..t_off + t_len)?);
        while out.len() % 4 != 0 {
            out.push(0);
        }
        out[12 + 16 * i + 8..12 + 16 * i + 12].copy_from_slice(&new_off.to_be_bytes());
    }
    Some(out)
}

/// Subsets a face to exactly `chars` (so the embedded file is small and its cmap, which the PDF's
/// ToUnicode map is built from, holds only code points the text uses: no look-alike
/// compatibility ideographs), then sets every advance to `grid_factor` of its width.
pub fn subset(face: &Face, chars: &BTreeSet<char>, grid_factor: f64) -> Result<Vec<u8>, PdfError> {
    let err = |reason: String| PdfError::Font {
        face: face.family.clone(),
        reason,
    };
    let single =
        extract_face(face.bytes(), face.index).ok_or_else(|| err("字体集合文件损坏".into()))?;
    subset_font(&single, chars, grid_factor).map_err(err)
}

/// `subset` of a single font (not a collection); Err says why in words.
fn subset_font(single: &[u8], chars: &BTreeSet<char>, grid_factor: f64) -> Result<Vec<u8>, String> {
    let font = fontcull_skrifa::FontRef::new(single).map_err(|e| format!("{e:?}"))?;
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
    let mut out = fontcull_klippa::subset_font(&font, &plan).map_err(|e| format!("{e:?}"))?;
    scale_advances(&mut out, grid_factor).ok_or("子集缺少 hhea/hmtx 表")?;
    // A damaged outline can make the subsetter write a font without head or drop a glyph
    // without an error: the layout measures the subset and a lost glyph would print blank.
    let damaged = || "取子集失败：字形数据已损坏".to_string();
    let written = ttf_parser::Face::parse(&out, 0).map_err(|_| damaged())?;
    if !chars
        .iter()
        .all(|c| written.glyph_index(*c).is_some_and(|g| g.0 != 0))
    {
        return Err(damaged());
    }
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

    const FAKE_FANGSONG: &[u8] = include_bytes!("../../tests/fixtures/fonts/fake-fangsong.ttf");

    /// What a render does with a face `check_face` accepted: subset it to every character it
    /// maps and read the subset back. Never a panic; an error only for a face that was refused.
    fn accepted_face_sets_text(data: &[u8]) -> Result<(), String> {
        check_face(data, 0)?;
        let face = ttf_parser::Face::parse(data, 0).expect("checked");
        let mut chars = BTreeSet::new();
        for sub in face.tables().cmap.expect("checked").subtables {
            sub.codepoints(|cp| {
                chars.extend(char::from_u32(cp));
            });
        }
        // A damaged glyph the trial did not meet may still fail here: as an error, not a panic
        // and not a subset the layout cannot read.
        if let Ok(out) = subset_font(data, &chars, 0.98) {
            ttf_parser::Face::parse(&out, 0).expect("a subset that passed its own check reads");
        }
        Ok(())
    }

    fn never_panics(label: &str, data: &[u8]) -> Result<(), String> {
        std::panic::catch_unwind(|| accepted_face_sets_text(data))
            .unwrap_or_else(|_| panic!("{label}: panicked"))
    }

    #[test]
    fn the_office_font_fixture_passes_the_check() {
        never_panics("whole", FAKE_FANGSONG).unwrap();
    }

    #[test]
    fn a_face_without_head_is_refused_by_name() {
        // The table directory keeps its size: the head record renamed to a tag nobody reads.
        let mut data = FAKE_FANGSONG.to_vec();
        let n = u16::from_be_bytes([data[4], data[5]]) as usize;
        let rec = (0..n)
            .map(|i| 12 + 16 * i)
            .find(|r| &data[*r..*r + 4] == b"head");
        let rec = rec.expect("the fixture has a head table");
        data[rec..rec + 4].copy_from_slice(b"zzzz");
        let err = check_face(&data, 0).unwrap_err();
        assert!(err.contains("head"), "{err}");
    }

    #[test]
    fn a_cut_or_damaged_font_is_refused_or_works_never_panics() {
        // Cut anywhere: the check refuses it (or it is still whole enough to set text).
        for len in (0..FAKE_FANGSONG.len()).step_by(53) {
            let cut = &FAKE_FANGSONG[..len];
            if let Ok(()) = never_panics(&format!("cut at {len}"), cut) {
                panic!("a font cut at {len} of {} passed", FAKE_FANGSONG.len());
            }
        }
        // Bytes overwritten inside each table, at its start, middle and end.
        let n = u16::from_be_bytes([FAKE_FANGSONG[4], FAKE_FANGSONG[5]]) as usize;
        for i in 0..n {
            let r = &FAKE_FANGSONG[12 + 16 * i..28 + 16 * i];
            let at = u32::from_be_bytes(r[8..12].try_into().unwrap()) as usize;
            let len = u32::from_be_bytes(r[12..16].try_into().unwrap()) as usize;
            let tag = String::from_utf8_lossy(&r[0..4]).to_string();
            for pos in (0..len).step_by(len / 40 + 1) {
                for fill in [0x00, 0xFF, 0x7F] {
                    let mut data = FAKE_FANGSONG.to_vec();
                    let end = (at + pos + 8).min(at + len);
                    data[at + pos..end].fill(fill);
                    let _ = never_panics(&format!("{tag}+{pos} = {fill:#x}"), &data);
                }
            }
        }
    }

    #[test]
    fn an_empty_or_foreign_file_is_no_font() {
        assert!(check_face(&[], 0).unwrap_err().contains("0 字节"));
        assert!(check_face(b"not a font at all, just text", 0).is_err());
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("仿宋_GB2312.ttf");
        std::fs::write(&empty, b"").unwrap();
        assert!(scan_file(&empty).unwrap_err().contains("0 字节"));
        let text = dir.path().join("黑体.ttf");
        std::fs::write(&text, "黑体").unwrap();
        assert!(scan_file(&text).is_err());
    }

    #[test]
    fn scans_family_names_from_a_font_folder() {
        let mut warnings = Vec::new();
        let found = discover(
            &[PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts"))],
            &mut warnings,
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        let names: Vec<&String> = found.iter().flat_map(|f| &f.names).collect();
        assert!(names.iter().any(|n| *n == "AR PL SungtiL GB"), "{names:?}");
        assert!(names.iter().any(|n| *n == "文泉驿微米黑"), "{names:?}");
    }
}
