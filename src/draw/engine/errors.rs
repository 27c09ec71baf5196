//! Why a draw cannot be made ([`DrawError`], the [`Constraint`] it broke) and how a recorded
//! draw differs from its recomputation ([`Mismatch`]).

use super::*;

/// The rule a draw could not satisfy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Constraint {
    /// Fewer than two certified internal inspectors available.
    NotEnoughCertified,
    /// An internal joint task: the certified candidates are all of one section.
    NoSecondSection,
    /// No available inspector of this partner department.
    NoPartnerInspector(String),
    /// Too few internal inspectors to fill the team.
    NotEnoughInspectors,
    /// A stratum's quota is larger than its pool.
    QuotaExceedsPool,
}

impl Constraint {
    pub fn localize(&self, lang: Lang) -> String {
        use Lang::*;
        match (self, lang) {
            (Constraint::NotEnoughCertified, Zh) => {
                "持有有效执法证的本局检查人员不足 2 名（已排除回避人员和工作量已满的人员）"
                    .to_string()
            }
            (Constraint::NotEnoughCertified, En) => "fewer than 2 certified inspectors of this \
                bureau are available (after recusals and the workload cap)"
                .to_string(),
            (Constraint::NoSecondSection, Zh) => {
                "内部联合检查需要两个不同科室的持证人员，但可派的持证人员都属于同一科室".to_string()
            }
            (Constraint::NoSecondSection, En) => "an internal joint inspection needs certified \
                inspectors of two sections, but the available ones are all of one section"
                .to_string(),
            (Constraint::NoPartnerInspector(code), Zh) => {
                format!("联合检查部门 {code} 没有可派的检查人员")
            }
            (Constraint::NoPartnerInspector(code), En) => {
                format!("partner department {code} has no available inspector")
            }
            (Constraint::NotEnoughInspectors, Zh) => {
                "可派的本局检查人员不足以组成规定人数的检查组".to_string()
            }
            (Constraint::NotEnoughInspectors, En) => {
                "too few inspectors of this bureau are available to fill the team".to_string()
            }
            (Constraint::QuotaExceedsPool, Zh) => "抽取数量超过了候选检查对象数量".to_string(),
            (Constraint::QuotaExceedsPool, En) => {
                "the quota is larger than the number of eligible targets".to_string()
            }
        }
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::default()))
    }
}

/// Why a draw could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrawError {
    /// No team (or no selection) satisfies the rules. For [`Constraint::QuotaExceedsPool`]
    /// there is no target and `target` is 0.
    Infeasible {
        target: u64,
        row: String,
        constraint: Constraint,
    },
    /// The input breaks the engine's contract (a defect of whoever built it); the text is a
    /// technical detail naming the field.
    BadInput(String),
    Sampler(SamplerError),
}

impl DrawError {
    pub fn localize(&self, lang: Lang) -> String {
        use Lang::*;
        match (self, lang) {
            (
                DrawError::Infeasible {
                    row,
                    constraint: Constraint::QuotaExceedsPool,
                    ..
                },
                Zh,
            ) => format!("无法抽取：抽查类别“{row}”的抽取数量超过了候选检查对象数量"),
            (
                DrawError::Infeasible {
                    row,
                    constraint: Constraint::QuotaExceedsPool,
                    ..
                },
                En,
            ) => format!(
                "cannot draw: the quota of row \"{row}\" is larger than its number of eligible \
                 targets"
            ),
            (
                DrawError::Infeasible {
                    target,
                    row,
                    constraint,
                },
                Zh,
            ) => format!(
                "无法为检查对象 {target}（抽查类别“{row}”）组成检查组：{}",
                constraint.localize(Zh)
            ),
            (
                DrawError::Infeasible {
                    target,
                    row,
                    constraint,
                },
                En,
            ) => format!(
                "cannot form a team for target {target} (row \"{row}\"): {}",
                constraint.localize(En)
            ),
            (DrawError::BadInput(detail), Zh) => {
                format!("抽取输入数据不符合要求（程序内部错误，请报告）：{detail}")
            }
            (DrawError::BadInput(detail), En) => {
                format!("the draw input is malformed (an internal error, please report): {detail}")
            }
            (DrawError::Sampler(e), lang) => e.localize(lang),
        }
    }
}

