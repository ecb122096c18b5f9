//! Typed fact reading: each fact is read through the kind of the figure or rule that needs it,
//! so a type error says what was expected ("应是整数") at the value's own line and column. Every
//! problem is reported and the reading goes on: one run shows them all.

use crate::diagnostic::Diagnostic;
use crate::facts::{Facts, Resolved};
use crate::text::{escape_invisible, is_invisible, is_scientific};
use crate::yaml::describe;
use crate::yaml::{Node, Pos, Value};

use super::declaration::{Declarations, FactRef};
use super::evaluate::Evaluator;

/// Why a fact could not be read: it decides the figure's status.
/// Ordered so that the worse of two problems (invalid beats unfilled) decides the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Problem {
    Unfilled,
    Invalid,
}

pub(super) type Read<T> = Result<T, Problem>;

impl<'a> Evaluator<'a> {
    pub(super) fn report(
        &mut self,
        code: &'static str,
        pos: Pos,
        fact: &str,
        message: String,
        hint: Option<String>,
    ) {
        let mut d = self.facts.doc.error(code, pos, message);
        d.fact = Some(fact.to_owned());
        d.figure = self.figure.map(|f| f.id.clone());
        d.hint = hint;
        self.diagnostics.push(d);
    }

    /// "（数据项 deputy_secretaries“已配备专职副书记”需要）" or nothing, to say who needs a fact.
    pub(super) fn needed_by(&self) -> String {
        match self.figure {
            Some(f) => format!("（数据项 {}“{}”需要）", f.id, f.label),
            None => String::new(),
        }
    }

    /// The nodes at a fact path; reports a missing or misplaced fact.
    pub(super) fn nodes(&mut self, fact: &FactRef) -> Read<Vec<(String, &'a Node)>> {
        match self.facts.resolve(&fact.path) {
            Resolved::Found(nodes) if nodes.is_empty() => {
                let prefix = fact.path.split(".*").next().unwrap_or(&fact.path);
                // At the empty value itself (the `[]`), not at its key.
                let value_pos = match self.facts.resolve(prefix) {
                    Resolved::Found(found) if found.len() == 1 => Some(found[0].1.pos),
                    _ => None,
                };
                let pos = value_pos
                    .or_else(|| self.facts.key_pos(prefix))
                    .unwrap_or(self.facts.doc.root.pos);
                let msg = format!("{} 是空的，至少要有一项{}", prefix, self.needed_by());
                self.report("unfilled", pos, &fact.path, msg, None);
                Err(Problem::Unfilled)
            }
            Resolved::Found(nodes) => Ok(nodes),
            Resolved::Missing { missing, .. } if self.typos.contains(&missing) => {
                Err(Problem::Unfilled)
            }
            Resolved::Missing {
                missing,
                parent: Some((parent, pos)),
            } => {
                let key = missing.rsplit('.').next().unwrap_or(&missing).to_owned();
                let msg = format!("缺少事实 {missing}{}", self.needed_by());
                // YAML as it is pasted: the key under its own parent, never a dotted path.
                let parent_key = parent.rsplit('.').next().unwrap_or(&parent);
                let hint = if parent_key.bytes().all(|b| b.is_ascii_digit()) {
                    format!(
                        "在第 {} 行开始的这一项里添加一行 {key}: 并在冒号后填入数值，与这一项的其他键对齐",
                        pos.line
                    )
                } else {
                    format!(
                        "在第 {} 行 {parent_key}: 下面添加一行 {key}: 并在冒号后填入数值，与同组的键对齐",
                        pos.line
                    )
                };
                self.report("unfilled", pos, &missing, msg, Some(hint));
                Err(Problem::Unfilled)
            }
            Resolved::Missing {
                missing,
                parent: None,
            } => {
                // Not even the group exists in the facts: point at the declaration that reads it.
                let mut d = self.decls.doc.error(
                    "missing-fact",
                    fact.pos,
                    format!(
                        "声明读取事实 {}，但 {} 中没有 {missing}{}",
                        fact.path,
                        self.facts.doc.path.display(),
                        self.needed_by()
                    ),
                );
                d.fact = Some(fact.path.clone());
                d.figure = self.figure.map(|f| f.id.clone());
                d.hint = Some(format!("在事实文件中添加 {missing}:，或改正这里的路径"));
                self.diagnostics.push(d);
                Err(Problem::Unfilled)
            }
            Resolved::NotAGroup { path, node } => {
                let msg = format!(
                    "{path} 应是一个分组（下面还有 {}），这里是{}",
                    fact.path,
                    describe(node)
                );
                self.report("wrong-type", node.pos, &fact.path, msg, None);
                Err(Problem::Invalid)
            }
        }
    }

