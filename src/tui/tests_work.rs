//! Tests of the work tabs: the draw wizard's update (inline refusals, the typed confirmation),
//! task steps out of order, and snapshots of the preview, the result, the progress view, the
//! publication list and the dashboard.

use super::app::{perform_blocking, update};
use super::keymap::Keymap;
use super::state::{AppState, Ctx, Effect, Input, Op, Overlay, StepOp, Tab, WizardStep};
use super::test_support::{config, date, demo, key, render, special, state_with, typ};
use crate::i18n::Lang;
use crate::office::{DrawRequest, Office};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The entropy the tests' announcements seal (fixed so that snapshots are stable).
pub(super) const ENTROPY: [u8; 32] = [0x5a; 32];

pub(super) fn state(office: &Office, lang: Lang, w: u16, h: u16) -> AppState {
    let mut app = state_with(office, config(lang), w, h);
    // The test hooks: a fixed entropy and draw date.
    crate::office::announce::fix_entropy_for_tests(Some(ENTROPY));
    app.draw_date = Some(date(2022, 7, 5));
    app
}

/// Send a key; perform any operation it asks for, as the app loop would.
pub(super) fn press(office: &Office, app: &mut AppState, input: Input) -> Effect {
    let e = update(office, app, input);
    if let Effect::Op(op) = &e {
        perform_blocking(office, app, op.clone());
    }
    e
}

pub(super) fn clear_input(office: &Office, app: &mut AppState) {
    for _ in 0..20 {
        update(office, app, special(KeyCode::Backspace));
    }
}

/// Open the wizard on the draws tab and go to the period step of plan 3.
pub(super) fn to_period(office: &Office, app: &mut AppState) {
    press(office, app, key('4'));
    press(office, app, key('n'));
    assert!(app.wizard.is_some());
    press(office, app, special(KeyCode::Down));
    press(office, app, special(KeyCode::Down));
    press(office, app, special(KeyCode::Enter));
    assert_eq!(
        app.wizard.as_ref().map(|w| w.step),
        Some(WizardStep::Period)
    );
    assert_eq!(app.wizard.as_ref().map(|w| w.plan), Some(3));
}

/// Walk the wizard of plan 3 for 2022Q3, undirected, to the preview.
pub(super) fn to_preview(office: &Office, app: &mut AppState) {
    to_period(office, app);
    clear_input(office, app);
    typ(office, app, "2022Q3");
    press(office, app, special(KeyCode::Enter));
    clear_input(office, app);
    press(office, app, special(KeyCode::Enter));
    let w = app.wizard.as_ref().expect("wizard");
    assert_eq!(w.step, WizardStep::Preview);
    assert!(w.preview.is_some(), "refused: {:?}", w.refusal);
}

pub(super) fn step(app: &AppState) -> Option<WizardStep> {
    app.wizard.as_ref().map(|w| w.step)
}

// ---------------------------------------------------------------------------------------------
// The wizard's update()
// ---------------------------------------------------------------------------------------------

#[test]
fn wizard_refuses_a_bad_period_inline() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh, 80, 24);
    to_period(&office, &mut app);
    clear_input(&office, &mut app);
    typ(&office, &mut app, "2022Q9");
    let e = press(&office, &mut app, special(KeyCode::Enter));
    assert_eq!(e, Effect::Redraw, "no operation for a bad period");
    assert_eq!(step(&app), Some(WizardStep::Period));
    let err = app
        .wizard
        .as_ref()
        .and_then(|w| w.error.clone())
        .expect("error");
    assert!(err.contains("2022Q9"), "{err}");
    // Corrected, it goes on.
    update(&office, &mut app, special(KeyCode::Backspace));
    typ(&office, &mut app, "3");
    press(&office, &mut app, special(KeyCode::Enter));
    assert_eq!(step(&app), Some(WizardStep::Scope));
}

