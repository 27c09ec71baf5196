//! Plans, draws and tasks: building a draw's input from the registries, committing it with its
//! tasks in one transaction, verifying and voiding.

use super::book::{
    draw_json, Book, DrawJson, DrawPreview, DrawRecord, DrawRequest, StratumPreview, Voided,
    MAX_TEAM_SIZE,
};
use super::{encode_record, Office, OfficeError, State};
use crate::domain::plan::{planned_method, InspectionMethod, JointKind, Plan, PlanId};
use crate::domain::scope::Scope;
use crate::domain::task::{DrawId, FollowUp, Task};
use crate::domain::*;
use crate::draw::engine::{self, DrawInput, DrawOutcome, InspectorSnap, StratumInput};
use crate::draw::sampler::{self, Seed};
use crate::i18n::Lang;
use crate::store::{key_u64, Change, Guard, TreeName, Write};
use std::collections::{BTreeMap, HashMap, HashSet};
fn period_key(plan: PlanId, period: &str) -> Vec<u8> {
    format!("draw-slot/{plan}/{period}").into_bytes()
}

fn refused(s: String) -> OfficeError {
    OfficeError::Refused(s)
}

impl Office {
    /// Import the annual plan table; plans are matched by (year, 序号).
    pub fn import_plans(
        &self,
        name: &str,
        bytes: &[u8],
        year: i32,
        dry_run: bool,
    ) -> Result<super::ImportOutcome, OfficeError> {
        let lang = self.lang();
        let r = crate::import::read_plans_bytes(name, bytes, year).map_err(|e| {
            OfficeError::Invalid(e.localize(lang).lines().map(String::from).collect())
        })?;
        let mut out = super::ImportOutcome {
            kind: super::ImportKind::Plans,
            file: r.file.clone(),
            encoding: r.encoding.clone(),
            rows: r.records.len(),
            added: 0,
            updated: 0,
            unchanged: 0,
            warnings: vec![],
            unknown_columns: r.unknown_columns.clone(),
            dry_run,
            audit_seq: None,
            preview: Default::default(),
        };
        let unknown = self.unknown_plan_items(&r.file, &r.records);
        if !unknown.is_empty() {
            return Err(OfficeError::Invalid(unknown));
        }
        let mut book = self.book_mut();
        let staged = super::stage_by_key(
            &book.plans,
            r.records.into_iter().map(|(_, p)| p),
            |a, b| a.year == b.year && a.seq == b.seq,
            |p| p.id,
            |p, id| p.id = id,
            &mut out,
        );
        if dry_run || staged.is_empty() {
            return Ok(out);
        }
        let writes = staged
            .iter()
            .map(|p| encode_record(TreeName::Plans, key_u64(p.id), p))
            .collect::<Result<Vec<_>, _>>()?;
        let stamps = super::revisions::stamps(TreeName::Plans, staged.iter().map(|p| p.id));
        let e = self.commit_stamped("import plans", out.localize(Lang::Zh), writes, stamps)?;
        out.audit_seq = Some(e.seq);
        for p in staged {
            super::put_by_id(&mut book.plans, p.id, p);
        }
        Ok(out)
    }

    /// Add (`id == 0`: the next id) or replace (matched by id) one plan, in one audited
    /// commit. Refused: a plan that does not fit the rules ([`Plan::validate`]), an unknown
    /// id, or a (year, 序号) already used by another plan. Returns the plan as stored.
    pub fn save_plan(&self, p: Plan) -> Result<Plan, OfficeError> {
        self.save_plan_at(p, None)
    }

