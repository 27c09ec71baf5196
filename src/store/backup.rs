//! Backups: a portable, versioned, checksummed file of every tree and the audit log, and the
//! restore that checks it and swaps the store in whole or not at all.

use super::*;

const BACKUP_MAGIC: &[u8; 8] = b"SSBACKUP";
const BACKUP_VERSION: u8 = 1;

#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct BackupBody {
    created: String,
    trees: Vec<(String, TreeDump)>,
}

/// Serializes exactly as a [`BackupBody`] (a struct is its fields in order, a `Vec<u8>` and a
/// `&[u8]` the same sequence), reading the trees while it is written.
#[derive(serde::Serialize)]
struct BackupView<'a> {
    created: String,
    trees: TreesView<'a>,
}

struct TreesView<'a>(&'a [(&'a str, &'a sled::Tree)]);

impl TreesView<'_> {
    /// The key/value pairs written (every tree's length, as written).
    fn count(&self) -> u64 {
        self.0.iter().map(|(_, t)| t.len() as u64).sum()
    }
}

impl serde::Serialize for TreesView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (name, tree) in self.0 {
            seq.serialize_element(&(name, TreeView(tree)))?;
        }
        seq.end()
    }
}

struct TreeView<'a>(&'a sled::Tree);

impl serde::Serialize for TreeView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        // The length is written first; a tree that changed while it was read is refused (the
        // file is then not renamed into place).
        let len = self.0.len();
        let mut seq = s.serialize_seq(Some(len))?;
        let mut n = 0usize;
        for kv in self.0.iter() {
            let (k, v) = kv.map_err(|e| S::Error::custom(e.to_string()))?;
            seq.serialize_element(&(&k[..], &v[..]))?;
            n += 1;
        }
        if n != len {
            return Err(S::Error::custom("the store changed while it was backed up"));
        }
        seq.end()
    }
}

/// Hashes what passes through to the file.
struct Hashing<W: std::io::Write> {
    out: W,
    sha: Sha256,
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

impl Store {
    /// Write a portable, versioned, checksummed backup of every tree and the audit log.
    /// Layout: `SSBACKUP`, one version byte, SHA-256 of the body (32 bytes), the body
    /// (codec-encoded list of trees with their key/value pairs).
    ///
    /// The body is streamed from the trees into the file while it is hashed, and the checksum
    /// filled in before the file is renamed into place: a backup costs a buffer, not the store
    /// held twice in memory (a million targets are some 230 MB of chunks).
    pub fn backup(&self, file: &Path) -> Result<u64, StoreError> {
        let named: Vec<(&str, &sled::Tree)> = TreeName::ALL
            .iter()
            .map(|t| (t.as_str(), self.tree(*t)))
            .chain(std::iter::once((AUDIT_TREE, &self.audit)))
            .chain(std::iter::once((revision::TREE, &self.revisions)))
            .collect();
        let view = BackupView {
            created: audit::now_text(),
            trees: TreesView(&named),
        };
        let mut count = 0u64;
        let mut failure: Option<codec::CodecError> = None;
        // Whole or not at all; the `.partial` an older version left behind goes too.
        let _ = std::fs::remove_file(file.with_extension("partial"));
        let written = anchor::write_atomic_with(file, |f| {
            use std::io::{Seek, SeekFrom, Write as _};
            f.write_all(BACKUP_MAGIC)?;
            f.write_all(&[BACKUP_VERSION])?;
            f.write_all(&[0u8; 32])?;
            let digest: [u8; 32] = {
                let mut w = Hashing {
                    out: std::io::BufWriter::with_capacity(1 << 20, &mut *f),
                    sha: Sha256::new(),
                };
                if let Err(e) = codec::encode_into(&mut w, &view) {
                    failure = Some(e);
                    return Err(std::io::Error::other("backup body"));
                }
                w.out.flush()?;
                w.sha.finalize().into()
            };
            f.seek(SeekFrom::Start(9))?;
            f.write_all(&digest)?;
            count = view.trees.count();
            Ok(())
        });
        if let Err(e) = written {
            return Err(match failure {
                Some(e) => StoreError::Encode(e),
                None => StoreError::Io(format!("{}: {e}", file.display())),
            });
        }
        Ok(count)
    }

    /// Restore a backup. Refuses a non-empty store unless `force`. All or nothing.
    pub fn restore(&self, file: &Path, force: bool) -> Result<u64, StoreError> {
        self.writable()?;
        let bytes =
            std::fs::read(file).map_err(|e| StoreError::Io(format!("{}: {e}", file.display())))?;
        let body = verify_backup_bytes(&bytes, file)?;
        if !self.is_empty() && !force {
            return Err(StoreError::NotEmpty);
        }
        self.apply_body(&body)
    }

