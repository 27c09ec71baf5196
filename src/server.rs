//! `shuangsui serve`: one process holds the store and answers the office's requests over a
//! Unix domain socket, so several people of the intranet server work on one store at once.
//!
//! Frames and messages are in [`crate::office::protocol`]. Each connection gets a thread; the
//! caller's identity is the socket's peer credentials (SO_PEERCRED), never what the client
//! says; the roles file decides what they may do. Writes are serialised by the office, and
//! each is committed (and flushed) before its answer is sent, so killing the server loses at
//! most the answer of the write in flight, never a committed record.

use crate::i18n::Lang;
use crate::office::protocol::{
    decode_frame, read_frame, read_frame_bytes, version_mismatch, write_frame, Caller, ClientHello,
    ErrorReply, Event, FrameError, Reply, Request, Response, ServerHello, DEFAULT_MAX_REQUEST,
    MAX_HELLO, PROTOCOL_VERSION,
};
use crate::office::{Office, OfficeError};
use std::collections::HashMap;
use std::io::{ErrorKind, Read};
use std::net::Shutdown;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What one connection may cost the server before and after it is known who calls (see
/// README, "Server limits"). Everything is bounded before the caller's role is looked at.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request frame (the hello is at most [`MAX_HELLO`]).
    pub max_request: u32,
    /// From connecting to a complete hello.
    pub hello_timeout: Duration,
    /// From a frame's first byte to its last.
    pub frame_timeout: Duration,
    /// Between two requests (a subscriber's connection has none: it waits for events).
    pub idle_timeout: Duration,
    /// For writing one answer or one event to a peer that does not read.
    pub write_timeout: Duration,
    /// Connections at once, in total and per user (peer uid).
    pub max_connections: usize,
    pub max_per_user: usize,
    /// Events queued for one subscriber; a subscriber further behind is dropped with a resync.
    pub subscriber_queue: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_request: DEFAULT_MAX_REQUEST,
            hello_timeout: Duration::from_secs(10),
            frame_timeout: Duration::from_secs(120),
            idle_timeout: Duration::from_secs(30 * 60),
            write_timeout: Duration::from_secs(30),
            max_connections: 256,
            max_per_user: 32,
            subscriber_queue: 64,
        }
    }
}

/// The socket of a store unless `--socket` names another: `shuangsui.sock` in the store
/// directory.
pub fn default_socket(db: &Path) -> PathBuf {
    db.join("shuangsui.sock")
}