    /// [`Office::save_plan`] based on the plan's revision `base`: refused, changing nothing,
    /// when the plan was changed since (`None`: no check; a new plan has none).
    pub fn save_plan_at(&self, mut p: Plan, base: Option<u64>) -> Result<Plan, OfficeError> {
        let lang = self.lang();
        p.validate(&self.rules())
            .map_err(|e| OfficeError::Invalid(vec![e.localize(lang)]))?;
        let mut book = self.book_mut();
        if let Some(other) = book
            .plans
            .iter()
            .find(|q| q.year == p.year && q.seq == p.seq && q.id != p.id)
        {
            return Err(OfficeError::Invalid(vec![format!(
                "{}: {} {} {}",
                lang.pick("序号", "No."),
                p.seq,
                lang.pick(
                    "已被同年的另一计划使用：",
                    "is already used that year by plan"
                ),
                other.name
            )]));
        }
        let is_new = p.id == 0;
        let at = if is_new {
            p.id = book.plans.iter().map(|q| q.id).max().unwrap_or(0) + 1;
            book.plans.len()
        } else {
            match book.plans.iter().position(|q| q.id == p.id) {
                Some(i) if book.plans[i] == p => return Ok(p),
                Some(i) => i,
                None => return Err(OfficeError::NotFound(format!("plan {}", p.id))),
            }
        };
        let writes = vec![encode_record(TreeName::Plans, key_u64(p.id), &p)?];
        let summary = format!(
            "{}抽查计划 {} {}年 序号{} {}",
            if is_new { "新增" } else { "编辑" },
            p.id,
            p.year,
            p.seq,
            p.name
        );
        let base = if is_new { None } else { base };
        self.commit_stamped(
            if is_new { "plan add" } else { "plan edit" },
            summary,
            writes,
            vec![super::revisions::stamp(TreeName::Plans, p.id, base)],
        )?;
        if is_new {
            book.plans.push(p.clone());
        } else {
            book.plans[at] = p.clone();
        }
        Ok(p)
    }

    pub(super) fn plan(&self, id: PlanId) -> Result<Plan, OfficeError> {
        self.book()
            .plans
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .ok_or_else(|| OfficeError::NotFound(format!("plan {id}")))
    }

