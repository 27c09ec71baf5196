//! The targets registry at a million rows (issue 6: under 10 s).
//!
//! rust_xlsxwriter's constant-memory mode spends most of a million-row export compressing
//! 1.5 GB of sheet XML at deflate level 6 after the rows are written (about 30 s), and copies
//! every cell into two heap strings on the way. Here the workbook (document properties, styles,
//! the header row, widths, frozen pane, autofilter, print setup) is still made by
//! rust_xlsxwriter, with the header row only; the sheet's rows are then spliced in as XML
//! written directly from the targets, on a second thread, and compressed at a fast deflate
//! level while they are produced. The cells are the same cells `Table` would write (the same
//! [`cells`] of every target, the same escaping as rust_xlsxwriter's inline strings), which a
//! test checks against a workbook written the ordinary way.
//!
//! Column widths must precede the rows in the sheet XML, so a first pass over the targets
//! measures the widest cell of each column.

use super::columns::{headers, months, yes_no, RegistryKind};
use super::sheet::{text_width, Formats, SheetMeta, Table, Title, HEADER_ROW};
use crate::domain::Target;
use crate::i18n::Lang;
use crate::import::schema::TARGET_FIELDS;
use rust_xlsxwriter::{Workbook, XlsxError};
use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::sync::mpsc;
use zip::write::SimpleFileOptions;

/// Columns of the targets sheet.
pub const COLUMNS: usize = 27;

/// One cell of a target's row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// Text; empty text leaves the cell blank (as `Table::text`).
    Text(&'a str),
    /// A count, written as a number.
    Count(u32),
}

/// The joined cells of a target (lists and months), reused from row to row.
#[derive(Default)]
pub struct Scratch {
    pollutants: String,
    months: String,
    tags: String,
}

fn join_into<S: AsRef<str>>(out: &mut String, items: &[S], sep: &str) {
    out.clear();
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(s.as_ref());
    }
}

/// The 27 cells of `x`'s row, in the importer's column order and value words.
pub fn cells<'a>(x: &'a Target, lang: Lang, s: &'a mut Scratch) -> [Cell<'a>; COLUMNS] {
    let sep = lang.pick("、", "; ");
    join_into(&mut s.pollutants, &x.pollutants, sep);
    join_into(&mut s.tags, &x.tags, sep);
    s.months.clear();
    s.months.push_str(&months(x.production_months, lang));
    let s: &'a Scratch = s;
    let l = x.lists.entries();
    [
        Cell::Text(x.name()),
        Cell::Text(x.credit_code.as_str()),
        Cell::Text(&x.region),
        Cell::Text(&x.industry),
        Cell::Text(x.address()),
        Cell::Text(x.permit_class.label(lang)),
        Cell::Text(x.permit_number()),
        Cell::Text(yes_no(l[0].3, lang)),
        Cell::Text(yes_no(l[1].3, lang)),
        Cell::Text(yes_no(l[2].3, lang)),
        Cell::Text(yes_no(l[3].3, lang)),
        Cell::Text(yes_no(l[4].3, lang)),
        Cell::Text(yes_no(l[5].3, lang)),
        Cell::Text(yes_no(l[6].3, lang)),
        Cell::Text(yes_no(x.radiation_user, lang)),
        Cell::Text(yes_no(x.construction_project, lang)),
        Cell::Text(yes_no(x.positive_list, lang)),
        Cell::Text(yes_no(x.online_monitoring, lang)),
        Cell::Text(yes_no(x.video_monitoring, lang)),
        Cell::Text(&s.pollutants),
        Cell::Text(&s.months),
        Cell::Text(&x.credit_grade),
        Cell::Text(&x.performance_grade),
        Cell::Count(x.violations),
        Cell::Count(x.complaints),
        Cell::Text(x.status.label(lang)),
        Cell::Text(&s.tags),
    ]
}

/// How wide a cell shows (as `Table` counts it; counts are written unformatted, see
/// [`Table::count`]).
fn cell_width(c: Cell) -> f64 {
    match c {
        Cell::Text(s) => text_width(s),
        Cell::Count(n) => decimal_digits(n) as f64,
    }
}

