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

use crate::domain::Target;
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
}

fn push_field(blob: &mut Vec<u8>, s: &str) {
    blob.extend(s.bytes().map(|b| b.to_ascii_lowercase()));
    blob.push(0x1f);
}

/// Bytes of a record's own text in the blob.
fn own_len(t: &Target) -> usize {
    t.name.len() + t.credit_code.as_str().len() + t.address.len() + 4
}

fn write_own(out: &mut [u8], t: &Target) {
    let mut at = 0;
    for s in [t.name.as_str(), t.credit_code.as_str(), t.address.as_str()] {
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
        let mut ids: HashMap<(u32, u32, u8, u32), u32> = HashMap::new();
        let mut groups = Vec::new();
        let group: Vec<u32> = targets
            .iter()
            .map(|t| {
                let key = (
                    t.region.id(),
                    t.industry.id(),
                    t.permit_class as u8,
                    tags_id(t),
                );
                *ids.entry(key).or_insert_with(|| {
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
        TargetSearch {
            blob,
            ends,
            group,
            groups,
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
    }

    /// Indices (ascending) of the targets whose text contains `query` (ASCII case-insensitive).
    /// Large indexes are scanned in parallel, one slice of records per core.
    pub fn find(&self, query: &str) -> Vec<u32> {
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
        let parts = if n >= 100_000 {
            std::thread::available_parallelism()
                .map_or(1, |p| p.get())
                .clamp(1, 8)
        } else {
            1
        };
        if parts == 1 {
            return self.scan(&finder, &group_hit, 0, n);
        }
        let step = n.div_ceil(parts);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..parts)
                .map(|i| {
                    let (finder, group_hit) = (&finder, &group_hit);
                    s.spawn(move || self.scan(finder, group_hit, i * step, ((i + 1) * step).min(n)))
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

    /// Matches among records `first..last`.
    fn scan(
        &self,
        finder: &memchr::memmem::Finder<'_>,
        group_hit: &[bool],
        first: usize,
        last: usize,
    ) -> Vec<u32> {
        let mut out = Vec::new();
        if first >= last {
            return out;
        }
        let by_group = |i: usize| group_hit[self.group[i] as usize];
        let mut pos = if first == 0 { 0 } else { self.ends[first - 1] };
        let end = self.ends[last - 1];
        // `row`: the next record not yet decided.
        let mut row = first;
        while pos < end {
            let Some(off) = finder.find(&self.blob[pos..end]) else {
                break;
            };
            let at = pos + off;
            let hit = self.ends.partition_point(|&e| e <= at);
            out.extend((row..hit).filter(|&i| by_group(i)).map(|i| i as u32));
            out.push(hit as u32);
            row = hit + 1;
            pos = self.ends[hit];
        }
        out.extend((row..last).filter(|&i| by_group(i)).map(|i| i as u32));
        out
    }
}

/// The tags' interned list number (the group key needs only to tell lists apart).
fn tags_id(t: &Target) -> u32 {
    t.tags.id()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_matching_record_once() {
        let mut ts = crate::synth::targets(2000, 3);
        ts[7].name = "ABC水泥厂".into();
        ts[8].address = "宜良县 Xyz 路 1 号".into();
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
                    has(&t.name)
                        || has(t.credit_code.as_str())
                        || has(&t.address)
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
            let hits: Vec<bool> = idx
                .groups
                .iter()
                .map(|g| finder.find(g).is_some())
                .collect();
            assert_eq!(idx.find(q), idx.scan(&finder, &hits, 0, big.len()), "{q}");
        }
        // Few groups for many records, and the text sized exactly.
        assert!(idx.groups.len() < 20_000, "{} groups", idx.groups.len());
        assert_eq!(idx.blob.len(), idx.blob.capacity());
        assert_eq!(idx.blob.len(), big.iter().map(own_len).sum::<usize>());
    }

    #[test]
    fn an_empty_registry_finds_nothing() {
        let idx = TargetSearch::build(&[]);
        assert!(idx.is_empty());
        assert!(idx.find("狗街").is_empty());
    }
}