#[test]
fn wizard_refuses_a_bad_scope_inline_and_asks_nothing_of_the_office() {
    let (office, _dir) = demo(Lang::En);
    let mut app = state(&office, Lang::En, 80, 24);
    to_period(&office, &mut app);
    clear_input(&office, &mut app);
    typ(&office, &mut app, "2022Q3");
    press(&office, &mut app, special(KeyCode::Enter));
    typ(&office, &mut app, "town=");
    let e = update(&office, &mut app, special(KeyCode::Enter));
    assert_eq!(e, Effect::Redraw);
    assert_eq!(step(&app), Some(WizardStep::Scope));
    assert!(app.wizard.as_ref().and_then(|w| w.error.clone()).is_some());
    // A valid directed scope asks for the preview.
    clear_input(&office, &mut app);
    typ(&office, &mut app, "乡镇=狗街镇");
    let e = update(&office, &mut app, special(KeyCode::Enter));
    assert!(
        matches!(e, Effect::Op(Op::PreviewDraw(ref a)) if a.scope == "乡镇=狗街镇" && a.period == "2022Q3")
    );
}

#[test]
fn wrong_confirmation_does_not_commit_and_the_right_one_commits_exactly_one_draw() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh, 80, 24);
    to_preview(&office, &mut app);
    press(&office, &mut app, special(KeyCode::Enter)); // announce: the source
    assert_eq!(step(&app), Some(WizardStep::Announce));
    typ(&office, &mut app, "福彩3D 2022年第185期开奖号码");
    let audit = office.audit_len();
    let e = press(&office, &mut app, special(KeyCode::Enter)); // announced
    assert!(
        matches!(e, Effect::Op(Op::AnnounceDraw { ref source, .. }) if source == "福彩3D 2022年第185期开奖号码")
    );
    assert_eq!(
        office.audit_len(),
        audit + 1,
        "the announcement is on record"
    );
    assert_eq!(office.book().draws.len(), 0, "nothing drawn yet");
    let a = app
        .wizard
        .as_ref()
        .and_then(|w| w.announcement.clone())
        .expect("announced");
    use sha2::Digest;
    assert_eq!(a.commitment, hex::encode(sha2::Sha256::digest(ENTROPY)));
    assert_eq!(a.entropy, None, "sealed");
    // Esc on the announcement does not go back to change the frozen input.
    press(&office, &mut app, special(KeyCode::Esc));
    assert_eq!(step(&app), Some(WizardStep::Announce));
    press(&office, &mut app, special(KeyCode::Enter)); // witness
    assert_eq!(step(&app), Some(WizardStep::Witness));
    typ(&office, &mut app, "双色球2022078");
    press(&office, &mut app, special(KeyCode::Enter)); // confirm
    assert_eq!(step(&app), Some(WizardStep::Confirm));
    typ(&office, &mut app, "确认");
    let e = press(&office, &mut app, special(KeyCode::Enter));
    assert_eq!(e, Effect::Redraw);
    assert_eq!(office.book().draws.len(), 0, "nothing drawn");
    assert!(app.wizard.as_ref().and_then(|w| w.error.clone()).is_some());
    // An empty confirmation does not commit either.
    clear_input(&office, &mut app);
    press(&office, &mut app, special(KeyCode::Enter));
    assert_eq!(office.book().draws.len(), 0);
    typ(&office, &mut app, "确认抽取");
    let e = press(&office, &mut app, special(KeyCode::Enter));
    assert!(
        matches!(e, Effect::Op(Op::CommitAnnounced { id: 1, ref witness }) if witness == "双色球2022078")
    );
    assert_eq!(office.book().draws.len(), 1, "exactly one draw");
    assert_eq!(step(&app), Some(WizardStep::Result));
    let r = app
        .wizard
        .as_ref()
        .and_then(|w| w.result.clone())
        .expect("result");
    let seed = crate::draw::sampler::derive_seed(&ENTROPY, "双色球2022078");
    assert_eq!(r.seed, crate::draw::sampler::seed_hex(&seed));
    assert_eq!(r.verify_command(), "shuangsui verify --draw 1");
    assert_eq!(r.tasks.len(), office.book().tasks.len());
    assert_eq!(office.verify_draw(1).expect("draw 1"), Ok(()));
    // Enter closes the result; the past draws list shows it.
    press(&office, &mut app, special(KeyCode::Enter));
    assert!(app.wizard.is_none());
}

