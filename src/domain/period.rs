//! Draw periods (抽查周期): a quarter, a half-year or a year.
//!
//! Table 1 gives each row a frequency: "1次/季" (a quarterly [`Cycle`]), "2次/年" (each half-year)
//! or "1次/年" (yearly). A draw is made for a [`Period`]; [`Period::cycle_of`] finds the cycle
//! period of a row that contains the draw period, so the draw engine can tell whether a row's
//! quota for that cycle is already spent.
//!
//! Text forms: `2022Q3`, `2022H2`, `2022` (canonical, what [`Display`](std::fmt::Display)
//! writes), also lower case, with a dash or a space (`2022-q3`, `2022 H2`) and the Chinese
//! `2022年第3季度`, `2022年三季度`, `2022年上半年`, `2022年下半年`, `2022年`.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Years a period may name. Outside this range a text is rejected as a typo.
pub const YEAR_RANGE: std::ops::RangeInclusive<i32> = 1990..=2200;

/// A row's inspection cycle, shortest first (so `Quarter < Half < Year`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cycle {
    /// 1次/季
    Quarter,
    /// 2次/年: once in each half-year
    Half,
    /// 1次/年
    Year,
}

impl Cycle {
    pub const ALL: [Cycle; 3] = [Cycle::Quarter, Cycle::Half, Cycle::Year];

    /// `quarter`, `half`, `year` (and `季`/`半年`/`年`, `1次/季`, `2次/年`, `1次/年`).
    pub fn parse(s: &str) -> Option<Cycle> {
        match s.trim().to_ascii_lowercase().as_str() {
            "quarter" | "quarterly" | "季" | "季度" | "1次/季" => Some(Cycle::Quarter),
            "half" | "half_year" | "half-year" | "halfyear" | "半年" | "2次/年" => {
                Some(Cycle::Half)
            }
            "year" | "yearly" | "annual" | "年" | "年度" | "1次/年" => Some(Cycle::Year),
            _ => None,
        }
    }

    /// The key used in files: `quarter`, `half`, `year`.
    pub fn key(self) -> &'static str {
        match self {
            Cycle::Quarter => "quarter",
            Cycle::Half => "half",
            Cycle::Year => "year",
        }
    }

    /// Table 1's frequency wording: 1次/季, 2次/年, 1次/年.
    pub fn frequency(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            Cycle::Quarter => lang.pick("1次/季", "once a quarter"),
            Cycle::Half => lang.pick("2次/年", "twice a year (each half)"),
            Cycle::Year => lang.pick("1次/年", "once a year"),
        }
    }

    /// Length in months.
    pub fn months(self) -> u32 {
        match self {
            Cycle::Quarter => 3,
            Cycle::Half => 6,
            Cycle::Year => 12,
        }
    }
}

/// A draw period. Build with [`Period::quarter`] / [`Period::half`] / [`Period::year_of`] or
/// [`Period::parse`] to have the index checked; a hand-built `Quarter(y, 7)` is clamped to Q4
/// by the date methods (they never panic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// (year, 1..=4)
    Quarter(i32, u8),
    /// (year, 1..=2)
    Half(i32, u8),
    Year(i32),
}

/// Why a period text was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodError {
    /// The text has none of the accepted forms.
    Format(String),
    /// The year is outside [`YEAR_RANGE`].
    Year(String, i32),
    /// Quarter not 1..=4 or half not 1..=2.
    Index(String),
}

impl PeriodError {
    pub fn localize(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang::*;
        match (self, lang) {
            (PeriodError::Format(t), Zh) => format!(
                "无法识别的抽查周期 {t:?}：应写作 2022Q3（季度）、2022H2（半年）或 2022（年度）"
            ),
            (PeriodError::Format(t), En) => format!(
                "cannot read the period {t:?}: write 2022Q3 (a quarter), 2022H2 (a half-year) or 2022 (a year)"
            ),
            (PeriodError::Year(t, y), Zh) => format!(
                "抽查周期 {t:?} 的年份 {y} 超出范围（{}–{}）",
                YEAR_RANGE.start(),
                YEAR_RANGE.end()
            ),
            (PeriodError::Year(t, y), En) => format!(
                "the year {y} in the period {t:?} is out of range ({}-{})",
                YEAR_RANGE.start(),
                YEAR_RANGE.end()
            ),
            (PeriodError::Index(t), Zh) => {
                format!("抽查周期 {t:?} 无效：季度为 Q1–Q4，半年为 H1–H2")
            }
            (PeriodError::Index(t), En) => {
                format!("the period {t:?} is invalid: quarters are Q1-Q4, halves H1-H2")
            }
        }
    }
}

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(crate::i18n::Lang::En))
    }
}

