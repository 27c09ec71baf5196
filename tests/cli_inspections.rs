//! Inspections outside the draw and a plan's exclusion window (issue 19, acceptance 2): a
//! target inspected by the city 20 days before a draw, under a plan that leaves out the last
//! 30 days, is in no pool; the preview counts it and says why; the draw record names it; the
//! store verifies; the inspection is no random draw (the Table 1 figures do not move).

mod common;

use common::cli::{bin, draw_plan3_q3, json, ok};
use serde_json::Value;

const WITNESS: &str = "双色球2022078";

fn pools(record: &Value) -> Vec<u64> {
    record["input"]["strata"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["pool"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_u64().unwrap())
        })
        .collect()
}

fn status(db: &std::path::Path) -> Value {
    json(
        db,
        &[
            "status",
            "--period",
            "2022Q3",
            "--today",
            "2022-07-05",
            "--json",
        ],
    )
}

#[test]
fn a_target_inspected_within_the_window_is_left_out_and_verify_passes() {
    // A target of plan 3's pools for 2022Q3 without any window.
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    ok(&first, &["init", "--demo"]);
    draw_plan3_q3(&first, WITNESS);
    let before = pools(&json(&first, &["draw", "record", "1"]));
    let t = before[0];

    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    let figures = status(&db);
    // A date after today is refused and records nothing.
    let out = bin(&db)
        .args([
            "inspection",
            "record",
            "--target",
            &t.to_string(),
            "--date",
            "2999-01-01",
            "--kind",
            "city",
            "--by",
            "市局",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("晚于今天"));
    assert_eq!(
        json(&db, &["list", "inspections", "--json"]),
        serde_json::json!([])
    );

    let out = ok(
        &db,
        &[
            "inspection",
            "record",
            "--target",
            &t.to_string(),
            "--date",
            "2022-06-15",
            "--kind",
            "city",
            "--items",
            "SX-02,SX-06",
            "--by",
            "昆明市生态环境局",
        ],
    );
    assert!(out.contains("不计入随机抽查"), "{out}");
    let listed = json(&db, &["list", "inspections", "--json"]);
    assert_eq!(listed[0]["target"], t);
    assert_eq!(listed[0]["items"], serde_json::json!(["SX-02", "SX-06"]));
    // Not a random draw: no task, and the Table 1 figures are as before.
    assert_eq!(status(&db), figures);
    assert!(json(&db, &["list", "tasks", "--json"])
        .as_array()
        .unwrap()
        .is_empty());

    ok(&db, &["plan", "window", "--plan", "3", "--days", "30"]);
    let preview = ok(
        &db,
        &[
            "draw",
            "--plan",
            "3",
            "--period",
            "2022Q3",
            "--date",
            "2022-07-05",
            "--dry-run",
        ],
    );
    assert!(
        preview
            .contains("排除 30 天内（2022-06-06 至 2022-07-05）已在随机抽查之外检查过的 1 个对象"),
        "{preview}"
    );
    assert!(
        preview.contains(&format!("  {t} 2022-06-15\t市局抽查")),
        "{preview}"
    );

    draw_plan3_q3(&db, WITNESS);
    let record = json(&db, &["draw", "record", "1"]);
    let after = pools(&record);
    assert!(!after.contains(&t), "target {t} is in a pool");
    let mut expect = before.clone();
    expect.retain(|&x| x != t);
    assert_eq!(after, expect, "only the inspected target is left out");
    assert_eq!(record["exclusion"]["days"], 30);
    assert_eq!(record["exclusion"]["excluded"][0]["target"], t);
    assert_eq!(record["exclusion"]["excluded"][0]["kind"], "city");
    ok(&db, &["verify"]);
}

#[test]
fn an_outsider_rebuilds_the_input_with_the_window_from_the_exports() {
    use common::rebuild::{export_all, python_ok, rebuilt};
    if !python_ok() {
        eprintln!("skipped: python3 3.11 or later (with tomllib) is not on this machine");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    for (t, d) in [
        ("1", "2022-06-15"),
        ("5", "2022-06-01"),
        ("40", "2022-07-05"),
    ] {
        ok(
            &db,
            &[
                "inspection",
                "record",
                "--target",
                t,
                "--date",
                d,
                "--kind",
                "complaint",
                "--by",
                "执法大队",
            ],
        );
    }
    ok(&db, &["plan", "window", "--plan", "3", "--days", "30"]);
    let a = json(
        &db,
        &[
            "draw",
            "announce",
            "--plan",
            "3",
            "--period",
            "2022Q3",
            "--date",
            "2022-07-05",
            "--json",
        ],
    );
    export_all(&db, dir.path());
    let inspections = dir.path().join("inspections.json");
    let args = [
        "--inspections",
        inspections.to_str().unwrap(),
        "--window",
        "30",
    ];
    let h = rebuilt(dir.path(), "3", "2022Q3", "2022-07-05", &args);
    assert_eq!(a["input_hash"].as_str(), Some(h.as_str()));
    // Without the window the script builds another input: the exclusion is part of it.
    assert_ne!(
        Some(rebuilt(dir.path(), "3", "2022Q3", "2022-07-05", &[]).as_str()),
        a["input_hash"].as_str()
    );
}
