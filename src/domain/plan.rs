//! Draw plans (抽查计划): one row of the annual plan table, the source's attachment.
//!
//! The source's columns are 序号, 抽查计划名称, 检查类别, 抽查事项, 检查对象, 事项类别, 抽查方式,
//! 抽查日期. The office adds what a draw needs: the scope (a filter expression; empty means an
//! undirected draw), the inspectors' required expertise, the joint kind, which Table 1 rows the
//! plan draws and the ratio it chooses for the 10-30% row. `fixtures/plan-2022.csv` is the 2022
//! plan in the file form ([`PLAN_HEADERS`]).
//!
//! This module holds the type and the parsers of single cells; reading whole files is the
//! importer's job.

use super::period::Period;
use super::rules::{percent_to_bp, Category, Rules};
use super::target::{MonthSet, Target};
use crate::i18n::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

pub type PlanId = u64;

/// Headers of the plan file, in order (the source's eight, then the office's six).
pub const PLAN_HEADERS: [&str; 14] = [
    "序号",
    "抽查计划名称",
    "检查类别",
    "抽查事项",
    "检查对象",
    "事项类别",
    "抽查方式",
    "抽查日期",
    "抽查范围",
    "业务专长要求",
    "联合类型",
    "联合部门",
    "抽查比例",
    "适用分层",
];

/// 抽查方式 (二(六)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionMethod {
    /// 现场检查 ("四不两直")
    OnSite,
    /// 科技检查: online monitoring, video, drones
    Remote,
    /// 其他检查: written or third party; needs the bureau's approval
    Other,
}

impl InspectionMethod {
    pub const ALL: [InspectionMethod; 3] = [
        InspectionMethod::OnSite,
        InspectionMethod::Remote,
        InspectionMethod::Other,
    ];

    pub fn parse(s: &str) -> Option<InspectionMethod> {
        match s.trim() {
            "现场检查" | "现场" | "on_site" | "onsite" | "on-site" | "OnSite" => {
                Some(InspectionMethod::OnSite)
            }
            "科技检查" | "科技" | "非现场检查" | "非现场" | "remote" | "Remote" => {
                Some(InspectionMethod::Remote)
            }
            "其他检查" | "其他" | "书面检查" | "other" | "Other" => {
                Some(InspectionMethod::Other)
            }
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            InspectionMethod::OnSite => lang.pick("现场检查", "on-site"),
            InspectionMethod::Remote => lang.pick("科技检查", "remote"),
            InspectionMethod::Other => lang.pick("其他检查", "other"),
        }
    }

    /// "Other" inspections need the bureau's approval before they are carried out.
    pub fn needs_approval(self) -> bool {
        self == InspectionMethod::Other
    }
}

/// The method a task of a plan with method `plan` gets for `target`: the plan's 抽查方式 is the
/// default; 科技检查 (remote) only where the plan allows it *and* the target may be checked
/// remotely ([`Target::remote_allowed`]), otherwise on site; 其他检查 stays 其他检查 (it needs
/// an approval before the check).
pub fn planned_method(plan: InspectionMethod, target: &Target) -> InspectionMethod {
    match plan {
        InspectionMethod::Other => InspectionMethod::Other,
        InspectionMethod::Remote if target.remote_allowed() => InspectionMethod::Remote,
        _ => InspectionMethod::OnSite,
    }
}

