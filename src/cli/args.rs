//! The command line's arguments (clap): the commands, their options, and the parsing of the
//! dates and periods they carry.

use super::*;

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
    /// A plan's settings (issue 19): `plan window --plan N --days D`.
    Plan {
        #[command(subcommand)]
        action: oversight::PlanAction,
    },
    /// A violation's progress (issue 19): state, rectification due date, hand-over.
    Violation(oversight::ViolationArgs),
    /// A target's status change (动态调整), as a result's registry prompt prints it.
    Adjust(oversight::AdjustArgs),
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
pub(crate) fn date_arg(s: &str, lang: Lang) -> Result<chrono::NaiveDate, OfficeError> {
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

pub(crate) fn today_arg(s: &Option<String>, lang: Lang) -> Result<chrono::NaiveDate, OfficeError> {
    Ok(opt_date_arg(s, lang)?.unwrap_or_else(|| chrono::Local::now().date_naive()))
}

pub(crate) fn period_arg(s: &str, lang: Lang) -> Result<crate::domain::Period, OfficeError> {
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
    pub(crate) fn spec_and_path(&self, lang: Lang) -> Result<(ExportSpec, &Path), OfficeError> {
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
            ExportWhat::Registry { kind, output } => (ExportSpec::Registry(*kind), output),
        })
    }
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
