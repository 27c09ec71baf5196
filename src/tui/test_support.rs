//! What the TUI's tests share: the demo office, the fixed configuration, rendering to a
//! TestBackend, and key inputs.

use super::app::{new_state, update};
use super::keymap::Keymap;
use super::state::{AppState, Config, Ctx, Input};
use super::symbols::Symbols;
use super::views;
use crate::i18n::Lang;
use crate::office::Office;
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// The demo registries in a temporary store, every change made by "tester".
pub fn demo(lang: Lang) -> (Office, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let office = Office::open(&dir.path().join("store"), lang)
        .expect("open")
        .with_user("tester");
    office.load_demo().expect("demo data");
    (office, dir)
}

/// A fixed configuration: today 2022-08-15, no colour, store "demo", user "tester".
pub fn config(lang: Lang) -> Config {
    Config {
        lang,
        keymap: Keymap::builtin().expect("built-in keymap"),
        symbols: Symbols::unicode(),
        color: false,
        mouse: false,
        today: date(2022, 8, 15),
        store_label: "demo".into(),
        user: "tester".into(),
        server: false,
        me: None,
        role: None,
    }
}

/// A fresh state of `cfg` on a `w` x `h` screen.
pub fn state_with(office: &Office, cfg: Config, w: u16, h: u16) -> AppState {
    let mut app = new_state(office, cfg);
    update(office, &mut app, Input::Resize(w, h));
    app
}

/// Run `f` over the office's registries, rules and book.
pub fn with_ctx<R>(office: &Office, f: impl FnOnce(&Ctx) -> R) -> R {
    let st = office.state();
    let book = office.book();
    let revisions = office.revisions();
    let ctx = Ctx {
        data: &st,
        rules: &office.rules(),
        book: &book,
        revisions: &revisions,
    };
    f(&ctx)
}

pub fn render(office: &Office, app: &AppState) -> Terminal<TestBackend> {
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    with_ctx(office, |ctx| {
        terminal.draw(|f| views::draw(f, app, ctx)).map(|_| ())
    })
    .expect("draw");
    terminal
}

pub fn key(c: char) -> Input {
    Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub fn special(code: KeyCode) -> Input {
    Input::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Input {
    Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Type a text key by key.
pub fn typ(office: &Office, app: &mut AppState, s: &str) {
    for c in s.chars() {
        update(office, app, key(c));
    }
}
