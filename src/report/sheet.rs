//! One table on a worksheet: the title block, the header row, typed cells, and the finishing
//! every sheet gets (column widths from the glyph widths of what was written, frozen header,
//! autofilter, landscape print setup that fits the width and repeats the header row), and the
//! office's local time.
//!
//! rust_xlsxwriter's autofit measures CJK text too narrow, so the widths are computed here from
//! [`text_width`] (Calibri's advance widths for ASCII — M and W wider than digits — and a full
//! em for CJK) for every cell written through a [`Table`], and set once at [`Table::finish`].
//! The LibreOffice print test in tests/cli_export.rs checks them against the font files.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

/// Excel's widest column, in character units.
pub const MAX_COLUMN_WIDTH: f64 = 255.0;
/// Columns are this much wider than their widest cell (in widths of a digit).
pub const PADDING: f64 = 2.0;
/// Zero-based row of every table's header: the title is row 0, the date made row 1.
pub const HEADER_ROW: u32 = 2;

/// How many terminal/Excel character columns `s` takes (CJK = 2). Multi-line text counts its
/// widest line.
pub fn display_width(s: &str) -> usize {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// Advance widths of printable ASCII (0x20..=0x7E) in Calibri/Carlito 11, the workbooks' font,
/// in 1/2048 em (a digit is 1038). Excel's column width unit is the width of a digit.
const ASCII_ADVANCE: [u16; 95] = [
    463, 667, 821, 1019, 1038, 1464, 1397, 452, 621, 621, 1019, 1019, 511, 627, 517,
    791, // sp../
    1038, 1038, 1038, 1038, 1038, 1038, 1038, 1038, 1038, 1038, // 0..9
    548, 548, 1019, 1019, 1019, 969, 1823, // :..@
    1185, 1114, 1092, 1260, 1000, 941, 1292, 1276, 516, 653, 1064, 861, 1751, // A..M
    1322, 1356, 1058, 1378, 1112, 941, 998, 1314, 1162, 1822, 1063, 998, 959, // N..Z
    628, 791, 628, 1019, 1019, 598, // [..`
    981, 1076, 866, 1076, 1019, 625, 964, 1076, 470, 490, 931, 470, 1636, // a..m
    1076, 1080, 1076, 1076, 714, 801, 686, 1076, 925, 1464, 887, 927, 809, // n..z
    714, 941, 714, 1019, // {..~
];
/// A digit's advance.
const DIGIT_ADVANCE: f64 = 1038.0;
/// Bold Calibri is at most this much wider than regular.
pub const BOLD_FACTOR: f64 = 1.07;

/// How wide `s` prints in the workbooks' font, in widths of a digit (Excel's column unit):
/// Latin capitals such as M and W are wider than digits, CJK characters are a full em (about
/// two digits). Multi-line text counts its widest line.
pub fn text_width(s: &str) -> f64 {
    s.lines()
        .map(|line| line.chars().map(char_width).sum::<f64>())
        .fold(0.0, f64::max)
}

fn char_width(c: char) -> f64 {
    let u = c as u32;
    if (0x20..=0x7E).contains(&u) {
        return f64::from(ASCII_ADVANCE[(u - 0x20) as usize]) / DIGIT_ADVANCE;
    }
    match unicode_width::UnicodeWidthChar::width(c) {
        // A full em of the CJK fallback font.
        Some(2) => 2048.0 / DIGIT_ADVANCE,
        Some(0) | None => 0.0,
        // Latin letters with accents and the like: as wide as a wide capital.
        _ => 1300.0 / DIGIT_ADVANCE,
    }
}

/// The column width to set for a column whose widest cell is `max` digits wide.
pub fn column_width(max: f64) -> f64 {
    ((max + PADDING) * 4.0).ceil() / 4.0
}

/// The office's time zone as an offset from UTC: env `SHUANGSUI_TZ` as `+08:00`, `-05:30`,
/// `UTC` or `Asia/Shanghai` (China has one zone and no daylight saving); default +08:00.
pub fn office_offset() -> FixedOffset {
    let east8 = FixedOffset::east_opt(8 * 3600).unwrap_or(chrono::Offset::fix(&Utc));
    match std::env::var("SHUANGSUI_TZ") {
        Ok(v) => parse_offset(&v).unwrap_or_else(|| {
            tracing::warn!(
                "SHUANGSUI_TZ={v:?} is no time zone (+08:00, Asia/Shanghai, UTC): using +08:00"
            );
            east8
        }),
        Err(_) => east8,
    }
}

/// `+08:00`, `-0530`, `UTC`, `Z`, `Asia/Shanghai` (and the other zones of China).
pub fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = s.trim();
    match s {
        "UTC" | "Z" | "Etc/UTC" | "GMT" => return FixedOffset::east_opt(0),
        "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Harbin" | "Asia/Urumqi" | "PRC"
        | "Asia/Hong_Kong" | "Asia/Macau" | "Asia/Taipei" => {
            return FixedOffset::east_opt(8 * 3600)
        }
        _ => {}
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits[2..].parse().ok()?;
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// A stored RFC 3339 time in the office's zone, as `2022-07-05 09:30` (text that is no such
/// time is shown as it is).
pub fn local_time(rfc3339: &str) -> String {
    local_time_in(rfc3339, office_offset())
}

pub fn local_time_in(rfc3339: &str, tz: FixedOffset) -> String {
    match DateTime::parse_from_rfc3339(rfc3339.trim()) {
        Ok(t) => t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

/// The office's calendar day of a stored RFC 3339 time (`None` if it is no such time).
pub fn local_date(rfc3339: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(rfc3339.trim())
        .ok()
        .map(|t| t.with_timezone(&office_offset()).date_naive())
}

/// The office's day of a draw made at `time` and dated `date`: a date given to the draw
/// (`--date`, not the UTC day of its time) is kept; otherwise the local day of its time, so a
/// draw at 23:30 UTC is dated the next day in Beijing.
pub fn draw_day(date: NaiveDate, time: &str, tz: FixedOffset) -> NaiveDate {
    let t = match DateTime::parse_from_rfc3339(time.trim()) {
        Ok(t) => t,
        Err(_) => return date,
    };
    if t.with_timezone(&Utc).date_naive() == date {
        t.with_timezone(&tz).date_naive()
    } else {
        date
    }
}

/// Now, in the office's zone, as `2022-07-05 09:30`.
pub fn now_local() -> String {
    Utc::now()
        .with_timezone(&office_offset())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// What heads every sheet: the report and its period (or draw).
#[derive(Debug, Clone)]
pub struct Title {
    /// e.g. "2022Q3 双随机、一公开工作情况 — 分层覆盖"
    pub text: String,
    /// The line under it: "制表时间：2022-07-05 09:30".
    pub made: String,
}

impl Title {
    /// The bureau, the report, the period: `昆明市生态环境局宜良分局 {report}`, made now.
    pub fn new(report: &str, lang: crate::i18n::Lang) -> Title {
        Title {
            text: format!("{} {report}", super::BUREAU),
            made: format!("{}{}", lang.pick("制表时间：", "made: "), now_local()),
        }
    }
}

/// Page header (the title) and footer (第 n 页 共 N 页 / page n of N) of a printed sheet.
pub fn page_header_footer(ws: &mut Worksheet, title: &str, lang: crate::i18n::Lang) {
    // `&` starts a code in Excel's header language.
    let t = title.replace('&', "&&");
    ws.set_header(format!("&C{t}"));
    ws.set_footer(lang.pick("&C第 &P 页 共 &N 页", "&CPage &P of &N"));
}

/// Writes the title (row 0, bold, merged over `ncols` columns) and the date made (row 1).
pub fn title_block(
    ws: &mut Worksheet,
    fmt: &Formats,
    title: &Title,
    ncols: u16,
) -> Result<(), XlsxError> {
    let last = ncols.max(1) - 1;
    if last > 0 {
        ws.merge_range(0, 0, 0, last, &title.text, &fmt.title)?;
        ws.merge_range(1, 0, 1, last, &title.made, &fmt.text)?;
    } else {
        ws.write_string_with_format(0, 0, &title.text, &fmt.title)?;
        ws.write_string(1, 0, &title.made)?;
    }
    ws.set_row_height(0, 24)?;
    Ok(())
}

/// The formats every sheet shares. Numbers and dates (right-aligned) end in a space's width
/// (`_ `) so they never sit flush against left-aligned text in the next column.
pub struct Formats {
    pub header: Format,
    pub date: Format,
    pub percent: Format,
    pub number: Format,
    pub decimal: Format,
    pub title: Format,
    pub label: Format,
    pub text: Format,
    pub wrap: Format,
    /// A shortfall: red fill (the word 未达标 is written too, not colour alone).
    pub alert: Format,
    pub alert_number: Format,
    pub total: Format,
    pub total_number: Format,
}

/// Title font size (points) against the body's 11.
pub const TITLE_SIZE: f64 = 14.0;

impl Formats {
    pub fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(0xDDEBF7)
                .set_border(FormatBorder::Thin),
            date: Format::new().set_num_format("yyyy-mm-dd_ "),
            percent: Format::new().set_num_format("0.00%_ "),
            number: Format::new().set_num_format("0_ "),
            decimal: Format::new().set_num_format("0.00_ "),
            title: Format::new()
                .set_bold()
                .set_font_size(TITLE_SIZE)
                .set_align(FormatAlign::Left),
            label: Format::new().set_bold(),
            text: Format::new(),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            alert: Format::new()
                .set_background_color(0xFFC7CE)
                .set_font_color(0x9C0006),
            alert_number: Format::new()
                .set_background_color(0xFFC7CE)
                .set_font_color(0x9C0006)
                .set_num_format("0_ "),
            total: Format::new().set_bold().set_border_top(FormatBorder::Thin),
            total_number: Format::new()
                .set_bold()
                .set_border_top(FormatBorder::Thin)
                .set_num_format("0_ "),
        }
    }
}

impl Default for Formats {
    fn default() -> Self {
        Formats::new()
    }
}

pub use crate::office::export::SheetMeta;

/// An Excel date for a calendar date (Excel's range is 1900..=9999).
pub fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let y = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8)
}

/// How a shown number is measured: its digits and the trailing space of `_ `.
fn number_width(shown: &str) -> f64 {
    text_width(shown) + char_width(' ')
}

/// A table being written: rows go strictly downwards (so it also works in constant-memory mode).
pub struct Table<'a> {
    pub ws: &'a mut Worksheet,
    fmt: &'a Formats,
    name: String,
    header_row: u32,
    headers: Vec<String>,
    /// The row being written.
    row: u32,
    widths: Vec<f64>,
    /// The title merged over the table, wider than one cell.
    title_width: f64,
    wrap: Vec<Option<f64>>,
}

