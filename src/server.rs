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
    read_frame, version_mismatch, write_frame, Bytes, Caller, ClientHello, ErrorReply, Event,
    ExportSpec, Reply, Request, Response, ServerHello, PROTOCOL_VERSION,
};
use crate::office::{Office, OfficeError};
use std::io::ErrorKind;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The socket of a store unless `--socket` names another: `shuangsui.sock` in the store
/// directory.
pub fn default_socket(db: &Path) -> PathBuf {
    db.join("shuangsui.sock")
}

/// Do a request in-process or on the server: exports are written here (the office does not
/// write workbooks), everything else goes to [`Office::handle`].
pub fn dispatch(office: &Office, req: Request, caller: &Caller) -> Response {
    if let Err(e) = office.authorize(&req, caller) {
        return Response::Error(e);
    }
    match req {
        Request::Export { what, to } => {
            let lang = caller.lang;
            let _acting = office.acting(&caller.user, lang);
            match export(office, &what, to, caller.remote, lang) {
                Ok(r) => Response::Ok(r),
                Err(e) => Response::Error(ErrorReply::from_office(&e, lang)),
            }
        }
        other => office.handle_authorized(other, caller),
    }
}

fn export(
    office: &Office,
    what: &ExportSpec,
    to: Option<PathBuf>,
    remote: bool,
    lang: Lang,
) -> Result<Reply, OfficeError> {
    use crate::report::ExportKind as K;
    use clap::ValueEnum;
    let kind = match what {
        ExportSpec::Draw(id) => K::Draw(*id),
        ExportSpec::Announcement(id) => K::Announcement(*id),
        ExportSpec::Quarterly { period, today } => K::Quarterly {
            period: period.clone(),
            today: *today,
        },
        ExportSpec::Publication(p) => K::Publication(p.clone()),
        ExportSpec::Plan(y) => K::Plan(*y),
        ExportSpec::Registry(r) => K::Registry(
            crate::report::RegistryKind::from_str(r, true)
                .map_err(|_| OfficeError::NotFound(r.clone()))?,
        ),
    };
    match to.as_ref().filter(|_| !remote) {
        Some(path) => {
            let s = crate::report::export(office, &kind, path, lang, &|_| {})?;
            Ok(Reply::Exported {
                text: s.localize(lang),
                bytes: None,
            })
        }
        None => {
            let dir = crate::office::protocol::tempfile_dir()?;
            let file = dir.0.join("export.xlsx");
            let mut s = crate::report::export(office, &kind, &file, lang, &|_| {})?;
            // The client writes the bytes where it was asked to; the message names that place.
            if let Some(p) = to {
                s.path = p;
            }
            let bytes = std::fs::read(&file).map_err(|e| OfficeError::Refused(e.to_string()))?;
            Ok(Reply::Exported {
                text: s.localize(lang),
                bytes: Some(Bytes(bytes)),
            })
        }
    }
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

/// The subscribers of change events.
#[derive(Default)]
struct Subscribers(Mutex<Vec<UnixStream>>);

impl Subscribers {
    fn notify(&self, ev: &Event) {
        let mut subs = self.0.lock().unwrap_or_else(|p| p.into_inner());
        subs.retain_mut(|s| write_frame(s, ev).is_ok());
    }
}

/// Why `serve` did not start.
#[derive(Debug)]
pub enum ServeError {
    Office(OfficeError),
    /// Another server answers on the socket.
    Running(PathBuf),
    Socket(PathBuf, std::io::Error),
    Roles(crate::office::roles::RolesError),
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
}

impl Server {
    /// Open the store, read the roles, and bind the socket (a stale socket file is removed;
    /// a live one means another server runs: refused).
    pub fn bind(db: &Path, socket: &Path, roles: &Path, lang: Lang) -> Result<Server, ServeError> {
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
        let roles = crate::office::Roles::load(roles).map_err(ServeError::Roles)?;
        let office = Office::open(db, lang).map_err(ServeError::Office)?;
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
        })
    }

    pub fn office(&self) -> &Arc<Office> {
        &self.office
    }

    /// Accept connections until the process ends; one thread per connection.
    pub fn run(self) -> std::io::Result<()> {
        for conn in self.listener.incoming() {
            let stream = match conn {
                Ok(s) => s,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    tracing::warn!("accept: {e}");
                    continue;
                }
            };
            let office = Arc::clone(&self.office);
            let subs = Arc::clone(&self.subscribers);
            std::thread::spawn(move || {
                if let Err(e) = serve_connection(&office, &subs, stream) {
                    tracing::debug!("connection ended: {e}");
                }
            });
        }
        let _ = std::fs::remove_file(&self.socket);
        Ok(())
    }
}

fn serve_connection(
    office: &Office,
    subs: &Subscribers,
    mut stream: UnixStream,
) -> std::io::Result<()> {
    let (uid, _gid) = peer_uid(&stream)?;
    let (user, groups) = crate::office::roles::user_and_groups(uid);
    let Some(hello) = read_frame::<ClientHello>(&mut stream)? else {
        return Ok(());
    };
    if hello.protocol != PROTOCOL_VERSION {
        return write_frame(
            &mut stream,
            &Response::Error(version_mismatch(PROTOCOL_VERSION, hello.protocol)),
        );
    }
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
    while let Some(req) = read_frame::<Request>(&mut stream)? {
        let write = req.is_write();
        if matches!(req, Request::Subscribe) {
            let resp = dispatch(office, req, &caller);
            let ok = matches!(resp, Response::Ok(_));
            write_frame(&mut stream, &resp)?;
            if ok {
                let mine = stream.try_clone()?;
                subs.0.lock().unwrap_or_else(|p| p.into_inner()).push(mine);
            }
            continue;
        }
        let resp = dispatch(office, req, &caller);
        let committed = write && matches!(resp, Response::Ok(_));
        write_frame(&mut stream, &resp)?;
        if committed {
            let head = office
                .audit_tail(1)
                .ok()
                .and_then(|t| t.last().map(|e| e.hash_hex()))
                .unwrap_or_default();
            subs.notify(&Event {
                audit_len: office.audit_len() as u64,
                head,
            });
        }
    }
    Ok(())
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
