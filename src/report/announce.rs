//! The announcement of a draw (抽取公告, `export announcement N`): the frozen pool and
//! inspectors, the input hash, the commitment SHA-256(entropy) and the public source of the
//! witness, to publish or pin up before the draw. Also the inspectors sheet of `export draw N`.

use super::sheet::{
    local_time, page_header_footer, text_width, title_block, Formats, SheetMeta, Table, Title,
    BOLD_FACTOR,
};
use super::Written;
use crate::draw::engine::DrawInput;
use crate::i18n::Lang;
use crate::office::announce::Announcement;
use crate::office::{Office, OfficeError, State};
use rust_xlsxwriter::{Workbook, XlsxError};
use std::collections::HashMap;

/// The draw record's line naming its announcement (or saying it has none).
pub(super) fn announcement_line(a: Option<&Announcement>, lang: Lang) -> (&'static str, String) {
    let label = lang.pick("抽取公告", "announcement");
    match a {
        None => (
            label,
            lang.pick(
                "无（早期抽取，未经公告，shuangsui-draw-1）",
                "none (an early draw made before announcements, shuangsui-draw-1)",
            )
            .into(),
        ),
        Some(a) => (
            label,
            format!(
                "#{} {} · {} {} · {}：{}",
                a.id,
                a.time,
                lang.pick("承诺", "commitment"),
                hex::encode(a.commitment),
                lang.pick("见证来源", "witness source"),
                a.source
            ),
        ),
    }
}

/// One row per inspector of the input: what the engine knew of them.
pub(super) fn inspectors_sheet(
    wb: &mut Workbook,
    st: &State,
    input: &DrawInput,
    about: &str,
    lang: Lang,
) -> Result<SheetMeta, XlsxError> {
    let fmt = Formats::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("检查人员", "inspectors"))?;
    let title = Title::new(
        &match lang {
            Lang::Zh => format!("参与抽取的检查人员（{about}）"),
            Lang::En => format!("inspectors of the draw ({about})"),
        },
        lang,
    );
    let mut t = Table::titled(
        ws,
        &fmt,
        &title,
        &[
            lang.pick("人员编号", "inspector id"),
            lang.pick("姓名", "name"),
            lang.pick("执法证号", "certificate"),
            lang.pick("部门", "department"),
            lang.pick("本局人员", "internal"),
            lang.pick("持有效执法证", "certified"),
            lang.pick("已有任务数", "load"),
            lang.pick("回避对象", "recused for targets"),
            lang.pick("上次检查组所在对象", "on the last team of"),
        ],
        lang,
    )?;
    let mut recused: HashMap<u64, Vec<String>> = HashMap::new();
    for (target, i) in &input.recusals {
        recused.entry(*i).or_default().push(target.to_string());
    }
    let mut last: HashMap<u64, Vec<String>> = HashMap::new();
    for (target, team) in &input.last_teams {
        for i in team {
            last.entry(*i).or_default().push(target.to_string());
        }
    }
    let yes_no = |b: bool| lang.pick(if b { "是" } else { "否" }, if b { "yes" } else { "no" });
    for i in &input.inspectors {
        let p = st.inspector(i.id);
        t.next_row();
        t.num(0, i.id as f64)?;
        t.text(1, p.map(|p| p.name.as_str()).unwrap_or(""))?;
        t.text(2, p.map(|p| p.certificate_no.as_str()).unwrap_or(""))?;
        t.text(3, &i.department)?;
        t.text(4, yes_no(i.internal))?;
        t.text(5, yes_no(i.certified))?;
        t.num(6, f64::from(i.load))?;
        t.text(
            7,
            &recused.get(&i.id).map(|v| v.join("、")).unwrap_or_default(),
        )?;
        t.text(
            8,
            &last.get(&i.id).map(|v| v.join("、")).unwrap_or_default(),
        )?;
    }
    t.finish()
}

