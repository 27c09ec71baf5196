//! The plans tab (3 抽查计划): the annual plan table, its columns collapsing from the right
//! on a narrow terminal, and the detail of the selected plan.

use super::{column_widths, cut, row_text, width, Theme};
use crate::domain::plan::Plan;
use crate::i18n::Lang;
use crate::tui::state::{AppState, Ctx};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Column titles (zh, en) and `(preferred, minimum)` widths; column 1 (the name) flexes.
const COLUMNS: [(&str, &str, usize, usize); 11] = [
    ("序号", "No.", 4, 4),
    ("抽查计划名称", "Plan", 30, 14),
    ("检查类别", "Category", 16, 8),
    ("抽查事项", "Item", 24, 8),
    ("检查对象", "Targets", 18, 8),
    ("事项类别", "Class", 8, 8),
    ("抽查方式", "Method", 8, 8),
    ("抽查日期", "Dates", 15, 10),
    ("范围", "Scope", 12, 4),
    ("专长", "Expertise", 8, 4),
    ("联合", "Joint", 8, 4),
];

/// The first row of a scrolled list that keeps `selected` visible in `height` rows.
pub fn offset_for(selected: usize, height: usize) -> usize {
    selected.saturating_sub(height.saturating_sub(1))
}

/// A table: a bold header line, then the visible rows, the selected one marked and reversed.
#[allow(clippy::too_many_arguments)]
pub fn table(
    frame: &mut Frame,
    area: Rect,
    app: &AppState,
    theme: Theme,
    header: &[String],
    widths: &[usize],
    rows: &[(Vec<String>, Style)],
    selected: Option<usize>,
) {
    if area.height == 0 {
        return;
    }
    let sym = &app.cfg.symbols;
    let mark_w = width(sym.highlight);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{}{}",
            " ".repeat(mark_w),
            row_text(header, widths, sym.ellipsis)
        ),
        theme.bold(),
    ))];
    let h = usize::from(area.height).saturating_sub(1);
    let offset = offset_for(selected.unwrap_or(0), h);
    for (i, (cells, style)) in rows.iter().enumerate().skip(offset).take(h) {
        let sel = selected == Some(i);
        let text = row_text(cells, widths, sym.ellipsis);
        if sel {
            lines.push(Line::from(vec![
                Span::styled(sym.highlight.to_string(), theme.accent()),
                Span::styled(text, theme.selected().patch(*style)),
            ]));
        } else {
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(mark_w)),
                Span::styled(text, *style),
            ]));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn cells(p: &Plan, lang: Lang) -> Vec<String> {
    vec![
        p.seq.to_string(),
        p.name.clone(),
        p.category.clone(),
        p.item.clone(),
        p.object.clone(),
        p.item_class.label(lang).to_string(),
        p.method.label(lang).to_string(),
        p.date_text.clone(),
        if p.is_directed() {
            p.scope.clone()
        } else {
            lang.pick("不定向", "undirected").to_string()
        },
        if p.required_expertise.is_empty() {
            "-".into()
        } else {
            p.required_expertise.join("、")
        },
        p.joint.label(lang),
    ]
}

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, ctx: &Ctx, theme: Theme) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let plans = &ctx.book.plans;
    if area.height < 3 {
        return;
    }
    let year = plans
        .first()
        .map(|p| p.year.to_string())
        .unwrap_or_default();
    let title = if plans.is_empty() {
        lang.pick(
            " 还没有抽查计划：按 i 导入年度计划表（CSV 或 XLSX）",
            " No plans yet: press i to import the annual plan table (CSV or XLSX)",
        )
        .to_string()
    } else {
        format!(
            " {}{year}{} {} {} {}",
            lang.pick("", "Plans "),
            lang.pick("年度抽查计划", ""),
            sym.separator,
            plans.len(),
            match lang {
                Lang::Zh => format!("项 {s} Enter 详情 {s} n 从所选计划抽取", s = sym.separator),
                Lang::En => format!(
                    "plans {s} Enter details {s} n draw from the selected plan",
                    s = sym.separator
                ),
            }
        )
    };
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(
            cut(&title, usize::from(area.width), sym.ellipsis),
            theme.bold(),
        ))),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let detail_h: u16 = if app.plans.detail {
        (area.height / 2)
            .clamp(5, 12)
            .min(area.height.saturating_sub(4))
    } else {
        0
    };
    let table_area = Rect::new(area.x, area.y + 1, area.width, area.height - 1 - detail_h);
    let cols = usize::from(area.width).saturating_sub(width(sym.highlight));
    // Below 120 columns the descriptive columns (category, item, targets, expertise) give way
    // to the name; the rest collapse from the right as needed.
    let shown: &[usize] = if cols >= 118 {
        &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    } else {
        &[0, 1, 5, 6, 7, 8, 10]
    };
    let specs: Vec<(usize, usize)> = shown
        .iter()
        .map(|&i| {
            let c = COLUMNS[i];
            if cols >= 118 {
                (c.2, c.3)
            } else {
                (c.2, c.2.min(c.3 + 4))
            }
        })
        .collect();
    let widths = column_widths(cols, &specs, 1);
    let header: Vec<String> = shown
        .iter()
        .map(|&i| lang.pick(COLUMNS[i].0, COLUMNS[i].1).to_string())
        .collect();
    let rows: Vec<(Vec<String>, Style)> = plans
        .iter()
        .map(|p| {
            let all = cells(p, lang);
            let cells = shown.iter().map(|&i| all[i].clone()).collect();
            (cells, Style::default())
        })
        .collect();
    let selected = (!plans.is_empty()).then_some(app.plans.selected.min(plans.len() - 1));
    table(
        frame, table_area, app, theme, &header, &widths, &rows, selected,
    );
    if detail_h > 0 {
        if let Some(p) = selected.and_then(|i| plans.get(i)) {
            let r = Rect::new(area.x, table_area.bottom(), area.width, detail_h);
            draw_detail(frame, r, app, ctx, p, theme);
        }
    }
}

