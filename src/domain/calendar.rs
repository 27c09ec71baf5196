//! The working-day calendar (工作日历) for publication deadlines.
//!
//! Results are published within 20 working days of being determined (source, 二(十)). A working
//! day is Monday to Friday, except the statutory holidays, plus the make-up working days
//! (调休上班) on weekends. Both come from the State Council General Office's yearly notice, so the
//! calendar is data: `fixtures/calendar.toml` (embedded as [`WorkingCalendar::default_calendar`])
//! lists each year, its notice, its holidays and its make-up days. A date in a year the file
//! does not cover is an error that says which year's notice to add, never a silent guess.

use super::rules::{line_of, toml_error_place};
use crate::i18n::Lang;
use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use toml::Spanned;

/// Working days allowed between a result being determined and its publication.
pub const PUBLICATION_WORKING_DAYS: u32 = 20;

/// One year's notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarYear {
    pub year: i32,
    /// The notice: title, number, date.
    pub source: String,
    /// Days off, inclusive ranges (a single day is `(d, d)`).
    pub holidays: Vec<(NaiveDate, NaiveDate)>,
    /// Make-up working days (weekend days worked).
    pub workdays: Vec<NaiveDate>,
}

/// The calendar, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    years: BTreeMap<i32, CalendarYear>,
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarErrorKind {
    /// TOML syntax, a missing or mistyped field: the parser's message.
    Syntax(String),
    /// A `[years.X]` key that is not a year.
    BadYear(String),
    /// Not a date `YYYY-MM-DD` or a range `YYYY-MM-DD..YYYY-MM-DD`.
    BadDate(String),
    /// A range whose end is before its start.
    BadRange(String),
    /// A date too far from the year it is listed under (a typo).
    YearMismatch {
        year: i32,
        date: NaiveDate,
    },
    /// A make-up working day that is not a Saturday or Sunday.
    WorkdayNotWeekend(NaiveDate),
    /// A day listed both as a holiday and as a make-up working day.
    Conflict(NaiveDate),
    EmptySource(i32),
    NoYears,
    /// The date's year is not in the calendar.
    NotCovered(i32),
    /// Past the last representable date.
    Overflow,
}

/// A calendar file problem (with file, line and field) or a date the calendar cannot answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarError {
    pub file: Option<String>,
    pub line: Option<usize>,
    pub field: Option<String>,
    pub kind: CalendarErrorKind,
}

impl CalendarError {
    fn bare(kind: CalendarErrorKind) -> CalendarError {
        CalendarError {
            file: None,
            line: None,
            field: None,
            kind,
        }
    }

