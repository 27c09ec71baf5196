//! The dashboard (1 总览): a period's figures as the director reads them in a quarterly review,
//! from `office.status` and `office.progress` only. Presentation mode draws the same figures
//! full screen, without tabs or status bar, with more spacing and bold type for a projector.

use super::{cut, fit, width, Theme};
use crate::i18n::Lang;
use crate::tui::state::{AppState, FiguresData};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The dashboard's body lines, for presentation mode below its big figures.
pub fn body_lines(
    app: &AppState,
    d: &FiguresData,
    theme: Theme,
    cols: usize,
    big: bool,
) -> Vec<Line<'static>> {
    body(app, d, theme, cols, big)
}

/// The body lines of the dashboard (without the title line).
fn body(
    app: &AppState,
    d: &FiguresData,
    theme: Theme,
    cols: usize,
    big: bool,
) -> Vec<Line<'static>> {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let s = &d.status;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let gap = |lines: &mut Vec<Line<'static>>| {
        if big {
            lines.push(Line::from(""));
        }
    };
    // Presentation: a short bar and the stratum names whole, as far as the width allows.
    let (name_w, bar_w) = if big {
        (cols.saturating_sub(3 * 6 + 8 + 12).max(16), 12)
    } else {
        let bar_w = cols.saturating_sub(16 + 3 * 6 + 8).clamp(5, 20);
        (16, bar_w)
    };
    lines.push(Line::from(Span::styled(
        format!(
            " {} {:>5} {:>5} {:>5}  {}",
            fit(lang.pick("分层", "Stratum"), name_w, sym.ellipsis),
            lang.pick("应抽", "Req."),
            lang.pick("已抽", "Drawn"),
            lang.pick("已查", "Chkd"),
            lang.pick("检查完成率", "checked")
        ),
        theme.bold(),
    )));
    for r in &s.rows {
        let f = pct(r.checked, r.required.max(r.drawn));
        let drawn_ok = r.drawn >= r.required;
        lines.push(Line::from(vec![
            Span::raw(format!(
                " {} {:>5} ",
                fit(&format!("{} {}", r.row, r.name), name_w, sym.ellipsis),
                r.required
            )),
            Span::styled(
                format!("{:>5}", r.drawn),
                if drawn_ok { theme.ok() } else { theme.error() },
            ),
            Span::raw(format!(" {:>5}  ", r.checked)),
            Span::styled(sym.bar(f, bar_w), theme.accent()),
            Span::raw(format!(" {:>3.0}%", f * 100.0)),
        ]));
    }
    gap(&mut lines);
    let j = &s.internal_joint;
    lines.push(Line::from(vec![
        Span::styled(
            format!(" {} ", lang.pick("内部联合", "Internal joint")),
            theme.bold(),
        ),
        Span::raw(format!(
            "{}/{} = {:.2}% ({}{}%) ",
            j.joint, j.total, j.percent, app.cfg.symbols.at_least, j.min_percent
        )),
        Span::styled(
            sym.mark(j.met).to_string(),
            if j.met { theme.ok() } else { theme.error() },
        ),
        Span::raw(format!(
            "  {} {}, {} {}",
            lang.pick("合并", "merged"),
            j.merged,
            lang.pick("抽签", "by lot"),
            j.designated
        )),
    ]));
    let x = &s.inter_department;
    lines.push(Line::from(vec![
        Span::styled(
            format!(" {} ", lang.pick("部门联合", "Inter-department")),
            theme.bold(),
        ),
        Span::raw(match lang {
            Lang::Zh => format!(
                "{} 次 / 要求 {} {} 部门 {} / 要求 {} ",
                x.draws, x.required_draws, sym.separator, x.departments, x.required_departments
            ),
            Lang::En => format!(
                "{} draws / {} required {} {} departments / {} ",
                x.draws, x.required_draws, sym.separator, x.departments, x.required_departments
            ),
        }),
        Span::styled(
            sym.mark(x.met).to_string(),
            if x.met { theme.ok() } else { theme.error() },
        ),
    ]));
    gap(&mut lines);
    let p = &s.publication;
    lines.push(Line::from(vec![
        Span::styled(
            format!(" {} ", lang.pick("结果公示", "Publication")),
            theme.bold(),
        ),
        Span::raw(match lang {
            Lang::Zh => format!(
                "按期 {} {s} 逾期公示 {} {s} 待公示 {} {s} 不予公示 {} {s} ",
                p.on_time,
                p.late,
                p.pending,
                p.exempt,
                s = sym.separator
            ),
            Lang::En => format!(
                "on time {} {s} late {} {s} pending {} {s} exempt {} {s} ",
                p.on_time,
                p.late,
                p.pending,
                p.exempt,
                s = sym.separator
            ),
        }),
        Span::styled(
            format!(
                "{} {}{}",
                lang.pick("逾期未公示", "overdue"),
                p.overdue,
                if p.overdue > 0 { sym.warning } else { "" }
            ),
            if p.overdue > 0 {
                theme.overdue()
            } else {
                theme.ok()
            },
        ),
    ]));
    let v = &s.violations;
    lines.push(Line::from(vec![
        Span::styled(
            format!(" {} ", lang.pick("发现问题", "Violations")),
            theme.bold(),
        ),
        Span::raw(match lang {
            Lang::Zh => format!(
                "发现 {} {s} 移交执法 {} {s} 已整改 {} {s} 立案 {} {s} 移送司法 {}",
                v.found,
                v.handed,
                v.rectified,
                v.filed,
                v.transferred,
                s = sym.separator
            ),
            Lang::En => format!(
                "found {} {s} handed over {} {s} rectified {} {s} filed {} {s} to judiciary {}",
                v.found,
                v.handed,
                v.rectified,
                v.filed,
                v.transferred,
                s = sym.separator
            ),
        }),
    ]));
    // Rectifications past their due date (issue 19): shown when there is one.
    if !d.rectifications.is_empty() {
        let ids: Vec<String> = d
            .rectifications
            .iter()
            .take(6)
            .map(|o| format!("#{}", o.task))
            .collect();
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {} ", lang.pick("整改逾期", "Overdue rectifications")),
                theme.bold(),
            ),
            Span::styled(
                format!(
                    "{} {}（{}）",
                    d.rectifications.len(),
                    sym.warning,
                    ids.join(" ")
                ),
                theme.error(),
            ),
        ]));
    }
    // Every attempt on record (issue 13): shown when the period has one.
    if !s.attempts.is_empty() {
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {} ", lang.pick("抽取记录", "Attempts")),
                theme.bold(),
            ),
            Span::styled(
                attempts_text(&s.attempts, lang, sym.separator),
                theme.error(),
            ),
        ]));
    }
    gap(&mut lines);
    // The inspectors, most assigned first.
    let mut prog: Vec<_> = d.progress.iter().filter(|p| p.assigned > 0).collect();
    prog.sort_by(|a, b| {
        b.assigned
            .cmp(&a.assigned)
            .then(a.inspector.cmp(&b.inspector))
    });
    if !prog.is_empty() {
        let mut spans = vec![Span::styled(
            format!(" {} ", lang.pick("检查人员进度", "Inspectors")),
            theme.bold(),
        )];
        let mut used = width(&spans[0].content);
        for p in prog {
            let item = format!(
                "{} {} {}/{}  ",
                p.name,
                sym.bar(pct(p.checked, p.assigned), 4),
                p.checked,
                p.assigned
            );
            if used + width(&item) > cols {
                if !big {
                    spans.push(Span::raw(sym.ellipsis));
                    break;
                }
                // Presentation: every inspector, on as many lines as it takes.
                let indent = width(lang.pick("检查人员进度", "Inspectors")) + 2;
                lines.push(Line::from(std::mem::take(&mut spans)));
                spans.push(Span::raw(" ".repeat(indent)));
                used = indent;
            }
            used += width(&item);
            spans.push(Span::raw(item));
        }
        lines.push(Line::from(spans));
    }
    lines
        .into_iter()
        .map(|l| {
            let w: usize = l.spans.iter().map(|s| width(&s.content)).sum();
            if w <= cols {
                return l;
            }
            // Cut span by span.
            let mut left = cols;
            let mut spans = Vec::new();
            for s in l.spans {
                if left == 0 {
                    break;
                }
                let c = cut(&s.content, left, sym.ellipsis);
                left = left.saturating_sub(width(&c));
                spans.push(Span::styled(c, s.style));
            }
            Line::from(spans)
        })
        .collect()
}

