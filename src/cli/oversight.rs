//! `shuangsui inspection record …` and `shuangsui plan window …` (issue 19): inspections
//! outside the draw and the plans' exclusion windows (`office::oversight`).

use super::{date_arg, print_json, unexpected, Conn};
use crate::domain::inspection::{Exclusion, InspectionKind};
use crate::domain::plan::split_list;
use crate::i18n::Lang;
use crate::office::oversight::{OversightReply, OversightRequest};
use crate::office::{OfficeError, Reply, Request};
use clap::Subcommand;

#[derive(Debug, Clone, Subcommand)]
pub enum InspectionAction {
    /// Record an inspection made outside the draw (a complaint, a referral, the city bureau's
    /// draw, a special campaign): kept in the target's history and the audit log, never
    /// counted as a random draw.
    Record {
        /// Target id, credit code or name.
        #[arg(long)]
        target: String,
        /// The day of the inspection, YYYY-MM-DD (not after today).
        #[arg(long)]
        date: String,
        #[arg(long, value_enum)]
        kind: InspectionKind,
        /// Item codes of the list, e.g. SX-02,SX-06.
        #[arg(long, default_value = "")]
        items: String,
        /// Who inspected.
        #[arg(long)]
        by: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum PlanAction {
    /// Leave out of this plan's draws the targets inspected outside the draw within the last
    /// DAYS days up to the draw date (0: off, the default).
    Window {
        #[arg(long)]
        plan: u64,
        #[arg(long)]
        days: u32,
    },
}

fn call(conn: &mut Conn, req: OversightRequest, lang: Lang) -> Result<OversightReply, OfficeError> {
    match conn.call(Request::Oversight(req))? {
        Reply::Oversight(r) => Ok(*r),
        _ => Err(unexpected(lang)),
    }
}

pub fn inspection(
    conn: &mut Conn,
    action: &InspectionAction,
    lang: Lang,
) -> Result<i32, OfficeError> {
    let InspectionAction::Record {
        target,
        date,
        kind,
        items,
        by,
        json,
    } = action;
    let req = OversightRequest::RecordInspection {
        target: target.clone(),
        date: date_arg(date, lang)?,
        kind: *kind,
        items: split_list(items),
        by: by.clone(),
    };
    let OversightReply::Inspection(i) = call(conn, req, lang)? else {
        return Err(unexpected(lang));
    };
    if *json {
        print_json(&i)?;
    } else {
        println!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "已登记抽取之外的检查 #{}：检查对象 {}，{}，{}（不计入随机抽查）",
                    i.id,
                    i.target,
                    i.date,
                    i.kind.label(lang)
                ),
                Lang::En => format!(
                    "inspection #{} outside the draw recorded: target {}, {}, {} (not a random draw)",
                    i.id,
                    i.target,
                    i.date,
                    i.kind.label(lang)
                ),
            }
        );
    }
    Ok(0)
}

pub fn plan(conn: &mut Conn, action: &PlanAction, lang: Lang) -> Result<i32, OfficeError> {
    let PlanAction::Window { plan, days } = action;
    call(
        conn,
        OversightRequest::PlanWindow {
            plan: *plan,
            days: *days,
        },
        lang,
    )?;
    println!(
        "{}",
        match (lang, days) {
            (Lang::Zh, 0) => format!("计划 {plan}：不排除近期已检查的对象"),
            (Lang::Zh, d) => format!("计划 {plan}：抽取时排除 {d} 天内已在抽取之外检查过的对象"),
            (Lang::En, 0) => format!("plan {plan}: no exclusion window"),
            (Lang::En, d) => format!(
                "plan {plan}: draws leave out targets inspected outside the draw within {d} days"
            ),
        }
    );
    Ok(0)
}

/// The dry-run preview's line on the plan's exclusion window: how many and why.
pub fn print_exclusion(
    conn: &mut Conn,
    plan: u64,
    date: chrono::NaiveDate,
    lang: Lang,
) -> Result<Option<Exclusion>, OfficeError> {
    let OversightReply::Exclusion(e) =
        call(conn, OversightRequest::Exclusion { plan, date }, lang)?
    else {
        return Err(unexpected(lang));
    };
    if let Some(e) = &e {
        println!("{}", e.summary(lang));
        for x in &e.excluded {
            println!(
                "  {} {}\t{}\t#{}",
                x.target,
                x.date,
                x.kind.label(lang),
                x.inspection
            );
        }
    }
    Ok(e)
}

