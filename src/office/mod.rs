//! The office facade: the only API the front ends call.
//!
//! It owns the [`Store`] and an in-memory copy of the registries (see README, "What the office
//! keeps in memory"): targets are loaded from their chunks at open, so filtering and drawing
//! never wait on sled. Every change is validated first, then written with its audit entry in one
//! transaction, then applied to memory: a failed commit leaves memory as it was.
//!
//! Methods take plain values and return plain values, so the facade can later be put behind a
//! socket (see [`Request`] and [`Response`]).
//!
//! # Locks
//!
//! Readers never hold a lock: [`Office::state`] and [`Office::book`] return an immutable
//! snapshot (an `Arc`) taken under a read lock held only for the clone of the `Arc`. A reader may
//! therefore call any other reader (`render_list` → `draw_json` → `state()`/`book()`) while a
//! writer waits, which used to deadlock the server (issue 14: std's `RwLock` queues a second
//! read behind a waiting writer). A writer changes memory through [`Written`], a write guard that
//! copies the value only when a reader still holds an older snapshot (copy on write), so a
//! snapshot a reader holds never changes under it.
//!
//! The lock order, for writers only (a thread takes them in this order and never the reverse):
//!
//! 1. `write_gate` (serialises the writes of [`Office::handle`]),
//! 2. `state` (the registries: [`Office::state_mut`]),
//! 3. `book` (plans, draws, tasks: `Office::book_mut`),
//! 4. `roles` (read or replaced alone, never held across another lock),
//! 5. `revisions` (the records' revisions: written alone right after a commit, read alone).
//!
//! A writer holding `book` may read `state` (a snapshot: the read lock is released at once),
//! never the other way round; no writer reads the value it holds for writing through
//! `state()`/`book()` (that would wait for itself).

pub mod announce;
pub mod attempts;
mod book;
pub mod code_index;
pub mod coverage;
pub mod delta;
mod demo;
mod draws;
mod edit;
mod error;
pub mod export;
mod figures;
mod inspections;
mod integrity;
pub mod lazy;
pub use integrity::IntegrityRow;
mod items;
mod legacy;
pub mod listing;
mod merged;
pub mod messages;
pub mod ops;
pub mod oversight;
mod violations;
pub use violations::{OverdueRectification, ViolationUpdate};
mod pending;
pub mod protocol;
mod registry;
mod revisions;
pub mod roles;
pub mod rules;
pub mod search;
pub mod stream;
mod task_chunks;
mod tasks;
pub use tasks::CorrectStep;

pub use book::{
    task_json_of, Book, DrawJson, DrawPreview, DrawRecord, DrawRequest, StratumPreview, TaskJson,
    Voided,
};
pub(crate) use draws::check_draw;
pub use error::OfficeError;
pub use figures::{
    belongs_to, publication_state, DueItem, InspectorProgress, InterDeptFigures,
    PublicationFigures, PublicationState, RatioFigures, RowFigures, StatusFigures,
    ViolationFigures,
};
pub use items::{plan_item_codes, RecordItems};
pub use protocol::{Caller, Reply, Request, Response};
pub use registry::{
    field_label, ImportKind, ImportOptions, ImportOutcome, ImportPreview, ListKind, RecordChange,
};
pub use revisions::Revisions;
pub use roles::{Role, Roles};

use crate::domain::*;
use crate::store::{codec, key_u64, Change, Store, TreeName, Write, TARGET_CHUNK};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock, RwLockWriteGuard};

thread_local! {
    /// The user and language of the request this thread is serving (see [`Office::acting`]).
    static ACTING: RefCell<Option<(String, crate::i18n::Lang)>> = const { RefCell::new(None) };
}

/// While alive, the office acts for another user and language on this thread: the audit log,
/// status histories and draw records name that user, and messages use that language. Dropping
/// it restores the office's own user. One server thread serves one request at a time, so
/// requests never see each other's user, and the office is never cloned per request.
pub struct Acting {
    previous: Option<(String, crate::i18n::Lang)>,
}

impl Drop for Acting {
    fn drop(&mut self) {
        let prev = self.previous.take();
        ACTING.with(|a| *a.borrow_mut() = prev);
    }
}

/// A value shared with readers as immutable snapshots (see the module's "Locks").
pub(crate) struct Shared<T>(RwLock<Arc<T>>);

