//! The registries' `/` filter as an AND of space-separated terms: `狗街 水泥` keeps the rows
//! that contain both. A target term is looked for in the office's search text (name, code,
//! town, industry, permit class, tags), in the address and in the 规则 column (the Table 1
//! rows that govern it), so a town written only in the address is found too.

use super::registries::Query;
use super::{Ctx, Registry};

/// Per target, lower-cased: the address and the 规则 column, which the office's search text
/// does not hold. Built once per change of the registries.
pub fn target_extra(ctx: &Ctx) -> Vec<String> {
    ctx.data
        .targets
        .iter()
        .map(|t| format!("{}\x1f{}", t.address, ctx.rules.obligation_text(t)).to_ascii_lowercase())
        .collect()
}

/// Rows of `r` among `candidates` (in their order) that match every term of `query`.
pub fn filter_rows(
    r: Registry,
    ctx: &Ctx,
    extra: &[String],
    query: &str,
    candidates: impl Iterator<Item = u32>,
) -> Vec<u32> {
    let terms: Vec<&str> = query.split_whitespace().collect();
    if terms.is_empty() {
        return candidates.collect();
    }
    let n = r.len(ctx.data);
    if r == Registry::Targets && ctx.data.target_search.len() == n {
        // One scan of the search text per term, plus the address and row column; AND.
        let mut hit = vec![0u16; n];
        for term in &terms {
            let lower = term.to_ascii_lowercase();
            let mut this = vec![false; n];
            for i in ctx.data.target_search.find(term) {
                this[i as usize] = true;
            }
            for (i, e) in extra.iter().enumerate().take(n) {
                if !this[i] && e.contains(&lower) {
                    this[i] = true;
                }
            }
            for (h, t) in hit.iter_mut().zip(this) {
                *h += u16::from(t);
            }
        }
        let all = terms.len() as u16;
        return candidates
            .filter(|&i| hit.get(i as usize) == Some(&all))
            .collect();
    }
    let queries: Vec<Query> = terms.iter().map(|t| Query::new(t, ctx.data)).collect();
    candidates
        .filter(|&i| {
            queries.iter().all(|q| {
                q.matches(r, ctx.data, i as usize)
                    || (r == Registry::Targets
                        && extra
                            .get(i as usize)
                            .is_some_and(|e| e.contains(&q.text.to_ascii_lowercase())))
            })
        })
        .collect()
}
