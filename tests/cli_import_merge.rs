//! Re-imports merge into the stored registry, never blank it (issue 20): a column the file
//! lacks keeps the stored field, an empty cell keeps it unless `--clear-empty`, and
//! `--dry-run` shows each change before anything is written.

mod common;

use common::cli::{bin, json, ok};
use serde_json::Value;
use std::path::{Path, PathBuf};

const GBK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/import-samples/targets-gbk.csv"
);
const EN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/import-samples/targets-en.csv"
);
const CODE: &str = "91530125MA6K1234XC";

fn store() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store");
    // Only init creates a store (issue 14).
    ok(&db, &["init"]);
    ok(&db, &["import", "targets", GBK]);
    (dir, db)
}

fn target(db: &Path, code: &str) -> Value {
    let all = json(db, &["list", "targets", "--json"]);
    let found = all
        .as_array()
        .and_then(|a| a.iter().find(|t| t["credit_code"] == code).cloned());
    found.unwrap_or_else(|| panic!("no target {code}"))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn obj(v: &Value) -> serde_json::Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

#[test]
fn three_column_reimport_changes_only_those_columns() {
    let (dir, db) = store();
    let before = target(&db, CODE);
    assert_ne!(before["industry"], "", "the fixture has an industry");
    let three = write(
        dir.path(),
        "three.csv",
        &format!("单位名称,统一社会信用代码,所在地区\n宜良新名称水泥有限公司,{CODE},狗街镇\n"),
    );
    // The dry run shows the per-field changes and writes nothing.
    let preview = ok(
        &db,
        &["import", "targets", three.to_str().unwrap(), "--dry-run"],
    );
    assert!(preview.contains("更新 1"), "{preview}");
    assert!(
        preview.contains("单位名称 1") && preview.contains("所在地区 1"),
        "{preview}"
    );
    assert!(
        preview.contains("所在地区: 北古城镇 → 狗街镇"),
        "old and new value: {preview}"
    );
    assert!(!preview.contains("行业类别:"), "{preview}");
    assert_eq!(target(&db, CODE), before, "a dry run writes nothing");

    let out = ok(&db, &["import", "targets", three.to_str().unwrap()]);
    assert!(out.contains("更新 1"), "{out}");
    let after = target(&db, CODE);
    assert_eq!(after["name"], "宜良新名称水泥有限公司");
    assert_eq!(after["region"], "狗街镇");
    let (mut b, mut a) = (obj(&before), obj(&after));
    for f in ["name", "region", "revision", "updated_by", "updated_at"] {
        b.remove(f);
        a.remove(f);
    }
    assert_eq!(a, b, "every other field is as it was");
    // Idempotent: the same file again changes nothing.
    let again = ok(&db, &["import", "targets", three.to_str().unwrap()]);
    assert!(
        again.contains("更新 0") && again.contains("未变 1"),
        "{again}"
    );
}

#[test]
fn empty_cells_keep_values_unless_clear_empty() {
    let (dir, db) = store();
    let before = target(&db, CODE);
    let f = write(
        dir.path(),
        "blank.csv",
        &format!("单位名称,统一社会信用代码,所在地区,行业类别\n宜良县北古城镇某水泥有限公司,{CODE},北古城镇,\n"),
    );
    let out = ok(&db, &["import", "targets", f.to_str().unwrap()]);
    assert!(out.contains("未变 1"), "{out}");
    assert_eq!(target(&db, CODE), before);
    let preview = ok(
        &db,
        &[
            "import",
            "targets",
            f.to_str().unwrap(),
            "--clear-empty",
            "--dry-run",
        ],
    );
    assert!(preview.contains("行业类别: 水泥制造 → （空）"), "{preview}");
    ok(
        &db,
        &["import", "targets", f.to_str().unwrap(), "--clear-empty"],
    );
    let after = target(&db, CODE);
    assert_eq!(after["industry"], "");
    assert_eq!(after["address"], before["address"], "absent stays");
}

#[test]
fn a_file_in_another_language_is_flagged() {
    let (_dir, db) = store();
    let preview = ok(&db, &["import", "targets", EN, "--dry-run"]);
    assert!(
        preview.contains("与库中语言不同"),
        "English names over Chinese ones are flagged: {preview}"
    );
    let en = ok(&db, &["--lang", "en", "import", "targets", EN, "--dry-run"]);
    assert!(en.contains("another language"), "{en}");
    // The Chinese file over itself is not flagged.
    let same = ok(&db, &["import", "targets", GBK, "--dry-run"]);
    assert!(!same.contains("与库中语言不同"), "{same}");
}

#[test]
fn refused_import_changes_nothing() {
    let (dir, db) = store();
    let before = json(&db, &["list", "targets", "--json"]);
    let f = write(
        dir.path(),
        "bad.csv",
        &format!("单位名称,统一社会信用代码,所在地区,违法次数\n甲,{CODE},狗街镇,很多\n"),
    );
    let out = bin(&db)
        .args(["import", "targets", f.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(json(&db, &["list", "targets", "--json"]), before);
}
