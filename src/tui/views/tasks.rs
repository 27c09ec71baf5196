//! The tasks tab (5 任务进度) and the publication tab (6 结果公示).
//!
//! Tasks: the period's tasks with their step (已分派 → 已检查 → 已录入结果 → 已公示 / 免于公示)
//! and an overdue marker; space toggles the per-inspector progress from `office.progress`,
//! Enter there drills down to one inspector's tasks. Publication: `office.due`, overdue first
//! and highlighted (reverse and bold, so also under NO_COLOR), then by due date.

use super::plans::table;
use super::{column_widths, cut, width, Theme};
use crate::i18n::Lang;
use crate::tui::state::{step_label, AppState, Ctx, TASK_COLUMNS};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

fn title(frame: &mut Frame, area: Rect, app: &AppState, text: String, theme: Theme) {
    let sym = &app.cfg.symbols;
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            cut(&text, usize::from(area.width), sym.ellipsis),
            theme.bold(),
        ))),
        Rect::new(area.x, area.y, area.width, 1),
    );
}

/// An overdue row: bold and underlined (red with colour), never reversed, so it does not look
/// like the selection, and selected it is reversed as well (issue 16).
fn overdue_style(theme: Theme) -> Style {
    theme.overdue()
}

fn message(frame: &mut Frame, area: Rect, app: &AppState, text: &str, theme: Theme) {
    frame.render_widget(
        Paragraph::new(Span::styled(
            cut(text, usize::from(area.width), app.cfg.symbols.ellipsis),
            theme.dim(),
        )),
        area,
    );
}

pub fn draw_tasks(frame: &mut Frame, area: Rect, app: &AppState, ctx: &Ctx, theme: Theme) {
    if area.height < 3 {
        return;
    }
    if app.tasks.progress {
        return draw_progress(frame, area, app, theme);
    }
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let tasks = app.visible_tasks(ctx);
    if let Some(t) = app.detail_task(ctx) {
        return super::task_detail::draw(frame, area, app, ctx, t, theme);
    }
    let mine = app.tasks.mine.then(|| app.my_inspector(ctx)).flatten();
    let who = app
        .tasks
        .inspector
        .or(mine)
        .and_then(|i| ctx.data.inspector(i))
        .map(|p| {
            format!(
                " {} {}{}",
                sym.separator,
                if app.tasks.mine {
                    lang.pick("我的任务 ", "mine ")
                } else {
                    lang.pick("检查人员 ", "inspector ")
                },
                p.name
            )
        })
        .unwrap_or_default();
    let overdue = app.overdue_tasks();
    let filtered = !app.tasks.filter.is_empty();
    let head = format!(
        " {} {} {}{who} {} {}{}",
        lang.pick("任务", "Tasks"),
        sym.separator,
        app.figures.period.label(lang),
        sym.separator,
        tasks.len(),
        lang.pick(" 个", ""),
    );
    if app.filtering || filtered {
        // The filter line takes the place of the key hints.
        let prefix = format!("{head} {} /", sym.separator);
        let room = usize::from(area.width).saturating_sub(width(&prefix));
        let view = app.tasks.filter.view(room.max(1) as u16);
        title(frame, area, app, format!("{prefix}{}", view.text), theme);
        if app.filtering && app.overlay.is_none() {
            let x = area.x + (width(&prefix) as u16).saturating_add(view.cursor_col);
            frame.set_cursor_position(ratatui::layout::Position::new(
                x.min(area.right().saturating_sub(1)),
                area.y,
            ));
        }
    } else {
        title(
            frame,
            area,
            app,
            format!(
                "{head} {} {}{}{}{}",
                sym.separator,
                sym.arrow_left,
                sym.arrow_right,
                lang.pick(
                    " 期间  / 筛选  回车 详情  空格 人员进度",
                    " period  / filter  Enter details  space inspectors"
                ),
                if who.is_empty() {
                    ""
                } else {
                    lang.pick("  Esc 全部", "  Esc all")
                }
            ),
            theme,
        );
    }
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    if tasks.is_empty() {
        let text = if filtered || app.tasks.mine {
            lang.pick(
                "  没有符合条件的任务（Esc 清除筛选）",
                "  no task matches (Esc clears the filter)",
            )
        } else {
            lang.pick(
                "  本期没有任务：在「4 抽取」抽取后，任务出现在这里",
                "  no tasks in this period: tasks appear here after a draw (tab 4)",
            )
        };
        message(frame, body, app, text, theme);
        return;
    }
    let header: Vec<String> = TASK_COLUMNS
        .iter()
        .map(|c| lang.pick(c.0, c.1).to_string())
        .collect();
    let step_w = if lang == Lang::Zh { 10 } else { 14 };
    let specs = [
        (5, 4),
        (26, 10),
        (4, 3),
        (16, 6),
        (8, 0),
        (step_w, 6),
        (4, 2),
    ];
    let widths = column_widths(
        usize::from(area.width).saturating_sub(width(sym.highlight)),
        &specs,
        1,
    );
    let rows: Vec<(Vec<String>, Style)> = tasks
        .iter()
        .map(|t| {
            let late = overdue.contains(&t.id);
            (
                vec![
                    format!("#{}", t.id),
                    ctx.data
                        .target(t.target)
                        .map(|x| x.name().to_string())
                        .unwrap_or_default(),
                    t.rows_text(),
                    t.team
                        .iter()
                        .filter_map(|m| ctx.data.inspector(*m).map(|p| p.name.clone()))
                        .collect::<Vec<_>>()
                        .join("、"),
                    t.check
                        .as_ref()
                        .map(|c| c.method)
                        .unwrap_or(t.method)
                        .label(lang)
                        .to_string(),
                    step_label(t, lang).to_string(),
                    if late {
                        sym.warning.to_string()
                    } else {
                        String::new()
                    },
                ],
                if late {
                    overdue_style(theme)
                } else {
                    Style::default()
                },
            )
        })
        .collect();
    let sel = app.tasks.selected.min(rows.len() - 1);
    table(frame, body, app, theme, &header, &widths, &rows, Some(sel));
}

