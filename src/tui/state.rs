//! The application state: pure data and one `update` (the Elm shape).
//!
//! [`AppState::update`] turns an [`Input`] (a key, a mouse wheel, a resize) into a change of the
//! state and an [`Effect`]. It reads the registries through a [`Ctx`] but never writes them:
//! everything that touches the store is returned as an [`Op`] for the app loop
//! (`super::app`) to perform, and its outcome comes back through [`AppState::finish`]. So the
//! state can be tested without a terminal, and drawing (`super::views`) only reads it.
//!
//! Long lists hold a vector of matching row indices (`u32`), not rows: filtering a million
//! targets scans them once per keystroke (or only the previous matches when the filter grew),
//! and sorting sorts the index vector, never the data.

use super::action::Action;
use super::keymap::{self, Keymap, Lookup, Mode};
use super::symbols::Symbols;
use super::text_input::TextInput;
use crate::domain::plan::Plan;
use crate::domain::{
    CreditCode, CreditCodeCheck, InspectorStatus, MonthSet, PermitClass, Rules, SupervisionLists,
    Target, TargetStatus,
};
use crate::i18n::Lang;
use crate::office::{Book, ImportKind, Revisions, State};
use crate::store::audit::AuditEntry;
use crate::store::TreeName;
use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use std::path::PathBuf;

mod ask;
mod coverage;
mod export;
mod opened;
mod progress;
mod tasks;
mod terms;
mod work;
use crate::office::DrawPreview;
pub use export::{check_path as export_check_path, default_file_name, exported_lines};
pub use opened::PastDraw;
pub use progress::{
    phrase_options, step_label, step_period, validate_step as progress_validate, Figures,
    FiguresData, StepOp, TasksView,
};
pub use tasks::{all_terms, task_audit, TASK_COLUMNS};
pub use work::{confirm_text, DrawAsk, DrawResult, DrawnTask, SimpleList, Wizard, WizardStep};

/// What `update` may read: the office's in-memory registries and Table 1.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub data: &'a State,
    pub rules: &'a Rules,
    /// Plans, draws and tasks.
    pub book: &'a Book,
    /// The records' revisions: a form keeps the one it opened with.
    pub revisions: &'a Revisions,
}

/// One thing that happened to the app.
#[derive(Debug, Clone)]
pub enum Input {
    Key(KeyEvent),
    /// An action from elsewhere (the palette, a test).
    Action(Action),
    Resize(u16, u16),
    ScrollUp,
    ScrollDown,
    /// A left click at a terminal cell (column, row).
    Click(u16, u16),
    /// Time passed (spinner).
    Tick,
    /// Text pasted (bracketed paste) or committed at once by an input method: typed into the
    /// focused input as a whole, never looked up as keys.
    Paste(String),
}

/// What the app loop must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Nothing changed; no redraw.
    Ignored,
    Redraw,
    Quit,
    /// Redraw, then perform this office operation.
    Op(Op),
}

/// An operation on the office, performed by the app loop (some on a background thread).
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Read the audit log tail and start verifying the chain in the background.
    OpenAudit,
    /// `base`: the revision the form opened with (a save against a newer one is refused).
    SetTargetStatus {
        id: u64,
        status: TargetStatus,
        date: NaiveDate,
        reason: String,
        base: Option<u64>,
    },
    SetInspectorStatus {
        id: u64,
        status: InspectorStatus,
        date: NaiveDate,
        reason: String,
        base: Option<u64>,
    },
    /// A target and the revision its form opened with.
    SaveTarget(Box<Target>, Option<u64>),
    /// Add (`id == 0`) or replace a plan, from the revision its form opened with.
    SavePlan(Box<Plan>, Option<u64>),
    /// Run in the background. First with `dry_run` (the preview, to be confirmed), then for
    /// real.
    Import {
        kind: ImportKind,
        path: PathBuf,
        dry_run: bool,
    },
    /// Prepare a draw and show its preview (nothing random happens).
    PreviewDraw(DrawAsk),
    /// Draw and commit at one sitting (in the background).
    CommitDraw(DrawAsk),
    /// Announce a draw: freeze its input, seal the entropy, record the commitment.
    AnnounceDraw {
        ask: DrawAsk,
        source: String,
    },
    /// Draw an announcement with its witness and commit (in the background).
    CommitAnnounced {
        id: u64,
        witness: String,
    },
    VoidDraw {
        id: u64,
        reason: String,
    },
    /// Read the figures (status, progress, due) of a period.
    LoadFigures {
        period: String,
        today: NaiveDate,
    },
    /// Record a task step, then read the figures again.
    TaskStep {
        id: u64,
        step: StepOp,
        period: String,
        today: NaiveDate,
    },
    /// Read the coverage of years `from..=to` (issue 18).
    LoadCoverage {
        from: i32,
        to: i32,
    },
    /// Write a workbook (in the background, with a progress gauge).
    Export {
        kind: crate::report::ExportKind,
        /// Absolute.
        path: PathBuf,
    },
}

/// The outcome of an [`Op`], already in the user's language.
#[derive(Debug, Clone)]
pub enum OpResult {
    Audit(Result<(Vec<AuditEntry>, usize), String>),
    /// `ok` and one line of text.
    Verify {
        ok: bool,
        text: String,
    },
    /// A status change or a saved form: `Ok(message)` or the error for the form.
    Saved(Result<String, String>),
    /// An import: the report lines or the error lines.
    Imported(Result<Vec<String>, Vec<String>>),
    /// The dry run of an import: what it would change (to be confirmed with `confirm`, the
    /// import itself), or the error lines.
    ImportPreviewed {
        confirm: Box<Op>,
        result: Result<Vec<String>, Vec<String>>,
    },
    /// The preview of a draw, or why it cannot be drawn.
    Preview(Result<DrawPreview, String>),
    /// A committed draw, or why it was refused.
    Drawn(Result<DrawResult, String>),
    /// An announcement made, or why it was refused.
    Announced(Result<Box<crate::office::announce::AnnouncementJson>, String>),
    Figures(Result<FiguresData, String>),
    Coverage(Result<Box<crate::office::coverage::Coverage>, String>),
    /// A task step: the message or the office's refusal, and the figures read after it.
    Stepped {
        result: Result<String, String>,
        figures: Option<Result<FiguresData, String>>,
    },
    /// How far an export is (0.0 to 1.0).
    ExportProgress(f64),
    /// A finished export: what the result panel says, or the error.
    Exported(Result<Vec<String>, String>),
    /// The data changed under the screens (another user's write through the server).
    Refreshed,
}

/// The seven tabs.
pub const TABS: [(&str, &str); 7] = [
    ("总览", "Dashboard"),
    ("名录库", "Registries"),
    ("抽查计划", "Plans"),
    ("抽取", "Draws"),
    ("任务进度", "Tasks"),
    ("结果公示", "Publication"),
    ("审计", "Audit"),
];
pub const TAB_DASHBOARD: usize = 0;
pub const TAB_REGISTRIES: usize = 1;
pub const TAB_PLANS: usize = 2;
pub const TAB_DRAWS: usize = 3;
pub const TAB_TASKS: usize = 4;
pub const TAB_PUBLICATION: usize = 5;
pub const TAB_AUDIT: usize = 6;

/// The four registries of the registries tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registry {
    Targets,
    Inspectors,
    Departments,
    Conflicts,
    /// The inspection item list (抽查事项清单, issue 19).
    Items,
}

impl Registry {
    /// The store tree its records live in (their revisions are kept by it).
    pub fn tree(self) -> TreeName {
        match self {
            Registry::Targets => TreeName::Targets,
            Registry::Inspectors => TreeName::Inspectors,
            Registry::Departments => TreeName::Departments,
            Registry::Conflicts => TreeName::Conflicts,
            Registry::Items => TreeName::Items,
        }
    }

    pub const ALL: [Registry; 5] = [
        Registry::Targets,
        Registry::Inspectors,
        Registry::Departments,
        Registry::Conflicts,
        Registry::Items,
    ];