    pub fn localize(&self, lang: Lang) -> String {
        use CalendarErrorKind as K;
        let what = match (&self.kind, lang) {
            (K::Syntax(m), Lang::Zh) => format!("格式错误：{m}"),
            (K::Syntax(m), Lang::En) => format!("format error: {m}"),
            (K::BadYear(y), Lang::Zh) => format!("{y:?} 不是年份：应写作 [years.2027]"),
            (K::BadYear(y), Lang::En) => format!("{y:?} is not a year: write [years.2027]"),
            (K::BadDate(d), Lang::Zh) => format!(
                "无法识别的日期 {d:?}：应写作 2022-10-01 或区间 2022-10-01..2022-10-07"
            ),
            (K::BadDate(d), Lang::En) => format!(
                "cannot read the date {d:?}: write 2022-10-01 or a range 2022-10-01..2022-10-07"
            ),
            (K::BadRange(d), Lang::Zh) => format!("日期区间 {d:?} 的结束日早于开始日"),
            (K::BadRange(d), Lang::En) => format!("the range {d:?} ends before it starts"),
            (K::YearMismatch { year, date }, Lang::Zh) => {
                format!("日期 {date} 不属于 {year} 年的安排，请检查年份是否写错")
            }
            (K::YearMismatch { year, date }, Lang::En) => {
                format!("the date {date} does not belong to the {year} notice: check the year")
            }
            (K::WorkdayNotWeekend(d), Lang::Zh) => {
                format!("调休上班日 {d} 不是周六或周日：工作日本来就上班，请检查日期")
            }
            (K::WorkdayNotWeekend(d), Lang::En) => format!(
                "the make-up working day {d} is not a Saturday or Sunday: check the date"
            ),
            (K::Conflict(d), Lang::Zh) => format!("{d} 同时列为放假日和调休上班日"),
            (K::Conflict(d), Lang::En) => {
                format!("{d} is listed both as a holiday and as a make-up working day")
            }
            (K::EmptySource(y), Lang::Zh) => format!("{y} 年缺少 source（通知名称和文号）"),
            (K::EmptySource(y), Lang::En) => {
                format!("{y} has no source (the notice's title and number)")
            }
            (K::NoYears, Lang::Zh) => "工作日历中没有任何年份".into(),
            (K::NoYears, Lang::En) => "the working calendar lists no year".into(),
            (K::NotCovered(y), Lang::Zh) => format!(
                "工作日历中没有 {y} 年：请把《国务院办公厅关于{y}年部分节假日安排的通知》的放假和调休日期加入日历文件（shuangsui calendar export 导出、编辑），再运行 shuangsui calendar import 文件 导入"
            ),
            (K::NotCovered(y), Lang::En) => format!(
                "the working calendar has no {y}: add the holidays and make-up days of the State Council General Office's notice on the {y} holidays to a calendar file (shuangsui calendar export, then edit it) and run shuangsui calendar import FILE"
            ),
            (K::Overflow, Lang::Zh) => "日期超出可表示的范围".into(),
            (K::Overflow, Lang::En) => "the date is out of range".into(),
        };
        let place = match (&self.file, self.line, &self.field, lang) {
            (None, _, _, _) => return what,
            (Some(f), Some(l), Some(k), Lang::Zh) => format!("{f} 第 {l} 行，字段 {k}"),
            (Some(f), Some(l), None, Lang::Zh) => format!("{f} 第 {l} 行"),
            (Some(f), Some(l), Some(k), Lang::En) => format!("{f}, line {l}, field {k}"),
            (Some(f), Some(l), None, Lang::En) => format!("{f}, line {l}"),
            (Some(f), None, _, _) => f.clone(),
        };
        format!("{place}{}{what}", lang.pick("：", ": "))
    }
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}
impl std::error::Error for CalendarError {}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    years: BTreeMap<String, RawYear>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    source: Spanned<String>,
    #[serde(default)]
    holidays: Vec<Spanned<String>>,
    #[serde(default)]
    workdays: Vec<Spanned<String>>,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl WorkingCalendar {
    /// The embedded default (`fixtures/calendar.toml`: 2022 to 2026).
    pub const DEFAULT_TOML: &'static str = include_str!("../../fixtures/calendar.toml");

    /// The embedded calendar. The embedded file is checked by a unit test, so this cannot
    /// fail at run time.
    pub fn default_calendar() -> WorkingCalendar {
        match WorkingCalendar::from_toml_str(Self::DEFAULT_TOML, "calendar.toml") {
            Ok(c) => c,
            // Unreachable: `tests::default_calendar_loads` parses the same text.
            Err(e) => panic!("embedded calendar.toml is invalid: {e}"),
        }
    }

    /// Reads and checks a calendar file; `file_name` is used in error messages. The first
    /// problem only: [`WorkingCalendar::parse_all`] gives every one.
    pub fn from_toml_str(text: &str, file_name: &str) -> Result<WorkingCalendar, CalendarError> {
        WorkingCalendar::parse_all(text, file_name).map_err(|mut all| all.swap_remove(0))
    }

    /// Reads and checks a calendar file: every problem, each with its line and field (a TOML
    /// syntax error stops the reading, so it comes alone). Never an empty list.
    pub fn parse_all(text: &str, file_name: &str) -> Result<WorkingCalendar, Vec<CalendarError>> {
        let err = |span: std::ops::Range<usize>, field: &str, kind| CalendarError {
            file: Some(file_name.to_string()),
            line: Some(line_of(text, span.start)),
            field: Some(field.to_string()),
            kind,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let (line, field) = toml_error_place(text, &e);
            vec![CalendarError {
                file: Some(file_name.to_string()),
                line,
                field,
                kind: CalendarErrorKind::Syntax(e.message().trim().to_string()),
            }]
        })?;
        if raw.years.is_empty() {
            return Err(vec![CalendarError {
                file: Some(file_name.to_string()),
                line: None,
                field: Some("years".into()),
                kind: CalendarErrorKind::NoYears,
            }]);
        }
        let mut errs = Vec::new();
        let mut cal = WorkingCalendar {
            years: BTreeMap::new(),
            holidays: BTreeSet::new(),
            workdays: BTreeSet::new(),
        };
        for (key, y) in raw.years {
            let year: i32 = match key.trim().parse() {
                Ok(v) if (1900..=2200).contains(&v) => v,
                _ => {
                    errs.push(err(
                        y.source.span(),
                        "years",
                        CalendarErrorKind::BadYear(key.clone()),
                    ));
                    continue;
                }
            };
            if y.source.get_ref().trim().is_empty() {
                errs.push(err(
                    y.source.span(),
                    "source",
                    CalendarErrorKind::EmptySource(year),
                ));
            }
            let near = |d: NaiveDate| (year - 1..=year + 1).contains(&d.year());
            let mut holidays = Vec::new();
            for h in &y.holidays {
                let s = h.get_ref();
                let (a, b) = match s.split_once("..") {
                    Some((a, b)) => (parse_date(a), parse_date(b)),
                    None => (parse_date(s), parse_date(s)),
                };
                let problem = match (a, b) {
                    (Some(a), Some(b)) if b < a => Some(CalendarErrorKind::BadRange(s.clone())),
                    (Some(a), Some(b)) => [a, b]
                        .into_iter()
                        .find(|d| !near(*d))
                        .map(|date| CalendarErrorKind::YearMismatch { year, date }),
                    _ => Some(CalendarErrorKind::BadDate(s.clone())),
                };
                if let Some(kind) = problem {
                    errs.push(err(h.span(), "holidays", kind));
                    continue;
                }
                let (Some(a), Some(b)) = (a, b) else { continue };
                let mut d = a;
                while d <= b {
                    if cal.workdays.contains(&d) {
                        errs.push(err(h.span(), "holidays", CalendarErrorKind::Conflict(d)));
                    }
                    cal.holidays.insert(d);
                    match d.succ_opt() {
                        Some(n) => d = n,
                        None => break,
                    }
                }
                holidays.push((a, b));
            }
            let mut workdays = Vec::new();
            for w in &y.workdays {
                let s = w.get_ref();
                let problem = match parse_date(s) {
                    None => Some(CalendarErrorKind::BadDate(s.clone())),
                    Some(d) if !near(d) => Some(CalendarErrorKind::YearMismatch { year, date: d }),
                    Some(d) if !is_weekend(d) => Some(CalendarErrorKind::WorkdayNotWeekend(d)),
                    Some(d) if cal.holidays.contains(&d) => Some(CalendarErrorKind::Conflict(d)),
                    Some(d) => {
                        cal.workdays.insert(d);
                        workdays.push(d);
                        None
                    }
                };
                if let Some(kind) = problem {
                    errs.push(err(w.span(), "workdays", kind));
                }
            }
            cal.years.insert(
                year,
                CalendarYear {
                    year,
                    source: y.source.into_inner(),
                    holidays,
                    workdays,
                },
            );
        }
        if errs.is_empty() {
            Ok(cal)
        } else {
            Err(errs)
        }
    }

    /// The years covered, ascending.
    pub fn years(&self) -> impl Iterator<Item = &CalendarYear> {
        self.years.values()
    }

    /// The notice for `year`, if covered.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.years.get(&year).map(|y| y.source.as_str())
    }

    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// Whether `date` is a working day; an error when its year is not in the calendar.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        if !self.covers(date.year()) {
            return Err(CalendarError::bare(CalendarErrorKind::NotCovered(
                date.year(),
            )));
        }
        if self.workdays.contains(&date) {
            return Ok(true);
        }
        if self.holidays.contains(&date) {
            return Ok(false);
        }
        Ok(!is_weekend(date))
    }

    /// The `n`-th working day after `date` (`date` itself is not counted; `n = 0` gives
    /// `date`).
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut d = date;
        let mut left = n;
        while left > 0 {
            d = d
                .succ_opt()
                .ok_or_else(|| CalendarError::bare(CalendarErrorKind::Overflow))?;
            if self.is_working_day(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// Working days after `from` up to and including `to` (0 when `to <= from`).
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u32, CalendarError> {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = d
                .succ_opt()
                .ok_or_else(|| CalendarError::bare(CalendarErrorKind::Overflow))?;
            if self.is_working_day(d)? {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Last day to publish a result determined on `determined`: 20 working days later.
    pub fn publication_due(&self, determined: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.add_working_days(determined, PUBLICATION_WORKING_DAYS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cal() -> WorkingCalendar {
        WorkingCalendar::default_calendar()
    }

    #[test]
    fn default_calendar_loads() {
        let c =
            WorkingCalendar::from_toml_str(WorkingCalendar::DEFAULT_TOML, "calendar.toml").unwrap();
        let years: Vec<i32> = c.years().map(|y| y.year).collect();
        assert_eq!(years, [2022, 2023, 2024, 2025, 2026]);
        assert!(c.source(2022).unwrap().contains("国办发明电〔2021〕11号"));
    }

    #[test]
    fn national_day_week_2022() {
        let c = cal();
        // 2022-09-30 is a Friday: a working day. 10/1-10/7 off; Sat 10/8 and Sun 10/9 worked.
        assert_eq!(c.is_working_day(d(2022, 9, 30)), Ok(true));
        for day in 1..=7 {
            assert_eq!(c.is_working_day(d(2022, 10, day)), Ok(false), "10/{day}");
        }
        assert_eq!(c.is_working_day(d(2022, 10, 8)), Ok(true));
        assert_eq!(c.is_working_day(d(2022, 10, 9)), Ok(true));
        assert_eq!(c.is_working_day(d(2022, 10, 15)), Ok(false)); // an ordinary Saturday
        assert_eq!(c.is_working_day(d(2022, 10, 10)), Ok(true));
    }

    #[test]
    fn adding_working_days_across_national_day() {
        let c = cal();
        // Determined Fri 2022-09-30. Counting by hand:
        //  10/1-10/7 holiday; 10/8 Sat (1), 10/9 Sun (2), 10/10-10/14 (3-7),
        //  10/17-10/21 (8-12), 10/24-10/28 (13-17), 10/31 (18), 11/1 (19), 11/2 (20).
        // Without the make-up days 10/8 and 10/9 it would be 11/4.
        assert_eq!(c.publication_due(d(2022, 9, 30)), Ok(d(2022, 11, 2)));
        assert_eq!(c.add_working_days(d(2022, 9, 30), 1), Ok(d(2022, 10, 8)));
        assert_eq!(c.add_working_days(d(2022, 9, 30), 3), Ok(d(2022, 10, 10)));
        assert_eq!(c.add_working_days(d(2022, 9, 30), 0), Ok(d(2022, 9, 30)));
        // Starting on a holiday: 10/3 + 1 working day = Sat 10/8.
        assert_eq!(c.add_working_days(d(2022, 10, 3), 1), Ok(d(2022, 10, 8)));
        assert_eq!(
            c.working_days_between(d(2022, 9, 30), d(2022, 11, 2)),
            Ok(20)
        );
        // Spring Festival 2022: Sat 1/29 and Sun 1/30 worked, 1/31-2/6 off.
        // Fri 1/28 + 2 = Sun 1/30; + 3 = Mon 2/7.
        assert_eq!(c.add_working_days(d(2022, 1, 28), 2), Ok(d(2022, 1, 30)));
        assert_eq!(c.add_working_days(d(2022, 1, 28), 3), Ok(d(2022, 2, 7)));
    }

    #[test]
    fn crossing_into_an_uncovered_year_says_which_notice() {
        let c = cal();
        let e = c.is_working_day(d(2027, 1, 4)).unwrap_err();
        assert_eq!(e.kind, CalendarErrorKind::NotCovered(2027));
        assert!(e
            .localize(Lang::Zh)
            .contains("国务院办公厅关于2027年部分节假日安排的通知"));
        assert!(e.localize(Lang::En).contains("2027 holidays"));
        // 2026-12-20 + 20 working days runs into 2027.
        assert_eq!(
            c.publication_due(d(2026, 12, 20)).unwrap_err().kind,
            CalendarErrorKind::NotCovered(2027)
        );
        assert!(c.is_working_day(d(2021, 12, 31)).is_err());
    }

    #[test]
    fn the_2023_new_year_range_starts_in_2022() {
        let c = cal();
        assert_eq!(c.is_working_day(d(2023, 1, 2)), Ok(false)); // Monday, off
        assert_eq!(c.is_working_day(d(2023, 1, 3)), Ok(true));
        assert_eq!(c.is_working_day(d(2023, 1, 28)), Ok(true)); // Saturday, worked
    }

    fn err(text: &str) -> CalendarError {
        WorkingCalendar::from_toml_str(text, "cal.toml").unwrap_err()
    }

    #[test]
    fn every_error_of_a_file_is_named() {
        let text = "[years.2022]\nsource = \"x\"\nholidays = [\"2022-10-07..2022-10-01\"]\nworkdays = [\"2022-10-10\"]\n\n[years.2023]\nsource = \"\"\n";
        let all = WorkingCalendar::parse_all(text, "cal.toml").unwrap_err();
        let got: Vec<(Option<usize>, Option<&str>)> =
            all.iter().map(|e| (e.line, e.field.as_deref())).collect();
        assert_eq!(
            got,
            [
                (Some(3), Some("holidays")),
                (Some(4), Some("workdays")),
                (Some(7), Some("source"))
            ]
        );
        assert!(matches!(all[0].kind, CalendarErrorKind::BadRange(_)));
        assert_eq!(err(text), all[0], "from_toml_str gives the first");
    }

    #[test]
    fn file_errors_name_line_and_field() {
        let base = "[years.2022]\nsource = \"x\"\nholidays = [\"2022-10-01..2022-10-07\"]\nworkdays = [\"2022-10-08\"]\n";
        assert!(WorkingCalendar::from_toml_str(base, "cal.toml").is_ok());
        let e = err(&base.replace("2022-10-08", "2022-10-10"));
        assert_eq!(
            e.kind,
            CalendarErrorKind::WorkdayNotWeekend(d(2022, 10, 10))
        );
        assert_eq!((e.line, e.field.as_deref()), (Some(4), Some("workdays")));
        assert!(e
            .localize(Lang::Zh)
            .starts_with("cal.toml 第 4 行，字段 workdays："));
        let e = err(&base.replace("2022-10-07\"", "2022-09-07\""));
        assert!(matches!(e.kind, CalendarErrorKind::BadRange(_)));
        assert_eq!(e.line, Some(3));
        let e = err(&base.replace("2022-10-01..", "2022-13-01.."));
        assert!(matches!(e.kind, CalendarErrorKind::BadDate(_)));
        let e = err(&base.replace("2022-10-08", "2202-10-08"));
        assert!(matches!(
            e.kind,
            CalendarErrorKind::YearMismatch { year: 2022, .. }
        ));
        let e = err(&base.replace("2022-10-08", "2022-10-01"));
        assert_eq!(e.kind, CalendarErrorKind::Conflict(d(2022, 10, 1)));
        let e = err(&base.replace("[years.2022]", "[years.abc]"));
        assert!(matches!(e.kind, CalendarErrorKind::BadYear(_)));
        let e = err(&base.replace("source = \"x\"", "source = \"\""));
        assert_eq!(e.kind, CalendarErrorKind::EmptySource(2022));
        let e = err(&base.replace("source = \"x\"\n", ""));
        assert!(matches!(e.kind, CalendarErrorKind::Syntax(_)));
        assert_eq!(e.field.as_deref(), Some("source"));
        let e = err(&base.replace("workdays", "workday"));
        assert_eq!((e.line, e.field.as_deref()), (Some(4), Some("workday")));
        assert_eq!(err("").kind, CalendarErrorKind::NoYears);
    }

    /// Cross-check against an independent source: the `chinese_holiday` crate's own table,
    /// built from the same notices. Every day of 2022-01-01 to 2026-12-25 (the crate's end).
    #[test]
    fn agrees_with_the_chinese_holiday_crate() {
        let c = cal();
        let mut day = d(2022, 1, 1);
        let end = d(2026, 12, 25);
        let mut checked = 0;
        while day <= end {
            let ymd =
                chinese_holiday::Ymd::new(day.year() as u16, day.month() as u8, day.day() as u8);
            let theirs = chinese_holiday::chinese_holiday(ymd).is_workday();
            assert_eq!(c.is_working_day(day), Ok(theirs), "{day}");
            checked += 1;
            day = day.succ_opt().unwrap();
        }
        assert_eq!(checked, 1820);
    }
}
