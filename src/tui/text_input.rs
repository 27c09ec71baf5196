//! A single-line text input that is correct with Chinese.
//!
//! The cursor is a *character* index, never a byte index, so no edit can split a multi-byte
//! character (`狗` is three bytes in UTF-8). What the screen needs is a *column*: a Chinese
//! character takes two columns, so the terminal cursor goes after the display width of the text
//! before it ([`TextInput::display_cursor_col`]), and a long text scrolls by display width
//! ([`TextInput::view`]).
//!
//! Not here: key handling. The keymap turns keys into [`Action`]s; [`TextInput::apply`] performs
//! the editing ones and [`TextInput::input_key`] types an unbound printable key.

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The text of one input line and its cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// Cursor position in characters, `0..=char count`.
    cursor: usize,
}

/// What to draw for an input in a given width: the visible part of the text and where the
/// terminal cursor goes, in columns from the left edge of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputView {
    pub text: String,
    pub cursor_col: u16,
}

impl TextInput {
    pub fn new() -> TextInput {
        TextInput::default()
    }

    /// An input holding `text` with the cursor at its end.
    pub fn with_text(text: &str) -> TextInput {
        let mut input = TextInput::new();
        input.set_text(text);
        input
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor as a character index.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    fn char_count(&self) -> usize {
        self.text.chars().count()
    }

    /// Byte offset of character index `i` (or the end).
    fn byte_at(&self, i: usize) -> usize {
        self.text
            .char_indices()
            .nth(i)
            .map(|(b, _)| b)
            .unwrap_or(self.text.len())
    }

    /// Replace the text (line breaks and other control characters become spaces); cursor at
    /// the end.
    pub fn set_text(&mut self, text: &str) {
        self.text = text.chars().map(clean).collect();
        self.cursor = self.char_count();
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    /// Take the text out, leaving the input empty.
    pub fn take(&mut self) -> String {
        self.cursor = 0;
        std::mem::take(&mut self.text)
    }

    /// Insert a character at the cursor (control characters become a space).
    pub fn insert(&mut self, ch: char) {
        let at = self.byte_at(self.cursor);
        self.text.insert(at, clean(ch));
        self.cursor += 1;
    }

    /// Insert a string at the cursor (a paste): one line, control characters become spaces.
    pub fn insert_str(&mut self, s: &str) {
        let cleaned: String = s
            .trim_end_matches(['\r', '\n'])
            .chars()
            .map(clean)
            .collect();
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, &cleaned);
        self.cursor += cleaned.chars().count();
    }

    /// Delete the whole character before the cursor. Returns whether anything was deleted.
    pub fn backspace(&mut self) -> bool {
        if self.cursor == 0 {
            return false;
        }
        self.cursor -= 1;
        let at = self.byte_at(self.cursor);
        self.text.remove(at);
        true
    }

    /// Delete the character under the cursor. Returns whether anything was deleted.
    pub fn delete(&mut self) -> bool {
        if self.cursor >= self.char_count() {
            return false;
        }
        let at = self.byte_at(self.cursor);
        self.text.remove(at);
        true
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.char_count());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.char_count();
    }

    /// Perform an editing action. Returns false for actions that are not about editing text,
    /// so the caller can handle them (save, cancel, next field …).
    pub fn apply(&mut self, action: Action) -> bool {
        match action {
            Action::Backspace => {
                self.backspace();
            }
            Action::DeleteChar => {
                self.delete();
            }
            Action::CursorLeft => self.left(),
            Action::CursorRight => self.right(),
            Action::Home => self.home(),
            Action::End => self.end(),
            Action::ClearFilter => self.clear(),
            Action::DeleteToStart => self.delete_to_start(),
            Action::DeleteWord => self.delete_word(),
            _ => return false,
        }
        true
    }

    /// Delete everything before the cursor (ctrl-u).
    pub fn delete_to_start(&mut self) {
        let at = self.byte_at(self.cursor);
        self.text.replace_range(..at, "");
        self.cursor = 0;
    }

