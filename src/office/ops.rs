//! The operation table: every office operation declared once, with its request fields, the
//! reply it gives, the role it needs, whether it writes, its label (for a refusal) and its
//! implementation. [`Request`], [`Request::need`], [`Request::is_write`], [`Request::label`] and
//! the dispatch of [`execute`] are generated from it, so adding an operation is one entry here
//! (docs/ARCHITECTURE.md, "Recipes").
//!
//! [`execute`] is the one execution path of every front end: the server runs it for a socket's
//! peer, `conn::Conn::Local` for the CLI and the TUI in this process. It authorizes the caller,
//! takes the write gate for a write, does the request as the caller (the audit log records
//! `caller.user`, messages use `caller.lang`) and signs the audit head after a write.

use super::export::Bytes;
use super::export::{ExportSpec, ExportSummary};
use super::messages::{tempfile_dir, Caller, Drawn, ErrorReply, Reply, Response};
use super::roles::Role;
use super::{DrawRequest, ImportKind, ListKind, Office, OfficeError};
use crate::domain::inspector::{InspectorId, InspectorStatus};
use crate::domain::plan::Plan;
use crate::domain::task::{Step, TaskId};
use crate::domain::{Target, TargetId, TargetStatus};
use crate::i18n::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The role a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Role(Role),
    /// Office or above, or an inspector in the team of this task.
    OwnTask(TaskId),
}

