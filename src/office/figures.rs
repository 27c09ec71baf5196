//! The office's figures: how far a period's inspections have come, per Table 1 row, per
//! inspector, and which results are due for publication. `status`, `progress`, `due`, the
//! dashboard and the Excel reports all use these (docs/CONTRACTS.md, "Figures of the office").
//!
//! Definitions:
//! - A task **belongs to period P** when its draw's period starts within P
//!   (`P.contains(Period::parse(task.period).start())`): a 2022Q3 task belongs to 2022Q3,
//!   2022H2 and 2022. **Voided tasks never count.**
//! - **Publication due** of a result is [`WorkingCalendar::publication_due`] of the day it was
//!   determined: 20 working days later, the day itself not counted (source, 二(十)).
//! - A result is **on time** when published on or before its due date, **late** when published
//!   after it, **pending** when not published and `today <= due`, **overdue** when not
//!   published and `today > due`, **exempt** when recorded as not to be published.
//! - A **violation found** is a result whose phrase reports a problem
//!   ([`crate::domain::task::PROBLEM_PHRASES`]: 2, 3, 5, 6, 8).

use super::draws::{drawable_in, governed_targets};
use super::{Office, OfficeError};
use crate::domain::calendar::WorkingCalendar;
use crate::domain::task::{phrase_text, Publication, Task};
use crate::domain::*;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// `office.status(period, today)`.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct StatusFigures {
    /// The period, canonical text ("2022Q3").
    pub period: String,
    /// Per Table 1 row this office draws, in rules order.
    pub rows: Vec<RowFigures>,
    /// The period's year: joint tasks / all tasks (non-voided), against the minimum percent.
    pub internal_joint: RatioFigures,
    pub inter_department: InterDeptFigures,
    /// The results of the period's tasks.
    pub publication: PublicationFigures,
    pub violations: ViolationFigures,
    /// The period's voided draws and abandoned and infeasible announcements (issue 13).
    #[serde(default)]
    pub attempts: super::attempts::AttemptFigures,
}

/// One Table 1 row over the period.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct RowFigures {
    pub row: String,
    pub name: String,
    pub ratio: String,
    /// What an undirected draw of this row for the period requires: `row.quota(eligible)`
    /// (the row's floor ratio), `eligible` = the operating, in-season (a month of the period)
    /// targets the row governs, with today's registries. A row whose cycle is shorter than the
    /// period (a quarterly row in a half-year or year) sums this over each of its cycles inside
    /// the period.
    pub required: usize,
    /// Non-voided tasks of this row belonging to the period.
    pub drawn: usize,
    /// Of those, the tasks with a check recorded.
    pub checked: usize,
}

/// The internal joint ratio of the year.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct RatioFigures {
    /// Internal joint tasks: `merged + designated`.
    pub joint: usize,
    /// Merged visits (several 抽查事项 in one visit, issue 12).
    #[serde(default)]
    pub merged: usize,
    /// Designated joint by lot, not merged.
    #[serde(default)]
    pub designated: usize,
    pub total: usize,
    /// `joint / total × 100`, 0 without tasks.
    pub percent: f64,
    pub min_percent: u32,
    /// `joint × 100 >= min_percent × total` (so met, vacuously, without tasks).
    pub met: bool,
}

/// Inter-department joint draws of the year.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct InterDeptFigures {
    /// Non-voided draws of the year with partner departments.
    pub draws: usize,
    /// Distinct targets in the tasks of those draws (for information).
    pub targets: usize,
    /// Distinct partner departments of those draws (检查主体数量, this bureau not counted).
    pub departments: usize,
    pub required_draws: u32,
    pub required_targets: u32,
    pub required_departments: u32,
    /// Both requirements (draws and departments) reached. A draw with no task counts for
    /// nothing.
    pub met: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PublicationFigures {
    pub on_time: usize,
    pub late: usize,
    pub pending: usize,
    pub overdue: usize,
    pub exempt: usize,
}