/// Whether a check by `used` is allowed for a task of a plan with method `plan` on `target`:
/// remote only where [`planned_method`] would plan it remote; the reason otherwise.
pub fn method_refusal(
    plan: InspectionMethod,
    used: InspectionMethod,
    target: &Target,
    lang: Lang,
) -> Option<String> {
    if used != InspectionMethod::Remote {
        return None;
    }
    if target.must_be_on_site() {
        return Some(
            lang.pick(
                "该检查对象有群众投诉、转办或问题线索，须现场检查（四不两直），不能采用科技检查",
                "this target has complaints, a referral or a problem lead: it is checked on site, not remotely",
            )
            .to_string(),
        );
    }
    if !target.remote_by_default() {
        return Some(
            lang.pick(
                "科技检查仅适用于纳入正面清单或“非现场”监管设施完备（在线监控和视频监控）的检查对象",
                "a remote check is only for targets on the positive list or with complete online and video monitoring",
            )
            .to_string(),
        );
    }
    if plan != InspectionMethod::Remote {
        return Some(match lang {
            Lang::Zh => format!("计划的抽查方式为{}，不允许科技检查", plan.label(lang)),
            Lang::En => format!(
                "the plan's method is {}, which does not allow a remote check",
                plan.label(lang)
            ),
        });
    }
    None
}

/// 事项类别.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemClass {
    /// 重点检查事项
    Key,
    /// 一般检查事项
    General,
}

impl ItemClass {
    pub fn parse(s: &str) -> Option<ItemClass> {
        match s.trim() {
            "重点检查事项" | "重点" | "key" | "Key" | "key item" => Some(ItemClass::Key),
            "一般检查事项" | "一般" | "general" | "General" | "general item" => {
                Some(ItemClass::General)
            }
            _ => None,
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ItemClass::Key => lang.pick("重点检查事项", "key item"),
            ItemClass::General => lang.pick("一般检查事项", "general item"),
        }
    }
}

/// 联合类型.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum JointKind {
    /// Not a joint inspection.
    #[default]
    None,
    /// 内部联合: sections of this bureau combine into one visit.
    Internal,
    /// 部门联合: with the departments of these codes.
    Departments(Vec<String>),
}

impl JointKind {
    /// From the two cells 联合类型 and 联合部门 (codes separated by `；` `、` `;` `,` `|`).
    pub fn parse(kind: &str, departments: &str) -> Result<JointKind, PlanError> {
        let codes = split_list(departments);
        match kind.trim() {
            "" | "无" | "否" | "none" | "None" => {
                if codes.is_empty() {
                    Ok(JointKind::None)
                } else {
                    // Partner departments without a kind: clearly an inter-department plan.
                    Ok(JointKind::Departments(codes))
                }
            }
            "内部联合" | "内部" | "internal" | "Internal" => Ok(JointKind::Internal),
            "部门联合" | "部门" | "跨部门联合" | "departments" | "Departments" => {
                if codes.is_empty() {
                    Err(PlanError::MissingDepartments)
                } else {
                    Ok(JointKind::Departments(codes))
                }
            }
            other => Err(PlanError::BadJoint(other.to_string())),
        }
    }

    pub fn label(&self, lang: Lang) -> String {
        match self {
            JointKind::None => lang.pick("无", "none").to_string(),
            JointKind::Internal => lang.pick("内部联合", "internal joint").to_string(),
            JointKind::Departments(codes) => format!(
                "{}（{}）",
                lang.pick("部门联合", "inter-department joint"),
                codes.join("、")
            ),
        }
    }

    pub fn is_joint(&self) -> bool {
        !matches!(self, JointKind::None)
    }
}

/// A cell that cannot be read, or a plan inconsistent with the rules.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanError {
    BadMethod(String),
    BadItemClass(String),
    BadDateRange(String),
    BadJoint(String),
    /// 部门联合 without partner departments.
    MissingDepartments,
    BadRatio(String),
    /// A Table 1 row id the rules do not have.
    UnknownRow(String),
    /// The chosen ratio is outside the range of a range row the plan draws.
    RatioOutOfRange {
        row: String,
        chosen: f64,
    },
}

