//! The command line: the same office as the TUI, for scripts.

use crate::i18n::Lang;
use crate::office::protocol::{Bytes, ExportSpec};
use crate::office::{Caller, ImportKind, ListKind, Office, OfficeError, Reply, Request};
use crate::server::{Client, ConnectError};
use crate::store::VerifyReport;
use clap::{Parser, Subcommand};
use std::io::Write as _;
use std::path::{Path, PathBuf};

mod args;
mod coverage;
mod draw_steps;
mod edit;
mod oversight;
mod print;
mod rules;
mod serve;

pub(crate) use args::{date_arg, opt_date_arg, period_arg, today_arg};
pub use args::{Cli, Command, ExportWhat, ServeArgs, TaskStep};
pub(crate) use print::*;
use serve::serve;

pub fn default_db() -> PathBuf {
    directories::ProjectDirs::from("cn", "yiliang", "shuangsui")
        .map(|d| d.data_dir().join("store"))
        .unwrap_or_else(|| PathBuf::from("shuangsui-store"))
}

pub use crate::conn::Conn;

pub(crate) fn unexpected(lang: Lang) -> OfficeError {
    OfficeError::Refused(
        lang.pick(
            "服务器的回答与请求不符（版本不一致？）",
            "the server's answer does not fit the request (version mismatch?)",
        )
        .into(),
    )
}

/// The roles file: `--roles`, else `roles.toml` beside the store.
pub fn roles_path(cli: &Cli, db: &Path) -> PathBuf {
    cli.roles
        .clone()
        .unwrap_or_else(|| crate::office::roles::default_roles_path(db))
}

/// A local office signs when this user can read the key, and trusts its public half.
fn local_keys(office: &Office, cli: &Cli) {
    if let Ok(Some(signer)) = crate::store::sign::Signer::open(&cli.key) {
        office.set_signer(signer);
    } else if let Some(public) = crate::store::sign::trusted_public(&cli.key) {
        office.set_trusted_key(public);
    }
}

/// The socket: `--socket`, else `shuangsui.sock` in the store directory.
pub fn socket_path(cli: &Cli, db: &Path) -> PathBuf {
    cli.socket
        .clone()
        .unwrap_or_else(|| crate::server::default_socket(db))
}

fn fail(e: &OfficeError, lang: Lang) -> i32 {
    eprintln!("{}", e.localize(lang));
    e.exit_code()
}

/// `restore 2026-12-01`: the automatic backup of that day (the daily one, else the newest
/// taken before a restore that day); any other argument is a file.
fn backup_by_date(db: &Path, arg: &Path) -> PathBuf {
    let text = arg.to_string_lossy();
    if arg.exists() {
        return arg.to_path_buf();
    }
    let Ok(day) = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") else {
        return arg.to_path_buf();
    };
    let all = crate::store::rotate::list(db);
    let daily = crate::store::rotate::daily_file(db, day);
    all.iter()
        .find(|b| b.path == daily)
        .or_else(|| all.iter().find(|b| b.day == Some(day)))
        .map(|b| b.path.clone())
        .unwrap_or(daily)
}

fn print_backups(db: &Path, lang: Lang) -> i32 {
    let all = crate::store::rotate::list(db);
    let dir = crate::store::rotate::dir_for(db);
    if all.is_empty() {
        println!(
            "{}{}",
            lang.pick("还没有自动备份：", "no automatic backups yet: "),
            dir.display()
        );
        return 0;
    }
    println!(
        "{}{}",
        lang.pick("自动备份：", "automatic backups: "),
        dir.display()
    );
    for b in all {
        let day = b.day.map(|d| d.to_string()).unwrap_or_default();
        let name = b
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!("{day}  {name}  {} kB", b.bytes.div_ceil(1024));
    }
    0
}

