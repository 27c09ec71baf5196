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

/// The fields of a follow-up to record: given ones replace the stored value, `None` keeps it
/// (the same names as [`FollowUp`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpPatch {
    pub handed_to_enforcement: Option<NaiveDate>,
    pub rectification_due: Option<NaiveDate>,
    pub rectified_on: Option<NaiveDate>,
    pub case_number: Option<String>,
    pub transferred_to_judiciary: Option<NaiveDate>,
}

/// One step of a task's progress, as every front end records it (`Request::TaskStep`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The inspection was carried out (`method`: the planned one when `None`).
    Check {
        date: NaiveDate,
        method: Option<InspectionMethod>,
        /// The bureau's approval of an "other" inspection.
        approval: String,
    },
    /// The result was determined: a standard phrase 1-8.
    Result {
        phrase: u8,
        determined: NaiveDate,
        findings: String,
        unsigned_reason: Option<String>,
        integrity_card: bool,
    },
    Publish {
        date: NaiveDate,
        url: String,
    },
    /// Not published: secrecy, national or public security.
    Exempt {
        reason: String,
    },
    FollowUp(FollowUpPatch),
}

impl Step {
    /// What the step records, for the message after it.
    pub fn done_label(&self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            Step::Check { .. } => lang.pick("已登记检查", "check recorded"),
            Step::Result { .. } => lang.pick("已录入结果", "result entered"),
            Step::Publish { .. } => lang.pick("已登记公示", "publication recorded"),
            Step::Exempt { .. } => lang.pick("已登记不予公示", "exemption recorded"),
            Step::FollowUp(_) => lang.pick("已登记后续处理", "follow-up recorded"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub draw: DrawId,
    pub plan: PlanId,
    /// The draw's period, e.g. `2022Q3` (interned: a year's tasks name four periods).
    pub period: super::sym::Sym,
    pub target: TargetId,
    /// The Table 1 row that governed the target in this draw (interned: Table 1 has a few
    /// dozen rows).
    pub row: super::sym::Sym,
    pub team: Vec<InspectorId>,
    pub internal_joint: bool,
    /// Inter-department partners (department codes), empty if none.
    pub partners: Vec<String>,
    pub method: InspectionMethod,
    /// The "not the last team" rule had to be relaxed for this target.
    pub relaxed_last_team: bool,
    /// Set when the draw is voided.
    pub voided: bool,
    /// The steps, boxed: most tasks of a large store have none yet, and a task is moved and
    /// copied whole (a draw makes 60,000 at once, the book holds every task of the year), so
    /// an empty step costs 8 bytes instead of its size (issue 17). Stored as the step itself.
    pub check: Option<Box<CheckStep>>,
    pub result: Option<Box<ResultStep>>,
    pub publication: Option<Box<Publication>>,
    pub follow_up: FollowUp,
    /// The further 抽查事项 (plan and row) that later draws of the period merged into this
    /// visit (one visit per target per period, `shuangsui-draw-2`), in the order merged.
    #[serde(default)]
    pub merged: Vec<MergedItem>,
}

/// One 抽查事项 merged into a visit: the draw and plan that reached the target, the row it owed,
/// and the certified inspector that draw added to the team (none when the team had one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedItem {
    pub draw: DrawId,
    pub plan: PlanId,
    pub row: super::sym::Sym,
    pub added: Option<InspectorId>,
}

/// One 抽查事项 a visit covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskItem<'a> {
    pub draw: DrawId,
    pub plan: PlanId,
    pub row: &'a str,
}

impl Task {
    /// Every 抽查事项 of the visit: its own (the draw that made it) first, then the merged ones.
    pub fn items(&self) -> impl Iterator<Item = TaskItem<'_>> {
        std::iter::once(TaskItem {
            draw: self.draw,
            plan: self.plan,
            row: &self.row,
        })
        .chain(self.merged.iter().map(|m| TaskItem {
            draw: m.draw,
            plan: m.plan,
            row: &m.row,
        }))
    }

    /// An internal joint inspection: designated by lot, or a merged visit (several 抽查事项,
    /// one team of each section involved).
    pub fn is_joint(&self) -> bool {
        self.internal_joint || !self.merged.is_empty()
    }

    /// The rows of the items: `C-2`, or `C-2+R` for a merged visit.
    pub fn rows_text(&self) -> String {
        self.items().map(|i| i.row).collect::<Vec<_>>().join("+")
    }

    /// The items as text: `计划 3 C-2；计划 7 R`.
    pub fn items_text(&self, lang: crate::i18n::Lang) -> String {
        self.items()
            .map(|i| format!("{} {} {}", lang.pick("计划", "plan"), i.plan, i.row))
            .collect::<Vec<_>>()
            .join(lang.pick("；", "; "))
    }

    /// A result has been recorded whose phrase reports a problem.
    pub fn found_problem(&self) -> bool {
        self.result
            .as_ref()
            .is_some_and(|r| phrase_is_problem(r.phrase))
    }

    pub fn joint_kind(&self) -> JointKind {
        if !self.partners.is_empty() {
            JointKind::Departments(self.partners.clone())
        } else if self.is_joint() {
            JointKind::Internal
        } else {
            JointKind::None
        }
    }
}

