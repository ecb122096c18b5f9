//! Speech-wide settings: `templates/speech.yaml`, beside the template and the figure declarations.
//!
//! Everything that belongs to one office's speech and not to the program lives here (who gives it,
//! what it is called), so the Rust code names no office. Read with the positioned YAML reader,
//! like the declarations: a wrong type or an unknown key is reported at its own line. A project
//! without the file gets the defaults (no author).
//!
//! ```yaml
//! title: 市直工委在全市机关党建工作推进会上的发言   # the speech's name (document properties)
//! author: 市直机关工委                           # who gives it (PDF metadata)
//! page_numbers: gbt9704                          # or centred
//! grid: compressed                               # or strict: 28 cells every full line
//! chars_per_minute: 220                          # speaking rate, for the speaking time
//! max_minutes: 15                                # warn when the speech is longer
//! date: 2021-06-30                               # the meeting's date (the files' creation date)
//! ```

use std::path::Path;

use crate::date::Date;
use crate::diagnostic::{Diagnostic, Location};
use crate::text::did_you_mean;
use crate::yaml::{self, Entry, Value, describe};

/// The keys, in the order the hint lists them.
const KEYS: &[&str] = &[
    "title",
    "author",
    "page_numbers",
    "grid",
    "chars_per_minute",
    "max_minutes",
    "date",
];

/// A plausible speaking rate, in characters a minute: slower than anyone reads aloud to faster.
const CHARS_PER_MINUTE: std::ops::RangeInclusive<i64> = 60..=600;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The speech's name, for document properties (PDF Title, the HTML page's title); the printed
    /// heading stays the template's `# …` line. None: the template's heading.
    pub title: Option<String>,
    /// Who gives the speech (the office), written into the PDF's metadata. None: no author.
    pub author: Option<String>,
    /// Where page numbers stand.
    pub page_numbers: PageNumbers,
    /// How the PDF fills its lines on the 28-column grid.
    pub grid: Grid,
    /// Speaking rate for the speaking time, characters a minute.
    pub chars_per_minute: u32,
    /// The longest the speech may take to give, in minutes; None: no limit.
    pub max_minutes: Option<u32>,
    /// Where `max_minutes` stands in the file, and that line as written: the warning for a speech
    /// that runs longer points there, without reading the file again.
    pub max_minutes_at: Option<(Location, Option<String>)>,
    /// The meeting's date: the creation date the PDF (PDF/A needs one) and the Word file
    /// declare. None: `SOURCE_DATE_EPOCH`, else 1 January of the facts' year (`Date::of_inputs`).
    pub date: Option<Date>,
}

/// Where page numbers stand on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageNumbers {
    /// GB/T 9704-2012 7.5: odd pages right, even pages left, one character from the edge.
    #[default]
    Gbt9704,
    /// Centred below the text on every page.
    Centred,
}

impl PageNumbers {
    const NAMES: &[(&str, PageNumbers)] = &[
        ("gbt9704", PageNumbers::Gbt9704),
        ("centred", PageNumbers::Centred),
    ];
}

/// How full lines are filled on the 28-column grid of GB/T 9704.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grid {
    /// A line takes one more character where compressing its marks (a quarter cell each at
    /// most) makes room: fewer lines pushed down and spread, some lines of 29 characters.
    #[default]
    Compressed,
    /// Every full line holds 28 cells, as Word's document grid sets them: no mark compressed to
    /// fit one more (a mark sharing its blank half with the one beside it still counts a cell),
    /// so the columns align page over page. Pages that end well still win: the pagination may
    /// set one paragraph tighter to keep a last page from being near-empty.
    Strict,
}

impl Grid {
    const NAMES: &[(&str, Grid)] = &[("compressed", Grid::Compressed), ("strict", Grid::Strict)];
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            title: None,
            author: None,
            page_numbers: PageNumbers::default(),
            grid: Grid::default(),
            chars_per_minute: 220,
            max_minutes: None,
            max_minutes_at: None,
            date: None,
        }
    }
}

impl Settings {
    /// Reads `templates/speech.yaml`; a missing file means the defaults. Every problem is
    /// reported, each at its value (or, for an unknown key, at the key).
    pub fn load(path: &Path) -> Result<Settings, Vec<Diagnostic>> {
        match Settings::read(path).map_err(|d| vec![d])? {
            Some(bytes) => Settings::from_bytes(path, &bytes),
            None => Ok(Settings::default()),
        }
    }

