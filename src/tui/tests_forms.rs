//! Forms read their fields by key and check each with its own rule (issue 11).

use super::app::update;
use super::state::{Form, Overlay};
use super::test_support::{ctrl, demo, key};
use super::tests_work::state;
use crate::i18n::Lang;

fn form(app: &super::state::AppState) -> &Form {
    match &app.overlay {
        Some(Overlay::Form(f)) => f,
        other => panic!("no form: {other:?}"),
    }
}

fn set(app: &mut super::state::AppState, field: &str, text: &str) {
    if let Some(Overlay::Form(f)) = &mut app.overlay {
        let i = f.index_of(field).expect("field");
        f.fields[i].input.set_text(text);
    }
}

#[test]
fn each_field_of_the_status_form_gets_its_own_rules_message() {
    let (office, _dir) = demo(Lang::En);
    let mut app = state(&office, Lang::En, 80, 24);
    update(&office, &mut app, key('s'));
    assert_eq!(form(&app).get("Effective"), "2022-08-15");
    set(&mut app, "New status", "sleeping");
    set(&mut app, "Effective", "15.8.2022");
    let before = format!("{:?}", office.state().targets.first());
    update(&office, &mut app, ctrl('s'));
    let f = form(&app);
    let error = |k: &str| f.fields[f.index_of(k).expect(k)].error.clone();
    assert!(error("New status").is_some_and(|e| e.contains("not recognised")));
    assert!(error("Effective").is_some_and(|e| e.contains("YYYY-MM-DD")));
    assert!(error("Reason").is_some_and(|e| e.contains("needs a reason")));
    assert_eq!(f.focus, 0, "the first field in error has the focus");
    assert_eq!(format!("{:?}", office.state().targets.first()), before);
    // Each rule answers for its own field only.
    set(&mut app, "Effective", "2022-08-15");
    update(&office, &mut app, ctrl('s'));
    let f = form(&app);
    let error = |k: &str| f.fields[f.index_of(k).expect(k)].error.clone();
    assert_eq!(error("Effective"), None);
    assert!(error("New status").is_some());
    assert_eq!(f.get("No such field"), "");
}
