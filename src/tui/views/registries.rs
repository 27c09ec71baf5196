//! The registries tab: four tables (targets, inspectors, departments, recusal pairs), the
//! filter line and the detail pane. Only the visible rows are built.

use super::{column_widths, cut, fit, row_text, width, Theme};
use crate::i18n::Lang;
use crate::tui::state::{AppState, Ctx, Registry};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, ctx: &Ctx, theme: Theme) {
    if area.height < 3 {
        return;
    }
    let line0 = Rect::new(area.x, area.y, area.width, 1);
    let header = Rect::new(area.x, area.y + 1, area.width, 1);
    let list_h = app.list_height() as u16;
    let list = Rect::new(area.x, area.y + 2, area.width, list_h.min(area.height - 2));
    draw_registry_line(frame, line0, app, ctx, theme);
    draw_table(frame, header, list, app, ctx, theme);
    let dh = app.detail_height();
    if dh > 0 {
        let y = list.bottom();
        let detail = Rect::new(
            area.x,
            y,
            area.width,
            dh.min(area.bottom().saturating_sub(y)),
        );
        draw_detail(frame, detail, app, ctx, theme);
    }
}

fn draw_registry_line(frame: &mut Frame, area: Rect, app: &AppState, ctx: &Ctx, theme: Theme) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let cols = usize::from(area.width);
    let filter_shown = app.filtering || !app.list().filter.is_empty();
    // The filter box keeps its place while the shown registry's count narrows and widens as
    // the filter is typed: it is placed as if the count were at its widest (`N/N`).
    let mut reserve = 0;
    let mut tabs: Vec<(String, bool)> = Vec::new();
    for r in Registry::ALL {
        let l = &app.lists[r.index()];
        let total = r.len(ctx.data);
        let count = if l.applied.is_empty() {
            format!("{total}")
        } else {
            format!("{}/{total}", l.matches.len())
        };
        let selected = r == app.registry;
        if selected {
            reserve = width(&format!("{total}/{total}")).saturating_sub(width(&count));
        }
        let text = if selected {
            format!("[{} {count}]", r.label(lang))
        } else {
            format!(" {} {count} ", r.label(lang))
        };
        tabs.push((text, selected));
    }
    let all_w = 1 + tabs.iter().map(|(t, _)| width(t) + 1).sum::<usize>();
    // Too narrow for every registry and a usable filter box: the shown registry alone.
    if filter_shown && cols.saturating_sub(all_w + reserve + 2) < 16 {
        tabs.retain(|(_, selected)| *selected);
    }
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (text, selected) in tabs {
        used += width(&text) + 1;
        let style = if selected {
            theme.bold()
        } else {
            Style::default()
        };
        spans.push(Span::styled(text, style));
        spans.push(Span::raw(" "));
    }
    let l = app.list();
    if filter_shown {
        let room = cols.saturating_sub(used + reserve + 2);
        if room >= 6 {
            let box_w = room.min(24) as u16;
            let view = l.filter.view(box_w.saturating_sub(1));
            let pad = cols - used - usize::from(box_w) - 1;
            spans.push(Span::raw(" ".repeat(pad)));
            spans.push(Span::styled("/", theme.accent()));
            let shown = fit(
                &view.text,
                usize::from(box_w.saturating_sub(1)),
                sym.ellipsis,
            );
            spans.push(Span::styled(shown, theme.accent()));
            if app.filtering && app.overlay.is_none() {
                let x = area.x + (cols - usize::from(box_w)) as u16 + view.cursor_col;
                frame.set_cursor_position(Position::new(x.min(area.right() - 1), area.y));
            }
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Column specs `(preferred, minimum)` and which column flexes, for a registry at a width.
fn columns(r: Registry, cols: usize, lang: Lang) -> (Vec<(usize, usize)>, usize, Vec<usize>) {
    let status_w = match lang {
        Lang::Zh => 4,
        Lang::En => 9,
    };
    let wide = cols >= 120;
    // (spec, index into Registry::columns())
    let list: Vec<((usize, usize), usize)> = match r {
        Registry::Targets => {
            let mut v = vec![
                ((30, 10), 0),
                ((18, 10), 1),
                ((8, 6), 2),
                ((4, 3), 3),
                ((status_w, 4), 4),
            ];
            if wide {
                v.push(((22, 0), 5));
                v.push(((if lang == Lang::Zh { 8 } else { 12 }, 0), 6));
            }
            v
        }
        Registry::Inspectors => vec![
            ((10, 6), 0),
            ((18, 8), 1),
            ((18, 6), 2),
            ((12, 0), 3),
            ((10, 0), 4),
            ((status_w, 4), 5),
        ],
        Registry::Departments => vec![((8, 4), 0), ((30, 10), 1), ((10, 4), 2)],
        Registry::Conflicts => vec![((12, 6), 0), ((30, 10), 1), ((24, 0), 2)],
        Registry::Items => vec![((6, 5), 0), ((30, 12), 1), ((12, 0), 2), ((30, 0), 3)],
    };
    let flex = match r {
        Registry::Targets => 0,
        Registry::Inspectors => 2,
        Registry::Departments | Registry::Conflicts | Registry::Items => 1,
    };
    (
        list.iter().map(|x| x.0).collect(),
        flex,
        list.iter().map(|x| x.1).collect(),
    )
}

/// The cells of record `i`, in `Registry::columns()` order.
fn cells(r: Registry, i: usize, ctx: &Ctx, lang: Lang, wanted: &[usize]) -> Vec<String> {
    let d = ctx.data;
    let all: Vec<String> = match r {
        Registry::Targets => {
            let Some(t) = d.targets.get(i) else {
                return Vec::new();
            };
            // Classify only when the rule column is shown (a visible row, computed lazily).
            let rule = if wanted.contains(&3) {
                ctx.rules.obligation_text(t)
            } else {
                String::new()
            };
            vec![
                t.name().to_string(),
                t.credit_code.as_str().to_string(),
                t.region.to_string(),
                rule,
                t.status.label(lang).to_string(),
                t.industry.to_string(),
                t.permit_class.label(lang).to_string(),
            ]
        }
        Registry::Inspectors => {
            let Some(p) = d.inspectors.get(i) else {
                return Vec::new();
            };
            vec![
                p.name.clone(),
                p.certificate_no.clone(),
                d.department_name(&p.department),
                p.post.clone(),
                p.certificate_valid_until
                    .map(|x| x.to_string())
                    .unwrap_or_else(|| "-".into()),
                p.status.label(lang).to_string(),
            ]
        }
        Registry::Departments => {
            let Some(x) = d.departments.get(i) else {
                return Vec::new();
            };
            vec![
                x.code.clone(),
                x.name.clone(),
                x.kind.label(lang).to_string(),
            ]
        }
        Registry::Conflicts => {
            let Some(c) = d.conflicts.get(i) else {
                return Vec::new();
            };
            vec![
                d.inspector(c.inspector)
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| c.inspector.to_string()),
                d.target(c.target)
                    .map(|t| t.name().to_string())
                    .unwrap_or_else(|| c.target.to_string()),
                c.reason.clone(),
            ]
        }
        Registry::Items => {
            let Some(x) = d.items.get(i) else {
                return Vec::new();
            };
            vec![
                x.code.clone(),
                x.name.clone(),
                x.class.label(lang).to_string(),
                x.basis.clone(),
            ]
        }
    };
    wanted
        .iter()
        .map(|&k| all.get(k).cloned().unwrap_or_default())
        .collect()
}

fn draw_table(
    frame: &mut Frame,
    header: Rect,
    list: Rect,
    app: &AppState,
    ctx: &Ctx,
    theme: Theme,
) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let r = app.registry;
    let l = app.list();
    let marker_w = width(sym.highlight);
    let cols = usize::from(header.width).saturating_sub(marker_w);
    let (spec, flex, which) = columns(r, usize::from(header.width), lang);
    let widths = column_widths(cols, &spec, flex);
    let titles: Vec<String> = which
        .iter()
        .map(|&k| {
            let (zh, en) = r.columns()[k];
            let mut t = lang.pick(zh, en).to_string();
            if l.sort_col == Some(k) {
                t.push_str(if l.sort_rev {
                    sym.sort_descending
                } else {
                    sym.sort_ascending
                });
            }
            t
        })
        .collect();
    let head = format!(
        "{}{}",
        " ".repeat(marker_w),
        row_text(&titles, &widths, sym.ellipsis)
    );
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(head, theme.bold()))),
        header,
    );
    if l.matches.is_empty() {
        let msg = if l.applied.is_empty() {
            lang.pick("（名录为空，按 i 导入）", "(empty; press i to import)")
        } else {
            lang.pick("（没有匹配的记录）", "(no matching records)")
        };
        frame.render_widget(
            Paragraph::new(format!("{}{msg}", " ".repeat(marker_w))),
            list,
        );
        return;
    }
    let height = usize::from(list.height);
    let offset = l.offset.min(l.matches.len().saturating_sub(1));
    let mut lines = Vec::with_capacity(height);
    for (pos, &i) in l.matches.iter().enumerate().skip(offset).take(height) {
        let c = cells(r, i as usize, ctx, lang, &which);
        let text = row_text(&c, &widths, sym.ellipsis);
        let selected = pos == l.selected;
        let marker = if selected {
            sym.highlight.to_string()
        } else {
            " ".repeat(marker_w)
        };
        let style = if selected {
            theme.selected()
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(marker, theme.accent()),
            Span::styled(text, style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), list);
}