    /// The file's bytes (see `yaml::read_bounded`); None when there is no such file, which
    /// means the defaults.
    pub fn read(path: &Path) -> Result<Option<Vec<u8>>, Diagnostic> {
        if let Err(e) = path.symlink_metadata()
            && e.kind() == std::io::ErrorKind::NotFound
        {
            return Ok(None);
        }
        yaml::read_bounded(path).map(Some)
    }

    /// The settings from the bytes of the file at `path`, as [`Settings::read`] read them.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Settings, Vec<Diagnostic>> {
        let doc = yaml::from_bytes(path, bytes).map_err(|d| vec![d])?;
        Settings::from_document(&doc)
    }

    pub fn from_document(doc: &yaml::Document) -> Result<Settings, Vec<Diagnostic>> {
        let mut settings = Settings::default();
        let mut errors = Vec::new();
        match &doc.root.value {
            Value::Map(entries) => {
                for entry in entries {
                    if let Err(d) = settings.set(doc, entry) {
                        errors.push(d);
                    }
                }
            }
            // An empty file (or only comments) is the defaults.
            Value::Null => {}
            _ => errors.push(
                doc.error(
                    "wrong-type",
                    doc.root.pos,
                    format!(
                        "speech.yaml 的最外层应是“键: 值”的设置，这里是{}",
                        describe(&doc.root)
                    ),
                )
                .with_hint("例如 author: 某某单位"),
            ),
        }
        if errors.is_empty() {
            Ok(settings)
        } else {
            Err(errors)
        }
    }

    fn set(&mut self, doc: &yaml::Document, entry: &Entry) -> Result<(), Diagnostic> {
        let value = &entry.value;
        let wrong = |what: &str, example: &str| {
            doc.error(
                "wrong-type",
                value.pos,
                format!("设置 {} 应是{what}，这里是{}", entry.key, describe(value)),
            )
            .with_hint(format!("例如 {}: {example}", entry.key))
        };
        // `key:` with nothing after it keeps the default.
        if value.value == Value::Null {
            return Ok(());
        }
        match entry.key.as_str() {
            "title" | "author" => {
                let text = match &value.value {
                    Value::Str(s) => s.trim().to_owned(),
                    _ => {
                        let example = if entry.key == "title" {
                            "某某单位在某某会议上的发言"
                        } else {
                            "某某单位"
                        };
                        return Err(wrong("一段文字", example));
                    }
                };
                if text.chars().any(char::is_control) {
                    return Err(doc
                        .error(
                            "wrong-type",
                            value.pos,
                            format!("设置 {} 中不能有换行、制表符等控制字符", entry.key),
                        )
                        .with_hint("写在一行之内"));
                }
                let text = (!text.is_empty()).then_some(text);
                if entry.key == "title" {
                    self.title = text;
                } else {
                    self.author = text;
                }
            }
            "page_numbers" => {
                self.page_numbers = named(
                    doc,
                    value,
                    PageNumbers::NAMES,
                    "设置 page_numbers 只能是 gbt9704（单页居右、双页居左）或 centred（居中）",
                    "page_numbers: gbt9704",
                )?;
            }
            "grid" => {
                self.grid = named(
                    doc,
                    value,
                    Grid::NAMES,
                    "设置 grid 只能是 compressed（默认：挤压标点以多排一字）或 strict（每行严格 28 格，与 Word 文档网格一致）",
                    "grid: strict",
                )?;
            }
            "chars_per_minute" => match value.value {
                Value::Int(n) if CHARS_PER_MINUTE.contains(&n) => self.chars_per_minute = n as u32,
                _ => {
                    return Err(wrong(
                        &format!(
                            "每分钟讲的字数，{} 到 {} 之间的整数",
                            CHARS_PER_MINUTE.start(),
                            CHARS_PER_MINUTE.end()
                        ),
                        "220",
                    ));
                }
            },
            "max_minutes" => match value.value {
                Value::Int(n) if (1..=600).contains(&n) => {
                    self.max_minutes = Some(n as u32);
                    self.max_minutes_at =
                        Some((doc.location(value.pos), doc.line_text(value.pos.line)));
                }
                _ => return Err(wrong("讲话的最长分钟数，一个正整数", "15")),
            },
            "date" => match value.as_str().and_then(Date::parse) {
                Some(date) => self.date = Some(date),
                None => return Err(wrong("会议的日期，写作 年-月-日", "2021-06-30")),
            },
            key => {
                let hint = match did_you_mean(key, KEYS) {
                    Some(s) => format!("是不是想写“{s}”？"),
                    None => format!("可以写的设置有：{}", KEYS.join("、")),
                };
                return Err(doc
                    .error("unknown-key", entry.key_pos, format!("未知的设置“{key}”"))
                    .with_hint(hint));
            }
        }
        Ok(())
    }
}

