//! Plain requests and responses: the office's operations as values, so the CLI can call the
//! office in-process or through `shuangsui serve` with the same code, and every call passes
//! the same role check.
//!
//! On the socket every frame is a u32 big-endian length followed by that many bytes of JSON.
//! The client speaks first with a [`ClientHello`]; the server answers with a [`ServerHello`]
//! (or a [`Response::Error`] naming both protocol versions); then each [`Request`] frame is
//! answered by one [`Response`] frame. A client that sent [`Request::Subscribe`] receives
//! [`Event`] frames after every committed write instead.

use super::edit::list_json;
use super::roles::Role;
use super::{
    DrawJson, DrawPreview, DueItem, ImportOutcome, InspectorProgress, ListKind, Office,
    OfficeError, StatusFigures,
};
use crate::domain::inspector::{Department, Inspector, RecusalPair};
use crate::domain::plan::Plan;
use crate::domain::task::{Task, TaskId};
use crate::domain::Target;
use crate::i18n::Lang;
use crate::store::audit::AuditEntry;
use crate::store::{TreeName, VerifyReport};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::PathBuf;

/// The protocol version; a client and a server of different versions refuse each other.
/// 2: edits carry `base_revision` (`SaveTarget`/`SavePlan` became struct variants).
/// 3: the five task-step requests became one `TaskStep { task, step }` (`domain::task::Step`).
pub const PROTOCOL_VERSION: u32 = 3;

/// Largest frame a client accepts from its server (a snapshot of a million targets).
pub const MAX_FRAME: u32 = 1 << 30;

/// Largest hello a server accepts: read before anything else is known of the caller.
pub const MAX_HELLO: u32 = 4096;

/// Largest request frame a server accepts unless `serve --max-frame-mb` says otherwise: enough
/// for an import of the targets registry.
pub const DEFAULT_MAX_REQUEST: u32 = 64 << 20;

/// Frames are read in pieces of this size: memory follows the bytes that arrived, never the
/// length a frame announces.
const READ_CHUNK: usize = 64 * 1024;

/// Who is asking. On the server it comes from the socket's peer credentials, never from the
/// client; in-process it is the OS user running the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user: String,
    pub groups: Vec<String>,
    /// The language of the answer's messages.
    pub lang: Lang,
    /// Through the socket: file paths of the server's machine are never written for it
    /// (exports and backups come back as bytes).
    pub remote: bool,
}

impl Caller {
    pub fn new(user: impl Into<String>, groups: Vec<String>) -> Caller {
        Caller {
            user: user.into(),
            groups,
            lang: Lang::Zh,
            remote: false,
        }
    }

    /// The OS user running this process, with their groups.
    pub fn local(lang: Lang) -> Caller {
        let (user, groups) = super::roles::current_caller_identity();
        Caller {
            user,
            groups,
            lang,
            remote: false,
        }
    }
}

/// Bytes carried as a hex string (JSON has no bytes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        let s = String::deserialize(d)?;
        hex::decode(s).map(Bytes).map_err(serde::de::Error::custom)
    }
}

pub use super::export::ExportSpec;
pub use super::ops::{Need, Request};

/// A committed draw as the CLI prints it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Drawn {
    pub json: DrawJson,
    pub plan_name: String,
    /// Per task (same order as `json.tasks`): the team's names.
    pub team_names: Vec<Vec<String>>,
}

