//! A pseudo-terminal harness shared by the TUI tests: the real binary in an 80x24 pty, its
//! screen reconstructed from the byte stream with a VT100 emulator.

#![allow(dead_code)]

use expectrl::{Regex, Session};
use std::time::{Duration, Instant};

pub const ROWS: u16 = 24;
pub const COLS: u16 = 80;

/// The binary on the store `db`, with its log, key, config and home inside the test's `dir`
/// (nothing of the machine's own is read or written).
pub fn isolated_bin(db: &std::path::Path, dir: &std::path::Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_shuangsui"));
    c.arg("--db")
        .arg(db)
        .env("SHUANGSUI_LOG", dir.join("log.txt"))
        .env("SHUANGSUI_KEY", dir.join("log.key"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("HOME", dir);
    c
}

pub struct Term {
    pub session: Session,
    pub bytes: Vec<u8>,
}

impl Term {
    /// Read what the program wrote until the reconstructed screen satisfies `done`.
    pub fn wait_until(&mut self, what: &str, done: impl Fn(&[String]) -> bool) {
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

    pub fn send(&mut self, s: &str) {
        self.session.send(s).expect("write to the pty");
    }

    pub fn screen(&self) -> Vec<String> {
        let mut p = vt100::Parser::new(ROWS, COLS, 0);
        p.process(&self.bytes);
        p.screen().rows(0, COLS).collect()
    }
}
