//! One table of every symbol the UI draws, in a Unicode and an ASCII version.
//!
//! Why an ASCII version: box drawing, `…`, `·`, `▶`, `█`, `▲` and the arrows are *East Asian
//! Ambiguous* width (and `✓` `✗`, Neutral by Unicode, are drawn wide by many CJK fonts). A terminal set up for Chinese (Windows console with code page 936, or
//! "ambiguous characters are wide" in many terminals) draws them two columns wide, while ratatui
//! counts one, and every line with a border or a gauge slides out of place. [`Symbols::ascii`]
//! uses only characters whose width is the same everywhere (printable ASCII), so a screen is
//! correct in any terminal; `--symbols ascii` selects it.
//!
//! Not here: colours and styles (the theme), and what the symbols mean on each screen.

use ratatui::symbols::{border, scrollbar};
use unicode_width::UnicodeWidthChar;

/// Every symbol the UI draws. Views take it from the app state, never from string literals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbols {
    /// Block borders.
    pub border: border::Set<'static>,
    pub scrollbar_vertical: scrollbar::Set<'static>,
    pub scrollbar_horizontal: scrollbar::Set<'static>,
    /// A horizontal rule between a table and its detail (repeat it to the width).
    pub rule: &'static str,
    /// A vertical divider between panes.
    pub divider: &'static str,
    /// The marker in front of the selected row.
    pub highlight: &'static str,
    /// Between items on one line: `本地库 · 用户 wang`.
    pub separator: &'static str,
    /// Between steps of a breadcrumb: `抽取 › 计划 3`.
    pub breadcrumb: &'static str,
    pub check: &'static str,
    pub cross: &'static str,
    /// Something overdue or needing attention.
    pub warning: &'static str,
    /// "At least", as in `≥ 3%`.
    pub at_least: &'static str,
    pub arrow_up: &'static str,
    pub arrow_down: &'static str,
    pub arrow_left: &'static str,
    pub arrow_right: &'static str,
    pub sort_ascending: &'static str,
    pub sort_descending: &'static str,
    /// Replaces the cut end of a truncated text.
    pub ellipsis: &'static str,
    /// A drawn text cursor where the terminal cursor cannot be used.
    pub cursor: &'static str,
    /// A full gauge or bar cell.
    pub bar_full: &'static str,
    /// An empty gauge or bar cell.
    pub bar_empty: &'static str,
    /// Partly filled cells by eighths: index 1 is 1/8 … index 7 is 7/8 (index 0 unused).
    /// An empty string means "draw an empty cell".
    pub bar_eighths: [&'static str; 8],
}

impl Symbols {
    /// Box drawing, block elements and arrows: the best looking, for terminals that draw
    /// ambiguous-width characters one column wide.
    pub fn unicode() -> Symbols {
        Symbols {
            border: border::PLAIN,
            scrollbar_vertical: scrollbar::VERTICAL,
            scrollbar_horizontal: scrollbar::HORIZONTAL,
            rule: "─",
            divider: "│",
            highlight: "▶",
            separator: "·",
            breadcrumb: "›",
            check: "✓",
            cross: "✗",
            warning: "▲",
            at_least: "≥",
            arrow_up: "↑",
            arrow_down: "↓",
            arrow_left: "←",
            arrow_right: "→",
            sort_ascending: "▲",
            sort_descending: "▼",
            ellipsis: "…",
            cursor: "▏",
            bar_full: "█",
            bar_empty: " ",
            bar_eighths: ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"],
        }
    }

    /// Printable ASCII only: one column in every terminal, whatever its East Asian settings.
    pub fn ascii() -> Symbols {
        Symbols {
            border: border::Set {
                top_left: "+",
                top_right: "+",
                bottom_left: "+",
                bottom_right: "+",
                vertical_left: "|",
                vertical_right: "|",
                horizontal_top: "-",
                horizontal_bottom: "-",
            },
            scrollbar_vertical: scrollbar::Set {
                track: "|",
                thumb: "#",
                begin: "^",
                end: "v",
            },
            scrollbar_horizontal: scrollbar::Set {
                track: "-",
                thumb: "#",
                begin: "<",
                end: ">",
            },
            rule: "-",
            divider: "|",
            highlight: ">",
            separator: "|",
            breadcrumb: ">",
            check: "Y",
            cross: "N",
            warning: "!",
            at_least: ">=",
            arrow_up: "^",
            arrow_down: "v",
            arrow_left: "<",
            arrow_right: ">",
            sort_ascending: "^",
            sort_descending: "v",
            ellipsis: "~",
            cursor: "|",
            bar_full: "#",
            bar_empty: " ",
            bar_eighths: ["", "", "", "", "+", "+", "+", "+"],
        }
    }

