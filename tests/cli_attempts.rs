//! Every attempt stays on record and in the figures (issue 13): a voided draw and an abandoned
//! announcement appear in `status` (text and `--json`) for their period, and in the quarterly
//! workbook (the summary's counts, the year's voids and the year's unused announcements),
//! read back with calamine. Another period has none.

mod common;

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::cli::{announce_plan3_q3, draw_plan3_q3, json, ok};

const VOID_REASON: &str = "抽取日期录入错误";

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

/// The rows of a sheet as text.
fn rows(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>, sheet: &str) -> Vec<Vec<String>> {
    let r = wb.worksheet_range(sheet).expect("the sheet");
    r.rows().map(|row| row.iter().map(text).collect()).collect()
}

#[test]
fn voided_draws_and_abandoned_announcements_are_in_status_and_the_quarterly_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    let q3 = ["--period", "2022Q3", "--today", "2022-09-30"];
    // Before: nothing to list.
    let s = json(&db, &[&["status", "--json"][..], &q3[..]].concat());
    for kind in ["voided", "abandoned", "infeasible"] {
        assert_eq!(s["attempts"][kind], serde_json::json!([]), "{kind}");
    }

    draw_plan3_q3(&db, "185"); // announcement 1, draw 1
    ok(&db, &["void", "1", "--reason", VOID_REASON]);
    announce_plan3_q3(&db, "2022-07-20", &["--reason", "原抽取已作废"]); // 2
    announce_plan3_q3(&db, "2022-07-20", &["--reason", "公告张贴有误"]); // 3; 2 abandoned

    let s = json(&db, &[&["status", "--json"][..], &q3[..]].concat());
    let a = &s["attempts"];
    assert_eq!(a["voided"].as_array().unwrap().len(), 1, "{a}");
    assert_eq!(a["voided"][0]["kind"], "voided");
    assert_eq!(a["voided"][0]["number"], 1);
    assert_eq!(a["voided"][0]["plan"], 3);
    assert_eq!(a["voided"][0]["period"], "2022Q3");
    assert_eq!(a["voided"][0]["detail"], VOID_REASON);
    assert!(!a["voided"][0]["by"].as_str().unwrap().is_empty());
    assert_eq!(a["abandoned"].as_array().unwrap().len(), 1, "{a}");
    assert_eq!(a["abandoned"][0]["number"], 2);
    assert_eq!(a["abandoned"][0]["detail"], "由公告 #3 取代");
    assert!(!a["abandoned"][0]["time"].as_str().unwrap().is_empty());
    assert_eq!(a["infeasible"], serde_json::json!([]));
    let printed = ok(&db, &[&["status"][..], &q3[..]].concat());
    assert!(
        printed.contains("抽取记录： 作废 1，放弃公告 1，无法抽取 0"),
        "{printed}"
    );
    assert!(printed.contains("作废 抽取 #1 计划 3 2022Q3"), "{printed}");
    assert!(printed.contains(VOID_REASON), "{printed}");
    assert!(
        printed.contains("放弃公告 公告 #2 计划 3 2022Q3"),
        "{printed}"
    );
    // Another period: none of them.
    let q4 = json(
        &db,
        &[
            "status",
            "--json",
            "--period",
            "2022Q4",
            "--today",
            "2022-12-30",
        ],
    );
    assert_eq!(q4["attempts"]["voided"], serde_json::json!([]));
    assert_eq!(q4["attempts"]["abandoned"], serde_json::json!([]));

    let file = dir.path().join("q3.xlsx");
    ok(
        &db,
        &[
            &["export", "quarterly"][..],
            &q3[..],
            &["-o", file.to_str().unwrap()][..],
        ]
        .concat(),
    );
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    let summary = rows(&mut wb, "汇总");
    let count = |label: &str| -> String {
        summary
            .iter()
            .find(|r| r.get(1).map(String::as_str) == Some(label))
            .and_then(|r| r.get(2).cloned())
            .unwrap_or_else(|| panic!("{label} missing"))
    };
    assert_eq!(count("作废的抽取"), "1");
    assert_eq!(count("放弃的公告"), "1");
    assert_eq!(count("无法抽取的公告"), "0");
    let voids = rows(&mut wb, "作废记录");
    assert!(
        voids
            .iter()
            .any(|r| r.first().map(String::as_str) == Some("1") && r.contains(&VOID_REASON.into())),
        "{voids:?}"
    );
    let unused = rows(&mut wb, "未成抽取");
    let listed: Vec<&Vec<String>> = unused
        .iter()
        .filter(|r| r.first().is_some_and(|c| c.parse::<u64>().is_ok()))
        .collect();
    assert_eq!(listed.len(), 1, "{unused:?}");
    assert_eq!(listed[0][0], "2");
    assert_eq!(listed[0][1], "放弃公告");
    assert_eq!(listed[0][3], "2022Q3");
    assert_eq!(listed[0][6], "由公告 #3 取代");
}
