//! Presentation mode (the dashboard's `ctrl-f`/F11), fit for a projector (issue 16): the whole
//! screen, the period named in the header, the headline figures in big digits (drawn,
//! checked, published on time, internal joint %, overdue), then as much of the dashboard's
//! detail as the screen holds, its labels whole at 120 columns.

use super::{cut, width, Theme};
use crate::tui::state::{AppState, FiguresData};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Rows of a big glyph.
const GLYPH_ROWS: usize = 5;

/// A 3x5 glyph of a digit, `.`, `%` or `/` (`#` is a filled cell); other characters blank.
fn glyph(c: char) -> [&'static str; GLYPH_ROWS] {
    match c {
        '0' => ["###", "# #", "# #", "# #", "###"],
        '1' => [" # ", "## ", " # ", " # ", "###"],
        '2' => ["###", "  #", "###", "#  ", "###"],
        '3' => ["###", "  #", "###", "  #", "###"],
        '4' => ["# #", "# #", "###", "  #", "  #"],
        '5' => ["###", "#  ", "###", "  #", "###"],
        '6' => ["###", "#  ", "###", "# #", "###"],
        '7' => ["###", "  #", "  #", "  #", "  #"],
        '8' => ["###", "# #", "###", "# #", "###"],
        '9' => ["###", "# #", "###", "  #", "###"],
        '.' => ["   ", "   ", "   ", "   ", " # "],
        '%' => ["# #", "  #", " # ", "#  ", "# #"],
        '/' => ["  #", "  #", " # ", "#  ", "#  "],
        _ => ["   "; GLYPH_ROWS],
    }
}

/// `text` in big digits: five lines, each glyph 3 cells and a space, `#` drawn as `full`.
pub fn big_text(text: &str, full: &str) -> [String; GLYPH_ROWS] {
    let mut rows: [String; GLYPH_ROWS] = Default::default();
    for (i, c) in text.chars().enumerate() {
        for (r, row) in rows.iter_mut().enumerate() {
            if i > 0 {
                row.push(' ');
            }
            row.push_str(&glyph(c)[r].replace('#', full));
        }
    }
    rows
}

/// Display width of `text` in big digits.
pub fn big_width(text: &str) -> usize {
    (text.chars().count() * 4).saturating_sub(1)
}

/// One headline figure: its label, the figure, and a line under it.
struct Tile {
    label: &'static str,
    value: String,
    note: String,
    style: Style,
}

fn tiles(app: &AppState, d: &FiguresData, theme: Theme) -> Vec<Tile> {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let s = &d.status;
    let required: usize = s.rows.iter().map(|r| r.required).sum();
    let drawn: usize = s.rows.iter().map(|r| r.drawn).sum();
    let checked: usize = s.rows.iter().map(|r| r.checked).sum();
    let p = &s.publication;
    let j = &s.internal_joint;
    vec![
        Tile {
            label: lang.pick("已抽", "Drawn"),
            value: drawn.to_string(),
            note: format!("{} {required}", lang.pick("应抽", "required")),
            style: if drawn >= required {
                theme.ok()
            } else {
                theme.error()
            },
        },
        Tile {
            label: lang.pick("已查", "Checked"),
            value: checked.to_string(),
            note: format!("{} {drawn}", lang.pick("已抽", "of drawn")),
            style: theme.accent(),
        },
        Tile {
            label: lang.pick("按期公示", "Published on time"),
            value: p.on_time.to_string(),
            note: format!(
                "{} {} {} {} {}",
                lang.pick("逾期公示", "late"),
                p.late,
                sym.separator,
                lang.pick("待公示", "pending"),
                p.pending
            ),
            style: theme.ok(),
        },
        Tile {
            label: lang.pick("内部联合", "Internal joint"),
            value: format!("{:.1}%", j.percent),
            note: format!(
                "{}/{} {} {}{}% {}",
                j.joint,
                j.total,
                sym.separator,
                sym.at_least,
                j.min_percent,
                sym.mark(j.met)
            ),
            style: if j.met { theme.ok() } else { theme.error() },
        },
        Tile {
            label: lang.pick("逾期未公示", "Overdue"),
            value: p.overdue.to_string(),
            note: if p.overdue > 0 {
                format!("{} {}", sym.warning, lang.pick("须尽快公示", "publish now"))
            } else {
                sym.check.to_string()
            },
            style: if p.overdue > 0 {
                theme.overdue()
            } else {
                theme.ok()
            },
        },
    ]
}