    /// Every symbol string of the set, for checks over the whole table.
    pub fn all(&self) -> Vec<&'static str> {
        let b = &self.border;
        let v = &self.scrollbar_vertical;
        let h = &self.scrollbar_horizontal;
        let mut out = vec![
            b.top_left,
            b.top_right,
            b.bottom_left,
            b.bottom_right,
            b.vertical_left,
            b.vertical_right,
            b.horizontal_top,
            b.horizontal_bottom,
            v.track,
            v.thumb,
            v.begin,
            v.end,
            h.track,
            h.thumb,
            h.begin,
            h.end,
            self.rule,
            self.divider,
            self.highlight,
            self.separator,
            self.breadcrumb,
            self.check,
            self.cross,
            self.warning,
            self.at_least,
            self.arrow_up,
            self.arrow_down,
            self.arrow_left,
            self.arrow_right,
            self.sort_ascending,
            self.sort_descending,
            self.ellipsis,
            self.cursor,
            self.bar_full,
            self.bar_empty,
        ];
        out.extend(self.bar_eighths);
        out
    }

    /// `✓` or `✗`.
    pub fn mark(&self, ok: bool) -> &'static str {
        if ok {
            self.check
        } else {
            self.cross
        }
    }

    /// A horizontal bar `width` cells wide filled to `fraction` (clamped to 0..=1), with
    /// eighth-cell resolution where the set has partial blocks. Always exactly `width` cells.
    pub fn bar(&self, fraction: f64, width: usize) -> String {
        let fraction = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        let eighths = (fraction * width as f64 * 8.0).round() as usize;
        let full = eighths / 8;
        let part = eighths % 8;
        let mut out = self.bar_full.repeat(full.min(width));
        let mut cells = full.min(width);
        if cells < width && part > 0 {
            let p = self.bar_eighths[part];
            if !p.is_empty() {
                out.push_str(p);
                cells += 1;
            }
        }
        out.push_str(&self.bar_empty.repeat(width - cells));
        out
    }
}

/// Which symbol set to use (`--symbols auto|unicode|ascii`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SymbolChoice {
    #[default]
    Auto,
    Unicode,
    Ascii,
}

impl SymbolChoice {
    pub fn parse(s: &str) -> Option<SymbolChoice> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Some(SymbolChoice::Auto),
            "unicode" | "utf8" | "utf-8" => Some(SymbolChoice::Unicode),
            "ascii" => Some(SymbolChoice::Ascii),
            _ => None,
        }
    }

    /// The set for this process's environment.
    pub fn resolve(self) -> Symbols {
        self.resolve_with(|name| std::env::var(name).ok(), cfg!(windows))
    }

    /// The set for an environment given as a lookup function.
    ///
    /// `Auto` picks Unicode when the locale is UTF-8 (`LC_ALL`, else `LC_CTYPE`, else `LANG`)
    /// or, on Windows, inside Windows Terminal (`WT_SESSION`); ASCII on the Linux console
    /// (`TERM=linux`, whose font lacks most of these glyphs) and otherwise. It cannot see
    /// whether a terminal draws ambiguous characters wide: users of such terminals choose
    /// `ascii`.
    pub fn resolve_with(self, env: impl Fn(&str) -> Option<String>, windows: bool) -> Symbols {
        match self {
            SymbolChoice::Unicode => Symbols::unicode(),
            SymbolChoice::Ascii => Symbols::ascii(),
            SymbolChoice::Auto => {
                let set = |name: &str| env(name).filter(|v| !v.is_empty());
                if set("TERM").as_deref() == Some("linux") {
                    return Symbols::ascii();
                }
                if windows {
                    return if set("WT_SESSION").is_some() {
                        Symbols::unicode()
                    } else {
                        Symbols::ascii()
                    };
                }
                let locale = set("LC_ALL")
                    .or_else(|| set("LC_CTYPE"))
                    .or_else(|| set("LANG"))
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if locale.contains("utf-8") || locale.contains("utf8") {
                    Symbols::unicode()
                } else {
                    Symbols::ascii()
                }
            }
        }
    }
}

impl std::str::FromStr for SymbolChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SymbolChoice::parse(s)
            .ok_or_else(|| format!("unknown symbol set {s:?} (auto, unicode or ascii)"))
    }
}

