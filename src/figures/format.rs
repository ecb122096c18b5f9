//! How each kind of figure is printed in the speech (conventions.md, "Figures"), and how its value
//! is shown beside it.

use super::trace::FigureStatus;

/// A percentage of `part` in `whole`: one decimal at most, rounded half-up, no trailing `.0`.
///
/// Rounding alone would print 3999 of 4000 as `100` and 1 of 4000 as `0`, both false claims in a
/// speech (全部 / 没有), so a share that is neither none nor all stays inside 0.1..=99.9.
/// Callers guarantee `whole > 0` and `part <= whole`.
pub fn percent_of(part: u64, whole: u64) -> String {
    debug_assert!(whole > 0 && part <= whole);
    let (part, whole) = (u128::from(part), u128::from(whole));
    // Tenths of a percent, half-up: floor(part * 1000 / whole + 1/2).
    let mut tenths = (part * 2000 + whole) / (2 * whole);
    if part < whole {
        tenths = tenths.min(999);
    }
    if part > 0 {
        tenths = tenths.max(1);
    }
    tenths_to_text(tenths)
}

/// A rate reported as a number from 0 to 100 (only where no counts exist), printed by the same
/// rules as [`percent_of`]: a rate below 100 is at most 99.9 and one above 0 at least 0.1 (99.95
/// would otherwise print as 100 and claim 全覆盖; 0.04 as 0, claiming nothing was done). Reads
/// the decimal text as written, so that 96.65 rounds up as a person expects (binary floating point
/// would make it 96.6), and 100.04 is refused as above 100 rather than rounded into range. None
/// for anything but a plain decimal from 0 to 100.
pub fn reported_rate(text: &str) -> Option<String> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: u128 = int.parse().ok()?;
    let frac_zero = frac.bytes().all(|b| b == b'0');
    if int > 100 || (int == 100 && !frac_zero) {
        return None;
    }
    let first = frac.bytes().next().map_or(0, |b| u128::from(b - b'0'));
    let round_up = frac.as_bytes().get(1).copied().is_some_and(|b| b >= b'5');
    let mut tenths = int * 10 + first + u128::from(round_up);
    if int < 100 {
        tenths = tenths.min(999);
    }
    if int > 0 || !frac_zero {
        tenths = tenths.max(1);
    }
    Some(tenths_to_text(tenths))
}

