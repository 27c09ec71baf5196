//! Why a keymap cannot be used: [`KeymapError`], with the file, the line and the chord, in
//! Chinese or English.

use super::KeyNameError;
use super::{Mode, BINDING_FIELDS, PRESETS};
use crate::i18n::Lang;
use crate::tui::action::Action;
use std::fmt;

/// A keymap that cannot be used, with the file and line (when there is one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    pub file: String,
    pub line: Option<usize>,
    pub kind: Box<KeymapErrorKind>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeymapErrorKind {
    Io(String),
    NotUtf8,
    /// Larger than this many bytes.
    TooLarge(u64),
    /// Nothing in the lists quits or opens the palette: the TUI could not be left.
    NoWayOut,
    UnknownPreset(String),
    Syntax(String),
    UnknownMode(String),
    NotATable(String),
    KeysNotAList(Mode),
    /// A table's `hints` is not a list of action names.
    HintsNotAList(Mode),
    /// A table's `hints` names no action.
    UnknownHint {
        mode: Mode,
        action: String,
    },
    BindingNotATable,
    UnknownField {
        field: String,
        chord: Option<String>,
    },
    MissingField {
        field: &'static str,
        chord: Option<String>,
    },
    NotAString {
        field: &'static str,
        chord: String,
    },
    BadOn,
    BadKey {
        chord: String,
        reason: KeyNameError,
    },
    UnknownAction {
        chord: String,
        action: String,
    },
    Duplicate {
        mode: Mode,
        chord: String,
        first_line: usize,
    },
    Shadowing {
        mode: Mode,
        /// The chord on the blamed line.
        chord: String,
        short: String,
        long: String,
        other_file: String,
        other_line: usize,
    },
}

impl KeymapError {
    pub(super) fn new(file: String, line: Option<usize>, kind: KeymapErrorKind) -> KeymapError {
        KeymapError {
            file,
            line,
            kind: Box::new(kind),
        }
    }

    pub fn localize(&self, lang: Lang) -> String {
        let place = match (self.line, lang) {
            (Some(l), Lang::Zh) => format!("键位文件 {} 第 {l} 行", self.file),
            (Some(l), Lang::En) => format!("keymap {}, line {l}", self.file),
            (None, Lang::Zh) => format!("键位文件 {}", self.file),
            (None, Lang::En) => format!("keymap {}", self.file),
        };
        let sep = lang.pick("：", ": ");
        format!("{place}{sep}{}", self.kind.localize(lang))
    }
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::Zh))
    }
}

impl std::error::Error for KeymapError {}

