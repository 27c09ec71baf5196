//! The office's messages: who calls ([`Caller`]), what a request returns ([`Reply`]), a
//! refusal ([`ErrorReply`]) and the [`Response`] that carries either. Plain data, the same in
//! this process and on the socket (office::protocol frames them).

use super::export::Bytes;
use super::roles::Role;
use super::{
    DrawJson, DrawPreview, DueItem, ImportOutcome, InspectorProgress, OfficeError, StatusFigures,
};
use crate::domain::inspector::{Department, Inspector, RecusalPair};
use crate::domain::plan::Plan;
use crate::domain::task::Task;
use crate::domain::Target;
use crate::i18n::Lang;
use crate::store::audit::AuditEntry;
use crate::store::VerifyReport;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

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
    /// The events after `since` the server still holds; `complete`: they follow on from
    /// `since` without a gap (else fetch a snapshot).
    Changes {
        events: Vec<Event>,
        complete: bool,
    },
    /// Binary frames of a snapshot follow this answer (office::stream).
    SnapshotStream(StreamHeader),
    Rules(Box<super::rules::RulesReply>),
    Oversight(Box<super::oversight::OversightReply>),
    Coverage(Box<super::coverage::Coverage>),
    Listing(Box<super::listing::Listing>),
}

/// Sent to subscribers after each committed write: the audit log's new length and head, and
/// the records the write changed ([`super::delta`]), so a replica follows without a snapshot.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Event {
    pub audit_len: u64,
    pub head: String,
    /// The server dropped this subscriber because it fell behind: reload everything and
    /// subscribe again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resync: bool,
    /// The change is not carried (too large, or the registries changed without a commit:
    /// a status change dated ahead took effect): fetch a snapshot.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reload: bool,
    /// The records written since `delta.from` (absent with `reload` or `resync`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta: Option<super::delta::Delta>,
}

/// What follows the answer to a `SnapshotStream` request (office::stream).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StreamHeader {
    /// Binary frames that follow.
    pub frames: u64,
    pub targets: u64,
    pub audit_len: u64,
    /// Bodies are deflated.
    pub deflated: bool,
}

/// Targets per frame of a snapshot stream (about 3.7 MB encoded).
pub const STREAM_PIECE: usize = 16_384;

impl StreamHeader {
    /// The header of a stream of `targets` targets: the rest in one frame, then the pieces.
    pub fn of(targets: usize, audit_len: u64, deflated: bool) -> StreamHeader {
        StreamHeader {
            frames: 1 + targets.div_ceil(STREAM_PIECE) as u64,
            targets: targets as u64,
            audit_len,
            deflated,
        }
    }
}

/// The registries and the book as a client's replica needs them. As the JSON answer to
/// `Request::Snapshot` it is about 0.8 kB per target (543 kB for the 650-target demo), some
/// 800 MB at a million targets; the TUI fetches it instead with `Request::SnapshotStream`
/// (office::stream: the record codec, deflated on request, in frames of 16,384 targets
/// decoded in parallel), once, and then follows the change events' records (office::delta).
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
    /// The registries (their indexes built on first use) and the book.
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
