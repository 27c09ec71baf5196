//! Overdue rectifications on the dashboard (issue 19, acceptance 3).

use super::state::Registry;
use super::test_support::{date, key, render};
use super::tests_work::{press, progressed, state};
use crate::domain::violation::ViolationState;
use crate::i18n::Lang;
use crate::office::ViolationUpdate;

/// The dashboard at `w`×`h` with task 1's rectification due 2022-08-01 (today 2022-08-15).
fn dashboard(w: u16, h: u16) -> String {
    let (office, _dir) = progressed();
    // Task 1 found a problem (phrase 8) on 2022-07-11; due 2022-08-01, today 2022-08-15.
    let update = ViolationUpdate {
        state: Some(ViolationState::Rectifying),
        due: Some(date(2022, 8, 1)),
        ..Default::default()
    };
    office
        .update_violation(1, date(2022, 7, 12), update)
        .expect("update");
    let mut app = state(&office, Lang::Zh, w, h);
    assert_eq!(app.registry, Registry::Targets);
    press(&office, &mut app, key('1'));
    format!("{}", render(&office, &app).backend())
}

#[test]
fn a_rectification_past_its_due_date_is_on_the_dashboard() {
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = dashboard(w, h);
        assert!(screen.contains("整改逾期 1"), "{screen}");
        assert!(screen.contains("（#1）"), "{screen}");
        insta::assert_snapshot!(format!("dashboard_rectifications_{w}x{h}"), screen);
    }
}
