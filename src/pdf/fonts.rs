//! Which faces set the speech: the office fonts when the machine has them, else the free faces
//! compiled into the binary; each face checked before it is chosen. The PDF writer (krilla)
//! embeds the chosen faces as they are, subset to the glyphs printed.

mod dirs;
mod files;
mod names;

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, MetadataProvider};

use super::{FontChoice, PdfError, PdfOptions};

static SONG: &[u8] = include_bytes!("../../fonts/gbsn00lp.ttf");
static KAI: &[u8] = include_bytes!("../../fonts/gkai00mp.ttf");
static HEI: &[u8] = include_bytes!("../../fonts/wqy-microhei.ttf");
/// The title's stand-in for 方正小标宋: a heavy Song (Noto Serif CJK SC Bold, CFF outlines, cut
/// to GB 2312 and the marks the speech uses; fonts/README.md), as GB/T 9704 sets the title.
static SERIF_BOLD: &[u8] = include_bytes!("../../fonts/NotoSerifCJKsc-Bold-GB2312.otf");

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
            Role::Heading => 2,
            Role::Title => 3,
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

impl Face {
    /// Hands back to the kernel the memory pages of a compiled-in face, once it is subset.
    ///
    /// Why: a compiled-in face is read where the executable is mapped, and the kernel maps a
    /// file's pages 64 KB around each page read (fault-around), so subsetting the few hundred
    /// glyphs a speech prints, scattered over a 5 MB face, leaves nearly all of the face
    /// resident: 11 of a render's 25 MiB at its peak. Dropping the mapping changes nothing for
    /// a reader: the pages are clean copies of the executable's file, which cannot be written
    /// while it runs (ETXTBSY), and a later read (the digest stamp, the next render) maps them
    /// again from the page cache. Only the compiled-in faces are ever released (found by
    /// address, not by `path`): a face read into the heap would be zeroed by the same call.
    pub fn release_pages(&self) {
        let data: &[u8] = (*self.data).as_ref();
        let compiled_in = [SONG, KAI, HEI, SERIF_BOLD]
            .into_iter()
            .find(|face| std::ptr::eq(face.as_ptr(), data.as_ptr()) && face.len() == data.len());
        if let Some(face) = compiled_in {
            release_mapped(face);
        }
    }
}

/// `madvise(MADV_DONTNEED)` over the whole pages inside `data`, a read-only mapping of a file.
#[cfg(target_os = "linux")]
fn release_mapped(data: &'static [u8]) {
    // SAFETY: sysconf has no preconditions.
    let page = match unsafe { libc::sysconf(libc::_SC_PAGESIZE) } {
        p if p > 0 => p as usize,
        _ => return,
    };
    let start = (data.as_ptr() as usize).next_multiple_of(page);
    let end = (data.as_ptr() as usize + data.len()) / page * page;
    if end > start {
        // SAFETY: [start, end) lies inside `data`, a static that is a private, read-only
        // mapping of the executable (checked by the caller); discarding its pages makes the
        // next read fault them in again from the same file, so `data` reads as before. A
        // failure leaves the pages mapped, which is harmless.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn release_mapped(_data: &'static [u8]) {}

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

    pub fn parse(&self) -> FontRef<'_> {
        // A face from a font folder is in a FaceSet only once `check_face` accepted it, and the
        // bundled faces are tested: this cannot fail.
        FontRef::from_index(self.bytes(), self.index).expect("face checked when chosen")
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
    /// The Song face page numbers are set in (GB/T 9704 7.5: 4号半角宋体): the office 宋体 when
    /// found, else the bundled Song (the body's stand-in), whatever face the body is.
    song: usize,
    warnings: Vec<String>,
    notes: Vec<String>,
    /// Per face, its ink height (`ink_height`), measured on first use and kept for every
    /// document this set lays out.
    ink: Vec<OnceLock<Option<f64>>>,
    /// How many layouts are reading the faces right now (`FaceSet::reading`): a face's pages
    /// are handed back only by the last one (`FaceSet::release_pages`).
    readers: Arc<AtomicUsize>,
}

/// A layout reading a `FaceSet`'s faces, from `FaceSet::reading` until dropped.
pub struct Reading<'a>(&'a AtomicUsize);

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The hundred most common ideographs (every GB2312 face has them) whose mean ink height stands for a face's:
/// measured once per face rather than on every glyph a document prints, so the lead sentences'
/// size does not depend on the speech's words and costs nothing after the first document.
const INK_SAMPLE: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本";

