//! A [`Table`]: a header row and a stream of data rows of text cells, read from CSV or Excel,
//! so the field parsing above it is written once.
//!
//! - CSV (.csv, .txt): the encoding is decided from the bytes: a byte-order mark wins (UTF-8,
//!   UTF-16); otherwise valid UTF-8 is UTF-8; otherwise the text is decoded as GB18030, the
//!   superset of the GBK that Chinese Excel writes. Tab-separated text (Excel's "Unicode text")
//!   is recognised from the header line. Rows are streamed with one reused record, and the
//!   bytes are held once (borrowed when valid UTF-8, decoded once otherwise).
//! - Excel (.xlsx, .xlsm, .xls): the first worksheet whose header row the caller recognises
//!   (a cover sheet such as 说明 before the registry is passed over; the label names the sheet
//!   read), via calamine. An .xlsx sheet's used range is checked before its cells are laid
//!   out (a stray cell at XFD1048576 is refused, not allocated). Whole numbers are rendered
//!   without ".0", date cells as `YYYY-MM-DD`, text as stored. A sheet that
//!   [`is_import_sheet`] names (the second sheet of `export plan`) is tried first.
//!
//! The header is the first row with at least two non-empty cells (a title row such as
//! "宜良县检查对象名录" above it is skipped). Rows whose cells are all empty are skipped.
//! Row numbers are what a person sees: the CSV line where the record starts, or the Excel row.

use super::issue::Reason;
use calamine::{Data, Reader};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Cursor;
use std::path::Path;

/// How the file's text was decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Utf8,
    Utf8Bom,
    Gb18030,
    Utf16Le,
    Utf16Be,
    Xlsx,
    Xls,
}

impl SourceFormat {
    pub fn label(self) -> &'static str {
        match self {
            SourceFormat::Utf8 => "UTF-8",
            SourceFormat::Utf8Bom => "UTF-8 (BOM)",
            SourceFormat::Gb18030 => "GB18030/GBK",
            SourceFormat::Utf16Le => "UTF-16LE",
            SourceFormat::Utf16Be => "UTF-16BE",
            SourceFormat::Xlsx => "XLSX",
            SourceFormat::Xls => "XLS",
        }
    }
}

enum Kind {
    Csv,
    Sheet,
}

fn kind_of(name: &str) -> Result<Kind, Reason> {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => Ok(Kind::Csv),
        "xlsx" | "xlsm" | "xls" => Ok(Kind::Sheet),
        _ => Err(Reason::UnsupportedFormat(ext)),
    }
}

/// One data row: its number and its cells (missing cells read as "").
pub struct Row<'r> {
    pub number: usize,
    cells: Cells<'r>,
}

