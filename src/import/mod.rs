//! Files to domain values: targets, inspectors, departments and conflicts of interest from CSV
//! (UTF-8, UTF-8 with BOM, GBK/GB18030) or Excel (.xlsx/.xls, first sheet). No store: ids are
//! left at 0 for the store to assign, and conflicts stay keyed by certificate number and credit
//! code until the office resolves them.
//!
//! The file formats are in docs/CONTRACTS.md. An import is all or nothing: either every row
//! converts and the caller gets all values plus warnings ([`ImportReport`]), or it gets every
//! error found ([`ImportErrors`]), each naming the file, the row as seen in Excel (header = 1),
//! the column as written in the file, and why.
//!
//! Layers inside: [`table`] reads bytes into headers and a stream of text rows (CSV or Excel),
//! [`schema`] maps headers onto fields, [`values`] parses cell text, and this module turns rows
//! into domain values.

pub mod issue;
pub mod merge;
pub mod schema;
pub mod table;
pub mod values;

mod items;
mod plans;
mod spent;
pub use issue::{ImportErrors, Reason, RowIssue};
pub use items::{merge_item, read_items_bytes, ITEM_FIELDS};
pub use plans::{plan_error_column, plan_from_fields, read_plans_bytes};
pub use table::{Row, SourceFormat, Table};

use crate::domain::{
    CreditCode, CreditCodeCheck, Department, DepartmentKind, Inspector, InspectorStatus, MonthSet,
    PermitClass, SupervisionLists, Target, TargetStatus,
};
use chrono::NaiveDate;
use schema::{c, d, i, t, Columns, Field};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::path::Path;

/// A file that imported cleanly.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport<T> {
    /// The file name (not the path).
    pub file: String,
    /// How the file was read: "UTF-8", "UTF-8 (BOM)", "GB18030/GBK", "XLSX", ...
    pub encoding: String,
    /// Every value with the row it came from, in file order.
    pub records: Vec<(usize, T)>,
    /// Pilot credit codes and unknown columns.
    pub warnings: Vec<RowIssue>,
    /// Headers the importer did not understand (their values were ignored).
    pub unknown_columns: Vec<String>,
    /// Which fields of the schema the file has a column for: bit `f` for field index `f`
    /// (see [`schema`]). A field without a column must leave a stored value as it is.
    pub present: u64,
    /// For each record (same order as `records`), the fields whose column is present but whose
    /// cell is empty: bit `f` for field index `f`.
    pub blanks: Vec<u64>,
}

impl<T> ImportReport<T> {
    /// The values without their row numbers.
    pub fn into_values(self) -> Vec<T> {
        self.records.into_iter().map(|(_, v)| v).collect()
    }
}

/// A conflict of interest as written in a file, before the office resolves the keys to ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictRow {
    pub certificate_no: String,
    pub credit_code: CreditCode,
    pub reason: String,
}

// ---------------------------------------------------------------- public entry points

pub fn read_targets(path: &Path) -> Result<ImportReport<Target>, ImportErrors> {
    let table = open(path, &schema::TARGET_FIELDS)?;
    targets_from(table)
}

/// The whole of a file, a large one read by several threads at once (each into its own part of
/// the buffer: a 276 MB registry is read in half the time on two cores, the copy out of the
/// page cache and the faulting in of fresh pages being most of a read). A file that changes
/// size while it is read is read again in one pass.
pub fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    const PART: u64 = 16 << 20;
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let threads = rayon::current_num_threads() as u64;
    if threads < 2 || len < 2 * PART || usize::try_from(len).is_err() {
        return std::fs::read(path);
    }
    let mut buf = vec![0u8; len as usize];
    let step = (len / threads).max(PART) as usize;
    use rayon::prelude::*;
    let read: std::io::Result<()> = buf
        .par_chunks_mut(step)
        .enumerate()
        .try_for_each(|(i, part)| file.read_exact_at(part, (i * step) as u64));
    let mut more = [0u8; 1];
    match read {
        Ok(()) if file.read_at(&mut more, len)? == 0 => Ok(buf),
        // Shorter or longer than it was when measured: being written; one plain pass.
        _ => std::fs::read(path),
    }
}