    pub fn index(self) -> usize {
        Registry::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Registry::Targets => lang.pick("检查对象", "Targets"),
            Registry::Inspectors => lang.pick("检查人员", "Inspectors"),
            Registry::Departments => lang.pick("部门", "Departments"),
            Registry::Conflicts => lang.pick("回避", "Recusals"),
            Registry::Items => lang.pick("事项", "Items"),
        }
    }

    /// Number of records.
    pub fn len(self, data: &State) -> usize {
        match self {
            Registry::Targets => data.targets.len(),
            Registry::Inspectors => data.inspectors.len(),
            Registry::Departments => data.departments.len(),
            Registry::Conflicts => data.conflicts.len(),
            Registry::Items => data.items.len(),
        }
    }

    /// Column titles (zh, en), in sort order. The views decide which fit.
    pub fn columns(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Registry::Targets => &[
                ("名称", "Name"),
                ("信用代码", "Credit code"),
                ("乡镇", "Town"),
                ("规则", "Row"),
                ("状态", "Status"),
                ("行业", "Industry"),
                ("管理类别", "Permit"),
            ],
            Registry::Inspectors => &[
                ("姓名", "Name"),
                ("执法证号", "Certificate"),
                ("部门", "Department"),
                ("岗位", "Post"),
                ("证件有效期", "Valid until"),
                ("状态", "Status"),
            ],
            Registry::Departments => &[("代码", "Code"), ("名称", "Name"), ("类型", "Kind")],
            Registry::Conflicts => &[
                ("检查人员", "Inspector"),
                ("检查对象", "Target"),
                ("事由", "Reason"),
            ],
            Registry::Items => &[
                ("编码", "Code"),
                ("抽查事项", "Item"),
                ("事项类别", "Class"),
                ("检查依据", "Basis"),
            ],
        }
    }
}

/// One registry's list: filter, sort and the visible window.
#[derive(Debug, Clone, Default)]
pub struct ListView {
    pub filter: TextInput,
    /// The filter text the matches were computed for.
    pub applied: String,
    /// Row indices that match the filter, in display order.
    pub matches: Vec<u32>,
    /// Every row index in sort order (empty: natural order).
    pub order: Vec<u32>,
    pub sort_col: Option<usize>,
    pub sort_rev: bool,
    pub selected: usize,
    pub offset: usize,
    /// Targets only: the address and 规则 column of each, lower-cased (see `state::terms`).
    pub extra: Vec<String>,
}

impl ListView {
    /// The record index of the selected row.
    pub fn selected_index(&self) -> Option<usize> {
        self.matches.get(self.selected).map(|&i| i as usize)
    }
}

/// Whether the audit chain has been verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyState {
    NotRun,
    Running,
    Done { ok: bool, text: String },
}

#[derive(Debug, Clone)]
pub struct AuditView {
    /// Newest first.
    pub entries: Vec<AuditEntry>,
    pub total: usize,
    pub selected: usize,
    pub offset: usize,
    pub verify: VerifyState,
    pub error: Option<String>,
}

/// One row of the help screen or the palette.
#[derive(Debug, Clone, PartialEq)]
pub struct PickEntry {
    pub action: Action,
    /// The key(s), if bound.
    pub keys: String,
    pub desc: String,
    /// Text matched by the filter besides `desc`.
    pub search: String,
}

/// A filterable list of actions: the help screen and the command palette.
#[derive(Debug, Clone)]
pub struct Picker {
    pub title: String,
    pub input: TextInput,
    pub entries: Vec<PickEntry>,
    /// Indices into `entries` that match the input.
    pub matches: Vec<usize>,
    pub selected: usize,
    /// The mode the picker was opened from (help lists its bindings).
    pub under: Mode,
}

impl Picker {
    fn refilter(&mut self) {
        let q = self.input.text().to_string();
        self.matches = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                fuzzy_match(&q, e.action.name())
                    || fuzzy_match(&q, &e.desc)
                    || fuzzy_match(&q, &e.search)
            })
            .map(|(i, _)| i)
            .collect();
        self.selected = self.selected.min(self.matches.len().saturating_sub(1));
    }

    pub fn selected_entry(&self) -> Option<&PickEntry> {
        self.matches
            .get(self.selected)
            .and_then(|&i| self.entries.get(i))
    }
}

/// Subsequence match, case-insensitive for ASCII: every character of `query` appears in
/// `text` in order. The empty query matches everything.
pub fn fuzzy_match(query: &str, text: &str) -> bool {
    let mut it = text.chars().map(|c| c.to_ascii_lowercase());
    query
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .all(|q| it.any(|c| c == q))
}

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
pub struct Field {
    pub label: &'static str,
    pub label_en: &'static str,
    pub input: TextInput,
    /// What may be typed, shown beside the field.
    pub hint: String,
    pub error: Option<String>,
    /// A list to choose from (empty: free text). The input then holds the chosen number,
    /// 1-based; up/down or a digit choose.
    pub options: Vec<String>,
}

impl Field {
    fn new(label: &'static str, label_en: &'static str, text: &str, hint: String) -> Field {
        Field {
            label,
            label_en,
            input: TextInput::with_text(text),
            hint,
            error: None,
            options: Vec::new(),
        }
    }

    /// A list field with option `chosen` (1-based) selected.
    fn choice(
        label: &'static str,
        label_en: &'static str,
        options: Vec<String>,
        chosen: usize,
        hint: String,
    ) -> Field {
        let chosen = chosen.clamp(1, options.len().max(1));
        Field {
            options,
            ..Field::new(label, label_en, &chosen.to_string(), hint)
        }
    }