    /// Build the draw's input (pool snapshot) and the preview. Nothing random happens here.
    pub fn prepare_draw(&self, req: &DrawRequest) -> Result<(DrawPreview, DrawInput), OfficeError> {
        let lang = self.lang();
        let plan = self.plan(req.plan)?;
        let period = Period::parse(&req.period).map_err(|e| refused(e.localize(lang)))?;
        if period.year() != plan.year {
            return Err(refused(match lang {
                Lang::Zh => format!(
                    "计划 {} 属于 {} 年，不能抽取 {}",
                    plan.id, plan.year, period
                ),
                Lang::En => format!("plan {} is for {}, not {}", plan.id, plan.year, period),
            }));
        }
        if !plan.overlaps(period) {
            return Err(refused(match lang {
                Lang::Zh => format!(
                    "计划 {}（{}）的抽查日期为 {} 年 {} 月至 {} 月（{}），{} 不在其中，不能抽取",
                    plan.id,
                    plan.name,
                    plan.year,
                    plan.start_month,
                    plan.end_month,
                    plan.date_text,
                    period
                ),
                Lang::En => format!(
                    "plan {} ({}) is due only in months {}–{} of {} ({}); {} is outside them",
                    plan.id,
                    plan.name,
                    plan.start_month,
                    plan.end_month,
                    plan.year,
                    plan.date_text,
                    period
                ),
            }));
        }
        let scope_text = req.scope.clone().unwrap_or_else(|| plan.scope.clone());
        let scope = Scope::parse(&scope_text)
            .and_then(Scope::for_targets)
            .map_err(|e| refused(e.localize(lang)))?;
        let iscope_text = req.inspector_scope.clone().unwrap_or_default();
        let iscope = Scope::parse(&iscope_text)
            .and_then(Scope::for_inspectors)
            .map_err(|e| refused(e.localize(lang)))?;
        let joint = req.joint.clone().unwrap_or_else(|| plan.joint.clone());
        let date = req
            .date
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        let rules = &*self.rules();
        let settings = rules.settings().clone();
        let team_size = req.team_size.unwrap_or(settings.default_team_size as usize);
        if !(2..=MAX_TEAM_SIZE).contains(&team_size) {
            return Err(refused(match lang {
                Lang::Zh => {
                    format!("检查组人数 {team_size} 不可行：应在 2 到 {MAX_TEAM_SIZE} 人之间")
                }
                Lang::En => format!(
                    "a team of {team_size} is not possible: a team has 2 to {MAX_TEAM_SIZE} members"
                ),
            }));
        }
        if date < period.start() {
            return Err(refused(match lang {
                Lang::Zh => format!(
                    "抽取日期 {date} 早于抽取期间 {period}（自 {} 起）",
                    period.start()
                ),
                Lang::En => format!(
                    "the draw date {date} is before its period {period} (from {})",
                    period.start()
                ),
            }));
        }
        let st = self.state();
        let book = self.book();
        // Each task's period parsed once; the live tasks with theirs.
        let periods = ids::task_periods(&book.tasks);
        let live_tasks = || book.tasks.iter().zip(&periods).filter(|(t, _)| !t.voided);

        // Strata: one per row the plan draws. A target's obligation is per inspection category
        // and counts every live routine visit of that category in the row's cycle, from any
        // plan; a directed plan's picks are extra visits and count only against itself.
        let directed = !scope_text.trim().is_empty();
        let directed_draws: HashSet<DrawId> = book
            .draws
            .iter()
            .filter(|d| !d.scope.trim().is_empty())
            .map(|d| d.id)
            .collect();
        let overlaps = |q: &Option<Period>, p: Period| {
            q.is_some_and(|q| q.start() <= p.end() && p.start() <= q.end())
        };
        // One visit per target per period: a target with a live task in this period (from any
        // plan) gets no second task in it; if drawn again, the pick is merged into that visit
        // (`shuangsui-draw-2`). The categories each visit covers, and its task.
        let mut visited: HashMap<TargetId, (HashSet<crate::domain::rules::Category>, &Task)> =
            HashMap::new();
        for (t, _) in live_tasks().filter(|(_, q)| overlaps(q, period)) {
            let entry = visited
                .entry(t.target)
                .or_insert_with(|| (HashSet::new(), t));
            if t.id < entry.1.id {
                entry.1 = t;
            }
            for item in t.items() {
                if let Some(r) = rules.row(item.row) {
                    entry.0.insert(r.category());
                }
            }
        }
        // Issue 19: the plan's window leaves out targets inspected outside the draw lately.
        let recent = self.recent_exclusion(plan.id, date);
        let mut merge_into: BTreeMap<TargetId, &Task> = BTreeMap::new();
        let mut placed = ids::IdSet::with_capacity(st.targets.len() + 1);
        let mut strata = Vec::new();
        let mut previews = Vec::new();
        let governing = governed_targets(&st, rules, |t| scope.matches_target(t));
        // Per live task (routine plans): its target, period and the categories of its items
        // from routine draws, worked out once rather than once per row.
        let category_bit = |c: crate::domain::rules::Category| 1u8 << (c as u8);
        // A row's category bit by its id (a task of an unknown row counts for no category).
        let row_bits: HashMap<&str, u8> = rules
            .rows()
            .iter()
            .rev() // the first row of an id wins, as in `Rules::row`
            .map(|r| (r.id.as_str(), category_bit(r.category())))
            .collect();
        // In parallel: at the end of a year this goes over every task of the year.
        let routine: Vec<(TargetId, Option<Period>, u8)> = if directed {
            Vec::new()
        } else {
            use rayon::prelude::*;
            book.tasks
                .par_iter()
                .zip(periods.par_iter())
                .filter(|(t, q)| !t.voided && q.is_some())
                .map(|(t, q)| {
                    let cats = t
                        .items()
                        .filter(|item| !directed_draws.contains(&item.draw))
                        .fold(0u8, |m, item| {
                            m | row_bits.get(item.row).copied().unwrap_or(0)
                        });
                    (t.target, *q, cats)
                })
                .filter(|(_, _, cats)| *cats != 0)
                .collect()
        };
        // The targets with a routine visit of a category in a cycle: the same for every row of
        // that category and cycle, so worked out once for them.
        let mut drawn_by_cycle: HashMap<(u8, Period), std::rc::Rc<ids::IdSet>> = HashMap::new();
        for row in rules.applicable_rows() {
            if !plan.draws_row(rules, &row.id) {
                continue;
            }
            let Some(cycle_period) = period.cycle_of(row.cycle) else {
                continue;
            };
            let members = governing
                .get(row.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let category = row.category();
            let in_cycle = |q: &Option<Period>| q.is_some_and(|p| cycle_period.contains(p.start()));
            let drawn_in_cycle: std::rc::Rc<ids::IdSet> = if directed {
                std::rc::Rc::new(
                    live_tasks()
                        .filter(|(t, q)| {
                            in_cycle(q)
                                && t.items()
                                    .any(|item| item.plan == plan.id && item.row == row.id)
                        })
                        .map(|(t, _)| t.target)
                        .collect(),
                )
            } else {
                let bit = category_bit(category);
                drawn_by_cycle
                    .entry((bit, cycle_period))
                    .or_insert_with(|| {
                        std::rc::Rc::new(
                            routine
                                .iter()
                                .filter(|(_, q, cats)| cats & bit != 0 && in_cycle(q))
                                .map(|(target, _, _)| *target)
                                .collect(),
                        )
                    })
                    .clone()
            };
            let slots = plan.remaining_slots(period, cycle_period).max(1);
            let mut eligible = 0usize;
            let mut excluded = 0usize;
            let mut already = 0usize;
            let mut visited_here = 0usize;
            let mut pool = Vec::new();
            for t in members {
                if !drawable_in(t, period) {
                    excluded += 1;
                    continue;
                }
                eligible += 1;
                if drawn_in_cycle.contains(&t.id) {
                    already += 1;
                } else if placed.contains(&t.id)
                    || recent.as_ref().is_some_and(|e| e.contains(t.id))
                {
                    visited_here += 1;
                } else if let Some((cats, task)) = visited.get(&t.id) {
                    // A routine visit covers a category once; anything else joins the visit.
                    if !directed && cats.contains(&category) {
                        visited_here += 1;
                    } else {
                        pool.push(t.id);
                        merge_into.insert(t.id, *task);
                    }
                } else {
                    pool.push(t.id);
                }
            }
            let full = row
                .quota(eligible, plan.chosen_ratio)
                .map_err(|e| refused(e.localize(lang)))?;
            let owed = full.saturating_sub(already);
            let quota = owed.div_ceil(slots).min(pool.len());
            placed.extend(pool.iter().copied());
            previews.push(StratumPreview {
                row: row.id.clone(),
                name: row.name(lang).to_string(),
                ratio: row.ratio_text(lang),
                targets: members.len(),
                excluded,
                already,
                quota,
                pool: pool.len(),
                owed,
                visited: visited_here,
            });
            strata.push(StratumInput {
                row: row.id.clone(),
                quota,
                pool,
            });
        }
        let total: usize = strata.iter().map(|s| s.quota).sum();
        if total == 0 {
            return Err(refused(nothing_due(&plan, period, &previews, lang)));
        }

        // The year's internal joint ratio.
        let (year_count, year_joint) = live_tasks()
            .filter(|(_, q)| q.is_some_and(|p| p.year() == period.year()))
            .fold((0usize, 0usize), |(n, j), (t, _)| {
                (n + 1, j + usize::from(t.is_joint()))
            });
        let internal_joint = match joint {
            JointKind::Internal => total,
            _ => engine::internal_joint_needed(
                year_count,
                year_joint,
                total,
                settings.internal_joint_min_percent,
            ),
        };
        let year_before = (year_joint, year_count);

        // Inspectors.
        let partners = match &joint {
            JointKind::Departments(codes) => codes.clone(),
            _ => vec![],
        };
        for code in &partners {
            if st.department_by_code(code).is_none() {
                return Err(refused(format!(
                    "{}{code}",
                    lang.pick("未知的联合部门：", "unknown partner department: ")
                )));
            }
        }
        let cap_cycle = settings.workload_cap_cycle;
        let load_period = period.cycle_of(cap_cycle).unwrap_or(period);
        // Tasks per inspector in the cap's cycle: by id in a vector (ids are dense), any id
        // beyond it in a map.
        let mut load_by_id: Vec<u32> = vec![0; st.inspectors.len() + 1];
        let mut load_beyond: HashMap<InspectorId, u32> = HashMap::new();
        for (t, q) in live_tasks() {
            if q.is_some_and(|p| load_period.contains(p.start())) {
                for &m in &t.team {
                    match usize::try_from(m).ok().and_then(|i| load_by_id.get_mut(i)) {
                        Some(n) => *n += 1,
                        None => *load_beyond.entry(m).or_default() += 1,
                    }
                }
            }
        }
        let load_of = |id: InspectorId| {
            usize::try_from(id)
                .ok()
                .and_then(|i| load_by_id.get(i).copied())
                .unwrap_or_else(|| load_beyond.get(&id).copied().unwrap_or(0))
        };
        let mut inspectors = Vec::new();
        for p in &st.inspectors {
            if p.status != InspectorStatus::Active {
                continue;
            }
            let Some(dept) = st.department_by_code(&p.department) else {
                continue;
            };
            let internal = dept.kind == DepartmentKind::Internal;
            if internal {
                if !plan.required_expertise.is_empty()
                    && !plan
                        .required_expertise
                        .iter()
                        .any(|e| p.expertise.contains(e))
                {
                    continue;
                }
                if !iscope.matches_inspector(p, &dept.name) {
                    continue;
                }
            } else if !partners.contains(&p.department) {
                continue;
            }
            inspectors.push(InspectorSnap {
                id: p.id,
                department: p.department.clone(),
                internal,
                certified: p.certified_on(date),
                load: load_of(p.id),
            });
        }
        // A joint team needs certified inspectors of two sections; when the plan's inspectors
        // (expertise, scope) are all of one section, this draw cannot carry joint tasks and the
        // year's 3% must come from other draws (the preview shows the ratio after).
        let sections: HashSet<&str> = inspectors
            .iter()
            .filter(|i| i.internal && i.certified)
            .map(|i| i.department.as_str())
            .collect();
        let internal_joint = if sections.len() < 2 && !matches!(joint, JointKind::Internal) {
            0
        } else {
            internal_joint
        };
        let year_after = (year_joint + internal_joint, year_count + total);
        let pool_ids: ids::IdSet = strata.iter().flat_map(|s| s.pool.iter().copied()).collect();
        let inspector_ids: HashSet<InspectorId> = inspectors.iter().map(|i| i.id).collect();
        let mut recusals: Vec<(u64, u64)> = st
            .conflicts
            .iter()
            .filter(|c| pool_ids.contains(&c.target) && inspector_ids.contains(&c.inspector))
            .map(|c| (c.target, c.inspector))
            .collect();
        recusals.sort_unstable();
        recusals.dedup();
        // Per pool target, its latest live task (the team is copied once, at the end): by
        // target id in a vector (ids are dense), any id beyond it in a map.
        let mut last_by_id: Vec<Option<&Task>> = vec![None; st.targets.len() + 1];
        let mut last_beyond: BTreeMap<u64, Option<&Task>> = BTreeMap::new();
        for (t, _) in live_tasks() {
            if pool_ids.contains(&t.target) {
                let slot = match usize::try_from(t.target)
                    .ok()
                    .and_then(|i| last_by_id.get_mut(i))
                {
                    Some(slot) => slot,
                    None => last_beyond.entry(t.target).or_insert(None),
                };
                if slot.is_none_or(|e| t.id >= e.id) {
                    *slot = Some(t);
                }
            }
        }
        let team_of = |(k, t): (u64, &Task)| {
            let mut team = t.team.clone();
            team.sort_unstable();
            (k, team)
        };
        let mut last_teams: Vec<(u64, Vec<u64>)> = {
            use rayon::prelude::*;
            last_by_id
                .par_iter()
                .enumerate()
                .filter_map(|(id, t)| Some((id as u64, (*t)?)))
                .map(team_of)
                .collect()
        };
        last_teams.extend(
            last_beyond
                .iter()
                .filter_map(|(&id, t)| Some((id, (*t)?)))
                .map(team_of),
        );
        let input = DrawInput {
            strata,
            internal_joint,
            inspectors,
            recusals,
            last_teams,
            team_size,
            partners,
            workload_cap: settings.workload_cap,
            draw2: Some(engine::Draw2 {
                visits: merge_into
                    .iter()
                    .map(|(&target, t)| engine::Visit {
                        target,
                        task: t.id,
                        team: t.team.clone(),
                        joint: t.is_joint(),
                    })
                    .collect(),
                joint_all: matches!(joint, JointKind::Internal),
                year_tasks: year_before.1,
                year_joint: year_before.0,
                joint_min_percent: settings.internal_joint_min_percent,
            }),
        };
        let preview = DrawPreview {
            plan: plan.id,
            plan_name: plan.name.clone(),
            period: period.to_string(),
            strata: previews,
            total,
            internal_joint,
            year_before,
            year_after,
            inspectors_eligible: input.inspectors.iter().filter(|i| i.internal).count(),
            inspectors_certified: input
                .inspectors
                .iter()
                .filter(|i| i.internal && i.certified)
                .count(),
            recusal_pairs: input.recusals.len(),
            workload_cap: input.workload_cap,
            pool_hash: hex::encode(engine::pool_hash(&input)),
        };
        Ok((preview, input))
    }

    /// Draw and commit at one sitting: an announcement (frozen input, sealed entropy, its
    /// commitment) and its commit with `req.witness`, two audited commits (see
    /// [`Office::announce_draw`] and [`Office::commit_announced`]). A chosen seed never commits:
    /// a request with `seed` is refused (replay it with [`Office::replay_draw`]).
    pub fn commit_draw(&self, req: &DrawRequest) -> Result<DrawRecord, OfficeError> {
        self.draw_one_sitting(req)
    }

    /// Build the tasks of `outcome` (drawn from the frozen `input` with `seed`) and commit them
    /// with the draw record, the audit entry and the `extra` writes in one transaction.
    /// `input_hash` is [`engine::pool_hash`] of `input`, which the caller has just checked.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn commit_outcome(
        &self,
        req: &DrawRequest,
        preview: &DrawPreview,
        input: std::sync::Arc<DrawInput>,
        input_hash: [u8; 32],
        entropy: [u8; 32],
        seed: Seed,
        outcome: DrawOutcome,
        extra: Vec<Write>,
    ) -> Result<DrawRecord, OfficeError> {
        let lang = self.lang();
        let plan = self.plan(req.plan)?;
        let entropy = Some(entropy);
        let date = req
            .date
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        let st = self.state();
        let mut book = self.book_mut();
        let draw_id = book.draws.len() as u64 + 1;
        let tasks = tasks_from_outcome(
            &st,
            &plan,
            &preview.period,
            &input,
            &outcome,
            draw_id,
            book.tasks.len() as u64 + 1,
        );
        let merged = super::merged::merged_tasks(&st, &book, &plan, &outcome, draw_id, lang)?;
        let year_after =
            super::merged::year_after_outcome(preview.year_before, &outcome, &merged, draw_id);
        let record = DrawRecord {
            id: draw_id,
            plan: plan.id,
            plan_name: plan.name.clone(),
            period: preview.period.clone(),
            date,
            time: crate::store::audit::now_text(),
            operator: self.user().to_string(),
            scope: req.scope.clone().unwrap_or_else(|| plan.scope.clone()),
            inspector_scope: req.inspector_scope.clone().unwrap_or_default(),
            joint: req.joint.clone().unwrap_or_else(|| plan.joint.clone()),
            entropy,
            witness: req.witness.clone(),
            seed,
            algorithm: format!("{}+{}", sampler::ALGORITHM_VERSION, input.engine_name()),
            pool_hash: input_hash,
            input,
            outcome,
            tasks: tasks.iter().map(|t| t.id).collect(),
            year_before: preview.year_before,
            year_after,
            voided: None,
        };
        let mut writes = vec![encode_record(TreeName::Draws, key_u64(record.id), &record)?];
        // The new tasks in chunks (issue 17); the visits merged into are single records.
        writes.extend(super::task_chunks::chunk_writes(&tasks)?);
        for t in &merged {
            writes.push(encode_record(TreeName::Tasks, key_u64(t.id), t)?);
        }
        writes.extend(extra);
        let slot = period_key(plan.id, &record.period);
        writes.push(encode_record(TreeName::Meta, slot.clone(), &record.id)?);
        let summary = format!(
            "抽取 #{} 计划 {} {} {}：{} 个任务，{} 个并入已有检查，种子 {}，池哈希 {}",
            record.id,
            plan.id,
            plan.name,
            record.period,
            tasks.len(),
            merged.len(),
            sampler::seed_hex(&record.seed),
            hex::encode(record.pool_hash)
        );
        self.store
            .commit(Change {
                user: self.user().to_string(),
                action: "draw".into(),
                summary,
                writes,
                guards: vec![Guard { tree: TreeName::Meta, key: slot }],
                stamps: vec![],
            })
            .map_err(|e| match e {
                crate::store::StoreError::Conflict { .. } => refused(match lang {
                    Lang::Zh => format!(
                        "计划 {} 在 {} 已有抽取结果，不能重抽；如确有错误，请先作废原抽取（void）并说明原因",
                        plan.id, preview.period
                    ),
                    Lang::En => format!(
                        "plan {} already has a draw for {}; a draw is never redone (void it with a reason first)",
                        plan.id, preview.period
                    ),
                }),
                other => other.into(),
            })?;
        for t in merged {
            if let Some(i) = book.task_index(t.id) {
                book.tasks[i] = t;
            }
        }
        book.tasks.extend(tasks);
        book.draws.push(record.clone());
        Ok(record)
    }