impl<T: Clone> Shared<T> {
    pub(crate) fn new(v: T) -> Shared<T> {
        Shared(RwLock::new(Arc::new(v)))
    }

    /// The current value; the read lock is released before this returns.
    pub(crate) fn get(&self) -> Arc<T> {
        Arc::clone(&self.0.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Exclusive access for a writer; readers keep the snapshots they hold.
    pub(crate) fn write(&self) -> Written<'_, T> {
        Written(self.0.write().unwrap_or_else(|p| p.into_inner()))
    }
}

/// A writer's hold on a [`Shared`] value: reads see the current value; the first change copies
/// it if a reader still holds that snapshot.
pub struct Written<'a, T>(RwLockWriteGuard<'a, Arc<T>>);

impl<T> std::ops::Deref for Written<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> std::ops::DerefMut for Written<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

/// Everything the office keeps in memory.
#[derive(Debug, Default, Clone)]
pub struct State {
    /// Index `i` holds the target with id `i + 1` (ids are never reused; targets are closed,
    /// never deleted).
    pub targets: Vec<Target>,
    /// The targets by credit code (use [`State::target_id_by_code`]); built on first use.
    pub target_by_code: lazy::Lazy<code_index::CodeIndex>,
    /// Index `i` holds the inspector with id `i + 1`.
    pub inspectors: Vec<Inspector>,
    pub inspector_by_cert: HashMap<String, InspectorId>,
    /// Index `i` holds the department with id `i + 1`.
    pub departments: Vec<Department>,
    pub conflicts: Vec<RecusalPair>,
    /// The inspection item list (抽查事项清单); index `i` holds the item with id `i + 1`.
    pub items: Vec<InspectionItem>,
    /// Inspections outside the draw (issue 19); index `i` holds id `i + 1`.
    pub inspections: Vec<crate::domain::inspection::Inspection>,
    /// Plans' exclusion windows in days (a plan not here: off).
    pub plan_windows: std::collections::BTreeMap<PlanId, u32>,
    /// Violations whose state was recorded, by task (issue 19; others read their task).
    pub violations: std::collections::BTreeMap<
        crate::domain::task::TaskId,
        crate::domain::violation::Violation,
    >,
    /// Re-inspection visits; index `i` holds id `i + 1`.
    pub reinspections: Vec<crate::domain::violation::Reinspection>,
    /// The targets' searchable text (use [`State::target_search`]); built on first use, kept up
    /// to date by edits, dropped when the targets change wholesale.
    pub target_search: lazy::Lazy<search::TargetSearch>,
}

impl State {
    pub fn target(&self, id: TargetId) -> Option<&Target> {
        id.checked_sub(1).and_then(|i| self.targets.get(i as usize))
    }
    /// The id of the target with this credit code.
    pub fn target_id_by_code(&self, code: &str) -> Option<TargetId> {
        self.code_index().get(&self.targets, code)
    }
    /// The targets by credit code, built now if it was not.
    pub fn code_index(&self) -> &code_index::CodeIndex {
        let build = || apart(|| code_index::CodeIndex::build(&self.targets));
        (self.target_by_code).get_or(build)
    }
    /// The targets' search text, built now if it was not.
    pub fn target_search(&self) -> &search::TargetSearch {
        let build = || apart(|| search::TargetSearch::build(&self.targets));
        (self.target_search).get_or(build)
    }
    /// Both target indexes built (the code index and the search text side by side).
    pub fn build_indexes(&self) {
        std::thread::scope(|s| {
            let codes = std::thread::Builder::new().spawn_scoped(s, || {
                self.code_index();
            });
            self.target_search();
            if codes.is_err() {
                self.code_index();
            }
        });
    }
    /// Store target `t` in its place (id `len + 1`: appended), keeping the indexes that are
    /// built in step with it.
    pub(crate) fn put_target(&mut self, t: Target) {
        let i = (t.id as usize).saturating_sub(1);
        if let Some(index) = self.target_by_code.get_mut() {
            if let Some(old) = self.targets.get(i) {
                let old_code = old.credit_code.clone();
                index.remove(&self.targets, old_code.as_str(), t.id);
            }
            index.insert(&self.targets, t.credit_code.as_str(), t.id);
        }
        if let Some(search) = self.target_search.get_mut() {
            search.set(i, &t);
        }
        match self.targets.get_mut(i) {
            Some(slot) => *slot = t,
            None => self.targets.push(t),
        }
    }
    /// Drop both target indexes after a wholesale change of the targets.
    pub fn targets_replaced(&mut self) {
        self.target_by_code.reset();
        self.target_search.reset();
    }
    pub fn inspector(&self, id: InspectorId) -> Option<&Inspector> {
        id.checked_sub(1)
            .and_then(|i| self.inspectors.get(i as usize))
    }
    pub fn department_by_code(&self, code: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.code == code)
    }
    /// Find a target by id, credit code or exact name.
    pub fn find_target(&self, key: &str) -> Option<&Target> {
        let k = key.trim();
        if let Ok(id) = k.parse::<u64>() {
            if let Some(t) = self.target(id) {
                return Some(t);
            }
        }
        if let Some(id) = self.target_id_by_code(&k.to_uppercase()) {
            return self.target(id);
        }
        self.targets.iter().find(|t| t.name() == k)
    }
}

