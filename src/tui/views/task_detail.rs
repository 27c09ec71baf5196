//! One task in full (tasks tab, Enter): the target, the team, the draw it came from, every step
//! with its dates (check, result and findings, publication or exemption, follow-up) and the
//! audit entries that wrote the task. ↑/↓ scroll, Esc returns to the list.

use super::{cut, Theme};
use crate::domain::task::{phrase_text, Publication, Task};
use crate::i18n::Lang;
use crate::tui::state::{step_label, task_audit, AppState, Ctx};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// A label and its value, or "—" when there is none.
fn row(label: &str, value: String) -> (String, String) {
    let v = if value.trim().is_empty() {
        "—".to_string()
    } else {
        value
    };
    (label.to_string(), v)
}

/// The detail's lines: (label, value); a label starting with `#` is a section heading.
pub fn lines(app: &AppState, ctx: &Ctx, t: &Task) -> Vec<(String, String)> {
    let lang = app.lang();
    let p = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    let d = |x: Option<chrono::NaiveDate>| x.map(|x| x.to_string()).unwrap_or_default();
    let target = ctx.data.target(t.target);
    let mut v = vec![
        row(
            &p("检查对象", "Target"),
            target.map(|x| x.name().to_string()).unwrap_or_default(),
        ),
        row(
            &p("信用代码", "Credit code"),
            target
                .map(|x| x.credit_code.as_str().to_string())
                .unwrap_or_default(),
        ),
        row(
            &p("地址", "Address"),
            target
                .map(|x| format!("{} {}", x.region, x.address()))
                .unwrap_or_default(),
        ),
        row(&p("分层", "Row"), t.rows_text()),
        row(
            &p("检查组", "Team"),
            t.team
                .iter()
                .filter_map(|m| ctx.data.inspector(*m))
                .map(|x| format!("{}（{}）", x.name, x.certificate_no))
                .collect::<Vec<_>>()
                .join("、"),
        ),
        row(
            &p("联合", "Joint"),
            // A merged visit (several plans' items in one visit) is an internal joint one.
            match (t.is_joint(), t.partners.is_empty()) {
                (true, true) if !t.merged.is_empty() => {
                    p("内部联合（合并检查）", "internal joint (merged visit)")
                }
                (true, true) => p("内部联合", "internal joint"),
                (false, false) => format!("{}{}", p("部门联合 ", "with "), t.partners.join("、")),
                (true, false) => format!(
                    "{}{}",
                    p("内部联合；部门联合 ", "internal joint; with "),
                    t.partners.join("、")
                ),
                (false, true) => p("否", "no"),
            },
        ),
    ];
    // Every item of the visit: the draw that made it, then the draws merged into it.
    for (n, item) in t.items().enumerate() {
        let draw = ctx.book.draws.iter().find(|x| x.id == item.draw);
        let label = if n == 0 {
            p("来自抽取", "Drawn in")
        } else {
            p("合并抽取", "Merged from")
        };
        v.push(row(
            &label,
            draw.map(|x| {
                if t.merged.is_empty() {
                    format!("#{} {} {} {}", x.id, x.plan_name, x.period, x.date)
                } else {
                    format!(
                        "#{} {} {} {} {}",
                        x.id, x.plan_name, item.row, x.period, x.date
                    )
                }
            })
            .unwrap_or_else(|| format!("#{} {}", item.draw, item.row)),
        ));
    }
    v.push(row(
        &p("进度", "Step"),
        format!(
            "{}{}",
            step_label(t, lang),
            if t.voided {
                p("（抽取已作废）", " (draw voided)")
            } else {
                String::new()
            }
        ),
    ));
    v.push((format!("#{}", p("检查", "Check")), String::new()));
    match &t.check {
        Some(c) => {
            v.push(row(&p("检查日期", "Date"), c.date.to_string()));
            v.push(row(
                &p("检查方式", "Method"),
                c.method.label(lang).to_string(),
            ));
            if !c.approval.is_empty() {
                v.push(row(&p("批准文号", "Approval"), c.approval.clone()));
            }
            v.push(row(&p("登记人", "By"), c.by.clone()));
        }
        None => v.push(row(
            &p("检查方式", "Method"),
            format!(
                "{}{}",
                t.method.label(lang),
                p("（尚未检查）", " (not yet checked)")
            ),
        )),
    }
    v.push((format!("#{}", p("结果", "Result")), String::new()));
    match &t.result {
        Some(r) => {
            v.push(row(
                &p("检查结果", "Result"),
                phrase_text(r.phrase).unwrap_or("?").to_string(),
            ));
            v.push(row(&p("认定日期", "Determined"), r.determined.to_string()));
            v.push(row(&p("检查发现", "Findings"), r.findings.clone()));
            v.push(row(
                &p("签字", "Signed"),
                if r.signed {
                    p("是", "yes")
                } else {
                    format!("{}{}", p("否：", "no: "), r.unsigned_reason)
                },
            ));
            v.push(row(
                &p("廉政监督卡", "Integrity card"),
                if r.integrity_card {
                    p("已收回", "returned")
                } else {
                    p("未收回", "not returned")
                },
            ));
            v.push(row(&p("录入人", "By"), r.by.clone()));
        }
        None => v.push(row(&p("检查结果", "Result"), String::new())),
    }
    v.push((format!("#{}", p("公示", "Publication")), String::new()));
    let due = app
        .figures
        .data
        .as_ref()
        .and_then(|f| f.due.iter().find(|x| x.task == t.id));
    match t.publication.as_deref() {
        Some(Publication::Published { date, url, by }) => {
            v.push(row(&p("公示日期", "Published"), date.to_string()));
            v.push(row(&p("公示网址", "URL"), url.clone()));
            v.push(row(&p("登记人", "By"), by.clone()));
        }
        Some(Publication::Exempt { reason, by }) => {
            v.push(row(&p("不予公示", "Exempt"), reason.clone()));
            v.push(row(&p("登记人", "By"), by.clone()));
        }
        None => v.push(row(
            &p("公示期限", "Due"),
            due.map(|x| {
                format!(
                    "{}{}",
                    x.due,
                    if x.overdue {
                        p("（已逾期）", " (overdue)")
                    } else {
                        String::new()
                    }
                )
            })
            .unwrap_or_default(),
        )),
    }
    let f = &t.follow_up;
    v.push((format!("#{}", p("后续处理", "Follow-up")), String::new()));
    v.push(row(
        &p("移交执法", "Handed over"),
        d(f.handed_to_enforcement),
    ));
    v.push(row(&p("整改期限", "Rectify by"), d(f.rectification_due)));
    v.push(row(&p("整改完成", "Rectified on"), d(f.rectified_on)));
    v.push(row(&p("立案编号", "Case number"), f.case_number.clone()));
    v.push(row(
        &p("移送司法", "To judiciary"),
        d(f.transferred_to_judiciary),
    ));
    v.push((
        format!(
            "#{}",
            p(
                "审计记录（写入此任务的条目）",
                "Audit entries that wrote this task"
            )
        ),
        String::new(),
    ));
    let entries = task_audit(&app.audit.entries, t.id);
    if entries.is_empty() {
        v.push(row(
            &p("审计", "Audit"),
            p("正在读取或没有记录", "loading, or none"),
        ));
    }
    for e in entries {
        v.push((
            format!("#{}", e.seq),
            format!(
                "{} {} {}",
                e.time.get(..16).unwrap_or(&e.time).replace('T', " "),
                e.user,
                e.summary
            ),
        ));
    }
    v
}

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, ctx: &Ctx, t: &Task, theme: Theme) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let cols = usize::from(area.width);
    let name = ctx
        .data
        .target(t.target)
        .map(|x| x.name().to_string())
        .unwrap_or_default();
    let head = format!(
        " {} #{} {} {name} {} {}  {}",
        lang.pick("任务", "Task"),
        t.id,
        sym.separator,
        sym.separator,
        t.period,
        lang.pick(
            "Esc 返回  ↑↓ 滚动  c r p u f 登记",
            "Esc back  ↑↓ scroll  c r p u f record"
        )
    );
    let mut out = vec![Line::from(Span::styled(
        cut(&head, cols, sym.ellipsis),
        theme.bold(),
    ))];
    let label_w = if lang == Lang::Zh { 12 } else { 16 };
    let body: Vec<Line> = lines(app, ctx, t)
        .into_iter()
        .map(|(label, value)| {
            if let Some(h) = label.strip_prefix('#').filter(|_| value.is_empty()) {
                Line::from(Span::styled(
                    cut(&format!(" {} {h}", sym.separator), cols, sym.ellipsis),
                    theme.accent(),
                ))
            } else {
                let l = super::fit(&label, label_w, sym.ellipsis);
                Line::from(vec![
                    Span::raw(" "),
                    Span::styled(l, theme.dim()),
                    Span::raw(cut(&value, cols.saturating_sub(label_w + 1), sym.ellipsis)),
                ])
            }
        })
        .collect();
    let h = usize::from(area.height).saturating_sub(1);
    let scroll = app.tasks.detail_scroll.min(body.len().saturating_sub(h));
    out.extend(body.into_iter().skip(scroll).take(h));
    frame.render_widget(Paragraph::new(out), area);
}