    /// The plans due in `period`: of its year, with 抽查日期 months overlapping it; the
    /// routine (undirected) plans first, then the directed ones, each in id order, so that a
    /// directed plan finds the period's routine visits already made.
    pub fn plans_due(&self, period: Period) -> Vec<PlanId> {
        let mut due: Vec<(bool, PlanId)> = self
            .book()
            .plans
            .iter()
            .filter(|p| p.overlaps(period))
            .map(|p| (p.is_directed(), p.id))
            .collect();
        due.sort_unstable();
        due.into_iter().map(|(_, id)| id).collect()
    }

    /// Draw a period for every plan due in it ([`Office::plans_due`]), one plan after the
    /// other in id order, each its own audited draw: the obligations across plans hold because
    /// each plan's input is built after the previous plan's tasks are committed. `base` gives
    /// the request's other fields (date, witness, seed); its plan and scope are ignored. Every
    /// plan's outcome is returned; a plan with nothing due is refused and writes nothing.
    pub fn draw_period(
        &self,
        period: Period,
        base: &DrawRequest,
    ) -> Vec<(PlanId, Result<DrawRecord, OfficeError>)> {
        self.plans_due(period)
            .into_iter()
            .map(|plan| {
                let req = DrawRequest {
                    plan,
                    period: period.to_string(),
                    scope: None,
                    ..base.clone()
                };
                (plan, self.commit_draw(&req))
            })
            .collect()
    }

