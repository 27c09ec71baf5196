//! The quarterly workbook: the dashboard's figures of a period. Every number comes from
//! `office.status` and `office.progress` (the same as `status --json`); the report adds only
//! sums of them (the totals row, the completion rate) and, per Table 1 row, the count of the
//! period's tasks whose result is published (from the book, as `status` counts publication).
//!
//! Sheets: the summary (要求 in words: 不低于 3%, 不少于 4 次; a shortfall in red *and* the word
//! 未达标), the coverage per Table 1 row (totals, 完成率, shortfall flags, a progress chart of
//! required / drawn / checked / published), the inspectors' table (by 执法证号) and their charts
//! on a sheet of their own (at most [`BARS_PER_CHART`] bars a chart, in the table's order,
//! values on the bars), the year's voided draws, and the coverage of the three years up to the
//! period's year (`report::coverage`, issue 18).

use super::sheet::{
    local_time, page_header_footer, print_setup, title_block, Formats, Table, Title, HEADER_ROW,
};
use super::Written;
use crate::domain::task::Publication;
use crate::domain::Period;
use crate::i18n::Lang;
use crate::office::{belongs_to, Office, OfficeError};
use chrono::NaiveDate;
use rust_xlsxwriter::{Chart, ChartDataLabel, ChartLegendPosition, ChartType, Workbook};

/// Bars in one chart of the inspectors' sheet (series × inspectors).
pub const BARS_PER_CHART: usize = 20;
/// A chart's height in pixels and the rows (20 px each) it takes with a gap: two a page.
const CHART_HEIGHT: u32 = 280;
const CHART_ROWS: u32 = 15;
/// Series in each inspectors' chart: assigned and checked.
const INSPECTOR_SERIES: usize = 2;

fn met(v: bool, lang: Lang) -> &'static str {
    match v {
        true => lang.pick("达标", "met"),
        false => lang.pick("未达标", "not met"),
    }
}

/// 要求 of a percentage floor: "不低于 3%".
pub fn at_least_percent(p: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("不低于 {p}%"),
        Lang::En => format!("at least {p}%"),
    }
}

/// 要求 of a count floor: "不少于 4 次", "不少于 20 户".
pub fn at_least(n: u32, unit_zh: &str, unit_en: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("不少于 {n} {unit_zh}"),
        Lang::En => format!("at least {n} {unit_en}"),
    }
}

/// Drawn over required as a percentage (100% when nothing is required).
pub fn completion(drawn: usize, required: usize) -> f64 {
    if required == 0 {
        100.0
    } else {
        drawn as f64 * 100.0 / required as f64
    }
}

