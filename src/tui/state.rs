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
use super::widgets::cursor;
use crate::domain::plan::Plan;
use crate::domain::{InspectorStatus, Rules, Target, TargetStatus};
use crate::i18n::Lang;
use crate::office::{Book, ImportKind, Revisions, State};
use crate::store::audit::AuditEntry;
use crate::store::TreeName;
use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use std::path::PathBuf;

mod ask;
mod coverage;
mod coverage_text;
mod export;
mod finish;
mod opened;
mod overlay;
mod picker;
mod progress;
mod prompt;
mod registries;
mod tasks;
mod terms;
mod validate;
mod work;
pub use super::widgets::form::Field;
use crate::office::DrawPreview;
pub use coverage_text::lines as coverage_lines;
pub use export::{check_path as export_check_path, default_file_name, exported_lines};
pub use opened::PastDraw;
pub use overlay::{Form, FormKind, Overlay};
pub use picker::{fuzzy_match, PickEntry, Picker};
pub use progress::{
    phrase_options, step_label, step_period, validate_step as progress_validate, Figures,
    FiguresData, StepOp, TasksView,
};
pub use registries::{blank_target, ListView, Registry};
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
        /// The registry change the recorded result suggests, to confirm (issue 19).
        prompt: Option<crate::domain::prompt::StatusPrompt>,
    },
    /// How far an export is (0.0 to 1.0).
    ExportProgress(f64),
    /// A finished export: what the result panel says, or the error.
    Exported(Result<Vec<String>, String>),
    /// The data changed under the screens (another user's write through the server).
    Refreshed,
}

pub use super::screens::Tab;

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
    /// The user's role when the TUI can tell (a local store: the roles file, director without
    /// one); `None` through the server or for a user the roles file does not list: the office
    /// still checks every request. The draw wizard refuses at its first step a role that may
    /// not draw (issue 16).
    pub role: Option<crate::office::Role>,
}

/// Everything the screen shows, and nothing else.
#[derive(Debug, Clone)]
pub struct AppState {
    pub cfg: Config,
    pub tab: Tab,
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
    /// The connection to `shuangsui serve` is lost and being made again (the header says so).
    pub disconnected: bool,
}

/// Rows of the screen that are not the list: header, tabs, registry line, column header,
/// status bar.
const CHROME_ROWS: u16 = 5;

