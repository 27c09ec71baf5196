//! The coverage screen (issue 18): `C` from the dashboard opens the three years' fairness
//! over it, the same as `office.coverage`; snapshots at 80x24 and 120x40 in Chinese.

use super::state::{Overlay, Tab};
use super::test_support::{key, render};
use super::tests_work::{press, progressed, state};
use crate::i18n::Lang;

#[test]
fn coverage_key_opens_the_three_years_from_the_office() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 120, 40);
    press(&office, &mut app, key('1'));
    assert_eq!(app.tab, Tab::Dashboard);
    assert!(app.overlay.is_none());
    press(&office, &mut app, key('C'));
    let expected = office.coverage(2020, 2022).unwrap();
    match &app.overlay {
        Some(Overlay::Report { title, lines, .. }) => {
            assert_eq!(title, "抽查覆盖 2020–2022");
            assert_eq!(lines[0], expected.fairness.text);
            assert_eq!(lines, &super::state::coverage_lines(&expected, Lang::Zh));
            assert!(lines.iter().any(|l| l == "按乡镇"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(expected.draws, 1);
}

#[test]
fn snapshot_coverage_80x24() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 80, 24);
    press(&office, &mut app, key('1'));
    press(&office, &mut app, key('C'));
    insta::assert_snapshot!(render(&office, &app).backend());
}

#[test]
fn snapshot_coverage_120x40() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 120, 40);
    press(&office, &mut app, key('1'));
    press(&office, &mut app, key('C'));
    insta::assert_snapshot!(render(&office, &app).backend());
}