impl fmt::Display for DrawError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::default()))
    }
}

impl std::error::Error for DrawError {}

impl From<SamplerError> for DrawError {
    fn from(e: SamplerError) -> Self {
        DrawError::Sampler(e)
    }
}

/// The first difference between a recorded outcome and its recomputation. Task numbers are
/// counted from 1 in messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// The recorded input can no longer be drawn at all.
    Recompute(DrawError),
    StrataCount {
        expected: usize,
        recorded: usize,
    },
    StratumRow {
        stratum: usize,
        expected: String,
        recorded: String,
    },
    /// Pick `position` (from 0) of the stratum differs; `None` where one list is shorter.
    StratumPicks {
        row: String,
        position: usize,
        expected: Option<u64>,
        recorded: Option<u64>,
    },
    TaskCount {
        expected: usize,
        recorded: usize,
    },
    /// Task `task` (from 0) names another target or row.
    TaskTarget {
        task: usize,
        expected: u64,
        recorded: u64,
    },
    TaskRow {
        task: usize,
        target: u64,
        expected: String,
        recorded: String,
    },
    TaskTeam {
        task: usize,
        target: u64,
        expected: Vec<u64>,
        recorded: Vec<u64>,
    },
    JointFlag {
        task: usize,
        target: u64,
        expected: bool,
        recorded: bool,
    },
    RelaxedFlag {
        task: usize,
        target: u64,
        expected: bool,
        recorded: bool,
    },
    WordsConsumed {
        expected: u64,
        recorded: u64,
    },
    /// draw-2: merge `index` (from 0) differs; `None` where one list is shorter.
    Merge {
        index: usize,
        expected: Option<MergeDraft>,
        recorded: Option<MergeDraft>,
    },
}

fn ids_text(ids: &[u64]) -> String {
    ids.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn opt_text(v: Option<u64>, lang: Lang) -> String {
    match v {
        Some(v) => v.to_string(),
        None => lang.pick("（无）", "(none)").to_string(),
    }
}

fn flag_text(v: bool, lang: Lang) -> &'static str {
    match (v, lang) {
        (true, Lang::Zh) => "是",
        (false, Lang::Zh) => "否",
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
    }
}

