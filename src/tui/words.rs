//! The TUI's words: the office's messages name CLI commands (`（void）`, `（result）`,
//! `用 list 或 verify 确认`), which mean nothing on a screen; here they become the key and
//! the tab that do the same. The test beside greps the TUI's own messages for such words.

/// (CLI wording, TUI wording), Chinese and English.
const REWRITES: [(&str, &str); 6] = [
    ("（void）", "（在「4 抽取」选中后按 v）"),
    (
        "(void it with a reason first)",
        "(void it first: v on tab 4)",
    ),
    ("（result）", "（在「5 任务进度」按 r）"),
    ("(result)", "(r on tab 5)"),
    (
        "请用 list 或 verify 确认",
        "请按 ctrl-r 刷新，并在「7 审计」查看",
    ),
    (
        "check with list or verify whether",
        "refresh with ctrl-r and look in the audit tab (7) whether",
    ),
];

/// `msg` with the CLI's command words replaced by the TUI's keys.
pub fn tui_words(msg: &str) -> String {
    REWRITES
        .iter()
        .fold(msg.to_string(), |m, (cli, tui)| m.replace(cli, tui))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words that are CLI commands, not something a TUI user can do.
    const COMMAND_WORDS: [&str; 8] = [
        "（result）",
        "(result)",
        "（void）",
        "(void)",
        "用 list",
        "list 或",
        "或 verify",
        "verify 确认",
    ];

    fn rs_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                rs_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    #[test]
    fn the_tui_messages_name_no_cli_commands() {
        let mut files = Vec::new();
        rs_files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui"),
            &mut files,
        );
        assert!(files.len() > 20, "{files:?}");
        for f in files {
            let name = f.display().to_string();
            if name.contains("tests") || name.ends_with("words.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&f).expect("read");
            // The string literals (roughly: every other piece between double quotes).
            for lit in text.split('"').skip(1).step_by(2) {
                for w in COMMAND_WORDS {
                    assert!(!lit.contains(w), "{name} shows the CLI word {w:?}: {lit}");
                }
            }
        }
    }

    #[test]
    fn the_offices_command_words_are_rewritten() {
        let (office, _dir) = crate::tui::test_support::demo(crate::i18n::Lang::Zh);
        let req = crate::office::DrawRequest {
            plan: 3,
            period: "2022Q3".into(),
            date: chrono::NaiveDate::from_ymd_opt(2022, 7, 5),
            ..Default::default()
        };
        office.commit_draw(&req).expect("first draw");
        for lang in [crate::i18n::Lang::Zh, crate::i18n::Lang::En] {
            let e = office
                .commit_draw(&req)
                .expect_err("a second draw is refused");
            let shown = tui_words(&e.localize(lang));
            for w in COMMAND_WORDS {
                assert!(!shown.contains(w), "{shown}");
            }
            assert!(shown.contains("v"), "{shown}");
        }
        let lost = crate::server::lost_server(&std::io::Error::other("x"));
        for m in [lost.message_zh, lost.message_en] {
            let shown = tui_words(&m);
            assert!(
                !shown.contains("verify") && !shown.contains(" list "),
                "{shown}"
            );
        }
    }
}
