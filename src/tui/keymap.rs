//! Keymaps: which key, in which mode, means which [`Action`].
//!
//! A keymap is data (as in yazi): `keymaps/default.toml` is compiled in and is the single source
//! of the keys, their descriptions and the help screen. A user file (the config directory's
//! `keymap.toml`, or `--keymap FILE`, or the preset `--keymap vim`) is laid over it: the same
//! chord in the same mode takes the user's action; new chords are added; `action = "unbind"`
//! removes a chord.
//!
//! # File format
//!
//! ```toml
//! [global]
//! keys = [
//!   { on = "q", action = "quit" },
//!   { on = "ctrl-s", action = "save", desc = "保存", desc_en = "Save" },
//!   { on = ["g", "g"], action = "top" },
//! ]
//! ```
//!
//! One table per [`Mode`]. `on` is one key or an array of keys (a sequence). `desc` is optional
//! and defaults to [`Action::describe`]; when given it is shown in both languages unless
//! `desc_en` is given too.
//!
//! Key names: a single character (`"q"`, `"?"`, `"G"`, `"狗"`), or `esc enter tab backtab
//! backspace delete insert space up down left right home end pgup pgdn f1`…`f12`, each optionally
//! prefixed with `ctrl-`, `alt-` and (for named keys only) `shift-`.
//!
//! # Loading never guesses
//!
//! A file is rejected, with its name, the line and the chord in a Chinese or English message,
//! for: a TOML syntax error, an unknown mode, an unknown field, an unknown key name, an unknown
//! action, the same chord twice in one mode of one file, and a chord that is a prefix of another
//! chord in the same mode (`"g"` and `["g","g"]`: after `g` the longer one could never be typed).
//! There is no silent fallback to the default.
//!
//! # Which bindings apply
//!
//! Each screen has its own table (`[dashboard]`, `[registries]` …: [`Mode::Screen`]) holding only
//! the keys that screen handles; it also uses `[list]` (moving in a list) when it shows one, and
//! `[global]` (a nearer table's binding of the same chord wins). [`Mode::Detail`] and
//! [`Mode::Presentation`] use `[global]` too. The text-entry modes (form, filter, palette,
//! wizard) and the popups (help, confirm) use only their own table, so typing `q` into a form
//! never quits. A table's `hints = [...]` names, in order, the actions whose keys its status bar
//! shows; help and the palette list the mode's bindings. So every key shown works there.

use super::action::Action;
use super::screens::Tab;
use crate::i18n::Lang;
use crossterm::event::KeyEvent;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// The built-in keymap, compiled in.
pub const DEFAULT_KEYMAP: &str = include_str!("../../keymaps/default.toml");
/// The vim preset, an overlay on the default (`--keymap vim`).
pub const VIM_KEYMAP: &str = include_str!("../../keymaps/vim.toml");
/// The name under which the built-in keymap appears in messages.
pub const DEFAULT_KEYMAP_NAME: &str = "keymaps/default.toml";

/// The presets that `--keymap NAME` accepts besides a file path.
pub const PRESETS: &[(&str, &str)] = &[("default", DEFAULT_KEYMAP), ("vim", VIM_KEYMAP)];

/// The pseudo-action that removes a chord inherited from an earlier file.
pub const UNBIND: &str = "unbind";

// ---------------------------------------------------------------------------------------------
// Modes
// ---------------------------------------------------------------------------------------------

/// Where the keyboard focus is; each mode has its own table in a keymap file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// Bindings of every screen (quit, help, the tabs …).
    Global,
    /// The movement of a list, shared by the screens that show one ([`Tab::has_list`]).
    List,
    /// One screen with no popup open: its own table (`[registries]`, `[audit]` …, named by
    /// [`Tab::name`]), then `[list]` if it shows a list, then `[global]`.
    Screen(Tab),
    /// The detail pane of one record has the focus.
    Detail,
    /// The dashboard in large type for a projector.
    Presentation,
    /// A form with text fields (add / edit).
    Form,
    /// The `/` filter line of a list.
    Filter,
    /// The help popup (generated from the keymap).
    Help,
    /// The command palette.
    Palette,
    /// The draw wizard.
    Wizard,
    /// A yes/no confirmation popup.
    Confirm,
}

