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

impl Store {
    /// Write a portable, versioned, checksummed backup of every tree and the audit log.
    /// Layout: `SSBACKUP`, one version byte, SHA-256 of the body (32 bytes), the body
    /// (codec-encoded list of trees with their key/value pairs).
    pub fn backup(&self, file: &Path) -> Result<u64, StoreError> {
        let mut trees = Vec::new();
        let mut count = 0u64;
        let named: Vec<(&str, &sled::Tree)> = TreeName::ALL
            .iter()
            .map(|t| (t.as_str(), self.tree(*t)))
            .chain(std::iter::once((AUDIT_TREE, &self.audit)))
            .chain(std::iter::once((revision::TREE, &self.revisions)))
            .collect();
        for (name, tree) in named {
            let mut kvs = Vec::new();
            for kv in tree.iter() {
                let (k, v) = kv.map_err(sled_err)?;
                kvs.push((k.to_vec(), v.to_vec()));
                count += 1;
            }
            trees.push((name.to_string(), kvs));
        }
        let body = codec::encode(&BackupBody {
            created: audit::now_text(),
            trees,
        })
        .map_err(StoreError::Encode)?;
        let mut out = Vec::with_capacity(body.len() + 41);
        out.extend_from_slice(BACKUP_MAGIC);
        out.push(BACKUP_VERSION);
        out.extend_from_slice(&sha256(&body));
        out.extend_from_slice(&body);
        // Whole or not at all; the `.partial` an older version left behind goes too.
        let _ = std::fs::remove_file(file.with_extension("partial"));
        write_atomic(file, &out).map_err(|e| StoreError::Io(format!("{}: {e}", file.display())))?;
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
