//! The records of the book: draws (with their input and outcome), the requests and previews
//! of a draw, the JSON views of a draw and its tasks, and the [`Book`] kept in memory.

use super::State;
use crate::domain::plan::{JointKind, Plan, PlanId};
use crate::domain::task::{DrawId, Task, TaskId};
use crate::draw::engine::{self, DrawInput, DrawOutcome};
use crate::draw::sampler::{self};
use crate::i18n::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A committed draw, with everything needed to recompute it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrawRecord {
    pub id: DrawId,
    pub plan: PlanId,
    pub plan_name: String,
    pub period: String,
    /// The draw date (eligibility: status, certificates).
    pub date: NaiveDate,
    pub time: String,
    pub operator: String,
    pub scope: String,
    pub inspector_scope: String,
    pub joint: JointKind,
    /// OS entropy, when the seed was made fresh (none when replayed with --seed).
    pub entropy: Option<[u8; 32]>,
    pub witness: String,
    pub seed: [u8; 32],
    /// Sampler and engine versions.
    pub algorithm: String,
    pub pool_hash: [u8; 32],
    pub input: std::sync::Arc<DrawInput>,
    pub outcome: DrawOutcome,
    pub tasks: Vec<u64>,
    /// Year's internal joint figures before and after this draw: (joint, total).
    pub year_before: (usize, usize),
    pub year_after: (usize, usize),
    pub voided: Option<Voided>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voided {
    pub reason: String,
    pub by: String,
    pub time: String,
}

/// What the user asks for.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DrawRequest {
    pub plan: PlanId,
    pub period: String,
    pub scope: Option<String>,
    pub inspector_scope: Option<String>,
    pub team_size: Option<usize>,
    pub joint: Option<JointKind>,
    /// Only for a replay (`replay_draw`): a chosen seed never commits.
    pub seed: Option<String>,
    pub witness: String,
    pub date: Option<NaiveDate>,
    /// Why the plan and period are announced again (see `office::announce`).
    #[serde(default)]
    pub reason: Option<String>,
}

/// The largest team a draw may ask for (`--team-size`); larger ones are refused before anything
/// is allocated for them.
pub const MAX_TEAM_SIZE: usize = 20;

/// One stratum as the preview shows it (never the picks).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct StratumPreview {
    pub row: String,
    pub name: String,
    pub ratio: String,
    /// Targets governed by the row and in scope.
    pub targets: usize,
    /// Excluded: closed, suspended, out of season.
    pub excluded: usize,
    /// Eligible targets that already have a live routine visit of the row's category in the
    /// row's cycle (from any plan; for a directed plan, from this plan).
    pub already: usize,
    pub quota: usize,
    pub pool: usize,
    /// What the cycle still owes (the row's quota less `already`), before it is spread over
    /// the periods of the cycle the plan's months still cover.
    pub owed: usize,
    /// Eligible targets left out because they already have a task in this period (one visit
    /// per target per period) or in another row of this draw.
    pub visited: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct DrawPreview {
    pub plan: PlanId,
    pub plan_name: String,
    pub period: String,
    pub strata: Vec<StratumPreview>,
    pub total: usize,
    pub internal_joint: usize,
    pub year_before: (usize, usize),
    pub year_after: (usize, usize),
    pub inspectors_eligible: usize,
    pub inspectors_certified: usize,
    pub recusal_pairs: usize,
    pub workload_cap: u32,
    pub pool_hash: String,
}

/// The `--json` form of a draw.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct DrawJson {
    pub id: DrawId,
    pub plan: PlanId,
    pub period: String,
    pub seed: String,
    pub entropy: Option<String>,
    pub witness: String,
    pub pool_hash: String,
    pub algorithm: String,
    pub quotas: Vec<(String, usize)>,
    pub internal_joint: usize,
    pub year_before: String,
    pub year_after: String,
    pub voided: Option<Voided>,
    pub tasks: Vec<TaskJson>,
    /// The picks merged into a visit the period already had (no new task: target, row, the
    /// visit's task, the inspector added to its team).
    #[serde(default)]
    pub merges: Vec<engine::MergeDraft>,
    /// `committed` or `voided` (attempts that are not draws are listed beside them).
    #[serde(default)]
    pub state: String,
    /// The announcement it was committed from; none for draws made before announcements.
    #[serde(default)]
    pub announcement: Option<u64>,
    /// The commitment SHA-256(entropy) published with that announcement.
    #[serde(default)]
    pub commitment: Option<String>,
    /// The target scope of a directed draw; empty for a routine one (docs/draw-record.md).
    #[serde(default)]
    pub scope: String,
}

