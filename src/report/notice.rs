//! The publication notice (一公开): what goes on the county government website for results
//! determined between two dates — one row per result to publish, natural persons' names masked
//! (张*明) and their codes omitted. Written as XLSX or as an HTML table to paste into the site's
//! editor; both come from the same [`notice_rows`]. Exempt results (不予公示) appear only in the
//! office's own copy, with their ground.

use super::sheet::{now_local, Formats, Table, Title};
use super::{Written, BUREAU};
use crate::domain::task::{phrase_is_problem, phrase_text, Publication, Task};
use crate::domain::Target;
use crate::i18n::Lang;
use crate::office::Office;
use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

/// What to put in the notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeSpec {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The office's own copy: exempt results too, with their ground.
    pub own_copy: bool,
    /// The day the notice is made (公示日期 of results not yet published).
    pub today: NaiveDate,
}

/// One row of the notice.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NoticeRow {
    pub name: String,
    /// Empty for a natural person.
    pub credit_code: String,
    pub item: String,
    /// 定向抽查 / 不定向抽查
    pub kind: String,
    pub checked: Option<NaiveDate>,
    /// The standard phrase of the result.
    pub phrase: String,
    /// 处理情况
    pub handling: String,
    /// 公示日期: the day published, else the day the notice is made.
    pub published: NaiveDate,
    /// The ground of an exempt result (the office's own copy only).
    pub exempt: Option<String>,
}

/// Words in the names of organisations and businesses (a name with none of them, 2 to 4 Han
/// characters long, is a person's).
const ORGANISATION_WORDS: &[&str] = &[
    "公司", "厂", "店", "场", "站", "所", "部", "中心", "局", "院", "校", "社", "队", "馆", "行",
    "会", "处", "室", "园", "村", "组", "矿", "业", "坊", "库", "行", "堂", "楼",
];

/// Whether a target is a natural person: tagged 自然人 or 个人, or named like a person.
pub fn is_natural_person(t: &Target) -> bool {
    if t.tags.iter().any(|g| g == "自然人" || g == "个人") {
        return true;
    }
    let n = t.name().trim();
    let len = n.chars().count();
    (2..=4).contains(&len)
        && n.chars()
            .all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c) || c == '·')
        && !ORGANISATION_WORDS.iter().any(|w| n.contains(w))
}

/// A person's name masked: the first and last characters kept, the rest `*` (张*明, 张*, 欧**明).
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut s = String::new();
            s.push(chars[0]);
            s.extend(std::iter::repeat_n('*', n - 2));
            s.push(chars[n - 1]);
            s
        }
    }
}

/// 处理情况 of a task: the furthest step of its follow-up.
pub(super) fn handling(t: &Task, lang: Lang) -> String {
    let f = &t.follow_up;
    let problem = t
        .result
        .as_ref()
        .is_some_and(|r| phrase_is_problem(r.phrase));
    if f.transferred_to_judiciary.is_some() {
        lang.pick("已移送司法机关", "transferred to the judiciary")
            .into()
    } else if !f.case_number.trim().is_empty() {
        lang.pick("已立案查处", "case filed").into()
    } else if f.rectified_on.is_some() {
        lang.pick("已整改到位", "rectified").into()
    } else if f.handed_to_enforcement.is_some() {
        lang.pick("已移交执法部门", "handed to enforcement").into()
    } else if f.rectification_due.is_some() || problem {
        lang.pick("责令限期整改", "ordered to rectify").into()
    } else {
        lang.pick("无", "none").into()
    }
}

/// The rows of the notice: results determined from `spec.from` to `spec.to` (inclusive) of
/// tasks not voided, sorted by the determination date; exempt ones only in the own copy.
pub fn notice_rows(office: &Office, spec: &NoticeSpec, lang: Lang) -> Vec<NoticeRow> {
    let st = office.state();
    let book = office.book();
    let mut tasks: Vec<(&Task, NaiveDate, u8)> = book
        .tasks
        .iter()
        .filter(|t| !t.voided)
        .filter_map(|t| t.result.as_ref().map(|r| (t, r.determined, r.phrase)))
        .filter(|(_, d, _)| (spec.from..=spec.to).contains(d))
        .filter(|(t, ..)| {
            spec.own_copy || !matches!(t.publication.as_deref(), Some(Publication::Exempt { .. }))
        })
        .collect();
    tasks.sort_by_key(|(t, d, _)| (*d, t.id));
    tasks
        .into_iter()
        .map(|(t, _, phrase)| {
            let target = st.target(t.target);
            let person = target.is_some_and(is_natural_person);
            let name = target.map(|x| x.name().to_string()).unwrap_or_default();
            let plan = book.plans.iter().find(|p| p.id == t.plan);
            NoticeRow {
                name: if person { mask_name(&name) } else { name },
                credit_code: match (person, target) {
                    (false, Some(x)) => x.credit_code.as_str().to_string(),
                    _ => String::new(),
                },
                item: plan.map(|p| p.item.clone()).unwrap_or_default(),
                kind: match plan.is_some_and(|p| p.is_directed()) {
                    true => lang.pick("定向抽查", "directed").into(),
                    false => lang.pick("不定向抽查", "undirected").into(),
                },
                checked: t.check.as_ref().map(|c| c.date),
                phrase: phrase_text(phrase).unwrap_or("").into(),
                handling: handling(t, lang),
                published: match t.publication.as_deref() {
                    Some(Publication::Published { date, .. }) => *date,
                    _ => spec.today,
                },
                exempt: match t.publication.as_deref() {
                    Some(Publication::Exempt { reason, .. }) => Some(reason.clone()),
                    _ => None,
                },
            }
        })
        .collect()
}

