//! Popups: help (generated from the loaded keymap), the command palette, forms with inline
//! errors, report panels and the busy spinner.

use super::{cut, fit, width, Theme};
use crate::tui::action::Action;
use crate::tui::keymap::Mode;
use crate::tui::state::{wrap_lines, AppState, Ctx, Field, Form, Overlay, Picker};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, LineGauge, Paragraph};
use ratatui::Frame;

/// A rectangle of at most `w` x `h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Clear `r` and one column on each side, so that a wide character of the screen below that
/// straddles the popup's edge is not left half drawn.
fn clear(frame: &mut Frame, area: Rect, r: Rect) {
    let x = r.x.saturating_sub(1).max(area.x);
    let right = (r.right() + 1).min(area.right());
    frame.render_widget(Clear, Rect::new(x, r.y, right - x, r.height));
}

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, _ctx: &Ctx, theme: Theme) {
    match &app.overlay {
        None => {}
        Some(Overlay::Help(p)) => draw_picker(frame, area, app, p, true, theme),
        Some(Overlay::Palette(p)) => draw_picker(frame, area, app, p, false, theme),
        Some(Overlay::Form(f)) => draw_form(frame, area, app, f, theme),
        Some(Overlay::Report {
            title,
            lines,
            scroll,
        }) => draw_report(frame, area, app, title, lines, *scroll, theme),
        Some(Overlay::Confirm {
            title,
            lines,
            scroll,
            ..
        }) => draw_report(frame, area, app, title, lines, *scroll, theme),
        Some(Overlay::Ask { title, lines, .. }) => draw_ask(frame, area, app, title, lines, theme),
        Some(Overlay::Busy {
            label,
            progress: Some(ratio),
            ..
        }) => draw_gauge(frame, area, app, label, *ratio, theme),
        Some(Overlay::Busy { label, ticks, .. }) => {
            let spin = ["|", "/", "-", "\\"][ticks % 4];
            let text = format!(" {spin} {label}");
            let r = centered(area, (width(&text) + 4).max(30) as u16, 3);
            let block = popup_block(app, app.lang().pick("请稍候", "Please wait"), theme);
            let inner = block.inner(r);
            clear(frame, area, r);
            frame.render_widget(block, r);
            frame.render_widget(Paragraph::new(text), inner);
        }
    }
}

/// A y/n question: what will happen, then the keys.
fn draw_ask(
    frame: &mut Frame,
    area: Rect,
    app: &AppState,
    title: &str,
    lines: &[String],
    theme: Theme,
) {
    let sym = &app.cfg.symbols;
    let w = lines
        .iter()
        .map(|l| width(l))
        .max()
        .unwrap_or(20)
        .max(width(title))
        + 6;
    let r = centered(area, w.min(76) as u16, (lines.len() + 2) as u16);
    let block = popup_block(app, title, theme);
    let inner = block.inner(r);
    clear(frame, area, r);
    frame.render_widget(block, r);
    let cols = usize::from(inner.width).saturating_sub(1);
    let body: Vec<Line> = lines
        .iter()
        .map(|l| Line::from(format!(" {}", cut(l, cols, sym.ellipsis))))
        .collect();
    frame.render_widget(Paragraph::new(body), inner);
}

/// An export under way: its label over a line gauge drawn with the session's symbols.
fn draw_gauge(
    frame: &mut Frame,
    area: Rect,
    app: &AppState,
    label: &str,
    ratio: f64,
    theme: Theme,
) {
    let sym = &app.cfg.symbols;
    let w = (width(label) + 4).clamp(40, 60) as u16;
    let r = centered(area, w, 4);
    let block = popup_block(app, app.lang().pick("正在导出", "Exporting"), theme);
    let inner = block.inner(r);
    clear(frame, area, r);
    frame.render_widget(block, r);
    let label_row = Rect::new(inner.x, inner.y, inner.width, 1.min(inner.height));
    frame.render_widget(
        Paragraph::new(format!(
            " {}",
            cut(
                label,
                usize::from(inner.width).saturating_sub(1),
                sym.ellipsis
            )
        )),
        label_row,
    );
    if inner.height >= 2 {
        let ratio = ratio.clamp(0.0, 1.0);
        let gauge = LineGauge::default()
            .ratio(ratio)
            .label(format!(" {:>3.0}% ", ratio * 100.0))
            .filled_symbol(sym.bar_full)
            .unfilled_symbol(sym.rule)
            .filled_style(theme.bold());
        frame.render_widget(gauge, Rect::new(inner.x, inner.y + 1, inner.width, 1));
    }
}

