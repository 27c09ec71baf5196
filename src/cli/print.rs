//! The command line's printers: replies as the text a person reads (`--json` prints the
//! replies' JSON instead).

use super::*;

/// Print a verification; the exit status (1 when it found a problem).
/// `verify`'s answer: the chain and records first (as the raw check), then the draws, then
/// the signature of the head. The exit code.
pub(crate) fn print_verified(
    report: &VerifyReport,
    draw_problem: Option<(u64, String)>,
    signature: Option<crate::store::sign::HeadCheck>,
    lang: Lang,
) -> i32 {
    if report.problem.is_some() {
        return print_verify(report, lang);
    }
    if let Some((_, m)) = draw_problem {
        eprintln!("{m}");
        return 1;
    }
    let code = print_verify(report, lang);
    match signature {
        Some(bad @ crate::store::sign::HeadCheck::Bad(_)) => {
            eprintln!("{}", bad.localize(lang));
            1
        }
        Some(check) => {
            println!("{}", check.localize(lang));
            code
        }
        None => code,
    }
}

pub(crate) fn print_verify(r: &VerifyReport, lang: Lang) -> i32 {
    match &r.problem {
        None => {
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "校验通过：审计日志 {} 条，记录 {} 个，抽取均可重算，链头 {}",
                        r.entries, r.records, r.head
                    ),
                    Lang::En => format!(
                        "verified: {} audit entries, {} records, every draw recomputes, head {}",
                        r.entries, r.records, r.head
                    ),
                }
            );
            0
        }
        Some(p) => {
            eprintln!("{}", p.localize(lang));
            1
        }
    }
}

/// Print the outcome of a restore and of the verification that follows it.
pub(crate) fn print_restore(file: &Path, n: u64, r: &VerifyReport, lang: Lang) -> i32 {
    println!(
        "{}",
        match lang {
            Lang::Zh => format!("已从 {} 恢复 {n} 个键值", file.display()),
            Lang::En => format!("restored {n} keys from {}", file.display()),
        }
    );
    if let Some(p) = &r.problem {
        eprintln!("{}", p.localize(lang));
        return 1;
    }
    0
}

pub(crate) fn print_preview(p: &crate::office::DrawPreview, lang: Lang) {
    use crate::draw::engine::ratio_text;
    println!(
        "{} {} · {}",
        lang.pick("预览：计划", "preview: plan"),
        p.plan,
        p.plan_name
    );
    println!(
        "{}",
        lang.pick(
            "分层\t依据\t对象\t排除\t本期已抽\t池\t应抽",
            "row\tratio\ttargets\texcluded\talready\tpool\tquota"
        )
    );
    for s in &p.strata {
        println!(
            "{} {}\t{}\t{}\t{}\t{}\t{}\t{}",
            s.row, s.name, s.ratio, s.targets, s.excluded, s.already, s.pool, s.quota
        );
    }
    println!("{}\t{}", lang.pick("合计", "total"), p.total);
    println!(
        "{} {} · {} {} · {} {}",
        lang.pick("内部联合：本年", "internal joint: year"),
        ratio_text(p.year_before.0, p.year_before.1),
        lang.pick("本次需", "this draw needs"),
        p.internal_joint,
        lang.pick("抽后", "after"),
        ratio_text(p.year_after.0, p.year_after.1)
    );
    println!(
        "{} {} · {} {} · {} {} · {} {}",
        lang.pick("检查人员可用", "inspectors eligible"),
        p.inspectors_eligible,
        lang.pick("持证", "certified"),
        p.inspectors_certified,
        lang.pick("回避", "recusals"),
        p.recusal_pairs,
        lang.pick("每人本期上限", "cap per period"),
        p.workload_cap
    );
    println!("{} {}", lang.pick("池哈希", "pool hash"), p.pool_hash);
}

