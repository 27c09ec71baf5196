//! The draw's acceptance through the real binary: reproducible, verified, tamper-evident,
//! infeasible draws refused without writing.

mod common;

use common::cli::{bin, json};
use std::collections::{HashMap, HashSet};

fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    bin(&dir.path().join("s"))
        .args(["init", "--demo"])
        .assert()
        .success();
    dir
}

const SEED: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

#[test]
fn demo_quarterly_draw_meets_every_quota_and_three_percent() {
    let dir = demo();
    let db = dir.path().join("s");
    let mut total_tasks = 0usize;
    let mut joint = 0usize;
    let mut rows_drawn: HashSet<String> = HashSet::new();
    // The undirected plans of the demo year: radiation (R), other sources (C-4), the permit and
    // complaint rows (A-1, B-1, C-1, C-3), construction projects (P) and the lists of the
    // ministry, the inspections and the governments (A-2, A-3, B-2, B-3, C-2; internal joint).
    for id in ["1", "2", "3", "9", "4"] {
        let pv = json(
            &db,
            &[
                "draw",
                "--plan",
                id,
                "--period",
                "2022Q3",
                "--date",
                "2022-07-05",
                "--dry-run",
                "--json",
            ],
        );
        let d = json(
            &db,
            &[
                "draw",
                "--plan",
                id,
                "--period",
                "2022Q3",
                "--date",
                "2022-07-05",
                "--seed",
                SEED,
                "--json",
            ],
        );
        // Each stratum gets exactly its quota, and the quota is the ceiling of the ratio.
        let mut per_row: HashMap<String, usize> = HashMap::new();
        for t in d["tasks"].as_array().unwrap() {
            *per_row
                .entry(t["row"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        for s in pv["strata"].as_array().unwrap() {
            let row = s["row"].as_str().unwrap();
            let quota = s["quota"].as_u64().unwrap() as usize;
            assert_eq!(
                per_row.get(row).copied().unwrap_or(0),
                quota,
                "plan {id} row {row}"
            );
            assert!(quota <= s["pool"].as_u64().unwrap() as usize);
            if quota > 0 {
                rows_drawn.insert(row.to_string());
            }
        }
        let targets: HashSet<u64> = d["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["target"].as_u64().unwrap())
            .collect();
        assert_eq!(
            targets.len(),
            d["tasks"].as_array().unwrap().len(),
            "no target twice"
        );
        total_tasks += d["tasks"].as_array().unwrap().len();
        joint += d["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["joint"] == "internal")
            .count();
    }
    // Every county row of Table 1 (A-4 is the city's).
    for row in [
        "R", "C-4", "A-1", "B-1", "C-1", "C-3", "P", "A-2", "A-3", "B-2", "B-3", "C-2",
    ] {
        assert!(rows_drawn.contains(row), "row {row} drawn");
    }
    assert!(total_tasks > 40, "the demo year has draws: {total_tasks}");
    assert!(
        joint * 100 >= 3 * total_tasks,
        "internal joint {joint}/{total_tasks} below 3%"
    );
    bin(&db).arg("verify").assert().success();
}

#[test]
fn same_seed_and_store_give_the_same_draw() {
    let a = demo();
    let b = demo();
    let args = [
        "draw",
        "--plan",
        "3",
        "--period",
        "2022Q3",
        "--date",
        "2022-07-05",
        "--seed",
        SEED,
        "--json",
    ];
    let da = json(&a.path().join("s"), &args);
    let db_ = json(&b.path().join("s"), &args);
    assert_eq!(da["tasks"], db_["tasks"]);
    assert_eq!(da["pool_hash"], db_["pool_hash"]);
    assert_eq!(da["seed"], SEED);
    // A second draw for the same plan and period is refused: never redone.
    let out = bin(&a.path().join("s"))
        .args([
            "draw",
            "--plan",
            "3",
            "--period",
            "2022Q3",
            "--date",
            "2022-07-05",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("不能重抽"));
    // Voiding keeps the record with its reason.
    bin(&a.path().join("s"))
        .args(["void", "1", "--reason", "计划录入错误"])
        .assert()
        .success();
    let draws = json(&a.path().join("s"), &["list", "draws", "--json"]);
    assert_eq!(draws[0]["voided"]["reason"], "计划录入错误");
    bin(&a.path().join("s")).arg("verify").assert().success();
}

#[test]
fn tampering_with_a_stored_draw_is_named() {
    let dir = demo();
    let db = dir.path().join("s");
    json(
        &db,
        &[
            "draw",
            "--plan",
            "3",
            "--period",
            "2022Q3",
            "--date",
            "2022-07-05",
            "--seed",
            SEED,
            "--json",
        ],
    );
    bin(&db).args(["verify", "--draw", "1"]).assert().success();
    // Rewrite the draw record behind the application's back: swap the first pick for another
    // target of the pool.
    {
        let store = shuangsui::store::Store::open(&db).unwrap();
        let key = 1u64.to_be_bytes();
        let raw = store
            .get(shuangsui::store::TreeName::Draws, &key)
            .unwrap()
            .unwrap();
        let mut d: shuangsui::office::DrawRecord = shuangsui::store::codec::decode(&raw).unwrap();
        let s = d
            .input
            .strata
            .iter()
            .position(|s| s.quota > 0 && s.quota < s.pool.len())
            .unwrap();
        let picked = d.outcome.picks[s].1[0];
        let other = *d.input.strata[s]
            .pool
            .iter()
            .find(|x| !d.outcome.picks[s].1.contains(x))
            .unwrap();
        assert_ne!(picked, other);
        d.outcome.picks[s].1[0] = other;
        let bytes = shuangsui::store::codec::encode(&d).unwrap();
        store.tamper_raw("draws", &key, &bytes).unwrap();
    }
    let out = bin(&db).args(["verify", "--draw", "1"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("#1"), "{err}");
    // Plain verify finds it first as a record changed behind the audit log's back, naming it.
    let out = bin(&db).arg("verify").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("draws/1"), "{err}");
}

#[test]
fn infeasible_draw_says_why_and_writes_nothing() {
    let dir = demo();
    let db = dir.path().join("s");
    let before = bin(&db)
        .args(["list", "tasks", "--json"])
        .output()
        .unwrap()
        .stdout;
    let audit_before = bin(&db).arg("verify").output().unwrap().stdout;
    // No inspector of the bureau has expertise "无人具备": no team can be formed.
    let out = bin(&db)
        .args([
            "draw",
            "--plan",
            "3",
            "--period",
            "2022Q3",
            "--date",
            "2022-07-05",
            "--inspectors",
            "专长=无人具备",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("持证") || err.contains("检查人员"), "{err}");
    let after = bin(&db)
        .args(["list", "tasks", "--json"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(before, after);
    assert_eq!(
        audit_before,
        bin(&db).arg("verify").output().unwrap().stdout
    );
}

/// `draw --period` without `--plan` draws every plan due in the period; a plan drawn outside
/// its months is refused and writes nothing (issue 12).
#[test]
fn period_draw_covers_the_plans_due_and_refuses_a_plan_outside_its_months() {
    let dir = demo();
    let db = dir.path().join("s");
    // Plan 12 (2022年6月—8月) in 2022Q1: refused, naming its months; nothing is written.
    let draws_before = json(&db, &["list", "draws", "--json"]);
    let verify_before = bin(&db).arg("verify").output().unwrap().stdout;
    let out = bin(&db)
        .args([
            "--lang",
            "en",
            "draw",
            "--plan",
            "12",
            "--period",
            "2022Q1",
            "--date",
            "2022-01-05",
            "--seed",
            SEED,
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is due only in months 6–8"), "{err}");
    assert_eq!(json(&db, &["list", "draws", "--json"]), draws_before);
    assert_eq!(
        bin(&db).arg("verify").output().unwrap().stdout,
        verify_before
    );

    let drawn = json(
        &db,
        &[
            "draw",
            "--period",
            "2022Q1",
            "--date",
            "2022-01-05",
            "--seed",
            SEED,
            "--json",
        ],
    );
    let plans: Vec<u64> = drawn
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["plan"].as_u64())
        .collect();
    // The plans whose months overlap 2022Q1: 1, 2, 3, 4, 5, 7 (March), 9, 10; not 6, 8, 11, 12.
    // The routine ones first, then the directed ones (5, 7).
    assert_eq!(plans, [1, 2, 3, 4, 9, 10, 5, 7]);
    for d in drawn.as_array().unwrap() {
        if d.get("refused").is_none() {
            assert!(!d["tasks"].as_array().unwrap().is_empty(), "{d}");
        }
    }
    // No target has two tasks in the quarter.
    let tasks = json(&db, &["list", "tasks", "--json"]);
    let mut seen = HashSet::new();
    for t in tasks.as_array().unwrap() {
        assert!(seen.insert(t["target"].as_u64().unwrap()), "{t}");
    }
}