pub struct Office {
    store: Store,
    /// In an `Arc` for the thread that builds the target indexes after a large open.
    state: Arc<Shared<State>>,
    book: Shared<book::Book>,
    /// The records' revisions (lock order 5: taken alone, after a commit).
    revisions: Shared<Revisions>,
    user: String,
    lang: crate::i18n::Lang,
    /// Who may do what; `None`: no roles file, everyone is director.
    roles: RwLock<Option<Roles>>,
    /// Serialises the writes of [`Office::handle`] (validate, commit, apply to memory), so
    /// two clients of a server never validate against the same state.
    write_gate: Mutex<()>,
    /// Table 1 and the calendar in force, every stored version, and the rules each draw used
    /// (office::rules). Read as snapshots like `state`; written last in the lock order.
    rule_book: Shared<rules::RuleBook>,
    /// The server's signing key (see store::sign): signs the audit head after each write and
    /// every backup. Absent for a user who cannot read the key.
    signer: std::sync::OnceLock<crate::store::sign::Signer>,
    /// The public key this machine trusts (`KEY.pub`); `verify` and `restore` require it.
    trusted_key: std::sync::OnceLock<String>,
    /// The day the registries' statuses were last brought up to (status changes dated ahead
    /// take effect on their day: `office::pending`).
    status_day: Mutex<chrono::NaiveDate>,
    /// The report layer's writer of exports (office::export).
    export_writer: std::sync::OnceLock<export::ExportWriter>,
}

impl Office {
    /// Open the store at `path` and load the registries into memory.
    pub fn open(path: &Path, lang: crate::i18n::Lang) -> Result<Office, OfficeError> {
        let started = std::time::Instant::now();
        let store = Store::open(path)?;
        let opened = started.elapsed();
        let state = load_state(&store)?;
        let loaded = started.elapsed();
        // sled keeps every target chunk it has read: it stores a chunk of 1,024 targets as a
        // blob and counts it in its cache by the few bytes of the blob's pointer, so it never
        // evicts one (220 MB at 1M targets, whatever its cache capacity). Closing and reopening
        // the database lets them go; it is worth its time only for a large registry.
        let store = if state.targets.len() >= REOPEN_AT_TARGETS {
            drop(store);
            Store::open(path)?
        } else {
            store
        };
        let reopened = started.elapsed();
        let book = draws::load_book(&store)?;
        let rule_book = rules::RuleBook::load(&store)?;
        let revisions = Revisions::load(&store)?;
        let fresh = store.is_empty();
        let rest = started.elapsed();
        release_free_memory();
        tracing::info!(
            targets = state.targets.len(),
            sled_ms = opened.as_millis() as u64,
            loaded_ms = loaded.as_millis() as u64,
            reopened_ms = reopened.as_millis() as u64,
            book_ms = rest.as_millis() as u64,
            total_ms = started.elapsed().as_millis() as u64,
            "registries loaded"
        );
        let office = Office {
            store,
            state: Arc::new(Shared::new(state)),
            book: Shared::new(book),
            revisions: Shared::new(revisions),
            user: crate::store::audit::os_user(),
            lang,
            roles: RwLock::new(None),
            write_gate: Mutex::new(()),
            rule_book: Shared::new(rule_book),
            signer: std::sync::OnceLock::new(),
            trusted_key: std::sync::OnceLock::new(),
            status_day: Mutex::new(chrono::Local::now().date_naive()),
            export_writer: std::sync::OnceLock::new(),
        };
        // A store made before the rules were stored gets them now (audited); a new one at
        // `init` (or with its first draw). A store that refuses writes keeps working on the
        // compiled-in files.
        if !fresh {
            if let Err(e) = office.ensure_rules_stored() {
                tracing::warn!("storing the rules and the calendar failed: {e}");
            }
        }
        Ok(office)
    }

