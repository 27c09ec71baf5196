//! Inspections made outside the draw (issue 19): a complaint, a referral, the city bureau's own
//! draw, a special campaign. They are kept in the target's history and the audit log and are
//! never a random draw: no Table 1 figure counts them. A plan may leave out of its pools the
//! targets inspected within its last N days ([`Exclusion`]), "减少对企业现场检查次数".

use super::target::TargetId;
use crate::i18n::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub type InspectionId = u64;

/// Why a target was inspected outside the draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    /// 投诉举报
    Complaint,
    /// 上级转办交办、其他部门移送
    Referral,
    /// 市局抽查
    City,
    /// 专项行动
    Campaign,
    /// 其他针对性检查
    Other,
}

impl InspectionKind {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            InspectionKind::Complaint => lang.pick("投诉举报", "complaint"),
            InspectionKind::Referral => lang.pick("转办交办移送", "referral"),
            InspectionKind::City => lang.pick("市局抽查", "city bureau"),
            InspectionKind::Campaign => lang.pick("专项行动", "special campaign"),
            InspectionKind::Other => lang.pick("其他", "other"),
        }
    }
}

/// One inspection outside the draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    pub id: InspectionId,
    pub target: TargetId,
    /// The day of the inspection.
    pub date: NaiveDate,
    pub kind: InspectionKind,
    /// Item codes of the list (抽查事项清单).
    pub items: Vec<String>,
    /// Who inspected (a unit or names, as written).
    pub by: String,
    /// Who recorded it, and when (RFC 3339).
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A plan's exclusion window: targets inspected outside the draw within the last `days` days
/// are left out of its draws' pools (0: off, the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanWindow {
    pub plan: u64,
    pub days: u32,
}

/// A target left out of a draw's pools, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excluded {
    pub target: TargetId,
    /// The latest inspection within the window.
    pub inspection: InspectionId,
    pub date: NaiveDate,
    pub kind: InspectionKind,
}

/// The exclusion window of a draw: targets inspected outside the draw on a day in
/// `from ..= to` (the `days` days up to the draw date) are not in any pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub days: u32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Ascending by target.
    pub excluded: Vec<Excluded>,
}

impl Exclusion {
    /// The window of `days` days up to `date` over `inspections` (none when `days` is 0).
    pub fn over(days: u32, date: NaiveDate, inspections: &[Inspection]) -> Option<Exclusion> {
        if days == 0 {
            return None;
        }
        let from = date - chrono::Days::new(u64::from(days) - 1);
        let mut latest: std::collections::BTreeMap<TargetId, &Inspection> = Default::default();
        for i in inspections
            .iter()
            .filter(|i| i.date >= from && i.date <= date)
        {
            let e = latest.entry(i.target).or_insert(i);
            if (i.date, i.id) > (e.date, e.id) {
                *e = i;
            }
        }
        Some(Exclusion {
            days,
            from,
            to: date,
            excluded: latest
                .into_values()
                .map(|i| Excluded {
                    target: i.target,
                    inspection: i.id,
                    date: i.date,
                    kind: i.kind,
                })
                .collect(),
        })
    }

    pub fn contains(&self, target: TargetId) -> bool {
        self.excluded
            .binary_search_by_key(&target, |e| e.target)
            .is_ok()
    }

    /// "排除 30 天内（2022-06-06 至 2022-07-05）已在抽取之外检查的 2 个对象".
    pub fn summary(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "排除 {} 天内（{} 至 {}）已在随机抽查之外检查过的 {} 个对象",
                self.days,
                self.from,
                self.to,
                self.excluded.len()
            ),
            Lang::En => format!(
                "excluded {} target(s) inspected outside the draw within {} days ({} to {})",
                self.excluded.len(),
                self.days,
                self.from,
                self.to
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(id: u64, target: u64, d: &str) -> Inspection {
        Inspection {
            id,
            target,
            date: d.parse().unwrap(),
            kind: InspectionKind::City,
            items: vec![],
            by: "市局".into(),
            recorded_by: "t".into(),
            recorded_at: String::new(),
        }
    }

    #[test]
    fn the_window_holds_the_last_n_days_up_to_the_draw() {
        let date: NaiveDate = "2022-07-05".parse().unwrap();
        let all = [
            on(1, 7, "2022-06-15"),
            on(2, 8, "2022-06-05"),
            on(3, 9, "2022-06-06"),
            on(4, 7, "2022-07-01"),
            on(5, 3, "2022-07-06"),
        ];
        assert_eq!(Exclusion::over(0, date, &all), None);
        let e = Exclusion::over(30, date, &all).unwrap();
        assert_eq!(e.from.to_string(), "2022-06-06");
        let targets: Vec<_> = e
            .excluded
            .iter()
            .map(|x| (x.target, x.inspection))
            .collect();
        assert_eq!(targets, [(7, 4), (9, 3)]);
        assert!(e.contains(9) && !e.contains(8) && !e.contains(3));
    }
}
