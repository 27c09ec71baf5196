//! The event loop: terminal in, frames out, office operations on the side.
//!
//! `ratatui::init()` switches to the alternate screen and installs a panic hook that restores
//! the terminal; `ratatui::restore()` undoes it on every way out. Only key *presses* are used
//! (Windows also reports releases); a burst of resize events becomes one; a frame is drawn only
//! after something changed. Imports and the audit verification run on background threads and
//! report through a channel, so the screen never waits on the store.

use super::backend::{office_ctx, run_op, verify_via, Backend, Direct};
use super::state::{AppState, Config, Effect, Input, Op, OpResult};
use super::views;
use crate::office::Office;
use crossterm::event::{self, Event, KeyEventKind, MouseButton, MouseEventKind};
use std::io;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

/// Run the TUI until the user quits: over the store of this process or through the server.
pub fn run(backend: Backend, cfg: Config) -> io::Result<()> {
    let mouse = cfg.mouse;
    // Without a terminal (stdin not a tty) this is an error for the caller, not a panic.
    let mut terminal = ratatui::try_init()?;
    // An IME may commit a phrase, and a user may paste a name: with bracketed paste the text
    // arrives as one `Event::Paste` instead of keys that could trigger bindings.
    let _ = crossterm::execute!(io::stdout(), crossterm::event::EnableBracketedPaste);
    if mouse {
        let _ = crossterm::execute!(io::stdout(), crossterm::event::EnableMouseCapture);
    }
    let result = event_loop(&mut terminal, &backend, cfg);
    if mouse {
        let _ = crossterm::execute!(io::stdout(), crossterm::event::DisableMouseCapture);
    }
    let _ = crossterm::execute!(io::stdout(), crossterm::event::DisableBracketedPaste);
    ratatui::restore();
    result
}

/// Build the state over the office's current registries.
pub fn new_state(office: &Office, cfg: Config) -> AppState {
    office_ctx(office, |ctx| AppState::new(cfg, ctx))
}

/// Feed one input to the state (holding the registries' read lock only while it runs).
pub fn update(office: &Office, app: &mut AppState, input: Input) -> Effect {
    office_ctx(office, |ctx| app.update(input, ctx))
}

/// Give the outcome of an operation to the state.
pub fn finish(office: &Office, app: &mut AppState, result: OpResult) {
    office_ctx(office, |ctx| app.finish(result, ctx));
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    backend: &Backend,
    cfg: Config,
) -> io::Result<()> {
    let (tx, rx): (Sender<OpResult>, Receiver<OpResult>) = mpsc::channel();
    let mut app = backend.with_ctx(|ctx| AppState::new(cfg, ctx));
    if let Backend::Remote(remote) = backend {
        // Another user's change: the watcher has refreshed the replica; redraw from it.
        let tx = tx.clone();
        remote.watch(move || tx.send(OpResult::Refreshed).is_ok());
    }
    let size = terminal.size()?;
    app.size = (size.width, size.height);
    let mut dirty = true;
    let mut first_frame = true;
    loop {
        if dirty {
            backend.with_ctx(|ctx| terminal.draw(|f| views::draw(f, &app, ctx)))?;
            dirty = false;
            if std::mem::take(&mut first_frame) {
                backend.warm_indexes();
            }
        }
        // The watcher marks a lost server at once (and sends a refresh): the header says so.
        let lost = matches!(backend, Backend::Remote(r) if !r.is_connected());
        if lost != app.disconnected {
            app.disconnected = lost;
            dirty = true;
        }
        while let Ok(r) = rx.try_recv() {
            let refreshed = matches!(r, OpResult::Refreshed);
            backend.with_ctx(|ctx| app.finish(r, ctx));
            // Another user's change: the figures or the audit log on screen follow it too.
            if refreshed && app.overlay.is_none() && !app.disconnected {
                if let Some(op) = app.reload_op() {
                    perform(backend, &mut app, op, &tx);
                }
            }
            dirty = true;
        }
        if dirty {
            continue;
        }
        let busy = matches!(app.overlay, Some(super::state::Overlay::Busy { .. }));
        let timeout = Duration::from_millis(if busy { 100 } else { 250 });
        if !event::poll(timeout)? {
            if busy {
                dirty |= backend.with_ctx(|ctx| app.update(Input::Tick, ctx)) != Effect::Ignored;
            }
            continue;
        }
        // Read everything that is waiting; a burst of resizes becomes the last one.
        let mut inputs: Vec<Input> = Vec::new();
        loop {
            match event::read()? {
                Event::Key(k) if k.kind == KeyEventKind::Press => inputs.push(Input::Key(k)),
                Event::Paste(text) => inputs.push(Input::Paste(text)),
                Event::Resize(w, h) => {
                    if let Some(Input::Resize(..)) = inputs.last() {
                        inputs.pop();
                    }
                    inputs.push(Input::Resize(w, h));
                }
                Event::Mouse(m) => match m.kind {
                    MouseEventKind::ScrollUp => inputs.push(Input::ScrollUp),
                    MouseEventKind::ScrollDown => inputs.push(Input::ScrollDown),
                    MouseEventKind::Down(MouseButton::Left) => {
                        inputs.push(Input::Click(m.column, m.row))
                    }
                    _ => {}
                },
                _ => {}
            }
            if !event::poll(Duration::ZERO)? {
                break;
            }
        }
        for input in inputs {
            match backend.with_ctx(|ctx| app.update(input, ctx)) {
                Effect::Ignored => {}
                Effect::Redraw => dirty = true,
                Effect::Quit => return Ok(()),
                Effect::Op(op) => {
                    dirty = true;
                    perform(backend, &mut app, op, &tx);
                }
            }
        }
    }
}