/// What a request returns.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "reply", content = "value", rename_all = "snake_case")]
pub enum Reply {
    Imported(Vec<ImportOutcome>),
    Text(String),
    Preview(Box<DrawPreview>),
    Drawn(Box<Drawn>),
    Replayed(Box<super::announce::Replay>),
    Announced(Box<super::announce::AnnouncementJson>),
    Record(Box<super::announce::RecordJson>),
    Voided {
        draw: u64,
    },
    Verified {
        report: VerifyReport,
        /// The first draw that does not recompute: (id, message).
        draw_problem: Option<(u64, String)>,
        /// What the audit head's signature says (`None`: an older server).
        #[serde(default)]
        signature: Option<crate::store::sign::HeadCheck>,
    },
    /// `None`: the draw recomputes identically; else the message.
    DrawVerified(Option<String>),
    Task(Box<Task>),
    Status(Box<StatusFigures>),
    Progress(Vec<InspectorProgress>),
    Due(Vec<DueItem>),
    Target(Box<Target>),
    Exported {
        text: String,
        bytes: Option<Bytes>,
        /// What was written (`None`: an older server).
        #[serde(default)]
        summary: Option<super::export::ExportSummary>,
    },
    BackedUp {
        keys: u64,
        bytes: Option<Bytes>,
        /// The signature file's text, for the client to write beside the bytes.
        #[serde(default)]
        signature: Option<String>,
    },
    AuditHead {
        len: u64,
        head: String,
    },
    Subscribed,
    Inspector(Box<Inspector>),
    Plan(Box<Plan>),
    AuditTail {
        entries: Vec<AuditEntry>,
        len: u64,
    },
    Snapshot(Box<Snapshot>),
    Rules(Box<super::rules::RulesReply>),
    Oversight(Box<super::oversight::OversightReply>),
    Coverage(Box<super::coverage::Coverage>),
}

/// The registries and the book as a client's replica needs them. Its JSON is about 0.8 kB
/// per target (543 kB for the 650-target demo with its inspectors and plans), so a snapshot
/// of a million-target store is some 800 MB: fine for a county (hundreds to a few thousand
/// targets), not for a province.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Snapshot {
    pub targets: Vec<Target>,
    pub inspectors: Vec<Inspector>,
    pub departments: Vec<Department>,
    pub conflicts: Vec<RecusalPair>,
    pub plans: Vec<Plan>,
    pub draws: Vec<super::DrawRecord>,
    pub tasks: Vec<Task>,
    pub audit_len: u64,
    /// Every announcement, its entropy sealed (zero) until revealed
    /// ([`super::announce::sealed_copy`]).
    #[serde(default)]
    pub announcements: Vec<super::announce::Announcement>,
    /// The records' revisions (the TUI's forms send the one they opened with).
    #[serde(default)]
    pub revisions: super::Revisions,
}

impl Snapshot {
    /// The registries (with their indexes rebuilt) and the book.
    pub fn into_parts(self) -> Result<(super::State, super::Book, u64), OfficeError> {
        let state = super::State::from_parts(
            self.targets,
            self.inspectors,
            self.departments,
            self.conflicts,
        )?;
        let book = super::Book {
            plans: self.plans,
            draws: self.draws,
            tasks: self.tasks,
            announcements: self.announcements,
        };
        Ok((state, book, self.audit_len))
    }
}

/// A refusal or failure, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorReply {
    pub message_zh: String,
    pub message_en: String,
    /// The CLI's exit status: 1, 2 for a store in use, 3 for a role refusal.
    pub exit_code: i32,
    /// Set when the caller's role does not allow the request.
    pub needs_role: Option<Role>,
}

impl ErrorReply {
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.message_zh,
            Lang::En => &self.message_en,
        }
    }

    /// An office error. Messages the office words itself (refusals) exist only in the
    /// caller's language; they fill both fields.
    pub fn from_office(e: &OfficeError, lang: Lang) -> ErrorReply {
        let mine = e.localize(lang);
        let (zh, en) = match e {
            OfficeError::Refused(_) | OfficeError::Remote(_) => (mine.clone(), mine),
            _ => (e.localize(Lang::Zh), e.localize(Lang::En)),
        };
        ErrorReply {
            message_zh: zh,
            message_en: en,
            exit_code: e.exit_code(),
            needs_role: match e {
                OfficeError::Remote(r) => r.needs_role,
                _ => None,
            },
        }
    }

    pub fn plain(zh: String, en: String) -> ErrorReply {
        ErrorReply {
            message_zh: zh,
            message_en: en,
            exit_code: 1,
            needs_role: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    Ok(Reply),
    Error(ErrorReply),
}

/// The client's first frame.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientHello {
    pub protocol: u32,
    pub lang: Lang,
}

/// The server's answer to a matching [`ClientHello`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerHello {
    pub protocol: u32,
    /// Who the server takes the client for (from the peer credentials).
    pub user: String,
    pub role: Option<Role>,
    pub store: String,
}

/// Sent to subscribers after each committed write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub audit_len: u64,
    pub head: String,
    /// The server dropped this subscriber because it fell behind: reload everything and
    /// subscribe again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resync: bool,
}