fn decimal_digits(mut n: u32) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// The widest cell of every column over all targets.
fn data_widths(targets: &[Target], lang: Lang) -> [f64; COLUMNS] {
    let part = |chunk: &[Target]| {
        let mut w = [0.0f64; COLUMNS];
        let mut s = Scratch::default();
        for x in chunk {
            for (c, cell) in cells(x, lang, &mut s).into_iter().enumerate() {
                w[c] = w[c].max(cell_width(cell));
            }
        }
        w
    };
    if targets.len() < 50_000 {
        return part(targets);
    }
    // Two cores are the common case; halves measure in parallel.
    let (a, b) = targets.split_at(targets.len() / 2);
    let (wa, wb) = std::thread::scope(|sc| {
        let h = sc.spawn(|| part(b));
        let wa = part(a);
        (wa, h.join())
    });
    let Ok(wb) = wb else {
        return part(targets);
    };
    let mut w = wa;
    for c in 0..COLUMNS {
        w[c] = w[c].max(wb[c]);
    }
    w
}

/// Excel's column letters of the targets sheet.
fn column_name(c: usize) -> String {
    let mut n = c + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Excel's longest string.
const MAX_STRING_LEN: usize = 32_767;
/// The length of an `_xHHHH_` escape.
const UNICODE_ESCAPE_LENGTH: usize = 7;

/// Appends `s` as rust_xlsxwriter writes an inline string's text: literal `_xHHHH_` escaped
/// as `_x005F_xHHHH_`, then XML escapes and control characters as `_xHHHH_`.
fn push_escaped(out: &mut Vec<u8>, s: &str) {
    let s = escape_escapes(s);
    let bytes = s.as_bytes();
    if !bytes
        .iter()
        .any(|&b| b < 0x20 || b == b'&' || b == b'<' || b == b'>')
    {
        out.extend_from_slice(bytes);
        return;
    }
    for ch in s.chars() {
        match ch {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '\t' | '\n' => out.push(ch as u8),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "_x{:04X}_", c as u32);
            }
            c => {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
}

fn escape_escapes(original: &str) -> std::borrow::Cow<'_, str> {
    if !original.contains("_x") {
        return std::borrow::Cow::Borrowed(original);
    }
    let end = original.len();
    let mut escaped = original.to_string();
    for (index, _) in original.rmatch_indices("_x") {
        if index + UNICODE_ESCAPE_LENGTH > end
            || !original.is_char_boundary(index + (UNICODE_ESCAPE_LENGTH - 1))
        {
            continue;
        }
        if original[index + 2..index + (UNICODE_ESCAPE_LENGTH - 1)]
            .chars()
            .all(|c| c.is_ascii_hexdigit())
        {
            escaped.replace_range(index..index, "_x005F");
        }
    }
    std::borrow::Cow::Owned(escaped)
}

/// Appends the `<row>` of `x` at 1-based Excel row `r`.
fn push_row(
    out: &mut Vec<u8>,
    r: u32,
    x: &Target,
    lang: Lang,
    s: &mut Scratch,
    cols: &[String],
    digits: &mut itoa::Buffer,
) -> Result<(), XlsxError> {
    let row = digits.format(r).to_string();
    out.extend_from_slice(b"<row r=\"");
    out.extend_from_slice(row.as_bytes());
    out.extend_from_slice(b"\">");
    for (c, cell) in cells(x, lang, s).into_iter().enumerate() {
        match cell {
            Cell::Text("") => {}
            Cell::Text(t) => {
                if t.len() > MAX_STRING_LEN && t.chars().count() > MAX_STRING_LEN {
                    return Err(XlsxError::MaxStringLengthExceeded);
                }
                out.extend_from_slice(b"<c r=\"");
                out.extend_from_slice(cols[c].as_bytes());
                out.extend_from_slice(row.as_bytes());
                out.extend_from_slice(b"\" t=\"inlineStr\"><is><t");
                let ws = ['\t', '\n', ' '];
                if t.starts_with(ws) || t.ends_with(ws) {
                    out.extend_from_slice(b" xml:space=\"preserve\"");
                }
                out.push(b'>');
                push_escaped(out, t);
                out.extend_from_slice(b"</t></is></c>");
            }
            Cell::Count(n) => {
                out.extend_from_slice(b"<c r=\"");
                out.extend_from_slice(cols[c].as_bytes());
                out.extend_from_slice(row.as_bytes());
                out.extend_from_slice(b"\"><v>");
                out.extend_from_slice(digits.format(n).as_bytes());
                out.extend_from_slice(b"</v></c>");
            }
        }
    }
    out.extend_from_slice(b"</row>");
    Ok(())
}

/// Rows per chunk handed from the XML thread to the compressing thread.
const CHUNK_ROWS: usize = 2048;
/// The deflate level of the rows. Measured on 1,000,000 synthetic targets (1.47 GB of XML):
/// level 1 5.6 s / 226 MB, 2 6.9 s / 177 MB, 3 11.5 s / 163 MB, rust_xlsxwriter's 6 ~20 s / 142 MB.
pub const DEFLATE_LEVEL: i64 = 2;

/// Writes the targets registry to `path`: `wb` (with its document properties) gets the sheet
/// and is saved with the rows streamed in. `progress` gets the fraction done from this thread.
pub fn save_targets(
    mut wb: Workbook,
    targets: &[Target],
    lang: Lang,
    title: &Title,
    path: &Path,
    progress: &dyn Fn(f64),
) -> Result<SheetMeta, XlsxError> {
    let n = u32::try_from(targets.len())
        .ok()
        .filter(|&n| n < 1_048_576)
        .ok_or(XlsxError::RowColumnLimitError)?;
    let widths = data_widths(targets, lang);
    progress(0.05);

    // The workbook with the header row only, widths, autofilter and the row count set.
    let fmt = Formats::new();
    let ws = wb.add_worksheet_with_constant_memory();
    ws.set_name(RegistryKind::Targets.sheet_name(lang))?;
    let mut t = Table::titled(ws, &fmt, title, &headers(&TARGET_FIELDS, lang), lang)?;
    for (c, w) in widths.iter().enumerate() {
        t.observe_width(c as u16, *w);
    }
    t.skip_rows(n);
    let meta = t.finish()?;
    let skeleton = wb.save_to_buffer()?;

    let mut archive = zip::ZipArchive::new(Cursor::new(skeleton))?;
    let file = std::fs::File::create(path)?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::with_capacity(1 << 20, file));
    for i in 0..archive.len() {
        let name = archive.by_index_raw(i)?.name().to_string();
        if name != "xl/worksheets/sheet1.xml" {
            let entry = archive.by_index_raw(i)?;
            zip.raw_copy_file(entry)?;
            continue;
        }
        let mut xml = String::new();
        archive.by_index(i)?.read_to_string(&mut xml)?;
        let last = column_name(COLUMNS - 1);
        let xml = xml.replacen(
            &format!("<dimension ref=\"A1:{last}{}\"/>", HEADER_ROW + 1),
            &format!("<dimension ref=\"A1:{last}{}\"/>", n + HEADER_ROW + 1),
            1,
        );
        let cut = xml
            .find("</sheetData>")
            .ok_or_else(|| XlsxError::ParameterError("sheet XML without sheetData".into()))?;
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(DEFLATE_LEVEL))
            .unix_permissions(0o600)
            .last_modified_time(zip::DateTime::default())
            .large_file(n >= 100_000);
        zip.start_file(name.as_str(), options)?;
        zip.write_all(&xml.as_bytes()[..cut])?;
        stream_rows(&mut zip, targets, lang, progress)?;
        zip.write_all(&xml.as_bytes()[cut..])?;
    }
    let mut out = zip.finish()?;
    out.flush()?;
    progress(1.0);
    Ok(meta)
}

