//! The requests of issue 19 (the item list's neighbours): inspections outside the draw, plans'
//! exclusion windows, the exclusion a draw would make. One `Request::Oversight` variant carries
//! them, as `Request::Rules` carries the rules' requests; their roles and audit labels are here.

use super::roles::Role;
use super::{Office, OfficeError, OverdueRectification, ViolationUpdate};
use crate::domain::inspection::{Exclusion, Inspection, InspectionKind};
use crate::domain::violation::{Reinspection, Violation};
use crate::domain::PlanId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OversightRequest {
    /// `inspection record`: an inspection outside the draw.
    RecordInspection {
        target: String,
        date: NaiveDate,
        kind: InspectionKind,
        items: Vec<String>,
        by: String,
    },
    /// `plan window`: leave out targets inspected within the last `days` days (0: off).
    PlanWindow { plan: PlanId, days: u32 },
    /// The exclusion a draw of `plan` on `date` would make (the dry-run preview).
    Exclusion { plan: PlanId, date: NaiveDate },
    /// `violation TASK …`: the state, due date, department of a problem found.
    UpdateViolation {
        task: u64,
        date: NaiveDate,
        update: ViolationUpdate,
    },
    /// `due --rectifications`: rectifications past their due date on `today`.
    Rectifications { today: NaiveDate },
    /// The registry change task `task`'s result suggests (4 无法联系, 7 未发现经营活动).
    StatusPrompt { task: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OversightReply {
    Inspection(Box<Inspection>),
    PlanWindow { plan: PlanId, days: u32 },
    Exclusion(Option<Exclusion>),
    Violation(Box<(Violation, Option<Reinspection>)>),
    Rectifications(Vec<OverdueRectification>),
    StatusPrompt(Option<crate::domain::prompt::StatusPrompt>),
}

impl OversightRequest {
    pub fn is_write(&self) -> bool {
        !matches!(
            self,
            OversightRequest::Exclusion { .. }
                | OversightRequest::Rectifications { .. }
                | OversightRequest::StatusPrompt { .. }
        )
    }

    /// Recording an inspection and setting a plan's window are the office's; reading is open.
    pub fn role(&self) -> Role {
        match self {
            OversightRequest::Exclusion { .. }
            | OversightRequest::Rectifications { .. }
            | OversightRequest::StatusPrompt { .. } => Role::Viewer,
            _ => Role::Office,
        }
    }

    /// The action (zh, en), for a refusal.
    pub fn labels(&self) -> (&'static str, &'static str) {
        match self {
            OversightRequest::RecordInspection { .. } => (
                "登记抽取之外的检查",
                "recording an inspection outside the draw",
            ),
            OversightRequest::PlanWindow { .. } => {
                ("设置计划的排除期", "setting a plan's exclusion window")
            }
            OversightRequest::Exclusion { .. } => ("预览抽取", "previewing a draw"),
            OversightRequest::UpdateViolation { .. } => {
                ("登记违法问题处理", "recording a violation's progress")
            }
            OversightRequest::Rectifications { .. } => ("查看统计", "viewing figures"),
            OversightRequest::StatusPrompt { .. } => ("查看任务", "reading a task"),
        }
    }
}

impl Office {
    /// The registry change task `task`'s result suggests, if any (`domain::prompt`).
    pub fn status_prompt(&self, task: u64) -> Option<crate::domain::prompt::StatusPrompt> {
        let book = self.book();
        let t = book.task(task).filter(|t| !t.voided)?;
        let st = self.state();
        crate::domain::prompt::status_prompt(t, st.target(t.target)?)
    }

    pub fn oversight_request(&self, req: OversightRequest) -> Result<OversightReply, OfficeError> {
        Ok(match req {
            OversightRequest::RecordInspection {
                target,
                date,
                kind,
                items,
                by,
            } => OversightReply::Inspection(Box::new(
                self.record_inspection(&target, date, kind, &items, &by)?,
            )),
            OversightRequest::PlanWindow { plan, days } => {
                self.set_plan_window(plan, days)?;
                OversightReply::PlanWindow { plan, days }
            }
            OversightRequest::Exclusion { plan, date } => {
                OversightReply::Exclusion(self.recent_exclusion(plan, date))
            }
            OversightRequest::UpdateViolation { task, date, update } => {
                OversightReply::Violation(Box::new(self.update_violation(task, date, update)?))
            }
            OversightRequest::Rectifications { today } => {
                OversightReply::Rectifications(self.overdue_rectifications(today))
            }
            OversightRequest::StatusPrompt { task } => {
                OversightReply::StatusPrompt(self.status_prompt(task))
            }
        })
    }
}