/// `export announcement N`: the announcement, its strata, the frozen pool and inspectors.
pub(super) fn announcement(wb: &mut Workbook, office: &Office, id: u64, lang: Lang) -> Written {
    let a = office.announcement(id).map_err(|_| {
        OfficeError::NotFound(format!("{} #{id}", lang.pick("抽取公告", "announcement")))
    })?;
    let st = office.state();
    let fmt = Formats::new();
    let mut sheets = Vec::new();
    let headers = [
        lang.pick("分层", "row"),
        lang.pick("分层名称", "row name"),
        lang.pick("抽取比例", "ratio"),
        lang.pick("候选对象数", "pool"),
        lang.pick("抽取数量", "quota"),
    ];
    let last_col = (headers.len() - 1) as u16;
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("抽取公告", "announcement"))?;
    let title = Title::new(
        &match lang {
            Lang::Zh => format!("双随机抽取公告（公告 #{}，{}）", a.id, a.period),
            Lang::En => format!(
                "random inspection draw announcement #{} ({})",
                a.id, a.period
            ),
        },
        lang,
    );
    title_block(ws, &fmt, &title, headers.len() as u16)?;
    page_header_footer(ws, &title.text, lang);
    let date = a.request.date.map(|d| d.to_string()).unwrap_or_default();
    let mut info: Vec<(&str, String)> = vec![
        (
            lang.pick("抽查计划", "plan"),
            format!("#{} {}", a.plan, a.plan_name),
        ),
        (lang.pick("抽查期次", "period"), a.period.clone()),
        (lang.pick("抽取日期", "draw date"), date),
        (lang.pick("公告时间", "announced"), local_time(&a.time)),
        (lang.pick("经办人", "operator"), a.operator.clone()),
        (
            lang.pick("输入哈希", "input hash"),
            hex::encode(a.input_hash),
        ),
        (
            lang.pick("承诺 SHA-256(随机数)", "commitment SHA-256(entropy)"),
            hex::encode(a.commitment),
        ),
        (
            lang.pick("见证号码来源", "witness source"),
            a.source.clone(),
        ),
        (
            lang.pick("种子计算", "seed"),
            "seed = SHA-256(entropy || witness)".into(),
        ),
        (lang.pick("算法版本", "algorithm"), a.algorithm.clone()),
        (
            lang.pick("抽取总数 / 内部联合", "tasks / internal joint"),
            format!("{} / {}", a.preview.total, a.input.internal_joint),
        ),
        (
            lang.pick("检查组人数 / 工作量上限", "team size / workload cap"),
            format!("{} / {}", a.input.team_size, a.input.workload_cap),
        ),
        (lang.pick("状态", "state"), a.state.label(lang)),
    ];
    if let (Some(p), Some(r)) = (a.replaces, &a.reason) {
        info.push((
            lang.pick("再次公告", "announced again"),
            match lang {
                Lang::Zh => format!("前一公告 #{p}，原因：{r}"),
                Lang::En => format!("previous #{p}, reason: {r}"),
            },
        ));
    }
    if a.revealed() {
        info.push((
            lang.pick("随机数（已公开）", "entropy (revealed)"),
            hex::encode(a.entropy),
        ));
    }
    let mut label_width = 0.0f64;
    let mut row = 2u32;
    for (label, value) in &info {
        ws.write_string_with_format(row, 0, *label, &fmt.label)?;
        label_width = label_width.max(text_width(label));
        ws.merge_range(row, 1, row, last_col, value, &fmt.text)?;
        row += 1;
    }
    let mut t = Table::new(ws, &fmt, row + 1, &headers)?;
    t.note_title(&title);
    t.observe_width(0, label_width * BOLD_FACTOR);
    for s in &a.preview.strata {
        t.next_row();
        t.text(0, &s.row)?;
        t.text(1, &s.name)?;
        t.text(2, &s.ratio)?;
        t.num(3, s.pool as f64)?;
        t.num(4, s.quota as f64)?;
    }
    let blank = "＿＿＿＿＿＿＿＿＿＿";
    let text = format!(
        "{}{blank}    {}{blank}",
        lang.pick("公告人签字：", "Announced by: "),
        lang.pick("日期：", "Date: ")
    );
    let sig = t.row() + 2;
    t.ws.merge_range(sig, 0, sig, last_col, &text, &fmt.text)?;
    sheets.push(t.finish()?);

    // The frozen pool, in canonical order.
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("抽取池", "pool"))?;
    let pool_title = Title::new(
        &match lang {
            Lang::Zh => format!("抽取池（公告 #{}，{}）", a.id, a.period),
            Lang::En => format!("pool of announcement #{} ({})", a.id, a.period),
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
        ],
        lang,
    )?;
    for s in &a.input.strata {
        for (i, id) in s.pool.iter().enumerate() {
            let target = st.target(*id);
            t.next_row();
            t.text(0, &s.row)?;
            t.num(1, (i + 1) as f64)?;
            t.num(2, *id as f64)?;
            t.text(3, target.map(|x| x.name()).unwrap_or(""))?;
            t.text(4, target.map(|x| x.credit_code.as_str()).unwrap_or(""))?;
        }
    }
    sheets.push(t.finish()?);
    let about = match lang {
        Lang::Zh => format!("公告 #{}，{}", a.id, a.period),
        Lang::En => format!("announcement #{}, {}", a.id, a.period),
    };
    sheets.push(inspectors_sheet(wb, &st, &a.input, &about, lang)?);
    Ok(sheets)
}