/// The message for a client and server of different protocol versions.
pub fn version_mismatch(server: u32, client: u32) -> ErrorReply {
    ErrorReply::plain(
        format!("协议版本不一致：服务器为第 {server} 版，本程序为第 {client} 版；请使用与服务器相同版本的 shuangsui"),
        format!("protocol mismatch: the server speaks version {server}, this client version {client}; use the shuangsui version the server runs"),
    )
}

/// Write one frame: u32 big-endian length, then the JSON.
pub fn write_frame<T: Serialize>(w: &mut impl std::io::Write, v: &T) -> std::io::Result<()> {
    let body = serde_json::to_vec(v).map_err(std::io::Error::other)?;
    let len = u32::try_from(body.len())
        .ok()
        .filter(|n| *n <= MAX_FRAME)
        .ok_or_else(|| std::io::Error::other("frame too large"))?;
    let mut buf = Vec::with_capacity(body.len() + 4);
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(&body);
    w.write_all(&buf)?;
    w.flush()
}

/// Why a frame could not be read.
#[derive(Debug)]
pub enum FrameError {
    Io(std::io::Error),
    /// The announced length is over the limit; nothing of the body was read.
    TooLarge {
        len: u32,
        limit: u32,
    },
    /// A whole frame arrived, but not as the JSON of the expected message.
    Json(serde_json::Error),
}

impl From<FrameError> for std::io::Error {
    fn from(e: FrameError) -> std::io::Error {
        match e {
            FrameError::Io(e) => e,
            FrameError::TooLarge { len, limit } => std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("frame of {len} bytes exceeds the limit of {limit}"),
            ),
            FrameError::Json(e) => std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        }
    }
}

/// Read one frame's bytes, at most `limit`; `Ok(None)` at a clean end of stream (before any
/// byte of a frame). The body is read in pieces, so a peer that announces a gigabyte and sends
/// nothing costs nothing.
pub fn read_frame_bytes(r: &mut impl Read, limit: u32) -> Result<Option<Vec<u8>>, FrameError> {
    let mut len = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match r.read(&mut len[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(FrameError::Io(std::io::ErrorKind::UnexpectedEof.into())),
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FrameError::Io(e)),
        }
    }
    let len = u32::from_be_bytes(len);
    if len > limit {
        return Err(FrameError::TooLarge { len, limit });
    }
    let len = len as usize;
    let mut body = Vec::with_capacity(len.min(READ_CHUNK));
    let mut chunk = vec![0u8; len.min(READ_CHUNK)];
    while body.len() < len {
        let want = (len - body.len()).min(chunk.len());
        match r.read(&mut chunk[..want]) {
            Ok(0) => return Err(FrameError::Io(std::io::ErrorKind::UnexpectedEof.into())),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FrameError::Io(e)),
        }
    }
    Ok(Some(body))
}

/// Decode a frame's bytes as `T`.
pub fn decode_frame<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, FrameError> {
    serde_json::from_slice(body).map_err(FrameError::Json)
}