/// One 抽查事项 of a task: the plan and its name, the row, the draw that reached the target,
/// and the inspector that draw added to the team (a merged item).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ItemJson {
    pub plan: PlanId,
    pub plan_name: String,
    pub item: String,
    pub row: String,
    pub draw: DrawId,
    pub added: Option<u64>,
    /// The codes of the list's items the plan names (issue 19).
    #[serde(default)]
    pub codes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct TaskJson {
    pub id: u64,
    pub target: u64,
    pub credit_code: String,
    pub name: String,
    pub row: String,
    /// Every 抽查事项 the visit covers: its own first, then those merged into it.
    #[serde(default)]
    pub items: Vec<ItemJson>,
    pub team: Vec<u64>,
    pub joint: String,
    /// The planned method (`on-site`, `remote`, `other`).
    pub method: String,
    pub draw: DrawId,
    pub period: String,
    pub voided: bool,
    /// The check step: its date and the method actually used.
    pub check_date: Option<NaiveDate>,
    pub check_method: Option<String>,
    /// The result: phrase number (1..=8), its wording, the date it was determined.
    pub phrase: Option<u8>,
    pub phrase_text: Option<String>,
    pub determined: Option<NaiveDate>,
    /// Last day to publish (20 working days after `determined`); none without a result or
    /// when the calendar does not cover the year.
    pub due: Option<NaiveDate>,
    pub published: Option<NaiveDate>,
    pub url: Option<String>,
    pub exempt: bool,
    pub exempt_reason: Option<String>,
    /// An internal joint inspection: designated by lot or a merged visit (also for a task with
    /// partner departments).
    #[serde(default)]
    pub internal_joint: bool,
    /// With a result: the record signed by the legal representative, else the reason, and
    /// whether the 廉政监督卡 came back (issue 19).
    #[serde(default)]
    pub signed: Option<bool>,
    #[serde(default)]
    pub unsigned_reason: Option<String>,
    #[serde(default)]
    pub integrity_card: Option<bool>,
}

/// Draws, tasks and plans kept in memory beside the registries.
#[derive(Debug, Default, Clone)]
pub struct Book {
    pub plans: Vec<Plan>,
    pub draws: Vec<DrawRecord>,
    pub tasks: Vec<Task>,
    /// Every announcement, in id order (see `office::announce`).
    pub announcements: Vec<super::announce::Announcement>,
}

impl Book {
    /// The position of task `id` in `tasks`: a binary search, since tasks are stored and kept
    /// in id order (the store's keys are big-endian ids and a draw appends ids above them),
    /// with a scan in case they are not, so a lookup is never wrong, only slower.
    pub fn task_index(&self, id: TaskId) -> Option<usize> {
        match self.tasks.binary_search_by_key(&id, |t| t.id) {
            Ok(i) => Some(i),
            Err(_) => self.tasks.iter().position(|t| t.id == id),
        }
    }

    /// Task `id` (see [`Book::task_index`]).
    pub fn task(&self, id: TaskId) -> Option<&Task> {
        self.task_index(id).map(|i| &self.tasks[i])
    }
}

pub(super) fn draw_json(
    d: &DrawRecord,
    st: &State,
    book: &Book,
    cal: &crate::domain::calendar::WorkingCalendar,
) -> DrawJson {
    DrawJson {
        id: d.id,
        plan: d.plan,
        period: d.period.clone(),
        seed: sampler::seed_hex(&d.seed),
        entropy: d.entropy.map(hex::encode),
        witness: d.witness.clone(),
        pool_hash: hex::encode(d.pool_hash),
        algorithm: d.algorithm.clone(),
        quotas: d
            .input
            .strata
            .iter()
            .map(|s| (s.row.clone(), s.quota))
            .collect(),
        internal_joint: d.input.internal_joint,
        year_before: engine::ratio_text(d.year_before.0, d.year_before.1),
        year_after: engine::ratio_text(d.year_after.0, d.year_after.1),
        voided: d.voided.clone(),
        state: if d.voided.is_some() {
            "voided"
        } else {
            "committed"
        }
        .into(),
        announcement: super::announce::announcement_for(d.id, &book.announcements).map(|a| a.id),
        commitment: super::announce::announcement_for(d.id, &book.announcements)
            .map(|a| hex::encode(a.commitment)),
        // In parallel (a draw of 100,000 tasks is shown whole), in the draw's order.
        tasks: {
            use rayon::prelude::*;
            d.tasks
                .par_iter()
                .filter_map(|id| book.task(*id))
                .map(|t| task_json_of(t, st, &book.plans, cal))
                .collect()
        },
        merges: d.outcome.merges.clone(),
        scope: d.scope.clone(),
    }
}