pub fn read_targets_bytes(name: &str, bytes: &[u8]) -> Result<ImportReport<Target>, ImportErrors> {
    targets_from(from_bytes(name, bytes, &schema::TARGET_FIELDS)?)
}

/// `known_departments`: the department codes an inspector may name (those in the store plus
/// any being imported alongside). A code outside it is an error.
pub fn read_inspectors(
    path: &Path,
    known_departments: &HashSet<String>,
) -> Result<ImportReport<Inspector>, ImportErrors> {
    inspectors_from(open(path, &schema::INSPECTOR_FIELDS)?, known_departments)
}

pub fn read_inspectors_bytes(
    name: &str,
    bytes: &[u8],
    known_departments: &HashSet<String>,
) -> Result<ImportReport<Inspector>, ImportErrors> {
    inspectors_from(
        from_bytes(name, bytes, &schema::INSPECTOR_FIELDS)?,
        known_departments,
    )
}

pub fn read_departments(path: &Path) -> Result<ImportReport<Department>, ImportErrors> {
    departments_from(open(path, &schema::DEPARTMENT_FIELDS)?)
}

pub fn read_departments_bytes(
    name: &str,
    bytes: &[u8],
) -> Result<ImportReport<Department>, ImportErrors> {
    departments_from(from_bytes(name, bytes, &schema::DEPARTMENT_FIELDS)?)
}

pub fn read_conflicts(path: &Path) -> Result<ImportReport<ConflictRow>, ImportErrors> {
    conflicts_from(open(path, &schema::CONFLICT_FIELDS)?)
}

pub fn read_conflicts_bytes(
    name: &str,
    bytes: &[u8],
) -> Result<ImportReport<ConflictRow>, ImportErrors> {
    conflicts_from(from_bytes(name, bytes, &schema::CONFLICT_FIELDS)?)
}

fn open(path: &Path, fields: &[Field]) -> Result<Table<'static>, ImportErrors> {
    let name = table::display_name(path);
    let accept = |row: usize, headers: &[String]| recognised(&name, row, headers, fields);
    Table::open_for(path, &accept).map_err(|r| ImportErrors::single(&name, r))
}

fn from_bytes<'a>(
    name: &str,
    bytes: &'a [u8],
    fields: &[Field],
) -> Result<Table<'a>, ImportErrors> {
    let accept = |row: usize, headers: &[String]| recognised(name, row, headers, fields);
    Table::from_bytes_for(name, bytes, &accept).map_err(|r| ImportErrors::single(name, r))
}

/// The headers map onto `fields` with every required column present (a worksheet holding
/// them is the one to read).
fn recognised(file: &str, row: usize, headers: &[String], fields: &[Field]) -> bool {
    schema::map_columns(file, row, headers, fields).1.is_empty()
}

// ---------------------------------------------------------------- the shared driver

/// One row being converted: reads cells by field, records errors and warnings against the
/// right row and column.
struct Cx<'a, 'r> {
    file: &'a str,
    row: &'a Row<'r>,
    cols: &'a Columns,
    /// This row's errors with their column index, sorted into file order by the driver.
    errors: &'a mut Vec<(usize, RowIssue)>,
    warnings: &'a mut Vec<RowIssue>,
    /// The file is a workbook (numbers there may have lost digits).
    from_sheet: bool,
}

impl Cx<'_, '_> {
    /// The trimmed cell of `field`; "" if the file has no such column.
    fn cell(&self, field: usize) -> &str {
        match self.cols.index[field] {
            Some(col) => table::trim(self.row.get(col)),
            None => "",
        }
    }

    fn issue(&self, field: usize, reason: Reason) -> RowIssue {
        RowIssue {
            file: self.file.to_string(),
            row: Some(self.row.number),
            column: self.cols.header(field).map(str::to_string),
            reason,
        }
    }

    fn error(&mut self, field: usize, reason: Reason) {
        let issue = self.issue(field, reason);
        let col = self.cols.index[field].unwrap_or(usize::MAX);
        self.errors.push((col, issue));
    }

    fn warn(&mut self, field: usize, reason: Reason) {
        let issue = self.issue(field, reason);
        self.warnings.push(issue);
    }

