//! What the registry exports have in common: the registries and the cell words (headers by
//! the importer's fields, yes/no, months), shared by the workbook writers and the streamed
//! targets sheet (report::stream).

use crate::domain::MonthSet;
use crate::i18n::Lang;
use crate::import::schema::Field;

/// The registries `export registry` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, clap::ValueEnum)]
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

pub fn headers(fields: &[Field], lang: Lang) -> Vec<&'static str> {
    fields.iter().map(|f| lang.pick(f.zh, f.en)).collect()
}

pub fn yes_no(v: bool, lang: Lang) -> &'static str {
    match (v, lang) {
        (true, Lang::Zh) => "是",
        (false, Lang::Zh) => "否",
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
    }
}

pub fn months(m: MonthSet, lang: Lang) -> String {
    if m.is_seasonal() {
        m.to_text()
    } else {
        lang.pick("全年", "all").to_string()
    }
}