impl PlanError {
    pub fn localize(&self, lang: Lang) -> String {
        match (self, lang) {
            (PlanError::BadMethod(s), Lang::Zh) => {
                format!("无法识别的抽查方式 {s:?}：应为 现场检查、科技检查 或 其他检查")
            }
            (PlanError::BadMethod(s), Lang::En) => {
                format!("unknown inspection method {s:?}: use 现场检查 (on-site), 科技检查 (remote) or 其他检查 (other)")
            }
            (PlanError::BadItemClass(s), Lang::Zh) => {
                format!("无法识别的事项类别 {s:?}：应为 重点检查事项 或 一般检查事项")
            }
            (PlanError::BadItemClass(s), Lang::En) => {
                format!("unknown item class {s:?}: use 重点检查事项 (key) or 一般检查事项 (general)")
            }
            (PlanError::BadDateRange(s), Lang::Zh) => {
                format!("无法识别的抽查日期 {s:?}：应写作 2022年1月—12月 或 2022年3月至6月")
            }
            (PlanError::BadDateRange(s), Lang::En) => format!(
                "cannot read the dates {s:?}: write 2022年1月—12月 (January to December 2022) or 2022-03..2022-06"
            ),
            (PlanError::BadJoint(s), Lang::Zh) => {
                format!("无法识别的联合类型 {s:?}：应为 无、内部联合 或 部门联合")
            }
            (PlanError::BadJoint(s), Lang::En) => {
                format!("unknown joint kind {s:?}: use 无 (none), 内部联合 (internal) or 部门联合 (inter-department)")
            }
            (PlanError::MissingDepartments, Lang::Zh) => {
                "部门联合抽查须在“联合部门”列填写参与部门代码（如 SCJG；YJGL）".into()
            }
            (PlanError::MissingDepartments, Lang::En) => {
                "an inter-department plan needs the partner department codes in 联合部门 (e.g. SCJG;YJGL)".into()
            }
            (PlanError::BadRatio(s), Lang::Zh) => {
                format!("无法识别的抽查比例 {s:?}：应为 0 到 100 之间的百分数，如 20 或 20%")
            }
            (PlanError::BadRatio(s), Lang::En) => {
                format!("cannot read the ratio {s:?}: give a percent between 0 and 100, e.g. 20 or 20%")
            }
            (PlanError::UnknownRow(s), Lang::Zh) => {
                format!("适用分层 {s:?} 不在抽查规则（表一）中")
            }
            (PlanError::UnknownRow(s), Lang::En) => {
                format!("the row {s:?} is not in the rules (Table 1)")
            }
            (PlanError::RatioOutOfRange { row, chosen }, Lang::Zh) => {
                format!("抽查比例 {chosen}% 不在 {row} 允许的范围内")
            }
            (PlanError::RatioOutOfRange { row, chosen }, Lang::En) => {
                format!("the ratio {chosen}% is outside the range allowed for {row}")
            }
        }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}
impl std::error::Error for PlanError {}

/// Splits a list cell on `；` `、` `;` `,` `，` `|`, trimming and dropping empty items.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(['；', '、', ';', ',', '，', '|'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// A ratio cell: empty = none, else a percent with or without `%`.
pub fn parse_ratio(s: &str) -> Result<Option<f64>, PlanError> {
    let t = s.trim().trim_end_matches(['%', '％']).trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(v) if percent_to_bp(v).is_some() => Ok(Some(v)),
        _ => Err(PlanError::BadRatio(s.to_string())),
    }
}

