//! The draws tab (4 抽取): the draw wizard, and below it the past draws with their state.
//!
//! The preview shows pools, quotas, the internal joint ratio and the inspectors; it never
//! shows the picks, which exist only after the typed confirmation. A refusal of the office
//! (an infeasible draw) is shown in place of the preview, before anything is drawn.

use super::plans::{offset_for, table};
use super::task_table::{line, task_table};
use super::{column_widths, cut, fit, width, Theme};
use crate::draw::engine::ratio_text;
use crate::i18n::Lang;
use crate::office::DrawPreview;
use crate::tui::state::{confirm_text, AppState, Ctx, DrawResult, Wizard, WizardStep};
use crate::tui::text_input::TextInput;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, ctx: &Ctx, theme: Theme) {
    if area.height < 4 {
        return;
    }
    match &app.wizard {
        Some(w) => {
            let used = draw_wizard(frame, area, app, ctx, w, theme);
            let rest = area.height.saturating_sub(used);
            if rest >= 4
                && matches!(
                    w.step,
                    WizardStep::Plan | WizardStep::Period | WizardStep::Scope
                )
            {
                let r = Rect::new(area.x, area.y + used, area.width, rest);
                draw_past(frame, r, app, ctx, theme, false);
            }
        }
        None => match &app.past_draw {
            Some(p) => super::opened::draw_past_draw(frame, area, app, ctx, p, theme),
            None => draw_past(frame, area, app, ctx, theme, true),
        },
    }
}

/// The past draws, newest first: id, plan, period, date, tasks, operator, state.
fn draw_past(frame: &mut Frame, area: Rect, app: &AppState, ctx: &Ctx, theme: Theme, focus: bool) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let cols = usize::from(area.width);
    let draws = &ctx.book.draws;
    let title = format!(
        " {} {} {}{}",
        lang.pick("已完成的抽取", "Past draws"),
        draws.len(),
        sym.separator,
        match lang {
            Lang::Zh => format!(
                " 回车 查看 {0} n 新建抽取 {0} v 作废所选（须说明原因）",
                sym.separator
            ),
            Lang::En => format!(
                " Enter open {0} n new draw {0} v void the selected (with a reason)",
                sym.separator
            ),
        }
    );
    frame.render_widget(
        Paragraph::new(line(title, theme.bold(), cols, app)),
        Rect::new(area.x, area.y, area.width, 1),
    );
    let header: Vec<String> = [
        ("编号", "No."),
        ("抽查计划", "Plan"),
        ("期间", "Period"),
        ("抽取日期", "Date"),
        ("任务", "Tasks"),
        ("操作人", "By"),
        ("状态", "State"),
    ]
    .iter()
    .map(|c| lang.pick(c.0, c.1).to_string())
    .collect();
    let specs = [(4, 3), (24, 10), (6, 6), (10, 10), (4, 4), (8, 0), (24, 6)];
    let widths = column_widths(cols.saturating_sub(width(sym.highlight)), &specs, 1);
    let rows: Vec<(Vec<String>, Style)> = draws
        .iter()
        .rev()
        .map(|d| {
            let (state, style) = match &d.voided {
                None => (lang.pick("有效", "valid").to_string(), Style::default()),
                Some(v) => (
                    format!("{}{}", lang.pick("已作废：", "void: "), v.reason),
                    theme.dim(),
                ),
            };
            (
                vec![
                    format!("#{}", d.id),
                    d.plan_name.clone(),
                    d.period.clone(),
                    d.date.to_string(),
                    d.tasks.len().to_string(),
                    d.operator.clone(),
                    state,
                ],
                style,
            )
        })
        .collect();
    let t = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    if rows.is_empty() {
        frame.render_widget(
            Paragraph::new(line(
                format!("  {}", lang.pick("还没有抽取记录", "no draws yet")),
                theme.dim(),
                cols,
                app,
            )),
            t,
        );
        return;
    }
    let selected = focus.then_some(app.draws.selected.min(rows.len() - 1));
    table(frame, t, app, theme, &header, &widths, &rows, selected);
}

