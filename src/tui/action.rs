//! Everything a user can ask the TUI to do, as one enum.
//!
//! A feature is one [`Action`] variant, its snake_case name in the keymap files, and one match
//! arm in the app's `update`. The names are the keymap's vocabulary: `keymaps/*.toml` write
//! `action = "change_status"`, the command palette lists [`Action::ALL`] with
//! [`Action::describe`], and the help screen shows the same descriptions.
//!
//! Not here: what an action does (that is the app's `update`) and which keys trigger it (that is
//! the keymap).

use crate::i18n::Lang;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

macro_rules! actions {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, $zh:literal, $en:literal; )+) => {
        /// A user intention, independent of the key that expressed it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $( $(#[$doc])* $variant, )+
        }

        impl Action {
            /// Every action, in the order the command palette lists them.
            pub const ALL: &'static [Action] = &[ $( Action::$variant, )+ ];

            /// The snake_case name used in keymap files (`action = "..."`).
            pub fn name(self) -> &'static str {
                match self { $( Action::$variant => $name, )+ }
            }

            /// The default short description, as shown in the status bar, help and palette.
            pub fn describe(self, lang: Lang) -> &'static str {
                match self { $( Action::$variant => lang.pick($zh, $en), )+ }
            }
        }
    };
}

actions! {
    /// Leave the application.
    Quit => "quit", "退出", "Quit";
    /// Show the key help, generated from the loaded keymap.
    Help => "help", "帮助", "Help";
    /// Open the command palette (every action, searchable).
    Palette => "palette", "命令", "Commands";
    NextTab => "next_tab", "下一页", "Next tab";
    PrevTab => "prev_tab", "上一页", "Previous tab";
    /// Tab 1 (also accepted as `tab_1`).
    GoDashboard => "go_dashboard", "总览", "Dashboard";
    /// Tab 2 (`tab_2`).
    GoRegistries => "go_registries", "名录库", "Registries";
    /// Tab 3 (`tab_3`).
    GoPlans => "go_plans", "抽查计划", "Plans";
    /// Tab 4 (`tab_4`).
    GoDraws => "go_draws", "抽取", "Draws";
    /// Tab 5 (`tab_5`).
    GoTasks => "go_tasks", "任务进度", "Tasks";
    /// Tab 6 (`tab_6`).
    GoPublication => "go_publication", "结果公示", "Publication";
    /// Tab 7 (`tab_7`).
    GoAudit => "go_audit", "审计", "Audit";
    Up => "up", "上移", "Up";
    Down => "down", "下移", "Down";
    PageUp => "page_up", "上翻页", "Page up";
    PageDown => "page_down", "下翻页", "Page down";
    Top => "top", "到顶部", "Top";
    Bottom => "bottom", "到底部", "Bottom";
    /// Scroll a wide table left.
    Left => "left", "左移", "Left";
    /// Scroll a wide table right.
    Right => "right", "右移", "Right";
    /// Open the `/` filter line of the current list.
    Filter => "filter", "筛选", "Filter";
    ClearFilter => "clear_filter", "清除筛选", "Clear filter";
    SortNextColumn => "sort_next_column", "排序列", "Sort column";
    SortReverse => "sort_reverse", "反向排序", "Reverse sort";
    /// Next registry: targets → inspectors → departments → conflicts.
    NextRegistry => "next_registry", "下一名录", "Next registry";
    PrevRegistry => "prev_registry", "上一名录", "Previous registry";
    /// Open the selected row (its detail or its form).
    Select => "select", "打开", "Open";
    /// Show or hide the detail pane.
    Detail => "detail", "详情", "Details";
    Add => "add", "新增", "Add";
    Edit => "edit", "编辑", "Edit";
    ChangeStatus => "change_status", "变更状态", "Change status";
    Import => "import", "导入", "Import";
    Export => "export", "导出", "Export";
    /// Save a form.
    Save => "save", "保存", "Save";
    Cancel => "cancel", "取消", "Cancel";
    Confirm => "confirm", "确认", "Confirm";
    NextField => "next_field", "下一项", "Next field";
    PrevField => "prev_field", "上一项", "Previous field";
    /// Delete the character before the cursor.
    Backspace => "backspace", "删除前一字", "Delete back";
    /// Delete the character under the cursor.
    DeleteChar => "delete_char", "删除后一字", "Delete forward";
    CursorLeft => "cursor_left", "光标左移", "Cursor left";
    CursorRight => "cursor_right", "光标右移", "Cursor right";
    /// Delete everything before the cursor.
    DeleteToStart => "delete_to_start", "删除光标前全部", "Delete to start";
    /// Delete the word before the cursor.
    DeleteWord => "delete_word", "删除前一词", "Delete word";
    /// Cursor to the start of the input.
    Home => "home", "行首", "Line start";
    /// Cursor to the end of the input.
    End => "end", "行尾", "Line end";
    /// Large type for projecting the dashboard in a meeting.
    TogglePresentation => "toggle_presentation", "演示模式", "Presentation";
    Refresh => "refresh", "刷新", "Refresh";
    NewDraw => "new_draw", "新建抽取", "New draw";
    /// Void a draw (with a recorded reason); a draw is never redrawn.
    VoidDraw => "void_draw", "作废抽取", "Void draw";
    /// Record that the inspection of a task took place.
    TaskCheck => "task_check", "登记检查", "Record check";
    /// Record the result phrase of a task.
    TaskResult => "task_result", "录入结果", "Enter result";
    /// Mark a task's result as published.
    TaskPublish => "task_publish", "公示", "Publish";
    /// Record that a task's result is not published (secrecy, national or public security),
    /// with a reason.
    TaskExempt => "task_exempt", "不予公示", "Exempt from publication";
    /// Record the follow-up of a violation found (hand-over to enforcement, rectification,
    /// case, transfer to the judiciary).
    TaskFollowUp => "task_follow_up", "后续处理", "Follow-up";
    /// Only the tasks of the inspector mapped to the user (the roles file's `[inspectors]`).
    Mine => "mine", "我的任务", "My tasks";
    /// Fairness over the three years up to the dashboard's period (issue 18).
    Coverage => "coverage", "抽查覆盖", "Coverage";
}