impl Mismatch {
    pub fn localize(&self, lang: Lang) -> String {
        use Lang::*;
        match (self, lang) {
            (Mismatch::Recompute(e), Zh) => format!("无法重新计算本次抽取：{}", e.localize(Zh)),
            (Mismatch::Recompute(e), En) => {
                format!("the draw cannot be recomputed: {}", e.localize(En))
            }
            (Mismatch::StrataCount { expected, recorded }, Zh) => {
                format!("抽查类别数不符：重新计算为 {expected} 个，记录为 {recorded} 个")
            }
            (Mismatch::StrataCount { expected, recorded }, En) => format!(
                "number of strata differs: recomputed {expected}, recorded {recorded}"
            ),
            (
                Mismatch::StratumRow {
                    stratum,
                    expected,
                    recorded,
                },
                Zh,
            ) => format!(
                "第 {} 个抽查类别名称不符：重新计算为“{expected}”，记录为“{recorded}”",
                stratum + 1
            ),
            (
                Mismatch::StratumRow {
                    stratum,
                    expected,
                    recorded,
                },
                En,
            ) => format!(
                "stratum {} is named differently: recomputed \"{expected}\", recorded \
                 \"{recorded}\"",
                stratum + 1
            ),
            (
                Mismatch::StratumPicks {
                    row,
                    position,
                    expected,
                    recorded,
                },
                Zh,
            ) => format!(
                "抽查类别“{row}”第 {} 个抽中对象不符：重新计算为 {}，记录为 {}",
                position + 1,
                opt_text(*expected, Zh),
                opt_text(*recorded, Zh)
            ),
            (
                Mismatch::StratumPicks {
                    row,
                    position,
                    expected,
                    recorded,
                },
                En,
            ) => format!(
                "pick {} of row \"{row}\" differs: recomputed {}, recorded {}",
                position + 1,
                opt_text(*expected, En),
                opt_text(*recorded, En)
            ),
            (Mismatch::TaskCount { expected, recorded }, Zh) => {
                format!("任务数不符：重新计算为 {expected} 个，记录为 {recorded} 个")
            }
            (Mismatch::TaskCount { expected, recorded }, En) => {
                format!("number of tasks differs: recomputed {expected}, recorded {recorded}")
            }
            (
                Mismatch::TaskTarget {
                    task,
                    expected,
                    recorded,
                },
                Zh,
            ) => format!(
                "第 {} 个任务的检查对象不符：重新计算为 {expected}，记录为 {recorded}",
                task + 1
            ),
            (
                Mismatch::TaskTarget {
                    task,
                    expected,
                    recorded,
                },
                En,
            ) => format!(
                "task {} has another target: recomputed {expected}, recorded {recorded}",
                task + 1
            ),
            (
                Mismatch::TaskRow {
                    task,
                    target,
                    expected,
                    recorded,
                },
                Zh,
            ) => format!(
                "第 {} 个任务（检查对象 {target}）的抽查类别不符：重新计算为“{expected}”，记录为“{recorded}”",
                task + 1
            ),
            (
                Mismatch::TaskRow {
                    task,
                    target,
                    expected,
                    recorded,
                },
                En,
            ) => format!(
                "task {} (target {target}) has another row: recomputed \"{expected}\", recorded \
                 \"{recorded}\"",
                task + 1
            ),
            (
                Mismatch::TaskTeam {
                    task,
                    target,
                    expected,
                    recorded,
                },
                Zh,
            ) => format!(
                "第 {} 个任务（检查对象 {target}）的检查组不符：重新计算为 [{}]，记录为 [{}]",
                task + 1,
                ids_text(expected),
                ids_text(recorded)
            ),
            (
                Mismatch::TaskTeam {
                    task,
                    target,
                    expected,
                    recorded,
                },
                En,
            ) => format!(
                "task {} (target {target}) has another team: recomputed [{}], recorded [{}]",
                task + 1,
                ids_text(expected),
                ids_text(recorded)
            ),
            (
                Mismatch::JointFlag {
                    task,
                    target,
                    expected,
                    recorded,
                },
                Zh,
            ) => format!(
                "第 {} 个任务（检查对象 {target}）是否内部联合检查不符：重新计算为{}，记录为{}",
                task + 1,
                flag_text(*expected, Zh),
                flag_text(*recorded, Zh)
            ),
            (
                Mismatch::JointFlag {
                    task,
                    target,
                    expected,
                    recorded,
                },
                En,
            ) => format!(
                "task {} (target {target}): internal joint flag differs: recomputed {}, \
                 recorded {}",
                task + 1,
                flag_text(*expected, En),
                flag_text(*recorded, En)
            ),
            (
                Mismatch::RelaxedFlag {
                    task,
                    target,
                    expected,
                    recorded,
                },
                Zh,
            ) => format!(
                "第 {} 个任务（检查对象 {target}）是否放宽“避免上次检查组”不符：重新计算为{}，记录为{}",
                task + 1,
                flag_text(*expected, Zh),
                flag_text(*recorded, Zh)
            ),
            (
                Mismatch::RelaxedFlag {
                    task,
                    target,
                    expected,
                    recorded,
                },
                En,
            ) => format!(
                "task {} (target {target}): relaxed-last-team flag differs: recomputed {}, \
                 recorded {}",
                task + 1,
                flag_text(*expected, En),
                flag_text(*recorded, En)
            ),
            (Mismatch::WordsConsumed { expected, recorded }, Zh) => format!(
                "消耗的随机数个数不符：重新计算为 {expected}，记录为 {recorded}"
            ),
            (Mismatch::WordsConsumed { expected, recorded }, En) => format!(
                "keystream words consumed differ: recomputed {expected}, recorded {recorded}"
            ),
            (
                Mismatch::Merge {
                    index,
                    expected,
                    recorded,
                },
                lang,
            ) => merge::mismatch_text(*index, expected.as_ref(), recorded.as_ref(), lang),
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::default()))
    }
}

impl std::error::Error for Mismatch {}
