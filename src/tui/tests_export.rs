//! Tests of the `export` action: the path prompt on each tab, paths refused inline, a real
//! export through the app's blocking path, and snapshots of the gauge and the result at 80x24.

use super::app::{finish, perform_blocking, update};
use super::state::{exported_lines, AppState, Effect, FormKind, Input, Op, OpResult, Overlay, Tab};
use super::test_support::{config, demo, render, state_with};
use crate::i18n::Lang;
use crate::office::Office;
use crate::report::{ExportKind, ExportSummary, RegistryKind, SheetMeta};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 8, 15).expect("date")
}

fn state(office: &Office, lang: Lang) -> AppState {
    state_with(office, config(lang), 80, 24)
}

fn press(office: &Office, app: &mut AppState, code: KeyCode) -> Effect {
    update(
        office,
        app,
        Input::Key(KeyEvent::new(code, KeyModifiers::NONE)),
    )
}

/// The export form's kind and the text of its path field.
fn form(app: &AppState) -> (ExportKind, String, Option<String>) {
    match &app.overlay {
        Some(Overlay::Form(f)) => match &f.kind {
            FormKind::Export { kind } => (
                kind.clone(),
                f.fields[0].input.text().to_string(),
                f.fields[0].error.clone(),
            ),
            k => panic!("not the export form: {k:?}"),
        },
        o => panic!("no form: {o:?}"),
    }
}

fn set_path(app: &mut AppState, text: &str) {
    if let Some(Overlay::Form(f)) = &mut app.overlay {
        f.fields[0].input.set_text(text);
    }
}

fn go(office: &Office, app: &mut AppState, tab: Tab) {
    let effect = press(
        office,
        app,
        KeyCode::Char(char::from(b'1' + tab.index() as u8)),
    );
    if let Effect::Op(op) = effect {
        perform_blocking(office, app, op);
    }
    assert_eq!(app.tab, tab);
}

#[test]
fn each_tab_offers_its_workbook_under_a_dated_name() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh);
    assert_eq!(app.tab, Tab::Registries);
    press(&office, &mut app, KeyCode::Char('x'));
    let (kind, text, err) = form(&app);
    assert_eq!(kind, ExportKind::Registry(RegistryKind::Targets));
    assert_eq!(text, "检查对象-2022-08-15.xlsx");
    assert_eq!(err, None);
    press(&office, &mut app, KeyCode::Esc);
    press(&office, &mut app, KeyCode::Char(']'));
    press(&office, &mut app, KeyCode::Char('x'));
    assert_eq!(form(&app).0, ExportKind::Registry(RegistryKind::Inspectors));
    press(&office, &mut app, KeyCode::Esc);

    let period = app.figures.period.to_string();
    go(&office, &mut app, Tab::Dashboard);
    press(&office, &mut app, KeyCode::Char('x'));
    assert_eq!(
        form(&app).0,
        ExportKind::Quarterly {
            period: period.clone(),
            today: today()
        }
    );
    press(&office, &mut app, KeyCode::Esc);
    go(&office, &mut app, Tab::Publication);
    press(&office, &mut app, KeyCode::Char('x'));
    assert_eq!(form(&app).0, ExportKind::Publication(period.clone()));
    assert_eq!(form(&app).1, format!("结果公示-{period}-2022-08-15.xlsx"));
    press(&office, &mut app, KeyCode::Esc);
    go(&office, &mut app, Tab::Plans);
    press(&office, &mut app, KeyCode::Char('x'));
    let year = office
        .book()
        .plans
        .first()
        .map(|p| p.year)
        .expect("demo plans");
    assert_eq!(form(&app).0, ExportKind::Plan(year));
    press(&office, &mut app, KeyCode::Esc);
    go(&office, &mut app, Tab::Draws);
    press(&office, &mut app, KeyCode::Char('x'));
    let last = office.book().draws.last().map(|d| d.id);
    match last {
        Some(id) => assert_eq!(form(&app).0, ExportKind::Draw(id)),
        None => {
            assert!(app.overlay.is_none());
            assert_eq!(app.message.as_deref(), Some("还没有抽取记录"));
        }
    }
}

#[test]
fn bad_paths_are_refused_in_the_form_and_a_good_one_exports() {
    let (office, dir) = demo(Lang::En);
    let mut app = state(&office, Lang::En);
    press(&office, &mut app, KeyCode::Char('x'));
    for (text, want) in [
        ("", "required"),
        ("targets.csv", "the file name must end in .xlsx"),
        ("/no/such/dir/targets.xlsx", "no such directory"),
    ] {
        set_path(&mut app, text);
        assert_eq!(press(&office, &mut app, KeyCode::Enter), Effect::Redraw);
        assert_eq!(form(&app).2.as_deref(), Some(want), "{text:?}");
    }
    let d = dir.path().to_string_lossy().to_string();
    set_path(&mut app, &d);
    press(&office, &mut app, KeyCode::Enter);
    assert!(form(&app).2.unwrap_or_default().contains("directory"));

    let target = dir.path().join("targets.xlsx");
    set_path(&mut app, &target.to_string_lossy());
    let op = match press(&office, &mut app, KeyCode::Enter) {
        Effect::Op(op) => op,
        e => panic!("no op: {e:?} {:?}", form(&app)),
    };
    assert_eq!(
        op,
        Op::Export {
            kind: ExportKind::Registry(RegistryKind::Targets),
            path: target.clone()
        }
    );
    perform_blocking(&office, &mut app, op);
    match &app.overlay {
        Some(Overlay::Report { title, lines, .. }) => {
            assert_eq!(title, "Export finished");
            let all = lines.concat();
            assert!(all.contains(&target.display().to_string()), "{lines:?}");
            let rows = office.state().targets.len();
            assert!(all.contains(&format!("{rows} rows")), "{lines:?}");
        }
        o => panic!("no result: {o:?}"),
    }
    assert!(target.is_file());
}

#[test]
fn the_gauge_follows_the_progress_messages() {
    let (office, _dir) = demo(Lang::Zh);
    let mut app = state(&office, Lang::Zh);
    app.start_progress("检查对象名录库 → 检查对象-2022-08-15.xlsx".into());
    finish(&office, &mut app, OpResult::ExportProgress(0.42));
    match &app.overlay {
        Some(Overlay::Busy { progress, .. }) => assert_eq!(*progress, Some(0.42)),
        o => panic!("{o:?}"),
    }
    // Keys wait while the file is written.
    assert_eq!(press(&office, &mut app, KeyCode::Esc), Effect::Ignored);
    insta::assert_snapshot!("export_gauge_80x24", render(&office, &app).backend());

    let summary = ExportSummary {
        path: PathBuf::from("/home/office/检查对象-2022-08-15.xlsx"),
        sheets: vec![SheetMeta {
            name: "检查对象名录库".into(),
            header_row: 0,
            rows: 650,
            headers: Vec::new(),
            max_display: Vec::new(),
            widths: Vec::new(),
        }],
        unknown_columns: Vec::new(),
    };
    finish(
        &office,
        &mut app,
        OpResult::Exported(Ok(exported_lines(&summary, Lang::Zh))),
    );
    insta::assert_snapshot!("export_result_80x24", render(&office, &app).backend());
}
