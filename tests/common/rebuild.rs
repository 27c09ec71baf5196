//! `tools/rebuild_input.py` run on a store's exports (tests/cli_rebuild_input.rs, and the
//! exclusion window of issue 19 in tests/cli_inspections.rs).

#![allow(dead_code)]

use super::cli::ok;
use std::path::Path;
use std::process::Command;

/// Python 3.11 or later (the script reads rules.toml with the standard `tomllib`).
pub fn python_ok() -> bool {
    Command::new("python3")
        .args([
            "-c",
            "import sys, tomllib; sys.exit(0 if sys.version_info >= (3, 11) else 1)",
        ])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The exports the script reads, written into `dir` (`inspections.json` for a window).
pub fn export_all(db: &Path, dir: &Path) {
    for kind in ["targets", "inspectors", "departments", "conflicts"] {
        let f = dir.join(format!("{kind}.xlsx"));
        ok(db, &["export", "registry", kind, "-o", f.to_str().unwrap()]);
    }
    for kind in ["tasks", "draws", "plans", "inspections"] {
        std::fs::write(
            dir.join(format!("{kind}.json")),
            ok(db, &["list", kind, "--json"]),
        )
        .unwrap();
    }
}

/// The script's input hash for plan/period/date from the exports in `dir`.
pub fn rebuilt(dir: &Path, plan: &str, period: &str, date: &str, extra: &[&str]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut c = Command::new("python3");
    c.arg(root.join("tools/rebuild_input.py"));
    for kind in ["targets", "inspectors", "departments", "conflicts"] {
        c.arg(format!("--{kind}"))
            .arg(dir.join(format!("{kind}.xlsx")));
    }
    for kind in ["tasks", "draws", "plans"] {
        c.arg(format!("--{kind}"))
            .arg(dir.join(format!("{kind}.json")));
    }
    c.arg("--rules").arg(root.join("fixtures/rules.toml"));
    c.args(["--plan", plan, "--period", period, "--date", date]);
    c.args(extra);
    let out = c.output().expect("run python3");
    assert!(
        out.status.success(),
        "rebuild_input.py: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}
