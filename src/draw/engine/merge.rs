//! `shuangsui-draw-2`: merged visits (one visit per target per period) and the year's internal
//! joint share counted with them. See "The draw engine: `shuangsui-draw-2`" in docs/sampler.md.
//!
//! The input of draw-1 plus [`Draw2`]: the live visits the period already has to targets of the
//! pools (each with its task and its team, as recorded), and the year's internal joint figures
//! before the draw. The steps of draw-1 change as follows:
//!
//! - **Step 2** is unchanged; a pick whose target has a visit is a **merge** (no new task),
//!   every other pick a new task, both in drawn order (stratum by stratum).
//! - **Step 3.** Let `n` be the number of new tasks and `m` the number of merges into a visit
//!   that is not yet internal joint (a merged visit is internal joint). The number of new
//!   tasks to designate is `n` when `joint_all`, otherwise
//!   `internal_joint_needed(year_tasks, year_joint + m, n, joint_min_percent)`; at most
//!   `internal_joint` (the office's cap: 0 when the draw's certified inspectors are of one
//!   section) and at most `n`. Choose that many of `n`.
//! - **Step 4** forms the teams of the new tasks exactly as draw-1.
//! - **Step 5, merges**, in drawn order, continuing the assigned counts of step 4: when a
//!   member of the visit's team is an internal, certified inspector of this input, nothing is
//!   added and no word is taken. Otherwise one certified inspector of this draw is added: the
//!   list is the internal, certified inspectors with `load + assigned < workload_cap`, not
//!   recused for the target and not on the visit's team, ascending id; empty: the draw stops as
//!   infeasible ("not enough certified inspectors", naming the target and row); otherwise take
//!   `uniform(length)`, add that inspector, and add 1 to its assigned count.
//! - **Step 6, record**: as draw-1, plus the merges (target, row, task, added inspector).
//!
//! The input hash starts with the text `shuangsui-draw-2` and appends, after draw-1's fields:
//! visits (each: target, task, team, joint), joint_all, year_tasks, year_joint,
//! joint_min_percent.

use serde::{Deserialize, Serialize};

use super::{
    internal_joint_needed, pick_from, task_refs, DrawError, DrawInput, Encoder, Mismatch,
    TeamBuilder,
};
use crate::draw::sampler::Sampler;
use crate::i18n::Lang;

/// What `shuangsui-draw-2` adds to the input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draw2 {
    /// The period's live visits to targets of the pools, strictly ascending target.
    pub visits: Vec<Visit>,
    /// Every new task is internal joint (a plan of internal joint inspection).
    pub joint_all: bool,
    /// The year's live tasks before this draw, and how many of them are internal joint
    /// (designated or merged).
    pub year_tasks: usize,
    pub year_joint: usize,
    pub joint_min_percent: u32,
}

/// A visit the period already has: its task, its team as recorded, whether it is joint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub target: u64,
    pub task: u64,
    pub team: Vec<u64>,
    pub joint: bool,
}

/// A pick merged into a visit: the visit's task gains the row (and this draw's plan) and, when
/// its team had no certified inspector of this draw, `added`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeDraft {
    pub target: u64,
    pub row: String,
    pub task: u64,
    pub added: Option<u64>,
}

impl Draw2 {
    pub fn visit(&self, target: u64) -> Option<&Visit> {
        self.visits
            .binary_search_by_key(&target, |v| v.target)
            .ok()
            .and_then(|k| self.visits.get(k))
    }
}

pub(super) fn encode(e: &mut Encoder, d: &Draw2) {
    e.len(d.visits.len());
    for v in &d.visits {
        e.int(v.target);
        e.int(v.task);
        e.ids(&v.team);
        e.flag(v.joint);
    }
    e.flag(d.joint_all);
    e.len(d.year_tasks);
    e.len(d.year_joint);
    e.int(u64::from(d.joint_min_percent));
}

pub(super) fn validate(d: &Draw2) -> Result<(), DrawError> {
    if let Some(w) = d.visits.windows(2).position(|w| w[0].target >= w[1].target) {
        return Err(DrawError::BadInput(format!(
            "visits not strictly ascending by target at position {}: {} then {}",
            w + 1,
            d.visits[w].target,
            d.visits[w + 1].target
        )));
    }
    Ok(())
}

