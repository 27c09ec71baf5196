//! The inspection item list (抽查事项清单) from CSV or XLSX: the same header aliases, problems
//! as file:row:column and all-or-nothing rule as the registries.

use super::issue::{ImportErrors, Reason};
use super::schema::{f, req, Field};
use super::{from_bytes, run, ImportReport, Seen};
use crate::domain::item::{valid_code, InspectionItem};
use crate::domain::plan::{InspectionMethod, ItemClass, PlanError};
use crate::i18n::Lang;

/// The item list's columns. Indexes in [`it`].
pub static ITEM_FIELDS: [Field; 8] = [
    req("code", "事项编码", &["编码", "事项代码", "抽查事项编码"]),
    req(
        "name",
        "抽查事项",
        &["事项名称", "检查事项", "抽查事项名称"],
    ),
    f("category", "检查类别", &["类别"]),
    f("basis", "检查依据", &["依据", "法律依据", "设定依据"]),
    f("authority", "检查主体", &["实施主体", "检查部门"]),
    f("object", "检查对象", &["抽查对象"]),
    f("class", "事项类别", &["事项类型"]),
    f("method", "抽查方式", &["检查方式"]),
];

/// Indexes into [`ITEM_FIELDS`].
pub mod it {
    pub const CODE: usize = 0;
    pub const NAME: usize = 1;
    pub const CATEGORY: usize = 2;
    pub const BASIS: usize = 3;
    pub const AUTHORITY: usize = 4;
    pub const OBJECT: usize = 5;
    pub const CLASS: usize = 6;
    pub const METHOD: usize = 7;
}

pub fn read_items_bytes(
    name: &str,
    bytes: &[u8],
) -> Result<ImportReport<InspectionItem>, ImportErrors> {
    let table = from_bytes(name, bytes, &ITEM_FIELDS)?;
    let mut seen: Seen<String> = Seen::default();
    run(table, &ITEM_FIELDS, |cx| {
        let code = cx.required(it::CODE);
        if !code.is_empty() {
            if valid_code(&code) {
                cx.unique(it::CODE, &mut seen, code.clone(), || code.clone());
            } else {
                cx.error(
                    it::CODE,
                    Reason::Domain {
                        zh: format!("事项编码 {code:?} 格式不对：应为大写字母、连字符和数字，如 SX-05"),
                        en: format!(
                            "item code {code:?} has the wrong shape: capital letters, a dash and digits, e.g. SX-05"
                        ),
                    },
                );
            }
        }
        let name = cx.required(it::NAME);
        let class = cx.parse(
            it::CLASS,
            |s| or_empty(s, ItemClass::General, ItemClass::parse),
            |s| domain_word(PlanError::BadItemClass(s)),
            ItemClass::General,
        );
        let method = cx.parse(
            it::METHOD,
            |s| or_empty(s, InspectionMethod::OnSite, InspectionMethod::parse),
            |s| domain_word(PlanError::BadMethod(s)),
            InspectionMethod::OnSite,
        );
        Some(InspectionItem {
            id: 0,
            code,
            name,
            category: cx.text(it::CATEGORY),
            basis: cx.text(it::BASIS),
            authority: cx.text(it::AUTHORITY),
            object: cx.text(it::OBJECT),
            class,
            method,
        })
    })
}

/// `old` with the fields of `new` that the file supplies; and what changed (merge-not-blank,
/// as the registries: [`super::merge::Take`]).
pub fn merge_item(
    old: &InspectionItem,
    new: &InspectionItem,
    take: super::merge::Take,
) -> (InspectionItem, Vec<super::merge::FieldChange>) {
    super::merge::merge(old, new, take, ITEM_FIELDS.len(), item_text, take_item)
}

/// An item's field as text, for comparison and the preview (Chinese labels).
pub fn item_text(r: &InspectionItem, fi: usize) -> String {
    match fi {
        it::CODE => r.code.clone(),
        it::NAME => r.name.clone(),
        it::CATEGORY => r.category.clone(),
        it::BASIS => r.basis.clone(),
        it::AUTHORITY => r.authority.clone(),
        it::OBJECT => r.object.clone(),
        it::CLASS => r.class.label(Lang::Zh).to_string(),
        it::METHOD => r.method.label(Lang::Zh).to_string(),
        _ => String::new(),
    }
}

fn take_item(dst: &mut InspectionItem, src: &InspectionItem, fi: usize) {
    match fi {
        it::CODE => dst.code = src.code.clone(),
        it::NAME => dst.name = src.name.clone(),
        it::CATEGORY => dst.category = src.category.clone(),
        it::BASIS => dst.basis = src.basis.clone(),
        it::AUTHORITY => dst.authority = src.authority.clone(),
        it::OBJECT => dst.object = src.object.clone(),
        it::CLASS => dst.class = src.class,
        it::METHOD => dst.method = src.method,
        _ => {}
    }
}

/// `default` for an empty cell, else what `parse` reads.
fn or_empty<T>(s: &str, default: T, parse: fn(&str) -> Option<T>) -> Option<T> {
    if s.is_empty() {
        Some(default)
    } else {
        parse(s)
    }
}

fn domain_word(e: PlanError) -> Reason {
    Reason::Domain {
        zh: e.localize(Lang::Zh),
        en: e.localize(Lang::En),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_read_with_aliases_and_defaults() {
        let csv = "编码,事项名称,依据,事项类别\nSX-01,碳排放情况,《办法》第二十五条,重点\nSX-02,化学品,,\n";
        let r = read_items_bytes("items.csv", csv.as_bytes()).expect("reads");
        assert_eq!(r.records.len(), 2);
        let (row, first) = &r.records[0];
        assert_eq!(*row, 2);
        assert_eq!(first.code, "SX-01");
        assert_eq!(first.basis, "《办法》第二十五条");
        assert_eq!(first.class, ItemClass::Key);
        assert_eq!(r.records[1].1.class, ItemClass::General);
        assert_eq!(r.records[1].1.method, InspectionMethod::OnSite);
    }

    #[test]
    fn every_problem_names_file_row_and_column() {
        let csv = "事项编码,抽查事项,事项类别,抽查方式\nsx1,碳排放情况,重点,现场检查\nSX-02,,特别,上门\nSX-02,化学品,,\n";
        let e = read_items_bytes("items.csv", csv.as_bytes()).expect_err("refused");
        let text = e.localize(Lang::Zh);
        for want in [
            "items.csv:2:事项编码",
            "items.csv:3:抽查事项",
            "items.csv:3:事项类别",
            "items.csv:3:抽查方式",
            "items.csv:4:事项编码",
        ] {
            assert!(text.contains(want), "{want} in {text}");
        }
    }
}
