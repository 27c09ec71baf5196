//! What can go wrong (or be worth a warning) while importing a file, in both languages.
//!
//! Every issue names the file, the row a person sees in Excel or an editor (header = row 1), the
//! column header as written in the file, and a [`Reason`]. Rendered as
//! `targets.csv:5:统一社会信用代码: 校验位错误：应为 T，实际为 U`.

use crate::domain::CreditCodeError;
use crate::i18n::Lang;
use std::fmt;

/// Columns a worksheet may use; a used range wider than this is refused before reading.
pub const MAX_SHEET_COLS: u64 = 1024;
/// Cells (rows × columns of the used range) a worksheet may span.
pub const MAX_SHEET_CELLS: u64 = 64_000_000;

/// Why a file, a row or a cell was rejected, or why it earned a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A cell rejected by a domain parser that localizes itself (both texts kept).
    Domain {
        zh: String,
        en: String,
    },
    // ---- file-level errors ----
    /// The file could not be read (the operating system's message).
    CannotRead(String),
    /// The extension is neither .csv/.txt nor .xlsx/.xlsm/.xls.
    UnsupportedFormat(String),
    /// The bytes are neither UTF-8, UTF-16 with BOM, nor GBK/GB18030; `line` is where decoding
    /// first failed.
    Encoding {
        line: usize,
    },
    /// calamine could not open the workbook (damaged, encrypted, or not really Excel).
    Spreadsheet(String),
    /// The workbook has no worksheet.
    NoSheet,
    /// The CSV reader failed (the reader's message).
    Csv(String),
    /// The file is empty, or has no row that could be a header.
    NoHeaderRow,
    /// A required column is missing: its Chinese and English header.
    MissingColumn {
        zh: &'static str,
        en: &'static str,
    },
    /// Two columns mean the same field; `first` is the earlier header (the issue's column is
    /// the later one).
    DuplicateColumn {
        first: String,
    },

    // ---- row-level errors ----
    /// A required value is empty.
    MissingValue,
    BadCreditCode(CreditCodeError),
    /// A credit code Excel stored as a number: digits beyond the 15th are lost.
    CodeStoredAsNumber(String),
    UnknownPermitClass(String),
    UnknownTargetStatus(String),
    UnknownInspectorStatus(String),
    UnknownDepartmentKind(String),
    BadBool(String),
    /// Not a whole number >= 0.
    BadInteger(String),
    BadDate(String),
    BadMonths(String),
    /// The key was already used by an earlier row of the same file.
    Duplicate {
        key: String,
        first_row: usize,
    },
    /// An inspector's department code is neither known nor being imported.
    UnknownDepartment(String),
    /// The row has more fields than the header (a stray separator shifts later columns).
    TooManyFields {
        fields: usize,
        headers: usize,
    },
    /// A control character (NUL or another C0 except tab) in a cell: its code point.
    ControlCharacter(u32),
    /// A cell longer than Excel's limit of 32,767 characters: its length.
    TooLong(usize),
    /// A worksheet's used range is larger than any registry (a sparse far cell).
    SheetTooLarge {
        sheet: String,
        dimension: String,
    },

    // ---- warnings ----
    /// A credit code whose check character fails but which is a known early pilot code.
    PilotCreditCode(String),
    /// A column the importer does not know; its values are ignored.
    UnknownColumn,
}

impl Reason {
    /// True for the reasons that only warn.
    pub fn is_warning(&self) -> bool {
        matches!(self, Reason::PilotCreditCode(_) | Reason::UnknownColumn)
    }