#[test]
fn an_infeasible_draw_shows_the_refusal_before_anything_is_drawn() {
    let (office, _dir) = demo(Lang::En);
    let mut app = state(&office, Lang::En, 80, 24);
    to_period(&office, &mut app);
    clear_input(&office, &mut app);
    // Plan 3 is of 2022: a 2023 period is refused by the office.
    typ(&office, &mut app, "2023Q1");
    press(&office, &mut app, special(KeyCode::Enter));
    press(&office, &mut app, special(KeyCode::Enter));
    let w = app.wizard.as_ref().expect("wizard");
    assert_eq!(w.step, WizardStep::Preview);
    assert!(w.preview.is_none());
    assert!(w.refusal.as_deref().is_some_and(|r| r.contains("2023")));
    // Enter cannot go on to the confirmation.
    press(&office, &mut app, special(KeyCode::Enter));
    assert_eq!(step(&app), Some(WizardStep::Preview));
    assert_eq!(office.book().draws.len(), 0);
}

#[test]
fn void_asks_for_a_reason_and_marks_the_draw() {
    let (office, _dir) = demo(Lang::Zh);
    draw_plan3(&office);
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('4'));
    press(&office, &mut app, key('v'));
    assert!(matches!(app.overlay, Some(Overlay::Form(_))));
    // Without a reason: refused in the form.
    press(
        &office,
        &mut app,
        Input::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    assert!(office.book().draws[0].voided.is_none());
    typ(&office, &mut app, "计划录入错误");
    press(
        &office,
        &mut app,
        Input::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    // A question with the consequence comes first (issue 16); y voids.
    assert!(matches!(app.overlay, Some(Overlay::Ask { .. })));
    assert!(office.book().draws[0].voided.is_none());
    press(&office, &mut app, key('y'));
    assert!(app.overlay.is_none());
    let reason = office.book().draws[0].voided.clone().map(|v| v.reason);
    assert_eq!(reason.as_deref(), Some("计划录入错误"));
    let t = render(&office, &app);
    let text = format!("{}", t.backend());
    assert!(text.contains("已作废：计划录入错误"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Task steps
// ---------------------------------------------------------------------------------------------

/// Plan 3, 2022Q3, drawn with the fixed entropy on 2022-07-05.
pub(super) fn draw_plan3(office: &Office) {
    crate::office::announce::fix_entropy_for_tests(Some(ENTROPY));
    office
        .commit_draw(&DrawRequest {
            plan: 3,
            period: "2022Q3".into(),
            date: Some(date(2022, 7, 5)),
            ..DrawRequest::default()
        })
        .expect("draw");
}

#[test]
fn a_result_before_the_check_is_refused_in_the_form_and_nothing_is_written() {
    let (office, _dir) = demo(Lang::Zh);
    draw_plan3(&office);
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('5'));
    assert_eq!(app.tab, Tab::Tasks);
    assert!(app.figures.data.is_some());
    let before = office.book().tasks[0].clone();
    let audit = office.audit_len();
    press(&office, &mut app, key('r'));
    let ctrl_s = Input::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    press(&office, &mut app, ctrl_s.clone());
    let Some(Overlay::Form(f)) = &app.overlay else {
        panic!("the form stays open");
    };
    let err = f.error.clone().expect("the office's refusal");
    assert!(err.contains("检查"), "{err}");
    assert_eq!(office.book().tasks[0], before, "the task is unchanged");
    assert_eq!(office.audit_len(), audit, "nothing written");
    // Publishing before a result is refused too.
    update(&office, &mut app, special(KeyCode::Esc));
    press(&office, &mut app, key('p'));
    typ(&office, &mut app, "");
    update(&office, &mut app, special(KeyCode::Tab));
    typ(&office, &mut app, "https://example.org/1");
    press(&office, &mut app, ctrl_s.clone());
    assert!(matches!(&app.overlay, Some(Overlay::Form(f)) if f.error.is_some()));
    assert_eq!(office.book().tasks[0], before);
    // In order it works: check, then result.
    update(&office, &mut app, special(KeyCode::Esc));
    press(&office, &mut app, key('c'));
    press(&office, &mut app, ctrl_s.clone());
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    assert!(office.book().tasks[0].check.is_some());
    press(&office, &mut app, key('r'));
    update(&office, &mut app, special(KeyCode::Backspace));
    typ(&office, &mut app, "5");
    press(&office, &mut app, ctrl_s);
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    assert_eq!(
        office.book().tasks[0].result.as_ref().map(|r| r.phrase),
        Some(5)
    );
    // The forms of recorded steps reopen with the stored values, not today.
    office
        .task_correct(
            1,
            crate::office::CorrectStep::Check,
            Some(date(2022, 7, 6)),
            None,
            "录入错误",
        )
        .expect("correct");
    press(&office, &mut app, key('c'));
    let Some(Overlay::Form(f)) = &app.overlay else {
        panic!("the check form opens");
    };
    assert_eq!(
        f.fields[0].input.text(),
        "2022-07-06",
        "the stored check date"
    );
    update(&office, &mut app, special(KeyCode::Esc));
    press(&office, &mut app, key('r'));
    let Some(Overlay::Form(f)) = &app.overlay else {
        panic!("the result form opens");
    };
    let stored = office.book().tasks[0]
        .result
        .as_ref()
        .map(|r| r.determined.to_string());
    assert_eq!(
        Some(f.fields[1].input.text().to_string()),
        stored,
        "the stored result date"
    );
}

#[test]
fn the_result_form_refuses_a_phrase_outside_one_to_eight() {
    let kind = super::state::FormKind::TaskResult { id: 1 };
    let values = ["9", "2022-08-01", "", "是", "是"];
    let v = |i: usize| values[i].to_string();
    let r = super::state::progress_validate(&kind, &v, Lang::Zh);
    assert!(matches!(r, Err(ref e) if e.iter().any(|(i, _)| *i == 0)));
    let values = ["8", "2022-08-01", "", "法人不在场", "否"];
    let v = |i: usize| values[i].to_string();
    let r = super::state::progress_validate(&kind, &v, Lang::Zh);
    assert!(matches!(
        r,
        Ok((1, StepOp::Result { phrase: 8, unsigned_reason: Some(ref s), integrity_card: false, .. })) if s == "法人不在场"
    ));
}

/// Plan 3 drawn; task 1 checked with a result of 2022-07-11 (overdue on 2022-08-15), task 2
/// with a result of 2022-08-10 (pending), task 3 checked.
pub(super) fn progressed() -> (Office, tempfile::TempDir) {
    let (office, dir) = demo(Lang::Zh);
    draw_plan3(&office);
    office
        .task_check(1, date(2022, 7, 8), None, "")
        .expect("check 1");
    office
        .task_result(1, 8, date(2022, 7, 11), "废水直排", None, true)
        .expect("result 1");
    office
        .task_check(2, date(2022, 8, 1), None, "")
        .expect("check 2");
    office
        .task_result(2, 1, date(2022, 8, 10), "", None, true)
        .expect("result 2");
    office
        .task_check(3, date(2022, 8, 2), None, "")
        .expect("check 3");
    (office, dir)
}

// ---------------------------------------------------------------------------------------------
// Snapshots
// ---------------------------------------------------------------------------------------------

#[test]
fn snapshot_wizard_preview_80x24() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh, 80, 24);
    to_preview(&office, &mut app);
    press(&office, &mut app, special(KeyCode::Enter));
    press(&office, &mut app, special(KeyCode::Enter));
    press(&office, &mut app, special(KeyCode::Enter));
    typ(&office, &mut app, "双色球2022078");
    insta::assert_snapshot!(render(&office, &app).backend());
}

/// The announce step: first the source of the witness, then the announcement with its
/// commitment (the input frozen, the entropy sealed).
#[test]
fn snapshot_wizard_announce_80x24() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh, 80, 24);
    to_preview(&office, &mut app);
    press(&office, &mut app, special(KeyCode::Enter));
    typ(&office, &mut app, "福彩3D 2022年第185期开奖号码");
    insta::assert_snapshot!(
        "wizard_announce_source_80x24",
        render(&office, &app).backend()
    );
    press(&office, &mut app, special(KeyCode::Enter));
    app.message = None;
    insta::assert_snapshot!("wizard_announced_80x24", render(&office, &app).backend());
}

