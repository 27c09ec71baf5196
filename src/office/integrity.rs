//! 廉政监督卡 and signatures counted per inspector and per quarter (issue 19, acceptance 5):
//! for every live task whose result was determined in the period, each member of its team
//! counts the result, whether the integrity card came back, and whether the record was signed
//! by the legal representative or not (a result without a signature always gives the reason).

use super::Office;
use crate::domain::{Cycle, Period};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One inspector's counts in one quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrityRow {
    /// The quarter the results were determined in, e.g. `2022Q3`.
    pub quarter: String,
    pub inspector: u64,
    pub name: String,
    /// Results recorded with this inspector in the team.
    pub results: usize,
    /// 廉政监督卡 returned.
    pub cards: usize,
    /// Records signed by the legal representative.
    pub signed: usize,
    /// Records not signed (the reason recorded).
    pub unsigned: usize,
}

impl Office {
    /// The counts of the results determined in `period`, by quarter then inspector id.
    pub fn integrity_figures(&self, period: Period) -> Vec<IntegrityRow> {
        let book = self.book();
        let st = self.state();
        let mut rows: BTreeMap<(Period, u64), IntegrityRow> = BTreeMap::new();
        for t in book.tasks.iter().filter(|t| !t.voided) {
            let Some(r) = t.result.as_ref().filter(|r| period.contains(r.determined)) else {
                continue;
            };
            let q = Period::containing(r.determined, Cycle::Quarter);
            for &p in &t.team {
                let row = rows.entry((q, p)).or_insert_with(|| IntegrityRow {
                    quarter: q.to_string(),
                    inspector: p,
                    name: st.inspector(p).map(|i| i.name.clone()).unwrap_or_default(),
                    results: 0,
                    cards: 0,
                    signed: 0,
                    unsigned: 0,
                });
                row.results += 1;
                row.cards += usize::from(r.integrity_card);
                if r.signed {
                    row.signed += 1;
                } else {
                    row.unsigned += 1;
                }
            }
        }
        rows.into_values().collect()
    }
}