/// Whether a character's display width depends on the terminal (East Asian Ambiguous: one
/// column usually, two in CJK setups) or is two columns (wide). `width_cjk` differs from
/// `width` exactly for the ambiguous characters.
pub fn is_ambiguous_or_wide(ch: char) -> bool {
    let w = ch.width();
    w != ch.width_cjk() || w == Some(2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn the_classifier_knows_ambiguous_and_wide_characters() {
        for ch in ['…', '·', '▶', '█', '▌', '─', '│', '┌', '↑', '▲'] {
            assert!(is_ambiguous_or_wide(ch), "{ch:?} is ambiguous");
        }
        // ✓ ✗ › are Neutral in EastAsianWidth.txt (unicode-width agrees), although CJK fonts
        // often draw ✓ ✗ wide; the ASCII set avoids them anyway.
        for ch in ['✓', '✗', '›'] {
            assert!(!is_ambiguous_or_wide(ch), "{ch:?} is neutral");
        }
        for ch in ['狗', '街', '，', '＋'] {
            assert!(is_ambiguous_or_wide(ch), "{ch:?} is wide");
        }
        for ch in ['+', '-', '|', '#', '>', 'a', ' ', '~'] {
            assert!(!is_ambiguous_or_wide(ch), "{ch:?} is narrow everywhere");
        }
    }

    #[test]
    fn every_ascii_symbol_is_narrow_and_unambiguous() {
        for s in Symbols::ascii().all() {
            for ch in s.chars() {
                assert!(
                    !is_ambiguous_or_wide(ch) && ch.width() == Some(1) && ch.is_ascii(),
                    "{s:?} contains {ch:?}"
                );
            }
        }
    }

    #[test]
    fn every_unicode_symbol_is_one_column_outside_cjk_terminals() {
        // Each cell-sized symbol must fill exactly one cell, or borders and bars misalign.
        for s in Symbols::unicode().all() {
            assert!(s.width() <= 1, "{s:?} is {} columns", s.width());
        }
        // The Unicode set really differs: it is not just the ASCII one.
        assert!(Symbols::unicode()
            .all()
            .iter()
            .any(|s| s.chars().any(is_ambiguous_or_wide)));
    }

    #[test]
    fn bars_have_exact_width_and_resolution() {
        for syms in [Symbols::unicode(), Symbols::ascii()] {
            for f in [
                0.0,
                0.05,
                0.33,
                0.5,
                0.57,
                0.75,
                0.99,
                1.0,
                1.5,
                -1.0,
                f64::NAN,
            ] {
                assert_eq!(syms.bar(f, 10).width(), 10, "{f}");
            }
        }
        let u = Symbols::unicode();
        assert_eq!(u.bar(1.0, 4), "████");
        assert_eq!(u.bar(0.0, 4), "    ");
        assert_eq!(u.bar(0.5, 4), "██  ");
        // 75% of 10 cells = 7.5 cells: seven full and a half block.
        assert_eq!(u.bar(0.75, 10), "███████▌  ");
        let a = Symbols::ascii();
        assert_eq!(a.bar(0.75, 10), "#######+  ");
        // 57% of 10 cells = 5.6 cells, rounded to 46 eighths: five full and a 6/8 cell.
        assert_eq!(a.bar(0.57, 10), "#####+    ");
        assert_eq!(
            a.bar(0.52, 10),
            "#####     ",
            "2/8 of a cell is not drawn in ASCII"
        );
    }

    #[test]
    fn choice_parses_and_auto_follows_the_environment() {
        assert_eq!(SymbolChoice::parse("ASCII"), Some(SymbolChoice::Ascii));
        assert_eq!(SymbolChoice::parse("unicode"), Some(SymbolChoice::Unicode));
        assert_eq!(SymbolChoice::parse(" auto "), Some(SymbolChoice::Auto));
        assert_eq!(SymbolChoice::parse("fancy"), None);
        assert!("fancy".parse::<SymbolChoice>().is_err());

        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let auto = SymbolChoice::Auto;
        assert_eq!(
            auto.resolve_with(env(&[("LANG", "zh_CN.UTF-8")]), false),
            Symbols::unicode()
        );
        assert_eq!(
            auto.resolve_with(env(&[("LANG", "zh_CN.GB18030")]), false),
            Symbols::ascii()
        );
        // LC_ALL wins over LANG.
        assert_eq!(
            auto.resolve_with(env(&[("LC_ALL", "C"), ("LANG", "en_US.UTF-8")]), false),
            Symbols::ascii()
        );
        assert_eq!(
            auto.resolve_with(env(&[("TERM", "linux"), ("LANG", "en_US.UTF-8")]), false),
            Symbols::ascii()
        );
        assert_eq!(auto.resolve_with(env(&[]), true), Symbols::ascii());
        assert_eq!(
            auto.resolve_with(env(&[("WT_SESSION", "x")]), true),
            Symbols::unicode()
        );
        assert_eq!(
            SymbolChoice::Ascii.resolve_with(env(&[("LANG", "en_US.UTF-8")]), false),
            Symbols::ascii()
        );
    }
}