enum Cells<'r> {
    Csv(&'r csv::StringRecord),
    Sheet(&'r [String]),
}

impl Row<'_> {
    /// The cell at column `i`, untrimmed; "" past the end of a short row.
    pub fn get(&self, i: usize) -> &str {
        match &self.cells {
            Cells::Csv(r) => r.get(i).unwrap_or(""),
            Cells::Sheet(c) => c.get(i).map(String::as_str).unwrap_or(""),
        }
    }

    /// Whether some cell may hold a control character other than tab: false is certain, from
    /// one pass over the whole CSV record (which the compiler vectorizes), so the cells need
    /// not be searched one by one; a worksheet row always answers true.
    pub fn may_hold_controls(&self) -> bool {
        match &self.cells {
            Cells::Csv(r) => {
                let bytes = r.as_byte_record().as_slice();
                bytes
                    .iter()
                    .fold(false, |any, &b| any | ((b < 0x20) & (b != b'\t')))
            }
            Cells::Sheet(_) => true,
        }
    }

    /// The bytes of all the cells of a CSV row together (a bound on any one cell's length);
    /// `usize::MAX` for a worksheet row.
    pub fn text_len(&self) -> usize {
        match &self.cells {
            Cells::Csv(r) => r.as_byte_record().as_slice().len(),
            Cells::Sheet(_) => usize::MAX,
        }
    }

    pub fn len(&self) -> usize {
        match &self.cells {
            Cells::Csv(r) => r.len(),
            Cells::Sheet(c) => c.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

enum Source<'a> {
    Csv {
        reader: csv::Reader<Cursor<Cow<'a, [u8]>>>,
        record: csv::StringRecord,
        /// Bytes before the reader's start (a UTF-8 BOM).
        skip: usize,
        delimiter: u8,
        /// Lines of the file before the reader's text (a part made by [`Table::split`]).
        line_base: usize,
    },
    Sheet {
        range: calamine::Range<Data>,
        /// Next row, relative to the range.
        next: usize,
        /// Excel row number (1-based) of the range's first row.
        first_row: usize,
        cells: Vec<String>,
    },
}

pub use super::issue::{MAX_SHEET_CELLS, MAX_SHEET_COLS};

/// Decides whether a header row (its row number and cells) belongs to the file being read.
pub type AcceptHeader<'h> = &'h dyn Fn(usize, &[String]) -> bool;

/// Whether a worksheet is the one to import from: its name ends in `（导入）` or `(import)`,
/// as the second sheet of `export plan` (the first holds the published columns only).
pub fn is_import_sheet(name: &str) -> bool {
    name.ends_with("（导入）") || name.ends_with("(import)")
}

/// Headers plus a stream of rows, from CSV or Excel.
pub struct Table<'a> {
    file: String,
    format: SourceFormat,
    /// The worksheet read (Excel only).
    sheet: Option<String>,
    headers: Vec<String>,
    header_row: usize,
    source: Source<'a>,
}

impl<'a> Table<'a> {
    /// Reads a file; the file name (not the path) is used in messages.
    pub fn open(path: &Path) -> Result<Table<'static>, Reason> {
        Table::open_for(path, &|_, _| true)
    }

    /// Like [`Table::open`], choosing the worksheet as [`Table::from_bytes_for`] does.
    pub fn open_for(path: &Path, accept: AcceptHeader<'_>) -> Result<Table<'static>, Reason> {
        let name = display_name(path);
        let kind = kind_of(&name)?;
        let bytes = std::fs::read(path).map_err(|e| Reason::CannotRead(e.to_string()))?;
        Table::build(name, kind, Cow::Owned(bytes), accept)
    }

    /// Reads from bytes; `name` decides the format by its extension and is used in messages.
    pub fn from_bytes(name: &str, bytes: &'a [u8]) -> Result<Table<'a>, Reason> {
        Table::from_bytes_for(name, bytes, &|_, _| true)
    }

    /// Like [`Table::from_bytes`]; of a workbook, reads the first sheet whose header row
    /// `accept` takes (the first sheet if none does, so its problems are reported).
    pub fn from_bytes_for(
        name: &str,
        bytes: &'a [u8],
        accept: AcceptHeader<'_>,
    ) -> Result<Table<'a>, Reason> {
        let kind = kind_of(name)?;
        Table::build(name.to_string(), kind, Cow::Borrowed(bytes), accept)
    }

    /// The worksheet read, for a workbook.
    pub fn sheet(&self) -> Option<&str> {
        self.sheet.as_deref()
    }

    fn workbook(file: String, bytes: &[u8], accept: AcceptHeader<'_>) -> Result<Table<'a>, Reason> {
        let is_xls = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
        let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
            .map_err(|e| Reason::Spreadsheet(e.to_string()))?;
        let names = book.sheet_names();
        if names.is_empty() {
            return Err(Reason::NoSheet);
        }
        let mut first: Option<Result<Table<'a>, Reason>> = None;
        // A workbook of ours with a sheet for re-import (the annual plan's second sheet,
        // [`is_import_sheet`]) is read from that sheet before any other.
        let mut names: Vec<String> = names.to_vec();
        names.sort_by_key(|n| !is_import_sheet(n));
        for name in names {
            let range = sheet_range(&mut book, &name)?;
            let first_row = range.start().map(|(r, _)| r as usize + 1).unwrap_or(1);
            let mut table = Table {
                file: file.clone(),
                format: if is_xls {
                    SourceFormat::Xls
                } else {
                    SourceFormat::Xlsx
                },
                sheet: Some(name),
                headers: Vec::new(),
                header_row: 0,
                source: Source::Sheet {
                    range,
                    next: 0,
                    first_row,
                    cells: Vec::new(),
                },
            };
            let found = table.find_header().map(|()| table);
            if let Ok(t) = &found {
                if accept(t.header_row, &t.headers) {
                    return found;
                }
            }
            if first.is_none() {
                first = Some(found);
            }
        }
        first.unwrap_or(Err(Reason::NoSheet))
    }

    /// [`Table::build_unguarded`], with a panic of the spreadsheet reader turned into a refusal:
    /// calamine indexes a workbook's shared strings without checking (a hostile or damaged
    /// XLSX made it panic under fuzzing, issue 14), and no file may take the process down.
    fn build(
        file: String,
        kind: Kind,
        bytes: Cow<'a, [u8]>,
        accept: AcceptHeader<'_>,
    ) -> Result<Table<'a>, Reason> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Table::build_unguarded(file, kind, bytes, accept)
        }))
        .unwrap_or_else(|_| {
            Err(Reason::Spreadsheet(
                "the reader failed on this workbook (damaged, or not written by Excel)".into(),
            ))
        })
    }

    fn build_unguarded(
        file: String,
        kind: Kind,
        bytes: Cow<'a, [u8]>,
        accept: AcceptHeader<'_>,
    ) -> Result<Table<'a>, Reason> {
        let mut table = match kind {
            Kind::Csv => {
                let (text, skip, format) = decode(bytes)?;
                let delimiter = sniff_delimiter(&text[skip..]);
                let mut cursor = Cursor::new(text);
                cursor.set_position(skip as u64);
                let reader = csv_reader(delimiter, cursor);
                Table {
                    file,
                    format,
                    sheet: None,
                    headers: Vec::new(),
                    header_row: 0,
                    source: Source::Csv {
                        reader,
                        record: csv::StringRecord::new(),
                        skip,
                        delimiter,
                        line_base: 0,
                    },
                }
            }
            Kind::Sheet => return Table::workbook(file, bytes.as_ref(), accept),
        };
        table.find_header()?;
        Ok(table)
    }

    /// Header = first row with two or more non-empty cells; failing that, the first non-empty
    /// row (no schema can be satisfied by one column, so the mapping will say what is missing).
    fn find_header(&mut self) -> Result<(), Reason> {
        let mut fallback: Option<(usize, Vec<String>)> = None;
        loop {
            let row = match self.next_row() {
                None => break,
                Some(r) => r?,
            };
            let filled = (0..row.len())
                .filter(|&i| !row.get(i).trim().is_empty())
                .count();
            let cells: Vec<String> = (0..row.len())
                .map(|i| row.get(i).trim().to_string())
                .collect();
            let number = row.number;
            if filled >= 2 {
                self.headers = cells;
                self.header_row = number;
                return Ok(());
            }
            if fallback.is_none() {
                fallback = Some((number, cells));
            }
        }
        match fallback {
            Some((n, cells)) => {
                self.headers = cells;
                self.header_row = n;
                Ok(())
            }
            None => Err(Reason::NoHeaderRow),
        }
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    pub fn format(&self) -> SourceFormat {
        self.format
    }

    /// The header cells, trimmed, as written.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The row number of the header (1 unless title rows precede it).
    pub fn header_row(&self) -> usize {
        self.header_row
    }

    /// How far the reading has come, as (done, total) in bytes for CSV or rows for Excel;
    /// for progress bars and for sizing result vectors.
    pub fn progress(&self) -> (u64, u64) {
        match &self.source {
            Source::Csv { reader, skip, .. } => {
                let total = reader.get_ref().get_ref().len() as u64;
                (reader.position().byte() + *skip as u64, total)
            }
            Source::Sheet { range, next, .. } => (*next as u64, range.height() as u64),
        }
    }

    /// Where a CSV table's text lies in memory (address, length): a part made by
    /// [`Table::split`] reads only this span, so once the part is read it may be given back
    /// ([`super::spent::Spent`]).
    pub fn text_span(&self) -> Option<(usize, usize)> {
        match &self.source {
            Source::Csv { reader, .. } => {
                let text: &[u8] = reader.get_ref().get_ref();
                Some((text.as_ptr() as usize, text.len()))
            }
            Source::Sheet { .. } => None,
        }
    }

    /// The rows not yet read, as about `parts` tables of whole records in file order, each
    /// reading its own slice of the text with the file's headers and line numbers, so they can
    /// be converted in parallel. Without a quote character in the rest of the text every line
    /// break ends a record, and the parts begin after line breaks; otherwise the record
    /// boundaries are found by the same CSV parser reading without converting (quoted line
    /// breaks stay inside their record). `None` for a
    /// workbook, for `parts < 2`, or when the parser stops on something the sequential reading
    /// should report.
    pub fn split(&mut self, parts: usize) -> Option<Vec<Table<'_>>> {
        let Source::Csv {
            reader,
            skip,
            delimiter,
            line_base,
            ..
        } = &mut self.source
        else {
            return None;
        };
        if parts < 2 {
            return None;
        }
        let total = reader.get_ref().get_ref().len() as u64;
        let start = reader.position().clone();
        let from = start.byte() + *skip as u64;
        let rest = total.saturating_sub(from);
        let step = (rest / parts as u64).max(1);
        // (byte offset in the text, lines before it) of each part's first record.
        let mut cuts = vec![(from, start.line() - 1)];
        let text: &[u8] = reader.get_ref().get_ref();
        if memchr::memchr(b'"', &text[from as usize..]).is_none() {
            // No quote in the rest: every line break ends a record, so a part may begin after
            // the first `\n` past each step (found and counted with memchr, no parsing).
            let (mut last, mut lines) = (from as usize, start.line() - 1);
            while let Some(nl) = text
                .get(last + step as usize..)
                .and_then(|t| memchr::memchr(b'\n', t))
            {
                let at = last + step as usize + nl + 1;
                if at >= text.len() {
                    break;
                }
                lines += memchr::memchr_iter(b'\n', &text[last..at]).count() as u64;
                cuts.push((at as u64, lines));
                last = at;
            }
        } else {
            let mut record = csv::ByteRecord::new();
            loop {
                match reader.read_byte_record(&mut record) {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(_) => {
                        // Back to where the rows begin, for the sequential reading to report it.
                        return reader.seek(start).ok().and(None);
                    }
                }
                let p = reader.position();
                let at = p.byte() + *skip as u64;
                let last = cuts.last().map_or(0, |c| c.0);
                if at.saturating_sub(last) >= step && at < total {
                    cuts.push((at, p.line() - 1));
                }
            }
        }
        let text: &[u8] = reader.get_ref().get_ref();
        let base = *line_base;
        let delimiter = *delimiter;
        let ends = cuts.iter().skip(1).map(|c| c.0).chain([total]);
        let tables = cuts
            .iter()
            .zip(ends)
            .map(|(&(from, lines), to)| {
                let slice = &text[from as usize..to as usize];
                Table {
                    file: self.file.clone(),
                    format: self.format,
                    sheet: None,
                    headers: self.headers.clone(),
                    header_row: self.header_row,
                    source: Source::Csv {
                        reader: csv_reader(delimiter, Cursor::new(Cow::Borrowed(slice))),
                        record: csv::StringRecord::new(),
                        skip: 0,
                        delimiter,
                        line_base: base + lines as usize,
                    },
                }
            })
            .collect();
        Some(tables)
    }

    /// The next row that has at least one non-empty cell.
    pub fn next_row(&mut self) -> Option<Result<Row<'_>, Reason>> {
        match &mut self.source {
            Source::Csv {
                reader,
                record,
                skip,
                line_base,
                ..
            } => {
                loop {
                    match reader.read_record(record) {
                        Ok(true) => {}
                        Ok(false) => return None,
                        Err(e) => return Some(Err(csv_error(e, *line_base))),
                    }
                    if record.iter().any(|c| !trim(c).is_empty()) {
                        break;
                    }
                }
                let number = record
                    .position()
                    .map(|p| *line_base + record_line(reader.get_ref().get_ref(), *skip, p))
                    .unwrap_or(0);
                Some(Ok(Row {
                    number,
                    cells: Cells::Csv(record),
                }))
            }
            Source::Sheet {
                range,
                next,
                first_row,
                cells,
            } => {
                let (height, width) = range.get_size();
                loop {
                    if *next >= height {
                        return None;
                    }
                    let r = *next;
                    *next += 1;
                    cells.resize(width, String::new());
                    let mut any = false;
                    for (c, out) in cells.iter_mut().enumerate() {
                        out.clear();
                        if let Some(v) = range.get((r, c)) {
                            render(v, out);
                        }
                        any |= !out.trim().is_empty();
                    }
                    if any {
                        return Some(Ok(Row {
                            number: *first_row + r,
                            cells: Cells::Sheet(cells),
                        }));
                    }
                }
            }
        }
    }
}