/// Violations found in the period's results and their follow-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ViolationFigures {
    pub found: usize,
    /// Handed to the enforcement department.
    pub handed: usize,
    pub rectified: usize,
    /// Filed as a case (a case number is recorded).
    pub filed: usize,
    /// Transferred to the judiciary.
    pub transferred: usize,
}

/// `office.progress(period, today)`: one inspector's tasks in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct InspectorProgress {
    pub inspector: u64,
    pub name: String,
    /// The department's name (its code when unknown).
    pub department: String,
    /// The period's tasks with this inspector in the team.
    pub assigned: usize,
    pub checked: usize,
    pub result_recorded: usize,
    /// Of the period's tasks, those whose publication is overdue today.
    pub overdue: usize,
    /// Tasks of the period's year with this inspector in the team and a check recorded.
    pub year_inspections: usize,
    /// The period's task ids, ascending.
    pub tasks: Vec<u64>,
}

/// `office.due(today)`: a result awaiting publication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct DueItem {
    pub task: u64,
    pub target: u64,
    pub name: String,
    pub credit_code: String,
    /// The result's standard wording.
    pub phrase: String,
    pub determined: NaiveDate,
    pub due: NaiveDate,
    /// `today > due`.
    pub overdue: bool,
    /// Working days from today to the due date (after today, up to and including the due
    /// date); negative when overdue: minus the working days after the due date up to and
    /// including today.
    pub days_left: i64,
}

/// Where a result stands for publication on `today`; `None` without a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicationState {
    OnTime,
    Late,
    Pending,
    Overdue,
    Exempt,
}

fn calendar_refusal(
    e: crate::domain::calendar::CalendarError,
    lang: crate::i18n::Lang,
) -> OfficeError {
    OfficeError::Refused(e.localize(lang))
}

/// The publication state of `t` on `today` (see the module doc); `Ok(None)` without a result.
pub fn publication_state(
    t: &Task,
    cal: &WorkingCalendar,
    today: NaiveDate,
) -> Result<Option<(PublicationState, NaiveDate)>, crate::domain::calendar::CalendarError> {
    let Some(r) = &t.result else {
        return Ok(None);
    };
    let due = cal.publication_due(r.determined)?;
    let state = match t.publication.as_deref() {
        Some(Publication::Exempt { .. }) => PublicationState::Exempt,
        Some(Publication::Published { date, .. }) if *date <= due => PublicationState::OnTime,
        Some(Publication::Published { .. }) => PublicationState::Late,
        None if today <= due => PublicationState::Pending,
        None => PublicationState::Overdue,
    };
    Ok(Some((state, due)))
}

/// Whether a task belongs to `period` (see the module doc); voided tasks never do.
pub fn belongs_to(t: &Task, period: Period) -> bool {
    !t.voided && Period::parse(&t.period).is_ok_and(|p| period.contains(p.start()))
}

/// The periods of `cycle` whose figures make up `period`: the period itself when the cycle is
/// as long or longer, otherwise each of its quarters or halves.
fn sub_periods(period: Period, cycle: Cycle) -> Vec<Period> {
    if cycle >= period.cycle() {
        return vec![period];
    }
    let y = period.year();
    let all: Vec<Period> = match cycle {
        Cycle::Quarter => (1..=4).filter_map(|q| Period::quarter(y, q)).collect(),
        Cycle::Half => (1..=2).filter_map(|h| Period::half(y, h)).collect(),
        Cycle::Year => vec![period],
    };
    all.into_iter()
        .filter(|p| period.contains(p.start()))
        .collect()
}

