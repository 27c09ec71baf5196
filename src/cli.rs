//! The command line: the same office as the TUI, for scripts.

use crate::i18n::Lang;
use crate::office::{ImportKind, ListKind, Office, OfficeError};
use clap::{Parser, Subcommand};
use std::io::Write as _;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "shuangsui",
    version,
    about = "双随机、一公开 抽查工作台 / double-random, one-public inspection office"
)]
pub struct Cli {
    /// Store directory (default: the platform data directory; env SHUANGSUI_DB).
    #[arg(long, global = true, env = "SHUANGSUI_DB")]
    pub db: Option<PathBuf>,
    /// Language of messages and screens: zh (default) or en.
    #[arg(long, global = true, default_value = "zh")]
    pub lang: Lang,
    /// Open the TUI on a fresh throwaway store loaded with the demo data.
    #[arg(long)]
    pub demo: bool,
    /// Keymap file overriding the default keymap.
    #[arg(long, global = true)]
    pub keymap: Option<PathBuf>,
    /// Enable mouse clicks and scrolling in the TUI (off: keeps text selection over SSH).
    #[arg(long, global = true)]
    pub mouse: bool,
    /// Symbols in the TUI: auto (from the locale), unicode, or ascii (for terminals that draw
    /// ambiguous-width characters two columns wide).
    #[arg(long, global = true, default_value = "auto")]
    pub symbols: crate::tui::symbols::SymbolChoice,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the store; with --demo, load the demo registries of Yiliang County.
    Init {
        #[arg(long)]
        demo: bool,
    },
    /// Import a registry file (CSV in UTF-8/GBK, or XLSX). All rows or none.
    Import {
        #[arg(value_enum)]
        kind: ImportKind,
        file: PathBuf,
        /// Print the report, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// List records.
    List {
        #[arg(value_enum)]
        kind: ListKind,
        /// One JSON array of records with stable field names.
        #[arg(long)]
        json: bool,
    },
    /// Walk the audit chain and compare every record with it.
    Verify,
    /// Write a portable, checksummed backup file.
    Backup { file: PathBuf },
    /// Restore a backup (refuses a non-empty store unless --force).
    Restore {
        file: PathBuf,
        #[arg(long)]
        force: bool,
    },
}

pub fn default_db() -> PathBuf {
    directories::ProjectDirs::from("cn", "yiliang", "shuangsui")
        .map(|d| d.data_dir().join("store"))
        .unwrap_or_else(|| PathBuf::from("shuangsui-store"))
}

/// Run a subcommand; returns the process exit status.
pub fn run(cli: &Cli, command: &Command) -> i32 {
    let lang = cli.lang;
    let db = cli.db.clone().unwrap_or_else(default_db);
    let office = match Office::open(&db, lang) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{}", e.localize(lang));
            return e.exit_code();
        }
    };
    match execute(&office, command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", e.localize(lang));
            e.exit_code()
        }
    }
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), OfficeError> {
    let s = serde_json::to_string_pretty(v).map_err(|e| OfficeError::Refused(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    // A closed pipe (e.g. `| head`) is not an error worth a panic.
    let _ = writeln!(out, "{s}");
    Ok(())
}

fn execute(office: &Office, command: &Command) -> Result<i32, OfficeError> {
    let lang = office.lang();
    match command {
        Command::Init { demo } => {
            if *demo {
                let outcomes = office.load_demo()?;
                for o in outcomes {
                    println!("{}", o.localize(lang));
                }
            }
            println!(
                "{}{}",
                lang.pick("数据库已就绪：", "store ready: "),
                office.store_path().display()
            );
            Ok(0)
        }
        Command::Import {
            kind,
            file,
            dry_run,
        } => {
            let o = office.import(*kind, file, *dry_run)?;
            println!("{}", o.localize(lang));
            Ok(0)
        }
        Command::List { kind, json } => {
            list(office, *kind, *json)?;
            Ok(0)
        }
        Command::Verify => {
            let r = office.verify()?;
            match &r.problem {
                None => {
                    println!(
                        "{}",
                        match lang {
                            Lang::Zh => format!(
                                "校验通过：审计日志 {} 条，记录 {} 个，链头 {}",
                                r.entries, r.records, r.head
                            ),
                            Lang::En => format!(
                                "verified: {} audit entries, {} records, head {}",
                                r.entries, r.records, r.head
                            ),
                        }
                    );
                    Ok(0)
                }
                Some(p) => {
                    eprintln!("{}", p.localize(lang));
                    Ok(1)
                }
            }
        }
        Command::Backup { file } => {
            let n = office.backup(file)?;
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!("已备份 {n} 个键值到 {}", file.display()),
                    Lang::En => format!("backed up {n} keys to {}", file.display()),
                }
            );
            Ok(0)
        }
        Command::Restore { file, force } => {
            let n = office.restore(file, *force)?;
            let r = office.verify()?;
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!("已从 {} 恢复 {n} 个键值", file.display()),
                    Lang::En => format!("restored {n} keys from {}", file.display()),
                }
            );
            if let Some(p) = r.problem {
                eprintln!("{}", p.localize(lang));
                return Ok(1);
            }
            Ok(0)
        }
    }
}

