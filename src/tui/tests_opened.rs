//! Tests of records opened in full: a past draw (Enter on the draws tab; `n` starts a new
//! draw) and an audit entry (Enter on the audit tab).

use super::state::{AppState, Tab};
use super::test_support::{demo, key, render, special};
use super::tests_work::{draw_plan3, press, state};
use crate::i18n::Lang;
use crate::office::Office;
use crossterm::event::KeyCode;

fn past_draw(office: &Office, w: u16, h: u16) -> AppState {
    draw_plan3(office);
    let mut app = state(office, Lang::Zh, w, h);
    press(office, &mut app, key('4'));
    assert_eq!(app.tab, Tab::Draws);
    press(office, &mut app, special(KeyCode::Enter));
    assert!(app.wizard.is_none(), "Enter opens the draw, not the wizard");
    app
}

#[test]
fn enter_opens_a_past_draw_with_its_seed_pools_teams_and_verification() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = past_draw(&office, 120, 40);
    let p = app.past_draw.clone().expect("opened");
    assert_eq!(p.id, 1);
    assert_eq!(p.verified, Ok(()));
    let text = format!("{}", render(&office, &app).backend());
    let seed = crate::draw::sampler::seed_hex(&office.book().draws[0].seed);
    for want in [
        "重算一致",
        "种子 = SHA-256(熵 ‖ 见证)",
        "（与公式一致）",
        &seed,
        "池 ",
        "黄志发",
        "宜良县狗街下村冷链物流中心项目",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    // Scrolling reaches the last team; Esc returns to the list; n starts a new draw.
    for _ in 0..60 {
        press(&office, &mut app, special(KeyCode::Down));
    }
    let text = format!("{}", render(&office, &app).backend());
    assert!(text.contains("宜良县汤池余顺福养殖场"), "{text}");
    press(&office, &mut app, special(KeyCode::Esc));
    assert!(app.past_draw.is_none());
    press(&office, &mut app, key('n'));
    assert!(app.wizard.is_some());
}

#[test]
fn a_past_draw_that_no_longer_recomputes_says_so() {
    let (office, _dir) = demo(Lang::Zh);
    draw_plan3(&office);
    let mut book = (*office.book()).clone();
    book.draws[0].seed[0] ^= 1;
    let st = office.state();
    let rules = office.rules();
    let revisions = office.revisions();
    let ctx = super::state::Ctx {
        data: &st,
        rules: &rules,
        book: &book,
        revisions: &revisions,
    };
    let mut app = state(&office, Lang::Zh, 80, 24);
    app.update(key('4'), &ctx);
    app.update(special(KeyCode::Enter), &ctx);
    let p = app.past_draw.clone().expect("opened");
    assert!(p.verified.is_err(), "{:?}", p.verified);
}

#[test]
fn snapshot_past_draw_80x24() {
    let (office, _dir) = demo(Lang::Zh);
    let app = past_draw(&office, 80, 24);
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_past_draw_120x40() {
    let (office, _dir) = demo(Lang::Zh);
    let app = past_draw(&office, 120, 40);
    insta::assert_snapshot!(render(&office, &app).backend());
}

fn audit_entry(office: &Office, w: u16, h: u16) -> AppState {
    let mut app = state(office, Lang::Zh, w, h);
    press(office, &mut app, key('7'));
    assert_eq!(app.tab, Tab::Audit);
    // Times are the wall clock, and the hashes cover them: fix both for the snapshot.
    for e in &mut app.audit.entries {
        e.time = "2022-08-15T09:30:00+08:00".into();
        e.hash = [e.seq as u8; 32];
        e.prev = [e.seq.saturating_sub(1) as u8; 32];
    }
    press(office, &mut app, special(KeyCode::Down));
    press(office, &mut app, special(KeyCode::Enter));
    assert!(app.audit_open);
    app
}

#[test]
fn enter_opens_an_audit_entry_in_full_and_esc_closes_it() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = audit_entry(&office, 80, 24);
    let e = app.audit.entries[1].clone();
    let text = format!("{}", render(&office, &app).backend());
    assert!(text.contains(&format!("审计条目 #{}", e.seq)), "{text}");
    assert!(text.contains(&hex::encode(e.hash)[..40]), "{text}");
    // The summary is wrapped, not cut, at 80 columns: its end is on screen.
    let tail: String = e
        .summary
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert!(text.contains(&tail), "{tail} missing:\n{text}");
    // Up shows the previous (newer) entry.
    press(&office, &mut app, special(KeyCode::Up));
    let text = format!("{}", render(&office, &app).backend());
    assert!(text.contains(&format!("审计条目 #{}", e.seq + 1)), "{text}");
    press(&office, &mut app, special(KeyCode::Esc));
    assert!(!app.audit_open);
}

#[test]
fn snapshot_audit_entry_80x24() {
    let (office, _dir) = demo(Lang::Zh);
    let app = audit_entry(&office, 80, 24);
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_audit_entry_120x40() {
    let (office, _dir) = demo(Lang::Zh);
    let app = audit_entry(&office, 120, 40);
    insta::assert_snapshot!(render(&office, &app).backend());
}

/// Issue 16: a plan and period that already have a draw are refused at the period step,
/// before the preview, the witness and the typed confirmation.
#[test]
fn the_wizard_refuses_an_existing_draw_at_the_period_step() {
    let (office, _dir) = demo(Lang::Zh);
    draw_plan3(&office);
    let mut app = state(&office, Lang::Zh, 80, 24);
    super::tests_work::to_period(&office, &mut app);
    super::tests_work::clear_input(&office, &mut app);
    super::test_support::typ(&office, &mut app, "2022Q3");
    let e = press(&office, &mut app, special(KeyCode::Enter));
    assert_eq!(e, super::state::Effect::Redraw, "no preview asked");
    let w = app.wizard.as_ref().expect("wizard");
    assert_eq!(w.step, super::state::WizardStep::Period);
    let err = w.error.clone().unwrap_or_default();
    assert!(
        err.contains("已有抽取 #1") && err.contains("按 v 作废"),
        "{err}"
    );
    // Another period goes on.
    super::tests_work::clear_input(&office, &mut app);
    super::test_support::typ(&office, &mut app, "2022Q4");
    press(&office, &mut app, special(KeyCode::Enter));
    assert_eq!(
        app.wizard.as_ref().map(|w| w.step),
        Some(super::state::WizardStep::Scope)
    );
}