/// Writes the rows' XML (made on a second thread) into `w`.
fn stream_rows<W: Write>(
    w: &mut W,
    targets: &[Target],
    lang: Lang,
    progress: &dyn Fn(f64),
) -> Result<(), XlsxError> {
    let cols: Vec<String> = (0..COLUMNS).map(column_name).collect();
    let total = targets.len().max(1) as f64;
    let (tx, rx) = mpsc::sync_channel::<Result<Vec<u8>, XlsxError>>(4);
    let (back_tx, back_rx) = mpsc::channel::<Vec<u8>>();
    std::thread::scope(|sc| {
        let cols = &cols;
        sc.spawn(move || {
            let mut s = Scratch::default();
            let mut digits = itoa::Buffer::new();
            for (k, chunk) in targets.chunks(CHUNK_ROWS).enumerate() {
                let mut buf = back_rx
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(CHUNK_ROWS * 2048));
                buf.clear();
                let first = (k * CHUNK_ROWS) as u32 + HEADER_ROW + 2;
                let res = (first..).zip(chunk).try_for_each(|(r, x)| {
                    push_row(&mut buf, r, x, lang, &mut s, cols, &mut digits)
                });
                let stop = res.is_err();
                if tx.send(res.map(|()| buf)).is_err() || stop {
                    return;
                }
            }
        });
        let mut done = 0usize;
        for msg in rx {
            let buf = msg?;
            w.write_all(&buf)?;
            done += CHUNK_ROWS;
            progress(0.05 + 0.95 * (done as f64 / total).min(1.0));
            let _ = back_tx.send(buf);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet_xml(path: &Path) -> String {
        let f = std::fs::File::open(path).unwrap();
        let mut z = zip::ZipArchive::new(f).unwrap();
        let mut xml = String::new();
        z.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    /// The streamed sheet is byte for byte the sheet `Table` writes through rust_xlsxwriter,
    /// odd text included.
    #[test]
    fn streamed_sheet_equals_the_table_written_one() {
        let mut targets = crate::synth::targets(300, 7);
        targets[0].set_name(" 宜良 & <某某> 厂\t");
        targets[1].set_address("A_x0041_B\u{1}");
        targets[2].tags.clear();
        targets[2].pollutants = vec!["废气", "废水"].into();
        targets[3].credit_grade = Default::default();
        targets[4].violations = 4_000_000_000;
        for lang in [Lang::Zh, Lang::En] {
            let dir = tempfile::tempdir().unwrap();
            let a = dir.path().join("stream.xlsx");
            let b = dir.path().join("table.xlsx");
            let marks = std::cell::RefCell::new(Vec::new());
            let title = Title {
                text: "宜良 & 名录".into(),
                made: "制表时间：2022-07-05 09:30".into(),
            };
            let meta = save_targets(
                crate::report::workbook("t", "test"),
                &targets,
                lang,
                &title,
                &a,
                &|x| marks.borrow_mut().push(x),
            )
            .unwrap();
            let mut wb = crate::report::workbook("t", "test");
            let ws = wb.add_worksheet_with_constant_memory();
            ws.set_name(RegistryKind::Targets.sheet_name(lang)).unwrap();
            let want =
                super::super::registry::targets_table(ws, &Formats::new(), &targets, lang, &title)
                    .unwrap();
            wb.save(&b).unwrap();
            assert_eq!(meta, want);
            assert_eq!(meta.rows, 300);
            let (xa, xb) = (sheet_xml(&a), sheet_xml(&b));
            assert!(xa.contains("&amp; &lt;某某&gt;"), "escaped");
            assert!(xa.contains("A_x005F_x0041_B_x0001_"), "escapes escaped");
            assert_eq!(xa, xb);
            let marks = marks.into_inner();
            assert_eq!(marks.last(), Some(&1.0));
            assert!(marks.windows(2).all(|w| w[0] <= w[1]), "{marks:?}");
        }
    }

    #[test]
    fn too_long_text_is_refused() {
        let mut targets = crate::synth::targets(3, 7);
        targets[2].set_address(&"长".repeat(MAX_STRING_LEN + 1));
        let dir = tempfile::tempdir().unwrap();
        let r = save_targets(
            crate::report::workbook("t", "test"),
            &targets,
            Lang::Zh,
            &Title::new("t", Lang::Zh),
            &dir.path().join("x.xlsx"),
            &|_| {},
        );
        assert!(
            matches!(r, Err(XlsxError::MaxStringLengthExceeded)),
            "{r:?}"
        );
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(51), "AZ");
        assert_eq!(column_name(52), "BA");
    }

    #[test]
    fn digits() {
        for n in [0u32, 9, 10, 99, 100, 4_294_967_295] {
            assert_eq!(decimal_digits(n), n.to_string().len());
        }
    }

    #[test]
    fn escaping_matches_excel() {
        let mut out = Vec::new();
        push_escaped(&mut out, "A&B <c> \u{1}x_x0041_");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "A&amp;B &lt;c&gt; _x0001_x_x005F_x0041_"
        );
        let mut out = Vec::new();
        push_escaped(&mut out, "宜良\t县\n");
        assert_eq!(String::from_utf8(out).unwrap(), "宜良\t县\n");
    }
}
