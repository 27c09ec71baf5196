//! An import is all or nothing even when its process is killed (issue 17 keeps the guarantee
//! while the import now converts a large file in parallel parts and encodes its chunks in
//! parallel): `kill -9` at many moments of a multi-part import leaves either none of the file's
//! targets or all of them, and `verify` passes every time.

#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROWS: usize = 12_000;

fn cli(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shuangsui"));
    c.arg("--db")
        .arg(db)
        .arg("--socket")
        .arg(db.with_extension("sock"))
        .env("SHUANGSUI_LOG", db.with_extension("log"))
        .env("SHUANGSUI_KEY", db.with_extension("key"))
        .env_remove("SHUANGSUI_ROLES");
    c
}

/// The output of a command that must succeed (its stdout and stderr shown if it did not).
fn succeeded(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn targets_held(db: &Path) -> usize {
    let out = succeeded(cli(db).args(["list", "targets", "--json"]));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .map(Vec::len)
        .unwrap_or_else(|| panic!("not a list: {v}"))
}

fn verify_passes(db: &Path) {
    succeeded(cli(db).arg("verify"));
}

#[test]
fn killing_an_import_in_parallel_parts_leaves_none_or_all_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    let csv = dir.path().join("targets.csv");
    shuangsui::synth::targets_csv_large(
        ROWS,
        29,
        std::io::BufWriter::new(std::fs::File::create(&csv).unwrap()),
    )
    .unwrap();
    // Large enough to be converted in parts (import::PARALLEL_BYTES is 1 MiB).
    assert!(std::fs::metadata(&csv).unwrap().len() > 2 << 20);
    assert!(cli(&db).arg("init").status().unwrap().success());
    assert_eq!(targets_held(&db), 0);

    // How long a whole import takes here, to spread the kills over it.
    let probe = dir.path().join("probe");
    assert!(cli(&probe).arg("init").status().unwrap().success());
    let started = Instant::now();
    succeeded(cli(&probe).args(["import", "targets"]).arg(&csv));
    let whole = started.elapsed();

    let mut seen = [false, false];
    for round in 0..12u32 {
        let mut child = cli(&db)
            .args(["import", "targets"])
            .arg(&csv)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole.mul_f64(f64::from(round) / 10.0) + Duration::from_millis(5));
        let _ = child.kill();
        let _ = child.wait();
        let held = targets_held(&db);
        assert!(
            held == 0 || held == ROWS,
            "round {round}: {held} targets held, neither none nor all"
        );
        seen[usize::from(held == ROWS)] = true;
        verify_passes(&db);
        if held == ROWS {
            break;
        }
    }
    // A kill before the commit was seen; and the import, once through, holds every row.
    assert!(seen[0], "no kill came before the commit");
    let out = cli(&db)
        .args(["import", "targets"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(targets_held(&db), ROWS);
    verify_passes(&db);
}