/// Run a subcommand; returns the process exit status.
pub fn run(cli: &Cli, command: &Command) -> i32 {
    let lang = cli.lang;
    if let Command::Doctor = command {
        return crate::tui::doctor::run(lang, cli.symbols);
    }
    let db = cli.db.clone().unwrap_or_else(default_db);
    if let Command::Backups = command {
        return print_backups(&db, lang);
    }
    if let Command::Serve(args) = command {
        return serve(cli, &db, args);
    }
    // A server for this store answers on its socket: every command goes through it.
    let socket = socket_path(cli, &db);
    match Client::connect(&socket, lang) {
        Ok(client) => {
            eprintln!(
                "{}{}",
                lang.pick("服务器模式：", "server mode: "),
                socket.display()
            );
            if let Command::Restore { .. } = command {
                eprintln!(
                    "{}",
                    lang.pick(
                        "数据库由 shuangsui serve 管理：恢复备份前请先停止服务器",
                        "the store is held by shuangsui serve: stop the server before restoring"
                    )
                );
                return 2;
            }
            let mut conn = Conn::remote(client);
            return match execute(&mut conn, command, lang) {
                Ok(code) => code,
                Err(e) => fail(&e, lang),
            };
        }
        Err(ConnectError::NoServer) => {}
        Err(ConnectError::Refused(e)) => {
            eprintln!("{}", e.message(lang));
            return 2;
        }
        Err(ConnectError::Io(e)) => {
            eprintln!(
                "{}{}: {e}",
                lang.pick("无法连接服务器：", "cannot reach the server: "),
                socket.display()
            );
            return 1;
        }
    }
    // Only init (and restore, which fills a new store) may start from nothing: a mistyped
    // --db must not create an empty store that then verifies.
    if !matches!(command, Command::Init { .. } | Command::Restore { .. })
        && !crate::office::store_exists(&db)
    {
        eprintln!("{}", crate::office::no_store_here(&db, lang));
        return 1;
    }
    eprintln!("{}{}", lang.pick("本地库：", "local store: "), db.display());
    let roles_file = roles_path(cli, &db);
    let roles = match crate::office::Roles::load(&roles_file, cli.roles.is_some()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}", e.localize(lang));
            return 1;
        }
    };
    let caller = Caller::local(lang);
    // verify and restore work on the raw store: a store too damaged for the office to load is
    // exactly what they are for.
    let direct = match command {
        // The records and the chain, and the draws, on the raw store side by side (the
        // registries are not loaded: a draw is recomputed from its own record). Someone the
        // roles file does not name goes through the office, which refuses with its message.
        Command::Verify { draw: None }
            if roles
                .as_ref()
                .is_none_or(|r| r.role_of(&caller.user, &caller.groups).is_some()) =>
        {
            let trusted = match crate::store::sign::Signer::open(&cli.key) {
                Ok(Some(signer)) => Some(signer.public_hex()),
                _ => crate::store::sign::trusted_public(&cli.key),
            };
            Some(Office::verify_all_at(&db, lang, trusted.as_deref()).map(
                |(report, draws, signature)| print_verified(&report, draws, Some(signature), lang),
            ))
        }
        Command::Verify { draw: None } => match Office::verify_at(&db) {
            Ok(r) if r.problem.is_some() => Some(Ok(print_verify(&r, lang))),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        },
        Command::Restore { file, force } => {
            let role = match &roles {
                None => Some(crate::office::Role::Director),
                Some(r) => r.role_of(&caller.user, &caller.groups),
            };
            if role != Some(crate::office::Role::Director) {
                let d = crate::office::Role::Director;
                eprintln!(
                    "{}",
                    match lang {
                        Lang::Zh => format!(
                            "无权恢复备份：需要{}角色；{} 的角色不够。未做任何修改。",
                            d.label(lang),
                            caller.user
                        ),
                        Lang::En => format!(
                            "not allowed: restoring a backup needs the {} role; {} does not have it. Nothing was changed.",
                            d.label(lang),
                            caller.user
                        ),
                    }
                );
                return 3;
            }
            let file = &backup_by_date(&db, file);
            Some(
                Office::restore_at(
                    &db,
                    file,
                    *force,
                    crate::store::sign::trusted_public(&cli.key).as_deref(),
                    crate::store::sign::Signer::open(&cli.key)
                        .ok()
                        .flatten()
                        .as_ref(),
                )
                .map(|(n, r)| print_restore(file, n, &r, lang)),
            )
        }
        _ => None,
    };
    if let Some(res) = direct {
        return match res {
            Ok(code) => code,
            Err(e) => fail(&e, lang),
        };
    }
    let office = match Office::open(&db, lang) {
        Ok(o) => o,
        Err(e) => return fail(&e, lang),
    };
    if let Some(r) = &roles {
        if let Err(e) = r.check_inspectors(&office.state().inspectors, &roles_file) {
            eprintln!("{}", e.localize(lang));
            return 1;
        }
    }
    office.set_roles(roles);
    local_keys(&office, cli);
    // A new store gets the compiled-in rules and calendar at init (audited).
    if matches!(command, Command::Init { .. }) {
        if let Err(e) = office.ensure_rules_stored() {
            return fail(&e, lang);
        }
        // Issue 19: a new store starts with the ten items of section 二(一).
        if let Err(e) = office.seed_items() {
            return fail(&e, lang);
        }
    }
    let mut conn = Conn::with_caller(std::sync::Arc::new(office), caller);
    let code = match execute(&mut conn, command, lang) {
        Ok(code) => code,
        Err(e) => fail(&e, lang),
    };
    // Every commit was flushed before it reported success; freeing a million targets one by
    // one only delays the exit (about 3 s at 1M), so the process lets the OS reclaim them.
    std::mem::forget(conn);
    code
}