/// The detail lines of the selected record.
pub fn detail_lines(app: &AppState, ctx: &Ctx) -> Vec<String> {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let d = ctx.data;
    let Some(i) = app.list().selected_index() else {
        return vec![lang.pick("（未选中记录）", "(nothing selected)").into()];
    };
    let mut out = Vec::new();
    let history_line = |date: &chrono::NaiveDate, label: &str, reason: &str, by: &str| {
        format!("  {date} {label} {} {reason} ({by})", sym.separator)
    };
    match app.registry {
        Registry::Targets => {
            let Some(t) = d.targets.get(i) else {
                return out;
            };
            out.push(format!(
                "{} {} {} {} {}",
                t.name(),
                sym.separator,
                t.credit_code,
                sym.separator,
                t.address()
            ));
            out.extend(ctx.rules.explain(t, lang).lines().map(str::to_string));
            let lists: Vec<&str> = t
                .lists
                .entries()
                .iter()
                .filter(|e| e.3)
                .map(|e| lang.pick(e.1, e.2))
                .collect();
            out.push(format!(
                "{}{}",
                lang.pick("监管名单：", "Lists: "),
                if lists.is_empty() {
                    lang.pick("无", "none").to_string()
                } else {
                    lists.join(lang.pick("、", ", "))
                }
            ));
            out.push(format!(
                "{} {}  {} {}  {} {}  {} {} {}",
                lang.pick("在线监控", "Online"),
                sym.mark(t.online_monitoring),
                lang.pick("视频监控", "Video"),
                sym.mark(t.video_monitoring),
                lang.pick("正面清单", "Positive list"),
                sym.mark(t.positive_list),
                sym.separator,
                lang.pick("管理类别", "Permit"),
                t.permit_class.label(lang)
            ));
            let rec: Vec<String> = d
                .conflicts
                .iter()
                .filter(|c| c.target == t.id)
                .map(|c| {
                    d.inspector(c.inspector)
                        .map(|p| p.name.clone())
                        .unwrap_or_else(|| c.inspector.to_string())
                })
                .collect();
            out.push(format!(
                "{}{}",
                lang.pick("回避：", "Recusals: "),
                if rec.is_empty() {
                    lang.pick("无", "none").to_string()
                } else {
                    format!(
                        "{} {} ({})",
                        rec.len(),
                        lang.pick("人", "inspector(s)"),
                        rec.join(", ")
                    )
                }
            ));
            out.push(format!(
                "{}{}",
                status_history_title(lang, sym.arrow_right),
                t.status.label(lang)
            ));
            for c in t.status_history.iter().rev() {
                out.push(history_line(
                    &c.effective,
                    c.status.label(lang),
                    &c.reason,
                    &c.by,
                ));
            }
        }
        Registry::Inspectors => {
            let Some(p) = d.inspectors.get(i) else {
                return out;
            };
            out.push(format!(
                "{} {} {} {} {}",
                p.name,
                sym.separator,
                d.department_name(&p.department),
                sym.separator,
                p.post
            ));
            out.push(format!(
                "{}{}  {}{}",
                lang.pick("执法证号：", "Certificate: "),
                p.certificate_no,
                lang.pick("有效期至：", "valid until: "),
                p.certificate_valid_until
                    .map(|x| x.to_string())
                    .unwrap_or_else(|| lang.pick("无执法证", "no certificate").into())
            ));
            out.push(format!(
                "{}{}  {}{}",
                lang.pick("工作年限：", "Years of work: "),
                p.years_of_work,
                lang.pick("专长：", "expertise: "),
                p.expertise.join(", ")
            ));
            let rec: Vec<String> = d
                .conflicts
                .iter()
                .filter(|c| c.inspector == p.id)
                .map(|c| {
                    d.target(c.target)
                        .map(|t| t.name().to_string())
                        .unwrap_or_else(|| c.target.to_string())
                })
                .collect();
            out.push(format!(
                "{}{}",
                lang.pick("回避对象：", "Recused from: "),
                if rec.is_empty() {
                    lang.pick("无", "none").to_string()
                } else {
                    rec.join(", ")
                }
            ));
            out.push(format!(
                "{}{}",
                status_history_title(lang, sym.arrow_right),
                p.status.label(lang)
            ));
            for c in p.status_history.iter().rev() {
                out.push(history_line(
                    &c.effective,
                    c.status.label(lang),
                    &c.reason,
                    &c.by,
                ));
            }
        }
        Registry::Departments => {
            if let Some(x) = d.departments.get(i) {
                let n = d
                    .inspectors
                    .iter()
                    .filter(|p| p.department == x.code)
                    .count();
                out.push(format!("{} {} {}", x.code, sym.separator, x.name));
                out.push(format!(
                    "{}{}  {}{n}",
                    lang.pick("类型：", "Kind: "),
                    x.kind.label(lang),
                    lang.pick("检查人员：", "inspectors: ")
                ));
            }
        }
        Registry::Conflicts => {
            if let Some(c) = d.conflicts.get(i) {
                let p = d.inspector(c.inspector);
                let t = d.target(c.target);
                out.push(format!(
                    "{} {} {}",
                    p.map(|p| p.name.as_str()).unwrap_or("?"),
                    sym.arrow_right,
                    t.map(|t| t.name()).unwrap_or("?")
                ));
                out.push(format!("{}{}", lang.pick("事由：", "Reason: "), c.reason));
            }
        }
        Registry::Items => {
            if let Some(x) = d.items.get(i) {
                out.push(format!("{} {} {}", x.code, sym.separator, x.name));
                out.push(format!(
                    "{}{}  {}{}  {}{}",
                    lang.pick("检查类别：", "Category: "),
                    x.category,
                    lang.pick("事项类别：", "Class: "),
                    x.class.label(lang),
                    lang.pick("抽查方式：", "Method: "),
                    x.method.label(lang)
                ));
                out.push(format!("{}{}", lang.pick("检查依据：", "Basis: "), x.basis));
                out.push(format!(
                    "{}{}  {}{}",
                    lang.pick("检查主体：", "Authority: "),
                    x.authority,
                    lang.pick("检查对象：", "Targets: "),
                    x.object
                ));
            }
        }
    }
    out
}

fn draw_detail(frame: &mut Frame, area: Rect, app: &AppState, ctx: &Ctx, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let sym = &app.cfg.symbols;
    let cols = usize::from(area.width);
    let mut lines = vec![Line::from(Span::styled(
        sym.rule.repeat(cols / width(sym.rule).max(1)),
        theme.dim(),
    ))];
    for (n, text) in detail_lines(app, ctx).into_iter().enumerate() {
        let style = if n == 0 {
            theme.bold()
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(
            format!(" {}", cut(&text, cols.saturating_sub(1), sym.ellipsis)),
            style,
        )));
    }
    lines.truncate(usize::from(area.height));
    frame.render_widget(Paragraph::new(lines), area);
}

/// `状态变更（新→旧）：` with the session's arrow.
fn status_history_title(lang: Lang, arrow: &str) -> String {
    match lang {
        Lang::Zh => format!("状态变更（新{arrow}旧）："),
        Lang::En => "Status history (newest first): ".to_string(),
    }
}