/// Step 3: how many of the `new_tasks` are designated internal joint.
pub(super) fn designations(
    input: &DrawInput,
    d: &Draw2,
    merges: &[(u64, usize)],
    new_tasks: usize,
) -> usize {
    let newly_joint = merges
        .iter()
        .filter(|(t, _)| d.visit(*t).is_some_and(|v| !v.joint))
        .count();
    let x = if d.joint_all {
        new_tasks
    } else {
        internal_joint_needed(
            d.year_tasks,
            d.year_joint + newly_joint,
            new_tasks,
            d.joint_min_percent,
        )
    };
    x.min(input.internal_joint).min(new_tasks)
}

/// Step 5: the merges, in drawn order.
pub(super) fn merge_step(
    builder: &mut TeamBuilder<'_>,
    d: &Draw2,
    merges: &[(u64, usize)],
    sampler: &mut Sampler,
) -> Result<Vec<MergeDraft>, DrawError> {
    let input = builder.input;
    let refs = task_refs(input, merges);
    let mut out = Vec::with_capacity(merges.len());
    for (&(target, k), refs) in merges.iter().zip(&refs) {
        let row = input
            .strata
            .get(k)
            .map(|s| s.row.clone())
            .unwrap_or_default();
        let Some(visit) = d.visit(target) else {
            continue;
        };
        let on_team: Vec<u32> = visit
            .team
            .iter()
            .filter_map(|&id| builder.index_of(id))
            .collect();
        let has_certified = on_team.iter().any(|&k| {
            input
                .inspectors
                .get(k as usize)
                .is_some_and(|i| i.internal && i.certified)
        });
        let added = if has_certified {
            None
        } else {
            let mut excluded = builder.recused(refs);
            excluded.extend(on_team);
            excluded.sort_unstable();
            excluded.dedup();
            match pick_from(&builder.certified, &excluded, sampler)? {
                Some(k) => Some(builder.assign(k)),
                None => {
                    return Err(DrawError::Infeasible {
                        target,
                        row,
                        constraint: super::Constraint::NotEnoughCertified,
                    })
                }
            }
        };
        out.push(MergeDraft {
            target,
            row,
            task: visit.task,
            added,
        });
    }
    Ok(out)
}

pub(super) fn verify_merges(
    expected: &[MergeDraft],
    recorded: &[MergeDraft],
) -> Result<(), Mismatch> {
    for index in 0..expected.len().max(recorded.len()) {
        let (e, r) = (expected.get(index), recorded.get(index));
        if e != r {
            return Err(Mismatch::Merge {
                index,
                expected: e.cloned(),
                recorded: r.cloned(),
            });
        }
    }
    Ok(())
}

fn merge_text(m: Option<&MergeDraft>, lang: Lang) -> String {
    match (m, lang) {
        (None, _) => lang.pick("（无）", "(none)").to_string(),
        (Some(m), Lang::Zh) => format!(
            "检查对象 {}（{}）并入任务 {}{}",
            m.target,
            m.row,
            m.task,
            m.added.map(|a| format!("，增派 {a}")).unwrap_or_default()
        ),
        (Some(m), Lang::En) => format!(
            "target {} ({}) into task {}{}",
            m.target,
            m.row,
            m.task,
            m.added.map(|a| format!(", adding {a}")).unwrap_or_default()
        ),
    }
}

