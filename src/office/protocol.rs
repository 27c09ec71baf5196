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
use super::{ListKind, Office, OfficeError};
use crate::i18n::Lang;
use crate::store::TreeName;
use serde::{Deserialize, Serialize};
use std::io::Read;

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

pub use super::export::{Bytes, ExportSpec};
pub use super::messages::{Caller, Drawn, ErrorReply, Reply, Response, Snapshot};
pub use super::ops::{Need, Request};

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

impl Office {
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

#[cfg(test)]
#[path = "protocol_tests.rs"]
mod tests;