/// Declares the operations. Each entry: the variant (unit, one unnamed field, or named
/// fields) `=>` `need` and `write` (expressions over the fields, bound by reference), the
/// `reply` variant it answers with, its `label` (zh, en) and `run` (an expression over the
/// fields, bound by value, with the office, the caller and the progress callback named in
/// the header).
macro_rules! operations {
    (
        $office:ident, $caller:ident, $progress:ident;
        $(
            $(#[$meta:meta])*
            $name:ident
            $( ( $tf:ident : $tty:ty ) )?
            $( { $( $(#[$fmeta:meta])* $field:ident : $fty:ty ),* $(,)? } )?
            => {
                need: $need:expr,
                write: $write:expr,
                reply: $($reply:ident)|+,
                label: $label:expr,
                run: $run:expr $(,)?
            }
        )*
    ) => {
        /// One office operation.
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[serde(tag = "op", rename_all = "snake_case")]
        pub enum Request {
            $(
                $(#[$meta])*
                $name $( ($tty) )? $( { $( $(#[$fmeta])* $field : $fty ),* } )?,
            )*
        }

        impl Request {
            /// The role the request needs.
            #[allow(unused_variables)]
            pub fn need(&self) -> Need {
                match self {
                    $( Request::$name $( ($tf) )? $( { $($field),* } )? => $need, )*
                }
            }

            /// Whether the request may change the store (such requests are serialised).
            #[allow(unused_variables)]
            pub fn is_write(&self) -> bool {
                match self {
                    $( Request::$name $( ($tf) )? $( { $($field),* } )? => $write, )*
                }
            }

            /// The action, for a refusal.
            #[allow(unused_variables)]
            pub fn label(&self, lang: Lang) -> &'static str {
                let (zh, en): (&'static str, &'static str) = match self {
                    $( Request::$name $( ($tf) )? $( { $($field),* } )? => $label, )*
                };
                lang.pick(zh, en)
            }

            /// The operation's name (as on the wire).
            pub fn name(&self) -> &'static str {
                match self {
                    $( Request::$name { .. } => stringify!($name), )*
                }
            }

            /// Whether `reply` is the variant this operation answers with.
            pub fn fits(&self, reply: &Reply) -> bool {
                match self {
                    $( Request::$name { .. } => matches!(reply, $(Reply::$reply { .. })|+), )*
                }
            }
        }

        /// The implementation of each operation (authorized, under the write gate, acting).
        #[allow(unused_variables)]
        fn run(
            $office: &Office,
            req: Request,
            $caller: &Caller,
            $progress: &dyn Fn(f64),
        ) -> Result<Reply, OfficeError> {
            Ok(match req {
                $( Request::$name $( ($tf) )? $( { $($field),* } )? => $run, )*
            })
        }
    };
}

operations! { office, caller, progress;
    /// Load the demo registries.
    InitDemo => {
        need: Need::Role(Role::Office),
        write: true,
        reply: Imported,
        label: ("载入演示数据", "loading the demo data"),
        run: Reply::Imported(office.load_demo()?),
    }
    Import {
        kind: ImportKind,
        /// The file's name, for messages.
        name: String,
        bytes: Bytes,
        dry_run: bool,
        /// Empty cells clear stored values (otherwise they keep them).
        #[serde(default)]
        clear_empty: bool,
    } => {
        need: Need::Role(Role::Office),
        write: !*dry_run,
        reply: Imported,
        label: ("导入", "importing"),
        run: Reply::Imported(vec![office.import_owned(
            kind,
            &name,
            bytes.0,
            super::ImportOptions { dry_run, clear_empty },
        )?]),
    }
    /// A listing: its records, or their JSON (with revisions) with `json`.
    List { kind: ListKind, json: bool } => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Listing | Text,
        label: ("查看列表", "listing"),
        run: if json {
            Reply::Text(office.listing_json(kind)?)
        } else {
            Reply::Listing(Box::new(office.listing(kind)))
        },
    }
    Explain { target: String } => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Text,
        label: ("查看适用规则", "explaining"),
        run: Reply::Text(office.explain_text(&target, caller.lang)?),
    }
    PrepareDraw(r: DrawRequest) => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Preview,
        label: ("预览抽取", "previewing a draw"),
        run: Reply::Preview(Box::new(office.prepare_draw(&r)?.0)),
    }
    /// One sitting: announce and commit at once (a request with a seed is refused).
    CommitDraw(r: DrawRequest) => {
        need: Need::Role(Role::Office),
        write: true,
        reply: Drawn,
        label: ("抽取", "drawing"),
        run: Reply::Drawn(Box::new(office.drawn(&office.commit_draw(&r)?))),
    }
    /// Replay a chosen seed on the current input; writes nothing.
    ReplayDraw(r: DrawRequest) => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Replayed,
        label: ("重放抽取", "replaying a draw"),
        run: Reply::Replayed(Box::new(office.replay_draw(&r)?)),
    }
    /// Freeze the input, seal the entropy, record the commitment.
    AnnounceDraw(r: super::announce::AnnounceRequest) => {
        need: Need::Role(Role::Office),
        write: true,
        reply: Announced,
        label: ("公告抽取", "announcing a draw"),
        run: Reply::Announced(Box::new(super::announce::announcement_json(
            &office.announce_draw(&r)?,
        ))),
    }
    /// Commit an announcement with its witness.
    CommitAnnounced { announcement: u64, witness: String } => {
        need: Need::Role(Role::Office),
        write: true,
        reply: Drawn,
        label: ("抽取", "drawing"),
        run: Reply::Drawn(Box::new(
            office.drawn(&office.commit_announced(announcement, &witness)?),
        )),
    }
    /// One announcement (the entropy only once revealed).
    Announcement { announcement: u64 } => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Announced,
        label: ("查看抽取公告", "reading an announcement"),
        run: Reply::Announced(Box::new(super::announce::announcement_json(
            &office.announcement(announcement)?,
        ))),
    }
    /// The complete record of a committed draw (docs/draw-record.md).
    DrawRecord { draw: u64 } => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Record,
        label: ("查看抽取记录", "reading a draw record"),
        run: Reply::Record(Box::new(office.draw_record(draw)?)),
    }
    VoidDraw { draw: u64, reason: String } => {
        need: Need::Role(Role::Director),
        write: true,
        reply: Voided,
        label: ("作废抽取", "voiding a draw"),
        run: Reply::Voided { draw: office.void_draw(draw, &reason)?.id },
    }
    /// The chain, every record, every draw.
    Verify => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Verified,
        label: ("校验", "verifying"),
        run: {
            // The chain and records, and the draws, are independent: checked side by side.
            let (report, draw_problem) =
                rayon::join(|| office.verify(), || office.verify_all_draws());
            Reply::Verified {
                report: report?,
                draw_problem,
                signature: Some(office.head_check()),
            }
        },
    }
    VerifyDraw { draw: u64 } => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: DrawVerified,
        label: ("校验", "verifying"),
        run: Reply::DrawVerified(office.verify_draw(draw)?.err()),
    }
    /// Record one step of a task (check, result, publication, exemption, follow-up).
    TaskStep { task: TaskId, step: Step } => {
        need: Need::OwnTask(*task),
        write: true,
        reply: Task,
        label: ("登记任务进展", "recording a task step"),
        run: Reply::Task(Box::new(office.record_step(task, step)?)),
    }
    /// Correct a recorded step (office role); audited with the old value.
    TaskCorrect {
        task: TaskId,
        step: super::tasks::CorrectStep,
        date: Option<NaiveDate>,
        text: Option<String>,
        reason: String,
    } => {
        need: Need::Role(Role::Office),
        write: true,
        reply: Task,
        label: ("更正任务记录", "correcting a task step"),
        run: Reply::Task(Box::new(office.task_correct(task, step, date, text, &reason)?)),
    }
    Status { period: String, today: NaiveDate } => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Status,
        label: ("查看统计", "viewing figures"),
        run: Reply::Status(Box::new(office.status(parse_period(&period, caller.lang)?, today)?)),
    }
    Progress { period: String, today: NaiveDate } => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Progress,
        label: ("查看统计", "viewing figures"),
        run: Reply::Progress(office.progress(parse_period(&period, caller.lang)?, today)?),
    }
    Due { today: NaiveDate } => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Due,
        label: ("查看统计", "viewing figures"),
        run: Reply::Due(office.due(today)?),
    }
    SetTargetStatus {
        target: TargetId,
        status: TargetStatus,
        effective: NaiveDate,
        reason: String,
        /// The target's revision the change is based on (`None`: no check).
        #[serde(default)]
        base_revision: Option<u64>,
    } => {
        need: Need::Role(Role::Office),
        write: true,
        reply: Target,
        label: ("修改检查对象", "changing a target"),
        run: Reply::Target(Box::new(office.set_target_status_at(
            target,
            status,
            effective,
            &reason,
            base_revision,
        )?)),
    }
    /// Add (`id == 0`) or replace a target; refused when the stored target is no longer at
    /// `base_revision` (the TUI sends the revision its form opened with).
    SaveTarget {
        target: Box<Target>,
        #[serde(default)]
        base_revision: Option<u64>,
    } => {
        need: Need::Role(Role::Office),
        write: true,
        reply: Target,
        label: ("修改检查对象", "changing a target"),
        run: Reply::Target(Box::new(office.save_target_at(*target, base_revision)?)),
    }
    /// Change some fields of a stored target (by id, credit code or name), read, changed and
    /// written in this one request: fields by import header (English or Chinese), values as
    /// an import cell reads them (an empty value clears the field).
    EditTarget {
        target: String,
        set: Vec<(String, String)>,
        #[serde(default)]
        base_revision: Option<u64>,
    } => {
        need: Need::Role(Role::Office),
        write: true,
        reply: Target,
        label: ("修改检查对象", "changing a target"),
        run: Reply::Target(Box::new(office.edit_target(&target, &set, base_revision)?)),
    }
    /// One record with its revision, as `shuangsui show` prints it.
    Show { kind: ListKind, id: String, json: bool } => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Text,
        label: ("查看记录", "reading a record"),
        run: Reply::Text(office.show(kind, &id, json)?),
    }
    /// Write a workbook: to `to` in-process, else returned as bytes (the writer is the one the
    /// report layer registered: [`Office::set_export_writer`]).
    Export { what: ExportSpec, to: Option<PathBuf> } => {
        need: Need::Role(Role::Office),
        write: false,
        reply: Exported,
        label: ("导出", "exporting"),
        run: export(office, &what, to, caller, progress)?,
    }
    /// A backup: to `to` in-process, else returned as bytes.
    Backup { to: Option<PathBuf> } => {
        need: Need::Role(Role::Office),
        write: false,
        reply: BackedUp,
        label: ("备份", "backing up"),
        run: backup(office, to, caller)?,
    }
    /// The audit log's length and head hash.
    AuditHead => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: AuditHead,
        label: ("查看审计日志", "reading the log"),
        run: Reply::AuditHead {
            len: office.audit_len() as u64,
            head: office.audit_tail(1)?.last().map(|e| e.hash_hex()).unwrap_or_default(),
        },
    }
    /// Turn this connection into a stream of [`super::protocol::Event`]s.
    Subscribe => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Subscribed,
        label: ("查看审计日志", "reading the log"),
        run: Reply::Subscribed,
    }
    SetInspectorStatus {
        inspector: InspectorId,
        status: InspectorStatus,
        effective: NaiveDate,
        reason: String,
        #[serde(default)]
        base_revision: Option<u64>,
    } => {
        need: Need::Role(Role::Office),
        write: true,
        reply: Inspector,
        label: ("修改检查人员", "changing an inspector"),
        run: Reply::Inspector(Box::new(office.set_inspector_status_at(
            inspector,
            status,
            effective,
            &reason,
            base_revision,
        )?)),
    }
    /// Add (`id == 0`) or replace a plan (refused when no longer at `base_revision`).
    SavePlan {
        plan: Box<Plan>,
        #[serde(default)]
        base_revision: Option<u64>,
    } => {
        need: Need::Role(Role::Office),
        write: true,
        reply: Plan,
        label: ("修改抽查计划", "changing a plan"),
        run: Reply::Plan(Box::new(office.save_plan_at(*plan, base_revision)?)),
    }
    /// The newest `n` audit entries (newest first) and the log's length.
    AuditTail { n: usize } => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: AuditTail,
        label: ("查看审计日志", "reading the log"),
        run: Reply::AuditTail {
            entries: office.audit_tail(n)?,
            len: office.audit_len() as u64,
        },
    }
    /// The registries and the book, for a client's replica (the remote TUI).
    Snapshot => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Snapshot,
        label: ("查看名录库", "reading the registries"),
        run: Reply::Snapshot(Box::new(office.snapshot())),
    }
    /// The change events after audit length `since` (a replica catching up after its own
    /// write). The server answers from the events it keeps; in this process there are none.
    Changes { since: u64 } => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Changes,
        label: ("查看名录库", "reading the registries"),
        run: Reply::Changes { events: Vec::new(), complete: since == office.audit_len() as u64 },
    }
    /// The registries and the book as binary frames after the answer (office::stream): a new
    /// client's replica of a large store.
    SnapshotStream => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: SnapshotStream,
        label: ("查看名录库", "reading the registries"),
        // The server answers with the header of what it then streams (office::stream).
        run: Reply::SnapshotStream(super::messages::StreamHeader::of(
            office.state().targets.len(),
            office.audit_len() as u64,
            false,
        )),
    }
    /// Table 1 or the working calendar: show, export, import (office::rules).
    Rules(r: super::rules::RulesRequest) => {
        // Reading Table 1 is as open as `explain`; changing it is the office's.
        need: if r.is_write() { Need::Role(Role::Office) } else { Need::Role(Role::Viewer) },
        write: r.is_write(),
        reply: Rules,
        label: if r.is_write() {
            ("导入规则或日历", "importing rules or the calendar")
        } else {
            ("查看规则或日历", "reading rules or the calendar")
        },
        run: Reply::Rules(Box::new(office.rules_request(r)?)),
    }
    /// Fairness over the years `from..=to` (issue 18, `office::coverage`).
    Coverage { from: i32, to: i32 } => {
        need: Need::Role(Role::Viewer),
        write: false,
        reply: Coverage,
        label: ("查看抽查覆盖情况", "viewing the coverage"),
        run: Reply::Coverage(Box::new(office.coverage(from, to)?)),
    }
    /// Issue 19: inspections outside the draw, exclusion windows, violations
    /// (office::oversight declares their roles, write flags and labels).
    Oversight(r: super::oversight::OversightRequest) => {
        need: Need::Role(r.role()),
        write: r.is_write(),
        reply: Oversight,
        label: r.labels(),
        run: Reply::Oversight(Box::new(office.oversight_request(r)?)),
    }
}

