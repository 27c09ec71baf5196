//! Key names: parsing `"ctrl-s"`, `"pgdn"`, `"狗"` into a [`Key`], showing one, and making a
//! terminal's key event look the same whichever terminal sent it ([`normalize`]).

use crate::i18n::Lang;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use std::fmt;

/// Make one physical key press look the same whichever terminal sent it.
///
/// * A character keeps its case and loses `SHIFT` (crossterm reports `G` as `Char('G')` with
///   `SHIFT`; the keymap writes `"G"`). With `CONTROL`, ASCII letters are lower-cased: legacy
///   terminals cannot tell ctrl-shift-s from ctrl-s.
/// * `ctrl-h` becomes `Backspace`: many terminals send ^H (0x08) for the backspace key, and
///   crossterm's Unix parser maps bytes 0x01..=0x1A to ctrl-letter, so 0x08 arrives as ctrl-h
///   (`crossterm-0.29 src/event/sys/unix/parse.rs`, `parse_event`). 0x7F arrives as
///   `Backspace` already.
/// * `shift-tab` becomes `BackTab`, and `BackTab` loses its `SHIFT`.
/// * Home and End need nothing here: crossterm's parser already maps all their escape variants
///   to `KeyCode::Home` / `KeyCode::End`: `ESC [ H` / `ESC [ F` and `ESC O H` / `ESC O F`
///   (`parse_csi`, `parse_event`), and `ESC [ 1 ~` / `ESC [ 7 ~` (Home) and `ESC [ 4 ~` /
///   `ESC [ 8 ~` (End) in `parse_csi_special_key_code` (checked in the crossterm 0.29.0
///   source; the parser is crate-private, so no test here can feed it bytes).
///
/// The event kind and state are reset to a plain press, so that the keymap compares keys only.
/// (The app drops `Release` events before calling this.)
pub fn normalize(event: KeyEvent) -> KeyEvent {
    let mut code = event.code;
    let mut mods = event.modifiers;
    match code {
        KeyCode::Char(c) => {
            mods.remove(KeyModifiers::SHIFT);
            if mods.contains(KeyModifiers::CONTROL) {
                let lower = c.to_ascii_lowercase();
                if lower == 'h' && mods == KeyModifiers::CONTROL {
                    code = KeyCode::Backspace;
                    mods = KeyModifiers::NONE;
                } else {
                    code = KeyCode::Char(lower);
                }
            }
        }
        KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
            code = KeyCode::BackTab;
            mods.remove(KeyModifiers::SHIFT);
        }
        KeyCode::BackTab => mods.remove(KeyModifiers::SHIFT),
        _ => {}
    }
    KeyEvent::new_with_kind_and_state(code, mods, KeyEventKind::Press, KeyEventState::NONE)
}

/// One normalised key press: a key code and its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

/// Why a key name in a keymap file is not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyNameError {
    Empty,
    UnknownName(String),
    /// `shift-` with a character: write the character itself (`"G"`, `"?"`).
    ShiftWithChar,
    /// `ctrl-` with an upper-case letter: terminals cannot tell it from the lower-case one.
    CtrlUpper,
    /// A ctrl chord that terminals send as another key (`ctrl-h` is backspace, `ctrl-i` tab,
    /// `ctrl-m` enter, `ctrl-[` esc).
    Indistinguishable {
        same_as: &'static str,
    },
}

impl KeyNameError {
    pub fn localize(&self, lang: Lang) -> String {
        use KeyNameError::*;
        match (self, lang) {
            (Empty, Lang::Zh) => "按键名为空".into(),
            (Empty, Lang::En) => "empty key name".into(),
            (UnknownName(n), Lang::Zh) => format!(
                "未知按键名 {n:?}（可用：单个字符，或 esc enter tab backtab backspace delete \
                 insert space up down left right home end pgup pgdn f1-f12，可加 ctrl- alt- \
                 shift- 前缀）"
            ),
            (UnknownName(n), Lang::En) => format!(
                "unknown key name {n:?} (use a single character, or esc enter tab backtab \
                 backspace delete insert space up down left right home end pgup pgdn f1-f12, \
                 optionally prefixed by ctrl- alt- shift-)"
            ),
            (ShiftWithChar, Lang::Zh) => {
                "字符键不加 shift-，直接写大写字母或符号（如 \"G\"、\"?\"）".into()
            }
            (ShiftWithChar, Lang::En) => {
                "no shift- with a character: write the character itself (\"G\", \"?\")".into()
            }
            (CtrlUpper, Lang::Zh) => {
                "终端无法区分 ctrl 加大写字母与小写字母，请写小写（如 ctrl-s）".into()
            }
            (CtrlUpper, Lang::En) => {
                "terminals cannot tell ctrl with an upper-case letter from lower-case: write ctrl-s"
                    .into()
            }
            (Indistinguishable { same_as }, Lang::Zh) => {
                format!("终端把这个组合键当作 {same_as} 发送，请改写为 {same_as}")
            }
            (Indistinguishable { same_as }, Lang::En) => {
                format!("terminals send this chord as {same_as}: write {same_as} instead")
            }
        }
    }
}

