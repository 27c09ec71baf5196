//! The audit tab: the hash-chained log, newest first, and whether the chain verifies.

use super::{column_widths, row_text, width, Theme};
use crate::tui::state::{AppState, VerifyState};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, theme: Theme) {
    if area.height < 3 {
        return;
    }
    if app.audit_open {
        if let Some(e) = app.audit.entries.get(app.audit.selected) {
            return super::opened::draw_audit_entry(frame, area, app, e, theme);
        }
    }
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let a = &app.audit;
    let (mark, text, style) = match &a.verify {
        VerifyState::NotRun => (" ", String::new(), Style::default()),
        VerifyState::Running => (
            " ",
            format!(
                "{}{}",
                lang.pick("正在校验审计链", "verifying the audit chain"),
                sym.ellipsis
            ),
            theme.dim(),
        ),
        VerifyState::Done { ok: true, text } => (sym.check, text.clone(), theme.ok()),
        VerifyState::Done { ok: false, text } => (sym.cross, text.clone(), theme.error()),
    };
    let head = format!(
        " {} {} {} ",
        lang.pick("审计日志", "Audit log"),
        a.total,
        lang.pick("条", "entries"),
    );
    let status = format!("{mark} {text}");
    let line0 = Line::from(vec![
        Span::styled(head, theme.bold()),
        Span::raw(app.cfg.symbols.separator),
        Span::raw(" "),
        Span::styled(
            super::cut(
                &status,
                usize::from(area.width).saturating_sub(20),
                sym.ellipsis,
            ),
            style,
        ),
    ]);
    frame.render_widget(
        Paragraph::new(line0),
        Rect::new(area.x, area.y, area.width, 1),
    );

    let marker_w = width(sym.highlight);
    let cols = usize::from(area.width).saturating_sub(marker_w);
    let spec = [(5, 3), (19, 10), (10, 4), (18, 8), (30, 10)];
    let widths = column_widths(cols, &spec, 4);
    let titles: Vec<String> = [
        ("序号", "Seq"),
        ("时间", "Time"),
        ("用户", "User"),
        ("操作", "Action"),
        ("摘要", "Summary"),
    ]
    .iter()
    .map(|(zh, en)| lang.pick(zh, en).to_string())
    .collect();
    let header = format!(
        "{}{}",
        " ".repeat(marker_w),
        row_text(&titles, &widths, sym.ellipsis)
    );
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(header, theme.bold()))),
        Rect::new(area.x, area.y + 1, area.width, 1),
    );
    let list = Rect::new(
        area.x,
        area.y + 2,
        area.width,
        (app.list_height() as u16).min(area.height - 2),
    );
    if let Some(e) = &a.error {
        frame.render_widget(
            Paragraph::new(Span::styled(format!(" {e}"), theme.error())),
            list,
        );
        return;
    }
    let mut lines = Vec::new();
    for (pos, e) in a
        .entries
        .iter()
        .enumerate()
        .skip(a.offset)
        .take(usize::from(list.height))
    {
        let time = e.time.get(..19).unwrap_or(&e.time).replace('T', " ");
        let cells = vec![
            e.seq.to_string(),
            time,
            e.user.clone(),
            crate::tui::words::audit_action(&e.action, app.lang()),
            e.summary.replace('\n', " "),
        ];
        let selected = pos == a.selected;
        let marker = if selected {
            sym.highlight.to_string()
        } else {
            " ".repeat(marker_w)
        };
        lines.push(Line::from(vec![
            Span::styled(marker, theme.accent()),
            Span::styled(
                row_text(&cells, &widths, sym.ellipsis),
                if selected {
                    theme.selected()
                } else {
                    Style::default()
                },
            ),
        ]));
    }
    if lines.is_empty() {
        lines.push(Line::from(format!(
            " {}",
            lang.pick("（审计日志为空）", "(the audit log is empty)")
        )));
    }
    frame.render_widget(Paragraph::new(lines), list);
}