fn parse_period(p: &str, lang: Lang) -> Result<crate::domain::Period, OfficeError> {
    crate::domain::Period::parse(p).map_err(|e| OfficeError::Refused(e.localize(lang)))
}

/// Do `req` as `caller`: the role check, the write gate for a write, acting as the caller,
/// the dispatch, and the audit head signed after a write. The one path of every front end.
pub fn execute(office: &Office, req: Request, caller: &Caller) -> Response {
    execute_with(office, req, caller, &|_| {})
}

/// [`execute`] reporting an export's progress (0.0..=1.0) to `progress`.
pub fn execute_with(
    office: &Office,
    req: Request,
    caller: &Caller,
    progress: &dyn Fn(f64),
) -> Response {
    if let Err(e) = office.authorize(&req, caller) {
        return Response::Error(e);
    }
    let lang = caller.lang;
    let _acting = office.acting(&caller.user, lang);
    let write = req.is_write();
    let _gate = write.then(|| office.write_gate());
    match run(office, req, caller, progress) {
        Ok(r) => {
            if write {
                // Still under the write gate: heads are signed in commit order.
                office.sign_head();
            }
            Response::Ok(r)
        }
        Err(e) => Response::Error(ErrorReply::from_office(&e, lang)),
    }
}

/// A workbook (or the notice's page) written by the writer the report layer registered: to
/// `to` for a caller of this process, else to a temporary file whose bytes are returned (the
/// client writes them where it was asked to; the summary names that place).
fn export(
    office: &Office,
    what: &ExportSpec,
    to: Option<PathBuf>,
    caller: &Caller,
    progress: &dyn Fn(f64),
) -> Result<Reply, OfficeError> {
    let lang = caller.lang;
    let writer = office.export_writer().ok_or_else(|| {
        OfficeError::Refused(
            lang.pick(
                "此处无法导出：未登记报表写入程序",
                "cannot export here: no report writer registered",
            )
            .into(),
        )
    })?;
    let reply = |summary: ExportSummary, bytes: Option<Bytes>| Reply::Exported {
        text: summary.localize(lang),
        bytes,
        summary: Some(summary),
    };
    match to.as_ref().filter(|_| !caller.remote) {
        Some(path) => Ok(reply(writer(office, what, path, lang, progress)?, None)),
        None => {
            let dir = tempfile_dir()?;
            let file = dir.0.join("export.xlsx");
            let mut s = writer(office, what, &file, lang, progress)?;
            if let Some(p) = to {
                s.path = p;
            }
            let bytes = std::fs::read(&file).map_err(|e| OfficeError::Refused(e.to_string()))?;
            Ok(reply(s, Some(Bytes(bytes))))
        }
    }
}

