//! Violations followed to the end (issue 19, acceptance 3) through the binary: a violation
//! with a due date in the past is in `due --rectifications` and in the quarterly workbook;
//! reporting rectification makes the re-inspection visit; a hand-over records the department.

mod common;

use calamine::{open_workbook, Reader, Xlsx};
use common::cli::{bin, draw_plan3_q3, export_quarterly_q3, json, ok};

#[test]
fn an_overdue_rectification_is_listed_then_followed_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    draw_plan3_q3(&db, "双色球2022078");
    for (t, phrase) in [("1", "8"), ("2", "5"), ("3", "1")] {
        ok(&db, &["task", t, "check", "--date", "2022-07-08"]);
        ok(
            &db,
            &[
                "task",
                t,
                "result",
                "--phrase",
                phrase,
                "--determined",
                "2022-07-11",
            ],
        );
    }
    let v = [
        "violation",
        "1",
        "--date",
        "2022-07-12",
        "--state",
        "整改中",
        "--due",
        "2022-08-01",
    ];
    ok(&db, &v);

    let out = ok(&db, &["due", "--rectifications", "--today", "2022-09-30"]);
    assert!(out.contains("整改逾期 1 项"), "{out}");
    assert!(out.contains("#1\t") && out.contains("逾期 60 天"), "{out}");
    let listed = json(
        &db,
        &["due", "--rectifications", "--today", "2022-09-30", "--json"],
    );
    assert_eq!(listed[0]["task"], 1);
    assert_eq!(listed[0]["state"], "rectifying");
    // Not overdue on its due day.
    let on_due = json(
        &db,
        &["due", "--rectifications", "--today", "2022-08-01", "--json"],
    );
    assert_eq!(on_due, serde_json::json!([]));

    // The quarterly workbook has the sheet with that row.
    let file = dir.path().join("q.xlsx");
    export_quarterly_q3(&db, &file);
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    let range = wb.worksheet_range("整改逾期").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(
        rows.iter().any(
            |r| r.first().map(String::as_str) == Some("1") && r.contains(&"整改中".to_string())
        ),
        "{rows:?}"
    );

    // A hand-over needs the department, and records it; a refusal changes nothing.
    let before = ok(&db, &["list", "violations", "--json"]);
    let out = bin(&db)
        .args([
            "violation",
            "2",
            "--date",
            "2022-07-13",
            "--state",
            "已移交",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--department"));
    assert_eq!(ok(&db, &["list", "violations", "--json"]), before);
    let out = ok(
        &db,
        &[
            "violation",
            "2",
            "--date",
            "2022-07-13",
            "--state",
            "已移交",
            "--department",
            "SCJG",
        ],
    );
    assert!(out.contains("移交"), "{out}");
    // A task that found no problem has no violation.
    let out = bin(&db)
        .args([
            "violation",
            "3",
            "--date",
            "2022-07-13",
            "--state",
            "整改中",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());

    // Rectification reported: the re-inspection visit, counted apart from the draws.
    let out = ok(
        &db,
        &[
            "violation",
            "1",
            "--date",
            "2022-08-05",
            "--state",
            "已整改",
        ],
    );
    assert!(out.contains("复查任务 R1"), "{out}");
    let all = json(&db, &["list", "violations", "--json"]);
    let v1 = all["violations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["task"] == 1)
        .unwrap();
    assert_eq!(v1["state"], "rectified");
    assert_eq!(v1["history"].as_array().unwrap().len(), 2);
    let v2 = all["violations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["task"] == 2)
        .unwrap();
    assert_eq!(v2["state"], "handed_over");
    assert!(!v2["handed_to"].as_str().unwrap().is_empty());
    assert_eq!(all["reinspections"][0]["task"], 1);
    assert_eq!(all["reinspections"][0]["reported"], "2022-08-05");
    assert_eq!(
        json(
            &db,
            &["due", "--rectifications", "--today", "2022-09-30", "--json"]
        ),
        serde_json::json!([])
    );
    // Not a task: the draws' tasks are as many as before.
    assert_eq!(
        json(&db, &["list", "tasks", "--json"])
            .as_array()
            .unwrap()
            .len(),
        40
    );
    ok(&db, &["verify"]);
}