    pub fn localize(&self, lang: Lang) -> String {
        use Lang::*;
        match (self, lang) {
            (Reason::CannotRead(e), Zh) => format!("无法读取文件：{e}"),
            (Reason::CannotRead(e), En) => format!("cannot read the file: {e}"),
            (Reason::UnsupportedFormat(ext), Zh) => format!(
                "不是 CSV 或 Excel 文件（扩展名 {}）；请另存为 .csv 或 .xlsx",
                show_ext(ext)
            ),
            (Reason::UnsupportedFormat(ext), En) => format!(
                "not a CSV or Excel file (extension {}); save it as .csv or .xlsx",
                show_ext(ext)
            ),
            (Reason::Encoding { line }, Zh) => format!(
                "第 {line} 行起的内容既不是 UTF-8 也不是 GBK/GB18030 编码；请在 Excel 中另存为「CSV UTF-8」"
            ),
            (Reason::Encoding { line }, En) => format!(
                "from line {line} on the text is neither UTF-8 nor GBK/GB18030; save it from Excel as \"CSV UTF-8\""
            ),
            (Reason::Spreadsheet(e), Zh) => {
                format!("无法打开 Excel 文件（可能已损坏、加密或并非 Excel 格式）：{e}")
            }
            (Reason::Spreadsheet(e), En) => {
                format!("cannot open the Excel file (damaged, encrypted or not Excel): {e}")
            }
            (Reason::TooManyFields { fields, headers }, Zh) => format!(
                "此行有 {fields} 个字段，表头只有 {headers} 列（多了分隔符？后面的列会错位）"
            ),
            (Reason::TooManyFields { fields, headers }, En) => format!(
                "this row has {fields} fields but the header has {headers} columns (a stray separator would shift later columns)"
            ),
            (Reason::ControlCharacter(c), Zh) => {
                format!("含有控制字符 U+{c:04X}（只允许制表符）")
            }
            (Reason::ControlCharacter(c), En) => {
                format!("contains the control character U+{c:04X} (only tab is allowed)")
            }
            (Reason::TooLong(n), Zh) => {
                format!("内容有 {n} 个字符，超过 Excel 单元格上限 32767")
            }
            (Reason::TooLong(n), En) => {
                format!("{n} characters, more than Excel's cell limit of 32,767")
            }
            (Reason::SheetTooLarge { sheet, dimension }, Zh) => format!(
                "工作表「{sheet}」的使用范围 {dimension} 过大（超过 {} 列或 {} 个单元格），未读取；请删除远处的单元格后另存",
                MAX_SHEET_COLS,
                MAX_SHEET_CELLS
            ),
            (Reason::SheetTooLarge { sheet, dimension }, En) => format!(
                "worksheet \"{sheet}\" uses the range {dimension}, more than {} columns or {} cells; not read (delete the far-away cells and save again)",
                MAX_SHEET_COLS,
                MAX_SHEET_CELLS
            ),
            (Reason::NoSheet, Zh) => "Excel 文件中没有工作表".into(),
            (Reason::NoSheet, En) => "the Excel file has no worksheet".into(),
            (Reason::Csv(e), Zh) => format!("CSV 格式错误：{e}"),
            (Reason::Csv(e), En) => format!("malformed CSV: {e}"),
            (Reason::NoHeaderRow, Zh) => "文件为空，或没有表头行（第一行应为列名）".into(),
            (Reason::NoHeaderRow, En) => {
                "the file is empty or has no header row (the first row must name the columns)"
                    .into()
            }
            (Reason::MissingColumn { zh, en }, Zh) => {
                format!("缺少必填列「{zh}」（英文表头 {en}）")
            }
            (Reason::MissingColumn { zh, en }, En) => {
                format!("required column {en} ({zh}) is missing")
            }
            (Reason::DuplicateColumn { first }, Zh) => {
                format!("与列「{first}」含义相同，请删除其中一列")
            }
            (Reason::DuplicateColumn { first }, En) => {
                format!("means the same as column {first:?}; remove one of them")
            }
            (Reason::MissingValue, Zh) => "必填项为空".into(),
            (Reason::MissingValue, En) => "required value is empty".into(),
            (Reason::BadCreditCode(e), _) => e.localize(lang),
            (Reason::CodeStoredAsNumber(v), Zh) => format!(
                "Excel 把代码存成了数字（{v}），第 15 位以后已丢失；请把该列设为「文本」格式后重新输入"
            ),
            (Reason::CodeStoredAsNumber(v), En) => format!(
                "Excel stored the code as a number ({v}) and lost the digits after the 15th; format the column as Text and enter it again"
            ),
            (Reason::UnknownPermitClass(v), Zh) => {
                format!("无法识别的管理类别 {v:?}；可填：重点管理、简化管理、登记管理、无")
            }
            (Reason::UnknownPermitClass(v), En) => format!(
                "unknown permit class {v:?}; accepted: 重点管理/key, 简化管理/simplified, 登记管理/registration, 无/none"
            ),
            (Reason::UnknownTargetStatus(v), Zh) => {
                format!("无法识别的经营状态 {v:?}；可填：在产、停产、关闭")
            }
            (Reason::UnknownTargetStatus(v), En) => format!(
                "unknown status {v:?}; accepted: 在产/operating, 停产/suspended, 关闭/closed"
            ),
            (Reason::UnknownInspectorStatus(v), Zh) => {
                format!("无法识别的人员状态 {v:?}；可填：在岗、暂停、调离")
            }
            (Reason::UnknownInspectorStatus(v), En) => format!(
                "unknown status {v:?}; accepted: 在岗/active, 暂停/inactive, 调离/left"
            ),
            (Reason::UnknownDepartmentKind(v), Zh) => {
                format!("无法识别的部门类型 {v:?}；可填：内部、外部")
            }
            (Reason::UnknownDepartmentKind(v), En) => {
                format!("unknown department kind {v:?}; accepted: 内部/internal, 外部/external")
            }
            (Reason::BadBool(v), Zh) => format!("{v:?} 不是是/否值；可填：是、否（或 Y/N、1/0、√/×）"),
            (Reason::BadBool(v), En) => {
                format!("{v:?} is not yes/no; accepted: 是/否, Y/N, 1/0, true/false, √/×")
            }
            (Reason::BadInteger(v), Zh) => format!("{v:?} 不是不小于 0 的整数"),
            (Reason::BadInteger(v), En) => format!("{v:?} is not a whole number >= 0"),
            (Reason::BadDate(v), Zh) => {
                format!("无法识别的日期 {v:?}；请写成 2025-06-30、2025/6/30 或 2025年6月30日")
            }
            (Reason::BadDate(v), En) => format!(
                "{v:?} is not a date; write 2025-06-30, 2025/6/30 or 2025年6月30日"
            ),
            (Reason::BadMonths(v), Zh) => {
                format!("无法识别的生产周期 {v:?}；请写「全年」或月份，如 3-10、1,2,11-12")
            }
            (Reason::BadMonths(v), En) => format!(
                "{v:?} is not a production period; write 全年 (all year) or months like 3-10 or 1,2,11-12"
            ),
            (Reason::Duplicate { key, first_row }, Zh) => {
                format!("{key} 与第 {first_row} 行重复")
            }
            (Reason::Duplicate { key, first_row }, En) => {
                format!("{key} repeats row {first_row}")
            }
            (Reason::UnknownDepartment(v), Zh) => {
                format!("部门代码 {v:?} 不存在；请先导入部门，或改用已有的部门代码")
            }
            (Reason::UnknownDepartment(v), En) => format!(
                "department code {v:?} does not exist; import the department first or use an existing code"
            ),
            (Reason::PilotCreditCode(c), Zh) => {
                format!("{c} 校验位不符，但属于早期试点代码，已接受")
            }
            (Reason::PilotCreditCode(c), En) => format!(
                "{c} fails the check character but is a known early pilot code; accepted"
            ),
            (Reason::UnknownColumn, Zh) => "未识别的列，已忽略".into(),
            (Reason::UnknownColumn, En) => "unknown column, ignored".into(),
            (Reason::Domain { zh, en }, _) => lang.pick(zh, en).to_string(),
        }
    }
}