/// The only grounds on which a result is not published (不予公开, 二(九)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExemptGround {
    /// 涉及保密 (state secrets)
    Secrecy,
    /// 涉及国家安全
    NationalSecurity,
    /// 涉及公共安全
    PublicSecurity,
}

impl ExemptGround {
    pub fn parse(s: &str) -> Option<ExemptGround> {
        let t = s.trim();
        let t = t.strip_prefix("涉及").unwrap_or(t);
        match t.to_lowercase().as_str() {
            "保密" | "涉密" | "国家秘密" | "secrecy" | "secret" => {
                Some(ExemptGround::Secrecy)
            }
            "国家安全" | "national-security" | "national security" => {
                Some(ExemptGround::NationalSecurity)
            }
            "公共安全" | "public-security" | "public security" => {
                Some(ExemptGround::PublicSecurity)
            }
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ExemptGround::Secrecy => "涉及保密",
            ExemptGround::NationalSecurity => "涉及国家安全",
            ExemptGround::PublicSecurity => "涉及公共安全",
        }
    }
}

/// A checked exemption: its ground, who approved it and when. It is recorded as the text
/// [`Exemption::text`] ("涉及国家安全；批准人：张三；批准日期：2022-08-05"), which
/// [`Exemption::parse`] reads back; the form `ground；approver；YYYY-MM-DD` is accepted too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exemption {
    pub ground: ExemptGround,
    pub approver: String,
    pub approved_on: NaiveDate,
}

impl Exemption {
    /// Reads `ground；approver；date` (separators `；` `;` `，` `,`; the labels 批准人：and
    /// 批准日期：optional). The error says what is wrong, in `lang`.
    pub fn parse(text: &str, lang: crate::i18n::Lang) -> Result<Exemption, String> {
        let parts: Vec<&str> = text
            .split(['；', ';', '，', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let format = lang.pick(
            "应写作“理由；批准人；批准日期”，如 国家安全；张三；2022-08-05，理由只能是 保密、国家安全 或 公共安全",
            "write \"ground; approver; date\", e.g. 国家安全;张三;2022-08-05, the ground being 保密 (secrecy), 国家安全 (national security) or 公共安全 (public security)",
        );
        let Some(first) = parts.first() else {
            return Err(format.to_string());
        };
        let Some(ground) = ExemptGround::parse(first) else {
            return Err(match lang {
                crate::i18n::Lang::Zh => {
                    format!("不予公开的理由 {first:?} 不在 保密、国家安全、公共安全 之中；{format}")
                }
                crate::i18n::Lang::En => format!(
                    "the ground {first:?} is not one of secrecy, national security, public security; {format}"
                ),
            });
        };
        let strip = |p: &str, labels: &[&str]| -> String {
            let mut p = p.trim();
            for l in labels {
                if let Some(rest) = p.strip_prefix(l) {
                    p = rest.trim_start_matches([':', '：']).trim();
                }
            }
            p.to_string()
        };
        let approver = parts
            .get(1)
            .map(|p| strip(p, &["批准人", "approver"]))
            .unwrap_or_default();
        if approver.is_empty() {
            return Err(format!(
                "{}{format}",
                lang.pick("须写明批准人；", "the approver is missing; ")
            ));
        }
        let date_text = parts
            .get(2)
            .map(|p| strip(p, &["批准日期", "approved on", "date"]))
            .unwrap_or_default();
        let Ok(approved_on) = NaiveDate::parse_from_str(&date_text, "%Y-%m-%d") else {
            return Err(format!(
                "{}{format}",
                lang.pick(
                    "须写明批准日期（YYYY-MM-DD）；",
                    "the approval date (YYYY-MM-DD) is missing or unreadable; "
                )
            ));
        };
        if parts.len() > 3 {
            return Err(format.to_string());
        }
        Ok(Exemption {
            ground,
            approver,
            approved_on,
        })
    }

    /// The recorded text.
    pub fn text(&self) -> String {
        format!(
            "{}；批准人：{}；批准日期：{}",
            self.ground.label_zh(),
            self.approver,
            self.approved_on
        )
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

    #[test]
    fn exemptions_name_one_of_three_grounds_an_approver_and_a_date() {
        use crate::i18n::Lang;
        let e = Exemption::parse("国家安全；张三；2022-08-05", Lang::Zh).unwrap();
        assert_eq!(e.ground, ExemptGround::NationalSecurity);
        assert_eq!(e.approver, "张三");
        assert_eq!(e.text(), "涉及国家安全；批准人：张三；批准日期：2022-08-05");
        // The recorded text reads back.
        assert_eq!(Exemption::parse(&e.text(), Lang::Zh).unwrap(), e);
        assert_eq!(
            Exemption::parse("public security, Li Si, 2022-08-06", Lang::En)
                .unwrap()
                .ground,
            ExemptGround::PublicSecurity
        );
        let m = Exemption::parse("忘记了", Lang::En).unwrap_err();
        assert!(m.contains("not one of"), "{m}");
        let m = Exemption::parse("保密", Lang::En).unwrap_err();
        assert!(m.contains("approver is missing"), "{m}");
        let m = Exemption::parse("保密；张三", Lang::En).unwrap_err();
        assert!(m.contains("approval date"), "{m}");
        let m = Exemption::parse("保密；张三；8月5日", Lang::Zh).unwrap_err();
        assert!(m.contains("批准日期"), "{m}");
    }
}