pub(super) fn quarterly(
    wb: &mut Workbook,
    office: &Office,
    period: &str,
    today: NaiveDate,
    lang: Lang,
    progress: &dyn Fn(f64),
) -> Written {
    let p = Period::parse(period).map_err(|e| OfficeError::Refused(e.localize(lang)))?;
    let status = office.status(p, today)?;
    let people = office.progress(p, today)?;
    progress(0.3);
    let fmt = Formats::new();
    let mut sheets = Vec::new();
    let report = |part: &str| -> Title {
        Title::new(
            &match lang {
                Lang::Zh => format!("{} 双随机、一公开工作情况 — {part}", status.period),
                Lang::En => format!(
                    "{} double-random, one-public report — {part}",
                    status.period
                ),
            },
            lang,
        )
    };

    // ---- summary: one row per figure
    let name = lang.pick("汇总", "summary");
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let mut t = Table::titled(
        ws,
        &fmt,
        &report(name),
        &[
            lang.pick("类别", "section"),
            lang.pick("指标", "figure"),
            lang.pick("数值", "value"),
            lang.pick("要求", "target"),
            lang.pick("是否达标", "met"),
        ],
        lang,
    )?;
    let section_period = lang.pick("期次", "period");
    t.next_row();
    t.text(0, section_period)?;
    t.text(1, lang.pick("统计期次", "period"))?;
    t.text(2, &status.period)?;
    t.next_row();
    t.text(0, section_period)?;
    t.text(1, lang.pick("统计日期", "as of"))?;
    t.date(2, today)?;

    let verdict = |t: &mut Table, col: u16, ok: bool| -> Result<(), rust_xlsxwriter::XlsxError> {
        if ok {
            t.text(col, met(true, lang))
        } else {
            t.text_with(col, met(false, lang), &fmt.alert)
        }
    };

    let ij = &status.internal_joint;
    let s_joint = lang.pick("内部联合（本年）", "internal joint (year)");
    for (label, v) in [
        (lang.pick("联合检查任务数", "joint tasks"), ij.joint),
        (
            lang.pick("其中合并检查", "of which merged visits"),
            ij.merged,
        ),
        (
            lang.pick("其中抽签指定", "of which designated by lot"),
            ij.designated,
        ),
        (lang.pick("任务总数", "all tasks"), ij.total),
    ] {
        t.next_row();
        t.text(0, s_joint)?;
        t.text(1, label)?;
        t.num(2, v as f64)?;
    }
    t.next_row();
    t.text(0, s_joint)?;
    t.text(1, lang.pick("联合检查比例", "joint ratio"))?;
    t.percent(2, ij.percent)?;
    t.text(3, &at_least_percent(ij.min_percent, lang))?;
    verdict(&mut t, 4, ij.met)?;

    let id = &status.inter_department;
    let s_dept = lang.pick("部门联合（本年）", "inter-department (year)");
    t.next_row();
    t.text(0, s_dept)?;
    t.text(1, lang.pick("联合抽查次数", "joint draws"))?;
    t.num(2, id.draws as f64)?;
    t.text(3, &at_least(id.required_draws, "次", "draws", lang))?;
    verdict(&mut t, 4, id.draws >= id.required_draws as usize)?;
    t.next_row();
    t.text(0, s_dept)?;
    t.text(1, lang.pick("联合抽查对象数", "joint targets"))?;
    t.num(2, id.targets as f64)?;
    t.text(3, &at_least(id.required_targets, "户", "targets", lang))?;
    verdict(&mut t, 4, id.targets >= id.required_targets as usize)?;

    let pb = &status.publication;
    let s_pub = lang.pick("结果公示", "publication");
    for (label, v, flag) in [
        (lang.pick("按时公示", "on time"), pb.on_time, false),
        (lang.pick("逾期公示", "late"), pb.late, true),
        (lang.pick("待公示", "pending"), pb.pending, false),
        (lang.pick("已逾期未公示", "overdue"), pb.overdue, true),
        (lang.pick("不予公示", "exempt"), pb.exempt, false),
    ] {
        t.next_row();
        t.text(0, s_pub)?;
        t.text(1, label)?;
        t.num(2, v as f64)?;
        if flag {
            t.text(
                3,
                lang.pick("0（20 个工作日内公示）", "0 (within 20 working days)"),
            )?;
            verdict(&mut t, 4, v == 0)?;
        }
    }

    let vi = &status.violations;
    let s_vi = lang.pick("违法问题及后续处理", "violations and follow-up");
    for (label, v) in [
        (lang.pick("发现问题", "found"), vi.found),
        (lang.pick("移交执法", "handed to enforcement"), vi.handed),
        (lang.pick("已整改", "rectified"), vi.rectified),
        (lang.pick("立案", "case filed"), vi.filed),
        (
            lang.pick("移送司法", "transferred to judiciary"),
            vi.transferred,
        ),
    ] {
        t.next_row();
        t.text(0, s_vi)?;
        t.text(1, label)?;
        t.num(2, v as f64)?;
    }

    // Every attempt is on record (issue 13): the period's draws that did not stand.
    let at = &status.attempts;
    let s_at = lang.pick("抽取记录（本期）", "draw attempts (period)");
    for (label, v) in [
        (lang.pick("作废的抽取", "voided draws"), at.voided.len()),
        (
            lang.pick("放弃的公告", "abandoned announcements"),
            at.abandoned.len(),
        ),
        (
            lang.pick("无法抽取的公告", "infeasible announcements"),
            at.infeasible.len(),
        ),
    ] {
        t.next_row();
        t.text(0, s_at)?;
        t.text(1, label)?;
        t.num(2, v as f64)?;
    }
    sheets.push(t.finish()?);

    // ---- coverage per Table 1 row: totals, completion, shortfalls, a progress chart
    let name = lang.pick("分层覆盖", "coverage");
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let title = report(name);
    let mut t = Table::titled(
        ws,
        &fmt,
        &title,
        &[
            lang.pick("分层", "row"),
            lang.pick("名称", "name"),
            lang.pick("抽查比例", "ratio"),
            lang.pick("应抽", "required"),
            lang.pick("已抽", "drawn"),
            lang.pick("已检查", "checked"),
            lang.pick("已公示", "published"),
            lang.pick("完成率", "completion"),
            lang.pick("是否达标", "met"),
        ],
        lang,
    )?;
    let book = office.book();
    let published = |row: &str| {
        book.tasks
            .iter()
            .filter(|t| t.row == row && belongs_to(t, p))
            .filter(|t| {
                matches!(
                    t.publication.as_deref(),
                    Some(Publication::Published { .. })
                )
            })
            .count()
    };
    let mut sum = [0usize; 4];
    for r in &status.rows {
        let pubd = published(&r.row);
        t.next_row();
        t.text(0, &r.row)?;
        t.text(1, &r.name)?;
        t.text(2, &r.ratio)?;
        t.num(3, r.required as f64)?;
        let short = r.drawn < r.required;
        if short {
            t.num_with(4, r.drawn as f64, &fmt.alert_number)?;
        } else {
            t.num(4, r.drawn as f64)?;
        }
        t.num(5, r.checked as f64)?;
        t.num(6, pubd as f64)?;
        t.percent(7, completion(r.drawn, r.required))?;
        if short {
            let word = match lang {
                Lang::Zh => format!("未达标（差 {}）", r.required - r.drawn),
                Lang::En => format!("not met ({} short)", r.required - r.drawn),
            };
            t.text_with(8, &word, &fmt.alert)?;
        } else {
            t.text(8, met(true, lang))?;
        }
        for (s, v) in sum.iter_mut().zip([r.required, r.drawn, r.checked, pubd]) {
            *s += v;
        }
    }
    let first = HEADER_ROW + 1;
    let last = t.row();
    t.next_row();
    t.text_with(0, lang.pick("合计", "total"), &fmt.total)?;
    for (c, v) in (3u16..).zip(sum) {
        t.num_with(c, v as f64, &fmt.total_number)?;
    }
    t.percent(7, completion(sum[1], sum[0]))?;
    let n_rows = status.rows.len();
    if n_rows > 0 {
        // At most BARS_PER_CHART bars a chart: 4 series, so 5 rows each.
        let per = (BARS_PER_CHART / 4).max(1);
        // The charts start a printed page, two a page, none split by a page break.
        let mut at = t.row() + 2;
        let mut breaks = Vec::new();
        for (k, chunk_start) in (0..n_rows).step_by(per).enumerate() {
            let a = first + chunk_start as u32;
            let b = (a + per as u32 - 1).min(last);
            let mut chart = Chart::new(ChartType::Column);
            for col in 3..=6u16 {
                chart
                    .add_series()
                    .set_name((name, HEADER_ROW, col))
                    .set_categories((name, a, 0, b, 0))
                    .set_values((name, a, col, b, col))
                    .set_data_label(ChartDataLabel::new().show_value());
            }
            let mut head = match lang {
                Lang::Zh => format!("{} 各分层应抽、已抽、已检查、已公示", status.period),
                Lang::En => format!(
                    "{} required, drawn, checked, published per row",
                    status.period
                ),
            };
            if n_rows > per {
                head.push_str(&format!("（{}）", k + 1));
            }
            chart.title().set_name(&head);
            chart.x_axis().set_name(lang.pick("分层", "Table 1 row"));
            chart
                .y_axis()
                .set_name(lang.pick("对象数（户）", "targets"));
            chart.legend().set_position(ChartLegendPosition::Bottom);
            chart.set_width(760).set_height(CHART_HEIGHT);
            if k % 2 == 0 {
                breaks.push(at);
            }
            t.ws.insert_chart(at, 0, &chart)?;
            at += CHART_ROWS;
        }
        t.ws.set_page_breaks(&breaks)?;
    }
    sheets.push(t.finish()?);
    progress(0.6);

    // ---- per-inspector progress (by 执法证号), charts on their own sheet
    let st = office.state();
    let name = lang.pick("人员进度", "inspectors");
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let mut t = Table::titled(
        ws,
        &fmt,
        &report(name),
        &[
            lang.pick("执法证号", "certificate no."),
            lang.pick("姓名", "name"),
            lang.pick("部门", "department"),
            lang.pick("分配任务", "assigned"),
            lang.pick("已检查", "checked"),
            lang.pick("已录入结果", "result recorded"),
            lang.pick("公示逾期", "overdue"),
            lang.pick("本年检查次数", "inspections this year"),
        ],
        lang,
    )?;
    for x in &people {
        t.next_row();
        let cert = st
            .inspector(x.inspector)
            .map(|i| i.certificate_no.clone())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| format!("#{}", x.inspector));
        t.text(0, &cert)?;
        t.text(1, &x.name)?;
        t.text(2, &x.department)?;
        t.num(3, x.assigned as f64)?;
        t.num(4, x.checked as f64)?;
        t.num(5, x.result_recorded as f64)?;
        if x.overdue > 0 {
            t.num_with(6, x.overdue as f64, &fmt.alert_number)?;
        } else {
            t.num(6, x.overdue as f64)?;
        }
        t.num(7, x.year_inspections as f64)?;
    }
    sheets.push(t.finish()?);

    let chart_name = lang.pick("人员进度图", "inspector charts");
    let ws = wb.add_worksheet();
    ws.set_name(chart_name)?;
    let title = report(chart_name);
    title_block(ws, &fmt, &title, 12)?;
    page_header_footer(ws, &title.text, lang);
    print_setup(ws);
    ws.set_column_range_width(0, 11, 9.0)?;
    let per = BARS_PER_CHART / INSPECTOR_SERIES;
    let charts = people.len().div_ceil(per);
    for k in 0..charts {
        let a = HEADER_ROW + 1 + (k * per) as u32;
        let b = (a + per as u32 - 1).min(HEADER_ROW + people.len() as u32);
        let mut chart = Chart::new(ChartType::Column);
        for col in [3u16, 4] {
            chart
                .add_series()
                .set_name((name, HEADER_ROW, col))
                .set_categories((name, a, 1, b, 1))
                .set_values((name, a, col, b, col))
                .set_data_label(ChartDataLabel::new().show_value());
        }
        let head = match lang {
            Lang::Zh => format!(
                "{} 检查人员任务进度（第 {}–{} 名，共 {} 人）",
                status.period,
                k * per + 1,
                (k * per + per).min(people.len()),
                people.len()
            ),
            Lang::En => format!(
                "{} progress per inspector ({}–{} of {})",
                status.period,
                k * per + 1,
                (k * per + per).min(people.len()),
                people.len()
            ),
        };
        chart.title().set_name(&head);
        chart.x_axis().set_name(lang.pick("检查人员", "inspector"));
        chart.y_axis().set_name(lang.pick("任务数", "tasks"));
        chart.legend().set_position(ChartLegendPosition::Bottom);
        chart.set_width(760).set_height(CHART_HEIGHT);
        ws.insert_chart(HEADER_ROW + (k as u32) * CHART_ROWS, 0, &chart)?;
    }
    // Two charts a printed page.
    let breaks: Vec<u32> = (2..charts)
        .step_by(2)
        .map(|k| HEADER_ROW + (k as u32) * CHART_ROWS)
        .collect();
    if !breaks.is_empty() {
        ws.set_page_breaks(&breaks)?;
    }

    // ---- the year's voided draws
    let name = lang.pick("作废记录", "voids");
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let mut t = Table::titled(
        ws,
        &fmt,
        &Title::new(
            &match lang {
                Lang::Zh => format!("{} 年作废的抽取", p.year()),
                Lang::En => format!("draws voided in {}", p.year()),
            },
            lang,
        ),
        &[
            lang.pick("抽取编号", "draw"),
            lang.pick("抽查计划", "plan"),
            lang.pick("抽查期次", "period"),
            lang.pick("抽取时间", "drawn"),
            lang.pick("作废时间", "voided"),
            lang.pick("作废人", "by"),
            lang.pick("作废原因", "reason"),
        ],
        lang,
    )?;
    for d in book.draws.iter().filter(|d| {
        Period::parse(&d.period).is_ok_and(|dp| dp.year() == p.year()) && d.voided.is_some()
    }) {
        let Some(v) = &d.voided else { continue };
        t.next_row();
        t.num(0, d.id as f64)?;
        t.text(1, &format!("#{} {}", d.plan, d.plan_name))?;
        t.text(2, &d.period)?;
        t.text(3, &local_time(&d.time))?;
        t.text(4, &local_time(&v.time))?;
        t.text(5, &v.by)?;
        t.text(6, &v.reason)?;
    }
    sheets.push(t.finish()?);
    sheets.push(unused_announcements(wb, office, p.year(), lang)?);
    // ---- issue 19: overdue rectifications, integrity cards and signatures (before the
    // coverage sheet, which stays last)
    sheets.push(super::oversight::rectifications(wb, office, today, lang)?);
    sheets.push(super::oversight::integrity(wb, office, p, lang)?);
    // ---- fairness over the three years up to this one (issue 18)
    sheets.push(super::coverage::sheet(wb, office, p.year(), lang)?);
    Ok(sheets)
}