/// A backup to `to` for a caller of this process, else its bytes (with its signature).
fn backup(office: &Office, to: Option<PathBuf>, caller: &Caller) -> Result<Reply, OfficeError> {
    match to {
        Some(path) if !caller.remote => Ok(Reply::BackedUp {
            keys: office.backup(&path)?,
            bytes: None,
            signature: None,
        }),
        _ => {
            let dir = tempfile_dir()?;
            let file = dir.0.join("backup.bin");
            let keys = office.backup(&file)?;
            let bytes = std::fs::read(&file).map_err(|e| OfficeError::Refused(e.to_string()))?;
            let signature = std::fs::read_to_string(crate::store::sign::sig_path(&file)).ok();
            Ok(Reply::BackedUp {
                keys,
                bytes: Some(Bytes(bytes)),
                signature,
            })
        }
    }
}

impl Office {
    /// The `explain` text of a target: its name and the rules that apply to it.
    fn explain_text(&self, target: &str, lang: Lang) -> Result<String, OfficeError> {
        let st = self.state();
        let t = st
            .find_target(target)
            .ok_or_else(|| OfficeError::NotFound(target.to_string()))?;
        Ok(format!(
            "{} {} {}\n{}\n",
            t.id,
            t.name(),
            t.credit_code,
            self.rules().explain(t, lang)
        ))
    }

