//! Tasks: one drawn target with its team, followed from assignment to publication.

use super::inspector::InspectorId;
use super::plan::{InspectionMethod, JointKind, PlanId};
use super::target::TargetId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub type DrawId = u64;
pub type TaskId = u64;

/// The eight standard result phrases of the source, section 二(十).
pub const RESULT_PHRASES: [&str; 8] = [
    "未发现问题",
    "未按规定公示信息",
    "公示信息隐瞒真实情况、弄虚作假",
    "通过登记住所（经营场所）无法联系",
    "发现问题已责令改正",
    "不配合检查情节严重",
    "未发现开展本次抽查涉及的经营活动",
    "发现问题待处理",
];

/// The phrase numbers (1-based) that report a problem, i.e. a violation to follow up:
/// 未按规定公示信息, 公示信息隐瞒真实情况、弄虚作假, 发现问题已责令改正, 不配合检查情节严重,
/// 发现问题待处理.
pub const PROBLEM_PHRASES: [u8; 5] = [2, 3, 5, 6, 8];

/// The standard wording of phrase `n` (1..=8), `None` outside.
pub fn phrase_text(n: u8) -> Option<&'static str> {
    usize::from(n)
        .checked_sub(1)
        .and_then(|i| RESULT_PHRASES.get(i))
        .copied()
}

/// Whether phrase `n` reports a problem (see [`PROBLEM_PHRASES`]).
pub fn phrase_is_problem(n: u8) -> bool {
    PROBLEM_PHRASES.contains(&n)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckStep {
    pub date: NaiveDate,
    /// The method actually used (the plan's method unless changed at the check).
    pub method: InspectionMethod,
    /// The bureau's approval for an "other" inspection (document number or note); empty for
    /// on-site and remote checks.
    pub approval: String,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultStep {
    /// 1..=8, index into [`RESULT_PHRASES`] plus one.
    pub phrase: u8,
    pub determined: NaiveDate,
    pub findings: String,
    /// Record signed by the legal representative; otherwise the reason.
    pub signed: bool,
    pub unsigned_reason: String,
    /// 廉政监督卡 returned.
    pub integrity_card: bool,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Publication {
    Published {
        date: NaiveDate,
        url: String,
        by: String,
    },
    /// Confidential (secrecy, national or public security).
    Exempt { reason: String, by: String },
}

/// Follow-up of a violation found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub handed_to_enforcement: Option<NaiveDate>,
    pub rectification_due: Option<NaiveDate>,
    pub rectified_on: Option<NaiveDate>,
    pub case_number: String,
    pub transferred_to_judiciary: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub draw: DrawId,
    pub plan: PlanId,
    /// The draw's period, e.g. `2022Q3`.
    pub period: String,
    pub target: TargetId,
    /// The Table 1 row that governed the target in this draw.
    pub row: String,
    pub team: Vec<InspectorId>,
    pub internal_joint: bool,
    /// Inter-department partners (department codes), empty if none.
    pub partners: Vec<String>,
    pub method: InspectionMethod,
    /// The "not the last team" rule had to be relaxed for this target.
    pub relaxed_last_team: bool,
    /// Set when the draw is voided.
    pub voided: bool,
    pub check: Option<CheckStep>,
    pub result: Option<ResultStep>,
    pub publication: Option<Publication>,
    pub follow_up: FollowUp,
}

impl Task {
    /// A result has been recorded whose phrase reports a problem.
    pub fn found_problem(&self) -> bool {
        self.result
            .as_ref()
            .is_some_and(|r| phrase_is_problem(r.phrase))
    }

    pub fn joint_kind(&self) -> JointKind {
        if !self.partners.is_empty() {
            JointKind::Departments(self.partners.clone())
        } else if self.internal_joint {
            JointKind::Internal
        } else {
            JointKind::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases() {
        assert_eq!(phrase_text(1), Some("未发现问题"));
        assert_eq!(phrase_text(8), Some("发现问题待处理"));
        assert_eq!(phrase_text(0), None);
        assert_eq!(phrase_text(9), None);
        let problems: Vec<u8> = (1..=8).filter(|n| phrase_is_problem(*n)).collect();
        assert_eq!(problems, [2, 3, 5, 6, 8]);
        assert!(!phrase_is_problem(4) && !phrase_is_problem(7) && !phrase_is_problem(0));
    }
}