fn draw_progress(frame: &mut Frame, area: Rect, app: &AppState, theme: Theme) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    title(
        frame,
        area,
        app,
        format!(
            " {} {} {} {} {}",
            lang.pick("检查人员进度", "Inspector progress"),
            sym.separator,
            app.figures.period.label(lang),
            sym.separator,
            lang.pick(
                "回车 查看其任务  空格 任务列表",
                "Enter their tasks  space task list"
            )
        ),
        theme,
    );
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let Some(d) = &app.figures.data else {
        let text = app.figures.error.clone().unwrap_or_else(|| {
            format!(
                "{}{}",
                lang.pick("  正在读取", "  loading"),
                app.cfg.symbols.ellipsis
            )
        });
        message(frame, body, app, &text, theme);
        return;
    };
    if d.progress.is_empty() {
        message(
            frame,
            body,
            app,
            lang.pick("  没有检查人员", "  no inspectors"),
            theme,
        );
        return;
    }
    let header: Vec<String> = [
        ("检查人员", "Inspector"),
        ("部门", "Department"),
        ("分派", "Asgn"),
        ("已查", "Chkd"),
        ("结果", "Rslt"),
        ("逾期", "Late"),
        ("本年", "Year"),
        ("完成", "Done"),
    ]
    .iter()
    .map(|c| lang.pick(c.0, c.1).to_string())
    .collect();
    let cols = usize::from(area.width).saturating_sub(width(sym.highlight));
    let specs = [
        (8, 6),
        (16, 0),
        (4, 4),
        (4, 4),
        (4, 4),
        (4, 4),
        (4, 4),
        (22, 8),
    ];
    let widths = column_widths(cols, &specs, 7);
    let bar_w = widths.get(7).copied().unwrap_or(8).saturating_sub(5).max(1);
    let rows: Vec<(Vec<String>, Style)> = d
        .progress
        .iter()
        .map(|p| {
            let f = if p.assigned == 0 {
                0.0
            } else {
                p.checked as f64 / p.assigned as f64
            };
            let n = |x: usize| format!("{x:>4}");
            (
                vec![
                    p.name.clone(),
                    p.department.clone(),
                    n(p.assigned),
                    n(p.checked),
                    n(p.result_recorded),
                    n(p.overdue),
                    n(p.year_inspections),
                    format!("{} {:>3.0}%", sym.bar(f, bar_w), f * 100.0),
                ],
                if p.overdue > 0 {
                    overdue_style(theme)
                } else {
                    Style::default()
                },
            )
        })
        .collect();
    let sel = app.tasks.progress_selected.min(rows.len() - 1);
    table(frame, body, app, theme, &header, &widths, &rows, Some(sel));
}

pub fn draw_publication(frame: &mut Frame, area: Rect, app: &AppState, theme: Theme) {
    if area.height < 3 {
        return;
    }
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let due = app.figures.data.as_ref().map(|d| &d.due);
    let overdue = due
        .map(|d| d.iter().filter(|x| x.overdue).count())
        .unwrap_or(0);
    title(
        frame,
        area,
        app,
        format!(
            " {} {} {} {} {} {}{} {} {} {}",
            lang.pick("待公示结果", "Results due for publication"),
            sym.separator,
            due.map(|d| d.len()).unwrap_or(0),
            sym.separator,
            lang.pick("逾期", "overdue"),
            overdue,
            if overdue > 0 { sym.warning } else { "" },
            sym.separator,
            lang.pick("截至", "as of"),
            app.cfg.today
        ),
        theme,
    );
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let Some(due) = due else {
        let text = app.figures.error.clone().unwrap_or_else(|| {
            format!(
                "{}{}",
                lang.pick("  正在读取", "  loading"),
                app.cfg.symbols.ellipsis
            )
        });
        message(frame, body, app, &text, theme);
        return;
    };
    if due.is_empty() {
        message(
            frame,
            body,
            app,
            lang.pick("  没有待公示的结果", "  no results awaiting publication"),
            theme,
        );
        return;
    }
    let header: Vec<String> = [
        ("", ""),
        ("检查对象", "Target"),
        ("检查结果", "Result"),
        ("认定日期", "Determined"),
        ("公示期限", "Due"),
        ("剩余工作日", "Working days"),
    ]
    .iter()
    .map(|c| lang.pick(c.0, c.1).to_string())
    .collect();
    let specs = [(2, 2), (26, 10), (18, 0), (10, 10), (10, 10), (10, 4)];
    let widths = column_widths(
        usize::from(area.width).saturating_sub(width(sym.highlight)),
        &specs,
        1,
    );
    let rows: Vec<(Vec<String>, Style)> = due
        .iter()
        .map(|d| {
            (
                vec![
                    if d.overdue {
                        sym.warning.to_string()
                    } else {
                        String::new()
                    },
                    format!("#{} {}", d.task, d.name),
                    d.phrase.clone(),
                    d.determined.to_string(),
                    d.due.to_string(),
                    if d.overdue {
                        format!("{}{}", lang.pick("逾期 ", "late "), -d.days_left)
                    } else {
                        d.days_left.to_string()
                    },
                ],
                if d.overdue {
                    overdue_style(theme)
                } else {
                    Style::default()
                },
            )
        })
        .collect();
    let sel = app.tasks.due_selected.min(rows.len() - 1);
    table(frame, body, app, theme, &header, &widths, &rows, Some(sel));
}