/// `tab_1` … `tab_7`, accepted in keymap files as aliases of the `go_*` actions.
const TAB_ALIASES: [(&str, Action); 7] = [
    ("tab_1", Action::GoDashboard),
    ("tab_2", Action::GoRegistries),
    ("tab_3", Action::GoPlans),
    ("tab_4", Action::GoDraws),
    ("tab_5", Action::GoTasks),
    ("tab_6", Action::GoPublication),
    ("tab_7", Action::GoAudit),
];

impl Action {
    /// Parse a keymap name (`"change_status"`, or an alias such as `"tab_3"`).
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL
            .iter()
            .copied()
            .find(|a| a.name() == name)
            .or_else(|| {
                TAB_ALIASES
                    .iter()
                    .find(|(alias, _)| *alias == name)
                    .map(|(_, a)| *a)
            })
    }

    /// The tab an action jumps to (0-based), if it is one of the `go_*` actions.
    pub fn tab_index(self) -> Option<usize> {
        TAB_ALIASES.iter().position(|(_, a)| *a == self)
    }

    /// The `go_*` action of tab `index` (0-based).
    pub fn go_tab(index: usize) -> Option<Action> {
        TAB_ALIASES.get(index).map(|(_, a)| *a)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Action::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown action {name:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_snake_case_and_round_trip() {
        let mut seen = HashSet::new();
        for &a in Action::ALL {
            let name = a.name();
            assert!(seen.insert(name), "duplicate name {name}");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{name} is not snake_case"
            );
            assert_eq!(Action::from_name(name), Some(a));
        }
        assert_eq!(Action::from_name("no_such_action"), None);
        assert_eq!(Action::from_name("Quit"), None, "names are case-sensitive");
    }

    #[test]
    fn every_action_has_both_descriptions() {
        for &a in Action::ALL {
            let zh = a.describe(Lang::Zh);
            let en = a.describe(Lang::En);
            assert!(!zh.is_empty() && !en.is_empty(), "{a}");
            assert!(!zh.is_ascii(), "{a}: zh text {zh:?}");
            assert!(en.is_ascii(), "{a}: en text {en:?}");
        }
    }

    #[test]
    fn tab_aliases_map_to_go_actions_in_order() {
        assert_eq!(Action::from_name("tab_1"), Some(Action::GoDashboard));
        assert_eq!(Action::from_name("tab_7"), Some(Action::GoAudit));
        assert_eq!(Action::from_name("tab_8"), None);
        assert_eq!(Action::GoTasks.tab_index(), Some(4));
        assert_eq!(Action::go_tab(1), Some(Action::GoRegistries));
        assert_eq!(Action::Quit.tab_index(), None);
    }

    #[test]
    fn serde_uses_the_keymap_names() {
        #[derive(Deserialize, Serialize)]
        struct W {
            a: Action,
        }
        let w: W = toml::from_str("a = \"sort_next_column\"").expect("valid");
        assert_eq!(w.a, Action::SortNextColumn);
        let w: W = toml::from_str("a = \"tab_2\"").expect("alias");
        assert_eq!(w.a, Action::GoRegistries);
        assert!(toml::from_str::<W>("a = \"sortNextColumn\"").is_err());
        let out = toml::to_string(&W {
            a: Action::VoidDraw,
        })
        .expect("serialize");
        assert_eq!(out.trim(), "a = \"void_draw\"");
    }
}