    /// Sign with this key from now on (and trust it); a second key is ignored.
    pub fn set_signer(&self, signer: crate::store::sign::Signer) {
        let _ = self.trusted_key.set(signer.public_hex());
        let _ = self.signer.set(signer);
    }

    /// Require backups and the audit head to be signed by this public key (hex).
    pub fn set_trusted_key(&self, public: String) {
        let _ = self.trusted_key.set(public);
    }

    pub fn trusted_key(&self) -> Option<&str> {
        self.trusted_key.get().map(String::as_str)
    }

    /// Sign the current audit head, when this office holds the key (after each write).
    pub fn sign_head(&self) {
        let Some(signer) = self.signer.get() else {
            return;
        };
        let head = self
            .audit_tail(1)
            .ok()
            .and_then(|t| t.last().map(|e| e.hash_hex()))
            .unwrap_or_default();
        if let Err(e) = signer.sign_head(self.store.path(), self.audit_len() as u64, &head) {
            tracing::warn!("signing the audit head failed: {e}");
        }
    }

    /// What the head signature says about the chain as it is now.
    pub fn head_check(&self) -> crate::store::sign::HeadCheck {
        head_check(&self.store, self.trusted_key())
    }

    /// Act as another user (the audit log records this name).
    pub fn with_user(mut self, user: impl Into<String>) -> Office {
        self.user = user.into();
        self
    }

    /// The user changes are recorded under: the caller being served on this thread (see
    /// [`Office::acting`]), else the office's own user.
    pub fn user(&self) -> String {
        ACTING
            .with(|a| a.borrow().as_ref().map(|(u, _)| u.clone()))
            .unwrap_or_else(|| self.user.clone())
    }

    /// The language of messages: the caller's on this thread, else the office's own.
    pub fn lang(&self) -> crate::i18n::Lang {
        ACTING
            .with(|a| a.borrow().as_ref().map(|(_, l)| *l))
            .unwrap_or(self.lang)
    }

    /// Act for `user` in `lang` on this thread until the returned guard is dropped.
    pub fn acting(&self, user: &str, lang: crate::i18n::Lang) -> Acting {
        let previous = ACTING.with(|a| a.borrow_mut().replace((user.to_string(), lang)));
        Acting { previous }
    }

    /// Install the roles (`None`: no roles file, everyone is director).
    pub fn set_roles(&self, roles: Option<Roles>) {
        *self.roles.write().unwrap_or_else(|p| p.into_inner()) = roles;
    }

