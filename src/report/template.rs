//! `export tasks --template FILE.xlsx`: the office's tasks written into the workbook the
//! province hands out, so nobody retypes them. The template's header row is found as the
//! importer finds one (the first row with two or more cells; title rows above it are kept) and
//! each header is matched, after the importer's normalisation, against the task columns below
//! and the target and inspector columns with all the importer's aliases. Columns nobody knows
//! are named in the summary and left empty. The output is a new workbook with the template's
//! title rows and header row (as text; the template's own styling is not carried over).

use super::sheet::{Formats, Table};
use super::stream::{cells, Cell, Scratch};
use super::{Written, BUREAU};
use crate::domain::task::{phrase_text, Publication, Task};
use crate::domain::Period;
use crate::i18n::Lang;
use crate::import::schema::{INSPECTOR_FIELDS, TARGET_FIELDS};
use crate::import::values::{normalize_header, strip_note};
use crate::office::{belongs_to, Office, OfficeError};
use calamine::Reader;
use rust_xlsxwriter::Workbook;

/// A column of a task the template can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Seq,
    TaskId,
    Plan,
    Item,
    Period,
    Kind,
    Method,
    Team,
    Certificates,
    Checked,
    Phrase,
    Determined,
    Published,
    Handling,
    Authority,
    Row,
    /// One of the target's columns ([`TARGET_FIELDS`] index).
    Target(usize),
}

/// The task columns and the headers they go by.
const TASK_COLUMNS: &[(Col, &[&str])] = &[
    (Col::Seq, &["序号", "no.", "编号"]),
    (Col::TaskId, &["任务编号", "task", "任务号"]),
    (Col::Plan, &["抽查计划名称", "计划名称", "抽查计划", "plan"]),
    (Col::Item, &["抽查事项", "检查事项", "抽查内容", "item"]),
    (Col::Period, &["抽查期次", "期次", "period"]),
    (Col::Kind, &["抽查类型", "抽查类别", "type"]),
    (Col::Method, &["检查方式", "检查形式", "method"]),
    (
        Col::Team,
        &["检查人员", "执法人员", "检查人", "检查人员姓名", "team"],
    ),
    (
        Col::Certificates,
        &["执法证号", "执法证件号", "检查人员执法证号", "执法证编号"],
    ),
    (
        Col::Checked,
        &["检查日期", "检查时间", "实施日期", "checked"],
    ),
    (Col::Phrase, &["检查结果", "抽查结果", "检查结论", "result"]),
    (Col::Determined, &["认定日期", "结果认定日期", "determined"]),
    (Col::Published, &["公示日期", "公示时间", "published"]),
    (
        Col::Handling,
        &["处理情况", "后续处理", "处理结果", "follow-up"],
    ),
    (
        Col::Authority,
        &["检查机关", "检查单位", "实施机关", "抽查机关", "authority"],
    ),
    (Col::Row, &["分层", "row"]),
    (
        Col::Target(0),
        &["检查对象名称", "检查对象", "市场主体名称"],
    ),
];

/// The column a template header asks for, if any (a trailing note such as `（必填）` aside).
fn column_of(header: &str) -> Option<Col> {
    let h = normalize_header(header);
    if h.is_empty() {
        return None;
    }
    column_of_normalized(&h).or_else(|| strip_note(&h).and_then(column_of_normalized))
}

fn column_of_normalized(h: &str) -> Option<Col> {
    let is = |names: &[&str]| names.iter().any(|n| normalize_header(n) == h);
    for (col, names) in TASK_COLUMNS {
        if is(names) {
            return Some(*col);
        }
    }
    for (i, f) in TARGET_FIELDS.iter().enumerate() {
        if is(&[f.en, f.zh]) || is(f.aliases) {
            return Some(Col::Target(i));
        }
    }
    // The inspector registry's 执法证号 / 姓名 headers mean the team.
    for f in INSPECTOR_FIELDS.iter() {
        if is(&[f.zh]) || is(f.aliases) {
            return match f.en {
                "certificate_no" => Some(Col::Certificates),
                "name" => Some(Col::Team),
                _ => None,
            };
        }
    }
    None
}

/// What the template asked for that nobody knows, for the summary.
pub type Unknown = Vec<String>;

fn refused(name: &str, why: String, lang: Lang) -> OfficeError {
    OfficeError::Refused(format!(
        "{name}: {}{why}",
        lang.pick("模板无法读取：", "cannot read the template: ")
    ))
}