/// A reply printed as JSON for `--json`, else in words; exit code 0.
pub(crate) fn print_json_or<T: serde::Serialize>(
    json: bool,
    v: &T,
    text: impl FnOnce(),
) -> Result<i32, OfficeError> {
    if json {
        print_json(v)?;
    } else {
        text();
    }
    Ok(0)
}

pub(crate) fn print_json<T: serde::Serialize>(v: &T) -> Result<(), OfficeError> {
    let s = serde_json::to_string_pretty(v).map_err(|e| OfficeError::Refused(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    // A closed pipe (e.g. `| head`) is not an error worth a panic.
    let _ = writeln!(out, "{s}");
    Ok(())
}

/// `draw --period P` without `--plan`: every plan due in P, one draw after the other (each
/// plan's input is built after the previous plan's tasks are committed, so the obligations
/// across plans hold). A plan with nothing due is reported and skipped; the exit code is 0
/// when every plan due drew or had nothing due.
fn draw_period(
    conn: &mut Conn,
    base: crate::office::DrawRequest,
    dry_run: bool,
    json: bool,
    lang: Lang,
) -> Result<i32, OfficeError> {
    let period = crate::domain::Period::parse(&base.period)
        .map_err(|e| OfficeError::Refused(e.localize(lang)))?;
    let Reply::Text(t) = conn.call(Request::List {
        kind: ListKind::Plans,
        json: true,
    })?
    else {
        return Err(unexpected(lang));
    };
    let plans: Vec<crate::domain::Plan> =
        serde_json::from_str(&t).map_err(|e| OfficeError::Refused(e.to_string()))?;
    // Routine plans first, then directed ones (as `Office::plans_due`).
    let mut due: Vec<&crate::domain::Plan> = plans.iter().filter(|p| p.overlaps(period)).collect();
    due.sort_by_key(|p| (p.is_directed(), p.id));
    if due.is_empty() {
        return Err(OfficeError::Refused(match lang {
            Lang::Zh => format!("{period} 没有到期的抽查计划（抽查日期不含该期）"),
            Lang::En => format!("no plan is due in {period} (no plan's months overlap it)"),
        }));
    }
    let mut failed = 0;
    let mut results = Vec::new();
    for p in due {
        let req = crate::office::DrawRequest {
            plan: p.id,
            ..base.clone()
        };
        let r = if dry_run {
            conn.call(Request::PrepareDraw(req))
        } else {
            conn.call(Request::CommitDraw(req))
        };
        match r {
            Ok(Reply::Preview(pv)) if json => results.push(serde_json::to_value(&*pv)),
            Ok(Reply::Preview(pv)) => print_preview(&pv, lang),
            Ok(Reply::Drawn(d)) if json => results.push(serde_json::to_value(&d.json)),
            Ok(Reply::Drawn(d)) => print_draw(&d, lang),
            Ok(_) => return Err(unexpected(lang)),
            Err(e) => {
                let m = e.localize(lang);
                let nothing = m.contains("没有应抽的检查对象") || m.contains("nothing is due");
                if !nothing {
                    failed += 1;
                }
                if json {
                    results.push(Ok(serde_json::json!({"plan": p.id, "refused": m})));
                } else {
                    eprintln!("{m}");
                }
            }
        }
    }
    if json {
        let v: Vec<serde_json::Value> = results
            .into_iter()
            .collect::<Result<_, _>>()
            .map_err(|e| OfficeError::Refused(e.to_string()))?;
        print_json(&v)?;
    }
    Ok(if failed == 0 { 0 } else { 1 })
}

fn print_text(s: &str) {
    let _ = std::io::stdout().lock().write_all(s.as_bytes());
}

/// A path as the server's process or a later command finds it: absolute.
fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A file the server sent (a backup, an export), written whole or not at all.
fn write_bytes(path: &Path, bytes: &[u8], lang: Lang) -> Result<(), OfficeError> {
    crate::store::write_atomic(path, bytes).map_err(|e| {
        OfficeError::Refused(format!(
            "{}{}: {e}",
            lang.pick("无法写入文件：", "cannot write the file: "),
            path.display()
        ))
    })
}

fn execute(conn: &mut Conn, command: &Command, lang: Lang) -> Result<i32, OfficeError> {
    match command {
        Command::Serve(_) => Ok(0),
        Command::Init { demo } => {
            if *demo {
                let Reply::Imported(outcomes) = conn.call(Request::InitDemo)? else {
                    return Err(unexpected(lang));
                };
                for o in outcomes {
                    println!("{}", o.localize(lang));
                }
            }
            println!(
                "{}{}",
                lang.pick("数据库已就绪：", "store ready: "),
                conn.store_label()
            );
            Ok(0)
        }
        Command::Import {
            kind,
            file,
            dry_run,
            clear_empty,
        } => {
            let bytes = crate::import::read_file(file).map_err(|e| {
                OfficeError::Invalid(vec![format!(
                    "{}: {}{e}",
                    file.display(),
                    lang.pick("无法读取文件：", "cannot read the file: ")
                )])
            })?;
            let Reply::Imported(o) = conn.call(Request::Import {
                kind: *kind,
                name: file.display().to_string(),
                bytes: Bytes(bytes),
                dry_run: *dry_run,
                clear_empty: *clear_empty,
            })?
            else {
                return Err(unexpected(lang));
            };
            for o in o {
                println!("{}", o.localize(lang));
                if *dry_run {
                    print!("{}", o.preview_text(lang));
                }
            }
            Ok(0)
        }
        Command::List { kind, json } => {
            match conn.call(Request::List {
                kind: *kind,
                json: *json,
            })? {
                Reply::Text(t) => print_text(&t),
                Reply::Listing(l) => print_text(&listing_text(&l, lang)),
                _ => return Err(unexpected(lang)),
            }
            Ok(0)
        }
        Command::Show { kind, id, json } => edit::show(conn, *kind, id, *json, lang),
        Command::Edit { what } => edit::edit(conn, what, lang),
        Command::Explain { target } => {
            let Reply::Text(t) = conn.call(Request::Explain {
                target: target.clone(),
            })?
            else {
                return Err(unexpected(lang));
            };
            print_text(&t);
            Ok(0)
        }
        Command::Draw {
            step: Some(step), ..
        } => draw_steps::execute(conn, step, lang),
        Command::Draw {
            step: None,
            input,
            seed,
            witness,
            reason,
            dry_run,
            json,
        } => {
            let mut req = input.request_any_plan(lang)?;
            req.seed = seed.clone();
            req.witness = witness.clone();
            req.reason = reason.clone();
            if input.plan.is_none() {
                if input.scope.is_some() || req.seed.is_some() {
                    return Err(OfficeError::Refused(
                        lang.pick(
                            "--scope 和 --seed 只能与 --plan 一起使用",
                            "--scope and --seed need --plan",
                        )
                        .into(),
                    ));
                }
                return draw_period(conn, req, *dry_run, *json, lang);
            }
            if req.seed.is_some() {
                if !*dry_run {
                    return Err(OfficeError::Refused(
                        lang.pick(
                            "--seed 只能与 --dry-run 同用：指定的种子只用于重放，不写入任何记录；正式抽取请用 draw announce 和 draw commit",
                            "--seed only works with --dry-run: a chosen seed only replays and writes nothing; draw with `draw announce` and `draw commit`",
                        )
                        .into(),
                    ));
                }
                let Reply::Replayed(r) = conn.call(Request::ReplayDraw(req))? else {
                    return Err(unexpected(lang));
                };
                draw_steps::print_replay(&r, *json, lang)?;
                return Ok(0);
            }
            if *dry_run {
                let (plan, date) = (req.plan, req.date);
                let Reply::Preview(p) = conn.call(Request::PrepareDraw(req))? else {
                    return Err(unexpected(lang));
                };
                if *json {
                    print_json(&p)?;
                } else {
                    print_preview(&p, lang);
                    let date = date.unwrap_or_else(|| chrono::Local::now().date_naive());
                    oversight::print_exclusion(conn, plan, date, lang)?;
                }
                return Ok(0);
            }
            let Reply::Drawn(d) = conn.call(Request::CommitDraw(req))? else {
                return Err(unexpected(lang));
            };
            print_json_or(*json, &d.json, || print_draw(&d, lang))
        }
        Command::Void { draw, reason } => {
            let Reply::Voided { draw: id } = conn.call(Request::VoidDraw {
                draw: *draw,
                reason: reason.clone(),
            })?
            else {
                return Err(unexpected(lang));
            };
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!("抽取 #{id} 已作废，原因：{reason}"),
                    Lang::En => format!("draw #{id} voided: {reason}"),
                }
            );
            Ok(0)
        }
        Command::Verify { draw: Some(id) } => {
            let Reply::DrawVerified(problem) = conn.call(Request::VerifyDraw { draw: *id })? else {
                return Err(unexpected(lang));
            };
            match problem {
                None => {
                    println!(
                        "{}",
                        match lang {
                            Lang::Zh => format!("抽取 #{id} 重算一致"),
                            Lang::En => format!("draw #{id} recomputes identically"),
                        }
                    );
                    Ok(0)
                }
                Some(m) => {
                    eprintln!("{m}");
                    Ok(1)
                }
            }
        }
        Command::Verify { draw: None } => {
            let Reply::Verified {
                report,
                draw_problem,
                signature,
            } = conn.call(Request::Verify)?
            else {
                return Err(unexpected(lang));
            };
            Ok(print_verified(&report, draw_problem, signature, lang))
        }
        Command::Task { task, step } => {
            task_step(conn, *task, step, lang)?;
            Ok(0)
        }
        Command::Status {
            period,
            json,
            today,
        } => {
            period_arg(period, lang)?;
            let Reply::Status(f) = conn.call(Request::Status {
                period: period.clone(),
                today: today_arg(today, lang)?,
            })?
            else {
                return Err(unexpected(lang));
            };
            print_json_or(*json, &f, || print_status(&f, lang))
        }
        Command::Progress {
            period,
            json,
            today,
        } => {
            period_arg(period, lang)?;
            let Reply::Progress(v) = conn.call(Request::Progress {
                period: period.clone(),
                today: today_arg(today, lang)?,
            })?
            else {
                return Err(unexpected(lang));
            };
            print_json_or(*json, &v, || print_progress(&v, lang))
        }
        Command::Coverage(args) => coverage::execute(conn, args, lang),
        Command::Due {
            json,
            today,
            rectifications: true,
        } => oversight::rectifications(conn, today_arg(today, lang)?, *json, lang),
        Command::Due { json, today, .. } => {
            let Reply::Due(v) = conn.call(Request::Due {
                today: today_arg(today, lang)?,
            })?
            else {
                return Err(unexpected(lang));
            };
            print_json_or(*json, &v, || print_due(&v, lang))
        }
        Command::Export { what } => {
            let (spec, path) = what.spec_and_path(lang)?;
            let path = absolute(path);
            let Reply::Exported { text, bytes, .. } = conn.call(Request::Export {
                what: spec,
                to: Some(path.clone()),
            })?
            else {
                return Err(unexpected(lang));
            };
            if let Some(b) = bytes {
                write_bytes(&path, &b.0, lang)?;
            }
            println!("{text}");
            Ok(0)
        }
        Command::Backup { file } => {
            let path = absolute(file);
            let Reply::BackedUp {
                keys: n,
                bytes,
                signature,
            } = conn.call(Request::Backup {
                to: Some(path.clone()),
            })?
            else {
                return Err(unexpected(lang));
            };
            if let Some(b) = bytes {
                write_bytes(&path, &b.0, lang)?;
            }
            if let Some(sig) = signature {
                write_bytes(&crate::store::sign::sig_path(&path), sig.as_bytes(), lang)?;
            }
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!("已备份 {n} 个键值到 {}", file.display()),
                    Lang::En => format!("backed up {n} keys to {}", file.display()),
                }
            );
            Ok(0)
        }
        Command::Restore { file, force } => match conn {
            // `run` restores on the raw store before an office is opened; this is the
            // office's own restore for callers that hold one.
            Conn::Local { office, .. } => {
                let n = office.restore(file, *force)?;
                Ok(print_restore(file, n, &office.verify()?, lang))
            }
            Conn::Remote(_) => Ok(2),
        },
        // Handled in `run` before the store is opened.
        Command::Doctor => Ok(crate::tui::doctor::run(lang, None)),
        // Handled in `run`: it reads only the backups directory.
        Command::Backups => Ok(0),
        Command::Inspection { action } => oversight::inspection(conn, action, lang),
        Command::Plan { action } => oversight::plan(conn, action, lang),
        Command::Violation(a) => oversight::violation(conn, a, lang),
        Command::Adjust(a) => oversight::adjust(conn, a, lang),
        Command::Rules { action } => {
            rules::run(conn, crate::office::rules::RulesKind::Rules, action, lang)
        }
        Command::Calendar { action } => rules::run(
            conn,
            crate::office::rules::RulesKind::Calendar,
            action,
            lang,
        ),
    }
}

