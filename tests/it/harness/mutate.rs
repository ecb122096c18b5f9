//! Hostile inputs made from the sample: facts with values replaced by odd scalars, templates with
//! tags broken or figures misused. Each choice comes from a number, so that proptest (which
//! generates the numbers) and the long fuzz run (a plain generator) make the same kinds of input.

/// A small, fast generator (xorshift64*), seeded: a fuzz run can be repeated from its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const CJK: &[char] = &[
    '党', '建', '工', '作', '机', '关', '学', '习', '服', '务', '先', '锋', '品', '牌', '讲', '堂',
    '委', '员', '会', '制', '度', '平', '台', '云', '智', '慧',
];

/// A scalar as written in YAML, chosen by `pick`: huge, signed, zero-padded, CJK, astral, emoji,
/// with spaces or control characters, a long Latin word, YAML's own specials. `original` is the
/// value it replaces: some choices keep it or stay close to it, so that a share of the inputs is
/// still a speech that renders.
pub fn scalar(pick: u64, original: &str) -> String {
    let mut rng = Rng::new(pick);
    let n = rng.next();
    let plain_number = !original.is_empty() && original.bytes().all(|b| b.is_ascii_digit());
    match rng.below(30) {
        // Close to the original: kept, or a value of the same kind (a count a little larger, a
        // name in other words), so that a share of the inputs still renders.
        0..=10 => original.to_owned(),
        11..=14 if plain_number => {
            let n: u64 = original.parse().unwrap_or(0);
            (n + n % 7 + rng.below(3) as u64).to_string()
        }
        11..=14 => {
            let len = 2 + rng.below(10);
            (0..len).map(|_| *rng.pick(CJK)).collect()
        }
        15 => (n % 3000).to_string(),
        16 => rng
            .pick(&[
                "99999999999999999999999",
                "18446744073709551615",
                "9223372036854775807",
                "4294967296",
                "1e400",
                "1e3",
            ])
            .to_string(),
        17 => match rng.below(3) {
            0 => format!("-{}", n % 500),
            1 => format!("+{}", n % 500),
            _ => format!("0{}", n % 500),
        },
        18 => rng
            .pick(&[
                "12.5", "0.0", "0", "-0", ".nan", ".inf", "99.95", "0.04", "100.0",
            ])
            .to_string(),
        19 => rng
            .pick(&[
                "𠀀",
                "𠀀党建",
                "𝕏",
                "党建😀",
                "👍",
                "\u{E000}平台",
                "\u{F0001}",
            ])
            .to_string(),
        20 => rng
            .pick(&[
                "Party Building",
                "\"  前后空格  \"",
                "'a  b'",
                "党建 工作",
                "\"a\\tb\"",
                "\"a\\nb\"",
                "\"\\u202E反向\"",
                "\"\\0\"",
                "\"\\x07铃\"",
            ])
            .to_string(),
        21 => {
            let word: String = (0..30 + rng.below(90))
                .map(|i| (b'a' + ((n >> (i % 60)) % 26) as u8) as char)
                .collect();
            if rng.below(2) == 0 {
                word
            } else {
                format!("https://example.org/{word}")
            }
        }
        22 => rng
            .pick(&[
                "~",
                "",
                "null",
                "true",
                "[]",
                "{}",
                "[1, 2]",
                "{a: 1}",
                "'quoted'",
                "\"23\"",
                "１２３",
                "1,380",
                "68人",
                "- x",
                "&a 1",
                "*a",
                "!!str 5",
                "|",
                ">",
            ])
            .to_string(),
        23 => format!("第{}期{}", n % 100, rng.pick(CJK)),
        24 => rng
            .pick(&[
                "{{ fig.trainees }}",
                "<script>x</script>",
                "**粗**",
                "[链接](x)",
                "# 标题",
            ])
            .to_string(),
        25 => original.replace(|c: char| c.is_ascii_digit(), "9"),
        26 => format!("{original}{original}"),
        _ => {
            let len = 1 + rng.below(6);
            (0..len)
                .map(|_| char::from_u32(rng.below(0x3_0000) as u32).unwrap_or('?'))
                .filter(|c| !c.is_control() || *c == '\t')
                .collect::<String>()
        }
    }
}

/// A line of a YAML file holding a scalar value: what stands before the value, and the value
/// (without a trailing comment).
fn value_of(line: &str) -> Option<(&str, &str)> {
    let body_start = line.len() - line.trim_start().len();
    let mut rest = &line[body_start..];
    let mut start = body_start;
    if rest.starts_with('#') || rest.is_empty() {
        return None;
    }
    if let Some(r) = rest.strip_prefix("- ") {
        start += 2;
        rest = r;
    }
    let value_start = match rest.find(": ") {
        Some(colon) if !rest[..colon].contains(['"', '\'', '[', '{']) => start + colon + 2,
        _ if rest.ends_with(':') => return None,
        _ if start > body_start => start,
        _ => return None,
    };
    let value = &line[value_start..];
    let value = match value.find(" #") {
        Some(i) => &value[..i],
        None => value,
    };
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    Some((&line[..value_start], value))
}

/// The facts text with the values chosen by `picks` replaced: each pair picks a line holding a
/// value and the scalar put in its place.
pub fn mutate_facts(text: &str, picks: &[(u64, u64)]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let candidates: Vec<usize> = (0..lines.len())
        .filter(|&i| value_of(&lines[i]).is_some())
        .collect();
    if candidates.is_empty() {
        return text.to_owned();
    }
    for (line_pick, value_pick) in picks {
        let i = candidates[(*line_pick % candidates.len() as u64) as usize];
        let Some((head, value)) = value_of(&lines[i]) else {
            continue;
        };
        let new = scalar(*value_pick, value);
        lines[i] = format!("{head}{new}");
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Pieces of template syntax, whole and broken, and figure uses plain and not.
const TEMPLATE_BITS: &[&str] = &[
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "}",
    "{",
    "fig.",
    "fig.trainees",
    "{{ fig.trainees }}",
    "{{ fig.trainees | length }}",
    "{{ fig }}",
    "{{ year }}",
    "{{ nothing }}",
    "{% if year %}",
    "{% endif %}",
    "{% else %}",
    "{% raw %}",
    "{% endraw %}",
    "{% for x in [1, 2] %}",
    "{% endfor %}",
    "{% set a = fig.trainees %}",
    "{% set s %}",
    "{% endset %}",
    "{% filter upper %}",
    "{% endfilter %}",
    "\"",
    "'",
    "-",
    "\n",
    "\n\n",
    "**",
    "#",
    "## ",
    "- ",
    "1. ",
    "> ",
    "<b>",
    "[x](y)",
    "`",
    "\\",
    "\u{F0000}",
    "𠀀",
    "。",
    "，",
    "“",
    "”",
    "{{- fig.trainees -}}",
    "{%- if true -%}",
];

/// The template with a few bits of syntax inserted or text removed, chosen by `rng`.
pub fn mutate_template(source: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = source.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(4) {
            0 if !chars.is_empty() => {
                let end = (at + 1 + rng.below(12)).min(chars.len());
                let at = at.min(end);
                chars.drain(at..end);
            }
            1 => {
                let c = char::from_u32(rng.below(0x3_0000) as u32).unwrap_or('?');
                chars.insert(at, c);
            }
            _ => {
                let bit = rng.pick(TEMPLATE_BITS);
                for (k, c) in bit.chars().enumerate() {
                    chars.insert(at + k, c);
                }
            }
        }
    }
    chars.into_iter().collect()
}