impl Office {
    /// The figures of `period` on `today` (see the module doc and [`StatusFigures`]).
    pub fn status(&self, period: Period, today: NaiveDate) -> Result<StatusFigures, OfficeError> {
        let lang = self.lang();
        let rules = &*self.rules();
        let settings = rules.settings();
        let cal = &*self.calendar();
        let st = self.state();
        let book = self.book();
        let in_period: Vec<&Task> = book
            .tasks
            .iter()
            .filter(|t| belongs_to(t, period))
            .collect();

        let governing = governed_targets(&st, rules, |_| true);
        let mut rows = Vec::new();
        for row in rules.applicable_rows() {
            let members = governing.get(&row.id).map(Vec::as_slice).unwrap_or(&[]);
            let mut required = 0usize;
            for sub in sub_periods(period, row.cycle) {
                let eligible = members.iter().filter(|t| drawable_in(t, sub)).count();
                required += row
                    .quota(eligible, None)
                    .map_err(|e| OfficeError::Refused(e.localize(lang)))?;
            }
            let of_row = in_period
                .iter()
                .filter(|t| t.items().any(|i| i.row == row.id));
            let drawn = of_row.clone().count();
            let checked = of_row.filter(|t| t.check.is_some()).count();
            rows.push(RowFigures {
                row: row.id.clone(),
                name: row.name(lang).to_string(),
                ratio: row.ratio_text(lang),
                required,
                drawn,
                checked,
            });
        }

        let year = Period::Year(period.year());
        let year_tasks: Vec<&Task> = book.tasks.iter().filter(|t| belongs_to(t, year)).collect();
        let joint = year_tasks.iter().filter(|t| t.is_joint()).count();
        let merged = year_tasks.iter().filter(|t| !t.merged.is_empty()).count();
        let total = year_tasks.len();
        let min_percent = settings.internal_joint_min_percent;
        let internal_joint = RatioFigures {
            joint,
            merged,
            designated: joint - merged,
            total,
            percent: if total == 0 {
                0.0
            } else {
                joint as f64 * 100.0 / total as f64
            },
            min_percent,
            met: joint as u64 * 100 >= u64::from(min_percent) * total as u64,
        };

        let partner_draws: Vec<_> = book
            .draws
            .iter()
            // A draw with no task counts for nothing (issue 12).
            .filter(|d| d.voided.is_none() && !d.input.partners.is_empty() && !d.tasks.is_empty())
            .filter(|d| Period::parse(&d.period).is_ok_and(|p| year.contains(p.start())))
            .collect();
        let partner_targets: HashSet<TargetId> = partner_draws
            .iter()
            .flat_map(|d| d.tasks.iter())
            .filter_map(|id| book.task(*id).filter(|t| !t.voided))
            .map(|t| t.target)
            .collect();
        let departments: HashSet<&str> = partner_draws
            .iter()
            .flat_map(|d| d.input.partners.iter().map(String::as_str))
            .collect();
        let inter_department = InterDeptFigures {
            draws: partner_draws.len(),
            targets: partner_targets.len(),
            departments: departments.len(),
            required_draws: settings.inter_department_draws_per_year,
            required_targets: settings.inter_department_targets_per_year,
            required_departments: settings.inter_department_departments_per_year,
            met: partner_draws.len() as u64 >= u64::from(settings.inter_department_draws_per_year)
                && departments.len() as u64
                    >= u64::from(settings.inter_department_departments_per_year),
        };

        let mut publication = PublicationFigures::default();
        let mut violations = ViolationFigures::default();
        for t in &in_period {
            match publication_state(t, cal, today).map_err(|e| calendar_refusal(e, lang))? {
                None => {}
                Some((PublicationState::OnTime, _)) => publication.on_time += 1,
                Some((PublicationState::Late, _)) => publication.late += 1,
                Some((PublicationState::Pending, _)) => publication.pending += 1,
                Some((PublicationState::Overdue, _)) => publication.overdue += 1,
                Some((PublicationState::Exempt, _)) => publication.exempt += 1,
            }
            if t.found_problem() {
                let f = &t.follow_up;
                violations.found += 1;
                violations.handed += usize::from(f.handed_to_enforcement.is_some());
                violations.rectified += usize::from(f.rectified_on.is_some());
                violations.filed += usize::from(!f.case_number.is_empty());
                violations.transferred += usize::from(f.transferred_to_judiciary.is_some());
            }
        }
        Ok(StatusFigures {
            period: period.to_string(),
            rows,
            internal_joint,
            inter_department,
            publication,
            violations,
            attempts: self.attempts(period),
        })
    }

