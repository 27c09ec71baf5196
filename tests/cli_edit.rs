//! `show` and `edit` on a local store (issue 20): the revision is printed, an edit from an
//! older revision is refused in the user's language and changes nothing, an edit without
//! `--revision` changes only the fields it sets.

mod common;

use common::cli::{bin, json, ok};
use serde_json::Value;

/// `edit target 2 --set address=x --revision REV`.
fn edit_address(rev: &str) -> Vec<&str> {
    vec![
        "edit",
        "target",
        "2",
        "--set",
        "address=x",
        "--revision",
        rev,
    ]
}

fn target(db: &std::path::Path, id: &str) -> Value {
    json(db, &["show", "targets", id, "--json"])
}

#[test]
fn an_edit_from_an_older_revision_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    let old = target(&db, "2");
    assert_eq!(old["revision"], 0, "not changed since imported");
    // Without --revision: read, changed and written at once; only the field set changes.
    ok(&db, &["edit", "target", "2", "--set", "行业类别=汽车修理"]);
    let new = target(&db, "2");
    let rev = new["revision"].as_u64().unwrap();
    assert!(rev > 0);
    let mut expect = old.clone();
    expect["industry"] = "汽车修理".into();
    expect["revision"] = rev.into();
    assert_eq!(new, expect);
    // `list --json` carries the same revision.
    let all = json(&db, &["list", "targets", "--json"]);
    assert_eq!(all[1]["revision"], rev);
    // From revision 0 now: refused, in English with --lang en, exit 1, nothing written.
    let verified = ok(&db, &["verify"]);
    let out = bin(&db)
        .args(["--lang", "en"])
        .args(edit_address("0"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("target 2 changed by ") && err.contains(": reload"),
        "{err}"
    );
    assert_eq!(target(&db, "2"), new);
    assert_eq!(ok(&db, &["verify"]), verified, "no audit entry either");
    // From the current revision it goes through.
    let rev = rev.to_string();
    let mut args = edit_address(&rev);
    args.push("--json");
    let saved = json(&db, &args);
    assert_eq!(saved["address"], "x");
    assert_eq!(saved["industry"], "汽车修理");
    // The text form says who changed it last.
    let text = ok(&db, &["show", "targets", "2"]);
    assert!(text.contains("版本 ") && text.contains(" 修改）"), "{text}");
}