/// The cells of one worksheet. For .xlsx the declared used range is checked first, then each
/// cell's position as it streams in, so that no range larger than [`MAX_SHEET_CELLS`] is ever
/// laid out.
fn sheet_range(
    book: &mut calamine::Sheets<Cursor<&[u8]>>,
    name: &str,
) -> Result<calamine::Range<Data>, Reason> {
    let too_large = |dim: calamine::Dimensions| {
        let cols = u64::from(dim.end.1.saturating_sub(dim.start.1)) + 1;
        let rows = u64::from(dim.end.0.saturating_sub(dim.start.0)) + 1;
        (cols > MAX_SHEET_COLS || rows.saturating_mul(cols) > MAX_SHEET_CELLS).then(|| {
            Reason::SheetTooLarge {
                sheet: name.to_string(),
                dimension: format!("{}:{}", cell_name(dim.start), cell_name(dim.end)),
            }
        })
    };
    match book {
        calamine::Sheets::Xlsx(x) => {
            let mut reader = x
                .worksheet_cells_reader(name)
                .map_err(|e| Reason::Spreadsheet(e.to_string()))?;
            if let Some(r) = too_large(reader.dimensions()) {
                return Err(r);
            }
            let mut cells = Vec::new();
            let (mut lo, mut hi) = ((u32::MAX, u32::MAX), (0u32, 0u32));
            while let Some(cell) = reader
                .next_cell()
                .map_err(|e| Reason::Spreadsheet(e.to_string()))?
            {
                let (r, c) = cell.get_position();
                if matches!(cell.get_value(), calamine::DataRef::Empty) {
                    continue;
                }
                lo = (lo.0.min(r), lo.1.min(c));
                hi = (hi.0.max(r), hi.1.max(c));
                if let Some(e) = too_large(calamine::Dimensions::new(lo, hi)) {
                    return Err(e);
                }
                cells.push(calamine::Cell::new(
                    (r, c),
                    Data::from(cell.get_value().clone()),
                ));
            }
            Ok(calamine::Range::from_sparse(cells))
        }
        other => {
            let range = other
                .worksheet_range(name)
                .map_err(|e| Reason::Spreadsheet(e.to_string()))?;
            if let (Some(s), Some(e)) = (range.start(), range.end()) {
                if let Some(r) = too_large(calamine::Dimensions::new(s, e)) {
                    return Err(r);
                }
            }
            Ok(range)
        }
    }
}

