//! Where the TUI's data lives and where its operations go: the store opened in this process
//! ([`Backend::Local`]) or `shuangsui serve` ([`Backend::Remote`]).
//!
//! Either way each operation passes the role check of [`Office::authorize`] first, so a viewer
//! is refused in the TUI exactly as on the command line, with the role the action needs.
//! Remotely the TUI renders from a replica of the registries and the book ([`Request::Snapshot`]),
//! refetched after each of its own writes and whenever the server announces someone else's.

use super::state::{Ctx, Op, OpResult, StepOp};
use crate::domain::rules::Rules;
use crate::i18n::Lang;
use crate::office::protocol::{
    Bytes, Caller, ErrorReply, ExportSpec, Reply, Request, Response, Snapshot,
};
use crate::office::{Book, Office, State};
use crate::server::Client;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};

/// How the TUI reaches the office.
#[derive(Clone)]
pub enum Backend {
    /// The store opened by this process; `caller` is the OS user, judged by the roles file.
    Local {
        office: Arc<Office>,
        caller: Caller,
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
    client: Mutex<Client>,
    socket: PathBuf,
    lang: Lang,
    replica: RwLock<Replica>,
    rules: Rules,
    user: String,
    store: String,
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
        let user = client.hello.user.clone();
        let store = client.hello.store.clone();
        let mut remote = RemoteOffice {
            client: Mutex::new(client),
            socket: socket.to_path_buf(),
            lang,
            replica: RwLock::new(Replica {
                state: State::default(),
                book: Book::default(),
                audit_len: 0,
                revisions: Default::default(),
            }),
            rules: Rules::default_rules(),
            user,
            store,
        };
        remote.refresh()?;
        // The server's rules in force (a server without `rules` keeps the compiled-in ones).
        let export = crate::office::rules::RulesRequest::Export {
            kind: crate::office::rules::RulesKind::Rules,
            version: None,
        };
        if let Ok(Reply::Rules(r)) = remote.call(&Request::Rules(export)) {
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

    /// Send a request; a refusal, a failure or a lost connection is an [`ErrorReply`].
    pub fn call(&self, req: &Request) -> Result<Reply, ErrorReply> {
        let mut client = self.client.lock().unwrap_or_else(|p| p.into_inner());
        match client.call(req) {
            Ok(Response::Ok(r)) => Ok(r),
            Ok(Response::Error(e)) => Err(e),
            Err(e) => Err(crate::server::lost_server(&e)),
        }
    }

    /// Fetch a fresh snapshot and swap it in.
    pub fn refresh(&self) -> Result<(), String> {
        let lang = self.lang;
        let mut snap: Snapshot = match self.call(&Request::Snapshot) {
            Ok(Reply::Snapshot(s)) => *s,
            Ok(_) => return Err(unexpected(lang)),
            Err(e) => return Err(e.message(lang).to_string()),
        };
        let revisions = std::mem::take(&mut snap.revisions);
        let (state, book, audit_len) = snap.into_parts().map_err(|e| e.localize(lang))?;
        *self.replica.write().unwrap_or_else(|p| p.into_inner()) = Replica {
            state,
            book,
            audit_len,
            revisions,
        };
        Ok(())
    }

    /// On a thread, subscribe on a second connection; after each change announced (a write of
    /// anyone, this client included) refresh the replica and call `changed`. Ends when the
    /// server goes away or `changed` returns false.
    pub fn watch(self: &Arc<Self>, mut changed: impl FnMut() -> bool + Send + 'static) {
        let me = Arc::clone(self);
        std::thread::spawn(move || {
            // A subscriber that fell behind is dropped by the server (with a resync event when
            // it can still be written): reload everything and subscribe again, a bounded number
            // of times; stop when the server is gone or `changed` says so.
            for _ in 0..100 {
                let Ok(client) = Client::connect(&me.socket, me.lang) else {
                    return;
                };
                let mut resync = false;
                let mut go_on = true;
                let _ = client.subscribe(|ev| {
                    if ev.resync {
                        resync = true;
                        return false;
                    }
                    // Our own writes were refreshed already.
                    if me.replica().audit_len >= ev.audit_len {
                        return true;
                    }
                    go_on = match me.refresh() {
                        Ok(()) => changed(),
                        Err(_) => true,
                    };
                    go_on
                });
                if !go_on {
                    return;
                }
                if !resync {
                    std::thread::sleep(std::time::Duration::from_secs(1));
                }
                if me.refresh().is_ok() && !changed() {
                    return;
                }
            }
        });
    }
}

impl Backend {
    /// The store of this process, used by the OS user.
    pub fn local(office: Arc<Office>, lang: Lang) -> Backend {
        Backend::Local {
            office,
            caller: Caller::local(lang),
        }
    }

    pub fn is_remote(&self) -> bool {
        matches!(self, Backend::Remote(_))
    }

    /// The certificate number of the inspector the user is, from the roles file of a local
    /// store (through the server the TUI does not read the roles file).
    pub fn my_certificate(&self) -> Option<String> {
        match self {
            Backend::Local { office, caller } => office
                .roles()
                .and_then(|r| r.inspectors.get(&caller.user).cloned()),
            Backend::Remote(_) => None,
        }
    }

    /// Run `f` over the registries, the rules and the book.
    pub fn with_ctx<R>(&self, f: impl FnOnce(&Ctx) -> R) -> R {
        match self {
            Backend::Local { office, .. } => {
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

    /// Perform an operation on this thread (the audit log's verification aside: see
    /// [`Backend::verify`]).
    pub fn run(&self, op: Op, lang: Lang, progress: &dyn Fn(f64)) -> OpResult {
        match self {
            Backend::Local { office, caller } => {
                let req = match request_of(&op, false) {
                    Ok(r) => r,
                    Err(e) => return failed(&op, e),
                };
                if let Err(e) = office.authorize(
                    &req,
                    &Caller {
                        lang,
                        ..caller.clone()
                    },
                ) {
                    return failed(&op, e.message(lang).to_string());
                }
                match op {
                    Op::OpenAudit => super::app::load_audit(office),
                    Op::Export { kind, path } => {
                        super::app::export(office, &kind, &path, lang, progress)
                    }
                    other => super::app::run_now(office, other, lang),
                }
            }
            Backend::Remote(r) => run_remote(r, op, lang),
        }
    }

    /// Verify the audit chain.
    pub fn verify(&self, lang: Lang) -> OpResult {
        match self {
            Backend::Local { office, .. } => super::app::verify(office, lang),
            Backend::Remote(r) => match r.call(&Request::Verify) {
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
                        text: super::app::verified_text(report.entries, report.records, lang),
                    },
                },
                Ok(_) => OpResult::Verify {
                    ok: false,
                    text: unexpected(lang),
                },
                Err(e) => OpResult::Verify {
                    ok: false,
                    text: e.message(lang).to_string(),
                },
            },
        }
    }
}

/// The request an operation makes (imports carry the file's bytes only with `read_files`).
pub fn request_of(op: &Op, read_files: bool) -> Result<Request, String> {
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
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bytes: if read_files {
                Bytes(std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?)
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
        Op::TaskStep { id, step, .. } => step_request(*id, step.clone()),
        Op::Export { kind, path } => Request::Export {
            what: export_spec(kind),
            to: Some(path.clone()),
        },
    })
}

fn step_request(task: u64, step: StepOp) -> Request {
    match step {
        StepOp::Check {
            date,
            method,
            approval,
        } => Request::TaskCheck {
            task,
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
        } => Request::TaskResult {
            task,
            phrase,
            determined,
            findings,
            unsigned_reason,
            integrity_card,
        },
        StepOp::Publish { date, url } => Request::TaskPublish { task, date, url },
        StepOp::Exempt { reason } => Request::TaskExempt { task, reason },
        StepOp::FollowUp {
            handed,
            rectification_due,
            rectified_on,
            case_number,
            judiciary,
        } => Request::TaskFollowUp {
            task,
            handed,
            due: rectification_due,
            rectified: rectified_on,
            case: case_number,
            judiciary,
        },
    }
}

fn export_spec(kind: &crate::report::ExportKind) -> ExportSpec {
    use crate::report::ExportKind as K;
    match kind {
        K::Draw(id) => ExportSpec::Draw(*id),
        K::Announcement(id) => ExportSpec::Announcement(*id),
        K::Quarterly { period, today } => ExportSpec::Quarterly {
            period: period.clone(),
            today: *today,
        },
        K::Publication(p) => ExportSpec::Publication(p.clone()),
        K::Plan(y) => ExportSpec::Plan(*y),
        K::Notice { spec, html } => ExportSpec::Notice {
            from: spec.from,
            to: spec.to,
            own_copy: spec.own_copy,
            today: spec.today,
            html: *html,
        },
        K::Tasks {
            template_name,
            template,
            period,
        } => ExportSpec::Tasks {
            template_name: template_name.clone(),
            template: crate::office::protocol::Bytes(template.clone()),
            period: period.clone(),
        },
        K::Registry(r) => {
            use clap::ValueEnum;
            ExportSpec::Registry(
                r.to_possible_value()
                    .map(|v| v.get_name().to_string())
                    .unwrap_or_default(),
            )
        }
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
        },
        Op::Export { .. } => OpResult::Exported(Err(msg)),
    }
}

fn figures_remote(
    r: &RemoteOffice,
    period: &str,
    today: chrono::NaiveDate,
    lang: Lang,
) -> Result<super::state::FiguresData, String> {
    let msg = |e: ErrorReply| e.message(lang).to_string();
    let status = match r
        .call(&Request::Status {
            period: period.to_string(),
            today,
        })
        .map_err(msg)?
    {
        Reply::Status(s) => *s,
        _ => return Err(unexpected(lang)),
    };
    let progress = match r
        .call(&Request::Progress {
            period: period.to_string(),
            today,
        })
        .map_err(msg)?
    {
        Reply::Progress(p) => p,
        _ => return Err(unexpected(lang)),
    };
    let due = match r.call(&Request::Due { today }).map_err(msg)? {
        Reply::Due(d) => d,
        _ => return Err(unexpected(lang)),
    };
    let today_req = crate::office::oversight::OversightRequest::Rectifications { today };
    let rectifications = match r.call(&Request::Oversight(today_req)).map_err(msg)? {
        Reply::Oversight(o) => match *o {
            crate::office::oversight::OversightReply::Rectifications(v) => v,
            _ => return Err(unexpected(lang)),
        },
        _ => return Err(unexpected(lang)),
    };
    Ok(super::state::FiguresData {
        status,
        progress,
        due,
        rectifications,
    })
}

fn run_remote(r: &RemoteOffice, op: Op, lang: Lang) -> OpResult {
    let req = match request_of(&op, true) {
        Ok(req) => req,
        Err(e) => return failed(&op, e),
    };
    if let Op::LoadFigures { period, today } = &op {
        return OpResult::Figures(figures_remote(r, period, *today, lang));
    }
    let write = req.is_write();
    let reply = match r.call(&req) {
        Ok(reply) => reply,
        Err(e) => {
            let msg = e.message(lang).to_string();
            if write {
                // A save refused because another user changed the record: the replica takes
                // that change, so a reload (ctrl-r in the form) shows it.
                let _ = r.refresh();
            }
            return match op {
                Op::TaskStep { period, today, .. } => OpResult::Stepped {
                    result: Err(msg),
                    figures: Some(figures_remote(r, &period, today, lang)),
                },
                other => failed(&other, msg),
            };
        }
    };
    if write {
        if let Err(e) = r.refresh() {
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
                t.name,
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
            t.name
        ))),
        (Op::SavePlan(..), Reply::Plan(p)) => OpResult::Saved(Ok(format!(
            "{}{} {}",
            lang.pick("已保存抽查计划：", "plan saved: "),
            p.seq,
            p.name
        ))),
        (Op::VoidDraw { .. }, Reply::Voided { draw }) => {
            let name = r
                .replica()
                .book
                .draws
                .iter()
                .find(|d| d.id == draw)
                .map(|d| d.plan_name.clone())
                .unwrap_or_default();
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
            let rep = r.replica();
            match rep.book.draws.iter().find(|x| x.id == d.json.id) {
                Some(rec) => OpResult::Drawn(Ok(super::work::draw_result_in(
                    &rep.state, &rep.book, rec, lang,
                ))),
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
            figures: Some(figures_remote(r, &period, today, lang)),
        },
        (Op::Export { path, .. }, Reply::Exported { text, bytes }) => {
            if let Some(b) = bytes {
                if let Err(e) = crate::store::write_atomic(&path, &b.0) {
                    return OpResult::Exported(Err(format!("{}: {e}", path.display())));
                }
            }
            OpResult::Exported(Ok(text.lines().map(str::to_string).collect()))
        }
        (op, _) => bad(&op),
    }
}

fn step_done(req: &Request, lang: Lang) -> &'static str {
    match req {
        Request::TaskCheck { .. } => lang.pick("已登记检查", "check recorded"),
        Request::TaskResult { .. } => lang.pick("已录入结果", "result entered"),
        Request::TaskPublish { .. } => lang.pick("已登记公示", "publication recorded"),
        Request::TaskExempt { .. } => lang.pick("已登记不予公示", "exemption recorded"),
        _ => lang.pick("已登记后续处理", "follow-up recorded"),
    }
}