    /// Restore `file` without touching the store at `path` until the backup is known good:
    /// its bytes are checked ([`verify_backup_bytes`]), it is written into a new directory
    /// beside the store and verified whole there (the chain, every record), and only then
    /// swapped in (the old directory is kept beside it as `<name>.replaced-<time>`). A store
    /// that cannot be opened (damaged) is replaced only with `force`.
    pub fn restore_swap(
        path: &Path,
        file: &Path,
        force: bool,
    ) -> Result<(u64, VerifyReport), StoreError> {
        let bytes =
            std::fs::read(file).map_err(|e| StoreError::Io(format!("{}: {e}", file.display())))?;
        let body = verify_backup_bytes(&bytes, file)?;
        match Store::open(path) {
            Ok(current) => {
                if !current.is_empty() && !force {
                    return Err(StoreError::NotEmpty);
                }
                // The store about to be replaced is kept as an automatic backup too.
                if !current.is_empty() {
                    let stamp = chrono::Local::now().format("%Y%m%d%H%M%S");
                    let file = rotate::dir_for(path).join(format!("pre-restore-{stamp}.ssb"));
                    std::fs::create_dir_all(rotate::dir_for(path))
                        .map_err(|e| StoreError::Io(e.to_string()))?;
                    current.backup(&file)?;
                }
            }
            Err(StoreError::InUse(p)) => return Err(StoreError::InUse(p)),
            Err(e) if !force => return Err(e),
            Err(e) => tracing::warn!("restoring over a store that cannot be opened: {e}"),
        }
        let staging = sibling(path, &format!("restoring-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        let staged = (|| {
            let s = Store::open(&staging)?;
            let n = s.apply_body(&body)?;
            Ok::<_, StoreError>((n, s.verify()?))
        })();
        let (n, report) = match staged {
            Ok(x) => x,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(e);
            }
        };
        if let Some(problem) = report.problem.clone() {
            let _ = std::fs::remove_dir_all(&staging);
            let _ = std::fs::remove_file(anchor::path_for(&staging));
            return Err(StoreError::BackupDamaged {
                file: file.display().to_string(),
                problem,
            });
        }
        let _ = std::fs::remove_file(anchor::path_for(&staging));
        swap_in(path, &staging)?;
        let head = hex::decode(&report.head)
            .ok()
            .and_then(|h| <[u8; 32]>::try_from(h).ok())
            .unwrap_or([0u8; 32]);
        anchor::write(
            path,
            anchor::Anchor {
                len: report.entries,
                head,
            },
        )
        .map_err(|e| StoreError::Io(e.to_string()))?;
        Ok((n, report))
    }

    /// Write a verified backup's trees into this store, replacing everything in it.
    fn apply_body(&self, body: &BackupBody) -> Result<u64, StoreError> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut all: Vec<&sled::Tree> = self.trees.iter().collect();
        all.push(&self.audit);
        all.push(&self.revisions);
        let index_of = |name: &str| -> Option<usize> {
            if name == AUDIT_TREE {
                Some(TreeName::ALL.len())
            } else if name == revision::TREE {
                Some(TreeName::ALL.len() + 1)
            } else {
                TreeName::parse(name).map(|t| t.index())
            }
        };
        let mut plan: Vec<(usize, &TreeDump)> = Vec::new();
        for (name, kvs) in &body.trees {
            let i = index_of(name)
                .ok_or_else(|| StoreError::Backup(format!("unknown tree {name:?} in backup")))?;
            plan.push((i, kvs));
        }
        let mut existing: Vec<(usize, Vec<u8>)> = Vec::new();
        for (i, t) in all.iter().enumerate() {
            for k in t.iter().keys() {
                existing.push((i, k.map_err(sled_err)?.to_vec()));
            }
        }
        let count: u64 = plan.iter().map(|(_, kvs)| kvs.len() as u64).sum();
        let res: Result<(), TransactionError<StoreError>> = all.as_slice().transaction(|tx| {
            for (i, k) in &existing {
                tx[*i].remove(k.as_slice())?;
            }
            for (i, kvs) in &plan {
                for (k, v) in kvs.iter() {
                    tx[*i].insert(k.as_slice(), v.as_slice())?;
                }
            }
            Ok(())
        });
        match res {
            Ok(()) => {}
            Err(TransactionError::Abort(e)) => return Err(e),
            Err(TransactionError::Storage(e)) => return Err(sled_err(e)),
        }
        self.db.flush().map_err(sled_err)?;
        // The restored chain is the store's history now.
        self.write_anchor()?;
        *self.truncated.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(count)
    }
}

