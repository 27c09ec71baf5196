//! The draw engine, `shuangsui-draw-1`, extended by `shuangsui-draw-2` (merged visits: module
//! `merge`): how a stored draw input and a seed become the picked targets and the inspection teams.
//!
//! This text is the specification, written for an auditor who does not read Rust. The engine is
//! a pure function of the stored input ([`DrawInput`]) and the seed: no clock, no files, no
//! store. The office builds the input (eligible targets per row of Table 1 with their quotas,
//! eligible inspectors, recusals, the teams that last visited each target, the partner
//! departments) and records it with the draw, together with [`pool_hash`] of it, so that the
//! draw can be recomputed and checked ([`verify`]) years later. Every random choice comes from
//! one keystream of the sampler (`shuangsui-sampler-1`, see `sampler.rs` and `docs/sampler.md`):
//! "uniform(n)" below is its step 3, "choose k of n" its step 4, and each choice continues the
//! stream where the previous one stopped, in the order given here. The same text, as Markdown,
//! is the section "The draw engine" of `docs/sampler.md`.
//!
//! # The input
//!
//! - `strata`: the rows of Table 1, in the rules' order. Each has a name (`row`), a `quota` (how
//!   many targets to draw) and a `pool`: the ids of its eligible targets in ascending order, which
//!   is the pool's canonical order (position 0 is the smallest id).
//! - `internal_joint`: how many of this draw's tasks must be internal joint inspections.
//! - `inspectors`: the inspectors eligible by the static criteria (active, expertise, scope), in
//!   ascending id order. Each has an `id`, a `department` code, `internal` (a section of this
//!   bureau, as opposed to another government department), `certified` (holds an enforcement
//!   certificate valid on the draw date) and `load` (tasks already assigned in the period).
//! - `recusals`: (target, inspector) pairs that must never be in one team, sorted.
//! - `last_teams`: for some targets, the team that last inspected it, sorted by target.
//! - `team_size` (at least 2), `partners` (department codes of other government departments:
//!   every team includes one inspector of each), `workload_cap` (the most tasks an inspector may
//!   have in the period, counting `load` and this draw).
//!
//! # The algorithm
//!
//! 1. **Check the input.** The draw stops with an input error if: `team_size` is below 2; a
//!    pool is not in strictly ascending order (this also rules out a target listed twice in a
//!    pool); a target is in two pools; `internal_joint` exceeds the total of the quotas; the
//!    inspectors are not in strictly ascending id order, or there are more than 2³² − 1 of them;
//!    a partner department is listed twice; the recusals are not sorted (by target, then
//!    inspector); the last teams are not in strictly ascending target order. A quota larger
//!    than its pool stops the draw as infeasible ("quota exceeds pool", naming the row). No word
//!    of the keystream is taken in this step.
//! 2. **Targets.** For each stratum in order: choose `quota` of `pool.len()`; the picks are the
//!    targets at those positions of the pool, in the order drawn.
//! 3. **Tasks and internal joint inspections.** The tasks are the picks of step 2 concatenated
//!    stratum by stratum, each in its drawn order; task numbers count from 0 here. Choose
//!    `internal_joint` of the number of tasks: the tasks at those positions are internal joint
//!    inspections.
//! 4. **Teams.** Every inspector starts with an assigned count of 0. For each task in order:
//!    1. The team has `m = max(team_size, 2 + number of partners)` members, filled slot by slot
//!       in this order:
//!       1. for each partner department, in the input's order: one inspector who is not
//!          internal and whose department is that partner (no certificate needed);
//!       2. certified slot 1: an internal, certified inspector;
//!       3. certified slot 2: an internal, certified inspector; for an internal joint task, of
//!          a different department (section) than the inspector of slot 1;
//!       4. the remaining `m − 2 − partners` slots: internal inspectors, certified or not.
//!    2. The candidates of the task are the inspectors with `load + assigned count <
//!       workload_cap` who are not recused for the task's target and, in the strict attempt,
//!       are not on the target's last team (ids of a last team that are not among the input's
//!       inspectors are ignored, as are recusals that name such ids).
//!    3. **Strict attempt.** For each slot in order, the slot's list is the candidates that meet
//!       the slot's condition and are not yet in the team, in ascending id order. If the list is
//!       empty, the attempt fails. Otherwise take `r = uniform(list length)` and put the
//!       inspector at position `r` (from 0) into the team.
//!    4. If the strict attempt failed, it is discarded, but the words it took stay taken: the
//!       relaxed attempt continues the keystream from there. The **relaxed attempt** is step
//!       4.3 again from an empty team, with candidates that may be on the last team; the task
//!       is marked `relaxed_last_team`. If it fails too, the draw stops as infeasible, naming
//!       the task's target, its row and the first slot that had no candidate: a partner slot
//!       ("no inspector of partner department D"), certified slot 1 or 2 ("not enough certified
//!       inspectors"; for slot 2 of a joint task this is when no certified candidate is left at
//!       all), slot 2 of a joint task when certified candidates remain but all of slot 1's
//!       section ("no second section"), a remaining slot ("not enough inspectors").
//!    5. Each member of the team gets 1 added to its assigned count. The team is recorded in
//!       slot order.
//! 5. **Record.** The outcome is the picks per stratum (with the row names), the tasks (target,
//!    row, team, internal joint flag, relaxed flag) and the number of keystream words taken.
//!
//! Because an inspector of one slot's kind can never be needed by an earlier slot, a slot fails
//! only when its kind of candidate is really lacking: a strict or relaxed attempt fails exactly
//! when the candidates do not contain one non-internal inspector of each partner department, two
//! certified internal inspectors (of two sections, for a joint task), and `m − partners`
//! internal inspectors in all. So `relaxed_last_team` marks exactly the tasks whose team could
//! not be formed without a member of the last team.
//!
//! # The input hash
//!
//! [`pool_hash`] is SHA-256 of this byte encoding of the input: integers (ids, counts, quotas,
//! loads, the cap) as 8-byte little-endian unsigned numbers; booleans as one byte, 1 for true and
//! 0 for false; text as its UTF-8 byte length (8 bytes, little-endian) followed by its bytes; a
//! list as its number of entries (8 bytes, little-endian) followed by its entries. The encoding
//! is the text `shuangsui-draw-1`, then the fields in declared order: strata (each: row, quota,
//! pool), internal_joint, inspectors (each: id, department, internal, certified, load), recusals
//! (each: target, inspector), last_teams (each: target, team), team_size, partners,
//! workload_cap.
//!
//! # The yearly share of internal joint inspections
//!
//! [`internal_joint_needed`]`(year_tasks, year_joint, this_draw, min_percent)` is the smallest
//! `x ≤ this_draw` with `(year_joint + x) × 100 ≥ min_percent × (year_tasks + this_draw)`, where
//! the year's counts are those before this draw (integer arithmetic, no rounding); if no such
//! `x` exists, it is `this_draw`. The office passes it as `internal_joint`.
//! [`ratio_text`]`(43, 1268)` is `43/1268 = 3.39%` (hundredths of a percent, rounded half up).
//!
//! `docs/sampler.md` also has a worked example (the test `a_pinned_draw_never_changes`).

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::draw::sampler::{Sampler, SamplerError, Seed, MAX_POOL};
use crate::i18n::Lang;

