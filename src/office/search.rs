//! The targets' searchable text, so a filter over 1,000,000 targets is one substring scan
//! (memchr's memmem) instead of a million small string searches.
//!
//! The text of record `i` is in two parts:
//! - its own words, `blob[ends[i-1]..ends[i]]`: name, credit code and address, each followed by
//!   `\x1f`, the record by `\x1e`;
//! - the words it shares with many others: town, industry, permit class (Chinese and English)
//!   and tags. These take few distinct combinations (a *group*), so each group's text is kept
//!   once (`groups`) and a record holds only its group's number: a query is matched against each
//!   group once, then a record matches when its own text or its group's does (issue 17: this
//!   halves the text a million targets kept).
//!
//! ASCII letters are lower-cased; the query is lower-cased the same way.

use crate::domain::{Condition, Target};
use crate::i18n::Lang;
use rayon::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Default, Clone)]
pub struct TargetSearch {
    blob: Vec<u8>,
    /// End offset (exclusive) of each record's own text.
    ends: Vec<usize>,
    /// Each record's group.
    group: Vec<u32>,
    /// Each group's text, lower-cased, fields followed by `\x1f`.
    groups: Vec<Vec<u8>>,
    /// Each record's [`Condition::key_of`]: the fields the rules read, so a caller can match
    /// the rows that govern a target once per key (see [`TargetSearch::find_or`]).
    rule_key: Vec<u16>,
    /// Each key present, with the first record that has it.
    rule_keys: Vec<(u16, u32)>,
    /// Each group's number by its key ([`group_key`]), for [`TargetSearch::set`].
    group_of: HashMap<GroupKey, u32>,
}

/// What makes a group: the interned town, industry and tag list, and the permit class.
type GroupKey = (u32, u32, u8, u32);

fn group_key(t: &Target) -> GroupKey {
    (
        t.region.id(),
        t.industry.id(),
        t.permit_class as u8,
        tags_id(t),
    )
}

fn push_field(blob: &mut Vec<u8>, s: &str) {
    blob.extend(s.bytes().map(|b| b.to_ascii_lowercase()));
    blob.push(0x1f);
}

/// Bytes of a record's own text in the blob.
fn own_len(t: &Target) -> usize {
    t.name().len() + t.credit_code.as_str().len() + t.address().len() + 4
}

fn write_own(out: &mut [u8], t: &Target) {
    let mut at = 0;
    for s in [t.name(), t.credit_code.as_str(), t.address()] {
        for (o, b) in out[at..at + s.len()].iter_mut().zip(s.bytes()) {
            *o = b.to_ascii_lowercase();
        }
        at += s.len();
        out[at] = 0x1f;
        at += 1;
    }
    out[at] = 0x1e;
}

fn group_text(t: &Target) -> Vec<u8> {
    let mut g = Vec::new();
    push_field(&mut g, &t.region);
    push_field(&mut g, &t.industry);
    push_field(&mut g, t.permit_class.label(Lang::Zh));
    push_field(&mut g, t.permit_class.label(Lang::En));
    for tag in &t.tags {
        push_field(&mut g, tag);
    }
    g
}

/// Records per piece of the parallel build.
const PIECE: usize = 1 << 15;

