//! The comparison as text: one line a change, under its part's heading.

use std::fmt::Write as _;

use super::{ChangeKind, Mark, Op, WordingDiff};

impl WordingDiff {
    /// The changes as text, one a line under its part's heading:
    ///
    /// ```text
    /// ## 四、服务中心大局，当好高质量发展“助推器”
    /// 改写  [-面对突如其来的新冠肺炎疫情-]{+坚持常态化疫情防控+}，第一时间响应市委号召，……
    /// 数字  所属党支部中，达标〔1380→1400〕个，占比〔96.7→98.1〕%；
    /// ```
    pub fn text(&self) -> String {
        let mut out = format!(
            "{} → {}的措辞变化（[-删去-]{{+新增+}}，〔原数字→新数字〕）\n",
            self.old_name, self.new_name
        );
        let mut part: Option<&Option<String>> = None;
        for change in &self.changes {
            if part != Some(&change.part) {
                out.push('\n');
                if let Some(p) = &change.part {
                    let _ = writeln!(out, "## {p}");
                }
                part = Some(&change.part);
            }
            let text = match change.kind {
                ChangeKind::Inserted => change.new_text(),
                ChangeKind::Deleted => change.old_text(),
                _ => marked_text(&change.marks),
            };
            let _ = writeln!(out, "{}  {}", change.kind.word(), text.trim_start());
        }
        if self.changes.is_empty() {
            out.push_str("\n措辞相同，数字也相同。\n");
        }
        out
    }
}

/// The marks as one line of text: `[-deleted-]{+inserted+}`, a changed figure `〔old→new〕`.
pub fn marked_text(marks: &[Mark]) -> String {
    let mut out = String::new();
    let mut open = Op::Same;
    let mut switch = |out: &mut String, op: Op| {
        if op != open {
            out.push_str(match open {
                Op::Inserted => "+}",
                Op::Deleted => "-]",
                Op::Same => "",
            });
            out.push_str(match op {
                Op::Inserted => "{+",
                Op::Deleted => "[-",
                Op::Same => "",
            });
            open = op;
        }
    };
    for m in marks {
        match m {
            Mark::Break { op: Op::Same, .. } => {}
            Mark::Break { op, .. } => {
                switch(&mut out, *op);
                out.push('¶');
            }
            Mark::Text { text, op, .. } => {
                switch(&mut out, *op);
                out.push_str(text);
            }
            Mark::Figure { old, new, op, .. } => {
                switch(&mut out, *op);
                let (old, new) = (old.as_deref().unwrap_or(""), new.as_deref().unwrap_or(""));
                match op {
                    Op::Same if old != new => {
                        let _ = write!(out, "〔{old}→{new}〕");
                    }
                    Op::Deleted => out.push_str(old),
                    _ => out.push_str(new),
                }
            }
        }
    }
    switch(&mut out, Op::Same);
    out
}
