//! Finding what a speech prints as figures in plain text: numbers with what follows them (a
//! measure word, %, 多/余), Chinese numerals before a measure word (两次), and names in “” or
//! 《》. Used to propose figures for a new project and to find numbers that new wording prints
//! without a figure behind them.

use crate::figures::format::chinese_count;

/// Measure words after a count, longest first so that 人次 is not read as 人.
const MEASURE_WORDS: &[&str] = &[
    "人次",
    "场次",
    "家次",
    "户次",
    "课时",
    "学时",
    "小时",
    "平方公里",
    "平方米",
    "立方米",
    "公里",
    "公顷",
    "公斤",
    "千克",
    "微克",
    "毫克",
    "千瓦",
    "兆瓦",
    "个",
    "人",
    "名",
    "次",
    "份",
    "支",
    "场",
    "项",
    "件",
    "家",
    "所",
    "篇",
    "期",
    "条",
    "户",
    "元",
    "天",
    "批",
    "届",
    "位",
    "处",
    "座",
    "台",
    "辆",
    "套",
    "本",
    "部",
    "首",
    "种",
    "类",
    "起",
    "对",
    "组",
    "张",
    "堂",
    "节",
    "门",
    "间",
    "轮",
    "块",
    "笔",
    "册",
    "幅",
    "集",
    "栋",
    "亩",
    "米",
    "吨",
    "年",
    "周",
    "季",
];

/// The measure words a count in Chinese words stands before (两次, 三个); fewer than for digits,
/// since 一对一, 五位一体 are words, not counts.
const CN_MEASURE_WORDS: &[&str] = &[
    "人次", "场次", "次", "个", "项", "名", "人", "支", "场", "份", "件", "家", "批", "届", "期",
    "条", "篇", "所", "户", "轮", "类", "种",
];

/// Set phrases with a numeral that are no count (四个意识), never proposed as figures.
const SET_PHRASES: &[&str] = &[
    "两个维护",
    "两个确立",
    "四个意识",
    "四个自信",
    "四个全面",
    "两个一百年",
    "三个代表",
    "八项规定",
    "两个务必",
    "四个伟大",
    "五位一体",
    "三个务必",
    "两个结合",
    "两个大局",
    "六个必须坚持",
    "两个先行",
    "三个一批",
];

pub(crate) const CN_NUMERALS: &str = "零一二两三四五六七八九十百千万";

/// What a number in the text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Digits before a measure word: 37人.
    Count(u64),
    /// Digits before %: the text without the % (96.7).
    Percent(String),
    /// A round number with 多 or 余 after it: 1200多 (`floor` 1200).
    Approx { floor: u64, suffix: char },
    /// A count in Chinese words before a measure word: 两次.
    CnCount(u64),
    /// A year: 2021年.
    Year(i64),
    /// A number that is none of these (a decimal, 2.3万, a date, no measure word after it), with
    /// why, in words for the clerk.
    Other(&'static str),
}

/// A number found in a text, by character positions: `start..end` is what a figure would print
/// (1200多 with its suffix, 96.7 without its %), `unit` the measure word after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub unit: String,
    pub found: Found,
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

fn measure_word(rest: &[char], words: &[&str]) -> Option<String> {
    words
        .iter()
        .find(|w| {
            let w: Vec<char> = w.chars().collect();
            rest.len() >= w.len() && rest[..w.len()] == w[..]
        })
        .map(|w| (*w).to_owned())
}

/// The value of a count in Chinese words (两 → 2, 十二 → 12, 一百零五 → 105), if it is one.
pub fn cn_value(text: &str) -> Option<u64> {
    let digit = |c: char| {
        "零一二三四五六七八九"
            .find(c)
            .map(|i| (i / 3) as u64)
            .or((c == '两').then_some(2))
    };
    let mut total = 0u64;
    let mut section = 0u64;
    let mut number = 0u64;
    let mut any = false;
    for c in text.chars() {
        if let Some(d) = digit(c) {
            number = d;
            any = true;
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => {
                section = (section + number) * 10_000;
                total += section;
                section = 0;
                number = 0;
                any = true;
                continue;
            }
            _ => return None,
        };
        section += if number == 0 { 1 } else { number } * unit;
        number = 0;
        any = true;
    }
    any.then_some(total + section + number)
}

/// The characters that part a number's groups of three: `1,536`, `1，536`, `1 536`.
pub(crate) const GROUP_SEPARATORS: &[char] = &[',', '，', ' ', '\u{a0}', '\u{2009}', '\u{202f}'];

/// Where a group of three digits after a separator at `at` ends (`,536` of `1,536`), if one
/// stands there and no fourth digit follows.
pub(crate) fn thousands_group(chars: &[char], at: usize) -> Option<usize> {
    let sep = *chars.get(at)?;
    let group = chars.get(at + 1..at + 4)?;
    (GROUP_SEPARATORS.contains(&sep)
        && group.iter().all(|c| c.is_ascii_digit())
        && !chars.get(at + 4).is_some_and(char::is_ascii_digit))
    .then_some(at + 4)
}