/// A setting whose value is one of `names`: the choice it names, or an error at the value saying
/// which are allowed (`only`) with the line as it could be (`hint`).
fn named<T: Copy>(
    doc: &yaml::Document,
    value: &yaml::Node,
    names: &[(&str, T)],
    only: &str,
    hint: &str,
) -> Result<T, Diagnostic> {
    let found = value
        .as_str()
        .and_then(|s| names.iter().find(|(n, _)| *n == s));
    match found {
        Some((_, choice)) => Ok(*choice),
        None => Err(doc
            .error(
                "wrong-type",
                value.pos,
                format!("{only}，这里是{}", describe(value)),
            )
            .with_hint(hint)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Settings, Vec<Diagnostic>> {
        let doc = yaml::parse(Path::new("templates/speech.yaml"), text.into()).unwrap();
        Settings::from_document(&doc)
    }

    #[test]
    fn every_key_is_read_and_missing_ones_default() {
        let s = read("title: 某某发言\nauthor: 某某单位\npage_numbers: centred\ngrid: strict\nchars_per_minute: 200\nmax_minutes: 15\n").unwrap();
        assert_eq!(s.grid, Grid::Strict);
        assert_eq!(s.title.as_deref(), Some("某某发言"));
        assert_eq!(s.author.as_deref(), Some("某某单位"));
        assert_eq!(s.page_numbers, PageNumbers::Centred);
        assert_eq!(s.chars_per_minute, 200);
        assert_eq!(s.max_minutes, Some(15));
        assert_eq!(
            read("date: 2021-06-30\n").unwrap().date,
            Date::parse("2021-06-30")
        );
        assert_eq!(read("author:\n").unwrap(), Settings::default());
        assert_eq!(read("# 只有注释\n").unwrap(), Settings::default());
        let d = Settings::default();
        assert_eq!(
            (d.page_numbers, d.grid, d.chars_per_minute, d.max_minutes),
            (PageNumbers::Gbt9704, Grid::Compressed, 220, None)
        );
    }

    #[test]
    fn a_missing_file_is_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            Settings::load(&dir.path().join("speech.yaml")).unwrap(),
            Settings::default()
        );
    }

    #[test]
    fn wrong_values_are_reported_at_the_value_all_in_one_go() {
        let errors = read(
            "author: 12\npage_numbers: left\nchars_per_minute: 5\nmax_minutes: -1\ngrid: word\n",
        )
        .unwrap_err();
        let at: Vec<(usize, usize, &str)> = errors
            .iter()
            .map(|d| {
                let l = d.location.as_ref().unwrap();
                (l.line, l.column, d.code)
            })
            .collect();
        assert_eq!(
            at,
            [
                (1, 9, "wrong-type"),
                (2, 15, "wrong-type"),
                (3, 19, "wrong-type"),
                (4, 14, "wrong-type"),
                (5, 7, "wrong-type")
            ]
        );
        assert!(
            errors[4].message.contains("strict"),
            "{}",
            errors[4].message
        );
        assert_eq!(errors[4].hint.as_deref(), Some("grid: strict"));
        assert_eq!(errors[0].hint.as_deref(), Some("例如 author: 某某单位"));
        assert!(
            errors[1].message.contains("gbt9704"),
            "{}",
            errors[1].message
        );
    }

    #[test]
    fn an_unknown_key_suggests_the_nearest() {
        let errors = read("title: 发言\nauthr: 某某单位\n").unwrap_err();
        let d = &errors[0];
        assert_eq!(d.code, "unknown-key");
        let l = d.location.as_ref().unwrap();
        assert_eq!((l.line, l.column), (2, 1));
        assert_eq!(d.hint.as_deref(), Some("是不是想写“author”？"));
        assert_eq!(d.source_line.as_deref(), Some("authr: 某某单位"));
    }
}
