//! The draw's acceptance through the real binary: reproducible, verified, tamper-evident,
//! infeasible draws refused without writing.

mod common;

use common::cli::{bin, draw_plan3_q3, json, ok};
use sha2::{Digest, Sha256};
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
const WITNESS: &str = "双色球2022078";

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
                "--witness",
                WITNESS,
                "--json",
            ],
        );
        // Each stratum gets exactly its quota, and the quota is the ceiling of the ratio.
        let mut per_row: HashMap<String, usize> = HashMap::new();
        // New tasks and picks merged into a visit the quarter already had (issue 12).
        for t in d["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .chain(d["merges"].as_array().unwrap())
        {
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
    }
    // The year's share, merged visits (internal joint) included, from the stored tasks.
    let tasks = json(&db, &["list", "tasks", "--json"]);
    for t in tasks.as_array().unwrap() {
        total_tasks += 1;
        joint += usize::from(t["joint"] == "internal");
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
fn a_committed_draw_replays_from_its_seed_in_another_store() {
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
    ];
    let mut commit = args.to_vec();
    commit.extend(["--witness", WITNESS, "--json"]);
    let da = json(&a.path().join("s"), &commit);
    let seed = da["seed"].as_str().unwrap().to_string();
    // The seed comes from the sealed entropy and the witness: SHA-256(entropy || witness).
    let entropy = hex::decode(da["entropy"].as_str().unwrap()).unwrap();
    let mut h = Sha256::new();
    h.update(&entropy);
    h.update(WITNESS.as_bytes());
    assert_eq!(hex::encode(h.finalize()), seed);
    // The same seed on the same registries replays the same picks and teams, writing nothing.
    let mut replay = args.to_vec();
    replay.extend(["--seed", &seed, "--dry-run", "--json"]);
    let audit_b = bin(&b.path().join("s"))
        .arg("verify")
        .output()
        .unwrap()
        .stdout;
    let r = json(&b.path().join("s"), &replay);
    assert_eq!(r["replay"], true);
    assert_eq!(r["written"], false);
    assert_eq!(r["pool_hash"], da["pool_hash"]);
    let drawn: Vec<(u64, Vec<u64>)> = da["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["target"].as_u64().unwrap(), ids(&t["team"])))
        .collect();
    let replayed: Vec<(u64, Vec<u64>)> = r["outcome"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["target"].as_u64().unwrap(), ids(&t["team"])))
        .collect();
    assert_eq!(drawn, replayed);
    assert_eq!(
        audit_b,
        bin(&b.path().join("s"))
            .arg("verify")
            .output()
            .unwrap()
            .stdout,
        "a replay writes nothing"
    );
    assert_eq!(
        json(&b.path().join("s"), &["list", "draws", "--json"]),
        serde_json::json!([])
    );
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
    // Voiding keeps the record with its reason, who and when.
    bin(&a.path().join("s"))
        .args(["void", "1", "--reason", "计划录入错误"])
        .assert()
        .success();
    let draws = json(&a.path().join("s"), &["list", "draws", "--json"]);
    assert_eq!(draws[0]["voided"]["reason"], "计划录入错误");
    assert_eq!(draws[0]["state"], "voided");
    assert!(!draws[0]["voided"]["by"].as_str().unwrap().is_empty());
    assert!(!draws[0]["voided"]["time"].as_str().unwrap().is_empty());
    bin(&a.path().join("s")).arg("verify").assert().success();
}

fn ids(v: &serde_json::Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

#[test]
fn a_chosen_seed_never_commits() {
    let dir = demo();
    let db = dir.path().join("s");
    let audit = || bin(&db).arg("verify").output().unwrap().stdout;
    let before = audit();
    for lang in ["zh", "en"] {
        let out = bin(&db)
            .args([
                "--lang",
                lang,
                "draw",
                "--plan",
                "3",
                "--period",
                "2022Q3",
                "--date",
                "2022-07-05",
                "--seed",
                SEED,
            ])
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--dry-run"), "{err}");
    }
    assert_eq!(before, audit(), "nothing written");
    assert_eq!(
        json(&db, &["list", "draws", "--json"]),
        serde_json::json!([])
    );
    // Through the office (and so through the server): a request carrying a seed is refused.
    {
        let o = shuangsui::office::Office::open(&db, shuangsui::i18n::Lang::En).unwrap();
        let req = shuangsui::office::DrawRequest {
            plan: 3,
            period: "2022Q3".into(),
            seed: Some(SEED.into()),
            date: chrono::NaiveDate::from_ymd_opt(2022, 7, 5),
            ..Default::default()
        };
        let err = o
            .commit_draw(&req)
            .unwrap_err()
            .localize(shuangsui::i18n::Lang::En);
        assert!(err.contains("only replays"), "{err}");
        let err = o
            .announce_draw(&shuangsui::office::announce::AnnounceRequest {
                draw: req,
                ..Default::default()
            })
            .unwrap_err()
            .localize(shuangsui::i18n::Lang::En);
        assert!(err.contains("only replays"), "{err}");
        assert!(o.book().draws.is_empty() && o.book().announcements.is_empty());
    }
    assert_eq!(before, audit(), "nothing written");
    // Every way that does commit: one sitting, and announce then commit.
    draw_plan3_q3(&db, WITNESS);
    let a = json(
        &db,
        &[
            "draw",
            "announce",
            "--plan",
            "1",
            "--period",
            "2022Q3",
            "--date",
            "2022-07-05",
            "--source",
            "福彩3D 2022年第185期开奖号码",
            "--json",
        ],
    );
    assert_eq!(a["state"], "announced");
    assert!(a["entropy"].is_null(), "sealed until the draw");
    let n = a["announcement"].as_u64().unwrap().to_string();
    ok(&db, &["draw", "commit", &n, "--witness", "185"]);
    // No committed draw has a seed that was not derived from entropy committed in an earlier
    // audit entry.
    let draws = json(&db, &["list", "draws", "--json"]);
    let draws: Vec<&serde_json::Value> = draws
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["state"] == "committed")
        .collect();
    assert_eq!(draws.len(), 2);
    let store = shuangsui::store::Store::open(&db).unwrap();
    let log = store.audit_entries().unwrap();
    for d in draws {
        let entropy = hex::decode(d["entropy"].as_str().unwrap()).unwrap();
        let commitment = hex::encode(Sha256::digest(&entropy));
        assert_eq!(d["commitment"].as_str().unwrap(), commitment);
        let mut h = Sha256::new();
        h.update(&entropy);
        h.update(d["witness"].as_str().unwrap().as_bytes());
        assert_eq!(hex::encode(h.finalize()), d["seed"].as_str().unwrap());
        let drawn = log
            .iter()
            .find(|e| e.action == "draw" && e.summary.starts_with(&format!("抽取 #{} ", d["id"])))
            .expect("the draw's audit entry");
        let announced = log
            .iter()
            .find(|e| e.action == "draw announce" && e.summary.contains(&commitment))
            .expect("an announcement entry with the commitment");
        assert!(announced.seq < drawn.seq, "announced first");
        assert!(
            !announced.summary.contains(&hex::encode(&entropy)),
            "the announcement does not reveal the entropy"
        );
    }
}

#[test]
fn announce_then_commit_freezes_the_input_and_keeps_every_attempt() {
    let dir = demo();
    let db = dir.path().join("s");
    let announce = [
        "--lang",
        "en",
        "draw",
        "announce",
        "--plan",
        "3",
        "--period",
        "2022Q3",
        "--date",
        "2022-07-05",
        "--source",
        "福彩3D 2022年第185期开奖号码",
    ];
    let text = ok(&db, &announce);
    assert!(text.contains("commitment SHA-256(entropy)"), "{text}");
    assert!(text.contains("福彩3D 2022年第185期开奖号码"), "{text}");
    assert!(text.contains("draw commit 1 --witness"), "{text}");
    // A second announcement without a reason is refused and names the first.
    let out = bin(&db).args(announce).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("#1") && err.contains("--reason"), "{err}");
    // With a reason: the first becomes abandoned (who, when), the second names it.
    let mut again = announce.to_vec();
    again.extend(["--reason", "公告张贴有误，重新公告", "--json"]);
    let a2 = json(&db, &again);
    assert_eq!(a2["announcement"], 2);
    assert_eq!(a2["replaces"], 1);
    let list = json(&db, &["list", "draws", "--json"]);
    let first = list
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["announcement"] == 1)
        .unwrap();
    assert_eq!(first["state"], "abandoned");
    assert_eq!(first["successor"], 2);
    assert!(!first["by"].as_str().unwrap().is_empty());
    assert!(!first["at"].as_str().unwrap().is_empty());
    let preview = json(
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
            "--json",
        ],
    );
    assert_eq!(preview["pool_hash"], a2["input_hash"]);
    // The registries change after the announcement: one inspector leaves.
    {
        let o = shuangsui::office::Office::open(&db, shuangsui::i18n::Lang::En).unwrap();
        let id = o.announcement(2).unwrap().input.inspectors[0].id;
        o.set_inspector_status(
            id,
            shuangsui::domain::InspectorStatus::Left,
            chrono::NaiveDate::from_ymd_opt(2022, 7, 5).unwrap(),
            "调离",
        )
        .unwrap();
    }
    let preview_after = json(
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
            "--json",
        ],
    );
    assert_ne!(
        preview_after["pool_hash"], a2["input_hash"],
        "the registry did change"
    );
    let d = json(&db, &["draw", "commit", "2", "--witness", "185", "--json"]);
    assert_eq!(
        d["pool_hash"], a2["input_hash"],
        "drawn on the frozen input"
    );
    assert_eq!(d["announcement"], 2);
    assert_eq!(d["commitment"], a2["commitment"]);
    let entropy = hex::decode(d["entropy"].as_str().unwrap()).unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(&entropy)),
        a2["commitment"].as_str().unwrap()
    );
    // The announcement's audit entry came first and holds the commitment.
    let store = shuangsui::store::Store::open(&db).unwrap();
    let log = store.audit_entries().unwrap();
    drop(store);
    let ann = log
        .iter()
        .position(|e| e.action == "draw announce" && e.summary.starts_with("公告抽取 #2 "))
        .unwrap();
    let drawn = log.iter().position(|e| e.action == "draw").unwrap();
    assert!(ann < drawn);
    assert!(log[ann]
        .summary
        .contains(a2["commitment"].as_str().unwrap()));
    assert!(log[ann].summary.contains("福彩3D 2022年第185期开奖号码"));
    // Committing it again is refused.
    let out = bin(&db)
        .args(["draw", "commit", "2", "--witness", "186"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    bin(&db).arg("verify").assert().success();
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
            "--witness",
            WITNESS,
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
            "--witness",
            WITNESS,
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
            "--witness",
            WITNESS,
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