    /// The chosen option (1-based) of a list field.
    pub fn chosen(&self) -> Option<usize> {
        self.input
            .text()
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=self.options.len()).contains(n))
    }

    /// Move a list field's choice by `delta`, within the list.
    fn choose_by(&mut self, delta: isize) {
        let n = self.options.len() as isize;
        if n == 0 {
            return;
        }
        let cur = self.chosen().unwrap_or(1) as isize;
        let next = (cur + delta).clamp(1, n);
        self.input.set_text(&next.to_string());
    }

    /// A typed digit chooses that option of a list field; other keys do nothing there.
    fn choose_key(&mut self, key: KeyEvent) -> bool {
        use crossterm::event::{KeyCode, KeyModifiers};
        let KeyCode::Char(c) = key.code else {
            return false;
        };
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return false;
        }
        match c.to_digit(10).map(|d| d as usize) {
            Some(d) if (1..=self.options.len()).contains(&d) => {
                self.input.set_text(&d.to_string());
                true
            }
            _ => false,
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
    fn value(&self, i: usize) -> &str {
        self.fields
            .get(i)
            .map(|f| f.input.text().trim())
            .unwrap_or("")
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

/// Fixed settings of one session.
#[derive(Debug, Clone)]
pub struct Config {
    pub lang: Lang,
    pub keymap: Keymap,
    pub symbols: Symbols,
    /// false with NO_COLOR: only bold and reverse.
    pub color: bool,
    pub mouse: bool,
    /// "Today" for the header and default dates (fixed in tests).
    pub today: NaiveDate,
    /// The store shown in the status bar.
    pub store_label: String,
    pub user: String,
    /// Working through `shuangsui serve` (the header says 服务器模式 instead of 本地库).
    pub server: bool,
    /// The certificate number of the inspector the user is (the roles file's
    /// `[inspectors]`), for `m` (mine).
    pub me: Option<String>,
}

/// Everything the screen shows, and nothing else.
#[derive(Debug, Clone)]
pub struct AppState {
    pub cfg: Config,
    pub tab: usize,
    pub registry: Registry,
    pub lists: [ListView; 5],
    /// The `/` filter line has the focus.
    pub filtering: bool,
    pub detail: bool,
    pub audit: AuditView,
    pub overlay: Option<Overlay>,
    /// One-line message in the status bar until the next key.
    pub message: Option<String>,
    /// Keys typed so far of a multi-key chord.
    pub pending: Vec<KeyEvent>,
    /// Terminal size.
    pub size: (u16, u16),
    /// The plans tab: selected plan and whether its detail is open.
    pub plans: SimpleList,
    /// The draws tab: the past draws list.
    pub draws: SimpleList,
    /// The draw wizard, while one is open.
    pub wizard: Option<Wizard>,
    /// The dashboard in large type for a projector.
    pub presentation: bool,
    /// Test hook: the draw date for the wizard's commits (tests fix the entropy with
    /// `office::announce::fix_entropy_for_tests`).
    pub draw_date: Option<NaiveDate>,
    /// The period of the dashboard, tasks and publication tabs, and its figures.
    pub figures: Figures,
    pub tasks: TasksView,
    /// The past draw opened on the draws tab.
    pub past_draw: Option<PastDraw>,
    /// The audit tab shows the selected entry in full.
    pub audit_open: bool,
}

/// Rows of the screen that are not the list: header, tabs, registry line, column header,
/// status bar.
const CHROME_ROWS: u16 = 5;

impl AppState {
    pub fn new(cfg: Config, ctx: &Ctx) -> AppState {
        let cfg_today = cfg.today;
        let mut s = AppState {
            cfg,
            tab: TAB_REGISTRIES,
            registry: Registry::Targets,
            lists: Default::default(),
            filtering: false,
            detail: false,
            audit: AuditView {
                entries: Vec::new(),
                total: 0,
                selected: 0,
                offset: 0,
                verify: VerifyState::NotRun,
                error: None,
            },
            overlay: None,
            message: None,
            pending: Vec::new(),
            size: (80, 24),
            plans: SimpleList::default(),
            draws: SimpleList::default(),
            wizard: None,
            presentation: false,
            draw_date: None,
            figures: Figures::new(cfg_today),
            tasks: TasksView::default(),
            past_draw: None,
            audit_open: false,
        };
        for r in Registry::ALL {
            s.recompute(r, ctx, true);
        }
        s
    }

    pub fn lang(&self) -> Lang {
        self.cfg.lang
    }

    pub fn list(&self) -> &ListView {
        &self.lists[self.registry.index()]
    }

    fn list_mut(&mut self) -> &mut ListView {
        &mut self.lists[self.registry.index()]
    }

    /// Height of the detail pane (0 when closed), rule line included.
    pub fn detail_height(&self) -> u16 {
        if !self.detail || self.tab != TAB_REGISTRIES {
            return 0;
        }
        let body = self.size.1.saturating_sub(CHROME_ROWS);
        (body / 2).clamp(4, 16).min(body.saturating_sub(3))
    }

    /// Rows available to the list body of the current tab.
    pub fn list_height(&self) -> usize {
        usize::from(
            self.size
                .1
                .saturating_sub(CHROME_ROWS)
                .saturating_sub(self.detail_height())
                .max(1),
        )
    }

    /// The keymap mode for the current focus.
    pub fn mode(&self) -> Mode {
        match &self.overlay {
            Some(Overlay::Help(_))
            | Some(Overlay::Report { .. })
            | Some(Overlay::Confirm { .. }) => Mode::Help,
            Some(Overlay::Palette(_)) => Mode::Palette,
            Some(Overlay::Form(_)) => Mode::Form,
            Some(Overlay::Busy { .. }) | Some(Overlay::Ask { .. }) => Mode::Confirm,
            None if self.filtering => Mode::Filter,
            None if self.wizard.is_some() && self.tab == TAB_DRAWS => Mode::Wizard,
            None if self.detail && self.tab == TAB_REGISTRIES => Mode::Detail,
            None => Mode::List,
        }
    }

    /// Handle one input.
    pub fn update(&mut self, input: Input, ctx: &Ctx) -> Effect {
        match input {
            Input::Resize(w, h) => {
                if self.size == (w, h) {
                    return Effect::Ignored;
                }
                self.size = (w, h);
                self.clamp_scroll();
                Effect::Redraw
            }
            Input::Tick => match &mut self.overlay {
                Some(Overlay::Busy { ticks, .. }) => {
                    *ticks += 1;
                    Effect::Redraw
                }
                _ => Effect::Ignored,
            },
            Input::ScrollUp => self.apply(Action::Up, ctx),
            Input::ScrollDown => self.apply(Action::Down, ctx),
            Input::Click(_, row) => self.click(row),
            Input::Action(a) => self.apply(a, ctx),
            Input::Key(key) => self.key(key, ctx),
            Input::Paste(text) => self.paste(&text, ctx),
        }
    }

    /// Insert pasted text into the focused input; ignored where no text is typed.
    fn paste(&mut self, text: &str, ctx: &Ctx) -> Effect {
        if text.is_empty() || !self.mode().takes_text() {
            return Effect::Ignored;
        }
        self.message = None;
        self.pending.clear();
        match &mut self.overlay {
            Some(Overlay::Help(p)) | Some(Overlay::Palette(p)) => {
                p.input.insert_str(text);
                p.refilter();
            }
            Some(Overlay::Form(f)) => match f.fields.get_mut(f.focus) {
                Some(field) => field.input.insert_str(text),
                None => return Effect::Ignored,
            },
            Some(_) => return Effect::Ignored,
            None if self.filtering && self.tab == TAB_TASKS => {
                self.tasks.filter.insert_str(text);
                self.tasks.selected = 0;
            }
            None if self.filtering => {
                self.list_mut().filter.insert_str(text);
                self.filter_changed(ctx);
            }
            None => return Effect::Ignored,
        }
        Effect::Redraw
    }

    fn key(&mut self, key: KeyEvent, ctx: &Ctx) -> Effect {
        let key = keymap::normalize(key);
        if is_ctrl_c(&key) && !matches!(self.overlay, Some(Overlay::Busy { .. })) {
            // Quit from anywhere; a form asks first (see `state::ask`).
            self.pending.clear();
            self.message = None;
            return self.apply(Action::Quit, ctx);
        }
        let had_message = self.message.take().is_some();
        let mode = self.mode();
        self.pending.push(key);
        let found = self.cfg.keymap.lookup(mode, &self.pending);
        match found {
            Lookup::Action(a) => {
                self.pending.clear();
                self.apply(a, ctx)
            }
            Lookup::Pending => Effect::Redraw,
            Lookup::None => {
                let was_chord = self.pending.len() > 1;
                self.pending.clear();
                if mode.takes_text() && self.type_key(key, ctx) {
                    return Effect::Redraw;
                }
                if had_message || was_chord {
                    Effect::Redraw
                } else {
                    Effect::Ignored
                }
            }
        }
    }

    /// Type an unbound key into the focused input.
    fn type_key(&mut self, key: KeyEvent, ctx: &Ctx) -> bool {
        match &mut self.overlay {
            Some(Overlay::Help(p)) | Some(Overlay::Palette(p)) => {
                if p.input.input_key(key) {
                    p.refilter();
                    return true;
                }
                false
            }
            Some(Overlay::Form(f)) => match f.fields.get_mut(f.focus) {
                Some(field) if !field.options.is_empty() => field.choose_key(key),
                Some(field) => field.input.input_key(key),
                None => false,
            },
            Some(_) => false,
            None if self.wizard.is_some() && self.tab == TAB_DRAWS => {
                match self.wizard.as_mut().and_then(Wizard::input_mut) {
                    Some(input) => input.input_key(key),
                    None => false,
                }
            }
            None if self.filtering && self.tab == TAB_TASKS => {
                let typed = self.tasks.filter.input_key(key);
                if typed {
                    self.tasks.selected = 0;
                }
                typed
            }
            None if self.filtering => {
                let typed = self.list_mut().filter.input_key(key);
                if typed {
                    self.filter_changed(ctx);
                }
                typed
            }
            None => false,
        }
    }

    /// Perform one action in the current mode.
    pub fn apply(&mut self, action: Action, ctx: &Ctx) -> Effect {
        match self.overlay.take() {
            Some(Overlay::Help(p)) => self.apply_picker(p, true, action, ctx),
            Some(Overlay::Palette(p)) => self.apply_picker(p, false, action, ctx),
            Some(Overlay::Form(f)) => self.apply_form(f, action, ctx),
            Some(Overlay::Report {
                title,
                lines,
                scroll,
            }) => {
                let max = lines.len().saturating_sub(1);
                let page = self.list_height();
                let scroll = match action {
                    Action::Quit => return Effect::Quit,
                    Action::Cancel | Action::Confirm | Action::Help => return Effect::Redraw,
                    Action::Up => scroll.saturating_sub(1),
                    Action::Down => (scroll + 1).min(max),
                    Action::PageUp => scroll.saturating_sub(page),
                    Action::PageDown => (scroll + page).min(max),
                    _ => scroll,
                };
                self.overlay = Some(Overlay::Report {
                    title,
                    lines,
                    scroll,
                });
                Effect::Redraw
            }
            Some(Overlay::Confirm {
                title,
                lines,
                scroll,
                op,
            }) => {
                let max = lines.len().saturating_sub(1);
                let page = self.list_height();
                let scroll = match action {
                    Action::Confirm => return Effect::Op(*op),
                    // Nothing was written yet.
                    Action::Quit => return Effect::Quit,
                    Action::Cancel => {
                        self.message = Some(
                            self.lang()
                                .pick("已取消导入，未写入", "import cancelled, nothing written")
                                .into(),
                        );
                        return Effect::Redraw;
                    }
                    Action::Up => scroll.saturating_sub(1),
                    Action::Down => (scroll + 1).min(max),
                    Action::PageUp => scroll.saturating_sub(page),
                    Action::PageDown => (scroll + page).min(max),
                    _ => scroll,
                };
                self.overlay = Some(Overlay::Confirm {
                    title,
                    lines,
                    scroll,
                    op,
                });
                Effect::Redraw
            }
            Some(Overlay::Ask {
                title,
                lines,
                op,
                back,
            }) => self.apply_ask(title, lines, op, back, action),
            Some(busy @ Overlay::Busy { .. }) => {
                self.overlay = Some(busy);
                Effect::Ignored
            }
            None if self.filtering => self.apply_filter_mode(action, ctx),
            None if self.wizard.is_some() && self.tab == TAB_DRAWS => {
                self.apply_wizard(action, ctx)
            }
            None => self.apply_main(action, ctx),
        }
    }

    fn apply_main(&mut self, action: Action, ctx: &Ctx) -> Effect {
        let lang = self.lang();
        match action {
            Action::Quit => return Effect::Quit,
            Action::Help => self.open_help(),
            Action::Palette => self.open_palette(),
            Action::TogglePresentation => {
                self.toggle_presentation();
                return self.load_figures();
            }
            Action::Export => return self.open_export_form(ctx),
            Action::Coverage => return self.load_coverage(),
            a if self.on_work_tab() && a.tab_index().is_none() && a != Action::Refresh => {
                return self.apply_work(a, ctx)
            }
            Action::NextTab => return self.go_tab((self.tab + 1) % TABS.len()),
            Action::PrevTab => return self.go_tab((self.tab + TABS.len() - 1) % TABS.len()),
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                let page = self.list_height() as isize;
                let delta = match action {
                    Action::Up => -1,
                    Action::Down => 1,
                    Action::PageUp => -page,
                    _ => page,
                };
                self.move_by(delta);
            }
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::Refresh => {
                if self.tab == TAB_AUDIT {
                    return Effect::Op(Op::OpenAudit);
                }
                for r in Registry::ALL {
                    self.recompute(r, ctx, true);
                }
            }
            a if a.tab_index().is_some() => {
                return self.go_tab(a.tab_index().unwrap_or(TAB_REGISTRIES));
            }
            a if self.apply_audit_entry(a).is_some() => {}
            _ if self.tab != TAB_REGISTRIES => {
                self.message = Some(not_here(lang, action));
            }
            Action::Filter => self.filtering = true,
            Action::ClearFilter => {
                self.list_mut().filter.clear();
                self.filter_changed(ctx);
            }
            Action::Cancel => self.detail = false,
            Action::SortNextColumn => {
                let cols = self.registry.columns().len();
                let l = self.list_mut();
                l.sort_col = Some(match l.sort_col {
                    None => 0,
                    Some(c) => (c + 1) % cols,
                });
                l.sort_rev = false;
                self.resort(ctx);
            }
            Action::SortReverse => {
                let l = self.list_mut();
                if l.sort_col.is_none() {
                    l.sort_col = Some(0);
                }
                l.sort_rev = !l.sort_rev;
                self.resort(ctx);
            }
            Action::NextRegistry | Action::PrevRegistry => {
                let i = self.registry.index();
                let n = Registry::ALL.len();
                let j = if action == Action::NextRegistry {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.registry = Registry::ALL[j];
            }
            Action::Select | Action::Detail => {
                self.detail = if action == Action::Select {
                    true
                } else {
                    !self.detail
                };
                self.clamp_scroll();
            }
            Action::ChangeStatus => self.open_status_form(ctx),
            Action::Add => self.open_target_form(None, ctx),
            Action::Edit => {
                let sel = self.list().selected_index();
                if self.registry != Registry::Targets {
                    self.message = Some(
                        lang.pick(
                            "目前只能在界面中编辑检查对象；其他名录请导入文件",
                            "only targets can be edited here; import a file for the other registries",
                        )
                        .into(),
                    );
                } else if let Some(i) = sel {
                    self.open_target_form(ctx.data.targets.get(i), ctx);
                }
            }
            Action::Import => self.open_import_form(),
            _ => self.message = Some(not_here(lang, action)),
        }
        Effect::Redraw
    }

    /// What the current tab reloads when another user's change arrives: the figures of the
    /// dashboard, tasks and publication tabs, or the audit log. The lists are recomputed from
    /// the refreshed replica by [`AppState::data_changed`].
    pub fn reload_op(&self) -> Option<Op> {
        if self.tab == TAB_AUDIT {
            Some(Op::OpenAudit)
        } else if matches!(self.tab, TAB_DASHBOARD | TAB_TASKS | TAB_PUBLICATION) {
            match self.load_figures() {
                Effect::Op(op) => Some(op),
                _ => None,
            }
        } else {
            None
        }
    }

    fn go_tab(&mut self, tab: usize) -> Effect {
        self.tab = tab.min(TABS.len() - 1);
        self.filtering = false;
        if self.tab == TAB_AUDIT {
            Effect::Op(Op::OpenAudit)
        } else if matches!(self.tab, TAB_DASHBOARD | TAB_TASKS | TAB_PUBLICATION) {
            self.load_figures()
        } else {
            Effect::Redraw
        }
    }

    fn apply_filter_mode(&mut self, action: Action, ctx: &Ctx) -> Effect {
        if action == Action::Quit {
            return Effect::Quit;
        }
        if self.tab == TAB_TASKS {
            return self.apply_task_filter(action, ctx);
        }
        match action {
            Action::Confirm => self.filtering = false,
            Action::Cancel => {
                self.filtering = false;
                self.list_mut().filter.clear();
                self.filter_changed(ctx);
            }
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            a => {
                if self.list_mut().filter.apply(a) {
                    self.filter_changed(ctx);
                }
            }
        }
        Effect::Redraw
    }

    fn apply_picker(&mut self, mut p: Picker, help: bool, action: Action, ctx: &Ctx) -> Effect {
        match action {
            Action::Cancel => return Effect::Redraw,
            Action::Quit => return Effect::Quit,
            Action::Confirm => {
                let Some(chosen) = p.selected_entry().map(|e| e.action) else {
                    return Effect::Redraw;
                };
                // Run it where the picker was opened from.
                return self.apply(chosen, ctx);
            }
            Action::Up => p.selected = p.selected.saturating_sub(1),
            Action::Down => p.selected = (p.selected + 1).min(p.matches.len().saturating_sub(1)),
            Action::PageUp => p.selected = p.selected.saturating_sub(self.list_height()),
            Action::PageDown => {
                p.selected =
                    (p.selected + self.list_height()).min(p.matches.len().saturating_sub(1))
            }
            a => {
                if p.input.apply(a) {
                    p.refilter();
                }
            }
        }
        self.overlay = Some(if help {
            Overlay::Help(p)
        } else {
            Overlay::Palette(p)
        });
        Effect::Redraw
    }

    fn open_help(&mut self) {
        let lang = self.lang();
        let under = self.mode();
        let mut entries = Vec::new();
        for b in self.cfg.keymap.bindings(under) {
            entries.push(PickEntry {
                action: b.action,
                keys: b.chord_text(),
                desc: b.description(lang).to_string(),
                search: b.action.describe(Lang::En).to_string(),
            });
        }
        let title = format!(
            "{} {} {}",
            lang.pick("帮助", "Help"),
            self.cfg.symbols.separator,
            mode_label(under, lang)
        );
        let mut p = Picker {
            title,
            input: TextInput::new(),
            entries,
            matches: Vec::new(),
            selected: 0,
            under,
        };
        p.refilter();
        self.overlay = Some(Overlay::Help(p));
    }

    fn open_palette(&mut self) {
        let lang = self.lang();
        let under = self.mode();
        let entries = Action::ALL
            .iter()
            .map(|&a| PickEntry {
                action: a,
                keys: self.cfg.keymap.key_for(under, a).unwrap_or_default(),
                desc: a.describe(lang).to_string(),
                search: format!("{} {}", a.describe(Lang::Zh), a.describe(Lang::En)),
            })
            .collect();
        let mut p = Picker {
            title: lang.pick("命令", "Commands").to_string(),
            input: TextInput::new(),
            entries,
            matches: Vec::new(),
            selected: 0,
            under,
        };
        p.refilter();
        self.overlay = Some(Overlay::Palette(p));
    }

    // -----------------------------------------------------------------------------------------
    // Lists: moving, filtering, sorting
    // -----------------------------------------------------------------------------------------

    fn move_by(&mut self, delta: isize) {
        let page = self.list_height();
        let (len, selected) = if self.tab == TAB_AUDIT {
            (self.audit.entries.len(), &mut self.audit.selected)
        } else {
            let i = self.registry.index();
            let l = &mut self.lists[i];
            (l.matches.len(), &mut l.selected)
        };
        if len == 0 {
            *selected = 0;
        } else {
            let next = (*selected as isize).saturating_add(delta);
            *selected = next.clamp(0, len as isize - 1) as usize;
        }
        let _ = page;
        self.clamp_scroll();
    }

    /// Keep the selection inside the list and visible.
    fn clamp_scroll(&mut self) {
        let page = self.list_height();
        let fix = |selected: &mut usize, offset: &mut usize, len: usize| {
            if len == 0 {
                *selected = 0;
                *offset = 0;
                return;
            }
            *selected = (*selected).min(len - 1);
            if *selected < *offset {
                *offset = *selected;
            }
            if *selected >= *offset + page {
                *offset = *selected + 1 - page;
            }
            *offset = (*offset).min(len.saturating_sub(page));
        };
        for l in &mut self.lists {
            let len = l.matches.len();
            fix(&mut l.selected, &mut l.offset, len);
        }
        let len = self.audit.entries.len();
        fix(&mut self.audit.selected, &mut self.audit.offset, len);
    }

    fn click(&mut self, row: u16) -> Effect {
        if self.overlay.is_some() || !matches!(self.tab, TAB_REGISTRIES | TAB_AUDIT) {
            return Effect::Ignored;
        }
        // The list starts below header, tabs, registry/verify line and column header.
        let first = 4u16;
        let Some(rel) = row.checked_sub(first) else {
            return Effect::Ignored;
        };
        if usize::from(rel) >= self.list_height() {
            return Effect::Ignored;
        }
        let (len, selected, offset) = if self.tab == TAB_AUDIT {
            (
                self.audit.entries.len(),
                &mut self.audit.selected,
                self.audit.offset,
            )
        } else {
            let l = &mut self.lists[self.registry.index()];
            (l.matches.len(), &mut l.selected, l.offset)
        };
        let at = offset + usize::from(rel);
        if at < len {
            *selected = at;
            Effect::Redraw
        } else {
            Effect::Ignored
        }
    }

    fn filter_changed(&mut self, ctx: &Ctx) {
        let r = self.registry;
        self.recompute(r, ctx, false);
    }

    /// Recompute the matches of registry `r` from its filter. With `full`, or when the filter
    /// is not an extension of the previous one, all rows are scanned; otherwise only the
    /// previous matches.
    pub fn recompute(&mut self, r: Registry, ctx: &Ctx, full: bool) {
        let n = r.len(ctx.data);
        let l = &mut self.lists[r.index()];
        let query = l.filter.text().trim().to_string();
        if full && l.sort_col.is_some() {
            l.order = sorted_order(r, ctx, l.sort_col.unwrap_or(0), l.sort_rev, self.cfg.lang);
        }
        if r == Registry::Targets && (full || l.extra.len() != n) {
            l.extra = terms::target_extra(ctx);
        }
        let narrowing = !full && !l.applied.is_empty() && query.starts_with(l.applied.as_str());
        let sorted = l.sort_col.is_some() && l.order.len() == n;
        l.matches = if query.is_empty() {
            if sorted {
                l.order.clone()
            } else {
                (0..n as u32).collect()
            }
        } else if narrowing && r != Registry::Targets {
            let prev = std::mem::take(&mut l.matches);
            terms::filter_rows(r, ctx, &l.extra, &query, prev.into_iter())
        } else if sorted {
            terms::filter_rows(r, ctx, &l.extra, &query, l.order.iter().copied())
        } else {
            terms::filter_rows(r, ctx, &l.extra, &query, 0..n as u32)
        };
        l.applied = query;
        l.selected = 0;
        l.offset = 0;
        self.clamp_scroll();
    }

    /// The registries changed under the lists: recompute every list with its filter and sort,
    /// keeping the selected record (rows are records by id, never removed) and the window.
    pub fn data_changed(&mut self, ctx: &Ctx) {
        for r in Registry::ALL {
            let l = &self.lists[r.index()];
            let (keep, offset) = (l.selected_index(), l.offset);
            self.recompute(r, ctx, true);
            let l = &mut self.lists[r.index()];
            if let Some(i) = keep {
                l.selected = l
                    .matches
                    .iter()
                    .position(|&m| m as usize == i)
                    .unwrap_or(l.selected);
            }
            l.offset = offset;
        }
        self.clamp_scroll();
    }

    fn resort(&mut self, ctx: &Ctx) {
        let r = self.registry;
        let lang = self.lang();
        let l = &mut self.lists[r.index()];
        let col = l.sort_col.unwrap_or(0);
        l.order = sorted_order(r, ctx, col, l.sort_rev, lang);
        self.recompute(r, ctx, false);
        // `recompute` narrows from the old matches when it can; a resort must not.
        let l = &mut self.lists[r.index()];
        let query = l.filter.text().trim().to_string();
        l.matches = terms::filter_rows(r, ctx, &l.extra, &query, l.order.iter().copied());
        let title = r
            .columns()
            .get(col)
            .map(|c| lang.pick(c.0, c.1))
            .unwrap_or("");
        self.message = Some(format!(
            "{}{}{}",
            lang.pick("排序：", "sorted by "),
            title,
            if self.list().sort_rev {
                lang.pick("（倒序）", " (descending)")
            } else {
                ""
            }
        ));
    }

    // -----------------------------------------------------------------------------------------
    // Forms
    // -----------------------------------------------------------------------------------------

    fn open_status_form(&mut self, ctx: &Ctx) {
        let lang = self.lang();
        let Some(i) = self.list().selected_index() else {
            return;
        };
        let today = self.cfg.today.format("%Y-%m-%d").to_string();
        let (registry, id, name, current, hint) = match self.registry {
            Registry::Targets => {
                let Some(t) = ctx.data.targets.get(i) else {
                    return;
                };
                (
                    Registry::Targets,
                    t.id,
                    t.name.clone(),
                    t.status.label(lang),
                    [
                        TargetStatus::Operating,
                        TargetStatus::Suspended,
                        TargetStatus::Closed,
                    ]
                    .map(|s| s.label(lang))
                    .join(" / "),
                )
            }
            Registry::Inspectors => {
                let Some(p) = ctx.data.inspectors.get(i) else {
                    return;
                };
                (
                    Registry::Inspectors,
                    p.id,
                    p.name.clone(),
                    p.status.label(lang),
                    [
                        InspectorStatus::Active,
                        InspectorStatus::Inactive,
                        InspectorStatus::Left,
                    ]
                    .map(|s| s.label(lang))
                    .join(" / "),
                )
            }
            _ => {
                self.message = Some(
                    lang.pick(
                        "只有检查对象和检查人员有状态",
                        "only targets and inspectors have a status",
                    )
                    .into(),
                );
                return;
            }
        };
        self.overlay = Some(Overlay::Form(Form {
            kind: FormKind::Status {
                registry,
                id,
                revision: Some(ctx.revisions.rev(registry.tree(), id)),
            },
            title: format!(
                "{} {} {name}",
                lang.pick("变更状态", "Change status"),
                self.cfg.symbols.separator
            ),
            fields: vec![
                Field::new("新状态", "New status", current, hint),
                Field::new("生效日期", "Effective", &today, "YYYY-MM-DD".into()),
                Field::new("原因", "Reason", "", lang.pick("必填", "required").into()),
            ],
            focus: 0,
            error: None,
        }));
    }

    fn open_target_form(&mut self, t: Option<&Target>, ctx: &Ctx) {
        let lang = self.lang();
        if self.registry != Registry::Targets {
            self.message = Some(
                lang.pick(
                    "新增请切换到检查对象名录；其他名录请导入文件",
                    "switch to the targets registry to add; import a file for the others",
                )
                .into(),
            );
            return;
        }
        let get = |f: fn(&Target) -> String| t.map(f).unwrap_or_default();
        let permits = PermitClass::ALL.map(|p| p.label(lang)).join(" / ");
        let statuses = [
            TargetStatus::Operating,
            TargetStatus::Suspended,
            TargetStatus::Closed,
        ]
        .map(|s| s.label(lang))
        .join(" / ");
        let fields = vec![
            Field::new("单位名称", "Name", &get(|t| t.name.clone()), String::new()),
            Field::new(
                "信用代码",
                "Credit code",
                &get(|t| t.credit_code.as_str().to_string()),
                lang.pick("18 位", "18 characters").into(),
            ),
            Field::new("乡镇", "Town", &get(|t| t.region.clone()), String::new()),
            Field::new(
                "行业",
                "Industry",
                &get(|t| t.industry.clone()),
                String::new(),
            ),
            Field::new(
                "地址",
                "Address",
                &get(|t| t.address.clone()),
                String::new(),
            ),
            Field::new(
                "管理类别",
                "Permit class",
                &t.map(|t| t.permit_class.label(lang).to_string())
                    .unwrap_or_else(|| PermitClass::None.label(lang).to_string()),
                permits,
            ),
            Field::new(
                "状态",
                "Status",
                &t.map(|t| t.status.label(lang).to_string())
                    .unwrap_or_else(|| TargetStatus::Operating.label(lang).to_string()),
                statuses,
            ),
        ];
        let id = t.map(|t| t.id).unwrap_or(0);
        let title = match t {
            Some(t) => format!(
                "{} {} {}",
                lang.pick("编辑检查对象", "Edit target"),
                self.cfg.symbols.separator,
                t.name
            ),
            None => lang.pick("新增检查对象", "Add target").to_string(),
        };
        self.overlay = Some(Overlay::Form(Form {
            kind: FormKind::Target {
                id,
                revision: t.map(|t| ctx.revisions.rev(TreeName::Targets, t.id)),
            },
            title,
            fields,
            focus: 0,
            error: None,
        }));
    }

    fn open_import_form(&mut self) {
        let lang = self.lang();
        let kind = match self.registry {
            _ if self.tab == TAB_PLANS => ImportKind::Plans,
            Registry::Targets => ImportKind::Targets,
            Registry::Inspectors => ImportKind::Inspectors,
            Registry::Departments => ImportKind::Departments,
            Registry::Conflicts => ImportKind::Conflicts,
            Registry::Items => ImportKind::Items,
        };
        let kinds = [
            ImportKind::Targets,
            ImportKind::Inspectors,
            ImportKind::Departments,
            ImportKind::Conflicts,
            ImportKind::Plans,
            ImportKind::Items,
        ]
        .map(|k| k.label(lang))
        .join(" / ");
        self.overlay = Some(Overlay::Form(Form {
            kind: FormKind::Import,
            title: lang.pick("导入名录文件", "Import a registry file").into(),
            fields: vec![
                Field::new("名录", "Registry", kind.label(lang), kinds),
                Field::new(
                    "文件",
                    "File",
                    "",
                    lang.pick("CSV 或 XLSX 的路径", "path of a CSV or XLSX file")
                        .into(),
                ),
            ],
            focus: 0,
            error: None,
        }));
    }

    fn apply_form(&mut self, mut f: Form, action: Action, ctx: &Ctx) -> Effect {
        let n = f.fields.len();
        // The export prompt has one field: Enter writes the file.
        let action = match (action, &f.kind) {
            (Action::NextField, FormKind::Export { .. }) => Action::Save,
            (a, _) => a,
        };
        match action {
            Action::Cancel => return Effect::Redraw,
            Action::Quit => return self.ask_quit(f),
            Action::Refresh if f.kind.revision().is_some() => {
                self.reload_form(&f, ctx);
                return Effect::Redraw;
            }
            Action::NextField => f.focus = (f.focus + 1) % n.max(1),
            Action::PrevField => f.focus = (f.focus + n.max(1) - 1) % n.max(1),
            // Up and down choose in a list field, and move between fields elsewhere.
            Action::Up | Action::Down => {
                let down = action == Action::Down;
                match f.fields.get_mut(f.focus) {
                    Some(field) if !field.options.is_empty() => {
                        field.choose_by(if down { 1 } else { -1 })
                    }
                    _ if down => f.focus = (f.focus + 1) % n.max(1),
                    _ => f.focus = (f.focus + n.max(1) - 1) % n.max(1),
                }
            }
            Action::Save | Action::Confirm => {
                let lang = self.lang();
                match validate(&mut f, ctx, lang, self.figures.period, self.cfg.today) {
                    // Keep the form until the office answers: an error goes back into it.
                    Some(op) => return self.ask_before(op, f, ctx),
                    None => {
                        if let Some(first) = f.fields.iter().position(|x| x.error.is_some()) {
                            f.focus = first;
                        }
                    }
                }
            }
            a => {
                if let Some(field) = f.fields.get_mut(f.focus) {
                    if field.options.is_empty() {
                        field.input.apply(a);
                    }
                }
            }
        }
        self.overlay = Some(Overlay::Form(f));
        Effect::Redraw
    }

    /// Open an edit form again over the record as it is now (its values and revision), after
    /// a save was refused because someone else changed the record.
    fn reload_form(&mut self, f: &Form, ctx: &Ctx) {
        let lang = self.lang();
        match f.kind {
            FormKind::Target { id, .. } => self.open_target_form(ctx.data.target(id), ctx),
            FormKind::Status { .. } => self.open_status_form(ctx),
            FormKind::Plan { id, .. } => {
                let p = ctx.book.plans.iter().find(|p| p.id == id);
                self.open_plan_form(p, ctx)
            }
            _ => return,
        }
        self.message = Some(
            lang.pick(
                "已重新载入该记录的当前内容，请重新修改后保存",
                "reloaded the record as it is now; make the change again and save",
            )
            .into(),
        );
    }

    /// An [`Op`] is about to run in the background: show the spinner.
    pub fn start_busy(&mut self, label: String) {
        self.overlay = Some(Overlay::Busy {
            label,
            ticks: 0,
            progress: None,
        });
    }

    /// An export is about to run in the background: show the gauge.
    pub fn start_progress(&mut self, label: String) {
        self.overlay = Some(Overlay::Busy {
            label,
            ticks: 0,
            progress: Some(0.0),
        });
    }

    /// Take the outcome of an [`Op`].
    pub fn finish(&mut self, result: OpResult, ctx: &Ctx) {
        let lang = self.lang();
        let result = plain_words(result);
        match result {
            OpResult::Audit(Ok((entries, total))) => {
                self.audit.entries = entries;
                self.audit.total = total;
                self.audit.error = None;
                self.audit.verify = VerifyState::Running;
                self.clamp_scroll();
            }
            OpResult::Audit(Err(e)) => self.audit.error = Some(e),
            OpResult::Verify { ok, text } => self.audit.verify = VerifyState::Done { ok, text },
            OpResult::Saved(Ok(msg)) => {
                if let Some(Overlay::Form(Form {
                    kind: FormKind::Plan { id: 0, .. },
                    ..
                })) = &self.overlay
                {
                    // A new plan is the last one: show it.
                    self.plans.selected = ctx.book.plans.len().saturating_sub(1);
                    self.plans.detail = false;
                }
                self.overlay = None;
                self.message = Some(msg);
                let selected = self.list().selected;
                let offset = self.list().offset;
                let r = self.registry;
                self.recompute(r, ctx, true);
                let l = self.list_mut();
                l.selected = selected;
                l.offset = offset;
                self.clamp_scroll();
            }
            OpResult::Saved(Err(e)) => match &mut self.overlay {
                Some(Overlay::Form(f)) => f.error = Some(e),
                _ => self.message = Some(e),
            },
            OpResult::Preview(r) => self.preview_ready(r),
            OpResult::Figures(r) => self.figures_ready(r),
            OpResult::Coverage(r) => self.coverage_ready(r),
            OpResult::Stepped { result, figures } => {
                match result {
                    Ok(msg) => {
                        self.overlay = None;
                        self.message = Some(msg);
                    }
                    Err(e) => match &mut self.overlay {
                        Some(Overlay::Form(f)) => f.error = Some(e),
                        _ => self.message = Some(e),
                    },
                }
                if let Some(r) = figures {
                    self.figures_ready(r);
                }
            }
            OpResult::Drawn(r) => self.drawn(r),
            OpResult::Announced(r) => self.announced(r),
            OpResult::Refreshed => self.data_changed(ctx),
            OpResult::ExportProgress(x) => {
                if let Some(Overlay::Busy { progress, .. }) = &mut self.overlay {
                    *progress = Some(x.clamp(0.0, 1.0));
                }
            }
            OpResult::Exported(r) => {
                let (title, lines) = match r {
                    Ok(lines) => (lang.pick("导出完成", "Export finished"), lines),
                    Err(e) => (lang.pick("导出失败", "Export failed"), vec![e]),
                };
                let cols = usize::from(self.size.0.clamp(20, 76)) - 4;
                self.overlay = Some(Overlay::Report {
                    title: title.into(),
                    lines: wrap_lines(&lines, cols),
                    scroll: 0,
                });
            }
            OpResult::Imported(r) => {
                let (title, lines) = match r {
                    Ok(lines) => (lang.pick("导入完成", "Import finished"), lines),
                    Err(lines) => (lang.pick("导入被拒绝", "Import refused"), lines),
                };
                // The panel is at most 76 columns wide: border, margin and scrollbar aside.
                let cols = usize::from(self.size.0.clamp(20, 76)) - 4;
                self.overlay = Some(Overlay::Report {
                    title: title.into(),
                    lines: wrap_lines(&lines, cols),
                    scroll: 0,
                });
                for r in Registry::ALL {
                    self.recompute(r, ctx, true);
                }
            }
            OpResult::ImportPreviewed { confirm, result } => {
                let cols = usize::from(self.size.0.clamp(20, 76)) - 4;
                match result {
                    Ok(mut lines) => {
                        lines.push(String::new());
                        lines.push(
                            lang.pick(
                                "按 Enter 确认导入，Esc 取消（取消则不写入）",
                                "Enter imports, Esc cancels (nothing is written)",
                            )
                            .into(),
                        );
                        self.overlay = Some(Overlay::Confirm {
                            title: lang.pick("导入预览", "Import preview").into(),
                            lines: wrap_lines(&lines, cols),
                            scroll: 0,
                            op: confirm,
                        });
                    }
                    Err(lines) => {
                        self.overlay = Some(Overlay::Report {
                            title: lang.pick("导入被拒绝", "Import refused").into(),
                            lines: wrap_lines(&lines, cols),
                            scroll: 0,
                        });
                    }
                }
            }
        }
    }
}

/// Check a form. On success returns the operation; otherwise sets the field errors.
fn validate(
    f: &mut Form,
    ctx: &Ctx,
    lang: Lang,
    period: crate::domain::Period,
    today: NaiveDate,
) -> Option<Op> {
    for field in &mut f.fields {
        field.error = None;
    }
    f.error = None;
    let required = lang.pick("必填", "required");
    let mut errors: Vec<(usize, String)> = Vec::new();
    let op = match f.kind.clone() {
        FormKind::Status {
            registry,
            id,
            revision: base,
        } => {
            let date = NaiveDate::parse_from_str(f.value(1), "%Y-%m-%d").ok();
            if date.is_none() {
                errors.push((
                    1,
                    lang.pick(
                        "日期应写成 YYYY-MM-DD，例如 2022-08-15",
                        "write the date as YYYY-MM-DD, e.g. 2022-08-15",
                    )
                    .into(),
                ));
            }
            if f.value(2).is_empty() {
                errors.push((
                    2,
                    lang.pick("必须填写变更原因", "a status change needs a reason")
                        .into(),
                ));
            }
            let reason = f.value(2).to_string();
            let status_text = f.value(0);
            match registry {
                Registry::Inspectors => {
                    let s = InspectorStatus::parse(status_text).filter(|_| !status_text.is_empty());
                    if s.is_none() {
                        errors.push((0, format!("{}：{}", unknown(lang), f.fields[0].hint)));
                    }
                    match (s, date) {
                        (Some(status), Some(date)) if errors.is_empty() => {
                            Some(Op::SetInspectorStatus {
                                id,
                                status,
                                date,
                                reason,
                                base,
                            })
                        }
                        _ => None,
                    }
                }
                _ => {
                    let s = TargetStatus::parse(status_text).filter(|_| !status_text.is_empty());
                    if s.is_none() {
                        errors.push((0, format!("{}：{}", unknown(lang), f.fields[0].hint)));
                    }
                    match (s, date) {
                        (Some(status), Some(date)) if errors.is_empty() => {
                            Some(Op::SetTargetStatus {
                                id,
                                status,
                                date,
                                reason,
                                base,
                            })
                        }
                        _ => None,
                    }
                }
            }
        }
        FormKind::Target { id, revision } => {
            let name = f.value(0).to_string();
            if name.is_empty() {
                errors.push((0, required.into()));
            }
            let code = match CreditCode::parse(f.value(1)) {
                Ok((c, check)) => {
                    if check == CreditCodeCheck::PilotWarning {
                        // Accepted, as the importer does, for the known pilot codes.
                    }
                    if let Some(&other) = ctx.data.target_by_code.get(c.as_str()) {
                        if other != id {
                            errors.push((
                                1,
                                format!(
                                    "{} {other}",
                                    lang.pick("已被另一检查对象使用：", "already used by target")
                                ),
                            ));
                        }
                    }
                    Some(c)
                }
                Err(e) => {
                    errors.push((1, e.localize(lang)));
                    None
                }
            };
            let region = f.value(2).to_string();
            if region.is_empty() {
                errors.push((2, required.into()));
            }
            let permit = PermitClass::parse(f.value(5));
            if permit.is_none() {
                errors.push((5, format!("{}：{}", unknown(lang), f.fields[5].hint)));
            }
            let status_text = f.value(6);
            let status = TargetStatus::parse(status_text).filter(|_| !status_text.is_empty());
            if status.is_none() {
                errors.push((6, format!("{}：{}", unknown(lang), f.fields[6].hint)));
            }
            match (code, permit, status) {
                (Some(code), Some(permit_class), Some(status)) if errors.is_empty() => {
                    let mut t = ctx
                        .data
                        .target(id)
                        .cloned()
                        .unwrap_or_else(|| blank_target(code.clone()));
                    t.name = name;
                    t.credit_code = code;
                    t.region = region;
                    t.industry = f.value(3).to_string();
                    t.address = f.value(4).to_string();
                    t.permit_class = permit_class;
                    t.status = status;
                    Some(Op::SaveTarget(Box::new(t), revision))
                }
                _ => None,
            }
        }
        FormKind::TaskCheck { .. }
        | FormKind::TaskResult { .. }
        | FormKind::TaskPublish { .. }
        | FormKind::TaskExempt { .. }
        | FormKind::TaskFollowUp { .. } => {
            let values: Vec<String> = f
                .fields
                .iter()
                .map(|x| x.input.text().to_string())
                .collect();
            let value = |i: usize| values.get(i).cloned().unwrap_or_default();
            match progress::validate_step(&f.kind, &value, lang) {
                Ok((id, step)) => Some(Op::TaskStep {
                    id,
                    step,
                    period: period.to_string(),
                    today,
                }),
                Err(e) => {
                    errors.extend(e);
                    None
                }
            }
        }
        FormKind::Plan { id, revision } => match work::validate_plan(f, id, ctx, lang, today) {
            Ok(p) => Some(Op::SavePlan(Box::new(p), revision)),
            Err(e) => {
                errors.extend(e);
                None
            }
        },
        FormKind::VoidDraw { id } => {
            let reason = f.value(0).to_string();
            if reason.is_empty() {
                errors.push((
                    0,
                    lang.pick("作废必须说明原因", "voiding needs a reason")
                        .into(),
                ));
                None
            } else {
                Some(Op::VoidDraw { id, reason })
            }
        }
        FormKind::Export { kind } => match export::check_path(f.value(0), lang) {
            Ok(path) => Some(Op::Export {
                kind: kind.clone(),
                path,
            }),
            Err(e) => {
                errors.push((0, e));
                None
            }
        },
        FormKind::Import => {
            let kind = parse_import_kind(f.value(0));
            if kind.is_none() {
                errors.push((0, format!("{}：{}", unknown(lang), f.fields[0].hint)));
            }
            let path = f.value(1).to_string();
            if path.is_empty() {
                errors.push((1, required.into()));
            } else if !std::path::Path::new(&path).is_file() {
                errors.push((1, lang.pick("找不到这个文件", "no such file").to_string()));
            }
            match kind {
                Some(kind) if errors.is_empty() => Some(Op::Import {
                    kind,
                    path: PathBuf::from(path),
                    dry_run: true,
                }),
                _ => None,
            }
        }
    };
    for (i, e) in errors {
        if let Some(field) = f.fields.get_mut(i) {
            if field.error.is_none() {
                field.error = Some(e);
            }
        }
    }
    op
}

/// The office's refusals in the TUI's words (keys and tabs, not CLI commands).
fn plain_words(r: OpResult) -> OpResult {
    let w = |e: String| super::words::tui_words(&e);
    match r {
        OpResult::Saved(Err(e)) => OpResult::Saved(Err(w(e))),
        OpResult::Preview(Err(e)) => OpResult::Preview(Err(w(e))),
        OpResult::Drawn(Err(e)) => OpResult::Drawn(Err(w(e))),
        OpResult::Announced(Err(e)) => OpResult::Announced(Err(w(e))),
        OpResult::Stepped { result, figures } => OpResult::Stepped {
            result: result.map_err(w),
            figures,
        },
        other => other,
    }
}

/// ctrl-c: quits in every mode, whatever the keymap says.
fn is_ctrl_c(key: &KeyEvent) -> bool {
    use crossterm::event::{KeyCode, KeyModifiers};
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}

/// Break lines longer than `cols` display columns (never inside a character).
pub fn wrap_lines(lines: &[String], cols: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let cols = cols.max(4);
    let mut out = Vec::new();
    for line in lines {
        let mut cur = String::new();
        let mut w = 0;
        for ch in line.chars() {
            let cw = ch.width().unwrap_or(1);
            if w + cw > cols {
                out.push(std::mem::take(&mut cur));
                w = 0;
            }
            cur.push(ch);
            w += cw;
        }
        out.push(cur);
    }
    out
}

fn unknown(lang: Lang) -> &'static str {
    lang.pick("无法识别，可填", "not recognised; one of")
}

fn parse_import_kind(s: &str) -> Option<ImportKind> {
    let s = s.trim();
    [
        ImportKind::Targets,
        ImportKind::Inspectors,
        ImportKind::Departments,
        ImportKind::Conflicts,
        ImportKind::Plans,
    ]
    .into_iter()
    .find(|k| {
        k.label(Lang::Zh) == s || k.label(Lang::En).eq_ignore_ascii_case(s) || {
            let name = format!("{k:?}");
            name.eq_ignore_ascii_case(s)
        }
    })
}

/// A new target with every field not on the form empty.
pub fn blank_target(code: CreditCode) -> Target {
    Target {
        id: 0,
        name: String::new(),
        credit_code: code,
        region: String::new(),
        industry: String::new(),
        address: String::new(),
        permit_class: PermitClass::None,
        permit_number: String::new(),
        lists: SupervisionLists::default(),
        radiation_user: false,
        construction_project: false,
        positive_list: false,
        online_monitoring: false,
        video_monitoring: false,
        pollutants: Vec::new(),
        production_months: MonthSet::ALL,
        credit_grade: String::new(),
        performance_grade: String::new(),
        violations: 0,
        complaints: 0,
        status: TargetStatus::Operating,
        status_history: Vec::new(),
        tags: Vec::new(),
    }
}

fn not_here(lang: Lang, action: Action) -> String {
    format!(
        "{}{}",
        action.describe(lang),
        lang.pick("：此处尚未开放", ": not available here yet")
    )
}

pub fn mode_label(mode: Mode, lang: Lang) -> &'static str {
    match mode {
        Mode::Global => lang.pick("全局", "global"),
        Mode::List => lang.pick("列表", "list"),
        Mode::Detail => lang.pick("详情", "details"),
        Mode::Form => lang.pick("表单", "form"),
        Mode::Filter => lang.pick("筛选", "filter"),
        Mode::Help => lang.pick("帮助", "help"),
        Mode::Palette => lang.pick("命令", "commands"),
        Mode::Wizard => lang.pick("向导", "wizard"),
        Mode::Confirm => lang.pick("确认", "confirm"),
    }
}