impl KeymapErrorKind {
    pub fn localize(&self, lang: Lang) -> String {
        use KeymapErrorKind::*;
        let modes = Mode::ALL.map(Mode::name).join(" ");
        let zh = lang == Lang::Zh;
        match self {
            Io(e) => {
                if zh {
                    format!("无法读取：{e}")
                } else {
                    format!("cannot read it: {e}")
                }
            }
            NotUtf8 => lang
                .pick("不是 UTF-8 文本，请用 UTF-8 保存", "is not UTF-8 text: save it as UTF-8")
                .into(),
            TooLarge(n) => {
                if zh {
                    format!("文件超过 {n} 字节，不是键位文件")
                } else {
                    format!("is larger than {n} bytes: not a keymap")
                }
            }
            NoWayOut => lang
                .pick(
                    "有页面没有任何键绑定“退出”（quit）或“命令”（palette）：这样将无法离开界面，请至少保留一个",
                    "a screen has no key bound to quit or palette: the TUI could not be left; keep at least one",
                )
                .into(),
            UnknownPreset(p) => {
                let names = PRESETS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(" ");
                if zh {
                    format!("没有名为 {p:?} 的预置键位（可用：{names}）")
                } else {
                    format!("no preset keymap {p:?} (available: {names})")
                }
            }
            Syntax(m) => {
                if zh {
                    format!("TOML 语法错误：{m}")
                } else {
                    format!("TOML syntax error: {m}")
                }
            }
            UnknownMode(m) => {
                if zh {
                    format!("未知模式 [{m}]（可用：{modes}）")
                } else {
                    format!("unknown mode [{m}] (known: {modes})")
                }
            }
            NotATable(m) => {
                if zh {
                    format!("{m} 应为表 [{m}]")
                } else {
                    format!("{m} must be a table [{m}]")
                }
            }
            KeysNotAList(m) => {
                if zh {
                    format!("[{m}] 的 keys 应为列表 keys = [ {{ on = ..., action = ... }} ]")
                } else {
                    format!("keys of [{m}] must be a list: keys = [ {{ on = ..., action = ... }} ]")
                }
            }
            HintsNotAList(m) => {
                if zh {
                    format!("[{m}] 的 hints 应为动作名列表，如 hints = [\"help\", \"quit\"]")
                } else {
                    format!("hints of [{m}] must be a list of action names: hints = [\"help\", \"quit\"]")
                }
            }
            UnknownHint { mode, action } => {
                let hint = suggest_action(action);
                match (hint, zh) {
                    (Some(h), true) => {
                        format!("[{mode}] 的 hints 中有未知动作 {action:?}（是否想写 {h:?}？）")
                    }
                    (Some(h), false) => format!(
                        "hints of [{mode}] name an unknown action {action:?} (did you mean {h:?}?)"
                    ),
                    (None, true) => format!("[{mode}] 的 hints 中有未知动作 {action:?}"),
                    (None, false) => {
                        format!("hints of [{mode}] name an unknown action {action:?}")
                    }
                }
            }
            BindingNotATable => lang
                .pick(
                    "keys 的每一项应为 { on = ..., action = ... }",
                    "each item of keys must be { on = ..., action = ... }",
                )
                .into(),
            UnknownField { field, chord } => {
                let allowed = BINDING_FIELDS.join(" ");
                match (chord, zh) {
                    (Some(c), true) => format!(
                        "按键 {c:?} 的绑定中有未知字段 {field:?}（可用：{allowed}）"
                    ),
                    (Some(c), false) => format!(
                        "binding of {c:?} has an unknown field {field:?} (known: {allowed})"
                    ),
                    (None, true) => format!("未知字段 {field:?}（模式表中只能有 keys 和 hints）"),
                    (None, false) => {
                        format!("unknown field {field:?} (a mode table holds only keys and hints)")
                    }
                }
            }
            MissingField { field, chord } => match (chord, zh) {
                (Some(c), true) => format!("按键 {c:?} 的绑定缺少 {field}"),
                (Some(c), false) => format!("binding of {c:?} lacks {field}"),
                (None, true) => format!("绑定缺少 {field}"),
                (None, false) => format!("binding lacks {field}"),
            },
            NotAString { field, chord } => {
                if zh {
                    format!("按键 {chord:?} 的 {field} 应为字符串")
                } else {
                    format!("{field} of {chord:?} must be a string")
                }
            }
            BadOn => lang
                .pick(
                    "on 应为按键名或按键名列表，如 on = \"q\" 或 on = [\"g\", \"g\"]",
                    "on must be a key name or a list of key names: on = \"q\" or on = [\"g\", \"g\"]",
                )
                .into(),
            BadKey { chord, reason } => {
                if zh {
                    format!("按键 {chord:?}：{}", reason.localize(lang))
                } else {
                    format!("key {chord:?}: {}", reason.localize(lang))
                }
            }
            UnknownAction { chord, action } => {
                let hint = suggest_action(action);
                match (hint, zh) {
                    (Some(h), true) => format!(
                        "按键 {chord:?} 绑定了未知动作 {action:?}（是否想写 {h:?}？）"
                    ),
                    (Some(h), false) => format!(
                        "key {chord:?} is bound to an unknown action {action:?} (did you mean {h:?}?)"
                    ),
                    (None, true) => format!(
                        "按键 {chord:?} 绑定了未知动作 {action:?}（动作列表见命令面板或 keymaps/default.toml）"
                    ),
                    (None, false) => format!(
                        "key {chord:?} is bound to an unknown action {action:?} (see the command palette or keymaps/default.toml)"
                    ),
                }
            }
            Duplicate {
                mode,
                chord,
                first_line,
            } => {
                if zh {
                    format!("[{mode}] 中按键 {chord:?} 重复绑定（第 {first_line} 行已绑定），请删去其一")
                } else {
                    format!(
                        "key {chord:?} is bound twice in [{mode}] (already on line {first_line}): remove one"
                    )
                }
            }
            Shadowing {
                mode,
                chord,
                short,
                long,
                other_file,
                other_line,
            } => {
                let other = if chord == short { long } else { short };
                if zh {
                    format!(
                        "[{mode}] 中按键 {chord:?} 与 {other:?}（{other_file} 第 {other_line} 行）冲突：\
                         按下 {short:?} 即执行，{long:?} 永远无法输入；请改用别的键，\
                         或用 action = \"unbind\" 解除其一"
                    )
                } else {
                    format!(
                        "in [{mode}] key {chord:?} conflicts with {other:?} ({other_file}, line {other_line}): \
                         {short:?} acts at once, so {long:?} can never be typed; use another key, \
                         or remove one with action = \"unbind\""
                    )
                }
            }
        }
    }
}

/// The known action name closest to a misspelt one, if any is close.
fn suggest_action(name: &str) -> Option<&'static str> {
    Action::ALL
        .iter()
        .map(|a| (edit_distance(name, a.name()), a.name()))
        .filter(|(d, n)| *d <= 2.max(n.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