/// The breadcrumb: 抽取 › 计划 3 名称 › 2022Q3 › 不定向 › 预览.
fn breadcrumb(app: &AppState, w: &Wizard) -> String {
    let lang = app.lang();
    let b = app.cfg.symbols.breadcrumb;
    let mut parts = vec![lang.pick("抽取", "Draw").to_string()];
    let at = |s: WizardStep| WizardStep::ORDER.iter().position(|x| *x == s).unwrap_or(0);
    let step = at(w.step);
    if step > at(WizardStep::Plan) {
        parts.push(format!(
            "{} {} {}",
            lang.pick("计划", "plan"),
            w.plan,
            w.plan_name
        ));
    }
    if step > at(WizardStep::Period) {
        parts.push(w.period.text().to_string());
    }
    if step > at(WizardStep::Scope) {
        parts.push(if w.scope.text().trim().is_empty() {
            lang.pick("不定向", "undirected").to_string()
        } else {
            w.scope.text().trim().to_string()
        });
    }
    parts.push(w.step.label(lang).to_string());
    format!(" {}", parts.join(&format!(" {b} ")))
}

/// Draws the wizard; returns the rows used.
fn draw_wizard(
    frame: &mut Frame,
    area: Rect,
    app: &AppState,
    ctx: &Ctx,
    w: &Wizard,
    theme: Theme,
) -> u16 {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let cols = usize::from(area.width);
    let mut lines: Vec<Line> = vec![line(breadcrumb(app, w), theme.bold(), cols, app)];
    let mut cursor: Option<(u16, u16)> = None;
    let error = |lines: &mut Vec<Line>, e: &str| {
        for l in
            super::super::state::wrap_lines(&[format!("{} {e}", sym.cross)], cols.saturating_sub(2))
        {
            lines.push(Line::from(Span::styled(format!(" {l}"), theme.error())));
        }
    };
    // A labelled input on its own line; the cursor goes there when it is the current step.
    let input_line = |lines: &mut Vec<Line>,
                      cursor: &mut Option<(u16, u16)>,
                      label: &str,
                      input: &TextInput,
                      active: bool| {
        let lw = width(label) + 2;
        let iw = cols.saturating_sub(lw + 1).max(4);
        let view = input.view(iw as u16);
        if active {
            *cursor = Some(((lw as u16) + view.cursor_col, lines.len() as u16));
        }
        lines.push(Line::from(vec![
            Span::styled(format!(" {label} "), theme.bold()),
            Span::styled(
                fit(&view.text, iw, sym.ellipsis),
                if active {
                    theme.accent()
                } else {
                    Style::default()
                },
            ),
        ]));
    };
    match w.step {
        WizardStep::Plan => {
            lines.push(line(
                lang.pick(
                    " 选择抽查计划（上下移动，回车下一步，Esc 退出）",
                    " Choose a plan (up/down, Enter next, Esc leave)",
                )
                .to_string(),
                theme.dim(),
                cols,
                app,
            ));
            let plans = &ctx.book.plans;
            let h = usize::from(area.height.saturating_sub(2))
                .min(plans.len())
                .min(10);
            let off = offset_for(w.plan_sel, h);
            for (i, p) in plans.iter().enumerate().skip(off).take(h) {
                let sel = i == w.plan_sel;
                let text = format!(
                    "{:>2} {} {} {} {}",
                    p.seq,
                    p.name,
                    sym.separator,
                    if p.is_directed() {
                        p.scope.clone()
                    } else {
                        lang.pick("不定向", "undirected").to_string()
                    },
                    p.joint.label(lang)
                );
                let mark = if sel {
                    sym.highlight.to_string()
                } else {
                    " ".repeat(width(sym.highlight))
                };
                let text = fit(&text, cols.saturating_sub(width(&mark)), sym.ellipsis);
                lines.push(Line::from(vec![
                    Span::styled(mark, theme.accent()),
                    Span::styled(
                        text,
                        if sel {
                            theme.selected()
                        } else {
                            Style::default()
                        },
                    ),
                ]));
            }
        }
        WizardStep::Period => {
            input_line(
                &mut lines,
                &mut cursor,
                lang.pick("抽查期间", "Period"),
                &w.period,
                true,
            );
            match &w.error {
                Some(e) => error(&mut lines, e),
                None => lines.push(line(
                    lang.pick(
                        "   如 2022Q3（季度）、2022H2（半年）、2022（全年）",
                        "   e.g. 2022Q3 (quarter), 2022H2 (half year), 2022 (year)",
                    )
                    .into(),
                    theme.dim(),
                    cols,
                    app,
                )),
            }
        }
        WizardStep::Scope => {
            input_line(
                &mut lines,
                &mut cursor,
                lang.pick("抽查范围", "Scope"),
                &w.scope,
                true,
            );
            match &w.error {
                Some(e) => error(&mut lines, e),
                None => lines.push(line(
                    lang.pick(
                        "   留空为不定向抽查；定向如：乡镇=狗街镇；管理类别=重点管理",
                        "   empty: undirected; directed e.g. region=狗街镇; permit=重点管理",
                    )
                    .into(),
                    theme.dim(),
                    cols,
                    app,
                )),
            }
        }
        WizardStep::Preview | WizardStep::Witness | WizardStep::Confirm => {
            match (&w.preview, &w.refusal) {
                (_, Some(refusal)) => {
                    lines.push(line(
                        format!(
                            " {} {}",
                            sym.warning,
                            lang.pick(
                                "无法抽取（未抽取任何对象，未写入任何记录）：",
                                "This draw cannot be made (nothing drawn, nothing written):"
                            )
                        ),
                        theme.error(),
                        cols,
                        app,
                    ));
                    error(&mut lines, refusal);
                    lines.push(line(
                        lang.pick(
                            " Esc 返回修改范围或期间",
                            " Esc to go back and change the scope or period",
                        )
                        .into(),
                        theme.dim(),
                        cols,
                        app,
                    ));
                }
                (Some(p), None) => {
                    preview_lines(&mut lines, app, ctx, p, theme, cols);
                    if let Some(a) = &w.announcement {
                        lines.push(line(
                            format!(
                                " {} #{} {} {}",
                                lang.pick("公告", "announcement"),
                                a.announcement,
                                lang.pick("承诺", "commitment"),
                                a.commitment
                            ),
                            theme.dim(),
                            cols,
                            app,
                        ));
                    }
                    input_line(
                        &mut lines,
                        &mut cursor,
                        lang.pick("见证号码", "Witness"),
                        &w.witness,
                        w.step == WizardStep::Witness,
                    );
                    if w.step == WizardStep::Confirm {
                        input_line(
                            &mut lines,
                            &mut cursor,
                            &format!(
                                "{}「{}」{}",
                                lang.pick("输入", "Type"),
                                confirm_text(lang),
                                lang.pick("后回车", ", then Enter:")
                            ),
                            &w.confirm,
                            true,
                        );
                    }
                    match &w.error {
                        Some(e) => error(&mut lines, e),
                        None => lines.push(line(
                            match w.step {
                                WizardStep::Preview => lang.pick(
                                    " 回车继续（公告）；抽取结果不可重抽，只能作废并记录原因",
                                    " Enter to go on (announce); a draw is never redone, only voided with a reason",
                                ),
                                WizardStep::Witness => lang.pick(
                                    " 见证号码（如当天彩票开奖号）参与生成种子；回车继续",
                                    " the witness (e.g. a public lottery number) enters the seed; Enter to go on",
                                ),
                                _ => lang.pick(
                                    " 抽取结果不可重抽，只能作废并记录原因；Esc 返回",
                                    " a draw is never redone, only voided with a reason; Esc to go back",
                                ),
                            }
                            .to_string(),
                            theme.dim(),
                            cols,
                            app,
                        )),
                    }
                }
                (None, None) => lines.push(line(
                    format!(
                        "{}{}",
                        lang.pick(" 正在计算预览", " computing the preview"),
                        app.cfg.symbols.ellipsis
                    ),
                    theme.dim(),
                    cols,
                    app,
                )),
            }
        }
        WizardStep::Announce => match &w.announcement {
            None => {
                if let Some(p) = &w.preview {
                    preview_lines(&mut lines, app, ctx, p, theme, cols);
                }
                input_line(
                    &mut lines,
                    &mut cursor,
                    lang.pick("见证号码来源", "Witness source"),
                    &w.source,
                    true,
                );
                match &w.error {
                    Some(e) => error(&mut lines, e),
                    None => {
                        for l in [
                            lang.pick(
                                " 写明事先公布的公开来源，如“福彩3D 2022年第185期开奖号码”；空：一次完成",
                                " name the public source in advance, e.g. a lottery draw; empty: one sitting",
                            ),
                            lang.pick(
                                " 回车公告：冻结抽取输入，封存随机数，公布其 SHA-256 承诺",
                                " Enter to announce: the input frozen, the entropy sealed, its SHA-256 published",
                            ),
                        ] {
                            lines.push(line(l.into(), theme.dim(), cols, app));
                        }
                    }
                }
            }
            Some(a) => {
                let kv = |k: &str, v: &str| -> Line<'static> {
                    line(format!(" {k}  {v}"), Style::default(), cols, app)
                };
                lines.push(line(
                    format!(
                        " {} #{} · {} · {}",
                        lang.pick("抽取公告", "Draw announcement"),
                        a.announcement,
                        a.plan_name,
                        a.period
                    ),
                    theme.bold(),
                    cols,
                    app,
                ));
                lines.push(kv(
                    lang.pick("抽取日期", "Draw date"),
                    &a.date.map(|d| d.to_string()).unwrap_or_default(),
                ));
                lines.push(kv(
                    lang.pick("抽取总数", "Tasks"),
                    &format!(
                        "{} · {} {}",
                        a.total,
                        lang.pick("内部联合", "internal joint"),
                        a.internal_joint
                    ),
                ));
                lines.push(kv(lang.pick("输入哈希", "Input hash"), &a.input_hash));
                lines.push(kv(
                    lang.pick("承诺 SHA-256(随机数)", "Commitment SHA-256(entropy)"),
                    "",
                ));
                lines.push(line(
                    format!("   {}", a.commitment),
                    theme.accent(),
                    cols,
                    app,
                ));
                lines.push(kv(lang.pick("见证号码来源", "Witness source"), &a.source));
                lines.push(line(
                    lang.pick(
                        " 抽取输入已冻结，随机数已封存；名录此后的变动不影响本次抽取",
                        " the input is frozen and the entropy sealed; later registry changes do not affect this draw",
                    )
                    .into(),
                    theme.dim(),
                    cols,
                    app,
                ));
                lines.push(line(
                    lang.pick(
                        " 请公布或张贴本公告；见证号码公布后回车填写",
                        " publish or pin up this announcement; Enter once the witness is public",
                    )
                    .into(),
                    theme.dim(),
                    cols,
                    app,
                ));
            }
        },
        WizardStep::Result => {
            if let Some(r) = &w.result {
                result_lines(&mut lines, app, r, theme, cols, usize::from(area.height));
            }
        }
    }
    let used = (lines.len() as u16).min(area.height);
    lines.truncate(usize::from(used));
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(area.x, area.y, area.width, used),
    );
    if app.overlay.is_none() {
        if let Some((x, y)) = cursor {
            if y < used {
                frame.set_cursor_position(Position::new(
                    (area.x + x).min(area.right().saturating_sub(1)),
                    area.y + y,
                ));
            }
        }
    }
    used
}

