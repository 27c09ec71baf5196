//! What an export is (its kind) and what it wrote (its summary): plain data of the office, so
//! an export goes through the one request path ([`super::ops::execute`]) like every other
//! operation. The workbooks themselves are written by the report layer, a front end above the
//! office: it registers its writer ([`ExportWriter`]) on the office it serves
//! ([`super::Office::set_export_writer`]; `conn::Conn::local` and `server::serve` do it).

use super::{Office, OfficeError};
use crate::i18n::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bytes carried as a hex string (JSON has no bytes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        let s = String::deserialize(d)?;
        hex::decode(s).map(Bytes).map_err(serde::de::Error::custom)
    }
}

/// The registries `export registry` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum RegistryKind {
    Targets,
    Inspectors,
    Departments,
    Conflicts,
    /// The inspection item list (抽查事项清单, issue 19).
    Items,
}

impl RegistryKind {
    pub fn sheet_name(self, lang: Lang) -> &'static str {
        match self {
            RegistryKind::Targets => lang.pick("检查对象名录库", "targets"),
            RegistryKind::Inspectors => lang.pick("检查人员名录库", "inspectors"),
            RegistryKind::Departments => lang.pick("部门", "departments"),
            RegistryKind::Conflicts => lang.pick("回避关系", "conflicts"),
            RegistryKind::Items => lang.pick("抽查事项清单", "inspection items"),
        }
    }
}

/// What to export: the request's spelling of `report::ExportKind` (`ExportKind::spec`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportSpec {
    Draw(u64),
    Announcement(u64),
    Quarterly {
        period: String,
        today: NaiveDate,
    },
    Publication(String),
    Plan(i32),
    Registry(RegistryKind),
    /// The publication notice (一公开) of results determined `from`..=`to`.
    Notice {
        from: NaiveDate,
        to: NaiveDate,
        own_copy: bool,
        today: NaiveDate,
        html: bool,
    },
    /// The tasks written into a provincial template (its bytes, read by the client).
    Tasks {
        template_name: String,
        template: Bytes,
        period: Option<String>,
    },
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportSummary {
    pub path: PathBuf,
    pub sheets: Vec<SheetMeta>,
    /// Template columns nobody knows, left empty (`export tasks --template`).
    pub unknown_columns: Vec<String>,
}

/// What was written on one sheet (for the caller and the tests).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetMeta {
    pub name: String,
    /// Zero-based row of the table's header.
    pub header_row: u32,
    /// Data rows under the header.
    pub rows: u32,
    pub headers: Vec<String>,
    /// Widest cell written per column, in digit widths of the font (`report::sheet::text_width`).
    pub max_display: Vec<f64>,
    /// The widths set, per column.
    pub widths: Vec<f64>,
}

/// Writes the export `spec` of `office` to `path` (the report layer's `report::write_spec`),
/// reporting progress from 0.0 to 1.0.
pub type ExportWriter =
    fn(&Office, &ExportSpec, &Path, Lang, &dyn Fn(f64)) -> Result<ExportSummary, OfficeError>;

impl Office {
    /// Register the writer of exports (once; a second registration is ignored).
    pub fn set_export_writer(&self, writer: ExportWriter) {
        let _ = self.export_writer.set(writer);
    }

    /// The registered writer of exports, if any.
    pub fn export_writer(&self) -> Option<ExportWriter> {
        self.export_writer.get().copied()
    }
}