    /// Per inspector: every inspector in a team of the period's tasks, plus every active
    /// inspector of an internal department (with zeros when they have none), by id.
    pub fn progress(
        &self,
        period: Period,
        today: NaiveDate,
    ) -> Result<Vec<InspectorProgress>, OfficeError> {
        let lang = self.lang();
        let cal = &*self.calendar();
        let st = self.state();
        let book = self.book();
        let year = Period::Year(period.year());
        let mut by_id: BTreeMap<InspectorId, InspectorProgress> = BTreeMap::new();
        let blank = |id: InspectorId| {
            let p = st.inspector(id);
            InspectorProgress {
                inspector: id,
                name: p.map(|p| p.name.clone()).unwrap_or_default(),
                department: p
                    .map(|p| st.department_name(&p.department))
                    .unwrap_or_default(),
                assigned: 0,
                checked: 0,
                result_recorded: 0,
                overdue: 0,
                year_inspections: 0,
                tasks: vec![],
            }
        };
        for p in &st.inspectors {
            let internal = st
                .department_by_code(&p.department)
                .is_some_and(|d| d.kind == DepartmentKind::Internal);
            if p.status == InspectorStatus::Active && internal {
                by_id.insert(p.id, blank(p.id));
            }
        }
        for t in book.tasks.iter().filter(|t| belongs_to(t, period)) {
            let overdue = matches!(
                publication_state(t, cal, today).map_err(|e| calendar_refusal(e, lang))?,
                Some((PublicationState::Overdue, _))
            );
            for m in &t.team {
                let e = by_id.entry(*m).or_insert_with(|| blank(*m));
                e.assigned += 1;
                e.checked += usize::from(t.check.is_some());
                e.result_recorded += usize::from(t.result.is_some());
                e.overdue += usize::from(overdue);
                e.tasks.push(t.id);
            }
        }
        for t in book
            .tasks
            .iter()
            .filter(|t| belongs_to(t, year) && t.check.is_some())
        {
            for m in &t.team {
                if let Some(e) = by_id.get_mut(m) {
                    e.year_inspections += 1;
                }
            }
        }
        let mut out: Vec<InspectorProgress> = by_id.into_values().collect();
        for p in &mut out {
            p.tasks.sort_unstable();
        }
        Ok(out)
    }

