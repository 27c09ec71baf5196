//! `draw announce`, `draw commit` and the replay: the two steps of a draw nobody can steer
//! (see `office::announce`).

use super::{opt_date_arg, print_draw, print_json, print_json_or, unexpected, Conn};
use crate::i18n::Lang;
use crate::office::announce::{AnnounceRequest, AnnouncementJson, Replay};
use crate::office::{DrawRequest, OfficeError, Reply, Request};
use clap::{Args, Subcommand};

/// Why `draw announce` takes one plan, unlike the one-sitting `draw --period P`: a plan's
/// input depends on the tasks of the plans drawn before it in the period (one visit per
/// target per period, the obligations across plans), and those are known only once that draw
/// is committed with its witness. Announcing every plan at once would freeze inputs that
/// ignore each other.
const ANNOUNCE_NEEDS_PLAN: (&str, &str) = (
    "draw announce 须给出 --plan：一个计划的抽取输入取决于本期之前各计划已抽取的任务（每个对象每期只查一次），这些任务要等前一个计划公告、见证、抽取之后才确定，所以各计划须逐个公告并抽取。一次完成本期所有计划请用 draw --period（无事先公布的公开来源）",
    "draw announce needs --plan: a plan's draw input depends on the tasks of the plans drawn before it in the period (one visit per target per period), which are known only once that plan is announced, witnessed and drawn; so announce and draw the plans one after the other. To draw every plan of the period at one sitting (no public source named in advance), use draw --period",
);

/// What a draw's input is built from (shared by the one-sitting draw and `draw announce`).
#[derive(Debug, Clone, Args)]
pub struct DrawInputArgs {
    /// Plan id (see `list plans`); for a one-sitting draw without it, every plan due in the
    /// period (its 抽查日期 months overlap it), one draw after the other.
    #[arg(long)]
    pub plan: Option<u64>,
    /// 2022Q3, 2022H2 or 2022.
    #[arg(long)]
    pub period: Option<String>,
    /// Directed draw: target scope, e.g. "所在地区=狗街镇; 行业=水泥".
    #[arg(long)]
    pub scope: Option<String>,
    /// Inspector scope, e.g. "专长=辐射" or "部门=ZFDD|HJGL".
    #[arg(long)]
    pub inspectors: Option<String>,
    #[arg(long)]
    pub team_size: Option<usize>,
    /// internal, or departments:D1,D2 (overrides the plan).
    #[arg(long)]
    pub joint: Option<String>,
    /// The draw date (default today), YYYY-MM-DD.
    #[arg(long)]
    pub date: Option<String>,
}

impl DrawInputArgs {
    pub fn request(&self, lang: Lang) -> Result<DrawRequest, OfficeError> {
        if self.plan.is_none() {
            return Err(OfficeError::Refused(
                lang.pick(
                    "抽取须给出 --plan 和 --period",
                    "a draw needs --plan and --period",
                )
                .into(),
            ));
        }
        self.request_any_plan(lang)
    }

