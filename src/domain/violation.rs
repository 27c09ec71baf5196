//! Violations followed to the end (issue 19): each problem a task found (a result phrase of
//! [`super::task::PROBLEM_PHRASES`]) has a state, a rectification due date and, once handed
//! over, the department it went to (属于其他部门管辖的，依法依规移交处理). Reporting the
//! rectification makes a re-inspection visit ([`Reinspection`]): a follow-up, not drawn, counted
//! apart from the draws.

use super::inspector::InspectorId;
use super::target::TargetId;
use super::task::{FollowUp, TaskId};
use crate::i18n::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a violation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationState {
    /// 待整改
    Pending,
    /// 整改中
    Rectifying,
    /// 已整改
    Rectified,
    /// 已立案
    Filed,
    /// 已移交 (to another department)
    HandedOver,
    /// 已移送司法
    Judiciary,
}

impl ViolationState {
    pub const ALL: [ViolationState; 6] = [
        ViolationState::Pending,
        ViolationState::Rectifying,
        ViolationState::Rectified,
        ViolationState::Filed,
        ViolationState::HandedOver,
        ViolationState::Judiciary,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ViolationState::Pending => lang.pick("待整改", "to rectify"),
            ViolationState::Rectifying => lang.pick("整改中", "rectifying"),
            ViolationState::Rectified => lang.pick("已整改", "rectified"),
            ViolationState::Filed => lang.pick("已立案", "case filed"),
            ViolationState::HandedOver => lang.pick("已移交", "handed over"),
            ViolationState::Judiciary => lang.pick("已移送司法", "transferred to the judiciary"),
        }
    }

    /// The Chinese word, the English label or the snake_case name.
    pub fn parse(s: &str) -> Option<ViolationState> {
        let s = s.trim();
        ViolationState::ALL.into_iter().find(|v| {
            s == v.label(Lang::Zh)
                || s.eq_ignore_ascii_case(v.label(Lang::En))
                || s.eq_ignore_ascii_case(v.name())
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            ViolationState::Pending => "pending",
            ViolationState::Rectifying => "rectifying",
            ViolationState::Rectified => "rectified",
            ViolationState::Filed => "filed",
            ViolationState::HandedOver => "handed_over",
            ViolationState::Judiciary => "judiciary",
        }
    }

    /// Still waiting for the target to rectify (a due date in the past is overdue).
    pub fn awaits_rectification(self) -> bool {
        matches!(self, ViolationState::Pending | ViolationState::Rectifying)
    }

    /// What a task's older follow-up fields say (before violations had a state).
    pub fn from_follow_up(f: &FollowUp) -> ViolationState {
        if f.transferred_to_judiciary.is_some() {
            ViolationState::Judiciary
        } else if !f.case_number.is_empty() {
            ViolationState::Filed
        } else if f.rectified_on.is_some() {
            ViolationState::Rectified
        } else {
            ViolationState::Pending
        }
    }
}

/// One change of a violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationStep {
    pub state: ViolationState,
    pub date: NaiveDate,
    pub note: String,
    pub by: String,
}

/// The problem a task found, followed to the end (keyed by its task).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub task: TaskId,
    pub target: TargetId,
    pub state: ViolationState,
    pub rectification_due: Option<NaiveDate>,
    /// The department it was handed to (已移交).
    pub handed_to: String,
    /// Every change, oldest first.
    pub history: Vec<ViolationStep>,
}

impl Violation {
    /// Overdue on `today`: still to rectify and its due date has passed.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.state.awaits_rectification() && self.rectification_due.is_some_and(|d| d < today)
    }
}

/// A re-inspection visit made when rectification is reported: not drawn, counted apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reinspection {
    pub id: u64,
    /// The task whose violation it re-inspects.
    pub task: TaskId,
    pub target: TargetId,
    /// The day rectification was reported.
    pub reported: NaiveDate,
    /// The team of the task that found the problem.
    pub team: Vec<InspectorId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_in_both_languages_and_overdue_needs_a_past_due_date() {
        assert_eq!(
            ViolationState::parse("已移交"),
            Some(ViolationState::HandedOver)
        );
        assert_eq!(
            ViolationState::parse("rectifying"),
            Some(ViolationState::Rectifying)
        );
        assert_eq!(
            ViolationState::parse("handed_over"),
            Some(ViolationState::HandedOver)
        );
        assert_eq!(ViolationState::parse("整改完"), None);
        let mut v = Violation {
            task: 1,
            target: 2,
            state: ViolationState::Rectifying,
            rectification_due: "2022-08-01".parse().ok(),
            handed_to: String::new(),
            history: vec![],
        };
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(!v.overdue(day("2022-08-01")));
        assert!(v.overdue(day("2022-08-02")));
        v.state = ViolationState::Filed;
        assert!(!v.overdue(day("2022-08-02")));
    }
}