/// Reads a 抽查日期 cell to `(year if written, first month, last month)`:
/// `2022年1月—12月`, `2022年3月-6月`, `2022年3月至2022年6月`, `3月-6月`, `2022-03..2022-06`,
/// `2022年全年`, `全年`, or a period (`2022Q3`, `2022年下半年`).
pub fn parse_month_range(text: &str) -> Option<(Option<i32>, u32, u32)> {
    let t = text.trim();
    if let Ok(p) = Period::parse(t) {
        let m = p.months();
        return Some((Some(p.year()), *m.start(), *m.end()));
    }
    let norm: String = t
        .replace(['—', '–', '－', '~', '～', '至'], "-")
        .replace("..", "-")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if norm == "全年" {
        return Some((None, 1, 12));
    }
    if let Some(y) = norm.strip_suffix("年全年") {
        let year: i32 = y.parse().ok()?;
        return Some((Some(year), 1, 12));
    }
    // One side: "2022年1月", "1月", "2022-03", "3".
    fn side(s: &str) -> Option<(Option<i32>, u32)> {
        let s = s.trim_end_matches('份').trim_end_matches('月');
        let (y, m) = if let Some((y, m)) = s.split_once('年') {
            (Some(y.parse::<i32>().ok()?), m)
        } else if s.len() > 4 && s.as_bytes().get(4) == Some(&b'-') {
            (Some(s.get(..4)?.parse::<i32>().ok()?), s.get(5..)?)
        } else {
            (None, s)
        };
        let m: u32 = m.parse().ok()?;
        (1..=12).contains(&m).then_some((y, m))
    }
    // Split on the dash that separates the two sides (not the one inside "2022-03").
    let parts: Vec<&str> = norm.split('-').collect();
    let (a, b) = match parts.len() {
        1 => (parts[0].to_string(), parts[0].to_string()),
        2 => (parts[0].to_string(), parts[1].to_string()),
        // "2022-03-2022-06"
        4 => (
            format!("{}-{}", parts[0], parts[1]),
            format!("{}-{}", parts[2], parts[3]),
        ),
        // "2022-03-06" is ambiguous; "2022年3月-2022-06" is not worth guessing.
        _ => return None,
    };
    let (ya, ma) = side(&a)?;
    let (yb, mb) = side(&b)?;
    if let (Some(x), Some(y)) = (ya, yb) {
        if x != y {
            return None;
        }
    }
    if mb < ma {
        return None;
    }
    Some((ya.or(yb), ma, mb))
}

/// One row of the annual plan table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub id: PlanId,
    /// The plan's year.
    pub year: i32,
    /// 序号
    pub seq: u32,
    /// 抽查计划名称
    pub name: String,
    /// 检查类别
    pub category: String,
    /// 抽查事项
    pub item: String,
    /// 检查对象
    pub object: String,
    /// 事项类别
    pub item_class: ItemClass,
    /// 抽查方式
    pub method: InspectionMethod,
    /// 抽查日期 as written.
    pub date_text: String,
    /// First and last month of 抽查日期 (1..=12).
    pub start_month: u32,
    pub end_month: u32,
    /// 抽查范围: a filter expression over target fields; empty = undirected draw.
    pub scope: String,
    /// 业务专长要求: every team needs an inspector with each of these.
    pub required_expertise: Vec<String>,
    /// 联合类型 / 联合部门
    pub joint: JointKind,
    /// 适用分层: Table 1 row ids drawn; empty = every row this office draws.
    pub rows: Vec<String>,
    /// 抽查比例 chosen for the 10-30% row (percent).
    pub chosen_ratio: Option<f64>,
}

impl Plan {
    /// A directed draw (定向抽查) restricts the pool by a scope.
    pub fn is_directed(&self) -> bool {
        !self.scope.trim().is_empty()
    }

    /// The months of 抽查日期.
    pub fn months(&self) -> MonthSet {
        let a = self.start_month.clamp(1, 12);
        let b = self.end_month.clamp(a, 12);
        let mut bits = 0u16;
        for m in a..=b {
            bits |= 1 << (m - 1);
        }
        MonthSet(bits)
    }

