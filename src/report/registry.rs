//! Registry and plan exports: exactly the importer's headers (docs/CONTRACTS.md) and value
//! words, so importing an export finds every row unchanged.

use super::sheet::{Formats, Table, Title};
use super::Written;
use crate::domain::plan::{JointKind, Plan};
use crate::domain::{DepartmentKind, Target, PLAN_HEADERS};
use crate::i18n::Lang;
use crate::import::schema::{CONFLICT_FIELDS, DEPARTMENT_FIELDS, INSPECTOR_FIELDS};
use crate::office::State;
use rust_xlsxwriter::{Workbook, XlsxError};

use super::columns::{headers, RegistryKind};

/// A list cell: the importer splits on `、` and `;`.
fn list(items: &[String], lang: Lang) -> String {
    items.join(lang.pick("、", "; "))
}

fn department_kind(k: DepartmentKind, lang: Lang) -> &'static str {
    match k {
        DepartmentKind::Internal => lang.pick("内部", "internal"),
        DepartmentKind::External => lang.pick("外部", "external"),
    }
}

/// The title of a registry's sheet.
fn kind_title(kind: RegistryKind, lang: Lang) -> &'static str {
    kind.sheet_name(lang)
}

pub(super) fn registry(wb: &mut Workbook, st: &State, kind: RegistryKind, lang: Lang) -> Written {
    let fmt = Formats::new();
    let ws = wb.add_worksheet_with_constant_memory();
    ws.set_name(kind.sheet_name(lang))?;
    let title = Title::new(kind_title(kind, lang), lang);
    let meta = match kind {
        RegistryKind::Targets => {
            return Err(super::Fail::Xlsx(XlsxError::ParameterError(
                "the targets registry is streamed by write_targets".into(),
            )))
        }
        RegistryKind::Inspectors => {
            let mut t = Table::titled(ws, &fmt, &title, &headers(&INSPECTOR_FIELDS, lang), lang)?;
            for p in &st.inspectors {
                t.next_row();
                t.text(0, &p.name)?;
                t.text(1, &p.department)?;
                t.text(2, &p.certificate_no)?;
                t.date_opt(3, p.certificate_valid_until)?;
                t.text(4, &p.post)?;
                t.num(5, f64::from(p.years_of_work))?;
                t.text(6, &list(&p.expertise, lang))?;
                t.text(7, p.status.label(lang))?;
            }
            t.finish()?
        }
        RegistryKind::Departments => {
            let mut t = Table::titled(ws, &fmt, &title, &headers(&DEPARTMENT_FIELDS, lang), lang)?;
            for d in &st.departments {
                t.next_row();
                t.text(0, &d.code)?;
                t.text(1, &d.name)?;
                t.text(2, department_kind(d.kind, lang))?;
            }
            t.finish()?
        }
        RegistryKind::Conflicts => {
            let mut t = Table::titled(ws, &fmt, &title, &headers(&CONFLICT_FIELDS, lang), lang)?;
            for c in &st.conflicts {
                let (Some(p), Some(target)) = (st.inspector(c.inspector), st.target(c.target))
                else {
                    continue;
                };
                t.next_row();
                t.text(0, &p.certificate_no)?;
                t.text(1, target.credit_code.as_str())?;
                t.text(2, &c.reason)?;
            }
            t.finish()?
        }
        RegistryKind::Items => super::items::item_list(ws, &fmt, &title, st, lang)?,
    };
    Ok(vec![meta])
}

/// The targets registry written to `path` from `targets` (the streamed writer of
/// [`super::stream`]); `wb` carries the document properties. The bench calls this with a
/// synthetic registry, [`super::export`] with the office's.
pub fn write_targets(
    wb: Workbook,
    targets: &[Target],
    lang: Lang,
    path: &std::path::Path,
    progress: &dyn Fn(f64),
) -> Result<super::SheetMeta, XlsxError> {
    let title = Title::new(kind_title(RegistryKind::Targets, lang), lang);
    super::stream::save_targets(wb, targets, lang, &title, path, progress)
}

/// The targets sheet written cell by cell through [`Table`] (constant-memory mode): the
/// reference the streamed writer is tested against.
#[cfg(test)]
pub(super) fn targets_table(
    ws: &mut rust_xlsxwriter::Worksheet,
    fmt: &Formats,
    targets: &[Target],
    lang: Lang,
    title: &super::sheet::Title,
) -> Result<super::SheetMeta, XlsxError> {
    use super::stream::{cells, Cell, Scratch};
    use crate::import::schema::TARGET_FIELDS;
    let mut t = Table::titled(ws, fmt, title, &headers(&TARGET_FIELDS, lang), lang)?;
    let mut s = Scratch::default();
    for x in targets {
        t.next_row();
        for (c, cell) in cells(x, lang, &mut s).into_iter().enumerate() {
            match cell {
                Cell::Text(v) => t.text(c as u16, v)?,
                Cell::Count(n) => t.count(c as u16, n)?,
            }
        }
    }
    t.finish()
}