    /// The request with plan 0 when no `--plan` is given (a draw of every plan due).
    pub fn request_any_plan(&self, lang: Lang) -> Result<DrawRequest, OfficeError> {
        let Some(period) = self.period.as_ref() else {
            return Err(OfficeError::Refused(
                lang.pick("抽取须给出 --period", "a draw needs --period")
                    .into(),
            ));
        };
        let plan = self.plan.unwrap_or(0);
        let joint = match &self.joint {
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
        Ok(DrawRequest {
            plan,
            period: period.clone(),
            scope: self.scope.clone(),
            inspector_scope: self.inspectors.clone(),
            team_size: self.team_size,
            joint,
            date: opt_date_arg(&self.date, lang)?,
            ..DrawRequest::default()
        })
    }
}

/// The steps of a draw.
#[derive(Debug, Subcommand)]
pub enum DrawStep {
    /// Step 1: freeze the input, seal fresh OS entropy, record its commitment SHA-256(entropy)
    /// and the public source of the witness; print the announcement to publish.
    Announce {
        #[command(flatten)]
        input: DrawInputArgs,
        /// The public source of the witness, named in advance, e.g. "福彩3D 2022年第185期开奖号码".
        #[arg(long)]
        source: Option<String>,
        /// Why the plan and period are announced again (names the previous announcement).
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Step 2: draw announcement N with the witness (seed = SHA-256(entropy || witness)) and
    /// commit the result; the entropy is revealed.
    Commit {
        announcement: u64,
        /// The witness, taken from the announced source (e.g. the published lottery numbers).
        #[arg(long)]
        witness: String,
        #[arg(long)]
        json: bool,
    },
    /// The complete record of draw N as JSON (docs/draw-record.md); re-check it with
    /// `python3 tools/sampler_reference.py --record FILE`.
    Record { draw: u64 },
    /// One announcement as recorded (its entropy only once revealed).
    Announcement {
        announcement: u64,
        #[arg(long)]
        json: bool,
    },
}

pub fn execute(conn: &mut Conn, step: &DrawStep, lang: Lang) -> Result<i32, OfficeError> {
    match step {
        DrawStep::Announce {
            input,
            source,
            reason,
            json,
        } => {
            if input.plan.is_none() && input.period.is_some() {
                return Err(OfficeError::Refused(
                    lang.pick(ANNOUNCE_NEEDS_PLAN.0, ANNOUNCE_NEEDS_PLAN.1)
                        .into(),
                ));
            }
            let req = AnnounceRequest {
                draw: input.request(lang)?,
                source: source.clone().unwrap_or_default(),
                reason: reason.clone(),
            };
            let Reply::Announced(a) = conn.call(Request::AnnounceDraw(req))? else {
                return Err(unexpected(lang));
            };
            print_json_or(*json, &a, || print_announcement(&a, lang))
        }
        DrawStep::Commit {
            announcement,
            witness,
            json,
        } => {
            if witness.trim().is_empty() {
                return Err(OfficeError::Refused(
                    lang.pick(
                        "须给出见证号码（--witness，取自公告中指明的公开来源）",
                        "a witness is needed (--witness, taken from the announced public source)",
                    )
                    .into(),
                ));
            }
            let Reply::Drawn(d) = conn.call(Request::CommitAnnounced {
                announcement: *announcement,
                witness: witness.clone(),
            })?
            else {
                return Err(unexpected(lang));
            };
            print_json_or(*json, &d.json, || print_draw(&d, lang))
        }
        DrawStep::Record { draw } => {
            let Reply::Record(r) = conn.call(Request::DrawRecord { draw: *draw })? else {
                return Err(unexpected(lang));
            };
            print_json(&r)?;
            Ok(0)
        }
        DrawStep::Announcement { announcement, json } => {
            let Reply::Announced(a) = conn.call(Request::Announcement {
                announcement: *announcement,
            })?
            else {
                return Err(unexpected(lang));
            };
            print_json_or(*json, &a, || print_announcement(&a, lang))
        }
    }
}

/// The one-page announcement to publish or pin up before the draw.
pub fn print_announcement(a: &AnnouncementJson, lang: Lang) {
    let kv = |zh: &str, en: &str, v: &str| println!("{}\t{v}", lang.pick(zh, en));
    println!(
        "{} #{} · {} · {}",
        lang.pick("抽取公告", "Draw announcement"),
        a.announcement,
        a.plan_name,
        a.period
    );
    kv("计划", "plan", &a.plan.to_string());
    if let Some(d) = a.date {
        kv("抽取日期", "draw date", &d.to_string());
    }
    kv("公告时间", "announced", &a.time);
    kv("经办人", "operator", &a.operator);
    for (row, quota) in &a.quotas {
        println!("  {row}\t{quota}");
    }
    kv("抽取总数", "tasks", &a.total.to_string());
    kv("内部联合", "internal joint", &a.internal_joint.to_string());
    kv("检查组人数", "team size", &a.team_size.to_string());
    kv("输入哈希", "input hash", &a.input_hash);
    kv(
        "承诺 SHA-256(随机数)",
        "commitment SHA-256(entropy)",
        &a.commitment,
    );
    kv("见证号码来源", "witness source", &a.source);
    kv("算法", "algorithm", &a.algorithm);
    if let (Some(p), Some(r)) = (a.replaces, &a.reason) {
        println!(
            "{}",
            match lang {
                Lang::Zh => format!("再次公告（前一公告 #{p}），原因：{r}"),
                Lang::En => format!("announced again (previous: #{p}), reason: {r}"),
            }
        );
    }
    kv("状态", "state", &a.state);
    if let Some(e) = &a.entropy {
        kv("随机数（已公开）", "entropy (revealed)", e);
    }
    if a.state == "announced" {
        println!(
            "{} shuangsui draw commit {} --witness …",
            lang.pick(
                "见证号码公布后抽取：",
                "once the witness is public, draw with:"
            ),
            a.announcement
        );
    }
}

pub fn print_replay(r: &Replay, json: bool, lang: Lang) -> Result<(), OfficeError> {
    if json {
        return print_json(r);
    }
    println!(
        "{}",
        lang.pick(
            "重放（指定种子，未写入任何记录，不是正式抽取）",
            "REPLAY (chosen seed, nothing written, not a draw)"
        )
    );
    for t in &r.outcome.tasks {
        let team: Vec<String> = t.team.iter().map(u64::to_string).collect();
        println!(
            "{}\t{}\t{}\t{}",
            t.row,
            t.target,
            team.join(","),
            if t.internal_joint {
                lang.pick("内部联合", "internal joint")
            } else {
                ""
            }
        );
    }
    println!("{} {}", lang.pick("种子", "seed"), r.seed);
    println!("{} {}", lang.pick("池哈希", "pool hash"), r.pool_hash);
    println!(
        "{} {}",
        lang.pick("消耗随机字数", "words consumed"),
        r.outcome.words_consumed
    );
    Ok(())
}

/// The period's attempts that did not stand (`status`): the counts, then one line each.
pub(super) fn print_attempts(
    out: &mut impl std::io::Write,
    a: &crate::office::attempts::AttemptFigures,
    lang: Lang,
) {
    use crate::office::attempts::kind_label;
    let _ = writeln!(
        out,
        "{} {}",
        lang.pick("抽取记录：", "attempts:"),
        a.summary(lang)
    );
    for i in a.all() {
        let what = match (i.kind.as_str(), lang) {
            ("voided", Lang::Zh) => format!("抽取 #{}", i.number),
            ("voided", Lang::En) => format!("draw #{}", i.number),
            (_, Lang::Zh) => format!("公告 #{}", i.number),
            (_, Lang::En) => format!("announcement #{}", i.number),
        };
        let _ = writeln!(
            out,
            "  {} {what} {} {} {} · {} {} · {}",
            kind_label(&i.kind, lang),
            lang.pick("计划", "plan"),
            i.plan,
            i.period,
            i.by,
            i.time,
            i.detail
        );
    }
}
