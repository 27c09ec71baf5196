//! How a pool (`StratumInput::pool`) is kept in the store: delta-coded.
//!
//! A pool is a list of target ids in ascending order, up to a million of them. Written as is,
//! the store's varint encoding spends 3 to 5 bytes on each id; written as the gaps between
//! consecutive ids, it spends one byte on almost every one. So in a binary (non human-readable)
//! encoding a pool is the list `[DELTA_MARK, id₁, id₂ − id₁, id₃ − id₂, …]` (differences and
//! sums wrapping, so any list, even one not ascending, comes back exactly), and a list that
//! does not start with `DELTA_MARK` is read as the plain ids the store held before
//! (format 2; a target id is never `u64::MAX`, which `DELTA_MARK` is). JSON (the draw record,
//! the protocol) keeps the plain ids. Only the storage changes: the input hash
//! (docs/sampler.md) is computed from the ids, never from these bytes.

use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use std::fmt;

/// First element of a delta-coded pool (no target id is `u64::MAX`).
pub const DELTA_MARK: u64 = u64::MAX;

pub fn serialize<S: Serializer>(pool: &[u64], s: S) -> Result<S::Ok, S::Error> {
    if s.is_human_readable() {
        return s.collect_seq(pool);
    }
    let mut seq = s.serialize_seq(Some(pool.len() + 1))?;
    seq.serialize_element(&DELTA_MARK)?;
    let mut prev = 0u64;
    for &id in pool {
        seq.serialize_element(&id.wrapping_sub(prev))?;
        prev = id;
    }
    seq.end()
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
    let human = d.is_human_readable();
    d.deserialize_seq(PoolVisitor { human })
}

struct PoolVisitor {
    human: bool,
}

impl<'de> Visitor<'de> for PoolVisitor {
    type Value = Vec<u64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a pool of target ids")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u64>, A::Error> {
        // The hint comes from the (checked) length in the record; capped all the same.
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
        let Some(first) = seq.next_element::<u64>()? else {
            return Ok(out);
        };
        if self.human || first != DELTA_MARK {
            out.push(first);
            while let Some(id) = seq.next_element::<u64>()? {
                out.push(id);
            }
            return Ok(out);
        }
        let mut prev = 0u64;
        while let Some(gap) = seq.next_element::<u64>()? {
            prev = prev.wrapping_add(gap);
            out.push(prev);
        }
        Ok(out)
    }
}
