//! Office calls of the work tabs, run by the app loop (`super::app`): turning a committed
//! draw into what the wizard's result step shows.

use super::state::{DrawResult, DrawnTask, FiguresData, StepOp};
use crate::domain::plan::JointKind;
use crate::draw::sampler;
use crate::i18n::Lang;
use crate::office::{DrawRecord, Office};

/// The label of a joint kind.
pub fn joint_label(j: &JointKind, lang: Lang) -> String {
    match j {
        JointKind::None => lang.pick("非联合", "not joint").to_string(),
        JointKind::Internal => lang.pick("内部联合", "internal joint").to_string(),
        JointKind::Departments(codes) => format!(
            "{} {}",
            lang.pick("部门联合", "inter-department"),
            codes.join("、")
        ),
    }
}

/// What the result step shows of a committed draw: targets and teams by name.
pub fn draw_result(office: &Office, d: &DrawRecord, lang: Lang) -> DrawResult {
    draw_result_in(&office.state(), &office.book(), d, lang)
}

/// [`draw_result`] over given registries and book (a remote replica).
pub fn draw_result_in(
    st: &crate::office::State,
    book: &crate::office::Book,
    d: &DrawRecord,
    lang: Lang,
) -> DrawResult {
    let tasks = d
        .tasks
        .iter()
        .filter_map(|id| book.tasks.iter().find(|t| t.id == *id))
        .map(|t| {
            let target = st.target(t.target);
            DrawnTask {
                target: target.map(|x| x.name.clone()).unwrap_or_default(),
                credit_code: target
                    .map(|x| x.credit_code.as_str().to_string())
                    .unwrap_or_default(),
                row: t.row.clone(),
                team: t
                    .team
                    .iter()
                    .map(|m| {
                        st.inspector(*m)
                            .map(|p| p.name.clone())
                            .unwrap_or_else(|| format!("#{m}"))
                    })
                    .collect(),
                method: t.method.label(lang).to_string(),
                joint: joint_label(&t.joint_kind(), lang),
            }
        })
        .collect();
    DrawResult {
        id: d.id,
        plan: d.plan,
        plan_name: d.plan_name.clone(),
        period: d.period.clone(),
        date: d.date,
        joint: joint_label(&d.joint, lang),
        seed: sampler::seed_hex(&d.seed),
        pool_hash: hex::encode(d.pool_hash),
        algorithm: d.algorithm.clone(),
        year_after: crate::draw::engine::ratio_text(d.year_after.0, d.year_after.1),
        tasks,
    }
}

/// The figures of `period` on `today`: status, per-inspector progress and the results due.
pub fn figures(
    office: &Office,
    period: &str,
    today: chrono::NaiveDate,
    lang: Lang,
) -> Result<FiguresData, String> {
    let p = crate::domain::Period::parse(period).map_err(|e| e.localize(lang))?;
    Ok(FiguresData {
        status: office.status(p, today).map_err(|e| e.localize(lang))?,
        progress: office.progress(p, today).map_err(|e| e.localize(lang))?,
        due: office.due(today).map_err(|e| e.localize(lang))?,
        rectifications: office.overdue_rectifications(today),
    })
}

/// Record one task step; the message, or the office's refusal.
pub fn task_step(office: &Office, id: u64, step: StepOp, lang: Lang) -> Result<String, String> {
    let done = |what: &str| format!("#{id} {what}");
    match step {
        StepOp::Check {
            date,
            method,
            approval,
        } => office
            .task_check(id, date, Some(method), &approval)
            .map(|_| done(lang.pick("已登记检查", "check recorded"))),
        StepOp::Result {
            phrase,
            determined,
            findings,
            unsigned_reason,
            integrity_card,
        } => office
            .task_result(
                id,
                phrase,
                determined,
                &findings,
                unsigned_reason,
                integrity_card,
            )
            .map(|_| done(lang.pick("已录入结果", "result entered"))),
        StepOp::Publish { date, url } => office
            .task_publish(id, date, &url)
            .map(|_| done(lang.pick("已登记公示", "publication recorded"))),
        StepOp::Exempt { reason } => office
            .task_exempt(id, &reason)
            .map(|_| done(lang.pick("已登记不予公示", "exemption recorded"))),
        StepOp::FollowUp {
            handed,
            rectification_due,
            rectified_on,
            case_number,
            judiciary,
        } => office
            .task_follow_up(
                id,
                handed,
                rectification_due,
                rectified_on,
                case_number,
                judiciary,
            )
            .map(|_| done(lang.pick("已登记后续处理", "follow-up recorded"))),
    }
    .map_err(|e| e.localize(lang))
}
