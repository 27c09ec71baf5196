//! A form's field: a labelled single-line input, or a list to choose from, with its hint and
//! its error.

use crate::tui::text_input::TextInput;
use crossterm::event::KeyEvent;

#[derive(Debug, Clone)]
pub struct Field {
    /// How the form's check addresses the field: its English label (`"Credit code"`).
    pub key: &'static str,
    pub label: &'static str,
    pub label_en: &'static str,
    pub input: TextInput,
    /// What may be typed, shown beside the field.
    pub hint: String,
    pub error: Option<String>,
    /// A list to choose from (empty: free text). The input then holds the chosen number,
    /// 1-based; up/down or a digit choose.
    pub options: Vec<String>,
}

impl Field {
    pub fn new(label: &'static str, label_en: &'static str, text: &str, hint: String) -> Field {
        Field {
            key: label_en,
            label,
            label_en,
            input: TextInput::with_text(text),
            hint,
            error: None,
            options: Vec::new(),
        }
    }

    /// A list field with option `chosen` (1-based) selected.
    pub fn choice(
        label: &'static str,
        label_en: &'static str,
        options: Vec<String>,
        chosen: usize,
        hint: String,
    ) -> Field {
        let chosen = chosen.clamp(1, options.len().max(1));
        Field {
            options,
            ..Field::new(label, label_en, &chosen.to_string(), hint)
        }
    }

    /// The chosen option (1-based) of a list field.
    pub fn chosen(&self) -> Option<usize> {
        self.input
            .text()
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=self.options.len()).contains(n))
    }

    /// Move a list field's choice by `delta`, within the list.
    pub fn choose_by(&mut self, delta: isize) {
        let n = self.options.len() as isize;
        if n == 0 {
            return;
        }
        let cur = self.chosen().unwrap_or(1) as isize;
        let next = (cur + delta).clamp(1, n);
        self.input.set_text(&next.to_string());
    }

    /// A typed digit chooses that option of a list field; other keys do nothing there.
    pub fn choose_key(&mut self, key: KeyEvent) -> bool {
        use crossterm::event::{KeyCode, KeyModifiers};
        let KeyCode::Char(c) = key.code else {
            return false;
        };
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return false;
        }
        match c.to_digit(10).map(|d| d as usize) {
            Some(d) if (1..=self.options.len()).contains(&d) => {
                self.input.set_text(&d.to_string());
                true
            }
            _ => false,
        }
    }
}