    pub(super) fn null(&mut self, path: &str, node: &Node) -> Problem {
        let msg = format!("{path} 还没有填写{}", self.needed_by());
        self.report(
            "unfilled",
            node.pos,
            path,
            msg,
            Some("填入数值；不知道的数请向统计口径负责人核实".into()),
        );
        Problem::Unfilled
    }

    /// A number written with a sign or leading zeros (`+1380`, `037`): read as 1380 and 37 here,
    /// but `010` is 8 to YAML 1.1 tools (and to many spreadsheets' importers), so a file that two
    /// programs read differently is refused, with the plain number as the hint.
    pub(super) fn number_format(&mut self, path: &str, node: &Node) -> Read<()> {
        let Some(written) = node.written.as_deref() else {
            return Ok(());
        };
        let unsigned = written.trim_start_matches(['+', '-']);
        // A minus sign on a zero (`-0`) is a sign on a count too; on anything else it makes a
        // negative number, which its kind refuses or accepts on its own.
        let zero = unsigned.bytes().all(|b| matches!(b, b'0' | b'.'));
        let plus = written.starts_with('+') || (written.starts_with('-') && zero);
        let int_part = unsigned.split(['.', 'e', 'E']).next().unwrap_or("");
        let leading_zeros = int_part.len() > 1 && int_part.starts_with('0');
        if !plus && !leading_zeros {
            return Ok(());
        }
        let trimmed = int_part.trim_start_matches('0');
        let plain_int = if trimmed.is_empty() { "0" } else { trimmed };
        let plain = format!("{plain_int}{}", &unsigned[int_part.len()..]);
        let plain = if written.starts_with('-') && !zero {
            format!("-{plain}")
        } else {
            plain
        };
        let key = last_segment(path);
        let msg = if leading_zeros && int_part.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            let octal = u64::from_str_radix(int_part, 8).unwrap_or(0);
            format!(
                "{path} 写作 {written}：开头多了 0。这里读作 {plain}，但有的 YAML 工具按八进制读作 {octal}；请只写 {plain}"
            )
        } else if leading_zeros {
            format!("{path} 写作 {written}：开头多了 0；请只写 {plain}")
        } else {
            let sign = &written[..1];
            format!("{path} 写作 {written}：数字前不加“{sign}”号；请只写 {plain}")
        };
        self.report(
            "number-format",
            node.pos,
            path,
            msg,
            Some(format!("{key}: {plain}")),
        );
        Err(Problem::Invalid)
    }

    /// A whole number ≥ 0.
    pub(super) fn count_node(&mut self, path: &str, node: &Node) -> Read<u64> {
        let key = last_segment(path);
        match &node.value {
            Value::Int(i) if *i >= 0 => {
                self.number_format(path, node)?;
                Ok(*i as u64)
            }
            Value::Int(i) => {
                let msg = format!("{path} 是个数，不能为负数（这里是 {i}）");
                self.report("negative", node.pos, path, msg, None);
                Err(Problem::Invalid)
            }
            // Digits alone that do not fit in 64 bits: a typo (a doubled paste), not a fraction.
            Value::Float(_, text)
                if text
                    .trim_start_matches(['-', '+'])
                    .bytes()
                    .all(|b| b.is_ascii_digit()) =>
            {
                let msg = format!("{path} 为 {text}，数值太大，超出可处理的范围");
                self.report(
                    "out-of-range",
                    node.pos,
                    path,
                    msg,
                    Some("检查是否多粘贴了数字".into()),
                );
                Err(Problem::Invalid)
            }
            Value::Float(f, text) if is_scientific(text) => {
                let msg = format!("{path} 是个数，应是整数，这里是科学记数法 {text}");
                // 1e3 is 1000 exactly; 1.5e-1 is no whole number and gets no guessed one.
                let hint = (f.fract() == 0.0 && *f >= 0.0 && *f < 9.0e15)
                    .then(|| format!("{key}: {}", *f as u64));
                self.report("not-integer", node.pos, path, msg, hint);
                Err(Problem::Invalid)
            }
            Value::Float(_, text) => {
                let msg = format!("{path} 是个数，应是整数，这里是小数 {text}");
                self.report("not-integer", node.pos, path, msg, None);
                Err(Problem::Invalid)
            }
            Value::Null => Err(self.null(path, node)),
            Value::Str(s) if s.chars().any(is_full_width_digit) => {
                // Typed with the Chinese input method on: １２６ is 126 to a person, text to YAML.
                let half: String = s.chars().map(half_width).collect();
                let number = half.trim();
                let hint = if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
                    format!("{key}: {}", number.trim_start_matches('0').max("0"))
                } else {
                    "这里要填一个半角数字写的整数".to_owned()
                };
                let msg = format!(
                    "{path} 是全角数字“{}”（中文输入法下打出的）：应写半角数字",
                    escape_invisible(s)
                );
                self.report("wrong-type", node.pos, path, msg, Some(hint));
                Err(Problem::Invalid)
            }
            Value::Str(s) => {
                let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
                // "1,380", "1380人", "1 380": the number is clear, only its dress is wrong. With
                // other letters in it ("6a8") nobody can tell which number was meant.
                let only_dressed = s
                    .chars()
                    .all(|c| c.is_ascii_digit() || ",， _'".contains(c) || !c.is_ascii());
                let (msg, hint) = if !digits.is_empty() && only_dressed {
                    (
                        format!(
                            "{path} 应是整数，这里是{}：只写数字，不加千位分隔符、单位或引号",
                            describe(node)
                        ),
                        format!("{key}: {digits}"),
                    )
                } else {
                    (
                        format!("{path} 应是整数，这里是{}", describe(node)),
                        "这里要填一个整数".to_owned(),
                    )
                };
                self.report("wrong-type", node.pos, path, msg, Some(hint));
                Err(Problem::Invalid)
            }
            _ => {
                let msg = format!("{path} 应是整数，这里是{}", describe(node));
                self.report("wrong-type", node.pos, path, msg, None);
                Err(Problem::Invalid)
            }
        }
    }

    pub(super) fn count(&mut self, fact: &FactRef) -> Read<(u64, String, Pos)> {
        let nodes = self.nodes(fact)?;
        let (path, node) = nodes[0].clone();
        let n = self.count_node(&path, node)?;
        Ok((n, path, node.pos))
    }

    /// Every count a (possibly `*`) path reaches; all are checked before giving up.
    pub(super) fn counts(&mut self, fact: &FactRef) -> Read<Vec<(u64, String, Pos)>> {
        let nodes = self.nodes(fact)?;
        let mut out = Vec::new();
        let mut problem = None;
        for (path, node) in nodes {
            match self.count_node(&path, node) {
                Ok(n) => out.push((n, path, node.pos)),
                Err(p) => problem = problem.max(Some(p)),
            }
        }
        match problem {
            Some(p) => Err(p),
            None => Ok(out),
        }
    }

    /// One name or a list of names, none empty.
    pub(super) fn names(&mut self, path: &str, node: &Node) -> Read<Vec<String>> {
        let items: Vec<&Node> = match &node.value {
            Value::Null => return Err(self.null(path, node)),
            Value::Str(_) => vec![node],
            Value::Seq(items) if items.is_empty() => return Err(self.null(path, node)),
            Value::Seq(items) => items.iter().collect(),
            _ => {
                let msg = format!(
                    "{path} 应是名称（文字）或名称的列表，这里是{}",
                    describe(node)
                );
                self.report("wrong-type", node.pos, path, msg, None);
                return Err(Problem::Invalid);
            }
        };
        if let Some((pos, msg, hint)) = list_slip(&self.facts.doc.text, path, node) {
            self.report("list-slip", pos, path, msg, Some(hint));
            return Err(Problem::Invalid);
        }
        let mut names = Vec::new();
        for item in items {
            match &item.value {
                Value::Str(s) if s.chars().any(is_invisible) => {
                    let c = s.chars().find(|c| is_invisible(*c)).expect("found above");
                    let msg = format!(
                        "{path} 的名称“{}”中有看不见的{}（U+{:04X}）：印出来会断行、错乱或丢字",
                        escape_invisible(s),
                        invisible_name(c),
                        u32::from(c)
                    );
                    self.report(
                        "control-character",
                        item.pos,
                        path,
                        msg,
                        Some(
                            "把名称写在一行里，删去这个字符（从别处复制来的名称请重新输入）".into(),
                        ),
                    );
                    return Err(Problem::Invalid);
                }
                Value::Str(s) if !s.trim().is_empty() => {
                    names.push(unwrap_marks(s.trim()).to_owned());
                }
                Value::Null => return Err(self.null(path, item)),
                Value::Str(_) => return Err(self.null(path, item)),
                _ => {
                    let msg = format!("{path} 中每一项应是名称（文字），这里是{}", describe(item));
                    self.report(
                        "wrong-type",
                        item.pos,
                        path,
                        msg,
                        Some("数字形式的名称请加引号".into()),
                    );
                    return Err(Problem::Invalid);
                }
            }
        }
        Ok(names)
    }

    /// Adds `n` to a running total, reporting the value that makes it overflow (once).
    pub(super) fn add(&mut self, total: Option<u64>, n: u64, path: &str, pos: Pos) -> Option<u64> {
        let sum = total?.checked_add(n);
        if sum.is_none() {
            let msg = format!(
                "合计超出可处理的范围：加上 {path} 的 {n} 后超过 {}{}",
                u64::MAX,
                self.needed_by()
            );
            self.report(
                "out-of-range",
                pos,
                path,
                msg,
                Some("检查是否多粘贴了数字".into()),
            );
        }
        sum
    }

    /// A yearly series `{2019: 120, 2020: 135}`, in year order whatever the order in the file.
    pub(super) fn series(&mut self, fact: &FactRef) -> Read<Series<'a>> {
        let nodes = self.nodes(fact)?;
        let (path, node) = nodes[0].clone();
        let key_pos = self.facts.key_pos(&path).unwrap_or(node.pos);
        let entries = match &node.value {
            Value::Map(entries) => entries,
            Value::Null => return Err(self.null(&path, node)),
            Value::Seq(items) => {
                // A list has no years: whether it reaches this year, or skips one, is unknowable.
                let year = self.facts.year;
                let first = year + 1 - items.len() as i64;
                let example = items
                    .iter()
                    .zip(first..)
                    .map(|(n, y)| match n.written.as_deref() {
                        Some(v) => format!("{y}: {v}"),
                        None => format!("{y}: …"),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let msg = format!(
                    "{path} 是逐年的数列，要写明每个数是哪一年的，这里是{}",
                    describe(node)
                );
                let hint = format!("若最后一项是 {year} 年，写成 {{{example}}}");
                self.report("wrong-type", node.pos, &path, msg, Some(hint));
                return Err(Problem::Invalid);
            }
            _ => {
                let msg = format!(
                    "{path} 应是逐年的数列（如 2020: 135），这里是{}",
                    describe(node)
                );
                self.report("wrong-type", node.pos, &path, msg, None);
                return Err(Problem::Invalid);
            }
        };
        let mut years = Vec::new();
        let mut problem = None;
        for e in entries {
            let item_path = format!("{path}.{}", e.key);
            let year = match e.key.parse::<i64>() {
                Ok(y) if e.key.len() == 4 && e.key.bytes().all(|b| b.is_ascii_digit()) => y,
                _ => {
                    let msg = format!(
                        "{path} 是逐年的数列，键应是四位数的年份，这里是“{}”",
                        escape_invisible(&e.key)
                    );
                    self.report("wrong-type", e.key_pos, &path, msg, None);
                    problem = problem.max(Some(Problem::Invalid));
                    continue;
                }
            };
            let value = match &e.value.value {
                Value::Int(i) => self
                    .number_format(&item_path, &e.value)
                    .map(|()| i.to_string()),
                Value::Float(_, t) if !is_scientific(t) => {
                    self.number_format(&item_path, &e.value).map(|()| t.clone())
                }
                Value::Null => Err(self.null(&item_path, &e.value)),
                _ => {
                    let msg = format!(
                        "{path} 中 {} 年的值应是数字，这里是{}",
                        e.key,
                        describe(&e.value)
                    );
                    self.report("wrong-type", e.value.pos, &item_path, msg, None);
                    Err(Problem::Invalid)
                }
            };
            match value {
                Ok(text) => years.push(YearValue {
                    year,
                    key: e.key.clone(),
                    text,
                    node: &e.value,
                    key_pos: e.key_pos,
                    pos: e.value.pos,
                }),
                Err(p) => problem = problem.max(Some(p)),
            }
        }
        if let Some(p) = problem {
            return Err(p);
        }
        years.sort_by_key(|y| y.year);
        Ok(Series {
            path,
            key_pos,
            years,
        })
    }
}

