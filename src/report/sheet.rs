//! One table on a worksheet: the header row, typed cells, and the finishing every sheet gets
//! (column widths from the display width of what was written, frozen header, autofilter,
//! landscape print setup that fits the width and repeats the header row).
//!
//! rust_xlsxwriter's autofit measures CJK text too narrow, so the widths are computed here from
//! [`display_width`] (unicode-width: a CJK character counts 2) for every cell written through a
//! [`Table`], and set once at [`Table::finish`].

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

/// Excel's widest column, in character units.
pub const MAX_COLUMN_WIDTH: f64 = 255.0;
/// Columns are this much wider than their widest cell.
pub const PADDING: f64 = 2.0;

/// How many terminal/Excel character columns `s` takes (CJK = 2). Multi-line text counts its
/// widest line.
pub fn display_width(s: &str) -> usize {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// The column width to set for a column whose widest cell is `max_display` wide.
pub fn column_width(max_display: usize) -> f64 {
    (max_display as f64 + PADDING).min(MAX_COLUMN_WIDTH)
}

/// The formats every sheet shares.
pub struct Formats {
    pub header: Format,
    pub date: Format,
    pub percent: Format,
    pub title: Format,
    pub label: Format,
    pub text: Format,
}

impl Formats {
    pub fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(0xDDEBF7)
                .set_border(FormatBorder::Thin),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            percent: Format::new().set_num_format("0.00%"),
            title: Format::new().set_bold().set_font_size(16),
            label: Format::new().set_bold(),
            text: Format::new(),
        }
    }
}

impl Default for Formats {
    fn default() -> Self {
        Formats::new()
    }
}

/// What was written on one sheet (for the caller and the tests).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SheetMeta {
    pub name: String,
    /// Zero-based row of the table's header.
    pub header_row: u32,
    /// Data rows under the header.
    pub rows: u32,
    pub headers: Vec<String>,
    /// Widest display width written per column (every cell written through the table).
    pub max_display: Vec<usize>,
    /// The widths set, per column.
    pub widths: Vec<f64>,
}

/// An Excel date for a calendar date (Excel's range is 1900..=9999).
pub fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let y = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8)
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
    widths: Vec<usize>,
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
            widths: vec![0; headers.len()],
        };
        for (c, h) in headers.iter().enumerate() {
            t.ws.write_string_with_format(header_row, c as u16, *h, &fmt.header)?;
            t.observe(c as u16, h);
        }
        Ok(t)
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
        let w = display_width(s);
        let c = col as usize;
        if c >= self.widths.len() {
            self.widths.resize(c + 1, 0);
        }
        if w > self.widths[c] {
            self.widths[c] = w;
        }
    }

    /// Count a cell `w` columns wide towards column `col`'s width (cells written elsewhere).
    pub fn observe_width(&mut self, col: u16, w: usize) {
        let c = col as usize;
        if c >= self.widths.len() {
            self.widths.resize(c + 1, 0);
        }
        self.widths[c] = self.widths[c].max(w);
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
        self.ws.write_string(self.row, col, s)?;
        self.observe(col, s);
        Ok(())
    }

    /// A number, shown as Excel's General format shows it.
    pub fn num(&mut self, col: u16, v: f64) -> Result<(), XlsxError> {
        self.ws.write_number(self.row, col, v)?;
        let shown = if v.fract() == 0.0 && v.abs() < 1e15 {
            format!("{}", v as i64)
        } else {
            format!("{v}")
        };
        self.observe(col, &shown);
        Ok(())
    }

    /// A percentage (`percent` = 4.65 for 4.65%), stored as the fraction and shown as 0.00%.
    pub fn percent(&mut self, col: u16, percent: f64) -> Result<(), XlsxError> {
        self.ws
            .write_number_with_format(self.row, col, percent / 100.0, &self.fmt.percent)?;
        self.observe(col, &format!("{percent:.2}%"));
        Ok(())
    }

    /// A real Excel date formatted yyyy-mm-dd.
    pub fn date(&mut self, col: u16, d: NaiveDate) -> Result<(), XlsxError> {
        self.ws
            .write_date_with_format(self.row, col, excel_date(d)?, &self.fmt.date)?;
        self.observe(col, "0000-00-00");
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
        let mut widths = Vec::with_capacity(self.widths.len());
        for (c, w) in self.widths.iter().enumerate() {
            let width = column_width(*w);
            self.ws.set_column_width(c as u16, width)?;
            widths.push(width);
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

/// Landscape A4, fit to one page wide (as many pages tall as needed).
pub fn print_setup(ws: &mut Worksheet) {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_footer("&C&P / &N");
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
    fn widths_pad_and_cap() {
        assert_eq!(column_width(0), 2.0);
        assert_eq!(column_width(24), 26.0);
        assert_eq!(column_width(10_000), MAX_COLUMN_WIDTH);
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
        assert_eq!(m.max_display, vec![22, 7, 10]);
        assert_eq!(m.widths, vec![24.0, 9.0, 12.0]);
        assert_eq!(m.rows, 2);
        assert_eq!(m.name, "Sheet1");
    }
}