/// `(row, col)` from 0 as Excel names the cell: (0, 0) is A1.
fn cell_name((row, col): (u32, u32)) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        c -= 1;
        letters.push(char::from(b'A' + (c % 26) as u8));
        c /= 26;
    }
    letters.reverse();
    format!("{}{}", letters.into_iter().collect::<String>(), row + 1)
}

/// The CSV reader of every table: no header handling (the table finds its header), rows of
/// any width (checked against the header above).
fn csv_reader<R: std::io::Read>(delimiter: u8, r: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(r)
}

/// The reader's error as a reason; `line_base`: lines of the file before the reader's text.
fn csv_error(e: csv::Error, line_base: usize) -> Reason {
    match e.kind() {
        csv::ErrorKind::Utf8 { pos, .. } => Reason::Encoding {
            line: pos.as_ref().map_or(0, |p| line_base + p.line() as usize),
        },
        _ => Reason::Csv(e.to_string()),
    }
}

/// The line a record starts on. The reader reports the position just after the previous
/// record, which is before any line ends (the `\n` of a CRLF) and blank lines it skipped; those
/// are counted here.
fn record_line(data: &[u8], skip: usize, p: &csv::Position) -> usize {
    let mut line = p.line() as usize;
    let start = (skip as u64 + p.byte()) as usize;
    for &b in data.get(start..).unwrap_or(&[]) {
        match b {
            b'\n' => line += 1,
            b'\r' => {}
            _ => break,
        }
    }
    line
}

