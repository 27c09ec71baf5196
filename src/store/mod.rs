//! The sled store: one `Db`, typed trees, every change audited in the same transaction.
//!
//! Layout (chosen from measurements, see README "Storage layout"):
//! - `targets`: chunks of [`TARGET_CHUNK`] targets per key (key = chunk number, u64 big-endian).
//!   One key per target took ~11 s and 1.8 GB for 1M targets; chunks take well under a second.
//! - `inspectors`, `departments`, `conflicts`, `plans`, `draws`, `tasks`: one key per record
//!   (key = id, u64 big-endian; conflicts keyed by inspector id then target id). These are small.
//! - `task_chunks` (issue 17): the tasks a draw made, [`TASK_CHUNK`] consecutive tasks of one
//!   draw per key (key = first and last task id, u64 big-endian each). A task changed later (a
//!   step, a merge, a void) is written to `tasks` under its id, and that record wins over its
//!   copy in the chunk: a chunk is written once, by its draw. One key per task was 60–70 % of
//!   a 60,000-task draw's commit.
//! - `meta`: counters (next ids) and settings.
//! - `audit`: the hash-chained log, key = sequence number (u64 big-endian).
//!
//! Every write goes through [`Store::commit`]: the data writes and the audit entry that
//! describes them are one multi-tree sled transaction, flushed before `commit` returns. The
//! audit entry holds the SHA-256 of every value written, so [`Store::verify`] can tell a record
//! changed behind the application's back from one the application wrote.

pub mod anchor;
pub mod audit;
mod backup;
pub use anchor::write_atomic;
use backup::{set_aside_empty_snapshots, BackupBody};
pub mod codec;
mod full_disk;
pub mod revision;
pub mod rotate;
pub mod sign;

use audit::{AuditEntry, WriteDigest};
use sha2::{Digest, Sha256};
use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Targets per chunk key.
pub const TARGET_CHUNK: u64 = 1024;

/// At most this many tasks per key of `task_chunks`.
pub const TASK_CHUNK: usize = 1024;

/// The key of the task chunk holding tasks `first..=last`.
pub fn task_chunk_key(first: u64, last: u64) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&first.to_be_bytes());
    k[8..].copy_from_slice(&last.to_be_bytes());
    k
}

/// The task ids `first..=last` a `task_chunks` key stands for (`None`: not such a key).
pub fn task_chunk_range(key: &[u8]) -> Option<(u64, u64)> {
    let first = u64::from_be_bytes(key.get(..8)?.try_into().ok()?);
    let last = u64::from_be_bytes(key.get(8..)?.try_into().ok()?);
    (first <= last).then_some((first, last))
}

/// The data trees, in a fixed order (their index is used in transactions and backups).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TreeName {
    Meta,
    Targets,
    Inspectors,
    Departments,
    Conflicts,
    Plans,
    Draws,
    Tasks,
    /// Table 1 and the working calendar: every version ever used, the current one, and which
    /// version each announcement and draw was made under (office::rules).
    Rules,
    /// The inspection item list (抽查事项清单), one key per item id (issue 19).
    Items,
    /// Inspections outside the draw, one key per id (issue 19).
    Inspections,
    /// Plans' exclusion windows (`PlanWindow`), one key per plan id (issue 19).
    PlanWindows,
    /// The exclusion each announcement's input was built with, one key per announcement id
    /// (issue 19).
    Exclusions,
    /// Violations followed to the end, one key per task id (issue 19).
    Violations,
    /// Re-inspection visits after a rectification, one key per id (issue 19).
    Reinspections,
    /// The tasks a draw made, in chunks of [`TASK_CHUNK`] (issue 17); a later version of a task
    /// is in `Tasks` and wins.
    TaskChunks,
}