impl FaceSet {
    /// Marks a layout reading the faces until the guard is dropped.
    pub fn reading(&self) -> Reading<'_> {
        self.readers.fetch_add(1, Ordering::AcqRel);
        Reading(&self.readers)
    }

    /// Hands back face `i`'s pages once it is subset (`Face::release_pages`), unless another
    /// layout is reading the faces at the same time (renders of several facts files on every
    /// core): that one would only map them in again, and each release costs every core a
    /// flush of its address cache. Releasing is always safe; this only saves the work.
    pub fn release_pages(&self, i: usize) {
        if self.readers.load(Ordering::Acquire) <= 1 {
            self.faces[i].release_pages();
        }
    }

    /// What the user should know about the choice: font files that were skipped, and why (each
    /// names its file). The caller prints them; they never stop a render.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// What the user should know about the choice: one 提示 naming each office face that was
    /// not found and what stands in for it. Empty with `--fonts bundled`.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    pub fn for_role(&self, role: Role) -> usize {
        self.role_face[role as usize]
    }

    /// The Song face of the page numbers: 宋体 (SimSun) when found, else the bundled Song.
    pub fn song(&self) -> usize {
        self.song
    }

    /// The mean ink height of face `i`'s ideographs, in ems (AR PL KaitiM GB 0.83, SungtiL
    /// 0.92), over `INK_SAMPLE`; None for a face without them.
    pub fn ink_height(&self, i: usize) -> Option<f64> {
        let face = &self.faces[i];
        let bundled = BUNDLED_INK
            .iter()
            .find(|(family, _)| face.path.is_none() && *family == face.family);
        match bundled {
            Some((_, ink)) => Some(*ink),
            None => *self.ink[i].get_or_init(|| measure_ink(face)),
        }
    }

    /// The face that sets `c` in `role`: the role's own face when it has the character, else the
    /// bundled face of the same style (Song for a 仿宋 body), else any face that has it.
    pub fn resolve(&self, role: Role, c: char) -> Option<usize> {
        let own = self.for_role(role);
        let candidates = [own, role.bundled()]
            .into_iter()
            .chain(Role::ALL.iter().map(|r| self.for_role(*r)))
            .chain(0..self.faces.len());
        candidates.into_iter().find(|&i| self.maps(i, c))
    }

    /// Whether face `i` has a glyph for `c` (the face's best Unicode cmap subtable), reading
    /// only the table directory and the cmap rather than the whole face for each character of
    /// a speech.
    pub(crate) fn maps(&self, i: usize, c: char) -> bool {
        let face = &self.faces[i];
        FontRef::from_index(face.bytes(), face.index)
            .ok()
            .and_then(|f| f.charmap().map(c))
            .is_some_and(|g| g.to_u32() != 0)
    }
}

/// `measure_ink` of the compiled-in faces (a test keeps these equal): sizing a lead sentence
/// then outlines none of their glyphs, nor pages in a hundred of them from the binary.
const BUNDLED_INK: [(&str, f64); 4] = [
    ("AR PL SungtiL GB", 0.90798828125),
    ("AR PL KaitiM GB", 0.808603515625),
    ("WenQuanYi Micro Hei", 0.87625),
    ("Noto Serif CJK SC", 0.9198000000000001),
];

/// The mean ink height of a face's ideographs in `INK_SAMPLE`, in ems.
fn measure_ink(face: &Face) -> Option<f64> {
    let f = face.parse();
    let upem = f64::from(f.head().ok()?.units_per_em());
    let charmap = f.charmap();
    let metrics = f.glyph_metrics(Size::unscaled(), LocationRef::default());
    let heights: Vec<f64> = INK_SAMPLE
        .chars()
        .filter_map(|c| metrics.bounds(charmap.map(c)?))
        .filter(|b| b.y_max > b.y_min)
        .map(|b| f64::from(b.y_max - b.y_min) / upem)
        .collect();
    (!heights.is_empty()).then(|| heights.iter().sum::<f64>() / heights.len() as f64)
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
        face("Noto Serif CJK SC", SERIF_BOLD),
    ]
}