/// `violation TASK …`: the progress of the problem a task found.
#[derive(Debug, Clone, clap::Args)]
pub struct ViolationArgs {
    /// Task id (see `list tasks`).
    pub task: u64,
    /// The day of the change, YYYY-MM-DD (not after today).
    #[arg(long)]
    pub date: String,
    /// 待整改, 整改中, 已整改, 已立案, 已移交, 已移送司法 (or pending, rectifying, rectified,
    /// filed, handed_over, judiciary). 已整改 makes the re-inspection visit.
    #[arg(long)]
    pub state: Option<String>,
    /// The rectification due date, YYYY-MM-DD.
    #[arg(long)]
    pub due: Option<String>,
    /// The department it is handed to (a department code or a name); needed for 已移交.
    #[arg(long)]
    pub department: Option<String>,
    #[arg(long, default_value = "")]
    pub note: String,
    #[arg(long)]
    pub json: bool,
}

pub fn violation(conn: &mut Conn, a: &ViolationArgs, lang: Lang) -> Result<i32, OfficeError> {
    use crate::domain::violation::ViolationState;
    let state = match &a.state {
        None => None,
        Some(s) => Some(ViolationState::parse(s).ok_or_else(|| {
            OfficeError::Refused(match lang {
                Lang::Zh => format!(
                    "--state：无法识别 {s:?}，应为 待整改、整改中、已整改、已立案、已移交 或 已移送司法"
                ),
                Lang::En => format!(
                    "--state: {s:?} is not one of pending, rectifying, rectified, filed, handed_over, judiciary"
                ),
            })
        })?),
    };
    let update = crate::office::ViolationUpdate {
        state,
        due: a.due.as_deref().map(|d| date_arg(d, lang)).transpose()?,
        department: a.department.clone(),
        note: a.note.clone(),
    };
    let req = OversightRequest::UpdateViolation {
        task: a.task,
        date: date_arg(&a.date, lang)?,
        update,
    };
    let OversightReply::Violation(r) = call(conn, req, lang)? else {
        return Err(unexpected(lang));
    };
    let (v, re) = *r;
    if a.json {
        print_json(&serde_json::json!({ "violation": v, "reinspection": re }))?;
        return Ok(0);
    }
    let due = v
        .rectification_due
        .map(|d| d.to_string())
        .unwrap_or_else(|| "-".into());
    match lang {
        Lang::Zh => println!(
            "任务 #{} 违法问题：{}，整改期限 {due}{}",
            v.task,
            v.state.label(lang),
            if v.handed_to.is_empty() {
                String::new()
            } else {
                format!("，移交 {}", v.handed_to)
            }
        ),
        Lang::En => println!(
            "task #{} violation: {}, rectification due {due}{}",
            v.task,
            v.state.label(lang),
            if v.handed_to.is_empty() {
                String::new()
            } else {
                format!(", handed to {}", v.handed_to)
            }
        ),
    }
    if let Some(r) = re {
        println!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "已生成复查任务 R{}：检查对象 {}，原检查组 {:?}（复查，不计入随机抽查）",
                    r.id, r.target, r.team
                ),
                Lang::En => format!(
                    "re-inspection visit R{} made: target {}, the team {:?} (a follow-up, not a random draw)",
                    r.id, r.target, r.team
                ),
            }
        );
    }
    Ok(0)
}

/// `due --rectifications`: rectifications past their due date, most overdue first.
pub fn rectifications(
    conn: &mut Conn,
    today: chrono::NaiveDate,
    json: bool,
    lang: Lang,
) -> Result<i32, OfficeError> {
    let OversightReply::Rectifications(v) =
        call(conn, OversightRequest::Rectifications { today }, lang)?
    else {
        return Err(unexpected(lang));
    };
    if json {
        print_json(&v)?;
        return Ok(0);
    }
    println!(
        "{}",
        match lang {
            Lang::Zh => format!("整改逾期 {} 项（{today}）", v.len()),
            Lang::En => format!("{} rectification(s) overdue on {today}", v.len()),
        }
    );
    for o in &v {
        println!(
            "#{}\t{}\t{}\t{}\t{}\t{}",
            o.task,
            o.name,
            o.state.label(lang),
            o.due,
            match lang {
                Lang::Zh => format!("逾期 {} 天", o.days_overdue),
                Lang::En => format!("{} days overdue", o.days_overdue),
            },
            o.phrase
        );
    }
    Ok(0)
}