pub(super) fn fill(
    wb: &mut Workbook,
    office: &Office,
    name: &str,
    bytes: &[u8],
    period: Option<&str>,
    lang: Lang,
    unknown: &mut Unknown,
) -> Written {
    let period = period
        .map(|p| Period::parse(p).map_err(|e| OfficeError::Refused(e.localize(lang))))
        .transpose()?;
    let table = crate::import::Table::from_bytes(name, bytes)
        .map_err(|e| refused(name, e.localize(lang), lang))?;
    let headers: Vec<String> = table.headers().to_vec();
    let header_row = table.header_row().saturating_sub(1) as u32;
    // The title rows above the header, as the template has them.
    let mut above: Vec<Vec<(u32, String)>> = Vec::new();
    if header_row > 0 {
        // A CSV template's title rows are not carried over (calamine reads workbooks only).
        let book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).ok();
        let sheet = table.sheet().map(str::to_string);
        if let Some(Ok(range)) = book.and_then(|mut b| match &sheet {
            Some(s) => b.worksheet_range(s).ok().map(Ok),
            None => b.worksheet_range_at(0),
        }) {
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for r in 0..header_row {
                let mut line = Vec::new();
                if r >= r0 {
                    if let Some(row) = range.rows().nth((r - r0) as usize) {
                        for (j, v) in row.iter().enumerate() {
                            let s = v.to_string();
                            if !s.trim().is_empty() {
                                line.push((c0 + j as u32, s));
                            }
                        }
                    }
                }
                above.push(line);
            }
        }
    }
    let cols: Vec<Option<Col>> = headers.iter().map(|h| column_of(h)).collect();
    for (h, c) in headers.iter().zip(&cols) {
        if c.is_none() && !h.trim().is_empty() {
            unknown.push(h.clone());
        }
    }

    let st = office.state();
    let book = office.book();
    let fmt = Formats::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("任务", "tasks"))?;
    for (r, line) in above.iter().enumerate() {
        for (c, s) in line {
            ws.write_string_with_format(r as u32, *c as u16, s, &fmt.label)?;
        }
    }
    let head: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut t = Table::new(ws, &fmt, header_row, &head)?;
    let tasks: Vec<&Task> = book
        .tasks
        .iter()
        .filter(|t| !t.voided)
        .filter(|t| period.is_none_or(|p| belongs_to(t, p)))
        .collect();
    let mut scratch = Scratch::default();
    for (n, task) in tasks.iter().enumerate() {
        let target = st.target(task.target);
        let plan = book.plans.iter().find(|p| p.id == task.plan);
        let team: Vec<_> = task.team.iter().filter_map(|i| st.inspector(*i)).collect();
        let target_cells = target.map(|x| cells(x, lang, &mut scratch));
        t.next_row();
        for (c, col) in cols.iter().enumerate() {
            let c = c as u16;
            let Some(col) = col else { continue };
            match col {
                Col::Seq => t.num(c, (n + 1) as f64)?,
                Col::TaskId => t.num(c, task.id as f64)?,
                Col::Plan => t.text(c, plan.map(|p| p.name.as_str()).unwrap_or(""))?,
                Col::Item => t.text(c, plan.map(|p| p.item.as_str()).unwrap_or(""))?,
                Col::Period => t.text(c, &task.period)?,
                Col::Kind => t.text(
                    c,
                    match plan.is_some_and(|p| p.is_directed()) {
                        true => lang.pick("定向抽查", "directed"),
                        false => lang.pick("不定向抽查", "undirected"),
                    },
                )?,
                Col::Method => t.text(c, task.method.label(lang))?,
                Col::Team => {
                    let names: Vec<&str> = team.iter().map(|p| p.name.as_str()).collect();
                    t.text(c, &names.join("、"))?
                }
                Col::Certificates => {
                    let certs: Vec<&str> = team.iter().map(|p| p.certificate_no.as_str()).collect();
                    t.text(c, &certs.join("、"))?
                }
                Col::Checked => t.date_opt(c, task.check.as_ref().map(|x| x.date))?,
                Col::Phrase => t.text(
                    c,
                    task.result
                        .as_ref()
                        .and_then(|r| phrase_text(r.phrase))
                        .unwrap_or(""),
                )?,
                Col::Determined => t.date_opt(c, task.result.as_ref().map(|r| r.determined))?,
                Col::Published => t.date_opt(
                    c,
                    match task.publication.as_deref() {
                        Some(Publication::Published { date, .. }) => Some(*date),
                        _ => None,
                    },
                )?,
                Col::Handling => {
                    if task.result.is_some() {
                        t.text(c, &super::notice::handling(task, lang))?
                    }
                }
                Col::Authority => t.text(c, BUREAU)?,
                Col::Row => t.text(c, &task.row)?,
                Col::Target(i) => match target_cells.as_ref().and_then(|x| x.get(*i)) {
                    Some(Cell::Text(s)) => t.text(c, s)?,
                    Some(Cell::Count(v)) => t.num(c, f64::from(*v))?,
                    None => {}
                },
            }
        }
    }
    Ok(vec![t.finish()?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_by_the_importers_aliases() {
        assert_eq!(column_of("统一社会信用代码"), Some(Col::Target(1)));
        assert_eq!(column_of(" 信用代码 "), Some(Col::Target(1)));
        assert_eq!(column_of("企业名称"), Some(Col::Target(0)));
        assert_eq!(column_of("检查对象名称"), Some(Col::Target(0)));
        assert_eq!(column_of("执法证号"), Some(Col::Certificates));
        assert_eq!(column_of("检查日期"), Some(Col::Checked));
        assert_eq!(column_of("抽查事项（必填）"), Some(Col::Item));
        assert_eq!(column_of("数据来源"), None);
        assert_eq!(column_of(""), None);
    }
}