#[test]
fn snapshot_wizard_preview_120x40() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh, 120, 40);
    to_preview(&office, &mut app);
    insta::assert_snapshot!(render(&office, &app).backend());
}

fn to_result(office: &Office, app: &mut AppState) {
    to_preview(office, app);
    press(office, app, special(KeyCode::Enter)); // announce: the source
    press(office, app, special(KeyCode::Enter)); // announced
    press(office, app, special(KeyCode::Enter)); // witness
    typ(office, app, "双色球2022078");
    press(office, app, special(KeyCode::Enter)); // confirm
    typ(office, app, "确认抽取");
    press(office, app, special(KeyCode::Enter));
    assert_eq!(step(app), Some(WizardStep::Result));
}

#[test]
fn snapshot_wizard_result_80x24() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh, 80, 24);
    to_result(&office, &mut app);
    app.message = None;
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_wizard_result_120x40() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh, 120, 40);
    to_result(&office, &mut app);
    app.message = None;
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_progress_80x24() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('5'));
    press(&office, &mut app, key(' '));
    assert!(app.tasks.progress);
    insta::assert_snapshot!(render(&office, &app).backend());
    // Enter drills down to the selected inspector's tasks.
    let who = app.figures.data.as_ref().map(|d| d.progress[0].inspector);
    press(&office, &mut app, special(KeyCode::Enter));
    assert!(!app.tasks.progress);
    assert_eq!(app.tasks.inspector, who);
    let st = office.state();
    let book = office.book();
    let revisions = office.revisions();
    let ctx = Ctx {
        data: &st,
        rules: &office.rules(),
        book: &book,
        revisions: &revisions,
    };
    let mine = app.visible_tasks(&ctx);
    assert!(mine
        .iter()
        .all(|t| Some(t.team[0]) == who || t.team.iter().any(|m| Some(*m) == who)));
    assert_eq!(
        Some(mine.len()),
        app.figures.data.as_ref().map(|d| d.progress[0].assigned)
    );
}

