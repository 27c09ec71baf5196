//! Tests of the questions before what cannot be taken back: voiding a draw and an export that
//! would replace a file. `n` changes nothing and returns to the form as typed; `y` does it.

use super::app::perform_blocking;
use super::state::{AppState, Effect, Op, Overlay};
use super::test_support::{ctrl, demo, key, render, typ};
use super::tests_work::{draw_plan3, press, state};
use crate::i18n::Lang;
use crate::office::Office;

/// The void form of draw 1 filled in and saved: the question is open.
fn void_asked(office: &Office, w: u16, h: u16) -> AppState {
    draw_plan3(office);
    let mut app = state(office, Lang::Zh, w, h);
    press(office, &mut app, key('4'));
    press(office, &mut app, key('v'));
    typ(office, &mut app, "计划录入错误");
    let e = press(office, &mut app, ctrl('s'));
    assert_eq!(e, Effect::Redraw, "no operation before the answer");
    assert!(matches!(app.overlay, Some(Overlay::Ask { .. })));
    app
}

#[test]
fn void_asks_with_the_consequence_and_n_changes_nothing() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = void_asked(&office, 80, 24);
    let text = format!("{}", render(&office, &app).backend());
    assert!(text.contains("40 个任务标记为作废"), "{text}");
    assert!(text.contains("不能撤销"), "{text}");
    let before = office.book().draws.clone();
    let audit_before = office.audit_tail(1000).map(|v| v.len()).unwrap_or(0);
    press(&office, &mut app, key('n'));
    assert_eq!(office.book().draws, before, "nothing voided");
    assert_eq!(
        office.audit_tail(1000).map(|v| v.len()).unwrap_or(0),
        audit_before
    );
    // Back in the form, with the reason as typed.
    let Some(Overlay::Form(f)) = &app.overlay else {
        panic!("the form again: {:?}", app.overlay);
    };
    assert_eq!(f.fields[0].input.text(), "计划录入错误");
    // Saved again and answered y: voided.
    press(&office, &mut app, ctrl('s'));
    press(&office, &mut app, key('y'));
    assert!(app.overlay.is_none());
    assert!(office.book().draws[0].voided.is_some());
}

#[test]
fn snapshot_void_confirmation_80x24() {
    let (office, _dir) = demo(Lang::Zh);
    let app = void_asked(&office, 80, 24);
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_void_confirmation_120x40() {
    let (office, _dir) = demo(Lang::Zh);
    let app = void_asked(&office, 120, 40);
    insta::assert_snapshot!(render(&office, &app).backend());
}

/// The export prompt with the path of an existing file, entered: the question is open.
fn overwrite_asked(office: &Office, path: &std::path::Path, w: u16, h: u16) -> AppState {
    std::fs::write(path, b"old").expect("existing file");
    let mut app = state(office, Lang::Zh, w, h);
    press(office, &mut app, key('x'));
    if let Some(Overlay::Form(f)) = &mut app.overlay {
        f.fields[0].input.set_text(&path.to_string_lossy());
    }
    let e = press(
        office,
        &mut app,
        super::test_support::special(crossterm::event::KeyCode::Enter),
    );
    assert_eq!(e, Effect::Redraw, "no export before the answer");
    assert!(matches!(app.overlay, Some(Overlay::Ask { .. })));
    app
}

#[test]
fn an_export_over_an_existing_file_asks_and_n_keeps_the_file() {
    let (office, dir) = demo(Lang::Zh);
    let path = dir.path().join("检查对象.xlsx");
    let mut app = overwrite_asked(&office, &path, 80, 24);
    let text = format!("{}", render(&office, &app).backend());
    assert!(text.contains("文件已存在"), "{text}");
    press(&office, &mut app, key('n'));
    assert_eq!(std::fs::read(&path).expect("read"), b"old");
    assert!(
        matches!(app.overlay, Some(Overlay::Form(_))),
        "back to the path"
    );
    // Enter again, then y: the workbook replaces the file.
    let e = super::app::update(
        &office,
        &mut app,
        super::test_support::special(crossterm::event::KeyCode::Enter),
    );
    assert_eq!(e, Effect::Redraw);
    let e = super::app::update(&office, &mut app, key('y'));
    let Effect::Op(op @ Op::Export { .. }) = e else {
        panic!("y exports: {e:?}");
    };
    perform_blocking(&office, &mut app, op);
    assert_ne!(std::fs::read(&path).expect("read"), b"old");
}

#[test]
fn snapshot_overwrite_confirmation_80x24() {
    let (office, _dir) = demo(Lang::Zh);
    // A fixed path, so that the snapshot does not name a random temporary directory.
    let dir = std::path::Path::new("/tmp/shuangsui-tui-ask-80");
    std::fs::create_dir_all(dir).expect("dir");
    let app = overwrite_asked(&office, &dir.join("检查对象.xlsx"), 80, 24);
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_overwrite_confirmation_120x40() {
    let (office, _dir) = demo(Lang::Zh);
    let dir = std::path::Path::new("/tmp/shuangsui-tui-ask-120");
    std::fs::create_dir_all(dir).expect("dir");
    let app = overwrite_asked(&office, &dir.join("检查对象.xlsx"), 120, 40);
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn ctrl_c_quits_from_a_list_the_filter_and_the_wizard_and_asks_in_a_form() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh, 80, 24);
    assert_eq!(
        super::app::update(&office, &mut app, ctrl('c')),
        Effect::Quit
    );
    press(&office, &mut app, key('/'));
    assert_eq!(
        super::app::update(&office, &mut app, ctrl('c')),
        Effect::Quit
    );
    press(&office, &mut app, special_esc());
    press(&office, &mut app, key('4'));
    press(&office, &mut app, key('n'));
    assert!(app.wizard.is_some());
    assert_eq!(
        super::app::update(&office, &mut app, ctrl('c')),
        Effect::Quit
    );
    // A form: a question first; n goes back to it.
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('a'));
    typ(&office, &mut app, "新单位");
    assert_eq!(
        super::app::update(&office, &mut app, ctrl('c')),
        Effect::Redraw
    );
    assert!(matches!(app.overlay, Some(Overlay::Ask { op: None, .. })));
    press(&office, &mut app, key('n'));
    let Some(Overlay::Form(f)) = &app.overlay else {
        panic!("back in the form: {:?}", app.overlay);
    };
    assert_eq!(f.fields[0].input.text(), "新单位");
    super::app::update(&office, &mut app, ctrl('c'));
    assert_eq!(
        super::app::update(&office, &mut app, key('y')),
        Effect::Quit
    );
}

#[test]
fn j_and_k_move_in_the_default_keymap() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('j'));
    press(&office, &mut app, key('j'));
    assert_eq!(app.list().selected, 2);
    press(&office, &mut app, key('k'));
    assert_eq!(app.list().selected, 1);
    press(&office, &mut app, key('G'));
    assert_eq!(app.list().selected, app.list().matches.len() - 1);
}

fn special_esc() -> super::state::Input {
    super::test_support::special(crossterm::event::KeyCode::Esc)
}
