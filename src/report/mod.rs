//! Excel reports (issues 6 and 15): the draw record, the quarterly workbook, the publication
//! list, the publication notice (XLSX or HTML), the annual plan, the registries and the
//! provincial template fill, written with rust_xlsxwriter.
//!
//! This module reads the office and writes files; it computes no figure of its own beyond
//! sums (the quarterly totals and completion rates) and counts of the book's publication
//! records. The quarterly workbook's numbers are those of `office.status` / `office.progress`,
//! the same as `status --json`. Registry and plan exports use exactly the importer's headers and
//! value words, so `import` of an export changes nothing (the importer skips the title rows).
//!
//! Every sheet goes through [`sheet::Table`]: a title (bureau, report, period or draw) and the
//! time made above the header ([`sheet::HEADER_ROW`]), the title in the page header and
//! 第 n 页 共 N 页 in the footer, Chinese headers (English with `Lang::En`), frozen header row,
//! autofilter, real Excel dates, column widths from the glyph widths of the font
//! ([`sheet::text_width`]), and a landscape print setup that fits the width and repeats the
//! header row. Times are the office's local time ([`sheet::local_time`]). Large sheets
//! (registries, a draw's pool) are written in constant-memory mode.
//!
//! [`export`] is the one entry point (the CLI's `export` and, later, the TUI on a background
//! thread).

mod announce;
mod columns;
pub mod coverage;
mod draw;
pub mod notice;
mod publication;
mod quarterly;
mod registry;
pub mod sheet;
pub mod stream;
mod template;

mod items;
mod oversight;
pub use columns::RegistryKind;
pub use registry::write_targets;
pub use sheet::{column_width, display_width, local_time, text_width, SheetMeta};

use crate::domain::task::DrawId;
use crate::i18n::Lang;
use crate::office::{Office, OfficeError};
use chrono::NaiveDate;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};
use std::path::Path;

/// The bureau: company of every workbook, inspecting authority of the publication list.
pub const BUREAU: &str = "昆明市生态环境局宜良分局";

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportKind {
    /// The record of one draw (抽查结果), with its pool and signature lines.
    Draw(DrawId),
    /// The announcement of a draw (抽取公告): the frozen pool and the commitment.
    Announcement(u64),
    /// The quarterly workbook of a period such as "2022Q3", with the figures as of `today`.
    Quarterly { period: String, today: NaiveDate },
    /// The list for the county government website of a period.
    Publication(String),
    /// The annual plan of a year, re-importable.
    Plan(i32),
    /// A registry, re-importable.
    Registry(RegistryKind),
    /// The publication notice (一公开) of results determined in a date range; `html` writes
    /// an HTML table instead of a workbook.
    Notice {
        spec: notice::NoticeSpec,
        html: bool,
    },
    /// The tasks (of a period, or all) written into a provincial template workbook.
    Tasks {
        /// The template's file name (for its format and messages).
        template_name: String,
        template: Vec<u8>,
        period: Option<String>,
    },
}

impl ExportKind {
    /// The workbook's title (document properties and the first line of a record).
    pub fn title(&self, lang: Lang) -> String {
        match self {
            ExportKind::Draw(id) => match lang {
                Lang::Zh => format!("双随机抽查结果 #{id}"),
                Lang::En => format!("Random inspection draw #{id}"),
            },
            ExportKind::Announcement(id) => match lang {
                Lang::Zh => format!("双随机抽取公告 #{id}"),
                Lang::En => format!("Random inspection draw announcement #{id}"),
            },
            ExportKind::Quarterly { period: p, .. } => match lang {
                Lang::Zh => format!("{p} 双随机、一公开工作情况"),
                Lang::En => format!("{p} double-random, one-public report"),
            },
            ExportKind::Publication(p) => match lang {
                Lang::Zh => format!("{p} 双随机抽查结果公示"),
                Lang::En => format!("{p} inspection results for publication"),
            },
            ExportKind::Plan(y) => match lang {
                Lang::Zh => format!("{y} 年度双随机抽查计划"),
                Lang::En => format!("{y} annual random inspection plan"),
            },
            ExportKind::Registry(k) => k.sheet_name(lang).to_string(),
            ExportKind::Notice { spec, .. } => notice::notice_title(spec, lang),
            ExportKind::Tasks { period, .. } => match (lang, period) {
                (Lang::Zh, Some(p)) => format!("{p} 抽查任务（省平台模板）"),
                (Lang::Zh, None) => "抽查任务（省平台模板）".into(),
                (Lang::En, Some(p)) => format!("{p} tasks (provincial template)"),
                (Lang::En, None) => "tasks (provincial template)".into(),
            },
        }
    }
}