pub(crate) fn print_draw(d: &crate::office::protocol::Drawn, lang: Lang) {
    let j = &d.json;
    println!(
        "{} #{} · {} · {} · {} {}",
        lang.pick("抽取", "draw"),
        j.id,
        d.plan_name,
        j.period,
        j.tasks.len(),
        lang.pick("个任务", "tasks")
    );
    // The task lines (tens of thousands at a province's scale) through one buffer, not a write
    // per line.
    {
        use std::io::Write as _;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        for (i, t) in j.tasks.iter().enumerate() {
            let team = d
                .team_names
                .get(i)
                .map(|n| n.join("、"))
                .unwrap_or_default();
            if writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}",
                t.row, t.name, t.credit_code, team, t.joint, t.method
            )
            .is_err()
            {
                break;
            }
        }
        let _ = out.flush();
    }
    println!("{} {}", lang.pick("种子", "seed"), j.seed);
    if let Some(e) = &j.entropy {
        println!("{} {}", lang.pick("系统随机数", "OS entropy"), e);
    }
    if !j.witness.is_empty() {
        println!("{} {}", lang.pick("见证号码", "witness"), j.witness);
    }
    println!("{} {}", lang.pick("池哈希", "pool hash"), j.pool_hash);
    println!("{} {}", lang.pick("算法", "algorithm"), j.algorithm);
    println!(
        "{} {} → {}",
        lang.pick("本年内部联合", "year internal joint"),
        j.year_before,
        j.year_after
    );
    println!(
        "{} shuangsui verify --draw {}",
        lang.pick("复核命令：", "re-check with:"),
        j.id
    );
}

pub(crate) fn yes_no(b: bool, lang: Lang) -> &'static str {
    if b {
        lang.pick("达标", "met")
    } else {
        lang.pick("未达标", "not met")
    }
}

pub(crate) fn print_status(f: &crate::office::StatusFigures, lang: Lang) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{} {}", lang.pick("期间", "period"), f.period);
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            "分层\t名称\t比例\t应抽\t已抽\t已检查",
            "row\tname\tratio\trequired\tdrawn\tchecked"
        )
    );
    for r in &f.rows {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            r.row, r.name, r.ratio, r.required, r.drawn, r.checked
        );
    }
    let j = &f.internal_joint;
    let _ = writeln!(
        out,
        "{} {}/{} = {:.1}% ({} {}%) {}  {} {}, {} {}",
        lang.pick("本年内部联合", "year internal joint"),
        j.joint,
        j.total,
        j.percent,
        lang.pick("不低于", "at least"),
        j.min_percent,
        yes_no(j.met, lang),
        lang.pick("合并检查", "merged visits"),
        j.merged,
        lang.pick("抽签指定", "designated by lot"),
        j.designated
    );
    let d = &f.inter_department;
    let _ = writeln!(
        out,
        "{} {}/{} {}，{} {}/{} {} {}",
        lang.pick("本年部门联合", "year inter-department"),
        d.draws,
        d.required_draws,
        lang.pick("次", "draws"),
        lang.pick("检查主体", "departments"),
        d.departments,
        d.required_departments,
        lang.pick("个", ""),
        yes_no(d.met, lang)
    );
    let p = &f.publication;
    let _ = writeln!(
        out,
        "{} {} {} · {} {} · {} {} · {} {} · {} {}",
        lang.pick("公示：", "publication:"),
        lang.pick("按时", "on time"),
        p.on_time,
        lang.pick("逾期公示", "late"),
        p.late,
        lang.pick("待公示", "pending"),
        p.pending,
        lang.pick("已逾期未公示", "overdue"),
        p.overdue,
        lang.pick("不予公开", "exempt"),
        p.exempt
    );
    let v = &f.violations;
    let _ = writeln!(
        out,
        "{} {} {} · {} {} · {} {} · {} {} · {} {}",
        lang.pick("违法问题：", "violations:"),
        lang.pick("发现", "found"),
        v.found,
        lang.pick("移交执法", "handed"),
        v.handed,
        lang.pick("已整改", "rectified"),
        v.rectified,
        lang.pick("立案", "filed"),
        v.filed,
        lang.pick("移送司法", "transferred"),
        v.transferred
    );
    draw_steps::print_attempts(&mut out, &f.attempts, lang);
}