/// A yearly series read from the facts, in year order.
pub(super) struct Series<'a> {
    pub(super) path: String,
    /// Where the series' own key stands (`party_funds:`).
    pub(super) key_pos: Pos,
    pub(super) years: Vec<YearValue<'a>>,
}

pub(super) struct YearValue<'a> {
    pub(super) year: i64,
    /// The year as written (`2021`).
    pub(super) key: String,
    /// The number as written (a plain decimal), compared exactly.
    pub(super) text: String,
    pub(super) key_pos: Pos,
    pub(super) pos: Pos,
    pub(super) node: &'a Node,
}

/// The last key of a fact path: what is written in the file (`members` of `political.members`).
pub(super) fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

fn is_full_width_digit(c: char) -> bool {
    ('０'..='９').contains(&c)
}

/// Full-width digits and the full-width point and comma as typed by a Chinese input method.
fn half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (u32::from(c) - u32::from('０')) as u8),
        '．' => '.',
        '，' => ',',
        '\u{3000}' => ' ',
        c => c,
    }
}

fn invisible_name(c: char) -> &'static str {
    match c {
        '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => "换行符",
        '\t' => "制表符",
        '\0' => "空字符",
        '\u{200E}'
        | '\u{200F}'
        | '\u{061C}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => "文字方向控制符",
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => "零宽字符",
        '\u{00AD}' => "软连字符",
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' => "朝鲜文填充符",
        '\u{180B}'..='\u{180D}'
        | '\u{180F}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{E0100}'..='\u{E01EF}' => "变体选择符",
        '\u{E0000}'..='\u{E007F}' => "标签字符",
        c if crate::text::is_noncharacter(c) => "非字符（Unicode 保留不用的码位）",
        c if crate::text::is_default_ignorable(c) => "不显示的格式字符",
        _ => "控制字符",
    }
}