/// Chooses a face for each role: with `FontChoice::Auto` the best-ranked office font found that
/// passes `check_face`, else the bundled face. A font file that cannot be used is skipped with a
/// warning, never an error: the bundled faces can always set the speech.
pub fn choose(opts: &PdfOptions) -> Result<FaceSet, PdfError> {
    let mut faces = bundled_faces();
    let mut role_face = Role::ALL.map(Role::bundled);
    let mut song = Role::Body.bundled();
    let mut warnings = Vec::new();
    let mut office = [false; 4];
    // Faces whose licence forbids embedding, each named once in a 提示 (not a warning: the
    // file is fine, only not ours to embed).
    let mut restricted: Vec<String> = Vec::new();
    if matches!(opts.fonts, FontChoice::Auto) {
        let found = files::discover(&opts.font_dirs, &mut warnings);
        // Per face of a file: its index in `faces`, or None when it was found broken.
        let mut loaded: HashMap<(PathBuf, u32), Option<usize>> = HashMap::new();
        // Per file: its bytes, shared by the faces of one collection (a .ttc), read once.
        let mut files_read: HashMap<PathBuf, Result<Arc<Vec<u8>>, String>> = HashMap::new();
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
                    match load(hit, &family, &mut files_read) {
                        Ok(face) => {
                            faces.push(face);
                            Some(faces.len() - 1)
                        }
                        Err(reason) if reason == RESTRICTED => {
                            restricted.push(format!(
                                "提示：字体文件 {}（{family}）的许可禁止嵌入文档，不写入 PDF，改用其他字体",
                                hit.path.display()
                            ));
                            None
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
                    office[role as usize] = true;
                    break;
                }
            }
        }
        // The page numbers' Song: the first office 宋体 that loads (a broken one is passed
        // over quietly: the bundled Song sets the numbers as well).
        let songs = SONG_FAMILIES.iter().flat_map(|want| {
            found
                .iter()
                .filter(move |f| f.names.iter().any(|n| same_family(n, want)))
        });
        for hit in songs {
            let key = (hit.path.clone(), hit.index);
            if let Some(Some(idx)) = loaded.get(&key) {
                song = *idx;
                break;
            }
            let family = SONG_FAMILIES
                .iter()
                .find(|w| hit.names.iter().any(|n| same_family(n, w)))
                .map_or_else(|| hit.names[0].clone(), |s| s.to_string());
            if let Ok(face) = load(hit, &family, &mut files_read) {
                faces.push(face);
                loaded.insert(key, Some(faces.len() - 1));
                song = faces.len() - 1;
                break;
            }
        }
    }
    let notes = match opts.fonts {
        FontChoice::Auto => restricted
            .into_iter()
            .chain(missing_office_faces(&faces, &role_face, &office))
            .collect(),
        FontChoice::Bundled => Vec::new(),
    };
    Ok(FaceSet {
        ink: vec![OnceLock::new(); faces.len()],
        readers: Arc::default(),
        faces,
        role_face,
        song,
        warnings,
        notes,
    })
}

/// Family names of the office Song face the page numbers are set in, best first.
const SONG_FAMILIES: &[&str] = &["宋体", "SimSun", "新宋体", "NSimSun", "华文宋体", "STSong"];

/// The 提示 for the roles no office face was found for: “提示：未找到方正小标宋简体，标题改用
/// WenQuanYi Micro Hei；…；安装该字体或用 --font-dir 指定其所在文件夹”. One line, so that a
/// render prints it once however many faces are missing. A role whose office file was found but
/// skipped as broken is named here too (its warning says why).
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

/// Reads a found face (a collection's file once for all its faces) and checks it, or says why
/// it cannot be used.
fn load(
    hit: &files::Found,
    family: &str,
    files_read: &mut HashMap<PathBuf, Result<Arc<Vec<u8>>, String>>,
) -> Result<Face, String> {
    let data = files_read
        .entry(hit.path.clone())
        .or_insert_with(|| {
            crate::input::read(&hit.path, crate::input::FONT_LIMIT)
                .map(Arc::new)
                .map_err(|e| format!("读取失败（{e}）"))
        })
        .clone()?;
    check_face(data.clone(), hit.index)?;
    Ok(Face {
        family: family.to_string(),
        data,
        index: hit.index,
        path: Some(hit.path.clone()),
    })
}