    /// Every result awaiting publication (recorded, neither published nor exempt, task not
    /// voided), overdue first, then by due date, then by task.
    pub fn due(&self, today: NaiveDate) -> Result<Vec<DueItem>, OfficeError> {
        let lang = self.lang();
        let cal = &*self.calendar();
        let st = self.state();
        let book = self.book();
        let refuse = |e| calendar_refusal(e, lang);
        let mut out = Vec::new();
        for t in book.tasks.iter().filter(|t| !t.voided) {
            let (Some(r), None) = (&t.result, &t.publication) else {
                continue;
            };
            let due = cal.publication_due(r.determined).map_err(refuse)?;
            let overdue = today > due;
            let days_left = if overdue {
                -i64::from(cal.working_days_between(due, today).map_err(refuse)?)
            } else {
                i64::from(cal.working_days_between(today, due).map_err(refuse)?)
            };
            let target = st.target(t.target);
            out.push(DueItem {
                task: t.id,
                target: t.target,
                name: target.map(|x| x.name().to_string()).unwrap_or_default(),
                credit_code: target
                    .map(|x| x.credit_code.to_string())
                    .unwrap_or_default(),
                phrase: phrase_text(r.phrase).unwrap_or_default().to_string(),
                determined: r.determined,
                due,
                overdue,
                days_left,
            });
        }
        out.sort_by_key(|d| (!d.overdue, d.due, d.task));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::tasks::tests::{d, drawn, ENTROPY};
    use crate::office::DrawRequest;

    fn row<'a>(f: &'a StatusFigures, id: &str) -> &'a RowFigures {
        f.rows.iter().find(|r| r.row == id).unwrap()
    }

    #[test]
    fn required_is_the_undirected_draws_quota_and_sums_shorter_cycles() {
        let (o, _dir) = crate::office::Office::open_demo(crate::i18n::Lang::En).unwrap();
        let q3 = Period::parse("2022Q3").unwrap();
        let f = o.status(q3, d(2022, 7, 1)).unwrap();
        // Rules order, this office's rows.
        let ids: Vec<&str> = f.rows.iter().map(|r| r.row.as_str()).collect();
        let rules = o.rules();
        let expected: Vec<&str> = rules.applicable_rows().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, expected);
        // Plan 3 is undirected with no chosen ratio: before any draw, its preview's quotas are
        // the requirements.
        let (pv, _) = o
            .prepare_draw(&DrawRequest {
                plan: 3,
                period: "2022Q3".into(),
                date: Some(d(2022, 7, 5)),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(pv.strata.len(), 4);
        for s in &pv.strata {
            // What the cycle owes is the requirement; a half-year row drawn in Q3 spreads it
            // over Q3 and Q4 (issue 12: the ceiling first).
            assert_eq!(row(&f, &s.row).required, s.owed, "row {}", s.row);
            let r = rules.row(&s.row).unwrap();
            let slots = if r.cycle == Cycle::Quarter { 1 } else { 2 };
            assert_eq!(s.quota, s.owed.div_ceil(slots), "row {}", s.row);
            assert!(s.quota > 0, "row {}", s.row);
        }
        // A row whose cycle is shorter than the period sums its cycles inside the period.
        let year = o.status(Period::Year(2022), d(2022, 7, 1)).unwrap();
        let h2 = o.status(Period::Half(2022, 2), d(2022, 7, 1)).unwrap();
        let quarters: Vec<StatusFigures> = (1..=4)
            .map(|q| o.status(Period::Quarter(2022, q), d(2022, 7, 1)).unwrap())
            .collect();
        let mut seen_quarterly = false;
        for r in o.rules().applicable_rows() {
            let per_q: Vec<usize> = quarters.iter().map(|f| row(f, &r.id).required).collect();
            if r.cycle == Cycle::Quarter {
                seen_quarterly = true;
                assert_eq!(row(&year, &r.id).required, per_q.iter().sum::<usize>());
                assert_eq!(row(&h2, &r.id).required, per_q[2] + per_q[3]);
            }
        }
        assert!(seen_quarterly, "the demo rules have quarterly rows");
    }

    #[test]
    fn drawn_checked_publication_violations_and_progress() {
        let (o, _dir) = drawn("2022Q3", d(2022, 7, 5));
        let tasks = o.book().tasks.clone();
        assert!(tasks.len() >= 8);
        // 1: on time; 2: late; 3: pending on 11/1; 4: overdue on 11/1 (determined 9/1, due
        // 9/29); 5: exempt; 6: checked only. 1 and 4 found a problem.
        for id in 1..=6 {
            o.task_check(id, d(2022, 7, 20), None, "").unwrap();
        }
        o.task_result(1, 5, d(2022, 9, 30), "", None, false)
            .unwrap();
        o.task_result(2, 1, d(2022, 9, 1), "", None, false).unwrap();
        o.task_result(3, 1, d(2022, 10, 20), "", None, false)
            .unwrap();
        o.task_result(4, 8, d(2022, 9, 1), "", None, false).unwrap();
        o.task_result(5, 1, d(2022, 9, 1), "", None, false).unwrap();
        o.task_publish(1, d(2022, 11, 2), "").unwrap();
        // Due 9/30 (9/12 is the Mid-Autumn holiday): 10/8, a make-up working day, is late.
        o.task_publish(2, d(2022, 10, 8), "").unwrap();
        o.task_exempt(5, "涉密；张三；2022-09-02").unwrap();
        o.task_follow_up(
            1,
            Some(d(2022, 10, 8)),
            None,
            Some(d(2022, 10, 20)),
            Some("7号".into()),
            None,
        )
        .unwrap();
        o.task_follow_up(
            4,
            Some(d(2022, 9, 5)),
            None,
            None,
            None,
            Some(d(2022, 10, 10)),
        )
        .unwrap();
        let today = d(2022, 11, 1);
        let q3 = Period::parse("2022Q3").unwrap();
        let f = o.status(q3, today).unwrap();
        assert_eq!(
            f.publication,
            PublicationFigures {
                on_time: 1,
                late: 1,
                pending: 1,
                overdue: 1,
                exempt: 1
            }
        );
        assert_eq!(
            f.violations,
            ViolationFigures {
                found: 2,
                handed: 2,
                rectified: 1,
                filed: 1,
                transferred: 1
            }
        );
        let mut drawn_total = 0;
        for r in &f.rows {
            let of_row: Vec<&Task> = tasks.iter().filter(|t| t.row == r.row).collect();
            assert_eq!(r.drawn, of_row.len(), "row {}", r.row);
            assert_eq!(
                r.checked,
                of_row.iter().filter(|t| t.id <= 6).count(),
                "row {}",
                r.row
            );
            drawn_total += r.drawn;
        }
        assert_eq!(drawn_total, tasks.len());
        // The same tasks belong to H2 and 2022, not to Q2 or 2023.
        assert_eq!(
            o.status(Period::Half(2022, 2), today).unwrap().publication,
            f.publication
        );
        let q2 = o.status(Period::Quarter(2022, 2), today).unwrap();
        assert!(q2.rows.iter().all(|r| r.drawn == 0));
        assert_eq!(q2.publication, PublicationFigures::default());
        // The year's internal joint ratio.
        let joint = tasks.iter().filter(|t| t.is_joint()).count();
        assert_eq!(
            (f.internal_joint.joint, f.internal_joint.total),
            (joint, tasks.len())
        );
        assert_eq!(f.internal_joint.met, joint * 100 >= 3 * tasks.len());
        assert_eq!(f.inter_department.draws, 0);
        assert!(!f.inter_department.met);

        // Progress: every team member of every task, and every active internal inspector.
        let p = o.progress(q3, today).unwrap();
        for t in &tasks {
            for m in &t.team {
                let e = p.iter().find(|e| e.inspector == *m).unwrap();
                assert!(e.tasks.contains(&t.id));
            }
        }
        for e in &p {
            let mine: Vec<&Task> = tasks
                .iter()
                .filter(|t| t.team.contains(&e.inspector))
                .collect();
            assert_eq!(e.assigned, mine.len());
            assert_eq!(e.tasks, mine.iter().map(|t| t.id).collect::<Vec<_>>());
            assert_eq!(e.checked, mine.iter().filter(|t| t.id <= 6).count());
            assert_eq!(e.result_recorded, mine.iter().filter(|t| t.id <= 5).count());
            assert_eq!(e.overdue, mine.iter().filter(|t| t.id == 4).count());
            assert_eq!(e.year_inspections, e.checked);
        }
        let st = o.state();
        let active_internal = st
            .inspectors
            .iter()
            .filter(|i| i.status == InspectorStatus::Active)
            .filter(|i| {
                st.department_by_code(&i.department)
                    .is_some_and(|d| d.kind == DepartmentKind::Internal)
            })
            .count();
        assert!(p.len() >= active_internal);
        assert!(
            p.iter().any(|e| e.assigned == 0),
            "idle inspectors are listed"
        );
        drop(st);

        // Due: 3 (pending) and 4 (overdue), overdue first.
        let due = o.due(today).unwrap();
        let ids: Vec<u64> = due.iter().map(|x| x.task).collect();
        assert_eq!(ids, [4, 3]);
        assert!(due[0].overdue && due[0].days_left < 0 && due[0].due == d(2022, 9, 30));
        assert!(!due[1].overdue && due[1].days_left > 0);
        assert_eq!(due[0].phrase, "发现问题待处理");

        // A voided draw's tasks never count.
        o.void_draw(1, "录入错误").unwrap();
        let f = o.status(q3, today).unwrap();
        assert!(f.rows.iter().all(|r| r.drawn == 0 && r.checked == 0));
        assert_eq!(f.publication, PublicationFigures::default());
        assert_eq!(f.violations, ViolationFigures::default());
        assert_eq!(f.internal_joint.total, 0);
        assert!(o.due(today).unwrap().is_empty());
        assert!(o
            .progress(q3, today)
            .unwrap()
            .iter()
            .all(|e| e.assigned == 0));
    }

    /// Issue 12: a draw that committed no task (an older build could) counts towards no
    /// requirement: not the year's inter-department draws, departments or targets, not a row.
    #[test]
    fn a_zero_task_draw_never_counts_towards_any_requirement() {
        use crate::store::{key_u64, Change, TreeName, Write};
        let (o, dir) = crate::office::Office::open_demo(crate::i18n::Lang::En).unwrap();
        let external = o
            .state()
            .departments
            .iter()
            .find(|d| d.kind == DepartmentKind::External)
            .map(|d| d.code.clone())
            .unwrap();
        crate::office::announce::fix_entropy_for_tests(Some(ENTROPY));
        let rec = o
            .commit_draw(&DrawRequest {
                plan: 3,
                period: "2022Q3".into(),
                date: Some(d(2022, 7, 5)),
                joint: Some(JointKind::Departments(vec![external])),
                ..Default::default()
            })
            .unwrap();
        let q3 = Period::Quarter(2022, 3);
        let today = d(2022, 12, 1);
        let before = o.status(q3, today).unwrap();
        assert_eq!(before.inter_department.draws, 1);
        assert!(before.rows.iter().any(|r| r.drawn > 0));

        // The same record with its tasks gone, as a store written before the refusal holds it.
        let mut empty = o
            .book()
            .draws
            .iter()
            .find(|x| x.id == rec.id)
            .cloned()
            .unwrap();
        let tasks = std::mem::take(&mut empty.tasks);
        assert!(!tasks.is_empty());
        let mut writes =
            vec![crate::office::encode_record(TreeName::Draws, key_u64(empty.id), &empty).unwrap()];
        writes.extend(
            crate::office::task_chunks::chunk_keys(&tasks)
                .into_iter()
                .map(|k| Write::remove(TreeName::TaskChunks, k)),
        );
        o.store
            .commit(Change {
                user: "test".into(),
                action: "draw".into(),
                summary: "a zero-task draw".into(),
                writes,
                guards: vec![],
                stamps: vec![],
            })
            .unwrap();
        drop(o);
        let o = crate::office::Office::open(&dir.0, crate::i18n::Lang::En).unwrap();
        assert!(o
            .book()
            .draws
            .iter()
            .any(|x| x.id == rec.id && x.tasks.is_empty()));
        let after = o.status(q3, today).unwrap();
        assert_eq!(after.inter_department.draws, 0);
        assert_eq!(after.inter_department.departments, 0);
        assert_eq!(after.inter_department.targets, 0);
        assert!(!after.inter_department.met);
        assert!(after.rows.iter().all(|r| r.drawn == 0));
        assert_eq!(after.internal_joint.total, 0);
    }

    #[test]
    fn inter_department_draws_and_targets() {
        let (o, _dir) = crate::office::Office::open_demo(crate::i18n::Lang::En).unwrap();
        let external = o
            .state()
            .departments
            .iter()
            .find(|d| d.kind == DepartmentKind::External)
            .map(|d| d.code.clone())
            .unwrap();
        crate::office::announce::fix_entropy_for_tests(Some(ENTROPY));
        let rec = o
            .commit_draw(&DrawRequest {
                plan: 3,
                period: "2022Q3".into(),
                date: Some(d(2022, 7, 5)),
                joint: Some(JointKind::Departments(vec![external])),
                ..Default::default()
            })
            .unwrap();
        let f = o.status(Period::Quarter(2022, 1), d(2022, 12, 1)).unwrap();
        // The year's figure, whatever quarter is asked.
        assert_eq!(f.inter_department.draws, 1);
        assert_eq!(f.inter_department.targets, rec.tasks.len());
        assert_eq!(f.inter_department.departments, 1);
        assert_eq!(f.inter_department.required_departments, 2);
        assert_eq!(f.inter_department.required_draws, 4);
        assert!(!f.inter_department.met);
    }
}