/// `str::trim`, answered at once for a cell that begins and ends with a character that is
/// plainly not whitespace (printable ASCII, or a CJK ideograph: UTF-8 lead bytes E4–E9, where
/// no Unicode whitespace lies), as most cells of a registry do; `str::trim` otherwise.
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let plain_lead = |lead: u8| (b'!'..=b'~').contains(&lead) || (0xE4..=0xE9).contains(&lead);
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return s;
    };
    // The lead byte of the last character: the last byte, or up to three bytes back.
    let last_lead = if last < 0x80 {
        last
    } else {
        match b.iter().rev().take(4).find(|&&c| c & 0xC0 != 0x80) {
            Some(&c) => c,
            None => return s.trim(),
        }
    };
    if plain_lead(first) && plain_lead(last_lead) {
        s
    } else {
        s.trim()
    }
}

/// The file name shown in messages.
pub fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Renders an Excel cell as the text a person sees.
fn render(v: &Data, out: &mut String) {
    match v {
        Data::Empty => {}
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => out.push_str(s),
        Data::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                let _ = write!(out, "{}", *f as i64);
            } else {
                let _ = write!(out, "{f}");
            }
        }
        Data::Bool(b) => out.push_str(if *b { "是" } else { "否" }),
        Data::DateTime(dt) => {
            if dt.is_datetime() {
                let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
                let _ = write!(out, "{y:04}-{m:02}-{d:02}");
                if (hh, mm, ss) != (0, 0, 0) {
                    let _ = write!(out, " {hh:02}:{mm:02}:{ss:02}");
                }
            } else {
                let _ = write!(out, "{}", dt.as_f64());
            }
        }
        Data::Error(e) => {
            let _ = write!(out, "{e}");
        }
    }
}

