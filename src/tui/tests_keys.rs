//! Issue 11, acceptance 4: on every screen, every key the status bar or the help (`?`) shows
//! runs an action the screen handles. A key a screen does not handle is not in its keymap
//! table, so it is neither shown nor answered with "此处尚未开放" / "not available here".

use super::app::update;
use super::keymap::{Key, Mode};
use super::screens::Tab;
use super::state::{AppState, Effect, Input, Overlay};
use super::test_support::{key, special};
use super::tests_work::{press, progressed, state};
use crate::i18n::Lang;
use crate::office::Office;
use crossterm::event::{KeyCode, KeyEvent};

/// The app on `tab` (its figures or audit log loaded), in `lang`.
fn on(office: &Office, lang: Lang, tab: Tab) -> AppState {
    let mut app = state(office, lang, 120, 40);
    let digit = char::from(b'1' + tab.index() as u8);
    press(office, &mut app, key(digit));
    assert_eq!(app.tab, tab);
    app
}

/// The keys the status bar shows in the app's current mode, and those the help lists.
fn shown_keys(office: &Office, app: &AppState) -> Vec<Vec<Key>> {
    let mode = app.mode();
    let km = &app.cfg.keymap;
    let find = |text: &str| {
        km.bindings(mode)
            .iter()
            .find(|b| b.chord_text() == text)
            .map(|b| b.chord.clone())
            .unwrap_or_else(|| panic!("[{mode}] shows {text:?}, which is not bound there"))
    };
    let mut keys: Vec<Vec<Key>> = km
        .status_hints(mode, app.lang())
        .iter()
        .map(|(_, k, _)| find(k))
        .collect();
    let mut help = app.clone();
    update(office, &mut help, key('?'));
    let Some(Overlay::Help(p)) = &help.overlay else {
        panic!("[{mode}]: ? opens no help");
    };
    assert_eq!(p.under, mode);
    for e in &p.entries {
        let chord = find(&e.keys);
        if !keys.contains(&chord) {
            keys.push(chord);
        }
    }
    keys
}

fn not_here(msg: &str) -> bool {
    msg.contains("此处尚未开放") || msg.contains("not available here")
}

/// Press every shown key on a copy of `app`; each must do something and none may answer
/// "not available here". Returns how many keys were tried.
fn every_shown_key_works(office: &Office, app: &AppState, name: &str) -> usize {
    let keys = shown_keys(office, app);
    assert!(!keys.is_empty(), "{name}: no keys shown");
    let mut failures = Vec::new();
    for chord in &keys {
        let mut a = app.clone();
        let mut effect = Effect::Ignored;
        for k in chord {
            effect = update(
                office,
                &mut a,
                Input::Key(KeyEvent::new(k.code, k.modifiers)),
            );
        }
        let text = super::keymap::chord_text(chord);
        let msg = a.message.clone().unwrap_or_default();
        if not_here(&msg) {
            failures.push(format!("{name}: {text} answers {msg:?}"));
        }
        if effect == Effect::Ignored {
            failures.push(format!("{name}: {text} does nothing"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    keys.len()
}

#[test]
fn every_key_shown_on_every_screen_is_handled_there() {
    let (office, _dir) = progressed();
    for lang in [Lang::Zh, Lang::En] {
        for tab in Tab::ALL {
            let app = on(&office, lang, tab);
            assert_eq!(app.mode(), Mode::Screen(tab));
            let n = every_shown_key_works(&office, &app, tab.name());
            assert!(n >= 10, "{}: only {n} keys", tab.name());
        }
        // The registries' detail pane, the dashboard's presentation, a past draw, an audit
        // entry and a task opened in full.
        let mut app = on(&office, lang, Tab::Registries);
        update(&office, &mut app, special(KeyCode::Enter));
        assert_eq!(app.mode(), Mode::Detail);
        every_shown_key_works(&office, &app, "detail");
        let mut app = on(&office, lang, Tab::Dashboard);
        update(&office, &mut app, key('P'));
        assert_eq!(app.mode(), Mode::Presentation);
        every_shown_key_works(&office, &app, "presentation");
        for (tab, name) in [
            (Tab::Draws, "past draw"),
            (Tab::Audit, "audit entry"),
            (Tab::Tasks, "task detail"),
        ] {
            let mut app = on(&office, lang, tab);
            press(&office, &mut app, special(KeyCode::Enter));
            every_shown_key_works(&office, &app, name);
        }
    }
}

#[test]
fn the_audit_tab_no_longer_offers_keys_it_does_not_handle() {
    let (office, _dir) = progressed();
    let app = on(&office, Lang::Zh, Tab::Audit);
    let shown: Vec<String> = shown_keys(&office, &app)
        .iter()
        .map(|c| super::keymap::chord_text(c))
        .collect();
    for gone in ["/", "a", "e", "s", "i", "]"] {
        assert!(
            !shown.contains(&gone.to_string()),
            "{gone} still shown: {shown:?}"
        );
    }
    // The check can fail: an action the audit tab does not handle still answers so.
    let mut a = app.clone();
    update(&office, &mut a, Input::Action(super::action::Action::Add));
    assert!(not_here(a.message.as_deref().unwrap_or("")));
}

#[test]
fn ctrl_r_on_the_dashboard_reloads_its_figures() {
    let (office, _dir) = progressed();
    let mut app = on(&office, Lang::Zh, Tab::Dashboard);
    let before = format!("{:?}", app.figures.data);
    assert!(
        app.figures.data.is_some(),
        "the dashboard loaded its figures"
    );
    // Another hand records task 3's result; the screen does not know yet.
    office
        .task_result(3, 1, super::test_support::date(2022, 8, 12), "", None, true)
        .expect("result 3");
    assert_eq!(format!("{:?}", app.figures.data), before);
    let effect = press(&office, &mut app, super::test_support::ctrl('r'));
    assert!(
        matches!(&effect, Effect::Op(super::state::Op::LoadFigures { period, .. }) if period == "2022Q3"),
        "{effect:?}"
    );
    let after = format!("{:?}", app.figures.data);
    assert_ne!(after, before, "ctrl-r read the figures again");
    // f5 is the same action; nothing changed since, so the figures stay.
    press(&office, &mut app, special(KeyCode::F(5)));
    assert_eq!(format!("{:?}", app.figures.data), after);
}
