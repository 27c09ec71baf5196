//! Registry prompts in the TUI (issue 19, acceptance 4): recording 通过登记住所（经营场所）无法联系
//! opens the target's status form prefilled with 关闭, the date and the reason; saving it is the
//! status change (audited); Esc leaves the registry as it is.

use super::state::{FormKind, Overlay};
use super::test_support::{key, render, special, typ};
use super::tests_work::{ctrl_s, press, progressed, state};
use crate::domain::TargetStatus;
use crate::i18n::Lang;
use crossterm::event::KeyCode;

/// Task 3 (checked, no result yet) gets result 4 through its form; the screen after.
fn after_result_4(w: u16, h: u16, confirm: bool) -> (String, TargetStatus, usize) {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, w, h);
    press(&office, &mut app, key('5'));
    press(&office, &mut app, special(KeyCode::Down));
    press(&office, &mut app, special(KeyCode::Down));
    press(&office, &mut app, key('r'));
    typ(&office, &mut app, "4");
    press(&office, &mut app, ctrl_s());
    let target = office.book().tasks[2].target;
    let Some(Overlay::Form(f)) = &app.overlay else {
        panic!("the status form opens: {:?}", app.overlay);
    };
    assert!(matches!(f.kind, FormKind::Status { id, .. } if id == target));
    assert_eq!(f.fields[0].input.text(), "关闭");
    assert_eq!(f.fields[1].input.text(), "2022-08-15");
    assert!(f.fields[2]
        .input
        .text()
        .contains("通过登记住所（经营场所）无法联系"));
    let screen = format!("{}", render(&office, &app).backend());
    // Nothing changed until it is confirmed.
    assert_eq!(
        office.state().target(target).map(|t| t.status),
        Some(TargetStatus::Operating)
    );
    let audit = office.audit_len();
    if confirm {
        press(&office, &mut app, ctrl_s());
    } else {
        press(&office, &mut app, special(KeyCode::Esc));
    }
    let status = office.state().target(target).map(|t| t.status);
    (
        screen,
        status.unwrap_or(TargetStatus::Operating),
        office.audit_len() - audit,
    )
}

#[test]
fn a_result_of_unreachable_opens_the_status_change_to_confirm() {
    for (w, h) in [(80, 24), (120, 40)] {
        let (screen, status, written) = after_result_4(w, h, true);
        assert!(screen.contains("名录库动态调整"), "{screen}");
        insta::assert_snapshot!(format!("registry_prompt_{w}x{h}"), screen);
        assert_eq!((status, written), (TargetStatus::Closed, 1));
    }
    let (_, status, written) = after_result_4(80, 24, false);
    assert_eq!(
        (status, written),
        (TargetStatus::Operating, 0),
        "Esc changes nothing"
    );
}
