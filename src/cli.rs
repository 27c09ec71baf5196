//! The command line: the same office as the TUI, for scripts.

use crate::i18n::Lang;
use crate::office::{ImportKind, ListKind, Office, OfficeError};
use crate::store::VerifyReport;
use clap::{Parser, Subcommand};
use std::io::Write as _;
use std::path::{Path, PathBuf};

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
    /// Symbols in the TUI: auto (measured from the terminal, else the locale), unicode, or
    /// ascii (for terminals that draw ambiguous-width characters two columns wide). Default:
    /// `symbols` in the config directory's config.toml, else auto.
    #[arg(long, global = true)]
    pub symbols: Option<crate::tui::symbols::SymbolChoice>,
    /// Start the TUI even when the locale or the terminal is not UTF-8.
    #[arg(long, global = true)]
    pub force_utf8: bool,
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
    /// Walk the audit chain, compare every record with it, and recompute every draw.
    Verify {
        /// Recompute only this draw.
        #[arg(long)]
        draw: Option<u64>,
    },
    /// Which Table 1 row governs a target (id, credit code or name), and why.
    Explain { target: String },
    /// Draw targets and teams for a plan and period, and commit the result.
    Draw {
        /// Plan id (see `list plans`).
        #[arg(long)]
        plan: u64,
        /// 2022Q3, 2022H2 or 2022.
        #[arg(long)]
        period: String,
        /// Directed draw: target scope, e.g. "所在地区=狗街镇; 行业=水泥".
        #[arg(long)]
        scope: Option<String>,
        /// Inspector scope, e.g. "专长=辐射" or "部门=ZFDD|HJGL".
        #[arg(long)]
        inspectors: Option<String>,
        #[arg(long)]
        team_size: Option<usize>,
        /// internal, or departments:D1,D2 (overrides the plan).
        #[arg(long)]
        joint: Option<String>,
        /// Replay a given 32-byte seed (64 hex digits).
        #[arg(long)]
        seed: Option<String>,
        /// Numbers read out at a public draw, mixed into the seed.
        #[arg(long, default_value = "")]
        witness: String,
        /// The draw date (default today), YYYY-MM-DD.
        #[arg(long)]
        date: Option<String>,
        /// Show pools, quotas and the joint count; never the picks. Writes nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Void a committed draw (it is kept, with the reason).
    Void {
        draw: u64,
        #[arg(long)]
        reason: String,
    },
    /// Write a portable, checksummed backup file.
    Backup { file: PathBuf },
    /// Restore a backup (refuses a non-empty store unless --force).
    Restore {
        file: PathBuf,
        #[arg(long)]
        force: bool,
    },
    /// Show the locale, what was detected of the terminal, and a test pattern of both symbol
    /// sets (for Xshell, SecureCRT and PuTTY users). Needs no store.
    Doctor,
}

pub fn default_db() -> PathBuf {
    directories::ProjectDirs::from("cn", "yiliang", "shuangsui")
        .map(|d| d.data_dir().join("store"))
        .unwrap_or_else(|| PathBuf::from("shuangsui-store"))
}