fn popup_block<'a>(app: &AppState, title: &str, theme: Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(app.cfg.symbols.border)
        .title(Span::styled(
            format!(" {} ", cut(title, 60, app.cfg.symbols.ellipsis)),
            theme.bold(),
        ))
}

fn footer(app: &AppState, mode: Mode, actions: &[Action]) -> String {
    let lang = app.lang();
    actions
        .iter()
        .filter_map(|&a| app.cfg.keymap.hint(mode, a, lang))
        .map(|(k, d)| format!("{k} {d}"))
        .collect::<Vec<_>>()
        .join("  ")
}

fn draw_picker(
    frame: &mut Frame,
    area: Rect,
    app: &AppState,
    p: &Picker,
    help: bool,
    theme: Theme,
) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let r = centered(area, 72, area.height.saturating_sub(2));
    let block = popup_block(app, &p.title, theme);
    let inner = block.inner(r);
    clear(frame, area, r);
    frame.render_widget(block, r);
    if inner.height < 3 {
        return;
    }
    let cols = usize::from(inner.width);
    // Filter line.
    let prompt = if help {
        lang.pick("筛选 ", "filter ")
    } else {
        "> "
    };
    let pw = width(prompt) as u16;
    let view = p.input.view(inner.width.saturating_sub(pw + 1));
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(prompt, theme.accent()),
            Span::raw(view.text.clone()),
        ])),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    frame.set_cursor_position(Position::new(inner.x + pw + view.cursor_col, inner.y));
    // Entries.
    let list_h = usize::from(inner.height.saturating_sub(2));
    let offset = p.selected.saturating_sub(list_h.saturating_sub(1));
    let key_w = 10;
    let mut lines = Vec::new();
    for (pos, &i) in p.matches.iter().enumerate().skip(offset).take(list_h) {
        let Some(e) = p.entries.get(i) else { continue };
        let text = if help {
            format!(
                "{} {}",
                fit(&e.keys, key_w, sym.ellipsis),
                cut(&e.desc, cols.saturating_sub(key_w + 3), sym.ellipsis)
            )
        } else {
            let right = if e.keys.is_empty() {
                e.action.name().to_string()
            } else {
                format!("{}  {}", e.action.name(), e.keys)
            };
            let left_w = cols.saturating_sub(width(&right) + 3);
            format!("{} {right}", fit(&e.desc, left_w, sym.ellipsis))
        };
        let selected = pos == p.selected;
        let marker = if selected {
            sym.highlight.to_string()
        } else {
            " ".repeat(width(sym.highlight))
        };
        lines.push(Line::from(vec![
            Span::styled(marker, theme.accent()),
            Span::styled(
                fit(
                    &text,
                    cols.saturating_sub(width(sym.highlight)),
                    sym.ellipsis,
                ),
                if selected {
                    theme.selected()
                } else {
                    Style::default()
                },
            ),
        ]));
    }
    if lines.is_empty() {
        lines.push(Line::from(
            lang.pick(" （没有匹配项）", " (nothing matches)")
                .to_string(),
        ));
    }
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(inner.x, inner.y + 1, inner.width, list_h as u16),
    );
    let mode = if help { Mode::Help } else { Mode::Palette };
    let foot = format!(
        "{}/{}  {}",
        p.matches.len(),
        p.entries.len(),
        footer(
            app,
            mode,
            &[Action::Confirm, Action::Cancel, Action::Up, Action::Down]
        )
    );
    frame.render_widget(
        Paragraph::new(Span::styled(cut(&foot, cols, sym.ellipsis), theme.dim())),
        Rect::new(inner.x, inner.bottom() - 1, inner.width, 1),
    );
}

