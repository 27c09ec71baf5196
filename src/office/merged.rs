//! Merged visits (issue 12, `shuangsui-draw-2`): when a draw picks a target that already has a
//! live visit in the period, no second task is made; the visit gains the draw's 抽查事项 (plan
//! and row) and, when its team had no certified inspector of the draw, the one the draw added.
//! A merged visit is an internal joint inspection. The draw's input lists the visits it may
//! merge into (`Draw2::visits`), so the draw is reproducible and re-checkable.

use super::book::{Book, DrawRecord};
use super::{OfficeError, State};
use crate::domain::plan::Plan;
use crate::domain::plan::{planned_method, InspectionMethod};
use crate::domain::task::{DrawId, MergedItem, Task};
use crate::draw::engine::DrawOutcome;
use crate::i18n::Lang;

/// The visits `outcome` merges into, as they will be after the draw `draw`: each live, of the
/// same target as when the draw's input was frozen (otherwise the draw is refused); on site
/// when this plan's method for the target is.
pub(crate) fn merged_tasks(
    st: &State,
    book: &Book,
    plan: &Plan,
    outcome: &DrawOutcome,
    draw: DrawId,
    lang: Lang,
) -> Result<Vec<Task>, OfficeError> {
    let mut out: Vec<Task> = Vec::with_capacity(outcome.merges.len());
    for m in &outcome.merges {
        let current = out
            .iter()
            .find(|t| t.id == m.task)
            .or_else(|| book.task(m.task));
        let Some(mut t) = current
            .filter(|t| !t.voided && t.target == m.target)
            .cloned()
        else {
            return Err(OfficeError::Refused(match lang {
                Lang::Zh => format!(
                    "检查对象 {} 应并入的任务 {} 已作废或已变更（公告之后），本次抽取未提交；请重新公告并说明原因",
                    m.target, m.task
                ),
                Lang::En => format!(
                    "task {}, which target {} was to be merged into, was voided or changed after the announcement; nothing was committed: announce again with a reason",
                    m.task, m.target
                ),
            }));
        };
        t.merged.push(MergedItem {
            draw,
            plan: plan.id,
            row: crate::domain::sym::Sym::new(&m.row),
            added: m.added,
        });
        t.team.extend(m.added);
        // On site when any item of the visit must be (the plan's 现场检查, or the target).
        let method = st
            .target(t.target)
            .map_or(InspectionMethod::OnSite, |x| planned_method(plan.method, x));
        if method == InspectionMethod::OnSite {
            t.method = InspectionMethod::OnSite;
        }
        out.retain(|x| x.id != t.id);
        out.push(t);
    }
    Ok(out)
}

/// The year's (internal joint, all) live tasks after draw `draw`: its new tasks, those of them
/// designated, and the visits its merges made joint (`merged`: the visits after the draw).
pub(crate) fn year_after_outcome(
    before: (usize, usize),
    outcome: &DrawOutcome,
    merged: &[Task],
    draw: DrawId,
) -> (usize, usize) {
    let designated = outcome.tasks.iter().filter(|t| t.internal_joint).count();
    // Newly joint: not designated, and no merge before this draw's.
    let newly = merged
        .iter()
        .filter(|t| !t.internal_joint && t.merged.iter().all(|m| m.draw == draw))
        .count();
    (
        before.0 + designated + newly,
        before.1 + outcome.tasks.len(),
    )
}

/// Whether the tasks in `book` carry the merges of draw `d` as its outcome says.
pub(crate) fn check_merges(d: &DrawRecord, book: &Book) -> bool {
    if d.voided.is_some() {
        return true;
    }
    d.outcome.merges.iter().all(|m| {
        book.task(m.task).is_some_and(|t| {
            t.target == m.target
                && t.merged.iter().any(|x| {
                    x.draw == d.id && x.plan == d.plan && x.row == m.row && x.added == m.added
                })
                && m.added.is_none_or(|a| t.team.contains(&a))
        })
    })
}