/// Run a subcommand; returns the process exit status.
pub fn run(cli: &Cli, command: &Command) -> i32 {
    let lang = cli.lang;
    if let Command::Doctor = command {
        return crate::tui::doctor::run(lang, cli.symbols);
    }
    let db = cli.db.clone().unwrap_or_else(default_db);
    // verify and restore work on the raw store: a store too damaged for the office to load is
    // exactly what they are for.
    let direct = match command {
        // The records and the chain first, on the raw store; the draws need the office.
        Command::Verify { draw: None } => match Office::verify_at(&db) {
            Ok(r) if r.problem.is_some() => Some(Ok(print_verify(&r, lang))),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        },
        Command::Restore { file, force } => Some(
            Office::restore_at(&db, file, *force).map(|(n, r)| print_restore(file, n, &r, lang)),
        ),
        _ => None,
    };
    if let Some(res) = direct {
        return match res {
            Ok(code) => code,
            Err(e) => {
                eprintln!("{}", e.localize(lang));
                e.exit_code()
            }
        };
    }
    let office = match Office::open(&db, lang) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{}", e.localize(lang));
            return e.exit_code();
        }
    };
    let code = match execute(&office, command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", e.localize(lang));
            e.exit_code()
        }
    };
    // Every commit was flushed before it reported success; freeing a million targets one by
    // one only delays the exit (about 3 s at 1M), so the process lets the OS reclaim them.
    std::mem::forget(office);
    code
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
        Command::Explain { target } => {
            let st = office.state();
            let t = st
                .find_target(target)
                .ok_or_else(|| OfficeError::NotFound(target.clone()))?;
            println!("{} {} {}", t.id, t.name, t.credit_code);
            println!("{}", office.rules().explain(t, lang));
            Ok(0)
        }
        Command::Draw {
            plan,
            period,
            scope,
            inspectors,
            team_size,
            joint,
            seed,
            witness,
            date,
            dry_run,
            json,
        } => {
            let joint = match joint {
                None => None,
                Some(j) => {
                    let (kind, depts) = j.split_once(':').unwrap_or((j.as_str(), ""));
                    let kind = match kind {
                        "internal" => "内部联合",
                        "departments" => "部门联合",
                        "none" => "无",
                        other => other,
                    };
                    Some(
                        crate::domain::JointKind::parse(kind, depts)
                            .map_err(|e| OfficeError::Refused(e.localize(lang)))?,
                    )
                }
            };
            let date = match date {
                None => None,
                Some(d) => Some(crate::import::values::parse_date(d).ok_or_else(|| {
                    OfficeError::Refused(format!(
                        "{}{d}",
                        lang.pick(
                            "日期格式错误（应为 YYYY-MM-DD）：",
                            "bad date (YYYY-MM-DD): "
                        )
                    ))
                })?),
            };
            let req = crate::office::DrawRequest {
                plan: *plan,
                period: period.clone(),
                scope: scope.clone(),
                inspector_scope: inspectors.clone(),
                team_size: *team_size,
                joint,
                seed: seed.clone(),
                witness: witness.clone(),
                date,
            };
            if *dry_run {
                let (p, _) = office.prepare_draw(&req)?;
                if *json {
                    print_json(&p)?;
                } else {
                    print_preview(&p, lang);
                }
                return Ok(0);
            }
            let d = office.commit_draw(&req)?;
            if *json {
                print_json(&office.draw_json(&d))?;
            } else {
                print_draw(office, &d);
            }
            Ok(0)
        }
        Command::Void { draw, reason } => {
            let d = office.void_draw(*draw, reason)?;
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!("抽取 #{} 已作废，原因：{}", d.id, reason),
                    Lang::En => format!("draw #{} voided: {}", d.id, reason),
                }
            );
            Ok(0)
        }
        Command::Verify { draw: Some(id) } => match office.verify_draw(*id)? {
            Ok(()) => {
                println!(
                    "{}",
                    match lang {
                        Lang::Zh => format!("抽取 #{id} 重算一致"),
                        Lang::En => format!("draw #{id} recomputes identically"),
                    }
                );
                Ok(0)
            }
            Err(m) => {
                eprintln!("{m}");
                Ok(1)
            }
        },
        Command::Verify { draw: None } => {
            if let Some((_, m)) = office.verify_all_draws() {
                eprintln!("{m}");
                return Ok(1);
            }
            Ok(print_verify(&office.verify()?, lang))
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
            Ok(print_restore(file, n, &office.verify()?, lang))
        }
        // Handled in `run` before the store is opened.
        Command::Doctor => Ok(crate::tui::doctor::run(lang, None)),
    }
}

/// Print a verification; the exit status (1 when it found a problem).
fn print_verify(r: &VerifyReport, lang: Lang) -> i32 {
    match &r.problem {
        None => {
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "校验通过：审计日志 {} 条，记录 {} 个，抽取均可重算，链头 {}",
                        r.entries, r.records, r.head
                    ),
                    Lang::En => format!(
                        "verified: {} audit entries, {} records, every draw recomputes, head {}",
                        r.entries, r.records, r.head
                    ),
                }
            );
            0
        }
        Some(p) => {
            eprintln!("{}", p.localize(lang));
            1
        }
    }
}