fn show_ext(ext: &str) -> String {
    if ext.is_empty() {
        "（无）/ (none)".into()
    } else {
        format!(".{ext}")
    }
}

/// One error or warning, located in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIssue {
    /// The file name as given (not the full path).
    pub file: String,
    /// The row as a person sees it: header = 1, first data row = 2. `None` for file-level issues.
    pub row: Option<usize>,
    /// The column header as written in the file, if the issue is about one column.
    pub column: Option<String>,
    pub reason: Reason,
}

impl RowIssue {
    pub fn file_level(file: &str, reason: Reason) -> RowIssue {
        RowIssue {
            file: file.to_string(),
            row: None,
            column: None,
            reason,
        }
    }

    /// `file:row:column: reason`, leaving out what is unknown.
    pub fn localize(&self, lang: Lang) -> String {
        let mut s = self.file.clone();
        if let Some(r) = self.row {
            s.push_str(&format!(":{r}"));
        }
        if let Some(c) = &self.column {
            s.push(':');
            s.push_str(c);
        }
        s.push_str(": ");
        s.push_str(&self.reason.localize(lang));
        s
    }
}

impl fmt::Display for RowIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::default()))
    }
}

/// A rejected file: every error found, in row order. Nothing of the file was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportErrors {
    pub file: String,
    pub errors: Vec<RowIssue>,
}