pub use crate::office::export::ExportSummary;

/// The report layer's export writer ([`crate::office::export::ExportWriter`]): the export a
/// request names, written to `path`. Front ends register it on their office
/// ([`register`]), so exports run through `office::ops::execute` like every request.
pub fn write_spec(
    office: &Office,
    spec: &crate::office::export::ExportSpec,
    path: &Path,
    lang: Lang,
    progress: &dyn Fn(f64),
) -> Result<ExportSummary, OfficeError> {
    export(office, &ExportKind::from_spec(spec)?, path, lang, progress)
}

/// Register [`write_spec`] as `office`'s export writer.
pub fn register(office: &Office) {
    office.set_export_writer(write_spec);
}

impl ExportKind {
    /// The kind a request's [`crate::office::export::ExportSpec`] names.
    pub fn from_spec(what: &crate::office::export::ExportSpec) -> Result<ExportKind, OfficeError> {
        use crate::office::export::ExportSpec;
        use ExportKind as K;
        Ok(match what {
            ExportSpec::Draw(id) => K::Draw(*id),
            ExportSpec::Announcement(id) => K::Announcement(*id),
            ExportSpec::Quarterly { period, today } => K::Quarterly {
                period: period.clone(),
                today: *today,
            },
            ExportSpec::Publication(p) => K::Publication(p.clone()),
            ExportSpec::Plan(y) => K::Plan(*y),
            ExportSpec::Registry(r) => K::Registry(*r),
            ExportSpec::Notice {
                from,
                to,
                own_copy,
                today,
                html,
            } => K::Notice {
                spec: notice::NoticeSpec {
                    from: *from,
                    to: *to,
                    own_copy: *own_copy,
                    today: *today,
                },
                html: *html,
            },
            ExportSpec::Tasks {
                template_name,
                template,
                period,
            } => K::Tasks {
                template_name: template_name.clone(),
                template: template.0.clone(),
                period: period.clone(),
            },
        })
    }

    /// The request's spelling of this kind (the registry by its CLI name).
    pub fn spec(&self) -> crate::office::export::ExportSpec {
        use crate::office::export::ExportSpec;
        use ExportKind as K;
        match self {
            K::Draw(id) => ExportSpec::Draw(*id),
            K::Announcement(id) => ExportSpec::Announcement(*id),
            K::Quarterly { period, today } => ExportSpec::Quarterly {
                period: period.clone(),
                today: *today,
            },
            K::Publication(p) => ExportSpec::Publication(p.clone()),
            K::Plan(y) => ExportSpec::Plan(*y),
            K::Notice { spec, html } => ExportSpec::Notice {
                from: spec.from,
                to: spec.to,
                own_copy: spec.own_copy,
                today: spec.today,
                html: *html,
            },
            K::Tasks {
                template_name,
                template,
                period,
            } => ExportSpec::Tasks {
                template_name: template_name.clone(),
                template: crate::office::protocol::Bytes(template.clone()),
                period: period.clone(),
            },
            K::Registry(r) => ExportSpec::Registry(*r),
        }
    }
}

impl ExportSummary {
    pub fn localize(&self, lang: Lang) -> String {
        let sheets: Vec<String> = self
            .sheets
            .iter()
            .map(|s| format!("{}（{}）", s.name, s.rows))
            .collect();
        let mut out = match lang {
            Lang::Zh => format!("已导出 {}：{}", self.path.display(), sheets.join("、")),
            Lang::En => format!(
                "exported {}: {}",
                self.path.display(),
                sheets
                    .join(", ")
                    .replace('（', " (")
                    .replace('）', " rows)")
            ),
        };
        if !self.unknown_columns.is_empty() {
            out.push_str(&match lang {
                Lang::Zh => format!(
                    "\n模板中无法识别的列（留空）：{}",
                    self.unknown_columns.join("、")
                ),
                Lang::En => format!(
                    "\ntemplate columns not recognised (left empty): {}",
                    self.unknown_columns.join(", ")
                ),
            });
        }
        out
    }
}

/// Why a writer stopped: the office refused (e.g. no such draw) or the workbook failed.
#[derive(Debug)]
pub(crate) enum Fail {
    Office(OfficeError),
    Xlsx(XlsxError),
}

impl From<XlsxError> for Fail {
    fn from(e: XlsxError) -> Fail {
        Fail::Xlsx(e)
    }
}