/// The plan's 联合类型 and 联合部门 cells, in the words the importer reads.
fn joint_cells(j: &JointKind) -> (&'static str, String) {
    match j {
        JointKind::None => ("无", String::new()),
        JointKind::Internal => ("内部联合", String::new()),
        JointKind::Departments(codes) => ("部门联合", codes.join("；")),
    }
}

/// Wrap widths (in digits) of the published plan's eight columns; 0 = no wrap.
const PLAN_WRAP: [f64; 8] = [0.0, 26.0, 14.0, 34.0, 26.0, 0.0, 0.0, 14.0];

/// The annual plan. First sheet: exactly the source attachment's eight columns, as published
/// (wrapped, landscape, one page wide). Second sheet, named `…（导入）` so the importer reads
/// it: the plan file's fourteen columns with the office's six (抽查范围, 适用分层, ...), which
/// re-imports unchanged. The plan importer reads only these headers, so they stay Chinese in
/// every language.
pub(super) fn plans(wb: &mut Workbook, all: &[Plan], year: i32, lang: Lang) -> Written {
    let fmt = Formats::new();
    let mut rows: Vec<&Plan> = all.iter().filter(|p| p.year == year).collect();
    rows.sort_by_key(|p| p.seq);
    let report = |what: &str| {
        Title::new(
            &match lang {
                Lang::Zh => format!("{year} 年度双随机抽查计划{what}"),
                Lang::En => format!("{year} annual random inspection plan{what}"),
            },
            lang,
        )
    };

    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("抽查计划", "plan"))?;
    let mut t = Table::titled(ws, &fmt, &report(""), &PLAN_HEADERS[..8], lang)?;
    for (c, w) in PLAN_WRAP.iter().enumerate() {
        if *w > 0.0 {
            t.wrap_column(c as u16, *w);
        }
    }
    for p in &rows {
        t.next_row();
        let cells = [
            p.name.as_str(),
            p.category.as_str(),
            p.item.as_str(),
            p.object.as_str(),
            p.item_class.label(Lang::Zh),
            p.method.label(Lang::Zh),
            p.date_text.as_str(),
        ];
        t.num(0, f64::from(p.seq))?;
        let mut lines = 1.0f64;
        for (c, v) in (1u16..).zip(cells) {
            t.text(c, v)?;
            let wrap = PLAN_WRAP[c as usize];
            if wrap > 0.0 {
                lines = lines.max((super::sheet::text_width(v) / wrap).ceil());
            }
        }
        let row = t.row();
        t.ws.set_row_height(row, 15.0 * lines + 2.0)?;
    }
    let mut sheets = vec![t.finish()?];

    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("抽查计划（导入）", "plan (import)"))?;
    let mut t = Table::titled(
        ws,
        &fmt,
        &report(lang.pick(
            "（含本局内部列，供导入）",
            " with the office's columns, for import",
        )),
        &PLAN_HEADERS,
        lang,
    )?;
    for p in rows {
        t.next_row();
        t.num(0, f64::from(p.seq))?;
        t.text(1, &p.name)?;
        t.text(2, &p.category)?;
        t.text(3, &p.item)?;
        t.text(4, &p.object)?;
        t.text(5, p.item_class.label(Lang::Zh))?;
        t.text(6, p.method.label(Lang::Zh))?;
        t.text(7, &p.date_text)?;
        t.text(8, &p.scope)?;
        t.text(9, &p.required_expertise.join("；"))?;
        let (kind, codes) = joint_cells(&p.joint);
        t.text(10, kind)?;
        t.text(11, &codes)?;
        if let Some(r) = p.chosen_ratio {
            t.num(12, r)?;
        }
        t.text(13, &p.rows.join(";"))?;
    }
    sheets.push(t.finish()?);
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    use super::super::columns::{months, yes_no};
    use super::*;
    use crate::domain::MonthSet;
    use crate::import::values::{parse_bool, parse_list};

    #[test]
    fn value_words_parse_back() {
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(parse_bool(yes_no(true, lang)), Some(true));
            assert_eq!(parse_bool(yes_no(false, lang)), Some(false));
            let items = vec!["废气".to_string(), "废水".to_string()];
            assert_eq!(parse_list(&list(&items, lang)), items);
            for k in [DepartmentKind::Internal, DepartmentKind::External] {
                assert_eq!(DepartmentKind::parse(department_kind(k, lang)), Some(k));
            }
            for m in [MonthSet::ALL, MonthSet(0b1100_0000_0011)] {
                assert_eq!(MonthSet::parse(&months(m, lang)), Some(m));
            }
        }
        for j in [
            JointKind::None,
            JointKind::Internal,
            JointKind::Departments(vec!["SCJG".into(), "YJGL".into()]),
        ] {
            let (k, c) = joint_cells(&j);
            assert_eq!(JointKind::parse(k, &c), Ok(j));
        }
    }
}