#[test]
fn snapshot_progress_120x40() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 120, 40);
    press(&office, &mut app, key('5'));
    press(&office, &mut app, key(' '));
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_publication_with_an_overdue_row_80x24() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('6'));
    assert_eq!(app.tab, Tab::Publication);
    let due = app
        .figures
        .data
        .as_ref()
        .map(|d| d.due.clone())
        .unwrap_or_default();
    assert_eq!(due.len(), 2);
    assert!(due[0].overdue && due[0].task == 1, "overdue first");
    assert!(!due[1].overdue);
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_publication_120x40() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 120, 40);
    press(&office, &mut app, key('6'));
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_dashboard_80x24() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('1'));
    assert_eq!(app.tab, Tab::Dashboard);
    assert_eq!(app.figures.period.to_string(), "2022Q3");
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_dashboard_120x40() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 120, 40);
    press(&office, &mut app, key('1'));
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_dashboard_presentation_80x24() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, special(KeyCode::F(11)));
    assert!(app.presentation);
    let t = render(&office, &app);
    let text = format!("{}", t.backend());
    assert!(!text.contains("2名录库"), "no tabs in presentation mode");
    insta::assert_snapshot!(t.backend());
    press(&office, &mut app, special(KeyCode::Esc));
    assert!(!app.presentation);
}