impl<'a> Table<'a> {
    /// Writes the header row at `header_row`; data starts on the next row.
    pub fn new(
        ws: &'a mut Worksheet,
        fmt: &'a Formats,
        header_row: u32,
        headers: &[&str],
    ) -> Result<Table<'a>, XlsxError> {
        let name = ws.name();
        let mut t = Table {
            ws,
            fmt,
            name,
            header_row,
            headers: headers.iter().map(|h| h.to_string()).collect(),
            row: header_row,
            widths: vec![0.0; headers.len()],
            title_width: 0.0,
            wrap: vec![None; headers.len()],
        };
        for (c, h) in headers.iter().enumerate() {
            t.ws.write_string_with_format(header_row, c as u16, *h, &fmt.header)?;
            t.observe_width(c as u16, text_width(h) * BOLD_FACTOR);
        }
        Ok(t)
    }

    /// A titled table: the title and the date made above the header (at [`HEADER_ROW`]), the
    /// title in the page header, 第 n 页 共 N 页 in the footer.
    pub fn titled(
        ws: &'a mut Worksheet,
        fmt: &'a Formats,
        title: &Title,
        headers: &[&str],
        lang: crate::i18n::Lang,
    ) -> Result<Table<'a>, XlsxError> {
        title_block(ws, fmt, title, headers.len() as u16)?;
        page_header_footer(ws, &title.text, lang);
        let mut t = Table::new(ws, fmt, HEADER_ROW, headers)?;
        t.note_title(title);
        Ok(t)
    }

    /// The merged title and date lines need the table's columns to be at least this wide.
    pub fn note_title(&mut self, title: &Title) {
        self.title_width = self
            .title_width
            .max(text_width(&title.text) * BOLD_FACTOR * TITLE_SIZE / 11.0)
            .max(text_width(&title.made));
    }

    /// Column `col` wraps its text at `width` digits (long names and descriptions).
    pub fn wrap_column(&mut self, col: u16, width: f64) {
        let c = col as usize;
        if c >= self.wrap.len() {
            self.wrap.resize(c + 1, None);
        }
        self.wrap[c] = Some(width);
    }

    /// Start the next data row.
    pub fn next_row(&mut self) {
        self.row += 1;
    }

    /// The row being written.
    pub fn row(&self) -> u32 {
        self.row
    }

    /// Count `s` towards column `col`'s width without writing it.
    pub fn observe(&mut self, col: u16, s: &str) {
        self.observe_width(col, text_width(s));
    }

    /// Count a cell `w` digits wide towards column `col`'s width (cells written elsewhere).
    pub fn observe_width(&mut self, col: u16, w: f64) {
        let c = col as usize;
        if c >= self.widths.len() {
            self.widths.resize(c + 1, 0.0);
        }
        if w > self.widths[c] {
            self.widths[c] = w;
        }
    }

    /// Account for `n` data rows written elsewhere (spliced in after the header).
    pub fn skip_rows(&mut self, n: u32) {
        self.row += n;
    }

    /// Text (empty text leaves the cell blank).
    pub fn text(&mut self, col: u16, s: &str) -> Result<(), XlsxError> {
        if s.is_empty() {
            return Ok(());
        }
        match self.wrap.get(col as usize).copied().flatten() {
            Some(wrap) => {
                self.ws
                    .write_string_with_format(self.row, col, s, &self.fmt.wrap)?;
                self.observe_width(col, text_width(s).min(wrap));
            }
            None => {
                self.ws.write_string(self.row, col, s)?;
                self.observe(col, s);
            }
        }
        Ok(())
    }

    /// Text with a format of its own (a shortfall's red fill).
    pub fn text_with(&mut self, col: u16, s: &str, f: &Format) -> Result<(), XlsxError> {
        self.ws.write_string_with_format(self.row, col, s, f)?;
        self.observe(col, s);
        Ok(())
    }

    /// A number, shown as Excel's General format shows it (a space's width after it).
    pub fn num(&mut self, col: u16, v: f64) -> Result<(), XlsxError> {
        let (f, shown) = if v.fract() == 0.0 && v.abs() < 1e15 {
            (&self.fmt.number, format!("{}", v as i64))
        } else {
            (&self.fmt.decimal, format!("{v:.2}"))
        };
        self.ws.write_number_with_format(self.row, col, v, f)?;
        self.observe_width(col, number_width(&shown));
        Ok(())
    }

    /// A count written without a number format (the streamed targets sheet's counts).
    pub fn count(&mut self, col: u16, n: u32) -> Result<(), XlsxError> {
        self.ws.write_number(self.row, col, f64::from(n))?;
        self.observe_width(col, text_width(&n.to_string()));
        Ok(())
    }

    /// A whole number with a format of its own.
    pub fn num_with(&mut self, col: u16, v: f64, f: &Format) -> Result<(), XlsxError> {
        self.ws.write_number_with_format(self.row, col, v, f)?;
        self.observe_width(col, number_width(&format!("{}", v as i64)));
        Ok(())
    }

    /// A percentage (`percent` = 4.65 for 4.65%), stored as the fraction and shown as 0.00%.
    pub fn percent(&mut self, col: u16, percent: f64) -> Result<(), XlsxError> {
        self.ws
            .write_number_with_format(self.row, col, percent / 100.0, &self.fmt.percent)?;
        self.observe_width(col, number_width(&format!("{percent:.2}%")));
        Ok(())
    }

    /// A real Excel date formatted yyyy-mm-dd.
    pub fn date(&mut self, col: u16, d: NaiveDate) -> Result<(), XlsxError> {
        self.ws
            .write_date_with_format(self.row, col, excel_date(d)?, &self.fmt.date)?;
        self.observe_width(col, number_width("0000-00-00"));
        Ok(())
    }

    pub fn date_opt(&mut self, col: u16, d: Option<NaiveDate>) -> Result<(), XlsxError> {
        match d {
            Some(d) => self.date(col, d),
            None => Ok(()),
        }
    }

    /// Widths, frozen header, autofilter, print setup. Returns what was written.
    pub fn finish(self) -> Result<SheetMeta, XlsxError> {
        let ncols = self.headers.len().max(1) as u16;
        let mut widths: Vec<f64> = self
            .widths
            .iter()
            .map(|w| column_width(*w))
            .map(|w| w.min(MAX_COLUMN_WIDTH))
            .collect();
        // The merged title spans the table: widen the widest column if the title is wider.
        let span: f64 = widths.iter().take(ncols as usize).sum();
        if self.title_width + PADDING > span {
            if let Some((i, _)) = widths
                .iter()
                .take(ncols as usize)
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
            {
                widths[i] = (widths[i] + self.title_width + PADDING - span).min(MAX_COLUMN_WIDTH);
            }
        }
        for (c, width) in widths.iter().enumerate() {
            self.ws.set_column_width(c as u16, *width)?;
        }
        self.ws.set_freeze_panes(self.header_row + 1, 0)?;
        self.ws
            .autofilter(self.header_row, 0, self.row.max(self.header_row), ncols - 1)?;
        print_setup(self.ws);
        self.ws.set_repeat_rows(self.header_row, self.header_row)?;
        Ok(SheetMeta {
            name: self.name,
            header_row: self.header_row,
            rows: self.row - self.header_row,
            headers: self.headers,
            max_display: self.widths,
            widths,
        })
    }
}

