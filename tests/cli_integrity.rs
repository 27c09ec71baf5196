//! 廉政监督卡 and signatures in the quarterly workbook (issue 19, acceptance 5): the sheet
//! 廉政与签字 holds, per quarter and inspector, the same counts as an independent count from
//! `list tasks --json`.

mod common;

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::cli::{draw_plan3_q3, export_quarterly_q3, json, ok};
use std::collections::BTreeMap;

#[test]
fn integrity_cards_and_signatures_match_an_independent_count() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    draw_plan3_q3(&db, "双色球2022078");
    // Results on twelve tasks: signed or not (with the reason), card back or not.
    for t in 1..=12u32 {
        let id = t.to_string();
        ok(&db, &["task", &id, "check", "--date", "2022-07-08"]);
        let mut args = vec![
            "task",
            &id,
            "result",
            "--phrase",
            "1",
            "--determined",
            "2022-07-11",
        ];
        if t % 3 == 0 {
            args.extend(["--unsigned-reason", "法定代表人外出"]);
        }
        if t % 2 == 0 {
            args.push("--integrity-card");
        }
        ok(&db, &args);
    }
    // The independent count: per inspector of each team (all results are in 2022Q3).
    let tasks = json(&db, &["list", "tasks", "--json"]);
    let mut want: BTreeMap<u64, [u64; 4]> = BTreeMap::new();
    for t in tasks.as_array().unwrap() {
        if t["voided"].as_bool().unwrap() || t["signed"].is_null() {
            continue;
        }
        for p in t["team"].as_array().unwrap() {
            let e = want.entry(p.as_u64().unwrap()).or_default();
            e[0] += 1;
            e[1] += u64::from(t["integrity_card"] == true);
            e[2] += u64::from(t["signed"] == true);
            if t["signed"] == false {
                assert!(!t["unsigned_reason"].as_str().unwrap().is_empty());
                e[3] += 1;
            }
        }
    }
    assert!(want.values().any(|c| c[1] > 0 && c[3] > 0), "{want:?}");

    let file = dir.path().join("q.xlsx");
    export_quarterly_q3(&db, &file);
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    let range = wb.worksheet_range("廉政与签字").unwrap();
    let mut got: BTreeMap<u64, [u64; 4]> = BTreeMap::new();
    let num = |d: &Data| match d {
        Data::Float(f) => *f as u64,
        Data::Int(i) => *i as u64,
        other => panic!("not a number: {other:?}"),
    };
    let mut header_seen = false;
    for r in range.rows() {
        if !header_seen {
            header_seen = r.first().is_some_and(|c| *c == "季度");
            continue;
        }
        if r.iter().all(|c| c.to_string().is_empty()) {
            continue;
        }
        assert_eq!(r[0].to_string(), "2022Q3");
        got.insert(num(&r[1]), [num(&r[3]), num(&r[4]), num(&r[5]), num(&r[6])]);
    }
    assert_eq!(got, want);
}
