//! The real binary in an 80x24 pseudo-terminal: help opens and closes, the filter finds the
//! town 狗街镇, q quits, and the terminal is restored (alternate screen left, exit status 0).
//! The screen is reconstructed from the byte stream with a VT100 emulator.

#![cfg(unix)]

use expectrl::{Eof, Regex, Session};
use std::process::Command;
use std::time::{Duration, Instant};

const ROWS: u16 = 24;
const COLS: u16 = 80;

struct Term {
    session: Session,
    bytes: Vec<u8>,
}

impl Term {
    /// Read what the program wrote until the reconstructed screen satisfies `done`.
    fn wait_until(&mut self, what: &str, done: impl Fn(&[String]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        self.session
            .set_expect_timeout(Some(Duration::from_millis(200)));
        loop {
            if done(&self.screen()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "waiting for {what}; screen:\n{}",
                self.screen().join("\n")
            );
            if let Ok(c) = self.session.expect(Regex("(?s).+")) {
                self.bytes.extend_from_slice(c.as_bytes());
            }
        }
    }

    fn send(&mut self, s: &str) {
        self.session.send(s).expect("write to the pty");
    }

    fn screen(&self) -> Vec<String> {
        let mut p = vt100::Parser::new(ROWS, COLS, 0);
        p.process(&self.bytes);
        p.screen().rows(0, COLS).collect()
    }
}

#[test]
fn demo_in_a_pty_filters_and_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shuangsui"));
    cmd.args(["--demo", "--symbols", "unicode"])
        .env("COLUMNS", COLS.to_string())
        .env("LINES", ROWS.to_string())
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("NO_COLOR", "1")
        .env("SHUANGSUI_LOG", dir.path().join("log.txt"))
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

    // First frame: the registries tab with the targets table.
    t.wait_until("the first frame", |s| {
        s[1].contains("名录库") && s[3].contains("信用代码") && s[4].contains("▶")
    });

    t.send("?");
    t.wait_until("the help popup", |s| {
        s.iter().any(|r| r.contains("帮助 · 列表"))
    });
    t.send("\x1b");
    t.wait_until("help closed", |s| {
        !s.iter().any(|r| r.contains("帮助 · 列表"))
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