/// A prepared filter query: the text as typed, upper- and lower-cased (for ASCII letters),
/// each distinct variant compiled once into a substring finder.
struct Query {
    text: String,
    finders: Vec<memchr::memmem::Finder<'static>>,
    upper: memchr::memmem::Finder<'static>,
    permits: Vec<PermitClass>,
    /// Department codes whose name matches (inspectors are filtered by department name).
    departments: Vec<String>,
}

impl Query {
    fn new(text: &str, data: &State) -> Query {
        let permits = PermitClass::ALL
            .into_iter()
            .filter(|p| {
                !text.is_empty()
                    && (p.label(Lang::Zh).contains(text)
                        || p.label(Lang::En).contains(&text.to_lowercase()))
            })
            .collect();
        let departments = data
            .departments
            .iter()
            .filter(|d| !text.is_empty() && d.name.contains(text))
            .map(|d| d.code.clone())
            .collect();
        let mut variants = vec![text.to_string(), text.to_uppercase(), text.to_lowercase()];
        variants.dedup();
        variants.sort();
        variants.dedup();
        let finders = variants
            .iter()
            .map(|v| memchr::memmem::Finder::new(v.as_bytes()).into_owned())
            .collect();
        Query {
            text: text.to_string(),
            finders,
            upper: memchr::memmem::Finder::new(text.to_uppercase().as_bytes()).into_owned(),
            permits,
            departments,
        }
    }