/// The dashboard tab (presentation mode is views/presentation.rs, which reuses [`body_lines`]).
pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, theme: Theme) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let cols = usize::from(area.width);
    let period = app.figures.period;
    let left = format!(
        " {} {} {}",
        lang.pick("总览", "Dashboard"),
        sym.separator,
        period.label(lang)
    );
    let right = format!(
        "{}{} {} ",
        sym.arrow_left,
        sym.arrow_right,
        lang.pick("切换期间  F11 演示模式", "period  F11 presentation")
    );
    let pad = cols.saturating_sub(width(&left) + width(&right));
    let mut lines = vec![Line::from(vec![
        Span::styled(left, theme.bold()),
        Span::raw(" ".repeat(pad)),
        Span::styled(right, theme.dim()),
    ])];
    match (&app.figures.data, &app.figures.error) {
        (_, Some(e)) => lines.push(Line::from(Span::styled(
            cut(&format!(" {} {e}", sym.cross), cols, sym.ellipsis),
            theme.error(),
        ))),
        (Some(d), None) => lines.extend(body(app, d, theme, cols, false)),
        (None, None) => lines.push(Line::from(Span::styled(
            format!("{}{}", lang.pick(" 正在读取", " loading"), sym.ellipsis),
            theme.dim(),
        ))),
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// "作废 1（#1）· 放弃公告 1（#2）· 无法抽取 0": the period's attempts that did not stand.
fn attempts_text(a: &crate::office::attempts::AttemptFigures, lang: Lang, sep: &str) -> String {
    let part = |label: &str, items: &[crate::office::attempts::AttemptItem]| {
        let ids: Vec<String> = items.iter().map(|i| format!("#{}", i.number)).collect();
        if ids.is_empty() {
            format!("{label} 0")
        } else {
            format!("{label} {}（{}）", ids.len(), ids.join(" "))
        }
    };
    use crate::office::attempts::kind_label;
    [
        part(kind_label("voided", lang), &a.voided),
        part(kind_label("abandoned", lang), &a.abandoned),
        part(kind_label("infeasible", lang), &a.infeasible),
    ]
    .join(&format!(" {sep} "))
}
