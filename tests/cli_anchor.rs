//! Truncation detected (issue 20): the anchor beside the store records the audit log's length
//! and head after every commit; a store that lost entries fails `verify`, naming how many are
//! missing and the last good one, refuses writes, and is brought back by `restore`.

mod common;

use common::cli::{bin, draw_plan3_q3, ok};
use std::path::Path;

/// The witness of the tests' one-sitting draws (fresh entropy: a chosen seed never commits).
const WITNESS: &str = "双色球2022078";

/// A demo store with 11+ commits, and a backup taken after the demo load.
fn store_with_history(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let db = dir.join("store");
    ok(&db, &["init", "--demo"]);
    let backup = dir.join("after-demo.ssb");
    ok(&db, &["backup", backup.to_str().unwrap()]);
    draw_plan3_q3(&db, WITNESS);
    for task in 1..=5 {
        ok(
            &db,
            &["task", &task.to_string(), "check", "--date", "2022-07-20"],
        );
    }
    assert!(
        db.with_file_name("store.anchor").is_file(),
        "the anchor is beside the store"
    );
    (db, backup)
}

fn fails(db: &Path, args: &[&str]) -> String {
    let out = bin(db).args(args).output().unwrap();
    assert!(!out.status.success(), "{args:?} should fail");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_truncated_log_fails_verify_names_the_missing_entries_and_restore_repairs() {
    let dir = tempfile::tempdir().unwrap();
    let (db, backup) = store_with_history(dir.path());
    let total = {
        let sled_db = sled::open(&db).unwrap();
        let audit = sled_db.open_tree("audit").unwrap();
        let total = audit.len() as u64;
        assert!(total >= 11, "{total} commits");
        // Lose the last three entries, as a damaged log does.
        for seq in total - 2..=total {
            audit.remove(seq.to_be_bytes()).unwrap();
        }
        sled_db.flush().unwrap();
        total
    };
    let said = fails(&db, &["verify"]);
    assert!(said.contains("审计日志缺少 3 条"), "{said}");
    assert!(
        said.contains(&format!("只到第 {} 条", total - 3)),
        "names the last good entry: {said}"
    );
    let said = fails(&db, &["task", "6", "check", "--date", "2022-07-20"]);
    assert!(said.contains("拒绝写入"), "writes are refused: {said}");
    ok(&db, &["restore", backup.to_str().unwrap(), "--force"]);
    let verified = ok(&db, &["verify"]);
    assert!(verified.contains("校验通过"), "{verified}");
    // The store takes writes again: the lost draw is made again.
    draw_plan3_q3(&db, WITNESS);
    assert!(ok(&db, &["verify"]).contains("校验通过"));
}

#[test]
fn a_byte_flipped_in_a_sled_blob_fails_verify_naming_the_missing_entries() {
    let dir = tempfile::tempdir().unwrap();
    let (db, backup) = store_with_history(dir.path());
    // How many entries the chain has before the damage (`verify` says "审计日志 N 条").
    let before = ok(&db, &["verify"]);
    let entries: u64 = before
        .split("审计日志 ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no entry count in {before}"));
    // The oldest blob (a large value sled keeps in its own file, such as a chunk of targets):
    // a damaged one makes sled drop every later write when it recovers its log.
    let mut blobs: Vec<_> = walk(&db.join("blobs"));
    blobs.sort_by_key(|(p, _)| {
        p.file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(u64::MAX)
    });
    let (file, len) = blobs.first().cloned().expect("sled blobs");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[(len / 2) as usize] ^= 0x01;
    std::fs::write(&file, bytes).unwrap();
    let said = fails(&db, &["verify"]);
    // Either sled drops the later writes (the chain is shorter than the anchor) or it cannot
    // read the store at all; both name what the anchor records.
    assert!(
        said.contains("审计日志缺少")
            || said.contains(&format!("the anchor records {entries} committed")),
        "{said}"
    );
    // The backup brings it back to a state that verifies.
    ok(&db, &["restore", backup.to_str().unwrap(), "--force"]);
    assert!(ok(&db, &["verify"]).contains("校验通过"));
}

fn walk(dir: &Path) -> Vec<(std::path::PathBuf, u64)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if let Ok(m) = e.metadata() {
            out.push((p, m.len()));
        }
    }
    out
}

/// A backup whose checksum is right but whose content does not verify (a record deleted
/// behind the application's back before the backup was taken) is refused, and the current
/// store is untouched.
#[test]
fn restore_of_a_backup_that_does_not_verify_leaves_the_store_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad");
    ok(&bad, &["init", "--demo"]);
    {
        let db = sled::open(&bad).unwrap();
        let t = db.open_tree("conflicts").unwrap();
        let (k, _) = t.iter().next_back().unwrap().unwrap();
        t.remove(k).unwrap();
        db.flush().unwrap();
    }
    let file = dir.path().join("bad.ssb");
    ok(&bad, &["backup", file.to_str().unwrap()]);

    let good = dir.path().join("good");
    ok(&good, &["init", "--demo"]);
    ok(
        &good,
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
        ],
    );
    let before = ok(&good, &["list", "tasks", "--json"]);
    let said = fails(&good, &["restore", file.to_str().unwrap(), "--force"]);
    assert!(said.contains("未恢复"), "{said}");
    assert_eq!(ok(&good, &["list", "tasks", "--json"]), before, "untouched");
    assert!(ok(&good, &["verify"]).contains("校验通过"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("restoring"))
        .collect();
    assert!(leftovers.is_empty(), "the staging directory is removed");
}

/// The automatic backup after the first commit of the day is listed by `backups` and picked
/// by `restore DATE`: a truncated store is brought back to a state that verifies.
#[test]
fn the_daily_automatic_backup_restores_a_truncated_store_by_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store");
    ok(&db, &["init", "--demo"]);
    let today = chrono::Local::now().date_naive().to_string();
    let listed = ok(&db, &["backups"]);
    assert!(listed.contains(&format!("{today}.ssb")), "{listed}");
    draw_plan3_q3(&db, "185");
    {
        let sled_db = sled::open(&db).unwrap();
        let audit = sled_db.open_tree("audit").unwrap();
        let last = audit.len() as u64;
        audit.remove(last.to_be_bytes()).unwrap();
        sled_db.flush().unwrap();
    }
    assert!(fails(&db, &["verify"]).contains("审计日志缺少 1 条"));
    ok(&db, &["restore", &today, "--force"]);
    assert!(ok(&db, &["verify"]).contains("校验通过"));
    let listed = ok(&db, &["backups"]);
    assert!(
        listed.contains("pre-restore-"),
        "the replaced store is kept: {listed}"
    );
}
