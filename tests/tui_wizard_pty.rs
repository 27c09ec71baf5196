//! The draw wizard with the real binary in an 80x24 pseudo-terminal, on a store initialised
//! with `init --demo`: plan 3, 2022Q3, undirected, announced with a named source (the
//! commitment shown), a witness in Chinese, the typed confirmation
//! 确认抽取; then `verify` passes on that store and `list draws --json` has the one draw.

#![cfg(unix)]

use expectrl::{Eof, Session};
use std::process::Command;
use std::time::Duration;

mod common;

use common::pty::{Term, COLS, ROWS};

fn bin(db: &std::path::Path, dir: &std::path::Path) -> Command {
    common::pty::isolated_bin(db, dir)
}

#[test]
fn wizard_in_a_pty_commits_one_draw_that_verifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("store");
    let out = bin(&db, dir.path())
        .args(["init", "--demo"])
        .output()
        .expect("init");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

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
    t.send("4");
    t.wait_until("the draws tab", |s| {
        s.iter().any(|r| r.contains("已完成的抽取 0"))
    });
    t.send("n");
    t.wait_until("the plan step", |s| {
        s[2].contains("计划") && s[3].contains("选择抽查计划")
    });
    // Plan 3.
    t.send("\x1b[B");
    t.send("\x1b[B");
    t.send("\r");
    t.wait_until("the period step", |s| s[3].contains("抽查期间"));
    for _ in 0..8 {
        t.send("\x7f");
    }
    t.send("2022Q3\r");
    t.wait_until("the scope step", |s| s[3].contains("抽查范围"));
    t.send("\r");
    t.wait_until("the preview", |s| {
        s[2].contains("预览") && s.iter().any(|r| r.contains("内部联合"))
    });
    let preview = t.screen().join("\n");
    assert!(preview.contains("C-1"), "{preview}");
    t.send("\r");
    t.wait_until("the announce step", |s| s[2].contains("公告"));
    t.send("福彩3D 2022年第185期开奖号码\r");
    t.wait_until("the announcement with its commitment", |s| {
        s.iter().any(|r| r.contains("承诺 SHA-256"))
    });
    t.send("\r");
    t.wait_until("the witness step", |s| s[2].contains("见证"));
    t.send("双色球2022078\r");
    t.wait_until("the confirmation step", |s| s[2].contains("确认"));
    t.send("确认抽取\r");
    t.wait_until("the result", |s| {
        s[2].contains("结果") && s.iter().any(|r| r.contains("shuangsui verify --draw 1"))
    });
    t.send("\r");
    t.wait_until("the past draws", |s| {
        s.iter().any(|r| r.contains("#1") && r.contains("有效"))
    });
    t.send("q");
    t.session.set_expect_timeout(Some(Duration::from_secs(30)));
    let _ = t.session.expect(Eof);
    let status = t.session.get_process().wait().expect("wait");
    assert_eq!(
        status,
        expectrl::WaitStatus::Exited(t.session.get_process().pid(), 0)
    );

    let v = bin(&db, dir.path()).arg("verify").output().expect("verify");
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    let v = bin(&db, dir.path())
        .args(["verify", "--draw", "1"])
        .output()
        .expect("verify --draw");
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    let l = bin(&db, dir.path())
        .args(["list", "draws", "--json"])
        .output()
        .expect("list draws");
    assert!(l.status.success(), "{}", String::from_utf8_lossy(&l.stderr));
    let json: serde_json::Value = serde_json::from_slice(&l.stdout).expect("json");
    let draws = json.as_array().expect("an array of draws");
    assert_eq!(draws.len(), 1, "{json}");
    assert_eq!(draws[0]["witness"], "双色球2022078");
    assert_eq!(draws[0]["plan"], 3);
}
