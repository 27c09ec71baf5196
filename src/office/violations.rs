//! Violations followed to the end (issue 19, acceptance 3): the state of each problem a task
//! found, its rectification due date, the department it was handed to, and the re-inspection
//! visit made when rectification is reported (tree `violations` by task id, tree
//! `reinspections` by id). A task whose violation was never updated reads its state from its
//! older follow-up fields.

use super::{encode_record, Office, OfficeError, State};
use crate::domain::task::{phrase_is_problem, phrase_text, Task, TaskId};
use crate::domain::violation::{Reinspection, Violation, ViolationState, ViolationStep};
use crate::i18n::Lang;
use crate::store::{key_u64, TreeName};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::stored_unchanged!(Violation, Reinspection);

/// A rectification past its due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueRectification {
    pub task: TaskId,
    pub target: u64,
    pub name: String,
    pub phrase: String,
    pub state: ViolationState,
    pub due: NaiveDate,
    /// Calendar days past the due date.
    pub days_overdue: i64,
}

/// What `violation TASK …` changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationUpdate {
    pub state: Option<ViolationState>,
    pub due: Option<NaiveDate>,
    pub department: Option<String>,
    pub note: String,
}

/// The violation of a live task whose result found a problem (none otherwise).
pub fn violation_of(st: &State, t: &Task) -> Option<Violation> {
    t.result.as_ref().filter(|r| phrase_is_problem(r.phrase))?;
    if t.voided {
        return None;
    }
    Some(
        st.violations
            .get(&t.id)
            .cloned()
            .unwrap_or_else(|| Violation {
                task: t.id,
                target: t.target,
                state: ViolationState::from_follow_up(&t.follow_up),
                rectification_due: t.follow_up.rectification_due,
                handed_to: String::new(),
                history: Vec::new(),
            }),
    )
}

impl Office {
    /// Change the violation of task `task` on `date`: its state, due date, the department it
    /// is handed to (needed for 已移交), with a note. Reporting 已整改 makes the re-inspection
    /// visit, in the same audited commit. Refused, changing nothing: no such task, a task
    /// without a problem found, a date after today, 已移交 without a department, nothing to
    /// change.
    pub fn update_violation(
        &self,
        task: TaskId,
        date: NaiveDate,
        u: ViolationUpdate,
    ) -> Result<(Violation, Option<Reinspection>), OfficeError> {
        let lang = self.lang();
        let refuse = |zh: String, en: String| {
            OfficeError::Refused(match lang {
                Lang::Zh => zh,
                Lang::En => en,
            })
        };
        super::tasks::not_after_today(date, lang).map_err(OfficeError::Refused)?;
        let book = self.book();
        let t = book
            .tasks
            .iter()
            .find(|t| t.id == task)
            .ok_or_else(|| OfficeError::NotFound(format!("task {task}")))?;
        let mut st = self.state_mut();
        let Some(mut v) = violation_of(&st, t) else {
            return Err(refuse(
                format!("任务 #{task} 没有发现违法问题的检查结果（或已作废），无违法问题可跟踪"),
                format!("task #{task} has no result that found a problem (or is voided): nothing to follow"),
            ));
        };
        if u.state.is_none() && u.due.is_none() && u.department.is_none() {
            return Err(refuse(
                "没有填写任何变更（--state、--due 或 --department）".into(),
                "nothing to change: give --state, --due or --department".into(),
            ));
        }
        let before = v.state;
        if let Some(d) = u.due {
            v.rectification_due = Some(d);
        }
        if let Some(dep) = &u.department {
            let dep = dep.trim();
            if dep.is_empty() {
                return Err(refuse(
                    "--department 不能为空".into(),
                    "--department is empty".into(),
                ));
            }
            v.handed_to = st
                .department_by_code(dep)
                .map(|d| d.name.clone())
                .unwrap_or_else(|| dep.to_string());
        }
        let state = u.state.unwrap_or(v.state);
        if state == ViolationState::HandedOver && v.handed_to.is_empty() {
            return Err(refuse(
                "移交须写明接收部门（--department）".into(),
                "a hand-over names the department (--department)".into(),
            ));
        }
        v.state = state;
        v.history.push(ViolationStep {
            state,
            date,
            note: u.note.trim().to_string(),
            by: self.user(),
        });
        let reinspection =
            (state == ViolationState::Rectified && before != state).then(|| Reinspection {
                id: st.reinspections.len() as u64 + 1,
                task,
                target: t.target,
                reported: date,
                team: t.team.clone(),
            });
        let mut writes = vec![encode_record(TreeName::Violations, key_u64(task), &v)?];
        if let Some(r) = &reinspection {
            writes.push(encode_record(TreeName::Reinspections, key_u64(r.id), r)?);
        }
        let mut summary = format!(
            "任务 #{task} 违法问题：{}（{}），整改期限 {}",
            state.label(Lang::Zh),
            date,
            v.rectification_due
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".into())
        );
        if !v.handed_to.is_empty() {
            summary.push_str(&format!("，移交 {}", v.handed_to));
        }
        if let Some(r) = &reinspection {
            summary.push_str(&format!("；生成复查任务 R{}（不计入随机抽查）", r.id));
        }
        self.commit("violation", summary, writes)?;
        st.violations.insert(task, v.clone());
        if let Some(r) = &reinspection {
            st.reinspections.push(r.clone());
        }
        Ok((v, reinspection))
    }

    /// Rectifications still awaited whose due date is before `today`, most overdue first.
    pub fn overdue_rectifications(&self, today: NaiveDate) -> Vec<OverdueRectification> {
        let book = self.book();
        let st = self.state();
        let mut out: Vec<OverdueRectification> = book
            .tasks
            .iter()
            .filter_map(|t| Some((t, violation_of(&st, t)?)))
            .filter(|(_, v)| v.overdue(today))
            .filter_map(|(t, v)| {
                let due = v.rectification_due?;
                Some(OverdueRectification {
                    task: t.id,
                    target: t.target,
                    name: st
                        .target(t.target)
                        .map(|x| x.name().to_string())
                        .unwrap_or_default(),
                    phrase: t
                        .result
                        .as_ref()
                        .and_then(|r| phrase_text(r.phrase))
                        .unwrap_or("")
                        .to_string(),
                    state: v.state,
                    due,
                    days_overdue: (today - due).num_days(),
                })
            })
            .collect();
        out.sort_by_key(|o| (o.due, o.task));
        out
    }

    /// `list violations`: every problem found with its state, and the re-inspection visits.
    pub fn violations_listing(&self) -> (Vec<Violation>, Vec<Reinspection>) {
        let book = self.book();
        let st = self.state();
        let all = book
            .tasks
            .iter()
            .filter_map(|t| violation_of(&st, t))
            .collect();
        (all, st.reinspections.clone())
    }
}

pub(super) fn load(
    store: &crate::store::Store,
    st: &mut State,
) -> Result<(), crate::store::StoreError> {
    let vs: Vec<Violation> = store.scan(TreeName::Violations)?;
    st.violations = vs.into_iter().map(|v| (v.task, v)).collect();
    st.reinspections = store.scan(TreeName::Reinspections)?;
    Ok(())
}