/// Checks a backup's bytes: magic, version, checksum, a decodable body. The step where a
/// signature check belongs.
fn verify_backup_bytes(bytes: &[u8], file: &Path) -> Result<BackupBody, StoreError> {
    if bytes.len() < 41 || &bytes[..8] != BACKUP_MAGIC {
        return Err(StoreError::Backup(format!(
            "{} is not a shuangsui backup",
            file.display()
        )));
    }
    if bytes[8] != BACKUP_VERSION {
        return Err(StoreError::Backup(format!(
            "unknown backup version {}",
            bytes[8]
        )));
    }
    let body = &bytes[41..];
    if sha256(body)[..] != bytes[9..41] {
        return Err(StoreError::Backup(format!(
            "{}: checksum mismatch (the file is damaged)",
            file.display()
        )));
    }
    codec::decode(body).map_err(|e| StoreError::Backup(format!("{}: {e}", file.display())))
}

/// A full disk can leave sled's snapshot half made: an empty `snap.*.generating`, after which
/// sled reads "corrupted data" on every open. Such a file holds nothing: it is moved to
/// `<store>.set-aside/` beside the store (and logged) so the store opens.
pub(super) fn set_aside_empty_snapshots(path: &Path) {
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let empty = e
            .metadata()
            .map(|m| m.is_file() && m.len() == 0)
            .unwrap_or(false);
        if !(name.starts_with("snap.") && name.ends_with(".generating") && empty) {
            continue;
        }
        let aside = sibling(path, "set-aside");
        let moved = std::fs::create_dir_all(&aside)
            .and_then(|()| std::fs::rename(e.path(), aside.join(&name)));
        match moved {
            Ok(()) => tracing::warn!(
                store = %path.display(),
                file = %name,
                to = %aside.display(),
                "set aside sled's empty snapshot left by a failed write (a full disk?)"
            ),
            Err(err) => tracing::error!(
                store = %path.display(),
                file = %name,
                "cannot set aside sled's empty snapshot: {err}"
            ),
        }
    }
}

/// `<dir>.<what>` beside the store directory `path`.
fn sibling(path: &Path, what: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "store".into());
    name.push(format!(".{what}"));
    path.with_file_name(name)
}

/// Put the directory `staging` where `path` is; the old one, if any, is kept beside it.
fn swap_in(path: &Path, staging: &Path) -> Result<(), StoreError> {
    let io = |e: std::io::Error| StoreError::Io(format!("{}: {e}", path.display()));
    let old = sibling(
        path,
        &format!("replaced-{}", chrono::Local::now().format("%Y%m%d%H%M%S")),
    );
    let had_old = path.exists();
    if had_old {
        std::fs::rename(path, &old).map_err(io)?;
    }
    if let Err(e) = std::fs::rename(staging, path) {
        if had_old {
            let _ = std::fs::rename(&old, path);
        }
        return Err(io(e));
    }
    if let Some(dir) = path.parent().and_then(|d| std::fs::File::open(d).ok()) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The streamed backup is byte for byte the body the whole-in-memory encoding gave (the
    /// format restore and older versions read), and its checksum is the body's.
    #[test]
    fn a_streamed_backup_is_the_body_encoded_whole() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("a")).unwrap();
        for i in 0..40u64 {
            let big = vec![i as u8; 3000 + i as usize * 101];
            s.commit(Change {
                user: "tester".into(),
                action: format!("a{i}"),
                summary: "记录".into(),
                writes: vec![
                    Write::put(TreeName::Targets, key_u64(i / 8), big),
                    Write::put(TreeName::Plans, key_u64(i), codec::encode(&i).unwrap()),
                ],
                guards: vec![],
                stamps: vec![],
            })
            .unwrap();
        }
        let file = dir.path().join("b.ssbak");
        let count = s.backup(&file).unwrap();
        let bytes = std::fs::read(&file).unwrap();
        let body = verify_backup_bytes(&bytes, &file).unwrap();
        let mut trees = Vec::new();
        let mut n = 0;
        for t in TreeName::ALL {
            let kvs: TreeDump = s
                .tree(t)
                .iter()
                .map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap())
                .collect();
            n += kvs.len() as u64;
            trees.push((t.as_str().to_string(), kvs));
        }
        for (name, tree) in [(AUDIT_TREE, &s.audit), (revision::TREE, &s.revisions)] {
            let kvs: TreeDump = tree
                .iter()
                .map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec())).unwrap())
                .collect();
            n += kvs.len() as u64;
            trees.push((name.to_string(), kvs));
        }
        assert_eq!(count, n);
        let whole = codec::encode(&BackupBody {
            created: body.created.clone(),
            trees,
        })
        .unwrap();
        assert_eq!(&bytes[41..], whole.as_slice());
        assert_eq!(&bytes[9..41], &sha256(&whole)[..]);
    }
}
