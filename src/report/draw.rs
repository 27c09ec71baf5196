//! The draw record (抽查结果): what was drawn, from which pool, with what seed, how to re-check
//! it, and lines for the witnesses and the operator to sign. Print-ready: landscape, fits the
//! width, the table header repeats on every page.

use super::sheet::{
    draw_day, local_time, office_offset, page_header_footer, text_width, title_block, Formats,
    Table, Title, BOLD_FACTOR,
};
use super::Written;
use crate::domain::task::DrawId;
use crate::draw::sampler;
use crate::i18n::Lang;
use crate::office::{Office, OfficeError};
use rust_xlsxwriter::Workbook;
use std::collections::HashMap;

pub(super) fn draw(
    wb: &mut Workbook,
    office: &Office,
    id: DrawId,
    lang: Lang,
    progress: &dyn Fn(f64),
) -> Written {
    let st = office.state();
    let book = office.book();
    let d = book
        .draws
        .iter()
        .find(|d| d.id == id)
        .ok_or_else(|| OfficeError::NotFound(format!("{} #{id}", lang.pick("抽取", "draw"))))?;
    let rules = &*office.rules();
    let fmt = Formats::new();
    let mut sheets = Vec::new();

    // ---- sheet 1: the record, the targets, the signatures
    let headers = [
        lang.pick("序号", "No."),
        lang.pick("分层", "row"),
        lang.pick("分层名称", "row name"),
        lang.pick("单位名称", "name"),
        lang.pick("统一社会信用代码", "credit code"),
        lang.pick("生产经营场所地址", "address"),
        lang.pick("检查组", "team"),
        lang.pick("联合类型", "joint"),
        lang.pick("检查方式", "method"),
    ];
    let last_col = (headers.len() - 1) as u16;
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("抽查结果", "draw record"))?;
    let title = Title::new(
        &match lang {
            Lang::Zh => format!("双随机抽查结果（抽取 #{}，{}）", d.id, d.period),
            Lang::En => format!("random inspection draw #{} ({})", d.id, d.period),
        },
        lang,
    );
    title_block(ws, &fmt, &title, headers.len() as u16)?;
    page_header_footer(ws, &title.text, lang);
    let state = match &d.voided {
        None => lang.pick("有效", "committed").to_string(),
        Some(v) => format!(
            "{}{}（{} {}）",
            lang.pick("已作废：", "voided: "),
            v.reason,
            v.by,
            local_time(&v.time)
        ),
    };
    let info: Vec<(&str, String)> = vec![
        (
            lang.pick("抽查计划", "plan"),
            format!("#{} {}", d.plan, d.plan_name),
        ),
        (lang.pick("抽查期次", "period"), d.period.clone()),
        (lang.pick("抽取时间", "time"), local_time(&d.time)),
        (lang.pick("操作人", "operator"), d.operator.clone()),
        (lang.pick("随机种子", "seed"), sampler::seed_hex(&d.seed)),
        (
            lang.pick("系统随机数", "OS entropy"),
            d.entropy.map(hex::encode).unwrap_or_else(|| {
                lang.pick("（以给定种子重放）", "(replayed from a given seed)")
                    .into()
            }),
        ),
        (lang.pick("见证号码", "witness"), d.witness.clone()),
        (lang.pick("池哈希", "pool hash"), hex::encode(d.pool_hash)),
        (lang.pick("算法版本", "algorithm"), d.algorithm.clone()),
        super::announce::announcement_line(
            crate::office::announce::announcement_for(d.id, &book.announcements),
            lang,
        ),
        (
            lang.pick("检查组人数 / 工作量上限", "team size / workload cap"),
            format!("{} / {}", d.input.team_size, d.input.workload_cap),
        ),
        (
            lang.pick("联合部门", "partners"),
            d.input.partners.join("、"),
        ),
        (
            lang.pick("消耗随机字数", "words consumed"),
            d.outcome.words_consumed.to_string(),
        ),
        (
            lang.pick("复核命令", "re-check with"),
            format!("shuangsui verify --draw {}", d.id),
        ),
        (lang.pick("状态", "state"), state),
    ];
    let date_label = lang.pick("抽取日期", "draw date");
    // Rows 1..: the record; the draw date as a real date, the rest merged across the table.
    // The office's day of the draw (a draw at 23:30 UTC is the next day in Beijing). A date
    // given to the draw (`--date`) differs from the UTC day of its time and is kept as given.
    let day = draw_day(d.date, &d.time, office_offset());
    let mut label_width = text_width(date_label);
    ws.write_string_with_format(2, 0, date_label, &fmt.label)?;
    ws.write_date_with_format(2, 1, super::sheet::excel_date(day)?, &fmt.date)?;
    let mut row = 3u32;
    for (label, value) in &info {
        ws.write_string_with_format(row, 0, *label, &fmt.label)?;
        label_width = label_width.max(text_width(label));
        ws.merge_range(row, 1, row, last_col, value, &fmt.text)?;
        row += 1;
    }
    let header_row = row + 1;
    let mut t = Table::new(ws, &fmt, header_row, &headers)?;
    t.note_title(&title);
    // The labels share column A with the table.
    t.observe_width(0, label_width * BOLD_FACTOR);
    t.observe(1, "0000-00-00 ");
    let names: HashMap<u64, &str> = st
        .inspectors
        .iter()
        .map(|p| (p.id, p.name.as_str()))
        .collect();
    for (n, tid) in d.tasks.iter().enumerate() {
        let Some(task) = book.tasks.iter().find(|t| t.id == *tid) else {
            continue;
        };
        let target = st.target(task.target);
        t.next_row();
        t.num(0, (n + 1) as f64)?;
        t.text(1, &task.row)?;
        t.text(
            2,
            rules
                .row(&task.row)
                .map(|r| lang.pick(&r.short_zh, &r.short_en))
                .unwrap_or(""),
        )?;
        t.text(3, target.map(|x| x.name()).unwrap_or(""))?;
        t.text(4, target.map(|x| x.credit_code.as_str()).unwrap_or(""))?;
        t.text(5, target.map(|x| x.address()).unwrap_or(""))?;
        let team: Vec<String> = task
            .team
            .iter()
            .map(|i| {
                names
                    .get(i)
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| format!("#{i}"))
            })
            .collect();
        t.text(6, &team.join("、"))?;
        t.text(7, &task.joint_kind().label(lang))?;
        t.text(8, task.method.label(lang))?;
    }
    // Signature lines under the table (outside the autofilter).
    let blank = "＿＿＿＿＿＿＿＿＿＿";
    let lines = [
        lang.pick("见证人签字：", "Witness: "),
        lang.pick("见证人签字：", "Witness: "),
        lang.pick("操作人签字：", "Operator: "),
    ];
    for (sig, label) in (t.row() + 2..).zip(lines) {
        let text = format!("{label}{blank}    {}{blank}", lang.pick("日期：", "Date: "));
        t.ws.merge_range(sig, 0, sig, last_col.min(5), &text, &fmt.text)?;
        t.ws.set_row_height(sig, 28)?;
    }
    sheets.push(t.finish()?);
    progress(0.3);

    // ---- sheet 2: the whole pool, in canonical order, the picks marked
    let ws = wb.add_worksheet_with_constant_memory();
    ws.set_name(lang.pick("抽取池", "pool"))?;
    let pool_title = Title::new(
        &match lang {
            Lang::Zh => format!("抽取池（抽取 #{}，{}）", d.id, d.period),
            Lang::En => format!("pool of draw #{} ({})", d.id, d.period),
        },
        lang,
    );
    let mut t = Table::titled(
        ws,
        &fmt,
        &pool_title,
        &[
            lang.pick("分层", "row"),
            lang.pick("池内序号", "pool index"),
            lang.pick("对象编号", "target id"),
            lang.pick("单位名称", "name"),
            lang.pick("统一社会信用代码", "credit code"),
            lang.pick("是否抽中", "picked"),
            lang.pick("抽中顺序", "pick order"),
        ],
        lang,
    )?;
    let total: usize = d
        .input
        .strata
        .iter()
        .map(|s| s.pool.len())
        .sum::<usize>()
        .max(1);
    let mut done = 0usize;
    for s in &d.input.strata {
        let picks: HashMap<u64, usize> = d
            .outcome
            .picks
            .iter()
            .filter(|(r, _)| *r == s.row)
            .flat_map(|(_, ids)| ids.iter().enumerate().map(|(i, id)| (*id, i + 1)))
            .collect();
        for (i, id) in s.pool.iter().enumerate() {
            let target = st.target(*id);
            t.next_row();
            t.text(0, &s.row)?;
            t.num(1, (i + 1) as f64)?;
            t.num(2, *id as f64)?;
            t.text(3, target.map(|x| x.name()).unwrap_or(""))?;
            t.text(4, target.map(|x| x.credit_code.as_str()).unwrap_or(""))?;
            match picks.get(id) {
                Some(order) => {
                    t.text(5, lang.pick("是", "yes"))?;
                    t.num(6, *order as f64)?;
                }
                None => t.text(5, lang.pick("否", "no"))?,
            }
            done += 1;
            if done.is_multiple_of(8192) {
                progress(0.3 + 0.7 * done as f64 / total as f64);
            }
        }
    }
    sheets.push(t.finish()?);
    let about = match lang {
        Lang::Zh => format!("抽取 #{}，{}", d.id, d.period),
        Lang::En => format!("draw #{}, {}", d.id, d.period),
    };
    sheets.push(super::announce::inspectors_sheet(
        wb, &st, &d.input, &about, lang,
    )?);
    Ok(sheets)
}
