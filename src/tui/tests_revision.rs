//! A TUI edit form keeps the revision it opened with: a save after another user's change is
//! refused with who changed the record and when, the form stays open with the reload key, and
//! ctrl-r reloads it (issue 20).

use super::app::{perform_blocking, update};
use super::state::{AppState, Effect, FormKind, Op, Overlay};
use super::test_support::{config, ctrl, demo, key, render, special, state_with, typ};
use crate::i18n::Lang;
use crate::office::Office;
use crate::store::revision::local_time;
use crate::store::TreeName;
use crossterm::event::KeyCode;

/// Open the edit form of the first target listed; its id and revision.
fn open_edit(office: &Office, app: &mut AppState) -> (u64, Option<u64>) {
    update(office, app, key('e'));
    match &app.overlay {
        Some(Overlay::Form(f)) => match f.kind {
            FormKind::Target { id, revision } => (id, revision),
            ref k => panic!("not a target form: {k:?}"),
        },
        _ => panic!("no form"),
    }
}

/// Another user changes the target's industry meanwhile.
fn changed_by_zhang(office: &Office, id: u64) {
    let _as = office.acting("zhang", Lang::Zh);
    let mut t = office.state().target(id).cloned().expect("target");
    t.industry = "水泥制造".into();
    office.save_target(t).expect("zhang's save");
}

/// The form's error (refused by the office).
fn form_error(app: &AppState) -> String {
    match &app.overlay {
        Some(Overlay::Form(f)) => f.error.clone().unwrap_or_default(),
        _ => panic!("the form was closed"),
    }
}

/// A screen with the time of zhang's change written as a fixed one (same widths).
fn screen(office: &Office, app: &AppState, id: u64) -> String {
    let shown = format!("{}", render(office, app).backend());
    let time = office
        .revisions()
        .get(TreeName::Targets, id)
        .map(|r| local_time(&r.time))
        .expect("a revision");
    let (date, clock) = time.split_once(' ').expect("date and time");
    shown.replace(date, "2022-08-15").replace(clock, "09:30:00")
}

fn stale_save(lang: Lang, w: u16, h: u16) -> (Office, tempfile::TempDir, AppState, u64) {
    let (office, dir) = demo(lang);
    let mut app = state_with(&office, config(lang), w, h);
    let (id, revision) = open_edit(&office, &mut app);
    assert_eq!(
        revision,
        Some(office.revisions().rev(TreeName::Targets, id))
    );
    changed_by_zhang(&office, id);
    // This user changes the address (the fifth field) and saves.
    for _ in 0..4 {
        update(&office, &mut app, special(KeyCode::Tab));
    }
    update(&office, &mut app, ctrl('e'));
    typ(&office, &mut app, "（新址）");
    let Effect::Op(op) = update(&office, &mut app, ctrl('s')) else {
        panic!("a valid form gives an operation");
    };
    assert!(matches!(op, Op::SaveTarget(_, base) if base == revision));
    let before = (
        office.state().targets.clone(),
        office.audit_tail(usize::MAX).expect("audit"),
    );
    perform_blocking(&office, &mut app, op);
    let after = (
        office.state().targets.clone(),
        office.audit_tail(usize::MAX).expect("audit"),
    );
    assert_eq!(after, before, "the refused save changed nothing");
    (office, dir, app, id)
}

#[test]
fn a_stale_save_keeps_the_form_with_the_message_and_ctrl_r_reloads() {
    let (office, _dir, mut app, id) = stale_save(Lang::Zh, 120, 40);
    let e = form_error(&app);
    assert!(
        e.starts_with(&format!("检查对象 {id} 已被 zhang 于 ")) && e.contains("请重新载入"),
        "{e}"
    );
    let t = office.state().target(id).cloned().expect("target");
    assert_eq!(t.industry, "水泥制造", "zhang's change is kept");
    insta::assert_snapshot!("stale_save_120x40", screen(&office, &app, id));
    // ctrl-r: the form again, over the target as it is now, at its current revision.
    update(&office, &mut app, ctrl('r'));
    let Some(Overlay::Form(f)) = &app.overlay else {
        panic!("the form is open again");
    };
    assert_eq!(
        f.kind,
        FormKind::Target {
            id,
            revision: Some(office.revisions().rev(TreeName::Targets, id)),
        }
    );
    assert_eq!(f.fields[3].input.text(), "水泥制造");
    assert_eq!(f.error, None);
    // Saved from there it goes through and keeps zhang's change.
    let Effect::Op(op) = update(&office, &mut app, ctrl('s')) else {
        panic!("a valid form gives an operation");
    };
    perform_blocking(&office, &mut app, op);
    assert!(app.overlay.is_none(), "saved");
    assert_eq!(
        office.state().target(id).map(|t| t.industry),
        Some("水泥制造".into())
    );
}

#[test]
fn a_stale_save_in_english_at_80x24() {
    let (office, _dir, app, id) = stale_save(Lang::En, 80, 24);
    let e = form_error(&app);
    assert!(
        e.starts_with(&format!("target {id} changed by zhang at ")) && e.contains(": reload"),
        "{e}"
    );
    insta::assert_snapshot!("stale_save_en_80x24", screen(&office, &app, id));
}
