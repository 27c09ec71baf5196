//! The records a commit wrote, as `shuangsui serve` sends them to its subscribers (issue 17):
//! instead of a whole snapshot per change, each [`super::protocol::Event`] carries a [`Delta`]
//! (for each record the tree, its id key, its new revision and the new record, or its removal),
//! and a client's replica applies it ([`apply`]).
//!
//! The server builds a delta from the audit entries of the commit ([`Office::delta`]): each
//! entry names the keys it wrote; the store's rows map to records here (targets are stored in
//! chunks of [`TARGET_CHUNK`]: of a written chunk only the targets the commit stamped, or added,
//! are sent, never the whole chunk). What the replica does not hold (rules, items, violations…)
//! is not sent. A delta that would be large (a big import, a draw of many tasks) is not built:
//! the event says "reload" and the clients fetch a snapshot.

use super::announce::{sealed_copy, Announcement};
use super::{Book, DrawRecord, Office, Revisions, State};
use crate::domain::inspector::{Department, Inspector, RecusalPair};
use crate::domain::plan::Plan;
use crate::domain::task::Task;
use crate::domain::Target;
use crate::store::revision::Revision;
use crate::store::{TreeName, TARGET_CHUNK};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// At most this many records in one delta; a commit that wrote more is announced as a reload.
pub const MAX_DELTA_RECORDS: usize = 4096;

/// The records written by the commits that took the audit log from `from` entries to the
/// event's `audit_len`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delta {
    /// The audit length this delta applies to (the replica's, before).
    pub from: u64,
    pub records: Vec<Changed>,
}

/// One record written: its tree (`TreeName::as_str`), its id key (one id, or inspector and
/// target for a recusal pair), its revision after the commit, and the record (`None`: removed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Changed {
    pub tree: String,
    pub key: Vec<u64>,
    #[serde(default)]
    pub revision: Option<Revision>,
    pub record: Option<Record>,
}

/// A record of the replica, as the office holds it in memory.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Record {
    Target(Box<Target>),
    Inspector(Box<Inspector>),
    Department(Box<Department>),
    Conflict(Box<RecusalPair>),
    Plan(Box<Plan>),
    Draw(Box<DrawRecord>),
    Task(Box<Task>),
    /// Its entropy sealed until revealed ([`sealed_copy`]).
    Announcement(Box<Announcement>),
}

/// How many records of each kind the office held before a write (the targets added by a
/// commit are not stamped: they are those past the count before).
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub targets: u64,
}

fn id_of(key: &[u8]) -> Option<u64> {
    <[u8; 8]>::try_from(key).ok().map(u64::from_be_bytes)
}

/// The id of an announcement's key in the meta tree (`announcement/0000000007`).
fn announcement_id(key: &[u8]) -> Option<u64> {
    std::str::from_utf8(key)
        .ok()?
        .strip_prefix("announcement/")?
        .parse()
        .ok()
}

fn by_id<T>(records: &[T], id: u64, id_of: impl Fn(&T) -> u64) -> Option<&T> {
    match records.binary_search_by_key(&id, &id_of) {
        Ok(i) => Some(&records[i]),
        // Not in id order (never expected): look through them.
        Err(_) => records.iter().find(|r| id_of(r) == id),
    }
}

impl Office {
    /// How many records there are now, for [`Office::delta`] after the next write.
    pub fn counts(&self) -> Counts {
        Counts {
            targets: self.state().targets.len() as u64,
        }
    }