impl TargetSearch {
    pub fn build(targets: &[Target]) -> TargetSearch {
        // Groups: keyed by the interned values, so a record costs one hash of four numbers.
        let mut ids: HashMap<GroupKey, u32> = HashMap::new();
        let mut groups = Vec::new();
        let group: Vec<u32> = targets
            .iter()
            .map(|t| {
                *ids.entry(group_key(t)).or_insert_with(|| {
                    groups.push(group_text(t));
                    groups.len() as u32 - 1
                })
            })
            .collect();
        // Own text: sized exactly, then filled piece by piece in parallel.
        let pieces: Vec<&[Target]> = targets.chunks(PIECE).collect();
        let lens: Vec<usize> = pieces
            .par_iter()
            .map(|p| p.iter().map(own_len).sum())
            .collect();
        let mut blob = vec![0u8; lens.iter().sum()];
        let mut ends = vec![0usize; targets.len()];
        let mut work = Vec::with_capacity(pieces.len());
        let (mut rest, mut rest_ends, mut base) = (&mut blob[..], &mut ends[..], 0);
        for (p, len) in pieces.iter().zip(&lens) {
            let (buf, r) = rest.split_at_mut(*len);
            let (e, re) = rest_ends.split_at_mut(p.len());
            work.push((*p, buf, e, base));
            (rest, rest_ends, base) = (r, re, base + len);
        }
        work.into_par_iter().for_each(|(p, buf, e, base)| {
            let mut at = 0;
            for (t, end) in p.iter().zip(e) {
                let n = own_len(t);
                write_own(&mut buf[at..at + n], t);
                at += n;
                *end = base + at;
            }
        });
        let rule_key: Vec<u16> = targets.par_iter().map(Condition::key_of).collect();
        let mut seen = vec![false; 1 << 11];
        let mut rule_keys = Vec::new();
        for (i, &k) in rule_key.iter().enumerate() {
            if !std::mem::replace(&mut seen[k as usize], true) {
                rule_keys.push((k, i as u32));
            }
        }
        TargetSearch {
            blob,
            ends,
            group,
            groups,
            rule_key,
            rule_keys,
            group_of: ids,
        }
    }

