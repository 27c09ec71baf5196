//! Inspections outside the draw and the plans' exclusion windows (issue 19, acceptance 2).
//!
//! `inspection record` keeps a complaint, referral, city or campaign inspection in the target's
//! history and the audit log; nothing counts it as a random draw (no task, no Table 1 figure).
//! A plan's window (`plan window --plan N --days D`, 0 = off) leaves out of its draws' pools the
//! targets inspected outside the draw within the last D days up to the draw date. The exclusion
//! is written with the announcement (tree `exclusions`, by announcement id) and shown in the
//! draw record, so the input an outsider rebuilds drops the same targets.

use super::{encode_record, Office, OfficeError, State};
use crate::domain::inspection::{Exclusion, Inspection, InspectionKind, PlanWindow};
use crate::domain::PlanId;
use crate::i18n::Lang;
use crate::store::{key_u64, TreeName, Write};
use chrono::NaiveDate;

crate::stored_unchanged!(Inspection, PlanWindow, Exclusion);

impl State {
    /// The inspections outside the draw of target `id`, oldest first.
    pub fn inspections_of(&self, id: u64) -> impl Iterator<Item = &Inspection> {
        self.inspections.iter().filter(move |i| i.target == id)
    }

    /// The exclusion window of plan `plan` in days (0: off).
    pub fn plan_window(&self, plan: PlanId) -> u32 {
        self.plan_windows.get(&plan).copied().unwrap_or(0)
    }
}

impl Office {
    /// Record an inspection made outside the draw. Refused, changing nothing: an unknown
    /// target, a date after today, an item code not on the list, no inspector named.
    pub fn record_inspection(
        &self,
        target: &str,
        date: NaiveDate,
        kind: InspectionKind,
        items: &[String],
        by: &str,
    ) -> Result<Inspection, OfficeError> {
        let lang = self.lang();
        super::tasks::not_after_today(date, lang).map_err(OfficeError::Refused)?;
        let mut st = self.state_mut();
        let Some(t) = st.find_target(target) else {
            return Err(OfficeError::NotFound(match lang {
                Lang::Zh => format!("检查对象 {target}"),
                Lang::En => format!("target {target}"),
            }));
        };
        let (tid, tname) = (t.id, t.name().to_string());
        let mut codes: Vec<String> = Vec::new();
        for code in items.iter().map(|c| c.trim().to_ascii_uppercase()) {
            if code.is_empty() || codes.contains(&code) {
                continue;
            }
            if st.item_by_code(&code).is_none() {
                return Err(OfficeError::Refused(match lang {
                    Lang::Zh => format!("--items：事项编码 {code} 不在抽查事项清单中"),
                    Lang::En => format!("--items: item code {code} is not on the item list"),
                }));
            }
            codes.push(code);
        }
        if by.trim().is_empty() {
            return Err(OfficeError::Refused(
                lang.pick("--by：须写明检查单位或人员", "--by: name who inspected")
                    .into(),
            ));
        }
        let i = Inspection {
            id: st.inspections.len() as u64 + 1,
            target: tid,
            date,
            kind,
            items: codes,
            by: by.trim().to_string(),
            recorded_by: self.user(),
            recorded_at: crate::store::audit::now_text(),
        };
        let summary = format!(
            "登记抽取之外的检查 #{}：{} {}，{}，{}，事项 {}，检查：{}",
            i.id,
            tid,
            tname,
            i.date,
            i.kind.label(Lang::Zh),
            if i.items.is_empty() {
                "-".to_string()
            } else {
                i.items.join("、")
            },
            i.by
        );
        let write = encode_record(TreeName::Inspections, key_u64(i.id), &i)?;
        self.commit("inspection record", summary, vec![write])?;
        st.inspections.push(i.clone());
        Ok(i)
    }

    /// Set plan `plan`'s exclusion window to `days` (0: off), audited.
    pub fn set_plan_window(&self, plan: PlanId, days: u32) -> Result<(), OfficeError> {
        let p = self.plan(plan)?;
        let mut st = self.state_mut();
        if st.plan_window(plan) == days {
            return Ok(());
        }
        let w = PlanWindow { plan, days };
        let write = encode_record(TreeName::PlanWindows, key_u64(plan), &w)?;
        let summary = if days == 0 {
            format!("计划 {plan} {}：不再排除近期已检查的对象", p.name)
        } else {
            format!(
                "计划 {plan} {}：抽取时排除 {days} 天内已在随机抽查之外检查过的对象",
                p.name
            )
        };
        self.commit("plan window", summary, vec![write])?;
        st.plan_windows.insert(plan, days);
        Ok(())
    }

    /// The targets plan `plan`'s window leaves out of a draw on `date` (none when off).
    pub fn recent_exclusion(&self, plan: PlanId, date: NaiveDate) -> Option<Exclusion> {
        let st = self.state();
        Exclusion::over(st.plan_window(plan), date, &st.inspections)
    }

    /// The write that keeps announcement `a`'s exclusion beside it (none without a window);
    /// the audit summary says how many were left out.
    pub(super) fn exclusion_write(
        &self,
        a: &super::announce::Announcement,
        summary: &mut String,
    ) -> Result<Option<Write>, OfficeError> {
        let date = a
            .request
            .date
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        let Some(e) = self.recent_exclusion(a.plan, date) else {
            return Ok(None);
        };
        summary.push_str(&format!("；{}", e.summary(Lang::Zh)));
        encode_record(TreeName::Exclusions, key_u64(a.id), &e).map(Some)
    }

    /// The exclusion announcement `id`'s input was built with, if any.
    pub fn exclusion_of_announcement(&self, id: u64) -> Option<Exclusion> {
        let v = self.store.get(TreeName::Exclusions, &key_u64(id)).ok()??;
        crate::store::Store::decode_value(TreeName::Exclusions, &key_u64(id), &v).ok()
    }
}

pub(super) fn load(
    store: &crate::store::Store,
    st: &mut State,
) -> Result<(), crate::store::StoreError> {
    st.inspections = store.scan(TreeName::Inspections)?;
    let windows: Vec<PlanWindow> = store.scan(TreeName::PlanWindows)?;
    st.plan_windows = windows.into_iter().map(|w| (w.plan, w.days)).collect();
    Ok(())
}