/// The digits of a number written with thousands separators (`1,536`, `1，536`, `1 536` → `1536`),
/// read as [`numbers`] reads one: one to three digits, then groups of three after a separator.
/// None when `text` is not such a number (`12，34` is two numbers, not one).
pub(crate) fn without_group_separators(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let lead = chars.iter().take_while(|c| is_digit(**c)).count();
    if lead == 0 || lead > 3 {
        return None;
    }
    let mut digits: String = chars[..lead].iter().collect();
    let mut at = lead;
    while let Some(after) = thousands_group(&chars, at) {
        digits.extend(&chars[at + 1..after]);
        at = after;
    }
    (at > lead && at == chars.len()).then_some(digits)
}

/// `text` with the thousands separators of the number it begins with taken out, what follows
/// kept (`1,200多` → `1200多`); None when it begins with no such number.
pub(crate) fn ungrouped(text: &str) -> Option<String> {
    text.char_indices()
        .map(|(at, _)| at)
        .chain([text.len()])
        .rev()
        .find_map(|at| without_group_separators(&text[..at]).map(|d| d + &text[at..]))
}

/// Every number in `chars` (see [`Found`]). Numbers after 第 (ordinals) and inside Latin words
/// (G20) are not numbers of the speech and are left out.
pub fn numbers(chars: &[char]) -> Vec<Number> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let before = i.checked_sub(1).map(|b| chars[b]);
        if is_digit(c) {
            let start = i;
            while i < chars.len() && is_digit(chars[i]) {
                i += 1;
            }
            // 1,536 / 1，536 / 1 536: one number, its groups of three parted.
            let mut grouped = false;
            if i - start <= 3 {
                while let Some(after) = thousands_group(chars, i) {
                    grouped = true;
                    i = after;
                }
            }
            let mut decimal = false;
            if i + 1 < chars.len() && chars[i] == '.' && is_digit(chars[i + 1]) {
                decimal = true;
                i += 1;
                while i < chars.len() && is_digit(chars[i]) {
                    i += 1;
                }
            }
            if before == Some('第') || before.is_some_and(|b| b.is_ascii_alphabetic() || b == '.')
            {
                continue;
            }
            let text: String = chars[start..i].iter().collect();
            let next = chars.get(i).copied();
            let rest = &chars[i..];
            let mut end = i;
            let mut unit = String::new();
            let found = match next {
                _ if grouped => {
                    unit = measure_word(rest, MEASURE_WORDS).unwrap_or_default();
                    Found::Other(
                        "带千位分隔符的数：程序印出的数不加分隔符，要它成为数据项请去掉分隔符再导入",
                    )
                }
                Some('%' | '％') => Found::Percent(text.clone()),
                Some('万' | '亿') => {
                    end = i + 1;
                    Found::Other("以万、亿为单位的数")
                }
                Some('月' | '日' | '号' | '时' | ':' | '：') => Found::Other("日期或时间"),
                Some('年')
                    if !decimal
                        && text.len() == 4
                        && (text.starts_with("19") || text.starts_with("20")) =>
                {
                    Found::Year(text.parse().unwrap_or(0))
                }
                _ if decimal => Found::Other("小数"),
                Some(s @ ('多' | '余')) => {
                    end = i + 1;
                    unit = measure_word(&chars[i + 1..], MEASURE_WORDS).unwrap_or_default();
                    match text.parse() {
                        Ok(floor) => Found::Approx { floor, suffix: s },
                        Err(_) => Found::Other("数字太大"),
                    }
                }
                _ => match (measure_word(rest, MEASURE_WORDS), text.parse()) {
                    (Some(u), Ok(n)) => {
                        unit = u;
                        Found::Count(n)
                    }
                    (None, _) => Found::Other("后面没有量词，不知道是什么数"),
                    (_, Err(_)) => Found::Other("数字太大"),
                },
            };
            let text = chars[start..end].iter().collect();
            out.push(Number {
                start,
                end,
                text,
                unit,
                found,
            });
            i = end;
            continue;
        }
        if CN_NUMERALS.contains(c) {
            let start = i;
            while i < chars.len() && CN_NUMERALS.contains(chars[i]) {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let unit = measure_word(&chars[i..], CN_MEASURE_WORDS);
            let phrase: String = chars[start..(start + 6).min(chars.len())].iter().collect();
            let set_phrase = SET_PHRASES.iter().any(|p| phrase.starts_with(p));
            let counts = text != "一"
                && text != "零"
                && !matches!(before, Some('第' | '星' | '周' | '初' | '其'))
                && !before.is_some_and(|b| CN_NUMERALS.contains(b) || b.is_ascii_digit())
                && !set_phrase;
            if let (true, Some(unit)) = (counts, unit) {
                let found = match cn_value(&text) {
                    Some(n) if chinese_count(n).as_deref() == Some(text.as_str()) => {
                        Found::CnCount(n)
                    }
                    _ => Found::Other("汉字数字的写法与程序印出的不同"),
                };
                out.push(Number {
                    start,
                    end: i,
                    text,
                    unit,
                    found,
                });
            }
            continue;
        }
        i += 1;
    }
    out
}