/// Voiding draw `id`: refused while a live draw's merges sit on one of its tasks (void those
/// first, or the merged 抽查事项 would be lost with the visit).
pub(crate) fn void_refusal(book: &Book, id: DrawId, lang: Lang) -> Option<String> {
    let mut later: Vec<DrawId> = book
        .tasks
        .iter()
        .filter(|t| t.draw == id && !t.voided)
        .flat_map(|t| t.merged.iter().map(|m| m.draw))
        .filter(|&d| d != id)
        .collect();
    later.sort_unstable();
    later.dedup();
    if later.is_empty() {
        return None;
    }
    let list = later
        .iter()
        .map(|d| format!("#{d}"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(match lang {
        Lang::Zh => format!(
            "抽取 #{id} 的任务中并入了抽取 {list} 的抽查事项；请先作废这些抽取，再作废本抽取"
        ),
        Lang::En => {
            format!("tasks of draw #{id} carry the merged items of draw {list}; void those first")
        }
    })
}

/// Voiding draw `id`: the visits it merged into lose its item and the inspector it added.
pub(crate) fn unmerged(book: &Book, id: DrawId) -> Vec<Task> {
    book.tasks
        .iter()
        .filter(|t| t.draw != id && t.merged.iter().any(|m| m.draw == id))
        .map(|t| {
            let mut t = t.clone();
            for m in t.merged.iter().filter(|m| m.draw == id) {
                if let Some(a) = m.added {
                    if let Some(pos) = t.team.iter().rposition(|x| *x == a) {
                        t.team.remove(pos);
                    }
                }
            }
            t.merged.retain(|m| m.draw != id);
            t
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::draws::tests::request;
    use super::super::Office;
    use crate::domain::task::Task;
    use crate::domain::*;
    use crate::i18n::Lang;
    use chrono::NaiveDate;

    /// Draw 2022Q3 for every plan due; the merged visits.
    fn q3(o: &Office) -> Vec<Task> {
        let period = Period::quarter(2022, 3).unwrap();
        let date = NaiveDate::from_ymd_opt(2022, 7, 5).unwrap();
        for (plan, r) in o.draw_period(period, &request(date)) {
            if let Err(e) = r {
                let m = e.localize(Lang::En);
                assert!(m.contains("nothing is due"), "plan {plan}: {m}");
            }
        }
        o.book()
            .tasks
            .iter()
            .filter(|t| !t.voided && !t.merged.is_empty())
            .cloned()
            .collect()
    }

    /// Acceptance 2 of issue 12.
    #[test]
    fn a_target_due_under_two_plans_gets_one_task_listing_both_items() {
        let (o, _dir) = Office::open_demo(Lang::En).unwrap();
        let merged = q3(&o);
        assert!(!merged.is_empty(), "2022Q3 of the demo merges visits");
        let st = o.state();
        let book = o.book();
        let mut added = 0;
        for t in &merged {
            // One task for the target in the period.
            let of_target = book
                .tasks
                .iter()
                .filter(|x| !x.voided && x.target == t.target && x.period == t.period)
                .count();
            assert_eq!(of_target, 1, "target {}", t.target);
            let plans: Vec<u64> = t.items().map(|i| i.plan).collect();
            assert!(plans.len() >= 2, "task {}: {plans:?}", t.id);
            // Its team has a certified inspector of each plan's section (the inspectors that
            // plan may send: its expertise, certified on its draw date, of the bureau).
            for item in t.items() {
                let plan = book.plans.iter().find(|p| p.id == item.plan).unwrap();
                let draw = book.draws.iter().find(|d| d.id == item.draw).unwrap();
                let qualified = t.team.iter().any(|m| {
                    let p = st.inspector(*m).unwrap();
                    let internal = st
                        .department_by_code(&p.department)
                        .is_some_and(|d| d.kind == DepartmentKind::Internal);
                    internal
                        && p.certified_on(draw.date)
                        && (plan.required_expertise.is_empty()
                            || plan
                                .required_expertise
                                .iter()
                                .any(|e| p.expertise.contains(e)))
                });
                assert!(qualified, "task {} item of plan {}", t.id, plan.id);
            }
            added += t.merged.iter().filter(|m| m.added.is_some()).count();
            // An internal joint inspection, named so in the JSON with both items.
            assert!(t.is_joint());
            let j = super::super::task_json_of(t, &st, &book.plans, &o.calendar());
            assert_eq!(j.joint, "internal");
            assert_eq!(j.items.len(), plans.len());
            assert_eq!(j.items[1].plan, plans[1]);
        }
        assert!(
            added > 0,
            "some merge added a certified inspector of its section"
        );
        // The status counts them as internal joint, merged and designated apart.
        let f = o
            .status(
                Period::quarter(2022, 3).unwrap(),
                NaiveDate::from_ymd_opt(2022, 9, 1).unwrap(),
            )
            .unwrap();
        let j = &f.internal_joint;
        assert_eq!(j.merged, merged.len());
        assert_eq!(j.joint, j.merged + j.designated);
        assert_eq!(
            j.designated,
            book.tasks
                .iter()
                .filter(|t| !t.voided && t.internal_joint && t.merged.is_empty())
                .count()
        );
        drop((st, book));
        assert_eq!(o.verify_all_draws(), None);
    }

    #[test]
    fn voiding_a_merging_draw_takes_its_items_back_and_the_first_waits_for_it() {
        let (o, _dir) = Office::open_demo(Lang::En).unwrap();
        let merged = q3(&o);
        let t = merged.first().unwrap().clone();
        let later = t.merged[0].draw;
        // The draw that made the visit cannot be voided while another draw's item is on it.
        let audit = o.audit_len();
        let m = o.void_draw(t.draw, "错误").unwrap_err().localize(Lang::En);
        assert!(m.contains("void those first"), "{m}");
        assert_eq!(o.audit_len(), audit);
        // Voiding the later draw takes its item (and the inspector it added) off the visit.
        o.void_draw(later, "录入错误").unwrap();
        let after = o
            .book()
            .tasks
            .iter()
            .find(|x| x.id == t.id)
            .cloned()
            .unwrap();
        assert!(after.merged.iter().all(|m| m.draw != later));
        let added: Vec<u64> = t
            .merged
            .iter()
            .filter(|m| m.draw == later)
            .filter_map(|m| m.added)
            .collect();
        assert_eq!(after.team.len(), t.team.len() - added.len());
        assert_eq!(o.verify_all_draws(), None);
    }
}
