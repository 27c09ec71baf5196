//! What is open over the current screen: a form (and what it edits), help, the palette, a
//! report, a question, the busy spinner.

use super::*;

/// What a form edits.
#[derive(Debug, Clone, PartialEq)]
pub enum FormKind {
    /// Status change of a target (`Targets`) or an inspector (`Inspectors`).
    /// `revision`: the record's revision when the form opened (sent with the save, which is
    /// refused when another save came first).
    Status {
        registry: Registry,
        id: u64,
        revision: Option<u64>,
    },
    /// Add (`id == 0`, no revision) or edit a target.
    Target {
        id: u64,
        revision: Option<u64>,
    },
    Import,
    /// Void a draw, with a reason.
    VoidDraw {
        id: u64,
    },
    TaskCheck {
        id: u64,
    },
    TaskResult {
        id: u64,
    },
    TaskPublish {
        id: u64,
    },
    TaskExempt {
        id: u64,
    },
    /// The follow-up of a violation found at a task's check.
    TaskFollowUp {
        id: u64,
    },
    /// Add (`id == 0`, no revision) or edit a plan.
    Plan {
        id: u64,
        revision: Option<u64>,
    },
    /// The path prompt of an export.
    Export {
        kind: crate::report::ExportKind,
    },
}

impl FormKind {
    /// The revision an edit form opened with (`None`: not an edit of a stored record).
    pub fn revision(&self) -> Option<u64> {
        match self {
            FormKind::Status { revision, .. }
            | FormKind::Target { revision, .. }
            | FormKind::Plan { revision, .. } => *revision,
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Form {
    pub kind: FormKind,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// An error that belongs to no single field (e.g. refused by the office).
    pub error: Option<String>,
}

impl Form {
    /// The position of the field `key` (see [`Field::key`]).
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.key == key)
    }

    /// The trimmed text of the field `key` ("" if the form has no such field).
    pub fn get(&self, key: &str) -> &str {
        self.index_of(key)
            .and_then(|i| self.fields.get(i))
            .map_or("", |f| f.input.text().trim())
    }

    /// The hint of the field `key`.
    pub fn hint(&self, key: &str) -> &str {
        self.index_of(key)
            .and_then(|i| self.fields.get(i))
            .map_or("", |f| f.hint.as_str())
    }
}

/// A popup over the current tab.
#[derive(Debug, Clone)]
pub enum Overlay {
    Help(Picker),
    Palette(Picker),
    Form(Form),
    /// A scrollable text panel (import report, errors).
    Report {
        title: String,
        lines: Vec<String>,
        scroll: usize,
    },
    /// A scrollable preview that runs `op` when confirmed (the import preview).
    Confirm {
        title: String,
        lines: Vec<String>,
        scroll: usize,
        op: Box<Op>,
    },
    /// A y/n question before `op` (void, overwrite; `None`: quit); `back` is the form it
    /// came from.
    Ask {
        title: String,
        lines: Vec<String>,
        op: Option<Box<Op>>,
        back: Box<Form>,
    },
    /// Waiting for a background operation; `progress` (0.0 to 1.0) draws a gauge.
    Busy {
        label: String,
        ticks: usize,
        progress: Option<f64>,
    },
}