/// A name in quotes or title marks, or several side by side (“小讲堂”“微课堂”), by character
/// positions, marks included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    pub start: usize,
    pub end: usize,
    /// `“` or `《`.
    pub open: char,
    /// Each name without its marks.
    pub names: Vec<String>,
}

/// Every “name” and 《title》 in `chars`, the marks nested inside one (《关于“……”的意见》) kept in
/// it; several written side by side are one [`Names`].
pub fn names(chars: &[char]) -> Vec<Names> {
    let mut out: Vec<Names> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let open = chars[i];
        let close = match open {
            '“' => '”',
            '《' => '》',
            _ => {
                i += 1;
                continue;
            }
        };
        let mut depth = 0;
        let mut end = None;
        for (j, &c) in chars.iter().enumerate().skip(i) {
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    end = Some(j);
                    break;
                }
            }
        }
        let Some(end) = end else {
            i += 1;
            continue;
        };
        let name: String = chars[i + 1..end].iter().collect();
        if name.trim().is_empty() {
            i = end + 1;
            continue;
        }
        match out.last_mut() {
            Some(last) if last.end == i && last.open == open => {
                last.end = end + 1;
                last.names.push(name);
            }
            _ => out.push(Names {
                start: i,
                end: end + 1,
                open,
                names: vec![name],
            }),
        }
        i = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, String, Found)> {
        let chars: Vec<char> = text.chars().collect();
        numbers(&chars)
            .into_iter()
            .map(|n| (n.text, n.unit, n.found))
            .collect()
    }

    #[test]
    fn numbers_with_what_follows_them() {
        use Found::*;
        assert_eq!(
            found(
                "配备37人，占比96.7%；到岗1200多人，活动2600余场次，检查两次，第3次，2021年，3月，1.5，2.3万人，共12"
            ),
            vec![
                ("37".into(), "人".into(), Count(37)),
                ("96.7".into(), "".into(), Percent("96.7".into())),
                (
                    "1200多".into(),
                    "人".into(),
                    Approx {
                        floor: 1200,
                        suffix: '多'
                    }
                ),
                (
                    "2600余".into(),
                    "场次".into(),
                    Approx {
                        floor: 2600,
                        suffix: '余'
                    }
                ),
                ("两".into(), "次".into(), CnCount(2)),
                ("2021".into(), "".into(), Year(2021)),
                ("3".into(), "".into(), Other("日期或时间")),
                ("1.5".into(), "".into(), Other("小数")),
                ("2.3万".into(), "".into(), Other("以万、亿为单位的数")),
                (
                    "12".into(),
                    "".into(),
                    Other("后面没有量词，不知道是什么数")
                ),
            ]
        );
    }

    #[test]
    fn thousands_separators_part_one_number() {
        for text in [
            "培训1,536人次",
            "培训1，536人次",
            "培训1 536人次",
            "培训12,345,678人次",
        ] {
            let found = found(text);
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert!(matches!(found[0].2, Found::Other(_)), "{text}");
            assert!(
                found[0].0.starts_with("1") && found[0].0.len() > 4,
                "{text}"
            );
        }
        // A list of two numbers is no group of three.
        assert_eq!(found("分别为12，34人").len(), 2);
        for (text, digits) in [
            ("1,536", Some("1536")),
            ("1，536", Some("1536")),
            ("1 536", Some("1536")),
            ("12,345,678", Some("12345678")),
            ("1536", None),
            ("12，34", None),
            ("1,5367", None),
            ("1234,567", None),
        ] {
            assert_eq!(without_group_separators(text).as_deref(), digits, "{text}");
        }
        for (text, plain) in [
            ("1,200多", Some("1200多")),
            ("28 000多", Some("28000多")),
            ("1200多", None),
        ] {
            assert_eq!(ungrouped(text).as_deref(), plain, "{text}");
        }
    }

    #[test]
    fn words_with_numerals_are_not_counts() {
        assert_eq!(
            found(
                "坚决做到两个维护，增强四个意识，一对一传授，第一时间，三会一课，星期三，五位一体"
            ),
            []
        );
        assert_eq!(found("十二项、一百零五人")[1].2, Found::CnCount(105));
        assert_eq!(
            found("二次")[0].2,
            Found::Other("汉字数字的写法与程序印出的不同")
        );
    }

    #[test]
    fn chinese_numerals_read() {
        for (text, n) in [
            ("两", 2),
            ("十二", 12),
            ("二十", 20),
            ("一百零五", 105),
            ("三千", 3000),
            ("两万三千", 23000),
        ] {
            assert_eq!(cn_value(text), Some(n), "{text}");
        }
    }

    #[test]
    fn names_side_by_side_are_one() {
        let chars: Vec<char> = "建立“小讲堂”“微课堂”，下发《关于“三会一课”的通知》。"
            .chars()
            .collect();
        let found = names(&chars);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].names, ["小讲堂", "微课堂"]);
        assert_eq!(found[1].names, ["关于“三会一课”的通知"]);
        assert_eq!(found[1].open, '《');
    }
}