    fn text(&self, field: usize) -> String {
        self.cell(field).to_string()
    }

    fn required(&mut self, field: usize) -> String {
        let v = self.cell(field);
        if v.is_empty() {
            self.error(field, Reason::MissingValue);
        }
        self.cell(field).to_string()
    }

    /// Parses a non-required value; on failure records `bad(cell)` and returns `fallback`.
    fn parse<T>(
        &mut self,
        field: usize,
        mut parse: impl FnMut(&str) -> Option<T>,
        bad: impl FnOnce(String) -> Reason,
        fallback: T,
    ) -> T {
        let v = self.cell(field);
        match parse(v) {
            Some(x) => x,
            None => {
                let reason = bad(v.to_string());
                self.error(field, reason);
                fallback
            }
        }
    }

    fn flag(&mut self, field: usize) -> bool {
        self.parse(field, values::parse_bool, Reason::BadBool, false)
    }

    fn count(&mut self, field: usize) -> u32 {
        self.parse(field, values::parse_count, Reason::BadInteger, 0)
    }

    fn list(&self, field: usize) -> Vec<String> {
        values::parse_list(self.cell(field))
    }

    fn date_opt(&mut self, field: usize) -> Option<NaiveDate> {
        self.parse(
            field,
            |s| {
                if s.is_empty() {
                    Some(None)
                } else {
                    values::parse_date(s).map(Some)
                }
            },
            Reason::BadDate,
            None,
        )
    }

    /// A required, valid credit code; pilot codes warn.
    fn credit_code(&mut self, field: usize) -> Option<CreditCode> {
        let v = self.cell(field);
        if v.is_empty() {
            self.error(field, Reason::MissingValue);
            return None;
        }
        match CreditCode::parse(v) {
            Ok((code, CreditCodeCheck::Valid)) => Some(code),
            Ok((code, CreditCodeCheck::PilotWarning)) => {
                self.warn(field, Reason::PilotCreditCode(code.to_string()));
                Some(code)
            }
            Err(_) if self.from_sheet && v.len() >= 16 && v.bytes().all(|b| b.is_ascii_digit()) => {
                self.error(field, Reason::CodeStoredAsNumber(v.to_string()));
                None
            }
            Err(e) => {
                self.error(field, Reason::BadCreditCode(e));
                None
            }
        }
    }

    /// Records a duplicate if `key` was seen on an earlier row; remembers it otherwise.
    /// `show` names the key in the message.
    fn unique<K: Hash + Eq>(
        &mut self,
        field: usize,
        seen: &mut Seen<K>,
        key: K,
        show: impl FnOnce() -> String,
    ) {
        let number = self.row.number;
        if let Some(&first_row) = seen.get(&key) {
            self.error(
                field,
                Reason::Duplicate {
                    key: show(),
                    first_row,
                },
            );
        } else {
            seen.insert(key, number);
        }
    }
}

/// Keys already used in a file, with the row that used them first. A fast, non-cryptographic
/// hash (foldhash): import files come from the office itself, so hash flooding is not a
/// concern.
type Seen<K> = HashMap<K, usize, foldhash::fast::FixedState>;

/// A credit code packed into an integer (6 bits per character), to key the duplicate map
/// without allocating.
fn code_key(code: &CreditCode) -> u128 {
    code.as_str().bytes().fold(0u128, |k, b| {
        (k << 6) | u128::from(b.wrapping_sub(b'0') & 0x3f)
    })
}

/// The credit code a [`code_key`] was made of (codes have 18 characters).
fn code_from_key(key: u128) -> String {
    (0..18)
        .rev()
        .map(|i| char::from(((key >> (6 * i)) & 0x3f) as u8 + b'0'))
        .collect()
}

/// Remembers the last text parsed and its value: consecutive rows often repeat a value.
struct Memo<T> {
    text: String,
    value: Option<T>,
}

impl<T: Copy> Memo<T> {
    fn new() -> Self {
        Memo {
            text: String::new(),
            value: None,
        }
    }
    fn parse(&mut self, s: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        if self.value.is_none() || self.text != s {
            self.value = parse(s);
            self.text.clear();
            self.text.push_str(s);
        }
        self.value
    }
}