    /// Void a committed draw with a reason. The record is kept; its tasks are marked voided.
    pub fn void_draw(&self, id: DrawId, reason: &str) -> Result<DrawRecord, OfficeError> {
        let lang = self.lang();
        if reason.trim().is_empty() {
            return Err(refused(
                lang.pick("作废必须说明原因", "voiding needs a reason")
                    .into(),
            ));
        }
        let mut book = self.book_mut();
        let Some(mut d) = book.draws.iter().find(|d| d.id == id).cloned() else {
            return Err(OfficeError::NotFound(format!("draw {id}")));
        };
        if d.voided.is_some() {
            return Err(refused(
                lang.pick("该抽取已作废", "this draw is already voided")
                    .into(),
            ));
        }
        if let Some(m) = super::merged::void_refusal(&book, id, lang) {
            return Err(refused(m));
        }
        let unmerged = super::merged::unmerged(&book, id);
        d.voided = Some(Voided {
            reason: reason.trim().into(),
            by: self.user(),
            time: crate::store::audit::now_text(),
        });
        let mut writes = vec![encode_record(TreeName::Draws, key_u64(d.id), &d)?];
        let mut changed = Vec::new();
        for t in book.tasks.iter().filter(|t| t.draw == id) {
            let mut t = t.clone();
            t.voided = true;
            writes.push(encode_record(TreeName::Tasks, key_u64(t.id), &t)?);
            changed.push(t);
        }
        for t in unmerged {
            writes.push(encode_record(TreeName::Tasks, key_u64(t.id), &t)?);
            changed.push(t);
        }
        writes.push(Write::remove(TreeName::Meta, period_key(d.plan, &d.period)));
        self.commit(
            "void draw",
            format!("作废抽取 #{id}，原因：{}", reason.trim()),
            writes,
        )?;
        for t in changed {
            let i = (t.id - 1) as usize;
            book.tasks[i] = t;
        }
        let i = (id - 1) as usize;
        book.draws[i] = d.clone();
        Ok(d)
    }