/// Landscape A4, fit to one page wide (as many pages tall as needed). The footer numbers the
/// pages; titled sheets also get [`page_header_footer`].
pub fn print_setup(ws: &mut Worksheet) {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_counts_two_columns() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("昆明市生态环境局宜良分局"), 24);
        assert_eq!(display_width("A-1 重点"), 8);
        assert_eq!(display_width("第一行\n很长的第二行"), 12);
        assert_eq!(display_width(""), 0);
    }

    #[test]
    fn widths_pad() {
        assert_eq!(column_width(0.0), 2.0);
        assert_eq!(column_width(24.0), 26.0);
        assert_eq!(column_width(24.1), 26.25);
    }

    #[test]
    fn capitals_are_wider_than_digits_and_cjk_is_an_em() {
        assert!(text_width("MMMM") > text_width("0000") * 1.6);
        assert!(text_width("WWWW") > text_width("0000") * 1.7);
        assert_eq!(text_width("0123456789"), 10.0);
        assert!((text_width("宜良") - 2.0 * 2048.0 / 1038.0).abs() < 1e-9);
        assert!(text_width("iiii") < text_width("0000"));
        // A credit code of capitals is wider than its 18 characters.
        assert!(text_width("91530125MA6KWWMM0X") > 21.0);
        assert_eq!(text_width("第一行\n长的第二行"), text_width("长的第二行"));
    }

    #[test]
    fn local_time_is_the_office_zone_without_an_offset() {
        let e8 = parse_offset("Asia/Shanghai").unwrap();
        assert_eq!(
            local_time_in("2026-12-01T21:03:58+00:00", e8),
            "2026-12-02 05:03"
        );
        assert_eq!(
            local_time_in("2022-07-04T23:30:00Z", e8),
            "2022-07-05 07:30"
        );
        assert_eq!(local_time_in("not a time", e8), "not a time");
        assert_eq!(parse_offset("+08:00"), Some(e8));
        assert_eq!(
            parse_offset("-0530").map(|o| o.local_minus_utc()),
            Some(-19800)
        );
        assert_eq!(parse_offset("UTC").map(|o| o.local_minus_utc()), Some(0));
        assert_eq!(parse_offset("+8"), None);
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // A draw at 23:30 UTC is the next day in the office.
        assert_eq!(
            draw_day(d("2022-07-04"), "2022-07-04T23:30:00+00:00", e8),
            d("2022-07-05")
        );
        assert_eq!(
            draw_day(d("2022-07-05"), "2022-07-05T01:30:00+00:00", e8),
            d("2022-07-05")
        );
        // A date given to the draw stays.
        assert_eq!(
            draw_day(d("2022-07-05"), "2026-12-01T23:30:00+00:00", e8),
            d("2022-07-05")
        );
        assert_eq!(parse_offset("Mars/Olympus"), None);
    }

    #[test]
    fn every_written_cell_counts_towards_its_column() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let fmt = Formats::new();
        let ws = wb.add_worksheet();
        let mut t = Table::new(ws, &fmt, 0, &["名称", "n", "date"]).unwrap();
        t.next_row();
        t.text(0, "宜良县某某水泥有限公司").unwrap();
        t.num(1, 1234567.0).unwrap();
        t.date(2, NaiveDate::from_ymd_opt(2022, 7, 5).unwrap())
            .unwrap();
        t.next_row();
        t.text(0, "short").unwrap();
        t.num(1, 2.5).unwrap();
        let m = t.finish().unwrap();
        let space = char_width(' ');
        assert_eq!(m.max_display[0], text_width("宜良县某某水泥有限公司"));
        assert_eq!(m.max_display[1], 7.0 + space);
        assert_eq!(m.max_display[2], text_width("0000-00-00") + space);
        assert_eq!(m.widths[1], column_width(7.0 + space));
        assert_eq!(m.rows, 2);
        assert_eq!(m.name, "Sheet1");
    }
}