#[test]
fn snapshot_dashboard_presentation_120x40() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 120, 40);
    press(
        &office,
        &mut app,
        Input::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL)),
    );
    assert!(app.presentation);
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn dashboard_period_moves_with_left_and_right() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('1'));
    press(&office, &mut app, special(KeyCode::Right));
    assert_eq!(app.figures.period.to_string(), "2022Q4");
    assert_eq!(
        app.figures
            .data
            .as_ref()
            .map(|d| d.status.period.clone())
            .as_deref(),
        Some("2022Q4")
    );
    press(&office, &mut app, special(KeyCode::Left));
    press(&office, &mut app, special(KeyCode::Left));
    assert_eq!(app.figures.period.to_string(), "2022Q2");
}

#[test]
fn snapshot_plans_80x24() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('3'));
    press(&office, &mut app, special(KeyCode::Down));
    press(&office, &mut app, special(KeyCode::Down));
    press(&office, &mut app, special(KeyCode::Enter));
    assert!(app.plans.detail);
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_plans_120x40() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh, 120, 40);
    press(&office, &mut app, key('3'));
    insta::assert_snapshot!(render(&office, &app).backend());
    let _ = Tab::Draws;
}

// ---------------------------------------------------------------------------------------------
// The plan form, the follow-up form and the result phrase list
// ---------------------------------------------------------------------------------------------

pub(super) fn ctrl_s() -> Input {
    Input::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL))
}

/// Focus field `i` of the open form (tab from the first).
fn focus(office: &Office, app: &mut AppState, i: usize) {
    let Some(Overlay::Form(f)) = &app.overlay else {
        panic!("no form open");
    };
    let n = f.fields.len();
    let from = f.focus;
    for _ in 0..(i + n - from) % n {
        update(office, app, special(KeyCode::Tab));
    }
}

/// Replace the text of field `i`.
fn set_field(office: &Office, app: &mut AppState, i: usize, text: &str) {
    focus(office, app, i);
    update(office, app, special(KeyCode::End));
    for _ in 0..60 {
        update(office, app, special(KeyCode::Backspace));
    }
    typ(office, app, text);
}

fn form_errors(app: &AppState) -> Vec<(usize, String)> {
    match &app.overlay {
        Some(Overlay::Form(f)) => f
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, x)| x.error.clone().map(|e| (i, e)))
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn the_plan_form_shows_errors_under_their_field_and_writes_nothing() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('3'));
    press(&office, &mut app, key('a'));
    let before = office.book().plans.clone();
    let audit = office.audit_len();
    set_field(&office, &mut app, 6, "飞行检查");
    set_field(&office, &mut app, 13, "Z-9");
    let e = press(&office, &mut app, ctrl_s());
    assert_eq!(e, Effect::Redraw, "no operation for a bad plan");
    let errors = form_errors(&app);
    let fields: Vec<usize> = errors.iter().map(|(i, _)| *i).collect();
    assert_eq!(fields, [1, 6, 13], "{errors:?}");
    assert!(errors[1].1.contains("抽查方式应为"), "{errors:?}");
    assert!(errors[2].1.contains("Z-9"), "{errors:?}");
    assert!(matches!(&app.overlay, Some(Overlay::Form(f)) if f.focus == 1));
    assert_eq!(office.book().plans, before, "the store is unchanged");
    assert_eq!(office.audit_len(), audit, "nothing written");
    // The importer's parsers: a number already used that year is refused in the form too.
    set_field(&office, &mut app, 1, "新计划");
    set_field(&office, &mut app, 6, "科技检查");
    set_field(&office, &mut app, 13, "");
    set_field(&office, &mut app, 0, "1");
    press(&office, &mut app, ctrl_s());
    let errors = form_errors(&app);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, 0);
    assert_eq!(office.book().plans, before);
}