    /// The text of record `i` becomes `t`'s (`i == len()`: appended), without rebuilding the
    /// rest: a replica following one target's change at a million targets (issue 17).
    pub fn set(&mut self, i: usize, t: &Target) {
        let mut own = vec![0u8; own_len(t)];
        write_own(&mut own, t);
        let groups = &mut self.groups;
        let g = *self.group_of.entry(group_key(t)).or_insert_with(|| {
            groups.push(group_text(t));
            groups.len() as u32 - 1
        });
        let key = Condition::key_of(t);
        if i >= self.ends.len() {
            self.blob.extend_from_slice(&own);
            self.ends.push(self.blob.len());
            self.group.push(g);
            self.rule_key.push(key);
        } else {
            let start = i.checked_sub(1).map_or(0, |p| self.ends[p]);
            let end = self.ends[i];
            self.blob.splice(start..end, own.iter().copied());
            let (old, new) = (end - start, own.len());
            if old != new {
                for e in &mut self.ends[i..] {
                    *e = *e + new - old;
                }
            }
            self.group[i] = g;
            let was = std::mem::replace(&mut self.rule_key[i], key);
            // The record standing for its old key may no longer have it: another one that
            // does stands for it, or the key is gone.
            if was != key {
                if let Some(p) = self
                    .rule_keys
                    .iter()
                    .position(|&(k, r)| k == was && r as usize == i)
                {
                    match self.rule_key.iter().position(|&k| k == was) {
                        Some(r) => self.rule_keys[p].1 = r as u32,
                        None => {
                            self.rule_keys.remove(p);
                        }
                    }
                }
            }
        }
        if !self.rule_keys.iter().any(|&(k, _)| k == key) {
            self.rule_keys
                .push((key, i.min(self.ends.len() - 1) as u32));
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Bytes held (for the memory figures).
    pub fn heap_bytes(&self) -> usize {
        self.blob.capacity()
            + self.ends.capacity() * std::mem::size_of::<usize>()
            + self.group.capacity() * 4
            + self.groups.iter().map(|g| g.capacity() + 24).sum::<usize>()
            + self.rule_key.capacity() * 2
    }

    /// Each [`Condition::key_of`] the records have, with the index of one record that has it.
    pub fn rule_keys(&self) -> &[(u16, u32)] {
        &self.rule_keys
    }

    /// Indices (ascending) of the targets whose text contains `query` (ASCII case-insensitive).
    /// Large indexes are scanned in parallel, one slice of records per core.
    pub fn find(&self, query: &str) -> Vec<u32> {
        self.find_or(query, &[])
    }

    /// [`TargetSearch::find`], plus the records whose rule key is set in `key_hit` (indexed by
    /// [`Condition::key_of`]; missing keys are not hits). A blank query finds every record.
    pub fn find_or(&self, query: &str, key_hit: &[bool]) -> Vec<u32> {
        let q: Vec<u8> = query.bytes().map(|b| b.to_ascii_lowercase()).collect();
        let n = self.ends.len();
        if q.is_empty() {
            return (0..n as u32).collect();
        }
        let finder = memchr::memmem::Finder::new(&q);
        let group_hit: Vec<bool> = self
            .groups
            .iter()
            .map(|g| finder.find(g).is_some())
            .collect();
        let hits = Hits {
            group: &group_hit,
            key: key_hit,
        };
        let parts = if n >= 100_000 {
            std::thread::available_parallelism()
                .map_or(1, |p| p.get())
                .clamp(1, 8)
        } else {
            1
        };
        if parts == 1 {
            return self.scan(&finder, &hits, 0, n);
        }
        let step = n.div_ceil(parts);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..parts)
                .map(|i| {
                    let (finder, hits) = (&finder, &hits);
                    s.spawn(move || self.scan(finder, hits, i * step, ((i + 1) * step).min(n)))
                })
                .collect();
            let mut out = Vec::new();
            for h in handles {
                // A scan cannot panic on valid indices; an empty part is the safe fallback.
                out.extend(h.join().unwrap_or_default());
            }
            out
        })
    }

    /// Matches among records `first..last`: the text is searched with memmem, the records
    /// between two text hits are walked in order for their group and rule key.
    fn scan(
        &self,
        finder: &memchr::memmem::Finder<'_>,
        hits: &Hits<'_>,
        first: usize,
        last: usize,
    ) -> Vec<u32> {
        let mut out = Vec::new();
        if first >= last {
            return out;
        }
        let other = |i: usize| {
            hits.group[self.group[i] as usize]
                || hits.key.get(self.rule_key[i] as usize) == Some(&true)
        };
        let mut pos = if first == 0 { 0 } else { self.ends[first - 1] };
        let end = self.ends[last - 1];
        // `row`: the next record not yet decided.
        let mut row = first;
        while pos < end {
            let Some(off) = finder.find(&self.blob[pos..end]) else {
                break;
            };
            let at = pos + off;
            while self.ends[row] <= at {
                if other(row) {
                    out.push(row as u32);
                }
                row += 1;
            }
            out.push(row as u32);
            pos = self.ends[row];
            row += 1;
        }
        out.extend((row..last).filter(|&i| other(i)).map(|i| i as u32));
        out
    }
}

/// What a query matched besides the text: per group, per rule key.
struct Hits<'a> {
    group: &'a [bool],
    key: &'a [bool],
}

