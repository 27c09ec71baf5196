//! Dates within reason and corrections on record (issue 20), through the real binary: a check
//! dated after today is refused; a wrong check date is corrected with `task N correct`, which
//! keeps the old value in its audit entry; the task can then go on.

mod common;

use common::cli::{bin, draw_plan3_q3, json, ok};

/// The witness of the tests' one-sitting draws (fresh entropy: a chosen seed never commits).
const WITNESS: &str = "双色球2022078";

#[test]
fn future_check_refused_and_wrong_date_corrected() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    draw_plan3_q3(&db, WITNESS);
    let before = json(&db, &["list", "tasks", "--json"]);
    let out = bin(&db)
        .args(["task", "1", "check", "--date", "2099-01-01"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("晚于今天"), "{err}");
    assert_eq!(
        json(&db, &["list", "tasks", "--json"]),
        before,
        "nothing changed"
    );

    ok(&db, &["task", "1", "check", "--date", "2022-09-30"]);
    let out = bin(&db)
        .args(["task", "1", "correct", "check", "--date", "2022-07-10"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "--reason is required");
    let said = ok(
        &db,
        &[
            "task",
            "1",
            "correct",
            "check",
            "--date",
            "2022-07-10",
            "--reason",
            "录入错误",
        ],
    );
    assert!(said.contains("已更正"), "{said}");
    let tasks = json(&db, &["list", "tasks", "--json"]);
    let t = tasks
        .as_array()
        .and_then(|a| a.iter().find(|t| t["id"] == 1))
        .cloned()
        .unwrap_or_default();
    assert_eq!(t["check_date"], "2022-07-10", "{t}");
    // The task goes on from the corrected date.
    ok(
        &db,
        &[
            "task",
            "1",
            "result",
            "--phrase",
            "1",
            "--determined",
            "2022-07-12",
        ],
    );
    let verified = ok(&db, &["verify"]);
    assert!(verified.contains("校验通过"), "{verified}");
}
