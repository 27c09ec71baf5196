//! Inspectors (检查人员名录库), departments and recusal pairs (回避).

use super::target::{StatusChange, TargetId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub type InspectorId = u64;
pub type DepartmentId = u64;

/// Internal: a section of this bureau. External: another government department
/// (for inter-department joint draws).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentKind {
    Internal,
    External,
}

impl DepartmentKind {
    pub fn parse(s: &str) -> Option<DepartmentKind> {
        match s.trim() {
            "内部" | "内设" | "内设机构" | "本局" | "internal" | "Internal" => {
                Some(DepartmentKind::Internal)
            }
            "外部" | "外部门" | "其他部门" | "external" | "External" => {
                Some(DepartmentKind::External)
            }
            _ => None,
        }
    }
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        lang.pick(
            match self {
                DepartmentKind::Internal => "内部科室",
                DepartmentKind::External => "外部门",
            },
            match self {
                DepartmentKind::Internal => "internal",
                DepartmentKind::External => "external",
            },
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: DepartmentId,
    /// Short code used in files and expressions, e.g. `ZFDD` or `SCJG`.
    pub code: String,
    pub name: String,
    pub kind: DepartmentKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectorStatus {
    /// 在岗
    Active,
    /// 暂停 (leave, training, secondment)
    Inactive,
    /// 调离 / 退休
    Left,
}

impl InspectorStatus {
    pub fn parse(s: &str) -> Option<InspectorStatus> {
        match s.trim() {
            "在岗" | "在职" | "正常" | "active" | "Active" | "" => {
                Some(InspectorStatus::Active)
            }
            "暂停" | "休假" | "借调" | "inactive" | "Inactive" => {
                Some(InspectorStatus::Inactive)
            }
            "调离" | "退休" | "离职" | "left" | "Left" => Some(InspectorStatus::Left),
            _ => None,
        }
    }
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::Lang::*;
        match (self, lang) {
            (InspectorStatus::Active, Zh) => "在岗",
            (InspectorStatus::Inactive, Zh) => "暂停",
            (InspectorStatus::Left, Zh) => "调离",
            (InspectorStatus::Active, En) => "active",
            (InspectorStatus::Inactive, En) => "inactive",
            (InspectorStatus::Left, En) => "left",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspector {
    pub id: InspectorId,
    pub name: String,
    /// 单位: the department's code.
    pub department: String,
    /// 执法证号 (or 工作证号 for staff without enforcement certificate). Unique key.
    pub certificate_no: String,
    /// Enforcement certificate validity; `None` = no enforcement certificate (工作证 only).
    pub certificate_valid_until: Option<NaiveDate>,
    /// 职务岗位
    pub post: String,
    /// 工作年限
    pub years_of_work: u32,
    /// 业务专长 tags, e.g. 辐射, 危废, 水, 大气
    pub expertise: Vec<String>,
    pub status: InspectorStatus,
    pub status_history: Vec<StatusChange<InspectorStatus>>,
}

impl Inspector {
    /// Holds an enforcement certificate valid on `date`.
    pub fn certified_on(&self, date: NaiveDate) -> bool {
        self.certificate_valid_until.is_some_and(|d| d >= date)
    }

    pub fn same_content(&self, other: &Inspector) -> bool {
        let mut a = self.clone();
        let mut b = other.clone();
        a.id = 0;
        b.id = 0;
        a.status_history.clear();
        b.status_history.clear();
        a == b
    }
}

/// An inspector who must not inspect a target (conflict of interest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecusalPair {
    pub inspector: InspectorId,
    pub target: TargetId,
    pub reason: String,
}