fn preview_lines(
    lines: &mut Vec<Line<'static>>,
    app: &AppState,
    ctx: &Ctx,
    p: &DrawPreview,
    theme: Theme,
    cols: usize,
) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let header: Vec<String> = [
        ("分层", "Stratum"),
        ("依据", "Ratio"),
        ("对象", "Targets"),
        ("排除", "Excl."),
        ("已抽", "Drawn"),
        ("可抽", "Pool"),
        ("应抽", "Quota"),
    ]
    .iter()
    .map(|c| lang.pick(c.0, c.1).to_string())
    .collect();
    let specs = [(16, 8), (16, 8), (5, 4), (5, 4), (5, 4), (5, 4), (5, 4)];
    let widths = column_widths(cols.saturating_sub(1), &specs, 0);
    let right = |s: String, w: usize| format!("{}{s}", " ".repeat(w.saturating_sub(width(&s))));
    let row = |cells: Vec<String>| -> String {
        let mut out = String::from(" ");
        let mut first = true;
        for (i, (c, &w)) in cells.iter().zip(&widths).enumerate() {
            if w == 0 {
                continue;
            }
            if !first {
                out.push(' ');
            }
            first = false;
            if i >= 2 {
                out.push_str(&right(cut(c, w, sym.ellipsis), w));
            } else {
                out.push_str(&fit(c, w, sym.ellipsis));
            }
        }
        out
    };
    lines.push(Line::from(Span::styled(row(header), theme.bold())));
    for s in &p.strata {
        lines.push(Line::from(row(vec![
            format!("{} {}", s.row, s.name),
            s.ratio.clone(),
            s.targets.to_string(),
            s.excluded.to_string(),
            s.already.to_string(),
            s.pool.to_string(),
            s.quota.to_string(),
        ])));
    }
    lines.push(Line::from(Span::styled(
        row(vec![
            lang.pick("合计", "Total").to_string(),
            String::new(),
            p.strata
                .iter()
                .map(|s| s.targets)
                .sum::<usize>()
                .to_string(),
            p.strata
                .iter()
                .map(|s| s.excluded)
                .sum::<usize>()
                .to_string(),
            p.strata
                .iter()
                .map(|s| s.already)
                .sum::<usize>()
                .to_string(),
            p.strata.iter().map(|s| s.pool).sum::<usize>().to_string(),
            p.total.to_string(),
        ]),
        theme.bold(),
    )));
    let min = ctx.rules.settings().internal_joint_min_percent;
    let (j, t) = p.year_after;
    let met = t == 0 || j * 100 >= (min as usize) * t;
    lines.push(Line::from(vec![
        Span::styled(
            format!(" {} ", lang.pick("内部联合", "Internal joint")),
            theme.bold(),
        ),
        Span::raw(cut(
            &format!(
                "{} {} {} {} {} {} {} {min}% ",
                lang.pick("本年", "year"),
                ratio_text(p.year_before.0, p.year_before.1),
                lang.pick("本次需", "needed now"),
                p.internal_joint,
                lang.pick("抽后", "after"),
                ratio_text(j, t),
                sym.at_least,
            ),
            cols.saturating_sub(14),
            sym.ellipsis,
        )),
        Span::styled(
            sym.mark(met).to_string(),
            if met { theme.ok() } else { theme.error() },
        ),
    ]));
    lines.push(Line::from(vec![
        Span::styled(
            format!(" {} ", lang.pick("检查人员", "Inspectors")),
            theme.bold(),
        ),
        Span::raw(cut(
            &format!(
                "{} {} {} {} {} {} {} {} {}",
                lang.pick("可用", "eligible"),
                p.inspectors_eligible,
                sym.separator,
                lang.pick("持证", "certified"),
                p.inspectors_certified,
                sym.separator,
                match lang {
                    Lang::Zh => format!("回避 {} 对", p.recusal_pairs),
                    Lang::En => format!("{} recusals", p.recusal_pairs),
                },
                sym.separator,
                match lang {
                    Lang::Zh => format!("每人本期上限 {}", p.workload_cap),
                    Lang::En => format!("cap {} per inspector", p.workload_cap),
                },
            ),
            cols.saturating_sub(12),
            sym.ellipsis,
        )),
    ]));
    lines.push(Line::from(vec![
        Span::styled(
            format!(" {} ", lang.pick("抽取池哈希", "Pool hash")),
            theme.bold(),
        ),
        Span::styled(
            cut(&p.pool_hash, cols.saturating_sub(14), sym.ellipsis),
            theme.dim(),
        ),
    ]));
}