    /// Recompute one draw from what is stored and compare; also checks the stored tasks.
    pub fn verify_draw(&self, id: DrawId) -> Result<Result<(), String>, OfficeError> {
        let lang = self.lang();
        let book = self.book();
        let Some(d) = book.draws.iter().find(|d| d.id == id) else {
            return Err(OfficeError::NotFound(format!("draw {id}")));
        };
        Ok(check_draw(d, &book, lang).and_then(|()| self.check_draw_rules(d)))
    }

    /// Check every draw (in parallel); the first failure in draw order, if any, as (draw id,
    /// message).
    pub fn verify_all_draws(&self) -> Option<(DrawId, String)> {
        let lang = self.lang();
        let book = self.book();
        // Each draw is recomputed on its own: in parallel, the first failing one reported.
        use rayon::prelude::*;
        book.draws.par_iter().find_map_first(|d| {
            check_draw(d, &book, lang)
                .and_then(|()| self.check_draw_rules(d))
                .err()
                .map(|m| (d.id, m))
        })
    }

    pub fn draw_json(&self, d: &DrawRecord) -> DrawJson {
        let st = self.state();
        let book = self.book();
        draw_json(d, &st, &book, &self.calendar())
    }

    /// A snapshot of the plans, draws and tasks (holds no lock: see office/mod.rs, "Locks").
    pub fn book(&self) -> std::sync::Arc<Book> {
        self.book.get()
    }

