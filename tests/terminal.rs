//! The terminals Chinese offices use: a GBK locale gets readable guidance and exit status 3
//! before any screen is drawn; `--force-utf8` starts anyway; the width probe's answers choose
//! the symbol set; backspace as 0x08 or 0x7f deletes one whole Chinese character in the filter
//! with the cursor right after the wide characters; `doctor` reports.
//!
//! The pty tests run the real binary in an 80x24 pseudo-terminal and rebuild the screen from
//! the byte stream with a VT100 emulator (as tests/tui_pty.rs does).

use assert_cmd::Command as AssertCommand;

const ENTER_ALT: &[u8] = b"\x1b[?1049h";

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn isolated(cmd: &mut AssertCommand, dir: &std::path::Path) {
    cmd.env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .env("SHUANGSUI_LOG", dir.join("log.txt"))
        .env(
            "SHUANGSUI_KEY",
            std::path::Path::new(&dir.join("log.txt")).with_extension("key"),
        )
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("HOME", dir);
}

#[test]
fn gbk_locale_gets_gbk_guidance_and_exit_3_without_the_alternate_screen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = AssertCommand::cargo_bin("shuangsui").expect("binary");
    isolated(&mut cmd, dir.path());
    let out = cmd
        .args(["--demo"])
        .env("LANG", "zh_CN.GBK")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    for stream in [&out.stdout, &out.stderr] {
        assert!(!contains(stream, ENTER_ALT), "no alternate screen");
    }
    assert!(
        std::str::from_utf8(&out.stderr).is_err(),
        "the Chinese part is GBK, not UTF-8"
    );
    let (text, _, errors) = encoding_rs::GBK.decode(&out.stderr);
    assert!(!errors, "{text}");
    for needle in [
        "Xshell：文件 → 属性 → 终端 → 编码",
        "SecureCRT：会话选项",
        "PuTTY：Window → Translation",
        "export LANG=zh_CN.UTF-8",
        "Switch the terminal and the server to UTF-8",
    ] {
        assert!(text.contains(needle), "{needle} in\n{text}");
    }
    assert!(
        text.find("请把终端").unwrap_or(usize::MAX) < text.find("Switch").unwrap_or(0),
        "Chinese first"
    );
}

#[test]
fn lc_all_gb18030_wins_over_a_utf8_lang() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = AssertCommand::cargo_bin("shuangsui").expect("binary");
    isolated(&mut cmd, dir.path());
    let out = cmd
        .args(["--demo"])
        .env("LANG", "zh_CN.UTF-8")
        .env("LC_ALL", "zh_CN.GB18030")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    let (text, _, errors) = encoding_rs::GB18030.decode(&out.stderr);
    assert!(!errors);
    assert!(
        text.contains("LC_ALL=zh_CN.GB18030") && text.contains("PuTTY"),
        "{text}"
    );
}

#[test]
fn a_bad_config_file_names_file_and_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config").join("shuangsui");
    std::fs::create_dir_all(&config).expect("mkdir");
    std::fs::write(config.join("config.toml"), "# x\nsymbols = \"fancy\"\n").expect("write");
    let mut cmd = AssertCommand::cargo_bin("shuangsui").expect("binary");
    isolated(&mut cmd, dir.path());
    let out = cmd
        .args(["--demo", "--lang", "en"])
        .env("LANG", "C.UTF-8")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config.toml") && err.contains("line 2") && err.contains("fancy"),
        "{err}"
    );
    assert!(!contains(&out.stdout, ENTER_ALT));
}

#[test]
fn doctor_without_a_terminal_reports_locale_and_pattern() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = AssertCommand::cargo_bin("shuangsui").expect("binary");
    isolated(&mut cmd, dir.path());
    let out = cmd
        .args(["doctor", "--lang", "en"])
        .env("LANG", "zh_CN.GBK")
        .env("TERM", "xterm")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let (text, _, errors) = encoding_rs::GBK.decode(&out.stdout);
    assert!(!errors);
    for needle in [
        "LANG     zh_CN.GBK",
        "encoding: GBK",
        "not probed",
        "symbol set: ascii",
        "+----------+",
        "┌──────────┐",
        "宜良县狗街镇水泥厂|",
    ] {
        assert!(text.contains(needle), "{needle} in\n{text}");
    }
}