    fn hit(&self, field: &str) -> bool {
        self.finders
            .iter()
            .any(|f| f.find(field.as_bytes()).is_some())
    }

    fn matches(&self, r: Registry, data: &State, i: usize) -> bool {
        if self.text.is_empty() {
            return true;
        }
        match r {
            Registry::Targets => data.targets.get(i).is_some_and(|t| {
                self.hit(&t.name)
                    || self.upper.find(t.credit_code.as_str().as_bytes()).is_some()
                    || self.hit(&t.region)
                    || self.hit(&t.industry)
                    || self.permits.contains(&t.permit_class)
                    || t.tags.iter().any(|g| self.hit(g))
            }),
            Registry::Inspectors => data.inspectors.get(i).is_some_and(|p| {
                self.hit(&p.name)
                    || self.hit(&p.certificate_no)
                    || self.hit(&p.department)
                    || self.departments.contains(&p.department)
                    || self.hit(&p.post)
                    || p.expertise.iter().any(|e| self.hit(e))
            }),
            Registry::Departments => data.departments.get(i).is_some_and(|d| {
                self.hit(&d.code) || self.hit(&d.name) || self.hit(d.kind.label(Lang::Zh))
            }),
            Registry::Conflicts => data.conflicts.get(i).is_some_and(|c| {
                self.hit(&c.reason)
                    || data
                        .inspector(c.inspector)
                        .is_some_and(|p| self.hit(&p.name))
                    || data.target(c.target).is_some_and(|t| self.hit(&t.name))
            }),
            Registry::Items => data
                .items
                .get(i)
                .is_some_and(|x| self.hit(&x.code) || self.hit(&x.name) || self.hit(&x.basis)),
        }
    }
}

