//! Text attributes without colour (issue 16, acceptance 5): with NO_COLOR every screen is
//! drawn without a colour, and the selected row, an overdue row and a plain row differ in
//! their modifiers (bold, reverse, underline), so none of them looks like another.

use super::state::{AppState, Tab};
use super::test_support::{render, special};
use super::tests_work::{press, progressed, state};
use crate::i18n::Lang;
use crate::office::Office;
use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

/// One line of a list: its text, the modifiers of its first text cell, and whether it is the
/// selected one.
#[derive(Debug, Clone)]
struct Row {
    text: String,
    modifier: Modifier,
    selected: bool,
}

fn line(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect()
}

/// The rows of the list holding the selection marker: the selected one, and the lines just
/// above and below it (the list's neighbours), each with the modifiers of the cell right of
/// the marker column.
fn around_selection(buf: &Buffer, marker: &str) -> Option<(Option<Row>, Row, Option<Row>)> {
    let (mx, my) = (0..buf.area.height).find_map(|y| {
        (0..buf.area.width)
            .find(|&x| buf[(x, y)].symbol() == marker)
            .map(|x| (x, y))
    })?;
    let row = |y: u16| Row {
        text: line(buf, y),
        modifier: buf[(mx + 1, y)].modifier,
        selected: y == my,
    };
    let neighbour = |y: u16| {
        let r = row(y);
        (!r.text.trim().is_empty() && buf[(mx, y)].symbol() == " ").then_some(r)
    };
    let above = my.checked_sub(1).and_then(neighbour);
    let below = (my + 1 < buf.area.height)
        .then(|| neighbour(my + 1))
        .flatten();
    Some((above, row(my), below))
}

fn no_colour(buf: &Buffer, what: &str) {
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            assert!(
                c.fg == Color::Reset && c.bg == Color::Reset,
                "{what}: a colour at ({x},{y}) with NO_COLOR: {:?}/{:?}\n{}",
                c.fg,
                c.bg,
                line(buf, y)
            );
        }
    }
}

fn go(office: &Office, app: &mut AppState, tab: Tab) {
    let digit = char::from_digit(tab.index() as u32 + 1, 10).expect("a tab digit");
    press(office, app, super::test_support::key(digit));
    assert_eq!(app.tab, tab);
}

#[test]
fn with_no_colour_selection_overdue_and_plain_rows_differ_in_modifiers() {
    let (office, _dir) = progressed();
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = state(&office, Lang::Zh, w, h);
        assert!(!app.cfg.color, "the tests' configuration is NO_COLOR");
        let marker = app.cfg.symbols.highlight;
        let warning = app.cfg.symbols.warning;
        let mut compared = Vec::new();
        for tab in Tab::ALL {
            go(&office, &mut app, tab);
            // Second row selected: a plain or overdue row above it, a plain row below.
            press(&office, &mut app, special(KeyCode::Down));
            let t = render(&office, &app);
            let buf = t.backend().buffer();
            let what = format!("tab {} at {w}x{h}", tab.label(Lang::Zh));
            no_colour(buf, &what);
            let Some((above, sel, below)) = around_selection(buf, marker) else {
                continue;
            };
            assert!(sel.modifier.contains(Modifier::REVERSED), "{what}: {sel:?}");
            let plain = [&above, &below]
                .into_iter()
                .flatten()
                .find(|r| !r.text.contains(warning));
            if let Some(p) = plain {
                assert_ne!(
                    p.modifier, sel.modifier,
                    "{what}: the selected row looks like a plain one:\n{}\n{}",
                    sel.text, p.text
                );
                compared.push(tab);
            }
            if tab == Tab::Tasks || tab == Tab::Publication {
                let late = above
                    .clone()
                    .filter(|r| r.text.contains(warning))
                    .unwrap_or_else(|| panic!("{what}: task 1 (overdue) is listed first"));
                assert!(!sel.text.contains(warning), "{what}: {}", sel.text);
                assert_ne!(late.modifier, sel.modifier, "{what}: overdue vs selected");
                assert!(!late.modifier.contains(Modifier::REVERSED), "{what}");
                // The overdue row selected keeps its mark and is still reversed; the row
                // below it is plain (the publication list has only two rows).
                press(&office, &mut app, special(KeyCode::Up));
                let t = render(&office, &app);
                let (_, late_sel, below) =
                    around_selection(t.backend().buffer(), marker).expect("a selection");
                let plain = plain
                    .cloned()
                    .or(below)
                    .unwrap_or_else(|| panic!("{what}: a plain row"));
                assert!(!plain.text.contains(warning), "{what}: {}", plain.text);
                assert_ne!(late.modifier, plain.modifier, "{what}: overdue vs plain");
                assert_ne!(sel.modifier, plain.modifier, "{what}: selected vs plain");
                compared.push(tab);
                assert!(
                    late_sel.selected && late_sel.text.contains(warning),
                    "{what}"
                );
                assert!(late_sel.modifier.contains(Modifier::REVERSED), "{what}");
                for other in [&late.modifier, &sel.modifier, &plain.modifier] {
                    assert_ne!(&late_sel.modifier, other, "{what}: selected overdue row");
                }
            }
        }
        for tab in [Tab::Registries, Tab::Tasks, Tab::Publication, Tab::Audit] {
            assert!(
                compared.contains(&tab),
                "{} compared at {w}x{h}",
                tab.label(Lang::Zh)
            );
        }
    }
}