impl TreeName {
    pub const ALL: [TreeName; 16] = [
        TreeName::Meta,
        TreeName::Targets,
        TreeName::Inspectors,
        TreeName::Departments,
        TreeName::Conflicts,
        TreeName::Plans,
        TreeName::Draws,
        TreeName::Tasks,
        TreeName::Rules,
        TreeName::Items,
        TreeName::Inspections,
        TreeName::PlanWindows,
        TreeName::Exclusions,
        TreeName::Violations,
        TreeName::Reinspections,
        TreeName::TaskChunks,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            TreeName::Meta => "meta",
            TreeName::Targets => "targets",
            TreeName::Inspectors => "inspectors",
            TreeName::Departments => "departments",
            TreeName::Conflicts => "conflicts",
            TreeName::Plans => "plans",
            TreeName::Draws => "draws",
            TreeName::Tasks => "tasks",
            TreeName::Rules => "rules",
            TreeName::Items => "items",
            TreeName::Inspections => "inspections",
            TreeName::PlanWindows => "plan_windows",
            TreeName::Exclusions => "exclusions",
            TreeName::Violations => "violations",
            TreeName::Reinspections => "reinspections",
            TreeName::TaskChunks => "task_chunks",
        }
    }
    pub fn parse(s: &str) -> Option<TreeName> {
        TreeName::ALL.into_iter().find(|t| t.as_str() == s)
    }
    fn index(self) -> usize {
        self as usize
    }
}

const AUDIT_TREE: &str = "audit";

crate::stored_unchanged!(AuditEntry, BackupBody, revision::Revision);

/// One value written (or removed, `value: None`) by a commit.
#[derive(Debug, Clone)]
pub struct Write {
    pub tree: TreeName,
    pub key: Vec<u8>,
    pub value: Option<Vec<u8>>,
}

impl Write {
    pub fn put(tree: TreeName, key: impl Into<Vec<u8>>, value: Vec<u8>) -> Write {
        Write {
            tree,
            key: key.into(),
            value: Some(value),
        }
    }
    pub fn remove(tree: TreeName, key: impl Into<Vec<u8>>) -> Write {
        Write {
            tree,
            key: key.into(),
            value: None,
        }
    }
}

/// A condition checked inside the commit's transaction: the key must be absent. Used so that
/// two writers racing for the same slot (one draw per plan and period) cannot both commit.
#[derive(Debug, Clone)]
pub struct Guard {
    pub tree: TreeName,
    pub key: Vec<u8>,
}

/// What a commit is, for the audit log.
#[derive(Debug, Clone)]
pub struct Change {
    pub user: String,
    pub action: String,
    pub summary: String,
    pub writes: Vec<Write>,
    pub guards: Vec<Guard>,
    /// The records this change edits: their revisions are checked and bumped in the same
    /// transaction (see [`revision`]).
    pub stamps: Vec<revision::Stamp>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store in use")]
    InUse(PathBuf),
    #[error("cannot open store {path}: {msg}")]
    Open { path: PathBuf, msg: String },
    #[error("store error: {0}")]
    Sled(String),
    #[error("stored record {tree}/{key} cannot be read: {err}")]
    Codec {
        tree: String,
        key: String,
        err: codec::CodecError,
    },
    #[error("encoding error: {0}")]
    Encode(codec::CodecError),
    #[error("conflict: {tree}/{key} already exists")]
    Conflict { tree: String, key: String },
    #[error("backup file: {0}")]
    Backup(String),
    #[error("store not empty")]
    NotEmpty,
    #[error("io: {0}")]
    Io(String),
    /// A backup whose bytes check out but whose content does not verify.
    #[error("backup {file} does not verify")]
    BackupDamaged {
        file: String,
        problem: VerifyProblem,
    },
    /// An edit based on an older revision of a record than the stored one.
    #[error("{tree}/{key} changed since revision {base}")]
    Stale {
        tree: String,
        key: String,
        base: u64,
        current: Option<revision::Revision>,
    },
    /// The audit chain is shorter than (or differs from) the anchor: history was lost.
    #[error("audit log truncated: {have} of {anchored} entries")]
    Truncated { have: u64, anchored: u64 },
    /// The disk holding the store is full: it was opened read-only from a temporary copy.
    #[error("no space left on the disk of {0}")]
    DiskFull(PathBuf),
}