impl From<OfficeError> for Fail {
    fn from(e: OfficeError) -> Fail {
        Fail::Office(e)
    }
}

/// The sheets a writer produced.
pub(crate) type Written = Result<Vec<SheetMeta>, Fail>;

/// A workbook write failure, naming the file.
pub(crate) fn xlsx_error(path: &Path, e: XlsxError, lang: Lang) -> OfficeError {
    OfficeError::Refused(format!(
        "{}: {}{e}",
        path.display(),
        lang.pick("无法写入 Excel 文件：", "cannot write the workbook: ")
    ))
}

/// A new workbook with the document properties every export carries (title, author, the
/// bureau as company, created now).
pub fn workbook(title: &str, author: &str) -> Workbook {
    let mut wb = Workbook::new();
    let mut props = DocProperties::new()
        .set_title(title)
        .set_author(author)
        .set_company(BUREAU);
    if let Ok(now) = ExcelDateTime::from_timestamp(chrono::Utc::now().timestamp()) {
        props = props.set_creation_datetime(&now);
    }
    wb.set_properties(&props);
    wb
}

/// Write `kind` to `path` (an .xlsx file) with headers in `lang`. `progress` is called with
/// the fraction done (0.0 to 1.0), from the calling thread; the TUI runs this on a background
/// thread.
pub fn export(
    office: &Office,
    kind: &ExportKind,
    path: &Path,
    lang: Lang,
    progress: &dyn Fn(f64),
) -> Result<ExportSummary, OfficeError> {
    let title = kind.title(lang);
    let author = crate::store::audit::os_user();
    let mut wb = workbook(&title, &author);
    progress(0.0);
    if let ExportKind::Notice { spec, html: true } = kind {
        let page = notice::notice_html(office, spec, lang);
        let rows = notice::notice_rows(office, spec, lang).len() as u32;
        // Whole or not at all, as the workbooks.
        crate::store::write_atomic(path, page.as_bytes()).map_err(|e| {
            OfficeError::Refused(format!(
                "{}: {}{e}",
                path.display(),
                lang.pick("无法写入文件：", "cannot write the file: ")
            ))
        })?;
        progress(1.0);
        return Ok(ExportSummary {
            unknown_columns: Vec::new(),
            path: path.to_path_buf(),
            sheets: vec![SheetMeta {
                name: "HTML".into(),
                header_row: 0,
                rows,
                headers: Vec::new(),
                max_display: Vec::new(),
                widths: Vec::new(),
            }],
        });
    }
    if *kind == ExportKind::Registry(RegistryKind::Targets) {
        let st = office.state();
        let sheet = write_targets(wb, &st.targets, lang, path, progress)
            .map_err(|e| xlsx_error(path, e, lang))?;
        return Ok(ExportSummary {
            path: path.to_path_buf(),
            sheets: vec![sheet],
            unknown_columns: Vec::new(),
        });
    }
    let mut unknown = Vec::new();
    let sheets = match kind {
        ExportKind::Registry(k) => {
            let st = office.state();
            registry::registry(&mut wb, &st, *k, lang)
        }
        ExportKind::Plan(year) => {
            let book = office.book();
            registry::plans(&mut wb, &book.plans, *year, lang)
        }
        ExportKind::Draw(id) => draw::draw(&mut wb, office, *id, lang, progress),
        ExportKind::Announcement(id) => announce::announcement(&mut wb, office, *id, lang),
        ExportKind::Publication(period) => publication::publication(&mut wb, office, period, lang),
        ExportKind::Quarterly { period, today } => {
            quarterly::quarterly(&mut wb, office, period, *today, lang, progress)
        }
        ExportKind::Notice { spec, .. } => notice::notice(&mut wb, office, spec, lang),
        ExportKind::Tasks {
            template_name,
            template,
            period,
        } => template::fill(
            &mut wb,
            office,
            template_name,
            template,
            period.as_deref(),
            lang,
            &mut unknown,
        ),
    }
    .map_err(|f| match f {
        Fail::Office(e) => e,
        Fail::Xlsx(e) => xlsx_error(path, e, lang),
    })?;
    // Whole or not at all: a temporary file beside it, fsynced, renamed over it.
    let bytes = wb.save_to_buffer().map_err(|e| xlsx_error(path, e, lang))?;
    crate::store::write_atomic(path, &bytes)
        .map_err(|e| xlsx_error(path, XlsxError::IoError(e), lang))?;
    progress(1.0);
    Ok(ExportSummary {
        path: path.to_path_buf(),
        sheets,
        unknown_columns: unknown,
    })
}