/// The uid and gid of the process at the other end of a Unix socket.
#[cfg(target_os = "linux")]
pub fn peer_uid(s: &UnixStream) -> std::io::Result<(u32, u32)> {
    use std::os::unix::io::AsRawFd;
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` is a valid, writable ucred and `len` its size, as SO_PEERCRED requires;
    // the descriptor belongs to `s` and is open for the duration of the call.
    let rc = unsafe {
        libc::getsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok((cred.uid, cred.gid))
}

#[cfg(not(target_os = "linux"))]
pub fn peer_uid(_s: &UnixStream) -> std::io::Result<(u32, u32)> {
    Err(std::io::Error::other("peer credentials need Linux"))
}

/// The connections alive, to cap them per user and in total.
#[derive(Default)]
struct Connections(Mutex<ConnTable>);

#[derive(Default)]
struct ConnTable {
    next: u64,
    live: HashMap<u64, ConnInfo>,
}

struct ConnInfo {
    uid: u32,
    /// Whether its hello came (before it, anyone may evict it when the total cap is reached).
    greeted: bool,
    /// Since when it waits for a request (`None`: a request is being served).
    idle_since: Option<Instant>,
    subscribed: bool,
    /// A handle to shut it down when it is evicted.
    stream: UnixStream,
}

/// Removes its connection from the table when the connection's thread ends.
struct ConnSlot<'a> {
    conns: &'a Connections,
    id: u64,
}

impl Drop for ConnSlot<'_> {
    fn drop(&mut self) {
        self.conns
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .live
            .remove(&self.id);
    }
}

impl Connections {
    /// Admit a connection of `uid`, evicting an idle one when a cap is reached: the same
    /// user's longest idle connection (not a subscription), else, when the total is reached,
    /// the oldest connection of anyone that has not said hello yet. `None`: refused.
    fn admit(&self, uid: u32, stream: &UnixStream, limits: &Limits) -> Option<u64> {
        let handle = stream.try_clone().ok()?;
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let mine = t.live.values().filter(|c| c.uid == uid).count();
        let full = t.live.len() >= limits.max_connections;
        if mine >= limits.max_per_user || full {
            let own = t
                .live
                .iter()
                .filter(|(_, c)| c.uid == uid && !c.subscribed)
                .filter_map(|(id, c)| c.idle_since.map(|s| (s, *id)))
                .min();
            let victim = match own {
                Some((_, id)) => Some(id),
                None if full && mine < limits.max_per_user => t
                    .live
                    .iter()
                    .filter(|(_, c)| !c.greeted)
                    .filter_map(|(id, c)| c.idle_since.map(|s| (s, *id)))
                    .min()
                    .map(|(_, id)| id),
                None => None,
            };
            let victim = victim?;
            if let Some(c) = t.live.remove(&victim) {
                let _ = c.stream.shutdown(Shutdown::Both);
            }
        }
        t.next += 1;
        let id = t.next;
        t.live.insert(
            id,
            ConnInfo {
                uid,
                greeted: false,
                idle_since: Some(Instant::now()),
                subscribed: false,
                stream: handle,
            },
        );
        Some(id)
    }

    fn update(&self, id: u64, f: impl FnOnce(&mut ConnInfo)) {
        if let Some(c) = self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .live
            .get_mut(&id)
        {
            f(c);
        }
    }

    fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).live.len()
    }
}

/// Reads of one frame against a deadline: each read waits at most the time left.
struct Deadline<'a> {
    stream: &'a UnixStream,
    until: Instant,
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        (&mut &*self.stream).read(buf)
    }
}

/// Wait up to `idle` (`None`: for ever) for a frame to begin, then read it within `frame`.
/// `Ok(None)`: the peer closed, or stayed idle too long.
fn read_bounded(
    stream: &UnixStream,
    limit: u32,
    idle: Option<Duration>,
    frame: Duration,
) -> Result<Option<Vec<u8>>, FrameError> {
    stream.set_read_timeout(idle).map_err(FrameError::Io)?;
    let mut first = [0u8; 1];
    loop {
        match (&mut &*stream).read(&mut first) {
            Ok(0) => return Ok(None),
            Ok(_) => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Ok(None)
            }
            Err(e) => return Err(FrameError::Io(e)),
        }
    }
    let rest = Deadline {
        stream,
        until: Instant::now() + frame,
    };
    read_frame_bytes(&mut first.as_slice().chain(rest), limit)
}

/// The answer to a frame that is too large or is not a request.
fn frame_refusal(e: &FrameError) -> Response {
    Response::Error(match e {
        FrameError::TooLarge { len, limit } => ErrorReply::plain(
            format!("请求过大：{len} 字节，服务器上限为 {limit} 字节（见 serve --max-frame-mb）；连接已关闭"),
            format!("request too large: {len} bytes, the server takes at most {limit} (see serve --max-frame-mb); connection closed"),
        ),
        FrameError::Json(e) => ErrorReply::plain(
            format!("无法解读的请求（不是本版本协议的 JSON）：{e}"),
            format!("unreadable request (not JSON of this protocol version): {e}"),
        ),
        FrameError::Io(e) => ErrorReply::plain(
            format!("读取请求失败：{e}"),
            format!("reading the request failed: {e}"),
        ),
    })
}

/// Why `serve` did not start.
#[derive(Debug)]
pub enum ServeError {
    Office(OfficeError),
    /// Another server answers on the socket.
    Running(PathBuf),
    Socket(PathBuf, std::io::Error),
    Roles(crate::office::roles::RolesError),
    /// `--db` names no store.
    NoStore(PathBuf),
}

impl ServeError {
    pub fn localize(&self, lang: Lang) -> String {
        match self {
            ServeError::Office(e) => e.localize(lang),
            ServeError::Running(p) => match lang {
                Lang::Zh => format!("已有 shuangsui serve 在 {} 上运行", p.display()),
                Lang::En => format!("a shuangsui serve already answers on {}", p.display()),
            },
            ServeError::Socket(p, e) => match lang {
                Lang::Zh => format!("无法监听套接字 {}：{e}", p.display()),
                Lang::En => format!("cannot listen on {}: {e}", p.display()),
            },
            ServeError::Roles(e) => e.localize(lang),
            ServeError::NoStore(p) => crate::office::no_store_here(p, lang),
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            ServeError::Office(e) => e.exit_code(),
            ServeError::Running(_) => 2,
            _ => 1,
        }
    }
}

/// What a socket path holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketState {
    Absent,
    /// A server accepts connections.
    Live,
    /// The file exists but nobody listens (a server was killed).
    Stale,
}

pub fn socket_state(path: &Path) -> SocketState {
    if std::fs::symlink_metadata(path).is_err() {
        return SocketState::Absent;
    }
    match UnixStream::connect(path) {
        Ok(_) => SocketState::Live,
        Err(_) => SocketState::Stale,
    }
}

/// A bound server, ready to [`Server::run`].
pub struct Server {
    office: Arc<Office>,
    listener: UnixListener,
    socket: PathBuf,
    subscribers: Arc<Subscribers>,
    writes: Arc<Writes>,
    connections: Arc<Connections>,
    limits: Limits,
}

impl Server {
    /// Open the store, read the roles, and bind the socket (a stale socket file is removed;
    /// a live one means another server runs: refused).
    pub fn bind(db: &Path, socket: &Path, roles: &Path, lang: Lang) -> Result<Server, ServeError> {
        Server::bind_roles(db, socket, roles, false, lang)
    }

    /// [`Server::bind`]; `roles_explicit`: the roles file was named (`--roles`), so it must
    /// exist. A `db` that holds no store is refused (run `init` first).
    pub fn bind_roles(
        db: &Path,
        socket: &Path,
        roles: &Path,
        roles_explicit: bool,
        lang: Lang,
    ) -> Result<Server, ServeError> {
        if !crate::office::store_exists(db) {
            return Err(ServeError::NoStore(db.to_path_buf()));
        }
        // The socket first: a second server must be told so, not that the store is in use.
        match socket_state(socket) {
            SocketState::Live => return Err(ServeError::Running(socket.to_path_buf())),
            SocketState::Stale => {
                // Only a socket is removed, never a regular file given by mistake.
                use std::os::unix::fs::FileTypeExt;
                let is_socket = std::fs::symlink_metadata(socket)
                    .map(|m| m.file_type().is_socket())
                    .unwrap_or(false);
                if !is_socket {
                    return Err(ServeError::Socket(
                        socket.to_path_buf(),
                        std::io::Error::new(ErrorKind::AlreadyExists, "not a socket"),
                    ));
                }
                std::fs::remove_file(socket)
                    .map_err(|e| ServeError::Socket(socket.to_path_buf(), e))?;
            }
            SocketState::Absent => {}
        }
        let roles_file = roles;
        let roles =
            crate::office::Roles::load(roles_file, roles_explicit).map_err(ServeError::Roles)?;
        let office = Office::open(db, lang).map_err(ServeError::Office)?;
        crate::report::register(&office);
        if let Some(r) = &roles {
            r.check_inspectors(&office.state().inspectors, roles_file)
                .map_err(ServeError::Roles)?;
        }
        office.set_roles(roles);
        let listener =
            UnixListener::bind(socket).map_err(|e| ServeError::Socket(socket.to_path_buf(), e))?;
        {
            // Owner and group: `chgrp shuangsui` the socket (or its directory) to let the
            // office's users in (see README).
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o660));
        }
        Ok(Server {
            office: Arc::new(office),
            listener,
            socket: socket.to_path_buf(),
            subscribers: Arc::default(),
            writes: Arc::default(),
            connections: Arc::default(),
            limits: Limits::default(),
        })
    }

    /// Replace the default [`Limits`].
    pub fn with_limits(mut self, limits: Limits) -> Server {
        self.limits = limits;
        self
    }

    pub fn office(&self) -> &Arc<Office> {
        &self.office
    }

    /// Accept connections until the process ends; one thread per connection, within the caps
    /// of [`Limits`]. A failing `accept` (no descriptors left, no memory) is retried after a
    /// pause that doubles up to a second, and logged at most once a second.
    pub fn run(self) -> std::io::Result<()> {
        let mut pause = Duration::ZERO;
        let mut last_log: Option<Instant> = None;
        let mut unlogged = 0u64;
        loop {
            let stream = match self.listener.accept() {
                Ok((s, _)) => {
                    pause = Duration::ZERO;
                    s
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    if last_log.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
                        tracing::warn!("accept: {e} ({unlogged} more failures not logged)");
                        last_log = Some(Instant::now());
                        unlogged = 0;
                    } else {
                        unlogged += 1;
                    }
                    pause = (pause * 2).clamp(Duration::from_millis(10), Duration::from_secs(1));
                    std::thread::sleep(pause);
                    continue;
                }
            };
            self.admit(stream);
        }
    }

    fn admit(&self, stream: UnixStream) {
        let Ok((uid, _gid)) = peer_uid(&stream) else {
            return;
        };
        let Some(id) = self.connections.admit(uid, &stream, &self.limits) else {
            refuse_busy(stream, &self.limits);
            return;
        };
        let office = Arc::clone(&self.office);
        let subs = Arc::clone(&self.subscribers);
        let writes = Arc::clone(&self.writes);
        let conns = Arc::clone(&self.connections);
        let limits = self.limits.clone();
        let spawned = std::thread::Builder::new()
            .name("connection".into())
            .spawn(move || {
                let _slot = ConnSlot { conns: &conns, id };
                let conn = Conn {
                    id,
                    uid,
                    office: &office,
                    subs: &subs,
                    writes: &writes,
                    conns: &conns,
                    limits: &limits,
                };
                if let Err(e) = conn.serve(stream) {
                    tracing::debug!("connection ended: {e}");
                }
                subs.remove(id);
            });
        if let Err(e) = spawned {
            tracing::warn!("no thread for a connection: {e}");
            self.connections
                .0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .live
                .remove(&id);
        }
    }

    /// Connections and subscribers alive (tests, logs).
    pub fn counts(&self) -> (usize, usize) {
        (self.connections.len(), self.subscribers.len())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// Tell a connection over the caps why it is closed (without waiting for it to read).
fn refuse_busy(mut stream: UnixStream, limits: &Limits) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    let _ = write_frame(
        &mut stream,
        &Response::Error(ErrorReply::plain(
            format!(
                "服务器连接数已满（每个用户最多 {} 个，共 {} 个）：请关闭不用的 shuangsui 后重试",
                limits.max_per_user, limits.max_connections
            ),
            format!(
                "the server has too many connections (at most {} per user, {} in all): close shuangsui sessions you do not use and try again",
                limits.max_per_user, limits.max_connections
            ),
        )),
    );
}

/// After a refusal: stop writing, and take (and drop) what the peer is still sending for a
/// moment, so closing does not reset the connection before the peer read the refusal. Bounded:
/// at most 1 MB and 200 ms.
fn close_gently(stream: &UnixStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let until = Instant::now() + Duration::from_millis(200);
    let mut sink = [0u8; 16 * 1024];
    let mut taken = 0usize;
    while taken < (1 << 20) {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match (&mut &*stream).read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => taken += n,
        }
    }
}

/// One connection's thread.
struct Conn<'a> {
    id: u64,
    uid: u32,
    office: &'a Office,
    subs: &'a Subscribers,
    writes: &'a Writes,
    conns: &'a Connections,
    limits: &'a Limits,
}

impl Conn<'_> {
    fn serve(&self, mut stream: UnixStream) -> std::io::Result<()> {
        let limits = self.limits;
        stream.set_write_timeout(Some(limits.write_timeout))?;
        let hello = match read_bounded(
            &stream,
            MAX_HELLO,
            Some(limits.hello_timeout),
            limits.hello_timeout,
        ) {
            Ok(None) => return Ok(()),
            Ok(Some(b)) => decode_frame::<ClientHello>(&b),
            Err(e) => Err(e),
        };
        let hello = match hello {
            Ok(h) => h,
            Err(FrameError::Io(e)) => return Err(e),
            Err(e) => {
                write_frame(&mut stream, &frame_refusal(&e))?;
                close_gently(&stream);
                return Ok(());
            }
        };
        if hello.protocol != PROTOCOL_VERSION {
            return write_frame(
                &mut stream,
                &Response::Error(version_mismatch(PROTOCOL_VERSION, hello.protocol)),
            );
        }
        let office = self.office;
        let (user, groups) = crate::office::roles::user_and_groups(self.uid);
        let caller = Caller {
            user,
            groups,
            lang: hello.lang,
            remote: true,
        };
        write_frame(
            &mut stream,
            &ServerHello {
                protocol: PROTOCOL_VERSION,
                user: caller.user.clone(),
                role: office.role_of(&caller),
                store: office.store_path().display().to_string(),
            },
        )?;
        self.conns.update(self.id, |c| {
            c.greeted = true;
            c.idle_since = Some(Instant::now());
        });
        let mut subscribed = false;
        loop {
            let idle = (!subscribed).then_some(limits.idle_timeout);
            let req = match read_bounded(&stream, limits.max_request, idle, limits.frame_timeout) {
                Ok(None) => return Ok(()),
                Ok(Some(b)) => decode_frame::<Request>(&b),
                Err(e) => Err(e),
            };
            let req = match req {
                Ok(r) => r,
                Err(FrameError::Io(e)) => return Err(e),
                Err(e @ FrameError::TooLarge { .. }) => {
                    write_frame(&mut stream, &frame_refusal(&e))?;
                    close_gently(&stream);
                    return Ok(());
                }
                // The frame was whole: the stream is still in step.
                Err(e @ FrameError::Json(_)) => {
                    write_frame(&mut stream, &frame_refusal(&e))?;
                    continue;
                }
            };
            self.conns.update(self.id, |c| c.idle_since = None);
            let write = req.is_write();
            let subscribe = matches!(req, Request::Subscribe);
            let changes_since = match req {
                Request::Changes { since } => Some(since),
                _ => None,
            };
            let stream_snapshot = matches!(req, Request::SnapshotStream);
            // Status changes dated ahead take effect on their day, without a restart: the
            // replicas reload (the registries changed without a commit).
            if office.apply_due_status_changes(chrono::Local::now().date_naive()) > 0 {
                let _gate = self.writes.gate.lock().unwrap_or_else(|p| p.into_inner());
                self.publish(Event {
                    audit_len: office.audit_len() as u64,
                    head: self.head(),
                    reload: true,
                    ..Event::default()
                });
            }
            let mut resp = if write {
                // One write at a time from its start to its event. A refused write may still
                // be on record (an infeasible draw attempt is an audited commit): the
                // subscribers hear of every change of the audit log.
                let _gate = self.writes.gate.lock().unwrap_or_else(|p| p.into_inner());
                let before = office.audit_len() as u64;
                let counts = office.counts();
                let resp = crate::office::ops::execute(office, req, &caller);
                let after = office.audit_len() as u64;
                if after != before {
                    self.publish(self.event(before, after, counts));
                }
                resp
            } else if stream_snapshot {
                // Taken between two writes, so the registries and the audit length agree.
                let taken = {
                    let _gate = self.writes.gate.lock().unwrap_or_else(|p| p.into_inner());
                    office.take()
                };
                match crate::office::ops::execute(office, req, &caller) {
                    Response::Ok(_) => {
                        let deflate = stream_deflate();
                        let head = taken.header(deflate);
                        write_frame(&mut stream, &Response::Ok(Reply::SnapshotStream(head)))?;
                        crate::office::stream::write_stream(&mut stream, &taken, deflate)?;
                        drop(taken);
                        self.conns
                            .update(self.id, |c| c.idle_since = Some(Instant::now()));
                        continue;
                    }
                    refused => refused,
                }
            } else {
                crate::office::ops::execute(office, req, &caller)
            };
            if let (Some(since), Response::Ok(Reply::Changes { events, complete })) =
                (changes_since, &mut resp)
            {
                let now = office.audit_len() as u64;
                let recent = self.writes.recent.lock().unwrap_or_else(|p| p.into_inner());
                (*events, *complete) = if since == now {
                    (Vec::new(), true)
                } else {
                    recent.since(since, now)
                };
            }
            let ok = matches!(resp, Response::Ok(_));
            write_frame(&mut stream, &resp)?;
            if subscribe && ok && !subscribed {
                self.subs.add(self.id, stream.try_clone()?, limits)?;
                subscribed = true;
            }
            self.conns.update(self.id, |c| {
                c.idle_since = Some(Instant::now());
                c.subscribed = subscribed;
            });
        }
    }

    fn head(&self) -> String {
        self.office
            .audit_tail(1)
            .ok()
            .and_then(|t| t.last().map(|e| e.hash_hex()))
            .unwrap_or_default()
    }

    /// The event of the audit entries `before + 1 ..= after` (the write gate is held): the
    /// records they wrote, or a reload when that would be too large.
    fn event(&self, before: u64, after: u64, counts: crate::office::delta::Counts) -> Event {
        let delta = self.office.delta(before, after, counts);
        Event {
            audit_len: after,
            head: self.head(),
            reload: delta.is_none(),
            delta,
            ..Event::default()
        }
    }

    /// Keep the event for [`Request::Changes`] and send it to the subscribers (the write gate
    /// is held). An event too large to send becomes a reload.
    fn publish(&self, mut ev: Event) {
        let mut bytes = serde_json::to_vec(&ev)
            .map(|b| b.len())
            .unwrap_or(usize::MAX);
        if bytes > MAX_EVENT_BYTES {
            ev.delta = None;
            ev.reload = true;
            bytes = 0;
        }
        self.writes
            .recent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(&ev, bytes);
        self.subs.notify(&ev);
    }
}

/// Whether a snapshot stream is deflated: only with `SHUANGSUI_STREAM_DEFLATE=1`. The socket
/// is on the server's own machine, where it moves the plain frames faster than deflate makes
/// them smaller (1M targets: 2.6 s plain, 4.8 s deflated; README, "Performance").
fn stream_deflate() -> bool {
    std::env::var("SHUANGSUI_STREAM_DEFLATE").is_ok_and(|v| v == "1")
}

/// Why a client could not talk to a server.
#[derive(Debug)]
pub enum ConnectError {
    /// No socket file, or nobody listening on it: open the store directly.
    NoServer,
    /// The server speaks another protocol version.
    Refused(ErrorReply),
    Io(std::io::Error),
}

/// A connection to `shuangsui serve`.
pub struct Client {
    stream: UnixStream,
    pub hello: ServerHello,
}

impl Client {
    pub fn connect(socket: &Path, lang: Lang) -> Result<Client, ConnectError> {
        Client::connect_as(socket, lang, PROTOCOL_VERSION)
    }

    /// [`Client::connect`] announcing another protocol version (tests).
    pub fn connect_as(socket: &Path, lang: Lang, protocol: u32) -> Result<Client, ConnectError> {
        let mut stream = match UnixStream::connect(socket) {
            Ok(s) => s,
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::ConnectionRefused) => {
                return Err(ConnectError::NoServer)
            }
            Err(e) => return Err(ConnectError::Io(e)),
        };
        write_frame(&mut stream, &ClientHello { protocol, lang }).map_err(ConnectError::Io)?;
        // The answer is a ServerHello, or an error naming both versions.
        let v: serde_json::Value = read_frame(&mut stream)
            .map_err(ConnectError::Io)?
            .ok_or_else(|| ConnectError::Io(ErrorKind::UnexpectedEof.into()))?;
        if let Ok(Response::Error(e)) = serde_json::from_value::<Response>(v.clone()) {
            return Err(ConnectError::Refused(e));
        }
        let hello: ServerHello = serde_json::from_value(v)
            .map_err(|e| ConnectError::Io(std::io::Error::new(ErrorKind::InvalidData, e)))?;
        Ok(Client { stream, hello })
    }

    /// Send a request and wait for its response.
    pub fn call(&mut self, req: &Request) -> std::io::Result<Response> {
        write_frame(&mut self.stream, req)?;
        read_frame(&mut self.stream)?.ok_or_else(|| ErrorKind::UnexpectedEof.into())
    }

    /// The registries and the book, streamed in binary frames and decoded in parallel
    /// (office::stream); `progress(frames read, frames in all)` as they arrive.
    pub fn snapshot_stream(
        &mut self,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<crate::office::protocol::Snapshot, OfficeError> {
        let lost = |e: std::io::Error| OfficeError::Remote(lost_server(&e));
        let header = match self.call(&Request::SnapshotStream).map_err(lost)? {
            Response::Ok(Reply::SnapshotStream(h)) => h,
            Response::Ok(_) => {
                return Err(OfficeError::Remote(ErrorReply::plain(
                    "服务器的回答与请求不符（版本不一致？）".into(),
                    "the server's answer does not fit the request (version mismatch?)".into(),
                )))
            }
            Response::Error(e) => return Err(OfficeError::Remote(e)),
        };
        crate::office::stream::read_stream(&mut self.stream, &header, progress)
            .map_err(|e| lost(std::io::Error::new(ErrorKind::InvalidData, e)))
    }

    /// Subscribe, then call `on_event` for each change until it returns false or the
    /// connection ends.
    pub fn subscribe(mut self, mut on_event: impl FnMut(Event) -> bool) -> std::io::Result<()> {
        match self.call(&Request::Subscribe)? {
            Response::Ok(_) => {}
            Response::Error(e) => return Err(std::io::Error::other(e.message_en)),
        }
        while let Some(ev) = read_frame::<Event>(&mut self.stream)? {
            if !on_event(ev) {
                break;
            }
        }
        Ok(())
    }
}

/// The message for a server that went away in the middle of a request.
pub fn lost_server(e: &std::io::Error) -> ErrorReply {
    ErrorReply::plain(
        format!("与 shuangsui serve 的连接中断：{e}（该操作是否已提交请用 list 或 verify 确认）"),
        format!("the connection to shuangsui serve was lost: {e} (check with list or verify whether the operation was committed)"),
    )
}

mod events;
use events::{Subscribers, Writes, MAX_EVENT_BYTES};

#[cfg(test)]
mod events_tests;

#[cfg(test)]
mod tests {
    use super::*;

    /// A subscriber that never reads costs the writers nothing: `notify` only queues, and the
    /// subscriber is dropped once its queue is full.
    #[test]
    fn a_subscriber_that_never_reads_blocks_nobody_and_is_dropped() {
        let (server_end, client_end) = UnixStream::pair().unwrap();
        let subs = Subscribers::default();
        let limits = Limits {
            subscriber_queue: 4,
            write_timeout: Duration::from_millis(200),
            ..Limits::default()
        };
        subs.add(1, server_end, &limits).unwrap();
        let ev = Event {
            audit_len: 1,
            head: "0".repeat(10_000),
            ..Event::default()
        };
        let start = Instant::now();
        for _ in 0..2_000 {
            subs.notify(&ev);
        }
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(subs.len(), 0, "the lagging subscriber is still there");
        // What was queued before arrives, then the end (the resync when it could be written).
        client_end
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut r = &client_end;
        let mut n = 0;
        while let Ok(Some(e)) = read_frame::<Event>(&mut r) {
            n += 1;
            assert!(n < 2_000);
            if e.resync {
                break;
            }
        }
        assert!(n >= 1);
    }

    /// A frame announcing a gigabyte and sending nothing more is refused as too large without
    /// waiting for or allocating its body; one that is slow is cut at the frame deadline.
    #[test]
    fn frames_are_bounded_in_size_and_time() {
        let (a, mut b) = UnixStream::pair().unwrap();
        use std::io::Write;
        b.write_all(&(1u32 << 30).to_be_bytes()).unwrap();
        let r = read_bounded(&a, MAX_HELLO, None, Duration::from_secs(5));
        assert!(matches!(
            r,
            Err(FrameError::TooLarge { len, limit: MAX_HELLO }) if len == 1 << 30
        ));
        // 10 bytes announced, 2 sent: cut after the frame deadline.
        b.write_all(&10u32.to_be_bytes()).unwrap();
        b.write_all(b"{}").unwrap();
        let start = Instant::now();
        let r = read_bounded(&a, MAX_HELLO, None, Duration::from_millis(300));
        assert!(
            matches!(r, Err(FrameError::Io(ref e)) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock)),
            "{r:?}"
        );
        assert!(start.elapsed() < Duration::from_secs(3));
        // Idle: nothing at all within the idle time is a quiet end.
        let (c, _d) = UnixStream::pair().unwrap();
        let r = read_bounded(
            &c,
            MAX_HELLO,
            Some(Duration::from_millis(100)),
            Duration::from_secs(5),
        );
        assert!(matches!(r, Ok(None)));
    }
}