    pub fn start_date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.start_month.clamp(1, 12), 1)
    }

    pub fn end_date(&self) -> Option<NaiveDate> {
        let m = self.end_month.clamp(1, 12);
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(self.year.checked_add(1)?, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(self.year, m + 1, 1)?
        };
        next.pred_opt()
    }

    /// Whether the plan's months overlap the period (a plan for March to June can be drawn in
    /// 2022Q1 and 2022Q2, not in 2022Q3).
    pub fn overlaps(&self, period: Period) -> bool {
        if period.year() != self.year {
            return false;
        }
        let p = period.months();
        *p.start() <= self.end_month && self.start_month <= *p.end()
    }

    /// How many draws of `period`'s length the plan's months still cover inside
    /// `cycle_period` (the row's cycle), this one included: a yearly row drawn by a plan for
    /// January to December in 2022Q2 has 3 (Q2, Q3, Q4). What the cycle still owes is spread
    /// evenly over them, the ceiling first. 0 when `period` is not inside `cycle_period`.
    pub fn remaining_slots(&self, period: Period, cycle_period: Period) -> usize {
        let step = period.cycle();
        let mut n = 0;
        let mut p = period;
        while cycle_period.contains(p.start()) && p.year() == period.year() {
            if self.overlaps(p) {
                n += 1;
            }
            let Some(next) = p.end().succ_opt() else {
                break;
            };
            p = Period::containing(next, step);
        }
        n
    }

    /// Whether the plan draws Table 1 row `row`. An empty list means every applicable
    /// pollution-source row: radiation and construction are inspection categories of their
    /// own, drawn only by a plan that names their rows.
    pub fn draws_row(&self, rules: &Rules, row: &str) -> bool {
        if self.rows.is_empty() {
            rules
                .applicable_rows()
                .any(|r| r.id == row && r.category() == Category::Pollution)
        } else {
            self.rows.iter().any(|r| r == row)
        }
    }

    /// Checks the plan against the rules: its rows exist, its months are in order, and its
    /// chosen ratio fits every range row it draws.
    pub fn validate(&self, rules: &Rules) -> Result<(), PlanError> {
        if !(1..=12).contains(&self.start_month)
            || !(1..=12).contains(&self.end_month)
            || self.end_month < self.start_month
        {
            return Err(PlanError::BadDateRange(self.date_text.clone()));
        }
        for r in &self.rows {
            if rules.row(r).is_none() {
                return Err(PlanError::UnknownRow(r.clone()));
            }
        }
        if let Some(chosen) = self.chosen_ratio {
            for row in rules.rows().iter().filter(|r| self.draws_row(rules, &r.id)) {
                if row.is_range() && row.effective_ratio_bp(Some(chosen)).is_err() {
                    return Err(PlanError::RatioOutOfRange {
                        row: row.id.clone(),
                        chosen,
                    });
                }
            }
        }
        if let JointKind::Departments(codes) = &self.joint {
            if codes.is_empty() {
                return Err(PlanError::MissingDepartments);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_and_item_classes() {
        assert_eq!(
            InspectionMethod::parse("现场检查"),
            Some(InspectionMethod::OnSite)
        );
        assert_eq!(
            InspectionMethod::parse("科技检查"),
            Some(InspectionMethod::Remote)
        );
        assert_eq!(
            InspectionMethod::parse(" 其他检查 "),
            Some(InspectionMethod::Other)
        );
        assert_eq!(InspectionMethod::parse("电话"), None);
        for m in InspectionMethod::ALL {
            assert_eq!(InspectionMethod::parse(m.label(Lang::Zh)), Some(m));
            assert_eq!(InspectionMethod::parse(m.label(Lang::En)), Some(m));
        }
        assert!(InspectionMethod::Other.needs_approval());
        assert!(!InspectionMethod::Remote.needs_approval());
        assert_eq!(ItemClass::parse("重点检查事项"), Some(ItemClass::Key));
        assert_eq!(ItemClass::parse("一般检查事项"), Some(ItemClass::General));
        assert_eq!(ItemClass::parse("特殊"), None);
    }

    #[test]
    fn joint_kinds() {
        assert_eq!(JointKind::parse("无", ""), Ok(JointKind::None));
        assert_eq!(JointKind::parse("", ""), Ok(JointKind::None));
        assert_eq!(JointKind::parse("内部联合", ""), Ok(JointKind::Internal));
        assert_eq!(
            JointKind::parse("部门联合", "SCJG；YJGL"),
            Ok(JointKind::Departments(vec!["SCJG".into(), "YJGL".into()]))
        );
        assert_eq!(
            JointKind::parse("", "SCJG"),
            Ok(JointKind::Departments(vec!["SCJG".into()]))
        );
        assert_eq!(
            JointKind::parse("部门联合", " "),
            Err(PlanError::MissingDepartments)
        );
        assert!(matches!(
            JointKind::parse("联合", ""),
            Err(PlanError::BadJoint(_))
        ));
        assert_eq!(
            JointKind::Departments(vec!["SCJG".into(), "YJGL".into()]).label(Lang::Zh),
            "部门联合（SCJG、YJGL）"
        );
    }

    #[test]
    fn month_ranges() {
        assert_eq!(
            parse_month_range("2022年1月—12月"),
            Some((Some(2022), 1, 12))
        );
        assert_eq!(parse_month_range("2022年3月-6月"), Some((Some(2022), 3, 6)));
        assert_eq!(
            parse_month_range("2022年3月至2022年6月"),
            Some((Some(2022), 3, 6))
        );
        assert_eq!(parse_month_range("3月～10月"), Some((None, 3, 10)));
        assert_eq!(
            parse_month_range("2022-03..2022-06"),
            Some((Some(2022), 3, 6))
        );
        assert_eq!(parse_month_range("2022年5月"), Some((Some(2022), 5, 5)));
        assert_eq!(parse_month_range("全年"), Some((None, 1, 12)));
        assert_eq!(parse_month_range("2022年全年"), Some((Some(2022), 1, 12)));
        assert_eq!(parse_month_range("2022Q3"), Some((Some(2022), 7, 9)));
        assert_eq!(parse_month_range("2022年下半年"), Some((Some(2022), 7, 12)));
        assert_eq!(parse_month_range("2022年6月—3月"), None);
        assert_eq!(parse_month_range("2022年3月至2023年6月"), None);
        assert_eq!(parse_month_range("2022年13月"), None);
        assert_eq!(parse_month_range("明年"), None);
        assert_eq!(parse_month_range(""), None);
    }

    #[test]
    fn ratios_and_lists() {
        assert_eq!(parse_ratio(""), Ok(None));
        assert_eq!(parse_ratio("20"), Ok(Some(20.0)));
        assert_eq!(parse_ratio("12.5%"), Ok(Some(12.5)));
        assert!(matches!(parse_ratio("120"), Err(PlanError::BadRatio(_))));
        assert!(matches!(parse_ratio("二十"), Err(PlanError::BadRatio(_))));
        assert_eq!(split_list("辐射；危废、 水 |"), ["辐射", "危废", "水"]);
    }

    fn plan() -> Plan {
        Plan {
            id: 1,
            year: 2022,
            seq: 1,
            name: "对放射性污染防治监督检查的工作计划".into(),
            category: "放射性污染防治监督检查".into(),
            item: "对核技术利用单位放射性污染防治工作的检查".into(),
            object: "核技术利用单位".into(),
            item_class: ItemClass::Key,
            method: InspectionMethod::OnSite,
            date_text: "2022年3月—6月".into(),
            start_month: 3,
            end_month: 6,
            scope: String::new(),
            required_expertise: vec!["辐射".into()],
            joint: JointKind::None,
            rows: vec!["R".into()],
            chosen_ratio: None,
        }
    }

    #[test]
    fn plan_months_and_periods() {
        let p = plan();
        assert!(!p.is_directed());
        assert_eq!(p.months().to_text(), "3-6");
        assert_eq!(p.start_date(), NaiveDate::from_ymd_opt(2022, 3, 1));
        assert_eq!(p.end_date(), NaiveDate::from_ymd_opt(2022, 6, 30));
        assert!(p.overlaps(Period::Quarter(2022, 1)));
        assert!(p.overlaps(Period::Quarter(2022, 2)));
        assert!(!p.overlaps(Period::Quarter(2022, 3)));
        assert!(p.overlaps(Period::Year(2022)));
        assert!(!p.overlaps(Period::Quarter(2023, 2)));
    }

    #[test]
    fn plan_validation_against_rules() {
        let rules = Rules::default_rules();
        let mut p = plan();
        assert_eq!(p.validate(&rules), Ok(()));
        assert!(p.draws_row(&rules, "R") && !p.draws_row(&rules, "A-1"));
        p.rows = vec!["Z-9".into()];
        assert_eq!(p.validate(&rules), Err(PlanError::UnknownRow("Z-9".into())));
        // All rows: C-4 is among them, so the chosen ratio must be 10-30%.
        p.rows.clear();
        assert!(p.draws_row(&rules, "A-1") && !p.draws_row(&rules, "A-4"));
        p.chosen_ratio = Some(40.0);
        assert!(matches!(
            p.validate(&rules),
            Err(PlanError::RatioOutOfRange { .. })
        ));
        p.chosen_ratio = Some(20.0);
        assert_eq!(p.validate(&rules), Ok(()));
        // A plan that does not draw C-4 ignores the ratio.
        p.rows = vec!["A-1".into()];
        p.chosen_ratio = Some(40.0);
        assert_eq!(p.validate(&rules), Ok(()));
        p.end_month = 2;
        assert!(matches!(
            p.validate(&rules),
            Err(PlanError::BadDateRange(_))
        ));
    }

    /// Every row of the shipped 2022 plan reads with the cell parsers and fits the rules.
    #[test]
    fn plan_2022_fixture_is_consistent() {
        let text = include_str!("../../fixtures/plan-2022.csv");
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
        assert_eq!(headers, PLAN_HEADERS);
        let rules = Rules::default_rules();
        let mut plans = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let r = rec.unwrap();
            let (year, start, end) = parse_month_range(&r[7]).unwrap();
            let p = Plan {
                id: i as u64 + 1,
                year: year.unwrap_or(2022),
                seq: r[0].parse().unwrap(),
                name: r[1].into(),
                category: r[2].into(),
                item: r[3].into(),
                object: r[4].into(),
                item_class: ItemClass::parse(&r[5]).unwrap(),
                method: InspectionMethod::parse(&r[6]).unwrap(),
                date_text: r[7].into(),
                start_month: start,
                end_month: end,
                scope: r[8].into(),
                required_expertise: split_list(&r[9]),
                joint: JointKind::parse(&r[10], &r[11]).unwrap(),
                chosen_ratio: parse_ratio(&r[12]).unwrap(),
                rows: split_list(&r[13]),
            };
            assert_eq!(p.seq as usize, i + 1);
            assert_eq!(p.year, 2022);
            p.validate(&rules).unwrap();
            plans.push(p);
        }
        assert!(plans.len() >= 8);
        // Row 1 as the source's attachment (its 抽查事项 names its item on the list by code).
        let p1 = &plans[0];
        assert_eq!(
            (
                p1.name.as_str(),
                p1.category.as_str(),
                p1.item.as_str(),
                p1.object.as_str(),
                p1.item_class,
                p1.method,
                p1.date_text.as_str(),
            ),
            (
                "对放射性污染防治监督检查的工作计划",
                "放射性污染防治监督检查",
                // The source's text, with the code of its item on the list (SX-05).
                "对核技术利用单位放射性污染防治工作的检查（SX-05）",
                "核技术利用单位",
                ItemClass::Key,
                InspectionMethod::OnSite,
                "2022年1月—12月",
            )
        );
        assert_eq!(plans[2].name, "污染防治设施运行情况抽查计划");
        assert!(plans.iter().any(|p| p.joint == JointKind::Internal));
        assert!(plans
            .iter()
            .any(|p| p.joint == JointKind::Departments(vec!["SCJG".into(), "YJGL".into()])));
        assert!(plans.iter().any(|p| p.is_directed()));
        assert!(plans.iter().any(|p| p.method == InspectionMethod::Remote));
    }
}