#[test]
fn snapshot_plan_form_error_80x24() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('3'));
    press(&office, &mut app, key('a'));
    set_field(&office, &mut app, 1, "餐饮油烟专项抽查计划");
    set_field(&office, &mut app, 7, "2022年9月—6月");
    press(&office, &mut app, ctrl_s());
    assert_eq!(form_errors(&app).len(), 1);
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn a_plan_added_in_the_form_is_saved_and_shown_in_the_table() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('3'));
    let n = office.book().plans.len();
    let audit = office.audit_len();
    press(&office, &mut app, key('a'));
    set_field(&office, &mut app, 1, "餐饮油烟专项抽查计划");
    set_field(&office, &mut app, 7, "2022年9月—12月");
    set_field(&office, &mut app, 10, "部门联合");
    set_field(&office, &mut app, 11, "SCJG");
    let e = press(&office, &mut app, ctrl_s());
    assert!(matches!(e, Effect::Op(Op::SavePlan(ref p, None)) if p.id == 0));
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    let book = office.book().clone();
    assert_eq!(book.plans.len(), n + 1);
    let p = &book.plans[n];
    assert_eq!(p.id, n as u64 + 1);
    assert_eq!(p.seq as usize, n + 1, "the next number of the year");
    assert_eq!((p.year, p.start_month, p.end_month), (2022, 9, 12));
    assert_eq!(
        p.joint,
        crate::domain::plan::JointKind::Departments(vec!["SCJG".into()])
    );
    assert_eq!(office.audit_len(), audit + 1);
    assert_eq!(app.plans.selected, n, "the new plan is selected");
    let text = format!("{}", render(&office, &app).backend());
    assert!(text.contains("餐饮油烟专项抽查计划"), "{text}");
    // Edited: the same id, the new name.
    press(&office, &mut app, key('e'));
    set_field(&office, &mut app, 1, "餐饮油烟抽查计划");
    press(&office, &mut app, ctrl_s());
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    let p = office.book().plans[n].clone();
    assert_eq!((p.id, p.name.as_str()), (n as u64 + 1, "餐饮油烟抽查计划"));
    assert_eq!(office.book().plans.len(), n + 1);
}

#[test]
fn the_follow_up_is_refused_for_a_task_without_a_problem() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('5'));
    // Task 2: 未发现问题.
    press(&office, &mut app, special(KeyCode::Down));
    let audit = office.audit_len();
    press(&office, &mut app, key('f'));
    assert!(
        app.overlay.is_none(),
        "no form for a task without a problem"
    );
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.contains("#2") && msg.contains("未发现问题"), "{msg}");
    // Task 3 has no result yet.
    press(&office, &mut app, special(KeyCode::Down));
    press(&office, &mut app, key('f'));
    assert!(app.overlay.is_none());
    assert!(app.message.as_deref().is_some_and(|m| m.contains("#3")));
    assert_eq!(office.audit_len(), audit);
}