#[cfg(unix)]
mod pty {
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
        fn spawn(args: &[&str], lang: &str, dir: &std::path::Path) -> Term {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_shuangsui"));
            cmd.args(args)
                .env_remove("LC_ALL")
                .env_remove("LC_CTYPE")
                .env("COLUMNS", COLS.to_string())
                .env("LINES", ROWS.to_string())
                .env("TERM", "xterm-256color")
                .env("LANG", lang)
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

        /// Read until `done` holds for the bytes so far.
        fn wait_bytes(&mut self, what: &str, done: impl Fn(&[u8]) -> bool) {
            let deadline = Instant::now() + Duration::from_secs(30);
            self.session
                .set_expect_timeout(Some(Duration::from_millis(100)));
            loop {
                if done(&self.bytes) {
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

        fn wait_until(&mut self, what: &str, done: impl Fn(&[String]) -> bool) {
            let screen = |b: &[u8]| parser(b).screen().rows(0, COLS).collect::<Vec<_>>();
            self.wait_bytes(what, |b| done(&screen(b)));
        }

        fn send(&mut self, s: &[u8]) {
            self.session.send(s).expect("write to the pty");
        }

        fn screen(&self) -> Vec<String> {
            parser(&self.bytes).screen().rows(0, COLS).collect()
        }

        /// Quit with q and return the exit status and everything written.
        fn quit(mut self) -> (expectrl::WaitStatus, expectrl::WaitStatus, Vec<u8>) {
            self.send(b"q");
            self.finish(0)
        }

        fn finish(mut self, code: i32) -> (expectrl::WaitStatus, expectrl::WaitStatus, Vec<u8>) {
            self.session
                .set_expect_timeout(Some(Duration::from_secs(30)));
            match self.session.expect(Eof) {
                Ok(rest) => self.bytes.extend_from_slice(rest.as_bytes()),
                Err(e) => {
                    // Never hang the test run on a program that did not quit.
                    let _ = self.session.get_process_mut().exit(true);
                    panic!(
                        "the program did not end: {e}; screen:\n{}",
                        self.screen().join("\n")
                    );
                }
            }
            let status = self.session.get_process().wait().expect("wait");
            let pid = self.session.get_process().pid();
            (status, expectrl::WaitStatus::Exited(pid, code), self.bytes)
        }
    }

    fn parser(bytes: &[u8]) -> vt100::Parser {
        let mut p = vt100::Parser::new(ROWS, COLS, 0);
        p.process(bytes);
        p
    }

    fn count(hay: &[u8], needle: &[u8]) -> usize {
        hay.windows(needle.len()).filter(|w| *w == needle).count()
    }

    #[test]
    fn force_utf8_starts_under_a_gbk_locale_without_guidance() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut t = Term::spawn(&["--demo", "--force-utf8"], "zh_CN.GBK", dir.path());
        // The probe gets no answer from the emulator; the GBK locale then means ASCII symbols.
        t.wait_until("the first frame", |s| {
            s[3].contains("信用代码") && s[4].starts_with('>')
        });
        let (status, expected, bytes) = t.quit();
        assert_eq!(status, expected);
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("Xshell") && !text.contains("PuTTY"));
        assert!(super::contains(&bytes, super::ENTER_ALT));
    }

    #[test]
    fn probe_answers_choose_ascii_when_ambiguous_characters_are_wide() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut t = Term::spawn(&["--demo"], "zh_CN.UTF-8", dir.path());
        // First question: where is the cursor after "─"? Answer: column 3 (it took two).
        t.wait_bytes("the first DSR", |b| count(b, b"\x1b[6n") >= 1);
        assert!(super::contains(&t.bytes, "\r─\x1b[6n".as_bytes()));
        assert!(!super::contains(&t.bytes, super::ENTER_ALT), "probe first");
        t.send(b"\x1b[24;3R");
        // Second: after "中": column 3 (two columns, UTF-8 is decoded).
        t.wait_bytes("the second DSR", |b| count(b, b"\x1b[6n") >= 2);
        assert!(super::contains(&t.bytes, "\r中\x1b[6n".as_bytes()));
        t.send(b"\x1b[24;3R");
        t.wait_until("the first frame in ASCII", |s| {
            s[3].contains("信用代码") && s[4].starts_with('>')
        });
        // The probe's characters were erased before the alternate screen.
        let at = t
            .bytes
            .windows(super::ENTER_ALT.len())
            .position(|w| w == super::ENTER_ALT)
            .unwrap_or(0);
        assert!(super::contains(&t.bytes[..at], b"\r\x1b[2K"));
        let (status, expected, _) = t.quit();
        assert_eq!(status, expected);
    }