/// After this many records the rest of the file is estimated and the vector sized once.
const SIZE_PROBE: usize = 4096;

fn reserve_for_rest<T>(records: &mut Vec<T>, (done, total): (u64, u64), start: u64) {
    let per_record = done.saturating_sub(start) / records.len() as u64;
    if let Some(rest) = total.saturating_sub(done).checked_div(per_record) {
        let rest = rest as usize;
        // A little slack rather than a second doubling near the end.
        records.reserve(rest + rest / 16);
    }
}

/// What every part of a table needs: the mapping of its headers.
struct Prep {
    file: String,
    encoding: String,
    from_sheet: bool,
    cols: Columns,
    /// Warnings of the mapping (unknown columns).
    warnings: Vec<RowIssue>,
    present: u64,
    headers: Vec<String>,
}

fn prepare(table: &Table<'_>, schema: &[Field]) -> Result<Prep, ImportErrors> {
    let file = table.file().to_string();
    let encoding = match table.sheet() {
        Some(sheet) => format!("{}: {sheet}", table.format().label()),
        None => table.format().label().to_string(),
    };
    let from_sheet = matches!(table.format(), SourceFormat::Xlsx | SourceFormat::Xls);
    let (cols, errors, warnings) =
        schema::map_columns(&file, table.header_row(), table.headers(), schema);
    if !errors.is_empty() {
        return Err(ImportErrors { file, errors });
    }
    let present = cols
        .index
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_some())
        .fold(0u64, |m, (fi, _)| m | bit(fi));
    Ok(Prep {
        file,
        encoding,
        from_sheet,
        present,
        headers: table.headers().to_vec(),
        cols,
        warnings,
    })
}

/// What the rows of one table, or of one part of it, converted to.
struct Part<T> {
    records: Vec<(usize, T)>,
    blanks: Vec<u64>,
    /// Row errors in file order (each row's in column order) as (row, column index, issue).
    errors: Vec<(usize, usize, RowIssue)>,
    /// The reading stopped here on a problem of the file itself (reported last).
    stopped: Option<RowIssue>,
    warnings: Vec<RowIssue>,
    /// The key of every row that has one ([`Unique`]), with its row, in file order.
    keys: Vec<(u128, usize)>,
}

/// A field whose value no two rows may share, checked over the whole file after its parts
/// were converted: `key` packs a converted value's field into an integer, `show` turns it back
/// into the text of the message.
struct Unique<T> {
    field: usize,
    key: fn(&T) -> u128,
    show: fn(u128) -> String,
}

/// Converts every row of `table` with `convert`.
fn rows<T>(
    table: &mut Table<'_>,
    prep: &Prep,
    convert: &mut impl FnMut(&mut Cx<'_, '_>) -> Option<T>,
    key: Option<fn(&T) -> u128>,
) -> Part<T> {
    let mut part = Part {
        records: Vec::new(),
        blanks: Vec::new(),
        errors: Vec::new(),
        stopped: None,
        warnings: Vec::new(),
        keys: Vec::new(),
    };
    let start = table.progress().0;
    let mut row_errors: Vec<(usize, RowIssue)> = Vec::new();
    while let Some(row) = table.next_row() {
        let row = match row {
            Ok(r) => r,
            Err(reason) => {
                part.stopped = Some(RowIssue::file_level(&prep.file, reason));
                break;
            }
        };
        check_cells(
            &prep.file,
            &row,
            &prep.headers,
            !prep.from_sheet,
            &mut row_errors,
        );
        let mut cx = Cx {
            file: &prep.file,
            row: &row,
            cols: &prep.cols,
            errors: &mut row_errors,
            warnings: &mut part.warnings,
            from_sheet: prep.from_sheet,
        };
        let value = convert(&mut cx);
        if let (Some(key), Some(v)) = (key, &value) {
            part.keys.push((key(v), row.number));
        }
        if row_errors.is_empty() {
            if let (true, Some(v)) = (part.errors.is_empty(), value) {
                part.records.push((row.number, v));
                part.blanks.push(blank_cells(&row, &prep.cols));
                if part.records.len() == SIZE_PROBE {
                    reserve_for_rest(&mut part.records, table.progress(), start);
                }
            }
        } else {
            // Errors of one row in column order; the file will be rejected, so stop holding
            // values.
            row_errors.sort_by_key(|(col, _)| *col);
            let number = row.number;
            part.errors.extend(
                row_errors
                    .drain(..)
                    .map(|(col, issue)| (number, col, issue)),
            );
            part.records = Vec::new();
            part.blanks = Vec::new();
        }
    }
    part
}

