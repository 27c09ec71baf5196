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

/// The audit log's action ids (as the office writes them, and the CLI and `--json` show them)
/// and their names on screen, Chinese and English.
const AUDIT_ACTIONS: [(&str, &str, &str); 30] = [
    ("draw", "抽取", "draw"),
    ("draw announce", "抽取公告", "draw announcement"),
    ("draw infeasible", "无法抽取", "infeasible draw"),
    ("void draw", "作废抽取", "void draw"),
    ("import targets", "导入检查对象", "import targets"),
    ("import inspectors", "导入检查人员", "import inspectors"),
    ("import departments", "导入部门", "import departments"),
    ("import conflicts", "导入回避关系", "import conflicts"),
    ("import plans", "导入抽查计划", "import plans"),
    ("import items", "导入抽查事项", "import items"),
    ("seed items", "载入抽查事项清单", "seed item list"),
    ("rules seed", "载入抽查规则", "seed rules"),
    ("rules import", "导入抽查规则", "import rules"),
    ("calendar import", "导入工作日历", "import calendar"),
    ("target add", "新增检查对象", "add target"),
    ("target edit", "编辑检查对象", "edit target"),
    ("target status", "检查对象状态", "target status"),
    ("inspector status", "检查人员状态", "inspector status"),
    ("plan add", "新增抽查计划", "add plan"),
    ("plan edit", "编辑抽查计划", "edit plan"),
    ("plan window", "计划排除期", "plan window"),
    ("task check", "登记检查", "record check"),
    ("task result", "登记结果", "record result"),
    ("task publish", "登记公示", "record publication"),
    ("task exempt", "不予公示", "exempt from publication"),
    ("task follow-up", "后续处理", "follow-up"),
    ("task correct", "更正", "correction"),
    (
        "inspection record",
        "登记抽查外检查",
        "inspection outside the draw",
    ),
    ("violation", "违法问题", "violation"),
    ("restore", "恢复备份", "restore"),
];

/// The name of an audit action on screen; an id this table lacks is shown as it is.
pub fn audit_action(id: &str, lang: crate::i18n::Lang) -> String {
    AUDIT_ACTIONS
        .iter()
        .find(|(a, _, _)| *a == id)
        .map(|(_, zh, en)| lang.pick(zh, en).to_string())
        .unwrap_or_else(|| id.to_string())
}

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
    const COMMAND_WORDS: [&str; 10] = [
        "due --",
        "shuangsui due",
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

    /// Issue 16 ("the audit 操作 column shows English ids"): every action the office writes
    /// while a demo store is made, drawn, followed and voided has a name on screen.
    #[test]
    fn every_audit_action_of_a_working_store_has_a_name() {
        let (office, _dir) = crate::tui::test_support::demo(crate::i18n::Lang::Zh);
        let req = crate::office::DrawRequest {
            plan: 3,
            period: "2022Q3".into(),
            date: chrono::NaiveDate::from_ymd_opt(2022, 7, 5),
            ..Default::default()
        };
        let draw = office.commit_draw(&req).expect("draw");
        office.void_draw(draw.id, "测试作废").expect("void");
        let log = office.audit_tail(1000).expect("audit log");
        assert!(log.len() >= 8, "{} entries", log.len());
        for e in &log {
            let zh = audit_action(&e.action, crate::i18n::Lang::Zh);
            assert!(
                !zh.is_ascii(),
                "audit action {:?} has no Chinese name",
                e.action
            );
        }
        assert_eq!(
            audit_action("void draw", crate::i18n::Lang::En),
            "void draw"
        );
        assert_eq!(
            audit_action("no such id", crate::i18n::Lang::Zh),
            "no such id"
        );
    }
}