    #[test]
    fn probe_answers_keep_unicode_when_ambiguous_characters_are_narrow() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut t = Term::spawn(&["--demo"], "zh_CN.UTF-8", dir.path());
        t.wait_bytes("the first DSR", |b| count(b, b"\x1b[6n") >= 1);
        t.send(b"\x1b[24;2R");
        t.wait_bytes("the second DSR", |b| count(b, b"\x1b[6n") >= 2);
        t.send(b"\x1b[24;3R");
        t.wait_until("the first frame in Unicode", |s| s[4].starts_with('▶'));
        let (status, expected, _) = t.quit();
        assert_eq!(status, expected);
    }

    #[test]
    fn probe_finding_no_utf8_decoding_prints_guidance_and_exits_3() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut t = Term::spawn(&["--demo"], "zh_CN.UTF-8", dir.path());
        t.wait_bytes("the first DSR", |b| count(b, b"\x1b[6n") >= 1);
        t.send(b"\x1b[24;2R");
        t.wait_bytes("the second DSR", |b| count(b, b"\x1b[6n") >= 2);
        // "中" moved the cursor three columns: its three UTF-8 bytes were taken one by one.
        t.send(b"\x1b[24;4R");
        let (status, expected, bytes) = t.finish(3);
        assert_eq!(status, expected);
        assert!(!super::contains(&bytes, super::ENTER_ALT));
        let (text, _, _) = encoding_rs::GBK.decode(&bytes);
        assert!(
            text.contains("Xshell") && text.contains("SecureCRT") && text.contains("PuTTY"),
            "{text}"
        );
        assert!(text.contains("3 columns"), "{text}");
    }

    /// Column of the cell just after `/` where the filter text starts, on `row`.
    fn filter_text_col(p: &vt100::Parser, row: u16, first: &str) -> Option<u16> {
        let s = p.screen();
        (0..COLS - 1).find_map(|c| {
            let here = s.cell(row, c)?.contents();
            let next = s.cell(row, c + 1)?.contents();
            (here == "/" && next == first).then_some(c + 1)
        })
    }

    #[test]
    fn backspace_as_0x08_or_0x7f_deletes_one_chinese_character_in_the_filter() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut t = Term::spawn(&["--demo", "--symbols", "unicode"], "C.UTF-8", dir.path());
        t.wait_until("the first frame", |s| s[4].contains('▶'));
        t.send(b"/");
        t.send("狗街镇".as_bytes());
        t.wait_until("the filter 狗街镇", |s| s[2].contains("/狗街镇"));
        // The text and then the cursor arrive in one frame, but not always in one read: wait for
        // both, then check them.
        let shows = |b: &[u8], text: &str, gone: &str, chars: u16| {
            let p = parser(b);
            let row = p.screen().rows(0, COLS).nth(2).unwrap_or_default();
            row.contains(text)
                && !row.contains(gone)
                && filter_text_col(&p, 2, "狗")
                    .is_some_and(|start| p.screen().cursor_position() == (2, start + 2 * chars))
        };
        t.send(b"\x08");
        t.wait_bytes("狗街 after ^H, cursor after it", |b| {
            shows(b, "/狗街", "/狗街镇", 2)
        });
        let p = parser(&t.bytes);
        let start = filter_text_col(&p, 2, "狗").expect("filter text on row 2");
        assert_eq!(
            p.screen().cursor_position(),
            (2, start + 4),
            "cursor after two wide characters\n{}",
            t.screen().join("\n")
        );
        t.send(b"\x7f");
        t.wait_bytes("狗 after ^?, cursor after it", |b| {
            shows(b, "/狗", "/狗街", 1)
        });
        let p = parser(&t.bytes);
        let start = filter_text_col(&p, 2, "狗").expect("filter text on row 2");
        assert_eq!(p.screen().cursor_position(), (2, start + 2));
        // Enter leaves the filter (an Esc right before q would arrive as alt-q).
        t.send(b"\r");
        let (status, expected, _) = t.quit();
        assert_eq!(status, expected);
    }

    #[test]
    fn bracketed_paste_of_chinese_lands_in_the_filter() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut t = Term::spawn(&["--demo", "--symbols", "unicode"], "C.UTF-8", dir.path());
        t.wait_until("the first frame", |s| s[4].contains('▶'));
        assert!(
            super::contains(&t.bytes, b"\x1b[?2004h"),
            "bracketed paste on"
        );
        t.send(b"/");
        // "q" inside a paste is text, not quit.
        t.send("\x1b[200~狗街q\x1b[201~".as_bytes());
        t.wait_until("the pasted filter", |s| s[2].contains("/狗街q"));
        t.send(b"\x7f\r");
        t.wait_until("the filter applied", |s| {
            s[2].contains("/狗街") && s[4].contains("狗街")
        });
        let (status, expected, bytes) = t.quit();
        assert_eq!(status, expected);
        assert!(
            super::contains(&bytes, b"\x1b[?2004l"),
            "bracketed paste off"
        );
    }
}