    pub(super) fn book_mut(&self) -> super::Written<'_, Book> {
        self.book.write()
    }
}

/// The targets each row is owed by (the governing pollution-source row and the radiation and
/// construction rows, one per category: [`Rules::obligations`]), among those `keep` accepts (a draw's scope; all of
/// them for the figures). Shared by [`Office::prepare_draw`] and the office's figures so both
/// count the same targets.
pub(crate) fn governed_targets<'a>(
    st: &'a State,
    rules: &crate::domain::rules::Rules,
    keep: impl Fn(&Target) -> bool + Sync,
) -> HashMap<String, Vec<&'a Target>> {
    use rayon::prelude::*;
    // Chunks of the registry in parallel, joined in registry order (each row's targets stay in
    // ascending id).
    let parts: Vec<HashMap<&str, Vec<&Target>>> = st
        .targets
        .par_chunks(16 * 1024)
        .map(|chunk| {
            let mut part: HashMap<&str, Vec<&Target>> = HashMap::new();
            for t in chunk.iter().filter(|t| keep(t)) {
                for row in rules.obligations(t) {
                    part.entry(row.id.as_str()).or_default().push(t);
                }
            }
            part
        })
        .collect();
    let mut governing: HashMap<String, Vec<&Target>> = HashMap::new();
    for part in parts {
        for (row, targets) in part {
            governing
                .entry(row.to_string())
                .or_default()
                .extend(targets);
        }
    }
    governing
}