/// Print the outcome of a restore and of the verification that follows it.
fn print_restore(file: &Path, n: u64, r: &VerifyReport, lang: Lang) -> i32 {
    println!(
        "{}",
        match lang {
            Lang::Zh => format!("已从 {} 恢复 {n} 个键值", file.display()),
            Lang::En => format!("restored {n} keys from {}", file.display()),
        }
    );
    if let Some(p) = &r.problem {
        eprintln!("{}", p.localize(lang));
        return 1;
    }
    0
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
        ListKind::Tasks => {
            let book = office.book();
            if json {
                let v: Vec<_> = book
                    .tasks
                    .iter()
                    .map(|t| crate::office::task_json_of(t, &st))
                    .collect();
                return print_json(&v);
            }
            for t in &book.tasks {
                let name = st.target(t.target).map(|x| x.name.as_str()).unwrap_or("?");
                let team: Vec<String> = t
                    .team
                    .iter()
                    .map(|i| {
                        st.inspector(*i)
                            .map(|p| p.name.clone())
                            .unwrap_or_else(|| i.to_string())
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "{}\t#{}\t{}\t{}\t{}\t{}\t{}{}",
                    t.id,
                    t.draw,
                    t.period,
                    t.row,
                    name,
                    team.join("、"),
                    t.method.label(lang),
                    if t.voided {
                        lang.pick("\t已作废", "\tvoided")
                    } else {
                        ""
                    }
                );
            }
        }
        ListKind::Draws => {
            drop(st);
            let book = office.book();
            if json {
                let v: Vec<_> = book.draws.iter().map(|d| office.draw_json(d)).collect();
                return print_json(&v);
            }
            for d in &book.draws {
                let state = match &d.voided {
                    None => lang.pick("有效", "committed").to_string(),
                    Some(v) => format!("{}{}", lang.pick("已作废：", "voided: "), v.reason),
                };
                let _ = writeln!(
                    out,
                    "#{}\t{}\t{}\t{}\t{} {}\t{}",
                    d.id,
                    d.period,
                    d.plan_name,
                    d.time,
                    d.tasks.len(),
                    lang.pick("个任务", "tasks"),
                    state
                );
            }
        }
        ListKind::Plans => {
            let book = office.book();
            if json {
                return print_json(&book.plans);
            }
            for p in &book.plans {
                let _ = writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    p.id,
                    p.seq,
                    p.name,
                    p.method.label(lang),
                    p.date_text,
                    p.joint.label(lang)
                );
            }
        }
    }
    Ok(())
}

/// No subcommand: the TUI (on a throwaway demo store with `--demo`).
pub fn run_tui(cli: &Cli) -> i32 {
    use crate::tui::{app, keymap, state::Config, terminal};
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
    let probe = if choice == crate::tui::symbols::SymbolChoice::Auto {
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
        symbols,
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

fn print_preview(p: &crate::office::DrawPreview, lang: Lang) {
    use crate::draw::engine::ratio_text;
    println!(
        "{} {} · {}",
        lang.pick("预览：计划", "preview: plan"),
        p.plan,
        p.plan_name
    );
    println!(
        "{}",
        lang.pick(
            "分层\t依据\t对象\t排除\t本期已抽\t池\t应抽",
            "row\tratio\ttargets\texcluded\talready\tpool\tquota"
        )
    );
    for s in &p.strata {
        println!(
            "{} {}\t{}\t{}\t{}\t{}\t{}\t{}",
            s.row, s.name, s.ratio, s.targets, s.excluded, s.already, s.pool, s.quota
        );
    }
    println!("{}\t{}", lang.pick("合计", "total"), p.total);
    println!(
        "{} {} · {} {} · {} {}",
        lang.pick("内部联合：本年", "internal joint: year"),
        ratio_text(p.year_before.0, p.year_before.1),
        lang.pick("本次需", "this draw needs"),
        p.internal_joint,
        lang.pick("抽后", "after"),
        ratio_text(p.year_after.0, p.year_after.1)
    );
    println!(
        "{} {} · {} {} · {} {} · {} {}",
        lang.pick("检查人员可用", "inspectors eligible"),
        p.inspectors_eligible,
        lang.pick("持证", "certified"),
        p.inspectors_certified,
        lang.pick("回避", "recusals"),
        p.recusal_pairs,
        lang.pick("每人本期上限", "cap per period"),
        p.workload_cap
    );
    println!("{} {}", lang.pick("池哈希", "pool hash"), p.pool_hash);
}

fn print_draw(office: &Office, d: &crate::office::DrawRecord) {
    let lang = office.lang();
    let j = office.draw_json(d);
    println!(
        "{} #{} · {} · {} · {} {}",
        lang.pick("抽取", "draw"),
        j.id,
        d.plan_name,
        j.period,
        j.tasks.len(),
        lang.pick("个任务", "tasks")
    );
    let st = office.state();
    for t in &j.tasks {
        let team: Vec<String> = t
            .team
            .iter()
            .map(|i| {
                st.inspector(*i)
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| i.to_string())
            })
            .collect();
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            t.row,
            t.name,
            t.credit_code,
            team.join("、"),
            t.joint,
            t.method
        );
    }
    println!("{} {}", lang.pick("种子", "seed"), j.seed);
    if let Some(e) = &j.entropy {
        println!("{} {}", lang.pick("系统随机数", "OS entropy"), e);
    }
    if !j.witness.is_empty() {
        println!("{} {}", lang.pick("见证号码", "witness"), j.witness);
    }
    println!("{} {}", lang.pick("池哈希", "pool hash"), j.pool_hash);
    println!("{} {}", lang.pick("算法", "algorithm"), j.algorithm);
    println!(
        "{} {} → {}",
        lang.pick("本年内部联合", "year internal joint"),
        j.year_before,
        j.year_after
    );
    println!(
        "{} shuangsui verify --draw {}",
        lang.pick("复核命令：", "re-check with:"),
        j.id
    );
}