impl std::error::Error for PeriodError {}

fn first_day(year: i32, month: u32) -> NaiveDate {
    // Years are clamped to chrono's comfortable range so that a hand-built period never panics.
    let y = year.clamp(1, 9999);
    NaiveDate::from_ymd_opt(y, month.clamp(1, 12), 1).unwrap_or(NaiveDate::MIN)
}

impl Period {
    /// Quarter `q` (1..=4) of `year`; `None` when out of range.
    pub fn quarter(year: i32, q: u8) -> Option<Period> {
        ((1..=4).contains(&q) && YEAR_RANGE.contains(&year)).then_some(Period::Quarter(year, q))
    }

    /// Half `h` (1..=2) of `year`; `None` when out of range.
    pub fn half(year: i32, h: u8) -> Option<Period> {
        ((1..=2).contains(&h) && YEAR_RANGE.contains(&year)).then_some(Period::Half(year, h))
    }

    /// The whole `year`; `None` when out of range.
    pub fn year_of(year: i32) -> Option<Period> {
        YEAR_RANGE.contains(&year).then_some(Period::Year(year))
    }

    /// The period of kind `cycle` that contains `date`.
    pub fn containing(date: NaiveDate, cycle: Cycle) -> Period {
        let y = date.year();
        let m = date.month();
        match cycle {
            Cycle::Quarter => Period::Quarter(y, ((m - 1) / 3 + 1) as u8),
            Cycle::Half => Period::Half(y, if m <= 6 { 1 } else { 2 }),
            Cycle::Year => Period::Year(y),
        }
    }

    /// Reads `2022Q3`, `2022H2`, `2022`, in any case, with `-`, `_`, `/` or a space between,
    /// and the Chinese forms listed in the module doc.
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let original = text.to_string();
        let t: String = text
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '/' | '.'))
            .collect::<String>()
            .to_uppercase();
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.len() != 4 {
            return Err(PeriodError::Format(original));
        }
        let year: i32 = digits
            .parse()
            .map_err(|_| PeriodError::Format(original.clone()))?;
        let rest = t[digits.len()..].trim_start_matches('年');
        let rest = rest.trim_start_matches('第');
        let rest = rest.trim_end_matches('度');
        let period = match rest {
            "" => Period::Year(year),
            "Q1" | "1季" | "一季" => Period::Quarter(year, 1),
            "Q2" | "2季" | "二季" => Period::Quarter(year, 2),
            "Q3" | "3季" | "三季" => Period::Quarter(year, 3),
            "Q4" | "4季" | "四季" => Period::Quarter(year, 4),
            "H1" | "上半年" => Period::Half(year, 1),
            "H2" | "下半年" => Period::Half(year, 2),
            r if (r.starts_with('Q') || r.starts_with('H'))
                && r.len() > 1
                && r[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                return Err(PeriodError::Index(original));
            }
            _ => return Err(PeriodError::Format(original)),
        };
        if !YEAR_RANGE.contains(&year) {
            return Err(PeriodError::Year(original, year));
        }
        Ok(period)
    }

    pub fn year(self) -> i32 {
        match self {
            Period::Quarter(y, _) | Period::Half(y, _) | Period::Year(y) => y,
        }
    }

    /// The kind of this period.
    pub fn cycle(self) -> Cycle {
        match self {
            Period::Quarter(..) => Cycle::Quarter,
            Period::Half(..) => Cycle::Half,
            Period::Year(_) => Cycle::Year,
        }
    }

    /// The months covered, 1-based and inclusive (Q3 = 7..=9).
    pub fn months(self) -> std::ops::RangeInclusive<u32> {
        match self {
            Period::Quarter(_, q) => {
                let q = u32::from(q.clamp(1, 4));
                (q - 1) * 3 + 1..=q * 3
            }
            Period::Half(_, h) => {
                if h <= 1 {
                    1..=6
                } else {
                    7..=12
                }
            }
            Period::Year(_) => 1..=12,
        }
    }

    /// First day of the period.
    pub fn start(self) -> NaiveDate {
        first_day(self.year(), *self.months().start())
    }

    /// Last day of the period.
    pub fn end(self) -> NaiveDate {
        let last = *self.months().end();
        let next = if last == 12 {
            first_day(self.year().saturating_add(1), 1)
        } else {
            first_day(self.year(), last + 1)
        };
        next.pred_opt().unwrap_or(next)
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        self.start() <= date && date <= self.end()
    }

    /// The period of `cycle` containing this one, or `None` when `cycle` is shorter than this
    /// period (a quarterly row has no single quarter inside a yearly draw).
    ///
    /// `Period::cycle_of(Period::Quarter(2022, 3), Cycle::Half) == Some(Period::Half(2022, 2))`.
    pub fn cycle_of(self, cycle: Cycle) -> Option<Period> {
        if cycle < self.cycle() {
            return None;
        }
        Some(Period::containing(self.start(), cycle))
    }

    /// Human label: `2022年第三季度` / `2022 Q3`.
    pub fn label(self, lang: crate::i18n::Lang) -> String {
        const CN: [&str; 4] = ["一", "二", "三", "四"];
        match (self, lang) {
            (Period::Quarter(y, q), crate::i18n::Lang::Zh) => {
                format!("{y}年第{}季度", CN[usize::from(q.clamp(1, 4) - 1)])
            }
            (Period::Half(y, h), crate::i18n::Lang::Zh) => {
                format!("{y}年{}", if h <= 1 { "上半年" } else { "下半年" })
            }
            (Period::Year(y), crate::i18n::Lang::Zh) => format!("{y}年"),
            (Period::Quarter(y, q), crate::i18n::Lang::En) => format!("{y} Q{q}"),
            (Period::Half(y, h), crate::i18n::Lang::En) => format!("{y} H{h}"),
            (Period::Year(y), crate::i18n::Lang::En) => format!("{y}"),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Quarter(y, q) => write!(f, "{y}Q{q}"),
            Period::Half(y, h) => write!(f, "{y}H{h}"),
            Period::Year(y) => write!(f, "{y}"),
        }
    }
}

