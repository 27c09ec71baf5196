//! The TUI survives the server (issue 16, acceptance 2): `shuangsui serve` killed under a
//! running TUI shows "服务器已断开，正在重连…" in the header within 2 s; `serve` started again,
//! the TUI reconnects by itself (服务器模式 again), fetches its replica again, and shows a
//! change another client (the CLI through the socket) made after the restart.

#![cfg(unix)]

use expectrl::{Eof, Session};
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

mod common;

use common::pty::{Term, COLS, ROWS};

fn start_server(cli: &dyn Fn(&[&str]) -> Command, sock: &Path) -> Child {
    let server = cli(&["serve"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::os::unix::net::UnixStream::connect(sock).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

#[test]
fn the_tui_shows_a_lost_server_at_once_reconnects_and_shows_another_clients_change() {
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
                Path::new(&dir.path().join("log.txt")).with_extension("key"),
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
    let mut server = start_server(&cli, &sock);

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
        s[1].contains("名录库") && s[0].contains("服务器模式") && s[2].contains("检查对象 650]")
    });

    // The server goes away: the header says so within 2 s.
    server.kill().expect("kill serve");
    server.wait().expect("serve ended");
    let lost = Instant::now();
    t.wait_until("the disconnect banner", |s| {
        s[0].contains("服务器已断开，正在重连…")
    });
    assert!(
        lost.elapsed() < Duration::from_secs(2),
        "the banner after {:?}",
        lost.elapsed()
    );
    assert!(!t.screen()[0].contains("服务器模式"));

    // Back: the TUI connects again by itself.
    let mut server = start_server(&cli, &sock);
    let back = Instant::now();
    t.wait_until("reconnected", |s| {
        s[0].contains("服务器模式") && !s[0].contains("服务器已断开")
    });
    assert!(
        back.elapsed() < Duration::from_secs(5),
        "reconnected after {:?}",
        back.elapsed()
    );

    // Another client imports one target through the restarted server; the TUI shows it.
    let code = shuangsui::domain::CreditCode::complete("91530125QQ0000002")
        .expect("17 valid characters")
        .to_string();
    let file = dir.path().join("one.csv");
    std::fs::write(
        &file,
        format!(
            "企业名称,统一社会信用代码,所在地区,行业类别,管理类别,许可证编号,生产经营场所地址\n\
             宜良县重连测试厂,{code},狗街镇,化学原料制造,登记管理,{code}001P,宜良县狗街镇某村2组\n"
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

    // Requests work on the new connection: the filter finds the new target.
    t.send("/");
    t.send("重连测试");
    t.wait_until("the new target listed", |s| {
        s.iter().skip(4).any(|r| r.contains("宜良县重连测试厂"))
    });
    t.send("\r");
    // Requests on the new connection: the audit tab fetches the log's tail and verifies it
    // through the server; the newest entry is the import made after the restart (a file in
    // the temporary directory, where the demo's come from fixtures/).
    t.send("7");
    t.wait_until("the audit tab from the server", |s| {
        s[2].contains("校验通过") && s[4].contains("检查对象：/")
    });
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