/// The year's announcements that never became a draw: abandoned (replaced by a later one) or
/// infeasible (the draw failed after the witness), with who, when and why.
fn unused_announcements(
    wb: &mut Workbook,
    office: &Office,
    year: i32,
    lang: Lang,
) -> Result<super::SheetMeta, super::Fail> {
    let fmt = Formats::new();
    let attempts = office.attempts(Period::Year(year));
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("未成抽取", "unused announcements"))?;
    let mut t = Table::titled(
        ws,
        &fmt,
        &Title::new(
            &match lang {
                Lang::Zh => format!("{year} 年放弃或无法抽取的抽取公告"),
                Lang::En => format!("announcements of {year} abandoned or infeasible"),
            },
            lang,
        ),
        &[
            lang.pick("公告编号", "announcement"),
            lang.pick("状态", "state"),
            lang.pick("抽查计划", "plan"),
            lang.pick("抽查期次", "period"),
            lang.pick("时间", "when"),
            lang.pick("操作人", "by"),
            lang.pick("说明", "detail"),
        ],
        lang,
    )?;
    for i in attempts.abandoned.iter().chain(&attempts.infeasible) {
        t.next_row();
        t.num(0, i.number as f64)?;
        t.text(1, crate::office::attempts::kind_label(&i.kind, lang))?;
        t.num(2, i.plan as f64)?;
        t.text(3, &i.period)?;
        t.text(4, &local_time(&i.time))?;
        t.text(5, &i.by)?;
        t.text(6, &i.detail)?;
    }
    Ok(t.finish()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_in_words() {
        assert_eq!(at_least_percent(3, Lang::Zh), "不低于 3%");
        assert_eq!(at_least(4, "次", "draws", Lang::Zh), "不少于 4 次");
        assert_eq!(
            at_least(20, "户", "targets", Lang::En),
            "at least 20 targets"
        );
        assert_eq!(completion(5, 45), 5.0 * 100.0 / 45.0);
        assert_eq!(completion(0, 0), 100.0);
    }
}
