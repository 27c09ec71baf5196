//! The inspection item list (抽查事项清单, issue 19, acceptance 1) through the binary: seeded at
//! `init`, listed, exported and re-imported unchanged in both languages, a plan naming an
//! unknown item refused with its row, and the items named by tasks and the draw record.

mod common;

use common::cli::{bin, draw_plan3_q3, json, ok};

#[test]
fn init_seeds_the_ten_items_and_an_export_reimports_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init"]);
    let items = json(&db, &["list", "items", "--json"]);
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 10);
    assert_eq!(items[4]["code"], "SX-05");
    assert_eq!(items[4]["name"], "辐射安全项目管理情况");
    assert!(items[4]["revision"].as_u64().unwrap() > 0, "audited");
    let text = ok(&db, &["list", "items"]);
    assert!(
        text.contains("SX-10\t环境安全隐患情况\t一般检查事项"),
        "{text}"
    );
    for lang in ["zh", "en"] {
        let file = dir.path().join(format!("items-{lang}.xlsx"));
        let f = file.to_str().unwrap();
        ok(
            &db,
            &["--lang", lang, "export", "registry", "items", "-o", f],
        );
        let out = ok(&db, &["--lang", "en", "import", "items", f]);
        assert!(out.contains("added 0, updated 0"), "{lang}: {out}");
    }
    ok(&db, &["verify"]);
}

/// The demo plan with plan 3's 抽查事项 naming `codes`.
fn plan_csv(codes: &str) -> String {
    let plan = String::from_utf8(std::fs::read("fixtures/plan-2022.csv").unwrap()).unwrap();
    plan.replace(
        "对排污单位污染防治设施运行情况的检查（SX-02）,",
        &format!("对排污单位污染防治设施运行情况的检查（{codes}）,"),
    )
}

#[test]
fn plans_name_items_by_code_and_tasks_and_the_draw_record_name_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    let file = dir.path().join("plan.csv");

    std::fs::write(&file, plan_csv("SX-02、SX-77")).unwrap();
    let before = ok(&db, &["list", "plans", "--json"]);
    let out = bin(&db)
        .args(["import", "plans", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("plan.csv:4:抽查事项"), "{err}");
    assert!(err.contains("SX-77"), "{err}");
    assert_eq!(ok(&db, &["list", "plans", "--json"]), before);

    std::fs::write(&file, plan_csv("SX-02")).unwrap();
    ok(&db, &["import", "plans", file.to_str().unwrap()]);
    draw_plan3_q3(&db, "双色球2022078");
    let tasks = json(&db, &["list", "tasks", "--json"]);
    let tasks = tasks.as_array().unwrap();
    assert!(!tasks.is_empty());
    for t in tasks {
        assert_eq!(t["items"][0]["codes"], serde_json::json!(["SX-02"]), "{t}");
    }
    let record = json(&db, &["draw", "record", "1"]);
    assert_eq!(record["items"][0]["code"], "SX-02");
    assert_eq!(record["items"][0]["name"], "污染防治设施运行情况");
    ok(&db, &["verify"]);
}