impl ImportErrors {
    pub(crate) fn single(file: &str, reason: Reason) -> ImportErrors {
        ImportErrors {
            file: file.to_string(),
            errors: vec![RowIssue::file_level(file, reason)],
        }
    }

    /// A summary line, then one error per line.
    pub fn localize(&self, lang: Lang) -> String {
        let n = self.errors.len();
        let mut s = match lang {
            Lang::Zh => format!("{} 未导入：发现 {n} 处错误", self.file),
            Lang::En => format!(
                "{} was not imported: {n} error{}",
                self.file,
                if n == 1 { "" } else { "s" }
            ),
        };
        for e in &self.errors {
            s.push('\n');
            s.push_str(&e.localize(lang));
        }
        s
    }
}

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::default()))
    }
}

impl std::error::Error for ImportErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_renders_file_row_column_reason() {
        let i = RowIssue {
            file: "targets.csv".into(),
            row: Some(5),
            column: Some("统一社会信用代码".into()),
            reason: Reason::BadCreditCode(CreditCodeError::Check {
                expected: 'T',
                found: 'U',
            }),
        };
        assert_eq!(
            i.localize(Lang::Zh),
            "targets.csv:5:统一社会信用代码: 校验位错误：应为 T，实际为 U"
        );
        assert_eq!(
            i.localize(Lang::En),
            "targets.csv:5:统一社会信用代码: check character wrong: expected T, found U"
        );
        let f = RowIssue::file_level("x.doc", Reason::UnsupportedFormat("doc".into()));
        assert_eq!(
            f.localize(Lang::En),
            "x.doc: not a CSV or Excel file (extension .doc); save it as .csv or .xlsx"
        );
    }

    #[test]
    fn errors_list_one_per_line() {
        let e = ImportErrors {
            file: "a.csv".into(),
            errors: vec![
                RowIssue {
                    file: "a.csv".into(),
                    row: Some(2),
                    column: Some("名称".into()),
                    reason: Reason::MissingValue,
                },
                RowIssue {
                    file: "a.csv".into(),
                    row: Some(3),
                    column: None,
                    reason: Reason::MissingValue,
                },
            ],
        };
        let zh = e.localize(Lang::Zh);
        let lines: Vec<&str> = zh.lines().collect();
        assert_eq!(
            lines,
            [
                "a.csv 未导入：发现 2 处错误",
                "a.csv:2:名称: 必填项为空",
                "a.csv:3: 必填项为空"
            ]
        );
        assert!(e
            .localize(Lang::En)
            .starts_with("a.csv was not imported: 2 errors\n"));
    }
}