/// `adjust`: a target's status change (动态调整), as a registry prompt prints it.
#[derive(Debug, Clone, clap::Args)]
pub struct AdjustArgs {
    /// Target id.
    #[arg(long)]
    pub target: u64,
    /// 在产, 停产 or 关闭 (operating, suspended, closed).
    #[arg(long)]
    pub status: String,
    /// The day it takes effect, YYYY-MM-DD.
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub reason: String,
}

pub fn adjust(conn: &mut Conn, a: &AdjustArgs, lang: Lang) -> Result<i32, OfficeError> {
    use crate::domain::TargetStatus;
    let status = TargetStatus::parse(&a.status)
        .filter(|_| !a.status.trim().is_empty())
        .ok_or_else(|| {
            OfficeError::Refused(match lang {
                Lang::Zh => format!("--status：无法识别 {:?}，应为 在产、停产 或 关闭", a.status),
                Lang::En => format!(
                    "--status: {:?} is not operating, suspended or closed",
                    a.status
                ),
            })
        })?;
    let Reply::Target(t) = conn.call(Request::SetTargetStatus {
        target: a.target,
        status,
        effective: date_arg(&a.date, lang)?,
        reason: a.reason.clone(),
        base_revision: None,
    })?
    else {
        return Err(unexpected(lang));
    };
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "检查对象 {} {}：经营状态 {}（自 {} 起）",
                t.id,
                t.name(),
                status.label(lang),
                a.date
            ),
            Lang::En => format!(
                "target {} {}: status {} (from {})",
                t.id,
                t.name(),
                status.label(lang),
                a.date
            ),
        }
    );
    Ok(0)
}

/// After a result: the registry change it suggests, prefilled, to confirm (issue 19).
pub fn print_status_prompt(conn: &mut Conn, task: u64, lang: Lang) -> Result<(), OfficeError> {
    let OversightReply::StatusPrompt(p) =
        call(conn, OversightRequest::StatusPrompt { task }, lang)?
    else {
        return Err(unexpected(lang));
    };
    if let Some(p) = p {
        println!("{}", p.text(lang));
        println!("  {}", p.command());
    }
    Ok(())
}

/// `list items|inspections|violations` (issue 19): one tab-separated line per record.
pub(crate) fn listing_text(l: &crate::office::listing::Listing, lang: Lang) -> String {
    use crate::office::listing::Listing;
    use std::fmt::Write as _;
    let mut out = String::new();
    match l {
        Listing::Items(items) => {
            for i in items {
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    i.code,
                    i.name,
                    i.class.label(lang),
                    i.method.label(lang),
                    i.authority,
                    i.basis
                );
            }
        }
        Listing::Inspections(all) => {
            for (i, name) in all {
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{name}\t{}\t{}\t{}",
                    i.id,
                    i.date,
                    i.target,
                    i.kind.label(lang),
                    i.items.join("、"),
                    i.by
                );
            }
        }
        Listing::Violations {
            violations,
            reinspections,
        } => {
            for v in violations {
                let due = v.rectification_due.map(|d| d.to_string());
                let _ = writeln!(
                    out,
                    "#{}\t{}\t{}\t{}\t{}",
                    v.task,
                    v.target,
                    v.state.label(lang),
                    due.unwrap_or_else(|| "-".into()),
                    v.handed_to
                );
            }
            for r in reinspections {
                let _ = writeln!(
                    out,
                    "R{}\t{}\t{}\t{}#{}",
                    r.id,
                    r.target,
                    r.reported,
                    lang.pick("复查 任务", "re-inspection of task "),
                    r.task
                );
            }
        }
        _ => {}
    }
    out
}