/// Every row index of `r`, sorted by column `col` (stable: ties keep the natural order).
fn sorted_order(r: Registry, ctx: &Ctx, col: usize, rev: bool, lang: Lang) -> Vec<u32> {
    let d = ctx.data;
    let n = r.len(d);
    let mut idx: Vec<u32> = (0..n as u32).collect();
    match r {
        Registry::Targets => {
            if col == 3 {
                let keys: Vec<String> = d
                    .targets
                    .iter()
                    .map(|t| ctx.rules.obligation_text(t))
                    .collect();
                idx.sort_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]));
            } else {
                let key = |t: &Target| -> String {
                    match col {
                        0 => t.name.clone(),
                        1 => t.credit_code.as_str().to_string(),
                        2 => t.region.clone(),
                        4 => t.status.label(lang).to_string(),
                        5 => t.industry.clone(),
                        _ => format!("{:?}", t.permit_class),
                    }
                };
                idx.sort_by_cached_key(|&i| key(&d.targets[i as usize]));
            }
        }
        Registry::Inspectors => idx.sort_by_cached_key(|&i| {
            let p = &d.inspectors[i as usize];
            match col {
                0 => p.name.clone(),
                1 => p.certificate_no.clone(),
                2 => d.department_name(&p.department),
                3 => p.post.clone(),
                4 => p
                    .certificate_valid_until
                    .map(|x| x.to_string())
                    .unwrap_or_default(),
                _ => p.status.label(lang).to_string(),
            }
        }),
        Registry::Departments => idx.sort_by_cached_key(|&i| {
            let x = &d.departments[i as usize];
            match col {
                0 => x.code.clone(),
                1 => x.name.clone(),
                _ => x.kind.label(lang).to_string(),
            }
        }),
        Registry::Conflicts => idx.sort_by_cached_key(|&i| {
            let c = &d.conflicts[i as usize];
            match col {
                0 => d
                    .inspector(c.inspector)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                1 => d
                    .target(c.target)
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
                _ => c.reason.clone(),
            }
        }),
        Registry::Items => idx.sort_by_cached_key(|&i| {
            let x = &d.items[i as usize];
            match col {
                0 => x.code.clone(),
                1 => x.name.clone(),
                2 => x.class.label(lang).to_string(),
                _ => x.basis.clone(),
            }
        }),
    }
    if rev {
        idx.reverse();
    }
    idx
}