fn tenths_to_text(tenths: u128) -> String {
    if tenths.is_multiple_of(10) {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// An honest "more than" figure: `exact` rounded down to a printable step, with `suffix` (多 or 余)
/// meaning "more than the printed number".
///
/// Below 10 the count is printed exactly; 10–99 to tens (37 → 30多), 100–9999 to hundreds
/// (1264 → 1200多), from 10000 to thousands (28470 → 28000多). A count that is already round
/// (1200) is printed exactly and without the suffix, because 1200多 would then be false.
pub fn approx(exact: u64, suffix: &str) -> String {
    let Some(step) = approx_step(exact) else {
        return exact.to_string();
    };
    let floor = exact / step * step;
    if floor == exact {
        exact.to_string()
    } else {
        format!("{floor}{suffix}")
    }
}

/// The step [`approx`] rounds `exact` down to: 10 for 10–99, 100 for 100–9999, 1000 from
/// 10000; None below 10, where the count is printed exactly. The review sheet explains the
/// rounding with the same steps.
pub fn approx_step(exact: u64) -> Option<u64> {
    match exact {
        0..=9 => None,
        10..=99 => Some(10),
        100..=9999 => Some(100),
        _ => Some(1000),
    }
}

/// A count in Chinese words, as used before a measure word: 两次, 三星级, 十二个, 一百零五人.
///
/// 2 is 两 when it stands alone or leads 百/千/万 (两次, 两百, 两千), but 二 in 十二 and 二十.
/// Supports 0..=99_999_999; larger counts are written in digits by the caller.
pub fn chinese_count(n: u64) -> Option<String> {
    if n >= 100_000_000 {
        return None;
    }
    if n == 0 {
        return Some("零".into());
    }
    let wan = n / 10_000;
    let rest = n % 10_000;
    let mut out = String::new();
    if wan > 0 {
        out.push_str(&below_ten_thousand(wan, true));
        out.push('万');
        if rest > 0 && rest < 1000 {
            out.push('零');
        }
    }
    if rest > 0 {
        out.push_str(&below_ten_thousand(rest, wan == 0));
    }
    Some(out)
}

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// 1..=9999 in words. `leading` is true when nothing precedes it, which allows 十二 for 12
/// (rather than 一十二) and 两 for a lone 2.
fn below_ten_thousand(n: u64, leading: bool) -> String {
    let digits = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
    let units = ["千", "百", "十", ""];
    let mut out = String::new();
    let mut pending_zero = false;
    let first = digits.iter().position(|&d| d > 0).unwrap_or(3);
    for (i, (&d, unit)) in digits.iter().zip(units).enumerate().skip(first) {
        if d == 0 {
            pending_zero = true;
            continue;
        }
        if pending_zero {
            out.push('零');
            pending_zero = false;
        }
        let is_first = out.is_empty();
        let word = match (d, i) {
            // 十二, not 一十二, at the very start.
            (1, 2) if is_first && leading => String::new(),
            // 两千 / 两百 / lone 两; but 二十 and 十二.
            (2, 0 | 1) if is_first => "两".into(),
            (2, 3) if is_first && leading => "两".into(),
            _ => DIGITS[d as usize].to_string(),
        };
        out.push_str(&word);
        out.push_str(unit);
    }
    out
}

/// A number with at most three decimals, no trailing zeros: `96.706`, `100`.
pub fn trim_number(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// The one way a figure's value is shown outside the speech's own text (the listing, the diff,
/// the tooltip, the preview's panel): its printed text with its unit (`96.7%`, `1001名`; names
/// have no unit), or 【未填】 / 【有误】 when there is no value to show.
pub fn shown(text: Option<&str>, status: FigureStatus, unit: &str, kind: &str) -> String {
    match (text, status) {
        (Some(text), FigureStatus::Ok) if kind == "names" => text.to_owned(),
        (Some(text), FigureStatus::Ok) => format!("{text}{unit}"),
        (_, FigureStatus::Invalid) => "【有误】".to_owned(),
        _ => "【未填】".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_are_trimmed() {
        assert_eq!(trim_number(96.70588), "96.706");
        assert_eq!(trim_number(100.0), "100");
    }

    #[test]
    fn percent_edges() {
        assert_eq!(percent_of(3999, 4000), "99.9");
        assert_eq!(percent_of(1, 4000), "0.1");
        assert_eq!(percent_of(4000, 4000), "100");
        assert_eq!(percent_of(0, 4000), "0");
        assert_eq!(percent_of(1334, 1380), "96.7");
        assert_eq!(percent_of(1, 2), "50");
        assert_eq!(percent_of(1, 3), "33.3");
        assert_eq!(percent_of(2, 3), "66.7");
        // 0.05% exactly rounds half-up to 0.1.
        assert_eq!(percent_of(1, 2000), "0.1");
        // 99.95% exactly would round to 100: held at 99.9 because not all.
        assert_eq!(percent_of(1999, 2000), "99.9");
        assert_eq!(percent_of(u64::MAX - 1, u64::MAX), "99.9");
    }

    #[test]
    fn reported_rate_reads_decimals_exactly() {
        assert_eq!(reported_rate("96.65").as_deref(), Some("96.7"));
        assert_eq!(reported_rate("96.64").as_deref(), Some("96.6"));
        assert_eq!(reported_rate("100").as_deref(), Some("100"));
        assert_eq!(reported_rate("98.0").as_deref(), Some("98"));
        assert_eq!(reported_rate("100.1"), None);
        assert_eq!(reported_rate("-1"), None);
        assert_eq!(reported_rate("abc"), None);
    }

    #[test]
    fn reported_rate_follows_the_percent_rules() {
        // Below 100 is never printed as 100, above 0 never as 0 (as percent_of).
        assert_eq!(reported_rate("99.95").as_deref(), Some("99.9"));
        assert_eq!(reported_rate("99.99999").as_deref(), Some("99.9"));
        assert_eq!(reported_rate("0.04").as_deref(), Some("0.1"));
        assert_eq!(reported_rate("0.0001").as_deref(), Some("0.1"));
        assert_eq!(reported_rate("0").as_deref(), Some("0"));
        assert_eq!(reported_rate("0.000").as_deref(), Some("0"));
        assert_eq!(reported_rate("100.000").as_deref(), Some("100"));
        // Above 100 by any amount is out of range, not rounded into it.
        assert_eq!(reported_rate("100.04"), None);
        assert_eq!(reported_rate("100.0001"), None);
    }

    #[test]
    fn approx_edges() {
        assert_eq!(approx(9, "多"), "9");
        assert_eq!(approx(10, "多"), "10");
        assert_eq!(approx(37, "多"), "30多");
        assert_eq!(approx(318, "多"), "300多");
        assert_eq!(approx(1264, "多"), "1200多");
        assert_eq!(approx(1200, "多"), "1200");
        assert_eq!(approx(9999, "余"), "9900余");
        assert_eq!(approx(10000, "多"), "10000");
        assert_eq!(approx(28470, "多"), "28000多");
    }

    #[test]
    fn chinese_counts() {
        let cn = |n| chinese_count(n).unwrap();
        assert_eq!(cn(0), "零");
        assert_eq!(cn(1), "一");
        assert_eq!(cn(2), "两");
        assert_eq!(cn(3), "三");
        assert_eq!(cn(10), "十");
        assert_eq!(cn(12), "十二");
        assert_eq!(cn(20), "二十");
        assert_eq!(cn(22), "二十二");
        assert_eq!(cn(102), "一百零二");
        assert_eq!(cn(110), "一百一十");
        assert_eq!(cn(200), "两百");
        assert_eq!(cn(1002), "一千零二");
        assert_eq!(cn(2000), "两千");
        assert_eq!(cn(2222), "两千二百二十二");
        assert_eq!(cn(20000), "两万");
        assert_eq!(cn(10_012), "一万零一十二");
        assert_eq!(cn(120_000), "十二万");
        assert_eq!(chinese_count(100_000_000), None);
    }

    proptest! {
        #[test]
        fn approx_never_overstates(exact in 0u64..10_000_000) {
            let text = approx(exact, "多");
            let printed: u64 = text.trim_end_matches('多').parse().unwrap();
            prop_assert!(printed <= exact);
            // 多 is printed exactly when it is true.
            prop_assert_eq!(text.ends_with('多'), printed < exact);
        }

        #[test]
        fn percent_is_never_all_or_nothing_unless_true(whole in 1u64..1_000_000, frac in 0.0f64..=1.0) {
            let part = ((whole as f64) * frac) as u64;
            let text = percent_of(part, whole);
            prop_assert_eq!(text == "100", part == whole);
            prop_assert_eq!(text == "0", part == 0);
            let value: f64 = text.parse().unwrap();
            prop_assert!((value - part as f64 * 100.0 / whole as f64).abs() <= 0.05 + 1e-9 || part < whole && value == 99.9 || part > 0 && value == 0.1);
        }
    }
}
