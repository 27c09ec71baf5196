//! The quarterly workbook's sheets of issue 19: rectifications past their due date, and the
//! integrity cards and signatures per inspector and quarter.

use super::sheet::{Formats, Table, Title};
use crate::i18n::Lang;
use crate::office::Office;
use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

/// Every rectification still awaited whose due date is before `today`, most overdue first.
pub(super) fn rectifications(
    wb: &mut Workbook,
    office: &Office,
    today: NaiveDate,
    lang: Lang,
) -> Result<super::SheetMeta, super::Fail> {
    let fmt = Formats::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("整改逾期", "overdue rectifications"))?;
    let title = Title::new(
        &match lang {
            Lang::Zh => format!("截至 {today} 逾期未整改的违法问题"),
            Lang::En => format!("rectifications overdue on {today}"),
        },
        lang,
    );
    let mut t = Table::titled(
        ws,
        &fmt,
        &title,
        &[
            lang.pick("任务", "task"),
            lang.pick("检查对象", "target"),
            lang.pick("检查结果", "result"),
            lang.pick("状态", "state"),
            lang.pick("整改期限", "due"),
            lang.pick("逾期天数", "days overdue"),
        ],
        lang,
    )?;
    for o in office.overdue_rectifications(today) {
        t.next_row();
        t.num(0, o.task as f64)?;
        t.text(1, &o.name)?;
        t.text(2, &o.phrase)?;
        t.text(3, o.state.label(lang))?;
        t.date_opt(4, Some(o.due))?;
        t.num(5, o.days_overdue as f64)?;
    }
    Ok(t.finish()?)
}

/// 廉政监督卡 and signatures per quarter and inspector (`Office::integrity_figures`).
pub(super) fn integrity(
    wb: &mut Workbook,
    office: &Office,
    period: crate::domain::Period,
    lang: Lang,
) -> Result<super::SheetMeta, super::Fail> {
    let fmt = Formats::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("廉政与签字", "integrity and signatures"))?;
    let title = Title::new(
        &match lang {
            Lang::Zh => format!("{period} 廉政监督卡与检查记录签字（按季度、检查人员）"),
            Lang::En => {
                format!("{period} integrity cards and signed records, per quarter and inspector")
            }
        },
        lang,
    );
    let mut t = Table::titled(
        ws,
        &fmt,
        &title,
        &[
            lang.pick("季度", "quarter"),
            lang.pick("检查人员", "inspector"),
            lang.pick("姓名", "name"),
            lang.pick("检查结果", "results"),
            lang.pick("廉政监督卡交回", "integrity cards"),
            lang.pick("已签字", "signed"),
            lang.pick("未签字（已说明原因）", "unsigned (reason given)"),
        ],
        lang,
    )?;
    for r in office.integrity_figures(period) {
        t.next_row();
        t.text(0, &r.quarter)?;
        t.num(1, r.inspector as f64)?;
        t.text(2, &r.name)?;
        t.num(3, r.results as f64)?;
        t.num(4, r.cards as f64)?;
        t.num(5, r.signed as f64)?;
        t.num(6, r.unsigned as f64)?;
    }
    Ok(t.finish()?)
}
