//! Record revisions for optimistic concurrency (issue 20).
//!
//! A record's revision is the sequence number of the audit entry that last changed it, kept
//! with that entry's user and time in the `revisions` tree (key: the record's tree, one byte,
//! then its id key: a target by its id, not by its chunk). Records keep their shape (bincode has
//! no per-field versioning). A commit names the records it changes ([`Stamp`]); inside its
//! transaction each stamp with a `base` is checked against the stored revision (a record never
//! stamped is at revision 0), and every stamp is rewritten with the new entry. A save based on
//! an older revision is refused as [`super::StoreError::Stale`]: no read-then-write race.

use super::{codec, TreeName};
use serde::{Deserialize, Serialize};

/// Name of the sled tree.
pub const TREE: &str = "revisions";

/// Who last changed a record, and when: the audit entry's sequence number, user and time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub rev: u64,
    pub user: String,
    pub time: String,
}

/// One record a commit changes. With `base`, the commit is refused unless the record is still
/// at that revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub tree: TreeName,
    /// The record's id key (`key_u64(id)`; a recusal pair: inspector then target).
    pub key: Vec<u8>,
    pub base: Option<u64>,
}

impl Stamp {
    /// A record changed without a revision to check (imports, server-side read-modify-write).
    pub fn new(tree: TreeName, key: impl Into<Vec<u8>>) -> Stamp {
        Stamp {
            tree,
            key: key.into(),
            base: None,
        }
    }

    /// A record changed from the revision `base` (when given).
    pub fn based(tree: TreeName, key: impl Into<Vec<u8>>, base: Option<u64>) -> Stamp {
        Stamp {
            base,
            ..Stamp::new(tree, key)
        }
    }

    /// Its key in the revisions tree.
    pub fn rev_key(&self) -> Vec<u8> {
        rev_key(self.tree, &self.key)
    }
}

/// The key of a record in the revisions tree.
pub fn rev_key(tree: TreeName, key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(key.len() + 1);
    k.push(tree.index() as u8);
    k.extend_from_slice(key);
    k
}

/// The record a revisions-tree key names: (tree, id key).
pub fn split_key(k: &[u8]) -> Option<(TreeName, &[u8])> {
    let (&t, key) = k.split_first()?;
    TreeName::ALL
        .get(t as usize)
        .copied()
        .map(|tree| (tree, key))
}

/// The revision stored under a key (`None`: never stamped, or unreadable, which counts as 0).
pub fn decode(v: &[u8]) -> Option<Revision> {
    codec::decode(v).ok()
}

/// The refusal's text: who changed the record and when, and to reload.
pub fn stale_text(what: &str, current: Option<&Revision>, lang: crate::i18n::Lang) -> String {
    use crate::i18n::Lang;
    match (current, lang) {
        (Some(r), Lang::Zh) => format!(
            "{what} 已被 {} 于 {} 修改（版本 {}），请重新载入后再修改",
            r.user,
            local_time(&r.time),
            r.rev
        ),
        (Some(r), Lang::En) => format!(
            "{what} changed by {} at {}: reload (revision {})",
            r.user,
            local_time(&r.time),
            r.rev
        ),
        (None, Lang::Zh) => format!("{what} 已被修改，请重新载入后再修改"),
        (None, Lang::En) => format!("{what} changed: reload"),
    }
}

/// An RFC 3339 time as `YYYY-MM-DD HH:MM:SS` (as stored when it does not parse).
pub fn local_time(t: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|_| t.to_string())
}

