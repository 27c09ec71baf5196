//! The TUI import (issue 20): `i` opens the form, saving it shows a preview of what the file
//! would change (per field, old and new values) and writes nothing until confirmed; Esc
//! cancels, Enter imports.

#![cfg(unix)]

mod common;

use common::cli::{json, ok};
use common::pty::{Term, COLS, ROWS};
use expectrl::{Eof, Session};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const CODE: &str = "91530125MAX7JNMLTD";

fn region(db: &Path) -> String {
    let all = json(db, &["list", "targets", "--json"]);
    let t = all
        .as_array()
        .and_then(|a| a.iter().find(|t| t["credit_code"] == CODE).cloned())
        .unwrap_or_default();
    t["region"].as_str().unwrap_or_default().to_string()
}

fn tui(db: &Path, dir: &Path) -> Term {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shuangsui"));
    cmd.arg("--db")
        .arg(db)
        .args(["--symbols", "unicode"])
        .env("COLUMNS", COLS.to_string())
        .env("LINES", ROWS.to_string())
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("NO_COLOR", "1")
        .env("SHUANGSUI_LOG", db.with_extension("log"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("HOME", dir);
    let mut session = Session::spawn(cmd).expect("spawn shuangsui");
    session
        .get_process_mut()
        .set_window_size(COLS, ROWS)
        .expect("pty size");
    Term {
        session,
        bytes: Vec::new(),
    }
}

fn quit(mut t: Term) {
    t.send("q");
    t.session.set_expect_timeout(Some(Duration::from_secs(30)));
    let ended = t.session.expect(Eof);
    assert!(ended.is_ok(), "q quits; screen:\n{}", t.screen().join("\n"));
    let status = t.session.get_process().wait().expect("wait");
    assert_eq!(
        status,
        expectrl::WaitStatus::Exited(t.session.get_process().pid(), 0)
    );
}

fn open_import(t: &mut Term, file: &Path) {
    t.send("i");
    t.wait_until("the import form", |s| {
        s.iter().any(|r| r.contains("导入名录文件"))
    });
    t.send("\t");
    t.send(file.to_str().expect("utf-8 path"));
    t.send("\x13"); // ctrl-s
    t.wait_until("the import preview", |s| {
        s.iter().any(|r| r.contains("导入预览")) && s.iter().any(|r| r.contains("Esc 取消"))
    });
}

#[test]
fn tui_import_previews_and_needs_confirmation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("store");
    ok(&db, &["init", "--demo"]);
    let before = region(&db);
    assert_eq!(before, "马街镇");
    let file = dir.path().join("r.csv");
    std::fs::write(
        &file,
        format!("单位名称,统一社会信用代码,所在地区\n宜良华联新型建材有限责任公司,{CODE},狗街镇\n"),
    )
    .expect("write");

    let mut t = tui(&db, dir.path());
    t.wait_until("the first frame", |s| s[1].contains("名录库"));
    open_import(&mut t, &file);
    let screen = t.screen().join("\n");
    assert!(screen.contains("更新 1"), "{screen}");
    assert!(screen.contains("所在地区: 马街镇 → 狗街镇"), "{screen}");
    // Esc: nothing written.
    t.send("\x1b");
    t.wait_until("the preview closed", |s| {
        !s.iter().any(|r| r.contains("导入预览"))
    });
    quit(t);
    assert_eq!(region(&db), before, "cancelled: the store is untouched");

    let mut t = tui(&db, dir.path());
    t.wait_until("the first frame", |s| s[1].contains("名录库"));
    open_import(&mut t, &file);
    t.send("\r");
    t.wait_until("the import report", |s| {
        s.iter().any(|r| r.contains("导入完成"))
    });
    t.send("\x1b");
    t.wait_until("the report closed", |s| {
        !s.iter().any(|r| r.contains("导入完成"))
    });
    quit(t);
    assert_eq!(region(&db), "狗街镇", "confirmed: imported");
}