fn draw_form(frame: &mut Frame, area: Rect, app: &AppState, f: &Form, theme: Theme) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let label_w = f
        .fields
        .iter()
        .map(|x| width(lang.pick(x.label, x.label_en)))
        .max()
        .unwrap_or(4)
        + 1;
    let mut body: Vec<Line> = Vec::new();
    let w = area.width.min(76);
    let inner_w = usize::from(w.saturating_sub(2));
    let marker_w = width(sym.highlight);
    let input_w = inner_w.saturating_sub(marker_w + label_w + 2).max(4);
    let mut cursor: Option<(u16, u16)> = None;
    for (n, field) in f.fields.iter().enumerate() {
        let focused = n == f.focus;
        let marker = if focused {
            sym.highlight.to_string()
        } else {
            " ".repeat(marker_w)
        };
        let label = fit(
            lang.pick(field.label, field.label_en),
            label_w,
            sym.ellipsis,
        );
        if !field.options.is_empty() {
            choice_lines(
                &mut body, app, field, focused, &label, label_w, input_w, theme,
            );
            continue;
        }
        let view = field.input.view(input_w as u16);
        if focused {
            cursor = Some((
                (marker_w + label_w + 1) as u16 + view.cursor_col,
                body.len() as u16,
            ));
        }
        let input_style = if focused {
            theme.accent()
        } else {
            Style::default()
        };
        body.push(Line::from(vec![
            Span::styled(marker, theme.accent()),
            Span::styled(label, theme.bold()),
            Span::raw(" "),
            Span::styled(fit(&view.text, input_w, sym.ellipsis), input_style),
        ]));
        let indent = " ".repeat(marker_w + label_w + 1);
        if let Some(e) = &field.error {
            body.push(Line::from(Span::styled(
                format!(
                    "{indent}{} {}",
                    sym.cross,
                    cut(e, input_w.saturating_sub(2), sym.ellipsis)
                ),
                theme.error(),
            )));
        } else if focused && !field.hint.is_empty() {
            body.push(Line::from(Span::styled(
                format!("{indent}{}", cut(&field.hint, input_w, sym.ellipsis)),
                theme.dim(),
            )));
        }
    }
    if let Some(e) = &f.error {
        // The office's refusal is wrapped, not cut: its end often says what to change.
        for l in e.lines() {
            let parts = wrap_words(l, inner_w.saturating_sub(3));
            for (i, part) in parts.iter().enumerate() {
                let lead = if i == 0 {
                    sym.cross.to_string()
                } else {
                    " ".repeat(width(sym.cross))
                };
                body.push(Line::from(Span::styled(
                    format!(" {lead} {part}"),
                    theme.error(),
                )));
            }
        }
    }
    body.push(Line::from(Span::styled(
        format!(
            " {}",
            cut(
                &footer(
                    app,
                    Mode::Form,
                    if f.error.is_some() && f.kind.revision().is_some() {
                        // A refused save of an edit: the reload key is what to press.
                        &[Action::Refresh, Action::Save, Action::Cancel]
                    } else {
                        &[Action::Save, Action::Cancel, Action::NextField]
                    }
                ),
                inner_w.saturating_sub(1),
                sym.ellipsis
            )
        ),
        theme.dim(),
    )));
    let h = (body.len() as u16 + 2).min(area.height);
    let r = centered(area, w, h);
    let block = popup_block(app, &f.title, theme);
    let inner = block.inner(r);
    clear(frame, area, r);
    frame.render_widget(block, r);
    frame.render_widget(Paragraph::new(body), inner);
    if let Some((x, y)) = cursor {
        if y < inner.height {
            frame.set_cursor_position(Position::new(
                (inner.x + x).min(inner.right().saturating_sub(1)),
                inner.y + y,
            ));
        }
    }
}

