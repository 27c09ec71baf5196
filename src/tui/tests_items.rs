//! The inspection item list as the registries' last list (issue 19, acceptance 1).

use super::app::update;
use super::state::Registry;
use super::test_support::{config, demo, key, render, state_with};
use crate::i18n::Lang;

/// The registries tab with the item list shown (`[` from the first registry wraps to it).
fn items_screen(w: u16, h: u16) -> String {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state_with(&office, config(Lang::Zh), w, h);
    update(&office, &mut app, key('['));
    assert_eq!(app.registry, Registry::Items);
    format!("{}", render(&office, &app).backend())
}

#[test]
fn snapshot_items_80x24() {
    let screen = items_screen(80, 24);
    assert!(screen.contains("SX-05"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn snapshot_items_120x40() {
    let screen = items_screen(120, 40);
    assert!(screen.contains("辐射安全项目管理情况"), "{screen}");
    insta::assert_snapshot!(screen);
}
