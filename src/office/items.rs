//! The inspection item list (抽查事项清单, issue 19): import (merged by code like the other
//! registries), the seed of a new store (the ten items of section 二(一)), listing, and the
//! check that a plan names only items on the list.
//!
//! A plan names its items by code in its 抽查事项 cell (`domain::item::item_codes_in`); the
//! items of a task, a draw record, a check form or a publication are those of its plans, so no
//! task or draw record changes shape.

use super::registry::{outcome, ImportKind, ImportOptions, ImportOutcome};
use super::revisions::stamps;
use super::{encode_record, put_by_id, Office, OfficeError, State};
use crate::domain::item::{item_codes_in, seed_items, InspectionItem};
use crate::domain::Plan;
use crate::i18n::Lang;
use crate::import::{merge::Take, ImportReport, ITEM_FIELDS};
use crate::store::{key_u64, TreeName};

crate::stored_unchanged!(InspectionItem);

/// The item codes a plan names (in its 抽查事项 cell).
pub fn plan_item_codes(plan: &Plan) -> Vec<String> {
    item_codes_in(&plan.item)
}

/// What the draw record shows of issue 19 (flattened into it): the items of the list the plan
/// names (code, name, legal basis; read from the plan and the list when the record is shown,
/// not part of the input) and the targets the plan's exclusion window left out, and why (none
/// when the plan had no window).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordItems {
    #[serde(default)]
    pub items: Vec<ItemRef>,
    #[serde(default)]
    pub exclusion: Option<crate::domain::inspection::Exclusion>,
}

/// An item as a record names it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ItemRef {
    pub code: String,
    /// Empty when the code is no longer on the list.
    pub name: String,
    pub basis: String,
}

impl State {
    /// The items of `codes` as records name them.
    pub fn item_refs(&self, codes: &[String]) -> Vec<ItemRef> {
        codes
            .iter()
            .map(|c| {
                let item = self.item_by_code(c);
                ItemRef {
                    code: c.clone(),
                    name: item.map(|i| i.name.clone()).unwrap_or_default(),
                    basis: item.map(|i| i.basis.clone()).unwrap_or_default(),
                }
            })
            .collect()
    }

    pub fn item_by_code(&self, code: &str) -> Option<&InspectionItem> {
        self.items.iter().find(|i| i.code == code)
    }

    /// `SX-05 辐射安全项目管理情况；SX-02 …`: codes with their names (a code no longer on the
    /// list alone).
    pub fn items_label(&self, codes: &[String]) -> String {
        codes
            .iter()
            .map(|c| match self.item_by_code(c) {
                Some(i) => format!("{} {}", i.code, i.name),
                None => c.clone(),
            })
            .collect::<Vec<_>>()
            .join("；")
    }
}

impl Office {
    /// Items merged by code: a column the file lacks, or an empty cell (without
    /// `clear_empty`), keeps the stored value. One audited commit.
    pub(super) fn apply_items(
        &self,
        r: ImportReport<InspectionItem>,
        opts: ImportOptions,
    ) -> Result<ImportOutcome, OfficeError> {
        let mut out = outcome(ImportKind::Items, &r, self.lang(), opts.dry_run);
        let mut st = self.state_mut();
        let present = r.present;
        let mut staged: Vec<InspectionItem> = Vec::new();
        let mut next = st.items.len() as u64;
        for ((_, mut item), blank) in r.records.into_iter().zip(r.blanks) {
            match st.item_by_code(&item.code) {
                Some(old) => {
                    let take = Take {
                        present,
                        blank,
                        clear_empty: opts.clear_empty,
                    };
                    let (merged, changes) = crate::import::merge_item(old, &item, take);
                    if changes.is_empty() {
                        out.unchanged += 1;
                        continue;
                    }
                    out.updated += 1;
                    out.preview.record_merge(
                        &ITEM_FIELDS,
                        old.code.clone(),
                        old.name.clone(),
                        changes,
                    );
                    staged.push(merged);
                }
                None => {
                    next += 1;
                    item.id = next;
                    out.added += 1;
                    staged.push(item);
                }
            }
        }
        if opts.dry_run || staged.is_empty() {
            return Ok(out);
        }
        let writes = staged
            .iter()
            .map(|i| encode_record(TreeName::Items, key_u64(i.id), i))
            .collect::<Result<Vec<_>, _>>()?;
        let stamps = stamps(TreeName::Items, staged.iter().map(|i| i.id));
        let entry = self.commit_stamped("import items", out.localize(Lang::Zh), writes, stamps)?;
        out.audit_seq = Some(entry.seq);
        for i in staged {
            put_by_id(&mut st.items, i.id, i);
        }
        Ok(out)
    }

    /// A store without items gets the ten items of the source's section 二(一) (one audited
    /// commit); the audit entry's number, or none when the list was not empty.
    pub fn seed_items(&self) -> Result<Option<u64>, OfficeError> {
        let mut st = self.state_mut();
        if !st.items.is_empty() {
            return Ok(None);
        }
        let items = seed_items();
        let writes = items
            .iter()
            .map(|i| encode_record(TreeName::Items, key_u64(i.id), i))
            .collect::<Result<Vec<_>, _>>()?;
        let summary = format!(
            "抽查事项清单：载入“二（一）”所列 {} 项（{}—{}）",
            items.len(),
            items.first().map(|i| i.code.as_str()).unwrap_or(""),
            items.last().map(|i| i.code.as_str()).unwrap_or("")
        );
        let entry = self.commit_stamped(
            "seed items",
            summary,
            writes,
            stamps(TreeName::Items, items.iter().map(|i| i.id)),
        )?;
        st.items = items;
        Ok(Some(entry.seq))
    }

    /// What a draw record of plan `plan` (announced as `announcement`) adds for issue 19.
    pub(super) fn record_items(&self, plan: u64, announcement: Option<u64>) -> RecordItems {
        let book = self.book();
        RecordItems {
            items: book
                .plans
                .iter()
                .find(|p| p.id == plan)
                .map(|p| self.state().item_refs(&plan_item_codes(p)))
                .unwrap_or_default(),
            exclusion: announcement.and_then(|a| self.exclusion_of_announcement(a)),
        }
    }

    /// Every plan row naming an item code the list does not have: `file:row:抽查事项: …`.
    pub(super) fn unknown_plan_items(&self, file: &str, plans: &[(usize, Plan)]) -> Vec<String> {
        let st = self.state();
        let lang = self.lang();
        let mut errors = Vec::new();
        for (row, p) in plans {
            for code in plan_item_codes(p) {
                if st.item_by_code(&code).is_none() {
                    errors.push(match lang {
                        Lang::Zh => format!(
                            "{file}:{row}:抽查事项: 事项编码 {code} 不在抽查事项清单中（先导入清单，或改正编码）"
                        ),
                        Lang::En => format!(
                            "{file}:{row}:抽查事项: item code {code} is not on the inspection item list (import the list first, or correct the code)"
                        ),
                    });
                }
            }
        }
        errors
    }
}

#[cfg(test)]
mod tests;