/// A list field: the chosen option on the field's line; when focused, every option below it,
/// the chosen one marked and reversed.
#[allow(clippy::too_many_arguments)]
fn choice_lines(
    body: &mut Vec<Line<'static>>,
    app: &AppState,
    field: &Field,
    focused: bool,
    label: &str,
    label_w: usize,
    input_w: usize,
    theme: Theme,
) {
    let sym = &app.cfg.symbols;
    let marker_w = width(sym.highlight);
    let marker = if focused {
        sym.highlight.to_string()
    } else {
        " ".repeat(marker_w)
    };
    let chosen = field.chosen();
    let current = chosen
        .and_then(|n| field.options.get(n - 1))
        .cloned()
        .unwrap_or_default();
    let hint = if focused && field.error.is_none() {
        format!("  {}", field.hint)
    } else {
        String::new()
    };
    let value_w = width(&current).min(input_w);
    body.push(Line::from(vec![
        Span::styled(marker, theme.accent()),
        Span::styled(label.to_string(), theme.bold()),
        Span::raw(" "),
        Span::styled(
            fit(&current, value_w, sym.ellipsis),
            if focused {
                theme.accent()
            } else {
                Style::default()
            },
        ),
        Span::styled(
            cut(&hint, input_w.saturating_sub(value_w), sym.ellipsis),
            theme.dim(),
        ),
    ]));
    let indent = " ".repeat(marker_w + label_w + 1);
    if let Some(e) = &field.error {
        body.push(Line::from(Span::styled(
            format!(
                "{indent}{} {}",
                sym.cross,
                cut(e, input_w.saturating_sub(2), sym.ellipsis)
            ),
            theme.error(),
        )));
    }
    if !focused {
        return;
    }
    for (i, o) in field.options.iter().enumerate() {
        let sel = chosen == Some(i + 1);
        let mark = if sel {
            sym.highlight.to_string()
        } else {
            " ".repeat(marker_w)
        };
        body.push(Line::from(vec![
            Span::raw(indent.clone()),
            Span::styled(mark, theme.accent()),
            Span::styled(
                fit(o, input_w.saturating_sub(marker_w), sym.ellipsis),
                if sel {
                    theme.selected()
                } else {
                    Style::default()
                },
            ),
        ]));
    }
}

/// Break `text` into lines of at most `cols` columns, between space-separated words where it
/// can (a date or a number stays whole), inside a word only when it is longer than a line.
pub fn wrap_words(text: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(4);
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_inclusive(' ') {
        if width(cur.trim_end()) + width(word.trim_end()) > cols && !cur.is_empty() {
            out.push(cur.trim_end().to_string());
            cur.clear();
        }
        if width(word.trim_end()) > cols {
            let mut parts = wrap_lines(&[word.to_string()], cols);
            if let Some(last) = parts.pop() {
                out.extend(parts);
                cur = last;
            }
        } else {
            cur.push_str(word);
        }
    }
    if !cur.trim_end().is_empty() || out.is_empty() {
        out.push(cur.trim_end().to_string());
    }
    out
}

fn draw_report(
    frame: &mut Frame,
    area: Rect,
    app: &AppState,
    title: &str,
    lines: &[String],
    scroll: usize,
    theme: Theme,
) {
    let sym = &app.cfg.symbols;
    let r = centered(area, 76, area.height.saturating_sub(2));
    let block = popup_block(app, title, theme);
    let inner = block.inner(r);
    clear(frame, area, r);
    frame.render_widget(block, r);
    let cols = usize::from(inner.width);
    let h = usize::from(inner.height.saturating_sub(1));
    let body: Vec<Line> = lines
        .iter()
        .skip(scroll)
        .take(h)
        .map(|l| Line::from(format!(" {}", cut(l, cols.saturating_sub(1), sym.ellipsis))))
        .collect();
    frame.render_widget(
        Paragraph::new(body),
        Rect::new(inner.x, inner.y, inner.width, h as u16),
    );
    let foot = format!(
        " {}/{}  {}",
        (scroll + 1).min(lines.len()),
        lines.len(),
        footer(
            app,
            Mode::Help,
            &[Action::Cancel, Action::Down, Action::PageDown]
        )
    );
    frame.render_widget(
        Paragraph::new(Span::styled(cut(&foot, cols, sym.ellipsis), theme.dim())),
        Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_words_keeps_dates_whole_and_fits_the_width() {
        let text = "任务 #1：移交执法日期 2020-01-01 早于结果认定日期 2026-11-28";
        let lines = wrap_words(text, 40);
        assert_eq!(
            lines,
            [
                "任务 #1：移交执法日期 2020-01-01",
                "早于结果认定日期 2026-11-28"
            ]
        );
        // A word longer than a line is cut inside, never beyond the width.
        let long = "甲".repeat(30);
        let lines = wrap_words(&long, 20);
        assert!(lines.iter().all(|l| width(l) <= 20), "{lines:?}");
        assert_eq!(lines.concat(), long);
        assert_eq!(wrap_words("", 10), [""]);
    }
}