impl Period {
    fn sort_key(self) -> (i32, u32, Cycle, u8) {
        let index = match self {
            Period::Quarter(_, i) | Period::Half(_, i) => i,
            Period::Year(_) => 0,
        };
        (self.year(), *self.months().start(), self.cycle(), index)
    }
}

/// Chronological by start, then the shorter period first (2022Q1 < 2022H1 < 2022 < 2022Q2).
impl Ord for Period {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::str::FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s)
    }
}

// Stored and written as its canonical text, so files and the store read "2022Q3".
impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Period::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_all_forms() {
        for (text, p) in [
            ("2022Q3", Period::Quarter(2022, 3)),
            ("2022q3", Period::Quarter(2022, 3)),
            ("2022-Q3", Period::Quarter(2022, 3)),
            (" 2022 q1 ", Period::Quarter(2022, 1)),
            ("2022H2", Period::Half(2022, 2)),
            ("2022-h1", Period::Half(2022, 1)),
            ("2022", Period::Year(2022)),
            ("2022年", Period::Year(2022)),
            ("2022年第3季度", Period::Quarter(2022, 3)),
            ("2022年三季度", Period::Quarter(2022, 3)),
            ("2022年下半年", Period::Half(2022, 2)),
        ] {
            assert_eq!(Period::parse(text), Ok(p), "{text}");
        }
    }

    #[test]
    fn display_round_trips() {
        for p in [
            Period::Quarter(2024, 4),
            Period::Half(2023, 1),
            Period::Year(2026),
        ] {
            assert_eq!(Period::parse(&p.to_string()), Ok(p));
        }
        assert_eq!(Period::Quarter(2022, 3).to_string(), "2022Q3");
        assert_eq!(Period::Half(2022, 2).to_string(), "2022H2");
        assert_eq!(Period::Year(2022).to_string(), "2022");
    }

    #[test]
    fn rejects_bad_text_with_a_reason() {
        assert!(matches!(
            Period::parse("2022Q5"),
            Err(PeriodError::Index(_))
        ));
        assert!(matches!(
            Period::parse("2022H3"),
            Err(PeriodError::Index(_))
        ));
        assert!(matches!(Period::parse("22Q1"), Err(PeriodError::Format(_))));
        assert!(matches!(
            Period::parse("2022X1"),
            Err(PeriodError::Format(_))
        ));
        assert!(matches!(Period::parse(""), Err(PeriodError::Format(_))));
        assert!(matches!(
            Period::parse("1800"),
            Err(PeriodError::Year(_, 1800))
        ));
        let zh = Period::parse("2022Q5").unwrap_err().localize(Lang::Zh);
        assert!(zh.contains("Q1–Q4"), "{zh}");
        let en = Period::parse("abc").unwrap_err().localize(Lang::En);
        assert!(en.contains("\"abc\"") && en.contains("2022Q3"), "{en}");
    }

    #[test]
    fn start_end_and_contains() {
        let q3 = Period::Quarter(2022, 3);
        assert_eq!(q3.start(), d(2022, 7, 1));
        assert_eq!(q3.end(), d(2022, 9, 30));
        assert_eq!(q3.months(), 7..=9);
        assert!(q3.contains(d(2022, 9, 30)));
        assert!(!q3.contains(d(2022, 10, 1)));
        assert!(!q3.contains(d(2022, 6, 30)));
        assert_eq!(Period::Quarter(2024, 1).end(), d(2024, 3, 31));
        assert_eq!(Period::Half(2022, 1).end(), d(2022, 6, 30));
        assert_eq!(Period::Half(2022, 2).start(), d(2022, 7, 1));
        assert_eq!(Period::Year(2022).end(), d(2022, 12, 31));
        assert_eq!(Period::Quarter(2022, 4).end(), d(2022, 12, 31));
        assert_eq!(Period::Year(2025).year(), 2025);
        // A hand-built invalid quarter is clamped, never a panic.
        assert_eq!(Period::Quarter(2022, 9).end(), d(2022, 12, 31));
    }

    #[test]
    fn cycle_of_containing_period() {
        let q3 = Period::Quarter(2022, 3);
        assert_eq!(q3.cycle_of(Cycle::Quarter), Some(q3));
        assert_eq!(q3.cycle_of(Cycle::Half), Some(Period::Half(2022, 2)));
        assert_eq!(q3.cycle_of(Cycle::Year), Some(Period::Year(2022)));
        assert_eq!(
            Period::cycle_of(Period::Quarter(2022, 2), Cycle::Half),
            Some(Period::Half(2022, 1))
        );
        // A quarterly row in a yearly or half-year draw has no single cycle period.
        assert_eq!(Period::Year(2022).cycle_of(Cycle::Quarter), None);
        assert_eq!(Period::Year(2022).cycle_of(Cycle::Half), None);
        assert_eq!(Period::Half(2022, 1).cycle_of(Cycle::Quarter), None);
        assert_eq!(
            Period::Half(2022, 1).cycle_of(Cycle::Year),
            Some(Period::Year(2022))
        );
    }

    #[test]
    fn containing_a_date() {
        assert_eq!(
            Period::containing(d(2022, 10, 1), Cycle::Quarter),
            Period::Quarter(2022, 4)
        );
        assert_eq!(
            Period::containing(d(2022, 6, 30), Cycle::Half),
            Period::Half(2022, 1)
        );
    }

    #[test]
    fn cycles_and_labels() {
        assert_eq!(Cycle::parse("2次/年"), Some(Cycle::Half));
        assert_eq!(Cycle::parse("Quarter"), Some(Cycle::Quarter));
        assert_eq!(Cycle::parse("weekly"), None);
        assert_eq!(Period::Quarter(2022, 3).label(Lang::Zh), "2022年第三季度");
        assert_eq!(Period::Half(2022, 2).label(Lang::En), "2022 H2");
        assert_eq!(Period::quarter(2022, 5), None);
        assert_eq!(Period::half(2022, 2), Some(Period::Half(2022, 2)));
    }

    #[test]
    fn chronological_order() {
        let mut v = [
            Period::Quarter(2022, 2),
            Period::Year(2022),
            Period::Half(2022, 1),
            Period::Quarter(2022, 1),
            Period::Quarter(2021, 4),
        ];
        v.sort();
        let text: Vec<String> = v.iter().map(|p| p.to_string()).collect();
        assert_eq!(text, ["2021Q4", "2022Q1", "2022H1", "2022", "2022Q2"]);
    }

    #[test]
    fn serde_as_text() {
        let json = serde_json::to_string(&Period::Quarter(2022, 3)).unwrap();
        assert_eq!(json, "\"2022Q3\"");
        let back: Period = serde_json::from_str("\"2022h1\"").unwrap();
        assert_eq!(back, Period::Half(2022, 1));
        assert!(serde_json::from_str::<Period>("\"2022Q9\"").is_err());
    }
}