pub(crate) fn print_progress(v: &[crate::office::InspectorProgress], lang: Lang) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            "编号\t姓名\t部门\t任务\t已检查\t已认定\t逾期未公示\t本年检查",
            "id\tname\tdepartment\tassigned\tchecked\tresults\toverdue\tyear inspections"
        )
    );
    for p in v {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            p.inspector,
            p.name,
            p.department,
            p.assigned,
            p.checked,
            p.result_recorded,
            p.overdue,
            p.year_inspections
        );
    }
}

pub(crate) fn print_due(v: &[crate::office::DueItem], lang: Lang) {
    let mut out = std::io::stdout().lock();
    if v.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            lang.pick("没有待公示的结果", "no result awaits publication")
        );
        return;
    }
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            "任务\t检查对象\t信用代码\t结果\t认定\t公示期限\t剩余工作日",
            "task\ttarget\tcredit code\tresult\tdetermined\tdue\tworking days left"
        )
    );
    for d in v {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}{}",
            d.task,
            d.name,
            d.credit_code,
            d.phrase,
            d.determined,
            d.due,
            d.days_left,
            if d.overdue {
                lang.pick("\t已逾期", "\toverdue")
            } else {
                ""
            }
        );
    }
}

/// A listing as `shuangsui list` prints it: one tab-separated line per record.
pub(crate) fn listing_text(l: &crate::office::listing::Listing, lang: Lang) -> String {
    use crate::office::listing::Listing;
    use std::fmt::Write as _;
    let mut out = String::new();
    match l {
        Listing::Targets(targets) => {
            for t in targets {
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.credit_code,
                    t.name(),
                    t.region,
                    t.permit_class.label(lang),
                    t.status.label(lang)
                );
            }
        }
        Listing::Inspectors(inspectors) => {
            for (p, department) in inspectors {
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    p.id,
                    p.certificate_no,
                    p.name,
                    department,
                    p.status.label(lang)
                );
            }
        }
        Listing::Departments(departments) => {
            for d in departments {
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    d.id,
                    d.code,
                    d.name,
                    d.kind.label(lang)
                );
            }
        }
        Listing::Conflicts(pairs) => {
            for (c, insp, targ) in pairs {
                let _ = writeln!(
                    out,
                    "{}\t{insp}\t{}\t{targ}\t{}",
                    c.inspector, c.target, c.reason
                );
            }
        }
        Listing::Tasks(tasks) => {
            for (t, name, team) in tasks {
                let _ = writeln!(
                    out,
                    "{}\t#{}\t{}\t{}\t{}\t{}\t{}{}",
                    t.id,
                    t.draw,
                    t.period,
                    t.rows_text(),
                    name,
                    team.join("、"),
                    t.method.label(lang),
                    if t.voided {
                        lang.pick("\t已作废", "\tvoided")
                    } else {
                        ""
                    }
                );
            }
        }
        Listing::Draws { draws, attempts } => {
            for d in draws {
                let state = match &d.voided {
                    None => lang.pick("有效", "committed").to_string(),
                    Some(v) => format!(
                        "{}{}（{} {}）",
                        lang.pick("已作废：", "voided: "),
                        v.reason,
                        v.by,
                        v.time
                    ),
                };
                let _ = writeln!(
                    out,
                    "#{}\t{}\t{}\t{}\t{} {}\t{}",
                    d.id,
                    d.period,
                    d.plan_name,
                    d.time,
                    d.tasks.len(),
                    lang.pick("个任务", "tasks"),
                    state
                );
            }
            for a in attempts {
                let _ = writeln!(
                    out,
                    "{}#{}\t{}\t{}\t{}\t{}",
                    lang.pick("公告", "announcement "),
                    a.id,
                    a.period,
                    a.plan_name,
                    a.time,
                    a.state.label(lang)
                );
            }
        }
        Listing::Items(_) | Listing::Inspections(_) | Listing::Violations { .. } => {
            out.push_str(&super::oversight::listing_text(l, lang));
        }
        Listing::Plans(plans) => {
            for p in plans {
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    p.id,
                    p.seq,
                    p.name,
                    p.method.label(lang),
                    p.date_text,
                    p.joint.label(lang)
                );
            }
        }
    }
    out
}
