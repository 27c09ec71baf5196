//! A full disk (issue 20, acceptance 6 and "Disk full"): an import that runs out of space on a
//! small filesystem is refused cleanly; on the full disk `list` and `verify` still work; once
//! space is freed the store opens and verifies with no manual step, and an empty
//! `snap.*.generating` left by sled is set aside (and the log says so).
//!
//! The small filesystem is a tmpfs mounted for the test (root may mount one); where the test
//! cannot mount it, it skips with the reason.

#![cfg(target_os = "linux")]

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A tmpfs mounted at `dir` for the test's lifetime.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| format!("mount: {e}"))?;
        if out.status.success() {
            Ok(Tmpfs(dir.to_path_buf()))
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// The binary on the store `db`, logging to `log` (outside the small filesystem).
fn run(db: &Path, log: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("SHUANGSUI_LOG", log)
        .env("SHUANGSUI_KEY", log.with_extension("key"))
        .env_remove("SHUANGSUI_ROLES")
        .env_remove("SHUANGSUI_SOCKET")
        .output()
        .expect("run shuangsui")
}

fn ok(db: &Path, log: &Path, args: &[&str]) -> String {
    let out = run(db, log, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn target_codes(db: &Path, log: &Path) -> HashSet<String> {
    let v: serde_json::Value =
        serde_json::from_str(&ok(db, log, &["list", "targets", "--json"])).expect("JSON");
    v.as_array()
        .expect("an array")
        .iter()
        .filter_map(|t| t["credit_code"].as_str().map(String::from))
        .collect()
}

/// Fill the filesystem holding `file` until a write fails for want of space.
fn fill(file: &Path) {
    let mut f = std::fs::File::create(file).expect("ballast");
    let chunk = vec![0x5a_u8; 64 * 1024];
    loop {
        match f.write_all(&chunk).and_then(|()| f.sync_all()) {
            Ok(()) => continue,
            Err(e) => {
                assert_eq!(e.raw_os_error(), Some(28), "ENOSPC expected: {e}");
                break;
            }
        }
    }
}

#[test]
fn an_import_on_a_full_disk_fails_cleanly_and_the_store_opens_once_space_is_freed() {
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("small");
    let _fs = match Tmpfs::mount(&mnt, "24m") {
        Ok(fs) => fs,
        Err(why) => {
            eprintln!("skipped: cannot mount a small tmpfs for the test ({why})");
            return;
        }
    };
    let db = mnt.join("s");
    let log = dir.path().join("log.txt");
    ok(&db, &log, &["init", "--demo"]);
    let before = target_codes(&db, &log);
    let audit_before = ok(&db, &log, &["verify"]);

    // New targets (codes the demo does not have), written outside the small filesystem.
    let mut seen = before.clone();
    let new: Vec<_> = shuangsui::synth::targets(6000, 20_261_202)
        .into_iter()
        .filter(|t| seen.insert(t.credit_code.as_str().to_string()))
        .take(4000)
        .collect();
    let csv = dir.path().join("new.csv");
    shuangsui::synth::write_targets_csv(std::fs::File::create(&csv).unwrap(), &new).unwrap();

    // The disk fills up; then 256 kB are freed so that the import starts and runs out of
    // space on the way.
    let ballast = mnt.join("ballast");
    fill(&ballast);
    let len = std::fs::metadata(&ballast).unwrap().len();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&ballast)
        .unwrap();
    f.set_len(len.saturating_sub(256 * 1024)).unwrap();
    drop(f);

    let out = run(&db, &log, &["import", "targets", csv.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the import cannot fit: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    // Reads on the full disk (refill what the failed import may have given back).
    let filler = mnt.join("ballast2");
    fill(&filler);
    assert_eq!(target_codes(&db, &log), before, "all rows or none");
    let out = run(&db, &log, &["verify"]);
    assert!(
        out.status.success(),
        "verify on a full disk: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A write on the full disk is refused, saying why and what to do.
    let out = run(&db, &log, &["import", "targets", csv.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("磁盘已满") && stderr.contains("释放磁盘空间"),
        "{stderr}"
    );

    // Space freed: no manual step. sled may leave an empty snapshot behind after a failed
    // write; one is put there to be sure the store still opens with it.
    std::fs::remove_file(&ballast).unwrap();
    std::fs::remove_file(&filler).unwrap();
    let leftover = db.join("snap.00000000000FFFFF.generating");
    std::fs::File::create(&leftover).unwrap();
    assert_eq!(ok(&db, &log, &["verify"]), audit_before);
    assert!(!leftover.exists(), "the empty snapshot is set aside");
    assert!(mnt
        .join("s.set-aside/snap.00000000000FFFFF.generating")
        .exists());
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        logged.contains("snap.00000000000FFFFF.generating") && logged.contains("set aside"),
        "the log names the file: {logged}"
    );
    ok(&db, &log, &["import", "targets", csv.to_str().unwrap()]);
    assert_eq!(target_codes(&db, &log).len(), before.len() + new.len());
    ok(&db, &log, &["verify"]);
}
