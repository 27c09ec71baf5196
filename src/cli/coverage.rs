//! `shuangsui coverage --from 2022 --to 2024 [--json]`: fairness over the years (issue 18).

use super::{print_json, unexpected, Conn};
use crate::i18n::Lang;
use crate::office::coverage::{p_text, pct, years_text, Coverage, Inclusion, TargetCoverage};
use crate::office::{OfficeError, Reply, Request};
use chrono::Datelike;
use clap::Args;
use std::fmt::Write;

/// How many repeated pairs the text lists (the JSON has them all).
const PAIRS_SHOWN: usize = 20;

#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// First year (default: two years before --to).
    #[arg(long)]
    pub from: Option<i32>,
    /// Last year (default: this year).
    #[arg(long)]
    pub to: Option<i32>,
    #[arg(long)]
    pub json: bool,
}

pub fn execute(conn: &mut Conn, args: &CoverageArgs, lang: Lang) -> Result<i32, OfficeError> {
    let to = args
        .to
        .unwrap_or_else(|| chrono::Local::now().date_naive().year());
    let from = args.from.unwrap_or(to - 2);
    let Reply::Coverage(c) = conn.call(Request::Coverage { from, to })? else {
        return Err(unexpected(lang));
    };
    if args.json {
        print_json(&c)?;
    } else {
        print!("{}", text(&c, lang));
    }
    Ok(0)
}

fn z_text(z: Option<f64>) -> String {
    z.map(|z| format!("{z:+.2}")).unwrap_or_else(|| "—".into())
}

fn inclusion_lines(out: &mut String, list: &[Inclusion], lang: Lang, ratio: bool) {
    for i in list {
        let _ = writeln!(
            out,
            "  {:<10} {}{} {} {}  {} {:.1}  {} {}  {} {} / {}  z {}",
            i.key,
            if ratio { &i.ratio } else { "" },
            if ratio { " " } else { "" },
            lang.pick("池内", "in pool"),
            i.pool,
            lang.pick("期望", "expected"),
            i.expected,
            lang.pick("抽中", "drawn"),
            i.observed,
            lang.pick("抽中率", "rate"),
            pct(i.rate),
            pct(i.expected_rate),
            z_text(i.z),
        );
    }
}

fn target_head(t: &TargetCoverage) -> String {
    format!("#{} {}（{}，{}）", t.id, t.name, t.town, t.rows.join("、"))
}

/// The report as text, in `lang`.
pub fn text(c: &Coverage, lang: Lang) -> String {
    let mut out = String::new();
    let years = years_text(c.from, c.to);
    let _ = writeln!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!("抽查覆盖情况 {years}（计入抽取 {} 次）", c.draws),
            Lang::En => format!("Coverage {years} ({} draws counted)", c.draws),
        }
    );
    let f = &c.fairness;
    let _ = writeln!(out, "{}", f.text);
    let _ = writeln!(
        out,
        "  {} {:.2}，{} {}",
        lang.pick("卡方", "chi-square"),
        f.chi2,
        lang.pick("自由度", "df"),
        f.df
    );
    for t in c.row_tests.iter().filter(|t| t.df > 0) {
        let _ = writeln!(
            out,
            "  {:<6} {} {:.2}，{} {}，p {}",
            t.row,
            lang.pick("卡方", "chi-square"),
            t.chi2,
            lang.pick("自由度", "df"),
            t.df,
            p_text(t.p)
        );
    }
    let _ = writeln!(out, "\n{}", lang.pick("按行：", "By row:"));
    inclusion_lines(&mut out, &c.rows, lang, true);
    let _ = writeln!(out, "\n{}", lang.pick("按乡镇：", "By town:"));
    inclusion_lines(&mut out, &c.towns, lang, false);

    let _ = writeln!(
        out,
        "\n{}",
        lang.pick(
            "从未抽中（按比例应抽中的概率高于 95%）：",
            "Never drawn (the ratios made that less than 5% likely):"
        )
    );
    if c.never_drawn.is_empty() {
        let _ = writeln!(out, "  {}", lang.pick("无", "none"));
    }
    for t in &c.never_drawn {
        let _ = writeln!(
            out,
            "  {}：{} {:.2} {}，{} {}",
            target_head(t),
            lang.pick("期望", "expected"),
            t.expected,
            lang.pick("次", "visits"),
            lang.pick("从未抽中的概率", "probability of none"),
            pct(t.p_never)
        );
    }
    let _ = writeln!(out, "\n{}", lang.pick("抽中最多：", "Most visited:"));
    if c.most_visited.is_empty() {
        let _ = writeln!(out, "  {}", lang.pick("无", "none"));
    }
    for t in &c.most_visited {
        let visits: Vec<String> = t
            .visits
            .iter()
            .map(|v| format!("{} {} {}", v.period, v.row, v.why.label(lang)))
            .collect();
        let _ = writeln!(
            out,
            "  {}：{} {}，{} {:.2}，P(≥{}) {}{}",
            target_head(t),
            t.observed,
            lang.pick("次", "visits"),
            lang.pick("期望", "expected"),
            t.expected,
            t.observed,
            pct(t.p_at_least),
            if t.stands_out() {
                lang.pick("  ← 超出随机可解释的次数", "  ← more than chance explains")
            } else {
                ""
            }
        );
        let _ = writeln!(out, "      {}", visits.join("；"));
    }
    let _ = writeln!(
        out,
        "\n{}",
        lang.pick(
            "检查人员（任务人次对比同类可派人员的期望份额）：",
            "Inspectors (team places against the expected share among their eligible peers):"
        )
    );
    for i in &c.inspectors {
        let partners: Vec<String> = i
            .partners
            .iter()
            .take(3)
            .map(|p| format!("{}×{}", p.name, p.times))
            .collect();
        let _ = writeln!(
            out,
            "  {:<6} {} {}  {} {:.1}  {} {}  z {}  {} {}",
            i.name,
            lang.pick("可派", "eligible"),
            i.eligible_draws,
            lang.pick("期望", "expected"),
            i.expected,
            lang.pick("实际", "actual"),
            i.observed,
            z_text(i.z),
            lang.pick("搭档", "partners"),
            if partners.is_empty() {
                "—".to_string()
            } else {
                partners.join("、")
            }
        );
    }
    let _ = writeln!(
        out,
        "\n{}",
        lang.pick(
            "同一对象由同两人多次检查：",
            "The same two inspectors at one target more than once:"
        )
    );
    if c.repeated_pairs.is_empty() {
        let _ = writeln!(out, "  {}", lang.pick("无", "none"));
    }
    for p in c.repeated_pairs.iter().take(PAIRS_SHOWN) {
        let _ = writeln!(
            out,
            "  {}+{} → #{} {}：{} {}",
            p.a_name,
            p.b_name,
            p.target,
            p.target_name,
            p.visits,
            lang.pick("次", "times")
        );
    }
    if c.repeated_pairs.len() > PAIRS_SHOWN {
        let _ = writeln!(
            out,
            "  … {} {}",
            c.repeated_pairs.len() - PAIRS_SHOWN,
            lang.pick("组未列出（见 --json）", "more (see --json)")
        );
    }
    out
}
