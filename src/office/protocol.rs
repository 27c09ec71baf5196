//! Plain requests and responses: the office's operations as values, so the CLI can call the
//! office in-process or through `shuangsui serve` with the same code, and every call passes
//! the same role check.
//!
//! On the socket every frame is a u32 big-endian length followed by that many bytes of JSON.
//! The client speaks first with a [`ClientHello`]; the server answers with a [`ServerHello`]
//! (or a [`Response::Error`] naming both protocol versions); then each [`Request`] frame is
//! answered by one [`Response`] frame. A client that sent [`Request::Subscribe`] receives
//! [`Event`] frames after every committed write instead.

use super::roles::Role;
use super::Office;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::io::Read;

/// The protocol version; a client and a server of different versions refuse each other.
/// 2: edits carry `base_revision` (`SaveTarget`/`SavePlan` became struct variants).
/// 3: the five task-step requests became one `TaskStep { task, step }` (`domain::task::Step`).
/// 4: events carry the records a commit wrote ([`Event::delta`]) or say `reload`; `Changes`
///    and the streamed binary `SnapshotStream` (issue 17).
pub const PROTOCOL_VERSION: u32 = 4;

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
pub use super::messages::{Caller, Drawn, ErrorReply, Event, Reply, Response, Snapshot};
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
    write_frame_body(w, &body)
}

/// Write one frame of JSON already encoded (an event sent to many subscribers is encoded once).
pub fn write_frame_body(w: &mut impl std::io::Write, body: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(body.len())
        .ok()
        .filter(|n| *n <= MAX_FRAME)
        .ok_or_else(|| std::io::Error::other("frame too large"))?;
    let mut buf = Vec::with_capacity(body.len() + 4);
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(body);
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
}

#[cfg(test)]
#[path = "protocol_tests.rs"]
mod tests;