impl Mode {
    pub const ALL: [Mode; 17] = [
        Mode::Global,
        Mode::List,
        Mode::Screen(Tab::Dashboard),
        Mode::Screen(Tab::Registries),
        Mode::Screen(Tab::Plans),
        Mode::Screen(Tab::Draws),
        Mode::Screen(Tab::Tasks),
        Mode::Screen(Tab::Publication),
        Mode::Screen(Tab::Audit),
        Mode::Detail,
        Mode::Presentation,
        Mode::Form,
        Mode::Filter,
        Mode::Help,
        Mode::Palette,
        Mode::Wizard,
        Mode::Confirm,
    ];

    /// The table name in keymap files.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Global => "global",
            Mode::List => "list",
            Mode::Screen(tab) => tab.name(),
            Mode::Detail => "detail",
            Mode::Presentation => "presentation",
            Mode::Form => "form",
            Mode::Filter => "filter",
            Mode::Help => "help",
            Mode::Palette => "palette",
            Mode::Wizard => "wizard",
            Mode::Confirm => "confirm",
        }
    }

    pub fn from_name(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The tables whose bindings also apply in this mode, nearest first (a mode's own binding
    /// of a chord wins over an inherited one).
    pub fn inherits(self) -> &'static [Mode] {
        match self {
            Mode::Screen(tab) if tab.has_list() => &[Mode::List, Mode::Global],
            Mode::Screen(_) | Mode::List | Mode::Detail | Mode::Presentation => &[Mode::Global],
            _ => &[],
        }
    }

    /// Whether the `[global]` bindings also apply in this mode.
    pub fn inherits_global(self) -> bool {
        self.inherits().contains(&Mode::Global)
    }

    /// Whether unbound printable keys are text typed into an input in this mode.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Mode::Form | Mode::Filter | Mode::Palette | Mode::Wizard | Mode::Help
        )
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// ---------------------------------------------------------------------------------------------
// Bindings and the keymap
// ---------------------------------------------------------------------------------------------

/// Where a binding was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 0 for the built-in default, then 1, 2 … for each overlay in loading order.
    pub layer: usize,
}

/// One chord bound to one action in one mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub chord: Vec<Key>,
    pub action: Action,
    pub desc: Option<String>,
    pub desc_en: Option<String>,
    pub origin: Origin,
}

impl Binding {
    pub fn chord_text(&self) -> String {
        chord_text(&self.chord)
    }

    /// The description to show: `desc_en` in English if given, else `desc`, else the action's
    /// default description.
    pub fn description(&self, lang: Lang) -> &str {
        let own = match lang {
            Lang::En => self.desc_en.as_deref().or(self.desc.as_deref()),
            Lang::Zh => self.desc.as_deref(),
        };
        own.unwrap_or_else(|| self.action.describe(lang))
    }
}

/// The answer to "what do these keys mean here?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// A complete chord: do this.
    Action(Action),
    /// The keys so far begin a longer chord: wait for the next key.
    Pending,
    /// Not bound (in text-entry modes a plain character is then typed into the input).
    None,
}

/// A loaded, validated keymap.
#[derive(Debug, Clone)]
pub struct Keymap {
    /// Each mode's own bindings, in file order (overlays replace in place or append).
    own: BTreeMap<Mode, Vec<Binding>>,
    /// What applies in each mode: its own bindings, then the global ones not overridden.
    effective: BTreeMap<Mode, Vec<Binding>>,
    /// The actions whose keys each mode's status bar shows, in order (a table's `hints`).
    hints: BTreeMap<Mode, Vec<Action>>,
}

/// Where an overlay keymap comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeymapSource {
    /// A compiled-in preset by name (`vim`).
    Preset(String),
    /// A file on disk.
    File(PathBuf),
}

impl KeymapSource {
    /// Read a `--keymap` argument: a preset name (`vim`, `default`) or a file path.
    pub fn from_arg(arg: &str) -> KeymapSource {
        if PRESETS.iter().any(|(name, _)| *name == arg) {
            KeymapSource::Preset(arg.to_string())
        } else {
            KeymapSource::File(PathBuf::from(arg))
        }
    }
}

/// The user's keymap file in the configuration directory (it may not exist).
pub fn user_keymap_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "shuangsui").map(|d| d.config_dir().join("keymap.toml"))
}

