//! `shuangsui coverage` through the real binary (issue 18): the JSON fields of the README, the
//! text in both languages, a refused range; the coverage sheet of the quarterly workbook read
//! back with calamine.

mod common;

use common::cli::{bin, draw_plan3_q3, export_quarterly_q3, json, ok};
use serde_json::Value;

const WITNESS: &str = "双色球2022078";

fn demo_with_one_draw() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    draw_plan3_q3(&db, WITNESS);
    (dir, db)
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

#[test]
fn coverage_json_agrees_with_the_stored_draw() {
    let (_dir, db) = demo_with_one_draw();
    let c = json(
        &db,
        &["coverage", "--from", "2022", "--to", "2022", "--json"],
    );
    let draws = json(&db, &["list", "draws", "--json"]);
    let draw = &draws.as_array().unwrap()[0];
    let tasks = draw["tasks"].as_array().unwrap();
    assert_eq!(c["from"], 2022);
    assert_eq!(c["to"], 2022);
    assert_eq!(c["draws"], 1);
    // Per row: the quotas are the expected picks, and the draw met them.
    let quotas: Vec<(String, u64)> = draw["quotas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q[0].as_str().unwrap().to_string(), q[1].as_u64().unwrap()))
        .filter(|(_, k)| *k > 0)
        .collect();
    for (row, k) in &quotas {
        let r = c["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == row.as_str())
            .unwrap_or_else(|| panic!("row {row} in {:?}", c["rows"]));
        assert_eq!(r["observed"].as_u64().unwrap(), *k, "{row}");
        assert!((f(&r["expected"]) - *k as f64).abs() < 1e-9);
        assert!(!r["ratio"].as_str().unwrap().is_empty());
    }
    // Per target: one visit per task, and the expectations add up to the quotas.
    let targets = c["targets"].as_array().unwrap();
    let observed: u64 = targets
        .iter()
        .map(|t| t["observed"].as_u64().unwrap())
        .sum();
    assert_eq!(observed as usize, tasks.len());
    let expected: f64 = targets.iter().map(|t| f(&t["expected"])).sum();
    let quota_sum: u64 = quotas.iter().map(|(_, k)| k).sum();
    assert!((expected - quota_sum as f64).abs() < 1e-6);
    for t in tasks {
        let tc = targets.iter().find(|x| x["id"] == t["target"]).unwrap();
        assert_eq!(tc["observed"], 1);
        assert_eq!(tc["visits"][0]["draw"], draw["id"]);
        assert_eq!(tc["visits"][0]["period"], "2022Q3");
    }
    // Per inspector: the team places.
    let places: usize = tasks
        .iter()
        .map(|t| t["team"].as_array().unwrap().len())
        .sum();
    let inspectors = c["inspectors"].as_array().unwrap();
    let held: u64 = inspectors
        .iter()
        .map(|i| i["observed"].as_u64().unwrap())
        .sum();
    assert_eq!(held as usize, places);
    // The verdict: numbers and words.
    let fair = &c["fairness"];
    assert!(fair["p"].as_f64().is_some() && fair["df"].as_u64().is_some());
    assert!(fair["text"].as_str().unwrap().starts_with("2022 "));
    for key in [
        "never_drawn",
        "most_visited",
        "towns",
        "cells",
        "repeated_pairs",
        "row_tests",
    ] {
        assert!(c[key].is_array(), "{key}");
    }
    // Another year has nothing.
    let empty = json(
        &db,
        &["coverage", "--from", "2023", "--to", "2024", "--json"],
    );
    assert_eq!(empty["draws"], 0);
    assert_eq!(empty["targets"].as_array().unwrap().len(), 0);
}

#[test]
fn coverage_text_in_both_languages_and_a_refused_range() {
    let (_dir, db) = demo_with_one_draw();
    let zh = ok(&db, &["coverage", "--from", "2022", "--to", "2022"]);
    assert!(
        zh.starts_with("抽查覆盖情况 2022（计入抽取 1 次）\n"),
        "{zh}"
    );
    assert!(zh.contains("按乡镇："), "{zh}");
    assert!(zh.contains("检查人员"), "{zh}");
    let en = ok(
        &db,
        &["--lang", "en", "coverage", "--from", "2022", "--to", "2022"],
    );
    assert!(en.starts_with("Coverage 2022 (1 draws counted)\n"), "{en}");
    assert!(en.contains("By town:"), "{en}");
    let out = bin(&db)
        .args(["coverage", "--from", "2024", "--to", "2022"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2024–2022"), "{err}");
}

/// The quarterly workbook's coverage sheet: the verdict, rows, towns and inspectors of
/// `coverage --from 2020 --to 2022 --json`, and a chart on the sheet.
#[test]
fn quarterly_workbook_coverage_sheet_reads_back_as_the_json() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    use std::io::Read;
    let (dir, db) = demo_with_one_draw();
    let file = dir.path().join("q.xlsx");
    export_quarterly_q3(&db, &file);
    let c = json(
        &db,
        &["coverage", "--from", "2020", "--to", "2022", "--json"],
    );
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    let range = wb.worksheet_range("抽查覆盖").unwrap();
    let cell = |r: usize, col: usize| range.get((r, col)).cloned().unwrap_or(Data::Empty);
    let s = |d: Data| match d {
        Data::String(s) => s,
        other => panic!("not text: {other:?}"),
    };
    let n = |d: Data| match d {
        Data::Float(x) => x,
        other => panic!("not a number: {other:?}"),
    };
    // The title, the header row (row 2), the verdict first.
    assert!(s(cell(0, 0)).ends_with(" 2020–2022 双随机抽查覆盖情况（计入抽取 1 次）"));
    assert_eq!(s(cell(2, 0)), "分组");
    assert_eq!(s(cell(2, 8)), "z");
    assert_eq!(s(cell(3, 0)), "公平性检验");
    assert_eq!(s(cell(3, 1)), c["fairness"]["text"].as_str().unwrap());
    let mut r = 4;
    for (group, key) in [("按行", "rows"), ("按乡镇", "towns")] {
        for i in c[key].as_array().unwrap() {
            assert_eq!(s(cell(r, 0)), group);
            assert_eq!(s(cell(r, 1)), i["key"].as_str().unwrap());
            assert_eq!(n(cell(r, 3)), i["pool"].as_f64().unwrap());
            assert!((n(cell(r, 4)) - i["expected"].as_f64().unwrap()).abs() < 0.006);
            assert_eq!(n(cell(r, 5)), i["observed"].as_f64().unwrap());
            assert!((n(cell(r, 6)) - i["rate"].as_f64().unwrap()).abs() < 1e-9);
            r += 1;
        }
    }
    for i in c["inspectors"].as_array().unwrap() {
        assert_eq!(s(cell(r, 0)), "检查人员");
        assert_eq!(s(cell(r, 1)), i["name"].as_str().unwrap());
        assert_eq!(n(cell(r, 5)), i["observed"].as_f64().unwrap());
        r += 1;
    }
    assert_eq!(cell(r, 0), Data::Empty);
    // The chart: the coverage sheet (the last) has a drawing with a chart.
    let sheet_no = wb
        .sheet_names()
        .iter()
        .position(|n| n == "抽查覆盖")
        .unwrap()
        + 1;
    assert_eq!(sheet_no, wb.sheet_names().len());
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
    let mut rels = String::new();
    zip.by_name(&format!("xl/worksheets/_rels/sheet{sheet_no}.xml.rels"))
        .unwrap()
        .read_to_string(&mut rels)
        .unwrap();
    assert!(rels.contains("drawing"), "{rels}");
    let charts = (1..=20)
        .filter(|i| zip.by_name(&format!("xl/charts/chart{i}.xml")).is_ok())
        .count();
    assert!(charts >= 3, "{charts} charts");
}