    /// The records written by the audit entries `from + 1 ..= to`, read from memory after
    /// they were applied; `before`: the counts taken before them. `None` when the delta cannot
    /// or should not be sent (more than [`MAX_DELTA_RECORDS`] records, an entry missing, a
    /// key this build does not map): the clients reload instead.
    pub fn delta(&self, from: u64, to: u64, before: Counts) -> Option<Delta> {
        if to <= from || to - from > 64 {
            return None;
        }
        let entries = self.audit_tail((to - from) as usize).ok()?;
        if entries.len() as u64 != to - from {
            return None;
        }
        let seqs: BTreeSet<u64> = entries.iter().map(|e| e.seq).collect();
        let written: usize = entries.iter().map(|e| e.writes.len()).sum();
        if written > MAX_DELTA_RECORDS {
            return None;
        }
        let st = self.state();
        let book = self.book();
        let revs = self.revisions();
        let mut out = Vec::new();
        // Oldest first (targets added come in id order); a key written twice is sent once, as
        // it is now.
        let mut seen = BTreeSet::new();
        for e in entries.iter().rev() {
            for w in &e.writes {
                if !seen.insert((w.tree.clone(), w.key.clone())) {
                    continue;
                }
                let tree = TreeName::parse(&w.tree)?;
                let removed = w.hash.is_none();
                match tree {
                    TreeName::Targets => {
                        let c = id_of(&w.key)?;
                        let first = c * TARGET_CHUNK + 1;
                        let last = ((c + 1) * TARGET_CHUNK).min(st.targets.len() as u64);
                        for id in first..=last {
                            let rev = revs.get(TreeName::Targets, id);
                            let stamped = rev.is_some_and(|r| seqs.contains(&r.rev));
                            if !(stamped || id > before.targets) {
                                continue;
                            }
                            let t = st.target(id)?;
                            out.push(changed(
                                tree,
                                vec![id],
                                rev,
                                Record::Target(t.clone().into()),
                            ));
                        }
                    }
                    TreeName::Inspectors => {
                        let id = id_of(&w.key)?;
                        let r = Record::Inspector(st.inspector(id)?.clone().into());
                        out.push(changed(tree, vec![id], revs.get(tree, id), r));
                    }
                    TreeName::Departments => {
                        let id = id_of(&w.key)?;
                        let d = by_id(&st.departments, id, |d| d.id)?;
                        let r = Record::Department(d.clone().into());
                        out.push(changed(tree, vec![id], revs.get(tree, id), r));
                    }
                    TreeName::Conflicts => {
                        let (Some(i), Some(t)) = (
                            w.key.get(..8).and_then(id_of),
                            w.key.get(8..).and_then(id_of),
                        ) else {
                            return None;
                        };
                        let pair = st
                            .conflicts
                            .iter()
                            .find(|p| p.inspector == i && p.target == t);
                        let rev = revs
                            .conflicts
                            .iter()
                            .find(|(k, _)| *k == (i, t))
                            .map(|(_, r)| r.clone());
                        out.push(Changed {
                            tree: w.tree.clone(),
                            key: vec![i, t],
                            revision: rev,
                            record: pair.map(|p| Record::Conflict(p.clone().into())),
                        });
                    }
                    TreeName::Plans => {
                        let id = id_of(&w.key)?;
                        let rev = revs.get(tree, id);
                        let r = by_id(&book.plans, id, |p| p.id)
                            .map(|p| Record::Plan(p.clone().into()));
                        out.push(removable(tree, id, rev, r, removed)?);
                    }
                    TreeName::Draws => {
                        let id = id_of(&w.key)?;
                        let r = by_id(&book.draws, id, |d| d.id)
                            .map(|d| Record::Draw(d.clone().into()));
                        out.push(removable(tree, id, None, r, removed)?);
                    }
                    TreeName::Tasks => {
                        let id = id_of(&w.key)?;
                        let r = by_id(&book.tasks, id, |t| t.id)
                            .map(|t| Record::Task(t.clone().into()));
                        out.push(removable(tree, id, None, r, removed)?);
                    }
                    TreeName::Meta => {
                        let Some(id) = announcement_id(&w.key) else {
                            // Other meta keys (the store's own) are not in the replica.
                            continue;
                        };
                        let r = by_id(&book.announcements, id, |a| a.id)
                            .map(|a| Record::Announcement(sealed_copy(a).into()));
                        out.push(removable(tree, id, None, r, removed)?);
                    }
                    // Not in a replica (rules, items, inspections, violations, windows…).
                    _ => {}
                }
                if out.len() > MAX_DELTA_RECORDS {
                    return None;
                }
            }
        }
        Some(Delta { from, records: out })
    }
}

fn changed(tree: TreeName, key: Vec<u64>, rev: Option<&Revision>, r: Record) -> Changed {
    Changed {
        tree: tree.as_str().to_string(),
        key,
        revision: rev.cloned(),
        record: Some(r),
    }
}

/// A record written (it must be in memory) or removed (it must not be).
fn removable(
    tree: TreeName,
    id: u64,
    rev: Option<&Revision>,
    r: Option<Record>,
    removed: bool,
) -> Option<Changed> {
    if r.is_some() == removed {
        return None;
    }
    Some(Changed {
        tree: tree.as_str().to_string(),
        key: vec![id],
        revision: rev.cloned(),
        record: r,
    })
}

/// Replace the record with this id or insert it in id order; `None`: remove it.
fn put_sorted<T>(records: &mut Vec<T>, id: u64, r: Option<T>, id_of: impl Fn(&T) -> u64) {
    match (records.binary_search_by_key(&id, &id_of), r) {
        (Ok(i), Some(r)) => records[i] = r,
        (Ok(i), None) => {
            records.remove(i);
        }
        (Err(i), Some(r)) => records.insert(i, r),
        (Err(_), None) => {}
    }
}