/// The name of this engine's algorithm, recorded with every new draw: `shuangsui-draw-2`, whose
/// input has [`DrawInput::draw2`] (the period's visits to merge into and the year's joint
/// share; see the module `merge`).
pub const ENGINE_VERSION: &str = "shuangsui-draw-2";

/// The first engine, kept to verify the draws made with it (an input without `draw2`).
pub const ENGINE_VERSION_1: &str = "shuangsui-draw-1";

mod errors;
mod merge;
pub mod pool_serde;
pub use errors::{Constraint, DrawError, Mismatch};
pub use merge::{Draw2, MergeDraft, Visit};

/// One row of Table 1 in a draw: its quota and its eligible targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StratumInput {
    pub row: String,
    pub quota: usize,
    /// Target ids, strictly ascending: the pool's canonical order. Delta-coded in the store
    /// (see `pool_serde`), plain ids in JSON.
    #[serde(with = "pool_serde")]
    pub pool: Vec<u64>,
}

/// An eligible inspector as of the draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectorSnap {
    pub id: u64,
    pub department: String,
    /// A section of this bureau (not another government department).
    pub internal: bool,
    /// Enforcement certificate valid on the draw date.
    pub certified: bool,
    /// Tasks already assigned in the period.
    pub load: u32,
}