/// A list of names typed with the Chinese input method on: full-width brackets (`［小讲堂, 微课堂］`,
/// read as one name with its brackets) or a full-width comma or 顿号 between the names of a
/// bracketed list (`[小讲堂，微课堂]`, read as one name). The place, the message and the line as it
/// should be. A name that holds a comma is quoted (`["不忘初心，牢记使命"]`) and left alone.
fn list_slip(text: &str, path: &str, node: &Node) -> Option<(Pos, String, String)> {
    let key = path.rsplit('.').next().unwrap_or(path);
    let fixed = |names: Vec<&str>| {
        let names: Vec<&str> = names
            .into_iter()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        format!("{key}: [{}]", names.join(", "))
    };
    let split = |s: &'_ str| -> Vec<String> {
        s.split(['，', '、', ','])
            .map(|n| n.trim().to_owned())
            .collect()
    };
    match &node.value {
        Value::Str(s) if node.written.is_some() => {
            let inner = s
                .trim()
                .strip_prefix(['［', '【'])?
                .strip_suffix(['］', '】'])?;
            let names = split(inner);
            let msg = format!(
                "{path} 的方括号是全角的“{}”（中文输入法下打出的）：YAML 读成了一个带括号的名称，不是名称的列表",
                escape_invisible(s.trim())
            );
            Some((
                node.pos,
                msg,
                fixed(names.iter().map(String::as_str).collect()),
            ))
        }
        Value::Seq(items) if char_at(text, node.pos) == Some('[') => {
            let slipped = items.iter().find(|i| {
                i.written.is_some() && matches!(&i.value, Value::Str(s) if s.contains(['，', '、']))
            })?;
            let mut names = Vec::new();
            for item in items {
                match &item.value {
                    Value::Str(s) if item.written.is_some() => names.extend(split(s)),
                    Value::Str(s) => names.push(format!("\"{s}\"")),
                    _ => names.push(item.written.clone().unwrap_or_default()),
                }
            }
            let Value::Str(one) = &slipped.value else {
                return None;
            };
            let mark = if one.contains('，') {
                "全角逗号“，”"
            } else {
                "顿号“、”"
            };
            let msg = format!(
                "{path} 的方括号里用{mark}分隔名称：YAML 只认半角逗号，“{}”会被当作一个名称印出（若它本是一个名称，请给它加引号）",
                escape_invisible(one)
            );
            Some((
                slipped.pos,
                msg,
                fixed(names.iter().map(String::as_str).collect()),
            ))
        }
        _ => None,
    }
}