/// The tags' interned list number (the group key needs only to tell lists apart).
fn tags_id(t: &Target) -> u32 {
    t.tags.id()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Changing or appending one record's text equals building the whole index again: the
    /// same text, groups and rule keys (the order of groups and of the keys' list may differ).
    #[test]
    fn setting_one_record_equals_a_rebuild() {
        let mut ts = crate::synth::targets(300, 5);
        let mut idx = TargetSearch::build(&ts);
        let other = crate::synth::targets(310, 6);
        for (i, j) in [(0, 3), (150, 7), (299, 300), (17, 309)] {
            let mut t = other[j].clone();
            t.id = i as u64 + 1;
            t.set_name(&format!("{}{}", t.name(), "长".repeat(i % 5)));
            ts[i] = t.clone();
            idx.set(i, &t);
        }
        let mut t = other[1].clone();
        t.id = 301;
        ts.push(t.clone());
        idx.set(300, &t);
        let fresh = TargetSearch::build(&ts);
        assert_eq!(idx.blob, fresh.blob);
        assert_eq!(idx.ends, fresh.ends);
        assert_eq!(idx.rule_key, fresh.rule_key);
        for i in 0..ts.len() {
            assert_eq!(
                idx.groups[idx.group[i] as usize], fresh.groups[fresh.group[i] as usize],
                "record {i}"
            );
        }
        let keys = |s: &TargetSearch| {
            let mut k: Vec<u16> = s.rule_keys.iter().map(|&(k, _)| k).collect();
            k.sort_unstable();
            k
        };
        assert_eq!(keys(&idx), keys(&fresh));
        for &(k, r) in &idx.rule_keys {
            assert_eq!(
                idx.rule_key[r as usize], k,
                "key {k} stands at a record that has it"
            );
        }
        for q in ["狗街", "水泥", "重点管理", "9153"] {
            assert_eq!(idx.find(q), fresh.find(q), "{q}");
        }
    }

    #[test]
    fn finds_each_matching_record_once() {
        let mut ts = crate::synth::targets(2000, 3);
        ts[7].set_name("ABC水泥厂");
        ts[8].set_address("宜良县 Xyz 路 1 号");
        let idx = TargetSearch::build(&ts);
        for q in [
            "狗街",
            "C-",
            "91530125ma",
            "水泥",
            "重点管理",
            "key",
            "zzz不存在",
            "abc",
            "xyz 路",
            "号",
            "登记管理",
        ] {
            let expected: Vec<u32> = ts
                .iter()
                .enumerate()
                .filter(|(_, t)| {
                    let ql = q.to_ascii_lowercase();
                    let has = |s: &str| s.to_ascii_lowercase().contains(&ql);
                    has(t.name())
                        || has(t.credit_code.as_str())
                        || has(t.address())
                        || has(&t.region)
                        || has(&t.industry)
                        || has(t.permit_class.label(Lang::Zh))
                        || has(t.permit_class.label(Lang::En))
                        || t.tags.iter().any(|g| has(g))
                })
                .map(|(i, _)| i as u32)
                .collect();
            assert_eq!(idx.find(q), expected, "query {q}");
        }
        assert_eq!(idx.find("").len(), 2000);
        // The parallel path gives the same answer as one sequential scan.
        let big = crate::synth::targets(150_000, 5);
        let idx = TargetSearch::build(&big);
        for q in ["狗街", "水泥", "1号"] {
            let finder = memchr::memmem::Finder::new(q.as_bytes());
            let group: Vec<bool> = idx
                .groups
                .iter()
                .map(|g| finder.find(g).is_some())
                .collect();
            let hits = Hits {
                group: &group,
                key: &[],
            };
            assert_eq!(idx.find(q), idx.scan(&finder, &hits, 0, big.len()), "{q}");
        }
        // Few groups for many records, and the text sized exactly.
        assert!(idx.groups.len() < 20_000, "{} groups", idx.groups.len());
        assert_eq!(idx.blob.len(), idx.blob.capacity());
        assert_eq!(idx.blob.len(), big.iter().map(own_len).sum::<usize>());
    }

    #[test]
    fn rule_keys_add_their_records() {
        let ts = crate::synth::targets(3000, 4);
        let idx = TargetSearch::build(&ts);
        assert!(!idx.rule_keys().is_empty());
        for &(k, i) in idx.rule_keys() {
            assert_eq!(Condition::key_of(&ts[i as usize]), k);
        }
        let (k, _) = idx.rule_keys()[0];
        let mut key_hit = vec![false; 1 << 11];
        key_hit[k as usize] = true;
        let expected: Vec<u32> = (0..ts.len() as u32)
            .filter(|&i| {
                let t = &ts[i as usize];
                Condition::key_of(t) == k
                    || t.name().contains("狗街")
                    || t.address().contains("狗街")
                    || t.region.contains("狗街")
            })
            .collect();
        assert_eq!(idx.find_or("狗街", &key_hit), expected);
    }

    #[test]
    fn an_empty_registry_finds_nothing() {
        let idx = TargetSearch::build(&[]);
        assert!(idx.is_empty());
        assert!(idx.find("狗街").is_empty());
    }
}
