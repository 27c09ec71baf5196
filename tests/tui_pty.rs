//! The real binary in an 80x24 pseudo-terminal: help opens and closes, the filter finds the
//! town 狗街镇, q and ctrl-c (after its question in a form) quit, and the terminal is restored
//! (alternate screen left, exit status 0).
//! The screen is reconstructed from the byte stream with a VT100 emulator.

#![cfg(unix)]

use expectrl::{Eof, Session};
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

use common::pty::{Term, COLS, ROWS};

/// The demo in an 80x24 pty, with its log, key and configuration in `dir`.
fn spawn_demo(dir: &std::path::Path) -> Term {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shuangsui"));
    cmd.args(["--demo", "--symbols", "unicode"])
        .env("COLUMNS", COLS.to_string())
        .env("LINES", ROWS.to_string())
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("NO_COLOR", "1")
        .env("SHUANGSUI_LOG", dir.join("log.txt"))
        .env(
            "SHUANGSUI_KEY",
            std::path::Path::new(&dir.join("log.txt")).with_extension("key"),
        )
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

/// The program has ended with status 0, and its last bytes left the alternate screen.
fn assert_restored(t: &mut Term) {
    t.session.set_expect_timeout(Some(Duration::from_secs(30)));
    let rest = t.session.expect(Eof).expect("the program ends");
    t.bytes.extend_from_slice(rest.as_bytes());
    // ratatui::restore() leaves the alternate screen, then shows the cursor again.
    let tail = String::from_utf8_lossy(&t.bytes);
    let end = tail.strip_suffix("\x1b[?25h").unwrap_or(&tail);
    assert!(
        end.ends_with("\x1b[?1049l"),
        "the last bytes leave the alternate screen: {:?}",
        &tail[tail.len().saturating_sub(40)..]
    );
    assert!(tail.rfind("\x1b[?1049h") < tail.rfind("\x1b[?1049l"));
    let status = t.session.get_process().wait().expect("wait");
    assert_eq!(
        status,
        expectrl::WaitStatus::Exited(t.session.get_process().pid(), 0)
    );
}

#[test]
fn ctrl_c_quits_from_a_form_after_the_question_and_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut t = spawn_demo(dir.path());
    t.wait_until("the first frame", |s| s[3].contains("信用代码"));
    // In the add form ctrl-c asks first; n returns to the form, ctrl-c and y quit.
    t.send("a");
    t.wait_until("the add form", |s| {
        s.iter().any(|r| r.contains("新增检查对象"))
    });
    t.send("\x03");
    t.wait_until("the question", |s| {
        s.iter().any(|r| r.contains("退出程序？"))
    });
    t.send("n");
    t.wait_until("back in the form", |s| {
        !s.iter().any(|r| r.contains("退出程序？")) && s.iter().any(|r| r.contains("新增检查对象"))
    });
    t.send("\x03");
    t.wait_until("the question again", |s| {
        s.iter().any(|r| r.contains("退出程序？"))
    });
    t.send("y");
    assert_restored(&mut t);
}

#[test]
fn demo_in_a_pty_filters_and_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut t = spawn_demo(dir.path());

    // First frame: the registries tab with the targets table.
    t.wait_until("the first frame", |s| {
        s[1].contains("名录库") && s[3].contains("信用代码") && s[4].contains("▶")
    });

    t.send("?");
    t.wait_until("the help popup", |s| {
        s.iter().any(|r| r.contains("帮助 · 名录库"))
    });
    t.send("\x1b");
    t.wait_until("help closed", |s| {
        !s.iter().any(|r| r.contains("帮助 · 名录库"))
    });
    t.send("2");
    t.send("/");
    t.send("狗街镇");
    // Wait for the whole frame: the header changes before the rows below it are written.
    t.wait_until("the filtered list", |s| {
        let rows: Vec<&String> = s[4..ROWS as usize - 1]
            .iter()
            .filter(|r| !r.trim().is_empty())
            .collect();
        s[2].contains("/狗街镇")
            && s[2].contains("/650]")
            && rows.len() > 5
            && rows.iter().all(|r| r.contains("狗街镇"))
    });
    let screen = t.screen();
    let rows: Vec<&String> = screen[4..ROWS as usize - 1]
        .iter()
        .filter(|r| !r.trim().is_empty())
        .collect();
    assert!(rows.len() > 5, "{}", screen.join("\n"));
    for r in &rows {
        assert!(
            r.contains("狗街镇"),
            "row without 狗街镇: {r}\n{}",
            screen.join("\n")
        );
    }

    t.send("\r");
    t.send("q");
    assert_restored(&mut t);
}

/// A demo store served by `shuangsui serve`: the TUI on the same `--db` works through the
/// server (the status bar says so) and shows another user's import within about a second.
#[test]
fn the_tui_works_through_the_server_and_refreshes_on_a_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("s");
    let sock = dir.path().join("s.sock");
    let bin = env!("CARGO_BIN_EXE_shuangsui");
    let cli = |args: &[&str]| {
        let mut c = Command::new(bin);
        c.arg("--db")
            .arg(&db)
            .arg("--socket")
            .arg(&sock)
            .args(args)
            .env("SHUANGSUI_LOG", dir.path().join("log.txt"))
            .env(
                "SHUANGSUI_KEY",
                std::path::Path::new(&dir.path().join("log.txt")).with_extension("key"),
            )
            .env_remove("SHUANGSUI_ROLES");
        c
    };
    let out = cli(&["init", "--demo"]).output().expect("init");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut server = cli(&["serve"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::os::unix::net::UnixStream::connect(&sock).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }

    let mut cmd = cli(&["--symbols", "unicode"]);
    cmd.env("COLUMNS", COLS.to_string())
        .env("LINES", ROWS.to_string())
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("NO_COLOR", "1")
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
    t.wait_until("the first frame in server mode", |s| {
        s[1].contains("名录库")
            && s[0].contains("服务器模式")
            && s[2].contains("检查对象 650]")
            && s[ROWS as usize - 1].contains("服务器模式")
    });

    // Another user imports one target through the server.
    let code = shuangsui::domain::CreditCode::complete("91530125QQ0000001")
        .expect("17 valid characters")
        .to_string();
    let file = dir.path().join("one.csv");
    std::fs::write(
        &file,
        format!(
            "企业名称,统一社会信用代码,所在地区,行业类别,管理类别,许可证编号,生产经营场所地址\n\
             宜良县实时刷新测试厂,{code},狗街镇,化学原料制造,登记管理,{code}001P,宜良县狗街镇某村1组\n"
        ),
    )
    .expect("write");
    let out = cli(&["import", "targets", file.to_str().expect("utf-8 path")])
        .output()
        .expect("import");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let changed = Instant::now();
    t.wait_until("the new target count", |s| s[2].contains("检查对象 651]"));
    assert!(
        changed.elapsed() < Duration::from_secs(2),
        "refreshed after {:?}",
        changed.elapsed()
    );

    t.send("q");
    t.session.set_expect_timeout(Some(Duration::from_secs(30)));
    let rest = t.session.expect(Eof).expect("the program ends");
    t.bytes.extend_from_slice(rest.as_bytes());
    let status = t.session.get_process().wait().expect("wait");
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(
        status,
        expectrl::WaitStatus::Exited(t.session.get_process().pid(), 0)
    );
}