/// The character at a place in a text (1-based line and column, in characters).
fn char_at(text: &str, pos: Pos) -> Option<char> {
    text.lines()
        .nth(pos.line.checked_sub(1)?)?
        .chars()
        .nth(pos.column.checked_sub(1)?)
}

/// A name written with the marks the template adds anyway (`《工作方案》` for a 《》 figure) loses
/// that one enclosing pair; any other mark is part of the name (`学习《条例（试行）》` keeps its 》,
/// `《战疫》与《同心》` is not one title).
fn unwrap_marks(name: &str) -> &str {
    for (open, close) in [('《', '》'), ('“', '”')] {
        let Some(inner) = name
            .strip_prefix(open)
            .and_then(|rest| rest.strip_suffix(close))
        else {
            continue;
        };
        // The opening mark must close at the very end: depth never returns to 0 inside.
        let mut depth = 1usize;
        let mut encloses = true;
        for c in inner.chars() {
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    encloses = false;
                    break;
                }
            }
        }
        if encloses && depth == 1 {
            return inner;
        }
    }
    name
}

/// How a value is read: as a count, or as a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadAs {
    Count,
    Name,
}

/// What `check` says of one value at `path` read as `read_as`, in its own words: for a value
/// typed into the workspace before it is saved (the field judges it at once).
pub fn read_one(facts: &Facts, path: &str, node: &Node, read_as: ReadAs) -> Vec<Diagnostic> {
    let decls = Declarations {
        doc: facts.doc.clone(),
        figures: Vec::new(),
        rules: Vec::new(),
    };
    let mut ev = Evaluator {
        decls: &decls,
        facts,
        diagnostics: Vec::new(),
        figure: None,
        typos: Vec::new(),
    };
    let _ = match read_as {
        ReadAs::Count => ev.count_node(path, node).map(|_| ()),
        ReadAs::Name => ev.names(path, node).map(|_| ()),
    };
    ev.diagnostics
}
