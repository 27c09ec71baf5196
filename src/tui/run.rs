//! The TUI's start-up: the terminal's encoding and symbols, the config file, the keymap, then
//! the event loop over the office the caller opened (the command line opens the store or
//! reaches the server: `cli::run_tui`).

use super::backend::Backend;
use super::symbols::SymbolChoice;
use super::{app, keymap, state::Config, terminal};
use crate::i18n::Lang;
use std::io::Write as _;
use std::path::PathBuf;

/// What the start-up needs of the command line.
#[derive(Debug, Clone)]
pub struct Start {
    pub lang: Lang,
    /// Skip the terminal's encoding checks.
    pub force_utf8: bool,
    pub symbols: Option<SymbolChoice>,
    pub keymap: Option<PathBuf>,
    pub mouse: bool,
    /// The demo store: "today" is a day of its 2022 plan year.
    pub demo: bool,
}

/// The office opened for the TUI: the backend, the demo's temporary directory (kept until the
/// TUI ends), the status bar's store label and the user.
pub type Opened = (Backend, Option<crate::office::DemoDir>, String, String);

/// Run the TUI until the user quits; the process's exit status.
/// No subcommand: the TUI (on a throwaway demo store with `--demo`).
pub fn run(start: &Start, open: impl FnOnce() -> Result<Opened, i32>) -> i32 {
    let cli = start;
    let lang = cli.lang;
    // Before anything is drawn: a GBK terminal would show UTF-8 as garbage.
    if !cli.force_utf8 {
        if let Some((var, value, encoding)) = terminal::process_legacy_encoding() {
            let why = terminal::NotUtf8::Locale {
                var,
                value,
                encoding,
            };
            let mut err = std::io::stderr();
            let _ = err.write_all(&terminal::guidance_bytes(&why));
            let _ = err.flush();
            return terminal::EXIT_ENCODING;
        }
    }
    let file_cfg = match terminal::config_path() {
        Some(p) => match terminal::load_config(&p) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{}", e.localize(lang));
                return 1;
            }
        },
        None => terminal::FileConfig::default(),
    };
    let choice = cli.symbols.or(file_cfg.symbols).unwrap_or_default();
    let probe = if choice == SymbolChoice::Auto {
        terminal::probe_terminal(terminal::PROBE_TIMEOUT)
    } else {
        terminal::Probe::default()
    };
    if !cli.force_utf8 {
        if let Some(why) = probe.not_utf8() {
            let mut err = std::io::stderr();
            let _ = err.write_all(&terminal::guidance_bytes(&why));
            let _ = err.flush();
            return terminal::EXIT_ENCODING;
        }
    }
    let symbols =
        terminal::choose_symbols(choice, &probe, |n| std::env::var(n).ok(), cfg!(windows));
    let keymap_arg = cli
        .keymap
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned());
    let sources =
        keymap::startup_sources(keymap::user_keymap_path().as_deref(), keymap_arg.as_deref());
    let keymap = match keymap::Keymap::load(&sources) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("{}", e.localize(lang));
            return 1;
        }
    };
    let (backend, _demo_dir, store_label, user) = match open() {
        Ok(b) => b,
        Err(code) => return code,
    };
    let cfg = Config {
        lang,
        keymap,
        symbols,
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        mouse: cli.mouse,
        // The demo data is the 2022 plan year: the demo opens on a day inside it, so the
        // wizard, the dashboard and the deadlines have something to show.
        today: if cli.demo {
            chrono::NaiveDate::from_ymd_opt(2022, 8, 15).unwrap_or_default()
        } else {
            chrono::Local::now().date_naive()
        },
        store_label,
        user,
        server: backend.is_remote(),
        me: backend.my_certificate(),
    };
    match app::run(backend, cfg) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{}{e}", lang.pick("终端界面出错：", "terminal UI error: "));
            1
        }
    }
}