/// The overlays the app loads at start-up, in order: the configuration directory's
/// `keymap.toml` if it exists, then the `--keymap` argument (a preset name or a file). Pass
/// [`user_keymap_path()`] as `config_file`.
pub fn startup_sources(config_file: Option<&Path>, keymap_arg: Option<&str>) -> Vec<KeymapSource> {
    let mut sources = Vec::new();
    if let Some(path) = config_file.filter(|p| p.is_file()) {
        sources.push(KeymapSource::File(path.to_path_buf()));
    }
    if let Some(arg) = keymap_arg {
        sources.push(KeymapSource::from_arg(arg));
    }
    sources
}

impl Keymap {
    /// The compiled-in default keymap alone.
    pub fn builtin() -> Result<Keymap, KeymapError> {
        Keymap::from_texts(&[])
    }

    /// The default keymap with overlays, in order: presets by name, files from disk.
    pub fn load(sources: &[KeymapSource]) -> Result<Keymap, KeymapError> {
        let mut texts: Vec<(String, String)> = Vec::new();
        for source in sources {
            match source {
                KeymapSource::Preset(name) => {
                    let Some((_, text)) = PRESETS.iter().find(|(n, _)| n == name) else {
                        return Err(KeymapError::new(
                            name.clone(),
                            None,
                            KeymapErrorKind::UnknownPreset(name.clone()),
                        ));
                    };
                    texts.push((format!("keymaps/{name}.toml"), (*text).to_string()));
                }
                KeymapSource::File(path) => {
                    let text = read_file(path)?;
                    texts.push((path.display().to_string(), text));
                }
            }
        }
        let refs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        Keymap::from_texts(&refs)
    }

    /// The default keymap with overlays given as `(file name, text)`.
    pub fn from_texts(overlays: &[(&str, &str)]) -> Result<Keymap, KeymapError> {
        let mut layers = vec![(DEFAULT_KEYMAP_NAME, DEFAULT_KEYMAP)];
        layers.extend_from_slice(overlays);
        Keymap::from_layers(&layers)
    }

    /// Build a keymap from layers alone, the first being the base (no built-in default).
    pub fn from_layers(layers: &[(&str, &str)]) -> Result<Keymap, KeymapError> {
        let mut own: BTreeMap<Mode, Vec<Binding>> = BTreeMap::new();
        let mut hints: BTreeMap<Mode, Vec<Action>> = BTreeMap::new();
        for (index, (file, text)) in layers.iter().enumerate() {
            let parsed = parse_layer(file, text, index)?;
            // A later file's `hints` replace the earlier ones of that table.
            hints.extend(parsed.hints);
            for (mode, entry) in parsed.entries {
                let table = own.entry(mode).or_default();
                let existing = table.iter().position(|b| b.chord == entry.chord);
                match (entry.action, existing) {
                    (Some(action), Some(i)) => {
                        table[i] = Binding {
                            chord: entry.chord,
                            action,
                            desc: entry.desc,
                            desc_en: entry.desc_en,
                            origin: entry.origin,
                        }
                    }
                    (Some(action), None) => table.push(Binding {
                        chord: entry.chord,
                        action,
                        desc: entry.desc,
                        desc_en: entry.desc_en,
                        origin: entry.origin,
                    }),
                    (None, Some(i)) => {
                        table.remove(i);
                    }
                    (None, None) => {}
                }
            }
        }
        let mut effective = BTreeMap::new();
        for mode in Mode::ALL {
            let mut list = own.get(&mode).cloned().unwrap_or_default();
            for parent in mode.inherits() {
                for g in own.get(parent).into_iter().flatten() {
                    if !list.iter().any(|b| b.chord == g.chord) {
                        list.push(g.clone());
                    }
                }
            }
            check_prefixes(mode, &list)?;
            effective.insert(mode, list);
        }
        // A way out must stay bound on every screen: quit, or the palette (which lists quit).
        let no_way_out = Tab::ALL.into_iter().any(|tab| {
            !effective.get(&Mode::Screen(tab)).is_some_and(|l| {
                l.iter()
                    .any(|b| matches!(b.action, Action::Quit | Action::Palette))
            })
        });
        if no_way_out {
            let file = layers
                .last()
                .map(|(f, _)| f.to_string())
                .unwrap_or_default();
            return Err(KeymapError::new(file, None, KeymapErrorKind::NoWayOut));
        }
        Ok(Keymap {
            own,
            effective,
            hints,
        })
    }