/// The parts of a table, in file order, put together: all or nothing.
fn finish<T>(
    prep: Prep,
    mut parts: Vec<Part<T>>,
    unique: Option<&Unique<T>>,
) -> Result<ImportReport<T>, ImportErrors> {
    // A part that stopped on the file ends the reading: what follows it was never reached.
    if let Some(i) = parts.iter().position(|p| p.stopped.is_some()) {
        parts.truncate(i + 1);
    }
    let mut errors: Vec<(usize, usize, RowIssue)> = Vec::new();
    let mut stopped = None;
    let mut warnings = prep.warnings;
    let mut keys_dup = Vec::new();
    if let Some(u) = unique {
        let mut seen: Seen<u128> = Seen::default();
        seen.reserve(parts.iter().map(|p| p.keys.len()).sum());
        let col = prep.cols.index[u.field].unwrap_or(usize::MAX);
        for (key, row) in parts.iter().flat_map(|p| p.keys.iter()) {
            match seen.get(key) {
                Some(&first_row) => keys_dup.push((
                    *row,
                    col,
                    RowIssue {
                        file: prep.file.clone(),
                        row: Some(*row),
                        column: prep.cols.header(u.field).map(str::to_string),
                        reason: Reason::Duplicate {
                            key: (u.show)(*key),
                            first_row,
                        },
                    },
                )),
                None => {
                    seen.insert(*key, *row);
                }
            }
        }
    }
    let total: usize = parts.iter().map(|p| p.records.len()).sum();
    let mut records = Vec::new();
    let mut blanks = Vec::new();
    let keep = keys_dup.is_empty()
        && parts
            .iter()
            .all(|p| p.errors.is_empty() && p.stopped.is_none());
    if keep {
        records.reserve_exact(total);
        blanks.reserve_exact(total);
    }
    for mut p in parts {
        errors.append(&mut p.errors);
        warnings.append(&mut p.warnings);
        if stopped.is_none() {
            stopped = p.stopped;
        }
        if keep {
            records.append(&mut p.records);
            blanks.append(&mut p.blanks);
        }
    }
    if !keys_dup.is_empty() {
        errors.append(&mut keys_dup);
        // Stable: each row's own errors keep their order.
        errors.sort_by_key(|(row, col, _)| (*row, *col));
    }
    let mut errors: Vec<RowIssue> = errors.into_iter().map(|(_, _, e)| e).collect();
    errors.extend(stopped);
    if !errors.is_empty() {
        return Err(ImportErrors {
            file: prep.file,
            errors,
        });
    }
    Ok(ImportReport {
        file: prep.file,
        encoding: prep.encoding,
        records,
        warnings,
        unknown_columns: prep.cols.unknown,
        present: prep.present,
        blanks,
    })
}

/// Maps the headers, then converts every row with `convert`; all or nothing.
fn run<T>(
    mut table: Table<'_>,
    schema: &[Field],
    mut convert: impl FnMut(&mut Cx<'_, '_>) -> Option<T>,
) -> Result<ImportReport<T>, ImportErrors> {
    let prep = prepare(&table, schema)?;
    let part = rows(&mut table, &prep, &mut convert, None);
    finish(prep, vec![part], None)
}

/// Below this size a file is converted on one thread.
const PARALLEL_BYTES: u64 = 1 << 20;