fn draw_detail(frame: &mut Frame, area: Rect, app: &AppState, ctx: &Ctx, p: &Plan, theme: Theme) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let cols = usize::from(area.width);
    let rows = if p.rows.is_empty() {
        ctx.rules
            .applicable_rows()
            .map(|r| r.id.clone())
            .collect::<Vec<_>>()
            .join("、")
    } else {
        p.rows.join("、")
    };
    let ratio = p
        .chosen_ratio
        .map(|r| format!("{r}%"))
        .unwrap_or_else(|| lang.pick("按规则", "by the rules").to_string());
    let draws = ctx.book.draws.iter().filter(|d| d.plan == p.id);
    let drawn: Vec<String> = draws
        .map(|d| {
            if d.voided.is_some() {
                format!("{}({})", d.period, lang.pick("已作废", "void"))
            } else {
                d.period.clone()
            }
        })
        .collect();
    let kv = |k: &str, v: String| -> Line<'static> {
        Line::from(vec![
            Span::styled(format!(" {k}  "), theme.bold()),
            Span::raw(v),
        ])
    };
    let mut lines = vec![
        Line::from(Span::styled(sym.rule.repeat(cols), theme.dim())),
        kv(
            &format!("{} {}", lang.pick("计划", "Plan"), p.seq),
            p.name.clone(),
        ),
        kv(
            lang.pick("抽查事项", "Item"),
            format!("{} {} {}", p.item, sym.separator, p.category),
        ),
        kv(lang.pick("检查对象", "Targets"), p.object.clone()),
        kv(
            lang.pick("方式与日期", "Method, dates"),
            format!(
                "{} {} {} {} {}",
                p.item_class.label(lang),
                sym.separator,
                p.method.label(lang),
                sym.separator,
                p.date_text
            ),
        ),
        kv(
            lang.pick("范围", "Scope"),
            if p.is_directed() {
                format!("{} {}", lang.pick("定向", "directed"), p.scope)
            } else {
                lang.pick("不定向（全部对象）", "undirected (every target)")
                    .to_string()
            },
        ),
        kv(
            lang.pick("分层与比例", "Rows, ratio"),
            format!("{rows} {} {ratio}", sym.separator),
        ),
        kv(
            lang.pick("专长与联合", "Expertise, joint"),
            format!(
                "{} {} {}",
                if p.required_expertise.is_empty() {
                    "-".to_string()
                } else {
                    p.required_expertise.join("、")
                },
                sym.separator,
                p.joint.label(lang)
            ),
        ),
        kv(
            lang.pick("已抽取", "Drawn"),
            if drawn.is_empty() {
                "-".into()
            } else {
                drawn.join("、")
            },
        ),
    ];
    lines.truncate(usize::from(area.height));
    let lines: Vec<Line> = lines
        .into_iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            if width(&text) > cols {
                // Keep the label's style, cut the value.
                let mut spans = l.spans.clone();
                if let Some(last) = spans.last_mut() {
                    let label_w: usize = l.spans[..l.spans.len() - 1]
                        .iter()
                        .map(|s| width(&s.content))
                        .sum();
                    let v = cut(&last.content, cols.saturating_sub(label_w), sym.ellipsis);
                    *last = Span::styled(v, last.style);
                }
                Line::from(spans)
            } else {
                l
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}
