//! Presentation mode fit for a projector (issue 16): the whole screen, the header naming the
//! period shown, the five headline figures in big digits, no label cut at 120x40.

use super::test_support::render;
use super::tests_work::{press, progressed, state};
use crate::i18n::Lang;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn lines(t: &ratatui::Terminal<ratatui::backend::TestBackend>) -> Vec<String> {
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            // A wide character's second cell is skipped.
            let mut line = String::new();
            let mut x = 0;
            while x < buf.area.width {
                let sym = buf[(x, y)].symbol();
                line.push_str(sym);
                x += super::views::width(sym).max(1) as u16;
            }
            line
        })
        .collect()
}

#[test]
fn presentation_uses_the_whole_screen_with_big_figures_and_names_the_period() {
    let (office, _dir) = progressed();
    let mut app = state(&office, Lang::Zh, 120, 40);
    press(
        &office,
        &mut app,
        super::state::Input::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL)),
    );
    assert!(app.presentation);
    let s = lines(&render(&office, &app));
    assert!(s[0].contains("2022年第三季度"), "{}", s[0]);
    assert!(!s.iter().any(|l| l.contains("2名录库")), "no tabs");
    for label in ["已抽", "已查", "按期公示", "内部联合", "逾期未公示"] {
        assert!(s[2].contains(label), "{label}: {}", s[2]);
    }
    // Big digits: five rows of blocks under the labels; 5.0% is the internal joint share.
    assert!((3..8).all(|y| s[y].contains('█')), "{}", s[3..8].join("\n"));
    // Nothing cut, every stratum name whole.
    assert!(
        !s.iter().any(|l| l.contains('…')),
        "a cut label:\n{}",
        s.join("\n")
    );
    assert!(s
        .iter()
        .any(|l| l.contains("C-1 除A、B类外，《排污许可管理办法（试行）》中规定的登记管理企业")));
    // The lower half is used.
    let used = s.iter().skip(20).filter(|l| !l.trim().is_empty()).count();
    assert!(used >= 8, "{}", s.join("\n"));
    // Left moves the period, and the header follows it.
    press(
        &office,
        &mut app,
        super::test_support::special(KeyCode::Left),
    );
    let s = lines(&render(&office, &app));
    assert!(s[0].contains("2022年第二季度"), "{}", s[0]);
}