const NAMED_KEYS: &[(&str, KeyCode)] = &[
    ("esc", KeyCode::Esc),
    ("enter", KeyCode::Enter),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("space", KeyCode::Char(' ')),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pgup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
];

impl Key {
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Key {
        Key::from_event(KeyEvent::new(code, modifiers))
    }

    /// The key of an event, normalised with [`normalize`].
    pub fn from_event(event: KeyEvent) -> Key {
        let e = normalize(event);
        Key {
            code: e.code,
            modifiers: e.modifiers,
        }
    }

    /// Parse a key name as written in a keymap file (`"ctrl-s"`, `"G"`, `"pgdn"`, `"f11"`).
    pub fn parse(text: &str) -> Result<Key, KeyNameError> {
        if text.is_empty() {
            return Err(KeyNameError::Empty);
        }
        let mut rest = text;
        let mut mods = KeyModifiers::NONE;
        // A lone character is always the character itself: "-" is the minus key.
        while rest.chars().count() > 1 {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                mods |= KeyModifiers::ALT;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("shift-") {
                mods |= KeyModifiers::SHIFT;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (None, _) => return Err(KeyNameError::UnknownName(text.to_string())),
            (Some(c), None) => {
                if c.is_control() {
                    return Err(KeyNameError::UnknownName(text.to_string()));
                }
                if mods.contains(KeyModifiers::SHIFT) {
                    return Err(KeyNameError::ShiftWithChar);
                }
                if mods.contains(KeyModifiers::CONTROL) {
                    if c.is_ascii_uppercase() {
                        return Err(KeyNameError::CtrlUpper);
                    }
                    let same_as = match c {
                        'h' => Some("backspace"),
                        'i' => Some("tab"),
                        'm' => Some("enter"),
                        '[' => Some("esc"),
                        _ => None,
                    };
                    if let Some(same_as) = same_as {
                        return Err(KeyNameError::Indistinguishable { same_as });
                    }
                }
                KeyCode::Char(c)
            }
            _ => {
                if let Some((_, code)) = NAMED_KEYS.iter().find(|(n, _)| *n == rest) {
                    *code
                } else if let Some(n) = rest
                    .strip_prefix('f')
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=12).contains(n) && !rest.starts_with("f0"))
                {
                    KeyCode::F(n)
                } else {
                    return Err(KeyNameError::UnknownName(text.to_string()));
                }
            }
        };
        if code == KeyCode::Char(' ') && mods.contains(KeyModifiers::SHIFT) {
            return Err(KeyNameError::ShiftWithChar);
        }
        Ok(Key::new(code, mods))
    }

    /// A function key or an alt chord: allowed in the default keymap only as an alias of a plain
    /// or ctrl binding (some terminals and remote sessions swallow them).
    pub fn is_fn_or_alt(&self) -> bool {
        matches!(self.code, KeyCode::F(_)) || self.modifiers.contains(KeyModifiers::ALT)
    }

    fn is_plain_char(&self) -> bool {
        matches!(self.code, KeyCode::Char(c) if c != ' ') && self.modifiers.is_empty()
    }
}

impl fmt::Display for Key {
    /// The canonical key name, the same syntax [`Key::parse`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            code => match NAMED_KEYS.iter().find(|(_, k)| *k == code) {
                Some((name, _)) => f.write_str(name),
                None => write!(f, "{code:?}"),
            },
        }
    }
}

/// Show a chord: `gg` for a sequence of plain characters, else names joined by spaces
/// (`ctrl-x ctrl-s`, `ctrl-s`, `enter`).
pub fn chord_text(chord: &[Key]) -> String {
    if chord.len() > 1 && chord.iter().all(Key::is_plain_char) {
        chord.iter().map(|k| k.to_string()).collect()
    } else {
        chord
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    }
}
