//! The publication list: the results still to publish (none published, none exempt — the
//! office's `due`) whose determination date falls in the period, sorted by that date, with the
//! check date, the determination date and the 公示日期 they must be published by (20 working
//! days after the determination, from `office.due`).

use super::sheet::{Formats, Table, Title};
use super::{Written, BUREAU};
use crate::domain::Period;
use crate::i18n::Lang;
use crate::office::{Office, OfficeError};
use rust_xlsxwriter::Workbook;

pub(super) fn publication(wb: &mut Workbook, office: &Office, period: &str, lang: Lang) -> Written {
    let p = Period::parse(period).map_err(|e| OfficeError::Refused(e.localize(lang)))?;
    let today = chrono::Utc::now()
        .with_timezone(&super::sheet::office_offset())
        .date_naive();
    let mut due: Vec<_> = office
        .due(today)?
        .into_iter()
        .filter(|d| p.contains(d.determined))
        .collect();
    due.sort_by_key(|d| (d.determined, d.task));
    let book = office.book();
    let fmt = Formats::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("抽查结果公示", "publication"))?;
    let title = Title::new(
        &match lang {
            Lang::Zh => format!("待公示的双随机抽查结果（{period} 认定）"),
            Lang::En => format!("inspection results to publish (determined in {period})"),
        },
        lang,
    );
    let mut t = Table::titled(
        ws,
        &fmt,
        &title,
        &[
            lang.pick("序号", "No."),
            lang.pick("检查对象名称", "target"),
            lang.pick("统一社会信用代码", "credit code"),
            lang.pick("抽查事项", "inspection item"),
            lang.pick("检查日期", "checked"),
            lang.pick("检查结果", "result"),
            lang.pick("认定日期", "determined"),
            lang.pick("公示日期（不晚于）", "publish by"),
            lang.pick("检查机关", "authority"),
        ],
        lang,
    )?;
    for (n, d) in due.iter().enumerate() {
        let task = book.tasks.iter().find(|t| t.id == d.task);
        let item = task
            .and_then(|task| book.plans.iter().find(|p| p.id == task.plan))
            .map(|p| p.item.as_str())
            .unwrap_or("");
        t.next_row();
        t.num(0, (n + 1) as f64)?;
        t.text(1, &d.name)?;
        t.text(2, &d.credit_code)?;
        t.text(3, item)?;
        t.date_opt(4, task.and_then(|t| t.check.as_ref()).map(|c| c.date))?;
        t.text(5, &d.phrase)?;
        t.date(6, d.determined)?;
        t.date(7, d.due)?;
        t.text(8, BUREAU)?;
    }
    Ok(vec![t.finish()?])
}