    /// Delete the word before the cursor and the spaces after it (ctrl-w).
    pub fn delete_word(&mut self) {
        let chars: Vec<char> = self.text.chars().collect();
        let mut start = self.cursor.min(chars.len());
        while start > 0 && chars[start - 1].is_whitespace() {
            start -= 1;
        }
        while start > 0 && !chars[start - 1].is_whitespace() {
            start -= 1;
        }
        let (from, to) = (self.byte_at(start), self.byte_at(self.cursor));
        self.text.replace_range(from..to, "");
        self.cursor = start;
    }

    /// Type a key that the keymap did not bind: a printable character without ctrl or alt is
    /// inserted. Returns whether the key was typed.
    pub fn input_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Char(c)
                if !c.is_control()
                    && !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                self.insert(c);
                true
            }
            _ => false,
        }
    }

    /// The display width (terminal columns) of the text before the cursor: where the terminal
    /// cursor goes when the whole text is visible.
    pub fn display_cursor_col(&self) -> usize {
        let at = self.byte_at(self.cursor);
        self.text[..at].width()
    }

    /// The display width of the whole text.
    pub fn display_width(&self) -> usize {
        self.text.width()
    }

    /// The part of the text to draw in `width` columns, scrolled so that the cursor is
    /// visible, and the cursor's column within it.
    ///
    /// While the text before the cursor fits, the view starts at the beginning. Otherwise it
    /// starts as late as needed for the cursor cell to sit in the last column. A wide character
    /// cut by the left edge is not drawn (its visible half is a space), so columns never shift.
    pub fn view(&self, width: u16) -> InputView {
        let width = usize::from(width);
        if width == 0 {
            return InputView {
                text: String::new(),
                cursor_col: 0,
            };
        }
        let cursor_col = self.display_cursor_col();
        // Keep one column for the cursor cell itself.
        let start = (cursor_col + 1).saturating_sub(width);
        let mut out = String::new();
        let mut col = 0usize;
        for ch in self.text.chars() {
            let w = ch.width().unwrap_or(0);
            let (from, to) = (col, col + w);
            col = to;
            if to <= start {
                continue;
            }
            if from < start {
                // Cut by the left edge: pad the visible part.
                out.push_str(&" ".repeat(to - start));
                continue;
            }
            if to - start > width {
                break;
            }
            out.push(ch);
        }
        InputView {
            text: out,
            cursor_col: u16::try_from(cursor_col - start).unwrap_or(u16::MAX),
        }
    }
}