/// Everything a draw depends on besides the seed; stored with the draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawInput {
    /// In the rules' order.
    pub strata: Vec<StratumInput>,
    /// How many of this draw's tasks must be internal joint inspections.
    pub internal_joint: usize,
    /// Eligible by static criteria (active, expertise, scope), strictly ascending id.
    pub inspectors: Vec<InspectorSnap>,
    /// (target, inspector) pairs, sorted.
    pub recusals: Vec<(u64, u64)>,
    /// (target, the team that last inspected it), strictly ascending target.
    pub last_teams: Vec<(u64, Vec<u64>)>,
    /// At least 2.
    pub team_size: usize,
    /// External department codes: each team includes one inspector of each.
    pub partners: Vec<String>,
    /// Most tasks per inspector in the period (load + this draw).
    pub workload_cap: u32,
    /// `shuangsui-draw-2`: the period's visits and the year's joint share; `None` for an input
    /// of `shuangsui-draw-1`.
    #[serde(default)]
    pub draw2: Option<Draw2>,
}

impl DrawInput {
    /// The engine that reads this input: [`ENGINE_VERSION`] or [`ENGINE_VERSION_1`].
    pub fn engine_name(&self) -> &'static str {
        if self.draw2.is_some() {
            ENGINE_VERSION
        } else {
            ENGINE_VERSION_1
        }
    }
}

/// One task of a draw: a target and its team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDraft {
    pub target: u64,
    pub row: String,
    /// Inspector ids in slot order: partners, certified slot 1, certified slot 2, the rest.
    pub team: Vec<u64>,
    pub internal_joint: bool,
    /// The team could not be formed without a member of the target's last team.
    pub relaxed_last_team: bool,
}

/// What a draw produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawOutcome {
    /// Per stratum, in input order: (row, picked target ids in drawn order).
    pub picks: Vec<(String, Vec<u64>)>,
    pub tasks: Vec<TaskDraft>,
    pub words_consumed: u64,
    /// `shuangsui-draw-2`: the picks merged into a visit the period already has, in drawn
    /// order (no new task for them).
    #[serde(default)]
    pub merges: Vec<MergeDraft>,
}

// ---------------------------------------------------------------------------------------------
// The input hash
// ---------------------------------------------------------------------------------------------

pub(crate) struct Encoder(Sha256);