/// The working calendar in force in the store (for a message; the compiled-in one if the
/// store's cannot be had).
fn call_calendar(conn: &mut Conn) -> crate::domain::calendar::WorkingCalendar {
    let export = crate::office::rules::RulesRequest::Export {
        kind: crate::office::rules::RulesKind::Calendar,
        version: None,
    };
    match conn.call(Request::Rules(export)) {
        Ok(Reply::Rules(r)) => crate::domain::calendar::WorkingCalendar::from_toml_str(
            r.text.as_deref().unwrap_or_default(),
            "calendar.toml",
        )
        .unwrap_or_else(|_| crate::domain::calendar::WorkingCalendar::default_calendar()),
        _ => crate::domain::calendar::WorkingCalendar::default_calendar(),
    }
}

fn task_step(conn: &mut Conn, id: u64, step: &TaskStep, lang: Lang) -> Result<(), OfficeError> {
    use crate::domain::task::{FollowUpPatch, Step};
    let call = |step: Step| match conn.call(Request::TaskStep { task: id, step })? {
        Reply::Task(t) => Ok(t),
        _ => Err(unexpected(lang)),
    };
    let done = |zh: String, en: String| {
        // A closed pipe is not worth a panic.
        let _ = writeln!(
            std::io::stdout().lock(),
            "{}",
            match lang {
                Lang::Zh => zh,
                Lang::En => en,
            }
        );
    };
    match step {
        TaskStep::Check {
            date,
            method,
            approval,
        } => {
            let date = date_arg(date, lang)?;
            let method = match method {
                None => None,
                Some(m) => Some(crate::domain::InspectionMethod::parse(m).ok_or_else(|| {
                    OfficeError::Refused(format!(
                        "{}{m}",
                        lang.pick(
                            "未知的检查方式（应为 onsite、remote、other 或 现场检查、科技检查、其他检查）：",
                            "unknown method (onsite, remote or other): "
                        )
                    ))
                })?),
            };
            let t = call(Step::Check {
                date,
                method,
                approval: approval.clone().unwrap_or_default(),
            })?;
            let m = t.check.as_ref().map(|c| c.method.label(lang)).unwrap_or("");
            done(
                format!("任务 #{id} 已登记检查：{date} {m}"),
                format!("task #{id} checked on {date} ({m})"),
            );
        }
        TaskStep::Result {
            phrase,
            determined,
            findings,
            unsigned_reason,
            integrity_card,
        } => {
            let determined = date_arg(determined, lang)?;
            call(Step::Result {
                phrase: *phrase,
                determined,
                findings: findings.clone(),
                unsigned_reason: unsigned_reason.clone(),
                integrity_card: *integrity_card,
            })?;
            let text = crate::domain::task::phrase_text(*phrase).unwrap_or("");
            let due = call_calendar(conn)
                .publication_due(determined)
                .map(|d| d.to_string())
                .unwrap_or_default();
            done(
                format!("任务 #{id} 已登记结果：{text}（认定 {determined}），应于 {due} 前公示"),
                format!("task #{id} result: {text} (determined {determined}); publish by {due}"),
            );
            oversight::print_status_prompt(conn, id, lang)?;
        }
        TaskStep::Publish { date, url } => {
            let date = date_arg(date, lang)?;
            call(Step::Publish {
                date,
                url: url.clone(),
            })?;
            done(
                format!("任务 #{id} 已登记公示：{date}"),
                format!("task #{id} published on {date}"),
            );
        }
        TaskStep::Exempt {
            reason,
            approver,
            approved_on,
        } => {
            // One text for the office: ground；approver；date (see domain::task::Exemption).
            let mut text = reason.clone();
            for part in [approver, approved_on].into_iter().flatten() {
                text.push('；');
                text.push_str(part);
            }
            let reply = call(Step::Exempt { reason: text })?;
            let reason = match reply.publication.map(|p| *p) {
                Some(crate::domain::task::Publication::Exempt { reason, .. }) => reason,
                _ => reason.clone(),
            };
            done(
                format!("任务 #{id} 已登记不予公开：{reason}"),
                format!("task #{id} exempt from publication: {reason}"),
            );
        }
        TaskStep::Correct {
            step,
            date,
            text,
            reason,
        } => {
            match conn.call(Request::TaskCorrect {
                task: id,
                step: *step,
                date: opt_date_arg(date, lang)?,
                text: text.clone(),
                reason: reason.clone(),
            })? {
                Reply::Task(_) => {}
                _ => return Err(unexpected(lang)),
            }
            done(
                format!("任务 #{id} 已更正（原值保留在审计日志中）"),
                format!("task #{id} corrected (the old value is kept in the audit log)"),
            );
        }
        TaskStep::FollowUp {
            handed,
            due,
            rectified,
            case,
            judiciary,
        } => {
            call(Step::FollowUp(FollowUpPatch {
                handed_to_enforcement: opt_date_arg(handed, lang)?,
                rectification_due: opt_date_arg(due, lang)?,
                rectified_on: opt_date_arg(rectified, lang)?,
                case_number: case.clone(),
                transferred_to_judiciary: opt_date_arg(judiciary, lang)?,
            }))?;
            done(
                format!("任务 #{id} 已登记后续处理"),
                format!("task #{id} follow-up recorded"),
            );
        }
    }
    Ok(())
}

