//! The help screen (`?`) and the command palette (`:`): a filterable list of the current
//! screen's bindings, generated from its keymap table.

use super::*;

/// One row of the help screen or the palette.
#[derive(Debug, Clone, PartialEq)]
pub struct PickEntry {
    pub action: Action,
    /// The key(s), if bound.
    pub keys: String,
    pub desc: String,
    /// Text matched by the filter besides `desc`.
    pub search: String,
}

/// A filterable list of actions: the help screen and the command palette.
#[derive(Debug, Clone)]
pub struct Picker {
    pub title: String,
    pub input: TextInput,
    pub entries: Vec<PickEntry>,
    /// Indices into `entries` that match the input.
    pub matches: Vec<usize>,
    pub selected: usize,
    /// The mode the picker was opened from (help lists its bindings).
    pub under: Mode,
}

impl Picker {
    pub(super) fn refilter(&mut self) {
        let q = self.input.text().to_string();
        self.matches = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                fuzzy_match(&q, e.action.name())
                    || fuzzy_match(&q, &e.desc)
                    || fuzzy_match(&q, &e.search)
            })
            .map(|(i, _)| i)
            .collect();
        self.selected = self.selected.min(self.matches.len().saturating_sub(1));
    }

    pub fn selected_entry(&self) -> Option<&PickEntry> {
        self.matches
            .get(self.selected)
            .and_then(|&i| self.entries.get(i))
    }
}

/// Subsequence match, case-insensitive for ASCII: every character of `query` appears in
/// `text` in order. The empty query matches everything.
pub fn fuzzy_match(query: &str, text: &str) -> bool {
    let mut it = text.chars().map(|c| c.to_ascii_lowercase());
    query
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .all(|q| it.any(|c| c == q))
}

impl AppState {
    pub(super) fn apply_picker(
        &mut self,
        mut p: Picker,
        help: bool,
        action: Action,
        ctx: &Ctx,
    ) -> Effect {
        match action {
            Action::Cancel => return Effect::Redraw,
            Action::Quit => return Effect::Quit,
            Action::Confirm => {
                let Some(chosen) = p.selected_entry().map(|e| e.action) else {
                    return Effect::Redraw;
                };
                // Run it where the picker was opened from.
                return self.apply(chosen, ctx);
            }
            Action::Up => p.selected = p.selected.saturating_sub(1),
            Action::Down => p.selected = (p.selected + 1).min(p.matches.len().saturating_sub(1)),
            Action::PageUp => p.selected = p.selected.saturating_sub(self.list_height()),
            Action::PageDown => {
                p.selected =
                    (p.selected + self.list_height()).min(p.matches.len().saturating_sub(1))
            }
            a => {
                if p.input.apply(a) {
                    p.refilter();
                }
            }
        }
        self.overlay = Some(if help {
            Overlay::Help(p)
        } else {
            Overlay::Palette(p)
        });
        Effect::Redraw
    }

    pub(super) fn open_help(&mut self) {
        let lang = self.lang();
        let under = self.mode();
        let mut entries = Vec::new();
        for b in self.cfg.keymap.bindings(under) {
            entries.push(PickEntry {
                action: b.action,
                keys: b.chord_text(),
                desc: b.description(lang).to_string(),
                search: b.action.describe(Lang::En).to_string(),
            });
        }
        let title = format!(
            "{} {} {}",
            lang.pick("帮助", "Help"),
            self.cfg.symbols.separator,
            mode_label(under, lang)
        );
        let mut p = Picker {
            title,
            input: TextInput::new(),
            entries,
            matches: Vec::new(),
            selected: 0,
            under,
        };
        p.refilter();
        self.overlay = Some(Overlay::Help(p));
    }

    pub(super) fn open_palette(&mut self) {
        let lang = self.lang();
        let under = self.mode();
        // The current screen's actions (its table and the inherited ones), each once.
        let mut entries: Vec<PickEntry> = Vec::new();
        for b in self.cfg.keymap.bindings(under) {
            if entries.iter().any(|e| e.action == b.action) {
                continue;
            }
            entries.push(PickEntry {
                action: b.action,
                keys: b.chord_text(),
                desc: b.action.describe(lang).to_string(),
                search: format!(
                    "{} {}",
                    b.action.describe(Lang::Zh),
                    b.action.describe(Lang::En)
                ),
            });
        }
        let mut p = Picker {
            title: lang.pick("命令", "Commands").to_string(),
            input: TextInput::new(),
            entries,
            matches: Vec::new(),
            selected: 0,
            under,
        };
        p.refilter();
        self.overlay = Some(Overlay::Palette(p));
    }
}
