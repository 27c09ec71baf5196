//! The targets' searchable text in one contiguous buffer, so a filter over 1,000,000 targets
//! is one substring scan (memchr's memmem) instead of a million small string searches.
//!
//! Record `i` occupies `blob[ends[i-1]..ends[i]]`: name, credit code, region, industry, permit
//! class (Chinese and English) and tags, each followed by `\x1f`, the record by `\x1e`. ASCII
//! letters are lower-cased; the query is lower-cased the same way.

use crate::domain::Target;
use crate::i18n::Lang;

#[derive(Debug, Default, Clone)]
pub struct TargetSearch {
    blob: Vec<u8>,
    /// End offset (exclusive) of each record.
    ends: Vec<usize>,
}

fn push_field(blob: &mut Vec<u8>, s: &str) {
    blob.extend(s.bytes().map(|b| b.to_ascii_lowercase()));
    blob.push(0x1f);
}

fn push_record(blob: &mut Vec<u8>, t: &Target) {
    push_field(blob, &t.name);
    push_field(blob, t.credit_code.as_str());
    push_field(blob, &t.region);
    push_field(blob, &t.industry);
    push_field(blob, t.permit_class.label(Lang::Zh));
    push_field(blob, t.permit_class.label(Lang::En));
    for g in &t.tags {
        push_field(blob, g);
    }
    blob.push(0x1e);
}

impl TargetSearch {
    pub fn build(targets: &[Target]) -> TargetSearch {
        let mut blob = Vec::with_capacity(targets.len() * 96);
        let mut ends = Vec::with_capacity(targets.len());
        for t in targets {
            push_record(&mut blob, t);
            ends.push(blob.len());
        }
        TargetSearch { blob, ends }
    }

    /// The text of record `i` becomes `t`'s (`i == len()`: appended), without rebuilding the
    /// rest: a replica following one target's change at a million targets (issue 17).
    pub fn set(&mut self, i: usize, t: &Target) {
        let mut rec = Vec::with_capacity(128);
        push_record(&mut rec, t);
        if i >= self.ends.len() {
            self.blob.extend_from_slice(&rec);
            self.ends.push(self.blob.len());
            return;
        }
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p]);
        let end = self.ends[i];
        self.blob.splice(start..end, rec.iter().copied());
        let (old, new) = (end - start, rec.len());
        if old != new {
            for e in &mut self.ends[i..] {
                *e = *e + new - old;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
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
        let parts = if n >= 100_000 {
            std::thread::available_parallelism()
                .map_or(1, |p| p.get())
                .clamp(1, 8)
        } else {
            1
        };
        if parts == 1 {
            return self.scan(&finder, 0, n);
        }
        let step = n.div_ceil(parts);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..parts)
                .map(|i| {
                    let finder = &finder;
                    s.spawn(move || self.scan(finder, i * step, ((i + 1) * step).min(n)))
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
    fn scan(&self, finder: &memchr::memmem::Finder<'_>, first: usize, last: usize) -> Vec<u32> {
        let mut out = Vec::new();
        if first >= last {
            return out;
        }
        let mut pos = if first == 0 { 0 } else { self.ends[first - 1] };
        let end = self.ends[last - 1];
        while pos < end {
            let Some(off) = finder.find(&self.blob[pos..end]) else {
                break;
            };
            let at = pos + off;
            let row = self.ends.partition_point(|&e| e <= at);
            out.push(row as u32);
            pos = self.ends[row];
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Changing or appending one record's text equals building the whole index again.
    #[test]
    fn setting_one_record_equals_a_rebuild() {
        let mut ts = crate::synth::targets(300, 5);
        let mut idx = TargetSearch::build(&ts);
        let other = crate::synth::targets(310, 6);
        for (i, j) in [(0, 3), (150, 7), (299, 300), (17, 309)] {
            let mut t = other[j].clone();
            t.id = i as u64 + 1;
            t.name = format!("{}{}", t.name, "长".repeat(i % 5));
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
    }

    #[test]
    fn finds_each_matching_record_once() {
        let ts = crate::synth::targets(2000, 3);
        let idx = TargetSearch::build(&ts);
        for q in [
            "狗街",
            "C-",
            "91530125ma",
            "水泥",
            "重点管理",
            "key",
            "zzz不存在",
        ] {
            let expected: Vec<u32> = ts
                .iter()
                .enumerate()
                .filter(|(_, t)| {
                    let ql = q.to_ascii_lowercase();
                    let has = |s: &str| s.to_ascii_lowercase().contains(&ql);
                    has(&t.name)
                        || has(t.credit_code.as_str())
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
        let finder = memchr::memmem::Finder::new("狗街".as_bytes());
        assert_eq!(idx.find("狗街"), idx.scan(&finder, 0, big.len()));
    }
}
