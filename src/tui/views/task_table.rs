//! The drawn tasks of a draw as a table (target, row, team, method, joint), shared by the
//! wizard's result (views::draws) and a past draw opened in full (views::opened).

use super::{column_widths, cut, Theme};
use crate::tui::state::{AppState, DrawnTask};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// One line, cut to the width.
pub(super) fn line(text: String, style: Style, cols: usize, app: &AppState) -> Line<'static> {
    Line::from(Span::styled(
        cut(&text, cols, app.cfg.symbols.ellipsis),
        style,
    ))
}

/// The drawn tasks as a table (target, row, team, method, joint), cut to what fits in
/// `height` lines with a line that says how many more there are.
pub(super) fn task_table(
    lines: &mut Vec<Line<'static>>,
    app: &AppState,
    tasks: &[DrawnTask],
    theme: Theme,
    cols: usize,
    height: usize,
) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let header: Vec<String> = [
        ("检查对象", "Target"),
        ("分层", "Row"),
        ("检查组", "Team"),
        ("方式", "Method"),
        ("联合", "Joint"),
    ]
    .iter()
    .map(|c| lang.pick(c.0, c.1).to_string())
    .collect();
    let specs = [(28, 12), (4, 3), (22, 10), (8, 0), (8, 0)];
    let widths = column_widths(cols.saturating_sub(1), &specs, 0);
    lines.push(Line::from(Span::styled(
        format!(" {}", super::row_text(&header, &widths, sym.ellipsis)),
        theme.bold(),
    )));
    let room = height.saturating_sub(lines.len() + 1);
    let room = room.max(2);
    for (n, t) in tasks.iter().enumerate() {
        if n + 1 == room && tasks.len() > room {
            lines.push(line(
                format!(
                    " {} {}{}",
                    sym.ellipsis,
                    tasks.len() - n,
                    lang.pick(" 个任务见「5 任务进度」", " more tasks in tab 5")
                ),
                theme.dim(),
                cols,
                app,
            ));
            break;
        }
        let cells = vec![
            t.target.clone(),
            t.row.clone(),
            t.team.join("、"),
            t.method.clone(),
            t.joint.clone(),
        ];
        lines.push(Line::from(format!(
            " {}",
            super::row_text(&cells, &widths, sym.ellipsis)
        )));
    }
}