    /// What `keys` (the keys typed so far in this chord) mean in `mode`.
    pub fn lookup(&self, mode: Mode, keys: &[KeyEvent]) -> Lookup {
        if keys.is_empty() {
            return Lookup::None;
        }
        let typed: Vec<Key> = keys.iter().map(|e| Key::from_event(*e)).collect();
        let mut pending = false;
        for b in self.bindings(mode) {
            if b.chord == typed {
                return Lookup::Action(b.action);
            }
            if b.chord.len() > typed.len() && b.chord.starts_with(&typed) {
                pending = true;
            }
        }
        if pending {
            Lookup::Pending
        } else {
            Lookup::None
        }
    }

    /// Every binding that applies in `mode`, in order: the mode's own, then inherited global.
    /// This is what the help screen lists.
    pub fn bindings(&self, mode: Mode) -> &[Binding] {
        self.effective.get(&mode).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The bindings written in `mode`'s own table (without inherited global ones).
    pub fn own_bindings(&self, mode: Mode) -> &[Binding] {
        self.own.get(&mode).map(Vec::as_slice).unwrap_or(&[])
    }

    /// One `(chord, description)` per action bound in `mode`, using the action's first chord,
    /// for the status bar and the help screen.
    pub fn hints(&self, mode: Mode, lang: Lang) -> Vec<(String, String)> {
        let mut seen: Vec<Action> = Vec::new();
        let mut out = Vec::new();
        for b in self.bindings(mode) {
            if seen.contains(&b.action) {
                continue;
            }
            seen.push(b.action);
            out.push((b.chord_text(), b.description(lang).to_string()));
        }
        out
    }

    /// The `(chord, description)` hints of `mode`'s status bar: the actions of its table's
    /// `hints`, in order, each with its first chord; an action not bound there is left out, so
    /// a hint shown is a key that works.
    pub fn status_hints(&self, mode: Mode, lang: Lang) -> Vec<(Action, String, String)> {
        self.hints
            .get(&mode)
            .into_iter()
            .flatten()
            .filter_map(|&a| self.hint(mode, a, lang).map(|(k, d)| (a, k, d)))
            .collect()
    }

    /// The hint for one action, if it is bound in `mode`.
    pub fn hint(&self, mode: Mode, action: Action, lang: Lang) -> Option<(String, String)> {
        self.bindings(mode)
            .iter()
            .find(|b| b.action == action)
            .map(|b| (b.chord_text(), b.description(lang).to_string()))
    }

    /// The first chord bound to `action` in `mode` (including inherited global bindings).
    pub fn key_for(&self, mode: Mode, action: Action) -> Option<String> {
        self.bindings(mode)
            .iter()
            .find(|b| b.action == action)
            .map(Binding::chord_text)
    }
}

/// The largest keymap file read (`--keymap /dev/zero` is refused, not read forever).
pub const MAX_KEYMAP_FILE: u64 = 1 << 20;

fn read_file(path: &Path) -> Result<String, KeymapError> {
    use std::io::Read;
    let file = path.display().to_string();
    let io = |e: std::io::Error| {
        KeymapError::new(file.clone(), None, KeymapErrorKind::Io(e.to_string()))
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_KEYMAP_FILE + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > MAX_KEYMAP_FILE {
        return Err(KeymapError::new(
            file,
            None,
            KeymapErrorKind::TooLarge(MAX_KEYMAP_FILE),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec())
        .map_err(|_| KeymapError::new(file, None, KeymapErrorKind::NotUtf8))
}

/// Reject a chord that is a proper prefix of another one in the same mode.
fn check_prefixes(mode: Mode, list: &[Binding]) -> Result<(), KeymapError> {
    for short in list {
        for long in list {
            if long.chord.len() > short.chord.len() && long.chord.starts_with(&short.chord) {
                // Blame the binding written later: it is the one that broke the keymap.
                let short_later = (short.origin.layer, short.origin.line)
                    >= (long.origin.layer, long.origin.line);
                let (blamed, other) = if short_later {
                    (short, long)
                } else {
                    (long, short)
                };
                return Err(KeymapError::new(
                    blamed.origin.file.clone(),
                    Some(blamed.origin.line),
                    KeymapErrorKind::Shadowing {
                        mode,
                        chord: blamed.chord_text(),
                        short: short.chord_text(),
                        long: long.chord_text(),
                        other_file: other.origin.file.clone(),
                        other_line: other.origin.line,
                    },
                ));
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Parsing one file
// ---------------------------------------------------------------------------------------------

/// One entry of one file; `action: None` is `unbind`.
struct Entry {
    chord: Vec<Key>,
    action: Option<Action>,
    desc: Option<String>,
    desc_en: Option<String>,
    origin: Origin,
}

const BINDING_FIELDS: &[&str] = &["on", "action", "desc", "desc_en"];

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn sorted_entries<'a, 'i>(
    table: &'a DeTable<'i>,
) -> Vec<(
    &'a Spanned<toml::de::DeString<'i>>,
    &'a Spanned<DeValue<'i>>,
)> {
    let mut v: Vec<_> = table.iter().collect();
    v.sort_by_key(|(k, _)| k.span().start);
    v
}

/// What one file says: its bindings, and the `hints` of the tables that have them.
struct Layer {
    entries: Vec<(Mode, Entry)>,
    hints: Vec<(Mode, Vec<Action>)>,
}

fn parse_layer(file: &str, text: &str, layer: usize) -> Result<Layer, KeymapError> {
    let err = |offset: usize, kind: KeymapErrorKind| {
        KeymapError::new(file.to_string(), Some(line_of(text, offset)), kind)
    };
    let doc = DeTable::parse(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        KeymapError::new(
            file.to_string(),
            line,
            KeymapErrorKind::Syntax(e.message().to_string()),
        )
    })?;
    let mut out: Vec<(Mode, Entry)> = Vec::new();
    let mut hints: Vec<(Mode, Vec<Action>)> = Vec::new();
    for (mode_key, mode_value) in sorted_entries(doc.get_ref()) {
        let mode_name = mode_key.get_ref().as_ref();
        let Some(mode) = Mode::from_name(mode_name) else {
            return Err(err(
                mode_key.span().start,
                KeymapErrorKind::UnknownMode(mode_name.to_string()),
            ));
        };
        let DeValue::Table(mode_table) = mode_value.get_ref() else {
            return Err(err(
                mode_key.span().start,
                KeymapErrorKind::NotATable(mode_name.to_string()),
            ));
        };
        let mut seen: Vec<(Vec<Key>, usize)> = Vec::new();
        for (field, value) in sorted_entries(mode_table) {
            if field.get_ref().as_ref() == "hints" {
                hints.push((mode, parse_hints(file, text, mode, field, value)?));
                continue;
            }
            if field.get_ref().as_ref() != "keys" {
                return Err(err(
                    field.span().start,
                    KeymapErrorKind::UnknownField {
                        field: field.get_ref().to_string(),
                        chord: None,
                    },
                ));
            }
            let DeValue::Array(items) = value.get_ref() else {
                return Err(err(field.span().start, KeymapErrorKind::KeysNotAList(mode)));
            };
            for item in items.iter() {
                let entry = parse_entry(file, text, layer, item)?;
                if let Some((_, first)) = seen.iter().find(|(c, _)| *c == entry.chord) {
                    return Err(KeymapError::new(
                        file.to_string(),
                        Some(entry.origin.line),
                        KeymapErrorKind::Duplicate {
                            mode,
                            chord: chord_text(&entry.chord),
                            first_line: *first,
                        },
                    ));
                }
                seen.push((entry.chord.clone(), entry.origin.line));
                out.push((mode, entry));
            }
        }
    }
    Ok(Layer {
        entries: out,
        hints,
    })
}

/// A table's `hints = ["help", "filter", …]`: action names, each known.
fn parse_hints(
    file: &str,
    text: &str,
    mode: Mode,
    field: &Spanned<toml::de::DeString<'_>>,
    value: &Spanned<DeValue<'_>>,
) -> Result<Vec<Action>, KeymapError> {
    let err = |offset: usize, kind: KeymapErrorKind| {
        KeymapError::new(file.to_string(), Some(line_of(text, offset)), kind)
    };
    let DeValue::Array(items) = value.get_ref() else {
        return Err(err(
            field.span().start,
            KeymapErrorKind::HintsNotAList(mode),
        ));
    };
    let mut out = Vec::new();
    for item in items.iter() {
        let DeValue::String(name) = item.get_ref() else {
            return Err(err(item.span().start, KeymapErrorKind::HintsNotAList(mode)));
        };
        match Action::from_name(name) {
            Some(a) => out.push(a),
            None => {
                return Err(err(
                    item.span().start,
                    KeymapErrorKind::UnknownHint {
                        mode,
                        action: name.to_string(),
                    },
                ))
            }
        }
    }
    Ok(out)
}

fn parse_entry(
    file: &str,
    text: &str,
    layer: usize,
    item: &Spanned<DeValue<'_>>,
) -> Result<Entry, KeymapError> {
    let line = line_of(text, item.span().start);
    let err =
        |line: usize, kind: KeymapErrorKind| KeymapError::new(file.to_string(), Some(line), kind);
    let DeValue::Table(fields) = item.get_ref() else {
        return Err(err(line, KeymapErrorKind::BindingNotATable));
    };
    let get = |name: &str| fields.iter().find(|(k, _)| k.get_ref().as_ref() == name);

    // `on` first, so that every later message can name the chord.
    let Some((on_key, on)) = get("on") else {
        return Err(err(
            line,
            KeymapErrorKind::MissingField {
                field: "on",
                chord: None,
            },
        ));
    };
    let on_line = line_of(text, on_key.span().start);
    let names: Vec<&str> = match on.get_ref() {
        DeValue::String(s) => vec![s.as_ref()],
        DeValue::Array(a) => {
            let mut v = Vec::new();
            for k in a.iter() {
                match k.get_ref() {
                    DeValue::String(s) => v.push(s.as_ref()),
                    _ => return Err(err(on_line, KeymapErrorKind::BadOn)),
                }
            }
            v
        }
        _ => return Err(err(on_line, KeymapErrorKind::BadOn)),
    };
    if names.is_empty() {
        return Err(err(on_line, KeymapErrorKind::BadOn));
    }
    let written = names.join(" ");
    let mut chord = Vec::new();
    for name in &names {
        let key = Key::parse(name).map_err(|reason| {
            err(
                on_line,
                KeymapErrorKind::BadKey {
                    chord: written.clone(),
                    reason,
                },
            )
        })?;
        chord.push(key);
    }
    let shown = chord_text(&chord);

    for (k, _) in fields.iter() {
        let name = k.get_ref().as_ref();
        if !BINDING_FIELDS.contains(&name) {
            return Err(err(
                line_of(text, k.span().start),
                KeymapErrorKind::UnknownField {
                    field: name.to_string(),
                    chord: Some(shown.clone()),
                },
            ));
        }
    }

    let Some((action_key, action_value)) = get("action") else {
        return Err(err(
            line,
            KeymapErrorKind::MissingField {
                field: "action",
                chord: Some(shown),
            },
        ));
    };
    let action_line = line_of(text, action_key.span().start);
    let DeValue::String(action_name) = action_value.get_ref() else {
        return Err(err(
            action_line,
            KeymapErrorKind::NotAString {
                field: "action",
                chord: shown,
            },
        ));
    };
    let action = if action_name.as_ref() == UNBIND {
        None
    } else {
        match Action::from_name(action_name) {
            Some(a) => Some(a),
            None => {
                return Err(err(
                    action_line,
                    KeymapErrorKind::UnknownAction {
                        chord: shown,
                        action: action_name.to_string(),
                    },
                ))
            }
        }
    };

    let text_field = |field: &'static str| -> Result<Option<String>, KeymapError> {
        match get(field) {
            None => Ok(None),
            Some((k, v)) => match v.get_ref() {
                DeValue::String(s) => Ok(Some(s.to_string())),
                _ => Err(err(
                    line_of(text, k.span().start),
                    KeymapErrorKind::NotAString {
                        field,
                        chord: shown.clone(),
                    },
                )),
            },
        }
    };
    let desc = text_field("desc")?;
    let desc_en = text_field("desc_en")?;

    Ok(Entry {
        chord,
        action,
        desc,
        desc_en,
        origin: Origin {
            file: file.to_string(),
            line: on_line,
            layer,
        },
    })
}

mod error;
mod key;
pub use error::{KeymapError, KeymapErrorKind};
pub use key::{chord_text, normalize, Key, KeyNameError};

#[cfg(test)]
mod tests;
