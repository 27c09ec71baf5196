//! From draw to publication through the real binary: task steps, then `status`, `progress`
//! and `due`, whose figures this test computes on its own from `list tasks --json` and what it
//! recorded (with its own table of the 2022 working days), never through the office's code.

mod common;

use chrono::{Datelike, NaiveDate, Weekday};
use common::cli::{bin, draw_plan3_q3, json, ok};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The command fails, says `needle` on stderr, and changes no task.
fn refused(db: &Path, args: &[&str], needle: &str) {
    let before = json(db, &["list", "tasks", "--json"]);
    let out = bin(db).args(args).output().unwrap();
    assert!(!out.status.success(), "{args:?} should fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(needle),
        "{args:?}: {err:?} should say {needle:?}"
    );
    assert_eq!(json(db, &["list", "tasks", "--json"]), before, "{args:?}");
}

/// The witness of the tests' one-sitting draws (fresh entropy: a chosen seed never commits).
const WITNESS: &str = "双色球2022078";

fn en<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["--lang", "en"];
    v.extend_from_slice(args);
    v
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// 2022 working days (国办发明电〔2021〕11号), written out here independently of the
/// calendar file.
fn working(day: NaiveDate) -> bool {
    assert_eq!(day.year(), 2022);
    let off = [
        ("2022-01-01", "2022-01-03"),
        ("2022-01-31", "2022-02-06"),
        ("2022-04-03", "2022-04-05"),
        ("2022-04-30", "2022-05-04"),
        ("2022-06-03", "2022-06-05"),
        ("2022-09-10", "2022-09-12"),
        ("2022-10-01", "2022-10-07"),
    ];
    let worked = [
        "2022-01-29",
        "2022-01-30",
        "2022-04-02",
        "2022-04-24",
        "2022-05-07",
        "2022-10-08",
        "2022-10-09",
    ];
    if worked.iter().any(|w| d(w) == day) {
        return true;
    }
    if off.iter().any(|(a, b)| d(a) <= day && day <= d(b)) {
        return false;
    }
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Working days after `from` up to and including `to`.
fn between(from: NaiveDate, to: NaiveDate) -> i64 {
    from.iter_days()
        .skip(1)
        .take_while(|x| *x <= to)
        .filter(|x| working(*x))
        .count() as i64
}

fn due_of(determined: NaiveDate) -> NaiveDate {
    let mut n = 0;
    let mut x = determined;
    while n < 20 {
        x = x.succ_opt().unwrap();
        if working(x) {
            n += 1;
        }
    }
    x
}

#[test]
fn from_draw_to_publication_figures_agree_with_an_independent_count() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    let draw_args = [
        "draw",
        "--plan",
        "3",
        "--period",
        "2022Q3",
        "--date",
        "2022-07-05",
    ];
    let mut dry = draw_args.to_vec();
    dry.extend(["--dry-run", "--json"]);
    let preview = json(&db, &dry);
    let mut real = draw_args.to_vec();
    real.extend(["--witness", WITNESS, "--json"]);
    let draw = json(&db, &real);
    let tasks = json(&db, &["list", "tasks", "--json"]);
    let tasks = tasks.as_array().unwrap().clone();
    assert_eq!(tasks.len(), draw["tasks"].as_array().unwrap().len());
    assert!(tasks.len() >= 8);
    let id = |i: usize| tasks[i]["id"].as_u64().unwrap().to_string();
    let (t0, t1, t2, t3, t4, t5) = (id(0), id(1), id(2), id(3), id(4), id(5));

    // Six tasks checked; five results.
    for t in [&t0, &t1, &t2, &t3, &t4, &t5] {
        ok(&db, &["task", t, "check", "--date", "2022-07-20"]);
    }
    let result = |t: &str, phrase: &str, day: &str| {
        ok(
            &db,
            &["task", t, "result", "--phrase", phrase, "--determined", day],
        )
    };
    // t0: on time, published on its due day (20 working days across National Day).
    let said = result(&t0, "1", "2022-09-30");
    assert!(said.contains("2022-11-02"), "{said}");
    ok(
        &db,
        &[
            "task",
            &t0,
            "publish",
            "--date",
            "2022-11-02",
            "--url",
            "http://www.kmyl.gov.cn/1",
        ],
    );
    // t1: a violation, rectified and filed; published late.
    result(&t1, "5", "2022-09-01");
    ok(&db, &["task", &t1, "publish", "--date", "2022-10-08"]);
    ok(
        &db,
        &[
            "task",
            &t1,
            "follow-up",
            "--handed",
            "2022-09-05",
            "--rectified",
            "2022-09-20",
            "--case",
            "宜环罚〔2022〕7号",
        ],
    );
    // t2: a violation transferred to the judiciary; never published: overdue.
    result(&t2, "8", "2022-09-01");
    ok(
        &db,
        &[
            "task",
            &t2,
            "follow-up",
            "--handed",
            "2022-09-02",
            "--judiciary",
            "2022-10-10",
        ],
    );
    // t3: pending on 12/01. t4: exempt. t5: checked only.
    result(&t3, "1", "2022-11-25");
    result(&t4, "1", "2022-08-01");
    ok(
        &db,
        &[
            "task",
            &t4,
            "exempt",
            "--reason",
            "涉及国家安全",
            "--approver",
            "张三",
            "--approved-on",
            "2022-08-02",
        ],
    );

    let today = d("2022-12-01");
    let listed = json(&db, &["list", "tasks", "--json"]);
    let listed = listed.as_array().unwrap();
    // list tasks --json shows the steps.
    let by_id: BTreeMap<String, &Value> = listed
        .iter()
        .map(|t| (t["id"].as_u64().unwrap().to_string(), t))
        .collect();
    assert_eq!(by_id[&t0]["check_date"], "2022-07-20");
    assert_eq!(by_id[&t0]["phrase"], 1);
    assert_eq!(by_id[&t0]["determined"], "2022-09-30");
    assert_eq!(by_id[&t0]["due"], "2022-11-02");
    assert_eq!(by_id[&t0]["published"], "2022-11-02");
    assert_eq!(by_id[&t4]["exempt"], true);
    assert_eq!(by_id[&t5]["phrase"], Value::Null);
    assert!(by_id[&id(6)]["check_date"].is_null());

    // status
    let s = json(
        &db,
        &[
            "status",
            "--period",
            "2022Q3",
            "--json",
            "--today",
            "2022-12-01",
        ],
    );
    assert_eq!(s["period"], "2022Q3");
    let checked_ids: BTreeSet<&String> = [&t0, &t1, &t2, &t3, &t4, &t5].into_iter().collect();
    let mut drawn: BTreeMap<String, usize> = BTreeMap::new();
    let mut checked: BTreeMap<String, usize> = BTreeMap::new();
    for t in listed {
        let row = t["row"].as_str().unwrap().to_string();
        *drawn.entry(row.clone()).or_default() += 1;
        if checked_ids.contains(&t["id"].as_u64().unwrap().to_string()) {
            *checked.entry(row).or_default() += 1;
        }
    }
    let quota: BTreeMap<String, u64> = preview["strata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["row"].as_str().unwrap().to_string(),
                // What the row's cycle owes; the quota spreads it over the cycle's quarters.
                s["owed"].as_u64().unwrap(),
            )
        })
        .collect();
    for r in s["rows"].as_array().unwrap() {
        let row = r["row"].as_str().unwrap();
        assert_eq!(
            r["drawn"],
            drawn.get(row).copied().unwrap_or(0),
            "row {row}"
        );
        assert_eq!(
            r["checked"],
            checked.get(row).copied().unwrap_or(0),
            "row {row}"
        );
        if let Some(q) = quota.get(row) {
            // Plan 3 is undirected with no chosen ratio: before the draw what its rows owed
            // was the requirement.
            assert_eq!(r["required"], *q, "row {row}");
        }
    }
    assert!(quota.keys().all(|k| s["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["row"] == k.as_str())));
    let joint = listed.iter().filter(|t| t["joint"] == "internal").count();
    assert_eq!(s["internal_joint"]["joint"], joint);
    assert_eq!(s["internal_joint"]["total"], listed.len());
    assert_eq!(s["internal_joint"]["min_percent"], 3);
    assert_eq!(s["internal_joint"]["met"], joint * 100 >= 3 * listed.len());
    assert_eq!(s["inter_department"]["draws"], 0);
    assert_eq!(s["inter_department"]["met"], false);
    assert_eq!(
        s["publication"],
        serde_json::json!({"on_time": 1, "late": 1, "pending": 1, "overdue": 1, "exempt": 1})
    );
    assert_eq!(
        s["violations"],
        serde_json::json!({"found": 2, "handed": 2, "rectified": 1, "filed": 1, "transferred": 1})
    );
    // The readable table says the same.
    let table = ok(
        &db,
        &[
            "--lang",
            "en",
            "status",
            "--period",
            "2022Q3",
            "--today",
            "2022-12-01",
        ],
    );
    assert!(
        table.contains("on time 1 · late 1 · pending 1 · overdue 1 · exempt 1"),
        "{table}"
    );

    // progress
    let p = json(
        &db,
        &[
            "progress",
            "--period",
            "2022Q3",
            "--json",
            "--today",
            "2022-12-01",
        ],
    );
    let p = p.as_array().unwrap();
    let with_result: BTreeSet<&String> = [&t0, &t1, &t2, &t3, &t4].into_iter().collect();
    let mut expect: BTreeMap<u64, (usize, usize, usize, usize, Vec<u64>)> = BTreeMap::new();
    for t in listed {
        let tid = t["id"].as_u64().unwrap();
        let key = tid.to_string();
        for m in t["team"].as_array().unwrap() {
            let e = expect.entry(m.as_u64().unwrap()).or_default();
            e.0 += 1;
            e.1 += usize::from(checked_ids.contains(&key));
            e.2 += usize::from(with_result.contains(&key));
            e.3 += usize::from(key == t2);
            e.4.push(tid);
        }
    }
    for (m, (assigned, chk, res, overdue, ids)) in &expect {
        let e = p
            .iter()
            .find(|e| e["inspector"] == *m)
            .unwrap_or_else(|| panic!("inspector {m} listed"));
        assert_eq!(e["assigned"], *assigned, "inspector {m}");
        assert_eq!(e["checked"], *chk, "inspector {m}");
        assert_eq!(e["result_recorded"], *res, "inspector {m}");
        assert_eq!(e["overdue"], *overdue, "inspector {m}");
        assert_eq!(e["year_inspections"], *chk, "inspector {m}");
        assert_eq!(e["tasks"], serde_json::json!(ids), "inspector {m}");
    }
    for e in p {
        if !expect.contains_key(&e["inspector"].as_u64().unwrap()) {
            assert_eq!(e["assigned"], 0);
            assert_eq!(e["tasks"], serde_json::json!([]));
        }
    }
    assert!(
        p.len() > expect.len(),
        "idle internal inspectors are listed too"
    );

    // due: t2 overdue first, then t3.
    let due = json(&db, &["due", "--json", "--today", "2022-12-01"]);
    let due = due.as_array().unwrap();
    assert_eq!(due.len(), 2);
    let (o, q) = (&due[0], &due[1]);
    assert_eq!(o["task"].as_u64().unwrap().to_string(), t2);
    assert_eq!(q["task"].as_u64().unwrap().to_string(), t3);
    let o_due = due_of(d("2022-09-01"));
    let q_due = due_of(d("2022-11-25"));
    assert_eq!(o_due, d("2022-09-30"));
    assert_eq!(o["due"], o_due.to_string());
    assert_eq!(o["overdue"], true);
    assert_eq!(o["days_left"], -between(o_due, today));
    assert_eq!(o["phrase"], "发现问题待处理");
    assert_eq!(o["target"], by_id[&t2]["target"]);
    assert_eq!(o["credit_code"], by_id[&t2]["credit_code"]);
    assert_eq!(q["due"], q_due.to_string());
    assert_eq!(q["overdue"], false);
    assert_eq!(q["days_left"], between(today, q_due));
    assert_eq!(q["determined"], "2022-11-25");
}

#[test]
fn out_of_order_steps_and_bad_input_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    draw_plan3_q3(&db, WITNESS);
    ok(&db, &["task", "1", "check", "--date", "2022-07-20"]);

    refused(
        &db,
        &en(&["task", "2", "publish", "--date", "2022-08-01"]),
        "task #2, publication: no result recorded yet",
    );
    refused(
        &db,
        &["task", "2", "publish", "--date", "2022-08-01"],
        "任务 #2（登记公示）：尚未登记检查结果",
    );
    refused(
        &db,
        &en(&["task", "1", "check", "--date", "2022-07-21"]),
        "task #1, check: already checked on 2022-07-20",
    );
    refused(
        &db,
        &en(&["task", "2", "check", "--date", "2022-02-30"]),
        "bad date (YYYY-MM-DD): 2022-02-30",
    );
    refused(
        &db,
        &en(&["task", "9999", "check", "--date", "2022-07-20"]),
        "task #9999, check: no such task",
    );
    refused(
        &db,
        &en(&[
            "task",
            "1",
            "result",
            "--phrase",
            "9",
            "--determined",
            "2022-08-01",
        ]),
        "result phrase 9 is invalid",
    );
    refused(
        &db,
        &en(&[
            "task",
            "1",
            "result",
            "--phrase",
            "1",
            "--determined",
            "2022-07-19",
        ]),
        "before the check date 2022-07-20",
    );
    refused(
        &db,
        &en(&[
            "task",
            "2",
            "check",
            "--date",
            "2022-07-20",
            "--method",
            "other",
        ]),
        "approval",
    );
    refused(
        &db,
        &en(&[
            "task",
            "2",
            "check",
            "--date",
            "2022-07-20",
            "--method",
            "bicycle",
        ]),
        "unknown method",
    );
    refused(&db, &en(&["status", "--period", "2022Q9"]), "2022Q9");
    // The "other" method with its approval, named in Chinese, is accepted.
    ok(
        &db,
        &[
            "task",
            "2",
            "check",
            "--date",
            "2022-07-20",
            "--method",
            "其他检查",
            "--approval",
            "宜环批〔2022〕3号",
        ],
    );
    let listed = json(&db, &["list", "tasks", "--json"]);
    assert_eq!(listed[1]["check_method"], "other");
}
