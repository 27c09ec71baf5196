//! The work tabs' view of a committed draw: what the wizard's result step shows.

use super::state::{DrawResult, DrawnTask};
use crate::domain::plan::JointKind;
use crate::draw::sampler;
use crate::i18n::Lang;
use crate::office::DrawRecord;

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

/// What the result step shows of a committed draw: targets and teams by name, from the
/// registries and the book the screens read (the office's snapshots or the remote replica).
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
                target: target.map(|x| x.name().to_string()).unwrap_or_default(),
                credit_code: target
                    .map(|x| x.credit_code.as_str().to_string())
                    .unwrap_or_default(),
                row: t.row.to_string(),
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