impl AppState {
    pub fn new(cfg: Config, ctx: &Ctx) -> AppState {
        let cfg_today = cfg.today;
        let mut s = AppState {
            cfg,
            tab: Tab::Registries,
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
            disconnected: false,
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
        if !self.detail || self.tab != Tab::Registries {
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
            None if self.wizard.is_some() && self.tab == Tab::Draws => Mode::Wizard,
            None if self.detail && self.tab == Tab::Registries => Mode::Detail,
            None if self.presentation && self.tab == Tab::Dashboard => Mode::Presentation,
            None => Mode::Screen(self.tab),
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
            None if self.filtering && self.tab == Tab::Tasks => {
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
            None if self.wizard.is_some() && self.tab == Tab::Draws => {
                match self.wizard.as_mut().and_then(Wizard::input_mut) {
                    Some(input) => input.input_key(key),
                    None => false,
                }
            }
            None if self.filtering && self.tab == Tab::Tasks => {
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
            None if self.wizard.is_some() && self.tab == Tab::Draws => {
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
            Action::NextTab => return self.go_tab(self.tab.next()),
            Action::PrevTab => return self.go_tab(self.tab.prev()),
            a if self.on_work_tab() && a.tab_index().is_none() && a != Action::Refresh => {
                return self.apply_work(a, ctx)
            }
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
                for r in Registry::ALL {
                    self.recompute(r, ctx, true);
                }
                // The figures of the dashboard, tasks and publication, or the audit log.
                if let Some(op) = self.reload_op() {
                    return Effect::Op(op);
                }
            }
            a if a.tab_index().is_some() => {
                return self.go_tab(
                    a.tab_index()
                        .and_then(Tab::from_index)
                        .unwrap_or(Tab::Registries),
                );
            }
            a if self.apply_audit_entry(a).is_some() => {}
            _ if self.tab != Tab::Registries => {
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
        if self.tab == Tab::Audit {
            Some(Op::OpenAudit)
        } else if matches!(self.tab, Tab::Dashboard | Tab::Tasks | Tab::Publication) {
            match self.load_figures() {
                Effect::Op(op) => Some(op),
                _ => None,
            }
        } else {
            None
        }
    }

    fn go_tab(&mut self, tab: Tab) -> Effect {
        self.tab = tab;
        self.filtering = false;
        if self.tab == Tab::Audit {
            Effect::Op(Op::OpenAudit)
        } else if matches!(self.tab, Tab::Dashboard | Tab::Tasks | Tab::Publication) {
            self.load_figures()
        } else {
            Effect::Redraw
        }
    }

    fn apply_filter_mode(&mut self, action: Action, ctx: &Ctx) -> Effect {
        if action == Action::Quit {
            return Effect::Quit;
        }
        if self.tab == Tab::Tasks {
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

    // -----------------------------------------------------------------------------------------
    // Lists: moving, filtering, sorting
    // -----------------------------------------------------------------------------------------

    fn move_by(&mut self, delta: isize) {
        let (len, selected) = if self.tab == Tab::Audit {
            (self.audit.entries.len(), &mut self.audit.selected)
        } else {
            let i = self.registry.index();
            let l = &mut self.lists[i];
            (l.matches.len(), &mut l.selected)
        };
        *selected = cursor::step(*selected, len, delta);
        self.clamp_scroll();
    }

    /// Keep the selection inside the list and visible.
    fn clamp_scroll(&mut self) {
        let page = self.list_height();
        for l in &mut self.lists {
            let len = l.matches.len();
            cursor::keep_visible(&mut l.selected, &mut l.offset, len, page);
        }
        let len = self.audit.entries.len();
        cursor::keep_visible(&mut self.audit.selected, &mut self.audit.offset, len, page);
    }

    fn click(&mut self, row: u16) -> Effect {
        if self.overlay.is_some() || !matches!(self.tab, Tab::Registries | Tab::Audit) {
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
        let (len, selected, offset) = if self.tab == Tab::Audit {
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

    // -----------------------------------------------------------------------------------------
    // Forms
    // -----------------------------------------------------------------------------------------

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
                match validate::check(&mut f, ctx, lang, self.figures.period, self.cfg.today) {
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
}

/// The office's refusals in the TUI's words (keys and tabs, not CLI commands).
fn plain_words(r: OpResult) -> OpResult {
    let w = |e: String| super::words::tui_words(&e);
    match r {
        OpResult::Saved(Err(e)) => OpResult::Saved(Err(w(e))),
        OpResult::Preview(Err(e)) => OpResult::Preview(Err(w(e))),
        OpResult::Drawn(Err(e)) => OpResult::Drawn(Err(w(e))),
        OpResult::Announced(Err(e)) => OpResult::Announced(Err(w(e))),
        OpResult::Stepped {
            result,
            figures,
            prompt,
        } => OpResult::Stepped {
            result: result.map_err(w),
            figures,
            prompt,
        },
        other => other,
    }
}

/// ctrl-c: quits in every mode, whatever the keymap says.
fn is_ctrl_c(key: &KeyEvent) -> bool {
    use crossterm::event::{KeyCode, KeyModifiers};
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}

/// Today's quarter as in the header: `2022Q3`.
pub fn quarter_label(app: &AppState) -> String {
    crate::domain::Period::containing(app.cfg.today, crate::domain::Cycle::Quarter).to_string()
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
        Mode::Screen(tab) => tab.label(lang),
        Mode::Presentation => lang.pick("演示模式", "presentation"),
        Mode::Detail => lang.pick("详情", "details"),
        Mode::Form => lang.pick("表单", "form"),
        Mode::Filter => lang.pick("筛选", "filter"),
        Mode::Help => lang.pick("帮助", "help"),
        Mode::Palette => lang.pick("命令", "commands"),
        Mode::Wizard => lang.pick("向导", "wizard"),
        Mode::Confirm => lang.pick("确认", "confirm"),
    }
}