/// How many leading bytes decide between UTF-8 and GB18030.
const UTF8_PROBE: usize = 1 << 20;

/// Decides the encoding and returns UTF-8 bytes, how many leading bytes to skip (a UTF-8 BOM),
/// and the encoding found. Valid UTF-8 is not copied.
fn decode(bytes: Cow<'_, [u8]>) -> Result<(Cow<'_, [u8]>, usize, SourceFormat), Reason> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        if enc == encoding_rs::UTF_8 {
            if let Err(e) = std::str::from_utf8(&bytes[bom..]) {
                return Err(Reason::Encoding {
                    line: line_at(&bytes, bom + e.valid_up_to()),
                });
            }
            return Ok((bytes, bom, SourceFormat::Utf8Bom));
        }
        let format = if enc == encoding_rs::UTF_16LE {
            SourceFormat::Utf16Le
        } else {
            SourceFormat::Utf16Be
        };
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(Reason::Encoding { line: 1 });
        }
        return Ok((Cow::Owned(text.into_owned().into_bytes()), 0, format));
    }
    // Decide on a prefix, so a large UTF-8 file is not validated twice: the CSV reader
    // validates every record anyway, and reports a bad byte later on as an encoding error.
    let prefix = &bytes[..bytes.len().min(UTF8_PROBE)];
    let utf8 = match std::str::from_utf8(prefix) {
        Ok(_) => true,
        // Cut in the middle of a character: what was there is fine.
        Err(e) => e.error_len().is_none() && prefix.len() < bytes.len(),
    };
    if utf8 {
        return Ok((bytes, 0, SourceFormat::Utf8));
    }
    let gb = encoding_rs::GB18030;
    match gb.decode_without_bom_handling_and_without_replacement(&bytes) {
        Some(text) => Ok((
            Cow::Owned(text.into_owned().into_bytes()),
            0,
            SourceFormat::Gb18030,
        )),
        None => Err(Reason::Encoding {
            line: line_at(&bytes, first_malformed(gb, &bytes)),
        }),
    }
}

fn line_at(bytes: &[u8], pos: usize) -> usize {
    bytes[..pos.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Byte offset of the first sequence `enc` cannot decode.
fn first_malformed(enc: &'static encoding_rs::Encoding, bytes: &[u8]) -> usize {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut out = vec![0u8; 1 << 16];
    let mut pos = 0;
    loop {
        let (result, read, _) =
            decoder.decode_to_utf8_without_replacement(&bytes[pos..], &mut out, true);
        pos += read;
        match result {
            encoding_rs::DecoderResult::InputEmpty => return bytes.len(),
            encoding_rs::DecoderResult::OutputFull => {}
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                return pos.saturating_sub(bad as usize + after as usize);
            }
        }
    }
}

/// Tab if the first line has more tabs than commas, else comma.
fn sniff_delimiter(text: &[u8]) -> u8 {
    let line = text.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let tabs = line.iter().filter(|&&b| b == b'\t').count();
    let commas = line.iter().filter(|&&b| b == b',').count();
    if tabs > commas {
        b'\t'
    } else {
        b','
    }
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