/// The tasks of a draw's outcome, numbered from `first_task`: one per drafted task, with the
/// plan's method as allowed for the target ([`planned_method`]). The one place a committed
/// draw's tasks are made.
pub(crate) fn tasks_from_outcome(
    st: &State,
    plan: &Plan,
    period: &str,
    input: &DrawInput,
    outcome: &DrawOutcome,
    draw_id: DrawId,
    first_task: u64,
) -> Vec<Task> {
    let period = crate::domain::sym::Sym::new(period);
    (first_task..)
        .zip(outcome.tasks.iter())
        .map(|(id, d)| Task {
            id,
            draw: draw_id,
            plan: plan.id,
            period,
            target: d.target,
            row: crate::domain::sym::Sym::new(&d.row),
            team: d.team.clone(),
            internal_joint: d.internal_joint,
            partners: input.partners.clone(),
            method: st
                .target(d.target)
                .map_or(InspectionMethod::OnSite, |t| planned_method(plan.method, t)),
            relaxed_last_team: d.relaxed_last_team,
            voided: false,
            check: None,
            result: None,
            publication: None,
            follow_up: FollowUp::default(),
            merged: vec![],
        })
        .collect()
}

/// Why a draw has nothing to draw: per row, how many targets are eligible and where they went.
fn nothing_due(plan: &Plan, period: Period, strata: &[StratumPreview], lang: Lang) -> String {
    let rows: Vec<String> = strata
        .iter()
        .filter(|s| s.targets > s.excluded)
        .map(|s| {
            let eligible = s.targets - s.excluded;
            match lang {
                Lang::Zh => format!(
                    "{}：在抽 {} 个，本周期已抽 {} 个，本期已有任务 {} 个",
                    s.row, eligible, s.already, s.visited
                ),
                Lang::En => format!(
                    "{}: {} eligible, {} already drawn in the cycle, {} already visited this period",
                    s.row, eligible, s.already, s.visited
                ),
            }
        })
        .collect();
    let detail = if rows.is_empty() {
        lang.pick(
            "范围内没有可抽的检查对象",
            "no target of the plan's rows is eligible in its scope",
        )
        .to_string()
    } else {
        rows.join(lang.pick("；", "; "))
    };
    match lang {
        Lang::Zh => format!(
            "计划 {}（{}）在 {} 没有应抽的检查对象（{}），未作抽取",
            plan.id, plan.name, period, detail
        ),
        Lang::En => format!(
            "nothing is due for plan {} ({}) in {}: {}; nothing was drawn",
            plan.id, plan.name, period, detail
        ),
    }
}

/// Whether a governed target counts in a draw for `period` (and in its quota): operating, and
/// producing in at least one month of the period. Closed, suspended and out-of-season targets
/// are excluded.
pub(crate) fn drawable_in(t: &Target, period: Period) -> bool {
    t.status == TargetStatus::Operating && period.months().any(|m| t.production_months.contains(m))
}

pub(crate) use super::book::load_book;

#[path = "draws_ids.rs"]
mod ids;
#[path = "draws_verify.rs"]
mod verify;
pub(crate) use verify::check_draw;

#[cfg(test)]
#[path = "draws_tests.rs"]
pub(super) mod tests;