fn result_lines(
    lines: &mut Vec<Line<'static>>,
    app: &AppState,
    r: &DrawResult,
    theme: Theme,
    cols: usize,
    height: usize,
) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let kv = |k: &str, v: String| -> Line<'static> {
        let k = format!(" {k} ");
        let room = cols.saturating_sub(width(&k));
        Line::from(vec![
            Span::styled(k, theme.bold()),
            Span::raw(cut(&v, room, sym.ellipsis)),
        ])
    };
    lines.push(kv(
        &format!("{} #{}", lang.pick("抽取", "Draw"), r.id),
        format!(
            "{} {} {} {} {} {} {}{}",
            r.plan_name,
            sym.separator,
            r.period,
            sym.separator,
            r.date,
            sym.separator,
            r.tasks.len(),
            lang.pick(" 个任务", " tasks")
        ),
    ));
    lines.push(kv(
        lang.pick("联合", "Joint"),
        format!(
            "{} {} {} {}",
            r.joint,
            sym.separator,
            lang.pick("本年内部联合", "year's internal joint"),
            r.year_after
        ),
    ));
    lines.push(kv(lang.pick("种子", "Seed"), r.seed.clone()));
    lines.push(kv(
        lang.pick("池哈希", "Pool hash"),
        format!("{} ({})", r.pool_hash, r.algorithm),
    ));
    lines.push(kv(lang.pick("复核命令", "Re-verify"), r.verify_command()));
    task_table(lines, app, &r.tasks, theme, cols, height);
    lines.push(line(
        lang.pick(" 回车或 Esc 关闭", " Enter or Esc to close")
            .into(),
        theme.dim(),
        cols,
        app,
    ));
}
