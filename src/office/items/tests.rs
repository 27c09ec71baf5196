//! The item list through the office (issue 19, acceptance 1).

use super::super::{ImportKind, Office};
use crate::i18n::Lang;

const PLAN_HEAD: &str = "序号,抽查计划名称,检查类别,抽查事项,检查对象,事项类别,抽查方式,抽查日期\n";

#[test]
fn the_demo_starts_with_the_ten_items_audited_once() {
    let (o, _dir) = Office::open_demo(Lang::Zh).unwrap();
    let st = o.state();
    assert_eq!(st.items.len(), 10);
    assert_eq!(
        st.item_by_code("SX-05").unwrap().name,
        "辐射安全项目管理情况"
    );
    let seeded = o
        .audit_tail(o.audit_len())
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "seed items")
        .count();
    assert_eq!(seeded, 1);
    // A second seed changes nothing.
    let before = o.audit_len();
    assert_eq!(o.seed_items().unwrap(), None);
    assert_eq!(o.audit_len(), before);
}

#[test]
fn an_import_merges_by_code_and_a_blank_cell_keeps_the_value() {
    let (o, _dir) = Office::open_demo(Lang::Zh).unwrap();
    let csv = "事项编码,抽查事项,检查依据\nSX-05,辐射安全项目管理情况,\nSX-11,噪声污染防治情况,《噪声污染防治法》第二十九条\n";
    let before = o.audit_len();
    let out = o
        .import_bytes(ImportKind::Items, "items.csv", csv.as_bytes(), false)
        .unwrap();
    assert_eq!((out.added, out.updated, out.unchanged), (1, 0, 1));
    assert_eq!(o.audit_len(), before + 1);
    let st = o.state();
    assert_eq!(st.items.len(), 11);
    assert_eq!(st.items[10].id, 11);
    assert!(st.item_by_code("SX-05").unwrap().basis.contains("放射性"));
    // The tree holds what memory holds: reopening finds the same list.
    let path = o.store_path();
    drop(st);
    drop(o);
    let o = Office::open(&path, Lang::Zh).unwrap();
    assert_eq!(o.state().items.len(), 11);
    assert!(o.verify().unwrap().problem.is_none());
}

#[test]
fn a_plan_naming_an_unknown_item_is_refused_naming_the_row_and_nothing_changes() {
    let (o, _dir) = Office::open_demo(Lang::Zh).unwrap();
    let csv = format!(
        "{PLAN_HEAD}21,辐射计划,放射性污染防治监督检查,辐射安全（SX-05）,核技术利用单位,重点检查事项,现场检查,2022年1月—12月\n\
         22,噪声计划,噪声监督检查,噪声（SX-99；SX-05）,排污单位,一般检查事项,现场检查,2022年1月—12月\n"
    );
    let plans = o.book().plans.len();
    let before = o.audit_len();
    let err = o
        .import_bytes(ImportKind::Plans, "plans.csv", csv.as_bytes(), false)
        .unwrap_err();
    let text = err.localize(Lang::Zh);
    assert!(text.contains("plans.csv:3:抽查事项"), "{text}");
    assert!(text.contains("SX-99"), "{text}");
    assert!(!text.contains("plans.csv:2"), "{text}");
    assert_eq!(o.book().plans.len(), plans);
    assert_eq!(o.audit_len(), before);
    // Known codes import, and the plan names them.
    let ok = csv.replace("SX-99；", "");
    o.import_bytes(ImportKind::Plans, "plans.csv", ok.as_bytes(), false)
        .unwrap();
    let book = o.book();
    let p = book.plans.iter().find(|p| p.seq == 22).unwrap();
    assert_eq!(super::plan_item_codes(p), ["SX-05"]);
    assert_eq!(
        o.state().items_label(&super::plan_item_codes(p)),
        "SX-05 辐射安全项目管理情况"
    );
}
