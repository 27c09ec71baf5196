//! A store written by the first release (record format 1) opens, verifies and goes on working
//! in this build (format 3). The fixture `fixtures/store-format-1.bak` is the backup the
//! first-release binary (commit 6c3c3fc) wrote of: `init --demo`; plan 3 drawn for 2022Q3 at one
//! sitting (40 tasks); task 1 checked on 2022-07-20; plan 1 announced for 2022Q3, not committed.

mod common;
use common::cli::{json, ok};
use std::path::PathBuf;

fn restored() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store");
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/store-format-1.bak");
    ok(&db, &["--lang", "en", "restore", fixture]);
    (dir, db)
}

#[test]
fn a_format_1_store_restores_verifies_and_reads_as_it_was() {
    let (_dir, db) = restored();
    let out = ok(&db, &["--lang", "en", "verify"]);
    assert!(out.contains("every draw recomputes"), "{out}");

    let tasks = json(&db, &["list", "tasks", "--json"]);
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), 40);
    assert_eq!(tasks[0]["check_date"], "2022-07-20");
    assert!(tasks[1]["check_date"].is_null());
    // A first-release task merged nothing: its items are its own plan's.
    assert!(tasks
        .iter()
        .all(|t| t["items"].as_array().is_some_and(|i| i.len() == 1)));

    let record = json(&db, &["draw", "record", "1"]);
    assert_eq!(record["algorithm"], "shuangsui-sampler-1+shuangsui-draw-1");
    assert_eq!(record["tasks"].as_array().unwrap().len(), 40);
    assert!(record["outcome"]["merges"].as_array().unwrap().is_empty());
}

#[test]
fn a_format_1_store_goes_on_a_committed_announcement_a_step_and_a_new_draw() {
    let (_dir, db) = restored();
    // The first release's announcement commits under the algorithm it was announced with.
    ok(
        &db,
        &[
            "--lang",
            "en",
            "draw",
            "commit",
            "2",
            "--witness",
            "上证指数 3300.01",
        ],
    );
    let record = json(&db, &["draw", "record", "2"]);
    assert_eq!(record["algorithm"], "shuangsui-sampler-1+shuangsui-draw-1");
    // A step on a first-release task is written in today's format and reads back.
    ok(
        &db,
        &["--lang", "en", "task", "2", "check", "--date", "2022-07-21"],
    );
    let tasks = json(&db, &["list", "tasks", "--json"]);
    let t2 = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == 2)
        .unwrap()
        .clone();
    assert_eq!(t2["check_date"], "2022-07-21");
    // A new draw of this build beside the old ones.
    ok(
        &db,
        &[
            "--lang",
            "en",
            "draw",
            "--plan",
            "4",
            "--period",
            "2022Q3",
            "--date",
            "2022-07-08",
            "--witness",
            "上证指数 3301.02",
        ],
    );
    let out = ok(&db, &["--lang", "en", "verify"]);
    assert!(out.contains("every draw recomputes"), "{out}");
}

/// `fixtures/store-format-2.bak`: the backup the format-2 binary (commit ef3b241, before the
/// pools were delta-coded) wrote of: `init --demo`; plan 3 drawn for 2022Q3 at one sitting
/// (date 2022-07-05, witness "福彩3D 2022185 123"; 40 tasks); task 1 checked on 2022-07-20;
/// plan 1 announced for 2022Q3 (date 2022-07-06), not committed. Its draw record and
/// announcement hold plain pools; they read, verify and commit beside the delta-coded ones.
#[test]
fn a_format_2_store_with_plain_pools_verifies_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store");
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/store-format-2.bak");
    ok(&db, &["--lang", "en", "restore", fixture]);
    let out = ok(&db, &["--lang", "en", "verify"]);
    assert!(out.contains("every draw recomputes"), "{out}");
    let record = json(&db, &["draw", "record", "1"]);
    assert_eq!(record["tasks"].as_array().unwrap().len(), 40);
    let pools: Vec<&serde_json::Value> = record["input"]["strata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["pool"])
        .collect();
    assert!(pools
        .iter()
        .any(|p| p.as_array().is_some_and(|p| !p.is_empty())));
    // Plain ids in JSON, ascending, as the format-2 record held them.
    for p in &pools {
        let ids: Vec<u64> = p
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    }
    // The format-2 announcement (plain pool) commits, written now with a delta-coded pool;
    // both draws verify and re-check.
    ok(
        &db,
        &[
            "--lang",
            "en",
            "draw",
            "commit",
            "2",
            "--witness",
            "上证指数 3300.01",
        ],
    );
    let out = ok(&db, &["--lang", "en", "verify"]);
    assert!(out.contains("every draw recomputes"), "{out}");
    let second = json(&db, &["draw", "record", "2"]);
    assert_eq!(second["input_hash"], second["announcement"]["input_hash"]);
    assert!(second["input"]["strata"].as_array().unwrap()[0]["pool"].is_array());
}
