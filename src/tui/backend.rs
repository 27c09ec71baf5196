//! Where the TUI's data lives and where its operations go: the store opened in this process
//! ([`Backend::Local`]) or `shuangsui serve` ([`Backend::Remote`]).
//!
//! Either way every operation is a [`Request`] sent through a [`Conn`], so it passes
//! `office::ops::execute` (the role check, the write gate, the audit user) exactly as a
//! command line does, and its [`Reply`] becomes the screens' [`OpResult`] in one place
//! ([`run_op`]). Remotely the TUI renders from a replica of the registries and the book,
//! fetched once as a streamed snapshot ([`Request::SnapshotStream`]) and then kept up to date
//! by the records each change event carries (office::delta): its own writes are caught up with
//! [`Request::Changes`]; a gap, a reload or a record that does not fit fetches the snapshot
//! again. Locally it reads the office's snapshots.

use super::state::{Ctx, DrawResult, FiguresData, Op, OpResult, StepOp};
use crate::conn::Conn;
use crate::domain::rules::Rules;
use crate::domain::task::{FollowUpPatch, Step};
use crate::i18n::Lang;
use crate::office::protocol::{Bytes, Caller, Event, Reply, Request};
use crate::office::{Book, Office, OfficeError, State};
use crate::server::Client;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::Duration;

/// How the TUI reaches the office.
#[derive(Clone)]
pub enum Backend {
    /// The store opened by this process, reached through `conn` (a [`Conn::Local`] of the OS
    /// user, judged by the roles file); `office` is read for the screens.
    Local {
        office: Arc<Office>,
        conn: Arc<Conn>,
    },
    Remote(Arc<RemoteOffice>),
}

/// The registries and the book as last fetched from the server.
pub struct Replica {
    pub state: State,
    pub book: Book,
    pub audit_len: u64,
    pub revisions: crate::office::Revisions,
}

/// A connection to `shuangsui serve` with a local replica of what the screens show.
pub struct RemoteOffice {
    conn: Conn,
    socket: PathBuf,
    lang: Lang,
    replica: RwLock<Replica>,
    /// false from the moment the watcher sees the server go until it is connected again.
    connected: std::sync::atomic::AtomicBool,
    rules: Rules,
    user: String,
    store: String,
    /// Snapshots fetched so far (the first, then after a gap, a reload or a reconnection).
    snapshots: std::sync::atomic::AtomicU64,
}

fn unexpected(lang: Lang) -> String {
    lang.pick(
        "服务器的回答与请求不符（版本不一致？）",
        "the server's answer does not fit the request (version mismatch?)",
    )
    .to_string()
}

impl RemoteOffice {
    /// Take over a connected client and fetch the first snapshot. `socket` is where a second
    /// connection for change notifications is opened ([`RemoteOffice::watch`]).
    pub fn new(client: Client, socket: &Path, lang: Lang) -> Result<RemoteOffice, String> {
        RemoteOffice::new_with_progress(client, socket, lang, &|_, _| {})
    }

