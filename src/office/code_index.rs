//! The targets by credit code: their indices sorted by code, 4 bytes a target (issue 17). A
//! hash map of owned codes took ~70 bytes a target (66 MB at 1M) for the same answers.
//!
//! The index holds no codes: it reads them from the targets it is given, so every call passes
//! the same `targets` the index was built over (`State::targets`).

use crate::domain::{Target, TargetId};
use rayon::prelude::*;

/// Target `id` indexed under `new` instead of `old` (`None`: a new target), where the index is
/// built: one not built yet will be, from the targets as they are then (`State::codes`).
pub fn recode(
    cell: &mut std::sync::OnceLock<CodeIndex>,
    targets: &[Target],
    old: Option<&str>,
    new: &str,
    id: TargetId,
) {
    if let Some(index) = cell.get_mut() {
        if let Some(old) = old {
            index.remove(targets, old, id);
        }
        index.insert(targets, new, id);
    }
}

#[derive(Debug, Default, Clone)]
pub struct CodeIndex {
    /// Target indices (id − 1), in ascending order of their credit code.
    order: Vec<u32>,
}

fn code(targets: &[Target], i: u32) -> &str {
    targets
        .get(i as usize)
        .map_or("", |t| t.credit_code.as_str())
}

/// The first 18 bytes of a code, zero-padded: ordered as the codes are, except that a tie
/// leaves the rest to compare.
fn prefix(c: &str) -> [u8; 18] {
    let mut k = [0u8; 18];
    let n = c.len().min(18);
    k[..n].copy_from_slice(&c.as_bytes()[..n]);
    k
}

impl CodeIndex {
    pub fn build(targets: &[Target]) -> CodeIndex {
        // Sorted on a copy of each code's first 18 bytes (every valid code), so the sort reads
        // contiguous keys instead of a million scattered targets; equal prefixes compare whole.
        let mut keyed: Vec<([u8; 18], u32)> = targets
            .par_iter()
            .enumerate()
            .map(|(i, t)| (prefix(t.credit_code.as_str()), i as u32))
            .collect();
        keyed.par_sort_unstable_by(|a, b| {
            (a.0.cmp(&b.0)).then_with(|| code(targets, a.1).cmp(code(targets, b.1)))
        });
        CodeIndex {
            order: keyed.into_iter().map(|(_, i)| i).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The first position whose code is not below `c`.
    fn lower(&self, targets: &[Target], c: &str) -> usize {
        self.order.partition_point(|&i| code(targets, i) < c)
    }

    /// The id of the target with this code.
    pub fn get(&self, targets: &[Target], c: &str) -> Option<TargetId> {
        let at = self.lower(targets, c);
        let &i = self.order.get(at)?;
        (code(targets, i) == c).then_some(i as u64 + 1)
    }

    /// Index target `id` under `c` (its code once stored; the entries already there must have
    /// their codes in `targets`).
    pub fn insert(&mut self, targets: &[Target], c: &str, id: TargetId) {
        let at = self.lower(targets, c);
        self.order.insert(at, (id - 1) as u32);
    }

    /// Forget target `id`, indexed under `c` (its code in `targets`, before it changes).
    pub fn remove(&mut self, targets: &[Target], c: &str, id: TargetId) {
        let at = self.lower(targets, c);
        let same = self.order[at..]
            .iter()
            .take_while(|&&i| code(targets, i) == c)
            .position(|&i| i as u64 + 1 == id);
        if let Some(k) = same {
            self.order.remove(at + k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_code_and_follows_changes() {
        let mut ts = crate::synth::targets(3000, 11);
        let mut idx = CodeIndex::build(&ts);
        assert_eq!(idx.len(), 3000);
        for t in &ts {
            assert_eq!(idx.get(&ts, t.credit_code.as_str()), Some(t.id));
        }
        assert_eq!(idx.get(&ts, "91530125MA0000000X"), None);
        assert_eq!(idx.get(&ts, ""), None);
        // A code changes: out under the old, in under the new, then the record is replaced.
        let mut t = ts[41].clone();
        let old = t.credit_code.clone();
        t.credit_code = crate::domain::CreditCode::from_stored("91530125MA0000000X".into());
        idx.remove(&ts, old.as_str(), t.id);
        idx.insert(&ts, t.credit_code.as_str(), t.id);
        ts[41] = t;
        assert_eq!(idx.get(&ts, old.as_str()), None);
        assert_eq!(idx.get(&ts, "91530125MA0000000X"), Some(42));
        // A new record: indexed, then pushed.
        let mut n = crate::synth::targets(3001, 12).remove(3000);
        n.id = 3001;
        idx.insert(&ts, n.credit_code.as_str(), n.id);
        let c = n.credit_code.clone();
        ts.push(n);
        assert_eq!(idx.get(&ts, c.as_str()), Some(3001));
        for t in &ts {
            assert_eq!(idx.get(&ts, t.credit_code.as_str()), Some(t.id));
        }
        let rebuilt = CodeIndex::build(&ts);
        assert_eq!(rebuilt.order, idx.order);
        // Codes of other shapes (kept from old stores) sort as strings too.
        for (i, c) in ["A", "", "91530125MAX7JNMLTD-2", "9153012", "B\u{0}"]
            .iter()
            .enumerate()
        {
            ts[i].credit_code = crate::domain::CreditCode::from_stored(c.to_string());
        }
        let idx = CodeIndex::build(&ts);
        let codes: Vec<&str> = idx.order.iter().map(|&i| code(&ts, i)).collect();
        assert!(codes.windows(2).all(|w| w[0] <= w[1]));
        for t in &ts[5..] {
            assert_eq!(idx.get(&ts, t.credit_code.as_str()), Some(t.id));
        }
    }
}
