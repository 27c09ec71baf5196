//! The command line: the same office as the TUI, for scripts.

use crate::i18n::Lang;
use crate::office::protocol::{Bytes, ExportSpec};
use crate::office::{Caller, ImportKind, ListKind, Office, OfficeError, Reply, Request};
use crate::server::{Client, ConnectError};
use crate::store::VerifyReport;
use clap::{Parser, Subcommand};
use std::io::Write as _;
use std::path::{Path, PathBuf};

mod coverage;
mod draw_steps;
mod edit;
mod oversight;
mod rules;

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
    /// Socket of `shuangsui serve` (default: shuangsui.sock in the store directory; env
    /// SHUANGSUI_SOCKET). Commands use the server when one answers there.
    #[arg(long, global = true, env = "SHUANGSUI_SOCKET")]
    pub socket: Option<PathBuf>,
    /// Roles file (default: roles.toml beside the store directory; env SHUANGSUI_ROLES).
    /// Without one, everyone is director.
    #[arg(long, global = true, env = "SHUANGSUI_ROLES")]
    pub roles: Option<PathBuf>,
    /// The server's signing key (made by `serve` at its first start, mode 0600; its public half
    /// beside it as KEY.pub). Commands that can read it sign too; `verify` and `restore` trust
    /// KEY.pub.
    #[arg(long, global = true, env = "SHUANGSUI_KEY", default_value = crate::store::sign::DEFAULT_KEY)]
    pub key: PathBuf,
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
        /// Print what would change (per field, old and new values), write nothing.
        #[arg(long)]
        dry_run: bool,
        /// An empty cell clears the stored value (by default it keeps it; a column the
        /// file lacks always keeps it).
        #[arg(long)]
        clear_empty: bool,
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
    /// One target, inspector or plan with its revision (`--json`: with a `revision` field).
    Show {
        kind: ListKind,
        /// Id (a target also by credit code or name).
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Change some fields of a record; `--revision N` refuses it when someone else changed the
    /// record since revision N ("changed by USER at TIME: reload").
    Edit {
        #[command(subcommand)]
        what: edit::EditWhat,
    },
    /// Draw targets and teams for a plan and period. `draw announce` then `draw commit`; or
    /// `draw --plan N --period P [--witness W]` at one sitting (announce and commit at once);
    /// `--dry-run` previews, `--seed HEX --dry-run` replays (writing nothing).
    #[command(args_conflicts_with_subcommands = true)]
    Draw {
        #[command(subcommand)]
        step: Option<Box<draw_steps::DrawStep>>,
        #[command(flatten)]
        input: draw_steps::DrawInputArgs,
        /// Replay a given 32-byte seed (64 hex digits); only with --dry-run (a chosen seed never
        /// commits).
        #[arg(long)]
        seed: Option<String>,
        /// Numbers read out at a public draw, mixed into the seed.
        #[arg(long, default_value = "")]
        witness: String,
        /// Why the plan and period are drawn again (a previous announcement exists).
        #[arg(long)]
        reason: Option<String>,
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
    /// Record a task's next step: check, result, publish, exempt or follow-up.
    Task {
        /// Task id (see `list tasks`).
        task: u64,
        #[command(subcommand)]
        step: TaskStep,
    },
    /// Fairness over the years: coverage of targets, rows, towns and inspectors against the
    /// stored draws' expectations, and a chi-square test in plain words.
    Coverage(coverage::CoverageArgs),
    /// Figures of a period: per Table 1 row, joint ratios, publication, violations.
    Status {
        /// 2022Q3, 2022H2 or 2022.
        #[arg(long)]
        period: String,
        #[arg(long)]
        json: bool,
        /// The day the figures are for (default today), YYYY-MM-DD.
        #[arg(long)]
        today: Option<String>,
    },
    /// Per inspector: tasks assigned, checked, results recorded, publications overdue.
    Progress {
        #[arg(long)]
        period: String,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        today: Option<String>,
    },
    /// Results awaiting publication, overdue first; `--rectifications`: rectifications past
    /// their due date.
    Due {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        rectifications: bool,
        #[arg(long)]
        today: Option<String>,
    },
    /// Write an Excel report or a re-importable registry (.xlsx); headers follow --lang.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Write a portable, checksummed backup file.
    Backup { file: PathBuf },
    /// Hold the store and answer several users on a Unix socket (see --socket, --roles).
    Serve(ServeArgs),
    /// The automatic backups beside the store, newest first.
    Backups,
    /// Inspections outside the draw (issue 19): `inspection record`.
    Inspection {
        #[command(subcommand)]
        action: oversight::InspectionAction,
    },
    /// A target's status change (动态调整), as a result's registry prompt prints it.
    Adjust(oversight::AdjustArgs),
    /// A violation's progress (issue 19): state, rectification due date, hand-over.
    Violation(oversight::ViolationArgs),
    /// A plan's settings (issue 19): `plan window --plan N --days D`.
    Plan {
        #[command(subcommand)]
        action: oversight::PlanAction,
    },
    /// Table 1 and the settings in the store: show, export to edit, import (audited).
    Rules {
        #[command(subcommand)]
        action: rules::RulesAction,
    },
    /// The working-day calendar in the store: show, export, import a new year's notice.
    Calendar {
        #[command(subcommand)]
        action: rules::RulesAction,
    },
    /// Restore a backup (refuses a non-empty store unless --force). FILE, or the date of an
    /// automatic backup (YYYY-MM-DD, see `backups`).
    Restore {
        file: PathBuf,
        #[arg(long)]
        force: bool,
    },
    /// Show the locale, what was detected of the terminal, and a test pattern of both symbol
    /// sets (for Xshell, SecureCRT and PuTTY users). Needs no store.
    Doctor,
}

/// The steps of a task, in order.
#[derive(Debug, Subcommand)]
pub enum TaskStep {
    /// The inspection was carried out.
    Check {
        #[arg(long)]
        date: String,
        /// Method actually used: onsite, remote, other (现场检查, 科技检查, 其他检查); default
        /// the planned one.
        #[arg(long)]
        method: Option<String>,
        /// The bureau's approval of an "other" inspection.
        #[arg(long)]
        approval: Option<String>,
    },
    /// The result was determined: a standard phrase 1-8.
    Result {
        /// 1 未发现问题, 2 未按规定公示信息, 3 公示信息隐瞒真实情况、弄虚作假,
        /// 4 通过登记住所（经营场所）无法联系, 5 发现问题已责令改正, 6 不配合检查情节严重,
        /// 7 未发现开展本次抽查涉及的经营活动, 8 发现问题待处理.
        #[arg(long)]
        phrase: u8,
        #[arg(long)]
        determined: String,
        #[arg(long, default_value = "")]
        findings: String,
        /// Why the record was not signed by the legal representative (omit when signed).
        #[arg(long)]
        unsigned_reason: Option<String>,
        /// The integrity supervision card (廉政监督卡) was returned.
        #[arg(long)]
        integrity_card: bool,
    },
    /// The result was published on the county government website.
    Publish {
        #[arg(long)]
        date: String,
        #[arg(long, default_value = "")]
        url: String,
    },
    /// The result is not published (secrecy, national or public security).
    /// Not published: only for 保密, 国家安全 or 公共安全, with the approver and the date.
    Exempt {
        /// 保密, 国家安全 or 公共安全 (secrecy, national-security, public-security).
        #[arg(long)]
        reason: String,
        /// Who approved the exemption.
        #[arg(long)]
        approver: Option<String>,
        /// The approval's date, YYYY-MM-DD.
        #[arg(long)]
        approved_on: Option<String>,
    },
    /// Correct a recorded step (office role): check, result or publish date (--date), the
    /// exemption's reason (--text), the follow-up's hand-over date (--date). Audited with the
    /// old value.
    Correct {
        #[arg(value_enum)]
        step: crate::office::CorrectStep,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        text: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// Follow-up of a violation; given fields are recorded, the others kept.
    FollowUp {
        /// Handed to the enforcement department.
        #[arg(long)]
        handed: Option<String>,
        /// Rectification due.
        #[arg(long)]
        due: Option<String>,
        /// Rectified on.
        #[arg(long)]
        rectified: Option<String>,
        /// Case number (filed).
        #[arg(long)]
        case: Option<String>,
        /// Transferred to the judiciary on.
        #[arg(long)]
        judiciary: Option<String>,
    },
}

/// A date argument, or a refusal naming it.
fn date_arg(s: &str, lang: Lang) -> Result<chrono::NaiveDate, OfficeError> {
    crate::import::values::parse_date(s).ok_or_else(|| {
        OfficeError::Refused(format!(
            "{}{s}",
            lang.pick(
                "日期格式错误（应为 YYYY-MM-DD）：",
                "bad date (YYYY-MM-DD): "
            )
        ))
    })
}

pub(crate) fn opt_date_arg(
    s: &Option<String>,
    lang: Lang,
) -> Result<Option<chrono::NaiveDate>, OfficeError> {
    s.as_deref().map(|s| date_arg(s, lang)).transpose()
}

fn today_arg(s: &Option<String>, lang: Lang) -> Result<chrono::NaiveDate, OfficeError> {
    Ok(opt_date_arg(s, lang)?.unwrap_or_else(|| chrono::Local::now().date_naive()))
}

fn period_arg(s: &str, lang: Lang) -> Result<crate::domain::Period, OfficeError> {
    crate::domain::Period::parse(s).map_err(|e| OfficeError::Refused(e.localize(lang)))
}

/// What `export` writes.
#[derive(Debug, Subcommand)]
pub enum ExportWhat {
    /// The record of a draw (抽查结果) with its pool and signature lines.
    Draw {
        draw: u64,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// The announcement of a draw (抽取公告): commitment, source, the frozen pool and inspectors.
    Announcement {
        announcement: u64,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// The quarterly workbook: coverage, progress, joint ratios, publication, violations.
    Quarterly {
        /// e.g. 2022Q3
        #[arg(long)]
        period: String,
        /// The day the figures are as of (publication deadlines), YYYY-MM-DD; default today.
        #[arg(long)]
        today: Option<String>,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// The list for the county government website (results recorded in the period).
    Publication {
        #[arg(long)]
        period: String,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// The annual plan in the plan file's columns (re-importable).
    Plan {
        #[arg(long)]
        year: i32,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// The publication notice (一公开) for the county government website: results determined
    /// from --from to --to, natural persons' names masked and their codes omitted. Writes an
    /// HTML table when the output ends in .html (or with --html), else a workbook.
    Notice {
        /// First determination date, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last determination date, YYYY-MM-DD.
        #[arg(long)]
        to: String,
        /// The office's own copy: exempt results too, with their ground.
        #[arg(long)]
        own_copy: bool,
        /// Write an HTML table whatever the output's name.
        #[arg(long)]
        html: bool,
        /// 公示日期 of results not yet published, YYYY-MM-DD; default today.
        #[arg(long)]
        today: Option<String>,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// The tasks (of --period, or all) written into a provincial template workbook, its
    /// header row matched by the importer's column names; unknown columns are named and left
    /// empty.
    Tasks {
        /// The template (.xlsx, .xls or .csv) the province hands out.
        #[arg(long)]
        template: PathBuf,
        /// e.g. 2022Q3; default every task.
        #[arg(long)]
        period: Option<String>,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// A registry with the import headers (re-importable).
    Registry {
        #[arg(value_enum)]
        kind: crate::report::RegistryKind,
        #[arg(short, long)]
        output: PathBuf,
    },
}

impl ExportWhat {
    fn spec_and_path(&self, lang: Lang) -> Result<(ExportSpec, &Path), OfficeError> {
        Ok(match self {
            ExportWhat::Draw { draw, output } => (ExportSpec::Draw(*draw), output),
            ExportWhat::Announcement {
                announcement,
                output,
            } => (ExportSpec::Announcement(*announcement), output),
            ExportWhat::Quarterly {
                period,
                today,
                output,
            } => (
                ExportSpec::Quarterly {
                    period: period.clone(),
                    today: today_arg(today, lang)?,
                },
                output,
            ),
            ExportWhat::Publication { period, output } => {
                (ExportSpec::Publication(period.clone()), output)
            }
            ExportWhat::Plan { year, output } => (ExportSpec::Plan(*year), output),
            ExportWhat::Notice {
                from,
                to,
                own_copy,
                html,
                today,
                output,
            } => {
                let day = |s: &str, flag: &str| {
                    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
                        OfficeError::Refused(match lang {
                            Lang::Zh => format!("{flag}：{s:?} 不是日期（应为 YYYY-MM-DD）"),
                            Lang::En => format!("{flag}: {s:?} is not a date (YYYY-MM-DD)"),
                        })
                    })
                };
                let (from, to) = (day(from, "--from")?, day(to, "--to")?);
                if from > to {
                    return Err(OfficeError::Refused(match lang {
                        Lang::Zh => format!("--from {from} 晚于 --to {to}"),
                        Lang::En => format!("--from {from} is after --to {to}"),
                    }));
                }
                let ext = output
                    .extension()
                    .and_then(|e| e.to_str())
                    .map(|e| e.to_ascii_lowercase());
                (
                    ExportSpec::Notice {
                        from,
                        to,
                        own_copy: *own_copy,
                        today: today_arg(today, lang)?,
                        html: *html || matches!(ext.as_deref(), Some("html" | "htm")),
                    },
                    output,
                )
            }
            ExportWhat::Tasks {
                template,
                period,
                output,
            } => {
                let bytes = std::fs::read(template).map_err(|e| {
                    OfficeError::Refused(format!(
                        "{}: {}{e}",
                        template.display(),
                        lang.pick("无法读取模板：", "cannot read the template: ")
                    ))
                })?;
                (
                    ExportSpec::Tasks {
                        template_name: template.display().to_string(),
                        template: Bytes(bytes),
                        period: period.clone(),
                    },
                    output,
                )
            }
            ExportWhat::Registry { kind, output } => {
                use clap::ValueEnum;
                let name = kind
                    .to_possible_value()
                    .map(|v| v.get_name().to_string())
                    .unwrap_or_default();
                (ExportSpec::Registry(name), output)
            }
        })
    }
}

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

/// The limits of `shuangsui serve` (see README, "Server limits").
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Largest request in MB (an import file travels in one request).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_frame_mb: u32,
    /// Connections at once, in total.
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_connections: u32,
    /// Connections at once of one user.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_per_user: u32,
    /// Seconds a connection may wait between two requests.
    #[arg(long, default_value_t = 1800, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub idle_timeout: u64,
    /// Seconds from connecting to a complete hello.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub hello_timeout: u64,
}

impl ServeArgs {
    pub fn limits(&self) -> crate::server::Limits {
        use std::time::Duration;
        crate::server::Limits {
            max_request: self.max_frame_mb.saturating_mul(1 << 20),
            max_connections: self.max_connections as usize,
            max_per_user: self.max_per_user as usize,
            idle_timeout: Duration::from_secs(self.idle_timeout),
            hello_timeout: Duration::from_secs(self.hello_timeout),
            ..crate::server::Limits::default()
        }
    }
}

/// `shuangsui serve`: hold the store and answer on the socket until killed.
fn serve(cli: &Cli, db: &Path, args: &ServeArgs) -> i32 {
    let lang = cli.lang;
    let socket = socket_path(cli, db);
    let roles = roles_path(cli, db);
    // The key before the socket: a client that connects finds the head signed from the start.
    let signer = match crate::store::sign::Signer::open_or_create(&cli.key) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "{}{e}",
                lang.pick(
                    "无法读取或创建签名密钥：",
                    "cannot read or make the signing key: "
                )
            );
            return 1;
        }
    };
    let server =
        match crate::server::Server::bind_roles(db, &socket, &roles, cli.roles.is_some(), lang) {
            Ok(s) => s.with_limits(args.limits()),
            Err(e) => {
                eprintln!("{}", e.localize(lang));
                return e.exit_code();
            }
        };
    server.office().set_signer(signer);
    let roles_text = if server.office().roles().is_some() {
        roles.display().to_string()
    } else {
        lang.pick(
            "无（单人办公：所有人均为 director）",
            "none (single-user office: everyone is director)",
        )
        .to_string()
    };
    eprintln!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "shuangsui serve：数据库 {}，套接字 {}，角色文件 {roles_text}",
                db.display(),
                socket.display()
            ),
            Lang::En => format!(
                "shuangsui serve: store {}, socket {}, roles {roles_text}",
                db.display(),
                socket.display()
            ),
        }
    );
    match server.run() {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
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
        // The records and the chain first, on the raw store; the draws need the office.
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
            let bytes = std::fs::read(file).map_err(|e| {
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
            let Reply::Text(t) = conn.call(Request::List {
                kind: *kind,
                json: *json,
            })?
            else {
                return Err(unexpected(lang));
            };
            print_text(&t);
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
            if *json {
                print_json(&d.json)?;
            } else {
                print_draw(&d, lang);
            }
            Ok(0)
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
            // The chain and records first (as the raw check), then the draws, then the
            // signature of the head.
            if report.problem.is_some() {
                return Ok(print_verify(&report, lang));
            }
            if let Some((_, m)) = draw_problem {
                eprintln!("{m}");
                return Ok(1);
            }
            let code = print_verify(&report, lang);
            match signature {
                Some(bad @ crate::store::sign::HeadCheck::Bad(_)) => {
                    eprintln!("{}", bad.localize(lang));
                    Ok(1)
                }
                Some(check) => {
                    println!("{}", check.localize(lang));
                    Ok(code)
                }
                None => Ok(code),
            }
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
            if *json {
                print_json(&f)?;
            } else {
                print_status(&f, lang);
            }
            Ok(0)
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
            if *json {
                print_json(&v)?;
            } else {
                print_progress(&v, lang);
            }
            Ok(0)
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
            if *json {
                print_json(&v)?;
            } else {
                print_due(&v, lang);
            }
            Ok(0)
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
    let (backend, _demo_dir, store_label, user) = match tui_backend(cli) {
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

/// The TUI's office: the demo store, the server of the store when one answers on its socket,
/// else the store opened here (with the roles file). Also the status bar's store label and
/// user; `Err` is the exit status after the message was printed.
#[allow(clippy::type_complexity)]
fn tui_backend(
    cli: &Cli,
) -> Result<
    (
        crate::tui::backend::Backend,
        Option<crate::office::DemoDir>,
        String,
        String,
    ),
    i32,
> {
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
            return match RemoteOffice::new(client, &socket, lang) {
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

pub(crate) fn print_preview(p: &crate::office::DrawPreview, lang: Lang) {
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

pub(crate) fn print_draw(d: &crate::office::protocol::Drawn, lang: Lang) {
    let j = &d.json;
    println!(
        "{} #{} · {} · {} · {} {}",
        lang.pick("抽取", "draw"),
        j.id,
        d.plan_name,
        j.period,
        j.tasks.len(),
        lang.pick("个任务", "tasks")
    );
    for (i, t) in j.tasks.iter().enumerate() {
        let team = d.team_names.get(i).cloned().unwrap_or_default();
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
            let reason = match reply.publication {
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

fn yes_no(b: bool, lang: Lang) -> &'static str {
    if b {
        lang.pick("达标", "met")
    } else {
        lang.pick("未达标", "not met")
    }
}

fn print_status(f: &crate::office::StatusFigures, lang: Lang) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{} {}", lang.pick("期间", "period"), f.period);
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            "分层\t名称\t比例\t应抽\t已抽\t已检查",
            "row\tname\tratio\trequired\tdrawn\tchecked"
        )
    );
    for r in &f.rows {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            r.row, r.name, r.ratio, r.required, r.drawn, r.checked
        );
    }
    let j = &f.internal_joint;
    let _ = writeln!(
        out,
        "{} {}/{} = {:.1}% ({} {}%) {}  {} {}, {} {}",
        lang.pick("本年内部联合", "year internal joint"),
        j.joint,
        j.total,
        j.percent,
        lang.pick("不低于", "at least"),
        j.min_percent,
        yes_no(j.met, lang),
        lang.pick("合并检查", "merged visits"),
        j.merged,
        lang.pick("抽签指定", "designated by lot"),
        j.designated
    );
    let d = &f.inter_department;
    let _ = writeln!(
        out,
        "{} {}/{} {}，{} {}/{} {} {}",
        lang.pick("本年部门联合", "year inter-department"),
        d.draws,
        d.required_draws,
        lang.pick("次", "draws"),
        lang.pick("检查主体", "departments"),
        d.departments,
        d.required_departments,
        lang.pick("个", ""),
        yes_no(d.met, lang)
    );
    let p = &f.publication;
    let _ = writeln!(
        out,
        "{} {} {} · {} {} · {} {} · {} {} · {} {}",
        lang.pick("公示：", "publication:"),
        lang.pick("按时", "on time"),
        p.on_time,
        lang.pick("逾期公示", "late"),
        p.late,
        lang.pick("待公示", "pending"),
        p.pending,
        lang.pick("已逾期未公示", "overdue"),
        p.overdue,
        lang.pick("不予公开", "exempt"),
        p.exempt
    );
    let v = &f.violations;
    let _ = writeln!(
        out,
        "{} {} {} · {} {} · {} {} · {} {} · {} {}",
        lang.pick("违法问题：", "violations:"),
        lang.pick("发现", "found"),
        v.found,
        lang.pick("移交执法", "handed"),
        v.handed,
        lang.pick("已整改", "rectified"),
        v.rectified,
        lang.pick("立案", "filed"),
        v.filed,
        lang.pick("移送司法", "transferred"),
        v.transferred
    );
    draw_steps::print_attempts(&mut out, &f.attempts, lang);
}

fn print_progress(v: &[crate::office::InspectorProgress], lang: Lang) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            "编号\t姓名\t部门\t任务\t已检查\t已认定\t逾期未公示\t本年检查",
            "id\tname\tdepartment\tassigned\tchecked\tresults\toverdue\tyear inspections"
        )
    );
    for p in v {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            p.inspector,
            p.name,
            p.department,
            p.assigned,
            p.checked,
            p.result_recorded,
            p.overdue,
            p.year_inspections
        );
    }
}

fn print_due(v: &[crate::office::DueItem], lang: Lang) {
    let mut out = std::io::stdout().lock();
    if v.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            lang.pick("没有待公示的结果", "no result awaits publication")
        );
        return;
    }
    let _ = writeln!(
        out,
        "{}",
        lang.pick(
            "任务\t检查对象\t信用代码\t结果\t认定\t公示期限\t剩余工作日",
            "task\ttarget\tcredit code\tresult\tdetermined\tdue\tworking days left"
        )
    );
    for d in v {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}{}",
            d.task,
            d.name,
            d.credit_code,
            d.phrase,
            d.determined,
            d.due,
            d.days_left,
            if d.overdue {
                lang.pick("\t已逾期", "\toverdue")
            } else {
                ""
            }
        );
    }
}
