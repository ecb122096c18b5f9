//! The date a rendered file declares (a PDF/A file must carry one): the meeting's, taken from
//! the inputs, never the clock, so the same inputs give the same bytes.

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// The date a file rendered from the facts of `year` declares: the meeting's `date:` when
    /// the settings or the facts give one; else `SOURCE_DATE_EPOCH` when it is set (the
    /// reproducible-builds convention: seconds since 1970, UTC); else 1 January of the facts'
    /// year.
    pub fn of_inputs(meeting: Option<Date>, year: i64) -> Option<Date> {
        if meeting.is_some() {
            return meeting;
        }
        let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
        match epoch.and_then(|s| s.trim().parse::<i64>().ok()) {
            Some(seconds) => Some(Date::from_days(seconds.div_euclid(86_400))),
            None => Some(Date {
                year: u16::try_from(year).ok()?,
                month: 1,
                day: 1,
            }),
        }
    }

    /// A date written `2021-06-30` (one-digit month and day allowed), or None when it is not
    /// one (a 13th month, 30 February).
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || !(1..=2).contains(&m.len()) {
            return None;
        }
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !(digits(y) && digits(m) && digits(d)) || d.is_empty() || d.len() > 2 {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        let y = date.year;
        let leap = y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
        let days = match date.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&date.day).then_some(date)
    }

    /// The civil date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    pub(crate) fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: year.clamp(0, 9999) as u16,
            month,
            day,
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_1970_are_civil_dates() {
        let d = |year, month, day| Date { year, month, day };
        assert_eq!(Date::from_days(0), d(1970, 1, 1));
        // 2021-06-30: 18808 days on.
        assert_eq!(Date::from_days(18_808), d(2021, 6, 30));
        assert_eq!(Date::from_days(19_417), d(2023, 3, 1));
        assert_eq!(Date::from_days(-1), d(1969, 12, 31));
    }

    #[test]
    fn dates_are_read_as_written_and_impossible_ones_refused() {
        let d = |year, month, day| Some(Date { year, month, day });
        assert_eq!(Date::parse("2021-06-30"), d(2021, 6, 30));
        assert_eq!(Date::parse("2024-2-29"), d(2024, 2, 29));
        assert_eq!(Date::parse("2021-06-30").unwrap().to_string(), "2021-06-30");
        for bad in [
            "2023-02-29",
            "2021-13-01",
            "2021-00-10",
            "2021-06-31",
            "21-06-30",
            "2021/06/30",
            "2021-06",
            "2021-06-30-1",
            "2021-６-30",
            "",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_meeting_date_comes_first() {
        let meeting = Date::parse("2021-06-30");
        assert_eq!(Date::of_inputs(meeting, 2020), meeting);
    }
}