fn centred(text: &str, cols: usize) -> String {
    let w = width(text);
    if w >= cols {
        return text.to_string();
    }
    let left = (cols - w) / 2;
    format!("{}{text}{}", " ".repeat(left), " ".repeat(cols - w - left))
}

/// The lines of one row of tiles, `tile_w` columns each.
fn tile_lines(row: &[Tile], tile_w: usize, app: &AppState, theme: Theme) -> Vec<Line<'static>> {
    let sym = &app.cfg.symbols;
    let full = sym.bar(1.0, 1);
    let mut lines: Vec<Vec<Span<'static>>> = vec![Vec::new(); GLYPH_ROWS + 2];
    for t in row {
        lines[0].push(Span::styled(
            centred(&cut(t.label, tile_w, sym.ellipsis), tile_w),
            theme.bold(),
        ));
        // A figure too wide for its tile in big digits is written plainly.
        let big = big_width(&t.value) <= tile_w.saturating_sub(1);
        let digits = big_text(&t.value, &full);
        for (r, d) in digits.iter().enumerate() {
            let text = if big {
                centred(d, tile_w)
            } else if r == GLYPH_ROWS / 2 {
                centred(&t.value, tile_w)
            } else {
                " ".repeat(tile_w)
            };
            lines[1 + r].push(Span::styled(text, t.style));
        }
        lines[GLYPH_ROWS + 1].push(Span::styled(
            centred(&cut(&t.note, tile_w, sym.ellipsis), tile_w),
            theme.dim(),
        ));
    }
    lines.into_iter().map(Line::from).collect()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, theme: Theme) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let cols = usize::from(area.width);
    let rows = usize::from(area.height);
    // The header names the period shown (not today's quarter).
    let left = format!(
        " {} {} {}",
        lang.pick(
            "宜良县生态环境“双随机、一公开”抽查",
            "Yiliang random inspections"
        ),
        sym.separator,
        app.figures.period.label(lang)
    );
    let right = format!(
        "{}{} {}  {} ",
        sym.arrow_left,
        sym.arrow_right,
        lang.pick("切换期间", "period"),
        lang.pick("Esc 退出演示", "Esc leaves")
    );
    let right = if width(&left) + width(&right) < cols {
        right
    } else {
        String::new()
    };
    let pad = cols.saturating_sub(width(&left) + width(&right));
    let mut lines = vec![
        Line::from(vec![
            Span::styled(cut(&left, cols, sym.ellipsis), theme.bold()),
            Span::raw(" ".repeat(pad)),
            Span::styled(right, theme.dim()),
        ]),
        Line::from(""),
    ];
    match (&app.figures.data, &app.figures.error) {
        (_, Some(e)) => lines.push(Line::from(Span::styled(
            cut(&format!(" {} {e}", sym.cross), cols, sym.ellipsis),
            theme.error(),
        ))),
        (None, None) => lines.push(Line::from(Span::styled(
            format!("{}{}", lang.pick(" 正在读取", " loading"), sym.ellipsis),
            theme.dim(),
        ))),
        (Some(d), None) => {
            let all = tiles(app, d, theme);
            // Five in a row when each gets 22 columns, else three and two.
            let per_row = if cols >= 5 * 22 { 5 } else { 3 };
            let tile_w = cols / per_row;
            let mut rest = all;
            while !rest.is_empty() {
                let row: Vec<Tile> = rest.drain(..per_row.min(rest.len())).collect();
                lines.extend(tile_lines(&row, tile_w, app, theme));
                lines.push(Line::from(""));
            }
            // Then the dashboard's detail, as much as the screen holds.
            let room = rows.saturating_sub(lines.len());
            lines.extend(
                super::dashboard::body_lines(app, d, theme, cols, true)
                    .into_iter()
                    .take(room),
            );
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_digits_are_three_cells_and_a_space_wide() {
        let rows = big_text("5.0%", "#");
        assert_eq!(rows[0], "### ".to_string() + "    ### # #");
        assert!(rows.iter().all(|r| width(r) == big_width("5.0%")));
        assert_eq!(rows[4], "###  #  ### # #");
    }
}
