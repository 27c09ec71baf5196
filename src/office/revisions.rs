//! The revisions of the editable records, in memory (optimistic concurrency, issue 20).
//!
//! The store keeps them ([`crate::store::revision`]) and checks a save's base revision inside
//! the commit; the office keeps a copy so that listings, `show` and the TUI's forms can say
//! which revision a record is at, and the remote TUI gets it with its snapshot.

use super::{Office, OfficeError};
use crate::store::revision::{Revision, Stamp};
use crate::store::{audit::AuditEntry, key_u64, TreeName, Write};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The revision of every record changed since it was added (one never changed is at 0).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revisions {
    pub targets: BTreeMap<u64, Revision>,
    pub inspectors: BTreeMap<u64, Revision>,
    pub departments: BTreeMap<u64, Revision>,
    pub plans: BTreeMap<u64, Revision>,
    /// Recusal pairs: (inspector, target), in that order.
    pub conflicts: Vec<((u64, u64), Revision)>,
    /// The inspection item list (issue 19).
    #[serde(default)]
    pub items: BTreeMap<u64, Revision>,
}

fn id_of(key: &[u8]) -> Option<u64> {
    <[u8; 8]>::try_from(key).ok().map(u64::from_be_bytes)
}

impl Revisions {
    /// The map of a tree whose records have one id.
    fn map(&self, tree: TreeName) -> Option<&BTreeMap<u64, Revision>> {
        match tree {
            TreeName::Targets => Some(&self.targets),
            TreeName::Inspectors => Some(&self.inspectors),
            TreeName::Departments => Some(&self.departments),
            TreeName::Plans => Some(&self.plans),
            TreeName::Items => Some(&self.items),
            _ => None,
        }
    }

    /// Who last changed the record `id` of `tree`, and when (`None`: revision 0).
    pub fn get(&self, tree: TreeName, id: u64) -> Option<&Revision> {
        self.map(tree)?.get(&id)
    }

    /// The revision number of the record `id` of `tree` (0: never changed since added).
    pub fn rev(&self, tree: TreeName, id: u64) -> u64 {
        self.get(tree, id).map_or(0, |r| r.rev)
    }

    /// Record that `key` of `tree` is now at `r`.
    pub fn set(&mut self, tree: TreeName, key: &[u8], r: Revision) {
        let map = match tree {
            TreeName::Targets => &mut self.targets,
            TreeName::Inspectors => &mut self.inspectors,
            TreeName::Departments => &mut self.departments,
            TreeName::Plans => &mut self.plans,
            TreeName::Items => &mut self.items,
            TreeName::Conflicts if key.len() == 16 => {
                let (Some(i), Some(t)) = (id_of(&key[..8]), id_of(&key[8..])) else {
                    return;
                };
                // Kept in key order (as the store scans them), so equal sets compare equal.
                match self.conflicts.binary_search_by_key(&(i, t), |(k, _)| *k) {
                    Ok(at) => self.conflicts[at].1 = r,
                    Err(at) => self.conflicts.insert(at, ((i, t), r)),
                }
                return;
            }
            _ => return,
        };
        if let Some(id) = id_of(key) {
            map.insert(id, r);
        }
    }

    /// Read from the store.
    pub fn load(store: &crate::store::Store) -> Result<Revisions, OfficeError> {
        let mut out = Revisions::default();
        for (tree, key, r) in store.revisions()? {
            out.set(tree, &key, r);
        }
        Ok(out)
    }
}

/// A stamp for the record `id` of `tree` (based on `base` when given).
pub fn stamp(tree: TreeName, id: u64, base: Option<u64>) -> Stamp {
    Stamp::based(tree, key_u64(id), base)
}

/// Stamps without a base for the records `ids` of `tree` (an import's changes).
pub fn stamps(tree: TreeName, ids: impl IntoIterator<Item = u64>) -> Vec<Stamp> {
    ids.into_iter().map(|id| stamp(tree, id, None)).collect()
}

impl Office {
    /// A snapshot of the revisions (holds no lock).
    pub fn revisions(&self) -> std::sync::Arc<Revisions> {
        self.revisions.get()
    }

    /// Commit `writes` with their audit entry, checking and bumping the revisions of the
    /// records `stamps` name in the same transaction; then the revisions in memory follow.
    pub(crate) fn commit_stamped(
        &self,
        action: &str,
        summary: String,
        writes: Vec<Write>,
        stamps: Vec<Stamp>,
    ) -> Result<AuditEntry, OfficeError> {
        let entry = self.store.commit(crate::store::Change {
            user: self.user(),
            action: action.into(),
            summary,
            writes,
            guards: vec![],
            stamps: stamps.clone(),
        })?;
        let r = Revision {
            rev: entry.seq,
            user: entry.user.clone(),
            time: entry.time.clone(),
        };
        let mut revs = self.revisions.write();
        for s in &stamps {
            revs.set(s.tree, &s.key, r.clone());
        }
        Ok(entry)
    }
}

#[cfg(test)]
#[path = "revisions_tests.rs"]
mod tests;
