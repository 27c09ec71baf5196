//! Tests of the tasks tab's list: the `/` filter (an AND of terms), the sort, "mine" and the
//! detail of a task with the audit entries that wrote it.

use super::state::{AppState, Tab};
use super::test_support::{key, render, special, typ, with_ctx};
use super::tests_work::{press, progressed, state};
use crate::i18n::Lang;
use crate::office::Office;
use crossterm::event::KeyCode;

fn ids(office: &Office, app: &AppState) -> Vec<u64> {
    with_ctx(office, |ctx| {
        app.visible_tasks(ctx).iter().map(|t| t.id).collect()
    })
}

/// The tasks tab of the progressed demo (plan 3 drawn for 2022Q3, tasks 1-3 checked).
fn tasks_tab(office: &Office, w: u16, h: u16) -> AppState {
    let mut app = state(office, Lang::Zh, w, h);
    press(office, &mut app, key('5'));
    assert_eq!(app.tab, Tab::Tasks);
    assert_eq!(ids(office, &app).len(), 40);
    app
}

fn filter(office: &Office, app: &mut AppState, text: &str) {
    press(office, app, key('/'));
    assert!(app.filtering);
    typ(office, app, text);
}

#[test]
fn the_task_filter_is_an_and_of_space_separated_terms() {
    let (office, _dir) = progressed();
    let mut app = tasks_tab(&office, 80, 24);
    filter(&office, &mut app, "狗街");
    assert_eq!(ids(&office, &app), vec![1, 4, 5, 16, 30, 31, 39]);
    // A second term narrows: both must be found (养殖 in the name, 狗街 in the town).
    typ(&office, &mut app, " 养殖");
    assert_eq!(ids(&office, &app), vec![4, 39]);
    press(&office, &mut app, special(KeyCode::Enter));
    assert!(
        !app.filtering,
        "Enter applies the filter and leaves the line"
    );
    assert_eq!(ids(&office, &app), vec![4, 39]);
    // Esc on the list clears it.
    press(&office, &mut app, special(KeyCode::Esc));
    assert_eq!(ids(&office, &app).len(), 40);
}

#[test]
fn the_task_filter_finds_inspectors_codes_steps_and_overdue() {
    let (office, _dir) = progressed();
    let mut app = tasks_tab(&office, 80, 24);
    filter(&office, &mut app, "浦荣佳");
    assert_eq!(ids(&office, &app), vec![1, 2, 8, 40]);
    typ(&office, &mut app, " 狗街");
    assert_eq!(ids(&office, &app), vec![1]);
    press(&office, &mut app, special(KeyCode::Esc));
    assert!(!app.filtering);
    assert_eq!(
        ids(&office, &app).len(),
        40,
        "Esc in the line cancels the filter"
    );
    filter(&office, &mut app, "已检查");
    assert_eq!(ids(&office, &app), vec![3]);
    press(&office, &mut app, special(KeyCode::Esc));
    filter(&office, &mut app, "逾期");
    assert_eq!(
        ids(&office, &app),
        vec![1],
        "task 1's publication is overdue"
    );
    press(&office, &mut app, special(KeyCode::Esc));
    filter(&office, &mut app, "a-1");
    assert_eq!(ids(&office, &app), vec![7], "the row, any case");
}

