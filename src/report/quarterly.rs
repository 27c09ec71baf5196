//! The quarterly workbook: the dashboard's figures of a period. Every number comes from
//! `office.status` and `office.progress` (the same as `status --json`); nothing is recomputed
//! here.

use super::sheet::{Formats, Table};
use super::Written;
use crate::domain::Period;
use crate::i18n::Lang;
use crate::office::{Office, OfficeError};
use chrono::NaiveDate;
use rust_xlsxwriter::{Chart, ChartType, Workbook};

fn met(v: bool, lang: Lang) -> &'static str {
    match v {
        true => lang.pick("达标", "met"),
        false => lang.pick("未达标", "not met"),
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

    // ---- summary: one row per figure
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("汇总", "summary"))?;
    let mut t = Table::new(
        ws,
        &fmt,
        0,
        &[
            lang.pick("类别", "section"),
            lang.pick("指标", "figure"),
            lang.pick("数值", "value"),
            lang.pick("要求", "target"),
            lang.pick("是否达标", "met"),
        ],
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

    let ij = &status.internal_joint;
    let s_joint = lang.pick("内部联合（本年）", "internal joint (year)");
    for (label, v) in [
        (lang.pick("联合检查任务数", "joint tasks"), ij.joint),
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
    t.percent(3, f64::from(ij.min_percent))?;
    t.text(4, met(ij.met, lang))?;

    let id = &status.inter_department;
    let s_dept = lang.pick("部门联合（本年）", "inter-department (year)");
    t.next_row();
    t.text(0, s_dept)?;
    t.text(1, lang.pick("联合抽查次数", "joint draws"))?;
    t.num(2, id.draws as f64)?;
    t.num(3, f64::from(id.required_draws))?;
    t.text(4, met(id.met, lang))?;
    t.next_row();
    t.text(0, s_dept)?;
    t.text(1, lang.pick("联合抽查对象数", "joint targets"))?;
    t.num(2, id.targets as f64)?;
    t.num(3, f64::from(id.required_targets))?;
    t.text(4, met(id.met, lang))?;

    let pb = &status.publication;
    let s_pub = lang.pick("结果公示", "publication");
    for (label, v) in [
        (lang.pick("按时公示", "on time"), pb.on_time),
        (lang.pick("逾期公示", "late"), pb.late),
        (lang.pick("待公示", "pending"), pb.pending),
        (lang.pick("已逾期未公示", "overdue"), pb.overdue),
        (lang.pick("不予公示", "exempt"), pb.exempt),
    ] {
        t.next_row();
        t.text(0, s_pub)?;
        t.text(1, label)?;
        t.num(2, v as f64)?;
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
    sheets.push(t.finish()?);

    // ---- coverage per Table 1 row, with a column chart
    let name = lang.pick("分层覆盖", "coverage");
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let mut t = Table::new(
        ws,
        &fmt,
        0,
        &[
            lang.pick("分层", "row"),
            lang.pick("名称", "name"),
            lang.pick("抽查比例", "ratio"),
            lang.pick("应抽", "required"),
            lang.pick("已抽", "drawn"),
            lang.pick("已检查", "checked"),
        ],
    )?;
    for r in &status.rows {
        t.next_row();
        t.text(0, &r.row)?;
        t.text(1, &r.name)?;
        t.text(2, &r.ratio)?;
        t.num(3, r.required as f64)?;
        t.num(4, r.drawn as f64)?;
        t.num(5, r.checked as f64)?;
    }
    let last = t.row();
    if last > 0 {
        let mut chart = Chart::new(ChartType::Column);
        for col in 3..=5u16 {
            chart
                .add_series()
                .set_name((name, 0, col))
                .set_categories((name, 1, 0, last, 0))
                .set_values((name, 1, col, last, col));
        }
        chart.title().set_name(lang.pick(
            "各分层应抽、已抽、已检查",
            "required, drawn, checked per row",
        ));
        chart.set_width(720).set_height(360);
        t.ws.insert_chart(last + 2, 0, &chart)?;
    }
    sheets.push(t.finish()?);
    progress(0.6);

    // ---- per-inspector progress, with a bar chart
    let name = lang.pick("人员进度", "inspectors");
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let mut t = Table::new(
        ws,
        &fmt,
        0,
        &[
            lang.pick("编号", "id"),
            lang.pick("姓名", "name"),
            lang.pick("部门", "department"),
            lang.pick("分配任务", "assigned"),
            lang.pick("已检查", "checked"),
            lang.pick("已录入结果", "result recorded"),
            lang.pick("公示逾期", "overdue"),
            lang.pick("本年检查次数", "inspections this year"),
        ],
    )?;
    for x in &people {
        t.next_row();
        t.num(0, x.inspector as f64)?;
        t.text(1, &x.name)?;
        t.text(2, &x.department)?;
        t.num(3, x.assigned as f64)?;
        t.num(4, x.checked as f64)?;
        t.num(5, x.result_recorded as f64)?;
        t.num(6, x.overdue as f64)?;
        t.num(7, x.year_inspections as f64)?;
    }
    let last = t.row();
    if last > 0 {
        let mut chart = Chart::new(ChartType::Bar);
        for col in 3..=5u16 {
            chart
                .add_series()
                .set_name((name, 0, col))
                .set_categories((name, 1, 1, last, 1))
                .set_values((name, 1, col, last, col));
        }
        chart
            .title()
            .set_name(lang.pick("检查人员任务进度", "progress per inspector"));
        chart.set_width(720).set_height((120 + 18 * last).min(2000));
        t.ws.insert_chart(1, 9, &chart)?;
    }
    sheets.push(t.finish()?);
    Ok(sheets)
}
