//! Registry prompts with the real binary in an 80x24 pseudo-terminal (issue 19, acceptance 4):
//! on a store with plan 3 drawn for 2022Q3 and task 1 checked (through the CLI), the result
//! 通过登记住所（经营场所）无法联系 recorded in the tasks tab opens the target's status form
//! prefilled with 关闭; ctrl-s confirms it, and the target is closed.

#![cfg(unix)]

use expectrl::Session;
use std::process::Command;

mod common;

use common::pty::{Term, COLS, ROWS};

fn bin(db: &std::path::Path, dir: &std::path::Path) -> Command {
    common::pty::isolated_bin(db, dir)
}

fn ok(db: &std::path::Path, dir: &std::path::Path, args: &[&str]) -> String {
    let out = bin(db, dir).args(args).output().expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn recording_unreachable_in_the_tui_prompts_the_status_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("store");
    ok(&db, dir.path(), &["init", "--demo"]);
    ok(
        &db,
        dir.path(),
        &[
            "draw",
            "--plan",
            "3",
            "--period",
            "2022Q3",
            "--date",
            "2022-07-05",
            "--witness",
            "07",
        ],
    );
    ok(
        &db,
        dir.path(),
        &["task", "1", "check", "--date", "2022-07-08"],
    );
    let tasks: serde_json::Value =
        serde_json::from_str(&ok(&db, dir.path(), &["list", "tasks", "--json"])).unwrap();
    let target = tasks[0]["target"].as_u64().unwrap();

    let mut cmd = bin(&db, dir.path());
    cmd.args(["--symbols", "unicode"])
        .env("COLUMNS", COLS.to_string())
        .env("LINES", ROWS.to_string())
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("NO_COLOR", "1");
    let mut session = Session::spawn(cmd).expect("spawn shuangsui");
    session
        .get_process_mut()
        .set_window_size(COLS, ROWS)
        .expect("pty size");
    let mut t = Term {
        session,
        bytes: Vec::new(),
    };
    t.wait_until("the first frame", |s| s[1].contains("名录库"));
    t.send("5");
    t.wait_until("the tasks tab", |s| s[2].contains("任务"));
    // Back to 2022Q3 (the store's today is the real one).
    for _ in 0..80 {
        let header = t.screen()[2].clone();
        if header.contains("2022年第三季度") {
            break;
        }
        t.send("\x1b[D");
        t.wait_until("the previous period", |s| s[2] != header);
    }
    t.wait_until("2022Q3 with its tasks", |s| {
        s[2].contains("2022年第三季度") && s.iter().any(|l| l.contains("#1 "))
    });
    t.send("r");
    t.wait_until("the result form", |s| {
        s.iter().any(|l| l.contains("认定日期"))
    });
    t.send("4");
    // The determined date: 2022-07-11 (the form offers today).
    t.send("\t");
    t.send(&"\x7f".repeat(10));
    t.send("2022-07-11");
    t.wait_until("the date typed", |s| {
        s.iter().any(|l| l.contains("2022-07-11"))
    });
    t.send("\x13");
    t.wait_until("the prompt", |s| {
        s.iter().any(|l| l.contains("名录库动态调整"))
            && s.iter().any(|l| l.contains("新状态") && l.contains("关闭"))
            && s.iter().any(|l| l.contains("无法联"))
    });
    t.send("\x13");
    t.wait_until("the prompt confirmed", |s| {
        !s.iter().any(|l| l.contains("名录库动态调整"))
    });
    t.send("q");
    let targets: serde_json::Value =
        serde_json::from_str(&ok(&db, dir.path(), &["list", "targets", "--json"])).unwrap();
    let wanted = targets
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == target)
        .unwrap();
    assert_eq!(wanted["status"], "closed", "{wanted}");
    ok(&db, dir.path(), &["verify"]);
}
