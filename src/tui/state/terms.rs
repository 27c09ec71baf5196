//! The registries' `/` filter as an AND of space-separated terms: `狗街 水泥` keeps the rows
//! that contain both. A target term is looked for in the office's search text (name, code,
//! address, town, industry, permit class, tags) and in the 规则 column (the Table 1 rows that
//! govern it), so a town written only in the address is found too.

use super::registries::Query;
use super::{Ctx, Registry};
use crate::domain::{Condition, Target};

/// Whether the 规则 column of targets contains `lower` (a lower-cased term): it depends only on
/// the fields the rules' conditions read ([`Condition::key_of`]), so it is worked out once per
/// key and remembered, not once per target (issue 17: nothing is kept per target).
struct RowColumn<'a> {
    ctx: &'a Ctx<'a>,
    lower: String,
    /// Per key: 0 not yet known, 1 no, 2 yes.
    memo: Vec<u8>,
}

impl<'a> RowColumn<'a> {
    fn new(ctx: &'a Ctx<'a>, lower: String) -> RowColumn<'a> {
        RowColumn {
            ctx,
            lower,
            memo: vec![0; 1 << 11],
        }
    }

    fn hit(&mut self, t: &Target) -> bool {
        let k = Condition::key_of(t) as usize;
        if self.memo[k] == 0 {
            let text = self.ctx.rules.obligation_text(t).to_ascii_lowercase();
            self.memo[k] = 1 + u8::from(text.contains(&self.lower));
        }
        self.memo[k] == 2
    }
}

/// Whether a target's address (lower-cased) contains `lower`.
fn address_has(t: &Target, lower: &str) -> bool {
    t.address().to_ascii_lowercase().contains(lower)
}

/// Rows of `r` among `candidates` (in their order) that match every term of `query`.
pub fn filter_rows(
    r: Registry,
    ctx: &Ctx,
    query: &str,
    candidates: impl Iterator<Item = u32>,
) -> Vec<u32> {
    let terms: Vec<&str> = query.split_whitespace().collect();
    if terms.is_empty() {
        return candidates.collect();
    }
    let n = r.len(ctx.data);
    if r == Registry::Targets && ctx.data.target_search().len() == n {
        // One scan of the search text (which holds the address) per term, the 规则 column
        // with it; AND.
        let mut hit = vec![0u16; n];
        let search = ctx.data.target_search();
        for term in &terms {
            // The 规则 column once per rule key, on one target that has it.
            let mut rows = RowColumn::new(ctx, term.to_ascii_lowercase());
            let mut key_hit = vec![false; 1 << 11];
            for &(k, i) in search.rule_keys() {
                if let Some(t) = ctx.data.targets.get(i as usize) {
                    key_hit[k as usize] = rows.hit(t);
                }
            }
            for i in search.find_or(term, &key_hit) {
                hit[i as usize] += 1;
            }
        }
        let all = terms.len() as u16;
        return candidates
            .filter(|&i| hit.get(i as usize) == Some(&all))
            .collect();
    }
    let queries: Vec<Query> = terms.iter().map(|t| Query::new(t, ctx.data)).collect();
    let mut rows: Vec<RowColumn> = terms
        .iter()
        .map(|t| RowColumn::new(ctx, t.to_ascii_lowercase()))
        .collect();
    candidates
        .filter(|&i| {
            queries.iter().zip(rows.iter_mut()).all(|(q, col)| {
                q.matches(r, ctx.data, i as usize)
                    || (r == Registry::Targets
                        && ctx.data.targets.get(i as usize).is_some_and(|t| {
                            address_has(t, &q.text.to_ascii_lowercase()) || col.hit(t)
                        }))
            })
        })
        .collect()
}
