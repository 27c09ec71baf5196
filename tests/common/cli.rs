//! Running the real binary on a store, for the CLI tests.

#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

/// The binary on the store `db`, logging beside it.
pub fn bin(db: &Path) -> Command {
    let mut c = Command::cargo_bin("shuangsui").expect("the shuangsui binary");
    c.arg("--db")
        .arg(db)
        .env("SHUANGSUI_LOG", db.with_extension("log"))
        .env(
            "SHUANGSUI_KEY",
            std::path::Path::new(&db.with_extension("log")).with_extension("key"),
        );
    c
}

/// Run a command that must succeed; its standard output.
pub fn ok(db: &Path, args: &[&str]) -> String {
    let out = bin(db).args(args).output().expect("run shuangsui");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Run a command that must succeed and prints JSON.
pub fn json(db: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("JSON output")
}

/// The demo's plan 3 drawn for 2022Q3 on 2022-07-05 at one sitting (fresh entropy, `witness`
/// read out): the draw most tests start from. Its standard output.
pub fn draw_plan3_q3(db: &Path, witness: &str) -> String {
    ok(
        db,
        &[
            "draw",
            "--plan",
            "3",
            "--period",
            "2022Q3",
            "--date",
            "2022-07-05",
            "--witness",
            witness,
        ],
    )
}

/// `export quarterly --period 2022Q3 --today 2022-09-30 -o FILE`.
pub fn export_quarterly_q3(db: &Path, file: &Path) -> String {
    ok(
        db,
        &[
            "export",
            "quarterly",
            "--period",
            "2022Q3",
            "--today",
            "2022-09-30",
            "-o",
            file.to_str().expect("a UTF-8 path"),
        ],
    )
}

/// `draw announce` of the demo's plan 3 for 2022Q3 on `date`, with `extra` arguments
/// (`--reason`, `--source`, `--json`). Its standard output.
pub fn announce_plan3_q3(db: &Path, date: &str, extra: &[&str]) -> String {
    let args = [
        "draw", "announce", "--plan", "3", "--period", "2022Q3", "--date", date,
    ];
    ok(db, &[&args[..], extra].concat())
}
