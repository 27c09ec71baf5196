//! Small helpers of `prepare_draw` at a million targets (issue 17): a set of ids as bits (target
//! ids are dense, 1 to the registry's size), and the tasks' periods parsed once per draw.

use crate::domain::period::Period;
use crate::domain::task::Task;

/// A set of ids (`u64`) as a bit set: one bit per id up to the largest inserted (ids from
/// 2^32 on, which a registry never reaches, in a hash set beside it).
#[derive(Debug, Default, Clone)]
pub(super) struct IdSet {
    words: Vec<u64>,
    big: std::collections::HashSet<u64>,
}

/// Ids from here on go to `IdSet::big`.
const BITS_UP_TO: u64 = 1 << 32;

impl IdSet {
    /// An empty set sized for ids up to `n` (it grows past it when needed).
    pub(super) fn with_capacity(n: usize) -> IdSet {
        IdSet {
            words: Vec::with_capacity(n / 64 + 1),
            big: Default::default(),
        }
    }

    fn place(id: u64) -> Option<(usize, u64)> {
        if id >= BITS_UP_TO {
            return None;
        }
        usize::try_from(id / 64)
            .ok()
            .map(|w| (w, 1u64 << (id % 64)))
    }

    pub(super) fn insert(&mut self, id: u64) {
        match Self::place(id) {
            Some((w, bit)) => {
                if w >= self.words.len() {
                    self.words.resize(w + 1, 0);
                }
                self.words[w] |= bit;
            }
            None => {
                self.big.insert(id);
            }
        }
    }

    pub(super) fn contains(&self, id: &u64) -> bool {
        match Self::place(*id) {
            Some((w, bit)) => self.words.get(w).is_some_and(|x| x & bit != 0),
            None => self.big.contains(id),
        }
    }
}

impl Extend<u64> for IdSet {
    fn extend<I: IntoIterator<Item = u64>>(&mut self, iter: I) {
        for id in iter {
            self.insert(id);
        }
    }
}

impl FromIterator<u64> for IdSet {
    fn from_iter<I: IntoIterator<Item = u64>>(iter: I) -> IdSet {
        let mut s = IdSet::default();
        s.extend(iter);
        s
    }
}

/// Each task's period, parsed once (`None`: a period that does not parse, which no filter on
/// periods keeps). The tasks of one draw share their period text, so consecutive tasks reuse the
/// previous parse.
pub(super) fn task_periods(tasks: &[Task]) -> Vec<Option<Period>> {
    let mut last: Option<(&str, Option<Period>)> = None;
    tasks
        .iter()
        .map(|t| match last {
            Some((text, p)) if text == t.period => p,
            _ => {
                let p = Period::parse(&t.period).ok();
                last = Some((t.period.as_str(), p));
                p
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_set_holds_what_was_inserted_and_nothing_else() {
        let mut s = IdSet::with_capacity(10);
        for id in [0u64, 1, 63, 64, 1_000_003] {
            s.insert(id);
        }
        for id in [0u64, 1, 63, 64, 1_000_003] {
            assert!(s.contains(&id), "{id}");
        }
        for id in [2u64, 62, 65, 1_000_002, 1_000_004, u64::MAX] {
            assert!(!s.contains(&id), "{id}");
        }
        let t: IdSet = [5u64, 7].into_iter().collect();
        assert!(t.contains(&5) && t.contains(&7) && !t.contains(&6));
    }
}
