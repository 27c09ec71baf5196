//! `export announcement N` and the sheets `export draw N` adds for the announced draw: the
//! commitment, the source, the frozen pool and the inspectors the engine knew.

mod common;

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::cli::{json, ok};

fn sheet(path: &std::path::Path, name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let r = wb.worksheet_range(name).unwrap();
    r.rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn names(path: &std::path::Path) -> Vec<String> {
    let wb: Xlsx<_> = open_workbook(path).unwrap();
    wb.sheet_names().to_vec()
}

#[test]
fn the_announcement_and_the_draw_workbooks_carry_the_commitment_pool_and_inspectors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
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
            "--source",
            "福彩3D 2022年第185期开奖号码",
            "--json",
        ],
    );
    let commitment = a["commitment"].as_str().unwrap().to_string();
    let file = dir.path().join("a.xlsx");
    ok(
        &db,
        &["export", "announcement", "1", "-o", file.to_str().unwrap()],
    );
    assert_eq!(names(&file), ["抽取公告", "抽取池", "检查人员"]);
    let first = sheet(&file, "抽取公告");
    let has = |rows: &[Vec<String>], label: &str, value: &str| {
        rows.iter()
            .any(|r| r.first().is_some_and(|c| c == label) && r.iter().any(|c| c == value))
    };
    assert!(
        has(&first, "承诺 SHA-256(随机数)", &commitment),
        "{first:?}"
    );
    assert!(has(&first, "见证号码来源", "福彩3D 2022年第185期开奖号码"));
    assert!(has(&first, "输入哈希", a["input_hash"].as_str().unwrap()));
    assert!(
        !first
            .iter()
            .flatten()
            .any(|c| c.contains("随机数（已公开）")),
        "the entropy stays sealed"
    );
    let d = json(&db, &["draw", "commit", "1", "--witness", "185", "--json"]);
    let record = json(&db, &["draw", "record", "1"]);
    let pool: usize = record["input"]["strata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["pool"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        sheet(&file, "抽取池").len(),
        pool + 3,
        "title, date made, header and the pool"
    );
    let inspectors = record["input"]["inspectors"].as_array().unwrap();
    let rows = sheet(&file, "检查人员");
    assert_eq!(
        rows.len(),
        inspectors.len() + 3,
        "title, blank, header, inspectors"
    );
    assert_eq!(
        rows[3][0],
        inspectors[0]["id"].as_u64().unwrap().to_string()
    );
    // The draw's workbook: the announcement line, the words consumed, the inspectors sheet.
    let file = dir.path().join("d.xlsx");
    ok(&db, &["export", "draw", "1", "-o", file.to_str().unwrap()]);
    assert_eq!(names(&file), ["抽查结果", "抽取池", "检查人员"]);
    let first = sheet(&file, "抽查结果");
    assert!(first
        .iter()
        .any(|r| r[0] == "抽取公告" && r.iter().any(|c| c.contains(&commitment))));
    let words = record["outcome"]["words_consumed"]
        .as_u64()
        .unwrap()
        .to_string();
    assert!(has(&first, "消耗随机字数", &words));
    assert!(has(&first, "系统随机数", d["entropy"].as_str().unwrap()));
    let rows = sheet(&file, "检查人员");
    assert_eq!(rows.len(), inspectors.len() + 3);
    // A recusal shows on the inspector's row.
    if let Some(pair) = record["input"]["recusals"].as_array().unwrap().first() {
        let (t, i) = (pair[0].as_u64().unwrap(), pair[1].as_u64().unwrap());
        let row = rows.iter().find(|r| r[0] == i.to_string()).unwrap();
        assert!(row[7].split('、').any(|x| x == t.to_string()), "{row:?}");
    }
    // A missing announcement is named.
    let out = common::cli::bin(&db)
        .args(["export", "announcement", "9", "-o", "x.xlsx"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
