//! How a front end reaches the office: the store opened by this process ([`Conn::Local`]) or
//! `shuangsui serve` ([`Conn::Remote`]). Either way a [`Request`] goes through
//! [`crate::office::ops::execute`] (here, or on the server for the socket's peer), so the role
//! check, the write gate and the audit user are the same for the CLI and the TUI, locally
//! and through the server.

use crate::i18n::Lang;
use crate::office::ops::{execute_with, Request};
use crate::office::protocol::{Caller, Reply, Response};
use crate::office::{Office, OfficeError};
use crate::server::Client;
use std::sync::{Arc, Mutex};

/// A connection to the office.
pub enum Conn {
    /// The store of this process; `caller` is the OS user, judged by the roles file.
    Local { office: Arc<Office>, caller: Caller },
    /// A client of `shuangsui serve` (the server knows the caller from the socket).
    Remote(Mutex<Client>),
}

impl Conn {
    /// The office of this process, used by the OS user; exports are written by the report
    /// layer's writer.
    pub fn local(office: Arc<Office>, lang: Lang) -> Conn {
        Conn::with_caller(office, Caller::local(lang))
    }

    /// The office of this process, used by `caller`.
    pub fn with_caller(office: Arc<Office>, caller: Caller) -> Conn {
        crate::report::register(&office);
        Conn::Local { office, caller }
    }

    /// Through the server a connected client reaches.
    pub fn remote(client: Client) -> Conn {
        Conn::Remote(Mutex::new(client))
    }

    /// Do a request; a refusal or failure (from the office, the role check or the server) is
    /// an [`OfficeError::Remote`] carrying its message and exit status.
    pub fn call(&self, req: Request) -> Result<Reply, OfficeError> {
        self.call_with(req, &|_| {})
    }

    /// [`Conn::call`] reporting an export's progress (in this process only).
    pub fn call_with(&self, req: Request, progress: &dyn Fn(f64)) -> Result<Reply, OfficeError> {
        self.call_in(req, None, progress)
    }

    /// [`Conn::call_with`] with the answer's messages in `lang` (in this process; the server
    /// answers in the language of the connection's hello, refusals in both).
    pub fn call_in(
        &self,
        req: Request,
        lang: impl Into<Option<Lang>>,
        progress: &dyn Fn(f64),
    ) -> Result<Reply, OfficeError> {
        let lang = lang.into();
        let resp = match self {
            Conn::Local { office, caller } => match lang {
                Some(lang) if lang != caller.lang => {
                    let caller = Caller {
                        lang,
                        ..caller.clone()
                    };
                    execute_with(office, req, &caller, progress)
                }
                _ => execute_with(office, req, caller, progress),
            },
            Conn::Remote(c) => c
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .call(&req)
                .map_err(|e| OfficeError::Remote(crate::server::lost_server(&e)))?,
        };
        match resp {
            Response::Ok(r) => Ok(r),
            Response::Error(e) => Err(OfficeError::Remote(e)),
        }
    }

    /// The registries and the book for a replica: through the server streamed in binary
    /// frames (`progress(frames read, frames in all)`), here a copy of the office's.
    pub fn snapshot(
        &self,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<crate::office::protocol::Snapshot, OfficeError> {
        match self {
            Conn::Local { office, .. } => Ok(office.snapshot()),
            Conn::Remote(c) => c
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .snapshot_stream(progress),
        }
    }

    /// The same connection answering in `lang`.
    pub fn set_lang(&mut self, lang: Lang) {
        if let Conn::Local { caller, .. } = self {
            caller.lang = lang;
        }
    }

    /// The office of this process (`None` through the server).
    pub fn office(&self) -> Option<&Arc<Office>> {
        match self {
            Conn::Local { office, .. } => Some(office),
            Conn::Remote(_) => None,
        }
    }

    /// Put a new connection to the server in place of one that was lost (the TUI reconnects).
    pub fn replace_client(&self, client: Client) {
        if let Conn::Remote(c) = self {
            *c.lock().unwrap_or_else(|p| p.into_inner()) = client;
        }
    }

    pub fn is_remote(&self) -> bool {
        matches!(self, Conn::Remote(_))
    }

    /// Where the store is: its path, or the server's.
    pub fn store_label(&self) -> String {
        match self {
            Conn::Local { office, .. } => office.store_path().display().to_string(),
            Conn::Remote(c) => c
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .hello
                .store
                .clone(),
        }
    }
}