fn headers(own_copy: bool, lang: Lang) -> Vec<&'static str> {
    let mut h = vec![
        lang.pick("序号", "No."),
        lang.pick("检查对象名称", "target"),
        lang.pick("统一社会信用代码", "credit code"),
        lang.pick("抽查事项", "inspection item"),
        lang.pick("抽查类型", "type"),
        lang.pick("检查日期", "checked"),
        lang.pick("检查结果", "result"),
        lang.pick("处理情况", "follow-up"),
        lang.pick("公示日期", "published"),
        lang.pick("检查机关", "authority"),
    ];
    if own_copy {
        h.push(lang.pick("不予公示依据（本局留存）", "exempt: ground (office copy)"));
    }
    h
}

/// The notice's title.
pub fn notice_title(spec: &NoticeSpec, lang: Lang) -> String {
    let own = if spec.own_copy {
        lang.pick("（本局留存）", " (office copy)")
    } else {
        ""
    };
    match lang {
        Lang::Zh => format!("双随机抽查结果公示（{} 至 {}）{own}", spec.from, spec.to),
        Lang::En => format!(
            "random inspection results, {} to {}{own}",
            spec.from, spec.to
        ),
    }
}

pub(super) fn notice(wb: &mut Workbook, office: &Office, spec: &NoticeSpec, lang: Lang) -> Written {
    let rows = notice_rows(office, spec, lang);
    let fmt = Formats::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("结果公示", "notice"))?;
    let title = Title::new(&notice_title(spec, lang), lang);
    let mut t = Table::titled(ws, &fmt, &title, &headers(spec.own_copy, lang), lang)?;
    for (n, r) in rows.iter().enumerate() {
        t.next_row();
        t.num(0, (n + 1) as f64)?;
        t.text(1, &r.name)?;
        t.text(2, &r.credit_code)?;
        t.text(3, &r.item)?;
        t.text(4, &r.kind)?;
        t.date_opt(5, r.checked)?;
        t.text(6, &r.phrase)?;
        t.text(7, &r.handling)?;
        t.date(8, r.published)?;
        t.text(9, BUREAU)?;
        if let Some(g) = &r.exempt {
            t.text(10, &format!("{}{g}", lang.pick("不予公示：", "exempt: ")))?;
        }
    }
    Ok(vec![t.finish()?])
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The notice as an HTML table (a whole page; the `<table>` pastes into the site's editor).
pub fn notice_html(office: &Office, spec: &NoticeSpec, lang: Lang) -> String {
    let rows = notice_rows(office, spec, lang);
    let title = format!("{BUREAU} {}", notice_title(spec, lang));
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"");
    h.push_str(lang.pick("zh-CN", "en"));
    h.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    h.push_str(&esc(&title));
    h.push_str("</title>\n</head>\n<body>\n<table border=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n<caption>");
    h.push_str(&esc(&title));
    h.push_str("</caption>\n<thead>\n<tr>");
    for c in headers(spec.own_copy, lang) {
        h.push_str("<th>");
        h.push_str(&esc(c));
        h.push_str("</th>");
    }
    h.push_str("</tr>\n</thead>\n<tbody>\n");
    for (n, r) in rows.iter().enumerate() {
        let mut cells = vec![
            (n + 1).to_string(),
            r.name.clone(),
            r.credit_code.clone(),
            r.item.clone(),
            r.kind.clone(),
            r.checked.map(|d| d.to_string()).unwrap_or_default(),
            r.phrase.clone(),
            r.handling.clone(),
            r.published.to_string(),
            BUREAU.to_string(),
        ];
        if spec.own_copy {
            cells.push(
                r.exempt
                    .as_ref()
                    .map(|g| format!("{}{g}", lang.pick("不予公示：", "exempt: ")))
                    .unwrap_or_default(),
            );
        }
        h.push_str("<tr>");
        for c in cells {
            h.push_str("<td>");
            h.push_str(&esc(&c));
            h.push_str("</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n<p>");
    h.push_str(&esc(&format!(
        "{}{}",
        lang.pick("制表时间：", "made: "),
        now_local()
    )));
    h.push_str("</p>\n</body>\n</html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_masked() {
        assert_eq!(mask_name("张三明"), "张*明");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳小明"), "欧**明");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn persons_are_told_from_organisations() {
        let mut t = crate::synth::targets(1, 1).remove(0);
        t.tags.clear();
        t.set_name("张三明");
        assert!(is_natural_person(&t));
        t.set_name("宜良县某某水泥有限公司");
        assert!(!is_natural_person(&t));
        t.set_name("顺益汽修店");
        assert!(!is_natural_person(&t));
        t.tags.push("自然人".into());
        assert!(is_natural_person(&t));
    }

    #[test]
    fn html_escapes() {
        assert_eq!(esc("<a & 'b'>"), "&lt;a &amp; &#39;b&#39;&gt;");
    }
}