/// Read one frame of at most [`MAX_FRAME`] bytes; `Ok(None)` at a clean end of stream.
pub fn read_frame<T: serde::de::DeserializeOwned>(r: &mut impl Read) -> std::io::Result<Option<T>> {
    match read_frame_bytes(r, MAX_FRAME)? {
        None => Ok(None),
        Some(body) => Ok(Some(decode_frame(&body)?)),
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
        book.tasks.iter().find(|t| t.id == task).is_some_and(|t| {
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

    /// The registries and the book, as [`Request::Snapshot`] returns them.
    pub fn snapshot(&self) -> Snapshot {
        let st = self.state();
        let book = self.book();
        Snapshot {
            targets: st.targets.clone(),
            inspectors: st.inspectors.clone(),
            departments: st.departments.clone(),
            conflicts: st.conflicts.clone(),
            plans: book.plans.clone(),
            draws: book.draws.clone(),
            tasks: book.tasks.clone(),
            audit_len: self.audit_len() as u64,
            announcements: book
                .announcements
                .iter()
                .map(super::announce::sealed_copy)
                .collect(),
            revisions: (*self.revisions()).clone(),
        }
    }

    /// A listing as `shuangsui list` prints it.
    pub fn render_list(
        &self,
        kind: ListKind,
        json: bool,
        lang: Lang,
    ) -> Result<String, OfficeError> {
        use std::fmt::Write as _;
        let to_json = |v: &dyn erased::Json| v.pretty();
        let st = self.state();
        let mut out = String::new();
        match kind {
            ListKind::Targets => {
                if json {
                    let revs = self.revisions();
                    return list_json(&st.targets, TreeName::Targets, |t| t.id, &revs);
                }
                for t in &st.targets {
                    let _ = writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        t.id,
                        t.credit_code,
                        t.name,
                        t.region,
                        t.permit_class.label(lang),
                        t.status.label(lang)
                    );
                }
            }
            ListKind::Inspectors => {
                if json {
                    let revs = self.revisions();
                    return list_json(&st.inspectors, TreeName::Inspectors, |p| p.id, &revs);
                }
                for p in &st.inspectors {
                    let _ = writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}",
                        p.id,
                        p.certificate_no,
                        p.name,
                        st.department_name(&p.department),
                        p.status.label(lang)
                    );
                }
            }
            ListKind::Departments => {
                if json {
                    let revs = self.revisions();
                    return list_json(&st.departments, TreeName::Departments, |d| d.id, &revs);
                }
                for d in &st.departments {
                    let _ = writeln!(
                        out,
                        "{}\t{}\t{}\t{}",
                        d.id,
                        d.code,
                        d.name,
                        d.kind.label(lang)
                    );
                }
            }
            ListKind::Conflicts => {
                if json {
                    return to_json(&st.conflicts);
                }
                for c in &st.conflicts {
                    let insp = st
                        .inspector(c.inspector)
                        .map(|p| p.name.as_str())
                        .unwrap_or("?");
                    let targ = st.target(c.target).map(|t| t.name.as_str()).unwrap_or("?");
                    let _ = writeln!(
                        out,
                        "{}\t{insp}\t{}\t{targ}\t{}",
                        c.inspector, c.target, c.reason
                    );
                }
            }
            ListKind::Tasks => {
                let book = self.book();
                if json {
                    let v: Vec<_> = book
                        .tasks
                        .iter()
                        .map(|t| super::task_json_of(t, &st, &book.plans, &self.calendar()))
                        .collect();
                    return to_json(&v);
                }
                for t in &book.tasks {
                    let name = st.target(t.target).map(|x| x.name.as_str()).unwrap_or("?");
                    let team: Vec<String> = t
                        .team
                        .iter()
                        .map(|i| {
                            st.inspector(*i)
                                .map(|p| p.name.clone())
                                .unwrap_or_else(|| i.to_string())
                        })
                        .collect();
                    let _ = writeln!(
                        out,
                        "{}\t#{}\t{}\t{}\t{}\t{}\t{}{}",
                        t.id,
                        t.draw,
                        t.period,
                        t.rows_text(),
                        name,
                        team.join("、"),
                        t.method.label(lang),
                        if t.voided {
                            lang.pick("\t已作废", "\tvoided")
                        } else {
                            ""
                        }
                    );
                }
            }
            ListKind::Draws => {
                drop(st);
                let book = self.book();
                if json {
                    // The draws, then every attempt that did not become one (abandoned,
                    // infeasible, still announced), each with its `state`.
                    let mut v: Vec<serde_json::Value> = Vec::new();
                    for d in &book.draws {
                        v.push(
                            serde_json::to_value(self.draw_json(d))
                                .map_err(super::announce::json_err)?,
                        );
                    }
                    for a in super::announce::attempts(&book) {
                        v.push(
                            serde_json::to_value(super::announce::announcement_json(a))
                                .map_err(super::announce::json_err)?,
                        );
                    }
                    return to_json(&v);
                }
                for d in &book.draws {
                    let state = match &d.voided {
                        None => lang.pick("有效", "committed").to_string(),
                        Some(v) => format!(
                            "{}{}（{} {}）",
                            lang.pick("已作废：", "voided: "),
                            v.reason,
                            v.by,
                            v.time
                        ),
                    };
                    let _ = writeln!(
                        out,
                        "#{}\t{}\t{}\t{}\t{} {}\t{}",
                        d.id,
                        d.period,
                        d.plan_name,
                        d.time,
                        d.tasks.len(),
                        lang.pick("个任务", "tasks"),
                        state
                    );
                }
                for a in super::announce::attempts(&book) {
                    let _ = writeln!(
                        out,
                        "{}#{}\t{}\t{}\t{}\t{}",
                        lang.pick("公告", "announcement "),
                        a.id,
                        a.period,
                        a.plan_name,
                        a.time,
                        a.state.label(lang)
                    );
                }
            }
            ListKind::Items => return self.render_items(json, lang),
            ListKind::Inspections => return self.render_inspections(json, lang),
            ListKind::Violations => return self.render_violations(json, lang),
            ListKind::Plans => {
                let book = self.book();
                if json {
                    let revs = self.revisions();
                    return list_json(&book.plans, TreeName::Plans, |p| p.id, &revs);
                }
                for p in &book.plans {
                    let _ = writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        p.id,
                        p.seq,
                        p.name,
                        p.method.label(lang),
                        p.date_text,
                        p.joint.label(lang)
                    );
                }
            }
        }
        Ok(out)
    }
}

