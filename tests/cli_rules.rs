//! `shuangsui rules …` and `shuangsui calendar …` through the binary (issue 12, acceptance
//! 5): an edited Table 1 changes the next draw's quotas while old draws still verify under
//! their own rules; a broken file is refused naming its line and field, nothing changed; a
//! 2027 notice makes 2027 dates computable. Every command is a new process: the rules are
//! read from the store, not from the compiled-in file.

mod common;

use common::cli::{bin, draw_plan3_q3, json, ok};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::Path;

fn b1_quota(preview: &Value) -> u64 {
    preview["strata"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["row"] == "B-1")
        .expect("a B-1 stratum")["quota"]
        .as_u64()
        .unwrap()
}

/// Plan 3 for 2022Q4 on 2022-10-10, with `extra` arguments.
fn plan3_q4(db: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "draw",
        "--plan",
        "3",
        "--period",
        "2022Q4",
        "--date",
        "2022-10-10",
    ];
    args.extend(extra);
    ok(db, &args)
}

fn q4_preview(db: &Path) -> Value {
    serde_json::from_str(&plan3_q4(db, &["--dry-run", "--json"])).unwrap()
}

/// Task 1 of the plan-3 2022Q3 draw checked, with a result determined on 2022-09-30.
fn task1_with_a_result(db: &Path) {
    ok(db, &["task", "1", "check", "--date", "2022-07-20"]);
    let result = ["task", "1", "result", "--phrase", "1", "--determined"];
    ok(db, &[&result[..], &["2022-09-30"]].concat());
}

fn sha_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn an_edited_table_1_changes_the_next_draws_quota_and_old_draws_still_verify() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    draw_plan3_q3(&db, "20220705");
    let before = q4_preview(&db);
    let (pool, quota) = (
        before["strata"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["row"] == "B-1")
            .unwrap()["pool"]
            .as_u64()
            .unwrap(),
        b1_quota(&before),
    );
    assert_eq!(quota, (pool * 10).div_ceil(100), "10% of the pool");

    let file = dir.path().join("rules.toml");
    ok(&db, &["rules", "export", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    let v1 = sha_hex(text.as_bytes());
    let i = text.find("id = \"B-1\"").unwrap();
    let j = i + text[i..].find("ratio_min = 10\n").unwrap();
    let edited = format!("{}ratio_min = 20\n{}", &text[..j], &text[j + 15..]);
    std::fs::write(&file, &edited).unwrap();
    let said = ok(&db, &["rules", "import", file.to_str().unwrap()]);
    assert!(said.contains("v2") && said.contains("B-1"), "{said}");
    let backups: Vec<String> = std::fs::read_dir(dir.path().join("s.backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        backups.iter().any(|b| b.starts_with("pre-rules-")),
        "{backups:?}"
    );

    // The next draw (a new process) uses the stored rules: 20% of the same pool.
    let after = q4_preview(&db);
    assert_eq!(b1_quota(&after), (pool * 20).div_ceil(100));
    plan3_q4(&db, &["--witness", "20221010"]);
    let r1 = json(&db, &["draw", "record", "1"]);
    let r2 = json(&db, &["draw", "record", "2"]);
    assert_eq!(r1["rules_version"], format!("rules-sha256:{v1}"));
    assert_eq!(r1["rules_number"], 1);
    assert_eq!(
        r2["rules_version"],
        format!("rules-sha256:{}", sha_hex(edited.as_bytes()))
    );
    assert_eq!(r2["rules_number"], 2);
    let q = |r: &Value| {
        r["input"]["strata"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["row"] == "B-1")
            .unwrap()["quota"]
            .as_u64()
            .unwrap()
    };
    assert_eq!((q(&r1), q(&r2)), (quota, b1_quota(&after)));
    // Both draws verify, each under its own rules, and both versions stay on record.
    let v = ok(&db, &["verify"]);
    assert!(v.contains("校验通过") && v.contains("抽取均可重算"), "{v}");
    ok(&db, &["verify", "--draw", "1"]);
    ok(&db, &["verify", "--draw", "2"]);
    // The rules of draw 1 are still there, byte for byte.
    let old = dir.path().join("v1.toml");
    ok(
        &db,
        &["rules", "export", "--version", "1", old.to_str().unwrap()],
    );
    assert_eq!(std::fs::read_to_string(&old).unwrap(), text);
    let show = json(&db, &["rules", "show", "--json"]);
    assert_eq!(show["number"], 2);
    assert_eq!(show["versions"].as_array().unwrap().len(), 2);
}

#[test]
fn a_broken_rules_file_is_refused_naming_its_lines_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init"]);
    let file = dir.path().join("bad.toml");
    ok(&db, &["rules", "export", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    let bad = text
        .replacen("ratio_min = 5\n", "ratio_min = 500\n", 1)
        .replacen("condition = \"other\"", "condition = \"anything\"", 1);
    let line = |needle: &str| bad[..bad.find(needle).unwrap()].matches('\n').count() + 1;
    std::fs::write(&file, &bad).unwrap();
    let before = ok(&db, &["rules", "show", "--json"]);
    let audit_before = ok(&db, &["verify"]);
    for dry in [false, true] {
        let mut args = vec!["--lang", "en", "rules", "import", file.to_str().unwrap()];
        if dry {
            args.push("--dry-run");
        }
        let out = bin(&db).args(&args).output().unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("nothing was changed"), "{err}");
        assert!(
            err.contains(&format!(
                "bad.toml, line {}, field ratio_min",
                line("ratio_min = 500")
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!(
                "bad.toml, line {}, field condition",
                line("\"anything\"")
            )),
            "{err}"
        );
    }
    assert_eq!(ok(&db, &["rules", "show", "--json"]), before);
    assert_eq!(ok(&db, &["verify"]), audit_before);
}

#[test]
fn a_2027_notice_imported_makes_2027_dates_computable() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    draw_plan3_q3(&db, "20220705");
    task1_with_a_result(&db);
    // Before: the 2027 date is refused, and the message says how to add the year.
    let out = bin(&db)
        .args(["due", "--today", "2027-01-29"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("没有 2027 年") && err.contains("shuangsui calendar import"),
        "{err}"
    );

    let file = dir.path().join("calendar.toml");
    ok(&db, &["calendar", "export", file.to_str().unwrap()]);
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(
        "\n[years.2027]\nsource = \"测试用 2027 年通知\"\nholidays = [\"2027-01-01..2027-01-03\", \"2027-02-06..2027-02-12\"]\nworkdays = [\"2027-02-20\"]\n",
    );
    std::fs::write(&file, &text).unwrap();
    let dry = ok(
        &db,
        &["calendar", "import", "--dry-run", file.to_str().unwrap()],
    );
    assert!(dry.contains("+ 2027"), "{dry}");
    assert!(
        bin(&db)
            .args(["due", "--today", "2027-01-29"])
            .output()
            .unwrap()
            .status
            .code()
            != Some(0)
    );
    ok(&db, &["calendar", "import", file.to_str().unwrap()]);
    let due = json(&db, &["due", "--today", "2027-01-29", "--json"]);
    let item = &due.as_array().unwrap()[0];
    assert_eq!(item["due"], "2022-11-02");
    assert!(item["days_left"].as_i64().unwrap() < -1000, "{item}");
    let show = ok(&db, &["calendar", "show"]);
    assert!(
        show.contains("2027  测试用 2027 年通知") && show.contains("v2"),
        "{show}"
    );
}