/// Perform an operation: quick ones now, imports, draws, exports and verification on a thread
/// that sends its result to `tx`.
pub fn perform(backend: &Backend, app: &mut AppState, op: Op, tx: &Sender<OpResult>) {
    let lang = app.lang();
    let background = |op: Op, tx: &Sender<OpResult>| {
        let backend = backend.clone();
        let tx = tx.clone();
        std::thread::spawn(move || {
            // At most one message per whole percent.
            let last = std::cell::Cell::new(-1i64);
            let progress = |x: f64| {
                let pct = (x * 100.0) as i64;
                if pct != last.get() {
                    last.set(pct);
                    let _ = tx.send(OpResult::ExportProgress(x));
                }
            };
            let _ = tx.send(backend.run(op, lang, &progress));
        });
    };
    match op {
        Op::OpenAudit => {
            let r = backend.run(Op::OpenAudit, lang, &|_| {});
            let ok = matches!(r, OpResult::Audit(Ok(_)));
            backend.with_ctx(|ctx| app.finish(r, ctx));
            if ok {
                let backend = backend.clone();
                let tx = tx.clone();
                std::thread::spawn(move || {
                    let _ = tx.send(backend.verify(lang));
                });
            }
        }
        Op::Import {
            kind,
            path,
            dry_run,
        } => {
            app.start_busy(format!(
                "{}{} {}",
                if dry_run {
                    lang.pick("正在检查", "checking ")
                } else {
                    lang.pick("正在导入", "importing ")
                },
                kind.label(lang),
                path.display()
            ));
            background(
                Op::Import {
                    kind,
                    path,
                    dry_run,
                },
                tx,
            );
        }
        Op::CommitDraw(ask) => {
            app.start_busy(lang.pick("正在抽取", "drawing").to_string());
            background(Op::CommitDraw(ask), tx);
        }
        Op::CommitAnnounced { id, witness } => {
            app.start_busy(lang.pick("正在抽取", "drawing").to_string());
            background(Op::CommitAnnounced { id, witness }, tx);
        }
        Op::Export { kind, path } => {
            app.start_progress(format!(
                "{} → {}",
                kind.title(lang),
                path.file_name().unwrap_or_default().to_string_lossy()
            ));
            background(Op::Export { kind, path }, tx);
        }
        other => {
            let r = backend.run(other, lang, &|_| {});
            backend.with_ctx(|ctx| app.finish(r, ctx));
        }
    }
}

/// [`perform`] on this thread, every result given to the state (tests, scripts).
pub fn perform_blocking_on(backend: &Backend, app: &mut AppState, op: Op) {
    let lang = app.lang();
    let audit = op == Op::OpenAudit;
    let r = backend.run(op, lang, &|_| {});
    let ok = matches!(r, OpResult::Audit(Ok(_)));
    backend.with_ctx(|ctx| app.finish(r, ctx));
    if audit && ok {
        let r = backend.verify(lang);
        backend.with_ctx(|ctx| app.finish(r, ctx));
    }
}

/// Perform an operation on this thread and give every result to the state (tests, scripts):
/// the same requests and the same path ([`super::backend::run_op`]) as [`Backend::run`].
pub fn perform_blocking(office: &Office, app: &mut AppState, op: Op) {
    let lang = app.lang();
    let via = Direct(office);
    let audit = op == Op::OpenAudit;
    let r = run_op(&via, op, lang, &|_| {});
    let ok = matches!(r, OpResult::Audit(Ok(_)));
    finish(office, app, r);
    if audit && ok {
        finish(office, app, verify_via(&via, lang));
    }
}