/// The `--json` form of a task; `cal` gives its publication due date.
pub fn task_json_of(
    t: &Task,
    st: &State,
    plans: &[Plan],
    cal: &crate::domain::calendar::WorkingCalendar,
) -> TaskJson {
    use crate::domain::task::{phrase_text, Publication};
    let target = st.target(t.target);
    let (published, url, exempt_reason) = match t.publication.as_deref() {
        None => (None, None, None),
        Some(Publication::Published { date, url, .. }) => (Some(*date), Some(url.clone()), None),
        Some(Publication::Exempt { reason, .. }) => (None, None, Some(reason.clone())),
    };
    TaskJson {
        id: t.id,
        target: t.target,
        credit_code: target
            .map(|x| x.credit_code.to_string())
            .unwrap_or_default(),
        name: target.map(|x| x.name().to_string()).unwrap_or_default(),
        row: t.row.to_string(),
        items: std::iter::once(None)
            .chain(t.merged.iter().map(|m| Some(m.added)))
            .zip(t.items())
            .map(|(added, i)| {
                let plan = plans.iter().find(|p| p.id == i.plan);
                ItemJson {
                    plan: i.plan,
                    plan_name: plan.map(|p| p.name.clone()).unwrap_or_default(),
                    item: plan.map(|p| p.item.clone()).unwrap_or_default(),
                    row: i.row.to_string(),
                    draw: i.draw,
                    added: added.flatten(),
                    codes: plan.map(super::plan_item_codes).unwrap_or_default(),
                }
            })
            .collect(),
        team: t.team.clone(),
        joint: match t.joint_kind() {
            JointKind::None => "none".into(),
            JointKind::Internal => "internal".into(),
            JointKind::Departments(c) => format!("departments:{}", c.join(",")),
        },
        method: t.method.label(Lang::En).to_string(),
        draw: t.draw,
        period: t.period.to_string(),
        voided: t.voided,
        check_date: t.check.as_ref().map(|c| c.date),
        check_method: t
            .check
            .as_ref()
            .map(|c| c.method.label(Lang::En).to_string()),
        phrase: t.result.as_ref().map(|r| r.phrase),
        phrase_text: t
            .result
            .as_ref()
            .and_then(|r| phrase_text(r.phrase))
            .map(String::from),
        determined: t.result.as_ref().map(|r| r.determined),
        due: t
            .result
            .as_ref()
            .and_then(|r| cal.publication_due(r.determined).ok()),
        published,
        url,
        exempt: exempt_reason.is_some(),
        exempt_reason,
        internal_joint: t.is_joint(),
        signed: t.result.as_ref().map(|r| r.signed),
        unsigned_reason: t
            .result
            .as_ref()
            .filter(|r| !r.signed)
            .map(|r| r.unsigned_reason.clone()),
        integrity_card: t.result.as_ref().map(|r| r.integrity_card),
    }
}

/// The book as stored: plans, draws, tasks and announcements.
pub(crate) fn load_book(store: &crate::store::Store) -> Result<Book, super::OfficeError> {
    // The draws and the announcements (each holding its frozen input) and the tasks are read
    // side by side: what a store's later draws add to its open.
    let started = std::time::Instant::now();
    let (((draws, draws_ms), (tasks, tasks_ms)), (announcements, announcements_ms)) = rayon::join(
        || {
            rayon::join(
                || {
                    let started = std::time::Instant::now();
                    let r = store.scan::<DrawRecord>(crate::store::TreeName::Draws);
                    (r, started.elapsed().as_millis() as u64)
                },
                || {
                    let started = std::time::Instant::now();
                    let r = super::task_chunks::load_tasks(store);
                    (r, started.elapsed().as_millis() as u64)
                },
            )
        },
        || {
            let started = std::time::Instant::now();
            let r = super::announce::load_announcements(store);
            (r, started.elapsed().as_millis() as u64)
        },
    );
    let book = Book {
        plans: store.scan(crate::store::TreeName::Plans)?,
        draws: draws?,
        tasks: tasks?,
        announcements: announcements?,
    };
    tracing::info!(
        draws = book.draws.len(),
        tasks = book.tasks.len(),
        announcements = book.announcements.len(),
        draws_ms,
        tasks_ms,
        announcements_ms,
        total_ms = started.elapsed().as_millis() as u64,
        "book loaded"
    );
    Ok(book)
}