    pub fn roles(&self) -> Option<Roles> {
        self.roles.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub(crate) fn write_gate(&self) -> std::sync::MutexGuard<'_, ()> {
        self.write_gate.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Open a fresh throwaway store in a temporary directory, loaded with the demo data.
    /// The directory is removed when the returned guard is dropped.
    pub fn open_demo(lang: crate::i18n::Lang) -> Result<(Office, DemoDir), OfficeError> {
        // The counter: two threads may read the same clock value (tests open demos in
        // parallel).
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "shuangsui-demo-{}-{}-{}",
            std::process::id(),
            chrono::Local::now()
                .timestamp_nanos_opt()
                .unwrap_or_default(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let office = Office::open(&dir, lang)?;
        office.load_demo()?;
        Ok((office, DemoDir(dir)))
    }

    pub fn store_path(&self) -> PathBuf {
        self.store.path().to_path_buf()
    }

    /// A snapshot of the in-memory registries (holds no lock: see the module's "Locks").
    pub fn state(&self) -> Arc<State> {
        self.state.get()
    }

    fn state_mut(&self) -> Written<'_, State> {
        self.state.write()
    }

    pub(crate) fn commit(
        &self,
        action: &str,
        summary: String,
        writes: Vec<Write>,
    ) -> Result<crate::store::audit::AuditEntry, OfficeError> {
        self.commit_stamped(action, summary, writes, vec![])
    }

    /// Walk the audit chain and compare every record with it.
    pub fn verify(&self) -> Result<crate::store::VerifyReport, OfficeError> {
        Ok(self.store.verify()?)
    }

    /// [`Office::verify`] on the store at `path` without loading the registries, so a record
    /// damaged beyond decoding is still named with the audit entry that wrote it.
    pub fn verify_at(path: &Path) -> Result<crate::store::VerifyReport, OfficeError> {
        Ok(Store::open(path)?.verify()?)
    }

    /// [`Office::restore`] into the store at `path` without loading the registries first, so
    /// a store too damaged to open as an office can still be restored over (with `force`).
    /// Returns the number of keys restored and the verification of the result.
    pub fn restore_at(
        path: &Path,
        file: &Path,
        force: bool,
        trusted: Option<&str>,
        signer: Option<&crate::store::sign::Signer>,
    ) -> Result<(u64, crate::store::VerifyReport), OfficeError> {
        // The signature first: a backup whose signature does not hold changes nothing.
        let signed_by = check_backup_signature(file, trusted)?;
        // What the store held before, to name the entries the restore drops.
        // (Opened only when there is one: a refused restore must not create a store.)
        let old = match path.exists().then(|| Store::open(path)) {
            Some(Ok(current)) => audit_seqs(&current)?,
            _ => Vec::new(),
        };
        // Verified whole in a new directory, then swapped in (the current store is untouched
        // when anything is wrong with the backup).
        let (n, _) = Store::restore_swap(path, file, force)?;
        let store = Store::open(path)?;
        record_restore(
            &store,
            file,
            signed_by.as_deref(),
            &old,
            &crate::store::audit::os_user(),
        )?;
        if let Some(s) = signer {
            let head = store
                .audit_tail(1)?
                .last()
                .map(|e| e.hash_hex())
                .unwrap_or_default();
            if let Err(e) = s.sign_head(store.path(), store.audit_len() as u64, &head) {
                tracing::warn!("signing the audit head failed: {e}");
            }
        }
        Ok((n, store.verify()?))
    }

    pub fn audit_tail(
        &self,
        n: usize,
    ) -> Result<Vec<crate::store::audit::AuditEntry>, OfficeError> {
        Ok(self.store.audit_tail(n)?)
    }

    pub fn audit_len(&self) -> usize {
        self.store.audit_len()
    }

    /// Write a backup; with the key, its signature beside it (`FILE.sig`).
    pub fn backup(&self, file: &Path) -> Result<u64, OfficeError> {
        let n = self.store.backup(file)?;
        if let Some(signer) = self.signer.get() {
            let bytes = std::fs::read(file)
                .map_err(|e| OfficeError::Refused(format!("{}: {e}", file.display())))?;
            let sig = crate::store::sign::sig_path(file);
            std::fs::write(&sig, signer.sign_backup(&bytes))
                .map_err(|e| OfficeError::Refused(format!("{}: {e}", sig.display())))?;
        }
        Ok(n)
    }

    /// Restore a backup into this store (refused when not empty unless `force`, or when its
    /// signature does not hold), audited, then reload.
    pub fn restore(&self, file: &Path, force: bool) -> Result<u64, OfficeError> {
        let n = restore_audited(&self.store, file, force, self.trusted_key(), &self.user())?;
        self.sign_head();
        let fresh = load_state(&self.store)?;
        let book = draws::load_book(&self.store)?;
        let rule_book = rules::RuleBook::load(&self.store)?;
        let revisions = Revisions::load(&self.store)?;
        *self.state_mut() = fresh;
        *self.book_mut() = book;
        *self.rule_book.write() = rule_book;
        *self.revisions.write() = revisions;
        Ok(n)
    }
}

/// From this many targets on, [`Office::open`] reopens the database after loading them.
const REOPEN_AT_TARGETS: usize = 200_000;

/// Give the memory freed while loading (the encoded chunks, the decoding threads' scratch) back
/// to the system: glibc keeps freed memory in its arenas, which the RSS of a long-running TUI or
/// server would otherwise carry (issue 17).
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of the allocator's arenas to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The chunk writes for a change of targets: `changed` replaces records of `current` (same
/// ids), `added` follows it (ids `current.len() + 1 ..`). Each touched chunk is encoded once from
/// references, so nothing is copied: a re-import of a million targets does not clone them, and
/// memory is only changed by the caller after the commit succeeded.
pub(crate) fn target_chunk_writes(
    current: &[Target],
    changed: &[Target],
    added: &[Target],
) -> Result<Vec<Write>, OfficeError> {
    let by_id: HashMap<TargetId, &Target> = changed.iter().map(|t| (t.id, t)).collect();
    let mut chunks: Vec<u64> = changed
        .iter()
        .chain(added)
        .map(|t| (t.id - 1) / TARGET_CHUNK)
        .collect();
    chunks.sort_unstable();
    chunks.dedup();
    let total = (current.len() + added.len()) as u64;
    use rayon::prelude::*;
    // The chunks encode in parallel (a million-target import has ~1,000 of them).
    chunks
        .into_par_iter()
        .map(|c| {
            let records: Vec<&Target> = (c * TARGET_CHUNK..((c + 1) * TARGET_CHUNK).min(total))
                .filter_map(|i| match by_id.get(&(i + 1)) {
                    Some(t) => Some(*t),
                    None => current
                        .get(i as usize)
                        .or_else(|| added.get(i as usize - current.len())),
                })
                .collect();
            // `&Target` serializes exactly like `Target`: the stored chunk is a `Vec<Target>`.
            let bytes = codec::encode(&records).map_err(crate::store::StoreError::Encode)?;
            Ok(Write::put(TreeName::Targets, key_u64(c), bytes))
        })
        .collect()
}

/// Match imported records against the stored ones (`same_key`): an equal one is counted
/// unchanged, a different one takes the stored id and is counted updated, an unmatched one
/// gets the next id and is counted added. Returns what must be written (updated and added).
pub(crate) fn stage_by_key<T: PartialEq>(
    existing: &[T],
    incoming: impl IntoIterator<Item = T>,
    same_key: impl Fn(&T, &T) -> bool,
    id_of: impl Fn(&T) -> u64,
    set_id: impl Fn(&mut T, u64),
    out: &mut ImportOutcome,
) -> Vec<T> {
    let mut staged = Vec::new();
    let mut next = existing.len() as u64;
    for mut r in incoming {
        match existing.iter().find(|e| same_key(e, &r)) {
            Some(e) => {
                set_id(&mut r, id_of(e));
                if *e == r {
                    out.unchanged += 1;
                    continue;
                }
                out.updated += 1;
            }
            None => {
                next += 1;
                set_id(&mut r, next);
                out.added += 1;
            }
        }
        staged.push(r);
    }
    staged
}

/// Replace the record with this id (index `id - 1`) or append it as the next one.
pub(crate) fn put_by_id<T>(records: &mut Vec<T>, id: u64, record: T) {
    let i = (id - 1) as usize;
    if i < records.len() {
        records[i] = record;
    } else {
        records.push(record);
    }
}

pub(crate) fn encode_record<T: serde::Serialize>(
    tree: TreeName,
    key: impl Into<Vec<u8>>,
    v: &T,
) -> Result<Write, OfficeError> {
    let bytes = codec::encode(v).map_err(crate::store::StoreError::Encode)?;
    Ok(Write::put(tree, key, bytes))
}

pub(crate) fn conflict_key(p: &RecusalPair) -> Vec<u8> {
    let mut k = key_u64(p.inspector).to_vec();
    k.extend_from_slice(&key_u64(p.target));
    k
}

/// The targets of the store, their chunks decoded in parallel (issue 17: a 1M store opens in
/// about a second), into one vector sized from the last chunk's number. Chunks are read and
/// decoded a batch at a time, so neither all the encoded chunks nor a second copy of the
/// decoded targets are ever held at once.
fn load_targets(store: &Store) -> Result<Vec<Target>, OfficeError> {
    use rayon::prelude::*;
    const BATCH: usize = 64;
    let sled_err = |e: sled::Error| crate::store::StoreError::Sled(e.to_string());
    let tree = store.tree(TreeName::Targets);
    let chunks = match tree.last().map_err(sled_err)? {
        Some((k, _)) => {
            <[u8; 8]>::try_from(&k[..]).map_or(0, |b| u64::from_be_bytes(b) as usize + 1)
        }
        None => 0,
    };
    // Status changes dated ahead take effect on their day.
    let today = chrono::Local::now().date_naive();
    // (A damaged last key must not ask for more than any real store needs.)
    let mut targets = Vec::with_capacity(chunks.min(1 << 16) * TARGET_CHUNK as usize);
    let mut iter = tree.iter();
    let mut read = move || {
        iter.by_ref()
            .take(BATCH)
            .collect::<Result<Vec<_>, _>>()
            .map_err(sled_err)
    };
    let decode = |raw: Vec<(sled::IVec, sled::IVec)>| {
        raw.par_iter()
            .map(|(k, v)| {
                let mut chunk: Vec<Target> = Store::decode_value(TreeName::Targets, k, v)?;
                for t in &mut chunk {
                    t.status = registry::status_on(t.status, &t.status_history, today);
                }
                Ok(chunk)
            })
            .collect::<Result<Vec<_>, OfficeError>>()
    };
    // sled reads the next batch (one thread: its blobs are files) while this one decodes.
    let mut raw = read()?;
    while !raw.is_empty() {
        let (decoded, next) = rayon::join(|| decode(raw), &mut read);
        for chunk in decoded? {
            targets.extend(chunk);
        }
        raw = next?;
    }
    targets.shrink_to_fit();
    Ok(targets)
}

fn load_state(store: &Store) -> Result<State, OfficeError> {
    let started = std::time::Instant::now();
    let targets = load_targets(store)?;
    tracing::info!(
        decoded_ms = started.elapsed().as_millis() as u64,
        "targets decoded"
    );
    let today = chrono::Local::now().date_naive();
    let mut inspectors: Vec<Inspector> = store.scan(TreeName::Inspectors)?;
    for p in &mut inspectors {
        p.status = registry::status_on(p.status, &p.status_history, today);
    }
    let mut st = State::from_parts(
        targets,
        inspectors,
        store.scan(TreeName::Departments)?,
        store.scan(TreeName::Conflicts)?,
    )?;
    st.items = store.scan(TreeName::Items)?;
    inspections::load(store, &mut st)?;
    violations::load(store, &mut st)?;
    Ok(st)
}

impl State {
    /// The registries with their indexes built; ids must be 1, 2, 3… in order.
    pub fn from_parts(
        targets: Vec<Target>,
        inspectors: Vec<Inspector>,
        departments: Vec<Department>,
        conflicts: Vec<RecusalPair>,
    ) -> Result<State, OfficeError> {
        let mut st = State {
            targets,
            inspectors,
            departments,
            conflicts,
            ..State::default()
        };
        if let Some((i, t)) = (st.targets.iter().enumerate()).find(|(i, t)| t.id != *i as u64 + 1) {
            return Err(OfficeError::Corrupt(format!(
                "targets: record {} found where id {} was expected",
                t.id,
                i + 1
            )));
        }
        // The code index and the search text are built on first use (`State::code_index`,
        // `State::target_search`): most commands never read them.
        for (i, t) in st.inspectors.iter().enumerate() {
            if t.id != i as u64 + 1 {
                return Err(OfficeError::Corrupt(format!(
                    "inspectors: record {} found where id {} was expected",
                    t.id,
                    i + 1
                )));
            }
            st.inspector_by_cert.insert(t.certificate_no.clone(), t.id);
        }
        Ok(st)
    }
}

/// Run `build` (an index build, parallel with rayon) on a thread and a rayon pool of its own,
/// this thread blocked meanwhile without taking other work. An index is built inside a
/// `OnceLock` that tasks of the global pool may be waiting on (an import matches its rows in
/// parallel by credit code): built there, the build would need the threads that wait for it, or
/// a worker waiting on the build's own tasks could take a row's task that asks for the index it
/// is building.
fn apart<T: Send>(build: impl FnOnce() -> T + Send) -> T {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|s| {
        let built = s
            .spawn(move || {
                match rayon::ThreadPoolBuilder::new()
                    .num_threads(cores.min(8))
                    .thread_name(|i| format!("index-build-{i}"))
                    .build()
                {
                    Ok(pool) => pool.install(build),
                    // No pool of its own: the global one, as any caller would.
                    Err(_) => build(),
                }
            })
            .join();
        built.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The head signature of `store` checked against its chain.
fn head_check(store: &Store, trusted: Option<&str>) -> crate::store::sign::HeadCheck {
    let len = store.audit_len() as u64;
    crate::store::sign::check_head(
        store.path(),
        len,
        |n| {
            let back = len.checked_sub(n)? as usize + 1;
            let tail = store.audit_tail(back).ok()?;
            tail.last().filter(|e| e.seq == n).map(|e| e.hash_hex())
        },
        trusted,
    )
}

/// Restore `file` into `store` after checking its signature, then write the audit entry that
/// names the backup's head, length and signer and the entries of the store it dropped.
fn restore_audited(
    store: &Store,
    file: &Path,
    force: bool,
    trusted: Option<&str>,
    user: &str,
) -> Result<u64, OfficeError> {
    let signed_by = check_backup_signature(file, trusted)?;
    let old = audit_seqs(store)?;
    let n = store.restore(file, force)?;
    record_restore(store, file, signed_by.as_deref(), &old, user)?;
    Ok(n)
}

/// The signer of a backup, when it is signed; a signature that does not hold, or a missing one
/// where this machine has the server's key, refuses the restore before anything is changed.
fn check_backup_signature(
    file: &Path,
    trusted: Option<&str>,
) -> Result<Option<String>, OfficeError> {
    use crate::store::sign;
    let bytes = std::fs::read(file)
        .map_err(|e| crate::store::StoreError::Io(format!("{}: {e}", file.display())))?;
    match sign::check_backup(file, &bytes, trusted) {
        Err(why) => Err(OfficeError::Refused(format!(
            "备份签名不符，未做任何修改：{why} / the backup's signature does not hold, nothing was changed"
        ))),
        Ok(None) if trusted.is_some() => Err(OfficeError::Refused(format!(
            "备份 {} 没有签名文件 {}，而本机有服务器密钥：无法确认备份未被改动，未做任何修改 / the backup has no signature file and this machine has the server's key: it cannot be trusted, nothing was changed",
            file.display(),
            sign::sig_path(file).display()
        ))),
        Ok(s) => Ok(s),
    }
}

/// Every audit entry of a store: sequence number, hash, action.
fn audit_seqs(store: &Store) -> Result<Vec<(u64, String, String)>, OfficeError> {
    Ok(store
        .audit_tail(usize::MAX)?
        .into_iter()
        .map(|e| (e.seq, e.hash_hex(), e.action))
        .collect())
}

/// The audited entry of a restore: the backup's head, length and signer, and the entries of
/// the store before it (`old`) that the restore dropped.
fn record_restore(
    store: &Store,
    file: &Path,
    signer: Option<&str>,
    old: &[(u64, String, String)],
    user: &str,
) -> Result<(), OfficeError> {
    let new: HashMap<u64, String> = store
        .audit_tail(usize::MAX)?
        .into_iter()
        .map(|e| (e.seq, e.hash_hex()))
        .collect();
    let len = new.len() as u64;
    let head = new.get(&len).cloned().unwrap_or_default();
    let mut dropped: Vec<&(u64, String, String)> = old
        .iter()
        .filter(|(seq, hash, _)| new.get(seq) != Some(hash))
        .collect();
    dropped.sort_by_key(|(seq, _, _)| *seq);
    let listed: Vec<String> = dropped
        .iter()
        .take(20)
        .map(|(seq, _, action)| format!("#{seq} {action}"))
        .collect();
    let more = dropped.len().saturating_sub(listed.len());
    let summary = format!(
        "恢复备份 {}：{len} 条，链头 {}，签名者 {}；丢弃原有条目 {} 条{}{}",
        file.display(),
        &head[..head.len().min(16)],
        signer.unwrap_or("无（未签名）"),
        dropped.len(),
        if listed.is_empty() {
            String::new()
        } else {
            format!("：{}", listed.join("、"))
        },
        if more > 0 {
            format!(" 等（另 {more} 条）")
        } else {
            String::new()
        }
    );
    store.commit(Change {
        user: user.to_string(),
        action: "restore".into(),
        summary,
        writes: vec![],
        guards: vec![],
        stamps: vec![],
    })?;
    Ok(())
}

pub use crate::store::anchor::read_limited;

/// Whether `path` holds a store (a sled directory), as opposed to nothing or an empty directory.
pub fn store_exists(path: &Path) -> bool {
    path.join("conf").is_file() || path.join("db").is_file()
}

/// The message for a `--db` that holds no store.
pub fn no_store_here(path: &Path, lang: crate::i18n::Lang) -> String {
    match lang {
        crate::i18n::Lang::Zh => format!(
            "{} 没有数据库：请先运行 shuangsui --db {} init（或 init --demo），或检查 --db / SHUANGSUI_DB 是否写错",
            path.display(),
            path.display()
        ),
        crate::i18n::Lang::En => format!(
            "no store here: {} (run shuangsui --db {} init, or init --demo; or check --db / SHUANGSUI_DB for a typo)",
            path.display(),
            path.display()
        ),
    }
}

/// Removes a demo store's directory when dropped.
pub struct DemoDir(pub PathBuf);

impl Drop for DemoDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