/// Why a delta does not apply: the replica must be fetched again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch(pub String);

/// Apply `d` to a replica's registries, book and revisions (indexes and search text follow).
/// A record that does not fit (a target beyond the next id) is a [`Mismatch`]: the replica is
/// then left part-way and must be replaced by a snapshot.
pub fn apply(
    state: &mut State,
    book: &mut Book,
    revisions: &mut Revisions,
    d: &Delta,
) -> Result<(), Mismatch> {
    // The targets whose search text changed (many: rebuilt at the end instead).
    let mut searched: Vec<usize> = Vec::new();
    for c in &d.records {
        let tree = TreeName::parse(&c.tree).ok_or_else(|| Mismatch(c.tree.clone()))?;
        let id = c.key.first().copied().unwrap_or(0);
        let bad = || Mismatch(format!("{} {:?}", c.tree, c.key));
        match c.record.clone() {
            Some(Record::Target(t)) => {
                let t = *t;
                let i = (t.id as usize).checked_sub(1).ok_or_else(bad)?;
                if let Some(old) = state.targets.get(i) {
                    let old_code = old.credit_code.clone();
                    let (old, new) = (Some(old_code.as_str()), t.credit_code.as_str());
                    let index = &mut state.target_by_code;
                    super::code_index::recode(index, &state.targets, old, new, t.id);
                    state.targets[i] = t;
                } else if i == state.targets.len() {
                    let index = &mut state.target_by_code;
                    super::code_index::recode(
                        index,
                        &state.targets,
                        None,
                        t.credit_code.as_str(),
                        t.id,
                    );
                    state.targets.push(t);
                } else {
                    return Err(bad());
                }
                searched.push(i);
            }
            Some(Record::Inspector(p)) => {
                let p = *p;
                let i = (p.id as usize).checked_sub(1).ok_or_else(bad)?;
                if let Some(old) = state.inspectors.get(i) {
                    let cert = old.certificate_no.clone();
                    state.inspector_by_cert.remove(&cert);
                    state
                        .inspector_by_cert
                        .insert(p.certificate_no.clone(), p.id);
                    state.inspectors[i] = p;
                } else if i == state.inspectors.len() {
                    state
                        .inspector_by_cert
                        .insert(p.certificate_no.clone(), p.id);
                    state.inspectors.push(p);
                } else {
                    return Err(bad());
                }
            }
            Some(Record::Department(x)) => {
                put_sorted(&mut state.departments, id, Some(*x), |d| d.id)
            }
            Some(Record::Conflict(p)) => {
                match state
                    .conflicts
                    .iter_mut()
                    .find(|q| q.inspector == p.inspector && q.target == p.target)
                {
                    Some(q) => *q = *p,
                    None => state.conflicts.push(*p),
                }
            }
            None if tree == TreeName::Conflicts => {
                let (i, t) = (id, c.key.get(1).copied().unwrap_or(0));
                state
                    .conflicts
                    .retain(|q| !(q.inspector == i && q.target == t));
            }
            Some(Record::Plan(p)) => put_sorted(&mut book.plans, id, Some(*p), |p| p.id),
            Some(Record::Draw(x)) => put_sorted(&mut book.draws, id, Some(*x), |d| d.id),
            Some(Record::Task(t)) => put_sorted(&mut book.tasks, id, Some(*t), |t| t.id),
            Some(Record::Announcement(a)) => {
                put_sorted(&mut book.announcements, id, Some(*a), |a| a.id)
            }
            None => match tree {
                TreeName::Plans => put_sorted(&mut book.plans, id, None, |p| p.id),
                TreeName::Draws => put_sorted(&mut book.draws, id, None, |d| d.id),
                TreeName::Tasks => put_sorted(&mut book.tasks, id, None, |t| t.id),
                TreeName::Meta => put_sorted(&mut book.announcements, id, None, |a| a.id),
                _ => return Err(bad()),
            },
        }
        if let Some(r) = &c.revision {
            let key: Vec<u8> = c.key.iter().flat_map(|k| k.to_be_bytes()).collect();
            revisions.set(tree, &key, r.clone());
        }
    }
    // (Not built yet: it will be, from the targets as they are then.)
    if let Some(search) = state.target_search.get_mut() {
        if searched.len() > 64 || search.len() + searched.len() < state.targets.len() {
            *search = super::search::TargetSearch::build(&state.targets);
        } else {
            for i in searched {
                search.set(i, &state.targets[i]);
            }
        }
    }
    Ok(())
}
