//! The draw wizard refuses at its first step a role that may not draw (issue 16, acceptance
//! 3): a viewer and an inspector see the role it needs before choosing a plan, Enter does not
//! go on, and nothing is asked of the office; an office user goes on to the period.

use super::backend::Backend;
use super::state::{AppState, Effect, Input, Tab, WizardStep};
use super::test_support::config;
use super::views;
use crate::i18n::Lang;
use crate::office::protocol::Caller;
use crate::office::{Office, Role, Roles};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::Arc;

fn press(b: &Backend, app: &mut AppState, code: KeyCode) -> Effect {
    b.with_ctx(|ctx| app.update(Input::Key(KeyEvent::new(code, KeyModifiers::NONE)), ctx))
}

fn screen(b: &Backend, app: &AppState) -> String {
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    b.with_ctx(|ctx| t.draw(|f| views::draw(f, app, ctx)).map(|_| ()))
        .expect("draw");
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .replace(' ', "")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The local TUI of a demo store whose roles file gives the OS user `role`, with the draw
/// wizard just opened (`n` on the draws tab).
fn wizard_as(role: &str, lang: Lang) -> (tempfile::TempDir, Arc<Office>, Backend, AppState) {
    let dir = tempfile::tempdir().expect("temp dir");
    let office = Office::open(&dir.path().join("store"), lang).expect("open");
    office.load_demo().expect("demo");
    let caller = Caller::local(lang);
    let roles = format!("[users]\n\"{}\" = \"{role}\"\n", caller.user);
    office.set_roles(Some(Roles::parse(&roles, "roles.toml").expect("roles")));
    let office = Arc::new(office);
    let b = Backend::local(Arc::clone(&office), lang);
    let cfg = super::state::Config {
        role: b.my_role(),
        ..config(lang)
    };
    let mut app = b.with_ctx(|ctx| AppState::new(cfg, ctx));
    b.with_ctx(|ctx| app.update(Input::Resize(80, 24), ctx));
    press(&b, &mut app, KeyCode::Char('4'));
    assert_eq!(app.tab, Tab::Draws);
    press(&b, &mut app, KeyCode::Char('n'));
    (dir, office, b, app)
}

#[test]
fn the_wizard_refuses_a_viewer_and_an_inspector_at_its_first_step_naming_the_role() {
    for (role, have) in [("viewer", Role::Viewer), ("inspector", Role::Inspector)] {
        let (_dir, office, b, mut app) = wizard_as(role, Lang::Zh);
        let audit = office.audit_len();
        let w = app.wizard.as_ref().expect("the wizard opens");
        assert_eq!(w.step, WizardStep::Plan);
        let msg = w.error.clone().unwrap_or_default();
        assert!(msg.contains(Role::Office.label(Lang::Zh)), "{role}: {msg}");
        assert!(msg.contains(have.label(Lang::Zh)), "{role}: {msg}");
        assert!(!msg.contains("list") && !msg.contains("verify"), "{msg}");
        // Shown on the first step, whole (wrapped, not cut).
        let s = screen(&b, &app);
        assert!(s.contains("无权抽取"), "{s}");
        assert!(s.contains("科室经办（office）"), "{s}");
        assert!(s.contains("角色文件"), "{s}");
        // Enter does not go on to the period, and asks nothing of the office.
        assert_eq!(press(&b, &mut app, KeyCode::Enter), Effect::Redraw);
        let w = app.wizard.as_ref().expect("still open");
        assert_eq!(w.step, WizardStep::Plan, "{role}");
        assert!(w.error.is_some());
        assert_eq!(office.audit_len(), audit);
        // Esc leaves as anywhere else.
        press(&b, &mut app, KeyCode::Esc);
        assert!(app.wizard.is_none(), "{role}");
    }
}

#[test]
fn the_wizard_refusal_is_in_english_with_lang_en() {
    let (_dir, _office, _b, app) = wizard_as("viewer", Lang::En);
    let msg = app
        .wizard
        .as_ref()
        .and_then(|w| w.error.clone())
        .unwrap_or_default();
    assert!(msg.starts_with("not allowed to draw"), "{msg}");
    assert!(msg.contains("office role"), "{msg}");
}

#[test]
fn an_office_user_goes_on_to_the_period() {
    let (_dir, _office, b, mut app) = wizard_as("office", Lang::Zh);
    let w = app.wizard.as_ref().expect("the wizard opens");
    assert_eq!(w.error, None);
    press(&b, &mut app, KeyCode::Enter);
    assert_eq!(
        app.wizard.as_ref().map(|w| w.step),
        Some(WizardStep::Period)
    );
}