/// Checks everything the layout later relies on in face `index` of a file (a single font or a
/// collection), so that a broken or unsuitable file is skipped when the faces are chosen
/// instead of failing (or panicking) in the middle of a render: every table inside the file,
/// head, hhea, maxp, outlines (TrueType glyf/loca with sane locations, or CFF/CFF2), advances
/// (hmtx) and a Unicode cmap pointing at existing glyphs; a licence that allows embedding
/// (OS/2 fsType); then a trial through the same code a render runs (measured, written as a
/// one-page PDF by krilla, which subsets the face).
fn check_face(data: Arc<Vec<u8>>, index: u32) -> Result<(), String> {
    let probe = check_tables(&data, index)?;
    super::write::trial(data, index, &probe)
}

/// The structural part of `check_face`: Ok gives the characters to try the face with.
fn check_tables(data: &[u8], index: u32) -> Result<BTreeSet<char>, String> {
    if data.is_empty() {
        return Err("文件是空的（0 字节）".into());
    }
    let face = FontRef::from_index(data, index).map_err(|e| {
        use skrifa::raw::ReadError as E;
        match e {
            E::InvalidCollectionIndex(_) => "字体集合（.ttc）文件不完整或已损坏".to_string(),
            E::InvalidTtc(_) | E::InvalidSfnt(_) => "不是 TrueType 字体文件".to_string(),
            _ => "字体文件已损坏".to_string(),
        }
    })?;
    tables_inside(data, &face)?;
    face.head()
        .map_err(|_| "缺少 head 表（字体头），或该表已损坏".to_string())?;
    face.hhea()
        .map_err(|_| "缺少 hhea 表（水平排版信息），或该表已损坏".to_string())?;
    let glyphs = face
        .maxp()
        .map_err(|_| "缺少 maxp 表（字形数），或该表已损坏".to_string())?
        .num_glyphs();
    // As krilla decides: a face with a glyf table is TrueType, else CFF outlines.
    let has_glyf = face.table_data(skrifa::Tag::new(b"glyf")).is_some();
    let cff = !has_glyf && (face.cff().is_ok() || face.cff2().is_ok());
    if !has_glyf && !cff {
        return Err("没有可用的字形轮廓（glyf/loca 表或 CFF 表）".into());
    }
    if face.hmtx().is_err() {
        return Err("缺少 hmtx 表（字宽）".into());
    }
    if !cff {
        loca_inside_glyf(&face, glyphs)?;
    }
    if let Some(reason) = embedding_forbidden(&face) {
        return Err(reason);
    }
    // The subsetter trusts the cmap: a glyph number past the font's last glyph panics it.
    let (mut mapped, mut past_end) = (BTreeSet::new(), None);
    for (cp, g) in face.charmap().mappings() {
        match g.to_u32() {
            g if g >= u32::from(glyphs) => past_end = past_end.or(Some(cp)),
            0 => {}
            _ if mapped.len() < 64 => mapped.extend(char::from_u32(cp)),
            _ => {}
        }
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
    let probe: BTreeSet<char> = if face.charmap().map('中').is_some_and(|g| g.to_u32() != 0) {
        BTreeSet::from(['中'])
    } else {
        mapped.into_iter().take(4).collect()
    };
    zero_advance(&face, probe.iter().copied().chain('0'..='9'))?;
    Ok(probe)
}

/// Refuses a face whose characters take no room: a glyph of 中 or a digit with an advance of
/// 0 (a broken hmtx, seen in a face whose 37 and 126 printed as glyphs on top of each other).
/// Only characters the face maps are asked; a mark that combines may take no room, these never.
fn zero_advance(face: &FontRef<'_>, chars: impl Iterator<Item = char>) -> Result<(), String> {
    let Ok(hmtx) = face.hmtx() else {
        return Err("缺少 hmtx 表（字宽）".into());
    };
    let charmap = face.charmap();
    for c in chars {
        let Some(glyph) = charmap.map(c).filter(|g| g.to_u32() != 0) else {
            continue;
        };
        if hmtx.advance(glyph).unwrap_or(0) == 0 {
            return Err(format!(
                "字宽（hmtx 表）为 0：“{c}”等字符不占位置，印出来会叠在一起"
            ));
        }
    }
    Ok(())
}

/// Why a face's licence forbids embedding it in a document, if it does: OS/2 fsType 2
/// (Restricted License embedding, OpenType spec), unless an embedding bit (4, 8) allows it
/// after all. A PDF that carries such a face breaks its licence, and PDF/A refuses it.
fn embedding_forbidden(face: &FontRef<'_>) -> Option<String> {
    let fs_type = face.os2().ok()?.fs_type();
    (fs_type & 0x000E == 0x0002).then(|| RESTRICTED.to_string())
}

/// Why a face is not used when its licence forbids embedding (`embedding_forbidden`).
const RESTRICTED: &str = "字体许可禁止嵌入文档（OS/2 fsType 为“受限”），不能写入 PDF";

/// The glyph locations (loca) rise and stay inside the outlines (glyf): the subsetter reads
/// every glyph it keeps through them.
fn loca_inside_glyf(face: &FontRef<'_>, glyphs: u16) -> Result<(), String> {
    let missing = || "缺少 loca 或 glyf 表（字形位置与轮廓）".to_string();
    let loca = face
        .table_data(skrifa::Tag::new(b"loca"))
        .ok_or_else(missing)?;
    let glyf = face
        .table_data(skrifa::Tag::new(b"glyf"))
        .ok_or_else(missing)?;
    let (loca, glyf) = (loca.as_bytes(), glyf.as_bytes());
    let long = face
        .head()
        .map_err(|_| "缺少 head 表（字体头），或该表已损坏".to_string())?
        .index_to_loc_format()
        != 0;
    let offsets: Vec<usize> = if long {
        loca.chunks_exact(4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .collect()
    } else {
        loca.chunks_exact(2)
            .map(|b| 2 * usize::from(u16::from_be_bytes([b[0], b[1]])))
            .collect()
    };
    let glyphs = usize::from(glyphs);
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
fn tables_inside(data: &[u8], face: &FontRef<'_>) -> Result<(), String> {
    for rec in face.table_directory.table_records() {
        let end = u64::from(rec.offset()) + u64::from(rec.length());
        if end > data.len() as u64 {
            let tag = rec.tag().to_string().trim().to_string();
            return Err(format!(
                "文件不完整：{tag} 表超出了文件末尾（文件只有 {} 字节），可能复制时被截断",
                data.len()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_faces_parse_and_have_outlines() {
        for f in bundled_faces() {
            let p = f.parse();
            assert!(p.glyf().is_ok() || p.cff().is_ok(), "{}", f.family);
            assert!(p.charmap().map('中').is_some(), "{}", f.family);
        }
    }

    #[test]
    fn bundled_ink_heights_are_what_the_faces_measure() {
        let faces = bundled_faces();
        assert_eq!(faces.len(), BUNDLED_INK.len());
        for (face, (family, ink)) in faces.iter().zip(BUNDLED_INK) {
            assert_eq!(face.family, family);
            assert_eq!(measure_ink(face), Some(ink), "{family}");
        }
        // An office face (one with a file) is measured, whatever its family is called.
        let mut office = faces[1].clone();
        office.family = "AR PL SungtiL GB".into();
        office.path = Some(PathBuf::from("/fonts/kai.ttf"));
        let set = FaceSet {
            ink: vec![OnceLock::new()],
            readers: Arc::default(),
            faces: vec![office],
            role_face: [0; 4],
            song: 0,
            warnings: Vec::new(),
            notes: Vec::new(),
        };
        assert_eq!(set.ink_height(0), Some(BUNDLED_INK[1].1));
    }

    #[test]
    fn bundled_choice_ignores_the_system() {
        let opts = PdfOptions {
            fonts: FontChoice::Bundled,
            font_dirs: vec![],
            standard: None,
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
            standard: None,
        })
        .unwrap();
        assert_eq!(set.resolve(Role::Body, '\u{20000}'), None);
        assert_eq!(set.resolve(Role::Body, '党'), Some(0));
    }

    #[test]
    fn metrics_keep_the_characters_and_scale_advances_at_full_precision() {
        let face = &bundled_faces()[0];
        let chars: BTreeSet<char> = "党建工作1".chars().collect();
        let m = crate::pdf::layout::Metrics::new(face, &chars, 0.5).unwrap();
        // 1024 units of a 1024-unit em, halved: exactly half the size, nothing truncated.
        assert_eq!(m.advance('党', 16), 8.0);
        assert!(m.glyph('党').is_some_and(|g| g != 0));
        assert!(m.glyph('市').is_none());
        let missing: BTreeSet<char> = ['\u{20000}'].into();
        assert!(crate::pdf::layout::Metrics::new(face, &missing, 1.0).is_err());
    }

    const FAKE_FANGSONG: &[u8] = include_bytes!("../../tests/fixtures/fonts/fake-fangsong.ttf");
    /// The same characters with CFF outlines (from Noto Serif CJK SC).
    const FAKE_FANGSONG_CFF: &[u8] =
        include_bytes!("../../tests/fixtures/fonts-cff/fake-fangsong-cff.otf");

    /// `check_face` of bytes that are not shared yet.
    fn check_face(data: &[u8], index: u32) -> Result<(), String> {
        super::check_face(Arc::new(data.to_vec()), index)
    }

    /// What a render does with face `index` once `check_face` accepted it: measure every
    /// character it maps as the layout does, and write them all into a PDF as a render does
    /// (krilla subsets the face, CFF as it is). Never a panic; an error only for a face that
    /// was refused.
    fn accepted_face_sets_text(data: &[u8], index: u32) -> Result<(), String> {
        check_face(data, index)?;
        let face = FontRef::from_index(data, index).expect("checked");
        let chars: BTreeSet<char> = (face.charmap().mappings())
            .filter(|(_, g)| g.to_u32() != 0)
            .filter_map(|(cp, _)| char::from_u32(cp))
            .collect();
        // A damaged glyph the trial did not meet may still fail here: as an error, not a panic.
        let _ = super::super::write::trial(Arc::new(data.to_vec()), index, &chars);
        Ok(())
    }

    fn never_panics(label: &str, data: &[u8], index: u32) -> Result<(), String> {
        std::panic::catch_unwind(|| accepted_face_sets_text(data, index))
            .unwrap_or_else(|_| panic!("{label}: panicked"))
    }

    /// A .ttc collection of whole single fonts, each placed after the header with its table
    /// offsets moved to where it lies.
    fn collection(fonts: &[&[u8]]) -> Vec<u8> {
        let header = 12 + 4 * fonts.len();
        let mut out = b"ttcf".to_vec();
        out.extend(0x0001_0000u32.to_be_bytes());
        out.extend((fonts.len() as u32).to_be_bytes());
        out.resize(header, 0);
        for (i, font) in fonts.iter().enumerate() {
            let at = out.len();
            out[12 + 4 * i..16 + 4 * i].copy_from_slice(&(at as u32).to_be_bytes());
            out.extend_from_slice(font);
            let n = u16::from_be_bytes([font[4], font[5]]) as usize;
            for t in 0..n {
                let rec = at + 12 + 16 * t + 8;
                let off = u32::from_be_bytes(out[rec..rec + 4].try_into().unwrap());
                out[rec..rec + 4].copy_from_slice(&(off + at as u32).to_be_bytes());
            }
            while !out.len().is_multiple_of(4) {
                out.push(0);
            }
        }
        out
    }

    /// Where the table `tag` of the single font `data` lies: (offset, length).
    fn table_at(data: &[u8], tag: &[u8; 4]) -> Option<(usize, usize)> {
        let n = u16::from_be_bytes([data[4], data[5]]) as usize;
        (0..n)
            .map(|i| &data[12 + 16 * i..28 + 16 * i])
            .find_map(|r| {
                (&r[0..4] == tag).then(|| {
                    (
                        u32::from_be_bytes(r[8..12].try_into().unwrap()) as usize,
                        u32::from_be_bytes(r[12..16].try_into().unwrap()) as usize,
                    )
                })
            })
    }

    #[test]
    fn the_office_font_fixture_passes_the_check() {
        never_panics("whole", FAKE_FANGSONG, 0).unwrap();
    }

    #[test]
    fn a_cff_face_passes_the_check_and_sets_its_characters() {
        never_panics("whole", FAKE_FANGSONG_CFF, 0).unwrap();
        let chars: BTreeSet<char> = "党建工作，2024".chars().collect();
        let face = Face {
            family: "仿宋_GB2312".into(),
            data: Arc::new(FAKE_FANGSONG_CFF),
            index: 0,
            path: None,
        };
        assert!(face.parse().cff().is_ok() && face.parse().glyf().is_err());
        let m = crate::pdf::layout::Metrics::new(&face, &chars, 0.98).unwrap();
        assert!(chars.iter().all(|c| m.glyph(*c).is_some_and(|g| g != 0)));
        super::super::write::trial(face.data.clone(), 0, &chars).unwrap();
    }

    #[test]
    fn each_face_of_a_collection_is_checked_on_its_own() {
        let mut broken_cff = FAKE_FANGSONG_CFF.to_vec();
        // The outlines of the CFF face wiped: its table directory and names still read.
        let (at, len) = table_at(&broken_cff, b"CFF ").unwrap();
        broken_cff[at..at + len].fill(0);
        let ttc = collection(&[FAKE_FANGSONG, &broken_cff, FAKE_FANGSONG_CFF]);
        never_panics("face 0", &ttc, 0).unwrap();
        let err = never_panics("face 1", &ttc, 1).unwrap_err();
        assert!(err.contains("字形轮廓"), "{err}");
        never_panics("face 2", &ttc, 2).unwrap();
        let err = check_face(&ttc, 3).unwrap_err();
        assert!(err.contains(".ttc"), "{err}");
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

    /// Cut anywhere: the check refuses the face (or it is still whole enough to set text);
    /// bytes overwritten inside each table, at its start, middle and end: never a panic.
    fn refused_or_works_when_cut_or_damaged(font: &[u8]) {
        for len in (0..font.len()).step_by(53) {
            let cut = &font[..len];
            if let Ok(()) = never_panics(&format!("cut at {len}"), cut, 0) {
                panic!("a font cut at {len} of {} passed", font.len());
            }
        }
        let n = u16::from_be_bytes([font[4], font[5]]) as usize;
        for i in 0..n {
            let r = &font[12 + 16 * i..28 + 16 * i];
            let at = u32::from_be_bytes(r[8..12].try_into().unwrap()) as usize;
            let len = u32::from_be_bytes(r[12..16].try_into().unwrap()) as usize;
            let tag = String::from_utf8_lossy(&r[0..4]).to_string();
            for pos in (0..len).step_by(len / 40 + 1) {
                for fill in [0x00, 0xFF, 0x7F] {
                    let mut data = font.to_vec();
                    let end = (at + pos + 8).min(at + len);
                    data[at + pos..end].fill(fill);
                    let _ = never_panics(&format!("{tag}+{pos} = {fill:#x}"), &data, 0);
                }
            }
        }
    }

    #[test]
    fn a_cut_or_damaged_font_is_refused_or_works_never_panics() {
        refused_or_works_when_cut_or_damaged(FAKE_FANGSONG);
    }

    #[test]
    fn a_cut_or_damaged_cff_font_is_refused_or_works_never_panics() {
        refused_or_works_when_cut_or_damaged(FAKE_FANGSONG_CFF);
    }

    #[test]
    fn a_cut_or_damaged_face_of_a_collection_is_refused_or_works_never_panics() {
        // The second face of a collection cut or damaged: the first is untouched.
        let ttc = collection(&[FAKE_FANGSONG, FAKE_FANGSONG_CFF]);
        let second = u32::from_be_bytes(ttc[16..20].try_into().unwrap()) as usize;
        for len in (second..ttc.len()).step_by(97) {
            let cut = &ttc[..len];
            never_panics("first face", cut, 0).unwrap();
            if let Ok(()) = never_panics(&format!("cut at {len}"), cut, 1) {
                panic!("a collection cut at {len} of {} passed", ttc.len());
            }
        }
        for pos in (second..ttc.len()).step_by(29) {
            let mut data = ttc.clone();
            let end = (pos + 8).min(data.len());
            data[pos..end].fill(0xFF);
            never_panics("first face", &data, 0).unwrap();
            let _ = never_panics(&format!("+{pos}"), &data, 1);
        }
    }

    #[test]
    fn an_empty_or_foreign_file_is_no_font() {
        assert!(check_face(&[], 0).unwrap_err().contains("0 字节"));
        assert!(check_face(b"not a font at all, just text", 0).is_err());
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("仿宋_GB2312.ttf");
        std::fs::write(&empty, b"").unwrap();
        assert!(files::scan_file(&empty).unwrap_err().contains("0 字节"));
        let text = dir.path().join("黑体.ttf");
        std::fs::write(&text, "黑体").unwrap();
        assert!(files::scan_file(&text).is_err());
    }
}