fn list(office: &Office, kind: ListKind, json: bool) -> Result<(), OfficeError> {
    let lang = office.lang();
    let st = office.state();
    let mut out = std::io::stdout().lock();
    match kind {
        ListKind::Targets => {
            if json {
                return print_json(&st.targets);
            }
            for t in &st.targets {
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.credit_code,
                    t.name,
                    t.region,
                    t.permit_class.label(lang),
                    t.status.label(lang)
                );
            }
        }
        ListKind::Inspectors => {
            if json {
                return print_json(&st.inspectors);
            }
            for p in &st.inspectors {
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    p.id,
                    p.certificate_no,
                    p.name,
                    st.department_name(&p.department),
                    p.status.label(lang)
                );
            }
        }
        ListKind::Departments => {
            if json {
                return print_json(&st.departments);
            }
            for d in &st.departments {
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    d.id,
                    d.code,
                    d.name,
                    d.kind.label(lang)
                );
            }
        }
        ListKind::Conflicts => {
            if json {
                return print_json(&st.conflicts);
            }
            for c in &st.conflicts {
                let insp = st
                    .inspector(c.inspector)
                    .map(|p| p.name.as_str())
                    .unwrap_or("?");
                let targ = st.target(c.target).map(|t| t.name.as_str()).unwrap_or("?");
                let _ = writeln!(
                    out,
                    "{}\t{insp}\t{}\t{targ}\t{}",
                    c.inspector, c.target, c.reason
                );
            }
        }
        ListKind::Tasks | ListKind::Draws | ListKind::Plans => {
            drop(st);
            return office.list_draw_records(kind, json);
        }
    }
    Ok(())
}

/// No subcommand: the TUI (on a throwaway demo store with `--demo`).
pub fn run_tui(cli: &Cli) -> i32 {
    use crate::tui::{app, keymap, state::Config};
    let lang = cli.lang;
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
    let (office, _demo_dir, store_label) = if cli.demo {
        match Office::open_demo(lang) {
            Ok((o, dir)) => (
                o,
                Some(dir),
                lang.pick("演示库（临时）", "demo store (temporary)")
                    .to_string(),
            ),
            Err(e) => {
                eprintln!("{}", e.localize(lang));
                return e.exit_code();
            }
        }
    } else {
        let db = cli.db.clone().unwrap_or_else(default_db);
        match Office::open(&db, lang) {
            Ok(o) => (o, None, db.display().to_string()),
            Err(e) => {
                eprintln!("{}", e.localize(lang));
                return e.exit_code();
            }
        }
    };
    let cfg = Config {
        lang,
        keymap,
        symbols: cli.symbols.resolve(),
        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        mouse: cli.mouse,
        today: chrono::Local::now().date_naive(),
        store_label,
        user: office.user().to_string(),
    };
    match app::run(std::sync::Arc::new(office), cfg) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{}{e}", lang.pick("终端界面出错：", "terminal UI error: "));
            1
        }
    }
}