/// Like [`run`], with the rows of a large CSV file converted in parallel parts (each with a
/// converter made by `make`), and `unique` checked over the whole file afterwards. The result,
/// errors and warnings included, is what one pass in file order gives.
fn run_parallel<T: Send, F: FnMut(&mut Cx<'_, '_>) -> Option<T>>(
    table: Table<'_>,
    schema: &[Field],
    make: impl Fn() -> F + Sync,
    unique: Unique<T>,
) -> Result<ImportReport<T>, ImportErrors> {
    let parts = parts_for(&table);
    run_in_parts(table, schema, make, unique, parts)
}

/// How many parts a table is converted in: four per thread for a large CSV, else one.
fn parts_for(table: &Table<'_>) -> usize {
    let threads = rayon::current_num_threads();
    let (done, total) = table.progress();
    if threads > 1 && total.saturating_sub(done) >= PARALLEL_BYTES {
        threads * 4
    } else {
        1
    }
}

/// [`run_parallel`] with the number of parts chosen (tests choose it).
fn run_in_parts<T: Send, F: FnMut(&mut Cx<'_, '_>) -> Option<T>>(
    table: Table<'_>,
    schema: &[Field],
    make: impl Fn() -> F + Sync,
    unique: Unique<T>,
    parts: usize,
) -> Result<ImportReport<T>, ImportErrors> {
    let (prep, parts) = convert_in_parts(table, schema, make, unique.key, parts, None)?;
    finish(prep, parts, Some(&unique))
}

/// The rows of `table` converted in about `parts` parts in parallel, in file order; with
/// `spent`, each part's text is given back as soon as the part is read.
fn convert_in_parts<T: Send, F: FnMut(&mut Cx<'_, '_>) -> Option<T>>(
    mut table: Table<'_>,
    schema: &[Field],
    make: impl Fn() -> F + Sync,
    key: fn(&T) -> u128,
    parts: usize,
    spent: Option<&spent::Spent>,
) -> Result<(Prep, Vec<Part<T>>), ImportErrors> {
    use rayon::prelude::*;
    let prep = prepare(&table, schema)?;
    let read = |t: &mut Table<'_>| {
        let part = rows(t, &prep, &mut make(), Some(key));
        if let (Some(spent), Some(span)) = (spent, t.text_span()) {
            spent.release(span);
        }
        part
    };
    let parts = match table.split(parts) {
        Some(tables) => tables.into_par_iter().map(|mut t| read(&mut t)).collect(),
        None => vec![read(&mut table)],
    };
    Ok((prep, parts))
}

/// Excel's limit on the characters of one cell; a longer field is refused.
pub const MAX_FIELD_CHARS: usize = 32_767;

/// Checks every cell of a row whatever its column: no more fields than the header (for CSV any
/// extra field, for a sheet a non-empty cell right of the header), no control characters
/// other than tab, no cell longer than [`MAX_FIELD_CHARS`].
fn check_cells(
    file: &str,
    row: &Row<'_>,
    headers: &[String],
    strict_width: bool,
    errors: &mut Vec<(usize, RowIssue)>,
) {
    let width = headers.len();
    let issue = |col: Option<usize>, reason: Reason| RowIssue {
        file: file.to_string(),
        row: Some(row.number),
        column: col
            .and_then(|c| headers.get(c))
            .filter(|h| !h.is_empty())
            .cloned(),
        reason,
    };
    if row.len() > width {
        let last_filled = (width..row.len())
            .rev()
            .find(|&c| !table::trim(row.get(c)).is_empty());
        let fields = match last_filled {
            Some(c) => Some(c + 1),
            None if strict_width => Some(row.len()),
            None => None,
        };
        if let Some(fields) = fields {
            let reason = Reason::TooManyFields {
                fields,
                headers: width,
            };
            errors.push((usize::MAX, issue(None, reason)));
        }
    }
    // Most rows hold no control character and no long cell: one pass over the row says so.
    let controls = row.may_hold_controls();
    if !controls && row.text_len() <= MAX_FIELD_CHARS {
        return;
    }
    for col in 0..row.len().min(width) {
        let v = row.get(col);
        let control = match controls {
            true => v.bytes().find(|&b| b < 0x20 && b != b'\t'),
            false => None,
        };
        if let Some(b) = control {
            errors.push((
                col,
                issue(Some(col), Reason::ControlCharacter(u32::from(b))),
            ));
        }
        if v.len() > MAX_FIELD_CHARS {
            let n = v.chars().count();
            if n > MAX_FIELD_CHARS {
                errors.push((col, issue(Some(col), Reason::TooLong(n))));
            }
        }
    }
}