impl StoreError {
    pub fn localize(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang::*;
        match (self, lang) {
            (StoreError::InUse(p), Zh) => format!(
                "数据库 {} 正被另一个 shuangsui 进程使用。请关闭另一个进程后重试（多人同时使用请运行 shuangsui serve）。",
                p.display()
            ),
            (StoreError::InUse(p), En) => format!(
                "the store {} is in use by another shuangsui process. Close it and try again (for several users at once, run shuangsui serve).",
                p.display()
            ),
            (StoreError::Open { path, msg }, Zh) => {
                format!("无法打开数据库 {}：{msg}", path.display())
            }
            (StoreError::BackupDamaged { file, problem }, Zh) => format!(
                "备份 {file} 的内容校验未通过（{}），未恢复，当前数据库未做任何修改",
                problem.localize(Zh)
            ),
            (StoreError::BackupDamaged { file, problem }, En) => format!(
                "the backup {file} does not verify ({}); nothing was restored and the current store is untouched",
                problem.localize(En)
            ),
            (StoreError::Truncated { have, anchored }, Zh) => format!(
                "数据库的审计日志只有 {have} 条，而锚点文件记载已提交 {anchored} 条：历史记录丢失，数据库拒绝写入。请运行 shuangsui verify 查看缺失的记录，并从备份恢复（shuangsui backups / restore）"
            ),
            (StoreError::Truncated { have, anchored }, En) => format!(
                "the store's audit log has {have} entries but its anchor file records {anchored} committed: history was lost and the store refuses writes. Run shuangsui verify to see what is missing, then restore a backup (shuangsui backups / restore)"
            ),
            (StoreError::DiskFull(p), Zh) => format!(
                "数据库{}所在的磁盘已满：只能查看，不能修改。请释放磁盘空间后重试（无需其他操作）",
                if p.as_os_str().is_empty() {
                    String::new()
                } else {
                    format!(" {} ", p.display())
                }
            ),
            (StoreError::DiskFull(p), En) => format!(
                "the disk holding the store{}is full: it can be read but not changed. Free some space and try again (nothing else is needed)",
                if p.as_os_str().is_empty() {
                    " ".to_string()
                } else {
                    format!(" {} ", p.display())
                }
            ),
            (StoreError::Stale { tree, key, current, .. }, lang) => {
                revision::stale_text(&revision::record_label(tree, key, lang), current.as_ref(), lang)
            }
            (StoreError::Conflict { tree, key }, Zh) => {
                format!("冲突：{tree}/{key} 已存在（可能另一位用户刚刚提交了同样的操作）")
            }
            (StoreError::Backup(m), Zh) => format!("备份文件错误：{m}"),
            (StoreError::NotEmpty, Zh) => {
                "目标数据库不是空的；确认要覆盖请加 --force".to_string()
            }
            (StoreError::NotEmpty, En) => {
                "the target store is not empty; add --force to overwrite it".to_string()
            }
            (StoreError::Codec { tree, key, err }, Zh) => {
                format!("数据库记录 {tree}/{key} 无法读取：{err}")
            }
            (e, Zh) => format!("数据库错误：{e}"),
            (e, En) => e.to_string(),
        }
    }
}

/// A sled error as the store's. "No space left on device" is the full disk however it comes
/// (a commit, a flush): the user is told to free space, not shown the I/O error.
fn sled_err(e: sled::Error) -> StoreError {
    if full_disk::is_no_space(&e) {
        return StoreError::DiskFull(PathBuf::new());
    }
    StoreError::Sled(e.to_string())
}

pub fn key_u64(id: u64) -> [u8; 8] {
    id.to_be_bytes()
}

pub fn key_to_string(tree: &str, key: &[u8]) -> String {
    if key.len() == 8 && tree != "meta" {
        let mut b = [0u8; 8];
        b.copy_from_slice(key);
        u64::from_be_bytes(b).to_string()
    } else if key.len() == 16 {
        let mut a = [0u8; 8];
        let mut b = [0u8; 8];
        a.copy_from_slice(&key[..8]);
        b.copy_from_slice(&key[8..]);
        format!("{}:{}", u64::from_be_bytes(a), u64::from_be_bytes(b))
    } else {
        String::from_utf8_lossy(key).into_owned()
    }
}

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

pub struct Store {
    path: PathBuf,
    db: sled::Db,
    trees: Vec<sled::Tree>,
    audit: sled::Tree,
    /// Record revisions (see [`revision`]), written in the commit's transaction.
    revisions: sled::Tree,
    /// Serialises commits inside this process (the audit chain's head is read then extended).
    write_lock: Mutex<()>,
    /// Set at open when the chain is shorter than (or differs from) the anchor: writes are
    /// refused until a restore.
    truncated: Mutex<Option<(u64, u64)>>,
    /// Set when the disk was full at open: the store was opened from this temporary copy and
    /// refuses writes (dropped after `db`, which is declared first).
    read_only: Option<full_disk::ReadOnlyCopy>,
}

