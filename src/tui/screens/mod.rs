//! The screens (tabs) of the TUI.
//!
//! [`Tab`] names a screen; the app keeps the current one and routes actions and drawing by it
//! (never by an index). Each screen has its own table in the keymap files (`[dashboard]`,
//! `[registries]` …, named by [`Tab::name`]), which also gives its help, palette and
//! status-bar hints.

use crate::i18n::Lang;

/// One screen of the TUI, in the order of the tab bar (keys 1 to 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tab {
    Dashboard,
    Registries,
    Plans,
    Draws,
    Tasks,
    Publication,
    Audit,
}

impl Tab {
    /// Every screen, in tab-bar order.
    pub const ALL: [Tab; 7] = [
        Tab::Dashboard,
        Tab::Registries,
        Tab::Plans,
        Tab::Draws,
        Tab::Tasks,
        Tab::Publication,
        Tab::Audit,
    ];

    /// Its position in the tab bar (0-based; the key is one more).
    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// The screen at position `index` (0-based) of the tab bar.
    pub fn from_index(index: usize) -> Option<Tab> {
        Tab::ALL.get(index).copied()
    }

    /// The screen after this one, wrapping round.
    pub fn next(self) -> Tab {
        Tab::ALL[(self.index() + 1) % Tab::ALL.len()]
    }

    /// The screen before this one, wrapping round.
    pub fn prev(self) -> Tab {
        Tab::ALL[(self.index() + Tab::ALL.len() - 1) % Tab::ALL.len()]
    }

    /// Its title in the tab bar.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Tab::Dashboard => lang.pick("总览", "Dashboard"),
            Tab::Registries => lang.pick("名录库", "Registries"),
            Tab::Plans => lang.pick("抽查计划", "Plans"),
            Tab::Draws => lang.pick("抽取", "Draws"),
            Tab::Tasks => lang.pick("任务进度", "Tasks"),
            Tab::Publication => lang.pick("结果公示", "Publication"),
            Tab::Audit => lang.pick("审计", "Audit"),
        }
    }

    /// Its table name in the keymap files.
    pub fn name(self) -> &'static str {
        match self {
            Tab::Dashboard => "dashboard",
            Tab::Registries => "registries",
            Tab::Plans => "plans",
            Tab::Draws => "draws",
            Tab::Tasks => "tasks",
            Tab::Publication => "publication",
            Tab::Audit => "audit",
        }
    }

    /// Whether the screen shows a list moved through with the `[list]` keys (↑ ↓ PgUp …).
    pub fn has_list(self) -> bool {
        self != Tab::Dashboard
    }

    /// Whether the screen shows the figures of a period (reloaded on entering it).
    pub fn shows_figures(self) -> bool {
        matches!(self, Tab::Dashboard | Tab::Tasks | Tab::Publication)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_wrap_round_and_index_back() {
        assert_eq!(Tab::Audit.next(), Tab::Dashboard);
        assert_eq!(Tab::Dashboard.prev(), Tab::Audit);
        for (i, t) in Tab::ALL.into_iter().enumerate() {
            assert_eq!(t.index(), i);
            assert_eq!(Tab::from_index(i), Some(t));
        }
        assert_eq!(Tab::from_index(7), None);
    }
}