pub(super) fn mismatch_text(
    index: usize,
    expected: Option<&MergeDraft>,
    recorded: Option<&MergeDraft>,
    lang: Lang,
) -> String {
    let (e, r) = (merge_text(expected, lang), merge_text(recorded, lang));
    match lang {
        Lang::Zh => format!(
            "第 {} 个合并检查不符：重新计算为 {e}，记录为 {r}",
            index + 1
        ),
        Lang::En => format!("merge {} differs: recomputed {e}, recorded {r}", index + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::small_input;
    use super::super::{
        pool_hash, run, verify, Constraint, DrawInput, DrawOutcome, TaskDraft, ENGINE_VERSION_1,
    };
    use super::*;

    /// The draw-1 example of docs/sampler.md with two visits: target 12 (task 7, whose team
    /// has no certified inspector of this draw) and 20 (task 8, with certified inspector 3).
    pub(crate) fn merge_input() -> DrawInput {
        DrawInput {
            draw2: Some(Draw2 {
                visits: vec![
                    Visit {
                        target: 12,
                        task: 7,
                        team: vec![9, 4],
                        joint: false,
                    },
                    Visit {
                        target: 20,
                        task: 8,
                        team: vec![3, 4],
                        joint: false,
                    },
                ],
                joint_all: false,
                year_tasks: 30,
                year_joint: 0,
                joint_min_percent: 10,
            }),
            ..small_input()
        }
    }

    #[test]
    fn a_pinned_draw_2_never_changes() {
        let input = merge_input();
        assert_eq!(input.engine_name(), "shuangsui-draw-2");
        assert_eq!(
            hex::encode(pool_hash(&input)),
            "db56e80199d19b3972709b0670056e4722c357e49ee13fa03d998b4e95e48c4e",
        );
        let out = run(&input, &[7; 32]).expect("feasible");
        let pinned = DrawOutcome {
            picks: vec![("重点".into(), vec![10, 12]), ("一般".into(), vec![20])],
            // Target 10 is the one new task: designated joint (sections S1 and S2).
            tasks: vec![TaskDraft {
                target: 10,
                row: "重点".into(),
                team: vec![5, 2, 3],
                internal_joint: true,
                relaxed_last_team: false,
            }],
            // 3 words for the targets, 1 for the joint task, 3 for its team, 1 for the
            // inspector added to task 7 (task 8 has certified inspector 3: no word).
            words_consumed: 8,
            merges: vec![
                MergeDraft {
                    target: 12,
                    row: "重点".into(),
                    task: 7,
                    added: Some(1),
                },
                MergeDraft {
                    target: 20,
                    row: "一般".into(),
                    task: 8,
                    added: None,
                },
            ],
        };
        assert_eq!(out, pinned);
        assert!(verify(&input, &[7; 32], &out).is_ok());
        assert_eq!(small_input().engine_name(), ENGINE_VERSION_1);
    }

    #[test]
    fn a_merge_adds_a_certified_inspector_only_when_the_team_has_none() {
        let out = run(&merge_input(), &[7; 32]).unwrap();
        // Same picks as draw-1: 10 and 12, then 20; 12 and 20 are merged.
        assert_eq!(out.picks[0].1, vec![10, 12]);
        assert_eq!(out.tasks.len(), 1);
        assert_eq!(out.tasks[0].target, 10);
        let m12 = out.merges.iter().find(|m| m.target == 12).unwrap();
        assert_eq!(m12.task, 7);
        let added = m12.added.expect("task 7 had no certified inspector");
        assert!([1, 2, 3].contains(&added), "{added}");
        let m20 = out.merges.iter().find(|m| m.target == 20).unwrap();
        assert_eq!((m20.task, m20.added), (8, None));
        // Two merges made visits joint: 10% of 31 needs 4, so 2 more, capped at 1 by
        // internal_joint and by the one new task.
        assert!(out.tasks[0].internal_joint);
        // No certified inspector left for the merge: infeasible, naming the target.
        let mut input = merge_input();
        input.recusals = vec![(12, 1), (12, 2), (12, 3)];
        input.last_teams.clear();
        match run(&input, &[7; 32]) {
            Err(DrawError::Infeasible {
                target: 12,
                constraint: Constraint::NotEnoughCertified,
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_hash_covers_the_visits_and_the_share() {
        let base = pool_hash(&merge_input());
        let changes: [fn(&mut Draw2); 6] = [
            |d| d.visits[0].team.push(1),
            |d| d.visits[0].joint = true,
            |d| d.visits[1].task = 9,
            |d| d.joint_all = true,
            |d| d.year_tasks += 1,
            |d| d.joint_min_percent = 3,
        ];
        for (k, change) in changes.iter().enumerate() {
            let mut input = merge_input();
            if let Some(d) = input.draw2.as_mut() {
                change(d);
            }
            assert_ne!(pool_hash(&input), base, "change {k}");
        }
        let mut input = merge_input();
        input.draw2 = None;
        assert_ne!(pool_hash(&input), base);
        // Unsorted visits are a bad input.
        let mut input = merge_input();
        if let Some(d) = input.draw2.as_mut() {
            d.visits.reverse();
        }
        assert!(matches!(run(&input, &[7; 32]), Err(DrawError::BadInput(_))));
    }

    #[test]
    fn verify_names_a_changed_merge() {
        let input = merge_input();
        let mut out = run(&input, &[7; 32]).unwrap();
        out.merges[0].added = Some(99);
        let e = verify(&input, &[7; 32], &out).unwrap_err();
        assert!(matches!(e, Mismatch::Merge { index: 0, .. }), "{e:?}");
        assert!(e.localize(Lang::En).contains("merge 1 differs"), "{e}");
    }
}