/// A problem `verify` found, naming the first broken place.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum VerifyProblem {
    /// The entry's own hash or its link to the previous entry is wrong.
    BrokenEntry { seq: u64, why: String },
    /// A gap or unreadable entry in the chain.
    Unreadable { seq: u64, why: String },
    /// A record differs from what the audit entry that last wrote it recorded.
    RecordChanged { tree: String, key: String, seq: u64 },
    /// A record exists that no audit entry wrote.
    RecordUnaudited { tree: String, key: String },
    /// A record that the audit log says exists is missing.
    RecordMissing { tree: String, key: String, seq: u64 },
    /// The chain is shorter than the anchor beside the store: `missing` entries after
    /// `last_good` (the last entry that is there) were lost.
    Truncated {
        last_good: u64,
        anchored: u64,
        missing: u64,
    },
    /// The entry at the anchored length has another hash than the anchor recorded.
    AnchorMismatch { seq: u64 },
}

impl VerifyProblem {
    pub fn localize(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang::*;
        match (self, lang) {
            (VerifyProblem::BrokenEntry { seq, why }, Zh) => {
                format!("审计日志第 {seq} 条被篡改或损坏：{why}")
            }
            (VerifyProblem::BrokenEntry { seq, why }, En) => {
                format!("audit entry #{seq} was altered or is damaged: {why}")
            }
            (VerifyProblem::Unreadable { seq, why }, Zh) => {
                format!("审计日志第 {seq} 条无法读取：{why}")
            }
            (VerifyProblem::Unreadable { seq, why }, En) => {
                format!("audit entry #{seq} cannot be read: {why}")
            }
            (VerifyProblem::RecordChanged { tree, key, seq }, Zh) => format!(
                "记录 {tree}/{key} 与审计日志第 {seq} 条记载的内容不符（在程序之外被修改）"
            ),
            (VerifyProblem::RecordChanged { tree, key, seq }, En) => format!(
                "record {tree}/{key} does not match audit entry #{seq} (changed outside the application)"
            ),
            (VerifyProblem::RecordUnaudited { tree, key }, Zh) => {
                format!("记录 {tree}/{key} 没有任何审计日志记载（在程序之外被写入）")
            }
            (VerifyProblem::RecordUnaudited { tree, key }, En) => format!(
                "record {tree}/{key} was written by no audit entry (added outside the application)"
            ),
            (VerifyProblem::RecordMissing { tree, key, seq }, Zh) => {
                format!("审计日志第 {seq} 条写入的记录 {tree}/{key} 不见了（在程序之外被删除）")
            }
            (VerifyProblem::RecordMissing { tree, key, seq }, En) => format!(
                "record {tree}/{key} written by audit entry #{seq} is missing (deleted outside the application)"
            ),
            (VerifyProblem::Truncated { last_good, anchored, missing }, Zh) => format!(
                "审计日志缺少 {missing} 条：锚点文件记载已提交 {anchored} 条，库中只到第 {last_good} 条（最后一条完好的记录）。第 {} 至 {anchored} 条所做的更改已丢失，需从备份恢复后重新录入",
                last_good + 1
            ),
            (VerifyProblem::Truncated { last_good, anchored, missing }, En) => format!(
                "{missing} audit entries are missing: the anchor file records {anchored} committed, the store ends at #{last_good} (the last good entry). The changes of entries #{} to #{anchored} are lost: restore a backup and enter them again",
                last_good + 1
            ),
            (VerifyProblem::AnchorMismatch { seq }, Zh) => {
                format!("审计日志第 {seq} 条与锚点文件记载的不同（历史记录被替换）")
            }
            (VerifyProblem::AnchorMismatch { seq }, En) => {
                format!("audit entry #{seq} differs from the one the anchor file records (history was replaced)")
            }
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct VerifyReport {
    pub entries: u64,
    pub records: u64,
    pub head: String,
    pub problem: Option<VerifyProblem>,
}

/// The key/value pairs of one tree, as a backup holds them.
type TreeDump = Vec<(Vec<u8>, Vec<u8>)>;
/// (tree, key) → (hash of the value written or none, audit entry that wrote it).
type Expected = HashMap<(String, Vec<u8>), (Option<[u8; 32]>, u64)>;

impl Store {
    /// Open (or create) the store at `path`. A store held by another process is
    /// [`StoreError::InUse`].
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(path).map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            msg: e.to_string(),
        })?;
        // sled releases its file lock when its last background thread lets go of the
        // database, a moment after the owner dropped it: within one process a store closed and
        // reopened at once may still look held. Another process's lock does not go away, so a
        // short bounded retry changes nothing for the "in use" answer but its delay.
        set_aside_empty_snapshots(path);
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(1500);
        let mut read_only = None;
        let db = loop {
            match Self::open_db(path) {
                Err(StoreError::DiskFull(_)) => {
                    let copy = full_disk::copy_store(path).map_err(|e| {
                        tracing::error!(store = %path.display(), "disk full; no room for a read-only copy: {e}");
                        StoreError::DiskFull(path.to_path_buf())
                    })?;
                    tracing::warn!(
                        store = %path.display(),
                        copy = %copy.dir().display(),
                        "disk full: the store is opened read-only from a temporary copy"
                    );
                    let db = Self::open_db(copy.dir())?;
                    read_only = Some(copy);
                    break db;
                }
                Err(StoreError::InUse(_)) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(StoreError::Open { path: p, msg }) => {
                    // Say what the anchor knows of the history that cannot be read.
                    let msg = match anchor::read(path) {
                        Ok(Some(a)) => format!(
                            "{msg} (the anchor records {} committed audit entries, head {}; restore a backup with restore FILE --force)",
                            a.len,
                            &hex::encode(a.head)[..16]
                        ),
                        _ => msg,
                    };
                    return Err(StoreError::Open { path: p, msg });
                }
                other => break other?,
            }
        };
        let mut trees = Vec::new();
        for t in TreeName::ALL {
            trees.push(db.open_tree(t.as_str()).map_err(sled_err)?);
        }
        let audit = db.open_tree(AUDIT_TREE).map_err(sled_err)?;
        let revisions = db.open_tree(revision::TREE).map_err(sled_err)?;
        let store = Store {
            path: path.to_path_buf(),
            db,
            trees,
            audit,
            revisions,
            write_lock: Mutex::new(()),
            truncated: Mutex::new(None),
            read_only,
        };
        let check = store.anchor_check()?;
        if let Some((have, anchored)) = check {
            tracing::error!(
                store = %path.display(),
                have,
                anchored,
                "audit log shorter than or different from its anchor: writes refused"
            );
        }
        *store.truncated.lock().unwrap_or_else(|p| p.into_inner()) = check;
        Ok(store)
    }

