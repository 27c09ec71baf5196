//! The coverage panel's lines (issue 18): the verdict first, then rows, towns, the targets
//! never drawn or most visited, the inspectors and repeated pairs, from `office::coverage`.
//! Shown in the report panel (scrollable), so every line fits any width by scrolling.

use crate::i18n::Lang;
use crate::office::coverage::{pct, Coverage, Inclusion};

fn inclusion(i: &Inclusion, lang: Lang) -> String {
    let ratio = if i.ratio.is_empty() {
        String::new()
    } else {
        format!(" {}", i.ratio)
    };
    format!(
        "  {}{ratio}：{} {:.1} / {} {}（{} {} / {}）",
        i.key,
        lang.pick("期望", "expected"),
        i.expected,
        lang.pick("实际", "drawn"),
        i.observed,
        lang.pick("抽中率", "rate"),
        pct(i.rate),
        pct(i.expected_rate)
    )
}

/// The panel's lines.
pub fn lines(c: &Coverage, lang: Lang) -> Vec<String> {
    let mut out = vec![
        c.fairness.text.clone(),
        match lang {
            Lang::Zh => format!(
                "计入抽取 {} 次；卡方 {:.2}，自由度 {}",
                c.draws, c.fairness.chi2, c.fairness.df
            ),
            Lang::En => format!(
                "{} draws; chi-square {:.2}, df {}",
                c.draws, c.fairness.chi2, c.fairness.df
            ),
        },
        String::new(),
        lang.pick("按行", "By row").to_string(),
    ];
    out.extend(c.rows.iter().map(|i| inclusion(i, lang)));
    out.push(lang.pick("按乡镇", "By town").to_string());
    out.extend(c.towns.iter().map(|i| inclusion(i, lang)));
    out.push(format!(
        "{}（{}）",
        lang.pick("从未抽中", "Never drawn"),
        c.never_drawn.len()
    ));
    out.extend(c.never_drawn.iter().map(|t| {
        format!(
            "  #{} {} {}：{} {}",
            t.id,
            t.name,
            t.town,
            lang.pick("从未抽中的概率", "chance of none"),
            pct(t.p_never)
        )
    }));
    out.push(lang.pick("抽中最多", "Most visited").to_string());
    out.extend(c.most_visited.iter().map(|t| {
        let why: Vec<&str> = t.visits.iter().map(|v| v.why.label(lang)).collect();
        format!(
            "  #{} {}：{} {}（{} {:.2}）{}",
            t.id,
            t.name,
            t.observed,
            lang.pick("次", "visits"),
            lang.pick("期望", "expected"),
            t.expected,
            why.join("、")
        )
    }));
    out.push(lang.pick("检查人员", "Inspectors").to_string());
    out.extend(c.inspectors.iter().filter(|i| i.expected > 0.0).map(|i| {
        let partners: Vec<String> = i
            .partners
            .iter()
            .take(2)
            .map(|p| format!("{}×{}", p.name, p.times))
            .collect();
        format!(
            "  {}：{} {:.1} / {} {}  {}",
            i.name,
            lang.pick("期望", "expected"),
            i.expected,
            lang.pick("实际", "actual"),
            i.observed,
            partners.join("、")
        )
    }));
    out.push(format!(
        "{}（{}）",
        lang.pick("同两人多次检查同一对象", "Same pair, same target"),
        c.repeated_pairs.len()
    ));
    out.extend(c.repeated_pairs.iter().map(|p| {
        format!(
            "  {}+{} → {}：{}",
            p.a_name, p.b_name, p.target_name, p.visits
        )
    }));
    out
}