impl Encoder {
    fn int(&mut self, v: u64) {
        self.0.update(v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        // usize is at most 64 bits on every supported platform.
        self.int(n as u64);
    }
    fn flag(&mut self, b: bool) {
        self.0.update([u8::from(b)]);
    }
    fn text(&mut self, s: &str) {
        self.len(s.len());
        self.0.update(s.as_bytes());
    }
    fn ids(&mut self, ids: &[u64]) {
        self.len(ids.len());
        for &id in ids {
            self.int(id);
        }
    }
}

/// SHA-256 of the canonical encoding of `input` (see "The input hash" in the module doc).
pub fn pool_hash(input: &DrawInput) -> [u8; 32] {
    let mut e = Encoder(Sha256::new());
    e.text(input.engine_name());
    e.len(input.strata.len());
    for s in &input.strata {
        e.text(&s.row);
        e.len(s.quota);
        e.ids(&s.pool);
    }
    e.len(input.internal_joint);
    e.len(input.inspectors.len());
    for i in &input.inspectors {
        e.int(i.id);
        e.text(&i.department);
        e.flag(i.internal);
        e.flag(i.certified);
        e.int(u64::from(i.load));
    }
    e.len(input.recusals.len());
    for &(t, i) in &input.recusals {
        e.int(t);
        e.int(i);
    }
    e.len(input.last_teams.len());
    for (t, team) in &input.last_teams {
        e.int(*t);
        e.ids(team);
    }
    e.len(input.team_size);
    e.len(input.partners.len());
    for p in &input.partners {
        e.text(p);
    }
    e.int(u64::from(input.workload_cap));
    if let Some(d2) = &input.draw2 {
        merge::encode(&mut e, d2);
    }
    e.0.finalize().into()
}

// ---------------------------------------------------------------------------------------------
// Step 1: checking the input
// ---------------------------------------------------------------------------------------------

fn validate(input: &DrawInput) -> Result<(), DrawError> {
    let bad = |s: String| Err(DrawError::BadInput(s));
    if input.team_size < 2 {
        return bad(format!("team_size is {}; at least 2", input.team_size));
    }
    let mut total_quota = 0usize;
    let mut total_pool = 0usize;
    for (k, s) in input.strata.iter().enumerate() {
        if let Some(w) = s.pool.windows(2).position(|w| w[0] >= w[1]) {
            return bad(format!(
                "strata[{k}] ({}): pool not strictly ascending at position {}: {} then {}",
                s.row,
                w + 1,
                s.pool[w],
                s.pool[w + 1]
            ));
        }
        if s.quota > s.pool.len() {
            return Err(DrawError::Infeasible {
                target: 0,
                row: s.row.clone(),
                constraint: Constraint::QuotaExceedsPool,
            });
        }
        total_quota += s.quota;
        total_pool += s.pool.len();
    }
    let mut all: Vec<u64> = Vec::with_capacity(total_pool);
    for s in &input.strata {
        all.extend_from_slice(&s.pool);
    }
    // Each pool is ascending: the stable sort merges these runs.
    all.sort();
    if let Some(w) = all.windows(2).find(|w| w[0] == w[1]) {
        let rows: Vec<&str> = input
            .strata
            .iter()
            .filter(|s| s.pool.binary_search(&w[0]).is_ok())
            .map(|s| s.row.as_str())
            .collect();
        return bad(format!(
            "target {} is in more than one stratum: {}",
            w[0],
            rows.join(", ")
        ));
    }
    if input.internal_joint > total_quota {
        return bad(format!(
            "internal_joint is {} but the quotas total {total_quota}",
            input.internal_joint
        ));
    }
    if input.inspectors.len() > MAX_POOL {
        return bad(format!(
            "{} inspectors; at most {MAX_POOL}",
            input.inspectors.len()
        ));
    }
    if let Some(w) = input.inspectors.windows(2).position(|w| w[0].id >= w[1].id) {
        return bad(format!(
            "inspectors not strictly ascending by id at position {}: {} then {}",
            w + 1,
            input.inspectors[w].id,
            input.inspectors[w + 1].id
        ));
    }
    for (k, p) in input.partners.iter().enumerate() {
        if input.partners[..k].contains(p) {
            return bad(format!("partner department {p} is listed twice"));
        }
    }
    if let Some(w) = input.recusals.windows(2).position(|w| w[0] > w[1]) {
        return bad(format!(
            "recusals not sorted at position {}: {:?} then {:?}",
            w + 1,
            input.recusals[w],
            input.recusals[w + 1]
        ));
    }
    if let Some(w) = input.last_teams.windows(2).position(|w| w[0].0 >= w[1].0) {
        return bad(format!(
            "last_teams not strictly ascending by target at position {}: {} then {}",
            w + 1,
            input.last_teams[w].0,
            input.last_teams[w + 1].0
        ));
    }
    if let Some(d2) = &input.draw2 {
        merge::validate(d2)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Step 4: teams
// ---------------------------------------------------------------------------------------------

/// The candidate lists of step 4, kept up to date as inspectors reach the cap, so that a slot's
/// list is one of these minus a handful of excluded inspectors (recused, last team, already in
/// the team). Lists hold inspector indices in ascending order, which is ascending id order.
struct TeamBuilder<'a> {
    input: &'a DrawInput,
    /// The inspectors' ids (ascending), compact for binary search.
    ids: Vec<u64>,
    /// Department of each inspector, as a small number.
    section: Vec<u32>,
    assigned: Vec<u32>,
    /// Per partner department: available non-internal inspectors of that department.
    partner: Vec<Vec<u32>>,
    /// Available internal certified inspectors.
    certified: Vec<u32>,
    /// The same, per department (indexed by `section`).
    certified_in: Vec<Vec<u32>>,
    /// Available internal inspectors.
    internal: Vec<u32>,
    members: usize,
}

/// How many entries of `list` are not in `excluded` (both ascending).
fn available_count(list: &[u32], excluded: &[u32]) -> usize {
    list.len()
        - excluded
            .iter()
            .filter(|e| list.binary_search(e).is_ok())
            .count()
}

/// Step 4.3 for one slot whose list is `list` minus `excluded` (both ascending): the entry at
/// position `uniform(count)` of that list, or `None` if it is empty.
fn pick_from(
    list: &[u32],
    excluded: &[u32],
    sampler: &mut Sampler,
) -> Result<Option<u32>, SamplerError> {
    let count = available_count(list, excluded);
    if count == 0 {
        return Ok(None);
    }
    // count <= number of inspectors <= MAX_POOL (checked in step 1).
    let mut idx = sampler.uniform(count as u32)? as usize;
    // Step over the excluded entries at or before the chosen position; their positions in
    // `list` ascend because `excluded` does.
    for e in excluded {
        if let Ok(p) = list.binary_search(e) {
            if p <= idx {
                idx += 1;
            } else {
                break;
            }
        }
    }
    Ok(list.get(idx).copied())
}

fn insert_sorted(v: &mut Vec<u32>, x: u32) {
    if let Err(pos) = v.binary_search(&x) {
        v.insert(pos, x);
    }
}

fn remove_sorted(v: &mut Vec<u32>, x: u32) {
    if let Ok(pos) = v.binary_search(&x) {
        v.remove(pos);
    }
}

impl<'a> TeamBuilder<'a> {
    fn new(input: &'a DrawInput) -> TeamBuilder<'a> {
        let mut names: Vec<&str> = input
            .inspectors
            .iter()
            .map(|i| i.department.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        let section: Vec<u32> = input
            .inspectors
            .iter()
            .map(|i| names.binary_search(&i.department.as_str()).unwrap_or(0) as u32)
            .collect();
        let mut certified_in = vec![Vec::new(); names.len()];
        let cap = input.workload_cap;
        let mut partner = vec![Vec::new(); input.partners.len()];
        let mut certified = Vec::new();
        let mut internal = Vec::new();
        for (k, i) in input.inspectors.iter().enumerate() {
            if i.load >= cap {
                continue;
            }
            let k = k as u32;
            if i.internal {
                internal.push(k);
                if i.certified {
                    certified.push(k);
                    certified_in[section[k as usize] as usize].push(k);
                }
            } else if let Some(p) = input.partners.iter().position(|p| *p == i.department) {
                partner[p].push(k);
            }
        }
        TeamBuilder {
            input,
            ids: input.inspectors.iter().map(|i| i.id).collect(),
            section,
            assigned: vec![0; input.inspectors.len()],
            partner,
            certified,
            certified_in,
            internal,
            members: input.team_size.max(2 + input.partners.len()),
        }
    }

    fn index_of(&self, id: u64) -> Option<u32> {
        self.ids.binary_search(&id).ok().map(|k| k as u32)
    }

    /// Indices of the inspectors recused for the task, ascending.
    fn recused(&self, refs: &TaskRefs) -> Vec<u32> {
        let mut out: Vec<u32> = self
            .input
            .recusals
            .get(refs.recusals.clone())
            .unwrap_or_default()
            .iter()
            .filter_map(|&(_, i)| self.index_of(i))
            .collect();
        out.dedup();
        out
    }

    /// Indices of the members of the task's last team, ascending; `None` if it has none.
    fn last_team(&self, refs: &TaskRefs) -> Option<Vec<u32>> {
        let (_, team) = self.input.last_teams.get(refs.last_team?)?;
        let mut out: Vec<u32> = team.iter().filter_map(|&i| self.index_of(i)).collect();
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    /// Certified slot 2 of an internal joint task: `pick_from` over the certified inspectors
    /// not in `excluded` and not of `first`'s section (`first` is in `excluded`). That list is
    /// not built: the inspector at position `r` of it is found by binary search on
    /// `f(p)` = how many entries of `certified[..=p]` are on it, which grows by one exactly at
    /// the entries on it.
    fn pick_other_section(
        &self,
        excluded: &[u32],
        first: u32,
        sampler: &mut Sampler,
    ) -> Result<Result<u32, Constraint>, SamplerError> {
        let section = self.section[first as usize];
        let same: &[u32] = self
            .certified_in
            .get(section as usize)
            .map_or(&[], Vec::as_slice);
        let certified = &self.certified;
        // Excluded certified inspectors of other sections (those of `section` are in `same`).
        let others_excluded: Vec<u32> = excluded
            .iter()
            .copied()
            .filter(|&e| self.section[e as usize] != section && certified.binary_search(&e).is_ok())
            .collect();
        let count = certified.len() - same.len() - others_excluded.len();
        if count == 0 {
            return Ok(Err(if available_count(certified, excluded) == 0 {
                Constraint::NotEnoughCertified
            } else {
                Constraint::NoSecondSection
            }));
        }
        let r = sampler.uniform(count as u32)? as usize;
        let on_list_up_to = |p: usize| {
            let v = certified[p];
            p + 1 - same.partition_point(|&x| x <= v) - others_excluded.partition_point(|&x| x <= v)
        };
        // The smallest p with f(p) = r + 1; f(len - 1) = count > r.
        let (mut lo, mut hi) = (0, certified.len() - 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if on_list_up_to(mid) > r {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Ok(Ok(certified[lo]))
    }

    /// One attempt (step 4.3) with `excluded` (ascending) removed from the candidates.
    fn attempt(
        &self,
        mut excluded: Vec<u32>,
        joint: bool,
        sampler: &mut Sampler,
    ) -> Result<Result<Vec<u32>, Constraint>, SamplerError> {
        let mut team = Vec::with_capacity(self.members);
        for (d, list) in self.partner.iter().enumerate() {
            match pick_from(list, &excluded, sampler)? {
                Some(k) => {
                    team.push(k);
                    insert_sorted(&mut excluded, k);
                }
                None => {
                    let code = self.input.partners.get(d).cloned().unwrap_or_default();
                    return Ok(Err(Constraint::NoPartnerInspector(code)));
                }
            }
        }
        let Some(first) = pick_from(&self.certified, &excluded, sampler)? else {
            return Ok(Err(Constraint::NotEnoughCertified));
        };
        team.push(first);
        insert_sorted(&mut excluded, first);
        let second = if joint {
            match self.pick_other_section(&excluded, first, sampler)? {
                Ok(k) => Some(k),
                Err(constraint) => return Ok(Err(constraint)),
            }
        } else {
            pick_from(&self.certified, &excluded, sampler)?
        };
        let Some(second) = second else {
            return Ok(Err(Constraint::NotEnoughCertified));
        };
        team.push(second);
        insert_sorted(&mut excluded, second);
        while team.len() < self.members {
            let Some(k) = pick_from(&self.internal, &excluded, sampler)? else {
                return Ok(Err(Constraint::NotEnoughInspectors));
            };
            team.push(k);
            insert_sorted(&mut excluded, k);
        }
        Ok(Ok(team))
    }

    /// Steps 4.2 to 4.5 for one task: the team's ids and whether it was relaxed.
    fn team_for(
        &mut self,
        target: u64,
        refs: &TaskRefs,
        row: &str,
        joint: bool,
        sampler: &mut Sampler,
    ) -> Result<(Vec<u64>, bool), DrawError> {
        let recused = self.recused(refs);
        let mut strict = recused.clone();
        if let Some(last) = self.last_team(refs) {
            strict.extend(last);
            strict.sort_unstable();
            strict.dedup();
        }
        let (team, relaxed) = match self.attempt(strict, joint, sampler)? {
            Ok(team) => (team, false),
            Err(_) => match self.attempt(recused, joint, sampler)? {
                Ok(team) => (team, true),
                Err(constraint) => {
                    return Err(DrawError::Infeasible {
                        target,
                        row: row.to_string(),
                        constraint,
                    })
                }
            },
        };
        let ids = team.iter().map(|&k| self.assign(k)).collect();
        Ok((ids, relaxed))
    }

    /// Step 4.5 for one member: 1 more assigned; off the candidate lists at the cap. Its id.
    fn assign(&mut self, k: u32) -> u64 {
        let cap = u64::from(self.input.workload_cap);
        let ku = k as usize;
        self.assigned[ku] += 1;
        let snap = &self.input.inspectors[ku];
        if u64::from(snap.load) + u64::from(self.assigned[ku]) >= cap {
            remove_sorted(&mut self.internal, k);
            remove_sorted(&mut self.certified, k);
            if let Some(list) = self.certified_in.get_mut(self.section[ku] as usize) {
                remove_sorted(list, k);
            }
            for list in &mut self.partner {
                remove_sorted(list, k);
            }
        }
        snap.id
    }
}

/// Where a task's recusals and last team are in the input.
#[derive(Clone, Default)]
struct TaskRefs {
    /// The task's entries of `recusals` (which are sorted by target).
    recusals: std::ops::Range<usize>,
    /// The task's entry of `last_teams`, if any.
    last_team: Option<usize>,
}

/// For each task, where its recusals and last team are: one merge of the tasks sorted by
/// target with the two sorted lists, rather than a search per task in lists too large for the
/// processor's cache.
fn task_refs(input: &DrawInput, task_list: &[(u64, usize)]) -> Vec<TaskRefs> {
    let mut order: Vec<(u64, usize)> = task_list
        .iter()
        .enumerate()
        .map(|(n, &(target, _))| (target, n))
        .collect();
    order.sort_unstable();
    let mut refs = vec![TaskRefs::default(); task_list.len()];
    let (recusals, last_teams) = (&input.recusals, &input.last_teams);
    let (mut r, mut l) = (0, 0);
    for (target, n) in order {
        while r < recusals.len() && recusals[r].0 < target {
            r += 1;
        }
        let start = r;
        while r < recusals.len() && recusals[r].0 == target {
            r += 1;
        }
        while l < last_teams.len() && last_teams[l].0 < target {
            l += 1;
        }
        if let Some(slot) = refs.get_mut(n) {
            slot.recusals = start..r;
            slot.last_team = (l < last_teams.len() && last_teams[l].0 == target).then_some(l);
        }
    }
    refs
}

/// Draw: steps 1 to 5 of the module doc.
pub fn run(input: &DrawInput, seed: &Seed) -> Result<DrawOutcome, DrawError> {
    validate(input)?;
    let mut sampler = Sampler::new(seed);

    // Step 2.
    let mut picks = Vec::with_capacity(input.strata.len());
    let mut task_list: Vec<(u64, usize)> = Vec::new();
    let mut merge_list: Vec<(u64, usize)> = Vec::new();
    for (k, s) in input.strata.iter().enumerate() {
        let positions = sampler.choose_k(s.pool.len(), s.quota)?;
        let ids: Vec<u64> = positions
            .iter()
            .filter_map(|&p| s.pool.get(p).copied())
            .collect();
        for &id in &ids {
            // draw-2: a pick with a visit this period is merged into it (step 3).
            let visited = input.draw2.as_ref().is_some_and(|d| d.visit(id).is_some());
            if visited {
                &mut merge_list
            } else {
                &mut task_list
            }
            .push((id, k));
        }
        picks.push((s.row.clone(), ids));
    }

    // Step 3.
    let designate = match &input.draw2 {
        None => input.internal_joint,
        Some(d2) => merge::designations(input, d2, &merge_list, task_list.len()),
    };
    let mut joint = vec![false; task_list.len()];
    for p in sampler.choose_k(task_list.len(), designate)? {
        if let Some(flag) = joint.get_mut(p) {
            *flag = true;
        }
    }

    // Step 4.
    let mut builder = TeamBuilder::new(input);
    let refs = task_refs(input, &task_list);
    let mut tasks = Vec::with_capacity(task_list.len());
    for ((&(target, k), &joint), refs) in task_list.iter().zip(&joint).zip(&refs) {
        let row = &input.strata[k].row;
        let (team, relaxed) = builder.team_for(target, refs, row, joint, &mut sampler)?;
        tasks.push(TaskDraft {
            target,
            row: row.clone(),
            team,
            internal_joint: joint,
            relaxed_last_team: relaxed,
        });
    }

    // draw-2, step 5: the merges.
    let merges = match &input.draw2 {
        None => Vec::new(),
        Some(d2) => merge::merge_step(&mut builder, d2, &merge_list, &mut sampler)?,
    };

    // Step 5 (draw-2: step 6).
    Ok(DrawOutcome {
        picks,
        tasks,
        words_consumed: sampler.words_consumed(),
        merges,
    })
}

/// Recompute the draw and compare it with `recorded`: `Err` names the first difference.
pub fn verify(input: &DrawInput, seed: &Seed, recorded: &DrawOutcome) -> Result<(), Mismatch> {
    let expected = run(input, seed).map_err(Mismatch::Recompute)?;
    if expected.picks.len() != recorded.picks.len() {
        return Err(Mismatch::StrataCount {
            expected: expected.picks.len(),
            recorded: recorded.picks.len(),
        });
    }
    for (k, ((erow, eids), (rrow, rids))) in expected.picks.iter().zip(&recorded.picks).enumerate()
    {
        if erow != rrow {
            return Err(Mismatch::StratumRow {
                stratum: k,
                expected: erow.clone(),
                recorded: rrow.clone(),
            });
        }
        for position in 0..eids.len().max(rids.len()) {
            let (e, r) = (eids.get(position).copied(), rids.get(position).copied());
            if e != r {
                return Err(Mismatch::StratumPicks {
                    row: erow.clone(),
                    position,
                    expected: e,
                    recorded: r,
                });
            }
        }
    }
    if expected.tasks.len() != recorded.tasks.len() {
        return Err(Mismatch::TaskCount {
            expected: expected.tasks.len(),
            recorded: recorded.tasks.len(),
        });
    }
    for (task, (e, r)) in expected.tasks.iter().zip(&recorded.tasks).enumerate() {
        let target = e.target;
        if e.target != r.target {
            return Err(Mismatch::TaskTarget {
                task,
                expected: e.target,
                recorded: r.target,
            });
        }
        if e.row != r.row {
            return Err(Mismatch::TaskRow {
                task,
                target,
                expected: e.row.clone(),
                recorded: r.row.clone(),
            });
        }
        if e.team != r.team {
            return Err(Mismatch::TaskTeam {
                task,
                target,
                expected: e.team.clone(),
                recorded: r.team.clone(),
            });
        }
        if e.internal_joint != r.internal_joint {
            return Err(Mismatch::JointFlag {
                task,
                target,
                expected: e.internal_joint,
                recorded: r.internal_joint,
            });
        }
        if e.relaxed_last_team != r.relaxed_last_team {
            return Err(Mismatch::RelaxedFlag {
                task,
                target,
                expected: e.relaxed_last_team,
                recorded: r.relaxed_last_team,
            });
        }
    }
    merge::verify_merges(&expected.merges, &recorded.merges)?;
    if expected.words_consumed != recorded.words_consumed {
        return Err(Mismatch::WordsConsumed {
            expected: expected.words_consumed,
            recorded: recorded.words_consumed,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The yearly internal-joint ratio
// ---------------------------------------------------------------------------------------------

/// How many of this draw's `this_draw` tasks must be internal joint so that the year's share of
/// internal joint tasks reaches `min_percent`: the smallest `x <= this_draw` with
/// `(year_joint + x) * 100 >= min_percent * (year_tasks + this_draw)`, where `year_tasks` and
/// `year_joint` count the year's tasks before this draw. If even `x = this_draw` does not
/// reach it, the answer is `this_draw` (as many as possible).
pub fn internal_joint_needed(
    year_tasks: usize,
    year_joint: usize,
    this_draw: usize,
    min_percent: u32,
) -> usize {
    let need = u128::from(min_percent) * (year_tasks as u128 + this_draw as u128);
    // Smallest total joint count t with t * 100 >= need.
    let total_needed = need.div_ceil(100);
    let x = total_needed.saturating_sub(year_joint as u128);
    usize::try_from(x).map_or(this_draw, |x| x.min(this_draw))
}

/// The ratio as text, e.g. `43/1268 = 3.39%` (rounded half up to hundredths of a percent;
/// `0/0 = 0.00%`).
pub fn ratio_text(joint: usize, total: usize) -> String {
    let hundredths = if total == 0 {
        0
    } else {
        // Hundredths of a percent, rounded half up: (joint * 10000 / total) + 1/2.
        (joint as u128 * 20_000 + total as u128) / (2 * total as u128)
    };
    format!(
        "{joint}/{total} = {}.{:02}%",
        hundredths / 100,
        hundredths % 100
    )
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