    /// (entries here, entries anchored) when the chain does not reach the anchor or its entry
    /// at the anchored length has another hash.
    fn anchor_check(&self) -> Result<Option<(u64, u64)>, StoreError> {
        let Some(a) = anchor::read(&self.path).map_err(StoreError::Io)? else {
            return Ok(None);
        };
        let (have, _) = self.last_audit()?;
        if have < a.len {
            return Ok(Some((have, a.len)));
        }
        if a.len == 0 {
            return Ok(None);
        }
        let same = match self.audit.get(key_u64(a.len)).map_err(sled_err)? {
            Some(v) => {
                let e: AuditEntry = Self::decode_value(TreeName::Meta, &key_u64(a.len), &v)?;
                e.hash == a.head
            }
            None => false,
        };
        Ok((!same).then_some((have, a.len)))
    }

    /// After the first commit of a day: that day's automatic backup, then the rotation. A
    /// failure is logged; the commit stands.
    fn daily_backup(&self) {
        let today = chrono::Local::now().date_naive();
        let file = rotate::daily_file(&self.path, today);
        if file.exists() {
            return;
        }
        let made = std::fs::create_dir_all(rotate::dir_for(&self.path))
            .map_err(|e| StoreError::Io(e.to_string()))
            .and_then(|()| self.backup(&file));
        match made {
            Ok(_) => {
                tracing::info!(file = %file.display(), "daily backup written");
                rotate::prune(&self.path);
            }
            Err(e) => tracing::warn!(file = %file.display(), "daily backup failed: {e}"),
        }
    }

    /// Record the chain's head in the anchor file (after a commit or a restore).
    fn write_anchor(&self) -> Result<(), StoreError> {
        let (len, head) = self.last_audit()?;
        anchor::write(&self.path, anchor::Anchor { len, head })
            .map_err(|e| StoreError::Io(format!("{}: {e}", anchor::path_for(&self.path).display())))
    }