/// The mask bit of field index `fi` (schemas have fewer than 64 fields).
pub const fn bit(fi: usize) -> u64 {
    1u64 << (fi & 63)
}

/// The fields of `row` whose column is present and whose cell is empty.
fn blank_cells(row: &Row<'_>, cols: &Columns) -> u64 {
    cols.index
        .iter()
        .enumerate()
        .filter_map(|(fi, c)| c.map(|c| (fi, c)))
        .filter(|&(_, c)| table::trim(row.get(c)).is_empty())
        .fold(0u64, |m, (fi, _)| m | bit(fi))
}

// ---------------------------------------------------------------- the four kinds

fn targets_from(table: Table<'_>) -> Result<ImportReport<Target>, ImportErrors> {
    run_parallel(
        table,
        &schema::TARGET_FIELDS,
        target_converter,
        target_unique(),
    )
}

/// No two targets share a credit code.
fn target_unique() -> Unique<Target> {
    Unique {
        field: t::CREDIT_CODE,
        key: |t: &Target| code_key(&t.credit_code),
        show: code_from_key,
    }
}

/// A converter of rows to targets (one per part: it remembers the last months parsed).
fn target_converter() -> impl FnMut(&mut Cx<'_, '_>) -> Option<Target> {
    let mut months = Memo::new();
    move |cx: &mut Cx<'_, '_>| target_from(cx, &mut months)
}

/// [`read_targets_bytes`] for bytes the caller gives up: what one pass gives, with the file's
/// memory given back part by part as the parts are converted and the rest dropped before the
/// duplicate check, so the file and the converted registry are never held whole at once
/// (issue 17).
pub fn read_targets_owned(
    name: &str,
    bytes: Vec<u8>,
) -> Result<ImportReport<Target>, ImportErrors> {
    targets_owned_in_parts(name, bytes, None)
}

/// [`read_targets_owned`] in `parts` parts (tests choose them), else as many as the size asks.
fn targets_owned_in_parts(
    name: &str,
    bytes: Vec<u8>,
    parts: Option<usize>,
) -> Result<ImportReport<Target>, ImportErrors> {
    let spent = spent::Spent::of(&bytes);
    let (prep, converted) = {
        let table = from_bytes(name, &bytes, &schema::TARGET_FIELDS)?;
        let n = parts.unwrap_or_else(|| parts_for(&table));
        let key = target_unique().key;
        let fields = &schema::TARGET_FIELDS;
        convert_in_parts(table, fields, target_converter, key, n, Some(&spent))?
    };
    drop(bytes);
    finish(prep, converted, Some(&target_unique()))
}

/// One target from one row (its credit code checked for duplicates over the whole file
/// afterwards).
fn target_from(cx: &mut Cx<'_, '_>, months: &mut Memo<MonthSet>) -> Option<Target> {
    let name = cx.required(t::NAME);
    let credit_code = cx.credit_code(t::CREDIT_CODE);
    let region = cx.required(t::REGION);
    let permit_class = cx.parse(
        t::PERMIT_CLASS,
        PermitClass::parse,
        Reason::UnknownPermitClass,
        PermitClass::None,
    );
    let mut lists = SupervisionLists::default();
    for fi in t::LISTS {
        let v = cx.flag(fi);
        lists.set(schema::TARGET_FIELDS[fi].en, v);
    }
    // `credit_code?` comes last in the literal so every other cell is checked (and its
    // errors recorded) before a row with a bad code returns.
    let industry = cx.text(t::INDUSTRY).into();
    let address = cx.text(t::ADDRESS);
    let permit_number = cx.text(t::PERMIT_NUMBER);
    let target = Target {
        id: 0,
        text: crate::domain::TargetText::new(&name, &address, &permit_number),
        region: region.into(),
        industry,
        permit_class,
        lists,
        radiation_user: cx.flag(t::RADIATION_USER),
        construction_project: cx.flag(t::CONSTRUCTION_PROJECT),
        positive_list: cx.flag(t::POSITIVE_LIST),
        online_monitoring: cx.flag(t::ONLINE_MONITORING),
        video_monitoring: cx.flag(t::VIDEO_MONITORING),
        pollutants: cx.list(t::POLLUTANTS).into(),
        production_months: cx.parse(
            t::PRODUCTION_MONTHS,
            |s| months.parse(s, MonthSet::parse),
            Reason::BadMonths,
            MonthSet::ALL,
        ),
        credit_grade: cx.text(t::CREDIT_GRADE).into(),
        performance_grade: cx.text(t::PERFORMANCE_GRADE).into(),
        violations: cx.count(t::VIOLATIONS),
        complaints: cx.count(t::COMPLAINTS),
        status: cx.parse(
            t::STATUS,
            TargetStatus::parse,
            Reason::UnknownTargetStatus,
            TargetStatus::Operating,
        ),
        status_history: Vec::new(),
        tags: cx.list(t::TAGS).into(),
        credit_code: credit_code?,
    };
    Some(target)
}

