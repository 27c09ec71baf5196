//! A new client's snapshot, streamed (issue 17): [`super::ops::Request::SnapshotStream`] is
//! answered by a [`StreamHeader`], then `header.frames` binary frames (u32 big-endian length,
//! then the body): first the registries and the book without the targets, then the targets in
//! pieces of [`PIECE`] in id order. A body is one kind byte, then the store's record codec
//! (bincode) of the piece, deflated when the header says so. The server encodes pieces in
//! parallel and writes them as they are ready; the client decodes them in parallel as they
//! arrive and can show its progress frame by frame.

use super::messages::Snapshot;
use super::{Book, Office, Revisions, State};
use crate::domain::Target;
use crate::store::codec;
use rayon::prelude::*;
use serde::Serialize;
use std::io::{Read, Write};

pub use super::messages::{StreamHeader, STREAM_PIECE as PIECE};

/// Pieces encoded at once by the server (memory: this many frames).
const BATCH: usize = 8;

/// The largest frame of a stream a client accepts.
pub const MAX_STREAM_FRAME: u32 = 256 << 20;

const KIND_REST: u8 = 0;
const KIND_TARGETS: u8 = 1;

/// Everything a snapshot holds, as taken at one moment (the server takes it between writes).
pub struct Taken {
    pub state: std::sync::Arc<State>,
    pub book: std::sync::Arc<Book>,
    pub revisions: std::sync::Arc<Revisions>,
    pub audit_len: u64,
}

impl Taken {
    pub fn header(&self, deflated: bool) -> StreamHeader {
        StreamHeader::of(self.state.targets.len(), self.audit_len, deflated)
    }
}

impl Office {
    /// The registries, the book and the revisions now (no copy: shared snapshots).
    pub fn take(&self) -> Taken {
        Taken {
            state: self.state(),
            book: self.book(),
            revisions: self.revisions(),
            audit_len: self.audit_len() as u64,
        }
    }
}

fn body<T: Serialize + ?Sized>(kind: u8, v: &T, deflate: bool) -> std::io::Result<Vec<u8>> {
    let raw = codec::encode(v).map_err(std::io::Error::other)?;
    let mut out = vec![kind];
    if deflate {
        let mut z = flate2::write::DeflateEncoder::new(out, flate2::Compression::fast());
        z.write_all(&raw)?;
        out = z.finish()?;
    } else {
        out.extend_from_slice(&raw);
    }
    Ok(out)
}

fn frame(w: &mut impl Write, body: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(body.len())
        .ok()
        .filter(|n| *n <= MAX_STREAM_FRAME)
        .ok_or_else(|| std::io::Error::other("frame too large"))?;
    w.write_all(&len.to_be_bytes())?;
    w.write_all(body)
}

/// Write the frames of `t` (after its header was sent).
pub fn write_stream(w: &mut impl Write, t: &Taken, deflate: bool) -> std::io::Result<()> {
    let book = &t.book;
    let rest = Snapshot {
        targets: Vec::new(),
        inspectors: t.state.inspectors.clone(),
        departments: t.state.departments.clone(),
        conflicts: t.state.conflicts.clone(),
        plans: book.plans.clone(),
        draws: book.draws.clone(),
        tasks: book.tasks.clone(),
        audit_len: t.audit_len,
        announcements: book
            .announcements
            .iter()
            .map(super::announce::sealed_copy)
            .collect(),
        revisions: (*t.revisions).clone(),
    };
    frame(w, &body(KIND_REST, &rest, deflate)?)?;
    drop(rest);
    for batch in t.state.targets.chunks(PIECE * BATCH) {
        let bodies: Vec<std::io::Result<Vec<u8>>> = batch
            .par_chunks(PIECE)
            .map(|p| body(KIND_TARGETS, p, deflate))
            .collect();
        for b in bodies {
            frame(w, &b?)?;
        }
    }
    w.flush()
}

fn decode_body<T: codec::Stored>(kind: u8, bytes: &[u8], deflated: bool) -> Result<T, String> {
    let (&k, rest) = bytes.split_first().ok_or("empty frame")?;
    if k != kind {
        return Err(format!("frame of kind {k} where {kind} was expected"));
    }
    let raw;
    let rec = if deflated {
        let mut out = Vec::with_capacity(rest.len() * 4);
        flate2::read::DeflateDecoder::new(rest)
            .read_to_end(&mut out)
            .map_err(|e| e.to_string())?;
        raw = out;
        raw.as_slice()
    } else {
        rest
    };
    codec::decode(rec).map_err(|e| e.to_string())
}

/// Read the frames announced by `h` from `r`, decoding the pieces in parallel as they arrive;
/// `progress(frames read, frames in all)` after each frame.
pub fn read_stream(
    r: &mut (impl Read + Send),
    h: &StreamHeader,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Snapshot, String> {
    let next = |r: &mut _| -> Result<Vec<u8>, String> {
        super::protocol::read_frame_bytes(r, MAX_STREAM_FRAME)
            .map_err(|e| std::io::Error::from(e).to_string())?
            .ok_or_else(|| "the stream ended early".to_string())
    };
    let first = next(r)?;
    progress(1, h.frames);
    let deflated = h.deflated;
    let (tx, rx) = std::sync::mpsc::channel();
    let mut rest: Option<Result<Snapshot, String>> = None;
    rayon::scope(|s| {
        s.spawn(|_| rest = Some(decode_body::<Snapshot>(KIND_REST, &first, deflated)));
        for i in 1..h.frames {
            let b = match next(r) {
                Ok(b) => b,
                Err(e) => {
                    let _ = tx.send((i, Err(e)));
                    break;
                }
            };
            progress(i + 1, h.frames);
            let tx = tx.clone();
            s.spawn(move |_| {
                let _ = tx.send((i, decode_body::<Vec<Target>>(KIND_TARGETS, &b, deflated)));
            });
        }
    });
    drop(tx);
    let mut pieces: Vec<(u64, Vec<Target>)> = Vec::with_capacity(h.frames as usize);
    for (i, p) in rx {
        pieces.push((i, p?));
    }
    pieces.sort_unstable_by_key(|(i, _)| *i);
    if pieces.len() as u64 + 1 != h.frames {
        return Err("the stream ended early".into());
    }
    let mut snap = rest.unwrap_or_else(|| Err("no registries in the stream".into()))?;
    let mut targets = Vec::with_capacity(h.targets as usize);
    for (_, p) in pieces {
        targets.extend(p);
    }
    snap.targets = targets;
    Ok(snap)
}

crate::stored_unchanged!(Snapshot);