#[test]
fn the_follow_up_is_recorded_and_the_office_refusal_shown_in_the_form() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('5'));
    // Task 1: 发现问题待处理, determined 2022-07-11.
    press(&office, &mut app, key('f'));
    assert!(matches!(app.overlay, Some(Overlay::Form(_))));
    let before = office.book().tasks[0].clone();
    let audit = office.audit_len();
    // Not a date: inline, under the field.
    set_field(&office, &mut app, 0, "7月20日");
    press(&office, &mut app, ctrl_s());
    assert_eq!(form_errors(&app).first().map(|e| e.0), Some(0));
    // Before the result: the office refuses; shown in the form, nothing written.
    set_field(&office, &mut app, 0, "2022-07-05");
    press(&office, &mut app, ctrl_s());
    let Some(Overlay::Form(f)) = &app.overlay else {
        panic!("the form stays open");
    };
    let err = f.error.clone().expect("the office's refusal");
    assert!(err.contains("早于结果认定日期"), "{err}");
    assert_eq!(office.book().tasks[0], before);
    assert_eq!(office.audit_len(), audit);
    // Corrected: recorded.
    set_field(&office, &mut app, 0, "2022-07-20");
    set_field(&office, &mut app, 1, "2022-09-30");
    set_field(&office, &mut app, 3, "宜环罚〔2022〕12号");
    press(&office, &mut app, ctrl_s());
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    let f = office.book().tasks[0].follow_up.clone();
    assert_eq!(f.handed_to_enforcement, Some(date(2022, 7, 20)));
    assert_eq!(f.rectification_due, Some(date(2022, 9, 30)));
    assert_eq!(f.rectified_on, None);
    assert_eq!(f.case_number, "宜环罚〔2022〕12号");
    assert_eq!(office.audit_len(), audit + 1);
    // Opened again, the form shows what is recorded.
    press(&office, &mut app, key('f'));
    let Some(Overlay::Form(form)) = &app.overlay else {
        panic!("form");
    };
    assert_eq!(form.fields[0].input.text(), "2022-07-20");
    assert_eq!(form.fields[3].input.text(), "宜环罚〔2022〕12号");
}

#[test]
fn snapshot_follow_up_form_80x24() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('5'));
    press(&office, &mut app, key('f'));
    set_field(&office, &mut app, 0, "2022-07-20");
    set_field(&office, &mut app, 3, "宜环罚〔2022〕12号");
    focus(&office, &mut app, 1);
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn the_result_phrase_is_chosen_from_the_list() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('5'));
    // Task 3 is checked.
    press(&office, &mut app, special(KeyCode::Down));
    press(&office, &mut app, special(KeyCode::Down));
    press(&office, &mut app, key('r'));
    let chosen = |app: &AppState| match &app.overlay {
        Some(Overlay::Form(f)) => (f.focus, f.fields[0].chosen()),
        _ => panic!("form"),
    };
    assert_eq!(chosen(&app), (0, Some(1)));
    for _ in 0..4 {
        press(&office, &mut app, special(KeyCode::Down));
    }
    assert_eq!(chosen(&app), (0, Some(5)), "down moves in the list");
    press(&office, &mut app, special(KeyCode::Up));
    assert_eq!(chosen(&app), (0, Some(4)));
    // Text keys do nothing in the list, a digit chooses, and the list stops at its ends.
    typ(&office, &mut app, "x9");
    assert_eq!(chosen(&app), (0, Some(4)));
    typ(&office, &mut app, "8");
    assert_eq!(chosen(&app), (0, Some(8)));
    press(&office, &mut app, special(KeyCode::Down));
    assert_eq!(chosen(&app), (0, Some(8)));
    let text = format!("{}", render(&office, &app).backend());
    assert!(text.contains("发现问题待处理"), "{text}");
    // Outside the list, down goes to the next field.
    press(&office, &mut app, special(KeyCode::Tab));
    press(&office, &mut app, special(KeyCode::Down));
    assert_eq!(chosen(&app), (2, Some(8)));
    press(&office, &mut app, ctrl_s());
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    assert_eq!(
        office.book().tasks[2].result.as_ref().map(|r| r.phrase),
        Some(8)
    );
}

#[test]
fn f_is_the_follow_up_in_the_default_and_vim_keymaps() {
    use super::action::Action;
    use super::keymap::{KeymapSource, Lookup, Mode};
    let f = [KeyEvent::new(KeyCode::Char('f'), KeyModifiers::NONE)];
    for km in [
        Keymap::builtin().expect("default"),
        Keymap::load(&[KeymapSource::Preset("vim".into())]).expect("vim"),
    ] {
        assert_eq!(
            km.lookup(Mode::Screen(super::screens::Tab::Tasks), &f),
            Lookup::Action(Action::TaskFollowUp)
        );
        // In a form, up and down choose in a list field (and move between fields elsewhere).
        let down = [KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)];
        assert_eq!(km.lookup(Mode::Form, &down), Lookup::Action(Action::Down));
    }
}
