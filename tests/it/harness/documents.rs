//! Documents built in code for the PDF tests: the seed speech and a long many-page one.

use speechgen::document::{Block, Document, Inline, InlineStyle};

const SEED: &str = include_str!("../../fixtures/speech-seed.txt");

/// The lead sentences that open the units of each part (seed README).
const LEADS: [&str; 11] = [
    "扛起主体责任。",
    "深化理论武装。",
    "营造浓厚氛围。",
    "建强干部队伍。",
    "夯实组织基础。",
    "大抓规范提升。",
    "强化政治监督。",
    "推进作风建设。",
    "关键时刻冲得上去。",
    "决战决胜奋斗有我。",
    "创城为民逐梦同行。",
];

pub fn plain(text: &str) -> Inline {
    Inline {
        text: text.to_string(),
        style: InlineStyle::Plain,
        figure: None,
        unfilled: false,
    }
}

pub fn lead(text: &str) -> Inline {
    Inline {
        text: text.to_string(),
        style: InlineStyle::Lead,
        figure: None,
        unfilled: false,
    }
}

pub fn paragraph(inlines: Vec<Inline>) -> Block {
    Block::Paragraph { inlines }
}

pub fn heading(text: &str) -> Block {
    Block::Heading {
        level: 2,
        inlines: vec![plain(text)],
    }
}

/// The masked seed speech, its flattened structure restored: title, opening paragraph, four
/// numbered parts, each unit opened by its lead sentence.
pub fn seed_document() -> Document {
    let lines: Vec<&str> = SEED.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut blocks = vec![paragraph(vec![plain(lines[1])])];
    let numbers = ["一、", "二、", "三、", "四、"];
    for (n, part) in lines[2..].iter().enumerate() {
        let (head, rest) = part
            .split_once('。')
            .expect("a part opens with its heading sentence");
        let (a, b) = head.split_at(head.char_indices().nth(6).expect("long heading").0);
        blocks.push(heading(&format!("{}{a}，{b}", numbers[n])));
        // Split the rest at the lead sentences it holds, in order.
        let mut cuts: Vec<(usize, &str)> = LEADS
            .iter()
            .filter_map(|l| rest.find(l).map(|i| (i, *l)))
            .collect();
        cuts.sort();
        let mut pos = 0;
        let mut current: Vec<speechgen::document::Inline> = Vec::new();
        for (i, l) in cuts {
            if i > pos {
                current.push(plain(&rest[pos..i]));
            }
            if !current.is_empty() {
                blocks.push(paragraph(std::mem::take(&mut current)));
            }
            current.push(lead(l));
            pos = i + l.len();
        }
        if pos < rest.len() {
            current.push(plain(&rest[pos..]));
        }
        if !current.is_empty() {
            blocks.push(paragraph(current));
        }
    }
    Document {
        title: lines[0].trim().to_string(),
        blocks,
        draft: false,
        figures: Vec::new(),
        ..Default::default()
    }
}

/// A speech with long campaign lists: the seed's parts repeated with long enumerations, many
/// pages, numbers, percentages and marks at every position of a line.
pub fn long_document() -> Document {
    let mut doc = seed_document();
    let seed_blocks = doc.blocks.clone();
    let campaigns: Vec<String> = (1..=60)
        .map(|i| format!("“第{i}期机关党建先锋行动”"))
        .collect();
    for round in 0..4 {
        doc.blocks.extend(seed_blocks.iter().cloned());
        doc.blocks.push(paragraph(vec![
            lead("开展系列活动。"),
            plain(&format!(
                "第{}轮先后组织{}等活动，参与党员{}名，覆盖率{}.{}%，其中《关于开展市直机关扶贫后盾单位党组织与扶贫村党组织结对共建活动的通知》下发后……各单位积极响应——成效明显。",
                round + 1,
                campaigns.join("、"),
                1380 + round * 17,
                90 + round,
                round * 3
            )),
        ]));
    }
    doc
}