#[test]
fn snapshot_tasks_filtered_80x24() {
    let (office, _dir) = progressed();
    let mut app = tasks_tab(&office, 80, 24);
    filter(&office, &mut app, "狗街 养殖");
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_tasks_filtered_120x40() {
    let (office, _dir) = progressed();
    let mut app = tasks_tab(&office, 120, 40);
    filter(&office, &mut app, "狗街");
    press(&office, &mut app, special(KeyCode::Enter));
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn o_sorts_the_tasks_by_the_next_column_and_shift_o_reverses() {
    let (office, _dir) = progressed();
    let mut app = tasks_tab(&office, 80, 24);
    press(&office, &mut app, key('o'));
    assert_eq!(
        ids(&office, &app),
        (1..=40).collect::<Vec<_>>(),
        "by number"
    );
    press(&office, &mut app, key('o'));
    let st = office.state();
    let book = office.book();
    let name = |id: u64| {
        let t = book.tasks.iter().find(|t| t.id == id).expect("task");
        st.target(t.target).expect("target").name().to_string()
    };
    let names: Vec<String> = ids(&office, &app).into_iter().map(name).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "by target");
    assert!(app
        .message
        .as_deref()
        .is_some_and(|m| m.contains("检查对象")));
    press(&office, &mut app, key('O'));
    let rev: Vec<String> = ids(&office, &app).into_iter().map(name).collect();
    sorted.reverse();
    assert_eq!(rev, sorted, "reversed");
}

#[test]
fn m_shows_the_tasks_of_the_inspector_mapped_to_the_user() {
    let (office, _dir) = progressed();
    // Not mapped: told so, the list is unchanged.
    let mut app = tasks_tab(&office, 80, 24);
    press(&office, &mut app, key('m'));
    assert!(!app.tasks.mine);
    assert!(app
        .message
        .as_deref()
        .is_some_and(|m| m.contains("[inspectors]")));
    assert_eq!(ids(&office, &app).len(), 40);
    // Mapped by certificate number to 浦荣佳.
    let cert = office
        .state()
        .inspectors
        .iter()
        .find(|p| p.name == "浦荣佳")
        .map(|p| p.certificate_no.clone());
    app.cfg.me = cert;
    press(&office, &mut app, key('m'));
    assert!(app.tasks.mine);
    assert_eq!(ids(&office, &app), vec![1, 2, 8, 40]);
    let text = format!("{}", render(&office, &app).backend());
    assert!(text.contains("我的任务 浦荣佳"), "{text}");
    press(&office, &mut app, key('m'));
    assert_eq!(ids(&office, &app).len(), 40, "m again shows all");
}

/// Task 1: checked on 2022-07-08, result 8 (发现问题待处理) with findings, not published.
fn open_task_1(office: &Office, w: u16, h: u16) -> AppState {
    let mut app = tasks_tab(office, w, h);
    press(office, &mut app, special(KeyCode::Enter));
    assert_eq!(app.tasks.detail, Some(1));
    // Times are the wall clock: fix them for the snapshot.
    for e in &mut app.audit.entries {
        e.time = "2022-08-15T09:30:00+08:00".into();
    }
    app
}

#[test]
fn enter_opens_a_task_with_its_steps_and_the_audit_entries_that_wrote_it() {
    let (office, _dir) = progressed();
    let mut app = open_task_1(&office, 120, 40);
    let text = format!("{}", render(&office, &app).backend());
    for want in [
        "宜良县狗街下村冷链物流中心项目",
        "黄志发",
        "2022-07-08",
        "发现问题待处理",
        "2022-07-11",
        "废水直排",
        "已逾期",
        "任务 #1 登记检查",
        "任务 #1 登记检查结果",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    // The step keys work on the task shown.
    press(&office, &mut app, key('f'));
    assert!(app.overlay.is_some(), "the follow-up form of task 1");
    press(&office, &mut app, special(KeyCode::Esc));
    press(&office, &mut app, special(KeyCode::Esc));
    assert_eq!(app.tasks.detail, None, "Esc returns to the list");
    assert_eq!(ids(&office, &app).len(), 40);
}

#[test]
fn snapshot_task_detail_80x24() {
    let (office, _dir) = progressed();
    let app = open_task_1(&office, 80, 24);
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_task_detail_120x40() {
    let (office, _dir) = progressed();
    let app = open_task_1(&office, 120, 40);
    insta::assert_snapshot!(render(&office, &app).backend());
}

/// A merged visit (issue 12): the detail names every plan's item and says it is an internal
/// joint inspection.
#[test]
fn a_merged_visit_shows_every_item_and_counts_as_internal_joint() {
    use crate::office::DrawRequest;
    let (office, _dir) = super::test_support::demo(Lang::Zh);
    crate::office::announce::fix_entropy_for_tests(Some(super::tests_work::ENTROPY));
    let period = crate::domain::period::Period::quarter(2022, 3).expect("2022Q3");
    let base = DrawRequest {
        date: chrono::NaiveDate::from_ymd_opt(2022, 7, 5),
        ..DrawRequest::default()
    };
    for (plan, r) in office.draw_period(period, &base) {
        if let Err(e) = r {
            let m = e.localize(Lang::En);
            assert!(m.contains("nothing is due"), "plan {plan}: {m}");
        }
    }
    let task = office
        .book()
        .tasks
        .iter()
        .find(|t| !t.voided && !t.merged.is_empty())
        .cloned()
        .expect("2022Q3 of the demo merges visits");
    let mut app = state(&office, Lang::Zh, 120, 40);
    press(&office, &mut app, key('5'));
    app.tasks.detail = Some(task.id);
    let text = format!("{}", render(&office, &app).backend());
    assert!(text.contains("内部联合（合并检查）"), "{text}");
    assert!(text.contains(&task.rows_text()), "{text}");
    assert!(text.contains("合并抽取"), "{text}");
    let book = office.book();
    for item in task.items() {
        let draw = book.draws.iter().find(|d| d.id == item.draw).expect("draw");
        assert!(
            text.contains(&format!("#{} ", draw.id)),
            "draw {}:\n{text}",
            draw.id
        );
    }
}