    /// A committed draw as its reply: its JSON and the teams' names.
    fn drawn(&self, d: &super::DrawRecord) -> Drawn {
        let json = self.draw_json(d);
        let st = self.state();
        use rayon::prelude::*;
        let team_names = json
            .tasks
            .par_iter()
            .map(|t| {
                t.team
                    .iter()
                    .map(|i| {
                        st.inspector(*i)
                            .map(|p| p.name.clone())
                            .unwrap_or_else(|| i.to_string())
                    })
                    .collect()
            })
            .collect();
        Drawn {
            json,
            plan_name: d.plan_name.clone(),
            team_names,
        }
    }
}

fn zh_en(lang: Lang, zh: String, en: String) -> String {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

impl Office {
    /// The caller's role: from the roles file, or director when there is none.
    pub fn role_of(&self, caller: &Caller) -> Option<Role> {
        match self.roles() {
            None => Some(Role::Director),
            Some(r) => r.role_of(&caller.user, &caller.groups),
        }
    }

    /// Whether `caller` may make `req`; the refusal names the role it needs.
    pub fn authorize(&self, req: &Request, caller: &Caller) -> Result<(), ErrorReply> {
        let role = self.role_of(caller);
        let (ok, needed) = match req.need() {
            Need::Role(r) => (role.is_some_and(|have| have >= r), r),
            Need::OwnTask(task) => match role {
                Some(r) if r >= Role::Office => (true, Role::Office),
                Some(Role::Inspector) => (self.is_own_task(task, &caller.user), Role::Office),
                _ => (false, Role::Office),
            },
        };
        if ok {
            return Ok(());
        }
        let own = matches!(req.need(), Need::OwnTask(_)) && role == Some(Role::Inspector);
        let have = |lang| match role {
            Some(r) => r.label(lang).to_string(),
            None => lang
                .pick("无（未列入角色文件）", "none (not in the roles file)")
                .into(),
        };
        let msg = |lang: Lang| {
            let mut s = zh_en(
                lang,
                format!(
                    "无权{}：需要{}或更高角色；{} 的角色是{}。未做任何修改。",
                    req.label(lang),
                    needed.label(lang),
                    caller.user,
                    have(lang)
                ),
                format!(
                    "not allowed: {} needs the {} role or higher; {} has the role {}. Nothing was changed.",
                    req.label(lang),
                    needed.label(lang),
                    caller.user,
                    have(lang)
                ),
            );
            if own {
                s.push_str(lang.pick(
                    "检查人员只能登记本人所在检查组的任务。",
                    " An inspector records only the tasks of their own team.",
                ));
            }
            s
        };
        Err(ErrorReply {
            message_zh: msg(Lang::Zh),
            message_en: msg(Lang::En),
            exit_code: 3,
            needs_role: Some(needed),
        })
    }

    /// Whether the task's team holds the inspector the roles file maps `user` to.
    fn is_own_task(&self, task: TaskId, user: &str) -> bool {
        let Some(roles) = self.roles() else {
            return false;
        };
        let Some(me) = roles.inspectors.get(user) else {
            return false;
        };
        let st = self.state();
        let book = self.book();
        book.task(task).is_some_and(|t| {
            t.team.iter().any(|i| {
                // By certificate number only: names are ambiguous (roles::check_inspectors).
                st.inspector(*i).is_some_and(|p| p.certificate_no == *me)
            })
        })
    }

    /// [`super::ops::execute`] as a method: check the caller's role, then do the request as
    /// that caller.
    pub fn handle(&self, req: Request, caller: &Caller) -> Response {
        super::ops::execute(self, req, caller)
    }
}
