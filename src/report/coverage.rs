//! The coverage sheet of the quarterly workbook (issue 18): the fairness verdict of the three
//! years up to the period's year, inclusion by Table 1 row and by town against the ratio, and
//! every inspector's team places against the expected share, from `office.coverage` (the same
//! as `coverage --json`); a chart of expected against drawn per town beside the table.

use super::sheet::{Formats, SheetMeta, Table, Title, HEADER_ROW};
use super::Fail;
use crate::i18n::Lang;
use crate::office::coverage::{years_text, Coverage, Inclusion};
use crate::office::Office;
use rust_xlsxwriter::{Chart, ChartDataLabel, ChartLegendPosition, ChartType, Workbook};

/// How many years the sheet covers, ending with the period's year.
pub const YEARS: i32 = 3;

/// The sheet's name.
pub fn sheet_name(lang: Lang) -> &'static str {
    lang.pick("抽查覆盖", "coverage")
}

/// The headers, in order.
pub fn headers(lang: Lang) -> [&'static str; 9] {
    [
        lang.pick("分组", "group"),
        lang.pick("名称", "name"),
        lang.pick("比例", "ratio"),
        lang.pick("池内人次", "in pool"),
        lang.pick("期望", "expected"),
        lang.pick("实际", "actual"),
        lang.pick("抽中率", "rate"),
        lang.pick("期望率", "expected rate"),
        "z",
    ]
}

fn inclusion_row(t: &mut Table, group: &str, i: &Inclusion) -> Result<(), Fail> {
    t.next_row();
    t.text(0, group)?;
    t.text(1, &i.key)?;
    t.text(2, &i.ratio)?;
    t.num(3, i.pool as f64)?;
    t.num(4, (i.expected * 100.0).round() / 100.0)?;
    t.num(5, i.observed as f64)?;
    t.percent(6, i.rate * 100.0)?;
    t.percent(7, i.expected_rate * 100.0)?;
    if let Some(z) = i.z {
        t.num(8, (z * 100.0).round() / 100.0)?;
    }
    Ok(())
}

/// Write the sheet for the years `year − 2 ..= year`.
pub(super) fn sheet(
    wb: &mut Workbook,
    office: &Office,
    year: i32,
    lang: Lang,
) -> Result<SheetMeta, Fail> {
    let c = office.coverage(year - (YEARS - 1), year)?;
    write(wb, &c, lang)
}

fn write(wb: &mut Workbook, c: &Coverage, lang: Lang) -> Result<SheetMeta, Fail> {
    let name = sheet_name(lang);
    let fmt = Formats::new();
    let years = years_text(c.from, c.to);
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let title = Title::new(
        &match lang {
            Lang::Zh => format!("{years} 双随机抽查覆盖情况（计入抽取 {} 次）", c.draws),
            Lang::En => format!("Coverage {years} ({} draws counted)", c.draws),
        },
        lang,
    );
    let mut t = Table::titled(ws, &fmt, &title, &headers(lang), lang)?;
    t.next_row();
    t.text(0, lang.pick("公平性检验", "fairness test"))?;
    t.text(1, &c.fairness.text)?;
    let row_group = lang.pick("按行", "row");
    for i in &c.rows {
        inclusion_row(&mut t, row_group, i)?;
    }
    let town_group = lang.pick("按乡镇", "town");
    let first_town = t.row() + 1;
    for i in &c.towns {
        inclusion_row(&mut t, town_group, i)?;
    }
    let last_town = t.row();
    let group = lang.pick("检查人员", "inspector");
    for i in &c.inspectors {
        t.next_row();
        t.text(0, group)?;
        t.text(1, &i.name)?;
        t.num(3, i.eligible_draws as f64)?;
        t.num(4, (i.expected * 100.0).round() / 100.0)?;
        t.num(5, i.observed as f64)?;
        if let Some(z) = i.z {
            t.num(8, (z * 100.0).round() / 100.0)?;
        }
    }
    if !c.towns.is_empty() {
        let mut chart = Chart::new(ChartType::Column);
        for col in [4u16, 5] {
            chart
                .add_series()
                .set_name((name, HEADER_ROW, col))
                .set_categories((name, first_town, 1, last_town, 1))
                .set_values((name, first_town, col, last_town, col))
                .set_data_label(ChartDataLabel::new().show_value());
        }
        chart.title().set_name(&match lang {
            Lang::Zh => format!("{years} 各乡镇抽中次数与期望"),
            Lang::En => format!("{years} drawn against expected per town"),
        });
        chart.x_axis().set_name(lang.pick("乡镇", "town"));
        chart.y_axis().set_name(lang.pick("次数", "visits"));
        chart.legend().set_position(ChartLegendPosition::Bottom);
        chart.set_width(640).set_height(300);
        t.ws.insert_chart(HEADER_ROW, 10, &chart)?;
    }
    Ok(t.finish()?)
}
