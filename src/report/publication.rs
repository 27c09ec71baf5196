//! The list for the county government website: every result recorded for a task of the period
//! (the office's `belongs_to`: its draw's period starts within it; voided tasks never), exempt
//! results left out.

use super::sheet::{Formats, Table, Title};
use super::{Written, BUREAU};
use crate::domain::task::{phrase_text, Publication};
use crate::domain::Period;
use crate::i18n::Lang;
use crate::office::{belongs_to, Office, OfficeError};
use rust_xlsxwriter::Workbook;

pub(super) fn publication(wb: &mut Workbook, office: &Office, period: &str, lang: Lang) -> Written {
    let p = Period::parse(period).map_err(|e| OfficeError::Refused(e.localize(lang)))?;
    let st = office.state();
    let book = office.book();
    let fmt = Formats::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("抽查结果公示", "publication"))?;
    let title = Title::new(
        &match lang {
            Lang::Zh => format!("双随机抽查结果公示（{period}）"),
            Lang::En => format!("inspection results for publication ({period})"),
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
            lang.pick("检查日期", "date"),
            lang.pick("检查结果", "result"),
            lang.pick("检查机关", "authority"),
        ],
        lang,
    )?;
    let mut rows: Vec<_> = book
        .tasks
        .iter()
        .filter(|t| belongs_to(t, p))
        .filter(|t| !matches!(t.publication, Some(Publication::Exempt { .. })))
        .filter_map(|t| t.result.as_ref().map(|r| (t, r)))
        .collect();
    rows.sort_by_key(|(t, r)| (r.determined, t.id));
    for (n, (task, result)) in rows.into_iter().enumerate() {
        let target = st.target(task.target);
        let item = book
            .plans
            .iter()
            .find(|p| p.id == task.plan)
            .map(|p| p.item.as_str())
            .unwrap_or("");
        t.next_row();
        t.num(0, (n + 1) as f64)?;
        t.text(1, target.map(|x| x.name.as_str()).unwrap_or(""))?;
        t.text(2, target.map(|x| x.credit_code.as_str()).unwrap_or(""))?;
        t.text(3, item)?;
        t.date(
            4,
            task.check
                .as_ref()
                .map(|c| c.date)
                .unwrap_or(result.determined),
        )?;
        t.text(5, phrase_text(result.phrase).unwrap_or(""))?;
        t.text(6, BUREAU)?;
    }
    Ok(vec![t.finish()?])
}