/// `shuangsui` without a command: the TUI over the store or its server.
pub fn run_tui(cli: &Cli) -> i32 {
    let start = crate::tui::run::Start {
        lang: cli.lang,
        force_utf8: cli.force_utf8,
        symbols: cli.symbols,
        keymap: cli.keymap.clone(),
        mouse: cli.mouse,
        demo: cli.demo,
    };
    crate::tui::run::run(&start, || tui_backend(cli))
}

/// The TUI's office: the demo store, the server of the store when one answers on its socket,
/// else the store opened here (with the roles file). Also the status bar's store label and
/// user; `Err` is the exit status after the message was printed.
fn tui_backend(cli: &Cli) -> Result<crate::tui::run::Opened, i32> {
    use crate::tui::backend::{Backend, RemoteOffice};
    use std::sync::Arc;
    let lang = cli.lang;
    let local = lang.pick("本地库", "local store");
    if cli.demo {
        return match Office::open_demo(lang) {
            Ok((o, dir)) => {
                let user = o.user().to_string();
                Ok((
                    Backend::local(Arc::new(o), lang),
                    Some(dir),
                    format!(
                        "{local} {}",
                        lang.pick("演示库（临时）", "demo store (temporary)")
                    ),
                    user,
                ))
            }
            Err(e) => {
                eprintln!("{}", e.localize(lang));
                Err(e.exit_code())
            }
        };
    }
    let db = cli.db.clone().unwrap_or_else(default_db);
    let socket = socket_path(cli, &db);
    match Client::connect(&socket, lang) {
        Ok(client) => {
            let progress = crate::tui::backend::progress_bar(lang);
            return match RemoteOffice::new_with_progress(client, &socket, lang, &progress) {
                Ok(r) => {
                    let label = format!("{} {}", lang.pick("服务器模式", "server"), r.store());
                    let user = r.user().to_string();
                    Ok((Backend::Remote(Arc::new(r)), None, label, user))
                }
                Err(e) => {
                    eprintln!("{e}");
                    Err(1)
                }
            };
        }
        Err(ConnectError::NoServer) => {}
        Err(ConnectError::Refused(e)) => {
            eprintln!("{}", e.message(lang));
            return Err(2);
        }
        Err(ConnectError::Io(e)) => {
            eprintln!(
                "{}{}: {e}",
                lang.pick("无法连接服务器：", "cannot reach the server: "),
                socket.display()
            );
            return Err(1);
        }
    }
    if !crate::office::store_exists(&db) {
        eprintln!("{}", crate::office::no_store_here(&db, lang));
        return Err(1);
    }
    let roles_file = roles_path(cli, &db);
    let roles = match crate::office::Roles::load(&roles_file, cli.roles.is_some()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}", e.localize(lang));
            return Err(1);
        }
    };
    match Office::open(&db, lang) {
        Ok(o) => {
            if let Some(r) = &roles {
                if let Err(e) = r.check_inspectors(&o.state().inspectors, &roles_file) {
                    eprintln!("{}", e.localize(lang));
                    return Err(1);
                }
            }
            o.set_roles(roles);
            local_keys(&o, cli);
            let user = o.user().to_string();
            Ok((
                Backend::local(Arc::new(o), lang),
                None,
                format!("{local} {}", db.display()),
                user,
            ))
        }
        Err(e) => {
            eprintln!("{}", e.localize(lang));
            Err(e.exit_code())
        }
    }
}