    /// Refused when the store was opened read-only from a copy because its disk was full.
    pub fn writable(&self) -> Result<(), StoreError> {
        match self.read_only {
            Some(_) => Err(StoreError::DiskFull(self.path.clone())),
            None => Ok(()),
        }
    }

    fn open_db(path: &Path) -> Result<sled::Db, StoreError> {
        sled::Config::new().path(path).open().map_err(|e| match &e {
            _ if full_disk::is_no_space(&e) => StoreError::DiskFull(path.to_path_buf()),
            sled::Error::Io(io)
                if io.kind() == std::io::ErrorKind::WouldBlock
                    || io.to_string().contains("lock") =>
            {
                StoreError::InUse(path.to_path_buf())
            }
            _ => StoreError::Open {
                path: path.to_path_buf(),
                msg: e.to_string(),
            },
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn tree(&self, t: TreeName) -> &sled::Tree {
        &self.trees[t.index()]
    }

    pub fn get(&self, t: TreeName, key: &[u8]) -> Result<Option<sled::IVec>, StoreError> {
        self.tree(t).get(key).map_err(sled_err)
    }

    /// Decode every value of a tree.
    pub fn scan<T: codec::Stored>(&self, t: TreeName) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        for kv in self.tree(t).iter() {
            let (k, v) = kv.map_err(sled_err)?;
            out.push(codec::decode(&v).map_err(|err| StoreError::Codec {
                tree: t.as_str().into(),
                key: key_to_string(t.as_str(), &k),
                err,
            })?);
        }
        Ok(out)
    }

    pub fn decode_value<T: codec::Stored>(
        t: TreeName,
        key: &[u8],
        v: &[u8],
    ) -> Result<T, StoreError> {
        codec::decode(v).map_err(|err| StoreError::Codec {
            tree: t.as_str().into(),
            key: key_to_string(t.as_str(), key),
            err,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.trees.iter().all(|t| t.is_empty()) && self.audit.is_empty()
    }

    fn last_audit(&self) -> Result<(u64, [u8; 32]), StoreError> {
        match self.audit.last().map_err(sled_err)? {
            None => Ok((0, [0u8; 32])),
            Some((k, v)) => {
                let e: AuditEntry = Self::decode_value(TreeName::Meta, &k, &v)?;
                Ok((e.seq, e.hash))
            }
        }
    }

    /// Apply a change atomically with its audit entry, then flush. Returns the audit entry.
    pub fn commit(&self, change: Change) -> Result<AuditEntry, StoreError> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((have, anchored)) = *self.truncated.lock().unwrap_or_else(|p| p.into_inner()) {
            return Err(StoreError::Truncated { have, anchored });
        }
        self.writable()?;
        let (last_seq, last_hash) = self.last_audit()?;
        // Each value is hashed and moved into sled's own buffer once, in parallel, its bytes
        // freed as it goes: the transaction then inserts shared references to those buffers
        // (copying the values in it held a second copy of a 1M-target import, +220 MB).
        use rayon::prelude::*;
        let Change {
            user,
            action,
            summary,
            writes,
            guards,
            stamps,
        } = change;
        let prepare = |w: Write| {
            let digest = WriteDigest {
                tree: w.tree.as_str().to_string(),
                key: w.key.clone(),
                hash: w.value.as_ref().map(|v| sha256(v)),
            };
            let value = w.value.map(sled::IVec::from);
            ((w.tree, sled::IVec::from(w.key), value), digest)
        };
        type Prepared = Vec<(TreeName, sled::IVec, Option<sled::IVec>)>;
        let (writes, digests): (Prepared, Vec<WriteDigest>) = if writes.len() < 64 {
            writes.into_iter().map(prepare).unzip()
        } else {
            writes.into_par_iter().map(prepare).unzip()
        };
        let entry = AuditEntry::new(
            last_seq + 1,
            audit::now_text(),
            user,
            action,
            summary,
            digests,
            last_hash,
        );
        let entry_bytes = codec::encode(&entry).map_err(StoreError::Encode)?;
        let entry_key = key_u64(entry.seq);
        let stamp_bytes = codec::encode(&revision::Revision {
            rev: entry.seq,
            user: entry.user.clone(),
            time: entry.time.clone(),
        })
        .map_err(StoreError::Encode)?;

        let mut all: Vec<&sled::Tree> = self.trees.iter().collect();
        all.push(&self.audit);
        all.push(&self.revisions);
        let audit_idx = all.len() - 2;
        let rev_idx = all.len() - 1;
        let res: Result<(), TransactionError<StoreError>> = all.as_slice().transaction(|tx| {
            for s in &stamps {
                let k = s.rev_key();
                let current = tx[rev_idx].get(&k)?.and_then(|v| revision::decode(&v));
                if let Some(base) = s.base {
                    if current.as_ref().map_or(0, |r| r.rev) != base {
                        return Err(ConflictableTransactionError::Abort(StoreError::Stale {
                            tree: s.tree.as_str().into(),
                            key: key_to_string(s.tree.as_str(), &s.key),
                            base,
                            current,
                        }));
                    }
                }
                tx[rev_idx].insert(k, stamp_bytes.as_slice())?;
            }
            for g in &guards {
                if tx[g.tree.index()].get(&g.key)?.is_some() {
                    return Err(ConflictableTransactionError::Abort(StoreError::Conflict {
                        tree: g.tree.as_str().into(),
                        key: key_to_string(g.tree.as_str(), &g.key),
                    }));
                }
            }
            if tx[audit_idx].get(entry_key)?.is_some() {
                return Err(ConflictableTransactionError::Abort(StoreError::Conflict {
                    tree: AUDIT_TREE.into(),
                    key: entry.seq.to_string(),
                }));
            }
            for (tree, key, value) in &writes {
                let t = &tx[tree.index()];
                match value {
                    Some(v) => {
                        t.insert(key.clone(), v.clone())?;
                    }
                    None => {
                        t.remove(key.clone())?;
                    }
                }
            }
            tx[audit_idx].insert(&entry_key, entry_bytes.as_slice())?;
            Ok(())
        });
        match res {
            Ok(()) => {}
            Err(TransactionError::Abort(e)) => return Err(e),
            Err(TransactionError::Storage(e)) => return Err(sled_err(e)),
        }
        self.db.flush().map_err(sled_err)?;
        // The commit stands; an anchor that could not be written is logged (the next commit
        // writes it again, and an older anchor only checks less).
        if let Err(e) = anchor::write(
            &self.path,
            anchor::Anchor {
                len: entry.seq,
                head: entry.hash,
            },
        ) {
            tracing::warn!(store = %self.path.display(), "cannot write the anchor file: {e}");
        }
        self.daily_backup();
        Ok(entry)
    }

    /// The audit log, oldest first.
    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let mut out = Vec::new();
        for kv in self.audit.iter() {
            let (k, v) = kv.map_err(sled_err)?;
            out.push(Self::decode_value(TreeName::Meta, &k, &v)?);
        }
        Ok(out)
    }

    /// The newest `n` audit entries, newest first.
    pub fn audit_tail(&self, n: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let mut out = Vec::new();
        for kv in self.audit.iter().rev().take(n) {
            let (k, v) = kv.map_err(sled_err)?;
            out.push(Self::decode_value(TreeName::Meta, &k, &v)?);
        }
        Ok(out)
    }

    pub fn audit_len(&self) -> usize {
        self.audit.len()
    }

    /// The revision of one record (`None`: never changed since it was added, revision 0).
    pub fn revision(
        &self,
        tree: TreeName,
        key: &[u8],
    ) -> Result<Option<revision::Revision>, StoreError> {
        let v = self
            .revisions
            .get(revision::rev_key(tree, key))
            .map_err(sled_err)?;
        Ok(v.and_then(|v| revision::decode(&v)))
    }

    /// Every stored revision: (tree, id key, revision).
    pub fn revisions(&self) -> Result<Vec<(TreeName, Vec<u8>, revision::Revision)>, StoreError> {
        let mut out = Vec::new();
        for kv in self.revisions.iter() {
            let (k, v) = kv.map_err(sled_err)?;
            if let (Some((tree, key)), Some(r)) = (revision::split_key(&k), revision::decode(&v)) {
                out.push((tree, key.to_vec(), r));
            }
        }
        Ok(out)
    }

    /// Walk the chain, then compare every record with the entry that last wrote it.
    /// Stops at the first problem, which it names.
    pub fn verify(&self) -> Result<VerifyReport, StoreError> {
        let anchored = anchor::read(&self.path).map_err(StoreError::Io)?;
        let mut at_anchor: Option<[u8; 32]> = None;
        let mut expected: Expected = HashMap::new();
        let mut prev = [0u8; 32];
        let mut n = 0u64;
        let report =
            |problem: Option<VerifyProblem>, entries, records, head: [u8; 32]| VerifyReport {
                entries,
                records,
                head: hex::encode(head),
                problem,
            };
        for kv in self.audit.iter() {
            let (k, v) = kv.map_err(sled_err)?;
            let key_seq = if k.len() == 8 {
                let mut b = [0u8; 8];
                b.copy_from_slice(&k);
                u64::from_be_bytes(b)
            } else {
                0
            };
            let entry: AuditEntry = match codec::decode(&v) {
                Ok(e) => e,
                Err(e) => {
                    let p = VerifyProblem::Unreadable {
                        seq: key_seq,
                        why: e.to_string(),
                    };
                    return Ok(report(Some(p), n, 0, prev));
                }
            };
            if entry.seq != n + 1 || key_seq != entry.seq {
                let p = VerifyProblem::Unreadable {
                    seq: n + 1,
                    why: format!("expected entry #{}, found #{}", n + 1, entry.seq),
                };
                return Ok(report(Some(p), n, 0, prev));
            }
            if let Err(why) = entry.check(&prev) {
                let p = VerifyProblem::BrokenEntry {
                    seq: entry.seq,
                    why,
                };
                return Ok(report(Some(p), n, 0, prev));
            }
            for w in &entry.writes {
                expected.insert((w.tree.clone(), w.key.clone()), (w.hash, entry.seq));
            }
            if anchored.is_some_and(|a| a.len == entry.seq) {
                at_anchor = Some(entry.hash);
            }
            prev = entry.hash;
            n += 1;
        }
        if let Some(a) = anchored {
            if n < a.len {
                let p = VerifyProblem::Truncated {
                    last_good: n,
                    anchored: a.len,
                    missing: a.len - n,
                };
                return Ok(report(Some(p), n, 0, prev));
            }
            if a.len > 0 && at_anchor != Some(a.head) {
                let p = VerifyProblem::AnchorMismatch { seq: a.len };
                return Ok(report(Some(p), n, 0, prev));
            }
        }
        let mut records = 0u64;
        for t in TreeName::ALL {
            let name = t.as_str().to_string();
            // Read in key order, hashed in parallel (the values are shared, not copied), then
            // compared in key order as before, so the first problem named is the same.
            let kvs = self
                .tree(t)
                .iter()
                .collect::<Result<Vec<_>, _>>()
                .map_err(sled_err)?;
            let hashes: Vec<[u8; 32]> = {
                use rayon::prelude::*;
                kvs.par_iter().map(|(_, v)| sha256(v)).collect()
            };
            for ((k, _), hash) in kvs.iter().zip(hashes) {
                records += 1;
                match expected.remove(&(name.clone(), k.to_vec())) {
                    Some((Some(h), seq)) => {
                        if h != hash {
                            let p = VerifyProblem::RecordChanged {
                                tree: name,
                                key: key_to_string(t.as_str(), k),
                                seq,
                            };
                            return Ok(report(Some(p), n, records, prev));
                        }
                    }
                    _ => {
                        let p = VerifyProblem::RecordUnaudited {
                            tree: name,
                            key: key_to_string(t.as_str(), k),
                        };
                        return Ok(report(Some(p), n, records, prev));
                    }
                }
            }
        }
        let mut missing: Vec<_> = expected
            .into_iter()
            .filter_map(|((t, k), (h, seq))| h.map(|_| (seq, t, k)))
            .collect();
        missing.sort();
        if let Some((seq, tree, k)) = missing.into_iter().next() {
            let key = key_to_string(&tree, &k);
            let p = VerifyProblem::RecordMissing { tree, key, seq };
            return Ok(report(Some(p), n, records, prev));
        }
        Ok(report(None, n, records, prev))
    }

    /// For tests of tamper detection: write raw bytes behind the application's back.
    #[doc(hidden)]
    pub fn tamper_raw(&self, tree: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        let t = if tree == AUDIT_TREE {
            &self.audit
        } else {
            TreeName::parse(tree)
                .map(|t| self.tree(t))
                .ok_or_else(|| StoreError::Sled(tree.into()))?
        };
        t.insert(key, value).map_err(sled_err)?;
        self.db.flush().map_err(sled_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