/// Pretty JSON of any serializable listing, without generic closures.
mod erased {
    use super::OfficeError;

    pub trait Json {
        fn pretty(&self) -> Result<String, OfficeError>;
    }

    impl<T: serde::Serialize> Json for T {
        fn pretty(&self) -> Result<String, OfficeError> {
            serde_json::to_string_pretty(self)
                .map(|s| s + "\n")
                .map_err(|e| OfficeError::Refused(e.to_string()))
        }
    }
}

/// A temporary directory removed on drop.
pub(crate) struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(crate) fn tempfile_dir() -> Result<TempDir, OfficeError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "shuangsui-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).map_err(|e| OfficeError::Refused(e.to_string()))?;
    Ok(TempDir(dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::tasks::tests::{d, drawn};
    use crate::office::{ImportKind, Roles};

    fn caller(user: &str, groups: &[&str]) -> Caller {
        Caller {
            lang: Lang::En,
            ..Caller::new(user, groups.iter().map(|g| g.to_string()).collect())
        }
    }

    /// Plan 3 drawn for 2022Q3; the roles of the issue; li is the inspector of task 1's team.
    fn office() -> (Office, crate::office::DemoDir, String) {
        let (o, dir) = drawn("2022Q3", d(2022, 7, 5));
        let li = {
            let st = o.state();
            let book = o.book();
            let t = &book.tasks[0];
            st.inspector(t.team[0]).unwrap().certificate_no.clone()
        };
        let text = format!(
            "[users]\nzhang = \"director\"\nwang = \"office\"\nli = \"inspector\"\nzhao = \"viewer\"\n\
             [groups]\nkeshi = \"office\"\n[inspectors]\nli = \"{li}\"\n"
        );
        o.set_roles(Some(Roles::parse(&text, "roles.toml").unwrap()));
        (o, dir, li)
    }

    fn is_ok(r: &Response) -> bool {
        matches!(r, Response::Ok(_))
    }

    /// Refused, naming the role needed, and nothing changed.
    fn refused(o: &Office, req: Request, who: &Caller, needs: Role) {
        let audit = o.audit_len();
        let tasks = o.book().tasks.clone();
        let targets = o.state().targets.len();
        match o.handle(req, who) {
            Response::Error(e) => {
                assert_eq!(e.needs_role, Some(needs));
                assert_eq!(e.exit_code, 3);
                assert!(
                    e.message_en.contains(needs.label(Lang::En)),
                    "{}",
                    e.message_en
                );
                assert!(
                    e.message_zh.contains(needs.label(Lang::Zh)),
                    "{}",
                    e.message_zh
                );
                assert!(e.message_en.contains(&who.user));
            }
            Response::Ok(r) => panic!("{} was allowed {r:?}", who.user),
        }
        assert_eq!(o.audit_len(), audit);
        assert_eq!(o.book().tasks, tasks);
        assert_eq!(o.state().targets.len(), targets);
    }

    fn import_req() -> Request {
        Request::Import {
            kind: ImportKind::Departments,
            name: "d.csv".into(),
            bytes: Bytes(crate::office::demo::DEPARTMENTS_CSV.to_vec()),
            dry_run: false,
            clear_empty: false,
        }
    }

    fn check(task: u64) -> Request {
        Request::TaskStep {
            task,
            step: crate::domain::task::Step::Check {
                date: d(2022, 7, 20),
                method: None,
                approval: String::new(),
            },
        }
    }

    fn other_task(o: &Office, li: &str) -> u64 {
        let st = o.state();
        let book = o.book();
        book.tasks
            .iter()
            .find(|t| {
                t.team
                    .iter()
                    .all(|i| st.inspector(*i).is_some_and(|p| p.certificate_no != li))
            })
            .map(|t| t.id)
            .unwrap()
    }

    #[test]
    fn viewer_reads_only() {
        let (o, _dir, _) = office();
        let zhao = caller("zhao", &[]);
        for r in [
            Request::List {
                kind: ListKind::Tasks,
                json: true,
            },
            Request::Verify,
            Request::Due {
                today: d(2022, 8, 1),
            },
            Request::Status {
                period: "2022Q3".into(),
                today: d(2022, 8, 1),
            },
        ] {
            assert!(is_ok(&o.handle(r, &zhao)));
        }
        refused(&o, import_req(), &zhao, Role::Office);
        refused(&o, check(1), &zhao, Role::Office);
        refused(&o, Request::Backup { to: None }, &zhao, Role::Office);
        refused(
            &o,
            Request::VoidDraw {
                draw: 1,
                reason: "x".into(),
            },
            &zhao,
            Role::Director,
        );
    }

    #[test]
    fn inspector_records_only_the_tasks_of_their_team() {
        let (o, _dir, li_cert) = office();
        let li = caller("li", &[]);
        let other = other_task(&o, &li_cert);
        refused(&o, check(other), &li, Role::Office);
        let Response::Error(e) = o.handle(check(other), &li) else {
            panic!()
        };
        assert!(e.message_en.contains("their own team"));
        assert!(is_ok(&o.handle(check(1), &li)));
        // Recorded as li, in the audit log and on the step.
        assert_eq!(o.audit_tail(1).unwrap()[0].user, "li");
        assert_eq!(o.book().tasks[0].check.as_ref().unwrap().by, "li");
        refused(&o, import_req(), &li, Role::Office);
        refused(&o, draw(), &li, Role::Office);
    }

    fn draw() -> Request {
        Request::CommitDraw(crate::office::DrawRequest {
            plan: 1,
            period: "2022Q3".into(),
            date: Some(d(2022, 7, 5)),
            ..Default::default()
        })
    }

    #[test]
    fn office_draws_and_records_but_does_not_void() {
        let (o, _dir, li) = office();
        // By group.
        let wang = caller("sun", &["keshi"]);
        assert!(is_ok(&o.handle(draw(), &wang)));
        assert_eq!(o.audit_tail(1).unwrap()[0].user, "sun");
        assert!(is_ok(&o.handle(check(other_task(&o, &li)), &wang)));
        assert!(is_ok(&o.handle(import_req(), &wang)));
        // The latest draw (an earlier one may carry its merged items: voided after it).
        let last = o.book().draws.len() as u64;
        refused(
            &o,
            Request::VoidDraw {
                draw: last,
                reason: "wrong plan".into(),
            },
            &wang,
            Role::Director,
        );
        let zhang = caller("zhang", &[]);
        assert!(is_ok(&o.handle(
            Request::VoidDraw {
                draw: last,
                reason: "wrong plan".into(),
            },
            &zhang
        )));
        assert_eq!(o.audit_tail(1).unwrap()[0].user, "zhang");
        let voided = o
            .book()
            .draws
            .last()
            .and_then(|d| d.voided.clone())
            .unwrap();
        assert_eq!(voided.by, "zhang");
    }

    #[test]
    fn unknown_users_have_no_access_and_no_roles_file_means_director() {
        let (o, _dir, _) = office();
        refused(
            &o,
            Request::List {
                kind: ListKind::Plans,
                json: false,
            },
            &caller("stranger", &[]),
            Role::Viewer,
        );
        o.set_roles(None);
        assert!(is_ok(&o.handle(
            Request::VoidDraw {
                draw: 1,
                reason: "single-user office".into(),
            },
            &caller("stranger", &[])
        )));
    }

    #[test]
    fn refusals_of_the_office_come_back_in_the_callers_language() {
        let (o, _dir, _) = office();
        let zh = Caller {
            lang: Lang::Zh,
            ..caller("zhang", &[])
        };
        let Response::Error(e) = o.handle(check(99_999), &zh) else {
            panic!()
        };
        assert!(e.message_zh.contains("没有这个任务"), "{}", e.message_zh);
        assert_eq!(e.needs_role, None);
        // The office's own user and language are back after the request.
        assert_eq!(o.lang(), Lang::En);
        assert_ne!(o.user(), "zhang");
    }

    /// Issue 14: `list draws --json` (render_list → draw_json, which read the registries and
    /// the book again) while task steps are written deadlocked the office: std's RwLock queued
    /// the second read behind the waiting writer, who waited for the first read. Readers now
    /// take snapshots and hold no lock, so this finishes.
    #[test]
    fn listing_draws_as_json_while_writes_run_does_not_deadlock() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let (o, dir, _) = office();
        let o = Arc::new(o);
        let tasks: Vec<u64> = o.book().tasks.iter().map(|t| t.id).collect();
        let stop = Arc::new(AtomicBool::new(false));
        let (done_tx, done_rx) = std::sync::mpsc::channel::<&str>();
        let mut readers = Vec::new();
        for _ in 0..3 {
            let (o, stop, tx) = (Arc::clone(&o), Arc::clone(&stop), done_tx.clone());
            readers.push(std::thread::spawn(move || {
                let zhao = caller("zhao", &[]);
                let mut n = 0u32;
                while !stop.load(Ordering::Relaxed) && n < 100_000 {
                    let r = o.handle(
                        Request::List {
                            kind: ListKind::Draws,
                            json: true,
                        },
                        &zhao,
                    );
                    assert!(is_ok(&r), "{r:?}");
                    n += 1;
                }
                let _ = tx.send("reader");
            }));
        }
        {
            let (o, stop, tx) = (Arc::clone(&o), Arc::clone(&stop), done_tx.clone());
            std::thread::spawn(move || {
                let zhang = caller("zhang", &[]);
                for t in &tasks {
                    assert!(is_ok(&o.handle(check(*t), &zhang)));
                }
                // Then plans saved again and again for a second (bounded in count too).
                let start = std::time::Instant::now();
                let mut plan = o.book().plans[0].clone();
                for i in 0..500 {
                    if start.elapsed() > std::time::Duration::from_secs(1) {
                        break;
                    }
                    plan.name = format!("计划 {i}");
                    let r = o.handle(
                        Request::SavePlan {
                            plan: Box::new(plan.clone()),
                            base_revision: None,
                        },
                        &zhang,
                    );
                    assert!(is_ok(&r), "{r:?}");
                }
                stop.store(true, Ordering::Relaxed);
                let _ = tx.send("writer");
            });
        }
        drop(done_tx);
        for _ in 0..4 {
            let who = done_rx
                .recv_timeout(std::time::Duration::from_secs(60))
                .expect("readers and the writer deadlocked");
            assert!(who == "reader" || who == "writer");
        }
        for r in readers {
            r.join().unwrap();
        }
        assert!(o.book().tasks.iter().all(|t| t.check.is_some()));
        drop(dir);
    }

    #[test]
    fn frames_round_trip_and_refuse_oversized_lengths() {
        let mut buf = Vec::new();
        write_frame(&mut buf, &draw()).unwrap();
        assert_eq!(
            u32::from_be_bytes(buf[..4].try_into().unwrap()) as usize,
            buf.len() - 4
        );
        let back: Request = read_frame(&mut buf.as_slice()).unwrap().unwrap();
        assert!(matches!(back, Request::CommitDraw(r) if r.plan == 1));
        assert!(read_frame::<Request>(&mut [].as_slice()).unwrap().is_none());
        let mut huge = (MAX_FRAME + 1).to_be_bytes().to_vec();
        huge.extend_from_slice(b"{}");
        assert!(read_frame::<Request>(&mut huge.as_slice()).is_err());
        // Truncated body.
        assert!(read_frame::<Request>(&mut &buf[..buf.len() - 1]).is_err());
    }
}