    /// [`RemoteOffice::new`], calling `progress(frames read, frames in all)` while the
    /// snapshot arrives.
    pub fn new_with_progress(
        client: Client,
        socket: &Path,
        lang: Lang,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<RemoteOffice, String> {
        let user = client.hello.user.clone();
        let store = client.hello.store.clone();
        let mut remote = RemoteOffice {
            conn: Conn::remote(client),
            socket: socket.to_path_buf(),
            lang,
            replica: RwLock::new(Replica {
                state: State::default(),
                book: Book::default(),
                audit_len: 0,
                revisions: Default::default(),
            }),
            connected: std::sync::atomic::AtomicBool::new(true),
            rules: Rules::default_rules(),
            user,
            store,
            snapshots: Default::default(),
        };
        remote.load(progress)?;
        // The server's rules in force (a server without `rules` keeps the compiled-in ones).
        let export = crate::office::rules::RulesRequest::Export {
            kind: crate::office::rules::RulesKind::Rules,
            version: None,
        };
        if let Ok(Reply::Rules(r)) = remote.conn.call(Request::Rules(export)) {
            match Rules::from_toml_str(r.text.as_deref().unwrap_or_default(), "rules.toml") {
                Ok(rules) => remote.rules = rules,
                Err(e) => tracing::warn!("the server's rules do not read: {e}"),
            }
        }
        Ok(remote)
    }

    /// The user the server takes this client for.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The server's store path.
    pub fn store(&self) -> &str {
        &self.store
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    pub fn replica(&self) -> RwLockReadGuard<'_, Replica> {
        self.replica.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Send a request through the connection.
    pub fn call(&self, req: &Request) -> Result<Reply, OfficeError> {
        self.conn.call(req.clone())
    }

    /// Fetch a fresh snapshot and swap it in.
    pub fn refresh(&self) -> Result<(), String> {
        self.load(&|_, _| {})
    }

    fn load(&self, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<(), String> {
        let lang = self.lang;
        let mut snap = self.conn.snapshot(progress).map_err(|e| e.localize(lang))?;
        let revisions = std::mem::take(&mut snap.revisions);
        let (state, book, audit_len) = snap.into_parts().map_err(|e| e.localize(lang))?;
        *self.replica.write().unwrap_or_else(|p| p.into_inner()) = Replica {
            state,
            book,
            audit_len,
            revisions,
        };
        self.snapshots
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// How many snapshots this client fetched (tests: a change followed by its records
    /// fetches none).
    pub fn snapshots(&self) -> u64 {
        self.snapshots.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Apply a change event: its records when they follow on from the replica, else (a
    /// gap, a reload, a record that does not fit) catch up or fetch a snapshot. Whether the
    /// replica changed.
    pub fn apply_event(&self, ev: &Event) -> Result<bool, String> {
        if ev.reload {
            self.refresh()?;
            return Ok(true);
        }
        {
            let mut rep = self.replica.write().unwrap_or_else(|p| p.into_inner());
            if rep.audit_len >= ev.audit_len {
                // Ours, caught up already.
                return Ok(false);
            }
            if let Some(d) = ev.delta.as_ref().filter(|d| d.from == rep.audit_len) {
                let rep = &mut *rep;
                let applied = crate::office::delta::apply(
                    &mut rep.state,
                    &mut rep.book,
                    &mut rep.revisions,
                    d,
                );
                if applied.is_ok() {
                    rep.audit_len = ev.audit_len;
                    return Ok(true);
                }
                tracing::warn!("a change event does not fit the replica: {applied:?}");
                rep.audit_len = 0;
            }
        }
        // A gap (or a part-applied event): what the server still holds, else everything.
        self.catch_up()?;
        Ok(true)
    }

    /// Bring the replica up to the server's audit log: the events after its length, applied
    /// in order, or a fresh snapshot when the server no longer holds them all.
    pub fn catch_up(&self) -> Result<(), String> {
        let since = self.replica().audit_len;
        let (events, complete) = match self.conn.call(Request::Changes { since }) {
            Ok(Reply::Changes { events, complete }) => (events, complete),
            Ok(_) => return Err(unexpected(self.lang)),
            Err(e) => return Err(e.localize(self.lang)),
        };
        if !complete || since == 0 {
            return self.refresh();
        }
        for ev in &events {
            let ok = {
                let mut guard = self.replica.write().unwrap_or_else(|p| p.into_inner());
                let rep = &mut *guard;
                if rep.audit_len >= ev.audit_len {
                    continue;
                }
                let fits = ev.delta.as_ref().filter(|d| d.from == rep.audit_len);
                let ok = fits.is_some_and(|d| {
                    let (st, book, revs) = (&mut rep.state, &mut rep.book, &mut rep.revisions);
                    crate::office::delta::apply(st, book, revs, d).is_ok()
                });
                if ok {
                    rep.audit_len = ev.audit_len;
                }
                ok
            };
            if !ok {
                return self.refresh();
            }
        }
        Ok(())
    }

    /// Whether the connection to the server is up (false while the watcher reconnects).
    pub fn is_connected(&self) -> bool {
        self.connected.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Set the connection state; whether it changed.
    fn set_connected(&self, up: bool) -> bool {
        self.connected.swap(up, std::sync::atomic::Ordering::SeqCst) != up
    }

    /// On a thread, subscribe on a second connection; after each change announced (a write of
    /// anyone, this client included) apply it to the replica ([`RemoteOffice::apply_event`])
    /// and call `changed`. When the server
    /// goes away the connection is marked lost at once (`changed` is called, the header says
    /// so), then made again with a growing pause (0.1 s doubling to 2 s): a new connection
    /// for the requests, the replica fetched again, and the subscription renewed. Ends when
    /// `changed` returns false (the TUI has quit).
    pub fn watch(self: &Arc<Self>, mut changed: impl FnMut() -> bool + Send + 'static) {
        const FIRST: Duration = Duration::from_millis(100);
        const MOST: Duration = Duration::from_secs(2);
        let me = Arc::clone(self);
        std::thread::spawn(move || {
            let mut pause = FIRST;
            let wait = |pause: &mut Duration| {
                std::thread::sleep(*pause);
                *pause = (*pause * 2).min(MOST);
            };
            loop {
                let Ok(client) = Client::connect(&me.socket, me.lang) else {
                    if me.set_connected(false) && !changed() {
                        return;
                    }
                    wait(&mut pause);
                    continue;
                };
                if !me.is_connected() {
                    // Back: a new connection for the requests, then everything fetched again.
                    let Ok(calls) = Client::connect(&me.socket, me.lang) else {
                        wait(&mut pause);
                        continue;
                    };
                    me.conn.replace_client(calls);
                    if me.refresh().is_err() {
                        wait(&mut pause);
                        continue;
                    }
                    me.set_connected(true);
                    pause = FIRST;
                    if !changed() {
                        return;
                    }
                }
                let mut resync = false;
                let mut go_on = true;
                let _ = client.subscribe(|ev| {
                    if ev.resync {
                        resync = true;
                        return false;
                    }
                    go_on = match me.apply_event(&ev) {
                        Ok(true) => changed(),
                        Ok(false) | Err(_) => true,
                    };
                    go_on
                });
                if !go_on {
                    return;
                }
                if resync {
                    // Fell behind: reload everything and subscribe again.
                    if me.refresh().is_ok() && !changed() {
                        return;
                    }
                    continue;
                }
                // The subscription ended: the server is gone.
                if me.set_connected(false) && !changed() {
                    return;
                }
                wait(&mut pause);
            }
        });
    }
}

/// A progress bar on the terminal's stderr while a large store's snapshot arrives (before the
/// TUI takes the screen; nothing when stderr is not a terminal). Cleared at the end.
pub fn progress_bar(lang: Lang) -> impl Fn(u64, u64) + Sync {
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    move |done: u64, all: u64| {
        if !tty || all < 2 {
            return;
        }
        const WIDTH: u64 = 30;
        let filled = (done.min(all) * WIDTH / all) as usize;
        eprint!(
            "\r{} [{}{}] {done}/{all}",
            lang.pick(
                "正在从服务器载入名录库",
                "loading the registries from the server"
            ),
            "#".repeat(filled),
            " ".repeat(WIDTH as usize - filled)
        );
        if done >= all {
            eprint!("\r\x1b[2K");
        }
    }
}

impl Backend {
    /// The store of this process, used by the OS user.
    pub fn local(office: Arc<Office>, lang: Lang) -> Backend {
        Backend::Local {
            conn: Arc::new(Conn::local(Arc::clone(&office), lang)),
            office,
        }
    }

    pub fn is_remote(&self) -> bool {
        matches!(self, Backend::Remote(_))
    }

    /// The user's role from the roles file of a local store (director without one); `None`
    /// through the server, which checks each request itself.
    pub fn my_role(&self) -> Option<crate::office::Role> {
        match self {
            Backend::Local { office, conn } => match &**conn {
                Conn::Local { caller, .. } => office.role_of(caller),
                Conn::Remote(_) => None,
            },
            Backend::Remote(_) => None,
        }
    }

    /// The certificate number of the inspector the user is, from the roles file of a local
    /// store (through the server the TUI does not read the roles file).
    pub fn my_certificate(&self) -> Option<String> {
        match self {
            Backend::Local { office, conn } => match &**conn {
                Conn::Local { caller, .. } => office
                    .roles()
                    .and_then(|r| r.inspectors.get(&caller.user).cloned()),
                Conn::Remote(_) => None,
            },
            Backend::Remote(_) => None,
        }
    }

    /// Run `f` over the registries, the rules and the book.
    pub fn with_ctx<R>(&self, f: impl FnOnce(&Ctx) -> R) -> R {
        match self {
            Backend::Local { office, .. } => office_ctx(office, f),
            Backend::Remote(r) => {
                let rep = r.replica();
                f(&Ctx {
                    data: &rep.state,
                    rules: r.rules(),
                    book: &rep.book,
                    revisions: &rep.revisions,
                })
            }
        }
    }

    /// Build the target indexes (search text, code index) on another thread, so the first frame
    /// does not wait for them and the first filter keystroke rarely does (they are built on
    /// first use; whichever asks first builds, the other waits).
    pub fn warm_indexes(&self) {
        let _ = match self {
            Backend::Local { office, .. } => {
                let st = office.state();
                std::thread::Builder::new()
                    .name("search-index".into())
                    .spawn(move || st.build_indexes())
            }
            Backend::Remote(r) => {
                let r = Arc::clone(r);
                std::thread::Builder::new()
                    .name("search-index".into())
                    .spawn(move || r.replica().state.build_indexes())
            }
        };
    }

    /// Perform an operation on this thread (the audit log's verification aside: see
    /// [`Backend::verify`]).
    pub fn run(&self, op: Op, lang: Lang, progress: &dyn Fn(f64)) -> OpResult {
        run_op(self, op, lang, progress)
    }

    /// Verify the audit chain, every record and every draw.
    pub fn verify(&self, lang: Lang) -> OpResult {
        verify_via(self, lang)
    }
}

/// Run `f` over an office's registries, rules and book.
pub(crate) fn office_ctx<R>(office: &Office, f: impl FnOnce(&Ctx) -> R) -> R {
    let st = office.state();
    let book = office.book();
    let revisions = office.revisions();
    f(&Ctx {
        data: &st,
        rules: &office.rules(),
        book: &book,
        revisions: &revisions,
    })
}

/// Where [`run_op`] sends its requests and reads the data its messages name.
pub(crate) trait Via {
    /// Send a request; a refusal or failure comes back as its message in `lang`.
    fn call(&self, req: Request, lang: Lang, progress: &dyn Fn(f64)) -> Result<Reply, String>;
    /// Bring the data read for the screens up to date after a write (a local store is).
    fn refresh(&self) -> Result<(), String> {
        Ok(())
    }
    /// The registries and the book.
    fn data<R>(&self, f: impl FnOnce(&State, &Book) -> R) -> R;
}

impl Via for Backend {
    fn call(&self, req: Request, lang: Lang, progress: &dyn Fn(f64)) -> Result<Reply, String> {
        match self {
            Backend::Local { conn, .. } => conn.call_in(req, lang, progress),
            Backend::Remote(r) if !r.is_connected() => return Err(lang
                .pick(
                    "服务器已断开，正在重连…；未做任何修改，请稍后再试",
                    "server disconnected, reconnecting…; nothing was changed, try again shortly",
                )
                .to_string()),
            Backend::Remote(r) => r.conn.call_in(req, lang, progress),
        }
        .map_err(|e| e.localize(lang))
    }

    fn refresh(&self) -> Result<(), String> {
        match self {
            Backend::Local { .. } => Ok(()),
            Backend::Remote(r) => r.catch_up(),
        }
    }

    fn data<R>(&self, f: impl FnOnce(&State, &Book) -> R) -> R {
        self.with_ctx(|ctx| f(ctx.data, ctx.book))
    }
}

/// An office of this process reached by reference (the TUI's tests and scripts): the same
/// [`crate::office::ops::execute`] as a [`Conn::Local`], as the office's own user.
pub(crate) struct Direct<'a>(pub &'a Office);

impl Via for Direct<'_> {
    fn call(&self, req: Request, lang: Lang, progress: &dyn Fn(f64)) -> Result<Reply, String> {
        crate::report::register(self.0);
        let caller = Caller {
            lang,
            ..Caller::new(self.0.user(), Vec::new())
        };
        match crate::office::ops::execute_with(self.0, req, &caller, progress) {
            crate::office::Response::Ok(r) => Ok(r),
            crate::office::Response::Error(e) => Err(e.message(lang).to_string()),
        }
    }

    fn data<R>(&self, f: impl FnOnce(&State, &Book) -> R) -> R {
        f(&self.0.state(), &self.0.book())
    }
}

/// The request an operation makes (imports carry the file's bytes only with `read_files`).
pub fn request_of(op: &Op, read_files: bool, lang: Lang) -> Result<Request, String> {
    Ok(match op {
        Op::OpenAudit => Request::AuditTail { n: 1000 },
        Op::SetTargetStatus {
            id,
            status,
            date,
            reason,
            base,
        } => Request::SetTargetStatus {
            target: *id,
            status: *status,
            effective: *date,
            reason: reason.clone(),
            base_revision: *base,
        },
        Op::SetInspectorStatus {
            id,
            status,
            date,
            reason,
            base,
        } => Request::SetInspectorStatus {
            inspector: *id,
            status: *status,
            effective: *date,
            reason: reason.clone(),
            base_revision: *base,
        },
        Op::SaveTarget(t, base) => Request::SaveTarget {
            target: t.clone(),
            base_revision: *base,
        },
        Op::SavePlan(p, base) => Request::SavePlan {
            plan: p.clone(),
            base_revision: *base,
        },
        Op::Import {
            kind,
            path,
            dry_run,
        } => Request::Import {
            kind: *kind,
            name: path.display().to_string(),
            bytes: if read_files {
                Bytes(crate::import::read_file(path).map_err(|e| {
                    format!(
                        "{}: {}{e}",
                        path.display(),
                        lang.pick("无法读取文件：", "cannot read the file: ")
                    )
                })?)
            } else {
                Bytes::default()
            },
            dry_run: *dry_run,
            clear_empty: false,
        },
        Op::PreviewDraw(ask) => Request::PrepareDraw(ask.request()),
        Op::CommitDraw(ask) => Request::CommitDraw(ask.request()),
        Op::AnnounceDraw { ask, source } => {
            Request::AnnounceDraw(crate::office::announce::AnnounceRequest {
                draw: ask.request(),
                source: source.clone(),
                reason: None,
            })
        }
        Op::CommitAnnounced { id, witness } => Request::CommitAnnounced {
            announcement: *id,
            witness: witness.clone(),
        },
        Op::VoidDraw { id, reason } => Request::VoidDraw {
            draw: *id,
            reason: reason.clone(),
        },
        Op::LoadFigures { period, today } => Request::Status {
            period: period.clone(),
            today: *today,
        },
        Op::LoadCoverage { from, to } => Request::Coverage {
            from: *from,
            to: *to,
        },
        Op::TaskStep { id, step, .. } => Request::TaskStep {
            task: *id,
            step: step_of(step.clone()),
        },
        Op::Export { kind, path } => Request::Export {
            what: kind.spec(),
            to: Some(path.clone()),
        },
    })
}

/// The domain's step of the task form's operation.
fn step_of(step: StepOp) -> Step {
    match step {
        StepOp::Check {
            date,
            method,
            approval,
        } => Step::Check {
            date,
            method: Some(method),
            approval,
        },
        StepOp::Result {
            phrase,
            determined,
            findings,
            unsigned_reason,
            integrity_card,
        } => Step::Result {
            phrase,
            determined,
            findings,
            unsigned_reason,
            integrity_card,
        },
        StepOp::Publish { date, url } => Step::Publish { date, url },
        StepOp::Exempt { reason } => Step::Exempt { reason },
        StepOp::FollowUp {
            handed,
            rectification_due,
            rectified_on,
            case_number,
            judiciary,
        } => Step::FollowUp(FollowUpPatch {
            handed_to_enforcement: handed,
            rectification_due,
            rectified_on,
            case_number,
            transferred_to_judiciary: judiciary,
        }),
    }
}

/// The start of the message after a status change: pending when dated ahead.
pub fn status_changed_label(date: &chrono::NaiveDate, lang: Lang) -> &'static str {
    if *date > chrono::Local::now().date_naive() {
        lang.pick("已登记状态变更（待生效）：", "status change pending: ")
    } else {
        lang.pick("已变更状态：", "status changed: ")
    }
}

/// The lines the TUI shows for an import: the report, and for a dry run each change.
pub fn import_lines(o: &crate::office::ImportOutcome, lang: Lang) -> Vec<String> {
    let mut lines: Vec<String> = o.localize(lang).lines().map(str::to_string).collect();
    if o.dry_run {
        lines.extend(o.preview_text(lang).lines().map(str::to_string));
    }
    lines
}

/// The outcome of an import: a dry run becomes the preview that confirms the import itself.
pub fn import_result(
    kind: crate::office::ImportKind,
    path: PathBuf,
    dry_run: bool,
    result: Result<Vec<String>, Vec<String>>,
) -> OpResult {
    if !dry_run {
        return OpResult::Imported(result);
    }
    OpResult::ImportPreviewed {
        confirm: Box::new(Op::Import {
            kind,
            path,
            dry_run: false,
        }),
        result,
    }
}

/// The outcome of `op` when it failed (or was refused) with `msg`: nothing was changed.
pub fn failed(op: &Op, msg: String) -> OpResult {
    match op {
        Op::OpenAudit => OpResult::Audit(Err(msg)),
        Op::SetTargetStatus { .. }
        | Op::SetInspectorStatus { .. }
        | Op::SaveTarget(..)
        | Op::SavePlan(..)
        | Op::VoidDraw { .. } => OpResult::Saved(Err(msg)),
        Op::Import { .. } => OpResult::Imported(Err(msg.lines().map(str::to_string).collect())),
        Op::PreviewDraw(_) => OpResult::Preview(Err(msg)),
        Op::CommitDraw(_) | Op::CommitAnnounced { .. } => OpResult::Drawn(Err(msg)),
        Op::AnnounceDraw { .. } => OpResult::Announced(Err(msg)),
        Op::LoadFigures { .. } => OpResult::Figures(Err(msg)),
        Op::LoadCoverage { .. } => OpResult::Coverage(Err(msg)),
        Op::TaskStep { .. } => OpResult::Stepped {
            result: Err(msg),
            figures: None,
            prompt: None,
        },
        Op::Export { .. } => OpResult::Exported(Err(msg)),
    }
}

/// The figures of `period` on `today`: status, per-inspector progress and the results due.
fn figures_via(
    via: &impl Via,
    period: &str,
    today: chrono::NaiveDate,
    lang: Lang,
) -> Result<FiguresData, String> {
    let call = |req| via.call(req, lang, &|_| {});
    let status = match call(Request::Status {
        period: period.to_string(),
        today,
    })? {
        Reply::Status(s) => *s,
        _ => return Err(unexpected(lang)),
    };
    let progress = match call(Request::Progress {
        period: period.to_string(),
        today,
    })? {
        Reply::Progress(p) => p,
        _ => return Err(unexpected(lang)),
    };
    let due = match call(Request::Due { today })? {
        Reply::Due(d) => d,
        _ => return Err(unexpected(lang)),
    };
    let today_req = crate::office::oversight::OversightRequest::Rectifications { today };
    let rectifications = match call(Request::Oversight(today_req))? {
        Reply::Oversight(o) => match *o {
            crate::office::oversight::OversightReply::Rectifications(v) => v,
            _ => return Err(unexpected(lang)),
        },
        _ => return Err(unexpected(lang)),
    };
    Ok(FiguresData {
        status,
        progress,
        due,
        rectifications,
    })
}

/// The registry change task `id`'s result suggests (issue 19); none when there is none or the
/// office cannot say.
fn status_prompt_via(
    via: &impl Via,
    id: u64,
    lang: Lang,
) -> Option<crate::domain::prompt::StatusPrompt> {
    use crate::office::oversight::{OversightReply, OversightRequest};
    let req = Request::Oversight(OversightRequest::StatusPrompt { task: id });
    match via.call(req, lang, &|_| {}) {
        Ok(Reply::Oversight(o)) => match *o {
            OversightReply::StatusPrompt(p) => p,
            _ => None,
        },
        _ => None,
    }
}

/// The line of a chain that verifies.
pub(crate) fn verified_text(entries: u64, records: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("校验通过：审计日志 {entries} 条，记录 {records} 个"),
        Lang::En => format!("verified: {entries} audit entries, {records} records"),
    }
}

/// [`Request::Verify`]: the chain, every record and every draw, as the audit tab shows it.
pub(crate) fn verify_via(via: &impl Via, lang: Lang) -> OpResult {
    match via.call(Request::Verify, lang, &|_| {}) {
        Ok(Reply::Verified {
            report,
            draw_problem,
            ..
        }) => match (report.problem, draw_problem) {
            (Some(p), _) => OpResult::Verify {
                ok: false,
                text: p.localize(lang),
            },
            (None, Some((id, msg))) => OpResult::Verify {
                ok: false,
                text: format!("#{id} {msg}"),
            },
            (None, None) => OpResult::Verify {
                ok: true,
                text: verified_text(report.entries, report.records, lang),
            },
        },
        Ok(_) => OpResult::Verify {
            ok: false,
            text: unexpected(lang),
        },
        Err(text) => OpResult::Verify { ok: false, text },
    }
}

/// Do `op` as its request through `via` and turn the reply into what the screens show: the
/// one execution path of the TUI, on a local store and through the server alike.
pub(crate) fn run_op(via: &impl Via, op: Op, lang: Lang, progress: &dyn Fn(f64)) -> OpResult {
    if let Op::LoadFigures { period, today } = &op {
        return OpResult::Figures(figures_via(via, period, *today, lang));
    }
    let req = match request_of(&op, true, lang) {
        Ok(req) => req,
        Err(e) => return failed(&op, e),
    };
    let write = req.is_write();
    let reply = match via.call(req.clone(), lang, progress) {
        Ok(reply) => reply,
        Err(msg) => {
            if write {
                // A save refused because another user changed the record: the replica takes
                // that change, so a reload (ctrl-r in the form) shows it.
                let _ = via.refresh();
            }
            return match op {
                Op::TaskStep { period, today, .. } => OpResult::Stepped {
                    result: Err(msg),
                    figures: Some(figures_via(via, &period, today, lang)),
                    prompt: None,
                },
                other => failed(&other, msg),
            };
        }
    };
    if write {
        if let Err(e) = via.refresh() {
            return failed(&op, e);
        }
    }
    let bad = |op: &Op| failed(op, unexpected(lang));
    match (op, reply) {
        (Op::LoadCoverage { .. }, Reply::Coverage(c)) => OpResult::Coverage(Ok(c)),
        (Op::OpenAudit, Reply::AuditTail { entries, len }) => {
            OpResult::Audit(Ok((entries, len as usize)))
        }
        (Op::SetTargetStatus { status, date, .. }, Reply::Target(t)) => {
            OpResult::Saved(Ok(format!(
                "{}{} {} {}",
                status_changed_label(&date, lang),
                t.name(),
                status.label(lang),
                date
            )))
        }
        (Op::SetInspectorStatus { status, date, .. }, Reply::Inspector(p)) => {
            OpResult::Saved(Ok(format!(
                "{}{} {} {}",
                status_changed_label(&date, lang),
                p.name,
                status.label(lang),
                date
            )))
        }
        (Op::SaveTarget(..), Reply::Target(t)) => OpResult::Saved(Ok(format!(
            "{}{} {}",
            lang.pick("已保存：", "saved: "),
            t.id,
            t.name()
        ))),
        (Op::SavePlan(..), Reply::Plan(p)) => OpResult::Saved(Ok(format!(
            "{}{} {}",
            lang.pick("已保存抽查计划：", "plan saved: "),
            p.seq,
            p.name
        ))),
        (Op::VoidDraw { .. }, Reply::Voided { draw }) => {
            let name = via.data(|_, book| {
                book.draws
                    .iter()
                    .find(|d| d.id == draw)
                    .map(|d| d.plan_name.clone())
                    .unwrap_or_default()
            });
            OpResult::Saved(Ok(format!(
                "{}#{} {}",
                lang.pick("已作废抽取 ", "voided draw "),
                draw,
                name
            )))
        }
        (
            Op::Import {
                kind,
                path,
                dry_run,
            },
            Reply::Imported(outcomes),
        ) => {
            let lines = outcomes
                .iter()
                .flat_map(|o| import_lines(o, lang))
                .collect();
            import_result(kind, path, dry_run, Ok(lines))
        }
        (Op::PreviewDraw(_), Reply::Preview(p)) => OpResult::Preview(Ok(*p)),
        (Op::AnnounceDraw { .. }, Reply::Announced(a)) => OpResult::Announced(Ok(a)),
        (op @ (Op::CommitDraw(_) | Op::CommitAnnounced { .. }), Reply::Drawn(d)) => {
            let drawn: Option<DrawResult> = via.data(|st, book| {
                book.draws
                    .iter()
                    .find(|x| x.id == d.json.id)
                    .map(|rec| super::work::draw_result_in(st, book, rec, lang))
            });
            match drawn {
                Some(r) => OpResult::Drawn(Ok(r)),
                None => bad(&op),
            }
        }
        (
            Op::TaskStep {
                id, period, today, ..
            },
            Reply::Task(_),
        ) => OpResult::Stepped {
            result: Ok(format!("#{id} {}", step_done(&req, lang))),
            figures: Some(figures_via(via, &period, today, lang)),
            prompt: status_prompt_via(via, id, lang),
        },
        (
            Op::Export { path, .. },
            Reply::Exported {
                text,
                bytes,
                summary,
            },
        ) => {
            if let Some(b) = bytes {
                if let Err(e) = crate::store::write_atomic(&path, &b.0) {
                    return OpResult::Exported(Err(format!("{}: {e}", path.display())));
                }
            }
            OpResult::Exported(Ok(match summary {
                Some(s) => super::state::exported_lines(&s, lang),
                None => text.lines().map(str::to_string).collect(),
            }))
        }
        (op, _) => bad(&op),
    }
}

/// What a task step's request recorded, for its message.
fn step_done(req: &Request, lang: Lang) -> &'static str {
    match req {
        Request::TaskStep { step, .. } => step.done_label(lang),
        _ => "",
    }
}
