//! TERM=vt100 (issue 16, acceptance 5): the real binary in a pty, without NO_COLOR, writes no
//! 256-colour (`38;5;`, `48;5;`) nor truecolor (`38;2;`, `48;2;`) escapes on any tab, and the
//! selection is still drawn (reverse video).

#![cfg(unix)]

use expectrl::{Eof, Session};
use std::process::Command;
use std::time::Duration;

mod common;

use common::pty::{Term, COLS, ROWS};

#[test]
fn vt100_gets_no_256_colour_nor_truecolor_escapes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shuangsui"));
    cmd.args(["--demo", "--symbols", "ascii"])
        .env("COLUMNS", COLS.to_string())
        .env("LINES", ROWS.to_string())
        .env("TERM", "vt100")
        .env("LANG", "C.UTF-8")
        .env_remove("NO_COLOR")
        .env_remove("COLORTERM")
        .env("SHUANGSUI_LOG", dir.path().join("log.txt"))
        .env(
            "SHUANGSUI_KEY",
            std::path::Path::new(&dir.path().join("log.txt")).with_extension("key"),
        )
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("HOME", dir.path());
    let mut session = Session::spawn(cmd).expect("spawn shuangsui");
    session
        .get_process_mut()
        .set_window_size(COLS, ROWS)
        .expect("pty size");
    let mut t = Term {
        session,
        bytes: Vec::new(),
    };
    t.wait_until("the first frame", |s| s[3].contains("信用代码"));
    // Every tab, with the dashboard's overdue figures and the tasks' overdue rows.
    for (key, word) in [
        ("1", "总览"),
        ("3", "抽查计划"),
        ("4", "抽取"),
        ("5", "任务"),
        ("6", "公示"),
        ("7", "审计"),
        ("2", "信用代码"),
    ] {
        t.send(key);
        t.wait_until(word, |s| s.iter().skip(2).any(|r| r.contains(word)));
    }
    t.send("q");
    t.session.set_expect_timeout(Some(Duration::from_secs(30)));
    let rest = t.session.expect(Eof).expect("the program ends");
    t.bytes.extend_from_slice(rest.as_bytes());
    let out = String::from_utf8_lossy(&t.bytes);
    for esc in ["38;5;", "48;5;", "38;2;", "48;2;"] {
        assert!(
            !out.contains(esc),
            "TERM=vt100 got {esc:?}: …{}",
            out.find(esc)
                .map(|i| &out[i.saturating_sub(20)..(i + 20).min(out.len())])
                .unwrap_or_default()
        );
    }
    assert!(
        out.contains("\x1b[7m"),
        "the selection is still reverse video"
    );
    let status = t.session.get_process().wait().expect("wait");
    assert_eq!(
        status,
        expectrl::WaitStatus::Exited(t.session.get_process().pid(), 0)
    );
}