fn clean(ch: char) -> char {
    if ch.is_control() {
        ' '
    } else {
        ch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> TextInput {
        let mut t = TextInput::new();
        for c in s.chars() {
            t.insert(c);
        }
        t
    }

    #[test]
    fn backspace_deletes_one_whole_chinese_character() {
        let mut t = typed("狗街镇");
        assert_eq!(t.text(), "狗街镇");
        assert_eq!(t.cursor(), 3);
        assert_eq!(t.display_cursor_col(), 6);
        assert!(t.backspace());
        assert_eq!(t.text(), "狗街");
        assert_eq!(t.cursor(), 2);
        assert_eq!(t.display_cursor_col(), 4);
    }

    #[test]
    fn editing_in_the_middle_of_mixed_text() {
        let mut t = typed("A-1狗街");
        t.left();
        t.left();
        assert_eq!(t.cursor(), 3);
        assert_eq!(t.display_cursor_col(), 3);
        t.insert('宜');
        assert_eq!(t.text(), "A-1宜狗街");
        assert_eq!(t.display_cursor_col(), 5);
        assert!(t.delete());
        assert_eq!(t.text(), "A-1宜街");
        t.home();
        assert!(!t.backspace(), "nothing before the start");
        assert_eq!(t.display_cursor_col(), 0);
        t.end();
        assert!(!t.delete(), "nothing after the end");
        assert_eq!(t.cursor(), 5);
        t.right();
        assert_eq!(t.cursor(), 5, "right stops at the end");
        t.home();
        t.left();
        assert_eq!(t.cursor(), 0, "left stops at the start");
    }

    #[test]
    fn backspace_to_empty_and_beyond() {
        let mut t = typed("镇");
        assert!(t.backspace());
        assert!(t.is_empty());
        assert!(!t.backspace());
        assert_eq!(t.display_cursor_col(), 0);
    }

    #[test]
    fn paste_and_set_text_stay_on_one_line() {
        let mut t = TextInput::with_text("宜良");
        assert_eq!(t.cursor(), 2);
        t.insert_str("狗\t街\r\n");
        assert_eq!(t.text(), "宜良狗 街");
        assert_eq!(t.cursor(), 5);
        t.set_text("a\nb");
        assert_eq!(t.text(), "a b");
        assert_eq!(t.take(), "a b");
        assert!(t.is_empty());
        assert_eq!(t.cursor(), 0);
    }

    #[test]
    fn actions_and_typed_keys() {
        let mut t = TextInput::new();
        assert!(t.input_key(KeyEvent::new(KeyCode::Char('狗'), KeyModifiers::NONE)));
        assert!(t.input_key(KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT)));
        assert!(!t.input_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
        assert!(!t.input_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
        assert_eq!(t.text(), "狗A");
        assert!(t.apply(Action::CursorLeft));
        assert!(t.apply(Action::Backspace));
        assert_eq!(t.text(), "A");
        assert!(t.apply(Action::End));
        assert!(!t.apply(Action::Save), "not an editing action");
        assert!(t.apply(Action::ClearFilter));
        assert!(t.is_empty());
    }

    #[test]
    fn ctrl_w_deletes_a_word_and_ctrl_u_the_start() {
        // ctrl-w deletes the word before the cursor, ctrl-u everything before it.
        let mut t = TextInput::with_text("狗街镇 水泥 厂");
        t.left();
        t.left();
        assert!(t.apply(Action::DeleteWord));
        assert_eq!((t.text(), t.cursor()), ("狗街镇  厂", 4));
        assert!(t.apply(Action::DeleteWord));
        assert_eq!((t.text(), t.cursor()), (" 厂", 0));
        let mut t = TextInput::with_text("2022Q3 乡镇=狗街镇");
        t.left();
        assert!(t.apply(Action::DeleteToStart));
        assert_eq!((t.text(), t.cursor()), ("镇", 0));
    }

    #[test]
    fn view_fits_short_text_unscrolled() {
        let t = typed("狗街");
        let v = t.view(10);
        assert_eq!(v.text, "狗街");
        assert_eq!(v.cursor_col, 4);
    }

    #[test]
    fn view_scrolls_by_display_width_to_keep_the_cursor_visible() {
        // 5 characters, 10 columns, cursor at the end (column 10) in a 6-column input.
        let t = typed("宜良狗街镇");
        let v = t.view(6);
        // Columns 5..11 are visible: 良 (cols 2-3) is gone, 狗 (4-5) is cut in half by the
        // edge at 5, so its right half is a space; then 街镇 and the cursor cell.
        assert_eq!(v.text, " 街镇");
        assert_eq!(v.cursor_col, 5);
        assert!(v.text.width() < 6);
        // Cursor at the start: the view starts at the beginning and is cut at the width.
        let mut t = t;
        t.home();
        let v = t.view(6);
        assert_eq!(v.text, "宜良狗");
        assert_eq!(v.cursor_col, 0);
    }

    #[test]
    fn view_never_exceeds_its_width() {
        let mut t = typed("ab宜良cd狗街ef镇");
        for w in 1..12u16 {
            for pos in 0..=t.text().chars().count() {
                t.home();
                for _ in 0..pos {
                    t.right();
                }
                let v = t.view(w);
                assert!(v.text.width() <= usize::from(w), "w={w} pos={pos} {v:?}");
                assert!(v.cursor_col < w, "w={w} pos={pos} {v:?}");
            }
        }
        assert_eq!(t.view(0).text, "");
    }
}