fn inspectors_from(
    table: Table<'_>,
    known_departments: &HashSet<String>,
) -> Result<ImportReport<Inspector>, ImportErrors> {
    let mut seen: Seen<String> = Seen::default();
    run(table, &schema::INSPECTOR_FIELDS, |cx| {
        let name = cx.required(i::NAME);
        let department = cx.required(i::DEPARTMENT);
        if !department.is_empty() && !known_departments.contains(&department) {
            cx.error(i::DEPARTMENT, Reason::UnknownDepartment(department.clone()));
        }
        let certificate_no = cx.required(i::CERTIFICATE_NO);
        if !certificate_no.is_empty() {
            let key = certificate_no.clone();
            cx.unique(i::CERTIFICATE_NO, &mut seen, key, || certificate_no.clone());
        }
        Some(Inspector {
            id: 0,
            name,
            department,
            certificate_no,
            certificate_valid_until: cx.date_opt(i::VALID_UNTIL),
            post: cx.text(i::POST),
            years_of_work: cx.count(i::YEARS),
            expertise: cx.list(i::EXPERTISE),
            status: cx.parse(
                i::STATUS,
                InspectorStatus::parse,
                Reason::UnknownInspectorStatus,
                InspectorStatus::Active,
            ),
            status_history: Vec::new(),
        })
    })
}

/// The kind column is optional; absent or empty means internal.
fn departments_from(table: Table<'_>) -> Result<ImportReport<Department>, ImportErrors> {
    let mut seen: Seen<String> = Seen::default();
    run(table, &schema::DEPARTMENT_FIELDS, |cx| {
        let code = cx.required(d::CODE);
        if !code.is_empty() {
            cx.unique(d::CODE, &mut seen, code.clone(), || code.clone());
        }
        let name = cx.required(d::NAME);
        let kind = cx.parse(
            d::KIND,
            |s| {
                if s.is_empty() {
                    Some(DepartmentKind::Internal)
                } else {
                    DepartmentKind::parse(s)
                }
            },
            Reason::UnknownDepartmentKind,
            DepartmentKind::Internal,
        );
        Some(Department {
            id: 0,
            code,
            name,
            kind,
        })
    })
}

/// The key of a conflict row is the (certificate number, credit code) pair.
fn conflicts_from(table: Table<'_>) -> Result<ImportReport<ConflictRow>, ImportErrors> {
    let mut seen: Seen<(String, u128)> = Seen::default();
    run(table, &schema::CONFLICT_FIELDS, |cx| {
        let certificate_no = cx.required(c::CERTIFICATE_NO);
        let credit_code = cx.credit_code(c::CREDIT_CODE)?;
        if !certificate_no.is_empty() {
            let key = (certificate_no.clone(), code_key(&credit_code));
            cx.unique(c::CREDIT_CODE, &mut seen, key, || {
                format!("{certificate_no} / {credit_code}")
            });
        }
        Some(ConflictRow {
            certificate_no,
            credit_code,
            reason: cx.text(c::REASON),
        })
    })
}

#[cfg(test)]
mod tests;