/// "检查对象 3" / "target 3": the record a refusal is about (tree by its stored name).
pub fn record_label(tree: &str, key: &str, lang: crate::i18n::Lang) -> String {
    let (zh, en) = match TreeName::parse(tree) {
        Some(TreeName::Targets) => ("检查对象", "target"),
        Some(TreeName::Inspectors) => ("检查人员", "inspector"),
        Some(TreeName::Departments) => ("部门", "department"),
        Some(TreeName::Conflicts) => ("回避关系", "recusal pair"),
        Some(TreeName::Plans) => ("抽查计划", "plan"),
        _ => ("记录", "record"),
    };
    match lang {
        crate::i18n::Lang::Zh => format!("{zh} {key}"),
        crate::i18n::Lang::En => format!("{en} {key}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{codec, key_u64, Change, Store, StoreError, TreeName, Write};
    use super::*;

    fn edit(store: &Store, user: &str, value: &str, base: Option<u64>) -> Result<u64, StoreError> {
        let v = codec::encode(&value.to_string()).unwrap();
        let e = store.commit(Change {
            user: user.into(),
            action: "plan edit".into(),
            summary: value.into(),
            writes: vec![Write::put(TreeName::Plans, key_u64(1), v)],
            guards: vec![],
            stamps: vec![Stamp::based(TreeName::Plans, key_u64(1), base)],
        })?;
        Ok(e.seq)
    }

    #[test]
    fn a_save_from_an_older_revision_is_refused_inside_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.revision(TreeName::Plans, &key_u64(1)).unwrap(), None);
        // Both users start from revision 0; the first save wins.
        let first = edit(&s, "zhang", "甲", Some(0)).unwrap();
        let r = s.revision(TreeName::Plans, &key_u64(1)).unwrap().unwrap();
        assert_eq!((r.rev, r.user.as_str()), (first, "zhang"));
        let before = (s.audit_len(), s.get(TreeName::Plans, &key_u64(1)).unwrap());
        match edit(&s, "li", "乙", Some(0)) {
            Err(StoreError::Stale {
                base: 0,
                current: Some(c),
                ..
            }) => assert_eq!((c.rev, c.user.as_str()), (first, "zhang")),
            other => panic!("expected a stale refusal, got {other:?}"),
        }
        assert_eq!(
            (s.audit_len(), s.get(TreeName::Plans, &key_u64(1)).unwrap()),
            before,
            "nothing written, no audit entry"
        );
        assert_eq!(
            s.revision(TreeName::Plans, &key_u64(1)).unwrap().unwrap(),
            r
        );
        // From the current revision the save goes through; without a base it is not checked.
        let second = edit(&s, "li", "乙", Some(first)).unwrap();
        edit(&s, "wang", "丙", None).unwrap();
        assert!(second > first);
        assert_eq!(s.verify().unwrap().problem, None);
    }

    #[test]
    fn revisions_survive_a_backup_and_restore() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("a")).unwrap();
        let seq = edit(&s, "zhang", "甲", None).unwrap();
        let file = dir.path().join("b.ssb");
        s.backup(&file).unwrap();
        let t = Store::open(&dir.path().join("b")).unwrap();
        t.restore(&file, false).unwrap();
        let r = t.revision(TreeName::Plans, &key_u64(1)).unwrap().unwrap();
        assert_eq!((r.rev, r.user.as_str()), (seq, "zhang"));
        assert!(matches!(
            edit(&t, "li", "乙", Some(0)),
            Err(StoreError::Stale { .. })
        ));
        assert_eq!(t.verify().unwrap().problem, None);
    }

    #[test]
    fn the_refusal_names_who_and_when_in_both_languages() {
        let r = Revision {
            rev: 7,
            user: "zhang".into(),
            time: "2026-12-02T09:30:00+08:00".into(),
        };
        let zh = stale_text(
            &record_label("targets", "3", crate::i18n::Lang::Zh),
            Some(&r),
            crate::i18n::Lang::Zh,
        );
        assert_eq!(
            zh,
            "检查对象 3 已被 zhang 于 2026-12-02 09:30:00 修改（版本 7），请重新载入后再修改"
        );
        let en = stale_text(
            &record_label("targets", "3", crate::i18n::Lang::En),
            Some(&r),
            crate::i18n::Lang::En,
        );
        assert_eq!(
            en,
            "target 3 changed by zhang at 2026-12-02 09:30:00: reload (revision 7)"
        );
    }
}
